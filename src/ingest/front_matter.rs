//! Front matter at the top of a text or Markdown file: metadata, never passage text.
//!
//! YAML (`---` … `---`) and TOML (`+++` … `+++`) blocks are read. Only flat
//! `key: value` (YAML) or `key = value` (TOML) lines count (plain,
//! `"double"` or `'single'` quoted scalars); that is all cita's metadata
//! needs, and it avoids a YAML dependency whose maintained forks are still
//! settling. Unknown keys, comments, lists, tables and nested maps are
//! skipped; keys are read in any case (`Title`, `DATE`).

/// The metadata keys cita understands, as written in the file.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FrontMatter {
    /// `title`
    pub title: Option<String>,
    /// `date`, unparsed (validated by the caller).
    pub date: Option<String>,
    /// `source`: the publication the document came from.
    pub publication: Option<String>,
    /// `url`
    pub url: Option<String>,
    /// `author`
    pub author: Option<String>,
    /// `lang` or `language`, unparsed.
    pub language: Option<String>,
}

/// Splits front matter off `text`. Returns the metadata (if the text opens
/// with a `---` line closed by `---` or `...`, or a `+++` line closed by
/// `+++`) and the byte offset where the body starts.
pub fn split(text: &str) -> (Option<FrontMatter>, usize) {
    let Some(first_end) = text.find('\n') else {
        return (None, 0);
    };
    let (closers, separator): (&[&str], char) = match text[..first_end].trim_end() {
        "---" => (&["---", "..."], ':'),
        "+++" => (&["+++"], '='),
        _ => return (None, 0),
    };
    let mut offset = first_end + 1;
    let mut meta = FrontMatter::default();
    let mut nested_table = false;
    while offset < text.len() {
        let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        let line = text[offset..line_end].trim_end();
        let next = (line_end + 1).min(text.len());
        if closers.contains(&line) {
            return (Some(meta), next);
        }
        // A `---` rule followed by prose is Markdown, not metadata.
        if !is_metadata_line(line, separator) {
            return (None, 0);
        }
        // Keys after a TOML `[table]` header belong to that table, not to the document.
        nested_table |= separator == '=' && line.starts_with('[');
        if let Some((key, value)) = line.split_once(separator)
            && !nested_table
        {
            let value = scalar(value);
            // `Title:` as `title:` (Hugo reads keys so; a researcher
            // typing them does not think of case).
            let slot = match key.trim().to_ascii_lowercase().as_str() {
                "title" => Some(&mut meta.title),
                "date" => Some(&mut meta.date),
                "source" => Some(&mut meta.publication),
                "url" => Some(&mut meta.url),
                "author" => Some(&mut meta.author),
                "lang" | "language" => Some(&mut meta.language),
                _ => None,
            };
            // A key given again without a value (`Title:` after
            // `title: …`, now that case does not tell them apart) leaves
            // the value given.
            if let (Some(slot), false) = (slot, key.starts_with(char::is_whitespace))
                && !value.is_empty()
            {
                *slot = Some(value);
            }
        }
        offset = next;
    }
    // An opening `---` that is never closed is a thematic break, not metadata.
    (None, 0)
}

/// A line that can stand in a YAML or TOML block: `key: value`/`key = value`,
/// a `[table]`, an indented or list continuation, a comment, or nothing.
fn is_metadata_line(line: &str, separator: char) -> bool {
    if line.trim().is_empty() || line.starts_with([' ', '\t', '-', '#', '[']) {
        return true;
    }
    line.split_once(separator).is_some_and(|(key, _)| {
        let key = key.trim();
        !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '"' | '\''))
    })
}

