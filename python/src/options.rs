//! The options Python passes, read into the library's `SearchRequest`.
//! The Python layer (`cita/__init__.py`) holds the defaults and passes
//! every option, as a dict, already normalized (dates and year ranges as
//! text, languages as a list); values are parsed here by the library's own
//! parsers, so a bad value gets the CLI's message.

use pyo3::prelude::*;

use cita::{ALL, FilterText, SearchRequest};

/// The filters every query method takes.
#[derive(FromPyObject)]
#[pyo3(from_item_all)]
pub struct Filters {
    since: Option<String>,
    until: Option<String>,
    lang: Vec<String>,
    mentions: Option<String>,
    /// Absent from the filters of an older coordinator's shard steps.
    #[pyo3(default)]
    publication: Option<String>,
    /// Likewise.
    #[pyo3(default)]
    author: Option<String>,
}

/// What `search` takes besides the filters.
#[derive(FromPyObject)]
#[pyo3(from_item_all)]
pub struct SearchOptions {
    /// `None`: every match.
    limit: Option<usize>,
    offset: usize,
    sort: String,
    snippet_chars: usize,
    context: usize,
    cite: bool,
    all_words: bool,
    group: bool,
    facets: bool,
    /// Absent from an older coordinator's shard steps.
    #[pyo3(default)]
    facet_limit: Option<usize>,
    collapse: bool,
}

impl Filters {
    /// A request for `query` with these filters (and the library's defaults).
    pub fn request(&self, query: String) -> cita::Result<SearchRequest> {
        let filters = FilterText {
            since: self.since.as_deref(),
            until: self.until.as_deref(),
            mentions: self.mentions.as_deref(),
            languages: &self.lang,
            publication: self.publication.as_deref(),
            author: self.author.as_deref(),
            lang_option: "lang",
        };
        filters.request(query)
    }
}

impl SearchOptions {
    /// `request` with these options.
    pub fn apply(&self, request: SearchRequest) -> cita::Result<SearchRequest> {
        Ok(SearchRequest {
            limit: self.limit.unwrap_or(ALL),
            offset: self.offset,
            sort: self.sort.parse()?,
            snippet_chars: self.snippet_chars,
            context: self.context,
            cite: self.cite,
            all_words: self.all_words,
            group: self.group,
            facets: self.facets,
            facet_limit: self.facet_limit,
            collapse: self.collapse,
            ..request
        })
    }
}
