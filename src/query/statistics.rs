//! The figures BM25 scores with, gathered from several indexes (the shards
//! of one archive) and summed, so that a passage scores the same whichever
//! shard holds it: what Elasticsearch calls `dfs_query_then_fetch`.
//!
//! A search runs in two steps over the shards. First each shard reports,
//! for the query, its [`CorpusStatistics`] ([`Statistics::Gathering`]):
//! passages, tokens per field, the document frequency of every term the
//! scorers ask for, and of every word's stem (its inflections found in
//! that shard's dictionary, summed). Summed over the shards
//! ([`CorpusStatistics::add`]), these are exactly the figures one index of
//! the whole archive would give: each is a sum over segments, and a stem's
//! frequency is a sum over its words, which the shards hold in disjoint
//! sets of passages. Then each shard scores with the sums
//! ([`Statistics::Global`]).
//!
//! A stem's words depend on the languages it is stemmed in; an index stems
//! a query word in the languages its passages hold. So both steps stem in
//! the languages of the whole archive ([`CorpusStatistics::languages`]),
//! given to the first step.

use std::sync::{Arc, Mutex, PoisonError};

use tantivy::query::Bm25StatisticsProvider;
use tantivy::schema::{Field, Schema};
use tantivy::{Searcher, TantivyError, Term};

use crate::language::Language;
pub use crate::results::CorpusStatistics;

/// The key of a word's stem in one field: the field, the word as typed
/// and folded (a stem's words depend on both).
pub fn stem_key(field_name: &str, typed: &str, folded: &str) -> String {
    format!("{field_name}\u{1f}{typed}\u{1f}{folded}")
}

/// Where a search takes its BM25 figures from.
#[derive(Debug, Clone, Default)]
pub enum Statistics {
    /// From the index searched: a search of one index.
    #[default]
    Local,
    /// From the index searched, each figure used written down: the first
    /// step of a search over shards.
    Gathering(Arc<Mutex<CorpusStatistics>>),
    /// From the whole archive: the second step.
    Global(Arc<CorpusStatistics>),
}

impl Statistics {
    /// The languages words are stemmed in, when not the index's own.
    pub fn languages(&self) -> Option<Vec<Language>> {
        let languages = match self {
            Statistics::Local => return None,
            Statistics::Gathering(gathered) => gathered
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .languages
                .clone(),
            Statistics::Global(global) => global.languages.clone(),
        };
        Some(languages.into_iter().collect())
    }

    /// Writes down the document frequency of a stem, when gathering: the
    /// same figure however often the query asks for it (`govern OR govern`,
    /// or `plan title:plan`, whose title bonus and `title:` term share the
    /// key), as a term's is.
    pub fn note_stem(&self, key: String, doc_freq: u64) {
        if let Statistics::Gathering(gathered) = self {
            let mut gathered = gathered.lock().unwrap_or_else(PoisonError::into_inner);
            gathered.stems.insert(key, doc_freq);
        }
    }
}

/// A [`Bm25StatisticsProvider`] for tantivy's own scorers (terms,
/// phrases): the searcher's figures, written down when gathering, or the
/// archive's.
pub struct Provider<'a> {
    /// The index searched.
    pub searcher: &'a Searcher,
    /// Its schema, to name fields.
    pub schema: &'a Schema,
    /// Where figures come from.
    pub statistics: &'a Statistics,
}

impl Provider<'_> {
    fn missing(what: String) -> TantivyError {
        TantivyError::InvalidArgument(format!(
            "the archive's statistics have no figure for {what}: gather them for this query"
        ))
    }
}

impl Bm25StatisticsProvider for Provider<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        let name = self.schema.get_field_name(field);
        match self.statistics {
            Statistics::Global(global) => global
                .tokens
                .get(name)
                .copied()
                .ok_or_else(|| Provider::missing(format!("the tokens of field {name}"))),
            // Gathering writes down every field's tokens anyway: a shard
            // holding none of a field's words has tokens there all the same.
            Statistics::Local | Statistics::Gathering(_) => self.searcher.total_num_tokens(field),
        }
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        match self.statistics {
            Statistics::Global(global) => Ok(global.documents),
            _ => Bm25StatisticsProvider::total_num_docs(self.searcher),
        }
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        let field = self.schema.get_field_name(term.field());
        let value = term.value();
        let text = value.as_str().unwrap_or_default();
        match self.statistics {
            Statistics::Global(global) => global
                .terms
                .get(field)
                .and_then(|terms| terms.get(text))
                .copied()
                .ok_or_else(|| Provider::missing(format!("{field}:{text}"))),
            Statistics::Local => self.searcher.doc_freq(term),
            Statistics::Gathering(gathered) => {
                let doc_freq = self.searcher.doc_freq(term)?;
                let mut gathered = gathered.lock().unwrap_or_else(PoisonError::into_inner);
                gathered
                    .terms
                    .entry(field.to_string())
                    .or_default()
                    .insert(text.to_string(), doc_freq);
                Ok(doc_freq)
            }
        }
    }
}
