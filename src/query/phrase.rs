//! Phrases, exact or within a slop, with the scores of tantivy's phrase
//! query and a faster way to read positions.
//!
//! A phrase with slop matches as the highlighter marks it (see
//! `highlight::match_phrase`): from each occurrence of its first word, each
//! next word is the nearest unused occurrence to where it is expected,
//! spending the slop on the distances; the phrase's frequency is the number
//! of first-word occurrences that start a match. That costs a binary search
//! per word per occurrence, whatever the slop. tantivy's sloppy phrase
//! scorer, which cita used before, carries every candidate position from
//! word to word, and on a long phrase of common words with a wide slop its
//! lists grew without bound (a 40-word phrase with slop 1000 took gigabytes).
//!
//! tantivy's phrase scorer finds a document's positions for each word by
//! summing the term frequencies of every earlier document of the block, on
//! every candidate: for a phrase of common words such as `"of the"`, where
//! nearly every document is a candidate, that sum was more than a third of
//! the search. Here each word's list is walked block by block, carrying the
//! offset of the current document's positions as it goes, so a candidate's
//! positions are one read. Walking means decoding every block the others do
//! not skip, which only pays when every word is in a good share of the
//! segment's documents; otherwise a segment's lists are read through
//! tantivy's postings, which skip blocks without decoding them. Either way a
//! match scores as tantivy's phrase query scores it: BM25 of the phrase's
//! frequency with the words' summed IDF, over the passage's length as
//! ranking reads it (`ranking::ScoredLengths`: a short passage's text
//! scores as if it were longer). A phrase whose last word is a prefix
//! (`"Plan LA"*`) reads the words under the prefix as one word
//! ([`EveryPhrasePrefix`]) and scores as the phrase of the words before.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use tantivy::directory::CompositeFile;
use tantivy::index::SegmentComponent;
use tantivy::positions::PositionReader;
use tantivy::postings::{BlockSegmentPostings, Postings, SegmentPostings};
use tantivy::query::{
    Bm25Weight, EmptyScorer, EnableScoring, Explanation, PhrasePrefixQuery, Query, Scorer, Weight,
};
use tantivy::schema::{IndexRecordOption, Term};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, TantivyError};

use crate::ranking::ScoredLengths;

/// A segment's lists are walked when even the rarest word is in at least one
/// document in this many: skipping would then decode most blocks anyway.
/// Below, skipping wins, and so it does for a phrase in a heading that is only
/// looked up at the text's matches (measured on the bench corpus: walking from
/// one document in 64 made `"state of the union"` a fifth slower).
const DENSE_SHARE: u64 = 16;

/// The words of `terms` at their offsets, adjacent as the offsets say, or
/// within `slop` positions of that in all.
#[derive(Clone, Debug)]
pub struct ExactPhraseQuery {
    /// Sorted by offset; all of one field.
    terms: Vec<(usize, Term)>,
    /// How far, in positions summed over the words, a match may stray.
    slop: u32,
}

impl ExactPhraseQuery {
    /// A phrase of words of one field, each at its offset. A phrase of one
    /// word (`"password"`, quoted) matches the word in the form typed, as
    /// tantivy's term query does, and scores it over the lengths as
    /// ranking reads them.
    pub fn new(mut terms: Vec<(usize, Term)>) -> ExactPhraseQuery {
        assert!(!terms.is_empty(), "a phrase has a word or more");
        assert!(
            terms
                .iter()
                .all(|(_, term)| term.field() == terms[0].1.field()),
            "a phrase is in one field"
        );
        // tantivy's order: the summed IDF is then the same float.
        terms.sort_by_key(|&(offset, _)| offset);
        ExactPhraseQuery { terms, slop: 0 }
    }

    /// The same phrase, matching within `slop`.
    pub fn with_slop(mut self, slop: u32) -> ExactPhraseQuery {
        self.slop = slop;
        self
    }
}

impl Query for ExactPhraseQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.exact_weight(scoring)?))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for (_, term) in &self.terms {
            visitor(term, true);
        }
    }
}

impl ExactPhraseQuery {
    fn exact_weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<ExactPhraseWeight> {
        Ok(ExactPhraseWeight {
            terms: self.terms.clone(),
            slop: self.slop,
            bm25: phrase_bm25(&scoring, &self.terms)?,
        })
    }
}

/// The BM25 weight of a phrase of `words` (with their offsets), from the
/// statistics provider (the archive's figures over shards), `None` when
/// scoring is off; an error when their field has no positions.
fn phrase_bm25(
    scoring: &EnableScoring<'_>,
    words: &[(usize, Term)],
) -> tantivy::Result<Option<Bm25Weight>> {
    let field = words[0].1.field();
    let positional = scoring
        .schema()
        .get_field_entry(field)
        .field_type()
        .get_index_record_option()
        .is_some_and(IndexRecordOption::has_positions);
    if !positional {
        return Err(TantivyError::SchemaError(format!(
            "a phrase needs positions, and field {:?} has none",
            scoring.schema().get_field_name(field)
        )));
    }
    let words: Vec<Term> = words.iter().map(|(_, term)| term.clone()).collect();
    Ok(match scoring {
        EnableScoring::Enabled {
            statistics_provider,
            ..
        } => Some(Bm25Weight::for_terms(*statistics_provider, &words)?),
        EnableScoring::Disabled { .. } => None,
    })
}

