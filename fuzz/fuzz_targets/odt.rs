//! ODT (`.odt`): the ZIP reader under cita's limits, quick-xml over
//! `content.xml`, `styles.xml` (list styles) and `meta.xml`, and the passage
//! splitter.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| cita_fuzz::ingest("fuzz.odt", data));
