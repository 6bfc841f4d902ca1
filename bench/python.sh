#!/usr/bin/env bash
# The Python package's cost over the library it wraps: the bench queries
# timed in process by Rust (bench_queries, as bench/run.sh does) and by
# Python (bench/python_bench.py: `archive.search(q)`, and
# `archive.search(q).to_dicts()` with every hit read into Python), round-robin
# on the same index; then `to_pandas()` on 10,000 hits. The package is
# installed as the README installs it (`pip install ./python`: a release
# build) into a virtual environment under target/. Prints a Markdown section
# on stdout.
#
#   bench/python.sh CORPUS RESULTS_DIR
#
# env: CITA_BENCH_DATA (default ~/cita-bench), REPEATS (default 7),
#      QUERY_ROUNDS (default 5), CITA_SHARED_BENCH (the shared queries.txt's folder).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${CITA_SHARED_BENCH:-$ROOT/../shared/bench}
DATA=${CITA_BENCH_DATA:-$HOME/cita-bench}
CORPUS=$1; RESULTS=$2/python
REPEATS=${REPEATS:-7}; QUERY_ROUNDS=${QUERY_ROUNDS:-5}
INDEX=$DATA/idx/$(basename "$CORPUS")/cita
VENV=$ROOT/target/bench-python
mkdir -p "$RESULTS"
# pip leaves a copy of its certificates in the temporary folder on every
# run: keep it under target/, not /tmp.
export TMPDIR=$ROOT/target/tmp
mkdir -p "$TMPDIR"

cd "$ROOT"
# The extension's dependencies are the release build's, compiled once.
export CARGO_TARGET_DIR=$ROOT/target
cargo build --release --quiet --bin cita --example bench_queries
# Incremental: nothing is read again when the index is up to date.
target/release/cita index --quiet --corpus "$CORPUS" --index "$INDEX"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check "maturin>=1.9.4,<2" "pandas>=2"
PATH="$VENV/bin:$PATH" "$VENV/bin/pip" install --quiet --disable-pip-version-check \
  --no-build-isolation --no-deps --force-reinstall ./python

for ((r = 1; r <= QUERY_ROUNDS; r++)); do
  target/release/examples/bench_queries "$INDEX" "$SHARED/queries.txt" "$RESULTS/rust.$r.json" "$REPEATS" \
    2> "$RESULTS/rust.log" || { cat "$RESULTS/rust.log" >&2; exit 1; }
  "$VENV/bin/python" bench/python_bench.py queries "$INDEX" "$SHARED/queries.txt" \
    "$RESULTS/search.$r.json" "$RESULTS/to_dicts.$r.json" "$REPEATS"
  echo "python bench: query round $r of $QUERY_ROUNDS done" >&2
done
for kind in rust search to_dicts; do
  python3 bench/rounds.py "$RESULTS/$kind.json" "$RESULTS/$kind".*.json
done
"$VENV/bin/python" bench/python_bench.py report "$INDEX" "$RESULTS" "$QUERY_ROUNDS" "$REPEATS"
