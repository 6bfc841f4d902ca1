#!/usr/bin/env bash
# The OCR part of the benchmark: page scans generated from the bench
# corpus's text (bench/scans.py: 40 lines of Helvetica 11 a page, rendered
# at 300 dpi in grayscale by pdftoppm), read by `tesseract` by hand (one
# process a page, one at a time and two at a time, as cita runs it: TSV
# output, OMP_THREAD_LIMIT=1) and by `cita index` (fresh, then `--rebuild`
# from its OCR cache), and the same pages as one image-only PDF, whose
# pages cita renders and reads in parallel. Prints a Markdown section on
# stdout.
#
#   bench/ocr.sh SOURCE_CORPUS RESULTS_DIR
#
# env: CITA_BENCH_DATA (default ~/cita-bench), OCR_PAGES (default 20).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DATA=${CITA_BENCH_DATA:-$HOME/cita-bench}
SOURCE=$1; RESULTS=$2
OCR_PAGES=${OCR_PAGES:-20}
SCANS=$DATA/scans-$OCR_PAGES
mkdir -p "$RESULTS"
[ -f "$SCANS/scanned-pdf/scans.pdf" ] || python3 "$ROOT/bench/scans.py" "$SOURCE" "$SCANS" "$OCR_PAGES" >&2

cd "$ROOT"
cargo build --release --quiet --bin cita
CITA=$ROOT/target/release/cita
INDEX=$DATA/idx/ocr
seconds() { /usr/bin/time -f '%e' -o "$RESULTS/.time" "$@" > /dev/null 2>&1; cat "$RESULTS/.time"; }
by_hand_1=$(seconds sh -c "for page in '$SCANS'/scans/*.png; do OMP_THREAD_LIMIT=1 tesseract \"\$page\" stdout -l eng+spa tsv > /dev/null 2>&1; done")
by_hand_2=$(seconds sh -c "ls '$SCANS'/scans/*.png | OMP_THREAD_LIMIT=1 xargs -P 2 -I{} tesseract {} stdout -l eng+spa tsv > /dev/null 2>&1")
rm -rf "$INDEX"
cita_fresh=$(seconds "$CITA" index --quiet --jobs 2 --corpus "$SCANS/scans" --index "$INDEX")
cita_cached=$(seconds "$CITA" index --quiet --jobs 2 --rebuild --corpus "$SCANS/scans" --index "$INDEX")
"$CITA" index --rebuild --format json --corpus "$SCANS/scans" --index "$INDEX" > "$RESULTS/ocr.report.json"
rm -rf "$INDEX-pdf"
cita_pdf=$(seconds "$CITA" index --quiet --jobs 2 --corpus "$SCANS/scanned-pdf" --index "$INDEX-pdf")
rm -rf "$INDEX" "$INDEX-pdf"

python3 - "$RESULTS" "$OCR_PAGES" "$by_hand_1" "$by_hand_2" "$cita_fresh" "$cita_cached" "$cita_pdf" <<'PYEOF'
import json, sys
results, pages, one, two, fresh, cached, pdf = sys.argv[1:]
pages = int(pages)
report = json.load(open(f"{results}/ocr.report.json"))
print("## OCR")
print()
print(f"Produced by `bench/ocr.sh`: {pages} page scans generated from the bench corpus's text "
      "(`bench/scans.py`: 40 lines of 11-point Helvetica a page, rendered at 300 dpi in grayscale by "
      "pdftoppm, saved as PNG), read by Tesseract 5 (`eng+spa`, TSV output, `OMP_THREAD_LIMIT=1`) by "
      "hand, one process a page, and by `cita index --jobs 2`; one run each, in this order.")
print()
print("| reader | seconds | pages/s |")
print("|---|---|---|")
for name, value in (("`tesseract` by hand, one page at a time", one),
                    ("`tesseract` by hand, two pages at a time (`xargs -P 2`)", two),
                    ("`cita index --jobs 2`, fresh index (OCR, then indexing)", fresh),
                    ("`cita index --jobs 2 --rebuild` (from the OCR cache)", cached),
                    ("`cita index --jobs 2`, the same pages as one image-only PDF (rendering, OCR, indexing)", pdf)):
    print(f"| {name} | {float(value):.2f} | {pages / float(value):.2f} |")
print()
print(f"The rebuild's report: `\"ocr\": {json.dumps(report['ocr'])}`, {report['passages']} passages.")
PYEOF
