#!/usr/bin/env bash
# Server-side time of the search page's requests (issue #23): what the page
# asks for when it opens /?q=WORD, on the bench corpus.
#
#   bench/workbench.sh [WORD…]      (default: government police president people water the)
#
# env: CITA_BENCH_DATA (default ~/cita-bench): the corpus is $DATA/corpus, the
#      index $DATA/idx/corpus/cita (brought up to date with `cita index`
#      first: nothing to do when it already is); RUNS (default 7) timed runs
#      of each request after one warm-up run.
#
# Builds the release binary, starts `cita serve` on a free loopback port,
# and for each word sends the page's requests: the page itself (/, its
# script and stylesheet), the search with facets (limit 10, citations) and
# the timeline by year. The page sends the search and the timeline at once;
# it asks for a timeline by month as well only when the year timeline has
# two years or fewer (then that request is timed too).
#
# Server-side time is the server's own Server-Timing header (app;dur=MS):
# from the request reaching the router to its whole answer being ready,
# body serialized, without the network or the client. Printed per request:
# the median and the slowest of RUNS runs; per word, the sum of the
# medians (the page's whole server work) and the larger of the search and
# the timeline (what the page waits for when both run at once on 2 cores).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DATA=${CITA_BENCH_DATA:-$HOME/cita-bench}
CORPUS=$DATA/corpus
INDEX=$DATA/idx/corpus/cita
RUNS=${RUNS:-7}
WORDS=("$@")
[ ${#WORDS[@]} -gt 0 ] || WORDS=(government police president people water the)

cd "$ROOT"
cargo build --release --quiet --bin cita
CITA=$ROOT/target/release/cita
[ -d "$CORPUS" ] || { echo "no bench corpus at $CORPUS (bench/run.sh makes it)" >&2; exit 2; }
mkdir -p "$(dirname "$INDEX")"
"$CITA" index --quiet --corpus "$CORPUS" --index "$INDEX"

. "$ROOT/bench/serve.sh"
serve "$CITA" "$INDEX"

python3 - "$port" "$RUNS" "${WORDS[@]}" <<'EOF'
import json, statistics, sys, urllib.parse, urllib.request

port, runs, words = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
base = f"http://127.0.0.1:{port}"

def timed(target):
    """The server's own time for target, in ms, and the JSON answer if any."""
    with urllib.request.urlopen(base + target, timeout=60) as answer:
        body = answer.read()
        timing = answer.headers["server-timing"]
    millis = float(timing.split("dur=")[1])
    kind = answer.headers.get("content-type", "")
    return millis, (json.loads(body) if kind.startswith("application/json") else None)

def measure(target):
    timed(target)  # warm-up
    times = [timed(target)[0] for _ in range(runs)]
    return statistics.median(times), max(times)

print(f"{'request':<62} {'median ms':>9} {'max ms':>7}")
# The first request after start reads the string columns' dictionaries.
first, _ = timed("/api/search?" + urllib.parse.urlencode({"q": words[0], "limit": 10, "offset": 0, "cite": "true", "facets": "true"}))
print(f"{'(first search after start, ' + words[0] + ')':<62} {first:>9.2f}")
for page in ["/", "/assets/app.js", "/assets/app.css"]:
    median, slowest = measure(page)
    print(f"{page:<62} {median:>9.2f} {slowest:>7.2f}")
for word in words:
    q = {"q": word}
    search = "/api/search?" + urllib.parse.urlencode({**q, "limit": 10, "offset": 0, "cite": "true", "facets": "true"})
    timeline = "/api/timeline?" + urllib.parse.urlencode({**q, "by": "year"})
    targets = [search, timeline]
    _, answer = timed(timeline)
    if 0 < len(answer["rows"]) <= 2:
        targets.append("/api/timeline?" + urllib.parse.urlencode({**q, "by": "month"}))
    _, found = timed(search)
    medians = []
    for target in targets:
        median, slowest = measure(target)
        medians.append(median)
        print(f"{target:<62} {median:>9.2f} {slowest:>7.2f}")
    print(f"  {word}: {found['total']} matching passages; page's server time {sum(medians):.2f} ms in all, "
          f"{max(medians[:2]):.2f} ms waited with search and timeline at once")
EOF
