//! What goes into a search and what comes out: the request, the results,
//! the stored passage, the research views' results and the version that
//! produced them. This module only defines and serializes; the serde form of
//! these types is cita's JSON contract (see the README).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::error::{Error, Result};
use crate::ingest::DateOrigin;
use crate::language::Language;

/// The cita version that produced a result, as recorded in JSON output.
pub const CITA_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Default number of hits returned.
pub const DEFAULT_LIMIT: usize = 10;
/// Default snippet length, in characters.
pub const DEFAULT_SNIPPET_CHARS: usize = 200;

/// Search filters as text, as a command line or a Python call gives them:
/// [`FilterText::request`] reads them with the library's own parsers, so
/// every shell says the same of a bad value.
#[derive(Debug, Clone, Copy)]
pub struct FilterText<'a> {
    /// First publication day: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub since: Option<&'a str>,
    /// Last publication day, as `since`.
    pub until: Option<&'a str>,
    /// Years a passage mentions: `1964` or `1960..1969`.
    pub mentions: Option<&'a str>,
    /// ISO 639-1 codes.
    pub languages: &'a [String],
    /// A publication's whole name, as written.
    pub publication: Option<&'a str>,
    /// An author's whole name, as written.
    pub author: Option<&'a str>,
    /// How the caller spells the language option (`--lang`, `lang`), for
    /// the error an unknown code gets.
    pub lang_option: &'a str,
}

impl Default for FilterText<'_> {
    /// No filter; the language option spelt `lang`.
    fn default() -> Self {
        FilterText {
            since: None,
            until: None,
            mentions: None,
            languages: &[],
            publication: None,
            author: None,
            lang_option: "lang",
        }
    }
}

impl FilterText<'_> {
    /// A request for `query` with these filters (and the defaults).
    pub fn request(&self, query: impl Into<String>) -> Result<SearchRequest> {
        Ok(SearchRequest {
            since: self.since.map(Date::parse_start).transpose()?,
            until: self.until.map(Date::parse_end).transpose()?,
            mentions: self.mentions.map(YearRange::parse).transpose()?,
            languages: self
                .languages
                .iter()
                .map(|code| Language::from_option(self.lang_option, code))
                .collect::<Result<_>>()?,
            publication: self.publication.map(publication_name).transpose()?,
            author: self.author.map(author_name).transpose()?,
            ..SearchRequest::new(query)
        })
    }
}

/// The name a publication filter takes ([`SearchRequest::publication`]),
/// refused when it holds no letter or digit: it would name nothing.
pub fn publication_name(name: &str) -> Result<String> {
    whole_name(
        name,
        "the publication filter needs a publication's name, as the facets list it",
    )
}

/// The name an author filter takes ([`SearchRequest::author`]), refused
/// as [`publication_name`] is.
pub fn author_name(name: &str) -> Result<String> {
    whole_name(
        name,
        "the author filter needs an author's name, as the facets list it",
    )
}

fn whole_name(name: &str, refusal: &str) -> Result<String> {
    if name.chars().any(char::is_alphanumeric) {
        Ok(name.to_string())
    } else {
        Err(Error::InvalidOption(refusal.to_string()))
    }
}

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
    /// With `facets`: list at most this many values of each facet ordered
    /// most frequent first (sources, languages, publications, formats,
    /// authors; years are listed whole), its most frequent;
    /// [`Facets::values`] still counts them all. A page of a mail archive
    /// shows the first twenty of 200,000 senders.
    pub facet_limit: Option<usize>,
    /// Only passages that mention a year in this range (see
    /// [`crate::ingest::dates::mentioned_years`]), whatever their publication date.
    pub mentions: Option<YearRange>,
    /// Add this many passages of the same document before and after each hit.
    pub context: usize,
    /// Add a ready-to-paste [`Hit::citation`] to each hit.
    pub cite: bool,
    /// Only passages in these languages; all when empty.
    pub languages: Vec<Language>,
    /// Only passages of documents published by this publication: its whole
    /// name as written, as [`Facets::publications`] lists it (the query
    /// language's `publication:` matches its words).
    pub publication: Option<String>,
    /// Only passages of documents by this author: the whole name as
    /// written, as [`Facets::authors`] lists it (the query language's
    /// `author:` matches its words).
    pub author: Option<String>,
    /// Only passages holding every searched term. Otherwise, when a query's
    /// AND of two or more terms fills less than the page, the page is
    /// filled with passages holding at least half of them, ranked after
    /// every full match and marked [`Hit::partial`] (relevance order, not
    /// grouped, not with [`ALL`]; see [`crate::query::partial`]).
    pub all_words: bool,
    /// When the index is one shard of an archive: the archive's BM25
    /// figures for this query, summed over its shards
    /// ([`crate::Archive::statistics`]), so that scores are the archive's.
    pub statistics: Option<Arc<CorpusStatistics>>,
    /// Show copies once (the default): matching passages with the same
    /// folded words (see [`crate::views::collapse`]) are one hit, the
    /// first in the order asked for, which lists the others as its
    /// [`Hit::duplicates`]; [`SearchResults::distinct`] counts them once.
    /// Not with `group` (every document is its own group).
    pub collapse: bool,
    /// Stop with [`Error::PastDeadline`] once past this instant. Checked
    /// before each hit or concordance line is made (its snippet, context,
    /// copies and citation), the part of a search that grows with its
    /// answer, and before each query of a batch; finding and counting one
    /// query's matches run to their end. The HTTP server sets it to a
    /// request's time limit, so that a search whose answer would be
    /// hundreds of megabytes (every passage grouped by document, each with
    /// its context) frees its search slot when its client has been told
    /// 503, instead of minutes later.
    pub deadline: Option<Instant>,
}

