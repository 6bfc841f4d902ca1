//! EPUB (`.epub`): the ZIP reader under cita's limits, the container and
//! OPF package files, the spine, each chapter through the HTML ingest.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| cita_fuzz::ingest("fuzz.epub", data));
