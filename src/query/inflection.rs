//! Matching a word in any inflection, with no stemmed copy of the text in
//! the index.
//!
//! The index holds folded words only: one positional field instead of two
//! halves its size and build time (see `BENCHMARKS.md`). A query word is
//! expanded at search time into the indexed words that share its stem,
//! read from each segment's term dictionary under the stem's prefixes
//! (`analysis::stem_prefixes`); so a few dictionary ranges are read and
//! stemmed, short ones except for one- and two-letter stems (`a`: every
//! word in `a`).
//!
//! A query has no language of its own: the word is stemmed in every
//! language the index holds, and each expansion counts only in passages of
//! its language (the `language` fast field), so `revocar` finds "revocó" in
//! Spanish passages and nothing through the English stemmer. An index of
//! one language reads no language at all.
//!
//! The expansion is scored as one term, the way a stemmed field would score
//! it: term frequencies summed, one document frequency for the stem. The
//! form the user typed also adds a constant tier, so passages with the
//! exact form rank first. Inflections in other fields (the headings) can add
//! to the score of a match; one scorer reads all the fields in step, which
//! costs far less than tantivy's boolean query over one scorer per field.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use tantivy::index::{InvertedIndexReader, SegmentId};
use tantivy::postings::{BlockSegmentPostings, TermInfo};
use tantivy::query::{Bm25Weight, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{
    COLLECT_BLOCK_BUFFER_LEN, DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED,
    TantivyError, Term,
};

use super::segment_cache::SegmentCache;
use super::statistics::{self, Statistics};
use crate::analysis::{self, Folding, WordStems};
use crate::language::Language;
use crate::ranking::ScoredLengths;
use crate::schema;

/// Matches the passages where a word sharing the stem of `word` occurs in
/// one field; inflections in other fields add to the score.
#[derive(Clone)]
pub struct InflectionQuery {
    /// The folded word typed.
    word: String,
    /// The word as typed, lower case (accents kept).
    typed: String,
    /// The field that must hold an inflection.
    field: Field,
    /// Whether `word` itself scores `exact_bonus` where it occurs in `field`.
    exact: bool,
    exact_bonus: Score,
    /// Fields whose inflections add to the score, each with the field of
    /// its accented stems and scaled by its boost.
    bonuses: Vec<(Field, Option<Field>, Score)>,
    /// The passages' language field; without one, every passage is English.
    languages: Option<Field>,
    /// The field of the text's accented stems (`field` is the text).
    accented: Option<Field>,
    /// Where the BM25 figures and the languages come from.
    statistics: Statistics,
    /// Inflections found by the other queries of the same search.
    memo: InflectionMemo,
}

/// The inflections found during one search, shared by the queries compiled
/// for it: a search that fills its page with partial matches builds each
/// word's weight for the query and again for the partial matches and for
/// the terms a partial match lacks, and reading a word's inflections from
/// every segment's dictionary is most of building it. A found word is
/// kept with the searcher's segments and the languages it was read from,
/// so a memo given to a searcher of other segments finds nothing there.
#[derive(Clone, Default)]
pub struct InflectionMemo(Arc<Mutex<Vec<Found>>>);

/// A word's inflections and what they were read from.
type Found = (FoundIn, Arc<Inflections>);

/// What a word's inflections were read from: the field (and the accented
/// stems' field), the word as typed and folded, the languages it was
/// stemmed in (and the field telling passages' languages apart, when
/// read), and the segments searched.
#[derive(PartialEq)]
struct FoundIn {
    field: Field,
    accented: Option<Field>,
    typed: String,
    word: String,
    languages: Vec<Language>,
    language_field: Option<Field>,
    segments: Vec<SegmentId>,
}

impl InflectionMemo {
    /// The inflections read from `found_in`, found by `find` unless a query
    /// of this search found them before.
    fn get_or_find(
        &self,
        found_in: FoundIn,
        find: impl FnOnce() -> tantivy::Result<Inflections>,
    ) -> tantivy::Result<Arc<Inflections>> {
        let known = |memo: &Self| {
            let found = memo.0.lock().unwrap_or_else(PoisonError::into_inner);
            found
                .iter()
                .find(|(key, _)| *key == found_in)
                .map(|(_, inflections)| Arc::clone(inflections))
        };
        if let Some(inflections) = known(self) {
            return Ok(inflections);
        }
        let inflections = Arc::new(find()?);
        let mut found = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        found.push((found_in, Arc::clone(&inflections)));
        Ok(inflections)
    }
}

impl InflectionQuery {
    /// Inflections in `field` of the word `typed` (lower case), `word` once
    /// folded; with `exact_bonus`, the folded word itself adds that to the
    /// score of every passage where it occurs. Bonuses and boosts are never
    /// negative: pruning bounds a score by adding up the most each part can
    /// add.
    pub fn new(field: Field, typed: String, word: String, exact_bonus: Option<Score>) -> Self {
        debug_assert!(
            exact_bonus.is_none_or(|bonus| bonus >= 0.0),
            "a negative exact-form bonus"
        );
        InflectionQuery {
            word,
            typed,
            field,
            exact: exact_bonus.is_some(),
            exact_bonus: exact_bonus.unwrap_or(0.0),
            bonuses: Vec::new(),
            languages: None,
            accented: None,
            statistics: Statistics::Local,
            memo: InflectionMemo::default(),
        }
    }

    /// Shares the inflections found with the other queries given `memo`
    /// (those of one search).
    pub fn sharing(mut self, memo: &InflectionMemo) -> Self {
        self.memo = memo.clone();
        self
    }

    /// Takes BM25's figures and the languages to stem in from `statistics`
    /// (see [`super::statistics`]).
    pub fn with_statistics(mut self, statistics: Statistics) -> Self {
        self.statistics = statistics;
        self
    }

    /// Also matches the passages whose accented words were indexed under
    /// one of the word's stems in `field` (see
    /// [`analysis::accented_stems`]): `field` is the text's.
    pub fn with_accented_stems(mut self, field: Field) -> Self {
        self.accented = Some(field);
        self
    }

    /// Stems the word in each language that `field` (the passages' language
    /// ids) holds, each stem matching in its own language's passages.
    pub fn in_languages_of(mut self, field: Field) -> Self {
        self.languages = Some(field);
        self
    }

    /// Also scores inflections in `field` (its accented words' stems in
    /// `accented`), scaled by `boost`, where a match has them.
    pub fn with_bonus(mut self, field: Field, accented: Option<Field>, boost: Score) -> Self {
        debug_assert!(boost >= 0.0, "a negative heading boost");
        self.bonuses.push((field, accented, boost));
        self
    }
}

impl fmt::Debug for InflectionQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Inflections({:?}, {:?})", self.field, self.word)?;
        for (field, _, boost) in &self.bonuses {
            write!(f, " + {boost}×Inflections({field:?})")?;
        }
        Ok(())
    }
}

impl Query for InflectionQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let searcher = scoring.searcher().ok_or_else(|| {
            TantivyError::InvalidArgument("inflections are read from an open index".to_string())
        })?;
        let scored = scoring.is_scoring_enabled();
        let languages = IndexLanguages::of(searcher, self.languages, self.statistics.languages())?;
        let mut stems = StemMemo::new(
            languages
                .languages
                .iter()
                .map(|&language| WordStems::new(language, &self.typed, &self.word))
                .collect(),
        );
        let scoring = scored.then(|| Scoring {
            statistics: &self.statistics,
            typed: &self.typed,
            word: &self.word,
        });
        let find = Find {
            searcher,
            languages: &languages,
            typed: &self.typed,
            word: &self.word,
            memo: &self.memo,
        };
        let required = FieldWeight::new(
            &find,
            self.field,
            &mut stems,
            scoring.as_ref(),
            1.0,
            self.accented,
        )?;
        let found = &required.found;
        let exact = self
            .exact
            .then(|| {
                found.words[..found.folded_words]
                    .iter()
                    .position(|word| *word == self.word)
            })
            .flatten();
        // Bonuses only change scores.
        let bonuses = if scored {
            self.bonuses
                .iter()
                .map(|&(field, accented, boost)| {
                    let scoring = scoring.as_ref();
                    FieldWeight::new(&find, field, &mut stems, scoring, boost, accented)
                })
                .collect::<tantivy::Result<_>>()?
        } else {
            Vec::new()
        };
        Ok(Box::new(InflectionWeight {
            word: self.word.clone(),
            required,
            exact,
            exact_bonus: self.exact_bonus,
            bonuses,
            languages,
        }))
    }
}

/// A set of an index's languages, a bit each (cita knows fewer than 128).
type LanguageMask = u128;

/// The languages of an index's passages, in the order of their bits in a
/// word's language mask.
struct IndexLanguages {
    /// The language field, when the index holds more than one language
    /// (only then is a passage's language read).
    field: Option<Field>,
    languages: Vec<Language>,
    /// Per segment, the languages of its passages (deleted ones included):
    /// archives hold their languages in runs of files, so most segments
    /// hold few of them, and a word that counts in all of those needs no
    /// passage's language read.
    present: Vec<(SegmentId, LanguageMask)>,
}

impl IndexLanguages {
    /// The languages `field`'s dictionary holds, or `archive`'s when
    /// searching a shard of it; English without a field or in an empty
    /// index.
    fn of(
        searcher: &Searcher,
        field: Option<Field>,
        archive: Option<Vec<Language>>,
    ) -> tantivy::Result<IndexLanguages> {
        // Each segment's languages, read once: the index's are their union.
        let mut held = Vec::new();
        if let Some(field) = field {
            for segment in searcher.segment_readers() {
                let key = (segment.segment_id(), field);
                let languages = match SEGMENT_LANGUAGES.get(&key) {
                    Some(languages) => languages,
                    None => {
                        let languages = schema::segment_languages(segment, field)?;
                        let size = languages.len() * std::mem::size_of::<Language>() + 64;
                        SEGMENT_LANGUAGES.keep(key, Arc::new(languages), size)
                    }
                };
                held.push((segment.segment_id(), languages));
            }
        }
        let mut languages: Vec<Language> = match archive {
            Some(languages) => languages.into_iter().collect::<BTreeSet<_>>(),
            None => held
                .iter()
                .flat_map(|(_, languages)| languages.iter().copied())
                .collect(),
        }
        .into_iter()
        .collect();
        if languages.is_empty() {
            languages.push(Language::ENGLISH);
        }
        let field = field.filter(|_| languages.len() > 1);
        let present = held
            .into_iter()
            .map(|(segment, in_segment)| {
                let mask = in_segment
                    .iter()
                    .filter_map(|language| languages.binary_search(language).ok())
                    .fold(0, |mask: LanguageMask, at| mask | 1 << at);
                (segment, mask)
            })
            .collect();
        Ok(IndexLanguages {
            field,
            languages,
            present,
        })
    }