/// What BM25 needs of an archive for one query; sums of shards' figures.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorpusStatistics {
    /// The languages of the archive's passages: query words are stemmed
    /// in each.
    pub languages: BTreeSet<Language>,
    /// Passages, deleted ones included (tantivy's document count for BM25).
    pub documents: u64,
    /// Passages not deleted (the count a stem's BM25 uses).
    pub passages: u64,
    /// Tokens indexed, per field name.
    pub tokens: BTreeMap<String, u64>,
    /// Passages holding each term, per field name and term text.
    pub terms: BTreeMap<String, BTreeMap<String, u64>>,
    /// Passages holding each stem's words (summed over its words), per
    /// `query::statistics::stem_key`.
    pub stems: BTreeMap<String, u64>,
}

impl CorpusStatistics {
    /// Empty figures for an archive of `languages`.
    pub fn for_languages(languages: impl IntoIterator<Item = Language>) -> CorpusStatistics {
        CorpusStatistics {
            languages: languages.into_iter().collect(),
            ..CorpusStatistics::default()
        }
    }

    /// Adds another shard's figures to these.
    pub fn add(&mut self, other: &CorpusStatistics) {
        self.languages.extend(other.languages.iter().copied());
        self.documents += other.documents;
        self.passages += other.passages;
        for (field, tokens) in &other.tokens {
            *self.tokens.entry(field.clone()).or_default() += tokens;
        }
        for (field, terms) in &other.terms {
            let ours = self.terms.entry(field.clone()).or_default();
            for (term, count) in terms {
                *ours.entry(term.clone()).or_default() += count;
            }
        }
        for (stem, count) in &other.stems {
            *self.stems.entry(stem.clone()).or_default() += count;
        }
    }
}

/// One shard's answer to a search over shards, the second step (see
/// [`crate::Archive::shard_answer`]): its best passages' keys, no text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShardAnswer {
    /// The shard's matches.
    pub total: u64,
    /// Its first `offset + limit` passages in the order asked for.
    pub candidates: Vec<Candidate>,
    /// Its facets, when asked for.
    pub facets: Option<Facets>,
    /// The shard's fingerprint.
    pub index_fingerprint: String,
    /// Its partial matches, when it looked for them (its full matches
    /// left room on the page): they follow the full ones in `candidates`.
    #[serde(default)]
    pub partial_total: Option<u64>,
    /// With [`SearchRequest::collapse`]: the copy key of each of its
    /// matches, each once, ascending (their union counts the archive's
    /// distinct matches); the candidates are then the first passage of
    /// each of its first `offset + limit` keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keys: Option<Vec<u64>>,
    /// With [`SearchRequest::group`]: how many of its documents match (a
    /// document lives in one shard, so the shards' counts add up); the
    /// candidates are then every match of its first `offset + limit`
    /// documents, in the order asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documents: Option<u64>,
}

/// A passage a shard found, with what orders it among every shard's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// The passage id.
    pub id: String,
    /// Its score, with the archive's statistics.
    pub score: f32,
    /// Its publication day, in days since 1970.
    pub date: Option<i64>,
    /// Its document: source, record, entry.
    pub source: String,
    /// The record, in a feed or mailbox.
    pub record: Option<u64>,
    /// The entry, in a container.
    pub entry: Option<String>,
    /// Its paragraph.
    pub paragraph: u64,
    /// Its part of the paragraph.
    pub part: u64,
    /// For a partial match, how many of the query's terms it holds.
    #[serde(default)]
    pub held: Option<usize>,
    /// Its copy key, with [`SearchRequest::collapse`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<u64>,
}

