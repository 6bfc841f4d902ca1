//! Building and updating the index, incrementally and crash-safely.
//!
//! A run compares the corpus with the state recorded by the last run
//! (`cita-files.json` in the index folder: each file's size, modification
//! time and content hash). Unchanged files are not read again; changed files
//! have their passages replaced (deleted by `source`, then added); files gone
//! from the corpus have their passages removed. Reading, decoding and
//! splitting files runs on worker threads; the main thread feeds tantivy's
//! writer and commits in batches.
//!
//! Crash safety: tantivy publishes a commit atomically, and the state file
//! is replaced (write, then rename) only after the commit it describes, so it
//! can lag the index but never lead it. A run killed at any point leaves the
//! last commit searchable, and the next run redoes at most what was not
//! recorded: replacing a file's passages is idempotent. A lock file makes a
//! second concurrent run fail at once, before it changes anything.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant, UNIX_EPOCH};

use tantivy::collector::Count;
use tantivy::directory::error::LockError;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{Index, IndexWriter, TantivyDocument, TantivyError, Term};

use crate::analysis::{self, Folding};
use crate::copy_map;
use crate::error::{self, Error, Result};
use crate::ingest::ocr::{self, OcrCounts, OcrOptions, OcrRuns};
use crate::ingest::{self, Format, Limits, Listed, ReadOptions, SkipReason, WalkOptions, Warning};
use crate::language::{self, Language};
use crate::passage;
use crate::schema::{self, Fields};
use crate::store::OCR_CACHE;
use crate::store::{self, FileState, MIXED_DEFAULTS, RecordedWarning, State};

/// The writer's default memory budget, in MB: enough to keep both cores
/// busy, small enough for a laptop. Each indexing thread fills a segment
/// with its share and a commit flushes every thread's: at 128 MB the 78 MB
/// bench corpus gave four segments (two leftovers), at 256 MB two, and a
/// search of four segments took 1.17 times as long (`BENCHMARKS.md`).
pub const DEFAULT_MEMORY_MB: u32 = 256;

/// [`DEFAULT_MEMORY_MB`] in bytes.
pub const DEFAULT_MEMORY_BYTES: usize = (DEFAULT_MEMORY_MB as usize) << 20;

/// tantivy needs at least this much memory per indexing thread.
const MIN_MEMORY_PER_THREAD: usize = 15_000_000;

/// tantivy's arena takes less than 4 GiB per indexing thread (its
/// `MEMORY_BUDGET_NUM_BYTES_MAX`, not exported); a budget past that many
/// is cut to it rather than refused.
const MAX_MEMORY_PER_THREAD: usize = u32::MAX as usize - (2 << 20);

/// How often, at most, the observer hears of pages OCR has read while no
/// file is done.
const PROGRESS_INTERVAL: Duration = Duration::from_millis(200);

/// By default a commit follows every 256 MB of changed files read.
pub const DEFAULT_BATCH_BYTES: u64 = 256 << 20;

/// How to build an index.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Memory budget of tantivy's writer, in bytes (at least 15 MB).
    pub memory_bytes: usize,
    /// Globs (relative to the corpus) of files and folders to leave out.
    pub exclude: Vec<String>,
    /// Read and index every file again, whatever the recorded state says.
    pub rebuild: bool,
    /// Threads reading and splitting files (and, up to 8, tantivy's indexing threads).
    pub jobs: usize,
    /// Commit after this many bytes of changed files, so a crash loses at most one batch.
    pub batch_bytes: u64,
    /// The language of documents that declare none and whose language the
    /// detector cannot tell (`--default-lang`); `None` keeps the one the
    /// index was last given (English for a new index), so that an update
    /// never reads an archive again under another default unasked.
    pub default_language: Option<Language>,
    /// Limits against archive bombs in containers. A file already read is
    /// not read again when they change: `rebuild` does that.
    pub limits: Limits,
    /// Tesseract's languages for scans and images (`eng+spa`, `--ocr-lang`),
    /// or `None` to read no scan (`--no-ocr`).
    pub ocr_languages: Option<String>,
    /// How long OCR may take on one page or image before it is stopped
    /// (`--ocr-timeout`).
    pub ocr_timeout: Duration,
    /// When the index is one shard of an archive: which one. It holds the
    /// corpus files routed to it, and no other.
    pub shard: Option<Shard>,
}

/// One of an archive's shards, each a cita index of the corpus files
/// routed to it by a hash of their source path: all passages of a file in
/// one shard, the same shard on every machine and run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// Which shard, from 0.
    pub number: u32,
    /// How many shards the archive has (at least 1).
    pub count: u32,
}

impl Shard {
    /// The shard of `count` that holds the file at `source`.
    pub fn of(source: &str, count: u32) -> u32 {
        // xxh3 is fixed by its specification: routing never changes with
        // the machine, the build or the crate's version.
        (xxhash_rust::xxh3::xxh3_64(source.as_bytes()) % u64::from(count.max(1))) as u32
    }

    /// Whether this shard holds the file at `source`.
    pub fn holds(self, source: &str) -> bool {
        Shard::of(source, self.count) == self.number
    }
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            memory_bytes: DEFAULT_MEMORY_BYTES,
            exclude: Vec::new(),
            rebuild: false,
            jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
            batch_bytes: DEFAULT_BATCH_BYTES,
            default_language: None,
            limits: Limits::default(),
            ocr_languages: Some(ocr::DEFAULT_LANGUAGES.to_string()),
            ocr_timeout: ocr::DEFAULT_TIMEOUT,
            shard: None,
        }
    }
}

/// Hears about a run as it goes, e.g. to draw a progress bar. The library
/// never prints; all methods have empty defaults. Every call comes from the
/// thread that called [`build_with`], one at a time (methods take `&self`
/// so an observer can be shared; a `Cell` is enough for its counters).
pub trait BuildObserver {
    /// The corpus has been listed: this many files, this many bytes in all.
    fn started(&self, _files: u64, _bytes: u64) {}
    /// One more file is done (indexed, unchanged or skipped); it has `bytes` bytes.
    fn file_done(&self, _bytes: u64) {}
    /// A file was skipped or only partly read.
    fn warning(&self, _warning: &Warning) {}
    /// Pages of scans (and image files) OCR has read so far, and found to
    /// read: both grow as files are read, and are told again when they change.
    fn ocr_pages(&self, _done: u64, _found: u64) {}
    /// Whether the build should stop, asked between files (and every
    /// 200 ms while a long file is read): once it
    /// says so, no more files are read, the files read so far are
    /// committed (nothing read is lost; the next run goes on from there,
    /// and removes the files gone from the corpus), and the build returns
    /// [`Error::Cancelled`].
    fn cancelled(&self) -> bool {
        false
    }
}

