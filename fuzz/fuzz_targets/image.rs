//! Image headers (PNG, JPEG, TIFF, WebP): the size an image declares, read
//! before anything decodes it, so that a decompression bomb is refused from
//! its header and never reaches Tesseract.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(size) = cita::ingest::ocr::image_dimensions(data) {
        // Only the four formats' signatures declare a size.
        let signed = [&b"\x89PNG"[..], b"RIFF", b"\xff\xd8", b"II*\0", b"MM\0*"]
            .iter()
            .any(|magic| data.starts_with(magic));
        assert!(signed, "a size {size:?} read from unsigned bytes");
    }
});
