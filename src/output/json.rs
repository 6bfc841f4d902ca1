//! The JSON contract: field names and meanings are documented in the README
//! and only ever extended.

use std::io::{self, Write};

use serde::Serialize;

use crate::batch::BatchQuery;
use crate::{Hit, SearchResults};

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
    for hit in &results.hits {
        serde_json::to_writer(&mut *out, hit)?;
        writeln!(out)?;
    }
    Ok(())
}
