#!/usr/bin/env python3
"""Generates the page scans of the OCR benchmark from real text.

    bench/scans.py SOURCE_CORPUS OUT_DIR [PAGES]

Takes the bench corpus's `.txt` files in name order, lays their text out
as pages of 40 lines of 80 characters in 11-point Helvetica (a typed
cable or memo), writes each page as a one-page PDF with a text layer
(`OUT_DIR/typed/NNNN.pdf`), and renders it with poppler's `pdftoppm` at
300 dpi in grayscale into `OUT_DIR/scans/NNNN.png`: a clean scan of a real
page, which cita and `tesseract` by hand then read. The same scans, as
pages of one image-only PDF (no text layer), go to
`OUT_DIR/scanned-pdf/scans.pdf`. PAGES defaults to 40.
"""

import subprocess
import zlib
import sys
import textwrap
from pathlib import Path

SOURCE, OUT = Path(sys.argv[1]), Path(sys.argv[2])
PAGES = int(sys.argv[3]) if len(sys.argv) > 3 else 40
LINES, COLUMNS = 40, 80


def lines_of(text):
    for paragraph in text.split("\n\n"):
        words = " ".join(paragraph.split())
        if not words:
            continue
        yield from textwrap.wrap(words, COLUMNS)
        yield ""


def pdf(lines):
    """A one-page Letter PDF showing `lines` in Helvetica 11."""
    def escape(line):
        line = line.encode("latin-1", "replace").decode("latin-1")
        return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    content = "BT /F1 11 Tf 14 TL 56 740 Td " + " ".join(f"({escape(l)}) '" for l in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        f"<< /Length {len(content.encode('latin-1'))} >>\nstream\n{content}\nendstream",
    ]
    return write_pdf([body.encode("latin-1") for body in objects])


def write_pdf(objects):
    """A PDF of `objects` (bytes, numbered from 1, the catalog first)."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def scanned_pdf(typed_pages):
    """One Letter PDF whose pages are images of `typed_pages` rendered at
    300 dpi in grayscale, without a text layer."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", None]
    kids = []
    for typed in typed_pages:
        pgm = subprocess.run(["pdftoppm", "-r", "300", "-gray", "-singlefile", typed],
                             check=True, capture_output=True).stdout
        magic, width, height, depth, pixels = pgm.split(maxsplit=4)
        assert magic == b"P5" and depth == b"255"
        image = zlib.compress(pixels[: int(width) * int(height)])
        content = b"q 612 0 0 792 0 0 cm /Im1 Do Q"
        first = len(objects) + 1
        kids.append(f"{first} 0 R")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                       f"/Resources << /XObject << /Im1 {first + 1} 0 R >> >> /Contents {first + 2} 0 R >>".encode())
        objects.append(f"<< /Type /XObject /Subtype /Image /Width {int(width)} /Height {int(height)} "
                       f"/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode /Length {len(image)} >>\nstream\n".encode()
                       + image + b"\nendstream")
        objects.append(f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>".encode()
    return write_pdf(objects)


def main():
    typed, scans, scanned = OUT / "typed", OUT / "scans", OUT / "scanned-pdf"
    for folder in (typed, scans, scanned):
        folder.mkdir(parents=True, exist_ok=True)
    page, buffer = 0, []
    for path in sorted(SOURCE.rglob("*.txt")):
        for line in lines_of(path.read_text(errors="replace")):
            buffer.append(line)
            if len(buffer) == LINES:
                name = f"{page:04}"
                (typed / f"{name}.pdf").write_bytes(pdf(buffer))
                subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", "-singlefile",
                                typed / f"{name}.pdf", scans / name], check=True)
                page, buffer = page + 1, []
                if page == PAGES:
                    (scanned / "scans.pdf").write_bytes(scanned_pdf(sorted(typed.glob("*.pdf"))))
                    print(f"{PAGES} pages", file=sys.stderr)
                    return


main()
