//! Every ranking rule in one place: the weights a query's score is made of,
//! the order of tied scores and of the other sorts, and the collector that
//! finds the best passages in one pass over the matches.
//!
//! A passage's score is BM25 over its text (a text shorter than
//! [`SHORTEST_SCORED_WORDS`] scored as if it were that long), plus
//! [`EXACT_FORM_TIER`] for each query word found in the form typed, plus
//! each heading's BM25 for the same words times its weight in
//! [`HEADING_BONUSES`], plus [`PROXIMITY_BOOST`] times the BM25 of the words
//! of an AND standing within [`PROXIMITY_SLOP`] positions of each other,
//! plus the [`substance_bonus`] of the passage's length and kind.
//! `tests/ranking.rs` states each rule in words.
//!
//! Passages rank by score; equal scores rank by source, record, paragraph
//! and part, so the order is the same on every run and paging never splits
//! a tie arbitrarily. tantivy's top-k collector knows only scores, so a cut
//! at k could fall inside a run of equal scores (common for phrases: many
//! short passages with one occurrence score alike; a folder holding copies
//! of the same documents makes runs of thousands). [`TopWithTies`] breaks
//! such a run inside each segment by [`SegmentTieOrder`], which compares
//! sources by their ordinals in the segment's sorted dictionary and so never
//! reads a path; only what ties across segments is left to the caller.

use std::cmp::Ordering;
use std::sync::atomic::{AtomicU32, Ordering as MemoryOrdering};
use std::sync::{Arc, Mutex, PoisonError};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::fieldnorm::FieldNormReader;
use tantivy::query::Weight;
use tantivy::schema::Field;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::ingest::ParagraphKind;
use crate::results::{Hit, Sort};
use crate::schema::{PassageKeys, PositionKey, names};

/// Score added for each query word found in its exact (unstemmed) form. It
/// dwarfs any BM25 score, so passages with more exact-form matches always
/// rank above passages that match only through stemming; BM25 and the
/// bonuses below order passages within each tier.
pub const EXACT_FORM_TIER: f32 = 1000.0;

/// A heading a passage inherits from its document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Heading {
    /// The nearest heading above the passage.
    Section,
    /// The document's title.
    Title,
}

/// A query word or phrase found in a heading of the passage adds its BM25
/// score there times this weight: a passage under a heading about the
/// query ranks above its twin elsewhere. Words and phrases alike. On the
/// relevance benchmark (`bench/relevance.sh`, 961 judgments), with the
/// section at 1.5, nDCG@10 was 0.595 with the title at 0, 0.617 at 0.75,
/// 0.625 at 1.5, 0.628 at 2.25 and 0.633 at 3 (two places unjudged, P@5
/// down); with the title at half the section's weight, 0.504 with neither
/// heading, 0.592 at 0.75, 0.617 at 1.5 and 0.610 at 3 for the section.
pub const HEADING_BONUSES: [(Heading, f32); 2] = [(Heading::Section, 1.5), (Heading::Title, 1.5)];

/// The most a passage's length adds to its score: [`substance_bonus`].
pub const SUBSTANCE_BONUS: f32 = 12.0;
/// The length, in words, at which a passage earns the whole [`SUBSTANCE_BONUS`].
pub const SUBSTANCE_WORDS: u32 = 25;

/// What a passage of `words` words adds to its score for its substance:
/// [`SUBSTANCE_BONUS`] in proportion to its length up to
/// [`SUBSTANCE_WORDS`], the whole of it beyond. BM25 reads every passage
/// shorter than [`SHORTEST_SCORED_WORDS`] as that long, so a heading, a
/// contents line, a table row or a list item of three words ties with
/// the paragraph holding the words as often; this gives the sentence-long
/// passage what it is worth.
///
/// A table's row or cell earns none: its words are cells side by side
/// (a package's name, its popularity, a one-line description), however
/// many, and the paragraph that explains the same words is the answer.
/// What a passage reads as is [`crate::passage::Passage::kind`]: a row or
/// cell ending a sentence reads as prose, and the part of a joined passage
/// holding its lead-in as the lead-in.
pub fn substance_bonus(words: u32, kind: ParagraphKind) -> f32 {
    match kind {
        ParagraphKind::Table => 0.0,
        _ => SUBSTANCE_BONUS * words.min(SUBSTANCE_WORDS) as f32 / SUBSTANCE_WORDS as f32,
    }
}

