//! An opened index and the searches run on it: query in, ranked hits with
//! snippets out.

use std::cmp::Ordering;
use std::path::{Path, PathBuf};

use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::schema::Value;
use tantivy::{DocAddress, Index, IndexReader, ReloadPolicy, Searcher, TantivyDocument};

use crate::analysis;
use crate::date::Date;
use crate::error::{Error, Result};
use crate::highlight;
use crate::indexer::{self, META_FILE};
use crate::ingest::DateOrigin;
use crate::query::{self, DateRange};
use crate::schema::{self, Fields, SCHEMA_VERSION};

/// Default number of hits returned.
pub const DEFAULT_LIMIT: usize = 10;
/// Default snippet length, in characters.
pub const DEFAULT_SNIPPET_CHARS: usize = 200;

/// A search to run: the query and its options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchRequest {
    /// The query, in cita's query language (see the README).
    pub query: String,
    /// How many hits to return (0: only count).
    pub limit: usize,
    /// How many of the best hits to skip, for paging.
    pub offset: usize,
    /// Only passages of documents published on or after this day.
    pub since: Option<Date>,
    /// Only passages of documents published on or before this day.
    pub until: Option<Date>,
    /// Snippet length in characters (at least 1).
    pub snippet_chars: usize,
}

impl SearchRequest {
    /// A request for the best [`DEFAULT_LIMIT`] hits of `query`, unfiltered.
    pub fn new(query: impl Into<String>) -> SearchRequest {
        SearchRequest {
            query: query.into(),
            limit: DEFAULT_LIMIT,
            offset: 0,
            since: None,
            until: None,
            snippet_chars: DEFAULT_SNIPPET_CHARS,
        }
    }
}

/// The answer to a search: the JSON contract of `cita search --format json`.
#[derive(Debug, Clone, Serialize)]
pub struct SearchResults {
    /// The query as given.
    pub query: String,
    /// How many passages match in all (not only those returned).
    pub total: u64,
    /// The returned hits, best first.
    pub hits: Vec<Hit>,
}

/// One matching passage.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    /// 1-based rank among all matches (paging included).
    pub rank: usize,
    /// Relevance score (BM25 with cita's boosts); higher is better.
    pub score: f32,
    /// Stable passage id: same file and same text, same id.
    pub id: String,
    /// Document path relative to the corpus root, with `/`.
    pub source: String,
    /// Document title.
    pub title: String,
    /// The publication the document came from, when known.
    pub publication: Option<String>,
    /// The document's URL, when known.
    pub url: Option<String>,
    /// Publication date.
    pub date: Option<Date>,
    /// Where the date came from: the document's metadata, or inferred from its text.
    pub date_origin: Option<DateOrigin>,
    /// Nearest heading above the passage.
    pub section: Option<String>,
    /// 1-based paragraph ordinal in the document.
    pub paragraph: u32,
    /// 1-based part of a paragraph split for length.
    pub part: u32,
    /// `[start, end)` byte range of the passage in its source file; `None`
    /// where the format has no meaningful offsets (HTML, PDF, JSON, and text
    /// decoded from another encoding).
    pub byte_range: Option<[usize; 2]>,
    /// 1-based page the passage is on (PDF); `None` for other formats.
    pub page: Option<u32>,
    /// The record's line (JSON Lines) or position (JSON array); `None` for other formats.
    pub record: Option<u64>,
    /// The whole passage.
    pub text: String,
    /// About `snippet_chars` characters of the passage around its best matches.
    pub snippet: String,
    /// `[start, end)` byte offsets of the matches in `snippet`, in order.
    pub highlights: Vec<[usize; 2]>,
}

/// Size figures of an index.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    /// The index folder.
    pub index: PathBuf,
    /// Documents (files) indexed.
    pub documents: u64,
    /// Passages indexed.
    pub passages: u64,
    /// Bytes the index takes on disk.
    pub size_bytes: u64,
}

/// An opened index, ready to search.
pub struct Archive {
    path: PathBuf,
    reader: IndexReader,
    fields: Fields,
    documents: u64,
}

impl Archive {
    /// Whether an index (of any version) exists at `path`.
    pub fn exists(path: &Path) -> bool {
        path.join(META_FILE).is_file()
    }

    /// Opens the index at `path`, checking it was built by a compatible cita.
    pub fn open(path: &Path) -> Result<Archive> {
        if !Archive::exists(path) {
            return Err(Error::NoIndex {
                path: path.to_path_buf(),
            });
        }
        let index = Index::open_in_dir(path)?;
        let incompatible = |found: String| Error::IncompatibleIndex {
            path: path.to_path_buf(),
            found,
            expected: SCHEMA_VERSION,
        };
        let documents = match indexer::read_payload(&index) {
            Some(p) if p.cita_schema == SCHEMA_VERSION => p.documents,
            Some(p) => return Err(incompatible(p.cita_schema.to_string())),
            None => return Err(incompatible("unknown".to_string())),
        };
        let fields = schema::fields_of(&index.schema())
            .ok_or_else(|| incompatible("unknown".to_string()))?;
        analysis::register(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Archive {
            path: path.to_path_buf(),
            reader,
            fields,
            documents,
        })
    }

