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

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use tantivy::collector::Count;
use tantivy::directory::error::LockError;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{Index, IndexWriter, TantivyDocument, TantivyError, Term};

use crate::analysis;
use crate::error::{Error, Result};
use crate::ingest::{self, DateOrigin, Document, Format, SkipReason, WalkOptions, Warning};
use crate::passage::{self, Passage};
use crate::schema::{self, Fields, SCHEMA_VERSION};

/// The file tantivy writes last in a commit; its presence means "an index is here".
pub(crate) const META_FILE: &str = "meta.json";

/// The per-file state of the last run, beside the index.
const STATE_FILE: &str = "cita-files.json";

/// Held while a run writes the index; a second run fails at once.
pub const LOCK_FILE: &str = ".cita-index.lock";

/// The writer's default memory budget: enough to keep both cores busy, small
/// enough for a laptop.
pub const DEFAULT_MEMORY_BYTES: usize = 128 << 20;

/// tantivy needs at least this much memory per indexing thread.
const MIN_MEMORY_PER_THREAD: usize = 15_000_000;

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
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            memory_bytes: DEFAULT_MEMORY_BYTES,
            exclude: Vec::new(),
            rebuild: false,
            jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
            batch_bytes: DEFAULT_BATCH_BYTES,
        }
    }
}

/// Hears about a run as it goes, e.g. to draw a progress bar. The library
/// never prints; all methods have empty defaults.
pub trait BuildObserver {
    /// The corpus has been listed: this many files, this many bytes in all.
    fn started(&self, _files: u64, _bytes: u64) {}
    /// One more file is done (indexed, unchanged or skipped); it has `bytes` bytes.
    fn file_done(&self, _bytes: u64) {}
    /// A file was skipped or only partly read.
    fn warning(&self, _warning: &Warning) {}
}

/// An observer that ignores everything.
#[derive(Debug, Default, Clone, Copy)]
pub struct Silent;

impl BuildObserver for Silent {}

/// What a run did.
#[derive(Debug, Clone)]
pub struct BuildReport {
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
    /// Files whose contents were read in this run.
    pub files_read: u64,
    /// Commits made (batches).
    pub commits: u64,
    /// Files skipped or only partly read, with the reason.
    pub warnings: Vec<Warning>,
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

/// What cita records in each commit, beside tantivy's own metadata.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct CommitPayload {
    pub cita_schema: u32,
    pub documents: u64,
    /// The index fingerprint (see [`fingerprint`]); absent in older indexes.
    #[serde(default)]
    pub fingerprint: Option<String>,
}

/// The fingerprint of a set of passages, independent of their order and of
/// how the index is split into segments: xxh3 of the wrapping sum of the
/// passage ids (themselves hashes) and of the number of passages. Computed at index
/// time from the per-file sums, so searches only read it.
pub(crate) fn fingerprint(id_sum: u64, passages: u64) -> String {
    let mut bytes = id_sum.to_le_bytes().to_vec();
    bytes.extend(passages.to_le_bytes());
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(&bytes))
}

/// What the last run recorded about one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct FileState {
    size: u64,
    /// Modification time, nanoseconds since 1970 (0 when unknown).
    modified: u64,
    /// xxh3 of the contents.
    hash: String,
    format: Format,
    documents: u64,
    passages: u64,
    /// Wrapping sum of the xxh3 hashes of the file's passage ids (see [`fingerprint`]).
    #[serde(default)]
    id_sum: u64,
    /// Warnings of the file, replayed while it stays unchanged.
    warnings: Vec<RecordedWarning>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct RecordedWarning {
    message: String,
    skipped: Option<SkipReason>,
}

