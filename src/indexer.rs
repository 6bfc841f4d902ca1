//! Building the index: documents in, passages split, tantivy documents written,
//! one atomic commit at the end.
//!
//! The build replaces the index's contents in a single tantivy commit, so a
//! build that fails or is killed leaves the previous index intact and
//! searchable. tantivy's writer lock makes a second concurrent build fail at
//! once instead of corrupting anything.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tantivy::directory::error::LockError;
use tantivy::{Index, IndexWriter, TantivyDocument, TantivyError};

use crate::analysis;
use crate::error::{Error, Result};
use crate::ingest::{self, DateOrigin, Document, Format, SkipReason, WalkOptions, Warning};
use crate::passage::{self, Passage};
use crate::schema::{self, Fields, SCHEMA_VERSION};

/// The file tantivy writes last in a commit; its presence means "an index is here".
pub(crate) const META_FILE: &str = "meta.json";

/// The writer's default memory budget: enough to keep both cores busy, small
/// enough for a laptop.
pub const DEFAULT_MEMORY_BYTES: usize = 128 << 20;

/// How to build an index.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Memory budget of tantivy's writer, in bytes (at least 15 MB per thread).
    pub memory_bytes: usize,
    /// Globs (relative to the corpus) of files and folders to leave out.
    pub exclude: Vec<String>,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            memory_bytes: DEFAULT_MEMORY_BYTES,
            exclude: Vec::new(),
        }
    }
}

/// What a build did.
#[derive(Debug, Clone)]
pub struct BuildReport {
    /// The index folder written.
    pub index: PathBuf,
    /// Files read and indexed (including empty ones), per format.
    pub files: BTreeMap<Format, u64>,
    /// Documents indexed: one per file, or one per record of a JSON feed.
    pub documents: u64,
    /// Passages written.
    pub passages: u64,
    /// Files skipped or only partly read, with the reason.
    pub warnings: Vec<Warning>,
    /// Wall-clock time of the build.
    pub elapsed: Duration,
}

impl BuildReport {
    /// Files indexed, all formats together.
    pub fn files_indexed(&self) -> u64 {
        self.files.values().sum()
    }

    /// Files skipped, counted by reason.
    pub fn skipped(&self) -> BTreeMap<SkipReason, u64> {
        let mut counts = BTreeMap::new();
        for reason in self.warnings.iter().filter_map(|w| w.skipped) {
            *counts.entry(reason).or_insert(0) += 1;
        }
        counts
    }
}

/// What cita records in each commit, beside tantivy's own metadata.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct CommitPayload {
    pub cita_schema: u32,
    pub documents: u64,
}

/// Builds (or rebuilds) the index at `index_dir` from every supported file under `corpus`.
pub fn build(corpus: &Path, index_dir: &Path, options: &BuildOptions) -> Result<BuildReport> {
    let started = Instant::now();
    if !corpus.is_dir() {
        return Err(Error::NoCorpus {
            path: corpus.to_path_buf(),
        });
    }
    let index = open_for_writing(index_dir)?;
    let fields =
        schema::fields_of(&index.schema()).expect("the index was checked to have cita's schema");
    let mut writer: IndexWriter<TantivyDocument> =
        index
            .writer(options.memory_bytes)
            .map_err(|err| match err {
                TantivyError::LockFailure(LockError::LockBusy, _) => Error::IndexLocked {
                    path: index_dir.to_path_buf(),
                },
                other => Error::Engine(other),
            })?;
    writer.delete_all_documents()?;

    let walk = WalkOptions {
        exclude: options.exclude.clone(),
    };
    let files = ingest::files(corpus, &walk)?;
    let mut report = BuildReport {
        index: index_dir.to_path_buf(),
        files: BTreeMap::new(),
        documents: 0,
        passages: 0,
        warnings: Vec::new(),
        elapsed: Duration::ZERO,
    };
    for file in files {
        let (path, format) = match file {
            Ok(file) => file,
            Err(warning) => {
                report.warnings.push(warning);
                continue;
            }
        };
        let outcome = ingest::read_file(corpus, &path, format);
        let skipped = outcome.warnings.iter().any(|w| w.skipped.is_some());
        report.warnings.extend(outcome.warnings);
        if skipped {
            continue;
        }
        *report.files.entry(format).or_insert(0) += 1;
        for document in &outcome.documents {
            report.passages += add_document(&writer, &fields, document)?;
            report.documents += 1;
        }
    }

    let payload = CommitPayload {
        cita_schema: SCHEMA_VERSION,
        documents: report.documents,
    };
    let mut commit = writer.prepare_commit()?;
    commit.set_payload(&serde_json::to_string(&payload).expect("the payload serializes"));
    commit.commit()?;
    writer.wait_merging_threads()?;
    report.elapsed = started.elapsed();
    Ok(report)
}

