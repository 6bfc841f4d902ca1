//! OCR with Tesseract 5, for image files and PDF pages without a text
//! layer. Tesseract runs as a command (`tesseract stdin stdout -l eng+spa
//! tsv`), not through a library binding: cita gains no C dependency, a
//! crash or a hang in Tesseract cannot take cita down (a run longer than
//! [`OcrOptions::timeout`] is killed), and a machine without it still
//! indexes everything else ([`OcrError::Missing`]). cita decodes an image
//! itself only to turn a page that reads poorly ([`grey_pixels`], Rust's
//! `png` and `image` crates): within a budget of the pixels its header
//! declares, a PNG's colour profile and text never unpacked, one decoding
//! at a time per program [`OcrRuns`] lets run. PDF pages are rendered
//! to grayscale images by poppler's `pdftoppm` ([`read_pdf_page`]), and read in
//! parallel: [`OcrRuns`] lets as many programs run at once as the build
//! has jobs, whichever files their pages come from.
//!
//! Tesseract's TSV output gives each word with its page, block, paragraph
//! and line, and a confidence. A paragraph here is one of Tesseract's
//! (block and paragraph), its lines joined as any wrapped prose is
//! ([`text::join_wrapped`]): a word cut by a hyphen at the end of a line is
//! mended when the next line goes on in lower case (`opera-` and `ción`
//! give `operación`; `Smith-` and `Jones` give `Smith-Jones`). Its
//! confidence is the mean of its words', rounded.
//!
//! Results are cached when [`OcrOptions::cache`] names a folder: one small
//! JSON file per image, named by a hash of the image's bytes and of how it
//! was read (languages, resolution), so reading the same page again, under
//! another name or after `--rebuild`, never runs Tesseract. A cache file
//! that does not parse is ignored and written anew.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ffi::OsStr;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::{Refusal, SkipReason, text};
use crate::language::Language;

/// The languages Tesseract reads by default: English and Spanish, the
/// languages of the Plan LAZO documents.
pub const DEFAULT_LANGUAGES: &str = "eng+spa";

/// How long one Tesseract or `pdftoppm` run on one image may take before
/// it is killed, unless set (`--ocr-timeout`): a page of dense print takes
/// a few seconds.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// The largest image cita OCRs, in pixels (a page of A0 at 200 dpi): a
/// larger image is refused from its header, before anything decodes it (a
/// few bytes of PNG can declare gigabytes of pixels), and a large PDF page
/// is rendered at a lower resolution to fit.
pub const MAX_PIXELS: u64 = 64 << 20;

/// The resolution PDF pages are rendered at for OCR: Tesseract reads print
/// best at 300 dpi.
const RENDER_DPI: f64 = 300.0;

/// What the cache files hold; part of their names, so that a change of
/// format or of how paragraphs are made never reads old files. Not changed
/// when OCR's joining of lines became `text::join_wrapped`, which differs
/// only at a hyphen ending a line: it keeps the hyphen of compounds after
/// capitals, one letter or a hyphenated word (`DBMS-` / `specific`, `x-` /
/// `and`, `cut-and-` / `paste`), joins `12-` / `14`, mends after a slash or
/// a dash, and keeps a space before quoted mail's `>`. Reading every cached
/// scan again costs hours for what changes a few compounds, which a page
/// read afresh gets right.
const CACHE_VERSION: &str = "cita-ocr-1";

/// How OCR runs.
#[derive(Debug, Clone)]
pub struct OcrOptions {
    /// Tesseract's languages, `+`-separated traineddata names (`eng+spa`),
    /// used when a document declares no language Tesseract has.
    pub languages: String,
    /// The folder of cached results (created when first written), if any.
    pub cache: Option<PathBuf>,
    /// How long one program may run on one image before it is killed.
    pub timeout: Duration,
    /// The programs running, shared by every thread of a build.
    pub runs: Arc<OcrRuns>,
}

impl Default for OcrOptions {
    fn default() -> OcrOptions {
        OcrOptions {
            languages: DEFAULT_LANGUAGES.to_string(),
            cache: None,
            timeout: DEFAULT_TIMEOUT,
            runs: Arc::new(OcrRuns::new(1)),
        }
    }
}

/// The OCR programs of one build: at most [`OcrRuns::parallel`] run at
/// once (Tesseract is kept to one thread, so that is one per core), and
/// the pages read are counted for a progress display. The pages of one
/// PDF are read in parallel; so are pages of several files, within the
/// same limit.
#[derive(Debug)]
pub struct OcrRuns {
    parallel: usize,
    running: Mutex<usize>,
    finished: Condvar,
    pages_found: AtomicU64,
    pages_done: AtomicU64,
}

impl OcrRuns {
    /// Lets `parallel` programs (at least one) run at once.
    pub fn new(parallel: usize) -> OcrRuns {
        OcrRuns {
            parallel: parallel.max(1),
            running: Mutex::new(0),
            finished: Condvar::new(),
            pages_found: AtomicU64::new(0),
            pages_done: AtomicU64::new(0),
        }
    }

    /// How many programs may run at once.
    pub fn parallel(&self) -> usize {
        self.parallel
    }

    /// Pages (and images) done and found so far, cached or not: `(done, found)`.
    pub fn pages(&self) -> (u64, u64) {
        (
            self.pages_done.load(Ordering::Relaxed),
            self.pages_found.load(Ordering::Relaxed),
        )
    }

    /// `pages` more pages are to be read.
    pub(super) fn found(&self, pages: u64) {
        self.pages_found.fetch_add(pages, Ordering::Relaxed);
    }

    /// One more page is read, or failed.
    pub(super) fn done(&self) {
        self.pages_done.fetch_add(1, Ordering::Relaxed);
    }

    /// Waits until a program may start; it may run while the slot lives.
    fn slot(&self) -> RunSlot<'_> {
        // A panic holding the lock leaves a count that is still right.
        let mut running = self.running.lock().unwrap_or_else(PoisonError::into_inner);
        while *running >= self.parallel {
            running = self
                .finished
                .wait(running)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *running += 1;
        RunSlot(self)
    }
}

/// The right of one program to run, given back when dropped.
struct RunSlot<'a>(&'a OcrRuns);

impl Drop for RunSlot<'_> {
    fn drop(&mut self) {
        let runs = self.0;
        *runs.running.lock().unwrap_or_else(PoisonError::into_inner) -= 1;
        runs.finished.notify_one();
    }
}

/// The text Tesseract read on one page of an image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OcrPage {
    /// 1-based page of the image: a multi-page TIFF has several, other
    /// images one.
    pub page: u32,
    /// Its paragraphs in reading order; none on a blank page.
    pub paragraphs: Vec<OcrParagraph>,
    /// Whether, reading poorly upright, it was read again turned (a cache
    /// file written before cita did says false, and the page is read again
    /// once).
    #[serde(default)]
    pub orientation_checked: bool,
    /// The reading rules its orientation was checked under (0 in a cache
    /// file written before they were kept): an image file's page checked
    /// before cita turned image files itself (READING_RULES 42) is
    /// checked again once, a PDF's page (turned by cita since 41) not.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub orientation_rules: u32,
}

/// One paragraph read by OCR.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OcrParagraph {
    /// The text, its lines joined as wrapped prose (`text::join_wrapped`).
    pub text: String,
    /// The mean confidence of its words, 0–100.
    pub confidence: u8,
    /// Where in `text` its second and later lines start: what a header
    /// block's lines are read from (`DATE:`, `SUBJECT:`). None in a cache
    /// file written before they were kept, whose paragraphs read as one
    /// line each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub line_starts: Vec<usize>,
}

impl OcrParagraph {
    /// Its lines as Tesseract read them (a hyphen mended at a line's end
    /// is gone from the line before).
    pub fn lines(&self) -> impl Iterator<Item = &str> {
        let starts = std::iter::once(0).chain(self.line_starts.iter().copied());
        let ends = (self.line_starts.iter().copied()).chain(std::iter::once(self.text.len()));
        starts
            .zip(ends)
            .filter_map(|(start, end)| self.text.get(start..end))
            .map(str::trim)
    }
}

