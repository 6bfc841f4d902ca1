//! `cita._cita.Archive`: an opened index. Each method parses its options,
//! runs the library's method with the GIL released, and returns what the
//! library's JSON renderer writes for the CLI's `--format json` (a search's
//! results when they are read), so that the Python layer reads the very
//! JSON the command line prints.

use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Mutex, PoisonError};

use pyo3::prelude::*;

use cita::batch::BatchQuery;
use cita::kwic::ContextSort;
use cita::output::{self, Format, TextStyle};
use cita::{Error, Period};

use crate::dist;
use crate::errors::{OrRaise, to_py};
use crate::options::{Filters, SearchOptions};
use crate::rendered;

/// An opened index (the library's `Archive`, which is `Send + Sync`: one
/// can serve several Python threads at once).
#[pyclass(frozen, module = "cita._cita")]
pub struct Archive {
    inner: cita::Archive,
}

/// A search's results. Rendering them is left until they are read: a
/// script that only wants `total`, or the first hit's source, pays for
/// neither the JSON nor the Python objects of every hit.
#[pyclass(frozen, module = "cita._cita")]
pub struct SearchResults {
    inner: cita::SearchResults,
}

#[pymethods]
impl SearchResults {
    /// How many passages match in all.
    #[getter]
    fn total(&self) -> u64 {
        self.inner.total
    }

    /// How many, each set of copies counted once (`None` without collapsing).
    #[getter]
    fn distinct(&self) -> Option<u64> {
        self.inner.distinct
    }

    /// With grouping: how many documents hold a match (`None` without).
    #[getter]
    fn documents(&self) -> Option<u64> {
        self.inner.documents
    }

    /// The JSON of `cita search --format json`.
    fn json(&self, py: Python<'_>) -> PyResult<String> {
        py.detach(|| rendered(|out| output::write_json(out, &self.inner)))
            .or_raise(py)
    }

    /// What `cita search --format FORMAT` prints (`text`, `json`, `jsonl`
    /// or `csv`), text with ANSI colours when `color`.
    fn render(&self, py: Python<'_>, format: &str, color: bool, explain: bool) -> PyResult<String> {
        py.detach(|| {
            let format: Format = format.parse()?;
            let style = TextStyle { color, explain };
            rendered(|out| output::write_results(out, &self.inner, format, style))
        })
        .or_raise(py)
    }

    /// The rows of `cita batch --format jsonl` for these results, as the
    /// answer to the query `query` at `line` (1-based position) of a batch.
    fn batch_rows(&self, py: Python<'_>, line: usize, query: String) -> PyResult<String> {
        py.detach(|| batch_rows(&BatchQuery { line, query }, &self.inner))
            .or_raise(py)
    }
}

/// What `format` (`--format`'s name) leaves out of a search that asked for
/// facets or context: the notes `cita search` prints on stderr.
#[pyfunction]
pub fn left_out(
    py: Python<'_>,
    format: &str,
    facets: bool,
    context: bool,
) -> PyResult<Vec<String>> {
    let format: cita::Result<Format> = format.parse();
    let format = format.or_raise(py)?;
    Ok(output::left_out(format, facets, context)
        .into_iter()
        .map(str::to_string)
        .collect())
}

/// The queries of a batch file's text as `cita batch` reads them: `(line,
/// query)`, blank lines and `#` comments skipped.
#[pyfunction]
pub fn batch_lines(text: &str) -> Vec<(usize, String)> {
    cita::batch::parse_queries(text)
        .into_iter()
        .map(|query| (query.line, query.query))
        .collect()
}

/// Counts as `cita search --count` prints them in `format`.
#[pyfunction]
pub fn render_counts(
    py: Python<'_>,
    passages: u64,
    documents: u64,
    format: &str,
) -> PyResult<String> {
    let counts = cita::Counts {
        passages,
        documents,
    };
    let rendered = format
        .parse()
        .and_then(|format| rendered(|out| output::write_counts(out, &counts, format)));
    rendered.or_raise(py)
}

/// Hits rendered and waiting for Python to take them: enough to keep the
/// search busy while Python makes its objects, few enough that an export
/// of every match holds a few hits at a time.
const HITS_IN_FLIGHT: usize = 64;

/// What a search handing out hits sends: a hit's JSON (as in the hits of
/// `cita search --format json`), or the error that stopped it.
type HitMessage = cita::Result<String>;

