//! `cita._cita.index`: builds or updates an index with the GIL released,
//! reporting progress to a Python callback from the library's
//! `BuildObserver`.

use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use pyo3::prelude::*;

use cita::output;

use crate::errors::{OrRaise, to_py_in};
use crate::rendered;

/// Calls `progress(files_done, files_total, bytes_done, bytes_total)`, if
/// given, as files are done, and looks for Ctrl-C (Python's signal
/// handlers) while the build runs. The first exception either raises (a
/// `KeyboardInterrupt` included) stops the build, which commits the files
/// it has read, and is raised when the build returns.
struct CallbackObserver {
    progress: Option<Py<PyAny>>,
    files: AtomicU64,
    bytes: AtomicU64,
    files_done: AtomicU64,
    bytes_done: AtomicU64,
    failed: Mutex<Option<PyErr>>,
    /// When signals are next looked for (taking the GIL, so not per file).
    next_signal_check: Mutex<Instant>,
}

/// How often, at most, a build looks for Ctrl-C: a rate, not a wait.
/// Looking takes the GIL, which waits for Python's switch interval (5 ms)
/// while another thread (a notebook kernel's) holds it: per file, that
/// would add minutes to a build of many small files.
const SIGNAL_CHECK_INTERVAL: Duration = Duration::from_millis(100);

impl CallbackObserver {
    fn new(progress: Option<Py<PyAny>>) -> CallbackObserver {
        CallbackObserver {
            progress,
            files: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            files_done: AtomicU64::new(0),
            bytes_done: AtomicU64::new(0),
            failed: Mutex::new(None),
            next_signal_check: Mutex::new(Instant::now()),
        }
    }

    fn report(&self) {
        let Some(progress) = &self.progress else {
            return;
        };
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
            progress.call1(py, counts).map(drop)
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

    fn cancelled(&self) -> bool {
        let mut failed = self.failed.lock().unwrap_or_else(|e| e.into_inner());
        if failed.is_some() {
            return true;
        }
        let mut next = self
            .next_signal_check
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if Instant::now() < *next {
            return false;
        }
        *next = Instant::now() + SIGNAL_CHECK_INTERVAL;
        *failed = Python::attach(|py| py.check_signals()).err();
        failed.is_some()
    }
}

/// The keywords of `cita.index` (and of each shard's build), checked in
/// Python for their types and ranges.
#[derive(FromPyObject)]
#[pyo3(from_item_all)]
pub struct BuildArgs {
    /// `None`: every core.
    jobs: Option<usize>,
    exclude: Vec<String>,
    rebuild: bool,
    /// `(number, count)`: only the files routed to that shard.
    shard: Option<(u32, u32)>,
    /// `None`: the index's own.
    default_lang: Option<String>,
    /// Whether scans are read (`False`: `--no-ocr`).
    ocr: bool,
    /// Tesseract's languages; `None`: the CLI's default.
    ocr_lang: Option<String>,
    /// Seconds; `None`: the CLI's default.
    ocr_timeout: Option<u64>,
    /// The writer's budget in MB; `None`: the CLI's default.
    memory_mb: Option<usize>,
}

impl BuildArgs {
    /// The library's options for these keywords; a default language that
    /// is no code is refused here.
    fn options(self, py: Python<'_>) -> PyResult<cita::BuildOptions> {
        let default_language = self
            .default_lang
            .map(|code| cita::Language::from_option("default_lang", &code))
            .transpose()
            .or_raise(py)?;
        let defaults = cita::BuildOptions::default();
        Ok(cita::BuildOptions {
            jobs: self.jobs.unwrap_or(defaults.jobs),
            exclude: self.exclude,
            rebuild: self.rebuild,
            shard: (self.shard).map(|(number, count)| cita::indexer::Shard { number, count }),
            default_language,
            ocr_languages: (self.ocr)
                .then(|| self.ocr_lang.or(defaults.ocr_languages.clone()))
                .flatten(),
            ocr_timeout: (self.ocr_timeout).map_or(defaults.ocr_timeout, Duration::from_secs),
            memory_bytes: (self.memory_mb)
                .map_or(defaults.memory_bytes, |mb| mb.saturating_mul(1 << 20)),
            ..defaults
        })
    }
}

/// Builds or updates the index at `index` from `corpus` with `args`, the
/// keywords of `cita.index`; returns the JSON of `cita index --format json`.
#[pyfunction]
pub fn index(
    py: Python<'_>,
    corpus: PathBuf,
    index: PathBuf,
    args: BuildArgs,
    progress: Option<Py<PyAny>>,
) -> PyResult<String> {
    // cita::build refuses what check_build_options does before it writes anything.
    let options = args.options(py)?;
    let observer = CallbackObserver::new(progress);
    let built = py.detach(|| {
        let report = cita::build_with(&corpus, &index, &options, &observer)
            .map_err(|err| err.writing(&index))?;
        rendered(|out| output::write_build_report_json(out, &report))
    });
    if let Some(failed) = observer
        .failed
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
    {
        return Err(failed);
    }
    built.map_err(|err| to_py_in(py, err, &format!("cannot index {}", corpus.display())))
}

/// Refuses the keywords a build of `corpus` would refuse, before writing
/// anything (`cita.dist.index` checks them before any shard's build).
#[pyfunction]
pub fn check_build_options(py: Python<'_>, corpus: PathBuf, args: BuildArgs) -> PyResult<()> {
    let options = args.options(py)?;
    py.detach(|| cita::indexer::check_options(&corpus, &options))
        .or_raise(py)
}
