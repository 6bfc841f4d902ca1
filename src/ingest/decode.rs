//! Bytes to text: UTF-8 (with or without BOM, a few stray bytes read as
//! windows-1252), UTF-16 and UTF-32 with BOM, and legacy
//! encodings, taken from what the file declares (an HTML `<meta charset>`)
//! or else detected with chardetng (Firefox's detector), and decoded with
//! encoding_rs. Binary data is refused, never turned into garbage passages.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252, X_USER_DEFINED};

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

/// How many leading bytes are inspected for binary content: a file is
/// judged binary from this head alone, before the rest of it is read.
pub const SNIFF_BYTES: usize = 8192;

/// How many leading bytes of an HTML file are searched for its `<meta>`
/// charset (the HTML standard's prescan reads 1,024).
const HTML_PRESCAN_BYTES: usize = 1024;

/// Decodes a file's bytes.
pub fn decode(bytes: &[u8]) -> Result<Decoded, NotText> {
    decode_declared(bytes, None)
}

/// Decodes an HTML file's bytes, in the charset its `<meta>` declares when
/// the bytes are not UTF-8 (valid UTF-8 with non-ASCII text is UTF-8 whatever
/// a page says) and the declared charset decodes them cleanly.
pub fn decode_html(bytes: &[u8]) -> Result<Decoded, NotText> {
    decode_declared(bytes, declared_html_charset(bytes))
}

/// A file of mail (a message, a mailbox, a saved web page) with its
/// byte-order mark taken off, and as UTF-8 when the mark says UTF-16 or
/// UTF-32 (a message a Windows program saved as "Unicode"): MIME's
/// structure is ASCII, which a MIME parser reads in bytes, not in 16-bit
/// units. Bytes without a mark, or that do not decode as their mark says,
/// are left as they are (the parser then says what they are not).
pub(super) fn mail_bytes(bytes: &[u8]) -> Cow<'_, [u8]> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        return Cow::Borrowed(&bytes[3..]);
    }
    let unicode = utf32_order(bytes).is_some() || Encoding::for_bom(bytes).is_some();
    match decode(bytes) {
        Ok(decoded) if unicode => Cow::Owned(decoded.text.into_bytes()),
        _ => Cow::Borrowed(bytes),
    }
}

/// A name stored as bytes in no declared encoding (a tar entry's: a GNU
/// or ustar header holds the bytes the archiving system gave it): UTF-8
/// when it is, else windows-1252, the legacy encoding cita reads stray
/// bytes of UTF-8 text in too, and in which every byte is a character,
/// so no name loses one to U+FFFD (Latin-1's `ñ`, F1, is `ñ` in it).
pub(super) fn decode_name(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(name) => Cow::Borrowed(name),
        Err(_) => WINDOWS_1252.decode_without_bom_handling(bytes).0,
    }
}

/// Code page 850's characters for the bytes 0x80 to 0xFF: DOS's "Western
/// European", the OEM code page of Windows in Spain, Latin America, France,
/// Germany and Italy, in which its compressed folders write the names of a
/// ZIP's entries, although ZIP says code page 437.
const CP850_HIGH: &str = concat!(
    "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜø£Ø×ƒáíóúñÑªº¿®¬½¼¡«»",
    "░▒▓│┤ÁÂÀ©╣║╗╝¢¥┐└┴┬├─┼ãÃ╚╔╩╦╠═╬¤ðÐÊËÈıÍÎÏ┘┌█▄¦Ì▀",
    "ÓßÔÒõÕµþÞÚÛÙýÝ¯´\u{AD}±‗¾¶§÷¸°¨·¹³²■\u{A0}",
);

