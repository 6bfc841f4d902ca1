//! How text becomes terms, for indexing, querying and highlighting alike.
//!
//! The index holds one analysis of the text: words folded in case and
//! accents (`Bogotá` → `bogota`), positions kept for phrases. Stems, in each
//! passage's own language (`revoked` → `revok` in English, `revocó` →
//! `revoc` in Spanish), are computed at search time only, on the query
//! words and on the dictionary words that may share their stem (see
//! `query::inflection`), so indexing never runs a stemmer and the index
//! carries no second, stemmed copy of the text. Apostrophes and quotes of
//! any shape are word separators, so `Trump's` and `Trump’s` both become
//! `trump`, `s`. tantivy stores only analyzer names in an index, so every
//! path that opens one calls [`register`].

mod prefixes;
mod words;

use std::borrow::Cow;
use std::cell::RefCell;

use crate::language::Language;
use frostem::Stemmer;
use tantivy::Index;
use tantivy::tokenizer::{AsciiFoldingFilter, LowerCaser, TextAnalyzer, TokenStream};
pub use words::{MAX_WORD_CHARS, first_overlong_word, lower_spelling};
use words::{WordTokenizer, next_word};

/// Name under which the folding analyzer is registered.
pub const FOLDED: &str = "cita_folded";

/// Folds case and accents; no stemming. What every indexed text field holds.
pub fn folding_analyzer() -> TextAnalyzer {
    // Folding writes some letters in capitals (small capitals `ᴀ` → `A`).
    TextAnalyzer::builder(WordTokenizer::default())
        .filter(AsciiFoldingFilter)
        .filter(LowerCaser)
        .build()
}

/// The stem of a folded word in `language`, by its Snowball stemmer; a
/// language without one leaves words as they are. Stemming runs on the
/// folded word, as the index holds it, so one rule serves the query, the
/// dictionary and the highlighter alike.
pub fn stem(language: Language, folded_word: &str) -> Cow<'_, str> {
    let Some(algorithm) = language.stemmer() else {
        return Cow::Borrowed(folded_word);
    };
    let stem = Stemmer::new(algorithm).stem(folded_word);
    if stem.is_ascii() {
        return stem;
    }
    // Some stemmers write letters that folding removes (Turkish `ı`,
    // Esperanto `ĉ`, Serbian Latin from Cyrillic): the stem is folded like
    // the words it is compared with.
    Cow::Owned(fold(&stem))
}

/// Whether `language`'s stemmer reads accents, so that a word's folded form
/// can stem otherwise than the word itself: Portuguese `negociação` folds
/// to `negociacao`, whose stem keeps the `-cao` the stemmer removes as
/// `-ção`. English's stemmer knows no accented letter.
pub fn reads_accents(language: Language) -> bool {
    language.stemmer().is_some() && language != Language::ENGLISH
}

/// The stem of a word as written (lower-cased, accents kept), folded: what
/// the stemmer makes of the word before folding loses its accents.
pub fn accented_stem(language: Language, written: &str) -> String {
    let mut lower = String::new();
    lower_spelling(written, &mut lower);
    stem_of_lower(language, lower)
}

/// [`accented_stem`] of a word already in its [`lower_spelling`].
fn stem_of_lower(language: Language, lower: String) -> String {
    match language.stemmer() {
        Some(algorithm) => fold(&Stemmer::new(algorithm).stem(&lower)),
        None => lower,
    }
}

/// The stems a query word stands for in `language`: its folded form's, and
/// where the stemmer reads accents, the word's own as typed (lower case).
pub fn word_stems(language: Language, typed: &str, folded: &str) -> Vec<String> {
    let mut stems = vec![stem(language, folded).into_owned()];
    if reads_accents(language) && typed != folded {
        // Empty when the word is too long to be indexed.
        let accented = accented_stem(language, typed);
        if !accented.is_empty() && !stems.contains(&accented) {
            stems.push(accented);
        }
    }
    stems
}

