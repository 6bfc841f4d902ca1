//! HTML (`.html`): the `<meta charset>` prescan and decoding, scraper's
//! parse, the article extraction (chrome removed), metadata from meta tags,
//! and the passage splitter.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| cita_fuzz::ingest("fuzz.html", data));
