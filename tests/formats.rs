//! Real-world archives: every supported format in one fixture folder,
//! indexed by the real binary.

mod common;

use common::*;
use serde_json::{Value, json};

#[test]
fn pdf_pages_are_extracted_with_their_page_numbers() {
    let fixture = Fixture::new();
    fixture.file(
        "report.pdf",
        pdf(
            &[
                "Informe sobre el Plan LAZO",
                "Blank middle page",
                "Page three mentions the counterinsurgency doctrine.",
            ],
            "Declassified report",
            "19640527120000Z",
        ),
    );
    let out = fixture.index();
    assert!(out.status.success(), "{}", stderr(&out));
    let (code, result) = fixture.search("counterinsurgency", &[]);
    assert_eq!(code, 0, "{}", stderr(&out));
    let hit = &hits(&result)[0];
    assert_eq!(hit["page"], 3);
    assert_eq!(hit["title"], "Declassified report");
    assert_eq!(hit["date"], "1964-05-27");
    assert_eq!(hit["date_origin"], "metadata");
    assert!(hit["byte_range"].is_null());
}

/// A PDF's `Author` is its author (found by a review: it was not read).
#[test]
fn a_pdf_names_its_author() {
    let fixture = Fixture::new();
    let plain = pdf(&["The authorword report."], "Report", "20200101000000Z");
    let at = plain
        .windows(8)
        .position(|window| window == b"/Title (")
        .unwrap();
    // The objects after it move: the table is rebuilt from their headers.
    let mut authored = plain.clone();
    authored.splice(at..at, b"/Author (Hydro Office) ".iter().copied());
    fixture.file("authored.pdf", &authored);
    let report = fixture.index_report(&[]);
    assert_eq!(report["files_indexed"], 1, "{report}");
    let (_, result) = fixture.search("authorword", &[]);
    assert_eq!(hits(&result)[0]["author"], "Hydro Office", "{result}");
}

#[test]
fn a_pdf_with_bytes_after_its_end_is_read() {
    let fixture = Fixture::new();
    // A download tool's or a mailer's padding after `%%EOF`.
    let mut padded = pdf(&["The zetaword memorandum."], "Padded", "20200101000000Z");
    padded.extend(std::iter::repeat_n(b'\0', 600));
    fixture.file("padded.pdf", padded);
    let report = fixture.index_report(&[]);
    assert_eq!(report["warnings"], serde_json::json!([]), "{report}");
    let (code, result) = fixture.search("zetaword", &[]);
    assert_eq!(code, 0);
    assert_eq!(hits(&result)[0]["page"], 1);
}

#[test]
fn a_page_the_text_extractor_fails_on_is_a_warning_and_the_other_pages_are_read() {
    let fixture = Fixture::new();
    let first: &[(i32, &str)] = &[(700, "The zetaword memorandum.")];
    let third: &[(i32, &str)] = &[(700, "A third page about quintword.")];
    // A colour space named by a number: the extractor stops on it.
    let broken = b"BT /F1 12 Tf 1 0 0 1 72 700 Tm (A lost page.) Tj ET 1 cs";
    fixture.file(
        "damaged.pdf",
        pdf_pages(
            &[
                PdfPage::Text(first, 12),
                PdfPage::Content(broken),
                PdfPage::Text(third, 12),
            ],
            "Damaged",
            "20200101000000Z",
        ),
    );
    let report = fixture.index_report(&["--no-ocr"]);
    assert_eq!(report["files_indexed"], 1, "{report}");
    let warnings = report["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{report}");
    assert_eq!(warnings[0]["source"], "damaged.pdf", "{report}");
    assert_eq!(
        warnings[0]["message"], "page 2: the PDF text extractor failed, not read",
        "{report}"
    );
    for (word, page) in [("zetaword", 1), ("quintword", 3)] {
        let (code, result) = fixture.search(word, &[]);
        assert_eq!(code, 0, "{word}: {result}");
        assert_eq!(hits(&result)[0]["page"], page, "{result}");
    }
}

