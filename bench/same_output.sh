#!/usr/bin/env bash
# Behaviour snapshot of a cita binary, to prove that a refactor changed nothing
# a user or a script can see.
#
#   bench/same_output.sh CITA_BINARY OUT_DIR
#       Build indexes of the shipped corpus, of the 78 MB bench corpus and of a
#       small mixed-format corpus generated here, run a fixed set of commands
#       (every query of queries.txt, the research commands, show, stats, batch,
#       the HTTP API, error cases, --help) and write, for each command,
#       NAME.<json|jsonl|csv|txt> (stdout), NAME.stderr and NAME.exit.
#       OUT_DIR must not exist or be empty. The indexes live in OUT_DIR/.work
#       and are deleted at the end; only the outputs stay.
#
#   bench/same_output.sh --compare DIR_BEFORE DIR_AFTER
#       Exit 0 if both snapshots are identical; otherwise print a short summary
#       (which files differ, the first lines of a few diffs) and exit 1.
#
# Typical use around a refactor:
#   bench/same_output.sh /work/baseline/cita-before /tmp/before   # old binary
#   cargo build --release
#   bench/same_output.sh target/release/cita /tmp/after
#   bench/same_output.sh --compare /tmp/before /tmp/after
#
# Inputs (overridable, for a checkout elsewhere):
#   CITA_QUERIES       queries file          (default: REPO/../shared/bench/queries.txt)
#   CITA_BENCH_CORPUS  the 78 MB corpus      (default: ${CITA_BENCH_DATA:-~/cita-bench}/corpus,
#                      made by ../shared/bench/make_corpus.sh, as bench/run.sh does)
#   CMD_TIMEOUT        seconds per command   (default 300; a hung binary must not hang this)
#
# What is normalized (so two runs of one binary give identical files), and
# nothing else:
#   - the seconds in `cita index`'s summary line ("in 6.44 s"),
#   - the port `cita serve` picked and the HTTP Date header,
#   - absolute paths of OUT_DIR/.work, the repository and the bench corpus
#     (commands run inside OUT_DIR/.work with relative index paths, so these
#     rarely appear at all),
#   - timing fields in JSON (took_ms, elapsed*, duration*) if a binary has any.
# Index builds use --jobs 1: with several indexing threads tantivy's segment
# layout, and so `stats` size_bytes, varies from run to run (search results do
# not). Run metadata that must differ (binary hash, runtime) goes to
# OUT_DIR/.run-info, which --compare ignores.
set -euo pipefail

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed -n 's/^# \{0,1\}//p' >&2
  exit 2
}

