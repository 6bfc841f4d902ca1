//! JSON Lines feeds (`.jsonl`, `.ndjson`) and JSON files (`.json`: an array
//! of records, or one record): each record is a document. Text comes from
//! `text`, `body` or `content`; metadata from `title`, `date`/`published`,
//! `url` and `source` (the publication). A malformed line is reported with
//! its number and skipped; the rest of the file is indexed. An escaped
//! lone UTF-16 surrogate (`"\ud83d"`, half an emoji cut by a tool that
//! truncates by UTF-16 units) reads as U+FFFD: serde_json refuses it, and
//! with it a whole array.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::dates::parse_metadata_date;
use super::{Metadata, byline_name};

/// One record of a feed.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// JSON Lines: the 1-based line number; JSON: the 1-based position in the array.
    pub number: u64,
    /// The record's metadata fields.
    pub meta: Metadata,
    /// The record's text.
    pub text: String,
}

const TEXT_KEYS: &[&str] = &["text", "body", "content"];
const DATE_KEYS: &[&str] = &["date", "published", "published_at", "datePublished"];

/// At most this many records of a file are named in notes (warnings);
/// the rest are counted in one last note. A feed of ten million bad
/// records made ten million warnings, each kept in memory, printed and
/// recorded in the index's state file.
pub const MAX_NOTES: usize = 20;

/// Notes on the records of one file, at most [`MAX_NOTES`] of them and a
/// count of the rest: records skipped, and records kept with a value ignored.
struct Notes {
    notes: Vec<String>,
    more_skipped: u64,
    more_ignored: u64,
    unit: &'static str,
}

impl Notes {
    fn new(unit: &'static str) -> Notes {
        Notes {
            notes: Vec::new(),
            more_skipped: 0,
            more_ignored: 0,
            unit,
        }
    }

    /// `read`, the record numbered `number`, added to `records`; why it was
    /// skipped, or what of it was ignored, noted.
    fn keep(
        &mut self,
        number: u64,
        read: Result<(Record, Option<String>), String>,
        records: &mut Vec<Record>,
    ) {
        let unit = self.unit;
        let (note, more) = match read {
            Ok((record, None)) => return records.push(record),
            Ok((record, Some(ignored))) => {
                records.push(record);
                (
                    format!("{unit} {number}: {ignored}"),
                    &mut self.more_ignored,
                )
            }
            Err(problem) => (
                format!("{unit} {number}: {problem}, skipped"),
                &mut self.more_skipped,
            ),
        };
        if self.notes.len() < MAX_NOTES {
            self.notes.push(note);
        } else {
            *more += 1;
        }
    }

    fn finish(mut self) -> Vec<String> {
        if self.more_skipped > 0 {
            self.notes.push(format!(
                "{} more {}s skipped (malformed, or not a record with text)",
                self.more_skipped, self.unit
            ));
        }
        if self.more_ignored > 0 {
            self.notes.push(format!(
                "{} more {}s with a date cita does not read (ignored)",
                self.more_ignored, self.unit
            ));
        }
        self.notes
    }
}

/// The records of a JSON Lines text, and a note for each line that could
/// not be used (the first [`MAX_NOTES`], then a count); refused when no
/// line at all is JSON (not a feed, or one damaged whole), as a JSON file
/// that does not parse is.
pub fn lines(text: &str) -> Result<(Vec<Record>, Vec<String>), String> {
    let mut records = Vec::new();
    let mut notes = Notes::new("line");
    let (mut json_lines, mut first_error) = (0u64, None);
    for (index, line) in text.lines().enumerate() {
        let number = index as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Value>(&without_lone_surrogates(line)) {
            Ok(value) => {
                json_lines += 1;
                notes.keep(number, record(number, &value), &mut records);
            }
            Err(err) => {
                let error = format!("malformed JSON ({err})");
                notes.keep(number, Err(error.clone()), &mut records);
                first_error.get_or_insert(format!("line {number}: {error}"));
            }
        }
    }
    match first_error {
        Some(error) if json_lines == 0 => Err(format!("no line is JSON ({error})")),
        _ => Ok((records, notes.finish())),
    }
}