/// BM25 scores a passage's text as if it held at least this many words.
/// Its length normalization alone puts a passage of three words (a
/// headline, a heading, a contents line) at twice the score of a
/// paragraph holding the query's words once; the
/// [`substance_bonus`] gives a paragraph back some of that, but a short
/// line holding every word side by side also earns the proximity bonus.
/// Below this length, a passage is not told apart by how short it is.
/// Only the text's length: a heading's BM25 (its bonus) is its own. A
/// phrase ending in a prefix (`"Plan LA"*`) is tantivy's phrase-prefix
/// query, which reads lengths as indexed.
///
/// On the relevance benchmark (`bench/relevance.sh`, 1,454 judgments, 52
/// scored needs), nDCG@10 was 0.574 without a floor, 0.587 at 12 words,
/// 0.608 at 25, 0.613 at 35, 0.630 at 50, 0.628 at 75 and 0.618 at 100
/// (4 and 10 places unjudged); the manuals (passages of 27 words on
/// average) stay flat up to 50 (0.594, 0.597, 0.594, 0.593, 0.597) and
/// lose beyond (0.590, 0.582); the press (55 words on average, headlines
/// among them) gains up to 75 (0.535, 0.568, 0.635, 0.651, 0.694, 0.701,
/// 0.687). 50 is where the press gains most before the manuals lose.
pub const SHORTEST_SCORED_WORDS: u32 = 50;

/// A field's lengths as BM25 reads them: the passage text's never shorter
/// than [`SHORTEST_SCORED_WORDS`], a heading's as indexed. Reading a
/// length as longer only lowers a score, so BM25's ceiling still bounds
/// every score (pruning relies on it).
pub struct ScoredLengths {
    norms: FieldNormReader,
    shortest: u8,
}

impl ScoredLengths {
    /// The lengths of `field` in `segment`; without `recorded` (a query
    /// that does not score), every passage is one word long.
    pub fn of(segment: &SegmentReader, field: Field, recorded: bool) -> tantivy::Result<Self> {
        let norms = if recorded {
            segment.fieldnorms_readers().get_field(field)?
        } else {
            None
        };
        let is_text = segment.schema().get_field_name(field) == names::TEXT;
        Ok(ScoredLengths {
            norms: norms.unwrap_or_else(|| FieldNormReader::constant(segment.max_doc(), 1)),
            shortest: if recorded && is_text {
                FieldNormReader::fieldnorm_to_id(SHORTEST_SCORED_WORDS)
            } else {
                0
            },
        })
    }

    /// The length id BM25 scores passage `doc` with.
    pub fn fieldnorm_id(&self, doc: DocId) -> u8 {
        self.norms.fieldnorm_id(doc).max(self.shortest)
    }

    /// How many passages the segment has.
    pub fn passages(&self) -> u32 {
        self.norms.num_docs()
    }
}

/// Words of an AND within this many positions of each other score a proximity bonus.
pub const PROXIMITY_SLOP: u32 = 6;
/// Weight of that proximity bonus: about half the words' BM25. On the relevance
/// benchmark (`bench/relevance.sh`, 961 judgments) nDCG@10 was 0.556 at 2,
/// 0.603 at 1, 0.613 at 0.75, 0.617 at 0.5 (0.622 at 0.4 and 0.613 at
/// 0.25 with a place unjudged), 0.604 at 0:
/// at full weight, a row or a line naming both words side by side
/// ("herramienta de copia de seguridad") outranked the paragraph that
/// explains them.
pub const PROXIMITY_BOOST: f32 = 0.5;

/// Score, source, record, entry ("" for none), paragraph, part: what ranks a passage.
pub type RankKey<'a> = (f32, &'a str, Option<u64>, &'a str, u64, u64);

/// Best score first; equal scores by source, record, entry, paragraph and part.
pub fn by_rank(a: RankKey, b: RankKey) -> Ordering {
    b.0.partial_cmp(&a.0)
        .unwrap_or(Ordering::Equal)
        .then_with(|| (a.1, a.2, a.3, a.4, a.5).cmp(&(b.1, b.2, b.3, b.4, b.5)))
}

