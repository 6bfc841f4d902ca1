//! The titles of a ruling's or a report's parts set as paragraphs: a
//! court saves its rulings from Word with `II. CONSIDERACIONES Y
//! FUNDAMENTOS` as a bold paragraph, not a heading, and their text and PDF
//! editions set it as a line. Read in every format, once the document's
//! blocks are read: such a paragraph becomes the section of what follows
//! it and stays a paragraph, so nothing it says leaves the search.
//!
//! A document's parts are read only when every paragraph that opens with
//! a Roman numeral and a full stop, a bracket or a dash (`II.`, `III.-`,
//! `IV)`, `II -`) is a part's title, and they count I, II, III… in order,
//! two at least: each such paragraph is one line of words in capitals
//! ([`is_title`]), its numeral the next, the paragraph before it ends with
//! no colon (a list it announces) or comma (`Respectfully submitted,` before
//! a signature) and, but before the first part, ends a sentence (not a
//! signature's `United States Attorney` before `V. MANUEL TORRES`), and
//! no paragraph beside it opens with a numeral (a run of
//! them is a list or a table of contents, not parts with their text between
//! them). Anything else (a part in mixed case, a numeral skipped, a
//! numbering that starts again, a cable's lettered point `I.` after `H.`,
//! initials such as `V. MANUEL TORRES`) leaves the whole document as it
//! was read, without these sections: a wrong section in a citation misleads
//! more than none.

use super::text::ends_sentence;
use super::{Block, ParagraphKind, collapse_whitespace};

/// The most words a part's title has after its numeral.
const MAX_TITLE_WORDS: usize = 14;

/// The most words of a title that ends with a full stop (`I.
/// ANTECEDENTES.`); longer, it is a sentence in capitals.
const MAX_TITLE_WORDS_WITH_FULL_STOP: usize = 4;

/// The highest numeral read: rulings and reports have a few parts (`C.`
/// and `L.` are initials).
const MAX_PART: u32 = 39;

/// The fewest parts a document's numbering must have to be read.
const MIN_PARTS: usize = 2;

/// Puts a [`Block::Heading`] before each paragraph of `blocks` that is
/// the title of a part, when the document's numbering is read as parts by
/// the rules of the module.
pub(super) fn mark_part_titles(blocks: &mut Vec<Block>) {
    let numbered_at = |at: usize| match blocks.get(at) {
        Some(Block::Paragraph(paragraph)) if paragraph.kind == ParagraphKind::Prose => {
            numbered(&paragraph.text)
        }
        _ => None,
    };
    let mut titles = Vec::new();
    for at in 0..blocks.len() {
        let Some((numeral, title)) = numbered_at(at) else {
            continue;
        };
        // After the first, a part follows its predecessor's text, which
        // ends a sentence (not a signature's `United States Attorney`).
        let after = at.checked_sub(1).and_then(|before| match &blocks[before] {
            Block::Paragraph(paragraph) => Some(paragraph.text.trim_end()),
            Block::Heading(_) => None,
        });
        let announced = after.is_some_and(|text| {
            // A note's number after the full stop (`humanitaria.1`, `[2]`).
            let text =
                text.trim_end_matches(|c: char| c.is_ascii_digit() || "¹²³⁴⁵⁶⁷⁸⁹⁰[]".contains(c));
            text.ends_with([':', ',']) || (!titles.is_empty() && !ends_sentence(text))
        });
        let in_a_run =
            at.checked_sub(1).and_then(numbered_at).is_some() || numbered_at(at + 1).is_some();
        if numeral as usize != titles.len() + 1 || announced || in_a_run || !is_title(title) {
            return;
        }
        titles.push(at);
    }
    if titles.len() < MIN_PARTS {
        return;
    }
    for at in titles.into_iter().rev() {
        if let Block::Paragraph(paragraph) = &blocks[at] {
            let title = collapse_whitespace(&paragraph.text);
            blocks.insert(at, Block::Heading(title));
        }
    }
}

