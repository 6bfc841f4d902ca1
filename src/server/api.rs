//! The JSON API. Each handler reads and checks its parameters, calls one
//! [`Archive`] method on the blocking pool under the server's limits, and
//! serializes the library's own result type. Every error is
//! `{"error": "…"}` with a fitting status.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use serde_json::json;

use super::{AppState, Limits, SlotError, WorkState};
use crate::archive::Archive;
use crate::date::Date;
use crate::error::Error;
use crate::language::Language;
use crate::output::{self, Format, TextStyle};
use crate::results::{
    DEFAULT_LIMIT, DEFAULT_SNIPPET_CHARS, Period, SearchRequest, SearchResults, Sort, YearRange,
    author_name, publication_name,
};
use crate::views::batch::parse_queries;
use crate::views::kwic::{ContextSort, DEFAULT_WIDTH};

/// The OpenAPI 3.1 description of this API, served at `/api/openapi.json`.
pub const OPENAPI: &str = include_str!("openapi.json");

/// Passages on each side of `/api/passages/{id}` when `context` is not given.
pub const DEFAULT_CONTEXT: usize = 2;

/// The largest `facet_limit` (the OpenAPI document's maximum): more
/// values than any facet holds, so that no value is left out.
const MAX_FACET_LIMIT: usize = u32::MAX as usize;

/// An API failure, answered as `{"error": "…"}` with its status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// 400: a malformed query or parameter.
    BadRequest(String),
    /// 403: a request for a host name this server does not answer.
    Forbidden(String),
    /// 404: no such passage or endpoint.
    NotFound(String),
    /// 405: the endpoint exists but answers only these methods (`GET, HEAD`, or `POST`).
    MethodNotAllowed(&'static str),
    /// 413: a request body over the limit.
    TooLarge(String),
    /// 414: a request target or query over the limit.
    UriTooLong(String),
    /// 503: every search slot busy and the waiting line full.
    Busy,
    /// 503: every search slot held by a search past its time limit.
    Overdue,
    /// 503: the request did not finish within the time limit.
    TimedOut(std::time::Duration),
    /// 408: the request body did not arrive within the idle time.
    BodyTimedOut(std::time::Duration),
    /// 500: the index could not be read.
    Internal(String),
}

