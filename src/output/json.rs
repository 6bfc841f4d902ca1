//! The JSON contract: field names and meanings are documented in the README
//! and only ever extended.

use std::io::{self, Write};

use crate::SearchResults;

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
