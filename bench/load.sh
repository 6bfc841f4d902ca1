#!/usr/bin/env bash
# Load test of `cita serve` on the shipped corpus, release build:
#  1. bench/load.rs sends 20,000 searches for "Plan LAZO" over 32 keep-alive
#     connections and prints requests/s, p50, p99, max and failed requests
#     (must be 0);
#  2. then the idle check: 20 searches one after another on new connections,
#     alone and then while 500 other connections sit open doing nothing (half
#     silent, half stopped in the middle of a request head).
#
#   bench/load.sh
#   REQUESTS=50000 CONCURRENCY=8 IDLE=900 bench/load.sh
#
# Exit status 0 only if both parts had no failed request. Not part of
# `cargo test` or CI, which make no timing assertions; the load generator
# shares the machine's cores with the server, so the figures are a floor.
set -euo pipefail
cd "$(dirname "$0")/.."

REQUESTS=${REQUESTS:-20000}
CONCURRENCY=${CONCURRENCY:-32}
IDLE=${IDLE:-500}
QUERY=${QUERY:-'"Plan LAZO"'}

cargo build --quiet --release --bin cita --example load
cita=target/release/cita
load=target/release/examples/load

. bench/serve.sh
"$cita" index --corpus corpus --index "$work/index" >/dev/null
serve "$cita" "$work/index"

echo "== $(nproc) cores, $(uname -sm); cita serve (release) on the shipped corpus, http://127.0.0.1:$port/"
echo "== $REQUESTS requests for $QUERY on $CONCURRENCY keep-alive connections"
status=0
"$load" --addr "127.0.0.1:$port" --requests "$REQUESTS" --concurrency "$CONCURRENCY" "$QUERY" || status=1
echo "== searches while $IDLE idle connections are open"
"$load" --addr "127.0.0.1:$port" --idle "$IDLE" "$QUERY" || status=1
exit "$status"
