//! Incremental, crash-safe indexing with the real binary: what changed is
//! processed, what did not is not even read, a killed run loses nothing
//! committed, and two runs never overlap. Runs are checked through
//! `cita index --format json`; no test waits a fixed time: a run in the
//! background is killed once the index folder shows the commit waited for,
//! and modification times are set rather than waited for.

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, UNIX_EPOCH};

use common::*;
use serde_json::{Value, json};

/// `[added, updated, removed, unchanged, files_read]` of an index report.
fn changes(report: &Value) -> [u64; 5] {
    ["added", "updated", "removed", "unchanged", "files_read"].map(|key| {
        report[key]
            .as_u64()
            .unwrap_or_else(|| panic!("no {key} in {report}"))
    })
}

fn total(fixture: &Fixture, query: &str) -> u64 {
    fixture.search(query, &["--limit", "0"]).1["total"]
        .as_u64()
        .unwrap()
}

/// Rewrites the corpus file `name` and sets its modification time 2 s past
/// the previous one (the coarsest clock of common file systems), so the
/// change shows in the mtime without waiting for the clock to tick over.
fn rewrite(fixture: &Fixture, name: &str, contents: &str) {
    let path = fixture.corpus().join(name);
    let before = std::fs::metadata(&path).unwrap().modified().unwrap();
    fixture.file(name, contents);
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(before + Duration::from_secs(2))
        .unwrap();
}

#[test]
fn only_added_changed_and_deleted_files_are_processed() {
    let fixture = Fixture::new();
    fixture.file("a.txt", "Alpha keeps its words.\n");
    fixture.file("b.txt", "Bravo will change.\n");
    fixture.file("c.txt", "Charlie will be deleted.\n");
    let first = fixture.index_report(&[]);
    assert_eq!(changes(&first), [3, 0, 0, 0, 3], "{first}");

    let again = fixture.index_report(&[]);
    assert_eq!(changes(&again), [0, 0, 0, 3, 0], "{again}");

    rewrite(&fixture, "b.txt", "Bravo changed into something else.\n");
    std::fs::remove_file(fixture.corpus().join("c.txt")).unwrap();
    fixture.file("d.txt", "Delta is new.\n");
    let third = fixture.index_report(&[]);
    assert_eq!(changes(&third), [1, 1, 1, 1, 2], "{third}");
    assert_eq!(third["files_indexed"], 3, "{third}");
    assert_eq!(third["files"], json!({"text": 3}), "{third}");

    assert_eq!(total(&fixture, "alpha"), 1);
    assert_eq!(
        total(&fixture, "\"will change\""),
        0,
        "old passages of a changed file are gone"
    );
    assert_eq!(total(&fixture, "\"something else\""), 1);
    assert_eq!(
        total(&fixture, "charlie"),
        0,
        "passages of a deleted file are gone"
    );
    assert_eq!(total(&fixture, "delta"), 1);
}

#[test]
fn a_feed_none_of_whose_lines_is_json_now_keeps_its_passages() {
    let fixture = Fixture::new();
    fixture.file("feed.jsonl", "{\"text\": \"The epsilonword wire.\"}\n");
    assert_eq!(total(&fixture, "epsilonword"), 1);
    // Damaged whole (here, cut in every line): refused, its passages kept.
    rewrite(&fixture, "feed.jsonl", "{\"text\": \"The eps\n{\"te\n");
    let report = fixture.index_report(&[]);
    assert_eq!(report["kept"], 1, "{report}");
    assert_eq!(total(&fixture, "epsilonword"), 1, "{report}");
    // One line still JSON: the feed reads, with what it now holds.
    rewrite(
        &fixture,
        "feed.jsonl",
        "{\"text\": \"The zetaword wire.\"}\n{\"te\n",
    );
    let report = fixture.index_report(&[]);
    assert_eq!(report["kept"], 0, "{report}");
    assert_eq!(total(&fixture, "epsilonword"), 0);
    assert_eq!(total(&fixture, "zetaword"), 1);
}

#[test]
fn an_indexed_file_left_empty_keeps_its_passages_and_a_new_empty_file_is_no_warning() {
    let fixture = Fixture::new();
    fixture.file("acta.txt", "The epsilonword minutes of the meeting.\n");
    fixture.file("blank.md", "");
    let report = fixture.index_report(&[]);
    assert_eq!(report["warnings"], serde_json::json!([]), "{report}");
    assert_eq!(total(&fixture, "epsilonword"), 1);
    // A sync that left it empty, or white space only.
    for emptied in ["", "\n  \n"] {
        rewrite(&fixture, "acta.txt", emptied);
        let report = fixture.index_report(&[]);
        let said = kept_warning(&report);
        assert!(said.starts_with("is empty now"), "{said}");
        assert_eq!(total(&fixture, "epsilonword"), 1, "{report}");
    }
    rewrite(&fixture, "acta.txt", "The zetaword minutes.\n");
    let report = fixture.index_report(&[]);
    assert_eq!(
        (report["kept"].as_u64(), report["updated"].as_u64()),
        (Some(0), Some(1)),
        "{report}"
    );
    assert_eq!(total(&fixture, "epsilonword"), 0);
}

