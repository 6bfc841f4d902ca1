//! Mailboxes (`.mbox`): the split into messages, each read as an `.eml`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| cita_fuzz::ingest("fuzz.mbox", data));
