//! Messy files: each bad one is named in a warning, the others are indexed.

mod common;

use common::*;
use serde_json::json;

#[test]
fn bad_files_are_skipped_with_a_warning_and_the_rest_is_indexed() {
    let fixture = Fixture::new();
    fixture
        .file("good.txt", "Nariño is a department of Colombia.\n")
        .file("empty.txt", "")
        .file("binary.txt", b"\x00\x01\x02binary\x00junk")
        .file(
            "latin1.txt",
            b"Nari\xf1o in Latin-1, decoded as Windows-1252.\n",
        )
        .file(".hidden.txt", "secretword in a hidden file.\n")
        .file(".git/notes.txt", "secretword in a hidden folder.\n")
        .file(
            "__MACOSX/notes.txt",
            "secretword where the Finder unzips.\n",
        )
        .file("report.pdf", "secretword in a broken PDF.\n")
        .file("image.gif", "secretword in an unsupported type.\n")
        .file(
            "deep/nested/note.md",
            "# Heading\n\nNariño again, nested.\n",
        );
    let out = fixture.index_with(&["--format", "json"]);
    let report = index_report(&out);
    let warnings = stderr(&out);
    assert!(
        warnings
            .lines()
            .any(|l| l.contains("binary.txt") && l.contains("binary")),
        "{warnings}"
    );
    assert!(
        warnings
            .lines()
            .any(|l| l.contains("report.pdf") && l.contains("skipped")),
        "{warnings}"
    );
    assert_eq!(warnings.lines().count(), 2, "{warnings}");
    assert_eq!(
        report["files"],
        json!({"text": 3, "markdown": 1}),
        "{report}"
    );
    assert_eq!(
        report["skipped"],
        json!({"binary": 1, "malformed": 1}),
        "{report}"
    );
    // The GIF is counted as a file of another type; hidden files are not.
    assert_eq!(report["ignored"], json!({".gif": 1}), "{report}");

    let (_, result) = fixture.search("narino", &[]);
    let mut sources: Vec<&str> = hits(&result)
        .iter()
        .map(|h| h["source"].as_str().unwrap())
        .collect();
    sources.sort();
    assert_eq!(sources, ["deep/nested/note.md", "good.txt", "latin1.txt"]);
    assert_eq!(fixture.search("secretword", &[]).0, 1);
    assert_eq!(fixture.search("binary OR junk", &[]).0, 1);
}

#[test]
fn file_names_cannot_inject_terminal_escapes_into_warnings() {
    let fixture = Fixture::new();
    fixture.file("ev\x1b[2Jil\nname.txt", b"\x00binary");
    let out = fixture.index();
    let warnings = stderr(&out);
    assert!(!warnings.contains('\x1b'), "{warnings:?}");
    assert_eq!(warnings.lines().count(), 1, "{warnings:?}");
    assert!(warnings.contains("ev [2Jil name.txt"), "{warnings:?}");
}