#[test]
fn an_indexed_file_that_cannot_be_read_now_keeps_its_passages_until_it_reads() {
    let fixture = Fixture::new();
    fixture.file("notes.json", r#"{"text": "The gammaword minutes."}"#);
    // Never readable: skipped from the first run, it has nothing to keep.
    fixture.file("memo.docx", zip(&[("docProps/app.xml", b"<Properties/>")]));
    assert_eq!(total(&fixture, "gammaword"), 1);
    // Cut short by a copy: malformed now. Read again by every run, a
    // rebuild included, and by the plain run after it.
    rewrite(&fixture, "notes.json", r#"{"text": "The gamm"#);
    for extra in [&[][..], &[], &["--rebuild"], &[]] {
        let report = fixture.index_report(extra);
        assert_eq!(changes(&report)[..3], [0, 0, 0], "{report}");
        assert_eq!(report["kept"], 1, "{report}");
        assert_eq!(report["files_indexed"], 1, "{report}");
        let said = |source: &str| {
            let warnings = report["warnings"].as_array().unwrap();
            let warning = warnings.iter().find(|warning| warning["source"] == source);
            let warning = warning.unwrap_or_else(|| panic!("no warning for {source}: {report}"));
            warning["message"].as_str().unwrap().to_string()
        };
        assert!(
            said("notes.json").ends_with("last readable version are kept"),
            "{report}"
        );
        assert!(!said("memo.docx").contains("kept"), "{report}");
        assert_eq!(total(&fixture, "gammaword"), 1, "{report}");
    }
    // Whole again: its new text replaces the old.
    rewrite(
        &fixture,
        "notes.json",
        r#"{"text": "The deltaword minutes."}"#,
    );
    let report = fixture.index_report(&[]);
    assert_eq!(changes(&report)[..3], [0, 1, 0], "{report}");
    assert_eq!(report["kept"], 0, "{report}");
    assert_eq!(total(&fixture, "gammaword"), 0);
    assert_eq!(total(&fixture, "deltaword"), 1);
    // Binary data now: another file under its name, whose passages go.
    rewrite(&fixture, "notes.json", "\0\0\0 binary \0\0\0");
    let report = fixture.index_report(&[]);
    assert_eq!(report["kept"], 0, "{report}");
    assert_eq!(
        changes(&report)[..3],
        [0, 1, 0],
        "an update to no passages: {report}"
    );
    assert_eq!(total(&fixture, "deltaword"), 0);
    // Still binary, changed again: nothing indexed to update.
    rewrite(&fixture, "notes.json", "\0\0\0 binary again \0\0\0");
    let report = fixture.index_report(&[]);
    assert_eq!(changes(&report)[..3], [0, 0, 0], "{report}");
}

#[test]
fn files_indexed_through_a_link_whose_target_is_missing_keep_their_passages() {
    // `corpus/external -> /mnt/usb/papers`, and the disk not mounted.
    let fixture = Fixture::new();
    // The disk is a folder of a TempDir (outside the corpus), so that an
    // assertion failing while it is "unmounted" leaves nothing behind.
    let outside = tempfile::TempDir::new().unwrap();
    let disk = outside.path().join("disk");
    std::fs::create_dir(&disk).unwrap();
    let papers = disk.join("papers");
    std::fs::create_dir(&papers).unwrap();
    std::fs::write(papers.join("p1.txt"), "The quasarword paper.").unwrap();
    std::fs::write(disk.join("memo.txt"), "The pulsarword memo.").unwrap();
    fixture.file("local.txt", "A local note.");
    std::os::unix::fs::symlink(&papers, fixture.corpus().join("external")).unwrap();
    std::os::unix::fs::symlink(disk.join("memo.txt"), fixture.corpus().join("memo.txt")).unwrap();
    assert_eq!(changes(&fixture.index_report(&[]))[0], 3);
    let unmounted = disk.with_extension("offline");
    std::fs::rename(&disk, &unmounted).unwrap();
    let report = fixture.index_report(&[]);
    assert_eq!(changes(&report)[2], 0, "nothing removed: {report}");
    let warnings = report["warnings"].to_string();
    assert!(
        warnings.contains("external") && warnings.contains("memo.txt"),
        "{report}"
    );
    assert_eq!(total(&fixture, "quasarword"), 1);
    assert_eq!(total(&fixture, "pulsarword"), 1);
    // Mounted again: nothing changed, nothing to read.
    std::fs::rename(&unmounted, &disk).unwrap();
    let report = fixture.index_report(&[]);
    assert_eq!(changes(&report)[..4], [0, 0, 0, 3], "{report}");
    // A link removed is a file gone.
    std::fs::remove_file(fixture.corpus().join("external")).unwrap();
    assert_eq!(changes(&fixture.index_report(&[]))[2], 1);
    assert_eq!(total(&fixture, "quasarword"), 0);
    // So is a link to a file of the corpus that was deleted.
    fixture.file("real.txt", "The novaword draft.");
    std::os::unix::fs::symlink(
        fixture.corpus().join("real.txt"),
        fixture.corpus().join("latest.txt"),
    )
    .unwrap();
    assert_eq!(total(&fixture, "novaword"), 0);
    fixture.index_report(&[]);
    assert_eq!(total(&fixture, "novaword"), 2);
    std::fs::remove_file(fixture.corpus().join("real.txt")).unwrap();
    let report = fixture.index_report(&[]);
    assert_eq!(changes(&report)[2], 2, "{report}");
    assert_eq!(total(&fixture, "novaword"), 0);
    // Likewise when the link names the corpus through another link to it;
    // and a chain of links out of the corpus keeps both links' passages.
    let alias = disk.join("alias");
    std::os::unix::fs::symlink(fixture.corpus(), &alias).unwrap();
    fixture.file("real.txt", "The novaword draft.");
    std::os::unix::fs::symlink(alias.join("real.txt"), fixture.corpus().join("aliased.txt"))
        .unwrap();
    std::fs::write(disk.join("far.txt"), "The farword memo.").unwrap();
    std::os::unix::fs::symlink(disk.join("far.txt"), fixture.corpus().join("b.txt")).unwrap();
    std::os::unix::fs::symlink(
        fixture.corpus().join("b.txt"),
        fixture.corpus().join("a.txt"),
    )
    .unwrap();
    fixture.index_report(&[]);
    assert_eq!(
        (total(&fixture, "novaword"), total(&fixture, "farword")),
        (3, 2)
    );
    std::fs::remove_file(fixture.corpus().join("real.txt")).unwrap();
    std::fs::rename(disk.join("far.txt"), disk.join("far.offline")).unwrap();
    fixture.index_report(&[]);
    assert_eq!(
        (total(&fixture, "novaword"), total(&fixture, "farword")),
        (0, 2)
    );
}

#[test]
fn a_touched_but_identical_file_is_read_once_and_left_alone() {
    let fixture = Fixture::new();
    fixture.file("a.txt", "Same words.\n");
    fixture.index_report(&[]);
    rewrite(&fixture, "a.txt", "Same words.\n");
    let rerun = fixture.index_report(&[]);
    assert_eq!(changes(&rerun), [0, 0, 0, 1, 1], "{rerun}");
    // An old modification time that any rewrite of meta.json, however
    // soon, would replace.
    let meta = fixture.index_path().join("meta.json");
    let old = UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    std::fs::File::options()
        .write(true)
        .open(&meta)
        .unwrap()
        .set_modified(old)
        .unwrap();
    let before = std::fs::read(&meta).unwrap();
    let after = fixture.index_report(&[]);
    assert_eq!(changes(&after), [0, 0, 0, 1, 0], "{after}");
    assert_eq!(after["commits"], 0, "{after}");
    assert!(
        std::fs::read(&meta).unwrap() == before
            && meta.metadata().unwrap().modified().unwrap() == old,
        "a run with nothing to do commits nothing"
    );
    assert_eq!(total(&fixture, "\"same words\""), 1);
}

#[test]
fn ids_survive_rebuilds_and_changes_elsewhere() {
    let fixture = Fixture::new();
    fixture.file(
        "a.txt",
        "First stable paragraph.\n\nSecond stable paragraph.\n",
    );
    fixture.file("b.txt", "Other file.\n");
    let ids = |fixture: &Fixture| -> Vec<String> {
        let (_, result) = fixture.search("stable", &[]);
        let mut ids: Vec<String> = hits(&result)
            .iter()
            .map(|h| h["id"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    };
    fixture.index_report(&[]);
    let before = ids(&fixture);
    assert_eq!(before.len(), 2);
    fixture.file("b.txt", "Other file, edited.\n");
    fixture.index_report(&[]);
    assert_eq!(ids(&fixture), before);
    let rebuilt = fixture.index_report(&["--rebuild"]);
    assert_eq!(changes(&rebuilt), [0, 2, 0, 0, 2], "{rebuilt}");
    assert_eq!(ids(&fixture), before);
}

#[test]
fn a_second_indexer_fails_at_once_naming_the_lock_and_changes_nothing() {
    let fixture = Fixture::new();
    fixture.file("a.txt", "Locked words.\n");
    fixture.index_report(&[]);
    let meta_before = std::fs::read(fixture.index_path().join("meta.json")).unwrap();
    let lock = std::fs::File::options()
        .write(true)
        .open(fixture.index_path().join(".cita-index.lock"))
        .unwrap();
    lock.try_lock().unwrap();
    fixture.file("b.txt", "New words that must not be indexed yet.\n");
    let started = Instant::now();
    let out = fixture.index();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "it fails at once, it does not wait"
    );
    let message = stderr(&out);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(
        message.contains(".cita-index.lock") && message.contains("another `cita index`"),
        "{message}"
    );
    assert_eq!(
        std::fs::read(fixture.index_path().join("meta.json")).unwrap(),
        meta_before
    );
    drop(lock);
    assert_eq!(total(&fixture, "new"), 0);
    fixture.index_report(&[]);
    assert_eq!(total(&fixture, "new"), 1);
}

/// 1500 new files of about 1 KB with the word "newword" once, and
/// `filler` more paragraphs of about 0.9 KB each (without it) to make the run
/// longer.
fn add_many_files(fixture: &Fixture, filler: usize) {
    let paragraph =
        "Newword in a generated paragraph of an archive that keeps growing every day. ".repeat(12);
    for n in 0..1500 {
        let mut text = format!("{paragraph}\n\nParagraph {n} ends.\n");
        for k in 0..filler {
            text.push_str(&format!(
                "\n{}\n",
                format!("Filler paragraph {k} of file {n}, padding the archive. ").repeat(16)
            ));
        }
        fixture.file(&format!("new/{n:04}.txt"), text);
    }
}

/// A `cita index --quiet` run in the background; killed with SIGKILL when
/// dropped, so a failing test never leaves it running.
struct Running(Child);

impl Running {
    /// Polls `probe` until it gives a value; fails if the run ends first or
    /// after [`PATIENCE`].
    fn wait_for<T>(&mut self, what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
        let child = &mut self.0;
        poll(what, || {
            if let Some(value) = probe() {
                return Some(value);
            }
            if let Some(status) = child.try_wait().unwrap() {
                panic!("the run ended ({status}) before {what}");
            }
            None
        })
    }

    /// SIGKILL, asserting that the run was still busy.
    fn kill(mut self) {
        assert!(
            self.0.try_wait().unwrap().is_none(),
            "the run must still be busy when killed"
        );
        self.0.kill().unwrap();
        self.0.wait().unwrap();
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `cita index --quiet EXTRA…` on the fixture, in the background.
fn spawn_index(fixture: &Fixture, extra: &[&str]) -> Running {
    let corpus = fixture.corpus();
    let index = fixture.index_path();
    let child = Command::new(env!("CARGO_BIN_EXE_cita"))
        .args([
            "index",
            "--quiet",
            "--corpus",
            corpus.to_str().unwrap(),
            "--index",
            index.to_str().unwrap(),
        ])
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    Running(child)
}

/// How many files the state file `cita-files.json` records, once it exists.
/// It is written after the commit it describes, and replaced atomically.
fn recorded_files(fixture: &Fixture) -> Option<usize> {
    let bytes = std::fs::read(fixture.index_path().join("cita-files.json")).ok()?;
    let state: Value = serde_json::from_slice(&bytes).ok()?;
    state["files"].as_object().map(|files| files.len())
}

/// `cita search QUERY` (text) on the fixture's index.
/// `cita stats --format json`'s `last_run_unfinished`.
fn stats_say_unfinished(fixture: &Fixture) -> bool {
    let out = run(&[
        "stats",
        "--format",
        "json",
        "--index",
        fixture.index_path().to_str().unwrap(),
    ]);
    let stats: Value = serde_json::from_slice(&out.stdout).unwrap();
    stats["last_run_unfinished"].as_bool().unwrap()
}

fn search_text(fixture: &Fixture, query: &str) -> std::process::Output {
    run(&[
        "search",
        "--index",
        fixture.index_path().to_str().unwrap(),
        query,
    ])
}

#[test]
fn a_killed_first_build_is_completed_by_the_next_run() {
    let fixture = Fixture::new();
    add_many_files(&fixture, 0);
    let mut run = spawn_index(&fixture, &[]);
    // A new index's first commit records cita's schema, before any file is
    // read; the files are committed in one batch at the end.
    let meta = fixture.index_path().join("meta.json");
    run.wait_for("the first commit of the new index", || {
        std::fs::read_to_string(&meta)
            .is_ok_and(|meta| meta.contains("cita_schema"))
            .then_some(())
    });
    run.kill();
    // Not an archive in which nothing matches: no index yet.
    let out = search_text(&fixture, "newword");
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(stderr(&out).contains("no index at"), "{}", stderr(&out));
    let resumed = fixture.index_report(&[]);
    assert_eq!(resumed["files_indexed"], 1500, "{resumed}");
    assert_eq!(total(&fixture, "newword"), 1500);
}

#[test]
fn a_first_build_killed_by_an_older_cita_before_any_commit_is_taken_over() {
    let fixture = Fixture::new();
    fixture.file("a.txt", "Takeover words.\n");
    std::fs::create_dir_all(fixture.index_path()).unwrap();
    // What tantivy leaves when a process dies between creating the index and its first commit.
    tantivy::Index::create_in_dir(fixture.index_path(), cita::schema::build().0).unwrap();
    let out = search_text(&fixture, "takeover");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no index at"), "{}", stderr(&out));
    fixture.index_report(&[]);
    assert_eq!(total(&fixture, "takeover"), 1);
}

#[test]
fn a_killed_run_leaves_the_last_commit_searchable_and_the_next_run_completes() {
    let fixture = Fixture::new();
    fixture.file("base.txt", "Baseword from the first run.\n");
    fixture.index_report(&[]);
    // About 5 MB committed every MB: after its first batch the run has
    // most of its work ahead of it.
    add_many_files(&fixture, 3);
    let mut run = spawn_index(&fixture, &["--commit-every", "1"]);
    let recorded = run.wait_for("a batch of the run recorded in cita-files.json", || {
        recorded_files(&fixture).filter(|&files| files > 1)
    });
    // A search during the run answers from the last commit, and says
    // nothing of a run that is still going.
    let (code, during) = fixture.search("baseword", &[]);
    assert_eq!((code, during["total"].as_u64()), (0, Some(1)));
    let unfinished = "did not finish";
    assert!(!stderr(&search_text(&fixture, "baseword")).contains(unfinished));
    assert!(
        !stats_say_unfinished(&fixture),
        "a run going on is no unfinished run"
    );
    run.kill();

    let (code, result) = fixture.search("baseword", &[]);
    assert_eq!(code, 0, "the last commit still answers");
    assert_eq!(result["total"], 1);
    // The killed run is said: the index holds part of the corpus.
    let said = stderr(&search_text(&fixture, "baseword"));
    assert!(said.contains(unfinished), "{said}");
    assert_eq!(said.lines().count(), 1, "{said}");
    assert!(stats_say_unfinished(&fixture));

    let resumed = fixture.index_report(&[]);
    assert_eq!(resumed["files_indexed"], 1501, "{resumed}");
    assert!(
        resumed["unchanged"].as_u64().unwrap() >= recorded as u64,
        "what the killed run recorded ({recorded} files) is not redone: {resumed}"
    );
    assert_eq!(total(&fixture, "newword"), 1500);
    assert_eq!(total(&fixture, "baseword"), 1);
    assert!(!stderr(&search_text(&fixture, "baseword")).contains(unfinished));
    assert!(!stats_say_unfinished(&fixture));
    let settled = fixture.index_report(&[]);
    assert_eq!(changes(&settled), [0, 0, 0, 1501, 0], "{settled}");
}

/// The index folder's files, by name.
fn index_files(fixture: &Fixture) -> std::collections::BTreeSet<String> {
    std::fs::read_dir(fixture.index_path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect()
}

/// A run killed after tantivy wrote a deletion file and before its commit
/// named it leaves the file behind; the next run, doing the same work,
/// reaches the same operation stamp and so the same file name. It is
/// removed before the run writes (it failed with "FileAlreadyExists" on
/// every run until `--rebuild`). Made here without a race: the index of
/// the commit before, with the later run's deletion file and its list of
/// managed files, as the kill leaves them.
#[test]
fn a_deletion_file_a_killed_run_left_does_not_stop_the_next_run() {
    let fixture = Fixture::new();
    fixture.file("a.txt", "One alpha.\n");
    fixture.file("b.txt", "Two beta.\n");
    // One thread: both files in one segment, which the change leaves
    // with a deletion (two threads give each its segment, dropped whole).
    let one_thread = ["--jobs", "1"];
    fixture.index_report(&one_thread);
    let before = fixture.dir.path().join("before");
    std::fs::create_dir(&before).unwrap();
    let committed = index_files(&fixture);
    for name in &committed {
        std::fs::copy(fixture.index_path().join(name), before.join(name)).unwrap();
    }
    rewrite(&fixture, "a.txt", "One alpha, and gamma.\n");
    fixture.index_report(&one_thread);
    let left: Vec<String> = (index_files(&fixture).difference(&committed))
        .filter(|name| name.ends_with(".del"))
        .cloned()
        .collect();
    assert_eq!(left.len(), 1, "{left:?}");
    // The list of managed files names the deletion file (tantivy adds a
    // file to it before writing it).
    for name in committed.iter().filter(|name| *name != ".managed.json") {
        std::fs::copy(before.join(name), fixture.index_path().join(name)).unwrap();
    }
    assert_eq!(total(&fixture, "gamma"), 0, "the commit before is back");

    let report = fixture.index_report(&one_thread);
    assert_eq!(changes(&report), [0, 1, 0, 1, 1], "{report}");
    assert_eq!(total(&fixture, "gamma"), 1);
    assert_eq!(total(&fixture, "alpha"), 1);
}

#[test]
fn a_crash_loses_at_most_the_batch_under_way() {
    let fixture = Fixture::new();
    let paragraph = "Batchword in a generated paragraph of a large archive. ".repeat(60);
    for n in 0..1500 {
        fixture.file(
            &format!("big/{n:04}.txt"),
            format!("{paragraph}\n\nEnd {n}.\n"),
        );
    }
    let mut run = spawn_index(&fixture, &["--commit-every", "1"]);
    // The first batch is committed, then recorded in the state file.
    let recorded = run.wait_for("the first batch recorded in cita-files.json", || {
        recorded_files(&fixture).filter(|&files| files > 0)
    });
    // What a search sees while the run goes on: that batch, or a later one.
    let committed = total(&fixture, "batchword");
    run.kill();
    // Each file gives two passages with the word: three identical parts of its
    // long paragraph are kept once, plus the shorter last part.
    let expected = 3000;
    assert!(committed > 0 && committed < expected, "{committed}");
    let kept = total(&fixture, "batchword");
    assert!(
        kept >= committed,
        "committed batches survive the crash: {kept} < {committed}"
    );
    let resumed = fixture.index_report(&[]);
    assert_eq!(resumed["files_indexed"], 1500, "{resumed}");
    assert!(
        resumed["unchanged"].as_u64().unwrap() >= recorded as u64,
        "the recorded batches ({recorded} files) are not redone: {resumed}"
    );
    assert_eq!(total(&fixture, "batchword"), expected);
}

#[test]
fn a_default_language_change_killed_halfway_is_redone_whole() {
    let fixture = Fixture::new();
    // Tables of figures: no prose to detect, so the default decides.
    let table = "1964 1965 1966 1967 | 12.5 13.0 14.2 | 2,031 2,210 2,388\n".repeat(50);
    for n in 0..1500 {
        fixture.file(
            &format!("tables/{n:04}.txt"),
            format!("{table}\nTable {n}.\n"),
        );
    }
    fixture.index_report(&[]);
    let files = 1500;
    assert_eq!(total(&fixture, "lang:en"), total(&fixture, "*"));
    let mut run = spawn_index(&fixture, &["--default-lang", "fr", "--commit-every", "1"]);
    run.wait_for("a batch of French passages committed", || {
        (total(&fixture, "lang:fr") > 0).then_some(())
    });
    run.kill();
    assert!(total(&fixture, "lang:en") > 0, "killed before the end");
    // The next run with the same default reads every file again.
    let resumed = fixture.index_report(&["--default-lang", "fr"]);
    assert_eq!(resumed["files_read"], files, "{resumed}");
    assert_eq!(total(&fixture, "lang:en"), 0);
    assert_eq!(total(&fixture, "lang:fr"), total(&fixture, "*"));
    let settled = fixture.index_report(&["--default-lang", "fr"]);
    assert_eq!(settled["files_read"], 0, "{settled}");
}

#[test]
fn a_rebuild_killed_halfway_is_redone_whole() {
    let fixture = Fixture::new();
    add_many_files(&fixture, 3);
    fixture.index_report(&[]);
    let meta = fixture.index_path().join("meta.json");
    let before = std::fs::read(&meta).unwrap();
    let mut run = spawn_index(&fixture, &["--rebuild", "--commit-every", "1"]);
    run.wait_for("a batch of the rebuild committed", || {
        (std::fs::read(&meta).unwrap() != before).then_some(())
    });
    run.kill();
    // The files the rebuild had not read yet are not taken for unchanged.
    let resumed = fixture.index_report(&[]);
    assert_eq!(resumed["files_read"], 1500, "{resumed}");
    assert_eq!(total(&fixture, "newword"), 1500);
    let settled = fixture.index_report(&[]);
    assert_eq!(settled["files_read"], 0, "{settled}");
}

#[test]
fn an_index_of_another_schema_version_is_detected_and_rebuilt() {
    // Schema 1, and schema 4 as cita up to then wrote it, with tantivy's
    // default doc store (lz4), whose meta.json must still parse.
    for (schema, store) in [(1, "zstd"), (4, "lz4")] {
        let fixture = Fixture::new();
        fixture.file("a.txt", "Versioned words.\n");
        fixture.index_report(&[]);
        let meta_path = fixture.index_path().join("meta.json");
        let mut meta: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&meta_path).unwrap()).unwrap();
        meta["payload"] = format!(r#"{{"cita_schema":{schema},"documents":1}}"#).into();
        if store == "lz4" {
            meta["index_settings"]["docstore_compression"] = store.into();
        }
        std::fs::write(&meta_path, meta.to_string()).unwrap();

        let index = fixture.index_path();
        let out = run(&["search", "--index", index.to_str().unwrap(), "versioned"]);
        assert_eq!(out.status.code(), Some(2));
        let message = stderr(&out);
        assert!(message.contains("cita index --rebuild"), "{message}");
        assert!(message.contains(&format!("schema {schema}")), "{message}");
        assert_eq!(message.trim_end().lines().count(), 1, "{message}");

        let rebuilt = fixture.index_report(&[]);
        assert_eq!(changes(&rebuilt), [1, 0, 0, 0, 1], "{rebuilt}");
        assert_eq!(total(&fixture, "versioned"), 1);
        // Said once, in one warning: two versions of cita taking turns
        // would otherwise rebuild each other's index silently.
        let warnings = rebuilt["warnings"].as_array().unwrap();
        assert_eq!(warnings.len(), 1, "{rebuilt}");
        assert!(
            warnings[0].to_string().contains(&format!(
                "was built by another version of cita (schema {schema}); rebuilt for this one (schema {})",
                cita::schema::SCHEMA_VERSION
            )),
            "{rebuilt}"
        );
        assert_eq!(fixture.index_report(&[])["warnings"], serde_json::json!([]));
    }
}

/// The default language survives what replaces the index's files: a run
/// of a newer cita over an older index, a rebuild of a damaged one (found
/// by a review: the state recording it was removed with them).
#[test]
fn the_default_language_is_kept_when_the_index_is_replaced_or_rebuilt() {
    let fixture = Fixture::new();
    // Figures: no prose to detect, so the default decides.
    fixture.file("cifras.txt", "1964 | 12.5 | 2,031\n");
    fixture.index_report(&["--default-lang", "es"]);
    let meta_path = fixture.index_path().join("meta.json");
    let mut meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&meta_path).unwrap()).unwrap();
    meta["payload"] = r#"{"cita_schema":1,"documents":1}"#.into();
    std::fs::write(&meta_path, meta.to_string()).unwrap();
    let replaced = fixture.index_report(&[]);
    assert_eq!(changes(&replaced)[0], 1, "{replaced}");
    assert_eq!(total(&fixture, "lang:es"), 1);
    // A byte flipped in a segment: the rebuild removes every file of it.
    let store = std::fs::read_dir(fixture.index_path())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| path.extension().is_some_and(|ext| ext == "store"))
        .unwrap();
    let mut bytes = std::fs::read(&store).unwrap();
    bytes[0] ^= 0xFF;
    std::fs::write(&store, bytes).unwrap();
    let rebuilt = fixture.index_report(&["--rebuild"]);
    assert_eq!(rebuilt["files_read"], 1, "{rebuilt}");
    assert_eq!(total(&fixture, "lang:es"), 1);
}

#[test]
fn jobs_and_memory_options_change_nothing_in_the_results() {
    let fixture = Fixture::new();
    for n in 0..40 {
        fixture.file(
            &format!("{n:02}.txt"),
            format!("Shared topic number {n}.\n\nSecond paragraph {n}.\n"),
        );
    }
    let corpus = fixture.corpus();
    let one = fixture.dir.path().join("one");
    let many = fixture.dir.path().join("many");
    // Past tantivy's 4 GiB arena a thread: the budget is cut to it.
    let huge = fixture.dir.path().join("huge");
    for (index, options) in [
        (&one, ["--jobs", "1", "--memory", "15"].as_slice()),
        (&many, ["--jobs", "4"].as_slice()),
        (&huge, ["--jobs", "1", "--memory", "8192"].as_slice()),
    ] {
        let report = index_report(&index_into_with(
            &corpus,
            index,
            &[&["--format", "json"], options].concat(),
        ));
        assert_eq!(changes(&report), [40, 0, 0, 0, 40], "{report}");
    }
    let (_, a) = search_json_in(&one, "topic", &["--limit", "100"]);
    let (_, b) = search_json_in(&many, "topic", &["--limit", "100"]);
    let (_, c) = search_json_in(&huge, "topic", &["--limit", "100"]);
    assert_eq!(a["hits"], b["hits"]);
    assert_eq!(a["hits"], c["hits"]);
    assert_eq!(a["total"], 40);
    let bad = index_into_with(&corpus, &one, &["--memory", "5"]);
    assert_eq!(bad.status.code(), Some(2));
    assert_eq!(stderr(&bad).lines().count(), 1);
}

#[test]
fn the_recorded_fingerprint_is_the_hash_of_the_passage_ids_searches_return() {
    let fixture = Fixture::new();
    fixture.file("a.txt", "Fingerprinted words.\n\nMore words.\n");
    fixture.file("b.md", "# Notes\n\nOther fingerprinted words.\n");
    fixture.index_report(&[]);
    let (_, all) = fixture.search("*", &["--all"]);
    let ids: Vec<u64> = all["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| u64::from_str_radix(hit["id"].as_str().unwrap(), 16).unwrap())
        .collect();
    assert_eq!(ids.len(), 3);
    let sum = ids.iter().fold(0u64, |sum, id| sum.wrapping_add(*id));
    let mut bytes = sum.to_le_bytes().to_vec();
    bytes.extend((ids.len() as u64).to_le_bytes());
    let expected = format!("{:016x}", xxhash_rust::xxh3::xxh3_64(&bytes));
    assert_eq!(all["index_fingerprint"], expected.as_str());
}

/// Asks the build to stop once `after` files are done.
struct StopAfter {
    after: u64,
    done: std::sync::atomic::AtomicU64,
}

impl cita::BuildObserver for StopAfter {
    fn file_done(&self, _bytes: u64) {
        self.done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    fn cancelled(&self) -> bool {
        self.done.load(std::sync::atomic::Ordering::Relaxed) >= self.after
    }
}

/// Builds the fixture on one thread with `options`, asked to stop once ten
/// files are done; the error the build returns.
fn build_stopped_after_ten_files(fixture: &Fixture, options: cita::BuildOptions) -> cita::Error {
    let options = cita::BuildOptions { jobs: 1, ..options };
    let stop = StopAfter {
        after: 10,
        done: Default::default(),
    };
    let stopped = cita::build_with(&fixture.corpus(), &fixture.index_path(), &options, &stop);
    let err = stopped.expect_err("the build stops");
    assert!(matches!(err, cita::Error::Cancelled { .. }), "{err}");
    err
}

#[test]
fn a_build_stopped_by_its_caller_keeps_what_it_read_and_the_next_run_completes() {
    let fixture = Fixture::new();
    fixture.file("base.txt", "Baseword from the first run.\n");
    fixture.file("gone.txt", "Goneword, removed before the second run.\n");
    fixture.index_report(&[]);
    std::fs::remove_file(fixture.corpus().join("gone.txt")).unwrap();
    for n in 0..300 {
        fixture.file(
            &format!("new/{n:03}.txt"),
            format!("Newword in file {n} of the growing archive.\n"),
        );
    }
    let err = build_stopped_after_ten_files(&fixture, cita::BuildOptions::default());
    assert!(
        err.to_string().contains("files read so far are indexed"),
        "{err}"
    );
    // What it read is committed; it stopped long before the end; the file
    // gone from the corpus waits for a run that lists everything.
    let indexed = total(&fixture, "newword");
    assert!(
        (9..100).contains(&indexed),
        "{indexed} of 300 files indexed"
    );
    assert_eq!(total(&fixture, "baseword"), 1);
    assert_eq!(total(&fixture, "goneword"), 1);

    let resumed = fixture.index_report(&[]);
    assert_eq!(changes(&resumed)[..3], [300 - indexed, 0, 1], "{resumed}");
    assert_eq!(total(&fixture, "newword"), 300);
    assert_eq!(total(&fixture, "goneword"), 0);
}

/// A run under other `--exclude` globs, stopped after reading some
/// containers again, leaves them read under its globs: the next run,
/// whatever its globs, reads every container again (found by a review:
/// the stopped run's commits recorded the old globs, so a run under those
/// kept the entries the stopped run had put back).
#[test]
fn a_stopped_run_under_other_excludes_is_redone_for_every_container() {
    let fixture = Fixture::new();
    for n in 0..30 {
        fixture.file(
            &format!("packs/{n:02}.zip"),
            zip(&[
                ("drop.txt", format!("Dropword of pack {n}.").as_bytes()),
                ("keep.txt", format!("Keepword of pack {n}.").as_bytes()),
            ]),
        );
    }
    fixture.index_report(&["--exclude", "drop.txt"]);
    assert_eq!(total(&fixture, "dropword"), 0);
    build_stopped_after_ten_files(&fixture, cita::BuildOptions::default());
    assert!(
        total(&fixture, "dropword") > 0,
        "the stopped run read some again"
    );
    fixture.index_report(&["--exclude", "drop.txt"]);
    assert_eq!(total(&fixture, "dropword"), 0);
    assert_eq!(total(&fixture, "keepword"), 30);
}

#[test]
fn a_stopped_run_that_changed_the_default_language_is_redone_whole_under_either() {
    let fixture = Fixture::new();
    // Tables of figures: no prose to detect, so the default decides.
    for n in 0..200 {
        fixture.file(
            &format!("tables/{n:03}.txt"),
            format!("1964 | 12.5 | 2,031\n\nTable {n}.\n"),
        );
    }
    fixture.index_report(&[]);
    let french = cita::BuildOptions {
        default_language: cita::Language::from_code("fr"),
        ..cita::BuildOptions::default()
    };
    build_stopped_after_ten_files(&fixture, french);
    assert!(
        total(&fixture, "lang:fr") > 0,
        "some files were read under French"
    );
    // A run given no default goes on under the one the stopped run was
    // given, reading every file again.
    let resumed = fixture.index_report(&[]);
    assert_eq!(resumed["files_read"], 200, "{resumed}");
    assert_eq!(total(&fixture, "lang:fr"), total(&fixture, "*"));
    // Back to English: the files read under French are read again too.
    let resumed = fixture.index_report(&["--default-lang", "en"]);
    assert_eq!(resumed["files_read"], 200, "{resumed}");
    assert_eq!(total(&fixture, "lang:fr"), 0);
    assert_eq!(total(&fixture, "lang:en"), total(&fixture, "*"));
    // And an update given none keeps the default: nothing is read again.
    let kept = fixture.index_report(&[]);
    assert_eq!(kept["files_read"], 0, "{kept}");
    assert_eq!(total(&fixture, "lang:en"), total(&fixture, "*"));
    assert_eq!(
        fixture.index_report(&["--default-lang", "fr"])["files_read"],
        200
    );
    let kept = fixture.index_report(&[]);
    assert_eq!(kept["files_read"], 0, "{kept}");
    assert_eq!(total(&fixture, "lang:fr"), total(&fixture, "*"));
}

/// An index built by an earlier cita, whose state does not record the
/// reading rules, is read again whole once: its passages may have been cut
/// by other rules (words hyphenated across lines were not mended).
#[test]
fn an_index_read_under_earlier_reading_rules_is_read_again_once() {
    let fixture = Fixture::new();
    fixture.file("memo.txt", "The cable was declas-\nsified in 1998.\n");
    fixture.file("notes.md", "# Notes\n\nNothing hyphenated here.\n");
    assert_eq!(fixture.index_report(&[])["files_read"], 2);
    let state_path = fixture.index_path().join("cita-files.json");
    let mut state: Value = serde_json::from_slice(&std::fs::read(&state_path).unwrap()).unwrap();
    let recorded = state.as_object_mut().unwrap().remove("reading_rules");
    assert!(
        recorded.is_some(),
        "the state records its reading rules: {state}"
    );
    std::fs::write(&state_path, serde_json::to_vec(&state).unwrap()).unwrap();
    let again = fixture.index_report(&[]);
    assert_eq!(again["files_read"], 2, "{again}");
    let settled = fixture.index_report(&[]);
    assert_eq!(settled["files_read"], 0, "{settled}");
    assert_eq!(fixture.sources("declassified"), ["memo.txt"]);
}

/// Runs `cita` with `args` as a user whom file permissions bind: root reads
/// any folder, so as root the run is made as `nobody` (setpriv).
fn cita_bound_by_permissions(args: &[&str]) -> std::process::Output {
    let probe = tempfile::TempDir::new().unwrap();
    let locked = probe.path().join("probe");
    std::fs::write(&locked, "x").unwrap();
    std::fs::set_permissions(&locked, std::os::unix::fs::PermissionsExt::from_mode(0o000)).unwrap();
    let mut command = if std::fs::read(&locked).is_ok() {
        let mut command = Command::new("setpriv");
        command.args(["--reuid=65534", "--regid=65534", "--clear-groups"]);
        command.arg(env!("CARGO_BIN_EXE_cita"));
        command
    } else {
        Command::new(env!("CARGO_BIN_EXE_cita"))
    };
    command.args(args).output().expect("cita runs")
}

#[test]
fn an_unreadable_folder_keeps_its_passages_and_an_unreadable_corpus_changes_nothing() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::TempDir::new().unwrap();
    std::fs::set_permissions(dir.path(), PermissionsExt::from_mode(0o777)).unwrap();
    let corpus = dir.path().join("corpus");
    let index = dir.path().join("index");
    for (name, text) in [
        ("a/one.txt", "The alphaword note."),
        ("b/two.txt", "The betaword note."),
    ] {
        let path = corpus.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let (corpus_arg, index_arg) = (corpus.to_str().unwrap(), index.to_str().unwrap());
    let index_run = || {
        cita_bound_by_permissions(&[
            "index", "--format", "json", "--corpus", corpus_arg, "--index", index_arg,
        ])
    };
    let found = |word: &str| {
        let out = cita_bound_by_permissions(&["search", "--count", "--index", index_arg, word]);
        stdout(&out).trim().to_string()
    };
    let set_mode = |path: &std::path::Path, mode: u32| {
        std::fs::set_permissions(path, PermissionsExt::from_mode(mode)).unwrap();
    };
    assert_eq!(changes(&index_report(&index_run()))[0], 2);

    // A folder that cannot be read: a warning naming it; its file keeps its passages.
    set_mode(&corpus.join("b"), 0o000);
    let out = index_run();
    let report = index_report(&out);
    assert_eq!(changes(&report)[2], 0, "nothing removed: {report}");
    assert!(
        stderr(&out).contains("warning") && stderr(&out).contains("b"),
        "{}",
        stderr(&out)
    );
    assert_eq!(found("betaword"), "1 passage in 1 document");
    // A file changed and then unreadable keeps its passages too.
    std::fs::write(
        corpus.join("a/one.txt"),
        "The alphaword note, revised at length.",
    )
    .unwrap();
    set_mode(&corpus.join("a/one.txt"), 0o000);
    let report = index_report(&index_run());
    assert_eq!(changes(&report)[2], 0, "nothing removed: {report}");
    assert!(report["warnings"].to_string().contains("kept"), "{report}");
    assert_eq!(found("alphaword"), "1 passage in 1 document");
    // An unchanged file that cannot be read is not read by a plain run; a
    // rebuild reads it and keeps it, and the plain run after reads it
    // again rather than take it for unchanged.
    set_mode(&corpus.join("b"), 0o755);
    set_mode(&corpus.join("b/two.txt"), 0o000);
    for extra in [&["--rebuild"][..], &[]] {
        let args = [
            "index", "--format", "json", "--corpus", corpus_arg, "--index", index_arg,
        ];
        let report = index_report(&cita_bound_by_permissions(&[&args[..], extra].concat()));
        assert_eq!(report["kept"], 2, "{extra:?}: {report}");
        assert!(
            report["warnings"].to_string().contains("two.txt"),
            "{report}"
        );
    }

    // A corpus that cannot be read: one line, exit 2, the index as it was.
    set_mode(&corpus, 0o000);
    let out = index_run();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("corpus"), "{}", stderr(&out));
    // Said once: the I/O error's message holds its cause.
    assert_eq!(
        stderr(&out).matches("Permission denied").count(),
        1,
        "{}",
        stderr(&out)
    );
    for word in ["alphaword", "betaword"] {
        assert_eq!(found(word), "1 passage in 1 document");
    }

    // Readable again: both are read.
    set_mode(&corpus, 0o755);
    set_mode(&corpus.join("b/two.txt"), 0o644);
    set_mode(&corpus.join("a/one.txt"), 0o644);
    let report = index_report(&index_run());
    assert_eq!(changes(&report)[..3], [0, 2, 0], "{report}");
    assert_eq!(report["kept"], 0, "{report}");
    assert_eq!(found("revised"), "1 passage in 1 document");
}

#[test]
fn an_empty_corpus_folder_leaves_the_index_as_it_was_unless_rebuilt() {
    // The mount point of an archive disk that is not mounted: an empty
    // folder where the corpus was. Emptying the index would also lose the
    // last version kept of a file that could not be read.
    let dir = tempfile::TempDir::new().unwrap();
    let (corpus, index) = (dir.path().join("corpus"), dir.path().join("index"));
    std::fs::create_dir(&corpus).unwrap();
    std::fs::write(corpus.join("one.txt"), "The alphaword note.\n").unwrap();
    std::fs::write(corpus.join("two.txt"), "The betaword note.\n").unwrap();
    assert_eq!(
        changes(&index_report(&index_into_with(
            &corpus,
            &index,
            &["--format", "json"]
        )))[0],
        2
    );
    let count = |word: &str| {
        let out = run(&[
            "search",
            "--count",
            "--index",
            index.to_str().unwrap(),
            word,
        ]);
        stdout(&out).trim().to_string()
    };
    // Emptied to nothing but an empty folder: one file is still a file gone.
    std::fs::remove_file(corpus.join("two.txt")).unwrap();
    std::fs::create_dir(corpus.join("empty")).unwrap();
    assert_eq!(
        changes(&index_report(&index_into_with(
            &corpus,
            &index,
            &["--format", "json"]
        )))[2],
        1
    );
    std::fs::remove_dir(corpus.join("empty")).unwrap();
    std::fs::remove_file(corpus.join("one.txt")).unwrap();
    let before = std::fs::read(index.join("meta.json")).unwrap();
    let out = index_into(&corpus, &index);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.lines().count() == 1
            && err.contains("is empty (a disk not mounted?)")
            && err.contains("holds 1 document")
            && err.contains(&format!(
                "cita index --rebuild --corpus {} --index {}",
                corpus.display(),
                index.display()
            )),
        "{err}"
    );
    assert_eq!(std::fs::read(index.join("meta.json")).unwrap(), before);
    assert_eq!(count("alphaword"), "1 passage in 1 document");
    // Asked for: a rebuild empties the index.
    let report = index_report(&index_into_with(
        &corpus,
        &index,
        &["--rebuild", "--format", "json"],
    ));
    assert_eq!(report["passages"], 0, "{report}");
    assert_eq!(count("alphaword"), "0 passages in 0 documents");
    // An empty index of an empty corpus is no refusal.
    assert_eq!(index_into(&corpus, &index).status.code(), Some(0));
}

#[test]
fn another_corpus_folder_that_would_remove_most_of_the_index_is_refused_unless_rebuilt() {
    let dir = tempfile::TempDir::new().unwrap();
    let (corpus, index) = (dir.path().join("corpus"), dir.path().join("index"));
    for (folder, name, word) in [
        ("notas", "a.txt", "alphaword"),
        ("notas", "b.txt", "betaword"),
        ("prensa", "c.txt", "gammaword"),
    ] {
        std::fs::create_dir_all(corpus.join(folder)).unwrap();
        std::fs::write(
            corpus.join(folder).join(name),
            format!("The {word} note.\n"),
        )
        .unwrap();
    }
    let report = |out: &std::process::Output| index_report(out);
    assert_eq!(
        changes(&report(&index_into_with(
            &corpus,
            &index,
            &["--format", "json"]
        )))[0],
        3
    );
    let before = std::fs::read(index.join("meta.json")).unwrap();
    // A subfolder given for the corpus: every source would change.
    let sub = corpus.join("notas");
    let out = index_into(&sub, &index);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.lines().count() == 1
            && err.contains("was built from")
            && err.contains("would remove 3 of its 3 files")
            && err.contains(&format!(
                "`--corpus {} --index {}`",
                corpus.canonicalize().unwrap().display(),
                index.display()
            ))
            && err.contains(&format!(
                "`--rebuild --corpus {} --index {}`",
                sub.display(),
                index.display()
            )),
        "{err}"
    );
    assert_eq!(std::fs::read(index.join("meta.json")).unwrap(), before);
    // The corpus moved whole, one file deleted: its files stay, the move
    // is recorded, and the file gone goes.
    let moved = dir.path().join("archivo");
    std::fs::rename(&corpus, &moved).unwrap();
    std::fs::remove_file(moved.join("prensa/c.txt")).unwrap();
    assert_eq!(
        changes(&report(&index_into_with(
            &moved,
            &index,
            &["--format", "json"]
        ))),
        [0, 0, 1, 2, 0]
    );
    // From the folder it was built from (recorded with the move), files
    // deleted are files gone, however many.
    std::fs::remove_file(moved.join("notas/b.txt")).unwrap();
    assert_eq!(
        changes(&report(&index_into_with(
            &moved,
            &index,
            &["--format", "json"]
        )))[2],
        1
    );
    // Moved again, nothing else changed: the new place is recorded all
    // the same, so that a refusal names where the corpus now is (it named
    // the folder it had left).
    let renamed = dir.path().join("archivo2024");
    std::fs::rename(&moved, &renamed).unwrap();
    assert_eq!(
        changes(&report(&index_into_with(
            &renamed,
            &index,
            &["--format", "json"]
        ))),
        [0, 0, 0, 1, 0]
    );
    // Asked for: a rebuild replaces the index with the other folder's.
    let other = dir.path().join("otro");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("d.txt"), "The deltaword note.\n").unwrap();
    let refused = index_into(&other, &index);
    assert_eq!(refused.status.code(), Some(2));
    let built_from = format!("built from {},", renamed.canonicalize().unwrap().display());
    assert!(
        stderr(&refused).contains(&built_from),
        "{}",
        stderr(&refused)
    );
    let rebuilt = report(&index_into_with(
        &other,
        &index,
        &["--rebuild", "--format", "json"],
    ));
    assert_eq!(
        (rebuilt["documents"].as_u64(), changes(&rebuilt)[0]),
        (Some(1), 1),
        "{rebuilt}"
    );
}

