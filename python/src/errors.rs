//! The one place where the library's errors become Python exceptions.
//! The exception classes are defined in Python (`cita/_errors.py`), so
//! that they can also be `ValueError`s or `FileNotFoundError`s; each is
//! raised with the library's one-line message, the line the CLI prints,
//! its advice in Python's words where the line names a command
//! ([`python_advice`]), which the exception also carries as `_advice`,
//! `(kind, words)`, for `cita.dist` to advise the shards' call instead.

use std::path::Path;

use pyo3::prelude::*;
use pyo3::types::PyType;

/// The exception for `err`: its class by the kind of failure, its message
/// the library's.
pub fn to_py(py: Python<'_>, err: cita::Error) -> PyErr {
    let message = err.to_string();
    raised(py, err, message)
}

/// The exception for `err` with `context` before its message, as the CLI
/// says it (`cannot index CORPUS: …`).
pub fn to_py_in(py: Python<'_>, err: cita::Error, context: &str) -> PyErr {
    let message = format!("{context}: {err}");
    raised(py, err, message)
}

/// `advice` as the call of the package that does it
/// (`cita.index(corpus, "X", rebuild=True)` for `cita index --rebuild
/// --index X`), and its kind's name.
fn python_advice(advice: cita::Advice<'_>) -> (&'static str, String) {
    let quoted = |path: &Path| format!("{:?}", path.display().to_string());
    let call = |corpus: &str, index: &Path, rebuild: bool| {
        let rebuild = if rebuild { ", rebuild=True" } else { "" };
        format!("cita.index({corpus}, {}{rebuild})", quoted(index))
    };
    match advice {
        cita::Advice::Build { index } => (
            "build",
            format!("build it first with {}", call("corpus", index, false)),
        ),
        cita::Advice::Rebuild { index } => (
            "rebuild",
            format!("rebuild it with {}", call("corpus", index, true)),
        ),
        cita::Advice::GiveIndex => (
            "give_index",
            "give a cita index, or a new or empty folder for cita.index to build one in"
                .to_string(),
        ),
        cita::Advice::RebuildFrom { corpus, index } => (
            "rebuild_from",
            format!("call {}", call(&quoted(corpus), index, true)),
        ),
        cita::Advice::KeepOrRebuild {
            built_from,
            corpus,
            index,
        } => (
            "keep_or_rebuild",
            format!(
                "give {}, or {}",
                call(&quoted(built_from), index, false),
                call(&quoted(corpus), index, true)
            ),
        ),
    }
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
    // The command the line advises, in Python's words.
    let advice = err
        .advice()
        .map(|advice| (advice.command(), python_advice(advice)));
    let message = match &advice {
        Some((command, (_, words))) => message.replace(command, words),
        None => message,
    };
    let made = py
        .import("cita._errors")
        .and_then(|module| module.getattr(class))
        .and_then(|class| Ok(class.cast_into::<PyType>()?))
        .and_then(|class| class.call1((message,)))
        .and_then(|exception| {
            if let Some((_, advice)) = advice {
                exception.setattr("_advice", advice)?;
            }
            Ok(exception)
        });
    match made {
        Ok(exception) => PyErr::from_value(exception),
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
