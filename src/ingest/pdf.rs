//! PDF text, page by page, with pdf-extract (over lopdf). Every passage knows
//! the page it comes from. Encrypted PDFs are reported and skipped.
//!
//! A page without a usable text layer, one whose extracted text has fewer
//! than [`MIN_TEXT_LETTERS`] letters (a scan, maybe with a typed page
//! number or stamp), is rendered and read by OCR when it is on (see
//! [`super::ocr`]); what OCR reads replaces the page's few letters, and
//! its paragraphs carry their confidence. So a PDF with a typed first page
//! and scanned annexes gives both. OCR'd pages go through the page
//! furniture and heading rules below like the others. A PDF without text
//! on any page is skipped when OCR is off, or finds nothing either.
//!
//! pdf-extract panics by design on PDFs it does not support
//! (jrmuizel/pdf-extract#47), and lopdf on some malformed ones, so loading
//! and extraction run under `error::catching`, which keeps the panic
//! message out of the terminal. A page tree whose `/Parent` chain loops is
//! refused before extraction: pdf-extract follows it for inherited
//! resources with no cycle check, for ever (found by `fuzz/`).
//!
//! # Page furniture and headings
//!
//! pdf-extract gives a page's text line by line in drawing order, with a
//! blank line where the text jumps down by more than one and a half times
//! the font size (between most paragraphs and around most headings), and
//! nothing about fonts. So structure is read from the lines alone, and a
//! line is dropped or made a heading only on strong evidence.
//!
//! Not passages:
//! - **Running heads and feet.** On each page, a paragraph (lines between
//!   blank lines) lying within its first two or within its last two
//!   non-empty lines, and any of those four lines without a letter (a page
//!   number, even one printed right under the text), compared in lower
//!   case with each number (arabic, or roman up to 399) made alike. One
//!   found on at least 3 pages, and on half the pages or on 3 pages within
//!   5 (a chapter's own head), is dropped everywhere it stands: `R FAQ —
//!   page 3` and `R FAQ — page 4`, a bare `12`, `Debian Reference xxiii`.
//!   A document of one or two pages keeps every line, and so does a label
//!   such as `Note` starting the text of many pages. A line whose numbers
//!   are not a page number's (rising more than twice as fast as the pages
//!   turn) or whose date changes is the page's text: a cable
//!   compilation's `No. 0457` and `Caracas, 10 de marzo de 1985`; so is a
//!   sentence whose numbers change (10 words or more ending in a full
//!   stop, or 20 or more): a notice a page, `se le notifica que el pago
//!   número 3 … fue retenido.`
//! - **Contents and index entries with leaders**, on any page: a run of
//!   four or more dots or middle dots, maybe spaced (`....`, `. . . .`,
//!   `····`), or of two or more `…`, then a page number, a roman numeral, a
//!   range (`12–14`) or a list (`12, 45`) ending the line. Prose ending in
//!   `...`, or with `...` before a number inside the line, is kept.
//! - **Entries without leaders on a contents or index page**, a page with
//!   three leader lines, or one where entries (leader lines, and `Some
//!   title 12` or `workspace, 12, 45`) are at least five and half its
//!   lines, and which has a title such as `Contents`, `Table of Contents`,
//!   `Index` or `Índice`, or follows such a page. There, entries without
//!   leaders go, as do a line wrapped into the entry below it, the title,
//!   and the single letters over index groups. Elsewhere `workspace, 12`
//!   is text.
//!
//! A sentence cut by a page break is one paragraph, on the page it starts
//! (see `runs_on` for the evidence asked, and `scan_runs_on` between two
//! scanned pages): within a page a blank line
//! is kept as a break, as joining there took table rows and listings,
//! but on a page with a blank line between all its lines (double spacing,
//! Tesseract's text layer; `join_spaced_lines`), where a sentence goes on.
//! A run of spaces between two words is one space.
//!
//! Headings (each sets the section of the paragraphs below it) are lines
//! standing alone between blank lines (or a page's edge), at most 100
//! characters, not ending in `.`, `,`, `;` or `:`, without `<>={}[]|\$@#_`
//! or `://`, and followed on their page by a paragraph: two lines or more,
//! or one ending a sentence, with 20 letters and a third of its words
//! starting in lower case. A numbered or labelled heading may be followed
//! by another numbered or labelled heading instead. Three kinds:
//! - **Numbered**: `2.3 Saving the workspace`, `2.3. Saving`, `A.1
//!   Licence`, `4 Methods`, `1. Introduction`. The text after the number
//!   starts with a capital, has at most 15 words and does not end in a
//!   number. A number of one part is refused next to another block starting
//!   with a number (a numbered list, even across a page break).
//! - **Labelled**: `Chapter`, `Part`, `Appendix`, `Annex`, `Capítulo`,
//!   `Parte`, `Anexo` or `Apéndice`, then an arabic or roman number or a
//!   capital letter, then maybe `:`, `.` or a dash and a title starting
//!   with a capital: `Chapter 4 Methods`, `Part II`, `Appendix A`. A bare
//!   label followed by a short capitalised line standing alone makes one
//!   heading with it: `Chapter 5` and `Network setup` give `Chapter 5
//!   Network setup`.
//! - **Title Case**, unnumbered: at most 8 words, no digit, comma or colon,
//!   every word of four letters or more capitalised but for a few function
//!   words (`with`, `from`, `between`, `para`, `sobre`, `entre`…), and
//!   not a caption (`Figure…`, `Table…`, `Tabla…`, `Cuadro…`) nor a lone
//!   `Note`, `Tip` or `Warning`; all capitals count. It must come first on
//!   its page or right after a paragraph, a bulleted item or a numbered or
//!   labelled line, so that the items of a list whose bullets are drawn,
//!   not written, are not headings; and the paragraph below must start
//!   with a capital, so that a table's header row is not one.
//!
//! Not recognised: headings run into their paragraph without a blank line,
//! sentence-case headings without a number (`Saving the workspace`),
//! headings ending in a period, colon or number, a heading at the foot of
//! a page (its paragraph is on the next), `a)`, `1)` and `(2)` numbering,
//! a numbered heading whose text starts in lower case (`3.1 asn1Parser`),
//! numbered items next to each other (`1. Introduction` right above `2.
//! Scope`), and whatever only a font's size or weight marks. Capitalised
//! nouns make German table headers pass as Title Case now and then. A line
//! that would be Markdown or wiki markup in a text file is text (a shell's
//! `# prompt` is code, `== x ==` a paragraph of its own: see
//! [`text::laid_out_blocks`]), and `---` or `===` separates paragraphs
//! without making the line above a heading.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{LazyLock, Mutex, OnceLock, PoisonError};

use pdf_extract::{Document, Object, ObjectId};
use regex::Regex;

use super::dates::{self, parse_metadata_date};
use super::ocr::{self, OcrCounts, OcrError, OcrOptions, OcrParagraph};
use super::pdf_text::{self, PageTexts};
use super::pdf_xref;
use super::{Block, Metadata, Refusal, SkipReason, collapse_whitespace, text};
use crate::error;

/// `bytes` up to the end of its last `%%EOF` line, when more follows.
fn without_trailing_bytes(bytes: &[u8]) -> Option<&[u8]> {
    const END: &[u8] = b"%%EOF";
    let at = bytes.windows(END.len()).rposition(|window| window == END)?;
    let mut end = at + END.len();
    while matches!(bytes.get(end), Some(b'\r' | b'\n')) {
        end += 1;
    }
    (end < bytes.len()).then(|| &bytes[..end])
}

/// Whether `head`, a file's first bytes, holds the `%PDF-` header. Readers
/// accept it after some leading junk (Acrobat within the first kilobyte);
/// a file without it in its first [`super::decode::SNIFF_BYTES`] is not
/// read further.
pub fn has_header(head: &[u8]) -> bool {
    header_at(head).is_some()
}

/// Where the `%PDF-` header starts in `bytes`: where lopdf counts offsets
/// from.
pub(super) fn header_at(bytes: &[u8]) -> Option<usize> {
    bytes.windows(5).position(|window| window == b"%PDF-")
}

/// A page whose text layer has fewer letters than this is OCR'd: a scan
/// may carry a typed page number, file stamp or short header, never a
/// sentence. A typed page this short (a blank page, a lone title) is OCR'd
/// for nothing, and keeps its own text when OCR reads no more.
pub const MIN_TEXT_LETTERS: usize = 20;

