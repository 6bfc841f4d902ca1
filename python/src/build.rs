//! `cita._cita.index`: builds or updates an index with the GIL released,
//! reporting progress to a Python callback from the library's
//! `BuildObserver`.

use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use pyo3::prelude::*;

use cita::output;

use crate::errors::OrRaise;
use crate::rendered;

/// Calls `progress(files_done, files_total, bytes_done, bytes_total)` as
/// files are done. The first exception it raises (a `KeyboardInterrupt`
/// included) stops the calls and is raised when the build returns: the
/// library's build cannot be stopped halfway.
struct CallbackObserver {
    progress: Py<PyAny>,
    files: AtomicU64,
    bytes: AtomicU64,
    files_done: AtomicU64,
    bytes_done: AtomicU64,
    failed: Mutex<Option<PyErr>>,
}

impl CallbackObserver {
    fn report(&self) {
        let mut failed = self.failed.lock().unwrap_or_else(|e| e.into_inner());
        if failed.is_some() {
            return;
        }
        let counts = (
            self.files_done.load(Ordering::Relaxed),
            self.files.load(Ordering::Relaxed),
            self.bytes_done.load(Ordering::Relaxed),
            self.bytes.load(Ordering::Relaxed),
        );
        *failed = Python::attach(|py| {
            py.check_signals()?;
            self.progress.call1(py, counts).map(drop)
        })
        .err();
    }
}

impl cita::BuildObserver for CallbackObserver {
    fn started(&self, files: u64, bytes: u64) {
        self.files.store(files, Ordering::Relaxed);
        self.bytes.store(bytes, Ordering::Relaxed);
        self.report();
    }

    fn file_done(&self, bytes: u64) {
        self.files_done.fetch_add(1, Ordering::Relaxed);
        self.bytes_done.fetch_add(bytes, Ordering::Relaxed);
        self.report();
    }
}

/// Builds or updates the index at `index` from `corpus` (with `shard`,
/// `(number, count)`, only the files routed to that shard); returns the
/// JSON of `cita index --format json`.
// One argument per keyword of `cita.index`.
#[allow(clippy::too_many_arguments)]
#[pyfunction]
pub fn index(
    py: Python<'_>,
    corpus: PathBuf,
    index: PathBuf,
    jobs: Option<usize>,
    exclude: Vec<String>,
    rebuild: bool,
    progress: Option<Py<PyAny>>,
    shard: Option<(u32, u32)>,
) -> PyResult<String> {
    let defaults = cita::BuildOptions::default();
    let shard = match shard {
        Some((number, count)) if number >= count => {
            return Err(cita::Error::InvalidOption(format!(
                "shard {number} of {count}: shards are numbered from 0 to {}",
                count.saturating_sub(1)
            )))
            .or_raise(py);
        }
        Some((number, count)) => Some(cita::indexer::Shard { number, count }),
        None => None,
    };
    let options = cita::BuildOptions {
        jobs: jobs.unwrap_or(defaults.jobs),
        exclude,
        rebuild,
        shard,
        ..defaults
    };
    let observer = progress.map(|progress| CallbackObserver {
        progress,
        files: AtomicU64::new(0),
        bytes: AtomicU64::new(0),
        files_done: AtomicU64::new(0),
        bytes_done: AtomicU64::new(0),
        failed: Mutex::new(None),
    });
    let built = py.detach(|| {
        let report = match &observer {
            Some(observer) => cita::build_with(&corpus, &index, &options, observer),
            None => cita::build(&corpus, &index, &options),
        }?;
        rendered(|out| output::write_build_report_json(out, &report))
    });
    if let Some(failed) =
        observer.and_then(|o| o.failed.into_inner().unwrap_or_else(|e| e.into_inner()))
    {
        return Err(failed);
    }
    built.or_raise(py)
}
