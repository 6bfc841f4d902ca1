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
        let fixture = Fixture {
            dir: TempDir::new().unwrap(),
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

    /// The sources of every hit of `query`, in source order.
    pub fn sources(&self, query: &str) -> Vec<String> {
        let (_, result) = self.search(query, &["--all", "--sort", "source"]);
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
    // 1 catalog, 2 pages, 3 font, 4 info, then (page, content) pairs.
    let kids: Vec<String> = (0..page_count)
        .map(|i| format!("{} 0 R", 5 + 2 * i))
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
    for (i, lines) in pages.iter().enumerate() {
        let mut content = b"BT /F1 12 Tf\n".to_vec();
        for (y, line) in lines.iter() {
            let (encoded, _, _) = encoding_rs::WINDOWS_1252.encode(line);
            content.extend(format!("1 0 0 1 72 {y} Tm (").bytes());
            content.extend(escape(&encoded));
            content.extend(b") Tj\n");
        }
        content.extend(b"ET");
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
            6 + 2 * i
        ).into_bytes());
        let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
        stream.extend(content);
        stream.extend(b"\nendstream");
        objects.push(stream);
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
