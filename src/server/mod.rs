//! `cita serve`: an HTTP JSON API and a search page over an [`Archive`], a
//! thin shell over the library like `main.rs`.
//!
//! - [`api`] answers `/api/search`, `/api/timeline`, `/api/kwic`,
//!   `/api/batch` (a POST, the one endpoint that reads a body),
//!   `/api/passages/{id}`, `/api/stats`, `/healthz` and `/api/openapi.json`,
//!   with the same serde types and renderers as the CLI
//!   ([`SearchResults`](crate::SearchResults), [`crate::output`]) and JSON errors.
//! - [`page`] serves the search page: HTML, JavaScript and CSS embedded in the
//!   binary, nothing fetched from elsewhere.
//!
//! The server is read-only: it opens the index with [`Archive::open_live`],
//! so a `cita index` run beside it becomes visible without a restart, and no
//! request can write anything. Every request that touches the index runs on
//! tokio's blocking pool under [`Limits`]: a cap on concurrent searches with a
//! bounded wait (503 beyond it), and a time limit per request. Below the
//! router, the connection layer (`conn.rs`) caps open connections, closes
//! idle ones ([`Limits::idle_timeout`]), and gives the errors hyper answers
//! by itself (malformed requests, oversized headers) a JSON body too.
//!
//! ```no_run
//! use std::sync::Arc;
//! use cita::Archive;
//! use cita::server::{Limits, ServeOptions};
//!
//! let archive = Arc::new(Archive::open_live("index".as_ref())?);
//! let options = ServeOptions::new("127.0.0.1:7700".parse().unwrap());
//! cita::server::run(archive, &options, |addr| eprintln!("listening on http://{addr}"))?;
//! # Ok::<(), cita::Error>(())
//! ```

pub mod api;
mod conn;
pub mod page;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tokio::sync::{Notify, Semaphore};
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::archive::Archive;
use crate::error::{Error, Result};

pub use api::ApiError;

/// The default address: loopback only.
pub const DEFAULT_ADDR: &str = "127.0.0.1:7700";

/// Caps that keep one client from knocking the server over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Longest accepted query (`q`), in characters; longer is 414.
    pub max_query_chars: usize,
    /// Largest `limit` of a search; larger is 400.
    pub max_limit: usize,
    /// Largest `offset + limit` of a search (deep paging costs as much as a
    /// search for that many hits): `offset` may be at most this minus
    /// `max_limit` ([`Limits::max_offset`]); larger is 400.
    pub max_window: usize,
    /// Largest `snippet_chars`; larger is 400.
    pub max_snippet_chars: usize,
    /// Largest `context` of a passage request; larger is 400.
    pub max_context: usize,
    /// Most lines of a concordance (`limit` of `/api/kwic`, and its
    /// default); larger is 400. Each line's passage is read whole: a
    /// common word's every occurrence took the memory of its every passage.
    pub max_kwic_lines: usize,
    /// Longest accepted request target (path and query string), in bytes; longer is 414.
    pub max_uri_bytes: usize,
    /// Largest request body, in bytes, of any request but a batch (no
    /// other endpoint reads one); larger is 413.
    pub max_body_bytes: u64,
    /// Largest body of `POST /api/batch`, in bytes; larger is 413.
    pub max_batch_bytes: u64,
    /// Most queries in one batch; more is 413.
    pub max_batch_queries: usize,
    /// Requests working on the index at the same time.
    pub max_searches: usize,
    /// Requests waiting for one of those slots; one more is answered 503 at once.
    pub max_waiting: usize,
    /// Time limit of a request that works on the index, waiting included; 503 beyond.
    pub timeout: Duration,
    /// Connections open at once. One more waits in the system's listen
    /// queue until another closes (the idle timeout frees them).
    pub max_connections: usize,
    /// How long a connection may stay without a request running on it: from
    /// its opening, or the end of its last response, until the next request
    /// head has fully arrived. Beyond, the server closes it (with a 408 JSON
    /// error if part of a request had arrived). This is both the keep-alive
    /// idle timeout and the header read timeout.
    pub idle_timeout: Duration,
}

impl Limits {
    /// Largest accepted `offset`: `max_window - max_limit`, so that any
    /// accepted `offset` and `limit` together stay within `max_window`.
    pub fn max_offset(&self) -> usize {
        self.max_window.saturating_sub(self.max_limit)
    }
}

