//! Renderers over [`SearchResults`], the research results and the index
//! report: each format is one function that writes what the library
//! returned and decides nothing else.

pub mod csv;
mod json;
mod text;

use std::io::{self, Write};

pub use json::{write_batch_jsonl, write_build_report_json, write_json, write_jsonl};
pub use text::{
    TextStyle, plural, sanitize, shortened, write_build_report_text, write_check_text,
    write_counts_text, write_kwic_text, write_passage_text, write_stats_text, write_text,
    write_timeline_text,
};

use serde::Serialize;

use crate::error::Error;
use crate::results::{Counts, Hit, IndexCheck, PassageInContext, SearchResults, Stats, Timeline};
use crate::views::kwic::Concordance;

/// An output format of `cita search`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// For people: one block per hit, highlights coloured on a terminal.
    Text,
    /// One JSON object: `{"query", "total", "hits": [...]}`.
    Json,
    /// One JSON hit object per line.
    Jsonl,
    /// RFC 4180 CSV with a header row.
    Csv,
}

impl std::str::FromStr for Format {
    type Err = Error;

    /// A format by its name in `--format`: `text`, `json`, `jsonl` or `csv`.
    fn from_str(name: &str) -> Result<Format, Error> {
        match name {
            "text" => Ok(Format::Text),
            "json" => Ok(Format::Json),
            "jsonl" => Ok(Format::Jsonl),
            "csv" => Ok(Format::Csv),
            other => Err(Error::InvalidOption(format!(
                "a format is text, json, jsonl or csv, not {other:?}"
            ))),
        }
    }
}

/// What `format` leaves out of a search's output that the search asked
/// for (`facets`, `context` passages around each hit): a note for each,
/// which the shells print on stderr so that nothing is dropped silently.
pub fn left_out(format: Format, facets: bool, context: bool) -> Vec<&'static str> {
    let mut notes = Vec::new();
    if facets && matches!(format, Format::Csv | Format::Jsonl) {
        notes.push("--facets are not part of a row per hit: use --format json or text to see them");
    }
    if context && format == Format::Csv {
        notes.push(
            "--context passages are not part of a CSV row: use --format jsonl, json or text to see them",
        );
    }
    notes
}

/// Writes `results` in `format`.
pub fn write_results(
    out: &mut dyn Write,
    results: &SearchResults,
    format: Format,
    style: TextStyle,
) -> io::Result<()> {
    match format {
        Format::Json => write_json(out, results),
        Format::Text if let Some(groups) = &results.groups => {
            text::write_groups(out, results, groups, style)
        }
        Format::Csv if let Some(groups) = &results.groups => csv::write_group_rows(out, groups),
        _ => {
            let mut writer = HitWriter::new(out, format, style)?;
            for hit in &results.hits {
                writer.hit(results, hit)?;
            }
            writer.finish(results)
        }
    }
}

/// Writes a search's hits as [`crate::Archive::search_each`] hands them
/// over, then what follows them: what [`write_results`] writes, without
/// holding the hits (not for `group`, whose hits come with the results).
pub struct HitWriter<'w> {
    to: Target<'w>,
    /// The first and the last rank written.
    page: Option<(usize, usize)>,
}