/// The metadata, blocks and notes (pages OCR could not read) of a PDF, or
/// why it is skipped. With `ocr`, pages without a usable text layer are
/// OCR'd, each counted in `counts`.
pub fn read(
    bytes: &[u8],
    ocr: Option<&OcrOptions>,
    counts: &mut OcrCounts,
) -> Result<ReadPdf, Refusal> {
    let loaded = error::catching(|| Document::load_mem(bytes));
    // Bytes after the end (a download tool's or a mailer's padding) keep
    // lopdf from finding the cross-reference table: the PDF ends at its
    // last `%%EOF`.
    let (bytes, loaded) = match (loaded, without_trailing_bytes(bytes)) {
        (Ok(Err(_)), Some(ended)) => (ended, error::catching(|| Document::load_mem(ended))),
        (loaded, _) => (bytes, loaded),
    };
    // A cross-reference table that does not point at the objects (a line
    // inserted or lost on the way) is rebuilt from them, as other readers
    // do. The rebuilt file is read when it finds pages and more pages or
    // objects than the file as it loaded (none when it did not load), and
    // never for an encrypted file that loaded: a rebuilt table lists no
    // object kept inside an object stream, which lopdf then cannot decrypt.
    let found = |document: &Document| (document.get_pages().len(), document.objects.len());
    let (found_before, rebuild) = match &loaded {
        Ok(Ok(document)) if document.is_encrypted() => ((0, 0), false),
        Ok(Ok(document)) => (
            found(document),
            !pdf_xref::points_at_objects(document, bytes),
        ),
        _ => ((0, 0), true),
    };
    let rebuilt = rebuild
        .then(|| pdf_xref::with_rebuilt_table(bytes))
        .flatten();
    let (bytes, loaded) = match rebuilt.as_deref() {
        Some(rebuilt) => {
            let finds_more = || {
                Document::load_mem(rebuilt).ok().filter(|document| {
                    let (pages, objects) = found(document);
                    pages > 0 && (pages > found_before.0 || objects > found_before.1)
                })
            };
            match error::catching(finds_more) {
                Ok(Some(document)) => (rebuilt, Ok(Ok(document))),
                _ => (bytes, loaded),
            }
        }
        None => (bytes, loaded),
    };
    let mut document = match loaded {
        Ok(Ok(document)) => document,
        Ok(Err(err)) => {
            return Err((SkipReason::Malformed, format!("not a readable PDF ({err})")));
        }
        Err(_) => {
            return Err((
                SkipReason::Malformed,
                "the PDF reader failed on this file".to_string(),
            ));
        }
    };
    if let Some(page) = page_in_a_loop(&document) {
        return Err((
            SkipReason::Malformed,
            format!("the PDF's page tree loops (page object {})", page.0),
        ));
    }
    // lopdf decrypts a file whose password is empty as it loads it: one
    // still encrypted needs a password cita does not have.
    if document.is_encrypted() {
        return Err((SkipReason::Encrypted, "encrypted PDF".to_string()));
    }
    let oversized = drop_oversized_contents(&mut document);
    let PageTexts { pages, failed } = pdf_text::extract(&document);
    if !oversized.is_empty() && oversized.len() == pages.len() {
        return Err((SkipReason::TooLarge, oversized_note(&oversized)));
    }
    if !pages.is_empty() && failed.len() == pages.len() {
        return Err((
            SkipReason::Malformed,
            "the PDF text extractor failed on this file".to_string(),
        ));
    }
    let without_text = pages.iter().all(|page| page.trim().is_empty());
    let extractor_failed = |read_by_ocr: &dyn Fn(u32) -> bool| {
        let unread: Vec<u32> = failed
            .iter()
            .copied()
            .filter(|&page| !read_by_ocr(page))
            .collect();
        (!unread.is_empty()).then(|| pages_note(&unread, "the PDF text extractor failed"))
    };
    let meta = metadata(&document);
    let Some(ocr) = ocr else {
        if without_text {
            return Err((
                SkipReason::NoText,
                format!(
                    "no text layer (a scanned or image-only PDF?), and {}",
                    ocr::OFF
                ),
            ));
        }
        let mut unread = pages_to_scan(&document, &pages, &page_sizes(&document));
        unread.retain(|page| !failed.contains(page) && !oversized.contains(page));
        let listed: Vec<String> = unread.iter().map(u32::to_string).collect();
        let mut notes = match listed.as_slice() {
            [] => Vec::new(),
            [page] => vec![format!(
                "page {page} has no text layer, and {}; not read",
                ocr::OFF
            )],
            _ => vec![format!(
                "pages {} have no text layer, and {}; not read",
                listed.join(", "),
                ocr::OFF
            )],
        };
        notes.extend(extractor_failed(&|_| false));
        notes.extend((!oversized.is_empty()).then(|| oversized_note(&oversized)));
        return Ok(ReadPdf {
            meta,
            blocks: page_blocks(&pages, &|_| false),
            notes,
            header: first_page_lines(&pages, &Scanned::default()),
        });
    };
    let mut pages = pages;
    let declared = meta.language.as_deref();
    let scanned = ocr_pages(
        bytes, &document, &mut pages, &oversized, ocr, declared, counts,
    );
    let mut blocks = page_blocks(&pages, &|page| scanned.read.contains_key(&page));
    if blocks.is_empty() {
        return Err(match scanned.failures.first() {
            Some((_, err)) => err.refusal(),
            None if without_text => (
                SkipReason::NoText,
                "no text layer, and OCR found no text".to_string(),
            ),
            None => (
                SkipReason::NoText,
                "its text is all page furniture (running heads and feet, page numbers, contents entries)"
                    .to_string(),
            ),
        });
    }
    for block in &mut blocks {
        if let Block::Paragraph(paragraph) = block
            && let Some(page) = paragraph.page
            && let Some(read) = scanned.read.get(&page)
        {
            paragraph.ocr_confidence = Some(read.confidence_of(&paragraph.text));
        }
    }
    let mut notes = scanned.notes();
    notes.extend(extractor_failed(&|page| scanned.read.contains_key(&page)));
    notes.extend((!oversized.is_empty()).then(|| oversized_note(&oversized)));
    // A PDF that is only scans was made when the paper was scanned: its
    // creation date is the scan's, so the date is read from its text, its
    // first page's header block first, as a text file's.
    let mut meta = meta;
    let mut header = first_page_lines(&pages, &scanned);
    if blocks.iter().all(|block| match block {
        Block::Paragraph(paragraph) => paragraph.ocr_confidence.is_some(),
        Block::Heading(_) | Block::SectionEnd => true,
    }) {
        meta.date = None;
        // The first scanned page's, though a typed page before it holds
        // text: only furniture, since no passage is typed.
        let first = scanned.read.iter().min_by_key(|&(page, _)| page);
        header = first.map(|(_, read)| ocr::page_lines(&read.0));
    }
    Ok(ReadPdf {
        meta,
        blocks,
        notes,
        header,
    })
}

/// The lines of the first page of `pages` with text, as drawn: where a
/// memo's or a letter's header block stands (its fields on lines of their
/// own, which paragraphs join).
fn first_page_lines(pages: &[String], scanned: &Scanned) -> Option<String> {
    let (at, first) = (pages.iter().enumerate()).find(|(_, page)| !page.trim().is_empty())?;
    Some(match scanned.read.get(&(at as u32 + 1)) {
        // A scan's page holds OCR's paragraphs, a header block's fields
        // joined into one: its lines are Tesseract's.
        Some(read) => ocr::page_lines(&read.0),
        None => squeeze_spaces(first).into_owned(),
    })
}

/// A PDF as read.
#[derive(Debug)]
pub struct ReadPdf {
    pub meta: Metadata,
    pub blocks: Vec<Block>,
    /// Warnings about it, each a line.
    pub notes: Vec<String>,
    /// The lines of its first page with text, where a memo's or a cable's
    /// header block is (see `text::header`): for a PDF whose every passage
    /// OCR read, the lines OCR read there.
    pub header: Option<String>,
}

/// What OCR made of a PDF's pages without a usable text layer.
#[derive(Default)]
struct Scanned {
    /// The paragraphs of each page OCR read text on, by page number.
    read: HashMap<u32, OcrRead>,
    /// The pages OCR failed on, in order, and why.
    failures: Vec<(u32, OcrError)>,
}

/// The paragraphs OCR read on one page.
struct OcrRead(Vec<OcrParagraph>);

impl OcrRead {
    /// The confidence of a paragraph made from this page's text: its own,
    /// else (a heading and its paragraph split or joined) the page's mean.
    fn confidence_of(&self, text: &str) -> u8 {
        if let Some(paragraph) = self.0.iter().find(|paragraph| paragraph.text == text) {
            return paragraph.confidence;
        }
        let sum: u32 = self.0.iter().map(|p| u32::from(p.confidence)).sum();
        (sum as f64 / self.0.len().max(1) as f64).round() as u8
    }
}

impl Scanned {
    /// One note per kind of failure, naming its pages: `pages 2, 3: OCR
    /// needs tesseract (…)`.
    fn notes(&self) -> Vec<String> {
        let mut notes: Vec<(String, Vec<u32>)> = Vec::new();
        for (page, err) in &self.failures {
            let message = err.to_string();
            match notes.iter_mut().find(|(seen, _)| *seen == message) {
                Some((_, pages)) => pages.push(*page),
                None => notes.push((message, vec![*page])),
            }
        }
        notes
            .into_iter()
            .map(|(message, pages)| pages_note(&pages, &message))
            .collect()
    }
}

/// A note naming `pages` left unread and why: `pages 2, 3: {why}, not read`.
fn pages_note(pages: &[u32], why: &str) -> String {
    let list: Vec<String> = pages.iter().map(u32::to_string).collect();
    let label = if pages.len() == 1 { "page" } else { "pages" };
    format!("{label} {}: {why}, not read", list.join(", "))
}

/// The most a page's content (its drawing operators, decoded) may hold
/// for its text to be read: the text extractor keeps some 85 bytes of
/// operators per byte of content, so a page of 600 MB that packs into a
/// 2 MB file took 24 GB, and one of 4 MB takes some 350 MB. A page of
/// typed text holds a few kilobytes, a scan's a few bytes, a detailed map
/// or plan a few megabytes (their text, the little they hold, is lost).
const MAX_PAGE_CONTENT_BYTES: u64 = 4 << 20;

/// Empties the content of each page of `document` whose content decodes
/// past [`MAX_PAGE_CONTENT_BYTES`], and gives those pages (1-based), whose
/// text is then not read (nor OCR'd: the renderer would decode it too).
fn drop_oversized_contents(document: &mut Document) -> Vec<u32> {
    let mut oversized = Vec::new();
    for (number, id) in document.get_pages() {
        let references = |parts: &[Object]| -> Vec<ObjectId> {
            parts
                .iter()
                .filter_map(|part| part.as_reference().ok())
                .collect()
        };
        let streams = match document
            .get_dictionary(id)
            .and_then(|page| page.get(b"Contents"))
        {
            // A reference to the stream, or to an array of them.
            Ok(Object::Reference(id)) => match document.get_object(*id) {
                Ok(Object::Array(parts)) => references(parts),
                _ => vec![*id],
            },
            Ok(Object::Array(parts)) => references(parts),
            _ => continue,
        };
        let mut decoded = 0;
        let over = streams.iter().any(|&stream| {
            if let Ok(Object::Stream(stream)) = document.get_object(stream) {
                decoded += decoded_len(stream, MAX_PAGE_CONTENT_BYTES + 1 - decoded);
            }
            decoded > MAX_PAGE_CONTENT_BYTES
        });
        if over && let Ok(page) = document.get_dictionary_mut(id) {
            page.set("Contents", Object::Array(Vec::new()));
            oversized.push(number);
        }
    }
    oversized
}

/// The most a content stream under a filter other than Flate (LZW,
/// ASCII85, run length, a chain with one of them) may store to be read:
/// it is decoded whole to be counted, and LZW unpacks up to some 3,000
/// times. A typed page so stored holds a few kilobytes.
const MAX_OTHER_FILTERED_BYTES: usize = 16 << 10;

/// How many bytes `stream`'s content decodes to, counted up to `cap`: a
/// stream stored as it is, or under Flate (once or more), is inflated into
/// nothing stage by stage (up to where it is damaged, if it is); one under
/// any other filter is decoded whole when small, and counted as `cap`
/// when not.
fn decoded_len(stream: &pdf_extract::Stream, cap: u64) -> u64 {
    use std::io::Read;
    let filters: Vec<&[u8]> = match stream.dict.get(b"Filter") {
        Err(_) => Vec::new(),
        Ok(Object::Name(name)) => vec![name],
        Ok(Object::Array(filters)) => filters
            .iter()
            .map(|filter| filter.as_name().unwrap_or(b"?"))
            .collect(),
        Ok(_) => vec![b"?"],
    };
    if filters.iter().all(|filter| *filter == b"FlateDecode") {
        let mut decoded: Box<dyn Read + '_> = Box::new(stream.content.as_slice());
        for _ in &filters {
            decoded = Box::new(flate2::read::ZlibDecoder::new(decoded));
        }
        let mut decoded = decoded.take(cap);
        let mut buffer = vec![0; 64 << 10];
        let mut total = 0;
        while let Ok(read @ 1..) = decoded.read(&mut buffer) {
            total += read as u64;
        }
        return total;
    }
    if stream.content.len() > MAX_OTHER_FILTERED_BYTES {
        return cap;
    }
    stream
        .decompressed_content()
        .map_or(stream.content.len() as u64, |decoded| decoded.len() as u64)
}

/// What a PDF's notes say of the pages whose content was too large to read.
fn oversized_note(pages: &[u32]) -> String {
    pages_note(
        pages,
        &format!(
            "its content unpacks past {} MB (a drawing, or a bomb?)",
            MAX_PAGE_CONTENT_BYTES >> 20
        ),
    )
}