/// The records of a JSON document (an array of records, or one record).
/// An array is read an element at a time, never whole as a tree of values
/// (which cost 30 times the text for an array of numbers).
pub fn document(text: &str) -> Result<(Vec<Record>, Vec<String>), String> {
    use serde::Deserializer as _;
    let text = without_lone_surrogates(text);
    let mut deserializer = serde_json::Deserializer::from_str(&text);
    let found = deserializer
        .deserialize_any(RecordsVisitor)
        .and_then(|found| deserializer.end().map(|()| found))
        .map_err(|err| format!("malformed JSON ({err})"))?;
    let (records, notes) = match found {
        Found::Array(records, notes) => (records, notes),
        Found::One(value) => {
            let (mut records, mut notes) = (Vec::new(), Notes::new("record"));
            notes.keep(1, record(1, &value), &mut records);
            (records, notes)
        }
    };
    Ok((records, notes.finish()))
}

/// `json` with each `\uXXXX` escape of a UTF-16 surrogate that is not
/// half of a pair turned into `\ufffd`; borrowed when it has none.
fn without_lone_surrogates(json: &str) -> Cow<'_, str> {
    let bytes = json.as_bytes();
    // The UTF-16 unit an escape starting at `at` (a backslash) writes, when
    // it is a surrogate.
    let surrogate_at = |at: usize| {
        let escape = bytes.get(at..at + 2) == Some(b"\\u");
        let hex = json.get(at + 2..at + 6).filter(|_| escape)?;
        let unit = u16::from_str_radix(hex, 16).ok()?;
        (0xd800..=0xdfff).contains(&unit).then_some(unit)
    };
    let mut fixed: Option<String> = None;
    let (mut copied, mut at) = (0, 0);
    while let Some(offset) = bytes
        .get(at..)
        .and_then(|rest| rest.iter().position(|&b| b == b'\\'))
    {
        let escape = at + offset;
        match surrogate_at(escape) {
            Some(0xd800..=0xdbff) if surrogate_at(escape + 6).is_some_and(|low| low >= 0xdc00) => {
                at = escape + 12;
            }
            Some(_) => {
                let fixed = fixed.get_or_insert_with(|| String::with_capacity(json.len()));
                fixed.push_str(&json[copied..escape]);
                fixed.push_str("\\ufffd");
                copied = escape + 6;
                at = copied;
            }
            // Any other escape, `\\` included, is two bytes.
            None => at = escape + 2,
        }
    }
    match fixed {
        None => Cow::Borrowed(json),
        Some(mut fixed) => {
            fixed.push_str(&json[copied..]);
            Cow::Owned(fixed)
        }
    }
}

/// What a JSON document holds: an array read into records, or one value.
enum Found {
    Array(Vec<Record>, Notes),
    One(Value),
}

/// Reads an array's elements one by one into records; any other value whole.
struct RecordsVisitor;

