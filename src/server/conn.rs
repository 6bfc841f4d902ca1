//! Connections: how many may be open, how long one may sit without a
//! request, and JSON bodies for the errors hyper answers by itself.
//!
//! `axum::serve` runs hyper with its defaults and has no way to set hyper's
//! header read timeout, but it takes any [`axum::serve::Listener`]. So
//! [`Listener`] wraps tokio's: it holds a permit of a semaphore for each open
//! connection (at most [`Limits::max_connections`]; one more waits in the
//! system's listen queue until another closes), and hands hyper each socket
//! as a [`Connection`], which
//!
//! - closes the connection once it has gone [`Limits::idle_timeout`] with no
//!   request running on it: counted from its opening or the end of its last
//!   response until the next request head has fully arrived, so it is both
//!   the keep-alive idle timeout and the header read timeout (a client that
//!   trickles a head byte by byte is cut off too). A client that had sent
//!   part of a request gets a 408 JSON error first.
//! - replaces the bare answers hyper writes when it cannot parse a request
//!   (400 for a malformed request line or header, such as bytes outside
//!   ASCII in the target; 414; 431 for more than 100 headers or too many
//!   bytes of them) with the same status and an `{"error": …}` body, then
//!   closes the connection gently: it sends everything, shuts its side, and
//!   reads (for at most [`LINGER`]) what the client was still sending, so the
//!   client is not reset before it reads the answer.
//!
//! Whether a request is running is told by the router: [`track`] marks the
//! connection busy from the moment its head is parsed until the response is
//! ready, through a [`ConnHandle`] that axum's `ConnectInfo` puts in every
//! request.

use std::future::Future;
use std::io::{self, IoSlice};
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use axum::extract::Request;
use axum::extract::connect_info::{ConnectInfo, Connected};
use axum::middleware::Next;
use axum::response::Response;
use axum::serve::IncomingStream;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::{Instant, Sleep};

use super::{Limits, SECURITY_HEADERS};

/// How long a connection closed after an error of hyper's keeps reading
/// what the client still sends, so the client gets to read the answer.
pub const LINGER: Duration = Duration::from_secs(2);

/// At most this many bytes are read and dropped while lingering.
const LINGER_BYTES: usize = 1 << 20;

/// What every connection needs to know of the limits.
#[derive(Debug)]
struct Settings {
    idle_timeout: Duration,
    max_uri_bytes: usize,
    /// Set once the server stops: idle connections then close at once.
    closing: AtomicBool,
}

/// tokio's listener with a cap on open connections; see the module docs.
pub struct Listener {
    inner: TcpListener,
    permits: Arc<Semaphore>,
    settings: Arc<Settings>,
}

impl Listener {
    /// Wraps `inner` with `limits`' connection cap and idle timeout.
    pub fn new(inner: TcpListener, limits: &Limits) -> Listener {
        Listener {
            inner,
            permits: Arc::new(Semaphore::new(limits.max_connections.max(1))),
            settings: Arc::new(Settings {
                idle_timeout: limits.idle_timeout,
                max_uri_bytes: limits.max_uri_bytes,
                closing: AtomicBool::new(false),
            }),
        }
    }

    /// Call when the server starts to stop, before hyper is told to: the
    /// connections with no request running and no answer being sent then
    /// close at once instead of waiting out the idle timeout (say, a client
    /// that sent half a head).
    pub fn closer(&self) -> impl FnOnce() + Send + 'static {
        let settings = self.settings.clone();
        move || settings.closing.store(true, Ordering::SeqCst)
    }
}