/// A passage of the page a search over shards returns, to be read from its
/// shard (the third step, [`crate::Archive::fetch`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pick {
    /// The passage id.
    pub id: String,
    /// Its rank in the whole answer, from 1.
    pub rank: usize,
    /// Its score in the whole archive.
    pub score: f32,
    /// Whether it is a partial match.
    #[serde(default)]
    pub partial: bool,
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
            facet_limit: None,
            mentions: None,
            context: 0,
            cite: false,
            languages: Vec::new(),
            publication: None,
            author: None,
            all_words: false,
            statistics: None,
            collapse: true,
            deadline: None,
        }
    }

    /// [`Error::PastDeadline`] once past [`SearchRequest::deadline`].
    pub fn check_deadline(&self) -> Result<()> {
        match self.deadline {
            Some(deadline) if Instant::now() >= deadline => Err(Error::PastDeadline),
            _ => Ok(()),
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
    /// With [`SearchRequest::collapse`]: how many matching passages there
    /// are when each set of copies counts once (the hits there are to page
    /// through).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distinct: Option<u64>,
    /// With [`SearchRequest::group`]: how many documents hold a match (the
    /// groups there are to page through).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub documents: Option<u64>,
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
    /// When the page was filled with partial matches (see
    /// [`SearchRequest::all_words`]): how many passages hold at least half
    /// of the query's terms but not all. `None` (JSON `null`) when partial
    /// matches were not looked for: the full matches filled the page, the
    /// query is not an AND of two or more terms, or `all_words` was asked.
    pub partial_total: Option<u64>,
}

/// What [`crate::Archive::search_each`] hands each hit to, with the
/// results as known before the first hit; [`ControlFlow::Break`] stops the
/// search.
pub type OnHit<'a> = &'a mut dyn FnMut(&SearchResults, Hit) -> ControlFlow<()>;

/// One matching passage: the stored passage with what the search adds.
/// In JSON its fields are flat: `rank`, `score`, the passage's fields, then
/// `snippet` and `highlights`.
#[derive(Debug, Clone, Serialize, Deserialize)]
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
    /// Whether the passage lacks some of the query's terms (a partial
    /// match, ranked after every full match; see [`SearchRequest::all_words`]).
    #[serde(default)]
    pub partial: bool,
    /// The query's terms a partial match lacks, as written; empty for a full match.
    #[serde(default)]
    pub missing: Vec<String>,
    /// A ready-to-paste citation (with `cite`; see [`IndexedPassage::citation`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub citation: Option<String>,
    /// The passages just before it in its document, earliest first (with `context`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<Vec<IndexedPassage>>,
    /// The passages just after it in its document, nearest first (with `context`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<Vec<IndexedPassage>>,
    // The duplicates stay the last fields: a search over shards appends
    // them to the JSON of a hit its shard rendered without them.
    /// With [`SearchRequest::collapse`]: the other matching passages with
    /// the same folded words, in source order, at most
    /// [`crate::views::collapse::LISTED`] of them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicates: Option<Vec<Duplicate>>,
    /// With [`SearchRequest::collapse`]: how many duplicates there are in all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicates_total: Option<u64>,
}

/// Another matching copy of a hit's passage (same folded words): where it
/// is, without its text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Duplicate {
    /// Its passage id.
    pub id: String,
    /// Its document's path.
    pub source: String,
    /// The record, in a feed or mailbox.
    pub record: Option<u64>,
    /// The entry, in a container.
    pub entry: Option<String>,
    /// Its document's title.
    pub title: String,
    /// Its document's publication.
    pub publication: Option<String>,
    /// Its document's URL.
    pub url: Option<String>,
    /// Its document's publication date.
    pub date: Option<Date>,
    /// The heading above it.
    pub section: Option<String>,
    /// Its paragraph.
    pub paragraph: u32,
    /// Its part of the paragraph.
    pub part: u32,
    /// Its page (a PDF's or a multi-page TIFF's).
    pub page: Option<u32>,
}

impl Duplicate {
    /// Its document as text and CSV name it: `source › entry #record`,
    /// each part when it has one.
    pub fn document(&self) -> String {
        let mut name = self.source.clone();
        if let Some(entry) = &self.entry {
            name.push_str(&format!(" › {entry}"));
        }
        if let Some(record) = self.record {
            name.push_str(&format!(" #{record}"));
        }
        name
    }

    /// Where `passage` is.
    pub fn of(passage: IndexedPassage) -> Duplicate {
        Duplicate {
            id: passage.id,
            source: passage.source,
            record: passage.record,
            entry: passage.entry,
            title: passage.title,
            publication: passage.publication,
            url: passage.url,
            date: passage.date,
            section: passage.section,
            paragraph: passage.paragraph,
            part: passage.part,
            page: passage.page,
        }
    }
}

