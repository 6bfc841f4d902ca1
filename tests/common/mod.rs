//! Helpers for running the real `cita` binary on real files.
#![allow(dead_code)] // each test binary uses its own subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::Value;
use tempfile::TempDir;

/// The shipped corpus at the repository root.
pub fn shipped_corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// Runs `cita` with `args` in `dir` (or the repository root).
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cita"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("the cita binary runs")
}

pub fn run(args: &[&str]) -> Output {
    run_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

/// `bytes` in base64 (RFC 2045), in lines of 76 characters, as a mailer
/// writes an attachment.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut encoded = String::new();
    for chunk in bytes.chunks(3) {
        let group = chunk
            .iter()
            .fold(0u32, |group, &byte| group << 8 | u32::from(byte))
            << (8 * (3 - chunk.len()));
        for at in 0..4 {
            encoded.push(match at <= chunk.len() {
                true => ALPHABET[(group >> (18 - 6 * at) & 63) as usize] as char,
                false => '=',
            });
        }
    }
    let lines: Vec<&str> = encoded
        .as_bytes()
        .chunks(76)
        .map(|line| std::str::from_utf8(line).expect("base64 is ASCII"))
        .collect();
    lines.join("\r\n")
}

/// Runs `cita index --corpus CORPUS --index INDEX`.
pub fn index_into(corpus: &Path, index: &Path) -> Output {
    index_into_with(corpus, index, &[])
}

/// Runs `cita index --corpus CORPUS --index INDEX EXTRA...`.
pub fn index_into_with(corpus: &Path, index: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "index",
        "--corpus",
        corpus.to_str().unwrap(),
        "--index",
        index.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    run(&args)
}

/// The report of a successful `cita index --format json` run, asserting that
/// stdout is exactly one line holding one JSON object.
pub fn index_report(out: &Output) -> Value {
    assert!(out.status.success(), "cita index failed: {}", stderr(out));
    let text = stdout(out);
    assert!(
        text.ends_with('\n') && text.lines().count() == 1,
        "the report is one line: {text:?}"
    );
    let report: Value =
        serde_json::from_str(&text).unwrap_or_else(|err| panic!("not JSON ({err}): {text}"));
    assert!(report.is_object(), "the report is an object: {text}");
    report
}

/// The one warning of a run in which the one changed file could not be
/// read and kept its last readable version (none updated, one kept),
/// asserting that the warning says so.
pub fn kept_warning(report: &Value) -> String {
    assert_eq!(
        (report["kept"].as_u64(), report["updated"].as_u64()),
        (Some(1), Some(0)),
        "{report}"
    );
    let warnings = report["warnings"].as_array().expect("a warnings array");
    assert_eq!(warnings.len(), 1, "{report}");
    let said = warnings[0]["message"].as_str().unwrap().to_string();
    assert!(
        said.ends_with("; the passages of its last readable version are kept"),
        "{said}"
    );
    said
}

/// How long a test waits for a state it polls for before it fails.
pub const PATIENCE: Duration = Duration::from_secs(60);