/// The value of a YAML scalar: quotes removed, `\"`-style escapes in double
/// quotes and `''` in single quotes undone, trailing `# comments` dropped.
fn scalar(raw: &str) -> String {
    let raw = raw.trim();
    if let Some(inner) = raw
        .strip_prefix('"')
        .and_then(|r| r.rfind('"').map(|end| &r[..end]))
    {
        let mut out = String::with_capacity(inner.len());
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => {}
            }
        }
        return out.trim().to_string();
    }
    if let Some(inner) = raw
        .strip_prefix('\'')
        .and_then(|r| r.rfind('\'').map(|end| &r[..end]))
    {
        return inner.replace("''", "'").trim().to_string();
    }
    let without_comment = raw.find(" #").map_or(raw, |i| &raw[..i]);
    without_comment.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_flat_keys_and_reports_where_the_body_starts() {
        let text = "---\ntitle: \"Plan LAZO: a \\\"history\\\"\"\ndate: 1964-05-27\nsource: 'O''Brien Weekly'\nurl: https://example.org/a # canonical\ntags:\n  - x\n---\nBody line\n";
        let (meta, body) = split(text);
        let meta = meta.unwrap();
        assert_eq!(meta.title.as_deref(), Some("Plan LAZO: a \"history\""));
        assert_eq!(meta.date.as_deref(), Some("1964-05-27"));
        assert_eq!(meta.publication.as_deref(), Some("O'Brien Weekly"));
        assert_eq!(meta.url.as_deref(), Some("https://example.org/a"));
        assert_eq!(&text[body..], "Body line\n");
    }

    #[test]
    fn keys_are_read_in_any_case() {
        let text = "---\nTitle: Mayúscula\nDATE: 2021-01-01\nAuthor: Ana\nLang: es\n---\nBody\n";
        let meta = split(text).0.unwrap();
        assert_eq!(meta.title.as_deref(), Some("Mayúscula"));
        assert_eq!(meta.date.as_deref(), Some("2021-01-01"));
        assert_eq!(meta.author.as_deref(), Some("Ana"));
        assert_eq!(meta.language.as_deref(), Some("es"));
        let again = split("---\ntitle: Real title\nTitle:\n---\nBody\n")
            .0
            .unwrap();
        assert_eq!(again.title.as_deref(), Some("Real title"));
    }

    #[test]
    fn toml_front_matter_is_read_too() {
        let text = "+++\ntitle = \"Informe\"\ndate = 2024-05-05\nsource = 'El Tiempo'\n[extra]\ntitle = \"no\"\n+++\nCuerpo\n";
        let (meta, body) = split(text);
        let meta = meta.unwrap();
        assert_eq!(meta.title.as_deref(), Some("Informe"));
        assert_eq!(meta.date.as_deref(), Some("2024-05-05"));
        assert_eq!(meta.publication.as_deref(), Some("El Tiempo"));
        assert_eq!(&text[body..], "Cuerpo\n");
    }

    #[test]
    fn crlf_front_matter_is_understood() {
        let text = "---\r\ntitle: Hola\r\n---\r\nCuerpo\r\n";
        let (meta, body) = split(text);
        assert_eq!(meta.unwrap().title.as_deref(), Some("Hola"));
        assert_eq!(&text[body..], "Cuerpo\r\n");
    }

    #[test]
    fn text_without_a_closed_block_has_no_front_matter() {
        assert_eq!(split("---\ntitle: x\nno end"), (None, 0));
        assert_eq!(split("title: x\n---\n"), (None, 0));
        assert_eq!(split(""), (None, 0));
    }

    #[test]
    fn a_leading_rule_followed_by_prose_is_not_front_matter() {
        assert_eq!(
            split("---\nIntro about lazo.\n\n---\n\nAfter.\n"),
            (None, 0)
        );
        assert!(
            split("---\n# comment\ntitle: T\ntags:\n  - a\n---\n")
                .0
                .is_some()
        );
    }

    #[test]
    fn nested_keys_do_not_override_top_level_ones() {
        let (meta, _) = split("---\ntitle: Top\nother:\n  title: Nested\n---\n");
        assert_eq!(meta.unwrap().title.as_deref(), Some("Top"));
    }
}