/// The hits of a search as it makes them (`Archive.hits`), one at a time:
/// the search runs on a thread of its own, a few hits ahead of Python,
/// and stops when the stream is dropped.
#[pyclass(module = "cita._cita")]
pub struct HitStream {
    /// What the search sent first, taken before the stream was handed out
    /// so that a malformed query raises at the call.
    first: Mutex<Option<HitMessage>>,
    hits: Mutex<Receiver<HitMessage>>,
}

#[pymethods]
impl HitStream {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    /// The next hit's JSON; `None` (the end) once the search has made every hit.
    fn __next__(&self, py: Python<'_>) -> PyResult<Option<String>> {
        let next = py.detach(|| {
            let first = self
                .first
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take();
            first.or_else(|| {
                let hits = self.hits.lock().unwrap_or_else(PoisonError::into_inner);
                hits.recv().ok()
            })
        });
        next.transpose().or_raise(py)
    }
}

/// Runs `request` on `archive`, sending each hit's JSON to `hits` until
/// the search ends, fails (its error sent last) or the receiver is gone.
fn send_hits(
    archive: &cita::Archive,
    request: &cita::SearchRequest,
    hits: &SyncSender<HitMessage>,
) {
    let mut on_hit = |_: &cita::SearchResults, hit: cita::Hit| {
        let json = serde_json::to_string(&hit)
            .map_err(|err| Error::InvalidOption(format!("cannot render the JSON: {err}")));
        let rendered = json.is_ok();
        match hits.send(json) {
            Ok(()) if rendered => ControlFlow::Continue(()),
            // The receiver went away, or an error was sent: the last message.
            _ => ControlFlow::Break(()),
        }
    };
    if let Err(err) = archive.search_each(request, &mut on_hit) {
        let _ = hits.send(Err(err));
    }
}

/// The JSON of `cita kwic --format json` for `query` with `filters`, in
/// `sort` order (as the CLI names it), from the concordance `make` gives
/// for that request.
pub fn kwic_json(
    query: String,
    filters: Filters,
    sort: String,
    make: impl FnOnce(&cita::SearchRequest, ContextSort) -> cita::Result<cita::kwic::Concordance>,
) -> cita::Result<String> {
    let (request, sort) = kwic_request(query, &filters, &sort)?;
    let concordance = make(&request, sort)?;
    let style = TextStyle::default();
    rendered(|out| output::write_kwic(out, &concordance, Format::Json, style))
}

/// A concordance's request and order read from Python's arguments, each
/// refused as one index refuses it, in its order (the order, then the
/// filters; the library checks the width, then the query).
pub fn kwic_request(
    query: String,
    filters: &Filters,
    sort: &str,
) -> cita::Result<(cita::SearchRequest, ContextSort)> {
    let sort: ContextSort = sort.parse()?;
    Ok((filters.request(query)?, sort))
}

/// A timeline's request, period and axis (whether it counts mentioned
/// years) read from Python's arguments, each refused as one index refuses
/// it, in its order: the period, the filters, then the axis.
pub fn timeline_request(
    query: String,
    filters: &Filters,
    by: &str,
    axis: &str,
) -> cita::Result<(cita::SearchRequest, Period, bool)> {
    let by: Period = by.parse()?;
    let request = filters.request(query)?;
    Ok((request, by, mentioned(axis)?))
}

/// A batch query's rows: each hit of its results with the query and its
/// line, as `cita batch --format jsonl` writes them.
fn batch_rows(query: &BatchQuery, results: &cita::SearchResults) -> cita::Result<String> {
    rendered(|out| output::write_batch_jsonl(out, query, results))
}

impl From<cita::SearchResults> for SearchResults {
    fn from(inner: cita::SearchResults) -> SearchResults {
        SearchResults { inner }
    }
}

/// A batch query's line (1-based position), the query, and its total or its exception.
type BatchOutcome = (usize, String, Option<u64>, Option<PyErr>);

/// Timelines count by publication date or by the years passages mention.
pub fn mentioned(axis: &str) -> cita::Result<bool> {
    match axis {
        "published" => Ok(false),
        "mentioned" => Ok(true),
        other => Err(Error::InvalidOption(format!(
            "a timeline's axis is published or mentioned, not {other:?}"
        ))),
    }
}

