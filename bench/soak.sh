#!/usr/bin/env bash
# Faults soak: SIGKILL `cita index` at random moments and check that nothing
# committed is ever lost.
#
# Usage: bench/soak.sh [KILLS] [CITA] [CORPUS]
#   KILLS   SIGKILLs to land (default 20)
#   CITA    the binary (default target/release/cita, built if missing)
#   CORPUS  the folder to index (default ~/cita-bench/corpus if present,
#           else ten copies of the shipped corpus/)
# Environment: COMMIT_MB (default 8) for --commit-every; FIRST_KILLS and
# REBUILD_KILLS (see below); SEED (default the time) makes the kill moments
# reproducible; WORK (default a temporary folder, removed at the end) holds
# the indexes.
#
# A clean build first gives the reference: its index_fingerprint, passage
# count and duration T. Then, from an empty index, `cita index --commit-every
# COMMIT_MB` is started and SIGKILLed at a random moment in (0, T]; the next
# run resumes the build, and is killed in turn, up to FIRST_KILLS (default 3)
# times, then a run finishes it. Then the same with `--rebuild` runs (which
# replace every passage in place, batch by batch), up to REBUILD_KILLS
# (default 2) kills; then the index is deleted and the cycle starts again.
# So kills land on work under way, of both kinds (a run that finishes before
# its kill does not count as a kill).
# After each kill:
#   - the index opens: `cita search '*'` exits 0 or 1;
#   - no passage of an earlier commit is lost: the passage count is never
#     below the largest count seen since the index was last deleted;
#   - in a rebuild, the commit holds what the clean build holds (the
#     fingerprint of the clean build).
# Finally a plain `cita index` must complete, to the clean build's
# fingerprint and passage count. The last line is the summary, e.g.
#   "20 kills survived (12 in first builds, 8 in rebuilds; 8 runs finished):
#    0 passages lost, …"
set -euo pipefail
cd "$(dirname "$0")/.."

KILLS=${1:-20}
CITA=${2:-target/release/cita}
CORPUS=${3:-}
COMMIT_MB=${COMMIT_MB:-8}
FIRST_KILLS=${FIRST_KILLS:-3}
REBUILD_KILLS=${REBUILD_KILLS:-2}
SEED=${SEED:-$(date +%s)}

if [ ! -x "$CITA" ]; then
  cargo build --release --quiet
fi
CITA=$(realpath "$CITA")

OWN_WORK=
if [ -z "${WORK:-}" ]; then
  WORK=$(mktemp -d)
  OWN_WORK=1
