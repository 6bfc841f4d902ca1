//! Containers read in memory, entry by entry: ZIP (also what DOCX, ODT and
//! EPUB are made of) and tar, gzipped or not. Nothing is ever written to
//! disk, so an entry named `../x` or `/etc/x` is only a name.
//!
//! Every read of a file, however deeply nested, draws on one [`Unpacker`]:
//! the bytes it may still unpack (a bomb of nested ZIPs cannot multiply
//! them), and the [`Limits`] on each entry's compression ratio, the entries
//! of one container and the depth of nesting. A size in a ZIP's headers is
//! never trusted: each entry is read through a cap and measured.

use std::cell::Cell;
use std::io::{Cursor, Read};

use zip::ZipArchive;

use super::SkipReason;

/// Why a container or an entry was not read: the reason and a message.
pub type Refusal = (SkipReason, String);

/// Limits against archive bombs, per file of the corpus (`cita index`
/// options in brackets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes a file may unpack to in all, its nested containers included
    /// (`--max-unpacked-mb`; default 1 GiB).
    pub max_unpacked_bytes: u64,
    /// Largest ratio of an entry's unpacked to packed size, for entries
    /// over 1 MiB unpacked (`--max-ratio`; default 100).
    pub max_ratio: u64,
    /// Entries of one container (`--max-entries`; default 10,000).
    pub max_entries: usize,
    /// Containers within containers (`--max-depth`; default 4: a ZIP in a
    /// mail in a ZIP is depth 2).
    pub max_depth: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_unpacked_bytes: 1 << 30,
            max_ratio: 100,
            max_entries: 10_000,
            max_depth: 4,
        }
    }
}

/// Entries smaller than this unpacked are not held to the ratio: a
/// kilobyte of repeated XML compresses 200:1 without being a bomb.
const RATIO_FREE_BYTES: u64 = 1 << 20;

/// The limits, and what one file of the corpus has unpacked so far.
#[derive(Debug)]
pub struct Unpacker {
    limits: Limits,
    unpacked: Cell<u64>,
}

impl Unpacker {
    /// A fresh budget under `limits`.
    pub fn new(limits: Limits) -> Unpacker {
        Unpacker {
            limits,
            unpacked: Cell::new(0),
        }
    }

    /// The limits it applies.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Bytes that may still be unpacked.
    fn remaining(&self) -> u64 {
        self.limits
            .max_unpacked_bytes
            .saturating_sub(self.unpacked.get())
    }

    /// Reads `reader` (an entry whose packed size is `packed`) to its end,
    /// or refuses it once it passes the budget or the ratio.
    fn unpack(&self, mut reader: impl Read, packed: u64) -> Result<Vec<u8>, Refusal> {
        let ratio_cap = packed
            .saturating_mul(self.limits.max_ratio)
            .max(RATIO_FREE_BYTES);
        let cap = self.remaining().min(ratio_cap);
        let mut bytes = Vec::new();
        let read = reader
            .by_ref()
            .take(cap.saturating_add(1))
            .read_to_end(&mut bytes);
        if let Err(err) = read {
            return Err((SkipReason::Malformed, format!("cannot unpack ({err})")));
        }
        let size = bytes.len() as u64;
        if size > ratio_cap && ratio_cap < self.remaining() {
            return Err((
                SkipReason::TooLarge,
                format!(
                    "unpacks more than {}× its packed size (a bomb?; --max-ratio)",
                    self.limits.max_ratio
                ),
            ));
        }
        if size > cap {
            return Err((
                SkipReason::TooLarge,
                format!(
                    "unpacks past the {} MB the file may unpack to in all (--max-unpacked-mb)",
                    self.limits.max_unpacked_bytes >> 20
                ),
            ));
        }
        self.unpacked.set(self.unpacked.get() + size);
        Ok(bytes)
    }

    /// Counts bytes unpacked by other means (a mail's decoded attachment)
    /// against the budget, or refuses them.
    pub fn charge(&self, bytes: u64) -> Result<(), Refusal> {
        if bytes > self.remaining() {
            return Err((
                SkipReason::TooLarge,
                format!(
                    "past the {} MB the file may unpack to in all (--max-unpacked-mb)",
                    self.limits.max_unpacked_bytes >> 20
                ),
            ));
        }
        self.unpacked.set(self.unpacked.get() + bytes);
        Ok(())
    }
}

/// A ZIP archive in memory, read under an [`Unpacker`].
pub struct Zip<'a> {
    archive: ZipArchive<Cursor<&'a [u8]>>,
    unpacker: &'a Unpacker,
}