#[test]
fn a_pdf_whose_table_misses_its_objects_is_read_through_a_rebuilt_table() {
    // What mailers, text-mode transfers and hand edits leave: a line added
    // after the header (every offset shifted), a byte lost early on (every
    // offset after it), one entry of the table pointing elsewhere (the file
    // loads, the page is missing). Readers rebuild the table from the objects.
    let original = pdf(
        &["The zetaword memorandum.", "A second page about quintword."],
        "Shifted",
        "20200101000000Z",
    );
    let at = |needle: &[u8]| {
        original
            .windows(needle.len())
            .position(|window| window == needle)
            .unwrap()
    };
    let splice =
        |from: usize, to: usize, with: &[u8]| [&original[..from], with, &original[to..]].concat();
    let header_end = at(b"\n") + 1;
    let catalog_space = at(b"<< /Type /Catalog") + 2;
    // Entries are 20 bytes, one per object from 0, after the `0 N` line;
    // object 8 is page 2.
    let table = at(b"xref\n") + 5;
    let entries = table + original[table..].iter().position(|&b| b == b'\n').unwrap() + 1;
    let second_page_entry = entries + 20 * 8;
    assert_eq!(
        &original[second_page_entry + 10..second_page_entry + 18],
        b" 00000 n"
    );
    let variants = [
        (
            "added_line.pdf",
            splice(header_end, header_end, b"% a line added\n"),
        ),
        (
            "lost_byte.pdf",
            splice(catalog_space, catalog_space + 1, b""),
        ),
        (
            "wrong_entry.pdf",
            splice(second_page_entry, second_page_entry + 10, b"0000000009"),
        ),
    ];
    let fixture = Fixture::new();
    for (name, bytes) in &variants {
        fixture.file(name, bytes.clone());
    }
    let report = fixture.index_report(&[]);
    assert_eq!(report["warnings"], serde_json::json!([]), "{report}");
    for (name, _) in &variants {
        let (_, result) = fixture.search(&format!("quintword source:{name}"), &[]);
        assert_eq!(result["total"], 1, "{name}: {result:#}");
        assert_eq!(hits(&result)[0]["page"], 2, "{name}");
        assert_eq!(
            hits(&result)[0]["title"],
            "Shifted",
            "{name}: its Info is found"
        );
    }
}

const NEWS_PAGE: &str = r##"<!doctype html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Petro visa revoked – The Bogotá Ledger</title>
<meta property="og:title" content="U.S. revokes Petro&#8217;s visa after New York speech">
<meta property="og:site_name" content="The Bogotá Ledger">
<meta property="article:published_time" content="2025-09-27T18:04:00-05:00">
<link rel="canonical" href="https://ledger.example/2025/09/27/petro-visa">
<style>.x { color: red } stylechrome</style>
<script>window.analytics = "scriptchrome";</script>
</head><body>
<a class="skip-link" href="#content">Skip to content</a>
<header class="site-header"><nav><a href="/">Home</a><a href="/world">navchrome World</a></nav></header>
<div id="cookie-consent">We use cookies. cookiechrome <button>Accept</button></div>
<main id="content">
<article>
<h1>U.S. revokes Petro's visa</h1>
<p class="byline">By A. Reporter</p>
<p>NEW YORK &mdash; The State Department said it would revoke the visa of Colombian President Gustavo Petro after he urged soldiers to &ldquo;disobey Trump&rsquo;s order.&rdquo;</p>
<div class="share-bar">Share sharechrome on X</div>
<h2>Reaction in Bogotá</h2>
<p>Officials in Bogot&aacute; called the decision an affront.</p>
<p>Read more</p>
<form><input name="q"> formchrome</form>
</article>
<aside><h3>Most read</h3><ul><li>asidechrome story</li></ul></aside>
</main>
<footer><p>&copy; 2025 footerchrome Ledger</p></footer>
</body></html>"##;

const NOTE: &str = "---\ntitle: \"Field notes: Plan LAZO interviews\"\ndate: 2024-05-05\nsource: Personal archive\n---\n\n# Interviews\n\nIntro with a [link text](https://example.org/hidden-url-word) and *emphasis*.\n\n## Second meeting\n\n- veteran recalled the **operation**\n- dates were unclear\n\n```\ncode block line\n```\n";

const FEED: &str = concat!(
    r#"{"title":"Feed one","text":"First feed record about coca eradication.","published":"2025-10-01T08:00:00Z","source":"Feed Wire","url":"https://feed.example/1"}"#,
    "\n",
    "{this line is broken\n",
    r#"{"title":"Feed two","body":"Bogotá, 27 de septiembre de 2025. Second feed record about coca crops."}"#,
    "\n",
);

/// The messy archive, indexed once for the tests that only read it.
fn indexed_archive() -> &'static Fixture {
    static ARCHIVE: std::sync::OnceLock<Fixture> = std::sync::OnceLock::new();
    ARCHIVE.get_or_init(|| {
        let fixture = archive();
        let out = fixture.index();
        assert!(out.status.success(), "{}", stderr(&out));
        fixture
    })
}

