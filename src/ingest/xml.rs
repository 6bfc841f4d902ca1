//! The XML layer of the package formats (DOCX, ODT, EPUB): a part read
//! with quick-xml, node by node inside its root element, namespaces
//! resolved to the few [`Ns`] the readers look at, entities decoded. A
//! part that is not well-formed is refused, never read halfway. A part in
//! another encoding than UTF-8 (its declaration's `encoding="ISO-8859-1"`,
//! or UTF-16 with a byte-order mark) is decoded to UTF-8 first
//! ([`read_part`]): quick-xml reads UTF-8 only here.

use std::borrow::Cow;

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::{Decoder, NsReader};

use encoding_rs::{Encoding, UTF_8};

use super::{Refusal, SkipReason, Zip, collapse_whitespace, decode};

/// The XML part `name` of a package, in UTF-8 (see the module's doc).
pub(super) fn read_part(zip: &mut Zip, name: &str) -> Result<Option<Vec<u8>>, Refusal> {
    Ok(zip.read(name)?.map(in_utf8))
}

/// `bytes`, an XML part, in UTF-8: decoded from the encoding its
/// byte-order mark or declaration names when they are not UTF-8 already.
/// Bytes that are not UTF-8 and name no other encoding are left for the
/// parser to refuse.
fn in_utf8(bytes: Vec<u8>) -> Vec<u8> {
    if std::str::from_utf8(&bytes).is_ok() {
        return bytes;
    }
    let declared = Encoding::for_bom(&bytes)
        .map(|(encoding, _)| encoding)
        .or_else(|| declared_encoding(&bytes));
    match declared {
        Some(encoding) if encoding != UTF_8 => encoding.decode(&bytes).0.into_owned().into_bytes(),
        _ => bytes,
    }
}

/// The encoding an XML declaration (`<?xml version="1.0" encoding="…"?>`)
/// names.
fn declared_encoding(bytes: &[u8]) -> Option<&'static Encoding> {
    let declaration = bytes.strip_prefix(b"<?xml")?;
    decode::encoding_after(
        &declaration[..decode::find(declaration, b"?>")?],
        b"encoding",
    )
}

/// The namespaces whose elements the readers look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ns {
    /// WordprocessingML (transitional or strict).
    Word,
    /// Markup compatibility (`mc:AlternateContent`).
    Compatibility,
    OdfOffice,
    OdfText,
    OdfTable,
    OdfStyle,
    OdfMeta,
    OdfManifest,
    DublinCore,
    DcTerms,
    /// Any other, or none.
    Other,
}

impl Ns {
    /// The namespace a resolved element name is in. A prefix that was never
    /// declared is taken for its usual namespace: some writers leave the
    /// declaration out.
    fn of(resolved: &ResolveResult) -> Ns {
        match resolved {
            ResolveResult::Bound(namespace) => Ns::of_uri(namespace.into_inner()),
            ResolveResult::Unknown(prefix) => Ns::of_prefix(prefix),
            ResolveResult::Unbound => Ns::Other,
        }
    }

    fn of_uri(uri: &[u8]) -> Ns {
        match uri {
            b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"
            | b"http://purl.oclc.org/ooxml/wordprocessingml/main" => Ns::Word,
            b"http://schemas.openxmlformats.org/markup-compatibility/2006" => Ns::Compatibility,
            b"urn:oasis:names:tc:opendocument:xmlns:office:1.0" => Ns::OdfOffice,
            b"urn:oasis:names:tc:opendocument:xmlns:text:1.0" => Ns::OdfText,
            b"urn:oasis:names:tc:opendocument:xmlns:table:1.0" => Ns::OdfTable,
            b"urn:oasis:names:tc:opendocument:xmlns:style:1.0" => Ns::OdfStyle,
            b"urn:oasis:names:tc:opendocument:xmlns:meta:1.0" => Ns::OdfMeta,
            b"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" => Ns::OdfManifest,
            b"http://purl.org/dc/elements/1.1/" => Ns::DublinCore,
            b"http://purl.org/dc/terms/" => Ns::DcTerms,
            _ => Ns::Other,
        }
    }

