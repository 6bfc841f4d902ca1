//! Partial matches: when too few passages hold every word of a query, the
//! passages holding most of them, each knowing which words it lacks.
//!
//! Only a query whose top level is an AND of two or more terms searched in
//! the text (words, phrases, prefixes, OR groups; a group ANDed in counts
//! as its terms) has partial matches. Its field terms (`title:`,
//! `section:`, `lang:`, `source:`…, alone or in a group of their own),
//! dates and exclusions still apply in full; only the text terms may be
//! missing, and at most half of them: `read csv` lets one word go,
//! `install packages cran` one, four words two.

use tantivy::query::{BooleanQuery, ConstScoreQuery, EnableScoring, Occur, Query, Scorer, Weight};
use tantivy::{DocAddress, Searcher};

use super::quantized::quantized;
use super::statistics::Statistics;
use super::substance::Substance;
use super::{Compiler, DateRange, InflectionMemo, Leaf, Node, Target, date_filter};
use crate::analysis::Folding;
use crate::error::Result;
use crate::schema::Fields;

/// The partial matches of a query.
pub struct Partial {
    /// Each text term of the query's AND, as written: what
    /// [`Lacking::missing`] names.
    pub labels: Vec<String>,
    /// Each term alone, to tell which a passage lacks.
    clauses: Vec<Box<dyn Query>>,
    /// The terms' matches where at least `required` match, scored by the
    /// BM25 of those they hold, with the filters and exclusions.
    pub scored: Box<dyn Query>,
}

/// Which terms of a query a passage holds: a bit per term, in query order.
/// Each term searches a word of the text (`searches_text`), and a query at
/// most [`super::MAX_WORDS`]: as many as there are bits.
pub type Held = u32;

/// How many terms a passage holding `held` holds.
pub fn count(held: Held) -> usize {
    held.count_ones() as usize
}

impl Partial {
    /// How many searched terms the query has: a passage holding all of
    /// them is a full match.
    pub fn terms(&self) -> usize {
        self.clauses.len()
    }

    /// Keeps only the passages `filter` also matches, as
    /// [`super::Compiled::restrict`] does to the full query.
    pub fn restrict(&mut self, filter: Box<dyn Query>) {
        let unrestricted = std::mem::replace(&mut self.scored, Box::new(tantivy::query::AllQuery));
        self.scored = Box::new(BooleanQuery::new(vec![
            (Occur::Must, unrestricted),
            (Occur::Must, Box::new(ConstScoreQuery::new(filter, 0.0))),
        ]));
    }

    /// The terms, as written, that a passage holding `held` lacks, in
    /// query order.
    pub fn missing(&self, held: Held) -> Vec<String> {
        self.labels
            .iter()
            .enumerate()
            .filter(|&(term, _)| held >> term & 1 == 0)
            .map(|(_, label)| label.clone())
            .collect()
    }

    /// What tells, in `searcher`, which terms a passage lacks.
    pub fn lacking<'a>(&'a self, searcher: &'a Searcher) -> Result<Lacking<'a>> {
        let terms = self
            .clauses
            .iter()
            .map(|clause| clause.weight(EnableScoring::disabled_from_searcher(searcher)))
            .collect::<tantivy::Result<_>>()?;
        Ok(Lacking {
            partial: self,
            searcher,
            terms,
        })
    }
}

/// Which terms of a query passages lack: each term's weight, built once
/// for every passage asked about (building a word's weight reads its
/// inflections from every segment's dictionary; once per passage and term
/// was a third of a search that filled its page with partial matches).
pub struct Lacking<'a> {
    partial: &'a Partial,
    searcher: &'a Searcher,
    terms: Vec<Box<dyn Weight>>,
}

impl Lacking<'_> {
    /// The terms the passage at `address` lacks, as written, in query order.
    pub fn missing(&self, address: DocAddress) -> Result<Vec<String>> {
        let held = self.held(&[address])?;
        Ok(self.partial.missing(held[0]))
    }

    /// Which terms each passage of `addresses` holds, in their order,
    /// which must be ascending: each term's matches are read forward once,
    /// from one scorer per segment.
    pub fn held(&self, addresses: &[DocAddress]) -> Result<Vec<Held>> {
        debug_assert!(addresses.is_sorted(), "addresses out of order");
        let mut held = Vec::with_capacity(addresses.len());
        let mut scorers: Vec<Box<dyn Scorer>> = Vec::new();
        let mut segment = None;
        for address in addresses {
            if segment != Some(address.segment_ord) {
                let reader = self.searcher.segment_reader(address.segment_ord);
                scorers = self
                    .terms
                    .iter()
                    .map(|weight| weight.scorer(reader, 1.0))
                    .collect::<tantivy::Result<_>>()?;
                segment = Some(address.segment_ord);
            }
            let mut bits = 0;
            for (term, scorer) in scorers.iter_mut().enumerate() {
                if super::matches(scorer.as_mut(), address.doc_id) {
                    bits |= 1 << term;
                }
            }
            held.push(bits);
        }
        Ok(held)
    }
}

/// `items` of an AND with the items of each AND among them in its place.
fn and_terms(items: &[Node]) -> Vec<&Node> {
    items
        .iter()
        .flat_map(|item| match item {
            Node::And(inner) => and_terms(inner),
            _ => vec![item],
        })
        .collect()
}

/// How many of `terms` searched terms a partial match must hold: half,
/// rounded up.
pub fn required(terms: usize) -> usize {
    terms.div_ceil(2)
}

