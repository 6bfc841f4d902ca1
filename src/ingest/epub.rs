//! EPUB books: the package that `META-INF/container.xml` names, and its
//! chapters in spine order, each read with the HTML ingest
//! ([`html::read`]), whose headings start sections.
//! Title, author (the first `dc:creator` in the author's role, or in
//! none), date (`dc:date`: the publication's among several), publisher
//! and declared language come from the package's Dublin Core metadata.
//!
//! A chapter that is missing or unreadable is left out with a note (a
//! warning), one that is encrypted (DRM: listed in
//! `META-INF/encryption.xml`) silently; a book left with no chapter is
//! refused. A chapter the spine lists twice is read once. As on a web page, what the HTML ingest drops (`nav`, `header`,
//! `footer`, `aside`: an EPUB 3 footnote in an `aside` among them) is not read.

use std::collections::{HashMap, HashSet};

use super::dates::parse_metadata_date;
use super::decode::decode_html;
use super::xml::{FirstTexts, Node, Ns, Xml, malformed, read_part};
use super::{Block, Metadata, Refusal, SkipReason, Zip, forget_offsets, html};
use crate::date::Date;

/// The part that names the package.
const CONTAINER: &str = "META-INF/container.xml";

/// The part that lists encrypted entries.
const ENCRYPTION: &str = "META-INF/encryption.xml";

/// The metadata and blocks of an EPUB file with notes on the chapters left
/// out, or why it is skipped.
pub fn read(zip: &mut Zip) -> Result<(Metadata, Vec<Block>, Vec<String>), Refusal> {
    let Some(container) = read_part(zip, CONTAINER)? else {
        return Err(malformed(format!("not an EPUB (no {CONTAINER})")));
    };
    let Some(package_path) = package_path(&container)? else {
        return Err(malformed(format!(
            "{CONTAINER} names no package (no rootfile)"
        )));
    };
    let Some(package) = read_part(zip, &package_path)? else {
        return Err(malformed(format!(
            "the package {package_path} that {CONTAINER} names is missing"
        )));
    };
    let (meta, chapters) = read_package(&package, &package_path)?;
    let encrypted = match read_part(zip, ENCRYPTION)? {
        Some(listing) => encrypted_entries(&listing)?,
        None => HashSet::new(),
    };
    let mut blocks = Vec::new();
    let mut notes = Vec::new();
    let mut chapters_read = 0;
    let mut chapters_encrypted = 0;
    let mut seen = HashSet::new();
    for chapter in &chapters {
        if !seen.insert(chapter) {
            continue;
        }
        if encrypted.contains(chapter) {
            chapters_encrypted += 1;
            continue;
        }
        let bytes = match zip.read(chapter) {
            Ok(Some(bytes)) => bytes,
            // Past the limits, the whole book is refused.
            Err(refusal @ (SkipReason::TooLarge, _)) => return Err(refusal),
            Err((SkipReason::Encrypted, _)) => {
                chapters_encrypted += 1;
                continue;
            }
            Ok(None) => {
                notes.push(format!("chapter {chapter} is missing, left out"));
                continue;
            }
            Err((_, message)) => {
                notes.push(format!("chapter {message}, left out"));
                continue;
            }
        };
        let Ok(decoded) = decode_html(&bytes) else {
            notes.push(format!(
                "chapter {chapter} is in no encoding cita can decode, left out"
            ));
            continue;
        };
        // A chapter's own date, if any, is not the book's.
        let (_, mut chapter_blocks, _) = html::read(&decoded.text);
        forget_offsets(&mut chapter_blocks);
        blocks.append(&mut chapter_blocks);
        chapters_read += 1;
    }
    if chapters_read == 0 && chapters_encrypted > 0 {
        return Err((
            SkipReason::Encrypted,
            "its chapters are encrypted (DRM)".to_string(),
        ));
    }
    if chapters_read == 0 {
        return Err(malformed("no readable chapter in its spine"));
    }
    Ok((meta, blocks, notes))
}

