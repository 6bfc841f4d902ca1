//! Walking the corpus and turning files into [`Document`]s.
//!
//! Files are visited in a stable order (sorted by name, folder by folder);
//! hidden files and folders are skipped. A file that cannot be read or is not
//! text becomes a [`Warning`] and the walk goes on.

mod front_matter;

use std::fmt;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

pub use front_matter::FrontMatter;

use crate::date::Date;

/// File name extensions read as plain text or Markdown (compared case-insensitively).
pub const TEXT_EXTENSIONS: &[&str] = &["txt", "text", "md", "markdown"];

/// A document as read from the corpus, before it is split into passages.
#[derive(Debug, Clone)]
pub struct Document {
    /// Path relative to the corpus root, with `/` separators.
    pub source: String,
    /// Metadata from front matter (empty when the file has none).
    pub meta: FrontMatter,
    /// The publication date, if front matter gives a valid one.
    pub date: Option<Date>,
    /// The text after the front matter.
    pub body: String,
    /// Byte offset of `body` in the file, so passages can report file byte ranges.
    pub body_offset: usize,
    /// Problems that did not stop the file from being indexed.
    pub notes: Vec<String>,
}

/// A file or folder that was skipped, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The path, as found under the corpus folder.
    pub path: PathBuf,
    /// Why it was skipped or only partly read.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

/// Every supported file under `corpus`, read in a stable order.
pub fn documents(corpus: &Path) -> impl Iterator<Item = Result<Document, Warning>> + '_ {
    WalkDir::new(corpus)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !is_hidden(entry.file_name()))
        .filter_map(move |entry| match entry {
            Err(err) => Some(Err(Warning {
                path: err.path().unwrap_or(corpus).to_path_buf(),
                message: err
                    .io_error()
                    .map_or_else(|| err.to_string(), |io| io.to_string()),
            })),
            Ok(entry) if entry.file_type().is_file() && has_text_extension(entry.path()) => {
                Some(read_document(corpus, entry.path()))
            }
            Ok(_) => None,
        })
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}

fn has_text_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|ext| ext.to_str())
        .is_some_and(|ext| {
            TEXT_EXTENSIONS
                .iter()
                .any(|known| known.eq_ignore_ascii_case(ext))
        })
}

/// The corpus-relative path of `path` with `/` separators.
pub fn relative_source(corpus: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(corpus).unwrap_or(path);
    relative
        .components()
        .map(|part| part.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Reads one file into a document.
pub fn read_document(corpus: &Path, path: &Path) -> Result<Document, Warning> {
    let warning = |message: String| Warning {
        path: path.to_path_buf(),
        message,
    };
    let bytes = std::fs::read(path).map_err(|err| warning(format!("cannot read: {err}")))?;
    let text = decode(bytes).map_err(warning)?;
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let (meta, body_start) = front_matter::split(&text[bom..]);
    let meta = meta.unwrap_or_default();
    let mut notes = Vec::new();
    let date = meta.date.as_deref().and_then(|value| match value.parse::<Date>() {
        Ok(date) => Some(date),
        Err(_) => {
            notes.push(format!(
                "front matter date {value:?} is not YYYY-MM-DD; the document is indexed without a date"
            ));
            None
        }
    });
    let body_offset = bom + body_start;
    Ok(Document {
        source: relative_source(corpus, path),
        meta,
        date,
        body: text[body_offset..].to_string(),
        body_offset,
        notes,
    })
}

/// The file's text, or why it is not text cita can read.
fn decode(bytes: Vec<u8>) -> Result<String, String> {
    // NUL bytes do not occur in text files; they mark binary data (as in grep and ripgrep).
    if bytes.contains(&0) {
        return Err("binary file (contains NUL bytes), skipped".to_string());
    }
    String::from_utf8(bytes).map_err(|err| {
        format!(
            "not valid UTF-8 (invalid byte at offset {}), skipped",
            err.utf8_error().valid_up_to()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_sources_use_forward_slashes() {
        let corpus = Path::new("/data/corpus");
        let path = corpus.join("news").join("2025").join("a.txt");
        assert_eq!(relative_source(corpus, &path), "news/2025/a.txt");
    }

    #[test]
    fn binary_and_non_utf8_bytes_are_refused_with_a_reason() {
        assert!(decode(b"abc\0def".to_vec()).unwrap_err().contains("binary"));
        assert!(
            decode(b"Nari\xf1o".to_vec())
                .unwrap_err()
                .contains("offset 4")
        );
        assert_eq!(decode("Nariño".as_bytes().to_vec()).unwrap(), "Nariño");
    }

    #[test]
    fn only_text_and_markdown_extensions_are_read() {
        assert!(has_text_extension(Path::new("a/b.TXT")));
        assert!(has_text_extension(Path::new("notes.md")));
        assert!(!has_text_extension(Path::new("report.pdf")));
        assert!(!has_text_extension(Path::new("README")));
    }
}