    /// The index folder.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs a search.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        if request.snippet_chars == 0 {
            return Err(Error::InvalidOption(
                "the snippet length must be at least 1 character".to_string(),
            ));
        }
        if let (Some(since), Some(until)) = (request.since, request.until)
            && since > until
        {
            return Err(Error::InvalidOption(format!(
                "the start date {since} is after the end date {until}: no date can match"
            )));
        }
        let node = query::parse(&request.query)?;
        let dates = DateRange {
            since: request.since,
            until: request.until,
        };
        let mut compiled = query::compile(&node, &self.fields, dates)?;
        let searcher = self.reader.searcher();
        let wanted = request.offset.saturating_add(request.limit);
        if request.limit == 0 {
            let total = searcher.search(&*compiled.query, &Count)? as u64;
            return Ok(SearchResults {
                query: request.query.clone(),
                total,
                hits: Vec::new(),
            });
        }

        // Ties are broken by (source, paragraph, part), which tantivy does not
        // know; fetch past the cut until the last kept score differs from the
        // next one, so equal scores are never cut arbitrarily.
        // More than every passage is never needed (and a huge --limit must not allocate).
        let mut fetch = wanted
            .saturating_add(1)
            .min(searcher.num_docs() as usize + 1);
        let (top, total) = loop {
            let (top, total) = searcher.search(
                &*compiled.query,
                &(TopDocs::with_limit(fetch).order_by_score(), Count),
            )?;
            let boundary_tied = top.len() == fetch && top[wanted - 1].0 == top[fetch - 1].0;
            if !boundary_tied {
                break (top, total);
            }
            fetch = fetch.saturating_mul(2);
        };

        let mut candidates = top
            .into_iter()
            .map(|(score, address)| self.stored_hit(&searcher, score, address))
            .collect::<Result<Vec<_>>>()?;
        candidates.sort_by(|a, b| {
            b.score
                .partial_cmp(&a.score)
                .unwrap_or(Ordering::Equal)
                .then_with(|| a.source.cmp(&b.source))
                .then(a.paragraph.cmp(&b.paragraph))
                .then(a.part.cmp(&b.part))
        });
        let hits = candidates
            .into_iter()
            .enumerate()
            .skip(request.offset)
            .take(request.limit)
            .map(|(index, mut hit)| {
                hit.rank = index + 1;
                let spans = compiled.highlight.find(&hit.text);
                let snippet = highlight::snippet(&hit.text, &spans, request.snippet_chars);
                hit.snippet = snippet.text;
                hit.highlights = snippet.highlights;
                hit
            })
            .collect();
        Ok(SearchResults {
            query: request.query.clone(),
            total: total as u64,
            hits,
        })
    }

    /// A hit with its stored fields, before ranking and highlighting.
    fn stored_hit(&self, searcher: &Searcher, score: f32, address: DocAddress) -> Result<Hit> {
        let doc: TantivyDocument = searcher.doc(address)?;
        let f = &self.fields;
        let text = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        let optional = |field| doc.get_first(field).and_then(|v| v.as_u64());
        let number = |field| optional(field).unwrap_or(0);
        Ok(Hit {
            rank: 0,
            score,
            id: text(f.id).unwrap_or_default(),
            source: text(f.source).unwrap_or_default(),
            title: text(f.title).unwrap_or_default(),
            publication: text(f.publication),
            url: text(f.url),
            date: doc
                .get_first(f.date)
                .and_then(|v| v.as_i64())
                .and_then(Date::from_days),
            date_origin: text(f.date_origin).and_then(|origin| match origin.as_str() {
                "metadata" => Some(DateOrigin::Metadata),
                "text" => Some(DateOrigin::Text),
                _ => None,
            }),
            section: text(f.section),
            paragraph: number(f.paragraph) as u32,
            part: number(f.part) as u32,
            byte_range: optional(f.byte_start)
                .zip(optional(f.byte_end))
                .map(|(start, end)| [start as usize, end as usize]),
            page: optional(f.page).map(|page| page as u32),
            record: optional(f.record),
            text: text(f.text).unwrap_or_default(),
            snippet: String::new(),
            highlights: Vec::new(),
        })
    }

    /// Documents, passages and size on disk.
    pub fn stats(&self) -> Result<Stats> {
        let entries = std::fs::read_dir(&self.path).map_err(|err| Error::io(&self.path, err))?;
        let size_bytes = entries
            .filter_map(|entry| entry.ok()?.metadata().ok())
            .filter(|meta| meta.is_file())
            .map(|meta| meta.len())
            .sum();
        Ok(Stats {
            index: self.path.clone(),
            documents: self.documents,
            passages: self.reader.searcher().num_docs(),
            size_bytes,
        })
    }
}

/// Builds the index at `index` from `corpus` and opens it.
pub fn build_and_open(corpus: &Path, index: &Path) -> Result<(Archive, indexer::BuildReport)> {
    let report = indexer::build(corpus, index, &indexer::BuildOptions::default())?;
    Ok((Archive::open(index)?, report))
}