/// The version of the rules that make a file's passages: its format's
/// reader, the passages and their languages (`ingest`, `passage`,
/// `language`). An index records the version its files were read under,
/// and a build under another reads every file again, changed or not, so an
/// index never mixes passages cut by old and new rules (scans excepted:
/// their OCR text comes from the cache as it was joined then). Raise it with any
/// change that gives an unchanged file other passages, words or languages.
/// 1: a word hyphenated across lines is mended (`text::join_wrapped`); a
/// file named `name.es.html` declares its language. 2: a document's
/// language is told by its first sentences first; a passage takes another
/// language than its document's only when its whole text says so too. 3: a
/// word with an underscore is not prose to the language detector. 4: a
/// PDF's sentence cut by a page break is one passage (`ingest::pdf`). 5: a
/// PDF's lines are wrapped prose whatever their width, never a paragraph
/// each (`ingest::text::laid_out_blocks`). 6: in a PDF, a lead-in takes
/// the code after R's `> ` prompt and the items of a list the page drew.
/// 7: a PDF's list item takes the lines after it, and its markup lines are
/// read in place (a `#` line is code within its listing). 8: a note's
/// title (`Tip`) on its own line in a PDF is a paragraph of its own. 9: an
/// HTML table's row of values is one paragraph, its cells joined by ` | `.
/// 10: in a PDF, three or more short paragraphs in a row that end no
/// sentence are a table's rows. 11: an HTML table of contents and a book's
/// previous/next lines, by whole class or id (`toc`, `docnav`, …), are
/// page furniture; a page's content root is read whatever its own class
/// says. 12: so are Texinfo 6.7's contents (a `div.contents` after an
/// `h2.contents-heading`), its short contents and kramdown's `markdown-toc`.
/// 13: Sphinx's footnotes are read (without their labels and
/// back-references), and a docutils citation's label runs into its
/// paragraph; `format=flowed` mail is unwrapped; a forwarded message's
/// attachments take its date; a ZIP without a readable directory is read
/// from its entries' headers; a tar reads on past a damaged header and
/// reads its contiguous files. 14: a PDF page set with a blank line
/// between all its lines (double spacing, Tesseract's text layer) has its
/// lines joined where a sentence goes on, and a run of spaces between two
/// words of a PDF's text is one space. 15: a document's language is the
/// one most of its first sentences are in (short ones ending as a sentence
/// count), and one that only whatlang finds is not taken; a brief's is the
/// one both detectors name in it. 16: a mail `Date` with an obsolete zone
/// (`UT`, `Z`) ends at its line (it took the next field, or the body), and
/// a mailbox's message starts only at a From_ line ending in a date, not at
/// a body line opening with "From ". 17: a mailbox's message also starts at
/// a From_ line giving the sender alone or with another date, after a
/// blank line and before a header block; a PDF's line is measured by its
/// font's height, not by the area a text layer's squeezed words make (a
/// scan's paragraph under Tesseract's layer was cut at its squeezed
/// lines), and a page the text extractor fails on no longer takes the
/// document's other pages with it; two HTML line breaks in a row end a
/// paragraph; a text's Spanish `1.º de octubre de 1964` and `marzo 12 de
/// 1964` are dates. 18: a ZIP's or tar's hidden entries (a name on the
/// entry's path starting with `.`, or `__MACOSX`: the Finder's `._name`
/// metadata files) are left out as hidden files on disk are, and so is a
/// `__MACOSX` folder on disk; a newline inside a DOCX's or ODT's text is a
/// space, not a line break (only `w:br`, `w:cr` and `text:line-break`
/// are: it cut a paragraph's line, and its title, short); a tar entry's
/// name that is not UTF-8 is read as windows-1252 (its accents were
/// U+FFFD); on a double-spaced PDF page where most wrapped lines go on in
/// lower case, a wrapped line ending in a lower-case letter joins a next
/// line starting with a capital where the sentence goes on in lower case
/// beside them ("Plan / LAZO was…"). 19: an HTML element whose class or
/// id names furniture but which holds most of the text, outside links, is
/// read as a wrapper (`div.layout.has-sidebar`) when it holds the headline;
/// `header` in a class names an article's own header inside an article;
/// Spanish names of
/// furniture (`comentarios`, `relacionadas`, …), Spanish boilerplate lines
/// and teasers ("Lea también: …", "Read more: …") are left out; a page's
/// date from `<time datetime>` is the first one outside a reader's comment,
/// navigation and a masthead;
/// a package's part is found whatever the ASCII case of its name; hidden
/// entries no longer count towards the limit on a container's entries; a
/// ZIP entry's name reads as code page 850 where 437 makes box-drawing
/// pieces or Greek letters of its capitals with accents. 20: an HTML
/// `<form>` holding most of a page's text (ASP.NET's, around the whole
/// page) is read as a wrapper; the text of scripts and styles no longer
/// counts when wrappers are weighed; a header holding the schema.org
/// headline (Joomla's `div.page-header`) is read; Spanish names of a
/// government site's furniture (`migas-de-pan`, `pie`, …) are left out, as
/// are Word's footnote references; a `<title>` may start with the site's
/// name (`og:site_name`); a text file's hard-wrapped list items keep their
/// lines (a lower-case one, or one after `de`, `la`, `the`…); a long
/// paragraph is not cut after an abbreviation or an initial; two line
/// breaks in a table row's one cell of text make it a row of paragraphs;
/// a post's paging and tags (`pager`, `tags`) are furniture. 21: a text's legal dates, a day or a year in words and then
/// in digits in brackets (`veintidós (22) de enero de dos mil cuatro
/// (2004)`), are read; a paragraph opening with a place and a legal date
/// (`Bogotá, D.C., veintidós (22) de enero de …`) is a document's dateline
/// in its first 32,000 bytes, not only in its first 300 (a ruling's
/// dateline comes after its headnotes); saved web pages (`.mht`) are read.
/// 22: a text file's title taken from its first paragraph stops at a
/// byline (`Por Redacción Justicia` under a clipping's headline).
/// 23: list items keep the numbers a reader sees (Markdown's, HTML's
/// `<ol>`, Word's numbering definitions, ODF's list styles); Word's hidden text is left out;
/// a PDF line whose numbers rise faster than the pages or whose date
/// changes is no running line; a PDF of scans takes its date from its
/// text, not from when it was scanned; `12 de marzo de 1.985` is a date.
/// 24: Word's text hidden by its paragraph or character style is left out,
/// and a list defined through a numbering style (`w:numStyleLink`) takes
/// its numbers; an HTML list's items wrapped in a `div` take the list's.
/// 25: no text dated past 2099; no date inside a run of numbers and dashes, or before
/// the common era.
/// 26: on an HTML page that declares its language, a block element that
/// declares another gives it to its passages.
/// 27: a text file's numbered paragraph in capitals (a cable's) goes on
/// onto the lines in capitals after a line near the block's wrap width;
/// a text file's header block titles it by its subject line (`SUBJECT:`,
/// `Asunto:`; a reference line, `REF:`, instead of a form's heading),
/// never by a classification marking alone when a later line is
/// something else, and dates it by its date line, a numeric one too
/// (`Fecha: 03/02/2025`, day first), or leaves it undated when that line
/// cannot be read, rather than by a date its text cites.
/// 28: a date line's cable form, a day, a month and a year of two digits
/// (`DATE: 14 MAR 62`), dates the document.
/// 29: a mailbox message without a `Date` header is dated by its From_
/// line; a subject's character split between two encoded words is one; a
/// PDF's `Author` is its author; a plain-text mail's quotation (`> …`) is
/// paragraphs of their own, without their markers.
/// 30: a mail's plain alternative of fewer than 50 words gives way to its
/// HTML when that holds more than four times its words (a placeholder).
/// 31: a scan's header block (the lines OCR reads atop an image or a PDF
/// of scans) titles and dates it as a text file's; no format is titled
/// by a classification marking alone; OCR paragraphs parted inside a
/// sentence are one; a PDF without a page of text is OCR'd page by page;
/// UTF-8 after a BOM with a stray windows-1252 byte is read, not skipped.
/// 32: an HTML teaser's label alone takes the headlines after it; more
/// teaser labels and press boxes are furniture; a `<title>` that is the
/// page's `h1` and a section after a separator is the `h1`; Spanish
/// cues before a year (`durante 2003`, `de 1998 a 2003`, `el 2004`)
/// mention it; a PDF page whose text (under 200 letters) lies over an
/// image of the page is OCR'd.
/// 33: a PDF's sentence whose numbers change is no running line (a foot
/// naming its page still is); a mail's text part holding binary data is
/// left out.
/// 34: a memo's header block titles and dates Word, ODT and PDF files,
/// its typed date line over the date the file records; placeholder
/// titles (`Untitled`, `Document1`, a file name) are none.
/// 35: a spaced page's lines are joined only on a page spaced throughout;
/// a file whose every entry is refused for one reason is skipped.
/// 36: mail saved in UTF-16 or UTF-32 with a byte-order mark (or with
/// UTF-8's) is read; a long paragraph is not cut after `EE. UU.`, `No.`
/// before a number or more Spanish abbreviations, and a text file's list
/// item goes on after a line ending in a title (`Gral.`); `(1962-1964)`
/// mentions both years; a press dateline opening a text dates it (over a
/// date its headline names, and over the date a PDF or a word
/// processor's file records); a title, publication, author or section
/// is cut to about 500 characters, a URL past 4,096 bytes left out; a
/// PDF page whose content unpacks past 4 MB is not read; a byline above
/// the headline does not title a document.
/// 37: a table row keeps an empty cell between two others; an ODT's
/// author is its initial creator; an EPUB's date is its publication's
/// (not a modification's, not Calibre's `0101-01-01`) and its publisher
/// its publication; the name a program gives a new file, or the file's
/// own name, titles nothing; a tar entry's leading `./` is left out; a
/// page's headline after a separator in its `<title>` titles it; a mail
/// sender's name loses the quotes Outlook encodes with it. 38: soft
/// hyphens leave the passages' texts, sections and titles; an ODT cell
/// repeated over columns stands in each; an EPUB's author is its creator
/// in the author's role (not a translator listed first); a Word or ODT
/// note's passage starts with its mark (`[12] `); the name a system or an
/// office suite gives its user (`Windows User`) is no author; a mail's
/// quoted paragraph lies under the attribution line of its quotation; an
/// EPUB is not dated from its text. 39: a web page's author may come
/// from its structured data (JSON-LD `author`), passing over placeholders;
/// a web page's or a JSON feed's byline's opening word (`By`, `Por`,
/// `Par`) is no part of an author's name. 40: a page Word saved (`.htm`,
/// `.mht`) is authored and dated by its document properties (`o:Author`,
/// `o:Created`) when its meta name none; a JSON-LD name given as several
/// values (its spellings) is the first; `By:Juan` is Juan's byline, and a
/// JSON record's `author` loses its byline's word as its `byline` does;
/// an attachment's date line or dateline does not date it over its
/// message's date; a Word or ODT note cited by a lead-in or what it
/// announces follows the whole run; an Outlook header block in an HTML
/// mail heads the message it quotes, as in plain text; a document's
/// language is what both detectors find in its sentences' words other
/// than names when whatlang is not sure of the sentences, and a sentence
/// full of figures or identifiers is read without them.
/// 41: a Word, ODT or PDF file's creation date is not its document's when
/// its date line could be either of two other days (undated, with a
/// warning); a sentence a page break cuts between two scanned pages is
/// one paragraph, as between two typed ones; a PDF whose first page is a
/// scan reads its header block in OCR's lines, with typed pages after it;
/// a PDF's scanned page that reads poorly is turned by cita as Tesseract's
/// orientation detection says; an attachment that names no author is its
/// message's sender's.
/// 42: an image file of one page that reads poorly is turned by cita as
/// Tesseract's orientation detection says, as a PDF's scanned page is;
/// front matter keys are read in any case (`Title:`), and its `author`
/// loses a pasted byline's opening word (`Por …`); a text is dated only by
/// a date that stands as a dateline, never by the latest date it
/// mentions.
pub const READING_RULES: u32 = 42;

