//! A web page saved as MHTML (`.mht`): mail-parser's MIME parsing (under
//! `catch_unwind`), the choice of the page's HTML part, and the HTML reader.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| cita_fuzz::ingest("fuzz.mht", data));
