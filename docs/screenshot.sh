#!/usr/bin/env bash
# The README's screenshot of the search page: the shipped corpus, searched
# for "colombia" grouped by document, in headless Chromium.
#
#   docs/screenshot.sh            # writes docs/workbench.png
#
# Builds cita, indexes corpus/ in a temporary folder, starts `cita serve` on
# a free loopback port, lets Chromium load the page (its virtual time budget
# lets the page's requests finish before the shot), stops the server.
# Needs Debian's chromium (apt-get install -y chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet --bin cita
CITA=target/debug/cita
. bench/serve.sh
"$CITA" index --quiet --corpus corpus --index "$work/index"
serve "$CITA" "$work/index"
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --user-data-dir="$work/profile" --window-size=1280,960 --virtual-time-budget=5000 \
  --screenshot="$PWD/docs/workbench.png" "http://127.0.0.1:$port/?q=colombia&group=1" 2>/dev/null
echo "docs/workbench.png"
