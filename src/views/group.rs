//! Grouping (`--group`): one entry per document, in the order of its best
//! passage, with every matching passage of the document.

use std::collections::HashMap;
use std::hash::Hash;

use crate::error::Result;
use crate::results::{Group, Hit};

/// Groups `ranked` matches (each with its rank and its document, in the
/// order to show) by document, and returns the `limit` groups after the
/// first `offset`, each its members made by `hit` in order, and how many
/// documents there are. Only those groups' matches are kept and made: of
/// the others, only their documents are.
pub fn group<D: Hash + Eq, M, H>(
    ranked: impl IntoIterator<Item = (usize, D, M)>,
    offset: usize,
    limit: usize,
    mut hit: impl FnMut(usize, M) -> Result<H>,
) -> Result<(Vec<Vec<H>>, usize)> {
    let shown = offset..offset.saturating_add(limit);
    // Each document's place among the groups, in order of first sight.
    let mut places: HashMap<D, usize> = HashMap::new();
    let mut members: Vec<Vec<(usize, M)>> = Vec::new();
    for (rank, document, m) in ranked {
        let next = places.len();
        let place = *places.entry(document).or_insert(next);
        if shown.contains(&place) {
            if place - offset == members.len() {
                members.push(Vec::new());
            }
            members[place - offset].push((rank, m));
        }
    }
    let groups = members
        .into_iter()
        .map(|in_group| in_group.into_iter().map(|(rank, m)| hit(rank, m)).collect())
        .collect::<Result<_>>()?;
    Ok((groups, places.len()))
}

/// The group ranked `rank` of `hits`, its document's matches, best (or
/// first in sort order) first; `None` for no hits.
pub fn document_group(rank: usize, hits: Vec<Hit>) -> Option<Group> {
    let best = &hits.first()?.passage;
    Some(Group {
        rank,
        source: best.source.clone(),
        record: best.record,
        entry: best.entry.clone(),
        title: best.title.clone(),
        passages: hits.len(),
        hits,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_page_s_groups_are_made_in_the_order_of_their_best_match() {
        // The documents of matches ranked 1 to 6: a b a c b d.
        let ranked = ["a", "b", "a", "c", "b", "d"]
            .into_iter()
            .enumerate()
            .map(|(i, document)| (i + 1, document, document));
        let mut made = Vec::new();
        let (groups, documents) = group(ranked, 1, 2, |rank, document| {
            made.push(rank);
            Ok((rank, document))
        })
        .unwrap();
        assert_eq!(documents, 4);
        assert_eq!(groups, [vec![(2, "b"), (5, "b")], vec![(4, "c")]]);
        assert_eq!(made, [2, 5, 4]);
        let (past_the_end, documents) = group([(1, "a", ())], 1, 10, |_, m| Ok(m)).unwrap();
        assert!(past_the_end.is_empty() && documents == 1);
    }
}
