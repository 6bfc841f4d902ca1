//! Plain text structure: paragraphs between blank lines, wiki and Markdown
//! style headings, lists, and files that put one paragraph per line.
//!
//! A paragraph is a block of lines between blank lines. Inside a block, lines
//! longer than [`WRAP_WIDTH`] mark a file that puts one paragraph per line
//! (each line is then a paragraph); shorter lines are hard-wrapped prose and
//! are joined with a space, or mended where a hyphen broke a word across
//! them ([`join_wrapped`]). Consecutive list items form one paragraph.
//! Headings (`== Wiki ==`, `# Markdown`, setext underlines) are never
//! paragraphs; they become [`Block::Heading`]s.
//!
//! Code is told apart only where a line ending with a colon announces it:
//! after such a line, lines that are indented or start with a shell
//! prompt (`$ `, `# `) are code, kept line by line, up to the first line
//! that is neither (blank lines between them do not end the code). A `# `
//! line there is a root prompt, not a heading. Elsewhere an indented line
//! is prose, as a first-line indent is, and a list is a list wherever it
//! stands.
//!
//! Text a layout placed line by line ([`laid_out_blocks`]: a PDF's page,
//! from its text layer or by OCR) has no indentation and no markup, and
//! its line ends are the layout's:
//! - its lines are wrapped whatever their width (a wide page's run past
//!   100 characters and are still one paragraph);
//! - a list item goes on to the end of its block, its lines wrapped into
//!   it;
//! - a line that would be markup is text: a `#` line is code wherever it
//!   stands, `== x ==` a paragraph of its own;
//! - after a lead-in, R's prompt `> ` (or `>` alone) marks code too (in a
//!   text file it quotes mail), and a block whose first line has that
//!   prompt is code to its end: the listing's lines without a prompt;
//! - a list whose bullets the layout drew instead of writing them is told
//!   where a lead-in announces it: each block right after the lead-in or
//!   after another such item that is one line of at most
//!   [`MAX_DRAWN_ITEM_WORDS`] words, with a letter and not ending a
//!   sentence, is an item. OCR gives a paragraph as one line, so a short
//!   OCR'd paragraph after a lead-in is taken for an item too;
//! - the title of a note's box (`Tip`, `Warning`, `sugerencia`), set alone
//!   on the box's first line, is a paragraph of its own, as the HTML
//!   edition of a manual has it, not the first word of the note.
//! - three or more short paragraphs in a row that end no sentence are the
//!   rows of a table whose rules the layout drew (or lines of a contents
//!   page), a row each, as the HTML edition has them ([`MAX_DRAWN_ROW_WORDS`]).

use super::dates::{self, DayOrder, LabelledDate};
use super::{Block, Paragraph, ParagraphKind, Piece, SourceMap};

/// Lines up to this many characters may be hard-wrapped prose; a block with
/// a longer line holds one paragraph per line.
pub const WRAP_WIDTH: usize = 100;

/// The blocks of a plain-text `body`. `offset` is the byte offset of `body`
/// in its file (added to source ranges), or `None` when the text does not
/// come verbatim from the file (decoded or extracted text).
pub fn blocks(body: &str, offset: Option<usize>) -> Vec<Block> {
    read(
        body,
        Builder {
            offset,
            page: None,
            laid_out: false,
            out: Vec::new(),
        },
    )
}

/// The blocks of the text a layout placed line by line on `page` (a PDF's
/// page, read from its text layer or by OCR), read as the module
/// documentation says: its lines wrapped whatever their width, its markup
/// taken for text, its listings and drawn lists told from the lead-ins that
/// announce them.
pub fn laid_out_blocks(body: &str, page: u32) -> Vec<Block> {
    read(
        body,
        Builder {
            offset: None,
            page: Some(page),
            laid_out: true,
            out: Vec::new(),
        },
    )
}

fn read(body: &str, mut builder: Builder) -> Vec<Block> {
    let laid_out = builder.laid_out;
    let mut block: Vec<Line> = Vec::new();
    // Whether the last line read ended with a colon or was code, so that
    // an indented or prompt line is code.
    let mut code_may_follow = false;
    // Whether the last line read ended with a colon or was a drawn item,
    // so that a one-line block may be an item (laid-out text only).
    let mut item_may_follow = false;
    for mut line in lines(body) {
        let content = line.text.trim();
        let listing_goes_on = laid_out
            && block
                .first()
                .is_some_and(|first| first.code && first.text.trim_start().starts_with('>'));
        if content.is_empty() {
            builder.flush(&mut block);
        } else if code_may_follow && (is_code_line(line.text, laid_out) || listing_goes_on) {
            item_may_follow = false;
            line.code = true;
            block.push(line);
        } else if laid_out && heading_text(content).is_some() {
            // Markup means nothing on a page: a shell's `# prompt` is code.
            item_may_follow = false;
            if content.starts_with('#') {
                code_may_follow = true;
                line.code = true;
                block.push(line);
            } else {
                code_may_follow = ends_with_colon(content);
                builder.flush(&mut block);
                block.push(line);
                builder.flush(&mut block);
            }
        } else if laid_out && block.is_empty() && is_admonition_label(content) {
            // The title of a note's box, as the HTML edition has it.
            code_may_follow = false;
            item_may_follow = false;
            block.push(line);
            builder.flush(&mut block);
        } else if item_may_follow && laid_out && block.is_empty() && is_drawn_item(content) {
            // The next one-line block may be the next item.
            line.drawn_item = true;
            block.push(line);
        } else if let Some(heading) = heading_text(content) {
            code_may_follow = false;
            builder.flush(&mut block);
            builder.out.push(Block::Heading(heading.to_string()));
        } else if is_underline(content) {
            code_may_follow = false;
            item_may_follow = false;
            if let [only] = block.as_slice()
                && !is_list_item(only.text)
                && !only.code
            {
                let heading = only.text.trim().to_string();
                block.clear();
                builder.out.push(Block::Heading(heading));
            }
            builder.flush(&mut block);
        } else {
            code_may_follow = ends_with_colon(content);
            item_may_follow = code_may_follow;
            block.push(line);
        }
    }
    builder.flush(&mut block);
    if laid_out {
        mark_drawn_rows(&mut builder.out);
    }
    // A feed of a million one-line records keeps a million of these: no
    // spare capacity (three empty blocks of 72 bytes after a first push).
    builder.out.shrink_to_fit();
    builder.out
}

/// A row of a table whose rules a layout drew has at most this many words
/// (a name, a few figures, a one-line description; two rows the layout
/// set without a gap between them).
pub const MAX_DRAWN_ROW_WORDS: usize = 40;

/// Marks as table rows each run of at least three prose paragraphs in a
/// row that are short ([`MAX_DRAWN_ROW_WORDS`]) and end no sentence: the
/// rows of a table whose rules the layout drew instead of writing them
/// (a package table's `dump V:1, I:5 351 4.4 BSD dump(8) y restore(8) para
/// sistemas de archivos ext2/ext3/ext4`),
/// or lines of a contents page. Prose ends its sentences; these are what
/// an HTML edition of the same page gives as a table's rows.
fn mark_drawn_rows(blocks: &mut [Block]) {
    let is_row = |block: &Block| {
        matches!(block, Block::Paragraph(paragraph)
            if paragraph.kind == ParagraphKind::Prose
                && !ends_sentence(&paragraph.text)
                && paragraph.text.split_whitespace().count() <= MAX_DRAWN_ROW_WORDS)
    };
    for run in blocks.chunk_by_mut(|a, b| is_row(a) == is_row(b)) {
        if run.len() >= 3 && is_row(&run[0]) {
            for block in run {
                if let Block::Paragraph(paragraph) = block {
                    paragraph.kind = ParagraphKind::Table;
                }
            }
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    text: &'a str,
    start: usize,
    /// A line of code announced by a line ending with a colon.
    code: bool,
    /// Maybe an item of a list whose marks a layout drew, announced by a
    /// line ending with a colon: one if it is its block's only line.
    drawn_item: bool,
}

/// Lines of `text` without their terminators; `\n`, `\r\n` and a lone `\r` all end a line.
fn lines(text: &str) -> impl Iterator<Item = Line<'_>> {
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            let at = i;
            match bytes[i] {
                b'\n' => i += 1,
                b'\r' => {
                    i += if bytes.get(i + 1) == Some(&b'\n') {
                        2
                    } else {
                        1
                    }
                }
                _ => {
                    i += 1;
                    continue;
                }
            }
            let line = Line {
                text: &text[start..at],
                start,
                code: false,
                drawn_item: false,
            };
            start = i;
            return Some(line);
        }
        (start < text.len()).then(|| {
            let line = Line {
                text: &text[start..],
                start,
                code: false,
                drawn_item: false,
            };
            start = text.len();
            line
        })
    })
}

