//! An opened index and the searches run on it: query in, ranked hits with
//! snippets out.

use std::cmp::Ordering;
use std::path::{Path, PathBuf};

use serde::Serialize;
use tantivy::collector::{Count, DocSetCollector, TopDocs};
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, Index, IndexReader, ReloadPolicy, Searcher, TantivyDocument, Term};

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

/// One matching passage: the stored passage with what the search adds.
/// In JSON its fields are flat: `rank`, `score`, the passage's fields, then
/// `snippet` and `highlights`.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    /// 1-based rank among all matches (paging included).
    pub rank: usize,
    /// Relevance score (BM25 with cita's boosts); higher is better.
    pub score: f32,
    /// The passage and its document's metadata.
    #[serde(flatten)]
    pub passage: IndexedPassage,
    /// About `snippet_chars` characters of the passage around its best matches.
    pub snippet: String,
    /// `[start, end)` byte offsets of the matches in `snippet`, in order.
    pub highlights: Vec<[usize; 2]>,
}

/// A passage as stored in the index, with its document's metadata: what
/// [`Archive::passage`] returns and what every [`Hit`] carries.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndexedPassage {
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
}

/// A passage with its neighbours in the same document, in document order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PassageInContext {
    /// The passage asked for.
    pub passage: IndexedPassage,
    /// Up to `context` passages just before it, the earliest first.
    pub before: Vec<IndexedPassage>,
    /// Up to `context` passages just after it, the nearest first.
    pub after: Vec<IndexedPassage>,
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
}

impl Archive {
    /// Whether an index (of any version) exists at `path`.
    pub fn exists(path: &Path) -> bool {
        path.join(META_FILE).is_file()
    }

    /// Opens the index at `path`, checking it was built by a compatible cita.
    ///
    /// Searches see the index as it was when it was opened; call
    /// [`Archive::reload`] to see a later `cita index`, or use
    /// [`Archive::open_live`].
    pub fn open(path: &Path) -> Result<Archive> {
        Archive::open_with(path, ReloadPolicy::Manual)
    }

    /// Opens the index at `path` like [`Archive::open`], and keeps following
    /// it: a commit by `cita index` (in this process or another) becomes
    /// visible to later searches shortly after it lands (tantivy watches
    /// `meta.json`; typically within a second), without reopening. Searches
    /// already running keep the snapshot they started with. For long-running
    /// processes such as `cita serve`.
    pub fn open_live(path: &Path) -> Result<Archive> {
        Archive::open_with(path, ReloadPolicy::OnCommitWithDelay)
    }

    /// Makes later searches see the index's latest commit now.
    pub fn reload(&self) -> Result<()> {
        Ok(self.reader.reload()?)
    }