    fn of_prefix(prefix: &[u8]) -> Ns {
        match prefix {
            b"w" => Ns::Word,
            b"mc" => Ns::Compatibility,
            b"office" => Ns::OdfOffice,
            b"text" => Ns::OdfText,
            b"table" => Ns::OdfTable,
            b"style" => Ns::OdfStyle,
            b"meta" => Ns::OdfMeta,
            b"manifest" => Ns::OdfManifest,
            b"dc" => Ns::DublinCore,
            b"dcterms" => Ns::DcTerms,
            _ => Ns::Other,
        }
    }
}

/// An XML part of a package, read node by node inside its root element.
pub(super) struct Xml<'a> {
    reader: NsReader<&'a [u8]>,
    part: &'a str,
    /// Elements open, the root included.
    depth: usize,
}

/// What comes next in an XML part.
pub(super) enum Node<'a> {
    /// An element opens; an empty element opens and closes.
    Open(Element<'a>),
    /// The innermost open element closes.
    Close,
    /// Character data, references resolved.
    Text(Cow<'a, str>),
}

/// An opening element.
pub(super) struct Element<'a> {
    pub(super) ns: Ns,
    start: BytesStart<'a>,
    decoder: Decoder,
}

impl Element<'_> {
    /// Its name without prefix.
    pub(super) fn local(&self) -> &[u8] {
        self.start.local_name().into_inner()
    }

    /// Whether it is `local` in namespace `ns`.
    pub(super) fn is(&self, ns: Ns, local: &str) -> bool {
        self.ns == ns && self.local() == local.as_bytes()
    }

    /// The value of its attribute named `local` (whatever its prefix).
    pub(super) fn attribute(&self, local: &str) -> Option<String> {
        self.start
            .attributes()
            .flatten()
            .find(|attribute| attribute.key.local_name().into_inner() == local.as_bytes())
            .and_then(|attribute| attribute.decode_and_unescape_value(self.decoder).ok())
            .map(Cow::into_owned)
    }
}

impl<'a> Xml<'a> {
    /// The XML part `part` in `bytes`, read up to its root element, which
    /// must be named `root` (without prefix).
    pub(super) fn open(bytes: &'a [u8], part: &'a str, root: &str) -> Result<Xml<'a>, Refusal> {
        let mut reader = NsReader::from_reader(bytes);
        reader.config_mut().expand_empty_elements = true;
        let mut xml = Xml {
            reader,
            part,
            depth: 0,
        };
        loop {
            match xml.next()? {
                Some(Node::Open(element)) if element.local() == root.as_bytes() => return Ok(xml),
                Some(Node::Open(element)) => {
                    let found = String::from_utf8_lossy(element.local()).into_owned();
                    return Err(malformed(format!(
                        "{part}: the root element is <{found}>, not <{root}>"
                    )));
                }
                Some(_) => {}
                None => return Err(malformed(format!("{part}: no XML element"))),
            }
        }
    }

    /// Reads past the rest of the element that [`Xml::next`] has just
    /// opened, all it holds, to its close: what a reader leaves out whole.
    pub(super) fn skip_element(&mut self) -> Result<(), Refusal> {
        let closed = self.depth - 1;
        while self.depth > closed && self.next()?.is_some() {}
        Ok(())
    }

    /// The next node inside the root element; `None` once the root closes.
    pub(super) fn next(&mut self) -> Result<Option<Node<'a>>, Refusal> {
        let part = self.part;
        let not_xml =
            |err: &dyn std::fmt::Display| malformed(format!("{part}: not well-formed XML ({err})"));
        loop {
            let decoder = self.reader.decoder();
            let (resolved, event) = self
                .reader
                .read_resolved_event()
                .map_err(|err| not_xml(&err))?;
            let ns = Ns::of(&resolved);
            let text = match event {
                Event::Start(start) => {
                    self.depth += 1;
                    // Word nests tens deep; thousands would only make the
                    // readers' per-element work quadratic.
                    if self.depth > MAX_NESTING {
                        return Err(malformed(format!(
                            "{part}: elements nested deeper than {MAX_NESTING}"
                        )));
                    }
                    return Ok(Some(Node::Open(Element { ns, start, decoder })));
                }
                Event::End(_) => {
                    self.depth = self.depth.saturating_sub(1);
                    return Ok((self.depth > 0).then_some(Node::Close));
                }
                Event::Eof if self.depth > 0 => {
                    return Err(malformed(format!("{part}: the XML breaks off")));
                }
                Event::Eof => return Ok(None),
                Event::Text(text) => text.xml10_content().map_err(|err| not_xml(&err))?,
                Event::CData(data) => data.decode().map_err(|err| not_xml(&err))?,
                Event::GeneralRef(reference) => {
                    match reference.resolve_char_ref().map_err(|err| not_xml(&err))? {
                        Some(character) => Cow::Owned(character.to_string()),
                        None => {
                            let name = reference.decode().map_err(|err| not_xml(&err))?;
                            // An entity a DTD declares is not expanded.
                            let Some(text) = resolve_predefined_entity(&name) else {
                                continue;
                            };
                            Cow::Borrowed(text)
                        }
                    }
                }
                _ => continue,
            };
            return Ok(Some(Node::Text(text)));
        }
    }
}

