//! The copy map: which passages of an index have a copy elsewhere in it
//! (the same copy key, [`crate::analysis::copy_key`]), and which set of
//! copies each belongs to. `cita index` writes it beside the index at the
//! end of every run ([`refresh`]); a collapsing search counts `distinct`
//! with it, touching only the matches that have copies, where it would
//! otherwise read the copy key of every match and count the keys (206,000
//! of them for `the` on the bench corpus).
//!
//! The map is a cache of what the segments hold. A map that does not
//! describe exactly the segments a search sees (a run stopped between its
//! last commit and the map, an index of an older cita, a damaged file:
//! its checksum does not match) is not used, and the search reads every
//! match's key instead: slower, with the same answer.

use std::path::Path;

use tantivy::{DocId, Index, Searcher, SegmentOrdinal, SegmentReader};

use crate::error::{Error, Result};
use crate::schema::SegmentColumns;
use crate::store::COPY_MAP_FILE;

/// The first bytes of the file, with its format's version.
const MAGIC: &[u8; 8] = b"CITACPY1";

/// The passages of one segment that have a copy somewhere in the index,
/// with the number of their set of copies: a bit per passage, and the sets
/// of those whose bit is set, in passage order. A search process loads
/// the map whole for a common word: a table of four bytes per passage was
/// a fifth of such a process (its pages zeroed and faulted in), where
/// this holds a little more than a bit per passage, and tells most
/// matches (those without copies) by a bit that stays in the cache.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SegmentCopies {
    /// A bit per passage: whether it has a copy.
    with_copies: Vec<u64>,
    /// For each word of `with_copies`, how many passages before it have copies.
    before: Vec<u32>,
    /// The set of each passage with copies, in passage order.
    sets: Vec<u32>,
}

impl SegmentCopies {
    /// The map of a segment of `max_doc` passages from each passage with
    /// copies and its set, ascending by passage; `None` when they do not
    /// ascend or name a passage past the segment.
    fn from_listed(
        max_doc: DocId,
        listed: impl IntoIterator<Item = (DocId, u32)>,
    ) -> Option<SegmentCopies> {
        let mut with_copies = vec![0u64; (max_doc as usize).div_ceil(64)];
        let mut sets = Vec::new();
        let mut last = None;
        for (doc, set) in listed {
            if doc >= max_doc || last.is_some_and(|last| last >= doc) {
                return None;
            }
            last = Some(doc);
            with_copies[doc as usize / 64] |= 1 << (doc % 64);
            sets.push(set);
        }
        let before = with_copies
            .iter()
            .scan(0u32, |count, bits| {
                let before = *count;
                *count += bits.count_ones();
                Some(before)
            })
            .collect();
        Some(SegmentCopies {
            with_copies,
            before,
            sets,
        })
    }

    /// The set of copies `doc` belongs to; `None` when it has no copy.
    pub fn set_of(&self, doc: DocId) -> Option<u32> {
        let word = doc as usize / 64;
        let bits = *self.with_copies.get(word)?;
        let bit = 1u64 << (doc % 64);
        if bits & bit == 0 {
            return None;
        }
        let rank = self.before[word] + (bits & (bit - 1)).count_ones();
        Some(self.sets[rank as usize])
    }

    /// Calls `each(doc, set)` for each of `docs` that has a copy.
    pub fn each_with_copies(&self, docs: &[DocId], mut each: impl FnMut(DocId, u32)) {
        for &doc in docs {
            if let Some(set) = self.set_of(doc) {
                each(doc, set);
            }
        }
    }

    /// Each passage with copies and its set, by document number.
    fn listed(&self) -> impl Iterator<Item = (DocId, u32)> + '_ {
        let docs = (0..).zip(&self.with_copies).flat_map(|(word, &bits)| {
            let mut bits = bits;
            std::iter::from_fn(move || {
                (bits != 0).then(|| {
                    let doc = word * 64 + bits.trailing_zeros();
                    bits &= bits - 1;
                    doc
                })
            })
        });
        docs.zip(self.sets.iter().copied())
    }
}

