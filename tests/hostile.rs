//! Hostile corpora, generated here: broken PDFs, pathological nesting,
//! endless lines, special files, odd names and encodings. For every case
//! `cita index` exits 0, the file is indexed or named in a warning, the
//! normal files beside it are all indexed and searchable, and the run stays
//! within a deadline and a memory bound (the child's peak RSS, read from
//! `/proc/<pid>/status` while it runs). These are bounds against hangs and
//! runaway memory, not speed goals.
#![cfg(all(feature = "cli", target_os = "linux"))]

mod common;

use std::ffi::OsStr;
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;

/// A run that has not ended after this long is killed and fails its test.
const DEADLINE: Duration = Duration::from_secs(120);

/// A run whose peak RSS passes this is killed and fails its test.
const MAX_RSS_KB: u64 = 1 << 20;

/// What a bounded run gave.
struct Bounded {
    output: Output,
    peak_rss_kb: u64,
    elapsed: Duration,
}

/// The peak RSS (`VmHWM`) of a running process, in kB.
fn peak_rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Runs `cita ARGS`, polling its peak RSS; kills it and fails, naming
/// `case`, if it outlives `deadline` or its peak RSS passes `max_rss_kb`.
fn run_bounded(case: &str, args: &[&OsStr], deadline: Duration, max_rss_kb: u64) -> Bounded {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_cita"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the cita binary runs");
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            pipe.read_to_end(&mut bytes).map(|_| bytes)
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let pid = child.id();
    let mut peak = 0;
    let status = loop {
        // Read before reaping: a reaped process has no status to read.
        if let Some(now) = peak_rss_kb(pid) {
            peak = peak.max(now);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if peak > max_rss_kb || started.elapsed() > deadline {
            child.kill().ok();
            child.wait().ok();
            panic!(
                "{case}: cita index killed after {:.1} s with a peak RSS of {} MB \
                 (bounds: {} s, {} MB)",
                started.elapsed().as_secs_f64(),
                peak >> 10,
                deadline.as_secs(),
                max_rss_kb >> 10
            );
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let output = Output {
        status,
        stdout: stdout.join().unwrap().unwrap(),
        stderr: stderr.join().unwrap().unwrap(),
    };
    let bounded = Bounded {
        output,
        peak_rss_kb: peak,
        elapsed: started.elapsed(),
    };
    eprintln!(
        "{case}: cita index exited {:?} in {:.2} s, peak RSS {} MB",
        bounded.output.status.code(),
        bounded.elapsed.as_secs_f64(),
        bounded.peak_rss_kb >> 10
    );
    bounded
}

/// `cita index --format json EXTRA…` on `fixture` within the bounds; its report.
fn index_bounded(case: &str, fixture: &Fixture, extra: &[&str], max_rss_kb: u64) -> Value {
    let mut args: Vec<&OsStr> = vec![
        OsStr::new("index"),
        OsStr::new("--format"),
        OsStr::new("json"),
        OsStr::new("--corpus"),
    ];
    let (corpus, index) = (fixture.corpus(), fixture.index_path());
    args.extend([corpus.as_os_str(), OsStr::new("--index"), index.as_os_str()]);
    args.extend(extra.iter().map(OsStr::new));
    let run = run_bounded(case, &args, DEADLINE, max_rss_kb);
    let out = &run.output;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{case}: cita index failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    index_report(out)
}

/// The warnings of a report naming `source`, as `(reason, message)`.
fn warnings_for<'a>(report: &'a Value, source: &str) -> Vec<(&'a Value, &'a str)> {
    report["warnings"]
        .as_array()
        .expect("warnings is an array")
        .iter()
        .filter(|warning| warning["source"] == source)
        .map(|warning| (&warning["reason"], warning["message"].as_str().unwrap()))
        .collect()
}

/// The sources of the passages matching `query`.
fn sources_of(fixture: &Fixture, query: &str) -> Vec<String> {
    let (_, result) = search_json_in(&fixture.index_path(), query, &["--all"]);
    hits(&result)
        .iter()
        .map(|hit| hit["source"].as_str().unwrap().to_string())
        .collect()
}

/// Normal files of every format, each with its own word; returns (source, word).
fn normal_files(fixture: &Fixture) -> Vec<(&'static str, &'static str)> {
    let files: [(&str, &str, Vec<u8>); 5] = [
        (
            "normal/alpha.txt",
            "alphaword",
            b"Plain text about alphaword.\n".to_vec(),
        ),
        (
            "normal/beta.md",
            "betaword",
            b"# Notes\n\nMarkdown with betaword.\n".to_vec(),
        ),
        (
            "normal/gamma.html",
            "gammaword",
            b"<html><body><article><p>A page with gammaword.</p></article></body></html>".to_vec(),
        ),
        (
            "normal/delta.jsonl",
            "deltaword",
            b"{\"title\": \"Feed\", \"text\": \"A record with deltaword.\"}\n".to_vec(),
        ),
        (
            "normal/epsilon.pdf",
            "epsilonword",
            pdf(&["A PDF page with epsilonword."], "Epsilon", "20240505"),
        ),
    ];
    files
        .into_iter()
        .map(|(name, word, contents)| {
            fixture.file(name, contents);
            (name, word)
        })
        .collect()
}

/// Every normal file is indexed, and found by its word.
fn assert_normal_files_searchable(fixture: &Fixture, normal: &[(&str, &str)]) {
    for (source, word) in normal {
        assert_eq!(
            sources_of(fixture, word),
            [*source],
            "{source} is searchable beside the hostile files"
        );
    }
}

/// What a hostile file must come to.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// Indexed without a warning, and found by this word.
    Found(&'static str),
    /// Indexed without a warning (it has no words to find).
    Quiet,
    /// Named in a warning with this reason (`None`: partly read).
    Warned(Option<&'static str>),
    /// Partly read: a first warning starting with the one text, a last
    /// containing the other, `MAX_NOTES` + 1 in all.
    ManyNotes(&'static str, &'static str),
    /// Either indexed or named in a warning (whichever the PDF reader makes of it).
    IndexedOrWarned,
}

/// A valid PDF with two pages of text.
fn valid_pdf() -> Vec<u8> {
    pdf(
        &[
            "Page one of a document about pdfword.\nA second line.",
            "Page two holds more text.",
        ],
        "Fixture",
        "20240102",
    )
}

/// `bytes` with the byte at each of `positions` inverted.
fn flipped(bytes: &[u8], positions: impl IntoIterator<Item = usize>) -> Vec<u8> {
    let mut bytes = bytes.to_vec();
    for at in positions {
        let at = at % bytes.len();
        bytes[at] = !bytes[at];
    }
    bytes
}

/// One hostile case: the file it makes (its source in the corpus), what it
/// must come to, and how to make it in a corpus folder.
struct Case {
    source: String,
    expect: Expect,
    make: Box<dyn Fn(&Path)>,
}

/// A case that is a file with these contents.
fn file_case(source: &str, contents: Vec<u8>, expect: Expect) -> Case {
    let name = source.to_string();
    Case {
        source: source.to_string(),
        expect,
        make: Box::new(move |corpus| {
            let path = corpus.join(&name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, &contents).unwrap();
        }),
    }
}

/// A case that makes its file some other way (`make` gets the file's path).
fn special_case(source: &str, expect: Expect, make: impl Fn(&Path) + 'static) -> Case {
    let name = source.to_string();
    Case {
        source: source.to_string(),
        expect,
        make: Box::new(move |corpus| {
            let path = corpus.join(&name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            make(&path);
        }),
    }
}

/// Whether this process reads files whatever their permissions (root).
fn reads_anything() -> bool {
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("probe");
    std::fs::write(&path, "x").unwrap();
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o000)).unwrap();
    std::fs::read(&path).is_ok()
}

/// Every hostile case of the mixed corpus.
fn hostile_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    // Broken PDFs: truncated at several points, bytes flipped all over.
    let pdf = valid_pdf();
    for (i, keep) in [9, pdf.len() / 4, pdf.len() / 2, pdf.len() - 40]
        .into_iter()
        .enumerate()
    {
        cases.push(file_case(
            &format!("pdf/truncated-{i}.pdf"),
            pdf[..keep].to_vec(),
            Expect::IndexedOrWarned,
        ));
    }
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    for i in 0..12 {
        let positions: Vec<usize> = (0..1 + i % 4)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed as usize
            })
            .collect();
        cases.push(file_case(
            &format!("pdf/flipped-{i}.pdf"),
            flipped(&pdf, positions),
            Expect::IndexedOrWarned,
        ));
    }
    cases.push(file_case(
        "pdf/no-header.pdf",
        b"just text, no PDF".to_vec(),
        Expect::Warned(Some("malformed")),
    ));

    // Pathological structure.
    let nested_json = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    cases.push(file_case(
        "json/nested.json",
        nested_json.clone().into_bytes(),
        Expect::Warned(Some("malformed")),
    ));
    cases.push(file_case(
        "json/nested.jsonl",
        format!("{nested_json}\n{{\"text\": \"A record after the deep one, jsonlword.\"}}\n")
            .into_bytes(),
        Expect::Warned(None),
    ));
    // Ten million records that are not records: one warning names the
    // first, one counts the rest (it used to be a warning each: 112 s, 4.2 GB).
    cases.push(file_case(
        "json/numbers.json",
        format!("[{}1]", "1,".repeat(2_000_000)).into_bytes(),
        Expect::ManyNotes("record 1: not a JSON object", "more records skipped"),
    ));
    let entities = "&amp;".repeat(200_000);
    cases.push(file_case(
        "entities/line.html",
        format!("<html><body><p>{entities}</p><p>entityhtmlword</p></body></html>").into_bytes(),
        Expect::Found("entityhtmlword"),
    ));
    cases.push(file_case(
        "entities/line.md",
        format!("{entities}\n\nentitymdword\n").into_bytes(),
        Expect::Found("entitymdword"),
    ));
    cases.push(file_case(
        "entities/line.txt",
        format!("{entities}\n\nentitytxtword\n").into_bytes(),
        Expect::Found("entitytxtword"),
    ));
    cases.push(file_case(
        "frontmatter/unclosed.md",
        format!(
            "---\ntitle: Never closed\nfrontword: yes\n{}",
            "key: value\n".repeat(100_000)
        )
        .into_bytes(),
        Expect::Found("frontword"),
    ));

    // Names Linux allows: a newline, bytes that are not UTF-8 (the source
    // is the name's lossy form).
    cases.push(file_case(
        "names/new\nline.txt",
        b"A file whose name has a newline, newlineword.\n".to_vec(),
        Expect::Found("newlineword"),
    ));
    cases.push(special_case(
        "names/bad\u{fffd}\u{fffd}name.txt",
        Expect::Found("invalidnameword"),
        |path| {
            let invalid = path
                .parent()
                .unwrap()
                .join(OsStr::from_bytes(b"bad\xff\xfename.txt"));
            std::fs::write(invalid, "A file with an invalid name, invalidnameword.\n").unwrap();
        },
    ));

    // Encodings and whitespace.
    cases.push(file_case("text/empty.txt", Vec::new(), Expect::Quiet));
    // A file of no bytes is empty in every format (a download that never
    // arrived), not a malformed one.
    for extension in [
        "pdf", "docx", "odt", "epub", "eml", "mbox", "zip", "tar", "tar.gz", "png",
    ] {
        cases.push(file_case(
            &format!("empty/file.{extension}"),
            Vec::new(),
            Expect::Quiet,
        ));
    }
    cases.push(file_case(
        "text/whitespace.txt",
        b" \n\t\r\n   \n\n".to_vec(),
        Expect::Quiet,
    ));
    cases.push(file_case(
        "text/crlf.txt",
        b"First line with crlfword\r\nwrapped here.\r\n\r\nSecond paragraph.\r\n".to_vec(),
        Expect::Found("crlfword"),
    ));
    cases.push(file_case(
        "text/utf16-no-bom.txt",
        "UTF-16 text without a byte-order mark, utfsixteenword.\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect(),
        Expect::Warned(Some("binary")),
    ));
    let mut nul_heavy = b"nulword ".to_vec();
    nul_heavy.extend(std::iter::repeat_n(0u8, 50_000));
    nul_heavy.extend_from_slice(b" more text");
    cases.push(file_case(
        "text/nul-heavy.txt",
        nul_heavy,
        Expect::Warned(Some("binary")),
    ));

    // Special files: a FIFO (reading it would block) and a link to
    // /dev/zero (reading it would never end) are refused unopened.
    cases.push(special_case(
        "special/pipe.txt",
        Expect::Warned(Some("unreadable")),
        |path| {
            let made = Command::new("mkfifo").arg(path).status();
            assert!(made.is_ok_and(|status| status.success()), "mkfifo failed");
        },
    ));
    cases.push(special_case(
        "special/zero.txt",
        Expect::Warned(Some("unreadable")),
        |path| std::os::unix::fs::symlink("/dev/zero", path).unwrap(),
    ));
    // Files gone or unreadable: a dangling link; a file without permissions
    // (which root reads anyway).
    cases.push(special_case(
        "special/dangling.txt",
        Expect::Warned(Some("unreadable")),
        |path| std::os::unix::fs::symlink(path.with_file_name("gone.txt"), path).unwrap(),
    ));
    cases.push(special_case(
        "special/locked.txt",
        if reads_anything() {
            Expect::Found("lockedword")
        } else {
            Expect::Warned(Some("unreadable"))
        },
        |path| {
            std::fs::write(path, "A file without permissions, lockedword.\n").unwrap();
            std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(0o000))
                .unwrap();
        },
    ));
    cases
}