/// Ends `text`, wrapped prose, so that the line `next` can follow it: with
/// a space, with nothing, or with its last hyphen removed. Gives the bytes
/// removed from `text`.
///
/// A line ending in a hyphen (`-`, `‐`, or `¬` as in old print) right after
/// a letter or digit broke a word or a compound. Typesetters and scanned
/// print break words anywhere (`manip-` / `ulated`), and a word broken
/// there is only found mended, so the hyphen goes when the next line goes
/// on in lower case and the piece before it can start a word: 2 to 64
/// letters, not all capitals, after a space, a slash, a dash or an opening
/// bracket or quote. Otherwise the hyphen belongs to a compound and stays,
/// without a space when the next line starts with a letter or digit
/// (`Smith-` / `Jones`, `DBMS-` / `specific`, `x-` / `and`, `cut-and-` /
/// `paste`, `12-` / `14`), with one when it does not (quoted mail's `> `).
/// A compound broken at its own hyphen in lower case (`low-` / `level`),
/// or after a capital (`Python-` / `based`), is mended too: nothing in the
/// lines tells it apart from a broken word, and broken words are far more
/// common. A soft hyphen (U+00AD) ending a line always mends: it is the
/// word processor's own mark of a word broken there.
pub fn join_wrapped(text: &mut String, next: &str) -> usize {
    match join_of(text, next) {
        Join::Space => {
            text.push(' ');
            0
        }
        Join::Glue => 0,
        Join::Mend => text.pop().map_or(0, char::len_utf8),
    }
}

/// How a line of wrapped prose joins the text before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Join {
    /// After a space.
    Space,
    /// Straight on, without the hyphen that ends the text before: a word
    /// broken across the lines, mended.
    Mend,
    /// Straight on, keeping that hyphen: a compound broken at its hyphen.
    Glue,
}

/// How `next`, a line of wrapped prose, joins `before`, the text so far,
/// by the rule [`join_wrapped`] states.
fn join_of(before: &str, next: &str) -> Join {
    // A soft hyphen says the word goes on on the next line, whatever it is.
    if before.ends_with('\u{AD}') {
        return Join::Mend;
    }
    let mut back = before.chars().rev();
    if !matches!(back.next(), Some('-' | '‐' | '¬')) {
        return Join::Space;
    }
    // Only the word before the hyphen is read, and only so far: a text of
    // lines `ab-` mends into one ever longer word, and reading it whole at
    // every line took minutes for a megabyte.
    let (mut letters, mut capitals) = (0usize, 0usize);
    let mut stop = None;
    for c in back.by_ref().take(MAX_BROKEN_WORD_CHARS + 1) {
        // A decomposed accent (NFD text, as some PDFs give) is part of its
        // letter.
        let in_word = c.is_alphabetic() || ('\u{300}'..='\u{36f}').contains(&c);
        if !in_word {
            stop = Some(c);
            break;
        }
        letters += 1;
        capitals += usize::from(c.is_uppercase());
    }
    let goes_on = next.starts_with(char::is_alphanumeric);
    if letters == 0 {
        return match stop {
            Some(c) if c.is_alphanumeric() && goes_on => Join::Glue,
            _ => Join::Space,
        };
    }
    let starts_word = stop.is_none_or(|c| {
        c.is_whitespace()
            || matches!(
                c,
                '(' | '[' | '"' | '\'' | '“' | '‘' | '«' | '¿' | '¡' | '/' | '—' | '–'
            )
    });
    let broken_word = starts_word
        && (2..=MAX_BROKEN_WORD_CHARS).contains(&letters)
        && capitals < letters
        && next.starts_with(char::is_lowercase);
    if broken_word {
        Join::Mend
    } else if goes_on {
        Join::Glue
    } else {
        // `> manip-` / `> ulated` in quoted mail: the next line's text
        // does not follow the hyphen.
        Join::Space
    }
}

/// The longest piece of a word before a hyphen at a line's end that is
/// mended with the next line: longer ones are not words a typesetter broke.
const MAX_BROKEN_WORD_CHARS: usize = 64;

