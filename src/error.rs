//! The library's typed errors. The binary turns them into one-line messages
//! and exit codes (see `main.rs`); nothing here prints.

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Once;

/// Everything that can go wrong inside cita's library. New kinds of
/// failure are added over time, so a `match` needs a catch-all arm.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The user's query could not be read. The message says what is wrong and where.
    #[error("invalid query: {0}")]
    Query(String),

    /// A `--since`/`--until` value or a front-matter date that is not a calendar date.
    #[error("invalid date {value:?}: {why}")]
    Date {
        /// The text that failed to parse.
        value: String,
        /// What it lacks: `expected YYYY-MM-DD …`, or `no such day: …`.
        why: String,
    },

    /// A search option outside its range.
    #[error("{0}")]
    InvalidOption(String),

    /// No index exists at the given path.
    #[error("no index at {}: {}", path.display(), Advice::Build { index: path }.command())]
    NoIndex {
        /// The index folder that was asked for.
        path: PathBuf,
    },

    /// The index's first build is still running: it holds nothing to
    /// search yet.
    #[error(
        "the index at {} is still being built by its first `cita index` (its lock file {} is held); search it when that run ends",
        path.display(), lock.display()
    )]
    FirstBuildRunning {
        /// The index folder.
        path: PathBuf,
        /// The lock file the build holds.
        lock: PathBuf,
    },

    /// The index was built by a cita whose schema differs from this one.
    #[error(
        "the index at {} was built by an incompatible version of cita (schema {found}, this cita reads {expected}): {}",
        path.display(), Advice::Rebuild { index: path }.command()
    )]
    IncompatibleIndex {
        /// The index folder.
        path: PathBuf,
        /// The schema version recorded in the index, if any.
        found: String,
        /// The schema version this build of cita writes and reads.
        expected: u32,
    },

    /// The index folder holds something that is not a cita index.
    #[error("{} holds files that are not a cita index; {}", path.display(), Advice::GiveIndex.command())]
    NotAnIndex {
        /// The folder.
        path: PathBuf,
    },

    /// Another process is writing to the same index.
    #[error("another `cita index` is writing to {} (its lock file {} is held); wait for it to finish", path.display(), lock.display())]
    IndexLocked {
        /// The index folder.
        path: PathBuf,
        /// The lock file held by the other run.
        lock: PathBuf,
    },

    /// The corpus folder is missing or not a folder.
    #[error("corpus folder {} does not exist or is not a folder", path.display())]
    NoCorpus {
        /// The corpus folder that was asked for.
        path: PathBuf,
    },

    /// The corpus folder holds nothing while the index holds documents:
    /// the mount point of an archive disk not mounted looks so, and a run
    /// would remove every document (and the last versions kept of files
    /// that could not be read, which no run can bring back).
    #[error(
        "corpus folder {} is empty (a disk not mounted?) and the index holds {documents} document(s), left as they were; to empty the index, {}",
        path.display(), Advice::RebuildFrom { corpus: path, index }.command()
    )]
    EmptyCorpus {
        /// The corpus folder.
        path: PathBuf,
        /// The index folder.
        index: PathBuf,
        /// How many documents the index holds.
        documents: u64,
    },

    /// The index was built from another corpus folder, and a run from this
    /// one would remove most of its files: a `--corpus` mistyped (a
    /// subfolder, a sibling) would replace the index, and lose the last
    /// versions kept of files that could not be read.
    #[error(
        "the index at {} was built from {}, not {}: this run would remove {leaving} of its {files} files, so it is left as it was; {} to build it from {} alone",
        index.display(), built_from.display(), path.display(), Advice::KeepOrRebuild { built_from, corpus: path, index }.command(), path.display()
    )]
    OtherCorpus {
        /// The corpus folder given.
        path: PathBuf,
        /// The folder the index was built from.
        built_from: PathBuf,
        /// The index folder.
        index: PathBuf,
        /// How many of its files the run would remove.
        leaving: usize,
        /// How many files the index holds.
        files: usize,
    },

    /// A file-system operation failed on a path cita owns (the index folder).
    #[error("{}: {source}", path.display())]
    Io {
        /// The path the operation was about.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },

    /// The HTTP server could not bind its address or stopped on an I/O error.
    #[error("cannot serve on {addr}")]
    Serve {
        /// The address asked for.
        addr: String,
        /// The underlying error.
        source: std::io::Error,
    },

    /// The index's files are damaged: a flipped byte, a truncated, zeroed or
    /// missing segment file, an unreadable `meta.json`. Reading it failed, or
    /// panicked inside tantivy while the files' checksums tell the damage
    /// (the panic is caught and becomes this error).
    #[error(
        "the index at {} is damaged ({detail}): {}",
        path.display(), Advice::Rebuild { index: path }.command()
    )]
    Damaged {
        /// The index folder.
        path: PathBuf,
        /// What was found damaged, on one bounded line.
        detail: String,
    },

    /// cita panicked while reading an index whose files' checksums are
    /// intact: a bug in cita, not damage (the panic is caught and becomes
    /// this error, so that a server or a notebook goes on).
    #[error(
        "cita failed while reading the index at {} ({detail}); its files are intact, so this is a bug in cita: please report it with the request that caused it",
        path.display()
    )]
    Internal {
        /// The index folder.
        path: PathBuf,
        /// The panic's message and where it happened, on one bounded line.
        detail: String,
    },

    /// The disk holding the index ran out of space while it was written.
    /// tantivy publishes commits atomically, so the last commit is intact.
    #[error(
        "the disk holding {} is full: free space and run `cita index` again (what the index held before this run is intact)",
        path.display()
    )]
    DiskFull {
        /// The index folder.
        path: PathBuf,
    },

    /// A search ran past its [`crate::SearchRequest::deadline`] and was
    /// stopped before its answer was complete.
    #[error("the search was stopped at its deadline before its answer was complete")]
    PastDeadline,

    /// The build was stopped by its caller ([`crate::BuildObserver::cancelled`]):
    /// the files it had read are committed, and the next run goes on from there.
    #[error(
        "the build of {} was stopped: the files read so far are indexed; run it again to index the rest",
        path.display()
    )]
    Cancelled {
        /// The index folder.
        path: PathBuf,
    },

    /// The search engine failed. (Not marked as the error's source, so that
    /// error chains print tantivy's message once.)
    #[error("index error: {}", one_line(&.0.to_string()))]
    Engine(tantivy::TantivyError),
}