/// Checks what the run made of `case`; describes the outcome, or says what is wrong.
fn check_case(fixture: &Fixture, report: &Value, case: &Case) -> Result<String, String> {
    let source = case.source.as_str();
    let warnings = warnings_for(report, source);
    let ok = match case.expect {
        Expect::Found(word) => warnings.is_empty() && sources_of(fixture, word) == [source],
        Expect::ManyNotes(first, last) => {
            warnings
                .iter()
                .any(|(reason, message)| reason.is_null() && message.starts_with(first))
                && warnings
                    .iter()
                    .any(|(reason, message)| reason.is_null() && message.contains(last))
                && warnings.len() == cita::ingest::jsonl::MAX_NOTES + 1
        }
        Expect::Quiet => warnings.is_empty(),
        Expect::Warned(reason) => warnings.iter().any(|(got, _)| got.as_str() == reason),
        Expect::IndexedOrWarned => true,
    };
    // cita's own failure (a caught panic) is a bug, whatever the case.
    let internal = warnings
        .iter()
        .any(|(reason, _)| reason.as_str() == Some("internal"));
    let reason = |reason: &Value| reason.as_str().unwrap_or("null").to_string();
    let outcome = match warnings.as_slice() {
        [] => "indexed".to_string(),
        [(first, message)] => format!("warning `{}`: {message}", reason(first)),
        [(first, message), ..] => format!(
            "{} warnings, the first `{}`: {message}",
            warnings.len(),
            reason(first)
        ),
    };
    if ok && !internal {
        Ok(outcome)
    } else {
        Err(format!(
            "{source:?}: expected {:?}, got {outcome}",
            case.expect
        ))
    }
}