/// Which passages have copies, for every segment of one searcher, in its
/// segment order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyMap {
    segments: Vec<SegmentCopies>,
    /// How many sets of copies there are (numbered from 0).
    sets: u32,
}

impl CopyMap {
    /// The map of what `searcher` sees: the copy key of every live
    /// passage read, and the keys held by more than one numbered.
    pub fn of(searcher: &Searcher) -> Result<CopyMap> {
        let mut keyed: Vec<(u64, SegmentOrdinal, DocId)> = Vec::new();
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            let columns = SegmentColumns::open(segment)?;
            let alive: Vec<DocId> = segment.doc_ids_alive().collect();
            let mut keys = Vec::with_capacity(alive.len());
            columns.copy_keys(&alive, &mut keys);
            keyed.extend(
                keys.into_iter()
                    .zip(alive)
                    .map(|(key, doc)| (key, ord as SegmentOrdinal, doc)),
            );
        }
        keyed.sort_unstable();
        let readers = searcher.segment_readers();
        let mut listed = vec![Vec::new(); readers.len()];
        let mut sets = 0u32;
        for copies in keyed.chunk_by(|a, b| a.0 == b.0) {
            if copies.len() < 2 {
                continue;
            }
            for &(_, segment, doc) in copies {
                listed[segment as usize].push((doc, sets));
            }
            sets += 1;
        }
        let segments = readers
            .iter()
            .zip(listed)
            .map(|(segment, mut listed)| {
                listed.sort_unstable();
                SegmentCopies::from_listed(segment.max_doc(), listed)
                    .expect("a segment's own passages, each listed once")
            })
            .collect();
        Ok(CopyMap { segments, sets })
    }

    /// The map of `searcher`'s segments from the file in `dir`; `None`
    /// when there is none, it is damaged, or it describes other segments.
    pub fn load(dir: &Path, searcher: &Searcher) -> Option<CopyMap> {
        let bytes = std::fs::read(dir.join(COPY_MAP_FILE)).ok()?;
        CopyMap::read(&bytes, searcher.segment_readers())
    }

    /// The map `bytes` hold, if they are whole and describe exactly
    /// `segments` (any order).
    fn read(bytes: &[u8], segments: &[SegmentReader]) -> Option<CopyMap> {
        CopyMap::parse(bytes, segments.len(), |id, max_doc, deleted| {
            segments.iter().position(|segment| {
                segment.segment_id().uuid_string().as_bytes() == id
                    && segment.max_doc() == max_doc
                    && segment.num_deleted_docs() == deleted
            })
        })
    }

    /// The map `bytes` (a copy map file) hold, if they are whole and
    /// describe `count` segments, each found by `segment_of(id, passages,
    /// deleted)` (its place in the searcher's segments; passages sized by
    /// the segment it names, so a file allocates no more than a real
    /// segment's worth).
    pub fn parse(
        bytes: &[u8],
        count: usize,
        segment_of: impl Fn(&[u8], u32, u32) -> Option<usize>,
    ) -> Option<CopyMap> {
        let (body, checksum) = bytes.split_at_checked(bytes.len().checked_sub(8)?)?;
        if xxhash_rust::xxh3::xxh3_64(body).to_le_bytes() != checksum {
            return None;
        }
        let mut reader = Bytes(body.strip_prefix(MAGIC)?);
        let sets = reader.u32()?;
        if reader.u32()? as usize != count {
            return None;
        }
        let mut found: Vec<Option<SegmentCopies>> = vec![None; count];
        let mut listed_in_all = 0u64;
        for _ in 0..count {
            let id = reader.take(32)?;
            let (max_doc, deleted, listed) = (reader.u32()?, reader.u32()?, reader.u32()?);
            let ord = segment_of(id, max_doc, deleted)?;
            listed_in_all += u64::from(listed);
            // Read until a pair is cut or names a set past the count: then
            // fewer than `listed` are.
            let pairs = (0..listed).map_while(|_| {
                let (doc, set) = (reader.u32()?, reader.u32()?);
                (set < sets).then_some((doc, set))
            });
            let copies = SegmentCopies::from_listed(max_doc, pairs)?;
            if copies.sets.len() != listed as usize {
                return None;
            }
            if found[ord].replace(copies).is_some() {
                return None;
            }
        }
        // Every set holds two passages at least: the count of sets, which
        // sizes what a search marks per set, is bounded by the file's size.
        if !reader.0.is_empty() || u64::from(sets) * 2 > listed_in_all {
            return None;
        }
        let segments = found.into_iter().collect::<Option<Vec<_>>>()?;
        Some(CopyMap { segments, sets })
    }

    /// The file's bytes for this map of `segments`.
    fn bytes(&self, segments: &[SegmentReader]) -> Vec<u8> {
        let mut bytes = MAGIC.to_vec();
        bytes.extend(self.sets.to_le_bytes());
        bytes.extend((segments.len() as u32).to_le_bytes());
        for (segment, copies) in segments.iter().zip(&self.segments) {
            bytes.extend(segment.segment_id().uuid_string().as_bytes());
            for number in [segment.max_doc(), segment.num_deleted_docs()] {
                bytes.extend(number.to_le_bytes());
            }
            bytes.extend((copies.sets.len() as u32).to_le_bytes());
            for (doc, set) in copies.listed() {
                bytes.extend(doc.to_le_bytes());
                bytes.extend(set.to_le_bytes());
            }
        }
        let checksum = xxhash_rust::xxh3::xxh3_64(&bytes);
        bytes.extend(checksum.to_le_bytes());
        bytes
    }

    /// The passages of the segment `ord` that have copies.
    pub fn segment(&self, ord: SegmentOrdinal) -> &SegmentCopies {
        &self.segments[ord as usize]
    }

    /// How many sets of copies there are: sets are numbered below it.
    pub fn sets(&self) -> u32 {
        self.sets
    }
}