/// How far each of `terms`' positions is moved so that the phrase's words
/// line up with its last.
fn shifts(terms: &[(usize, Term)]) -> Vec<u32> {
    let last_offset = terms.iter().map(|&(offset, _)| offset).max().unwrap_or(0);
    terms
        .iter()
        .map(|&(offset, _)| (last_offset - offset) as u32)
        .collect()
}

struct ExactPhraseWeight {
    terms: Vec<(usize, Term)>,
    slop: u32,
    bm25: Option<Bm25Weight>,
}

impl ExactPhraseWeight {
    /// A scorer of the phrase in `reader`, reading lists the way that suits
    /// how common the words are there; `None` if a word is not in it.
    fn phrase_scorer(
        &self,
        reader: &SegmentReader,
        boost: Score,
    ) -> tantivy::Result<Option<Box<dyn PhraseMatches>>> {
        self.phrase_scorer_walking_if(reader, boost, |rarest, docs| {
            u64::from(rarest) * DENSE_SHARE >= u64::from(docs)
        })
    }

    /// [`Self::phrase_scorer`], walking the lists where `walk(documents
    /// with the rarest word, documents in the segment)`.
    fn phrase_scorer_walking_if(
        &self,
        reader: &SegmentReader,
        boost: Score,
        walk: impl Fn(u32, u32) -> bool,
    ) -> tantivy::Result<Option<Box<dyn PhraseMatches>>> {
        let field = self.terms[0].1.field();
        let index = reader.inverted_index(field)?;
        let mut infos = Vec::with_capacity(self.terms.len());
        for (_, term) in &self.terms {
            match index.get_term_info(term)? {
                Some(info) => infos.push(info),
                None => return Ok(None),
            }
        }
        let shifts = shifts(&self.terms);
        let fieldnorms = ScoredLengths::of(reader, field, self.bm25.is_some())?;
        let bm25 = self.bm25.as_ref().map(|bm25| bm25.boost_by(boost));
        let rarest = infos.iter().map(|info| info.doc_freq).min().unwrap_or(0);
        if !walk(rarest, reader.max_doc()) {
            let mut words = Vec::with_capacity(infos.len());
            for (info, &shift) in infos.iter().zip(&shifts) {
                let postings = index
                    .read_postings_from_terminfo(info, IndexRecordOption::WithFreqsAndPositions)?;
                words.push(SkippingWord { postings, shift });
            }
            return Ok(Some(Box::new(PhraseScorer::new(
                words, self.slop, bm25, fieldnorms,
            ))));
        }
        let positions_file = CompositeFile::open(&reader.open_read(SegmentComponent::Positions)?)?
            .open_read(field)
            .ok_or_else(|| TantivyError::SchemaError("a phrase needs positions".to_string()))?;
        let mut words = Vec::with_capacity(infos.len());
        for (info, &shift) in infos.iter().zip(&shifts) {
            let positions = positions_file
                .slice(info.positions_range.clone())
                .read_bytes()?;
            words.push(WalkingWord {
                blocks: index
                    .read_block_postings_from_terminfo(info, IndexRecordOption::WithFreqs)?,
                at: 0,
                first_position: 0,
                positions: PositionReader::open(positions)?,
                shift,
            });
        }
        Ok(Some(Box::new(PhraseScorer::new(
            words, self.slop, bm25, fieldnorms,
        ))))
    }
}

impl Weight for ExactPhraseWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        match self.phrase_scorer(reader, boost)? {
            Some(scorer) => Ok(scorer.into_scorer()),
            None => Ok(Box::new(EmptyScorer)),
        }
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        explain_phrase(self.phrase_scorer(reader, 1.0)?, doc, "exact phrase")
    }
}

/// How `scorer` (none where a word is not in the segment) scores `doc`.
fn explain_phrase(
    scorer: Option<Box<dyn PhraseMatches>>,
    doc: DocId,
    what: &'static str,
) -> tantivy::Result<Explanation> {
    let Some(mut scorer) = scorer else {
        return Err(does_not_match(doc));
    };
    if scorer.seek_match(doc) != doc {
        return Err(does_not_match(doc));
    }
    let mut explanation = Explanation::new(what, scorer.score_match());
    explanation.add_const("phrase frequency", scorer.frequency() as Score);
    Ok(explanation)
}

fn does_not_match(doc: DocId) -> TantivyError {
    TantivyError::InvalidArgument(format!("document #{doc} does not match"))
}

/// What `explain` needs of a phrase scorer whichever way it reads.
trait PhraseMatches {
    fn seek_match(&mut self, target: DocId) -> DocId;
    fn score_match(&mut self) -> Score;
    fn frequency(&self) -> u32;
    fn into_scorer(self: Box<Self>) -> Box<dyn Scorer>;
}

impl<W: PhraseWord> PhraseMatches for PhraseScorer<W> {
    fn seek_match(&mut self, target: DocId) -> DocId {
        self.seek(target)
    }

    fn score_match(&mut self) -> Score {
        self.score()
    }

    fn frequency(&self) -> u32 {
        self.frequency
    }

    fn into_scorer(self: Box<Self>) -> Box<dyn Scorer> {
        self
    }
}

/// One word of a phrase, read along its postings.
trait PhraseWord: Send + 'static {
    /// Moves to the first document at or after `target` (not before the current one).
    fn seek(&mut self, target: DocId) -> DocId;
    /// The current document's positions, shifted to line up with the
    /// phrase's other words, into `out` (its contents replaced).
    fn read_positions(&mut self, out: &mut Vec<u32>);
    /// How often the word occurs in the current document.
    fn frequency(&self) -> u32;
    fn doc_freq(&self) -> u32;
    /// What [`Self::read_positions`] adds to each position.
    fn shift(&self) -> u32;
}