impl axum::serve::Listener for Listener {
    type Io = Connection;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Connection, SocketAddr) {
        // Waiting here, not after accepting, leaves connections over the cap
        // in the system's queue, where they cost the server nothing.
        let Ok(permit) = self.permits.clone().acquire_owned().await else {
            unreachable!("the connection semaphore is never closed")
        };
        loop {
            match self.inner.accept().await {
                Ok((stream, addr)) => {
                    return (Connection::new(stream, permit, self.settings.clone()), addr);
                }
                Err(err) => accept_error(err).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

/// What axum's own listener does: errors of one connection are skipped,
/// others (such as running out of file descriptors) pause accepting a second.
async fn accept_error(err: io::Error) {
    let of_one_connection = matches!(
        err.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    );
    if !of_one_connection {
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// What a connection and the requests on it share.
#[derive(Debug)]
struct Shared {
    /// Requests running (head parsed, response not ready yet).
    running: AtomicUsize,
    /// When the connection last became idle, or last moved a byte while idle.
    idle_since: Mutex<Instant>,
    /// Whether part of a request has arrived since then.
    heard: AtomicBool,
}

impl Shared {
    fn idle_since(&self) -> Instant {
        *self
            .idle_since
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn touch(&self) {
        *self
            .idle_since
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Instant::now();
    }
}

/// A connection as its requests see it: in each request's extensions (as
/// `ConnectInfo<ConnHandle>`) when the router is served by [`super::serve_until`].
#[derive(Debug, Clone)]
pub struct ConnHandle(Arc<Shared>);

impl Connected<IncomingStream<'_, Listener>> for ConnHandle {
    fn connect_info(stream: IncomingStream<'_, Listener>) -> ConnHandle {
        stream.io().handle.clone()
    }
}

/// Marks the connection busy while a request runs on it (middleware).
pub(crate) async fn track(request: Request, next: Next) -> Response {
    let _running = request
        .extensions()
        .get::<ConnectInfo<ConnHandle>>()
        .map(|ConnectInfo(handle)| Running::new(handle.0.clone()));
    next.run(request).await
}

/// One running request; when it ends (or is dropped), the connection is idle
/// from that moment.
struct Running(Arc<Shared>);

impl Running {
    fn new(shared: Arc<Shared>) -> Running {
        shared.running.fetch_add(1, Ordering::SeqCst);
        Running(shared)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.0.touch();
        self.0.heard.store(false, Ordering::SeqCst);
        self.0.running.fetch_sub(1, Ordering::SeqCst);
    }
}

/// One accepted socket, as hyper reads and writes it; see the module docs.
pub struct Connection {
    /// `None` only once dropped and handed to the lingering task.
    stream: Option<TcpStream>,
    handle: ConnHandle,
    settings: Arc<Settings>,
    /// The idle deadline, armed while hyper waits for a request.
    timer: Option<Pin<Box<Sleep>>>,
    /// An error answer of ours, and how much of it is sent.
    reply: Vec<u8>,
    sent: usize,
    /// Close gently (send the reply, shut down, drain) when dropped.
    linger: bool,
    /// Whether the last write waited for the client to read: an answer is
    /// still on its way, whether or not a request is running.
    write_blocked: bool,
    permit: Option<OwnedSemaphorePermit>,
}

impl Connection {
    fn new(stream: TcpStream, permit: OwnedSemaphorePermit, settings: Arc<Settings>) -> Connection {
        Connection {
            stream: Some(stream),
            handle: ConnHandle(Arc::new(Shared {
                running: AtomicUsize::new(0),
                idle_since: Mutex::new(Instant::now()),
                heard: AtomicBool::new(false),
            })),
            settings,
            timer: None,
            reply: Vec::new(),
            sent: 0,
            linger: false,
            write_blocked: false,
            permit: Some(permit),
        }
    }

    fn stream(&mut self) -> Pin<&mut TcpStream> {
        Pin::new(
            self.stream
                .as_mut()
                .expect("the stream is only taken when the connection is dropped"),
        )
    }

    fn idle(&self) -> bool {
        self.handle.0.running.load(Ordering::SeqCst) == 0
    }

    /// Sends what is left of our reply.
    fn poll_reply(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let Some(stream) = self.stream.as_mut() else {
            return Poll::Ready(Ok(()));
        };
        while self.sent < self.reply.len() {
            match ready!(Pin::new(&mut *stream).poll_write(cx, &self.reply[self.sent..]))? {
                0 => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                n => self.sent += n,
            }
        }
        Poll::Ready(Ok(()))
    }

    /// Replaces hyper's bare answer with ours (the caller reports hyper's
    /// bytes as written) and starts sending it.
    fn answer(&mut self, cx: &mut Context<'_>, status: u16) -> Poll<io::Result<()>> {
        self.reply = error_response(status, &self.settings);
        self.sent = 0;
        self.linger = true;
        // What cannot be sent now goes on flush, shutdown or drop.
        match self.poll_reply(cx) {
            Poll::Ready(Err(err)) => Poll::Ready(Err(err)),
            _ => Poll::Ready(Ok(())),
        }
    }

    /// `write` on the stream, noting whether it waits for the client.
    fn note_blocked<T>(
        &mut self,
        write: impl FnOnce(Pin<&mut TcpStream>, &mut Context<'_>) -> Poll<io::Result<T>>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<T>> {
        let written = write(self.stream(), cx);
        self.write_blocked = written.is_pending();
        written
    }

    /// While no request runs: Pending until the idle deadline, then an error
    /// that makes hyper close the connection. Once the server is stopping,
    /// at once, unless an answer is still being sent: the request that
    /// made it has ended, but the client has not read it all (a large
    /// answer outlasts the socket's buffers), and the idle deadline, which
    /// each byte sent moves on, still ends a client that stopped reading.
    fn poll_idle(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if !self.idle() {
            return Poll::Pending;
        }
        if self.settings.closing.load(Ordering::SeqCst) && !self.write_blocked {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "the server is stopping",
            )));
        }
        let deadline = self.handle.0.idle_since() + self.settings.idle_timeout;
        let timer = self
            .timer
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        if timer.deadline() != deadline {
            timer.as_mut().reset(deadline);
        }
        ready!(timer.as_mut().poll(cx));
        if self.handle.0.heard.load(Ordering::SeqCst) {
            self.reply = error_response(408, &self.settings);
            self.sent = 0;
            self.linger = true;
        }
        Poll::Ready(Err(io::Error::new(
            io::ErrorKind::TimedOut,
            "the connection was idle too long",
        )))
    }
}

impl AsyncRead for Connection {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match this.stream().poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before && this.idle() {
                    this.handle.0.heard.store(true, Ordering::SeqCst);
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(err)) => Poll::Ready(Err(err)),
            Poll::Pending => this.poll_idle(cx),
        }
    }
}

impl AsyncWrite for Connection {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        ready!(this.poll_reply(cx))?;
        if let Some(status) = bare_error(buf) {
            return this.answer(cx, status).map_ok(|()| buf.len());
        }
        let written = ready!(this.note_blocked(|stream, cx| stream.poll_write(cx, buf), cx))?;
        if written > 0 && this.idle() {
            this.handle.0.touch();
        }
        Poll::Ready(Ok(written))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        ready!(this.poll_reply(cx))?;
        let mut parts = bufs.iter().filter(|part| !part.is_empty());
        if let (Some(only), None) = (parts.next(), parts.next())
            && let Some(status) = bare_error(only)
        {
            return this.answer(cx, status).map_ok(|()| only.len());
        }
        let written =
            ready!(this.note_blocked(|stream, cx| stream.poll_write_vectored(cx, bufs), cx))?;
        if written > 0 && this.idle() {
            this.handle.0.touch();
        }
        Poll::Ready(Ok(written))
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.as_ref().is_some_and(|s| s.is_write_vectored())
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_reply(cx))?;
        this.note_blocked(|stream, cx| stream.poll_flush(cx), cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_reply(cx))?;
        this.stream().poll_shutdown(cx)
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        if !self.linger {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let Some(stream) = self.stream.take() else {
            return;
        };
        let rest = self.reply.split_off(self.sent.min(self.reply.len()));
        let permit = self.permit.take();
        runtime.spawn(async move {
            let _permit = permit;
            let _ = tokio::time::timeout(LINGER, linger(stream, rest)).await;
        });
    }
}