impl Default for Limits {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Limits {
            max_query_chars: 1_000,
            max_limit: 100,
            max_window: 10_000,
            max_snippet_chars: 2_000,
            max_context: 20,
            max_kwic_lines: 10_000,
            max_uri_bytes: 16 * 1024,
            max_body_bytes: 1024,
            max_batch_bytes: 16 * 1024,
            max_batch_queries: 100,
            max_searches: cores.max(2),
            max_waiting: 64,
            timeout: Duration::from_secs(10),
            max_connections: 1_000,
            idle_timeout: Duration::from_secs(30),
        }
    }
}

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Address to listen on (port 0: any free port).
    pub addr: SocketAddr,
    /// The one origin allowed to call the API from a browser (CORS); `None`
    /// sends no CORS headers, so browsers keep other origins out.
    pub cors: Option<String>,
    /// Caps on requests.
    pub limits: Limits,
}

impl ServeOptions {
    /// Options for `addr` with CORS off and default limits.
    pub fn new(addr: SocketAddr) -> ServeOptions {
        ServeOptions {
            addr,
            cors: None,
            limits: Limits::default(),
        }
    }
}

/// What every handler shares.
pub(crate) struct AppState {
    pub(crate) archive: Arc<Archive>,
    pub(crate) limits: Limits,
    /// Whether the server listens on loopback only, and so answers only
    /// requests for a loopback host name ([`is_loopback_host`]).
    pub(crate) loopback: bool,
    pub(crate) slots: Slots,
}

/// The cap on concurrent index work: `running` permits, and a bounded number
/// of requests allowed to wait for one.
///
/// A request past its time limit is answered 503, but its search cannot be
/// stopped midway (tantivy has no cancellation, and a thread of the blocking
/// pool cannot be interrupted): it runs to its end, keeping its slot, so the
/// searches running never outnumber the slots. Such a slot is *overdue* until
/// then. When every slot is overdue, nothing says when one will free, so new
/// requests, and those already waiting, get 503 at once instead of waiting
/// out their own time limit.
pub(crate) struct Slots {
    running: Arc<Semaphore>,
    max_running: usize,
    waiting: AtomicUsize,
    max_waiting: usize,
    /// Slots held by work whose request already got its 503.
    overdue: AtomicUsize,
    /// Wakes the waiters when a slot becomes overdue.
    overdue_more: Notify,
}

/// Why a request could not get a slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SlotError {
    /// Every slot is busy and the waiting line is full.
    Busy,
    /// Every slot is held by work past its time limit.
    Overdue,
    /// No slot came free within the time limit.
    TimedOut,
}

/// Where a piece of index work stands, for [`Slots::overdue`].
const WORK_RUNNING: u8 = 0;
const WORK_OVERDUE: u8 = 1;
const WORK_DONE: u8 = 2;

impl Slots {
    pub(crate) fn new(max_running: usize, max_waiting: usize) -> Slots {
        Slots {
            running: Arc::new(Semaphore::new(max_running)),
            max_running,
            waiting: AtomicUsize::new(0),
            max_waiting,
            overdue: AtomicUsize::new(0),
            overdue_more: Notify::new(),
        }
    }

    fn all_overdue(&self) -> bool {
        self.overdue.load(Ordering::SeqCst) >= self.max_running
    }

    /// A permit to work on the index, waiting at most until `deadline`.
    pub(crate) async fn acquire(
        &self,
        deadline: tokio::time::Instant,
    ) -> std::result::Result<tokio::sync::OwnedSemaphorePermit, SlotError> {
        if let Ok(permit) = self.running.clone().try_acquire_owned() {
            return Ok(permit);
        }
        if self.all_overdue() {
            return Err(SlotError::Overdue);
        }
        let waiting = self.waiting.fetch_add(1, Ordering::SeqCst);
        let _leave = WaitingGuard(&self.waiting);
        if waiting >= self.max_waiting {
            return Err(SlotError::Busy);
        }
        // One acquire future throughout keeps this request's place in line.
        let acquire = self.running.clone().acquire_owned();
        let until = tokio::time::sleep_until(deadline);
        tokio::pin!(acquire, until);
        loop {
            let more_overdue = self.overdue_more.notified();
            tokio::pin!(more_overdue);
            // Registered before the check, so no notification falls between.
            more_overdue.as_mut().enable();
            if self.all_overdue() {
                return Err(SlotError::Overdue);
            }
            tokio::select! {
                biased;
                permit = &mut acquire => {
                    // The semaphore is never closed; treat it as busy all the same.
                    return permit.map_err(|_| SlotError::Busy);
                }
                () = &mut until => return Err(SlotError::TimedOut),
                () = &mut more_overdue => {}
            }
        }
    }

