#!/usr/bin/env python3
"""Generates the mixed office/mail corpus of the formats benchmark from
real text, and its plain-text twin.

    bench/mixed_corpus.py SOURCE_CORPUS OUT_DIR [MAX_MB]

Takes the bench corpus's `.txt` files in name order until MAX_MB (default
16) of text, and writes each text twice: once as `OUT_DIR/plain/NNNNN.txt`,
and once into `OUT_DIR/mixed/` in one of the formats cita reads as bytes, in
turn: a Word file (`.docx`), an OpenDocument text (`.odt`), an EPUB, an
e-mail with the text as body and its second half again as a base64 `.txt`
attachment (`.eml`), a mailbox of 20 messages (`.mbox`), a ZIP press pack
of 10 HTML pages (`.zip`), a gzipped tar of 10 text files (`.tar.gz`).
The files are built with Python's standard library (zipfile, tarfile,
email), as other programs write them, not by cita's own code.
"""

import base64
import email.message
import email.policy
import email.utils
import gzip
import html
import io
import os
import sys
import tarfile
import zipfile
from pathlib import Path

SOURCE, OUT = Path(sys.argv[1]), Path(sys.argv[2])
MAX_BYTES = int(float(sys.argv[3]) * (1 << 20)) if len(sys.argv) > 3 else 16 << 20
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def paragraphs(text):
    return [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]


def write_zip(path, entries, first_stored=None):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        if first_stored:
            archive.writestr(zipfile.ZipInfo(first_stored[0]), first_stored[1], zipfile.ZIP_STORED)
        for name, data in entries:
            archive.writestr(name, data)


def docx(path, title, text):
    body = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{html.escape(p)}</w:t></w:r></w:p>'
        for p in paragraphs(text)
    )
    heading = f'<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>{html.escape(title)}</w:t></w:r></w:p>'
    write_zip(path, [
        ("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'),
        ("word/document.xml", f'<?xml version="1.0"?><w:document xmlns:w="{W}"><w:body>{heading}{body}</w:body></w:document>'),
        ("docProps/core.xml", f'<?xml version="1.0"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"><dc:title>{html.escape(title)}</dc:title><dc:creator>Bench Writer</dc:creator><dcterms:created>2024-01-02T00:00:00Z</dcterms:created></cp:coreProperties>'),
    ])


def odt(path, title, text):
    body = "".join(f"<text:p>{html.escape(p)}</text:p>" for p in paragraphs(text))
    ns = 'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"'
    write_zip(path, [
        ("content.xml", f'<?xml version="1.0"?><office:document-content {ns}><office:body><office:text><text:h text:outline-level="1">{html.escape(title)}</text:h>{body}</office:text></office:body></office:document-content>'),
        ("meta.xml", f'<?xml version="1.0"?><office:document-meta {ns}><office:meta><dc:title>{html.escape(title)}</dc:title><dc:creator>Bench Writer</dc:creator><meta:creation-date>2024-01-02T00:00:00</meta:creation-date></office:meta></office:document-meta>'),
        ("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>'),
    ], first_stored=("mimetype", "application/vnd.oasis.opendocument.text"))


def page(title, text):
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs(text))
    return f'<html xmlns="http://www.w3.org/1999/xhtml"><head><title>{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>{body}</body></html>'


def epub(path, title, text):
    parts = paragraphs(text)
    half = max(1, len(parts) // 2)
    chapters = ["\n\n".join(parts[:half]), "\n\n".join(parts[half:])]
    manifest = "".join(f'<item id="c{i}" href="c{i}.xhtml" media-type="application/xhtml+xml"/>' for i in range(2))
    spine = "".join(f'<itemref idref="c{i}"/>' for i in range(2))
    write_zip(path, [
        ("META-INF/container.xml", '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>'),
        ("OEBPS/content.opf", f'<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{html.escape(title)}</dc:title><dc:creator>Bench Writer</dc:creator><dc:date>2024-01-02</dc:date><dc:language>en</dc:language></metadata><manifest>{manifest}</manifest><spine>{spine}</spine></package>'),
    ] + [(f"OEBPS/c{i}.xhtml", page(f"{title} ({i + 1})", chapter)) for i, chapter in enumerate(chapters)],
        first_stored=("mimetype", "application/epub+zip"))


def message(title, text, number):
    msg = email.message.EmailMessage(policy=email.policy.SMTP)
    msg["Subject"] = title
    msg["From"] = "Bench Writer <writer@bench.example>"
    msg["To"] = "desk@bench.example"
    msg["Date"] = email.utils.format_datetime(email.utils.localtime().replace(year=2024, month=1, day=1 + number % 28))
    msg.set_content(text, cte="quoted-printable")
    return msg


def eml(path, title, text, number):
    msg = message(title, text, number)
    half = text[len(text) // 2:]
    msg.add_attachment(half.encode(), maintype="text", subtype="plain", filename="notes.txt")
    path.write_bytes(msg.as_bytes())


def main():
    texts = []
    total = 0
    for path in sorted(SOURCE.rglob("*.txt")):
        text = path.read_text(errors="replace")
        texts.append((path.stem.replace("_", " "), text))
        total += len(text.encode())
        if total >= MAX_BYTES:
            break
    plain, mixed = OUT / "plain", OUT / "mixed"
    for folder in (plain, mixed):
        folder.mkdir(parents=True, exist_ok=True)
    for number, (title, text) in enumerate(texts):
        (plain / f"{number:05}.txt").write_text(text)
    kinds = ["docx", "odt", "epub", "eml", "mbox", "zip", "tar"]
    number = 0
    turn = 0
    while number < len(texts):
        kind = kinds[turn % len(kinds)]
        turn += 1
        stem = mixed / f"{number:05}"
        if kind in ("docx", "odt", "epub", "eml"):
            title, text = texts[number]
            {"docx": docx, "odt": odt, "epub": epub}.get(kind, lambda p, t, x: eml(p, t, x, number))(
                stem.with_suffix("." + kind), title, text)
            number += 1
        elif kind == "mbox":
            batch = texts[number:number + 20]
            with open(stem.with_suffix(".mbox"), "wb") as box:
                for i, (title, text) in enumerate(batch):
                    box.write(b"From writer@bench.example Mon Jan  1 00:00:00 2024\n")
                    body = message(title, text, number + i).as_bytes(policy=email.policy.default)
                    body = b"\n".join((b">" + line if line.startswith(b"From ") else line)
                                      for line in body.replace(b"\r\n", b"\n").split(b"\n"))
                    box.write(body + b"\n\n")
            number += len(batch)
        elif kind == "zip":
            batch = texts[number:number + 10]
            write_zip(stem.with_suffix(".zip"),
                      [(f"pack/{i:02}.html", page(title, text)) for i, (title, text) in enumerate(batch)])
            number += len(batch)
        else:
            batch = texts[number:number + 10]
            buffer = io.BytesIO()
            with tarfile.open(fileobj=buffer, mode="w") as archive:
                for i, (title, text) in enumerate(batch):
                    data = text.encode()
                    info = tarfile.TarInfo(f"pack/{i:02}.txt")
                    info.size = len(data)
                    archive.addfile(info, io.BytesIO(data))
            (mixed / f"{number:05}.tar.gz").write_bytes(gzip.compress(buffer.getvalue()))
            number += len(batch)
    print(f"{len(texts)} texts, {total / (1 << 20):.1f} MB of text", file=sys.stderr)


main()