/// Polls `probe` every 10 ms until it gives a value, and returns that value;
/// fails, naming `what` it waited for, after [`PATIENCE`].
pub fn poll<T>(what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Some(value) = probe() {
            return value;
        }
        assert!(
            Instant::now() < deadline,
            "gave up after {} s waiting for {what}",
            PATIENCE.as_secs()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// An index of the shipped corpus, built once per test binary with the real `cita index`.
pub fn shipped_index() -> &'static Path {
    static INDEX: OnceLock<TempDir> = OnceLock::new();
    INDEX
        .get_or_init(|| {
            // A static is never dropped: under cargo's target folder, not /tmp.
            let dir = TempDir::new_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
            let out = index_into(&shipped_corpus(), dir.path());
            assert!(
                out.status.success(),
                "indexing the corpus failed: {}",
                stderr(&out)
            );
            dir
        })
        .path()
}

/// `cita search --format json` on `index`; returns the exit code and the parsed object.
pub fn search_json_in(index: &Path, query: &str, extra: &[&str]) -> (i32, Value) {
    let mut args = vec![
        "search",
        "--format",
        "json",
        "--index",
        index.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    args.extend(["--", query]);
    let out = run(&args);
    let code = out.status.code().expect("exited normally");
    assert!(
        code == 0 || code == 1,
        "search {query:?} failed ({code}): {}",
        stderr(&out)
    );
    (
        code,
        serde_json::from_slice(&out.stdout).expect("search prints one JSON object"),
    )
}

/// `search_json_in` on the shipped corpus.
pub fn search_json(query: &str, extra: &[&str]) -> (i32, Value) {
    search_json_in(shipped_index(), query, extra)
}

/// The hits array of a search result.
pub fn hits(result: &Value) -> &Vec<Value> {
    result["hits"].as_array().expect("hits is an array")
}

/// Whether the hit's text contains `word` as a whole word (case-insensitive).
pub fn has_word(hit: &Value, word: &str) -> bool {
    hit["text"]
        .as_str()
        .unwrap()
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| w == word)
}

/// The highlighted strings of a hit, in order.
pub fn highlighted(hit: &Value) -> Vec<String> {
    let snippet = hit["snippet"].as_str().unwrap();
    hit["highlights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| {
            let start = pair[0].as_u64().unwrap() as usize;
            let end = pair[1].as_u64().unwrap() as usize;
            snippet[start..end].to_string()
        })
        .collect()
}

/// A corpus of fixture files in a temporary folder, with an index beside it.
pub struct Fixture {
    pub dir: TempDir,
}

impl Fixture {
    pub fn new() -> Fixture {
        // Under cargo's target folder, not /tmp: a fixture held in a static
        // (never dropped) must not be left behind in /tmp by every run.
        let fixture = Fixture {
            dir: TempDir::new_in(env!("CARGO_TARGET_TMPDIR")).unwrap(),
        };
        std::fs::create_dir_all(fixture.corpus()).unwrap();
        fixture
    }

    pub fn corpus(&self) -> PathBuf {
        self.dir.path().join("corpus")
    }

    pub fn index_path(&self) -> PathBuf {
        self.dir.path().join("index")
    }

    /// Writes a corpus file (folders created as needed).
    pub fn file(&self, name: &str, contents: impl AsRef<[u8]>) -> &Fixture {
        let path = self.corpus().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
        self
    }

    /// Runs `cita index` on the fixture corpus.
    pub fn index(&self) -> Output {
        self.index_with(&[])
    }

    /// Runs `cita index` on the fixture corpus with extra options.
    pub fn index_with(&self, extra: &[&str]) -> Output {
        index_into_with(&self.corpus(), &self.index_path(), extra)
    }

    /// Runs `cita index --format json EXTRA…` on the fixture corpus and
    /// returns its report (asserting success and one line of JSON).
    pub fn index_report(&self, extra: &[&str]) -> Value {
        let mut args = vec!["--format", "json"];
        args.extend_from_slice(extra);
        index_report(&self.index_with(&args))
    }

    /// Indexes (asserting success) and searches.
    pub fn search(&self, query: &str, extra: &[&str]) -> (i32, Value) {
        if !self.index_path().join("meta.json").exists() {
            let out = self.index();
            assert!(
                out.status.success(),
                "fixture indexing failed: {}",
                stderr(&out)
            );
        }
        search_json_in(&self.index_path(), query, extra)
    }

    /// The sources of every hit of `query`, in source order (copies of
    /// one text each shown).
    pub fn sources(&self, query: &str) -> Vec<String> {
        let (_, result) = self.search(query, &["--all", "--sort", "source", "--no-collapse"]);
        hits(&result)
            .iter()
            .map(|hit| hit["source"].as_str().unwrap().to_string())
            .collect()
    }
}
pub mod http;