/// The pages (1-based) whose text layer has too few letters to be the
/// page's text and that paint an image: scans, read by OCR. A blank page
/// of a typed book paints none, and costs no OCR. In a PDF without a page
/// of text, every page is read: a page whose content stream is damaged
/// may not say that it paints its scan, which the renderer still draws.
/// A page whose text is a stamp's line over an image of the page is a
/// scan too ([`MAX_STAMP_LETTERS`]).
fn pages_to_scan(
    document: &Document,
    pages: &[String],
    sizes: &HashMap<u32, (f64, f64)>,
) -> Vec<u32> {
    let ids = document.get_pages();
    let letters = |text: &String| text.chars().filter(|c| c.is_alphabetic()).count();
    let all_untyped = pages.iter().all(|text| letters(text) < MIN_TEXT_LETTERS);
    (1..)
        .zip(pages)
        .filter(|&(page, text)| {
            let id = ids.get(&page);
            match letters(text) {
                n if n < MIN_TEXT_LETTERS => {
                    all_untyped || id.is_none_or(|&id| paints_image(document, id))
                }
                // A scanned page an archive stamped with a line of text
                // (`DECLASSIFIED Authority NND 959000 By NARA`): its text
                // layer is the stamp, the page its scan.
                n if n < MAX_STAMP_LETTERS => id.is_some_and(|&id| {
                    let size = sizes.get(&page).copied().unwrap_or(US_LETTER);
                    paints_image(document, id) && holds_its_scan(document, id, size)
                }),
                _ => false,
            }
        })
        .map(|(page, _)| page)
        .collect()
}

/// A text layer shorter than this many letters may be a stamp on a
/// scanned page ([`holds_its_scan`]); a page with more is typed.
const MAX_STAMP_LETTERS: usize = 200;

/// Whether the page (`width` by `height` points) holds an image of a page:
/// an image of at least [`SCAN_PIXELS`] in the page's proportions (within
/// 5%), as a scanner makes one. A photograph on a typed page rarely has its
/// page's proportions.
fn holds_its_scan(document: &Document, page: ObjectId, (width, height): (f64, f64)) -> bool {
    let images = error::catching(|| document.get_page_images(page));
    let Ok(Ok(images)) = images else {
        return false;
    };
    let page_ratio = width / height.max(1.0);
    images.iter().any(|image| {
        let (w, h) = (image.width as f64, image.height as f64);
        w * h >= SCAN_PIXELS && h > 0.0 && ((w / h) / page_ratio - 1.0).abs() <= 0.05
    })
}

/// The fewest pixels of a page's scan: a US Letter page at 100 dpi has
/// 935,000.
const SCAN_PIXELS: f64 = 900_000.0;

/// Whether a page's content paints an image: an XObject (`Do`, which may
/// be an image or a form holding one) or an inline image (`BI`). A page
/// whose content cannot be read is assumed to.
fn paints_image(document: &Document, page: ObjectId) -> bool {
    let content = error::catching(|| document.get_page_content(page));
    let Ok(Ok(content)) = content else {
        return true;
    };
    content
        .split(|byte| byte.is_ascii_whitespace() || b"/[]()<>".contains(byte))
        .any(|token| token == b"Do" || token == b"BI")
}

/// OCRs the pages of `document` whose text (in `pages`, `pages[0]` being
/// page 1) has fewer than [`MIN_TEXT_LETTERS`] letters, replacing their
/// text with what OCR reads there, paragraphs apart as pdf-extract sets
/// them. Pages are read in parallel, as many at once as
/// [`ocr::OcrRuns`] lets run; once a program is found missing, no other
/// page tries it.
fn ocr_pages(
    bytes: &[u8],
    document: &Document,
    pages: &mut [String],
    oversized: &[u32],
    options: &OcrOptions,
    declared: Option<&str>,
    counts: &mut OcrCounts,
) -> Scanned {
    let mut scanned = Scanned::default();
    let sizes = page_sizes(document);
    let mut wanted = pages_to_scan(document, pages, &sizes);
    wanted.retain(|page| !oversized.contains(page));
    if wanted.is_empty() {
        return scanned;
    }
    let pdf_key = ocr::pdf_key(bytes);
    options.runs.found(wanted.len() as u64);
    let next = AtomicUsize::new(0);
    let missing = OnceLock::new();
    let read = Mutex::new(Vec::with_capacity(wanted.len()));
    let threads = options.runs.parallel().min(wanted.len());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                while let Some(&page) = wanted.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let mut page_counts = OcrCounts::default();
                    let outcome = match missing.get() {
                        Some(err) => Err(OcrError::clone(err)),
                        None => {
                            let size = sizes.get(&page).copied().unwrap_or(US_LETTER);
                            ocr::read_pdf_page(
                                bytes,
                                pdf_key,
                                page,
                                size,
                                options,
                                declared,
                                &mut page_counts,
                            )
                        }
                    };
                    if let Err(err @ OcrError::Missing { .. }) = &outcome {
                        let _ = missing.set(err.clone());
                    }
                    options.runs.done();
                    let mut read = read.lock().unwrap_or_else(PoisonError::into_inner);
                    read.push((page, outcome, page_counts));
                }
            });
        }
    });
    let mut read = read.into_inner().unwrap_or_else(PoisonError::into_inner);
    read.sort_by_key(|&(page, ..)| page);
    for (page, outcome, page_counts) in read {
        *counts += page_counts;
        match outcome {
            Ok(paragraphs) if paragraphs.is_empty() => {}
            Ok(paragraphs) => {
                let text = &mut pages[page as usize - 1];
                text.clear();
                for paragraph in &paragraphs {
                    text.push_str("\n\n");
                    text.push_str(&paragraph.text);
                }
                scanned.read.insert(page, OcrRead(paragraphs));
            }
            Err(err) => scanned.failures.push((page, err)),
        }
    }
    scanned
}

/// The blocks of a PDF's extracted pages, `pages[0]` being page 1: page
/// furniture and contents entries left out, headings recognised (see the
/// module documentation). `scanned` tells the pages OCR read.
fn page_blocks(pages: &[String], scanned: &dyn Fn(u32) -> bool) -> Vec<Block> {
    let squeezed: Vec<Cow<str>> = pages.iter().map(|page| squeeze_spaces(page)).collect();
    let mut pages: Vec<Vec<&str>> = squeezed.iter().map(|page| page.lines().collect()).collect();
    drop_running_lines(&mut pages);
    drop_contents_entries(&mut pages);
    for page in &mut pages {
        join_spaced_lines(page);
    }
    structure(&pages, scanned)
}

/// `text` with each run of whitespace between two words one space: a
/// text layer that draws each word with its own space and places the next
/// word apart (Tesseract's, Word's) reads with two. A line's indentation
/// is kept (it tells code).
fn squeeze_spaces(text: &str) -> Cow<'_, str> {
    if !text.contains("  ") {
        return Cow::Borrowed(text);
    }
    let lines: Vec<String> = text
        .split('\n')
        .map(|line| {
            let body = line.trim_start_matches(' ');
            let indentation = &line[..line.len() - body.len()];
            indentation.to_string() + &collapse_whitespace(body)
        })
        .collect();
    Cow::Owned(lines.join("\n"))
}

/// Joins the lines of a page set with a blank line between every two of
/// them where a sentence goes on. pdf-extract writes a blank line where the
/// text steps down by more than one and a half times its font size, which
/// a double-spaced typescript does at every line, and so does the text
/// layer Tesseract (and OCRmyPDF) lays over a scan; such a page would be a
/// passage per line, and a phrase across two lines never found. Only pages
/// of three lines or more, each alone between blank lines (one-line list
/// items and paragraphs set apart on an ordinary page are not joined), and
/// only where a line of three words or more, set to the page's width (seven
/// tenths of its widest line: a wrapped line of prose, not a list's short
/// item), ends no sentence and the next starts in lower case, neither
/// reading as code: a table's rows, a census's records, an address's lines
/// start in capitals or digits, and stay apart. On a page where most such
/// wrapped lines go on in lower case (at least two), a wrapped line ending
/// in a lower-case letter also joins a next line starting with a capital
/// where the sentence goes on in lower case into the one or out of the
/// other: a sentence going on with a name ("…the so-called Plan" / "LAZO
/// was put…"), while rows and items, one capital after another, stay
/// apart. A page typed in capitals (a cable) gives no such sign and is
/// joined only where a line starts in lower case.
fn join_spaced_lines(page: &mut Vec<&str>) {
    let text: Vec<usize> = (0..page.len())
        .filter(|&at| !page[at].trim().is_empty())
        .collect();
    let spaced = text.len() >= 3 && text.windows(2).all(|pair| pair[1] > pair[0] + 1);
    if !spaced {
        return;
    }
    let lines: Vec<&str> = text.iter().map(|&at| page[at]).collect();
    let goes_on = sentences_going_on(&lines);
    let mut joined = vec![lines[0]];
    for (&line, goes_on) in lines[1..].iter().zip(goes_on) {
        if !goes_on {
            joined.push("");
        }
        joined.push(line);
    }
    *page = joined;
}

/// For each line of a spaced page's `run` of lines after the first,
/// whether it goes on the sentence of the line before it (see
/// [`join_spaced_lines`]).
fn sentences_going_on(run: &[&str]) -> Vec<bool> {
    let width = |line: &str| line.trim().chars().count();
    let widest = run.iter().map(|line| width(line)).max().unwrap_or(0);
    let markup =
        |line: &str| has_code_characters(line) || text::heading_text(line.trim()).is_some();
    let wraps = |last: &str, next: &str| {
        let ends_sentence = last
            .trim_end()
            .trim_end_matches(['"', '\'', '”', '’', ')'])
            .ends_with(['.', '!', '?', ':', ';']);
        last.split_whitespace().count() >= 3
            && 10 * width(last) >= 7 * widest
            && !ends_sentence
            && !markup(last)
            && !markup(next)
    };
    let starts = |line: &str, first: fn(char) -> bool| line.trim_start().starts_with(first);
    let ends = |line: &str, last: fn(char) -> bool| line.trim_end().ends_with(last);
    let wrapped: Vec<bool> = run.windows(2).map(|pair| wraps(pair[0], pair[1])).collect();
    // Each pair of lines: whether the second goes on the first's sentence
    // in lower case.
    let in_lower_case: Vec<bool> = run
        .windows(2)
        .zip(&wrapped)
        .map(|(pair, &wraps)| wraps && starts(pair[1], char::is_lowercase))
        .collect();
    let lower_case_goes_on = in_lower_case.iter().filter(|&&goes_on| goes_on).count();
    let names_go_on = lower_case_goes_on >= 2
        && 2 * lower_case_goes_on >= wrapped.iter().filter(|&&wraps| wraps).count();
    // A name goes on a sentence where the sentence is seen going on in
    // lower case next to it: into the line before the name's, or out of
    // the name's line. A table's rows and a list's items below a page's
    // prose start with capitals one after another, and stay apart.
    let name_goes_on = |at: usize| {
        let (last, next) = (run[at], run[at + 1]);
        names_go_on
            && ends(last, char::is_lowercase)
            && starts(next, char::is_uppercase)
            && (at > 0 && in_lower_case[at - 1] || in_lower_case.get(at + 1) == Some(&true))
    };
    (0..wrapped.len())
        .map(|at| in_lower_case[at] || wrapped[at] && name_goes_on(at))
        .collect()
}

