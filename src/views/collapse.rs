//! Collapsing copies: matching passages with the same folded words (the
//! same copy key, `analysis::copy_key`: the paragraph of an HTML and a PDF
//! edition, one wire story in fifty outlets) are one hit. The first copy
//! in the order asked for is shown; the others are its duplicates, listed
//! in source order (source, record, entry, paragraph, part), at most
//! [`LISTED`] of them, with their number. A search's `total` still counts
//! every matching passage; `distinct` counts each set of copies once.
//!
//! These are functions of matches the archive found, in order, and of
//! their keys; [`crate::Archive`] finds them, reads only the keys of the
//! copies it needs, and loads only the duplicates it lists.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use serde::{Deserialize, Serialize};

use crate::results::{Duplicate, Hit};

/// Duplicates listed with a hit, at most; `duplicates_total` counts them all.
pub const LISTED: usize = 20;

/// Items in the order to show, collapsed: the first item of each key, in
/// order, with the other items of its key after it (in order).
pub fn collapse<T>(
    ordered: impl IntoIterator<Item = T>,
    key: impl Fn(&T) -> u64,
) -> Vec<(T, Vec<T>)> {
    let mut sets: Vec<(T, Vec<T>)> = Vec::new();
    let mut at: HashMap<u64, usize> = HashMap::new();
    for item in ordered {
        match at.get(&key(&item)) {
            Some(&set) => sets[set].1.push(item),
            None => {
                at.insert(key(&item), sets.len());
                sets.push((item, Vec::new()));
            }
        }
    }
    sets
}

/// The positions in `keys` (in the order to show) of the first item of
/// each of the first `wanted` distinct keys.
pub fn firsts(keys: impl IntoIterator<Item = u64>, wanted: usize) -> Vec<usize> {
    let mut seen = HashSet::new();
    let mut firsts = Vec::new();
    for (position, key) in keys.into_iter().enumerate() {
        if firsts.len() >= wanted {
            break;
        }
        if seen.insert(key) {
            firsts.push(position);
        }
    }
    firsts
}

/// A set of copy keys, looked up once per match (a stop word has hundreds
/// of thousands): a bit per key's top six bits answers most lookups, and
/// the keys, hashes already, index the set as they are.
#[derive(Debug, Clone, Default)]
pub struct KeySet {
    bits: u64,
    keys: HashSet<u64, BuildHasherDefault<KeyHasher>>,
}

impl KeySet {
    fn bit(key: u64) -> u64 {
        1 << (key >> 58)
    }

    /// Whether `key` is in the set.
    #[inline]
    pub fn contains(&self, key: &u64) -> bool {
        self.bits & KeySet::bit(*key) != 0 && self.keys.contains(key)
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

impl FromIterator<u64> for KeySet {
    fn from_iter<I: IntoIterator<Item = u64>>(keys: I) -> KeySet {
        let keys: HashSet<u64, BuildHasherDefault<KeyHasher>> = keys.into_iter().collect();
        let bits = keys.iter().fold(0, |bits, &key| bits | KeySet::bit(key));
        KeySet { bits, keys }
    }
}

/// How many distinct keys the lists `parts` hold together: each key
/// looked up in a table twice their number, open addressing with linear
/// probing (a stop word brings hundreds of thousands of keys; this table
/// costs about one memory access each, a third of a general hash set's or
/// a sort's time, measured).
pub fn count_distinct(parts: &[Vec<u64>]) -> usize {
    let count: usize = parts.iter().map(Vec::len).sum();
    let slots = (2 * count).next_power_of_two().max(2);
    let shift = 64 - slots.trailing_zeros();
    let mut table = vec![0u64; slots];
    // 0 marks an empty slot: the key 0 is counted apart.
    let mut zero = false;
    let mut distinct = 0;
    for &key in parts.iter().flatten() {
        if key == 0 {
            zero = true;
            continue;
        }
        // Keys are hashes already; the multiplication keeps crafted ones
        // from piling up on a few slots.
        let mut at = (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> shift) as usize;
        loop {
            match table[at] {
                0 => {
                    table[at] = key;
                    distinct += 1;
                    break;
                }
                held if held == key => break,
                _ => at = (at + 1) & (slots - 1),
            }
        }
    }
    distinct + usize::from(zero)
}

/// Hashes a copy key, a hash already, to itself.
#[derive(Default)]
pub struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only keys (u64) are hashed; anything else folds in byte by byte.
        for &byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(byte);
        }
    }

    fn write_u64(&mut self, key: u64) {
        self.0 = key;
    }
}