    /// Records that the request of `work` got its 503 while the work still
    /// runs (unless it has just finished).
    pub(crate) fn mark_overdue(&self, work: &WorkState) {
        // Counted first, so the count is never below the truth.
        self.overdue.fetch_add(1, Ordering::SeqCst);
        let marked = work
            .0
            .compare_exchange(
                WORK_RUNNING,
                WORK_OVERDUE,
                Ordering::SeqCst,
                Ordering::SeqCst,
            )
            .is_ok();
        if marked {
            self.overdue_more.notify_waiters();
        } else {
            self.overdue.fetch_sub(1, Ordering::SeqCst);
        }
    }

    /// Records that `work` ended (normally, with an error, or by a panic).
    pub(crate) fn finish(&self, work: &WorkState) {
        if work.0.swap(WORK_DONE, Ordering::SeqCst) == WORK_OVERDUE {
            self.overdue.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// Whether one piece of index work runs, is overdue, or is done.
#[derive(Debug, Default)]
pub(crate) struct WorkState(std::sync::atomic::AtomicU8);

/// Takes a request off the waiting count when it stops waiting, however it stops.
struct WaitingGuard<'a>(&'a AtomicUsize);

impl Drop for WaitingGuard<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The whole application: API, page, limits and (when asked) CORS.
pub fn router(archive: Arc<Archive>, options: &ServeOptions) -> Result<Router> {
    let cors = match &options.cors {
        None => None,
        Some(origin) => {
            let value = browser_origin(origin)
                .and_then(|origin| HeaderValue::from_str(&origin).ok())
                .ok_or_else(|| {
                    Error::InvalidOption(format!(
                        "--cors {origin:?} is not an origin: expected scheme://host[:port], as in http://localhost:8080"
                    ))
                })?;
            Some(
                CorsLayer::new()
                    .allow_origin(AllowOrigin::list([value]))
                    .allow_methods([Method::GET, Method::HEAD, Method::POST])
                    // A batch posted as JSON or as a file names its type.
                    .allow_headers([header::CONTENT_TYPE])
                    // A page reads these as a client would: the time taken,
                    // when to retry, the CSV's file name.
                    .expose_headers([
                        header::HeaderName::from_static("server-timing"),
                        header::RETRY_AFTER,
                        header::CONTENT_DISPOSITION,
                    ])
                    .max_age(Duration::from_secs(3600)),
            )
        }
    };
    let state = Arc::new(AppState {
        archive,
        slots: Slots::new(options.limits.max_searches, options.limits.max_waiting),
        limits: options.limits.clone(),
        loopback: options.addr.ip().is_loopback(),
    });
    Ok(app(state, cors))
}

/// The routes and layers over a shared state.
fn app(state: Arc<AppState>, cors: Option<CorsLayer>) -> Router {
    let app = api::routes()
        .merge(page::routes(&state.limits))
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        .with_state(state.clone())
        .layer(middleware::from_fn_with_state(state, guard));
    // Outside the guard, so that its 413 and 414 reach an allowed page too.
    let app = match cors {
        Some(cors) => app.layer(cors),
        None => app,
    };
    app.layer(middleware::map_response(common_headers))
        .layer(middleware::from_fn(server_timing))
        .layer(middleware::from_fn(conn::track))
}

/// Whether a `Host` header names this machine's loopback: `localhost` or a
/// name under it (RFC 6761), or a loopback address (`127.0.0.1`, `[::1]`),
/// with or without a port.
fn is_loopback_host(host: &[u8]) -> bool {
    let Ok(host) = std::str::from_utf8(host) else {
        return false;
    };
    let (name, port) = match host.strip_prefix('[') {
        Some(bracketed) => match bracketed.split_once(']') {
            Some(split) => split,
            None => return false,
        },
        None => host.find(':').map_or((host, ""), |at| host.split_at(at)),
    };
    let port_is_digits = port.is_empty()
        || port
            .strip_prefix(':')
            .is_some_and(|digits| digits.bytes().all(|byte| byte.is_ascii_digit()));
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    port_is_digits
        && (name == "localhost"
            || name.ends_with(".localhost")
            || name
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback()))
}

/// `text` as a browser writes it in `Origin`, or `None` when it is not an
/// origin (`scheme://host[:port]`: no path but a last `/`, no user, a port of digits):
/// scheme and host in lower case, without the scheme's default port, so
/// that `HTTP://LocalHost:80` allows the page a browser calls
/// `http://localhost`.
fn browser_origin(text: &str) -> Option<String> {
    // An address bar shows an origin with its path, `/`.
    let text = text.strip_suffix('/').unwrap_or(text);
    let (scheme, rest) = text.split_once("://")?;
    let scheme_chars = |c: char| c.is_ascii_alphanumeric() || "+-.".contains(c);
    if !scheme.starts_with(|c: char| c.is_ascii_alphabetic()) || !scheme.chars().all(scheme_chars) {
        return None;
    }
    // An IPv6 host is bracketed: its colons are not the port's.
    let port_at = match rest.rfind(']') {
        Some(end) => rest[end..].find(':').map(|at| end + at),
        None => rest.find(':'),
    };
    let (host, port) = match port_at {
        Some(at) => (&rest[..at], Some(&rest[at + 1..])),
        None => (rest, None),
    };
    let name_chars = |c: char| c.is_ascii_alphanumeric() || "-._~%".contains(c);
    // An IPv6 address as browsers write it: compressed, lower case
    // (`[0:0:0:0:0:0:0:1]` is `[::1]`).
    let host = match host.strip_prefix('[') {
        Some(address) => format!(
            "[{}]",
            address
                .strip_suffix(']')?
                .parse::<std::net::Ipv6Addr>()
                .ok()?
        ),
        None if !host.is_empty() && host.chars().all(name_chars) => host.to_ascii_lowercase(),
        None => return None,
    };
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    };
    // The port as a browser writes it: its number (`08080` is 8080).
    // (Digits only: `parse` would take `+80`, and refuses an empty port.)
    let port = match port {
        Some(digits) if !digits.bytes().all(|b| b.is_ascii_digit()) => return None,
        Some(digits) => Some(digits.parse::<u16>().ok()?),
        None => None,
    };
    match port {
        Some(port) if Some(port) != default_port => Some(format!("{scheme}://{host}:{port}")),
        _ => Some(format!("{scheme}://{host}")),
    }
}

