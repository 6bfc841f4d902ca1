//! Cutting a document's blocks into passages: each paragraph tagged with the
//! nearest heading above it, long ones cut at sentence and then word
//! boundaries, exact duplicates within the document dropped.
//!
//! A lead-in is joined to what it announces: a paragraph of prose (or a
//! list item) ending with a colon (`:` or `：`), followed by code, a list or
//! a table, forms one passage with the run of code, list and table
//! paragraphs right after it, each on a line of its own. The run ends at a
//! heading, at a prose paragraph, and at another lead-in (a list item
//! ending with a colon starts its own). The joined passage is one
//! paragraph (one ordinal), on the lead-in's page, and is cut for length
//! like any paragraph, the lead-in staying at the start of its first part.

use std::borrow::Cow;
use std::collections::HashSet;
use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

use crate::ingest::{self, Block, Paragraph, ParagraphKind, Piece, SourceMap, text};

/// Paragraphs longer than this many characters are split into several passages.
pub const MAX_PASSAGE_CHARS: usize = 1000;

/// One passage of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    /// The passage text.
    pub text: String,
    /// The nearest heading above the passage.
    pub section: Option<String>,
    /// 1-based ordinal of the paragraph in the document (headings not
    /// counted; a lead-in and what it announces count as one).
    pub paragraph: u32,
    /// 1-based part of the paragraph, above 1 only when it was split for length.
    pub part: u32,
    /// Byte range in the source file, when the format has meaningful offsets.
    pub byte_range: Option<Range<usize>>,
    /// 1-based page (PDF), when the format has pages.
    pub page: Option<u32>,
    /// For text read by OCR, Tesseract's mean word confidence (0–100).
    pub ocr_confidence: Option<u8>,
    /// What the passage reads as: the kind of the paragraph it starts in
    /// (a lead-in joined to what it announces gives its own, prose or a
    /// list item, to the part holding it), but a table's row or cell that
    /// ends a sentence is prose.
    pub kind: ParagraphKind,
    /// The language its paragraph's format declares for it alone
    /// ([`crate::ingest::Paragraph::language`]).
    pub language: Option<crate::language::Language>,
}

/// The passages of a document's blocks, in document order. Lazy, so a huge
/// document never has all its passages in memory at once: a paragraph is
/// cut into byte ranges (16 bytes per part), and each part's text is copied
/// only when its passage is taken.
pub fn passages(blocks: &[Block]) -> impl Iterator<Item = Passage> + '_ {
    Passages {
        blocks: blocks.iter(),
        section: None,
        paragraph: 0,
        seen: HashSet::new(),
        current: None,
    }
}

/// What is cut into passages: a paragraph, or a lead-in joined with the
/// paragraphs it announces.
struct Unit<'a> {
    /// The first paragraph (the lead-in), whose page and OCR confidence
    /// the passages take.
    first: &'a Paragraph,
    text: Cow<'a, str>,
    /// For a joined unit, each paragraph with where its text starts in
    /// `text`; empty for a single paragraph.
    joined: Vec<(usize, &'a Paragraph)>,
}

