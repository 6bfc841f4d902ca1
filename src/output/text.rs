//! Text for people. Highlights are coloured on a terminal and wrapped in
//! `**` otherwise, so matches stay visible in a pipe or a file. Document text
//! is sanitized: control characters and bidirectional overrides from a file
//! never reach the terminal.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::io::{self, Write};

use crate::indexer::BuildReport;
use crate::results::{Counts, FacetCount, Facets, Group, Timeline};
use crate::results::{Hit, IndexCheck, IndexedPassage, PassageInContext, SearchResults, Stats};
use crate::views::kwic::{self, Concordance};

/// How text output looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TextStyle {
    /// Use ANSI colours (only when writing to a terminal, unless forced).
    pub color: bool,
    /// Show under each hit which query terms matched which forms (`--explain`).
    pub explain: bool,
}

const RESET: &str = "\x1b[0m";
const MATCH: &str = "\x1b[1;31m";
const SOURCE: &str = "\x1b[35m";
const TITLE: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
/// Marks a match when colours are off.
const PLAIN_MARK: &str = "**";

impl TextStyle {
    fn paint(&self, out: &mut dyn Write, code: &str, text: &str) -> io::Result<()> {
        if self.color {
            write!(out, "{code}{text}{RESET}")
        } else {
            write!(out, "{text}")
        }
    }
}

/// One block per hit: rank, source and paragraph, date, section; the title; the snippet.
pub fn write_text(
    out: &mut dyn Write,
    results: &SearchResults,
    style: TextStyle,
) -> io::Result<()> {
    super::write_results(out, results, super::Format::Text, style)
}

/// One block per document (`--group`): its best hit and how many more
/// passages it holds.
pub(super) fn write_groups(
    out: &mut dyn Write,
    results: &SearchResults,
    groups: &[Group],
    style: TextStyle,
) -> io::Result<()> {
    for group in groups {
        if let Some(best) = group.hits.first() {
            write!(out, "{}. ", group.rank)?;
            write_hit(out, best, style)?;
            if group.passages > 1 {
                let more = group.passages - 1;
                let plural = if more == 1 { "" } else { "s" };
                style.paint(
                    out,
                    DIM,
                    &format!("   +{more} more passage{plural} in this document"),
                )?;
                writeln!(out)?;
            }
            writeln!(out)?;
        }
    }
    let shown = groups.len();
    // "10 of 12 documents shown" when the page leaves documents out, and
    // "11–12 of 12" for a page after the first (`--offset`).
    let of = results
        .documents
        .filter(|&documents| documents != shown as u64)
        .map_or(String::new(), |documents| format!(" of {documents}"));
    let first = groups.first().map_or(1, |group| group.rank);
    let which = match first {
        1 => shown.to_string(),
        _ => format!("{first}–{}", first + shown - 1),
    };
    let summary = format!(
        "{which}{of} document{} shown; {} matching passage{} in all",
        if shown == 1 && of.is_empty() { "" } else { "s" },
        results.total,
        if results.total == 1 { "" } else { "s" }
    );
    style.paint(out, DIM, &summary)?;
    writeln!(out)?;
    write_facets(out, results.facets.as_ref(), style)
}

/// One hit's block after its rank.
pub(super) fn write_ranked_hit(out: &mut dyn Write, hit: &Hit, style: TextStyle) -> io::Result<()> {
    write!(out, "{}. ", hit.rank)?;
    write_hit(out, hit, style)?;
    writeln!(out)
}