/// Refuses oversized requests before any handler sees them.
async fn guard(
    axum::extract::State(state): axum::extract::State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let limits = &state.limits;
    let target = request
        .uri()
        .path_and_query()
        .map_or(0, |target| target.as_str().len());
    if target > limits.max_uri_bytes {
        return ApiError::UriTooLong(format!(
            "the request target is {target} bytes long; at most {} are accepted",
            limits.max_uri_bytes
        ))
        .into_response();
    }
    let headers = request.headers();
    // HTTP/1.1 requires it (RFC 9112 3.2); hyper lets it pass.
    if request.version() == axum::http::Version::HTTP_11 && !headers.contains_key(header::HOST) {
        return ApiError::BadRequest("an HTTP/1.1 request needs a Host header".to_string())
            .into_response();
    }
    // Two could name two servers, and the loopback check below read one.
    if headers.get_all(header::HOST).iter().nth(1).is_some() {
        return ApiError::BadRequest("a request has one Host header, not several".to_string())
            .into_response();
    }
    // A page of another site whose name its DNS points at 127.0.0.1 would
    // be the same origin as this server to the browser, and read the
    // archive (DNS rebinding): on loopback, only loopback names are answered.
    // A request target in absolute form names the host over the header
    // (RFC 9112 3.2.2).
    let named = request
        .uri()
        .authority()
        .map(|authority| authority.as_str().as_bytes())
        .or_else(|| headers.get(header::HOST).map(|host| host.as_bytes()));
    if state.loopback
        && let Some(host) = named
        && !is_loopback_host(host)
    {
        return ApiError::Forbidden(format!(
            "this server listens on loopback and answers requests for localhost, 127.0.0.1 or [::1] only, not for {:?}",
            String::from_utf8_lossy(host)
        ))
        .into_response();
    }
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok()?.trim().parse::<u64>().ok());
    let chunked = headers.contains_key(header::TRANSFER_ENCODING);
    let batch = request.method() == Method::POST && request.uri().path() == api::BATCH_PATH;
    let cap = if batch {
        limits.max_batch_bytes
    } else {
        limits.max_body_bytes
    };
    if chunked || declared.is_some_and(|length| length > cap) {
        return ApiError::TooLarge(format!(
            "only POST /api/batch reads a request body, of at most {} bytes; other bodies over {} bytes, and bodies without a Content-Length, are refused",
            limits.max_batch_bytes, limits.max_body_bytes
        ))
        .into_response();
    }
    next.run(request).await
}