impl<'a> Unit<'a> {
    fn single(paragraph: &'a Paragraph) -> Unit<'a> {
        Unit {
            first: paragraph,
            text: Cow::Borrowed(&paragraph.text),
            joined: Vec::new(),
        }
    }

    /// `paragraphs` (a lead-in and those it announces), one a line, each
    /// without trailing whitespace.
    fn joined(paragraphs: impl Iterator<Item = &'a Paragraph>) -> Unit<'a> {
        let mut text = String::new();
        let mut joined = Vec::new();
        for paragraph in paragraphs {
            if !joined.is_empty() {
                text.push('\n');
            }
            joined.push((text.len(), paragraph));
            text.push_str(paragraph.text.trim_end());
        }
        Unit {
            first: joined[0].1,
            text: Cow::Owned(text),
            joined,
        }
    }

    /// The text of `range`, borrowed from the block when it is one paragraph.
    fn slice(&self, range: Range<usize>) -> Cow<'a, str> {
        match &self.text {
            Cow::Borrowed(text) => Cow::Borrowed(&text[range]),
            Cow::Owned(text) => Cow::Owned(text[range].to_string()),
        }
    }

    /// The paragraph of a joined unit holding byte `at` of its text, with
    /// where its text starts: the last starting at or before it (for an
    /// end, before it).
    fn holding(&self, at: usize, is_end: bool) -> (usize, &'a Paragraph) {
        let after = self
            .joined
            .partition_point(|&(start, _)| start < at || (!is_end && start == at));
        self.joined[after.saturating_sub(1)]
    }

    /// What the part `range` of the unit's text, `part`, reads as: the kind
    /// of the paragraph it starts in (the lead-in's for the part holding
    /// the lead-in); a part that is one table row or cell, or lies within
    /// one, and ends a sentence (the text of a note's box, a story set in a
    /// layout table, a definition) reads as prose.
    fn kind_of(&self, range: Range<usize>, part: &str) -> ParagraphKind {
        let (paragraph, within_one) = match self.joined.is_empty() {
            true => (self.first, true),
            false => {
                let (start, paragraph) = self.holding(range.start, false);
                (paragraph, self.holding(range.end, true).0 == start)
            }
        };
        match paragraph.kind {
            // Rows whose last ends a sentence are still rows.
            ParagraphKind::Table if within_one && text::ends_sentence(part) => ParagraphKind::Prose,
            kind => kind,
        }
    }

    /// Where `range` of the unit's text lies in the source file: from
    /// where its first paragraph maps its start to where its last maps its
    /// end; `None` when either has no offsets.
    fn source_range(&self, range: Range<usize>) -> Option<Range<usize>> {
        if self.joined.is_empty() {
            return source_range(&self.first.source, range);
        }
        let (first_start, first) = self.holding(range.start, false);
        let (last_start, last) = self.holding(range.end, true);
        let start_in = range
            .start
            .saturating_sub(first_start)
            .min(first.text.len());
        let end_in = range.end.saturating_sub(last_start).min(last.text.len());
        let start = source_range(&first.source, start_in..first.text.len())?.start;
        let end = source_range(&last.source, 0..end_in)?.end;
        Some(start..end.max(start))
    }
}

/// The iterator behind [`passages`].
struct Passages<'a> {
    blocks: std::slice::Iter<'a, Block>,
    section: Option<&'a str>,
    paragraph: u32,
    /// Texts of the passages given so far: borrowed from the blocks but
    /// for joined passages.
    seen: HashSet<Cow<'a, str>>,
    /// The unit being cut, with its parts' ranges and the next part's index.
    current: Option<(Unit<'a>, Vec<Range<usize>>, usize)>,
}

impl<'a> Passages<'a> {
    /// The unit that starts with `paragraph`: it alone, or with the run of
    /// paragraphs it announces, which are taken from the blocks.
    fn unit(&mut self, paragraph: &'a Paragraph) -> Unit<'a> {
        if !paragraph.is_lead_in() {
            return Unit::single(paragraph);
        }
        let rest = self.blocks.as_slice();
        let run = rest.iter().take_while(|block| block.is_announced()).count();
        if run == 0 {
            return Unit::single(paragraph);
        }
        self.blocks = rest[run..].iter();
        let announced = rest[..run].iter().filter_map(|block| match block {
            Block::Paragraph(paragraph) => Some(paragraph),
            Block::Heading(_) | Block::SectionEnd => None,
        });
        Unit::joined(std::iter::once(paragraph).chain(announced))
    }
}

impl<'a> Iterator for Passages<'a> {
    type Item = Passage;