impl<'a> Zip<'a> {
    /// Opens the archive in `bytes`, or says why it is not one.
    pub fn open(bytes: &'a [u8], unpacker: &'a Unpacker) -> Result<Zip<'a>, Refusal> {
        let archive = ZipArchive::new(Cursor::new(bytes))
            .map_err(|err| (SkipReason::Malformed, format!("not a readable ZIP ({err})")))?;
        Ok(Zip { archive, unpacker })
    }

    /// How many entries it lists (folders included).
    pub fn len(&self) -> usize {
        self.archive.len()
    }

    /// Whether it lists no entry.
    pub fn is_empty(&self) -> bool {
        self.archive.is_empty()
    }

    /// The names of its files (not folders), in the archive's order.
    pub fn file_names(&self) -> Vec<String> {
        self.files().into_iter().map(|(_, name)| name).collect()
    }

    /// Its files (not folders) in the archive's order: index and name.
    fn files(&self) -> Vec<(usize, String)> {
        self.archive
            .file_names_raw()
            .enumerate()
            .filter(|(_, name)| !name.ends_with(b"/"))
            .map(|(index, name)| (index, String::from_utf8_lossy(name).into_owned()))
            .collect()
    }

    /// The entry called `name`, unpacked; `None` when there is none.
    pub fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, Refusal> {
        match self.archive.index_for_name(name) {
            Some(index) => self
                .read_at(index)
                .map(Some)
                .map_err(|(reason, message)| (reason, format!("{name}: {message}"))),
            None => Ok(None),
        }
    }

    fn read_at(&mut self, index: usize) -> Result<Vec<u8>, Refusal> {
        let entry = self
            .archive
            .by_index(index)
            .map_err(|err| refusal_of(&err))?;
        let packed = entry.compressed_size();
        self.unpacker.unpack(entry, packed)
    }
}

/// A ZIP error on an entry as a refusal: encryption apart, malformed.
fn refusal_of(err: &zip::result::ZipError) -> Refusal {
    match err {
        zip::result::ZipError::UnsupportedArchive(what)
            if what.contains("ncrypt") || what.contains("assword") =>
        {
            (SkipReason::Encrypted, "encrypted".to_string())
        }
        _ => (SkipReason::Malformed, format!("cannot unpack ({err})")),
    }
}

/// One entry of a bundle: its name in the bundle, and its bytes or why
/// they were not read.
pub type Entry = (String, Result<Vec<u8>, Refusal>);

/// The file entries of a ZIP bundle, in the archive's order, with what
/// refused each one that was not read. Past [`Limits::max_entries`] the
/// rest are left out, with a refusal that says so as the last entry.
pub fn zip_entries(bytes: &[u8], unpacker: &Unpacker) -> Result<Vec<Entry>, Refusal> {
    let mut zip = Zip::open(bytes, unpacker)?;
    let mut entries = Vec::new();
    for (index, name) in zip.files() {
        if entries.len() == unpacker.limits.max_entries {
            entries.push(too_many_entries(unpacker));
            break;
        }
        let read = zip.read_at(index);
        entries.push((name, read));
    }
    Ok(entries)
}

/// The file entries of a tar bundle (gzipped when it starts with gzip's
/// magic bytes), as [`zip_entries`]. A tar stream that breaks off ends the
/// list with a refusal; what came before it is kept.
pub fn tar_entries(bytes: &[u8], unpacker: &Unpacker) -> Result<Vec<Entry>, Refusal> {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        // The whole stream is one entry to the ratio: a tar.gz bomb is a
        // small file that inflates to a huge tar.
        let inflated = unpacker
            .unpack(flate2::read::MultiGzDecoder::new(bytes), bytes.len() as u64)
            .map_err(|(reason, message)| (reason, format!("the gzip stream {message}")))?;
        return tar_listing(&inflated, unpacker);
    }
    tar_listing(bytes, unpacker)
}

fn tar_listing(bytes: &[u8], unpacker: &Unpacker) -> Result<Vec<Entry>, Refusal> {
    let mut archive = tar::Archive::new(bytes);
    let listed = archive
        .entries()
        .map_err(|err| (SkipReason::Malformed, format!("not a readable tar ({err})")))?;
    let mut entries = Vec::new();
    for entry in listed {
        if entries.len() == unpacker.limits.max_entries {
            entries.push(too_many_entries(unpacker));
            break;
        }
        let mut entry = match entry {
            Ok(entry) => entry,
            Err(err) if entries.is_empty() => {
                return Err((SkipReason::Malformed, format!("not a readable tar ({err})")));
            }
            Err(err) => {
                entries.push((
                    String::new(),
                    Err((SkipReason::Malformed, format!("the tar breaks off ({err})"))),
                ));
                break;
            }
        };
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let size = entry.size();
        // Already unpacked: a tar entry is stored, so its ratio is 1.
        let mut bytes = Vec::new();
        let read = match entry.read_to_end(&mut bytes) {
            Ok(_) => unpacker.charge(size).map(|()| bytes),
            Err(err) => Err((SkipReason::Malformed, format!("cannot read ({err})"))),
        };
        entries.push((name, read));
    }
    Ok(entries)
}

fn too_many_entries(unpacker: &Unpacker) -> Entry {
    (
        String::new(),
        Err((
            SkipReason::TooLarge,
            format!(
                "more than {} entries (--max-entries); the rest are left out",
                unpacker.limits.max_entries
            ),
        )),
    )
}
