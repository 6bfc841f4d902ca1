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
use std::collections::HashMap;
use std::io::{Cursor, Read};

use zip::ZipArchive;

use super::decode::{decode_name, oem_zip_name};
use super::{Refusal, SkipReason, is_hidden_entry};

/// Limits against archive bombs, per file of the corpus (`cita index`
/// options in brackets).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Limits {
    /// Bytes a file may unpack to in all, its nested containers included
    /// (`--max-unpacked-mb`; default 1 GiB).
    pub max_unpacked_bytes: u64,
    /// Largest ratio of an entry's unpacked to packed size, for entries
    /// over 16 MiB unpacked, and of what a file unpacks to in all to its
    /// size, past 16 MiB (`--max-ratio`; default 100).
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
/// kilobyte of repeated XML compresses 200:1 without being a bomb, and so
/// does a gzipped tar of thousands of small files (each padded to 512
/// bytes; the gzip stream is one entry). What this lets through is bounded
/// by the file's budget (`max_unpacked_bytes`).
const RATIO_FREE_BYTES: u64 = 16 << 20;

/// The limits, and what one file of the corpus has unpacked so far.
#[derive(Debug)]
pub struct Unpacker {
    limits: Limits,
    /// What the file may unpack to in all: `max_unpacked_bytes`, or less
    /// for a small file ([`Unpacker::for_file`]).
    budget: u64,
    unpacked: Cell<u64>,
}

impl Unpacker {
    /// A fresh budget under `limits`, whatever the file's size.
    pub fn new(limits: Limits) -> Unpacker {
        Unpacker {
            limits,
            budget: limits.max_unpacked_bytes,
            unpacked: Cell::new(0),
        }
    }

    /// A fresh budget under `limits` for a file of `size` bytes: past
    /// 16 MiB (`RATIO_FREE_BYTES`), it may unpack to no more than `max_ratio`
    /// times its size in all. The ratio of each entry alone let through a
    /// file of 7 KB, nested ZIPs of 15 MB entries, that unpacked to the
    /// whole gigabyte (70 s and 1.2 GB of memory to index).
    pub fn for_file(limits: Limits, size: u64) -> Unpacker {
        let by_ratio = size.saturating_mul(limits.max_ratio).max(RATIO_FREE_BYTES);
        Unpacker {
            budget: limits.max_unpacked_bytes.min(by_ratio),
            ..Unpacker::new(limits)
        }
    }

    /// Bytes that may still be unpacked.
    fn remaining(&self) -> u64 {
        self.budget.saturating_sub(self.unpacked.get())
    }

    /// What is refused once the file has unpacked all it may: every entry
    /// after the first such is refused alike (said once for the file).
    pub(crate) fn past_budget(&self) -> Refusal {
        let (reason, option) = self.past_budget_words();
        (SkipReason::TooLarge, format!("{reason} ({option})"))
    }

    /// The refusal of an entry that unpacks past the ratio to its packed
    /// size (a bomb's entries are many: said once for the file).
    pub(crate) fn over_ratio(&self) -> Refusal {
        (
            SkipReason::TooLarge,
            format!("{} (--max-ratio)", self.over_ratio_words()),
        )
    }

    /// [`Unpacker::over_ratio`]'s reason.
    pub(crate) fn over_ratio_words(&self) -> String {
        format!(
            "unpacks more than {}× its packed size, a bomb?",
            self.limits.max_ratio
        )
    }

    /// [`Unpacker::past_budget`]'s reason, and the option that sets the
    /// limit it passed.
    pub(crate) fn past_budget_words(&self) -> (String, &'static str) {
        if self.budget < self.limits.max_unpacked_bytes {
            let reason = format!(
                "unpacks to more than {}× the file's size in all",
                self.limits.max_ratio
            );
            (reason, "--max-ratio")
        } else {
            let reason = format!(
                "unpacks past the {} MB the file may unpack to in all",
                self.limits.max_unpacked_bytes >> 20
            );
            (reason, "--max-unpacked-mb")
        }
    }

    /// Reads `reader` (an entry whose packed size is `packed`, and whose
    /// header says it unpacks to `declared` bytes) to its end, or refuses
    /// it once it passes the budget, the ratio or `cap` (a format's own
    /// size limit).
    fn unpack(
        &self,
        reader: impl Read,
        packed: u64,
        declared: u64,
        cap: u64,
    ) -> Result<Vec<u8>, Refusal> {
        match self.unpack_partly(reader, packed, Some(declared), cap) {
            (bytes, None) => Ok(bytes),
            (_, Some(Cut::Broken(err))) => {
                Err((SkipReason::Malformed, format!("cannot unpack ({err})")))
            }
            (_, Some(Cut::Limit(refusal))) => Err(refusal),
        }
    }

    /// [`Unpacker::unpack`], but a stream that breaks off, or passes a
    /// limit, gives what it unpacked before (charged to the budget when it
    /// breaks off, not when it passes a limit), with why it stopped.
    fn unpack_partly(
        &self,
        mut reader: impl Read,
        packed: u64,
        declared: Option<u64>,
        cap: u64,
    ) -> (Vec<u8>, Option<Cut>) {
        let ratio_cap = packed
            .saturating_mul(self.limits.max_ratio)
            .max(RATIO_FREE_BYTES);
        let limit = self.remaining().min(ratio_cap).min(cap);
        let refusal = || {
            if limit == cap {
                let message = format!("more than the {} MB cita reads of its type", cap >> 20);
                (SkipReason::TooLarge, message)
            } else if limit == ratio_cap {
                self.over_ratio()
            } else {
                self.past_budget()
            }
        };
        // What its header says passes the limit is refused unread; what
        // fits is read into room for it: grown by doubling, the bytes of
        // an entry of a gigabyte took nearly three before it was refused.
        if declared.is_some_and(|declared| declared > limit) {
            return (Vec::new(), Some(Cut::Limit(refusal())));
        }
        // A header may say more than the entry holds: room for 64 MB at
        // most, grown as read past it.
        let room = declared.map_or(0, |declared| declared.saturating_add(1).min(64 << 20));
        let mut bytes = Vec::with_capacity(usize::try_from(room).unwrap_or(0));
        let broken = reader
            .by_ref()
            .take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .err();
        let size = bytes.len() as u64;
        if size > limit {
            // Charged only by a caller that reads them.
            bytes.truncate(limit as usize);
            return (bytes, Some(Cut::Limit(refusal())));
        }
        self.unpacked.set(self.unpacked.get() + size);
        (bytes, broken.map(Cut::Broken))
    }

    /// Counts bytes unpacked by other means (a mail's decoded attachment)
    /// against the budget, or refuses them.
    fn charge(&self, bytes: u64) -> Result<(), Refusal> {
        if bytes > self.remaining() {
            return Err(self.past_budget());
        }
        self.unpacked.set(self.unpacked.get() + bytes);
        Ok(())
    }
}

/// A ZIP archive in memory, read under an [`Unpacker`].
pub struct Zip<'a> {
    listing: Listing<'a>,
    unpacker: &'a Unpacker,
}

/// Where a ZIP's entries are found.
enum Listing<'a> {
    /// Its central directory, as ZIP readers read it.
    Directory(ZipArchive<Cursor<&'a [u8]>>),
    /// Its entries' local headers, walked from the start, when the central
    /// directory (at the file's end) is missing or damaged, as `unzip -FF`
    /// and 7-Zip recover them: a download or a copy cut short loses only
    /// the entries past the cut.
    LocalHeaders(LocalHeaders<'a>),
}

/// The entries of a ZIP found by its local headers.
struct LocalHeaders<'a> {
    bytes: &'a [u8],
    entries: Vec<LocalEntry>,
    /// The index of the last entry of each name.
    by_name: HashMap<String, usize>,
    /// Why the central directory was not read.
    damage: String,
    /// Where the walk stopped.
    end: WalkEnd,
}

/// An entry found by its local header.
struct LocalEntry {
    name: String,
    /// Where its local header starts.
    header: u64,
    /// Its sizes and checksum when its header does not say them (flag
    /// bit 3: they follow the data, as streaming zippers write them).
    described: Option<Descriptor>,
}

/// Where a walk of local headers stopped.
enum WalkEnd {
    /// At the central directory: every entry was found.
    Directory,
    /// At one past the limit on entries, which the listing says.
    Limit,
    /// Before the central directory: why.
    Broken(String),
}

