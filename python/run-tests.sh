#!/usr/bin/env bash
# The Python package's checks in one command (what .ci/run runs):
#
#   python/run-tests.sh [PYTEST_ARGS...]
#
# rustfmt and clippy on the extension's crate; the `cita` binary the tests
# compare with (`cargo build`); a virtual environment (python/.venv,
# ignored by git) with maturin, pytest, pandas, polars, tqdm and Dask
# (distributed, for the sharded search's tests); the package
# installed into it the way the README installs it (`pip install ./python`),
# but in cargo's dev profile, which builds in a fraction of the release
# build's time on 2 cores; then pytest, whose temporary folders live under
# target/python-tests and are removed at the end.
#
# env: PYTHON (default python3) the interpreter the environment is made from;
#      CITA_PYTHON_VENV (default python/.venv) where it is.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV=${CITA_PYTHON_VENV:-$ROOT/python/.venv}
cd "$ROOT"
# pip leaves a copy of its certificates in the temporary folder on every
# run: keep it under target/, not /tmp, and not in cargo's `target/tmp`,
# which the integration tests' fixtures need (removing it made a later
# `cargo test` fail until cargo rebuilt them).
export TMPDIR=$ROOT/target/python-tmp
mkdir -p "$TMPDIR"

cargo fmt --check --manifest-path python/Cargo.toml
# The extension builds in the repository's target folder, beside the
# library's own builds, so the dependencies `cargo build` and `cargo test`
# compiled with the same features are not compiled again.
export CARGO_TARGET_DIR=$ROOT/target
cargo clippy --quiet --manifest-path python/Cargo.toml --all-targets -- -D warnings
cargo build --quiet --bin cita

if [ ! -x "$VENV/bin/python" ]; then
  "${PYTHON:-python3}" -m venv "$VENV"
fi
# Only what is missing is downloaded; an environment already set up is reused.
"$VENV/bin/pip" install --quiet --disable-pip-version-check \
  "maturin>=1.9.4,<2" pytest "pandas>=2" polars tqdm "dask[distributed]"
PATH="$VENV/bin:$PATH" MATURIN_PEP517_ARGS="--profile dev" \
  "$VENV/bin/pip" install --quiet --disable-pip-version-check \
  --no-build-isolation --no-deps --force-reinstall ./python

# From the tests' folder, so that `import cita` is the installed package,
# not the source folder python/cita.
cd python/tests
status=0
CITA_BIN=$ROOT/target/debug/cita "$VENV/bin/pytest" --basetemp "$ROOT/target/python-tests" "$@" || status=$?
rm -rf "$ROOT/target/python-tests" "$TMPDIR"
exit "$status"
