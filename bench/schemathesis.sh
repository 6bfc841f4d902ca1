#!/usr/bin/env bash
# Schemathesis against `cita serve`: every operation of the OpenAPI document
# the server publishes at /api/openapi.json, with every check (responses match
# the document, no 500, spec-valid requests accepted, spec-violating ones
# refused, other methods 405 with Allow), a bounded number of examples and a
# fixed seed, so a run takes about a minute and repeats itself.
#
#   bench/schemathesis.sh                 # debug build of cita, 50 examples, seed 1
#   EXAMPLES=200 SEED=7 bench/schemathesis.sh
#   CITA=target/release/cita bench/schemathesis.sh
#
# Installs Schemathesis with pip when it is missing. Builds the index of
# corpus/ in a temporary folder, starts `cita serve` on a free loopback port,
# waits for /healthz, runs `st run`, stops the server. The exit status is
# Schemathesis's.
#
# Two things JSON Schema cannot say are taught to Schemathesis by a hook
# (written below), for the cases it generates as valid only:
# - q is in cita's query language, whose grammar (quotes, parentheses,
#   operators, at most 32 words) no pattern can express: a valid case's q is
#   cut down to at most 8 words of ASCII letters and digits, lowercase (so
#   never an AND/OR/NOT operator), which always parses; so is each line of a
#   valid batch body (at most 100 of them). Invalid cases keep whatever was
#   generated.
# - a timeline of mentioned years cannot count by month (400): a valid case
#   asking for both counts by year.
# - since must not be after until, and a mentions range must not end before
#   it starts (both 400): a valid case with the two the wrong way round has
#   them swapped.
# - a search answered as CSV (a row per hit) takes neither facets nor
#   context (400): a valid case asking for CSV leaves both out.
# - facet_limit limits facets, asked with facets=true (400 without): a
#   valid case giving it asks for facets (or, as CSV, leaves it out too).
# - a publication or an author filter names one by a letter or a digit at
#   least (400 otherwise): a valid case's name without one is replaced.
# And the server answers a query over 1,000 characters with 414 (URI Too
# Long), as documented, which the config below adds to the statuses that
# count as refusing invalid data.
set -euo pipefail
cd "$(dirname "$0")/.."

ST_VERSION=4.32.5
EXAMPLES=${EXAMPLES:-50}
SEED=${SEED:-1}

if ! python3 -c "import schemathesis, sys; sys.exit(schemathesis.__version__ != '$ST_VERSION')" 2>/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check "schemathesis==$ST_VERSION"
fi

if [ -z "${CITA:-}" ]; then
  cargo build --quiet --bin cita
  CITA=target/debug/cita
fi

. bench/serve.sh
"$CITA" index --corpus corpus --index "$work/index" >/dev/null
serve "$CITA" "$work/index"

cat >"$work/schemathesis.toml" <<'EOF'
[checks.negative_data_rejection]
# 414: a query over 1,000 characters (documented in the OpenAPI document).
expected-statuses = ["400", "404", "414"]
EOF

cat >"$work/cita_hooks.py" <<'EOF'
"""What JSON Schema cannot say about cita's API, for valid cases only."""

import calendar
import re

import schemathesis
from schemathesis import GenerationMode


def period(text, end):
    """First (or last) day of YYYY, YYYY-MM or YYYY-MM-DD, as (y, m, d)."""
    parts = [int(part) for part in text.split("-")]
    year = parts[0]
    month = parts[1] if len(parts) > 1 else (12 if end else 1)
    if len(parts) > 2:
        day = parts[2]
    else:
        day = calendar.monthrange(year, month)[1] if end else 1
    return (year, month, day)


def string(query, name):
    value = query.get(name)
    return value if isinstance(value, str) else None


def words(text):
    """At most 8 words of at most 20 letters or digits, lowercase: within the
    language's limits (32 words; longer words are not indexed)."""
    found = [word[:20] for word in re.sub(r"[^a-z0-9]+", " ", text.lower()).split()]
    return " ".join(found[:8]) or "lazo"


@schemathesis.hook
def map_case(context, case):
    if case.meta is None or case.meta.generation.mode != GenerationMode.POSITIVE:
        return case
    if case.operation.path == "/api/batch" and isinstance(case.body, str):
        lines = [line for line in case.body.splitlines() if line.strip()]
        case.body = "\n".join(words(line) for line in lines[:100]) or "lazo"
    if not isinstance(case.query, dict):
        return case
    query = case.query
    q = string(query, "q")
    if q is not None:
        query["q"] = words(q)
    since, until = string(query, "since"), string(query, "until")
    if since and until and period(since, False) > period(until, True):
        query["since"], query["until"] = until, since
    mentions = string(query, "mentions")
    if mentions:
        match = re.fullmatch(r"(\d{4})(\.\.|-)(\d{4})", mentions)
        if match and match.group(1) > match.group(3):
            query["mentions"] = match.group(3) + match.group(2) + match.group(1)
    # A publication's or an author's name holds a letter or a digit.
    for name in ("publication", "author"):
        value = string(query, name)
        if value is not None and not any(char.isalnum() for char in value):
            query[name] = "El Tiempo"
    if string(query, "axis") == "mentioned" and string(query, "by") == "month":
        query["by"] = "year"
    # facet_limit limits the facets asked for.
    if "facet_limit" in query:
        query["facets"] = "true"
    # A CSV answer is a row per hit: facets and context are refused with it.
    if case.operation.path == "/api/search" and string(query, "format") == "csv":
        query.pop("facets", None)
        query.pop("facet_limit", None)
        query.pop("context", None)
    return case
EOF

echo "schemathesis $ST_VERSION: $EXAMPLES examples per operation, seed $SEED, on http://127.0.0.1:$port/" >&2
status=0
# Run from the temporary folder: Schemathesis keeps a cache where it runs.
(
  cd "$work"
  # `python3 -m schemathesis.cli` is `st`, found even where pip's scripts
  # are not on PATH (as with pyenv before a rehash).
  PYTHONPATH="$work" SCHEMATHESIS_HOOKS=cita_hooks python3 -m schemathesis.cli \
    --no-color --config-file "$work/schemathesis.toml" \
    run "http://127.0.0.1:$port/api/openapi.json" \
    --checks all --max-examples "$EXAMPLES" --seed "$SEED" \
    --generation-database none --workers 1
) || status=$?
exit "$status"
