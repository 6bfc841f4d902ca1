#!/usr/bin/env bash
# Builds cita's fuzz targets and runs each for SECONDS with its seeds.
#
#   fuzz/run.sh [SECONDS] [TARGET...]    default: 60 s, every target
#   fuzz/run.sh 10                       the CI smoke run
#   fuzz/run.sh 0                        replay seeds and regressions once, no fuzzing
#
# New corpus entries, crash artifacts and logs go to fuzz/work/ (gitignored),
# never to fuzz/seeds/. Prints per target: executions, execs/s, seconds, and
# any crash artifact; exits 1 if any target crashed, hung or ran out of memory.
#
# Environment:
#   FUZZ_SANITIZER   none (default) or address: see fuzz/README.md
#   FUZZ_TARGET_DIR  cargo's target folder (default fuzz/target)
#   FUZZ_WORK        where corpora, artifacts and logs go (default fuzz/work)
#   FUZZ_ARGS        extra libFuzzer flags for every target (e.g. "-seed=1")
#   FUZZ_KEEP_GOING=1  after a crash, start the target again until its time
#                    is spent (long runs); the run still exits 1
#   CITA_FUZZ_NO_ORACLE=1  panics only, no source-offset checks
set -uo pipefail

FUZZ_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SECONDS_EACH="${1:-60}"
shift || true
ALL_TARGETS=(query text markdown html jsonl pdf decode docx odt epub email mbox mhtml zip tar image stored copy_map)
if [ "$#" -gt 0 ]; then TARGETS=("$@"); else TARGETS=("${ALL_TARGETS[@]}"); fi

SANITIZER="${FUZZ_SANITIZER:-none}"
TARGET_DIR="${FUZZ_TARGET_DIR:-$FUZZ_DIR/target}"
WORK="${FUZZ_WORK:-$FUZZ_DIR/work}"
TRIPLE="$(rustc -vV | sed -n 's/^host: //p')"
BIN_DIR="$TARGET_DIR/$TRIPLE/release"

case "$SECONDS_EACH" in
  '' | *[!0-9]*) echo "usage: fuzz/run.sh [SECONDS] [TARGET...]" >&2; exit 2 ;;
esac
for target in "${TARGETS[@]}"; do
  [ -f "$FUZZ_DIR/fuzz_targets/$target.rs" ] || { echo "no fuzz target '$target' (have: ${ALL_TARGETS[*]})" >&2; exit 2; }
done

# The inputs each target explores: the query target stays within the
# server's 1,000-character limit; files stay small so time goes to structure.
max_len() {
  case "$1" in
    query) echo 1000 ;;
    pdf | docx | odt | epub | zip | tar) echo 16384 ;;
    *) echo 8192 ;;
  esac
}

# cargo-fuzz from crates.io, only if missing (about 3 minutes on 2 cores).
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "== installing cargo-fuzz (cargo install cargo-fuzz --locked)"
  start=$(date +%s)
  cargo install cargo-fuzz --locked || exit 2
  echo "== cargo-fuzz installed in $(( $(date +%s) - start )) s"
fi

# Stable Rust: libFuzzer's instrumentation (-Cpasses=sancov-module, …) is
# stable, so a build without a sanitizer needs nothing more. A sanitizer is
# -Zsanitizer=…, which stable rustc takes only with RUSTC_BOOTSTRAP=1.
if [ "$SANITIZER" != none ]; then export RUSTC_BOOTSTRAP=1; fi
echo "== building fuzz targets (sanitizer: $SANITIZER)"
start=$(date +%s)
build_args=(-s "$SANITIZER" --fuzz-dir "$FUZZ_DIR" --target-dir "$TARGET_DIR")
if ! (cd "$FUZZ_DIR/.." && cargo fuzz build "${build_args[@]}"); then
  echo "fuzz build failed" >&2
  exit 2
fi
echo "== built in $(( $(date +%s) - start )) s"