fn archive() -> Fixture {
    let fixture = Fixture::new();
    fixture
        .file("web/petro-visa.html", NEWS_PAGE)
        .file("notes/interviews.md", NOTE)
        .file("feeds/wire.jsonl", FEED)
        .file(
            "reports/lazo.pdf",
            pdf(
                &["Informe sobre el Plan LAZO", "La doctrina de contrainsurgencia en la segunda pagina."],
                "Informe LAZO",
                "19640527120000Z",
            ),
        )
        .file("reports/scan.pdf", pdf(&[""], "Scanned", "20200101000000Z"))
        .file("legacy/cp1252.txt", b"Informe de Nari\xf1o\n\nEl alcalde de Nari\xf1o habl\xf3 del \x93conflicto\x94 armado.\n")
        // ISO-8859-15, as declared: a detector takes it for windows-1252,
        // whose byte A4 is "¤", not "€".
        .file("legacy/latin9.html", b"<html><head><meta charset=\"iso-8859-15\"><title>Billets \xe0 5 \xa4</title></head><body><p>Le billet co\xfbte 5 \xa4 \xe0 Paris.</p></body></html>")
        .file("junk/not-text.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
        .file("empty.txt", "")
        .file("windows/crlf.txt", "Dateline line\r\n\r\nBOGOTÁ, 3 de marzo de 2024 — Crlfword passage one.\r\nwrapped line.\r\n\r\nSecond crlf paragraph.\r\n")
        .file("big/one-line.txt", {
            let mut line = String::with_capacity(3_200_000);
            let mut n = 0;
            while line.len() < 3_000_000 {
                line.push_str(&format!("Sentence {n} of the long scraped line. "));
                n += 1;
            }
            line.push_str("Finalneedle closes it.");
            line
        })
        .file("ignored/skipme.txt", "ignoredword\n")
        .file(".gitignore", "ignored/\n");
    fixture
}

fn hit_of(fixture: &Fixture, query: &str) -> serde_json::Value {
    let (code, result) = fixture.search(query, &[]);
    assert_eq!(code, 0, "{query:?} found nothing");
    hits(&result)[0].clone()
}

#[test]
fn a_messy_archive_is_indexed_with_every_skip_named() {
    let fixture = archive();
    let out = fixture.index_with(&["--format", "json"]);
    let report = index_report(&out);
    let warnings = stderr(&out);
    for (file, reason) in [
        ("junk/not-text.txt", "binary"),
        ("reports/scan.pdf", "no text layer"),
        ("feeds/wire.jsonl", "line 2: malformed JSON"),
    ] {
        assert!(
            warnings.lines().any(|l| l.starts_with("cita: warning: ")
                && l.contains(file)
                && l.contains(reason)),
            "{file}: {warnings}"
        );
    }
    assert_eq!(
        report["files"],
        json!({"text": 4, "markdown": 1, "html": 2, "json": 1, "pdf": 1}),
        "{report}"
    );
    assert_eq!(report["files_indexed"], 9, "{report}");
    assert_eq!(
        report["skipped"],
        json!({"binary": 1, "no_text": 1}),
        "{report}"
    );
    // The broken feed line is a warning without a skip: the rest of the feed is read.
    let mut named: Vec<(&str, &Value)> = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| (w["source"].as_str().unwrap(), &w["reason"]))
        .collect();
    named.sort_by_key(|(source, _)| *source);
    assert_eq!(
        named,
        [
            ("feeds/wire.jsonl", &Value::Null),
            ("junk/not-text.txt", &json!("binary")),
            ("reports/scan.pdf", &json!("no_text")),
        ],
        "{report}"
    );
    // Hidden files (.gitignore) and ignored folders are left out without a word.
    assert_eq!(report["ignored"], json!({}), "{report}");
    assert_eq!(
        fixture.search("ignoredword", &[]).0,
        1,
        ".gitignore is honoured"
    );
}

#[test]
fn files_of_other_types_are_counted_by_extension_and_not_indexed() {
    let fixture = Fixture::new();
    fixture
        .file("notes.txt", "Otherword in a text file.\n")
        .file("sheets/one.xlsx", "Otherword in a spreadsheet.\n")
        .file("sheets/TWO.XLSX", "Otherword in a spreadsheet.\n")
        .file("letters/draft.rtf", "Otherword in a rich text file.\n")
        .file("README", "Otherword in a file without extension.\n")
        .file(".DS_Store", "Otherword in a hidden file.\n");
    let report = fixture.index_report(&[]);
    // By extension, lowercase with its dot; hidden files are not counted.
    assert_eq!(
        report["ignored"],
        json!({".xlsx": 2, ".rtf": 1, "no extension": 1}),
        "{report}"
    );
    assert_eq!(report["files"], json!({"text": 1}), "{report}");
    assert_eq!(report["files_read"], 1, "{report}");
    assert_eq!(report["skipped"], json!({}), "{report}");
    assert_eq!(report["warnings"], json!([]), "{report}");
    assert_eq!(fixture.sources("otherword"), ["notes.txt"]);
}

