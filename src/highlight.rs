//! Phrase-aware highlighting and snippet windows, on the original characters.
//!
//! tantivy's `SnippetGenerator` marks every occurrence of every query term and
//! cuts fixed windows, so `"Plan LAZO"` would light up the `Plan` of "Plan
//! Colombia" and a phrase could be cut in half. Here, as in meilisearch's
//! milli, the stored passage is re-analyzed with the indexing analyzers: a
//! word matches by its stem, a prefix by its folded form, and a phrase only
//! where its words stand at the right positions. The snippet is the window of
//! about N characters that covers the most distinct matches, widened around
//! them and cut at word boundaries, with `…` where text was cut.

use std::ops::Range;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

use crate::analysis::{Folding, Token, WordStems};
use crate::language::Language;
use crate::results::Matched;

/// One thing a query asks to find in the passage text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Matcher {
    /// Any word sharing this word's stem in the passage's language (the
    /// word as typed, lower case; see [`crate::analysis::word_matches`]).
    Word(String),
    /// Any word whose folded form starts with this.
    Prefix(String),
    /// Folded words at these relative positions, moved by at most `slop` in all.
    Phrase {
        /// `(relative position, folded term)`, first at 0.
        terms: Vec<(usize, String)>,
        /// Total positional slack allowed.
        slop: u32,
    },
    /// Folded words at consecutive positions, the last one a prefix.
    PhrasePrefix(Vec<(usize, String)>),
}

impl Matcher {
    /// Whether a word with the folded form `term`, `written` so in the
    /// text, can be part of a match (phrase words are found by position
    /// among such words only); `stems` are a word matcher's stems in the
    /// passage's language.
    fn could_match(&self, stems: Option<&WordStems>, term: &str, written: &str) -> bool {
        match self {
            Matcher::Word(_) => stems.is_some_and(|stems| stems.may_match(term, written)),
            Matcher::Prefix(prefix) => term.starts_with(prefix.as_str()),
            Matcher::Phrase { terms, .. } => terms.iter().any(|(_, word)| word == term),
            Matcher::PhrasePrefix(terms) => terms
                .iter()
                .enumerate()
                .any(|(k, (_, word))| term_matches_form(term, word, k + 1 == terms.len())),
        }
    }
}

/// Byte range of a match in the passage text, and which matchers it satisfied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    /// Byte range in the analyzed text.
    pub range: Range<usize>,
    /// Bit `i` set when matcher `i` produced this span (matchers past 63 share bit 63).
    pub matchers: u64,
    /// Whether it is a word as the query typed it (folded), a phrase or a
    /// prefix's match: not only another form of a word's stem. A snippet
    /// too short for every match shows these first.
    #[serde(default)]
    pub typed: bool,
}

/// A snippet of a passage with the byte ranges of its highlights.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Snippet {
    /// The snippet text, with `…` where the passage was cut.
    pub text: String,
    /// `[start, end)` byte offsets into `text`, in order, not overlapping.
    pub highlights: Vec<[usize; 2]>,
}

/// What to highlight for one query, with the analyzer to do it.
#[derive(Clone)]
pub struct HighlightPlan {
    matchers: Vec<Matcher>,
    /// The language whose stems `stems` holds.
    language: Option<Language>,
    /// Per matcher, a word's stems in `language` and the word folded as
    /// typed (`None` for other matchers).
    stems: Vec<Option<(WordStems, String)>>,
    /// The query term each matcher came from, for [`HighlightPlan::matched`].
    labels: Vec<String>,
    folding: Folding,
}

impl HighlightPlan {
    /// Whether it marks no word in any text: the query searches no word
    /// (`*`, field terms).
    pub fn marks_nothing(&self) -> bool {
        self.matchers.is_empty()
    }

    /// A plan for these matchers.
    pub fn new(matchers: Vec<Matcher>) -> HighlightPlan {
        HighlightPlan::with_labels(matchers, Vec::new())
    }

    /// A plan for these matchers, each labelled with the query term it came
    /// from (missing labels are derived from the matcher).
    pub fn with_labels(matchers: Vec<Matcher>, labels: Vec<String>) -> HighlightPlan {
        HighlightPlan {
            matchers,
            language: None,
            stems: Vec::new(),
            labels,
            folding: Folding::default(),
        }
    }

