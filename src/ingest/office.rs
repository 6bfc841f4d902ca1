//! Word (DOCX) and OpenDocument text (ODT) files: ZIP packages of XML
//! parts, each entry read through [`Zip`] (so under cita's limits against
//! archive bombs) and parsed with quick-xml, namespaces resolved.
//!
//! Both are read alike. Paragraphs come in document order, a paragraph's
//! runs, spans, links, tabs and line breaks joined into one; a newline in
//! their text is white space like any other, and only a break element
//! starts a line. Headings
//! (Word's heading and title styles, whatever id a localized Word gives
//! them, and outline levels; ODF's `text:h` and title style) start
//! sections. A table gives one paragraph per row. A list item starts with
//! the number a reader sees: Word's from `word/numbering.xml` (formats and
//! templates, `2.1.`, `b)`, `Artículo IV.`; a style's numbering too),
//! ODF's from its list styles (`content.xml`, `styles.xml`).
//! List items (Word's
//! numbered paragraphs and list styles, ODF's `text:list`), table rows and
//! paragraphs in a code style (`SourceCode`, `HTMLPreformatted`,
//! `Preformatted Text`…) say what they are ([`ParagraphKind`]). What a
//! paragraph holds besides its own text (a text box, a footnote or
//! endnote) becomes passages of its own right after it. Title, author,
//! creation date and declared language come from `docProps/core.xml` or
//! `meta.xml`.
//!
//! Deleted text under change tracking, hidden text (`w:vanish`, on a run
//! or in its style),
//! comments, page headers and footers,
//! equations and generated tables of contents are not read. Every part
//! holding text must be well-formed XML: a damaged one refuses the file
//! ([`SkipReason::Malformed`]) rather than losing text silently. A damaged
//! part that holds no text (the metadata, Word's styles) is a note saying
//! what is left out, and the text is read. A DOCX's text is in
//! `word/document.xml`, or where its package's relationships say its main
//! document is (Word Online writes `word/document2.xml`).

use std::collections::{HashMap, HashSet};

use super::dates::parse_metadata_date;
use super::numbering::{Counters, Level, NumberStyle};
use super::xml::{Element, Node, Ns, Xml, first_texts, malformed, read_part};
use super::{
    Block, Metadata, Paragraph, ParagraphKind, Refusal, SkipReason, SourceMap, Zip,
    collapse_whitespace,
};

/// The part of a DOCX that holds its text.
const DOCX_DOCUMENT: &str = "word/document.xml";

/// The part of an ODT that holds its text.
const ODT_CONTENT: &str = "content.xml";

/// The part of an ODT that holds its named styles.
const ODT_STYLES: &str = "styles.xml";

/// The ODT part that lists the others, and says which are encrypted.
const ODT_MANIFEST: &str = "META-INF/manifest.xml";

/// The metadata, blocks and notes (for warnings) of a DOCX file, or why it
/// is skipped.
pub fn read_docx(zip: &mut Zip) -> Result<(Metadata, Vec<Block>, Vec<String>), Refusal> {
    let part = main_document_part(zip)?;
    let Some(document) = read_part(zip, &part)? else {
        return Err(malformed(format!("not a DOCX (no {DOCX_DOCUMENT})")));
    };
    let mut said = Vec::new();
    let styles = optional_part(
        zip,
        "word/styles.xml",
        word_styles,
        "headings are told by outline level only, and styles number no paragraph",
        &mut said,
    );
    let numbering = optional_part(
        zip,
        "word/numbering.xml",
        word_numbering,
        "list items are read without their numbers",
        &mut said,
    );
    let note_settings = optional_part(
        zip,
        "word/settings.xml",
        word_note_settings,
        "notes are numbered as Word numbers them by default",
        &mut said,
    );
    // The sections' note properties are read, a second pass over the
    // document, only when they can matter: when a section sets some, or
    // the settings number notes again in each section.
    let by_section = note_settings
        .iter()
        .any(|kind| kind.restart.as_deref() == Some("eachSect"));
    let sections = if by_section || document.windows(6).any(|bytes| bytes == b"notePr") {
        word_note_properties(Xml::open(&document, &part, "document")?, true)?
    } else {
        SectionNotes::default()
    };
    let note_marks = NoteMarks::new(&note_settings, &sections);
    let mut reading = WordReading {
        styles,
        numbering,
        note_marks,
        paragraph_style: None,
        paragraph_list: ListPlace::default(),
        paragraph_deleted: false,
    };
    let mut notes = Notes::new();
    for (part, root) in [
        ("word/footnotes.xml", "footnotes"),
        ("word/endnotes.xml", "endnotes"),
    ] {
        if let Some(bytes) = read_part(zip, part)? {
            read_word_part(&bytes, part, root, &mut reading, &mut notes)?;
        }
    }
    let blocks = read_word_part(&document, &part, "document", &mut reading, &mut notes)?;
    let meta = metadata_part(zip, "docProps/core.xml", core_properties, &mut said);
    Ok((meta, blocks, said))
}

/// The part holding a DOCX's text: [`DOCX_DOCUMENT`], or else the main
/// document `_rels/.rels` names (an `officeDocument` relationship).
fn main_document_part(zip: &mut Zip) -> Result<String, Refusal> {
    if zip.holds(DOCX_DOCUMENT) {
        return Ok(DOCX_DOCUMENT.to_string());
    }
    let Some(relationships) = read_part(zip, RELATIONSHIPS)? else {
        return Ok(DOCX_DOCUMENT.to_string());
    };
    let mut xml = Xml::open(&relationships, RELATIONSHIPS, "Relationships")?;
    while let Some(node) = xml.next()? {
        if let Node::Open(element) = node
            && element.local() == b"Relationship"
            && element
                .attribute("Type")
                .is_some_and(|kind| kind.ends_with("/officeDocument"))
            && let Some(target) = element.attribute("Target")
        {
            // The ZIP names a part with its escapes (as the package format
            // says, `my%20doc.xml`) or, written by other tools, without.
            let escaped = package_part(&target);
            let unescaped =
                package_part(&percent_encoding::percent_decode_str(&target).decode_utf8_lossy());
            return Ok(if zip.holds(&escaped) {
                escaped
            } else {
                unescaped
            });
        }
    }
    Ok(DOCX_DOCUMENT.to_string())
}

/// The part a relationship of the package (`_rels/.rels`, whose base is
/// the package's root) targets, as the ZIP names it: `.` and `..` steps
/// resolved (`/word/document2.xml`, `./word/document2.xml` and
/// `word/x/../document2.xml` are one part).
fn package_part(target: &str) -> String {
    let mut steps: Vec<&str> = Vec::new();
    for step in target.split(['/', '\\']) {
        match step {
            "" | "." => {}
            ".." => {
                steps.pop();
            }
            name => steps.push(name),
        }
    }
    steps.join("/")
}

/// The package's relationships, which name its main part.
const RELATIONSHIPS: &str = "_rels/.rels";

/// The metadata `read` finds in the part `part` ([`optional_part`]).
fn metadata_part(
    zip: &mut Zip,
    part: &str,
    read: fn(&[u8]) -> Result<Metadata, Refusal>,
    said: &mut Vec<String>,
) -> Metadata {
    let lost = "the title, author, date and language it gives are left out";
    optional_part(zip, part, read, lost, said)
}

/// What `read` makes of the part `part`, which holds no text: nothing
/// (the default) when there is no such part, or when it is damaged, which
/// `said` then notes with what is `lost`.
fn optional_part<T: Default>(
    zip: &mut Zip,
    part: &str,
    read: impl FnOnce(&[u8]) -> Result<T, Refusal>,
    lost: &str,
    said: &mut Vec<String>,
) -> T {
    match read_part(zip, part).and_then(|bytes| bytes.map(|bytes| read(&bytes)).transpose()) {
        Ok(found) => found.unwrap_or_default(),
        Err((_, message)) => {
            // The part's own messages name it; the zip's do too.
            said.push(format!("{message}: {lost}"));
            T::default()
        }
    }
}

/// The metadata, blocks and notes (for warnings) of an ODT file, or why
/// it is skipped.
pub fn read_odt(zip: &mut Zip) -> Result<(Metadata, Vec<Block>, Vec<String>), Refusal> {
    let mut said = Vec::new();
    // The manifest only tells whether the content is encrypted: a damaged
    // one does not hide the text (an encrypted content.xml would not
    // parse either), as a DOCX's damaged relations do not.
    let encrypted = read_part(zip, ODT_MANIFEST).and_then(|manifest| {
        manifest.map_or(Ok(false), |manifest| content_is_encrypted(&manifest))
    });
    match encrypted {
        Ok(true) => {
            return Err((
                SkipReason::Encrypted,
                "a password-protected ODT".to_string(),
            ));
        }
        Ok(false) => {}
        Err((_, problem)) => said.push(format!("{ODT_MANIFEST}: {problem}; read without it")),
    }
    let Some(content) = read_part(zip, ODT_CONTENT)? else {
        return Err(malformed(format!("not an ODT (no {ODT_CONTENT})")));
    };
    // Named list styles live in styles.xml, a list's own in content.xml.
    let mut list_styles = optional_part(
        zip,
        ODT_STYLES,
        |bytes| odf_list_styles(bytes, ODT_STYLES, "document-styles"),
        "list items are read without their numbers",
        &mut said,
    );
    list_styles.extend(odf_list_styles(&content, ODT_CONTENT, "document-content")?);
    let blocks = odt_blocks(&content, &list_styles)?;
    let meta = metadata_part(zip, "meta.xml", odt_metadata, &mut said);
    Ok((meta, blocks, said))
}

/// The first bytes of an OLE compound file.
const COMPOUND_FILE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Why an office file that is an OLE compound file rather than a ZIP is
/// refused, or `None` when it is not one. Office encrypts a password-protected
/// DOCX into a compound file (its package becomes the stream
/// `EncryptedPackage`); any other compound file is a legacy binary document
/// (`.doc`) under a new extension.
pub fn compound_file_refusal(bytes: &[u8]) -> Option<Refusal> {
    if !bytes.starts_with(COMPOUND_FILE_MAGIC) {
        return None;
    }
    // The compound file's directory spells stream names in UTF-16LE.
    let stream: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    Some(
        if bytes.windows(stream.len()).any(|window| window == stream) {
            (
                SkipReason::Encrypted,
                "a password-protected office file".to_string(),
            )
        } else {
            malformed("a legacy binary office file (.doc?), not a ZIP package")
        },
    )
}

// ---------------------------------------------------------------- DOCX --

/// Footnotes and endnotes read from their parts, by kind and id, until the
/// document's reference to them places them after its paragraph. A note
/// never referenced (its reference was deleted with tracked changes) is
/// never read.
type Notes = HashMap<(NoteKind, String), Vec<Block>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum NoteKind {
    Footnote,
    Endnote,
}

/// What an open WordprocessingML element is to the reader.
enum WordRole {
    /// A paragraph, with the style of the paragraph around it (a text
    /// box's paragraph sits inside another), given back when it closes.
    Paragraph {
        outer_style: Option<String>,
    },
    /// `w:pPr` of a paragraph, which holds its style, outline level and
    /// numbering.
    ParagraphProperties,
    /// `w:numPr` in a paragraph's properties: its list and level.
    Numbering,
    /// A run of text, which its properties may hide (`w:vanish`): hidden
    /// text is not what a reader of the page sees.
    Run {
        hidden: bool,
    },
    /// `w:rPr` of a run.
    RunProperties,
    /// `w:t` in a run: the only element whose content is text.
    Text,
    Row,
    Cell,
    /// A footnote or endnote of the notes parts.
    Note(NoteKind, String),
    /// `mc:AlternateContent`: the same content in several forms (a text
    /// box as a drawing and again as VML), of which only the first choice
    /// is read.
    Alternatives {
        chosen: bool,
    },
    /// `w:sdt`, a content control: left out when it is a table of
    /// contents, whose text repeats the headings.
    ContentControl {
        table_of_contents: bool,
    },
    Other,
}

/// The blocks of a WordprocessingML part whose root element is `root`: the
/// document, or the footnotes or endnotes, whose notes go into `notes`
/// instead. The document's note references take their notes from `notes`.
fn read_word_part(
    bytes: &[u8],
    part: &str,
    root: &str,
    reading: &mut WordReading,
    notes: &mut Notes,
) -> Result<Vec<Block>, Refusal> {
    let mut xml = Xml::open(bytes, part, root)?;
    let mut blocks = BlockBuilder::default();
    let mut roles: Vec<WordRole> = Vec::new();
    while let Some(node) = xml.next()? {
        match node {
            Node::Text(text) => {
                if matches!(roles.last(), Some(WordRole::Text)) {
                    blocks.text(&text);
                }
            }
            Node::Close => match roles.pop() {
                Some(WordRole::Paragraph { outer_style }) => {
                    reading.paragraph_style = outer_style;
                    blocks.close();
                }
                Some(WordRole::Row | WordRole::Cell) => blocks.close(),
                Some(WordRole::ParagraphProperties) => {
                    if let Some(marker) = reading.paragraph_marker() {
                        blocks.number(&marker);
                    }
                }
                Some(WordRole::Note(kind, id)) => {
                    notes.insert((kind, id), as_asides(blocks.take()));
                }
                _ => {}
            },
            Node::Open(element) => {
                match word_role(&element, &mut roles, &mut blocks, reading, notes) {
                    Some(role) => roles.push(role),
                    // Left out with all it holds.
                    None => xml.skip_element()?,
                }
            }
        }
    }
    Ok(blocks.into_blocks())
}