/// Every distinct key of `keys`, ascending.
pub fn distinct(mut keys: Vec<u64>) -> Vec<u64> {
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// A duplicate's place: source, record, entry, paragraph, part.
pub type Place<'a> = (&'a str, Option<u64>, &'a str, u32, u32);

/// Where `duplicate` is, for the source order duplicates are listed in.
pub fn place(duplicate: &Duplicate) -> Place<'_> {
    (
        &duplicate.source,
        duplicate.record,
        duplicate.entry.as_deref().unwrap_or_default(),
        duplicate.paragraph,
        duplicate.part,
    )
}

/// A passage a search over shards shows, whose copies every shard lists
/// ([`crate::Archive::copies`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shown {
    /// Its copy key.
    pub key: u64,
    /// Its passage id (not one of its duplicates).
    pub id: String,
    /// Its rank.
    pub rank: usize,
    /// Whether it is a partial match (its copies are partial matches too).
    #[serde(default)]
    pub partial: bool,
}

/// The copies of one shown passage that one index holds (a shard's part
/// of a hit's duplicates, in a search over shards).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Copies {
    /// The copy key.
    pub key: u64,
    /// The first [`LISTED`] copies in source order, the shown passage left out.
    pub listed: Vec<Duplicate>,
    /// How many copies there are, the shown passage left out.
    pub total: u64,
}

impl Copies {
    /// Lists these copies on `hit`, the passage shown for them.
    pub fn list_on(self, hit: &mut Hit) {
        hit.duplicates = Some(self.listed);
        hit.duplicates_total = Some(self.total);
    }

    /// One hit's copies from several indexes' parts: the first [`LISTED`]
    /// in source order, and their sum.
    pub fn merge(key: u64, parts: impl IntoIterator<Item = Copies>) -> Copies {
        let mut merged = Copies {
            key,
            listed: Vec::new(),
            total: 0,
        };
        for part in parts {
            merged.total += part.total;
            merged.listed.extend(part.listed);
        }
        merged.listed.sort_by(by_place);
        merged.listed.truncate(LISTED);
        merged
    }
}

/// Orders duplicates by source order.
pub fn by_place(a: &Duplicate, b: &Duplicate) -> Ordering {
    place(a).cmp(&place(b)).then_with(|| a.id.cmp(&b.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_of_each_key_is_shown_with_the_others_after_it() {
        let items = [(1, 'a'), (2, 'b'), (1, 'c'), (3, 'd'), (2, 'e'), (1, 'f')];
        let sets = collapse(items, |item| item.0);
        let shown: Vec<(char, Vec<char>)> = sets
            .into_iter()
            .map(|(first, others)| (first.1, others.into_iter().map(|o| o.1).collect()))
            .collect();
        assert_eq!(
            shown,
            [('a', vec!['c', 'f']), ('b', vec!['e']), ('d', vec![])]
        );
        assert_eq!(firsts([1, 2, 1, 3, 2, 4], 3), [0, 1, 3]);
        assert_eq!(firsts([1, 1, 1], 3), [0]);
        assert_eq!(distinct(vec![5, 1, 5, 3, 1]), [1, 3, 5]);
        assert_eq!(count_distinct(&[vec![5, 1, 5], vec![3, 1, u64::MAX]]), 4);
        // Past the buckets' threshold: spread keys, each twice or once.
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut keys = Vec::new();
        for at in 0..20_000u64 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            keys.push(seed);
            if at % 3 == 0 {
                keys.push(seed);
            }
        }
        keys.push(0);
        keys.push(u64::MAX);
        let (one, other) = keys.split_at(7_000);
        assert_eq!(
            count_distinct(&[one.to_vec(), other.to_vec()]),
            distinct(keys.clone()).len()
        );
        assert_eq!(distinct(keys.clone()).len(), 20_002);
        let set: KeySet = [1, 2, 2, u64::MAX].into_iter().collect();
        assert!(set.contains(&2) && set.contains(&u64::MAX) && !set.contains(&3));
        assert!(!set.contains(&(u64::MAX - 1)) && KeySet::default().is_empty());
    }
}
