#!/usr/bin/env bash
# The relevance benchmark (bench/relevance/README.md): cita, SQLite FTS5 and
# tantivy-py rank the same passages for the needs in bench/relevance/needs.tsv;
# nDCG@10 and P@5 of each against bench/relevance/judgments.tsv.
#
#   bench/relevance.sh              build cita, index the corpus, run the three systems, print the figures
#   bench/relevance.sh --verbose    the same, with the figures of every need
#   bench/relevance.sh --pool       the same, then write the passages still to be judged
#                                   to bench/relevance/pool.jsonl (blind: no system, rank or score)
#   bench/relevance.sh --pool=N     the same, pooling each system's top N (10 to 30) instead of 10
#
# env: CITA_BENCH_DATA (default ~/cita-bench): corpus, indexes and runs go to
#      $CITA_BENCH_DATA/relevance, never into the repository.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HERE=$ROOT/bench/relevance
DATA=${CITA_BENCH_DATA:-$HOME/cita-bench}/relevance
verbose=() pool=0
for a in "$@"; do
    case $a in
        --verbose) verbose=(--verbose) ;;
        --pool) pool=10 ;;
        --pool=*)
            pool=${a#--pool=}
            if ! [[ $pool =~ ^[0-9]+$ ]] || ((10#$pool < 10 || 10#$pool > 30)); then
                echo "relevance.sh: --pool=N takes N from 10 to 30, not '$pool'" >&2
                exit 2
            fi
            pool=$((10#$pool)) ;;
        *) sed -n '2,13p' "$0" >&2; exit 2 ;;
    esac
done

# The same pin as the shared peers' install (/work/shared/bench/install_peers.sh).
python3 -c 'import tantivy' 2>/dev/null || pip install -q "tantivy==0.27.0"

cd "$ROOT"
commit=$(git describe --always --dirty)
cargo build --release --quiet --bin cita
CITA=$ROOT/target/release/cita

# Each collection is prepared, indexed and searched on its own (README
# "The corpus"): the needs of one are never asked of the other.
for corpus in $(python3 "$HERE/relevance.py" corpora); do
    dir=$DATA/$corpus
    mkdir -p "$dir"
    "$HERE/prepare.sh" "$corpus" "$dir/corpus" >&2
    # A fresh index each run: the passages are whatever this build of cita cuts.
    # No OCR: the PDFs have a text layer (only their cover pages have none), and
    # OCR would make the passages depend on the Tesseract installed.
    rm -rf "$dir/index"
    # The PDFs' cover pages have no text layer: that warning is expected.
    "$CITA" index --quiet --no-ocr --corpus "$dir/corpus" --index "$dir/index" \
        2> >(grep -v 'has no text layer, and OCR is off' >&2)
    python3 "$HERE/relevance.py" export "$CITA" "$dir/index" "$dir"
    python3 "$HERE/relevance.py" peers "$dir"
    python3 "$HERE/relevance.py" run "$CITA" "$dir/index" "$dir" "$corpus"
done

echo "cita $commit; $(python3 -c 'import sqlite3; print("SQLite", sqlite3.sqlite_version, "FTS5")');" \
    "tantivy-py $(python3 -c 'import importlib.metadata as m; print(m.version("tantivy"))');" \
    "$(wc -l < "$DATA/manuals/passages.jsonl") + $(wc -l < "$DATA/press/passages.jsonl") passages"
python3 "$HERE/relevance.py" report "$DATA" "${verbose[@]}"
if ((pool)); then
    python3 "$HERE/relevance.py" pool "$DATA" "$pool"
fi