/// The line after a search's hits, whose ranks `page` spans (first and
/// last), and the facets.
pub(super) fn write_summary(
    out: &mut dyn Write,
    results: &SearchResults,
    page: Option<(usize, usize)>,
    style: TextStyle,
) -> io::Result<()> {
    let plural = if results.total == 1 { "" } else { "s" };
    // Copies shown once: ranks count distinct passages.
    let collapsed = results
        .distinct
        .filter(|&distinct| distinct < results.total);
    // No partial match to fill the page with: the page reads as any other.
    let partial_total = results.partial_total.filter(|&partial| partial > 0);
    let summary = match (page, collapsed, partial_total) {
        (Some((first, last)), _, Some(partial)) => Some(format!(
            "{}–{}: {} passage{plural} with every word{}, then partial matches ({partial} {} at least half of the words)",
            first,
            last,
            results.total,
            collapsed.map_or(String::new(), |distinct| format!(" ({distinct} distinct)")),
            self::plural(partial, "holds", "hold")
        )),
        (Some((first, last)), None, None) => Some(format!(
            "{}–{} of {} matching passage{plural}",
            first, last, results.total
        )),
        (Some((first, last)), Some(distinct), None) => Some(format!(
            "{}–{} of {distinct} distinct passage{}; {} matching passage{plural} in all",
            first,
            last,
            if distinct == 1 { "" } else { "s" },
            results.total
        )),
        // `--limit 0` (or an offset past the end): the count is still worth saying.
        (_, None, _) if results.total > 0 => {
            Some(format!("{} matching passage{plural}", results.total))
        }
        (_, Some(distinct), _) => Some(format!(
            "{} matching passage{plural}, {distinct} distinct",
            results.total
        )),
        _ => None,
    };
    if let Some(summary) = summary {
        style.paint(out, DIM, &summary)?;
        writeln!(out)?;
    }
    write_facets(out, results.facets.as_ref(), style)
}

fn write_facets(out: &mut dyn Write, facets: Option<&Facets>, style: TextStyle) -> io::Result<()> {
    // No passage matched (every one has a source): nothing to count, and
    // nothing printed, as for the hits.
    let Some(facets) = facets.filter(|facets| facets.values.sources > 0) else {
        return Ok(());
    };
    let values = &facets.values;
    writeln!(out)?;
    write_facet_list(out, style, "By source", &facets.sources, values.sources)?;
    write_facet_list(out, style, "By year", &facets.years, values.years)?;
    if facets.undated > 0 {
        writeln!(out, "{:>6}  undated", facets.undated)?;
    }
    write_facet_list(
        out,
        style,
        "By language",
        &facets.languages,
        values.languages,
    )?;
    if values.publications > 0 {
        let publications = &facets.publications;
        write_facet_list(
            out,
            style,
            "By publication",
            publications,
            values.publications,
        )?;
    }
    write_facet_list(out, style, "By format", &facets.formats, values.formats)?;
    if values.authors > 0 {
        write_facet_list(out, style, "By author", &facets.authors, values.authors)?;
    }
    Ok(())
}

/// A facet's title, then one `count  value` line per value listed and a
/// line saying how many of its `values` are not (`--facet-limit`).
fn write_facet_list(
    out: &mut dyn Write,
    style: TextStyle,
    title: &str,
    facets: &[FacetCount],
    values: u64,
) -> io::Result<()> {
    style.paint(out, TITLE, title)?;
    writeln!(out)?;
    for facet in facets {
        writeln!(out, "{:>6}  {}", facet.count, sanitize(&facet.value))?;
    }
    let unlisted = values.saturating_sub(facets.len() as u64);
    if unlisted > 0 {
        writeln!(out, "{:>6}  {unlisted} more", "…")?;
    }
    Ok(())
}

/// A passage of context: dimmed, marked with `┆`.
fn write_context(
    out: &mut dyn Write,
    passage: &IndexedPassage,
    style: TextStyle,
) -> io::Result<()> {
    style.paint(
        out,
        DIM,
        &format!(
            "   ┆ {} {}",
            paragraph_mark(passage.paragraph, passage.part),
            sanitize(&passage.text)
        ),
    )?;
    writeln!(out)
}