/// A passage as stored in the index, with its document's metadata: what
/// [`Archive::passage`](crate::Archive::passage) returns and what every [`Hit`] carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// The passage's language, an ISO 639-1 code (`es`): its own when it
    /// is long and clearly in another language than its document, else the
    /// document's (declared, else detected, else the default).
    pub language: Language,
    /// 1-based paragraph ordinal in the document.
    pub paragraph: u32,
    /// 1-based part of a paragraph split for length.
    pub part: u32,
    /// `[start, end)` byte range of the passage in its source file; `None`
    /// where the format has no meaningful offsets (HTML, PDF, JSON, and text
    /// decoded from another encoding).
    pub byte_range: Option<[usize; 2]>,
    /// 1-based page the passage is on (a PDF or a multi-page TIFF); `None`
    /// for other formats.
    pub page: Option<u32>,
    /// The record's line (JSON Lines), position (JSON array) or message's
    /// position (mailbox); `None` for other formats.
    pub record: Option<u64>,
    /// The path inside a container (`inner/article.html`) or an
    /// attachment's name (`interview-notes.txt`), nested ones joined by
    /// ` › `; `None` for a file on its own.
    pub entry: Option<String>,
    /// The document's author (a message's sender, an office file's creator).
    pub author: Option<String>,
    /// How the text was read: `Some(Ocr)` for text Tesseract read from a
    /// scan, `None` for text read directly from the file.
    pub extraction: Option<Extraction>,
    /// For OCR text: Tesseract's mean word confidence over the passage, 0–100.
    pub ocr_confidence: Option<u8>,
    /// The whole passage.
    pub text: String,
    /// The years the passage mentions, ascending (see
    /// [`crate::ingest::dates::mentioned_years`]).
    pub mentions: Vec<u16>,
}

/// How a passage's text was read, when not directly from the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Extraction {
    /// Optical character recognition (Tesseract) of a scanned page or an image.
    Ocr,
}

impl Extraction {
    /// Its name, as in JSON and CSV.
    pub fn name(self) -> &'static str {
        match self {
            Extraction::Ocr => "ocr",
        }
    }
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
    /// When asked for ([`PassageInContext::cited`]), the passage's
    /// citation, beside `passage`, `before` and `after`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citation: Option<String>,
}

impl PassageInContext {
    /// With the passage's citation (`cita show --cite`, `cite=true`).
    pub fn cited(mut self) -> PassageInContext {
        self.citation = Some(self.passage.citation());
        self
    }
}

/// A path as text whatever its bytes: a name that is not UTF-8 is written
/// with U+FFFD, as in every output of cita, rather than failing the JSON
/// halfway.
fn lossy_path<S: serde::Serializer>(
    path: &std::path::Path,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    serializer.serialize_str(&path.to_string_lossy())
}

/// Size figures of an index.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Stats {
    /// The index folder.
    #[serde(serialize_with = "lossy_path")]
    pub index: PathBuf,
    /// Documents (files) indexed.
    pub documents: u64,
    /// Passages indexed.
    pub passages: u64,
    /// Bytes the index takes on disk.
    pub size_bytes: u64,
    /// Passages per language (ISO 639-1 code), most first.
    pub languages: Vec<FacetCount>,
    /// Whether the last run that changed the index stopped before it
    /// finished and none runs now ([`crate::Archive::last_run_unfinished`]):
    /// the index holds what that run committed, not the whole corpus.
    /// (Absent from an older cita's stats, a shard's say: read as `false`.)
    #[serde(default)]
    pub last_run_unfinished: bool,
}

/// What [`crate::Archive::check`] read of an index, every checksum holding.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndexCheck {
    /// The index folder.
    #[serde(serialize_with = "lossy_path")]
    pub index: PathBuf,
    /// Segment files read whole and checked.
    pub files: u64,
    /// Their bytes.
    pub bytes: u64,
    /// Passages the checked commit holds.
    pub passages: u64,
}

/// Why a passage matched: one query word, prefix or phrase and the forms of
/// the passage text that matched it (`bogota` → `Bogotá`, `revoked` → `revoke`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Matched {
    /// The query term as written (`revoked`, `revok*`, `"Plan LAZO"`).
    pub query: String,
    /// The distinct forms in the passage that matched it, in text order, as written there.
    pub forms: Vec<String>,
}