#[test]
fn an_index_inside_its_corpus_is_not_read_as_documents() {
    let dir = tempfile::TempDir::new().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "The epsilonword notes.\n").unwrap();
    // `cita index --corpus .` with the default `./index`.
    let first = index_report(&run_in(
        dir.path(),
        &["index", "--corpus", ".", "--format", "json"],
    ));
    assert_eq!(changes(&first)[0], 1, "{first}");
    let again = index_report(&run_in(
        dir.path(),
        &["index", "--corpus", ".", "--format", "json"],
    ));
    assert_eq!(changes(&again), [0, 0, 0, 1, 0], "{again}");
    assert_eq!(again["warnings"], json!([]), "{again}");
    assert_eq!(again["ignored"], json!({}), "{again}");
    // Reached through a link: the walk follows links. (The first index
    // is another's now: removed.)
    std::fs::remove_dir_all(dir.path().join("index")).unwrap();
    std::fs::create_dir(dir.path().join("real")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("real"), dir.path().join("alias")).unwrap();
    let args = [
        "index",
        "--corpus",
        ".",
        "--index",
        "alias/idx",
        "--format",
        "json",
    ];
    for run in 0..2 {
        let report = index_report(&run_in(dir.path(), &args));
        assert_eq!(report["warnings"], json!([]), "run {run}: {report}");
        assert_eq!(report["ignored"], json!({}), "run {run}: {report}");
        assert_eq!(report["files_indexed"], 1, "run {run}: {report}");
    }
    // The corpus itself is no index folder.
    let out = run_in(dir.path(), &["index", "--corpus", ".", "--index", "."]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("is the corpus folder"),
        "{}",
        stderr(&out)
    );
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
}

