//! Matching a word in any inflection, with no stemmed copy of the text in
//! the index.
//!
//! The index holds folded words only: one positional field instead of two
//! halves its size and build time (see `BENCHMARKS.md`). A query word is
//! expanded at search time into the indexed words that share its English
//! stem, read from each segment's term dictionary. Snowball stems are
//! prefixes of their words except where the stem's last letter stands for
//! another (`happy` → `happi`, an `i` in the word for a final `e`, `l` or
//! `y` of the stem) and four `-ying` forms (`dying` → `die`); so at most
//! three short dictionary ranges are read and stemmed. Measured on the 78 MB
//! bench vocabulary (192,626 words), these ranges hold every word of every
//! stem.
//!
//! The expansion is scored as one term, the way a stemmed field would score
//! it: term frequencies summed, one document frequency for the stem. The
//! form the user typed also adds a constant tier, so passages with the
//! exact form rank first.

use std::collections::BTreeMap;
use std::fmt;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::index::SegmentId;
use tantivy::postings::TermInfo;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{Bm25Weight, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED, TantivyError};

use crate::analysis;

/// Matches every word of the text field `field` whose stem is `stem`.
#[derive(Clone)]
pub struct InflectionQuery {
    field: Field,
    stem: String,
    /// The folded form the user typed, scoring `exact_bonus` where it occurs.
    exact: Option<String>,
    exact_bonus: Score,
}

impl InflectionQuery {
    /// Inflections of `stem` in `field`; `exact` (a folded word) adds
    /// `exact_bonus` to the score of every passage where it occurs itself.
    pub fn new(field: Field, stem: String, exact: Option<String>, exact_bonus: Score) -> Self {
        InflectionQuery {
            field,
            stem,
            exact,
            exact_bonus,
        }
    }
}

impl fmt::Debug for InflectionQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Inflections({:?}, {:?})", self.field, self.stem)
    }
}

impl Query for InflectionQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let searcher = scoring.searcher().ok_or_else(|| {
            TantivyError::InvalidArgument("inflections are read from an open index".to_string())
        })?;
        let found = Inflections::find(searcher, self.field, &self.stem)?;
        let exact = self
            .exact
            .as_deref()
            .and_then(|typed| found.words.iter().position(|word| word == typed));
        let bm25 = if scoring.is_scoring_enabled() && !found.words.is_empty() {
            let docs = searcher.num_docs().max(1);
            let tokens: u64 = searcher
                .segment_readers()
                .iter()
                .map(|segment| Ok(segment.inverted_index(self.field)?.total_num_tokens()))
                .sum::<tantivy::Result<u64>>()?;
            // A stem's document frequency is at least that of its most
            // frequent word and at most the sum; the sum keeps rare
            // stems rare and common ones common, which is what idf is for.
            let doc_freq: u64 = found
                .segments
                .iter()
                .flat_map(|(_, words)| words.iter())
                .map(|(_, info)| u64::from(info.doc_freq))
                .sum();
            Some(Bm25Weight::for_one_term(
                doc_freq.min(docs),
                docs,
                tokens as Score / docs as Score,
            ))
        } else {
            None
        };
        Ok(Box::new(InflectionWeight {
            field: self.field,
            stem: self.stem.clone(),
            found,
            exact,
            bm25,
            exact_bonus: self.exact_bonus,
        }))
    }
}

/// The indexed words of a field sharing one stem, and where each segment's
/// dictionary holds them (so postings open without a second lookup).
struct Inflections {
    /// Sorted.
    words: Vec<String>,
    /// Per segment, each word it holds (an index into `words`) and its entry.
    segments: Vec<(SegmentId, Vec<(usize, TermInfo)>)>,
}