/// The order of search hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Best first (the default).
    #[default]
    Relevance,
    /// Oldest publication date first; undated passages last.
    Date,
    /// Newest publication date first; undated passages last.
    DateDescending,
    /// By source path (A to Z), then by record of a feed.
    Source,
    /// By source path, then in the order of the document: its records,
    /// entries, paragraphs and parts (a ruling's matches as it reads).
    Document,
}

impl Sort {
    /// Each order by its name, as `cita search --sort`, the HTTP API's
    /// `sort` and Python's `sort=` take it; the default first.
    pub const NAMES: [(&'static str, Sort); 5] = [
        ("relevance", Sort::Relevance),
        ("date", Sort::Date),
        ("-date", Sort::DateDescending),
        ("source", Sort::Source),
        ("document", Sort::Document),
    ];
}

/// The names of [`Sort::NAMES`].
impl FromStr for Sort {
    type Err = Error;

    fn from_str(name: &str) -> Result<Sort> {
        Sort::NAMES
            .iter()
            .find(|(known, _)| *known == name)
            .map(|&(_, sort)| sort)
            .ok_or_else(|| {
                let names = Sort::NAMES.map(|(known, _)| known);
                let (last, others) = names.split_last().expect("there are orders");
                Error::InvalidOption(format!(
                    "sort must be {} or {last}, not {name:?}",
                    others.join(", ")
                ))
            })
    }
}

/// The order's name, as [`Sort::NAMES`] gives it and `from_str` reads it.
impl std::fmt::Display for Sort {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (name, _) = Sort::NAMES
            .iter()
            .find(|(_, sort)| sort == self)
            .expect("every order has a name");
        out.write_str(name)
    }
}

/// An inclusive range of years, as in `--mentions 1960..1969`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearRange {
    /// First year included.
    pub first: u16,
    /// Last year included.
    pub last: u16,
}

impl YearRange {
    /// Parses `1964`, `1960..1969` or `1960-1969`. Years are 1000–2099, the
    /// range cita records mentions for.
    pub fn parse(text: &str) -> Result<YearRange> {
        let invalid = || {
            Error::InvalidOption(format!(
                "invalid year range {text:?}: expected YEAR or FIRST..LAST, as in 1960..1969 (years 1000–2099)"
            ))
        };
        let year = |part: &str| {
            part.trim()
                .parse::<u16>()
                .ok()
                .filter(|y| (1000..=2099).contains(y))
                .ok_or_else(invalid)
        };
        let (first, last) = match text.split_once("..").or_else(|| text.split_once('-')) {
            Some((first, last)) => (year(first)?, year(last)?),
            None => (year(text)?, year(text)?),
        };
        if first > last {
            return Err(Error::InvalidOption(format!(
                "the year range {text:?} ends before it starts"
            )));
        }
        Ok(YearRange { first, last })
    }
}

/// Passages of one document among a search's hits (`--group`).
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    /// 1-based rank of the group, by its best passage.
    pub rank: usize,
    /// The document's source path.
    pub source: String,
    /// The record within a JSON feed or mailbox, if the document is one.
    pub record: Option<u64>,
    /// The entry inside a container, if the document is one.
    pub entry: Option<String>,
    /// The document's title.
    pub title: String,
    /// How many of the document's passages match.
    pub passages: usize,
    /// Every matching passage of the document, best (or first in sort order) first.
    pub hits: Vec<Hit>,
}

/// One value of a facet and how many matching passages have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetCount {
    /// The source path, year, language code, publication, format or author.
    pub value: String,
    /// Matching passages with that value.
    pub count: u64,
}

/// Counts of all matching passages per source, per publication year, per
/// language, per publication, per file format and per author (`--facets`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facets {
    /// Per source path, most passages first (ties by path).
    pub sources: Vec<FacetCount>,
    /// Per language (ISO 639-1 code), most passages first (ties by code).
    pub languages: Vec<FacetCount>,
    /// Per publication year, oldest first.
    pub years: Vec<FacetCount>,
    /// Matching passages whose document has no date.
    pub undated: u64,
    /// Per publication, as written, most passages first (ties by name);
    /// documents without one are not counted.
    pub publications: Vec<FacetCount>,
    /// Per format of the file on disk (`text`, `pdf`, `zip`…, the names
    /// `format:` takes), most passages first (ties by name).
    pub formats: Vec<FacetCount>,
    /// Per author, as written (a mail's sender with the address), most
    /// passages first (ties by name); documents without one are not
    /// counted. Absent from an older cita's facets: none.
    #[serde(default)]
    pub authors: Vec<FacetCount>,
    /// How many values each facet has, listed or not
    /// ([`SearchRequest::facet_limit`]).
    #[serde(default)]
    pub values: FacetValues,
}

