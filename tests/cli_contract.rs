//! The command line as other tools see it: exit codes, messages, formats,
//! colours, and the first-use index build.

mod common;

use common::*;

fn index_arg() -> String {
    shipped_index().to_str().unwrap().to_string()
}

#[test]
fn exit_codes_follow_grep() {
    let index = index_arg();
    assert_eq!(
        run(&["search", "--index", &index, "lazo"]).status.code(),
        Some(0)
    );
    assert_eq!(
        run(&["search", "--index", &index, "zzyzxnotaword"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        run(&["search", "--index", &index, "lazo AND"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        run(&["search", "--index", &index]).status.code(),
        Some(2),
        "a missing query is a usage error"
    );
    assert_eq!(
        run(&["search", "--index", &index, "--limit", "0", "lazo"])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn malformed_queries_get_one_line_on_stderr_and_exit_2() {
    let index = index_arg();
    for (query, expected) in [
        ("\"Plan LAZO", "never closed"),
        ("lazo AND", "needs a term after it"),
        ("(plan lazo", "never closed"),
        ("plan lazo)", "unmatched ')'"),
        ("-colombia", "cannot only exclude"),
        ("NOT plan", "cannot only exclude"),
        ("lazo NOT NOT colombia", "excluded twice"),
        ("lazo -(-colombia)", "excluded twice"),
        ("lazo NOT --colombia", "excluded twice"),
        ("NOT NOT lazo", "excluded twice"),
        ("OR plan", "needs a term before it"),
        ("\"Plan LAZO\"~x", "number"),
        ("title:", "after the colon"),
        ("— …", "no words"),
        ("lazo~2", "fuzzy matching"),
        ("lazo^2", "boosts"),
    ] {
        let out = run(&["search", "--index", &index, "--", query]);
        assert_eq!(out.status.code(), Some(2), "{query:?}");
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{query:?}: {err}");
        assert!(
            err.starts_with("cita: invalid query: ") && err.contains(expected),
            "{query:?}: {err}"
        );
        assert!(!err.contains("panicked"));
        assert!(out.stdout.is_empty());
    }
}

/// Output that cannot be written is an error saying so (exit 2: it said
/// only "No space left on device"); a reader that stops reading
/// (`cita search … | head`) is not one.
#[cfg(target_os = "linux")]
#[test]
fn output_that_cannot_be_written_is_named_and_a_reader_that_stops_is_no_error() {
    let index = index_arg();
    for args in [
        &["search", "--index", &index, "lazo"][..],
        &["--help"],
        &["--version"],
        &["help", "search"],
    ] {
        let full = std::fs::File::options()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_cita"))
            .args(args)
            .stdout(full)
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(
            err, "cita: cannot write to standard output: No space left on device (os error 28)\n",
            "{args:?}"
        );
    }
    let mut reader = std::process::Command::new(env!("CARGO_BIN_EXE_cita"))
        // 1.6 MB, past what the pipe holds.
        .args([
            "search", "--index", &index, "--all", "--format", "json", "-C", "5", "*",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 1];
    std::io::Read::read_exact(reader.stdout.as_mut().unwrap(), &mut first).unwrap();
    drop(reader.stdout.take());
    let out = reader.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
}

#[test]
fn bad_options_are_one_line_errors() {
    let index = index_arg();
    for args in [
        vec!["search", "--index", &index, "--since", "2025-13-01", "lazo"],
        vec![
            "search", "--index", &index, "--since", "2026", "--until", "2025", "lazo",
        ],
        vec!["search", "--index", &index, "--snippet-chars", "0", "lazo"],
        vec!["search", "--index", &index, "--limit", "-1", "lazo"],
        vec!["search", "--index", &index, "--format", "xml", "lazo"],
        vec!["search", "--index", &index, "--color", "sometimes", "lazo"],
        vec!["search", "--index", &index, "--no-such-flag", "lazo"],
        // Every concordance line is padded to the width: a huge one aborted.
        vec!["kwic", "--index", &index, "--width", "0", "lazo"],
        vec!["kwic", "--index", &index, "--width", "201", "lazo"],
        vec![
            "kwic",
            "--index",
            &index,
            "--width",
            "9223372036854775807",
            "lazo",
        ],
    ] {
        let out = run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(
            stderr(&out).lines().count(),
            1,
            "{args:?}: {}",
            stderr(&out)
        );
    }
    // A negative number is the option's value, not a word to exclude.
    let out = run(&["search", "--index", &index, "lazo", "-n", "-1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("'-1' for '--limit <N>': a negative number, which no option takes"),
        "{}",
        stderr(&out)
    );
    let out = run(&["search", "--index", &index, "lazo", "-n", "ten"]);
    assert!(
        stderr(&out).contains("'ten' for '--limit <N>': not a whole number"),
        "{}",
        stderr(&out)
    );
    // The line names what is missing.
    let out = run(&["timeline", "--index", &index]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("<QUERY>"), "{}", stderr(&out));
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
}

#[test]
fn a_query_starting_with_a_dash_works_after_double_dash() {
    let (code, result) = search_json("-colombia lazo", &[]);
    assert_eq!(code, 0);
    assert!(hits(&result).iter().all(|h| !has_word(h, "colombia")));
    // Before `--`, the word is an unknown option: the one line says how to
    // write the exclusion; a mistyped long option gets clap's suggestion.
    let index = index_arg();
    let refused = |args: &[&str]| {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{err}");
        err
    };
    for command in ["search", "kwic", "timeline"] {
        let err = refused(&[command, "--index", &index, "lazo", "-colombia"]);
        assert!(
            err.contains(&format!("`cita {command} -- lazo -colombia`")),
            "{err}"
        );
    }
    let err = refused(&["search", "--index", &index, "--limt", "3", "lazo"]);
    assert!(
        err.contains("'--limit'") && err.contains("exclude"),
        "{err}"
    );
    let err = refused(&["index", "--index", &index, "--jbos", "2"]);
    assert!(
        err.contains("'--jobs'") && !err.contains("exclude"),
        "{err}"
    );
    // An argument that is not UTF-8 is refused as any other, not a panic.
    use std::os::unix::ffi::OsStrExt;
    let bad = std::ffi::OsStr::from_bytes(b"\xff");
    let search = std::ffi::OsStr::new("search");
    let option = std::ffi::OsStr::new("-x");
    for args in [vec![bad], vec![search, bad, option]] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_cita"))
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    }
}

#[test]
fn an_explicit_missing_index_is_an_error_that_says_to_run_cita_index() {
    let dir = tempfile::TempDir::new().unwrap();
    let missing = dir.path().join("nowhere");
    let out = run(&["search", "--index", missing.to_str().unwrap(), "lazo"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cita index"), "{}", stderr(&out));
    assert!(!missing.exists(), "searching never creates an index");
}

/// A folder holding `corpus/a.txt`, and no index.
fn folder_with_a_corpus() -> tempfile::TempDir {
    let dir = tempfile::TempDir::new().unwrap();
    std::fs::create_dir(dir.path().join("corpus")).unwrap();
    std::fs::write(
        dir.path().join("corpus/a.txt"),
        "Plan LAZO began in 1964.\n",
    )
    .unwrap();
    dir
}

#[test]
fn search_builds_the_default_index_from_corpus_on_first_use() {
    let dir = folder_with_a_corpus();
    let out = run_in(dir.path(), &["search", "\"Plan LAZO\""]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("building index from corpus"),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).contains("**Plan LAZO**"));
    assert!(dir.path().join("index/meta.json").is_file());
    let again = run_in(dir.path(), &["search", "lazo"]);
    assert!(
        stderr(&again).is_empty(),
        "the second search reuses the index: {}",
        stderr(&again)
    );
}

/// A request any index would refuse is said at once, in one line, before
/// the first build (which, on a real archive, takes minutes).
#[test]
fn a_malformed_query_is_refused_before_the_first_build() {
    let dir = folder_with_a_corpus();
    for args in [
        &["search", "\"unclosed"][..],
        &["search", "--", "-lazo"],
        &["search", "--snippet-chars", "0", "lazo"],
        &["kwic", "(lazo"],
        &["timeline", "lazo", "OR"],
        // A timeline's axis before its query, as an index refuses them.
        &["timeline", "--mentions", "--by", "month", "lazo"],
    ] {
        let out = run_in(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(
            stderr(&out).lines().count(),
            1,
            "{args:?}: {}",
            stderr(&out)
        );
        assert!(!dir.path().join("index").exists(), "{args:?}");
    }
}

#[test]
fn a_refused_option_leaves_no_index_folder() {
    let dir = folder_with_a_corpus();
    for (glob, says) in [
        ("!drafts", "negated globs are not supported"),
        (
            "[",
            "invalid --exclude glob \"[\": error parsing glob '[': unclosed",
        ),
    ] {
        let failed = run_in(dir.path(), &["index", "--exclude", glob]);
        assert_eq!(failed.status.code(), Some(2), "{}", stderr(&failed));
        assert!(stderr(&failed).contains(says), "{}", stderr(&failed));
        assert!(!dir.path().join("index").exists(), "{glob}");
    }
}

#[test]
fn an_index_path_that_is_a_file_is_named_so() {
    let dir = folder_with_a_corpus();
    std::fs::write(dir.path().join("notes.txt"), "not an index").unwrap();
    for args in [
        &["search", "--index", "notes.txt", "lazo"][..],
        &["stats", "--index", "notes.txt"],
    ] {
        let out = run_in(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stdout(&out));
        assert_eq!(
            stderr(&out),
            "cita: notes.txt: a file, not an index folder\n",
            "{args:?}"
        );
    }
    let out = run_in(dir.path(), &["index", "--index", "notes.txt"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(
        stderr(&out).ends_with(": notes.txt: a file, not an index folder\n"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_first_build_that_failed_leaves_no_index_to_answer_nothing_from() {
    let dir = folder_with_a_corpus();
    // What a first build stopped before its first batch leaves: the schema.
    std::fs::create_dir(dir.path().join("index")).unwrap();
    tantivy::Index::create_in_dir(dir.path().join("index"), cita::schema::build().0).unwrap();
    for args in [
        &["search", "--index", "index", "lazo"][..],
        &["search", "--count", "--index", "index", "lazo"],
    ] {
        let out = run_in(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stdout(&out));
        assert!(
            stderr(&out).contains("no index at index"),
            "{}",
            stderr(&out)
        );
    }
    // While the first build runs (it holds the lock), every command says
    // so, not "run `cita index`", which the lock would refuse.
    let lock = std::fs::File::create(dir.path().join("index/.cita-index.lock")).unwrap();
    lock.try_lock().unwrap();
    for args in [
        &["search", "--index", "index", "lazo"][..],
        &["stats", "--index", "index"],
        &["serve", "--index", "index", "--port", "0"],
    ] {
        let out = run_in(dir.path(), args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.lines().count() == 1
                && err.contains("is still being built by its first `cita index`")
                && !err.contains("cannot index"),
            "{args:?}: {err}"
        );
    }
    drop(lock);
    // Before the build has written its schema: the lock alone, and a
    // temporary file of tantivy's, which is no foreign file then.
    let early = folder_with_a_corpus();
    std::fs::create_dir(early.path().join("index")).unwrap();
    std::fs::write(early.path().join("index/.tmpAbC123"), b"").unwrap();
    let lock = std::fs::File::create(early.path().join("index/.cita-index.lock")).unwrap();
    lock.try_lock().unwrap();
    let out = run_in(early.path(), &["search", "--index", "index", "lazo"]);
    assert!(
        stderr(&out).contains("is still being built by its first `cita index`"),
        "{}",
        stderr(&out)
    );
    drop(lock);
    let out = run_in(dir.path(), &["search", "lazo"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("there is no index yet"),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).contains("**LAZO**"), "{}", stdout(&out));
}

#[test]
fn without_index_or_corpus_search_explains_what_to_do() {
    let dir = tempfile::TempDir::new().unwrap();
    let out = run_in(dir.path(), &["search", "lazo"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cita index"));
}

#[test]
fn json_lines_prints_one_hit_object_per_line() {
    let out = run(&[
        "search",
        "--index",
        &index_arg(),
        "--format",
        "jsonl",
        "--limit",
        "4",
        "petro",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4);
    for (i, line) in lines.iter().enumerate() {
        let hit: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(hit["rank"], i + 1);
    }
}

#[test]
fn text_output_marks_matches_without_escape_codes_when_piped() {
    let out = run(&["search", "--index", &index_arg(), "\"Plan LAZO\""]);
    let text = stdout(&out);
    assert!(!text.contains('\x1b'));
    assert!(text.contains("**Plan LAZO**"));
    assert!(text.contains("000_e39ce299bc3734e6.txt"));
    assert!(text.contains("§ "), "the section is shown");
}

#[test]
fn colour_is_forced_by_always_and_never_by_never() {
    let index = index_arg();
    let always = stdout(&run(&[
        "search", "--index", &index, "--color", "always", "lazo",
    ]));
    assert!(always.contains("\x1b[1;31mLAZO\x1b[0m") || always.contains("\x1b[1;31mLazo\x1b[0m"));
    let never = stdout(&run(&[
        "search", "--index", &index, "--color", "never", "lazo",
    ]));
    assert!(!never.contains('\x1b'));
}

#[test]
fn snippets_respect_the_requested_length() {
    for chars in [40usize, 120, 300] {
        let (_, result) = search_json(
            "petro",
            &["--limit", "20", "--snippet-chars", &chars.to_string()],
        );
        for hit in hits(&result) {
            let snippet = hit["snippet"].as_str().unwrap().trim_matches('…');
            let longest_match = highlighted(hit)
                .iter()
                .map(|m| m.chars().count())
                .max()
                .unwrap_or(0);
            assert!(
                snippet.chars().count() <= chars.max(longest_match),
                "{chars}: {snippet:?}"
            );
        }
    }
}

#[test]
fn a_huge_limit_returns_every_hit_without_trouble() {
    let (code, result) = search_json("petro", &["--limit", &u64::MAX.to_string()]);
    assert_eq!(code, 0);
    assert_eq!(
        hits(&result).len() as u64,
        result["total"].as_u64().unwrap()
    );
}

#[test]
fn limit_zero_in_text_still_says_how_many_passages_match() {
    let out = run(&["search", "--index", &index_arg(), "--limit", "0", "petro"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.trim_end().ends_with("matching passages"), "{text}");
}

#[test]
fn limit_zero_counts_without_hits() {
    let (code, result) = search_json("petro", &["--limit", "0"]);
    assert_eq!(code, 0);
    assert!(hits(&result).is_empty());
    assert!(result["total"].as_u64().unwrap() > 10);
}

#[test]
fn indexing_a_missing_corpus_fails_cleanly() {
    let dir = tempfile::TempDir::new().unwrap();
    let out = run(&[
        "index",
        "--corpus",
        dir.path().join("nope").to_str().unwrap(),
        "--index",
        dir.path().join("index").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("does not exist"));
    assert_eq!(stderr(&out).lines().count(), 1);
}

#[test]
fn indexing_into_a_folder_that_is_not_a_cita_index_changes_nothing() {
    let dir = tempfile::TempDir::new().unwrap();
    let folder = dir.path().join("project");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("meta.json"), "{}").unwrap();
    std::fs::write(folder.join("notes.txt"), "keep me").unwrap();
    let out = index_into(&shipped_corpus(), &folder);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not a cita index"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(folder.join("notes.txt")).unwrap(),
        "keep me"
    );
    assert_eq!(
        std::fs::read_to_string(folder.join("meta.json")).unwrap(),
        "{}"
    );
}

#[test]
fn help_goes_to_stdout_with_success() {
    let out = run(&["search", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("--snippet-chars"));
}

#[test]
fn stats_on_a_missing_index_fails_cleanly() {
    let dir = tempfile::TempDir::new().unwrap();
    let out = run(&["stats", "--index", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cita index"));
}

/// A corpus with something of everything the index report counts: two
/// formats (one file in a sub-folder), a binary file skipped, a file only
/// partly read, and files of types cita does not read.
fn report_fixture() -> Fixture {
    let fixture = Fixture::new();
    fixture
        .file("a.txt", "Plain words in a text file.\n")
        .file(
            "notes/dated.md",
            "---\ndate: yesterday\n---\n\n# Notes\n\nA note whose date cita cannot read.\n",
        )
        .file("sub/deeper/junk.txt", b"\x00\x01\x02binary\x00junk")
        .file("sheets/one.xlsx", "Plain words in a spreadsheet.\n")
        .file("sheets/two.xlsx", "More plain words.\n")
        .file("letter.rtf", "Plain words in a rich text file.\n")
        .file("README", "Plain words without an extension.\n");
    fixture
}

#[test]
fn the_index_summary_is_one_line_for_people() {
    let fixture = report_fixture();
    let out = fixture.index();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 1, "{text}");
    let line = text.trim_end();
    let (head, tail) = line
        .split_once(" s: ")
        .unwrap_or_else(|| panic!("no elapsed seconds: {line}"));
    let (head, seconds) = head
        .rsplit_once(" in ")
        .unwrap_or_else(|| panic!("no elapsed seconds: {line}"));
    assert!(
        seconds.parse::<f64>().is_ok() && seconds.split_once('.').unwrap().1.len() == 2,
        "seconds with two decimals: {line}"
    );
    assert_eq!(
        head,
        format!(
            "indexed 2 files (1 text, 1 markdown) as 2 documents, 2 passages into {}",
            fixture.index_path().display()
        )
    );
    // Ignored types: most first, ties by label.
    assert_eq!(
        tail,
        "2 added, 0 updated, 0 removed, 0 unchanged, 3 files read; \
         skipped 1 file (1 binary); \
         ignored 4 files of other types: 2 .xlsx, 1 .rtf, 1 no extension"
    );
    let warnings = stderr(&out);
    assert_eq!(warnings.lines().count(), 2, "{warnings}");
    assert!(
        warnings.lines().all(|l| l.starts_with("cita: warning: ")),
        "{warnings}"
    );
}

#[test]
fn index_format_json_prints_the_whole_report_on_one_line() {
    let fixture = report_fixture();
    let out = fixture.index_with(&["--format", "json"]);
    // One line, one JSON object (asserted by index_report).
    let report = index_report(&out);
    for key in [
        "corpus",
        "index",
        "files",
        "files_indexed",
        "documents",
        "passages",
        "added",
        "updated",
        "removed",
        "unchanged",
        "files_read",
        "commits",
        "skipped",
        "ignored",
        "warnings",
        "elapsed_seconds",
        "cita_version",
    ] {
        assert!(report.get(key).is_some(), "no {key}: {report}");
    }
    assert_eq!(report["corpus"], fixture.corpus().to_str().unwrap());
    assert_eq!(report["index"], fixture.index_path().to_str().unwrap());
    assert_eq!(
        report["files"],
        serde_json::json!({"text": 1, "markdown": 1})
    );
    let counts: Vec<&serde_json::Value> = [
        "files_indexed",
        "documents",
        "passages",
        "added",
        "updated",
        "removed",
        "unchanged",
        "files_read",
        "commits",
    ]
    .iter()
    .map(|key| &report[key])
    .collect();
    assert_eq!(counts, [2, 2, 2, 2, 0, 0, 0, 3, 1], "{report}");
    assert_eq!(report["skipped"], serde_json::json!({"binary": 1}));
    assert_eq!(
        report["ignored"],
        serde_json::json!({".xlsx": 2, ".rtf": 1, "no extension": 1})
    );
    assert!(report["elapsed_seconds"].as_f64().unwrap() >= 0.0);
    assert_eq!(report["cita_version"], env!("CARGO_PKG_VERSION"));

    // Sources relative to the corpus with '/'; a reason for a skipped
    // file, null for one only partly read.
    let mut warnings: Vec<(&str, &serde_json::Value, &str)> = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["source"].as_str().unwrap(),
                &w["reason"],
                w["message"].as_str().unwrap(),
            )
        })
        .collect();
    warnings.sort_by_key(|(source, ..)| *source);
    assert_eq!(warnings.len(), 2, "{report}");
    let (source, reason, message) = warnings[0];
    assert_eq!(
        (source, reason),
        ("notes/dated.md", &serde_json::Value::Null)
    );
    assert!(message.contains("\"yesterday\""), "{message}");
    let (source, reason, message) = warnings[1];
    assert_eq!(
        (source, reason),
        ("sub/deeper/junk.txt", &serde_json::json!("binary"))
    );
    assert!(message.contains("binary"), "{message}");
    // For people the warnings still go to stderr.
    assert_eq!(stderr(&out).lines().count(), 2, "{}", stderr(&out));
}

#[test]
fn quiet_wins_over_format_json() {
    let fixture = report_fixture();
    let out = fixture.index_with(&["--quiet", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "{}", stdout(&out));
    // Warnings still print; the index is built.
    assert_eq!(stderr(&out).lines().count(), 2, "{}", stderr(&out));
    assert_eq!(fixture.sources("plain"), ["a.txt"]);
}

#[test]
fn an_ocr_language_list_that_is_not_one_exits_2_with_one_line() {
    let fixture = Fixture::new();
    fixture.file("a.txt", "Some text.");
    for bad in ["", "eng+", "eng spa", "ENG", "../x"] {
        let out = fixture.index_with(&["--ocr-lang", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(&format!("OCR languages {bad:?}")), "{err}");
    }
    let out = fixture.index_with(&["--ocr-lang", "eng+spa", "--no-ocr"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// `stats --format json` of an index whose folder name is not UTF-8 is
/// whole JSON, the name written with U+FFFD as every output writes it
/// (it printed `{"index":` and failed).
#[test]
fn stats_of_an_index_whose_name_is_not_utf8_is_whole_json() {
    use std::os::unix::ffi::OsStrExt;
    let dir = folder_with_a_corpus();
    let index = std::ffi::OsStr::from_bytes(b"index\xff");
    let built = std::process::Command::new(env!("CARGO_BIN_EXE_cita"))
        .current_dir(dir.path())
        .args(["index", "--index"])
        .arg(index)
        .output()
        .unwrap();
    assert_eq!(built.status.code(), Some(0), "{}", stderr(&built));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cita"))
        .current_dir(dir.path())
        .args(["stats", "--format", "json", "--index"])
        .arg(index)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(stats["index"], "index\u{fffd}");
    assert!(stats["passages"].as_u64().unwrap() > 0, "{stats}");
}

/// A row per hit has no room for facets, nor a CSV row for context: the
/// format says on stderr that it leaves them out (they were dropped
/// without a word).
#[test]
fn facets_and_context_left_out_of_a_row_per_hit_are_said_so() {
    let index = index_arg();
    for (format, facets, context) in [
        ("csv", true, true),
        ("jsonl", true, false),
        ("json", false, false),
        ("text", false, false),
    ] {
        let out = run(&[
            "search", "--index", &index, "--facets", "-C", "1", "--format", format, "lazo",
        ]);
        assert_eq!(out.status.code(), Some(0), "{format}");
        let said = stderr(&out);
        assert_eq!(
            said.contains("--facets are not part of a row per hit"),
            facets,
            "{format}: {said}"
        );
        assert_eq!(
            said.contains("--context passages are not part of a CSV row"),
            context,
            "{format}: {said}"
        );
    }
}

/// A search that finds nothing prints nothing, facets asked for or not
/// (they printed a blank line and four empty headings).
#[test]
fn facets_of_no_match_print_nothing() {
    let index = index_arg();
    for extra in [&[][..], &["--facets"]] {
        let out = run(&[&["search", "--index", &index, "quagganomatch"][..], extra].concat());
        assert_eq!(out.status.code(), Some(1), "{extra:?}");
        assert_eq!(stdout(&out), "", "{extra:?}");
    }
}

/// `cita search` with the default index, while another `cita index` holds
/// the lock of a first build, says only that: it said it was building the
/// index, then that it could not.
#[test]
fn a_search_during_the_first_build_says_only_that_the_build_holds_the_lock() {
    let dir = folder_with_a_corpus();
    let index = dir.path().join("index");
    std::fs::create_dir(&index).unwrap();
    tantivy::Index::create_in_dir(&index, cita::schema::build().0).unwrap();
    let lock = std::fs::File::create(index.join(".cita-index.lock")).unwrap();
    lock.try_lock().unwrap();
    let out = run_in(dir.path(), &["search", "lazo"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let said = stderr(&out);
    assert_eq!(said.lines().count(), 1, "{said}");
    assert!(
        said.contains("is still being built by its first `cita index`")
            && !said.contains("cannot index"),
        "{said}"
    );
    drop(lock);
    let out = run_in(dir.path(), &["search", "lazo"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).starts_with("cita: there is no index yet; building"));
}

/// `cita search` writes each hit as the search makes it: what it writes is
/// what the library's whole results give rendered, in every format, on
/// pages, full exports, sorts, facets, partial matches and groups.
#[test]
fn streamed_output_is_the_rendered_results_in_every_format() {
    use cita::output::{Format, TextStyle, write_results};
    let index = index_arg();
    let archive = cita::Archive::open(shipped_index()).unwrap();
    let cases: [(&str, &[&str]); 8] = [
        ("lazo", &[]),
        ("lazo", &["--all"]),
        ("*", &["--all", "--no-collapse"]),
        (
            "colombia",
            &["--sort", "date", "--limit", "4", "--offset", "2"],
        ),
        ("colombia", &["--facets", "--limit", "3"]),
        ("lazo zzyzxnotaword colombia", &[]),
        ("zzyzxnotaword", &["--facets"]),
        ("colombia", &["--group", "--limit", "2"]),
    ];
    for (query, options) in cases {
        let args = cita::SearchRequest {
            limit: if options.contains(&"--all") {
                cita::ALL
            } else {
                options
                    .iter()
                    .position(|&o| o == "--limit")
                    .map_or(cita::DEFAULT_LIMIT, |at| options[at + 1].parse().unwrap())
            },
            offset: options
                .iter()
                .position(|&o| o == "--offset")
                .map_or(0, |at| options[at + 1].parse().unwrap()),
            sort: if options.contains(&"date") {
                cita::Sort::Date
            } else {
                cita::Sort::Relevance
            },
            facets: options.contains(&"--facets"),
            group: options.contains(&"--group"),
            collapse: !options.contains(&"--no-collapse"),
            ..cita::SearchRequest::new(query)
        };
        let results = archive.search(&args).unwrap();
        for (name, format) in [
            ("text", Format::Text),
            ("json", Format::Json),
            ("jsonl", Format::Jsonl),
            ("csv", Format::Csv),
        ] {
            let mut expected = Vec::new();
            write_results(&mut expected, &results, format, TextStyle::default()).unwrap();
            let mut command = vec!["search", "--index", &index, "--format", name];
            command.extend_from_slice(options);
            command.extend(["--", query]);
            let out = run(&command);
            assert!(
                matches!(out.status.code(), Some(0 | 1)),
                "{command:?}: {}",
                stderr(&out)
            );
            assert_eq!(
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&expected),
                "{command:?}"
            );
        }
    }
}

/// A caller of `search_each` that stops after the first hit gets no more,
/// and the counts known before it.
#[test]
fn a_search_handing_out_hits_stops_when_told() {
    let archive = cita::Archive::open(shipped_index()).unwrap();
    let request = cita::SearchRequest {
        limit: cita::ALL,
        ..cita::SearchRequest::new("colombia")
    };
    let whole = archive.search(&request).unwrap();
    assert!(whole.hits.len() > 2, "{} hits", whole.hits.len());
    let mut taken = Vec::new();
    let head = archive
        .search_each(&request, &mut |head, hit| {
            assert_eq!(head.total, whole.total);
            assert!(head.hits.is_empty());
            taken.push(hit.passage.id);
            std::ops::ControlFlow::Break(())
        })
        .unwrap();
    assert_eq!(taken, [whole.hits[0].passage.id.clone()]);
    assert_eq!((head.total, head.distinct), (whole.total, whole.distinct));
    assert!(head.hits.is_empty());
}

/// Every CSV cita writes ends its rows alike (LF, as the README says):
/// counts, statistics and the check too.
#[test]
fn every_csv_ends_its_rows_in_lf() {
    let index = index_arg();
    for args in [
        vec!["search", "--index", &index, "--format", "csv", "lazo"],
        vec![
            "search", "--index", &index, "--format", "csv", "--count", "lazo",
        ],
        vec!["stats", "--index", &index, "--format", "csv"],
        vec!["check", "--index", &index, "--format", "csv"],
        vec!["timeline", "--index", &index, "--format", "csv", "colombia"],
        vec!["kwic", "--index", &index, "--format", "csv", "lazo"],
    ] {
        let out = run(&args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(
            text.ends_with('\n') && text.lines().count() >= 2,
            "{args:?}: {text}"
        );
        assert!(!text.contains("\r\n"), "{args:?}: {text:?}");
    }
}

/// The CSVs of a search, a batch and `show` say where each passage is as
/// their JSON does (page, record, part), and a search's and a batch's
/// hold each passage's whole text, not only its snippet.
#[test]
fn csv_rows_carry_the_text_and_the_place_their_json_has() {
    let index = index_arg();
    let (_, json) = search_json("colombia", &["-n", "5"]);
    let csv_rows = |args: &[&str]| {
        let out = run(args);
        assert!(
            matches!(out.status.code(), Some(0)),
            "{args:?}: {}",
            stderr(&out)
        );
        let mut reader = ::csv::Reader::from_reader(out.stdout.as_slice());
        let header = reader.headers().unwrap().clone();
        reader
            .records()
            .map(|row| {
                let row = row.unwrap();
                header
                    .iter()
                    .zip(row.iter())
                    .map(|(name, value)| (name.to_string(), value.to_string()))
                    .collect::<std::collections::HashMap<String, String>>()
            })
            .collect::<Vec<_>>()
    };
    let text_of = |value: &serde_json::Value| value.as_str().unwrap().to_string();
    let optional = |value: &serde_json::Value| match value {
        serde_json::Value::Null => String::new(),
        other => other.to_string().trim_matches('"').to_string(),
    };
    let search = csv_rows(&[
        "search", "--index", &index, "--format", "csv", "-n", "5", "colombia",
    ]);
    let queries = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("csv-rows-batch.txt");
    std::fs::write(&queries, "colombia\n").unwrap();
    let batch = csv_rows(&[
        "batch",
        "--index",
        &index,
        "-n",
        "5",
        queries.to_str().unwrap(),
    ]);
    std::fs::remove_file(&queries).unwrap();
    assert_eq!(search.len(), hits(&json).len());
    for (hit, (row, batched)) in hits(&json).iter().zip(search.iter().zip(&batch)) {
        for row in [row, batched] {
            assert_eq!(row["id"], text_of(&hit["id"]));
            assert_eq!(row["text"], text_of(&hit["text"]));
            for column in [
                "page",
                "record",
                "part",
                "publication",
                "url",
                "date_origin",
            ] {
                assert_eq!(row[column], optional(&hit[column]), "{column}");
            }
        }
        assert_eq!(row["group_passages"], "");
        let shown = csv_rows(&[
            "show",
            "--index",
            &index,
            "--format",
            "csv",
            &text_of(&hit["id"]),
        ]);
        assert_eq!(shown.len(), 1);
        assert_eq!(shown[0]["language"], text_of(&hit["language"]));
        for column in ["page", "record", "publication", "url", "date_origin"] {
            assert_eq!(shown[0][column], optional(&hit[column]), "{column}");
        }
    }
    // A grouped row says how many of its document's passages match; the
    // documents' dates come from their metadata and from their text.
    let (_, grouped) = search_json("colombia", &["--group"]);
    let groups = grouped["groups"].as_array().unwrap();
    let rows = csv_rows(&[
        "search", "--index", &index, "--format", "csv", "--group", "colombia",
    ]);
    assert_eq!(rows.len(), groups.len());
    for (row, group) in rows.iter().zip(groups) {
        assert_eq!(row["source"], text_of(&group["source"]));
        assert_eq!(row["group_passages"], group["passages"].to_string());
        assert_eq!(
            row["date_origin"],
            optional(&group["hits"][0]["date_origin"])
        );
    }
    let origins: std::collections::BTreeSet<&str> =
        rows.iter().map(|row| row["date_origin"].as_str()).collect();
    // The Wikipedia article names no date of its own: undated.
    assert_eq!(origins, ["", "metadata"].into());
    assert!(
        groups.iter().any(|group| group["passages"] != 1),
        "{grouped}"
    );
}

/// `cita show --cite` gives the JSON `/api/passages/{id}?cite=true` gives:
/// the citation a search's `--cite` writes, beside the passage.
#[test]
fn show_cites_a_passage_as_a_search_does() {
    let index = index_arg();
    let (_, found) = search_json("lazo", &["-n", "1", "--cite"]);
    let hit = &hits(&found)[0];
    let id = hit["id"].as_str().unwrap();
    let show = |extra: &[&str]| {
        let mut args = vec!["show", "--index", &index, "--format", "json", id];
        args.extend_from_slice(extra);
        let out = run(&args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let cited = show(&["--cite"]);
    assert_eq!(cited["citation"], hit["citation"]);
    assert_eq!(cited["passage"]["id"], hit["id"]);
    let plain = show(&[]);
    assert!(plain.get("citation").is_none(), "{plain}");
    assert_eq!(plain["passage"], cited["passage"]);
}