/// A ZIP of `entries`, each a name and its contents, deflated.
pub fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, contents) in entries {
        writer.start_file(*name, options).unwrap();
        writer.write_all(contents).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// A minimal text PDF: one page per entry, each line of an entry a text
/// line in Helvetica, and an Info dictionary with `title` and a creation date.
/// An empty line leaves a line's height of space, which pdf-extract reads as
/// a paragraph break.
pub fn pdf(pages: &[&str], title: &str, created: &str) -> Vec<u8> {
    let placed: Vec<Vec<(i32, &str)>> = pages
        .iter()
        .map(|page| {
            page.lines()
                .zip(0..)
                .filter(|(line, _)| !line.is_empty())
                .map(|(line, i)| (720 - 14 * i, line))
                .collect()
        })
        .collect();
    let placed: Vec<&[(i32, &str)]> = placed.iter().map(Vec::as_slice).collect();
    pdf_placed(&placed, title, created)
}

/// A minimal text PDF whose pages hold lines at given heights: `(y, text)`,
/// `y` in points from the bottom of a US Letter page (792 high), drawn in
/// the order given at the left margin, in 12-point Helvetica. pdf-extract
/// writes lines in drawing order and breaks paragraphs where the text
/// jumps by more than 18 points, so a running foot drawn first comes out
/// first. Text is encoded as the font's WinAnsiEncoding (`—` works).
pub fn pdf_placed(pages: &[&[(i32, &str)]], title: &str, created: &str) -> Vec<u8> {
    let pages: Vec<PdfPage> = pages.iter().map(|lines| PdfPage::Text(lines, 12)).collect();
    pdf_pages(&pages, title, created)
}

/// A page of [`pdf_pages`].
pub enum PdfPage<'a> {
    /// Lines of text as [`pdf_placed`] draws them, in Helvetica of this size.
    Text(&'a [(i32, &'a str)], u32),
    /// A scan: a grayscale image covering the page, without text.
    Scan(&'a Gray),
    /// A page whose content stream is these bytes, as they are.
    Content(&'a [u8]),
    /// A page whose content stream is these bytes, Flate-compressed this
    /// many times (filters `[/FlateDecode …]`).
    Deflated(&'a [u8], usize),
    /// A scan with a line of text drawn over it in Helvetica 10, as an
    /// archive stamps a scanned page.
    StampedScan(&'a Gray, &'a str),
}

/// A grayscale image, a byte per pixel, row by row.
pub struct Gray {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

/// A US Letter PDF of text pages and scanned pages (images as Flate-compressed
/// image XObjects), with an Info dictionary as [`pdf_placed`] writes it.
pub fn pdf_pages(pages: &[PdfPage], title: &str, created: &str) -> Vec<u8> {
    let escape = |text: &[u8]| {
        let mut out = Vec::new();
        for &byte in text {
            if matches!(byte, b'\\' | b'(' | b')') {
                out.push(b'\\');
            }
            out.push(byte);
        }
        out
    };
    let mut objects: Vec<Vec<u8>> = Vec::new();
    let page_count = pages.len();
    // 1 catalog, 2 pages, 3 font, 4 info, then (page, content, image) triples.
    let kids: Vec<String> = (0..page_count)
        .map(|i| format!("{} 0 R", 5 + 3 * i))
        .collect();
    objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    objects.push(
        format!(
            "<< /Type /Pages /Kids [{}] /Count {page_count} >>",
            kids.join(" ")
        )
        .into_bytes(),
    );
    objects.push(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_vec(),
    );
    let mut info = b"<< /Title (".to_vec();
    info.extend(escape(title.as_bytes()));
    info.extend(format!(") /CreationDate (D:{created}) >>").bytes());
    objects.push(info);
    for (i, page) in pages.iter().enumerate() {
        let (content, image) = match page {
            PdfPage::Text(lines, size) => {
                let mut content = format!("BT /F1 {size} Tf\n").into_bytes();
                for (y, line) in lines.iter() {
                    let (encoded, _, _) = encoding_rs::WINDOWS_1252.encode(line);
                    content.extend(format!("1 0 0 1 72 {y} Tm (").bytes());
                    content.extend(escape(&encoded));
                    content.extend(b") Tj\n");
                }
                content.extend(b"ET");
                // An unused object keeps the numbering regular.
                (content, b"null".to_vec())
            }
            PdfPage::Scan(gray) | PdfPage::StampedScan(gray, _) => {
                use std::io::Write;
                let mut deflated =
                    flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
                deflated.write_all(&gray.pixels).unwrap();
                let deflated = deflated.finish().unwrap();
                let mut image = format!(
                    "<< /Type /XObject /Subtype /Image /Width {} /Height {} /ColorSpace /DeviceGray \
                     /BitsPerComponent 8 /Filter /FlateDecode /Length {} >>\nstream\n",
                    gray.width, gray.height, deflated.len()
                )
                .into_bytes();
                image.extend(deflated);
                image.extend(b"\nendstream");
                let mut content = b"q 612 0 0 792 0 0 cm /Im1 Do Q".to_vec();
                if let PdfPage::StampedScan(_, stamp) = page {
                    content.extend(b"\nBT /F1 10 Tf 1 0 0 1 72 30 Tm (");
                    content.extend(escape(stamp.as_bytes()));
                    content.extend(b") Tj ET");
                }
                (content, image)
            }
            PdfPage::Content(content) => (content.to_vec(), b"null".to_vec()),
            PdfPage::Deflated(content, times) => {
                use std::io::Write;
                let mut packed = content.to_vec();
                for _ in 0..*times {
                    let mut deflated =
                        flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
                    deflated.write_all(&packed).unwrap();
                    packed = deflated.finish().unwrap();
                }
                (packed, b"null".to_vec())
            }
        };
        let image_resource = match page {
            PdfPage::Text(..) | PdfPage::Content(_) | PdfPage::Deflated(..) => String::new(),
            PdfPage::Scan(_) | PdfPage::StampedScan(..) => {
                format!(" /XObject << /Im1 {} 0 R >>", 7 + 3 * i)
            }
        };
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >>{image_resource} >> /Contents {} 0 R >>",
                6 + 3 * i
            )
            .into_bytes(),
        );
        let filter = match page {
            PdfPage::Deflated(_, times) => {
                format!(" /Filter [{}]", vec!["/FlateDecode"; *times].join(" "))
            }
            _ => String::new(),
        };
        let mut stream = format!("<< /Length {}{filter} >>\nstream\n", content.len()).into_bytes();
        stream.extend(content);
        stream.extend(b"\nendstream");
        objects.push(stream);
        objects.push(image);
    }
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", i + 1).bytes());
        out.extend(object);
        out.extend(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).bytes());
    for offset in offsets {
        out.extend(format!("{offset:010} 00000 n \n").bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Info 4 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .bytes(),
    );
    out
}

/// Whether `name` is a program on `PATH`.
fn on_path(name: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(name).is_file()))
}

