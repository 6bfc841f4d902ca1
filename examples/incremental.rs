//! Keeping an index up to date: building again after the corpus changed
//! reads only the files that are new or changed and drops the passages of
//! files that are gone. The example works on a copy of the corpus, so the
//! real one is never touched.
//!
//! ```text
//! cargo run --example incremental -- corpus
//! ```

use std::error::Error;
use std::fs;
use std::path::{Path, PathBuf};

use cita::ingest::{self, Format};
use cita::{Archive, BuildOptions, BuildReport, SearchRequest, build};

fn main() -> Result<(), Box<dyn Error>> {
    let corpus = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "corpus".to_string()),
    );

    // Throwaway copies of the corpus and index, so nothing real is touched.
    let work = std::env::temp_dir().join(format!("cita-incremental-{}", std::process::id()));
    let copy = work.join("corpus");
    let index = work.join("index");
    copy_dir(&corpus, &copy)?;

    // The file we will change must be plain text or Markdown (appending to
    // a PDF or a JSON feed would break it), and another one will go.
    let mut files = Vec::new();
    list_files(&copy, &mut files)?;
    files.sort();
    let changed = files
        .iter()
        .rev()
        .find(|path| matches!(Format::of(path), Some(Format::Text | Format::Markdown)))
        .cloned()
        .ok_or("the corpus needs a .txt or .md file to change")?;
    let deleted = files
        .iter()
        .find(|path| Format::of(path).is_some() && **path != changed)
        .cloned()
        .ok_or("the corpus needs a second file to delete")?;
    // Sources are paths relative to the corpus, with `/`: what hits carry.
    let deleted_source = ingest::relative_source(&copy, &deleted);

    let options = BuildOptions::default();
    let report = build(&copy, &index, &options)?;
    print_run("first build", &report);

    // Nothing changed: every file is recognised by its size and
    // modification time, and none is read.
    let report = build(&copy, &index, &options)?;
    print_run("again, unchanged", &report);

    // `Archive::open` sees the index as of now; `reload` catches up later.
    let archive = Archive::open(&index)?;
    // `source:` matches the words of a path; quoted, the whole path.
    let in_deleted = format!("source:\"{deleted_source}\"");
    println!(
        "before: {} passages of {deleted_source}, {} with \"quokka\"",
        archive
            .count(&SearchRequest::new(in_deleted.clone()))?
            .passages,
        archive.count(&SearchRequest::new("quokka"))?.passages,
    );

    // Add a file, change a file, delete a file.
    fs::write(
        copy.join("field-notes.md"),
        "# Field notes\n\nA quokka was seen near the embassy in Bogotá.\n",
    )?;
    let mut text = fs::read_to_string(&changed)?;
    text.push_str("\n\nA late addition about a quokka in the archive.\n");
    fs::write(&changed, text)?;
    fs::remove_file(&deleted)?;

    // Only the new and the changed file are read; the rest stay as they were.
    let report = build(&copy, &index, &options)?;
    print_run("after add, change, delete", &report);

    archive.reload()?;
    println!(
        "after: {} passages of {deleted_source}, {} with \"quokka\":",
        archive.count(&SearchRequest::new(in_deleted))?.passages,
        archive.count(&SearchRequest::new("quokka"))?.passages,
    );
    for hit in archive.search(&SearchRequest::new("quokka"))?.hits {
        println!(
            "  {} ¶{}: {}",
            hit.passage.source, hit.passage.paragraph, hit.passage.text
        );
    }

    fs::remove_dir_all(&work)?;
    Ok(())
}

/// One line per run: what happened to the files, and how many were read.
fn print_run(what: &str, report: &BuildReport) {
    println!(
        "{what:<26} added {}, updated {}, removed {}, unchanged {}; read {} of {} files",
        report.added,
        report.updated,
        report.removed,
        report.unchanged,
        report.files_read,
        report.files_indexed(),
    );
}

/// Copies the folder `from` to `to`, recursively.
fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

/// Every file under `dir`, recursively.
fn list_files(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            list_files(&path, files)?;
        } else {
            files.push(path);
        }
    }
    Ok(())
}