#[test]
fn html_keeps_the_article_and_its_metadata_and_drops_the_chrome() {
    let fixture = indexed_archive();
    let hit = hit_of(fixture, "\"disobey Trump's order\"");
    assert_eq!(hit["source"], "web/petro-visa.html");
    assert_eq!(
        hit["title"],
        "U.S. revokes Petro’s visa after New York speech"
    );
    assert_eq!(hit["publication"], "The Bogotá Ledger");
    assert_eq!(hit["url"], "https://ledger.example/2025/09/27/petro-visa");
    assert_eq!(hit["date"], "2025-09-27");
    assert_eq!(hit["date_origin"], "metadata");
    assert_eq!(hit_of(fixture, "affront")["section"], "Reaction in Bogotá");
    for chrome in [
        "stylechrome",
        "scriptchrome",
        "navchrome",
        "cookiechrome",
        "sharechrome",
        "formchrome",
        "asidechrome",
        "footerchrome",
    ] {
        assert_eq!(
            fixture.search(chrome, &[]).0,
            1,
            "{chrome} must not be searchable"
        );
    }
    let (_, skip) = fixture.search("\"skip to content\" OR \"read more\"", &[]);
    assert_eq!(skip["total"], 0);
}

#[test]
fn an_old_cms_page_gives_its_paragraphs_and_says_its_date_is_unread() {
    let fixture = Fixture::new();
    // Text set with line breaks instead of paragraphs, dated day first.
    fixture.file(
        "semana.html",
        "<html lang=\"es\"><head><meta name=\"date\" content=\"12/03/1964\"></head><body>\
         <div>Bogot\u{e1}, marzo 12 de 1964. El ministro habl\u{f3} del Plan LAZO.<br><br>\
         La segunda nota trata de la visa revocada.</div></body></html>",
    );
    let report = fixture.index_report(&[]);
    let warnings = report["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{report}");
    assert_eq!(warnings[0]["source"], "semana.html", "{report}");
    assert_eq!(
        warnings[0]["message"],
        "its <meta name=\"date\"> \"12/03/1964\" is not a date cita reads (use YYYY-MM-DD); ignored",
        "{report}"
    );
    let hit = hit_of(&fixture, "\"Plan LAZO\"");
    assert_eq!(
        hit["text"], "Bogot\u{e1}, marzo 12 de 1964. El ministro habl\u{f3} del Plan LAZO.",
        "{hit}"
    );
    assert_eq!(
        (&hit["date"], &hit["date_origin"]),
        (&json!("1964-03-12"), &json!("text"))
    );
    assert_eq!(hit_of(&fixture, "visa")["paragraph"], 2);
}

#[test]
fn markdown_notes_give_sections_and_text_without_syntax() {
    let fixture = indexed_archive();
    let hit = hit_of(fixture, "emphasis");
    assert_eq!(hit["title"], "Field notes: Plan LAZO interviews");
    assert_eq!(hit["publication"], "Personal archive");
    assert_eq!(hit["date"], "2024-05-05");
    assert_eq!(hit["section"], "Interviews");
    assert_eq!(hit["text"], "Intro with a link text and emphasis.");
    assert_eq!(
        fixture.search("hidden url word", &[]).0,
        1,
        "link URLs are not text"
    );
    let list = hit_of(fixture, "veteran");
    assert_eq!(list["section"], "Second meeting");
    assert_eq!(
        list["text"],
        "veteran recalled the operation\ndates were unclear"
    );
    assert_eq!(
        hit_of(fixture, "\"code block line\"")["text"],
        "code block line"
    );
}

#[test]
fn json_lines_records_are_documents_with_their_line_numbers() {
    let fixture = indexed_archive();
    let first = hit_of(fixture, "eradication");
    assert_eq!(first["source"], "feeds/wire.jsonl");
    assert_eq!(first["record"], 1);
    assert_eq!(first["title"], "Feed one");
    assert_eq!(first["publication"], "Feed Wire");
    assert_eq!(first["date"], "2025-10-01");
    let second = hit_of(fixture, "crops");
    assert_eq!(second["record"], 3);
    assert_eq!(second["date"], "2025-09-27");
    assert_eq!(second["date_origin"], "text");
    assert_ne!(first["id"], second["id"]);
}

#[test]
fn pdfs_know_their_pages_and_legacy_encodings_are_decoded() {
    let fixture = indexed_archive();
    let page = hit_of(fixture, "contrainsurgencia");
    assert_eq!(page["page"], 2);
    assert_eq!(page["title"], "Informe LAZO");
    assert_eq!(page["date"], "1964-05-27");
    let legacy = hit_of(fixture, "narino conflicto");
    assert_eq!(legacy["source"], "legacy/cp1252.txt");
    assert_eq!(
        legacy["text"],
        "El alcalde de Nariño habló del “conflicto” armado."
    );
    assert_eq!(legacy["title"], "Informe de Nariño");
    assert!(
        legacy["byte_range"].is_null(),
        "decoded text has no file byte offsets"
    );
    assert!(legacy["page"].is_null() && legacy["record"].is_null());
    let declared = hit_of(fixture, "billet paris");
    assert_eq!(declared["source"], "legacy/latin9.html");
    assert_eq!(declared["text"], "Le billet coûte 5 € à Paris.");
    assert_eq!(declared["title"], "Billets à 5 €");
}