/// The path of the package (the OPF file) that the container names first.
fn package_path(container: &[u8]) -> Result<Option<String>, Refusal> {
    let mut xml = Xml::open(container, CONTAINER, "container")?;
    while let Some(node) = xml.next()? {
        if let Node::Open(element) = node
            && element.local() == b"rootfile"
            && let Some(path) = element.attribute("full-path")
        {
            return Ok(Some(path));
        }
    }
    Ok(None)
}

/// The package's metadata, and the entries of its chapters in spine order.
fn read_package(bytes: &[u8], path: &str) -> Result<(Metadata, Vec<String>), Refusal> {
    let folder = path.rfind('/').map_or("", |slash| &path[..=slash]);
    let mut xml = Xml::open(bytes, path, "package")?;
    let mut fields = FirstTexts::new([
        (Ns::DublinCore, "title"),
        (Ns::DublinCore, "publisher"),
        (Ns::DublinCore, "language"),
    ]);
    // Every `dc:date` with its `opf:event`, every `dc:creator` with its
    // role, EPUB 3's roles by the id they refine; and the field being read,
    // with its text so far and the depth of the elements open inside it.
    let mut dates = Vec::new();
    let mut creators = Vec::new();
    let mut refined_roles = HashMap::new();
    let mut reading: Option<(Field, String, usize)> = None;
    // Manifest items by id: their href and media type.
    let mut manifest: HashMap<String, (String, Option<String>)> = HashMap::new();
    let mut spine = Vec::new();
    while let Some(node) = xml.next()? {
        fields.see(&node);
        let element = match (node, &mut reading) {
            (Node::Open(_), Some((_, _, depth))) => {
                *depth += 1;
                continue;
            }
            (Node::Open(element), None) => element,
            (Node::Text(text), Some((_, value, _))) => {
                value.push_str(&text);
                continue;
            }
            (Node::Close, Some((_, _, depth))) if *depth > 0 => {
                *depth -= 1;
                continue;
            }
            (Node::Close, Some(_)) => {
                match reading.take() {
                    Some((Field::Date { event }, value, _)) => dates.push((event, value)),
                    Some((Field::Creator { id, role }, name, _)) => {
                        creators.push(Creator { id, role, name });
                    }
                    Some((Field::Role { refines }, role, _)) => {
                        refined_roles
                            .entry(refines)
                            .or_insert_with(Vec::new)
                            .push(role);
                    }
                    None => {}
                }
                continue;
            }
            (Node::Text(_) | Node::Close, None) => continue,
        };
        let field = if element.is(Ns::DublinCore, "date") {
            Some(Field::Date {
                event: element.attribute("event"),
            })
        } else if element.is(Ns::DublinCore, "creator") {
            Some(Field::Creator {
                id: element.attribute("id"),
                role: element.attribute("role"),
            })
        } else if element.local() == b"meta"
            && element.attribute("property").as_deref() == Some("role")
        {
            element.attribute("refines").map(|refines| Field::Role {
                refines: refines.trim_start_matches('#').to_string(),
            })
        } else {
            None
        };
        if let Some(field) = field {
            reading = Some((field, String::new(), 0));
            continue;
        }
        match element.local() {
            b"item" => {
                if let (Some(id), Some(href)) = (element.attribute("id"), element.attribute("href"))
                {
                    manifest.insert(id, (href, element.attribute("media-type")));
                }
            }
            b"itemref" => spine.extend(element.attribute("idref")),
            _ => {}
        }
    }
    let chapters = spine
        .iter()
        .filter_map(|idref| manifest.get(idref))
        .filter(|(_, media_type)| media_type.as_deref().is_none_or(is_html))
        .map(|(href, _)| entry_name(folder, href))
        .collect();
    let [title, publication, language] = fields.into_values();
    let meta = Metadata {
        title,
        date: publication_date(&dates),
        author: author(&creators, &refined_roles),
        publication,
        language,
        ..Metadata::default()
    };
    Ok((meta, chapters))
}

