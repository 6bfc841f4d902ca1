//! DOCX (`.docx`): the ZIP reader under cita's limits, quick-xml over the
//! document, its styles, numbering, footnotes and core properties, and the
//! passage splitter.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| cita_fuzz::ingest("fuzz.docx", data));
