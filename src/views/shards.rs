//! One answer from the answers of an archive's shards (see
//! [`crate::query::statistics`] for why their scores agree). A search over
//! shards runs in three steps: each shard gives its BM25 figures
//! ([`crate::Archive::statistics`]), summed; each shard scores with the
//! sums and gives its first `offset + limit` passages as keys
//! ([`crate::Archive::shard_answer`]), which [`page`] merges in the order
//! one index would give (scores, then cita's tie order on sources and
//! positions, never on document numbers), totals and facets summed; each
//! shard then reads and finishes only the passages of the page it holds
//! ([`crate::Archive::fetch`]), and [`assemble`] puts them in rank order.
//! Timelines, counts and sizes are sums ([`timeline`], [`stats`]).
//! A concordance ([`kwic()`]) merges the shards' first passages in
//! relevance order and cuts the lines where one index would.
//!
//! Collapsing copies ([`SearchRequest::collapse`]) is exact too. Each
//! shard collapses its own matches and answers with the first passage of
//! each of its first `offset + limit` copy keys, and every key it holds.
//! A key among the archive's first `offset + limit` has its first passage
//! in some shard, where no more keys come before it than in the archive:
//! that shard's answer holds it. So the shards' first passages, merged and
//! collapsed again by key, give the archive's page; the union of the keys
//! counts `distinct`. Partial matches are collapsed the same way among
//! themselves (a shard's room for them is at least the archive's). Every
//! shard then lists its copies of the page's passages
//! ([`crate::Archive::copies`]), which [`add_copies`] merges.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::highlight::Span;
use crate::query;
use crate::ranking::{OrderKey, by_partial_rank, in_order};
use crate::results::{
    CITA_VERSION, Candidate, FacetCount, FacetValues, Facets, Group, Hit, Period, Pick,
    SearchRequest, SearchResults, ShardAnswer, Sort, Stats, Timeline,
};
use crate::views::collapse::{Copies, Shown};
use crate::views::facets::{by_folded_name, listed, most_first};
use crate::views::group;
use crate::views::kwic::{self, Concordance, ContextSort, ShardKwic};
use crate::views::timeline::{self, TimelineAxis};

/// The page of a search over shards, before its passages are read.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// Matches in all the shards.
    pub total: u64,
    /// Per shard (in the order of the answers), the passages of the page it holds.
    pub picks: Vec<Vec<Pick>>,
    /// The facets summed, when asked for.
    pub facets: Option<Facets>,
    /// The shards' fingerprints joined by `+`, in the order of the answers.
    pub index_fingerprint: String,
    /// Partial matches in all the shards, when the full ones left room on
    /// the page (each shard then looked for them).
    pub partial_total: Option<u64>,
    /// With [`SearchRequest::collapse`]: the distinct matches in all.
    pub distinct: Option<u64>,
    /// With [`SearchRequest::collapse`]: the page's passages, in rank
    /// order, whose copies every shard is to list.
    pub shown: Vec<Shown>,
    /// Their copies, in the same order, once [`add_copies`] merged them.
    pub copies: Vec<Copies>,
    /// With [`SearchRequest::group`]: the documents matching in all the shards.
    pub documents: Option<u64>,
    /// With [`SearchRequest::group`]: every match of the page's documents,
    /// a document after another in the order of their best match, which
    /// every shard places among its matches ([`crate::Archive::preceding`]).
    pub members: Vec<Candidate>,
    /// Their ranks among every match, in the same order, once
    /// [`add_ranks`] summed the shards' counts.
    pub ranks: Vec<usize>,
}

/// What orders a shard's candidate among every shard's, under every sort.
pub(crate) fn order_key(candidate: &Candidate) -> OrderKey<'_> {
    (
        candidate.date,
        (
            candidate.score,
            &candidate.source,
            candidate.record,
            candidate.entry.as_deref().unwrap_or_default(),
            candidate.paragraph,
            candidate.part,
        ),
    )
}