impl<'a> Zip<'a> {
    /// Opens the archive in `bytes`, or says why it is not one.
    pub fn open(bytes: &'a [u8], unpacker: &'a Unpacker) -> Result<Zip<'a>, Refusal> {
        let damage = match ZipArchive::new(Cursor::new(bytes)) {
            // A directory found past data that starts with an entry is
            // that of a ZIP stored in this one (a DOCX, a ZIP): its own is
            // cut off.
            Ok(archive) if archive.offset() > 0 && bytes.starts_with(LOCAL_HEADER) => {
                "not a readable ZIP (its central directory is missing; the one at its end \
                 is that of a ZIP stored in it)"
                    .to_string()
            }
            Ok(archive) => {
                let listing = Listing::Directory(archive);
                return Ok(Zip { listing, unpacker });
            }
            Err(err) => format!("not a readable ZIP ({})", zip_fault(&err)),
        };
        let headers = LocalHeaders::walk(bytes, unpacker.limits.max_entries, damage)
            .map_err(|damage| (SkipReason::Malformed, damage))?;
        let listing = Listing::LocalHeaders(headers);
        Ok(Zip { listing, unpacker })
    }

    /// Why the archive is read from its entries' local headers, when it
    /// is: the file is read in part, or without its directory.
    pub fn damage(&self) -> Option<String> {
        let Listing::LocalHeaders(headers) = &self.listing else {
            return None;
        };
        let found = headers
            .entries
            .iter()
            .filter(|entry| !entry.name.ends_with('/'))
            .count();
        let entries = match found {
            1 => "1 entry read from its own header".to_string(),
            found => format!("{found} entries read from their own headers"),
        };
        let damage = &headers.damage;
        Some(match &headers.end {
            WalkEnd::Directory => format!("{damage}; all its {entries}"),
            WalkEnd::Limit => format!("{damage}; entries read from their own headers"),
            WalkEnd::Broken(why) => format!("{damage}; {entries}, then it breaks off ({why})"),
        })
    }

    /// Whether the archive, read from its entries' own headers, breaks off
    /// before its directory: entries past the break are lost.
    pub fn breaks_off(&self) -> bool {
        matches!(
            &self.listing,
            Listing::LocalHeaders(LocalHeaders {
                end: WalkEnd::Broken(_),
                ..
            })
        )
    }

    /// Its entries' names in the archive's order, folders included.
    fn names(&self) -> Vec<String> {
        match &self.listing {
            Listing::Directory(archive) => archive
                .file_names()
                .zip(archive.file_names_raw())
                .map(|(name, raw)| name_of(name, raw))
                .collect(),
            Listing::LocalHeaders(headers) => headers
                .entries
                .iter()
                .map(|entry| entry.name.clone())
                .collect(),
        }
    }

    /// Its files (not folders) in the archive's order: index and name.
    fn files(&self) -> Vec<(usize, String)> {
        self.names()
            .into_iter()
            .enumerate()
            .filter(|(_, name)| !name.ends_with('/'))
            .collect()
    }

    /// Whether its entry `index` is a symbolic link, as the directory's
    /// Unix mode says (an entry found by its own header has none).
    fn is_link(&mut self, index: usize) -> bool {
        match &mut self.listing {
            Listing::Directory(archive) => archive
                .by_index_raw(index)
                .is_ok_and(|entry| entry.is_symlink()),
            Listing::LocalHeaders(_) => false,
        }
    }

    /// Whether two of its entries have one name (only the last is read,
    /// as the zip crate keeps it).
    fn has_duplicate_names(&self) -> bool {
        match &self.listing {
            Listing::Directory(archive) => archive.has_duplicate_names(),
            // Files only: a folder listed twice hides nothing.
            Listing::LocalHeaders(headers) => {
                let files = headers
                    .entries
                    .iter()
                    .filter(|entry| !entry.name.ends_with('/'));
                let distinct = headers.by_name.keys().filter(|name| !name.ends_with('/'));
                files.count() > distinct.count()
            }
        }
    }

    /// The index of its entry called `name` (the last of that name), or
    /// else of the one whose name differs from it in ASCII case alone: a
    /// package's part names are not case-sensitive (Open Packaging
    /// Conventions; some tools write `Word/Document.xml`).
    fn index_for_name(&self, name: &str) -> Option<usize> {
        let exact = match &self.listing {
            Listing::Directory(archive) => archive.index_for_name(name),
            Listing::LocalHeaders(headers) => headers.by_name.get(name).copied(),
        };
        exact.or_else(|| {
            let names = self.names();
            let mut folded = names.iter().enumerate();
            folded
                .rfind(|(_, found)| found.eq_ignore_ascii_case(name))
                .map(|(index, _)| index)
        })
    }

    /// Whether it has an entry called `name`.
    pub fn holds(&self, name: &str) -> bool {
        self.index_for_name(name).is_some()
    }

    /// The entry called `name`, unpacked; `None` when there is none.
    pub fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, Refusal> {
        match self.index_for_name(name) {
            Some(index) => self
                .read_at(index, u64::MAX)
                .map(Some)
                .map_err(|(reason, message)| (reason, format!("{name}: {message}"))),
            None => Ok(None),
        }
    }

    fn read_at(&mut self, index: usize, cap: u64) -> Result<Vec<u8>, Refusal> {
        match &mut self.listing {
            Listing::Directory(archive) => {
                let entry = archive.by_index(index).map_err(|err| refusal_of(&err))?;
                let (packed, declared) = (entry.compressed_size(), entry.size());
                self.unpacker.unpack(entry, packed, declared, cap)
            }
            Listing::LocalHeaders(headers) => {
                let found = &headers.entries[index];
                let mut at = Cursor::new(headers.bytes);
                at.set_position(found.header);
                let entry = local_entry(&mut at, found.described)
                    .map_err(|err| refusal_of(&err))?
                    .ok_or_else(|| (SkipReason::Malformed, "no entry there".to_string()))?;
                let (packed, declared) = (entry.compressed_size(), entry.size());
                self.unpacker.unpack(entry, packed, declared, cap)
            }
        }
    }
}

/// An entry's name: UTF-8, else code page 437, as ZIP says (Windows'
/// "compressed folders" write accented names so), or 850 when it reads as
/// that ([`oem_zip_name`]: Windows in Spain or Latin America).
fn name_of(name: zip::result::ZipResult<std::borrow::Cow<'_, str>>, raw: &[u8]) -> String {
    match name {
        Ok(name) if std::str::from_utf8(raw).is_ok() => name.into_owned(),
        Ok(name) => oem_zip_name(raw, name.into_owned()),
        Err(_) => String::from_utf8_lossy(raw).into_owned(),
    }
}

impl<'a> LocalHeaders<'a> {
    /// The entries of `bytes` found by walking their local headers from
    /// the start, up to one past `max_entries` files (the listing stops
    /// there, saying so); `damage` (why the central directory was not read)
    /// when not one entry is found.
    fn walk(bytes: &'a [u8], max_entries: usize, damage: String) -> Result<Self, String> {
        if !bytes.starts_with(LOCAL_HEADER) {
            return Err(damage);
        }
        let mut at = Cursor::new(bytes);
        let (mut entries, mut files) = (Vec::new(), 0);
        let end = loop {
            if files > max_entries {
                break WalkEnd::Limit;
            }
            let start = at.position();
            let header = local_header(bytes, start);
            let rest = bytes.get(start as usize..).unwrap_or_default();
            if header.is_none() && rest.starts_with(LOCAL_HEADER) {
                break WalkEnd::Broken("an entry's header is cut short".to_string());
            }
            let described = match &header {
                Some(header) if header.sizes_follow => match descriptor_of(bytes, header) {
                    Some(found) => Some(found),
                    None => {
                        let why = format!(
                            "{} is cut short (no data descriptor follows it)",
                            header.name
                        );
                        break WalkEnd::Broken(why);
                    }
                },
                _ => None,
            };
            // Dropped, the entry steps over its data.
            let read = local_entry(&mut at, described).map(|entry| {
                entry.map(|entry| {
                    (
                        name_of(entry.name(), entry.name_raw()),
                        entry.compressed_size(),
                    )
                })
            });
            let (name, packed) = match (read, &header) {
                (Ok(Some(found)), _) => found,
                // An entry the zip crate does not unpack (encrypted, an
                // unknown method) is listed, to be refused when read, and
                // stepped over by its size.
                (Err(zip::result::ZipError::UnsupportedArchive(_)), Some(header)) => {
                    let packed = described
                        .map(|descriptor| descriptor.packed)
                        .or(header.packed);
                    let Some(packed) = packed else {
                        break WalkEnd::Broken(format!("{} gives no size", header.name));
                    };
                    (header.name.to_string(), packed)
                }
                // The central directory: every entry is listed.
                (Ok(None), _) => break WalkEnd::Directory,
                // Entries may have followed: nothing says how many.
                (Err(_), _) if start == bytes.len() as u64 => {
                    break WalkEnd::Broken("the file ends".to_string());
                }
                (Err(zip::result::ZipError::Io(err)), _)
                    if err.kind() == std::io::ErrorKind::UnexpectedEof =>
                {
                    break WalkEnd::Broken("an entry's header is cut short".to_string());
                }
                (Err(err), _) => break WalkEnd::Broken(zip_fault(&err)),
            };
            // An entry whose data the file's end cuts is where it breaks off.
            let data = header.map_or(u64::MAX, |header| header.data as u64);
            let Some(data_end) = data
                .checked_add(packed)
                .filter(|&end| end <= bytes.len() as u64)
            else {
                break WalkEnd::Broken(format!("{name} is cut short"));
            };
            at.set_position(described.map_or(data_end, |descriptor| descriptor.next as u64));
            files += usize::from(!name.ends_with('/'));
            entries.push(LocalEntry {
                name,
                header: start,
                described,
            });
        };
        if entries.is_empty() {
            return Err(damage);
        }
        let by_name = entries
            .iter()
            .enumerate()
            .map(|(index, entry)| (entry.name.clone(), index))
            .collect();
        Ok(LocalHeaders {
            bytes,
            entries,
            by_name,
            damage,
            end,
        })
    }
}