#[pymethods]
impl Archive {
    /// Opens the index at `path`; with `live`, later commits become visible
    /// without `reload()`.
    #[new]
    fn new(py: Python<'_>, path: PathBuf, live: bool) -> PyResult<Archive> {
        let opened = py.detach(|| {
            if live {
                cita::Archive::open_live(&path)
            } else {
                cita::Archive::open(&path)
            }
        });
        Ok(Archive {
            inner: opened.or_raise(py)?,
        })
    }

    /// The index folder.
    #[getter]
    fn path(&self) -> PathBuf {
        self.inner.path().to_path_buf()
    }

    /// Whether the last run that changed the index stopped before it
    /// finished, and none runs now.
    #[getter]
    fn last_run_unfinished(&self) -> bool {
        self.inner.last_run_unfinished()
    }

    /// The fingerprint of the indexed content this archive sees.
    #[getter]
    fn fingerprint(&self, py: Python<'_>) -> PyResult<String> {
        py.detach(|| self.inner.fingerprint()).or_raise(py)
    }

    /// The commit this archive sees (its fingerprint and segments): what a
    /// search over shards checks each step reads.
    #[getter]
    fn _commit(&self, py: Python<'_>) -> PyResult<String> {
        py.detach(|| self.inner.commit()).or_raise(py)
    }

    /// Which shard of how many (`(number, count)`) the index holds, or
    /// `None` for a whole index.
    #[getter]
    fn shard(&self, py: Python<'_>) -> PyResult<Option<(u32, u32)>> {
        let shard = py.detach(|| self.inner.shard()).or_raise(py)?;
        Ok(shard.map(|[number, count]| (number, count)))
    }

    /// Makes later searches see the index's latest commit.
    fn reload(&self, py: Python<'_>) -> PyResult<()> {
        py.detach(|| self.inner.reload()).or_raise(py)
    }

    /// Runs a search; its results are rendered to JSON when asked for.
    fn search(
        &self,
        py: Python<'_>,
        query: String,
        filters: Filters,
        options: SearchOptions,
    ) -> PyResult<SearchResults> {
        let found = py.detach(|| {
            let request = options.apply(filters.request(query)?)?;
            self.inner.search(&request)
        });
        Ok(SearchResults {
            inner: found.or_raise(py)?,
        })
    }

    /// Every hit of a search, one at a time as it is made: a stream of
    /// the hits' JSON (no grouping, no facets).
    fn hits(
        slf: Py<Self>,
        py: Python<'_>,
        query: String,
        filters: Filters,
        options: SearchOptions,
    ) -> PyResult<HitStream> {
        let request = options
            .apply(filters.request(query).or_raise(py)?)
            .or_raise(py)?;
        if request.group || request.facets {
            return Err(to_py(
                py,
                Error::InvalidOption("hits come one at a time without grouping or facets".into()),
            ));
        }
        let (sender, receiver) = sync_channel(HITS_IN_FLIGHT);
        std::thread::Builder::new()
            .name("cita-hits".to_string())
            // A frozen class that is `Sync` is read without the GIL.
            .spawn(move || send_hits(&slf.get().inner, &request, &sender))
            .map_err(|err| {
                to_py(
                    py,
                    Error::InvalidOption(format!("cannot start a search: {err}")),
                )
            })?;
        let (first, receiver) = py.detach(move || (receiver.recv().ok(), receiver));
        if let Some(Err(err)) = first {
            return Err(to_py(py, err));
        }
        Ok(HitStream {
            first: Mutex::new(first),
            hits: Mutex::new(receiver),
        })
    }

    /// The JSON of `cita search --count --format json`.
    fn count(&self, py: Python<'_>, query: String, filters: Filters) -> PyResult<String> {
        py.detach(|| {
            let counts = self.inner.count(&filters.request(query)?)?;
            rendered(|out| output::write_counts(out, &counts, Format::Json))
        })
        .or_raise(py)
    }

    /// The JSON of `cita show --format json`, or `None` when no passage has that id.
    #[pyo3(signature = (id, context, cite=false))]
    fn passage(
        &self,
        py: Python<'_>,
        id: String,
        context: usize,
        cite: bool,
    ) -> PyResult<Option<String>> {
        py.detach(|| {
            let Some(mut found) = self.inner.passage(&id, context)? else {
                return Ok(None);
            };
            if cite {
                found = found.cited();
            }
            let style = TextStyle::default();
            rendered(|out| output::write_passage(out, &found, Format::Json, style)).map(Some)
        })
        .or_raise(py)
    }