/// The paragraphs of a page with those Tesseract parted inside a sentence
/// joined: a paragraph that ends open (a letter, a comma or a hyphen, no
/// sentence's end) and the next that starts in lower case are one, a word
/// hyphenated across them mended (`opera-` / `ciones`), as a text file's
/// wrapped lines are. Its confidence is their words' mean.
fn continued(paragraphs: Vec<OcrParagraph>) -> Vec<OcrParagraph> {
    let mut out: Vec<OcrParagraph> = Vec::with_capacity(paragraphs.len());
    for next in paragraphs {
        let Some(open) = out.last_mut().filter(|last| {
            text::ends_open(&last.text) && next.text.starts_with(char::is_lowercase)
        }) else {
            out.push(next);
            continue;
        };
        let words = |text: &str| text.split_whitespace().count() as f64;
        let (before, after) = (words(&open.text), words(&next.text));
        let confidence = (f64::from(open.confidence) * before + f64::from(next.confidence) * after)
            / (before + after).max(1.0);
        text::join_wrapped(&mut open.text, &next.text);
        let start = open.text.len();
        open.line_starts.push(start);
        open.line_starts
            .extend(next.line_starts.iter().map(|at| at + start));
        open.text.push_str(&next.text);
        open.confidence = confidence.round().clamp(0.0, 100.0) as u8;
    }
    out
}

/// The lines of `paragraphs` (a scanned page's), one to a line and a
/// blank line between paragraphs: what a text file's header rules read
/// (`text::header`).
pub fn page_lines(paragraphs: &[OcrParagraph]) -> String {
    let mut out = String::new();
    for paragraph in paragraphs {
        if !out.is_empty() {
            out.push('\n');
        }
        for line in paragraph.lines() {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// The images (image files, or PDF pages rendered) OCR read: by running
/// Tesseract, or from the cache. A rebuild of read scans runs Tesseract on
/// none.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct OcrCounts {
    /// Read by Tesseract.
    pub recognized: u64,
    /// Read from the cache.
    pub cached: u64,
}

impl std::ops::AddAssign for OcrCounts {
    fn add_assign(&mut self, other: OcrCounts) {
        self.recognized += other.recognized;
        self.cached += other.cached;
    }
}

/// How a scan left unread because OCR was off says so.
pub const OFF: &str = "OCR is off (--no-ocr)";

/// Whether a file's recorded warning says it holds scans left unread
/// because OCR was off or Tesseract missing: with OCR on, such a file is
/// read again even when it has not changed.
pub fn left_unread(skipped: Option<SkipReason>, message: &str) -> bool {
    skipped == Some(SkipReason::OcrUnavailable)
        || message.contains(OFF)
        || message.contains("OCR needs ")
}

/// Why OCR failed on an image.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OcrError {
    /// The program is not installed.
    #[error("OCR needs {program} ({install})")]
    Missing {
        /// `tesseract` or `pdftoppm`.
        program: &'static str,
        /// The command that installs it.
        install: &'static str,
    },
    /// The run took longer than [`OcrOptions::timeout`] and was killed.
    #[error("OCR took longer than {} s, stopped", .0.as_secs())]
    Timeout(Duration),
    /// The bytes are not an image of a format cita reads. Tesseract would
    /// take them for a list of image files to read, which could be any
    /// file on the machine: they never reach it.
    #[error("not a PNG, JPEG, TIFF or WebP image")]
    NotAnImage,
    /// The image declares more than [`MAX_PIXELS`] pixels.
    #[error("an image of {width}×{height} pixels, more than cita OCRs")]
    TooLarge {
        /// Width in pixels.
        width: u64,
        /// Height in pixels.
        height: u64,
    },
    /// The program failed: a corrupt or truncated image, an unknown
    /// language, no space for a temporary file.
    #[error("{program} failed ({detail})")]
    Failed {
        /// `tesseract` or `pdftoppm`.
        program: &'static str,
        /// What it said, on one line.
        detail: String,
    },
}

impl OcrError {
    /// As a refusal of the image or document it was read for.
    pub fn refusal(&self) -> Refusal {
        let reason = match self {
            OcrError::Missing { .. } => SkipReason::OcrUnavailable,
            OcrError::Timeout(_) | OcrError::TooLarge { .. } => SkipReason::TooLarge,
            OcrError::NotAnImage | OcrError::Failed { .. } => SkipReason::Malformed,
        };
        (reason, self.to_string())
    }
}

/// Tesseract, the program.
const TESSERACT: Program = Program {
    name: "tesseract",
    install: "apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-spa",
};

/// poppler's PDF renderer.
const PDFTOPPM: Program = Program {
    name: "pdftoppm",
    install: "apt-get install poppler-utils",
};

/// A program cita runs, found on `PATH` by its name.
#[derive(Debug, Clone, Copy)]
struct Program {
    name: &'static str,
    install: &'static str,
}

/// The text of an image file (PNG, JPEG, TIFF or WebP, told by its first
/// bytes), page by page. `declared` is the document's declared
/// language, if any: Tesseract reads in it when its traineddata is
/// installed, else in [`OcrOptions::languages`].
pub fn read_image(
    bytes: &[u8],
    options: &OcrOptions,
    declared: Option<&str>,
    counts: &mut OcrCounts,
) -> Result<Vec<OcrPage>, OcrError> {
    declared_size(bytes)?;
    // A multi-page TIFF is one run: its time limit is a page's times its
    // pages, so that a box file of scans is not lost whole for its size.
    let pages = tiff_walk(bytes).map_or(1, |walk| walk.pages.clamp(1, MAX_TIMED_PAGES));
    let options = &OcrOptions {
        timeout: options.timeout.saturating_mul(pages),
        ..options.clone()
    };
    options.runs.found(1);
    let pages = recognize(TESSERACT, bytes, None, options, declared, counts);
    options.runs.done();
    pages.map(continued_pages)
}

/// OCR of `image` (with a known resolution for rendered pages), through
/// the cache: Tesseract's paragraphs, not yet [`continued`].
fn recognize(
    tesseract: Program,
    image: &[u8],
    dpi: Option<u32>,
    options: &OcrOptions,
    declared: Option<&str>,
    counts: &mut OcrCounts,
) -> Result<Vec<OcrPage>, OcrError> {
    let languages = languages_for(tesseract, options, declared);
    let key = cache_key(image, &languages, dpi);
    let cached = options
        .cache
        .as_deref()
        .map(|dir| dir.join(format!("{key}.json")));
    let run_on = |image: &[u8], layout: Option<&str>| -> Result<Vec<u8>, OcrError> {
        let mut args: Vec<String> = ["stdin", "stdout", "-l", &languages]
            .map(str::to_string)
            .to_vec();
        if let Some(dpi) = dpi {
            args.extend(["--dpi".to_string(), dpi.to_string()]);
        }
        if let Some(layout) = layout {
            args.extend(["--psm".to_string(), layout.to_string()]);
        }
        if layout != Some(ORIENTATION_ONLY) {
            args.push("tsv".to_string());
        }
        let _slot = options.runs.slot();
        run(tesseract, &args, Some(image), u64::MAX, options.timeout)
    };
    let read = |image: &[u8], layout: Option<&str>| -> Result<Vec<OcrPage>, OcrError> {
        let tsv = run_on(image, layout)?;
        Ok(parse_tsv(&String::from_utf8_lossy(&tsv)))
    };
    // A page is turned by cita itself as Tesseract's orientation
    // detection (`--psm 0`) says, and read upright: turning it itself
    // (`--psm 1`), Tesseract reads a typewritten page turned a quarter
    // anticlockwise upside down. Only the pages of a multi-page TIFF, and
    // an image cita cannot decode, are left to `--psm 1`.
    let read_turned = || -> Result<Vec<OcrPage>, OcrError> {
        // Decoding an image takes memory as Tesseract's runs do: as many
        // at once.
        let grey = {
            let _slot = options.runs.slot();
            grey_pgm(image)
        };
        let Some(grey) = grey else {
            return read(image, Some(ORIENTED_LAYOUT));
        };
        let turned = run_on(&grey, Some(ORIENTATION_ONLY))
            .ok()
            .and_then(|said| rotation(&String::from_utf8_lossy(&said)))
            .and_then(|degrees| rotated_pgm(&grey, degrees));
        match turned {
            Some(upright) => read(&upright, None),
            None => read(image, Some(ORIENTED_LAYOUT)),
        }
    };
    let rendered = pgm_pixels(image).is_some();
    let checked = |page: &OcrPage| {
        page.orientation_checked && (rendered || page.orientation_rules >= IMAGE_FILES_TURNED)
    };
    // An image counts once: read by Tesseract this run, or from the cache.
    let (mut pages, mut changed) = match cached.as_deref().and_then(read_cache) {
        Some(pages) => {
            counts.cached += 1;
            (pages, false)
        }
        None => {
            let pages = read(image, None)?;
            counts.recognized += 1;
            (pages, true)
        }
    };
    // A page turned sideways or upside down (a phone's photo, a page fed
    // the wrong way) reads as garbage of low confidence: an image with such
    // a page is read again turned (`read_turned`: Tesseract's orientation
    // detection, its `osd` data, costs about a fifth more on every page and
    // so runs only for them); of the two readings of each page, the surer
    // is kept. A reading that failed (a timeout) is tried again next time.
    if pages
        .iter()
        .any(|page| !checked(page) && needs_orientation(page))
        && let Ok(turned) = read_turned()
    {
        if !changed {
            counts.cached -= 1;
            counts.recognized += 1;
        }
        pages = surer_pages(pages, turned);
        for page in &mut pages {
            page.orientation_checked = true;
            page.orientation_rules = IMAGE_FILES_TURNED;
        }
        changed = true;
    }
    if let Some(path) = cached.as_deref().filter(|_| changed) {
        write_cache(path, &pages);
    }
    Ok(pages)
}

/// The reading rules (the indexer's `READING_RULES`) since which cita
/// turns an image file of one page itself, as it turns a PDF's page.
const IMAGE_FILES_TURNED: u32 = 42;

fn is_zero(number: &u32) -> bool {
    *number == 0
}

/// The most pages a multi-page TIFF's time limit counts: its own
/// directories say how many it has, and a crafted file could claim
/// thousands to hold a run for days.
const MAX_TIMED_PAGES: u32 = 200;

/// Tesseract's page segmentation mode that detects the page's orientation
/// first (and its script).
const ORIENTED_LAYOUT: &str = "1";

/// Tesseract's page segmentation mode that only detects the page's
/// orientation and script, and says so in lines of text (`Rotate: 90`).
const ORIENTATION_ONLY: &str = "0";

/// The quarter turns, in degrees clockwise, that Tesseract's orientation
/// detection says turn the page upright (`Rotate: 90`), when it says one.
fn rotation(said: &str) -> Option<u32> {
    let degrees = said
        .lines()
        .find_map(|line| line.strip_prefix("Rotate:"))?
        .trim()
        .parse()
        .ok()?;
    [90, 180, 270].contains(&degrees).then_some(degrees)
}

/// `pgm` (a binary PGM of a byte per pixel, as `pdftoppm -gray` writes)
/// turned `degrees` (90, 180 or 270) clockwise; `None` for another image.
fn rotated_pgm(pgm: &[u8], degrees: u32) -> Option<Vec<u8>> {
    let (width, height, pixels) = pgm_pixels(pgm)?;
    let (turned_width, turned_height) = match degrees {
        90 | 270 => (height, width),
        180 => (width, height),
        _ => return None,
    };
    let mut out = format!("P5\n{turned_width} {turned_height}\n255\n").into_bytes();
    let header = out.len();
    out.resize(header + pixels.len(), 0);
    let turned = &mut out[header..];
    for y in 0..height {
        for x in 0..width {
            let (to_x, to_y) = match degrees {
                90 => (height - 1 - y, x),
                180 => (width - 1 - x, height - 1 - y),
                // 270, the one left.
                _ => (y, width - 1 - x),
            };
            turned[to_y * turned_width + to_x] = pixels[y * width + x];
        }
    }
    Some(out)
}

/// `image` as a binary PGM of a byte per pixel, the form cita turns: a
/// page rendered from a PDF is one already; an image file of one page is
/// decoded ([`grey_pixels`]). `None` for a multi-page TIFF, whose pages
/// would each need their own turn.
fn grey_pgm(image: &[u8]) -> Option<Cow<'_, [u8]>> {
    if pgm_pixels(image).is_some() {
        return Some(Cow::Borrowed(image));
    }
    if tiff_walk(image).is_some_and(|walk| walk.pages > 1) {
        return None;
    }
    let (width, height, pixels) = grey_pixels(image)?;
    let mut pgm = format!("P5\n{width} {height}\n255\n").into_bytes();
    pgm.extend_from_slice(&pixels);
    Some(Cow::Owned(pgm))
}

