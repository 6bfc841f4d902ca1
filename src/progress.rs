//! The progress bar of `cita index`: files done and total, MB/s and an ETA
//! on a terminal, and pages OCR has read once there are scans; nothing when stderr is not a terminal or with `--quiet`.
//! Warnings print above the bar, never through it.

use std::cell::Cell;
use std::io::IsTerminal;

use cita::indexer::BuildObserver;
use cita::ingest::Warning;
use cita::output::sanitize;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Draws progress and prints warnings for one indexing run.
pub struct Progress {
    bar: Option<ProgressBar>,
    files: Cell<u64>,
    done: Cell<u64>,
    /// Pages OCR has read and found to read.
    ocr_pages: Cell<(u64, u64)>,
    /// A line to print once the run has started (holds the index's lock).
    announcement: Cell<Option<String>>,
}

impl Progress {
    /// A progress display; the bar only when `show` and stderr is a terminal.
    pub fn new(show: bool) -> Progress {
        let bar = (show && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} {msg} [{wide_bar}] {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} ETA {eta}",
                )
                .expect("the template is valid")
                .progress_chars("=> "),
            );
            bar
        });
        Progress {
            bar,
            files: Cell::new(0),
            done: Cell::new(0),
            ocr_pages: Cell::new((0, 0)),
            announcement: Cell::new(None),
        }
    }

    /// Prints `line` when the run starts: not before it has the index's
    /// lock, so that a run that cannot start says only why.
    pub fn announcing(self, line: String) -> Progress {
        self.announcement.set(Some(line));
        self
    }

    /// Removes the bar from the terminal.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    fn message(&self) -> String {
        let files = format!("{}/{} files", self.done.get(), self.files.get());
        match self.ocr_pages.get() {
            (_, 0) => files,
            (read, found) => format!("{files}, OCR {read}/{found} pages"),
        }
    }
}

impl BuildObserver for Progress {
    fn started(&self, files: u64, bytes: u64) {
        if let Some(line) = self.announcement.take() {
            eprintln!("{line}");
        }
        self.files.set(files);
        if let Some(bar) = &self.bar {
            bar.set_length(bytes);
            bar.set_message(self.message());
        }
    }

    fn file_done(&self, bytes: u64) {
        self.done.set(self.done.get() + 1);
        if let Some(bar) = &self.bar {
            bar.inc(bytes);
            bar.set_message(self.message());
        }
    }

    fn ocr_pages(&self, done: u64, found: u64) {
        self.ocr_pages.set((done, found));
        if let Some(bar) = &self.bar {
            bar.set_message(self.message());
        }
    }

    fn warning(&self, warning: &Warning) {
        let line = format!("cita: warning: {}", sanitize(&warning.to_string()));
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        }
    }
}