    /// The languages (bits) whose stemmers read accents: only their
    /// passages have accented stems indexed.
    fn reading_accents(&self) -> LanguageMask {
        self.languages
            .iter()
            .take(LanguageMask::BITS as usize)
            .enumerate()
            .filter(|(_, language)| analysis::reads_accents(**language))
            .fold(0, |mask, (bit, _)| mask | 1 << bit)
    }

    /// The languages of `reader`'s segment's passages (all, where they are
    /// not told apart).
    fn in_segment(&self, reader: &SegmentReader) -> LanguageMask {
        self.present
            .iter()
            .find(|(segment, _)| *segment == reader.segment_id())
            .map_or(LanguageMask::MAX, |(_, held)| *held)
    }

    /// The passages of `reader`'s segment in the languages of `mask`, a
    /// bit each (see [`language_passages`]), `index` being the language
    /// field's.
    fn passages_in(
        &self,
        reader: &SegmentReader,
        field: Field,
        index: &InvertedIndexReader,
        mask: LanguageMask,
    ) -> tantivy::Result<Arc<Vec<u64>>> {
        let chosen: Vec<Language> = self
            .languages
            .iter()
            .enumerate()
            .filter(|(at, _)| *at < LanguageMask::BITS as usize && mask >> at & 1 != 0)
            .map(|(_, &language)| language)
            .collect();
        if let [language] = chosen[..] {
            return language_passages(reader, field, index, language);
        }
        // A word's inflections in Romance languages ask for the same few
        // sets on every search.
        let key = (
            reader.segment_id(),
            chosen.iter().map(|language| language.id()).collect(),
        );
        if let Some(bits) = LANGUAGE_PASSAGES.get(&key) {
            return Ok(bits);
        }
        let mut bits = vec![0; (reader.max_doc() as usize).div_ceil(64)];
        for language in chosen {
            let more = language_passages(reader, field, index, language)?;
            for (word, other) in bits.iter_mut().zip(more.iter()) {
                *word |= other;
            }
        }
        let size = bits.len() * 8;
        Ok(LANGUAGE_PASSAGES.keep(key, Arc::new(bits), size))
    }

    /// The words of `field` in the passages of `reader`'s segment in each
    /// language of `unbounded` (those whose stems may lie anywhere in the
    /// dictionary), or `None` when the dictionary must be read whole: the
    /// passages' languages are not told apart, or a language has more
    /// passages than [`MAX_VOCABULARY_PASSAGES`]. A few passages taken for
    /// Indonesian made every word read and stem the whole dictionary
    /// (200 ms a word on the bench corpus).
    fn vocabularies(
        &self,
        reader: &SegmentReader,
        field: Field,
        unbounded: LanguageMask,
    ) -> tantivy::Result<Option<Vec<Arc<Vec<String>>>>> {
        if unbounded == 0 {
            return Ok(Some(Vec::new()));
        }
        let Some(language_field) = self.field else {
            return Ok(None);
        };
        let index = reader.inverted_index(language_field)?;
        let mut found = Vec::new();
        for (at, &language) in self.languages.iter().enumerate() {
            if at >= LanguageMask::BITS as usize || unbounded >> at & 1 == 0 {
                continue;
            }
            let term = Term::from_field_u64(language_field, language.id());
            let passages = index.get_term_info(&term)?.map_or(0, |info| info.doc_freq);
            if passages > MAX_VOCABULARY_PASSAGES {
                return Ok(None);
            }
            let key = (reader.segment_id(), field, language.id());
            let words = match LANGUAGE_WORDS.get(&key) {
                Some(words) => words,
                None => {
                    let passages = language_passages(reader, language_field, &index, language)?;
                    let words = words_of(reader, field, &passages)?;
                    let size = words.iter().map(|word| word.len() + 24).sum();
                    LANGUAGE_WORDS.keep(key, Arc::new(words), size)
                }
            };
            found.push(words);
        }
        Ok(Some(found))
    }

    /// Which passages of `reader`'s segment are in the languages of each
    /// of `masks` that the segment's languages need telling apart; `None`
    /// when none does.
    fn of_segment(
        &self,
        reader: &SegmentReader,
        masks: impl Iterator<Item = LanguageMask>,
    ) -> tantivy::Result<Option<PassageLanguages>> {
        let Some(field) = self.field else {
            return Ok(None);
        };
        let present = self.in_segment(reader);
        let mut told_apart: Vec<LanguageMask> = masks.filter(|mask| present & !mask != 0).collect();
        if told_apart.is_empty() {
            return Ok(None);
        }
        told_apart.sort_unstable();
        told_apart.dedup();
        let index = reader.inverted_index(field)?;
        let languages = &self.languages[..self.languages.len().min(LanguageMask::BITS as usize)];
        let mut passages = Vec::with_capacity(languages.len());
        for (at, language) in languages.iter().enumerate() {
            let term = Term::from_field_u64(field, language.id());
            let info = match present >> at & 1 {
                1 => index.get_term_info(&term)?,
                _ => None,
            };
            passages.push(info.map_or(0, |info| u64::from(info.doc_freq)));
        }
        let in_mask =
            |mask: LanguageMask| (0..languages.len()).filter(move |at| mask >> at & 1 != 0);
        let count = |mask: LanguageMask| -> u64 { in_mask(mask).map(|at| passages[at]).sum() };
        // The bits may mark the passages a word does not count in only
        // where every passage is in a language the bits can name (each
        // passage has one language term).
        let every_passage_named = count(present) == u64::from(reader.max_doc());
        let masked = told_apart
            .into_iter()
            .map(|mask| {
                // The bits are set for the fewer passages: those in the
                // mask's languages, or those in the segment's others.
                let inside = mask & present;
                let outside = present & !mask;
                let counted_when_set = !every_passage_named || count(inside) <= count(outside);
                let side = if counted_when_set { inside } else { outside };
                let bits = self.passages_in(reader, field, &index, side)?;
                Ok(MaskedPassages {
                    mask,
                    bits,
                    counted_when_set,
                })
            })
            .collect::<tantivy::Result<_>>()?;
        Ok(Some(PassageLanguages { present, masked }))
    }
}

/// The passages of `reader`'s segment in `language`, a bit each (deleted
/// ones included; scorers check them apart), from the language field's
/// postings: read once per segment for the process ([`LANGUAGE_PASSAGES`]).
fn language_passages(
    reader: &SegmentReader,
    field: Field,
    index: &InvertedIndexReader,
    language: Language,
) -> tantivy::Result<Arc<Vec<u64>>> {
    let key = (reader.segment_id(), vec![language.id()]);
    if let Some(bits) = LANGUAGE_PASSAGES.get(&key) {
        return Ok(bits);
    }
    // Read without the lock: other searches go on meanwhile (two reading
    // the same set at once keep the same bits).
    let mut bits = vec![0u64; (reader.max_doc() as usize).div_ceil(64)];
    let term = Term::from_field_u64(field, language.id());
    if let Some(mut postings) = index.read_postings(&term, IndexRecordOption::Basic)? {
        let mut doc = postings.doc();
        while doc != TERMINATED {
            if let Some(word) = bits.get_mut(doc as usize / 64) {
                *word |= 1 << (doc % 64);
            }
            doc = postings.advance();
        }
    }
    let size = bits.len() * 8;
    Ok(LANGUAGE_PASSAGES.keep(key, Arc::new(bits), size))
}

/// The folded words of `field` in the passages whose bits are set, from
/// their stored text (deleted passages included: a word too many is only
/// looked up), sorted.
fn words_of(
    reader: &SegmentReader,
    field: Field,
    passages: &[u64],
) -> tantivy::Result<Vec<String>> {
    // Passages of one language lie in runs: a block read serves several.
    let store = reader.get_store_reader(VOCABULARY_STORE_BLOCKS)?;
    let mut folding = Folding::default();
    let mut words = BTreeSet::new();
    for (at, &bits) in passages.iter().enumerate() {
        for bit in (0..64).filter(|bit| bits >> bit & 1 != 0) {
            let doc = (at * 64 + bit) as DocId;
            let bytes = store.get_document_bytes(doc)?;
            let stored = schema::read_stored(&bytes).ok_or_else(|| {
                TantivyError::InternalError(format!("stored passage {doc} does not read"))
            })?;
            for value in stored.get_all(field).filter_map(|value| value.as_str()) {
                folding.tokens_where(value, |term, _| {
                    words.insert(term.to_string());
                    false
                });
            }
        }
    }
    Ok(words.into_iter().collect())
}

/// Store blocks [`words_of`] keeps decompressed while it reads.
const VOCABULARY_STORE_BLOCKS: usize = 8;

/// The most passages of one language in one segment whose words are read
/// from their stored text (for a language whose stems may lie anywhere in
/// the dictionary); past it, the dictionary is read whole, which then
/// costs less than reading that many passages.
const MAX_VOCABULARY_PASSAGES: u32 = 4096;

/// Each segment's passages in each language, as [`language_passages`]
/// read them, and in each set of languages asked for (keyed by their ids),
/// for every later search of the process: a segment never changes, and its
/// id is never another's. Reading them per search cost common words more
/// than the column of each passage's language did. A bit per passage per
/// language per segment: 64 MB is 20 languages of 25 million passages.
static LANGUAGE_PASSAGES: SegmentCache<(SegmentId, Vec<u64>), Vec<u64>> =
    SegmentCache::new(64 << 20);

/// The languages of each segment's passages, read from the language
/// field's dictionary once for the process: streaming it on every search
/// was a tenth of a rare word's.
static SEGMENT_LANGUAGES: SegmentCache<(SegmentId, Field), Vec<Language>> =
    SegmentCache::new(1 << 20);