/// One hit's lines, without the blank line that separates hits.
fn write_hit(out: &mut dyn Write, hit: &Hit, style: TextStyle) -> io::Result<()> {
    style.paint(out, SOURCE, &sanitize(&hit.passage.source))?;
    if let Some(entry) = &hit.passage.entry {
        style.paint(out, SOURCE, &format!(" › {}", sanitize(entry)))?;
    }
    let mut meta = String::new();
    if let Some(record) = hit.passage.record {
        meta.push_str(&format!(" #{record}"));
    }
    if let Some(page) = hit.passage.page {
        meta.push_str(&format!(" p.{page}"));
    }
    meta.push_str(&format!(
        " {}",
        paragraph_mark(hit.passage.paragraph, hit.passage.part)
    ));
    if let Some(date) = hit.passage.date {
        meta.push_str(&format!("  {date}"));
    }
    if let Some(section) = &hit.passage.section {
        meta.push_str(&format!("  § {}", sanitize(section)));
    }
    if let Some(confidence) = hit.passage.ocr_confidence {
        meta.push_str(&format!("  [OCR {confidence}%]"));
    }
    style.paint(out, DIM, &meta)?;
    write!(out, "\n   ")?;
    style.paint(out, TITLE, &sanitize(&hit.passage.title))?;
    if let Some(publication) = &hit.passage.publication {
        style.paint(out, DIM, &format!(" — {}", sanitize(publication)))?;
    }
    writeln!(out)?;
    for passage in hit.before.iter().flatten() {
        write_context(out, passage, style)?;
    }
    write!(out, "   ")?;
    let mut at = 0;
    for &[start, end] in &hit.highlights {
        write!(out, "{}", sanitize_lines(&hit.snippet[at..start]))?;
        let matched = sanitize_lines(&hit.snippet[start..end]);
        if style.color {
            style.paint(out, MATCH, &matched)?;
        } else {
            write!(out, "{PLAIN_MARK}{matched}{PLAIN_MARK}")?;
        }
        at = end;
    }
    writeln!(out, "{}", sanitize_lines(&hit.snippet[at..]))?;
    for passage in hit.after.iter().flatten() {
        write_context(out, passage, style)?;
    }
    if hit.partial {
        let lacks = format!("   partial match, lacks: {}", hit.missing.join(", "));
        style.paint(out, DIM, &sanitize(&lacks))?;
        writeln!(out)?;
    }
    if style.explain && !hit.matched.is_empty() {
        let matched = crate::output::csv::matched_text(&hit.matched);
        style.paint(out, DIM, &format!("   matched: {}", sanitize(&matched)))?;
        writeln!(out)?;
    }
    if let Some(citation) = &hit.citation {
        writeln!(out, "   cite: {}", sanitize(citation))?;
    }
    if let Some(line) = duplicates_line(hit) {
        style.paint(out, DIM, &format!("   {}", sanitize(&line)))?;
        writeln!(out)?;
    }
    Ok(())
}

/// `¶3`, or `¶3.2` for the second part of a long paragraph cut in parts.
fn paragraph_mark(paragraph: u32, part: u32) -> String {
    if part > 1 {
        format!("¶{paragraph}.{part}")
    } else {
        format!("¶{paragraph}")
    }
}

/// `also in 2 other documents: a.html, b.pdf` (`2 other copies: a.html
/// ¶3, a.html ¶9` when one is in the hit's own document or two in one:
/// each copy's paragraph too), for a hit with duplicates.
fn duplicates_line(hit: &Hit) -> Option<String> {
    let (listed, total) = (hit.duplicates.as_ref()?, hit.duplicates_total?);
    if total == 0 {
        return None;
    }
    // Copies are counted as documents only where each is in a document of
    // its own: not one in the hit's document (a copy differing in case or
    // punctuation), not two in one, and all of them listed to tell.
    let mut documents =
        BTreeSet::from([(&hit.passage.source, hit.passage.record, &hit.passage.entry)]);
    let one_per_document = listed.len() as u64 == total
        && listed
            .iter()
            .all(|d| documents.insert((&d.source, d.record, &d.entry)));
    // Copies more than their documents: each says where it stands.
    let mut places: Vec<String> = listed
        .iter()
        .map(|copy| match one_per_document {
            true => copy.document(),
            false => format!(
                "{} {}",
                copy.document(),
                paragraph_mark(copy.paragraph, copy.part)
            ),
        })
        .collect();
    let more = total.saturating_sub(listed.len() as u64);
    if more > 0 {
        places.push(format!("and {more} more"));
    }
    let s = if total == 1 { "" } else { "s" };
    let what = match one_per_document {
        true => format!("also in {total} other document{s}"),
        false => format!("{total} other cop{}", if total == 1 { "y" } else { "ies" }),
    };
    Some(format!("{what}: {}", places.join(", ")))
}

