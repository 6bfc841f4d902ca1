//! A copy map file (`cita-copies.bin`, which passages have copies): read
//! whole or not at all. The input is the file's body; its checksum is
//! appended here, so that the fuzzer reaches what a whole file says, and
//! the input as it is must fail the checksum but never panic.
#![no_main]

use cita::copy_map::CopyMap;
use libfuzzer_sys::fuzz_target;

/// The segments a file may name: any id, up to 4096 passages, as many
/// deleted as it says; the first two are two segments of the searcher.
fn segment_of(id: &[u8], passages: u32, _deleted: u32) -> Option<usize> {
    (passages <= 4096).then_some(usize::from(id[0] & 1))
}

fuzz_target!(|body: &[u8]| {
    let _ = CopyMap::parse(body, 2, segment_of);
    let checksum = xxhash_rust::xxh3::xxh3_64(body);
    let file = [body, &checksum.to_le_bytes()].concat();
    if let Some(map) = CopyMap::parse(&file, 2, segment_of) {
        // Every passage's set is one the map counts.
        for segment in 0..2 {
            for doc in 0..4096 {
                if let Some(set) = map.segment(segment).set_of(doc) {
                    assert!(set < map.sets(), "set {set} of {}", map.sets());
                }
            }
        }
    }
});