/// Another index in the corpus (built into `corpus/mi_indice` by another
/// run), and a folder of shards there (`cita-shards.json` beside its
/// shards), are left out whole, as a build's own index is.
#[test]
fn other_indexes_and_shard_folders_inside_a_corpus_are_not_documents() {
    let dir = tempfile::TempDir::new().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    std::fs::write(corpus.join("notes.txt"), "The epsilonword notes.\n").unwrap();
    let built = |index: &Path| {
        let out = run_in(
            dir.path(),
            &["index", "--corpus", "corpus", "--index"]
                .iter()
                .copied()
                .chain([index.to_str().unwrap(), "--format", "json"])
                .collect::<Vec<_>>(),
        );
        index_report(&out)
    };
    built(&corpus.join("mi_indice"));
    let shards = corpus.join("shards");
    std::fs::create_dir(&shards).unwrap();
    std::fs::write(shards.join("cita-shards.json"), r#"{"shards": 1}"#).unwrap();
    built(&shards.join("shard-0"));
    let report = built(&dir.path().join("elsewhere"));
    assert_eq!(report["files_indexed"], 1, "{report}");
    assert_eq!(report["warnings"], json!([]), "{report}");
    assert_eq!(report["ignored"], json!({}), "{report}");
}

/// The temporary file a run killed while tantivy wrote `meta.json`
/// leaves in the index folder is removed by the next run (under its lock).
#[test]
fn a_killed_run_s_temporary_file_is_removed_by_the_next() {
    let dir = tempfile::TempDir::new().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "The epsilonword notes.\n").unwrap();
    let args = [
        "index", "--corpus", ".", "--index", "idx", "--format", "json",
    ];
    index_report(&run_in(dir.path(), &args));
    let leftover = dir.path().join("idx").join(".tmpAbC123");
    std::fs::write(&leftover, b"[\"a.idx\"]").unwrap();
    let report = index_report(&run_in(dir.path(), &args));
    assert!(!leftover.exists(), "{report}");
    assert_eq!(report["warnings"], json!([]), "{report}");
}

