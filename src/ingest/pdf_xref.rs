//! A PDF's cross-reference table, rebuilt from its objects when it does not
//! point at them: a line inserted or lost on the way (a mailer, a text-mode
//! transfer, a hand edit) shifts every object after it, and lopdf reads
//! objects only where the table says they are. Poppler, pdf.js and pypdf
//! rebuild the table by finding each `N G obj` in the file; so does cita,
//! then hands lopdf the file with the rebuilt table appended.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::LazyLock;

use pdf_extract::Document;
use pdf_extract::xref::XrefEntry;
use regex::bytes::Regex;

/// `bytes` from the `%PDF-` header, where lopdf counts offsets from
/// (readers accept some junk before it).
fn from_header(bytes: &[u8]) -> &[u8] {
    &bytes[super::pdf::header_at(bytes).unwrap_or(0)..]
}

/// An object header, `12 0 obj`, after white space or at the start.
static OBJECT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?-u)(?:^|[\x00\t\n\x0c\r ])(\d{1,10})[\x00\t\n\x0c\r ]+(\d{1,5})[\x00\t\n\x0c\r ]+obj\b",
    )
    .expect("a valid pattern")
});

/// A reference in a trailer or cross-reference stream dictionary.
static REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u)/(Root|Info|Encrypt)[\x00\t\n\x0c\r ]*(\d{1,10})[\x00\t\n\x0c\r ]+(\d{1,5})[\x00\t\n\x0c\r ]+R")
        .expect("a valid pattern")
});

/// A document identifier array (two hex or literal strings, no brackets inside).
static IDENTIFIER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u)/ID[\x00\t\n\x0c\r ]*\[[^\[\]]*\]").expect("a valid pattern")
});

/// Whether every object the loaded `document`'s table places at an offset
/// of `bytes` begins there.
pub(super) fn points_at_objects(document: &Document, bytes: &[u8]) -> bool {
    let body = from_header(bytes);
    document
        .reference_table
        .entries
        .iter()
        .all(|(&id, entry)| match *entry {
            XrefEntry::Normal { offset, generation } => {
                object_at(body, offset as usize) == Some((id, generation))
            }
            _ => true,
        })
}

/// The number and generation of the object whose header starts at `at`
/// (white space before it allowed).
fn object_at(body: &[u8], at: usize) -> Option<(u32, u16)> {
    let rest = body.get(at..)?;
    let head = &rest[..rest.len().min(40)];
    let found = OBJECT.captures(head)?;
    // Only white space may come before the header.
    if !head[..found.get(1)?.start()]
        .iter()
        .all(|b| b.is_ascii_whitespace() || *b == 0)
    {
        return None;
    }
    Some((number(&found[1])?, number(&found[2])?))
}