/// How many non-empty lines at the top and at the bottom of a page may be
/// running heads or feet: a head, and a page number or subtitle below it.
const EDGE_LINES: usize = 2;

/// A running line stands at the edge of at least this many pages.
const MIN_RUNNING_PAGES: usize = 3;

/// Blanks the running heads and feet of `pages` (see the module
/// documentation): the same line, numbers aside, at the edge of most pages
/// or of pages close together.
fn drop_running_lines(pages: &mut [Vec<&str>]) {
    let edges: Vec<Vec<(Range<usize>, String)>> =
        pages.iter().map(|lines| edge_blocks(lines)).collect();
    // Each key's pages, and its text on each.
    let mut pages_of: HashMap<&str, (Vec<usize>, Vec<String>)> = HashMap::new();
    for (page, edges) in edges.iter().enumerate() {
        for (range, key) in edges {
            let (at, texts) = pages_of.entry(key).or_default();
            if at.last() != Some(&page) {
                at.push(page);
                texts.push(pages[page][range.clone()].join(" "));
            }
        }
    }
    let with_text = pages
        .iter()
        .filter(|lines| lines.iter().any(|line| !line.trim().is_empty()))
        .count();
    let running: HashSet<&str> = pages_of
        .into_iter()
        .filter(|(key, (at, texts))| {
            at.len() >= MIN_RUNNING_PAGES
                && (2 * at.len() >= with_text || at.windows(3).any(|three| three[2] - three[0] < 5))
                // A bare number (`12`, `xiv`) is a page number wherever it
                // stands: its key gathers every one of the document.
                && (!key.chars().any(char::is_alphabetic) || numbers_move_with_the_pages(at, texts))
                && !numbered_prose(texts)
        })
        .map(|(key, _)| key)
        .collect();
    for (lines, edges) in pages.iter_mut().zip(&edges) {
        for (range, key) in edges {
            if running.contains(key.as_str()) {
                lines[range.clone()].fill("");
            }
        }
    }
}

/// The lines at the edges of a page that may be running, with their
/// [`running_key`]: each paragraph (lines between blank lines) within the
/// first or within the last [`EDGE_LINES`] non-empty lines, set apart from
/// the text as running heads are, and each line there without letters (a
/// page number, even one printed right under the text).
fn edge_blocks(lines: &[&str]) -> Vec<(Range<usize>, String)> {
    let filled: Vec<usize> = (0..lines.len())
        .filter(|&i| !lines[i].trim().is_empty())
        .collect();
    let top = &filled[..filled.len().min(EDGE_LINES)];
    let bottom = &filled[filled.len().saturating_sub(EDGE_LINES)..];
    let blank = |j: usize| lines[j].trim().is_empty();
    let mut found: Vec<(Range<usize>, String)> = Vec::new();
    for &i in top.iter().chain(bottom) {
        let start = (0..i).rev().find(|&j| blank(j)).map_or(0, |j| j + 1);
        let end = (i..lines.len()).find(|&j| blank(j)).unwrap_or(lines.len());
        let within = |edge: &[usize]| (start..end).all(|j| edge.contains(&j));
        let candidate = if within(top) || within(bottom) {
            Some((start..end, running_key(&lines[start..end].join(" "))))
        } else {
            let key = running_key(lines[i]);
            (!key.chars().any(char::is_alphabetic)).then_some((i..i + 1, key))
        };
        if let Some((range, key)) = candidate
            && !found.iter().any(|(seen, _)| *seen == range)
        {
            found.push((range, key));
        }
    }
    found
}

/// Whether the numbers of a line found on pages `at` (`texts` there) are
/// what a running line's are: the same on every page, or a page number's
/// (a Bates number's, `Página 01 de 06`), never rising faster than twice
/// as fast as the pages turn (a book scanned two pages to a sheet), and
/// starting again where a compilation's next document does. A number that
/// rises faster (`MEMORANDUM 40`, `MEMORANDUM 97`) and a date that changes
/// (`Caracas, 10 de marzo de 1985`) name what the page holds: a cable
/// compilation's numbers and datelines are its text, not its furniture.
fn numbers_move_with_the_pages(at: &[usize], texts: &[String]) -> bool {
    let dates: Vec<_> = texts.iter().map(|text| dates::find_dates(text)).collect();
    if dates.windows(2).any(|pair| pair[0] != pair[1]) {
        return false;
    }
    let numbers: Vec<Vec<u64>> = texts.iter().map(|text| line_numbers(text)).collect();
    let count = numbers[0].len();
    if numbers.iter().any(|found| found.len() != count) {
        return false;
    }
    (0..count).all(|position| {
        let values: Vec<u64> = numbers.iter().map(|found| found[position]).collect();
        values.windows(2).zip(at.windows(2)).all(|(pair, pages)| {
            let (before, after) = (pair[0], pair[1]);
            let turned = (pages[1] - pages[0]) as u64;
            after <= before || after - before <= 2 * turned
        })
    })
}

/// Whether a block found at the edge of several pages (`texts` there) is
/// prose whose numbers change: a notice or a form letter a page, each
/// sentence naming its own payment or case (`se le notifica que el pago
/// número 3 … fue retenido.`), which its numbers rising one a page would
/// otherwise make a running line. A running head or foot is a title and a
/// page number, not a sentence of [`PROSE_WORDS`] words or more (a line
/// the same on every page, such as a notice of copyright, may be); one
/// that names its page (`Page 2 of 3. This report is confidential…`,
/// `Página 2`) is a running foot still.
fn numbered_prose(texts: &[String]) -> bool {
    static PAGE_LABEL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(?:page|p[áa]gina|p[áa]g\.?|seite|folio|hoja)\s*[0-9ivxlc]+\b")
            .expect("the page label pattern compiles")
    });
    let numbers: Vec<Vec<u64>> = texts.iter().map(|text| line_numbers(text)).collect();
    numbers.windows(2).any(|pair| pair[0] != pair[1])
        && !texts.iter().any(|text| PAGE_LABEL.is_match(text))
        && texts.iter().all(|text| {
            let words = text.split_whitespace().count();
            let sentence = text.trim_end().ends_with(['.', '!', '?', '…']);
            words >= 2 * PROSE_WORDS || (words >= PROSE_WORDS && sentence)
        })
}

/// Words from which a block ending in a full stop is a sentence, not a
/// running line; from twice as many, any block.
const PROSE_WORDS: usize = 10;

/// The numbers of a line as [`running_key`] makes them alike (runs of
/// digits, roman numerals).
fn line_numbers(line: &str) -> Vec<u64> {
    let mut numbers = Vec::new();
    for word in line.split_whitespace() {
        if is_roman(word) {
            numbers.push(roman_value(word));
            continue;
        }
        let mut digits = String::new();
        for c in word.chars().chain([' ']) {
            if c.is_ascii_digit() {
                digits.push(c);
            } else if !digits.is_empty() {
                numbers.push(digits.parse().unwrap_or(u64::MAX));
                digits.clear();
            }
        }
    }
    numbers
}

/// The value of a numeral [`is_roman`] accepts.
fn roman_value(numeral: &str) -> u64 {
    let value = |c: char| match c.to_ascii_lowercase() {
        'i' => 1,
        'v' => 5,
        'x' => 10,
        'l' => 50,
        _ => 100,
    };
    let digits: Vec<u64> = numeral.chars().map(value).collect();
    digits
        .iter()
        .enumerate()
        .map(|(at, &digit)| {
            if digits.get(at + 1).is_some_and(|&next| next > digit) {
                digit.wrapping_neg()
            } else {
                digit
            }
        })
        .fold(0u64, u64::wrapping_add)
}

/// A line as running heads compare it: lower case, words separated by one
/// space, each run of digits and each roman numeral made `#`, so that
/// `R FAQ — page 3` and `R FAQ — page 4` are one line.
fn running_key(line: &str) -> String {
    let mut key = String::new();
    for word in line.split_whitespace() {
        if !key.is_empty() {
            key.push(' ');
        }
        if is_roman(word) {
            key.push('#');
            continue;
        }
        let mut in_number = false;
        for c in word.chars() {
            if c.is_ascii_digit() {
                if !in_number {
                    key.push('#');
                }
                in_number = true;
            } else {
                in_number = false;
                key.extend(c.to_lowercase());
            }
        }
    }
    key
}

/// A roman numeral up to 399 in one case (`xiv`, `XIV`), as pages of front
/// matter and parts are numbered. Letters beyond `c` are left out: `mix`
/// and `did` are words.
fn is_roman(word: &str) -> bool {
    static ROMAN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?x)^(?:
                c{0,3} (?:xc|xl|l?x{0,3}) (?:ix|iv|v?i{0,3})
              | C{0,3} (?:XC|XL|L?X{0,3}) (?:IX|IV|V?I{0,3})
            )$",
        )
        .expect("the roman numeral pattern compiles")
    });
    !word.is_empty() && ROMAN.is_match(word)
}

/// Page numbers after an entry: `12`, `xi`, `12–14`, `12, 45`.
const PAGE_REFS: &str = concat!(
    r"(?:[0-9]{1,4}|[ivxlcdm]{1,7}|[IVXLCDM]{1,7})",
    r"(?:\s*[-–]\s*[0-9]{1,4})?",
    r"(?:\s*,\s*[0-9]{1,4}(?:\s*[-–]\s*[0-9]{1,4})?)*",
);

/// A contents or index line with leaders: dots, middle dots or ellipses,
/// maybe spaced, then page numbers at the end.
fn is_leader_line(line: &str) -> bool {
    static LEADER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(&format!(
            r"(?:(?:[.·]\s{{0,2}}){{4,}}|(?:…\s{{0,2}}){{2,}})\s*{PAGE_REFS}$"
        ))
        .expect("the leader pattern compiles")
    });
    LEADER.is_match(line.trim())
}

/// A contents or index line without leaders: `1 GNU/Linux tutorials 1`,
/// `workspace, 12, 45`. Only on a contents page: elsewhere prose may end so.
fn is_entry_line(line: &str) -> bool {
    static ENTRY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(&format!(r"^.*[\p{{L}})\]](?:,\s*|\s+){PAGE_REFS}$"))
            .expect("the index entry pattern compiles")
    });
    let line = line.trim();
    line.chars().count() <= MAX_HEADING_CHARS
        && line.chars().any(char::is_alphabetic)
        && ENTRY.is_match(line)
}

/// The title of a contents or index page: `Contents`, `Table of Contents`,
/// `Concept Index`, `Índice general`.
fn is_contents_title(line: &str) -> bool {
    const TITLES: [&str; 6] = [
        "contents",
        "index",
        "índice",
        "indice",
        "contenido",
        "contenidos",
    ];
    let words: Vec<&str> = line.split_whitespace().collect();
    (1..=5).contains(&words.len())
        && words.iter().any(|word| {
            TITLES.contains(
                &word
                    .trim_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase()
                    .as_str(),
            )
        })
}