/// The words of each field of the passages of each segment in a language
/// whose stems may lie anywhere in the dictionary, as
/// [`IndexLanguages::vocabularies`] read them, for the process.
static LANGUAGE_WORDS: SegmentCache<(SegmentId, Field, u64), Vec<String>> =
    SegmentCache::new(64 << 20);

/// Which passages of a segment a word counting only in some of its
/// languages counts in, for each such set of languages.
struct PassageLanguages {
    /// The languages of the segment's passages.
    present: LanguageMask,
    masked: Vec<MaskedPassages>,
}

impl PassageLanguages {
    /// Whether a word counting in the languages of `mask` needs its
    /// passages told apart: the segment holds passages of others.
    fn tell_apart(&self, mask: LanguageMask) -> bool {
        self.present & !mask != 0
    }

    /// The passages a word counting in the languages of `mask` counts in
    /// (`mask` told apart, as [`PassageLanguages::tell_apart`] says).
    fn counted(&self, mask: LanguageMask) -> &MaskedPassages {
        self.masked
            .iter()
            .find(|masked| masked.mask == mask)
            .expect("a mask told apart has its passages")
    }
}

/// Which passages of a segment a word counting in the languages of `mask`
/// counts in: a bit per passage, one test per posting (reading each
/// passage's language from its column was a sixth of a common word's
/// search).
struct MaskedPassages {
    mask: LanguageMask,
    bits: Arc<Vec<u64>>,
    /// Whether a set bit means the passage counts (the bits mark the
    /// passages in the mask's languages) or that it does not (they mark
    /// the others, when those are fewer).
    counted_when_set: bool,
}

impl MaskedPassages {
    /// Whether the word counts in passage `doc`.
    fn counts(&self, doc: DocId) -> bool {
        holds(&self.bits, doc) == self.counted_when_set
    }
}

/// Whether passage `doc`'s bit is set in `bits`, a bit per passage.
fn holds(bits: &[u64], doc: DocId) -> bool {
    bits.get(doc as usize / 64)
        .is_some_and(|word| word >> (doc % 64) & 1 != 0)
}

/// The indexed words of a field sharing one stem, and where each segment's
/// dictionary holds them (so postings open without a second lookup).
struct Inflections {
    /// The field's words, sorted, then the accented stems.
    words: Vec<String>,
    /// Per word, the languages (bits in [`IndexLanguages`] order) in which
    /// it shares the stem.
    masks: Vec<LanguageMask>,
    /// How many of `words` are the field's own; the others are read from
    /// `accented`.
    folded_words: usize,
    accented: Option<Field>,
    /// Per segment, each word it holds (an index into `words`) and its entry.
    segments: Vec<(SegmentId, Vec<(usize, TermInfo)>)>,
    /// The languages (bits) whose stems may lie anywhere in a dictionary
    /// ([`StemMemo::unbounded`]).
    unbounded: LanguageMask,
}

impl Inflections {
    /// The words of `field` sharing a stem of `stems`, then, with
    /// `accented` (the field of the text's accented stems), the stems
    /// themselves there.
    fn find(
        searcher: &Searcher,
        field: Field,
        stems: &mut StemMemo,
        languages: &IndexLanguages,
        accented: Option<Field>,
    ) -> tantivy::Result<Inflections> {
        // Every dictionary word under the candidate prefixes, per segment,
        // kept where its stem is the one asked for; and the words of the
        // passages in languages whose stems lie anywhere in a dictionary.
        let mut words = BTreeMap::new();
        let mut listed = Vec::new();
        let prefixes = stems.prefixes();
        let ranges = dictionary_ranges(&prefixes);
        let whole = [String::new()];
        let unbounded = stems.unbounded();
        for segment in searcher.segment_readers() {
            let index = segment.inverted_index(field)?;
            let here = unbounded & languages.in_segment(segment);
            let vocabularies = languages.vocabularies(segment, field, here)?;
            let ranges: &[String] = match vocabularies {
                Some(_) => &ranges,
                None => &whole,
            };
            let mut entries = Vec::new();
            for range in ranges {
                let mut stream = index.terms().range().ge(range.as_bytes()).into_stream()?;
                while stream.advance() {
                    let key = stream.key();
                    if !key.starts_with(range.as_bytes()) {
                        break;
                    }
                    if vocabularies.is_some()
                        && !prefixes
                            .iter()
                            .any(|prefix| key.starts_with(prefix.as_bytes()))
                    {
                        continue;
                    }
                    if let Ok(word) = std::str::from_utf8(key) {
                        let mask = stems.shares(word);
                        if mask != 0 {
                            words.insert(word.to_string(), mask);
                            entries.push((word.to_string(), stream.value().clone()));
                        }
                    }
                }
            }
            let mut looked_up = BTreeSet::new();
            for word in vocabularies.iter().flatten().flat_map(|words| words.iter()) {
                // Words under the prefixes were read from the ranges.
                let ranged = prefixes
                    .iter()
                    .any(|prefix| word.starts_with(prefix.as_str()));
                if ranged || !looked_up.insert(word) {
                    continue;
                }
                let mask = stems.shares(word);
                if mask == 0 {
                    continue;
                }
                if let Some(info) = index.get_term_info(&Term::from_field_text(field, word))? {
                    words.insert(word.clone(), mask);
                    entries.push((word.clone(), info));
                }
            }
            listed.push((segment.segment_id(), entries));
        }
        let (mut words, mut masks): (Vec<String>, Vec<LanguageMask>) = words.into_iter().unzip();
        let folded_words = words.len();
        let mut segments: Vec<(SegmentId, Vec<(usize, TermInfo)>)> = listed
            .into_iter()
            .map(|(segment, entries)| {
                let held = entries
                    .into_iter()
                    .filter_map(|(word, info)| Some((words.binary_search(&word).ok()?, info)))
                    .collect();
                (segment, held)
            })
            .collect();
        if let Some(accented) = accented {
            let stems = stems.accented();
            let reading_accents = languages.reading_accents();
            let first = words.len();
            for (segment, (_, held)) in searcher.segment_readers().iter().zip(&mut segments) {
                // A segment without passages in a language that reads
                // accents has no accented stems (see `accented_index`).
                // Any such language, not only the word's: a stem's
                // document frequency counts its term in every segment, so
                // that shards and one index score alike.
                if reading_accents & languages.in_segment(segment) == 0 {
                    continue;
                }
                let index = segment.inverted_index(accented)?;
                for (at, stem) in (first..).zip(stems.keys()) {
                    let term = Term::from_field_text(accented, stem);
                    if let Some(info) = index.get_term_info(&term)? {
                        held.push((at, info));
                    }
                }
            }
            for (stem, mask) in stems {
                words.push(stem);
                masks.push(mask);
            }
        }
        Ok(Inflections {
            words,
            masks,
            folded_words,
            accented,
            segments,
            unbounded,
        })
    }

    /// The field word `word` is read from.
    fn field_of(&self, word: usize, field: Field) -> Field {
        match self.accented {
            Some(accented) if word >= self.folded_words => accented,
            _ => field,
        }
    }

    /// The dictionary of the accented stems in `reader`'s segment, where
    /// `held` (its words) has one: a segment without passages in a
    /// language that reads accents has none, and opening the field's
    /// empty dictionary on every search cost a rare word a twentieth.
    fn accented_index(
        &self,
        reader: &SegmentReader,
        held: &[(usize, TermInfo)],
    ) -> tantivy::Result<Option<Arc<InvertedIndexReader>>> {
        match self.accented {
            Some(field) if held.iter().any(|(word, _)| *word >= self.folded_words) => {
                Ok(Some(reader.inverted_index(field)?))
            }
            _ => Ok(None),
        }
    }

    /// The words `segment` holds, with their dictionary entries, left out
    /// those that count in none of `languages` (the segment's): a Spanish
    /// inflection in a segment of English passages.
    fn in_segment(&self, segment: SegmentId, languages: LanguageMask) -> Vec<(usize, TermInfo)> {
        self.segments
            .iter()
            .find(|(id, _)| *id == segment)
            .map_or(&[][..], |(_, held)| held.as_slice())
            .iter()
            .filter(|(word, _)| self.masks[*word] & languages != 0)
            .cloned()
            .collect()
    }
}

/// In which languages words share the query word's stems, each word stemmed
/// once for all the fields and segments read: a one- or two-letter stem
/// (`a`, `go`) lies under a prefix that holds thousands of words, stemming
/// them was most of such a search.
struct StemMemo {
    /// The query word's stems in each language of the index, in bit order.
    stems: Vec<WordStems>,
    known: HashMap<String, LanguageMask>,
}

impl StemMemo {
    fn new(stems: Vec<WordStems>) -> StemMemo {
        StemMemo {
            stems,
            known: HashMap::new(),
        }
    }

    /// The languages (bits) whose stems may lie anywhere in a dictionary:
    /// their stemmers remove prefixes (Arabic, Dutch `ge-`, Indonesian
    /// `meng-`, Irish mutations…), so `""` is among their prefixes.
    fn unbounded(&self) -> LanguageMask {
        self.stems
            .iter()
            .enumerate()
            .filter(|(_, language)| language.prefixes.iter().any(String::is_empty))
            .fold(0, |mask, (bit, _)| mask | 1 << bit)
    }

    /// The dictionary prefixes of every other language's stems, none
    /// inside another (a word under both would be listed twice).
    fn prefixes(&self) -> Vec<String> {
        let unbounded = self.unbounded();
        let mut all: Vec<String> = self
            .stems
            .iter()
            .enumerate()
            .filter(|(bit, _)| unbounded >> bit & 1 == 0)
            .flat_map(|(_, language)| language.prefixes.iter().cloned())
            .collect();
        all.sort();
        all.dedup();
        let mut kept: Vec<String> = Vec::with_capacity(all.len());
        for prefix in all {
            if !kept
                .last()
                .is_some_and(|shorter| prefix.starts_with(shorter.as_str()))
            {
                kept.push(prefix);
            }
        }
        kept
    }