/// A word read through tantivy's postings, which skip blocks unread.
struct SkippingWord {
    postings: SegmentPostings,
    shift: u32,
}

impl PhraseWord for SkippingWord {
    fn seek(&mut self, target: DocId) -> DocId {
        if self.postings.doc() < target {
            self.postings.seek(target)
        } else {
            self.postings.doc()
        }
    }

    fn read_positions(&mut self, out: &mut Vec<u32>) {
        out.clear();
        self.postings.positions_with_offset(self.shift, out);
    }

    fn frequency(&self) -> u32 {
        self.postings.term_freq()
    }

    fn doc_freq(&self) -> u32 {
        self.postings.doc_freq()
    }

    fn shift(&self) -> u32 {
        self.shift
    }
}

/// The words a phrase's last word, typed as a prefix, stands for (every
/// word of the segment under it), read as one: in a document, where any
/// of them stands. The words not in the current document wait in a heap
/// by their next document, so that a seek moves only those behind it.
struct PrefixWord {
    words: Vec<SkippingWord>,
    /// The words in other documents than the current one, by document.
    waiting: BinaryHeap<Reverse<(DocId, usize)>>,
    /// The words in the current document.
    here: Vec<usize>,
    doc: DocId,
    doc_freq: u32,
    shift: u32,
    positions: Vec<u32>,
}

impl PrefixWord {
    fn new(words: Vec<SkippingWord>, shift: u32) -> PrefixWord {
        let doc_freq = words
            .iter()
            .map(|word| word.doc_freq())
            .fold(0u32, u32::saturating_add);
        let waiting = words
            .iter()
            .enumerate()
            .map(|(at, word)| Reverse((word.postings.doc(), at)))
            .filter(|Reverse((doc, _))| *doc != TERMINATED)
            .collect();
        let mut word = PrefixWord {
            words,
            waiting,
            here: Vec::new(),
            doc: 0,
            doc_freq,
            shift,
            positions: Vec::new(),
        };
        word.gather(0);
        word
    }

    /// Moves the words behind `target` to their document at or after it,
    /// and gathers those of the first document as the current one.
    fn gather(&mut self, target: DocId) {
        for at in self.here.drain(..) {
            let doc = self.words[at].seek(target);
            if doc != TERMINATED {
                self.waiting.push(Reverse((doc, at)));
            }
        }
        while let Some(&Reverse((doc, at))) = self.waiting.peek() {
            if doc >= target {
                break;
            }
            self.waiting.pop();
            let doc = self.words[at].seek(target);
            if doc != TERMINATED {
                self.waiting.push(Reverse((doc, at)));
            }
        }
        self.doc = self
            .waiting
            .peek()
            .map_or(TERMINATED, |&Reverse((doc, _))| doc);
        while let Some(&Reverse((doc, at))) = self.waiting.peek() {
            if doc != self.doc {
                break;
            }
            self.waiting.pop();
            self.here.push(at);
        }
    }
}

impl PhraseWord for PrefixWord {
    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc < target {
            self.gather(target);
        }
        self.doc
    }

    fn read_positions(&mut self, out: &mut Vec<u32>) {
        out.clear();
        for &at in &self.here {
            self.words[at].read_positions(&mut self.positions);
            out.extend_from_slice(&self.positions);
        }
        // One position holds one word: merged, they stay distinct.
        out.sort_unstable();
    }

    fn frequency(&self) -> u32 {
        self.here.iter().map(|&at| self.words[at].frequency()).sum()
    }

    fn doc_freq(&self) -> u32 {
        self.doc_freq
    }

    fn shift(&self) -> u32 {
        self.shift
    }
}

/// A phrase of skipping words and a prefix word.
impl PhraseWord for Box<dyn PhraseWord> {
    fn seek(&mut self, target: DocId) -> DocId {
        (**self).seek(target)
    }

    fn read_positions(&mut self, out: &mut Vec<u32>) {
        (**self).read_positions(out)
    }

    fn frequency(&self) -> u32 {
        (**self).frequency()
    }

    fn doc_freq(&self) -> u32 {
        (**self).doc_freq()
    }

    fn shift(&self) -> u32 {
        (**self).shift()
    }
}

/// A word's documents walked block by block, with where the current
/// document's positions start in the word's position list.
struct WalkingWord {
    blocks: BlockSegmentPostings,
    /// The current document's place in the current block.
    at: usize,
    /// How many positions the word has in the documents before the current one.
    first_position: u64,
    positions: PositionReader,
    /// Added to each position so that the phrase's words line up.
    shift: u32,
}

impl PhraseWord for WalkingWord {
    /// Counts the positions it passes.
    fn seek(&mut self, target: DocId) -> DocId {
        loop {
            let docs = self.blocks.docs();
            match docs.last() {
                None => return TERMINATED,
                Some(&last) if last < target => {
                    let freqs = self.blocks.freqs();
                    self.first_position +=
                        freqs[self.at..].iter().map(|&f| u64::from(f)).sum::<u64>();
                    self.blocks.advance();
                    self.at = 0;
                }
                Some(_) => {
                    let freqs = self.blocks.freqs();
                    while docs[self.at] < target {
                        self.first_position += u64::from(freqs[self.at]);
                        self.at += 1;
                    }
                    return docs[self.at];
                }
            }
        }
    }

