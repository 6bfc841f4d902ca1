//! Where a word begins and ends, and how it is spelled before its accents
//! are folded: the one cut that indexing, queries and highlights share.
//!
//! A word is a run of letters and digits, with the combining marks that
//! belong to them (an `ñ` written as `n` + U+0303, a Devanagari virama) and
//! the invisible characters that only shape how it is shown (a soft
//! hyphen, a zero-width joiner, a variation selector), so that
//! "Verwal\u{AD}tung" and "Verwaltung", or an `ñ` in either Unicode form,
//! are one word. A zero-width space separates words (Khmer and Thai write
//! it between them). The modifier letters `ʼ` (U+02BC), `ʻ` (U+02BB), `ʾ`
//! (U+02BE) and `ʿ` (U+02BF) are letters to Unicode but apostrophes to
//! writers (Hawaiʻi, Qurʾan, Shiʿa, Oʻzbekiston), and separate words as
//! every other apostrophe does.
//!
//! Chinese and Japanese do not separate their words with spaces: each Han
//! ideograph, Hiragana or Katakana character is a word of its own (with the
//! marks and variation selectors that follow it), as Lucene's standard
//! tokenizer and Elasticsearch cut them, and a query word of several is a
//! phrase of them. A run of other letters ends where one begins (`B超` is
//! `B`, `超`). Korean Hangul, written with spaces, keeps its words whole.

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
    // An ideograph is a word of its own, with its marks: it ends a word of
    // other letters, and another letter ends it.
    let ideograph =
        !bytes[from].is_ascii() && text[from..].chars().next().is_some_and(is_ideograph);
    let (mut to, mut ascii, mut chars) = (from, true, 0usize);
    while let Some(&byte) = bytes.get(at) {
        if byte.is_ascii() {
            if !byte.is_ascii_alphanumeric() || (ideograph && at > from) {
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
        if !(invisible || mark)
            && (!starts_word(c) || (at > from && (ideograph || is_ideograph(c))))
        {
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
    c.is_alphanumeric() && !is_apostrophe_letter(c)
}

/// The modifier letters writers use as apostrophes: `ʼ` (U+02BC), the
/// Hawaiian ʻokina and Uzbek `ʻ` (U+02BB), and the half rings of Arabic
/// and Hebrew transliteration, `ʾ` (U+02BE) and `ʿ` (U+02BF).
fn is_apostrophe_letter(c: char) -> bool {
    matches!(c, '\u{2BB}' | '\u{2BC}' | '\u{2BE}' | '\u{2BF}')
}

/// The characters that are a word each (see the module's documentation):
/// Han ideographs (the unified ones and their extensions, the compatibility
/// ideographs, `々` and `〇`), Hiragana and Katakana (full and half width).
fn is_ideograph(c: char) -> bool {
    matches!(
        c,
        '\u{3005}'..='\u{3007}'
            | '\u{3021}'..='\u{3029}'
            | '\u{3038}'..='\u{303C}'
            | '\u{3040}'..='\u{30FF}'
            | '\u{31F0}'..='\u{31FF}'
            | '\u{3400}'..='\u{4DBF}'
            | '\u{4E00}'..='\u{9FFF}'
            | '\u{F900}'..='\u{FAFF}'
            | '\u{FF66}'..='\u{FF9F}'
            | '\u{1AFF0}'..='\u{1B16F}'
            | '\u{20000}'..='\u{2FA1F}'
            | '\u{30000}'..='\u{323AF}'
    )
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

/// Whether a letter of a [`lower_spelling`] is one that folding takes
/// away or changes, beyond the Latin accents ASCII folding removes.
fn folds(c: char) -> bool {
    matches!(
        c,
        '\u{451}'
            | '\u{591}'..='\u{5BD}'
            | '\u{5BF}'
            | '\u{5C1}'..='\u{5C2}'
            | '\u{5C4}'..='\u{5C5}'
            | '\u{5C7}'
            | '\u{640}'
            | '\u{64B}'..='\u{65F}'
            | '\u{670}'
    )
}

/// Folds a [`lower_spelling`] as ASCII folding cannot: the optional marks
/// of Arabic (harakat, shadda, sukun, superscript alef, U+064B–U+065F and
/// U+0670) and its tatweel (U+0640) are left out, so `كَتَبَ` is `كتب`;
/// Hebrew's points and cantillation marks are left out, so `שָׁלוֹם` is
/// `שלום`; Russian and Belarusian `ё` is `е` (`Ёлка` is `елка`; `й` stays).
/// The stemmers see the unfolded spelling where they read it (Snowball's
/// Russian and Arabic stemmers fold these themselves).
fn fold_scripts(spelling: &mut String) {
    if !spelling.chars().any(folds) {
        return;
    }
    *spelling = spelling
        .chars()
        .filter_map(|c| match c {
            'ё' => Some('е'),
            c if folds(c) => None,
            c => Some(c),
        })
        .collect();
}

/// tantivy's side of [`next_word`] and [`lower_spelling`]: each word's
/// tokens lower-cased and folded by [`fold_scripts`], the overlong ones
/// left out.
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
                fold_scripts(&mut self.token.text);
                // A word of accents alone (U+0345 is a letter, as are the
                // Arabic harakat and tatweel) has no term.
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
    fn modifier_letters_written_as_apostrophes_separate_words() {
        assert_eq!(
            words("Hawaiʻi Oʻzbekiston"),
            ["Hawai", "i", "O", "zbekiston"]
        );
        assert_eq!(words("Qurʾan Shiʿa ʿAli"), ["Qur", "an", "Shi", "a", "Ali"]);
        // Other modifier letters are letters still.
        assert_eq!(words("ʀᴇᴀʟ aʰb"), ["ʀᴇᴀʟ", "aʰb"]);
    }

    #[test]
    fn each_han_kana_character_is_a_word_and_hangul_is_whole() {
        assert_eq!(
            words("我在北京大学。首都"),
            ["我", "在", "北", "京", "大", "学", "首", "都"]
        );
        assert_eq!(
            words("ひらがなカタカナｶﾀｶﾅ"),
            [
                "ひ", "ら", "が", "な", "カ", "タ", "カ", "ナ", "ｶ", "ﾀ", "ｶ", "ﾅ"
            ]
        );
        // A run of other letters ends where an ideograph begins, and
        // begins where one ends.
        assert_eq!(
            words("B超 iPhone手机 3号"),
            ["B", "超", "iPhone", "手", "机", "3", "号"]
        );
        assert_eq!(words("中文abc"), ["中", "文", "abc"]);
        // Its marks and variation selectors stay with it; a decomposed
        // voiced kana is one word; a compatibility ideograph is one too.
        // (a word's span ends before the invisible characters ending it).
        assert_eq!(words("葛\u{E0100}城"), ["葛", "城"]);
        assert_eq!(
            next_word("葛\u{E0100}城", 0).unwrap().next,
            "葛\u{E0100}".len()
        );
        assert_eq!(words("か\u{3099}き"), ["か\u{3099}", "き"]);
        assert_eq!(
            words("\u{F900}\u{2F800}々"),
            ["\u{F900}", "\u{2F800}", "々"]
        );
        // Korean writes spaces between its words, which stay whole.
        assert_eq!(words("대한민국의 수도"), ["대한민국의", "수도"]);
        // A long Chinese run is no overlong word.
        let long = "中".repeat(MAX_WORD_CHARS * 2);
        assert!(!next_word(&long, 0).unwrap().overlong);
    }

    fn folded(word: &str) -> String {
        let mut out = String::new();
        lower_spelling(word, &mut out);
        fold_scripts(&mut out);
        out
    }

    #[test]
    fn arabic_and_hebrew_marks_and_russian_yo_fold_away() {
        assert_eq!(folded("كَتَبَ"), "كتب");
        assert_eq!(folded("كـــتب"), "كتب");
        assert_eq!(folded("القُرْآن"), "القرآن");
        assert_eq!(folded("שָׁלוֹם"), "שלום");
        // Cantillation, and a presentation form with its point.
        assert_eq!(folded("בְּרֵאשִׁ֖ית"), "בראשית");
        assert_eq!(folded("\u{FB2A}לום"), "שלום");
        assert_eq!(folded("Ёлка"), "елка");
        assert_eq!(folded("Е\u{308}лка"), "елка");
        assert_eq!(folded("ёЁ"), "ее");
        // `й` is a letter of its own, and the spelling the stemmer reads
        // keeps the marks.
        assert_eq!(folded("Йод"), "йод");
        assert_eq!(spelling("كَتَبَ"), "كَتَبَ");
        assert_eq!(spelling("Ёлка"), "ёлка");
        // Hebrew's maqaf and sof pasuq are punctuation between words.
        assert_eq!(words("בֵּית־הַמִּקְדָּשׁ׃"), ["בֵּית", "הַמִּקְדָּשׁ"]);
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
