//! The steps of a search over an archive's shards (`cita.dist`), each a
//! call of the library's sharding (`cita::views::shards`): what a shard
//! computes (`Archive.languages`, `Archive._shard_step`) and what the
//! coordinator merges (`union_languages`, `sum_statistics`, `merge_page`,
//! `ShardPage.assemble`, `sum_counts`, `merge_timelines`, `sum_stats`,
//! `merge_kwic`; before any shard is asked, `check_search`, `check_count`,
//! `check_timeline`, `check_kwic` and, for a batch, `check_filters`).
//! Everything crosses processes as JSON text, which Dask ships as it is;
//! Python only moves it.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;

use pyo3::prelude::*;
use serde::Deserialize;

use cita::kwic::ShardKwic;
use cita::output::{self, Format, TextStyle};
use cita::results::{Candidate, CorpusStatistics, Pick, ShardAnswer, Stats, TimelineRow};
use cita::views::collapse::{Copies, Shown};
use cita::views::shards;
use cita::{Counts, Error, Hit, Language, Period, SearchRequest, Timeline};

use crate::archive::{self, SearchResults};
use crate::errors::OrRaise;
use crate::options::{Filters, SearchOptions};
use crate::rendered;

/// `text` read as JSON of `what`, or an error saying which step's text it was.
fn parse<'a, T: Deserialize<'a>>(text: &'a str, what: &str) -> cita::Result<T> {
    serde_json::from_str(text)
        .map_err(|err| Error::InvalidOption(format!("cannot read the shards' {what}: {err}")))
}

fn to_json(value: &impl serde::Serialize) -> cita::Result<String> {
    serde_json::to_string(value)
        .map_err(|err| Error::InvalidOption(format!("cannot render the JSON: {err}")))
}

/// The request a shard or the coordinator answers: `query` with the
/// filters and options, scored with `statistics` (JSON) when given.
pub fn sharded_request(
    query: String,
    filters: &Filters,
    options: &SearchOptions,
    statistics: Option<&str>,
) -> cita::Result<SearchRequest> {
    let mut request = options.apply(filters.request(query)?)?;
    if let Some(statistics) = statistics {
        request.statistics = Some(Arc::new(parse(statistics, "statistics")?));
    }
    Ok(request)
}

/// The languages of several shards (JSON lists of codes) as one list.
#[pyfunction]
pub fn union_languages(py: Python<'_>, parts: Vec<String>) -> PyResult<String> {
    py.detach(|| {
        let mut all = BTreeSet::<Language>::new();
        for part in &parts {
            all.extend(parse::<BTreeSet<Language>>(part, "languages")?);
        }
        to_json(&all)
    })
    .or_raise(py)
}

/// The shards' statistics summed, for the archive's `languages`.
#[pyfunction]
pub fn sum_statistics(py: Python<'_>, languages: String, parts: Vec<String>) -> PyResult<String> {
    py.detach(|| {
        let languages: BTreeSet<Language> = parse(&languages, "languages")?;
        let mut sum = CorpusStatistics::for_languages(languages);
        for part in &parts {
            sum.add(&parse(part, "statistics")?);
        }
        to_json(&sum)
    })
    .or_raise(py)
}

/// The page of a search over shards, merged from their answers, before
/// the shards read its passages: `picks`, per shard, what it is to read.
#[pyclass(frozen, module = "cita._cita")]
pub struct ShardPage {
    request: SearchRequest,
    page: shards::Page,
}

/// Merges the shards' answers (JSON, in shard order) to a search.
#[pyfunction]
pub fn merge_page(
    py: Python<'_>,
    query: String,
    filters: Filters,
    options: SearchOptions,
    statistics: String,
    answers: Vec<String>,
) -> PyResult<ShardPage> {
    py.detach(|| {
        let request = sharded_request(query, &filters, &options, Some(&statistics))?;
        let answers = answers
            .iter()
            .map(|answer| parse::<ShardAnswer>(answer, "answers"))
            .collect::<cita::Result<Vec<_>>>()?;
        let page = shards::page(&request, &answers);
        Ok(ShardPage { request, page })
    })
    .or_raise(py)
}

/// What a shard reads in the third step: the passages of the page it
/// holds, (collapsing copies) the page's passages whose copies it lists,
/// and (grouping) the page's passages it places among its matches.
#[derive(serde::Serialize, Deserialize)]
struct Reading {
    picks: Vec<Pick>,
    shown: Vec<Shown>,
    #[serde(default)]
    members: Vec<Candidate>,
}

/// A shard's third step: its hits, its copies of the page's passages, and
/// how many of its matches come before each grouped one.
#[derive(Deserialize)]
struct Read {
    hits: Vec<Hit>,
    copies: Vec<Copies>,
    #[serde(default)]
    preceding: Vec<u64>,
}

#[pymethods]
impl ShardPage {
    /// Matches in all the shards that answered.
    #[getter]
    fn total(&self) -> u64 {
        self.page.total
    }