/// Headers on every response (the router's and the connection layer's own
/// errors alike): no MIME sniffing, and a page that may only load its own
/// scripts and styles.
pub(crate) const SECURITY_HEADERS: [(&str, &str); 3] = [
    ("x-content-type-options", "nosniff"),
    (
        "content-security-policy",
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ),
    ("referrer-policy", "no-referrer"),
];

/// Adds `Server-Timing: app;dur=MS` to every answer the router gives: the
/// time from the request reaching the router to its whole answer being ready
/// (the body is serialized before this layer sees it), without the network.
/// `bench/workbench.sh` reads it.
async fn server_timing(request: Request, next: Next) -> Response {
    let start = std::time::Instant::now();
    let mut response = next.run(request).await;
    let millis = start.elapsed().as_secs_f64() * 1000.0;
    if let Ok(value) = HeaderValue::from_str(&format!("app;dur={millis:.2}")) {
        response.headers_mut().insert("server-timing", value);
    }
    response
}

async fn common_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    for (name, value) in SECURITY_HEADERS {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// Serves `app` on `listener` until `shutdown` completes, then lets running
/// requests finish and their answers be sent (connections with neither
/// close at once). `limits` gives the connection cap and the idle timeout
/// (the rest of the limits are the router's, from [`router`]).
pub async fn serve_until(
    listener: tokio::net::TcpListener,
    app: Router,
    limits: &Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let addr = listener.local_addr().ok();
    let listener = conn::Listener::new(listener, limits);
    let close_idle = listener.closer();
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<conn::ConnHandle>(),
    )
    .with_graceful_shutdown(async move {
        shutdown.await;
        close_idle();
    })
    .await
    .map_err(|source| Error::Serve {
        addr: addr.map_or_else(|| "?".to_string(), |a| a.to_string()),
        source,
    })
}

/// The environment variable that overrides [`Limits::idle_timeout`] for
/// [`run`], in seconds (decimals allowed, as in `0.5`).
pub const IDLE_TIMEOUT_ENV: &str = "CITA_IDLE_TIMEOUT";

/// The environment variable that overrides [`Limits::max_connections`] for [`run`].
pub const MAX_CONNECTIONS_ENV: &str = "CITA_MAX_CONNECTIONS";

/// The value of the environment variable `name`, unless unset or empty
/// (`CITA_IDLE_TIMEOUT=` unsets it, as a shell's `export NAME=` means).
fn setting(name: &str) -> Option<String> {
    std::env::var_os(name)
        .map(|text| text.to_string_lossy().into_owned())
        .filter(|text| !text.trim().is_empty())
}

/// `limits` with the overrides of [`IDLE_TIMEOUT_ENV`] and
/// [`MAX_CONNECTIONS_ENV`], when set.
fn limits_from_env(mut limits: Limits) -> Result<Limits> {
    if let Some(text) = setting(IDLE_TIMEOUT_ENV) {
        limits.idle_timeout = text
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|secs| (0.001..=3600.0).contains(secs))
            .map(Duration::from_secs_f64)
            .ok_or_else(|| {
                Error::InvalidOption(format!(
                    "{IDLE_TIMEOUT_ENV}={text:?} is not a number of seconds from 0.001 to 3600"
                ))
            })?;
    }
    if let Some(text) = setting(MAX_CONNECTIONS_ENV) {
        limits.max_connections = text
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=1_000_000).contains(n))
            .ok_or_else(|| {
                Error::InvalidOption(format!(
                    "{MAX_CONNECTIONS_ENV}={text:?} is not a whole number from 1 to 1000000"
                ))
            })?;
    }
    Ok(limits)
}