/// Writes the copy map of the index's latest commit into `dir`, unless
/// the file there already describes it. Called by `cita index` at the
/// end of a run, its merges done, with the run lock held.
pub fn refresh(dir: &Path, index: &Index) -> Result<()> {
    let reader = index
        .reader_builder()
        .reload_policy(tantivy::ReloadPolicy::Manual)
        .doc_store_cache_num_blocks(0)
        .try_into()?;
    let searcher = reader.searcher();
    if CopyMap::load(dir, &searcher).is_some() {
        return Ok(());
    }
    let map = CopyMap::of(&searcher)?;
    // Written whole, then renamed: a reader sees the old map or the new.
    let path = dir.join(COPY_MAP_FILE);
    let partial = dir.join(format!("{COPY_MAP_FILE}.partial"));
    if let Err(err) = std::fs::write(&partial, map.bytes(searcher.segment_readers())) {
        // A full disk leaves part of the file: it would hold the space the
        // next run needs. Searches read every match's key meanwhile.
        let _ = std::fs::remove_file(&partial);
        return Err(Error::io(&partial, err));
    }
    std::fs::rename(&partial, &path).map_err(|err| Error::io(&path, err))
}

/// Little-endian numbers read off the front of a byte slice.
struct Bytes<'a>(&'a [u8]);