    /// Per shard, the JSON of what it is to read in the third step (the
    /// passages of the page it holds; collapsing copies, the page's
    /// passages whose copies it lists; grouping, the page's passages it
    /// places among its matches), or `None` when it has nothing to read.
    #[getter]
    fn reading(&self, py: Python<'_>) -> PyResult<Vec<Option<String>>> {
        let page = &self.page;
        page.picks
            .iter()
            .map(|picks| {
                if picks.is_empty() && page.shown.is_empty() && page.members.is_empty() {
                    return Ok(None);
                }
                let reading = Reading {
                    picks: picks.clone(),
                    shown: page.shown.clone(),
                    members: page.members.clone(),
                };
                to_json(&reading).map(Some)
            })
            .collect::<cita::Result<_>>()
            .or_raise(py)
    }

    /// The results, from what the shards read (the `fetch` steps' JSON, in
    /// any order): the library's results with the hits in rank order and
    /// their duplicates from every shard, as one index would have returned
    /// them.
    fn assemble(&self, py: Python<'_>, parts: Vec<String>) -> PyResult<SearchResults> {
        py.detach(|| {
            let mut hits = Vec::new();
            let mut copies = Vec::new();
            let mut preceding = Vec::new();
            for part in &parts {
                let read: Read = parse(part, "hits")?;
                hits.extend(read.hits);
                copies.push(read.copies);
                preceding.push(read.preceding);
            }
            let mut page = self.page.clone();
            if !page.shown.is_empty() {
                shards::add_copies(&mut page, copies)?;
            }
            if self.request.group {
                shards::add_ranks(&mut page, preceding)?;
            }
            Ok(SearchResults::from(shards::assemble(
                &self.request,
                page,
                hits,
            )?))
        })
        .or_raise(py)
    }
}

/// Counts as a shard's JSON has them.
#[derive(Deserialize)]
struct CountsJson {
    passages: u64,
    documents: u64,
}

/// The shards' counts (the JSON of `cita search --count`) summed: a
/// document lives in one shard.
#[pyfunction]
pub fn sum_counts(py: Python<'_>, parts: Vec<String>) -> PyResult<String> {
    py.detach(|| {
        let mut sum = Counts {
            passages: 0,
            documents: 0,
        };
        for part in &parts {
            let counts: CountsJson = parse(part, "counts")?;
            sum.passages += counts.passages;
            sum.documents += counts.documents;
        }
        rendered(|out| output::write_counts(out, &sum, Format::Json))
    })
    .or_raise(py)
}

/// A timeline as a shard's JSON has it.
#[derive(Deserialize)]
struct TimelineJson {
    total: u64,
    undated: u64,
    rows: Vec<TimelineRow>,
    index_fingerprint: String,
}

/// The shards' timelines (the JSON of `cita timeline`) merged.
#[pyfunction]
pub fn merge_timelines(
    py: Python<'_>,
    query: String,
    by: String,
    axis: String,
    by_source: bool,
    parts: Vec<String>,
) -> PyResult<String> {
    py.detach(|| {
        let by: Period = by.parse()?;
        let mentioned = crate::archive::mentioned(&axis)?;
        let parts = parts
            .iter()
            .map(|part| {
                let part: TimelineJson = parse(part, "timelines")?;
                Ok(Timeline {
                    query: query.clone(),
                    axis: "",
                    total: part.total,
                    undated: part.undated,
                    rows: part.rows,
                    cita_version: cita::CITA_VERSION,
                    index_fingerprint: part.index_fingerprint,
                })
            })
            .collect::<cita::Result<Vec<_>>>()?;
        let timeline = shards::timeline(&query, by, by_source, mentioned, &parts);
        let style = TextStyle::default();
        rendered(|out| output::write_timeline(out, &timeline, Format::Json, style))
    })
    .or_raise(py)
}

/// The shards' stats (the JSON of `cita stats`) summed, as the stats of
/// the archive in the folder `index` (`cita::views::shards::stats`).
#[pyfunction]
pub fn sum_stats(py: Python<'_>, index: PathBuf, parts: Vec<String>) -> PyResult<String> {
    py.detach(|| {
        let parts = parts
            .iter()
            .map(|part| parse(part, "stats"))
            .collect::<cita::Result<Vec<Stats>>>()?;
        rendered(|out| output::write_stats(out, &shards::stats(index, &parts), Format::Json))
    })
    .or_raise(py)
}

/// The concordance of `query` (the JSON of `cita kwic --format json`)
/// from the shards' parts, as one index gives it with `width`, `sort` and
/// at most `limit` lines.
#[pyfunction]
#[pyo3(signature = (query, filters, width, sort, limit, parts))]
pub fn merge_kwic(
    py: Python<'_>,
    query: String,
    filters: Filters,
    width: usize,
    sort: String,
    limit: Option<usize>,
    parts: Vec<String>,
) -> PyResult<String> {
    py.detach(|| {
        let parts = parts
            .iter()
            .map(|part| parse(part, "concordances"))
            .collect::<cita::Result<Vec<ShardKwic>>>()?;
        archive::kwic_json(query, filters, sort, |request, sort| {
            shards::kwic(request, width, sort, limit.unwrap_or(usize::MAX), parts)
        })
    })
    .or_raise(py)
}

