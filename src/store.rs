//! The index folder: what makes it cita's and keeps it whole. The run lock,
//! opening an index for writing (creating it, or recreating one of another
//! schema version), refusing folders that are not cita indexes, the payload
//! cita records in each commit, and the per-file state of the last run.
//!
//! Crash safety rests here: tantivy publishes a commit atomically, and the
//! state file is replaced (write, then rename) only after the commit it
//! describes, so it can lag the index but never lead it.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use serde::{Deserialize, Serialize};
use tantivy::directory::error::{LockError, OpenReadError};
use tantivy::directory::{Directory, DirectoryLock, Lock, ManagedDirectory, MmapDirectory};
use tantivy::index::{SegmentComponent, SegmentId, SegmentMeta};
use tantivy::merge_policy::{LogMergePolicy, MergeCandidate, MergePolicy};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument};

use crate::analysis;
use crate::error::{Error, Result, catching};
use crate::ingest::{Format, Limits, SkipReason, ocr};
use crate::schema::{self, SCHEMA_VERSION};

/// The file tantivy writes last in a commit; its presence means "an index is here".
pub const META_FILE: &str = "meta.json";

/// The per-file state of the last run, beside the index.
const STATE_FILE: &str = "cita-files.json";

/// Which passages have copies (see [`crate::copy_map`]), beside the index.
pub const COPY_MAP_FILE: &str = "cita-copies.bin";

/// The column files the last run left sound, by segment (see
/// [`record_sound_columns`]), beside the index.
pub const SOUND_COLUMNS_FILE: &str = "cita-columns.json";

/// Present while a run that changes the index has not finished: a run
/// interrupted (Ctrl-C, a full disk, a crash) leaves it, and the index
/// holds part of the corpus.
const UNFINISHED_RUN_FILE: &str = "cita-run.unfinished";

/// The folder in the index folder where OCR results are kept, by page
/// image: a rebuild or a schema change leaves it, since a page read once
/// need never be read again.
pub const OCR_CACHE: &str = "ocr-cache";

/// Held while a run writes the index; a second run fails at once.
pub const LOCK_FILE: &str = ".cita-index.lock";

/// What cita records in each commit, beside tantivy's own metadata.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CommitPayload {
    pub cita_schema: u32,
    pub documents: u64,
    /// The index fingerprint (see [`fingerprint`]); absent in older indexes.
    #[serde(default)]
    pub fingerprint: Option<String>,
    /// The shard the index holds ([`State::shard`]), so that a search over
    /// shards can tell a folder holding another shard, or a whole index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<[u32; 2]>,
    /// Whether the commit is one of a run reading every file again that
    /// has not finished ([`State::rereading`]): the state file, written
    /// after the commit, may not say so yet when the run is killed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub rereading: bool,
}

/// The fingerprint of a set of passages, independent of their order and of
/// how the index is split into segments: xxh3 of the wrapping sum of the
/// passage ids (themselves hashes) and of the number of passages. Computed at index
/// time from the per-file sums, so searches only read it.
pub fn fingerprint(id_sum: u64, passages: u64) -> String {
    let mut bytes = id_sum.to_le_bytes().to_vec();
    bytes.extend(passages.to_le_bytes());
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(&bytes))
}

/// What the last run recorded about one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileState {
    pub size: u64,
    /// Modification time, nanoseconds since 1970 (0 when unknown).
    pub modified: u64,
    /// xxh3 of the contents.
    pub hash: String,
    pub format: Format,
    pub documents: u64,
    pub passages: u64,
    /// Wrapping sum of the xxh3 hashes of the file's passage ids (see [`fingerprint`]).
    #[serde(default)]
    pub id_sum: u64,
    /// Warnings of the file, replayed while it stays unchanged.
    pub warnings: Vec<RecordedWarning>,
    /// Whether it was read to its end: no container in it broke off. A
    /// file read whole that breaks off later (a copy cut short) keeps this
    /// version; one that broke off already, or recorded before cita
    /// noted this, is indexed as far as it reads.
    #[serde(default)]
    pub whole: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedWarning {
    pub message: String,
    pub skipped: Option<SkipReason>,
}

impl FileState {
    pub fn skipped(&self) -> bool {
        self.warnings.iter().any(|w| w.skipped.is_some())
    }