/// What the opening `element` is, within the open `roles`, acting at once
/// on what it says (a heading style, a tab, a note reference); `None` for
/// an element left out with all it holds.
fn word_role(
    element: &Element,
    roles: &mut [WordRole],
    blocks: &mut BlockBuilder,
    reading: &mut WordReading,
    notes: &mut Notes,
) -> Option<WordRole> {
    if element.ns == Ns::Compatibility {
        return match (element.local(), roles.last_mut()) {
            (b"AlternateContent", _) => Some(WordRole::Alternatives { chosen: false }),
            (b"Choice", Some(WordRole::Alternatives { chosen })) if !*chosen => {
                *chosen = true;
                Some(WordRole::Other)
            }
            (b"Choice", _) | (b"Fallback", Some(WordRole::Alternatives { chosen: true })) => None,
            _ => Some(WordRole::Other),
        };
    }
    if element.ns != Ns::Word {
        return Some(WordRole::Other);
    }
    let in_run = matches!(roles.last(), Some(WordRole::Run { hidden: false }));
    let in_properties = matches!(roles.last(), Some(WordRole::ParagraphProperties));
    let role = match element.local() {
        b"p" => {
            blocks.open_paragraph();
            WordRole::Paragraph {
                outer_style: reading.paragraph_style.take(),
            }
        }
        b"tr" => {
            blocks.open_row();
            WordRole::Row
        }
        b"tc" => {
            blocks.open_cell(1);
            WordRole::Cell
        }
        b"pPr" if matches!(roles.last(), Some(WordRole::Paragraph { .. })) => {
            reading.paragraph_list = ListPlace::default();
            reading.paragraph_deleted = false;
            WordRole::ParagraphProperties
        }
        b"pStyle" if in_properties => {
            let id = element.attribute("val").unwrap_or_default();
            reading.paragraph_style = Some(id.clone());
            if reading.styles.headings.contains(&id) || is_builtin_heading_id(&id) {
                blocks.mark_heading();
            } else if is_code_style(&id) {
                blocks.mark_kind(ParagraphKind::Code);
            } else if id.starts_with("List") {
                blocks.mark_kind(ParagraphKind::List);
            }
            WordRole::Other
        }
        b"numPr" if in_properties => {
            blocks.mark_kind(ParagraphKind::List);
            WordRole::Numbering
        }
        place @ (b"numId" | b"ilvl") if matches!(roles.last(), Some(WordRole::Numbering)) => {
            reading.paragraph_list.set(place, element);
            WordRole::Other
        }
        b"outlineLvl" if in_properties => {
            if is_heading_outline_level(element) {
                blocks.mark_heading();
            }
            WordRole::Other
        }
        b"r" => WordRole::Run {
            hidden: reading.paragraph_hidden(),
        },
        b"rPr" if matches!(roles.last(), Some(WordRole::Run { .. })) => WordRole::RunProperties,
        // A run's character style, then its own properties, override
        // what its paragraph's style says.
        b"rStyle" if matches!(roles.last(), Some(WordRole::RunProperties)) => {
            let style = element.attribute("val").unwrap_or_default();
            if let (Some(&styled), [.., WordRole::Run { hidden }, _]) =
                (reading.styles.hidden.get(&style), &mut *roles)
            {
                *hidden = styled;
            }
            WordRole::Other
        }
        b"vanish" | b"specVanish" if matches!(roles.last(), Some(WordRole::RunProperties)) => {
            if let [.., WordRole::Run { hidden }, _] = roles {
                *hidden = is_on(element);
            }
            WordRole::Other
        }
        b"t" if in_run => WordRole::Text,
        b"tab" | b"ptab" if in_run => {
            blocks.text(" ");
            WordRole::Other
        }
        b"br" | b"cr" if in_run => {
            blocks.line_break();
            WordRole::Other
        }
        b"noBreakHyphen" if in_run => {
            blocks.text("-");
            WordRole::Other
        }
        reference @ (b"footnoteReference" | b"endnoteReference") => {
            let kind = if reference == b"footnoteReference" {
                NoteKind::Footnote
            } else {
                NoteKind::Endnote
            };
            // A custom mark (`*`) is the run's own text, and takes no number.
            let custom_mark = element
                .attribute("customMarkFollows")
                .is_some_and(|on| !matches!(on.as_str(), "0" | "false" | "off"));
            let mark = (!custom_mark)
                .then(|| reading.note_marks.next(kind))
                .flatten();
            if let Some(mut note) = element
                .attribute("id")
                .and_then(|id| notes.remove(&(kind, id)))
            {
                if let Some(mark) = mark {
                    mark_note(&mut note, &mark);
                }
                blocks.place_after(note);
            }
            WordRole::Other
        }
        note @ (b"footnote" | b"endnote") if roles.is_empty() => {
            // Separators and continuation notices are typed; notes are not
            // (or "normal").
            if element
                .attribute("type")
                .is_some_and(|kind| kind != "normal")
            {
                return None;
            }
            let kind = if note == b"footnote" {
                NoteKind::Footnote
            } else {
                NoteKind::Endnote
            };
            WordRole::Note(kind, element.attribute("id").unwrap_or_default())
        }
        // A paragraph whose mark is deleted under change tracking is
        // joined to the next one: it takes no number.
        b"del" | b"moveFrom"
            if matches!(roles, [.., WordRole::ParagraphProperties, WordRole::Other]) =>
        {
            reading.paragraph_deleted = true;
            return None;
        }
        // Deleted and moved-away text under change tracking, and a
        // paragraph's former properties.
        b"del" | b"moveFrom" | b"pPrChange" => return None,
        b"sdt" => WordRole::ContentControl {
            table_of_contents: false,
        },
        b"docPartGallery" => {
            // It describes the content control three levels up:
            // `w:sdt` › `w:sdtPr` › `w:docPartObj` › `w:docPartGallery`.
            let described = roles.len().checked_sub(3).and_then(|at| roles.get_mut(at));
            if element.attribute("val").as_deref() == Some("Table of Contents")
                && let Some(WordRole::ContentControl { table_of_contents }) = described
            {
                *table_of_contents = true;
            }
            WordRole::Other
        }
        b"sdtContent"
            if matches!(
                roles.last(),
                Some(WordRole::ContentControl {
                    table_of_contents: true
                })
            ) =>
        {
            return None;
        }
        _ => WordRole::Other,
    };
    Some(role)
}

/// Whether a style id is one of Word's built-in heading styles as an
/// English Word writes them (`Heading1`…`Heading9`, `Title`): a document
/// without `word/styles.xml` still has its headings.
fn is_builtin_heading_id(id: &str) -> bool {
    id == "Title"
        || id
            .strip_prefix("Heading")
            .is_some_and(|level| matches!(level.as_bytes(), [b'1'..=b'9']))
}

/// Whether a paragraph style (a Word style id, an ODF style name) is one
/// for code: pandoc's `SourceCode`, Word's `HTMLPreformatted` and
/// `PlainText`, ODF's `Preformatted_20_Text`, or another that names code.
fn is_code_style(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.contains("code") || name.contains("preformatted") || name == "plaintext"
}

/// Whether a style name is a built-in heading's: Word names them in
/// English ("heading 1", "Title") whatever the language of the style id.
fn is_heading_name(name: &str) -> bool {
    let name = name.to_lowercase();
    name == "title"
        || name
            .strip_prefix("heading ")
            .is_some_and(|level| matches!(level.as_bytes(), [b'1'..=b'9']))
}

/// Whether a `w:outlineLvl` makes a heading: levels 0–8 are headings
/// 1–9, level 9 is body text.
fn is_heading_outline_level(element: &Element) -> bool {
    element
        .attribute("val")
        .and_then(|level| level.parse::<u8>().ok())
        .is_some_and(|level| level < 9)
}

/// Whether a toggle property of Word (`w:vanish`, `w:isLgl`) is on: it
/// is when present, unless its value says off.
fn is_on(element: &Element) -> bool {
    !matches!(
        element.attribute("val").as_deref(),
        Some("0" | "false" | "off")
    )
}

/// How many `w:basedOn` links are followed to find whether a style is a
/// heading: real chains are a few long, and a loop must end.
const MAX_STYLE_CHAIN: usize = 16;

/// What `word/styles.xml` tells the reader of a document's paragraphs.
#[derive(Default)]
struct WordStyles {
    /// The paragraph styles that make headings.
    headings: HashSet<String>,
    /// The paragraph styles that number their paragraphs, and where.
    numbered: HashMap<String, ListPlace>,
    /// The paragraph and character styles whose text is hidden (`true`)
    /// or shown (`false`) by their run properties' `w:vanish`, their own
    /// or a base style's; a style that says nothing of it is absent.
    hidden: HashMap<String, bool>,
}

/// A paragraph's list (Word's `w:numId`) and level (`w:ilvl`), as far as
/// its properties or its style say them.
#[derive(Clone, Debug, Default)]
struct ListPlace {
    list: Option<String>,
    level: Option<usize>,
}

impl ListPlace {
    /// Takes `element` (a `w:numId` or `w:ilvl`, named `place`) into it.
    fn set(&mut self, place: &[u8], element: &Element) {
        let value = element.attribute("val");
        if place == b"numId" {
            self.list = value;
        } else {
            self.level = value.and_then(|level| level.trim().parse().ok());
        }
    }

    /// This place, with what it leaves unsaid taken from `fallback`.
    fn or(&self, fallback: &ListPlace) -> ListPlace {
        ListPlace {
            list: self.list.clone().or_else(|| fallback.list.clone()),
            level: self.level.or(fallback.level),
        }
    }
}

/// Word's numbering definitions (`word/numbering.xml`), and the numbers
/// given so far.
#[derive(Default)]
struct WordNumbering {
    /// Each list (`w:num`), by `w:numId`.
    lists: HashMap<String, WordList>,
    counters: Vec<Counters>,
}

/// A list of Word's numbering: its abstract numbering's levels, with the
/// starts it sets itself (`w:startOverride`), and which of
/// [`WordNumbering::counters`] it counts with. Lists sharing an abstract
/// numbering count on from each other, as Word shows them, unless one
/// starts a level again, which then counts on its own.
struct WordList {
    levels: Vec<Level>,
    counters: usize,
}

impl WordNumbering {
    /// The number of the next item of `list` at `level`.
    fn next(&mut self, list: &str, level: usize) -> Option<String> {
        let list = self.lists.get(list)?;
        self.counters[list.counters].next(&list.levels, level)
    }
}

/// A `w:num` as read: its abstract numbering and its restarts.
#[derive(Default)]
struct NumberingInstance {
    definition: String,
    restarts: Vec<(usize, i64)>,
}

/// What reading a DOCX's parts needs beside the part: its styles and
/// numbering, and the paragraph whose properties are being read.
struct WordReading {
    styles: WordStyles,
    numbering: WordNumbering,
    note_marks: NoteMarks,
    paragraph_style: Option<String>,
    paragraph_list: ListPlace,
    /// Whether the paragraph's mark is deleted under change tracking.
    paragraph_deleted: bool,
}

impl WordReading {
    /// Whether the paragraph's style hides its text.
    fn paragraph_hidden(&self) -> bool {
        self.paragraph_style
            .as_ref()
            .and_then(|style| self.styles.hidden.get(style))
            == Some(&true)
    }

    /// The number of the paragraph whose properties were just read, from
    /// its own numbering or its style's (`w:numId` 0 takes it away). A
    /// paragraph deleted under change tracking, or hidden by its style,
    /// takes none: Word counts only the paragraphs it shows.
    fn paragraph_marker(&mut self) -> Option<String> {
        if self.paragraph_deleted || self.paragraph_hidden() {
            return None;
        }
        let styled = self
            .paragraph_style
            .as_ref()
            .and_then(|style| self.styles.numbered.get(style))
            .cloned()
            .unwrap_or_default();
        let place = self.paragraph_list.or(&styled);
        let list = place.list.filter(|list| list != "0")?;
        self.numbering.next(&list, place.level.unwrap_or(0))
    }
}

/// How a document's footnotes and endnotes are marked: each kind numbered
/// in the order the text refers to them, in its format from its first
/// number (`w:footnotePr` and `w:endnotePr` of `word/settings.xml`, and of
/// the document's one section; Word's defaults are 1, 2, 3 and i, ii,
/// iii), so that a note's passage starts with the mark a reader cites it
/// by (`[12] Cfr. Sentencia T-025…`). A kind numbered again on each page,
/// or in each of several sections, or whose sections number it each their
/// own way, is not marked: a wrong mark would be cited.
struct NoteMarks {
    /// Per kind (footnotes, endnotes): the format (`None`: no mark), the
    /// first number, and how many numbered notes were referred to so far.
    kinds: [(Option<NumberStyle>, i64, i64); 2],
}

impl NoteMarks {
    /// The marks of a document with these note properties: its
    /// settings', then its sections'.
    fn new(settings: &[NoteProperties; 2], sections: &SectionNotes) -> NoteMarks {
        let defaults = [NumberStyle::Decimal, NumberStyle::LowerRoman];
        let kind = |at: usize| {
            let mut properties = settings[at].clone();
            if sections.differ[at] {
                properties.format = Some(None);
            } else {
                properties.override_with(&sections.first[at]);
            }
            let restarts = match properties.restart.as_deref() {
                None | Some("continuous") => false,
                Some("eachSect") => sections.count > 1,
                Some(_) => true,
            };
            let format = match restarts {
                true => None,
                false => properties.format.unwrap_or(Some(defaults[at])),
            };
            (format, properties.start.unwrap_or(1), 0)
        };
        NoteMarks {
            kinds: [kind(0), kind(1)],
        }
    }

    /// The mark of the next note of `kind` the text refers to.
    fn next(&mut self, kind: NoteKind) -> Option<String> {
        let (style, start, count) = &mut self.kinds[kind as usize];
        *count += 1;
        Some(style.as_ref()?.render(start.saturating_add(*count - 1)))
    }
}

/// What a `w:footnotePr` or `w:endnotePr` sets, each `None` where it says
/// nothing.
#[derive(Clone, Default, PartialEq)]
struct NoteProperties {
    /// `w:numFmt`: a format (`Some(None)`: one cita does not write).
    format: Option<Option<NumberStyle>>,
    /// `w:numStart`.
    start: Option<i64>,
    /// `w:numRestart`: `continuous`, `eachSect` or `eachPage`.
    restart: Option<String>,
}

impl NoteProperties {
    /// These, with what `other` sets in their place.
    fn override_with(&mut self, other: &NoteProperties) {
        self.format = other.format.or(self.format);
        self.start = other.start.or(self.start);
        self.restart = other.restart.clone().or(self.restart.take());
    }
}

/// Puts a note's mark at the start of its first paragraph, where the note
/// shows it: `[12] `.
fn mark_note(note: &mut [Block], mark: &str) {
    if let Some(Block::Paragraph(first)) = note.first_mut() {
        first.text.insert_str(0, &format!("[{mark}] "));
    }
}

/// The note properties of `word/settings.xml` (footnotes, endnotes).
fn word_note_settings(bytes: &[u8]) -> Result<[NoteProperties; 2], Refusal> {
    let xml = Xml::open(bytes, "word/settings.xml", "settings")?;
    Ok(word_note_properties(xml, false)?.first)
}

/// What the sections of a document (`w:sectPr`) say of its notes: how
/// many sections there are, the first's note properties (footnotes',
/// endnotes'), and whether another section's differ for each kind.
#[derive(Default)]
struct SectionNotes {
    count: usize,
    first: [NoteProperties; 2],
    differ: [bool; 2],
}

