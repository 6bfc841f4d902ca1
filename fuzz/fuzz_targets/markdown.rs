//! Markdown (`.md`) with YAML-ish front matter (`---` … `---`): the front
//! matter splitter, pulldown-cmark blocks and their source offsets, dates,
//! and the passage splitter.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| cita_fuzz::ingest("fuzz.md", data));