/// How many values each of [`Facets`] has in all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetValues {
    /// Sources with a match.
    pub sources: u64,
    /// Languages with a match.
    pub languages: u64,
    /// Publication years with a match.
    pub years: u64,
    /// Publications with a match.
    pub publications: u64,
    /// Formats with a match.
    pub formats: u64,
    /// Authors with a match.
    pub authors: u64,
}

/// How many passages and documents match a query (`--count`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Matching passages.
    pub passages: u64,
    /// Documents (files, or records of a feed) with at least one matching passage.
    pub documents: u64,
}

/// The period a timeline counts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Period {
    /// Calendar years.
    #[default]
    Year,
    /// Calendar months (publication dates only).
    Month,
}

/// One row of a timeline: a period (and a source, with `by_source`) and its count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineRow {
    /// `YYYY` or `YYYY-MM`.
    pub period: String,
    /// The source path, when counting by source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Matching passages in the period (and source).
    pub count: u64,
}

/// Matching passages counted per period: what `cita timeline` prints.
#[derive(Debug, Clone, Serialize)]
pub struct Timeline {
    /// The query as given.
    pub query: String,
    /// What is counted: `"published"` (publication dates) or `"mentioned"` (years the passages mention).
    pub axis: &'static str,
    /// Matching passages in all.
    pub total: u64,
    /// Matching passages left out for lack of a date (or of a mentioned year).
    pub undated: u64,
    /// Rows in period order (then source order). Without `by_source`,
    /// periods between the first and the last with no match have a row with 0.
    pub rows: Vec<TimelineRow>,
    /// The cita version.
    pub cita_version: &'static str,
    /// The index fingerprint (see [`SearchResults`]).
    pub index_fingerprint: String,
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Period::Year => "year",
            Period::Month => "month",
        })
    }
}

/// The names `cita timeline --by` takes (and [`Period`]'s `Display` writes):
/// `year`, `month`.
impl FromStr for Period {
    type Err = Error;

    fn from_str(name: &str) -> Result<Period> {
        match name {
            "year" => Ok(Period::Year),
            "month" => Ok(Period::Month),
            other => Err(Error::InvalidOption(format!(
                "a timeline counts by year or month, not {other:?}"
            ))),
        }
    }
}

/// What a citation writes before a passage's id (`cita:0123456789abcdef`);
/// wherever an id is asked for, the id as cited is taken too.
pub const CITED_ID_PREFIX: &str = "cita:";

impl IndexedPassage {
    /// A ready-to-paste citation of the passage: author, title,
    /// publication, date, URL, section and paragraph, each when known, and
    /// the passage id that `cita show` resolves.
    ///
    /// `Author. “Title.” Publication, 2025-09-27. https://…. § Section, ¶ 12. cita:0123456789abcdef`
    pub fn citation(&self) -> String {
        // A news site naming itself as the author is named once, as the publication.
        let author = self.author.as_deref().filter(|author| {
            self.publication
                .as_deref()
                .is_none_or(|publication| !author.trim().eq_ignore_ascii_case(publication.trim()))
        });
        let mut out = author.map(cited_author).unwrap_or_default();
        out.push_str(&quoted_title(&self.title));
        let mut published = Vec::new();
        if let Some(publication) = &self.publication {
            published.push(publication.clone());
        }
        if let Some(date) = self.date {
            // A date inferred from the text is a guess; a citation says so.
            match self.date_origin {
                Some(DateOrigin::Text) => {
                    published.push(format!("{date} (date inferred from the text)"))
                }
                _ => published.push(date.to_string()),
            }
        }
        if !published.is_empty() {
            out.push_str(&format!(" {}.", published.join(", ")));
        }
        if let Some(url) = &self.url {
            out.push_str(&format!(" {url}."));
        }
        let mut place = Vec::new();
        if let Some(entry) = &self.entry {
            place.push(entry.clone());
        }
        if let Some(record) = self.record {
            place.push(format!("record {record}"));
        }
        if let Some(page) = self.page {
            place.push(format!("p. {page}"));
        }
        // A news page's first paragraphs lie under its headline, which is
        // its title: the citation names it once.
        let same = |a: &str, b: &str| {
            let bare = |text: &str| text.trim().trim_end_matches('.').to_lowercase();
            bare(a) == bare(b)
        };
        // A heading that ends a sentence (a subtitle) is named without its
        // full stop, as the comma after it ends it: not `Ejército., ¶ 4`;
        // nor a mail's attribution line with its colon (`Ana wrote, ¶ 3`).
        if let Some(section) = self.section.as_ref().filter(|s| !same(s, &self.title)) {
            let section = section.trim();
            let section = match section.ends_with("..") {
                true => section,
                false => section.trim_end_matches(['.', ':', '：']),
            };
            place.push(format!("§ {section}"));
        }
        // A long paragraph cut in parts: the part too, as the hit's header
        // writes it (`¶ 9.28`), so that the quoted words can be found.
        match self.part {
            0 | 1 => place.push(format!("¶ {}", self.paragraph)),
            part => place.push(format!("¶ {}.{part}", self.paragraph)),
        }
        out.push_str(&format!(" {}.", place.join(", ")));
        out.push_str(&format!(" {CITED_ID_PREFIX}{}", self.id));
        out
    }
}