/// Blanks contents and index entries (see the module documentation): leader
/// lines anywhere, the other entries on contents pages only.
fn drop_contents_entries(pages: &mut [Vec<&str>]) {
    let mut after_contents = false;
    for lines in pages.iter_mut() {
        let leaders: Vec<bool> = lines.iter().map(|line| is_leader_line(line)).collect();
        let entries: Vec<bool> = lines
            .iter()
            .zip(&leaders)
            .map(|(line, &leader)| leader || is_entry_line(line))
            .collect();
        let filled = lines.iter().filter(|line| !line.trim().is_empty()).count();
        let entry_count = entries.iter().filter(|&&entry| entry).count();
        let contents = leaders.iter().filter(|&&leader| leader).count() >= 3
            || (entry_count >= 5
                && 2 * entry_count >= filled
                && (after_contents || lines.iter().any(|line| is_contents_title(line))));
        let drop: Vec<bool> = (0..lines.len())
            .map(|i| {
                let line = lines[i].trim();
                if leaders[i] {
                    return true;
                }
                if !contents || line.is_empty() {
                    return false;
                }
                let wraps_into_entry =
                    entries.get(i + 1) == Some(&true) && !line.ends_with(['.', '!', '?']);
                entries[i]
                    || wraps_into_entry
                    || is_contents_title(line)
                    || (line.chars().count() == 1 && line.chars().all(char::is_alphabetic))
            })
            .collect();
        for (line, drop) in lines.iter_mut().zip(drop) {
            if drop {
                *line = "";
            }
        }
        after_contents = contents;
    }
}

/// A heading is at most this long…
const MAX_HEADING_CHARS: usize = 100;
/// …and has at most this many words after its number or label.
const MAX_HEADING_WORDS: usize = 15;
/// A Title Case heading without number has at most this many words.
const MAX_TITLE_CASE_WORDS: usize = 8;

/// The kinds of heading line (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `2.3 Saving the workspace`; `lone` for a number of one part (`4`,
    /// `1.`), which a numbered list also has.
    Numbered { lone: bool },
    /// `Chapter 4: Methods`; `bare` for the label alone (`Chapter 4`).
    Labelled { bare: bool },
    /// `Saving the Workspace`.
    TitleCase,
}

/// What a block of lines becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Role {
    /// Paragraphs, as [`text::laid_out_blocks`] makes them.
    Text,
    /// A heading with this text.
    Heading(String),
    /// Part of the heading above it (a chapter's title under its label).
    InHeading,
}

/// The blocks of the pages' remaining lines (`pages[0]` is page 1):
/// paragraphs, and recognised headings as [`Block::Heading`]s. A paragraph
/// goes on over a page break only between pages read alike (`scanned`
/// tells those OCR read), so that OCR's text keeps its confidence.
fn structure(pages: &[Vec<&str>], scanned: &dyn Fn(u32) -> bool) -> Vec<Block> {
    let blocks: Vec<(u32, &[&str])> = pages
        .iter()
        .zip(1..)
        .flat_map(|(lines, page)| {
            lines
                .split(|line| line.trim().is_empty() || is_rule(line.trim()))
                .filter(|block| !block.is_empty())
                .map(move |block| (page, block))
        })
        .collect();
    let roles = roles(&blocks);
    // Whether block `i`, first on its page, goes on with the paragraph
    // that ended the page before (see [`runs_on`]).
    let continues_at = |i: usize| {
        let read_alike =
            |scans: bool| scanned(blocks[i - 1].0) == scans && scanned(blocks[i].0) == scans;
        i > 0
            && blocks[i - 1].0 + 1 == blocks[i].0
            && roles[i - 1] == Role::Text
            && roles[i] == Role::Text
            && (read_alike(false) && runs_on(blocks[i - 1].1, blocks[i].1)
                || read_alike(true) && scan_runs_on(blocks[i - 1].1, blocks[i].1))
    };
    let mut out = Vec::new();
    let mut chunk = String::new();
    let mut chunk_page = 1;
    // Where the last paragraph of text starts in `chunk`.
    let mut last_block = 0;
    let flush = |chunk: &mut String, page: u32, out: &mut Vec<Block>| {
        out.extend(text::laid_out_blocks(chunk, page));
        chunk.clear();
    };
    for (i, ((page, block), role)) in blocks.iter().zip(&roles).enumerate() {
        let joined = continues_at(i);
        if joined {
            // The paragraph keeps the page it starts on, `chunk_page`;
            // the next block on this page starts the page's own chunk.
            let carried = chunk.split_off(last_block);
            flush(&mut chunk, chunk_page, &mut out);
            chunk = carried;
            // No blank line: this page's lines join the paragraph,
            // which now starts the chunk.
            chunk.pop();
            last_block = 0;
        } else if *page != chunk_page {
            flush(&mut chunk, chunk_page, &mut out);
            chunk_page = *page;
        }
        match role {
            Role::InHeading => {}
            Role::Heading(heading) => {
                flush(&mut chunk, *page, &mut out);
                out.push(Block::Heading(heading.clone()));
            }
            Role::Text => {
                if !joined {
                    last_block = chunk.len();
                }
                for line in *block {
                    chunk.push_str(line);
                    chunk.push('\n');
                }
                chunk.push('\n');
            }
        }
    }
    flush(&mut chunk, chunk_page, &mut out);
    out
}

/// Whether `next`, the first block of text on a page, goes on with `last`,
/// the last one on the page before: a sentence cut by the page break. On
/// strong evidence only, as captions, list items, listings and tables end
/// pages too: `last` is two lines or more, its last line is at least seven
/// tenths as wide as its widest (text set to the column, not a line's
/// short end), has six words or more (a sentence's, not a table row's or
/// a command's) and ends in a letter, a comma or a hyphen, `next` starts
/// in lower case with three words or more (not a label such as
/// `sugerencia`), and neither holds a line that would be markup (code or a
/// paragraph of its own in [`text::laid_out_blocks`]). The HTML edition of
/// a manual has such a paragraph whole, and a phrase across the break is
/// found.
fn runs_on(last: &[&str], next: &[&str]) -> bool {
    let markup = |block: &[&str]| {
        block
            .iter()
            .any(|line| text::heading_text(line.trim()).is_some())
    };
    let width = |line: &str| line.trim().chars().count();
    let widest = last.iter().map(|line| width(line)).max().unwrap_or(0);
    let [.., _, end] = last else {
        return false;
    };
    let set_full = 10 * width(end) >= 7 * widest && end.split_whitespace().count() >= 6;
    set_full && text::ends_open(end) && goes_on(next) && !markup(last) && !markup(next)
}

/// Whether `next`, a page's first block, reads as a sentence going on:
/// its first line starts in lower case with three words or more (not a
/// label such as `sugerencia`).
fn goes_on(next: &[&str]) -> bool {
    next.first().is_some_and(|line| {
        line.trim_start().starts_with(char::is_lowercase) && line.split_whitespace().count() >= 3
    })
}

/// Whether `next`, the first paragraph OCR read on a page, goes on with
/// `last`, the last on the scanned page before: as Tesseract's paragraphs
/// parted inside a sentence on one page are joined (`ocr::continued`),
/// `last` ends open (a letter, a comma or a hyphen) and `next` starts in
/// lower case, with three words or more as in [`runs_on`]. Each of a
/// scanned page's paragraphs is one line here (Tesseract's lines joined),
/// so the widths [`runs_on`] weighs are not known; Tesseract parted its
/// paragraphs by their layout already.
fn scan_runs_on(last: &[&str], next: &[&str]) -> bool {
    last.last().is_some_and(|end| text::ends_open(end)) && goes_on(next)
}

/// The role of each block of lines, given with its page: which are headings
/// (see the module documentation).
fn roles(blocks: &[(u32, &[&str])]) -> Vec<Role> {
    let kinds: Vec<Option<Kind>> = blocks
        .iter()
        .map(|(_, block)| match block {
            [line] => heading_kind(line.trim()),
            _ => None,
        })
        .collect();
    // Whether block `j` exists and is on the page of block `i`.
    let beside = |i: usize, j: usize| blocks.get(j).is_some_and(|(page, _)| *page == blocks[i].0);
    let paragraph_at = |j: usize| kinds[j].is_none() && reads_as_paragraph(blocks[j].1);
    // Any page: a list may go on over the next.
    let listed_at = |j: usize| {
        blocks
            .get(j)
            .is_some_and(|(_, block)| starts_with_lone_number(block[0].trim()))
    };
    let structural_at = |j: usize| {
        matches!(
            kinds.get(j),
            Some(Some(Kind::Numbered { .. } | Kind::Labelled { .. }))
        )
    };
    let mut roles = vec![Role::Text; blocks.len()];
    for i in (0..blocks.len()).rev() {
        let Some(kind) = kinds[i] else { continue };
        let placed = match kind {
            // Items of a numbered list, one block each, look like headings.
            Kind::Numbered { lone: true } => {
                let in_list = listed_at(i + 1) || (i > 0 && listed_at(i - 1));
                !in_list
            }
            // So do items of a list whose bullets are drawn, not written.
            Kind::TitleCase => {
                !(i > 0 && beside(i, i - 1))
                    || paragraph_at(i - 1)
                    || structural_at(i - 1)
                    || blocks[i - 1].1[0].trim_start().starts_with(BULLETS)
            }
            Kind::Numbered { lone: false } | Kind::Labelled { .. } => true,
        };
        if !placed {
            continue;
        }
        let heading_at =
            |j: usize| beside(i, j) && structural_at(j) && matches!(roles[j], Role::Heading(_));
        let line = collapse_whitespace(blocks[i].1[0]);
        let paragraph_below = beside(i, i + 1)
            && paragraph_at(i + 1)
            && (structural_at(i) || starts_sentence(blocks[i + 1].1));
        if paragraph_below || (structural_at(i) && heading_at(i + 1)) {
            roles[i] = Role::Heading(line);
        } else if kind == (Kind::Labelled { bare: true })
            && beside(i, i + 1)
            && is_chapter_title(blocks[i + 1].1)
            && ((beside(i, i + 2) && paragraph_at(i + 2)) || heading_at(i + 2))
        {
            roles[i] = Role::Heading(format!(
                "{line} {}",
                collapse_whitespace(blocks[i + 1].1[0])
            ));
            roles[i + 1] = Role::InHeading;
        }
    }
    roles
}

/// `---` or `===` alone on a line: a rule between paragraphs, never a
/// setext underline making the line above a heading.
fn is_rule(line: &str) -> bool {
    line.len() >= 3 && (line.bytes().all(|b| b == b'-') || line.bytes().all(|b| b == b'='))
}

/// Whether a block below a heading reads as its paragraph.
fn reads_as_paragraph(block: &[&str]) -> bool {
    let last = block.last().map_or("", |line| line.trim());
    let letters: usize = block
        .iter()
        .map(|line| line.chars().filter(|c| c.is_alphabetic()).count())
        .sum();
    let words: Vec<&str> = block
        .iter()
        .flat_map(|line| line.split_whitespace())
        .collect();
    let lower = words
        .iter()
        .filter(|word| word.chars().next().is_some_and(char::is_lowercase))
        .count();
    letters >= 20 && 3 * lower >= words.len() && (block.len() >= 2 || text::ends_sentence(last))
}

/// Whether a block starts like a sentence, with a capital (after quotes
/// and list marks): a table's rows or a listing below a line of capitalised
/// words make it their header, not a heading.
fn starts_sentence(block: &[&str]) -> bool {
    block[0]
        .trim_start_matches(|c: char| {
            c.is_whitespace() || BULLETS.contains(&c) || "\"“‘'(¿¡".contains(c)
        })
        .starts_with(char::is_uppercase)
}