#[test]
fn two_names_that_read_alike_once_not_utf8_are_one_source_and_a_warning() {
    use std::os::unix::ffi::OsStrExt;
    let fixture = Fixture::new();
    fixture.file("keep.txt", "kwazzle kept.\n");
    let corpus = fixture.corpus();
    let write = |byte: u8, text: &str| {
        let name = [b'x', byte, b'.', b't', b'x', b't'];
        std::fs::write(corpus.join(std::ffi::OsStr::from_bytes(&name)), text).unwrap();
    };
    let found = || {
        let (_, result) = fixture.search("kwazzle", &["--no-collapse", "--all"]);
        let mut texts: Vec<String> = hits(&result)
            .iter()
            .map(|hit| hit["text"].as_str().unwrap().to_string())
            .collect();
        texts.sort();
        texts
    };
    // Indexed first; then a file whose name reads alike, listed before it.
    write(0xff, "kwazzle two.\n");
    fixture.index_report(&[]);
    write(0xfe, "kwazzle one.\n");
    let report = fixture.index_report(&[]);
    assert_eq!(report["files_indexed"], 2, "{report}");
    assert_eq!(report["skipped"], json!({"undecodable": 1}), "{report}");
    assert_eq!(
        (report["unchanged"].as_u64(), report["updated"].as_u64()),
        (Some(2), Some(0)),
        "{report}"
    );
    let said = report["warnings"].to_string();
    assert!(
        said.contains(r#"its name \"x\\xFE.txt\" is not UTF-8 text and reads as"#)
            && said.contains("rename it"),
        "{said}"
    );
    assert_eq!(found(), ["kwazzle kept.", "kwazzle two."]);
    // Neither indexed: the one listed first is read.
    let fresh = Fixture::new();
    std::fs::rename(fixture.corpus(), fresh.corpus()).unwrap();
    let report = fresh.index_report(&[]);
    assert_eq!(report["skipped"], json!({"undecodable": 1}), "{report}");
}

#[test]
fn crlf_files_search_like_lf_files_and_no_carriage_return_reaches_the_text() {
    let fixture = Fixture::new();
    fixture.file("crlf.txt", "---\r\ntitle: Windows file\r\n---\r\nFirst line\r\nwrapped.\r\n\r\n== Part ==\r\nSecond.\r\n");
    let (_, result) = fixture.search("first OR second", &[]);
    assert_eq!(result["total"], 2);
    for hit in hits(&result) {
        assert!(!hit["text"].as_str().unwrap().contains('\r'));
        assert_eq!(hit["title"], "Windows file");
    }
    assert_eq!(
        hits(&result)
            .iter()
            .find(|h| h["text"] == "Second.")
            .unwrap()["section"],
        "Part"
    );
    assert!(
        hits(&result)
            .iter()
            .any(|h| h["text"] == "First line wrapped.")
    );
}

#[test]
fn a_huge_single_line_is_split_into_capped_passages() {
    let fixture = Fixture::new();
    let mut line = String::new();
    let mut n = 0;
    while line.len() < 2_000_000 {
        line.push_str(&format!("Sentence {n} mentions the huge archive. "));
        n += 1;
    }
    line.push_str("The needle sits at the very end.");
    fixture.file("huge.txt", &line);
    let (code, result) = fixture.search("needle", &[]);
    assert_eq!(code, 0);
    let hit = &hits(&result)[0];
    assert!(hit["text"].as_str().unwrap().chars().count() <= 1000);
    let end = hit["byte_range"][1].as_u64().unwrap() as usize;
    assert_eq!(end, line.len(), "byte range points into the file");
    assert!(hit["part"].as_u64().unwrap() > 1000);
}

#[test]
fn a_file_of_one_enormous_word_does_not_break_indexing() {
    let fixture = Fixture::new();
    fixture.file("blob.txt", "x".repeat(300_000));
    fixture.file("ok.txt", "ordinary words\n");
    let out = fixture.index();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(fixture.search("ordinary", &[]).0, 0);
}

#[test]
fn typographic_quotes_and_utf8_bom_are_handled() {
    let fixture = Fixture::new();
    fixture.file(
        "bom.md",
        "\u{feff}---\ntitle: “Quoted” title\n---\nHe said “hola” and left.\n",
    );
    let (code, result) = fixture.search("\"said hola\"", &[]);
    assert_eq!(code, 0);
    let hit = &hits(&result)[0];
    assert_eq!(hit["title"], "“Quoted” title");
    assert_eq!(highlighted(hit), ["said “hola"]);
}

#[test]
fn utf32_and_a_few_stray_windows_1252_bytes_in_utf8_read_as_text() {
    let fixture = Fixture::new();
    let text = "Minutes of the Cartagena meeting.\n";
    for (name, order) in [
        ("le.txt", [0xff, 0xfe, 0, 0]),
        ("be.txt", [0, 0, 0xfe, 0xff]),
    ] {
        let mut bytes = order.to_vec();
        for c in text.chars() {
            let unit = u32::from(c);
            bytes.extend(if name == "le.txt" {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            });
        }
        fixture.file(name, bytes);
    }
    // A dash pasted from Windows into UTF-8 text.
    let mut mixed = "La revolución en Bogotá comenzó según los periódicos."
        .as_bytes()
        .to_vec();
    mixed.push(0x96);
    fixture.file("mixed.txt", mixed);
    let report = fixture.index_report(&[]);
    assert_eq!(report["warnings"], serde_json::json!([]), "{report}");
    assert_eq!(fixture.search("cartagena", &[]).1["total"], 2);
    let (_, result) = fixture.search("bogotá", &[]);
    assert_eq!(
        hits(&result)[0]["text"],
        "La revolución en Bogotá comenzó según los periódicos.–"
    );
}

#[test]
fn titles_fall_back_to_the_first_heading_or_line() {
    let fixture = Fixture::new();
    fixture.file("wiki.txt", "= Wiki Title =\n\nBody text alpha.\n");
    fixture.file("plain.txt", "Plain first line\n\nBody text beta.\n");
    let (_, result) = fixture.search("body", &["--limit", "10"]);
    let title_of = |source: &str| {
        hits(&result)
            .iter()
            .find(|h| h["source"] == source)
            .unwrap()["title"]
            .clone()
    };
    assert_eq!(title_of("wiki.txt"), "Wiki Title");
    assert_eq!(title_of("plain.txt"), "Plain first line");
}

#[test]
fn an_invalid_front_matter_date_is_a_warning_not_a_failure() {
    let fixture = Fixture::new();
    fixture.file("a.md", "---\ndate: 27/09/2025\n---\nVisa text.\n");
    let out = fixture.index();
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("a.md") && stderr(&out).contains("27/09/2025"));
    let (_, result) = fixture.search("visa", &[]);
    assert!(hits(&result)[0]["date"].is_null());
}