/// The entry whose local header the cursor is at; `described`, its sizes
/// and checksum when its header does not say them.
fn local_entry<'c, 'a>(
    at: &'c mut Cursor<&'a [u8]>,
    described: Option<Descriptor>,
) -> zip::result::ZipResult<Option<zip::read::ZipFile<'c, Cursor<&'a [u8]>>>> {
    match described {
        Some(descriptor) => {
            let options = zip::ZipReadOptions::new()
                .override_compressed_size(descriptor.packed)
                .override_uncompressed_size(descriptor.unpacked)
                .override_crc(descriptor.crc);
            zip::read::read_zipfile_from_stream_with_options(at, options)
        }
        None => zip::read::read_zipfile_from_stream(at),
    }
}

/// A ZIP entry's local header starts with these bytes.
const LOCAL_HEADER: &[u8] = b"PK\x03\x04";

/// What the walk reads of a local header itself.
struct LocalHeader<'a> {
    /// Its name, for messages.
    name: std::borrow::Cow<'a, str>,
    /// Whether its sizes follow its data (flag bit 3).
    sizes_follow: bool,
    /// Its packed size, unless it is ZIP64's (in the extra field).
    packed: Option<u64>,
    /// Whether its extra field holds ZIP64 sizes: its data descriptor's
    /// sizes are then 8 bytes wide, else 4 (APPNOTE 4.3.9).
    zip64: bool,
    /// Where its data starts.
    data: usize,
}

/// The local header at `start` of `bytes`, if one is whole there: 30
/// bytes (flags at 6, the name's and the extra field's lengths at 26 and
/// 28), then the name and the extra field.
fn local_header(bytes: &[u8], start: u64) -> Option<LocalHeader<'_>> {
    let start = usize::try_from(start).ok()?;
    let fixed = bytes.get(start..start.checked_add(30)?)?;
    if !fixed.starts_with(LOCAL_HEADER) {
        return None;
    }
    let field = |at: usize| usize::from(u16::from_le_bytes([fixed[at], fixed[at + 1]]));
    let packed = u32::from_le_bytes([fixed[18], fixed[19], fixed[20], fixed[21]]);
    let name_start = start + 30;
    let name = bytes.get(name_start..name_start + field(26))?;
    let data = name_start + field(26) + field(28);
    // The extra field's blocks: a tag, a length, that many bytes.
    let mut extra = bytes.get(name_start + field(26)..data).unwrap_or_default();
    let mut zip64 = false;
    while let [a, b, c, d, rest @ ..] = extra {
        zip64 |= [*a, *b] == [1, 0];
        extra = rest
            .get(usize::from(u16::from_le_bytes([*c, *d]))..)
            .unwrap_or_default();
    }
    (data <= bytes.len()).then(|| LocalHeader {
        name: String::from_utf8_lossy(name),
        sizes_follow: field(6) & 8 != 0,
        packed: (packed != u32::MAX).then_some(u64::from(packed)),
        zip64,
        data,
    })
}

/// What a data descriptor says of the entry before it.
#[derive(Clone, Copy)]
struct Descriptor {
    crc: u32,
    packed: u64,
    unpacked: u64,
    /// Where the next header starts.
    next: usize,
}

/// The data descriptor of the entry of `header`, whose sizes follow its
/// data (its optional signature, the CRC, then the packed and unpacked
/// sizes in 4 or, for ZIP64, 8 bytes each), as 7-Zip and libarchive find
/// it: the first whose packed size is its distance from the data and that
/// the next header (or the file's end) follows; else the first signed one
/// whose packed size is its distance.
fn descriptor_of(bytes: &[u8], header: &LocalHeader) -> Option<Descriptor> {
    let data = header.data;
    // Only ZIP64's are 8 bytes wide: a cut one read 4 bytes wide would
    // pass for whole.
    let width = if header.zip64 { 8 } else { 4 };
    const SIGNATURE: &[u8] = b"PK\x07\x08";
    let number = |at: usize, width: usize| {
        let field = bytes.get(at..at.checked_add(width)?)?;
        Some(
            field
                .iter()
                .rev()
                .fold(0u64, |n, &byte| n << 8 | u64::from(byte)),
        )
    };
    // The descriptor starting at `start` (its signature, if `signed`), when
    // its packed size is its distance.
    let at = |start: usize, signed: bool| {
        let fields = start + if signed { 4 } else { 0 };
        if signed && bytes.get(start..fields) != Some(SIGNATURE) {
            return None;
        }
        let packed = number(fields + 4, width)?;
        if packed != start.checked_sub(data)? as u64 {
            return None;
        }
        Some(Descriptor {
            crc: number(fields, 4)? as u32,
            packed,
            unpacked: number(fields + 4 + width, width)?,
            next: fields + 4 + 2 * width,
        })
    };
    // Where a header may follow a descriptor: a local header, the central
    // directory, its end records, or the file's end (which may cut the
    // next signature short).
    let header_at = |at: usize| {
        let rest = &bytes[at..];
        if rest.first().is_some_and(|&byte| byte != b'P') {
            return false;
        }
        [b"PK\x03\x04", b"PK\x01\x02", b"PK\x05\x06", b"PK\x06\x06"]
            .iter()
            .any(|signature| rest.starts_with(*signature) || signature.starts_with(rest))
    };
    let followed = (data..=bytes.len())
        .filter(|&at| header_at(at))
        .find_map(|end| {
            [true, false].into_iter().find_map(|signed| {
                let length = usize::from(signed) * 4 + 4 + 2 * width;
                at(end.checked_sub(length)?, signed)
            })
        });
    followed.or_else(|| {
        let mut from = data;
        while let Some(found) = bytes
            .get(from..)?
            .windows(SIGNATURE.len())
            .position(|window| window == SIGNATURE)
            .map(|at| from + at)
        {
            if let Some(descriptor) = at(found, true) {
                return Some(descriptor);
            }
            from = found + 1;
        }
        None
    })
}

/// A ZIP error on an entry as a refusal: encryption apart, malformed.
fn refusal_of(err: &zip::result::ZipError) -> Refusal {
    match err {
        zip::result::ZipError::UnsupportedArchive(what)
            if what.contains("ncrypt") || what.contains("assword") =>
        {
            (SkipReason::Encrypted, "encrypted".to_string())
        }
        _ => (
            SkipReason::Malformed,
            format!("cannot unpack ({})", zip_fault(err)),
        ),
    }
}

/// A ZIP error in a reader's words: the zip crate's messages name its own
/// types (`Unexpected end of zip::format::blocks::ZipCentralEntryBlock`)
/// and the format's abbreviations (CDFH, EOCD).
fn zip_fault(err: &zip::result::ZipError) -> String {
    let zip::result::ZipError::InvalidArchive(what) = err else {
        return err.to_string();
    };
    if what.starts_with("Unexpected end of") {
        return "a header is cut short".to_string();
    }
    let spelled = what
        .replace("CDFH", "central directory header")
        .replace("EOCD64", "ZIP64 end of central directory")
        .replace("EOCD", "end of central directory");
    let mut letters = spelled.chars();
    letters.next().map_or_else(String::new, |first| {
        first.to_lowercase().chain(letters).collect()
    })
}

/// An entry of a container, met in order, unpacked only if asked: excluded
/// entries and types cita does not read cost neither memory nor budget.
pub trait Entry {
    /// Its name in the container.
    fn name(&self) -> &str;
    /// Its bytes, refused past `cap` bytes (a format's own size limit) as
    /// past the limits.
    fn unpack(&mut self, cap: u64) -> Result<Vec<u8>, Refusal>;
}

/// What a container gives, in order.
pub enum Met<'e> {
    /// An entry.
    Entry(&'e mut dyn Entry),
    /// The end of what can be read, before the container's end: a limit
    /// reached or, [`SkipReason::Malformed`], a container broken off (a
    /// copy cut short), whose entries past the break are lost. What came
    /// before is read (a ZIP read from its entries' own headers says where
    /// it breaks off before them).
    Stopped(Refusal),
    /// Entries that cannot be read, the others being read: a ZIP's
    /// entries whose names repeat an earlier one's.
    Missed(Refusal),
}

struct ZipEntry<'z, 'a> {
    zip: &'z mut Zip<'a>,
    index: usize,
    name: String,
}

impl Entry for ZipEntry<'_, '_> {
    fn name(&self) -> &str {
        &self.name
    }

    fn unpack(&mut self, cap: u64) -> Result<Vec<u8>, Refusal> {
        self.zip.read_at(self.index, cap)
    }
}