    fn read_positions(&mut self, out: &mut Vec<u32>) {
        let count = self.blocks.freqs()[self.at] as usize;
        // Only grows zero-filled: every value is then overwritten.
        out.resize(count, 0);
        self.positions.read(self.first_position, out);
        let mut position = self.shift;
        for delta in out.iter_mut() {
            position += *delta;
            *delta = position;
        }
    }

    fn frequency(&self) -> u32 {
        self.blocks.freqs()[self.at]
    }

    fn doc_freq(&self) -> u32 {
        self.blocks.doc_freq()
    }

    fn shift(&self) -> u32 {
        self.shift
    }
}

/// Documents where the words stand at their offsets, scored by how often.
struct PhraseScorer<W> {
    /// In phrase order.
    words: Vec<W>,
    slop: u32,
    /// Indexes into `words`, rarest first: the rarest word proposes the
    /// candidates, the others confirm them.
    by_rarity: Vec<usize>,
    bm25: Option<Bm25Weight>,
    fieldnorms: ScoredLengths,
    doc: DocId,
    /// How often the phrase occurs in `doc`.
    frequency: u32,
    left: Vec<u32>,
    right: Vec<u32>,
    /// With slop: each word's positions in the current document, and the
    /// unshifted positions a match has taken so far.
    sloppy: Vec<Vec<u32>>,
    taken: Vec<u32>,
}

impl<W: PhraseWord> PhraseScorer<W> {
    fn new(words: Vec<W>, slop: u32, bm25: Option<Bm25Weight>, fieldnorms: ScoredLengths) -> Self {
        let mut by_rarity: Vec<usize> = (0..words.len()).collect();
        by_rarity.sort_by_key(|&word| words[word].doc_freq());
        let sloppy = vec![Vec::new(); if slop > 0 { words.len() } else { 0 }];
        let mut scorer = PhraseScorer {
            words,
            slop,
            by_rarity,
            bm25,
            fieldnorms,
            doc: 0,
            frequency: 0,
            left: Vec::new(),
            right: Vec::new(),
            sloppy,
            taken: Vec::new(),
        };
        scorer.doc = scorer.next_match(0);
        scorer
    }

    /// The first document at or after `target` holding the phrase.
    fn next_match(&mut self, mut target: DocId) -> DocId {
        loop {
            let doc = self.next_candidate(target);
            if doc == TERMINATED {
                return TERMINATED;
            }
            self.frequency = self.count_in_candidate();
            if self.frequency > 0 {
                return doc;
            }
            target = doc + 1;
        }
    }

    /// How many documents hold every word, as tantivy estimates an
    /// intersection (its `estimate_intersection`, private to tantivy, over
    /// the lists in the order its intersection sorts them: rarest first).
    fn candidates_estimate(&self) -> u32 {
        let documents = self.fieldnorms.passages();
        if documents == 0 {
            return 0;
        }
        let mut sizes = self
            .by_rarity
            .iter()
            .map(|&word| self.words[word].doc_freq());
        let Some(first) = sizes.next() else {
            return 0;
        };
        let mut estimate = f64::from(first);
        let mut smallest = estimate;
        let mut co_location: f64 = 1.3;
        for size in sizes {
            co_location = (co_location - 0.1).max(1.0);
            estimate *= (f64::from(size) / f64::from(documents)) * co_location;
            smallest = smallest.min(f64::from(size));
        }
        estimate.round().min(smallest) as u32
    }

    /// The first document at or after `target` holding every word.
    fn next_candidate(&mut self, mut target: DocId) -> DocId {
        'align: loop {
            if target == TERMINATED {
                return TERMINATED;
            }
            for &word in &self.by_rarity {
                let doc = self.words[word].seek(target);
                if doc != target {
                    target = doc;
                    continue 'align;
                }
            }
            return target;
        }
    }

    /// How often the words stand in phrase order in the current document.
    fn count_in_candidate(&mut self) -> u32 {
        // One word: each of its occurrences is a match, and its
        // frequency says how many without reading where they stand.
        if let [word] = &self.words[..] {
            return word.frequency();
        }
        if self.slop > 0 {
            return self.count_sloppy_in_candidate();
        }
        let (first, rest) = self.words.split_first_mut().expect("two words or more");
        first.read_positions(&mut self.left);
        let (last, middle) = rest.split_last_mut().expect("two words or more");
        for word in middle {
            word.read_positions(&mut self.right);
            keep_common(&mut self.left, &self.right);
            if self.left.is_empty() {
                return 0;
            }
        }
        last.read_positions(&mut self.right);
        count_common(&self.left, &self.right)
    }
}

impl<W: PhraseWord> PhraseScorer<W> {
    /// How many occurrences of the first word start a match within the slop
    /// in the current document.
    fn count_sloppy_in_candidate(&mut self) -> u32 {
        for (word, positions) in self.words.iter_mut().zip(&mut self.sloppy) {
            word.read_positions(positions);
        }
        let shifts: Vec<u32> = self.words.iter().map(PhraseWord::shift).collect();
        count_sloppy(&self.sloppy, &shifts, self.slop, &mut self.taken)
    }
}

