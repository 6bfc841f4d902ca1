//! `cita._cita`, the extension module under the Python package `cita`:
//! the library's archive and index build, each result returned as the JSON
//! the CLI prints. No search logic lives here; the Python layer
//! (`cita/__init__.py`) turns the JSON into result objects.

mod archive;
mod build;
mod dist;
mod errors;
mod options;

use pyo3::prelude::*;

/// What a renderer of `cita::output` writes, as text. Rendering into memory
/// fails only if serde does, which the library's types never make it do.
fn rendered(write: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> cita::Result<String> {
    let mut out = Vec::new();
    write(&mut out)
        .map_err(|err| cita::Error::InvalidOption(format!("cannot render the JSON: {err}")))?;
    // serde_json writes UTF-8.
    Ok(String::from_utf8_lossy(&out).into_owned())
}

#[pymodule]
mod _cita {
    #[pymodule_export]
    use crate::archive::{Archive, HitStream, SearchResults};
    #[pymodule_export]
    use crate::archive::{batch_lines, left_out, render_counts};
    #[pymodule_export]
    use crate::build::{check_build_options, index};
    #[pymodule_export]
    use crate::dist::{
        ShardPage, check_count, check_filters, check_kwic, check_search, check_timeline,
        merge_kwic, merge_page, merge_timelines, shard_of, sum_counts, sum_statistics, sum_stats,
        union_languages,
    };
    #[pymodule_export]
    const DEFAULT_LIMIT: usize = cita::DEFAULT_LIMIT;
    #[pymodule_export]
    const DEFAULT_SNIPPET_CHARS: usize = cita::DEFAULT_SNIPPET_CHARS;
    #[pymodule_export]
    const DEFAULT_KWIC_WIDTH: usize = cita::kwic::DEFAULT_WIDTH;
    #[pymodule_export]
    const MAX_KWIC_WIDTH: usize = cita::kwic::MAX_WIDTH;
    #[pymodule_export]
    const CITA_VERSION: &str = cita::CITA_VERSION;
}