#[test]
fn a_hostile_corpus_is_indexed_or_named_and_the_rest_stays_searchable() {
    let fixture = Fixture::new();
    let normal = normal_files(&fixture);
    let cases = hostile_cases();
    for case in &cases {
        (case.make)(&fixture.corpus());
    }

    // Files vanishing and reappearing while the run reads them.
    let churn: Vec<PathBuf> = (0..50)
        .map(|i| fixture.corpus().join(format!("churn/{i:02}.txt")))
        .collect();
    std::fs::create_dir_all(fixture.corpus().join("churn")).unwrap();
    for path in &churn {
        std::fs::write(path, "churnword ".repeat(2000)).unwrap();
    }
    let done = Arc::new(AtomicBool::new(false));
    let churner = {
        let (done, churn) = (done.clone(), churn.clone());
        std::thread::spawn(move || {
            let mut round = 0usize;
            while !done.load(Ordering::Relaxed) {
                let path = &churn[round % churn.len()];
                if round.is_multiple_of(2) {
                    std::fs::remove_file(path).ok();
                } else {
                    std::fs::write(path, "churnword again\n".repeat(round % 500)).ok();
                }
                round += 1;
                std::thread::sleep(Duration::from_micros(200));
            }
        })
    };
    let report = index_bounded("hostile corpus", &fixture, &["--jobs", "2"], MAX_RSS_KB);
    done.store(true, Ordering::Relaxed);
    churner.join().unwrap();

    let mut failures = Vec::new();
    for case in &cases {
        match check_case(&fixture, &report, case) {
            Ok(outcome) => eprintln!("  {:?}: {outcome}", case.source),
            Err(failure) => failures.push(failure),
        }
    }
    assert!(
        failures.is_empty(),
        "{}\nreport: {report}",
        failures.join("\n")
    );
    // Every warning names a case (or a churned file): nothing else went wrong.
    for warning in report["warnings"].as_array().unwrap() {
        let source = warning["source"].as_str().unwrap();
        assert!(
            cases.iter().any(|case| case.source == source) || source.starts_with("churn/"),
            "unexpected warning: {warning}"
        );
        assert_ne!(warning["reason"], "internal", "{warning}");
    }
    assert_normal_files_searchable(&fixture, &normal);
    // The JSON Lines feed kept its good record.
    assert_eq!(sources_of(&fixture, "jsonlword"), ["json/nested.jsonl"]);
    // The PDFs that were indexed hold the fixture's text, never garbage.
    for source in sources_of(&fixture, "pdfword") {
        assert!(source.starts_with("pdf/"), "{source}");
    }
}