    /// Stems the words in `language`, unless they already are: passages
    /// come mostly in runs of one language.
    fn stem_in(&mut self, language: Language) {
        if self.language == Some(language) {
            return;
        }
        let folding = &mut self.folding;
        self.stems = self
            .matchers
            .iter()
            .map(|matcher| match matcher {
                Matcher::Word(word) => {
                    let folded: String = folding.tokens(word).into_iter().map(|t| t.term).collect();
                    Some((WordStems::new(language, word, &folded), folded))
                }
                _ => None,
            })
            .collect();
        self.language = Some(language);
    }

    /// For each query term that matched `text` (in `language`), the forms
    /// that matched it; terms that did not match (an `OR` alternative) are
    /// left out.
    pub fn matched(&mut self, text: &str, language: Language) -> Vec<Matched> {
        self.find_and_explain(text, language).1
    }

    /// [`HighlightPlan::find`] and [`HighlightPlan::matched`] from one
    /// analysis of `text`.
    pub fn find_and_explain(
        &mut self,
        text: &str,
        language: Language,
    ) -> (Vec<Span>, Vec<Matched>) {
        let raw = self.raw_spans(text, language);
        let mut explained = Vec::new();
        for (index, matcher) in self.matchers.iter().enumerate() {
            let bit = 1u64 << index.min(63);
            let mut forms: Vec<String> = Vec::new();
            // Each matcher's own spans, before overlapping ones are merged;
            // composed, so that one word written in both of Unicode's
            // ways (`café`, `cafe` + U+0301) is one form.
            for span in raw.iter().filter(|span| span.matchers & bit != 0) {
                let form: String = text[span.range.clone()].nfc().collect();
                if !forms.contains(&form) {
                    forms.push(form);
                }
            }
            if forms.is_empty() {
                continue;
            }
            let query = self
                .labels
                .get(index)
                .cloned()
                .unwrap_or_else(|| label_of(matcher));
            explained.push(Matched { query, forms });
        }
        (merge(raw), explained)
    }

    /// The matches in `text`, a passage in `language`, sorted, overlapping
    /// ones merged.
    pub fn find(&mut self, text: &str, language: Language) -> Vec<Span> {
        merge(self.raw_spans(text, language))
    }

    /// Every match of every matcher in `text`, unsorted and unmerged.
    fn raw_spans(&mut self, text: &str, language: Language) -> Vec<Span> {
        if self.matchers.is_empty() {
            return Vec::new();
        }
        self.stem_in(language);
        let (matchers, stems) = (&self.matchers, &self.stems);
        let exact = self.folding.tokens_where(text, |term, written| {
            matchers.iter().zip(stems).any(|(matcher, stems)| {
                matcher.could_match(stems.as_ref().map(|(stems, _)| stems), term, written)
            })
        });
        let mut spans = Vec::new();
        for (index, (matcher, stems)) in matchers.iter().zip(stems).enumerate() {
            let bit = 1u64 << index.min(63);
            let mut add = |range: Range<usize>| {
                spans.push(Span {
                    range,
                    matchers: bit,
                    typed: true,
                })
            };
            match matcher {
                Matcher::Word(_) => {
                    let Some((stems, typed)) = stems else {
                        continue;
                    };
                    for token in &exact {
                        let written = &text[token.from..token.to];
                        if stems.may_match(&token.term, written)
                            && stems.matches(&token.term, written)
                        {
                            spans.push(Span {
                                range: token.from..token.to,
                                matchers: bit,
                                typed: token.term == *typed,
                            });
                        }
                    }
                }
                Matcher::Prefix(prefix) => exact
                    .iter()
                    .filter(|t| t.term.starts_with(prefix.as_str()))
                    .for_each(|t| add(t.from..t.to)),
                Matcher::Phrase { terms, slop } => {
                    for start in 0..exact.len() {
                        if let Some(found) = match_phrase(&exact, start, terms, *slop, false) {
                            joined_runs(&exact, found).into_iter().for_each(&mut add);
                        }
                    }
                }
                Matcher::PhrasePrefix(terms) => {
                    for start in 0..exact.len() {
                        if let Some(found) = match_phrase(&exact, start, terms, 0, true) {
                            joined_runs(&exact, found).into_iter().for_each(&mut add);
                        }
                    }
                }
            }
        }
        spans.sort_by_key(|span| (span.range.start, span.range.end));
        spans
    }
}

