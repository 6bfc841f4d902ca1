//! An opened index and the searches run on it: query in, ranked hits with
//! snippets out.

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use tantivy::collector::{Count, DocSetCollector, TopDocs};
use tantivy::columnar::{Column, StrColumn};
use tantivy::query::{BooleanQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{
    DocAddress, DocId, Index, IndexReader, ReloadPolicy, Searcher, SegmentOrdinal, SegmentReader,
    TantivyDocument, Term,
};

use crate::analysis;
use crate::date::Date;
use crate::error::{Error, Result};
use crate::highlight::{self, HighlightPlan, Matched};
use crate::indexer::{self, META_FILE};
use crate::ingest::DateOrigin;
use crate::query::inflection::InflectionQuery;
use crate::query::{self, DateRange};
use crate::ranking::{RankKey, SegmentTieOrder, TieKey, TopWithTies, by_rank};
use crate::research::{
    CITA_VERSION, Counts, FacetCount, Facets, Group, Period, Sort, Timeline, TimelineRow, YearRange,
};
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
    /// How many hits to return (0: only count; [`ALL`]: every match). With
    /// `group`, how many documents.
    pub limit: usize,
    /// How many of the best hits to skip, for paging.
    pub offset: usize,
    /// Only passages of documents published on or after this day.
    pub since: Option<Date>,
    /// Only passages of documents published on or before this day.
    pub until: Option<Date>,
    /// Snippet length in characters (at least 1).
    pub snippet_chars: usize,
    /// The order of the hits.
    pub sort: Sort,
    /// One entry per document: fill [`SearchResults::groups`] and return each
    /// document's best passage as its hit.
    pub group: bool,
    /// Count all matches per source and year into [`SearchResults::facets`].
    pub facets: bool,
    /// Only passages that mention a year in this range (see
    /// [`crate::ingest::dates::mentioned_years`]), whatever their publication date.
    pub mentions: Option<YearRange>,
    /// Add this many passages of the same document before and after each hit.
    pub context: usize,
    /// Add a ready-to-paste [`Hit::citation`] to each hit.
    pub cite: bool,
}

/// A [`SearchRequest::limit`] that returns every match (`cita search --all`).
pub const ALL: usize = usize::MAX;

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
            sort: Sort::Relevance,
            group: false,
            facets: false,
            mentions: None,
            context: 0,
            cite: false,
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
    /// The returned hits, best first (or in the requested sort order). With
    /// `group`, the best hit of each returned group.
    pub hits: Vec<Hit>,
    /// The version of cita that ran the search.
    pub cita_version: &'static str,
    /// A fingerprint of the indexed content (16 hex digits): the same
    /// passages give the same fingerprint, any added, removed or changed
    /// passage changes it.
    pub index_fingerprint: String,
    /// The hits grouped by document (with `group`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<Group>>,
    /// Counts of all matches per source and year (with `facets`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facets: Option<Facets>,
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
    /// Why the passage matched: each query term with the forms it matched.
    pub matched: Vec<Matched>,
    /// A ready-to-paste citation (with `cite`; see [`IndexedPassage::citation`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub citation: Option<String>,
    /// The passages just before it in its document, earliest first (with `context`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<Vec<IndexedPassage>>,
    /// The passages just after it in its document, nearest first (with `context`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<Vec<IndexedPassage>>,
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
    /// The years the passage mentions, ascending (see
    /// [`crate::ingest::dates::mentioned_years`]).
    pub mentions: Vec<u16>,
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
    /// What is read once per searcher generation, for the last one seen.
    generation: Mutex<Option<Arc<Generation>>>,
}