// --- The differential test: incremental runs against fresh builds. ---

/// Words the randomised corpus is written with (Spanish and English, so
/// that documents take either language).
const CHANGE_WORDS: &[&str] = &[
    "harbour",
    "strike",
    "council",
    "vote",
    "river",
    "bridge",
    "the",
    "of",
    "paro",
    "de",
    "la",
    "revocó",
    "visa",
    "Bogotá",
    "campesinos",
    "marcha",
];

/// A few sentences of `CHANGE_WORDS`, in one or two paragraphs.
fn random_text(seed: &mut u64) -> String {
    let mut paragraphs = Vec::new();
    for _ in 0..1 + next(seed) % 2 {
        let words: Vec<&str> = (0..4 + next(seed) % 8)
            .map(|_| CHANGE_WORDS[next(seed) as usize % CHANGE_WORDS.len()])
            .collect();
        paragraphs.push(format!("{}.", words.join(" ")));
    }
    paragraphs.join("\n\n")
}

/// The contents of a corpus file named `name`, in its format.
fn random_file(seed: &mut u64, name: &str) -> Vec<u8> {
    let text = random_text(seed);
    match name.rsplit('.').next() {
        Some("md") => format!("# {}\n\n{text}\n", random_text(seed)).into_bytes(),
        Some("html") => {
            format!("<html><body><h1>Title</h1><p>{text}</p></body></html>").into_bytes()
        }
        Some("jsonl") => (0..1 + next(seed) % 3)
            .map(|_| json!({"title": "Record", "text": random_text(seed)}).to_string() + "\n")
            .collect::<String>()
            .into_bytes(),
        Some("zip") => zip(&[
            ("inner/x.txt", random_text(seed).as_bytes()),
            ("y.md", random_text(seed).as_bytes()),
        ]),
        _ => text.into_bytes(),
    }
}