/// Hands each file entry of a ZIP bundle to `each`, in the archive's order.
/// Past [`Limits::max_entries`] it stops, saying so.
pub fn each_zip_entry(
    bytes: &[u8],
    unpacker: &Unpacker,
    mut each: impl FnMut(Met<'_>),
) -> Result<(), Refusal> {
    let mut zip = Zip::open(bytes, unpacker)?;
    if let Some(damage) = zip.damage() {
        let damage = (SkipReason::Malformed, damage);
        each(match zip.breaks_off() {
            true => Met::Stopped(damage),
            false => Met::Missed(damage),
        });
    }
    // The zip crate keeps one entry of a name (the last one's data).
    if zip.has_duplicate_names() {
        let message = "holds entries of one name; only the last of each is read".to_string();
        each(Met::Missed((SkipReason::Malformed, message)));
    }
    let mut count = 0;
    for (index, name) in zip.files() {
        if is_hidden_entry(&name) {
            continue;
        }
        if let Some(refusal) = past_entry_limit(unpacker, count) {
            each(Met::Stopped(refusal));
            break;
        }
        count += 1;
        // A link's data is the path it points to, not a document (a tar's
        // links are skipped alike).
        if zip.is_link(index) {
            continue;
        }
        each(Met::Entry(&mut ZipEntry {
            zip: &mut zip,
            index,
            name,
        }));
    }
    Ok(())
}

/// Hands each file entry of a tar bundle (gzipped when it starts with
/// gzip's magic bytes) to `each`, as [`each_zip_entry`]. A tar stream, or
/// a gzip stream, that breaks off stops there, saying so: the entries
/// before the break are read (a download or a copy cut short).
pub fn each_tar_entry(
    bytes: &[u8],
    unpacker: &Unpacker,
    mut each: impl FnMut(Met<'_>),
) -> Result<(), Refusal> {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return whole_tar(bytes, unpacker, each);
    }
    // The whole stream is one entry to the ratio: a tar.gz bomb is a small
    // file that inflates to a huge tar.
    let (inflated, cut) = unpacker.unpack_partly(
        flate2::read::MultiGzDecoder::new(bytes),
        bytes.len() as u64,
        None,
        u64::MAX,
    );
    let (reason, message) = match cut {
        None => return whole_tar(&inflated, unpacker, each),
        Some(Cut::Broken(err)) => (
            SkipReason::Malformed,
            format!("the gzip stream cannot unpack ({err})"),
        ),
        Some(Cut::Limit((reason, message))) => {
            unpacker.charge(inflated.len() as u64)?;
            (reason, format!("the gzip stream {message}"))
        }
    };
    // Not one tar header before the stop: the stream is what is wrong.
    if inflated.len() < TAR_BLOCK {
        return Err((reason, message));
    }
    // The tar stops where the gzip stream does: one warning says so.
    if each_tar_entry_of(&inflated, unpacker, &mut each).is_err() {
        return Err((reason, message));
    }
    each(Met::Stopped((
        reason,
        format!("{message}: the entries before it are read"),
    )));
    Ok(())
}

/// Why [`Unpacker::unpack_partly`] stopped before its stream's end.
enum Cut {
    /// The stream breaks off (a copy cut short) or is damaged there.
    Broken(std::io::Error),
    /// It passes a limit (the ratio, the budget, the format's cap).
    Limit(Refusal),
}

/// The size of a tar header, and of the blocks of its entries.
const TAR_BLOCK: usize = 512;

/// A tar entry: stored bytes already held (the tar's own, charged when it
/// was read or inflated), so unpacking copies them without charging again.
struct TarEntry<'t, 'a, R: Read> {
    entry: &'t mut tar::Entry<'a, R>,
    name: String,
}

impl<R: Read> Entry for TarEntry<'_, '_, R> {
    fn name(&self) -> &str {
        &self.name
    }

    fn unpack(&mut self, cap: u64) -> Result<Vec<u8>, Refusal> {
        let size = self.entry.size();
        if size > cap {
            return Err(over_cap(size));
        }
        // Room for what the header says, up to 64 MB: a tar's header may
        // claim more than its entry holds, and a gzipped one cannot be
        // checked before it is read.
        let mut bytes = Vec::with_capacity(usize::try_from(size.min(1 << 26)).unwrap_or(0));
        match self.entry.read_to_end(&mut bytes) {
            Ok(_) if (bytes.len() as u64) < size => Err((
                SkipReason::Malformed,
                format!("cut short ({} of {size} bytes)", bytes.len()),
            )),
            Ok(_) => Ok(bytes),
            Err(err) => Err((SkipReason::Malformed, format!("cannot read ({err})"))),
        }
    }
}

/// Hands each file entry of the tar in `bytes` to `each`, saying where it
/// breaks off if it does.
fn whole_tar(
    bytes: &[u8],
    unpacker: &Unpacker,
    mut each: impl FnMut(Met<'_>),
) -> Result<(), Refusal> {
    if let Some(broken) = each_tar_entry_of(bytes, unpacker, &mut each)? {
        each(Met::Stopped(broken));
    }
    Ok(())
}

/// Hands each file entry of the tar in `bytes` to `each`, reading on past
/// a damaged header; where it breaks off, the refusal saying so.
fn each_tar_entry_of(
    bytes: &[u8],
    unpacker: &Unpacker,
    mut each: impl FnMut(Met<'_>),
) -> Result<Option<Refusal>, Refusal> {
    let (mut start, mut met, mut damaged_headers) = (0, TarMet::default(), 0);
    // The limit on entries, when reached: said last, as it was met last.
    let mut limit = None;
    // Said once the tar is known to be one (a file of nothing but damage
    // is one refusal).
    let mut notes = Vec::new();
    let end = loop {
        let stop = each_tar_entry_from(bytes, start, unpacker, &mut met, &mut each);
        let (read, err) = match stop {
            None => break Ok(None),
            Some(TarStop::Limit(refusal)) => {
                limit = Some(refusal);
                break Ok(None);
            }
            // Its size is under its header's checksum: the tar was cut.
            Some(TarStop::Cut(name)) => {
                let message = format!("the tar breaks off ({name} is cut short)");
                break Ok(Some((SkipReason::Malformed, message)));
            }
            Some(TarStop::Unmarked) => {
                let message = "the tar breaks off after its last whole entry (no end-of-archive block follows it)";
                break Ok(Some((SkipReason::Malformed, message.to_string())));
            }
            Some(TarStop::Damaged { read, err }) => (read, err),
        };
        // Read to the end: cut short, not damaged.
        let eof = read >= bytes.len();
        let err = tar_error(&err);
        // The block read last is the one that does not read; as GNU tar
        // does ("skipping to next header"), it loses its entry, not the
        // rest. The search starts where the reading stopped (extension
        // headers, a long name, sparse maps included), so every step moves
        // on and no byte is read twice.
        let header = read.saturating_sub(TAR_BLOCK).max(start);
        let next = match eof {
            true => None,
            false => next_tar_header(bytes, read.max(start + TAR_BLOCK)),
        };
        match next {
            Some(next) => {
                damaged_headers += 1;
                if damaged_headers <= SAID_DAMAGED_HEADERS {
                    notes.push(format!(
                        "a damaged tar header at byte {header} ({err}); read on from the next header, at byte {next}"
                    ));
                }
                start = next;
            }
            None if met.headers == 0 => {
                break Err((SkipReason::Malformed, format!("not a readable tar ({err})")));
            }
            None if eof => {
                break Ok(Some((
                    SkipReason::Malformed,
                    format!("the tar breaks off ({err})"),
                )));
            }
            None => {
                let message =
                    format!("a damaged tar header at byte {header} ({err}); no header after it");
                break Ok(Some((SkipReason::Malformed, message)));
            }
        }
    };
    if end.is_ok() {
        if let Some(more) = damaged_headers
            .checked_sub(SAID_DAMAGED_HEADERS)
            .filter(|&more| more > 0)
        {
            notes.push(format!(
                "{more} more damaged tar headers, each read past to the next"
            ));
        }
        if met.sparse > 0 {
            notes.push(format!(
                "holds {} sparse {} (disk images, databases: files with holes), not read",
                met.sparse,
                if met.sparse == 1 { "file" } else { "files" }
            ));
        }
        for note in notes {
            each(Met::Missed((SkipReason::Malformed, note)));
        }
    }
    if let Some(refusal) = limit {
        each(Met::Stopped(refusal));
    }
    end
}

/// What a tar's reading has met so far.
#[derive(Default)]
struct TarMet {
    /// File entries handed over.
    files: usize,
    /// Headers read, of any kind.
    headers: usize,
    /// Sparse files left out.
    sparse: usize,
}

/// The damaged tar headers said one by one in a file's warnings; the
/// others are counted in one more.
const SAID_DAMAGED_HEADERS: usize = 3;

/// Where a tar stops reading, and why.
enum TarStop {
    /// A read that fails (a header whose checksum does not hold, most
    /// often), the bytes read by then: the tar reads on from the next
    /// header.
    Damaged { read: usize, err: std::io::Error },
    /// The entry of that name runs past the end: the tar was cut there.
    Cut(String),
    /// The file ends where a header would start, without the zero block
    /// that ends a tar: the tar was cut between two entries (GNU tar,
    /// bsdtar and Python read such a tar without a word).
    Unmarked,
    /// One entry past `--max-entries`: said after what was met before it.
    Limit(Refusal),
}

/// A tar error as words: the tar crate quotes a damaged header's bytes,
/// which would put binary garbage into a warning (`numeric field was not a
/// number: <bytes> when getting cksum for <bytes>` is said as `a header's
/// cksum field is not a number`).
fn tar_error(err: &std::io::Error) -> String {
    let message = err.to_string();
    if message.starts_with("numeric field")
        && let Some((_, getting)) = message.split_once(" when getting ")
        && let Some((field, _)) = getting.split_once(" for ")
        && field.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ')
    {
        return format!("a header's {field} field is not a number");
    }
    let mut words = String::new();
    for c in message.chars() {
        match c {
            c if c.is_control() || c == char::REPLACEMENT_CHARACTER => {
                if !words.ends_with('…') {
                    words.push('…');
                }
            }
            c => words.push(c),
        }
    }
    words
}

/// `bytes` from `at` as a reader that says how far it has read.
struct Counted<'b> {
    bytes: &'b [u8],
    at: &'b Cell<usize>,
}

impl Read for Counted<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let rest = self.bytes.get(self.at.get()..).unwrap_or_default();
        let n = rest.len().min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.at.set(self.at.get() + n);
        Ok(n)
    }
}