/// With `CITA_HOSTILE_TABLE=1`, indexes each hostile case alone beside the
/// normal files and prints a Markdown table of outcome, peak RSS and time
/// (RELIABILITY-hostile.md: `CITA_HOSTILE_TABLE=1 cargo test --release
/// --test hostile -- --nocapture one_by_one`).
#[test]
fn hostile_cases_one_by_one() {
    if std::env::var_os("CITA_HOSTILE_TABLE").is_none() {
        return;
    }
    let mut rows = vec![
        "| case | outcome | peak RSS | time |".to_string(),
        "|---|---|---|---|".to_string(),
    ];
    for case in hostile_cases() {
        let fixture = Fixture::new();
        let normal = normal_files(&fixture);
        (case.make)(&fixture.corpus());
        let mut args: Vec<&OsStr> = vec![
            OsStr::new("index"),
            OsStr::new("--format"),
            OsStr::new("json"),
            OsStr::new("--corpus"),
        ];
        let (corpus, index) = (fixture.corpus(), fixture.index_path());
        args.extend([corpus.as_os_str(), OsStr::new("--index"), index.as_os_str()]);
        let run = run_bounded(&case.source, &args, DEADLINE, MAX_RSS_KB);
        assert_eq!(run.output.status.code(), Some(0), "{}", case.source);
        let report = index_report(&run.output);
        let outcome =
            check_case(&fixture, &report, &case).unwrap_or_else(|failure| panic!("{failure}"));
        assert_normal_files_searchable(&fixture, &normal);
        rows.push(format!(
            "| `{}` | {} | {} MB | {:.2} s |",
            case.source.escape_debug(),
            outcome.replace('|', "\\|"),
            run.peak_rss_kb >> 10,
            run.elapsed.as_secs_f64()
        ));
    }
    println!("{}", rows.join("\n"));
}