/// The text of the first element of each of some names.
pub(super) struct FirstTexts<'n, const N: usize> {
    names: [(Ns, &'n str); N],
    values: [Option<String>; N],
    /// The element being read: its name's index, its text so far, and the
    /// elements open inside it.
    reading: Option<(usize, String, usize)>,
}

impl<'n, const N: usize> FirstTexts<'n, N> {
    pub(super) fn new(names: [(Ns, &'n str); N]) -> Self {
        FirstTexts {
            names,
            values: std::array::from_fn(|_| None),
            reading: None,
        }
    }

    /// Takes in the next node of the part.
    pub(super) fn see(&mut self, node: &Node) {
        let Some((index, text, depth)) = &mut self.reading else {
            if let Node::Open(element) = node
                && let Some(index) = self
                    .names
                    .iter()
                    .position(|(ns, local)| element.is(*ns, local))
                && self.values[index].is_none()
            {
                self.reading = Some((index, String::new(), 0));
            }
            return;
        };
        match node {
            Node::Open(_) => *depth += 1,
            Node::Text(more) => text.push_str(more),
            Node::Close if *depth > 0 => *depth -= 1,
            Node::Close => {
                let text = collapse_whitespace(text);
                if !text.is_empty() {
                    self.values[*index] = Some(text);
                }
                self.reading = None;
            }
        }
    }

    /// Each name's text, whitespace collapsed; `None` where no element
    /// of the name had any.
    pub(super) fn into_values(self) -> [Option<String>; N] {
        self.values
    }
}

/// The text of the first element of each of `names` in the XML `part`
/// whose root is `root`, whitespace collapsed.
pub(super) fn first_texts<const N: usize>(
    bytes: &[u8],
    part: &str,
    root: &str,
    names: [(Ns, &str); N],
) -> Result<[Option<String>; N], Refusal> {
    let mut xml = Xml::open(bytes, part, root)?;
    let mut texts = FirstTexts::new(names);
    while let Some(node) = xml.next()? {
        texts.see(&node);
    }
    Ok(texts.into_values())
}

/// How deep the elements of a part may nest.
const MAX_NESTING: usize = 256;

/// A refusal for a damaged package or part.
pub(super) fn malformed(message: impl Into<String>) -> Refusal {
    (SkipReason::Malformed, message.into())
}
