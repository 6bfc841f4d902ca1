//! Facets (`--facets`): how many matching passages each source, each
//! publication year, each language, each publication, each file format
//! and each author holds.

use std::collections::BTreeMap;
use std::path::Path;

use crate::ingest::Format;
use crate::results::{FacetCount, Facets};
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
        publications: most_first(publications),
        formats: most_first(formats),
        authors: most_first(authors),
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
    }
}

/// Counts as facets, most first, ties by value.
pub fn most_first(counts: BTreeMap<&str, u64>) -> Vec<FacetCount> {
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
