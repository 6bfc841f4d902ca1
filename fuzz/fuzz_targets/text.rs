//! Plain text (`.txt`): decoding, front matter, heading detection
//! (`== Part ==`, underlined titles), paragraphs, date inference, and the
//! passage splitter.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| cita_fuzz::ingest("fuzz.txt", data));
