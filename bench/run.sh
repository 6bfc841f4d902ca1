#!/usr/bin/env bash
# One command for BENCHMARKS.md: materialize the shared bench corpus, run the
# peer tools and cita in the same run on this machine, write the report's
# generated sections in place (bench/splice.py), keeping the hand-written ones.
#
#   bench/run.sh [MAX_MB]        (default: the whole ~78 MB corpus)
#
# env: CITA_BENCH_DATA (default ~/cita-bench) where corpus, indexes and results go;
#      PEERS (default "tantivy sqlite xapian recoll rg"), BUILD_RUNS (default 1), REPEATS (default 7),
#      QUERY_ROUNDS (default 5) round-robin rounds of cita's, tantivy-py's and SQLite's query timings,
#      MEMORY_MB (default 256, cita's default) the writer budget of the timed cita builds,
#      SCALE_COPIES (default 10; 0 skips the scale check, bench/scale.sh), SCALE_BUILD_RUNS
#      (default BUILD_RUNS) round-robin rounds of its 1× and 10× builds,
#      CITA_BENCH_RESULTS (an earlier run's results folder: rerun cita only),
#      SPANISH (default 1; 0 skips bench/spanish.sh, the Spanish corpus beside the English one),
#      FORMATS (default 1; 0 skips bench/formats.sh, office/mail/bundles beside plain text),
#      OCR (default 1; 0 skips bench/ocr.sh, page scans read by cita and by tesseract by hand),
#      PYTHON (default 1; 0 skips bench/python.sh, the Python package's cost over the library).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${CITA_SHARED_BENCH:-$ROOT/../shared/bench}
DATA=${CITA_BENCH_DATA:-$HOME/cita-bench}
MAX_MB=${1:-}
CORPUS=$DATA/corpus${MAX_MB:+-$MAX_MB}
# CITA_BENCH_RESULTS names an earlier run's results folder to time cita
# again beside the peers measured there (they are not rerun).
RESULTS=${CITA_BENCH_RESULTS:-$DATA/results/$(date -u +%Y%m%dT%H%M%SZ)}
BUILD_RUNS=${BUILD_RUNS:-1}; REPEATS=${REPEATS:-7}; QUERY_ROUNDS=${QUERY_ROUNDS:-5}
export BUILD_RUNS REPEATS QUERY_ROUNDS CITA_BENCH_DATA=$DATA
mkdir -p "$RESULTS"
"$ROOT/bench/debian_packages.sh" hyperfine

"$SHARED/make_corpus.sh" "$CORPUS" ${MAX_MB:+"$MAX_MB"}
if [ -z "${CITA_BENCH_RESULTS:-}" ]; then
  "$SHARED/peers.sh" "$CORPUS" "$RESULTS" ${PEERS:-tantivy sqlite xapian recoll rg} > /dev/null
fi

cd "$ROOT"
# Named before the run writes BENCHMARKS.md (which would make it "dirty").
COMMIT=$(git -C "$ROOT" describe --always --dirty)
cargo build --release --quiet --bin cita --example bench_queries --example engine_floor
CITA=$ROOT/target/release/cita
INDEX=$DATA/idx/$(basename "$CORPUS")/cita
bytes=$(find "$CORPUS" -name '*.txt' -printf '%s\n' | awk '{s+=$1} END{print s}')
files=$(find "$CORPUS" -name '*.txt' | wc -l)

# The builds the build target compares run round-robin, BUILD_RUNS rounds
# of cita, the engine floor (tantivy alone, fed from Rust, doing the tantivy
# peer's work) and the tantivy peer again, so a drift in the machine's speed
# (this VM's varies by a third within minutes) falls on all three alike.
# Each builder has a version, an index folder and a command.
IDX=$DATA/idx/$(basename "$CORPUS")
VERSION_cita=cita
VERSION_floor="tantivy $(sed -n '/^name = "tantivy"$/{n;s/^version = "\(.*\)"$/\1/p;}' Cargo.lock)"
VERSION_tantivy_rr=tantivy-py
INDEX_cita=$INDEX; INDEX_floor=$IDX/floor; INDEX_tantivy_rr=$IDX/tantivy-rr
MEMORY_MB=${MEMORY_MB:-256}   # cita's default writer budget
echo "{\"budget_mb\": $MEMORY_MB}" > "$RESULTS/cita.memory.json"
CMD_cita=("$CITA" index --quiet --memory "$MEMORY_MB" --corpus "$CORPUS" --index "$INDEX_cita")
CMD_floor=("$ROOT/target/release/examples/engine_floor" "$CORPUS" "$INDEX_floor")
CMD_tantivy_rr=(python3 "$SHARED/peers.py" build tantivy "$CORPUS" "$INDEX_tantivy_rr")
declare -A walls rss
for ((r = 1; r <= BUILD_RUNS; r++)); do
  for name in cita floor tantivy_rr; do
    declare -n index=INDEX_$name command=CMD_$name
    rm -rf "$index"; sync
    /usr/bin/time -f '%e %M' -o "$RESULTS/.time" "${command[@]}"
    read -r w m < "$RESULTS/.time"; walls[$name]+="$w "; rss[$name]+="$m "
    echo "$name build run $r: ${w}s, max RSS ${m} KB" >&2
    unset -n index command
  done
