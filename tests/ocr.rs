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

/// A folder holding only a link to `pdftoppm`, to be a run's PATH.
fn folder_with_pdftoppm() -> tempfile::TempDir {
    let bin = tempfile::TempDir::new().unwrap();
    let pdftoppm = ["/usr/bin/pdftoppm", "/usr/local/bin/pdftoppm"]
        .into_iter()
        .find(|path| Path::new(path).is_file())
        .expect("pdftoppm is installed");
    std::os::unix::fs::symlink(pdftoppm, bin.path().join("pdftoppm")).unwrap();
    bin
}

/// The first warning of `report` is about `source` and says every one of `words`.
fn assert_warned(report: &Value, source: &str, words: &[&str]) {
    let warning = &report["warnings"][0];
    assert_eq!(warning["source"], source, "{report}");
    let message = warning["message"].as_str().unwrap_or_default();
    assert!(words.iter().all(|word| message.contains(word)), "{report}");
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

/// Writes `name.pdf` into the fixture's corpus as OCRmyPDF makes it of a
/// scan (the PNG `scan`): the image, and Tesseract's invisible text over it.
fn tesseract_layer_pdf(fixture: &Fixture, name: &str, scan: &[u8]) {
    let png = fixture.dir.path().join(format!("{name}.png"));
    std::fs::write(&png, scan).unwrap();
    let made = Command::new("tesseract")
        .arg(&png)
        .arg(fixture.corpus().join(name))
        .args(["--dpi", "150", "pdf"])
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
}

#[test]
fn a_pdf_with_tesseracts_text_layer_reads_as_paragraphs() {
    ensure_tesseract();
    let fixture = Fixture::new();
    // Tesseract's lines step down by more than one and a half times its
    // font size.
    tesseract_layer_pdf(
        &fixture,
        "letter",
        &scan_png("The council kept a letter\nfrom the mayor to the\ngovernor about the road."),
    );
    let report = fixture.index_report(&["--no-ocr"]);
    assert_eq!(report["files_indexed"], 1, "{report}");
    let (_, result) = fixture.search("\"letter from the mayor\"", &[]);
    let found = hits(&result);
    assert_eq!(found.len(), 1, "{result}");
    assert_eq!(
        found[0]["text"],
        "The council kept a letter from the mayor to the governor about the road.",
        "{result}"
    );
}

#[test]
fn a_text_layers_paragraphs_are_whole_where_a_line_ends_a_sentence_or_the_next_starts_a_name() {
    ensure_tesseract();
    // Type set with a fifth of its size between lines, as letters and
    // cables are. Tesseract squeezes or stretches each word of its layer
    // to the width scanned: a squeezed line once read as a paragraph's end.
    let paragraphs: [&[&str]; 3] = [
        &[
            "The council met about the road.",
            "Maria Lopez read the minutes",
            "of the last meeting aloud.",
        ],
        &[
            "A letter asked the",
            "Governor of Narino for money",
            "before the end of the year.",
        ],
        &[
            "Plan LAZO was named twice in",
            "the minutes of the meeting.",
        ],
    ];
    let mut written: Vec<String> = paragraphs.iter().map(|lines| lines.join(" ")).collect();
    written.sort_unstable();
    // Level, and tilted as a scan lies: Tesseract writes the tilt into
    // its layer's text matrix.
    for tilt in [0.0, 0.6, -1.5, 2.5, -2.5] {
        let fixture = Fixture::new();
        let scan = scan_png_of(&large_print_paragraphs_pdf(&paragraphs, 34, tilt));
        tesseract_layer_pdf(&fixture, "minutes", &scan);
        let report = fixture.index_report(&["--no-ocr"]);
        assert_eq!(report["files_indexed"], 1, "{report}");
        let (_, result) = fixture.search("*", &["--limit", "10"]);
        let mut read: Vec<&str> = hits(&result)
            .iter()
            .map(|hit| hit["text"].as_str().unwrap())
            .collect();
        read.sort_unstable();
        assert_eq!(read, written, "tilted {tilt}°: {result}");
        let hit = only_hit(&fixture, "\"asked the governor of narino\"");
        assert_eq!(hit["page"], 1, "{hit}");
    }
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
    // A PDF of scans was created when it was scanned: its date is its
    // text's, or none.
    let cable = scan_gray("Bogota, 12 de marzo de 1984.\nCable about Casaverde.");
    fixture.file(
        "cable.pdf",
        pdf_pages(&[PdfPage::Scan(&cable)], "Cable", "20200101000000Z"),
    );
    let typed = only_hit(&fixture, "Marquetalia");
    assert_eq!(typed["page"], 1, "{typed}");
    assert_eq!(typed["date"], "2020-01-01", "{typed}");
    let dated = only_hit(&fixture, "Casaverde");
    assert_eq!(dated["date"], "1984-03-12", "{dated}");
    assert_eq!(typed["extraction"], Value::Null, "{typed}");
    assert_eq!(typed["ocr_confidence"], Value::Null, "{typed}");

    let (_, result) = fixture.search("Riochiquito", &["--sort", "source", "--no-collapse"]);
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
    assert_eq!(found[1]["date"], Value::Null, "{result}");

    let river = only_hit(&fixture, "\"Pato river\"");
    assert_eq!(river["page"], 3, "{river}");
    assert_ocr(&river);
}

/// A sentence a page break cuts between two scanned pages is one passage,
/// on the page it starts, as between two typed pages; a page that ends a
/// sentence is not joined to the next, even one starting in lower case.
#[test]
fn a_sentence_cut_by_a_page_break_between_scans_is_one_passage() {
    ensure_tesseract();
    let fixture = Fixture::new();
    let first = scan_gray("The inspector wrote that the\ncivilian authorities had failed");
    let second = scan_gray("to investigate the complaints\nof the villagers in Riochiquito.");
    // Starting in lower case, after a page that ends a sentence: apart.
    let third = scan_gray("and nobody answered the letters.");
    fixture.file(
        "scans.pdf",
        pdf_pages(
            &[
                PdfPage::Scan(&first),
                PdfPage::Scan(&second),
                PdfPage::Scan(&third),
            ],
            "Scans",
            "20200101000000Z",
        ),
    );
    let hit = only_hit(&fixture, "\"authorities had failed to investigate\"");
    assert_eq!(hit["page"], 1, "{hit}");
    assert_ocr(&hit);
    let (_, result) = fixture.search("nobody", &[]);
    assert_eq!(hits(&result)[0]["page"], 3, "{result}");
    assert_eq!(
        hits(&result)[0]["text"],
        "and nobody answered the letters.",
        "{result}"
    );
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
    // The image; the PDF page under its rendering and under its number.
    assert_eq!(before.len(), 3, "{:?}", before.keys());

    // A PATH with neither tesseract nor pdftoppm: OCR would fail, and so
    // would rendering a PDF's page to find its reading.
    let bin = tempfile::TempDir::new().unwrap();
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

/// A corpus of a scan and a typed file, both about the embassy.
fn scan_and_notes() -> Fixture {
    let fixture = Fixture::new();
    fixture
        .file(
            "scan.png",
            scan_png("The embassy cable names\nthe Guayabero operation."),
        )
        .file("notes.txt", "Typed notes on the embassy.");
    fixture
}

/// With `--no-ocr` a scan is reported, not read; the next run with OCR on
/// reads it although the file has not changed.
#[test]
fn a_scan_left_unread_by_no_ocr_is_read_once_ocr_is_on() {
    ensure_tesseract();
    let fixture = scan_and_notes();
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
    let fixture = scan_and_notes();
    let empty = tempfile::TempDir::new().unwrap();
    let report = index_report_with_path(&fixture, empty.path(), &[]);
    assert_eq!(report["skipped"]["ocr_unavailable"], 1, "{report}");
    // Nothing was read by OCR: the scan is not counted as recognized.
    assert_eq!(
        report["ocr"],
        serde_json::json!({"recognized": 0, "cached": 0})
    );
    assert_warned(&report, "scan.png", &["apt-get install tesseract-ocr"]);
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

/// A page OCR takes too long on is stopped after `--ocr-timeout` and named
/// in a warning; the rest of its PDF is indexed. The Tesseract here hangs
/// on every image (it still lists its languages).
#[test]
fn a_page_past_the_ocr_timeout_is_a_warning_and_the_rest_is_read() {
    ensure_tesseract();
    let fixture = Fixture::new();
    let annex = scan_gray("Scanned annex about\nthe Riochiquito column.");
    let letter = [(700, "A typed cover letter about Marquetalia.")];
    fixture.file(
        "mixed.pdf",
        pdf_pages(
            &[PdfPage::Text(&letter, 12), PdfPage::Scan(&annex)],
            "Mixed",
            "20200101000000Z",
        ),
    );
    let bin = folder_with_pdftoppm();
    let hanging = bin.path().join("tesseract");
    std::fs::write(
        &hanging,
        "#!/bin/sh\nif [ \"$1\" = --list-langs ]; then printf 'List of available languages (2):\\neng\\nspa\\n'; exit 0; fi\nexec /bin/sleep 600\n",
    )
    .unwrap();
    std::fs::set_permissions(
        &hanging,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let report = index_report_with_path(&fixture, bin.path(), &["--ocr-timeout", "1"]);
    assert_warned(&report, "mixed.pdf", &["page 2", "longer than 1 s"]);
    assert_eq!(fixture.sources("Marquetalia"), ["mixed.pdf"]);
}

/// A language Tesseract does not have stops the run before anything is
/// read, naming it, when the corpus may hold scans; a corpus of text never
/// asks Tesseract.
#[test]
fn an_ocr_language_tesseract_lacks_is_refused_at_the_start() {
    ensure_tesseract();
    let fixture = Fixture::new();
    fixture.file("notes.txt", "Typed notes on the embassy.");
    let out = fixture.index_with(&["--ocr-lang", "eng+xyz"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    fixture.file(
        "scan.png",
        scan_png("The embassy cable names\nthe Guayabero operation."),
    );
    let out = fixture.index_with(&["--ocr-lang", "eng+xyz"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let said = stderr(&out);
    assert!(said.contains("\"xyz\"") && said.contains("eng"), "{said}");
    assert_eq!(said.lines().count(), 1, "{said}");
    assert_eq!(fixture.sources("embassy"), ["notes.txt"]);
}

/// The pages of one PDF are read in parallel (`--jobs 2`), each keeping its
/// own number, and an observer hears the pages counted as they are read.
#[test]
fn the_pages_of_a_scanned_pdf_are_read_in_parallel_and_counted() {
    ensure_tesseract();
    let fixture = Fixture::new();
    let words = ["Riochiquito", "Guayabero", "Marquetalia", "Sumapaz"];
    let scans: Vec<Gray> = words
        .iter()
        .map(|word| scan_gray(&format!("Annex page about\nthe {word} column.")))
        .collect();
    let pages: Vec<PdfPage> = scans.iter().map(PdfPage::Scan).collect();
    fixture.file(
        "annexes.pdf",
        pdf_pages(&pages, "Annexes", "20200101000000Z"),
    );

    struct Pages(std::cell::RefCell<Vec<(u64, u64)>>);
    impl cita::BuildObserver for Pages {
        fn ocr_pages(&self, done: u64, found: u64) {
            self.0.borrow_mut().push((done, found));
        }
    }
    let told = Pages(Default::default());
    let options = cita::BuildOptions {
        jobs: 2,
        ..Default::default()
    };
    let report =
        cita::indexer::build_with(&fixture.corpus(), &fixture.index_path(), &options, &told)
            .unwrap();
    assert_eq!(report.ocr.recognized, 4, "{:?}", report.ocr);
    let told = told.0.into_inner();
    assert_eq!(told.last(), Some(&(4, 4)), "{told:?}");
    assert!(
        told.windows(2).all(|pair| pair[0].0 <= pair[1].0),
        "{told:?}"
    );
    for (page, word) in words.iter().enumerate() {
        let (_, result) = fixture.search(word, &[]);
        let found = hits(&result);
        assert_eq!(found.len(), 1, "{word}: {result}");
        assert_eq!(found[0]["page"], page + 1, "{word}: {result}");
    }
}

#[test]
fn a_scanned_cable_is_titled_and_dated_by_its_header_as_a_typed_one() {
    ensure_tesseract();
    let fixture = Fixture::new();
    let cable = "CONFIDENTIAL\nDATE: 14 MAR 62\nSUBJECT: LAZO PLANS\n\n\
                 1. THE ARMY MET ON\n7 AUGUST 1962 IN\nBOGOTA ABOUT LAZO.";
    fixture.file("cable.txt", cable);
    fixture.file("cable.png", scan_png(cable));
    let scan = scan_gray(cable);
    fixture.file(
        "cable.pdf",
        pdf_pages(&[PdfPage::Scan(&scan)], "", "20200101000000Z"),
    );
    // Followed by an archivist's typed note: the scan's header, as OCR
    // read its lines, still titles and dates it.
    let note = [(700, "Note of the archive, June 5, 2001: released in full.")];
    fixture.file(
        "cable-noted.pdf",
        pdf_pages(
            &[PdfPage::Scan(&scan), PdfPage::Text(&note, 12)],
            "",
            "20200101000000Z",
        ),
    );
    let (_, result) = fixture.search("army", &["--sort", "source", "--no-collapse"]);
    let read: Vec<String> = hits(&result)
        .iter()
        .map(|hit| format!("{} {} {}", hit["source"], hit["title"], hit["date"]))
        .collect();
    let expected = |source| format!("\"{source}\" \"LAZO PLANS\" \"1962-03-14\"");
    assert_eq!(
        read,
        [
            expected("cable-noted.pdf"),
            expected("cable.pdf"),
            expected("cable.png"),
            expected("cable.txt")
        ],
        "{result}"
    );
}

#[test]
fn a_scanned_pdf_whose_page_does_not_say_it_paints_its_scan_is_read() {
    ensure_tesseract();
    let fixture = Fixture::new();
    let scan = scan_gray("The damaged scan names\nthe Sumapaz front.");
    let whole = pdf_pages(&[PdfPage::Scan(&scan)], "", "20200101000000Z");
    // The content stream's length two bytes short, as a damaged scan's
    // may be: `…/Im1 D` paints nothing to a reader that trusts it, while
    // the renderer draws the image.
    let said = b"<< /Length 30 >>\nstream\nq 612 0 0 792 0 0 cm /Im1 Do Q";
    let at = whole.windows(said.len()).position(|w| w == said).unwrap();
    let mut damaged = whole.clone();
    damaged[at..at + 16].copy_from_slice(b"<< /Length 28 >>");
    fixture.file("damaged.pdf", damaged);
    let hit = only_hit(&fixture, "Sumapaz");
    assert_eq!(hit["source"], "damaged.pdf");
    assert_ocr(&hit);
}

/// A page of `lines` in print of `size` points turned a quarter turn
/// anticlockwise: (x, y) is drawn at (612 - y, x), so the lines read from
/// the bottom up.
fn sideways_page(lines: &[&str], size: u32) -> Vec<u8> {
    let mut content = format!("q 0 1 -1 0 612 0 cm BT /F1 {size} Tf\n").into_bytes();
    let leading = size * 3 / 2;
    for (line, i) in lines.iter().zip(0..) {
        let y = 540 - leading * i;
        content.extend(format!("1 0 0 1 72 {y} Tm ({line}) Tj\n").bytes());
    }
    content.extend(b"ET Q");
    pdf_pages(&[PdfPage::Content(&content)], "", "20200101000000Z")
}

#[test]
fn a_page_scanned_sideways_is_read_upright() {
    ensure_tesseract();
    let fixture = Fixture::new();
    // Large print turned a quarter turn on the page.
    let lines = [
        "MINISTERIO DE GUERRA",
        "The battalion reached",
        "Marquetalia at dawn and",
        "held the river crossing",
        "until the relief column",
        "arrived from Neiva.",
    ];
    let page = sideways_page(&lines, 28);
    fixture.file("sideways.png", scan_png_of(&page));
    let hit = only_hit(&fixture, "\"relief column\"");
    assert_eq!(hit["source"], "sideways.png");
    assert_ocr(&hit);
    assert!(has_word(&hit, "marquetalia"), "{hit}");
}

/// A cable typed in small print on a page turned a quarter anticlockwise:
/// Tesseract's own orientation reading (`--psm 1`) reads it upside down,
/// so cita turns the page as Tesseract's detection says.
fn sideways_cable() -> Vec<u8> {
    let lines = [
        "CONFIDENTIAL",
        "DATE: 09 APR 48",
        "SUBJECT: BOGOTAZO RIOTS",
        "1. RIOTING BROKE OUT IN BOGOTA FOLLOWING THE ASSASSINATION OF",
        "JORGE ELIECER GAITAN AT ABOUT 1:15 PM TODAY. MOBS HAVE BURNED",
        "SEVERAL GOVERNMENT BUILDINGS AND THE CONFERENCE SITE IS CLOSED.",
        "2. THE EMBASSY STAFF IS SAFE. FURTHER REPORTS WILL FOLLOW AS",
        "CONDITIONS PERMIT. THE ARMY HAS BEEN CALLED TO RESTORE ORDER.",
    ];
    let typed = sideways_page(&lines, 11);
    // Typed on a typewriter: set in Courier (a name as long as Helvetica's,
    // so that the file's offsets hold), which Tesseract reads upright only
    // once the page is turned.
    let at = typed
        .windows(10)
        .position(|name| name == b"/Helvetica")
        .unwrap();
    let mut typed = typed;
    typed.splice(at..at + 10, *b"/Courier  ");
    typed
}

/// The cable of [`sideways_cable`] read from `file` in the corpus: upright,
/// titled and dated by its header.
fn assert_cable_read_upright(fixture: &Fixture, file: &str) {
    let hit = only_hit(fixture, "\"restore order\"");
    assert_eq!(hit["source"], file);
    assert_ocr(&hit);
    assert_eq!(hit["title"], "BOGOTAZO RIOTS", "{hit}");
    assert_eq!(hit["date"], "1948-04-09", "{hit}");
}

#[test]
fn a_scanned_pdf_page_of_small_print_turned_a_quarter_is_read_upright() {
    ensure_tesseract();
    let fixture = Fixture::new();
    let scan = gray_of(&pdftoppm(&sideways_cable(), &["-r", "200", "-gray"]));
    fixture.file(
        "sideways.pdf",
        pdf_pages(&[PdfPage::Scan(&scan)], "", "20200101000000Z"),
    );
    assert_cable_read_upright(&fixture, "sideways.pdf");
}

/// An image file is turned as a PDF's page is: cita decodes it to turn it.
#[test]
fn a_scanned_image_of_small_print_turned_a_quarter_is_read_upright() {
    ensure_tesseract();
    let png = pdftoppm(&sideways_cable(), &["-r", "200", "-gray", "-png"]);
    let jpeg = pdftoppm(&sideways_cable(), &["-r", "200", "-gray", "-jpeg"]);
    // pdftoppm writes a TIFF only to a file: this one is the PNG's pixels.
    let mut tiff = std::io::Cursor::new(Vec::new());
    (image::load_from_memory(&png).unwrap())
        .write_to(&mut tiff, image::ImageFormat::Tiff)
        .unwrap();
    for (file, scan) in [
        ("sideways.png", png),
        ("sideways.jpg", jpeg),
        ("sideways.tif", tiff.into_inner()),
    ] {
        let fixture = Fixture::new();
        fixture.file(file, scan);
        assert_cable_read_upright(&fixture, file);
    }
}

#[test]
fn scans_are_read_again_in_other_ocr_languages_and_only_then() {
    ensure_tesseract();
    let fixture = Fixture::new();
    fixture.file("notes.txt", "Typed notes on the embassy.");
    fixture.file(
        "scan.png",
        scan_png("The embassy cable names\nthe Guayabero operation."),
    );
    let read = |extra: &[&str]| {
        let report = fixture.index_report(extra);
        (
            report["updated"].clone(),
            report["ocr"]["recognized"].clone(),
        )
    };
    fixture.index_report(&["--ocr-lang", "eng"]);
    // The scan (not the text file) is read again, by Tesseract.
    assert_eq!(read(&["--ocr-lang", "eng+spa"]), (1.into(), 1.into()));
    assert_eq!(read(&["--ocr-lang", "eng+spa"]), (0.into(), 0.into()));
    // The default is eng+spa: nothing changes.
    assert_eq!(read(&[]), (0.into(), 0.into()));
    // Back in English: read again, from the cache.
    assert_eq!(read(&["--ocr-lang", "eng"]), (1.into(), 0.into()));
    // With OCR off, nothing is read again, and the languages stay recorded.
    assert_eq!(read(&["--no-ocr"]), (0.into(), 0.into()));
    assert_eq!(read(&["--ocr-lang", "eng"]), (0.into(), 0.into()));
}

#[test]
fn without_spanish_the_default_reads_scans_in_english_with_a_warning() {
    ensure_tesseract();
    let tessdata = tempfile::TempDir::new().unwrap();
    // `List of available languages in "/usr/share/tesseract-ocr/5/tessdata/" (3):`
    let listed = Command::new("tesseract")
        .arg("--list-langs")
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&listed.stdout);
    let installed = Path::new(listed.split('"').nth(1).expect("the tessdata folder"));
    // Its configurations too: `tsv` is one.
    for data in [
        "eng.traineddata",
        "osd.traineddata",
        "configs",
        "tessconfigs",
    ] {
        std::os::unix::fs::symlink(installed.join(data), tessdata.path().join(data)).unwrap();
    }
    let fixture = Fixture::new();
    fixture.file(
        "scan.png",
        scan_png("The embassy cable names\nthe Guayabero operation."),
    );
    let index = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_cita"))
            .args(["index", "--format", "json", "--corpus"])
            .arg(fixture.corpus())
            .arg("--index")
            .arg(fixture.index_path())
            .args(extra)
            .env("TESSDATA_PREFIX", tessdata.path())
            .output()
            .unwrap()
    };
    let report = index_report(&index(&[]));
    let warning = &report["warnings"][0]["message"];
    assert!(
        warning
            .as_str()
            .unwrap()
            .contains("no spa traineddata: scans are read in eng only"),
        "{report}"
    );
    assert_eq!(fixture.sources("guayabero"), ["scan.png"], "{report}");
    // Asked for by name, a language Tesseract lacks still stops the run.
    let out = index(&["--ocr-lang", "spa", "--rebuild"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn a_scanned_page_stamped_with_a_line_of_text_is_read_by_ocr() {
    ensure_tesseract();
    let fixture = Fixture::new();
    let scan = scan_gray("The cable names the\nBarrancabermeja refinery.");
    let stamp = "DECLASSIFIED Authority NND 959000 By NARA Date 1998";
    fixture.file(
        "stamped.pdf",
        pdf_pages(&[PdfPage::StampedScan(&scan, stamp)], "", "20200101000000Z"),
    );
    let hit = only_hit(&fixture, "refinery");
    assert_eq!(hit["source"], "stamped.pdf");
    assert_eq!(hit["page"], 1, "{hit}");
    assert_ocr(&hit);
    assert!(has_word(&hit, "barrancabermeja"), "{hit}");
}
