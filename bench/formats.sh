#!/usr/bin/env bash
# The formats part of the benchmark: the build throughput of a mixed
# office/mail/bundle corpus (bench/mixed_corpus.py: the bench corpus's text
# as DOCX, ODT, EPUB, e-mail, mailboxes, ZIP and tar.gz) beside the same text
# as plain .txt files, built round-robin in one run so that machine drift
# falls on both alike. Prints a Markdown section on stdout (bench/run.sh
# appends it to BENCHMARKS.md).
#
#   bench/formats.sh SOURCE_CORPUS RESULTS_DIR
#
# env: CITA_BENCH_DATA (default ~/cita-bench), BUILD_RUNS (default 3),
#      FORMATS_MB (default 48) MB of the source corpus's text to convert.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DATA=${CITA_BENCH_DATA:-$HOME/cita-bench}
SOURCE=$1; RESULTS=$2
BUILD_RUNS=${BUILD_RUNS:-3}; FORMATS_MB=${FORMATS_MB:-48}
MIXED=$DATA/corpus-formats-$FORMATS_MB
mkdir -p "$RESULTS"
[ -d "$MIXED/mixed" ] || python3 "$ROOT/bench/mixed_corpus.py" "$SOURCE" "$MIXED" "$FORMATS_MB" >&2

cd "$ROOT"
cargo build --release --quiet --bin cita
CITA=$ROOT/target/release/cita
declare -A walls
for ((r = 1; r <= BUILD_RUNS; r++)); do
  for kind in plain mixed; do
    rm -rf "$DATA/idx/formats-$kind"; sync
    /usr/bin/time -f '%e %M' -o "$RESULTS/.time" \
      "$CITA" index --quiet --corpus "$MIXED/$kind" --index "$DATA/idx/formats-$kind"
    walls[$kind]+="$(cut -d' ' -f1 "$RESULTS/.time") "
    echo "formats $kind build run $r: $(cat "$RESULTS/.time")" >&2
  done
done
for kind in plain mixed; do
  "$CITA" index --corpus "$MIXED/$kind" --index "$DATA/idx/formats-$kind" --format json > "$RESULTS/formats-$kind.report.json"
done

python3 - "$RESULTS" "$MIXED" "${walls[plain]}" "${walls[mixed]}" <<'PYEOF'
import json, os, statistics, sys
results, mixed, walls_plain, walls_mixed = sys.argv[1:]
def corpus_bytes(root):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(root) for f in fs)
text_mb = corpus_bytes(f"{mixed}/plain") / 1e6
print("## Office, mail and bundles")
print()
print("Produced by `bench/formats.sh` (called by `bench/run.sh`): the first "
      f"{text_mb:.1f} MB of the bench corpus's text written by `bench/mixed_corpus.py` with Python's "
      "standard library as DOCX, ODT, EPUB, e-mail with an attachment, mailboxes of 20 messages, ZIP "
      "press packs of 10 HTML pages and tar.gz bundles of 10 text files (in turn), and the same text as "
      f"plain `.txt` files, built round-robin ({len(walls_plain.split())} rounds). MB/s counts the text, "
      "not the files' bytes, so the two rows compare like with like.")
print()
print("| corpus | files on disk | files MB | formats | documents | passages | build s (median) | build runs s | text MB/s |")
print("|---|---|---|---|---|---|---|---|---|")
for kind, walls in (("plain", walls_plain), ("mixed", walls_mixed)):
    walls = [float(w) for w in walls.split()]
    report = json.load(open(f"{results}/formats-{kind}.report.json"))
    files = sum(report["files"].values())
    formats = ", ".join(f"{name} {count}" for name, count in sorted(report["files"].items()))
    print(f"| {'plain text' if kind == 'plain' else 'office, mail, bundles'} | {files} | "
          f"{corpus_bytes(f'{mixed}/{kind}') / 1e6:.1f} | {formats} | {report['documents']} | "
          f"{report['passages']} | {statistics.median(walls):.2f} | {' '.join(f'{w:.2f}' for w in walls)} | "
          f"{text_mb / statistics.median(walls):.1f} |")
PYEOF