/// `N passages in M documents`.
pub fn write_counts_text(out: &mut dyn Write, counts: &Counts) -> io::Result<()> {
    writeln!(
        out,
        "{} passage{} in {} document{}",
        counts.passages,
        if counts.passages == 1 { "" } else { "s" },
        counts.documents,
        if counts.documents == 1 { "" } else { "s" }
    )
}

/// Width of the longest bar of a timeline chart, in characters.
const BAR_WIDTH: u64 = 50;

/// This many empty periods in a row or more are written as one line.
const FOLDED_EMPTY_PERIODS: usize = 3;

/// One row per period (and source): the period, a bar scaled to the largest
/// count, and the count; a run of empty periods on one line, `none`.
pub fn write_timeline_text(
    out: &mut dyn Write,
    timeline: &Timeline,
    style: TextStyle,
) -> io::Result<()> {
    let max = timeline
        .rows
        .iter()
        .map(|r| r.count)
        .max()
        .unwrap_or(0)
        .max(1);
    // A run of empty periods (decades between two mentions) is one line.
    let mut lines: Vec<(String, Option<u64>)> = Vec::new();
    for run in timeline.rows.chunk_by(|a, b| {
        (a.count == 0 && a.source.is_none()) == (b.count == 0 && b.source.is_none())
    }) {
        let empty = run[0].count == 0 && run[0].source.is_none();
        if empty && run.len() >= FOLDED_EMPTY_PERIODS {
            let label = format!("{}–{}", run[0].period, run[run.len() - 1].period);
            lines.push((label, None));
            continue;
        }
        lines.extend(run.iter().map(|row| {
            let label = match &row.source {
                Some(source) => format!("{}  {}", row.period, sanitize(source)),
                None => row.period.clone(),
            };
            (label, Some(row.count))
        }));
    }
    let label_width = lines
        .iter()
        .map(|(label, _)| label.chars().count())
        .max()
        .unwrap_or(0);
    for (label, count) in &lines {
        write!(out, "{}  ", kwic::pad_right(label, label_width))?;
        match count {
            Some(count) => {
                let bar = (count * BAR_WIDTH).div_ceil(max) as usize;
                style.paint(out, SOURCE, &"█".repeat(bar))?;
                writeln!(out, " {count}")?;
            }
            None => {
                style.paint(out, DIM, "none")?;
                writeln!(out)?;
            }
        }
    }
    let what = if timeline.axis == "mentioned" {
        "mentioning no year"
    } else {
        "undated"
    };
    let summary = format!(
        "{} matching passage{}; {} {what}",
        timeline.total,
        if timeline.total == 1 { "" } else { "s" },
        timeline.undated
    );
    style.paint(out, DIM, &summary)?;
    writeln!(out)
}

/// One line per occurrence: left context right-aligned, the match in a
/// column of its own, right context, then source, paragraph and date.
pub fn write_kwic_text(
    out: &mut dyn Write,
    kwic: &Concordance,
    style: TextStyle,
) -> io::Result<()> {
    let lines: Vec<(String, String, String)> = kwic
        .lines
        .iter()
        .map(|l| (sanitize(&l.left), sanitize(&l.matched), sanitize(&l.right)))
        .collect();
    let centre = lines
        .iter()
        .map(|(_, m, _)| kwic::display_width(m))
        .max()
        .unwrap_or(0);
    for (line, (left, matched, right)) in kwic.lines.iter().zip(&lines) {
        write!(out, "{} ", kwic::pad_left(left, kwic.width))?;
        let padded = kwic::pad_right(matched, centre);
        if style.color {
            style.paint(out, MATCH, matched)?;
            write!(out, "{}", &padded[matched.len()..])?;
        } else {
            write!(out, "{padded}")?;
        }
        write!(out, " {}  ", kwic::pad_right(right, kwic.width))?;
        let mut meta = sanitize(&line.source);
        if let Some(entry) = &line.entry {
            meta.push_str(&format!(" › {}", sanitize(entry)));
        }
        if let Some(record) = line.record {
            meta.push_str(&format!(" #{record}"));
        }
        if let Some(page) = line.page {
            meta.push_str(&format!(" p.{page}"));
        }
        meta.push_str(&format!(" {}", paragraph_mark(line.paragraph, line.part)));
        if let Some(date) = line.date {
            meta.push_str(&format!(" {date}"));
        }
        style.paint(out, DIM, &meta)?;
        writeln!(out)?;
    }
    Ok(())
}

