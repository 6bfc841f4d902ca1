//! A stored passage's bytes as the index's store keeps them: cita reads them
//! itself, every length checked, because tantivy's reader trusts a damaged
//! length and allocates for it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if cita::schema::read_stored(data).is_some() {
        // A document is read to its last byte and no further: no strict
        // prefix of it is one, and nor is it with a byte after.
        for len in 0..data.len() {
            assert!(
                cita::schema::read_stored(&data[..len]).is_none(),
                "a document and its first {len} bytes both read"
            );
        }
        assert!(cita::schema::read_stored(&[data, &[0]].concat()).is_none());
    }
});
