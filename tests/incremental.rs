//! Incremental, crash-safe indexing with the real binary: what changed is
//! processed, what did not is not even read, a killed run loses nothing
//! committed, and two runs never overlap.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

fn summary(out: &std::process::Output) -> String {
    assert!(out.status.success(), "{}", stderr(out));
    stdout(out)
}

fn total(fixture: &Fixture, query: &str) -> u64 {
    fixture.search(query, &["--limit", "0"]).1["total"]
        .as_u64()
        .unwrap()
}

#[test]
fn only_added_changed_and_deleted_files_are_processed() {
    let fixture = Fixture::new();
    fixture.file("a.txt", "Alpha keeps its words.\n");
    fixture.file("b.txt", "Bravo will change.\n");
    fixture.file("c.txt", "Charlie will be deleted.\n");
    let first = summary(&fixture.index());
    assert!(
        first.contains("3 added, 0 updated, 0 removed, 0 unchanged, 3 files read"),
        "{first}"
    );

    let again = summary(&fixture.index());
    assert!(
        again.contains("0 added, 0 updated, 0 removed, 3 unchanged, 0 files read"),
        "{again}"
    );

    // Sleep past coarse file-system timestamps so the change is visible by mtime too.
    std::thread::sleep(Duration::from_millis(20));
    fixture.file("b.txt", "Bravo changed into something else.\n");
    std::fs::remove_file(fixture.corpus().join("c.txt")).unwrap();
    fixture.file("d.txt", "Delta is new.\n");
    let third = summary(&fixture.index());
    assert!(
        third.contains("1 added, 1 updated, 1 removed, 1 unchanged, 2 files read"),
        "{third}"
    );
    assert!(third.contains("indexed 3 files"), "{third}");

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
fn a_touched_but_identical_file_is_read_once_and_left_alone() {
    let fixture = Fixture::new();
    fixture.file("a.txt", "Same words.\n");
    summary(&fixture.index());
    std::thread::sleep(Duration::from_millis(20));
    fixture.file("a.txt", "Same words.\n");
    let rerun = summary(&fixture.index());
    assert!(
        rerun.contains("0 added, 0 updated, 0 removed, 1 unchanged, 1 file read"),
        "{rerun}"
    );
    let meta = fixture.index_path().join("meta.json");
    let before = (
        std::fs::read(&meta).unwrap(),
        meta.metadata().unwrap().modified().unwrap(),
    );
    std::thread::sleep(Duration::from_millis(20));
    let after = summary(&fixture.index());
    assert!(after.contains("1 unchanged, 0 files read"), "{after}");
    let untouched = (
        std::fs::read(&meta).unwrap(),
        meta.metadata().unwrap().modified().unwrap(),
    );
    assert!(
        before == untouched,
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
    summary(&fixture.index());
    let before = ids(&fixture);
    assert_eq!(before.len(), 2);
    fixture.file("b.txt", "Other file, edited.\n");
    summary(&fixture.index());
    assert_eq!(ids(&fixture), before);
    let rebuilt = summary(&fixture.index_with(&["--rebuild"]));
    assert!(
        rebuilt.contains("2 updated") && rebuilt.contains("2 files read"),
        "{rebuilt}"
    );
    assert_eq!(ids(&fixture), before);
}

#[test]
fn a_second_indexer_fails_at_once_naming_the_lock_and_changes_nothing() {
    let fixture = Fixture::new();
    fixture.file("a.txt", "Locked words.\n");
    summary(&fixture.index());
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
    summary(&fixture.index());
    assert_eq!(total(&fixture, "new"), 1);
}

/// Enough new text that a run is still busy a few hundred milliseconds in.
fn add_many_files(fixture: &Fixture) {
    let paragraph =
        "Newword in a generated paragraph of an archive that keeps growing every day. ".repeat(12);
    for n in 0..1500 {
        fixture.file(
            &format!("new/{n:04}.txt"),
            format!("{paragraph}\n\nParagraph {n} ends.\n"),
        );
    }
}

/// `cita index --quiet` on the fixture, in the background.
fn spawn_index(fixture: &Fixture, extra: &[&str]) -> std::process::Child {
    let corpus = fixture.corpus();
    let index = fixture.index_path();
    Command::new(env!("CARGO_BIN_EXE_cita"))
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
        .unwrap()
}

/// Starts `cita index`, lets `during` run while it works, then kills it
/// with SIGKILL: at least 300 ms in, and once the index holds a cita commit
/// (a loaded machine can take longer than that to make a new index's first).
fn kill_midway(fixture: &Fixture, during: impl FnOnce()) {
    let mut child = spawn_index(fixture, &[]);
    std::thread::sleep(Duration::from_millis(300));
    let meta = fixture.index_path().join("meta.json");
    let committed = || std::fs::read_to_string(&meta).is_ok_and(|m| m.contains("cita_schema"));
    let deadline = Instant::now() + Duration::from_secs(60);
    while !committed() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    during();
    assert!(
        child.try_wait().unwrap().is_none(),
        "the run must still be busy when killed"
    );
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
}

#[test]
fn a_killed_first_build_is_completed_by_the_next_run() {
    let fixture = Fixture::new();
    add_many_files(&fixture);
    kill_midway(&fixture, || {});
    let out = run(&[
        "search",
        "--index",
        fixture.index_path().to_str().unwrap(),
        "newword",
    ]);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "the killed first build left a searchable index: {}",
        stderr(&out)
    );
    let resumed = summary(&fixture.index());
    assert!(resumed.contains("indexed 1500 files"), "{resumed}");
    assert_eq!(total(&fixture, "newword"), 1500);
}

#[test]
fn a_first_build_killed_by_an_older_cita_before_any_commit_is_taken_over() {
    let fixture = Fixture::new();
    fixture.file("a.txt", "Takeover words.\n");
    std::fs::create_dir_all(fixture.index_path()).unwrap();
    // What tantivy leaves when a process dies between creating the index and its first commit.
    tantivy::Index::create_in_dir(fixture.index_path(), cita::schema::build().0).unwrap();
    let out = run(&[
        "search",
        "--index",
        fixture.index_path().to_str().unwrap(),
        "takeover",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no index at"), "{}", stderr(&out));
    summary(&fixture.index());
    assert_eq!(total(&fixture, "takeover"), 1);
}

#[test]
fn a_killed_run_leaves_the_last_commit_searchable_and_the_next_run_completes() {
    let fixture = Fixture::new();
    fixture.file("base.txt", "Baseword from the first run.\n");
    summary(&fixture.index());
    add_many_files(&fixture);
    kill_midway(&fixture, || {
        // A search during the run answers from the last commit.
        let (code, during) = fixture.search("baseword", &[]);
        assert_eq!((code, during["total"].as_u64()), (0, Some(1)));
    });

    let (code, result) = fixture.search("baseword", &[]);
    assert_eq!(code, 0, "the last commit still answers");
    assert_eq!(result["total"], 1);

    let resumed = summary(&fixture.index());
    assert!(resumed.contains("indexed 1501 files"), "{resumed}");
    assert_eq!(total(&fixture, "newword"), 1500);
    assert_eq!(total(&fixture, "baseword"), 1);
    let settled = summary(&fixture.index());
    assert!(
        settled.contains("1501 unchanged, 0 files read"),
        "{settled}"
    );
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
    let index = fixture.index_path();
    let mut child = spawn_index(&fixture, &["--commit-every", "1"]);
    // Wait for the first batch to be committed, then kill the run.
    let deadline = Instant::now() + Duration::from_secs(60);
    let committed = loop {
        let out = run(&[
            "search",
            "--index",
            index.to_str().unwrap(),
            "--format",
            "json",
            "--limit",
            "0",
            "batchword",
        ]);
        if out.status.code() == Some(0) {
            let result: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            break result["total"].as_u64().unwrap();
        }
        assert!(Instant::now() < deadline, "no batch was committed");
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before a batch could be observed"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(
        child.try_wait().unwrap().is_none(),
        "the run must still be busy when killed"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    // Each file gives two passages with the word: three identical parts of its
    // long paragraph are kept once, plus the shorter last part.
    let expected = 3000;
    assert!(committed > 0 && committed < expected, "{committed}");
    let kept = total(&fixture, "batchword");
    assert!(
        kept >= committed,
        "committed batches survive the crash: {kept} < {committed}"
    );
    let resumed = summary(&fixture.index());
    assert!(resumed.contains("indexed 1500 files"), "{resumed}");
    assert!(resumed.contains("unchanged"), "{resumed}");
    assert_eq!(total(&fixture, "batchword"), expected);
}

#[test]
fn an_index_of_another_schema_version_is_detected_and_rebuilt() {
    // Schema 1, and schema 4 as cita up to then wrote it, with tantivy's
    // default doc store (lz4), whose meta.json must still parse.
    for (schema, store) in [(1, "zstd"), (4, "lz4")] {
        let fixture = Fixture::new();
        fixture.file("a.txt", "Versioned words.\n");
        summary(&fixture.index());
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

        let rebuilt = summary(&fixture.index());
        assert!(rebuilt.contains("1 added"), "{rebuilt}");
        assert_eq!(total(&fixture, "versioned"), 1);
    }
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
    summary(&index_into_with(
        &corpus,
        &one,
        &["--jobs", "1", "--memory", "15"],
    ));
    summary(&index_into_with(&corpus, &many, &["--jobs", "4"]));
    let (_, a) = search_json_in(&one, "topic", &["--limit", "100"]);
    let (_, b) = search_json_in(&many, "topic", &["--limit", "100"]);
    assert_eq!(a["hits"], b["hits"]);
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
    summary(&fixture.index());
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
