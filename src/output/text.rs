//! Text for people. Highlights are coloured on a terminal and wrapped in
//! `**` otherwise, so matches stay visible in a pipe or a file. Document text
//! is sanitized: control characters and bidirectional overrides from a file
//! never reach the terminal.

use std::io::{self, Write};

use crate::{Hit, SearchResults, Stats};

/// How text output looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TextStyle {
    /// Use ANSI colours (only when writing to a terminal, unless forced).
    pub color: bool,
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
    for hit in &results.hits {
        write_hit(out, hit, style)?;
    }
    if let (Some(first), Some(last)) = (results.hits.first(), results.hits.last()) {
        let summary = format!(
            "{}–{} of {} matching passage{}",
            first.rank,
            last.rank,
            results.total,
            if results.total == 1 { "" } else { "s" }
        );
        style.paint(out, DIM, &summary)?;
        writeln!(out)?;
    }
    Ok(())
}

fn write_hit(out: &mut dyn Write, hit: &Hit, style: TextStyle) -> io::Result<()> {
    write!(out, "{}. ", hit.rank)?;
    style.paint(out, SOURCE, &sanitize(&hit.passage.source))?;
    let mut meta = String::new();
    if let Some(record) = hit.passage.record {
        meta.push_str(&format!(" #{record}"));
    }
    if let Some(page) = hit.passage.page {
        meta.push_str(&format!(" p.{page}"));
    }
    meta.push_str(&format!(" ¶{}", hit.passage.paragraph));
    if hit.passage.part > 1 {
        meta.push_str(&format!(".{}", hit.passage.part));
    }
    if let Some(date) = hit.passage.date {
        meta.push_str(&format!("  {date}"));
    }
    if let Some(section) = &hit.passage.section {
        meta.push_str(&format!("  § {}", sanitize(section)));
    }
    style.paint(out, DIM, &meta)?;
    write!(out, "\n   ")?;
    style.paint(out, TITLE, &sanitize(&hit.passage.title))?;
    if let Some(publication) = &hit.passage.publication {
        style.paint(out, DIM, &format!(" — {}", sanitize(publication)))?;
    }
    write!(out, "\n   ")?;
    let mut at = 0;
    for &[start, end] in &hit.highlights {
        write!(out, "{}", sanitize(&hit.snippet[at..start]))?;
        let matched = sanitize(&hit.snippet[start..end]);
        if style.color {
            style.paint(out, MATCH, &matched)?;
        } else {
            write!(out, "{PLAIN_MARK}{matched}{PLAIN_MARK}")?;
        }
        at = end;
    }
    writeln!(out, "{}\n", sanitize(&hit.snippet[at..]))
}

/// Document text (or a file name) made safe for a terminal: control
/// characters become spaces, bidirectional overrides are dropped.
pub fn sanitize(text: &str) -> String {
    text.chars()
        .filter(|&c| !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Index statistics, one figure per line.
pub fn write_stats_text(out: &mut dyn Write, stats: &Stats) -> io::Result<()> {
    writeln!(out, "index:      {}", stats.index.display())?;
    writeln!(out, "documents:  {}", stats.documents)?;
    writeln!(out, "passages:   {}", stats.passages)?;
    writeln!(
        out,
        "size:       {} ({} bytes)",
        human_bytes(stats.size_bytes),
        stats.size_bytes
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_neutralizes_terminal_controls() {
        assert_eq!(sanitize("a\x1b[31mb\nc\u{202E}d"), "a [31mb cd");
    }

    #[test]
    fn human_bytes_uses_binary_units() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(3 << 20), "3.0 MiB");
    }
}
