#!/usr/bin/env bash
# The sharded search's cost (issue #22, "Past one machine" in the README):
# the bench corpus built into 2 and 4 shards by cita.dist.index on a Dask
# cluster of worker processes on loopback (1 and 2 workers), and the bench
# queries' latency over the shards against one index of the same corpus,
# hits checked equal (bench/dist_bench.py). The package is installed as
# the README installs it (`pip install ./python`: a release build) with
# Dask into the virtual environment bench/python.sh uses. Prints a
# Markdown section on stdout; everything it writes is under target/.
#
#   bench/dist.sh [CORPUS]        (default: ~/cita-bench/corpus)
#
# env: CITA_BENCH_DATA (default ~/cita-bench), REPEATS (default 7),
#      SHARD_COUNTS (default "2 4"), CITA_SHARED_BENCH (the shared queries.txt's folder).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${CITA_SHARED_BENCH:-$ROOT/../shared/bench}
DATA=${CITA_BENCH_DATA:-$HOME/cita-bench}
CORPUS=${1:-$DATA/corpus}
REPEATS=${REPEATS:-7}
WORK=$ROOT/target/bench-dist
VENV=$ROOT/target/bench-python
# pip and Dask's workers write in the temporary folder: keep it under target/.
export TMPDIR=$ROOT/target/tmp
mkdir -p "$TMPDIR" "$WORK"

cd "$ROOT"
export CARGO_TARGET_DIR=$ROOT/target
cargo build --release --quiet --bin cita
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check "maturin>=1.9.4,<2" "dask[distributed]"
PATH="$VENV/bin:$PATH" "$VENV/bin/pip" install --quiet --disable-pip-version-check \
  --no-build-isolation --no-deps --force-reinstall ./python
# One index of the whole corpus, incremental like the shards.
target/release/cita index --quiet --corpus "$CORPUS" --index "$WORK/one"
# shellcheck disable=SC2086
"$VENV/bin/python" bench/dist_bench.py "$CORPUS" "$WORK/one" "$WORK" "$SHARED/queries.txt" \
  "$REPEATS" ${SHARD_COUNTS:-2 4}
rm -rf "$TMPDIR"