/// The text of a heading line: `= Title =` to `====== Sub ======`, or `# Title` to `###### Sub`.
pub fn heading_text(line: &str) -> Option<&str> {
    let wiki_open = line.bytes().take_while(|&b| b == b'=').count();
    if (1..=6).contains(&wiki_open) {
        let wiki_close = line.bytes().rev().take_while(|&b| b == b'=').count();
        if (1..=6).contains(&wiki_close) && wiki_open + wiki_close < line.len() {
            let inner = line[wiki_open..line.len() - wiki_close].trim();
            return inner.chars().any(char::is_alphanumeric).then_some(inner);
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

/// Whether `text` ends inside a sentence, as a line or a paragraph cut
/// short does: its last character a letter, a comma or a hyphen (a word
/// broken there).
pub(crate) fn ends_open(text: &str) -> bool {
    text.trim_end()
        .ends_with(|c: char| c.is_alphabetic() || c == ',' || c == '-')
}

/// Whether `text` ends with a colon, ASCII or full-width, trailing
/// whitespace aside: it may announce code, a list or a table.
pub(crate) fn ends_with_colon(text: &str) -> bool {
    text.trim_end().ends_with([':', '：'])
}

/// An indented line, or one starting with a shell prompt (`$ `, `# `, or
/// the prompt alone; in `laid_out` text R's `> ` or `>` too): code, where
/// a colon has announced it.
fn is_code_line(line: &str, laid_out: bool) -> bool {
    let content = line.trim();
    line.starts_with(char::is_whitespace)
        || ["$", "#"].contains(&content)
        || content.starts_with("$ ")
        || content.starts_with("# ")
        || (laid_out && (content == ">" || content.starts_with("> ")))
}

/// The titles of notes' boxes that a page sets on the first line of the
/// box, in the manuals' languages (lower case).
const ADMONITION_LABELS: [&str; 14] = [
    "tip",
    "note",
    "warning",
    "caution",
    "important",
    "hint",
    "sugerencia",
    "consejo",
    "nota",
    "aviso",
    "atención",
    "importante",
    "advertencia",
    "precaución",
];

/// Whether `line` is only the title of a note's box (`Tip`, `Warning:`,
/// `sugerencia`).
fn is_admonition_label(line: &str) -> bool {
    let label = line.trim_end_matches([':', '：']).trim_end().to_lowercase();
    ADMONITION_LABELS.contains(&label.as_str())
}

/// Words an item of a drawn list may have: a name or a short step, not a
/// sentence of a paragraph.
pub const MAX_DRAWN_ITEM_WORDS: usize = 12;

/// Whether `line`, alone in its block, may be an item of a list whose marks
/// a layout drew: a few words with a letter, not ending a sentence.
fn is_drawn_item(line: &str) -> bool {
    line.split_whitespace().count() <= MAX_DRAWN_ITEM_WORDS
        && line.contains(char::is_alphabetic)
        && !ends_sentence(line)
}

/// Words that end in a full stop without ending their sentence, in lower
/// case: titles, and the abbreviations of citations in Spanish and English
/// legal and scholarly text (`M.P. Manuel José Cepeda`, `Cfr. Sentencia`,
/// `art. 86`). A single letter before a full stop (an initial, the last of
/// `D.C.` or `M.P.`) is one too.
pub(crate) const ABBREVIATIONS: &[&str] = &[
    "dr", "dra", "dres", "sr", "sra", "sres", "srta", "mr", "mrs", "ms", "prof", "mag", "magdo",
    "hon", "gen", "gral", "cnel", "col", "cap", "tte", "sgto", "mons", "st", "jr", "cfr", "cf",
    "art", "arts", "núm", "num", "pág", "págs", "pag", "p", "pp", "vol", "ed", "eds", "ibíd",
    "ibid", "op", "cit", "lit", "inc", "ord", "exp", "rad", "ref", "sec", "fig", "vs", "rep",
    "reps", "sen", "sens", "gov", "lt", "sgt", "capt", "cmdr", "adm", "rev", "atty", "messrs",
    "jan", "feb", "apr", "aug", "sept", "oct", "nov", "dec", "pbro", "excmo", "excma", "ud", "uds",
    "cía", "gob", "min", "ltda", "av", "avda", "cra", "dpto", "depto", "aprox", "bol", "sto",
    "sta", "nro", "mz",
];

/// The word before the full stop ending `text` (closing white space
/// aside), if it ends with one.
fn word_before_stop(text: &str) -> Option<&str> {
    let before = text.trim_end().strip_suffix('.')?;
    before.rsplit(|c: char| !c.is_alphanumeric()).next()
}

/// Whether `text` ends with an abbreviation of [`ABBREVIATIONS`] and its
/// full stop (`Gral.`, `art.`).
fn ends_in_listed_abbreviation(text: &str) -> bool {
    word_before_stop(text).is_some_and(|word| ABBREVIATIONS.contains(&word.to_lowercase().as_str()))
}

/// The titles of [`ABBREVIATIONS`] that stand before a name: a line ending
/// with one goes on with the name on the next (`Gral.` / `Ruiz Novoa`),
/// where `Ltda.`, `pp.` or `Inc.` end a sentence as often as not.
const TITLES: &[&str] = &[
    "dr", "dra", "dres", "sr", "sra", "sres", "srta", "mr", "mrs", "ms", "prof", "mag", "magdo",
    "hon", "gen", "gral", "cnel", "col", "cap", "tte", "sgto", "mons", "pbro", "excmo", "excma",
    "lt", "sgt", "capt", "cmdr", "adm", "rev", "atty", "sen", "rep", "gov",
];

/// Whether `text` ends with a title of [`TITLES`] and its full stop.
fn ends_in_title(text: &str) -> bool {
    word_before_stop(text).is_some_and(|word| TITLES.contains(&word.to_lowercase().as_str()))
}

/// Whether `sentence` ends with an abbreviation and its full stop: one of
/// [`ABBREVIATIONS`], an initial (a single letter), or a Spanish plural's
/// doubled capitals (`EE. UU.`, `FF. AA.`, `RR. HH.`; not a Roman
/// numeral's, `XX.`).
pub(crate) fn ends_in_abbreviation(sentence: &str) -> bool {
    let Some(word) = word_before_stop(sentence) else {
        return false;
    };
    let mut letters = word.chars();
    match (letters.next(), letters.next(), letters.next()) {
        (Some(only), None, _) => only.is_alphabetic(),
        // Not a Roman numeral's (`siglo XX.`, `Título II.`).
        (Some(first), Some(second), None)
            if first == second && first.is_uppercase() && !"IVXLCDM".contains(first) =>
        {
            true
        }
        (Some(_), Some(_), _) => ends_in_listed_abbreviation(sentence),
        _ => false,
    }
}

/// Whether `sentence` ends with `No.` (number) and `next` starts with the
/// number it abbreviates (`decreto No. 1381`), not a sentence's end.
pub(crate) fn numbered_by(sentence: &str, next: &str) -> bool {
    word_before_stop(sentence).is_some_and(|word| word.eq_ignore_ascii_case("no"))
        && next.starts_with(|c: char| c.is_ascii_digit())
}

/// Whether `line` ends a sentence or announces what follows, closing
/// quotes and brackets aside: `.`, `!`, `?`, `:`, `;`, `…` and their
/// full-width forms.
pub(crate) fn ends_sentence(line: &str) -> bool {
    line.trim_end()
        .trim_end_matches(['"', '”', '’', '\'', '»', '«', ')', ']'])
        .ends_with(['.', '!', '?', ':', ';', '…', '。', '！', '？', '：', '；'])
}

/// Words that end a line of wrapped text, not a title or a name: a line
/// ending with one goes on (`contra la` / `Red de Solidaridad Social`).
const FUNCTION_WORDS: &[&str] = &[
    "de", "del", "la", "las", "el", "los", "lo", "en", "al", "con", "por", "para", "que", "su",
    "sus", "un", "una", "sobre", "entre", "y", "e", "o", "u", "a", "ante", "bajo", "desde",
    "hasta", "hacia", "según", "sin", "tras", "the", "of", "and", "to", "in", "an", "for", "with",
    "by", "on", "at", "from", "or", "that",
];

/// Whether `next`, a line of a text file after `last`, a line of a list
/// item, goes on with the item although it is not indented: hard-wrapped
/// text (`1. Los accionantes, … personas de` / `la tercera edad …`). It
/// does when `last` is no longer than [`WRAP_WIDTH`] and ends no sentence,
/// and the item shows it is wrapped: `next` starts in lower case, or `last`
/// ends with a word such as `de`, `y` or `the` ([`FUNCTION_WORDS`]). A line
/// starting with a capital after any other line (a paragraph, a heading, a
/// signature after the list) ends the list.
fn wraps_into_item(last: &str, next: &str) -> bool {
    let trimmed = last.trim();
    let last_word = trimmed
        .rsplit(char::is_whitespace)
        .next()
        .unwrap_or_default();
    // `y`, `a`, `e` in lower case only (`Anexo A`, `Vitamina E` end
    // titles), unless the whole line is in capitals (`DEL CAUCA Y`).
    let in_capitals = !trimmed.chars().any(char::is_lowercase);
    let last_word = match last_word.chars().count() {
        1 if !in_capitals => last_word.to_string(),
        _ => last_word.to_lowercase(),
    };
    // A title before a name (`Gral.` / `Ruiz Novoa`) goes on too; an
    // abbreviation ends no sentence (`los EE. UU.` / `llegará el lunes`).
    let titled = ends_in_title(trimmed);
    !is_list_item(next)
        && trimmed.chars().count() <= WRAP_WIDTH
        && (!ends_sentence(trimmed) || ends_in_abbreviation(trimmed))
        && (next.trim_start().starts_with(|c: char| c.is_lowercase())
            || FUNCTION_WORDS.contains(&last_word.as_str())
            || titled)
}

/// The shortest line of an item in capitals that counts as wrapped: a
/// teleprinter's or typewriter's paragraph is wrapped at 60 to 72
/// characters, a list of names or a contents page's lines are shorter.
pub const MIN_WRAPPED_CAPITALS_CHARS: usize = 40;

/// Whether `next`, a line of a text file after `item`, the lines so far of
/// a list item written in capitals (a cable's numbered paragraph), goes on
/// with it: no line tells by starting in lower case, so the lines' lengths
/// and ends do. It does when `next` is in capitals too and starts no unit
/// of its own (an item, a lettered or Roman one, `A. `, `(B) `, `II. `, an
/// article, `ARTICULO 2.`), and the item's last line was wrapped in the
/// middle of a sentence: at least [`MIN_WRAPPED_CAPITALS_CHARS`]
/// characters, no fewer than four fifths of `width`, the longest line of
/// its block (at most [`WRAP_WIDTH`]), and no sentence's or heading's end
/// (`.`, `:`, `;`). A shorter `next` ends the paragraph: the block's last
/// line (`after` is none) or a sentence's end. Contents lines (dot
/// leaders), a list of short items in capitals, one a line, or a heading
/// or a signature after an item stay apart.
fn wraps_into_capitals_item(item: &[Line], next: &str, after: Option<&str>, width: usize) -> bool {
    let in_capitals = |text: &str| !text.chars().any(char::is_lowercase);
    let ends_sentence = |text: &str| text.trim_end().ends_with(['.', ':', ';', '?', '!']);
    let leaders = |text: &str| text.contains("....") || text.contains('…');
    let Some(last) = item.last() else {
        return false;
    };
    let wrapped = |text: &str| {
        let chars = text.trim().chars().count();
        (MIN_WRAPPED_CAPITALS_CHARS..=WRAP_WIDTH).contains(&chars) && chars * 5 >= width * 4
    };
    let ends_paragraph = next.trim().chars().count() >= MIN_WRAPPED_CAPITALS_CHARS
        || after.is_none_or(|after| after.trim().is_empty())
        || ends_sentence(next);
    !is_list_item(next)
        && !starts_lettered_item(next)
        && !starts_own_unit(next)
        && in_capitals(next)
        && next.contains(char::is_alphabetic)
        && !leaders(next)
        && ends_paragraph
        && item.iter().all(|line| {
            in_capitals(line.text) && line.text.contains(char::is_alphabetic) && !leaders(line.text)
        })
        && wrapped(last.text)
        && !ends_sentence(last.text)
}

/// Whether `line` starts a unit of a text of its own, numbered as laws and
/// rulings number theirs: a Roman item (`II. `, `IV) `) or an article,
/// chapter, section or paragraph (`ARTICULO 2.`, `Artículo 5`, `SECTION 3`).
fn starts_own_unit(line: &str) -> bool {
    let line = line.trim_start();
    let roman = line.find(['.', ')']).is_some_and(|at| {
        at > 0
            && line[..at].chars().all(|c| "IVXLC".contains(c))
            && line[at + 1..].starts_with(char::is_whitespace)
    });
    const UNITS: [&str; 8] = [
        "ARTICULO",
        "ARTÍCULO",
        "ARTICLE",
        "CAPITULO",
        "CAPÍTULO",
        "CHAPTER",
        "SECTION",
        "PARAGRAFO",
    ];
    let upper = line.to_uppercase();
    roman
        || UNITS.iter().any(|unit| {
            upper
                .strip_prefix(unit)
                .is_some_and(|rest| rest.trim_start().starts_with(|c: char| c.is_ascii_digit()))
        })
}

/// Whether `line` starts with a capital letter as an item's mark, as a
/// cable letters its subparagraphs: `A. `, `B) `, `(C) `.
fn starts_lettered_item(line: &str) -> bool {
    let line = line.trim_start();
    let line = line.strip_prefix('(').unwrap_or(line);
    let mut chars = line.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && matches!(chars.next(), Some('.' | ')'))
        && chars.next().is_some_and(char::is_whitespace)
}

/// A text file's header block is at most its first this many lines (and
/// [`HEADER_BYTES`]), up to its first list item: where a cable or a memo
/// puts its `SUBJECT:` and `DATE:` lines.
pub const HEADER_LINES: usize = 40;

/// The bytes a text file's header block may span.
pub const HEADER_BYTES: usize = 4_000;

/// The labels of a header's subject line, which the document's title is.
const SUBJECT_LABELS: [&str; 6] = ["SUBJECT", "Subject", "SUBJ", "Subj", "Asunto", "ASUNTO"];

/// The labels of a header's reference line, the title of a document
/// without a subject line that would be titled by a form's heading
/// ([`is_form_heading`]).
const REFERENCE_LABELS: [&str; 4] = ["Referencia", "REFERENCIA", "REF", "Ref"];

/// The subject labels of Spanish letters and memos.
const SPANISH_SUBJECT_LABELS: [&str; 2] = ["Asunto", "ASUNTO"];

/// Labels of a header in languages that write the day before the month:
/// a memo's `Para:` and `Asunto:` tell that its `Date:` is `03/02/2025`
/// for 3 February.
const DAY_FIRST_LABELS: [&str; 16] = [
    "Para",
    "PARA",
    "De",
    "DE",
    "Asunto",
    "ASUNTO",
    "Referencia",
    "REFERENCIA",
    "Assunto",
    "ASSUNTO",
    "Objet",
    "OBJET",
    "Betreff",
    "BETREFF",
    "Oggetto",
    "OGGETTO",
];

/// What a text file's header block says of its document.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Header {
    /// The text of its subject line (`SUBJECT:`, `SUBJ:`, `Asunto:`),
    /// trimmed.
    pub subject: Option<String>,
    /// The text of its reference line (`Referencia:`, `REF:`), trimmed.
    pub reference: Option<String>,
    /// What its first date line says.
    pub date: Option<LabelledDate>,
}

/// The value after one of `labels` and a colon (a space between them
/// aside) that starts `line`, when there is one.
fn labelled<'a>(line: &'a str, labels: &[&str]) -> Option<&'a str> {
    let line = line.trim();
    labels.iter().find_map(|label| {
        let value = line
            .strip_prefix(label)?
            .trim_start_matches([' ', '\u{a0}'])
            .strip_prefix(':')?
            .trim();
        (!value.is_empty()).then_some(value)
    })
}