/// Hands the file entries of the tar in `bytes` from `start` to `each`,
/// counting in `met` what it meets, until its end (`None`), a read that
/// fails, an entry cut short or one past the limit on entries.
fn each_tar_entry_from(
    bytes: &[u8],
    start: usize,
    unpacker: &Unpacker,
    met: &mut TarMet,
    each: &mut impl FnMut(Met<'_>),
) -> Option<TarStop> {
    let read = Cell::new(start);
    // Where the blocks of the last entry read end (0: none read).
    let mut entries_end = 0;
    let mut archive = tar::Archive::new(Counted { bytes, at: &read });
    let listed = match archive.entries() {
        Ok(listed) => listed,
        Err(err) => {
            return Some(TarStop::Damaged {
                read: read.get(),
                err,
            });
        }
    };
    for entry in listed {
        let mut entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                return Some(TarStop::Damaged {
                    read: read.get(),
                    err,
                });
            }
        };
        met.headers += 1;
        // `tar -C folder .` names every entry `./…`: the same entry as
        // without it, which a citation need not carry.
        let name = decode_name(&entry.path_bytes())
            .trim_start_matches("./")
            .to_string();
        // Its data runs past the end: cut there (its size is under its
        // header's checksum, or its pax header's). A sparse file holds
        // fewer bytes than its size.
        let kind = entry.header().entry_type();
        let held = match kind.is_gnu_sparse() {
            true => entry.header().entry_size().ok(),
            false => Some(entry.size()),
        };
        let end =
            held.and_then(|held| (start as u64 + entry.raw_file_position()).checked_add(held));
        let Some(end) = end.filter(|&end| end <= bytes.len() as u64) else {
            return Some(TarStop::Cut(name));
        };
        entries_end = end.next_multiple_of(TAR_BLOCK as u64);
        // Sparse files are not read: their holes unpack to zeros no limit
        // is charged for. POSIX (pax) ones are plain files to the tar
        // crate, whose data begins with the map of their holes.
        let posix_sparse = entry
            .pax_extensions()
            .ok()
            .flatten()
            .is_some_and(|mut records| {
                records.any(|record| {
                    record.is_ok_and(|record| record.key_bytes().starts_with(b"GNU.sparse."))
                })
            });
        if kind.is_gnu_sparse() || posix_sparse {
            met.sparse += 1;
            continue;
        }
        // A contiguous file (`7`) is a regular file to every reader since
        // the systems that preallocated them.
        if !(kind.is_file() || kind.is_contiguous()) {
            continue;
        }
        if is_hidden_entry(&name) {
            continue;
        }
        if let Some(refusal) = past_entry_limit(unpacker, met.files) {
            return Some(TarStop::Limit(refusal));
        }
        met.files += 1;
        each(Met::Entry(&mut TarEntry {
            entry: &mut entry,
            name,
        }));
    }
    // The reading stops at the first zero block, or at the file's end: at
    // the end with nothing after the last entry's blocks, no zero block
    // ended it (a lone one at the very end is an end, as GNU tar takes it;
    // an entry's last block of zeros is its data, not an end).
    let unmarked =
        read.get() >= bytes.len() && entries_end > 0 && bytes.len() as u64 <= entries_end;
    unmarked.then_some(TarStop::Unmarked)
}

/// Where the first tar header at or after `from` starts: a block whose
/// checksum is its own (the sum of its bytes, the checksum's field read as
/// spaces), as GNU tar finds one after a damaged header. `None` when no
/// block holds one before the end (an end-of-archive block is no header).
fn next_tar_header(bytes: &[u8], from: usize) -> Option<usize> {
    let mut at = from.checked_next_multiple_of(TAR_BLOCK)?;
    while let Some(block) = bytes.get(at..at.checked_add(TAR_BLOCK)?) {
        let written = std::str::from_utf8(&block[148..156])
            .ok()
            .map(|field| field.trim_matches(|c: char| c == '\0' || c == ' '))
            .and_then(|field| u32::from_str_radix(field, 8).ok());
        let sum: u32 = block
            .iter()
            .enumerate()
            .map(|(at, &byte)| {
                if (148..156).contains(&at) {
                    u32::from(b' ')
                } else {
                    u32::from(byte)
                }
            })
            .sum();
        if written == Some(sum) && block.iter().any(|&byte| byte != 0) {
            return Some(at);
        }
        at += TAR_BLOCK;
    }
    None
}

/// An attachment already decoded from its message: its bytes charged to
/// the budget when unpacked.
pub struct Attached<'u> {
    /// Its name.
    pub name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// The budget it draws on.
    pub unpacker: &'u Unpacker,
}

impl Entry for Attached<'_> {
    fn name(&self) -> &str {
        &self.name
    }

    fn unpack(&mut self, cap: u64) -> Result<Vec<u8>, Refusal> {
        let size = self.bytes.len() as u64;
        if size > cap {
            return Err(over_cap(size));
        }
        self.unpacker.charge(size)?;
        Ok(std::mem::take(&mut self.bytes))
    }
}

/// The refusal of an entry of `size` bytes, past its format's size cap.
fn over_cap(size: u64) -> Refusal {
    (
        SkipReason::TooLarge,
        format!(
            "{} MB, more than cita reads of its type",
            size.div_ceil(1 << 20)
        ),
    )
}

/// What stops a container's listing at its `count`th entry (from 0): past
/// [`Limits::max_entries`], a refusal saying so.
pub(super) fn past_entry_limit(unpacker: &Unpacker, count: usize) -> Option<Refusal> {
    (count == unpacker.limits.max_entries).then(|| too_many_entries(unpacker))
}

fn too_many_entries(unpacker: &Unpacker) -> Refusal {
    (
        SkipReason::TooLarge,
        format!(
            "more than {} entries (--max-entries); the rest are left out",
            unpacker.limits.max_entries
        ),
    )
}

#[cfg(test)]
pub(in crate::ingest) mod tests {
    use std::io::Write;

    use super::*;

