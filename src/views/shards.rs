//! One answer from the answers of an archive's shards: the second step of
//! a search over shards (see [`crate::query::statistics`]). Each shard has
//! scored with the archive's figures and answered the first `offset +
//! limit` hits; merged in the order one index would give (scores, then
//! cita's tie order on sources and positions, never on document numbers),
//! with totals and facets summed, they are the answer one index of the
//! whole archive gives.

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::ranking::hit_order;
use crate::results::{FacetCount, Facets, SearchRequest, SearchResults};
use crate::views::facets::most_first;

/// The page `request` asks for, from `answers`: each shard's answer to
/// `request` with offset 0 and a limit of `offset + limit`, scored with the
/// archive's statistics. The fingerprint is the shards' joined by `+` in
/// the order given.
pub fn merge(request: &SearchRequest, answers: Vec<SearchResults>) -> Result<SearchResults> {
    if request.group {
        return Err(Error::InvalidOption(
            "grouping by document is not available over shards yet".to_string(),
        ));
    }
    let fingerprint = answers
        .iter()
        .map(|answer| answer.index_fingerprint.as_str())
        .collect::<Vec<_>>()
        .join("+");
    let total = answers.iter().map(|answer| answer.total).sum();
    let facets = request
        .facets
        .then(|| sum_facets(answers.iter().filter_map(|answer| answer.facets.as_ref())));
    let mut hits: Vec<_> = answers.into_iter().flat_map(|answer| answer.hits).collect();
    hits.sort_by(|a, b| hit_order(a, b, request.sort));
    let hits = hits
        .into_iter()
        .skip(request.offset)
        .take(request.limit)
        .enumerate()
        .map(|(at, mut hit)| {
            hit.rank = request.offset + at + 1;
            hit
        })
        .collect();
    Ok(SearchResults {
        query: request.query.clone(),
        total,
        hits,
        cita_version: crate::results::CITA_VERSION,
        index_fingerprint: fingerprint,
        groups: None,
        facets,
    })
}

/// Facets summed value by value, in the order each facet keeps.
fn sum_facets<'a>(all: impl Iterator<Item = &'a Facets>) -> Facets {
    let mut sources: BTreeMap<&str, u64> = BTreeMap::new();
    let mut languages: BTreeMap<&str, u64> = BTreeMap::new();
    let mut years: BTreeMap<(i64, &str), u64> = BTreeMap::new();
    let mut undated = 0;
    for facets in all {
        let add = |into: &mut BTreeMap<&'a str, u64>, counts: &'a [FacetCount]| {
            for facet in counts {
                *into.entry(&facet.value).or_default() += facet.count;
            }
        };
        add(&mut sources, &facets.sources);
        add(&mut languages, &facets.languages);
        for year in &facets.years {
            let number = year.value.parse().unwrap_or(i64::MAX);
            *years.entry((number, &year.value)).or_default() += year.count;
        }
        undated += facets.undated;
    }
    Facets {
        sources: most_first(sources),
        languages: most_first(languages),
        years: years
            .into_iter()
            .map(|((_, value), count)| FacetCount {
                value: value.to_string(),
                count,
            })
            .collect(),
        undated,
    }
}
