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

use std::collections::BTreeMap;
use std::fmt;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::index::SegmentId;
use tantivy::postings::TermInfo;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{Bm25Weight, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED, TantivyError};

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
        let found = Inflections::find(searcher, self.field, &self.stem)?;
        let exact = self
            .exact
            .as_deref()
            .and_then(|typed| found.words.iter().position(|word| word == typed));
        let bm25 = if scoring.is_scoring_enabled() && !found.words.is_empty() {
            let docs = searcher.num_docs().max(1);
            let tokens: u64 = searcher
                .segment_readers()
                .iter()
                .map(|segment| Ok(segment.inverted_index(self.field)?.total_num_tokens()))
                .sum::<tantivy::Result<u64>>()?;
            // A stem's document frequency is at least that of its most
            // frequent word and at most the sum; the sum keeps rare
            // stems rare and common ones common, which is what idf is for.
            let doc_freq: u64 = found
                .segments
                .iter()
                .flat_map(|(_, words)| words.iter())
                .map(|(_, info)| u64::from(info.doc_freq))
                .sum();
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
            found,
            exact,
            bm25,
            exact_bonus: self.exact_bonus,
        }))
    }
}

/// The indexed words of a field sharing one stem, and where each segment's
/// dictionary holds them (so postings open without a second lookup).
struct Inflections {
    /// Sorted.
    words: Vec<String>,
    /// Per segment, each word it holds (an index into `words`) and its entry.
    segments: Vec<(SegmentId, Vec<(usize, TermInfo)>)>,
}

impl Inflections {
    fn find(searcher: &Searcher, field: Field, stem: &str) -> tantivy::Result<Inflections> {
        // Every dictionary word under the candidate prefixes, per segment,
        // then kept where its stem is `stem` (each word stemmed once).
        let mut stems: BTreeMap<String, bool> = BTreeMap::new();
        let mut listed = Vec::new();
        for segment in searcher.segment_readers() {
            let index = segment.inverted_index(field)?;
            let mut entries = Vec::new();
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
                    if !stems.contains_key(word) {
                        stems.insert(word.to_string(), analysis::stem(word) == stem);
                    }
                    entries.push((word.to_string(), words.value().clone()));
                }
            }
            listed.push((segment.segment_id(), entries));
        }
        let words: Vec<String> = stems
            .into_iter()
            .filter_map(|(word, shares)| shares.then_some(word))
            .collect();
        let segments = listed
            .into_iter()
            .map(|(segment, entries)| {
                let held = entries
                    .into_iter()
                    .filter_map(|(word, info)| {
                        let at = words.binary_search(&word).ok()?;
                        Some((at, info))
                    })
                    .collect();
                (segment, held)
            })
            .collect();
        Ok(Inflections { words, segments })
    }

    /// The words `segment` holds, with their dictionary entries.
    fn in_segment(&self, segment: SegmentId) -> &[(usize, TermInfo)] {
        self.segments
            .iter()
            .find(|(id, _)| *id == segment)
            .map_or(&[], |(_, held)| held.as_slice())
    }
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
    found: Inflections,
    /// Which of `found.words` is the form the user typed.
    exact: Option<usize>,
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
        let held = self.found.in_segment(reader.segment_id());
        let mut postings = Vec::with_capacity(held.len());
        for (word, info) in held {
            let list = index.read_postings_from_terminfo(info, record)?;
            postings.push((list, self.exact == Some(*word)));
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