/// What a search sees of an index: its fingerprint, documents, passages,
/// and the passages (ids) of a few words.
fn seen(index: &Path) -> (String, u64, u64, Vec<Vec<String>>) {
    let archive = cita::Archive::open(index).unwrap();
    let stats = archive.stats().unwrap();
    let answers = ["strike", "paro", "revocar", "*"]
        .iter()
        .map(|query| {
            let request = cita::SearchRequest {
                limit: cita::ALL,
                collapse: false,
                ..cita::SearchRequest::new(*query)
            };
            let mut ids: Vec<String> = archive
                .search(&request)
                .unwrap()
                .hits
                .into_iter()
                .map(|hit| hit.passage.id)
                .collect();
            ids.sort_unstable();
            ids
        })
        .collect();
    (
        archive.fingerprint().unwrap(),
        stats.documents,
        stats.passages,
        answers,
    )
}

/// After any sequence of changes to a corpus (files written, rewritten,
/// touched, renamed, removed, turned into binary data, in every format and
/// inside a ZIP; a `.citaignore` written and removed) and to the options
/// (`--exclude` globs over files, folders and entries, the default
/// language, a rebuild), an incremental run leaves what a fresh build of
/// the corpus with the same options makes: the same passages, documents
/// and answers. (A file that cannot be read now keeps its last readable
/// version on purpose: not among these changes.) It found the entries an
/// `--exclude` change left behind.
#[test]
fn incremental_runs_after_random_changes_index_what_a_fresh_build_does() {
    let mut seed = 0x1dc0_ffee_u64;
    let dir = tempfile::TempDir::new_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let (corpus, index, fresh) = (
        dir.path().join("corpus"),
        dir.path().join("index"),
        dir.path().join("fresh"),
    );
    std::fs::create_dir_all(&corpus).unwrap();
    let names = [
        "a.txt",
        "b.md",
        "notes/c.txt",
        "notes/d.html",
        "feed.jsonl",
        "pack.zip",
        "old/e.txt",
        "old/f.md",
    ];
    let excludes: [&[&str]; 5] = [
        &[],
        &["notes/"],
        &["*.md"],
        &["pack.zip/inner/"],
        &["old/", "pack.zip/y.md"],
    ];
    let mut exclude: &[&str] = &[];
    let (english, spanish) = (
        cita::Language::ENGLISH,
        cita::Language::from_code("es").unwrap(),
    );
    let mut default_language = english;
    for step in 0..40 {
        for _ in 0..1 + next(&mut seed) % 3 {
            let name = names[next(&mut seed) as usize % names.len()];
            let path = corpus.join(name);
            match (next(&mut seed) % 5, path.exists()) {
                (0 | 1, _) | (_, false) => {
                    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                    std::fs::write(&path, random_file(&mut seed, name)).unwrap();
                }
                (2, true) => std::fs::remove_file(&path).unwrap(),
                (3, true) => {
                    // Touched: a new modification time, the same bytes.
                    let file = std::fs::File::options().write(true).open(&path).unwrap();
                    let later = std::time::SystemTime::now() + Duration::from_secs(step + 1);
                    file.set_modified(later).unwrap();
                }
                (_, true) => {
                    // Renamed to another name of the same format, if free.
                    let format = name.rsplit('.').next();
                    let other = names.iter().map(|other| corpus.join(other)).find(|other| {
                        !other.exists() && other.extension().and_then(|e| e.to_str()) == format
                    });
                    if let Some(other) = other {
                        std::fs::create_dir_all(other.parent().unwrap()).unwrap();
                        std::fs::rename(&path, other).unwrap();
                    }
                }
            }
        }
        if next(&mut seed).is_multiple_of(3) {
            exclude = excludes[next(&mut seed) as usize % excludes.len()];
        }
        // An ignore file of the corpus's own, written or removed.
        let ignore = corpus.join(".citaignore");
        match next(&mut seed) % 6 {
            0 => std::fs::write(&ignore, "*.html\n").unwrap(),
            1 => std::fs::write(&ignore, "old/f.md\npack.zip/inner/\n").unwrap(),
            2 => {
                let _ = std::fs::remove_file(&ignore);
            }
            _ => {}
        }
        // A text file that turns into binary data (a ZIP that does would be
        // a malformed one, which keeps its last readable version).
        if next(&mut seed).is_multiple_of(7) {
            let name = names[next(&mut seed) as usize % names.len()];
            if corpus.join(name).exists() && !name.ends_with(".zip") {
                std::fs::write(corpus.join(name), [0u8, 159, 146, 150, 0, 0, 7, 0]).unwrap();
            }
        }
        if next(&mut seed).is_multiple_of(10) {
            default_language = if default_language == english {
                spanish
            } else {
                english
            };
        }
        let options = cita::BuildOptions {
            exclude: exclude.iter().map(|glob| glob.to_string()).collect(),
            rebuild: next(&mut seed).is_multiple_of(8),
            default_language: Some(default_language),
            ..cita::BuildOptions::default()
        };
        let what = format!(
            "step {step}, exclude {exclude:?}, default {}",
            default_language.code()
        );
        cita::build(&corpus, &index, &options).unwrap();
        let _ = std::fs::remove_dir_all(&fresh);
        cita::build(&corpus, &fresh, &options).unwrap();
        assert_eq!(seen(&index), seen(&fresh), "{what}");
    }
}
