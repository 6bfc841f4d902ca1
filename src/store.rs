//! The index folder: what makes it cita's and keeps it whole. The run lock,
//! opening an index for writing (creating it, or recreating one of another
//! schema version), refusing folders that are not cita indexes, the payload
//! cita records in each commit, and the per-file state of the last run.
//!
//! Crash safety rests here: tantivy publishes a commit atomically, and the
//! state file is replaced (write, then rename) only after the commit it
//! describes, so it can lag the index but never lead it.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::{Index, IndexWriter, TantivyDocument};

use crate::analysis;
use crate::error::{Error, Result};
use crate::ingest::{Format, SkipReason};
use crate::schema::{self, SCHEMA_VERSION};

/// The file tantivy writes last in a commit; its presence means "an index is here".
pub const META_FILE: &str = "meta.json";

/// The per-file state of the last run, beside the index.
const STATE_FILE: &str = "cita-files.json";

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
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct State {
    pub cita_schema: u32,
    pub files: BTreeMap<String, FileState>,
}

impl State {
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
            files: self.files.clone(),
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
    };
    let mut prepared = writer.prepare_commit()?;
    prepared.set_payload(&serde_json::to_string(&payload).expect("the payload serializes"));
    prepared.commit()?;
    Ok(())
}

/// Refuses a folder holding a `meta.json` that is not a cita index, before
/// anything is written into it.
pub fn refuse_foreign(dir: &Path) -> Result<()> {
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
pub fn is_unfinished_first_build(index: &Index) -> bool {
    let empty = index
        .load_metas()
        .is_ok_and(|metas| metas.payload.is_none() && metas.segments.is_empty());
    empty && schema::fields_of(&index.schema()).is_some()
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

/// Opens the index at `dir` for writing, creating it (or recreating an
/// index of another schema version) as needed; says whether it is new.
pub fn open_for_writing(dir: &Path) -> Result<(Index, bool)> {
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
pub fn read_payload(index: &Index) -> Option<CommitPayload> {
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