/// The page `request` asks for from the shards' `answers` to it.
pub fn page(request: &SearchRequest, answers: &[ShardAnswer]) -> Page {
    if request.group {
        return grouped_page(request, answers);
    }
    let mut all: Vec<(usize, &Candidate)> = answers
        .iter()
        .enumerate()
        .flat_map(|(shard, answer)| answer.candidates.iter().map(move |c| (shard, c)))
        .collect();
    let total: u64 = answers.iter().map(|answer| answer.total).sum();
    all.sort_by(|a, b| match (a.1.held, b.1.held) {
        (None, None) => in_order(request.sort, order_key(a.1), order_key(b.1)),
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(a_held), Some(b_held)) => {
            by_partial_rank((a_held, order_key(a.1).1), (b_held, order_key(b.1).1))
        }
    });
    let mut distinct = None;
    if request.collapse {
        // The first passage of each key, wherever it is, among full
        // matches and among partial ones.
        let mut seen = BTreeSet::new();
        all.retain(|(_, candidate)| {
            seen.insert((candidate.held.is_some(), candidate.key.unwrap_or_default()))
        });
        let keys: BTreeSet<u64> = answers
            .iter()
            .flat_map(|answer| answer.keys.iter().flatten().copied())
            .collect();
        distinct = Some(keys.len() as u64);
    }
    // Partial matches only when the full ones (each set of copies once)
    // leave room on the page.
    let full = distinct.unwrap_or(total);
    let wanted = request.offset.saturating_add(request.limit) as u64;
    all.retain(|(_, c)| c.held.is_none() || full < wanted);
    let mut picks = vec![Vec::new(); answers.len()];
    let mut shown = Vec::new();
    for (at, (shard, candidate)) in all
        .into_iter()
        .skip(request.offset)
        .take(request.limit)
        .enumerate()
    {
        let rank = request.offset + at + 1;
        picks[shard].push(Pick {
            id: candidate.id.clone(),
            rank,
            score: candidate.score,
            partial: candidate.held.is_some(),
        });
        if request.collapse {
            shown.push(Shown {
                key: candidate.key.unwrap_or_default(),
                id: candidate.id.clone(),
                rank,
                partial: candidate.held.is_some(),
            });
        }
    }
    Page {
        total,
        partial_total: (full < wanted)
            .then(|| answers.iter().filter_map(|a| a.partial_total).sum::<u64>())
            .filter(|_| answers.iter().any(|a| a.partial_total.is_some())),
        picks,
        facets: summed_facets(request, answers),
        index_fingerprint: joined(answers.iter().map(|a| a.index_fingerprint.as_str())),
        distinct,
        shown,
        copies: Vec::new(),
        documents: None,
        members: Vec::new(),
        ranks: Vec::new(),
    }
}

/// The page of a grouped search: the shards' candidates (every match of
/// each one's first documents) merged in order, the page's documents
/// taken in the order of their best match, and all their matches read
/// from the shards holding them. A document lives in one shard, so its
/// matches are all in that shard's answer.
fn grouped_page(request: &SearchRequest, answers: &[ShardAnswer]) -> Page {
    let mut all: Vec<(usize, &Candidate)> = answers
        .iter()
        .enumerate()
        .flat_map(|(shard, answer)| answer.candidates.iter().map(move |c| (shard, c)))
        .collect();
    all.sort_by(|a, b| in_order(request.sort, order_key(a.1), order_key(b.1)));
    let ranked = all.into_iter().enumerate().map(|(at, (shard, candidate))| {
        let document = (&candidate.source, candidate.record, &candidate.entry);
        (at + 1, document, (shard, candidate))
    });
    let (groups, _) =
        group::group(ranked, request.offset, request.limit, |_, m| Ok(m)).unwrap_or_default();
    let mut picks = vec![Vec::new(); answers.len()];
    let mut members = Vec::new();
    for (shard, candidate) in groups.into_iter().flatten() {
        picks[shard].push(Pick {
            id: candidate.id.clone(),
            // Known once every shard placed it (`add_ranks`).
            rank: 0,
            score: candidate.score,
            partial: false,
        });
        members.push(candidate.clone());
    }
    Page {
        total: answers.iter().map(|answer| answer.total).sum(),
        picks,
        facets: summed_facets(request, answers),
        index_fingerprint: joined(answers.iter().map(|a| a.index_fingerprint.as_str())),
        partial_total: None,
        distinct: None,
        shown: Vec::new(),
        copies: Vec::new(),
        documents: Some(answers.iter().filter_map(|a| a.documents).sum()),
        members,
        ranks: Vec::new(),
    }
}

/// Sets the ranks of a grouped `page`'s members from the counts each
/// shard gave of its matches before each of them
/// ([`crate::Archive::preceding`], one list per shard, each in the order
/// of [`Page::members`]).
pub fn add_ranks(page: &mut Page, parts: Vec<Vec<u64>>) -> Result<()> {
    let mut before = vec![0u64; page.members.len()];
    for part in parts {
        if part.len() != page.members.len() {
            return Err(Error::InvalidOption(format!(
                "a shard placed {} of the page's {} passages",
                part.len(),
                page.members.len()
            )));
        }
        for (sum, count) in before.iter_mut().zip(part) {
            *sum += count;
        }
    }
    page.ranks = before.into_iter().map(|count| count as usize + 1).collect();
    Ok(())
}