/// Partial matches (see [`crate::query::partial`]) rank after every full
/// match: those holding more of the query's terms first, then as
/// [`by_rank`] orders them.
pub fn by_partial_rank(a: (usize, RankKey), b: (usize, RankKey)) -> Ordering {
    b.0.cmp(&a.0).then_with(|| by_rank(a.1, b.1))
}

/// A passage's rank key after its score, within one segment: the source as
/// one more than its ordinal in the segment's (sorted) dictionary (0 for
/// none), record, the entry likewise, paragraph, part.
/// It orders the passages of one segment as [`by_rank`] does.
pub type TieKey = PositionKey;

/// The rank key of a hit.
pub fn hit_rank_key(hit: &Hit) -> RankKey<'_> {
    let passage = &hit.passage;
    (
        hit.score,
        &passage.source,
        passage.record,
        passage.entry.as_deref().unwrap_or_default(),
        u64::from(passage.paragraph),
        u64::from(passage.part),
    )
}

/// One match with the keys to sort, group and count it, read from fast fields.
pub struct Match {
    /// Its score.
    pub score: f32,
    /// Where it is in the index.
    pub address: DocAddress,
    /// Its keys.
    pub keys: PassageKeys,
}

impl Match {
    /// The rank key of the match.
    pub fn rank_key(&self) -> RankKey<'_> {
        let keys = &self.keys;
        (
            self.score,
            &keys.source,
            keys.record,
            keys.entry.as_deref().unwrap_or_default(),
            keys.paragraph,
            keys.part,
        )
    }
}

/// A passage's publication day (days since 1970) and rank key: what
/// orders it under every sort.
pub type OrderKey<'a> = (Option<i64>, RankKey<'a>);

/// The order `sort` gives passages: by date or document first (undated
/// passages last in both date orders), then by rank.
pub fn in_order(sort: Sort, a: OrderKey, b: OrderKey) -> Ordering {
    by_sort(sort, a, b).then_with(|| by_rank(a.1, b.1))
}

/// What every match of a search is ordered by before its whole rank key is
/// read (a few dozen bytes, where the key's path and entry cost hundreds):
/// its date, its document and place by ranks that order as their text
/// does, and its score. An order fills only what [`by_head`] compares for
/// it: the date for the date orders, the document and place for the
/// orders by source.
#[derive(Debug, Clone, Copy)]
pub struct SortHead {
    /// Publication day (days since 1970).
    pub date: Option<i64>,
    /// The ranks of its source among the archive's sources, its record,
    /// and the rank of its entry among the entries ("" for none).
    pub document: (u32, Option<u64>, u32),
    /// Paragraph and part.
    pub position: (u64, u64),
    pub score: f32,
}

/// The part of [`in_order`] that a [`SortHead`] decides: passages this
/// orders apart, `in_order` orders alike; those equal here (the same date,
/// or document, and score), it orders by the rest of their rank key.
pub fn by_head(sort: Sort, a: &SortHead, b: &SortHead) -> Ordering {
    let by_score = || b.score.partial_cmp(&a.score).unwrap_or(Ordering::Equal);
    match sort {
        Sort::Relevance | Sort::Date | Sort::DateDescending => {
            by_date(sort, a.date, b.date).then_with(by_score)
        }
        Sort::Source => a.document.cmp(&b.document).then_with(by_score),
        Sort::Document => (a.document, a.position)
            .cmp(&(b.document, b.position))
            .then_with(by_score),
    }
}

/// How a date order (`sort`) orders two publication days: undated last.
fn by_date(sort: Sort, a: Option<i64>, b: Option<i64>) -> Ordering {
    match sort {
        Sort::Date => (a.is_none(), a).cmp(&(b.is_none(), b)),
        Sort::DateDescending => {
            (a.is_none(), std::cmp::Reverse(a)).cmp(&(b.is_none(), std::cmp::Reverse(b)))
        }
        _ => Ordering::Equal,
    }
}

/// The whole of [`in_order`], for heads with every field `sort` reads
/// filled, their document and place too: the ranks of source and entry
/// order as their text does, so their place orders as the rest of the
/// rank key.
pub fn by_whole_head(sort: Sort, a: &SortHead, b: &SortHead) -> Ordering {
    by_head(sort, a, b).then_with(|| (a.document, a.position).cmp(&(b.document, b.position)))
}