/// How many of `words[0]`'s positions start a match of the phrase within
/// `slop`: each next word is taken at its nearest position to the previous
/// word's (positions are shifted so that an exact phrase lines up), not one
/// the match already took, the distances summed within `slop`; on a tie the
/// earlier position. `taken` is scratch space.
fn count_sloppy(words: &[Vec<u32>], shifts: &[u32], slop: u32, taken: &mut Vec<u32>) -> u32 {
    let mut count = 0;
    'start: for &first in &words[0] {
        taken.clear();
        taken.push(first - shifts[0]);
        let (mut previous, mut budget) = (first, slop);
        for (positions, &shift) in words.iter().zip(shifts).skip(1) {
            let free = |position: u32| !taken.contains(&(position - shift));
            // The nearest free position on each side of `previous`.
            let at = positions.partition_point(|&p| p < previous);
            let before = positions[..at].iter().rev().copied().find(|&p| free(p));
            let after = positions[at..].iter().copied().find(|&p| free(p));
            let nearest = match (before, after) {
                (Some(b), Some(a)) if a - previous < previous - b => Some(a),
                (Some(b), _) => Some(b),
                (None, a) => a,
            };
            let Some(position) = nearest.filter(|&p| p.abs_diff(previous) <= budget) else {
                continue 'start;
            };
            budget -= position.abs_diff(previous);
            previous = position;
            taken.push(position - shift);
        }
        count += 1;
    }
    count
}

/// Keeps in `left` the values also in `right` (both sorted, no repeats).
/// Branch-free steps: which list moves on is not predictable.
fn keep_common(left: &mut Vec<u32>, right: &[u32]) {
    let (mut i, mut j, mut kept) = (0, 0, 0);
    while i < left.len() && j < right.len() {
        let (a, b) = (left[i], right[j]);
        left[kept] = a;
        kept += usize::from(a == b);
        i += usize::from(a <= b);
        j += usize::from(b <= a);
    }
    left.truncate(kept);
}

/// How many values `left` and `right` (both sorted, no repeats) share.
fn count_common(left: &[u32], right: &[u32]) -> u32 {
    let (mut i, mut j, mut count) = (0, 0, 0);
    while i < left.len() && j < right.len() {
        let (a, b) = (left[i], right[j]);
        count += u32::from(a == b);
        i += usize::from(a <= b);
        j += usize::from(b <= a);
    }
    count
}

impl<W: PhraseWord> DocSet for PhraseScorer<W> {
    fn advance(&mut self) -> DocId {
        if self.doc != TERMINATED {
            self.doc = self.next_match(self.doc + 1);
        }
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc < target {
            self.doc = self.next_match(target);
        }
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    /// tantivy's phrase scorer's estimate, so that a boolean query orders
    /// its clauses, and so adds their scores, as it would with tantivy's.
    fn size_hint(&self) -> u32 {
        self.candidates_estimate() / (10 * self.words.len() as u32)
    }

    fn cost(&self) -> u64 {
        u64::from(self.candidates_estimate()) * 10 * self.words.len() as u64
    }
}

impl<W: PhraseWord> Scorer for PhraseScorer<W> {
    fn score(&mut self) -> Score {
        match &self.bm25 {
            Some(bm25) => bm25.score(self.fieldnorms.fieldnorm_id(self.doc), self.frequency),
            None => 1.0,
        }
    }
}

/// A phrase whose last word is a prefix (`"Plan LA"*`), every word under
/// the prefix tried, as a word prefix (`la*`) tries them, so that counts are
/// exact. It is scored as an exact phrase of the words before the prefix
/// is (BM25 over their statistics, the phrase's frequency, the lengths as
/// ranking reads them), from the statistics provider: tantivy's phrase
/// prefix query takes its statistics from the searcher, so over shards each
/// would score with its own figures.
#[derive(Clone, Debug)]
pub struct EveryPhrasePrefix {
    /// The words with their positions, the prefix last.
    terms: Vec<(usize, Term)>,
}

impl EveryPhrasePrefix {
    /// `terms` with their positions in the phrase, the prefix last.
    pub fn new(terms: Vec<(usize, Term)>) -> EveryPhrasePrefix {
        EveryPhrasePrefix { terms }
    }
}

impl Query for EveryPhrasePrefix {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let (words, _) = self.terms.split_at(self.terms.len() - 1);
        if words.is_empty() {
            // A prefix alone: tantivy reads it as the range of its words.
            return PhrasePrefixQuery::new_with_offset(self.terms.clone()).weight(scoring);
        }
        Ok(Box::new(PhrasePrefixWeight {
            terms: self.terms.clone(),
            bm25: phrase_bm25(&scoring, words)?,
        }))
    }
}

struct PhrasePrefixWeight {
    /// The words with their positions, the prefix last.
    terms: Vec<(usize, Term)>,
    bm25: Option<Bm25Weight>,
}

