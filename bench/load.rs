//! A bounded load test for `cita serve`: a fixed number of searches from a
//! few keep-alive connections on loopback, then requests per second and
//! p50/p99 latency. Exits 1 if any request failed (not a 200 with a JSON body).
//!
//! ```sh
//! cargo build --release --examples
//! ./target/release/cita serve &            # http://127.0.0.1:7700
//! ./target/release/examples/load --requests 20000 --concurrency 4 '"Plan LAZO"'
//! ./target/release/examples/load --idle 500 '"Plan LAZO"'
//! ```
//!
//! With `--idle N` it measures something else: it times 20 searches one
//! after another, each on a new connection, first alone, then while it holds
//! N other connections open doing nothing (half silent, half stopped in the
//! middle of a request head), and exits 1 if a search failed.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;
use std::time::{Duration, Instant};

struct Options {
    addr: SocketAddr,
    requests: usize,
    concurrency: usize,
    query: String,
    idle: Option<usize>,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        addr: "127.0.0.1:7700".parse().unwrap(),
        requests: 10_000,
        concurrency: 4,
        query: "\"Plan LAZO\"".to_string(),
        idle: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--addr" => options.addr = value("--addr")?.parse().map_err(|e| format!("{e}"))?,
            "--requests" => {
                options.requests = value("--requests")?.parse().map_err(|e| format!("{e}"))?
            }
            "--concurrency" => {
                options.concurrency = value("--concurrency")?
                    .parse()
                    .map_err(|e| format!("{e}"))?
            }
            "--idle" => options.idle = Some(value("--idle")?.parse().map_err(|e| format!("{e}"))?),
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            query => options.query = query.to_string(),
        }
    }
    if options.concurrency == 0 || options.requests == 0 {
        return Err("--requests and --concurrency must be at least 1".to_string());
    }
    Ok(options)
}

fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// One keep-alive connection sending `count` requests; returns each latency,
/// or the first failure.
fn worker(addr: SocketAddr, target: &str, count: usize) -> Result<Vec<Duration>, String> {
    let stream = TcpStream::connect(addr).map_err(|e| format!("connect: {e}"))?;
    stream.set_nodelay(true).ok();
    stream.set_read_timeout(Some(Duration::from_secs(30))).ok();
    let mut writer = stream.try_clone().map_err(|e| e.to_string())?;
    let mut reader = BufReader::new(stream);
    let request = format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    let mut latencies = Vec::with_capacity(count);
    let mut line = String::new();
    for _ in 0..count {
        let started = Instant::now();
        writer
            .write_all(request.as_bytes())
            .map_err(|e| format!("send: {e}"))?;
        line.clear();
        reader
            .read_line(&mut line)
            .map_err(|e| format!("read: {e}"))?;
        let status = line.split(' ').nth(1).unwrap_or_default().to_string();
        let mut length = None;
        loop {
            line.clear();
            reader
                .read_line(&mut line)
                .map_err(|e| format!("read: {e}"))?;
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse::<usize>().ok();
            }
        }
        let length = length.ok_or("response without Content-Length")?;
        let mut body = vec![0; length];
        reader
            .read_exact(&mut body)
            .map_err(|e| format!("read body: {e}"))?;
        latencies.push(started.elapsed());
        if status != "200" || !body.starts_with(b"{") {
            return Err(format!(
                "status {status}: {}",
                String::from_utf8_lossy(&body)
            ));
        }
    }
    Ok(latencies)
}

/// One search on a new connection (Connection: close): its latency.
fn probe(addr: SocketAddr, target: &str) -> Result<Duration, String> {
    let started = Instant::now();
    let mut stream = TcpStream::connect(addr).map_err(|e| format!("connect: {e}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(60))).ok();
    let request = format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .map_err(|e| format!("send: {e}"))?;
    let mut response = Vec::new();
    stream
        .read_to_end(&mut response)
        .map_err(|e| format!("read: {e}"))?;
    let took = started.elapsed();
    if !response.starts_with(b"HTTP/1.1 200 ") {
        return Err(format!(
            "not a 200: {}",
            String::from_utf8_lossy(&response[..response.len().min(200)])
        ));
    }
    Ok(took)
}

/// 20 probes one after another: (p50, max).
fn probes(addr: SocketAddr, target: &str) -> Result<(Duration, Duration), String> {
    let mut times = (0..20)
        .map(|_| probe(addr, target))
        .collect::<Result<Vec<_>, _>>()?;
    times.sort_unstable();
    Ok((percentile(&times, 0.5), times[times.len() - 1]))
}

/// `--idle N`: searches alone, then with N idle connections held open.
fn idle_check(options: &Options, target: &str) -> ExitCode {
    let report = |label: &str, result: Result<(Duration, Duration), String>| match result {
        Ok((p50, max)) => {
            println!(
                "{label}: search on a new connection p50 {:.2} ms, max {:.2} ms (20 searches)",
                p50.as_secs_f64() * 1e3,
                max.as_secs_f64() * 1e3
            );
            true
        }
        Err(message) => {
            eprintln!("load: {label}: {message}");
            false
        }
    };
    let alone = report("alone", probes(options.addr, target));
    let count = options.idle.unwrap_or(0);
    let mut held = Vec::with_capacity(count);
    for i in 0..count {
        match TcpStream::connect(options.addr) {
            Ok(mut stream) => {
                if i % 2 == 1 {
                    let _ = stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n");
                }
                held.push(stream);
            }
            Err(err) => {
                eprintln!("load: opening idle connection {i}: {err}");
                return ExitCode::from(1);
            }
        }
    }
    let crowded = report(
        &format!("with {count} idle connections open"),
        probes(options.addr, target),
    );
    drop(held);
    if alone && crowded {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index]
}

fn main() -> ExitCode {
    let options = match options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("load: {message}");
            return ExitCode::from(2);
        }
    };
    let target = format!("/api/search?q={}", encode(&options.query));
    if options.idle.is_some() {
        return idle_check(&options, &target);
    }
    let started = Instant::now();
    let results: Vec<Result<Vec<Duration>, String>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..options.concurrency)
            .map(|i| {
                let share = options.requests / options.concurrency
                    + usize::from(i < options.requests % options.concurrency);
                let target = &target;
                scope.spawn(move || worker(options.addr, target, share))
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let elapsed = started.elapsed();
    let mut latencies = Vec::new();
    let mut failures = Vec::new();
    for result in results {
        match result {
            Ok(times) => latencies.extend(times),
            Err(message) => failures.push(message),
        }
    }
    latencies.sort_unstable();
    let ok = latencies.len();
    println!(
        "{ok} requests ({} connections) for {} in {:.2} s: {:.0} requests/s",
        options.concurrency,
        options.query,
        elapsed.as_secs_f64(),
        ok as f64 / elapsed.as_secs_f64()
    );
    if ok > 0 {
        println!(
            "latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            percentile(&latencies, 0.50).as_secs_f64() * 1e3,
            percentile(&latencies, 0.99).as_secs_f64() * 1e3,
            latencies[ok - 1].as_secs_f64() * 1e3
        );
    }
    println!("failed requests: {}", options.requests - ok);
    for failure in &failures {
        eprintln!("load: {failure}");
    }
    if failures.is_empty() && ok == options.requests {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
