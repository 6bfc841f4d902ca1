//! Concordances (keyword in context): one line per highlighted match of
//! the query in the matching passages (see [`crate::highlight`]), the match in a centre column between a fixed
//! width of left and right context, as in AntConc. Widths are display
//! columns (a CJK character takes two, a combining accent none), so the
//! centre column lines up in a terminal whatever the script.

use serde::{Deserialize, Serialize};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use crate::analysis::Folding;
use crate::date::Date;
use crate::error::Error;
use crate::highlight::Span;
use crate::results::{CITA_VERSION, Candidate, Hit};

/// Default width of the left and right context, in display columns.
pub const DEFAULT_WIDTH: usize = 40;

/// Widest left and right context, in display columns: every line is padded
/// to it, so a width of billions would ask for as many bytes per line.
pub const MAX_WIDTH: usize = 200;

/// Refuses a width of context outside 1 to [`MAX_WIDTH`].
pub fn check_width(width: usize) -> Result<(), Error> {
    if (1..=MAX_WIDTH).contains(&width) {
        Ok(())
    } else {
        Err(Error::InvalidOption(format!(
            "a concordance's width is 1 to {MAX_WIDTH} display columns, not {width}"
        )))
    }
}

/// The order of concordance lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ContextSort {
    /// Passages in relevance order, occurrences in text order (the default).
    #[default]
    Relevance,
    /// By the words just left of the match, nearest word first (ties keep relevance order).
    Left,
    /// By the words just right of the match (ties keep relevance order).
    Right,
}

/// The names `cita kwic --sort-context` takes (`left`, `right`), and
/// `relevance` for the default order.
impl std::str::FromStr for ContextSort {
    type Err = Error;

    fn from_str(name: &str) -> Result<ContextSort, Error> {
        match name {
            "relevance" => Ok(ContextSort::Relevance),
            "left" => Ok(ContextSort::Left),
            "right" => Ok(ContextSort::Right),
            other => Err(Error::InvalidOption(format!(
                "a concordance is sorted by relevance, left or right, not {other:?}"
            ))),
        }
    }
}

/// One highlighted match of the query in a passage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KwicLine {
    /// Rank of the passage among the matches (by relevance).
    pub rank: usize,
    /// The passage id (see `cita show`).
    pub id: String,
    /// The document's source path.
    pub source: String,
    /// The entry inside a container, if the document is one.
    pub entry: Option<String>,
    /// The record of a JSON feed or mailbox the passage is in (its line,
    /// position or message number), as a hit's.
    pub record: Option<u64>,
    /// The page of a PDF the passage is on, as a hit's.
    pub page: Option<u32>,
    /// The document's title.
    pub title: String,
    /// Publication date.
    pub date: Option<Date>,
    /// 1-based paragraph ordinal in the document.
    pub paragraph: u32,
    /// Its part of the paragraph (1 unless a long paragraph was cut), as a
    /// hit's.
    pub part: u32,
    /// Up to `width` display columns of text before the match (whitespace
    /// collapsed, the space next to the match trimmed).
    pub left: String,
    /// The matched text.
    pub matched: String,
    /// Up to `width` display columns of text after the match (whitespace
    /// collapsed, the space next to the match trimmed).
    pub right: String,
}

/// A concordance: what `cita kwic` prints.
#[derive(Debug, Clone, Serialize)]
pub struct Concordance {
    /// The query as given.
    pub query: String,
    /// The context width, in display columns.
    pub width: usize,
    /// Matching passages.
    pub passages: u64,
    /// One line per highlighted match.
    pub lines: Vec<KwicLine>,
    /// Whether a line limit left matching passages unread
    /// ([`Archive::kwic_lines`](crate::Archive::kwic_lines)): `lines`
    /// then holds the first occurrences in relevance order.
    pub truncated: bool,
    /// The cita version.
    pub cita_version: &'static str,
    /// The index fingerprint (see [`SearchResults`](crate::SearchResults)).
    pub index_fingerprint: String,
}

/// A matching passage (or what it is read with) and the spans that matched.
pub type Occurrence<T> = (T, Vec<Span>);

/// The first of `matches` (each matching passage, in relevance order, with
/// the spans that matched) whose spans fill at most `max_lines` lines:
/// every span of each passage until the lines run out, the last passage's
/// cut to fit; and whether any line was left out. Matches are read only as
/// far as needed: until one more line is found than fits. A passage
/// without a line is not kept (`lang:en OR chernobyl` reads half a million
/// passages for a few lines).
pub fn first_lines<T, E>(
    matches: impl IntoIterator<Item = Result<Occurrence<T>, E>>,
    max_lines: usize,
) -> Result<(Vec<Occurrence<T>>, bool), E> {
    let mut found = Vec::new();
    let mut lines = 0;
    for read in matches {
        let (passage, mut spans) = read?;
        if spans.is_empty() {
            continue;
        }
        let room = max_lines - lines;
        if spans.len() > room {
            spans.truncate(room);
            if !spans.is_empty() {
                found.push((passage, spans));
            }
            return Ok((found, true));
        }
        lines += spans.len();
        found.push((passage, spans));
    }
    Ok((found, false))
}