enum Target<'w> {
    Text(&'w mut dyn Write, TextStyle),
    Json(&'w mut dyn Write),
    Jsonl(&'w mut dyn Write),
    Csv(Box<::csv::Writer<&'w mut dyn Write>>),
}

impl<'w> HitWriter<'w> {
    /// A writer of `format` to `out` (CSV's header row is written at once).
    pub fn new(out: &'w mut dyn Write, format: Format, style: TextStyle) -> io::Result<Self> {
        let to = match format {
            Format::Text => Target::Text(out, style),
            Format::Json => Target::Json(out),
            Format::Jsonl => Target::Jsonl(out),
            Format::Csv => Target::Csv(Box::new(csv::search_writer(out)?)),
        };
        Ok(HitWriter { to, page: None })
    }

    /// Writes `hit`. `head` is the results as known before the first hit,
    /// without hits, as `search_each` hands them: JSON opens with its
    /// `query`, `total` and `distinct`.
    pub fn hit(&mut self, head: &SearchResults, hit: &Hit) -> io::Result<()> {
        let first = self.page.is_none();
        match &mut self.to {
            Target::Text(out, style) => text::write_ranked_hit(*out, hit, *style)?,
            Target::Json(out) => {
                if first {
                    json::write_head(*out, head)?;
                } else {
                    out.write_all(b",")?;
                }
                serde_json::to_writer(&mut **out, hit)?;
            }
            Target::Jsonl(out) => json_line(*out, hit)?,
            Target::Csv(writer) => csv::write_search_row(writer, hit)?,
        }
        self.page = Some((self.page.map_or(hit.rank, |page| page.0), hit.rank));
        Ok(())
    }

    /// Writes what follows the hits of `results` (the same results as
    /// `head`, completed: `partial_total` is known only after the hits):
    /// the text summary and facets, the rest of the JSON object.
    pub fn finish(self, results: &SearchResults) -> io::Result<()> {
        match self.to {
            Target::Text(out, style) => text::write_summary(out, results, self.page, style),
            Target::Json(out) if self.page.is_none() => write_json(out, results),
            Target::Json(out) => json::write_tail(out, results),
            Target::Jsonl(out) => out.flush(),
            Target::Csv(writer) => csv::finish(*writer),
        }
    }
}

fn json_line(out: &mut dyn Write, value: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    writeln!(out)
}

/// Writes passage and document counts (`--count`): text, or one JSON object
/// `{"passages", "documents"}` (also for JSONL), or a CSV row.
pub fn write_counts(out: &mut dyn Write, counts: &Counts, format: Format) -> io::Result<()> {
    match format {
        Format::Text => write_counts_text(out, counts),
        Format::Json | Format::Jsonl => json_line(out, counts),
        Format::Csv => csv::write_table(
            out,
            &["passages", "documents"],
            &[counts.passages.to_string(), counts.documents.to_string()],
        ),
    }
}

/// Writes a timeline: a bar chart, one JSON object, one JSON row per line, or CSV rows.
pub fn write_timeline(
    out: &mut dyn Write,
    timeline: &Timeline,
    format: Format,
    style: TextStyle,
) -> io::Result<()> {
    match format {
        Format::Text => write_timeline_text(out, timeline, style),
        Format::Json => json_line(out, timeline),
        Format::Jsonl => timeline.rows.iter().try_for_each(|row| json_line(out, row)),
        Format::Csv => csv::write_timeline_csv(out, timeline),
    }
}

/// Writes a concordance: aligned text, one JSON object, one JSON line per occurrence, or CSV.
pub fn write_kwic(
    out: &mut dyn Write,
    kwic: &Concordance,
    format: Format,
    style: TextStyle,
) -> io::Result<()> {
    match format {
        Format::Text => write_kwic_text(out, kwic, style),
        Format::Json => json_line(out, kwic),
        Format::Jsonl => kwic.lines.iter().try_for_each(|line| json_line(out, line)),
        Format::Csv => csv::write_kwic_csv(out, kwic),
    }
}

/// Writes one passage with its context (`cita show`): text, or the JSON of
/// `GET /api/passages/{id}` (`{"passage", "before", "after"}`).
pub fn write_passage(
    out: &mut dyn Write,
    found: &PassageInContext,
    format: Format,
    style: TextStyle,
) -> io::Result<()> {
    match format {
        Format::Text => write_passage_text(out, found, style),
        Format::Json | Format::Jsonl => json_line(out, found),
        Format::Csv => {
            let passages: Vec<&crate::results::IndexedPassage> = found
                .before
                .iter()
                .chain([&found.passage])
                .chain(&found.after)
                .collect();
            csv::write_passages_csv(out, &passages)
        }
    }
}

/// Writes index statistics as text or as one JSON object.
pub fn write_stats(out: &mut dyn Write, stats: &Stats, format: Format) -> io::Result<()> {
    match format {
        Format::Text => write_stats_text(out, stats),
        Format::Json | Format::Jsonl => json_line(out, stats),
        Format::Csv => csv::write_table(
            out,
            &[
                "index",
                "documents",
                "passages",
                "size_bytes",
                "last_run_unfinished",
            ],
            &[
                stats.index.display().to_string(),
                stats.documents.to_string(),
                stats.passages.to_string(),
                stats.size_bytes.to_string(),
                stats.last_run_unfinished.to_string(),
            ],
        ),
    }
}

/// What `cita check` read, every checksum holding.
pub fn write_check(out: &mut dyn Write, check: &IndexCheck, format: Format) -> io::Result<()> {
    match format {
        Format::Text => write_check_text(out, check),
        Format::Json | Format::Jsonl => json_line(out, check),
        Format::Csv => csv::write_table(
            out,
            &["index", "files", "bytes", "passages"],
            &[
                check.index.display().to_string(),
                check.files.to_string(),
                check.bytes.to_string(),
                check.passages.to_string(),
            ],
        ),
    }
}
