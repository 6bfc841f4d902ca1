//! Timelines (`cita timeline`): matching passages counted per year or
//! month of publication, or per year they mention.

use std::collections::{BTreeMap, HashMap};

use crate::date::Date;
use crate::error::{Error, Result};
use crate::results::{Period, TimelineRow, YearRange};

/// How a timeline counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimelineAxis {
    /// Years or months.
    pub by: Period,
    /// One row per period and source, instead of per period.
    pub by_source: bool,
    /// Count the years passages mention instead of their publication dates.
    pub mentioned: bool,
}

impl TimelineAxis {
    /// Refuses what cannot be counted: mentioned dates are years.
    pub fn check(&self) -> Result<()> {
        if self.mentioned && self.by == Period::Month {
            return Err(Error::InvalidOption(
                "mentioned dates are years: count them by year (`--by year`, `by=year` over HTTP, `by=\"year\"` in Python)".to_string(),
            ));
        }
        Ok(())
    }

    /// The number of the period holding `date`: its year, or months
    /// since year 0.
    fn period(&self, date: Date) -> i64 {
        match self.by {
            Period::Year => i64::from(date.year()),
            Period::Month => i64::from(date.year()) * 12 + i64::from(date.month()) - 1,
        }
    }

    /// What the timeline counts, as its JSON `axis` says.
    pub fn name(&self) -> &'static str {
        if self.mentioned {
            "mentioned"
        } else {
            "published"
        }
    }
}

/// What a timeline reads of a match: its publication day (days since
/// 1970), its source (read only when counting by source) and the years it
/// mentions (read only for the mentioned axis).
pub type TimelineKeys<'a> = (Option<i64>, Option<&'a str>, Vec<u16>);

/// The periods a timeline along `axis` spans whatever its matches: from
/// `since` and to `until` (publication dates) or within `mentions`
/// (mentioned years), each end that is given; so a script charting
/// `--since 1960 --until 1969` gets the same rows however its matches fall.
pub fn span(
    axis: TimelineAxis,
    since: Option<Date>,
    until: Option<Date>,
    mentions: Option<YearRange>,
) -> (Option<i64>, Option<i64>) {
    if axis.mentioned {
        return (
            mentions.map(|range| i64::from(range.first)),
            mentions.map(|range| i64::from(range.last)),
        );
    }
    (
        since.map(|date| axis.period(date)),
        until.map(|date| axis.period(date)),
    )
}

/// The rows of the timeline of `matches` along `axis` (only mentioned
/// years within `mentions`, when given), and how many matches have no
/// period. Without `by_source`, periods with no match between the first
/// and the last, or the ends of `span` where given, get a row with 0.
pub fn rows<'a>(
    matches: impl IntoIterator<Item = TimelineKeys<'a>>,
    axis: TimelineAxis,
    mentions: Option<YearRange>,
    span: (Option<i64>, Option<i64>),
) -> (Vec<TimelineRow>, u64) {
    // Hashed while counting (a stop word matches a third of the archive),
    // ordered once at the end.
    let mut counts: HashMap<(i64, Option<&str>), u64> = HashMap::new();
    let mut undated = 0;
    for (date, source, mentioned) in matches {
        let source = source.filter(|_| axis.by_source);
        let mut dated = false;
        if axis.mentioned {
            for &year in &mentioned {
                if mentions.is_none_or(|r| (r.first..=r.last).contains(&year)) {
                    dated = true;
                    *counts.entry((i64::from(year), source)).or_insert(0) += 1;
                }
            }
        } else if let Some(date) = date.and_then(Date::from_days) {
            dated = true;
            *counts.entry((axis.period(date), source)).or_insert(0) += 1;
        }
        if !dated {
            undated += 1;
        }
    }
    let mut counts: BTreeMap<_, _> = counts
        .into_iter()
        .map(|((period, source), count)| ((period, source.map(str::to_string)), count))
        .collect();
    let matched = (counts.keys().next(), counts.keys().next_back());
    let first = span.0.or(matched.0.map(|&(period, _)| period));
    let last = span.1.or(matched.1.map(|&(period, _)| period));
    // A span of centuries by month is no chart: its rows are the matches'.
    let charted = match (first, last) {
        (Some(first), Some(last)) => last - first < MAX_SPANNED_PERIODS,
        _ => true,
    };
    if !axis.by_source && charted {
        // Each end of the span a row, so that `labelled` fills between.
        for end in [span.0, span.1].into_iter().flatten() {
            counts.entry((end, None)).or_insert(0);
        }
    }
    (labelled(counts, axis), undated)
}

/// The most periods `--since`/`--until` spread a timeline's rows over (a
/// thousand years by month, ten thousand by year); a wider span gives the
/// rows from the first match to the last.
const MAX_SPANNED_PERIODS: i64 = 12_000;

/// Timeline rows from counts per period number (a year, or months since
/// year 0) and source: without `by_source`, periods between the first and
/// the last with no match get a row with 0.
pub fn labelled(
    mut counts: BTreeMap<(i64, Option<String>), u64>,
    axis: TimelineAxis,
) -> Vec<TimelineRow> {
    if !axis.by_source
        && let (Some(&(first, _)), Some(&(last, _))) =
            (counts.keys().next(), counts.keys().next_back())
    {
        for period in first..=last {
            counts.entry((period, None)).or_insert(0);
        }
    }
    let label = |period: i64| match axis.by {
        Period::Year => format!("{period:04}"),
        Period::Month => format!(
            "{:04}-{:02}",
            period.div_euclid(12),
            period.rem_euclid(12) + 1
        ),
    };
    counts
        .into_iter()
        .map(|((period, source), count)| TimelineRow {
            period: label(period),
            source,
            count,
        })
        .collect()
}

/// The period number of a row's label (`YYYY` or `YYYY-MM`), as
/// [`labelled`] numbers them.
pub fn period_of(label: &str) -> Option<i64> {
    match label.split_once('-') {
        None => label.parse().ok(),
        Some((year, month)) => {
            let (year, month): (i64, i64) = (year.parse().ok()?, month.parse().ok()?);
            Some(year * 12 + month - 1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_span_the_bounds_given_unless_they_span_millennia_by_month() {
        let axis = TimelineAxis {
            by: Period::Month,
            by_source: false,
            mentioned: false,
        };
        let day = |text: &str| text.parse::<Date>().unwrap().days();
        let matches = [(Some(day("2024-03-05")), None, Vec::new())];
        let bounds = |since: &str, until: &str| {
            span(
                axis,
                Date::parse_start(since).ok(),
                Date::parse_end(until).ok(),
                None,
            )
        };
        let (year, _) = rows(matches.clone(), axis, None, bounds("2024-01", "2024-12"));
        let periods: Vec<&str> = year.iter().map(|row| row.period.as_str()).collect();
        assert_eq!(periods.len(), 12);
        assert_eq!((periods[0], periods[11]), ("2024-01", "2024-12"));
        assert_eq!(year.iter().map(|row| row.count).sum::<u64>(), 1);
        let (millennia, _) = rows(matches, axis, None, bounds("0001", "9999"));
        assert_eq!(millennia.len(), 1);
    }
}