    /// A ZIP of `entries`, each a name and its contents, deflated.
    pub(in crate::ingest) fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, contents) in entries {
            writer.start_file(*name, options).unwrap();
            writer.write_all(contents).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    fn entries(bytes: &[u8], limits: Limits) -> Vec<(String, Result<usize, SkipReason>)> {
        let unpacker = Unpacker::new(limits);
        let mut seen = Vec::new();
        each_zip_entry(bytes, &unpacker, |met| match met {
            Met::Entry(entry) => seen.push((
                entry.name().to_string(),
                entry.unpack(u64::MAX).map(|b| b.len()).map_err(|r| r.0),
            )),
            Met::Stopped((reason, _)) | Met::Missed((reason, _)) => {
                seen.push((String::new(), Err(reason)))
            }
        })
        .unwrap();
        seen
    }

    #[test]
    fn a_symbolic_link_in_a_zip_is_not_an_entry() {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        writer.start_file("notes.txt", options).unwrap();
        writer.write_all(b"notes").unwrap();
        writer
            .add_symlink("link.txt", "/etc/passwd", options)
            .unwrap();
        let bytes = writer.finish().unwrap().into_inner();
        assert_eq!(
            entries(&bytes, Limits::default()),
            [("notes.txt".to_string(), Ok(5))]
        );
    }

    #[test]
    fn entries_of_one_name_are_said_to_be_missed() {
        // The zip crate writes no such archive: the second name is made
        // the first's afterwards (names are outside the checksums).
        let mut bytes = zip(&[("notes.txt", b"first"), ("notez.txt", b"second!")]);
        for at in 0..bytes.len() - 9 {
            if &bytes[at..at + 9] == b"notez.txt" {
                bytes[at..at + 9].copy_from_slice(b"notes.txt");
            }
        }
        assert_eq!(
            entries(&bytes, Limits::default()),
            [
                (String::new(), Err(SkipReason::Malformed)),
                ("notes.txt".to_string(), Ok(7)),
            ]
        );
    }

    /// A ZIP of `entries` written as a streaming zipper writes it: each
    /// entry's sizes and checksum in a data descriptor after its data.
    fn streamed_zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new_stream(Vec::new());
        for (at, (name, contents)) in entries.iter().enumerate() {
            // Stored and deflated entries in turn.
            let method = match at % 2 {
                0 => zip::CompressionMethod::Deflated,
                _ => zip::CompressionMethod::Stored,
            };
            let options = zip::write::SimpleFileOptions::default().compression_method(method);
            writer.start_file(*name, options).unwrap();
            writer.write_all(contents).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    #[test]
    fn a_zip_cut_anywhere_keeps_every_entry_before_the_cut() {
        let texts: Vec<Vec<u8>> = (0..4)
            .map(|n| format!("Entry {n}: {}", "palabra ".repeat(20 + 30 * n)).into_bytes())
            .collect();
        let names = ["a.txt", "folder/b.txt", "c.txt", "d.txt"];
        let listed: Vec<(&str, &[u8])> = names
            .iter()
            .zip(&texts)
            .map(|(name, text)| (*name, text.as_slice()))
            .collect();
        // Sizes in each local header, or in a descriptor after the data
        // (which must be whole for the entry to be found), with its
        // signature or without (the signature is optional).
        let streamed = streamed_zip(&listed);
        let mut unsigned = Vec::new();
        let mut rest = streamed.as_slice();
        while let Some(at) = rest.windows(4).position(|window| window == b"PK\x07\x08") {
            unsigned.extend_from_slice(&rest[..at]);
            rest = &rest[at + 4..];
        }
        unsigned.extend_from_slice(rest);
        assert_eq!(unsigned.len(), streamed.len() - 4 * names.len());
        let plain = zip(&listed);
        for (bytes, intact, signature) in [
            (plain.clone(), plain, None),
            (streamed.clone(), streamed.clone(), Some(4)),
            (unsigned, streamed, Some(0)),
        ] {
            // Where each entry ends, from the intact archive (whose
            // directory the one without signatures has wrong).
            let mut archive = ZipArchive::new(Cursor::new(intact.as_slice())).unwrap();
            let ends: Vec<u64> = (0..names.len())
                .map(|at| {
                    let entry = archive.by_index(at).unwrap();
                    let end = entry.data_start().unwrap() + entry.compressed_size();
                    match signature {
                        None => end,
                        // Each earlier descriptor's signature gone too.
                        Some(signature) => end + 12 + signature - (4 - signature) * at as u64,
                    }
                })
                .collect();
            let directory = bytes
                .windows(4)
                .position(|window| window == b"PK\x01\x02")
                .unwrap();
            for cut in 0..bytes.len() {
                let unpacker = Unpacker::new(Limits::default());
                let (mut read, mut said) = (Vec::new(), Vec::new());
                let listed = each_zip_entry(&bytes[..cut], &unpacker, |met| match met {
                    Met::Entry(entry) => {
                        let name = entry.name().to_string();
                        read.push((name, entry.unpack(u64::MAX).map_err(|r| r.1)));
                    }
                    Met::Stopped((_, message)) | Met::Missed((_, message)) => said.push(message),
                });
                let whole: Vec<(String, Result<Vec<u8>, String>)> = names
                    .iter()
                    .zip(&texts)
                    .zip(&ends)
                    .filter(|(_, end)| **end <= cut as u64)
                    .map(|((name, text), _)| (name.to_string(), Ok(text.clone())))
                    .collect();
                if whole.is_empty() {
                    assert!(listed.is_err(), "cut at {cut}: {read:?}");
                    continue;
                }
                assert_eq!(read, whole, "cut at {cut} ({signature:?})");
                assert_eq!(said.len(), 1, "cut at {cut}: {said:?}");
                assert!(said[0].starts_with("not a readable ZIP"), "{said:?}");
                assert!(!said[0].contains("::"), "a type's name: {said:?}");
                // Only a directory's signature says no entry is missing.
                let breaks_off = said[0].contains("then it breaks off");
                assert_eq!(breaks_off, cut < directory + 4, "cut at {cut}: {said:?}");
            }
        }
    }

    #[test]
    fn the_directory_of_a_zip_stored_in_a_cut_one_is_not_taken_for_its_own() {
        let inner = zip(&[("inner.txt", b"inside")]);
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, contents) in [
            ("a.txt", &b"first"[..]),
            ("pack.zip", &inner),
            ("c.txt", b"third"),
        ] {
            writer.start_file(name, stored).unwrap();
            writer.write_all(contents).unwrap();
        }
        let mut bytes = writer.finish().unwrap().into_inner();
        let directory = bytes.len() - 22 - (3 * 46 + 5 + 8 + 5);
        assert_eq!(&bytes[directory..directory + 4], b"PK\x01\x02");
        bytes.truncate(directory + 10);
        assert_eq!(
            entries(&bytes, Limits::default()),
            [
                (String::new(), Err(SkipReason::Malformed)),
                ("a.txt".to_string(), Ok(5)),
                ("pack.zip".to_string(), Ok(inner.len())),
                ("c.txt".to_string(), Ok(5)),
            ]
        );
    }

    #[test]
    fn a_zip64_descriptor_cut_short_is_no_descriptor() {
        let mut writer = zip::ZipWriter::new_stream(Vec::new());
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .large_file(true);
        writer.start_file("a.txt", options).unwrap();
        writer.write_all(b"hello hello hello").unwrap();
        let signed = writer.finish().unwrap().into_inner();
        let at = signed.windows(4).position(|w| w == b"PK\x07\x08").unwrap();
        let unsigned = [&signed[..at], &signed[at + 4..]].concat();
        for (bytes, length) in [(signed, 24), (unsigned, 20)] {
            for cut in at..=at + length {
                let unpacker = Unpacker::new(Limits::default());
                let mut read = Vec::new();
                let listed = each_zip_entry(&bytes[..cut], &unpacker, |met| {
                    if let Met::Entry(entry) = met {
                        read.push(entry.unpack(u64::MAX).map_err(|r| r.1));
                    }
                });
                match cut - at {
                    whole if whole == length => {
                        assert_eq!(read, [Ok(b"hello hello hello".to_vec())], "{length}");
                    }
                    part => assert!(listed.is_err(), "{part} of {length} bytes: {read:?}"),
                }
            }
        }
    }

    #[test]
    fn an_entry_cita_cannot_unpack_is_stepped_over_by_its_size() {
        let texts: [&[u8]; 3] = [b"first entry", b"the locked one", b"third entry"];
        let names = ["a.txt", "b.txt", "c.txt"];
        let listed: Vec<(&str, &[u8])> = names.iter().copied().zip(texts).collect();
        for mut bytes in [zip(&listed), streamed_zip(&listed)] {
            // b.txt's header says it is encrypted (flag bit 0), and the
            // directory is cut off.
            let second = bytes
                .windows(4)
                .enumerate()
                .filter(|(_, window)| *window == LOCAL_HEADER)
                .nth(1)
                .unwrap()
                .0;
            bytes[second + 6] |= 1;
            let directory = bytes
                .windows(4)
                .position(|window| window == b"PK\x01\x02")
                .unwrap();
            bytes.truncate(directory + 10);
            assert_eq!(
                entries(&bytes, Limits::default()),
                [
                    (String::new(), Err(SkipReason::Malformed)),
                    ("a.txt".to_string(), Ok(11)),
                    ("b.txt".to_string(), Err(SkipReason::Encrypted)),
                    ("c.txt".to_string(), Ok(11)),
                ]
            );
        }
    }

    #[test]
    fn a_zip_with_a_damaged_central_directory_is_read_from_its_local_headers() {
        let bytes = zip(&[("a.txt", b"first"), ("b/", b""), ("b/c.txt", b"second")]);
        // The end record's signature, or the length of the directory's
        // first name.
        let directory = bytes
            .windows(4)
            .position(|window| window == b"PK\x01\x02")
            .unwrap();
        for damaged in [bytes.len() - 22, directory + 28] {
            let mut bytes = bytes.clone();
            bytes[damaged] ^= 0x55;
            assert_eq!(
                entries(&bytes, Limits::default()),
                [
                    (String::new(), Err(SkipReason::Malformed)),
                    ("a.txt".to_string(), Ok(5)),
                    ("b/c.txt".to_string(), Ok(6)),
                ]
            );
            let unpacker = Unpacker::new(Limits::default());
            let mut zip = Zip::open(&bytes, &unpacker).unwrap();
            assert!(
                zip.damage()
                    .is_some_and(|damage| damage.contains("its 2 entries"))
            );
            assert_eq!(zip.read("b/c.txt").unwrap().unwrap(), b"second");
            // Stopped at the limit on entries, the walk claims no count.
            let limits = Limits {
                max_entries: 1,
                ..Limits::default()
            };
            let unpacker = Unpacker::new(limits);
            let damage = Zip::open(&bytes, &unpacker).unwrap().damage().unwrap();
            assert!(
                damage.ends_with("; entries read from their own headers"),
                "{damage}"
            );
        }
        // A folder listed twice hides no file (the second name is made the
        // first's afterwards, as above; the directory is cut off).
        let mut twice = zip(&[("dir1/", b""), ("dir2/", b""), ("dir1/c.txt", b"x")]);
        for at in 0..twice.len() - 5 {
            if &twice[at..at + 5] == b"dir2/" {
                twice[at..at + 5].copy_from_slice(b"dir1/");
            }
        }
        let directory = twice.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
        twice.truncate(directory + 4);
        assert_eq!(
            entries(&twice, Limits::default()),
            [
                (String::new(), Err(SkipReason::Malformed)),
                ("dir1/c.txt".to_string(), Ok(1)),
            ]
        );
        // Intact, nothing is said.
        let unpacker = Unpacker::new(Limits::default());
        assert_eq!(Zip::open(&bytes, &unpacker).unwrap().damage(), None);
    }

    #[test]
    fn the_ratio_refuses_a_bomb_but_not_small_repetitive_entries() {
        let bomb = vec![0u8; 40 << 20];
        let small = vec![b'a'; 100_000];
        let bytes = zip(&[("bomb.bin", &bomb), ("small.txt", &small)]);
        assert_eq!(
            entries(&bytes, Limits::default()),
            [
                ("bomb.bin".to_string(), Err(SkipReason::TooLarge)),
                ("small.txt".to_string(), Ok(100_000)),
            ]
        );
    }

    #[test]
    fn the_budget_is_shared_by_every_entry_and_the_entry_count_capped() {
        let limits = Limits {
            max_unpacked_bytes: 250_000,
            max_ratio: u64::MAX,
            ..Limits::default()
        };
        let block = vec![b'a'; 100_000];
        let bytes = zip(&[("1", &block), ("2", &block), ("3", &block)]);
        let read: Vec<_> = entries(&bytes, limits).into_iter().map(|e| e.1).collect();
        assert_eq!(read, [Ok(100_000), Ok(100_000), Err(SkipReason::TooLarge)]);

        let limits = Limits {
            max_entries: 2,
            ..Limits::default()
        };
        let names: Vec<_> = entries(&bytes, limits).into_iter().map(|e| e.0).collect();
        assert_eq!(
            names,
            ["1", "2", ""],
            "a nameless refusal says the rest are left out"
        );
    }

    #[test]
    fn an_entry_over_its_format_s_cap_is_refused_unread() {
        let bytes = zip(&[("big.txt", &[b'a'; 2000])]);
        let unpacker = Unpacker::new(Limits::default());
        each_zip_entry(&bytes, &unpacker, |met| {
            let Met::Entry(entry) = met else {
                panic!("one entry")
            };
            assert_eq!(entry.unpack(1000).unwrap_err().0, SkipReason::TooLarge);
        })
        .unwrap();
        assert_eq!(unpacker.unpacked.get(), 0, "nothing charged");
    }

    /// A tar of `(name, data)` entries, GNU headers, closed by its zero blocks.
    fn tar_of<N: AsRef<str>, D: AsRef<[u8]>>(entries: impl IntoIterator<Item = (N, D)>) -> Vec<u8> {
        let mut builder = tar::Builder::new(Vec::new());
        for (name, data) in entries {
            let data = data.as_ref();
            let mut header = tar::Header::new_gnu();
            header.set_size(data.len() as u64);
            header.set_cksum();
            builder
                .append_data(&mut header, name.as_ref(), data)
                .unwrap();
        }
        builder.into_inner().unwrap()
    }

    /// A GNU header of an entry of `kind` and `size` bytes named `name`
    /// byte for byte, in whatever encoding (the tar crate's writer takes
    /// names as paths).
    fn gnu_header(name: &[u8], kind: tar::EntryType, size: u64) -> tar::Header {
        let mut header = tar::Header::new_gnu();
        header.as_old_mut().name[..name.len()].copy_from_slice(name);
        header.set_entry_type(kind);
        header.set_size(size);
        header.set_mode(0o644);
        header.set_cksum();
        header
    }

    #[test]
    fn a_tar_name_that_is_not_utf8_is_read_as_windows_1252() {
        let mut builder = tar::Builder::new(Vec::new());
        let mut file = |name: &[u8]| {
            let header = gnu_header(name, tar::EntryType::Regular, 4);
            builder.append(&header, &b"data"[..]).unwrap();
        };
        // In the header's own field, as Python's tarfile writes a Latin-1 name.
        file(b"informe a\xf1o.txt");
        file("informe año.txt".as_bytes());
        // Past the field's 100 bytes, in a GNU long name entry before its header.
        let long = [b"a\xf1o/".repeat(30).as_slice(), b"informe.txt"].concat();
        let long_name = [long.as_slice(), b"\0"].concat();
        let kind = tar::EntryType::GNULongName;
        let header = gnu_header(b"././@LongLink", kind, long_name.len() as u64);
        builder.append(&header, long_name.as_slice()).unwrap();
        let header = gnu_header(&long[..100], tar::EntryType::Regular, 4);
        builder.append(&header, &b"data"[..]).unwrap();
        let names = tar_names(&builder.into_inner().unwrap());
        let long = format!("{}informe.txt", "año/".repeat(30));
        assert_eq!(names, ["informe año.txt", "informe año.txt", long.as_str()]);
    }

    /// The names of a tar's entries, as they are handed over.
    fn tar_names(bytes: &[u8]) -> Vec<String> {
        let unpacker = Unpacker::new(Limits::default());
        let mut names = Vec::new();
        each_tar_entry(bytes, &unpacker, |met| {
            if let Met::Entry(entry) = met {
                names.push(entry.name().to_string());
            }
        })
        .unwrap();
        names
    }

    #[test]
    fn a_tar_entry_s_leading_dot_slash_is_left_out_of_its_name() {
        let mut builder = tar::Builder::new(Vec::new());
        for name in [&b"./paquete/notas.txt"[..], b"././a.txt", b"b.txt"] {
            let header = gnu_header(name, tar::EntryType::Regular, 4);
            builder.append(&header, &b"data"[..]).unwrap();
        }
        let names = tar_names(&builder.into_inner().unwrap());
        assert_eq!(names, ["paquete/notas.txt", "a.txt", "b.txt"]);
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gzip.write_all(bytes).unwrap();
        gzip.finish().unwrap()
    }

    #[test]
    fn a_tar_that_breaks_off_keeps_what_came_before() {
        let mut bytes = tar_of([("a.txt", [b'x'; 600]), ("b.txt", [b'x'; 600])]);
        bytes.truncate(512 + 1024 + 512 + 100);
        let unpacker = Unpacker::new(Limits::default());
        let mut seen = Vec::new();
        each_tar_entry(&bytes, &unpacker, |met| match met {
            Met::Entry(entry) => {
                seen.push((entry.name().to_string(), entry.unpack(u64::MAX).is_ok()))
            }
            Met::Stopped(_) | Met::Missed(_) => seen.push((String::new(), false)),
        })
        .unwrap();
        // The cut entry is not handed over: one warning says where it broke.
        assert_eq!(seen, [("a.txt".to_string(), true), (String::new(), false)]);
    }

    #[test]
    fn a_gzipped_tar_past_a_limit_keeps_the_entries_before_it() {
        let zeros = vec![0u8; (RATIO_FREE_BYTES + (1 << 20)) as usize];
        let bytes = gzip(&tar_of([
            ("a.txt", &b"before"[..]),
            ("zeros.bin", &zeros),
            ("z.txt", b"after"),
        ]));
        let unpacker = Unpacker::new(Limits::default());
        let (mut names, mut said) = (Vec::new(), Vec::new());
        each_tar_entry(&bytes, &unpacker, |met| match met {
            Met::Entry(entry) => names.push(entry.name().to_string()),
            Met::Stopped(refusal) | Met::Missed(refusal) => said.push(refusal),
        })
        .unwrap();
        assert_eq!(names, ["a.txt"]);
        assert_eq!(said.len(), 1);
        assert_eq!(said[0].0, SkipReason::TooLarge);
        assert!(
            said[0]
                .1
                .starts_with("the gzip stream unpacks more than 100× its packed size")
                && said[0].1.ends_with("the entries before it are read"),
            "{said:?}"
        );
    }

    #[test]
    fn a_tar_cut_between_two_entries_says_so() {
        let whole = tar_of([("a.txt", b"abc"), ("b.txt", b"abc")]);
        // Each entry is a header and a block of data; the zero blocks end it.
        let entries_end = 4 * TAR_BLOCK;
        assert!(whole[entries_end..].iter().all(|&byte| byte == 0));
        let read = |bytes: &[u8]| {
            let unpacker = Unpacker::new(Limits::default());
            let (mut names, mut said) = (Vec::new(), Vec::new());
            each_tar_entry(bytes, &unpacker, |met| match met {
                Met::Entry(entry) => names.push(entry.name().to_string()),
                Met::Stopped((_, message)) | Met::Missed((_, message)) => said.push(message),
            })
            .unwrap();
            (names, said)
        };
        let unmarked =
            "the tar breaks off after its last whole entry (no end-of-archive block follows it)";
        // Cut after either entry, gzipped or not: what came before is read
        // and one warning says the end is missing.
        for (cut, names) in [
            (2 * TAR_BLOCK, &["a.txt"][..]),
            (entries_end, &["a.txt", "b.txt"]),
        ] {
            for bytes in [whole[..cut].to_vec(), gzip(&whole[..cut])] {
                let (read_names, said) = read(&bytes);
                assert_eq!(read_names, names);
                assert_eq!(said, [unmarked]);
            }
        }
        // One zero block or more (the end, as GNU tar reads it): no word.
        for end in [
            entries_end + TAR_BLOCK,
            entries_end + 2 * TAR_BLOCK,
            whole.len(),
        ] {
            let (read_names, said) = read(&whole[..end]);
            assert_eq!(read_names, ["a.txt", "b.txt"]);
            assert!(said.is_empty(), "{said:?}");
        }
        // An entry whose last block is zeros, cut right after it: its data
        // is no end of the tar.
        let mut zeros = b"abc".to_vec();
        zeros.resize(2 * TAR_BLOCK, 0);
        let whole = tar_of([("z.bin", &zeros[..]), ("after.txt", b"abc")]);
        let (read_names, said) = read(&whole[..3 * TAR_BLOCK]);
        assert_eq!(read_names, ["z.bin"]);
        assert_eq!(said, [unmarked]);
    }

    #[test]
    fn a_damaged_tar_header_loses_its_entry_only() {
        let intact = tar_of(
            [("a.txt", 600), ("b.txt", 100), ("c.txt", 1500)]
                .map(|(name, size)| (name, vec![b'x'; size])),
        );
        // b.txt's header follows a.txt's header and two blocks of data.
        let second = 512 + 1024;
        assert_eq!(&intact[second..second + 5], b"b.txt");
        let read = |bytes: &[u8]| {
            let unpacker = Unpacker::new(Limits::default());
            let (mut read, mut said) = (Vec::new(), Vec::new());
            let listed = each_tar_entry(bytes, &unpacker, |met| match met {
                Met::Entry(entry) => {
                    let size = entry.unpack(u64::MAX).map(|bytes| bytes.len());
                    read.push((entry.name().to_string(), size.ok()));
                }
                Met::Stopped((_, message)) | Met::Missed((_, message)) => said.push(message),
            });
            (listed.is_ok(), read, said)
        };
        // A byte of its name changed: the checksum no longer holds.
        let mut damaged = intact.clone();
        damaged[second] = b'B';
        // Past the limit on entries, the limit is said after the damage
        // met before it.
        let unpacker = Unpacker::new(Limits {
            max_entries: 1,
            ..Limits::default()
        });
        let mut said = Vec::new();
        let listed = each_tar_entry(&damaged, &unpacker, |met| match met {
            Met::Entry(_) => {}
            Met::Stopped((_, message)) => said.push(format!("stopped: {message}")),
            Met::Missed((_, message)) => said.push(message),
        });
        assert!(listed.is_ok() && said.len() == 2, "{said:?}");
        assert!(said[0].starts_with("a damaged tar header"), "{said:?}");
        assert!(said[1].starts_with("stopped: "), "{said:?}");
        let (listed, entries, said) = read(&damaged);
        assert!(listed);
        assert_eq!(
            entries,
            [
                ("a.txt".to_string(), Some(600)),
                ("c.txt".to_string(), Some(1500))
            ]
        );
        assert_eq!(said.len(), 1, "{said:?}");
        assert!(
            said[0].starts_with(&format!("a damaged tar header at byte {second}"))
                && said[0].ends_with(&format!("at byte {}", second + 1024)),
            "{said:?}"
        );
        // The first header damaged: the others are read.
        let mut damaged = intact.clone();
        damaged[0] = b'A';
        let (listed, entries, said) = read(&damaged);
        assert!(listed && said.len() == 1, "{said:?}");
        assert_eq!(entries.len(), 2, "{entries:?}");
        // A size running past the end (to the top of u64 too): its header's
        // checksum holds, so the tar was cut there (reading on from the
        // next block, once per such header, read the rest of the file each
        // time), whatever follows.
        for size in [u64::MAX - 1023, 1 << 40] {
            for kind in [tar::EntryType::Directory, tar::EntryType::Regular] {
                let mut builder = tar::Builder::new(Vec::new());
                let mut header = tar::Header::new_gnu();
                header.set_entry_type(kind);
                header.set_size(size);
                header.set_cksum();
                builder.append_data(&mut header, "d", &[][..]).unwrap();
                let mut header = tar::Header::new_gnu();
                header.set_size(3);
                header.set_cksum();
                builder
                    .append_data(&mut header, "a.txt", &b"abc"[..])
                    .unwrap();
                let (listed, entries, said) = read(&builder.into_inner().unwrap());
                assert!(listed && entries.is_empty(), "{entries:?}");
                assert_eq!(said, ["the tar breaks off (d is cut short)"]);
            }
        }
        // A long name (GNU `L`, read by the tar crate itself) claiming a
        // terabyte: cut there, said once (each such header read the rest
        // of the file again when the reading went on after it).
        let gnu = |name: &str, size: u64, kind: tar::EntryType| {
            let mut header = tar::Header::new_gnu();
            header.set_entry_type(kind);
            header.set_size(size);
            header.as_gnu_mut().unwrap().name[..name.len()].copy_from_slice(name.as_bytes());
            header.set_cksum();
            header.as_bytes().to_vec()
        };
        let mut long = gnu("a.txt", 3, tar::EntryType::Regular);
        long.extend_from_slice(&[b'x'; 512]);
        for _ in 0..1000 {
            long.extend(gnu("././@LongLink", 1 << 40, tar::EntryType::GNULongName));
        }
        let (listed, entries, said) = read(&long);
        assert!(
            listed && entries == [("a.txt".to_string(), Some(3))],
            "{entries:?}"
        );
        assert_eq!(said.len(), 1, "{said:?}");
        assert!(said[0].starts_with("the tar breaks off"), "{said:?}");
        // A pax header's size is the entry's, in the cut check too.
        let mut pax = gnu("././@PaxHeader", 10, tar::EntryType::XHeader);
        pax.extend(b"10 size=5\n".iter().copied().chain([0; 502]));
        let mut big = gnu("q.txt", 1 << 30, tar::EntryType::Regular);
        big.extend(b"hello".iter().copied().chain([0; 507]));
        let mut after = gnu("after.txt", 3, tar::EntryType::Regular);
        after.extend(b"abc".iter().copied().chain([0; 509]));
        let mut contiguous = gnu("contiguous.txt", 3, tar::EntryType::Continuous);
        contiguous.extend(b"xyz".iter().copied().chain([0; 509]));
        let fifo = gnu("fifo", 0, tar::EntryType::Fifo);
        let tar = [pax, big, after, fifo, contiguous, vec![0; 1024]].concat();
        let (listed, entries, said) = read(&tar);
        assert!(listed && said.is_empty(), "{said:?}");
        assert_eq!(
            entries,
            [
                ("q.txt".to_string(), Some(5)),
                ("after.txt".to_string(), Some(3)),
                ("contiguous.txt".to_string(), Some(3))
            ]
        );
        // A sparse entry is not read: its holes unpack to zeros that no
        // limit would be charged for.
        let mut sparse = tar::Header::new_gnu();
        sparse.set_entry_type(tar::EntryType::GNUSparse);
        sparse.set_size(512);
        sparse.set_path("holes.txt").unwrap();
        let gnu_header = sparse.as_gnu_mut().unwrap();
        gnu_header.set_real_size(250 << 20);
        gnu_header.sparse[0].set_offset((250 << 20) - 512);
        gnu_header.sparse[0].set_length(512);
        sparse.set_cksum();
        let sparse = sparse.as_bytes().to_vec();
        let unpacker = Unpacker::new(Limits::default());
        let (mut handed, mut said) = (0, Vec::new());
        // Its data block, then the tar's end.
        each_tar_entry(
            &[sparse, vec![0; 512], vec![0; 1024]].concat(),
            &unpacker,
            |met| match met {
                Met::Entry(_) => handed += 1,
                Met::Stopped((_, message)) | Met::Missed((_, message)) => said.push(message),
            },
        )
        .unwrap();
        assert_eq!((handed, unpacker.unpacked.get()), (0, 0));
        assert_eq!(
            said,
            ["holds 1 sparse file (disk images, databases: files with holes), not read"]
        );
        // Thousands of damaged headers: a few said, the rest counted.
        let mut damaged = tar_of((0..1000).map(|n| (format!("{n}.txt"), b"x")));
        for n in (1..998).step_by(2) {
            damaged[n * 1024] ^= 0x20;
        }
        let (listed, entries, said) = read(&damaged);
        assert!(listed && entries.len() == 501, "{entries:?}");
        assert_eq!(said.len(), SAID_DAMAGED_HEADERS + 1, "{said:?}");
        assert!(
            said[SAID_DAMAGED_HEADERS].starts_with("496 more damaged tar headers"),
            "{said:?}"
        );
        // Nothing but damage: not a tar, said without the damage's bytes.
        let (listed, entries, _) = read(&vec![7u8; 4096]);
        assert!(!listed && entries.is_empty());
        let mut garbage: Vec<u8> = (0..4096u32).map(|n| (n * 7919 % 251) as u8).collect();
        garbage[148..156].copy_from_slice(b"\xff\x01x\x9c\x00\x02\x03\x04");
        let refused = each_tar_entry(&garbage, &Unpacker::new(Limits::default()), |_| ());
        let (_, message) = refused.unwrap_err();
        assert_eq!(
            message,
            "not a readable tar (a header's cksum field is not a number)"
        );
    }

    #[test]
    fn a_gzipped_tar_cut_short_keeps_the_entries_before_the_cut() {
        let mut bytes = gzip(&tar_of((0..50).map(|n| {
            let text = format!("Entry {n}: {}\n", "word ".repeat(40 + n * 7));
            (format!("{n:02}.txt"), text)
        })));
        bytes.truncate(bytes.len() * 6 / 10);
        let unpacker = Unpacker::new(Limits::default());
        let (mut whole, mut stopped) = (0, Vec::new());
        each_tar_entry(&bytes, &unpacker, |met| match met {
            Met::Entry(entry) => whole += usize::from(entry.unpack(u64::MAX).is_ok()),
            Met::Stopped((_, message)) | Met::Missed((_, message)) => stopped.push(message),
        })
        .unwrap();
        assert!((10..50).contains(&whole), "{whole} entries read");
        // One warning for one cut: the gzip stream's, not the tar's too.
        assert!(
            stopped.len() == 1 && stopped[0].starts_with("the gzip stream"),
            "{stopped:?}"
        );
        // What inflated before the cut is charged to the budget.
        assert!(unpacker.remaining() < Limits::default().max_unpacked_bytes);
        // Cut within its first bytes, the stream is refused as before.
        bytes.truncate(12);
        let refused = each_tar_entry(&bytes, &unpacker, |_| ());
        assert!(refused.is_err_and(|(_, message)| message.contains("gzip")));
    }
}