/// The width, height and grey pixels (a byte each, row by row) of the
/// first page of a PNG, JPEG, TIFF or WebP image; what is transparent is
/// white, as on paper. `None` for bytes of another format, a damaged
/// image, or one of more than [`MAX_PIXELS`] pixels, which is refused from
/// its header before any decoding. Decoding holds at most the image in its
/// own colours (8 bytes a pixel for 16-bit RGBA) and the decoder's
/// buffers, then its grey copies (3 bytes a pixel).
pub fn grey_pixels(image: &[u8]) -> Option<(u32, u32, Vec<u8>)> {
    let (width, height) = declared_size(image).ok()?;
    let budget = width * height * 8 + DECODER_BYTES;
    let decoded = if image.starts_with(PNG_SIGNATURE) {
        png_image(image, budget)?
    } else {
        let mut reader = image::ImageReader::new(std::io::Cursor::new(image))
            .with_guessed_format()
            .ok()?;
        let mut limits = image::Limits::default();
        limits.max_image_width = Some(u32::try_from(width).ok()?);
        limits.max_image_height = Some(u32::try_from(height).ok()?);
        limits.max_alloc = Some(budget);
        reader.limits(limits);
        reader.decode().ok()?
    };
    let decoded = decoded.into_luma_alpha8();
    let (width, height) = decoded.dimensions();
    let pixels = decoded
        .pixels()
        .map(|&image::LumaA([grey, alpha])| {
            let over_white = u16::from(grey) * u16::from(alpha) + 255 * (255 - u16::from(alpha));
            (over_white / 255) as u8
        })
        .collect();
    Some((width, height, pixels))
}

/// What a decoder may hold besides the pixels: its tables, windows and
/// rows.
const DECODER_BYTES: u64 = 16 << 20;

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// A PNG's first image in its own colours, read by the `png` crate within
/// `budget` bytes, its colour profile and text chunks never unpacked: a
/// megabyte of either, compressed, unpacks to a gigabyte, which the
/// `image` crate's reader unpacks within the whole image's budget.
fn png_image(image: &[u8], budget: u64) -> Option<image::DynamicImage> {
    let limits = png::Limits {
        bytes: usize::try_from(budget).ok()?,
    };
    let mut decoder = png::Decoder::new_with_limits(std::io::Cursor::new(image), limits);
    decoder.set_ignore_iccp_chunk(true);
    decoder.set_ignore_text_chunk(true);
    // Palettes, grey below 8 bits and a transparent colour as 8-bit
    // channels; 16 bits as 8.
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().ok()?;
    let mut buffer = vec![0; reader.output_buffer_size()?];
    let frame = reader.next_frame(&mut buffer).ok()?;
    buffer.truncate(frame.buffer_size());
    let (width, height) = (frame.width, frame.height);
    match frame.color_type {
        png::ColorType::Grayscale => {
            image::GrayImage::from_raw(width, height, buffer).map(Into::into)
        }
        png::ColorType::GrayscaleAlpha => {
            image::GrayAlphaImage::from_raw(width, height, buffer).map(Into::into)
        }
        png::ColorType::Rgb => image::RgbImage::from_raw(width, height, buffer).map(Into::into),
        png::ColorType::Rgba => image::RgbaImage::from_raw(width, height, buffer).map(Into::into),
        // Expanded to RGB above.
        png::ColorType::Indexed => None,
    }
}

/// The width and height `bytes` declare as an image of a format cita
/// reads, refused past [`MAX_PIXELS`] before anything decodes it.
fn declared_size(bytes: &[u8]) -> Result<(u64, u64), OcrError> {
    let (width, height) = image_dimensions(bytes).ok_or(OcrError::NotAnImage)?;
    if width.saturating_mul(height) > MAX_PIXELS {
        return Err(OcrError::TooLarge { width, height });
    }
    Ok((width, height))
}

/// The width, height and pixels of a binary PGM of a byte per pixel.
fn pgm_pixels(pgm: &[u8]) -> Option<(usize, usize, &[u8])> {
    let mut rest = pgm.strip_prefix(b"P5")?;
    let mut fields = [0usize; 3];
    for field in &mut fields {
        // White space and comments before each field.
        loop {
            rest = rest.trim_ascii_start();
            match rest.strip_prefix(b"#") {
                Some(comment) => {
                    let end = comment.iter().position(|&b| b == b'\n')?;
                    rest = &comment[end..];
                }
                None => break,
            }
        }
        let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        *field = std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()?;
        rest = &rest[digits..];
    }
    let [width, height, max] = fields;
    // One white-space byte ends the header.
    let pixels = rest.get(1..)?;
    let size = width.checked_mul(height)?;
    (max == 255 && size > 0 && pixels.len() >= size).then(|| (width, height, &pixels[..size]))
}