/// Longest engine message shown; tantivy quotes whole files in some.
const MAX_ENGINE_MESSAGE: usize = 300;

/// tantivy's message on one line: without the file contents it quotes
/// after "Content:", the rest of its lines joined, cut at
/// [`MAX_ENGINE_MESSAGE`] bytes on a character boundary.
pub(crate) fn one_line(message: &str) -> String {
    let message = message.split(" Content: ").next().unwrap_or(message);
    let mut line = message.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.len() > MAX_ENGINE_MESSAGE {
        let mut cut = MAX_ENGINE_MESSAGE;
        while !line.is_char_boundary(cut) {
            cut -= 1;
        }
        line.truncate(cut);
        line.push('…');
    }
    line
}

impl From<tantivy::TantivyError> for Error {
    fn from(err: tantivy::TantivyError) -> Self {
        Error::Engine(err)
    }
}

/// Shorthand for results of cita's library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// What the error advises doing, when its message advises a command.
    pub fn advice(&self) -> Option<Advice<'_>> {
        Some(match self {
            Error::NoIndex { path } => Advice::Build { index: path },
            Error::IncompatibleIndex { path, .. } | Error::Damaged { path, .. } => {
                Advice::Rebuild { index: path }
            }
            Error::NotAnIndex { .. } => Advice::GiveIndex,
            Error::EmptyCorpus { path, index, .. } => Advice::RebuildFrom {
                corpus: path,
                index,
            },
            Error::OtherCorpus {
                path,
                built_from,
                index,
                ..
            } => Advice::KeepOrRebuild {
                built_from,
                corpus: path,
                index,
            },
            _ => return None,
        })
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// [`Error::Io`] for an index path that is a file: saying there is no
    /// index there would send the user to build one, which fails.
    pub(crate) fn index_is_a_file(path: &Path) -> Self {
        Error::io(
            path,
            std::io::Error::new(
                std::io::ErrorKind::NotADirectory,
                "a file, not an index folder",
            ),
        )
    }

    /// [`Error::Damaged`] for the index at `path`, `detail` cut to one bounded line.
    pub(crate) fn damaged(path: &Path, detail: &str) -> Self {
        Error::Damaged {
            path: path.to_path_buf(),
            detail: one_line(detail),
        }
    }

    /// [`Error::Internal`] for the index at `path`, `detail` cut to one bounded line.
    pub(crate) fn internal(path: &Path, detail: &str) -> Self {
        Error::Internal {
            path: path.to_path_buf(),
            detail: one_line(detail),
        }
    }

    /// This error as met while reading the index at `path`: one of
    /// tantivy's errors that means damaged files becomes [`Error::Damaged`];
    /// anything else is returned as it is.
    pub(crate) fn reading(self, path: &Path) -> Self {
        match self {
            Error::Engine(err) => match damage_of(&err) {
                Some(detail) => Error::damaged(path, &detail),
                None => Error::Engine(err).in_files_of(path),
            },
            other => other,
        }
    }

    /// This error, if tantivy's failure to open a file of the index at
    /// `index` (permission denied, a folder where a file should be, no
    /// memory to map it), as [`Error::Io`] naming the file: tantivy's own
    /// message is its debug form (`IoError { io_error: Os { code: 13, … }`).
    fn in_files_of(self, index: &Path) -> Self {
        use tantivy::TantivyError as T;
        use tantivy::directory::error::{OpenReadError as R, OpenWriteError as W};
        let (io_error, file) = match &self {
            Error::Engine(T::OpenReadError(R::IoError { io_error, filepath }))
            | Error::Engine(T::OpenWriteError(W::IoError { io_error, filepath })) => {
                (io_error, filepath)
            }
            _ => return self,
        };
        let source = std::io::Error::new(io_error.kind(), io_error.to_string());
        Error::io(index.join(file), source)
    }

    /// This error as met while writing the index at `index`: a full disk,
    /// however tantivy reports it, becomes [`Error::DiskFull`]; anything
    /// else is returned as it is.
    ///
    /// tantivy reports a full disk as an I/O error (os error 28) where it
    /// meets it, but an indexing thread that meets it dies and the next
    /// document added only learns that "an index writer was killed". Then
    /// whether 1 MiB can still be written beside the index decides.
    pub fn writing(self, index: &Path) -> Self {
        let full = match &self {
            Error::Io { source, .. } => is_disk_full(source),
            Error::Engine(tantivy::TantivyError::ErrorInThread(_)) => no_room_in(index),
            Error::Engine(err) => {
                let text = format!("{err} {err:?}");
                text.contains("os error 28") || text.contains("StorageFull")
            }
            _ => false,
        };
        if full {
            Error::DiskFull {
                path: index.to_path_buf(),
            }
        } else {
            self.in_files_of(index)
        }
    }
}