/// A shard's part of a concordance over an archive's shards
/// ([`crate::Archive::shard_kwic`]): its matching passages in relevance
/// order, scored with the archive's statistics, as far as its own lines
/// reach one more than the lines asked for; merged by
/// [`crate::views::shards::kwic`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ShardKwic {
    /// The shard's matching passages.
    pub passages: u64,
    /// Its first passages, each with what orders it among every shard's.
    pub found: Vec<(Candidate, Hit, Vec<Span>)>,
    /// The shard's fingerprint.
    pub index_fingerprint: String,
}

/// `occurrences` (passages in relevance order) with each hit's rank its
/// place among them.
pub fn ranked(occurrences: Vec<Occurrence<Hit>>) -> Vec<Occurrence<Hit>> {
    (1..)
        .zip(occurrences)
        .map(|(rank, (mut hit, spans))| {
            hit.rank = rank;
            (hit, spans)
        })
        .collect()
}

/// The concordance of `query` over its `occurrences` (the first matching
/// passages in relevance order, with the spans that matched, as
/// [`first_lines`] cut them: `passages` match in all, `truncated` if any
/// line was left out), `width` display columns of context on each side,
/// in `sort` order.
pub fn concordance(
    query: &str,
    occurrences: Vec<Occurrence<Hit>>,
    (passages, truncated): (u64, bool),
    width: usize,
    sort: ContextSort,
    index_fingerprint: String,
) -> Concordance {
    let mut lines = Vec::new();
    for (hit, spans) in ranked(occurrences) {
        let text = &hit.passage.text;
        for span in spans {
            lines.push(KwicLine {
                rank: hit.rank,
                id: hit.passage.id.clone(),
                source: hit.passage.source.clone(),
                entry: hit.passage.entry.clone(),
                record: hit.passage.record,
                page: hit.passage.page,
                title: hit.passage.title.clone(),
                date: hit.passage.date,
                paragraph: hit.passage.paragraph,
                part: hit.passage.part,
                left: tail(collapse(&text[..span.range.start]).trim_end(), width),
                matched: collapse(&text[span.range.clone()]),
                right: head(collapse(&text[span.range.end..]).trim_start(), width),
            });
        }
    }
    sort_lines(&mut lines, sort);
    Concordance {
        query: query.to_string(),
        width,
        passages,
        lines,
        truncated,
        cita_version: CITA_VERSION,
        index_fingerprint,
    }
}

/// Sorts lines (already in relevance order) by their context, stably.
pub fn sort_lines(lines: &mut [KwicLine], sort: ContextSort) {
    // Words as search reads them: one word however Unicode spells it.
    let mut folding = Folding::default();
    let mut words = |text: &str| -> Vec<String> {
        folding
            .tokens(text)
            .into_iter()
            .map(|token| token.term)
            .collect()
    };
    match sort {
        ContextSort::Relevance => {}
        ContextSort::Left => lines.sort_by_cached_key(|line| {
            let mut key = words(&line.left);
            key.reverse();
            key
        }),
        ContextSort::Right => lines.sort_by_cached_key(|line| words(&line.right)),
    }
}

/// Display width of `text` in a terminal.
pub fn display_width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// `text` with every run of whitespace or control characters made one
/// space.
fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() || c.is_control() {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    if space && !out.is_empty() {
        out.push(' ');
    }
    out
}

/// The end of `text` that fits in `width` display columns, cut between
/// user-perceived characters (never between a letter and its accent, nor
/// inside an emoji sequence).
pub fn tail(text: &str, width: usize) -> String {
    let mut used = 0;
    let mut start = text.len();
    for (at, cluster) in text.grapheme_indices(true).rev() {
        used += cluster.width();
        if used > width {
            break;
        }
        start = at;
    }
    text[start..].to_string()
}

/// The start of `text` that fits in `width` display columns, cut as
/// [`tail`] cuts.
pub fn head(text: &str, width: usize) -> String {
    let mut used = 0;
    let mut end = 0;
    for (at, cluster) in text.grapheme_indices(true) {
        used += cluster.width();
        if used > width {
            break;
        }
        end = at + cluster.len();
    }
    text[..end].to_string()
}

/// `text` padded with spaces on the left to `width` display columns.
pub fn pad_left(text: &str, width: usize) -> String {
    format!(
        "{}{text}",
        " ".repeat(width.saturating_sub(display_width(text)))
    )
}