/// A ZIP entry's name that is not UTF-8, read in code page 850 rather than
/// the 437 ZIP says (`cp437`, as the zip crate read it), when a byte of it
/// beside an ASCII letter is a Latin letter in 850 and a box-drawing piece,
/// a Greek letter or a sign in 437 (`ÚLTIMO INFORME.txt`, not `ΘLTIMO
/// INFORME.txt`; but `Σ results.txt` and `100¥.txt` stay); their
/// lower-case accents and `ñ` are one byte in both.
pub(super) fn oem_zip_name(raw: &[u8], cp437: String) -> String {
    let cp850 = |byte: u8| match byte {
        0..=0x7f => char::from(byte),
        high => CP850_HIGH
            .chars()
            .nth(usize::from(high - 0x80))
            .expect("code page 850 has 128 high characters"),
    };
    let latin = |c: char| c.is_alphabetic() && ('\u{C0}'..='\u{24F}').contains(&c);
    let beside_letter = |at: usize| {
        let letter = |at: Option<usize>| {
            at.and_then(|at| raw.get(at))
                .is_some_and(u8::is_ascii_alphabetic)
        };
        letter(at.checked_sub(1)) || letter(Some(at + 1))
    };
    let in_850 = raw
        .iter()
        .zip(cp437.chars())
        .enumerate()
        .any(|(at, (&byte, in_437))| latin(cp850(byte)) && !latin(in_437) && beside_letter(at));
    if in_850 && cp437.chars().count() == raw.len() {
        raw.iter().map(|&byte| cp850(byte)).collect()
    } else {
        cp437
    }
}

/// The encoding an HTML file declares in its first kilobyte: the first
/// known label after a `charset` inside a `<meta` tag (`<meta charset="…">`
/// or the `http-equiv` form), as the HTML standard's prescan reads it: tags
/// inside comments and a tag cut off by the end of the kilobyte do not
/// count, UTF-16 labels mean UTF-8 (a page whose tags read as ASCII is not
/// UTF-16) and `x-user-defined` means windows-1252.
fn declared_html_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = bytes[..bytes.len().min(HTML_PRESCAN_BYTES)].to_ascii_lowercase();
    let mut rest = head.as_slice();
    loop {
        let meta = find(rest, b"<meta")?;
        if let Some(comment) = find(rest, b"<!--").filter(|&comment| comment < meta) {
            let inside = &rest[comment + b"<!--".len()..];
            rest = &inside[find(inside, b"-->")? + b"-->".len()..];
            continue;
        }
        let tag = &rest[meta..];
        let end = tag.iter().position(|&b| b == b'>')?;
        if let Some(encoding) = encoding_after(&tag[..end], b"charset") {
            return Some(encoding);
        }
        rest = &tag[end..];
    }
}

/// The first known encoding label after a `key` (`charset` in a tag's
/// text, `encoding` in an XML declaration), as the HTML standard reads it.
pub(super) fn encoding_after(mut attributes: &[u8], key: &[u8]) -> Option<&'static Encoding> {
    while let Some(at) = find(attributes, key) {
        attributes = &attributes[at + key.len()..];
        let label = attributes
            .iter()
            .skip_while(|b| b.is_ascii_whitespace() || **b == b'=')
            .skip_while(|b| matches!(b, b'"' | b'\''))
            .take_while(|b| !matches!(b, b'"' | b'\'' | b';' | b'/') && !b.is_ascii_whitespace())
            .copied()
            .collect::<Vec<u8>>();
        if let Some(encoding) = Encoding::for_label(&label) {
            return Some(if encoding == X_USER_DEFINED {
                WINDOWS_1252
            } else {
                encoding.output_encoding()
            });
        }
    }
    None
}

pub(super) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// Whether a file whose first bytes are `head` (its first [`SNIFF_BYTES`],
/// or all of it if shorter) is binary data, as [`decode`] judges it: no
/// byte-order mark, and NUL bytes or many control characters. Lets a reader
/// refuse a binary file without reading the rest of it.
pub fn is_binary_head(head: &[u8]) -> bool {
    Encoding::for_bom(head).is_none() && utf32_order(head).is_none() && looks_binary(head)
}

