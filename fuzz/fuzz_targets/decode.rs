//! Bytes to text: BOM sniffing, binary detection, UTF-8, the HTML
//! `<meta charset>` prescan, chardetng's guess and encoding_rs's decoding;
//! the decoded text then goes through the text reader and the passage
//! splitter, as `parse_file` would take it.
#![no_main]

use cita::ingest::{decode, text};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() > cita_fuzz::MAX_FILE_BYTES {
        return;
    }
    for decoded in [decode::decode(data), decode::decode_html(data)] {
        // Binary or undecodable bytes are a skipped file, not a failure.
        let Ok(decoded) = decoded else { continue };
        // Offsets are file offsets only for UTF-8, after the BOM.
        let offset = decoded.verbatim.then_some(decoded.bom_len);
        if decoded.verbatim && cita_fuzz::oracle() {
            assert_eq!(
                &data[decoded.bom_len..],
                decoded.text.as_bytes(),
                "UTF-8 text is said to be verbatim but differs from the file"
            );
        }
        let blocks = text::blocks(&decoded.text, offset);
        cita_fuzz::check_source_maps(&blocks, data);
        for passage in cita::passage::passages(&blocks) {
            cita_fuzz::check_passage(&passage, data);
        }
    }
});