    fn next(&mut self) -> Option<Passage> {
        loop {
            if let Some((unit, ranges, next)) = &mut self.current {
                while let Some(range) = ranges.get(*next).cloned() {
                    *next += 1;
                    let text = ingest::without_soft_hyphens(unit.slice(range.clone()));
                    if !text.chars().any(char::is_alphanumeric) || !self.seen.insert(text.clone()) {
                        continue;
                    }
                    let kind = unit.kind_of(range.clone(), &text);
                    return Some(Passage {
                        kind,
                        text: text.into_owned(),
                        section: self.section.map(|section| {
                            ingest::shorten(
                                &ingest::without_soft_hyphens(section.into()),
                                ingest::MAX_FIELD_CHARS,
                            )
                        }),
                        paragraph: self.paragraph,
                        part: *next as u32,
                        byte_range: unit.source_range(range),
                        page: unit.first.page,
                        ocr_confidence: unit.first.ocr_confidence,
                        language: unit.first.language,
                    });
                }
                self.current = None;
            }
            match self.blocks.next()? {
                Block::Heading(heading) => self.section = Some(heading),
                Block::SectionEnd => self.section = None,
                // Rules, ornaments and stray punctuation have no words to find.
                Block::Paragraph(block) if !block.text.chars().any(char::is_alphanumeric) => {}
                Block::Paragraph(block) => {
                    self.paragraph += 1;
                    let unit = self.unit(block);
                    let ranges = chunks(&unit.text, MAX_PASSAGE_CHARS);
                    self.current = Some((unit, ranges, 0));
                }
            }
        }
    }
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
///
/// Pieces come in text order, so the piece holding the offset is found by
/// binary search (a scan per passage made a long paragraph of short lines
/// quadratic: 23 MB of wrapped lines took 18 s); an offset between pieces
/// falls back to the scan.
fn source_offset(pieces: &[Piece], text_offset: usize, is_end: bool) -> usize {
    let inside = |piece: &&Piece| {
        let end = piece.text_start + piece.len;
        if is_end {
            piece.text_start < text_offset && text_offset <= end
        } else {
            piece.text_start <= text_offset && text_offset < end
        }
    };
    let first_not_before = pieces.partition_point(|piece| {
        let end = piece.text_start + piece.len;
        if is_end {
            end < text_offset
        } else {
            end <= text_offset
        }
    });
    let found = pieces
        .get(first_not_before)
        .filter(inside)
        .or_else(|| pieces.iter().find(inside));
    let Some(piece) = found.or(pieces.last()) else {
        return 0;
    };
    piece.source_start + text_offset.saturating_sub(piece.text_start).min(piece.len)
}

/// Byte ranges of `text` of at most `max_chars` characters each, cut at
/// sentence boundaries, then word boundaries for overlong sentences, then
/// characters for overlong words; trimmed of surrounding whitespace.
///
/// One pass over the text at each level, and nothing per sentence, word or
/// character is kept: a 20 MB paragraph, or a 20 MB word, costs its ranges
/// (16 bytes per part) and no more.
pub fn chunks(text: &str, max_chars: usize) -> Vec<Range<usize>> {
    if text.chars().count() <= max_chars {
        return std::iter::once(0..text.len()).collect();
    }
    let mut ranges = Vec::new();
    let mut packer = Packer::new(0, max_chars);
    for (at, sentence) in sentences(text) {
        packer.add(at, sentence, &mut ranges, |sentence, offset, out| {
            let mut words = Packer::new(offset, max_chars);
            for (at, word) in sentence.split_word_bound_indices() {
                words.add(at, word, out, |word, offset, out| {
                    cut_chars(word, offset, max_chars, out)
                });
            }
            words.finish(out);
        });
    }
    packer.finish(&mut ranges);
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

/// A sentence ending in an abbreviation goes on into the next only while
/// it is shorter than this (bytes): "Plan B." and "J." end sentences too,
/// and a run of them must not make one unit that is then cut between
/// words.
const MAX_JOINED_SENTENCE_BYTES: usize = 600;

/// The sentences of `text` with their byte offsets, as UAX #29 finds them,
/// except that one ending in an abbreviation or an initial
/// ([`text::ends_in_abbreviation`]), or in `No.` before a number, goes on
/// into the next (up to [`MAX_JOINED_SENTENCE_BYTES`]): a passage is not
/// cut between `(M.P.` and `Manuel José Cepeda)`, or `EE. UU.` and `Fulton
/// Freeman`, which a quoted phrase would then not find.
fn sentences(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut found = text.split_sentence_bound_indices().peekable();
    std::iter::from_fn(move || {
        let (start, first) = found.next()?;
        let mut end = start + first.len();
        while end - start < MAX_JOINED_SENTENCE_BYTES {
            let Some(&(at, next)) = found.peek() else {
                break;
            };
            if !text::ends_in_abbreviation(&text[start..end])
                && !text::numbered_by(&text[start..end], next)
            {
                break;
            }
            found.next();
            end = at + next.len();
        }
        Some((start, &text[start..end]))
    })
}

/// Packs consecutive units (sentences, or words) of a text into ranges of
/// at most `max_chars` characters.
struct Packer {
    /// Offset of the packed text in the paragraph.
    offset: usize,
    max_chars: usize,
    start: usize,
    end: usize,
    count: usize,
}

impl Packer {
    fn new(offset: usize, max_chars: usize) -> Packer {
        Packer {
            offset,
            max_chars,
            start: 0,
            end: 0,
            count: 0,
        }
    }

    /// Adds the unit `piece` found at byte `at`; one longer than the cap is
    /// handed to `finer` with its offset in the paragraph.
    fn add(
        &mut self,
        at: usize,
        piece: &str,
        out: &mut Vec<Range<usize>>,
        finer: impl FnOnce(&str, usize, &mut Vec<Range<usize>>),
    ) {
        let chars = piece.chars().count();
        if chars > self.max_chars {
            self.finish(out);
            finer(piece, self.offset + at, out);
            self.start = at + piece.len();
            self.end = self.start;
            return;
        }
        if self.count + chars > self.max_chars && self.end > self.start {
            out.push(self.offset + self.start..self.offset + self.end);
            self.start = at;
            self.count = 0;
        }
        self.end = at + piece.len();
        self.count += chars;
    }

    /// Emits what is packed so far.
    fn finish(&mut self, out: &mut Vec<Range<usize>>) {
        if self.end > self.start {
            out.push(self.offset + self.start..self.offset + self.end);
        }
        self.start = self.end;
        self.count = 0;
    }
}

/// `text` (at `offset` in the paragraph) cut every `max_chars` characters.
fn cut_chars(text: &str, offset: usize, max_chars: usize, out: &mut Vec<Range<usize>>) {
    let mut start = 0;
    for (count, (at, _)) in text.char_indices().enumerate() {
        if count > 0 && count % max_chars == 0 {
            out.push(offset + start..offset + at);
            start = at;
        }
    }
    if start < text.len() {
        out.push(offset + start..offset + text.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(body: &str, offset: usize) -> Vec<Passage> {
        passages(&text::blocks(body, Some(offset))).collect()
    }

    fn texts(passages: &[Passage]) -> Vec<&str> {
        passages.iter().map(|p| p.text.as_str()).collect()
    }

    /// The passages' texts of `blocks`.
    fn block_passages(blocks: &[Block]) -> Vec<String> {
        passages(blocks).map(|p| p.text).collect()
    }

    /// A paragraph of `kind` without file offsets.
    fn block(kind: ParagraphKind, text: &str) -> Block {
        Block::Paragraph(Paragraph {
            text: text.to_string(),
            source: SourceMap::None,
            page: None,
            ocr_confidence: None,
            kind,
            language: None,
        })
    }

    /// Blocks without file offsets, one a line of `spec`: `#` and a
    /// heading, or `prose`, `code`, `list` or `table` and the paragraph's
    /// text (`\n` in it for a line break).
    fn kinded(spec: &str) -> Vec<Block> {
        let kinds = [
            ("prose", ParagraphKind::Prose),
            ("code", ParagraphKind::Code),
            ("list", ParagraphKind::List),
            ("table", ParagraphKind::Table),
        ];
        spec.lines()
            .filter_map(|line| line.trim().split_once(' '))
            .map(|(what, text)| {
                let text = text.trim_start().replace("\\n", "\n");
                match kinds.iter().find(|(name, _)| *name == what) {
                    Some(&(_, kind)) => block(kind, &text),
                    None => Block::Heading(text),
                }
            })
            .collect()
    }

    /// The file's text of `passage`'s byte range, one trimmed line per
    /// line, blank lines left out: what a joined text passage reads.
    fn source_lines<'b>(body: &'b str, passage: &Passage) -> Vec<&'b str> {
        body[passage.byte_range.clone().unwrap()]
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .collect()
    }

    #[test]
    fn a_section_s_end_leaves_the_paragraphs_after_it_under_no_heading() {
        let mut blocks = kinded("# Ana wrote:\nprose Quoted words.");
        blocks.push(Block::SectionEnd);
        blocks.extend(kinded("prose The reply."));
        let sections: Vec<Option<String>> = passages(&blocks).map(|p| p.section).collect();
        assert_eq!(sections, [Some("Ana wrote:".to_string()), None]);
    }

    #[test]
    fn soft_hyphens_leave_the_text_and_the_section() {
        let blocks = kinded(
            "# Revoca\u{AD}ciones\nprose La revoca\u{AD}ción de la visa.\nprose La revocación de la visa.",
        );
        let found: Vec<Passage> = passages(&blocks).collect();
        assert_eq!(texts(&found), ["La revocación de la visa."]);
        assert_eq!(found[0].section.as_deref(), Some("Revocaciones"));
    }

    #[test]
    fn a_lead_in_ending_with_a_colon_takes_the_command_it_announces() {
        let body = "Puede instalar algunos de estos paquetes haciendo:\n\n    # apt-get install bsdgames fortune\n\nDespués, juegue.\n";
        let found = split(body, 0);
        assert_eq!(
            texts(&found),
            [
                "Puede instalar algunos de estos paquetes haciendo:\n# apt-get install bsdgames fortune",
                "Después, juegue."
            ]
        );
        assert_eq!((found[0].paragraph, found[1].paragraph), (1, 2));
        assert_eq!(
            found[0].byte_range,
            Some(0..body.find("fortune").unwrap() + "fortune".len())
        );
    }

    #[test]
    fn a_lead_in_takes_the_whole_run_of_code_lists_and_tables() {
        let mut blocks = kinded(
            "# Setup
            prose Do this:
            code make
            list first\\nsecond
            table a | b
            code }
            prose Done.
            table c | d",
        );
        // Trailing whitespace after the colon is allowed.
        let Block::Paragraph(lead_in) = &mut blocks[1] else {
            panic!("a paragraph")
        };
        lead_in.text.push_str("  \t");
        let found: Vec<Passage> = passages(&blocks).collect();
        assert_eq!(
            texts(&found),
            ["Do this:\nmake\nfirst\nsecond\na | b\n}", "Done.", "c | d"]
        );
        assert!(found.iter().all(|p| p.section.as_deref() == Some("Setup")));
        let numbers: Vec<u32> = found.iter().map(|p| p.paragraph).collect();
        assert_eq!(numbers, [1, 2, 3]);
    }

    #[test]
    fn nothing_is_joined_without_a_colon_across_a_heading_or_before_prose() {
        let blocks = kinded(
            "prose Install the packages.
            code apt-get install foo
            prose Run this:
            # Next
            code make
            prose Note:
            prose This is prose.
            code print(1):
            code print(2)
            table Key: | value:
            list one",
        );
        assert_eq!(
            block_passages(&blocks),
            [
                "Install the packages.",
                "apt-get install foo",
                "Run this:",
                "make",
                "Note:",
                "This is prose.",
                "print(1):",
                "print(2)",
                "Key: | value:",
                "one"
            ]
        );
    }

    #[test]
    fn a_list_item_ending_with_a_colon_starts_its_own_lead_in() {
        let blocks = kinded(
            "prose Pasos：
            list Abrir el menú
            list Instalar:
            code apt install x
            list Configurar:
            code nano /etc/x
            list Listo.",
        );
        assert_eq!(
            block_passages(&blocks),
            [
                "Pasos：\nAbrir el menú",
                "Instalar:\napt install x",
                "Configurar:\nnano /etc/x\nListo."
            ]
        );
    }

    /// A passage reads as its paragraph's kind, a joined one as its
    /// lead-in's up to where the rows it announces start a part of their
    /// own; a table's row or cell ending a sentence reads as prose.
    #[test]
    fn a_passage_reads_as_the_paragraph_it_starts_in() {
        // Rows ending with a full stop: a part of many rows is still rows.
        let row = "bacula-client | network backup client and restore tool.";
        let mut spec = String::from("prose The backup packages:\n");
        for _ in 0..30 {
            spec.push_str(&format!("table {row}\n"));
        }
        spec.push_str("# Notes\n");
        spec.push_str("table A note set in a table box ends a sentence.\n");
        spec.push_str("table cell without an end\n");
        spec.push_str("code make\n");
        let found: Vec<Passage> = passages(&kinded(&spec)).collect();
        let kinds: Vec<ParagraphKind> = found.iter().map(|p| p.kind).collect();
        assert!(found.len() >= 5, "the joined table is cut for length");
        assert!(found[0].text.starts_with("The backup packages:"));
        assert_eq!(kinds[0], ParagraphKind::Prose);
        let rows = found.len() - 4;
        assert!(kinds[1..=rows].iter().all(|&k| k == ParagraphKind::Table));
        assert_eq!(
            kinds[rows + 1..],
            [
                ParagraphKind::Prose,
                ParagraphKind::Table,
                ParagraphKind::Code
            ]
        );
    }

    #[test]
    fn a_colon_at_the_end_of_the_document_stands_alone() {
        assert_eq!(
            texts(&split("Intro.\n\nLast words:\n\n\n", 0)),
            ["Intro.", "Last words:"]
        );
        assert_eq!(
            block_passages(&kinded("prose Only a lead-in:")),
            ["Only a lead-in:"]
        );
    }

    #[test]
    fn a_joined_passage_takes_the_lead_ins_page_and_confidence() {
        let blocks = [
            Block::Paragraph(Paragraph {
                text: "Escriba:".to_string(),
                source: SourceMap::None,
                page: Some(3),
                ocr_confidence: Some(80),
                kind: ParagraphKind::Prose,
                language: None,
            }),
            Block::Paragraph(Paragraph {
                text: "$ ls".to_string(),
                source: SourceMap::None,
                page: Some(4),
                ocr_confidence: None,
                kind: ParagraphKind::Code,
                language: None,
            }),
        ];
        let found: Vec<Passage> = passages(&blocks).collect();
        assert_eq!(texts(&found), ["Escriba:\n$ ls"]);
        assert_eq!(
            (found[0].page, found[0].ocr_confidence),
            (Some(3), Some(80))
        );
        assert_eq!(found[0].byte_range, None);
    }

    #[test]
    fn crlf_lead_ins_map_to_the_original_bytes() {
        let body =
            "Título\r\n\r\nHaga lo siguiente:\r\n  $ make\r\n\r\n  $ make install\r\n\r\nFin.\r\n";
        let found = split(body, 5);
        assert_eq!(
            texts(&found),
            [
                "Título",
                "Haga lo siguiente:\n$ make\n$ make install",
                "Fin."
            ]
        );
        let range = found[1].byte_range.clone().unwrap();
        let start = body.find("Haga").unwrap() + 5;
        let end = body.find("install").unwrap() + "install".len() + 5;
        assert_eq!(range, start..end);
    }

    #[test]
    fn a_long_joined_passage_is_cut_with_the_lead_in_at_its_start() {
        let commands: String = (0..80)
            .map(|i| format!("    $ command-number-{i:02} --with an-argument\n"))
            .collect();
        let body = format!("Preface.\n\nRun every one of these, in order:\n\n{commands}\nAfter.\n");
        let found = split(&body, 0);
        let joined: Vec<&Passage> = found.iter().filter(|p| p.paragraph == 2).collect();
        assert!(joined.len() > 1, "{}", joined.len());
        assert!(
            joined[0]
                .text
                .starts_with("Run every one of these, in order:\n$ command-number-00")
        );
        for (passage, part) in joined.iter().zip(1..) {
            assert_eq!(passage.part, part);
            assert!(passage.text.chars().count() <= MAX_PASSAGE_CHARS);
            assert!(passage.text.ends_with("an-argument"), "{:?}", passage.text);
            assert_eq!(
                source_lines(&body, passage),
                passage.text.lines().collect::<Vec<_>>()
            );
        }
        let all: String = joined.iter().map(|p| format!("{}\n", p.text)).collect();
        assert_eq!(all.matches("$ command-number").count(), 80);
        assert_eq!(found.last().unwrap().text, "After.");
        assert_eq!(found.last().unwrap().paragraph, 3);
    }

    #[test]
    fn markdown_lead_ins_span_the_blocks_they_join() {
        let body = "# Install\n\nDo this:\n\n```sh\nmake\n```\n\n- then\n- that\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nAfter.\n";
        let found: Vec<Passage> =
            passages(&crate::ingest::markdown::blocks(body, Some(100))).collect();
        assert_eq!(
            texts(&found),
            ["Do this:\nmake\nthen\nthat\na | b\n1 | 2", "After."]
        );
        let start = body.find("Do this").unwrap() + 100;
        let end = body.find("| 1 | 2 |").unwrap() + "| 1 | 2 |".len() + 100;
        assert_eq!(found[0].byte_range, Some(start..end));
        assert_eq!(found[0].section.as_deref(), Some("Install"));
    }

    #[test]
    fn an_empty_code_block_joins_nothing_and_hides_nothing() {
        let md = |body: &str| -> Vec<String> {
            passages(&crate::ingest::markdown::blocks(body, Some(0)))
                .map(|p| p.text)
                .collect()
        };
        assert_eq!(md("Run:\n\n```\n```\n\nAfter.\n"), ["Run:", "After."]);
        assert_eq!(md("Run:\n\n```\n```\n\n```\nmake\n```\n"), ["Run:\nmake"]);
    }

    /// Random text files of colon lines, prompts, indented lines, list
    /// items, headings, blank lines, CRLF and accents: every passage maps
    /// to bytes of the file that start and end with its own text.
    #[test]
    fn random_lead_ins_never_panic_and_map_back_to_their_text() {
        const LINES: &[&str] = &[
            "Ejecute como root:",
            "Pasos：",
            "    # apt-get install señal",
            "$ make",
            "#",
            "# Título",
            "== Wiki ==",
            "- ítem",
            "1. uno:",
            "\tindentado",
            "Prosa normal.",
            "---",
            "",
            ":",
            "ñ",
        ];
        let mut seed = 0x1ead_5eed;
        for _ in 0..3000 {
            let count = crate::test_support::next_random(&mut seed) % 12;
            let mut body = String::new();
            for _ in 0..count {
                let pick = crate::test_support::next_random(&mut seed) as usize;
                body.push_str(LINES[pick % LINES.len()]);
                body.push_str(if pick.is_multiple_of(3) { "\r\n" } else { "\n" });
            }
            for passage in split(&body, 0) {
                let range = passage.byte_range.clone().unwrap();
                let source = &body[range];
                let (first, last) = (
                    passage.text.chars().next().unwrap(),
                    passage.text.chars().next_back().unwrap(),
                );
                assert!(
                    source.starts_with(first) && source.ends_with(last),
                    "{body:?}: {passage:?}"
                );
            }
        }
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
    fn a_long_paragraph_is_not_cut_after_an_abbreviation_or_an_initial() {
        // Without the rule, the first passage would end "(M.P." (or
        // "Dr.", "D.C.", "Cfr.") and the next start with the name.
        // Whatever the text before it, the cut never falls after the
        // abbreviation (one of these counts of sentences puts it there).
        for abbreviation in [
            "(M.P.",
            "Dr.",
            "Bogotá D.C.",
            "Cfr.",
            "J. R. R.",
            "los EE. UU.",
            "EE.UU.",
            "Pbro.",
            "Excmo.",
            "la Cía.",
            "Ltda.",
            "Cra.",
            "Dpto.",
            "decreto No. 1381",
        ] {
            for before in 20..40 {
                let paragraph = format!(
                    "{}El fallo fue unánime {abbreviation} Manuel José Cepeda Espinosa decidió. {}",
                    "La sentencia reitera la doctrina. ".repeat(before),
                    "La sentencia reitera la doctrina. ".repeat(20),
                );
                assert!(paragraph.chars().count() > MAX_PASSAGE_CHARS);
                let parts: Vec<&str> = chunks(&paragraph, MAX_PASSAGE_CHARS)
                    .into_iter()
                    .map(|range| &paragraph[range])
                    .collect();
                assert!(
                    parts
                        .iter()
                        .any(|part| part.contains(&format!("{abbreviation} Manuel José"))),
                    "{abbreviation}: {parts:#?}"
                );
            }
        }
        // A sentence's end is still a cut, and so is a run of sentences
        // ending in initials, once long: the phrase after them is whole.
        assert!(!text::ends_in_abbreviation("la doctrina reiterada."));
        assert!(!text::ends_in_abbreviation("en 2008."));
        let paragraph = format!(
            "{}los insumos químicos llegan.",
            "Se aprobó el Plan B. ".repeat(70)
        );
        let parts: Vec<&str> = chunks(&paragraph, MAX_PASSAGE_CHARS)
            .into_iter()
            .map(|range| &paragraph[range])
            .collect();
        assert!(
            parts.iter().any(|part| part.contains("insumos químicos")),
            "{parts:#?}"
        );
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

    /// F7: cutting a 20 MB word kept a table entry per character (24 bytes
    /// each, 480 MB); now a cut costs its range and nothing more.
    #[test]
    fn a_huge_word_and_a_huge_sentence_are_cut_in_order_and_whole() {
        let word = "x".repeat(2_000_003);
        let ranges = chunks(&word, MAX_PASSAGE_CHARS);
        assert_eq!(ranges.len(), 2001);
        assert!(ranges.windows(2).all(|pair| pair[0].end == pair[1].start));
        assert_eq!((ranges[0].start, ranges[2000].end), (0, word.len()));

        let text = format!("Short sentence. {} and then some words.", "y".repeat(2500));
        let parts: Vec<&str> = chunks(&text, MAX_PASSAGE_CHARS)
            .into_iter()
            .map(|range| &text[range])
            .collect();
        let ys = "y".repeat(1000);
        assert_eq!(
            parts,
            [
                "Short sentence.",
                ys.as_str(),
                ys.as_str(),
                &ys[..500],
                "and then some words."
            ]
        );
        // One sentence of many words (a lower-case word after a full stop
        // does not start a sentence) is packed word by word.
        let sentence = "word. ".repeat(100_000);
        let ranges = chunks(&sentence, MAX_PASSAGE_CHARS);
        for range in &ranges {
            let part = &sentence[range.clone()];
            assert!(part.chars().count() <= MAX_PASSAGE_CHARS);
            let mut words = part.split(|c: char| !c.is_alphanumeric());
            assert!(
                words.all(|word| word.is_empty() || word == "word"),
                "cut inside a word: {part}"
            );
        }
        assert!((600..=601).contains(&ranges.len()), "{}", ranges.len());
    }

    #[test]
    fn a_long_paragraph_of_short_lines_maps_every_part_back() {
        let body: String = (0..20_000)
            .map(|i| format!("wrapped line number {i:05} of one long paragraph\n"))
            .collect();
        let found = split(&body, 3);
        assert!(found.len() > 500);
        for passage in &found {
            let range = passage.byte_range.clone().unwrap();
            assert_eq!(
                body[range.start - 3..range.end - 3].replace('\n', " "),
                passage.text
            );
        }
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
            ocr_confidence: None,
            kind: ParagraphKind::Prose,
            language: None,
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