/// Whether an I/O error is "no space left on device".
/// What an error advises its reader to do, for each shell to say in its
/// own words: the message holds the CLI's ([`Advice::command`]), which the
/// Python package replaces with the call that does it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Advice<'a> {
    /// Build the index first.
    Build {
        /// The index folder.
        index: &'a Path,
    },
    /// Build the index again (damaged, or of another schema).
    Rebuild {
        /// The index folder.
        index: &'a Path,
    },
    /// Give a cita index, or a new or empty folder to build one in.
    GiveIndex,
    /// Build the index again from `corpus` (which empties it).
    RebuildFrom {
        /// The corpus folder.
        corpus: &'a Path,
        /// The index folder.
        index: &'a Path,
    },
    /// Update the index from the corpus it was built from, or build it
    /// again from `corpus`.
    KeepOrRebuild {
        /// The folder the index was built from.
        built_from: &'a Path,
        /// The corpus folder given.
        corpus: &'a Path,
        /// The index folder.
        index: &'a Path,
    },
}

impl Advice<'_> {
    /// The advice as the CLI's messages word it: the command to run, its
    /// paths quoted as one shell word each ([`shell_word`]).
    pub fn command(&self) -> String {
        match *self {
            Advice::Build { index } => {
                format!("run `cita index --index {}` first", shell_word(index))
            }
            Advice::Rebuild { index } => format!(
                "rebuild it with `cita index --rebuild --index {}`",
                shell_word(index)
            ),
            Advice::GiveIndex => {
                "give `--index` a cita index (`cita index` builds one in a new or empty folder)"
                    .to_string()
            }
            Advice::RebuildFrom { corpus, index } => format!(
                "run `cita index --rebuild --corpus {} --index {}`",
                shell_word(corpus),
                shell_word(index)
            ),
            Advice::KeepOrRebuild {
                built_from,
                corpus,
                index,
            } => format!(
                "give `--corpus {} --index {}`, or `--rebuild --corpus {} --index {}`",
                shell_word(built_from),
                shell_word(index),
                shell_word(corpus),
                shell_word(index)
            ),
        }
    }
}

