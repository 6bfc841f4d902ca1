//! EPUB books: chapters in spine order, read with the HTML ingest.

use super::bundle::{Refusal, Zip};
use super::{Block, Metadata, SkipReason};

/// The metadata and blocks of an EPUB file, or why it is skipped.
pub fn read(zip: &mut Zip) -> Result<(Metadata, Vec<Block>), Refusal> {
    let _ = zip;
    Err((SkipReason::Malformed, "EPUB is not read yet".to_string()))
}