impl Inflections {
    fn find(searcher: &Searcher, field: Field, stem: &str) -> tantivy::Result<Inflections> {
        // Every dictionary word under the candidate prefixes, per segment,
        // then kept where its stem is `stem` (each word stemmed once).
        let mut stems: BTreeMap<String, bool> = BTreeMap::new();
        let mut listed = Vec::new();
        for segment in searcher.segment_readers() {
            let index = segment.inverted_index(field)?;
            let mut entries = Vec::new();
            for prefix in candidate_prefixes(stem) {
                let mut words = index.terms().range().ge(prefix.as_bytes()).into_stream()?;
                while words.advance() {
                    let key = words.key();
                    if !key.starts_with(prefix.as_bytes()) {
                        break;
                    }
                    let Ok(word) = std::str::from_utf8(key) else {
                        continue;
                    };
                    if !stems.contains_key(word) {
                        stems.insert(word.to_string(), analysis::stem(word) == stem);
                    }
                    entries.push((word.to_string(), words.value().clone()));
                }
            }
            listed.push((segment.segment_id(), entries));
        }
        let words: Vec<String> = stems
            .into_iter()
            .filter_map(|(word, shares)| shares.then_some(word))
            .collect();
        let segments = listed
            .into_iter()
            .map(|(segment, entries)| {
                let held = entries
                    .into_iter()
                    .filter_map(|(word, info)| {
                        let at = words.binary_search(&word).ok()?;
                        Some((at, info))
                    })
                    .collect();
                (segment, held)
            })
            .collect();
        Ok(Inflections { words, segments })
    }

    /// The words `segment` holds, with their dictionary entries.
    fn in_segment(&self, segment: SegmentId) -> &[(usize, TermInfo)] {
        self.segments
            .iter()
            .find(|(id, _)| *id == segment)
            .map_or(&[], |(_, held)| held.as_slice())
    }
}

/// The dictionary prefixes under which every word with stem `stem` lies.
fn candidate_prefixes(stem: &str) -> Vec<String> {
    let mut prefixes = vec![stem.to_string()];
    let mut chars = stem.chars();
    let respelled = match chars.next_back() {
        Some('i') => Some('y'),
        Some('e' | 'l' | 'y') => Some('i'),
        _ => None,
    };
    if let Some(letter) = respelled {
        prefixes.push(format!("{}{letter}", chars.as_str()));
    }
    if let "die" | "lie" | "tie" | "vie" = stem {
        prefixes.push(format!("{}ying", &stem[..1]));
    }
    prefixes
}

struct InflectionWeight {
    field: Field,
    stem: String,
    found: Inflections,
    /// Which of `found.words` is the form the user typed.
    exact: Option<usize>,
    /// `None` when scoring is disabled.
    bm25: Option<Bm25Weight>,
    exact_bonus: Score,
}

impl InflectionWeight {
    fn inflection_scorer(
        &self,
        reader: &SegmentReader,
        boost: Score,
    ) -> tantivy::Result<InflectionScorer> {
        let index = reader.inverted_index(self.field)?;
        let record = if self.bm25.is_some() {
            IndexRecordOption::WithFreqs
        } else {
            IndexRecordOption::Basic
        };
        let held = self.found.in_segment(reader.segment_id());
        let mut postings = Vec::with_capacity(held.len());
        for (word, info) in held {
            let list = index.read_postings_from_terminfo(info, record)?;
            postings.push((list, self.exact == Some(*word)));
        }
        let fieldnorms = match &self.bm25 {
            Some(_) => reader.get_fieldnorms_reader(self.field)?,
            None => FieldNormReader::constant(reader.max_doc(), 1),
        };
        Ok(InflectionScorer::new(
            postings,
            fieldnorms,
            self.bm25.as_ref().map(|bm25| bm25.boost_by(boost)),
            self.exact_bonus * boost,
        ))
    }
}

impl Weight for InflectionWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(self.inflection_scorer(reader, boost)?))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.inflection_scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document #{doc} does not match"
            )));
        }
        let (frequency, exact) = scorer.frequency();
        let mut explanation =
            Explanation::new_with_string(format!("inflections of `{}`", self.stem), scorer.score());
        explanation.add_const("summed term frequency", frequency as Score);
        if exact {
            explanation.add_const("exact form typed", scorer.exact_bonus);
        }
        Ok(explanation)
    }
}

/// Documents per window of [`InflectionScorer`].
const WINDOW: usize = 2048;

