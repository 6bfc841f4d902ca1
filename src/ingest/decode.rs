//! Bytes to text: UTF-8 (with or without BOM), UTF-16 with BOM, and legacy
//! single-byte encodings detected with chardetng (Firefox's detector) and
//! decoded with encoding_rs. Binary data is refused, never turned into
//! garbage passages.

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

/// Decoded text and what it was decoded from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text, BOM removed.
    pub text: String,
    /// The encoding's name, e.g. `UTF-8`, `windows-1252`.
    pub encoding: &'static str,
    /// Whether byte offsets in `text` are byte offsets in the file (after
    /// `bom_len` bytes): true only for UTF-8.
    pub verbatim: bool,
    /// Length of the byte-order mark that was removed.
    pub bom_len: usize,
}

/// Why bytes are not text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotText {
    /// Looks like binary data.
    Binary,
    /// No encoding decodes it cleanly.
    Undecodable,
}

/// How many leading bytes are inspected for binary content.
const SNIFF_BYTES: usize = 8192;

/// Decodes a file's bytes.
pub fn decode(bytes: &[u8]) -> Result<Decoded, NotText> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            return Err(NotText::Undecodable);
        }
        return Ok(Decoded {
            text: text.into_owned(),
            encoding: encoding.name(),
            verbatim: encoding == UTF_8,
            bom_len,
        });
    }
    if looks_binary(bytes) {
        return Err(NotText::Binary);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(Decoded {
            text: text.to_string(),
            encoding: UTF_8.name(),
            verbatim: true,
            bom_len: 0,
        });
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let encoding = detector.guess(None, chardetng::Utf8Detection::Deny);
    if encoding == UTF_16LE || encoding == UTF_16BE {
        return Err(NotText::Binary);
    }
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(NotText::Undecodable);
    }
    Ok(Decoded {
        text: text.into_owned(),
        encoding: encoding.name(),
        verbatim: false,
        bom_len: 0,
    })
}

/// NUL bytes, or many control characters, in the first kilobytes: binary
/// data, as ripgrep and grep judge it.
fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
    if head.contains(&0) {
        return true;
    }
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
        .count();
    controls * 10 > head.len().max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        let plain = decode("Nariño".as_bytes()).unwrap();
        assert_eq!(
            (plain.text.as_str(), plain.verbatim, plain.bom_len),
            ("Nariño", true, 0)
        );
        let bom = decode("\u{feff}Nariño".as_bytes()).unwrap();
        assert_eq!(
            (bom.text.as_str(), bom.verbatim, bom.bom_len),
            ("Nariño", true, 3)
        );
    }

    #[test]
    fn utf16_with_a_bom_is_decoded() {
        let mut le = vec![0xff, 0xfe];
        le.extend("Nariño\n".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode(&le).unwrap().text, "Nariño\n");
        let mut be = vec![0xfe, 0xff];
        be.extend("Bogotá".encode_utf16().flat_map(u16::to_be_bytes));
        let decoded = decode(&be).unwrap();
        assert_eq!((decoded.text.as_str(), decoded.verbatim), ("Bogotá", false));
    }

    #[test]
    fn windows_1252_text_is_detected_and_decoded() {
        let bytes =
            b"El departamento de Nari\xf1o y la ciudad de Bogot\xe1 \x93citan\x94 la historia.\n";
        let decoded = decode(bytes).unwrap();
        assert_eq!(
            decoded.text,
            "El departamento de Nariño y la ciudad de Bogotá “citan” la historia.\n"
        );
        assert_eq!(decoded.encoding, "windows-1252");
        assert!(!decoded.verbatim);
    }

    #[test]
    fn binary_data_is_refused() {
        assert_eq!(decode(b"PK\x03\x04\x00\x00binary"), Err(NotText::Binary));
        assert_eq!(
            decode(&[0x01, 0x02, 0x03, 0x04, 0x05, b'a']),
            Err(NotText::Binary)
        );
        assert!(decode(b"").is_ok(), "an empty file is empty text");
    }
}