fn decode_declared(bytes: &[u8], declared: Option<&'static Encoding>) -> Result<Decoded, NotText> {
    // UTF-32's byte-order marks begin with UTF-16LE's: asked first.
    if let Some(decoded) = decode_utf32(bytes) {
        return decoded;
    }
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let decoded = decode_as(encoding, bytes, bom_len).or_else(|| {
            let mostly = || decode_mostly_utf8(&bytes[bom_len..], Utf8Said::Bom);
            let decoded = (encoding == UTF_8).then(mostly).flatten()?;
            Some(Decoded { bom_len, ..decoded })
        });
        return decoded.ok_or(NotText::Undecodable);
    }
    if is_binary_head(bytes) {
        return Err(NotText::Binary);
    }
    if let Some(decoded) = decode_as(UTF_8, bytes, 0) {
        return Ok(decoded);
    }
    let said = match declared == Some(UTF_8) {
        true => Utf8Said::Charset,
        false => Utf8Said::Nothing,
    };
    if let Some(decoded) = decode_mostly_utf8(bytes, said) {
        return Ok(decoded);
    }
    if let Some(decoded) = declared.and_then(|encoding| decode_as(encoding, bytes, 0)) {
        return Ok(decoded);
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let encoding = detector.guess(None, chardetng::Utf8Detection::Deny);
    if encoding == UTF_16LE || encoding == UTF_16BE {
        return Err(NotText::Binary);
    }
    decode_as(encoding, bytes, 0).ok_or(NotText::Undecodable)
}

/// `bytes` after a BOM of `bom_len` bytes in `encoding`, if they decode
/// without errors.
fn decode_as(encoding: &'static Encoding, bytes: &[u8], bom_len: usize) -> Option<Decoded> {
    let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
    (!had_errors).then(|| Decoded {
        text: text.into_owned(),
        encoding: encoding.name(),
        verbatim: encoding == UTF_8,
        bom_len,
    })
}

/// UTF-8 text with a few bytes that are not UTF-8, each read as
/// windows-1252: a curly quote or a dash pasted from a Windows program
/// into a UTF-8 file (`\x92`, `\x96`). Read whole as windows-1252, every
/// accented letter of such a file would be garbage ("BogotÃ¡").
///
/// The evidence is the file's valid non-ASCII characters that windows-1252
/// bytes do not make by chance. By chance, an accented capital and a
/// symbol make a character of U+0100 to U+07FF (`É’`, C9 92, reads as
/// `ɒ`); Latin-1's accents (`é` is C3 A9, `Ã©` in windows-1252) and
/// characters of three bytes or more do not come that way. UTF-8 when
/// there is some evidence and the file declares UTF-8 (`trusted`), or when
/// the evidence is at least as much as the stray bytes; a page saying
/// UTF-8 whose accents are all windows-1252 bytes has none, and is
/// detected. A UTF-8 BOM is evidence enough (Notepad writes one, and a
/// curly quote pasted from elsewhere as a windows-1252 byte) for stray
/// bytes that are at most a sixteenth of the text.
fn decode_mostly_utf8(bytes: &[u8], said: Utf8Said) -> Option<Decoded> {
    let by_design = |valid: &str| {
        valid
            .chars()
            .filter(|&c| !c.is_ascii() && !('\u{100}'..='\u{7ff}').contains(&c))
            .count()
    };
    let mut text = String::with_capacity(bytes.len() + bytes.len() / 8);
    let (mut rest, mut stray, mut non_ascii) = (bytes, 0, 0);
    loop {
        match std::str::from_utf8(rest) {
            Ok(valid) => {
                non_ascii += by_design(valid);
                text.push_str(valid);
                break;
            }
            Err(err) => {
                let (valid, after) = rest.split_at(err.valid_up_to());
                let valid = std::str::from_utf8(valid).expect("valid up to here");
                non_ascii += by_design(valid);
                text.push_str(valid);
                let invalid = err.error_len().unwrap_or(after.len());
                let (read, _) = WINDOWS_1252.decode_without_bom_handling(&after[..invalid]);
                text.push_str(&read);
                stray += invalid;
                rest = &after[invalid..];
            }
        }
    }
    let utf8 = match said {
        // A few stray bytes, not bytes that are mostly none of UTF-8's.
        Utf8Said::Bom => stray * 16 <= bytes.len(),
        Utf8Said::Charset => non_ascii > 0,
        Utf8Said::Nothing => non_ascii > 0 && non_ascii >= stray,
    };
    utf8.then_some(Decoded {
        text,
        encoding: "UTF-8",
        verbatim: false,
        bom_len: 0,
    })
}

