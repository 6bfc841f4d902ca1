//! Cutting a document's blocks into passages: each paragraph tagged with the
//! nearest heading above it, long ones cut at sentence and then word
//! boundaries, exact duplicates within the document dropped.

use std::collections::HashSet;
use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

use crate::ingest::{Block, Piece, SourceMap};

/// Paragraphs longer than this many characters are split into several passages.
pub const MAX_PASSAGE_CHARS: usize = 1000;

/// One passage of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    /// The passage text.
    pub text: String,
    /// The nearest heading above the passage.
    pub section: Option<String>,
    /// 1-based ordinal of the paragraph in the document (headings not counted).
    pub paragraph: u32,
    /// 1-based part of the paragraph, above 1 only when it was split for length.
    pub part: u32,
    /// Byte range in the source file, when the format has meaningful offsets.
    pub byte_range: Option<Range<usize>>,
    /// 1-based page (PDF), when the format has pages.
    pub page: Option<u32>,
}

/// The passages of a document's blocks, in document order. Lazy, so a huge
/// document never has all its passages in memory at once.
pub fn passages(blocks: &[Block]) -> impl Iterator<Item = Passage> + '_ {
    let mut section: Option<&str> = None;
    let mut paragraph = 0;
    let mut seen = HashSet::new();
    blocks.iter().flat_map(move |block| {
        let block = match block {
            Block::Heading(heading) => {
                section = Some(heading);
                return Vec::new();
            }
            Block::Paragraph(block) => block,
        };
        // Rules, ornaments and stray punctuation have no words to find.
        if !block.text.chars().any(char::is_alphanumeric) {
            return Vec::new();
        }
        paragraph += 1;
        let mut parts = Vec::new();
        for (part, range) in chunks(&block.text, MAX_PASSAGE_CHARS)
            .into_iter()
            .enumerate()
        {
            let text = &block.text[range.clone()];
            if !text.chars().any(char::is_alphanumeric) || !seen.insert(text) {
                continue;
            }
            parts.push(Passage {
                text: text.to_string(),
                section: section.map(str::to_string),
                paragraph,
                part: part as u32 + 1,
                byte_range: source_range(&block.source, range),
                page: block.page,
            });
        }
        parts
    })
}

/// Where a byte range of a paragraph's text lies in the source file.
fn source_range(source: &SourceMap, range: Range<usize>) -> Option<Range<usize>> {
    match source {
        SourceMap::None => None,
        SourceMap::Whole(whole) => Some(whole.clone()),
        SourceMap::Pieces(pieces) => {
            Some(source_offset(pieces, range.start, false)..source_offset(pieces, range.end, true))
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
    let Some(piece) = pieces.iter().find(inside).or(pieces.last()) else {
        return 0;
    };
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
    use crate::ingest::text;

    fn split(body: &str, offset: usize) -> Vec<Passage> {
        passages(&text::blocks(body, Some(offset), None)).collect()
    }

    fn texts(passages: &[Passage]) -> Vec<&str> {
        passages.iter().map(|p| p.text.as_str()).collect()
    }

    #[test]
    fn paragraphs_are_numbered_and_map_to_their_source_bytes() {
        let body = "First paragraph,\nwrapped here.\n\nSecond one.\n";
        let found = split(body, 0);
        assert_eq!(
            texts(&found),
            ["First paragraph, wrapped here.", "Second one."]
        );
        assert_eq!(found[1].paragraph, 2);
        assert_eq!(
            &body[found[0].byte_range.clone().unwrap()],
            "First paragraph,\nwrapped here."
        );
    }

    #[test]
    fn headings_set_the_section_and_are_not_passages() {
        let body =
            "= Title =\nIntro.\n\n== History ==\nOld.\n===Sub===\nNewer.\n# Markdown\nLast.\n";
        let found = split(body, 0);
        assert_eq!(texts(&found), ["Intro.", "Old.", "Newer.", "Last."]);
        let sections: Vec<_> = found.iter().map(|p| p.section.as_deref()).collect();
        assert_eq!(
            sections,
            [
                Some("Title"),
                Some("History"),
                Some("Sub"),
                Some("Markdown")
            ]
        );
    }

    #[test]
    fn crlf_byte_ranges_point_at_the_original_bytes() {
        let body = "One\r\ntwo.\r\n\r\nThree.\r\n";
        let found = split(body, 0);
        assert_eq!(found[1].byte_range, Some(13..19));
        assert_eq!(&body[13..19], "Three.");
    }

    #[test]
    fn exact_duplicate_paragraphs_are_kept_once() {
        let found = split("Same text.\n\nOther.\n\nSame text.\n", 0);
        assert_eq!(texts(&found), ["Same text.", "Other."]);
        assert_eq!(found[1].paragraph, 2);
    }

    #[test]
    fn empty_and_wordless_documents_have_no_passages() {
        assert!(split("", 0).is_empty());
        assert!(split("\n\n  \r\n", 0).is_empty());
        assert!(split("***\n\n— · —\n", 0).is_empty());
    }

    #[test]
    fn long_paragraphs_split_at_sentences_within_the_cap() {
        let paragraph: String = (0..60)
            .map(|i| format!("Sentence number {i:02} is here, with words. "))
            .collect();
        let found = split(&paragraph, 0);
        assert!(found.len() >= 3);
        for passage in &found {
            assert!(passage.text.chars().count() <= MAX_PASSAGE_CHARS);
            assert!(
                passage.text.ends_with('.'),
                "cut mid-sentence: {:?}",
                passage.text
            );
            assert_eq!(passage.paragraph, 1);
            assert_eq!(
                &paragraph[passage.byte_range.clone().unwrap()],
                passage.text
            );
        }
        let parts: Vec<u32> = found.iter().map(|p| p.part).collect();
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
        let found = split(&body, 7);
        assert!(found.len() > 1);
        for passage in &found {
            let range = passage.byte_range.clone().unwrap();
            let source = &body[range.start - 7..range.end - 7];
            assert_eq!(source.replace('\n', " "), passage.text);
        }
    }

    #[test]
    fn whole_block_sources_and_pages_are_kept_for_every_part() {
        let text: String = (0..40)
            .map(|i| format!("Sentence {i:02} of a page with words in it. "))
            .collect();
        let blocks = [Block::Paragraph(crate::ingest::Paragraph {
            text: text.trim().to_string(),
            source: SourceMap::Whole(10..20),
            page: Some(4),
        })];
        let found: Vec<Passage> = passages(&blocks).collect();
        assert!(found.len() > 1);
        assert!(
            found
                .iter()
                .all(|p| p.byte_range == Some(10..20) && p.page == Some(4))
        );
    }
}