/// Sends `rest`, shuts the sending side, and reads what the client still
/// sends: closing with unread bytes would reset the connection, and a reset
/// can destroy the answer before the client reads it.
async fn linger(mut stream: TcpStream, rest: Vec<u8>) -> io::Result<()> {
    let mut sent = 0;
    while sent < rest.len() {
        stream.writable().await?;
        match stream.try_write(&rest[sent..]) {
            Ok(n) => sent += n,
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => {}
            Err(err) => return Err(err),
        }
    }
    std::future::poll_fn(|cx| Pin::new(&mut stream).poll_shutdown(cx)).await?;
    let mut sink = [0; 8192];
    let mut drained = 0;
    while drained < LINGER_BYTES {
        stream.readable().await?;
        match stream.try_read(&mut sink) {
            Ok(0) => break,
            Ok(n) => drained += n,
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => {}
            Err(err) => return Err(err),
        }
    }
    Ok(())
}

/// The status of an answer hyper wrote by itself for a request it could not
/// parse: a whole head (nothing after it), status 400, 414 or 431, no
/// `Content-Type`. The router's answers always have a `Content-Type`.
fn bare_error(buf: &[u8]) -> Option<u16> {
    let rest = buf.strip_prefix(b"HTTP/1.")?;
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
    if end + 4 != buf.len() {
        return None;
    }
    let status: u16 = std::str::from_utf8(rest.get(2..5)?).ok()?.parse().ok()?;
    if !matches!(status, 400 | 414 | 431) {
        return None;
    }
    let head = String::from_utf8_lossy(buf).to_ascii_lowercase();
    (!head.contains("\r\ncontent-type:")).then_some(status)
}