/// An observer that ignores everything.
#[derive(Debug, Default, Clone, Copy)]
pub struct Silent;

impl BuildObserver for Silent {}

/// What a run did: `cita index` renders it as its summary line or, with
/// `--format json`, as one JSON object (`output::write_build_report_text` and
/// `output::write_build_report_json`).
#[derive(Debug, Clone)]
pub struct BuildReport {
    /// The corpus folder read.
    pub corpus: PathBuf,
    /// The index folder written.
    pub index: PathBuf,
    /// Files in the index after the run, per format.
    pub files: BTreeMap<Format, u64>,
    /// Documents in the index: one per file, or one per record of a JSON feed.
    pub documents: u64,
    /// Passages in the index.
    pub passages: u64,
    /// Files indexed for the first time.
    pub added: u64,
    /// Files whose passages were replaced because they changed.
    pub updated: u64,
    /// Files gone from the corpus (or now excluded) whose passages were removed.
    pub removed: u64,
    /// Files left as they were: not read at all when their size and
    /// modification time were unchanged, or read and found identical.
    pub unchanged: u64,
    /// Indexed files that changed and cannot be read now (unreadable,
    /// cut short, too large…): they keep the passages of their last
    /// readable version, and every run reads them again.
    pub kept: u64,
    /// Files whose contents were read in this run.
    pub files_read: u64,
    /// Commits made (batches).
    pub commits: u64,
    /// Files of types cita does not read, counted by
    /// [`ingest::extension_label`].
    pub ignored: BTreeMap<String, u64>,
    /// Files skipped or only partly read, with the reason.
    pub warnings: Vec<Warning>,
    /// Images OCR read in this run (image files, scanned PDF pages): by
    /// Tesseract, or from the cache.
    pub ocr: OcrCounts,
    /// Wall-clock time of the run.
    pub elapsed: Duration,
}

impl BuildReport {
    /// Files in the index, all formats together.
    pub fn files_indexed(&self) -> u64 {
        self.files.values().sum()
    }

    /// Files skipped, counted by reason.
    pub fn skipped(&self) -> BTreeMap<SkipReason, u64> {
        let mut counts = BTreeMap::new();
        for reason in self.warnings.iter().filter_map(|w| w.skipped) {
            *counts.entry(reason).or_insert(0) += 1;
        }
        counts
    }
}

/// Builds the index at `index_dir` from `corpus`, or brings it up to date.
/// A file that cannot be read is a warning in the report, never an error.
///
/// # Errors
///
/// [`Error::NoCorpus`], [`Error::EmptyCorpus`] (a corpus folder holding
/// nothing while the index holds documents), [`Error::InvalidOption`] (an
/// option out of range, a refused `--exclude` glob, the corpus folder as
/// the index), [`Error::NotAnIndex`] (a folder of other files, left as it
/// was), [`Error::IndexLocked`] (another build holds it), [`Error::Damaged`]
/// (rebuild), [`Error::DiskFull`], [`Error::Io`]. Every commit made before
/// an error stands.
pub fn build(corpus: &Path, index_dir: &Path, options: &BuildOptions) -> Result<BuildReport> {
    build_with(corpus, index_dir, options, &Silent)
}

