//! CSV (RFC 4180, UTF-8, a header row) for spreadsheets: search hits, batch
//! rows, concordance lines and timeline rows. Snippets are plain text (no
//! highlight marks); `matched` is `term → form, form; term → form`.

use std::io::{self, Write};

use crate::ingest::DateOrigin;
use crate::results::Matched;
use crate::results::Timeline;
use crate::results::{Duplicate, Extraction, Group, Hit, SearchResults};
use crate::views::batch::BatchQuery;
use crate::views::kwic::Concordance;

fn writer(out: &mut dyn Write) -> csv::Writer<&mut dyn Write> {
    csv::WriterBuilder::new().from_writer(out)
}

pub(super) fn finish(writer: csv::Writer<&mut dyn Write>) -> io::Result<()> {
    writer.into_inner().map_err(|err| err.into_error())?.flush()
}

fn csv_error(err: csv::Error) -> io::Error {
    match err.into_kind() {
        csv::ErrorKind::Io(io) => io,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// `term → form, form; term → form`.
pub fn matched_text(matched: &[Matched]) -> String {
    matched
        .iter()
        .map(|m| format!("{} → {}", m.query, m.forms.join(", ")))
        .collect::<Vec<_>>()
        .join("; ")
}

fn optional<T: ToString>(value: &Option<T>) -> String {
    value.as_ref().map(ToString::to_string).unwrap_or_default()
}

/// New columns go at the end, so scripts that read columns by position
/// keep working.
const SEARCH_HEADER: [&str; 28] = [
    "rank",
    "score",
    "id",
    "source",
    "title",
    "publication",
    "url",
    "date",
    "section",
    "paragraph",
    "part",
    "page",
    "record",
    "snippet",
    "matched",
    "citation",
    "language",
    "entry",
    "author",
    "extraction",
    "ocr_confidence",
    "partial",
    "missing",
    "duplicates",
    "duplicate_sources",
    "text",
    "date_origin",
    "group_passages",
];

/// `hit`'s row; `group_passages`, with `--group`, how many passages of its
/// document match.
fn search_row(hit: &Hit, group_passages: Option<usize>) -> [String; 28] {
    let p = &hit.passage;
    [
        hit.rank.to_string(),
        hit.score.to_string(),
        p.id.clone(),
        p.source.clone(),
        p.title.clone(),
        optional(&p.publication),
        optional(&p.url),
        optional(&p.date),
        optional(&p.section),
        p.paragraph.to_string(),
        p.part.to_string(),
        optional(&p.page),
        optional(&p.record),
        hit.snippet.clone(),
        matched_text(&hit.matched),
        optional(&hit.citation),
        p.language.to_string(),
        optional(&p.entry),
        optional(&p.author),
        extraction(p.extraction),
        optional(&p.ocr_confidence),
        hit.partial.to_string(),
        hit.missing.join("; "),
        optional(&hit.duplicates_total),
        duplicate_sources(hit),
        p.text.clone(),
        date_origin(p.date_origin),
        optional(&group_passages),
    ]
}

/// The sources of a hit's listed duplicates (` › entry`, ` #record` when
/// they have one), joined by `; `.
fn duplicate_sources(hit: &Hit) -> String {
    let listed = hit.duplicates.iter().flatten().map(Duplicate::document);
    listed.collect::<Vec<_>>().join("; ")
}

/// A header row, then one row per hit (for `--group`, per group's best hit).
pub fn write_csv(out: &mut dyn Write, results: &SearchResults) -> io::Result<()> {
    super::write_results(out, results, super::Format::Csv, Default::default())
}

/// A header row and one row, as every other CSV cita writes them.
pub fn write_table(out: &mut dyn Write, header: &[&str], row: &[String]) -> io::Result<()> {
    let mut w = writer(out);
    w.write_record(header).map_err(csv_error)?;
    w.write_record(row).map_err(csv_error)?;
    finish(w)
}

/// A writer of a search's rows, its header row written.
pub(super) fn search_writer(out: &mut dyn Write) -> io::Result<csv::Writer<&mut dyn Write>> {
    let mut w = writer(out);
    w.write_record(SEARCH_HEADER).map_err(csv_error)?;
    Ok(w)
}

/// A search's row for `hit`.
pub(super) fn write_search_row(w: &mut csv::Writer<&mut dyn Write>, hit: &Hit) -> io::Result<()> {
    w.write_record(search_row(hit, None)).map_err(csv_error)
}

/// A grouped search's rows: each document's best passage, with how many of
/// its passages match.
pub(super) fn write_group_rows(out: &mut dyn Write, groups: &[Group]) -> io::Result<()> {
    let mut w = search_writer(out)?;
    for group in groups {
        if let Some(best) = group.hits.first() {
            let row = search_row(best, Some(group.passages));
            w.write_record(row).map_err(csv_error)?;
        }
    }
    finish(w)
}

/// The columns of a batch CSV (new ones appended, as in a search's).
pub const BATCH_HEADER: [&str; 22] = [
    "query",
    "rank",
    "score",
    "source",
    "title",
    "date",
    "section",
    "paragraph",
    "id",
    "snippet",
    "language",
    "entry",
    "author",
    "extraction",
    "ocr_confidence",
    "publication",
    "url",
    "part",
    "page",
    "record",
    "text",
    "date_origin",
];

/// The header row of a batch CSV.
pub fn write_batch_header(out: &mut dyn Write) -> io::Result<()> {
    let mut w = writer(out);
    w.write_record(BATCH_HEADER).map_err(csv_error)?;
    finish(w)
}

/// Batch rows (query × hit) as CSV, after [`write_batch_header`].
pub fn write_batch_csv(
    out: &mut dyn Write,
    query: &BatchQuery,
    results: &SearchResults,
) -> io::Result<()> {
    let mut w = writer(out);
    for hit in &results.hits {
        let p = &hit.passage;
        w.write_record([
            query.query.clone(),
            hit.rank.to_string(),
            hit.score.to_string(),
            p.source.clone(),
            p.title.clone(),
            optional(&p.date),
            optional(&p.section),
            p.paragraph.to_string(),
            p.id.clone(),
            hit.snippet.clone(),
            p.language.to_string(),
            optional(&p.entry),
            optional(&p.author),
            extraction(p.extraction),
            optional(&p.ocr_confidence),
            optional(&p.publication),
            optional(&p.url),
            p.part.to_string(),
            optional(&p.page),
            optional(&p.record),
            p.text.clone(),
            date_origin(p.date_origin),
        ])
        .map_err(csv_error)?;
    }
    finish(w)
}

/// Concordance lines as CSV.
pub fn write_kwic_csv(out: &mut dyn Write, kwic: &Concordance) -> io::Result<()> {
    let mut w = writer(out);
    w.write_record([
        "rank",
        "source",
        "date",
        "paragraph",
        "id",
        "left",
        "match",
        "right",
        "entry",
        "record",
        "page",
        "part",
    ])
    .map_err(csv_error)?;
    for line in &kwic.lines {
        w.write_record([
            line.rank.to_string(),
            line.source.clone(),
            optional(&line.date),
            line.paragraph.to_string(),
            line.id.clone(),
            line.left.clone(),
            line.matched.clone(),
            line.right.clone(),
            optional(&line.entry),
            optional(&line.record),
            optional(&line.page),
            line.part.to_string(),
        ])
        .map_err(csv_error)?;
    }
    finish(w)
}

/// Passages as CSV (`cita show --format csv`): the passage and its context in document order.
pub fn write_passages_csv(
    out: &mut dyn Write,
    passages: &[&crate::results::IndexedPassage],
) -> io::Result<()> {
    let mut w = writer(out);
    w.write_record([
        "id",
        "source",
        "title",
        "date",
        "section",
        "paragraph",
        "part",
        "text",
        "entry",
        "author",
        "extraction",
        "ocr_confidence",
        "publication",
        "url",
        "page",
        "record",
        "language",
        "date_origin",
    ])
    .map_err(csv_error)?;
    for p in passages {
        w.write_record([
            p.id.clone(),
            p.source.clone(),
            p.title.clone(),
            optional(&p.date),
            optional(&p.section),
            p.paragraph.to_string(),
            p.part.to_string(),
            p.text.clone(),
            optional(&p.entry),
            optional(&p.author),
            extraction(p.extraction),
            optional(&p.ocr_confidence),
            optional(&p.publication),
            optional(&p.url),
            optional(&p.page),
            optional(&p.record),
            p.language.to_string(),
            date_origin(p.date_origin),
        ])
        .map_err(csv_error)?;
    }
    finish(w)
}

/// Where a passage's date came from (`metadata`, `text`), empty when it
/// has none.
fn date_origin(origin: Option<DateOrigin>) -> String {
    origin.map_or_else(String::new, |origin| origin.name().to_string())
}

/// How a passage's text was read, empty when read directly.
fn extraction(extraction: Option<Extraction>) -> String {
    extraction.map_or_else(String::new, |e| e.name().to_string())
}

/// Timeline rows as CSV: `period,source,count` (source empty unless by source).
pub fn write_timeline_csv(out: &mut dyn Write, timeline: &Timeline) -> io::Result<()> {
    let mut w = writer(out);
    w.write_record(["period", "source", "count"])
        .map_err(csv_error)?;
    for row in &timeline.rows {
        w.write_record([
            row.period.clone(),
            optional(&row.source),
            row.count.to_string(),
        ])
        .map_err(csv_error)?;
    }
    finish(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_with_quotes_commas_and_newlines_are_quoted_per_rfc_4180() {
        let mut out = Vec::new();
        let mut w = writer(&mut out);
        w.write_record(["plain", "a, b", "say \"hi\"", "two\nlines", "Bogotá"])
            .unwrap();
        finish(w).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "plain,\"a, b\",\"say \"\"hi\"\"\",\"two\nlines\",Bogotá\n"
        );
    }

    #[test]
    fn a_table_of_one_row_ends_its_rows_and_quotes_as_every_csv_does() {
        let mut out = Vec::new();
        let row = ["my, \"index\"".to_string(), "7".to_string()];
        write_table(&mut out, &["index", "passages"], &row).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "index,passages\n\"my, \"\"index\"\"\",7\n"
        );
    }

    #[test]
    fn matched_terms_read_as_term_arrow_forms() {
        let matched = vec![
            Matched {
                query: "bogota".into(),
                forms: vec!["Bogotá".into()],
            },
            Matched {
                query: "revoked".into(),
                forms: vec!["revoke".into(), "revoked".into()],
            },
        ];
        assert_eq!(
            matched_text(&matched),
            "bogota → Bogotá; revoked → revoke, revoked"
        );
    }
}
