//! Batch search: many queries from one file, each run like `cita search`.

use crate::error::Result;
use crate::results::{SearchRequest, SearchResults};

/// One query of a batch file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchQuery {
    /// 1-based line number in the file.
    pub line: usize,
    /// The query, trimmed.
    pub query: String,
}

/// The outcome of one batch query.
#[derive(Debug)]
pub struct BatchOutcome {
    /// The query and its line.
    pub query: BatchQuery,
    /// Its results, or why it could not run (a malformed query).
    pub result: Result<SearchResults>,
}

/// The queries of a batch file: one per line; blank lines and lines whose
/// first non-blank character is `#` are skipped. A byte order mark before
/// the first line (Notepad and Excel write one) is not part of it.
pub fn parse_queries(text: &str) -> Vec<BatchQuery> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.lines()
        .enumerate()
        .map(|(index, line)| (index + 1, line.trim()))
        .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'))
        .map(|(line, query)| BatchQuery {
            line,
            query: query.to_string(),
        })
        .collect()
}

/// Runs each query through `search` with the options of `template` (its
/// `query` is ignored, copies are not collapsed and no partial match fills
/// a page: a batch's rows are every matching passage, as a concordance's
/// lines are), lazily, in order. A query that fails does not stop the
/// others.
pub fn run<'a>(
    queries: &'a [BatchQuery],
    template: &'a SearchRequest,
    search: impl Fn(&SearchRequest) -> Result<SearchResults> + 'a,
) -> impl Iterator<Item = BatchOutcome> + 'a {
    queries.iter().map(move |query| {
        let request = SearchRequest {
            query: query.query.clone(),
            collapse: false,
            all_words: true,
            ..template.clone()
        };
        BatchOutcome {
            query: query.clone(),
            // Each query, even one that makes no hit, stops a batch past
            // its deadline.
            result: request.check_deadline().and_then(|()| search(&request)),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_lines_and_comments_are_skipped_and_lines_numbered() {
        let queries =
            parse_queries("# names\n\n\"Plan LAZO\"\n   \n  # indented comment\nYarborough\r\n");
        assert_eq!(
            queries,
            [
                BatchQuery {
                    line: 3,
                    query: "\"Plan LAZO\"".to_string()
                },
                BatchQuery {
                    line: 6,
                    query: "Yarborough".to_string()
                },
            ]
        );
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_first_line() {
        let queries = parse_queries("\u{feff}# names\r\n\u{feff}lazo\n");
        assert_eq!(queries.len(), 1, "{queries:?}");
        assert_eq!(queries[0].line, 2);
        // Only the file's first character is its mark.
        assert_eq!(queries[0].query, "\u{feff}lazo");
        let queries = parse_queries("\u{feff}lazo\n");
        assert_eq!(queries[0].query, "lazo");
    }
}