    /// The languages in which the folded `word` has one of the stems, as bits.
    fn shares(&mut self, word: &str) -> LanguageMask {
        if let Some(&mask) = self.known.get(word) {
            return mask;
        }
        // Only the languages whose prefixes hold the word stem it: the
        // ranges of all languages together are read, each word once.
        let mask = self
            .stems
            .iter()
            .enumerate()
            .filter(|(_, stems)| stems.holds_folded(word))
            .fold(0, |mask, (bit, _)| mask | 1 << bit);
        self.known.insert(word.to_string(), mask);
        mask
    }

    /// The stems that accented words may have been indexed under, each with
    /// the languages (bits) whose stemmers read accents and give it.
    fn accented(&self) -> BTreeMap<String, LanguageMask> {
        let mut found = BTreeMap::new();
        for (bit, language) in self.stems.iter().enumerate() {
            if analysis::reads_accents(language.language) {
                for stem in &language.stems {
                    *found.entry(stem.clone()).or_insert(0) |= 1 << bit;
                }
            }
        }
        found
    }
}

/// The dictionary ranges (word prefixes) that hold every word under
/// `prefixes`: one range under their common beginning where it is long
/// enough to hold few other words (opening a dictionary stream was a
/// seventh of a rare word's search over eleven segments), else one per
/// prefix.
fn dictionary_ranges(prefixes: &[String]) -> Vec<String> {
    let Some((first, rest)) = prefixes.split_first() else {
        return Vec::new();
    };
    let common = rest.iter().fold(first.as_str(), |common, prefix| {
        let shared = common
            .char_indices()
            .zip(prefix.chars())
            .find(|((_, a), b)| a != b)
            .map_or(common.len().min(prefix.len()), |((at, _), _)| at);
        &common[..shared]
    });
    // Measured on the bench corpus: three letters (`pel` for `pele`,
    // `peli`) hold too many other words; at five (`chernoby`) one range pays.
    if rest.is_empty() || common.chars().count() < 5 {
        prefixes.to_vec()
    } else {
        vec![common.to_string()]
    }
}

/// What scoring a word's inflections needs.
struct Scoring<'a> {
    statistics: &'a Statistics,
    typed: &'a str,
    word: &'a str,
}

impl Scoring<'_> {
    /// The BM25 weight of `found`, the inflections in `field`, scored as one
    /// term; `None` when there are none.
    fn bm25(
        &self,
        searcher: &Searcher,
        field: Field,
        found: &Inflections,
        languages: &IndexLanguages,
    ) -> tantivy::Result<Option<Bm25Weight>> {
        let name = searcher.schema().get_field_name(field);
        let key = statistics::stem_key(name, self.typed, self.word);
        if let Statistics::Global(global) = self.statistics {
            // Every shard scores with the archive's figures, even one
            // holding none of the words: its passages match none.
            let doc_freq = global.stems.get(&key).copied().unwrap_or(0);
            if doc_freq == 0 {
                return Ok(None);
            }
            let docs = global.passages.max(1);
            let tokens = global.tokens.get(name).copied().unwrap_or(0);
            return Ok(Some(Bm25Weight::for_one_term(
                doc_freq.min(docs),
                docs,
                tokens as Score / docs as Score,
            )));
        }
        if found.words.is_empty() {
            return Ok(None);
        }
        let docs = searcher.num_docs().max(1);
        let tokens: u64 = searcher
            .segment_readers()
            .iter()
            .map(|segment| Ok(segment.inverted_index(field)?.total_num_tokens()))
            .sum::<tantivy::Result<u64>>()?;
        // A stem's document frequency is at least that of its most
        // frequent word and at most the sum; the sum keeps rare stems rare
        // and common ones common, which is what idf is for. A word sharing
        // the stem only in languages whose stems lie anywhere is found
        // only in segments holding those languages' passages (and there
        // from their text when they are few): it counts the passages of
        // those languages holding it, which no layout of segments and
        // shards changes.
        let mut doc_freq = 0;
        for (segment, words) in &found.segments {
            let reader = searcher
                .segment_readers()
                .iter()
                .find(|reader| reader.segment_id() == *segment)
                .expect("the inflections' segments are the searcher's");
            for (word, info) in words {
                let mask = found.masks[*word];
                let Some(language_field) = languages.field.filter(|_| mask & !found.unbounded == 0)
                else {
                    doc_freq += u64::from(info.doc_freq);
                    continue;
                };
                // Kept for the process (`LANGUAGE_PASSAGES`): such words
                // mostly share one set of languages.
                let language_index = reader.inverted_index(language_field)?;
                let bits = languages.passages_in(reader, language_field, &language_index, mask)?;
                let index = reader.inverted_index(found.field_of(*word, field))?;
                let mut postings =
                    index.read_postings_from_terminfo(info, IndexRecordOption::Basic)?;
                let mut doc = postings.doc();
                while doc != TERMINATED {
                    doc_freq += u64::from(holds(&bits, doc));
                    doc = postings.advance();
                }
            }
        }
        self.statistics.note_stem(key, doc_freq);
        Ok(Some(Bm25Weight::for_one_term(
            doc_freq.min(docs),
            docs,
            tokens as Score / docs as Score,
        )))
    }
}

/// Where one [`InflectionQuery`]'s weight reads its word's inflections.
struct Find<'a> {
    searcher: &'a Searcher,
    languages: &'a IndexLanguages,
    /// The word as typed (lower case) and folded.
    typed: &'a str,
    word: &'a str,
    memo: &'a InflectionMemo,
}

impl Find<'_> {
    /// The inflections of the query's word in `field` (and the accented
    /// stems' field), read once per search.
    fn inflections(
        &self,
        field: Field,
        stems: &mut StemMemo,
        accented: Option<Field>,
    ) -> tantivy::Result<Arc<Inflections>> {
        let found_in = FoundIn {
            field,
            accented,
            typed: self.typed.to_string(),
            word: self.word.to_string(),
            languages: self.languages.languages.clone(),
            language_field: self.languages.field,
            segments: self
                .searcher
                .segment_readers()
                .iter()
                .map(SegmentReader::segment_id)
                .collect(),
        };
        self.memo.get_or_find(found_in, || {
            Inflections::find(self.searcher, field, stems, self.languages, accented)
        })
    }
}

/// One field's part of an [`InflectionWeight`].
struct FieldWeight {
    field: Field,
    found: Arc<Inflections>,
    /// `None` when scoring is disabled.
    bm25: Option<Bm25Weight>,
}

impl FieldWeight {
    fn new(
        find: &Find,
        field: Field,
        stems: &mut StemMemo,
        scoring: Option<&Scoring>,
        boost: Score,
        accented: Option<Field>,
    ) -> tantivy::Result<FieldWeight> {
        let found = find.inflections(field, stems, accented)?;
        let bm25 = match scoring {
            Some(scoring) => scoring.bm25(find.searcher, field, &found, find.languages)?,
            None => None,
        };
        Ok(FieldWeight {
            field,
            found,
            bm25: bm25.map(|bm25| bm25.boost_by(boost)),
        })
    }

    /// This field's inflections in `reader`'s segment, read in windows,
    /// each counting only in passages of the languages it was found in.
    fn window(
        &self,
        reader: &SegmentReader,
        boost: Score,
        exact: Option<usize>,
        exact_bonus: Score,
        languages: &IndexLanguages,
    ) -> tantivy::Result<FieldWindow> {
        let bm25 = self.bm25.as_ref().map(|bm25| bm25.boost_by(boost));
        let index = reader.inverted_index(self.field)?;
        let record = if bm25.is_some() {
            IndexRecordOption::WithFreqs
        } else {
            IndexRecordOption::Basic
        };
        let held = self
            .found
            .in_segment(reader.segment_id(), languages.in_segment(reader));
        let accented = self.found.accented_index(reader, &held)?;
        let masks = held.iter().map(|(word, _)| self.found.masks[*word]);
        let passage_languages = languages.of_segment(reader, masks)?;
        let mut postings = Vec::with_capacity(held.len());
        for (word, info) in &held {
            let mask = self.found.masks[*word];
            let index = match &accented {
                Some(accented) if *word >= self.found.folded_words => accented,
                _ => &index,
            };
            postings.push(Inflection {
                blocks: index.read_block_postings_from_terminfo(info, record)?,
                at: 0,
                exact: exact == Some(*word),
                languages: passage_languages
                    .as_ref()
                    .is_some_and(|present| present.tell_apart(mask))
                    .then_some(mask),
            });
        }
        let fieldnorms = ScoredLengths::of(reader, self.field, bm25.is_some())?;
        // A field without the word in this segment (a rare word's
        // headings, mostly) never fills a window.
        let places = if postings.is_empty() { 0 } else { WINDOW };
        Ok(FieldWindow {
            postings,
            frequencies: vec![0; places].into_boxed_slice(),
            present: [0; WINDOW / 64],
            touched: 0,
            exact: [0; WINDOW / 64],
            fieldnorms,
            bm25,
            exact_bonus: exact_bonus * boost,
            passage_languages,
        })
    }
}

struct InflectionWeight {
    /// The folded word typed.
    word: String,
    required: FieldWeight,
    /// Which of `required.found.words` is the form the user typed.
    exact: Option<usize>,
    exact_bonus: Score,
    bonuses: Vec<FieldWeight>,
    languages: IndexLanguages,
}

impl InflectionWeight {
    /// A scorer on the first match in `reader`'s segment.
    fn inflection_scorer(
        &self,
        reader: &SegmentReader,
        boost: Score,
    ) -> tantivy::Result<InflectionScorer> {
        let mut scorer = self.unread_scorer(reader, boost)?;
        if scorer.fill() {
            scorer.go_to_present(0);
        }
        Ok(scorer)
    }