/// An author as a citation opens with it, a full stop after: a mail's
/// sender by name (`María Pérez <maria@example.org>` is `María Pérez. `),
/// by address when the message gives no name.
fn cited_author(author: &str) -> String {
    let name = author
        .strip_suffix('>')
        .and_then(|rest| rest.rsplit_once(" <"))
        .map_or(author, |(name, _)| name)
        .trim();
    match name.ends_with(['.', '?', '!', '…']) {
        true => format!("{name} "),
        false => format!("{name}. "),
    }
}

/// A title in a citation's quotation marks, as style guides set it: the
/// quotation marks inside it made single (`“JEP imputa por ‘falsos
/// positivos’.”`), and a full stop before the closing mark unless it ends
/// with a question or exclamation mark or an ellipsis already.
fn quoted_title(title: &str) -> String {
    let title = title.trim().trim_end_matches('.');
    let mut inner = String::with_capacity(title.len() + 8);
    let mut open = true;
    for c in title.chars() {
        match c {
            '“' => inner.push('‘'),
            '”' => inner.push('’'),
            '"' => {
                inner.push(if open { '‘' } else { '’' });
                open = !open;
            }
            c => inner.push(c),
        }
    }
    let stop = if inner.ends_with(['?', '!', '…']) {
        ""
    } else {
        "."
    };
    format!("“{inner}{stop}”")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_is_quoted_with_its_own_quotation_marks_made_single() {
        for (title, quoted) in [
            ("Plan LAZO", "“Plan LAZO.”"),
            ("Plan LAZO.", "“Plan LAZO.”"),
            (
                "JEP imputa a militares por “falsos positivos” en Casanare",
                "“JEP imputa a militares por ‘falsos positivos’ en Casanare.”",
            ),
            (
                "The \"Plan\" and the \"LAZO\"",
                "“The ‘Plan’ and the ‘LAZO’.”",
            ),
            (
                "¿Quién ordenó los falsos positivos?",
                "“¿Quién ordenó los falsos positivos?”",
            ),
            ("Lo que dijo el general…", "“Lo que dijo el general…”"),
        ] {
            assert_eq!(quoted_title(title), quoted, "{title}");
        }
    }

    #[test]
    fn a_citation_names_a_section_that_repeats_the_title_once() {
        let mut passage = IndexedPassage {
            id: "0123456789abcdef".to_string(),
            source: "prensa/nota.html".to_string(),
            title: "Corte revocó fallo".to_string(),
            publication: Some("El Tiempo".to_string()),
            url: None,
            date: None,
            date_origin: None,
            section: Some("Corte revocó fallo.".to_string()),
            language: Language::from_code("es").unwrap(),
            paragraph: 4,
            part: 1,
            byte_range: None,
            page: None,
            record: None,
            entry: None,
            author: None,
            extraction: None,
            ocr_confidence: None,
            text: "x".to_string(),
            mentions: Vec::new(),
        };
        assert_eq!(
            passage.citation(),
            "“Corte revocó fallo.” El Tiempo. ¶ 4. cita:0123456789abcdef"
        );
        passage.section = Some("Antecedentes".to_string());
        assert!(passage.citation().contains(" § Antecedentes, ¶ 4."));
        // A date read from the text is a guess, said so; metadata's is not.
        let dated = |origin| IndexedPassage {
            date: Date::new(1948, 4, 9),
            date_origin: Some(origin),
            ..passage.clone()
        };
        assert!(
            dated(DateOrigin::Text)
                .citation()
                .contains(" El Tiempo, 1948-04-09 (date inferred from the text). § Antecedentes"),
            "{}",
            dated(DateOrigin::Text).citation()
        );
        assert!(
            dated(DateOrigin::Metadata)
                .citation()
                .contains(" El Tiempo, 1948-04-09. §")
        );
        let part = IndexedPassage {
            part: 28,
            ..passage.clone()
        };
        assert!(
            part.citation().contains(" § Antecedentes, ¶ 4.28."),
            "{}",
            part.citation()
        );
        passage.section = Some("Más de 1.200 personas huyeron del Ejército.".to_string());
        assert!(
            passage
                .citation()
                .contains(" § Más de 1.200 personas huyeron del Ejército, ¶ 4."),
            "{}",
            passage.citation()
        );
        passage.section = Some("Y entonces...".to_string());
        assert!(passage.citation().contains(" § Y entonces..., ¶ 4."));
        // The author first: a sender by name, else by address.
        for (author, opening) in [
            ("María Pérez <maria@example.org>", "María Pérez. “Corte"),
            ("maria@example.org", "maria@example.org. “Corte"),
            ("Luis G.", "Luis G. “Corte"),
        ] {
            passage.author = Some(author.to_string());
            assert!(
                passage.citation().starts_with(opening),
                "{}",
                passage.citation()
            );
        }
        passage.author = Some("El Tiempo".to_string());
        assert!(
            passage.citation().starts_with("“Corte"),
            "{}",
            passage.citation()
        );
    }

    #[test]
    fn year_ranges_parse_single_years_and_ranges() {
        assert_eq!(
            YearRange::parse("1960..1969").unwrap(),
            YearRange {
                first: 1960,
                last: 1969
            }
        );
        assert_eq!(YearRange::parse("1964").unwrap().first, 1964);
        assert_eq!(YearRange::parse("1960-1969").unwrap().last, 1969);
        assert!(YearRange::parse("1969..1960").is_err());
        assert!(YearRange::parse("sixties").is_err());
        assert!(YearRange::parse("999..1000").is_err());
    }

    #[test]
    fn sorts_and_periods_parse_from_their_option_names() {
        assert_eq!("-date".parse::<Sort>().unwrap(), Sort::DateDescending);
        assert_eq!("relevance".parse::<Sort>().unwrap(), Sort::Relevance);
        let refused = "newest".parse::<Sort>().unwrap_err().to_string();
        assert!(refused.contains("\"newest\""), "{refused}");
        for period in [Period::Year, Period::Month] {
            assert_eq!(period.to_string().parse::<Period>().unwrap(), period);
        }
        assert!("week".parse::<Period>().is_err());
        assert_eq!(
            refused,
            "sort must be relevance, date, -date, source or document, not \"newest\""
        );
        for (name, sort) in Sort::NAMES {
            assert_eq!(name.parse::<Sort>().unwrap(), sort);
            assert_eq!(sort.to_string(), name);
        }
    }

    #[test]
    fn filters_as_text_read_as_every_shell_reads_them() {
        let languages = ["es".to_string(), "EN".to_string()];
        let filters = FilterText {
            since: Some("1964"),
            until: Some("1965-06"),
            mentions: Some("1960..1969"),
            languages: &languages,
            publication: Some("El Tiempo"),
            author: Some("María Pérez"),
            lang_option: "--lang",
        };
        let request = filters.request("Plan LAZO").unwrap();
        assert_eq!(request.publication.as_deref(), Some("El Tiempo"));
        assert_eq!(request.author.as_deref(), Some("María Pérez"));
        for nameless in ["", " - "] {
            let refused = FilterText {
                author: Some(nameless),
                ..FilterText::default()
            }
            .request("q")
            .unwrap_err();
            assert!(matches!(refused, Error::InvalidOption(_)), "{refused}");
        }
        assert_eq!(request.query, "Plan LAZO");
        assert_eq!(
            request.since,
            Some(Date::parse_start("1964-01-01").unwrap())
        );
        assert_eq!(request.until, Some(Date::parse_end("1965-06-30").unwrap()));
        assert_eq!(
            request.mentions,
            Some(YearRange {
                first: 1960,
                last: 1969
            })
        );
        assert_eq!(request.languages.len(), 2);
        let unknown = ["xx".to_string()];
        let refused = FilterText {
            languages: &unknown,
            lang_option: "lang",
            ..FilterText::default()
        }
        .request("q")
        .unwrap_err()
        .to_string();
        assert!(
            refused.starts_with("lang \"xx\" is none of the 73 languages cita knows"),
            "{refused}"
        );
        // A tag with a region, a three-letter code or a name: as documents
        // declare them.
        let lenient = [
            "es-CO".to_string(),
            "por".to_string(),
            " French".to_string(),
        ];
        let request = FilterText {
            languages: &lenient,
            lang_option: "lang",
            ..FilterText::default()
        }
        .request("q")
        .unwrap();
        let codes: Vec<&str> = request.languages.iter().map(|l| l.code()).collect();
        assert_eq!(codes, ["es", "pt", "fr"]);
        let bad_date = FilterText {
            since: Some("1964-13"),
            ..FilterText::default()
        };
        assert!(matches!(bad_date.request("q"), Err(Error::Date { .. })));
    }
}
