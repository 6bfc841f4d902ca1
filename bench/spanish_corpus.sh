#!/usr/bin/env bash
# Builds a Spanish benchmark corpus for cita from Debian's own documentation:
# real prose (not machine-generated), freely licensed, installable offline from
# the Debian archive, so every machine gets byte-identical input.
#
#   bench/spanish_corpus.sh [TARGET]     # default: $HOME/cita-bench/corpus-es
#
# TARGET gets debian-handbook/ (HTML), debian-reference/ (HTML) and man/
# (man pages rendered to UTF-8 plain text, since cita does not read roff).
set -euo pipefail

target="${1:-$HOME/cita-bench/corpus-es}"
packages=(debian-handbook debian-reference-es manpages-es man-db)

"$(dirname "$0")/debian_packages.sh" "${packages[@]}"

handbook=/usr/share/doc/debian-handbook/html/es-ES
manroot=/usr/share/man/es
# Slim container images tell dpkg to skip /usr/share/doc and /usr/share/man:
# then the packages "install" but leave no files, which must not pass silently.
for d in "$handbook" "$manroot"; do
    [[ -d $d ]] || { echo "$d missing: check path-exclude in /etc/dpkg/dpkg.cfg.d/" >&2; exit 1; }
done

# Start from an empty folder so the corpus never mixes with an older run.
rm -rf "$target"
mkdir -p "$target/debian-handbook" "$target/debian-reference" "$target/man"

# Only the pages: the handbook's Common_Content is CSS and images.
cp "$handbook"/*.html "$target/debian-handbook/"
cp /usr/share/debian-reference/*.es.html "$target/debian-reference/"

# Render with man (it runs tbl/preconv as each page needs); offline, no
# network involved. Symlinked pages are aliases of another page: skipped so
# the same text is not indexed twice. A page that fails to render is skipped.
rendered=0 failed=0
while IFS= read -r -d '' page; do
    section=$(basename "$(dirname "$page")")
    name=$(basename "$page" .gz)
    mkdir -p "$target/man/$section"
    if LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$page" >"$target/man/$section/$name.txt" 2>/dev/null \
        && [[ -s "$target/man/$section/$name.txt" ]]; then
        rendered=$((rendered + 1))
    else
        rm -f "$target/man/$section/$name.txt"
        failed=$((failed + 1))
    fi
done < <(find "$manroot" -type f -name '*.gz' -print0 | sort -z)

files=$(find "$target" -type f | wc -l)
mb=$(du -sk "$target" | awk '{printf "%.1f", $1 / 1024}')
echo "corpus: $target"
echo "files: $files (man pages rendered: $rendered, skipped: $failed)"
echo "size: $mb MB"