fn number<T: std::str::FromStr>(digits: &[u8]) -> Option<T> {
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// `bytes` from its `%PDF-` header with a cross-reference table of every
/// object header found in it appended (the last of one number wins, as an
/// incremental update's does), and a trailer naming the last `/Root`,
/// `/Info`, `/Encrypt` and `/ID` the file gives. None when it holds no
/// object or names no root.
pub(super) fn with_rebuilt_table(bytes: &[u8]) -> Option<Vec<u8>> {
    let body = from_header(bytes);
    let objects = object_offsets(body);
    let mut references = BTreeMap::new();
    for found in REFERENCE.captures_iter(body) {
        references.insert(
            found[1].to_vec(),
            format!(
                "{} {} R",
                number::<u32>(&found[2])?,
                number::<u16>(&found[3])?
            ),
        );
    }
    let root = references.get(&b"Root"[..])?;
    let size = objects.keys().next_back()?.checked_add(1)?;
    let mut table = String::from("\nxref\n0 1\n0000000000 65535 f\r\n");
    for (id, (offset, generation)) in &objects {
        if *offset > 9_999_999_999 {
            return None;
        }
        let _ = write!(table, "{id} 1\n{offset:010} {generation:05} n\r\n");
    }
    let _ = write!(table, "trailer\n<< /Size {size} /Root {root}");
    for key in ["Info", "Encrypt"] {
        if let Some(reference) = references.get(key.as_bytes()) {
            let _ = write!(table, " /{key} {reference}");
        }
    }
    let mut rebuilt = body.to_vec();
    let xref_at = rebuilt.len() + 1;
    rebuilt.extend_from_slice(table.as_bytes());
    if let Some(identifier) = IDENTIFIER.find_iter(body).last() {
        rebuilt.push(b' ');
        rebuilt.extend_from_slice(identifier.as_bytes());
    }
    rebuilt.extend_from_slice(format!(" >>\nstartxref\n{xref_at}\n%%EOF\n").as_bytes());
    Some(rebuilt)
}

/// The offset and generation of each object header in `body`, stepping
/// over stream data (where bytes may happen to read as a header).
fn object_offsets(body: &[u8]) -> BTreeMap<u32, (usize, u16)> {
    static STREAM: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?-u)\bstream(?:\r\n|\n|\r)").expect("a valid pattern"));
    static END_STREAM: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?-u)endstream").expect("a valid pattern"));
    static NEXT_OBJECT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?-u)endobj[\x00\t\n\x0c\r ]+\d{1,10}[\x00\t\n\x0c\r ]+\d{1,5}[\x00\t\n\x0c\r ]+obj\b")
            .expect("a valid pattern")
    });
    let mut objects = BTreeMap::new();
    let mut at = 0;
    // The next `endstream` found, kept while it lies ahead: a file of many
    // streams and no `endstream` is searched to its end once, not once
    // per stream. Each other search stops before a bound that moves on.
    let mut next_end_stream: Option<Option<(usize, usize)>> = None;
    while let Some(found) = OBJECT.captures_at(body, at) {
        let whole = found.get(0).expect("the whole match");
        let header = found.get(1).expect("the number").start();
        at = whole.end();
        if let (Some(id), Some(generation)) = (number::<u32>(&found[1]), number::<u16>(&found[2])) {
            objects.insert(id, (header, generation));
        }
        // A stream starts before the next header: its data is skipped, to
        // its `endstream`, or (that word mangled) to the next object that
        // follows an `endobj`.
        let next = OBJECT
            .find_at(body, at)
            .map_or(body.len(), |next| next.start());
        if let Some(stream) = STREAM.find(&body[at..next]) {
            let data = at + stream.end();
            let end_stream = match next_end_stream {
                Some(Some((start, end))) if start >= data => Some((start, end)),
                Some(None) => None,
                _ => END_STREAM
                    .find_at(body, data)
                    .map(|found| (found.start(), found.end())),
            };
            next_end_stream = Some(end_stream);
            let end = end_stream.map_or(body.len(), |(_, end)| end);
            at = NEXT_OBJECT
                .find(&body[data..end])
                .map_or(end, |next| data + next.start() + "endobj".len());
        }
    }
    objects
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_in_stream_data_are_not_objects() {
        let body = b"%PDF-1.4\n1 0 obj\n<< /Length 20 >>\nstream\n\n9 0 obj fake\nendstream\nendobj\n2 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer << /Root 2 0 R >>";
        let objects = object_offsets(body);
        assert_eq!(objects.keys().copied().collect::<Vec<_>>(), [1, 2]);
        assert_eq!(object_at(body, objects[&2].0), Some((2, 0)));
        let rebuilt = with_rebuilt_table(body).unwrap();
        let tail = String::from_utf8_lossy(&rebuilt[body.len()..]).into_owned();
        assert!(tail.contains("/Size 3 /Root 2 0 R >>"), "{tail}");
    }

    #[test]
    fn a_stream_without_its_end_ends_at_the_next_object() {
        let body = b"%PDF-1.4\n1 0 obj\n<< >>\nstream\nBT ET\n/Kidsream\nendobj\n2 0 obj\n<< >>\nendobj\n3 0 obj\n<< >>\nstream\nx\nendstream\nendobj\n";
        assert_eq!(
            object_offsets(body).keys().copied().collect::<Vec<_>>(),
            [1, 2, 3]
        );
    }

    #[test]
    fn nothing_to_rebuild_without_objects_or_a_root() {
        assert!(with_rebuilt_table(b"%PDF-1.4\nnothing here").is_none());
        assert!(with_rebuilt_table(b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\n").is_none());
    }
}
