//! The JSON contract: field names and meanings are documented in the README
//! and only ever extended.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::indexer::BuildReport;
use crate::ingest::ocr::OcrCounts;
use crate::ingest::{self, Format, SkipReason};
use crate::results::{CITA_VERSION, Hit, SearchResults};
use crate::views::batch::BatchQuery;

/// A batch row: the hit with the query and its line in the batch file.
#[derive(Serialize)]
struct BatchRow<'a> {
    query: &'a str,
    line: usize,
    #[serde(flatten)]
    hit: &'a Hit,
}

/// Batch rows as JSON Lines: each hit of `results` with `query` and `line`.
pub fn write_batch_jsonl(
    out: &mut dyn Write,
    query: &BatchQuery,
    results: &SearchResults,
) -> io::Result<()> {
    for hit in &results.hits {
        let row = BatchRow {
            query: &query.query,
            line: query.line,
            hit,
        };
        serde_json::to_writer(&mut *out, &row)?;
        writeln!(out)?;
    }
    Ok(())
}

/// `{"query": …, "total": …, "hits": [...]}` on one line.
pub fn write_json(out: &mut dyn Write, results: &SearchResults) -> io::Result<()> {
    serde_json::to_writer(&mut *out, results)?;
    writeln!(out)
}

/// One hit object per line, nothing else.
pub fn write_jsonl(out: &mut dyn Write, results: &SearchResults) -> io::Result<()> {
    super::write_results(out, results, super::Format::Jsonl, Default::default())
}

/// Where the hits go in `results`' JSON object: the key that opens them.
const HITS_KEY: &str = "\"hits\":[";

/// `results`' JSON object cut where its hits go: what comes before them
/// (their key included) and after them (from the closing `]`). `query`
/// comes first and is a string, whose quotes are escaped, so the first
/// `"hits":[` is the key of the hits.
fn around_hits(results: &SearchResults) -> io::Result<(String, String)> {
    debug_assert!(results.hits.is_empty(), "the hits are written apart");
    let mut whole = serde_json::to_string(results)?;
    let at = whole
        .find(HITS_KEY)
        .map_or(whole.len(), |at| at + HITS_KEY.len());
    let after = whole.split_off(at);
    Ok((whole, after))
}

/// The JSON object of a search up to its first hit.
pub(super) fn write_head(out: &mut dyn Write, head: &SearchResults) -> io::Result<()> {
    out.write_all(around_hits(head)?.0.as_bytes())
}

/// The JSON object of a search after its last hit, and the line's end.
pub(super) fn write_tail(out: &mut dyn Write, results: &SearchResults) -> io::Result<()> {
    out.write_all(around_hits(results)?.1.as_bytes())?;
    writeln!(out)
}

/// The JSON form of a [`BuildReport`] (`cita index --format json`).
#[derive(Serialize)]
struct BuildReportJson<'a> {
    corpus: String,
    index: String,
    files: &'a BTreeMap<Format, u64>,
    files_indexed: u64,
    documents: u64,
    passages: u64,
    added: u64,
    updated: u64,
    removed: u64,
    unchanged: u64,
    kept: u64,
    files_read: u64,
    commits: u64,
    skipped: BTreeMap<SkipReason, u64>,
    ignored: &'a BTreeMap<String, u64>,
    warnings: Vec<WarningJson<'a>>,
    ocr: OcrCounts,
    elapsed_seconds: f64,
    cita_version: &'static str,
}

/// One warning of a run: the file (its `source`, relative to the corpus),
/// why it was skipped (`null` when it was only partly read), and what happened.
#[derive(Serialize)]
struct WarningJson<'a> {
    source: String,
    reason: Option<SkipReason>,
    message: &'a str,
}

/// The report of an index run as one JSON object on one line.
pub fn write_build_report_json(out: &mut dyn Write, report: &BuildReport) -> io::Result<()> {
    let json = BuildReportJson {
        corpus: report.corpus.to_string_lossy().into_owned(),
        index: report.index.to_string_lossy().into_owned(),
        files: &report.files,
        files_indexed: report.files_indexed(),
        documents: report.documents,
        passages: report.passages,
        added: report.added,
        updated: report.updated,
        removed: report.removed,
        unchanged: report.unchanged,
        kept: report.kept,
        files_read: report.files_read,
        commits: report.commits,
        skipped: report.skipped(),
        ignored: &report.ignored,
        warnings: report
            .warnings
            .iter()
            .map(|warning| WarningJson {
                source: ingest::relative_source(&report.corpus, &warning.path),
                reason: warning.skipped,
                message: &warning.message,
            })
            .collect(),
        ocr: report.ocr,
        elapsed_seconds: report.elapsed.as_secs_f64(),
        cita_version: CITA_VERSION,
    };
    serde_json::to_writer(&mut *out, &json)?;
    writeln!(out)
}