    /// Whether it holds scans left unread for want of OCR.
    pub fn awaits_ocr(&self) -> bool {
        self.warnings
            .iter()
            .any(|w| ocr::left_unread(w.skipped, &w.message))
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct State {
    pub cita_schema: u32,
    pub files: BTreeMap<String, FileState>,
    /// The `--default-lang` the files were indexed with (a code); when it
    /// changes, every file is read again. [`MIXED_DEFAULTS`] while a run
    /// reading every file again is under way.
    #[serde(default)]
    pub default_language: Option<String>,
    /// The default the last run was given or kept (a code): what a run
    /// given none keeps, also after a run that read every file again
    /// under it stopped halfway.
    #[serde(default)]
    pub asked_default_language: Option<String>,
    /// The `indexer::READING_RULES` the files were read under (0 before
    /// the state recorded it); when it changes, every file is read again.
    #[serde(default)]
    pub reading_rules: u32,
    /// Which shard of how many (`[number, count]`) the index holds, for
    /// a shard of an archive (`cita.dist`); none for a whole index.
    #[serde(default)]
    pub shard: Option<[u32; 2]>,
    /// The limits on containers the files were read under (none recorded:
    /// the defaults); when they change, every file is read again, so that
    /// a deeper `--max-depth` reads what the last run left unread.
    #[serde(default)]
    pub limits: Option<Limits>,
    /// The `--exclude` globs the files were read under, sorted; none while
    /// a run under other globs is under way (and in an older cita's
    /// state). When they change or are unknown, every file that can hold
    /// entries is read again, so that an entry newly excluded leaves the
    /// index and one no longer excluded enters it.
    #[serde(default)]
    pub exclude: Option<Vec<String>>,
    /// The languages OCR read the scans in (`--ocr-lang`; none recorded:
    /// the default, or a run with OCR off since); [`MIXED_DEFAULTS`] while
    /// a run reading them in others is under way. When they change, every
    /// file that may hold scans is read again.
    #[serde(default)]
    pub ocr_languages: Option<String>,
    /// The corpus folder the files were read from, as its real absolute
    /// path (none in an older cita's state): a run from another folder
    /// that would remove most of the files is refused.
    #[serde(default)]
    pub corpus: Option<PathBuf>,
}

/// The default language a state records while a run that reads every file
/// again (one that changes the default, the reading rules, or a rebuild) is
/// under way: no language's code, so that the next run, whatever default it
/// is given, reads every file again if this one stops halfway.
pub const MIXED_DEFAULTS: &str = "mixed";

impl State {
    /// Whether a run reading every file again is under way
    /// ([`MIXED_DEFAULTS`]).
    pub fn rereading(&self) -> bool {
        self.default_language.as_deref() == Some(MIXED_DEFAULTS)
    }

    /// The recorded state, or an empty one if there is none or it is unreadable
    /// (then every file is read and compared, which is always safe).
    pub fn load(dir: &Path) -> State {
        std::fs::read(dir.join(STATE_FILE))
            .ok()
            .and_then(|bytes| serde_json::from_slice::<State>(&bytes).ok())
            .filter(|state| state.cita_schema == SCHEMA_VERSION)
            .unwrap_or_default()
    }

    /// Replaces the state file atomically: write a temporary file, then rename.
    pub fn save(&self, dir: &Path) -> Result<()> {
        let path = dir.join(STATE_FILE);
        let temporary = dir.join(format!("{STATE_FILE}.tmp"));
        let state = State {
            cita_schema: SCHEMA_VERSION,
            ..self.clone()
        };
        let bytes = serde_json::to_vec(&state).expect("the state serializes");
        std::fs::write(&temporary, bytes).map_err(|err| Error::io(&temporary, err))?;
        std::fs::rename(&temporary, &path).map_err(|err| Error::io(&path, err))
    }

    pub fn documents(&self) -> u64 {
        self.files.values().map(|f| f.documents).sum()
    }

    /// The fingerprint of every passage the state records.
    pub fn fingerprint(&self) -> String {
        let indexed = self.files.values().filter(|f| !f.skipped());
        let (sum, passages) = indexed.fold((0u64, 0u64), |(sum, passages), file| {
            (sum.wrapping_add(file.id_sum), passages + file.passages)
        });
        fingerprint(sum, passages)
    }
}

/// Commits with cita's payload.
pub fn commit_payload(writer: &mut IndexWriter<TantivyDocument>, state: &State) -> Result<()> {
    let payload = CommitPayload {
        cita_schema: SCHEMA_VERSION,
        documents: state.documents(),
        fingerprint: Some(state.fingerprint()),
        shard: state.shard,
        rereading: state.rereading(),
    };
    let mut prepared = writer.prepare_commit()?;
    prepared.set_payload(&serde_json::to_string(&payload).expect("the payload serializes"));
    prepared.commit()?;
    Ok(())
}

/// Refuses a folder that holds something other than a cita index (a
/// `meta.json` that is not one, or other files without one), before
/// anything but the lock is written into it. A cita index too damaged for
/// tantivy to open is cita's (see [`bears_cita_marks`]): it is not
/// refused, and [`open_for_writing`] decides what becomes of it.
pub fn refuse_foreign(dir: &Path) -> Result<()> {
    if bears_cita_marks(dir) {
        return Ok(());
    }
    let foreign = || Error::NotAnIndex {
        path: dir.to_path_buf(),
    };
    if !dir.join(META_FILE).exists() {
        // No index yet: only a folder holding nothing but what cita and
        // tantivy leave (locks, a first build killed before its
        // `meta.json`, what `rm index/*` does not remove) is cita's to fill.
        let mut entries = std::fs::read_dir(dir).map_err(|err| Error::io(dir, err))?;
        let other = entries.find(|entry| {
            entry.as_ref().map_or(true, |entry| {
                !is_index_file(&entry.file_name().to_string_lossy())
            })
        });
        return match other {
            None => Ok(()),
            Some(_) => Err(foreign()),
        };
    }
    let index = catching(|| Index::open_in_dir(dir))
        .ok()
        .and_then(|opened| opened.ok())
        .ok_or_else(foreign)?;
    if read_payload(&index).is_some() || is_unfinished_first_build(&index) {
        Ok(())
    } else {
        Err(foreign())
    }
}

/// Whether a file of that name in an index folder is one cita or tantivy
/// writes: cita's lock, state, copy map and OCR cache, tantivy's locks and
/// `.managed.json`, and segment files ([`is_segment_file`]).
fn is_index_file(name: &str) -> bool {
    is_segment_file(name)
        || name.starts_with(".tantivy-")
        || [
            LOCK_FILE,
            MANAGED_FILE,
            STATE_FILE,
            COPY_MAP_FILE,
            OCR_CACHE,
        ]
        .contains(&name)
}

/// The file that makes a folder a folder of shards (written by the
/// Python package's `cita.dist.index`, which names it `MANIFEST`).
const SHARD_MANIFEST: &str = "cita-shards.json";

/// Whether `dir` is a folder cita wrote: an index, or a folder of shards.
/// A build leaves such a folder in its corpus out whole, as it leaves out
/// its own index: its files are no documents.
pub fn is_cita_folder(dir: &Path) -> bool {
    // Asked of every folder of a corpus: a data set's large `meta.json`
    // (no index's is) is not read.
    let meta_is_small = || {
        std::fs::metadata(dir.join(META_FILE)).is_ok_and(|meta| meta.len() <= MAX_INDEX_META_BYTES)
    };
    dir.join(SHARD_MANIFEST).is_file()
        || dir.join(STATE_FILE).is_file()
        || meta_is_small() && bears_cita_marks(dir)
}

/// Larger than any index's `meta.json` (a few hundred bytes a segment).
const MAX_INDEX_META_BYTES: u64 = 4 << 20;

/// Whether the folder shows that cita wrote it, even when tantivy can no
/// longer open it: cita's state file is there, or `meta.json` (whole or
/// not) still holds cita's payload. A folder of another program has
/// neither, and stays refused.
pub(crate) fn bears_cita_marks(dir: &Path) -> bool {
    const PAYLOAD_MARK: &[u8] = b"cita_schema";
    dir.join(STATE_FILE).is_file()
        || std::fs::read(dir.join(META_FILE)).is_ok_and(|meta| {
            meta.windows(PAYLOAD_MARK.len())
                .any(|window| window == PAYLOAD_MARK)
        })
}

/// An empty index with cita's fields and no payload yet: a first build that
/// was killed before its first commit (older cita versions committed only at
/// the end). Safe to take over: it holds nothing.
pub fn is_unfinished_first_build(index: &Index) -> bool {
    let empty = index
        .load_metas()
        .is_ok_and(|metas| metas.payload.is_none() && metas.segments.is_empty());
    empty && schema::fields_of(&index.schema()).is_some()
}

/// Whether no build has yet committed a batch to the index in `dir`: no
/// segment, and no state file (every batch's commit writes one; a build
/// of an empty corpus too). A first build commits its schema before
/// reading anything, so such an index is one still being built, or one
/// whose first build failed or was killed: it holds no index yet, not an
/// archive in which nothing matches.
pub fn awaits_first_batch(dir: &Path, index: &Index) -> bool {
    index
        .load_metas()
        .is_ok_and(|metas| metas.segments.is_empty())
        && !dir.join(STATE_FILE).is_file()
}

/// Whether a run holds the lock of the index in `dir` (the lock file is
/// opened, never made).
pub fn is_locked(dir: &Path) -> bool {
    File::open(dir.join(LOCK_FILE)).is_ok_and(|file| {
        matches!(
            file.try_lock_shared(),
            Err(std::fs::TryLockError::WouldBlock)
        )
    })
}

/// Marks the index as being changed by a run until [`finish_run`]
/// (taken under the run's lock).
pub fn start_run(dir: &Path) -> Result<()> {
    let path = dir.join(UNFINISHED_RUN_FILE);
    let said = "a `cita index` run started changing this index and has not finished\n";
    std::fs::write(&path, said).map_err(|err| Error::io(&path, err))
}

/// Marks the run that changed the index as finished.
pub fn finish_run(dir: &Path) -> Result<()> {
    let path = dir.join(UNFINISHED_RUN_FILE);
    match std::fs::remove_file(&path) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => Err(Error::io(&path, err)),
        _ => Ok(()),
    }
}

/// Whether the last run that changed the index at `dir` stopped before
/// it finished (and none is running now): the index holds the files that
/// run committed, not the whole corpus.
pub fn last_run_unfinished(dir: &Path) -> bool {
    dir.join(UNFINISHED_RUN_FILE).is_file() && !is_locked(dir)
}

/// Takes the run's lock; fails at once if another run holds it. The kernel
/// releases it when the process ends, however it ends.
pub fn lock(dir: &Path) -> Result<File> {
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
            lock: path,
        }),
        Err(std::fs::TryLockError::Error(err)) => Err(Error::io(&path, err)),
    }
}