/// Completes on Ctrl-C (SIGINT) or, on Unix, SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        // If the handler cannot be installed, only the other signal stops us.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}

/// Binds `options.addr`, calls `ready` with the address actually bound, and
/// serves until Ctrl-C or SIGTERM; returns once running requests are done.
/// The environment variables [`IDLE_TIMEOUT_ENV`] and [`MAX_CONNECTIONS_ENV`],
/// when set, override `options.limits` (an invalid value is an error).
/// Blocks the calling thread (it runs its own tokio runtime).
pub fn run(
    archive: Arc<Archive>,
    options: &ServeOptions,
    ready: impl FnOnce(SocketAddr),
) -> Result<()> {
    let limits = limits_from_env(options.limits.clone())?;
    let options = &ServeOptions {
        limits,
        ..options.clone()
    };
    let app = router(archive, options)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|source| Error::Serve {
            addr: options.addr.to_string(),
            source,
        })?;
    runtime.block_on(async {
        let bind_error = |source| Error::Serve {
            addr: options.addr.to_string(),
            source,
        };
        let listener = tokio::net::TcpListener::bind(options.addr)
            .await
            .map_err(bind_error)?;
        let bound = listener.local_addr().map_err(bind_error)?;
        ready(bound);
        serve_until(listener, app, &options.limits, shutdown_signal()).await
    })
}

#[cfg(test)]
mod tests {
    //! The concurrency cap and the time limit, in-process: a test can hold
    //! the search slots itself, which a client of the real binary cannot do
    //! deterministically.

    use std::io::{Read, Write};

    use super::*;

    fn archive() -> (tempfile::TempDir, Arc<Archive>) {
        let dir = tempfile::TempDir::new().unwrap();
        let corpus = dir.path().join("corpus");
        std::fs::create_dir_all(&corpus).unwrap();
        std::fs::write(corpus.join("a.md"), "# A\n\nA note about a quokka.\n").unwrap();
        let index = dir.path().join("index");
        crate::indexer::build(&corpus, &index, &crate::indexer::BuildOptions::default()).unwrap();
        let archive = Arc::new(Archive::open(&index).unwrap());
        (dir, archive)
    }