/// Whether a word of a passage in `language`, `written` in the text and
/// `term` once folded, has one of `stems`: by its folded form, or where the
/// stemmer reads accents and the word has some, as written. The rule every
/// match of a plain word follows (search, counts, highlights).
pub fn word_matches(language: Language, stems: &[String], term: &str, written: &str) -> bool {
    let has = |stem: &str| stems.iter().any(|s| s == stem);
    has(&stem(language, term))
        || (reads_accents(language)
            && !written.is_ascii()
            && has(&accented_stem(language, written)))
}

/// A query word's stems in one language, and where the folded words that
/// have them lie in a dictionary: what search expands a word into and what
/// the highlighter marks, from one rule.
#[derive(Debug, Clone)]
pub struct WordStems {
    /// The language stemmed in.
    pub language: Language,
    /// The word's stems (see [`word_stems`]).
    pub stems: Vec<String>,
    /// Every folded word having one of `stems` starts with one of these.
    pub prefixes: Vec<String>,
}

impl WordStems {
    /// The stems in `language` of the word `typed` (lower case), `folded`
    /// once folded.
    pub fn new(language: Language, typed: &str, folded: &str) -> WordStems {
        let stems = word_stems(language, typed, folded);
        WordStems {
            prefixes: stems
                .iter()
                .flat_map(|stem| stem_prefixes(language, stem))
                .collect(),
            language,
            stems,
        }
    }

    /// Whether the folded word `term` has one of the stems by its folded
    /// form (the dictionary's side of [`word_matches`]).
    pub fn holds_folded(&self, term: &str) -> bool {
        self.under_prefixes(term) && {
            let stem = stem(self.language, term);
            self.stems.iter().any(|s| *s == stem)
        }
    }

    fn under_prefixes(&self, term: &str) -> bool {
        self.prefixes
            .iter()
            .any(|prefix| term.starts_with(prefix.as_str()))
    }

    /// Whether a word `written` so in a passage, `term` once folded, may
    /// match, before stemming it: it lies under the prefixes, or it has
    /// accents the stemmer reads.
    pub fn may_match(&self, term: &str, written: &str) -> bool {
        self.under_prefixes(term) || (reads_accents(self.language) && !written.is_ascii())
    }

    /// Whether a word `written` so in a passage, `term` once folded,
    /// matches (see [`word_matches`]).
    pub fn matches(&self, term: &str, written: &str) -> bool {
        word_matches(self.language, &self.stems, term, written)
    }
}

/// The accented stems of a passage in `language` (see [`accented_stem`])
/// that its folded words do not already give: the words whose accents the
/// stemmer needed. Indexed beside the text (`schema::Fields::accented_stems`),
/// so `negociar` finds "negociações".
pub fn accented_stems(language: Language, text: &str, folding: &mut Folding) -> Vec<String> {
    if !reads_accents(language) || text.is_ascii() {
        return Vec::new();
    }
    let mut stems = Vec::new();
    let accented = folding.tokens_where(text, |_, word| !word.is_ascii());
    for token in accented {
        let mut lower = String::new();
        lower_spelling(&text[token.from..token.to], &mut lower);
        if lower == token.term {
            continue;
        }
        let accented = stem_of_lower(language, lower);
        if !accented.is_empty() && accented != stem(language, &token.term) {
            stems.push(accented);
        }
    }
    stems
}

/// The copy key of a passage's text: a hash (xxh3) of its folded words
/// in order, so that copies differing only in case, accents, punctuation
/// and spacing share it ("Plan LAZO, 1964." and "plan lazo 1964"), and
/// texts of other words almost never do. It is what search collapses
/// copies by (`views::collapse`), computed at index time with the index's
/// own analysis, so it agrees with what search matches. A text with no
/// indexed word (only words of 256 characters or more) is keyed by its own bytes.
pub fn copy_key(text: &str, folding: &mut Folding) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut words = 0usize;
    folding.tokens_where(text, |term, _| {
        // A space never occurs in a term: words hash apart from their joins.
        hasher.update(term.as_bytes());
        hasher.update(b" ");
        words += 1;
        false
    });
    if words == 0 {
        hasher.update(b"\0");
        hasher.update(text.as_bytes());
    }
    hasher.digest()
}

