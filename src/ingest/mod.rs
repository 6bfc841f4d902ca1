//! Walking the corpus and turning files into [`Document`]s made of
//! [`Block`]s (headings and paragraphs), whatever their format.
//!
//! Files are visited in a stable order (sorted by name, folder by folder);
//! hidden files and folders are skipped, and so is whatever `.gitignore`,
//! `.ignore` or `.citaignore` files and `--exclude` globs exclude. Each format
//! has its module: [`text`], [`markdown`], [`html`], [`jsonl`], [`pdf`],
//! [`office`] (DOCX, ODT), [`epub`], [`mail`] (`.eml`, `.mbox`), images
//! through [`ocr`] (which also reads PDF pages without text); [`bundle`]
//! reads containers (ZIP, tar, a mail's attachments) in memory, entry by
//! entry, under [`Limits`]. Bytes become text in [`decode`]; [`dates`] finds
//! dates in metadata and text. A file that cannot be read, decoded or parsed
//! becomes a [`Warning`] and the walk goes on; so does an entry of a container.

pub mod bundle;
pub mod dates;
pub mod decode;
pub mod epub;
mod front_matter;
pub mod html;
pub mod jsonl;
pub mod mail;
pub mod markdown;
mod numbering;
pub mod ocr;
pub mod office;
pub mod pdf;
mod pdf_text;
mod pdf_xref;
pub mod text;
mod xml;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ffi::OsStr;
use std::fmt;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

use ignore::WalkBuilder;
use ignore::overrides::{Override, OverrideBuilder};
use same_file::Handle;
use serde::{Deserialize, Serialize};

use bundle::{Attached, Entry, Met};
pub use bundle::{Limits, Unpacker, Zip};
use dates::{DayOrder, LabelledDate};
pub use front_matter::FrontMatter;

use crate::date::Date;
use crate::error::{self, Error, Result};
use crate::language::Language;

/// The file formats cita reads, chosen by file name extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// `.txt`, `.text`
    Text,
    /// `.md`, `.markdown`
    Markdown,
    /// `.html`, `.htm`
    Html,
    /// `.jsonl`, `.ndjson`, `.json`
    Json,
    /// `.pdf`
    Pdf,
    /// `.docx` (Word)
    Docx,
    /// `.odt` (OpenDocument text)
    Odt,
    /// `.epub`
    Epub,
    /// `.eml`: one e-mail message, its attachments documents of their own
    Email,
    /// `.mbox`: a mailbox, one document per message
    Mbox,
    /// `.zip`: a bundle of files
    Zip,
    /// `.tar`, `.tar.gz`, `.tgz`: a bundle of files
    Tar,
    /// `.png`, `.jpg`, `.jpeg`, `.tif`, `.tiff`, `.webp`: a scan or a
    /// photograph of pages, read by OCR
    Image,
    /// `.mht`, `.mhtml`: a web page saved whole as one MIME message
    Mhtml,
}

impl Format {
    /// Whether a file of this format can hold entries (attachments, files
    /// of a bundle, parts of a saved page), which `--exclude` globs reach.
    pub fn holds_entries(self) -> bool {
        matches!(
            self,
            Format::Email | Format::Mbox | Format::Zip | Format::Tar | Format::Mhtml
        )
    }

    /// The format of a file, from its extension (case-insensitive).
    pub fn of(path: &Path) -> Option<Format> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "txt" | "text" => Some(Format::Text),
            "md" | "markdown" => Some(Format::Markdown),
            "html" | "htm" | "xhtml" => Some(Format::Html),
            "jsonl" | "ndjson" | "json" => Some(Format::Json),
            "pdf" => Some(Format::Pdf),
            "docx" => Some(Format::Docx),
            "odt" => Some(Format::Odt),
            "epub" => Some(Format::Epub),
            "eml" => Some(Format::Email),
            "mbox" => Some(Format::Mbox),
            "zip" => Some(Format::Zip),
            "tar" | "tgz" => Some(Format::Tar),
            "png" | "jpg" | "jpeg" | "tif" | "tiff" | "webp" => Some(Format::Image),
            "mht" | "mhtml" => Some(Format::Mhtml),
            "gz" => {
                let stem = Path::new(path.file_stem()?);
                let inner = stem.extension()?.to_str()?;
                inner.eq_ignore_ascii_case("tar").then_some(Format::Tar)
            }
            _ => None,
        }
    }

    /// Whether the format's reader takes the file's bytes as they are:
    /// packed or binary formats, and mail (whose parts name their own
    /// charsets). Other files are decoded to text first, and refused when
    /// their first bytes are binary.
    pub fn reads_bytes(self) -> bool {
        !matches!(
            self,
            Format::Text | Format::Markdown | Format::Html | Format::Json
        )
    }

    /// Whether a file of this format is text, which binary data in its
    /// first bytes is not: the text formats, and mail (a message, a
    /// mailbox, a saved page), whose MIME parts are text too (base64 and
    /// quoted-printable) so that a gigabyte of zeros named `.mbox` is
    /// refused from its head, not read whole.
    fn is_text(self) -> bool {
        !self.reads_bytes() || matches!(self, Format::Email | Format::Mbox | Format::Mhtml)
    }

    /// Whether a file of this format may hold scans for OCR: an image, a
    /// PDF, or a container or mail that may hold them.
    pub fn may_hold_scans(self) -> bool {
        matches!(
            self,
            Format::Pdf | Format::Image | Format::Zip | Format::Tar | Format::Email | Format::Mbox
        )
    }

    /// The largest file of this format cita reads.
    pub fn max_file_bytes(self) -> u64 {
        if self.reads_bytes() {
            MAX_BYTES_FILE_BYTES
        } else {
            MAX_TEXT_FILE_BYTES
        }
    }

    /// A short lower-case name, as in the index summary.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Json => "json",
            Format::Pdf => "pdf",
            Format::Docx => "docx",
            Format::Odt => "odt",
            Format::Epub => "epub",
            Format::Email => "email",
            Format::Mbox => "mbox",
            Format::Zip => "zip",
            Format::Tar => "tar",
            Format::Image => "image",
            Format::Mhtml => "mhtml",
        }
    }
}

/// Document metadata, whatever format it came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata {
    /// The title.
    pub title: Option<String>,
    /// The publication the document came from.
    pub publication: Option<String>,
    /// The document's URL.
    pub url: Option<String>,
    /// The publication date.
    pub date: Option<Date>,
    /// The author: a message's sender, an office file's creator.
    pub author: Option<String>,
    /// The language the document declares, as written (`es-CO`); checked
    /// into [`Document::language`].
    pub language: Option<String>,
    /// Whether `date` is when the file was made (a template's, a "Save
    /// As"'s, a PDF printer's: a PDF's, a Word or OpenDocument file's, a
    /// page Word saved), which a date its text types (a date line, a press
    /// dateline) beats.
    pub date_made: bool,
}

/// Where a document's date came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DateOrigin {
    /// The document's metadata: front matter, HTML meta tags, JSON fields, PDF info.
    Metadata,
    /// Inferred from the text: its date line or its dateline.
    Text,
}

impl DateOrigin {
    /// Its name in JSON and CSV: `metadata`, `text`.
    pub fn name(self) -> &'static str {
        match self {
            DateOrigin::Metadata => "metadata",
            DateOrigin::Text => "text",
        }
    }
}

/// A unit of document structure, before it is cut into passages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A heading: it becomes the section of the paragraphs below it.
    Heading(String),
    /// The end of the section the last heading opened: the paragraphs
    /// after it lie under no heading (a reply's own text after the
    /// quotation its attribution line headed).
    SectionEnd,
    /// A paragraph of text.
    Paragraph(Paragraph),
}

/// A paragraph and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    /// The text, without markup; no `\r`.
    pub text: String,
    /// How offsets in `text` map to bytes of the source file.
    pub source: SourceMap,
    /// 1-based page, for paged formats.
    pub page: Option<u32>,
    /// For text read by OCR: Tesseract's mean word confidence over the
    /// paragraph, 0–100; `None` for text read directly.
    pub ocr_confidence: Option<u8>,
    /// What the paragraph is, as far as its format tells.
    pub kind: ParagraphKind,
    /// The language its format declares for it alone, which no detection
    /// overrides: an HTML quotation's `<blockquote lang="en">` on a page
    /// in another language.
    pub language: Option<Language>,
}

impl Paragraph {
    /// Whether the paragraph is a lead-in: prose or a list item ending with
    /// a colon, trailing whitespace aside, which is one passage with the
    /// code, list items or table rows after it ([`Block::is_announced`]).
    pub fn is_lead_in(&self) -> bool {
        matches!(self.kind, ParagraphKind::Prose | ParagraphKind::List)
            && text::ends_with_colon(&self.text)
    }
}

impl Block {
    /// Whether the block continues what a lead-in announces: code, a list
    /// item or a table row that is not itself a lead-in.
    pub fn is_announced(&self) -> bool {
        matches!(self, Block::Paragraph(paragraph)
            if paragraph.kind != ParagraphKind::Prose && !paragraph.is_lead_in())
    }
}

/// What a paragraph is, as far as its format tells: a lead-in ending with
/// a colon is joined to the code, list or table after it into one passage
/// (see [`crate::passage`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ParagraphKind {
    /// Running text, or anything the format does not tell apart.
    #[default]
    Prose,
    /// Code or preformatted text: a command, a listing, a program.
    Code,
    /// A list, or one of its items.
    List,
    /// A table, or one of its rows or cells.
    Table,
}

/// How a paragraph's text maps to bytes of its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceMap {
    /// No meaningful file offsets (decoded, extracted or generated text).
    None,
    /// The paragraph as a whole comes from this byte range.
    Whole(Range<usize>),
    /// Stretches of the text copied verbatim from the file.
    Pieces(Vec<Piece>),
}

/// A stretch of paragraph text copied verbatim from the source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    /// Byte offset in the paragraph text.
    pub text_start: usize,
    /// Byte offset in the file.
    pub source_start: usize,
    /// Length in bytes.
    pub len: usize,
}

/// What joins the entries of nested containers in a document's entry: an
/// entry of a ZIP inside a tar is `inner.zip › notes.txt`.
pub const NESTED_ENTRY: &str = " › ";