/// F6: 100,000 nested `<div>`s (1.1 MB) took 70 s to index; 12.5k 0.85 s,
/// 25k 2.9 s: quadratic in html5ever. Now flattened past a depth, linear.
#[test]
fn a_hundred_thousand_nested_divs_index_in_bounded_time() {
    let fixture = Fixture::new();
    let normal = normal_files(&fixture);
    let n = 100_000;
    fixture.file(
        "deep/divs.html",
        format!(
            "<html><body>{}<p>deepword</p>{}<p>shallowword</p></body></html>",
            "<div>".repeat(n),
            "</div>".repeat(n)
        ),
    );
    let report = index_bounded("100k nested divs", &fixture, &[], MAX_RSS_KB);
    assert!(
        warnings_for(&report, "deep/divs.html").is_empty(),
        "{report}"
    );
    assert_eq!(sources_of(&fixture, "deepword"), ["deep/divs.html"]);
    assert_eq!(sources_of(&fixture, "shallowword"), ["deep/divs.html"]);
    assert_normal_files_searchable(&fixture, &normal);
}

/// F7: a 2 GB sparse file was read whole (2.1 GB of RSS) before being
/// skipped as binary. Now its first block decides, and a text file over the
/// size cap is not read at all.
#[test]
fn a_sparse_two_gigabyte_file_is_refused_from_its_head() {
    let fixture = Fixture::new();
    let normal = normal_files(&fixture);
    for name in ["sparse/zeros.txt", "sparse/zeros.pdf", "sparse/zeros.html"] {
        let path = fixture.corpus().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::File::create(&path)
            .unwrap()
            .set_len(2 << 30)
            .unwrap();
    }
    // Under the caps, zeros are binary (or no PDF) from the first block.
    for name in [
        "sparse/small-zeros.txt",
        "sparse/small-zeros.pdf",
        "sparse/small-zeros.mbox",
        "sparse/small-zeros.eml",
        "sparse/small-zeros.mht",
    ] {
        std::fs::File::create(fixture.corpus().join(name))
            .unwrap()
            .set_len(200 << 20)
            .unwrap();
    }
    let report = index_bounded("2 GB sparse files", &fixture, &[], 256 << 10);
    for (source, reason) in [
        ("sparse/zeros.txt", "too_large"),
        ("sparse/zeros.html", "too_large"),
        ("sparse/zeros.pdf", "too_large"),
        ("sparse/small-zeros.txt", "binary"),
        ("sparse/small-zeros.pdf", "malformed"),
        // Mail is text: refused from its head (a review: read whole first).
        ("sparse/small-zeros.mbox", "binary"),
        ("sparse/small-zeros.eml", "binary"),
        ("sparse/small-zeros.mht", "binary"),
    ] {
        let warnings = warnings_for(&report, source);
        assert!(
            warnings.iter().any(|(got, _)| got.as_str() == Some(reason)),
            "{source}: {warnings:?}"
        );
    }
    assert_normal_files_searchable(&fixture, &normal);
}