/// A passage with its metadata and its context (`cita show`).
pub fn write_passage_text(
    out: &mut dyn Write,
    found: &PassageInContext,
    style: TextStyle,
) -> io::Result<()> {
    let p = &found.passage;
    let mut field = |name: &str, value: Option<String>| -> io::Result<()> {
        if let Some(value) = value {
            style.paint(out, DIM, &format!("{name:<12}"))?;
            writeln!(out, "{}", sanitize(&value))?;
        }
        Ok(())
    };
    field("id", Some(p.id.clone()))?;
    field("source", Some(p.source.clone()))?;
    field("entry", p.entry.clone())?;
    field("title", Some(p.title.clone()))?;
    field("author", p.author.clone())?;
    field(
        "extraction",
        p.ocr_confidence
            .map(|confidence| format!("OCR, confidence {confidence}%")),
    )?;
    field("publication", p.publication.clone())?;
    field("url", p.url.clone())?;
    field("date", p.date.map(|d| d.to_string()))?;
    field("section", p.section.clone())?;
    field("language", Some(p.language.to_string()))?;
    field(
        "paragraph",
        Some(match p.part {
            0 | 1 => p.paragraph.to_string(),
            part => format!("{} (part {part})", p.paragraph),
        }),
    )?;
    field("page", p.page.map(|x| x.to_string()))?;
    field("record", p.record.map(|x| x.to_string()))?;
    field("bytes", p.byte_range.map(|[a, b]| format!("{a}–{b}")))?;
    field("citation", Some(p.citation()))?;
    writeln!(out)?;
    for passage in &found.before {
        write_context(out, passage, style)?;
    }
    writeln!(out, "   {}", sanitize(&p.text))?;
    for passage in &found.after {
        write_context(out, passage, style)?;
    }
    Ok(())
}

/// `text` cut to its first `max_chars` characters and `…` when longer: a
/// message quoting a user's line stays one readable line.
pub fn shortened(text: &str, max_chars: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max_chars) {
        Some((end, _)) => Cow::Owned(format!("{}…", &text[..end])),
        None => Cow::Borrowed(text),
    }
}

