//! What searches of the process keep of immutable segments: a segment's
//! files never change once written (deletions aside, which no value here
//! depends on), so what is read from them once serves every later search.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

/// What searches of the process keep of immutable segments, up to a size
/// in bytes; past it, the cache starts over.
pub(super) struct SegmentCache<K, V> {
    kept: Mutex<Option<Kept<K, V>>>,
    most_bytes: usize,
}

/// The values a [`SegmentCache`] keeps, and their size in bytes.
type Kept<K, V> = (HashMap<K, Arc<V>>, usize);

impl<K: std::hash::Hash + Eq, V> SegmentCache<K, V> {
    pub(super) const fn new(most_bytes: usize) -> Self {
        SegmentCache {
            kept: Mutex::new(None),
            most_bytes,
        }
    }

    pub(super) fn get(&self, key: &K) -> Option<Arc<V>> {
        let kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        kept.as_ref()
            .and_then(|(values, _)| values.get(key).cloned())
    }

    /// Keeps `value` (of `size` bytes) under `key`, unless another search
    /// kept one first: the one kept is returned.
    pub(super) fn keep(&self, key: K, value: Arc<V>, size: usize) -> Arc<V> {
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        let (values, bytes) = kept.get_or_insert_with(|| (HashMap::new(), 0));
        if let Some(value) = values.get(&key) {
            return Arc::clone(value);
        }
        if *bytes + size > self.most_bytes {
            values.clear();
            *bytes = 0;
        }
        *bytes += size;
        values.insert(key, Arc::clone(&value));
        value
    }
}