/// F7: a 20 MB file that is one word peaked at 870 MB with `-j 1 --memory
/// 15` (the splitter kept a 24-byte table entry per character, 43 times
/// the file); a 20 MB paragraph of short words at 382 MB (an entry per
/// word). Scaled down to 5 MB each for a debug build, where the word alone
/// would have peaked at some 200 MB: now each costs a few times its size.
#[test]
fn a_five_megabyte_word_costs_a_few_times_its_size() {
    let fixture = Fixture::new();
    let normal = normal_files(&fixture);
    fixture.file("long/word.txt", "x".repeat(5_000_000));
    // 650,000 words (4,096 distinct, so that tantivy's own work stays small
    // in a debug build), one sentence: 5.2 MB.
    let paragraph: String = (0..650_000)
        .map(|i| format!("w{:06x} ", i % 4096))
        .collect();
    fixture.file("long/paragraph.txt", paragraph);
    // Far below what the word took, and room for the binary, the writer's
    // 15 MB and each file a few times over.
    let report = index_bounded(
        "5 MB word and paragraph",
        &fixture,
        &["--jobs", "1", "--memory", "15"],
        140 << 10,
    );
    assert!(
        warnings_for(&report, "long/word.txt").is_empty(),
        "{report}"
    );
    let mut sources = sources_of(&fixture, "w0007ff");
    sources.dedup();
    assert_eq!(sources, ["long/paragraph.txt"]);
    assert_normal_files_searchable(&fixture, &normal);
}