/// How `sort` orders two passages before relevance.
fn by_sort(sort: Sort, (a_date, a): OrderKey, (b_date, b): OrderKey) -> Ordering {
    match sort {
        Sort::Relevance | Sort::Date | Sort::DateDescending => by_date(sort, a_date, b_date),
        // Source, record, entry: the document ("" for no entry sorts first,
        // as no entry does).
        Sort::Source => (a.1, a.2, a.3).cmp(&(b.1, b.2, b.3)),
        Sort::Document => (a.1, a.2, a.3, a.4, a.5).cmp(&(b.1, b.2, b.3, b.4, b.5)),
    }
}

/// Reads [`TieKey`]s.
pub trait SegmentTieOrder: Send + Sync + 'static {
    /// The tie key of `doc` in the segment numbered `segment`.
    fn tie_key(&self, segment: SegmentOrdinal, doc: DocId) -> TieKey;
}

/// Every match of a search: each segment's, ascending.
pub type Listed = Vec<(SegmentOrdinal, Vec<DocId>)>;

/// Within each segment, the `limit` best matches in rank order; across
/// segments, the `limit` best-scored of those plus every one scoring the
/// same as the last of them (their order needs the sources' text, which the
/// caller reads for these few only), unordered; and the number of matches.
/// A segment collected after others starts at the highest of their
/// `limit`-th best scores. One collector serves one search at a time.
pub struct TopWithTies<T> {
    limit: usize,
    ties: Arc<T>,
    pruned: bool,
    /// The bits of the highest `limit`-th best score of any one segment
    /// collected so far in this search: that segment holds `limit` matches
    /// at least as good, so nothing scoring below it in another segment
    /// can be among the best, and segments collected later start pruning
    /// there. Reset when the search ends (`merge_fruits`).
    floor: AtomicU32,
    /// With [`TopWithTies::listing`], every match collected so far in
    /// this search.
    listed: Option<Mutex<Listed>>,
    /// Pruned, the count is not asked for.
    uncounted: bool,
}

impl<T> TopWithTies<T> {
    /// Collects at least `limit` matches (all of them, if fewer match).
    pub fn new(limit: usize, ties: Arc<T>) -> TopWithTies<T> {
        TopWithTies {
            limit: limit.max(1),
            ties,
            pruned: false,
            floor: AtomicU32::new(Score::NEG_INFINITY.to_bits()),
            listed: None,
            uncounted: false,
        }
    }

    /// Also lists every match on the way (so nothing is pruned), for
    /// [`TopWithTies::take_listed`]: a search that goes through every
    /// match anyway reads what else it needs of them (their copy keys)
    /// without a second pass.
    pub fn listing(mut self) -> TopWithTies<T> {
        self.listed = Some(Mutex::new(Vec::new()));
        self.pruned = false;
        self
    }

    /// Every match the last search found (nothing without
    /// [`TopWithTies::listing`]).
    pub fn take_listed(&self) -> Listed {
        self.listed
            .as_ref()
            .map(|listed| {
                std::mem::take(&mut *listed.lock().unwrap_or_else(PoisonError::into_inner))
            })
            .unwrap_or_default()
    }

    /// Leaves the matches that cannot be among the best to the query
    /// (`Weight::for_each_pruning`) and asks it for the count
    /// (`Weight::count`): for a query that counts without scoring, cheaper
    /// than scoring every match; for others, twice the work.
    pub fn pruned(mut self, pruned: bool) -> TopWithTies<T> {
        self.pruned = pruned;
        self
    }

    /// Pruned, does not ask the query for the count (0 is reported): for
    /// a caller that counts the matches otherwise, or needs no count when
    /// fewer than `limit` match (then they are all kept).
    pub fn uncounted(mut self) -> TopWithTies<T> {
        self.uncounted = true;
        self
    }

    fn floor(&self) -> Score {
        Score::from_bits(self.floor.load(MemoryOrdering::Relaxed))
    }

    /// Raises the floor to the last of a segment's best, if it kept `limit`.
    fn raise_floor(&self, kept: &[(Score, DocAddress)]) {
        if kept.len() < self.limit {
            return;
        }
        // Ordered as `prune` orders scores, so a NaN never becomes the floor.
        let Some(last) = kept
            .iter()
            .map(|(score, _)| *score)
            .min_by(|a, b| a.total_cmp(b))
        else {
            return;
        };
        // Segments may be collected on several threads.
        let _ = self
            .floor
            .fetch_update(MemoryOrdering::Relaxed, MemoryOrdering::Relaxed, |bits| {
                (last > Score::from_bits(bits)).then_some(last.to_bits())
            });
    }
}