/// `path` as one word of a shell command the messages advise, quoted when
/// a shell would split or expand it (`'my corpus'`), so that the command
/// can be copied as written.
pub fn shell_word(path: &Path) -> String {
    let text = path.display().to_string();
    let plain = |c: char| c.is_alphanumeric() || "/._-+,:=@%".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        return text;
    }
    format!("'{}'", text.replace('\'', "'\\''"))
}

fn is_disk_full(err: &std::io::Error) -> bool {
    err.kind() == std::io::ErrorKind::StorageFull || err.raw_os_error() == Some(28)
}

/// Whether the file system holding `dir` has no room for 1 MiB more: a
/// probe file is written (and synced) beside the index, then removed.
fn no_room_in(dir: &Path) -> bool {
    use std::io::Write;
    let probe = dir.join(".cita-space-probe");
    let written = std::fs::File::create(&probe).and_then(|mut file| {
        file.write_all(&vec![0; 1 << 20])?;
        file.sync_all()
    });
    let _ = std::fs::remove_file(&probe);
    written.is_err_and(|err| is_disk_full(&err))
}

/// What is damaged, if tantivy's error says the index's files are damaged
/// (rather than, say, unreadable for lack of permission).
fn damage_of(err: &tantivy::TantivyError) -> Option<String> {
    use std::io::ErrorKind;
    use tantivy::TantivyError as T;
    use tantivy::directory::error::OpenReadError as R;
    let damaged = |io: &std::io::Error| {
        matches!(io.kind(), ErrorKind::InvalidData | ErrorKind::UnexpectedEof)
    };
    match err {
        T::DataCorruption(corruption) => Some(format!("{corruption:?}")),
        T::OpenReadError(R::FileDoesNotExist(file)) => {
            Some(format!("{} is missing", file.display()))
        }
        T::OpenReadError(R::IoError { io_error, filepath }) if damaged(io_error) => {
            Some(format!("{}: {io_error}", filepath.display()))
        }
        T::IoError(io) if damaged(io) => Some(io.to_string()),
        T::OpenReadError(R::IncompatibleIndex(_))
        | T::IncompatibleIndex(_)
        | T::DeserializeError(_) => Some(err.to_string()),
        _ => None,
    }
}

/// Runs `work`, turning a panic into `Err` with its message and where it
/// happened, without the panic being printed.
///
/// A damaged index makes tantivy panic (bitpacker, ownedbytes, sstable read
/// lengths and offsets from the file and trust them), and a panic must not
/// end a search, a server or a build. The default panic hook would still
/// print the panic to stderr, so the first call installs a hook that stays
/// silent for panics inside `catching` on the same thread (they become
/// errors, which say what happened) and hands every other panic to the hook
/// it replaced.
pub(crate) fn catching<T>(work: impl FnOnce() -> T) -> std::result::Result<T, String> {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if CATCHING.get() > 0 {
                let location = info
                    .location()
                    .map(|l| {
                        let file = Path::new(l.file()).file_name().unwrap_or_default();
                        format!("{}:{}", file.display(), l.line())
                    })
                    .unwrap_or_default();
                PANIC_LOCATION.set(location);
            } else {
                previous(info);
            }
        }));
    });
    CATCHING.set(CATCHING.get() + 1);
    let outcome = panic::catch_unwind(AssertUnwindSafe(work));
    CATCHING.set(CATCHING.get() - 1);
    outcome.map_err(|payload| {
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("a panic");
        match PANIC_LOCATION.take() {
            location if location.is_empty() => message.to_string(),
            location => format!("{message} at {location}"),
        }
    })
}

