//! Scans read by OCR with the real Tesseract: images, image-only PDFs and
//! PDFs with both typed and scanned pages. The scans are made here: text
//! rendered by `pdftoppm` from a PDF in large print, saved as a PNG or
//! embedded as an image in a PDF without text. Needs Debian's
//! `tesseract-ocr`, `tesseract-ocr-eng`, `tesseract-ocr-spa` and
//! `poppler-utils`, installed on first need ([`common::ensure_tesseract`]).

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::*;
use serde_json::Value;

/// The one hit of `query`, failing if there is not exactly one.
fn only_hit(fixture: &Fixture, query: &str) -> Value {
    let (_, result) = fixture.search(query, &[]);
    let found = hits(&result);
    assert_eq!(found.len(), 1, "{query}: {result}");
    found[0].clone()
}

/// The report of `cita index --format json EXTRA…` run with `path` as its
/// PATH: the programs OCR finds there are the only ones it has.
fn index_report_with_path(fixture: &Fixture, path: &Path, extra: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_cita"))
        .args(["index", "--format", "json", "--corpus"])
        .arg(fixture.corpus())
        .arg("--index")
        .arg(fixture.index_path())
        .args(extra)
        .env("PATH", path)
        .output()
        .unwrap();
    index_report(&out)
}

/// A hit read by OCR: marked so, with a confidence out of 100.
fn assert_ocr(hit: &Value) {
    assert_eq!(hit["extraction"], "ocr", "{hit}");
    let confidence = hit["ocr_confidence"].as_u64().expect("a confidence");
    assert!((1..=100).contains(&confidence), "{hit}");
}

#[test]
fn a_png_scan_is_read_by_ocr() {
    ensure_tesseract();
    let fixture = Fixture::new();
    fixture.file(
        "scan.png",
        scan_png("The embassy cable names\nthe Guayabero operation."),
    );
    let hit = only_hit(&fixture, "embassy");
    assert_eq!(hit["source"], "scan.png");
    assert!(has_word(&hit, "guayabero"), "{hit}");
    // A single image has no page to cite.
    assert_eq!(hit["page"], Value::Null, "{hit}");
    assert_ocr(&hit);
}

#[test]
fn a_spanish_scan_is_found_without_its_accents() {
    ensure_tesseract();
    let fixture = Fixture::new();
    fixture.file(
        "informe.png",
        scan_png("Informe sobre la operación\nMarquetalia de mayo."),
    );
    // Under `eng+spa` Tesseract may read `operacion`, under `spa` alone
    // `operación`: either way both spellings find it.
    let hit = only_hit(&fixture, "operacion");
    assert_eq!(only_hit(&fixture, "operación")["id"], hit["id"]);
    assert!(has_word(&hit, "marquetalia"), "{hit}");
    assert_ocr(&hit);
}

#[test]
fn a_pdf_with_typed_and_scanned_pages_gives_both() {
    ensure_tesseract();
    let fixture = Fixture::new();
    let annex = scan_gray("Scanned annex about\nthe Riochiquito column.");
    let second = scan_gray("A second annex names\nthe Pato river.");
    let letter = [(700, "A typed cover letter about Marquetalia.")];
    fixture.file(
        "mixed.pdf",
        pdf_pages(
            &[
                PdfPage::Text(&letter, 12),
                PdfPage::Scan(&annex),
                PdfPage::Scan(&second),
            ],
            "Mixed",
            "20200101000000Z",
        ),
    );
    fixture.file(
        "scans-only.pdf",
        pdf_pages(&[PdfPage::Scan(&annex)], "Scan", "20200101000000Z"),
    );
    let typed = only_hit(&fixture, "Marquetalia");
    assert_eq!(typed["page"], 1, "{typed}");
    assert_eq!(typed["extraction"], Value::Null, "{typed}");
    assert_eq!(typed["ocr_confidence"], Value::Null, "{typed}");

    let (_, result) = fixture.search("Riochiquito", &["--sort", "source"]);
    let found = hits(&result);
    let pages: Vec<(&str, &Value)> = found
        .iter()
        .map(|hit| (hit["source"].as_str().unwrap(), &hit["page"]))
        .collect();
    assert_eq!(
        pages,
        [
            ("mixed.pdf", &Value::from(2)),
            ("scans-only.pdf", &Value::from(1))
        ],
        "{result}"
    );
    found.iter().for_each(assert_ocr);

    let river = only_hit(&fixture, "\"Pato river\"");
    assert_eq!(river["page"], 3, "{river}");
    assert_ocr(&river);
}