/// A document as read from the corpus, before it is cut into passages.
#[derive(Debug, Clone)]
pub struct Document {
    /// Path relative to the corpus root, with `/` separators.
    pub source: String,
    /// The file's format.
    pub format: Format,
    /// For JSON feeds: the record's line (JSON Lines) or position (JSON
    /// array); for a mailbox, the message's 1-based position.
    pub record: Option<u64>,
    /// Inside a container: the entry's path in it, or an attachment's name;
    /// nested containers are joined with [`NESTED_ENTRY`] (`pack.zip ›
    /// notes.txt`).
    pub entry: Option<String>,
    /// Metadata, with the date filled in from the text when the metadata had none.
    pub meta: Metadata,
    /// Where `meta.date` came from.
    pub date_origin: Option<DateOrigin>,
    /// Whether a text file's date line (`Fecha: 03/02/2025`) decided
    /// `meta.date`, with no date when it could not be read: no other date
    /// is then inferred from the text (one it cites would misdate it).
    pub date_line_read: bool,
    /// The language the metadata declares, when it names one cita knows
    /// (the indexer detects the language of the others).
    pub language: Option<Language>,
    /// Headings and paragraphs in document order.
    pub blocks: Vec<Block>,
}

/// The warning for a date a document declares (`what`: `front matter
/// date`, `its <meta name="date">`) that cita does not read: a day that
/// does not exist says so.
pub(crate) fn unread_date(what: &str, value: &str) -> String {
    match crate::date::no_such_day(value) {
        Some(why) => format!("{what} {value:?} is no such day ({why}); ignored"),
        None => format!("{what} {value:?} is not a date cita reads (use YYYY-MM-DD); ignored"),
    }
}

/// Blocks as strings, headings marked with `# `: what the format tests compare.
#[cfg(test)]
pub(crate) fn block_texts(blocks: &[Block]) -> Vec<String> {
    blocks
        .iter()
        .map(|block| match block {
            Block::Heading(heading) => format!("# {heading}"),
            Block::SectionEnd => "#".to_string(),
            Block::Paragraph(paragraph) => paragraph.text.clone(),
        })
        .collect()
}

/// Blocks as what they are and their text (`("code", "make")`, headings
/// as `("heading", …)`): what the kind tests compare.
#[cfg(test)]
pub(crate) fn block_kinds(blocks: &[Block]) -> Vec<(&'static str, &str)> {
    blocks
        .iter()
        .map(|block| match block {
            Block::Heading(heading) => ("heading", heading.as_str()),
            Block::SectionEnd => ("heading", ""),
            Block::Paragraph(paragraph) => {
                let kind = match paragraph.kind {
                    ParagraphKind::Prose => "prose",
                    ParagraphKind::Code => "code",
                    ParagraphKind::List => "list",
                    ParagraphKind::Table => "table",
                };
                (kind, paragraph.text.as_str())
            }
        })
        .collect()
}

/// How a table row's cells are joined, in every format that has rows: a
/// visible mark, so that a snippet shows where one cell ends (a tab would
/// be collapsed to a space with the rest of a paragraph's whitespace).
pub(crate) const CELL_SEPARATOR: &str = " | ";

/// A table row's cells as one text: an empty cell between two others is
/// kept (`Nariño |  | 45`: 45 stays under its column, not the empty one's),
/// the empty ones at either end, a layout's spacers, are left out.
pub(crate) fn join_cells(cells: &[String]) -> String {
    let first = cells.iter().position(|cell| !cell.is_empty());
    let last = cells.iter().rposition(|cell| !cell.is_empty());
    match (first, last) {
        (Some(first), Some(last)) => cells[first..=last].join(CELL_SEPARATOR),
        _ => String::new(),
    }
}

/// Titles taken from the text are cut to about this many characters.
const MAX_TITLE_CHARS: usize = 100;

/// A title, publication or author a file gives is cut to about this many
/// characters (and a section heading, `passage`): each passage stores its
/// document's, so a field of a megabyte in a mail's subject or a front
/// matter's title would be stored once per passage.
pub(crate) const MAX_FIELD_CHARS: usize = 500;

/// A longer URL is no link anyone follows (browsers stop near 2,000
/// characters), and is left out.
const MAX_URL_BYTES: usize = 4096;

/// How many paragraphs after a document's first that is a classification
/// marking or a byline alone are looked at for a title (a cable stamped at
/// its top and again on its header's first line).
const MAX_MARKINGS_BEFORE_TITLE: usize = 4;

impl Document {
    /// The text of its paragraphs, in order (headings left out).
    pub fn paragraphs(&self) -> impl Iterator<Item = &str> {
        self.blocks.iter().filter_map(|block| match block {
            Block::Paragraph(paragraph) => Some(paragraph.text.as_str()),
            Block::Heading(_) | Block::SectionEnd => None,
        })
    }

    /// The title: from metadata, else the first heading or first line of
    /// text (shortened; a text file's paragraph up to a byline,
    /// `text::title_lines`; not a classification marking alone,
    /// `CONFIDENTIAL`, when a later one is something else), else the file
    /// path.
    pub fn title(&self) -> String {
        // A metadata title lost its soft hyphens when it was read.
        if let Some(title) = &self.meta.title {
            return title.clone();
        }
        inferred_title(self.format, &self.blocks).map_or_else(
            || self.source.clone(),
            |line| shorten(&without_soft_hyphens(line.trim().into()), MAX_TITLE_CHARS),
        )
    }
}

/// `text` without its soft hyphens (U+00AD), for the texts a passage
/// stores. A soft hyphen only says where a line may break: kept, it hid in
/// the text a reader copies and in the forms `matched` lists
/// (`revoca\u{AD}ción`, which no script's `"revocación"` equals), while
/// the words' terms never held it.
pub(crate) fn without_soft_hyphens(text: Cow<'_, str>) -> Cow<'_, str> {
    if text.contains('\u{AD}') {
        Cow::Owned(text.replace('\u{AD}', ""))
    } else {
        text
    }
}

/// The first lines of `blocks` (a paragraph or heading each), where a
/// memo's or a letter's header block stands, for [`text::header`]. A
/// table row of two cells is a field and its value (`Fecha | 03/02/2025`
/// is `Fecha: 03/02/2025`), as memos typed in Word lay their header out.
fn leading_lines(blocks: &[Block]) -> String {
    let lines = blocks.iter().take(text::HEADER_LINES).map(|block| {
        let line = match block {
            Block::Heading(heading) => heading.as_str(),
            Block::Paragraph(paragraph) => paragraph.text.as_str(),
            Block::SectionEnd => "",
        };
        match line.split(" | ").collect::<Vec<_>>().as_slice() {
            [label, value] => format!("{}: {}", label.trim().trim_end_matches(':'), value.trim()),
            _ => line.to_string(),
        }
    });
    lines.collect::<Vec<_>>().join("\n")
}

/// Whether a metadata author (a PDF's, a Word or OpenDocument file's, a web
/// page's) is the name an operating system, an office suite or a
/// computer's maker gives its user (`Windows User`, `Usuario de Microsoft
/// Office`, `Preferred Customer`, `HP`, `Admin`), which no citation should
/// name as the author.
pub(super) fn is_placeholder_author(author: &str) -> bool {
    const PLACEHOLDERS: &[&str] = &[
        "user",
        "usuario",
        "utilisateur",
        "benutzer",
        "utente",
        "usuário",
        "windows user",
        "usuario de windows",
        "utilisateur windows",
        "windows-benutzer",
        "utente di windows",
        "microsoft office user",
        "usuario de microsoft office",
        "utilisateur de microsoft office",
        "microsoft office-benutzer",
        "utente di microsoft office",
        "usuário do microsoft office",
        "preferred customer",
        "valued customer",
        "cliente preferido",
        "registered user",
        "usuario registrado",
        "admin",
        "administrator",
        "administrador",
        "administrateur",
        "amministratore",
        "owner",
        "propietario",
        "guest",
        "invitado",
        "unknown",
        "desconocido",
        "desconhecido",
        "inconnu",
        "inconnue",
        "unbekannt",
        "sconosciuto",
        "author",
        "autor",
        "auteur",
        "autore",
        "hp",
        "hp inc.",
        "dell",
        "lenovo",
        "acer",
        "asus",
        "toshiba",
        "pc",
        "python-docx",
        "apache poi",
    ];
    let lower = author.trim().to_lowercase();
    PLACEHOLDERS.contains(&lower.as_str())
}

/// A byline's name without the word it opens with (`By Juan Forero`,
/// `BY JUAN FORERO`, `Por María Jimena Duzán`, `Par Jean Dupont`, `By: …`),
/// as news sites write their `byl` meta and feeds their bylines; none when
/// no letter is left (`By:`, `By`). Only for bylines: `Por Colombia` is an
/// organization's name in a mail's sender.
pub(super) fn byline_name(byline: &str) -> Option<&str> {
    let byline = byline.trim();
    let name = ["by", "por", "par"]
        .iter()
        .find_map(|word| {
            let opening = byline.get(..word.len())?;
            let rest = &byline[word.len()..];
            // `By:Juan` as `By: Juan`, but `Bywater` and `Parra` are names.
            let (rest, colon) = match rest.strip_prefix(':') {
                Some(rest) => (rest, true),
                None => (rest, false),
            };
            (opening.eq_ignore_ascii_case(word)
                && (colon || rest.is_empty() || rest.starts_with(char::is_whitespace)))
            .then(|| rest.trim_start())
        })
        .unwrap_or(byline);
    name.chars().any(char::is_alphabetic).then_some(name)
}

/// Whether a metadata title (a PDF's, a Word or OpenDocument file's, a web
/// page's) is one a program wrote rather than the author: `Untitled`,
/// `Document1`, `Sin título`, a new file's name (`Documento sin título`,
/// `Nuevo documento de Microsoft Word`), or a file's name (`Microsoft Word -
/// memo_final_v3.docx`, as Word's PDF printer writes it; `scan0042.pdf`;
/// `informe_final_v3` in `informe_final_v3.docx`, `stem`, a name without a
/// space but with an underscore or a digit, as a converter copies it). The
/// text titles such a document instead.
fn is_placeholder_title(title: &str, stem: Option<&str>) -> bool {
    const UNTITLED: &[&str] = &[
        "untitled",
        "untitled document",
        "document",
        "word document",
        "microsoft word document",
        "new microsoft word document",
        "presentation",
        "powerpoint presentation",
        "title",
        "sin título",
        "sin titulo",
        "documento",
        "documento sin título",
        "documento sin titulo",
        "documento de microsoft word",
        "nuevo documento de microsoft word",
        "presentación",
        "presentación de powerpoint",
        "título",
        "sans titre",
        "ohne titel",
        "senza titolo",
        "sem título",
    ];
    const FILE_EXTENSIONS: &[&str] = &[
        "doc", "docx", "odt", "rtf", "txt", "pdf", "wpd", "xls", "xlsx", "ppt", "pptx", "tif",
        "tiff", "jpg", "jpeg", "png",
    ];
    let lower = title.trim().to_lowercase();
    let named = [
        "microsoft word - ",
        "microsoft powerpoint - ",
        "microsoft excel - ",
    ]
    .iter()
    .find_map(|program| lower.strip_prefix(program))
    .unwrap_or(&lower);
    let unnumbered = named.trim_end_matches(|c: char| c.is_ascii_digit() || " -_()".contains(c));
    let file_name = named
        .rsplit_once('.')
        .is_some_and(|(stem, extension)| !stem.is_empty() && FILE_EXTENSIONS.contains(&extension));
    // Shaped as a file name, not a word (`Acta` in `acta.docx` is a title).
    let file_shaped = !named.contains(char::is_whitespace)
        && named.contains(|c: char| c == '_' || c.is_ascii_digit());
    let own_name = file_shaped && stem.is_some_and(|stem| stem.to_lowercase() == named);
    UNTITLED.contains(&unnumbered) || file_name || own_name
}

/// The line of `blocks` that titles a document of `format` without a title
/// in its metadata: the first heading or first line of text (a text file's
/// paragraph up to a byline, `text::title_lines`; not a classification
/// marking alone, `CONFIDENTIAL`, when a later one is something else).
fn inferred_title(format: Format, blocks: &[Block]) -> Option<&str> {
    let mut lines = blocks.iter().filter_map(|block| match block {
        Block::Heading(heading) => Some(heading.as_str()),
        Block::SectionEnd => None,
        Block::Paragraph(paragraph) if format == Format::Text => {
            text::title_lines(paragraph).lines().next()
        }
        Block::Paragraph(paragraph) => paragraph.text.lines().next(),
    });
    // A classification marking, or a byline set above the headline (`Por
    // ALFONSO LÓPEZ MICHELSEN`), is not what the document is called.
    let no_title = |line: &str| text::is_marking(line) || text::is_byline_above(line);
    let first = lines.next();
    match first {
        Some(line) if no_title(line) => lines
            .take(MAX_MARKINGS_BEFORE_TITLE)
            .find(|line| !no_title(line))
            .or(first),
        _ => first,
    }
}

/// `text` with each run of whitespace made one space, and none at either
/// end. Builds the string directly: collecting the words first cost 16
/// bytes per word (77 MB for a 10 MB run of one-letter words).
pub(crate) fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// `text` cut at the last space within `max_chars` characters, with `…`, if it is longer.
pub(crate) fn shorten(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        None => text.to_string(),
        Some((cut, _)) => {
            let head = &text[..cut];
            let head = head
                .rfind(char::is_whitespace)
                .map_or(head, |space| &head[..space]);
            format!("{}…", head.trim_end())
        }
    }
}