    /// The segment's matches from the document numbers alone
    /// (frequencies not decoded): one word's postings as they are, when
    /// nothing is to be filtered out; otherwise a rare union sorted and
    /// deduplicated, a common one in a bitset of the segment. Sorting
    /// costs some 16 steps per document where the bitset costs one, plus
    /// one word per 64 documents of the segment to clear and read.
    fn union(&self, reader: &SegmentReader) -> tantivy::Result<Union> {
        let alive = reader.alive_bitset();
        let found = &self.required.found;
        let held = found.in_segment(reader.segment_id(), self.languages.in_segment(reader));
        let masks = held.iter().map(|(word, _)| found.masks[*word]);
        let passage_languages = self.languages.of_segment(reader, masks)?;
        // Which languages a word counts in, where that needs telling apart.
        let filter = |word: usize| {
            let mask = found.masks[word];
            passage_languages
                .as_ref()
                .filter(|languages| languages.tell_apart(mask))
                .map(|languages| languages.counted(mask))
        };
        let field = self.required.field;
        let index = reader.inverted_index(field)?;
        let accented = found.accented_index(reader, &held)?;
        let index_of = |word: usize| match &accented {
            Some(accented) if found.field_of(word, field) != field => accented,
            _ => &index,
        };
        // The word with most documents, when it counts in every language
        // of the segment, without deletes, and outnumbers the others
        // together: its postings are the matches as they are, with the
        // other words' documents it lacks. (`the`'s 206,000 were unioned
        // because `their` stems like it in Spanish and Italian.)
        let whole = held
            .iter()
            .enumerate()
            .filter(|(_, (word, _))| alive.is_none() && filter(*word).is_none())
            .max_by_key(|(_, (_, info))| info.doc_freq)
            .filter(|(_, (_, most))| {
                let all: u64 = held.iter().map(|(_, info)| u64::from(info.doc_freq)).sum();
                u64::from(most.doc_freq) * 2 >= all
            })
            .map(|(at, _)| at);
        let each_doc = |found_doc: &mut dyn FnMut(DocId)| -> tantivy::Result<()> {
            for (at, (word, info)) in held.iter().enumerate() {
                if Some(at) == whole {
                    continue;
                }
                let filter = filter(*word);
                let mut blocks = index_of(*word)
                    .read_block_postings_from_terminfo(info, IndexRecordOption::Basic)?;
                while !blocks.docs().is_empty() {
                    for &doc in blocks.docs() {
                        if alive.is_none_or(|alive| alive.is_alive(doc))
                            && filter.is_none_or(|counted| counted.counts(doc))
                        {
                            found_doc(doc);
                        }
                    }
                    blocks.advance();
                }
            }
            Ok(())
        };
        if let Some(at) = whole {
            let (word, info) = &held[at];
            let mut lacking = Vec::new();
            each_doc(&mut |doc| lacking.push(doc))?;
            if !lacking.is_empty() {
                lacking.sort_unstable();
                lacking.dedup();
                let mut postings =
                    index_of(*word).read_postings_from_terminfo(info, IndexRecordOption::Basic)?;
                lacking.retain(|&doc| !super::matches(&mut postings, doc));
            }
            let blocks = index_of(*word)
                .read_block_postings_from_terminfo(info, IndexRecordOption::Basic)?;
            return Ok(Union::Postings {
                info: info.clone(),
                blocks: Box::new(blocks),
                lacking,
            });
        }
        let postings: usize = held.iter().map(|(_, info)| info.doc_freq as usize).sum();
        let words = (reader.max_doc() as usize).div_ceil(64);
        if postings.saturating_mul(16) < words {
            let mut docs = Vec::with_capacity(postings);
            each_doc(&mut |doc| docs.push(doc))?;
            docs.sort_unstable();
            docs.dedup();
            Ok(Union::Sorted(docs))
        } else {
            let mut union = vec![0u64; words];
            each_doc(&mut |doc| union[doc as usize / 64] |= 1 << (doc % 64))?;
            Ok(Union::Bits(union))
        }
    }

    /// A scorer over `reader`'s segment that has read no window yet.
    fn unread_scorer(
        &self,
        reader: &SegmentReader,
        boost: Score,
    ) -> tantivy::Result<InflectionScorer> {
        let required =
            self.required
                .window(reader, boost, self.exact, self.exact_bonus, &self.languages)?;
        let bonuses = self
            .bonuses
            .iter()
            .map(|bonus| bonus.window(reader, boost, None, 0.0, &self.languages))
            .collect::<tantivy::Result<_>>()?;
        let listed = required.listed();
        Ok(InflectionScorer {
            required,
            bonuses,
            start: 0,
            cursor: 0,
            doc: TERMINATED,
            listed_per_window: listed * WINDOW as u64 / u64::from(reader.max_doc().max(1)),
        })
    }
}

/// A segment's matches of an [`InflectionWeight`], each once, in order.
enum Union {
    /// One word's postings, every one a match, and the other words'
    /// matches it lacks, ascending.
    Postings {
        info: TermInfo,
        blocks: Box<BlockSegmentPostings>,
        lacking: Vec<DocId>,
    },
    /// The matches, ascending.
    Sorted(Vec<DocId>),
    /// The matches as a bitset of the segment.
    Bits(Vec<u64>),
}

impl Union {
    /// How many documents match.
    fn len(&self) -> u32 {
        match self {
            Union::Postings { info, lacking, .. } => info.doc_freq + lacking.len() as u32,
            Union::Sorted(docs) => docs.len() as u32,
            Union::Bits(bits) => bits.iter().map(|word| word.count_ones()).sum(),
        }
    }

    /// Hands the matches on in ascending blocks.
    fn for_each_block(self, callback: &mut dyn FnMut(&[DocId])) -> tantivy::Result<()> {
        match self {
            Union::Postings {
                mut blocks,
                lacking,
                ..
            } => {
                let mut lacking = lacking.as_slice();
                let mut merged = Vec::new();
                while let Some(&last) = blocks.docs().last() {
                    let before = lacking.partition_point(|&doc| doc < last);
                    if before == 0 {
                        callback(blocks.docs());
                    } else {
                        merge_sorted(blocks.docs(), &lacking[..before], &mut merged);
                        for block in merged.chunks(COLLECT_BLOCK_BUFFER_LEN) {
                            callback(block);
                        }
                        lacking = &lacking[before..];
                    }
                    blocks.advance();
                }
                for block in lacking.chunks(COLLECT_BLOCK_BUFFER_LEN) {
                    callback(block);
                }
            }
            Union::Sorted(docs) => {
                for block in docs.chunks(COLLECT_BLOCK_BUFFER_LEN) {
                    callback(block);
                }
            }
            Union::Bits(bits) => {
                let mut block = Vec::with_capacity(COLLECT_BLOCK_BUFFER_LEN);
                for (at, &word) in bits.iter().enumerate() {
                    let mut word = word;
                    while word != 0 {
                        let bit = word.trailing_zeros();
                        block.push(at as DocId * 64 + bit);
                        word &= word - 1;
                    }
                    if block.len() >= COLLECT_BLOCK_BUFFER_LEN {
                        callback(&block);
                        block.clear();
                    }
                }
                if !block.is_empty() {
                    callback(&block);
                }
            }
        }
        Ok(())
    }
}

/// `a` and `b`, both ascending and apart, into `merged`, ascending (a
/// sort of the two was 14% of `government`'s search in `perf`).
fn merge_sorted(a: &[DocId], b: &[DocId], merged: &mut Vec<DocId>) {
    debug_assert!(a.is_sorted() && b.is_sorted(), "merging unsorted lists");
    merged.clear();
    merged.reserve(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i] < b[j] {
            merged.push(a[i]);
            i += 1;
        } else {
            merged.push(b[j]);
            j += 1;
        }
    }
    merged.extend_from_slice(&a[i..]);
    merged.extend_from_slice(&b[j..]);
}

impl Weight for InflectionWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(self.inflection_scorer(reader, boost)?))
    }

    /// Counts from the document numbers alone (frequencies not decoded):
    /// one word's document frequency, or the union of its words (see
    /// [`InflectionWeight::union`]). (Reading the scorer's windows instead
    /// cost a sparse union more per window than per document.)
    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        Ok(self.union(reader)?.len())
    }

    /// Every match, unscored, from the document numbers alone, as
    /// [`Weight::count`] finds them: what counts, facets, timelines and
    /// the keys of every match read, at a few operations per match.
    fn for_each_no_score(
        &self,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(&[DocId]),
    ) -> tantivy::Result<()> {
        self.union(reader)?.for_each_block(callback)
    }

    fn for_each(
        &self,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score),
    ) -> tantivy::Result<()> {
        self.for_each_pruning(Score::NEG_INFINITY, reader, &mut |doc, score| {
            callback(doc, score);
            Score::NEG_INFINITY
        })
    }

    /// Scores each window in one loop, and hands on only the matches
    /// scoring above `threshold`: a common word's top ten then costs a
    /// few operations per match instead of a call through the collector.
    fn for_each_pruning(
        &self,
        mut threshold: Score,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        let mut scorer = self.unread_scorer(reader, 1.0)?;
        // The most each part of a score can add: the text (BM25's ceiling),
        // the typed form where its list has documents, each heading field
        // where it has. Bounds that skip a window, or a run of 64 matches, at
        // one glance: a common word's best passages have it in a heading.
        let text_ceiling = scorer.required.ceiling();
        let exact_bonus = scorer.required.exact_bonus;
        let text_bound = |exact: bool| {
            if exact {
                text_ceiling + exact_bonus
            } else {
                text_ceiling
            }
        };
        let bonus_ceilings: Vec<Score> = scorer.bonuses.iter().map(FieldWindow::ceiling).collect();
        // Summed in the order of `score_at`, so rounding keeps it a bound.
        let with_headings =
            |bonuses: &[FieldWindow], score: Score, held: &dyn Fn(&FieldWindow) -> bool| {
                bonuses
                    .iter()
                    .zip(&bonus_ceilings)
                    .fold(
                        score,
                        |bound, (bonus, most)| if held(bonus) { bound + most } else { bound },
                    )
            };
        loop {
            let start = scorer.required.lowest();
            if start == TERMINATED {
                return Ok(());
            }
            let end = start.saturating_add(WINDOW as DocId);
            // The most the text alone can score in this window.
            let text_most = text_bound(scorer.required.holds_exact_before(end));
            for bonus in &mut scorer.bonuses {
                bonus.seek(start);
            }
            let bound = with_headings(&scorer.bonuses, text_most, &|bonus| bonus.lowest() < end);
            if bound <= threshold {
                // Skipped blocks of postings are not even decoded.
                scorer.required.seek(end);
                continue;
            }
            if text_most > threshold {
                scorer.fill_at(start);
            } else if let Some(raised) =
                scorer.score_heading_matches(start, text_most, threshold, callback)
            {
                threshold = raised;
                continue;
            } else {
                scorer.required.fill(start);
            }
            for (word, present) in scorer.required.words() {
                let text = text_bound(scorer.required.exact[word] & present != 0);
                let held = |mask| move |bonus: &FieldWindow| bonus.present[word] & mask != 0;
                if with_headings(&scorer.bonuses, text, &held(present)) <= threshold {
                    continue;
                }
                let mut rest = present;
                while rest != 0 {
                    let bit = rest & rest.wrapping_neg();
                    rest &= rest - 1;
                    let at = word * 64 + bit.trailing_zeros() as usize;
                    let doc = start + at as DocId;
                    let text = scorer.required.score(at, doc);
                    if with_headings(&scorer.bonuses, text, &held(bit)) <= threshold {
                        continue;
                    }
                    let score = scorer.add_headings(text, at, doc);
                    if score > threshold {
                        threshold = callback(doc, score);
                    }
                }
            }
            scorer.clear();
        }
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.inflection_scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document #{doc} does not match"
            )));
        }
        let (frequency, exact) = scorer.required.frequency(scorer.cursor);
        let mut explanation =
            Explanation::new_with_string(format!("inflections of `{}`", self.word), scorer.score());
        explanation.add_const("summed term frequency", frequency as Score);
        if exact {
            explanation.add_const("exact form typed", scorer.required.exact_bonus);
        }
        for (bonus, weight) in scorer.bonuses.iter().zip(&self.bonuses) {
            let score = bonus.score(scorer.cursor, doc);
            if score > 0.0 {
                explanation.add_detail(Explanation::new_with_string(
                    format!("inflections in {:?}", weight.field),
                    score,
                ));
            }
        }
        Ok(explanation)
    }
}