    /// Serves `state` on a free loopback port; returns the address.
    async fn start(state: Arc<AppState>) -> SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let limits = state.limits.clone();
        tokio::spawn(async move {
            serve_until(listener, app(state, None), &limits, std::future::pending()).await
        });
        addr
    }

    /// `GET target` from a blocking thread: (status line, whole response).
    async fn get(addr: SocketAddr, target: &'static str) -> (String, String) {
        tokio::task::spawn_blocking(move || {
            let mut stream = std::net::TcpStream::connect(addr).unwrap();
            write!(
                stream,
                "GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
            )
            .unwrap();
            let mut response = String::new();
            stream.read_to_string(&mut response).unwrap();
            let status = response.lines().next().unwrap_or_default().to_string();
            (status, response)
        })
        .await
        .unwrap()
    }

    fn state(archive: Arc<Archive>, max_waiting: usize, timeout: Duration) -> Arc<AppState> {
        let limits = Limits {
            max_searches: 1,
            max_waiting,
            timeout,
            ..Limits::default()
        };
        Arc::new(AppState {
            archive,
            slots: Slots::new(limits.max_searches, limits.max_waiting),
            limits,
            loopback: true,
        })
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn busy_slots_and_a_full_waiting_line_answer_503_at_once() {
        let (_dir, archive) = archive();
        let state = state(archive, 0, Duration::from_secs(30));
        let addr = start(state.clone()).await;
        assert!(get(addr, "/api/search?q=quokka").await.0.contains(" 200 "));

        let held = state.slots.running.clone().try_acquire_owned().unwrap();
        for target in ["/api/search?q=quokka", "/api/stats"] {
            let (status, response) = get(addr, target).await;
            assert!(status.contains(" 503 "), "{response}");
            assert!(
                response.to_ascii_lowercase().contains("retry-after: 1"),
                "{response}"
            );
            assert!(
                response.contains(r#"{"error":"the server is busy"#),
                "{response}"
            );
        }
        // Health checks do not need a slot.
        assert!(get(addr, "/healthz").await.0.contains(" 200 "));
        drop(held);
        assert!(get(addr, "/api/search?q=quokka").await.0.contains(" 200 "));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_request_that_waits_past_the_time_limit_gets_503() {
        let (_dir, archive) = archive();
        let state = state(archive, 4, Duration::from_millis(200));
        let addr = start(state.clone()).await;
        let held = state.slots.running.clone().try_acquire_owned().unwrap();
        let (status, response) = get(addr, "/api/search?q=quokka").await;
        assert!(status.contains(" 503 "), "{response}");
        assert!(response.contains("time limit of 200 ms"), "{response}");
        assert_eq!(
            state.slots.waiting.load(Ordering::SeqCst),
            0,
            "the waiter left the line"
        );
        drop(held);
        assert!(get(addr, "/api/search?q=quokka").await.0.contains(" 200 "));
    }

    /// A search whose answer takes longer than the time limit to make (a
    /// grouped search of every passage with context) stops at the
    /// request's deadline and frees its slot, instead of holding it for
    /// minutes after its client was told 503.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_search_past_the_time_limit_stops_and_frees_its_slot() {
        let (_dir, archive) = archive();
        let limit = Duration::from_millis(200);
        let state = state(archive, 4, limit);
        let asked = std::time::Instant::now();
        let (release, blocked) = std::sync::mpsc::channel::<()>();
        let (send, outcome) = std::sync::mpsc::channel();
        // Held until its client has had its 503, as a long search would be.
        let late = api::on_index(&state, move |archive, deadline| {
            let _ = blocked.recv();
            let request = crate::results::SearchRequest {
                group: true,
                context: 1,
                deadline: Some(deadline),
                ..crate::results::SearchRequest::new("quokka")
            };
            let _ = send.send((deadline, archive.search(&request).map(|r| r.total)));
            Ok(())
        })
        .await;
        assert_eq!(late, Err(ApiError::TimedOut(limit)));
        release.send(()).unwrap();
        let (deadline, searched) = outcome.recv().unwrap();
        assert!(deadline >= asked + limit, "the deadline is the request's");
        assert!(matches!(searched, Err(Error::PastDeadline)), "{searched:?}");
        while state.slots.running.available_permits() == 0 {
            tokio::task::yield_now().await;
        }
        assert_eq!(state.slots.overdue.load(Ordering::SeqCst), 0);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_waiting_request_runs_when_a_slot_frees() {
        let slots = Arc::new(Slots::new(1, 1));
        let far = tokio::time::Instant::now() + Duration::from_secs(30);
        let held = slots.acquire(far).await.unwrap();
        let waiter = {
            let slots = slots.clone();
            tokio::spawn(async move { slots.acquire(far).await.map(drop) })
        };
        while slots.waiting.load(Ordering::SeqCst) == 0 {
            tokio::task::yield_now().await;
        }
        // The line (1) is full: the next one is refused at once.
        assert_eq!(slots.acquire(far).await.map(drop), Err(SlotError::Busy));
        drop(held);
        assert_eq!(waiter.await.unwrap(), Ok(()));
        assert_eq!(slots.waiting.load(Ordering::SeqCst), 0);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_request_past_its_time_limit_gets_503_and_its_search_keeps_the_slot() {
        let (_dir, archive) = archive();
        let state = state(archive, 4, Duration::from_millis(200));
        let addr = start(state.clone()).await;
        // A search that cannot end until the test lets it: like a search
        // tantivy is still running when the time limit passes.
        let (release, blocked) = std::sync::mpsc::channel::<()>();
        let late = api::on_index(&state, move |_, _| {
            let _ = blocked.recv();
            Ok(())
        })
        .await;
        assert_eq!(late, Err(ApiError::TimedOut(Duration::from_millis(200))));
        // It still runs, in its slot: the searches running never outnumber the slots.
        assert_eq!(state.slots.running.available_permits(), 0);
        assert_eq!(state.slots.overdue.load(Ordering::SeqCst), 1);
        // Every slot is overdue: a new request is refused at once, rather
        // than waiting out its own time limit for a slot nobody can free.
        let (status, response) = get(addr, "/api/search?q=quokka").await;
        assert!(status.contains(" 503 "), "{response}");
        assert!(response.contains("ran past the time limit"), "{response}");
        assert!(
            response.to_ascii_lowercase().contains("retry-after: 1"),
            "{response}"
        );
        // Once the search ends, its slot frees and requests run again.
        release.send(()).unwrap();
        while state.slots.running.available_permits() == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert_eq!(state.slots.overdue.load(Ordering::SeqCst), 0);
        assert!(get(addr, "/api/search?q=quokka").await.0.contains(" 200 "));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn waiting_requests_are_refused_once_every_slot_is_overdue() {
        let slots = Arc::new(Slots::new(1, 4));
        let far = tokio::time::Instant::now() + Duration::from_secs(60);
        let held = slots.acquire(far).await.unwrap();
        let work = WorkState::default();
        let waiter = {
            let slots = slots.clone();
            tokio::spawn(async move { slots.acquire(far).await.map(drop) })
        };
        while slots.waiting.load(Ordering::SeqCst) == 0 {
            tokio::task::yield_now().await;
        }
        // The request holding the slot runs over its limit: the waiter,
        // whose own deadline is a minute away, is told at once.
        slots.mark_overdue(&work);
        assert_eq!(waiter.await.unwrap(), Err(SlotError::Overdue));
        assert_eq!(slots.waiting.load(Ordering::SeqCst), 0);
        // Work that ends is no longer overdue, and its slot is free again.
        slots.finish(&work);
        drop(held);
        assert_eq!(slots.overdue.load(Ordering::SeqCst), 0);
        assert!(slots.acquire(far).await.is_ok());
        // Work that ends before its request gives up is never counted.
        let done = WorkState::default();
        slots.finish(&done);
        slots.mark_overdue(&done);
        assert_eq!(slots.overdue.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn loopback_hosts_are_localhost_and_loopback_addresses_with_any_port() {
        for host in [
            "localhost",
            "LocalHost:7700",
            "localhost.",
            "app.localhost:80",
            "127.0.0.1",
            "127.0.0.1:7700",
            "127.1.2.3",
            "[::1]:7700",
            "[::1]",
        ] {
            assert!(is_loopback_host(host.as_bytes()), "{host}");
        }
        for host in [
            "attacker.example:7700",
            "localhost.attacker.example",
            "127.0.0.1.nip.io",
            "192.168.1.20:7700",
            "[::2]",
            "[::1].attacker.example",
            "[::1",
            "127.0.0.1:7700.attacker.example",
            "localhost:x",
            "",
            "\u{ff}",
        ] {
            assert!(!is_loopback_host(host.as_bytes()), "{host}");
        }
    }

    #[test]
    fn origins_are_written_as_a_browser_sends_them() {
        // Case and the scheme's default port are the browser's.
        for (given, sent) in [
            ("http://localhost:8080", "http://localhost:8080"),
            ("https://example.org", "https://example.org"),
            ("HTTP://LocalHost:80", "http://localhost"),
            ("https://Example.org:443", "https://example.org"),
            ("https://example.org:80", "https://example.org:80"),
            ("http://[::1]:8080", "http://[::1]:8080"),
            ("http://[::1]", "http://[::1]"),
            ("http://localhost:08080", "http://localhost:8080"),
            ("http://[0:0:0:0:0:0:0:1]:8080", "http://[::1]:8080"),
            ("http://[FE80::1]", "http://[fe80::1]"),
            ("http://localhost:080", "http://localhost"),
            // As copied from an address bar.
            ("http://localhost:8080/", "http://localhost:8080"),
        ] {
            assert_eq!(browser_origin(given).as_deref(), Some(sent), "{given}");
        }
        for not_an_origin in [
            "example.org",
            "http://example.org/path",
            "http://",
            "http://:80",
            "http://user@host",
            "http://host:",
            "http://host:port",
            "http://host:+80",
            "http://host:99999",
            "1http://host",
            "http://host?q",
            "http://ex[am]ple",
            "http://[::1",
            "http://[]",
            "http://[::1]x",
            "http://host//",
        ] {
            assert_eq!(browser_origin(not_an_origin), None, "{not_an_origin}");
        }
    }
}
