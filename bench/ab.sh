#!/usr/bin/env bash
# A/B of two cita builds in one run on this machine, round-robin, so a drift
# in the machine's speed (other builds, a noisy VM) falls on both alike:
#
#   bench/ab.sh BEFORE_CITA BEFORE_BENCH_QUERIES AFTER_CITA AFTER_BENCH_QUERIES [OUT_DIR]
#
# BEFORE_/AFTER_CITA are release `cita` binaries, BEFORE_/AFTER_BENCH_QUERIES
# the `bench_queries` examples built from the same commits
# (`cargo build --release --bin cita --example bench_queries`, best from a
# clean `git archive` of each commit). In turn, swapping which goes first in
# every other round:
#   1. BUILD_ROUNDS whole-process `cita index` builds of the corpus by each,
#      each into a fresh index folder (/usr/bin/time: wall and peak RSS);
#   2. QUERY_ROUNDS runs of each bench_queries over its own binary's index
#      (REPEATS timed searches per query, merged by bench/rounds.py: each
#      query's median is the median of its round medians);
#   3. PROCESS_ROUNDS hyperfine runs of whole `cita search` processes, the
#      two binaries alternating on each of three queries (SEARCHES).
# Then bench/ab_report.py writes OUT_DIR/ab.md: per-query medians, geomeans,
# after/before ratios, and each round's figures, to show the noise.
#
# With ONE_INDEX=1, steps 2 and 3 run both binaries over the before side's
# index: for a change of the query side only. Each build's index has its own
# layout of segments (how writer threads and merges fell), and a search of 3
# segments or of 4 differs by more than most query changes (phrases 1.0-1.4x
# on 2026-12-03 for a change that touched no phrase).
#
# env: CORPUS (default ~/cita-bench/corpus), QUERIES (default
#      ../shared/bench/queries.txt), BUILD_ROUNDS (3), QUERY_ROUNDS (5),
#      REPEATS (7), PROCESS_ROUNDS (5), PROCESS_RUNS (10 per command per round),
#      MEMORY_MB (256, cita's default), SEARCHES (newline-separated; default "Plan LAZO"
#      as a phrase, the, chernobyl), ONE_INDEX (0).
set -euo pipefail
[ $# -ge 4 ] || { sed -n '2,32p' "$0"; exit 2; }
ROOT=$(cd "$(dirname "$0")/.." && pwd)
"$ROOT/bench/debian_packages.sh" hyperfine
BIN_before=$(realpath "$1"); BQ_before=$(realpath "$2")
BIN_after=$(realpath "$3"); BQ_after=$(realpath "$4")
OUT=${5:-/tmp/cita-ab/$(date -u +%Y%m%dT%H%M%SZ)}
CORPUS=${CORPUS:-$HOME/cita-bench/corpus}
QUERIES=${QUERIES:-$ROOT/../shared/bench/queries.txt}
BUILD_ROUNDS=${BUILD_ROUNDS:-3}; QUERY_ROUNDS=${QUERY_ROUNDS:-5}; REPEATS=${REPEATS:-7}
PROCESS_ROUNDS=${PROCESS_ROUNDS:-5}; PROCESS_RUNS=${PROCESS_RUNS:-10}; MEMORY_MB=${MEMORY_MB:-256}
SEARCHES=${SEARCHES:-'"Plan LAZO"
the
chernobyl'}
mkdir -p "$OUT/idx" "$OUT/rounds" "$OUT/process"
{
  echo "started $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB"
  for side in before after; do
    declare -n bin=BIN_$side bq=BQ_$side
    echo "$side: $bin $(sha256sum < "$bin" | cut -c1-16); $bq $(sha256sum < "$bq" | cut -c1-16)"
    unset -n bin bq
  done
  if [ "${ONE_INDEX:-0}" = 1 ]; then echo "searches of both over the before index"; fi
} | tee "$OUT/info.txt" >&2

order() { if (( $1 % 2 )); then echo before after; else echo after before; fi; }
# The index each side's searches read.
index_of() { if [ "${ONE_INDEX:-0}" = 1 ]; then echo "$OUT/idx/before"; else echo "$OUT/idx/$1"; fi; }

# 1. builds
: > "$OUT/builds.tsv"
for ((r = 1; r <= BUILD_ROUNDS; r++)); do
  for side in $(order "$r"); do
    declare -n bin=BIN_$side
    index=$OUT/idx/$side
    rm -rf "$index"; sync
    /usr/bin/time -f '%e %M' -o "$OUT/.time" "$bin" index --quiet --memory "$MEMORY_MB" --corpus "$CORPUS" --index "$index"
    read -r wall rss < "$OUT/.time"
    printf '%s\t%s\t%s\t%s\n' "$side" "$r" "$wall" "$rss" >> "$OUT/builds.tsv"
    echo "build round $r $side: ${wall}s, max RSS ${rss} KB" >&2
    unset -n bin
  done
done

# 2. in-process queries, each over its own binary's last index (ONE_INDEX:
# both over the before one)
for ((r = 1; r <= QUERY_ROUNDS; r++)); do
  for side in $(order "$r"); do
    declare -n bq=BQ_$side
    "$bq" "$(index_of "$side")" "$QUERIES" "$OUT/rounds/$side.$r.json" "$REPEATS" 2> /dev/null
    unset -n bq
  done
  echo "query round $r of $QUERY_ROUNDS done" >&2
done
for side in before after; do
  python3 "$ROOT/bench/rounds.py" "$OUT/$side.query.json" "$OUT/rounds/$side".*.json
done

# 3. whole-process searches; hyperfine runs its commands in the order given
mapfile -t searches <<< "$SEARCHES"
for ((r = 1; r <= PROCESS_ROUNDS; r++)); do
  commands=()
  for query in "${searches[@]}"; do
    for side in $(order "$r"); do
      declare -n bin=BIN_$side
      commands+=(-n "$side $query" "$bin search --index $(index_of "$side") --format json -- '$query'")
      unset -n bin
    done
  done
  hyperfine -N -i --warmup 3 --runs "$PROCESS_RUNS" --export-json "$OUT/process/$r.json" "${commands[@]}" > /dev/null
  echo "process round $r of $PROCESS_ROUNDS done" >&2
done

python3 "$ROOT/bench/ab_report.py" "$OUT" | tee "$OUT/ab.md"
echo "finished $(date -u +%Y-%m-%dT%H:%M:%SZ); results in $OUT" | tee -a "$OUT/info.txt" >&2