/// The value of the Roman numeral (1 to [`MAX_PART`]) that opens `text`,
/// a paragraph of one line, followed by a full stop, a bracket or a dash
/// and white space, and the text after them.
fn numbered(text: &str) -> Option<(u32, &str)> {
    // Most paragraphs are told by their first bytes, before any is counted.
    let text = text.trim();
    let letters = text.bytes().take_while(|b| b"IVXLC".contains(b)).count();
    let (numeral, rest) = text.split_at(letters);
    let title_start = rest.find(|c: char| c.is_alphanumeric())?;
    let (mark, title) = rest.split_at(title_start);
    let mark_is_a_separator = matches!(
        mark.split_whitespace().collect::<String>().as_str(),
        "." | ")" | "-" | "–" | "—" | ".-" | ".–" | ".—"
    ) && mark.ends_with(char::is_whitespace);
    if letters == 0 || !mark_is_a_separator || title.contains('\n') {
        return None;
    }
    Some((roman_value(numeral)?, title))
}

/// Whether `title`, the text after a part's numeral, reads as a part's
/// title: at most [`MAX_TITLE_WORDS`] words in capitals (`y`, `e`, `o`
/// aside), the first of two letters or more (not an initial), one of four
/// letters or digits or more, no colon or semicolon, no dot leaders (a
/// contents line), and a full stop at the end only after a few words.
fn is_title(title: &str) -> bool {
    let words: Vec<&str> = title.split_whitespace().take(MAX_TITLE_WORDS + 1).collect();
    let letters_in = |word: &str| word.chars().filter(|c| c.is_alphabetic()).count();
    words.len() <= MAX_TITLE_WORDS
        && letters_in(words[0]) >= 2
        && words
            .iter()
            .any(|word| word.chars().filter(|c| c.is_alphanumeric()).count() >= 4)
        && words
            .iter()
            .all(|word| !word.chars().any(char::is_lowercase) || matches!(*word, "y" | "e" | "o"))
        && !title.contains([':', ';'])
        && !title.contains("...")
        && !title.contains(". .")
        && !(title.ends_with('.') && words.len() > MAX_TITLE_WORDS_WITH_FULL_STOP)
}

/// The value of a well-formed Roman numeral from 1 to [`MAX_PART`]
/// (`IV`, not `IIII`, `LIC` or `CC`).
fn roman_value(numeral: &str) -> Option<u32> {
    (1..=MAX_PART).find(|&value| roman(value) == numeral)
}