    fn open_with(path: &Path, policy: ReloadPolicy) -> Result<Archive> {
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
        match indexer::read_payload(&index) {
            Some(p) if p.cita_schema == SCHEMA_VERSION => {}
            Some(p) => return Err(incompatible(p.cita_schema.to_string())),
            // A first `cita index` still at work, or killed before its first commit.
            None if indexer::is_unfinished_first_build(&index) => {
                return Err(Error::NoIndex {
                    path: path.to_path_buf(),
                });
            }
            None => return Err(incompatible("unknown".to_string())),
        }
        let fields = schema::fields_of(&index.schema())
            .ok_or_else(|| incompatible("unknown".to_string()))?;
        analysis::register(&index);
        let reader = index.reader_builder().reload_policy(policy).try_into()?;
        Ok(Archive {
            path: path.to_path_buf(),
            reader,
            fields,
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
                .then_with(|| a.passage.source.cmp(&b.passage.source))
                .then(a.passage.paragraph.cmp(&b.passage.paragraph))
                .then(a.passage.part.cmp(&b.passage.part))
        });
        let hits = candidates
            .into_iter()
            .enumerate()
            .skip(request.offset)
            .take(request.limit)
            .map(|(index, mut hit)| {
                hit.rank = index + 1;
                let spans = compiled.highlight.find(&hit.passage.text);
                let snippet = highlight::snippet(&hit.passage.text, &spans, request.snippet_chars);
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
        Ok(Hit {
            rank: 0,
            score,
            passage: self.stored_passage(searcher, address)?,
            snippet: String::new(),
            highlights: Vec::new(),
        })
    }

    /// The stored fields of the passage at `address`.
    fn stored_passage(&self, searcher: &Searcher, address: DocAddress) -> Result<IndexedPassage> {
        let doc: TantivyDocument = searcher.doc(address)?;
        let f = &self.fields;
        let text = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        let optional = |field| doc.get_first(field).and_then(|v| v.as_u64());
        let number = |field| optional(field).unwrap_or(0);
        Ok(IndexedPassage {
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
        })
    }

    /// The passage whose id is `id`, with up to `context` passages of the
    /// same document on each side, in document order (paragraph, then part).
    /// `Ok(None)` when no passage has that id.
    pub fn passage(&self, id: &str, context: usize) -> Result<Option<PassageInContext>> {
        let searcher = self.reader.searcher();
        let by_id = TermQuery::new(
            Term::from_field_text(self.fields.id, id),
            IndexRecordOption::Basic,
        );
        let Some(&(_, address)) = searcher
            .search(&by_id, &TopDocs::with_limit(1).order_by_score())?
            .first()
        else {
            return Ok(None);
        };
        let passage = self.stored_passage(&searcher, address)?;
        if context == 0 {
            return Ok(Some(PassageInContext {
                passage,
                before: Vec::new(),
                after: Vec::new(),
            }));
        }

        // Every passage of the document with its paragraph number, read from
        // the fast field (cheap); stored fields are loaded only for the window.
        let same_source = TermQuery::new(
            Term::from_field_text(self.fields.source, &passage.source),
            IndexRecordOption::Basic,
        );
        let paragraph_field = searcher.schema().get_field_name(self.fields.paragraph);
        let mut numbered = Vec::new();
        for address in searcher.search(&same_source, &DocSetCollector)? {
            let column = searcher
                .segment_reader(address.segment_ord)
                .fast_fields()
                .u64(paragraph_field)?;
            numbered.push((column.first(address.doc_id).unwrap_or(0), address));
        }
        numbered.sort_unstable();
        // Parts of one paragraph share its number, so the `context` passages
        // on each side lie within these paragraph numbers.
        let paragraph = u64::from(passage.paragraph);
        let first = numbered.partition_point(|&(p, _)| p < paragraph);
        let end = numbered.partition_point(|&(p, _)| p <= paragraph);
        let low = numbered.get(first.saturating_sub(context)).map(|&(p, _)| p);
        let high = numbered
            .get(
                end.saturating_add(context)
                    .min(numbered.len())
                    .saturating_sub(1),
            )
            .map(|&(p, _)| p);
        let (Some(low), Some(high)) = (low, high) else {
            return Ok(Some(PassageInContext {
                passage,
                before: Vec::new(),
                after: Vec::new(),
            }));
        };
        let mut window = numbered
            .iter()
            .filter(|&&(p, other)| (low..=high).contains(&p) && other != address)
            .map(|&(_, other)| self.stored_passage(&searcher, other))
            .collect::<Result<Vec<_>>>()?;
        let order = |p: &IndexedPassage| (p.paragraph, p.part);
        window.sort_by_key(order);
        let at = window.partition_point(|p| order(p) < order(&passage));
        let after = window.split_off(at);
        let before = window.split_off(at.saturating_sub(context));
        Ok(Some(PassageInContext {
            passage,
            before,
            after: after.into_iter().take(context).collect(),
        }))
    }

    /// Documents, passages and size on disk, as of the latest commit this
    /// archive sees.
    pub fn stats(&self) -> Result<Stats> {
        let searcher = self.reader.searcher();
        let documents =
            indexer::read_payload(searcher.index()).map_or(0, |payload| payload.documents);
        let entries = std::fs::read_dir(&self.path).map_err(|err| Error::io(&self.path, err))?;
        let size_bytes = entries
            .filter_map(|entry| entry.ok()?.metadata().ok())
            .filter(|meta| meta.is_file())
            .map(|meta| meta.len())
            .sum();
        Ok(Stats {
            index: self.path.clone(),
            documents,
            passages: searcher.num_docs(),
            size_bytes,
        })
    }
}

/// Builds the index at `index` from `corpus` and opens it.
pub fn build_and_open(corpus: &Path, index: &Path) -> Result<(Archive, indexer::BuildReport)> {
    let report = indexer::build(corpus, index, &indexer::BuildOptions::default())?;
    Ok((Archive::open(index)?, report))
}