/// Marks that start a list item.
const BULLETS: [char; 12] = ['•', '◦', '▪', '‣', '○', '■', '□', '►', '-', '–', '—', '*'];

/// `1 `, `12. `: the start of a numbered list item, or of a heading with a
/// number of one part.
fn starts_with_lone_number(line: &str) -> bool {
    static LONE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^[0-9]{1,3}[.)]?\s").expect("the list number pattern compiles")
    });
    LONE.is_match(line)
}

/// The short line naming a chapter under its bare label: capitalised, no
/// final punctuation.
fn is_chapter_title(block: &[&str]) -> bool {
    let [line] = block else { return false };
    let line = line.trim();
    line.chars().next().is_some_and(char::is_uppercase)
        && line.chars().count() <= MAX_HEADING_CHARS
        && line.split_whitespace().count() <= MAX_HEADING_WORDS
        && !line.ends_with(['.', ',', ';', ':'])
        && !has_code_characters(line)
}

/// What kind of heading `line` (trimmed, standing alone) would be, if any.
fn heading_kind(line: &str) -> Option<Kind> {
    static NUMBERED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?x)^
            (?:
                (?P<lone>[0-9]{1,2}\.?)                 # 4, 1.
              | [0-9]{1,2} (?:\.[0-9]{1,3}){1,4} \.?    # 2.3, 2.3.
              | \p{Lu} (?:\.[0-9]{1,3}){1,4} \.?        # A.1
            )
            \s+ (?P<title>.+) $",
        )
        .expect("the numbered heading pattern compiles")
    });
    static LABELLED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?x)^
            (?P<label>\p{L}+) \s+
            (?P<number>[0-9]{1,3}|[IVXLCivxlc]{1,7}|\p{Lu})
            (?:\s*[.:—–-]\s*|\s+|$)
            (?P<title>.*) $",
        )
        .expect("the labelled heading pattern compiles")
    });
    const LABELS: [&str; 10] = [
        "chapter",
        "part",
        "appendix",
        "annex",
        "capítulo",
        "capitulo",
        "parte",
        "anexo",
        "apéndice",
        "apendice",
    ];
    if line.chars().count() > MAX_HEADING_CHARS
        || line.ends_with(['.', ',', ';', ':'])
        || has_code_characters(line)
    {
        return None;
    }
    if let Some(found) = LABELLED.captures(line) {
        let label = &found["label"];
        let number = &found["number"];
        if label.chars().next().is_some_and(char::is_uppercase)
            && LABELS.contains(&label.to_lowercase().as_str())
            && (number.bytes().all(|b| b.is_ascii_digit())
                || is_roman(number)
                || number.chars().count() == 1)
        {
            let title = found["title"].trim();
            if title.is_empty() {
                return Some(Kind::Labelled { bare: true });
            }
            return heading_title(title).then_some(Kind::Labelled { bare: false });
        }
    }
    if let Some(found) = NUMBERED.captures(line) {
        return heading_title(&found["title"]).then_some(Kind::Numbered {
            lone: found.name("lone").is_some(),
        });
    }
    let words: Vec<&str> = line.split_whitespace().collect();
    let first = words
        .first()?
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    const CAPTIONS: [&str; 8] = [
        "figure", "fig", "table", "tabla", "cuadro", "figura", "gráfico", "grafico",
    ];
    const ADMONITIONS: [&str; 11] = [
        "note",
        "tip",
        "warning",
        "caution",
        "important",
        "hint",
        "example",
        "nota",
        "advertencia",
        "ejemplo",
        "importante",
    ];
    let admonition = words.len() == 1 && ADMONITIONS.contains(&first.as_str());
    let title_case = words.len() <= MAX_TITLE_CASE_WORDS
        && !line.contains([',', ':'])
        && !line.contains(|c: char| c.is_ascii_digit())
        && !CAPTIONS.contains(&first.as_str())
        && !admonition
        && heading_title(line)
        && is_title_case(&words);
    title_case.then_some(Kind::TitleCase)
}

/// Characters of code, markup and addresses, never in a heading.
fn has_code_characters(line: &str) -> bool {
    line.contains([
        '<', '>', '=', '{', '}', '[', ']', '|', '\\', '$', '@', '#', '_',
    ]) || line.contains("://")
}

/// Whether `title`, a heading without its number or label, starts with a
/// capital, has few words and does not end in a page number.
fn heading_title(title: &str) -> bool {
    let words: Vec<&str> = title.split_whitespace().collect();
    let Some(last) = words.last() else {
        return false;
    };
    title.chars().next().is_some_and(char::is_uppercase)
        && words.len() <= MAX_HEADING_WORDS
        && !last.bytes().all(|b| b.is_ascii_digit())
        && !(is_roman(last) && last.chars().all(|c| c.is_lowercase()))
}

/// Words of four letters or more capitalised, but for these function words.
const LOWER_CASE_WORDS: [&str; 19] = [
    "with", "from", "into", "onto", "over", "upon", "than", "about", "after", "under", "between",
    "through", "without", "para", "como", "sobre", "entre", "desde", "hasta",
];

/// Title Case: every word of four letters or more starts with a capital,
/// but for [`LOWER_CASE_WORDS`]; at least four letters in all.
fn is_title_case(words: &[&str]) -> bool {
    let mut letters = 0;
    for word in words {
        let core = word.trim_matches(|c: char| !c.is_alphanumeric());
        letters += core.chars().filter(|c| c.is_alphabetic()).count();
        let lower = core.chars().next().is_some_and(char::is_lowercase);
        if lower && core.chars().count() > 3 && !LOWER_CASE_WORDS.contains(&core) {
            return false;
        }
    }
    letters >= 4
}

/// A page's size when its `/MediaBox` cannot be read: US Letter, in points.
const US_LETTER: (f64, f64) = (612.0, 792.0);

/// The width and height in points of each page (by 1-based number) whose
/// `/MediaBox`, its own or inherited, can be read. The page tree does not
/// loop: [`page_in_a_loop`] refused those.
fn page_sizes(document: &Document) -> HashMap<u32, (f64, f64)> {
    let size = |page: ObjectId| -> Option<(f64, f64)> {
        let mut node = page;
        loop {
            let dictionary = document.get_dictionary(node).ok()?;
            if let Ok(mediabox) = dictionary.get(b"MediaBox") {
                let (_, mediabox) = document.dereference(mediabox).ok()?;
                let corners: Vec<f64> = mediabox
                    .as_array()
                    .ok()?
                    .iter()
                    .filter_map(|corner| corner.as_float().ok())
                    .map(f64::from)
                    .collect();
                let [x0, y0, x1, y1] = corners[..] else {
                    return None;
                };
                return Some(((x1 - x0).abs(), (y1 - y0).abs()))
                    .filter(|(w, h)| w.is_finite() && h.is_finite());
            }
            node = dictionary.get(b"Parent").ok()?.as_reference().ok()?;
        }
    };
    document
        .get_pages()
        .into_iter()
        .filter_map(|(number, page)| Some((number, size(page)?)))
        .collect()
}

/// A page whose chain of `/Parent`s comes back on itself, if any.
fn page_in_a_loop(document: &Document) -> Option<ObjectId> {
    let parent = |node: ObjectId| -> Option<ObjectId> {
        let dictionary = document.get_object(node).ok()?.as_dict().ok()?;
        dictionary.get(b"Parent").ok()?.as_reference().ok()
    };
    document.get_pages().into_values().find(|&page| {
        let mut seen = HashSet::new();
        let mut node = Some(page);
        while let Some(current) = node {
            if !seen.insert(current) {
                return true;
            }
            node = parent(current);
        }
        false
    })
}

/// Title, author and creation date from the document information dictionary.
fn metadata(document: &Document) -> Metadata {
    let info = document
        .trailer
        .get(b"Info")
        .ok()
        .and_then(|info| document.dereference(info).ok())
        .and_then(|(_, info)| info.as_dict().ok());
    let field = |key: &[u8]| -> Option<String> {
        let value = info?.get(key).ok()?;
        let (_, value) = document.dereference(value).ok()?;
        match value {
            Object::String(bytes, _) => Some(text_string(bytes)).filter(|s| !s.is_empty()),
            _ => None,
        }
    };
    Metadata {
        author: field(b"Author"),
        title: field(b"Title"),
        publication: None,
        url: None,
        date: field(b"CreationDate")
            .as_deref()
            .and_then(parse_metadata_date),
        date_made: true,
        language: catalog_language(document),
    }
}

/// The document's natural language, the catalog's `/Lang` (`es-CO`).
fn catalog_language(document: &Document) -> Option<String> {
    let value = document.catalog().ok()?.get(b"Lang").ok()?;
    let (_, value) = document.dereference(value).ok()?;
    match value {
        Object::String(bytes, _) => Some(text_string(bytes)).filter(|s| !s.trim().is_empty()),
        _ => None,
    }
}

