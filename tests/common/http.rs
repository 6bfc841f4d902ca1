//! A `cita serve` child process on a free loopback port, and a tiny HTTP/1.1
//! client over std's TcpStream (so tests can also send malformed requests).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

/// A running `cita serve`; killed when dropped.
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    stderr: Arc<Mutex<String>>,
    /// The thread draining stderr; it ends when the server closes the pipe.
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Starts `cita serve --index INDEX --addr 127.0.0.1:0 EXTRA…` and waits
    /// for the line that names the bound address.
    pub fn start(index: &Path, extra: &[&str]) -> Server {
        Server::start_with_env(index, extra, &[])
    }

    /// [`Server::start`] with environment variables set for the server.
    pub fn start_with_env(index: &Path, extra: &[&str], env: &[(&str, &str)]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cita"))
            .args(["serve", "--index", index.to_str().unwrap()])
            .args(["--addr", "127.0.0.1:0"])
            .args(extra)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cita serve starts");
        let stderr = Arc::new(Mutex::new(String::new()));
        let (found, addr) = mpsc::channel();
        let pipe = child.stderr.take().unwrap();
        let log = stderr.clone();
        // Keeps draining stderr for the server's whole life, so it never
        // blocks on (or fails writing to) a full or closed pipe.
        let reader = std::thread::spawn(move || {
            let mut found = Some(found);
            for line in BufReader::new(pipe).lines() {
                let Ok(line) = line else { break };
                if let Some(at) = line.find("http://") {
                    let rest = &line[at + "http://".len()..];
                    let text = rest.split('/').next().unwrap_or_default();
                    if let (Some(tx), Ok(addr)) = (found.as_ref(), text.parse::<SocketAddr>()) {
                        let _ = tx.send(addr);
                        found = None;
                    }
                }
                log.lock().unwrap().push_str(&(line + "\n"));
            }
        });
        let addr = match addr.recv_timeout(super::PATIENCE) {
            Ok(addr) => addr,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "cita serve did not report its address: {}",
                    stderr.lock().unwrap()
                );
            }
        };
        Server {
            child,
            addr,
            stderr,
            reader: Some(reader),
        }
    }

    /// `GET target`.
    pub fn get(&self, target: &str) -> Response {
        get(self.addr, target)
    }

    /// `GET target`, expecting 200 and JSON.
    pub fn get_json(&self, target: &str) -> Value {
        let response = self.get(target);
        assert_eq!(response.status, 200, "GET {target}: {}", response.text());
        response.json()
    }

    /// What the server wrote to stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Sends `signal` (as `kill -SIGNAL`) and waits for the exit (failing
    /// after [`super::PATIENCE`]).
    pub fn stop_with(self, signal: &str) -> (ExitStatus, String) {
        let status = Command::new("kill")
            .args([format!("-{signal}"), self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -{signal} failed");
        self.exit(&format!("cita serve to stop after SIG{signal}"))
    }

    /// Waits for the server to exit by itself (`what` names the wait when it
    /// fails, after [`super::PATIENCE`]): its status and all it wrote.
    pub fn exit(mut self, what: &str) -> (ExitStatus, String) {
        let child = &mut self.child;
        let status = super::poll(what, || child.try_wait().unwrap());
        // The pipe is closed: the reader ends once it has every line.
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        (status, self.stderr())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP response, headers lower-cased.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|err| panic!("not JSON ({err}): {}", self.text()))
    }

    /// The `error` message of a JSON error body (asserting the shape).
    pub fn error(&self) -> String {
        assert_eq!(
            self.header("content-type"),
            Some("application/json"),
            "error bodies are JSON: {}",
            self.text()
        );
        let body = self.json();
        let object = body.as_object().expect("an error is an object");
        assert_eq!(object.len(), 1, "an error has only `error`: {body}");
        body["error"]
            .as_str()
            .expect("`error` is a string")
            .to_string()
    }
}

/// `GET target` on `addr`.
pub fn get(addr: SocketAddr, target: &str) -> Response {
    request(
        addr,
        format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
    )
}

/// Sends raw request bytes, reads the response until the server closes.
/// The server may answer (and stop reading) before the whole request is
/// sent, as it does for oversized headers: a failed write is not an error
/// as long as an answer comes.
pub fn request(addr: SocketAddr, raw: &[u8]) -> Response {
    let mut stream = TcpStream::connect(addr).expect("connects to the server");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let _ = stream.write_all(raw);
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).expect("reads the response");
    parse(&bytes)
}

/// Reads one response from a connection that stays open (a whole head,
/// then `Content-Length` bytes of body).
pub fn read_response(stream: &mut TcpStream) -> Response {
    let mut bytes = Vec::new();
    let mut byte = [0; 1];
    while !bytes.ends_with(b"\r\n\r\n") {
        let n = stream.read(&mut byte).expect("reads a response head");
        assert_eq!(
            n, 1,
            "the connection closed inside a response head: {bytes:?}"
        );
        bytes.push(byte[0]);
    }
    let head = parse(&bytes);
    let length: usize = head
        .header("content-length")
        .expect("a Content-Length")
        .parse()
        .unwrap();
    let mut body = vec![0; length];
    stream.read_exact(&mut body).expect("reads the body");
    Response { body, ..head }
}

/// Reads until the server closes `stream` (failing after [`super::PATIENCE`]);
/// returns what came before the end.
pub fn read_until_closed(stream: &mut TcpStream) -> Vec<u8> {
    stream.set_read_timeout(Some(super::PATIENCE)).unwrap();
    let mut bytes = Vec::new();
    match stream.read_to_end(&mut bytes) {
        Ok(_) => bytes,
        Err(err) => panic!(
            "the server did not close the connection ({err}); read {:?}",
            String::from_utf8_lossy(&bytes)
        ),
    }
}

/// Parses a whole response (head and body) received as bytes.
pub fn parse_response(bytes: &[u8]) -> Response {
    parse(bytes)
}

fn parse(bytes: &[u8]) -> Response {
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(bytes)));
    let head = std::str::from_utf8(&bytes[..split]).expect("headers are text");
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = bytes[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    Response {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n").unwrap();
        let size_text = std::str::from_utf8(&data[..line_end]).unwrap();
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap();
        data = &data[line_end + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

/// Percent-encodes a query-string value.
pub fn encode(value: &str) -> String {
    let mut out = String::new();
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
