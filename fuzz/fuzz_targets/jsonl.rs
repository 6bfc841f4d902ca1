//! JSON feeds: JSON Lines (`.jsonl`, a record per line) and, for an input
//! whose first non-blank byte is `[` or `{`, alternately a `.json` file (an
//! array of records or one record), chosen by the input's length so both
//! readers see every shape. Records go through the text reader and the
//! passage splitter.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let first = data.iter().find(|b| !b.is_ascii_whitespace());
    let name = if matches!(first, Some(b'[' | b'{')) && data.len().is_multiple_of(2) {
        "fuzz.json"
    } else {
        "fuzz.jsonl"
    };
    cita_fuzz::ingest(name, data);
});