/// Whether `line` is a header's field: a label of at most three words and
/// 30 characters, then a colon (`FROM: AMEMBASSY BOGOTA`, `List:
/// linux-kernel`, `Para: Archivo`).
fn is_field(line: &str) -> bool {
    line.split_once(':').is_some_and(|(label, _)| {
        label.starts_with(char::is_alphabetic)
            && label.chars().count() <= 30
            && label.split_whitespace().count() <= 3
            && label
                .chars()
                .all(|c| c.is_alphabetic() || matches!(c, ' ' | '-' | '.' | '\''))
    })
}

/// The header block of `body`, a text file's text after its front matter:
/// its first lines ([`HEADER_LINES`], [`HEADER_BYTES`]) up to the first
/// list item or line longer than [`WRAP_WIDTH`] (prose). Its subject line
/// is read only when each line before it is in capitals, a field or a
/// form's heading. `declared` is the order of day and month the document's
/// declared language writes; else the header's labels tell it
/// ([`DAY_FIRST_LABELS`]).
pub(crate) fn header(body: &str, declared: DayOrder) -> Header {
    let lines: Vec<&str> = lines(body)
        .take(HEADER_LINES)
        .take_while(|line| {
            line.start < HEADER_BYTES
                && !is_list_item(line.text)
                && line.text.trim().chars().count() <= WRAP_WIDTH
        })
        .map(|line| line.text)
        .collect();
    let value_of = |labels: &[&str]| lines.iter().find_map(|line| labelled(line, labels));
    // A subject line titles a header typed as a form: what comes before it
    // is in capitals, a field or a form's heading. A document with a title
    // line of its own (`Active MM`) quoting a mail's header keeps it.
    let typed_as_form = |line: &&str| {
        let line = line.trim();
        !line.chars().any(char::is_lowercase)
            || is_field(line)
            || is_form_heading(&line.to_uppercase())
    };
    // A Spanish `Asunto:` titles whatever comes before it: an oficio
    // addresses its reader first (`Señor`, a name, an address, `Ciudad`).
    let subject = lines
        .iter()
        .position(|line| labelled(line, &SUBJECT_LABELS).is_some())
        .filter(|&at| {
            labelled(lines[at], &SPANISH_SUBJECT_LABELS).is_some()
                || lines[..at].iter().all(typed_as_form)
        })
        .and_then(|at| labelled(lines[at], &SUBJECT_LABELS))
        .map(str::to_string);
    // A cable's reference line names the cables it answers (`DEPTEL 567;
    // BOGOTA 1190`), numbers in capitals: no title.
    let reference = value_of(&REFERENCE_LABELS)
        .filter(|value| {
            value.chars().any(char::is_lowercase) || !value.chars().any(|c| c.is_ascii_digit())
        })
        .map(str::to_string);
    let day_first_labels = || {
        lines.iter().any(|line| {
            DAY_FIRST_LABELS.iter().any(|label| {
                line.trim()
                    .strip_prefix(label)
                    .is_some_and(|rest| rest.trim_start().starts_with(':'))
            })
        })
    };
    let order = match declared {
        DayOrder::Unknown if day_first_labels() => DayOrder::DayFirst,
        order => order,
    };
    let date = lines.iter().find_map(|line| dates::date_line(line, order));
    Header {
        subject,
        reference,
        date,
    }
}

/// Classification markings and their Spanish kin, which head a cable or a
/// memo on a line of their own and title none.
const MARKINGS: [&str; 11] = [
    "CONFIDENTIAL",
    "SECRET",
    "TOP SECRET",
    "UNCLASSIFIED",
    "LIMITED OFFICIAL USE",
    "RESTRICTED",
    "CONFIDENCIAL",
    "SECRETO",
    "RESERVADO",
    "RESERVADA",
    "CLASIFICADO",
];

/// Whether `line` is only a classification marking (`CONFIDENTIAL`,
/// `SECRET//NOFORN`, `- SECRET -`), in capitals as it is stamped.
pub(crate) fn is_marking(line: &str) -> bool {
    let line = line.trim_matches(|c: char| !c.is_alphanumeric());
    let marking = line.split("//").next().unwrap_or(line).trim();
    MARKINGS.contains(&marking)
}

