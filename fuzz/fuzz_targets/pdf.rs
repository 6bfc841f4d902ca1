//! PDF (`.pdf`): lopdf's loader, pdf-extract's text extraction (under cita's
//! `catch_unwind`, so its by-design panics are skipped files, not crashes),
//! metadata, per-page blocks, and the passage splitter.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| cita_fuzz::ingest("fuzz.pdf", data));