# ---------------------------------------------------------------- compare mode
if [[ ${1:-} == --compare ]]; then
  [[ $# -eq 3 ]] || usage
  before=$2 after=$3
  for d in "$before" "$after"; do
    # An interrupted run would "differ" for the wrong reason: refuse it.
    [[ -f $d/.complete ]] || { echo "same_output: $d is not a complete snapshot (no .complete)" >&2; exit 2; }
  done
  list=$(diff -rq -x .run-info "$before" "$after" || true)
  if [[ -z $list ]]; then
    echo "same_output: identical ($(find "$before" -type f ! -name '.*' | wc -l) files)"
    exit 0
  fi
  n=$(grep -c . <<<"$list")
  echo "same_output: $n difference(s) between $before and $after"
  head -n 40 <<<"$list" | sed 's/^/  /'
  [[ $n -le 40 ]] || echo "  … and $((n - 40)) more"
  # The first lines of the first few diffs, usually enough to see what moved.
  # JSON sits on one line, so it is shown pretty-printed (key order kept); the
  # verdict above is byte for byte.
  grep '^Files ' <<<"$list" | head -n 5 | while read -r _ a _ b _; do
    echo "--- diff $a $b (first 20 lines)"
    if [[ -s $a && -s $b ]] && jq . "$a" >/dev/null 2>&1 && jq . "$b" >/dev/null 2>&1; then
      diff -u --label "$a" --label "$b" <(jq . "$a") <(jq . "$b") | head -n 20 | cut -c1-300 || true
    else
      diff -u "$a" "$b" | head -n 20 | cut -c1-300 || true
    fi
  done
  exit 1
fi

[[ $# -eq 2 ]] || usage
[[ -x $1 ]] || { echo "same_output: $1 is not an executable" >&2; exit 2; }
START=$SECONDS
REPO=$(cd "$(dirname "$0")/.." && pwd)
BIN_REAL=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
QUERIES=${CITA_QUERIES:-$REPO/../shared/bench/queries.txt}
BENCH=${CITA_BENCH_CORPUS:-${CITA_BENCH_DATA:-$HOME/cita-bench}/corpus}
SHIPPED=$REPO/corpus
CMD_TIMEOUT=${CMD_TIMEOUT:-300}
[[ -f $QUERIES ]] || { echo "same_output: no queries file $QUERIES (set CITA_QUERIES)" >&2; exit 2; }
[[ -d $BENCH && -f $BENCH/.corpus-stamp ]] || {
  echo "same_output: no bench corpus at $BENCH; make it with $REPO/../shared/bench/make_corpus.sh $BENCH (or set CITA_BENCH_CORPUS)" >&2; exit 2; }
[[ -d $SHIPPED ]] || { echo "same_output: no shipped corpus at $SHIPPED" >&2; exit 2; }
for tool in jq curl iconv timeout; do
  command -v "$tool" >/dev/null || { echo "same_output: needs $tool" >&2; exit 2; }
done

mkdir -p "$2"
OUT=$(cd "$2" && pwd)
[[ -z $(ls -A "$OUT") ]] || { echo "same_output: $OUT is not empty; give a new folder" >&2; exit 2; }
QUERIES=$(cd "$(dirname "$QUERIES")" && pwd)/$(basename "$QUERIES")
BENCH=$(cd "$BENCH" && pwd)
WORK=$OUT/.work
SERVER_PID=
cleanup() {
  # Only what this run started: the server (if still up) and the index folders.
  [[ -z $SERVER_PID ]] || kill "$SERVER_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$WORK/bin"
# clap prints the program name in some messages: call the binary through a link
# named `cita`, so `cita-before` and `target/release/cita` print the same.
ln -s "$BIN_REAL" "$WORK/bin/cita"
CITA=$WORK/bin/cita

# A fixed environment: no colour or backtrace settings leaking in from the caller.
unset NO_COLOR CLICOLOR CLICOLOR_FORCE RUST_LOG STDIN
export RUST_BACKTRACE=0 LC_ALL=C.UTF-8 TZ=UTC TERM=dumb

# sed -E patterns for literal paths (escape ERE metacharacters and the #
# delimiter: a path may hold `+` or `.`).
lit() { printf '%s' "$1" | sed 's/[][\.*^$#/+?(){}|]/\\&/g'; }
SED_PATHS=(-e "s#$(lit "$WORK")#<WORK>#g" -e "s#$(lit "$BENCH")#<BENCH_CORPUS>#g" -e "s#$(lit "$REPO")#<REPO>#g")

# normalize FILE...: remove what legitimately changes between two runs (see top).
normalize() {
  sed -i -E "${SED_PATHS[@]}" \
    -e '/^(cita: )?indexed /s/ in [0-9]+(\.[0-9]+)? s([:;]|$)/ in <SECONDS> s\2/' \
    -e 's/"(took_ms|elapsed[a-z_]*|duration[a-z_]*)": ?[0-9.eE+-]+/"\1":"<TIME>"/g' \
    "$@"
}

NCMD=0
# run NAME EXT ARGS...: run `cita ARGS` in $WORK; stdout to OUT/NAME.EXT, stderr
# to NAME.stderr, exit status to NAME.exit (exit codes are a contract too).
# Stdin is /dev/null unless STDIN names a file.
run() {
  local name=$1 ext=$2; shift 2
  local base=$OUT/$name rc=0
  mkdir -p "$(dirname "$base")"
  timeout "$CMD_TIMEOUT" "$CITA" "$@" <"${STDIN:-/dev/null}" >"$base.$ext" 2>"$base.stderr" || rc=$?
  echo "$rc" >"$base.exit"
  normalize "$base.$ext" "$base.stderr"
  NCMD=$((NCMD + 1))
}

cd "$WORK"
mkdir -p "$OUT/inputs"
# The inputs, so that a difference caused by a changed corpus or query list is
# recognisable as such, not mistaken for a behaviour change.
cp "$QUERIES" "$OUT/inputs/queries.txt"
{ echo "bench stamp: $(cat "$BENCH/.corpus-stamp")"
  echo "bench MANIFEST.tsv: $(sha256sum <"$BENCH/MANIFEST.tsv" | cut -c1-64)"
  echo "shipped corpus:"; (cd "$SHIPPED" && find . -type f | LC_ALL=C sort | xargs sha256sum)
} >"$OUT/inputs/corpora.txt"

# ------------------------------------------------------------------ help texts
# Flags and their documentation are the CLI's interface.
run help/version txt --version
run help/cita txt --help
for c in index search stats serve show timeline kwic batch; do run "help/$c" txt "$c" --help; done

# --------------------------------------------------------------------- indexes
# Relative index names: they appear as such in stats and messages.
run index/shipped txt index --jobs 1 --corpus "$SHIPPED" --index idx-shipped
run index/shipped-again txt index --jobs 1 --corpus "$SHIPPED" --index idx-shipped   # nothing changed
run index/shipped-rebuild txt index --jobs 1 --rebuild --corpus "$SHIPPED" --index idx-shipped
run index/bench txt index --jobs 1 --corpus "$BENCH" --index idx-bench
run index/bench-again txt index --jobs 1 --corpus "$BENCH" --index idx-bench
run stats/shipped json stats --index idx-shipped --format json
run stats/shipped txt stats --index idx-shipped
run stats/shipped csv stats --index idx-shipped --format csv
run stats/bench json stats --index idx-bench --format json

# ------------------------------------------- the bench queries (queries.txt)
# OUT/<id>.json: the default top 10; OUT/<id>.n100.json: the top 100;
# OUT/<id>.all.json: every match (--all), only for queries with at most 2,000
# (`the` has 206,000: hundreds of MB of JSON). The threshold reads this run's
# own total, so a changed total shows up here too (as a missing or extra file).
# The batch file keeps the ids as comments, which batch must skip.
: >"$WORK/batch-queries.txt"
while IFS=$'\t' read -r id class query; do
  [[ -n $id && $id != \#* ]] || continue
  run "$id" json search --index idx-bench --format json -- "$query"
  run "$id.n100" json search --index idx-bench --format json -n 100 -- "$query"
  if [[ $(jq '.total // 0' "$OUT/$id.json" 2>/dev/null || echo 0) -le 2000 ]]; then
    run "$id.all" json search --index idx-bench --format json --all -- "$query"
  fi
  printf '# %s %s\n%s\n' "$id" "$class" "$query" >>"$WORK/batch-queries.txt"
done <"$QUERIES"
cp "$WORK/batch-queries.txt" "$OUT/inputs/batch-queries.txt"

# ------------------------------------------------------- research commands
# research INDEX PREFIX MENTIONS SPEC...: each SPEC is NAME|FLAGS|QUERY (FLAGS
# are date filters every command takes) and goes through every research view.
research() {
  local index=$1 prefix=$2 years=$3; shift 3
  local spec name flags query
  for spec in "$@"; do
    IFS='|' read -r name flags query <<<"$spec"
    local -a f=()
    [[ -z $flags ]] || read -ra f <<<"$flags"
    local p=$prefix/$name i=(--index "$index")
    run "$p/search" json search "${i[@]}" "${f[@]}" --format json -- "$query"
    run "$p/sort-date" json search "${i[@]}" "${f[@]}" --format json --sort date -n 20 -- "$query"
    run "$p/sort-newest" json search "${i[@]}" "${f[@]}" --format json --sort -date -n 5 -- "$query"
    run "$p/sort-source" json search "${i[@]}" "${f[@]}" --format json --sort source -n 5 -- "$query"
    run "$p/page2" json search "${i[@]}" "${f[@]}" --format json --offset 5 -n 5 -- "$query"
    run "$p/group" json search "${i[@]}" "${f[@]}" --format json --group -n 5 -- "$query"
    run "$p/facets" json search "${i[@]}" "${f[@]}" --format json --facets -n 3 -- "$query"
    run "$p/count" json search "${i[@]}" "${f[@]}" --format json --count -- "$query"
    run "$p/mentions" json search "${i[@]}" "${f[@]}" --format json --mentions "$years" -n 5 -- "$query"
    run "$p/context-cite" json search "${i[@]}" "${f[@]}" --format json -C 1 --cite -n 3 --snippet-chars 80 -- "$query"
    run "$p/timeline" json timeline "${i[@]}" "${f[@]}" --format json -- "$query"
    run "$p/timeline-month-source" json timeline "${i[@]}" "${f[@]}" --format json --by month --by-source -- "$query"
    # A bare --mentions takes an optional value: it goes before `--`.
    run "$p/timeline-mentions" json timeline "${i[@]}" "${f[@]}" --format json --mentions -- "$query"
    run "$p/timeline-mentions-range" json timeline "${i[@]}" "${f[@]}" --format json --mentions "$years" -- "$query"
    run "$p/kwic" json kwic "${i[@]}" "${f[@]}" --format json --width 30 -- "$query"
    run "$p/kwic-left" json kwic "${i[@]}" "${f[@]}" --format json --sort-context left -- "$query"
    run "$p/kwic-right" json kwic "${i[@]}" "${f[@]}" --format json --sort-context right --width 12 -- "$query"
  done
}

research idx-shipped shipped 1960..1969 \
  'phrase||"Plan LAZO"' \
  'word||colombia' \
  'or||lazo OR yarborough' \
  'prefix||revo*' \
  'phrase-prefix||"Plan LA"*' \
  'title||title:relations petro' \
  'section||section:"drug trade"' \
  'source||source:001 petro' \
  'near||"Petro Trump"~3' \
  'near-miss||"Colombia LAZO"~4' \
  'not||lazo -colombia' \
  'grouped||(lazo OR yarborough) -colombia' \
  'accent||bogota' \
  'stem||revoked' \
  'apostrophe||"Disobey Trump'"'"'s order"' \
  'dated|--since 2025 --until 2026-01|colombia' \
  'star-dated|--since 2026|*'

research idx-bench bench 1860..1869 \
  'phrase||"supreme court"' \
  'phrase-miss||"Plan LAZO"' \
  'word||slavery' \
  'or||earthquake OR tsunami' \
  'and||lincoln AND slavery' \
  'prefix||neanderth*' \
  'title||title:lincoln slavery' \
  'section||section:description temperature' \
  'source||source:speeches slavery' \
  'near||"page cache"~2' \
  'not||lincoln -slavery' \
  'accent||"São Paulo"' \
  'dated|--since 1850 --until 1869-12|slavery'

# -------------------------------------------------- whole-index views
# Every passage of the shipped corpus with all its metadata: any change in
# splitting, dates, sections, mentions or ids shows here.
run shipped/all-passages json search --index idx-shipped --format json --all --sort source -- '*'
run shipped/all-facets json search --index idx-shipped --format json --facets -n 0 -- '*'
# The bench corpus is too big to dump; its fingerprint (in every JSON result)
# covers every passage's path and text, and these cover metadata over all of it.
run bench/star-facets json search --index idx-bench --format json --facets -n 0 -- '*'
run bench/star-first-by-source json search --index idx-bench --format json --sort source -n 50 -- '*'
run bench/star-timeline json timeline --index idx-bench --format json -- '*'
run bench/star-timeline-mentions json timeline --index idx-bench --format json --mentions -- '*'

# ------------------------------------------------- other output formats
# JSON is the scripts' contract; text and CSV are what people and
# spreadsheets see, so they must not move either.
S=(--index idx-shipped)
run formats/search-text txt search "${S[@]}" --color never -n 3 -- colombia
run formats/search-text-explain-cite txt search "${S[@]}" --color never -C 1 -n 1 --explain --cite -- '"Plan LAZO"'
run formats/search-text-color txt search "${S[@]}" --color always -n 3 -- 'lazo OR yarborough'
run formats/search-text-group txt search "${S[@]}" --color never --group -n 2 -- colombia
run formats/search-text-facets txt search "${S[@]}" --color never --facets -n 1 -- colombia
run formats/search-text-count txt search "${S[@]}" --count -- '"Plan LAZO"'
run formats/search-csv csv search "${S[@]}" --format csv --cite -n 5 -- colombia
run formats/search-csv-group csv search "${S[@]}" --format csv --group -- colombia
run formats/search-jsonl jsonl search "${S[@]}" --format jsonl -n 3 -C 1 -- colombia
run formats/search-jsonl-miss jsonl search "${S[@]}" --format jsonl -- zzzqqqx
run formats/search-limit0 json search "${S[@]}" --format json -n 0 -- colombia
run formats/search-offset-past-end json search "${S[@]}" --format json --offset 500 -- colombia
run formats/search-all json search "${S[@]}" --format json --all -- colombia
run formats/timeline-text txt timeline "${S[@]}" --color never -- colombia
run formats/timeline-text-mentions txt timeline "${S[@]}" --color never --mentions 1960..1969 -- '"Plan LAZO"'
run formats/timeline-csv csv timeline "${S[@]}" --format csv --by-source -- colombia
run formats/timeline-jsonl jsonl timeline "${S[@]}" --format jsonl -- colombia
run formats/kwic-text txt kwic "${S[@]}" --color never --width 30 -- '"Plan LAZO"'
run formats/kwic-csv csv kwic "${S[@]}" --format csv -- '"Plan LAZO"'

# ------------------------------------------------------------------- show
# Ids come from this run's own results: if they changed, the search outputs
# above already differ; here we check the passage view itself.
lazo_id=$(jq -r '.hits[0].id // "none"' "$OUT/shipped/phrase/search.json")
bench_id=$(jq -r '.hits[0].id // "none"' "$OUT/q01.json")
run show/shipped-cita-id json show "${S[@]}" --format json "cita:$lazo_id"
run show/shipped-context json show "${S[@]}" --format json -C 2 "$lazo_id"
run show/shipped-text txt show "${S[@]}" --color never -C 1 "cita:$lazo_id"
run show/shipped-csv csv show "${S[@]}" --format csv -C 1 "$lazo_id"
run show/shipped-jsonl jsonl show "${S[@]}" --format jsonl -C 1 "$lazo_id"
run show/missing-id txt show "${S[@]}" 0000000000000000
run show/malformed-id txt show "${S[@]}" xyz
run show/bench-context json show --index idx-bench --format json -C 2 "$bench_id"

# ------------------------------------------------------------------ batch
run batch/bench-jsonl jsonl batch --index idx-bench --format jsonl -n 3 "$WORK/batch-queries.txt"
run batch/bench-csv csv batch --index idx-bench "$WORK/batch-queries.txt"
# A file with comments, a blank line and a malformed query: the other lines run.
printf '# names\n"Plan LAZO"\n\nYarborough\n"unclosed\nrevo* --not-a-flag\n' >"$WORK/names.txt"
cp "$WORK/names.txt" "$OUT/inputs/batch-names.txt"
run batch/shipped-csv csv batch "${S[@]}" -n 2 --snippet-chars 60 "$WORK/names.txt"
run batch/shipped-jsonl-all jsonl batch "${S[@]}" --format jsonl --all "$WORK/names.txt"
run batch/shipped-dated jsonl batch "${S[@]}" --format jsonl --since 2026 --until 2026-01 --mentions 2026 "$WORK/names.txt"
STDIN=$WORK/names.txt run batch/shipped-stdin csv batch "${S[@]}" -n 1 -
printf 'zzzqqqx\nqqqzzzy\n' >"$WORK/misses.txt"
run batch/no-match csv batch "${S[@]}" "$WORK/misses.txt"
run batch/unreadable-file csv batch "${S[@]}" "$WORK/no-such-file.txt"

# ------------------------------------------------ errors and exit codes
run errors/unclosed-quote txt search "${S[@]}" -- '"Plan LAZO'
run errors/dangling-and txt search "${S[@]}" -- 'lazo AND'
run errors/only-exclude txt search "${S[@]}" -- '-colombia'
run errors/no-match txt search "${S[@]}" -- zzzqqqx
run errors/bad-date txt search "${S[@]}" --since 2025-13 -- colombia
run errors/since-after-until txt search "${S[@]}" --since 2026 --until 2025 -- colombia
run errors/bad-mentions txt search "${S[@]}" --mentions 1969..1960 -- colombia
run errors/bad-limit txt search "${S[@]}" -n abc -- colombia
run errors/bad-sort txt search "${S[@]}" --sort bogus -- colombia
run errors/unknown-flag txt search "${S[@]}" --bogus -- colombia
run errors/no-query txt search "${S[@]}"
run errors/missing-index txt search --index no-such-index -- colombia
run errors/unknown-command txt frob
run errors/no-command txt
run errors/timeline-no-match txt timeline "${S[@]}" -- zzzqqqx
run errors/kwic-no-match txt kwic "${S[@]}" -- zzzqqqx
run errors/kwic-malformed txt kwic "${S[@]}" -- 'lazo AND'
run errors/stats-missing-index txt stats --index no-such-index
run errors/index-missing-corpus txt index --corpus "$WORK/no-such-corpus" --index idx-x
run errors/index-low-memory txt index --memory 10 --corpus "$SHIPPED" --index idx-x
# A folder holding other files is indexed into (they are kept); one holding a
# meta.json that is not cita's is refused.
mkdir -p other-files foreign-index
echo "keep me" >other-files/notes.txt
echo '{"x": 1}' >foreign-index/meta.json
run errors/index-into-folder-with-other-files txt index --jobs 1 --corpus "$SHIPPED" --index other-files
run errors/index-into-foreign-index txt index --jobs 1 --corpus "$SHIPPED" --index foreign-index

# ------------------------------------------------ default ./index and ./corpus
# Without --index, search builds ./index from ./corpus first (saying so on stderr).
mkdir -p default-paths/with-corpus default-paths/empty
ln -s "$SHIPPED" default-paths/with-corpus/corpus
cd default-paths/with-corpus
run default/search-builds-index json search --format json -n 2 -- '"Plan LAZO"'
run default/search-second json search --format json -n 2 -- '"Plan LAZO"'
cd ../empty
run default/search-no-corpus txt search -- colombia
cd "$WORK"

# ------------------------------------------------ a mixed-format corpus
# The shipped and bench corpora are plain text only; this small generated one
# exercises the other readers (Markdown, HTML, JSON Lines, JSON, encodings,
# front matter, splitting, skips and warnings) and incremental updates.
F=$WORK/fmt
mkdir -p "$F/sub" "$F/drafts" "$F/.hidden"
cat >"$F/a-notes.md" <<'EOF'
---
title: "Notes on the Andes"
date: "2025-09-27"
source: "Field Journal"
url: "https://example.org/andes"
---
# Overview

The expedition reached **Bogotá** in the early 1960s, after [the survey](https://example.org/s) of 1958.

## Lists

- first item about quinine
- second item about Nariño
  continued on an indented line

```
code block mentioning Petro in 2024
```

| city | year |
|------|------|
| Cali | 1964 |
EOF
cat >"$F/b-page.html" <<'EOF'
<!doctype html>
<html><head><meta charset="utf-8">
<title>Coffee prices rise again | The Daily Bean</title>
<meta property="og:title" content="Coffee prices rise again">
<meta property="og:site_name" content="The Daily Bean">
<meta property="article:published_time" content="2024-03-05T08:00:00Z">
<link rel="canonical" href="https://bean.example/coffee">
</head><body>
<nav>Home | World | Skip to content</nav>
<header>Site header text</header>
<article>
<h1>Coffee prices rise again</h1>
<p>Growers in Huila said the harvest of 2023 was the smallest since 2010.</p>
<div class="share-bar">Share this on every network</div>
<h2>Exports</h2>
<ul><li>Colombia exported less coffee.</li><li>Brazil exported more.</li></ul>
<blockquote>“We have never seen prices like these,” a trader said.</blockquote>
<p style="display:none">Hidden text must not be indexed.</p>
<p>Read more</p>
<table><tr><td>Arabica</td><td>up 12%</td></tr></table>
</article>
<aside>Related: other stories</aside>
<footer>© The Daily Bean</footer>
<script>var tracking = "coffee";</script>
</body></html>
EOF
cat >"$F/c-feed.jsonl" <<'EOF'
{"title": "Quake in the north", "date": "2023-02-06", "url": "https://feed.example/1", "source": {"name": "Wire"}, "text": "An earthquake struck before dawn on 6 February 2023."}
{"headline": "Tsunami warning lifted", "published": "2023-02-07", "body": ["The tsunami warning was lifted.", "Residents returned home in the 2020s style of calm."]}
this line is not JSON
{"title": "No text here", "date": "2023-02-08"}
{"title": "Content field", "datePublished": "September 27, 2025", "content": "Petro spoke at the United Nations."}
EOF
cat >"$F/d-array.json" <<'EOF'
[{"title": "First record", "date": "2019-01-01", "text": "The first record mentions slavery and 1865."},
 {"title": "Second record", "link": "https://arr.example/2", "text": "The second record mentions Lincoln."}]
EOF
printf 'T\xedtulo latino\n\nEl departamento de Nari\xf1o y la ciudad de Bogot\xe1 en 1964.\n' >"$F/e-latin1.txt"
printf '\xef\xbb\xbfUTF-8 with a BOM\n\nCaf\xc3\xa9 and cr\xc3\xa8me br\xc3\xbbl\xc3\xa9e.\n' >"$F/f-bom.txt"
{ printf '\xff\xfe'; printf 'UTF-16 title\n\nA UTF-16 paragraph about Gait\xc3\xa1n in 1948.\n' | iconv -f UTF-8 -t UTF-16LE; } >"$F/g-utf16.txt"
printf '+++\ntitle = "Windows file"\ndate = "27 de septiembre de 2025"\n+++\r\nFirst line with CRLF\r\nendings joined as one paragraph.\r\n\r\nThe 1960s and the war of 1936\xe2\x80\x931939.\r\n' >"$F/h-crlf.txt"
{
  echo "Long document"; echo
  echo "= Wiki heading ="; echo
  echo "Underlined heading"; echo "------------------"; echo
  for n in $(seq 1 40); do printf 'Sentence %s of a long paragraph about the archive in 1999. ' "$n"; done; echo; echo
  echo "A duplicate paragraph."; echo; echo "A duplicate paragraph."; echo
  echo "* * *"; echo
  echo "A hard-wrapped"; echo "paragraph in"; echo "three lines."; echo
  printf '%s\n' "$(printf 'x%.0s' $(seq 1 1200))"
} >"$F/sub/i-long.txt"
printf 'binary\0\0\0data\0\1\2\3' >"$F/j-binary.txt"
: >"$F/k-empty.txt"
echo "A draft that --exclude leaves out." >"$F/drafts/draft.txt"
echo "Hidden folders are skipped." >"$F/.hidden/secret.txt"
echo "ignored by .citaignore" >"$F/l-ignored.txt"
echo "l-ignored.txt" >"$F/.citaignore"
echo "a,b" >"$F/m-data.csv"
(cd "$F" && find . -type f | LC_ALL=C sort | xargs sha256sum) >"$OUT/inputs/fmt-corpus.txt"

run fmt/index txt index --jobs 1 --exclude 'drafts/**' --corpus fmt --index idx-fmt
run fmt/index-strict txt index --jobs 1 --strict --exclude 'drafts/**' --corpus fmt --index idx-fmt-strict
run fmt/index-negated-exclude txt index --jobs 1 --exclude '!drafts/**' --corpus fmt --index idx-fmt-neg
run fmt/stats json stats --index idx-fmt --format json
run fmt/all-passages json search --index idx-fmt --format json --all --sort source -- '*'
run fmt/accents json search --index idx-fmt --format json -- narino bogota
run fmt/publication json search --index idx-fmt --format json -- 'publication:"daily bean"'
run fmt/source json search --index idx-fmt --format json -- 'source:sub archive'
run fmt/timeline-mentions json timeline --index idx-fmt --format json --mentions -- '*'
run fmt/kwic csv kwic --index idx-fmt --format csv -- coffee
# Incremental updates: nothing changed; then one file changed, one deleted,
# one added (sizes change, so this does not depend on mtime resolution).
run fmt/index-unchanged txt index --jobs 1 --exclude 'drafts/**' --corpus fmt --index idx-fmt
printf '\n\nAn added paragraph about Yarborough in 1962.\n' >>"$F/f-bom.txt"
rm "$F/c-feed.jsonl"
printf 'New file\n\nA new document about tariffs in 2018.\n' >"$F/n-new.txt"
run fmt/index-changed txt index --jobs 1 --exclude 'drafts/**' --corpus fmt --index idx-fmt
run fmt/all-passages-after-change json search --index idx-fmt --format json --all --sort source -- '*'
run fmt/index-rebuild txt index --jobs 1 --rebuild --exclude 'drafts/**' --corpus fmt --index idx-fmt
run fmt/all-passages-after-rebuild json search --index idx-fmt --format json --all --sort source -- '*'

# ------------------------------------------------------------- HTTP API
# `cita serve` on the shipped index, port chosen by the system; each request's
# status, headers (minus Date) and body are kept.
"$CITA" serve --index idx-shipped --addr 127.0.0.1:0 >"$OUT/serve.stdout" 2>"$WORK/serve.stderr" &
SERVER_PID=$!
port=
for _ in $(seq 1 100); do
  port=$(sed -n 's#.*http://127\.0\.0\.1:\([0-9]*\)/.*#\1#p' "$WORK/serve.stderr")
  [[ -z $port ]] || break
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.1
done
if [[ -z $port ]]; then
  echo "server did not start" >"$OUT/serve.failed"
else
  # http NAME METHOD PATH
  http() {
    local base=$OUT/http/$1
    mkdir -p "$(dirname "$base")"
    local -a method=(-X "$2") body=(-o "$base.body")
    # -X HEAD would wait for a body that never comes; -I prints the headers
    # as the body, so they go to .headers only.
    [[ $2 != HEAD ]] || { method=(-I); body=(-o /dev/null); : >"$base.body"; }
    curl -s --max-time 30 "${method[@]}" -D "$base.headers" "${body[@]}" -w '%{http_code}\n' "http://127.0.0.1:$port$3" >"$base.status" || echo "curl failed: $?" >>"$base.status"
    sed -i -E '/^date:/Id' "$base.headers"
    normalize "$base.body" "$base.headers"
    NCMD=$((NCMD + 1))
  }
  http healthz GET /healthz
  http stats GET /api/stats
  http search-lazo GET '/api/search?q=%22Plan+LAZO%22'
  http search-options GET '/api/search?q=colombia&limit=3&offset=2&sort=date&cite=true&context=1&snippet_chars=80'
  http search-dated GET '/api/search?q=colombia&since=2025&until=2026-01&mentions=2025..2026&sort=-date'
  http search-limit0 GET '/api/search?q=colombia&limit=0'
  http passage GET "/api/passages/$lazo_id?context=1"
  http passage-default-context GET "/api/passages/$lazo_id"
  http passage-missing GET /api/passages/0000000000000000
  http search-malformed GET '/api/search?q=lazo+AND'
  http search-unknown-param GET '/api/search?q=lazo&bogus=1'
  http search-no-q GET /api/search
  http search-limit-too-big GET '/api/search?q=lazo&limit=101'
  http search-bad-date GET '/api/search?q=lazo&since=2025-13'
  http not-found GET /nope
  http post-refused POST /api/stats
  http head HEAD /api/stats
  http openapi GET /api/openapi.json
  http page GET /
fi
# A clean stop on SIGTERM is part of the contract ("cita: stopped", exit 0);
# a server that does not stop within 10 s is killed and says so in serve.exit.
kill -TERM "$SERVER_PID" 2>/dev/null || true
for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$SERVER_PID" 2>/dev/null && { kill -KILL "$SERVER_PID"; echo "did not stop on SIGTERM" >"$OUT/serve.failed"; }
rc=0; wait "$SERVER_PID" || rc=$?
SERVER_PID=
echo "$rc" >"$OUT/serve.exit"
sed -E "${SED_PATHS[@]}" -e 's/127\.0\.0\.1:[0-9]+/127.0.0.1:<PORT>/g' "$WORK/serve.stderr" >"$OUT/serve.stderr"
normalize "$OUT/serve.stdout"

# ------------------------------------------------------------------- done
cd "$OUT"
cleanup
trap - EXIT
secs=$((SECONDS - START))
nfiles=$(find "$OUT" -type f ! -name '.*' | wc -l)
{ echo "binary: $BIN_REAL"
  echo "sha256: $(sha256sum <"$BIN_REAL" | cut -c1-64)"
  echo "version: $("$BIN_REAL" --version 2>&1 || true)"
  echo "commands: $NCMD"; echo "files: $nfiles"; echo "seconds: $secs"
} >"$OUT/.run-info"
touch "$OUT/.complete"
echo "same_output: $NCMD commands, $nfiles files in $OUT, ${secs}s"