done
# Each builder's figures, as RESULTS/NAME.build.json in the peers' shape.
for name in cita floor tantivy_rr; do
  declare -n index=INDEX_$name version=VERSION_$name
  python3 - "$RESULTS/${name//_/-}.build.json" "$name" "$version" "$CORPUS" "$bytes" "$files" \
    "$(du -sb "$index" | cut -f1)" "${walls[$name]}" "${rss[$name]}" <<'PYEOF'
import json, statistics, sys
out, peer, version, corpus, cb, cf, size, walls, rss = sys.argv[1:]
walls = [float(x) for x in walls.split()]; rss = [int(x) for x in rss.split()]
json.dump({"peer": peer, "version": version, "corpus": corpus, "corpus_bytes": int(cb), "corpus_files": int(cf),
           "index_bytes": int(size), "build_wall_s": walls, "build_wall_median_s": statistics.median(walls),
           "build_max_rss_kb": max(rss)}, open(out, "w"), indent=1)
PYEOF
  unset -n index version
done
# The query timings the query targets compare (cita, tantivy-py, SQLite
# FTS5) run round-robin as well: QUERY_ROUNDS rounds of each in turn, on the
# indexes already built, merged by bench/rounds.py (each query's median is
# the median of its round medians). They replace peers.sh's single runs.
ROUNDS=$RESULTS/rounds; mkdir -p "$ROUNDS"
for ((r = 1; r <= QUERY_ROUNDS; r++)); do
  "$ROOT/target/release/examples/bench_queries" "$INDEX" "$SHARED/queries.txt" "$ROUNDS/cita.$r.json" "$REPEATS" > /dev/null
  for peer in tantivy sqlite; do
    if [ -d "$IDX/$peer" ]; then
      python3 "$SHARED/peers.py" query $peer "$CORPUS" "$IDX/$peer" "$SHARED/queries.txt" "$ROUNDS/$peer.$r.json" --repeats "$REPEATS" > /dev/null
    fi
  done
  echo "query round $r of $QUERY_ROUNDS done" >&2
done
for peer in cita tantivy sqlite; do
  if [ -f "$ROUNDS/$peer.1.json" ]; then
    python3 "$ROOT/bench/rounds.py" "$RESULTS/$peer.query.json" "$ROUNDS/$peer".*.json
  fi
done
hyperfine -N -i --warmup 3 --runs 20 --export-json "$RESULTS/cita.process.json" \
  "$CITA search --index $INDEX --format json -- chernobyl" \
  "$CITA search --index $INDEX --format json -- \"supreme court\"" \
  "$CITA search --index $INDEX --format json -- \"weapons of mass destruction\"" > /dev/null

# Each generated section replaces its own between its markers in
# BENCHMARKS.md (bench/splice.py); the hand-written sections around them
# (A/B comparisons, relevance, the copy map…) are kept.
splice() { python3 "$ROOT/bench/splice.py" "$ROOT/BENCHMARKS.md" "$1"; }
{
  echo "# Benchmarks"
  echo
  echo "Produced by \`bench/run.sh ${MAX_MB}\` at commit $COMMIT on $(date -u +%Y-%m-%d): $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(lscpu | sed -n 's/^Model name: *//p'), $(. /etc/os-release; echo "$PRETTY_NAME"), $(rustc --version)."
  echo "Peers and cita ran in the same run; figures drift with the machine's load, so the builds of cita, the engine floor and tantivy-py ran round-robin ($BUILD_RUNS rounds), and so did the query timings of cita, tantivy-py and SQLite FTS5 ($QUERY_ROUNDS rounds; each median is the median of the round medians). The other peers' figures come from one run each."
  echo
  python3 "$ROOT/bench/report.py" "$RESULTS" "$SHARED"
} | splice peers
if [ "${SCALE_COPIES:-10}" != 0 ]; then
  "$ROOT/bench/scale.sh" "$CORPUS" "$RESULTS" "${SCALE_COPIES:-10}" | splice scale
fi
# Spanish beside English: the Spanish Debian documentation and its queries
# (SPANISH=0 skips it).
if [ "${SPANISH:-1}" != 0 ]; then
  "$ROOT/bench/spanish.sh" "$CORPUS" "$RESULTS" | splice spanish
fi
# Office, mail and bundles beside the same text as plain files (FORMATS=0 skips it).
if [ "${FORMATS:-1}" != 0 ]; then
  "$ROOT/bench/formats.sh" "$CORPUS" "$RESULTS" | splice formats
fi
# Scans: cita's OCR beside tesseract by hand (OCR=0 skips it).
if [ "${OCR:-1}" != 0 ]; then
  "$ROOT/bench/ocr.sh" "$CORPUS" "$RESULTS" | splice ocr
fi
# The Python package's cost over the library (PYTHON=0 skips it).
if [ "${PYTHON:-1}" != 0 ]; then
  "$ROOT/bench/python.sh" "$CORPUS" "$RESULTS" | splice python
fi
splice profile < "$ROOT/bench/PROFILE.md"
echo "wrote $ROOT/BENCHMARKS.md (raw results in $RESULTS)" >&2