mkdir -p "$WORK/logs"
# The targets' temporary folders (the query target's index) go under the
# work folder and are removed at the end: libFuzzer ends a target with
# exit(), so a folder it holds in a static is never dropped.
export TMPDIR="$WORK/tmp"
rm -rf "$TMPDIR" && mkdir -p "$TMPDIR"
trap 'rm -rf "$TMPDIR"' EXIT
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
failed=0
printf '\n%-9s %12s %10s %8s  %s\n' target executions execs/s seconds result
for target in "${TARGETS[@]}"; do
  bin="$BIN_DIR/$target"
  seeds="$FUZZ_DIR/seeds/$target"
  regressions="$FUZZ_DIR/regressions/$target"
  corpus="$WORK/corpus/$target"
  artifacts="$WORK/artifacts/$target"
  mkdir -p "$corpus" "$artifacts" "$seeds"
  flags=(-rss_limit_mb=2048 -timeout=10 -max_len="$(max_len "$target")"
         -artifact_prefix="$artifacts/" -print_final_stats=1)
  [ -f "$FUZZ_DIR/dicts/$target.dict" ] && flags+=(-dict="$FUZZ_DIR/dicts/$target.dict")
  # Saved regressions, but those still open (`*.open`: found, not yet fixed;
  # the fix renames them) and their notes (`*.md`).
  replay="$WORK/regressions/$target"
  rm -rf "$replay" && mkdir -p "$replay"
  [ -d "$regressions" ] && find "$regressions" -type f ! -name '*.md' ! -name '*.open' \
    -exec cp {} "$replay/" \;
  rm -f "$WORK/logs/$target".*.log
  start=$(now_ms)
  end=$(( start + SECONDS_EACH * 1000 ))
  execs=0 found="" statuses="" run=0
  # libFuzzer stops at the first crash. With FUZZ_KEEP_GOING=1 the target is
  # started again (keeping the artifact) until its time is spent: for long
  # runs that should not end on a finding already saved.
  while :; do
    run=$(( run + 1 ))
    log="$WORK/logs/$target.log"
    [ "$run" -gt 1 ] && log="$WORK/logs/$target.$run.log"
    if [ "$SECONDS_EACH" -eq 0 ]; then
      # Replay: every seed and every fixed regression, once each.
      "$bin" "${flags[@]}" ${FUZZ_ARGS:-} "$seeds"/* $(find "$replay" -type f) >"$log" 2>&1
    else
      # New entries go to the first folder, the work corpus; seeds are read only.
      left=$(( (end - $(now_ms)) / 1000 ))
      "$bin" "${flags[@]}" -max_total_time="$(( left > 1 ? left : 1 ))" ${FUZZ_ARGS:-} \
        "$corpus" "$seeds" "$replay" >"$log" 2>&1
    fi
    status=$?
    if [ "$SECONDS_EACH" -eq 0 ]; then
      n=$(grep -c '^Running: ' "$log")
    else
      n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
      # After a crash libFuzzer may print no final stats: its last status line.
      [ -n "$n" ] || n=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
    fi
    execs=$(( execs + ${n:-0} ))
    if [ "$status" -ne 0 ]; then
      statuses="$statuses $status"
      artifact=$(sed -n 's/.*Test unit written to \([^ ]*\).*/\1/p' "$log" | tail -1)
      found="$found ${artifact:-"(no artifact; see $log)"}"
    fi
    [ "$status" -ne 0 ] && [ "${FUZZ_KEEP_GOING:-0}" = 1 ] && [ "$SECONDS_EACH" -gt 0 ] &&
      [ $(( end - $(now_ms) )) -ge 15000 ] || break
  done
  elapsed=$(( $(now_ms) - start ))
  seconds=$(( (elapsed + 500) / 1000 ))
  rate=-
  [ "$SECONDS_EACH" -gt 0 ] && rate=$(( execs * 1000 / (elapsed > 0 ? elapsed : 1) ))
  result=ok
  if [ -n "$statuses" ]; then
    failed=1
    result="FAILED (exit$statuses):$found; log: $WORK/logs/$target*.log"
  fi
  printf '%-9s %12s %10s %8s  %s\n' "$target" "$execs" "$rate" "$seconds" "$result"
  # One line per target and call, for the figures in RELIABILITY-fuzz.md.
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$target" "$execs" "$rate" \
    "$seconds" "$SANITIZER" "$result" >>"$WORK/history.tsv"
done
exit "$failed"