/// Why a file was skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// Binary data.
    Binary,
    /// Text in no encoding cita can decode.
    Undecodable,
    /// Could not be read (permissions, vanished, I/O error) or walked (symlink loop).
    Unreadable,
    /// Not valid in its format (broken JSON or PDF).
    Malformed,
    /// An encrypted PDF.
    Encrypted,
    /// A PDF without a text layer (and, with OCR, none found by it), or
    /// an image OCR found no text in or is off for.
    NoText,
    /// A scan or an image that needs OCR, and Tesseract (or `pdftoppm`)
    /// is not installed.
    OcrUnavailable,
    /// cita itself failed on the file (a bug: please report it).
    Internal,
    /// A file larger than cita reads: [`MAX_TEXT_FILE_BYTES`], or
    /// [`MAX_BYTES_FILE_BYTES`] for a format read as bytes (PDF, office,
    /// mail, bundles); or a container that unpacks to more than its
    /// [`Limits`] allow.
    TooLarge,
}

impl SkipReason {
    /// A short description, as in the index summary.
    pub fn describe(self) -> &'static str {
        match self {
            SkipReason::Binary => "binary",
            SkipReason::Undecodable => "undecodable",
            SkipReason::Unreadable => "unreadable",
            SkipReason::Malformed => "malformed",
            SkipReason::Encrypted => "encrypted",
            SkipReason::NoText => "no text",
            SkipReason::OcrUnavailable => "OCR unavailable",
            SkipReason::Internal => "internal error",
            SkipReason::TooLarge => "too large",
        }
    }
}

/// Why a file or an entry was not read: the reason and a one-line message.
pub type Refusal = (SkipReason, String);

/// A problem with a file: skipped whole (`skipped` set), or only partly read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The path, as found under the corpus folder.
    pub path: PathBuf,
    /// What happened.
    pub message: String,
    /// Why the file was skipped, if it was.
    pub skipped: Option<SkipReason>,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

/// What reading one file gave.
#[derive(Debug, Clone)]
pub struct FileOutcome {
    /// The file's format.
    pub format: Format,
    /// Its documents: one, or one per record of a feed; none when skipped.
    pub documents: Vec<Document>,
    /// Problems met, including why it was skipped.
    pub warnings: Vec<Warning>,
    /// The images OCR read, by Tesseract or from its cache.
    pub ocr: ocr::OcrCounts,
    /// Which of `warnings` says that a container in the file breaks off
    /// (a copy cut short): the file is read only up to the break.
    pub broken_off: Option<usize>,
}

/// Which files of the corpus to read.
#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    /// Globs (relative to the corpus) of files and folders to leave out.
    pub exclude: Vec<String>,
    /// A folder to leave out (the index's own, when it lies in the
    /// corpus), however the walk reaches it: by its path or through a
    /// symbolic link.
    pub leave_out: Option<PathBuf>,
    /// Whether a folder is left out whole (another cita index, or a
    /// folder of shards, in the corpus: its files are no documents).
    pub is_left_out: Option<fn(&Path) -> bool>,
}

/// What the walk of a corpus finds.
#[derive(Debug)]
pub enum Listed {
    /// A file cita reads, in this format.
    File(PathBuf, Format),
    /// A file of a type cita does not read (counted by extension in the
    /// index report, so nothing disappears silently).
    Ignored(PathBuf),
    /// What could not be walked.
    Unwalkable(Warning),
}

/// How the index report names the type of an ignored file: its extension,
/// lowercase with its dot (`.eml`), or `no extension`.
pub fn extension_label(path: &Path) -> String {
    path.extension()
        .map(|extension| format!(".{}", extension.to_string_lossy().to_lowercase()))
        .unwrap_or_else(|| "no extension".to_string())
}

/// Whether a file or folder named `name` is hidden, and so left out
/// without a word wherever it is met: on disk by the corpus walk, and in a
/// ZIP or a tar by the reading of its entries ([`is_hidden_entry`]). A
/// hidden name starts with `.` (`.git`, `.DS_Store`, and the `._name`
/// AppleDouble files in which macOS keeps a file's Finder metadata where
/// the file itself cannot), or is `__MACOSX`, the folder the Finder's
/// compressed folders put those files in.
fn is_hidden(name: &OsStr) -> bool {
    name.as_encoded_bytes().starts_with(b".") || name == "__MACOSX"
}

/// How browsers name the folder of a page saved whole ("Save page as…,
/// complete"), after the page's own name: English, Spanish, Portuguese,
/// French and German Windows and browsers.
const SAVED_PAGE_FOLDER_SUFFIXES: &[&str] =
    &["_files", "_archivos", "_arquivos", "_fichiers", "-Dateien"];

/// Whether the folder at `path` holds a saved page's resources: its name
/// is a page's beside it (`Story.html`) and a browser's suffix
/// (`Story_files`). Its scripts, ads' frames, styles and images are the
/// page's furniture, not documents.
fn is_saved_page_folder(path: &Path) -> bool {
    let (Some(name), Some(parent)) = (path.file_name().and_then(OsStr::to_str), path.parent())
    else {
        return false;
    };
    SAVED_PAGE_FOLDER_SUFFIXES.iter().any(|suffix| {
        name.strip_suffix(suffix).is_some_and(|page| {
            !page.is_empty()
                && ["html", "htm"]
                    .iter()
                    .any(|extension| parent.join(format!("{page}.{extension}")).is_file())
        })
    })
}

/// Whether the entry `name` of a ZIP or a tar (a path inside it) is
/// hidden: the entry itself, or a folder on its path ([`is_hidden`]). A
/// leading `./` (tar writes `./notes.txt` for a folder given as `.`) and
/// `..` are steps of the path, not names.
fn is_hidden_entry(name: &str) -> bool {
    Path::new(name).components().any(|part| match part {
        Component::Normal(name) => is_hidden(name),
        _ => false,
    })
}

/// Every file under `corpus`, in a stable order, or a warning for what
/// could not be walked. Hidden (`is_hidden`) and ignored (`.gitignore`,
/// `.ignore`, `.citaignore`, `--exclude`) files are left out without a word.
pub fn files(corpus: &Path, options: &WalkOptions) -> Result<impl Iterator<Item = Listed>> {
    let mut builder = WalkBuilder::new(corpus);
    builder
        // Hidden files are left out by `is_hidden`, the one rule that
        // containers' entries follow too: the walker's own cannot be asked
        // about a name inside a container (and on Windows it also takes
        // the hidden attribute, which no entry has).
        .hidden(false)
        .parents(false)
        .ignore(true)
        .git_ignore(true)
        .git_global(false)
        .git_exclude(false)
        .require_git(false)
        .add_custom_ignore_filename(".citaignore")
        .follow_links(true)
        .sort_by_file_name(|a, b| a.cmp(b));
    if let Some(overrides) = exclusions(corpus, &options.exclude)? {
        builder.overrides(overrides);
    }
    let left_out = options.leave_out.as_deref().and_then(|folder| {
        let name = folder.canonicalize().ok()?.file_name()?.to_os_string();
        Some((name, Handle::from_path(folder).ok()?))
    });
    let is_left_out = options.is_left_out;
    builder.filter_entry(move |entry| {
        if is_hidden(entry.file_name()) {
            return false;
        }
        let is_dir = entry.file_type().is_some_and(|kind| kind.is_dir());
        if is_dir && is_saved_page_folder(entry.path()) {
            return false;
        }
        if is_dir && is_left_out.is_some_and(|is_left_out| is_left_out(entry.path())) {
            return false;
        }
        let Some((name, left_out)) = &left_out else {
            return true;
        };
        // Only a folder of its own name, or reached through a link, can be
        // it: the others are not opened to be compared.
        let candidate = entry.file_type().is_some_and(|kind| kind.is_dir())
            && (entry.path_is_symlink() || entry.file_name() == name);
        !candidate || Handle::from_path(entry.path()).ok().as_ref() != Some(left_out)
    });
    let corpus = corpus.to_path_buf();
    Ok(builder.build().filter_map(move |entry| match entry {
        Err(err) => {
            let path = error_path(&err).unwrap_or(&corpus).to_path_buf();
            // A loop leads back to files walked already, and links that
            // lead to each other to no file: nothing is left out.
            let (message, skipped) = if links_in_a_loop(&path) {
                ("symbolic link loop, not followed".to_string(), None)
            } else {
                let folder_loop = matches!(unwrapped(&err), ignore::Error::Loop { .. });
                (
                    walk_message(&err),
                    (!folder_loop).then_some(SkipReason::Unreadable),
                )
            };
            Some(Listed::Unwalkable(Warning {
                path,
                message,
                skipped,
            }))
        }
        // Files, and what is neither a file nor a folder (a FIFO, a device,
        // a socket, or a symbolic link to one): those are listed too, so that
        // nothing disappears silently, and refused unopened when read.
        Ok(entry) if entry.file_type().is_some_and(|t| !t.is_dir()) => {
            Some(match Format::of(entry.path()) {
                Some(format) => Listed::File(entry.into_path(), format),
                None => Listed::Ignored(entry.into_path()),
            })
        }
        Ok(_) => None,
    }))
}

