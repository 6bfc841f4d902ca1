//! In-process query timings for the benchmark harness (`bench/run.sh`): opens
//! an index once, then for each query of a peers-style query file runs one
//! warm-up and N timed searches (top 10 hits with phrase-aware snippets and
//! the total count, as `cita search` computes them), and writes the same JSON
//! shape as `../shared/bench/peers.py query`, so its `report.py` can
//! tabulate cita beside the peer tools.
//!
//! ```text
//! cargo run --release --example bench_queries -- INDEX QUERIES_TXT OUT_JSON [REPEATS]
//! ```
//!
//! Copies are collapsed, as `cita search` does by default; with
//! `CITA_BENCH_COLLAPSE=0` in the environment they are not
//! (`--no-collapse`), which times collapsing against the same index.

use std::error::Error;
use std::path::Path;
use std::time::Instant;

use cita::{Archive, SearchRequest};
use serde_json::{Value, json};

/// The allocator of the `cita` binary (and so of `cita serve`), so these
/// timings are the ones its searches see.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let k = (sorted.len() - 1) as f64 * p / 100.0;
    let low = k.floor() as usize;
    let high = (low + 1).min(sorted.len() - 1);
    sorted[low] + (sorted[high] - sorted[low]) * (k - low as f64)
}

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [index, queries, out, rest @ ..] = args.as_slice() else {
        return Err("usage: bench_queries INDEX QUERIES_TXT OUT_JSON [REPEATS]".into());
    };
    let repeats: usize = rest.first().map_or(Ok(7), |r| r.parse())?;
    let archive = Archive::open(Path::new(index))?;
    let mut results = Vec::new();
    for line in std::fs::read_to_string(queries)?.lines() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut fields = line.splitn(3, '\t');
        let (Some(id), Some(class), Some(query)) = (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let request = SearchRequest {
            collapse: std::env::var("CITA_BENCH_COLLAPSE").map_or(true, |value| value != "0"),
            ..SearchRequest::new(query)
        };
        let result: Value = match archive.search(&request) {
            Err(err) => json!({"id": id, "class": class, "query": query, "error": err.to_string()}),
            Ok(_) => {
                let mut times = Vec::with_capacity(repeats);
                let mut last = None;
                for _ in 0..repeats {
                    let started = Instant::now();
                    last = Some(archive.search(&request)?);
                    times.push(started.elapsed().as_secs_f64() * 1000.0);
                }
                let results = last.expect("at least one repeat");
                let mut sorted = times.clone();
                sorted.sort_by(f64::total_cmp);
                json!({
                    "id": id, "class": class, "query": query,
                    "total": results.total, "returned": results.hits.len(),
                    "median_ms": percentile(&sorted, 50.0), "p95_ms": percentile(&sorted, 95.0),
                    "min_ms": sorted[0], "max_ms": sorted[sorted.len() - 1],
                    "runs_ms": times,
                    "top": results.hits.iter().take(3)
                        .map(|h| json!([h.passage.source, h.passage.paragraph, h.snippet]))
                        .collect::<Vec<_>>(),
                })
            }
        };
        eprintln!(
            "{id:<4} cita {query:<40} {}",
            result
                .get("median_ms")
                .map_or("error".to_string(), |m| format!(
                    "total={} median={:.3}ms",
                    result["total"], m
                ))
        );
        results.push(result);
    }
    let report = json!({
        "peer": "cita",
        "version": format!("cita {}", env!("CARGO_PKG_VERSION")),
        "repeats": repeats,
        "queries": results,
    });
    std::fs::write(out, serde_json::to_string_pretty(&report)?)?;
    Ok(())
}