// What one index refuses, each shard would refuse alike, its worker
// logging the failure: the coordinator refuses it before asking any shard,
// with one index's error for the same arguments (read by the same
// functions as `Archive`'s methods, then the library's `query::check`).

/// Refuses a search as one index would, before any shard is asked.
#[pyfunction]
pub fn check_search(
    py: Python<'_>,
    query: String,
    filters: Filters,
    options: SearchOptions,
) -> PyResult<()> {
    py.detach(|| shards::check_request(&sharded_request(query, &filters, &options, None)?))
        .or_raise(py)
}

/// Refuses a count as one index would, before any shard is asked.
#[pyfunction]
pub fn check_count(py: Python<'_>, query: String, filters: Filters) -> PyResult<()> {
    py.detach(|| shards::check_request(&filters.request(query)?))
        .or_raise(py)
}

/// Refuses a timeline as one index would, before any shard is asked.
#[pyfunction]
pub fn check_timeline(
    py: Python<'_>,
    query: String,
    filters: Filters,
    by: String,
    axis: String,
    by_source: bool,
) -> PyResult<()> {
    py.detach(|| {
        let (request, by, mentioned) = archive::timeline_request(query, &filters, &by, &axis)?;
        shards::check_timeline(&request, by, by_source, mentioned)
    })
    .or_raise(py)
}

/// Refuses a concordance as one index would (its order, its filters, its
/// width, then its query, as `cita::Archive::kwic_lines` checks them),
/// before any shard is asked.
#[pyfunction]
pub fn check_kwic(
    py: Python<'_>,
    query: String,
    filters: Filters,
    width: usize,
    sort: String,
) -> PyResult<()> {
    py.detach(|| {
        let (request, _) = archive::kwic_request(query, &filters, &sort)?;
        cita::kwic::check_width(width)?;
        shards::check_request(&request)
    })
    .or_raise(py)
}

/// Refuses bad filters and options as `Archive.batch` does before it runs
/// any query: a batch over shards runs each query as a search, whose
/// errors are the query's own.
#[pyfunction]
pub fn check_filters(py: Python<'_>, filters: Filters, snippet_chars: usize) -> PyResult<()> {
    py.detach(|| {
        let request = cita::SearchRequest {
            snippet_chars,
            ..filters.request(String::new())?
        };
        cita::query::check_options(&request)
    })
    .or_raise(py)
}

/// The languages of a shard, as JSON.
pub fn languages_json(archive: &cita::Archive) -> cita::Result<String> {
    to_json(&archive.languages()?)
}

/// A shard's step of a search over shards, its answer as JSON:
/// `"statistics"`, its BM25 figures for `request` over the archive's
/// languages (`data`); `"answer"`, its best `offset + limit` matches as
/// keys, scored with the request's summed statistics, with its total and
/// facets; `"fetch"`, for the `picks`, `shown` and `members` of `data`,
/// the hits of the picks, read and finished, as the CLI's JSON renderer
/// writes hits, this shard's copies of the shown passages, and how many of
/// its matches come before each member (`{"hits", "copies", "preceding"}`).
pub fn shard_step(
    archive: &cita::Archive,
    step: &str,
    request: &SearchRequest,
    data: &str,
) -> cita::Result<String> {
    match step {
        "statistics" => {
            let languages: BTreeSet<Language> = parse(data, "languages")?;
            to_json(&archive.statistics(request, &languages)?)
        }
        "answer" => to_json(&archive.shard_answer(request)?),
        "kwic" => {
            let limit: Option<usize> = parse(data, "line limit")?;
            to_json(&archive.shard_kwic(request, limit.unwrap_or(usize::MAX))?)
        }
        "fetch" => {
            let reading: Reading = parse(data, "picks")?;
            let hits = to_json(&archive.fetch(request, &reading.picks)?)?;
            let copies = match reading.shown.is_empty() {
                true => "[]".to_string(),
                false => to_json(&archive.copies(request, &reading.shown)?)?,
            };
            let preceding = match reading.members.is_empty() {
                true => "[]".to_string(),
                false => to_json(&archive.preceding(request, &reading.members)?)?,
            };
            Ok(format!(
                "{{\"hits\":{hits},\"copies\":{copies},\"preceding\":{preceding}}}"
            ))
        }
        other => Err(Error::InvalidOption(format!(
            "a shard's step is statistics, answer, fetch or kwic, not {other:?}"
        ))),
    }
}

/// The shard of `count` that holds the file at `source` (its path relative
/// to the corpus, with `/`).
#[pyfunction]
pub fn shard_of(source: &str, count: u32) -> u32 {
    cita::indexer::Shard::of(source, count)
}
