//! JSON Lines feeds (`.jsonl`, `.ndjson`) and JSON files (`.json`: an array
//! of records, or one record): each record is a document. Text comes from
//! `text`, `body` or `content`; metadata from `title`, `date`/`published`,
//! `url` and `source` (the publication). A malformed line is reported with
//! its number and skipped; the rest of the file is indexed.

use serde_json::{Map, Value};

use super::Metadata;
use super::dates::parse_metadata_date;

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

/// The records of a JSON Lines text, and a note for each line that could not be used.
pub fn lines(text: &str) -> (Vec<Record>, Vec<String>) {
    let mut records = Vec::new();
    let mut notes = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let number = index as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Value>(line) {
            Ok(value) => match record(number, &value) {
                Ok(record) => records.push(record),
                Err(problem) => notes.push(format!("line {number}: {problem}, skipped")),
            },
            Err(err) => notes.push(format!("line {number}: malformed JSON ({err}), skipped")),
        }
    }
    (records, notes)
}

/// The records of a JSON document (an array of records, or one record).
pub fn document(text: &str) -> Result<(Vec<Record>, Vec<String>), String> {
    let value: Value =
        serde_json::from_str(text).map_err(|err| format!("malformed JSON ({err})"))?;
    let items = match &value {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    let mut records = Vec::new();
    let mut notes = Vec::new();
    for (index, item) in items.into_iter().enumerate() {
        let number = index as u64 + 1;
        match record(number, item) {
            Ok(record) => records.push(record),
            Err(problem) => notes.push(format!("record {number}: {problem}, skipped")),
        }
    }
    Ok((records, notes))
}

fn record(number: u64, value: &Value) -> Result<Record, String> {
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
    Ok(Record {
        number,
        meta: Metadata {
            title: string(&["title", "headline"]).map(str::to_string),
            publication: publication(fields),
            url: string(&["url", "link"]).map(str::to_string),
            date: string(DATE_KEYS).and_then(parse_metadata_date),
        },
        text,
    })
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
        let (records, notes) = lines(feed);
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