/// What, besides its bytes, says a text is UTF-8.
#[derive(Clone, Copy)]
enum Utf8Said {
    Nothing,
    /// A declared charset (a page's `<meta charset>`, a mail's).
    Charset,
    /// A UTF-8 byte-order mark.
    Bom,
}

/// A UTF-32 byte order: its name and how a unit of it reads.
type Utf32Order = (&'static str, fn([u8; 4]) -> u32);

/// The byte order of UTF-32 whose byte-order mark begins `bytes`.
fn utf32_order(bytes: &[u8]) -> Option<Utf32Order> {
    match bytes.get(..4)? {
        [0xff, 0xfe, 0, 0] => Some(("UTF-32LE", u32::from_le_bytes)),
        [0, 0, 0xfe, 0xff] => Some(("UTF-32BE", u32::from_be_bytes)),
        _ => None,
    }
}

/// UTF-32 with a byte-order mark (encoding_rs reads no UTF-32); `None`
/// without one.
fn decode_utf32(bytes: &[u8]) -> Option<Result<Decoded, NotText>> {
    let (encoding, read) = utf32_order(bytes)?;
    let units = bytes[4..].chunks(4);
    let text: Option<String> = units
        .map(|unit| char::from_u32(read(unit.try_into().ok()?)))
        .collect();
    Some(text.ok_or(NotText::Undecodable).map(|text| Decoded {
        text,
        encoding,
        verbatim: false,
        bom_len: 4,
    }))
}

/// Whether `text`, decoded by someone else (a mail part its reader
/// decoded), is binary data rather than text, as [`decode`] judges bytes:
/// a NUL, or many control characters or replacement characters (bytes
/// that did not decode) in its first kilobytes.
pub fn is_binary_text(text: &str) -> bool {
    let mut chars = 0;
    let mut odd = 0;
    for c in text.chars().take(SNIFF_BYTES) {
        if c == '\0' {
            return true;
        }
        chars += 1;
        let control = c < ' ' && !matches!(c, '\n' | '\r' | '\t' | '\x0c');
        if control || c == char::REPLACEMENT_CHARACTER {
            odd += 1;
        }
    }
    odd * 10 > chars.max(1)
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
    fn a_bom_s_utf8_with_a_stray_windows_1252_byte_is_read() {
        for text in [
            &b"\xef\xbb\xbfIt couldn\x92t reach Bogot\xc3\xa1."[..],
            b"\xef\xbb\xbfIt couldn\x92t, said the mayor.",
        ] {
            let decoded = decode(text).unwrap();
            assert!(decoded.text.starts_with("It couldn’t"), "{}", decoded.text);
            assert_eq!((decoded.encoding, decoded.bom_len), ("UTF-8", 3));
        }
        // Not bytes that are mostly none of UTF-8's after a BOM.
        let mut noise = b"\xef\xbb\xbf".to_vec();
        noise.extend((0u32..3000).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8 | 0x80));
        assert!(decode(&noise).is_err());
    }

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
    fn utf32_with_a_bom_is_decoded_and_a_cut_unit_is_undecodable() {
        let mut le = vec![0xff, 0xfe, 0, 0];
        le.extend(
            "Cartagena, Nariño\n"
                .chars()
                .flat_map(|c| u32::from(c).to_le_bytes()),
        );
        let decoded = decode(&le).unwrap();
        assert_eq!(
            (decoded.text.as_str(), decoded.encoding),
            ("Cartagena, Nariño\n", "UTF-32LE")
        );
        let mut be = vec![0, 0, 0xfe, 0xff];
        be.extend("Bogotá".chars().flat_map(|c| u32::from(c).to_be_bytes()));
        assert_eq!(decode(&be).unwrap().text, "Bogotá");
        // Its NUL bytes are no sign of binary data (a file is judged from its head first).
        assert!(!is_binary_head(&be) && !is_binary_head(&le));
        be.pop();
        assert_eq!(decode(&be), Err(NotText::Undecodable));
    }

    #[test]
    fn a_name_is_utf8_when_it_is_else_windows_1252() {
        assert_eq!(decode_name("informe año.txt".as_bytes()), "informe año.txt");
        assert_eq!(decode_name(b"informe a\xf1o.txt"), "informe año.txt");
        assert_eq!(decode_name(b"\x93cita\x94 \x80.txt"), "“cita” €.txt");
    }

    #[test]
    fn a_few_stray_windows_1252_bytes_in_utf8_are_read_as_windows_1252() {
        // A dash and a curly apostrophe pasted into UTF-8 text.
        let mut bytes = "La revolución en Bogotá comenzó.".as_bytes().to_vec();
        bytes.push(0x96);
        bytes.extend_from_slice(" Según ellos".as_bytes());
        bytes.push(0x92);
        bytes.extend_from_slice(b"s");
        let decoded = decode(&bytes).unwrap();
        assert_eq!(
            decoded.text,
            "La revolución en Bogotá comenzó.– Según ellos’s"
        );
        assert_eq!((decoded.encoding, decoded.verbatim), ("UTF-8", false));
        // The same bytes in a page that declares UTF-8.
        assert_eq!(decode_html(&bytes).unwrap().text, decoded.text);
        // Few accents and as many stray bytes (a quoted word and a dash).
        let mut few = b"La reuni\xc3\xb3n en Bogot\xc3\xa1 \x96 aprob\xc3\xb3 el plan ".to_vec();
        few.extend_from_slice(b"\x93final\x94.");
        assert_eq!(
            decode(&few).unwrap().text,
            "La reunión en Bogotá – aprobó el plan “final”."
        );
        // Windows-1252 whose `É’` reads as UTF-8 by chance stays windows-1252,
        // and so does a page that declares it.
        let cp1252 = b"JOS\xc9\x92S caf\xe9 en Bogot\xe1.";
        assert_eq!(decode(cp1252).unwrap().text, "JOSÉ’S café en Bogotá.");
        let page = b"<meta charset=windows-1252><p>JOS\xc9\x92S caf\xe9</p>";
        assert!(decode_html(page).unwrap().text.contains("JOSÉ’S café"));
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
    fn mail_in_utf16_or_with_a_bom_is_given_to_the_parser_as_utf8() {
        let message = "From: Ana <a@example.org>\r\nSubject: Nariño\r\n\r\nBogotá\r\n";
        let mut le = vec![0xff, 0xfe];
        le.extend(message.encode_utf16().flat_map(u16::to_le_bytes));
        let mut be = vec![0xfe, 0xff];
        be.extend(message.encode_utf16().flat_map(u16::to_be_bytes));
        let mut utf32 = vec![0xff, 0xfe, 0, 0];
        utf32.extend(message.chars().flat_map(|c| (c as u32).to_le_bytes()));
        let with_utf8_bom = [b"\xEF\xBB\xBF".as_slice(), message.as_bytes()].concat();
        for bytes in [le, be, utf32, with_utf8_bom] {
            assert_eq!(mail_bytes(&bytes).as_ref(), message.as_bytes());
        }
        // Without a mark, or not decoding as it says: as they are.
        assert!(matches!(mail_bytes(message.as_bytes()), Cow::Borrowed(_)));
        let cut = [0xff, 0xfe, b'F', 0, b'r'];
        assert_eq!(mail_bytes(&cut).as_ref(), cut.as_slice());
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

    /// "Le billet coûte 5 € à Paris." in ISO-8859-15 (Latin-9), where the
    /// euro sign is byte A4: a detector guesses windows-1252, which reads
    /// that byte as "¤".
    const EURO_LATIN9: &[u8] = b"Le billet co\xfbte 5 \xa4 \xe0 Paris.";
    const EURO: &str = "Le billet coûte 5 € à Paris.";

    fn page(head: &str, body: &[u8]) -> Vec<u8> {
        let mut page = format!("<!DOCTYPE html><html><head>{head}<title>t</title></head><body><p>")
            .into_bytes();
        page.extend_from_slice(body);
        page.extend_from_slice(b"</p></body></html>");
        page
    }

    #[test]
    fn an_html_page_is_read_in_the_charset_it_declares() {
        for head in [
            r#"<meta charset="iso-8859-15">"#,
            "<META CHARSET=ISO8859-15>",
            r#"<meta http-equiv="Content-Type" content="text/html; charset='ISO-8859-15'">"#,
        ] {
            let decoded = decode_html(&page(head, EURO_LATIN9)).unwrap();
            assert!(decoded.text.contains(EURO), "{head}: {}", decoded.text);
            assert_eq!(decoded.encoding, "ISO-8859-15");
        }
        let guessed = decode(&page("", EURO_LATIN9)).unwrap();
        assert!(guessed.text.contains("5 ¤ à"), "{}", guessed.text);
    }

    #[test]
    fn utf8_bytes_and_undecodable_or_unknown_declarations_fall_back() {
        let utf8 = page(r#"<meta charset="iso-8859-15">"#, EURO.as_bytes());
        let decoded = decode_html(&utf8).unwrap();
        assert_eq!(decoded.encoding, "UTF-8");
        assert!(decoded.text.contains(EURO));
        let cp1252 = b"El alcalde de Nari\xf1o habl\xf3 del \x93conflicto\x94 armado.";
        for head in [
            r#"<meta charset="utf-8">"#,
            r#"<meta charset="no-such-charset">"#,
        ] {
            let decoded = decode_html(&page(head, cp1252)).unwrap();
            assert_eq!(decoded.encoding, "windows-1252", "{head}");
        }
        assert_eq!(
            declared_html_charset(br#"<meta charset="utf-16le">"#),
            Some(UTF_8)
        );
        assert_eq!(declared_html_charset(b"<p>charset=koi8-r</p>"), None);
        assert_eq!(
            declared_html_charset(br#"<meta content="charset=bogus"><meta charset=koi8-r>"#),
            Some(encoding_rs::KOI8_R)
        );
        assert_eq!(
            declared_html_charset(br#"<meta content="see charset docs" charset=koi8-r>"#),
            Some(encoding_rs::KOI8_R)
        );
        assert_eq!(
            declared_html_charset(b"<!-- <meta charset=koi8-r> --><meta charset=iso-8859-15>"),
            Some(encoding_rs::ISO_8859_15)
        );
        assert_eq!(
            declared_html_charset(b"<meta charset=x-user-defined>"),
            Some(WINDOWS_1252)
        );
        // Cut off at the end of the prescan, `iso-8859-1` of `iso-8859-15`
        // would be another label.
        let mut cut = vec![b' '; HTML_PRESCAN_BYTES - b"<meta charset=iso-8859-1".len()];
        cut.extend_from_slice(b"<meta charset=iso-8859-15>");
        assert_eq!(declared_html_charset(&cut), None);
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

    #[test]
    fn decoded_text_of_binary_data_is_told_from_text() {
        let bytes: Vec<u8> = (0..=255).collect();
        assert!(is_binary_text(&String::from_utf8_lossy(&bytes)));
        let undecoded =
            "Informe \u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}";
        assert!(is_binary_text(undecoded));
        let text = "Reunión en Bogotá.\r\n\tSe aprobó el informe;\x0c página 2 \u{fffd}.";
        assert!(!is_binary_text(text));
        assert!(!is_binary_text(""));
    }

    #[test]
    fn the_head_alone_decides_binary_as_decode_does() {
        let mut sparse = vec![0u8; SNIFF_BYTES];
        assert!(is_binary_head(&sparse));
        sparse.extend_from_slice(b"text after the head");
        assert_eq!(decode(&sparse), Err(NotText::Binary));
        let mut utf16 = vec![0xff, 0xfe];
        utf16.extend("Nariño".encode_utf16().flat_map(u16::to_le_bytes));
        assert!(!is_binary_head(&utf16), "NULs after a BOM are UTF-16 text");
        let mut late = "plain text ".repeat(1000).into_bytes();
        late.push(0);
        assert!(!is_binary_head(&late[..SNIFF_BYTES]));
        assert!(
            decode(&late).is_ok(),
            "a NUL past the head is not looked at"
        );
    }
}
