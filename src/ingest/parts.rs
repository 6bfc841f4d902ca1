//! The titles of a ruling's or a report's parts set as paragraphs: a
//! court saves its rulings from Word with `II. CONSIDERACIONES Y
//! FUNDAMENTOS` as a bold paragraph, not a heading, and their text and PDF
//! editions set it as a line. Read in every format, once the document's
//! blocks are read: such a paragraph becomes the section of what follows
//! it and stays a paragraph, so nothing it says leaves the search.
//!
//! A part's title is told by its shape and its place. Its shape: a Roman
//! numeral, a full stop, a bracket or a dash (`II.`, `III.-`, `IV)`, `II -`),
//! then words in capitals ([`numeral_of_title`]). Its place: its numeral
//! is `I` or one of the two after the last part's (`C. ROSS JOHNSON`, `L. PAUL
//! SÁNCHEZ`, `V. MANUEL TORRES` are initials; a cable's `C. CIVILIAN
//! JURISDICTION` a lettered point), the paragraph before it announces no
//! list (a colon), and the paragraphs beside it are no such titles (a run
//! of them is a list of items or a table of contents, not parts with
//! their text between them).

use super::{Block, ParagraphKind};

/// The most words a part's title has after its numeral.
const MAX_TITLE_WORDS: usize = 14;

/// The most words of a title that ends with a full stop (`I.
/// ANTECEDENTES.`); longer, it is a sentence in capitals.
const MAX_TITLE_WORDS_WITH_FULL_STOP: usize = 4;

/// The highest part numeral read: rulings and reports have a few parts.
const MAX_PART: u32 = 39;

/// Puts a [`Block::Heading`] before each paragraph of `blocks` that is
/// the title of a part, by the rules of the module.
pub(super) fn mark_part_titles(blocks: &mut Vec<Block>) {
    let numeral_at = |blocks: &[Block], at: usize| match blocks.get(at) {
        Some(Block::Paragraph(paragraph)) if paragraph.kind == ParagraphKind::Prose => {
            numeral_of_title(&paragraph.text)
        }
        _ => None,
    };
    let mut titles = Vec::new();
    let mut last_part = 0;
    for at in 0..blocks.len() {
        let Some(numeral) = numeral_at(blocks, at) else {
            continue;
        };
        let announced = at
            .checked_sub(1)
            .and_then(|before| match &blocks[before] {
                Block::Paragraph(paragraph) => Some(paragraph.text.trim_end().ends_with(':')),
                Block::Heading(_) => None,
            })
            .unwrap_or(false);
        let in_a_run = (at > 0 && numeral_at(blocks, at - 1).is_some())
            || numeral_at(blocks, at + 1).is_some();
        // A part whose title is not read (set otherwise) leaves a gap of one.
        let in_order = numeral == 1 || (last_part < numeral && numeral <= last_part + 2);
        if in_order && !announced && !in_a_run {
            titles.push(at);
            last_part = numeral;
        }
    }
    for at in titles.into_iter().rev() {
        if let Block::Paragraph(paragraph) = &blocks[at] {
            let title = paragraph.text.trim().to_string();
            blocks.insert(at, Block::Heading(title));
        }
    }
}

/// The value of the Roman numeral that opens `text` when `text` has the
/// shape of a part's title: the numeral, a full stop, a bracket or a dash
/// and white space, then at most [`MAX_TITLE_WORDS`] words in capitals
/// (`y`, `e`, `o` aside) on one line, the first of two letters or more
/// (not an initial), one of four letters or digits or more, no colon or
/// semicolon, no dot leaders (a contents line), and a full stop at the end
/// only after a few words.
pub(super) fn numeral_of_title(text: &str) -> Option<u32> {
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
    let words: Vec<&str> = title.split_whitespace().take(MAX_TITLE_WORDS + 1).collect();
    let letters_in = |word: &str| word.chars().filter(|c| c.is_alphabetic()).count();
    let shaped = words.len() <= MAX_TITLE_WORDS
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
        && !(title.ends_with('.') && words.len() > MAX_TITLE_WORDS_WITH_FULL_STOP);
    shaped.then(|| roman_value(numeral)).flatten()
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

    #[test]
    fn a_rulings_parts_are_sections_and_stay_paragraphs() {
        let ruling = concat!(
            "Sentencia T-025/04\n\nI. ANTECEDENTES\n\nLos accionantes interpusieron tutela.\n\n",
            "II - CONSIDERACIONES Y FUNDAMENTOS\n\nLa Sala decide:\n\n1. Competencia\n\n",
            "III.- DECISIÓN\n\nDeclarar el estado de cosas inconstitucional.\n",
        );
        assert_eq!(
            marked(ruling),
            [
                "Sentencia T-025/04",
                "# I. ANTECEDENTES",
                "I. ANTECEDENTES",
                "Los accionantes interpusieron tutela.",
                "# II - CONSIDERACIONES Y FUNDAMENTOS",
                "II - CONSIDERACIONES Y FUNDAMENTOS",
                "La Sala decide:",
                "1. Competencia",
                "# III.- DECISIÓN",
                "III.- DECISIÓN",
                "Declarar el estado de cosas inconstitucional.",
            ]
        );
    }

    #[test]
    fn initials_lettered_points_lists_and_contents_are_no_parts() {
        let memo = concat!(
            "C. ROSS JOHNSON\n\nAttorney.\n\n",
            "I. BACKGROUND\n\nThe facts.\n\nV. MANUEL TORRES\n\nA name, not part five.\n\n",
            "The law provides:\n\nII. DERECHO A LA VERDAD\n\nAnd more.\n\n",
            "II. SUMMARY ......... 1\n\nText.\n\n",
            "II. TOMA DE REHENES\n\nIII. DESAPARICIÓN FORZADA\n\nText.\n",
        );
        let headings: Vec<String> = marked(memo)
            .into_iter()
            .filter(|block| block.starts_with("# "))
            .collect();
        assert_eq!(headings, ["# I. BACKGROUND"]);
    }

    #[test]
    fn the_shape_of_a_title() {
        for (title, numeral) in [
            ("I. ANTECEDENTES", 1),
            ("III.- DECISIÓN", 3),
            ("IV) EL PROBLEMA JURÍDICO", 4),
            ("V. – CONCEPTO DEL PROCURADOR GENERAL", 5),
            ("XII\tRESUMEN", 0),
            ("VI. LA LEY 975 DE 2005", 6),
            ("VIII. PROBLEMA JURÍDICO y METODOLOGÍA", 8),
            ("I. SUMMARY.", 1),
            ("IX. ANTECEDENTES, PRUEBAS Y TRÁMITE", 9),
        ] {
            let expected = (numeral > 0).then_some(numeral);
            assert_eq!(numeral_of_title(title), expected, "{title}");
        }
        for not_title in [
            "I. Antecedentes",
            "IIII. ANTECEDENTES",
            "LIC. MARÍA FERNANDA GÓMEZ",
            "I ANTECEDENTES",
            "2. ANTECEDENTES",
            "A. ANTECEDENTES",
            "I. M. PEI",
            "I. EL DE LA",
            "I. DEMANDANTE: JUAN PÉREZ",
            "I. LA SALA CONCLUYE QUE LA ENTIDAD VULNERÓ EL DERECHO.",
            "IV. DECISIÓN . . . . . . 98",
            "I. CONSIDERACIONES\nLa Sala",
            "VI.",
        ] {
            assert_eq!(numeral_of_title(not_title), None, "{not_title}");
        }
    }
}
