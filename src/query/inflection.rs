//! Matching a word in any inflection, with no stemmed copy of the text in
//! the index.
//!
//! The index holds folded words only: one positional field instead of two
//! halves its size and build time (see `BENCHMARKS.md`). A query word is
//! expanded at search time into the indexed words that share its English
//! stem, read from each segment's term dictionary. Snowball stems are
//! prefixes of their words except where the stem's last letter stands for
//! another (`happy` → `happi`, an `i` in the word for a final `e`, `l` or
//! `y` of the stem) and four `-ying` forms (`dying` → `die`); so at most
//! three short dictionary ranges are read and stemmed. Measured on the 78 MB
//! bench vocabulary (192,626 words), these ranges hold every word of every
//! stem.
//!
//! The expansion is scored as one term, the way a stemmed field would score
//! it: term frequencies summed, one document frequency for the stem. The
//! form the user typed also adds a constant tier, so passages with the
//! exact form rank first.

use std::collections::BTreeSet;
use std::fmt;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{Bm25Weight, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED, TantivyError, Term};

use crate::analysis;

/// Matches every word of the text field `field` whose stem is `stem`.
#[derive(Clone)]
pub struct InflectionQuery {
    field: Field,
    stem: String,
    /// The folded form the user typed, scoring `exact_bonus` where it occurs.
    exact: Option<String>,
    exact_bonus: Score,
}

impl InflectionQuery {
    /// Inflections of `stem` in `field`; `exact` (a folded word) adds
    /// `exact_bonus` to the score of every passage where it occurs itself.
    pub fn new(field: Field, stem: String, exact: Option<String>, exact_bonus: Score) -> Self {
        InflectionQuery {
            field,
            stem,
            exact,
            exact_bonus,
        }
    }
}

impl fmt::Debug for InflectionQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Inflections({:?}, {:?})", self.field, self.stem)
    }
}

impl Query for InflectionQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let searcher = scoring.searcher().ok_or_else(|| {
            TantivyError::InvalidArgument("inflections are read from an open index".to_string())
        })?;
        let words = inflections(searcher, self.field, &self.stem)?;
        let terms: Vec<(Term, bool)> = words
            .into_iter()
            .map(|word| {
                let exact = self.exact.as_deref() == Some(word.as_str());
                (Term::from_field_text(self.field, &word), exact)
            })
            .collect();
        let bm25 = if scoring.is_scoring_enabled() && !terms.is_empty() {
            let docs = searcher.num_docs().max(1);
            let tokens: u64 = searcher
                .segment_readers()
                .iter()
                .map(|segment| Ok(segment.inverted_index(self.field)?.total_num_tokens()))
                .sum::<tantivy::Result<u64>>()?;
            // A stem's document frequency is at least that of its most
            // frequent word and at most the sum; the sum keeps rare
            // stems rare and common ones common, which is what idf is for.
            let mut doc_freq = 0u64;
            for (term, _) in &terms {
                doc_freq += searcher.doc_freq(term)?;
            }
            Some(Bm25Weight::for_one_term(
                doc_freq.min(docs),
                docs,
                tokens as Score / docs as Score,
            ))
        } else {
            None
        };
        Ok(Box::new(InflectionWeight {
            field: self.field,
            stem: self.stem.clone(),
            terms,
            bm25,
            exact_bonus: self.exact_bonus,
        }))
    }
}

/// The indexed words of `field` whose stem is `stem`, across all segments, sorted.
pub fn inflections(searcher: &Searcher, field: Field, stem: &str) -> tantivy::Result<Vec<String>> {
    let mut found = BTreeSet::new();
    let mut rejected = BTreeSet::new();
    for segment in searcher.segment_readers() {
        let index = segment.inverted_index(field)?;
        for prefix in candidate_prefixes(stem) {
            let mut words = index.terms().range().ge(prefix.as_bytes()).into_stream()?;
            while words.advance() {
                let key = words.key();
                if !key.starts_with(prefix.as_bytes()) {
                    break;
                }
                let Ok(word) = std::str::from_utf8(key) else {
                    continue;
                };
                if found.contains(word) || rejected.contains(word) {
                    continue;
                }
                if analysis::stem(word) == stem {
                    found.insert(word.to_string());
                } else {
                    rejected.insert(word.to_string());
                }
            }
        }
    }
    Ok(found.into_iter().collect())
}