/// The partial matches of `node`, or `None` when it is not an AND of two
/// or more searched terms; its words share their inflections through
/// `memo` with the full query of the same search.
pub fn compile(
    node: &Node,
    fields: &Fields,
    dates: DateRange,
    statistics: &Statistics,
    memo: &InflectionMemo,
) -> Result<Option<Partial>> {
    let Node::And(items) = node else {
        return Ok(None);
    };
    // A group ANDed in is its terms: `(read csv) format:text`, which the
    // search page writes for a facet, is `read csv format:text`.
    let items = and_terms(items);
    let mut compiler = Compiler::new(fields, statistics, memo);
    let mut folding = Folding::default();
    let mut labels = Vec::new();
    let mut clauses = Vec::new();
    let mut conditions: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for item in items {
        match item {
            Node::Not(inner) => {
                if let Some(query) = compiler.node(inner, true)? {
                    conditions.push((Occur::MustNot, query));
                }
            }
            // Every passage holds `*`: it is no term to lack.
            Node::All => {}
            // Field terms, alone or in a group of their own
            // (`(author:perez OR author:gomez)`), are conditions.
            _ if !searches_text(item, &mut folding) => {
                if let Some(query) = compiler.node(item, false)? {
                    conditions.push((Occur::Must, Box::new(ConstScoreQuery::new(query, 0.0))));
                }
            }
            _ => {
                if let Some(query) = compiler.node(item, false)? {
                    labels.push(written(item));
                    clauses.push(query);
                }
            }
        }
    }
    if clauses.len() < 2 || clauses.len() > Held::BITS as usize {
        return Ok(None);
    }
    // Scores nothing already, as every filter.
    if let Some(filter) = date_filter(fields.date, dates) {
        conditions.push((Occur::Must, filter));
    }
    let with_conditions = |terms: Vec<Box<dyn Query>>| -> Box<dyn Query> {
        let mut all: Vec<(Occur, Box<dyn Query>)> = terms
            .into_iter()
            .map(|term| (Occur::Should, quantized(term)))
            .collect();
        all.extend(
            conditions
                .iter()
                .map(|(occur, query)| (*occur, query.box_clone())),
        );
        Box::new(BooleanQuery::with_minimum_required_clauses(
            all,
            required(clauses.len()),
        ))
    };
    let scored = Box::new(Substance::new(
        with_conditions(clauses.iter().map(|c| c.box_clone()).collect()),
        fields.text,
    ));
    Ok(Some(Partial {
        labels,
        clauses,
        scored,
    }))
}

/// Whether an item of the top-level AND searches the passage text: a term
/// a partial match may lack. Otherwise (field terms, exclusions, `*`, alone
/// or in a group of their own) it is a condition that applies in full. A
/// group every passage satisfies (`(* OR table)`) searches nothing, nor
/// does a word of punctuation alone (`.`, which searches no word).
fn searches_text(node: &Node, folding: &mut Folding) -> bool {
    match node {
        Node::Leaf(Target::Text, leaf) => {
            let (Leaf::Word(text) | Leaf::Prefix(text) | Leaf::Phrase { text, .. }) = leaf;
            !folding.tokens(text).is_empty()
        }
        Node::Leaf(..) | Node::Not(_) | Node::All => false,
        Node::And(items) => items.iter().any(|item| searches_text(item, folding)),
        Node::Or(items) => {
            !items.iter().any(satisfied_by_all)
                && items.iter().any(|item| searches_text(item, folding))
        }
    }
}

/// Whether every passage satisfies `node`: `*`, or a group of it.
fn satisfied_by_all(node: &Node) -> bool {
    match node {
        Node::All => true,
        Node::Or(items) => items.iter().any(satisfied_by_all),
        Node::And(items) => !items.is_empty() && items.iter().all(satisfied_by_all),
        Node::Leaf(..) | Node::Not(_) => false,
    }
}

/// A searched term as the query wrote it (`title:cable`, `"Plan LAZO"`,
/// `(coca OR cocaína)`).
fn written(node: &Node) -> String {
    match node {
        Node::Leaf(target, leaf) => {
            let field = match target {
                Target::Text => "",
                Target::Title => "title:",
                Target::Section => "section:",
                Target::Source => "source:",
                Target::Publication => "publication:",
                Target::Author => "author:",
                Target::Entry => "entry:",
                Target::Language => "lang:",
                Target::Format => "format:",
            };
            let term = match leaf {
                Leaf::Word(word) => word.clone(),
                Leaf::Prefix(prefix) if prefix.contains(' ') => format!("\"{prefix}\"*"),
                Leaf::Prefix(prefix) => format!("{prefix}*"),
                Leaf::Phrase { text, slop: 0 } => format!("\"{text}\""),
                Leaf::Phrase { text, slop } => format!("\"{text}\"~{slop}"),
            };
            format!("{field}{term}")
        }
        Node::And(items) => format!(
            "({})",
            items.iter().map(written).collect::<Vec<_>>().join(" ")
        ),
        Node::Or(items) => format!(
            "({})",
            items.iter().map(written).collect::<Vec<_>>().join(" OR ")
        ),
        Node::Not(inner) => format!("-{}", written(inner)),
        Node::All => "*".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::parse;

    #[test]
    fn half_the_terms_rounded_up_must_match() {
        assert_eq!(
            [2, 3, 4, 5].map(required),
            [1, 2, 2, 3],
            "two words let one go, as do three; four let two go"
        );
    }

    #[test]
    fn terms_are_named_as_written() {
        let Node::And(items) =
            parse("title:cable \"Plan LAZO\" (coca OR cocaína) revok* -colombia").unwrap()
        else {
            panic!("an AND")
        };
        let names: Vec<String> = items.iter().map(written).collect();
        assert_eq!(
            names,
            [
                "title:cable",
                "\"Plan LAZO\"",
                "(coca OR cocaína)",
                "revok*",
                "-colombia"
            ]
        );
    }
}
