//! Facets (`--facets`): how many matching passages each source, each
//! publication year, each language, each publication and each file format
//! holds.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crate::date::Date;
use crate::ingest::Format;
use crate::results::{FacetCount, Facets};
use crate::schema::FacetKeys;

/// Counts of `matches` per source, language, publication and format (most
/// first, ties by value) and per publication year (oldest first), and how
/// many are undated. A format is the file's, as [`Format::of`] names it from
/// the path: the query language's `format:` filter reads it the same way.
pub fn facets<'a>(matches: impl IntoIterator<Item = FacetKeys<'a>>) -> Facets {
    // Hashed while counting (a stop word matches a third of the archive),
    // ordered once at the end.
    let mut sources: HashMap<&str, u64> = HashMap::new();
    let mut languages: HashMap<&str, u64> = HashMap::new();
    let mut publications: HashMap<&str, u64> = HashMap::new();
    let mut years: BTreeMap<i32, u64> = BTreeMap::new();
    let mut undated = 0;
    for m in matches {
        *sources.entry(m.source).or_insert(0) += 1;
        if let Some(language) = m.language {
            *languages.entry(language.code()).or_insert(0) += 1;
        }
        if let Some(publication) = m.publication {
            *publications.entry(publication).or_insert(0) += 1;
        }
        match m.date.and_then(Date::from_days) {
            Some(date) => *years.entry(date.year()).or_insert(0) += 1,
            None => undated += 1,
        }
    }
    // Per source first, so each path's format is worked out once.
    let mut formats: BTreeMap<&str, u64> = BTreeMap::new();
    for (source, count) in &sources {
        if let Some(format) = Format::of(Path::new(source)) {
            *formats.entry(format.name()).or_insert(0) += count;
        }
    }
    Facets {
        publications: most_first(publications.into_iter().collect()),
        formats: most_first(formats),
        sources: most_first(sources.into_iter().collect()),
        languages: most_first(languages.into_iter().collect()),
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
