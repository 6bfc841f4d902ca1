//! Where a word begins and ends, and how it is spelled before its accents
//! are folded: the one cut that indexing, queries and highlights share.
//!
//! A word is a run of letters and digits, with the combining marks that
//! belong to them (an `ñ` written as `n` + U+0303, a Devanagari virama) and
//! the invisible characters that only shape how it is shown (a soft
//! hyphen, a zero-width joiner, a variation selector), so that
//! "Verwal\u{AD}tung" and "Verwaltung", or an `ñ` in either Unicode form,
//! are one word. A zero-width space separates words (Khmer and Thai write
//! it between them). The modifier apostrophe U+02BC is a letter to Unicode
//! but an apostrophe to writers, and separates words as every other
//! apostrophe does.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::{decompose_canonical, is_combining_mark};
use unicode_normalization::{IsNormalized, is_nfc_quick};

/// A word of this many characters or more (letters and digits; a run of
/// encoded data, a page of unspaced Thai) is not indexed; it still takes
/// its position, so phrases do not close over it. Words of up to 255 are,
/// as Lucene's standard tokenizer keeps them: a SHA-1 in hex (40), a
/// SHA-256 (64), a German or Finnish compound, a chemical name.
pub const MAX_WORD_CHARS: usize = 256;

/// One word of a text, as [`next_word`] finds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word {
    /// Byte offset of its first character.
    pub from: usize,
    /// Byte offset just past its last character that is not invisible.
    pub to: usize,
    /// Where the next word may start.
    pub next: usize,
    /// Whether every character is an ASCII letter or digit.
    pub ascii: bool,
    /// Its letters and digits, as the bound counts them (combining marks
    /// and invisible characters not counted).
    pub chars: usize,
    /// Whether it is too long to be indexed ([`MAX_WORD_CHARS`]).
    pub overlong: bool,
}

/// The first word of `text` at or after byte `at`.
pub fn next_word(text: &str, mut at: usize) -> Option<Word> {
    let bytes = text.as_bytes();
    let from = loop {
        let &byte = bytes.get(at)?;
        if byte.is_ascii() {
            if byte.is_ascii_alphanumeric() {
                break at;
            }
            at += 1;
            continue;
        }
        let c = text[at..].chars().next()?;
        if starts_word(c) {
            break at;
        }
        at += c.len_utf8();
    };
    let (mut to, mut ascii, mut chars) = (from, true, 0usize);
    while let Some(&byte) = bytes.get(at) {
        if byte.is_ascii() {
            if !byte.is_ascii_alphanumeric() {
                break;
            }
            at += 1;
            to = at;
            chars += 1;
            continue;
        }
        let c = text[at..].chars().next()?;
        let invisible = is_invisible(c);
        let mark = !invisible && is_combining_mark(c);
        if !(invisible || mark || starts_word(c)) {
            break;
        }
        ascii = false;
        at += c.len_utf8();
        if !invisible {
            to = at;
            // Marks do not count: a word composed or decomposed is as long.
            chars += usize::from(!mark);
        }
    }
    Some(Word {
        from,
        to,
        next: at,
        ascii,
        chars,
        overlong: chars >= MAX_WORD_CHARS,
    })
}

/// The first word of `text` too long to be indexed ([`MAX_WORD_CHARS`]),
/// as written, and its length as the bound counts it.
pub fn first_overlong_word(text: &str) -> Option<(&str, usize)> {
    let mut at = 0;
    while let Some(word) = next_word(text, at) {
        if word.overlong {
            return Some((&text[word.from..word.to], word.chars));
        }
        at = word.next;
    }
    None
}

fn starts_word(c: char) -> bool {
    c.is_alphanumeric() && c != '\u{2BC}'
}

/// Characters that only shape how a word is shown, which a word runs
/// through and its term leaves out: the format characters (soft hyphen,
/// zero-width non-joiner and joiner, word joiner, bidirectional marks, a
/// byte order mark met inside a text, tags), as Unicode's word boundaries
/// (UAX #29) step over them, and the variation selectors (`1️⃣`, `葛󠄀`).
/// The zero-width space is not one: Khmer, Thai, Lao and Burmese writers
/// separate words with it, and so does cita.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{AD}'
            | '\u{34F}'
            | '\u{600}'..='\u{605}'
            | '\u{61C}'
            | '\u{6DD}'
            | '\u{70F}'
            | '\u{890}'..='\u{891}'
            | '\u{8E2}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200C}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{110BD}'
            | '\u{110CD}'
            | '\u{13430}'..='\u{1343F}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0001}'
            | '\u{E0020}'..='\u{E007F}'
            | '\u{E0100}'..='\u{E01EF}'
    )
}

/// The combining accents of Latin, Greek and Cyrillic letters and of
/// symbols: composing leaves them only where no letter carries them (the
/// dot above that lower-casing `İ` leaves after its `i`, a keycap's
/// frame), and folding would not remove them. The marks of other scripts
/// (Devanagari's vowel signs and virama) are part of their words' spelling.
fn is_combining_accent(c: char) -> bool {
    matches!(
        c,
        '\u{300}'..='\u{36F}'
            | '\u{1AB0}'..='\u{1AFF}'
            | '\u{1DC0}'..='\u{1DFF}'
            | '\u{20D0}'..='\u{20FF}'
            | '\u{FE20}'..='\u{FE2F}'
    )
}