impl FileState {
    fn skipped(&self) -> bool {
        self.warnings.iter().any(|w| w.skipped.is_some())
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct State {
    cita_schema: u32,
    files: BTreeMap<String, FileState>,
}

impl State {
    /// The recorded state, or an empty one if there is none or it is unreadable
    /// (then every file is read and compared, which is always safe).
    fn load(dir: &Path) -> State {
        std::fs::read(dir.join(STATE_FILE))
            .ok()
            .and_then(|bytes| serde_json::from_slice::<State>(&bytes).ok())
            .filter(|state| state.cita_schema == SCHEMA_VERSION)
            .unwrap_or_default()
    }

    /// Replaces the state file atomically: write a temporary file, then rename.
    fn save(&self, dir: &Path) -> Result<()> {
        let path = dir.join(STATE_FILE);
        let temporary = dir.join(format!("{STATE_FILE}.tmp"));
        let state = State {
            cita_schema: SCHEMA_VERSION,
            files: self.files.clone(),
        };
        let bytes = serde_json::to_vec(&state).expect("the state serializes");
        std::fs::write(&temporary, bytes).map_err(|err| Error::io(&temporary, err))?;
        std::fs::rename(&temporary, &path).map_err(|err| Error::io(&path, err))
    }

    fn documents(&self) -> u64 {
        self.files.values().map(|f| f.documents).sum()
    }

    /// The fingerprint of every passage the state records.
    fn fingerprint(&self) -> String {
        let indexed = self.files.values().filter(|f| !f.skipped());
        let (sum, passages) = indexed.fold((0u64, 0u64), |(sum, passages), file| {
            (sum.wrapping_add(file.id_sum), passages + file.passages)
        });
        fingerprint(sum, passages)
    }
}

/// Builds the index at `index_dir` from `corpus`, or brings it up to date.
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
    let started = Instant::now();
    if !corpus.is_dir() {
        return Err(Error::NoCorpus {
            path: corpus.to_path_buf(),
        });
    }
    if options.memory_bytes < MIN_MEMORY_PER_THREAD {
        return Err(Error::InvalidOption(format!(
            "the writer needs at least {} MB of memory",
            MIN_MEMORY_PER_THREAD.div_ceil(1 << 20)
        )));
    }
    std::fs::create_dir_all(index_dir).map_err(|err| Error::io(index_dir, err))?;
    let _lock = lock(index_dir)?;
    refuse_foreign(index_dir)?;
    let (index, fresh) = open_for_writing(index_dir)?;
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
        memory_bytes: options.memory_bytes,
        started: None,
    };
    if fresh {
        // Record the schema at once, so that a run killed before its first
        // batch leaves an (empty) index that the next run recognises.
        commit_payload(writer.get()?, &State::default())?;
    }

    let mut state = if fresh {
        State::default()
    } else {
        State::load(index_dir)
    };
    // Sources with passages in the index, for files that vanished before the
    // state recorded them (a run killed between a commit and its state file).
    let indexed_sources = if fresh {
        BTreeSet::new()
    } else {
        sources_in(&index, &fields)?
    };

    let walk = WalkOptions {
        exclude: options.exclude.clone(),
    };
    let mut report = BuildReport {
        index: index_dir.to_path_buf(),
        files: BTreeMap::new(),
        documents: 0,
        passages: 0,
        added: 0,
        updated: 0,
        removed: 0,
        unchanged: 0,
        files_read: 0,
        commits: 0,
        warnings: Vec::new(),
        elapsed: Duration::ZERO,
    };
    let mut files = Vec::new();
    for file in ingest::files(corpus, &walk)? {
        match file {
            Ok((path, format)) => {
                let size = std::fs::metadata(&path).map_or(0, |m| m.len());
                let source = ingest::relative_source(corpus, &path);
                files.push(Job {
                    path,
                    source,
                    format,
                    size,
                });
            }
            Err(warning) => {
                observer.warning(&warning);
                report.warnings.push(warning);
            }
        }
    }
    observer.started(files.len() as u64, files.iter().map(|f| f.size).sum());