fi
RUN_PID=
cleanup() {
  if [ -n "$RUN_PID" ]; then kill -9 "$RUN_PID" 2>/dev/null || true; fi
  if [ -n "$OWN_WORK" ]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT

if [ -z "$CORPUS" ]; then
  if [ -d "$HOME/cita-bench/corpus" ]; then
    CORPUS=$HOME/cita-bench/corpus
  else
    CORPUS=$WORK/corpus
    for copy in 0 1 2 3 4 5 6 7 8 9; do
      mkdir -p "$CORPUS/copy$copy"
      cp corpus/* "$CORPUS/copy$copy/"
    done
  fi
fi

now() { date +%s.%N; }
elapsed() { printf '%.1f' "$(echo "$(now) - $1" | bc)"; }

# Passages and fingerprint of the index's last commit; fails if it does not open.
committed() {
  local out code
  set +e
  out=$("$CITA" search --format json --limit 0 --index "$1" '*' 2>"$WORK/search.err")
  code=$?
  set -e
  if [ "$code" -gt 1 ]; then
    echo "FAIL: the index does not open after a kill (exit $code): $(cat "$WORK/search.err")" >&2
    exit 1
  fi
  python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["total"], r["index_fingerprint"])' <<<"$out"
}

started=$(now)
echo "soak: corpus $CORPUS ($(du -sh "$CORPUS" | cut -f1)), $KILLS kills, --commit-every $COMMIT_MB, seed $SEED" >&2

clean_started=$(now)
"$CITA" index -q --corpus "$CORPUS" --index "$WORK/clean"
clean_seconds=$(elapsed "$clean_started")
read -r clean_passages clean_fingerprint <<<"$(committed "$WORK/clean")"
echo "soak: clean build $clean_seconds s, $clean_passages passages, fingerprint $clean_fingerprint" >&2

RANDOM=$SEED
index=$WORK/index
kills=0
first_kills=0
rebuild_kills=0
finished=0
lost=0
wrong=0
seen=0
mode=first
phase_kills=0

# After a run that finished: its index holds the clean build's content; the
# next phase starts (first build -> rebuild -> deleted index, first build).
finished_run() {
  finished=$((finished + 1))
  read -r passages fingerprint <<<"$(committed "$index")"
  echo "soak: a $mode run $1: $passages passages" >&2
  if [ "$fingerprint" != "$clean_fingerprint" ]; then
    wrong=$((wrong + 1))
    echo "FAIL: a finished $mode run gave fingerprint $fingerprint, not the clean build's" >&2
  fi
  phase_kills=0
  if [ "$mode" = first ]; then
    mode=rebuild
  else
    rm -rf "$index"
    passages=0
    seen=0
    mode=first
  fi
}

while [ "$kills" -lt "$KILLS" ]; do
  args=()
  limit=$FIRST_KILLS
  if [ "$mode" = rebuild ]; then
    args=(--rebuild)
    limit=$REBUILD_KILLS
  fi
  if [ "$phase_kills" -ge "$limit" ]; then
    if ! "$CITA" index -q --commit-every "$COMMIT_MB" "${args[@]}" --corpus "$CORPUS" \
      --index "$index" 2>"$WORK/run.err"; then
      echo "FAIL: a $mode run failed: $(cat "$WORK/run.err")" >&2
      exit 1
    fi
    finished_run "ran to its end"
    continue
  fi
  # A random moment in (0, T], in milliseconds.
  max_ms=$(echo "$clean_seconds * 1000 / 1" | bc)
  at_ms=$(( (RANDOM * 32768 + RANDOM) % max_ms + 1 ))
  "$CITA" index -q --commit-every "$COMMIT_MB" "${args[@]}" --corpus "$CORPUS" --index "$index" \
    2>"$WORK/run.err" &
  RUN_PID=$!
  sleep "$(echo "scale=3; $at_ms / 1000" | bc)"
  if kill -9 "$RUN_PID" 2>/dev/null; then
    wait "$RUN_PID" 2>/dev/null || true
    RUN_PID=
    kills=$((kills + 1))
    phase_kills=$((phase_kills + 1))
    if [ "$mode" = first ]; then first_kills=$((first_kills + 1)); else rebuild_kills=$((rebuild_kills + 1)); fi
    read -r passages fingerprint <<<"$(committed "$index")"
    if [ "$passages" -lt "$seen" ]; then
      lost=$((lost + seen - passages))
      echo "FAIL: kill $kills ($mode run at ${at_ms} ms): $passages passages < $seen seen before" >&2
    fi
    if [ "$mode" = rebuild ] && [ "$fingerprint" != "$clean_fingerprint" ]; then
      wrong=$((wrong + 1))
      echo "FAIL: kill $kills (rebuild at ${at_ms} ms): fingerprint $fingerprint, not the clean build's" >&2
    fi
    echo "soak: kill $kills ($mode run at ${at_ms} ms): $passages passages (fingerprint $fingerprint)" >&2
  else
    # The run ended before its kill: it must have succeeded.
    set +e
    wait "$RUN_PID"
    code=$?
    set -e
    RUN_PID=
    if [ "$code" -ne 0 ]; then
      echo "FAIL: a $mode run exited with $code: $(cat "$WORK/run.err")" >&2
      exit 1
    fi
    finished_run "finished before its kill at ${at_ms} ms"
  fi
  if [ "$passages" -gt "$seen" ]; then seen=$passages; fi
done

final_started=$(now)
"$CITA" index -q --commit-every "$COMMIT_MB" --corpus "$CORPUS" --index "$index"
final_seconds=$(elapsed "$final_started")
read -r passages fingerprint <<<"$(committed "$index")"
status=ok
if [ "$fingerprint" != "$clean_fingerprint" ] || [ "$passages" -ne "$clean_passages" ]; then
  status=FAIL
  echo "FAIL: the final run gave $passages passages, fingerprint $fingerprint; the clean build $clean_passages, $clean_fingerprint" >&2
fi
if [ "$lost" -gt 0 ] || [ "$wrong" -gt 0 ]; then status=FAIL; fi
total_seconds=$(elapsed "$started")
echo "$kills kills survived ($first_kills in first builds, $rebuild_kills in rebuilds; $finished runs finished): $lost passages lost, $wrong rebuild commits unlike the clean build, every kill left a searchable index; the final run ($final_seconds s) matched the clean build ($clean_seconds s): $passages passages, fingerprint $fingerprint [$status; $(du -sh "$CORPUS" | cut -f1) corpus, --commit-every $COMMIT_MB, seed $SEED, $total_seconds s in all]"
[ "$status" = ok ]