/// What the `--exclude` globs leave out, if there are any.
pub(crate) fn exclusions(corpus: &Path, globs: &[String]) -> Result<Option<Override>> {
    if globs.is_empty() {
        return Ok(None);
    }
    let mut overrides = OverrideBuilder::new(corpus);
    for glob in globs {
        if glob.starts_with('!') {
            return Err(Error::InvalidOption(format!(
                "--exclude {glob:?}: negated globs are not supported; exclude less instead"
            )));
        }
        let excluded = format!("!{glob}");
        overrides.add(&excluded).map_err(|err| {
            // The glob parser names the glob it was given, not the user's.
            let reason = err
                .to_string()
                .replace(&format!("'{excluded}'"), &format!("'{glob}'"));
            Error::InvalidOption(format!("invalid --exclude glob {glob:?}: {reason}"))
        })?;
    }
    overrides
        .build()
        .map(Some)
        .map_err(|err| Error::InvalidOption(format!("invalid --exclude globs: {err}")))
}

/// Whether `path` is a symbolic link whose links lead back to one of them
/// (`self -> self`; `a -> b`, `b -> ./a`; `d/l -> ../e/l`, `e/l ->
/// ../d/l`): the system says "too many levels of symbolic links" and there
/// is no file behind it. Links are told apart by device and inode, not by
/// how their paths are spelt (`d/../d/s` is `d/s`), and followed as far as
/// the kernel follows them.
#[cfg(unix)]
fn links_in_a_loop(path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    /// Linux's bound on the links one lookup follows.
    const MAX_LINKS: usize = 40;
    let mut seen = HashSet::new();
    let mut at = path.to_path_buf();
    for _ in 0..=MAX_LINKS {
        let (Ok(link), Ok(target)) = (std::fs::symlink_metadata(&at), std::fs::read_link(&at))
        else {
            return false;
        };
        if !seen.insert((link.dev(), link.ino())) {
            return true;
        }
        at = at
            .parent()
            .map_or_else(|| target.clone(), |dir| dir.join(&target));
    }
    false
}

/// None where links have no inode to tell them apart by.
#[cfg(not(unix))]
fn links_in_a_loop(_path: &Path) -> bool {
    false
}

fn error_path(err: &ignore::Error) -> Option<&Path> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::Loop { child, .. } => Some(child),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Partial(errors) => errors.iter().find_map(error_path),
        _ => None,
    }
}

fn walk_message(err: &ignore::Error) -> String {
    match unwrapped(err) {
        ignore::Error::Loop { ancestor, .. } => {
            format!(
                "symbolic link loop back to {}, not followed",
                ancestor.display()
            )
        }
        ignore::Error::Io(io) => format!("cannot read: {io}"),
        other => other.to_string(),
    }
}

/// The walker's error without the path and depth it is wrapped in.
fn unwrapped(err: &ignore::Error) -> &ignore::Error {
    match err {
        ignore::Error::WithPath { err, .. } | ignore::Error::WithDepth { err, .. } => {
            unwrapped(err)
        }
        other => other,
    }
}

/// The corpus-relative path of `path` with `/` separators.
pub fn relative_source(corpus: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(corpus).unwrap_or(path);
    relative
        .components()
        .map(|part| part.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Text, Markdown, HTML and JSON files larger than this (256 MiB) are
/// skipped ([`SkipReason::TooLarge`]) without being read: a file is read
/// whole and its text held while it is cut into passages, so a reader needs
/// a few times the file's size.
pub const MAX_TEXT_FILE_BYTES: u64 = 256 << 20;

/// Files of the formats read as bytes ([`Format::reads_bytes`]: PDF,
/// office, e-mail, bundles) larger than this (1 GiB) are skipped the same
/// way: their text is a small part of them (a scanned book runs to hundreds
/// of MB), but they are read whole.
pub const MAX_BYTES_FILE_BYTES: u64 = 1 << 30;

/// What reading a file gave: its bytes, or a refusal made after reading
/// only its head.
#[derive(Debug)]
pub enum Contents {
    /// The whole file.
    Whole(Vec<u8>),
    /// Refused from its first bytes (`head`: binary data, no PDF header) or
    /// its size (`head` empty); `warning` says why.
    Refused {
        /// What was read before the refusal.
        head: Vec<u8>,
        /// The reason, as a skipping warning.
        warning: Warning,
    },
}

impl Contents {
    /// A hash of what was read and, for a refusal, of why: equal hashes
    /// mean the same outcome (a file refused for its size and an empty file
    /// read no bytes, yet differ).
    pub fn hash(&self) -> u64 {
        match self {
            Contents::Whole(bytes) => xxhash_rust::xxh3::xxh3_64(bytes),
            Contents::Refused { head, warning } => xxhash_rust::xxh3::xxh3_64_with_seed(
                head,
                xxhash_rust::xxh3::xxh3_64(warning.message.as_bytes()),
            ),
        }
    }
}

/// Reads the file at `path` as far as its format needs: nothing of a file
/// over [`Format::max_file_bytes`], only the first [`decode::SNIFF_BYTES`]
/// of a binary file in a text or mail format (or of a "PDF" without a PDF header),
/// else all of it. Anything but a regular file (a FIFO, a device,
/// what a symbolic link to one leads to) is refused unopened, since opening
/// or reading it could block or never end; an error is an I/O error.
pub fn read_contents(path: &Path, format: Format) -> std::io::Result<Contents> {
    use std::io::Read;
    let refuse = |head: Vec<u8>, reason: SkipReason, message: String| Contents::Refused {
        head,
        warning: Warning {
            path: path.to_path_buf(),
            message: format!("{message}, skipped"),
            skipped: Some(reason),
        },
    };
    let not_regular = |kind: std::fs::FileType| {
        refuse(
            Vec::new(),
            SkipReason::Unreadable,
            format!("not a regular file ({})", file_kind(kind)),
        )
    };
    let kind = std::fs::metadata(path)?.file_type();
    if !kind.is_file() {
        return Ok(not_regular(kind));
    }
    let file = std::fs::File::open(path)?;
    // It could have been replaced between the look and the opening.
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        return Ok(not_regular(metadata.file_type()));
    }
    let limit = format.max_file_bytes();
    let too_large = |size: u64| {
        refuse(
            Vec::new(),
            SkipReason::TooLarge,
            format!(
                "{} MB, more than the {} MB cita reads of a {} file",
                size.div_ceil(1 << 20),
                limit >> 20,
                format.name()
            ),
        )
    };
    if metadata.len() > limit {
        return Ok(too_large(metadata.len()));
    }
    let mut file = file;
    let mut bytes = Vec::new();
    (&mut file)
        .take(decode::SNIFF_BYTES as u64)
        .read_to_end(&mut bytes)?;
    // An empty file is read as empty (see `bytes`), whatever its format.
    if format == Format::Pdf && !bytes.is_empty() {
        if !pdf::has_header(&bytes) {
            return Ok(refuse(
                bytes,
                SkipReason::Malformed,
                "not a PDF (no %PDF- header)".to_string(),
            ));
        }
    } else if format.is_text() && decode::is_binary_head(&bytes) {
        return Ok(refuse(bytes, SkipReason::Binary, "binary file".to_string()));
    }
    // The size is a hint (the file may change while it is read); without
    // the memory for it, the buffer grows as it is read.
    let rest = usize::try_from(metadata.len()).unwrap_or(usize::MAX);
    let _ = bytes.try_reserve_exact(rest.saturating_sub(bytes.len()).saturating_add(1));
    (&mut file)
        .take(limit + 1 - bytes.len() as u64)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Ok(too_large(bytes.len() as u64));
    }
    Ok(Contents::Whole(bytes))
}

/// What a file that is not a regular file is, in words.
fn file_kind(kind: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if kind.is_dir() {
        "a folder"
    } else {
        "a special file"
    }
}

/// How files are read: the limits on containers, the `--exclude`
/// globs that also apply to their entries, and OCR.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Limits against archive bombs.
    pub limits: Limits,
    /// What `--exclude` leaves out, matched against an entry as if it were
    /// a file under its container's path (`pack.zip/drafts/a.txt`).
    pub exclude: Option<Override>,
    /// How images and PDF pages without text are OCR'd; `None` (the
    /// default) turns OCR off: they are refused, and Tesseract never runs.
    pub ocr: Option<ocr::OcrOptions>,
}

impl ReadOptions {
    /// Reading under `limits`, leaving out what the `exclude` globs match.
    pub fn new(corpus: &Path, exclude: &[String], limits: Limits) -> Result<ReadOptions> {
        Ok(ReadOptions {
            limits,
            exclude: exclusions(corpus, exclude)?,
            ocr: None,
        })
    }
}

/// Reads one file into its documents.
pub fn read_file(corpus: &Path, path: &Path, format: Format, options: &ReadOptions) -> FileOutcome {
    match read_contents(path, format) {
        Ok(contents) => parse_contents(corpus, path, format, contents, options),
        Err(err) => unreadable(path, format, &err),
    }
}

/// Turns what [`read_contents`] read of the file at `path` into its
/// documents, or the warning that refused it.
pub fn parse_contents(
    corpus: &Path,
    path: &Path,
    format: Format,
    contents: Contents,
    options: &ReadOptions,
) -> FileOutcome {
    match contents {
        Contents::Whole(bytes) => parse_file(corpus, path, format, bytes, options),
        Contents::Refused { warning, .. } => FileOutcome {
            format,
            documents: Vec::new(),
            warnings: vec![warning],
            ocr: ocr::OcrCounts::default(),
            broken_off: None,
        },
    }
}