    let previous = state.clone();
    let mut pending_bytes = 0;
    let mut failure = None;
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let (sender, receiver) = mpsc::sync_channel::<(usize, Examined)>(jobs * 2);
        for _ in 0..jobs.min(files.len()).max(1) {
            let sender = sender.clone();
            let (files, next, previous, fields) = (&files, &next, &previous, &fields);
            scope.spawn(move || {
                loop {
                    let at = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = files.get(at) else { break };
                    let examined = examine_safely(
                        corpus,
                        job,
                        previous.files.get(&job.source),
                        options.rebuild,
                        fields,
                    );
                    if sender.send((at, examined)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        for (at, examined) in receiver {
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

    // Files gone from the corpus, or now excluded.
    let present: BTreeSet<&str> = files.iter().map(|f| f.source.as_str()).collect();
    let gone: BTreeSet<String> = state
        .files
        .keys()
        .chain(&indexed_sources)
        .filter(|source| !present.contains(source.as_str()))
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
    // A run that changed nothing leaves the index and its state file alone.
    if writer.started.is_some() || state.files != previous.files {
        commit(writer.get()?, &state, index_dir, &mut report)?;
    }
    if let Some(started) = writer.started.take() {
        started.wait_merging_threads()?;
    }

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
    },
    /// Could not be indexed; its warnings say why.
    Skipped {
        state: Option<FileState>,
        warnings: Vec<Warning>,
    },
}

/// [`examine`], turning a panic (a bug in cita or a library) into a warning
/// that skips the file, so that one bad file never stops the others.
fn examine_safely(
    corpus: &Path,
    job: &Job,
    previous: Option<&FileState>,
    rebuild: bool,
    fields: &Fields,
) -> Examined {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        examine(corpus, job, previous, rebuild, fields)
    }))
    .unwrap_or_else(|panic| {
        let reason = panic
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| panic.downcast_ref::<&str>().copied())
            .unwrap_or("unknown failure");
        Examined::Skipped {
            state: None,
            warnings: vec![Warning {
                path: job.path.clone(),
                message: format!("cita failed on this file ({reason}), skipped; please report it"),
                skipped: Some(SkipReason::Internal),
            }],
        }
    })
}

/// Reads, decodes and splits one file, unless its recorded state shows it unchanged.
fn examine(
    corpus: &Path,
    job: &Job,
    previous: Option<&FileState>,
    rebuild: bool,
    fields: &Fields,
) -> Examined {
    // Vanished or unreadable since the corpus was listed.
    let unreadable = |err: std::io::Error| Examined::Skipped {
        state: None,
        warnings: ingest::unreadable(&job.path, job.format, &err).warnings,
    };
    let metadata = match std::fs::metadata(&job.path) {
        Ok(metadata) => metadata,
        Err(err) => return unreadable(err),
    };
    let modified = metadata
        .modified()
        .ok()
        .and_then(|time| time.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |since| {
            u64::try_from(since.as_nanos()).unwrap_or(u64::MAX)
        });
    let size = metadata.len();
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
    let bytes = match std::fs::read(&job.path) {
        Ok(bytes) => bytes,
        Err(err) => return unreadable(err),
    };
    let hash = format!("{:016x}", xxhash_rust::xxh3::xxh3_64(&bytes));
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
    let outcome = ingest::parse_file(corpus, &job.path, job.format, bytes);
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
    };
    if state.skipped() {
        return Examined::Skipped {
            state: Some(state),
            warnings: outcome.warnings,
        };
    }
    let mut documents = Vec::new();
    for document in &outcome.documents {
        let title = document.title();
        for passage in passage::passages(&document.blocks) {
            let id = passage_id(&document.source, document.record, &passage.text);
            state.id_sum = state.id_sum.wrapping_add(id);
            documents.push(passage_document(fields, document, id, &title, &passage));
        }
        state.documents += 1;
    }
    state.passages = documents.len() as u64;
    Examined::Changed {
        state,
        documents,
        warnings: outcome.warnings,
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
                    },
                    other => Error::Engine(other),
                })?;
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
        } => {
            warnings.into_iter().for_each(&mut warn);
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
        } => {
            warnings.into_iter().for_each(&mut warn);
            // A file that can no longer be read keeps no stale passages.
            if known {
                writer.get()?.delete_term(source_term);
            }
            report.files_read += u64::from(file.is_some());
            match file {
                Some(file) => state.files.insert(job.source.clone(), file),
                None => state.files.remove(&job.source),
            };
        }
    }
    Ok(())
}