impl<'a> Bytes<'a> {
    fn take(&mut self, count: usize) -> Option<&'a [u8]> {
        let (taken, rest) = self.0.split_at_checked(count)?;
        self.0 = rest;
        Some(taken)
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_passage_with_copies_among_the_matches_is_found_in_any_order() {
        let listed = [(1, 0), (4, 1), (9, 0), (10, 2), (64, 0), (300, 1)];
        let copies = SegmentCopies::from_listed(302, listed).expect("ascending, in the segment");
        let found = |docs: &[DocId]| {
            let mut found = Vec::new();
            copies.each_with_copies(docs, |doc, set| found.push((doc, set)));
            found
        };
        assert_eq!(
            found(&[0, 1, 2, 9, 10, 11, 63, 64, 65, 299, 300, 301]),
            [(1, 0), (9, 0), (10, 2), (64, 0), (300, 1)]
        );
        assert_eq!(found(&[300, 4, 1]), [(300, 1), (4, 1), (1, 0)]);
        assert_eq!(found(&[4, 4, 5, 300, 301]), [(4, 1), (4, 1), (300, 1)]);
        assert_eq!(found(&[]), []);
        assert_eq!(copies.set_of(10), Some(2));
        assert_eq!(copies.set_of(11), None);
        assert_eq!(copies.set_of(5000), None);
        assert!(copies.listed().eq(listed));
        assert!(SegmentCopies::from_listed(302, [(4, 0), (1, 0)]).is_none());
        assert!(SegmentCopies::from_listed(302, [(302, 0)]).is_none());
    }

    /// A map file of one segment (id `a`×32, 10 passages, none deleted)
    /// counting `sets` sets and listing `pairs` (passage, set).
    fn file(sets: u32, pairs: &[(u32, u32)]) -> Vec<u8> {
        let mut bytes = MAGIC.to_vec();
        for number in [sets, 1] {
            bytes.extend(number.to_le_bytes());
        }
        bytes.extend([b'a'; 32]);
        for number in [10, 0, pairs.len() as u32] {
            bytes.extend(number.to_le_bytes());
        }
        for &(doc, set) in pairs {
            bytes.extend(doc.to_le_bytes());
            bytes.extend(set.to_le_bytes());
        }
        let checksum = xxhash_rust::xxh3::xxh3_64(&bytes);
        bytes.extend(checksum.to_le_bytes());
        bytes
    }

    fn parse(bytes: &[u8]) -> Option<CopyMap> {
        CopyMap::parse(bytes, 1, |id, max_doc, deleted| {
            (id == [b'a'; 32] && max_doc == 10 && deleted == 0).then_some(0)
        })
    }

    #[test]
    fn a_map_file_is_read_only_whole_and_consistent() {
        let map = parse(&file(2, &[(1, 0), (5, 1), (7, 0), (9, 1)])).expect("a whole map");
        assert_eq!(map.sets(), 2);
        let sets: Vec<Option<u32>> = (0..11).map(|doc| map.segment(0).set_of(doc)).collect();
        let expected = [
            None,
            Some(0),
            None,
            None,
            None,
            Some(1),
            None,
            Some(0),
            None,
            Some(1),
            None,
        ];
        assert_eq!(sets, expected);
        // More sets than two passages each could fill: a search would
        // mark a bit for each of four billion.
        assert!(parse(&file(u32::MAX, &[(1, 0), (5, 0)])).is_none());
        assert!(parse(&file(2, &[(1, 0), (5, 0)])).is_none());
        // A set past the count, a passage past the segment, one listed
        // twice, passages out of order.
        assert!(parse(&file(1, &[(1, 1), (5, 0)])).is_none());
        assert!(parse(&file(1, &[(1, 0), (10, 0)])).is_none());
        assert!(parse(&file(1, &[(1, 0), (1, 0)])).is_none());
        assert!(parse(&file(1, &[(5, 0), (1, 0)])).is_none());
        // Another segment, a cut file, a changed byte.
        let whole = file(1, &[(1, 0), (5, 0)]);
        assert!(CopyMap::parse(&whole, 1, |_, _, _| None).is_none());
        assert!(CopyMap::parse(&whole, 2, |_, _, _| Some(0)).is_none());
        for end in 0..whole.len() {
            assert!(parse(&whole[..end]).is_none(), "cut at {end}");
        }
        for at in 0..whole.len() {
            let mut damaged = whole.clone();
            damaged[at] ^= 0x10;
            assert!(parse(&damaged).is_none(), "byte {at} changed");
        }
        assert!(parse(&whole).is_some());
    }
}