/// Makes sure Tesseract (English and Spanish) and poppler's `pdftoppm` are
/// installed, installing Debian's packages once when they are not, so that
/// `cargo test` alone passes on a fresh machine (as root, as this
/// project's machines are); fails loudly when they cannot be installed.
pub fn ensure_tesseract() {
    static INSTALLED: OnceLock<bool> = OnceLock::new();
    let installed = INSTALLED.get_or_init(|| {
        let present = || {
            let languages = Command::new("tesseract").arg("--list-langs").output();
            let languages = languages.map_or(String::new(), |out| {
                String::from_utf8_lossy(&out.stdout).into_owned()
            });
            let has = |code: &str| languages.lines().any(|line| line.trim() == code);
            on_path("pdftoppm") && has("eng") && has("spa") && has("osd")
        };
        if !present() && on_path("apt-get") {
            let _ = Command::new("sh")
                .args([
                    "-c",
                    "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
                     tesseract-ocr tesseract-ocr-eng tesseract-ocr-spa tesseract-ocr-osd poppler-utils",
                ])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status();
        }
        present()
    });
    assert!(
        *installed,
        "the OCR tests need tesseract and pdftoppm: apt-get install -y tesseract-ocr \
         tesseract-ocr-eng tesseract-ocr-spa poppler-utils (.ci/run does this)"
    );
}