/// A PDF text string: UTF-16BE with a BOM, else PDFDocEncoding (close to Windows-1252).
fn text_string(bytes: &[u8]) -> String {
    let text = match bytes {
        [0xfe, 0xff, rest @ ..] => encoding_rs::UTF_16BE.decode_without_bom_handling(rest).0,
        _ => {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
        }
    };
    text.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::block_texts;

    #[test]
    fn text_strings_in_both_encodings() {
        assert_eq!(text_string(b"Informe de Nari\xf1o"), "Informe de Nariño");
        let mut utf16 = vec![0xfe, 0xff];
        utf16.extend("Bogotá".encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(text_string(&utf16), "Bogotá");
    }

    /// A page that is its own parent: pdf-extract looked up its inherited
    /// resources for ever (`fuzz/regressions/pdf/page-parent-cycle-hang.pdf`).
    #[test]
    fn a_page_tree_that_loops_is_malformed_not_a_hang() {
        // The second's table misses mangled objects, and is rebuilt.
        for name in [
            "page-parent-cycle-hang.pdf",
            "page-parent-cycle-hang-found.pdf",
        ] {
            let path = format!("{}/fuzz/regressions/pdf/{name}", env!("CARGO_MANIFEST_DIR"));
            let bytes = std::fs::read(&path).unwrap();
            let (reason, message) = read(&bytes, None, &mut OcrCounts::default()).unwrap_err();
            assert_eq!(reason, SkipReason::Malformed, "{name}: {message}");
        }
    }

    /// lopdf's cross-reference parser overflowed on a section starting at
    /// `usize::MAX` (`fuzz/regressions/pdf/lopdf-xref-start-overflow.pdf`).
    #[test]
    fn an_overflowing_cross_reference_is_malformed_not_a_panic() {
        let path = format!(
            "{}/fuzz/regressions/pdf/lopdf-xref-start-overflow.pdf",
            env!("CARGO_MANIFEST_DIR")
        );
        let (reason, _) = read(
            &std::fs::read(path).unwrap(),
            None,
            &mut OcrCounts::default(),
        )
        .unwrap_err();
        assert!(matches!(reason, SkipReason::Malformed | SkipReason::NoText));
    }

    #[test]
    fn garbage_is_reported_not_panicked() {
        let (reason, _) = read(
            b"%PDF-1.4 not really a pdf",
            None,
            &mut OcrCounts::default(),
        )
        .unwrap_err();
        assert_eq!(reason, SkipReason::Malformed);
    }

    /// The blocks of pages as pdf-extract gives them (each opens with two
    /// line breaks), headings marked `# `.
    fn texts_of<S: AsRef<str>>(pages: &[S]) -> Vec<String> {
        let pages: Vec<String> = pages.iter().map(|page| page.as_ref().to_string()).collect();
        block_texts(&page_blocks(&pages, &|_| false))
    }

    #[test]
    fn a_page_with_a_blank_line_between_all_its_lines_is_joined_where_sentences_go_on() {
        let typescript = [
            "INTRODUCTION",
            "",
            "The archive of the municipal council records a letter",
            "",
            "from the mayor to the governor about the road",
            "",
            "that was never finished before the rains came in May.",
            "",
            "A second  paragraph   tells how the engineers left the",
            "",
            "valley in March, and wrote to",
            "",
            "Bogotá for funds.",
        ]
        .join("\n");
        assert_eq!(
            texts_of(&[typescript]),
            [
                "# INTRODUCTION",
                "The archive of the municipal council records a letter from the mayor to the governor about the road that was never finished before the rains came in May.",
                "A second paragraph tells how the engineers left the valley in March, and wrote to",
                "Bogotá for funds.",
            ]
        );
        // A table's rows, an address, a listing: apart.
        let records = [
            "Year Births Deaths Marriages Migrants Total",
            "1850 120 98 40 12 270",
            "Smith John farmer Oak Street 12 married",
            "Brown Mary widow Mill Lane 3 widowed",
            "Mr John Smith of the County Council",
            "14 High Street West Riding",
            "fn main() {",
            "let total = births - deaths;",
            // A list's short item, and the next in lower case.
            "see the section on the chroot",
            "debuild and sbuild",
        ];
        assert_eq!(texts_of(&[records.join("\n\n")]).len(), records.len());
        // Lines set together, or a page of fewer than three lines: as drawn.
        let set = "Short line one\nshort line two\n\nshort line three";
        assert_eq!(
            texts_of(&[set]),
            ["Short line one short line two", "short line three"]
        );
        assert_eq!(
            texts_of(&["A first line of text without end\n\nand its second line"]),
            ["A first line of text without end", "and its second line"]
        );
        // An ordinary page: a paragraph, then list items set apart, in
        // lower case and as wide as the text; then a sentence. As drawn.
        let listed = [
            "The auditors reviewed the accounts of the foundation in the spring\nand wrote a report for the board about what they found there.",
            "review the procurement records of every office in the region",
            "publish the audited accounts of the year on the website",
            "train the staff who approve the payments to contractors",
            "The board will meet again in March to hear what was done.",
        ];
        assert_eq!(texts_of(&[listed.join("\n\n")]).len(), 5);
    }

    #[test]
    fn a_spaced_page_of_prose_joins_a_line_going_on_with_a_name() {
        let memo = [
            "In the spring the new counter-insurgency policy of the so-called Plan",
            "LAZO was put in place by the army, which had trained its officers",
            "since the visit of the team led by the American general William",
            "Yarborough in the year before, while the ministry in the capital",
            "kept the budget of the operation secret from the congress.",
        ];
        assert_eq!(texts_of(&[memo.join("\n\n")]), [memo.join(" ")]);
        // Where fewer wrapped lines go on in lower case than otherwise
        // (records, rows), a line starting with a capital stays apart.
        let mut records = memo;
        records[4] = "Kept the budget of the operation secret from the congress.";
        assert_eq!(texts_of(&[records.join("\n\n")]).len(), 4);
        // Rows after a paragraph: they start with figures, or follow a line
        // ending in one, and stay apart.
        let rows = [
            "The army trained its officers in the valleys of the south, and the",
            "reports of the mission were sent to the capital every month of the",
            "year, with tables of the men trained and of the helicopters flown",
            "in each region, which the ministry kept in its archive for decades",
            "and which the historians of the period read only in the nineties.",
            "Year Region Officers trained Helicopters flown and missions",
            "1962 Tolima and Huila officers trained 400 helicopters 4",
            "Tolima and Cauca together trained officers 750 helicopters 6",
            "Huila and Valle together trained officers 300 helicopters 2",
        ];
        let read = texts_of(&[rows.join("\n\n")]);
        assert_eq!(read[0], rows[..5].join(" "));
        assert_eq!(read[1..], rows[5..]);
        // Rows or items of text after it, one capital after another: apart.
        let mut items = rows;
        items[5] = "Region Department Commander Status of the operation in region";
        items[6] = "Tolima Ibagué General Ruiz Novoa operation completed in march";
        items[7] = "Huila Neiva Colonel Valencia Tovar operation under way in april";
        items[8] = "Cauca Popayán Colonel Matallana operation planned for summer";
        let read = texts_of(&[items.join("\n\n")]);
        assert_eq!(read[0], items[..5].join(" "));
        assert_eq!(read[1..], items[5..]);
        // Typed in capitals, as a cable or a census: no case tells a name
        // from a record's first word, and lines stay apart.
        let cable = [
            "EMBASSY OFFICERS MET TODAY WITH THE MINISTER OF WAR WHO DESCRIBED",
            "THE PROGRESS OF PLAN LAZO IN THE SOUTH AND ASKED FOR HELICOPTERS",
            "AND RADIOS. HE SAID THE OPERATION WOULD END BEFORE THE ELECTIONS.",
        ];
        assert_eq!(texts_of(&[cable.join("\n\n")]), cable);
    }

    #[test]
    fn runs_of_spaces_between_words_are_one_and_indentation_stays() {
        assert_eq!(
            squeeze_spaces("a  b   c \n    indented  code"),
            "a b c\n    indented code"
        );
        assert!(matches!(squeeze_spaces("one space each"), Cow::Borrowed(_)));
    }

    #[test]
    fn running_heads_and_feet_that_differ_by_the_page_number_are_dropped() {
        let pages: Vec<String> = (1..=4)
            .map(|n| {
                format!("\n\nR FAQ — page {n}\n\nPage {n} explains the workspace,\nwrapped.\n{n}")
            })
            .collect();
        let blocks = page_blocks(&pages, &|_| false);
        assert_eq!(
            block_texts(&blocks),
            (1..=4)
                .map(|n| format!("Page {n} explains the workspace, wrapped."))
                .collect::<Vec<_>>()
        );
        let pages: Vec<Option<u32>> = blocks
            .iter()
            .map(|block| match block {
                Block::Paragraph(paragraph) => paragraph.page,
                Block::Heading(_) | Block::SectionEnd => None,
            })
            .collect();
        assert_eq!(pages, [Some(1), Some(2), Some(3), Some(4)]);
    }

    #[test]
    fn numbers_and_dates_that_name_each_page_s_text_are_not_running_lines() {
        // A compilation of cables, one a page: each cable's number and
        // dateline are what a researcher cites.
        let cables: Vec<String> = [(457, 10), (461, 11), (502, 12), (533, 13)]
            .iter()
            .enumerate()
            .map(|(n, (cable, day))| {
                page(
                    &format!("CABLE CONFIDENCIAL No. 0{cable} - EMBAJADA EN CARACAS"),
                    n,
                    &format!("Caracas, {day} de marzo de 1985"),
                )
            })
            .collect();
        let found = texts_of(&cables);
        assert!(found.contains(&"CABLE CONFIDENCIAL No. 0461 - EMBAJADA EN CARACAS".to_string()));
        assert!(found.contains(&"Caracas, 12 de marzo de 1985".to_string()));
        // Numbers that rise faster than the pages turn are no page numbers.
        let memos: Vec<String> = [12, 40, 41, 97]
            .iter()
            .enumerate()
            .map(|(n, memo)| page(&format!("MEMORANDUM {memo} FOR THE RECORD"), n, ""))
            .collect();
        assert_eq!(texts_of(&memos).len(), 12, "{:?}", texts_of(&memos));
        // A compilation whose documents number their own pages, and a date
        // that stays the same, are running lines still.
        let bundle: Vec<String> = [(1, 3), (2, 3), (3, 3), (1, 2), (2, 2)]
            .iter()
            .enumerate()
            .map(|(n, (page_number, of))| {
                page(
                    "Informe del 5 de mayo de 2004",
                    n,
                    &format!("Página {page_number} de {of}"),
                )
            })
            .collect();
        assert_eq!(texts_of(&bundle).len(), 10, "{:?}", texts_of(&bundle));
        // Bates numbers and zero-padded page counters step with the pages,
        // a book scanned two pages to a sheet by two: running lines.
        let stamped: Vec<String> = (0..5)
            .map(|n| {
                page(
                    &format!("{} HISTORIA DE ESPAÑA {}", 24 + 2 * n, 25 + 2 * n),
                    n,
                    &format!("ACME-{:07} Página {:02} de 06", 4570 + n, n + 1),
                )
            })
            .collect();
        assert_eq!(texts_of(&stamped).len(), 10, "{:?}", texts_of(&stamped));
        // A notice a page, its sentence naming the page's payment: text.
        let notices: Vec<String> = (1..=3)
            .map(|n| {
                format!(
                    "Señor contratista: se le notifica que el pago número {n} del convenio {}\nfue retenido por la Contraloría hasta nueva orden.",
                    100 + n
                )
            })
            .collect();
        assert_eq!(texts_of(&notices).len(), 3, "{:?}", texts_of(&notices));
        // A foot naming its page is a running foot, however long.
        let footed: Vec<String> = (1..=3)
            .map(|n| {
                let foot = format!("Page {n} of 3. This report is confidential and may not be copied or shown to others.");
                page("", n, &foot)
            })
            .collect();
        assert_eq!(texts_of(&footed).len(), 6, "{:?}", texts_of(&footed));
        // Without a full stop, a long title with a page number is a head.
        let headed: Vec<String> = (1..=3)
            .map(|n| {
                let head = format!(
                    "Informe de gestión de la Contraloría General de la República página {n}"
                );
                page(&head, n, "")
            })
            .collect();
        assert_eq!(texts_of(&headed).len(), 6, "{:?}", texts_of(&headed));
    }

    /// Words that make each test page's text its own.
    const WORDS: [&str; 9] = [
        "apple", "birch", "cedar", "daisy", "elder", "fern", "gorse", "hazel", "iris",
    ];

    /// A page of text between a head and a foot, as pdf-extract lays it out.
    fn page(head: &str, n: usize, foot: &str) -> String {
        let word = WORDS[n];
        format!(
            "\n\n{head}\n\nThe {word} paragraph opens the page\nand wraps.\n\n\
             A second {word} paragraph\ncloses it.\n\n{foot}"
        )
    }

    #[test]
    fn roman_numbered_front_matter_and_a_chapter_head_are_running_lines() {
        let mut pages: Vec<String> = ["i", "ii", "iii"]
            .iter()
            .enumerate()
            .map(|(n, roman)| page(&format!("User Guide {roman}"), n, ""))
            .collect();
        // A chapter's head on three pages out of nine, the book's on the six.
        pages.extend((3..9).map(|n| {
            let chapter = if n < 6 {
                "Chapter 1: Basics"
            } else {
                "Chapter 2: Use"
            };
            page(&format!("{chapter} {n}"), n, &format!("User Guide {n} / 9"))
        }));
        let expected: Vec<String> = WORDS
            .iter()
            .flat_map(|word| {
                [
                    format!("The {word} paragraph opens the page and wraps."),
                    format!("A second {word} paragraph closes it."),
                ]
            })
            .collect();
        assert_eq!(texts_of(&pages), expected);
    }

    /// Each paragraph's page and text.
    fn pages_and_texts(pages: &[&str]) -> Vec<(Option<u32>, String)> {
        let pages: Vec<String> = pages.iter().map(|page| page.to_string()).collect();
        page_blocks(&pages, &|_| false)
            .into_iter()
            .filter_map(|block| match block {
                Block::Paragraph(paragraph) => Some((paragraph.page, paragraph.text)),
                Block::Heading(_) | Block::SectionEnd => None,
            })
            .collect()
    }

    #[test]
    fn a_sentence_cut_by_a_page_break_is_one_paragraph_on_the_page_it_starts() {
        let pages = [
            "The first paragraph ends on this page.\n\nMC takes care of all file operations \
             through its menu, requiring\nminimal user effort. Just press F1 to get the help \
             screen. You can",
            "play with MC just by pressing cursor-keys and function-keys.\n\nThe next \
             paragraph is on the second page.",
        ];
        assert_eq!(
            pages_and_texts(&pages),
            [
                (
                    Some(1),
                    "The first paragraph ends on this page.".to_string()
                ),
                (
                    Some(1),
                    "MC takes care of all file operations through its menu, requiring minimal \
                     user effort. Just press F1 to get the help screen. You can play with MC \
                     just by pressing cursor-keys and function-keys."
                        .to_string()
                ),
                (
                    Some(2),
                    "The next paragraph is on the second page.".to_string()
                ),
            ]
        );
        // Over three pages, the second holding only its middle.
        let long = [
            "A short paragraph comes first, à la page.\n\nParagraphs that run on over \
             several pages of a report are one paragraph\nwhen each page break cuts a \
             sentence in two, as it",
            "does here, on a page that holds nothing but the middle of the\nparagraph, \
             its lines as wide as the others and the last one open, so that",
            "the paragraph ends on the third page.\n\nAnd a new one starts.",
        ];
        assert_eq!(
            pages_and_texts(&long),
            [
                (
                    Some(1),
                    "A short paragraph comes first, à la page.".to_string()
                ),
                (
                    Some(1),
                    "Paragraphs that run on over several pages of a report are one paragraph \
                     when each page break cuts a sentence in two, as it does here, on a page \
                     that holds nothing but the middle of the paragraph, its lines as wide as \
                     the others and the last one open, so that the paragraph ends on the third \
                     page."
                        .to_string()
                ),
                (Some(3), "And a new one starts.".to_string()),
            ]
        );
        // A word broken across the break is mended like one across lines.
        let broken = [
            "whose values are set when the function is called, and which are manip-\n\
             ulated by the body of the function and are never seen from out-",
            "side of it, which is the whole point of them.",
        ];
        assert_eq!(
            block_texts(&page_blocks(&broken.map(String::from), &|_| false)),
            [
                "whose values are set when the function is called, and which are manipulated \
              by the body of the function and are never seen from outside of it, which is \
              the whole point of them."
            ]
        );
    }

    #[test]
    fn captions_commands_table_rows_and_finished_sentences_end_their_page() {
        let kept_apart = [
            // A sentence that ends.
            [
                "It ends here, as sentences do on a page that is full.\nThe last line is long \
              enough to fill the column.",
                "and yet this page starts in lower case with words.",
            ],
            // A caption, one line.
            [
                "Cuadro 3.3: Relación de sistemas de arranque en el sistema Debian",
                "sugerencia \
              los sistemas de arranque se eligen al instalar.",
            ],
            // A command at the foot of a listing.
            [
                "The archive is unpacked with the command below, as it was made\n$ tar -xvJf \
              archive.tar.xz",
                "paquete popularidad tamaño extensión orden comentario",
            ],
            // A label starting the next page.
            [
                "Set the editor in your profile before you start the session,\nthen log in \
              again and open a terminal to check that it works as",
                "sugerencia",
            ],
            // A table's header row under a line that is not full.
            [
                "The packages of this kind are listed below with their size and\nwhat they do",
                "package popcon size description",
            ],
        ];
        for [first, second] in kept_apart {
            assert_eq!(
                pages_and_texts(&[first, second]).len(),
                first.split("\n\n").count() + 1,
                "{first:?} / {second:?}"
            );
        }
        // Over a page without text, or from a page with a text layer to
        // one OCR read (whose text keeps its confidence).
        let open = "MC takes care of all file operations through its menu, requiring\n\
                    minimal user effort. Just press F1 to get the help screen. You can";
        let rest = "play with MC just by pressing cursor-keys and function-keys.";
        let pages = [open, "", rest].map(String::from);
        assert_eq!(page_blocks(&pages, &|_| false).len(), 2);
        let pages = [open, rest].map(String::from);
        assert_eq!(page_blocks(&pages, &|page| page == 2).len(), 2);
        assert_eq!(page_blocks(&pages, &|_| true).len(), 1);
    }

    #[test]
    fn a_two_page_document_keeps_its_repeated_lines() {
        let pages = [
            "\n\nR FAQ — page 1\n\nThe first page.\n\n1",
            "\n\nR FAQ — page 2\n\nThe second page.\n\n2",
        ];
        assert_eq!(
            texts_of(&pages),
            [
                "R FAQ — page 1",
                "The first page.",
                "1",
                "R FAQ — page 2",
                "The second page.",
                "2"
            ]
        );
    }

    /// A label opening the text on many pages is kept, not dropped as a
    /// running head: a note's title, a paragraph of its own.
    #[test]
    fn a_label_starting_the_text_of_many_pages_is_kept() {
        let pages: Vec<String> = (0..4)
            .map(|n| page(&format!("Manual {n}"), n, "").replace("The ", "Note\nThe "))
            .collect();
        let texts = texts_of(&pages);
        assert_eq!(texts.len(), 12, "{texts:?}");
        assert_eq!(texts.iter().filter(|text| *text == "Note").count(), 4);
        assert_eq!(texts[0], "Note");
        assert_eq!(texts[1], "The apple paragraph opens the page and wraps.");
        assert_eq!(texts[10], "The daisy paragraph opens the page and wraps.");
    }

    #[test]
    fn contents_and_index_entries_are_dropped() {
        let contents = "\n\nContents\n\n1 Introduction . . . . . . . . 1\n\n\
                        2 Saving the workspace ........ 12\n2.3 Workspace ········ 14\n\
                        Preface …… xi\nAppendix A Copying\nInformation . . . . . . 24";
        let index = "\n\nIndex\n\nA\n\nattach, 3\nworkspace, 12, 45\n  saving, 12–14\n\
                     Workspace loading 31\n\nZ\n\nzoo, 7";
        let body = "\n\n2 Saving the workspace\n\nThe workspace is saved by save.image().";
        assert_eq!(
            texts_of(&[contents, index, body]),
            [
                "# 2 Saving the workspace",
                "The workspace is saved by save.image()."
            ]
        );
    }

    #[test]
    fn prose_with_ellipses_numbers_and_numbered_items_is_kept() {
        let page = "\n\nHe paused... 3 times, then went on.\n\nThe list goes on...\n\n\
                    Replace the “with. . . Texts.” line with this:\n\n\
                    She counted one... two... 3\n\n\
                    The workspace, 12, 45\n\nChapter 1 Introduction 1\n\n\
                    1. Install R from CRAN\n2. Start it 2";
        assert_eq!(
            texts_of(&[page]),
            [
                "He paused... 3 times, then went on.",
                "The list goes on...",
                "Replace the “with. . . Texts.” line with this:",
                "She counted one... two... 3",
                "The workspace, 12, 45",
                "Chapter 1 Introduction 1",
                "1. Install R from CRAN\n2. Start it 2"
            ]
        );
    }

    #[test]
    fn numbered_and_labelled_headings_set_the_section() {
        let page = "\n\n2 Data\n\n2.3 Saving the workspace\n\nThe workspace is saved on exit,\n\
                    with all objects.\n\nChapter 4: Methods\n\nWe used the methods below.\n\n\
                    Chapter 5\n\nGetting started\n\nThis chapter starts here.\n\nA.1 Licence\n\n\
                    The licence of this manual follows.\n\n1. Introduction\n\n\
                    This is the introduction.";
        assert_eq!(
            texts_of(&[page]),
            [
                "# 2 Data",
                "# 2.3 Saving the workspace",
                "The workspace is saved on exit, with all objects.",
                "# Chapter 4: Methods",
                "We used the methods below.",
                "# Chapter 5 Getting started",
                "This chapter starts here.",
                "# A.1 Licence",
                "The licence of this manual follows.",
                "# 1. Introduction",
                "This is the introduction."
            ]
        );
    }

    #[test]
    fn a_title_case_line_between_paragraphs_is_a_heading() {
        let page = "\n\nThe first paragraph ends here, as paragraphs do.\n\n\
                    Saving the Workspace\n\n\
                    When R exits it asks whether to save the workspace.";
        assert_eq!(
            texts_of(&[page]),
            [
                "The first paragraph ends here, as paragraphs do.",
                "# Saving the Workspace",
                "When R exits it asks whether to save the workspace."
            ]
        );
    }

    #[test]
    fn sentences_dates_lists_and_table_headers_are_not_headings() {
        let page = "\n\nThe workspace is saved on exit.\n\nSaving the workspace\n\n\
                    It holds every object you made in the session.\n\nMarch 3, 2024\n\n\
                    The meeting opened at noon with all members.\n\n1. Install R\n\n2. Start R\n\n\
                    Then type q() to quit the session.\n\nName Size Description\n\n\
                    base 12 the base package\nstats 40 the statistics package\n\nAppArmor\n\n\
                    Security Enhanced Linux\n\nTomoyo Linux\n\n\
                    These modules restrict what root can do.\n\n\
                    Bogotá, Colombia\n\nThe ministry said so on Monday.\n\nFigure Two Trends\n\n\
                    The trend goes up over the years.";
        let blocks = page_blocks(&[page.to_string()], &|_| false);
        assert!(
            blocks
                .iter()
                .all(|block| matches!(block, Block::Paragraph(_))),
            "{:?}",
            block_texts(&blocks)
        );
        let paragraphs: Vec<String> = page
            .split("\n\n")
            .filter(|block| !block.is_empty())
            .map(|block| block.replace('\n', " "))
            .collect();
        assert_eq!(block_texts(&blocks), paragraphs);
    }

    #[test]
    fn markup_in_the_text_layer_makes_no_heading() {
        let page = "\n\n# apt-get update\n$ apt-cache show vim\n\nIntro line\n---\n\
                    Text after the rule.\n\n== Not a heading ==\nThe text below it.";
        let blocks = page_blocks(&[page.to_string()], &|_| false);
        assert_eq!(
            crate::ingest::block_kinds(&blocks),
            [
                ("code", "# apt-get update\n$ apt-cache show vim"),
                ("prose", "Intro line"),
                ("prose", "Text after the rule."),
                ("prose", "== Not a heading =="),
                ("prose", "The text below it."),
            ]
        );
    }
}