/// Document text (or a file name) made safe for a terminal: control
/// characters become spaces, bidirectional overrides are dropped.
pub fn sanitize(text: &str) -> String {
    text.chars()
        .filter(|&c| !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// A hit's snippet text made safe as [`sanitize`] does, but keeping its
/// line breaks (a lead-in joined to the command or list it announces),
/// each continued under the hit's indent.
fn sanitize_lines(text: &str) -> String {
    text.split('\n')
        .map(sanitize)
        .collect::<Vec<_>>()
        .join("\n   ")
}

/// Index statistics, one figure per line.
pub fn write_stats_text(out: &mut dyn Write, stats: &Stats) -> io::Result<()> {
    writeln!(out, "index:      {}", stats.index.display())?;
    writeln!(out, "documents:  {}", stats.documents)?;
    writeln!(out, "passages:   {}", stats.passages)?;
    for language in &stats.languages {
        writeln!(out, "  {}:       {}", language.value, language.count)?;
    }
    writeln!(
        out,
        "size:       {} ({} bytes)",
        human_bytes(stats.size_bytes),
        stats.size_bytes
    )?;
    if stats.last_run_unfinished {
        writeln!(
            out,
            "last run:   unfinished (the index holds part of the corpus: run cita index)"
        )?;
    }
    Ok(())
}

/// A check that found nothing wrong, on one line.
pub fn write_check_text(out: &mut dyn Write, check: &IndexCheck) -> io::Result<()> {
    writeln!(
        out,
        "{}: every checksum holds ({} {}, {}, {} {})",
        sanitize(&check.index.display().to_string()),
        check.files,
        plural(check.files, "file", "files"),
        human_bytes(check.bytes),
        check.passages,
        plural(check.passages, "passage", "passages"),
    )
}

fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// `one` or `many`, as `count` asks.
pub fn plural<'a>(count: u64, one: &'a str, many: &'a str) -> &'a str {
    if count == 1 { one } else { many }
}

/// The report of an index run as one line:
/// "indexed 7 files (3 text, 1 html, …) as 9 documents, 120 passages into index in 0.10 s:
/// 2 added, 1 updated, 0 removed, 4 unchanged, 3 files read; skipped 2 files (1 binary, …);
/// ignored 47 files of other types: 47 .eml"
pub fn write_build_report_text(out: &mut dyn Write, report: &BuildReport) -> io::Result<()> {
    let files = report.files_indexed();
    let formats: Vec<String> = report
        .files
        .iter()
        .map(|(format, count)| format!("{count} {}", format.name()))
        .collect();
    let mut line = format!(
        "indexed {files} {}{} as {} {}, {} {} into {} in {:.2} s",
        plural(files, "file", "files"),
        if formats.is_empty() {
            String::new()
        } else {
            format!(" ({})", formats.join(", "))
        },
        report.documents,
        plural(report.documents, "document", "documents"),
        report.passages,
        plural(report.passages, "passage", "passages"),
        report.index.display(),
        report.elapsed.as_secs_f64(),
    );
    line.push_str(&format!(
        ": {} added, {} updated, {} removed, {} unchanged, {} {} read",
        report.added,
        report.updated,
        report.removed,
        report.unchanged,
        report.files_read,
        plural(report.files_read, "file", "files"),
    ));
    if report.kept > 0 {
        line.push_str(&format!(", {} kept as last read", report.kept));
    }
    let skipped = report.skipped();
    let total: u64 = skipped.values().sum();
    if total > 0 {
        let reasons: Vec<String> = skipped
            .iter()
            .map(|(reason, count)| format!("{count} {}", reason.describe()))
            .collect();
        line.push_str(&format!(
            "; skipped {total} {} ({})",
            plural(total, "file", "files"),
            reasons.join(", ")
        ));
    }
    let ignored: u64 = report.ignored.values().sum();
    if ignored > 0 {
        let mut types: Vec<(&String, &u64)> = report.ignored.iter().collect();
        types.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        let types: Vec<String> = types
            .into_iter()
            .map(|(extension, count)| format!("{count} {extension}"))
            .collect();
        line.push_str(&format!(
            "; ignored {ignored} {} of other types: {}",
            plural(ignored, "file", "files"),
            types.join(", ")
        ));
    }
    writeln!(out, "{}", sanitize(&line))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timeline_writes_a_run_of_empty_periods_on_one_line() {
        let counts = [
            ("2016", 3),
            ("2017", 0),
            ("2018", 0),
            ("2019", 5),
            ("2020", 0),
            ("2021", 0),
            ("2022", 0),
            ("2023", 0),
            ("2024", 1),
        ];
        let timeline = Timeline {
            query: "lazo".to_string(),
            axis: "published",
            total: 9,
            undated: 0,
            rows: counts
                .iter()
                .map(|&(period, count)| crate::results::TimelineRow {
                    period: period.to_string(),
                    source: None,
                    count,
                })
                .collect(),
            cita_version: "test",
            index_fingerprint: String::new(),
        };
        let mut out = Vec::new();
        write_timeline_text(&mut out, &timeline, TextStyle::default()).unwrap();
        let text = String::from_utf8(out).unwrap();
        let periods: Vec<&str> = text
            .lines()
            .map(|line| line.split_whitespace().next().unwrap())
            .collect();
        // Two empty years stay two lines; four are one.
        assert_eq!(
            periods,
            ["2016", "2017", "2018", "2019", "2020–2023", "2024", "9"],
            "{text}"
        );
        assert!(text.contains("2020–2023  none"), "{text}");
    }

    #[test]
    fn sanitize_neutralizes_terminal_controls() {
        assert_eq!(sanitize("a\x1b[31mb\nc\u{202E}d"), "a [31mb cd");
    }

    #[test]
    fn snippet_lines_stay_lines_under_the_hit_indent() {
        assert_eq!(
            sanitize_lines("run:\n$ apt\x1b[2J install\r\n\u{202E}x"),
            "run:\n   $ apt [2J install \n   x"
        );
    }

    #[test]
    fn human_bytes_uses_binary_units() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(3 << 20), "3.0 MiB");
    }
}