/// Removes the temporary files a killed run left in the index folder
/// `dir` (tantivy writes `meta.json` through a `.tmp…` file renamed over
/// it): with the lock held, no run is writing one. A file that cannot be
/// removed stays, as it did.
pub fn remove_leftover_temp_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let leftover = entry
            .file_name()
            .to_str()
            .is_some_and(|name| name.starts_with(".tmp"))
            && entry.file_type().is_ok_and(|kind| kind.is_file());
        if leftover {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The default language the state at `dir` records for a run given none
/// (the last run's, else its files'), read from the file alone: one of
/// another schema, whose files a run replaces, records it too.
pub fn recorded_default_language(dir: &Path) -> Option<String> {
    let bytes = std::fs::read(dir.join(STATE_FILE)).ok()?;
    let state: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    ["asked_default_language", "default_language"]
        .into_iter()
        .find_map(|field| Some(state.get(field)?.as_str()?.to_string()))
        .filter(|code| code != MIXED_DEFAULTS)
}

/// Opens the index at `dir` for writing, creating it (or recreating an
/// index of another schema version) as needed; says whether it is new.
///
/// A damaged index (one that tantivy cannot open, or whose segments it
/// cannot open) is an [`Error::Damaged`] that says to rebuild; with
/// `rebuild`, it is removed and created anew (cita's files only, see
/// [`remove_index_files`]). A rebuild also checks every segment file
/// against its checksum, which finds a flipped byte anywhere; a plain run
/// checks the column files and opens the segments, as its searches will.
pub fn open_for_writing(dir: &Path, rebuild: bool) -> Result<(Index, Opened)> {
    let mut replaced = None;
    if dir.join(META_FILE).exists() {
        match open_existing(dir, rebuild) {
            Ok(Existing::Current(index)) => return Ok((index, Opened::Existing)),
            Ok(Existing::Unfinished(index)) => return Ok((index, Opened::Fresh { replaced })),
            // Built by another version of cita: its contents cannot be reused.
            Ok(Existing::Other(schema)) => replaced = Some(schema),
            Err(Error::Damaged { .. }) if rebuild => {}
            Err(err) => return Err(err),
        }
        remove_index_files(dir)?;
    }
    let _ = std::fs::remove_file(dir.join(STATE_FILE));
    let (schema, _) = schema::build();
    let index = Index::create(WritingDirectory::open(dir)?, schema, schema::settings())?;
    analysis::register(&index);
    Ok((index, Opened::Fresh { replaced }))
}

/// What [`open_for_writing`] found.
pub enum Opened {
    /// An index of this schema, to update.
    Existing,
    /// A new index (or a first build's, taken over); `replaced` names the
    /// schema of the index of another version of cita that it replaces.
    Fresh { replaced: Option<String> },
}

/// The index folder as cita's writer writes it: tantivy's own, but for
/// its metadata (`meta.json`, `.managed.json`, written again at every
/// commit, merge and clean-up), written through a temporary file that
/// takes the mode the umask gives new files, as the segment files do.
/// tantivy's temporary files are 0600: an index built by one user (a
/// nightly job) could be searched by no other, nor during a build.
#[derive(Debug, Clone)]
struct WritingDirectory {
    folder: MmapDirectory,
    root: PathBuf,
}

impl WritingDirectory {
    fn open(root: &Path) -> Result<WritingDirectory> {
        Ok(WritingDirectory {
            folder: MmapDirectory::open(root).map_err(tantivy::TantivyError::from)?,
            root: root.to_path_buf(),
        })
    }
}

/// The methods of tantivy's `Directory` that cita's directories (the
/// writer's here, a reader's in `archive`) leave to the `MmapDirectory`
/// in their field `folder`: all but reading and writing metadata and
/// taking locks, which each does its own way.
macro_rules! forward_to_folder {
    () => {
        fn get_file_handle(
            &self,
            path: &Path,
        ) -> Result<Arc<dyn tantivy::directory::FileHandle>, tantivy::directory::error::OpenReadError>
        {
            self.folder.get_file_handle(path)
        }

        fn open_read(
            &self,
            path: &Path,
        ) -> Result<tantivy::directory::FileSlice, tantivy::directory::error::OpenReadError> {
            self.folder.open_read(path)
        }

        fn delete(&self, path: &Path) -> Result<(), tantivy::directory::error::DeleteError> {
            self.folder.delete(path)
        }

        fn exists(&self, path: &Path) -> Result<bool, tantivy::directory::error::OpenReadError> {
            self.folder.exists(path)
        }

        fn open_write(
            &self,
            path: &Path,
        ) -> Result<tantivy::directory::WritePtr, tantivy::directory::error::OpenWriteError> {
            self.folder.open_write(path)
        }

        fn sync_directory(&self) -> std::io::Result<()> {
            self.folder.sync_directory()
        }

        fn watch(
            &self,
            callback: tantivy::directory::WatchCallback,
        ) -> tantivy::Result<tantivy::directory::WatchHandle> {
            self.folder.watch(callback)
        }
    };
}
pub(crate) use forward_to_folder;

impl Directory for WritingDirectory {
    forward_to_folder!();

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.folder.atomic_read(path)
    }

    /// As tantivy writes it (a temporary file beside it, synced, renamed
    /// over it), the temporary file named `.tmp…` as tantivy's are, so that
    /// a kill's leftover is removed by the next run
    /// ([`remove_leftover_temp_files`]).
    fn atomic_write(&self, path: &Path, data: &[u8]) -> std::io::Result<()> {
        use std::io::Write;
        static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let temporary = self.root.join(format!(
            ".tmp-cita-{}-{}",
            std::process::id(),
            WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        let written = File::create(&temporary)
            .and_then(|mut file| file.write_all(data).and_then(|()| file.sync_data()))
            .and_then(|()| std::fs::rename(&temporary, self.root.join(path)));
        if written.is_err() {
            let _ = std::fs::remove_file(&temporary);
        }
        written
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.folder.acquire_lock(lock)
    }
}

/// An index found in the folder, as [`open_for_writing`] sees it.
enum Existing {
    /// Of this schema version, and whole as far as checked.
    Current(Index),
    /// A first build killed before it committed anything: take it over.
    Unfinished(Index),
    /// Of another schema version (its number, or `unknown`).
    Other(String),
}

/// Opens the index in `dir` and checks it can be read: its segments open
/// and, when `thorough`, every segment file matches its checksum. A
/// failure or a panic in tantivy is [`Error::Damaged`].
fn open_existing(dir: &Path, thorough: bool) -> Result<Existing> {
    let damaged = |detail: String| Error::damaged(dir, &detail);
    let opened = catching(|| -> Result<Existing> {
        let index = Index::open(WritingDirectory::open(dir)?)?;
        match read_payload(&index) {
            Some(payload)
                if payload.cita_schema == SCHEMA_VERSION
                    && schema::fields_of(&index.schema()).is_some() => {}
            None if is_unfinished_first_build(&index) && schema::build().0 == index.schema() => {
                analysis::register(&index);
                return Ok(Existing::Unfinished(index));
            }
            found => {
                let schema = found.map_or("unknown".to_string(), |p| p.cita_schema.to_string());
                return Ok(Existing::Other(schema));
            }
        }
        if thorough {
            if let Some(detail) = checksum_damage(&index)? {
                return Err(damaged(detail));
            }
        } else {
            verify_columns(dir, &index)?;
            check_doc_stores(dir, &index)?;
        }
        let _: IndexReader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        analysis::register(&index);
        Ok(Existing::Current(index))
    });
    match opened {
        // Only errors that say the files are damaged: an index merely
        // unreadable (permissions, I/O) must not be rebuilt away.
        Ok(result) => result.map_err(|err| err.reading(dir)),
        Err(panic) => Err(damaged(format!("opening it failed: {panic}"))),
    }
}

/// The segment files of `index` that fail their checksums, said on one
/// line, or `None` when every file passes. Reads every file whole.
pub fn checksum_damage(index: &Index) -> Result<Option<String>> {
    let mut files: Vec<String> = index
        .validate_checksum()?
        .iter()
        .map(|file| file.display().to_string())
        .collect();
    files.sort();
    Ok(match files.as_slice() {
        [] => None,
        [one] => Some(format!("{one} fails its checksum")),
        many => Some(format!("{} fail their checksums", many.join(", "))),
    })
}

/// Reads every file of `index`'s searchable segments (in `dir`) whole and
/// checks it against the checksum tantivy wrote in its footer: the files
/// and bytes read, or [`Error::Damaged`] naming those that fail. The only
/// check that finds every flipped byte: a byte of stored text flipped
/// inside a compressed block may still decompress, into other text. Column
/// files found sound are recorded so ([`record_sound_columns`]).
pub fn check_every_file(dir: &Path, index: &Index) -> Result<(u64, u64)> {
    let before = column_stamps(dir, index.searchable_segment_ids()?);
    if let Some(detail) = checksum_damage(index)? {
        return Err(Error::damaged(dir, &detail));
    }
    // The column files found sound, unchanged while they were read, are
    // recorded so, as a run records those it leaves: searches of a copied
    // archive then need not check them again. Where the folder cannot be
    // written, each search checks them, as before.
    let after = column_stamps(dir, index.searchable_segment_ids()?);
    let mut sound = recorded_sound_columns(dir);
    sound.extend(
        before
            .into_iter()
            .filter(|(segment, stamp)| after.get(segment) == Some(stamp)),
    );
    let _ = write_sound_columns(dir, &sound);
    let files: BTreeSet<PathBuf> = index
        .searchable_segment_metas()?
        .iter()
        .flat_map(segment_files)
        .collect();
    let sizes: Vec<u64> = files
        .iter()
        .filter_map(|file| std::fs::metadata(dir.join(file)).ok())
        .map(|meta| meta.len())
        .collect();
    Ok((sizes.len() as u64, sizes.iter().sum()))
}

/// tantivy's merge policy, with one condition: a segment is merged only
/// when every file of it passes its checksum. A merge reads its segments
/// whole and writes what it read into a new segment with fresh checksums,
/// so a byte flipped on disk in stored text would become text that no
/// check can tell from the real one (`cita check` passed while searches
/// quoted the wrong words), and damaged postings made the merge panic.
/// A candidate holding a damaged segment is not merged, and the damage is
/// kept for the run to report ([`CheckedMerges::damage`]). Each segment is
/// read once per run, and only when it is to be merged, which reads it
/// whole anyway.
#[derive(Debug, Clone)]
pub struct CheckedMerges {
    policy: Arc<LogMergePolicy>,
    directory: ManagedDirectory,
    checked: Arc<Mutex<CheckedSegments>>,
}

#[derive(Debug, Default)]
struct CheckedSegments {
    sound: HashSet<SegmentId>,
    /// Each damaged segment, with the file that fails.
    damaged: BTreeMap<SegmentId, String>,
}

impl CheckedMerges {
    pub fn new(index: &Index) -> CheckedMerges {
        CheckedMerges {
            policy: Arc::default(),
            directory: index.directory().clone(),
            checked: Arc::default(),
        }
    }

    /// The damage found in segments that were to be merged, said on one
    /// line, or `None`.
    pub fn damage(&self) -> Option<String> {
        let checked = self.checked.lock().unwrap_or_else(PoisonError::into_inner);
        let files: Vec<&str> = checked.damaged.values().map(String::as_str).collect();
        match files.as_slice() {
            [] => None,
            [one] => Some(format!("{one} fails its checksum")),
            many => Some(format!("{} fail their checksums", many.join(", "))),
        }
    }

    /// Whether every file of `segment` passes its checksum (a file that
    /// cannot be read is damage too: the merge could not read it either).
    fn is_sound(&self, segment: &SegmentMeta, checked: &mut CheckedSegments) -> bool {
        let id = segment.id();
        if checked.sound.contains(&id) {
            return true;
        }
        if checked.damaged.contains_key(&id) {
            return false;
        }
        let failing = segment_files(segment)
            .into_iter()
            .find(|file| !self.directory.validate_checksum(file).unwrap_or(false));
        match failing {
            None => {
                checked.sound.insert(id);
                true
            }
            Some(file) => {
                let file = file.display().to_string();
                checked.damaged.insert(id, file);
                false
            }
        }
    }
}

impl MergePolicy for CheckedMerges {
    fn compute_merge_candidates(&self, segments: &[SegmentMeta]) -> Vec<MergeCandidate> {
        let mut candidates = self.policy.compute_merge_candidates(segments);
        let mut checked = self.checked.lock().unwrap_or_else(PoisonError::into_inner);
        candidates.retain(|candidate| {
            candidate.0.iter().all(|id| {
                segments
                    .iter()
                    .find(|segment| segment.id() == *id)
                    .is_some_and(|segment| self.is_sound(segment, &mut checked))
            })
        });
        candidates
    }
}

/// The files of `segment`, each with its checksum in its footer.
fn segment_files(segment: &SegmentMeta) -> Vec<PathBuf> {
    let mut components = vec![
        SegmentComponent::Postings,
        SegmentComponent::Positions,
        SegmentComponent::Terms,
        SegmentComponent::Store,
        SegmentComponent::FastFields,
        SegmentComponent::FieldNorms,
    ];
    if segment.has_deletes() {
        components.push(SegmentComponent::Delete);
    }
    components
        .into_iter()
        .map(|component| segment.relative_path(component))
        .collect()
}

/// Checks every searchable segment's column (fast-field) file against its
/// checksum. The writer's merges read columns whole, and a damaged count
/// there makes them allocate without bound or loop, where no panic can be
/// caught; the other files fail in ways that can. About 2.5 ms on the 95 MB
/// bench index (10 MB of columns), once per run.
fn verify_columns(path: &Path, index: &Index) -> Result<()> {
    verify_columns_of(path, index, index.searchable_segment_ids()?)
}

/// Checks the column files of `segments` against their checksums, as
/// [`verify_columns`] does. A search reads ids, keys and dates from them
/// without any check of its own: a flipped byte there gave made-up ids
/// and lost hits with exit 0.
pub fn verify_columns_of(
    path: &Path,
    index: &Index,
    segments: impl IntoIterator<Item = SegmentId>,
) -> Result<()> {
    for segment in segments {
        let file = column_file(segment);
        let intact = index
            .directory()
            .validate_checksum(&file)
            .map_err(|err| Error::from(tantivy::TantivyError::from(err)).reading(path))?;
        if !intact {
            return Err(Error::damaged(
                path,
                &format!("{} fails its checksum", file.display()),
            ));
        }
    }
    Ok(())
}

/// What tells a file unchanged since it was looked at: its length, its
/// modification and status-change times, and its inode. A write to the
/// file changes its status-change time, which no tool sets back; a copy
/// of the index has other inodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileStamp {
    length: u64,
    modified: (i64, i64),
    changed: (i64, i64),
    inode: u64,
}

impl FileStamp {
    /// The stamp of the file at `path`, if it can be read.
    #[cfg(unix)]
    pub fn of(path: &Path) -> Option<FileStamp> {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::metadata(path).ok()?;
        Some(FileStamp {
            length: meta.len(),
            modified: (meta.mtime(), meta.mtime_nsec()),
            changed: (meta.ctime(), meta.ctime_nsec()),
            inode: meta.ino(),
        })
    }

    /// The stamp of the file at `path`: none where the system keeps no
    /// status-change time, so that its columns are always checked.
    #[cfg(not(unix))]
    pub fn of(_path: &Path) -> Option<FileStamp> {
        None
    }
}

/// The column file of segment `segment` in an index folder.
fn column_file(segment: SegmentId) -> PathBuf {
    PathBuf::from(format!("{}.fast", segment.uuid_string()))
}

/// Records the stamps of the column files of every searchable segment,
/// which a run leaves sound (it checks the columns it finds and writes
/// the others), so that a search need not read them whole again to check
/// them: a search of a rare word takes less time than that check (see
/// `Archive`'s column check).
pub fn record_sound_columns(dir: &Path, index: &Index) -> Result<()> {
    write_sound_columns(dir, &column_stamps(dir, index.searchable_segment_ids()?))
}

/// The stamps of the column files of `segments`, by segment id.
fn column_stamps(
    dir: &Path,
    segments: impl IntoIterator<Item = SegmentId>,
) -> BTreeMap<String, FileStamp> {
    segments
        .into_iter()
        .filter_map(|segment| {
            let stamp = FileStamp::of(&dir.join(column_file(segment)))?;
            Some((segment.uuid_string(), stamp))
        })
        .collect()
}

/// The stamps the index's record of sound column files holds.
fn recorded_sound_columns(dir: &Path) -> BTreeMap<String, FileStamp> {
    std::fs::read(dir.join(SOUND_COLUMNS_FILE))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

/// Replaces the record of sound column files with `stamps`.
fn write_sound_columns(dir: &Path, stamps: &BTreeMap<String, FileStamp>) -> Result<()> {
    let path = dir.join(SOUND_COLUMNS_FILE);
    let partial = dir.join(format!("{SOUND_COLUMNS_FILE}.partial"));
    let bytes = serde_json::to_vec(stamps).map_err(|err| Error::io(&path, err.into()))?;
    if let Err(err) = std::fs::write(&partial, bytes) {
        let _ = std::fs::remove_file(&partial);
        return Err(Error::io(&partial, err));
    }
    std::fs::rename(&partial, &path).map_err(|err| Error::io(&path, err))
}

/// Of `segments`, those whose column files are as the last run left them
/// sound: their stamps are the ones it recorded.
pub fn columns_left_sound(dir: &Path, segments: &[SegmentId]) -> HashSet<SegmentId> {
    let recorded = recorded_sound_columns(dir);
    segments
        .iter()
        .copied()
        .filter(|&segment| {
            recorded
                .get(&segment.uuid_string())
                .is_some_and(|stamp| FileStamp::of(&dir.join(column_file(segment))) == Some(*stamp))
        })
        .collect()
}

/// Checks each segment's doc store index (the list of its block layers)
/// before tantivy opens it: tantivy makes room for as many layers as its
/// first number says, so a flipped byte there made it allocate hundreds of
/// gigabytes, which aborts the process (no panic that a guard catches).
/// Reads the store file's last bytes only (mapped, not copied).
pub fn check_doc_stores(path: &Path, index: &Index) -> Result<()> {
    // tantivy's doc store footer: version (u32), offset of the index
    // (u64), compressor (u8), 15 bytes of padding.
    const FOOTER: usize = 28;
    for segment in index.searchable_segment_ids()? {
        let file = PathBuf::from(format!("{}.store", segment.uuid_string()));
        let engine = |err: tantivy::TantivyError| Error::from(err).reading(path);
        let slice = index
            .directory()
            .open_read(&file)
            .map_err(|err| engine(err.into()))?;
        let bytes = slice.read_bytes().map_err(|err| engine(err.into()))?;
        let damaged = || {
            Error::damaged(
                path,
                &format!("{}: its index of blocks is damaged", file.display()),
            )
        };
        let body = bytes.len().checked_sub(FOOTER).ok_or_else(damaged)?;
        let offset: [u8; 8] = bytes[body + 4..body + 12].try_into().expect("eight bytes");
        let layers_index = usize::try_from(u64::from_le_bytes(offset))
            .ok()
            .and_then(|offset| bytes.get(offset..body))
            .ok_or_else(damaged)?;
        let (layers, read) = read_vint(layers_index).ok_or_else(damaged)?;
        // Each layer's end is written as one more number of a byte or more.
        if layers > (layers_index.len() - read) as u64 {
            return Err(damaged());
        }
    }
    Ok(())
}

/// A variable-length integer as tantivy writes them (seven bits a byte,
/// lowest first, the last byte's high bit set), and the bytes it takes.
fn read_vint(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut value = 0u64;
    for (at, &byte) in bytes.iter().enumerate().take(10) {
        value |= u64::from(byte & 0x7f).checked_shl(7 * at as u32)?;
        if byte & 0x80 != 0 {
            return Some((value, at + 1));
        }
    }
    None
}

/// What cita recorded in the index's last commit, if it is a cita index.
pub fn read_payload(index: &Index) -> Option<CommitPayload> {
    let payload = index.load_metas().ok()?.payload?;
    serde_json::from_str(&payload).ok()
}

/// The files tantivy lists as its own in an index folder.
const MANAGED_FILE: &str = ".managed.json";

/// Removes an old or damaged cita index: the files tantivy manages (as
/// its list names them and, should the list be damaged, every file named
/// as tantivy names segment files), its metadata, cita's state file and
/// copy map; nothing else in the folder.
fn remove_index_files(dir: &Path) -> Result<()> {
    let mut names: Vec<PathBuf> = std::fs::read(dir.join(MANAGED_FILE))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default();
    let entries = std::fs::read_dir(dir).map_err(|err| Error::io(dir, err))?;
    names.extend(
        entries
            .filter_map(|entry| entry.ok())
            .map(|entry| PathBuf::from(entry.file_name()))
            .filter(|name| name.to_str().is_some_and(is_segment_file)),
    );
    for name in names.iter().map(PathBuf::as_path).chain([
        Path::new(MANAGED_FILE),
        Path::new(META_FILE),
        Path::new(STATE_FILE),
        Path::new(COPY_MAP_FILE),
        Path::new(SOUND_COLUMNS_FILE),
        Path::new(UNFINISHED_RUN_FILE),
    ]) {
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

/// Whether `name` is how tantivy names a segment file: the segment's id
/// (32 hexadecimal digits), then a component (`.idx`, `.pos`, `.term`,
/// `.store`, `.store.temp`, `.fast`, `.fieldnorm`, or `.N.del`).
fn is_segment_file(name: &str) -> bool {
    let Some((id, component)) = name.split_at_checked(32) else {
        return false;
    };
    let known = [
        ".idx",
        ".pos",
        ".term",
        ".store",
        ".store.temp",
        ".fast",
        ".fieldnorm",
    ];
    let deletes = component
        .strip_prefix('.')
        .and_then(|rest| rest.strip_suffix(".del"))
        .is_some_and(|opstamp| !opstamp.is_empty() && opstamp.bytes().all(|b| b.is_ascii_digit()));
    id.bytes().all(|b| b.is_ascii_hexdigit()) && (known.contains(&component) || deletes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segment_files_are_told_from_other_files() {
        let id = "505e07e78b264f5d997e9b217b1f5482";
        for component in [".fast", ".store", ".term", ".idx", ".pos", ".fieldnorm"] {
            assert!(is_segment_file(&format!("{id}{component}")), "{component}");
        }
        assert!(is_segment_file(&format!("{id}.store.temp")));
        assert!(is_segment_file(&format!("{id}.17.del")));
        for other in [
            "notes.txt",
            "meta.json",
            &format!("{id}.del"),
            &format!("{id}.x.del"),
            &format!("{id}.txt"),
            &format!("{}.fast", &id[..31]),
            &format!("{}z.fast", &id[..31]),
        ] {
            assert!(!is_segment_file(other), "{other}");
        }
    }

    #[test]
    fn a_damaged_cita_index_is_told_from_a_foreign_folder() {
        let dir = tempfile::TempDir::new().unwrap();
        std::fs::write(dir.path().join(META_FILE), "{\"mine\": true}").unwrap();
        assert!(!bears_cita_marks(dir.path()));
        assert!(refuse_foreign(dir.path()).is_err());
        // A meta.json cut short, still holding cita's payload.
        std::fs::write(
            dir.path().join(META_FILE),
            "{\"payload\": \"{\\\"cita_schema\\\":5,\\\"docu",
        )
        .unwrap();
        assert!(bears_cita_marks(dir.path()));
        assert!(refuse_foreign(dir.path()).is_ok());
        std::fs::write(dir.path().join(META_FILE), "garbage").unwrap();
        std::fs::write(dir.path().join(STATE_FILE), "garbage").unwrap();
        assert!(refuse_foreign(dir.path()).is_ok());
    }

    #[test]
    fn a_folder_without_an_index_is_cita_s_only_while_it_holds_nothing_but_index_files() {
        let dir = tempfile::TempDir::new().unwrap();
        assert!(refuse_foreign(dir.path()).is_ok());
        std::fs::write(dir.path().join(LOCK_FILE), "").unwrap();
        assert!(refuse_foreign(dir.path()).is_ok());
        // What `rm index/*` leaves, and a first build killed before its
        // meta.json (tantivy writes .managed.json first).
        for leftover in [
            ".managed.json",
            ".tantivy-meta.lock",
            ".tantivy-writer.lock",
        ] {
            std::fs::write(dir.path().join(leftover), "").unwrap();
        }
        std::fs::create_dir(dir.path().join(OCR_CACHE)).unwrap();
        std::fs::write(
            dir.path().join("9f9f8ce3b76e40d8946ece72d3826546.store"),
            "",
        )
        .unwrap();
        assert!(refuse_foreign(dir.path()).is_ok());
        std::fs::write(dir.path().join("notes.md"), "mine").unwrap();
        assert!(refuse_foreign(dir.path()).is_err());
        // A build killed after its state file but with meta.json gone.
        std::fs::write(dir.path().join(STATE_FILE), "{}").unwrap();
        assert!(refuse_foreign(dir.path()).is_ok());
    }
}