/// A readable stand-in for a matcher's query term, from its analyzed form.
fn label_of(matcher: &Matcher) -> String {
    let words = |terms: &[(usize, String)]| {
        terms
            .iter()
            .map(|(_, t)| t.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    };
    match matcher {
        Matcher::Word(word) => word.clone(),
        Matcher::Prefix(prefix) => format!("{prefix}*"),
        Matcher::Phrase { terms, .. } => format!("\"{}\"", words(terms)),
        Matcher::PhrasePrefix(terms) => format!("\"{}\"*", words(terms)),
    }
}

fn term_matches(token: &Token, term: &str, as_prefix: bool) -> bool {
    term_matches_form(&token.term, term, as_prefix)
}

fn term_matches_form(form: &str, term: &str, as_prefix: bool) -> bool {
    if as_prefix {
        form.starts_with(term)
    } else {
        form == term
    }
}

/// Indices of the tokens forming the phrase when its first word is `tokens[start]`.
/// With slop, each next word is the nearest occurrence to where it is expected,
/// spending the slack as tantivy's phrase scorer does.
fn match_phrase(
    tokens: &[Token],
    start: usize,
    terms: &[(usize, String)],
    slop: u32,
    last_is_prefix: bool,
) -> Option<Vec<usize>> {
    let is_last = |k: usize| last_is_prefix && k + 1 == terms.len();
    if !term_matches(&tokens[start], &terms[0].1, is_last(0)) {
        return None;
    }
    let mut found = vec![start];
    let mut previous = (tokens[start].position, terms[0].0);
    let mut budget = slop as usize;
    for (k, (offset, term)) in terms.iter().enumerate().skip(1) {
        let expected = previous.0 + (offset - previous.1);
        let low = expected.saturating_sub(budget);
        let high = expected + budget;
        let from = tokens.partition_point(|t| t.position < low);
        let best = tokens[from..]
            .iter()
            .enumerate()
            .take_while(|(_, t)| t.position <= high)
            .filter(|(i, t)| term_matches(t, term, is_last(k)) && !found.contains(&(from + i)))
            .min_by_key(|(_, t)| t.position.abs_diff(expected))?;
        let (index, token) = (from + best.0, best.1);
        budget -= token.position.abs_diff(expected);
        previous = (token.position, *offset);
        found.push(index);
    }
    Some(found)
}

/// Byte ranges covering the found tokens, one per run of consecutive
/// positions, so an exact phrase is one highlight including its spaces.
fn joined_runs(tokens: &[Token], mut found: Vec<usize>) -> Vec<Range<usize>> {
    found.sort_unstable();
    let mut runs: Vec<(usize, Range<usize>)> = Vec::new();
    for index in found {
        let token = &tokens[index];
        match runs.last_mut() {
            Some((position, range)) if token.position == *position + 1 => {
                *position = token.position;
                range.end = token.to;
            }
            _ => runs.push((token.position, token.from..token.to)),
        }
    }
    runs.into_iter().map(|(_, range)| range).collect()
}

/// `spans` in order, those that overlap or touch (words written without a
/// space between them, as in Chinese) made one.
fn merge(mut spans: Vec<Span>) -> Vec<Span> {
    spans.sort_by_key(|s| (s.range.start, s.range.end));
    let mut merged: Vec<Span> = Vec::with_capacity(spans.len());
    for span in spans {
        match merged.last_mut() {
            Some(last) if span.range.start <= last.range.end => {
                last.range.end = last.range.end.max(span.range.end);
                last.matchers |= span.matchers;
                last.typed |= span.typed;
            }
            _ => merged.push(span),
        }
    }
    merged
}

/// The snippet of `text` of about `max_chars` characters around its best
/// cluster of `spans` (sorted and not overlapping, as [`HighlightPlan::find`]
/// gives them), or its start when there are none.
pub fn snippet(text: &str, spans: &[Span], max_chars: usize) -> Snippet {
    debug_assert!(spans.windows(2).all(|w| w[0].range.end <= w[1].range.start));
    let total_chars = text.chars().count();
    if total_chars <= max_chars {
        return Snippet {
            text: text.to_string(),
            highlights: spans.iter().map(|s| [s.range.start, s.range.end]).collect(),
        };
    }
    let span_chars = char_ranges(text, spans);
    let (core_start, core_end, core_first, core_last) =
        match best_cluster(spans, &span_chars, max_chars) {
            Some((first, last)) => (
                spans[first].range.start,
                spans[last].range.end,
                span_chars[first].start,
                span_chars[last].end,
            ),
            None => (0, 0, 0, 0),
        };
    let room = max_chars.saturating_sub(core_last - core_first);
    let mut first = core_first.saturating_sub(room / 2);
    let last = (first + max_chars).max(core_last).min(total_chars);
    first = first.min(last.saturating_sub(max_chars));
    // The window's ends in bytes, counted from the core, which they surround.
    let back = core_first - first;
    let first_byte = if back == 0 {
        core_start
    } else {
        text[..core_start]
            .char_indices()
            .rev()
            .nth(back - 1)
            .map_or(0, |(i, _)| i)
    };
    let last_byte = text[core_end..]
        .char_indices()
        .nth(last - core_last)
        .map_or(text.len(), |(i, _)| core_end + i);

    // Cut at word boundaries, inside the window, never inside the core.
    let mut start = word_bound_at_or_after(text, first_byte).min(core_start);
    let mut end = word_bound_at_or_before(text, last_byte).max(core_end);
    // A highlight straddling an edge is left out rather than shown in part.
    for span in spans {
        if span.range.start < start && start < span.range.end {
            start = span.range.end;
        }
        if span.range.start < end && end < span.range.end {
            end = span.range.start;
        }
    }
    let window = &text[start..end];
    let lead = window.len()
        - window
            .trim_start_matches(|c: char| {
                c.is_whitespace() || matches!(c, ',' | ';' | ':' | '.' | ')')
            })
            .len();
    start = (start + lead).min(core_start.max(start));
    end -= text[start..end].len() - text[start..end].trim_end().len();

    let prefix = if start > 0 { "…" } else { "" };
    let suffix = if end < text.len() { "…" } else { "" };
    let highlights = spans
        .iter()
        .filter(|s| start <= s.range.start && s.range.end <= end)
        .map(|s| {
            [
                s.range.start - start + prefix.len(),
                s.range.end - start + prefix.len(),
            ]
        })
        .collect();
    Snippet {
        text: format!("{prefix}{}{suffix}", &text[start..end]),
        highlights,
    }
}

/// Word boundaries (Unicode's rules) of `text` from the last whitespace
/// before `byte` on: a word never spans whitespace, so segmenting from
/// there gives the boundaries around `byte` without segmenting the whole
/// passage.
fn word_bounds_near(text: &str, byte: usize) -> impl Iterator<Item = usize> + '_ {
    let from = text[..byte].rfind(char::is_whitespace).unwrap_or(0);
    text[from..]
        .split_word_bound_indices()
        .map(move |(i, _)| from + i)
        .chain([text.len()])
}

