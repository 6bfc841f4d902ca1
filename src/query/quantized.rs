//! Scores rounded so that their sums do not depend on the order of adding.
//!
//! tantivy sums the scores of an intersection's terms in the order of their
//! document frequencies in the segment, and those of a union (or a match
//! that needs some of its terms) in the order its heap yields them; both
//! orders differ between one index and its shards, and a float sum of three
//! terms or more can differ in its last bit with the order, which reordered
//! near ties. Each term of such a sum is rounded to a multiple of
//! [`SCORE_STEP`]: sums of such multiples are exact in any order below
//! 2^24 × `SCORE_STEP` (a float's 24 bits), far above what 32 words of an
//! exact form each score, so shards and one index score every match alike.

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term};

/// The step the terms of a sum are rounded to: fine enough to keep BM25's
/// differences, coarse enough for exact sums up to 65,536.
const SCORE_STEP: Score = 1.0 / 256.0;

/// `query`, its scores rounded to a multiple of [`SCORE_STEP`]. Only for a
/// term of a sum: a lone word's scorer prunes, and this wrapper would keep
/// it from doing so.
pub(crate) fn quantized(query: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(Quantized(query))
}

fn rounded(score: Score) -> Score {
    (score / SCORE_STEP).round() * SCORE_STEP
}

#[derive(Debug)]
struct Quantized(Box<dyn Query>);

impl Clone for Quantized {
    fn clone(&self) -> Quantized {
        Quantized(self.0.box_clone())
    }
}

impl Query for Quantized {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(QuantizedWeight(self.0.weight(scoring)?)))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.0.query_terms(visitor);
    }
}

struct QuantizedWeight(Box<dyn Weight>);

impl Weight for QuantizedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(QuantizedScorer(self.0.scorer(reader, boost)?)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let inner = self.0.explain(reader, doc)?;
        let mut explanation = Explanation::new("rounded to 1/256", rounded(inner.value()));
        explanation.add_detail(inner);
        Ok(explanation)
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        self.0.count(reader)
    }
}

struct QuantizedScorer(Box<dyn Scorer>);

impl DocSet for QuantizedScorer {
    fn advance(&mut self) -> DocId {
        self.0.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.0.seek(target)
    }

    fn doc(&self) -> DocId {
        self.0.doc()
    }

    fn size_hint(&self) -> u32 {
        self.0.size_hint()
    }

    fn cost(&self) -> u64 {
        self.0.cost()
    }
}

impl Scorer for QuantizedScorer {
    fn score(&mut self) -> Score {
        rounded(self.0.score())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_of_rounded_scores_do_not_depend_on_their_order() {
        // Three BM25-like scores whose float sum differs with its order.
        let scores: [Score; 3] = [1_018.117_6, 12.514_406, 0.065_528_86];
        assert_ne!(
            (scores[0] + scores[1]) + scores[2],
            (scores[2] + scores[1]) + scores[0],
            "the order of adding matters for these"
        );
        let rounded = scores.map(rounded);
        assert_eq!(
            (rounded[0] + rounded[1]) + rounded[2],
            (rounded[2] + rounded[1]) + rounded[0]
        );
    }
}
