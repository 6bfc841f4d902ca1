//! The library's typed errors. The binary turns them into one-line messages
//! and exit codes (see `main.rs`); nothing here prints.

use std::path::PathBuf;

/// Everything that can go wrong inside cita's library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The user's query could not be read. The message says what is wrong and where.
    #[error("invalid query: {0}")]
    Query(String),

    /// A `--since`/`--until` value or a front-matter date that is not a calendar date.
    #[error("invalid date {value:?}: expected YYYY-MM-DD (or YYYY-MM, or YYYY)")]
    Date {
        /// The text that failed to parse.
        value: String,
    },

    /// A search option outside its range.
    #[error("{0}")]
    InvalidOption(String),

    /// No index exists at the given path.
    #[error("no index at {}: run `cita index --index {}` first", path.display(), path.display())]
    NoIndex {
        /// The index folder that was asked for.
        path: PathBuf,
    },

    /// The index was built by a cita whose schema differs from this one.
    #[error(
        "the index at {} was built by an incompatible version of cita (schema {found}, this cita reads {expected}): rebuild it with `cita index --rebuild --index {}`",
        path.display(), path.display()
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
    #[error("{} holds files that are not a cita index; give `--index` a new or empty folder", path.display())]
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
fn one_line(message: &str) -> String {
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
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
