//! The one place where the library's errors become Python exceptions.
//! The exception classes are defined in Python (`cita/_errors.py`), so
//! that they can also be `ValueError`s or `FileNotFoundError`s; each is
//! raised with the library's one-line message, the line the CLI prints.

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