/// A whole response (connection: close) with an `{"error": …}` body.
fn error_response(status: u16, settings: &Settings) -> Vec<u8> {
    let (reason, message) = match status {
        408 => (
            "Request Timeout",
            format!(
                "the request did not arrive within {} s of the connection going idle; the connection is closed",
                settings.idle_timeout.as_secs_f64()
            ),
        ),
        414 => (
            "URI Too Long",
            format!(
                "the request target is too long; at most {} bytes are accepted",
                settings.max_uri_bytes
            ),
        ),
        431 => (
            "Request Header Fields Too Large",
            "the request has too many headers or too large ones (at most 100 headers)".to_string(),
        ),
        _ => (
            "Bad Request",
            "malformed HTTP request: the request line or a header is not valid HTTP/1.1 (for instance a version other than HTTP/1.0 or 1.1, two Content-Length headers that differ, or bytes outside printable ASCII in the request target, which must be percent-encoded)"
                .to_string(),
        ),
    };
    let status = if reason == "Bad Request" { 400 } else { status };
    let body = serde_json::json!({ "error": message }).to_string();
    let mut head = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\nserver-timing: app;dur=0.00\r\n",
        body.len()
    );
    for (name, value) in SECURITY_HEADERS {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    head.push_str(&body);
    head.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hyper_s_bare_error_heads_are_replaced() {
        let bare = b"HTTP/1.1 431 Request Header Fields Too Large\r\nconnection: close\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        assert_eq!(bare_error(bare), Some(431));
        assert_eq!(
            bare_error(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n"),
            Some(400)
        );
        // The router's errors have a content type, and a body.
        assert_eq!(
            bare_error(
                b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n"
            ),
            None
        );
        assert_eq!(
            bare_error(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 2\r\n\r\n{}"),
            None
        );
        assert_eq!(
            bare_error(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"),
            None
        );
        assert_eq!(bare_error(b"{\"text\": \"HTTP/1.1 400\"}"), None);
    }

    /// Polls `poll` once.
    async fn once<T>(mut poll: impl FnMut(&mut Context<'_>) -> Poll<T>) -> Poll<T> {
        std::future::poll_fn(|cx| Poll::Ready(poll(cx))).await
    }

    #[tokio::test]
    async fn a_stopping_server_closes_idle_connections_but_not_one_still_sending_an_answer() {
        use axum::serve::Listener as _;
        let limits = Limits {
            idle_timeout: Duration::from_secs(60),
            ..Limits::default()
        };
        let mut listener = Listener::new(TcpListener::bind("127.0.0.1:0").await.unwrap(), &limits);
        let addr = listener.local_addr().unwrap();
        let _idle_client = TcpStream::connect(addr).await.unwrap();
        let (mut idle, _) = listener.accept().await;
        let _slow_reader = TcpStream::connect(addr).await.unwrap();
        let (mut sending, _) = listener.accept().await;
        // An answer the client does not read fills the socket's buffers.
        let chunk = vec![b'x'; 1 << 20];
        while once(|cx| Pin::new(&mut sending).poll_write(cx, &chunk))
            .await
            .is_ready()
        {}
        listener.closer()();
        let mut buf = [0; 16];
        let idle_read =
            once(|cx| Pin::new(&mut idle).poll_read(cx, &mut ReadBuf::new(&mut buf))).await;
        assert!(
            matches!(&idle_read, Poll::Ready(Err(err)) if err.kind() == io::ErrorKind::ConnectionAborted),
            "{idle_read:?}"
        );
        let sending_read =
            once(|cx| Pin::new(&mut sending).poll_read(cx, &mut ReadBuf::new(&mut buf))).await;
        assert!(sending_read.is_pending(), "{sending_read:?}");
    }

    #[test]
    fn replacements_are_json_errors_that_close_the_connection() {
        let settings = Settings {
            idle_timeout: Duration::from_millis(1500),
            max_uri_bytes: 8192,
            closing: AtomicBool::new(false),
        };
        for status in [400, 408, 414, 431] {
            let response = String::from_utf8(error_response(status, &settings)).unwrap();
            let (head, body) = response.split_once("\r\n\r\n").unwrap();
            assert!(head.starts_with(&format!("HTTP/1.1 {status} ")), "{head}");
            assert!(head.contains("\r\nconnection: close\r\n"), "{head}");
            assert!(head.contains(&format!("\r\ncontent-length: {}\r\n", body.len())));
            let json: serde_json::Value = serde_json::from_str(body).unwrap();
            assert!(json["error"].as_str().is_some_and(|m| !m.is_empty()));
        }
        let timeout = String::from_utf8(error_response(408, &settings)).unwrap();
        assert!(timeout.contains("within 1.5 s"), "{timeout}");
    }
}
