//! The substance prior of [`crate::ranking::substance_bonus`] around a
//! query: each match's score gains the bonus its passage's length and kind
//! earn, read from the text field's norms (tantivy's per-document word
//! counts, one byte each) and the passages' kinds (read from the `kind`
//! column once per segment for the process, and looked up per match only
//! in a segment holding kinds that earn differently: tables and others),
//! so it costs a table lookup or two per match.
//!
//! The wrapped query keeps its own fast paths: counting, and pruning, where
//! the query is told to skip matches that cannot beat the threshold less
//! the most any bonus adds.

use std::sync::{Arc, LazyLock};

use tantivy::fieldnorm::FieldNormReader;
use tantivy::index::SegmentId;
use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::Field;
use tantivy::{DocId, DocSet, Score, SegmentReader, Term};

use super::segment_cache::SegmentCache;
use crate::ranking::{SUBSTANCE_BONUS, substance_bonus};
use crate::schema::{KINDS, names};

/// `inner`, each match scoring the substance bonus of its passage's length
/// in `field`, and of its kind, more.
#[derive(Debug)]
pub struct Substance {
    inner: Box<dyn Query>,
    field: Field,
}

impl Substance {
    /// `inner` with the bonus of the passages' lengths in `field` and kinds.
    pub fn new(inner: Box<dyn Query>, field: Field) -> Substance {
        Substance { inner, field }
    }
}

impl Clone for Substance {
    fn clone(&self) -> Substance {
        Substance {
            inner: self.inner.box_clone(),
            field: self.field,
        }
    }
}

impl Query for Substance {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let inner = self.inner.weight(scoring)?;
        if !scoring.is_scoring_enabled() {
            return Ok(inner);
        }
        Ok(Box::new(SubstanceWeight {
            inner,
            field: self.field,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.inner.query_terms(visitor);
    }
}

struct SubstanceWeight {
    inner: Box<dyn Weight>,
    field: Field,
}

/// The bonus of each kind and fieldnorm id (4 kinds of 256 lengths),
/// looked up per match.
static BY_KIND: LazyLock<[[Score; 256]; KINDS.len()]> = LazyLock::new(|| {
    let mut by_kind = [[0.0; 256]; KINDS.len()];
    for (bonuses, &kind) in by_kind.iter_mut().zip(&KINDS) {
        for (id, bonus) in bonuses.iter_mut().enumerate() {
            *bonus = substance_bonus(FieldNormReader::id_to_fieldnorm(id as u8), kind);
        }
    }
    by_kind
});

/// The kinds of a segment's passages, as the bonus needs them.
enum SegmentKinds {
    /// Every kind the segment holds earns alike (prose, code and lists
    /// do): the id of one of them (a place in [`KINDS`]), and no match
    /// needs its kind read.
    Alike(usize),
    /// Each passage's kind id (a place in [`KINDS`]), read once from the
    /// column: a copy, not a handle, so that the cache pins no file a
    /// merge has deleted.
    Read(Vec<u8>),
}

/// Each segment's [`SegmentKinds`], for the process: opening the column
/// on every search cost a rare word's search 1.8 times its time.
static KINDS_OF_SEGMENTS: SegmentCache<SegmentId, SegmentKinds> = SegmentCache::new(64 << 20);

impl SegmentKinds {
    fn of(reader: &SegmentReader) -> tantivy::Result<Arc<SegmentKinds>> {
        let segment = reader.segment_id();
        if let Some(kinds) = KINDS_OF_SEGMENTS.get(&segment) {
            return Ok(kinds);
        }
        let column = reader.fast_fields().u64(names::KIND)?;
        let (lowest, highest) = (column.min_value() as usize, column.max_value() as usize);
        let alike = BY_KIND
            .get(lowest..=highest)
            .is_some_and(|held| held.iter().all(|bonuses| *bonuses == held[0]));
        let kinds = match alike {
            true => SegmentKinds::Alike(lowest),
            // An id no cita writes (a damaged column) counts as prose's.
            false => SegmentKinds::Read(
                (0..reader.max_doc())
                    .map(|doc| column.first(doc).unwrap_or_default() as usize)
                    .map(|id| if id < KINDS.len() { id as u8 } else { 0 })
                    .collect(),
            ),
        };
        let size = match &kinds {
            SegmentKinds::Alike(_) => 0,
            SegmentKinds::Read(ids) => ids.len(),
        };
        Ok(KINDS_OF_SEGMENTS.keep(segment, Arc::new(kinds), size))
    }
}

/// What a segment's matches gain, looked up per match.
struct Bonuses {
    norms: FieldNormReader,
    kinds: Arc<SegmentKinds>,
}

impl Bonuses {
    fn of(reader: &SegmentReader, text: Field) -> tantivy::Result<Bonuses> {
        Ok(Bonuses {
            norms: reader.get_fieldnorms_reader(text)?,
            kinds: SegmentKinds::of(reader)?,
        })
    }

    fn of_doc(&self, doc: DocId) -> Score {
        let kind = match &*self.kinds {
            SegmentKinds::Read(ids) => usize::from(ids[doc as usize]),
            SegmentKinds::Alike(kind) => *kind,
        };
        BY_KIND[kind][usize::from(self.norms.fieldnorm_id(doc))]
    }
}

/// The threshold to hand the wrapped query so that it skips no match whose
/// score with a bonus can exceed `threshold`: less the largest bonus, and a
/// little more for the rounding of the sum.
fn inner_threshold(threshold: Score) -> Score {
    let lowered = threshold - SUBSTANCE_BONUS;
    lowered - (lowered.abs() * 1e-5 + 1e-3)
}

impl Weight for SubstanceWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(SubstanceScorer {
            inner: self.inner.scorer(reader, boost)?,
            bonuses: Bonuses::of(reader, self.field)?,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let inner = self.inner.explain(reader, doc)?;
        let bonus = Bonuses::of(reader, self.field)?.of_doc(doc);
        let mut explanation = Explanation::new("with the substance bonus", inner.value() + bonus);
        explanation.add_detail(inner);
        explanation.add_const("substance bonus of the passage's length and kind", bonus);
        Ok(explanation)
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        self.inner.count(reader)
    }

    fn for_each(
        &self,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score),
    ) -> tantivy::Result<()> {
        let bonuses = Bonuses::of(reader, self.field)?;
        self.inner.for_each(reader, &mut |doc, score| {
            callback(doc, score + bonuses.of_doc(doc));
        })
    }

    fn for_each_no_score(
        &self,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(&[DocId]),
    ) -> tantivy::Result<()> {
        self.inner.for_each_no_score(reader, callback)
    }

    fn for_each_pruning(
        &self,
        threshold: Score,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        let bonuses = Bonuses::of(reader, self.field)?;
        self.inner
            .for_each_pruning(inner_threshold(threshold), reader, &mut |doc, score| {
                inner_threshold(callback(doc, score + bonuses.of_doc(doc)))
            })
    }
}

struct SubstanceScorer {
    inner: Box<dyn Scorer>,
    bonuses: Bonuses,
}

impl DocSet for SubstanceScorer {
    fn advance(&mut self) -> DocId {
        self.inner.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.inner.seek(target)
    }

    fn doc(&self) -> DocId {
        self.inner.doc()
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }

    fn cost(&self) -> u64 {
        self.inner.cost()
    }
}

impl Scorer for SubstanceScorer {
    fn score(&mut self) -> Score {
        self.inner.score() + self.bonuses.of_doc(self.inner.doc())
    }
}