/// `text` padded with spaces on the right to `width` display columns.
pub fn pad_right(text: &str, width: usize) -> String {
    format!(
        "{text}{}",
        " ".repeat(width.saturating_sub(display_width(text)))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_lines_keep_passages_with_lines_and_say_when_one_is_left_out() {
        let spans = |n: usize| -> Vec<Span> {
            (0..n)
                .map(|i| Span {
                    range: i..i + 1,
                    matchers: 1,
                    typed: true,
                })
                .collect()
        };
        // Passages 'a' to 'e' in relevance order; 'b' and 'd' have no line.
        let matches = || {
            [('a', 2), ('b', 0), ('c', 1), ('d', 0), ('e', 0)]
                .map(|(passage, lines)| Ok::<_, ()>((passage, spans(lines))))
        };
        let kept = |max: usize| {
            let (found, truncated) = first_lines(matches(), max).unwrap();
            let found: Vec<(char, usize)> = found.into_iter().map(|(p, s)| (p, s.len())).collect();
            (found, truncated)
        };
        assert_eq!(kept(0), (vec![], true));
        assert_eq!(kept(1), (vec![('a', 1)], true));
        assert_eq!(kept(2), (vec![('a', 2)], true));
        // Every line fits: nothing is left out, whatever passages follow.
        assert_eq!(kept(3), (vec![('a', 2), ('c', 1)], false));
        assert_eq!(kept(usize::MAX), (vec![('a', 2), ('c', 1)], false));
    }

    #[test]
    fn a_width_is_one_to_the_widest_column() {
        assert!(check_width(1).is_ok() && check_width(MAX_WIDTH).is_ok());
        for width in [0, MAX_WIDTH + 1, usize::MAX] {
            let err = check_width(width).unwrap_err().to_string();
            assert!(err.contains(&width.to_string()), "{err}");
        }
    }

    #[test]
    fn context_is_cut_by_display_width_on_character_boundaries() {
        assert_eq!(tail("en Bogotá también", 7), "también");
        assert_eq!(head("Bogotá también", 6), "Bogotá");
        // Wide characters take two columns and are never split.
        assert_eq!(tail("東京都", 5), "京都");
        assert_eq!(head("東京都", 3), "東");
        assert_eq!(display_width("Bogotá"), 6);
        assert_eq!(display_width("東京"), 4);
        // Never between a letter and its accent, nor inside an emoji.
        assert_eq!(tail("Narin\u{303}o", 1), "o");
        assert_eq!(tail("Narin\u{303}o", 2), "n\u{303}o");
        assert_eq!(head("Narin\u{303}o", 5), "Narin\u{303}");
        let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}";
        assert_eq!(tail(&format!("a {family} b"), 4), format!("{family} b"));
        assert_eq!(tail(&format!("a {family} b"), 3), " b");
    }

    #[test]
    fn padding_aligns_multibyte_text_by_columns() {
        let lines = [
            pad_left("Bogotá", 8),
            pad_left("abc", 8),
            pad_left("東京", 8),
        ];
        for line in &lines {
            assert_eq!(display_width(line), 8, "{line:?}");
        }
        assert_eq!(pad_right("ñ", 3), "ñ  ");
        assert_eq!(
            collapse("los desplazados  de\nNariño"),
            "los desplazados de Nariño"
        );
    }

    #[test]
    fn context_sorts_parse_from_their_option_names() {
        assert_eq!("left".parse::<ContextSort>().unwrap(), ContextSort::Left);
        assert_eq!("right".parse::<ContextSort>().unwrap(), ContextSort::Right);
        assert_eq!(
            "relevance".parse::<ContextSort>().unwrap(),
            ContextSort::Relevance
        );
        assert!("middle".parse::<ContextSort>().is_err());
    }

    #[test]
    fn whitespace_runs_collapse_to_one_space() {
        assert_eq!(collapse("a \n\t b\r\n"), "a b ");
        assert_eq!(collapse("\n x"), "x");
    }

    fn line(left: &str, right: &str) -> KwicLine {
        KwicLine {
            rank: 1,
            id: String::new(),
            source: String::new(),
            entry: None,
            record: None,
            page: None,
            title: String::new(),
            date: None,
            paragraph: 1,
            part: 1,
            left: left.to_string(),
            matched: "X".to_string(),
            right: right.to_string(),
        }
    }

    #[test]
    fn lines_sort_by_nearest_left_word_or_by_right_words() {
        let mut lines = vec![
            line("the zebra", "b"),
            line("a cat", "a"),
            line("zz Cat", "c"),
        ];
        sort_lines(&mut lines, ContextSort::Left);
        let lefts: Vec<&str> = lines.iter().map(|l| l.left.as_str()).collect();
        assert_eq!(lefts, ["a cat", "zz Cat", "the zebra"]);
        sort_lines(&mut lines, ContextSort::Right);
        let rights: Vec<&str> = lines.iter().map(|l| l.right.as_str()).collect();
        assert_eq!(rights, ["a", "b", "c"]);
    }
}