/// The outcome for a file that could not be read.
pub fn unreadable(path: &Path, format: Format, err: &std::io::Error) -> FileOutcome {
    FileOutcome {
        format,
        documents: Vec::new(),
        warnings: vec![Warning {
            path: path.to_path_buf(),
            message: format!("cannot read ({err}), skipped"),
            skipped: Some(SkipReason::Unreadable),
        }],
        ocr: ocr::OcrCounts::default(),
        broken_off: None,
    }
}

/// Turns the bytes of the file at `path` into its documents.
pub fn parse_file(
    corpus: &Path,
    path: &Path,
    format: Format,
    bytes: Vec<u8>,
    options: &ReadOptions,
) -> FileOutcome {
    let unpacker = Unpacker::for_file(options.limits, bytes.len() as u64);
    let mut reading = Reading {
        corpus,
        path,
        source: relative_source(corpus, path),
        options,
        unpacker: &unpacker,
        outcome: FileOutcome {
            format,
            documents: Vec::new(),
            warnings: Vec::new(),
            ocr: ocr::OcrCounts::default(),
            broken_off: None,
        },
        ignored: BTreeMap::new(),
        too_deep: None,
        past_budget: None,
        over_ratio: None,
        refused_within: Vec::new(),
    };
    reading.bytes(&Place::default(), format, bytes);
    reading.say_too_deep();
    reading.say_past_budget();
    reading.say_over_ratio();
    reading.say_ignored();
    reading.say_nothing_read();
    finish(reading.outcome, path)
}

/// Where bytes being read sit in their file: the file itself, or an entry
/// of a container in it (nested `depth` containers deep).
#[derive(Debug, Clone, Default)]
struct Place {
    entry: Option<String>,
    /// `entry` by each entry's own name, without the `name (2)` telling
    /// two of one name apart: what `--exclude` reads.
    named: Option<String>,
    record: Option<u64>,
    depth: u32,
    /// An attachment is dated like its message.
    date: Option<Date>,
    /// An attachment is authored by its message's sender when it names no
    /// author of its own: the passages a sender's filter keeps are all
    /// they sent.
    sender: Option<String>,
}

/// The names of one container's entries met so far, to tell apart two
/// entries of the same name (a ZIP may hold both; mails often attach two
/// `image001.png`): the second is `name (2)`.
#[derive(Default)]
struct EntryNames(HashMap<String, u32>);

impl EntryNames {
    fn unique(&mut self, name: &str) -> String {
        let seen = self.0.entry(name.to_string()).or_default();
        *seen += 1;
        match *seen {
            1 => name.to_string(),
            n => format!("{name} ({n})"),
        }
    }
}

impl Place {
    /// The entry `name` of the container at this place, whose own name is
    /// `own_name` (`name` is `own_name (2)` for the second of that name).
    fn inner(&self, name: &str, own_name: &str) -> Place {
        let within = |outer: &Option<String>, name: &str| match outer {
            Some(outer) => format!("{outer}{NESTED_ENTRY}{name}"),
            None => name.to_string(),
        };
        Place {
            entry: Some(within(&self.entry, name)),
            named: Some(within(&self.named, own_name)),
            record: self.record,
            depth: self.depth + 1,
            date: self.date,
            sender: self.sender.clone(),
        }
    }
}

/// One file being read, with every document and warning found in it and
/// in whatever it contains.
struct Reading<'a> {
    corpus: &'a Path,
    path: &'a Path,
    source: String,
    options: &'a ReadOptions,
    unpacker: &'a Unpacker,
    outcome: FileOutcome,
    /// Entries of types cita does not read, by extension label: said in
    /// one warning for the whole file.
    ignored: BTreeMap<String, usize>,
    /// The first container nested past `--max-depth`, and how many there
    /// are: said in one warning for the whole file (a ZIP of ZIPs fans out
    /// to thousands).
    too_deep: Option<(Place, usize)>,
    /// The first entry refused once the file had unpacked all it may, and
    /// how many were: said in one warning (thousands of small entries
    /// after a large one each made a warning).
    past_budget: Option<(Place, usize)>,
    /// The first entry refused for unpacking past the ratio to its packed
    /// size, and how many were: said in one warning (a bomb of a hundred
    /// entries made a hundred).
    over_ratio: Option<(Place, usize)>,
    /// Why each entry or message refused was refused, and whether it was
    /// a message (of a mailbox): a file nothing in which could be read,
    /// all for one reason, is refused for it.
    refused_within: Vec<(SkipReason, bool)>,
}