/// `text` lower-cased and folded as one term.
fn fold(text: &str) -> String {
    thread_local! {
        // Building an analyzer costs more than folding a word with it.
        static ANALYZER: RefCell<TextAnalyzer> = RefCell::new(folding_analyzer());
    }
    ANALYZER.with_borrow_mut(|analyzer| {
        let mut folded = String::with_capacity(text.len());
        let mut stream = analyzer.token_stream(text);
        while stream.advance() {
            folded.push_str(&stream.token().text);
        }
        folded
    })
}

/// The beginnings of every folded word whose stem in `language` is `stem`:
/// search expands a word only within them, and the highlighter looks for
/// its forms only there. A language without a stemmer matches a word's own
/// form only.
pub fn stem_prefixes(language: Language, stem: &str) -> Vec<String> {
    match language.stemmer() {
        Some(algorithm) => prefixes::stem_prefixes(algorithm, stem),
        None => vec![stem.to_string()],
    }
}

/// Makes cita's analyzer known to an opened or created index.
pub fn register(index: &Index) {
    index.tokenizers().register(FOLDED, folding_analyzer());
}

/// One analyzed word: its term, its position among the words, and where it
/// stands in the original text (byte offsets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The analyzed term.
    pub term: String,
    /// Position in the token stream; phrases match consecutive positions.
    pub position: usize,
    /// Byte offset of the word's first byte in the analyzed text.
    pub from: usize,
    /// Byte offset just past the word's last byte.
    pub to: usize,
}

/// The folding analysis of query words and passages, as tokens with their
/// positions and offsets.
///
/// Text is cut into words as the analyzer cuts it (`words::next_word`: the
/// overlong ones dropped but counted), and an ASCII word is its own term,
/// lowercased if need be; only a word with other characters goes through
/// the analyzer for its folding. The tokens are the
/// analyzer's (tested against it), found several times faster: a highlighter
/// reads every word of every returned passage.
#[derive(Clone)]
pub struct Folding {
    analyzer: TextAnalyzer,
}

impl Default for Folding {
    fn default() -> Self {
        Folding {
            analyzer: folding_analyzer(),
        }
    }
}

impl Folding {
    /// The folded words of `text`: what tells names apart that differ only
    /// in case, accents or punctuation.
    pub fn words(&mut self, text: &str) -> Vec<String> {
        self.tokens(text)
            .into_iter()
            .map(|token| token.term)
            .collect()
    }

    /// Every token of `text`.
    pub fn tokens(&mut self, text: &str) -> Vec<Token> {
        self.tokens_where(text, |_, _| true)
    }

    /// The tokens of `text` that `keep` accepts, given their term and the
    /// word as written (the others are never copied: most words of a
    /// passage are not what a highlighter looks for).
    pub fn tokens_where(
        &mut self,
        text: &str,
        mut keep: impl FnMut(&str, &str) -> bool,
    ) -> Vec<Token> {
        let mut out = Vec::new();
        let mut term = String::new();
        let mut position = 0;
        let mut at = 0;
        while let Some(word) = next_word(text, at) {
            at = word.next;
            if !word.overlong {
                let written = &text[word.from..word.to];
                // A lowercase ASCII word is its own term, looked at in place.
                let folded = if word.ascii && !written.bytes().any(|b| b.is_ascii_uppercase()) {
                    written
                } else {
                    term.clear();
                    if word.ascii {
                        term.push_str(written);
                        term.make_ascii_lowercase();
                    } else {
                        self.fold_word(written, &mut term);
                    }
                    term.as_str()
                };
                if !folded.is_empty() && keep(folded, written) {
                    out.push(Token {
                        term: folded.to_string(),
                        position,
                        from: word.from,
                        to: word.to,
                    });
                }
            }
            position += 1;
        }
        out
    }

