//! Word (DOCX), OpenDocument (ODT) and EPUB files, built here from their
//! XML, indexed and searched with the real binary.

mod common;

use common::*;
use serde_json::{Value, json};

/// A ZIP of `entries`, each a name and its text.
fn zipped(entries: &[(&str, &str)]) -> Vec<u8> {
    let entries: Vec<(&str, &[u8])> = entries
        .iter()
        .map(|(name, text)| (*name, text.as_bytes()))
        .collect();
    zip(&entries)
}

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

/// A DOCX as Word lays it out, with `body` in its document, `footnotes`
/// (`w:footnote` elements) and core properties.
fn docx(body: &str, footnotes: &str, title: &str, creator: &str, created: &str) -> Vec<u8> {
    let content_types = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
</Types>"#;
    let rels = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
</Relationships>"#;
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document {W}><w:body>{body}<w:sectPr/></w:body></w:document>"#
    );
    let footnotes = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:footnotes {W}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>{footnotes}</w:footnotes>"#
    );
    let core = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{title}</dc:title>
<dc:creator>{creator}</dc:creator><dcterms:created xsi:type="dcterms:W3CDTF">{created}</dcterms:created>
</cp:coreProperties>"#
    );
    zipped(&[
        ("[Content_Types].xml", content_types),
        ("_rels/.rels", rels),
        ("word/document.xml", &document),
        ("word/footnotes.xml", &footnotes),
        ("docProps/core.xml", &core),
    ])
}

/// A Word paragraph of `text` in paragraph style `style` (none when empty).
fn word_paragraph(style: &str, text: &str) -> String {
    let properties = if style.is_empty() {
        String::new()
    } else {
        format!(r#"<w:pPr><w:pStyle w:val="{style}"/></w:pPr>"#)
    };
    format!(r#"<w:p>{properties}<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>"#)
}

/// An ODT with `text` as its body and `meta` in its `office:meta`.
fn odt(text: &str, meta: &str) -> Vec<u8> {
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"#;
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.3">
<office:body><office:text>{text}</office:text></office:body></office:document-content>"#
    );
    let meta = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
 xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3"><office:meta>{meta}</office:meta>
</office:document-meta>"#
    );
    zipped(&[
        ("mimetype", "application/vnd.oasis.opendocument.text"),
        ("META-INF/manifest.xml", manifest),
        ("content.xml", &content),
        ("meta.xml", &meta),
    ])
}