/// Below this mean word confidence a page may be turned: read upright,
/// a page of print scores 80 to 95, a poor one 60 or more.
const TURNED_CONFIDENCE: f64 = 60.0;

/// The mean confidence of a page's words (each paragraph's weighted by its
/// words), or `None` for a page without words.
fn page_confidence(page: &OcrPage) -> Option<f64> {
    let (mut sum, mut words) = (0.0, 0usize);
    for paragraph in &page.paragraphs {
        let count = paragraph.text.split_whitespace().count();
        sum += f64::from(paragraph.confidence) * count as f64;
        words += count;
    }
    (words > 0).then(|| sum / words as f64)
}

/// Whether `page` may have been read turned: words of low confidence (a
/// blank page, the back of a sheet, has none, and is not read again).
fn needs_orientation(page: &OcrPage) -> bool {
    page_confidence(page).is_some_and(|confidence| confidence < TURNED_CONFIDENCE)
}

/// Of two readings of the same pages, each page's surer one: the second's
/// when its words' mean confidence is higher and it has at least a
/// quarter as many words (a few sure marks are not a page of text).
fn surer_pages(first: Vec<OcrPage>, second: Vec<OcrPage>) -> Vec<OcrPage> {
    let words = |page: &OcrPage| -> usize {
        (page.paragraphs.iter())
            .map(|paragraph| paragraph.text.split_whitespace().count())
            .sum()
    };
    let mut second: HashMap<u32, OcrPage> =
        second.into_iter().map(|page| (page.page, page)).collect();
    first
        .into_iter()
        .map(|page| match second.remove(&page.page) {
            Some(other)
                if page_confidence(&other) > page_confidence(&page)
                    && 4 * words(&other) >= words(&page) =>
            {
                other
            }
            _ => page,
        })
        .collect()
}

/// `pages` with their paragraphs [`continued`]: applied as they are read,
/// not in the cache, which keeps Tesseract's own.
fn continued_pages(pages: Vec<OcrPage>) -> Vec<OcrPage> {
    pages
        .into_iter()
        .map(|page| OcrPage {
            paragraphs: continued(page.paragraphs),
            ..page
        })
        .collect()
}

/// The languages to read a document in: its declared language when
/// Tesseract has it, else the configured ones.
fn languages_for(tesseract: Program, options: &OcrOptions, declared: Option<&str>) -> String {
    declared
        .and_then(Language::parse_declared)
        .and_then(|language| tesseract_code(language.code()))
        .filter(|code| {
            installed_languages(tesseract)
                .iter()
                .any(|have| have == code)
        })
        .map_or_else(|| options.languages.clone(), str::to_string)
}

/// Checks that `languages` (`eng+spa`) is Tesseract's codes joined by
/// `+`; the error says what is wrong, on one line.
pub fn check_language_codes(languages: &str) -> Result<(), String> {
    let well_formed = languages
        .split('+')
        .all(|code| !code.is_empty() && code.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
    if well_formed {
        Ok(())
    } else {
        Err(format!(
            "OCR languages {languages:?}: not Tesseract language codes joined by + (e.g. eng+spa)"
        ))
    }
}

/// The languages OCR reads `languages` in: all of them when Tesseract has
/// them (or is missing: scans are then reported unread); for
/// [`DEFAULT_LANGUAGES`], those of them it has, with a note naming what it
/// lacks (a Tesseract installed without Spanish still reads English
/// scans). The error says which language asked for is missing, on one
/// line.
pub fn usable_languages(languages: &str) -> Result<(String, Option<String>), String> {
    let installed = installed_languages(TESSERACT);
    let lacks = |code: &&str| !installed.is_empty() && !installed.iter().any(|have| have == code);
    let missing: Vec<&str> = languages.split('+').filter(lacks).collect();
    let Some(&code) = missing.first() else {
        return Ok((languages.to_string(), None));
    };
    let package = |code: &str| format!("tesseract-ocr-{}", code.replace('_', "-"));
    let had: Vec<&str> = languages.split('+').filter(|code| !lacks(code)).collect();
    if languages == DEFAULT_LANGUAGES && !had.is_empty() {
        let note = format!(
            "Tesseract has no {} traineddata: scans are read in {} only (Debian packages it as {})",
            missing.join(", "),
            had.join("+"),
            missing
                .iter()
                .map(|code| package(code))
                .collect::<Vec<_>>()
                .join(", "),
        );
        return Ok((had.join("+"), Some(note)));
    }
    Err(format!(
        "OCR languages {languages:?}: Tesseract has no {code:?} traineddata (it has {}; Debian packages it as {})",
        installed.join(", "),
        package(code)
    ))
}

/// The traineddata Tesseract has, from `tesseract --list-langs`, asked once
/// per process; none when it cannot be asked.
fn installed_languages(tesseract: Program) -> &'static [String] {
    static INSTALLED: OnceLock<Vec<String>> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        let listed = run(tesseract, &["--list-langs"], None, 1 << 20, DEFAULT_TIMEOUT);
        // The first line says where they are: `List of available languages in "…"`.
        listed.map_or_else(
            |_| Vec::new(),
            |out| {
                String::from_utf8_lossy(&out)
                    .lines()
                    .skip(1)
                    .map(|line| line.trim().to_string())
                    .filter(|line| !line.is_empty())
                    .collect()
            },
        )
    })
}

/// Tesseract's traineddata name for an ISO 639-1 code cita knows, where
/// Tesseract has one.
fn tesseract_code(code: &str) -> Option<&'static str> {
    const CODES: &[(&str, &str)] = &[
        ("af", "afr"),
        ("am", "amh"),
        ("ar", "ara"),
        ("az", "aze"),
        ("be", "bel"),
        ("bg", "bul"),
        ("bn", "ben"),
        ("ca", "cat"),
        ("cs", "ces"),
        ("cy", "cym"),
        ("da", "dan"),
        ("de", "deu"),
        ("el", "ell"),
        ("en", "eng"),
        ("eo", "epo"),
        ("es", "spa"),
        ("et", "est"),
        ("eu", "eus"),
        ("fa", "fas"),
        ("fi", "fin"),
        ("fr", "fra"),
        ("ga", "gle"),
        ("gu", "guj"),
        ("he", "heb"),
        ("hi", "hin"),
        ("hr", "hrv"),
        ("hu", "hun"),
        ("hy", "hye"),
        ("id", "ind"),
        ("it", "ita"),
        ("ja", "jpn"),
        ("jv", "jav"),
        ("ka", "kat"),
        ("km", "khm"),
        ("kn", "kan"),
        ("ko", "kor"),
        ("la", "lat"),
        ("lt", "lit"),
        ("lv", "lav"),
        ("mk", "mkd"),
        ("ml", "mal"),
        ("mr", "mar"),
        ("my", "mya"),
        ("ne", "nep"),
        ("nl", "nld"),
        ("no", "nor"),
        ("or", "ori"),
        ("pa", "pan"),
        ("pl", "pol"),
        ("pt", "por"),
        ("ro", "ron"),
        ("ru", "rus"),
        ("si", "sin"),
        ("sk", "slk"),
        ("sl", "slv"),
        ("sr", "srp"),
        ("sv", "swe"),
        ("ta", "tam"),
        ("te", "tel"),
        ("th", "tha"),
        ("tl", "tgl"),
        ("tr", "tur"),
        ("uk", "ukr"),
        ("ur", "urd"),
        ("uz", "uzb"),
        ("vi", "vie"),
        ("yi", "yid"),
        ("zh", "chi_sim"),
    ];
    CODES
        .iter()
        .find(|(iso, _)| *iso == code)
        .map(|(_, tesseract)| *tesseract)
}

/// The name of an image's cache file: a hash of its bytes and of how it is
/// read.
fn cache_key(image: &[u8], languages: &str, dpi: Option<u32>) -> String {
    let how = format!("{CACHE_VERSION}\0{languages}\0{dpi:?}");
    let seed = xxhash_rust::xxh3::xxh3_64(how.as_bytes());
    format!(
        "{:032x}",
        xxhash_rust::xxh3::xxh3_128_with_seed(image, seed)
    )
}