#[test]
fn crlf_text_and_dates_inferred_from_a_dateline() {
    let fixture = indexed_archive();
    let hit = hit_of(fixture, "crlfword");
    assert_eq!(
        hit["text"],
        "BOGOTÁ, 3 de marzo de 2024 — Crlfword passage one. wrapped line."
    );
    assert_eq!(hit["date"], "2024-03-03");
    assert_eq!(hit["date_origin"], "text");
    let (_, undated) = fixture.search("\"Informe de Nariño\"", &[]);
    assert!(hits(&undated)[0]["date"].is_null() && hits(&undated)[0]["date_origin"].is_null());
}

#[test]
fn colombian_rulings_are_dated_by_their_datelines_in_the_legal_form_and_after_headnotes() {
    let fixture = Fixture::new();
    // The day and the year in words, then in brackets; later, the dates
    // the ruling cites.
    fixture.file(
        "t-025-04.txt",
        "Sentencia T-025/04\n\nReferencia: expediente T-653010 y acumulados\n\n\
         Bogotá, D.C., veintidós (22) de enero de dos mil cuatro (2004).\n\n\
         El Decreto 2569 del 12 de diciembre de 2000 reglamentó la ley sobre el desplazamiento.\n",
    );
    // A dateline past the first 300 bytes, after the headnotes, and a
    // deadline the ruling sets later.
    fixture.file(
        "t-760-08.txt",
        "Sentencia T-760/08\n\nDERECHO A LA SALUD-Fundamental autónomo\n\n\
         DESPLAZAMIENTO FORZADO-Protección reforzada de la población desplazada en materia de salud\n\n\
         ACCION DE TUTELA-Procedencia para proteger el derecho a la salud de personas desplazadas \
         por la violencia en el marco del conflicto armado interno\n\n\
         Magistrado Ponente: Dr. MANUEL JOSÉ CEPEDA ESPINOSA\n\n\
         Bogotá, D.C., treinta y uno (31) de julio de dos mil ocho (2008).\n\n\
         La Sala ordenará unificar los planes de beneficios a más tardar el 1 de octubre de 2009.\n",
    );
    for (query, date) in [("reglamentó", "2004-01-22"), ("beneficios", "2008-07-31")] {
        let hit = hit_of(&fixture, query);
        assert_eq!(
            (&hit["date"], &hit["date_origin"]),
            (&json!(date), &json!("text")),
            "{hit}"
        );
    }
}

#[test]
fn a_multi_megabyte_single_line_is_cut_into_capped_passages() {
    let fixture = indexed_archive();
    let hit = hit_of(fixture, "finalneedle");
    assert_eq!(hit["source"], "big/one-line.txt");
    assert!(hit["text"].as_str().unwrap().chars().count() <= 1000);
    assert!(hit["part"].as_u64().unwrap() > 2000);
}

