//! Splitting a document's text into passages: paragraphs tagged with the
//! nearest heading, long ones cut at sentence and then word boundaries.
//!
//! A paragraph is a block of lines between blank lines. Inside a block, lines
//! longer than [`WRAP_WIDTH`] mark a file that puts one paragraph per line
//! (each line is then a paragraph); shorter lines are hard-wrapped prose and
//! are joined with a space. Consecutive list items form one paragraph.
//! Headings (`== Wiki ==`, `# Markdown`, setext underlines) are never
//! passages; they set the `section` of what follows.

use std::collections::HashSet;
use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

/// Paragraphs longer than this many characters are split into several passages.
pub const MAX_PASSAGE_CHARS: usize = 1000;

/// Lines up to this many characters may be hard-wrapped prose; a block with
/// a longer line holds one paragraph per line.
pub const WRAP_WIDTH: usize = 100;

/// Titles taken from the first line are cut to about this many characters.
const MAX_TITLE_CHARS: usize = 100;

/// One passage of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    /// The passage text: wrapped lines joined by a space, list items one per line.
    pub text: String,
    /// The nearest heading above the passage.
    pub section: Option<String>,
    /// 1-based ordinal of the paragraph in the document (headings not counted).
    pub paragraph: u32,
    /// 1-based part of the paragraph, above 1 only when it was split for length.
    pub part: u32,
    /// Byte range in the file (with the offset given to [`split`] added).
    pub byte_range: Range<usize>,
}

/// The passages of a document and the title its text suggests.
#[derive(Debug, Clone, Default)]
pub struct Split {
    /// Passages in document order, exact duplicates removed.
    pub passages: Vec<Passage>,
    /// The first non-blank line (heading markers removed), for documents
    /// whose metadata gives no title.
    pub title_hint: Option<String>,
}

/// Splits `body` into passages. `offset` is the byte offset of `body` in its
/// file, added to every passage's byte range.
pub fn split(body: &str, offset: usize) -> Split {
    let mut splitter = Splitter {
        offset,
        section: None,
        paragraph: 0,
        seen: HashSet::new(),
        out: Split::default(),
    };
    let mut block: Vec<Line> = Vec::new();
    for line in lines(body) {
        let content = line.text.trim();
        if content.is_empty() {
            splitter.flush(&mut block);
            continue;
        }
        let heading = heading_text(content);
        if splitter.out.title_hint.is_none() {
            let hint = heading.unwrap_or(content);
            splitter.out.title_hint = Some(shorten(hint, MAX_TITLE_CHARS));
        }
        if let Some(heading) = heading {
            splitter.flush(&mut block);
            splitter.section = Some(heading.to_string());
        } else if is_underline(content) {
            if let [only] = block.as_slice()
                && !is_list_item(only.text)
            {
                splitter.section = Some(only.text.trim().to_string());
                block.clear();
            }
            splitter.flush(&mut block);
        } else {
            block.push(line);
        }
    }
    splitter.flush(&mut block);
    splitter.out
}

/// `text` cut at the last space within `max_chars` characters, with `…`, if it is longer.
fn shorten(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        None => text.to_string(),
        Some((cut, _)) => {
            let head = &text[..cut];
            let head = head
                .rfind(char::is_whitespace)
                .map_or(head, |space| &head[..space]);
            format!("{}…", head.trim_end())
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    text: &'a str,
    start: usize,
}

/// Lines of `text` without their terminators; `\n`, `\r\n` and a lone `\r` all end a line.
fn lines(text: &str) -> Vec<Line<'_>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' | b'\r' => {
                out.push(Line {
                    text: &text[start..i],
                    start,
                });
                i += if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                start = i;
            }
            _ => i += 1,
        }
    }
    if start < text.len() {
        out.push(Line {
            text: &text[start..],
            start,
        });
    }
    out
}

/// The text of a heading line: `= Title =` to `====== Sub ======`, or `# Title` to `###### Sub`.
fn heading_text(line: &str) -> Option<&str> {
    let wiki_open = line.bytes().take_while(|&b| b == b'=').count();
    if (1..=6).contains(&wiki_open) {
        let wiki_close = line.bytes().rev().take_while(|&b| b == b'=').count();
        if (1..=6).contains(&wiki_close) && wiki_open + wiki_close < line.len() {
            let inner = line[wiki_open..line.len() - wiki_close].trim();
            return (!inner.is_empty()).then_some(inner);
        }
        return None;
    }
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    if (1..=6).contains(&hashes) && line[hashes..].starts_with([' ', '\t']) {
        let inner = line[hashes..].trim().trim_end_matches('#').trim_end();
        return (!inner.is_empty()).then_some(inner);
    }
    None
}