/// A review: a title, subject or heading of 150,000 characters was stored
/// whole in each of its document's passages (a 185 KB Markdown file made a
/// 58 MB index, a 1.7 MB mail 310 MB). Each is cut to about 500
/// characters; a URL past 4,096 bytes is left out.
#[test]
fn a_huge_title_subject_or_heading_is_cut_not_stored_per_passage() {
    let fixture = Fixture::new();
    let normal = normal_files(&fixture);
    let long: String = (0..20_000).map(|i| format!("w{i}x ")).collect();
    let paragraphs: String = (0..300)
        .map(|i| format!("Paragraph {i} mentions hugeword{i}.\n\n"))
        .collect();
    fixture.file(
        "long/title.md",
        format!(
            "---\ntitle: \"{long}\"\nurl: \"https://example.org/{}\"\n---\n\n{paragraphs}",
            "a".repeat(5000)
        ),
    );
    fixture.file(
        "long/heading.md",
        format!("# {long}\n\n{}", paragraphs.replace("hugeword", "headword")),
    );
    fixture.file(
        "long/subject.eml",
        format!(
            "From: {long} <a@example.org>\nSubject: {long}\nDate: Mon, 3 Jun 2024 10:00:00 +0000\n\n{}",
            paragraphs.replace("hugeword", "mailword")
        ),
    );
    index_bounded("huge metadata", &fixture, &[], MAX_RSS_KB);
    for (word, field) in [
        ("hugeword7", "title"),
        ("headword7", "section"),
        ("mailword7", "title"),
        ("mailword7", "author"),
    ] {
        let (_, result) = fixture.search(word, &[]);
        let hit = &hits(&result)[0];
        let value = hit[field]
            .as_str()
            .unwrap_or_else(|| panic!("{word}: no {field} in {hit}"));
        assert!(value.starts_with("w0x w1x "), "{word}: {field} {value:.40}");
        assert!(
            value.chars().count() <= 501 && value.ends_with('…'),
            "{word}: {field} of {}",
            value.len()
        );
        if word == "hugeword7" {
            assert!(hit["url"].is_null(), "{hit}");
        }
    }
    let index_bytes: u64 = walkdir::WalkDir::new(fixture.index_path())
        .into_iter()
        .filter_map(|entry| entry.ok()?.metadata().ok())
        .map(|meta| meta.len())
        .sum();
    assert!(
        index_bytes < 20 << 20,
        "the index takes {index_bytes} bytes"
    );
    assert_normal_files_searchable(&fixture, &normal);
}

/// A review: a PDF page of 600 MB of drawing operators, packed into a
/// 1.8 MB file, took all 24 GB of the machine (the text extractor keeps
/// some 85 bytes per byte of content), and every later run died on it. A
/// page whose content unpacks past 4 MB is not read, and says so; the
/// PDF's other pages are.
#[test]
fn a_pdf_page_whose_content_unpacks_to_64_megabytes_is_left_out() {
    let fixture = Fixture::new();
    let normal = normal_files(&fixture);
    let bomb = b"BT /F1 12 Tf 72 720 Td (bomb) Tj ET\n".repeat((64 << 20) / 36);
    let typed: &[(i32, &str)] = &[(720, "The Guayabero river report.")];
    fixture.file(
        "bomb/page.pdf",
        pdf_pages(
            &[PdfPage::Deflated(&bomb, 1), PdfPage::Text(typed, 12)],
            "Report",
            "20240102",
        ),
    );
    // Deflated twice (found by a diff review: counted once inflated).
    fixture.file(
        "bomb/twice.pdf",
        pdf_pages(
            &[
                PdfPage::Deflated(&bomb, 2),
                PdfPage::Text(&[(720, "The Guayabero river, twice.")], 12),
            ],
            "Twice",
            "20240102",
        ),
    );
    // A PDF of that page alone is skipped for it.
    fixture.file(
        "bomb/only.pdf",
        pdf_pages(&[PdfPage::Deflated(&bomb, 1)], "Only", "20240102"),
    );
    // Just under the limit, read.
    let drawing = b"0 0 m 10 10 l S\n".repeat((3 << 20) / 16);
    let mut content = b"BT /F1 12 Tf 72 720 Td (Ariari map) Tj ET\n".to_vec();
    content.extend(&drawing);
    fixture.file(
        "bomb/map.pdf",
        pdf_pages(&[PdfPage::Deflated(&content, 1)], "Map", "20240102"),
    );
    let report = index_bounded("64 MB page", &fixture, &["--no-ocr"], 600 << 10);
    let warnings = warnings_for(&report, "bomb/page.pdf");
    assert!(
        warnings.iter().any(|(_, message)| *message
            == "page 1: its content unpacks past 4 MB (a drawing, or a bomb?), not read"),
        "{warnings:?}"
    );
    let warnings = warnings_for(&report, "bomb/twice.pdf");
    assert!(
        warnings
            .iter()
            .any(|(_, message)| message.starts_with("page 1: its content unpacks past 4 MB")),
        "{warnings:?}"
    );
    let warnings = warnings_for(&report, "bomb/only.pdf");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].0, "too_large", "{warnings:?}");
    assert_eq!(
        sources_of(&fixture, "Guayabero"),
        ["bomb/page.pdf", "bomb/twice.pdf"]
    );
    assert_eq!(sources_of(&fixture, "Ariari"), ["bomb/map.pdf"]);
    assert_normal_files_searchable(&fixture, &normal);
}

