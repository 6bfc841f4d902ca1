//! The types of cita's research workflows: sort orders, year ranges, groups,
//! facets, timelines and citations. [`Archive`](crate::Archive) fills them;
//! [`output`](crate::output) renders them.

use std::fmt;

use serde::Serialize;

use crate::archive::{Hit, IndexedPassage};
use crate::error::{Error, Result};

/// The cita version that produced a result, as recorded in JSON output.
pub const CITA_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The order of search hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Best first (the default).
    #[default]
    Relevance,
    /// Oldest publication date first; undated passages last.
    Date,
    /// Newest publication date first; undated passages last.
    DateDescending,
    /// By source path (A to Z), then by record of a feed.
    Source,
}

/// An inclusive range of years, as in `--mentions 1960..1969`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearRange {
    /// First year included.
    pub first: u16,
    /// Last year included.
    pub last: u16,
}

impl YearRange {
    /// Parses `1964`, `1960..1969` or `1960-1969`. Years are 1000–2099, the
    /// range cita records mentions for.
    pub fn parse(text: &str) -> Result<YearRange> {
        let invalid = || {
            Error::InvalidOption(format!(
                "invalid year range {text:?}: expected YEAR or FIRST..LAST, as in 1960..1969 (years 1000–2099)"
            ))
        };
        let year = |part: &str| {
            part.trim()
                .parse::<u16>()
                .ok()
                .filter(|y| (1000..=2099).contains(y))
                .ok_or_else(invalid)
        };
        let (first, last) = match text.split_once("..").or_else(|| text.split_once('-')) {
            Some((first, last)) => (year(first)?, year(last)?),
            None => (year(text)?, year(text)?),
        };
        if first > last {
            return Err(Error::InvalidOption(format!(
                "the year range {text:?} ends before it starts"
            )));
        }
        Ok(YearRange { first, last })
    }
}

/// Passages of one document among a search's hits (`--group`).
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    /// 1-based rank of the group, by its best passage.
    pub rank: usize,
    /// The document's source path.
    pub source: String,
    /// The record within a JSON feed, if the document is one.
    pub record: Option<u64>,
    /// The document's title.
    pub title: String,
    /// How many of the document's passages match.
    pub passages: usize,
    /// Every matching passage of the document, best (or first in sort order) first.
    pub hits: Vec<Hit>,
}

/// One value of a facet and how many matching passages have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetCount {
    /// The source path, or the year.
    pub value: String,
    /// Matching passages with that value.
    pub count: u64,
}

/// Counts of all matching passages per source and per publication year (`--facets`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Facets {
    /// Per source path, most passages first (ties by path).
    pub sources: Vec<FacetCount>,
    /// Per publication year, oldest first.
    pub years: Vec<FacetCount>,
    /// Matching passages whose document has no date.
    pub undated: u64,
}

/// How many passages and documents match a query (`--count`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Matching passages.
    pub passages: u64,
    /// Documents (files, or records of a feed) with at least one matching passage.
    pub documents: u64,
}

/// The period a timeline counts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Period {
    /// Calendar years.
    #[default]
    Year,
    /// Calendar months (publication dates only).
    Month,
}

/// One row of a timeline: a period (and a source, with `by_source`) and its count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineRow {
    /// `YYYY` or `YYYY-MM`.
    pub period: String,
    /// The source path, when counting by source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Matching passages in the period (and source).
    pub count: u64,
}

/// Matching passages counted per period: what `cita timeline` prints.
#[derive(Debug, Clone, Serialize)]
pub struct Timeline {
    /// The query as given.
    pub query: String,
    /// What is counted: `"published"` (publication dates) or `"mentioned"` (years the passages mention).
    pub axis: &'static str,
    /// Matching passages in all.
    pub total: u64,
    /// Matching passages left out for lack of a date (or of a mentioned year).
    pub undated: u64,
    /// Rows in period order (then source order). Without `by_source`,
    /// periods between the first and the last with no match have a row with 0.
    pub rows: Vec<TimelineRow>,
    /// The cita version.
    pub cita_version: &'static str,
    /// The index fingerprint (see [`SearchResults`](crate::SearchResults)).
    pub index_fingerprint: String,
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Period::Year => "year",
            Period::Month => "month",
        })
    }
}

impl IndexedPassage {
    /// A ready-to-paste citation of the passage: title, publication, date,
    /// URL, section and paragraph, each when known, and the passage id that
    /// `cita show` resolves.
    ///
    /// `“Title.” Publication, 2025-09-27. https://…. § Section, ¶ 12. cita:0123456789abcdef`
    pub fn citation(&self) -> String {
        let mut out = format!("“{}.”", self.title.trim_end_matches('.'));
        let mut published = Vec::new();
        if let Some(publication) = &self.publication {
            published.push(publication.clone());
        }
        if let Some(date) = self.date {
            // A date inferred from the text is a guess; a citation says so.
            match self.date_origin {
                Some(crate::ingest::DateOrigin::Text) => {
                    published.push(format!("{date} (date inferred from the text)"))
                }
                _ => published.push(date.to_string()),
            }
        }
        if !published.is_empty() {
            out.push_str(&format!(" {}.", published.join(", ")));
        }
        if let Some(url) = &self.url {
            out.push_str(&format!(" {url}."));
        }
        let mut place = Vec::new();
        if let Some(record) = self.record {
            place.push(format!("record {record}"));
        }
        if let Some(page) = self.page {
            place.push(format!("p. {page}"));
        }
        if let Some(section) = &self.section {
            place.push(format!("§ {section}"));
        }
        place.push(format!("¶ {}", self.paragraph));
        out.push_str(&format!(" {}.", place.join(", ")));
        out.push_str(&format!(" cita:{}", self.id));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_ranges_parse_single_years_and_ranges() {
        assert_eq!(
            YearRange::parse("1960..1969").unwrap(),
            YearRange {
                first: 1960,
                last: 1969
            }
        );
        assert_eq!(YearRange::parse("1964").unwrap().first, 1964);
        assert_eq!(YearRange::parse("1960-1969").unwrap().last, 1969);
        assert!(YearRange::parse("1969..1960").is_err());
        assert!(YearRange::parse("sixties").is_err());
        assert!(YearRange::parse("999..1000").is_err());
    }
}
