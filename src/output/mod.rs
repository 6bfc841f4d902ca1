//! Renderers over [`SearchResults`](crate::SearchResults): each format is one
//! function that writes what the search returned and decides nothing else.

mod json;
mod text;

use std::io::{self, Write};

pub use json::{write_json, write_jsonl};
pub use text::{TextStyle, sanitize, write_stats_text, write_text};

use crate::{SearchResults, Stats};

/// An output format of `cita search`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// For people: one block per hit, highlights coloured on a terminal.
    Text,
    /// One JSON object: `{"query", "total", "hits": [...]}`.
    Json,
    /// One JSON hit object per line.
    Jsonl,
}

/// Writes `results` in `format`.
pub fn write_results(
    out: &mut dyn Write,
    results: &SearchResults,
    format: Format,
    style: TextStyle,
) -> io::Result<()> {
    match format {
        Format::Text => write_text(out, results, style),
        Format::Json => write_json(out, results),
        Format::Jsonl => write_jsonl(out, results),
    }
}

/// Writes index statistics as text or as one JSON object.
pub fn write_stats(out: &mut dyn Write, stats: &Stats, format: Format) -> io::Result<()> {
    match format {
        Format::Text => write_stats_text(out, stats),
        Format::Json | Format::Jsonl => {
            serde_json::to_writer(&mut *out, stats)?;
            writeln!(out)
        }
    }
}
