//! Building an index with progress: a `BuildObserver` hears about the run as
//! it goes (the library itself never prints), and the `BuildReport` says
//! what the run did once it is over.
//!
//! ```text
//! cargo run --example build -- corpus
//! ```

use std::cell::Cell;
use std::error::Error;
use std::io::Write;
use std::path::PathBuf;

use cita::indexer::{self, BuildObserver, BuildOptions};
use cita::ingest::Warning;

/// Draws one progress line on stderr, redrawn in place.
///
/// The observer's methods take `&self`, so the counts live in `Cell`s. They
/// are all called on the thread that called `build_with`, one at a time.
#[derive(Default)]
struct Progress {
    files: Cell<u64>,
    bytes: Cell<u64>,
    files_done: Cell<u64>,
    bytes_done: Cell<u64>,
}

impl Progress {
    fn draw(&self) {
        let percent = (self.bytes_done.get() * 100)
            .checked_div(self.bytes.get())
            .unwrap_or(100);
        eprint!(
            "\rindexing: {}/{} files, {percent:>3}% of {} KB",
            self.files_done.get(),
            self.files.get(),
            self.bytes.get() / 1024
        );
        // `eprint!` does not end the line; make sure the redraw shows.
        let _ = std::io::stderr().flush();
    }
}

impl BuildObserver for Progress {
    // Called once, after the corpus is listed and before any file is read.
    fn started(&self, files: u64, bytes: u64) {
        self.files.set(files);
        self.bytes.set(bytes);
        self.draw();
    }

    // Called for every listed file, read or not (unchanged files are skipped
    // quickly), so the line reaches 100% on an up-to-date index too.
    fn file_done(&self, bytes: u64) {
        self.files_done.set(self.files_done.get() + 1);
        self.bytes_done.set(self.bytes_done.get() + bytes);
        self.draw();
    }

    // A file skipped or only partly read: print it over the progress line
    // (padded to cover it), then redraw the progress line below it.
    fn warning(&self, warning: &Warning) {
        let line = format!("warning: {warning}");
        eprintln!("\r{line:<50}");
        self.draw();
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let corpus = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "corpus".to_string()),
    );

    // A throwaway index, so the example never touches ./index.
    let index = std::env::temp_dir().join(format!("cita-build-{}", std::process::id()));

    // The defaults suit most corpora; these are the knobs an embedder is
    // likely to turn. Excluded globs are relative to the corpus folder.
    let options = BuildOptions {
        exclude: vec!["drafts/**".to_string()],
        jobs: 2,
        ..BuildOptions::default()
    };
    let progress = Progress::default();
    let report = indexer::build_with(&corpus, &index, &options, &progress)?;
    eprintln!(); // end the progress line

    // What the run did, file by file: on a fresh index everything is added;
    // run against an existing index, unchanged files are not even read.
    println!(
        "{} documents, {} passages in {:.2?} ({} commit(s))",
        report.documents, report.passages, report.elapsed, report.commits
    );
    println!(
        "files: {} added, {} updated, {} removed, {} unchanged; {} read",
        report.added, report.updated, report.removed, report.unchanged, report.files_read
    );
    for (format, count) in &report.files {
        println!("  {count:>5} {}", format.name());
    }

    // Nothing is dropped silently: files cita could not read are counted by
    // reason (each also has a warning), and files of types it does not read
    // at all by extension.
    let skipped = report.skipped();
    if skipped.is_empty() {
        println!("skipped: none");
    }
    for (reason, count) in &skipped {
        println!("skipped: {count:>5} {}", reason.describe());
    }
    if report.ignored.is_empty() {
        println!("ignored: none");
    }
    for (extension, count) in &report.ignored {
        println!("ignored: {count:>5} {extension}");
    }

    std::fs::remove_dir_all(&index)?;
    Ok(())
}
