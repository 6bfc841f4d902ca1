//! What the fuzz targets share: reading fuzzer bytes as a corpus file of a
//! given format, cutting its documents into passages, and checking the one
//! promise about source offsets that a panic would not reveal.
//!
//! A target crashes only on a panic, a hang (libFuzzer's `-timeout`) or
//! running out of memory (`-rss_limit_mb`). A file that is skipped, or read
//! with warnings, is a normal outcome, never a failure.

use std::path::Path;

use cita::Format;
use cita::ingest::{self, Block, SourceMap};
use cita::passage;

/// Inputs longer than this are ignored: a parser's time and memory per byte
/// is what the fuzzer should explore, not how long an input it can build.
/// (`-max_len` in run.sh keeps most inputs below it anyway.)
pub const MAX_FILE_BYTES: usize = 64 * 1024;

/// Reads `bytes` as the corpus file `name` (its extension chooses the
/// format, as in a real walk), cuts every document into passages, and
/// checks their source offsets against the bytes.
pub fn ingest(name: &str, bytes: &[u8]) {
    if bytes.len() > MAX_FILE_BYTES {
        return;
    }
    let corpus = Path::new("/fuzz-corpus");
    let path = corpus.join(name);
    let format = Format::of(&path).expect("a target names a file of a format cita reads");
    let outcome = ingest::parse_file(
        corpus,
        &path,
        format,
        bytes.to_vec(),
        &ingest::ReadOptions::default(),
    );
    // Warnings (skipped, malformed lines, bad dates) are fine; look at them
    // so that building their messages is exercised too.
    for warning in &outcome.warnings {
        let _ = warning.to_string();
    }
    for document in &outcome.documents {
        let _ = document.title();
        check_source_maps(&document.blocks, bytes);
        for passage in passage::passages(&document.blocks) {
            check_passage(&passage, bytes);
        }
    }
}

/// Whether the offset oracle runs: set `CITA_FUZZ_NO_ORACLE=1` to look for
/// panics only (for instance while an oracle finding waits for its fix).
pub fn oracle() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("CITA_FUZZ_NO_ORACLE").is_none())
}

/// `SourceMap` promises that a piece is text "copied verbatim from the
/// source file" and that a whole paragraph's range lies in it: the
/// byte ranges `cita show` and the JSON `byte_range` report.
pub fn check_source_maps(blocks: &[Block], file: &[u8]) {
    if !oracle() {
        return;
    }
    for block in blocks {
        let Block::Paragraph(paragraph) = block else {
            continue;
        };
        match &paragraph.source {
            SourceMap::None => {}
            SourceMap::Whole(range) => assert!(
                range.start <= range.end && range.end <= file.len(),
                "paragraph range {range:?} outside a file of {} bytes",
                file.len()
            ),
            SourceMap::Pieces(pieces) => {
                for piece in pieces {
                    let text = paragraph
                        .text
                        .as_bytes()
                        .get(piece.text_start..piece.text_start + piece.len);
                    let source = file.get(piece.source_start..piece.source_start + piece.len);
                    assert!(
                        text.is_some() && text == source,
                        "piece {piece:?} is not verbatim: text {text:?}, file {source:?}"
                    );
                }
            }
        }
    }
}

/// A passage's byte range, when it has one, lies within the file.
pub fn check_passage(passage: &passage::Passage, file: &[u8]) {
    if !oracle() {
        return;
    }
    if let Some(range) = &passage.byte_range {
        assert!(
            range.start <= range.end && range.end <= file.len(),
            "passage byte range {range:?} outside a file of {} bytes",
            file.len()
        );
    }
}
