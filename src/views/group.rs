//! Grouping (`--group`): one entry per document, in the order of its best
//! passage, with every matching passage of the document.

use std::collections::HashMap;

use crate::error::Result;
use crate::ranking::Match;
use crate::results::{Group, Hit};

/// A document: its source path, record and entry (see [`crate::schema::DocumentKey`]).
type DocumentKey = (String, Option<u64>, Option<String>);

/// Groups `ranked` matches (with their ranks, in the order to show) by
/// document, and returns the `limit` groups after the first `offset`, each
/// with its hits made by `hit` (only those groups' hits are made), and how
/// many documents there are.
pub fn group(
    ranked: impl IntoIterator<Item = (usize, Match)>,
    offset: usize,
    limit: usize,
    mut hit: impl FnMut(usize, Match) -> Result<Hit>,
) -> Result<(Vec<Group>, usize)> {
    let mut order: Vec<DocumentKey> = Vec::new();
    let mut members: HashMap<DocumentKey, Vec<(usize, Match)>> = HashMap::new();
    for (rank, m) in ranked {
        let key = (m.keys.source.clone(), m.keys.record, m.keys.entry.clone());
        let entry = members.entry(key.clone()).or_default();
        if entry.is_empty() {
            order.push(key);
        }
        entry.push((rank, m));
    }
    let documents = order.len();
    let mut groups = Vec::new();
    for (index, key) in order.into_iter().enumerate().skip(offset).take(limit) {
        let in_group = members.remove(&key).unwrap_or_default();
        let passages = in_group.len();
        let hits = in_group
            .into_iter()
            .map(|(rank, m)| hit(rank, m))
            .collect::<Result<Vec<_>>>()?;
        groups.push(Group {
            rank: index + 1,
            source: key.0,
            record: key.1,
            entry: key.2,
            title: hits
                .first()
                .map(|h| h.passage.title.clone())
                .unwrap_or_default(),
            passages,
            hits,
        });
    }
    Ok((groups, documents))
}