    /// The analyzer's term for one word (as `words::next_word` cuts them).
    fn fold_word(&mut self, word: &str, term: &mut String) {
        let mut stream = self.analyzer.token_stream(word);
        if stream.advance() {
            term.push_str(&stream.token().text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::next_random;

    fn terms(text: &str) -> Vec<String> {
        Folding::default()
            .tokens(text)
            .into_iter()
            .map(|t| t.term)
            .collect()
    }

    #[test]
    fn folding_removes_case_and_accents_but_keeps_word_forms() {
        assert_eq!(
            terms("Bogotá Gaitán GAITÀN revoked"),
            ["bogota", "gaitan", "gaitan", "revoked"]
        );
    }

    fn english(word: &str) -> Cow<'_, str> {
        stem(Language::ENGLISH, word)
    }

    #[test]
    fn one_word_has_one_term_however_unicode_writes_it() {
        // Composed and decomposed accents, a soft hyphen, a word joiner, a
        // capital dotted I (lower-cased as `i` and a combining dot).
        assert_eq!(terms("Nariño Narin\u{303}o"), ["narino", "narino"]);
        assert_eq!(
            terms("Verwal\u{AD}tung re\u{2060}voked"),
            ["verwaltung", "revoked"]
        );
        assert_eq!(terms("İzmir IZMIR"), ["izmir", "izmir"]);
        // Small capitals, which folding writes as capitals.
        assert_eq!(terms("ʀᴇᴀʟ"), ["real"]);
        assert_eq!(terms("Petroʼs Petro’s"), ["petro", "s", "petro", "s"]);
        assert_eq!(terms("Hawaiʻi Qurʾan Shiʿa"), terms("Hawai'i Qur'an Shi'a"));
        // Cyrillic is not folded, but its two spellings of `й` are one.
        assert_eq!(terms("Йод И\u{306}од"), ["йод", "йод"]);
        // A Russian word of the longest length indexed (two bytes a letter) is.
        let long = "ж".repeat(MAX_WORD_CHARS - 1);
        assert_eq!(terms(&long), [long]);
    }

    #[test]
    fn stem_reduces_inflections_to_one_term() {
        assert_eq!(english("revoked"), english("revoke"));
        assert_eq!(english("revoked"), english("revoking"));
        assert_ne!(english("revoked"), english("revival"));
    }

    #[test]
    fn stem_prefixes_cover_the_stemmer_s_spelling_changes() {
        for word in [
            "happy",
            "happiness",
            "happily",
            "cries",
            "crying",
            "dying",
            "hying",
            "lies",
            "running",
            "agreed",
            "gently",
            "studies",
            "governments",
            "bogota",
        ] {
            let stem = english(word);
            let prefixes = stem_prefixes(Language::ENGLISH, &stem);
            assert!(
                prefixes
                    .iter()
                    .any(|prefix| word.starts_with(prefix.as_str())),
                "{word} (stem {stem}) lies outside {prefixes:?}",
            );
        }
    }

    #[test]
    fn accented_words_keep_the_stem_their_accents_give() {
        let portuguese = Language::from_code("pt").unwrap();
        let mut folding = Folding::default();
        // `negociações` folds to `negociacoes`, stemmed `negociaco`; as
        // written it stems to `negoc`, as `negociar` does.
        assert_eq!(
            accented_stems(
                portuguese,
                "As negociações e a revogação, não.",
                &mut folding
            ),
            ["negoc", "revog", "na"]
        );
        let stems = word_stems(portuguese, "negociar", "negociar");
        assert!(word_matches(
            portuguese,
            &stems,
            "negociacoes",
            "negociações"
        ));
        assert!(!word_matches(
            portuguese,
            &stems,
            "negociacoes",
            "negociacoes"
        ));
        // English reads no accent, and text without one has nothing to add.
        assert!(accented_stems(Language::ENGLISH, "café négociations", &mut folding).is_empty());
        assert!(accented_stems(portuguese, "as negociacoes", &mut folding).is_empty());
        assert_eq!(
            word_stems(portuguese, "negociação", "negociacao"),
            ["negociaca", "negoc"]
        );
        // Lower-casing can make a word too long to fold (`Ⱥ` is 2 bytes,
        // `ⱥ` 3): it then has no accented stem, never an empty one.
        let long = "Ⱥ".repeat(19);
        assert!(accented_stems(portuguese, &long, &mut folding).is_empty());
        let folded: Vec<Token> = folding.tokens(&long);
        let stems = word_stems(portuguese, &long.to_lowercase(), &folded[0].term);
        assert!(stems.iter().all(|stem| !stem.is_empty()), "{stems:?}");
    }

    #[test]
    fn typographic_and_ascii_apostrophes_tokenize_alike() {
        assert_eq!(
            terms("Disobey Trump’s order!"),
            terms("Disobey Trump's order")
        );
        assert_eq!(terms("“Plan LAZO”"), ["plan", "lazo"]);
    }

    #[test]
    fn folded_arabic_hebrew_and_yo_keep_their_offsets() {
        let text = "Ёлка, كَتَبَ שָׁלוֹם 北京";
        let found = Folding::default().tokens(text);
        let terms: Vec<&str> = found.iter().map(|t| t.term.as_str()).collect();
        assert_eq!(terms, ["елка", "كتب", "שלום", "北", "京"]);
        let written: Vec<&str> = found.iter().map(|t| &text[t.from..t.to]).collect();
        assert_eq!(written, ["Ёлка", "كَتَبَ", "שָׁלוֹם", "北", "京"]);
        assert_eq!(found[4].position, 4);
    }

    #[test]
    fn the_stemmers_see_the_marks_they_read() {
        // Snowball's Russian and Arabic stemmers fold `ё` and the harakat
        // themselves: the folded word stems as the written one does, so
        // no accented stem is added for them.
        let mut folding = Folding::default();
        let russian = Language::from_code("ru").unwrap();
        assert_eq!(stem(russian, "елками"), accented_stem(russian, "Ёлками"));
        assert!(accented_stems(russian, "Ёлками украсили", &mut folding).is_empty());
        let arabic = Language::from_code("ar").unwrap();
        assert_eq!(stem(arabic, "الكتاب"), accented_stem(arabic, "الكِتَابُ"));
        assert!(accented_stems(arabic, "الكِتَابُ", &mut folding).is_empty());
    }

    #[test]
    fn offsets_point_at_the_original_characters() {
        let text = "in Bogotá, revoked";
        let found = Folding::default().tokens(text);
        assert_eq!(&text[found[1].from..found[1].to], "Bogotá");
        assert_eq!(&text[found[2].from..found[2].to], "revoked");
    }

    #[test]
    fn overlong_tokens_are_dropped_without_shifting_offsets() {
        let blob = "x".repeat(MAX_WORD_CHARS);
        let kept = "y".repeat(MAX_WORD_CHARS - 1);
        for text in [
            format!("before {blob} {kept} after"),
            format!("before {blob} {kept} aftér"),
        ] {
            let found = Folding::default().tokens(&text);
            let words: Vec<&str> = found.iter().map(|t| &text[t.from..t.to]).collect();
            assert_eq!(words[..2], ["before", kept.as_str()], "{text}");
            assert_eq!(
                found[1].position, 2,
                "the dropped token still counts: {text}"
            );
        }
    }

    /// What the analyzer itself gives, for comparison with the ASCII path.
    fn analyzed(text: &str) -> Vec<Token> {
        let mut analyzer = folding_analyzer();
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let token = stream.token();
            out.push(Token {
                term: token.text.clone(),
                position: token.position,
                from: token.offset_from,
                to: token.offset_to,
            });
        }
        out
    }

    #[test]
    fn the_hand_cut_words_are_the_analyzers_tokens() {
        let mut seed = 0x2545_f491_u32;
        let alphabet: Vec<char> =
            "aZ09 .,;'-_\t\n\r\"()/&xyzQWéÉ’—ßİıÆæ中文かカｶ\u{3099}\u{F900}ﬁ\u{301}😀ŁØñÑ\u{AD}\u{200B}\u{2BC}\u{2BB}\u{2BF}\u{303}\u{94D}жИёЁйكـ\u{64E}\u{670}ש\u{5B8}\u{5C1}\u{345}\u{FE0F}\u{20E3}ΣςᴀǅK\u{200F}"
                .chars()
                .collect();
        let mut folding = Folding::default();
        for length in 0..800 {
            let text: String = (0..length % 97)
                .map(|_| alphabet[next_random(&mut seed) as usize % alphabet.len()])
                .collect();
            let long_runs = format!(
                "{text} {} {text} {}",
                "Ab1".repeat(13 + length % 3),
                "é".repeat(38 + length % 3)
            );
            for text in [text, long_runs] {
                assert_eq!(folding.tokens(&text), analyzed(&text), "{text:?}");
            }
        }
    }
}