/// The union of the inflections' postings, scored as one term.
///
/// Like tantivy's own union scorer it works in windows of documents: each
/// list adds its frequencies for the next [`WINDOW`] documents into one
/// array, and the window is then read in order. Stepping every list at
/// every document (the obvious merge) cost a common stem with ten
/// inflections most of its search time.
struct InflectionScorer {
    postings: Vec<(SegmentPostings, bool)>,
    /// First document of the window.
    start: DocId,
    /// Summed frequency of the inflections per document of the window.
    frequencies: Box<[u32]>,
    /// The window's documents that match, and those where the typed form occurs.
    present: [u64; WINDOW / 64],
    exact: [u64; WINDOW / 64],
    /// The current document's place in the window.
    cursor: usize,
    doc: DocId,
    fieldnorms: FieldNormReader,
    bm25: Option<Bm25Weight>,
    exact_bonus: Score,
}

impl InflectionScorer {
    fn new(
        postings: Vec<(SegmentPostings, bool)>,
        fieldnorms: FieldNormReader,
        bm25: Option<Bm25Weight>,
        exact_bonus: Score,
    ) -> InflectionScorer {
        let mut scorer = InflectionScorer {
            postings,
            start: 0,
            frequencies: vec![0; WINDOW].into_boxed_slice(),
            present: [0; WINDOW / 64],
            exact: [0; WINDOW / 64],
            cursor: 0,
            doc: TERMINATED,
            fieldnorms,
            bm25,
            exact_bonus,
        };
        if scorer.fill() {
            scorer.go_to_present(0);
        }
        scorer
    }

    /// Adds every list's documents of the window starting at the lowest
    /// document not yet read; false when all lists are read.
    fn fill(&mut self) -> bool {
        let start = self
            .postings
            .iter()
            .map(|(list, _)| list.doc())
            .min()
            .unwrap_or(TERMINATED);
        if start == TERMINATED {
            self.doc = TERMINATED;
            return false;
        }
        self.start = start;
        let end = start.saturating_add(WINDOW as DocId);
        // Frequencies are only read (and decoded) when scoring.
        let scoring = self.bm25.is_some();
        for (list, is_exact) in &mut self.postings {
            let mut doc = list.doc();
            while doc < end {
                let at = (doc - start) as usize;
                self.frequencies[at] += if scoring { list.term_freq() } else { 1 };
                self.present[at / 64] |= 1 << (at % 64);
                if *is_exact {
                    self.exact[at / 64] |= 1 << (at % 64);
                }
                doc = list.advance();
            }
        }
        true
    }

    /// Forgets the window's documents.
    fn clear(&mut self) {
        for (word, bits) in self.present.iter_mut().enumerate() {
            let mut rest = *bits;
            while rest != 0 {
                self.frequencies[word * 64 + rest.trailing_zeros() as usize] = 0;
                rest &= rest - 1;
            }
            *bits = 0;
        }
        self.exact = [0; WINDOW / 64];
    }