/// The note properties of the sections of a main document (`w:sectPr`),
/// or, when `by_section` is false, of the whole part as one.
fn word_note_properties(mut xml: Xml, by_section: bool) -> Result<SectionNotes, Refusal> {
    let mut found = SectionNotes::default();
    let mut current: [NoteProperties; 2] = Default::default();
    let finish = |found: &mut SectionNotes, current: [NoteProperties; 2]| {
        found.count += 1;
        if found.count == 1 {
            found.first = current;
        } else {
            for ((differ, first), properties) in
                found.differ.iter_mut().zip(&found.first).zip(&current)
            {
                *differ |= properties != first;
            }
        }
    };
    // The kind whose properties are open, and the depth inside them.
    let mut open: Option<(NoteKind, usize)> = None;
    // How deep inside a `w:sectPr` the reader is.
    let mut in_section = 0usize;
    while let Some(node) = xml.next()? {
        // A tracked change's former properties no longer hold.
        if let Node::Open(element) = &node
            && element.local() == b"sectPrChange"
        {
            xml.skip_element()?;
            continue;
        }
        match (node, &mut open) {
            (Node::Open(element), None) => {
                if in_section > 0 || element.local() == b"sectPr" {
                    in_section += 1;
                }
                if in_section > 0 || !by_section {
                    open = match element.local() {
                        b"footnotePr" => Some((NoteKind::Footnote, 0)),
                        b"endnotePr" => Some((NoteKind::Endnote, 0)),
                        _ => None,
                    };
                }
            }
            (Node::Open(element), Some((kind, depth))) => {
                *depth += 1;
                let properties = &mut current[*kind as usize];
                match (element.local(), element.attribute("val")) {
                    (b"numFmt", Some(format)) => {
                        properties.format = Some(word_number_style(&format))
                    }
                    (b"numStart", Some(first)) => properties.start = first.trim().parse().ok(),
                    (b"numRestart", Some(restart)) => properties.restart = Some(restart),
                    _ => {}
                }
            }
            (Node::Close, Some((_, depth))) if *depth > 0 => *depth -= 1,
            (Node::Close, Some(_)) => {
                open = None;
                in_section = in_section.saturating_sub(1);
            }
            (Node::Close, None) => {
                if in_section == 1 && by_section {
                    finish(&mut found, std::mem::take(&mut current));
                }
                in_section = in_section.saturating_sub(1);
            }
            (Node::Text(_), _) => {}
        }
    }
    if !by_section {
        finish(&mut found, current);
    }
    Ok(found)
}

/// The levels of Word's list numbers, with `w:numFmt`'s formats that write
/// no number (bullets, none) as `None` and the others cita does not write
/// (ordinal words, other scripts' numerals) in digits.
fn word_number_style(format: &str) -> Option<NumberStyle> {
    match format {
        "bullet" | "none" => None,
        "decimalZero" => Some(NumberStyle::DecimalZero),
        "lowerLetter" => Some(NumberStyle::LowerLetterRepeated),
        "upperLetter" => Some(NumberStyle::UpperLetterRepeated),
        "lowerRoman" => Some(NumberStyle::LowerRoman),
        "upperRoman" => Some(NumberStyle::UpperRoman),
        "chicago" => Some(NumberStyle::Symbols),
        _ => Some(NumberStyle::Decimal),
    }
}

/// The numbering definitions of `word/numbering.xml`. A level says what
/// the file leaves unsaid as ECMA-376 does: a decimal number starting at
/// 0, no marker text.
fn word_numbering(bytes: &[u8]) -> Result<WordNumbering, Refusal> {
    let mut xml = Xml::open(bytes, "word/numbering.xml", "numbering")?;
    let mut definitions: HashMap<String, Vec<Level>> = HashMap::new();
    let mut instances: Vec<(String, NumberingInstance)> = Vec::new();
    // A list defined through a numbering style (Word's "List Number"
    // styles, a template's legal numbering) has no levels of its own: its
    // `w:numStyleLink` names the style, whose definition holds them under
    // a `w:styleLink` of that name.
    let mut defined_by_style: HashMap<String, String> = HashMap::new();
    let mut through_style: HashMap<String, String> = HashMap::new();
    // The definition or list being read, and the level in it.
    let mut definition: Option<(String, Vec<Level>)> = None;
    let mut list: Option<(String, NumberingInstance)> = None;
    let mut level: Option<usize> = None;
    let mut depth = 0;
    while let Some(node) = xml.next()? {
        match node {
            Node::Open(element) => {
                depth += 1;
                if element.ns != Ns::Word {
                    continue;
                }
                let value = || element.attribute("val").unwrap_or_default();
                let index = |name| {
                    element
                        .attribute(name)
                        .and_then(|index| index.trim().parse::<usize>().ok())
                        .filter(|&index| index < MAX_LIST_LEVELS)
                };
                match (element.local(), depth) {
                    (b"abstractNum", 1) => {
                        definition = element
                            .attribute("abstractNumId")
                            .map(|id| (id, Vec::new()));
                    }
                    (b"num", 1) => {
                        list = element
                            .attribute("numId")
                            .map(|id| (id, NumberingInstance::default()));
                    }
                    (b"lvl", 2) => {
                        level = index("ilvl");
                        if let (Some(at), Some((_, levels))) = (level, &mut definition) {
                            while levels.len() <= at {
                                levels.push(Level::new(levels.len(), None, 0, String::new()));
                            }
                            levels[at].style = Some(NumberStyle::Decimal);
                        }
                    }
                    (b"lvlOverride", 2) => level = index("ilvl"),
                    (b"styleLink", 2) => {
                        if let Some((id, _)) = &definition {
                            defined_by_style.insert(value(), id.clone());
                        }
                    }
                    (b"numStyleLink", 2) => {
                        if let Some((id, _)) = &definition {
                            through_style.insert(id.clone(), value());
                        }
                    }
                    (b"abstractNumId", 2) => {
                        if let Some((_, list)) = &mut list {
                            list.definition = value();
                        }
                    }
                    (name, 3) => {
                        let defined = definition
                            .as_mut()
                            .zip(level)
                            .and_then(|((_, levels), at)| levels.get_mut(at));
                        match (name, defined) {
                            (b"start", Some(defined)) => {
                                defined.start = value().trim().parse().unwrap_or(0);
                            }
                            (b"numFmt", Some(defined)) => {
                                defined.style = word_number_style(&value());
                            }
                            (b"lvlText", Some(defined)) => defined.template = value(),
                            (b"isLgl", Some(defined)) => defined.in_digits = is_on(&element),
                            (b"lvlRestart", Some(defined)) => {
                                if let Ok(after) = value().trim().parse::<usize>() {
                                    defined.restart_below = after.min(defined.restart_below);
                                }
                            }
                            (b"startOverride", None) => {
                                if let (Some((_, list)), Some(at)) = (&mut list, level)
                                    && let Ok(start) = value().trim().parse()
                                {
                                    list.restarts.push((at, start));
                                }
                            }
                            _ => {}
                        }
                    }
                    _ => {}
                }
            }
            Node::Close => {
                match depth {
                    1 => {
                        if let Some((id, levels)) = definition.take() {
                            definitions.insert(id, levels);
                        }
                        instances.extend(list.take());
                    }
                    2 => level = None,
                    _ => {}
                }
                depth -= 1;
            }
            Node::Text(_) => {}
        }
    }
    let mut numbering = WordNumbering::default();
    let mut shared: HashMap<String, usize> = HashMap::new();
    for (id, mut instance) in instances {
        if let Some(definition) = through_style
            .get(&instance.definition)
            .and_then(|style| defined_by_style.get(style))
        {
            instance.definition.clone_from(definition);
        }
        let Some(levels) = definitions.get(&instance.definition) else {
            continue;
        };
        let mut levels = levels.clone();
        for &(at, start) in &instance.restarts {
            if let Some(restarted) = levels.get_mut(at) {
                restarted.start = start;
            }
        }
        let mut own_counters = || {
            numbering.counters.push(Counters::default());
            numbering.counters.len() - 1
        };
        let counters = if instance.restarts.is_empty() {
            *shared
                .entry(instance.definition)
                .or_insert_with(&mut own_counters)
        } else {
            own_counters()
        };
        numbering.lists.insert(id, WordList { levels, counters });
    }
    Ok(numbering)
}

/// Word's lists have levels 0–8; a larger `w:ilvl` is ignored.
const MAX_LIST_LEVELS: usize = 9;

/// The paragraph styles of `word/styles.xml`: those that make headings
/// (styles with an outline level, else with a heading's name, else based
/// on a heading style) and those that number their paragraphs (their own
/// `w:numPr` or their base style's).
fn word_styles(bytes: &[u8]) -> Result<WordStyles, Refusal> {
    /// What a paragraph style says itself about being a heading (`None`:
    /// it inherits), where it numbers its paragraphs, and the style it is
    /// based on.
    #[derive(Default)]
    struct Style {
        /// A paragraph style (else a character style, read only for
        /// whether it hides its text).
        paragraph: bool,
        heading: Option<bool>,
        list: ListPlace,
        hidden: Option<bool>,
        based_on: Option<String>,
    }
    let mut xml = Xml::open(bytes, "word/styles.xml", "styles")?;
    let mut styles: HashMap<String, Style> = HashMap::new();
    let mut reading: Option<(String, Style)> = None;
    // Elements open inside the root.
    let mut depth = 0;
    while let Some(node) = xml.next()? {
        match node {
            Node::Open(element) => {
                depth += 1;
                if depth == 1 {
                    let kind = element.attribute("type");
                    let paragraph = kind.as_deref().is_none_or(|kind| kind == "paragraph");
                    let read = element.is(Ns::Word, "style")
                        && (paragraph || kind.as_deref() == Some("character"));
                    reading = element.attribute("styleId").filter(|_| read).map(|id| {
                        let style = Style {
                            paragraph,
                            ..Style::default()
                        };
                        (id, style)
                    });
                } else if let Some((_, style)) = &mut reading
                    && element.ns == Ns::Word
                {
                    match (element.local(), depth) {
                        (b"name", 2)
                            if element
                                .attribute("val")
                                .is_some_and(|name| is_heading_name(&name)) =>
                        {
                            style.heading = style.heading.or(Some(true));
                        }
                        (b"basedOn", 2) => style.based_on = element.attribute("val"),
                        (b"outlineLvl", 3) => {
                            style.heading = Some(is_heading_outline_level(&element));
                        }
                        (place @ (b"numId" | b"ilvl"), 4) => style.list.set(place, &element),
                        // In the style's `w:rPr` (a `w:pPr`'s holds no `w:vanish`).
                        (b"vanish" | b"specVanish", 3) => style.hidden = Some(is_on(&element)),
                        _ => {}
                    }
                }
            }
            Node::Close => {
                if depth == 1
                    && let Some((id, style)) = reading.take()
                {
                    styles.insert(id, style);
                }
                depth -= 1;
            }
            Node::Text(_) => {}
        }
    }
    // A style and the styles it is based on, nearest first; the last id
    // may name a style the part does not define (a built-in one).
    /// A style and the styles it is based on, nearest first; the last may
    /// name a style the part does not define (a built-in one).
    fn chain<'a>(styles: &'a HashMap<String, Style>, id: &'a str) -> impl Iterator<Item = &'a str> {
        std::iter::successors(Some(id), |id| styles.get(*id)?.based_on.as_deref())
            .take(MAX_STYLE_CHAIN)
    }
    let is_heading = |id: &str| {
        chain(&styles, id)
            .find_map(|id| match styles.get(id) {
                Some(style) => style.heading,
                None => Some(is_builtin_heading_id(id)),
            })
            .unwrap_or(false)
    };
    let list_place = |id: &str| {
        let place = chain(&styles, id)
            .filter_map(|id| styles.get(id))
            .fold(ListPlace::default(), |place, style| place.or(&style.list));
        place.list.is_some().then_some(place)
    };
    let hidden = |id: &str| chain(&styles, id).find_map(|id| styles.get(id)?.hidden);
    let paragraph_styles = || styles.iter().filter(|(_, style)| style.paragraph);
    Ok(WordStyles {
        headings: paragraph_styles()
            .filter(|(id, _)| is_heading(id))
            .map(|(id, _)| id.clone())
            .collect(),
        numbered: paragraph_styles()
            .filter_map(|(id, _)| Some((id.clone(), list_place(id)?)))
            .collect(),
        hidden: styles
            .keys()
            .filter_map(|id| Some((id.clone(), hidden(id)?)))
            .collect(),
    })
}

/// Title, author, creation date and language from `docProps/core.xml`.
fn core_properties(bytes: &[u8]) -> Result<Metadata, Refusal> {
    let [title, author, created, language] = first_texts(
        bytes,
        "docProps/core.xml",
        "coreProperties",
        [
            (Ns::DublinCore, "title"),
            (Ns::DublinCore, "creator"),
            (Ns::DcTerms, "created"),
            (Ns::DublinCore, "language"),
        ],
    )?;
    Ok(Metadata {
        title,
        date: created.as_deref().and_then(parse_metadata_date),
        date_made: true,
        author,
        language,
        ..Metadata::default()
    })
}

// ----------------------------------------------------------------- ODT --

/// What an open element of an ODT's `content.xml` is to the reader.
enum OdfRole {
    Paragraph,
    /// `text:list`: the paragraphs inside are list items.
    List,
    Row,
    Cell,
    /// Another element of the text namespace (a span, a link, a field):
    /// its content is text of the paragraph it is in. Content of other
    /// namespaces inside a paragraph (an image's description, its binary
    /// data) is not.
    InText,
    /// `office:automatic-styles`, whose styles tell which paragraph styles
    /// are the title style under another name.
    AutomaticStyles,
    /// `text:note`: a footnote or endnote, its mark and its body.
    Note,
    /// `text:note-citation`: the mark a note shows (`1`, `iv`, `*`), which
    /// starts the note's first paragraph.
    NoteCitation,
    Other,
}

