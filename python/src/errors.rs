//! The one place where the library's errors become Python exceptions.
//! The exception classes are defined in Python (`cita/_errors.py`), so
//! that they can also be `ValueError`s or `FileNotFoundError`s; each is
//! raised with the library's one-line message, the line the CLI prints,
//! its advice in Python's words where the line names a command
//! ([`in_python_words`]).

use std::path::Path;

use pyo3::prelude::*;
use pyo3::types::PyType;

/// The exception for `err`: its class by the kind of failure, its message
/// the library's.
pub fn to_py(py: Python<'_>, err: cita::Error) -> PyErr {
    let message = in_python_words(&err, err.to_string());
    raised(py, err, message)
}

/// The exception for `err` with `context` before its message, as the CLI
/// says it (`cannot index CORPUS: …`).
pub fn to_py_in(py: Python<'_>, err: cita::Error, context: &str) -> PyErr {
    let message = in_python_words(&err, format!("{context}: {err}"));
    raised(py, err, message)
}

/// `message`, the line the CLI prints for `err`, with the command it
/// advises (`cita index --rebuild --index X`) as the call that does it in
/// Python (`cita.index(corpus, "X", rebuild=True)`).
fn in_python_words(err: &cita::Error, message: String) -> String {
    let quoted = |path: &Path| format!("{:?}", path.display().to_string());
    let call = |corpus: &str, index: &Path, rebuild: bool| {
        let rebuild = if rebuild { ", rebuild=True" } else { "" };
        format!("cita.index({corpus}, {}{rebuild})", quoted(index))
    };
    let (command, instead) = match err {
        cita::Error::NoIndex { path } => (
            format!("run `cita index --index {}` first", cita::shell_word(path)),
            format!("build it first with {}", call("corpus", path, false)),
        ),
        cita::Error::IncompatibleIndex { path, .. } | cita::Error::Damaged { path, .. } => (
            format!(
                "rebuild it with `cita index --rebuild --index {}`",
                cita::shell_word(path)
            ),
            format!("rebuild it with {}", call("corpus", path, true)),
        ),
        cita::Error::NotAnIndex { .. } => (
            "give `--index` a cita index (`cita index` builds one in a new or empty folder)"
                .to_string(),
            "give a cita index, or a new or empty folder for cita.index to build one in"
                .to_string(),
        ),
        cita::Error::EmptyCorpus { path, index, .. } => (
            format!(
                "run `cita index --rebuild --corpus {} --index {}`",
                cita::shell_word(path),
                cita::shell_word(index)
            ),
            format!("call {}", call(&quoted(path), index, true)),
        ),
        cita::Error::OtherCorpus {
            path,
            built_from,
            index,
            ..
        } => (
            format!(
                "give `--corpus {} --index {}`, or `--rebuild --corpus {} --index {}`",
                cita::shell_word(built_from),
                cita::shell_word(index),
                cita::shell_word(path),
                cita::shell_word(index)
            ),
            format!(
                "give {}, or {}",
                call(&quoted(built_from), index, false),
                call(&quoted(path), index, true)
            ),
        ),
        _ => return message,
    };
    message.replace(&command, &instead)
}

fn raised(py: Python<'_>, err: cita::Error, message: String) -> PyErr {
    let class = match &err {
        cita::Error::Query(_) => "QueryError",
        cita::Error::Date { .. }
        | cita::Error::InvalidOption(_)
        | cita::Error::OtherCorpus { .. } => "OptionError",
        cita::Error::NoIndex { .. } => "IndexNotFoundError",
        cita::Error::IncompatibleIndex { .. } | cita::Error::NotAnIndex { .. } => {
            "IncompatibleIndexError"
        }
        cita::Error::IndexLocked { .. } | cita::Error::FirstBuildRunning { .. } => {
            "IndexLockedError"
        }
        cita::Error::NoCorpus { .. } | cita::Error::EmptyCorpus { .. } => "CorpusNotFoundError",
        cita::Error::Damaged { .. } => "DamagedIndexError",
        cita::Error::Io { .. } | cita::Error::DiskFull { .. } => "FileSystemError",
        _ => "CitaError",
    };
    let found = py
        .import("cita._errors")
        .and_then(|module| module.getattr(class))
        .and_then(|class| Ok(class.cast_into::<PyType>()?));
    match found {
        Ok(class) => PyErr::from_type(class, message),
        // Only a broken installation gets here; its error says what is missing.
        Err(missing) => missing,
    }
}

/// Results of the library as Python results.
pub trait OrRaise<T> {
    /// `Ok` as it is, an error as its exception.
    fn or_raise(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> OrRaise<T> for cita::Result<T> {
    fn or_raise(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|err| to_py(py, err))
    }
}