/// The headings of the forms cables and memos are typed on, which say what
/// a document is, not what it is about.
const FORM_HEADINGS: [&str; 8] = [
    "MEMORANDO",
    "MEMORANDUM",
    "DEPARTMENT OF STATE",
    "INCOMING TELEGRAM",
    "OUTGOING TELEGRAM",
    "TELEGRAM",
    "AIRGRAM",
    "OFICIO",
];

/// Whether `line` is a classification marking ([`is_marking`]) or a
/// form's heading: in capitals, starting with one of [`FORM_HEADINGS`]
/// (`MEMORANDO INTERNO`, `MEMORANDO 014`, `DEPARTMENT OF STATE INCOMING
/// TELEGRAM`).
pub(crate) fn is_form_heading(line: &str) -> bool {
    let line = line.trim();
    is_marking(line)
        || (!line.chars().any(char::is_lowercase)
            && FORM_HEADINGS.iter().any(|heading| {
                line.strip_prefix(heading)
                    .is_some_and(|rest| !rest.starts_with(char::is_alphanumeric))
            }))
}

/// The lines of `paragraph`, a text file's first, that its document's
/// title reads when it has no other: the paragraph up to a byline
/// (`Por Redacción Justicia`, `By JOHN DOE`), which a clipping sets right
/// under its headline.
pub(crate) fn title_lines(paragraph: &Paragraph) -> &str {
    let text = paragraph.text.as_str();
    let SourceMap::Pieces(pieces) = &paragraph.source else {
        return text;
    };
    let line = |piece: &Piece| &text[piece.text_start..piece.text_start + piece.len];
    let byline = pieces
        .iter()
        .skip(1)
        .position(|piece| is_byline(line(piece)));
    byline.map_or(text, |before| {
        let last = &pieces[before];
        &text[..last.text_start + last.len]
    })
}

/// Whether `line`, a document's first, is a byline set above its
/// headline: one ([`is_byline`]) whose name is in capitals or after a
/// colon (`Por ALFONSO LÓPEZ MICHELSEN`, `By: Ana Ruiz`); `By Any Means
/// Necessary` is a title.
pub(crate) fn is_byline_above(line: &str) -> bool {
    is_byline(line)
        && line
            .split_once(' ')
            .is_none_or(|(word, name)| word.ends_with(':') || !name.chars().any(char::is_lowercase))
}

/// Whether `line` is a byline: `Por`, `By` (or `POR`, `BY`), then a colon
/// or a name ([`reads_as_name`]). `POR LOS FALSOS POSITIVOS`, `BY MILITARY
/// COURT IN BOGOTA` and `By U.S. Judge Over Payments to …` go on with a
/// headline.
fn is_byline(line: &str) -> bool {
    ["Por", "POR", "By", "BY"].iter().any(|word| {
        line.strip_prefix(word).is_some_and(|rest| {
            rest.starts_with(':') || rest.strip_prefix(' ').is_some_and(reads_as_name)
        })
    })
}

/// The particles between the words of a name (`Miguel de la Espriella`).
const NAME_PARTICLES: &[&str] = &[
    "de", "del", "la", "las", "los", "y", "da", "di", "van", "von",
];