/// The levels of each list style (`text:list-style`) of an ODF part,
/// by name: a number style's format (`1`, `a`, `A`, `i`, `I`; none for an
/// empty one), start, prefix and suffix, and how many levels its number
/// shows (`text:display-levels`: `2.1.`); a bullet or image level shows
/// no number.
fn odf_list_styles(
    bytes: &[u8],
    part: &str,
    root: &str,
) -> Result<HashMap<String, Vec<Level>>, Refusal> {
    let mut xml = Xml::open(bytes, part, root)?;
    let mut styles = HashMap::new();
    let mut reading: Option<(String, Vec<Level>)> = None;
    let mut depth = 0usize;
    // The depth of the list style being read.
    let mut style_depth = 0usize;
    while let Some(node) = xml.next()? {
        match node {
            Node::Open(element) => {
                depth += 1;
                if element.is(Ns::OdfText, "list-style") {
                    reading = element.attribute("name").map(|name| (name, Vec::new()));
                    style_depth = depth;
                    continue;
                }
                let Some((_, levels)) = &mut reading else {
                    continue;
                };
                let level = element
                    .attribute("level")
                    .and_then(|level| level.trim().parse::<usize>().ok())
                    .filter(|level| (1..=MAX_ODF_LIST_LEVELS).contains(level));
                let (Some(level), true) = (level, depth == style_depth + 1) else {
                    continue;
                };
                while levels.len() < level {
                    levels.push(Level::new(levels.len(), None, 1, String::new()));
                }
                if element.is(Ns::OdfText, "list-level-style-number") {
                    // With letter sync, the letters after z are aa, bb…
                    let repeated = element.attribute("num-letter-sync").as_deref() == Some("true");
                    let style = match element.attribute("num-format").as_deref() {
                        Some("a") if repeated => Some(NumberStyle::LowerLetterRepeated),
                        Some("A") if repeated => Some(NumberStyle::UpperLetterRepeated),
                        Some("a") => Some(NumberStyle::LowerLetter),
                        Some("A") => Some(NumberStyle::UpperLetter),
                        Some("i") => Some(NumberStyle::LowerRoman),
                        Some("I") => Some(NumberStyle::UpperRoman),
                        Some("") | None => None,
                        Some(_) => Some(NumberStyle::Decimal),
                    };
                    let shown = element
                        .attribute("display-levels")
                        .and_then(|shown| shown.trim().parse::<usize>().ok())
                        .unwrap_or(1)
                        .clamp(1, level);
                    let numbers: Vec<String> = (level + 1 - shown..=level)
                        .map(|at| format!("%{at}"))
                        .collect();
                    levels[level - 1] = Level::new(
                        level - 1,
                        style,
                        element
                            .attribute("start-value")
                            .and_then(|start| start.trim().parse().ok())
                            .unwrap_or(1),
                        format!(
                            "{}{}{}",
                            element.attribute("num-prefix").unwrap_or_default(),
                            numbers.join("."),
                            element.attribute("num-suffix").unwrap_or_default()
                        ),
                    );
                }
            }
            Node::Close => {
                if depth == style_depth
                    && let Some((name, levels)) = reading.take()
                {
                    styles.insert(name, levels);
                }
                depth -= 1;
            }
            Node::Text(_) => {}
        }
    }
    Ok(styles)
}

/// ODF's lists have levels 1–10; `%1`…`%9` name the first nine.
const MAX_ODF_LIST_LEVELS: usize = 9;

/// A `text:list` open in an ODT's text: its style (its own, else its
/// outer list's) and the counters its items number with.
struct OdfList {
    style: Option<String>,
    counters: usize,
}

/// The blocks of an ODT's `content.xml`, list items numbered by
/// `list_styles`. A list counts from its style's start unless it says it
/// goes on from the list it names (`text:continue-list`) or from the list
/// before it of its style (`text:continue-numbering`); an item may set its
/// own number (`text:start-value`); a list header has none.
fn odt_blocks(
    bytes: &[u8],
    list_styles: &HashMap<String, Vec<Level>>,
) -> Result<Vec<Block>, Refusal> {
    let mut xml = Xml::open(bytes, ODT_CONTENT, "document-content")?;
    let mut blocks = BlockBuilder::default();
    let mut roles: Vec<OdfRole> = Vec::new();
    // How many of `roles` are lists.
    let mut lists = 0usize;
    let mut open_lists: Vec<OdfList> = Vec::new();
    let mut counters: Vec<Counters> = Vec::new();
    // The counters of the last outermost list of each style, and of each
    // outermost list by its id.
    let mut last_of_style: HashMap<String, usize> = HashMap::new();
    let mut list_ids: HashMap<String, usize> = HashMap::new();
    // An item opened whose first paragraph is not read yet: the number it
    // sets itself, if any.
    let mut item: Option<Option<i64>> = None;
    // Whether the paragraph being read starts with cita's number (an
    // exporter's own `text:number` then repeats it).
    let mut numbered = false;
    // Automatic styles (`P1`) by the style they derive from (`Title`).
    let mut parent_styles: HashMap<String, String> = HashMap::new();
    // The mark of the note being read, until its first paragraph takes it.
    let mut note_mark = String::new();
    while let Some(node) = xml.next()? {
        let element = match node {
            Node::Text(text) => {
                match roles.last() {
                    Some(OdfRole::Paragraph | OdfRole::InText) => blocks.text(&text),
                    Some(OdfRole::NoteCitation) => note_mark.push_str(&text),
                    _ => {}
                }
                continue;
            }
            Node::Close => {
                match roles.pop() {
                    Some(OdfRole::Paragraph | OdfRole::Row | OdfRole::Cell) => blocks.close(),
                    Some(OdfRole::List) => {
                        lists -= 1;
                        open_lists.pop();
                    }
                    // A note whose body has no paragraph leaves its mark to none.
                    Some(OdfRole::Note) => note_mark.clear(),
                    _ => {}
                }
                continue;
            }
            Node::Open(element) => element,
        };
        // Markup inside a note's mark is part of the mark.
        if let Some(OdfRole::NoteCitation) = roles.last() {
            roles.push(OdfRole::NoteCitation);
            continue;
        }
        let role = match (element.ns, element.local()) {
            (Ns::OdfText, b"p" | b"h") => {
                blocks.open_paragraph();
                numbered = false;
                let mark = std::mem::take(&mut note_mark);
                if !mark.trim().is_empty() {
                    blocks.number(&format!("[{}]", mark.trim()));
                }
                if let (Some(start), Some(list)) = (item.take(), open_lists.last()) {
                    let levels = list
                        .style
                        .as_ref()
                        .and_then(|style| list_styles.get(style))
                        .map_or(&[][..], Vec::as_slice);
                    let level = open_lists.len() - 1;
                    let counting = &mut counters[list.counters];
                    if let Some(start) = start {
                        counting.restart_at(level, start);
                    }
                    if let Some(marker) = counting.next(levels, level) {
                        blocks.number(&marker);
                        numbered = true;
                    }
                }
                let style = element.attribute("style-name").unwrap_or_default();
                let style = parent_styles.get(&style).unwrap_or(&style);
                if element.local() == b"h" || style == "Title" {
                    blocks.mark_heading();
                } else if is_code_style(style) {
                    blocks.mark_kind(ParagraphKind::Code);
                } else if lists > 0 {
                    blocks.mark_kind(ParagraphKind::List);
                }
                OdfRole::Paragraph
            }
            (Ns::OdfText, b"list") => {
                lists += 1;
                let style = element
                    .attribute("style-name")
                    .or_else(|| open_lists.last().and_then(|outer| outer.style.clone()));
                let counting = match open_lists.last() {
                    Some(outer) => outer.counters,
                    None => {
                        let named = element
                            .attribute("continue-list")
                            .and_then(|id| list_ids.get(&id).copied());
                        let continues =
                            element.attribute("continue-numbering").as_deref() == Some("true");
                        let last = style.as_ref().and_then(|style| last_of_style.get(style));
                        match (named, last) {
                            (Some(named), _) => named,
                            (None, Some(&last)) if continues => last,
                            _ => {
                                counters.push(Counters::default());
                                counters.len() - 1
                            }
                        }
                    }
                };
                if open_lists.is_empty() {
                    if let Some(style) = &style {
                        last_of_style.insert(style.clone(), counting);
                    }
                    // `xml:id`, which a later list may name to go on from.
                    if let Some(id) = element.attribute("id") {
                        list_ids.insert(id, counting);
                    }
                }
                open_lists.push(OdfList {
                    style,
                    counters: counting,
                });
                OdfRole::List
            }
            (Ns::OdfText, b"list-item") => {
                item = Some(
                    element
                        .attribute("start-value")
                        .and_then(|start| start.trim().parse().ok()),
                );
                OdfRole::InText
            }
            (Ns::OdfText, b"list-header") => {
                item = None;
                OdfRole::InText
            }
            // The number an exporter wrote, where cita wrote its own.
            (Ns::OdfText, b"number") if numbered => {
                xml.skip_element()?;
                continue;
            }
            (Ns::OdfTable, b"table-row") => {
                blocks.open_row();
                OdfRole::Row
            }
            (Ns::OdfTable, b"table-cell" | b"covered-table-cell") => {
                let repeated = element
                    .attribute("number-columns-repeated")
                    .and_then(|count| count.trim().parse::<usize>().ok());
                blocks.open_cell(repeated.unwrap_or(1).max(1));
                OdfRole::Cell
            }
            (Ns::OdfText, b"note") => OdfRole::Note,
            (Ns::OdfText, b"note-citation") => {
                note_mark.clear();
                OdfRole::NoteCitation
            }
            // Deleted text kept for change tracking, comments, and a
            // generated table of contents.
            (Ns::OdfText, b"tracked-changes" | b"table-of-content")
            | (Ns::OdfOffice, b"annotation") => {
                xml.skip_element()?;
                continue;
            }
            (Ns::OdfText, b"s" | b"tab") => {
                blocks.text(" ");
                OdfRole::InText
            }
            (Ns::OdfText, b"line-break") => {
                blocks.line_break();
                OdfRole::InText
            }
            (Ns::OdfText, _) => OdfRole::InText,
            (Ns::OdfOffice, b"automatic-styles") => OdfRole::AutomaticStyles,
            (Ns::OdfStyle, b"style") => {
                if let Some(OdfRole::AutomaticStyles) = roles.last()
                    && let (Some(name), Some(parent)) = (
                        element.attribute("name"),
                        element.attribute("parent-style-name"),
                    )
                {
                    parent_styles.insert(name, parent);
                }
                OdfRole::Other
            }
            _ => OdfRole::Other,
        };
        roles.push(role);
    }
    Ok(blocks.into_blocks())
}

/// Title, author, creation date and language from an ODT's `meta.xml`:
/// the author is `meta:initial-creator`, who made the document, else
/// `dc:creator`, which ODF defines as whoever saved it last (an archivist
/// who opened and re-saved it).
fn odt_metadata(bytes: &[u8]) -> Result<Metadata, Refusal> {
    let [title, creator, initial_creator, created, language] = first_texts(
        bytes,
        "meta.xml",
        "document-meta",
        [
            (Ns::DublinCore, "title"),
            (Ns::DublinCore, "creator"),
            (Ns::OdfMeta, "initial-creator"),
            (Ns::OdfMeta, "creation-date"),
            (Ns::DublinCore, "language"),
        ],
    )?;
    Ok(Metadata {
        title,
        date: created.as_deref().and_then(parse_metadata_date),
        date_made: true,
        author: initial_creator.or(creator),
        language,
        ..Metadata::default()
    })
}

/// Whether an ODT's manifest says its `content.xml` is encrypted (the
/// document has a password).
fn content_is_encrypted(manifest: &[u8]) -> Result<bool, Refusal> {
    let mut xml = Xml::open(manifest, ODT_MANIFEST, "manifest")?;
    let mut in_content_entry = false;
    // Elements open inside the root.
    let mut depth = 0;
    while let Some(node) = xml.next()? {
        match node {
            Node::Open(element) => {
                depth += 1;
                if depth == 1 {
                    in_content_entry = element.is(Ns::OdfManifest, "file-entry")
                        && element.attribute("full-path").as_deref() == Some(ODT_CONTENT);
                } else if in_content_entry && element.is(Ns::OdfManifest, "encryption-data") {
                    return Ok(true);
                }
            }
            Node::Close => depth -= 1,
            Node::Text(_) => {}
        }
    }
    Ok(false)
}

// -------------------------------------------------------------- blocks --

/// Blocks built from an office document's body as its elements open and
/// close: paragraphs, headings and table rows. What opens inside a
/// paragraph or row and is finished before it (a text box, a note, a
/// nested table's row) is placed right after it, or, for a lead-in and
/// the list items, rows or code it announces, after them: a note would cut
/// the lead-in from them.
#[derive(Default)]
struct BlockBuilder {
    blocks: Vec<Block>,
    open: Vec<Frame>,
    /// Whether the blocks last placed are a lead-in and what it announces.
    announcing: bool,
    /// What was placed after them, held until the run ends.
    held: Vec<Block>,
}

/// A paragraph, row or cell being built.
enum Frame {
    Paragraph {
        text: String,
        /// How much of `text` is the paragraph's list number.
        number: usize,
        heading: bool,
        kind: ParagraphKind,
        after: Vec<Block>,
    },
    Row {
        cells: Vec<String>,
        after: Vec<Block>,
    },
    /// A cell's text, and how many columns it stands for.
    Cell(String, usize),
}

/// The most columns a row is filled out to with an ODT cell repeated over
/// them (`table:number-columns-repeated`): a writer repeats an empty cell
/// for adjacent empty columns, which keep the columns after them in place,
/// and a spreadsheet pasted into a text fills a row out to a thousand
/// columns; past this many a row is no table anyone reads by column.
const MAX_ROW_COLUMNS: usize = 64;

impl BlockBuilder {
    fn open_paragraph(&mut self) {
        self.open.push(Frame::Paragraph {
            text: String::new(),
            number: 0,
            heading: false,
            kind: ParagraphKind::Prose,
            after: Vec::new(),
        });
    }

    fn open_row(&mut self) {
        self.open.push(Frame::Row {
            cells: Vec::new(),
            after: Vec::new(),
        });
    }

    fn open_cell(&mut self, columns: usize) {
        self.open.push(Frame::Cell(String::new(), columns));
    }

    /// Makes the innermost open paragraph a heading.
    fn mark_heading(&mut self) {
        if let Some(Frame::Paragraph { heading, .. }) = self.open.last_mut() {
            *heading = true;
        }
    }

    /// Says what the innermost open paragraph is.
    fn mark_kind(&mut self, what: ParagraphKind) {
        if let Some(Frame::Paragraph { kind, .. }) = self.open.last_mut() {
            *kind = what;
        }
    }

    /// Starts the innermost open paragraph with its list number, which
    /// alone makes no paragraph.
    fn number(&mut self, marker: &str) {
        if let Some(Frame::Paragraph { text, number, .. }) = self.open.last_mut() {
            text.push_str(marker);
            text.push(' ');
            *number = text.len();
        }
    }