/// Commits what was added, with the payload, then records the state it describes.
fn commit(
    writer: &mut IndexWriter<TantivyDocument>,
    state: &State,
    dir: &Path,
    report: &mut BuildReport,
) -> Result<()> {
    commit_payload(writer, state)?;
    report.commits += 1;
    state.save(dir)
}

/// Commits with cita's payload.
fn commit_payload(writer: &mut IndexWriter<TantivyDocument>, state: &State) -> Result<()> {
    let payload = CommitPayload {
        cita_schema: SCHEMA_VERSION,
        documents: state.documents(),
        fingerprint: Some(state.fingerprint()),
    };
    let mut prepared = writer.prepare_commit()?;
    prepared.set_payload(&serde_json::to_string(&payload).expect("the payload serializes"));
    prepared.commit()?;
    Ok(())
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

/// Refuses a folder holding a `meta.json` that is not a cita index, before
/// anything is written into it.
fn refuse_foreign(dir: &Path) -> Result<()> {
    if !dir.join(META_FILE).exists() {
        return Ok(());
    }
    let foreign = || Error::NotAnIndex {
        path: dir.to_path_buf(),
    };
    let index = Index::open_in_dir(dir).map_err(|_| foreign())?;
    if read_payload(&index).is_some() || is_unfinished_first_build(&index) {
        Ok(())
    } else {
        Err(foreign())
    }
}

/// An empty index with cita's fields and no payload yet: a first build that
/// was killed before its first commit (older cita versions committed only at
/// the end). Safe to take over: it holds nothing.
pub(crate) fn is_unfinished_first_build(index: &Index) -> bool {
    let empty = index
        .load_metas()
        .is_ok_and(|metas| metas.payload.is_none() && metas.segments.is_empty());
    empty && schema::fields_of(&index.schema()).is_some()
}

/// Takes the run's lock; fails at once if another run holds it. The kernel
/// releases it when the process ends, however it ends.
fn lock(dir: &Path) -> Result<File> {
    let path = dir.join(LOCK_FILE);
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|err| Error::io(&path, err))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(Error::IndexLocked {
            path: dir.to_path_buf(),
        }),
        Err(std::fs::TryLockError::Error(err)) => Err(Error::io(&path, err)),
    }
}

/// Opens the index at `dir` for writing, creating it (or recreating an
/// index of another schema version) as needed; says whether it is new.
fn open_for_writing(dir: &Path) -> Result<(Index, bool)> {
    if dir.join(META_FILE).exists() {
        let index = Index::open_in_dir(dir)?;
        match read_payload(&index) {
            Some(payload)
                if payload.cita_schema == SCHEMA_VERSION
                    && schema::fields_of(&index.schema()).is_some() =>
            {
                analysis::register(&index);
                return Ok((index, false));
            }
            None if is_unfinished_first_build(&index) && schema::build().0 == index.schema() => {
                analysis::register(&index);
                return Ok((index, true));
            }
            // Built by another version of cita: its contents cannot be reused.
            _ => remove_index_files(dir)?,
        }
    }
    let _ = std::fs::remove_file(dir.join(STATE_FILE));
    let (schema, _) = schema::build();
    let index = Index::builder()
        .schema(schema)
        .settings(schema::settings())
        .create_in_dir(dir)?;
    analysis::register(&index);
    Ok((index, true))
}

