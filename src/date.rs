//! Calendar dates as researchers write them (`YYYY-MM-DD`), and their
//! conversion to the engine's timestamps.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::Error;

/// A calendar date without time or zone: the publication date of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

impl Date {
    /// A date from its parts, or `None` if no such day exists (years 1..=9999).
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        let valid = (1..=9999).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month);
        valid.then_some(Date { year, month, day })
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month (1–12).
    pub fn month(self) -> u8 {
        self.month
    }

    /// Parses a lower bound: `2025`, `2025-09` or `2025-09-27`, the first day of the period.
    pub fn parse_start(text: &str) -> Result<Date, Error> {
        parse_period(text, false)
    }

    /// Parses an upper bound: `2025`, `2025-09` or `2025-09-27`, the last day of the period.
    pub fn parse_end(text: &str) -> Result<Date, Error> {
        parse_period(text, true)
    }

    /// Days since 1970-01-01 (negative before). This, not a timestamp, is
    /// what the index stores: tantivy's dates are i64 nanoseconds and end
    /// in 1677 and 2262, which historical archives pass.
    pub fn days(self) -> i64 {
        days_from_civil(self.year, self.month, self.day)
    }

    /// The date `days` after 1970-01-01, if it is within years 1..=9999.
    pub fn from_days(days: i64) -> Option<Date> {
        let (year, month, day) = civil_from_days(days);
        Date::new(year, month, day)
    }
}

impl FromStr for Date {
    type Err = Error;

    /// Parses exactly `YYYY-MM-DD`. A bound of `since` or `until` may be a
    /// year or a month too: [`Date::parse_start`] and [`Date::parse_end`]
    /// read those as the period's first and last day (the error, shared
    /// with them, names the three forms they take).
    fn from_str(text: &str) -> Result<Date, Error> {
        parse_period(text, false).and_then(|date| {
            if text.trim().len() == 10 {
                Ok(date)
            } else {
                Err(invalid(text))
            }
        })
    }
}

/// Why `text`, written as a day (`YYYY-MM-DD`, maybe followed by a time),
/// names none: `1961-02 has 28 days`, `there is no month 13`, `years run
/// from 0001`; `None` when it is not written so, or is a day.
pub fn no_such_day(text: &str) -> Option<String> {
    let head = text.trim().get(..10)?;
    let parts: Vec<&str> = head.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    let (year, month, day) = (digits(y, 4)?, digits(m, 2)?, digits(d, 2)?);
    if year == 0 {
        return Some("years run from 0001".to_string());
    }
    if !(1..=12).contains(&month) {
        return Some(format!("there is no month {m}"));
    }
    let days = days_in_month(year, month as u8);
    (day == 0 || day > i32::from(days)).then(|| format!("{y}-{m} has {days} days"))
}

/// What an invalid `--since`/`--until` value lacks, for [`Error::Date`].
fn what_is_wrong(text: &str) -> String {
    no_such_day(text).map_or_else(
        || "expected YYYY-MM-DD (or YYYY-MM, or YYYY)".to_string(),
        |why| format!("no such day: {why}"),
    )
}

fn invalid(text: &str) -> Error {
    Error::Date {
        value: text.to_string(),
        why: what_is_wrong(text),
    }
}

/// The value of a field of exactly `width` ASCII digits.
fn digits(field: &str, width: usize) -> Option<i32> {
    (field.len() == width && field.bytes().all(|b| b.is_ascii_digit()))
        .then(|| field.parse().ok())
        .flatten()
}

fn parse_period(text: &str, end: bool) -> Result<Date, Error> {
    let parts: Vec<&str> = text.trim().split('-').collect();
    let date = match parts.as_slice() {
        [y] => digits(y, 4).and_then(|year| {
            if end {
                Date::new(year, 12, 31)
            } else {
                Date::new(year, 1, 1)
            }
        }),
        [y, m] => match (digits(y, 4), digits(m, 2)) {
            (Some(year), Some(month)) if (1..=12).contains(&month) => {
                let month = month as u8;
                Date::new(
                    year,
                    month,
                    if end { days_in_month(year, month) } else { 1 },
                )
            }
            _ => None,
        },
        [y, m, d] => match (digits(y, 4), digits(m, 2), digits(d, 2)) {
            (Some(year), Some(month), Some(day)) => Date::new(year, month as u8, day as u8),
            _ => None,
        },
        _ => None,
    };
    date.ok_or_else(|| invalid(text))
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

// Howard Hinnant's days_from_civil / civil_from_days: exact for the proleptic
// Gregorian calendar, no table, no dependency.
fn days_from_civil(year: i32, month: u8, day: u8) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i32, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    (year, month, day)
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A date as it is serialized, `YYYY-MM-DD`.
impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_iso_dates() {
        let date: Date = "2025-09-27".parse().unwrap();
        assert_eq!(date.to_string(), "2025-09-27");
        assert_eq!(date.year(), 2025);
    }

    #[test]
    fn rejects_impossible_and_malformed_dates() {
        for bad in [
            "2025-02-29",
            "2025-13-01",
            "2025-9-27",
            "27/09/2025",
            "",
            "0000-01-01",
        ] {
            assert!(bad.parse::<Date>().is_err(), "{bad:?} should not parse");
        }
        assert!("2024-02-29".parse::<Date>().is_ok());
        // A day written right that does not exist says so.
        let said = |bad: &str| bad.parse::<Date>().unwrap_err().to_string();
        assert_eq!(
            said("2025-02-29"),
            "invalid date \"2025-02-29\": no such day: 2025-02 has 28 days"
        );
        assert!(said("2025-13-01").ends_with("no such day: there is no month 13"));
        assert!(said("0000-01-01").ends_with("no such day: years run from 0001"));
        assert!(said("2025-9-27").ends_with("expected YYYY-MM-DD (or YYYY-MM, or YYYY)"));
        assert_eq!(
            no_such_day("1962-04-31T10:00:00Z").as_deref(),
            Some("1962-04 has 30 days")
        );
        assert_eq!(no_such_day("1962-04-30"), None);
        assert_eq!(no_such_day("30/04/1962"), None);
    }

    #[test]
    fn periods_expand_to_their_first_and_last_day() {
        assert_eq!(Date::parse_start("2025").unwrap().to_string(), "2025-01-01");
        assert_eq!(Date::parse_end("2025").unwrap().to_string(), "2025-12-31");
        assert_eq!(
            Date::parse_end("2024-02").unwrap().to_string(),
            "2024-02-29"
        );
        assert_eq!(
            Date::parse_start("2024-02").unwrap().to_string(),
            "2024-02-01"
        );
        assert!(Date::parse_start("2024-13").is_err());
    }

    #[test]
    fn days_round_trip_across_the_whole_calendar() {
        for text in [
            "0001-01-01",
            "1500-05-01",
            "1964-05-27",
            "1970-01-01",
            "2000-02-29",
            "2300-01-01",
            "9999-12-31",
        ] {
            let date: Date = text.parse().unwrap();
            assert_eq!(Date::from_days(date.days()), Some(date));
        }
        assert_eq!("1970-01-02".parse::<Date>().unwrap().days(), 1);
        assert_eq!("1969-12-31".parse::<Date>().unwrap().days(), -1);
        assert_eq!(Date::from_days(i64::from(i32::MAX)), None);
    }
}