    /// Adds the document's text (a run's, a span's) to the innermost open
    /// paragraph or cell; text anywhere else is not the document's. A
    /// newline in it is a space: in WordprocessingML and ODF alike it is
    /// whitespace like any other (a pretty-printed `content.xml` breaks
    /// its lines anywhere), and only a break element ends a line
    /// ([`BlockBuilder::line_break`]).
    fn text(&mut self, text: &str) {
        if let Some(buffer) = self.open_text() {
            buffer.extend(text.chars().map(|c| if c == '\n' { ' ' } else { c }));
        }
    }

    /// Ends a line of the innermost open paragraph (`w:br`, `w:cr`,
    /// `text:line-break`), which goes on on the next (a table's cell reads
    /// it as a space, as it reads all its white space).
    fn line_break(&mut self) {
        if let Some(buffer) = self.open_text() {
            buffer.push('\n');
        }
    }

    /// The text of the innermost open paragraph or cell, if one is.
    fn open_text(&mut self) -> Option<&mut String> {
        match self.open.last_mut() {
            Some(Frame::Paragraph { text, .. } | Frame::Cell(text, _)) => Some(text),
            _ => None,
        }
    }

    /// Closes the innermost open paragraph, row or cell. A paragraph in a
    /// cell becomes part of the cell's text; a heading nested in anything
    /// (a text box, a note) is a paragraph there, since it does not start
    /// a section of the document.
    fn close(&mut self) {
        match self.open.pop() {
            Some(Frame::Paragraph {
                mut text,
                number,
                heading,
                kind,
                after,
            }) => {
                if text[number..].trim().is_empty() {
                    text.clear();
                }
                if let Some(Frame::Cell(cell, _)) = self.open.last_mut() {
                    cell.push(' ');
                    cell.push_str(&text);
                    self.place_after(after);
                    return;
                }
                let block = if heading && self.open.is_empty() {
                    Some(collapse_whitespace(&text))
                        .filter(|heading| !heading.is_empty())
                        .map(Block::Heading)
                } else {
                    paragraph(collapse_lines(&text), kind)
                };
                self.place_with(block, after);
            }
            Some(Frame::Row { cells, after }) => {
                let cells: Vec<String> =
                    cells.iter().map(|cell| collapse_whitespace(cell)).collect();
                let row = paragraph(super::join_cells(&cells), ParagraphKind::Table);
                self.place_with(row, after);
            }
            Some(Frame::Cell(text, columns)) => match self.open.last_mut() {
                Some(Frame::Row { cells, .. }) => {
                    // Only an empty cell stands in each of its columns: text
                    // repeated over columns is read once (a small file
                    // repeating its cells' text would unpack to pages).
                    let room = MAX_ROW_COLUMNS.saturating_sub(cells.len());
                    let columns = match text.trim().is_empty() {
                        true => columns.min(room).max(1),
                        false => 1,
                    };
                    cells.extend(std::iter::repeat_n(text, columns));
                }
                _ => {
                    let cell = paragraph(collapse_whitespace(&text), ParagraphKind::Table);
                    self.place_after(cell.into_iter().collect());
                }
            },
            None => {}
        }
    }

    /// Puts a finished paragraph or row, if any, and what was placed after
    /// it: inside the paragraph or row it is in, else at the end of what
    /// is built, what follows a lead-in and what it announces held until
    /// their run ends (a paragraph of no text ends none: Word spaces items
    /// so). A ruling's numbered paragraphs, announced by nothing, keep
    /// their notes right after each.
    fn place_with(&mut self, block: Option<Block>, after: Vec<Block>) {
        if !self.open.is_empty() {
            return self.place_after(block.into_iter().chain(after).collect());
        }
        let continues = self.announcing && block.as_ref().is_none_or(Block::is_announced);
        if !continues {
            self.blocks.append(&mut self.held);
            self.announcing =
                matches!(&block, Some(Block::Paragraph(paragraph)) if paragraph.is_lead_in());
        }
        self.blocks.extend(block);
        match self.announcing {
            true => self.held.extend(after),
            false => self.blocks.extend(after),
        }
    }

    /// Puts finished blocks after the innermost open paragraph or row, or
    /// at the end of what is built when none is open.
    fn place_after(&mut self, blocks: Vec<Block>) {
        let after = self.open.iter_mut().rev().find_map(|frame| match frame {
            Frame::Paragraph { after, .. } | Frame::Row { after, .. } => Some(after),
            Frame::Cell(..) => None,
        });
        after.unwrap_or(&mut self.blocks).extend(blocks);
    }

    /// The blocks finished so far, leaving none.
    fn take(&mut self) -> Vec<Block> {
        self.blocks.append(&mut self.held);
        std::mem::take(&mut self.blocks)
    }

    fn into_blocks(mut self) -> Vec<Block> {
        self.take()
    }
}

/// A paragraph of `text` and `kind`, or none when it is empty.
fn paragraph(text: String, kind: ParagraphKind) -> Option<Block> {
    (!text.is_empty()).then_some(Block::Paragraph(Paragraph {
        text,
        source: SourceMap::None,
        page: None,
        ocr_confidence: None,
        kind,
        language: None,
    }))
}

/// Blocks to be placed inside a section (a note's): headings as paragraphs.
fn as_asides(blocks: Vec<Block>) -> Vec<Block> {
    blocks
        .into_iter()
        .filter_map(|block| match block {
            Block::Heading(text) => paragraph(text, ParagraphKind::Prose),
            paragraph => Some(paragraph),
        })
        .collect()
}

/// `text` with whitespace collapsed line by line and blank lines dropped:
/// a line break inside a paragraph ([`BlockBuilder::line_break`]) stays one.
fn collapse_lines(text: &str) -> String {
    let lines: Vec<String> = text
        .split('\n')
        .map(collapse_whitespace)
        .filter(|line| !line.is_empty())
        .collect();
    lines.join("\n")
}

#[cfg(test)]
pub(super) mod tests {

    use super::*;
    use crate::ingest::{Limits, Unpacker, block_texts};

    /// A ZIP of `entries`, each a name and its text.
    pub(in crate::ingest) fn zipped(entries: &[(&str, &str)]) -> Vec<u8> {
        let entries: Vec<(&str, &[u8])> = entries
            .iter()
            .map(|(name, text)| (*name, text.as_bytes()))
            .collect();
        crate::ingest::bundle::tests::zip(&entries)
    }

    /// A format's reader: [`read_docx`], [`read_odt`], `epub::read`.
    pub(in crate::ingest) type Reader =
        fn(&mut Zip) -> Result<(Metadata, Vec<Block>, Vec<String>), Refusal>;

    /// The metadata and blocks (as [`block_texts`]) that `read` finds in a
    /// ZIP of `entries`.
    pub(in crate::ingest) fn read_with(
        read: Reader,
        entries: &[(&str, &str)],
    ) -> Result<(Metadata, Vec<String>), Refusal> {
        read_blocks_with(read, entries).map(|(meta, blocks, _)| (meta, block_texts(&blocks)))
    }

    /// The metadata, blocks and notes that `read` finds in a ZIP of `entries`.
    fn read_blocks_with(
        read: Reader,
        entries: &[(&str, &str)],
    ) -> Result<(Metadata, Vec<Block>, Vec<String>), Refusal> {
        let bytes = zipped(entries);
        let unpacker = Unpacker::new(Limits::default());
        let mut zip = Zip::open(&bytes, &unpacker)?;
        read(&mut zip)
    }

    const WORD_NAMESPACES: &str = concat!(
        r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" "#,
        r#"xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" "#,
        r#"xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" "#,
        r#"xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" "#,
        r#"xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" "#,
        r#"xmlns:v="urn:schemas-microsoft-com:vml""#
    );

