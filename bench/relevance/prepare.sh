#!/usr/bin/env bash
# Builds a collection of the relevance benchmark's corpus, so every machine
# gets byte-identical input offline once the packages are installed:
#
#   bench/relevance/prepare.sh COLLECTION [TARGET]
#       # default TARGET: $CITA_BENCH_DATA/relevance/COLLECTION/corpus
#       # (CITA_BENCH_DATA defaults to ~/cita-bench)
#
# manuals: documentation that Debian packages ship, as cita ingests it:
#   handbook/en-US, handbook/es-ES   The Debian Administrator's Handbook (HTML), English and Spanish
#   reference/html                   Debian Reference, English and Spanish (HTML, one page per chapter)
#   reference/pdf                    the same Debian Reference as PDF: a second edition, so twins exist
#   r/html                           four R manuals (HTML): R-intro, R-data, R-admin, R-FAQ
#   r/pdf                            two of them again as PDF: R-intro, R-data (twins)
# press: the speed benchmark's corpus (/work/shared/bench/make_corpus.sh,
# materialized in $CITA_BENCH_DATA/corpus as bench/run.sh does), less its
# software documentation:
#   news          3,685 news articles of nine outlets, mostly 2017
#   speeches      the State of the Union addresses, 1790-2021
#   encyclopedia  10,033 Wikipedia articles (the vital articles)
set -euo pipefail

collection="${1:-}"
data="${CITA_BENCH_DATA:-$HOME/cita-bench}"
target="${2:-$data/relevance/$collection/corpus}"
case $collection in
    manuals | press) ;;
    *) sed -n '2,20p' "$0" >&2; exit 2 ;;
esac

# Fixed modification times: the corpus is the same bytes and the same
# metadata on every machine.
finish() {
    find "$target" -exec touch -h -d '2026-01-01T00:00:00Z' {} +
    files=$(find "$target" -type f | wc -l)
    mb=$(du -sk "$target" | awk '{printf "%.1f", $1 / 1024}')
    echo "corpus: $target ($files files, $mb MB)"
}

if [[ $collection == press ]]; then
    shared=${CITA_SHARED_BENCH:-$(cd "$(dirname "$0")/../../.." && pwd)/shared/bench}
    "$shared/make_corpus.sh" "$data/corpus" >&2
    rm -rf "$target"
    mkdir -p "$target"
    cp -r "$data/corpus"/{news,speeches,encyclopedia} "$target/"
    finish
    exit 0
fi

packages=(debian-handbook debian-reference-en debian-reference-es r-doc-html r-doc-pdf)
"$(dirname "$0")/../debian_packages.sh" "${packages[@]}"

handbook=/usr/share/doc/debian-handbook/html
reference=/usr/share/debian-reference
rman=/usr/share/R/doc/manual
# Slim container images tell dpkg to skip /usr/share/doc: then the packages
# "install" but leave no files, which must not pass silently.
for f in "$handbook/en-US/index.html" "$handbook/es-ES/index.html" \
    "$reference/index.en.html" "$reference/debian-reference.es.pdf" \
    "$rman/R-data.html" "$rman/R-data.pdf"; do
    [[ -f $f ]] || { echo "$f missing: check path-exclude in /etc/dpkg/dpkg.cfg.d/" >&2; exit 1; }
done

# Start from an empty folder so the corpus never mixes with an older run.
rm -rf "$target"
mkdir -p "$target"/handbook/{en-US,es-ES} "$target"/reference/{html,pdf} "$target"/r/{html,pdf}

# Only the pages: the handbook's Common_Content is CSS and images.
cp "$handbook"/en-US/*.html "$target/handbook/en-US/"
cp "$handbook"/es-ES/*.html "$target/handbook/es-ES/"
cp "$reference"/*.en.html "$reference"/*.es.html "$target/reference/html/"
cp "$reference"/debian-reference.en.pdf "$reference"/debian-reference.es.pdf "$target/reference/pdf/"
for m in R-intro R-data R-admin R-FAQ; do cp "$rman/$m.html" "$target/r/html/"; done
for m in R-intro R-data; do cp "$rman/$m.pdf" "$target/r/pdf/"; done
finish
