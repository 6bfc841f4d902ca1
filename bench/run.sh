#!/usr/bin/env bash
# One command for BENCHMARKS.md: materialize the shared bench corpus, run the
# peer tools and cita in the same run on this machine, write the report.
#
#   bench/run.sh [MAX_MB]        (default: the whole ~78 MB corpus)
#
# env: CITA_BENCH_DATA (default ~/cita-bench) where corpus, indexes and results go;
#      PEERS (default "tantivy sqlite xapian recoll rg"), BUILD_RUNS (default 1), REPEATS (default 7).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${CITA_SHARED_BENCH:-$ROOT/../shared/bench}
DATA=${CITA_BENCH_DATA:-$HOME/cita-bench}
MAX_MB=${1:-}
CORPUS=$DATA/corpus${MAX_MB:+-$MAX_MB}
RESULTS=$DATA/results/$(date -u +%Y%m%dT%H%M%SZ)
BUILD_RUNS=${BUILD_RUNS:-1}; REPEATS=${REPEATS:-7}
export BUILD_RUNS REPEATS CITA_BENCH_DATA=$DATA
mkdir -p "$RESULTS"
command -v hyperfine >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q hyperfine; }

"$SHARED/make_corpus.sh" "$CORPUS" ${MAX_MB:+"$MAX_MB"}
"$SHARED/peers.sh" "$CORPUS" "$RESULTS" ${PEERS:-tantivy sqlite xapian recoll rg} > /dev/null

cd "$ROOT"
cargo build --release --quiet --bin cita --example bench_queries
CITA=$ROOT/target/release/cita
INDEX=$DATA/idx/$(basename "$CORPUS")/cita
walls=(); rss=()
for ((r = 1; r <= BUILD_RUNS; r++)); do
  rm -rf "$INDEX"; sync
  /usr/bin/time -f '%e %M' -o "$RESULTS/.time" "$CITA" index --quiet --corpus "$CORPUS" --index "$INDEX"
  read -r w m < "$RESULTS/.time"; walls+=("$w"); rss+=("$m")
  echo "cita build run $r: ${w}s, max RSS ${m} KB" >&2
done
size=$(du -sb "$INDEX" | cut -f1)
bytes=$(find "$CORPUS" -name '*.txt' -printf '%s\n' | awk '{s+=$1} END{print s}')
files=$(find "$CORPUS" -name '*.txt' | wc -l)
python3 - "$RESULTS/cita.build.json" "$CORPUS" "$bytes" "$files" "$size" "${walls[*]}" "${rss[*]}" <<'PYEOF'
import json, statistics, sys
out, corpus, cb, cf, size, walls, rss = sys.argv[1:]
walls = [float(x) for x in walls.split()]; rss = [int(x) for x in rss.split()]
json.dump({"peer": "cita", "version": "cita", "corpus": corpus, "corpus_bytes": int(cb), "corpus_files": int(cf),
           "index_bytes": int(size), "build_wall_s": walls, "build_wall_median_s": statistics.median(walls),
           "build_max_rss_kb": max(rss)}, open(out, "w"), indent=1)
PYEOF
"$ROOT/target/release/examples/bench_queries" "$INDEX" "$SHARED/queries.txt" "$RESULTS/cita.query.json" "$REPEATS"
hyperfine -N -i --warmup 3 --runs 20 --export-json "$RESULTS/cita.process.json" \
  "$CITA search --index $INDEX --format json -- chernobyl" \
  "$CITA search --index $INDEX --format json -- \"supreme court\"" \
  "$CITA search --index $INDEX --format json -- \"weapons of mass destruction\"" > /dev/null

{
  echo "# Benchmarks"
  echo
  echo "Produced by \`bench/run.sh ${MAX_MB}\` on $(date -u +%Y-%m-%d): $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(lscpu | sed -n 's/^Model name: *//p'), $(. /etc/os-release; echo "$PRETTY_NAME"), $(rustc --version)."
  echo "Peers and cita ran one after the other in the same run; figures drift with the machine's load."
  echo
  python3 "$ROOT/bench/report.py" "$RESULTS" "$SHARED"
} > "$ROOT/BENCHMARKS.md"
echo "wrote $ROOT/BENCHMARKS.md (raw results in $RESULTS)" >&2
