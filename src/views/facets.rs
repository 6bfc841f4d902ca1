//! Facets (`--facets`): how many matching passages each source, each
//! publication year and each language holds.

use std::collections::BTreeMap;

use crate::date::Date;
use crate::ranking::Match;
use crate::results::{FacetCount, Facets};

/// Counts of `matches` per source and per language (most first, ties by
/// path or code) and per publication year (oldest first), and how many are
/// undated.
pub fn facets(matches: &[Match]) -> Facets {
    let mut sources: BTreeMap<&str, u64> = BTreeMap::new();
    let mut languages: BTreeMap<&str, u64> = BTreeMap::new();
    let mut years: BTreeMap<i32, u64> = BTreeMap::new();
    let mut undated = 0;
    for m in matches {
        *sources.entry(&m.keys.source).or_insert(0) += 1;
        if let Some(language) = m.keys.language {
            *languages.entry(language.code()).or_insert(0) += 1;
        }
        match m.keys.date.and_then(Date::from_days) {
            Some(date) => *years.entry(date.year()).or_insert(0) += 1,
            None => undated += 1,
        }
    }
    Facets {
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