impl ApiError {
    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UriTooLong(_) => StatusCode::URI_TOO_LONG,
            ApiError::Busy | ApiError::Overdue | ApiError::TimedOut(_) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            ApiError::BodyTimedOut(_) => StatusCode::REQUEST_TIMEOUT,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The message sent as `error`.
    pub fn message(&self) -> String {
        match self {
            ApiError::BadRequest(message)
            | ApiError::Forbidden(message)
            | ApiError::NotFound(message)
            | ApiError::TooLarge(message)
            | ApiError::UriTooLong(message)
            | ApiError::Internal(message) => message.clone(),
            ApiError::MethodNotAllowed(allowed) => format!(
                "this endpoint only answers {}",
                allowed.replace(", ", " and ")
            ),
            ApiError::Busy => {
                "the server is busy with other searches; retry in a moment".to_string()
            }
            ApiError::Overdue => "the server is busy: every search slot is taken by a search that ran past the time limit and cannot be stopped midway; retry in a moment".to_string(),
            ApiError::TimedOut(limit) => format!(
                "the request did not finish within the server's time limit of {} ms",
                limit.as_millis()
            ),
            ApiError::BodyTimedOut(idle) => format!(
                "the request body did not arrive within {} ms",
                idle.as_millis()
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response =
            (self.status(), Json(json!({ "error": self.message() }))).into_response();
        match self {
            ApiError::Busy | ApiError::Overdue | ApiError::TimedOut(_) => {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
            ApiError::MethodNotAllowed(allowed) => {
                response
                    .headers_mut()
                    .insert(header::ALLOW, HeaderValue::from_static(allowed));
            }
            // The rest of the body may still come: the connection ends.
            ApiError::BodyTimedOut(_) => {
                response
                    .headers_mut()
                    .insert(header::CONNECTION, HeaderValue::from_static("close"));
            }
            _ => {}
        }
        response
    }
}

impl From<Error> for ApiError {
    fn from(err: Error) -> Self {
        match err {
            Error::Query(_) | Error::Date { .. } | Error::InvalidOption(_) => {
                ApiError::BadRequest(err.to_string())
            }
            other => ApiError::Internal(other.to_string()),
        }
    }
}

/// The API's routes (the page's are in [`super::page`]).
pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/search", get(search))
        .route("/api/timeline", get(timeline))
        .route("/api/kwic", get(kwic))
        .route(BATCH_PATH, post(batch))
        .route("/api/passages/{id}", get(passage))
        .route("/api/stats", get(stats))
        .route("/api/openapi.json", get(openapi))
        .route("/healthz", get(healthz))
}

/// The JSON of `cita search --format json` (the same [`SearchResults`],
/// flattened, so every field is identical) plus the paging that produced it.
#[derive(Debug, Serialize)]
pub struct SearchPage {
    /// `query`, `total` and `hits`, exactly as the CLI prints them.
    #[serde(flatten)]
    pub results: SearchResults,
    /// The `limit` applied.
    pub limit: usize,
    /// The `offset` applied.
    pub offset: usize,
}

/// A request's query-string parameters, each at most once, all known.
struct Params(HashMap<String, String>);

impl Params {
    fn read(query: Option<String>, known: &[&str]) -> Result<Params, ApiError> {
        let mut params = HashMap::new();
        for (name, value) in decode_query(query.as_deref().unwrap_or_default())? {
            if !known.contains(&name.as_str()) {
                return Err(ApiError::BadRequest(format!(
                    "unknown parameter {name:?}; this endpoint takes {}",
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                )));
            }
            if params.insert(name.clone(), value).is_some() {
                return Err(ApiError::BadRequest(format!(
                    "parameter {name:?} is given more than once"
                )));
            }
        }
        Ok(Params(params))
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// A whole number in `min..=max` written in ASCII digits only (no sign,
    /// no spaces), or `default` when absent.
    fn number(
        &self,
        name: &str,
        default: usize,
        min: usize,
        max: usize,
    ) -> Result<usize, ApiError> {
        let Some(text) = self.get(name) else {
            return Ok(default);
        };
        Some(text)
            .filter(|text| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|text| text.parse::<usize>().ok())
            .filter(|n| (min..=max).contains(n))
            .ok_or_else(|| {
                ApiError::BadRequest(format!(
                    "{name} must be a whole number from {min} to {max}, not {text:?}"
                ))
            })
    }

    /// One of `choices` by its exact name, or the first when absent.
    fn choice<T: Copy>(&self, name: &str, choices: &[(&str, T)]) -> Result<T, ApiError> {
        let Some(text) = self.get(name) else {
            return Ok(choices[0].1);
        };
        choices
            .iter()
            .find(|(choice, _)| *choice == text)
            .map(|(_, value)| *value)
            .ok_or_else(|| {
                let names: Vec<&str> = choices.iter().map(|(choice, _)| *choice).collect();
                ApiError::BadRequest(format!(
                    "{name} must be one of {}, not {text:?}",
                    names.join(", ")
                ))
            })
    }

    /// `true` or `false`; false when absent.
    fn flag(&self, name: &str) -> Result<bool, ApiError> {
        self.choice(name, &[("false", false), ("true", true)])
    }

    /// `facet_limit`, which limits the facets asked with `facets=true`
    /// (as `--facet-limit` needs `--facets`), or `None` when absent.
    fn facet_limit(&self) -> Result<Option<usize>, ApiError> {
        if self.get("facet_limit").is_none() {
            return Ok(None);
        }
        if !self.flag("facets")? {
            return Err(ApiError::BadRequest(
                "facet_limit limits the facets: ask facets=true with it".to_string(),
            ));
        }
        self.number("facet_limit", 0, 0, MAX_FACET_LIMIT).map(Some)
    }

    /// A date bound: exactly `YYYY`, `YYYY-MM` or `YYYY-MM-DD` naming a real
    /// period (the pattern in openapi.json), or `None` when absent.
    fn date(
        &self,
        name: &str,
        parse: fn(&str) -> crate::error::Result<Date>,
    ) -> Result<Option<Date>, ApiError> {
        let Some(text) = self.get(name) else {
            return Ok(None);
        };
        if text.trim() == text
            && let Ok(date) = parse(text)
        {
            return Ok(Some(date));
        }
        // A day written right that does not exist says which.
        let why = crate::date::no_such_day(text).map_or_else(
            || {
                "expected YYYY-MM-DD (or YYYY-MM, or YYYY), a day that exists, years 0001-9999"
                    .to_string()
            },
            |why| format!("no such day: {why}"),
        );
        Err(ApiError::BadRequest(format!(
            "{name}: invalid date {text:?}: {why}"
        )))
    }

    /// `mentions`: exactly `YYYY`, `YYYY..YYYY` or `YYYY-YYYY`, years
    /// 1000–2099 (the pattern in openapi.json), the first not after the last.
    fn years(&self, name: &str) -> Result<Option<YearRange>, ApiError> {
        let Some(text) = self.get(name) else {
            return Ok(None);
        };
        let year = |part: &str| {
            part.len() == 4
                && part.bytes().all(|b| b.is_ascii_digit())
                && (1000..=2099).contains(&part.parse::<u16>().unwrap_or(0))
        };
        let well_formed = match text.split_once("..").or_else(|| text.split_once('-')) {
            Some((first, last)) => year(first) && year(last),
            None => year(text),
        };
        if !well_formed {
            return Err(ApiError::BadRequest(format!(
                "{name}: invalid year range {text:?}: expected YEAR, FIRST..LAST or FIRST-LAST, as in 1960..1969 (years 1000-2099)"
            )));
        }
        Ok(Some(YearRange::parse(text)?))
    }

    /// `lang`: ISO 639-1 codes in lower case, comma-separated, each one
    /// cita knows (the pattern in openapi.json lists them).
    fn languages(&self, name: &str) -> Result<Vec<Language>, ApiError> {
        let Some(text) = self.get(name) else {
            return Ok(Vec::new());
        };
        text.split(',')
            .map(|code| {
                let two_letters = code.len() == 2 && code.bytes().all(|b| b.is_ascii_alphabetic());
                match Language::from_code(code).filter(|_| two_letters) {
                    Some(language) if code.bytes().all(|b| b.is_ascii_lowercase()) => Ok(language),
                    Some(_) => Err(ApiError::BadRequest(format!(
                        "{name}: language codes are lower case: {} for {code:?}",
                        code.to_ascii_lowercase()
                    ))),
                    _ => Err(ApiError::BadRequest(format!(
                        "{name}: unknown language code {code:?}: {}, comma-separated",
                        crate::language::KNOWN_LANGUAGES
                    ))),
                }
            })
            .collect()
    }
}

/// The `name=value` pairs of a query string, decoded as HTML forms encode
/// them (`+` is a space, `%XX` a byte). A value that is not UTF-8 once
/// decoded is a 400, rather than being searched for with replacement
/// characters; a `%` not followed by two hex digits stands for itself.
fn decode_query(raw: &str) -> Result<Vec<(String, String)>, ApiError> {
    raw.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            Ok((decode_component(name)?, decode_component(value)?))
        })
        .collect()
}

fn decode_component(text: &str) -> Result<String, ApiError> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |at: usize| bytes.get(at).and_then(|&b| (b as char).to_digit(16));
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match (hex(i + 1), hex(i + 2)) {
                (Some(high), Some(low)) => {
                    out.push((high * 16 + low) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| {
        ApiError::BadRequest(format!(
            "the query string is not UTF-8 once percent-decoded: {text:?}"
        ))
    })
}

/// Runs `work` on the blocking pool, holding a search slot for as long as it
/// actually runs, within the request's time limit, whose instant `work` is
/// given (a search stops at it: [`SearchRequest::deadline`]). Past the
/// limit the request gets 503 at once; work that cannot be stopped midway
/// (tantivy finding the matches) runs to its end and keeps its slot until
/// then (see [`super::Slots`]).
pub(crate) async fn on_index<T, F>(state: &Arc<AppState>, work: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&Archive, std::time::Instant) -> crate::error::Result<T> + Send + 'static,
{
    let limit = state.limits.timeout;
    let deadline = tokio::time::Instant::now() + limit;
    let permit = state
        .slots
        .acquire(deadline)
        .await
        .map_err(|err| match err {
            SlotError::Busy => ApiError::Busy,
            SlotError::Overdue => ApiError::Overdue,
            SlotError::TimedOut => ApiError::TimedOut(limit),
        })?;
    let progress = Arc::new(WorkState::default());
    let running = Running {
        state: state.clone(),
        progress: progress.clone(),
        _permit: permit,
    };
    let task = tokio::task::spawn_blocking(move || {
        let running = running;
        work(&running.state.archive, deadline.into_std())
    });
    match tokio::time::timeout_at(deadline, task).await {
        Err(_) => {
            state.slots.mark_overdue(&progress);
            Err(ApiError::TimedOut(limit))
        }
        Ok(Err(_)) => Err(ApiError::Internal(
            "the request failed inside the server; see its log".to_string(),
        )),
        Ok(Ok(result)) => result.map_err(|err| match err {
            // It can beat the timer above by a hair.
            Error::PastDeadline => ApiError::TimedOut(limit),
            other => ApiError::from(other),
        }),
    }
}

/// Index work on the blocking pool: when it ends, however it ends, it is
/// recorded as done, then its slot frees.
struct Running {
    state: Arc<AppState>,
    progress: Arc<WorkState>,
    _permit: tokio::sync::OwnedSemaphorePermit,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.state.slots.finish(&self.progress);
    }
}

/// The one endpoint that reads a request body.
pub(crate) const BATCH_PATH: &str = "/api/batch";

/// The filters every search-like endpoint takes (the batch's queries come
/// in its body, the others' in `q`).
const FILTERS: [&str; 6] = [
    "since",
    "until",
    "mentions",
    "lang",
    "publication",
    "author",
];

/// `q`, [`FILTERS`] and `names`: an endpoint's known parameters.
fn with_filters(names: &[&'static str]) -> Vec<&'static str> {
    ["q"].iter().chain(&FILTERS).chain(names).copied().collect()
}

/// `q` (required, within the length limit) and the filters, as a request
/// for the library with its defaults otherwise.
fn filtered_request(params: &Params, limits: &Limits) -> Result<SearchRequest, ApiError> {
    let Some(q) = params.get("q").filter(|q| !q.is_empty()) else {
        return Err(ApiError::BadRequest(
            "missing query: pass it as q, as in /api/search?q=%22Plan+LAZO%22".to_string(),
        ));
    };
    if q.trim().is_empty() {
        return Err(ApiError::BadRequest(
            "the query q is blank: give it a word, a phrase or *, as in /api/search?q=%22Plan+LAZO%22"
                .to_string(),
        ));
    }
    let chars = q.chars().count();
    if chars > limits.max_query_chars {
        return Err(ApiError::UriTooLong(format!(
            "the query is {chars} characters long; at most {} are accepted",
            limits.max_query_chars
        )));
    }
    Ok(SearchRequest {
        query: q.to_string(),
        ..template(params)?
    })
}

/// A request without its query: the filters of `params` on the library's defaults.
fn template(params: &Params) -> Result<SearchRequest, ApiError> {
    Ok(SearchRequest {
        since: params.date("since", Date::parse_start)?,
        until: params.date("until", Date::parse_end)?,
        mentions: params.years("mentions")?,
        languages: params.languages("lang")?,
        publication: params
            .get("publication")
            .map(publication_name)
            .transpose()?,
        author: params.get("author").map(author_name).transpose()?,
        ..SearchRequest::new("")
    })
}

/// What `write` writes, as an answer's body. Called inside [`on_index`]'s
/// work: writing a large answer (a grouped search of `*` with context,
/// hundreds of megabytes) is the index's work as much as finding it, and
/// takes its slot and time limit, not the threads that answer `/healthz`.
fn written(write: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> std::io::Result<Vec<u8>> {
    let mut body = Vec::new();
    write(&mut body).map(|()| body)
}

/// The answer of `body` in `format` (written by the CLI's own renderer or
/// as JSON). CSV comes as an attachment named `name.csv`, so a link
/// downloads it.
fn rendered(
    format: Format,
    name: &str,
    body: std::io::Result<Vec<u8>>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|err| ApiError::Internal(format!("cannot write the answer: {err}")))?;
    let content_type = match format {
        Format::Csv => "text/csv; charset=utf-8",
        Format::Jsonl => "application/x-ndjson",
        Format::Json | Format::Text => "application/json",
    };
    let mut response = ([(header::CONTENT_TYPE, content_type)], body).into_response();
    if format == Format::Csv {
        let disposition = format!("attachment; filename=\"{name}.csv\"");
        if let Ok(value) = HeaderValue::from_str(&disposition) {
            response
                .headers_mut()
                .insert(header::CONTENT_DISPOSITION, value);
        }
    }
    Ok(response)
}

/// `GET /api/search`
async fn search(
    State(state): State<Arc<AppState>>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::read(
        query,
        &with_filters(&[
            "limit",
            "offset",
            "snippet_chars",
            "sort",
            "context",
            "cite",
            "all_words",
            "group",
            "facets",
            "facet_limit",
            "collapse",
            "format",
        ]),
    )?;
    let limits = &state.limits;
    let limit = params.number("limit", DEFAULT_LIMIT, 0, limits.max_limit)?;
    // Each bound stands alone (the OpenAPI document can say so), and
    // together they keep offset + limit within max_window.
    let offset = params.number("offset", 0, 0, limits.max_offset())?;
    let request = SearchRequest {
        limit,
        offset,
        snippet_chars: params.number(
            "snippet_chars",
            DEFAULT_SNIPPET_CHARS,
            1,
            limits.max_snippet_chars,
        )?,
        sort: params.choice("sort", &Sort::NAMES)?,
        context: params.number("context", 0, 0, limits.max_context)?,
        cite: params.flag("cite")?,
        all_words: params.flag("all_words")?,
        group: params.flag("group")?,
        facets: params.flag("facets")?,
        facet_limit: params.facet_limit()?,
        // On unless turned off.
        collapse: params.choice("collapse", &[("true", true), ("false", false)])?,
        ..filtered_request(&params, limits)?
    };
    let format = params.choice("format", &[("json", Format::Json), ("csv", Format::Csv)])?;
    // The CLI notes on stderr what a format leaves out; an answer has no
    // stderr, so asking for it is refused, as an unknown parameter is.
    let context = request.context > 0;
    if !output::left_out(format, request.facets, context).is_empty() {
        let asked = [("facets", request.facets), ("context", context)]
            .into_iter()
            .filter_map(|(name, on)| on.then_some(name))
            .collect::<Vec<_>>()
            .join(" and ");
        return Err(ApiError::BadRequest(format!(
            "{asked}: not part of a CSV answer, a row per hit; ask format=json, or leave {asked} out"
        )));
    }
    let body = on_index(&state, move |archive, deadline| {
        let request = SearchRequest {
            deadline: Some(deadline),
            ..request
        };
        let results = archive.search(&request)?;
        Ok(written(|out| match format {
            Format::Csv => output::write_results(out, &results, format, TextStyle::default()),
            _ => Ok(serde_json::to_writer(
                out,
                &SearchPage {
                    results,
                    limit,
                    offset,
                },
            )?),
        }))
    })
    .await?;
    rendered(format, "cita-search", body)
}

/// `GET /api/timeline`: the JSON (or CSV) of `cita timeline`.
async fn timeline(
    State(state): State<Arc<AppState>>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::read(query, &with_filters(&["by", "by_source", "axis", "format"]))?;
    let request = filtered_request(&params, &state.limits)?;
    let by = params.choice("by", &[("year", Period::Year), ("month", Period::Month)])?;
    let by_source = params.flag("by_source")?;
    let mentioned = params.choice("axis", &[("published", false), ("mentioned", true)])?;
    let format = params.choice("format", &[("json", Format::Json), ("csv", Format::Csv)])?;
    let body = on_index(&state, move |archive, _| {
        let timeline = archive.timeline(&request, by, by_source, mentioned)?;
        Ok(written(|out| {
            output::write_timeline(out, &timeline, format, TextStyle::default())
        }))
    })
    .await?;
    rendered(format, "cita-timeline", body)
}

/// `GET /api/kwic`: the JSON (or CSV) of `cita kwic`.
async fn kwic(
    State(state): State<Arc<AppState>>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::read(
        query,
        &with_filters(&["width", "sort_context", "limit", "format"]),
    )?;
    let request = filtered_request(&params, &state.limits)?;
    let width = params.number("width", DEFAULT_WIDTH, 1, MAX_KWIC_WIDTH)?;
    let max_lines = state.limits.max_kwic_lines;
    let limit = params.number("limit", max_lines, 0, max_lines)?;
    let sort = params.choice(
        "sort_context",
        &[
            ("relevance", ContextSort::Relevance),
            ("left", ContextSort::Left),
            ("right", ContextSort::Right),
        ],
    )?;
    let format = params.choice("format", &[("json", Format::Json), ("csv", Format::Csv)])?;
    let body = on_index(&state, move |archive, deadline| {
        let request = SearchRequest {
            deadline: Some(deadline),
            ..request
        };
        let concordance = archive.kwic_lines(&request, width, sort, limit)?;
        Ok(written(|out| {
            output::write_kwic(out, &concordance, format, TextStyle::default())
        }))
    })
    .await?;
    rendered(format, "cita-kwic", body)
}

/// Widest `width` of a concordance, in display columns.
pub use crate::views::kwic::MAX_WIDTH as MAX_KWIC_WIDTH;

/// `POST /api/batch`: the queries of the body (one a line, as a `cita
/// batch` file), each run with the options of the query string; answers
/// the CSV (or JSON Lines) of `cita batch`. A query that cannot run makes
/// the whole batch a 400 naming its line: there is no standard error to
/// report it on and go on.
async fn batch(
    State(state): State<Arc<AppState>>,
    RawQuery(query): RawQuery,
    body: Body,
) -> Result<Response, ApiError> {
    let known: Vec<&str> = FILTERS
        .iter()
        .chain(&["limit", "snippet_chars", "format"])
        .copied()
        .collect();
    let params = Params::read(query, &known)?;
    let limits = &state.limits;
    let template = SearchRequest {
        limit: params.number("limit", DEFAULT_LIMIT, 0, limits.max_limit)?,
        snippet_chars: params.number(
            "snippet_chars",
            DEFAULT_SNIPPET_CHARS,
            1,
            limits.max_snippet_chars,
        )?,
        ..template(&params)?
    };
    let format = params.choice("format", &[("csv", Format::Csv), ("jsonl", Format::Jsonl)])?;
    // Within the idle time: a body that never ends holds its connection,
    // and the server's shutdown, no longer. (Its length was checked
    // against the limit before: `super::guard`.)
    let reading = axum::body::to_bytes(body, limits.max_batch_bytes as usize);
    let body = match tokio::time::timeout(limits.idle_timeout, reading).await {
        Err(_) => return Err(ApiError::BodyTimedOut(limits.idle_timeout)),
        Ok(read) => read
            .map_err(|err| ApiError::BadRequest(format!("cannot read the request body: {err}")))?,
    };
    let text = std::str::from_utf8(&body)
        .map_err(|_| ApiError::BadRequest("the request body is not UTF-8 text".to_string()))?;
    let queries = parse_queries(text);
    if queries.is_empty() {
        return Err(ApiError::BadRequest(
            "the body holds no query: send one query a line (blank lines and # comments are skipped)".to_string(),
        ));
    }
    if queries.len() > limits.max_batch_queries {
        return Err(ApiError::TooLarge(format!(
            "the body holds {} queries; at most {} are run at once",
            queries.len(),
            limits.max_batch_queries
        )));
    }
    if let Some(long) = queries
        .iter()
        .find(|q| q.query.chars().count() > limits.max_query_chars)
    {
        return Err(ApiError::UriTooLong(format!(
            "the query on line {} is {} characters long; at most {} are accepted",
            long.line,
            long.query.chars().count(),
            limits.max_query_chars
        )));
    }
    let body = on_index(&state, move |archive, deadline| {
        let template = SearchRequest {
            deadline: Some(deadline),
            ..template
        };
        crate::query::check_options(&template)?;
        let outcomes = archive
            .batch(&queries, &template)
            .map(|outcome| match outcome.result {
                Ok(results) => Ok((outcome.query, results)),
                // A damaged index fails the request; a query that does
                // not parse is the client's.
                Err(err @ (Error::Query(_) | Error::InvalidOption(_) | Error::Date { .. })) => Err(
                    Error::InvalidOption(format!("line {}: {err}", outcome.query.line)),
                ),
                Err(err) => Err(err),
            })
            .collect::<crate::error::Result<Vec<_>>>()?;
        Ok(written(|out| {
            if format == Format::Csv {
                output::csv::write_batch_header(out)?;
            }
            for (query, results) in &outcomes {
                match format {
                    Format::Csv => output::csv::write_batch_csv(out, query, results)?,
                    _ => output::write_batch_jsonl(out, query, results)?,
                }
            }
            Ok(())
        }))
    })
    .await?;
    rendered(format, "cita-batch", body)
}

/// `GET /api/passages/{id}`
async fn passage(
    State(state): State<Arc<AppState>>,
    id: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let Path(id) = id.map_err(|err| ApiError::BadRequest(err.body_text()))?;
    let params = Params::read(query, &["context", "cite"])?;
    let context = params.number("context", DEFAULT_CONTEXT, 0, state.limits.max_context)?;
    let cite = params.flag("cite")?;
    let wanted = id.clone();
    let body = on_index(&state, move |archive, _| {
        let found = archive.passage(&wanted, context)?;
        Ok(found.map(|found| {
            let answer = if cite { found.cited() } else { found };
            written(|out| Ok(serde_json::to_writer(out, &answer)?))
        }))
    })
    .await?;
    match body {
        Some(body) => rendered(Format::Json, "cita-passage", body),
        None => Err(ApiError::NotFound(format!("no passage has the id {id:?}"))),
    }
}

/// `GET /api/stats`
async fn stats(
    State(state): State<Arc<AppState>>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    Params::read(query, &[])?;
    let stats = on_index(&state, |archive, _| archive.stats()).await?;
    Ok(Json(stats).into_response())
}

/// `GET /healthz`: the process is up and answering.
async fn healthz(RawQuery(query): RawQuery) -> Result<Json<serde_json::Value>, ApiError> {
    Params::read(query, &[])?;
    Ok(Json(json!({ "status": "ok" })))
}

/// `GET /api/openapi.json`
async fn openapi(RawQuery(query): RawQuery) -> Result<Response, ApiError> {
    Params::read(query, &[])?;
    Ok(([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response())
}

/// Any path that is not an endpoint. A request whose target names no
/// path (a CONNECT's host, `OPTIONS *`, which asks about the server) asks
/// with a method the server does not answer: 405, as on every endpoint.
pub(crate) async fn not_found(method: Method, uri: Uri) -> ApiError {
    if method == Method::CONNECT || (method == Method::OPTIONS && uri.path() == "*") {
        return ApiError::MethodNotAllowed("GET, HEAD");
    }
    ApiError::NotFound(format!("no endpoint at {}", uri.path()))
}

/// A known path with a method it does not answer: POST for `/api/batch`,
/// GET or HEAD for the others.
pub(crate) async fn method_not_allowed(uri: Uri) -> ApiError {
    ApiError::MethodNotAllowed(if uri.path() == BATCH_PATH {
        "POST"
    } else {
        "GET, HEAD"
    })
}