/// The lower-case spelling of a `word` (as the analyzer cuts words), which
/// accent folding then reads: invisible characters left out, composed as
/// Unicode's NFC, lower-cased letter by letter, the combining accents
/// still standing left out, and Greek letters without accents and final
/// sigma. A word already composed, of visible letters, is only lower-cased
/// (and its Greek letters plain).
pub fn lower_spelling(word: &str, out: &mut String) {
    out.clear();
    let lower = |c: char, out: &mut String| {
        for lower in c.to_lowercase() {
            match lower {
                // Greek's final sigma is a sigma: `ΔΡΟΜΟΣ` lower-cased
                // letter by letter ends in `σ`, `δρόμος` in `ς`.
                'ς' => out.push('σ'),
                // Greek capitals are written without their accents, so
                // Greek letters lose theirs as folding takes Latin ones'
                // (`δρόμος` is `ΔΡΟΜΟΣ`); Greek's stemmer drops them too.
                '\u{370}'..='\u{3FF}' | '\u{1F00}'..='\u{1FFF}' => {
                    decompose_canonical(lower, |part| {
                        if !is_combining_accent(part) {
                            out.push(part);
                        }
                    })
                }
                accent if is_combining_accent(accent) => {}
                letter => out.push(letter),
            }
        }
    };
    if !word.chars().any(is_invisible) && is_nfc_quick(word.chars()) == IsNormalized::Yes {
        word.chars().for_each(|c| lower(c, out));
    } else {
        word.chars()
            .filter(|&c| !is_invisible(c))
            .nfc()
            .for_each(|c| lower(c, out));
    }
}

/// tantivy's side of [`next_word`] and [`lower_spelling`]: each word's
/// tokens lower-cased, the overlong ones left out.
#[derive(Clone, Default)]
pub struct WordTokenizer {
    token: Token,
}

/// The tokens of one text, for [`WordTokenizer`].
pub struct WordTokens<'a> {
    text: &'a str,
    at: usize,
    token: &'a mut Token,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordTokens<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordTokens<'a> {
        self.token.reset();
        WordTokens {
            text,
            at: 0,
            token: &mut self.token,
        }
    }
}

impl TokenStream for WordTokens<'_> {
    fn advance(&mut self) -> bool {
        while let Some(word) = next_word(self.text, self.at) {
            self.at = word.next;
            self.token.position = self.token.position.wrapping_add(1);
            if word.overlong {
                continue;
            }
            let written = &self.text[word.from..word.to];
            if word.ascii {
                self.token.text.clear();
                self.token.text.push_str(written);
                self.token.text.make_ascii_lowercase();
            } else {
                lower_spelling(written, &mut self.token.text);
                // A word of accents alone (U+0345 is a letter) has no term.
                if self.token.text.is_empty() {
                    continue;
                }
            }
            self.token.offset_from = word.from;
            self.token.offset_to = word.to;
            return true;
        }
        false
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let mut at = 0;
        while let Some(word) = next_word(text, at) {
            out.push(&text[word.from..word.to]);
            at = word.next;
        }
        out
    }

    fn spelling(word: &str) -> String {
        let mut out = String::new();
        lower_spelling(word, &mut out);
        out
    }

    #[test]
    fn invisible_characters_and_combining_marks_stay_inside_words() {
        assert_eq!(
            words("Verwal\u{AD}tung, re\u{2060}voked\u{AD} Narin\u{303}o"),
            ["Verwal\u{AD}tung", "re\u{2060}voked", "Narin\u{303}o"]
        );
        // A zero-width space separates words (Khmer, Thai).
        assert_eq!(words("ភាសា\u{200B}ខ្មែរ"), ["ភាសា", "ខ្មែរ"]);
        // A virama joins a Devanagari word; an invisible character alone is no word.
        assert_eq!(words("हिन्दी \u{200B} \u{AD}"), ["हिन्दी"]);
        assert_eq!(words("Petroʼs ʼa"), ["Petro", "s", "a"]);
    }

    #[test]
    fn spellings_are_composed_lower_case_and_visible() {
        assert_eq!(spelling("Verwal\u{AD}tung"), "verwaltung");
        assert_eq!(spelling("Narin\u{303}o"), spelling("Nariño"));
        assert_eq!(spelling("İzmir"), "izmir");
        assert_eq!(spelling("Й"), "й");
        assert_eq!(spelling("И\u{306}"), "й");
        assert_eq!(spelling("1\u{FE0F}\u{20E3}"), "1");
        assert_eq!(spelling("葛\u{E0100}"), "葛");
        assert_eq!(spelling("ΔΡΟΜΟΣ"), spelling("δρόμος"));
        assert_eq!(spelling("ΐ ᾖ"), "ι η");
        assert_eq!(spelling("\u{345}"), "");
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        let russian = "ж".repeat(MAX_WORD_CHARS - 1);
        assert!(!next_word(&russian, 0).unwrap().overlong);
        let ascii = "x".repeat(MAX_WORD_CHARS);
        assert!(next_word(&ascii, 0).unwrap().overlong);
        // Invisible characters and marks do not count: a word composed or
        // decomposed is as long.
        let hyphenated = format!("{}\u{AD}x", "x".repeat(MAX_WORD_CHARS - 2));
        assert!(!next_word(&hyphenated, 0).unwrap().overlong);
        let composed = format!("{}üüü", "a".repeat(MAX_WORD_CHARS - 4));
        let decomposed = format!("{}{}", "a".repeat(MAX_WORD_CHARS - 4), "u\u{308}".repeat(3));
        assert!(!next_word(&composed, 0).unwrap().overlong);
        assert!(!next_word(&decomposed, 0).unwrap().overlong);
    }
}