impl Reading<'_> {
    /// A problem at `place`: `skipped` says the file (at the top) or the
    /// entry was not read.
    fn warn(&mut self, place: &Place, skipped: Option<SkipReason>, message: String) {
        let message = match skipped {
            Some(_) => format!("{message}, skipped"),
            None => message,
        };
        if let Some(reason) = skipped
            && (place.entry.is_some() || place.record.is_some())
        {
            let message = place.entry.is_none();
            self.refused_within.push((reason, message));
        }
        let (message, skipped) = match (&place.entry, place.record) {
            (None, None) => (message, skipped),
            // The file itself is read: an entry's problem is a partial
            // read, and so is a mailbox message's.
            (Some(entry), None) => (format!("entry {entry}: {message}"), None),
            (Some(entry), Some(record)) => {
                (format!("message {record}, entry {entry}: {message}"), None)
            }
            (None, Some(record)) => (format!("message {record}: {message}"), None),
        };
        self.outcome.warnings.push(Warning {
            path: self.path.to_path_buf(),
            message,
            skipped,
        });
    }

    /// A document a reader read whole, its notes warned of, or why it
    /// could not be read.
    fn read_document(
        &mut self,
        place: &Place,
        format: Format,
        read: Result<(Metadata, Vec<Block>, Vec<String>), Refusal>,
    ) {
        match read {
            Ok((meta, blocks, notes)) => {
                for note in notes {
                    self.warn(place, None, note);
                }
                match format {
                    Format::Docx | Format::Odt => self.typed_document(place, format, meta, blocks),
                    Format::Mhtml if meta.date_made => {
                        self.typed_document(place, format, meta, blocks)
                    }
                    _ => self.document(place, format, meta, blocks),
                }
            }
            Err(refusal) => self.refused(place, refusal),
        }
    }

    /// The file at `place`: the file read, or the innermost entry.
    fn file_name<'p>(&'p self, place: &'p Place) -> &'p Path {
        place.entry.as_deref().map_or(self.path, |entry| {
            Path::new(entry.rsplit(NESTED_ENTRY).next().unwrap_or(entry))
        })
    }

    /// Whether `title` is a placeholder ([`is_placeholder_title`]) for the
    /// file at `place`.
    fn is_placeholder(&self, place: &Place, title: &str) -> bool {
        let stem = self.file_name(place).file_stem();
        is_placeholder_title(title, stem.map(|stem| stem.to_string_lossy()).as_deref())
    }

    fn refused(&mut self, place: &Place, refusal: Refusal) {
        if refusal == self.unpacker.past_budget() {
            self.past_budget.get_or_insert_with(|| (place.clone(), 0)).1 += 1;
            return;
        }
        if refusal == self.unpacker.over_ratio() {
            self.over_ratio.get_or_insert_with(|| (place.clone(), 0)).1 += 1;
            return;
        }
        let (reason, message) = refusal;
        self.warn(place, Some(reason), message);
    }

    fn document(&mut self, place: &Place, format: Format, mut meta: Metadata, blocks: Vec<Block>) {
        // What a program wrote in a file's metadata; a mail's subject and
        // front matter are what a person typed, file name or not.
        if matches!(
            format,
            Format::Pdf | Format::Docx | Format::Odt | Format::Html
        ) {
            meta.title = meta
                .title
                .filter(|title| !self.is_placeholder(place, title));
        }
        // Calibre's `Unknown` too.
        if matches!(
            format,
            Format::Pdf | Format::Docx | Format::Odt | Format::Html | Format::Epub
        ) {
            meta.author = meta.author.filter(|author| !is_placeholder_author(author));
        }
        for field in [&mut meta.title, &mut meta.publication, &mut meta.author] {
            if let Some(value) = field.as_mut() {
                let cleaned = match without_soft_hyphens(value.as_str().into()) {
                    Cow::Owned(cleaned) => Some(cleaned),
                    Cow::Borrowed(_) => None,
                };
                if let Some(cleaned) = cleaned {
                    *value = cleaned;
                }
                if value.len() > MAX_FIELD_CHARS {
                    *value = shorten(value, MAX_FIELD_CHARS);
                }
            }
        }
        meta.url = meta.url.filter(|url| url.len() <= MAX_URL_BYTES);
        // An attachment is dated like its message, whatever date its own
        // metadata, a date line or a dateline give; a forwarded message
        // keeps the date it was written on.
        let dated_by_message =
            place.date.is_some() && !(format == Format::Email && meta.date.is_some());
        if dated_by_message {
            meta.date = place.date;
        }
        if meta.author.is_none() {
            meta.author = place.sender.clone();
        }
        self.outcome.documents.push(Document {
            source: self.source.clone(),
            format,
            record: place.record,
            entry: place.entry.clone(),
            meta,
            date_origin: dated_by_message.then_some(DateOrigin::Metadata),
            date_line_read: false,
            language: None,
            blocks,
        });
    }

    /// Adds a document typed in a word processor (Word, OpenDocument, a
    /// page Word saved): a memo's or a letter's header block (`Asunto:`,
    /// `Fecha:`) in its first paragraphs titles and dates it.
    fn typed_document(
        &mut self,
        place: &Place,
        format: Format,
        meta: Metadata,
        blocks: Vec<Block>,
    ) {
        let header = leading_lines(&blocks);
        self.headed_document(place, format, meta, blocks, Some(header));
    }

    /// Adds a document whose text may open with a header block (a text
    /// file's, or the lines OCR read on a scan's first page: `header`): its
    /// subject line titles it, unless its metadata does, and its date line
    /// dates it.
    fn headed_document<H: AsRef<str>>(
        &mut self,
        place: &Place,
        format: Format,
        mut meta: Metadata,
        blocks: Vec<Block>,
        header: Option<H>,
    ) {
        let Some(header) = header else {
            return self.document(place, format, meta, blocks);
        };
        let header = text::header(
            header.as_ref(),
            declared_day_order(meta.language.as_deref()),
        );
        // A reference line titles a document only instead of a form's
        // heading: a ruling's `Referencia: expediente …` is no better a
        // title than `Sentencia T-025/04`.
        let subject = header.subject.or_else(|| {
            header
                .reference
                .filter(|_| inferred_title(format, &blocks).is_none_or(text::is_form_heading))
        });
        if (meta.title.as_deref()).is_none_or(|title| self.is_placeholder(place, title)) {
            meta.title = subject.map(|subject| shorten(&subject, MAX_TITLE_CHARS));
        }
        self.document(place, format, meta, blocks);
        if let Some(said) = header.date {
            self.date_line(place, said);
        }
    }

    /// Dates the document just read by what its date line `said`, unless
    /// its metadata dated it other than by when the file was made: by the
    /// date it gives, or none when it cannot be read, with a warning. A
    /// date line that could be either of two days keeps the date the file
    /// was made when it is one of them; else that date is not the
    /// document's (a memo of 1962 typed again in 2012) and it is undated.
    fn date_line(&mut self, place: &Place, said: LabelledDate) {
        let Some(document) = self.outcome.documents.last_mut() else {
            return;
        };
        let dated_by_message = document.date_origin.is_some();
        let meta = &document.meta;
        let kept = match &said {
            LabelledDate::Date(_) => meta.date.is_some() && !meta.date_made,
            LabelledDate::Unreadable { readings, .. } => meta
                .date
                .is_some_and(|made| !meta.date_made || readings.contains(&made)),
        };
        if dated_by_message || kept {
            return;
        }
        document.date_line_read = true;
        match said {
            LabelledDate::Date(date) => document.meta.date = Some(date),
            LabelledDate::Unreadable { why, .. } => {
                document.meta.date = None;
                let said = format!(
                    "its date line {why}; left undated, not dated by a date its text cites (front matter date: YYYY-MM-DD dates it)"
                );
                self.warn(place, None, said);
            }
        }
    }

    /// Reads `bytes` of `format` found at `place`.
    fn bytes(&mut self, place: &Place, format: Format, bytes: Vec<u8>) {
        // No bytes hold nothing in any format (a download that never
        // arrived): an empty document, as an empty text file is.
        if bytes.is_empty() {
            return self.document(place, format, Metadata::default(), Vec::new());
        }
        match format {
            Format::Pdf => {
                match pdf::read(&bytes, self.options.ocr.as_ref(), &mut self.outcome.ocr) {
                    Ok(read) => {
                        for note in read.notes {
                            self.warn(place, None, note);
                        }
                        self.headed_document(place, format, read.meta, read.blocks, read.header);
                    }
                    Err(refusal) => self.refused(place, refusal),
                }
            }
            Format::Image => {
                match image_blocks(&bytes, self.options.ocr.as_ref(), &mut self.outcome.ocr) {
                    Ok((blocks, lines)) => {
                        self.headed_document(
                            place,
                            format,
                            Metadata::default(),
                            blocks,
                            Some(lines),
                        );
                    }
                    Err(refusal) => self.refused(place, refusal),
                }
            }
            Format::Docx | Format::Odt | Format::Epub => {
                // An encrypted office file is not a ZIP but an OLE compound file.
                let mut breaks_off = false;
                let read = match office::compound_file_refusal(&bytes) {
                    Some(refusal) => Err(refusal),
                    None => Zip::open(&bytes, self.unpacker).and_then(|mut zip| {
                        let damage = zip.damage();
                        breaks_off = zip.breaks_off();
                        let read = match format {
                            Format::Docx => office::read_docx(&mut zip),
                            Format::Odt => office::read_odt(&mut zip),
                            _ => epub::read(&mut zip),
                        };
                        read.map(|(meta, blocks, mut notes)| {
                            notes.splice(0..0, damage);
                            (meta, blocks, notes)
                        })
                    }),
                };
                // A package cut short loses the parts past the cut (notes,
                // styles, chapters): one read whole before keeps that
                // version, as a ZIP does.
                if breaks_off && read.is_ok() {
                    let said = self.outcome.warnings.len();
                    self.outcome.broken_off.get_or_insert(said);
                }
                self.read_document(place, format, read);
            }
            Format::Email => self.message(place, &decode::mail_bytes(&bytes)),
            Format::Mhtml => {
                let read = mail::read_web_archive(&decode::mail_bytes(&bytes));
                self.read_document(place, format, read);
            }
            Format::Mbox => {
                let bytes = decode::mail_bytes(&bytes);
                for (index, message) in mail::mbox_messages(&bytes).enumerate() {
                    // A message without a Date header is dated by its
                    // From_ line.
                    let place = Place {
                        record: Some(index as u64 + 1),
                        date: message.delivered.or(place.date),
                        ..place.clone()
                    };
                    self.message(&place, &message.bytes);
                }
            }
            Format::Zip | Format::Tar => {
                if self.too_deep(place) {
                    // Refused whole by a limit, as past the budget: a file
                    // of nothing else is skipped for it. (A mail nested as
                    // deep is read, its attachments not.)
                    self.refused_within.push((SkipReason::TooLarge, false));
                    return;
                }
                let mut names = EntryNames::default();
                let unpacker = self.unpacker;
                let mut each = |met: Met<'_>| match met {
                    Met::Entry(entry) => self.entry(place, entry, &mut names),
                    // The rest is read: the file is read in part.
                    Met::Stopped((reason, message)) => {
                        if reason == SkipReason::Malformed {
                            let said = self.outcome.warnings.len();
                            self.outcome.broken_off.get_or_insert(said);
                        } else {
                            // What a limit stopped is refused: a tar.gz
                            // whose stream passes it before its first
                            // entry's end holds nothing that was read.
                            self.refused_within.push((reason, false));
                        }
                        self.warn(place, None, message)
                    }
                    Met::Missed((_, message)) => self.warn(place, None, message),
                };
                let listed = if format == Format::Zip {
                    bundle::each_zip_entry(&bytes, unpacker, &mut each)
                } else {
                    bundle::each_tar_entry(&bytes, unpacker, &mut each)
                };
                if let Err(refusal) = listed {
                    self.refused(place, refusal);
                }
            }
            Format::Text | Format::Markdown | Format::Html | Format::Json => {
                self.text(place, format, bytes)
            }
        }
    }

    /// Whether the container at `place` is nested deeper than the limit;
    /// if so, notes it for [`Reading::say_too_deep`].
    fn too_deep(&mut self, place: &Place) -> bool {
        let too_deep = place.depth > self.options.limits.max_depth;
        if too_deep {
            self.too_deep.get_or_insert_with(|| (place.clone(), 0)).1 += 1;
        }
        too_deep
    }

    /// A file that gave no document, every entry or message of it refused
    /// for one reason (a ZIP whose every entry is encrypted, a mailbox
    /// whose only message is malformed), is refused for that reason, so
    /// that the report counts it skipped (and `--strict` fails) rather than
    /// read.
    fn say_nothing_read(&mut self) {
        let outcome = &self.outcome;
        let refused_whole = outcome.warnings.iter().any(|w| w.skipped.is_some());
        let Some(&(reason, _)) = self.refused_within.first() else {
            return;
        };
        if !outcome.documents.is_empty()
            || refused_whole
            || self
                .refused_within
                .iter()
                .any(|&(other, _)| other != reason)
        {
            return;
        }
        let count = self.refused_within.len();
        let messages = self.refused_within.iter().all(|&(_, message)| message);
        let what = match (messages, count) {
            (true, 1) => "message",
            (true, _) => "messages",
            (false, 1) => "entry",
            (false, _) => "entries",
        };
        let message = format!(
            "nothing in it could be read ({count} {what} refused: {})",
            reason.describe()
        );
        self.warn(&Place::default(), Some(reason), message);
    }

    /// Says which containers were nested too deep to read: the first, and
    /// how many others.
    fn say_too_deep(&mut self) {
        let depth = self.options.limits.max_depth;
        // The container itself is read (a mail's body is), its entries not.
        let reason = format!("a container nested deeper than {depth}: its entries not read");
        let met = self.too_deep.take();
        self.say_first_of(met, &reason, "--max-depth", None);
    }

    /// Says which entries were refused past the file's budget: the first,
    /// and how many others.
    fn say_past_budget(&mut self) {
        let (reason, option) = self.unpacker.past_budget_words();
        let met = self.past_budget.take();
        self.say_first_of(met, &reason, option, Some(SkipReason::TooLarge));
    }

    /// Says which entries unpacked past the ratio: the first, and how
    /// many others.
    fn say_over_ratio(&mut self) {
        let reason = self.unpacker.over_ratio_words();
        let met = self.over_ratio.take();
        self.say_first_of(met, &reason, "--max-ratio", Some(SkipReason::TooLarge));
    }

    /// One warning for a limit's refusal `met` at a first place and a
    /// number of times in all: the reason, the option that sets the limit
    /// and how many more there are; `skipped`, what was refused there.
    fn say_first_of(
        &mut self,
        met: Option<(Place, usize)>,
        reason: &str,
        option: &str,
        skipped: Option<SkipReason>,
    ) {
        let Some((first, count)) = met else {
            return;
        };
        let message = match count - 1 {
            0 => format!("{reason} ({option})"),
            more => format!("{reason} ({option}; {more} more in this file)"),
        };
        self.warn(&first, skipped, message);
        // Each refused entry counts, for `say_nothing_read`.
        if let Some(reason) = skipped {
            let more = std::iter::repeat_n((reason, false), count - 1);
            self.refused_within.extend(more);
        }
    }

    /// One entry of a container at `place`: left out (by `--exclude`, or
    /// as a type cita does not read) unread, else unpacked and read in its
    /// own format. A panic reading it (a bug in cita or a library) loses
    /// that entry only.
    fn entry(&mut self, place: &Place, entry: &mut dyn Entry, names: &mut EntryNames) {
        let name = entry.name().to_string();
        let inner = place.inner(&names.unique(&name), &name);
        if self.excluded(&inner) {
            return;
        }
        let Some(format) = Format::of(Path::new(&name)) else {
            *self
                .ignored
                .entry(extension_label(Path::new(&name)))
                .or_default() += 1;
            return;
        };
        let bytes = match entry.unpack(format.max_file_bytes()) {
            Ok(bytes) => bytes,
            Err(refusal) => return self.refused(&inner, refusal),
        };
        if let Err(reason) = error::catching(|| self.bytes(&inner, format, bytes)) {
            let message =
                format!("cita failed on this entry ({reason}), skipped; please report it");
            self.warn(&inner, None, message);
        }
    }

    /// Whether `--exclude` leaves out the entry at `place`: the entry, or a
    /// folder it is in, as if the container were a folder.
    fn excluded(&self, place: &Place) -> bool {
        // By their own names, not the `name (2)` telling one from another.
        let (Some(exclude), Some(entry)) = (&self.options.exclude, &place.named) else {
            return false;
        };
        let mut path = self.corpus.join(&self.source);
        let mut parts = entry
            .split(NESTED_ENTRY)
            .flat_map(|part| Path::new(part).components())
            // An absolute or `..` name is only a name: it stays under its container.
            .filter_map(|component| match component {
                Component::Normal(name) => Some(name),
                _ => None,
            })
            .peekable();
        while let Some(name) = parts.next() {
            path.push(name);
            let is_folder = parts.peek().is_some();
            if exclude.matched(&path, is_folder).is_ignore() {
                return true;
            }
        }
        false
    }

    /// Says which entries of the file's containers are of types cita does
    /// not read, so that nothing is left out silently.
    fn say_ignored(&mut self) {
        if self.ignored.is_empty() {
            return;
        }
        let counts: Vec<String> = self
            .ignored
            .iter()
            .map(|(label, count)| format!("{count} {label}"))
            .collect();
        self.outcome.warnings.push(Warning {
            path: self.path.to_path_buf(),
            message: format!(
                "holds entries of types cita does not read ({}), left out",
                counts.join(", ")
            ),
            skipped: None,
        });
    }

    /// One e-mail message at `place`, then its attachments as entries.
    fn message(&mut self, place: &Place, bytes: &[u8]) {
        let message = match mail::read_message(bytes) {
            Ok(message) => message,
            Err(refusal) => return self.refused(place, refusal),
        };
        // Dated like this message: a forwarded one's attachments take its
        // date, not the date of the message forwarding it.
        let attached = Place {
            date: message.meta.date.or(place.date),
            sender: message.meta.author.clone().or_else(|| place.sender.clone()),
            ..place.clone()
        };
        self.document(place, Format::Email, message.meta, message.blocks);
        for note in message.notes {
            self.warn(place, None, note);
        }
        if message.attachments.is_empty() || self.too_deep(place) {
            return;
        }
        let mut names = EntryNames::default();
        for (count, attachment) in message.attachments.into_iter().enumerate() {
            if let Some((_, message)) = bundle::past_entry_limit(self.unpacker, count) {
                self.warn(place, None, message);
                break;
            }
            let mut attached_entry = Attached {
                name: attachment.name,
                bytes: attachment.bytes,
                unpacker: self.unpacker,
            };
            self.entry(&attached, &mut attached_entry, &mut names);
        }
    }

    /// A file in a text format: decoded, then read by its format.
    fn text(&mut self, place: &Place, format: Format, bytes: Vec<u8>) {
        let decoded = if format == Format::Html {
            decode::decode_html(&bytes)
        } else {
            decode::decode(&bytes)
        };
        let decoded = match decoded {
            Ok(decoded) => decoded,
            Err(decode::NotText::Binary) => {
                return self.refused(place, (SkipReason::Binary, "binary file".to_string()));
            }
            Err(decode::NotText::Undecodable) => {
                return self.refused(
                    place,
                    (
                        SkipReason::Undecodable,
                        "text in no encoding cita can decode".to_string(),
                    ),
                );
            }
        };
        drop(bytes);
        // Offsets into an entry are not offsets into the file on disk.
        let verbatim = decoded.verbatim && place.entry.is_none();
        let text = decoded.text.as_str();
        match format {
            Format::Text | Format::Markdown => {
                let (front, body_start) = front_matter::split(text);
                let front = front.unwrap_or_default();
                let offset = verbatim.then_some(decoded.bom_len + body_start);
                let body = &text[body_start..];
                let blocks = if format == Format::Text {
                    text::blocks(body, offset)
                } else {
                    markdown::blocks(body, offset)
                };
                let date = front.date.as_deref().and_then(|value| {
                    let date = dates::parse_metadata_date(value);
                    if date.is_none() {
                        self.warn(place, None, unread_date("front matter date", value));
                    }
                    date
                });
                let meta = Metadata {
                    title: front.title,
                    publication: front.publication,
                    url: front.url,
                    date,
                    // A byline pasted from the article (`Por María Jimena
                    // Duzán`) names its author as a web page's does; the
                    // word goes only before two words or more, since
                    // `Par Lagerkvist` is a name (Pär's, its accent lost).
                    author: front.author.map(|author| match byline_name(&author) {
                        Some(name) if name.split_whitespace().count() >= 2 => name.to_string(),
                        _ => author,
                    }),
                    language: front.language,
                    date_made: false,
                };
                let header = (format == Format::Text).then_some(body);
                self.headed_document(place, format, meta, blocks, header);
            }
            Format::Html => {
                let (meta, mut blocks, notes) = html::read(text);
                if !verbatim {
                    forget_offsets(&mut blocks);
                }
                for note in notes {
                    self.warn(place, None, note);
                }
                match meta.date_made {
                    true => self.typed_document(place, format, meta, blocks),
                    false => self.document(place, format, meta, blocks),
                }
            }
            _ => {
                let is_array_file = self
                    .file_name(place)
                    .extension()
                    .is_some_and(|ext| ext.eq_ignore_ascii_case("json"));
                let parsed = if is_array_file {
                    jsonl::document(text)
                } else {
                    jsonl::lines(text)
                };
                match parsed {
                    Ok((records, notes)) => {
                        for note in notes {
                            self.warn(place, None, note);
                        }
                        for record in records {
                            let blocks = text::blocks(&record.text, None);
                            let place = Place {
                                record: Some(record.number),
                                ..place.clone()
                            };
                            self.document(&place, format, record.meta, blocks);
                        }
                    }
                    Err(message) => self.refused(place, (SkipReason::Malformed, message)),
                }
            }
        }
    }
}

