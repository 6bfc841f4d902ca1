//! tar bundles (`.tar`, `.tar.gz`): gzip inflated under the ratio limit,
//! entries read in memory, each in its own format.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| cita_fuzz::ingest("fuzz.tar.gz", data));