/// The dictionary prefixes under which every word with stem `stem` lies.
fn candidate_prefixes(stem: &str) -> Vec<String> {
    let mut prefixes = vec![stem.to_string()];
    let mut chars = stem.chars();
    let respelled = match chars.next_back() {
        Some('i') => Some('y'),
        Some('e' | 'l' | 'y') => Some('i'),
        _ => None,
    };
    if let Some(letter) = respelled {
        prefixes.push(format!("{}{letter}", chars.as_str()));
    }
    if let "die" | "lie" | "tie" | "vie" = stem {
        prefixes.push(format!("{}ying", &stem[..1]));
    }
    prefixes
}

struct InflectionWeight {
    field: Field,
    stem: String,
    /// Each inflection, and whether it is the form the user typed.
    terms: Vec<(Term, bool)>,
    /// `None` when scoring is disabled.
    bm25: Option<Bm25Weight>,
    exact_bonus: Score,
}

impl InflectionWeight {
    fn inflection_scorer(
        &self,
        reader: &SegmentReader,
        boost: Score,
    ) -> tantivy::Result<InflectionScorer> {
        let index = reader.inverted_index(self.field)?;
        let record = if self.bm25.is_some() {
            IndexRecordOption::WithFreqs
        } else {
            IndexRecordOption::Basic
        };
        let mut postings = Vec::with_capacity(self.terms.len());
        for (term, exact) in &self.terms {
            if let Some(list) = index.read_postings(term, record)? {
                postings.push((list, *exact));
            }
        }
        let fieldnorms = match &self.bm25 {
            Some(_) => reader.get_fieldnorms_reader(self.field)?,
            None => FieldNormReader::constant(reader.max_doc(), 1),
        };
        let mut scorer = InflectionScorer {
            postings,
            doc: 0,
            fieldnorms,
            bm25: self.bm25.as_ref().map(|bm25| bm25.boost_by(boost)),
            exact_bonus: self.exact_bonus * boost,
        };
        scorer.doc = scorer.lowest();
        Ok(scorer)
    }
}

impl Weight for InflectionWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(self.inflection_scorer(reader, boost)?))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.inflection_scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document #{doc} does not match"
            )));
        }
        let (frequency, exact) = scorer.frequency();
        let mut explanation =
            Explanation::new_with_string(format!("inflections of `{}`", self.stem), scorer.score());
        explanation.add_const("summed term frequency", frequency as Score);
        if exact {
            explanation.add_const("exact form typed", scorer.exact_bonus);
        }
        Ok(explanation)
    }
}

/// The union of the inflections' postings, scored as one term.
struct InflectionScorer {
    postings: Vec<(SegmentPostings, bool)>,
    doc: DocId,
    fieldnorms: FieldNormReader,
    bm25: Option<Bm25Weight>,
    exact_bonus: Score,
}

impl InflectionScorer {
    fn lowest(&self) -> DocId {
        self.postings
            .iter()
            .map(|(list, _)| list.doc())
            .min()
            .unwrap_or(TERMINATED)
    }

    /// The summed frequency of the inflections in the current document, and
    /// whether the typed form is among them.
    fn frequency(&self) -> (u32, bool) {
        let mut frequency = 0;
        let mut exact = false;
        for (list, is_exact) in &self.postings {
            if list.doc() == self.doc {
                frequency += list.term_freq();
                exact |= is_exact;
            }
        }
        (frequency, exact)
    }
}

impl DocSet for InflectionScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        for (list, _) in &mut self.postings {
            if list.doc() == self.doc {
                list.advance();
            }
        }
        self.doc = self.lowest();
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        for (list, _) in &mut self.postings {
            if list.doc() < target {
                list.seek(target);
            }
        }
        self.doc = self.lowest();
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.postings
            .iter()
            .map(|(list, _)| list.size_hint())
            .fold(0u32, u32::saturating_add)
    }
}

impl Scorer for InflectionScorer {
    fn score(&mut self) -> Score {
        let Some(bm25) = &self.bm25 else {
            return 1.0;
        };
        let (frequency, exact) = self.frequency();
        let bonus = if exact { self.exact_bonus } else { 0.0 };
        bm25.score(self.fieldnorms.fieldnorm_id(self.doc), frequency) + bonus
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidate_prefixes_cover_the_stemmer_s_spelling_changes() {
        for word in [
            "happy",
            "happiness",
            "happily",
            "cries",
            "crying",
            "dying",
            "lies",
            "running",
            "agreed",
            "gently",
            "studies",
            "governments",
            "bogota",
        ] {
            let stem = analysis::stem(word);
            assert!(
                candidate_prefixes(&stem)
                    .iter()
                    .any(|prefix| word.starts_with(prefix.as_str())),
                "{word} (stem {stem}) lies outside {:?}",
                candidate_prefixes(&stem)
            );
        }
    }
}