/// Opens the index at `dir` for a rebuild, creating it (or recreating an
/// index of another schema version) as needed.
fn open_for_writing(dir: &Path) -> Result<Index> {
    std::fs::create_dir_all(dir).map_err(|err| Error::io(dir, err))?;
    if dir.join(META_FILE).exists() {
        let foreign = || Error::NotAnIndex {
            path: dir.to_path_buf(),
        };
        let index = Index::open_in_dir(dir).map_err(|_| foreign())?;
        match read_payload(&index) {
            Some(payload)
                if payload.cita_schema == SCHEMA_VERSION
                    && schema::fields_of(&index.schema()).is_some() =>
            {
                analysis::register(&index);
                return Ok(index);
            }
            // Built by another version of cita: its contents cannot be reused.
            Some(_) => remove_index_files(dir)?,
            // Somebody else's index, or not an index: not ours to delete.
            None => return Err(foreign()),
        }
    }
    let (schema, _) = schema::build();
    let index = Index::create_in_dir(dir, schema)?;
    analysis::register(&index);
    Ok(index)
}

/// What cita recorded in the index's last commit, if it is a cita index.
pub(crate) fn read_payload(index: &Index) -> Option<CommitPayload> {
    let payload = index.load_metas().ok()?.payload?;
    serde_json::from_str(&payload).ok()
}

/// The files tantivy lists as its own in an index folder.
const MANAGED_FILE: &str = ".managed.json";

/// Removes an old cita index: the files tantivy manages and its metadata,
/// nothing else in the folder.
fn remove_index_files(dir: &Path) -> Result<()> {
    let managed: Vec<PathBuf> = std::fs::read(dir.join(MANAGED_FILE))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default();
    for name in managed
        .iter()
        .map(PathBuf::as_path)
        .chain([Path::new(MANAGED_FILE), Path::new(META_FILE)])
    {
        // Only plain names: a crafted list must not reach outside the folder.
        if name.components().count() != 1 {
            continue;
        }
        match std::fs::remove_file(dir.join(name)) {
            Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
                return Err(Error::io(dir.join(name), err));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Splits one document into passages and adds them; returns how many.
fn add_document(
    writer: &IndexWriter<TantivyDocument>,
    fields: &Fields,
    document: &Document,
) -> Result<u64> {
    let title = document.title();
    let mut count = 0;
    for passage in passage::passages(&document.blocks) {
        writer.add_document(passage_document(fields, document, &title, &passage))?;
        count += 1;
    }
    Ok(count)
}

fn passage_document(
    fields: &Fields,
    document: &Document,
    title: &str,
    passage: &Passage,
) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(
        fields.id,
        passage_id(&document.source, document.record, &passage.text),
    );
    doc.add_text(fields.source, &document.source);
    doc.add_text(fields.source_words, &document.source);
    doc.add_text(fields.title, title);
    if let Some(publication) = &document.meta.publication {
        doc.add_text(fields.publication, publication);
    }
    if let Some(url) = &document.meta.url {
        doc.add_text(fields.url, url);
    }
    if let Some(date) = document.meta.date {
        doc.add_i64(fields.date, date.days());
    }
    if let Some(origin) = document.date_origin {
        let origin = match origin {
            DateOrigin::Metadata => "metadata",
            DateOrigin::Text => "text",
        };
        doc.add_text(fields.date_origin, origin);
    }
    if let Some(page) = passage.page {
        doc.add_u64(fields.page, u64::from(page));
    }
    if let Some(record) = document.record {
        doc.add_u64(fields.record, record);
    }
    if let Some(section) = &passage.section {
        doc.add_text(fields.section, section);
    }
    doc.add_u64(fields.paragraph, u64::from(passage.paragraph));
    doc.add_u64(fields.part, u64::from(passage.part));
    if let Some(range) = &passage.byte_range {
        doc.add_u64(fields.byte_start, range.start as u64);
        doc.add_u64(fields.byte_end, range.end as u64);
    }
    doc.add_text(fields.text, &passage.text);
    doc.add_text(fields.exact, &passage.text);
    for year in ingest::dates::mentioned_years(&passage.text) {
        doc.add_u64(fields.mentions, u64::from(year));
    }
    doc
}

/// A passage's id: a hash of its source path (and record number, in a JSON
/// feed) and its text, so it is the same in every rebuild for as long as
/// neither changes. xxh3 is a fixed, published function, unlike std's hasher.
pub fn passage_id(source: &str, record: Option<u64>, text: &str) -> String {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(source.as_bytes());
    if let Some(record) = record {
        hasher.update(format!("#{record}").as_bytes());
    }
    hasher.update(&[0]);
    hasher.update(text.as_bytes());
    format!("{:016x}", hasher.digest())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passage_ids_depend_on_source_and_text_only() {
        let id = passage_id("news/a.txt", None, "Plan LAZO began.");
        assert_eq!(id, passage_id("news/a.txt", None, "Plan LAZO began."));
        assert_eq!(id.len(), 16);
        assert_ne!(id, passage_id("news/b.txt", None, "Plan LAZO began."));
        assert_ne!(id, passage_id("news/a.txt", None, "Plan LAZO began!"));
        assert_ne!(id, passage_id("news/a.txt", Some(3), "Plan LAZO began."));
        // The separator keeps (path, text) pairs apart.
        assert_ne!(passage_id("a", None, "bc"), passage_id("ab", None, "c"));
    }
}
