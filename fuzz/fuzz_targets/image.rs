//! Image files (PNG, JPEG, TIFF, WebP): the size an image declares, read
//! before anything decodes it, so that a decompression bomb is refused from
//! its header and never reaches Tesseract; and the grey pixels cita decodes
//! to turn a page, never more than its header declared nor than
//! `MAX_PIXELS`.
#![no_main]

use cita::ingest::ocr::{MAX_PIXELS, grey_pixels, image_dimensions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let declared = image_dimensions(data);
    if let Some(size) = declared {
        // Only the four formats' signatures declare a size.
        let signed = [&b"\x89PNG"[..], b"RIFF", b"\xff\xd8", b"II*\0", b"MM\0*"]
            .iter()
            .any(|magic| data.starts_with(magic));
        assert!(signed, "a size {size:?} read from unsigned bytes");
    }
    if let Some((width, height, pixels)) = grey_pixels(data) {
        // The first page is no larger than the header said (a TIFF's
        // largest page), so never past MAX_PIXELS.
        let (declared_width, declared_height) = declared.expect("decoded without a declared size");
        assert!(
            u64::from(width) <= declared_width && u64::from(height) <= declared_height,
            "{width}×{height} decoded, {declared_width}×{declared_height} declared"
        );
        assert!(u64::from(width) * u64::from(height) <= MAX_PIXELS);
        assert_eq!(pixels.len() as u64, u64::from(width) * u64::from(height));
    }
});