/// The cached pages at `path`, unless missing or unreadable.
fn read_cache(path: &Path) -> Option<Vec<OcrPage>> {
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

/// Caches `pages` at `path`, through a temporary file renamed into place so
/// that a reader never sees half a file. A cache that cannot be written
/// costs only time: the next run reads the image again.
fn write_cache(path: &Path, pages: &[OcrPage]) {
    static WRITES: AtomicU64 = AtomicU64::new(0);
    let Some(dir) = path.parent() else { return };
    let temporary = path.with_extension(format!(
        "{}.{}.tmp",
        std::process::id(),
        WRITES.fetch_add(1, Ordering::Relaxed)
    ));
    let bytes = serde_json::to_vec(pages).expect("OCR pages serialize");
    let written = std::fs::create_dir_all(dir)
        .and_then(|()| std::fs::write(&temporary, bytes))
        .and_then(|()| std::fs::rename(&temporary, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
}

/// The pages of Tesseract's TSV output (columns `level page_num block_num
/// par_num line_num word_num left top width height conf text`), every page
/// it lists, blank ones with no paragraphs. Words of confidence -1 (not
/// words) and empty words are left out.
pub fn parse_tsv(tsv: &str) -> Vec<OcrPage> {
    let mut pages: Vec<OcrPage> = Vec::new();
    let mut paragraph = Gathering::default();
    for row in tsv.lines() {
        let fields: Vec<&str> = row.split('\t').collect();
        let [level, page, block, par, line, _, _, _, _, _, conf, text] = fields[..] else {
            continue;
        };
        let (Ok(level), Ok(page), Ok(block), Ok(par), Ok(line), Ok(conf)) = (
            level.parse::<u32>(),
            page.parse::<u32>(),
            block.parse::<u32>(),
            par.parse::<u32>(),
            line.parse::<u32>(),
            conf.parse::<f64>(),
        ) else {
            continue; // the header row
        };
        if level == 1 || pages.last().is_none_or(|last| last.page != page) {
            paragraph.flush(&mut pages);
            if pages.last().is_none_or(|last| last.page != page) {
                pages.push(OcrPage {
                    page,
                    paragraphs: Vec::new(),
                    orientation_checked: false,
                    orientation_rules: 0,
                });
            }
        }
        let text = text.trim();
        if level != 5 || conf < 0.0 || text.is_empty() {
            continue;
        }
        if paragraph.key != Some((page, block, par)) {
            paragraph.flush(&mut pages);
            paragraph.key = Some((page, block, par));
        }
        if paragraph.line != Some(line) {
            paragraph.line = Some(line);
            paragraph.lines.push(String::new());
        }
        if let Some(current) = paragraph.lines.last_mut() {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(text);
        }
        paragraph.confidences.push(conf);
    }
    paragraph.flush(&mut pages);
    pages
}

/// The paragraph [`parse_tsv`] is reading.
#[derive(Default)]
struct Gathering {
    /// Page, block and paragraph numbers.
    key: Option<(u32, u32, u32)>,
    line: Option<u32>,
    lines: Vec<String>,
    confidences: Vec<f64>,
}

impl Gathering {
    /// Ends the paragraph, adding it to the last of `pages` if it has words.
    fn flush(&mut self, pages: &mut [OcrPage]) {
        let lines = std::mem::take(&mut self.lines);
        let confidences = std::mem::take(&mut self.confidences);
        self.key = None;
        self.line = None;
        let (Some(page), false) = (pages.last_mut(), confidences.is_empty()) else {
            return;
        };
        let mean = confidences.iter().sum::<f64>() / confidences.len() as f64;
        let (text, line_starts) = join_lines(&lines);
        page.paragraphs.push(OcrParagraph {
            text,
            confidence: mean.round().clamp(0.0, 100.0) as u8,
            line_starts,
        });
    }
}

/// Lines joined as wrapped prose ([`text::join_wrapped`]): a word
/// hyphenated across two lines is mended, a compound keeps its hyphen;
/// with where each line after the first starts.
fn join_lines(lines: &[String]) -> (String, Vec<usize>) {
    let mut joined = String::new();
    let mut starts = Vec::new();
    for line in lines {
        if !joined.is_empty() {
            text::join_wrapped(&mut joined, line);
            starts.push(joined.len());
        }
        joined.push_str(line);
    }
    (joined, starts)
}

/// The width and height a PNG, JPEG, WebP or TIFF declares (a TIFF's
/// largest page), read from its header; `None` for what is none of these.
pub fn image_dimensions(bytes: &[u8]) -> Option<(u64, u64)> {
    let be32 = |at: usize| Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?));
    let be16 = |at: usize| Some(u16::from_be_bytes(bytes.get(at..at + 2)?.try_into().ok()?));
    let le16 = |at: usize| Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?));
    let le24 = |at: usize| {
        let b = bytes.get(at..at + 3)?;
        Some(u32::from(b[0]) | (u32::from(b[1]) << 8) | (u32::from(b[2]) << 16))
    };
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        // The size is in the header chunk, which comes first: without it,
        // any bytes would read as a size.
        if bytes.get(12..16) != Some(b"IHDR") {
            return None;
        }
        return Some((u64::from(be32(16)?), u64::from(be32(20)?)));
    }
    if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        return match bytes.get(12..16)? {
            b"VP8X" => Some((u64::from(le24(24)?) + 1, u64::from(le24(27)?) + 1)),
            b"VP8L" => {
                let b = u32::from_le_bytes(bytes.get(21..25)?.try_into().ok()?);
                Some((u64::from(b & 0x3fff) + 1, u64::from((b >> 14) & 0x3fff) + 1))
            }
            b"VP8 " => Some((u64::from(le16(26)? & 0x3fff), u64::from(le16(28)? & 0x3fff))),
            _ => None,
        };
    }
    if bytes.starts_with(&[0xff, 0xd8]) {
        // Segments until a start-of-frame marker (C0–CF but C4, C8, CC).
        let mut at = 2;
        while at + 4 <= bytes.len() {
            if bytes[at] != 0xff {
                return None;
            }
            let marker = bytes[at + 1];
            if marker == 0xff {
                at += 1;
                continue;
            }
            // TEM and RST0–7 stand alone: no length follows them.
            if marker == 0x01 || (0xd0..=0xd7).contains(&marker) {
                at += 2;
                continue;
            }
            if (0xc0..=0xcf).contains(&marker) && ![0xc4, 0xc8, 0xcc].contains(&marker) {
                return Some((u64::from(be16(at + 7)?), u64::from(be16(at + 5)?)));
            }
            at += 2 + usize::from(be16(at + 2)?);
        }
        return None;
    }
    tiff_walk(bytes).map(|walk| (walk.width, walk.height))
}

/// Up to `cap` bytes of `pipe`, the rest read and dropped.
fn read_capped(pipe: Option<impl Read>, cap: u64) -> Vec<u8> {
    let mut bytes = Vec::new();
    if let Some(mut pipe) = pipe {
        let _ = pipe.by_ref().take(cap).read_to_end(&mut bytes);
        let _ = std::io::copy(&mut pipe, &mut std::io::sink());
    }
    bytes
}

/// What a TIFF's directories say of its pages (its first 10,000).
struct TiffWalk {
    /// The largest width and height among its pages.
    width: u64,
    height: u64,
    pages: u32,
}