    /// The JSON of `cita timeline --format json`.
    fn timeline(
        &self,
        py: Python<'_>,
        query: String,
        filters: Filters,
        by: String,
        axis: String,
        by_source: bool,
    ) -> PyResult<String> {
        py.detach(|| {
            let (request, by, mentioned) = timeline_request(query, &filters, &by, &axis)?;
            let timeline = self.inner.timeline(&request, by, by_source, mentioned)?;
            let style = TextStyle::default();
            rendered(|out| output::write_timeline(out, &timeline, Format::Json, style))
        })
        .or_raise(py)
    }

    /// The JSON of `cita kwic --format json` (`limit`: `--limit`).
    #[pyo3(signature = (query, filters, width, sort, limit=None))]
    fn kwic(
        &self,
        py: Python<'_>,
        query: String,
        filters: Filters,
        width: usize,
        sort: String,
        limit: Option<usize>,
    ) -> PyResult<String> {
        py.detach(|| {
            kwic_json(query, filters, sort, |request, sort| {
                self.inner
                    .kwic_lines(request, width, sort, limit.unwrap_or(usize::MAX))
            })
        })
        .or_raise(py)
    }

    /// Runs each query like `cita batch`: `(rows, outcomes)`, the rows as
    /// `cita batch --format jsonl` writes them, and for each query its
    /// line (in its file, or 1-based position in a list), the query, and
    /// its total or its exception. A damaged index fails the whole batch,
    /// as in the CLI.
    fn batch(
        &self,
        py: Python<'_>,
        queries: Vec<(usize, String)>,
        filters: Filters,
        limit: Option<usize>,
        snippet_chars: usize,
    ) -> PyResult<(String, Vec<BatchOutcome>)> {
        let queries: Vec<BatchQuery> = queries
            .into_iter()
            .map(|(line, query)| BatchQuery { line, query })
            .collect();
        let ran = py.detach(|| {
            let template = cita::SearchRequest {
                limit: limit.unwrap_or(cita::ALL),
                snippet_chars,
                ..filters.request(String::new())?
            };
            cita::query::check_options(&template)?;
            let mut rows = String::new();
            let mut outcomes = Vec::new();
            for outcome in self.inner.batch(&queries, &template) {
                let result = match outcome.result {
                    Ok(results) => {
                        rows += &batch_rows(&outcome.query, &results)?;
                        Ok(results.total)
                    }
                    Err(err @ Error::Damaged { .. }) => return Err(err),
                    Err(err) => Err(err),
                };
                outcomes.push((outcome.query, result));
            }
            Ok((rows, outcomes))
        });
        let (rows, outcomes) = ran.or_raise(py)?;
        let outcomes = outcomes
            .into_iter()
            .map(|(query, result)| match result {
                Ok(total) => (query.line, query.query, Some(total), None),
                Err(err) => (query.line, query.query, None, Some(to_py(py, err))),
            })
            .collect();
        Ok((rows, outcomes))
    }

    /// The languages of the index's passages, as a JSON list of codes.
    fn languages(&self, py: Python<'_>) -> PyResult<String> {
        py.detach(|| dist::languages_json(&self.inner)).or_raise(py)
    }

    /// As a shard, a step of a search over shards (`cita.dist`), with the
    /// summed `statistics` when there are any yet (JSON in and out; see
    /// `dist::shard_step`).
    // One argument per part of the step's request.
    #[allow(clippy::too_many_arguments)]
    fn _shard_step(
        &self,
        py: Python<'_>,
        step: String,
        query: String,
        filters: Filters,
        options: SearchOptions,
        statistics: Option<String>,
        data: String,
    ) -> PyResult<String> {
        py.detach(|| {
            let request = dist::sharded_request(query, &filters, &options, statistics.as_deref())?;
            dist::shard_step(&self.inner, &step, &request, &data)
        })
        .or_raise(py)
    }

    /// The JSON of `cita stats --format json`.
    fn stats(&self, py: Python<'_>) -> PyResult<String> {
        py.detach(|| {
            let stats = self.inner.stats()?;
            rendered(|out| output::write_stats(out, &stats, Format::Json))
        })
        .or_raise(py)
    }

    /// The JSON of `cita check --format json`.
    fn check(&self, py: Python<'_>) -> PyResult<String> {
        py.detach(|| {
            let check = self.inner.check()?;
            rendered(|out| output::write_check(out, &check, Format::Json))
        })
        .or_raise(py)
    }
}
