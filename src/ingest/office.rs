//! Word (DOCX) and OpenDocument text (ODT) files.

use super::bundle::{Refusal, Zip};
use super::{Block, Metadata, SkipReason};

/// The metadata and blocks of a DOCX file, or why it is skipped.
pub fn read_docx(zip: &mut Zip) -> Result<(Metadata, Vec<Block>), Refusal> {
    let _ = zip;
    Err((SkipReason::Malformed, "DOCX is not read yet".to_string()))
}

/// The metadata and blocks of an ODT file, or why it is skipped.
pub fn read_odt(zip: &mut Zip) -> Result<(Metadata, Vec<Block>), Refusal> {
    let _ = zip;
    Err((SkipReason::Malformed, "ODT is not read yet".to_string()))
}
