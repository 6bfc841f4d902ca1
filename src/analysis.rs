//! How text becomes terms, for indexing, querying and highlighting alike.
//!
//! The index holds one analysis of the text: words folded in case and
//! accents (`Bogotá` → `bogota`), positions kept for phrases. English stems
//! (`revoked` → `revok`) are computed at search time only, on the query
//! words and on the dictionary words that may share their stem (see
//! [`crate::query::inflection`]), so indexing never runs the stemmer and the index
//! carries no second, stemmed copy of the text. Apostrophes and quotes of
//! any shape are word separators, so `Trump's` and `Trump’s` both become
//! `trump`, `s`. tantivy stores only analyzer names in an index, so every
//! path that opens one calls [`register`].

use std::borrow::Cow;

use frostem::{Algorithm, Stemmer};
use tantivy::Index;
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, TokenStream,
};

/// Name under which the folding analyzer is registered.
pub const FOLDED: &str = "cita_folded";

/// Tokens longer than this many bytes (URLs, base64 blobs) are not indexed.
const MAX_TOKEN_BYTES: usize = 40;

/// Folds case and accents; no stemming. What every indexed text field holds.
pub fn folding_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// The English (Snowball) stem of a folded word, as tantivy's stemming
/// filter would compute it.
pub fn stem(folded_word: &str) -> Cow<'_, str> {
    Stemmer::new(Algorithm::English).stem(folded_word)
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

/// Runs an analyzer over `text` and collects its tokens.
pub fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Token> {
    tokens_where(analyzer, text, |_| true)
}

/// Runs an analyzer over `text` and collects the tokens whose term `keep`
/// accepts (the others are never copied: most words of a passage are not
/// what a highlighter looks for).
pub fn tokens_where(
    analyzer: &mut TextAnalyzer,
    text: &str,
    keep: impl Fn(&str) -> bool,
) -> Vec<Token> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        let token = stream.token();
        if !keep(&token.text) {
            continue;
        }
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

    fn terms(text: &str) -> Vec<String> {
        tokens(&mut folding_analyzer(), text)
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

    #[test]
    fn stem_reduces_inflections_to_one_term() {
        assert_eq!(stem("revoked"), stem("revoke"));
        assert_eq!(stem("revoked"), stem("revoking"));
        assert_ne!(stem("revoked"), stem("revival"));
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
    fn offsets_point_at_the_original_characters() {
        let text = "in Bogotá, revoked";
        let found = tokens(&mut folding_analyzer(), text);
        assert_eq!(&text[found[1].from..found[1].to], "Bogotá");
        assert_eq!(&text[found[2].from..found[2].to], "revoked");
    }

    #[test]
    fn overlong_tokens_are_dropped_without_shifting_offsets() {
        let blob = "x".repeat(MAX_TOKEN_BYTES + 1);
        let text = format!("before {blob} after");
        let found = tokens(&mut folding_analyzer(), &text);
        let words: Vec<&str> = found.iter().map(|t| &text[t.from..t.to]).collect();
        assert_eq!(words, ["before", "after"]);
    }
}