/// The paragraphs OCR reads in an image, with their confidence. Only a
/// multi-page image (a TIFF) gives its paragraphs a page: a photograph or
/// a single scan has no page number to cite.
fn image_blocks(
    bytes: &[u8],
    options: Option<&ocr::OcrOptions>,
    counts: &mut ocr::OcrCounts,
) -> Result<(Vec<Block>, String), Refusal> {
    let Some(options) = options else {
        return Err((SkipReason::NoText, format!("an image, and {}", ocr::OFF)));
    };
    let pages = ocr::read_image(bytes, options, None, counts).map_err(|err| err.refusal())?;
    let header = (pages.iter().find(|page| !page.paragraphs.is_empty()))
        .map(|page| ocr::page_lines(&page.paragraphs))
        .unwrap_or_default();
    let paged = pages.len() > 1;
    let blocks: Vec<Block> = pages
        .into_iter()
        .flat_map(|page| {
            let number = paged.then_some(page.page);
            page.paragraphs.into_iter().map(move |paragraph| {
                Block::Paragraph(Paragraph {
                    text: paragraph.text,
                    source: SourceMap::None,
                    page: number,
                    ocr_confidence: Some(paragraph.confidence),
                    kind: ParagraphKind::Prose,
                    language: None,
                })
            })
        })
        .collect();
    if blocks.is_empty() {
        return Err((
            SkipReason::NoText,
            "OCR found no text in the image".to_string(),
        ));
    }
    Ok((blocks, header))
}

/// The order of day and month in a numeric date that a document's declared
/// language (`lang:` in its front matter) writes: day first in Spanish,
/// Portuguese, French, Italian and German, month first in US English
/// (`en-US`) only; English alone tells nothing (Britain writes the day
/// first).
fn declared_day_order(language: Option<&str>) -> DayOrder {
    let Some(value) = language else {
        return DayOrder::Unknown;
    };
    let value = value.trim().to_ascii_lowercase().replace('_', "-");
    if value == "en-us" {
        return DayOrder::MonthFirst;
    }
    // English outside the United States writes the day first.
    if matches!(
        value.as_str(),
        "en-gb" | "en-ie" | "en-au" | "en-nz" | "en-in" | "en-za"
    ) {
        return DayOrder::DayFirst;
    }
    match Language::parse_declared(&value).map(Language::code) {
        Some("es" | "pt" | "fr" | "it" | "de") => DayOrder::DayFirst,
        _ => DayOrder::Unknown,
    }
}

/// Drops the file offsets of blocks read from an entry of a container:
/// they would point into the entry, not into the file on disk.
pub(super) fn forget_offsets(blocks: &mut [Block]) {
    for block in blocks {
        if let Block::Paragraph(paragraph) = block {
            paragraph.source = SourceMap::None;
        }
    }
}