/// Walks a TIFF's chain of page directories; `None` for what is no TIFF.
fn tiff_walk(bytes: &[u8]) -> Option<TiffWalk> {
    let little = match bytes.get(..4)? {
        b"II*\0" => true,
        b"MM\0*" => false,
        _ => return None,
    };
    let u16_at = |at: usize| {
        let b: [u8; 2] = bytes.get(at..at + 2)?.try_into().ok()?;
        Some(if little {
            u16::from_le_bytes(b)
        } else {
            u16::from_be_bytes(b)
        })
    };
    let u32_at = |at: usize| {
        let b: [u8; 4] = bytes.get(at..at + 4)?.try_into().ok()?;
        Some(if little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    };
    let (mut width, mut height, mut pages) = (0u64, 0u64, 0u32);
    let mut ifd = u32_at(4)? as usize;
    let mut seen = std::collections::HashSet::new();
    for _ in 0..10_000 {
        // A chain of directories that comes back on itself is read once.
        if ifd == 0 || !seen.insert(ifd) {
            break;
        }
        let count = usize::from(u16_at(ifd)?);
        pages += 1;
        for entry in (0..count).map(|i| ifd + 2 + 12 * i) {
            let value = match u16_at(entry + 2)? {
                3 => u64::from(u16_at(entry + 8)?),
                4 => u64::from(u32_at(entry + 8)?),
                _ => continue,
            };
            match u16_at(entry)? {
                256 => width = width.max(value),
                257 => height = height.max(value),
                _ => {}
            }
        }
        ifd = u32_at(ifd + 2 + 12 * count)? as usize;
    }
    Some(TiffWalk {
        width,
        height,
        pages,
    })
}

/// The text of page `page` (1-based) of `pdf`, `width` by `height`
/// points, rendered at 300 dpi (less for a page too large for
/// [`MAX_PIXELS`]) and read as [`read_image`] reads an image. `pdftoppm`
/// reads the PDF on its standard input: no copy of it is ever left on disk,
/// even by a run that is killed.
pub fn read_pdf_page(
    pdf: &[u8],
    pdf_key: u128,
    page: u32,
    (width, height): (f64, f64),
    options: &OcrOptions,
    declared: Option<&str>,
    counts: &mut OcrCounts,
) -> Result<Vec<OcrParagraph>, OcrError> {
    let area = (width / 72.0) * (height / 72.0);
    let fitting = (MAX_PIXELS as f64 / area.max(1.0)).sqrt();
    let dpi = RENDER_DPI.min(fitting).max(1.0).floor() as u32;
    let paragraphs = |pages: Vec<OcrPage>| {
        (continued_pages(pages).into_iter())
            .flat_map(|page| page.paragraphs)
            .collect()
    };
    // The page's reading is also kept under the PDF's bytes and the page's
    // number, so that a rebuild finds it without rendering the page again
    // (a third of a second a page) to find it under its rendering's.
    let languages = languages_for(TESSERACT, options, declared);
    let by_page = options.cache.as_deref().map(|dir| {
        let key = page_cache_key(pdf_key, page, &languages, dpi);
        dir.join(format!("{key}.json"))
    });
    if let Some(pages) = by_page.as_deref().and_then(read_cache) {
        counts.cached += 1;
        return Ok(paragraphs(pages));
    }
    let page = page.to_string();
    let dpi_arg = dpi.to_string();
    let args = ["-r", &dpi_arg, "-f", &page, "-l", &page, "-gray", "-"];
    // A PGM: a short header, then a byte per pixel.
    let image = {
        let _slot = options.runs.slot();
        run(
            PDFTOPPM,
            &args,
            Some(pdf),
            MAX_PIXELS + 4096,
            options.timeout,
        )?
    };
    let pages = recognize(TESSERACT, &image, Some(dpi), options, declared, counts)?;
    if let Some(path) = &by_page {
        write_cache(path, &pages);
    }
    Ok(paragraphs(pages))
}

/// The key of a PDF's bytes, for [`read_pdf_page`]: hashed once per file,
/// not once per page.
pub fn pdf_key(pdf: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(pdf)
}

/// The cache key of page `page` of the PDF keyed `pdf_key`, read in
/// `languages` at `dpi`.
fn page_cache_key(pdf_key: u128, page: u32, languages: &str, dpi: u32) -> String {
    let how = format!("{CACHE_VERSION}\0pdf page\0{pdf_key:032x}\0{page}\0{languages}\0{dpi}");
    format!("{:032x}", xxhash_rust::xxh3::xxh3_128(how.as_bytes()))
}

/// Runs `program` with `args`, `input` on its standard input, and gives its
/// standard output (at most `max_output` bytes: more is an error); killed
/// after `timeout`. Tesseract is kept to one thread (`OMP_THREAD_LIMIT`):
/// pages are read in parallel, one per core, instead.
fn run<S: AsRef<OsStr>>(
    program: Program,
    args: &[S],
    input: Option<&[u8]>,
    max_output: u64,
    timeout: Duration,
) -> Result<Vec<u8>, OcrError> {
    let failed = |detail: String| OcrError::Failed {
        program: program.name,
        detail,
    };
    let mut child = Command::new(program.name)
        .args(args)
        .env("OMP_THREAD_LIMIT", "1")
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| match err.kind() {
            std::io::ErrorKind::NotFound => OcrError::Missing {
                program: program.name,
                install: program.install,
            },
            _ => failed(format!("cannot run it: {err}")),
        })?;
    let (stdin, stdout, stderr) = (child.stdin.take(), child.stdout.take(), child.stderr.take());
    let (waited, output, errors) = std::thread::scope(|scope| {
        if let (Some(mut stdin), Some(input)) = (stdin, input) {
            // A program that stops reading (it failed) ends the write.
            scope.spawn(move || stdin.write_all(input));
        }
        // Each pipe is read to its end, what is past its cap thrown away:
        // a pipe left unread would stop the program (SIGPIPE, or blocked
        // until the timeout).
        let output = scope.spawn(move || read_capped(stdout, max_output.saturating_add(1)));
        let errors = scope.spawn(move || read_capped(stderr, 64 << 10));
        let deadline = Instant::now() + timeout;
        let mut pause = Duration::from_millis(1);
        let waited = loop {
            match child.try_wait() {
                Ok(Some(status)) => break Ok(status),
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(50));
                }
                Ok(None) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    break Err(OcrError::Timeout(timeout));
                }
                Err(err) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    break Err(failed(err.to_string()));
                }
            }
        };
        (waited, output.join(), errors.join())
    });
    let status = waited?;
    let output = output.map_err(|_| failed("its output could not be read".to_string()))?;
    if output.len() as u64 > max_output {
        return Err(failed("its output is larger than cita reads".to_string()));
    }
    if !status.success() {
        let errors = errors.unwrap_or_default();
        let said = String::from_utf8_lossy(&errors);
        let said = said
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with("Estimating resolution"))
            .collect::<Vec<_>>()
            .join("; ");
        return Err(failed(if said.is_empty() {
            status.to_string()
        } else {
            said
        }));
    }
    Ok(output)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A TSV row of a word.
    fn word(page: u32, block: u32, par: u32, line: u32, conf: f64, text: &str) -> String {
        format!("5\t{page}\t{block}\t{par}\t{line}\t1\t0\t0\t10\t10\t{conf}\t{text}")
    }

    fn page_row(page: u32) -> String {
        format!("1\t{page}\t0\t0\t0\t0\t0\t0\t100\t100\t-1\t")
    }

    const HEADER: &str = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext";

    fn tsv(rows: &[String]) -> String {
        let mut text = HEADER.to_string();
        for row in rows {
            text.push('\n');
            text.push_str(row);
        }
        text
    }

    fn texts(page: &OcrPage) -> Vec<(&str, u8)> {
        page.paragraphs
            .iter()
            .map(|p| (p.text.as_str(), p.confidence))
            .collect()
    }

    #[test]
    fn paragraphs_are_tesseracts_with_lines_joined_and_hyphens_mended() {
        let rows = [
            page_row(1),
            "2\t1\t1\t0\t0\t0\t0\t0\t10\t10\t-1\t".to_string(),
            word(1, 1, 1, 1, 90.0, "Informe"),
            word(1, 1, 1, 1, 80.0, "sobre la opera-"),
            word(1, 1, 1, 2, 70.0, "ción"),
            word(1, 1, 1, 2, -1.0, "noise"),
            word(1, 1, 1, 2, 96.4, "  "),
            word(1, 1, 1, 3, 95.5, "Smith-"),
            word(1, 1, 1, 4, 95.5, "Jones"),
            word(1, 1, 2, 1, 33.3, "Second"),
            word(1, 2, 1, 1, 50.5, "Third"),
        ];
        let pages = parse_tsv(&tsv(&rows));
        assert_eq!(pages.len(), 1);
        assert_eq!(pages[0].page, 1);
        assert_eq!(
            texts(&pages[0]),
            [
                ("Informe sobre la operación Smith-Jones", 86),
                ("Second", 33),
                ("Third", 51)
            ]
        );
        let lines: Vec<&str> = pages[0].paragraphs[0].lines().collect();
        assert_eq!(lines, ["Informe sobre la opera", "ción", "Smith-", "Jones"]);
        assert_eq!(
            page_lines(&pages[0].paragraphs),
            "Informe sobre la opera\nción\nSmith-\nJones\n\nSecond\n\nThird\n"
        );
        // A paragraph from a cache file without line starts is one line.
        let cached: OcrParagraph =
            serde_json::from_str(r#"{"text": "DATE: 14 MAR 62 SUBJECT: X", "confidence": 90}"#)
                .unwrap();
        assert_eq!(cached.lines().collect::<Vec<_>>(), [cached.text.as_str()]);
    }

    #[test]
    fn a_page_is_read_again_turned_only_for_poor_words_and_kept_only_if_surer() {
        let page = |number: u32, text: &str, confidence: u8| OcrPage {
            page: number,
            paragraphs: vec![OcrParagraph {
                text: text.to_string(),
                confidence,
                line_starts: Vec::new(),
            }],
            orientation_checked: false,
            orientation_rules: 0,
        };
        let blank = OcrPage {
            paragraphs: Vec::new(),
            ..page(3, "", 0)
        };
        assert!(!needs_orientation(&blank));
        assert!(!needs_orientation(&page(1, "A page of print", 91)));
        assert!(needs_orientation(&page(1, "POAON ZINY O119Q", 35)));
        let upright = vec![
            page(1, "POAON ZINY O119Q [eun SJU9UIP", 35),
            page(2, "many words read poorly but read all the same here", 55),
            blank.clone(),
        ];
        let turned = vec![
            page(1, "MINISTERIO DE GUERRA Bogota", 90),
            page(2, "Two", 95),
            blank,
        ];
        let surer = surer_pages(upright, turned);
        let kept: Vec<&str> = surer
            .iter()
            .map(|page| page.paragraphs.first().map_or("", |p| p.text.as_str()))
            .collect();
        assert_eq!(
            kept,
            [
                "MINISTERIO DE GUERRA Bogota",
                "many words read poorly but read all the same here",
                ""
            ]
        );
    }

    #[test]
    fn a_rendered_page_turns_a_quarter_a_half_or_three_quarters_clockwise() {
        // 3 wide, 2 high:  1 2 3
        //                  4 5 6
        let pgm = b"P5\n# pdftoppm\n3 2\n255\n\x01\x02\x03\x04\x05\x06";
        let pixels = |degrees| {
            let turned = rotated_pgm(pgm, degrees).unwrap();
            let (width, height, pixels) = pgm_pixels(&turned).unwrap();
            (width, height, pixels.to_vec())
        };
        assert_eq!(pixels(90), (2, 3, vec![4, 1, 5, 2, 6, 3]));
        assert_eq!(pixels(180), (3, 2, vec![6, 5, 4, 3, 2, 1]));
        assert_eq!(pixels(270), (2, 3, vec![3, 6, 2, 5, 1, 4]));
        assert_eq!(rotated_pgm(pgm, 45), None);
        assert_eq!(rotated_pgm(pgm, 0), None);
        // Not a PGM of a byte per pixel, or cut short: not turned.
        for other in [
            &b"\x89PNG\r\n"[..],
            b"P5\n3 2\n65535\n\x01\x02",
            b"P5\n3 2\n255\n\x01\x02",
            b"P5\n3",
            b"P5\n0 0\n255\n",
        ] {
            assert_eq!(rotated_pgm(other, 90), None, "{other:?}");
        }
        let said = "Page number: 0\nOrientation in degrees: 270\nRotate: 90\nOrientation confidence: 0.92\n";
        assert_eq!(rotation(said), Some(90));
        assert_eq!(rotation("Rotate: 0\n"), None);
        assert_eq!(rotation("Too few characters. Skipping this page\n"), None);
    }

    #[test]
    fn paragraphs_parted_inside_a_sentence_are_one() {
        let rows = [
            page_row(1),
            word(1, 1, 1, 1, 90.0, "Se ordena reforzar las opera-"),
            word(1, 1, 2, 1, 70.0, "ciones de acción cívica en"),
            word(1, 1, 2, 2, 70.0, "el Tolima,"),
            word(1, 1, 3, 1, 80.0, "como se dispuso."),
            word(1, 1, 4, 1, 80.0, "Nuevo párrafo."),
            word(1, 1, 5, 1, 80.0, "sigue aparte"),
        ];
        let pages = continued_pages(parse_tsv(&tsv(&rows)));
        assert_eq!(
            texts(&pages[0]),
            [
                (
                    "Se ordena reforzar las operaciones de acción cívica en el Tolima, como se dispuso.",
                    78
                ),
                ("Nuevo párrafo.", 80),
                ("sigue aparte", 80)
            ]
        );
        let lines: Vec<&str> = pages[0].paragraphs[0].lines().collect();
        assert_eq!(
            lines,
            [
                "Se ordena reforzar las opera",
                "ciones de acción cívica en",
                "el Tolima,",
                "como se dispuso."
            ]
        );
    }

    #[test]
    fn each_page_of_a_multi_page_image_is_its_own_even_blank() {
        let rows = [
            page_row(1),
            word(1, 1, 1, 1, 90.0, "first"),
            page_row(2),
            page_row(3),
            word(3, 1, 1, 1, 90.0, "third"),
        ];
        let pages = parse_tsv(&tsv(&rows));
        let numbers: Vec<u32> = pages.iter().map(|page| page.page).collect();
        assert_eq!(numbers, [1, 2, 3]);
        assert_eq!(texts(&pages[0]), [("first", 90)]);
        assert!(pages[1].paragraphs.is_empty());
        assert_eq!(texts(&pages[2]), [("third", 90)]);
        assert!(parse_tsv("").is_empty());
        assert!(parse_tsv("garbage\nmore\tgarbage").is_empty());
    }

    /// The cache answers without running anything: here the program does
    /// not exist, so a run would fail.
    #[test]
    fn a_cached_image_is_never_read_again_and_a_corrupt_cache_file_is_ignored() {
        let dir = tempfile::TempDir::new().unwrap();
        let options = OcrOptions {
            cache: Some(dir.path().join("ocr-cache")),
            ..OcrOptions::default()
        };
        let absent = Program {
            name: "/nonexistent/tesseract",
            install: "nothing",
        };
        let image = b"an image".as_slice();
        let read = |dpi| {
            recognize(
                absent,
                image,
                dpi,
                &options,
                None,
                &mut OcrCounts::default(),
            )
        };
        assert!(matches!(read(None), Err(OcrError::Missing { .. })));
        let pages = vec![OcrPage {
            orientation_checked: true,
            orientation_rules: IMAGE_FILES_TURNED,
            page: 1,
            paragraphs: vec![OcrParagraph {
                text: "Cached".to_string(),
                confidence: 91,
                line_starts: Vec::new(),
            }],
        }];
        let path = dir.path().join("ocr-cache").join(format!(
            "{}.json",
            cache_key(image, DEFAULT_LANGUAGES, None)
        ));
        write_cache(&path, &pages);
        assert_eq!(read(None), Ok(pages));
        // Another resolution or language is another reading.
        assert!(read(Some(300)).is_err());
        std::fs::write(&path, b"{ not json").unwrap();
        assert!(read(None).is_err());
    }

    /// A page that reads poorly, cached when Tesseract alone turned image
    /// files (before [`IMAGE_FILES_TURNED`]), is checked again; one checked
    /// since, or a PDF's page (turned by cita before), is not.
    #[cfg(unix)]
    #[test]
    fn a_poor_page_cached_before_cita_turned_image_files_is_checked_again() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::TempDir::new().unwrap();
        let ran = dir.path().join("ran");
        let script = dir.path().join("tesseract");
        std::fs::write(
            &script,
            format!("#!/bin/sh\ntouch '{}'\nexit 1\n", ran.display()),
        )
        .unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        let tesseract = Program {
            name: Box::leak(script.to_str().unwrap().to_string().into_boxed_str()),
            install: "nothing",
        };
        let options = OcrOptions {
            cache: Some(dir.path().join("ocr-cache")),
            ..OcrOptions::default()
        };
        let rendered = b"P5\n2 1\n255\n\x10\x20".as_slice();
        for (image, rules, checked_again) in [
            (b"an image".as_slice(), 0, true),
            (b"an image".as_slice(), IMAGE_FILES_TURNED, false),
            (rendered, 0, false),
        ] {
            let pages = vec![OcrPage {
                page: 1,
                paragraphs: vec![OcrParagraph {
                    text: "Lvmf ghqz wrtp".to_string(),
                    confidence: 30,
                    line_starts: Vec::new(),
                }],
                orientation_checked: true,
                orientation_rules: rules,
            }];
            let path = dir.path().join("ocr-cache").join(format!(
                "{}.json",
                cache_key(image, DEFAULT_LANGUAGES, None)
            ));
            write_cache(&path, &pages);
            let read = recognize(
                tesseract,
                image,
                None,
                &options,
                None,
                &mut OcrCounts::default(),
            );
            assert_eq!(read, Ok(pages), "{image:?} {rules}");
            assert_eq!(ran.exists(), checked_again, "{image:?} {rules}");
            let _ = std::fs::remove_file(&ran);
        }
    }

    #[test]
    fn a_missing_program_is_a_refusal_naming_the_install_command() {
        let err = run(
            Program {
                name: "/nonexistent/tesseract",
                install: TESSERACT.install,
            },
            &["--version"],
            None,
            1024,
            DEFAULT_TIMEOUT,
        )
        .unwrap_err();
        let (reason, message) = err.refusal();
        assert_eq!(reason, SkipReason::OcrUnavailable);
        assert_eq!(
            message,
            "OCR needs /nonexistent/tesseract (apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-spa)"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_run_past_its_timeout_is_killed() {
        let started = Instant::now();
        let sleep = Program {
            name: "sleep",
            install: "coreutils",
        };
        let err = run(sleep, &["10"], None, 1024, Duration::from_millis(200)).unwrap_err();
        assert_eq!(err, OcrError::Timeout(Duration::from_millis(200)));
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn image_headers_give_their_size_before_decoding() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend(100_000u32.to_be_bytes());
        png.extend(100_000u32.to_be_bytes());
        assert_eq!(image_dimensions(&png), Some((100_000, 100_000)));
        // The signature and anything but a header chunk: no size to read.
        let mut corrupt = b"\x89PNG\r\n\x1a\n".to_vec();
        corrupt.extend(b"garbage".repeat(100));
        assert_eq!(image_dimensions(&corrupt), None);
        assert!(matches!(
            read_image(
                &png,
                &OcrOptions::default(),
                None,
                &mut OcrCounts::default()
            ),
            Err(OcrError::TooLarge { .. })
        ));
        let jpeg = [
            0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc0, 0, 11, 8, 0x01, 0x2c, 0x02, 0x58,
        ];
        assert_eq!(image_dimensions(&jpeg), Some((600, 300)));
        let mut tiff = b"II*\0\x08\0\0\0\x02\0".to_vec();
        tiff.extend([0, 1, 4, 0, 1, 0, 0, 0, 0x10, 0x27, 0, 0]); // width 10000
        tiff.extend([1, 1, 3, 0, 1, 0, 0, 0, 0x20, 0x4e, 0, 0]); // height 20000
        tiff.extend([0, 0, 0, 0]);
        assert_eq!(tiff_walk(&tiff).map(|walk| walk.pages), Some(1));
        // Two pages, the second's directory at 26 (8 + 2 + 12 + 4), then
        // a third that points back at the first: read once.
        let mut pages = b"II*\0\x08\0\0\0".to_vec();
        pages.extend([1, 0, 0, 1, 4, 0, 1, 0, 0, 0, 100, 0, 0, 0, 26, 0, 0, 0]);
        pages.extend([1, 0, 1, 1, 4, 0, 1, 0, 0, 0, 200, 0, 0, 0, 8, 0, 0, 0]);
        let walk = tiff_walk(&pages).unwrap();
        assert_eq!((walk.width, walk.height, walk.pages), (100, 200, 2));
        assert_eq!(image_dimensions(&tiff), Some((10_000, 20_000)));
        assert_eq!(image_dimensions(b"not an image"), None);
        // Tesseract would read the files a text names.
        assert_eq!(
            read_image(
                b"/etc/secret.png\n",
                &OcrOptions::default(),
                None,
                &mut OcrCounts::default()
            ),
            Err(OcrError::NotAnImage)
        );
    }

    #[test]
    fn an_image_file_of_one_page_is_decoded_to_grey_on_white_paper() {
        // Black, transparent black, half-transparent black, white.
        let rgba = image::RgbaImage::from_raw(
            4,
            1,
            vec![0, 0, 0, 255, 0, 0, 0, 0, 0, 0, 0, 128, 255, 255, 255, 255],
        )
        .unwrap();
        let mut png = std::io::Cursor::new(Vec::new());
        rgba.write_to(&mut png, image::ImageFormat::Png).unwrap();
        let png = png.into_inner();
        assert_eq!(grey_pixels(&png), Some((4, 1, vec![0, 255, 127, 255])));
        let pgm = grey_pgm(&png).unwrap();
        assert_eq!(pgm_pixels(&pgm), Some((4, 1, &[0, 255, 127, 255][..])));
        // A page rendered from a PDF is a PGM already.
        let rendered = b"P5\n2 1\n255\n\x10\x20";
        assert_eq!(grey_pgm(rendered).as_deref(), Some(&rendered[..]));
        // A damaged image, or one declaring more than MAX_PIXELS: not
        // decoded.
        assert_eq!(grey_pixels(&png[..png.len() / 2]), None);
        let mut huge = png.clone();
        huge[16..24].copy_from_slice(&[0, 1, 0, 0, 0, 1, 0, 0]);
        assert_eq!(grey_pixels(&huge), None);
        // The pages of a multi-page TIFF are not turned by cita: a TIFF of
        // one page, and the same with a second page (a copy of its page
        // directory) that the first's points to.
        let mut tiff = std::io::Cursor::new(Vec::new());
        rgba.write_to(&mut tiff, image::ImageFormat::Tiff).unwrap();
        let one = tiff.into_inner();
        assert_eq!(
            grey_pgm(&one).map(|pgm| pgm_pixels(&pgm).unwrap().2.to_vec()),
            Some(vec![0, 255, 127, 255])
        );
        assert_eq!(&one[..4], b"II*\0");
        let at = u32::from_le_bytes(one[4..8].try_into().unwrap()) as usize;
        let entries = usize::from(u16::from_le_bytes([one[at], one[at + 1]]));
        let next_field = at + 2 + 12 * entries;
        let mut two = one.clone();
        two.resize(two.len().next_multiple_of(2), 0);
        let copy = two.len() as u32;
        two.extend_from_slice(&one[at..next_field + 4]);
        two[next_field..next_field + 4].copy_from_slice(&copy.to_le_bytes());
        assert_eq!(tiff_walk(&two).map(|walk| walk.pages), Some(2));
        assert!(grey_pixels(&two).is_some(), "its first page decodes");
        assert_eq!(grey_pgm(&two), None);
    }

    #[test]
    fn declared_languages_map_to_tesseracts_codes() {
        assert_eq!(tesseract_code("es"), Some("spa"));
        assert_eq!(tesseract_code("zh"), Some("chi_sim"));
        assert_eq!(tesseract_code("xx"), None);
        let options = OcrOptions {
            languages: "eng".to_string(),
            ..OcrOptions::default()
        };
        // Unknown to cita: the configured languages.
        assert_eq!(languages_for(TESSERACT, &options, Some("klingon")), "eng");
        assert_eq!(languages_for(TESSERACT, &options, None), "eng");
    }

    #[test]
    fn image_headers_cannot_hide_their_size() {
        // A JPEG whose real frame hides behind a TEM marker (no length).
        let mut jpeg = vec![0xff, 0xd8, 0xff, 0x01];
        jpeg.extend([0xff, 0xc0, 0x00, 0x11, 0x08, 0x80, 0x00, 0x80, 0x00]);
        jpeg.extend([0; 16]);
        assert_eq!(image_dimensions(&jpeg), Some((0x8000, 0x8000)));
        // A TIFF whose directory points back at itself ends.
        let mut tiff = b"II*\0\x08\0\0\0".to_vec();
        tiff.extend([1, 0]); // one entry
        tiff.extend([0, 1, 3, 0, 1, 0, 0, 0, 0x40, 0, 0, 0]); // width 64
        tiff.extend([8, 0, 0, 0]); // the next directory: itself
        assert_eq!(image_dimensions(&tiff), Some((64, 0)));
    }

    #[test]
    fn a_program_writing_past_its_caps_is_read_to_its_end() {
        let shell = Program {
            name: "sh",
            install: "",
        };
        let script = "head -c 9000000 /dev/zero; head -c 300000 /dev/zero >&2";
        let out = run(
            shell,
            &["-c", script],
            None,
            1 << 20,
            Duration::from_secs(20),
        );
        assert!(
            out.is_err(),
            "over its output cap, without hanging or a SIGPIPE wait"
        );
    }
}
