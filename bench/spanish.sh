#!/usr/bin/env bash
# The Spanish part of the benchmark: builds cita's index of the Spanish
# Debian documentation (bench/spanish_corpus.sh) and of the English bench
# corpus, round-robin, and times the Spanish queries (bench/queries-es.txt)
# beside the English ones (../shared/bench/queries.txt), all in one run, so
# the two languages are compared on the same machine at the same time.
# Prints a Markdown section on stdout (bench/run.sh appends it to
# BENCHMARKS.md).
#
#   bench/spanish.sh ENGLISH_CORPUS RESULTS_DIR
#
# env: CITA_BENCH_DATA (default ~/cita-bench), BUILD_RUNS (default 3),
#      REPEATS (default 7) timed runs per query after one warm-up.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${CITA_SHARED_BENCH:-$ROOT/../shared/bench}
DATA=${CITA_BENCH_DATA:-$HOME/cita-bench}
ENGLISH=$1; RESULTS=$2
SPANISH=$DATA/corpus-es
BUILD_RUNS=${BUILD_RUNS:-3}; REPEATS=${REPEATS:-7}
mkdir -p "$RESULTS"
[ -d "$SPANISH" ] || "$ROOT/bench/spanish_corpus.sh" "$SPANISH" >&2

cd "$ROOT"
cargo build --release --quiet --bin cita --example bench_queries
CITA=$ROOT/target/release/cita
declare -A corpus=([en]=$ENGLISH [es]=$SPANISH) index walls
for lang in en es; do index[$lang]=$DATA/idx/lang-$lang; done
for ((r = 1; r <= BUILD_RUNS; r++)); do
  for lang in en es; do
    rm -rf "${index[$lang]}"; sync
    /usr/bin/time -f '%e' -o "$RESULTS/.time" \
      "$CITA" index --quiet --corpus "${corpus[$lang]}" --index "${index[$lang]}"
    walls[$lang]+="$(cat "$RESULTS/.time") "
    echo "$lang build run $r: $(cat "$RESULTS/.time")s" >&2
  done
done
"$ROOT/target/release/examples/bench_queries" "${index[en]}" "$SHARED/queries.txt" "$RESULTS/lang-en.query.json" "$REPEATS" 2> /dev/null
"$ROOT/target/release/examples/bench_queries" "${index[es]}" "$ROOT/bench/queries-es.txt" "$RESULTS/lang-es.query.json" "$REPEATS" 2> /dev/null
for lang in en es; do
  "$CITA" stats --index "${index[$lang]}" --format json > "$RESULTS/lang-$lang.stats.json"
done

python3 - "$RESULTS" "$ENGLISH" "$SPANISH" "${walls[en]}" "${walls[es]}" <<'PYEOF'
import json, math, os, statistics, sys
results, english, spanish, walls_en, walls_es = sys.argv[1:]
def corpus_bytes(root):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(root) for f in fs)
print("## Spanish beside English")
print()
print("Produced by `bench/spanish.sh` (called by `bench/run.sh`): the Spanish Debian documentation "
      "(`bench/spanish_corpus.sh`: the Debian Administrator's Handbook es-ES and Debian Reference in HTML, "
      "the Spanish man pages as text) and the English bench corpus, built round-robin "
      f"({len(walls_en.split())} rounds), then the Spanish queries (`bench/queries-es.txt`) and the English "
      "ones timed on their own index (median of the runs after one warm-up; top 10 with snippets and the total).")
print()
print("| corpus | MB | build s (median) | build runs s | MB/s | passages | languages (passages) | query geomean ms | worst query median ms |")
print("|---|---|---|---|---|---|---|---|---|")
rows = {}
for lang, root, walls in (("en", english, walls_en), ("es", spanish, walls_es)):
    walls = [float(w) for w in walls.split()]
    stats = json.load(open(f"{results}/lang-{lang}.stats.json"))
    queries = [q for q in json.load(open(f"{results}/lang-{lang}.query.json"))["queries"] if "median_ms" in q]
    medians = [q["median_ms"] for q in queries]
    geomean = math.exp(sum(math.log(max(m, 1e-6)) for m in medians) / len(medians))
    worst = max(queries, key=lambda q: q["median_ms"])
    mb = corpus_bytes(root) / 1e6
    languages = ", ".join(f"{l['value']} {l['count']}" for l in stats["languages"][:4])
    rows[lang] = queries
    print(f"| {'English (bench corpus)' if lang == 'en' else 'Spanish (Debian docs)'} | {mb:.1f} | "
          f"{statistics.median(walls):.2f} | {' '.join(f'{w:.2f}' for w in walls)} | "
          f"{mb / statistics.median(walls):.1f} | {stats['passages']} | {languages} | {geomean:.3f} | "
          f"{worst['median_ms']:.3f} (`{worst['query']}`) |")
print()
print("Spanish queries: median (p95) ms, total passages found.")
print()
print("| id | class | query | median ms | p95 ms | total |")
print("|---|---|---|---|---|---|")
for q in rows["es"]:
    print(f"| {q['id']} | {q['class']} | `{q['query']}` | {q['median_ms']:.3f} | {q['p95_ms']:.3f} | {q['total']} |")
PYEOF