    fn word_part(root: &str, content: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:{root} {WORD_NAMESPACES}>{content}</w:{root}>"#
        )
    }

    fn document(body: &str) -> String {
        word_part("document", &format!("<w:body>{body}</w:body>"))
    }

    /// A paragraph of one run of `text`, with paragraph properties `properties`.
    fn p(properties: &str, text: &str) -> String {
        format!("<w:p><w:pPr>{properties}</w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>")
    }

    fn styled(style: &str, text: &str) -> String {
        p(&format!(r#"<w:pStyle w:val="{style}"/>"#), text)
    }

    fn docx(entries: &[(&str, &str)]) -> Result<(Metadata, Vec<String>), Refusal> {
        read_with(read_docx, entries)
    }

    /// The paragraphs of a document of `body` with `numbering` as its
    /// `word/numbering.xml`.
    fn with_numbering(body: &str, numbering: &str) -> Vec<String> {
        docx(&[
            (DOCX_DOCUMENT, &document(body)),
            ("word/numbering.xml", numbering),
        ])
        .unwrap()
        .1
    }

    fn docx_blocks(body: &str) -> Vec<String> {
        docx(&[(DOCX_DOCUMENT, &document(body))]).unwrap().1
    }

    #[test]
    fn runs_tabs_and_breaks_stay_in_their_paragraph_and_deleted_and_hidden_text_is_left_out() {
        let body = concat!(
            "<w:p><w:r><w:t>Hel</w:t></w:r><w:r><w:t xml:space=\"preserve\">lo,  </w:t></w:r>",
            "<w:ins><w:r><w:t>new</w:t></w:r></w:ins>",
            "<w:del><w:r><w:delText>old</w:delText></w:r></w:del>",
            "<w:moveFrom><w:r><w:t>moved away</w:t></w:r></w:moveFrom>",
            "<w:r><w:tab/><w:t>world</w:t><w:br/><w:t>second line</w:t></w:r></w:p>",
            // A tab stop is no tab, a field's code no text: nothing is left.
            "<w:p><w:pPr><w:tabs><w:tab w:val=\"left\" w:pos=\"720\"/></w:tabs></w:pPr>",
            "<w:r><w:instrText> PAGE </w:instrText></w:r></w:p>",
            "<w:p><w:r><w:t>Fish &amp; chips &#8212; done</w:t></w:r></w:p>",
            // Hidden text is not on the page; a property turned off hides nothing.
            "<w:p><w:r><w:rPr><w:vanish/></w:rPr><w:t>OCULTO</w:t><w:tab/></w:r>",
            "<w:r><w:rPr><w:b/><w:vanish w:val=\"0\"/></w:rPr><w:t>Visible</w:t></w:r></w:p>",
        );
        assert_eq!(
            docx_blocks(body),
            [
                "Hello, new world\nsecond line",
                "Fish & chips — done",
                "Visible"
            ]
        );
    }

    #[test]
    fn text_hidden_by_its_style_is_left_out_unless_the_run_shows_it() {
        let styles = word_part(
            "styles",
            concat!(
                r#"<w:style w:type="paragraph" w:styleId="Oculto"><w:rPr><w:vanish/></w:rPr></w:style>"#,
                r#"<w:style w:type="paragraph" w:styleId="OcultoNumerado"><w:basedOn w:val="Oculto"/><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>"#,
                r#"<w:style w:type="paragraph" w:styleId="Visible"><w:basedOn w:val="Oculto"/><w:rPr><w:vanish w:val="0"/></w:rPr></w:style>"#,
                r#"<w:style w:type="character" w:styleId="NotaOculta"><w:rPr><w:vanish/></w:rPr></w:style>"#,
                r#"<w:style w:type="character" w:styleId="Mostrada"><w:rPr><w:vanish w:val="off"/></w:rPr></w:style>"#,
            ),
        );
        let numbering = word_part(
            "numbering",
            concat!(
                r#"<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>"#,
                r#"<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>"#,
            ),
        );
        let run = |style: &str, text: &str| {
            format!(
                r#"<w:r><w:rPr><w:rStyle w:val="{style}"/></w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>"#
            )
        };
        let body = [
            styled("Oculto", "Instrucciones internas."),
            format!(
                r#"<w:p><w:pPr><w:pStyle w:val="Oculto"/></w:pPr>{}<w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t>Mostrado.</w:t></w:r></w:p>"#,
                run("Mostrada", "Se ve, ")
            ),
            styled("OcultoNumerado", "Punto oculto."),
            p(r#"<w:numPr><w:numId w:val="1"/></w:numPr>"#, "Primer punto visible."),
            styled("Visible", "Base oculta, estilo visible."),
            format!("<w:p>{}{}</w:p>", run("NotaOculta", "nota "), run("Mostrada", "texto")),
            // A paragraph without properties takes no style of the one before.
            styled("Oculto", "Oculto otra vez."),
            "<w:p><w:r><w:t>Sin estilo.</w:t></w:r></w:p>".to_string(),
            // A text box's paragraph has its own style; the paragraph around
            // it keeps its own after it (found by review: the box's style
            // went on to the runs after the box).
            text_box("", "Oculto", "Nota oculta en la caja.", "Visible tras la caja."),
            text_box("Oculto", "", "Caja visible.", "Oculto tras la caja."),
        ]
        .concat();
        let read = docx(&[
            (DOCX_DOCUMENT, &document(&body)),
            ("word/styles.xml", &styles),
            ("word/numbering.xml", &numbering),
        ])
        .unwrap()
        .1;
        assert_eq!(
            read,
            [
                "Se ve, Mostrado.",
                "1. Primer punto visible.",
                "Base oculta, estilo visible.",
                "texto",
                "Sin estilo.",
                "Antes. Visible tras la caja.",
                "Caja visible."
            ]
        );
    }

    /// A paragraph of style `outer` holding a run, a text box whose one
    /// paragraph has style `inner` and text `boxed`, and a run of `after`.
    fn text_box(outer: &str, inner: &str, boxed: &str, after: &str) -> String {
        let style = |id: &str| match id {
            "" => String::new(),
            id => format!(r#"<w:pPr><w:pStyle w:val="{id}"/></w:pPr>"#),
        };
        format!(
            r#"<w:p>{}<w:r><w:t>Antes.</w:t></w:r><w:r><w:pict><v:shape><v:textbox><w:txbxContent><w:p>{}<w:r><w:t>{boxed}</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r><w:r><w:t xml:space="preserve"> {after}</w:t></w:r></w:p>"#,
            style(outer),
            style(inner)
        )
    }

    #[test]
    fn a_newline_in_a_run_s_text_is_a_space_and_only_a_break_ends_a_line() {
        let body = concat!(
            "<w:p><w:r><w:t xml:space=\"preserve\">first half\n second half nlword</w:t></w:r></w:p>",
            "<w:p><w:r><w:t>before</w:t><w:cr/><w:t>after\nthe break</w:t></w:r></w:p>",
        );
        assert_eq!(
            docx_blocks(body),
            ["first half second half nlword", "before\nafter the break"]
        );
    }

    #[test]
    fn headings_come_from_style_ids_names_outline_levels_and_base_styles() {
        // A German Word's ids, with the English names Word gives built-in styles.
        let styles = word_part(
            "styles",
            concat!(
                r#"<w:style w:type="paragraph" w:styleId="Titel"><w:name w:val="Title"/></w:style>"#,
                r#"<w:style w:type="paragraph" w:styleId="berschrift1"><w:name w:val="heading 1"/></w:style>"#,
                r#"<w:style w:type="character" w:styleId="berschrift1Zchn"><w:name w:val="heading 1 Char"/></w:style>"#,
                r#"<w:style w:type="paragraph" w:styleId="Kapitel"><w:name w:val="Kapitel"/><w:basedOn w:val="berschrift1"/></w:style>"#,
                r#"<w:style w:type="paragraph" w:styleId="Gliederung"><w:name w:val="Gliederung"/><w:pPr><w:outlineLvl w:val="2"/></w:pPr></w:style>"#,
                r#"<w:style w:type="paragraph" w:styleId="Textkoerper"><w:name w:val="Body Text"/><w:basedOn w:val="Gliederung"/><w:pPr><w:outlineLvl w:val="9"/></w:pPr></w:style>"#,
                r#"<w:style w:type="paragraph" w:styleId="Schleife"><w:basedOn w:val="Kreis"/></w:style>"#,
                r#"<w:style w:type="paragraph" w:styleId="Kreis"><w:basedOn w:val="Schleife"/></w:style>"#,
            ),
        );
        let body = [
            styled("Titel", "Book"),
            styled("berschrift1", "One"),
            styled("Kapitel", "Two"),
            styled("Gliederung", "Three"),
            styled("Heading2", "Four"),
            p(r#"<w:outlineLvl w:val="1"/>"#, "Five"),
            styled("Textkoerper", "body text"),
            styled("berschrift1Zchn", "a character style"),
            styled("Schleife", "a loop of base styles"),
            p(
                concat!(
                    r#"<w:pStyle w:val="Normal"/><w:pPrChange w:id="1" w:author="Ed">"#,
                    r#"<w:pPr><w:pStyle w:val="Heading1"/></w:pPr></w:pPrChange>"#
                ),
                "formerly a heading",
            ),
        ]
        .concat();
        let (_, blocks) = docx(&[
            (DOCX_DOCUMENT, &document(&body)),
            ("word/styles.xml", &styles),
        ])
        .unwrap();
        assert_eq!(
            blocks,
            [
                "# Book",
                "# One",
                "# Two",
                "# Three",
                "# Four",
                "# Five",
                "body text",
                "a character style",
                "a loop of base styles",
                "formerly a heading"
            ]
        );
    }

    #[test]
    fn word_list_items_code_and_table_rows_say_what_they_are() {
        let body = [
            p("", "Instale los paquetes así:"),
            styled("SourceCode", "apt-get install x"),
            styled("HTMLPreformatted", "make"),
            p(
                r#"<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>"#,
                "numbered",
            ),
            styled("ListBullet", "bulleted"),
            styled("Heading1", "A heading"),
            "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>cell</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
                .to_string(),
            p("", "After."),
        ]
        .concat();
        let (_, blocks, _) =
            read_blocks_with(read_docx, &[(DOCX_DOCUMENT, &document(&body))]).unwrap();
        assert_eq!(
            crate::ingest::block_kinds(&blocks),
            [
                ("prose", "Instale los paquetes así:"),
                ("code", "apt-get install x"),
                ("code", "make"),
                ("list", "numbered"),
                ("list", "bulleted"),
                ("heading", "A heading"),
                ("table", "cell"),
                ("prose", "After."),
            ]
        );
    }

    #[test]
    fn list_items_keep_the_numbers_word_shows() {
        // Abstract numbering 0: "1." then "1.a)" ; 1: bullets; 2: "Artículo I.".
        let level = |at: usize, start: i64, format: &str, text: &str| {
            format!(
                r#"<w:lvl w:ilvl="{at}"><w:start w:val="{start}"/><w:numFmt w:val="{format}"/><w:lvlText w:val="{text}"/></w:lvl>"#
            )
        };
        let numbering = word_part(
            "numbering",
            &[
                r#"<w:abstractNum w:abstractNumId="0">"#.to_string(),
                level(0, 1, "decimal", "%1."),
                level(1, 1, "lowerLetter", "%1.%2)"),
                "</w:abstractNum>".to_string(),
                r#"<w:abstractNum w:abstractNumId="1">"#.to_string(),
                level(0, 1, "bullet", "•"),
                "</w:abstractNum>".to_string(),
                r#"<w:abstractNum w:abstractNumId="2">"#.to_string(),
                level(0, 1, "upperRoman", "Artículo %1."),
                "</w:abstractNum>".to_string(),
                r#"<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>"#.to_string(),
                r#"<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>"#.to_string(),
                r#"<w:num w:numId="3"><w:abstractNumId w:val="0"/></w:num>"#.to_string(),
                r#"<w:num w:numId="4"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="9"/></w:lvlOverride></w:num>"#.to_string(),
                r#"<w:num w:numId="5"><w:abstractNumId w:val="2"/></w:num>"#.to_string(),
            ]
            .concat(),
        );
        let styles = word_part(
            "styles",
            r#"<w:style w:type="paragraph" w:styleId="Articulo"><w:name w:val="heading 1"/><w:pPr><w:numPr><w:numId w:val="5"/></w:numPr></w:pPr></w:style>
               <w:style w:type="paragraph" w:styleId="ArticuloSinNumero"><w:basedOn w:val="Articulo"/><w:name w:val="heading 2"/><w:pPr><w:numPr><w:numId w:val="0"/></w:numPr></w:pPr></w:style>"#,
        );
        let item = |list: u32, at: u32, text: &str| {
            p(
                &format!(r#"<w:numPr><w:ilvl w:val="{at}"/><w:numId w:val="{list}"/></w:numPr>"#),
                text,
            )
        };
        let body = [
            styled("Articulo", "Objeto"),
            item(1, 0, "Que el accionante presentó tutela."),
            item(1, 1, "primera razón"),
            item(1, 1, "segunda razón"),
            item(2, 0, "una viñeta"),
            item(1, 0, "Que la entidad revocó la visa."),
            // Deleted under change tracking, its mark too: no number.
            r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr><w:rPr><w:del w:id="7" w:author="x"/></w:rPr></w:pPr><w:del w:id="8" w:author="x"><w:r><w:delText>Borrado.</w:delText></w:r></w:del></w:p>"#.to_string(),
            item(1, 0, ""),
            item(3, 0, "Continúa la numeración."),
            item(4, 0, "Empieza de nuevo en nueve."),
            item(0, 0, "Sin número."),
            styled("Articulo", "Vigencia"),
            styled("ArticuloSinNumero", "Disposición final"),
        ]
        .concat();
        let read = |entries: &[(&str, &str)]| docx(entries).unwrap().1;
        assert_eq!(
            read(&[
                (DOCX_DOCUMENT, &document(&body)),
                ("word/numbering.xml", &numbering),
                ("word/styles.xml", &styles),
            ]),
            [
                "# Artículo I. Objeto",
                "1. Que el accionante presentó tutela.",
                "1.a) primera razón",
                "1.b) segunda razón",
                "una viñeta",
                "2. Que la entidad revocó la visa.",
                "4. Continúa la numeración.",
                "9. Empieza de nuevo en nueve.",
                "Sin número.",
                "# Artículo II. Vigencia",
                "# Disposición final",
            ]
        );
        // Without numbering.xml the items are read without numbers.
        assert_eq!(
            read(&[(DOCX_DOCUMENT, &document(&item(1, 0, "Que revocó.")))]),
            ["Que revocó."]
        );
    }

    #[test]
    fn a_list_defined_through_a_numbering_style_takes_that_style_s_numbers() {
        // Word's list styles: definition 0 holds the levels under the style
        // `ListaLegal`; definition 1 only links to it, and lists 2 and 3 use
        // it. They are one list, as lists of one definition are.
        let numbering = word_part(
            "numbering",
            concat!(
                r#"<w:abstractNum w:abstractNumId="0"><w:styleLink w:val="ListaLegal"/>"#,
                r#"<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperLetter"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>"#,
                r#"<w:abstractNum w:abstractNumId="1"><w:numStyleLink w:val="ListaLegal"/></w:abstractNum>"#,
                r#"<w:abstractNum w:abstractNumId="2"><w:numStyleLink w:val="SinDefinir"/></w:abstractNum>"#,
                r#"<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>"#,
                r#"<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>"#,
                r#"<w:num w:numId="3"><w:abstractNumId w:val="1"/></w:num>"#,
                r#"<w:num w:numId="4"><w:abstractNumId w:val="2"/></w:num>"#,
            ),
        );
        let item = |list: u32, text: &str| {
            p(
                &format!(r#"<w:numPr><w:numId w:val="{list}"/></w:numPr>"#),
                text,
            )
        };
        let body = [
            item(2, "Primera."),
            item(3, "Segunda."),
            item(1, "Tercera."),
            item(4, "Sin definición."),
        ]
        .concat();
        let read = with_numbering(&body, &numbering);
        assert_eq!(
            read,
            [
                "A. Primera.",
                "B. Segunda.",
                "C. Tercera.",
                "Sin definición."
            ]
        );
    }

    #[test]
    fn word_legal_numbering_restarts_and_letters_read_as_word_shows_them() {
        let numbering = word_part(
            "numbering",
            concat!(
                r#"<w:abstractNum w:abstractNumId="0">"#,
                r#"<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl>"#,
                r#"<w:lvl w:ilvl="1"><w:start w:val="1"/><w:isLgl/><w:numFmt w:val="decimalZero"/><w:lvlText w:val="%1.%2"/></w:lvl>"#,
                r#"<w:lvl w:ilvl="2"><w:start w:val="26"/><w:lvlRestart w:val="0"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%3)"/></w:lvl>"#,
                r#"</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>"#,
            ),
        );
        let item = |at: u32, text: &str| {
            p(
                &format!(r#"<w:numPr><w:ilvl w:val="{at}"/><w:numId w:val="1"/></w:numPr>"#),
                text,
            )
        };
        let body = [
            item(0, "Antecedentes"),
            item(1, "Hechos"),
            item(2, "zeta"),
            item(0, "Consideraciones"),
            item(1, "Competencia"),
            item(2, "doble"),
        ]
        .concat();
        let read = with_numbering(&body, &numbering);
        assert_eq!(
            read,
            [
                "I. Antecedentes",
                "1.1 Hechos",
                "z) zeta",
                "II. Consideraciones",
                "2.1 Competencia",
                "aa) doble"
            ]
        );
    }

    #[test]
    fn a_table_gives_a_paragraph_per_row_and_a_note_in_it_follows_the_row() {
        let body = concat!(
            "<w:tbl><w:tblPr/><w:tblGrid/>",
            "<w:tr><w:tc><w:p><w:r><w:t>Name</w:t></w:r></w:p></w:tc>",
            "<w:tc><w:p><w:pPr><w:pStyle w:val=\"Heading1\"/></w:pPr><w:r><w:t>Age</w:t></w:r></w:p></w:tc></w:tr>",
            "<w:tr><w:tc><w:p><w:r><w:t>Ana</w:t></w:r></w:p><w:p><w:r><w:t>María</w:t></w:r></w:p></w:tc>",
            "<w:tc><w:p/></w:tc>",
            "<w:tc><w:p><w:r><w:t>41</w:t></w:r><w:r><w:footnoteReference w:id=\"1\"/></w:r></w:p></w:tc></w:tr>",
            "</w:tbl>",
            "<w:p><w:r><w:t>After the table.</w:t></w:r></w:p>",
        );
        let footnotes = word_part(
            "footnotes",
            r#"<w:footnote w:id="1"><w:p><w:r><w:t>Age in 1990.</w:t></w:r></w:p></w:footnote>"#,
        );
        let (_, blocks) = docx(&[
            (DOCX_DOCUMENT, &document(body)),
            ("word/footnotes.xml", &footnotes),
        ])
        .unwrap();
        assert_eq!(
            blocks,
            [
                "Name | Age",
                "Ana María |  | 41",
                "[1] Age in 1990.",
                "After the table."
            ]
        );
    }

    /// A ruling's list, announced by a lead-in, with a footnote on an
    /// item: the note after the list, which stays one with its lead-in.
    #[test]
    fn a_note_on_a_list_item_follows_the_list() {
        let item = |text: &str, reference: &str| {
            format!(
                r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r>{reference}</w:p>"#
            )
        };
        let body = [
            "<w:p><w:r><w:t>Las entidades deberán:</w:t></w:r></w:p>".to_string(),
            item(
                "Entregar ayuda.",
                r#"<w:r><w:footnoteReference w:id="1"/></w:r>"#,
            ),
            item("Garantizar albergues.", ""),
            "<w:p/>".to_string(),
            item("Presentar informes.", ""),
            "<w:p><w:r><w:t>Después.</w:t></w:r></w:p>".to_string(),
        ]
        .concat();
        let footnotes = word_part(
            "footnotes",
            r#"<w:footnote w:id="1"><w:p><w:r><w:t>Según la Ley 387.</w:t></w:r></w:p></w:footnote>"#,
        );
        let (_, blocks) = docx(&[
            (DOCX_DOCUMENT, &document(&body)),
            ("word/footnotes.xml", &footnotes),
        ])
        .unwrap();
        assert_eq!(
            blocks,
            [
                "Las entidades deberán:",
                "Entregar ayuda.",
                "Garantizar albergues.",
                "Presentar informes.",
                "[1] Según la Ley 387.",
                "Después."
            ]
        );
        // A ruling's numbered considerations, announced by no lead-in:
        // each note right after the paragraph citing it.
        let considerations = [
            "<w:p><w:r><w:t>Consideraciones.</w:t></w:r></w:p>".to_string(),
            item(
                "La Corte es competente.",
                r#"<w:r><w:footnoteReference w:id="1"/></w:r>"#,
            ),
            item("La acción procede.", ""),
        ]
        .concat();
        let (_, blocks) = docx(&[
            (DOCX_DOCUMENT, &document(&considerations)),
            ("word/footnotes.xml", &footnotes),
        ])
        .unwrap();
        assert_eq!(
            blocks,
            [
                "Consideraciones.",
                "La Corte es competente.",
                "[1] Según la Ley 387.",
                "La acción procede."
            ]
        );
    }

    #[test]
    fn notes_follow_the_paragraph_that_refers_to_them() {
        let footnotes = word_part(
            "footnotes",
            concat!(
                r#"<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>"#,
                r#"<w:footnote w:type="continuationNotice" w:id="0"><w:p><w:r><w:t>continued</w:t></w:r></w:p></w:footnote>"#,
                r#"<w:footnote w:id="1"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr>"#,
                r#"<w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> A first note.</w:t></w:r></w:p></w:footnote>"#,
                r#"<w:footnote w:id="2"><w:p><w:r><w:t>A deleted note.</w:t></w:r></w:p></w:footnote>"#,
            ),
        );
        let endnotes = word_part(
            "endnotes",
            concat!(
                r#"<w:endnote w:id="1"><w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr>"#,
                r#"<w:r><w:t>An endnote.</w:t></w:r></w:p></w:endnote>"#
            ),
        );
        let body = concat!(
            r#"<w:p><w:r><w:t>Claim</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r>"#,
            r#"<w:r><w:t xml:space="preserve"> stands.</w:t></w:r>"#,
            r#"<w:del><w:r><w:footnoteReference w:id="2"/></w:r></w:del></w:p>"#,
            r#"<w:p><w:r><w:t>Second</w:t></w:r><w:r><w:endnoteReference w:id="1"/></w:r></w:p>"#,
        );
        let (_, blocks) = docx(&[
            (DOCX_DOCUMENT, &document(body)),
            ("word/footnotes.xml", &footnotes),
            ("word/endnotes.xml", &endnotes),
        ])
        .unwrap();
        assert_eq!(
            blocks,
            [
                "Claim stands.",
                "[1] A first note.",
                "Second",
                "[i] An endnote."
            ]
        );
    }

    #[test]
    fn a_note_starts_with_its_mark_as_the_settings_number_it() {
        let note = |id: u32, text: &str| {
            format!(
                r#"<w:footnote w:id="{id}"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t>{text}</w:t></w:r></w:p></w:footnote>"#
            )
        };
        let footnotes = word_part(
            "footnotes",
            &[note(1, "First."), note(2, "Starred."), note(3, "Third.")].concat(),
        );
        let reference = |id: u32| format!(r#"<w:r><w:footnoteReference w:id="{id}"/></w:r>"#);
        let body = format!(
            r#"<w:p><w:r><w:t>Uno</w:t></w:r>{}<w:r><w:footnoteReference w:customMarkFollows="1" w:id="2"/><w:t>*</w:t></w:r>{}</w:p>"#,
            reference(1),
            reference(3)
        );
        let settings = |properties: &str| {
            format!(
                r#"<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">{properties}</w:settings>"#
            )
        };
        // `sections`: the document's `w:sectPr`s after its paragraph.
        let read_in = |settings: &str, sections: &str| {
            docx(&[
                (DOCX_DOCUMENT, &document(&format!("{body}{sections}"))),
                ("word/footnotes.xml", &footnotes),
                ("word/settings.xml", settings),
            ])
            .unwrap()
            .1
        };
        let read = |settings: &str| read_in(settings, "");
        // Letters from c; the starred note takes no number.
        let lettered = settings(concat!(
            r#"<w:footnotePr><w:numFmt w:val="lowerLetter"/><w:numStart w:val="3"/>"#,
            r#"<w:footnote w:id="-1"/></w:footnotePr><w:endnotePr><w:numFmt w:val="decimal"/></w:endnotePr>"#
        ));
        assert_eq!(
            read(&lettered),
            ["Uno*", "[c] First.", "Starred.", "[d] Third."]
        );
        let unmarked = settings(r#"<w:footnotePr><w:numFmt w:val="none"/></w:footnotePr>"#);
        assert_eq!(read(&unmarked), ["Uno*", "First.", "Starred.", "Third."]);
        // Damaged settings: Word's defaults.
        assert_eq!(
            read("<w:settings"),
            ["Uno*", "[1] First.", "Starred.", "[2] Third."]
        );
        // Chicago's symbols.
        let chicago = settings(r#"<w:footnotePr><w:numFmt w:val="chicago"/></w:footnotePr>"#);
        assert_eq!(
            read(&chicago),
            ["Uno*", "[*] First.", "Starred.", "[†] Third."]
        );
        // The one section's own properties over the settings'.
        let roman =
            r#"<w:sectPr><w:footnotePr><w:numFmt w:val="upperRoman"/></w:footnotePr></w:sectPr>"#;
        assert_eq!(
            read_in(&lettered, roman),
            ["Uno*", "[III] First.", "Starred.", "[IV] Third."]
        );
        // Numbers cita cannot tell: again on each page, again in each of
        // two sections, or set by a section of several.
        let marks = |settings: &str, sections: &str| {
            let blocks = read_in(settings, sections);
            blocks.iter().filter(|text| text.starts_with('[')).count()
        };
        let restart = |each: &str| {
            settings(&format!(
                r#"<w:footnotePr><w:numRestart w:val="{each}"/></w:footnotePr>"#
            ))
        };
        let two = "<w:p><w:pPr><w:sectPr/></w:pPr></w:p><w:sectPr/>";
        assert_eq!(marks(&restart("eachPage"), ""), 0);
        assert_eq!(marks(&restart("eachSect"), two), 0);
        assert_eq!(marks(&restart("eachSect"), ""), 2);
        assert_eq!(marks(&restart("continuous"), two), 2);
        let one_sets = format!("<w:p><w:pPr><w:sectPr/></w:pPr></w:p>{roman}");
        assert_eq!(marks(&lettered, &one_sets), 0);
        // Sections that all number alike do as they say.
        let both = format!("<w:p><w:pPr>{roman}</w:pPr></w:p>{roman}");
        assert_eq!(
            read_in(&lettered, &both),
            ["Uno*", "[III] First.", "Starred.", "[IV] Third."]
        );
        // A tracked change's former properties no longer hold.
        let tracked = concat!(
            r#"<w:sectPr><w:footnotePr><w:numFmt w:val="lowerLetter"/></w:footnotePr>"#,
            r#"<w:sectPrChange><w:sectPr><w:footnotePr><w:numFmt w:val="upperRoman"/></w:footnotePr></w:sectPr></w:sectPrChange></w:sectPr>"#,
        );
        assert_eq!(
            read_in(&settings(""), tracked),
            ["Uno*", "[a] First.", "Starred.", "[b] Third."]
        );
    }

    #[test]
    fn a_text_box_is_read_once_after_its_paragraph() {
        let body = concat!(
            "<w:p><w:r><w:t>Anchor text.</w:t></w:r><w:r><mc:AlternateContent>",
            "<mc:Choice Requires=\"wps\"><w:drawing><wp:anchor><a:graphic><a:graphicData>",
            "<wps:wsp><wps:txbx><w:txbxContent>",
            "<w:p><w:pPr><w:pStyle w:val=\"Heading1\"/></w:pPr><w:r><w:t>Boxed words.</w:t></w:r></w:p>",
            "</w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>",
            "<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>",
            "<w:p><w:r><w:t>Boxed words.</w:t></w:r></w:p>",
            "</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>",
            "</mc:AlternateContent></w:r><w:r><w:t xml:space=\"preserve\"> More anchor.</w:t></w:r></w:p>",
            "<w:p><w:r><w:t>Next.</w:t></w:r></w:p>",
        );
        assert_eq!(
            docx_blocks(body),
            ["Anchor text. More anchor.", "Boxed words.", "Next."]
        );
    }

    #[test]
    fn a_table_of_contents_is_left_out() {
        let body = concat!(
            "<w:sdt><w:sdtPr><w:docPartObj><w:docPartGallery w:val=\"Table of Contents\"/>",
            "<w:docPartUnique/></w:docPartObj></w:sdtPr><w:sdtContent>",
            "<w:p><w:r><w:t>Contents</w:t></w:r></w:p><w:p><w:r><w:t>Introduction 1</w:t></w:r></w:p>",
            "</w:sdtContent></w:sdt>",
            "<w:sdt><w:sdtPr><w:alias w:val=\"Abstract\"/></w:sdtPr><w:sdtContent>",
            "<w:p><w:r><w:t>Abstract text.</w:t></w:r></w:p></w:sdtContent></w:sdt>",
        );
        assert_eq!(docx_blocks(body), ["Abstract text."]);
    }

    #[test]
    fn core_properties_give_title_author_date_and_language() {
        let core = concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" "#,
            r#"xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" "#,
            r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
            "<dc:title>Informe\n  final</dc:title><dc:creator>Ana Pérez</dc:creator>",
            "<cp:lastModifiedBy>Otro</cp:lastModifiedBy>",
            r#"<dcterms:created xsi:type="dcterms:W3CDTF">2024-05-05T10:00:00Z</dcterms:created>"#,
            r#"<dcterms:modified xsi:type="dcterms:W3CDTF">2025-01-01T00:00:00Z</dcterms:modified>"#,
            "<dc:language>es-CO</dc:language></cp:coreProperties>",
        );
        let (meta, _) =
            docx(&[(DOCX_DOCUMENT, &document("")), ("docProps/core.xml", core)]).unwrap();
        assert_eq!(meta.title.as_deref(), Some("Informe final"));
        assert_eq!(meta.author.as_deref(), Some("Ana Pérez"));
        assert_eq!(meta.date.unwrap().to_string(), "2024-05-05");
        assert_eq!(meta.language.as_deref(), Some("es-CO"));
    }

    #[test]
    fn a_docx_without_text_is_empty_and_a_broken_one_refused() {
        assert_eq!(docx_blocks("<w:p/><w:sectPr/>"), Vec::<String>::new());
        let refusal = |entries: &[(&str, &str)]| docx(entries).unwrap_err();
        assert_eq!(
            refusal(&[("word/other.xml", "<x/>")]),
            (
                SkipReason::Malformed,
                "not a DOCX (no word/document.xml)".to_string()
            )
        );
        let (reason, message) = refusal(&[(DOCX_DOCUMENT, &document("<w:p></w:r>"))]);
        assert_eq!(reason, SkipReason::Malformed);
        assert!(
            message.starts_with("word/document.xml: not well-formed XML ("),
            "{message}"
        );
        let cut = document("<w:p><w:r><w:t>cut off</w:t></w:r></w:p>");
        let cut = &cut[..cut.find("</w:t>").unwrap()];
        assert_eq!(
            refusal(&[(DOCX_DOCUMENT, cut)]).1,
            "word/document.xml: the XML breaks off"
        );
        assert_eq!(
            refusal(&[(DOCX_DOCUMENT, "<html><body>hi</body></html>")]).1,
            "word/document.xml: the root element is <html>, not <document>"
        );
        assert_eq!(
            refusal(&[(DOCX_DOCUMENT, "")]).1,
            "word/document.xml: no XML element"
        );
    }

    #[test]
    fn a_part_in_latin_1_or_utf_16_is_decoded_as_it_declares() {
        let body = word_part(
            "document",
            &format!("<w:body>{}</w:body>", p("", "Bogotá y Nariño")),
        );
        let latin1 = body.replace(r#"encoding="UTF-8""#, r#"encoding="ISO-8859-1""#);
        let (latin1, _, _) = encoding_rs::WINDOWS_1252.encode(&latin1);
        let mut utf16 = vec![0xff, 0xfe];
        utf16.extend(body.encode_utf16().flat_map(u16::to_le_bytes));
        for bytes in [latin1.to_vec(), utf16] {
            let zipped = crate::ingest::bundle::tests::zip(&[(DOCX_DOCUMENT, &bytes)]);
            let unpacker = Unpacker::new(Limits::default());
            let mut zip = Zip::open(&zipped, &unpacker).unwrap();
            let (_, blocks, _) = read_docx(&mut zip).unwrap();
            assert_eq!(block_texts(&blocks), ["Bogotá y Nariño"]);
        }
    }

    #[test]
    fn the_main_document_is_where_the_package_relationships_say() {
        // As Word Online writes it.
        let rels = r#"<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="r1" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="/docProps/core.xml"/>
<Relationship Id="r2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/word/document2.xml"/>
</Relationships>"#;
        let body = document(&p("", "Drafted online."));
        let (_, texts) = docx(&[(RELATIONSHIPS, rels), ("word/document2.xml", &body)]).unwrap();
        assert_eq!(texts, ["Drafted online."]);
        // Other tools write the target relative, or escape it.
        for target in ["./word/document2.xml", "word/x/../document%32.xml"] {
            let rels = rels.replace("/word/document2.xml", target);
            let (_, texts) =
                docx(&[(RELATIONSHIPS, &rels), ("word/document2.xml", &body)]).unwrap();
            assert_eq!(texts, ["Drafted online."], "{target}");
        }
        assert_eq!(package_part("../../word\\doc.xml"), "word/doc.xml");
        // Part names are not case-sensitive.
        let (_, texts) = docx(&[("Word/Document.XML", &body)]).unwrap();
        assert_eq!(texts, ["Drafted online."]);
        // Escaped in the ZIP's names, as the package format says, or not.
        for zipped in ["word/my%20doc.xml", "word/my doc.xml"] {
            let rels = rels.replace("/word/document2.xml", "/word/my%20doc.xml");
            let (_, texts) = docx(&[(RELATIONSHIPS, &rels), (zipped, &body)]).unwrap();
            assert_eq!(texts, ["Drafted online."], "{zipped}");
        }
    }

    #[test]
    fn a_damaged_part_without_text_is_noted_and_the_text_read() {
        let body = document(&styled("Heading1", "Minutes"));
        for (part, lost) in [
            ("docProps/core.xml", "the title, author, date"),
            ("word/styles.xml", "headings are told by outline level only"),
        ] {
            let entries = [(DOCX_DOCUMENT, body.as_str()), (part, "<cut")];
            let (_, blocks, said) = read_blocks_with(read_docx, &entries).unwrap();
            assert_eq!(block_texts(&blocks).len(), 1, "{part}");
            assert_eq!(said.len(), 1, "{part}: {said:?}");
            assert!(
                said[0].starts_with(part) && said[0].contains(lost),
                "{said:?}"
            );
        }
        let content = odt_content("", "<text:p>Kept.</text:p>");
        let entries = [(ODT_CONTENT, content.as_str()), ("meta.xml", "")];
        let (_, blocks, said) = read_blocks_with(read_odt, &entries).unwrap();
        assert_eq!(
            (block_texts(&blocks), said.len()),
            (vec!["Kept.".to_string()], 1)
        );
    }

    #[test]
    fn compound_files_are_refused_as_encrypted_or_legacy() {
        let mut encrypted = COMPOUND_FILE_MAGIC.to_vec();
        encrypted.extend([0; 64]);
        let legacy = encrypted.clone();
        encrypted.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(
            compound_file_refusal(&encrypted).unwrap().0,
            SkipReason::Encrypted
        );
        assert_eq!(
            compound_file_refusal(&legacy).unwrap().0,
            SkipReason::Malformed
        );
        assert_eq!(compound_file_refusal(&zipped(&[("a", "b")])), None);
    }

    fn odt_content(automatic_styles: &str, text: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xlink="http://www.w3.org/1999/xlink"
 office:version="1.3"><office:automatic-styles>{automatic_styles}</office:automatic-styles>
<office:body><office:text>{text}</office:text></office:body></office:document-content>"#
        )
    }

    fn odt(entries: &[(&str, &str)]) -> Result<(Metadata, Vec<String>), Refusal> {
        read_with(read_odt, entries)
    }

    fn odt_blocks_of(text: &str) -> Vec<String> {
        odt(&[(ODT_CONTENT, &odt_content("", text))]).unwrap().1
    }

    #[test]
    fn spans_links_spaces_and_breaks_stay_in_their_paragraph() {
        let styles = r#"<style:style style:name="P1" style:family="paragraph" style:parent-style-name="Title"/>"#;
        let text = concat!(
            r#"<text:sequence-decls><text:sequence-decl text:display-outline-level="0" text:name="Table"/></text:sequence-decls>"#,
            r#"<text:p text:style-name="P1">The Story</text:p>"#,
            r#"<text:h text:outline-level="1">Chapter <text:span text:style-name="T1">One</text:span></text:h>"#,
            r#"<text:p>Word<text:span>s in</text:span> a <text:a xlink:href="https://x.example/">link</text:a>,"#,
            r#"<text:s text:c="3"/>spaced<text:tab/>tabbed<text:line-break/>next line<text:soft-page-break/>.</text:p>"#,
            r#"<text:list><text:list-item><text:p>First item</text:p></text:list-item>"#,
            r#"<text:list-item><text:p>Second item</text:p></text:list-item></text:list>"#,
        );
        let (_, blocks) = odt(&[(ODT_CONTENT, &odt_content(styles, text))]).unwrap();
        assert_eq!(
            blocks,
            [
                "# The Story",
                "# Chapter One",
                "Words in a link, spaced tabbed\nnext line.",
                "First item",
                "Second item"
            ]
        );
    }

    #[test]
    fn whitespace_collapses_newlines_included_and_only_a_line_break_ends_a_line() {
        // As a pretty-printer writes `content.xml`.
        let text = concat!(
            "<text:p>pretty\n   printed\n   odtprettyword   para</text:p>\n",
            "<text:p>\n  <text:span>span</text:span>\n  <text:span>after</text:span>\n",
            "  <text:line-break/>\n  next line\n</text:p>",
        );
        assert_eq!(
            odt_blocks_of(text),
            ["pretty printed odtprettyword para", "span after\nnext line"]
        );
    }

    #[test]
    fn notes_and_text_boxes_follow_their_paragraph_and_comments_and_deletions_are_left_out() {
        let text = concat!(
            "<text:tracked-changes><text:changed-region text:id=\"ct1\"><text:deletion>",
            "<office:change-info><dc:creator>Ed</dc:creator></office:change-info>",
            "<text:p>Removed words.</text:p></text:deletion></text:changed-region></text:tracked-changes>",
            "<text:p>Claim<text:note text:id=\"ftn1\" text:note-class=\"footnote\">",
            "<text:note-citation>1</text:note-citation>",
            "<text:note-body><text:p>The note body.</text:p></text:note-body></text:note>",
            " holds<text:change text:change-id=\"ct1\"/>.",
            "<office:annotation><dc:creator>Ed</dc:creator><text:p>A comment.</text:p></office:annotation></text:p>",
            "<text:p>Figure<draw:frame draw:name=\"f1\"><draw:text-box><text:p>Caption in a box.</text:p>",
            "</draw:text-box><svg:title>Alt title</svg:title><svg:desc>Alt description</svg:desc></draw:frame> here.</text:p>",
            "<text:table-of-content><text:table-of-content-source><text:index-title-template>Contents",
            "</text:index-title-template></text:table-of-content-source>",
            "<text:index-body><text:p>Chapter One 1</text:p></text:index-body></text:table-of-content>",
        );
        assert_eq!(
            odt_blocks_of(text),
            [
                "Claim holds.",
                "[1] The note body.",
                "Figure here.",
                "Caption in a box."
            ]
        );
        // A note of no body gives its mark to no other paragraph; markup
        // in a mark is the mark's.
        let text = concat!(
            "<text:p>Claim<text:note><text:note-citation>1</text:note-citation><text:note-body/></text:note></text:p>",
            "<text:p>Next.<text:note><text:note-citation><text:span>*</text:span></text:note-citation>",
            "<text:note-body><text:p>Starred.</text:p></text:note-body></text:note></text:p>",
        );
        assert_eq!(odt_blocks_of(text), ["Claim", "Next.", "[*] Starred."]);
    }

    #[test]
    fn odt_list_items_code_and_table_rows_say_what_they_are() {
        let styles = r#"<style:style style:name="P2" style:family="paragraph" style:parent-style-name="Preformatted_20_Text"/>"#;
        let text = concat!(
            "<text:p>Escriba:</text:p>",
            "<text:p text:style-name=\"P2\">$ ls -l</text:p>",
            "<text:list><text:list-item><text:p>uno</text:p>",
            "<text:list><text:list-item><text:p>anidado</text:p></text:list-item></text:list>",
            "</text:list-item></text:list>",
            "<table:table><table:table-row><table:table-cell><text:p>celda</text:p></table:table-cell></table:table-row></table:table>",
            "<text:p>Fin.</text:p>",
        );
        let (_, blocks, _) =
            read_blocks_with(read_odt, &[(ODT_CONTENT, &odt_content(styles, text))]).unwrap();
        assert_eq!(
            crate::ingest::block_kinds(&blocks),
            [
                ("prose", "Escriba:"),
                ("code", "$ ls -l"),
                ("list", "uno"),
                ("list", "anidado"),
                ("table", "celda"),
                ("prose", "Fin."),
            ]
        );
    }

    #[test]
    fn odt_list_items_keep_the_numbers_their_list_styles_give() {
        let number = |level: u32, format: &str, suffix: &str, shown: u32| {
            format!(
                r#"<text:list-level-style-number text:level="{level}" style:num-format="{format}" style:num-suffix="{suffix}" text:display-levels="{shown}"/>"#
            )
        };
        let automatic = [
            r#"<text:list-style style:name="L1">"#.to_string(),
            number(1, "1", ".", 1),
            number(2, "a", ")", 2),
            "</text:list-style>".to_string(),
            r#"<text:list-style style:name="L2"><text:list-level-style-bullet text:level="1" text:bullet-char="•"/></text:list-style>"#.to_string(),
        ]
        .concat();
        let styles = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:styles>
<text:list-style style:name="Numbering_20_ABC"><text:list-level-style-number text:level="1" style:num-format="I" style:num-prefix="(" style:num-suffix=")"/></text:list-style>
</office:styles></office:document-styles>"#;
        let item = |text: &str| format!("<text:list-item><text:p>{text}</text:p></text:list-item>");
        let text = [
            r#"<text:list text:style-name="L1" xml:id="primera">"#.to_string(),
            item("Que revocó la visa."),
            "<text:list-item><text:p>Que negó la tutela.</text:p><text:p>Segundo párrafo.</text:p>".to_string(),
            "<text:list>".to_string(),
            item("primera razón"),
            item("segunda razón"),
            "</text:list></text:list-item>".to_string(),
            "<text:list-header><text:p>Sin número.</text:p></text:list-header>".to_string(),
            "</text:list>".to_string(),
            "<text:p>Entre listas.</text:p>".to_string(),
            r#"<text:list text:style-name="L1" text:continue-numbering="true">"#.to_string(),
            r#"<text:list-item><text:p><text:number>3.</text:number>Sigue en tres.</text:p></text:list-item>"#.to_string(),
            r#"<text:list-item text:start-value="9"><text:p>Salta a nueve.</text:p></text:list-item>"#.to_string(),
            "</text:list>".to_string(),
            r#"<text:list text:style-name="L1">"#.to_string(),
            item("Empieza de nuevo."),
            "</text:list>".to_string(),
            // Goes on from the list it names, not from the one before it.
            r#"<text:list text:style-name="L1" text:continue-list="primera">"#.to_string(),
            item("Sigue la primera."),
            "</text:list>".to_string(),
            r#"<text:list text:style-name="L2">"#.to_string(),
            item("Viñeta."),
            "</text:list>".to_string(),
            r#"<text:list text:style-name="Numbering_20_ABC">"#.to_string(),
            item("Romano."),
            "</text:list>".to_string(),
        ]
        .concat();
        let content = odt_content(&automatic, &text);
        let read = |entries: &[(&str, &str)]| odt(entries).unwrap().1;
        assert_eq!(
            read(&[(ODT_CONTENT, &content), (ODT_STYLES, styles)]),
            [
                "1. Que revocó la visa.",
                "2. Que negó la tutela.",
                "Segundo párrafo.",
                "2.a) primera razón",
                "2.b) segunda razón",
                "Sin número.",
                "Entre listas.",
                "3. Sigue en tres.",
                "9. Salta a nueve.",
                "1. Empieza de nuevo.",
                "10. Sigue la primera.",
                "Viñeta.",
                "(I) Romano.",
            ]
        );
        // Without styles.xml a named style's items have no numbers.
        assert_eq!(read(&[(ODT_CONTENT, &content)]).last().unwrap(), "Romano.");
    }

    #[test]
    fn an_odt_table_gives_a_paragraph_per_row() {
        let text = concat!(
            "<table:table table:name=\"T\"><table:table-column table:number-columns-repeated=\"2\"/>",
            "<table:table-header-rows><table:table-row>",
            "<table:table-cell><text:p>City</text:p></table:table-cell>",
            "<table:table-cell><text:p>Year</text:p></table:table-cell>",
            "</table:table-row></table:table-header-rows>",
            "<table:table-row><table:table-cell table:number-columns-spanned=\"2\">",
            "<text:p>Bogotá</text:p><text:h>1538</text:h></table:table-cell>",
            "<table:covered-table-cell/></table:table-row></table:table>",
            "<text:p>After.</text:p>",
        );
        assert_eq!(
            odt_blocks_of(text),
            ["City | Year", "Bogotá 1538", "After."]
        );
    }

    #[test]
    fn an_odt_cell_repeated_over_columns_keeps_the_columns_after_it_in_place() {
        let row = |cells: &str| {
            format!("<table:table><table:table-row>{cells}</table:table-row></table:table>")
        };
        let cell =
            |text: &str| format!("<table:table-cell><text:p>{text}</text:p></table:table-cell>");
        let repeated = |count: &str, text: &str| {
            format!(
                "<table:table-cell table:number-columns-repeated=\"{count}\"><text:p>{text}</text:p></table:table-cell>"
            )
        };
        let header = row(&[cell("Región"), cell("2015"), cell("2016"), cell("2017")].concat());
        let data = row(&[
            cell("Nariño"),
            repeated("2", ""),
            cell("45"),
            repeated("1020", ""),
        ]
        .concat());
        assert_eq!(
            odt_blocks_of(&(header + &data)),
            ["Región | 2015 | 2016 | 2017", "Nariño |  |  | 45"]
        );
        // A count past any table's, or none that reads, is bounded.
        let wide = row(&[cell("a"), repeated("4294967296", ""), cell("b")].concat());
        let expected = format!("a{}b", " | ".repeat(MAX_ROW_COLUMNS));
        assert_eq!(odt_blocks_of(&wide), [expected]);
        // Text repeated over columns is read once.
        let texts = row(&[repeated("1000", "Bogotá"), cell("b")].concat());
        assert_eq!(odt_blocks_of(&texts), ["Bogotá | b"]);
        let junk = row(&[cell("a"), repeated("x", ""), cell("b")].concat());
        assert_eq!(odt_blocks_of(&junk), ["a |  | b"]);
    }

    #[test]
    fn odt_metadata_takes_the_initial_creator_else_the_creator() {
        let meta = |people: &str| {
            let meta = format!(
                r#"<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<office:meta>{people}
<meta:creation-date>2023-02-01T09:00:00</meta:creation-date><dc:date>2024-01-01T00:00:00</dc:date>
<dc:title>Notas</dc:title><dc:language>es</dc:language></office:meta></office:document-meta>"#
            );
            odt(&[(ODT_CONTENT, &odt_content("", "")), ("meta.xml", &meta)])
                .unwrap()
                .0
        };
        // Luis saved it last; Ana made it.
        let first =
            meta("<dc:creator>Luis</dc:creator><meta:initial-creator>Ana</meta:initial-creator>");
        assert_eq!(first.author.as_deref(), Some("Ana"));
        assert_eq!(first.title.as_deref(), Some("Notas"));
        assert_eq!(first.date.unwrap().to_string(), "2023-02-01");
        assert_eq!(first.language.as_deref(), Some("es"));
        assert_eq!(
            meta("<dc:creator>Luis</dc:creator>").author.as_deref(),
            Some("Luis")
        );
    }

    #[test]
    fn a_password_protected_or_contentless_odt_is_refused() {
        let manifest = concat!(
            r#"<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">"#,
            r#"<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>"#,
            r#"<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">"#,
            r#"<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="x">"#,
            r#"<manifest:algorithm manifest:algorithm-name="Blowfish CFB" manifest:initialisation-vector="x"/>"#,
            r#"</manifest:encryption-data></manifest:file-entry></manifest:manifest>"#,
        );
        assert_eq!(
            odt(&[(ODT_MANIFEST, manifest), (ODT_CONTENT, "\u{1}\u{2}binary")]).unwrap_err(),
            (
                SkipReason::Encrypted,
                "a password-protected ODT".to_string()
            )
        );
        // A damaged manifest is a note: the text is read.
        let (_, blocks, notes) = read_blocks_with(
            read_odt,
            &[
                (ODT_MANIFEST, "<manifest:manifest><cut"),
                (
                    ODT_CONTENT,
                    &odt_content("", "<text:p>Kept words.</text:p>"),
                ),
            ],
        )
        .unwrap();
        assert_eq!(block_texts(&blocks), ["Kept words."]);
        assert!(
            notes.len() == 1
                && notes[0].starts_with("META-INF/manifest.xml: ")
                && notes[0].ends_with("; read without it"),
            "{notes:?}"
        );
        assert_eq!(
            odt(&[("mimetype", "application/vnd.oasis.opendocument.text")]).unwrap_err(),
            (
                SkipReason::Malformed,
                "not an ODT (no content.xml)".to_string()
            )
        );
    }
}