/// Fills in each document's date origin, inferring the date from the text
/// where the metadata has none, and checks the language it declares.
fn finish(mut outcome: FileOutcome, path: &Path) -> FileOutcome {
    for document in &mut outcome.documents {
        if let Some(declared) = &document.meta.language {
            document.language = Language::parse_declared(declared);
            if document.language.is_none() {
                let mut within = String::new();
                if let Some(entry) = &document.entry {
                    within.push_str(&format!(" of entry {entry}"));
                }
                if let Some(record) = document.record {
                    within.push_str(&format!(" of record {record}"));
                }
                outcome.warnings.push(Warning {
                    path: path.to_path_buf(),
                    message: format!(
                        "language {declared:?}{within} names no language cita knows; detected from the text instead"
                    ),
                    skipped: None,
                });
            }
        }
        let typed_over_file = || document.meta.date.is_some() && document.meta.date_made;
        if document.date_origin.is_some() {
            // Dated like its message.
        } else if document.date_line_read {
            document.date_origin = document.meta.date.map(|_| DateOrigin::Text);
        } else if let Some(date) = typed_over_file()
            .then(|| dates::press_dateline(document.paragraphs()))
            .flatten()
        {
            document.meta.date = Some(date);
            document.date_origin = Some(DateOrigin::Text);
        } else if document.meta.date.is_some() {
            document.date_origin = Some(DateOrigin::Metadata);
        } else if document.format == Format::Epub {
            // The dates a book's text names are its story's or its
            // subject's, not its publication's.
        } else {
            document.meta.date = dates::infer_from_text(document.paragraphs());
            document.date_origin = document.meta.date.map(|_| DateOrigin::Text);
        }
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_a_program_wrote_are_placeholders() {
        for placeholder in [
            "Untitled",
            "Untitled-1",
            "Document1",
            "Documento 2",
            "Sin título",
            "Microsoft Word - memo_final_v3.docx",
            "Microsoft Word - Informe de gestión 2004.doc",
            "scan0042.pdf",
            "Documento sin título",
            "Untitled document",
            "Documento de Microsoft Word",
            "Nuevo documento de Microsoft Word (2)",
            "Presentación de PowerPoint",
            "Word Document",
            "informe_final_v3",
        ] {
            assert!(
                is_placeholder_title(placeholder, Some("informe_final_v3")),
                "{placeholder}"
            );
        }
        // A title its file is named after, with spaces: the author's words.
        assert!(!is_placeholder_title(
            "Informe de gestión 2004",
            Some("Informe de gestión 2004")
        ));
        assert!(!is_placeholder_title("informe_final_v3", Some("otro")));
        assert!(!is_placeholder_title("Acta", Some("acta")));
        for title in [
            "Informe de gestión 2004",
            "The Document Foundation annual report",
            "Plan LAZO",
            "Untitled Goose Game review",
            "Version 2.0",
        ] {
            assert!(!is_placeholder_title(title, None), "{title}");
        }
    }

    #[test]
    fn authors_a_program_or_a_computer_wrote_are_placeholders() {
        for placeholder in [
            "Windows User",
            "Usuario de Windows",
            "Microsoft Office User",
            " usuario ",
            "HP",
            "Preferred Customer",
        ] {
            assert!(is_placeholder_author(placeholder), "{placeholder}");
        }
        for author in [
            "María Gómez",
            "mgomez",
            "Secretaría General",
            "HP Lovecraft",
        ] {
            assert!(!is_placeholder_author(author), "{author}");
        }
    }

    #[test]
    fn a_bylines_opening_word_is_no_part_of_the_name() {
        for (byline, name) in [
            ("By Juan Forero", Some("Juan Forero")),
            ("BY JUAN FORERO", Some("JUAN FORERO")),
            ("  Por María Jimena Duzán ", Some("María Jimena Duzán")),
            (
                "By: Peter Baker and Michael Crowley",
                Some("Peter Baker and Michael Crowley"),
            ),
            ("Par Jean Dupont", Some("Jean Dupont")),
            ("By:Juan Forero", Some("Juan Forero")),
            ("POR:María", Some("María")),
            // Names that start with those letters.
            ("Byron Lee", Some("Byron Lee")),
            ("Portia Ruiz", Some("Portia Ruiz")),
            ("Paris Hilton", Some("Paris Hilton")),
            // A byline without a name.
            ("By", None),
            ("By: ", None),
            ("Por:", None),
            ("By 2025", None),
            ("", None),
        ] {
            assert_eq!(byline_name(byline), name, "{byline:?}");
        }
    }

    #[test]
    fn relative_sources_use_forward_slashes() {
        let corpus = Path::new("/data/corpus");
        let path = corpus.join("news").join("2025").join("a.txt");
        assert_eq!(relative_source(corpus, &path), "news/2025/a.txt");
    }

    #[test]
    fn an_entry_is_hidden_by_any_name_on_its_path() {
        for hidden in [
            ".DS_Store",
            "__MACOSX/Prensa/._nota1.docx",
            "Prensa/.borrador/nota.txt",
            "./.hidden.txt",
        ] {
            assert!(is_hidden_entry(hidden), "{hidden}");
        }
        for shown in [
            "Prensa/nota1.txt",
            "./Prensa/nota1.txt",
            "../escape.txt",
            "nota.v2.txt",
            "MACOSX/nota.txt",
        ] {
            assert!(!is_hidden_entry(shown), "{shown}");
        }
    }

    #[test]
    fn formats_come_from_extensions() {
        assert_eq!(Format::of(Path::new("a/b.TXT")), Some(Format::Text));
        assert_eq!(Format::of(Path::new("notes.md")), Some(Format::Markdown));
        assert_eq!(Format::of(Path::new("page.htm")), Some(Format::Html));
        assert_eq!(Format::of(Path::new("feed.ndjson")), Some(Format::Json));
        assert_eq!(Format::of(Path::new("report.PDF")), Some(Format::Pdf));
        assert_eq!(Format::of(Path::new("README")), None);
        assert_eq!(Format::of(Path::new("scan.TIFF")), Some(Format::Image));
        assert_eq!(Format::of(Path::new("image.gif")), None);
    }

    fn refusal(contents: Contents) -> (usize, Option<SkipReason>, String) {
        match contents {
            Contents::Whole(bytes) => panic!("read whole ({} bytes)", bytes.len()),
            Contents::Refused { head, warning } => (head.len(), warning.skipped, warning.message),
        }
    }

    /// F7: a 2 GB sparse file was read whole (2.1 GB) to be found binary.
    #[test]
    fn binary_files_are_refused_from_their_head_and_huge_text_unread() {
        let dir = tempfile::TempDir::new().unwrap();
        let sparse = dir.path().join("sparse.txt");
        std::fs::File::create(&sparse)
            .unwrap()
            .set_len(2 << 30)
            .unwrap();
        let (read, reason, message) = refusal(read_contents(&sparse, Format::Text).unwrap());
        assert_eq!((read, reason), (0, Some(SkipReason::TooLarge)));
        assert_eq!(
            message,
            "2048 MB, more than the 256 MB cita reads of a text file, skipped"
        );
        let (read, reason, _) = refusal(read_contents(&sparse, Format::Pdf).unwrap());
        assert_eq!((read, reason), (0, Some(SkipReason::TooLarge)));

        let zeros = dir.path().join("zeros.pdf");
        std::fs::File::create(&zeros)
            .unwrap()
            .set_len(100 << 20)
            .unwrap();
        let (read, reason, message) = refusal(read_contents(&zeros, Format::Pdf).unwrap());
        assert_eq!(
            (read, reason),
            (decode::SNIFF_BYTES, Some(SkipReason::Malformed))
        );
        assert!(message.contains("no %PDF- header"), "{message}");

        let zeros = dir.path().join("zeros.txt");
        std::fs::File::create(&zeros)
            .unwrap()
            .set_len(100 << 20)
            .unwrap();
        let (read, reason, _) = refusal(read_contents(&zeros, Format::Html).unwrap());
        assert_eq!(
            (read, reason),
            (decode::SNIFF_BYTES, Some(SkipReason::Binary))
        );

        let text = dir.path().join("text.md");
        std::fs::write(&text, "words ".repeat(10_000)).unwrap();
        let Contents::Whole(bytes) = read_contents(&text, Format::Markdown).unwrap() else {
            panic!("text is read whole")
        };
        assert_eq!(bytes.len(), 60_000);
    }

    #[cfg(unix)]
    #[test]
    fn fifos_and_devices_are_refused_unopened() {
        let dir = tempfile::TempDir::new().unwrap();
        let fifo = dir.path().join("pipe.txt");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|status| status.success()) {
            let (_, reason, message) = refusal(read_contents(&fifo, Format::Text).unwrap());
            assert_eq!(reason, Some(SkipReason::Unreadable));
            assert!(message.starts_with("not a regular file"), "{message}");
        }
        let zero = dir.path().join("zero.txt");
        std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
        let (_, reason, _) = refusal(read_contents(&zero, Format::Text).unwrap());
        assert_eq!(reason, Some(SkipReason::Unreadable));
    }

    #[test]
    fn a_refusal_hashes_apart_from_an_empty_file() {
        let dir = tempfile::TempDir::new().unwrap();
        let empty = dir.path().join("empty.txt");
        std::fs::write(&empty, "").unwrap();
        let empty = read_contents(&empty, Format::Text).unwrap();
        assert!(matches!(empty, Contents::Whole(_)));
        let big = dir.path().join("big.txt");
        std::fs::File::create(&big)
            .unwrap()
            .set_len(MAX_TEXT_FILE_BYTES + 1)
            .unwrap();
        assert_ne!(
            read_contents(&big, Format::Text).unwrap().hash(),
            empty.hash()
        );
    }

    #[test]
    fn a_row_keeps_its_empty_cells_between_others_and_drops_those_at_its_ends() {
        let row =
            |cells: &[&str]| join_cells(&cells.iter().map(|c| c.to_string()).collect::<Vec<_>>());
        assert_eq!(row(&["Nariño", "", "45"]), "Nariño |  | 45");
        assert_eq!(row(&["", "Nariño", "", "", "45", ""]), "Nariño |  |  | 45");
        assert_eq!(row(&["", ""]), "");
        assert_eq!(row(&[]), "");
    }

    #[test]
    fn titles_fall_back_to_the_first_heading_or_line_shortened() {
        let document = |blocks| Document {
            source: "a.txt".into(),
            format: Format::Text,
            record: None,
            entry: None,
            meta: Metadata::default(),
            date_origin: None,
            date_line_read: false,
            language: None,
            blocks,
        };
        let long = format!("{} end", "word ".repeat(40));
        let title = document(text::blocks(&long, None)).title();
        assert!(
            title.ends_with("word…") && title.chars().count() <= MAX_TITLE_CHARS + 1,
            "{title}"
        );
        assert_eq!(
            document(text::blocks("= Wiki =\nBody.", None)).title(),
            "Wiki"
        );
        assert_eq!(document(Vec::new()).title(), "a.txt");
        // A clipping: its headline over two lines, then the byline; a
        // letterhead's lines are its title.
        let clipping = concat!(
            "La JEP imputa crímenes de guerra a diez militares por los hechos de\n",
            "Catatumbo\nPor Redacción Justicia\n\nBogotá. La Sala de Reconocimiento…\n",
        );
        assert_eq!(
            document(text::blocks(clipping, Some(0))).title(),
            "La JEP imputa crímenes de guerra a diez militares por los hechos de Catatumbo"
        );
        for (headline, title) in [
            (
                "FISCALÍA IMPUTA A 17 MILITARES\nPOR LOS FALSOS POSITIVOS\nBY JOHN DOE\n\nText.\n",
                "FISCALÍA IMPUTA A 17 MILITARES POR LOS FALSOS POSITIVOS",
            ),
            (
                "CONDENAN A EXJEFE PARAMILITAR\nPOR MASACRE DE EL SALADO\nPor: María de la Torre\n",
                "CONDENAN A EXJEFE PARAMILITAR POR MASACRE DE EL SALADO",
            ),
            (
                "Colonel Convicted\nBy Civilian Court in Landmark Case\nBy Juan de la Cruz\n",
                "Colonel Convicted By Civilian Court in Landmark Case",
            ),
        ] {
            assert_eq!(document(text::blocks(headline, Some(0))).title(), title);
        }
        // A byline set above the headline (found by a review).
        let byline_first = "Por ALFONSO LÓPEZ MICHELSEN\n\nEL MANDATO CLARO Y LA REVOCATORIA\n\nBOGOTÁ, 20 de julio de 1974 — El presidente.\n";
        assert_eq!(
            document(text::blocks(byline_first, Some(0))).title(),
            "EL MANDATO CLARO Y LA REVOCATORIA"
        );
        // A title that starts as a byline does (found by a diff review).
        let title = "By Any Means Necessary\n\nThe speech delivered in Harlem.\n";
        assert_eq!(
            document(text::blocks(title, Some(0))).title(),
            "By Any Means Necessary"
        );
        let letterhead = "CORTE SUPREMA DE JUSTICIA\nSALA DE CASACIÓN PENAL\n\nProceso 26.942\n";
        assert_eq!(
            document(text::blocks(letterhead, Some(0))).title(),
            "CORTE SUPREMA DE JUSTICIA SALA DE CASACIÓN PENAL"
        );
    }
}