/// What cita recorded in the index's last commit, if it is a cita index.
pub(crate) fn read_payload(index: &Index) -> Option<CommitPayload> {
    let payload = index.load_metas().ok()?.payload?;
    serde_json::from_str(&payload).ok()
}

/// The files tantivy lists as its own in an index folder.
const MANAGED_FILE: &str = ".managed.json";

/// Removes an old cita index: the files tantivy manages and its metadata,
/// nothing else in the folder.
fn remove_index_files(dir: &Path) -> Result<()> {
    let managed: Vec<PathBuf> = std::fs::read(dir.join(MANAGED_FILE))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default();
    for name in managed
        .iter()
        .map(PathBuf::as_path)
        .chain([Path::new(MANAGED_FILE), Path::new(META_FILE)])
    {
        // Only plain names: a crafted list must not reach outside the folder.
        if name.components().count() != 1 {
            continue;
        }
        match std::fs::remove_file(dir.join(name)) {
            Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
                return Err(Error::io(dir.join(name), err));
            }
            _ => {}
        }
    }
    Ok(())
}

fn passage_document(
    fields: &Fields,
    document: &Document,
    id: u64,
    title: &str,
    passage: &Passage,
) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_u64(fields.id, id);
    doc.add_text(fields.source, &document.source);
    doc.add_text(fields.title, title);
    if let Some(publication) = &document.meta.publication {
        doc.add_text(fields.publication, publication);
    }
    if let Some(url) = &document.meta.url {
        doc.add_text(fields.url, url);
    }
    if let Some(date) = document.meta.date {
        doc.add_i64(fields.date, date.days());
    }
    if let Some(origin) = document.date_origin {
        let origin = match origin {
            DateOrigin::Metadata => "metadata",
            DateOrigin::Text => "text",
        };
        doc.add_text(fields.date_origin, origin);
    }
    if let Some(page) = passage.page {
        doc.add_u64(fields.page, u64::from(page));
    }
    if let Some(record) = document.record {
        doc.add_u64(fields.record, record);
    }
    if let Some(section) = &passage.section {
        doc.add_text(fields.section, section);
    }
    doc.add_u64(fields.paragraph, u64::from(passage.paragraph));
    doc.add_u64(fields.part, u64::from(passage.part));
    if let Some(range) = &passage.byte_range {
        doc.add_u64(fields.byte_start, range.start as u64);
        doc.add_u64(fields.byte_end, range.end as u64);
    }
    doc.add_text(fields.text, &passage.text);
    for year in ingest::dates::mentioned_years(&passage.text) {
        doc.add_u64(fields.mentions, u64::from(year));
    }
    doc
}

/// A passage's id: a hash of its source path (and record number, in a JSON
/// feed) and its text, so it is the same in every rebuild for as long as
/// neither changes. xxh3 is a fixed, published function, unlike std's hasher.
/// Shown as 16 hex digits (see [`crate::IndexedPassage::id`]).
pub fn passage_id(source: &str, record: Option<u64>, text: &str) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(source.as_bytes());
    if let Some(record) = record {
        hasher.update(format!("#{record}").as_bytes());
    }
    hasher.update(&[0]);
    hasher.update(text.as_bytes());
    hasher.digest()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passage_ids_depend_on_source_and_text_only() {
        let id = passage_id("news/a.txt", None, "Plan LAZO began.");
        assert_eq!(id, passage_id("news/a.txt", None, "Plan LAZO began."));
        assert_ne!(id, passage_id("news/b.txt", None, "Plan LAZO began."));
        assert_ne!(id, passage_id("news/a.txt", None, "Plan LAZO began!"));
        assert_ne!(id, passage_id("news/a.txt", Some(3), "Plan LAZO began."));
        // The separator keeps (path, text) pairs apart.
        assert_ne!(passage_id("a", None, "bc"), passage_id("ab", None, "c"));
    }
}