/// [`build`], telling `observer` how it goes.
pub fn build_with(
    corpus: &Path,
    index_dir: &Path,
    options: &BuildOptions,
    observer: &dyn BuildObserver,
) -> Result<BuildReport> {
    // A full disk surfaces in many shapes; callers get one error for it.
    build_into(corpus, index_dir, options, observer).map_err(|err| err.writing(index_dir))
}

/// Refuses the options a build of `corpus` would refuse before writing
/// anything: a shard number past the count, a writer's memory below its
/// least, OCR languages that are no Tesseract codes, negated or malformed
/// `--exclude` globs. A build checks them first; a caller that starts
/// several builds with them (`cita.dist`'s shards) checks them before any.
pub fn check_options(corpus: &Path, options: &BuildOptions) -> Result<()> {
    if let Some(Shard { number, count }) = options.shard
        && number >= count
    {
        return Err(Error::InvalidOption(match count {
            0 => format!("shard {number} of 0: an archive has at least one shard"),
            _ => format!(
                "shard {number} of {count}: shards are numbered from 0 to {}",
                count - 1
            ),
        }));
    }
    if options.memory_bytes < MIN_MEMORY_PER_THREAD {
        return Err(Error::InvalidOption(format!(
            "the writer needs at least {} MB of memory",
            MIN_MEMORY_PER_THREAD.div_ceil(1 << 20)
        )));
    }
    if let Some(languages) = &options.ocr_languages {
        ocr::check_language_codes(languages).map_err(Error::InvalidOption)?;
    }
    ingest::exclusions(corpus, &options.exclude).map(drop)
}

/// Whether the folder `corpus` holds nothing but the index folder (a
/// listing that fails holds something: the walk names what it cannot read).
fn holds_nothing(corpus: &Path, index_dir: &Path) -> bool {
    let index_dir = index_dir.canonicalize().ok();
    std::fs::read_dir(corpus).is_ok_and(|mut entries| {
        entries.all(|entry| entry.is_ok_and(|entry| entry.path().canonicalize().ok() == index_dir))
    })
}