thread_local! {
    /// How many [`catching`] calls are running on this thread.
    static CATCHING: Cell<u32> = const { Cell::new(0) };
    /// Where the last panic caught on this thread happened.
    static PANIC_LOCATION: Cell<String> = const { Cell::new(String::new()) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_a_shell_would_split_is_quoted_as_one_word() {
        let word = |path: &str| shell_word(Path::new(path));
        assert_eq!(word("/data/índice_2024-v1.d"), "/data/índice_2024-v1.d");
        assert_eq!(word("my corpus"), "'my corpus'");
        assert_eq!(word("it's"), "'it'\\''s'");
        assert_eq!(word("$HOME/*"), "'$HOME/*'");
        assert_eq!(word(""), "''");
    }

    #[test]
    fn an_advised_command_stands_once_in_its_message() {
        // A shell replaces it with its own words: the Python package with a call.
        let path = |text: &str| PathBuf::from(text);
        for err in [
            Error::NoIndex {
                path: path("my index"),
            },
            Error::IncompatibleIndex {
                path: path("idx"),
                found: "3".to_string(),
                expected: 14,
            },
            Error::Damaged {
                path: path("idx"),
                detail: "x".to_string(),
            },
            Error::NotAnIndex { path: path("docs") },
            Error::EmptyCorpus {
                path: path("corpus"),
                index: path("idx"),
                documents: 3,
            },
            Error::OtherCorpus {
                path: path("corpus/sub"),
                built_from: path("corpus"),
                index: path("idx"),
                files: 10,
                leaving: 9,
            },
        ] {
            let advice = err.advice().expect("advised");
            assert_eq!(
                err.to_string().matches(&advice.command()).count(),
                1,
                "{err}"
            );
            assert!(
                advice.command().contains("`--") || advice.command().contains("`cita index"),
                "{err}"
            );
        }
        assert_eq!(Error::Query("x".to_string()).advice(), None);
    }

    #[test]
    fn engine_messages_are_one_bounded_line_without_quoted_files() {
        let quoting = "Data corrupted: 'Meta file cannot be deserialized.\nError(x). Content: \"{\n  \"index_settings\": {}\n}\"'";
        assert_eq!(
            one_line(quoting),
            "Data corrupted: 'Meta file cannot be deserialized. Error(x)."
        );
        let long = "é".repeat(400);
        let shown = one_line(&long);
        assert!(shown.len() <= MAX_ENGINE_MESSAGE + '…'.len_utf8());
        assert!(shown.ends_with('…') && !shown.contains('\n'));
    }

    #[test]
    fn a_full_disk_is_recognised_however_tantivy_reports_it() {
        let dir = Path::new("/nonexistent/index");
        let full = || std::io::Error::from_raw_os_error(28);
        let is_full = |err: Error| matches!(err.writing(dir), Error::DiskFull { .. });
        assert!(is_full(Error::io(dir, full())));
        assert!(is_full(Error::Engine(full().into())));
        let write = tantivy::directory::error::OpenWriteError::wrap_io_error(full(), dir.into());
        assert!(is_full(Error::Engine(write.into())));
        let lock = tantivy::directory::error::LockError::wrap_io_error(full());
        assert!(is_full(Error::Engine(tantivy::TantivyError::LockFailure(
            lock, None
        ))));
        let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        assert!(!is_full(Error::io(dir, denied)));
        // A killed writer, and 1 MiB can be written beside the index: not full.
        let writable = std::env::temp_dir();
        let killed = Error::Engine(tantivy::TantivyError::ErrorInThread("killed".into()));
        assert!(!matches!(killed.writing(&writable), Error::DiskFull { .. }));
        assert_eq!(
            Error::DiskFull { path: dir.into() }.to_string(),
            "the disk holding /nonexistent/index is full: free space and run `cita index` again (what the index held before this run is intact)"
        );
    }

    #[test]
    fn panics_are_caught_silently_with_their_place() {
        let caught = catching(|| -> u32 { panic!("boom {}", 1) }).unwrap_err();
        assert!(caught.starts_with("boom 1 at error.rs:"), "{caught}");
        assert_eq!(catching(|| 7), Ok(7));
    }
}