#[test]
fn exclude_globs_and_strict_mode() {
    let fixture = archive();
    let out = fixture.index_with(&["--exclude", "*.pdf", "--exclude", "junk/**", "--strict"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "nothing left to skip: {}",
        stderr(&out)
    );
    assert_eq!(
        fixture.search("contrainsurgencia", &[]).0,
        1,
        "excluded PDFs are not indexed"
    );
    let strict = fixture.index_with(&["--strict"]);
    assert_eq!(strict.status.code(), Some(2));
    assert!(
        stderr(&strict)
            .lines()
            .last()
            .unwrap()
            .contains("2 files were skipped (--strict)")
    );
    assert_eq!(
        fixture.search("contrainsurgencia", &[]).0,
        0,
        "the rest is indexed before the error"
    );
    let bad_glob = fixture.index_with(&["--exclude", "a[b"]);
    assert_eq!(bad_glob.status.code(), Some(2));
    assert!(stderr(&bad_glob).contains("--exclude"));
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_dangling_links_are_warnings() {
    let fixture = Fixture::new();
    fixture.file("real/a.txt", "Looped words.\n");
    std::os::unix::fs::symlink(fixture.corpus(), fixture.corpus().join("real/loop")).unwrap();
    std::os::unix::fs::symlink(
        fixture.corpus().join("missing.txt"),
        fixture.corpus().join("dangling.txt"),
    )
    .unwrap();
    let out = fixture.index();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let warnings = stderr(&out);
    assert!(warnings.contains("loop"), "{warnings}");
    assert!(warnings.contains("dangling.txt"), "{warnings}");
    let (_, result) = fixture.search("looped", &[]);
    assert_eq!(result["total"], 1);

    // A loop leaves no file out: `--strict` does not fail on it alone.
    let looped = Fixture::new();
    looped.file("real/a.txt", "Looped words.\n");
    std::os::unix::fs::symlink(looped.corpus(), looped.corpus().join("real/loop")).unwrap();
    // Links that lead to each other, or to themselves, lead to no file:
    // loops too (they were unreadable files, and `--strict` failed).
    let links = looped.corpus().join("links");
    std::fs::create_dir(&links).unwrap();
    std::os::unix::fs::symlink("self.txt", links.join("self.txt")).unwrap();
    std::os::unix::fs::symlink("b.txt", links.join("a.txt")).unwrap();
    std::os::unix::fs::symlink("./a.txt", links.join("b.txt")).unwrap();
    // Through their folders: spelt longer at each step, yet the same links.
    let (d, e) = (looped.corpus().join("d"), looped.corpus().join("e"));
    std::fs::create_dir(&d).unwrap();
    std::fs::create_dir(&e).unwrap();
    std::os::unix::fs::symlink("../d/s.txt", d.join("s.txt")).unwrap();
    std::os::unix::fs::symlink("../e/l.txt", d.join("l.txt")).unwrap();
    std::os::unix::fs::symlink("../d/l.txt", e.join("l.txt")).unwrap();
    let strict = looped.index_with(&["--strict", "--format", "json"]);
    let report = index_report(&strict);
    assert_eq!(strict.status.code(), Some(0), "{report}");
    assert_eq!(report["skipped"], json!({}), "{report}");
    let warned: Vec<&str> = (report["warnings"].as_array().unwrap().iter())
        .filter(|warning| warning["message"].as_str().unwrap().contains("loop"))
        .map(|warning| warning["source"].as_str().unwrap())
        .collect();
    assert_eq!(warned.len(), 7, "{report}");
    for link in [
        "links/a.txt",
        "links/b.txt",
        "links/self.txt",
        "d/s.txt",
        "d/l.txt",
        "e/l.txt",
    ] {
        assert!(warned.contains(&link), "{link}: {report}");
    }
}

/// The lead-in and the command of the Debian Reference's example.
const LEAD_IN: &str = "Puede instalar algunos de estos paquetes haciendo:";
const COMMAND: &str = "# apt-get install bsdgames fortunes-es";

#[test]
fn a_lead_in_and_the_command_it_announces_are_one_hit_in_text_markdown_and_html() {
    let fixture = Fixture::new();
    let text = format!("Juegos\n======\n\n{LEAD_IN}\n\n    {COMMAND}\n\nLuego ejecute fortune.\n");
    fixture
        .file("a.txt", &text)
        .file("b-crlf.txt", text.replace('\n', "\r\n"))
        .file(
            "c.md",
            format!("# Juegos\n\n{LEAD_IN}\n\n```\n{COMMAND}\n```\n\nLuego ejecute fortune.\n"),
        )
        .file(
            "d.html",
            format!(
                "<html><body><h1>Juegos</h1><p>{LEAD_IN}</p>\n<pre class=\"screen\">\n{COMMAND}\n</pre>\n<p>Luego ejecute fortune.</p></body></html>"
            ),
        );
    // The four files hold the same passage: every copy is shown.
    let (code, result) =
        fixture.search("instalar", &["--all", "--sort", "source", "--no-collapse"]);
    assert_eq!(code, 0, "{result}");
    let found = hits(&result);
    let sources: Vec<&str> = found
        .iter()
        .map(|h| h["source"].as_str().unwrap())
        .collect();
    assert_eq!(
        sources,
        ["a.txt", "b-crlf.txt", "c.md", "d.html"],
        "{result}"
    );
    // The command finds the same passages.
    let (_, by_command) =
        fixture.search("bsdgames", &["--all", "--sort", "source", "--no-collapse"]);
    assert_eq!(hits(&by_command).len(), 4, "{by_command}");
    for (hit, same) in found.iter().zip(hits(&by_command)) {
        assert_eq!(hit["text"], format!("{LEAD_IN}\n{COMMAND}"), "{hit}");
        assert!(
            hit["snippet"].as_str().unwrap().contains("bsdgames"),
            "{hit}"
        );
        assert_eq!(hit["section"], "Juegos", "{hit}");
        assert_eq!(hit["paragraph"], 1, "{hit}");
        assert_eq!(same["id"], hit["id"]);
    }
    // Byte ranges span the lead-in and the command in the file's own bytes.
    for (hit, body) in found.iter().zip([&text, &text.replace('\n', "\r\n")]) {
        let range = &hit["byte_range"];
        let (start, end) = (
            range[0].as_u64().unwrap() as usize,
            range[1].as_u64().unwrap() as usize,
        );
        assert!(body[start..end].starts_with(LEAD_IN) && body[start..end].ends_with(COMMAND));
    }
    // The paragraph after the command is a passage of its own, the next one.
    let (_, after) = fixture.search("luego", &["--all", "--no-collapse"]);
    assert_eq!(hits(&after).len(), 4, "{after}");
    for hit in hits(&after) {
        assert_eq!(hit["text"], "Luego ejecute fortune.", "{hit}");
        assert_eq!(hit["paragraph"], 2, "{hit}");
    }
}

/// A declassified cable as its archive gives it in plain text: stamped,
/// a header of labelled lines, numbered paragraphs in capitals wrapped at
/// about 60 columns.
const CABLE: &str = "CONFIDENTIAL\n\nDEPARTMENT OF STATE\nINCOMING TELEGRAM\n\n\
                     DATE: MARCH 14, 1962\nFROM: AMEMBASSY BOGOTA\nTO: SECSTATE WASHDC\n\
                     SUBJECT: PLAN LAZO - COUNTERINSURGENCY SURVEY\n\n\
                     1. GENERAL YARBOROUGH AND SURVEY TEAM COMPLETED VISIT TO\n\
                     COLOMBIAN ARMY INSTALLATIONS. TEAM RECOMMENDS REORGANIZATION\n\
                     ALONG LINES OF WHAT COLOMBIANS NOW CALL \"PLAN LAZO\".\n\n\
                     2. MINISTER OF WAR AGREES IN PRINCIPLE. EMBASSY BELIEVES\n\
                     IMPLEMENTATION WILL REQUIRE SUBSTANTIAL MAP ASSISTANCE DURING\n\
                     FY 1963.\n\nDISTRIBUTION:\n1. AMBASSADOR\n2. DCM\nPOL\nFILES\n";

#[test]
fn cables_keep_their_wrapped_paragraphs_and_memos_their_subjects_and_numeric_dates() {
    let fixture = Fixture::new();
    fixture
        .file("cable.txt", CABLE)
        .file("cable-crlf.txt", CABLE.replace('\n', "\r\n"))
        // Colombian offices date memos day first; the memo cites older dates.
        .file(
            "memo.txt",
            "MEMORANDO INTERNO 014\n\nFecha: 03/02/2025\nPara: Dirección de Archivo\n\
             Asunto: Copias de los cables sobre el Plan LAZO\n\n\
             Se adjuntan copias de los cables del 14 de marzo de 1962 y del 2 de junio de 1964.\n",
        )
        // Nothing tells which of 03 and 02 is the day: undated, not dated
        // by the date it cites.
        .file(
            "ambiguous.txt",
            "MEMORANDUM\n\nDate: 03/02/2025\nSubject:\n\n\
             Ambiguousword copies of the cable of 14 March 1962 are attached.\n",
        )
        // A ruling's reference line does not title it.
        .file(
            "t-025-04.txt",
            "Sentencia T-025/04\n\nReferencia: expediente T-653010 y acumulados\n\n\
             Rulingword sobre el desplazamiento forzado.\n",
        )
        .file(
            "oficio.txt",
            "OFICIO\n\nREF: Solicitud de copias del Plan LAZO\n\nOficioword de la Dirección.\n",
        )
        // An oficio addresses its reader before its subject.
        .file(
            "oficio-señor.txt",
            "OFICIO No. 0123\n\nBogotá D.C.\n\nSeñor\nJuan Pérez Gómez\nCalle 26 No. 13-19\nCiudad\n\n\
             Asunto: Respuesta al derecho de petición\n\nSenorword respetado señor.\n",
        )
        // A cable's reference line names the cables it answers.
        .file(
            "cable-ref.txt",
            "CONFIDENTIAL\n\nDEPARTMENT OF STATE\nINCOMING TELEGRAM\n\nREF: DEPTEL 567; BOGOTA 1190\n\n\
             1. REFWORD EMBASSY CONCURS.\n",
        )
        // Cables often date themselves with a year of two digits.
        .file(
            "cable-62.txt",
            "UNCLASSIFIED\n\nDATE: 14 MAR 62\nFROM: AMEMBASSY BOGOTA\n\
             SUBJECT: SURVEY TEAM ARRIVAL\n\n1. SHORTDATEWORD TEAM ARRIVED.\n",
        )
        // British English writes the day first.
        .file(
            "uk.txt",
            "---\nlang: en-GB\n---\nMEMORANDUM\n\nDate: 03/02/2025\n\nBritishword copies attached.\n",
        );
    let report = fixture.index_report(&[]);
    let warnings: Vec<String> = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            format!(
                "{} {}",
                w["source"].as_str().unwrap(),
                w["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(warnings.len(), 1, "{report}");
    assert!(
        warnings[0].contains("ambiguous.txt")
            && warnings[0].contains("\"Date: 03/02/2025\" could be 3/2 or 2/3")
            && warnings[0].contains("left undated"),
        "{warnings:?}"
    );
    // The paragraphs' phrases across their line breaks are found, in both
    // files, and the item's lines are kept.
    for phrase in [
        "\"reorganization along lines\"",
        "\"embassy believes implementation\"",
        "\"visit to colombian army\"",
    ] {
        let (code, result) = fixture.search(phrase, &["--no-collapse"]);
        assert_eq!(
            (code, &result["total"]),
            (0, &json!(2)),
            "{phrase}: {result}"
        );
    }
    let (_, result) = fixture.search(
        "\"assistance during fy 1963\"",
        &["--no-collapse", "--sort", "source"],
    );
    for hit in hits(&result) {
        assert_eq!(
            hit["text"],
            "2. MINISTER OF WAR AGREES IN PRINCIPLE. EMBASSY BELIEVES\n\
             IMPLEMENTATION WILL REQUIRE SUBSTANTIAL MAP ASSISTANCE DURING\nFY 1963.",
            "{hit}"
        );
        assert_eq!(
            hit["title"], "PLAN LAZO - COUNTERINSURGENCY SURVEY",
            "{hit}"
        );
        assert_eq!(hit["date"], "1962-03-14", "{hit}");
    }
    // The short items of the distribution list are not wrapped lines.
    let (_, result) = fixture.search("ambassador", &["--no-collapse"]);
    assert_eq!(
        hits(&result)[0]["text"],
        "DISTRIBUTION:\n1. AMBASSADOR\n2. DCM",
        "{result}"
    );
    let memo = hit_of(&fixture, "adjuntan");
    assert_eq!(
        (&memo["title"], &memo["date"], &memo["date_origin"]),
        (
            &json!("Copias de los cables sobre el Plan LAZO"),
            &json!("2025-02-03"),
            &json!("text")
        ),
        "{memo}"
    );
    let (code, _) = fixture.search("adjuntan", &["--since", "2025"]);
    assert_eq!(code, 0);
    let ambiguous = hit_of(&fixture, "ambiguousword");
    assert_eq!(
        (&ambiguous["title"], &ambiguous["date"]),
        (&json!("MEMORANDUM"), &json!(null)),
        "{ambiguous}"
    );
    for (word, title) in [
        ("rulingword", "Sentencia T-025/04"),
        ("oficioword", "Solicitud de copias del Plan LAZO"),
        ("senorword", "Respuesta al derecho de petición"),
        ("refword", "DEPARTMENT OF STATE INCOMING TELEGRAM"),
    ] {
        assert_eq!(hit_of(&fixture, word)["title"], title);
    }
    assert_eq!(hit_of(&fixture, "britishword")["date"], "2025-02-03");
    let cable = hit_of(&fixture, "shortdateword");
    assert_eq!(
        (&cable["title"], &cable["date"]),
        (&json!("SURVEY TEAM ARRIVAL"), &json!("1962-03-14")),
        "{cable}"
    );
}

/// A researcher's note pastes its article's byline and capitalises its
/// keys: `Author: Por María Jimena Duzán` is her, as the web page's
/// `Por María Jimena Duzán` byline is (one writer was two authors in the
/// facet and `--author` found one of her documents), and `Title:` and
/// `Date:` are read (they were ignored, silently).
#[test]
fn front_matter_keys_in_any_case_and_a_pasted_byline_name_the_author() {
    let fixture = Fixture::new();
    fixture.file(
        "nota.md",
        "---\nTitle: Las negociaciones de paz\nDate: 2021-01-01\nAuthor: Por María Jimena Duzán\n---\n\nNotaword sobre las negociaciones.\n",
    );
    fixture.file(
        "columna.html",
        "<html lang=\"es\"><head><title>Columna</title><meta name=\"author\" content=\"Por María Jimena Duzán\"></head><body><p>Columnaword sobre las negociaciones.</p></body></html>",
    );
    let note = hit_of(&fixture, "notaword");
    assert_eq!(
        (&note["title"], &note["date"], &note["author"]),
        (
            &json!("Las negociaciones de paz"),
            &json!("2021-01-01"),
            &json!("María Jimena Duzán")
        ),
        "{note}"
    );
    assert_eq!(
        hit_of(&fixture, "columnaword")["author"],
        "María Jimena Duzán"
    );
    let (_, hers) = fixture.search("negociaciones", &["--author", "María Jimena Duzán"]);
    assert_eq!(hers["total"], 2, "{hers}");
    // A byline's word before one name is part of the name.
    fixture.file(
        "novela.md",
        "---\nauthor: Par Lagerkvist\n---\n\nNovelaword sobre Barrabás.\n",
    );
    assert!(fixture.index().status.success());
    assert_eq!(hit_of(&fixture, "novelaword")["author"], "Par Lagerkvist");
}
