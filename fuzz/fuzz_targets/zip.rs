//! ZIP bundles (`.zip`): entries read in memory under the limits against
//! bombs (size, ratio, entries, depth), each in its own format, recursively.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| cita_fuzz::ingest("fuzz.zip", data));