/// Documents per window of [`InflectionScorer`].
const WINDOW: usize = 2048;
// `FieldWindow::touched` has a bit per 64 documents of a window.
const _: () = assert!(WINDOW / 64 <= u32::BITS as usize);

/// One word's postings, read a decoded block at a time (stepping a
/// `SegmentPostings` document by document cost a common word a third of its
/// search).
struct Inflection {
    blocks: BlockSegmentPostings,
    /// The next document's place in the current block.
    at: usize,
    /// Whether this is the form the user typed.
    exact: bool,
    /// The languages (bits) of the passages where the word counts; `None`
    /// when it counts in all.
    languages: Option<LanguageMask>,
}

impl Inflection {
    fn doc(&self) -> DocId {
        self.blocks
            .docs()
            .get(self.at)
            .copied()
            .unwrap_or(TERMINATED)
    }

    /// Moves to the first document at or after `target`.
    fn seek(&mut self, target: DocId) {
        if self.doc() < target {
            self.at = self.blocks.seek(target);
        }
    }
}

/// The arrays of a [`FieldWindow`] that its lists add to.
struct Window<'a> {
    start: DocId,
    frequencies: &'a mut [u32],
    present: &'a mut [u64; WINDOW / 64],
    touched: &'a mut u32,
    exact: &'a mut [u64; WINDOW / 64],
}

impl Window<'_> {
    /// Adds `list`'s documents before `end` that `counts` accepts.
    #[inline(always)]
    fn add(
        &mut self,
        list: &mut Inflection,
        end: DocId,
        scoring: bool,
        counts: impl Fn(DocId) -> bool,
    ) {
        let start = self.start;
        loop {
            let docs = &list.blocks.docs()[list.at..];
            let taken = docs.partition_point(|&doc| doc < end);
            for (offset, &doc) in docs[..taken].iter().enumerate() {
                if !counts(doc) {
                    continue;
                }
                let at = (doc - start) as usize;
                self.frequencies[at] += if scoring {
                    list.blocks.freq(list.at + offset)
                } else {
                    1
                };
                self.present[at / 64] |= 1 << (at % 64);
                *self.touched |= 1 << (at / 64);
            }
            if list.exact {
                for &doc in docs[..taken].iter().filter(|&&doc| counts(doc)) {
                    let at = (doc - start) as usize;
                    self.exact[at / 64] |= 1 << (at % 64);
                }
            }
            list.at += taken;
            if taken < docs.len() || docs.is_empty() {
                break;
            }
            list.blocks.advance();
            list.at = 0;
        }
    }
}

/// The places of the bits set in `bits`, lowest first.
fn set_bits(bits: u32) -> impl Iterator<Item = usize> {
    std::iter::successors((bits != 0).then_some(bits), |rest| {
        let rest = rest & (rest - 1);
        (rest != 0).then_some(rest)
    })
    .map(|rest| rest.trailing_zeros() as usize)
}

/// One field's inflections over a window of documents: their summed
/// frequencies per document, and where the typed form occurs.
struct FieldWindow {
    postings: Vec<Inflection>,
    frequencies: Box<[u32]>,
    present: [u64; WINDOW / 64],
    /// Which words of `present` hold a document: a rare word's window is
    /// mostly empty, and going through every word of every window was
    /// most of its search.
    touched: u32,
    exact: [u64; WINDOW / 64],
    fieldnorms: ScoredLengths,
    bm25: Option<Bm25Weight>,
    exact_bonus: Score,
    /// Each passage's language, where words count only in some.
    passage_languages: Option<PassageLanguages>,
}

impl FieldWindow {
    /// The lowest document not yet read.
    fn lowest(&self) -> DocId {
        self.postings
            .iter()
            .map(Inflection::doc)
            .min()
            .unwrap_or(TERMINATED)
    }

    /// Skips to the first document at or after `target`.
    fn seek(&mut self, target: DocId) {
        for list in &mut self.postings {
            list.seek(target);
        }
    }

    /// Adds every list's documents from `start` (skipping those before)
    /// up to `start + WINDOW`.
    fn fill(&mut self, start: DocId) {
        let end = start.saturating_add(WINDOW as DocId).min(TERMINATED);
        // Frequencies are only read (and decoded) when scoring.
        let scoring = self.bm25.is_some();
        let mut window = Window {
            start,
            frequencies: &mut self.frequencies,
            present: &mut self.present,
            touched: &mut self.touched,
            exact: &mut self.exact,
        };
        for list in &mut self.postings {
            list.seek(start);
            // Two copies of the loop, so the lists of an index of one
            // language (all of them, mostly) test nothing per document.
            match (list.languages, &self.passage_languages) {
                (Some(mask), Some(languages)) => {
                    let counted = languages.counted(mask);
                    window.add(list, end, scoring, |doc| counted.counts(doc))
                }
                _ => window.add(list, end, scoring, |_| true),
            }
        }
    }

    /// How many documents the lists hold in the segment (one that holds
    /// several inflections counted for each).
    fn listed(&self) -> u64 {
        self.postings
            .iter()
            .map(|list| u64::from(list.blocks.doc_freq()))
            .sum()
    }

    /// The words of `present` that hold documents, with their places.
    fn words(&self) -> impl Iterator<Item = (usize, u64)> + use<> {
        let present = self.present;
        set_bits(self.touched).map(move |word| (word, present[word]))
    }

    /// Forgets the window's documents.
    fn clear(&mut self) {
        let count: u32 = self.words().map(|(_, bits)| bits.count_ones()).sum();
        // Zeroing the whole window is quicker than finding its documents
        // once more than a few are there.
        let dense = count as usize > WINDOW / 32;
        if dense {
            self.frequencies.fill(0);
        }
        for (word, bits) in self.words() {
            let mut rest = bits;
            while !dense && rest != 0 {
                self.frequencies[word * 64 + rest.trailing_zeros() as usize] = 0;
                rest &= rest - 1;
            }
            self.present[word] = 0;
            self.exact[word] = 0;
        }
        self.touched = 0;
    }

    /// The summed frequency at place `at` of the window, and whether the
    /// typed form is among the words.
    fn frequency(&self, at: usize) -> (u32, bool) {
        let exact = self.exact[at / 64] & (1 << (at % 64)) != 0;
        (self.frequencies.get(at).copied().unwrap_or(0), exact)
    }

    /// No document scores more than this, leaving out the typed form's bonus.
    fn ceiling(&self) -> Score {
        match &self.bm25 {
            // A term frequency's share of BM25 stays below 1 at any length.
            Some(bm25) => bm25.score(0, u32::MAX),
            None => 1.0,
        }
    }

    /// Whether the typed form occurs in a document not yet read before `end`.
    fn holds_exact_before(&self, end: DocId) -> bool {
        self.postings
            .iter()
            .any(|list| list.exact && list.doc() < end)
    }

    /// The score of document `doc`, at place `at` of the window (0 where
    /// no inflection occurs).
    fn score(&self, at: usize, doc: DocId) -> Score {
        let (frequency, exact) = self.frequency(at);
        self.score_of(doc, frequency, exact)
    }

    /// The score of document `doc` read straight from the lists, which
    /// move to it: for a few scattered documents, whose blocks are the only
    /// ones decoded. `None` where no inflection occurs. The window must be
    /// empty, and the lists must not have passed `doc`.
    fn seek_score(&mut self, doc: DocId) -> Option<Score> {
        let scoring = self.bm25.is_some();
        let (mut frequency, mut exact) = (0, false);
        for list in &mut self.postings {
            list.seek(doc);
            let counts = match (list.languages, &self.passage_languages) {
                (Some(mask), Some(languages)) => languages.counted(mask).counts(doc),
                _ => true,
            };
            if list.doc() == doc && counts {
                frequency += if scoring {
                    list.blocks.freq(list.at)
                } else {
                    1
                };
                exact |= list.exact;
            }
        }
        (frequency > 0).then(|| self.score_of(doc, frequency, exact))
    }

    fn score_of(&self, doc: DocId, frequency: u32, exact: bool) -> Score {
        if frequency == 0 {
            return 0.0;
        }
        let Some(bm25) = &self.bm25 else {
            return 1.0;
        };
        let bonus = if exact { self.exact_bonus } else { 0.0 };
        bm25.score(self.fieldnorms.fieldnorm_id(doc), frequency) + bonus
    }
}