impl<'de> serde::de::Visitor<'de> for RecordsVisitor {
    type Value = Found;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("a JSON array of records, or one record")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut items: A) -> Result<Found, A::Error> {
        let mut records = Vec::new();
        let mut notes = Notes::new("record");
        let mut number = 0;
        while let Some(item) = items.next_element::<Value>()? {
            number += 1;
            notes.keep(number, record(number, &item), &mut records);
        }
        Ok(Found::Array(records, notes))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Found, A::Error> {
        use serde::Deserialize as _;
        Value::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(Found::One)
    }

    fn visit_bool<E>(self, value: bool) -> Result<Found, E> {
        Ok(Found::One(Value::Bool(value)))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Found, E> {
        Ok(Found::One(value.into()))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Found, E> {
        Ok(Found::One(value.into()))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Found, E> {
        Ok(Found::One(value.into()))
    }

    fn visit_str<E>(self, value: &str) -> Result<Found, E> {
        Ok(Found::One(value.into()))
    }

    fn visit_unit<E>(self) -> Result<Found, E> {
        Ok(Found::One(Value::Null))
    }
}

/// The record of `value`, and what of it was ignored (a date cita does
/// not read, as front matter's is).
fn record(number: u64, value: &Value) -> Result<(Record, Option<String>), String> {
    let Value::Object(fields) = value else {
        return Err("not a JSON object".to_string());
    };
    let text = TEXT_KEYS
        .iter()
        .find_map(|key| text_of(fields.get(*key)?))
        .ok_or_else(|| "no text, body or content field".to_string())?;
    let string = |keys: &[&str]| {
        keys.iter()
            .find_map(|key| fields.get(*key)?.as_str().map(str::trim))
            .filter(|s| !s.is_empty())
    };
    let dates_given: Vec<&Value> = DATE_KEYS
        .iter()
        .filter_map(|key| fields.get(*key))
        .filter(|value| match value {
            Value::Null => false,
            Value::String(text) => !text.trim().is_empty(),
            _ => true,
        })
        .collect();
    let date = dates_given
        .iter()
        .find_map(|value| value.as_str().and_then(parse_metadata_date));
    let ignored = match (dates_given.first(), date) {
        (Some(value), None) => Some(format!(
            "date {value} is not a date cita reads (use \"YYYY-MM-DD\"); ignored"
        )),
        _ => None,
    };
    let record = Record {
        number,
        meta: Metadata {
            title: string(&["title", "headline"]).map(str::to_string),
            // Feeds copy a site's byline into either field, as pages into
            // `<meta name="author">`.
            author: string(&["author"])
                .and_then(byline_name)
                .or_else(|| string(&["byline"]).and_then(byline_name))
                .map(str::to_string),
            publication: publication(fields),
            url: string(&["url", "link"]).map(str::to_string),
            date,
            language: string(&["lang", "language"]).map(str::to_string),
            date_made: false,
        },
        text,
    };
    Ok((record, ignored))
}

/// A text field: a string, or an array of strings taken as paragraphs.
fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Array(parts) => Some(
            parts
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("\n\n"),
        ),
        _ => None,
    }
}

/// `source` as a string, or as an object with a `name` (a common scraper shape).
fn publication(fields: &Map<String, Value>) -> Option<String> {
    match fields.get("source")? {
        Value::String(name) => Some(name.trim().to_string()),
        Value::Object(source) => source
            .get("name")?
            .as_str()
            .map(|name| name.trim().to_string()),
        _ => None,
    }
    .filter(|name| !name.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_line_is_a_record_and_bad_lines_are_reported() {
        let feed = concat!(
            r#"{"title":"A","text":"Plan LAZO.","date":"2025-09-27T10:00:00Z","source":"El Tiempo","url":"https://x/a"}"#,
            "\n\n",
            "{not json\n",
            r#"{"title":"no text"}"#,
            "\n",
            r#"{"body":["Para one.","Para two."],"published":"27 de septiembre de 2025","source":{"name":"AP"}}"#,
            "\n",
        );
        let (records, notes) = lines(feed).unwrap();
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].number, 1);
        assert_eq!(records[0].meta.title.as_deref(), Some("A"));
        assert_eq!(records[0].meta.publication.as_deref(), Some("El Tiempo"));
        assert_eq!(records[0].meta.date.unwrap().to_string(), "2025-09-27");
        assert_eq!(records[1].number, 5);
        assert_eq!(records[1].text, "Para one.\n\nPara two.");
        assert_eq!(records[1].meta.publication.as_deref(), Some("AP"));
        assert_eq!(records[1].meta.date.unwrap().to_string(), "2025-09-27");
        assert_eq!(notes.len(), 2);
        assert!(notes[0].starts_with("line 3: malformed JSON"));
        assert!(notes[1].starts_with("line 4: no text"));
        // No line is JSON: not a feed (or one damaged whole), refused, so
        // that a file indexed before keeps its passages.
        assert_eq!(
            lines("\nnot json\n{also not\n").unwrap_err(),
            "no line is JSON (line 2: malformed JSON (expected ident at line 1 column 2))"
        );
        assert!(lines("").unwrap().0.is_empty());
    }

    /// A site's byline, copied into `author` or `byline`, names its author
    /// without its opening word, as a page's `<meta name="author">` does.
    #[test]
    fn an_author_is_named_without_the_word_of_a_byline() {
        let feed = [
            r#"{"text":"A.","author":"Por Juan Forero"}"#,
            r#"{"text":"B.","byline":"By: JUAN FORERO"}"#,
            r#"{"text":"C.","author":"María Pérez","byline":"Por Otro"}"#,
            r#"{"text":"D.","author":"Por","byline":"Por Ana Díaz"}"#,
            r#"{"text":"E.","author":"Porfirio Barba"}"#,
        ]
        .join("\n");
        let authors: Vec<Option<String>> = lines(&feed)
            .unwrap()
            .0
            .into_iter()
            .map(|record| record.meta.author)
            .collect();
        let expected = [
            "Juan Forero",
            "JUAN FORERO",
            "María Pérez",
            "Ana Díaz",
            "Porfirio Barba",
        ];
        assert_eq!(authors, expected.map(|name| Some(name.to_string())));
    }

    /// A date a record gives and cita cannot read is named in a note, as
    /// front matter's is, and the record kept; an empty one is no date.
    #[test]
    fn a_date_cita_does_not_read_is_noted_and_the_record_kept() {
        let feed = [
            r#"{"text":"A.","date":"2022-13-45"}"#,
            r#"{"text":"B.","date":1609459200}"#,
            r#"{"text":"C.","date":"","published":"2020-02-03"}"#,
            r#"{"text":"D.","date":"soon","published":"2020-02-04"}"#,
            r#"{"text":"E.","date":null}"#,
            r#"{"text":"F.","date":"-0044-03-15"}"#,
        ]
        .join("\n");
        let (records, notes) = lines(&feed).unwrap();
        let dates: Vec<_> = records
            .iter()
            .map(|r| r.meta.date.map(|d| d.to_string()))
            .collect();
        assert_eq!(
            dates,
            [
                None,
                None,
                Some("2020-02-03".into()),
                Some("2020-02-04".into()),
                None,
                None
            ]
        );
        assert_eq!(
            notes,
            [
                r#"line 1: date "2022-13-45" is not a date cita reads (use "YYYY-MM-DD"); ignored"#,
                r#"line 2: date 1609459200 is not a date cita reads (use "YYYY-MM-DD"); ignored"#,
                r#"line 6: date "-0044-03-15" is not a date cita reads (use "YYYY-MM-DD"); ignored"#,
            ]
        );
        let many = [r#"{"text":"A.","date":"soon"}"#; MAX_NOTES + 3].join("\n");
        let notes = lines(&many).unwrap().1;
        assert_eq!(notes.len(), MAX_NOTES + 1);
        assert_eq!(
            notes[MAX_NOTES],
            "3 more lines with a date cita does not read (ignored)"
        );
    }

    #[test]
    fn notes_stop_at_a_count_and_arrays_are_read_an_element_at_a_time() {
        let (records, notes) =
            document(&format!("[{}{{\"text\": \"kept\"}}]", "1,".repeat(1000))).unwrap();
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].number, 1001);
        assert_eq!(notes.len(), MAX_NOTES + 1);
        assert_eq!(
            notes[MAX_NOTES],
            "980 more records skipped (malformed, or not a record with text)"
        );
        let (records, notes) = lines(&"{}\n".repeat(50)).unwrap();
        assert!(records.is_empty());
        assert_eq!(
            notes.last().unwrap(),
            "30 more lines skipped (malformed, or not a record with text)"
        );
        // One value, not an array; trailing garbage and nesting past serde_json's limit are errors.
        assert_eq!(
            document("\"just a string\"").unwrap().1,
            ["record 1: not a JSON object, skipped"]
        );
        assert!(document("[] x").is_err());
        assert!(document(&"[".repeat(100_000)).is_err());
    }

    #[test]
    fn a_lone_surrogate_escape_reads_as_a_replacement_character() {
        let (records, notes) = document(
            r#"[{"text":"Cut emoji \ud83d"}, {"text":"Whole \ud83d\ude00, low \udc00 alone"},
                {"text":"Escaped \\ud83d backslash"}]"#,
        )
        .unwrap();
        let texts: Vec<&str> = records.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Cut emoji \u{fffd}",
                "Whole \u{1f600}, low \u{fffd} alone",
                "Escaped \\ud83d backslash"
            ]
        );
        assert!(notes.is_empty(), "{notes:?}");
        let (records, _) = lines("{\"text\":\"x \\ud83d\"}\n").unwrap();
        assert_eq!(records[0].text, "x \u{fffd}");
        assert_eq!(
            without_lone_surrogates(r#"{"a":"\u00e9 \\"}"#),
            r#"{"a":"\u00e9 \\"}"#
        );
        // A high surrogate followed by text that only looks like the low half.
        assert_eq!(
            without_lone_surrogates(r#""\ud83d!udead""#),
            r#""\ufffd!udead""#
        );
    }

    #[test]
    fn a_json_array_is_a_list_of_records() {
        let (records, notes) = document(r#"[{"content":"one"}, 5, {"text":"two"}]"#).unwrap();
        assert_eq!(records.iter().map(|r| r.number).collect::<Vec<_>>(), [1, 3]);
        assert_eq!(notes, ["record 2: not a JSON object, skipped"]);
        assert!(document("[1,").is_err());
        assert_eq!(document(r#"{"text":"single"}"#).unwrap().0.len(), 1);
    }
}