#[test]
fn rebuilding_replaces_the_previous_contents() {
    let fixture = Fixture::new();
    fixture.file("a.txt", "oldword here\n");
    assert_eq!(fixture.search("oldword", &[]).0, 0);
    std::fs::remove_file(fixture.corpus().join("a.txt")).unwrap();
    fixture.file("b.txt", "newword here\n");
    assert!(fixture.index().status.success());
    assert_eq!(fixture.search("oldword", &[]).0, 1);
    assert_eq!(fixture.search("newword", &[]).0, 0);
}

#[test]
fn a_page_saved_whole_is_its_html_without_its_folder_of_resources() {
    let fixture = Fixture::new();
    fixture.file(
        "prensa/Desplazados en Nariño.html",
        "<html><body><article><p>Cientos de desplazados llegaron a Tumaco.</p></article></body></html>",
    );
    // What the browser saved beside it: an ad's frame, a script.
    fixture.file(
        "prensa/Desplazados en Nariño_files/saved_resource.html",
        "<html><body><p>Créditos de libre inversión para desplazados.</p></body></html>",
    );
    fixture.file(
        "prensa/Desplazados en Nariño_files/app.js",
        "var desplazados = 1;",
    );
    fixture.file(
        "prensa/Informe.htm",
        "<html><body><p>Informe sobre desplazados en el Cauca.</p></body></html>",
    );
    fixture.file(
        "prensa/Informe_archivos/frame.html",
        "<html><body><p>Publicidad para desplazados.</p></body></html>",
    );
    // A folder of that shape without its page is a folder like any other.
    fixture.file("notas_files/nota.txt", "Nota sobre desplazados en Arauca.");
    assert_eq!(
        fixture.sources("desplazados"),
        [
            "notas_files/nota.txt",
            "prensa/Desplazados en Nariño.html",
            "prensa/Informe.htm"
        ]
    );
}
