//! E-mail (`.eml`): mail-parser's MIME parsing (RFC 2047 headers,
//! transfer encodings, charsets), the choice of one alternative, and every
//! attachment read as an entry in its own format.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| cita_fuzz::ingest("fuzz.eml", data));