/// `value`, at most 39, as a Roman numeral.
fn roman(value: u32) -> String {
    const ONES: [&str; 10] = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"];
    "X".repeat((value / 10) as usize) + ONES[(value % 10) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{block_texts, text};

    /// The blocks of a text file, `# ` before a heading.
    fn marked(body: &str) -> Vec<String> {
        let mut blocks = text::blocks(body, Some(0));
        mark_part_titles(&mut blocks);
        block_texts(&blocks)
    }

    /// The headings `body`, a text file's, gets.
    fn headings(body: &str) -> Vec<String> {
        marked(body)
            .into_iter()
            .filter_map(|block| block.strip_prefix("# ").map(str::to_string))
            .collect()
    }

    #[test]
    fn a_rulings_parts_are_sections_and_stay_paragraphs() {
        let ruling = concat!(
            "Sentencia T-025/04\n\nI. ANTECEDENTES\n\nLos accionantes interpusieron tutela.12\n\n",
            "II - CONSIDERACIONES Y FUNDAMENTOS\n\n1. Competencia\n\nLa Sala decide.\n\n",
            "III.-\tDECISIÓN\n\nDeclarar el estado de cosas inconstitucional.\n",
        );
        assert_eq!(
            marked(ruling),
            [
                "Sentencia T-025/04",
                "# I. ANTECEDENTES",
                "I. ANTECEDENTES",
                "Los accionantes interpusieron tutela.12",
                "# II - CONSIDERACIONES Y FUNDAMENTOS",
                "II - CONSIDERACIONES Y FUNDAMENTOS",
                "1. Competencia",
                "La Sala decide.",
                "# III.- DECISIÓN",
                "III.-\tDECISIÓN",
                "Declarar el estado de cosas inconstitucional.",
            ]
        );
    }

    #[test]
    fn a_numbering_that_is_not_every_part_in_order_leaves_the_document_as_read() {
        let parts = "I. ANTECEDENTES\n\nText.\n\nII. CONSIDERACIONES\n\nText.\n\n";
        assert_eq!(headings(parts), ["I. ANTECEDENTES", "II. CONSIDERACIONES"]);
        for irregular in [
            // A part in mixed case, a skipped numeral, a numbering that
            // starts again (a dissent, a quoted ruling).
            "III. Intervenciones\n\nText.\n\nIV. DECISIÓN\n\nText.\n",
            "IV. DECISIÓN\n\nText.\n",
            "I. OTRA PARTE\n\nText.\n",
            // A list the paragraph before announces; initials after a
            // closing line; a run of numbered lines (contents).
            "Las opciones son:\n\nIII. BLACKHAWKS ONLY\n\nText.\n",
            "Respectfully submitted,\n\nIII. MANUEL TORRES\n\nCounsel.\n",
            "Respectfully submitted,\n\nJEFFREY A. TAYLOR\n\nIII. MANUEL TORRES\n\nCounsel.\n",
            "III. DECISIÓN\n\nIV. ANEXOS\n\nText.\n",
            "III. DECISIÓN ......... 40\n\nText.\n",
            // A cable's lettered points.
            "H. POLICE\n\nText.\n\nI. NAVAL INFANTRY\n\nText.\n",
        ] {
            assert_eq!(
                headings(&format!("{parts}{irregular}")),
                Vec::<String>::new(),
                "{irregular}"
            );
        }
        // One part alone is no numbering; C. and L. are initials, not numerals.
        assert_eq!(headings("I. SUMMARY\n\nText.\n"), Vec::<String>::new());
        assert_eq!(
            headings(&format!("{parts}C. ROSS JOHNSON\n\nL. PAUL SÁNCHEZ\n")),
            ["I. ANTECEDENTES", "II. CONSIDERACIONES"]
        );
    }

    #[test]
    fn the_shape_of_a_title() {
        for (line, numeral) in [
            ("I. ANTECEDENTES", 1),
            ("III.- DECISIÓN", 3),
            ("IV) EL PROBLEMA JURÍDICO", 4),
            ("V. – CONCEPTO DEL PROCURADOR GENERAL", 5),
            ("VI. LA LEY 975 DE 2005", 6),
            ("VIII. PROBLEMA JURÍDICO y METODOLOGÍA", 8),
            ("I. SUMMARY.", 1),
            ("IX. ANTECEDENTES, PRUEBAS Y TRÁMITE", 9),
        ] {
            let (value, title) = numbered(line).unwrap();
            assert!(value == numeral && is_title(title), "{line}");
        }
        for not_numbered in [
            "XII\tRESUMEN",
            "I ANTECEDENTES",
            "IIII. ANTECEDENTES",
            "LIC. MARÍA",
            "C. ROSS",
            "VI.",
            "I. CONSIDERACIONES\nLa Sala",
        ] {
            assert_eq!(numbered(not_numbered), None, "{not_numbered}");
        }
        for not_title in [
            "Antecedentes",
            "M. PEI",
            "EL DE LA",
            "DEMANDANTE: JUAN PÉREZ",
            "LA SALA CONCLUYE QUE LA ENTIDAD VULNERÓ EL DERECHO.",
            "DECISIÓN . . . . . . 98",
        ] {
            assert!(!is_title(not_title), "{not_title}");
        }
    }
}