/// Scored matches, pruned now and then to the best `limit` and their ties.
struct Best<T> {
    limit: usize,
    kept: Vec<(Score, T)>,
    /// Matches scoring below this cannot be among the best.
    floor: Score,
    /// How many kept matches make the next pruning worth its cost: twice
    /// what the last one left, so a long run of ties costs linear time.
    prune_at: usize,
}

impl<T> Best<T> {
    /// The best `limit` matches scoring `floor` or more.
    fn new(limit: usize, floor: Score) -> Best<T> {
        Best {
            limit,
            kept: Vec::new(),
            floor,
            prune_at: limit.saturating_mul(2).max(64),
        }
    }

    /// The score a match must exceed to be offered.
    fn threshold(&self) -> Score {
        self.floor.next_down()
    }

    fn offer(&mut self, score: Score, item: T) {
        if score < self.floor {
            return;
        }
        self.kept.push((score, item));
        if self.kept.len() >= self.prune_at {
            self.prune();
            self.prune_at = self.prune_at.max(self.kept.len().saturating_mul(2));
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

/// The best matches and their ties, and how many matched.
pub type Ranked = (Vec<(Score, DocAddress)>, u64);

impl<T: SegmentTieOrder> Collector for TopWithTies<T> {
    type Fruit = Ranked;
    type Child = TopWithTiesSegment<T>;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        _reader: &SegmentReader,
    ) -> tantivy::Result<TopWithTiesSegment<T>> {
        Ok(TopWithTiesSegment {
            segment,
            best: Best::new(self.limit, self.floor()),
            count: 0,
            ties: Arc::clone(&self.ties),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn collect_segment(
        &self,
        weight: &dyn Weight,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Ranked> {
        let mut collector = self.for_segment(segment, reader)?;
        let alive = reader.alive_bitset();
        let is_alive = |doc| alive.is_none_or(|alive| alive.is_alive(doc));
        if self.pruned {
            if !self.uncounted {
                collector.count = u64::from(weight.count(reader)?);
            }
            let best = &mut collector.best;
            weight.for_each_pruning(best.threshold(), reader, &mut |doc, score| {
                if is_alive(doc) {
                    best.offer(score, doc);
                }
                best.threshold()
            })?;
        } else if let Some(listed) = &self.listed {
            let mut docs = Vec::new();
            weight.for_each(reader, &mut |doc, score| {
                if is_alive(doc) {
                    collector.collect(doc, score);
                    docs.push(doc);
                }
            })?;
            let mut listed = listed.lock().unwrap_or_else(PoisonError::into_inner);
            listed.push((segment, docs));
        } else {
            weight.for_each(reader, &mut |doc, score| {
                if is_alive(doc) {
                    collector.collect(doc, score);
                }
            })?;
        }
        let fruit = collector.harvest();
        self.raise_floor(&fruit.0);
        Ok(fruit)
    }

    fn merge_fruits(&self, fruits: Vec<Ranked>) -> tantivy::Result<Ranked> {
        // The floor belonged to this search's segments.
        self.floor
            .store(Score::NEG_INFINITY.to_bits(), MemoryOrdering::Relaxed);
        let mut best = Best::new(self.limit, Score::NEG_INFINITY);
        let mut count = 0;
        for (kept, counted) in fruits {
            count += counted;
            for (score, address) in kept {
                best.offer(score, address);
            }
        }
        Ok((best.into_items(), count))
    }
}

/// [`TopWithTies`] within one segment.
pub struct TopWithTiesSegment<T> {
    segment: SegmentOrdinal,
    best: Best<DocId>,
    count: u64,
    ties: Arc<T>,
}

impl<T: SegmentTieOrder> SegmentCollector for TopWithTiesSegment<T> {
    type Fruit = Ranked;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.count += 1;
        self.best.offer(score, doc);
    }

    fn harvest(self) -> Ranked {
        let (segment, limit, count) = (self.segment, self.best.limit, self.count);
        let mut kept = self.best.into_items();
        if kept.len() > limit {
            // More passages share the last place than fit: the rank keys
            // decide which stay.
            kept.sort_unstable_by(|a, b| b.0.total_cmp(&a.0));
            let last = kept[limit - 1].0;
            let tied_from = kept.partition_point(|(score, _)| *score > last);
            kept[tied_from..].sort_by_cached_key(|(_, doc)| self.ties.tie_key(segment, *doc));
            kept.truncate(limit);
        }
        let kept = kept
            .into_iter()
            .map(|(score, doc)| (score, DocAddress::new(segment, doc)))
            .collect();
        (kept, count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::one_segment;

    #[test]
    fn the_text_scores_no_shorter_than_the_shortest_scored_length_and_headings_as_indexed() {
        // Passage `doc` has `doc + 1` words of text, and a title of as many.
        let words = |doc: u32| Some(vec!["word"; doc as usize + 1].join(" "));
        let (searcher, fields) = one_segment(
            &[names::TEXT, names::TITLE],
            80,
            |doc| vec![words(doc), words(doc)],
            None,
        );
        let segment = searcher.segment_reader(0);
        let text = ScoredLengths::of(segment, fields[0], true).unwrap();
        let title = ScoredLengths::of(segment, fields[1], true).unwrap();
        let unscored = ScoredLengths::of(segment, fields[0], false).unwrap();
        let shortest = FieldNormReader::fieldnorm_to_id(SHORTEST_SCORED_WORDS);
        for doc in 0..80 {
            let indexed = FieldNormReader::fieldnorm_to_id(doc + 1);
            assert_eq!(text.fieldnorm_id(doc), indexed.max(shortest), "doc {doc}");
            assert_eq!(title.fieldnorm_id(doc), indexed, "doc {doc}");
            assert_eq!(
                unscored.fieldnorm_id(doc),
                FieldNormReader::fieldnorm_to_id(1)
            );
        }
        assert!(text.fieldnorm_id(0) > FieldNormReader::fieldnorm_to_id(1));
        assert_eq!(text.passages(), 80);
    }

    fn best_of(limit: usize, scores: &[f32]) -> Vec<f32> {
        let mut best = Best::new(limit, Score::NEG_INFINITY);
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

    /// Ties ordered by the document number backwards.
    struct Backwards;

    impl SegmentTieOrder for Backwards {
        fn tie_key(&self, _segment: SegmentOrdinal, doc: DocId) -> TieKey {
            (u64::from(u32::MAX - doc), None, 0, 0, 0)
        }
    }

    fn harvest(limit: usize, scores: &[f32]) -> Vec<(f32, DocId)> {
        let mut segment = TopWithTiesSegment {
            segment: 0,
            best: Best::new(limit, Score::NEG_INFINITY),
            count: 0,
            ties: Arc::new(Backwards),
        };
        for (doc, score) in scores.iter().enumerate() {
            segment.collect(doc as DocId, *score);
        }
        let (kept, count) = segment.harvest();
        assert_eq!(count, scores.len() as u64);
        let mut fruit: Vec<(f32, DocId)> = kept
            .into_iter()
            .map(|(score, address)| (score, address.doc_id))
            .collect();
        fruit.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)));
        fruit
    }

    #[test]
    fn a_segment_breaks_a_run_of_ties_at_the_cut_by_its_tie_order() {
        // Ten thousand equal scores (a folder of copies): the last documents
        // come first in this order, and only `limit` of them are kept.
        let mut scores = vec![1.0; 10_000];
        scores[17] = 2.0;
        assert_eq!(harvest(3, &scores), [(2.0, 17), (1.0, 9_999), (1.0, 9_998)]);
        // Ties above the cut all stay; nothing tied at the cut is left over.
        assert_eq!(
            harvest(3, &[3.0, 3.0, 1.0, 1.0, 1.0]),
            [(3.0, 1), (3.0, 0), (1.0, 4)]
        );
        assert_eq!(harvest(5, &[1.0, 2.0]), [(2.0, 1), (1.0, 0)]);
    }

    #[test]
    fn a_later_segment_keeps_only_what_reaches_the_best_of_the_earlier_ones() {
        use tantivy::query::{BoostQuery, EnableScoring, Query, TermQuery};
        use tantivy::schema::{IndexRecordOption, Schema, TEXT};
        use tantivy::{Index, IndexWriter, TantivyDocument, Term};

        // Twelve words each, `tf` of them `a`: the score grows with `tf`.
        let mut schema = Schema::builder();
        let text = schema.add_text_field("text", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter<TantivyDocument> =
            index.writer_with_num_threads(1, 15_000_000).unwrap();
        for frequencies in [[2, 4, 6, 8, 10], [1, 3, 5, 7, 0]] {
            for tf in frequencies.into_iter().filter(|&tf| tf > 0) {
                let words = format!("{}{}", "a ".repeat(tf), "x ".repeat(12 - tf));
                let mut document = TantivyDocument::new();
                document.add_text(text, words);
                writer.add_document(document).unwrap();
            }
            writer.commit().unwrap();
        }
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 2);
        let query = TermQuery::new(
            Term::from_field_text(text, "a"),
            IndexRecordOption::WithFreqs,
        );
        let weight = query
            .weight(EnableScoring::enabled_from_searcher(&searcher))
            .unwrap();
        let score = |segment: usize, doc: DocId| {
            let reader = searcher.segment_reader(segment as SegmentOrdinal);
            weight.explain(reader, doc).unwrap().value()
        };
        let collector = TopWithTies::new(3, Arc::new(Backwards));
        let fruits: Vec<Ranked> = (0..2)
            .map(|segment| {
                let reader = searcher.segment_reader(segment);
                collector.collect_segment(weight.as_ref(), segment, reader)
            })
            .collect::<tantivy::Result<_>>()
            .unwrap();
        // The first keeps its best three (tf 10, 8, 6); the second only
        // tf 7, the one above the first's third, but counts every match.
        let docs = |kept: &[(Score, DocAddress)]| {
            let mut docs: Vec<_> = kept
                .iter()
                .map(|(_, at)| (at.segment_ord, at.doc_id))
                .collect();
            docs.sort();
            docs
        };
        assert_eq!(docs(&fruits[0].0), [(0, 2), (0, 3), (0, 4)]);
        assert_eq!(docs(&fruits[1].0), [(1, 3)]);
        assert_eq!((fruits[0].1, fruits[1].1), (5, 4));
        assert!(score(1, 3) > score(0, 2) && score(1, 2) < score(0, 2));
        let (best, count) = collector.merge_fruits(fruits).unwrap();
        assert_eq!(docs(&best), [(0, 3), (0, 4), (1, 3)]);
        assert_eq!(count, 9);

        // The floor was this search's: a weaker query next still finds its best.
        let weaker = BoostQuery::new(Box::new(query), 0.1);
        let (reused, _) = searcher.search(&weaker, &collector).unwrap();
        assert_eq!(docs(&reused), [(0, 3), (0, 4), (1, 3)]);

        // Listing visits every match, whatever the pruning.
        let listing = TopWithTies::new(1, Arc::new(Backwards))
            .pruned(true)
            .listing();
        let (best, count) = searcher.search(&weaker, &listing).unwrap();
        assert_eq!((best.len(), count), (1, 9));
        let mut listed = listing.take_listed();
        listed.sort();
        assert_eq!(listed, [(0, vec![0, 1, 2, 3, 4]), (1, vec![0, 1, 2, 3])]);
        assert!(listing.take_listed().is_empty(), "taken once");
    }

    #[test]
    fn equal_scores_rank_by_source_then_position() {
        let mut keys = [
            (1.0, "b", None, "", 1, 1),
            (2.0, "z", None, "", 9, 1),
            (1.0, "a", Some(2), "", 1, 1),
            (1.0, "a", Some(1), "", 3, 1),
            (1.0, "a", Some(1), "", 2, 2),
            (1.0, "a", Some(1), "x.txt", 1, 1),
            (1.0, "a", Some(1), "", 2, 1),
        ];
        keys.sort_by(|a, b| by_rank(*a, *b));
        assert_eq!(
            keys,
            [
                (2.0, "z", None, "", 9, 1),
                (1.0, "a", Some(1), "", 2, 1),
                (1.0, "a", Some(1), "", 2, 2),
                (1.0, "a", Some(1), "", 3, 1),
                (1.0, "a", Some(1), "x.txt", 1, 1),
                (1.0, "a", Some(2), "", 1, 1),
                (1.0, "b", None, "", 1, 1),
            ]
        );
    }
}
