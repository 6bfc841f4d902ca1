//! The ranking order, and the collector that finds the best passages in
//! one pass over the matches.
//!
//! Passages rank by score; equal scores rank by source, record, paragraph
//! and part, so the order is the same on every run and paging never splits
//! a tie arbitrarily. tantivy's top-k collector knows only scores, so a cut
//! at k could fall inside a run of equal scores (common for phrases: many
//! short passages with one occurrence score alike). [`TopWithTies`] keeps
//! the best k *and* everything tied with the k-th, in the same single pass
//! that counts the matches.

use std::cmp::Ordering;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

/// Score, source, record, paragraph, part: what ranks a passage.
pub type RankKey<'a> = (f32, &'a str, Option<u64>, u64, u64);

/// Best score first; equal scores by source, record, paragraph and part.
pub fn by_rank(a: RankKey, b: RankKey) -> Ordering {
    b.0.partial_cmp(&a.0)
        .unwrap_or(Ordering::Equal)
        .then_with(|| (a.1, a.2, a.3, a.4).cmp(&(b.1, b.2, b.3, b.4)))
}

/// The `limit` best-scored matches plus every match scoring the same as
/// the last of them, unordered.
pub struct TopWithTies {
    limit: usize,
}

impl TopWithTies {
    /// Collects at least `limit` matches (all of them, if fewer match).
    pub fn new(limit: usize) -> TopWithTies {
        TopWithTies {
            limit: limit.max(1),
        }
    }
}

/// Scored matches, pruned now and then to the best `limit` and their ties.
struct Best<T> {
    limit: usize,
    kept: Vec<(Score, T)>,
    /// Matches scoring below this cannot be among the best.
    floor: Score,
}

impl<T> Best<T> {
    fn new(limit: usize) -> Best<T> {
        Best {
            limit,
            kept: Vec::new(),
            floor: Score::NEG_INFINITY,
        }
    }

    fn offer(&mut self, score: Score, item: T) {
        if score < self.floor {
            return;
        }
        self.kept.push((score, item));
        if self.kept.len() >= self.limit.saturating_mul(2).max(64) {
            self.prune();
        }
    }

    /// Drops what scores below the `limit`-th best score.
    fn prune(&mut self) {
        if self.kept.len() <= self.limit {
            return;
        }
        let nth = self.limit - 1;
        self.kept
            .select_nth_unstable_by(nth, |a, b| b.0.total_cmp(&a.0));
        let floor = self.kept[nth].0;
        self.kept.retain(|(score, _)| *score >= floor);
        self.floor = floor;
    }

    fn into_items(mut self) -> Vec<(Score, T)> {
        self.prune();
        self.kept
    }
}

impl Collector for TopWithTies {
    type Fruit = Vec<(Score, DocAddress)>;
    type Child = TopWithTiesSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        _reader: &SegmentReader,
    ) -> tantivy::Result<TopWithTiesSegment> {
        Ok(TopWithTiesSegment {
            segment,
            best: Best::new(self.limit),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Self::Fruit>) -> tantivy::Result<Self::Fruit> {
        let mut best = Best::new(self.limit);
        for (score, address) in fruits.into_iter().flatten() {
            best.offer(score, address);
        }
        Ok(best.into_items())
    }
}

/// [`TopWithTies`] within one segment.
pub struct TopWithTiesSegment {
    segment: SegmentOrdinal,
    best: Best<DocId>,
}

impl SegmentCollector for TopWithTiesSegment {
    type Fruit = Vec<(Score, DocAddress)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.best.offer(score, doc);
    }

    fn harvest(self) -> Self::Fruit {
        let segment = self.segment;
        self.best
            .into_items()
            .into_iter()
            .map(|(score, doc)| (score, DocAddress::new(segment, doc)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn best_of(limit: usize, scores: &[f32]) -> Vec<f32> {
        let mut best = Best::new(limit);
        for (i, score) in scores.iter().enumerate() {
            best.offer(*score, i);
        }
        let mut kept: Vec<f32> = best.into_items().into_iter().map(|(s, _)| s).collect();
        kept.sort_by(|a, b| b.total_cmp(a));
        kept
    }

    #[test]
    fn keeps_the_best_and_every_tie_with_the_last_of_them() {
        assert_eq!(
            best_of(2, &[1.0, 3.0, 2.0, 2.0, 0.5, 2.0]),
            [3.0, 2.0, 2.0, 2.0]
        );
        assert_eq!(best_of(3, &[1.0, 2.0]), [2.0, 1.0]);
        let many: Vec<f32> = (0..1000).map(|i| (i % 7) as f32).collect();
        let kept = best_of(10, &many);
        assert!(kept.iter().all(|&s| s == 6.0));
        assert_eq!(kept.len(), many.iter().filter(|&&s| s == 6.0).count());
    }

    #[test]
    fn equal_scores_rank_by_source_then_position() {
        let mut keys = [
            (1.0, "b", None, 1, 1),
            (2.0, "z", None, 9, 1),
            (1.0, "a", Some(2), 1, 1),
            (1.0, "a", Some(1), 3, 1),
            (1.0, "a", Some(1), 2, 2),
            (1.0, "a", Some(1), 2, 1),
        ];
        keys.sort_by(|a, b| by_rank(*a, *b));
        assert_eq!(
            keys,
            [
                (2.0, "z", None, 9, 1),
                (1.0, "a", Some(1), 2, 1),
                (1.0, "a", Some(1), 2, 2),
                (1.0, "a", Some(1), 3, 1),
                (1.0, "a", Some(2), 1, 1),
                (1.0, "b", None, 1, 1),
            ]
        );
    }
}
