//! How text becomes terms, for indexing, querying and highlighting alike.
//!
//! Two analyzers share one tokenization so their tokens line up position by
//! position: `exact` folds case and accents (`Bogotá` → `bogota`), `stem` also
//! reduces English words to their stems (`revoked` → `revok`). Apostrophes and
//! quotes of any shape are word separators, so `Trump's` and `Trump’s` both
//! become `trump`, `s`. tantivy stores only analyzer names in an index, so
//! every path that opens one calls [`register`].

use tantivy::Index;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer, TokenStream,
};

/// Name under which the folding-only analyzer is registered.
pub const EXACT: &str = "cita_exact";
/// Name under which the folding and stemming analyzer is registered.
pub const STEM: &str = "cita_stem";

/// Tokens longer than this many bytes (URLs, base64 blobs) are not indexed.
const MAX_TOKEN_BYTES: usize = 40;

/// Folds case and accents; no stemming. Used for phrases and exact-form ranking.
pub fn exact_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Folds case and accents, then applies the English stemmer.
pub fn stem_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// Makes cita's analyzers known to an opened or created index.
pub fn register(index: &Index) {
    let tokenizers = index.tokenizers();
    tokenizers.register(EXACT, exact_analyzer());
    tokenizers.register(STEM, stem_analyzer());
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

/// Runs an analyzer over `text` and collects its tokens.
pub fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Token> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
        tokens(analyzer, text).into_iter().map(|t| t.term).collect()
    }

    #[test]
    fn exact_folds_case_and_accents_but_keeps_word_forms() {
        let mut exact = exact_analyzer();
        assert_eq!(
            terms(&mut exact, "Bogotá Gaitán GAITÀN revoked"),
            ["bogota", "gaitan", "gaitan", "revoked"]
        );
    }

    #[test]
    fn stem_reduces_inflections_to_one_term() {
        let mut stem = stem_analyzer();
        let revoked = terms(&mut stem, "revoked");
        assert_eq!(revoked, terms(&mut stem, "revoke"));
        assert_eq!(revoked, terms(&mut stem, "Revoking"));
    }

    #[test]
    fn typographic_and_ascii_apostrophes_tokenize_alike() {
        let mut exact = exact_analyzer();
        assert_eq!(
            terms(&mut exact, "Disobey Trump’s order!"),
            terms(&mut exact, "Disobey Trump's order")
        );
        assert_eq!(terms(&mut exact, "“Plan LAZO”"), ["plan", "lazo"]);
    }

    #[test]
    fn offsets_point_at_the_original_characters() {
        let mut stem = stem_analyzer();
        let text = "in Bogotá, revoked";
        let found = tokens(&mut stem, text);
        assert_eq!(&text[found[1].from..found[1].to], "Bogotá");
        assert_eq!(&text[found[2].from..found[2].to], "revoked");
    }

    #[test]
    fn both_analyzers_yield_the_same_positions() {
        let text = "Las FARC’s “ofensiva” de 1964 — revoked, re-examined; ﬁnance straße";
        let exact = tokens(&mut exact_analyzer(), text);
        let stem = tokens(&mut stem_analyzer(), text);
        assert_eq!(exact.len(), stem.len());
        for (e, s) in exact.iter().zip(&stem) {
            assert_eq!((e.position, e.from, e.to), (s.position, s.from, s.to));
        }
    }
}