/// A metadata element whose text is being read.
enum Field {
    /// A `dc:date`, with its `opf:event`.
    Date { event: Option<String> },
    /// A `dc:creator`, with its id and EPUB 2's `opf:role`.
    Creator {
        id: Option<String>,
        role: Option<String>,
    },
    /// EPUB 3's `<meta property="role" refines="#id">`: the role of the
    /// creator with that id.
    Role { refines: String },
}

/// A `dc:date`: its `opf:event`, if it names one, and its text.
type Dated = (Option<String>, String);

/// A `dc:creator`: its id, its EPUB 2 role, and the name.
struct Creator {
    id: Option<String>,
    role: Option<String>,
    name: String,
}

/// The book's author: the first creator in the author's role (MARC
/// relator `aut`, or `author` spelled out; among a creator's several
/// roles), else the first given no role. A translator, an illustrator or
/// an editor (`trl`, `ill`, `edt`) listed first is not the author a
/// citation names, so a book crediting only them has none.
fn author(creators: &[Creator], refined_roles: &HashMap<String, Vec<String>>) -> Option<String> {
    let roles = |creator: &Creator| -> Vec<String> {
        let refined = creator.id.as_ref().and_then(|id| refined_roles.get(id));
        (creator.role.iter())
            .chain(refined.into_iter().flatten())
            .map(|role| role.trim().to_lowercase())
            .filter(|role| !role.is_empty())
            .collect()
    };
    let named = || {
        creators
            .iter()
            .filter(|creator| !creator.name.trim().is_empty())
    };
    let writes = |role: &String| matches!(role.as_str(), "aut" | "author");
    named()
        .find(|creator| roles(creator).iter().any(writes))
        .or_else(|| named().find(|creator| roles(creator).is_empty()))
        .map(|creator| super::collapse_whitespace(&creator.name))
}

/// The book's publication date among its `dc:date`s: EPUB 2 lists one per
/// event (`publication`, `creation`, `modification`), and a re-saved book
/// names its modification first; the publication's, else one naming no
/// event, else the first not a modification's. Calibre's "unknown",
/// `0101-01-01`, is none.
fn publication_date(dates: &[Dated]) -> Option<Date> {
    let event = |dated: &Dated| dated.0.as_deref().map(str::to_ascii_lowercase);
    let chosen = (dates
        .iter()
        .find(|dated| event(dated).as_deref() == Some("publication")))
    .or_else(|| dates.iter().find(|dated| event(dated).is_none()))
    .or_else(|| {
        let modified = |dated: &&Dated| event(dated).as_deref() == Some("modification");
        dates.iter().find(|dated| !modified(dated))
    })?;
    parse_metadata_date(&chosen.1).filter(|date| date.year() > 101)
}

/// Whether a spine item's media type is one the HTML ingest reads (an
/// SVG page is not).
fn is_html(media_type: &str) -> bool {
    media_type.eq_ignore_ascii_case("application/xhtml+xml")
        || media_type.eq_ignore_ascii_case("text/html")
}

/// The entries that `META-INF/encryption.xml` lists as encrypted.
fn encrypted_entries(listing: &[u8]) -> Result<HashSet<String>, Refusal> {
    let mut xml = Xml::open(listing, ENCRYPTION, "encryption")?;
    let mut entries = HashSet::new();
    while let Some(node) = xml.next()? {
        if let Node::Open(element) = node
            && element.local() == b"CipherReference"
            && let Some(uri) = element.attribute("URI")
        {
            // Relative to the container's root, not to this file's folder.
            entries.insert(entry_name("", &uri));
        }
    }
    Ok(entries)
}

/// The ZIP entry that `href` names from `folder` (empty, or ending in
/// `/`): percent-decoded, without its fragment, `.` and `..` resolved.
fn entry_name(folder: &str, href: &str) -> String {
    let href = href.split('#').next().unwrap_or_default();
    let href = percent_decoded(href);
    let mut segments: Vec<&str> = if href.starts_with('/') {
        Vec::new()
    } else {
        folder
            .split('/')
            .filter(|segment| !segment.is_empty())
            .collect()
    };
    for segment in href.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            _ => segments.push(segment),
        }
    }
    segments.join("/")
}