impl PhrasePrefixWeight {
    /// A scorer of the phrase in `reader`; `None` if a word, or every word
    /// under the prefix, is not in it.
    fn phrase_scorer(
        &self,
        reader: &SegmentReader,
        boost: Score,
    ) -> tantivy::Result<Option<Box<dyn PhraseMatches>>> {
        let (prefix, words) = self.terms.split_last().expect("a phrase prefix has words");
        let field = prefix.1.field();
        let index = reader.inverted_index(field)?;
        let shifts = shifts(&self.terms);
        let read = |info: &tantivy::postings::TermInfo, shift: u32| -> tantivy::Result<_> {
            Ok(SkippingWord {
                postings: index
                    .read_postings_from_terminfo(info, IndexRecordOption::WithFreqsAndPositions)?,
                shift,
            })
        };
        let mut found: Vec<Box<dyn PhraseWord>> = Vec::with_capacity(self.terms.len());
        for ((_, term), &shift) in words.iter().zip(&shifts) {
            match index.get_term_info(term)? {
                Some(info) => found.push(Box::new(read(&info, shift)?)),
                None => return Ok(None),
            }
        }
        let bytes = prefix.1.serialized_value_bytes();
        let mut stream = index.terms().range().ge(bytes).into_stream()?;
        let mut under = Vec::new();
        while stream.advance() && stream.key().starts_with(bytes) {
            under.push(read(stream.value(), shifts[words.len()])?);
        }
        if under.is_empty() {
            return Ok(None);
        }
        found.push(Box::new(PrefixWord::new(under, shifts[words.len()])));
        let fieldnorms = ScoredLengths::of(reader, field, self.bm25.is_some())?;
        let bm25 = self.bm25.as_ref().map(|bm25| bm25.boost_by(boost));
        Ok(Some(Box::new(PhraseScorer::new(
            found, 0, bm25, fieldnorms,
        ))))
    }
}

impl Weight for PhrasePrefixWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        match self.phrase_scorer(reader, boost)? {
            Some(scorer) => Ok(scorer.into_scorer()),
            None => Ok(Box::new(EmptyScorer)),
        }
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        explain_phrase(self.phrase_scorer(reader, 1.0)?, doc, "phrase prefix")
    }
}

#[cfg(test)]
mod tests {
    use tantivy::Searcher;
    use tantivy::collector::Count;
    use tantivy::query::{PhraseQuery, TermQuery};
    use tantivy::schema::Field;

    use super::*;
    use crate::test_support::next_random;
    use crate::test_support::one_segment;

    const DOCS: u32 = 6_000;

    /// Document `doc` of the synthetic index: 3 to 60 words, mostly `of`,
    /// `the` and `a` (so phrases of them are everywhere), `state` and
    /// `union` now and then, `zeta` in every 700th document only.
    fn words(doc: u32) -> String {
        const COMMON: [&str; 8] = ["of", "the", "a", "of", "the", "state", "union", "the"];
        let mut seed = doc.wrapping_mul(2_654_435_761).wrapping_add(12_345);
        let mut next = || next_random(&mut seed);
        let length = 3 + next() % 58;
        let mut text: Vec<&str> = (0..length).map(|_| COMMON[next() as usize % 8]).collect();
        if doc % 700 == 3 {
            let at = next() as usize % text.len();
            text.insert(at, "zeta");
            text.insert(at, "of");
        }
        text.join(" ")
    }

    /// One segment of [`words`], minus the documents holding `deleted`.
    fn synthetic(deleted: Option<&str>) -> (Searcher, Field) {
        let (searcher, fields) =
            one_segment(&["body"], DOCS, |doc| vec![Some(words(doc))], deleted);
        (searcher, fields[0])
    }

    fn phrase(field: Field, words: &[(usize, &str)]) -> Vec<(usize, Term)> {
        words
            .iter()
            .map(|&(offset, word)| (offset, Term::from_field_text(field, word)))
            .collect()
    }

    const PHRASES: [&[(usize, &str)]; 5] = [
        &[(0, "of"), (1, "the")],
        &[(0, "the"), (1, "the")],
        &[(0, "state"), (1, "of"), (2, "the"), (3, "union")],
        &[(0, "of"), (1, "zeta")],
        &[(0, "the"), (2, "of")],
    ];

    /// Every match and its score, in order.
    fn all(scorer: &mut dyn Scorer) -> Vec<(DocId, Score)> {
        let mut found = Vec::new();
        while scorer.doc() != TERMINATED {
            found.push((scorer.doc(), scorer.score()));
            scorer.advance();
        }
        found
    }

    /// The phrase's scorer in `reader` read each way, with whether it walks.
    fn each_reading(
        weight: &ExactPhraseWeight,
        reader: &SegmentReader,
        boost: Score,
    ) -> Vec<(bool, Box<dyn Scorer>)> {
        [true, false]
            .into_iter()
            .map(|walk| {
                let scorer = weight.phrase_scorer_walking_if(reader, boost, |_, _| walk);
                (walk, scorer.unwrap().unwrap().into_scorer())
            })
            .collect()
    }

    #[test]
    fn walking_and_skipping_find_and_score_what_tantivy_does() {
        let (searcher, field) = synthetic(None);
        let reader = searcher.segment_reader(0);
        let scoring = EnableScoring::enabled_from_searcher(&searcher);
        for words in PHRASES {
            let terms = phrase(field, words);
            let expected = all(&mut *PhraseQuery::new_with_offset(terms.clone())
                .weight(scoring)
                .unwrap()
                .scorer(reader, 1.5)
                .unwrap());
            assert!(expected.len() > 5, "{words:?} matches too little to test");
            let weight = ExactPhraseQuery::new(terms).exact_weight(scoring).unwrap();
            for (walk, mut scorer) in each_reading(&weight, reader, 1.5) {
                assert_eq!(all(&mut *scorer), expected, "{words:?}, walking: {walk}");
            }
        }
    }