/// A review: a Markdown line of 150,000 unclosed `<div>`s (1 MB) was still
/// being indexed after 120 s (its HTML was parsed unflattened, and each
/// node's ancestors walked); the same as `.html` took 0.2 s. Now linear.
#[test]
fn a_markdown_line_of_a_hundred_and_fifty_thousand_open_divs_indexes_in_bounded_time() {
    let fixture = Fixture::new();
    let normal = normal_files(&fixture);
    fixture.file(
        "deep/divs.md",
        format!(
            "{}mdendword\n\n<script>hiddenword</script> shownword\n",
            "<div>x ".repeat(150_000)
        ),
    );
    index_bounded("150k open divs in Markdown", &fixture, &[], MAX_RSS_KB);
    assert_eq!(sources_of(&fixture, "mdendword"), ["deep/divs.md"]);
    assert_eq!(sources_of(&fixture, "shownword"), ["deep/divs.md"]);
    assert!(sources_of(&fixture, "hiddenword").is_empty());
    assert_normal_files_searchable(&fixture, &normal);
}

/// The CRC-32 of `bytes` (PNG's, ISO-HDLC), bit by bit: a test's chunks are small.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0xedb8_8320 & (crc & 1).wrapping_neg());
        }
    }
    !crc
}

/// `png` with a colour profile (an iCCP chunk) of `megabytes` MB of zeros
/// after its header, packed in about a thousandth of that: each megabyte
/// deflated alone (a full flush), so its packed bytes repeat.
fn with_profile_bomb(png: &[u8], megabytes: u32) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress};
    let zeros = vec![0u8; 1 << 20];
    let mut deflate = Compress::new(Compression::best(), false);
    let mut packed = |input: &[u8], flush| {
        let mut out = Vec::with_capacity(64 << 10);
        deflate.compress_vec(input, &mut out, flush).unwrap();
        out
    };
    let first = packed(&zeros, FlushCompress::Full);
    let next = packed(&zeros, FlushCompress::Full);
    let end = packed(&[], FlushCompress::Finish);
    let length = u64::from(megabytes) << 20;
    // Adler-32 of zeros: its sum of bytes plus one stays 1, and the sum of
    // those sums is the length.
    let adler = (((length % 65521) as u32) << 16) | 1;
    let mut chunk = b"iCCPbomb\0\0\x78\xda".to_vec();
    chunk.extend(&first);
    for _ in 1..megabytes {
        chunk.extend(&next);
    }
    chunk.extend(&end);
    chunk.extend(adler.to_be_bytes());
    // After the signature (8 bytes) and the header chunk (25).
    let mut out = png[..33].to_vec();
    out.extend(((chunk.len() - 4) as u32).to_be_bytes());
    out.extend(&chunk);
    out.extend(crc32(&chunk).to_be_bytes());
    out.extend(&png[33..]);
    out
}

/// A scan whose colour profile unpacks to a gigabyte (1.1 MB on disk) is
/// read in the memory its pixels need: the image decoder given to turn a
/// page that reads poorly unpacked it, within a budget of 1 GB (a peak of
/// 1.6 GB; two at once, 2.9 GB; found by a review).
#[test]
fn a_scan_whose_colour_profile_unpacks_to_a_gigabyte_is_read_in_bounded_memory() {
    ensure_tesseract();
    let fixture = Fixture::new();
    // Sideways, so that it reads poorly upright and is decoded to be turned.
    let upright = image::load_from_memory(&scan_png(
        "The embassy cable names\nthe Guayabero operation\nand the river crossing.",
    ))
    .unwrap();
    let mut sideways = std::io::Cursor::new(Vec::new());
    upright
        .rotate270()
        .write_to(&mut sideways, image::ImageFormat::Png)
        .unwrap();
    let bomb = with_profile_bomb(sideways.get_ref(), 1024);
    assert!(bomb.len() < 2 << 20, "{} bytes", bomb.len());
    fixture.file("bomb.png", &bomb);
    let report = index_bounded("a 1 GB colour profile", &fixture, &[], 300 << 10);
    assert_eq!(report["files_indexed"], 1, "{report}");
    let (_, found) = fixture.search("guayabero", &[]);
    assert_eq!(found["total"], 1, "{found}");
}