/// The first word boundary at or after `byte` (a char boundary).
fn word_bound_at_or_after(text: &str, byte: usize) -> usize {
    word_bounds_near(text, byte)
        .find(|&bound| bound >= byte)
        .unwrap_or(text.len())
}

/// The last word boundary at or before `byte` (a char boundary).
fn word_bound_at_or_before(text: &str, byte: usize) -> usize {
    word_bounds_near(text, byte)
        .take_while(|&bound| bound <= byte)
        .last()
        .unwrap_or(0)
}

/// Where each of `spans` (sorted, not overlapping) stands in `text` in
/// characters, counted in one pass.
fn char_ranges(text: &str, spans: &[Span]) -> Vec<Range<usize>> {
    let mut chars = 0;
    let mut counted_to = 0;
    spans
        .iter()
        .map(|span| {
            chars += text[counted_to..span.range.start].chars().count();
            let start = chars;
            chars += text[span.range.clone()].chars().count();
            counted_to = span.range.end;
            start..chars
        })
        .collect()
}

/// The run of spans fitting in `max_chars` that covers the most distinct
/// matchers, then the most words as typed (`desplazados` over
/// `desplazadas` for `desplazados`), then the most matches; the earliest
/// such run on ties.
/// `span_chars` holds the spans' character ranges.
fn best_cluster(
    spans: &[Span],
    span_chars: &[Range<usize>],
    max_chars: usize,
) -> Option<(usize, usize)> {
    (0..spans.len())
        .map(|first| {
            let first_char = span_chars[first].start;
            let mut last = first;
            let mut covered = spans[first].matchers;
            let mut typed = usize::from(spans[first].typed);
            while last + 1 < spans.len() && span_chars[last + 1].end - first_char <= max_chars {
                last += 1;
                covered |= spans[last].matchers;
                typed += usize::from(spans[last].typed);
            }
            let score = (covered.count_ones(), typed, last - first + 1);
            // The earliest of equal runs: the greatest `Reverse(first)`.
            ((score, std::cmp::Reverse(first)), (first, last))
        })
        .max_by_key(|(key, _)| *key)
        .map(|(_, cluster)| cluster)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis;
    use crate::test_support::next_random;

    #[test]
    fn spans_that_overlap_or_touch_are_one_and_those_apart_stay_apart() {
        let span = |range: Range<usize>, matchers| Span {
            range,
            matchers,
            typed: true,
        };
        let merged = merge(vec![
            span(10..14, 0b100),
            span(0..4, 0b1),
            span(4..8, 0b10),
            span(12..20, 0b1000),
            span(21..25, 0b1),
        ]);
        assert_eq!(
            merged,
            [span(0..8, 0b11), span(10..20, 0b1100), span(21..25, 0b1)]
        );
    }

    #[test]
    fn matched_reports_each_terms_own_forms_even_where_matches_overlap() {
        let mut plan = HighlightPlan::with_labels(
            vec![
                Matcher::Word("plan".to_string()),
                Matcher::Phrase {
                    terms: vec![(0, "plan".to_string()), (1, "lazo".to_string())],
                    slop: 0,
                },
                Matcher::Word("revoke".to_string()),
            ],
            vec!["plans".to_string(), "\"Plan LAZO\"".to_string()],
        );
        let matched = plan.matched(
            "Plan LAZO, then Plan Colombia; they revoked it.",
            Language::ENGLISH,
        );
        assert_eq!(
            matched,
            [
                Matched {
                    query: "plans".to_string(),
                    forms: vec!["Plan".to_string()],
                },
                Matched {
                    query: "\"Plan LAZO\"".to_string(),
                    forms: vec!["Plan LAZO".to_string()],
                },
                Matched {
                    query: "revoke".to_string(),
                    forms: vec!["revoked".to_string()],
                },
            ]
        );
        assert!(plan.matched("nothing here", Language::ENGLISH).is_empty());
        // One form however Unicode writes it.
        let mut plan = HighlightPlan::new(vec![Matcher::Word("cafe".to_string())]);
        let matched = plan.matched("The café and the cafe\u{301}.", Language::ENGLISH);
        assert_eq!(matched[0].forms, ["café"]);
    }

    fn stem(word: &str) -> Matcher {
        Matcher::Word(word.to_string())
    }

    fn phrase(words: &str, slop: u32) -> Matcher {
        let tokens = Folding::default().tokens(words);
        Matcher::Phrase {
            terms: tokens
                .iter()
                .map(|t| (t.position - tokens[0].position, t.term.clone()))
                .collect(),
            slop,
        }
    }

    fn marked(text: &str, matchers: Vec<Matcher>) -> Vec<&str> {
        let spans = HighlightPlan::new(matchers).find(text, Language::ENGLISH);
        spans.iter().map(|s| &text[s.range.clone()]).collect()
    }

    #[test]
    fn a_phrase_marks_only_its_own_occurrences() {
        let text = "Plan Colombia came first. Later, Plan LAZO began; plan lazo again.";
        assert_eq!(
            marked(text, vec![phrase("Plan LAZO", 0)]),
            ["Plan LAZO", "plan lazo"]
        );
    }

    #[test]
    fn apostrophes_of_any_shape_match_in_phrases() {
        let text = "“Disobey Trump’s order!” Obey the order of humanity.";
        assert_eq!(
            marked(text, vec![phrase("Disobey Trump's order", 0)]),
            ["Disobey Trump’s order"]
        );
    }

    #[test]
    fn stems_and_folds_are_marked_on_the_original_characters() {
        let text = "They revoke it in Bogotá; it was revoked.";
        assert_eq!(
            marked(text, vec![stem("revoked"), stem("bogota")]),
            ["revoke", "Bogotá", "revoked"]
        );
    }

    #[test]
    fn sloppy_phrases_mark_each_word_and_respect_the_slop() {
        let text = "Colombia adopted, in 1964, Plan LAZO.";
        assert!(marked(text, vec![phrase("Colombia LAZO", 3)]).is_empty());
        assert_eq!(
            marked(text, vec![phrase("Colombia LAZO", 4)]),
            ["Colombia", "LAZO"]
        );
    }

    #[test]
    fn stem_matches_agree_with_stemming_the_whole_text() {
        let text = "Cries and crying; the cry, cried! Ties tied, tying. Happy happiness happily. \
                    Studies studied studying. Agreed agreement. Ran running runs. Bogotá’s Gaitàn";
        let all = Folding::default().tokens(text);
        for word in [
            "cry", "tie", "happy", "study", "agree", "run", "bogota", "gaitan", "s",
        ] {
            let stem = analysis::stem(Language::ENGLISH, word).into_owned();
            let expected: Vec<&str> = all
                .iter()
                .filter(|t| analysis::stem(Language::ENGLISH, &t.term) == stem)
                .map(|t| &text[t.from..t.to])
                .collect();
            let found = HighlightPlan::new(vec![Matcher::Word(word.to_string())])
                .find(text, Language::ENGLISH);
            let found: Vec<&str> = found.iter().map(|s| &text[s.range.clone()]).collect();
            assert_eq!(found, expected, "{word}");
        }
    }

    #[test]
    fn prefixes_mark_words_that_start_with_them() {
        assert_eq!(
            marked(
                "Revocation and revoked, not evoked.",
                vec![Matcher::Prefix("revo".into())]
            ),
            ["Revocation", "revoked"]
        );
    }

    #[test]
    fn a_short_snippet_shows_the_word_as_typed_over_another_form_of_it() {
        let spanish = Language::from_code("es").unwrap();
        let text = format!(
            "Las familias desplazadas llegaron. {}Los desplazados volvieron.",
            "Otra frase sin nada. ".repeat(10)
        );
        let spans =
            HighlightPlan::new(vec![Matcher::Word("desplazados".into())]).find(&text, spanish);
        assert_eq!(spans.len(), 2);
        let shown = snippet(&text, &spans, 30);
        let [[from, to]] = shown.highlights[..] else {
            panic!("{shown:?}")
        };
        assert_eq!(&shown.text[from..to], "desplazados", "{shown:?}");
        // Either form alone: the one there is.
        let other = "Las familias desplazadas llegaron a la ciudad en la noche del martes.";
        let spans =
            HighlightPlan::new(vec![Matcher::Word("desplazados".into())]).find(other, spanish);
        let shown = snippet(other, &spans, 30);
        let [[from, to]] = shown.highlights[..] else {
            panic!("{shown:?}")
        };
        assert_eq!(&shown.text[from..to], "desplazadas");
    }

    #[test]
    fn short_text_is_its_own_snippet() {
        let text = "Plan LAZO began.";
        let spans = HighlightPlan::new(vec![phrase("plan lazo", 0)]).find(text, Language::ENGLISH);
        let snippet = snippet(text, &spans, 200);
        assert_eq!(snippet.text, text);
        assert_eq!(snippet.highlights, [[0, 9]]);
    }

    #[test]
    fn long_text_is_cut_at_words_around_the_match_with_ellipses() {
        let text = format!(
            "{}the Plan LAZO of 1964 {}",
            "filler words here ".repeat(30),
            "and more text ".repeat(30)
        );
        let spans = HighlightPlan::new(vec![phrase("plan lazo", 0)]).find(&text, Language::ENGLISH);
        let snippet = snippet(&text, &spans, 80);
        assert!(
            snippet.text.starts_with('…') && snippet.text.ends_with('…'),
            "{}",
            snippet.text
        );
        let inner = snippet.text.trim_matches('…');
        assert!(inner.chars().count() <= 80);
        assert!(
            text.contains(inner),
            "snippet text must come from the passage"
        );
        for word in inner.split(' ') {
            assert!(
                [
                    "filler", "words", "here", "the", "Plan", "LAZO", "of", "1964", "and", "more",
                    "text"
                ]
                .contains(&word),
                "cut word {word:?}"
            );
        }
        let [start, end] = snippet.highlights[0];
        assert_eq!(&snippet.text[start..end], "Plan LAZO");
    }

    #[test]
    fn multibyte_characters_at_the_edges_stay_whole() {
        let text = format!(
            "{}Gaitán {}",
            "ñandú señor ".repeat(40),
            "año café ".repeat(40)
        );
        let spans = HighlightPlan::new(vec![stem("gaitan")]).find(&text, Language::ENGLISH);
        for max in [10, 31, 57, 80, 200] {
            let snippet = snippet(&text, &spans, max);
            let [start, end] = snippet.highlights[0];
            assert_eq!(&snippet.text[start..end], "Gaitán");
            assert!(snippet.text.trim_matches('…').chars().count() <= max.max(6));
        }
    }

    #[test]
    fn windows_count_characters_not_bytes() {
        let words = ["ñandú", "señor", "año", "café", "x", "Gaitán", "—", "中文"];
        let mut seed = 7u32;
        for round in 0..200 {
            let text: Vec<&str> = (0..40 + round % 50)
                .map(|_| words[next_random(&mut seed) as usize % words.len()])
                .collect();
            let text = text.join(" ");
            let spans = HighlightPlan::new(vec![stem("gaitan"), stem("cafe")])
                .find(&text, Language::ENGLISH);
            let max = 20 + round % 60;
            let snippet = snippet(&text, &spans, max);
            let inner = snippet.text.trim_matches('…');
            assert!(text.contains(inner), "{round}");
            assert!(
                inner.chars().count() <= max,
                "{round}: {} > {max}",
                inner.chars().count()
            );
            for [start, end] in &snippet.highlights {
                assert!(["Gaitán", "café"].contains(&&snippet.text[*start..*end]));
            }
            assert!(
                spans.is_empty() || !snippet.highlights.is_empty(),
                "{round}"
            );
        }
    }

    #[test]
    fn the_window_prefers_the_cluster_with_the_most_distinct_matches() {
        let text = format!(
            "Petro spoke. {} Petro met Trump here. {}",
            "Unrelated words to fill the gap. ".repeat(10),
            "More unrelated words. ".repeat(10)
        );
        let spans =
            HighlightPlan::new(vec![stem("petro"), stem("trump")]).find(&text, Language::ENGLISH);
        let snippet = snippet(&text, &spans, 60);
        let marked: Vec<&str> = snippet
            .highlights
            .iter()
            .map(|[s, e]| &snippet.text[*s..*e])
            .collect();
        assert_eq!(marked, ["Petro", "Trump"]);
    }

    #[test]
    fn no_matches_give_the_start_of_the_passage() {
        let text = "word ".repeat(100);
        let snippet = snippet(text.trim(), &[], 20);
        assert!(snippet.text.starts_with("word") && snippet.text.ends_with('…'));
        assert!(snippet.highlights.is_empty());
    }

    #[test]
    fn a_phrase_straddling_the_window_edge_is_not_shown_in_half() {
        let text = format!("Petro {} Plan LAZO end.", "x ".repeat(20));
        let spans = HighlightPlan::new(vec![stem("petro"), phrase("plan lazo", 0)])
            .find(&text, Language::ENGLISH);
        for max in 5..60 {
            let snippet = snippet(&text, &spans, max);
            let marked: Vec<&str> = snippet
                .highlights
                .iter()
                .map(|[s, e]| &snippet.text[*s..*e])
                .collect();
            assert!(
                marked.iter().all(|m| *m == "Petro" || *m == "Plan LAZO"),
                "{max}: {marked:?}"
            );
            assert!(
                !snippet.text.contains("Plan …") && !snippet.text.ends_with("Plan…"),
                "{max}: {}",
                snippet.text
            );
        }
    }
}
