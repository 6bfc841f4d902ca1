//! `cita serve`: an HTTP JSON API and a search page over an [`Archive`], a
//! thin shell over the library like `main.rs`.
//!
//! - [`api`] answers `/api/search`, `/api/passages/{id}`, `/api/stats`,
//!   `/healthz` and `/api/openapi.json`, with the same serde types as the CLI
//!   ([`SearchResults`](crate::SearchResults)) and JSON errors.
//! - [`page`] serves the search page: HTML, JavaScript and CSS embedded in the
//!   binary, nothing fetched from elsewhere.
//!
//! The server is read-only: it opens the index with [`Archive::open_live`],
//! so a `cita index` run beside it becomes visible without a restart, and no
//! request can write anything. Every request that touches the index runs on
//! tokio's blocking pool under [`Limits`]: a cap on concurrent searches with a
//! bounded wait (503 beyond it), and a time limit per request.
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
use tokio::sync::Semaphore;
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
    /// search for that many hits); larger is 400.
    pub max_window: usize,
    /// Largest `snippet_chars`; larger is 400.
    pub max_snippet_chars: usize,
    /// Largest `context` of a passage request; larger is 400.
    pub max_context: usize,
    /// Longest accepted request target (path and query string), in bytes; longer is 414.
    pub max_uri_bytes: usize,
    /// Largest request body, in bytes (no endpoint reads one); larger is 413.
    pub max_body_bytes: u64,
    /// Requests working on the index at the same time.
    pub max_searches: usize,
    /// Requests waiting for one of those slots; one more is answered 503 at once.
    pub max_waiting: usize,
    /// Time limit of a request that works on the index, waiting included; 503 beyond.
    pub timeout: Duration,
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
            max_uri_bytes: 8 * 1024,
            max_body_bytes: 1024,
            max_searches: cores.max(2),
            max_waiting: 64,
            timeout: Duration::from_secs(10),
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
    pub(crate) slots: Slots,
}

/// The cap on concurrent index work: `running` permits, and a bounded number
/// of requests allowed to wait for one.
pub(crate) struct Slots {
    running: Arc<Semaphore>,
    waiting: AtomicUsize,
    max_waiting: usize,
}

/// Why a request could not get a slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SlotError {
    /// Every slot is busy and the waiting line is full.
    Busy,
    /// No slot came free within the time limit.
    TimedOut,
}

impl Slots {
    pub(crate) fn new(max_running: usize, max_waiting: usize) -> Slots {
        Slots {
            running: Arc::new(Semaphore::new(max_running)),
            waiting: AtomicUsize::new(0),
            max_waiting,
        }
    }

    /// A permit to work on the index, waiting at most until `deadline`.
    pub(crate) async fn acquire(
        &self,
        deadline: tokio::time::Instant,
    ) -> std::result::Result<tokio::sync::OwnedSemaphorePermit, SlotError> {
        if let Ok(permit) = self.running.clone().try_acquire_owned() {
            return Ok(permit);
        }
        let waiting = self.waiting.fetch_add(1, Ordering::SeqCst);
        let _leave = WaitingGuard(&self.waiting);
        if waiting >= self.max_waiting {
            return Err(SlotError::Busy);
        }
        match tokio::time::timeout_at(deadline, self.running.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            // The semaphore is never closed; treat it as busy all the same.
            Ok(Err(_)) => Err(SlotError::Busy),
            Err(_) => Err(SlotError::TimedOut),
        }
    }
}

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
            let value = HeaderValue::from_str(origin)
                .ok()
                .filter(|_| is_origin(origin))
                .ok_or_else(|| {
                    Error::InvalidOption(format!(
                        "--cors {origin:?} is not an origin: expected scheme://host[:port], as in http://localhost:8080"
                    ))
                })?;
            Some(
                CorsLayer::new()
                    .allow_origin(AllowOrigin::list([value]))
                    .allow_methods([Method::GET, Method::HEAD])
                    .max_age(Duration::from_secs(3600)),
            )
        }
    };
    let state = Arc::new(AppState {
        archive,
        slots: Slots::new(options.limits.max_searches, options.limits.max_waiting),
        limits: options.limits.clone(),
    });
    Ok(app(state, cors))
}

/// The routes and layers over a shared state.
fn app(state: Arc<AppState>, cors: Option<CorsLayer>) -> Router {
    let app = api::routes()
        .merge(page::routes())
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        .with_state(state.clone());
    let app = match cors {
        Some(cors) => app.layer(cors),
        None => app,
    };
    app.layer(middleware::from_fn_with_state(state, guard))
        .layer(middleware::map_response(common_headers))
}

/// `scheme://host[:port]` with no path: what a browser sends as `Origin`.
fn is_origin(text: &str) -> bool {
    match text.split_once("://") {
        Some((scheme, rest)) => {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && !rest.is_empty()
                && !rest.contains(['/', '?', '#', ' '])
        }
        None => false,
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
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok()?.trim().parse::<u64>().ok());
    let chunked = headers.contains_key(header::TRANSFER_ENCODING);
    if chunked || declared.is_some_and(|length| length > limits.max_body_bytes) {
        return ApiError::TooLarge(format!(
            "no endpoint reads a request body; bodies over {} bytes (or without a Content-Length) are refused",
            limits.max_body_bytes
        ))
        .into_response();
    }
    next.run(request).await
}

/// Headers on every response: no MIME sniffing, and a page that may only
/// load its own scripts and styles.
async fn common_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// Serves `app` on `listener` until `shutdown` completes, then lets running
/// requests finish.
pub async fn serve_until(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let addr = listener.local_addr().ok();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(|source| Error::Serve {
            addr: addr.map_or_else(|| "?".to_string(), |a| a.to_string()),
            source,
        })
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
/// Blocks the calling thread (it runs its own tokio runtime).
pub fn run(
    archive: Arc<Archive>,
    options: &ServeOptions,
    ready: impl FnOnce(SocketAddr),
) -> Result<()> {
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
        serve_until(listener, app, shutdown_signal()).await
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
        tokio::spawn(serve_until(
            listener,
            app(state, None),
            std::future::pending(),
        ));
        addr
    }

    /// `GET target` from a blocking thread: (status line, whole response).
    async fn get(addr: SocketAddr, target: &'static str) -> (String, String) {
        tokio::task::spawn_blocking(move || {
            let mut stream = std::net::TcpStream::connect(addr).unwrap();
            write!(
                stream,
                "GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
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

    #[test]
    fn origins_are_scheme_host_and_port_only() {
        assert!(is_origin("http://localhost:8080"));
        assert!(is_origin("https://example.org"));
        assert!(!is_origin("example.org"));
        assert!(!is_origin("http://example.org/path"));
        assert!(!is_origin("http://"));
    }
}