/// The cache files under the index, with their contents.
fn cached(index: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(index.join("ocr-cache"))
        .expect("an OCR cache in the index folder")
        .map(|entry| {
            let entry = entry.unwrap();
            (
                entry.file_name().to_string_lossy().into_owned(),
                std::fs::read(entry.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_rebuild_reads_scans_from_the_cache_without_tesseract() {
    ensure_tesseract();
    let fixture = Fixture::new();
    fixture.file(
        "scan.png",
        scan_png("The embassy cable names\nthe Guayabero operation."),
    );
    let annex = scan_gray("Scanned annex about\nthe Riochiquito column.");
    fixture.file(
        "annex.pdf",
        pdf_pages(&[PdfPage::Scan(&annex)], "Scan", "20200101000000Z"),
    );
    let first = fixture.index_report(&[]);
    assert_eq!(
        first["ocr"],
        serde_json::json!({"recognized": 2, "cached": 0}),
        "{first}"
    );
    assert_eq!(fixture.sources("Guayabero"), ["scan.png"]);
    let before = cached(&fixture.index_path());
    assert_eq!(before.len(), 2, "{:?}", before.keys());

    // A PATH with pdftoppm but no tesseract: OCR would fail.
    let bin = tempfile::TempDir::new().unwrap();
    let pdftoppm = ["/usr/bin/pdftoppm", "/usr/local/bin/pdftoppm"]
        .into_iter()
        .find(|path| Path::new(path).is_file())
        .expect("pdftoppm is installed");
    std::os::unix::fs::symlink(pdftoppm, bin.path().join("pdftoppm")).unwrap();
    let report = index_report_with_path(&fixture, bin.path(), &["--rebuild"]);
    assert_eq!(report["skipped"], serde_json::json!({}), "{report}");
    // The report says it: Tesseract read nothing, the cache both scans.
    assert_eq!(
        report["ocr"],
        serde_json::json!({"recognized": 0, "cached": 2}),
        "{report}"
    );
    assert_eq!(fixture.sources("Guayabero"), ["scan.png"]);
    assert_eq!(fixture.sources("Riochiquito"), ["annex.pdf"]);
    assert_eq!(cached(&fixture.index_path()), before);
}

/// With `--no-ocr` a scan is reported, not read; the next run with OCR on
/// reads it although the file has not changed.
#[test]
fn a_scan_left_unread_by_no_ocr_is_read_once_ocr_is_on() {
    ensure_tesseract();
    let fixture = Fixture::new();
    fixture
        .file(
            "scan.png",
            scan_png("The embassy cable names\nthe Guayabero operation."),
        )
        .file("notes.txt", "Typed notes on the embassy.");
    let report = fixture.index_report(&["--no-ocr"]);
    assert_eq!(report["skipped"]["no_text"], 1, "{report}");
    assert_eq!(fixture.sources("embassy"), ["notes.txt"]);
    let report = fixture.index_report(&[]);
    assert_eq!(report["skipped"], serde_json::json!({}), "{report}");
    assert_eq!(
        report["files_read"], 1,
        "only the scan is read again: {report}"
    );
    assert_eq!(fixture.sources("embassy"), ["notes.txt", "scan.png"]);
}

/// Without Tesseract a scan is a warning that says how to install it, and
/// everything else is indexed.
#[test]
fn without_tesseract_a_scan_is_a_warning_and_the_rest_is_indexed() {
    ensure_tesseract();
    let fixture = Fixture::new();
    fixture
        .file(
            "scan.png",
            scan_png("The embassy cable names\nthe Guayabero operation."),
        )
        .file("notes.txt", "Typed notes on the embassy.");
    let empty = tempfile::TempDir::new().unwrap();
    let report = index_report_with_path(&fixture, empty.path(), &[]);
    assert_eq!(report["skipped"]["ocr_unavailable"], 1, "{report}");
    let warning = &report["warnings"][0];
    assert_eq!(warning["source"], "scan.png", "{report}");
    assert!(
        warning["message"]
            .as_str()
            .unwrap()
            .contains("apt-get install tesseract-ocr"),
        "{report}"
    );
    assert_eq!(fixture.sources("embassy"), ["notes.txt"]);
}

/// A blank page of a typed PDF paints no image: it is not sent to OCR.
#[test]
fn a_blank_page_of_a_typed_pdf_costs_no_ocr() {
    ensure_tesseract();
    let fixture = Fixture::new();
    let typed = [(
        700,
        "A typed memorandum on the Guayabero operation and its aftermath.",
    )];
    fixture.file(
        "memo.pdf",
        pdf_pages(
            &[PdfPage::Text(&typed, 12), PdfPage::Text(&[], 12)],
            "Memo",
            "20200101000000Z",
        ),
    );
    let report = fixture.index_report(&[]);
    assert_eq!(
        report["ocr"],
        serde_json::json!({"recognized": 0, "cached": 0}),
        "{report}"
    );
    assert_eq!(report["warnings"], serde_json::json!([]), "{report}");
    assert_eq!(fixture.sources("memorandum"), ["memo.pdf"]);
}