/// A one-page text PDF of `text`'s lines in 28-point Helvetica, large
/// enough for Tesseract to read without a doubt.
pub fn large_print_pdf(text: &str) -> Vec<u8> {
    let lines: Vec<(i32, &str)> = text
        .lines()
        .zip(0..)
        .map(|(line, i)| (700 - 40 * i, line))
        .collect();
    pdf_pages(
        &[PdfPage::Text(&lines, 28)],
        "Large print",
        "20200101000000Z",
    )
}

/// [`large_print_pdf`] of paragraphs, each given as its lines (ASCII
/// without parentheses), a line `leading` points below the one above,
/// with a line's space between two paragraphs; the page turned by
/// `tilt_degrees` about its corner, as a scan lies.
pub fn large_print_paragraphs_pdf(
    paragraphs: &[&[&str]],
    leading: i32,
    tilt_degrees: f64,
) -> Vec<u8> {
    let (sin, cos) = tilt_degrees.to_radians().sin_cos();
    let mut content = format!(
        "q {cos:.6} {sin:.6} {:.6} {cos:.6} 0 0 cm BT /F1 28 Tf\n",
        -sin
    );
    let mut y = 700 + leading;
    for paragraph in paragraphs {
        for line in paragraph.iter() {
            assert!(
                line.is_ascii() && !line.contains(['(', ')', '\\']),
                "{line}"
            );
            y -= leading;
            content.push_str(&format!("1 0 0 1 72 {y} Tm ({line}) Tj\n"));
        }
        y -= leading;
    }
    content.push_str("ET Q");
    pdf_pages(
        &[PdfPage::Content(content.as_bytes())],
        "Large print",
        "20200101000000Z",
    )
}

/// Runs `pdftoppm` on the first page of `pdf` with `args`, giving its output.
pub fn pdftoppm(pdf: &[u8], args: &[&str]) -> Vec<u8> {
    ensure_tesseract();
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("page.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = Command::new("pdftoppm")
        .args(["-f", "1", "-l", "1"])
        .args(args)
        .arg(&file)
        .output()
        .expect("pdftoppm runs");
    assert!(
        out.status.success(),
        "pdftoppm failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// A scan of `text` in large print: a PNG at 150 dpi.
pub fn scan_png(text: &str) -> Vec<u8> {
    scan_png_of(&large_print_pdf(text))
}

/// A scan of the first page of `pdf`: a PNG at 150 dpi.
pub fn scan_png_of(pdf: &[u8]) -> Vec<u8> {
    pdftoppm(pdf, &["-r", "150", "-gray", "-png"])
}

/// A scan of `text` in large print: grayscale pixels at 150 dpi.
pub fn scan_gray(text: &str) -> Gray {
    gray_of(&pdftoppm(&large_print_pdf(text), &["-r", "150", "-gray"]))
}

/// The pixels of a PGM as `pdftoppm -gray` writes it.
pub fn gray_of(pgm: &[u8]) -> Gray {
    // `P5`, width, height, maximum value, each followed by one space or line break.
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        let start = at;
        while !pgm[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8(pgm[start..at].to_vec()).unwrap());
        at += 1;
    }
    assert_eq!(fields[0], "P5");
    Gray {
        width: fields[1].parse().unwrap(),
        height: fields[2].parse().unwrap(),
        pixels: pgm[at..].to_vec(),
    }
}

/// The next number of a xorshift sequence: randomised tests that a seed
/// replays.
pub fn next(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}