/// Whether `text` reads as a person's or an agency's name: at most five
/// words, each capitalised and none a word such as `EN` or `in`
/// ([`FUNCTION_WORDS`]), but for the particles of names between them.
fn reads_as_name(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    let particle = |word: &&str| NAME_PARTICLES.contains(&word.to_lowercase().as_str());
    let named = |word: &&str| {
        word.starts_with(char::is_uppercase)
            && !FUNCTION_WORDS.contains(&word.to_lowercase().as_str())
    };
    (1..=5).contains(&words.len())
        && words.first().is_some_and(named)
        && words.last().is_some_and(named)
        && words.iter().all(|word| named(word) || particle(word))
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

struct Builder {
    offset: Option<usize>,
    page: Option<u32>,
    /// Whether a layout placed the lines ([`laid_out_blocks`]).
    laid_out: bool,
    out: Vec<Block>,
}

impl Builder {
    /// Turns the lines of one block into paragraphs and empties it.
    fn flush(&mut self, block: &mut Vec<Line>) {
        if let [first, _, ..] = block.as_mut_slice() {
            first.drawn_item = false;
        }
        let kind_of = |line: &Line| {
            if line.code {
                ParagraphKind::Code
            } else if line.drawn_item || is_list_item(line.text) {
                ParagraphKind::List
            } else {
                ParagraphKind::Prose
            }
        };
        // The width the block's lines were wrapped at, as far as they show it.
        let width = block
            .iter()
            .map(|line| line.text.trim().chars().count())
            .filter(|&chars| chars <= WRAP_WIDTH)
            .max()
            .unwrap_or(0);
        let mut i = 0;
        while i < block.len() {
            let kind = kind_of(&block[i]);
            let mut end = i + 1;
            // Where the list item that the line at `end` may go on with starts.
            let mut item = i;
            while end < block.len() {
                let line = &block[end];
                if is_list_item(line.text) {
                    item = end;
                }
                let continues = match kind {
                    ParagraphKind::Code => line.code,
                    ParagraphKind::List => {
                        !line.code
                            && (is_list_item(line.text)
                                || line.text.starts_with(char::is_whitespace)
                                || self.laid_out
                                || wraps_into_item(block[end - 1].text, line.text)
                                || wraps_into_capitals_item(
                                    &block[item..end],
                                    line.text,
                                    block.get(end + 1).map(|after| after.text),
                                    width,
                                ))
                    }
                    _ => kind_of(line) == ParagraphKind::Prose,
                };
                if !continues {
                    break;
                }
                end += 1;
            }
            let run = &block[i..end];
            if kind == ParagraphKind::Prose
                && !self.laid_out
                && run
                    .iter()
                    .any(|line| line.text.trim().chars().count() > WRAP_WIDTH)
            {
                for line in run {
                    self.paragraph(std::slice::from_ref(line), kind);
                }
            } else {
                self.paragraph(run, kind);
            }
            i = end;
        }
        block.clear();
    }

    /// One paragraph of `kind` made of `lines`: prose joined as wrapped
    /// text ([`join_wrapped`]), code and lists line by line (in laid-out
    /// text, an item's own lines wrapped into it; elsewhere, a line after
    /// one ending with a hyphen).
    fn paragraph(&mut self, lines: &[Line], kind: ParagraphKind) {
        let mut text = String::new();
        let mut pieces: Vec<Piece> = Vec::with_capacity(lines.len());
        for line in lines {
            let trimmed = line.text.trim();
            if !text.is_empty() {
                // A word a list item's line broke with a hyphen is mended.
                let wraps = kind == ParagraphKind::Prose
                    || (kind == ParagraphKind::List
                        && !is_list_item(line.text)
                        && (self.laid_out || text.ends_with('-')));
                if !wraps {
                    text.push('\n');
                } else {
                    let mended = join_wrapped(&mut text, trimmed);
                    if let Some(last) = pieces.last_mut() {
                        last.len -= mended;
                    }
                }
            }
            let leading = line.text.len() - line.text.trim_start().len();
            pieces.push(Piece {
                text_start: text.len(),
                source_start: line.start + leading,
                len: trimmed.len(),
            });
            text.push_str(trimmed);
        }
        let source = match self.offset {
            Some(offset) => SourceMap::Pieces(
                pieces
                    .into_iter()
                    .map(|p| Piece {
                        source_start: p.source_start + offset,
                        ..p
                    })
                    .collect(),
            ),
            None => SourceMap::None,
        };
        self.out.push(Block::Paragraph(Paragraph {
            text,
            source,
            page: self.page,
            ocr_confidence: None,
            kind,
            language: None,
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::ingest::block_kinds as kinds;
    use crate::ingest::block_texts as texts;

    #[test]
    fn blank_lines_separate_paragraphs_and_wrapped_lines_join() {
        let found = blocks("First paragraph,\nwrapped here.\n\nSecond one.\n", Some(0));
        assert_eq!(
            texts(&found),
            ["First paragraph, wrapped here.", "Second one."]
        );
    }

    #[test]
    fn a_word_broken_by_a_hyphen_is_mended_and_a_compound_keeps_its_hyphen() {
        let body = "Data being manip-\nulated by R are kept in mem‐\nory (re-\nusable); the DBMS-\n\
                    specific drivers, the x-\nand y-axis, cut-and-\npaste, pages 12-\n14, the Smith-\n\
                    Jones report -\nand Verarbei¬\ntung, the minis\u{AD}\nterio.\n";
        let found = blocks(body, Some(0));
        assert_eq!(
            texts(&found),
            [
                "Data being manipulated by R are kept in memory (reusable); the DBMS-specific \
                 drivers, the x-and y-axis, cut-and-paste, pages 12-14, the Smith-Jones report - \
                 and Verarbeitung, the ministerio."
            ]
        );
        // The source map still maps every piece of the text to the file.
        let Block::Paragraph(paragraph) = &found[0] else {
            panic!("a paragraph")
        };
        let SourceMap::Pieces(pieces) = &paragraph.source else {
            panic!("pieces")
        };
        for piece in pieces {
            assert_eq!(
                &paragraph.text[piece.text_start..][..piece.len],
                &body[piece.source_start..][..piece.len]
            );
        }
        // Code is kept line by line.
        let code = blocks("List it:\n  ls -\n  la\n", Some(0));
        assert_eq!(texts(&code), ["List it:", "ls -\nla"]);
        // After a dash or a slash, in decomposed (NFD) text; quoted mail.
        let more = blocks(
            "data—manip-\nulated, input/out-\nput, crite\u{301}-\nrium; > manip-\n> ulated\n",
            Some(0),
        );
        assert_eq!(
            texts(&more),
            ["data—manipulated, input/output, crite\u{301}rium; > manip- > ulated"]
        );
    }

    #[test]
    fn lines_mending_into_one_ever_longer_word_stop_at_a_word_of_64_letters() {
        // Each line's hyphen mends it to the last: one word that grows by
        // two letters a line, until it is too long to be a broken word.
        let lines = 40_000;
        let body = "ab-\n".repeat(lines);
        let found = blocks(&body, None);
        let text = &texts(&found)[0];
        assert!(text.len() >= 2 * lines, "{}", text.len());
        assert!(
            text.split('-')
                .all(|piece| piece.len() <= 2 * MAX_BROKEN_WORD_CHARS),
            "no word past the limit"
        );
    }

    #[test]
    fn long_lines_are_one_paragraph_each() {
        let long_a = format!("A {}", "word ".repeat(30));
        let long_b = format!("B {}", "more ".repeat(30));
        let found = blocks(&format!("Headline\n{long_a}\n{long_b}\n"), Some(0));
        assert_eq!(texts(&found), ["Headline", long_a.trim(), long_b.trim()]);
    }

    #[test]
    fn long_lines_a_layout_placed_are_wrapped_prose() {
        let long_a = format!("A {}", "word ".repeat(30));
        let long_b = format!("more {}", "more ".repeat(30));
        let found = laid_out_blocks(&format!("{long_a}\n{long_b}\n\n{long_b}\n"), 7);
        let joined = format!("{} {}", long_a.trim(), long_b.trim());
        assert_eq!(texts(&found), [joined.as_str(), long_b.trim()]);
        assert!(
            found
                .iter()
                .all(|block| matches!(block, Block::Paragraph(Paragraph { page: Some(7), .. })))
        );
    }

    #[test]
    fn laid_out_lead_ins_announce_prompted_listings_and_drawn_lists() {
        let page = "The function is defined as follows:\n\n\
                    > f <- function(x) {\n# double it\nx * 2\n}\n\n## [1] 3\n>\n\n\
                    Take these actions:\n\nLock the firmware\n\nSet a “boot” password\n\n\
                    \"A quoted sentence.\"\n\n\
                    Then:\n\none two three four five six seven eight nine ten eleven twelve thirteen\n\n\
                    And:\n\n12 34 56\n\n\
                    Run:\n\n$ make\n\nSee the manual page\n\n\
                    Build:\n\n$ make\nand it builds every-\nthing.\n";
        assert_eq!(
            kinds(&laid_out_blocks(page, 1)),
            [
                ("prose", "The function is defined as follows:"),
                ("code", "> f <- function(x) {\n# double it\nx * 2\n}"),
                ("code", "## [1] 3\n>"),
                ("prose", "Take these actions:"),
                ("list", "Lock the firmware"),
                ("list", "Set a “boot” password"),
                ("prose", "\"A quoted sentence.\""),
                ("prose", "Then:"),
                (
                    "prose",
                    "one two three four five six seven eight nine ten eleven twelve thirteen"
                ),
                ("prose", "And:"),
                ("prose", "12 34 56"),
                ("prose", "Run:"),
                ("code", "$ make"),
                ("prose", "See the manual page"),
                ("prose", "Build:"),
                ("code", "$ make"),
                ("prose", "and it builds everything."),
            ]
        );
        // In a text file `> ` quotes mail, and a short line is a paragraph.
        assert_eq!(
            kinds(&blocks("He wrote:\n\n> a quote\n", Some(0))),
            [("prose", "He wrote:"), ("prose", "> a quote")]
        );
        assert_eq!(
            kinds(&blocks("Take:\n\nLock the firmware\n", Some(0))),
            [("prose", "Take:"), ("prose", "Lock the firmware")]
        );
    }

    #[test]
    fn three_short_paragraphs_ending_no_sentence_are_rows_of_a_drawn_table() {
        let long = vec!["word"; MAX_DRAWN_ROW_WORDS + 1].join(" ");
        let page = format!(
            "Bacula and Amanda are backup suites.\n\n\
             dump V:1, I:5 351 BSD dump(8) and restore(8)\n\n\
             bacula-console V:0, I:4 104 Bacula: network backup - text console\n\n\
             amanda-server V:0, I:0 1077 Amanda: Advanced Maryland Automatic\n\n\
             Table 10.5: List of backup suites\n\n\
             The dump package helps to archive file systems.\n\n\
             A caption alone\n\nAnd another\n\n\
             The end.\n\nrow one\n\nrow two\n\n{long}\n"
        );
        let blocks_found = laid_out_blocks(&page, 1);
        let found = kinds(&blocks_found);
        let kind_of = |text: &str| found.iter().find(|(_, t)| t.starts_with(text)).unwrap().0;
        for row in ["dump", "bacula-console", "amanda-server", "Table 10.5"] {
            assert_eq!(kind_of(row), "table", "{row}");
        }
        // Two in a row are not a table; a long paragraph ends a run; a
        // sentence is prose.
        for prose in [
            "Bacula and",
            "The dump",
            "A caption",
            "And another",
            "row one",
            "word",
        ] {
            assert_eq!(kind_of(prose), "prose", "{prose}");
        }
        // A text file's short lines are its own paragraphs, not a layout's.
        let text = "one\n\ntwo\n\nthree\n";
        assert!(
            kinds(&blocks(text, Some(0)))
                .iter()
                .all(|(kind, _)| *kind == "prose")
        );
    }

    #[test]
    fn headings_of_both_styles_and_setext_underlines_become_heading_blocks() {
        let body = "= Title =\nIntro.\n\n== History ==\nOld.\n# Markdown\nLast.\n\nChapter\n=======\nText.\n\n---\n\nMore.\n";
        assert_eq!(
            texts(&blocks(body, Some(0))),
            [
                "# Title",
                "Intro.",
                "# History",
                "Old.",
                "# Markdown",
                "Last.",
                "# Chapter",
                "Text.",
                "More."
            ]
        );
    }

    #[test]
    fn hashtags_and_equal_signs_in_prose_are_not_headings() {
        assert_eq!(heading_text("#hashtag here"), None);
        assert_eq!(heading_text("= not closed"), None);
        assert_eq!(heading_text("a = b ="), None);
        assert_eq!(heading_text("= = ="), None);
        assert_eq!(heading_text("## Title ##"), Some("Title"));
        assert_eq!(
            heading_text("====1959 Plan LAZO===="),
            Some("1959 Plan LAZO")
        );
    }

    #[test]
    fn consecutive_list_items_form_one_paragraph() {
        let body = "Infobox\n- Map: a\n- Mission: b\n  continued\n1. numbered\nAfter the list.\n";
        assert_eq!(
            texts(&blocks(body, Some(0))),
            [
                "Infobox",
                "- Map: a\n- Mission: b\ncontinued\n1. numbered",
                "After the list."
            ]
        );
    }

    #[test]
    fn a_hard_wrapped_items_lines_go_on_with_it() {
        // As a ruling's numbered paragraphs are typed, wrapped at 72.
        let body = "1. Los accionantes, en su mayoria mujeres cabeza de familia, personas de\n\
                    la tercera edad y menores, interpusieron accion de tutela.\n\
                    2) Las entidades demandadas, en\nsu mayoria, no respondieron.\n\
                    3. La tutela se interpuso contra la\nRed de Solidaridad Social y\n\
                    Ministerio de Hacienda por el despla-\nzamiento forzado.\n\
                    4. Respondió el 12 de marzo\n\
                    CONSIDERACIONES\n\
                    - Anexo A\nConsideraciones de la Sala\n\
                    - ENVIAR COPIA A LA GOBERNACIÓN DEL CAUCA Y\nLA ALCALDÍA DE POPAYÁN\n\
                    - María López Ruiz, Subdirectora del Departamento Nacional de Planeación\n\
                    La reunión comenzó a las diez.\n\
                    - An item that ends its sentence.\nand a line in lower case.\n";
        assert_eq!(
            kinds(&blocks(body, Some(0))),
            [
                (
                    "list",
                    "1. Los accionantes, en su mayoria mujeres cabeza de familia, personas de\n\
                     la tercera edad y menores, interpusieron accion de tutela.\n\
                     2) Las entidades demandadas, en\nsu mayoria, no respondieron.\n\
                     3. La tutela se interpuso contra la\nRed de Solidaridad Social y\n\
                     Ministerio de Hacienda por el desplazamiento forzado.\n\
                     4. Respondió el 12 de marzo"
                ),
                ("prose", "CONSIDERACIONES"),
                ("list", "- Anexo A"),
                ("prose", "Consideraciones de la Sala"),
                (
                    "list",
                    "- ENVIAR COPIA A LA GOBERNACIÓN DEL CAUCA Y\nLA ALCALDÍA DE POPAYÁN\n\
                     - María López Ruiz, Subdirectora del Departamento Nacional de Planeación"
                ),
                ("prose", "La reunión comenzó a las diez."),
                ("list", "- An item that ends its sentence."),
                ("prose", "and a line in lower case."),
            ]
        );
    }

    #[test]
    fn an_items_line_ending_in_an_abbreviation_goes_on() {
        // A title before the name on the next line, and a plural
        // abbreviation before a line in lower case; a sentence's end
        // before a capital still ends the list.
        let body = "1. El ministro, en presencia del comandante, Gral.\n\
                    Ruiz Novoa, ordenó el traslado de dos batallones al Tolima.\n\
                    2. La misión enviada por el gobierno de los EE. UU.\n\
                    llegará el lunes a Bogotá.\n\
                    3. Se ordena investigar los hechos.\n\
                    Firmado en Bogotá.\n";
        assert_eq!(
            kinds(&blocks(body, Some(0))),
            [
                (
                    "list",
                    "1. El ministro, en presencia del comandante, Gral.\n\
                     Ruiz Novoa, ordenó el traslado de dos batallones al Tolima.\n\
                     2. La misión enviada por el gobierno de los EE. UU.\n\
                     llegará el lunes a Bogotá.\n\
                     3. Se ordena investigar los hechos."
                ),
                ("prose", "Firmado en Bogotá."),
            ]
        );
        assert!(ends_in_abbreviation("las FF. AA.") && ends_in_abbreviation("EE.UU."));
        assert!(!ends_in_abbreviation("el siglo XX.") && !ends_in_abbreviation("Título II."));
        // A sentence ending in an abbreviation that is no title ends the
        // item before a capital (found by a diff review).
        for ending in [
            "a la firma El Cóndor Ltda.",
            "funded by the CIA.",
            "Bogotá, 1986. 310 pp.",
        ] {
            let body = format!("1. Compulsar copias {ending}\nNotifíquese y cúmplase.\n");
            assert_eq!(kinds(&blocks(&body, Some(0))).len(), 2, "{body}");
        }
        assert!(!ends_in_abbreviation("el PLAN LAZO.") && !ends_in_abbreviation("Él dijo no."));
        assert!(
            numbered_by("el decreto No.", "1381 de 1962") && !numbered_by("Dijo No.", "En 1962")
        );
    }

    #[test]
    fn a_wrapped_item_in_capitals_goes_on_while_its_lines_run_to_the_wrap_width() {
        // A cable's numbered paragraphs, typed at about 60 columns.
        let cable = "1. GENERAL YARBOROUGH AND SURVEY TEAM COMPLETED VISIT TO\n\
                     COLOMBIAN ARMY INSTALLATIONS. TEAM RECOMMENDS REORGANIZATION\n\
                     ALONG LINES OF WHAT COLOMBIANS NOW CALL \"PLAN LAZO\".\n\
                     2. MINISTER OF WAR AGREES IN PRINCIPLE. EMBASSY BELIEVES\n\
                     IMPLEMENTATION WILL REQUIRE SUBSTANTIAL MAP ASSISTANCE DURING\n\
                     FY 1963.\n\
                     RUSK\n";
        let expected = [
            (
                "list",
                "1. GENERAL YARBOROUGH AND SURVEY TEAM COMPLETED VISIT TO\n\
                 COLOMBIAN ARMY INSTALLATIONS. TEAM RECOMMENDS REORGANIZATION\n\
                 ALONG LINES OF WHAT COLOMBIANS NOW CALL \"PLAN LAZO\".\n\
                 2. MINISTER OF WAR AGREES IN PRINCIPLE. EMBASSY BELIEVES\n\
                 IMPLEMENTATION WILL REQUIRE SUBSTANTIAL MAP ASSISTANCE DURING\n\
                 FY 1963.",
            ),
            // A signature after a short last line is no part of it.
            ("prose", "RUSK"),
        ];
        assert_eq!(kinds(&blocks(cable, Some(0))), expected);
        assert_eq!(
            kinds(&blocks(&cable.replace('\n', "\r\n"), Some(0))),
            expected
        );
        // Short items in capitals, one a line, and the lines after them,
        // stay apart; so does a lettered subparagraph, and a line with
        // lower case after an item in capitals.
        let contents = "1. INTRODUCCION\n2. ANTECEDENTES DEL PLAN\nCONCLUSIONES\nANEXOS\n";
        assert_eq!(
            kinds(&blocks(contents, Some(0))),
            [
                ("list", "1. INTRODUCCION\n2. ANTECEDENTES DEL PLAN"),
                ("prose", "CONCLUSIONES ANEXOS"),
            ]
        );
        let lettered = "3. THE TEAM VISITED THE FOLLOWING INSTALLATIONS IN THE COUNTRY\n\
                        A. TOLIMA BRIGADE HEADQUARTERS AT IBAGUE\n";
        assert_eq!(
            kinds(&blocks(lettered, Some(0))),
            [
                (
                    "list",
                    "3. THE TEAM VISITED THE FOLLOWING INSTALLATIONS IN THE COUNTRY"
                ),
                ("prose", "A. TOLIMA BRIGADE HEADQUARTERS AT IBAGUE"),
            ]
        );
        let mixed = "1. THE TEAM VISITED THE FOLLOWING INSTALLATIONS IN THE COUNTRY\n\
                     Bogotá, 14 de marzo de 1962\n";
        assert_eq!(kinds(&blocks(mixed, Some(0))).len(), 2);
        // What starts a unit of its own, or follows a line that ends a
        // sentence, or is a short line before more, or a contents line,
        // stays apart after a long line of an item in capitals.
        let apart = [
            "1. DE LOS PRINCIPIOS FUNDAMENTALES DEL ESTADO Y LOS DERECHOS HUMANOS\n\
             ARTICULO 2. SON FINES ESENCIALES DEL ESTADO SERVIR A LA COMUNIDAD\n",
            "1. LA CORTE DECLARA EXEQUIBLE EL ARTICULO 2 DE LA LEY 975 CONDICIONADO\n\
             II. CONSIDERACIONES DE LA CORTE CONSTITUCIONAL SOBRE LA LEY DE PAZ\n",
            "1. LA CORTE DECLARA EXEQUIBLE EL ARTICULO 2 DE LA LEY 975 DE 2005.\n\
             LA SALA PLENA DE LA CORTE CONSTITUCIONAL EN EJERCICIO DE SUS FUNCIONES\n",
            "2. MANTENIMIENTO PREVENTIVO Y CORRECTIVO DE LA RED DE DATOS REGIONAL\n\
             OBLIGACIONES DEL CONTRATISTA\nEl contratista se obliga a cumplir.\n",
            "2. OFFICE OF THE SECRETARY OF DEFENSE, INTERNATIONAL SECURITY AFFAIRS\n\
             CIA\nUSIA\n",
            "3. DIAGNOSTICO DE LA SITUACION SOCIAL Y ECONOMICA ............. 14\n\
             BIBLIOGRAFIA ................................................. 88\n",
        ];
        for text in apart {
            assert!(kinds(&blocks(text, Some(0))).len() > 1, "{text}");
        }
        // A line shorter than four fifths of the block's widest ends it.
        let short = "1. A LONG FIRST LINE OF THE ITEM THAT RUNS TO SIXTY COLUMNS OK\n\
                     AND A LINE OF FORTY-ONE CHARACTERS OR SO.\nNEXT THING\n";
        assert_eq!(kinds(&blocks(short, Some(0))).len(), 2);
    }

    #[test]
    fn a_headers_subject_reference_and_date_lines_are_read() {
        let cable = "CONFIDENTIAL\r\n\r\nDATE: MARCH 14, 1962\r\nREF: STATE 1234\r\n\
                     SUBJECT:  PLAN LAZO - COUNTERINSURGENCY SURVEY \r\n\r\n1. TEXT.\r\n";
        let read = header(cable, DayOrder::Unknown);
        assert_eq!(
            read.subject.as_deref(),
            Some("PLAN LAZO - COUNTERINSURGENCY SURVEY")
        );
        // A cable's `REF:` names the cables it answers: no title.
        assert_eq!(read.reference, None);
        assert_eq!(
            read.date,
            Some(LabelledDate::Date(
                crate::date::Date::new(1962, 3, 14).unwrap()
            ))
        );
        // A label with nothing after it is no subject line; after the
        // first item, a line is the body's.
        let memo = "MEMORANDO INTERNO\nAsunto:\nPara: Archivo\nDate: 03/02/2025\n\n\
                    1. Texto.\nSUBJECT: not the header's\n";
        let read = header(memo, DayOrder::Unknown);
        assert_eq!((read.subject, read.reference), (None, None));
        // `Para:` tells that the day comes first.
        assert_eq!(
            read.date,
            Some(LabelledDate::Date(
                crate::date::Date::new(2025, 2, 3).unwrap()
            ))
        );
        assert!(matches!(
            header("Date: 03/02/2025\n", DayOrder::Unknown).date,
            Some(LabelledDate::Unreadable { .. })
        ));
        for marking in [
            "CONFIDENTIAL",
            "SECRET//NOFORN",
            "- SECRET -",
            "LIMITED OFFICIAL USE",
        ] {
            assert!(is_marking(marking) && is_form_heading(marking), "{marking}");
        }
        for heading in [
            "MEMORANDO INTERNO",
            "MEMORANDO 014",
            "DEPARTMENT OF STATE INCOMING TELEGRAM",
        ] {
            assert!(
                is_form_heading(heading) && !is_marking(heading),
                "{heading}"
            );
        }
        // A title line of the document's own before a quoted mail's header.
        let quoted = "Active MM\n\nList:       linux-kernel\nSubject:    Re: active_mm\n";
        assert_eq!(header(quoted, DayOrder::Unknown).subject, None);
        let form = "Memorando interno\nDe: Dirección\nAsunto: Copias\n";
        assert_eq!(
            header(form, DayOrder::Unknown).subject.as_deref(),
            Some("Copias")
        );
        for title in [
            "Confidential sources",
            "SECRETARIA DE GOBIERNO",
            "Sentencia T-025/04",
            "MEMORANDOS DEL PLAN",
        ] {
            assert!(!is_form_heading(title), "{title}");
        }
    }

    #[test]
    fn a_laid_out_notes_title_is_a_paragraph_of_its_own() {
        let page = "Tip\nThe init command can be verified.\n\nnota:\n\nUna nota.\n\n\
                    Notes\nare not a title.\n";
        assert_eq!(
            texts(&laid_out_blocks(page, 1)),
            [
                "Tip",
                "The init command can be verified.",
                "nota:",
                "Una nota.",
                "Notes are not a title."
            ]
        );
        // A text file's lines are its author's: the word starts the paragraph.
        assert_eq!(
            texts(&blocks("Tip\nThe init command can be verified.\n", Some(0))),
            ["Tip The init command can be verified."]
        );
    }

    #[test]
    fn a_laid_out_list_items_lines_wrap_into_the_item() {
        // No indentation on a page: the lines after an item go on with it,
        // to the block's end, mended like wrapped prose.
        let page = "• Tree-based models. Rather than seek an explicit\nglobal model, they bi-\n\
                    furcate the data.\n• Another item\n\nA paragraph.\n";
        assert_eq!(
            kinds(&laid_out_blocks(page, 1)),
            [
                (
                    "list",
                    "• Tree-based models. Rather than seek an explicit global model, they \
                     bifurcate the data.\n• Another item"
                ),
                ("prose", "A paragraph."),
            ]
        );
    }

    #[test]
    fn a_colon_line_announces_indented_and_prompt_lines_as_code() {
        let body = "Como root, ejecute:\n# apt-get update\n\n    apt-get install búsqueda\n\n$ ls -l\nDespués:\n- uno\n- dos\n";
        assert_eq!(
            kinds(&blocks(body, Some(0))),
            [
                ("prose", "Como root, ejecute:"),
                ("code", "# apt-get update"),
                ("code", "apt-get install búsqueda"),
                ("code", "$ ls -l"),
                ("prose", "Después:"),
                ("list", "- uno\n- dos"),
            ]
        );
    }

    #[test]
    fn without_a_colon_indented_and_prompt_lines_stay_prose_and_headings() {
        let body = "    An indented first line\nof prose.\n\n$ 5 million was paid.\n# Heading\nThen:\n== Wiki ==\n    indented after a heading\n";
        assert_eq!(
            kinds(&blocks(body, Some(0))),
            [
                ("prose", "An indented first line of prose."),
                ("prose", "$ 5 million was paid."),
                ("heading", "Heading"),
                ("prose", "Then:"),
                ("heading", "Wiki"),
                ("prose", "indented after a heading"),
            ]
        );
    }

    #[test]
    fn code_lines_keep_their_lines_and_end_at_the_first_line_of_prose() {
        let body = "Run:\r\n  make\r\n  make install\r\nand you are done.\r\n  not code\r\n";
        let found = blocks(body, Some(0));
        assert_eq!(
            kinds(&found),
            [
                ("prose", "Run:"),
                ("code", "make\nmake install"),
                ("prose", "and you are done. not code"),
            ]
        );
        let Block::Paragraph(code) = &found[1] else {
            panic!("a paragraph")
        };
        let SourceMap::Pieces(pieces) = &code.source else {
            panic!("pieces")
        };
        assert_eq!(
            &body[pieces[1].source_start..][..pieces[1].len],
            "make install"
        );
    }

    #[test]
    fn crlf_and_cr_line_endings_behave_like_lf() {
        let lf = blocks("One\ntwo.\n\nThree.\n", Some(0));
        let crlf = blocks("One\r\ntwo.\r\n\r\nThree.\r\n", Some(0));
        let cr = blocks("One\rtwo.\r\rThree.\r", Some(0));
        assert_eq!(texts(&lf), texts(&crlf));
        assert_eq!(texts(&lf), texts(&cr));
        assert!(texts(&crlf).iter().all(|t| !t.contains('\r')));
    }

    #[test]
    fn source_pieces_carry_the_file_offset_and_skip_indentation() {
        let found = blocks("  indented line\n", Some(100));
        let Block::Paragraph(paragraph) = &found[0] else {
            panic!("a paragraph")
        };
        let SourceMap::Pieces(pieces) = &paragraph.source else {
            panic!("pieces")
        };
        assert_eq!((pieces[0].source_start, pieces[0].len), (102, 13));
        assert_eq!(paragraph.page, None);
        let Block::Paragraph(unmapped) = &blocks("x", None)[0] else {
            panic!()
        };
        assert_eq!(unmapped.source, SourceMap::None);
    }
}