/// Merges into `page` the copies of its shown passages that each shard
/// listed ([`crate::Archive::copies`], one list per shard, each in the
/// order of [`Page::shown`]).
pub fn add_copies(page: &mut Page, parts: Vec<Vec<Copies>>) -> Result<()> {
    // By position, not key: a set of copies may be shown twice, as a full
    // hit and as a partial one (copies in other languages hold other
    // terms), each with its own copies.
    let mut by_shown: Vec<Vec<Copies>> = vec![Vec::new(); page.shown.len()];
    for part in parts {
        if part.len() != page.shown.len() {
            return Err(Error::InvalidOption(format!(
                "a shard listed the copies of {} of the page's {} passages",
                part.len(),
                page.shown.len()
            )));
        }
        for (copies, merged) in part.into_iter().zip(&mut by_shown) {
            merged.push(copies);
        }
    }
    page.copies = page
        .shown
        .iter()
        .zip(by_shown)
        .map(|(shown, parts)| Copies::merge(shown.key, parts))
        .collect();
    Ok(())
}

/// The results of `request` from its `page` and the hits the shards read
/// for it (in any order).
pub fn assemble(request: &SearchRequest, page: Page, hits: Vec<Hit>) -> Result<SearchResults> {
    let picked: usize = page.picks.iter().map(Vec::len).sum();
    if hits.len() != picked {
        return Err(Error::InvalidOption(format!(
            "the shards read {} of the page's {picked} passages",
            hits.len()
        )));
    }
    let mut hits = hits;
    let mut groups = None;
    if request.group {
        groups = Some(grouped(request, &page, &mut hits)?);
    } else {
        hits.sort_by_key(|hit| hit.rank);
        for (hit, copies) in hits.iter_mut().zip(page.copies) {
            copies.list_on(hit);
        }
    }
    Ok(SearchResults {
        documents: page.documents,
        query: request.query.clone(),
        total: page.total,
        distinct: page.distinct,
        hits,
        cita_version: CITA_VERSION,
        index_fingerprint: page.index_fingerprint,
        groups,
        facets: page.facets,
        partial_total: page.partial_total,
    })
}

/// The groups of a grouped `page` from its members' `hits` (in any order),
/// ranked as [`add_ranks`] ranked them; `hits` becomes each group's best,
/// as one index lists them.
fn grouped(request: &SearchRequest, page: &Page, hits: &mut Vec<Hit>) -> Result<Vec<Group>> {
    if page.ranks.len() != page.members.len() {
        return Err(Error::InvalidOption(format!(
            "{} of the page's {} passages were placed",
            page.ranks.len(),
            page.members.len()
        )));
    }
    let place: HashMap<&str, usize> = (page.members.iter().enumerate())
        .map(|(at, member)| (member.id.as_str(), at))
        .collect();
    let mut placed = Vec::with_capacity(hits.len());
    for mut hit in std::mem::take(hits) {
        let at = *place.get(hit.passage.id.as_str()).ok_or_else(|| {
            Error::InvalidOption(format!(
                "a shard read passage {}, not of the page",
                hit.passage.id
            ))
        })?;
        hit.rank = page.ranks[at];
        placed.push((at, hit));
    }
    placed.sort_by_key(|(at, _)| *at);
    // The members are a document after another: each run is a group.
    let mut groups: Vec<Vec<Hit>> = Vec::new();
    for (_, hit) in placed {
        let same = |other: &Hit| {
            let (a, b) = (&other.passage, &hit.passage);
            (&a.source, a.record, &a.entry) == (&b.source, b.record, &b.entry)
        };
        match groups.last_mut() {
            Some(group) if group.first().is_some_and(same) => group.push(hit),
            _ => groups.push(vec![hit]),
        }
    }
    let groups: Vec<Group> = (groups.into_iter().enumerate())
        .filter_map(|(at, hits)| group::document_group(request.offset + at + 1, hits))
        .collect();
    *hits = groups
        .iter()
        .filter_map(|g| g.hits.first().cloned())
        .collect();
    Ok(groups)
}

/// The concordance of `request`'s query over an archive from its shards'
/// parts ([`crate::Archive::shard_kwic`] with the same `max_lines`), as
/// [`crate::Archive::kwic_lines`] gives it on one index: `width` columns
/// of context, in `sort` order.
pub fn kwic(
    request: &SearchRequest,
    width: usize,
    sort: ContextSort,
    max_lines: usize,
    parts: Vec<ShardKwic>,
) -> Result<Concordance> {
    kwic::check_width(width)?;
    let passages = parts.iter().map(|part| part.passages).sum();
    let index_fingerprint = joined(parts.iter().map(|part| part.index_fingerprint.as_str()));
    let mut all: Vec<(Candidate, Hit, Vec<Span>)> =
        parts.into_iter().flat_map(|part| part.found).collect();
    all.sort_by(|a, b| in_order(Sort::Relevance, order_key(&a.0), order_key(&b.0)));
    let read = all.into_iter().map(|(_, hit, spans)| Ok((hit, spans)));
    let (found, truncated) = kwic::first_lines::<_, Error>(read, max_lines)?;
    let cut = (passages, truncated);
    Ok(kwic::concordance(
        &request.query,
        found,
        cut,
        width,
        sort,
        index_fingerprint,
    ))
}