    /// A quoted word (a phrase of one word) finds and scores what
    /// tantivy's term query does, with or without slop, walking or skipping.
    #[test]
    fn a_phrase_of_one_word_finds_and_scores_what_tantivys_term_query_does() {
        let (searcher, field) = synthetic(None);
        let reader = searcher.segment_reader(0);
        let scoring = EnableScoring::enabled_from_searcher(&searcher);
        for word in ["zeta", "state", "the"] {
            let term = Term::from_field_text(field, word);
            let expected = all(
                &mut *TermQuery::new(term.clone(), IndexRecordOption::WithFreqs)
                    .weight(scoring)
                    .unwrap()
                    .scorer(reader, 1.5)
                    .unwrap(),
            );
            assert!(expected.len() > 5, "{word} matches too little to test");
            for slop in [0, 2] {
                let weight = ExactPhraseQuery::new(vec![(0, term.clone())])
                    .with_slop(slop)
                    .exact_weight(scoring)
                    .unwrap();
                for (walk, mut scorer) in each_reading(&weight, reader, 1.5) {
                    assert_eq!(
                        all(&mut *scorer),
                        expected,
                        "{word}, slop {slop}, walking: {walk}"
                    );
                }
            }
        }
    }

    /// A phrase prefix finds every document where the words stand before
    /// a word under the prefix, and scores it as a phrase of the words
    /// before (the archive's statistics, the lengths as ranking reads them)
    /// occurring as often as a scan of the text counts.
    #[test]
    fn a_phrase_prefix_finds_and_scores_every_word_under_it_as_a_scan_does() {
        // Words sharing their first letters, several in one document.
        const VOCABULARY: [&str; 8] = [
            "the", "state", "states", "senate", "sea", "of", "the", "union",
        ];
        let text = |doc: u32| {
            let mut seed = doc.wrapping_mul(2_654_435_761).wrapping_add(99);
            let length = 3 + next_random(&mut seed) % 28;
            (0..length)
                .map(|_| VOCABULARY[next_random(&mut seed) as usize % VOCABULARY.len()])
                .collect::<Vec<_>>()
                .join(" ")
        };
        const COUNT: u32 = 2_000;
        let (searcher, fields) = one_segment(&["body"], COUNT, |doc| vec![Some(text(doc))], None);
        let field = fields[0];
        let reader = searcher.segment_reader(0);
        let scoring = EnableScoring::enabled_from_searcher(&searcher);
        let lengths = ScoredLengths::of(reader, field, true).unwrap();
        let cases: [(&[&str], &str); 4] = [
            (&["the"], "s"),
            (&["of", "the"], "se"),
            (&["the"], "stat"),
            (&["state", "of"], "t"),
        ];
        for (before, prefix) in cases {
            let counted: Vec<(DocId, u32)> = (0..COUNT)
                .filter_map(|doc| {
                    let text = text(doc);
                    let text: Vec<&str> = text.split(' ').collect();
                    let count = text
                        .windows(before.len() + 1)
                        .filter(|run| run[..before.len()] == *before)
                        .filter(|run| run[before.len()].starts_with(prefix))
                        .count() as u32;
                    (count > 0).then_some((doc, count))
                })
                .collect();
            assert!(counted.len() > 5, "{before:?} {prefix}* matches too little");
            let mut terms = phrase(
                field,
                &before.iter().copied().enumerate().collect::<Vec<_>>(),
            );
            let words: Vec<Term> = terms.iter().map(|(_, term)| term.clone()).collect();
            let bm25 = Bm25Weight::for_terms(&searcher, &words)
                .unwrap()
                .boost_by(1.5);
            let expected: Vec<(DocId, Score)> = counted
                .iter()
                .map(|&(doc, count)| (doc, bm25.score(lengths.fieldnorm_id(doc), count)))
                .collect();
            terms.push((before.len(), Term::from_field_text(field, prefix)));
            let weight = EveryPhrasePrefix::new(terms).weight(scoring).unwrap();
            let found = all(&mut *weight.scorer(reader, 1.5).unwrap());
            assert_eq!(found, expected, "{before:?} {prefix}*");
        }
    }

    #[test]
    fn seeks_land_where_tantivys_do() {
        let (searcher, field) = synthetic(None);
        let reader = searcher.segment_reader(0);
        let scoring = EnableScoring::enabled_from_searcher(&searcher);
        for words in PHRASES {
            let terms = phrase(field, words);
            let tantivy = PhraseQuery::new_with_offset(terms.clone())
                .weight(scoring)
                .unwrap();
            let weight = ExactPhraseQuery::new(terms).exact_weight(scoring).unwrap();
            for (walk, mut scorer) in each_reading(&weight, reader, 1.0) {
                let mut expected = tantivy.scorer(reader, 1.0).unwrap();
                // Targets a few documents apart, some landing on a block's last
                // documents, some passing several blocks.
                let mut target = 0;
                while target < DOCS {
                    if expected.doc() < target {
                        expected.seek(target);
                    }
                    assert_eq!(
                        scorer.seek(target),
                        expected.doc(),
                        "{words:?} at {target}, walking: {walk}"
                    );
                    if scorer.doc() != TERMINATED {
                        assert_eq!(scorer.score(), expected.score());
                    }
                    target += 1 + target % 331;
                }
            }
        }
    }

