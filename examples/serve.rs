//! Serving an index over HTTP from your own program: what `cita serve`
//! does, as a library call. Needs the "server" feature (on by default; an
//! embedder without default features adds `features = ["server"]`).
//!
//! ```text
//! cargo run --example serve -- corpus 127.0.0.1:7879
//! ```
//!
//! Without an address it listens on a free port of 127.0.0.1 and prints it.
//! It serves until Ctrl-C (or SIGTERM), then lets running requests finish,
//! removes its throwaway index and exits. While it runs, try:
//!
//! ```text
//! curl 'http://127.0.0.1:7879/api/search?q=%22Plan+LAZO%22&limit=2'
//! curl 'http://127.0.0.1:7879/api/passages/<id of a hit>?context=1'
//! curl 'http://127.0.0.1:7879/api/stats'
//! ```
//!
//! or open http://127.0.0.1:7879/ in a browser for the search page.

use std::error::Error;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use cita::server::{self, ServeOptions};
use cita::{Archive, BuildOptions, build};

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let corpus = PathBuf::from(args.next().unwrap_or_else(|| "corpus".to_string()));
    // Port 0 asks the system for any free port; `run` reports the real one.
    let addr: SocketAddr = match args.next() {
        Some(addr) => addr
            .parse()
            .map_err(|err| format!("{addr:?} is not an address like 127.0.0.1:7879: {err}"))?,
        None => SocketAddr::from(([127, 0, 0, 1], 0)),
    };

    // A throwaway index, so the example never touches ./index.
    let index = std::env::temp_dir().join(format!("cita-serve-{}", std::process::id()));
    let report = build(&corpus, &index, &BuildOptions::default())?;
    eprintln!("indexed {} passages", report.passages);

    // `open_live` follows the index: a build run beside the server (another
    // `build` call, or `cita index` in a shell) shows up in later searches
    // without a restart. The server only ever reads.
    let archive = Arc::new(Archive::open_live(&index)?);

    // CORS off and the default limits (at most 100 hits a request, a time
    // limit of 10 s, a cap on concurrent searches): see `server::Limits`.
    let options = ServeOptions::new(addr);

    // `run` builds its own tokio runtime and blocks this thread until Ctrl-C
    // or SIGTERM; `ready` is called once the socket is bound, with the
    // address actually bound. A program with a runtime of its own would
    // use `server::router` and `server::serve_until` instead.
    let served = server::run(archive, &options, |bound| {
        eprintln!("serving http://{bound}/ (Ctrl-C to stop); try:");
        eprintln!("  curl 'http://{bound}/api/search?q=%22Plan+LAZO%22&limit=2'");
        eprintln!("  curl 'http://{bound}/api/stats'");
        eprintln!("  curl 'http://{bound}/healthz'");
    });

    // Clean up whether or not serving went well (the address may have
    // been taken), then report how it went.
    std::fs::remove_dir_all(&index)?;
    served?;
    eprintln!("stopped");
    Ok(())
}