/// Refuses, before any shard is asked, a request each shard would refuse,
/// with the error one index gives ([`query::check`], in one index's
/// order: a bad option before a malformed query).
pub fn check_request(request: &SearchRequest) -> Result<()> {
    query::check(request)
}

/// Refuses, before any shard is asked, a timeline each shard would
/// refuse, with the error one index gives, in [`crate::Archive::timeline`]'s
/// order: what the axis cannot count, then the request
/// ([`check_request`]).
pub fn check_timeline(
    request: &SearchRequest,
    by: Period,
    by_source: bool,
    mentioned: bool,
) -> Result<()> {
    let axis = TimelineAxis {
        by,
        by_source,
        mentioned,
    };
    axis.check()?;
    check_request(request)
}

/// The stats of an archive in the folder `index` from its shards' stats:
/// documents, passages and passages per language summed (a document
/// lives in one shard), listed as one index lists them; its size is the
/// bytes of the shards' folders; its last run is unfinished when any
/// shard's is.
pub fn stats(index: PathBuf, parts: &[Stats]) -> Stats {
    let mut languages = BTreeMap::<&str, u64>::new();
    for part in parts {
        for language in &part.languages {
            *languages.entry(&language.value).or_default() += language.count;
        }
    }
    Stats {
        index,
        documents: parts.iter().map(|part| part.documents).sum(),
        passages: parts.iter().map(|part| part.passages).sum(),
        size_bytes: parts.iter().map(|part| part.size_bytes).sum(),
        languages: most_first(languages),
        last_run_unfinished: parts.iter().any(|part| part.last_run_unfinished),
    }
}

/// The timeline of an archive from its shards' timelines, counted as
/// [`crate::Archive::timeline`] counts them with `by`, `by_source` and
/// `mentioned`.
pub fn timeline(
    query: &str,
    by: Period,
    by_source: bool,
    mentioned: bool,
    parts: &[Timeline],
) -> Timeline {
    let axis = TimelineAxis {
        by,
        by_source,
        mentioned,
    };
    let mut counts: BTreeMap<(i64, Option<String>), u64> = BTreeMap::new();
    for row in parts.iter().flat_map(|part| &part.rows) {
        if let Some(period) = timeline::period_of(&row.period) {
            *counts.entry((period, row.source.clone())).or_default() += row.count;
        }
    }
    Timeline {
        query: query.to_string(),
        axis: axis.name(),
        total: parts.iter().map(|part| part.total).sum(),
        undated: parts.iter().map(|part| part.undated).sum(),
        rows: timeline::labelled(counts, axis),
        cita_version: CITA_VERSION,
        index_fingerprint: joined(parts.iter().map(|part| part.index_fingerprint.as_str())),
    }
}

fn joined<'a>(fingerprints: impl Iterator<Item = &'a str>) -> String {
    fingerprints.collect::<Vec<_>>().join("+")
}

/// The shards' facets summed, when asked for, and listed as
/// [`SearchRequest::facet_limit`] asks: the shards answer with every value
/// of each facet, so that the values listed are the archive's most
/// frequent and counted exactly.
fn summed_facets(request: &SearchRequest, answers: &[ShardAnswer]) -> Option<Facets> {
    request.facets.then(|| {
        let summed = sum_facets(answers.iter().filter_map(|a| a.facets.as_ref()));
        listed(summed, request.facet_limit)
    })
}

/// Facets summed value by value, in the order each facet keeps.
fn sum_facets<'a>(all: impl Iterator<Item = &'a Facets>) -> Facets {
    let mut sources: BTreeMap<&str, u64> = BTreeMap::new();
    let mut languages: BTreeMap<&str, u64> = BTreeMap::new();
    let mut publications: BTreeMap<&str, u64> = BTreeMap::new();
    let mut formats: BTreeMap<&str, u64> = BTreeMap::new();
    let mut authors: BTreeMap<&str, u64> = BTreeMap::new();
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
        add(&mut publications, &facets.publications);
        add(&mut formats, &facets.formats);
        add(&mut authors, &facets.authors);
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
        publications: by_folded_name(publications),
        formats: most_first(formats),
        authors: by_folded_name(authors),
        values: FacetValues::default(),
    }
}