fn build_into(
    corpus: &Path,
    index_dir: &Path,
    options: &BuildOptions,
    observer: &dyn BuildObserver,
) -> Result<BuildReport> {
    let started = Instant::now();
    if !corpus.is_dir() {
        return Err(Error::NoCorpus {
            path: corpus.to_path_buf(),
        });
    }
    // A corpus that cannot be listed would look empty, and every indexed
    // file gone from it.
    std::fs::read_dir(corpus).map_err(|err| Error::io(corpus, err))?;
    // Before anything is written: a refused option leaves no index folder.
    check_options(corpus, options)?;
    if index_dir.exists() && !index_dir.is_dir() {
        return Err(Error::index_is_a_file(index_dir));
    }
    std::fs::create_dir_all(index_dir).map_err(|err| Error::io(index_dir, err))?;
    refuse_corpus_as_index(corpus, index_dir)?;
    // Before the lock file is made: a folder refused is left as it was.
    store::refuse_foreign(index_dir)?;
    let _lock = store::lock(index_dir)?;
    store::remove_leftover_temp_files(index_dir);
    let mut early_warnings = Vec::new();
    // Read first: replacing an index of another schema or a damaged one
    // removes the state that records it.
    let kept_default = store::recorded_default_language(index_dir);
    let (index, opened) = store::open_for_writing(index_dir, options.rebuild)?;
    let fresh = matches!(opened, store::Opened::Fresh { .. });
    // An index another cita wrote is replaced, never misread: said, since
    // two versions of cita taking turns rebuild it each time.
    if let store::Opened::Fresh {
        replaced: Some(schema),
    } = &opened
    {
        let warning = Warning {
            path: index_dir.to_path_buf(),
            message: format!(
                "was built by another version of cita (schema {schema}); rebuilt for this one (schema {})",
                schema::SCHEMA_VERSION
            ),
            skipped: None,
        };
        observer.warning(&warning);
        early_warnings.push(warning);
    }
    let fields =
        schema::fields_of(&index.schema()).expect("the index was checked to have cita's schema");
    // No more readers than files (or than any machine needs).
    let jobs = options.jobs.clamp(1, 256);
    let threads = jobs
        .clamp(1, 8)
        .min(options.memory_bytes / MIN_MEMORY_PER_THREAD)
        .max(1);
    let mut writer = LazyWriter {
        index: &index,
        dir: index_dir,
        threads,
        memory_bytes: options.memory_bytes.min(threads * MAX_MEMORY_PER_THREAD),
        merges: store::CheckedMerges::new(&index),
        started: None,
    };
    let shard = options.shard.map(|shard| [shard.number, shard.count]);
    if fresh {
        // Record the schema at once, so that a run killed before its first
        // batch leaves an (empty) index that the next run recognises.
        let empty = State {
            shard,
            ..State::default()
        };
        store::commit_payload(writer.get()?, &empty)?;
    }

    let mut state = if fresh {
        State::default()
    } else {
        State::load(index_dir)
    };
    // A run reading every file again killed between a commit and the state
    // file describing it: the commit says what the state file does not.
    if store::read_payload(&index).is_some_and(|payload| payload.rereading) {
        state.default_language = Some(MIXED_DEFAULTS.to_string());
    }
    // Another routing only removes the files no longer routed here and
    // adds those that are: the index is then that shard.
    state.shard = shard;
    // Files indexed under another default language are read again: the
    // default decides the language of what is neither declared nor detected.
    // The new default is recorded with the run's last commit only; the
    // commits before it record one no language has, so that a run stopped
    // halfway is redone whole, whatever default the next run is given.
    // So are files read under other reading rules, and a rebuild stopped
    // halfway (its files read so far would be taken for unchanged).
    let kept = kept_default.as_deref().and_then(Language::from_code);
    let default_language = (options.default_language.or(kept)).unwrap_or(Language::ENGLISH);
    state.asked_default_language = Some(default_language.code().to_string());
    let default_code = default_language.code();
    let default_changed = state.default_language.as_deref().unwrap_or("en") != default_code;
    let rules_changed = state.reading_rules != READING_RULES;
    let limits_changed = state.limits.unwrap_or_default() != options.limits;
    let exclude = {
        let mut globs = options.exclude.clone();
        globs.sort();
        globs.dedup();
        globs
    };
    // Unknown globs (an older cita's state, or a run under other globs
    // stopped halfway, which recorded none from its first commit on, since
    // the containers it read again were read under the new ones) are
    // changed globs.
    let excludes_changed = state.exclude.as_ref() != Some(&exclude);
    if excludes_changed {
        state.exclude = None;
    }
    let settings_changed =
        default_changed || ((rules_changed || limits_changed) && !state.files.is_empty());
    let reread = options.rebuild || (!state.files.is_empty() && settings_changed);
    if settings_changed || options.rebuild {
        state.default_language = Some(MIXED_DEFAULTS.to_string());
    }
    // Recorded from the first commit on: a run stopped halfway is redone
    // whole through the mixed default.
    state.reading_rules = READING_RULES;
    // Sources with passages in the index, for files that vanished before the
    // state recorded them (a run killed between a commit and its state file).
    let indexed_sources = if fresh {
        BTreeSet::new()
    } else {
        sources_in(&index, &fields)?
    };

    let documents = store::read_payload(&index).map_or(0, |payload| payload.documents);
    if !options.rebuild && documents > 0 && holds_nothing(corpus, index_dir) {
        return Err(Error::EmptyCorpus {
            path: corpus.to_path_buf(),
            index: index_dir.to_path_buf(),
            documents,
        });
    }
    let walk = WalkOptions {
        exclude: options.exclude.clone(),
        // Its files are the index's, not documents, when it lies in the
        // corpus (`cita index --corpus .` with the default `./index`).
        leave_out: Some(index_dir.to_path_buf()),
        // So are another index's, and a folder of shards.
        is_left_out: Some(store::is_cita_folder),
    };
    let mut reading = ReadOptions::new(corpus, &options.exclude, options.limits)?;
    // OCR results are kept beside the index, so that a rebuild or a renamed
    // file never runs Tesseract again on a page it has read.
    let ocr_runs = Arc::new(OcrRuns::new(jobs));
    reading.ocr = options.ocr_languages.as_ref().map(|languages| OcrOptions {
        languages: languages.clone(),
        cache: Some(index_dir.join(OCR_CACHE)),
        timeout: options.ocr_timeout,
        runs: Arc::clone(&ocr_runs),
    });
    let mut report = BuildReport {
        corpus: corpus.to_path_buf(),
        index: index_dir.to_path_buf(),
        files: BTreeMap::new(),
        documents: 0,
        passages: 0,
        added: 0,
        updated: 0,
        removed: 0,
        unchanged: 0,
        kept: 0,
        files_read: 0,
        commits: 0,
        ignored: BTreeMap::new(),
        warnings: early_warnings,
        ocr: OcrCounts::default(),
        elapsed: Duration::ZERO,
    };
    let mut files = Vec::new();
    // What the walk could not read, as sources: folders, and links to a
    // missing target outside the corpus (a folder on a disk not mounted).
    let mut unlisted = Vec::new();
    // Each source's place in `files`.
    let mut listed_sources = HashMap::new();
    for listed in ingest::files(corpus, &walk)? {
        match listed {
            Listed::File(path, format) => {
                let source = ingest::relative_source(corpus, &path);
                if options.shard.is_some_and(|shard| !shard.holds(&source)) {
                    // Another shard's: as if absent, so that a file whose
                    // path now routes elsewhere leaves this shard.
                    continue;
                }
                let size = std::fs::metadata(&path).map_or(0, |m| m.len());
                let job = Job {
                    path,
                    source,
                    format,
                    size,
                };
                // Names that are not UTF-8 are written with U+FFFD for
                // the bytes that are not: two may then read alike. The
                // one the index holds keeps the source (the one listed
                // first when neither is).
                let Some(&at) = listed_sources.get(&job.source) else {
                    listed_sources.insert(job.source.clone(), files.len());
                    files.push(job);
                    continue;
                };
                let recorded = state.files.get(&job.source);
                let skipped = if is_recorded(&job.path, recorded)
                    && !is_recorded(&files[at].path, recorded)
                {
                    std::mem::replace(&mut files[at], job)
                } else {
                    job
                };
                let warning = Warning {
                    message: format!(
                        "its name {:?} is not UTF-8 text and reads as {:?}, as another file's does; skipped: rename it",
                        skipped.path.file_name().unwrap_or_default(),
                        skipped.source
                    ),
                    path: skipped.path,
                    skipped: Some(SkipReason::Undecodable),
                };
                observer.warning(&warning);
                report.warnings.push(warning);
            }
            Listed::Ignored(path) => {
                *report
                    .ignored
                    .entry(ingest::extension_label(&path))
                    .or_insert(0) += 1;
            }
            Listed::Unwalkable(warning) => {
                if warning.path.is_dir() || links_out_of(corpus, &warning.path) {
                    unlisted.push(ingest::relative_source(corpus, &warning.path));
                }
                observer.warning(&warning);
                report.warnings.push(warning);
            }
        }
    }
    // A run from another folder than the index was built from, that would
    // remove most of its files, is a `--corpus` mistyped (a subfolder, a
    // sibling), not a corpus emptied: refused, as an empty corpus folder
    // is. A corpus moved whole keeps its files, and is recorded anew.
    let here = std::fs::canonicalize(corpus).unwrap_or_else(|_| corpus.to_path_buf());
    if let Some(built_from) = state.corpus.clone()
        && built_from != here
        && !options.rebuild
    {
        let leaving = (state.files.keys())
            .filter(|source| {
                !listed_sources.contains_key(*source) && !in_unlisted(source, &unlisted)
            })
            .count();
        if 2 * leaving > state.files.len() {
            return Err(Error::OtherCorpus {
                path: corpus.to_path_buf(),
                built_from,
                index: index_dir.to_path_buf(),
                leaving,
                files: state.files.len(),
            });
        }
    }
    let corpus_moved = state.corpus.as_ref() != Some(&here);
    state.corpus = Some(here);
    // Asking Tesseract what it has takes a few tens of ms: not for a corpus
    // that cannot hold a scan.
    if let Some(ocr) = &mut reading.ocr
        && files.iter().any(|job| job.format.may_hold_scans())
    {
        let (usable, note) = ocr::usable_languages(&ocr.languages).map_err(Error::InvalidOption)?;
        ocr.languages = usable;
        if let Some(message) = note {
            let warning = Warning {
                path: corpus.to_path_buf(),
                message,
                skipped: None,
            };
            observer.warning(&warning);
            report.warnings.push(warning);
        }
    }
    // Scans read in other languages are read again (the cache holds each
    // page's reading per languages). As with the globs, none is recorded
    // while such a run is under way, so that one stopped halfway is redone.
    let ocr_languages = reading.ocr.as_ref().map(|ocr| ocr.languages.clone());
    let recorded_ocr = state
        .ocr_languages
        .as_deref()
        .unwrap_or(ocr::DEFAULT_LANGUAGES);
    let ocr_changed = ocr_languages
        .as_deref()
        .is_some_and(|languages| languages != recorded_ocr);
    if ocr_changed {
        state.ocr_languages = Some(MIXED_DEFAULTS.to_string());
    }
    observer.started(files.len() as u64, files.iter().map(|f| f.size).sum());

    let previous = state.clone();
    let mut pending_bytes = 0;
    let mut failure = None;
    let mut cancelled = false;
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let (sender, receiver) = mpsc::sync_channel::<(usize, Examined)>(jobs * 2);
        for _ in 0..jobs.min(files.len()).max(1) {
            let sender = sender.clone();
            let (files, next, previous, fields, reading) =
                (&files, &next, &previous, &fields, &reading);
            scope.spawn(move || {
                loop {
                    let at = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = files.get(at) else { break };
                    // Globs reach inside containers only as they are read.
                    let reread = reread
                        || (excludes_changed && job.format.holds_entries())
                        || (ocr_changed && job.format.may_hold_scans());
                    let examined = examine_safely(
                        corpus,
                        reading,
                        job,
                        previous.files.get(&job.source),
                        reread,
                        default_language,
                        fields,
                    );
                    if sender.send((at, examined)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        let mut pages_told = (0, 0);
        loop {
            let received = receiver.recv_timeout(PROGRESS_INTERVAL);
            // A long scan keeps a file from being done for minutes: the
            // pages OCR reads are told as they go.
            let pages = ocr_runs.pages();
            if pages != pages_told {
                pages_told = pages;
                observer.ocr_pages(pages.0, pages.1);
            }
            if !cancelled && observer.cancelled() {
                cancelled = true;
                // The workers see no more jobs; the files they are reading
                // still arrive, and are indexed.
                next.store(files.len(), Ordering::Relaxed);
            }
            let (at, examined) = match received {
                Ok(examined) => examined,
                Err(mpsc::RecvTimeoutError::Timeout) => continue,
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            };
            let job = &files[at];
            if failure.is_none()
                && let Err(err) = apply(
                    &mut writer,
                    &fields,
                    job,
                    examined,
                    &previous,
                    &indexed_sources,
                    &mut state,
                    &mut report,
                    observer,
                    &mut pending_bytes,
                )
            {
                failure = Some(err);
                // Stop the workers: they see no more jobs.
                next.store(files.len(), Ordering::Relaxed);
            }
            observer.file_done(job.size);
            if failure.is_none() && pending_bytes >= options.batch_bytes {
                pending_bytes = 0;
                if let Err(err) = writer
                    .get()
                    .and_then(|writer| commit(writer, &state, index_dir, &mut report))
                {
                    failure = Some(err);
                    next.store(files.len(), Ordering::Relaxed);
                }
            }
        }
    });
    if let Some(err) = failure {
        return Err(err);
    }
    if cancelled {
        // Committed like a batch: without the run's new default language,
        // so that the next run reads again what this one left under the
        // old one.
        if writer.started.is_some() || state.files != previous.files {
            commit(writer.get()?, &state, index_dir, &mut report)?;
        }
        return Err(Error::Cancelled {
            path: index_dir.to_path_buf(),
        });
    }

    // Files gone from the corpus, or now excluded. A folder that could not
    // be read is not known to be empty, nor a link whose target is missing
    // known to be gone: the files indexed from them keep their passages
    // until they can be read again.
    let present: BTreeSet<&str> = files.iter().map(|f| f.source.as_str()).collect();
    let gone: BTreeSet<String> = state
        .files
        .keys()
        .chain(&indexed_sources)
        .filter(|source| !present.contains(source.as_str()))
        .filter(|source| !in_unlisted(source, &unlisted))
        .cloned()
        .collect();
    for source in gone {
        writer
            .get()?
            .delete_term(Term::from_field_text(fields.source, &source));
        state.files.remove(&source);
        // Counted only if it had passages (a lagging state file may list
        // files whose removal was already committed).
        report.removed += u64::from(indexed_sources.contains(&source));
    }
    // A run that changed nothing leaves the index and its state file alone
    // (a shard mark it lacks or has wrong is a change: an index built
    // whole and now run as a shard, or built before shards were marked; so
    // is a corpus moved whole, whose new place a later refusal names).
    let recorded_shard = store::read_payload(&index).and_then(|payload| payload.shard);
    if writer.started.is_some()
        || state.files != previous.files
        || default_changed
        || rules_changed
        || limits_changed
        || excludes_changed
        || ocr_changed
        || recorded_shard != state.shard
        || corpus_moved
    {
        state.default_language = Some(default_code.to_string());
        state.limits = Some(options.limits);
        state.exclude = Some(exclude);
        if let Some(languages) = ocr_languages {
            state.ocr_languages = Some(languages);
        }
        commit(writer.get()?, &state, index_dir, &mut report)?;
    }
    if let Some(started) = writer.started.take() {
        started.wait_merging_threads()?;
    }
    // Damage met before a merge: the run's own commits stand, and the
    // damaged segment stays as it was for `cita check` to find.
    if let Some(detail) = writer.merges.damage() {
        return Err(Error::damaged(index_dir, &detail));
    }
    // The map is a cache of the committed segments: without it searches
    // give the same answers, so a map that cannot be made or written (a
    // full disk) is a warning, not a failed build.
    if let Err(err) = copy_map::refresh(index_dir, &index) {
        let warning = Warning {
            path: index_dir.join(store::COPY_MAP_FILE),
            message: format!(
                "the copy map was not written ({err}); searches read every match's copy key \
                 instead, with the same answers, until a run writes it"
            ),
            skipped: None,
        };
        observer.warning(&warning);
        report.warnings.push(warning);
    }
    // The run checked the columns it found and wrote the others: their
    // stamps spare searches that check. Unrecorded, searches check them.
    let _ = store::record_sound_columns(index_dir, &index);
    store::finish_run(index_dir)?;

    for file in state.files.values().filter(|f| !f.skipped()) {
        *report.files.entry(file.format).or_insert(0) += 1;
        report.passages += file.passages;
    }
    report.documents = state.documents();
    report.warnings.sort_by(|a, b| a.path.cmp(&b.path));
    report.elapsed = started.elapsed();
    Ok(report)
}

/// One file to look at.
struct Job {
    path: PathBuf,
    source: String,
    format: Format,
    size: u64,
}

/// What a worker found out about a file.
enum Examined {
    /// Not changed since the last run (its contents may not even have been read).
    Unchanged { state: FileState, read: bool },
    /// New or changed: its tantivy documents, ready to add.
    Changed {
        state: FileState,
        documents: Vec<TantivyDocument>,
        warnings: Vec<Warning>,
        ocr: OcrCounts,
    },
    /// Could not be indexed; its warnings say why.
    Skipped {
        state: Option<FileState>,
        warnings: Vec<Warning>,
        ocr: OcrCounts,
    },
}

/// [`examine`], turning a panic (a bug in cita or a library) into a warning
/// that skips the file, so that one bad file never stops the others.
fn examine_safely(
    corpus: &Path,
    reading: &ReadOptions,
    job: &Job,
    previous: Option<&FileState>,
    rebuild: bool,
    default_language: Language,
    fields: &Fields,
) -> Examined {
    error::catching(|| {
        examine(
            corpus,
            reading,
            job,
            previous,
            rebuild,
            default_language,
            fields,
        )
    })
    .unwrap_or_else(|reason| Examined::Skipped {
        state: None,
        warnings: vec![Warning {
            path: job.path.clone(),
            message: format!("cita failed on this file ({reason}), skipped; please report it"),
            skipped: Some(SkipReason::Internal),
        }],
        ocr: OcrCounts::default(),
    })
}

/// A file's modification time in nanoseconds since 1970, as states
/// record it (0 when unknown).
fn modified_nanos(metadata: &std::fs::Metadata) -> u64 {
    metadata
        .modified()
        .ok()
        .and_then(|time| time.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |since| {
            u64::try_from(since.as_nanos()).unwrap_or(u64::MAX)
        })
}

/// Whether the file at `path` is, by its size and modification time, the
/// one `recorded` describes.
fn is_recorded(path: &Path, recorded: Option<&FileState>) -> bool {
    let (Some(recorded), Ok(metadata)) = (recorded, std::fs::metadata(path)) else {
        return false;
    };
    recorded.size == metadata.len() && recorded.modified == modified_nanos(&metadata)
}

/// Reads, decodes and splits one file, unless its recorded state shows it unchanged.
fn examine(
    corpus: &Path,
    reading: &ReadOptions,
    job: &Job,
    previous: Option<&FileState>,
    rebuild: bool,
    default_language: Language,
    fields: &Fields,
) -> Examined {
    // Vanished or unreadable since the corpus was listed.
    let unreadable = |err: std::io::Error| Examined::Skipped {
        state: None,
        warnings: ingest::unreadable(&job.path, job.format, &err).warnings,
        ocr: OcrCounts::default(),
    };
    let metadata = match std::fs::metadata(&job.path) {
        Ok(metadata) => metadata,
        Err(err) => return unreadable(err),
    };
    let modified = modified_nanos(&metadata);
    let size = metadata.len();
    // Scans left unread are read once OCR can read them.
    let rebuild = rebuild || (reading.ocr.is_some() && previous.is_some_and(FileState::awaits_ocr));
    if let Some(previous) = previous.filter(|_| !rebuild)
        && previous.size == size
        && previous.modified == modified
        && modified != 0
    {
        return Examined::Unchanged {
            state: previous.clone(),
            read: false,
        };
    }
    // Only what decides the outcome is read (and hashed): a binary file's
    // first block, nothing of a text file over the size cap.
    let contents = match ingest::read_contents(&job.path, job.format) {
        Ok(contents) => contents,
        Err(err) => return unreadable(err),
    };
    let hash = format!("{:016x}", contents.hash());
    if let Some(previous) = previous.filter(|p| !rebuild && p.hash == hash) {
        return Examined::Unchanged {
            state: FileState {
                size,
                modified,
                ..previous.clone()
            },
            read: true,
        };
    }
    let blank = matches!(&contents, ingest::Contents::Whole(bytes) if bytes.iter().all(u8::is_ascii_whitespace));
    let outcome = ingest::parse_contents(corpus, &job.path, job.format, contents, reading);
    let mut state = FileState {
        size,
        modified,
        hash,
        format: job.format,
        documents: 0,
        passages: 0,
        id_sum: 0,
        warnings: outcome
            .warnings
            .iter()
            .map(|w| RecordedWarning {
                message: w.message.clone(),
                skipped: w.skipped,
            })
            .collect(),
        whole: outcome.broken_off.is_none(),
    };
    if state.skipped() {
        return Examined::Skipped {
            state: Some(state),
            warnings: outcome.warnings,
            ocr: outcome.ocr,
        };
    }
    // A container cut short since it was indexed whole (a copy that
    // stopped partway) is a file that cannot be read now, like a PDF cut
    // short: [`apply`] keeps its last version, where the entries before
    // the break would replace every entry. One that broke off already is
    // read as far as it goes, or its changes would never be indexed.
    if let Some(said) = outcome.broken_off
        && previous.is_some_and(|last| last.whole && !last.skipped())
    {
        let mut warnings = outcome.warnings;
        warnings[said].skipped = Some(SkipReason::Malformed);
        return Examined::Skipped {
            state: Some(state),
            warnings,
            ocr: outcome.ocr,
        };
    }
    // A file that held passages and is empty now, or white space only (a
    // sync that left it so), cannot be read now either: its last version
    // is kept. (One that reads to no passage otherwise, under a
    // `--max-depth` that leaves its entries unread, loses them.)
    if blank && previous.is_some_and(|last| last.passages > 0 && !last.skipped()) {
        let mut warnings = outcome.warnings;
        warnings.push(Warning {
            path: job.path.clone(),
            message: "is empty now (a copy left empty?)".to_string(),
            skipped: Some(SkipReason::NoText),
        });
        return Examined::Skipped {
            state: Some(state),
            warnings,
            ocr: outcome.ocr,
        };
    }
    let mut documents = Vec::new();
    let mut folding = Folding::default();
    for document in &outcome.documents {
        let title = document.title();
        let named = language::of_file_name(document.entry.as_deref().unwrap_or(&document.source));
        let declared = document.language.or(named);
        let document_language =
            language::of_document(declared, document.paragraphs(), default_language);
        for passage in passage::passages(&document.blocks) {
            let id = schema::passage_id(
                (&document.source, document.record, document.entry.as_deref()),
                &passage.text,
            );
            state.id_sum = state.id_sum.wrapping_add(id);
            let language = passage
                .language
                .unwrap_or_else(|| language::of_passage(&passage.text, document_language));
            let mut accented_stems =
                |text: &str| analysis::accented_stems(language, text, &mut folding);
            let accented = schema::AccentedStems {
                text: accented_stems(&passage.text),
                title: accented_stems(&title),
                section: passage
                    .section
                    .as_deref()
                    .map(&mut accented_stems)
                    .unwrap_or_default(),
            };
            let copy_key = analysis::copy_key(&passage.text, &mut folding);
            documents.push(schema::passage_document(
                fields, document, id, &title, &passage, language, &accented, copy_key,
            ));
        }
        state.documents += 1;
    }
    state.passages = documents.len() as u64;
    Examined::Changed {
        state,
        documents,
        warnings: outcome.warnings,
        ocr: outcome.ocr,
    }
}

/// The index writer, started when first needed: starting tantivy's writer
/// threads was most of a run that finds nothing to do (9 of its 10 ms on the
/// shipped corpus).
struct LazyWriter<'a> {
    index: &'a Index,
    dir: &'a Path,
    threads: usize,
    memory_bytes: usize,
    /// The merge policy, which keeps damaged segments out of merges.
    merges: store::CheckedMerges,
    started: Option<IndexWriter<TantivyDocument>>,
}

impl LazyWriter<'_> {
    fn get(&mut self) -> Result<&mut IndexWriter<TantivyDocument>> {
        if self.started.is_none() {
            let writer = self
                .index
                .writer_with_num_threads(self.threads, self.memory_bytes)
                .map_err(|err| match err {
                    TantivyError::LockFailure(LockError::LockBusy, _) => Error::IndexLocked {
                        path: self.dir.to_path_buf(),
                        lock: self.dir.join(store::LOCK_FILE),
                    },
                    other => Error::Engine(other),
                })?;
            writer.set_merge_policy(Box::new(self.merges.clone()));
            // A run killed between writing a file and committing it leaves
            // the file, listed as managed but in no commit; this run, doing
            // the same work, would reach the same operation stamp and so
            // the same name for a deletion file, which tantivy never
            // overwrites ("FileAlreadyExists" on every run until a
            // rebuild). Removed now, with the lock held. A file that
            // cannot be removed fails the run as it did.
            let _ = writer.garbage_collect_files().wait();
            store::start_run(self.dir)?;
            self.started = Some(writer);
        }
        Ok(self.started.as_mut().expect("started above"))
    }
}

/// Applies what a worker found to the writer, the state and the report.
#[allow(clippy::too_many_arguments)]
fn apply(
    writer: &mut LazyWriter,
    fields: &Fields,
    job: &Job,
    examined: Examined,
    previous: &State,
    indexed_sources: &BTreeSet<String>,
    state: &mut State,
    report: &mut BuildReport,
    observer: &dyn BuildObserver,
    pending_bytes: &mut u64,
) -> Result<()> {
    let known = previous
        .files
        .get(&job.source)
        .is_some_and(|f| !f.skipped())
        || indexed_sources.contains(&job.source);
    let mut warn = |warning: Warning| {
        observer.warning(&warning);
        report.warnings.push(warning);
    };
    let source_term = Term::from_field_text(fields.source, &job.source);
    match examined {
        Examined::Unchanged { state: file, read } => {
            for recorded in &file.warnings {
                warn(Warning {
                    path: job.path.clone(),
                    message: recorded.message.clone(),
                    skipped: recorded.skipped,
                });
            }
            report.unchanged += 1;
            report.files_read += u64::from(read);
            state.files.insert(job.source.clone(), file);
        }
        Examined::Changed {
            state: file,
            documents,
            warnings,
            ocr,
        } => {
            warnings.into_iter().for_each(&mut warn);
            report.ocr += ocr;
            let writer = writer.get()?;
            writer.delete_term(source_term);
            for document in documents {
                writer.add_document(document)?;
            }
            if known {
                report.updated += 1;
            } else {
                report.added += 1;
            }
            report.files_read += 1;
            *pending_bytes += file.size;
            state.files.insert(job.source.clone(), file);
        }
        Examined::Skipped {
            state: file,
            warnings,
            ocr,
        } => {
            report.ocr += ocr;
            report.files_read += u64::from(file.is_some());
            let reason = warnings.iter().find_map(|warning| warning.skipped);
            // Nothing indexed is lost to a file that cannot be read now (a
            // copy cut short, permissions changed, Tesseract gone): it
            // keeps the passages of its last readable version. Its state
            // stays the last one read, but never matches the file, so that
            // every run reads it again until it reads (a rebuild or new
            // reading rules would otherwise find it unchanged). Only with
            // that state: without one, the index's passages of it are
            // not what the state file records.
            let last = previous
                .files
                .get(&job.source)
                .filter(|last| !last.skipped());
            if let Some(last) = last.filter(|_| reason.is_some_and(keeps_passages)) {
                for mut warning in warnings {
                    if warning.skipped.is_some() {
                        warning.message.push_str(KEPT_NOTE);
                    }
                    warn(warning);
                }
                let read_again = FileState {
                    modified: 0,
                    hash: String::new(),
                    ..last.clone()
                };
                state.files.insert(job.source.clone(), read_again);
                report.kept += 1;
                return Ok(());
            }
            warnings.into_iter().for_each(&mut warn);
            if known {
                writer.get()?.delete_term(source_term);
            }
            // Its passages replaced by none: another file under its name.
            if last.is_some() {
                report.updated += 1;
            }
            match file {
                Some(file) => state.files.insert(job.source.clone(), file),
                None => state.files.remove(&job.source),
            };
        }
    }
    Ok(())
}

/// Refuses the corpus folder as the index folder. (An index folder inside
/// the corpus is left out of its walk: [`WalkOptions::leave_out`].)
fn refuse_corpus_as_index(corpus: &Path, index_dir: &Path) -> Result<()> {
    if same_file::is_same_file(corpus, index_dir).map_err(|err| Error::io(index_dir, err))? {
        return Err(Error::InvalidOption(format!(
            "the index folder {} is the corpus folder; give the index a folder of its own (`--index`, or `index` in Python)",
            index_dir.display()
        )));
    }
    Ok(())
}

/// Whether an indexed file skipped now for `reason` keeps its passages:
/// not when it became binary data or was encrypted (its owner protected
/// it): those are other files under the same name.
fn keeps_passages(reason: SkipReason) -> bool {
    !matches!(reason, SkipReason::Binary | SkipReason::Encrypted)
}

/// What the warning of an indexed file that cannot be read now adds.
const KEPT_NOTE: &str = "; the passages of its last readable version are kept";

/// Whether `path` is a symbolic link whose target, missing, lies outside
/// `corpus`: a disk not mounted, whose files keep their passages. A link
/// to a file of the corpus that was deleted is a file gone; a loop never
/// held one. A chain of links is followed to its last (at most 40, as the
/// kernel follows them), and each target is placed through the links of
/// the part of its path that exists (`/tmp` to `/private/tmp`, a corpus
/// reached through a linked folder).
fn links_out_of(corpus: &Path, path: &Path) -> bool {
    let Ok(corpus) = corpus.canonicalize() else {
        return false;
    };
    let mut link = path.to_path_buf();
    for _ in 0..40 {
        let (Ok(target), Some(parent)) = (std::fs::read_link(&link), link.parent()) else {
            return false;
        };
        let mut resolved = parent.to_path_buf();
        for part in target.components() {
            match part {
                Component::ParentDir => {
                    resolved.pop();
                }
                Component::CurDir => {}
                other => resolved.push(other),
            }
        }
        if resolved.is_symlink() {
            link = resolved;
            continue;
        }
        // The part of the target's path that exists, through its links.
        let mut existing = resolved.as_path();
        let mut rest = Vec::new();
        while !existing.exists() {
            let (Some(name), Some(up)) = (existing.file_name(), existing.parent()) else {
                return false;
            };
            rest.push(name.to_os_string());
            existing = up;
        }
        let Ok(mut placed) = existing.canonicalize() else {
            return false;
        };
        // An existing target is no missing one (a loop ends here too).
        if rest.is_empty() {
            return false;
        }
        placed.extend(rest.iter().rev());
        return !placed.starts_with(&corpus);
    }
    false
}

/// Whether `source` lies in the corpus folder `folder` (a source too; `""`
/// is the corpus itself).
/// Whether `source` is, or lies in, one of the `unlisted` sources (a
/// folder that could not be read, a link whose target is missing): not
/// known to be gone.
fn in_unlisted(source: &str, unlisted: &[String]) -> bool {
    unlisted
        .iter()
        .any(|path| source == path || within(source, path))
}

fn within(source: &str, folder: &str) -> bool {
    folder.is_empty()
        || source
            .strip_prefix(folder)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Commits what was added, with the payload, then records the state it describes.
fn commit(
    writer: &mut IndexWriter<TantivyDocument>,
    state: &State,
    dir: &Path,
    report: &mut BuildReport,
) -> Result<()> {
    store::commit_payload(writer, state)?;
    report.commits += 1;
    state.save(dir)
}

/// Every `source` with passages in the index. (The term dictionary also
/// keeps the terms of deleted passages until segments merge, so each term is
/// checked for a live passage.)
fn sources_in(index: &Index, fields: &Fields) -> Result<BTreeSet<String>> {
    let reader = index.reader()?;
    let searcher = reader.searcher();
    let mut terms_seen = BTreeSet::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(fields.source)?;
        let mut terms = inverted
            .terms()
            .stream()
            .map_err(|err| Error::Engine(err.into()))?;
        while terms.advance() {
            if let Ok(source) = std::str::from_utf8(terms.key()) {
                terms_seen.insert(source.to_string());
            }
        }
    }
    let mut sources = BTreeSet::new();
    for source in terms_seen {
        let query = TermQuery::new(
            Term::from_field_text(fields.source, &source),
            IndexRecordOption::Basic,
        );
        if searcher.search(&query, &Count)? > 0 {
            sources.insert(source);
        }
    }
    Ok(sources)
}