/// The union of the inflections' postings in the required field, scored as
/// one term, plus the bonus fields' scores where they match.
///
/// Like tantivy's own union scorer it works in windows of documents: each
/// list adds its frequencies for the next [`WINDOW`] documents into one
/// array, and the window is then read in order. Stepping every list at
/// every document (the obvious merge) cost a common stem with ten
/// inflections most of its search time.
struct InflectionScorer {
    required: FieldWindow,
    bonuses: Vec<FieldWindow>,
    /// First document of the window.
    start: DocId,
    /// The current document's place in the window.
    cursor: usize,
    doc: DocId,
    /// How many documents the required lists hold in a window, on average.
    listed_per_window: u64,
}

impl InflectionScorer {
    /// Reads the window starting at the lowest required document not yet
    /// read; false when there is none.
    fn fill(&mut self) -> bool {
        let start = self.required.lowest();
        if start == TERMINATED {
            self.doc = TERMINATED;
            return false;
        }
        self.fill_at(start);
        true
    }

    /// Reads the window starting at `start`.
    fn fill_at(&mut self, start: DocId) {
        self.start = start;
        self.required.fill(start);
        for bonus in &mut self.bonuses {
            bonus.fill(start);
        }
    }

    fn clear(&mut self) {
        self.required.clear();
        for bonus in &mut self.bonuses {
            bonus.clear();
        }
    }

    /// Moves to the first matching document at or after place `from` of
    /// the window, reading the next windows as needed.
    fn go_to_present(&mut self, mut from: usize) -> DocId {
        loop {
            let present = &self.required.present;
            let mut word = from / 64;
            let mut bits = if word < present.len() {
                present[word] & (u64::MAX << (from % 64))
            } else {
                0
            };
            while bits == 0 && word + 1 < present.len() {
                word += 1;
                bits = present[word];
            }
            if bits != 0 {
                self.cursor = word * 64 + bits.trailing_zeros() as usize;
                self.doc = self.start + self.cursor as DocId;
                return self.doc;
            }
            self.clear();
            if !self.fill() {
                return TERMINATED;
            }
            from = 0;
        }
    }
}

impl DocSet for InflectionScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        self.go_to_present(self.cursor + 1)
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        if ((target - self.start) as usize) < WINDOW {
            return self.go_to_present((target - self.start) as usize);
        }
        self.clear();
        self.required.seek(target);
        if !self.fill() {
            return TERMINATED;
        }
        self.go_to_present(0)
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        u32::try_from(self.required.listed()).unwrap_or(u32::MAX)
    }
}

impl InflectionScorer {
    /// The score of document `doc`, at place `at` of the window.
    #[inline]
    fn score_at(&self, at: usize, doc: DocId) -> Score {
        self.add_headings(self.required.score(at, doc), at, doc)
    }

    /// Where no text scores above `text_most` (≤ `threshold`), so only a
    /// heading can lift a match over `threshold`, and the headings' lists
    /// hold few documents of the window from `start`: hands on the
    /// matches that score above `threshold`, reading the text only of the
    /// documents whose headings score enough and skipping the blocks of
    /// postings between them (a common word's text list is long, and its
    /// best passages have it in a heading). Returns the threshold, as
    /// raised by `callback`; `None`, with the headings' window read, when
    /// the headings hold too many documents for that to pay.
    fn score_heading_matches(
        &mut self,
        start: DocId,
        text_most: Score,
        mut threshold: Score,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> Option<Score> {
        for bonus in &mut self.bonuses {
            bonus.fill(start);
        }
        let touched = self
            .bonuses
            .iter()
            .fold(0, |words, bonus| words | bonus.touched);
        let headed = |word: usize| {
            self.bonuses
                .iter()
                .fold(0, |bits, bonus| bits | bonus.present[word])
        };
        // Looking a document up costs a seek in every list; reading the
        // window costs a few steps per document the lists hold there.
        // Measured on the bench corpus, looking up pays while the lookups
        // (headed documents × lists) are at most four times the documents
        // the lists hold in an average window.
        let headed_documents: u64 = set_bits(touched)
            .map(|word| u64::from(headed(word).count_ones()))
            .sum();
        let lookups = headed_documents * self.required.postings.len() as u64;
        if lookups > 4 * self.listed_per_window {
            return None;
        }
        for word in set_bits(touched) {
            let mut rest = headed(word);
            while rest != 0 {
                let at = word * 64 + rest.trailing_zeros() as usize;
                rest &= rest - 1;
                let doc = start + at as DocId;
                if self.add_headings(text_most, at, doc) <= threshold {
                    continue;
                }
                let Some(text) = self.required.seek_score(doc) else {
                    continue;
                };
                let score = self.add_headings(text, at, doc);
                if score > threshold {
                    threshold = callback(doc, score);
                }
            }
        }
        self.required.seek(start.saturating_add(WINDOW as DocId));
        self.clear();
        Some(threshold)
    }

    /// `text` (the required field's score of `doc`) plus the headings'.
    #[inline]
    fn add_headings(&self, text: Score, at: usize, doc: DocId) -> Score {
        let mut score = text;
        for bonus in &self.bonuses {
            score += bonus.score(at, doc);
        }
        score
    }
}

impl Scorer for InflectionScorer {
    fn score(&mut self) -> Score {
        self.score_at(self.cursor, self.doc)
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::Count;

    use super::*;
    use crate::test_support::one_segment;

    #[test]
    fn a_memo_shares_a_words_inflections_within_one_searcher_only() {
        // Two one-segment indexes (so two sets of segment ids) holding
        // different inflections of `govern`.
        let index = |forms: &'static str| {
            let (searcher, fields) = one_segment(&["text"], 3, |_| vec![Some(forms.into())], None);
            (searcher, fields[0])
        };
        let (first, text) = index("govern governs");
        let (second, _) = index("governed");
        let memo = InflectionMemo::default();
        let query =
            InflectionQuery::new(text, "govern".into(), "govern".into(), None).sharing(&memo);
        let count = |searcher: &Searcher| {
            let weight = query
                .weight(EnableScoring::disabled_from_searcher(searcher))
                .unwrap();
            weight.count(&searcher.segment_readers()[0]).unwrap()
        };
        let memo_holds = || memo.0.lock().unwrap().len();
        assert_eq!(count(&first), 3);
        assert_eq!(memo_holds(), 1, "the first searcher's inflections are kept");
        assert_eq!(count(&first), 3);
        assert_eq!(memo_holds(), 1, "and found again, not read again");
        assert_eq!(count(&second), 3, "another searcher reads its own words");
        assert_eq!(memo_holds(), 2);
    }

    #[test]
    fn two_ascending_lists_merge_in_order() {
        let mut merged = vec![99];
        for (a, b) in [
            (&[1, 4, 9][..], &[2, 3, 10, 11][..]),
            (&[], &[5, 6]),
            (&[5, 6], &[]),
            (&[7, 8], &[1, 2]),
            (&[], &[]),
        ] {
            merge_sorted(a, b, &mut merged);
            let mut sorted = [a, b].concat();
            sorted.sort_unstable();
            assert_eq!(merged, sorted, "{a:?} and {b:?}");
        }
    }

    /// The forms in document `doc` of the synthetic index: `governed`
    /// (the typed form) every third, `governs` twice every fifth,
    /// `government` every 1,000th and in a run near the end, `gov`
    /// (another stem) every second, `vetoed` and `vetoes` (a rare stem)
    /// every 4,999th.
    fn forms(doc: u32) -> Vec<&'static str> {
        let mut forms = Vec::new();
        if doc.is_multiple_of(3) {
            forms.push("governed");
        }
        if doc.is_multiple_of(5) {
            forms.extend(["governs", "governs"]);
        }
        if doc % 1000 == 7 || (9_000..9_010).contains(&doc) {
            forms.push("government");
        }
        if doc.is_multiple_of(2) {
            forms.push("gov");
        }
        if doc.is_multiple_of(4_999) {
            forms.extend(["vetoed", "vetoes"]);
        }
        forms
    }

    /// An index of 10,000 one-segment documents with `forms(doc)` in
    /// `text` and `governments` in `heading` of every seventh document
    /// below 3,000 (so later windows have no heading to add).
    fn synthetic() -> (Searcher, Field, Field) {
        synthetic_with((7, 3_000), None)
    }

    /// [`synthetic`], with `governments` in the heading of every
    /// `headings.0`th document below `headings.1`, and the documents
    /// holding `deleted` deleted.
    fn synthetic_with(headings: (u32, u32), deleted: Option<&str>) -> (Searcher, Field, Field) {
        let (every, until) = headings;
        let texts = |doc: u32| {
            let heading = doc.is_multiple_of(every) && doc < until;
            vec![
                Some(format!("filler {}", forms(doc).join(" "))),
                heading.then(|| "governments".to_string()),
            ]
        };
        let (searcher, fields) = one_segment(&["text", "heading"], DOCS, texts, deleted);
        (searcher, fields[0], fields[1])
    }

    const DOCS: u32 = 10_000;

    static LOCAL: Statistics = Statistics::Local;

    /// Scoring `govern` with the index's own figures.
    static GOVERN: Scoring = Scoring {
        statistics: &LOCAL,
        typed: "govern",
        word: "govern",
    };

    /// The words sharing the English stem of `word` (each test word is its
    /// own stem).
    fn english(word: &str) -> StemMemo {
        StemMemo::new(vec![WordStems::new(Language::ENGLISH, word, word)])
    }

    /// The English inflections of `stem` (its own stem) in `field`, scored
    /// as `govern` with `scoring`, scaled by `boost`.
    fn field_weight(
        searcher: &Searcher,
        field: Field,
        stem: &str,
        scoring: Option<&Scoring>,
        boost: Score,
    ) -> FieldWeight {
        let find = Find {
            searcher,
            languages: &IndexLanguages::of(searcher, None, None).unwrap(),
            typed: stem,
            word: stem,
            memo: &InflectionMemo::default(),
        };
        FieldWeight::new(&find, field, &mut english(stem), scoring, boost, None).unwrap()
    }

