//! Facets (`--facets`): how many matching passages each source, each
//! publication year, each language, each publication, each file format
//! and each author holds.

use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crate::analysis::Folding;
use crate::ingest::Format;
use crate::results::{FacetCount, FacetValues, Facets};
use crate::schema::FacetTally;

/// Facets from each segment's tally of its matches: counts per source,
/// language, publication, format and author (most first, ties by value) and per
/// publication year (oldest first), and how many are undated. A format is
/// the file's, as [`Format::of`] names it from the path: the query
/// language's `format:` filter reads it the same way.
pub fn facets<'a>(tallies: impl IntoIterator<Item = FacetTally<'a>>) -> Facets {
    let mut sources: BTreeMap<&str, u64> = BTreeMap::new();
    let mut languages: BTreeMap<&str, u64> = BTreeMap::new();
    let mut publications: BTreeMap<&str, u64> = BTreeMap::new();
    let mut authors: BTreeMap<&str, u64> = BTreeMap::new();
    let mut years: BTreeMap<i32, u64> = BTreeMap::new();
    let mut undated = 0;
    for tally in tallies {
        for (source, count) in tally.sources {
            *sources.entry(source).or_insert(0) += count;
        }
        for (language, count) in tally.languages {
            *languages.entry(language.code()).or_insert(0) += count;
        }
        for (publication, count) in tally.publications {
            *publications.entry(publication).or_insert(0) += count;
        }
        for (author, count) in tally.authors {
            *authors.entry(author).or_insert(0) += count;
        }
        for (year, count) in tally.years {
            *years.entry(year).or_insert(0) += count;
        }
        undated += tally.undated;
    }
    // Per source first, so each path's format is worked out once.
    let mut formats: BTreeMap<&str, u64> = BTreeMap::new();
    for (source, count) in &sources {
        if let Some(format) = Format::of(Path::new(source)) {
            *formats.entry(format.name()).or_insert(0) += count;
        }
    }
    Facets {
        publications: by_folded_name(publications),
        formats: most_first(formats),
        authors: by_folded_name(authors),
        sources: most_first(sources),
        languages: most_first(languages),
        years: years
            .into_iter()
            .map(|(year, count)| FacetCount {
                value: format!("{year:04}"),
                count,
            })
            .collect(),
        undated,
        values: FacetValues::default(),
    }
}

/// `facets` as a search lists them: each facet's number of values in
/// [`Facets::values`], and at most `limit` values of each ordered most
/// frequent first ([`crate::SearchRequest::facet_limit`]). Years stay
/// whole: one per year at most, in order, as a timeline wants them.
pub fn listed(mut facets: Facets, limit: Option<usize>) -> Facets {
    let count = |values: &[FacetCount]| values.len() as u64;
    facets.values = FacetValues {
        sources: count(&facets.sources),
        languages: count(&facets.languages),
        years: count(&facets.years),
        publications: count(&facets.publications),
        formats: count(&facets.formats),
        authors: count(&facets.authors),
    };
    if let Some(limit) = limit {
        for values in [
            &mut facets.sources,
            &mut facets.languages,
            &mut facets.publications,
            &mut facets.formats,
            &mut facets.authors,
        ] {
            values.truncate(limit);
        }
    }
    facets
}

/// Counts of names (publications, authors) as facets, most first, names
/// taken together as the whole-name filters (`--publication`, `--author`)
/// take them: by their folded words, so that case, accents and punctuation
/// do not part them (`María Pérez <maria@example.org>` and `MARIA PEREZ
/// <MARIA@EXAMPLE.ORG>`). Each is listed under one of its spellings
/// ([`preference`]), a choice that does not depend on the counts, so that
/// shards' facets merged this way again list what one index lists. Given
/// to its filter, each value keeps as many passages as it counts. A name
/// of no word (`---`) names no one (the filters refuse it or keep
/// nothing): it is not listed.
pub fn by_folded_name<'a>(counts: impl IntoIterator<Item = (&'a str, u64)>) -> Vec<FacetCount> {
    let mut folding = Folding::default();
    let mut merged: HashMap<Vec<String>, (&str, u64)> = HashMap::new();
    for (name, count) in counts {
        let words = folding.words(name);
        if words.is_empty() {
            continue;
        }
        let entry = merged.entry(words).or_insert((name, 0));
        if preference(name) < preference(entry.0) {
            entry.0 = name;
        }
        entry.1 += count;
    }
    most_first(merged.into_values())
}

/// Which of a name's spellings a facet lists: the least. One with small
/// letters over one in capitals (in a mail sender's name, not its address,
/// which is small whoever wrote the name), then one with more of its
/// accents written (`María Pérez` over `Maria Perez`, `İstanbul` over
/// `istanbul`), then the shortest (no doubled space nor trailing full
/// stop), then the first in byte order (`John Smith` over `john smith`).
fn preference(name: &str) -> (bool, Reverse<usize>, usize, &str) {
    let written = name.split(" <").next().unwrap_or(name);
    let accented = name
        .chars()
        .filter(|c| !c.is_ascii() && c.is_alphabetic())
        .count();
    (
        !written.chars().any(char::is_lowercase),
        Reverse(accented),
        name.chars().count(),
        name,
    )
}

/// Counts as facets, most first, ties by value.
pub fn most_first<'a>(counts: impl IntoIterator<Item = (&'a str, u64)>) -> Vec<FacetCount> {
    let mut facets: Vec<FacetCount> = counts
        .into_iter()
        .map(|(value, count)| FacetCount {
            value: value.to_string(),
            count,
        })
        .collect();
    facets.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    facets
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_counted_together_as_their_filter_takes_them() {
        let facets = by_folded_name([
            ("MARIA PEREZ <MARIA@EXAMPLE.ORG>", 1),
            ("MARÍA PÉREZ <maria@example.org>", 1),
            ("maría pérez <maria@example.org>", 1),
            ("Maria Perez <maria@example.org>", 1),
            ("María Pérez <maria@example.org>", 1),
            ("Ana Pérez-Smith", 1),
            ("ANA PEREZ SMITH", 3),
            ("Ana  Pérez-Smith.", 1),
            ("---", 5),
            ("John", 4),
        ]);
        let listed: Vec<(&str, u64)> = facets
            .iter()
            .map(|facet| (facet.value.as_str(), facet.count))
            .collect();
        assert_eq!(
            listed,
            [
                ("Ana Pérez-Smith", 5),
                ("María Pérez <maria@example.org>", 5),
                ("John", 4)
            ]
        );
        // Merging merged counts again (shards' facets) gives the same.
        let again = by_folded_name(listed.iter().copied());
        assert_eq!(again, facets);
    }
}