    #[test]
    fn inside_a_boolean_query_scores_add_up_as_with_tantivys() {
        use tantivy::query::{BooleanQuery, Occur, TermQuery};
        let (searcher, field) = synthetic(None);
        let reader = searcher.segment_reader(0);
        let scoring = EnableScoring::enabled_from_searcher(&searcher);
        let term = |word: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, word),
                IndexRecordOption::WithFreqs,
            ))
        };
        for words in PHRASES {
            let terms = phrase(field, words);
            // Clauses are intersected in the order of their costs, and their
            // scores summed in that order.
            let with = |phrase: Box<dyn Query>| {
                let query = BooleanQuery::new(vec![
                    (Occur::Must, phrase),
                    (Occur::Must, term("the")),
                    (Occur::Must, term("of")),
                    (Occur::Should, term("state")),
                ]);
                all(&mut *query.weight(scoring).unwrap().scorer(reader, 1.0).unwrap())
            };
            let expected = with(Box::new(PhraseQuery::new_with_offset(terms.clone())));
            assert_eq!(
                with(Box::new(ExactPhraseQuery::new(terms))),
                expected,
                "{words:?}"
            );
        }
    }

    #[test]
    fn counts_skip_deleted_documents_and_absent_words_match_nothing() {
        let (searcher, field) = synthetic(Some("zeta"));
        assert!(searcher.segment_reader(0).num_deleted_docs() > 0);
        for words in PHRASES {
            let terms = phrase(field, words);
            let tantivy = searcher
                .search(&PhraseQuery::new_with_offset(terms.clone()), &Count)
                .unwrap();
            let exact = searcher
                .search(&ExactPhraseQuery::new(terms), &Count)
                .unwrap();
            assert_eq!(exact, tantivy, "{words:?}");
        }
        let absent = phrase(field, &[(0, "of"), (1, "nowhere")]);
        assert_eq!(
            searcher
                .search(&ExactPhraseQuery::new(absent), &Count)
                .unwrap(),
            0
        );
    }

    #[test]
    fn explains_a_match_with_its_score() {
        let (searcher, field) = synthetic(None);
        let reader = searcher.segment_reader(0);
        let scoring = EnableScoring::enabled_from_searcher(&searcher);
        let weight = ExactPhraseQuery::new(phrase(field, PHRASES[0]))
            .exact_weight(scoring)
            .unwrap();
        let mut scorer = weight.scorer(reader, 1.0).unwrap();
        let doc = scorer.seek(100);
        let explanation = weight.explain(reader, doc).unwrap();
        assert_eq!(explanation.value(), scorer.score());
        let unmatched = (0..DOCS)
            .find(|&doc| !words(doc).contains("of the"))
            .unwrap();
        assert!(weight.explain(reader, unmatched).is_err());
    }

    #[test]
    fn position_lists_intersect() {
        let mut left = vec![1, 4, 9, 12, 30];
        keep_common(&mut left, &[0, 4, 5, 12, 31]);
        assert_eq!(left, [4, 12]);
        assert_eq!(count_common(&[2, 3, 7, 40], &[3, 7, 8, 40, 41]), 3);
        assert_eq!(count_common(&[], &[1]), 0);
        let mut empty = vec![5];
        keep_common(&mut empty, &[]);
        assert!(empty.is_empty());
    }

    /// Sloppy phrases match exactly the documents where the highlighter
    /// finds them (the same rule, applied to the stored text), read either
    /// way, with every word's deletions and repeats.
    #[test]
    fn sloppy_phrases_match_where_the_highlighter_finds_them() {
        use crate::highlight::{HighlightPlan, Matcher};
        let (searcher, field) = synthetic(None);
        let reader = searcher.segment_reader(0);
        let scoring = EnableScoring::enabled_from_searcher(&searcher);
        const WORDS: [&str; 5] = ["of", "the", "a", "state", "union"];
        let mut seed = 7u32;
        let mut matching = 0;
        for _ in 0..40 {
            let length = 2 + next_random(&mut seed) as usize % 4;
            let sought: Vec<(usize, &str)> = (0..length)
                .map(|at| (at, WORDS[next_random(&mut seed) as usize % WORDS.len()]))
                .collect();
            let slop = 1 + next_random(&mut seed) % 12;
            let mut plan = HighlightPlan::new(vec![Matcher::Phrase {
                terms: sought.iter().map(|&(at, w)| (at, w.to_string())).collect(),
                slop,
            }]);
            let expected: Vec<DocId> = (0..DOCS)
                .filter(|&doc| {
                    !plan
                        .find(&words(doc), crate::language::Language::ENGLISH)
                        .is_empty()
                })
                .collect();
            matching += usize::from(!expected.is_empty());
            let weight = ExactPhraseQuery::new(phrase(field, &sought))
                .with_slop(slop)
                .exact_weight(scoring)
                .unwrap();
            for (walk, mut scorer) in each_reading(&weight, reader, 1.0) {
                let found: Vec<DocId> = all(&mut *scorer).into_iter().map(|(d, _)| d).collect();
                assert_eq!(found, expected, "{sought:?}~{slop}, walking: {walk}");
            }
        }
        assert!(matching > 20, "too few phrases match to test: {matching}");
    }

    /// A long phrase of common words with a wide slop, which made tantivy's
    /// sloppy scorer grow its position lists without bound, costs a few
    /// binary searches per occurrence here.
    #[test]
    fn a_long_sloppy_phrase_of_common_words_stays_cheap() {
        let (searcher, field) = synthetic(None);
        let words: Vec<(usize, &str)> = (0..40).map(|at| (at, ["of", "the"][at % 2])).collect();
        let query = ExactPhraseQuery::new(phrase(field, &words)).with_slop(1000);
        // Documents have at most 60 words: a 40-word match needs most of one.
        let matches = searcher.search(&query, &Count).unwrap();
        assert!(matches < DOCS as usize);
    }
}