/// What a searcher generation needs read only once: the fingerprint its
/// commit recorded, and each segment's fast-field columns (opening them
/// costs more than a rare word's whole search).
struct Generation {
    id: u64,
    fingerprint: String,
    columns: Vec<SegmentColumns>,
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
            generation: Mutex::new(None),
        })
    }

    /// The index folder.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs a search: the hits asked for, in the order asked for, with
    /// snippets, highlights, `matched` and whatever else the request adds
    /// (groups, facets, context, citations).
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        let mut compiled = self.compile(request)?;
        let searcher = self.reader.searcher();
        let mut results = SearchResults {
            query: request.query.clone(),
            total: 0,
            hits: Vec::new(),
            cita_version: CITA_VERSION,
            index_fingerprint: self.fingerprint_of(&searcher)?,
            groups: None,
            facets: None,
        };
        if request.sort == Sort::Relevance && !request.group && !request.facets {
            if request.limit == 0 {
                results.total = searcher.search(&*compiled.query, &Count)? as u64;
                return Ok(results);
            }
            let (ranked, total) = self.top(&searcher, &*compiled.query, request)?;
            results.total = total;
            results.hits = ranked
                .into_iter()
                .map(|(rank, hit)| {
                    self.finish(&searcher, &mut compiled.highlight, request, rank, hit)
                })
                .collect::<Result<_>>()?;
            return Ok(results);
        }

        let mut matches = self.matches(&searcher, &*compiled.query)?;
        results.total = matches.len() as u64;
        if request.facets {
            results.facets = Some(facets_of(&matches));
        }
        sort_matches(&mut matches, request.sort);
        let ranked = matches.into_iter().enumerate().map(|(i, m)| (i + 1, m));
        if !request.group {
            results.hits = ranked
                .skip(request.offset)
                .take(request.limit)
                .map(|(rank, m)| {
                    let hit = self.stored_hit(&searcher, m.score, m.address)?;
                    self.finish(&searcher, &mut compiled.highlight, request, rank, hit)
                })
                .collect::<Result<_>>()?;
            return Ok(results);
        }
        let mut order: Vec<DocumentKey> = Vec::new();
        let mut members: HashMap<DocumentKey, Vec<(usize, Match)>> = HashMap::new();
        for (rank, m) in ranked {
            let key = (m.source.clone(), m.record);
            let entry = members.entry(key.clone()).or_default();
            if entry.is_empty() {
                order.push(key);
            }
            entry.push((rank, m));
        }
        let mut groups = Vec::new();
        for (index, key) in order
            .into_iter()
            .enumerate()
            .skip(request.offset)
            .take(request.limit)
        {
            let in_group = members.remove(&key).unwrap_or_default();
            let passages = in_group.len();
            let hits = in_group
                .into_iter()
                .map(|(rank, m)| {
                    let hit = self.stored_hit(&searcher, m.score, m.address)?;
                    self.finish(&searcher, &mut compiled.highlight, request, rank, hit)
                })
                .collect::<Result<Vec<_>>>()?;
            groups.push(Group {
                rank: index + 1,
                source: key.0,
                record: key.1,
                title: hits
                    .first()
                    .map(|h| h.passage.title.clone())
                    .unwrap_or_default(),
                passages,
                hits,
            });
        }
        results.hits = groups
            .iter()
            .filter_map(|g| g.hits.first().cloned())
            .collect();
        results.groups = Some(groups);
        Ok(results)
    }

    /// How many passages and documents match, without ranking anything.
    pub fn count(&self, request: &SearchRequest) -> Result<Counts> {
        let compiled = self.compile(request)?;
        let searcher = self.reader.searcher();
        let matches = self.matches(&searcher, &*compiled.query)?;
        let documents: std::collections::HashSet<(&str, Option<u64>)> = matches
            .iter()
            .map(|m| (m.source.as_str(), m.record))
            .collect();
        Ok(Counts {
            passages: matches.len() as u64,
            documents: documents.len() as u64,
        })
    }

    /// Counts the passages matching `request` per period of their publication
    /// date (or, with `mentioned`, per year they mention), and per source with
    /// `by_source`. `request`'s filters apply; its limit, sort and paging do not.
    pub fn timeline(
        &self,
        request: &SearchRequest,
        by: Period,
        by_source: bool,
        mentioned: bool,
    ) -> Result<Timeline> {
        if mentioned && by == Period::Month {
            return Err(Error::InvalidOption(
                "mentioned dates are years: use --by year with --mentions".to_string(),
            ));
        }
        let compiled = self.compile(request)?;
        let searcher = self.reader.searcher();
        let matches = self.matches(&searcher, &*compiled.query)?;
        let mut counts: BTreeMap<(i64, Option<String>), u64> = BTreeMap::new();
        let mut undated = 0;
        for m in &matches {
            let source = by_source.then(|| m.source.clone());
            let periods: Vec<i64> = if mentioned {
                m.mentions
                    .iter()
                    .filter(|&&y| {
                        request
                            .mentions
                            .is_none_or(|r| (r.first..=r.last).contains(&y))
                    })
                    .map(|&y| i64::from(y))
                    .collect()
            } else {
                m.date
                    .and_then(Date::from_days)
                    .map(|d| match by {
                        Period::Year => i64::from(d.year()),
                        Period::Month => i64::from(d.year()) * 12 + i64::from(d.month()) - 1,
                    })
                    .into_iter()
                    .collect()
            };
            if periods.is_empty() {
                undated += 1;
            }
            for period in periods {
                *counts.entry((period, source.clone())).or_insert(0) += 1;
            }
        }
        if !by_source
            && let (Some(&(first, _)), Some(&(last, _))) =
                (counts.keys().next(), counts.keys().next_back())
        {
            for period in first..=last {
                counts.entry((period, None)).or_insert(0);
            }
        }
        let label = |period: i64| match by {
            Period::Year => format!("{period:04}"),
            Period::Month => format!(
                "{:04}-{:02}",
                period.div_euclid(12),
                period.rem_euclid(12) + 1
            ),
        };
        Ok(Timeline {
            query: request.query.clone(),
            axis: if mentioned { "mentioned" } else { "published" },
            total: matches.len() as u64,
            undated,
            rows: counts
                .into_iter()
                .map(|((period, source), count)| TimelineRow {
                    period: label(period),
                    source,
                    count,
                })
                .collect(),
            cita_version: CITA_VERSION,
            index_fingerprint: self.fingerprint_of(&searcher)?,
        })
    }

    /// Every passage matching `request`'s query and filters, ranked as
    /// `search` ranks them, with its text and the spans that matched:
    /// what a concordance is made of. Limit, sort and paging do not apply.
    pub fn occurrences(&self, request: &SearchRequest) -> Result<Vec<(Hit, Vec<highlight::Span>)>> {
        let mut compiled = self.compile(request)?;
        let searcher = self.reader.searcher();
        let matches = self.matches(&searcher, &*compiled.query)?;
        matches
            .into_iter()
            .enumerate()
            .map(|(index, m)| {
                let mut hit = self.stored_hit(&searcher, m.score, m.address)?;
                hit.rank = index + 1;
                let spans = compiled.highlight.find(&hit.passage.text);
                Ok((hit, spans))
            })
            .collect()
    }

    /// The fingerprint of the indexed content this archive currently sees
    /// (see [`SearchResults::index_fingerprint`]).
    pub fn fingerprint(&self) -> Result<String> {
        self.fingerprint_of(&self.reader.searcher())
    }

    /// Checks the request's options and compiles its query with its filters.
    fn compile(&self, request: &SearchRequest) -> Result<query::Compiled> {
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
        if let Some(years) = request.mentions {
            let term = |year: u16| {
                Bound::Included(Term::from_field_u64(self.fields.mentions, u64::from(year)))
            };
            let filter = RangeQuery::new(term(years.first), term(years.last));
            compiled.query = Box::new(BooleanQuery::new(vec![
                (Occur::Must, compiled.query),
                (Occur::Must, Box::new(filter)),
            ]));
        }
        Ok(compiled)
    }

    /// The page of hits (`limit` after the best `offset`) in relevance
    /// order, with their ranks, and the number of matches. Stored fields
    /// are loaded for the page only.
    fn top(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        request: &SearchRequest,
    ) -> Result<(Vec<(usize, Hit)>, u64)> {
        // More than every passage is never needed (and a huge --limit must not allocate).
        let wanted = request
            .offset
            .saturating_add(request.limit)
            .min(searcher.num_docs() as usize);
        let ties = self.generation_of(searcher)?;
        // A plain word's query counts its matches without scoring them.
        let pruned = query.is::<InflectionQuery>();
        let collector = TopWithTies::new(wanted, ties).pruned(pruned);
        let (mut best, total) = searcher.search(query, &collector)?;
        best.sort_by(|a, b| b.0.total_cmp(&a.0));
        let tied = best.windows(2).any(|pair| pair[0].0 == pair[1].0);
        // When every candidate is on the page, their stored passages (loaded
        // anyway) carry the rank keys; otherwise the keys of candidates that
        // may not be shown come from fast fields (reading a source path from
        // its dictionary costs as much as loading a passage). The collector
        // leaves few candidates: at most `wanted` per segment.
        let all_on_page = best.len() <= wanted && request.offset == 0;
        if tied && !all_on_page {
            let mut candidates = self.read_matches(searcher, best)?;
            candidates.sort_by(|a, b| by_rank(a.rank_key(), b.rank_key()));
            best = candidates
                .into_iter()
                .map(|m| (m.score, m.address))
                .collect();
        }
        let mut hits = best
            .into_iter()
            .skip(request.offset)
            .take(request.limit)
            .map(|(score, address)| self.stored_hit(searcher, score, address))
            .collect::<Result<Vec<_>>>()?;
        if tied && all_on_page {
            hits.sort_by(|a, b| by_rank(a.rank_key(), b.rank_key()));
        }
        let ranked = hits
            .into_iter()
            .enumerate()
            .map(|(index, hit)| (request.offset + index + 1, hit))
            .collect();
        Ok((ranked, total))
    }

    /// Adds what the search shows to a stored hit: rank, snippet,
    /// highlights, `matched`, and the citation and context when asked for.
    fn finish(
        &self,
        searcher: &Searcher,
        plan: &mut HighlightPlan,
        request: &SearchRequest,
        rank: usize,
        mut hit: Hit,
    ) -> Result<Hit> {
        hit.rank = rank;
        let (spans, matched) = plan.find_and_explain(&hit.passage.text);
        let snippet = highlight::snippet(&hit.passage.text, &spans, request.snippet_chars);
        hit.snippet = snippet.text;
        hit.highlights = snippet.highlights;
        hit.matched = matched;
        if request.cite {
            hit.citation = Some(hit.passage.citation());
        }
        if request.context > 0 {
            let (before, after) = self.neighbours(searcher, &hit.passage, request.context)?;
            hit.before = Some(before);
            hit.after = Some(after);
        }
        Ok(hit)
    }

    /// Every match of `query`, in relevance order (ties by source, record,
    /// paragraph, part), with the keys to sort, group and count them read
    /// from fast fields: no stored document is loaded.
    fn matches(&self, searcher: &Searcher, query: &dyn Query) -> Result<Vec<Match>> {
        let all = (searcher.num_docs() as usize).max(1);
        let top = searcher.search(query, &TopDocs::with_limit(all).order_by_score())?;
        let mut matches = self.read_matches(searcher, top)?;
        matches.sort_by(|a, b| by_rank(a.rank_key(), b.rank_key()));
        Ok(matches)
    }

    /// Scored matches with their keys read from fast fields, in the order given.
    fn read_matches(
        &self,
        searcher: &Searcher,
        scored: impl IntoIterator<Item = (f32, DocAddress)>,
    ) -> Result<Vec<Match>> {
        let generation = self.generation_of(searcher)?;
        scored
            .into_iter()
            .map(|(score, address)| {
                generation.columns[address.segment_ord as usize].read(score, address)
            })
            .collect()
    }

    /// What `searcher`'s generation needs read once, read on first use.
    fn generation_of(&self, searcher: &Searcher) -> Result<Arc<Generation>> {
        let id = searcher.generation().generation_id();
        let mut cached = self.generation.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(generation) = cached.as_ref()
            && generation.id == id
        {
            return Ok(Arc::clone(generation));
        }
        let generation = Arc::new(Generation {
            id,
            fingerprint: fingerprint_of(searcher)?,
            columns: searcher
                .segment_readers()
                .iter()
                .map(SegmentColumns::open)
                .collect::<Result<_>>()?,
        });
        *cached = Some(Arc::clone(&generation));
        Ok(generation)
    }

    /// The fingerprint of what `searcher` sees.
    fn fingerprint_of(&self, searcher: &Searcher) -> Result<String> {
        Ok(self.generation_of(searcher)?.fingerprint.clone())
    }

    /// A hit with its stored fields, before ranking and highlighting.
    fn stored_hit(&self, searcher: &Searcher, score: f32, address: DocAddress) -> Result<Hit> {
        Ok(Hit {
            rank: 0,
            score,
            passage: self.stored_passage(searcher, address)?,
            snippet: String::new(),
            highlights: Vec::new(),
            matched: Vec::new(),
            citation: None,
            before: None,
            after: None,
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
        let id = self.generation_of(searcher)?.columns[address.segment_ord as usize]
            .id
            .as_ref()
            .and_then(|column| column.first(address.doc_id))
            .unwrap_or_default();
        Ok(IndexedPassage {
            id: format!("{id:016x}"),
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
            mentions: doc
                .get_all(f.mentions)
                .filter_map(|v| v.as_u64())
                .filter_map(|year| u16::try_from(year).ok())
                .collect(),
        })
    }

    /// The passage whose id is `id`, with up to `context` passages of the
    /// same document on each side, in document order (paragraph, then part).
    /// `Ok(None)` when no passage has that id.
    pub fn passage(&self, id: &str, context: usize) -> Result<Option<PassageInContext>> {
        let searcher = self.reader.searcher();
        // Ids are 16 hex digits; anything else names no passage.
        let Some(id) = (id.len() == 16)
            .then(|| u64::from_str_radix(id, 16).ok())
            .flatten()
        else {
            return Ok(None);
        };
        // `id` is a fast field only: without scoring, tantivy answers a term
        // query on it by scanning the column.
        let by_id = TermQuery::new(
            Term::from_field_u64(self.fields.id, id),
            IndexRecordOption::Basic,
        );
        let Some(&address) = searcher.search(&by_id, &DocSetCollector)?.iter().next() else {
            return Ok(None);
        };
        let passage = self.stored_passage(&searcher, address)?;
        let (before, after) = self.neighbours(&searcher, &passage, context)?;
        Ok(Some(PassageInContext {
            passage,
            before,
            after,
        }))
    }

    /// Up to `context` passages of the same document (same source and, in a
    /// JSON feed, same record) on each side of `passage`, in document order.
    fn neighbours(
        &self,
        searcher: &Searcher,
        passage: &IndexedPassage,
        context: usize,
    ) -> Result<(Vec<IndexedPassage>, Vec<IndexedPassage>)> {
        if context == 0 {
            return Ok((Vec::new(), Vec::new()));
        }
        // Every passage of the document with its position, read from fast
        // fields (cheap); stored fields are loaded only for the window.
        let same_source = TermQuery::new(
            Term::from_field_text(self.fields.source, &passage.source),
            IndexRecordOption::Basic,
        );
        let addresses = searcher.search(&same_source, &DocSetCollector)?;
        let mut document: Vec<((u64, u64), DocAddress)> = self
            .read_matches(searcher, addresses.into_iter().map(|a| (0.0, a)))?
            .into_iter()
            .filter(|m| m.record == passage.record)
            .map(|m| ((m.paragraph, m.part), m.address))
            .collect();
        document.sort_unstable();
        let at = (u64::from(passage.paragraph), u64::from(passage.part));
        let here = document.partition_point(|&(order, _)| order < at);
        let after_start = document.partition_point(|&(order, _)| order <= at);
        let load = |window: &[((u64, u64), DocAddress)]| {
            window
                .iter()
                .map(|&(_, address)| self.stored_passage(searcher, address))
                .collect::<Result<Vec<_>>>()
        };
        let before = load(&document[here.saturating_sub(context)..here])?;
        let after =
            load(&document[after_start..after_start.saturating_add(context).min(document.len())])?;
        Ok((before, after))
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

/// A document: its source path and, in a JSON feed, its record.
type DocumentKey = (String, Option<u64>);

/// One match with the keys read from fast fields.
struct Match {
    score: f32,
    address: DocAddress,
    source: String,
    record: Option<u64>,
    /// Publication date in days.
    date: Option<i64>,
    paragraph: u64,
    part: u64,
    mentions: Vec<u16>,
}

impl Hit {
    fn rank_key(&self) -> RankKey<'_> {
        let passage = &self.passage;
        (
            self.score,
            &passage.source,
            passage.record,
            u64::from(passage.paragraph),
            u64::from(passage.part),
        )
    }
}

impl Match {
    fn rank_key(&self) -> RankKey<'_> {
        (
            self.score,
            &self.source,
            self.record,
            self.paragraph,
            self.part,
        )
    }
}

/// The fast-field columns of one segment.
struct SegmentColumns {
    id: Option<Column<u64>>,
    source: Option<StrColumn>,
    record: Option<Column<u64>>,
    date: Option<Column<i64>>,
    paragraph: Option<Column<u64>>,
    part: Option<Column<u64>>,
    mentions: Option<Column<u64>>,
}

impl SegmentTieOrder for Generation {
    fn tie_key(&self, segment: SegmentOrdinal, doc: DocId) -> TieKey {
        self.columns[segment as usize].tie_key(doc)
    }
}

impl SegmentColumns {
    fn open(segment: &SegmentReader) -> Result<SegmentColumns> {
        let fast = segment.fast_fields();
        Ok(SegmentColumns {
            id: fast.column_opt("id")?,
            source: fast.str("source")?,
            record: fast.column_opt("record")?,
            date: fast.column_opt("date")?,
            paragraph: fast.column_opt("paragraph")?,
            part: fast.column_opt("part")?,
            mentions: fast.column_opt("mentions")?,
        })
    }

    fn tie_key(&self, doc: DocId) -> TieKey {
        let first = |column: &Option<Column<u64>>| column.as_ref().and_then(|c| c.first(doc));
        let source = self
            .source
            .as_ref()
            .and_then(|column| column.term_ords(doc).next());
        (
            // A passage without a source sorts first, as "" does in `by_rank`.
            source.map_or(0, |ord| ord + 1),
            first(&self.record),
            first(&self.paragraph).unwrap_or(0),
            first(&self.part).unwrap_or(0),
        )
    }

    fn read(&self, score: f32, address: DocAddress) -> Result<Match> {
        let doc = address.doc_id;
        let (source_rank, record, paragraph, part) = self.tie_key(doc);
        let mut source = String::new();
        if let (Some(column), Some(ord)) = (&self.source, source_rank.checked_sub(1)) {
            column
                .ord_to_str(ord, &mut source)
                .map_err(|err| Error::Engine(err.into()))?;
        }
        Ok(Match {
            score,
            address,
            source,
            record,
            paragraph,
            part,
            date: self.date.as_ref().and_then(|c| c.first(doc)),
            mentions: self
                .mentions
                .as_ref()
                .map(|c| {
                    c.values_for_doc(doc)
                        .filter_map(|y| u16::try_from(y).ok())
                        .collect()
                })
                .unwrap_or_default(),
        })
    }
}

/// Sorts matches already in relevance order by `sort`, keeping relevance
/// order among equals.
fn sort_matches(matches: &mut [Match], sort: Sort) {
    match sort {
        Sort::Relevance => {}
        Sort::Date => matches.sort_by_key(|m| (m.date.is_none(), m.date)),
        Sort::DateDescending => {
            matches.sort_by_key(|m| (m.date.is_none(), std::cmp::Reverse(m.date)))
        }
        Sort::Source => {
            matches.sort_by(|a, b| a.source.cmp(&b.source).then(a.record.cmp(&b.record)))
        }
    }
}

/// Counts of matches per source and publication year.
fn facets_of(matches: &[Match]) -> Facets {
    let mut sources: BTreeMap<&str, u64> = BTreeMap::new();
    let mut years: BTreeMap<i32, u64> = BTreeMap::new();
    let mut undated = 0;
    for m in matches {
        *sources.entry(&m.source).or_insert(0) += 1;
        match m.date.and_then(Date::from_days) {
            Some(date) => *years.entry(date.year()).or_insert(0) += 1,
            None => undated += 1,
        }
    }
    let mut sources: Vec<FacetCount> = sources
        .into_iter()
        .map(|(value, count)| FacetCount {
            value: value.to_string(),
            count,
        })
        .collect();
    sources.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    Facets {
        sources,
        years: years
            .into_iter()
            .map(|(year, count)| FacetCount {
                value: format!("{year:04}"),
                count,
            })
            .collect(),
        undated,
    }
}

/// The fingerprint the last commit recorded.
fn fingerprint_of(searcher: &Searcher) -> Result<String> {
    indexer::read_payload(searcher.index())
        .and_then(|payload| payload.fingerprint)
        .ok_or_else(|| {
            Error::Engine(tantivy::TantivyError::InternalError(
                "the index records no fingerprint; rebuild it with `cita index --rebuild`"
                    .to_string(),
            ))
        })
}

/// Builds the index at `index` from `corpus` and opens it.
pub fn build_and_open(corpus: &Path, index: &Path) -> Result<(Archive, indexer::BuildReport)> {
    let report = indexer::build(corpus, index, &indexer::BuildOptions::default())?;
    Ok((Archive::open(index)?, report))
}