/// `===` or `---` alone on a line: a setext underline or a thematic break.
fn is_underline(line: &str) -> bool {
    line.len() >= 3 && (line.bytes().all(|b| b == b'=') || line.bytes().all(|b| b == b'-'))
}

/// `- item`, `* item`, `+ item`, `• item`, `1. item`, `1) item`.
fn is_list_item(line: &str) -> bool {
    let line = line.trim_start();
    if ["- ", "* ", "+ ", "• ", "· "]
        .iter()
        .any(|marker| line.starts_with(marker))
    {
        return true;
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    (1..=3).contains(&digits)
        && (line[digits..].starts_with(". ") || line[digits..].starts_with(") "))
}

/// A stretch of paragraph text copied verbatim from the source.
#[derive(Debug, Clone, Copy)]
struct Piece {
    text_start: usize,
    source_start: usize,
    len: usize,
}

struct Splitter {
    offset: usize,
    section: Option<String>,
    paragraph: u32,
    seen: HashSet<String>,
    out: Split,
}

impl Splitter {
    /// Turns the lines of one block into paragraphs and empties it.
    fn flush(&mut self, block: &mut Vec<Line>) {
        let mut i = 0;
        while i < block.len() {
            let list = is_list_item(block[i].text);
            let mut end = i + 1;
            while end < block.len() {
                let line = block[end].text;
                let continues = if list {
                    is_list_item(line) || line.starts_with(char::is_whitespace)
                } else {
                    !is_list_item(line)
                };
                if !continues {
                    break;
                }
                end += 1;
            }
            let run = &block[i..end];
            if list {
                self.paragraph_of(run, "\n");
            } else if run
                .iter()
                .any(|line| line.text.trim().chars().count() > WRAP_WIDTH)
            {
                for line in run {
                    self.paragraph_of(std::slice::from_ref(line), " ");
                }
            } else {
                self.paragraph_of(run, " ");
            }
            i = end;
        }
        block.clear();
    }

    /// Emits the passages of one paragraph made of `lines` joined by `separator`.
    fn paragraph_of(&mut self, lines: &[Line], separator: &str) {
        let mut text = String::new();
        let mut pieces = Vec::with_capacity(lines.len());
        for line in lines {
            let trimmed = line.text.trim();
            if trimmed.is_empty() {
                continue;
            }
            if !text.is_empty() {
                text.push_str(separator);
            }
            let leading = line.text.len() - line.text.trim_start().len();
            pieces.push(Piece {
                text_start: text.len(),
                source_start: self.offset + line.start + leading,
                len: trimmed.len(),
            });
            text.push_str(trimmed);
        }
        // Rules, ornaments and stray punctuation have no words to find.
        if !text.chars().any(char::is_alphanumeric) {
            return;
        }
        self.paragraph += 1;
        for (part, range) in chunks(&text, MAX_PASSAGE_CHARS).into_iter().enumerate() {
            let passage_text = text[range.clone()].to_string();
            if !self.seen.insert(passage_text.clone()) {
                continue;
            }
            self.out.passages.push(Passage {
                text: passage_text,
                section: self.section.clone(),
                paragraph: self.paragraph,
                part: part as u32 + 1,
                byte_range: source_offset(&pieces, range.start, false)
                    ..source_offset(&pieces, range.end, true),
            });
        }
    }
}

/// Maps a byte offset in the joined paragraph text back to the source file.
fn source_offset(pieces: &[Piece], text_offset: usize, is_end: bool) -> usize {
    let inside = |piece: &&Piece| {
        let end = piece.text_start + piece.len;
        if is_end {
            piece.text_start < text_offset && text_offset <= end
        } else {
            piece.text_start <= text_offset && text_offset < end
        }
    };
    let piece = pieces
        .iter()
        .find(inside)
        .or(pieces.last())
        .expect("a paragraph has text");
    piece.source_start + text_offset.saturating_sub(piece.text_start).min(piece.len)
}

#[derive(Clone, Copy)]
enum Unit {
    Sentence,
    Word,
    Char,
}

/// Byte ranges of `text` of at most `max_chars` characters each, cut at
/// sentence boundaries, then word boundaries for overlong sentences, then
/// characters for overlong words; trimmed of surrounding whitespace.
pub fn chunks(text: &str, max_chars: usize) -> Vec<Range<usize>> {
    if text.chars().count() <= max_chars {
        return std::iter::once(0..text.len()).collect();
    }
    let mut ranges = Vec::new();
    pack(text, 0, max_chars, Unit::Sentence, &mut ranges);
    ranges
        .into_iter()
        .filter_map(|range| {
            let slice = &text[range.clone()];
            let start = range.start + (slice.len() - slice.trim_start().len());
            let end = range.end - (slice.len() - slice.trim_end().len());
            (start < end).then_some(start..end)
        })
        .collect()
}

fn pack(text: &str, offset: usize, max_chars: usize, unit: Unit, out: &mut Vec<Range<usize>>) {
    let units: Vec<(usize, &str)> = match unit {
        Unit::Sentence => text.split_sentence_bound_indices().collect(),
        Unit::Word => text.split_word_bound_indices().collect(),
        Unit::Char => text
            .char_indices()
            .map(|(i, c)| (i, &text[i..i + c.len_utf8()]))
            .collect(),
    };
    let (mut start, mut end, mut count) = (0, 0, 0);
    for (at, piece) in units {
        let chars = piece.chars().count();
        if chars > max_chars {
            if end > start {
                out.push(offset + start..offset + end);
            }
            let finer = match unit {
                Unit::Sentence => Unit::Word,
                Unit::Word | Unit::Char => Unit::Char,
            };
            pack(piece, offset + at, max_chars, finer, out);
            start = at + piece.len();
            end = start;
            count = 0;
            continue;
        }
        if count + chars > max_chars && end > start {
            out.push(offset + start..offset + end);
            start = at;
            count = 0;
        }
        end = at + piece.len();
        count += chars;
    }
    if end > start {
        out.push(offset + start..offset + end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(split: &Split) -> Vec<&str> {
        split.passages.iter().map(|p| p.text.as_str()).collect()
    }

    #[test]
    fn blank_lines_separate_paragraphs_and_wrapped_lines_join() {
        let body = "First paragraph,\nwrapped here.\n\nSecond one.\n";
        let split = split(body, 0);
        assert_eq!(
            texts(&split),
            ["First paragraph, wrapped here.", "Second one."]
        );
        assert_eq!(split.passages[1].paragraph, 2);
        assert_eq!(
            &body[split.passages[0].byte_range.clone()],
            "First paragraph,\nwrapped here."
        );
    }

    #[test]
    fn long_lines_are_one_paragraph_each() {
        let long_a = format!("A {}", "word ".repeat(30));
        let long_b = format!("B {}", "more ".repeat(30));
        let body = format!("Headline\n{long_a}\n{long_b}\n");
        let split = split(&body, 0);
        assert_eq!(texts(&split), ["Headline", long_a.trim(), long_b.trim()]);
        assert_eq!(split.title_hint.as_deref(), Some("Headline"));
        let third = &split.passages[2];
        assert_eq!(&body[third.byte_range.clone()], long_b.trim());
        assert_eq!(third.paragraph, 3);
    }

    #[test]
    fn headings_set_the_section_and_are_not_passages() {
        let body =
            "= Title =\nIntro.\n\n== History ==\nOld.\n===Sub===\nNewer.\n# Markdown\nLast.\n";
        let split = split(body, 0);
        assert_eq!(texts(&split), ["Intro.", "Old.", "Newer.", "Last."]);
        let sections: Vec<_> = split
            .passages
            .iter()
            .map(|p| p.section.as_deref())
            .collect();
        assert_eq!(
            sections,
            [
                Some("Title"),
                Some("History"),
                Some("Sub"),
                Some("Markdown")
            ]
        );
        assert_eq!(split.title_hint.as_deref(), Some("Title"));
    }

    #[test]
    fn setext_underlines_make_headings_and_rules_are_dropped() {
        let split = split("Chapter One\n===========\nText.\n\n---\n\nMore.\n", 0);
        assert_eq!(texts(&split), ["Text.", "More."]);
        assert_eq!(split.passages[0].section.as_deref(), Some("Chapter One"));
    }

    #[test]
    fn hashtags_and_equal_signs_in_prose_are_not_headings() {
        assert_eq!(heading_text("#hashtag here"), None);
        assert_eq!(heading_text("= not closed"), None);
        assert_eq!(heading_text("a = b ="), None);
        assert_eq!(heading_text("## Title ##"), Some("Title"));
        assert_eq!(
            heading_text("====1959 Plan LAZO===="),
            Some("1959 Plan LAZO")
        );
    }

    #[test]
    fn a_long_first_line_gives_a_shortened_title() {
        let line = format!("{} end", "word ".repeat(40));
        let hint = split(&line, 0).title_hint.unwrap();
        assert!(
            hint.ends_with("word…") && hint.chars().count() <= MAX_TITLE_CHARS + 1,
            "{hint}"
        );
        assert_eq!(shorten("Kurz", 10), "Kurz");
    }

    #[test]
    fn consecutive_list_items_form_one_passage() {
        let body = "Infobox\n- Map: a\n- Mission: b\n  continued\n1. numbered\nAfter the list.\n";
        let split = split(body, 0);
        assert_eq!(
            texts(&split),
            [
                "Infobox",
                "- Map: a\n- Mission: b\ncontinued\n1. numbered",
                "After the list."
            ]
        );
    }

    #[test]
    fn crlf_and_cr_line_endings_behave_like_lf() {
        let lf = split("One\ntwo.\n\nThree.\n", 0);
        let crlf = split("One\r\ntwo.\r\n\r\nThree.\r\n", 0);
        let cr = split("One\rtwo.\r\rThree.\r", 0);
        assert_eq!(texts(&lf), texts(&crlf));
        assert_eq!(texts(&lf), texts(&cr));
        assert!(crlf.passages.iter().all(|p| !p.text.contains('\r')));
        assert_eq!(crlf.passages[1].byte_range, 13..19);
    }

    #[test]
    fn byte_ranges_include_the_file_offset_and_skip_indentation() {
        let body = "  indented line\n";
        let split = split(body, 100);
        assert_eq!(split.passages[0].byte_range, 102..115);
    }

    #[test]
    fn exact_duplicate_paragraphs_are_kept_once() {
        let split = split("Same text.\n\nOther.\n\nSame text.\n", 0);
        assert_eq!(texts(&split), ["Same text.", "Other."]);
        assert_eq!(split.passages[1].paragraph, 2);
    }

    #[test]
    fn empty_and_wordless_documents_have_no_passages() {
        assert!(split("", 0).passages.is_empty());
        assert!(split("\n\n  \r\n", 0).passages.is_empty());
        assert!(split("***\n\n— · —\n", 0).passages.is_empty());
        assert_eq!(split("", 0).title_hint, None);
    }

    #[test]
    fn long_paragraphs_split_at_sentences_within_the_cap() {
        let paragraph: String = (0..60)
            .map(|i| format!("Sentence number {i:02} is here, with words. "))
            .collect();
        let split = split(&paragraph, 0);
        assert!(split.passages.len() >= 3);
        for passage in &split.passages {
            assert!(passage.text.chars().count() <= MAX_PASSAGE_CHARS);
            assert!(
                passage.text.ends_with('.'),
                "cut mid-sentence: {:?}",
                passage.text
            );
            assert_eq!(passage.paragraph, 1);
            assert_eq!(&paragraph[passage.byte_range.clone()], passage.text);
        }
        let parts: Vec<u32> = split.passages.iter().map(|p| p.part).collect();
        assert_eq!(parts, (1..=parts.len() as u32).collect::<Vec<_>>());
    }

    #[test]
    fn an_overlong_sentence_splits_at_words_and_an_overlong_word_at_characters() {
        let sentence = "señal ".repeat(400);
        for range in chunks(&sentence, MAX_PASSAGE_CHARS) {
            let piece = &sentence[range];
            assert!(piece.chars().count() <= MAX_PASSAGE_CHARS);
            assert!(piece.starts_with("señal") && piece.ends_with("señal"));
        }
        let word = "ñ".repeat(2500);
        let pieces = chunks(&word, MAX_PASSAGE_CHARS);
        assert_eq!(pieces.len(), 3);
        assert_eq!(
            pieces
                .iter()
                .map(|r| word[r.clone()].chars().count())
                .sum::<usize>(),
            2500
        );
    }

    #[test]
    fn wrapped_long_paragraph_maps_parts_back_to_source_bytes() {
        let line = "Words on a wrapped line that ends. ".repeat(2);
        let body = format!("{}\n", line.trim()).repeat(20);
        let split = split(&body, 7);
        assert!(split.passages.len() > 1);
        for passage in &split.passages {
            let range = passage.byte_range.start - 7..passage.byte_range.end - 7;
            let source = &body[range];
            assert_eq!(source.replace('\n', " "), passage.text);
        }
    }
}