    /// Moves to the first matching document at or after place `from` of
    /// the window, reading the next windows as needed.
    fn go_to_present(&mut self, mut from: usize) -> DocId {
        loop {
            let mut word = from / 64;
            let mut bits = if word < self.present.len() {
                self.present[word] & (u64::MAX << (from % 64))
            } else {
                0
            };
            while bits == 0 && word + 1 < self.present.len() {
                word += 1;
                bits = self.present[word];
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

    /// The summed frequency of the inflections in the current document, and
    /// whether the typed form is among them.
    fn frequency(&self) -> (u32, bool) {
        let at = self.cursor;
        let exact = self.exact[at / 64] & (1 << (at % 64)) != 0;
        (self.frequencies[at], exact)
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
        for (list, _) in &mut self.postings {
            if list.doc() < target {
                list.seek(target);
            }
        }
        if !self.fill() {
            return TERMINATED;
        }
        self.go_to_present(0)
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.postings
            .iter()
            .map(|(list, _)| list.size_hint())
            .fold(0u32, u32::saturating_add)
    }
}

impl Scorer for InflectionScorer {
    fn score(&mut self) -> Score {
        let Some(bm25) = &self.bm25 else {
            return 1.0;
        };
        let (frequency, exact) = self.frequency();
        let bonus = if exact { self.exact_bonus } else { 0.0 };
        bm25.score(self.fieldnorms.fieldnorm_id(self.doc), frequency) + bonus
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::Count;
    use tantivy::schema::{Schema, TextFieldIndexing, TextOptions};
    use tantivy::{Index, IndexWriter, TantivyDocument};

    use super::*;

    /// The forms in document `doc` of the synthetic index: `governed`
    /// (the typed form) every third, `governs` twice every fifth,
    /// `government` every 1,000th and in a run near the end, `gov`
    /// (another stem) every second.
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
        forms
    }

    #[test]
    fn the_windowed_union_reads_every_inflection_once_in_order() {
        const DOCS: u32 = 10_000;
        let mut builder = Schema::builder();
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(analysis::FOLDED)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let field = builder.add_text_field(
            "text",
            TextOptions::default().set_indexing_options(indexing),
        );
        let index = Index::create_in_ram(builder.build());
        analysis::register(&index);
        let mut writer: IndexWriter<TantivyDocument> =
            index.writer_with_num_threads(1, 15_000_000).unwrap();
        for doc in 0..DOCS {
            let mut document = TantivyDocument::new();
            document.add_text(field, format!("filler {}", forms(doc).join(" ")));
            writer.add_document(document).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let segment = &searcher.segment_readers()[0];
        let query = InflectionQuery::new(
            field,
            "govern".to_string(),
            Some("governed".to_string()),
            10.0,
        );
        let expected = |doc: u32| {
            let found = forms(doc);
            let frequency = found
                .iter()
                .filter(|form| form.starts_with("govern"))
                .count() as u32;
            (frequency > 0).then_some((frequency, found.contains(&"governed")))
        };

        // Every document in order, with its summed frequency and typed form.
        let inflection_weight = InflectionWeight {
            field,
            stem: "govern".to_string(),
            found: Inflections::find(&searcher, field, "govern").unwrap(),
            exact: None,
            bm25: None,
            exact_bonus: 0.0,
        };
        assert_eq!(
            inflection_weight.found.words,
            ["governed", "government", "governs"]
        );
        let mut scorer = inflection_weight.inflection_scorer(segment, 1.0).unwrap();
        let mut seen = Vec::new();
        while scorer.doc() != TERMINATED {
            seen.push(scorer.doc());
            scorer.advance();
        }
        let all: Vec<u32> = (0..DOCS).filter(|&doc| expected(doc).is_some()).collect();
        assert_eq!(seen, all);
        assert_eq!(searcher.search(&query, &Count).unwrap(), all.len());

        // Seeking, within a window and past several, lands where a scan would.
        let scored = InflectionWeight {
            exact: Some(0),
            bm25: Some(Bm25Weight::for_one_term(1, u64::from(DOCS), 2.0)),
            ..inflection_weight
        };
        let mut scorer = scored.inflection_scorer(segment, 1.0).unwrap();
        for target in [
            1, 2, 4, 5, 700, 2_047, 2_048, 2_049, 6_000, 8_999, 9_004, 9_999,
        ] {
            let landed = scorer.seek(target);
            let next = all.iter().copied().find(|&doc| doc >= target);
            assert_eq!(landed, next.unwrap_or(TERMINATED), "seek({target})");
            assert_eq!(Some(scorer.frequency()), expected(landed), "doc {landed}");
        }
        assert_eq!(scorer.seek(DOCS), TERMINATED);
    }

    #[test]
    fn candidate_prefixes_cover_the_stemmer_s_spelling_changes() {
        for word in [
            "happy",
            "happiness",
            "happily",
            "cries",
            "crying",
            "dying",
            "lies",
            "running",
            "agreed",
            "gently",
            "studies",
            "governments",
            "bogota",
        ] {
            let stem = analysis::stem(word);
            assert!(
                candidate_prefixes(&stem)
                    .iter()
                    .any(|prefix| word.starts_with(prefix.as_str())),
                "{word} (stem {stem}) lies outside {:?}",
                candidate_prefixes(&stem)
            );
        }
    }
}
