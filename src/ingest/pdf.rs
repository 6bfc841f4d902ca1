//! PDF text, page by page, with pdf-extract (over lopdf). Every passage knows
//! the page it comes from. Encrypted PDFs and PDFs without a text layer
//! (scans) are reported and skipped.
//!
//! pdf-extract panics by design on PDFs it does not support
//! (jrmuizel/pdf-extract#47), and lopdf on some malformed ones, so loading
//! and extraction run under `error::catching`, which keeps the panic
//! message out of the terminal. A page tree whose `/Parent` chain loops is
//! refused before extraction: pdf-extract follows it for inherited
//! resources with no cycle check, for ever (found by `fuzz/`).

use std::collections::HashSet;

use pdf_extract::{Document, Object, ObjectId};

use super::dates::parse_metadata_date;
use super::{Block, Metadata, SkipReason, text};
use crate::error;

/// Whether `head`, a file's first bytes, holds the `%PDF-` header. Readers
/// accept it after some leading junk (Acrobat within the first kilobyte);
/// a file without it in its first [`super::decode::SNIFF_BYTES`] is not
/// read further.
pub fn has_header(head: &[u8]) -> bool {
    head.windows(5).any(|window| window == b"%PDF-")
}

/// The metadata and blocks of a PDF, or why it is skipped.
pub fn read(bytes: &[u8]) -> Result<(Metadata, Vec<Block>), (SkipReason, String)> {
    let document = match error::catching(|| Document::load_mem(bytes)) {
        Ok(Ok(document)) => document,
        Ok(Err(err)) => {
            return Err((SkipReason::Malformed, format!("not a readable PDF ({err})")));
        }
        Err(_) => {
            return Err((
                SkipReason::Malformed,
                "the PDF reader failed on this file".to_string(),
            ));
        }
    };
    if let Some(page) = page_in_a_loop(&document) {
        return Err((
            SkipReason::Malformed,
            format!("the PDF's page tree loops (page object {})", page.0),
        ));
    }
    let encrypted = document.is_encrypted();
    let pages = error::catching(|| pdf_extract::extract_text_from_mem_by_pages(bytes)).ok();
    let pages = match pages {
        Some(Ok(pages)) => pages,
        _ if encrypted => return Err((SkipReason::Encrypted, "encrypted PDF".to_string())),
        Some(Err(err)) => {
            return Err((
                SkipReason::Malformed,
                format!("cannot extract text ({err})"),
            ));
        }
        None => {
            return Err((
                SkipReason::Malformed,
                "the PDF text extractor failed on this file".to_string(),
            ));
        }
    };
    if pages.iter().all(|page| page.trim().is_empty()) {
        let reason = if encrypted {
            SkipReason::Encrypted
        } else {
            SkipReason::NoText
        };
        let message = if encrypted {
            "encrypted PDF".to_string()
        } else {
            "no text layer (a scanned or image-only PDF?)".to_string()
        };
        return Err((reason, message));
    }
    let blocks = pages
        .iter()
        .enumerate()
        .flat_map(|(index, page)| text::blocks(page, None, Some(index as u32 + 1)))
        .collect();
    Ok((metadata(&document), blocks))
}

/// A page whose chain of `/Parent`s comes back on itself, if any.
fn page_in_a_loop(document: &Document) -> Option<ObjectId> {
    let parent = |node: ObjectId| -> Option<ObjectId> {
        let dictionary = document.get_object(node).ok()?.as_dict().ok()?;
        dictionary.get(b"Parent").ok()?.as_reference().ok()
    };
    document.get_pages().into_values().find(|&page| {
        let mut seen = HashSet::new();
        let mut node = Some(page);
        while let Some(current) = node {
            if !seen.insert(current) {
                return true;
            }
            node = parent(current);
        }
        false
    })
}

/// Title and creation date from the document information dictionary.
fn metadata(document: &Document) -> Metadata {
    let info = document
        .trailer
        .get(b"Info")
        .ok()
        .and_then(|info| document.dereference(info).ok())
        .and_then(|(_, info)| info.as_dict().ok());
    let field = |key: &[u8]| -> Option<String> {
        let value = info?.get(key).ok()?;
        let (_, value) = document.dereference(value).ok()?;
        match value {
            Object::String(bytes, _) => Some(text_string(bytes)).filter(|s| !s.is_empty()),
            _ => None,
        }
    };
    Metadata {
        author: None,
        title: field(b"Title"),
        publication: None,
        url: None,
        date: field(b"CreationDate")
            .as_deref()
            .and_then(parse_metadata_date),
        language: catalog_language(document),
    }
}

/// A PDF text string: UTF-16BE with a BOM, else PDFDocEncoding (close to Windows-1252).
/// The document's natural language, the catalog's `/Lang` (`es-CO`).
fn catalog_language(document: &Document) -> Option<String> {
    let value = document.catalog().ok()?.get(b"Lang").ok()?;
    let (_, value) = document.dereference(value).ok()?;
    match value {
        Object::String(bytes, _) => Some(text_string(bytes)).filter(|s| !s.trim().is_empty()),
        _ => None,
    }
}

fn text_string(bytes: &[u8]) -> String {
    let text = match bytes {
        [0xfe, 0xff, rest @ ..] => encoding_rs::UTF_16BE.decode_without_bom_handling(rest).0,
        _ => {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
        }
    };
    text.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_strings_in_both_encodings() {
        assert_eq!(text_string(b"Informe de Nari\xf1o"), "Informe de Nariño");
        let mut utf16 = vec![0xfe, 0xff];
        utf16.extend("Bogotá".encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(text_string(&utf16), "Bogotá");
    }

    /// A page that is its own parent: pdf-extract looked up its inherited
    /// resources for ever (`fuzz/regressions/pdf/page-parent-cycle-hang.pdf`).
    #[test]
    fn a_page_tree_that_loops_is_malformed_not_a_hang() {
        for name in [
            "page-parent-cycle-hang.pdf",
            "page-parent-cycle-hang-found.pdf",
        ] {
            let path = format!("{}/fuzz/regressions/pdf/{name}", env!("CARGO_MANIFEST_DIR"));
            let bytes = std::fs::read(&path).unwrap();
            let (reason, message) = read(&bytes).unwrap_err();
            assert_eq!(reason, SkipReason::Malformed, "{name}: {message}");
        }
    }

    /// lopdf's cross-reference parser overflowed on a section starting at
    /// `usize::MAX` (`fuzz/regressions/pdf/lopdf-xref-start-overflow.pdf`).
    #[test]
    fn an_overflowing_cross_reference_is_malformed_not_a_panic() {
        let path = format!(
            "{}/fuzz/regressions/pdf/lopdf-xref-start-overflow.pdf",
            env!("CARGO_MANIFEST_DIR")
        );
        let (reason, _) = read(&std::fs::read(path).unwrap()).unwrap_err();
        assert!(matches!(reason, SkipReason::Malformed | SkipReason::NoText));
    }

    #[test]
    fn garbage_is_reported_not_panicked() {
        let (reason, _) = read(b"%PDF-1.4 not really a pdf").unwrap_err();
        assert_eq!(reason, SkipReason::Malformed);
    }
}