    /// Inflections of `govern` in `field` alone, scored when `scored`.
    fn weight(searcher: &Searcher, field: Field, scored: bool) -> InflectionWeight {
        InflectionWeight {
            word: "govern".to_string(),
            required: field_weight(searcher, field, "govern", scored.then_some(&GOVERN), 1.0),
            exact: scored.then_some(0),
            exact_bonus: 10.0,
            bonuses: Vec::new(),
            languages: IndexLanguages::of(searcher, None, None).unwrap(),
        }
    }

    fn expected(doc: u32) -> Option<(u32, bool)> {
        let found = forms(doc);
        let frequency = found
            .iter()
            .filter(|form| form.starts_with("govern"))
            .count() as u32;
        (frequency > 0).then_some((frequency, found.contains(&"governed")))
    }

    #[test]
    fn the_windowed_union_reads_every_inflection_once_in_order() {
        let (searcher, text, _) = synthetic();
        let segment = &searcher.segment_readers()[0];
        let unscored = weight(&searcher, text, false);
        assert_eq!(
            unscored.required.found.words,
            ["governed", "government", "governs"]
        );
        let mut scorer = unscored.inflection_scorer(segment, 1.0).unwrap();
        let mut seen = Vec::new();
        while scorer.doc() != TERMINATED {
            seen.push(scorer.doc());
            scorer.advance();
        }
        let all: Vec<u32> = (0..DOCS).filter(|&doc| expected(doc).is_some()).collect();
        assert_eq!(seen, all);
        let query = InflectionQuery::new(text, "govern".to_string(), "govern".to_string(), None);
        assert_eq!(searcher.search(&query, &Count).unwrap(), all.len());

        // Seeking, within a window and past several, lands where a scan would.
        let scored = weight(&searcher, text, true);
        let mut scorer = scored.inflection_scorer(segment, 1.0).unwrap();
        for target in [
            1, 2, 4, 5, 700, 2_047, 2_048, 2_049, 6_000, 8_999, 9_004, 9_999,
        ] {
            let landed = scorer.seek(target);
            let next = all.iter().copied().find(|&doc| doc >= target);
            assert_eq!(landed, next.unwrap_or(TERMINATED), "seek({target})");
            let frequency = scorer.required.frequency(scorer.cursor);
            assert_eq!(Some(frequency), expected(landed), "doc {landed}");
        }
        assert_eq!(scorer.seek(DOCS), TERMINATED);
    }

    #[test]
    fn a_bonus_field_adds_its_own_score_and_matches_nothing_itself() {
        let (searcher, text, heading) = synthetic();
        let segment = &searcher.segment_readers()[0];
        let heading_weight = || field_weight(&searcher, heading, "govern", Some(&GOVERN), 0.5);
        let mut fused = weight(&searcher, text, true);
        fused.bonuses = vec![heading_weight()];
        let mut both = fused.inflection_scorer(segment, 2.0).unwrap();
        let mut text_only = weight(&searcher, text, true)
            .inflection_scorer(segment, 2.0)
            .unwrap();
        let heading_only = InflectionWeight {
            required: heading_weight(),
            exact: None,
            ..weight(&searcher, heading, true)
        };
        let mut heading_only = heading_only.inflection_scorer(segment, 2.0).unwrap();
        let mut boosted = 0;
        while both.doc() != TERMINATED {
            let doc = both.doc();
            assert_eq!(text_only.doc(), doc);
            let mut expected = text_only.score();
            if heading_only.seek(doc) == doc {
                expected += heading_only.score();
                boosted += 1;
            }
            assert!((both.score() - expected).abs() < 1e-4, "doc {doc}");
            both.advance();
            text_only.advance();
        }
        assert_eq!(text_only.doc(), TERMINATED);
        assert!(boosted > 100, "only {boosted} documents had the bonus");
    }

    /// Every match of `weight` in the first segment and its score, by the
    /// scorer (which scores every match), best first.
    fn scan(weight: &InflectionWeight, searcher: &Searcher) -> Vec<(Score, DocId)> {
        let segment = &searcher.segment_readers()[0];
        let mut scorer = weight.inflection_scorer(segment, 1.0).unwrap();
        let mut all = Vec::new();
        while scorer.doc() != TERMINATED {
            if segment
                .alive_bitset()
                .is_none_or(|alive| alive.is_alive(scorer.doc()))
            {
                all.push((scorer.score(), scorer.doc()));
            }
            scorer.advance();
        }
        all.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        all
    }

    fn with_heading(searcher: &Searcher, text: Field, heading: Field) -> InflectionWeight {
        let mut fused = weight(searcher, text, true);
        fused.bonuses = vec![field_weight(
            searcher,
            heading,
            "govern",
            Some(&GOVERN),
            4.0,
        )];
        fused
    }

    #[test]
    fn pruning_hands_on_every_match_that_can_reach_the_best() {
        // Headings in every seventh document are few enough to look their
        // text up; in every document of a window, its text is read instead.
        for headings in [(7, 3_000), (1, 6_000)] {
            prunes_to_the_best(headings);
        }
    }

    fn prunes_to_the_best(headings: (u32, u32)) {
        let (searcher, text, heading) = synthetic_with(headings, None);
        let segment = &searcher.segment_readers()[0];
        let fused = with_heading(&searcher, text, heading);
        let all = scan(&fused, &searcher);
        for limit in [1, 10, 200] {
            // A top-`limit` collector that keeps ties: the threshold stays
            // just below the `limit`-th best score offered so far.
            let mut offered: Vec<(Score, DocId)> = Vec::new();
            fused
                .for_each_pruning(Score::NEG_INFINITY, segment, &mut |doc, score| {
                    offered.push((score, doc));
                    if offered.len() < limit {
                        return Score::NEG_INFINITY;
                    }
                    let mut scores: Vec<Score> = offered.iter().map(|(s, _)| *s).collect();
                    scores.sort_by(|a, b| b.total_cmp(a));
                    scores[limit - 1].next_down()
                })
                .unwrap();
            let last = all[limit - 1].0;
            let best: Vec<_> = all.iter().filter(|(score, _)| *score >= last).collect();
            let kept: Vec<_> = offered.iter().filter(|(score, _)| *score >= last).collect();
            let mut kept = kept.clone();
            kept.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            assert_eq!(kept, best, "top {limit}, headings {headings:?}");
            assert!(
                offered.len() < all.len() / 2,
                "top {limit}, headings {headings:?}: {} of {} matches offered",
                offered.len(),
                all.len()
            );
        }
        // With no threshold every match is handed on, scored as the scorer does.
        let mut every = Vec::new();
        fused
            .for_each(segment, &mut |doc, score| every.push((score, doc)))
            .unwrap();
        every.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        assert_eq!(every, all);
    }

    #[test]
    fn the_count_reads_the_matches_without_scoring_and_skips_deleted_ones() {
        for deleted in [None, Some("gov")] {
            let (searcher, text, heading) = synthetic_with((7, 3_000), deleted);
            let segment = &searcher.segment_readers()[0];
            assert_eq!(segment.alive_bitset().is_some(), deleted.is_some());
            let fused = with_heading(&searcher, text, heading);
            let all = scan(&fused, &searcher);
            assert_eq!(fused.count(segment).unwrap() as usize, all.len());
            // Listed without scores: the same documents, once each, ascending.
            let mut listed = Vec::new();
            fused
                .for_each_no_score(segment, &mut |docs| listed.extend_from_slice(docs))
                .unwrap();
            let mut scanned: Vec<DocId> = all.iter().map(|(_, doc)| *doc).collect();
            scanned.sort_unstable();
            assert_eq!(listed, scanned);
            let expected = (0..DOCS)
                .filter(|&doc| expected(doc).is_some())
                .filter(|&doc| deleted.is_none() || !forms(doc).contains(&"gov"))
                .count();
            assert_eq!(all.len(), expected);
        }
        // One inflection and no deletions: its document frequency; a rare
        // union (two forms in the same documents) is counted once.
        for deleted in [None, Some("gov")] {
            let (searcher, text, _) = synthetic_with((7, 3_000), deleted);
            let unscored = |stem: &str| InflectionWeight {
                word: stem.to_string(),
                required: field_weight(&searcher, text, stem, None, 1.0),
                exact: None,
                exact_bonus: 0.0,
                bonuses: Vec::new(),
                languages: IndexLanguages::of(&searcher, None, None).unwrap(),
            };
            let segment = &searcher.segment_readers()[0];
            let alive = |doc: &u32| deleted.is_none() || doc % 2 == 1;
            let gov = (0..DOCS).filter(|doc| doc % 2 == 0).filter(alive).count();
            assert_eq!(unscored("gov").count(segment).unwrap() as usize, gov);
            let mut listed = Vec::new();
            unscored("gov")
                .for_each_no_score(segment, &mut |docs| listed.extend_from_slice(docs))
                .unwrap();
            let expected: Vec<DocId> = (0..DOCS).filter(|doc| doc % 2 == 0).filter(alive).collect();
            assert_eq!(listed, expected);
            let veto = (0..DOCS)
                .filter(|doc| doc % 4_999 == 0)
                .filter(alive)
                .count();
            assert_eq!(unscored("veto").count(segment).unwrap() as usize, veto);
            assert!(veto > 0);
        }
    }

    #[test]
    fn prefixes_sharing_a_long_beginning_are_read_as_one_range() {
        let ranges = |prefixes: &[&str]| {
            let prefixes: Vec<String> = prefixes.iter().map(|p| p.to_string()).collect();
            dictionary_ranges(&prefixes)
        };
        assert_eq!(ranges(&["chernobyl", "chernobyi"]), ["chernoby"]);
        assert_eq!(ranges(&["memori", "memory"]), ["memor"]);
        assert_eq!(ranges(&["pele", "peli"]), ["pele", "peli"]);
        assert_eq!(ranges(&["die", "dii", "dying"]), ["die", "dii", "dying"]);
        assert_eq!(ranges(&["zanzibar"]), ["zanzibar"]);
        // Letters, not bytes: `péél` is four letters in six bytes.
        assert_eq!(ranges(&["pééla", "péélb"]), ["pééla", "péélb"]);
        assert_eq!(ranges(&["séances", "séancey"]), ["séance"]);
        assert!(ranges(&[]).is_empty());
    }
}
