#!/usr/bin/env bash
# The scale check of BENCHMARKS.md: cita on the bench corpus and on COPIES
# copies of it (hard links under different folder names, so every copy is a
# distinct set of documents), indexing throughput and rare-word and phrase
# latency side by side. Prints a Markdown section; bench/run.sh appends it.
#
#   bench/scale.sh CORPUS RESULTS_DIR [COPIES]     (default 10 copies)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${CITA_SHARED_BENCH:-$ROOT/../shared/bench}
CORPUS=$1; RESULTS=$2; COPIES=${3:-10}
DATA=${CITA_BENCH_DATA:-$HOME/cita-bench}
REPEATS=${REPEATS:-7}
BIG=$DATA/corpus-x$COPIES
CITA=$ROOT/target/release/cita
QUERIES=$ROOT/target/release/examples/bench_queries

if [ ! -f "$BIG/.complete" ]; then
  rm -rf "$BIG"; mkdir -p "$BIG"
  for ((c = 1; c <= COPIES; c++)); do cp -al "$CORPUS" "$BIG/copy$c"; done
  touch "$BIG/.complete"
fi

# Build both indexes round-robin (SCALE_BUILD_RUNS rounds, default
# BUILD_RUNS or 3; the medians are compared), then time the queries on both
# round-robin (QUERY_ROUNDS rounds, merged by bench/rounds.py), so a drift in
# the machine's speed passes neither for lost throughput nor for growth.
for name in x1 "x$COPIES"; do rm -f "$RESULTS/scale-$name.time"; done
for ((r = 1; r <= ${SCALE_BUILD_RUNS:-${BUILD_RUNS:-3}}; r++)); do
  for name in x1 "x$COPIES"; do
    if [ "$name" = x1 ]; then corpus=$CORPUS; else corpus=$BIG; fi
    index=$DATA/idx/scale-$name
    rm -rf "$index"; sync
    /usr/bin/time -f '%e %M' -a -o "$RESULTS/scale-$name.time" "$CITA" index --quiet --corpus "$corpus" --index "$index"
  done
done
for name in x1 "x$COPIES"; do
  if [ "$name" = x1 ]; then corpus=$CORPUS; else corpus=$BIG; fi
  find "$corpus" -name '*.txt' -printf '%s\n' | awk '{s+=$1} END{print s}' > "$RESULTS/scale-$name.bytes"
  du -sb "$DATA/idx/scale-$name" | cut -f1 > "$RESULTS/scale-$name.size"
done
mkdir -p "$RESULTS/rounds"
for ((r = 1; r <= ${QUERY_ROUNDS:-5}; r++)); do
  for name in x1 "x$COPIES"; do
    "$QUERIES" "$DATA/idx/scale-$name" "$SHARED/queries.txt" "$RESULTS/rounds/scale-$name.$r.json" "$REPEATS" > /dev/null 2>&1
  done
done
for name in x1 "x$COPIES"; do
  python3 "$ROOT/bench/rounds.py" "$RESULTS/scale-$name.query.json" "$RESULTS/rounds/scale-$name".*.json
done

python3 - "$RESULTS" "$COPIES" <<'PYEOF'
import json, math, statistics, sys
results, copies = sys.argv[1], int(sys.argv[2])
def load(name):
    runs = [line.split() for line in open(f"{results}/scale-{name}.time") if line.strip()]
    walls = [float(wall) for wall, _ in runs]
    rss = max(int(rss) for _, rss in runs)
    mb = int(open(f"{results}/scale-{name}.bytes").read()) / 1e6
    size = int(open(f"{results}/scale-{name}.size").read()) / 1e6
    queries = json.load(open(f"{results}/scale-{name}.query.json"))["queries"]
    return statistics.median(walls), rss // 1024, mb, size, {q["id"]: q for q in queries}, walls
one, big = load("x1"), load(f"x{copies}")
print(f"## Scale: the corpus and {copies} copies of it\n")
print(f"Produced by `bench/scale.sh` (called by `bench/run.sh`); each copy is a hard-linked copy of the corpus under its own folder, so the big corpus has {copies}× the documents and passages. The two builds ran round-robin ({len(one[5])} rounds; median build time, peak memory of all runs), and so did the queries on both indexes (each median is the median of the round medians).\n")
print("| corpus | MB | build s (median) | build runs s | MB/s | index MB | index/corpus | build max RSS MB |")
print("|---|---|---|---|---|---|---|---|")
for label, (wall, rss, mb, size, _, walls) in (("1×", one), (f"{copies}×", big)):
    runs = ", ".join(f"{w:.2f}" for w in walls)
    print(f"| {label} | {mb:.1f} | {wall:.2f} | {runs} | {mb / wall:.1f} | {size:.1f} | {size / mb:.2f} | {rss} |")
ratio = (big[2] / big[0]) / (one[2] / one[0])
print(f"\nThroughput at {copies}× is {ratio:.2f}× the 1× figure (target: within 20%, i.e. ≥ 0.80).\n")
print(f"| id | class | query | 1× ms | {copies}× ms | growth | hits 1× / {copies}× |")
print("|---|---|---|---|---|---|---|")
growth = []
for qid, q in one[4].items():
    b = big[4][qid]
    g = b["median_ms"] / q["median_ms"]
    if q["class"] in ("rare", "phrase", "phrase-miss"):
        growth.append(g)
    print(f"| {qid} | {q['class']} | `{q['query']}` | {q['median_ms']:.2f} | {b['median_ms']:.2f} | {g:.2f}× | {q['total']} / {b['total']} |")
geo = math.exp(sum(math.log(g) for g in growth) / len(growth))
print(f"\nRare-word and phrase queries: latency grows {geo:.2f}× (geometric mean), worst {max(growth):.2f}× (target: less than 2×).")
PYEOF