/// An EPUB 3 whose package has `metadata` and whose spine lists
/// `chapters` (file name and XHTML body) in order; the ZIP stores them in
/// the reverse order.
fn epub(metadata: &str, chapters: &[(&str, &str)]) -> Vec<u8> {
    let container = r#"<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>"#;
    let manifest: String = chapters
        .iter()
        .enumerate()
        .map(|(index, (name, _))| {
            format!(
                r#"<item id="c{index}" href="Text/{name}" media-type="application/xhtml+xml"/>"#
            )
        })
        .collect();
    let spine: String = (0..chapters.len())
        .map(|index| format!(r#"<itemref idref="c{index}"/>"#))
        .collect();
    let package = format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="id">urn:uuid:7</dc:identifier>{metadata}</metadata>
<manifest><item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>{manifest}</manifest>
<spine>{spine}</spine></package>"#
    );
    let pages: Vec<(String, String)> = chapters
        .iter()
        .rev()
        .map(|(name, body)| {
            (
                format!("OEBPS/Text/{}", name.replace("%20", " ")),
                format!(
                    r#"<?xml version="1.0" encoding="utf-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>{name}</title></head><body>{body}</body></html>"#
                ),
            )
        })
        .collect();
    let mut entries = vec![
        ("mimetype", "application/epub+zip"),
        ("META-INF/container.xml", container),
    ];
    entries.extend(
        pages
            .iter()
            .map(|(name, page)| (name.as_str(), page.as_str())),
    );
    entries.push(("OEBPS/content.opf", &package));
    zipped(&entries)
}

/// Each passage `query` finds, every copy, in source order: its source
/// and its `field`.
fn by_source(fixture: &Fixture, query: &str, field: &str) -> Vec<[String; 2]> {
    let (_, found) = fixture.search(query, &["--no-collapse", "--sort", "source"]);
    let text = |hit: &Value, name: &str| hit[name].as_str().unwrap().to_string();
    hits(&found)
        .iter()
        .map(|hit| [text(hit, "source"), text(hit, field)])
        .collect()
}

/// The first hit of `query`, failing when there is none.
fn first_hit(fixture: &Fixture, query: &str) -> Value {
    let (code, result) = fixture.search(query, &[]);
    assert_eq!(code, 0, "{query:?} found nothing: {result}");
    hits(&result)[0].clone()
}

#[test]
fn docx_text_is_found_with_its_title_date_author_and_section() {
    let fixture = Fixture::new();
    let body = [
        word_paragraph("Title", "Informe sobre Puerto Berrío"),
        word_paragraph("", "Introducción general."),
        word_paragraph("Heading1", "Hallazgos"),
        word_paragraph("", "La comisión documentó veintitrés casos en la región."),
    ]
    .concat();
    let by = |creator: &str| {
        let file = docx(&body, "", "Informe final", creator, "2024-05-05T10:00:00Z");
        fixture.file("informes/berrio.docx", file);
    };
    by("Ana Pérez");
    let hit = first_hit(&fixture, "veintitrés");
    assert_eq!(hit["source"], "informes/berrio.docx");
    assert_eq!(hit["title"], "Informe final");
    assert_eq!(hit["date"], "2024-05-05");
    assert_eq!(hit["date_origin"], "metadata");
    assert_eq!(hit["author"], "Ana Pérez");
    assert_eq!(hit["section"], "Hallazgos");
    assert!(hit["byte_range"].is_null(), "{hit}");
    let (_, result) = fixture.search("veintitrés", &["--cite"]);
    assert!(
        hits(&result)[0]["citation"]
            .as_str()
            .is_some_and(|citation| citation.starts_with("Ana Pérez. “Informe final.” 2024-05-05.")),
        "{result}"
    );
    // The name Windows gives a computer's user is no author.
    by("Usuario de Windows");
    fixture.index();
    let (_, result) = fixture.search("veintitrés", &["--cite"]);
    let hit = &hits(&result)[0];
    assert!(hit["author"].is_null(), "{hit}");
    assert!(
        hit["citation"]
            .as_str()
            .is_some_and(|citation| citation.starts_with("“Informe final.”")),
        "{hit}"
    );
}

/// A memo typed in Word, or printed to PDF from it: its header block's
/// subject titles it and its typed date dates it, over the file's own
/// title (none, or a placeholder) and creation date (the template's).
#[test]
fn a_memo_s_header_block_titles_and_dates_it_in_docx_and_pdf() {
    let fixture = Fixture::new();
    let header = [
        "MEMORANDO INTERNO",
        "Para: Dirección de Control",
        "De: Oficina Jurídica",
        "Fecha: 03/02/2025",
        "Asunto: Pagos irregulares de la fundación Puente Dorado",
    ];
    let text = "La oficina encontró pagos a proveedores inexistentes de la fundación Puente Dorado, registrados sin soporte en la contabilidad del convenio.";
    let body: String = header
        .iter()
        .chain([&text])
        .map(|line| word_paragraph("", line))
        .collect();
    fixture.file("memo.docx", docx(&body, "", "", "", "2013-12-23T10:00:00Z"));
    // Printed to PDF, its fields single-spaced: one paragraph of lines.
    let page = format!("{}\n\n{text}", header.join("\n"));
    fixture.file(
        "memo.pdf",
        pdf(
            &[&page],
            "Microsoft Word - memo_final_v3.docx",
            "D:20131223100000",
        ),
    );
    // Laid out as a table of fields and values.
    let cell = |text: &str| format!("<w:tc><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>");
    let rows: String = [
        ("Para", "Dirección de Control"),
        ("Fecha", "03/02/2025"),
        ("Asunto:", "Pagos irregulares de la fundación Puente Dorado"),
    ]
    .iter()
    .map(|(label, value)| format!("<w:tr>{}{}</w:tr>", cell(label), cell(value)))
    .collect();
    let tabled = format!(
        "{}<w:tbl>{rows}</w:tbl>{}",
        word_paragraph("", "MEMORANDO INTERNO"),
        word_paragraph("", text)
    );
    fixture.file(
        "tabla.docx",
        docx(&tabled, "", "", "", "2013-12-23T10:00:00Z"),
    );
    for source in ["memo.docx", "memo.pdf", "tabla.docx"] {
        let (_, result) = fixture.search("proveedores inexistentes", &["--group"]);
        let group = result["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|group| group["source"] == source)
            .unwrap_or_else(|| panic!("no {source} in {result}"));
        let hit = &group["hits"][0];
        assert_eq!(
            hit["title"], "Pagos irregulares de la fundación Puente Dorado",
            "{source}: {hit}"
        );
        assert_eq!(
            (&hit["date"], &hit["date_origin"]),
            (&json!("2025-02-03"), &json!("text")),
            "{source}: {hit}"
        );
    }
    // Attached to a mail, the memo is dated like its message, as any
    // attachment is, whatever its date line says.
    fixture.file(
        "memo-adjunto.eml",
        format!(
            "From: Ana <ana@example.org>\r\nSubject: Memorando\r\n\
             Date: Tue, 14 May 2024 09:12:00 -0500\r\nMIME-Version: 1.0\r\n\
             Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
             --b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nAdjunto el memorando.\r\n\
             --b\r\nContent-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document\r\n\
             Content-Disposition: attachment; filename=\"memo.docx\"\r\n\
             Content-Transfer-Encoding: base64\r\n\r\n{}\r\n--b--\r\n",
            base64(&docx(&body, "", "", "", "2013-12-23T10:00:00Z"))
        ),
    );
    fixture.index();
    let (_, attached) = fixture.search("proveedores inexistentes source:memo-adjunto.eml", &[]);
    let hit = &attached["hits"][0];
    assert_eq!(hit["entry"], "memo.docx", "{attached}");
    assert_eq!(
        (&hit["date"], &hit["date_origin"]),
        (&json!("2024-05-14"), &json!("metadata")),
        "{hit}"
    );
    assert_eq!(
        hit["title"],
        "Pagos irregulares de la fundación Puente Dorado"
    );
    // A mail's subject is what its sender typed, a file's name or not.
    fixture.file(
        "reenvio.eml",
        "From: Ana <ana@example.org>\nSubject: Informe_final_v3.docx\nDate: Mon, 3 Feb 2025 10:00:00 -0500\n\nTe reenvío el informe sobre Yarumal corregido.\n",
    );
    // A title a writer gave, and no date line: the file's own.
    fixture.file(
        "acta.docx",
        docx(
            &word_paragraph("", "El acta de Yarumal."),
            "",
            "Acta de Yarumal",
            "",
            "2024-05-05T10:00:00Z",
        ),
    );
    fixture.index();
    let hit = first_hit(&fixture, "reenvío");
    assert_eq!(hit["title"], "Informe_final_v3.docx");
    let hit = first_hit(&fixture, "acta");
    assert_eq!(
        (&hit["title"], &hit["date"]),
        (&json!("Acta de Yarumal"), &json!("2024-05-05"))
    );
}

/// A date line that could be either of two days (`Date: 03/04/1962`,
/// English, nothing telling the order) leaves a Word memo undated, with a
/// warning, when the file was made on neither (typed again decades later),
/// and keeps the file's date when it is one of them.
#[test]
fn an_ambiguous_date_line_undates_a_memo_the_file_s_date_does_not_match() {
    let fixture = Fixture::new();
    let memo = |topic: &str| {
        [
            "MEMORANDUM FOR THE RECORD",
            "Date: 03/04/1962",
            "Subject: Meeting",
            topic,
        ]
        .iter()
        .map(|line| word_paragraph("", line))
        .collect::<String>()
    };
    let retyped = memo("The ambassador discussed the Marquetalia operation.");
    fixture.file(
        "retyped.docx",
        docx(&retyped, "", "", "", "2012-01-01T10:00:00Z"),
    );
    let typed = memo("The ambassador discussed the Yarumal operation.");
    // A date line of no date: the file's date is not the document's either.
    let no_date = [
        "MEMORANDUM FOR THE RECORD",
        "Date: 13/13/1962",
        "Subject: Meeting",
    ]
    .iter()
    .chain(&["The ambassador discussed the Riochiquito operation."])
    .map(|line| word_paragraph("", line))
    .collect::<String>();
    fixture.file(
        "no-date.docx",
        docx(&no_date, "", "", "", "2012-01-01T10:00:00Z"),
    );
    fixture.file(
        "typed.docx",
        docx(&typed, "", "", "", "1962-04-03T10:00:00Z"),
    );
    let report = fixture.index_report(&[]);
    let warned: Vec<&str> = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| {
            w["message"]
                .as_str()
                .unwrap()
                .contains("could be 3/4 or 4/3")
        })
        .map(|w| w["source"].as_str().unwrap())
        .collect();
    assert_eq!(warned, ["retyped.docx"], "{report}");
    let (_, result) = fixture.search("riochiquito", &[]);
    let hit = &hits(&result)[0];
    assert_eq!(hit["date"], json!(null), "{hit}");
    let (_, result) = fixture.search("marquetalia", &[]);
    let hit = &hits(&result)[0];
    assert_eq!(
        (&hit["date"], &hit["date_origin"]),
        (&json!(null), &json!(null)),
        "{hit}"
    );
    let (_, result) = fixture.search("yarumal", &[]);
    let hit = &hits(&result)[0];
    assert_eq!(
        (&hit["date"], &hit["date_origin"]),
        (&json!("1962-04-03"), &json!("metadata")),
        "{hit}"
    );
}

/// A report typed in Word years after it was written: the press dateline
/// that opens its text dates it, not the date its file records (found by
/// a review: a 1966 report was cited as of 1999); a dateline that is not
/// in the opening of the text does not.
#[test]
fn a_press_dateline_in_a_word_file_dates_it_over_the_file_s_date() {
    let fixture = Fixture::new();
    let body: String = [
        "Informe sobre la situación de orden público en Nariño",
        "Por el Cnel. Álvaro Valencia Tovar",
        "PASTO, 10 de octubre de 1966 — La región de Nariño presenta 850 desplazados.",
    ]
    .iter()
    .map(|line| word_paragraph("", line))
    .collect();
    fixture.file(
        "informe.docx",
        docx(&body, "", "", "", "1999-01-01T00:00:00Z"),
    );
    let quoted: String = [
        "x ".repeat(1100).as_str(),
        "PASTO, 10 de octubre de 1966 — La región de Tumaco presenta 850 desplazados.",
    ]
    .iter()
    .map(|line| word_paragraph("", line))
    .collect();
    fixture.file(
        "citado.docx",
        docx(&quoted, "", "", "", "1999-01-01T00:00:00Z"),
    );
    fixture.index();
    let hit = first_hit(&fixture, "Nariño desplazados");
    assert_eq!(
        (&hit["date"], &hit["date_origin"]),
        (&json!("1966-10-10"), &json!("text")),
        "{hit}"
    );
    let hit = first_hit(&fixture, "Tumaco");
    assert_eq!(
        (&hit["date"], &hit["date_origin"]),
        (&json!("1999-01-01"), &json!("metadata")),
        "{hit}"
    );
}

#[test]
fn a_docx_whose_directory_is_damaged_is_read_from_its_entries_with_a_warning() {
    let fixture = Fixture::new();
    let body = word_paragraph("", "El acta menciona a Puerto Boyacá.");
    let mut bytes = docx(&body, "", "Acta", "", "2024-05-05T10:00:00Z");
    // The end record's signature, which every reader looks for first.
    let end = bytes.len() - 22;
    assert_eq!(&bytes[end..end + 4], b"PK\x05\x06");
    bytes[end] = b'X';
    fixture.file("acta.docx", bytes);
    let report = fixture.index_report(&[]);
    let warnings = report["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{report}");
    assert_eq!(warnings[0]["source"], "acta.docx");
    let message = warnings[0]["message"].as_str().unwrap();
    assert!(
        message.contains("read from their own headers") && !message.contains("breaks off"),
        "{message}"
    );
    let hit = first_hit(&fixture, "Boyacá");
    assert_eq!(hit["source"], "acta.docx");
    assert_eq!(hit["title"], "Acta");
}

#[test]
fn a_docx_cut_short_after_it_was_indexed_keeps_its_last_whole_version() {
    let body = r#"<w:p><w:r><w:t>El memorando sobre Yarumal</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r></w:p>"#;
    let footnotes = concat!(
        r#"<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r>"#,
        r#"<w:r><w:t xml:space="preserve"> Fuente: archivo del CINEP.</w:t></w:r></w:p></w:footnote>"#,
    );
    let whole = docx(body, footnotes, "Memo", "Luis", "2023-01-02T00:00:00Z");
    // Cut where the notes' part starts, as an interrupted copy stops: the
    // text is whole, its notes are gone.
    let notes_at = whole
        .windows(b"word/footnotes.xml".len())
        .position(|name| name == b"word/footnotes.xml")
        .unwrap();
    let cut = &whole[..notes_at - 30 + 4];
    let fixture = Fixture::new();
    fixture.file("memo.docx", &whole);
    assert_eq!(fixture.index_report(&[])["added"], 1);
    assert!(
        first_hit(&fixture, "cinep")["text"]
            .as_str()
            .unwrap()
            .contains("CINEP")
    );
    fixture.file("memo.docx", cut);
    let said = kept_warning(&fixture.index_report(&[]));
    assert!(said.contains("breaks off"), "{said}");
    assert!(
        first_hit(&fixture, "cinep")["text"]
            .as_str()
            .unwrap()
            .contains("CINEP")
    );
    // Never read whole: read as far as it goes.
    let broken = Fixture::new();
    broken.file("memo.docx", cut);
    assert_eq!(broken.index_report(&[])["kept"], 0);
    assert_eq!(first_hit(&broken, "yarumal")["source"], "memo.docx");
}

#[test]
fn docx_table_cells_and_footnotes_are_found() {
    let fixture = Fixture::new();
    let body = concat!(
        r#"<w:p><w:r><w:t>Las cifras</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r>"#,
        r#"<w:r><w:t xml:space="preserve"> vienen del censo.</w:t></w:r></w:p>"#,
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Municipio</w:t></w:r></w:p></w:tc>",
        "<w:tc><w:p><w:r><w:t>Desplazados</w:t></w:r></w:p></w:tc></w:tr>",
        "<w:tr><w:tc><w:p><w:r><w:t>Yarumal</w:t></w:r></w:p></w:tc>",
        "<w:tc><w:p><w:r><w:t>doscientos</w:t></w:r></w:p></w:tc></w:tr></w:tbl>",
    );
    let footnotes = concat!(
        r#"<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r>"#,
        r#"<w:r><w:t xml:space="preserve"> Según el archivo parroquial de Segovia.</w:t></w:r></w:p></w:footnote>"#,
    );
    fixture.file(
        "censo.docx",
        docx(body, footnotes, "Censo", "Luis", "2023-01-02T00:00:00Z"),
    );
    let row = first_hit(&fixture, "desplazados");
    assert_eq!(row["text"], "Municipio | Desplazados");
    let row = first_hit(&fixture, "yarumal");
    assert_eq!(row["text"], "Yarumal | doscientos");
    let note = first_hit(&fixture, "parroquial");
    // It starts with its mark, as Word shows it: the number it is cited by.
    assert_eq!(note["text"], "[1] Según el archivo parroquial de Segovia.");
    let claim = first_hit(&fixture, "censo");
    assert_eq!(claim["text"], "Las cifras vienen del censo.");
    // The note follows the paragraph that refers to it.
    assert_eq!(
        note["paragraph"].as_u64().unwrap(),
        claim["paragraph"].as_u64().unwrap() + 1
    );
}

/// A title that is the file's own name, as a converter copies it, is no
/// title: the document's heading titles it, in a folder or in a ZIP (found
/// by a review of the office formats).
#[test]
fn a_title_that_is_the_file_s_own_name_gives_way_to_the_heading() {
    let fixture = Fixture::new();
    let body = word_paragraph("Heading1", "Informe sobre desplazamiento")
        + &word_paragraph("", "El Catatumbo registró el mayor número de familias.");
    let named = |title: &str| docx(&body, "", title, "Ana", "2020-01-01T00:00:00Z");
    fixture
        .file("informe_final_v3.docx", named("informe_final_v3"))
        .file("otro.docx", named("informe_final_v3"))
        .file(
            "pack.zip",
            zip(&[("notas/informe_final_v3.docx", &named("Informe_Final_V3"))]),
        )
        .file("nuevo.docx", named("Nuevo documento de Microsoft Word"));
    let titles = by_source(&fixture, "catatumbo", "title");
    let heading = "Informe sobre desplazamiento";
    assert_eq!(
        titles,
        [
            ["informe_final_v3.docx", heading],
            ["nuevo.docx", heading],
            ["otro.docx", "informe_final_v3"],
            ["pack.zip", heading],
        ]
    );
}

/// A row's empty cell between two others keeps its place, so that a figure
/// stays under its column: `Nariño | 45` under `Región | 2016 | 2017`
/// read 45 as 2016's (found by a review of the office formats).
#[test]
fn an_empty_cell_keeps_its_place_in_a_row_in_docx_odt_html_and_markdown() {
    let fixture = Fixture::new();
    let rows = [
        ["Región", "2016", "2017"],
        ["Nariño", "", "45"],
        ["", "Cauca", ""],
    ];
    let word_cell = |text: &str| format!("<w:tc>{}</w:tc>", word_paragraph("", text));
    let odt_cell = |text: &str| match text {
        "" => "<table:table-cell/>".to_string(),
        text => format!("<table:table-cell><text:p>{text}</text:p></table:table-cell>"),
    };
    let table = |row: &dyn Fn(&[&str; 3]) -> String| rows.iter().map(row).collect::<String>();
    let word = table(&|cells| format!("<w:tr>{}</w:tr>", cells.map(word_cell).concat()));
    let open = table(&|cells| {
        format!(
            "<table:table-row>{}</table:table-row>",
            cells.map(odt_cell).concat()
        )
    });
    let html = table(&|cells| {
        format!(
            "<tr>{}</tr>",
            cells.map(|cell| format!("<td>{cell}</td>")).concat()
        )
    });
    let markdown = table(&|cells| format!("| {} |\n", cells.join(" | ")));
    let markdown = markdown.replacen('\n', "\n|---|---|---|\n", 1);
    fixture
        .file(
            "cifras.docx",
            docx(
                &format!("<w:tbl>{word}</w:tbl>"),
                "",
                "Cifras",
                "Ana",
                "2020-01-01T00:00:00Z",
            ),
        )
        .file(
            "cifras.odt",
            odt(
                &format!("<table:table>{open}</table:table>"),
                "<dc:title>Cifras</dc:title>",
            ),
        )
        .file(
            "cifras.html",
            format!("<html><body><table>{html}</table></body></html>"),
        )
        .file("cifras.md", format!("# Cifras\n\n{markdown}"));
    fixture.index();
    for (word, row) in [("nariño", "Nariño |  | 45"), ("cauca", "Cauca")] {
        let texts = by_source(&fixture, word, "text");
        let expected =
            ["cifras.docx", "cifras.html", "cifras.md", "cifras.odt"].map(|source| [source, row]);
        assert_eq!(texts, expected, "{word}");
    }
}

#[test]
fn odt_text_is_found_with_its_title_date_author_and_section() {
    let fixture = Fixture::new();
    let text = concat!(
        r#"<text:h text:outline-level="1">Testimonios</text:h>"#,
        r#"<text:p>El <text:span>testigo</text:span> recordó la <text:a>masacre</text:a>"#,
        r#"<text:note text:note-class="footnote"><text:note-citation>1</text:note-citation>"#,
        r#"<text:note-body><text:p>Entrevista grabada en Remedios.</text:p></text:note-body></text:note>"#,
        r#" de<text:s/>1997.</text:p>"#,
    );
    let meta = concat!(
        "<meta:initial-creator>María Gómez</meta:initial-creator>",
        "<meta:creation-date>2022-08-15T09:30:00</meta:creation-date>",
        "<dc:title>Cuaderno de campo</dc:title><dc:language>es</dc:language>",
    );
    fixture.file("campo.odt", odt(text, meta));
    let hit = first_hit(&fixture, "testigo");
    assert_eq!(hit["text"], "El testigo recordó la masacre de 1997.");
    assert_eq!(hit["title"], "Cuaderno de campo");
    assert_eq!(hit["date"], "2022-08-15");
    assert_eq!(hit["author"], "María Gómez");
    assert_eq!(hit["section"], "Testimonios");
    assert_eq!(hit["language"], "es");
    let note = first_hit(&fixture, "remedios");
    assert_eq!(note["text"], "[1] Entrevista grabada en Remedios.");
    assert_eq!(note["section"], "Testimonios");
}

#[test]
fn a_newline_in_docx_or_odt_text_is_a_space_and_a_soft_break_keeps_its_phrase() {
    let fixture = Fixture::new();
    let body = concat!(
        r#"<w:p><w:r><w:t xml:space="preserve">first half"#,
        "\n",
        r#" second half nlword</w:t></w:r></w:p>"#,
        r#"<w:p><w:r><w:t>Address line of Planadas</w:t><w:br/><w:t>Tolima district</w:t></w:r></w:p>"#,
    );
    fixture.file(
        "newline.docx",
        docx(body, "", "", "Ana Pérez", "2024-05-05T10:00:00Z"),
    );
    let text = "<text:p>pretty\n   printed\n   odtprettyword   para</text:p>";
    fixture.file("pretty.odt", odt(text, ""));

    // Not a line break, so not the end of the title either.
    let hit = first_hit(&fixture, "nlword");
    assert_eq!(hit["text"], "first half second half nlword");
    assert_eq!(hit["title"], "first half second half nlword");
    let hit = first_hit(&fixture, "odtprettyword");
    assert_eq!(hit["text"], "pretty printed odtprettyword para");
    assert_eq!(hit["title"], "pretty printed odtprettyword para");
    // A soft break is a line of its paragraph, and a phrase runs across it.
    let hit = first_hit(&fixture, "\"Planadas Tolima\"");
    assert_eq!(hit["text"], "Address line of Planadas\nTolima district");
}

#[test]
fn epub_chapters_are_read_in_spine_order_with_their_headings_as_sections() {
    let fixture = Fixture::new();
    let metadata = concat!(
        "<dc:title>Crónica de una muerte anunciada</dc:title>",
        "<dc:creator>Gabriel García Márquez</dc:creator>",
        "<dc:date>1981-04-01</dc:date><dc:language>es</dc:language>",
    );
    fixture.file(
        "libros/cronica.epub",
        epub(
            metadata,
            &[
                (
                    "capitulo%201.xhtml",
                    "<h1>Capítulo uno</h1><p>El día en que lo iban a matar, Santiago Nasar se levantó alfa.</p>",
                ),
                (
                    "capitulo2.xhtml",
                    "<h1>Capítulo dos</h1><p>Bayardo San Román volvió omega.</p>",
                ),
            ],
        ),
    );
    let first = first_hit(&fixture, "alfa");
    let second = first_hit(&fixture, "omega");
    assert_eq!(first["title"], "Crónica de una muerte anunciada");
    assert_eq!(first["author"], "Gabriel García Márquez");
    assert_eq!(first["date"], "1981-04-01");
    assert_eq!(first["section"], "Capítulo uno");
    assert_eq!(second["section"], "Capítulo dos");
    assert!(
        first["paragraph"].as_u64() < second["paragraph"].as_u64(),
        "spine order: {first} before {second}"
    );
    // A book without a date of its own is not dated by its story's.
    fixture.file(
        "libros/sin_fecha.epub",
        epub(
            "<dc:title>Diario</dc:title><dc:date>1981</dc:date><dc:creator>Unknown</dc:creator>",
            &[(
                "uno.xhtml",
                "<p>El 3 de marzo de 1951 llovió sobre el pueblo gamma.</p>",
            )],
        ),
    );
    fixture.index();
    let undated = first_hit(&fixture, "gamma");
    assert!(
        undated["date"].is_null() && undated["date_origin"].is_null(),
        "{undated}"
    );
    // Calibre's name for an author it was not told is none.
    assert!(undated["author"].is_null(), "{undated}");
}

#[test]
fn a_damaged_docx_is_a_warning_naming_it_and_the_rest_is_indexed() {
    let fixture = Fixture::new();
    let whole = docx(
        &word_paragraph("", "Texto íntegro del memorando."),
        "",
        "Memorando",
        "Ana",
        "2024-01-01T00:00:00Z",
    );
    fixture
        .file("memorando.docx", &whole)
        // Cut within its first entry: nothing to read (cut later, the
        // entries before the cut are read).
        .file("roto.docx", &whole[..60]);
    let out = fixture.index_with(&["--format", "json"]);
    let report = index_report(&out);
    let warnings = stderr(&out);
    assert!(
        warnings
            .lines()
            .any(|line| line.starts_with("cita: warning: ") && line.contains("roto.docx")),
        "{warnings}"
    );
    assert_eq!(report["skipped"]["malformed"], 1, "{report}");
    assert_eq!(report["warnings"][0]["source"], "roto.docx", "{report}");
    assert_eq!(report["files_read"], 2, "{report}");
    assert_eq!(report["files"]["docx"], 1, "{report}");
    assert_eq!(fixture.sources("memorando"), ["memorando.docx"]);
}

/// A password-protected DOCX is an OLE compound file holding an encrypted
/// package (its `EncryptionInfo` stream names the scheme), not a ZIP.
#[test]
fn an_encrypted_docx_is_a_warning_saying_so() {
    let fixture = Fixture::new();
    let mut encrypted = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    encrypted.resize(4096, 0);
    encrypted.extend("EncryptionInfo".encode_utf16().flat_map(u16::to_le_bytes));
    encrypted.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
    encrypted.resize(8192, 0);
    fixture
        .file("secreto.docx", &encrypted)
        .file("notas.txt", "Notas sueltas del archivo.");
    let out = fixture.index_with(&["--format", "json"]);
    let report = index_report(&out);
    assert_eq!(report["warnings"][0]["source"], "secreto.docx", "{report}");
    assert!(report["skipped"]["encrypted"] == 1, "{report}");
    assert_eq!(fixture.sources("notas"), ["notas.txt"]);
}

#[test]
fn a_lead_in_and_the_command_or_list_it_announces_are_one_hit_in_docx_odt_and_epub() {
    let fixture = Fixture::new();
    let numbered = r#"<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>"#;
    let body = [
        word_paragraph("Heading1", "Juegos"),
        word_paragraph("", "Puede instalar algunos de estos paquetes haciendo:"),
        word_paragraph("SourceCode", "# apt-get install bsdgames fortunes-es"),
        word_paragraph("", "Para configurarlos, edite:"),
        format!(r#"<w:p>{numbered}<w:r><w:t>/etc/juegos.conf</w:t></w:r></w:p>"#),
        format!(r#"<w:p>{numbered}<w:r><w:t>~/.juegosrc</w:t></w:r></w:p>"#),
        word_paragraph("", "Luego ejecute fortune."),
    ]
    .concat();
    fixture.file(
        "juegos.docx",
        docx(&body, "", "Juegos", "Ana", "2024-01-01T00:00:00Z"),
    );
    let text = concat!(
        r#"<text:p>Puede instalar algunos de estos paquetes haciendo:</text:p>"#,
        r#"<text:list><text:list-item><text:p>apt-get install bsdgames</text:p></text:list-item></text:list>"#,
        r#"<text:p>Luego ejecute fortune.</text:p>"#,
    );
    fixture.file("juegos.odt", odt(text, "<dc:title>Juegos</dc:title>"));
    fixture.file(
        "juegos.epub",
        epub(
            "<dc:title>Juegos</dc:title><dc:language>es</dc:language>",
            &[(
                "c1.xhtml",
                "<p>Puede instalar algunos de estos paquetes haciendo:</p><pre># apt-get install bsdgames</pre><p>Luego ejecute fortune.</p>",
            )],
        ),
    );
    // The files hold the same passages: every copy is shown.
    let (code, result) =
        fixture.search("instalar", &["--all", "--sort", "source", "--no-collapse"]);
    assert_eq!(code, 0, "{result}");
    let texts: Vec<&str> = hits(&result)
        .iter()
        .map(|hit| hit["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        [
            "Puede instalar algunos de estos paquetes haciendo:\n# apt-get install bsdgames fortunes-es",
            "Puede instalar algunos de estos paquetes haciendo:\n# apt-get install bsdgames",
            "Puede instalar algunos de estos paquetes haciendo:\napt-get install bsdgames",
        ],
        "{result}"
    );
    let list = first_hit(&fixture, "configurarlos");
    assert_eq!(
        list["text"],
        "Para configurarlos, edite:\n/etc/juegos.conf\n~/.juegosrc"
    );
    assert_eq!(list["section"], "Juegos");
    assert_eq!(list["paragraph"], 2);
    let (_, after) = fixture.search("luego", &["--all", "--no-collapse"]);
    assert_eq!(hits(&after).len(), 3, "{after}");
}
