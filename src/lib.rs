//! cita: full-text search over a researcher's archive, passage by passage.
//!
//! Data flows one way through the modules: [`ingest`] reads files into
//! documents, [`passage`] splits them into paragraphs with their section,
//! [`analysis`] and [`schema`] define how text becomes terms, [`indexer`]
//! writes the tantivy index, [`query`] turns the query language into tantivy
//! queries, [`highlight`] marks matches and cuts snippets, [`views`] count,
//! group and line up matches, [`Archive`] runs searches and returns the
//! typed [`results`], [`output`] renders them, and `server` (feature
//! `server`) answers the same searches over HTTP.
//!
//! Without default features the library depends on none of the command
//! line's or the server's crates: `cita = { default-features = false }`.
//!
//! ```no_run
//! use cita::{Archive, SearchRequest};
//!
//! let archive = Archive::open("index".as_ref())?;
//! let results = archive.search(&SearchRequest::new("\"Plan LAZO\""))?;
//! for hit in &results.hits {
//!     let passage = &hit.passage;
//!     println!("{} {} ¶{}: {}", hit.rank, passage.source, passage.paragraph, hit.snippet);
//! }
//! # Ok::<(), cita::Error>(())
//! ```

// Each module imports only modules before it in the pipeline; the order
// is listed in `tests/layout.rs`, which checks it.
pub mod analysis;
mod archive;
pub mod copy_map;
pub mod date;
mod error;
pub mod highlight;
pub mod indexer;
pub mod ingest;
pub mod language;
pub mod output;
pub mod passage;
pub mod query;
mod ranking;
pub mod results;
pub mod schema;
#[cfg(feature = "server")]
pub mod server;
mod store;
pub mod views;

pub use archive::{Archive, build_and_open};
pub use date::Date;
pub use error::{Advice, Error, Result, shell_word};
pub use indexer::{BuildObserver, BuildOptions, BuildReport, build, build_with};
pub use ingest::{Format, SkipReason, Warning};
pub use language::Language;
pub use results::{
    ALL, CITA_VERSION, Counts, DEFAULT_LIMIT, DEFAULT_SNIPPET_CHARS, Extraction, FilterText, Group,
    Hit, IndexCheck, IndexedPassage, OnHit, PassageInContext, Period, SearchRequest, SearchResults,
    Sort, Stats, Timeline, YearRange,
};
pub use views::{batch, kwic};

/// Helpers for the unit tests: random inputs and small indexes for the
/// scorers.
#[cfg(test)]
pub(crate) mod test_support {
    use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
    use tantivy::{Index, IndexWriter, Searcher, TantivyDocument, Term};

    use crate::analysis;

    /// The next number of a xorshift sequence: reproducible pseudo-random
    /// inputs for differential tests, without a dependency.
    pub fn next_random(seed: &mut u32) -> u32 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 17;
        *seed ^= *seed << 5;
        *seed
    }

    /// An index in RAM, one segment, with a positional folded text field
    /// per name in `fields`, holding `count` documents: `texts(doc)` gives
    /// each field's text in order (`None` leaves the field out). Then the
    /// documents with the word `deleted` in the first field are deleted.
    pub fn one_segment(
        fields: &[&str],
        count: u32,
        texts: impl Fn(u32) -> Vec<Option<String>>,
        deleted: Option<&str>,
    ) -> (Searcher, Vec<Field>) {
        let mut builder = Schema::builder();
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(analysis::FOLDED)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let options = TextOptions::default().set_indexing_options(indexing);
        let fields: Vec<Field> = fields
            .iter()
            .map(|name| builder.add_text_field(name, options.clone()))
            .collect();
        let index = Index::create_in_ram(builder.build());
        analysis::register(&index);
        let mut writer: IndexWriter<TantivyDocument> =
            index.writer_with_num_threads(1, 15_000_000).unwrap();
        for doc in 0..count {
            let mut document = TantivyDocument::new();
            for (&field, text) in fields.iter().zip(texts(doc)) {
                if let Some(text) = text {
                    document.add_text(field, text);
                }
            }
            writer.add_document(document).unwrap();
        }
        writer.commit().unwrap();
        if let Some(word) = deleted {
            writer.delete_term(Term::from_field_text(fields[0], word));
            writer.commit().unwrap();
        }
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 1);
        (searcher, fields)
    }
}