/// `text` with each `%` and two hex digits made the byte they stand for.
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let escaped = bytes
            .get(at + 1..at + 3)
            .filter(|hex| bytes[at] == b'%' && hex.iter().all(u8::is_ascii_hexdigit))
            .and_then(|hex| u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok());
        match escaped {
            Some(byte) => {
                decoded.push(byte);
                at += 3;
            }
            None => {
                decoded.push(bytes[at]);
                at += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::office::tests::read_with;

    const CONTAINER_XML: &str = r#"<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>"#;

    fn package(metadata: &str, manifest: &str, spine: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="id">urn:uuid:1</dc:identifier>{metadata}</metadata>
<manifest>{manifest}</manifest><spine>{spine}</spine></package>"#
        )
    }

    fn chapter(body: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="utf-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Book</title></head><body>{body}</body></html>"#
        )
    }

    fn epub(entries: &[(&str, &str)]) -> Result<(Metadata, Vec<String>), Refusal> {
        read_with(read, entries)
    }

    /// The metadata of a book of one chapter whose package holds `metadata`.
    fn book(metadata: &str) -> Metadata {
        let opf = package(
            metadata,
            r#"<item id="c1" href="one.xhtml" media-type="application/xhtml+xml"/>"#,
            r#"<itemref idref="c1"/>"#,
        );
        let one = chapter("<p>Text.</p>");
        let entries = [
            ("META-INF/container.xml", CONTAINER_XML),
            ("OEBPS/content.opf", &opf),
            ("OEBPS/one.xhtml", &one),
        ];
        epub(&entries).unwrap().0
    }

    #[test]
    fn a_chapter_listed_twice_is_read_once_and_a_missing_one_is_noted() {
        let opf = package(
            "<dc:title>Notas</dc:title>",
            concat!(
                r#"<item id="c1" href="one.xhtml" media-type="application/xhtml+xml"/>"#,
                r#"<item id="gone" href="missing.xhtml" media-type="application/xhtml+xml"/>"#,
            ),
            r#"<itemref idref="c1"/><itemref idref="gone"/><itemref idref="c1"/>"#,
        );
        let one = chapter("<p>Only once.</p>");
        let bytes = crate::ingest::office::tests::zipped(&[
            ("META-INF/container.xml", CONTAINER_XML),
            ("OEBPS/content.opf", &opf),
            ("OEBPS/one.xhtml", &one),
        ]);
        let unpacker = crate::ingest::Unpacker::new(crate::ingest::Limits::default());
        let (_, blocks, notes) = read(&mut Zip::open(&bytes, &unpacker).unwrap()).unwrap();
        assert_eq!(crate::ingest::block_texts(&blocks), ["Only once."]);
        assert_eq!(notes, ["chapter OEBPS/missing.xhtml is missing, left out"]);
    }

    #[test]
    fn chapters_are_read_in_spine_order_with_their_headings() {
        let opf = package(
            concat!(
                "<dc:title>Cien años de soledad</dc:title>",
                "<dc:creator>Gabriel García Márquez</dc:creator><dc:creator>An Illustrator</dc:creator>",
                "<dc:date>1967-05-30</dc:date><dc:language>es</dc:language>",
                r#"<meta property="dcterms:modified">2020-01-01T00:00:00Z</meta>"#,
            ),
            concat!(
                r#"<item id="c1" href="Text/chapter%20one.xhtml" media-type="application/xhtml+xml"/>"#,
                r#"<item id="c2" href="../OEBPS/Text/two.xhtml#start" media-type="application/xhtml+xml"/>"#,
                r#"<item id="gone" href="Text/missing.xhtml" media-type="application/xhtml+xml"/>"#,
                r#"<item id="cover" href="Images/cover.svg" media-type="image/svg+xml"/>"#,
            ),
            concat!(
                r#"<itemref idref="c2"/><itemref idref="gone"/><itemref idref="cover"/>"#,
                r#"<itemref idref="unknown"/><itemref idref="c1" linear="yes"/>"#,
            ),
        );
        let one = chapter("<h1>One</h1><p>Second in the spine.</p>");
        let two = chapter("<p>Before any heading.</p><h2>Two</h2><p>First in the spine.</p>");
        let (meta, blocks) = epub(&[
            ("mimetype", "application/epub+zip"),
            ("META-INF/container.xml", CONTAINER_XML),
            ("OEBPS/Text/chapter one.xhtml", &one),
            ("OEBPS/content.opf", &opf),
            ("OEBPS/Text/two.xhtml", &two),
            ("OEBPS/Images/cover.svg", "<svg/>"),
        ])
        .unwrap();
        assert_eq!(
            blocks,
            [
                "Before any heading.",
                "# Two",
                "First in the spine.",
                "# One",
                "Second in the spine."
            ]
        );
        assert_eq!(meta.title.as_deref(), Some("Cien años de soledad"));
        assert_eq!(meta.author.as_deref(), Some("Gabriel García Márquez"));
        assert_eq!(meta.date.unwrap().to_string(), "1967-05-30");
        assert_eq!(meta.language.as_deref(), Some("es"));
    }

    #[test]
    fn the_publication_s_date_and_the_publisher_are_the_book_s() {
        let dated = |metadata: &str| book(metadata).date.map(|date| date.to_string());
        let opf = r#"xmlns:opf="http://www.idpf.org/2007/opf""#;
        // A re-saved EPUB 2 names its modification first.
        let events = format!(
            r#"<dc:date {opf} opf:event="modification">2015-06-01</dc:date><dc:date {opf} opf:event="publication">1999-03-02</dc:date>"#
        );
        assert_eq!(dated(&events).as_deref(), Some("1999-03-02"));
        let unnamed = format!(
            r#"<dc:date {opf} opf:event="modification">2015-06-01</dc:date><dc:date>2001-02-03</dc:date>"#
        );
        assert_eq!(dated(&unnamed).as_deref(), Some("2001-02-03"));
        let created = format!(
            r#"<dc:date {opf} opf:event="modification">2015-06-01</dc:date><dc:date {opf} opf:event="creation">2003-04-05</dc:date>"#
        );
        assert_eq!(dated(&created).as_deref(), Some("2003-04-05"));
        let modified = format!(r#"<dc:date {opf} opf:event="modification">2015-06-01</dc:date>"#);
        assert_eq!(dated(&modified), None);
        // Calibre's "unknown".
        assert_eq!(dated("<dc:date>0101-01-01T00:00:00+00:00</dc:date>"), None);
        // Markup inside the date is read through.
        assert_eq!(
            dated("<dc:date><span/>1999-03-02</dc:date>").as_deref(),
            Some("1999-03-02")
        );
        let meta = book("<dc:publisher>Editorial Sudamericana</dc:publisher>");
        assert_eq!(meta.publication.as_deref(), Some("Editorial Sudamericana"));
    }

    #[test]
    fn the_author_is_the_creator_in_the_author_s_role() {
        let author = |metadata: &str| book(metadata).author;
        let opf = r#"xmlns:opf="http://www.idpf.org/2007/opf""#;
        // EPUB 2: the role on the element.
        let epub2 = format!(
            r#"<dc:creator {opf} opf:role="trl">Gregory Rabassa</dc:creator><dc:creator {opf} opf:role="aut">Gabriel
  García Márquez</dc:creator>"#
        );
        assert_eq!(author(&epub2).as_deref(), Some("Gabriel García Márquez"));
        // EPUB 3: the role refines the creator's id.
        let epub3 = concat!(
            r#"<dc:creator id="t">Edith Grossman</dc:creator><dc:creator id="a">Gabriel García Márquez</dc:creator>"#,
            r##"<meta refines="#t" property="role" scheme="marc:relators">trl</meta>"##,
            r##"<meta refines="#a" property="role" scheme="marc:relators">aut</meta>"##,
        );
        assert_eq!(author(epub3).as_deref(), Some("Gabriel García Márquez"));
        // Without roles, the first; with only a translator's, none.
        let unroled = "<dc:creator>Ana</dc:creator><dc:creator>Beto</dc:creator>";
        assert_eq!(author(unroled).as_deref(), Some("Ana"));
        let translated =
            format!(r#"<dc:creator {opf} opf:role="trl">Gregory Rabassa</dc:creator>"#);
        assert_eq!(author(&translated), None);
        let illustrated = format!(
            r#"<dc:creator {opf} opf:role="ill">Luis</dc:creator><dc:creator>Ana</dc:creator>"#
        );
        // Several roles of one creator; a role spelled out.
        let roles = concat!(
            r#"<dc:creator id="a">Ana</dc:creator><dc:creator id="t">Tomás</dc:creator>"#,
            r##"<meta refines="#a" property="role">ill</meta><meta refines="#a" property="role">aut</meta>"##,
            r##"<meta refines="#t" property="role">trl</meta>"##,
        );
        assert_eq!(author(roles).as_deref(), Some("Ana"));
        let spelled = format!(r#"<dc:creator {opf} opf:role="Author">Ana</dc:creator>"#);
        assert_eq!(author(&spelled).as_deref(), Some("Ana"));
        assert_eq!(author(&illustrated).as_deref(), Some("Ana"));
    }

    #[test]
    fn a_book_without_a_readable_chapter_is_refused() {
        let opf = package(
            "<dc:title>T</dc:title>",
            r#"<item id="c1" href="c1.xhtml" media-type="application/xhtml+xml"/>"#,
            r#"<itemref idref="c1"/>"#,
        );
        let refusal = |entries: &[(&str, &str)]| epub(entries).unwrap_err();
        assert_eq!(
            refusal(&[
                ("META-INF/container.xml", CONTAINER_XML),
                ("OEBPS/content.opf", &opf)
            ]),
            (
                SkipReason::Malformed,
                "no readable chapter in its spine".to_string()
            )
        );
        let encryption = concat!(
            r#"<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" xmlns:enc="http://www.w3.org/2001/04/xmlenc#">"#,
            r#"<enc:EncryptedData><enc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/>"#,
            r#"<enc:CipherData><enc:CipherReference URI="OEBPS/c1.xhtml"/></enc:CipherData></enc:EncryptedData></encryption>"#,
        );
        assert_eq!(
            refusal(&[
                ("META-INF/container.xml", CONTAINER_XML),
                ("META-INF/encryption.xml", encryption),
                ("OEBPS/content.opf", &opf),
                ("OEBPS/c1.xhtml", "\u{7}\u{3}scrambled")
            ]),
            (
                SkipReason::Encrypted,
                "its chapters are encrypted (DRM)".to_string()
            )
        );
        assert_eq!(
            refusal(&[("OEBPS/content.opf", &opf)]).1,
            "not an EPUB (no META-INF/container.xml)"
        );
        assert_eq!(
            refusal(&[(
                "META-INF/container.xml",
                "<container><rootfiles/></container>"
            )])
            .1,
            "META-INF/container.xml names no package (no rootfile)"
        );
        assert_eq!(
            refusal(&[("META-INF/container.xml", CONTAINER_XML)]).1,
            "the package OEBPS/content.opf that META-INF/container.xml names is missing"
        );
    }

    #[test]
    fn hrefs_are_resolved_from_the_package_folder_and_percent_decoded() {
        assert_eq!(
            entry_name("OEBPS/", "../a%20b/./c%C3%A9.xhtml#x"),
            "a b/cé.xhtml"
        );
        assert_eq!(entry_name("OEBPS/", "/top.xhtml"), "top.xhtml");
        assert_eq!(entry_name("", "Text/c.xhtml"), "Text/c.xhtml");
        assert_eq!(percent_decoded("100%zz%4"), "100%zz%4");
    }
}
