//! Filters on a field's whole value: `--publication "El Tiempo"` keeps "El
//! Tiempo" (and "EL TIEMPO", "el tiempo": case and accents fold as in
//! words) but not "El Tiempo Latino", which the query language's
//! `publication:"El Tiempo"` (a phrase of its words) matches too.
//!
//! The values are read from the field's fast column (the whole name, the
//! value the facets count): its dictionary's names whose folded words are
//! the value's give their ordinals per segment; then each passage's
//! ordinal is compared, one column read per passage of the segment.

use tantivy::query::{
    BitSetDocSet, ConstScorer, EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight,
};
use tantivy::{DocId, Score, SegmentReader, TantivyError};

use crate::analysis::Folding;

/// Passages whose field (by name; a fast text column) holds `value`, its
/// words folded.
#[derive(Debug, Clone)]
pub struct WholeValueQuery {
    field: &'static str,
    value: String,
    words: Vec<String>,
}

impl WholeValueQuery {
    /// Passages whose fast text column `field` holds `value`, case and
    /// accents folded.
    pub fn new(field: &'static str, value: String) -> WholeValueQuery {
        let words = Folding::default().words(&value);
        WholeValueQuery {
            field,
            value,
            words,
        }
    }
}

impl Query for WholeValueQuery {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl WholeValueQuery {
    /// The passages of `reader`'s segment holding the value, a bit each
    /// (deleted ones included: collectors leave them out).
    fn passages(&self, reader: &SegmentReader) -> tantivy::Result<Option<BitSetDocSet>> {
        // A value of no words (`ʼ`, a word too long to index) names
        // nothing, not every name of none (`---`), which no facet lists.
        if self.words.is_empty() {
            return Ok(None);
        }
        let Some(column) = reader.fast_fields().str(self.field)? else {
            return Ok(None);
        };
        // Each of the segment's names is folded: a few publications, or
        // the senders of a mail archive (200,000 names take about 0.1 s).
        let mut folding = Folding::default();
        let mut ordinals = Vec::new();
        let mut names = column.dictionary().stream()?;
        while names.advance() {
            let name = String::from_utf8_lossy(names.key());
            if folding.words(&name) == self.words {
                ordinals.push(names.term_ord());
            }
        }
        if ordinals.is_empty() {
            return Ok(None);
        }
        let mut passages = tantivy::BitSet::with_max_value(reader.max_doc());
        for doc in 0..reader.max_doc() {
            if column.term_ords(doc).any(|held| ordinals.contains(&held)) {
                passages.insert(doc);
            }
        }
        Ok(Some(BitSetDocSet::from(passages)))
    }
}

impl Weight for WholeValueQuery {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(match self.passages(reader)? {
            Some(passages) => Box::new(ConstScorer::new(passages, boost)),
            None => Box::new(EmptyScorer),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if !super::matches(scorer.as_mut(), doc) {
            return Err(TantivyError::InvalidArgument(format!(
                "passage {doc} does not have {} {:?}",
                self.field, self.value
            )));
        }
        Ok(Explanation::new_with_string(
            format!("{} is {:?}", self.field, self.value),
            scorer.score(),
        ))
    }
}
