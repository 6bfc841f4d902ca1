//! Markdown structure with pulldown-cmark: headings become sections, and
//! passage text carries no Markdown syntax (link text kept, URLs dropped,
//! emphasis markers removed). A list is one paragraph, one item per line,
//! an ordered list's items with the numbers a reader sees (`3.`, `4)`); a
//! fenced code block is a paragraph of its own; a table row is a paragraph
//! with its cells separated by ` | `. Each paragraph knows which of these
//! it is ([`ParagraphKind`]).

use ego_tree::iter::Edge;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::{Block, Paragraph, ParagraphKind, SourceMap, html};

/// The blocks of a Markdown `body` whose first byte is at `offset` in the
/// file (`None` when the text was decoded from another encoding).
pub fn blocks(body: &str, offset: Option<usize>) -> Vec<Block> {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES;
    let mut out = Vec::new();
    let mut text = String::new();
    // Byte where the current top-level block started, what it is, and how
    // deep in lists we are.
    let mut block_start = 0;
    let mut kind = ParagraphKind::Prose;
    // The number of the next item of each open list, `None` for a bulleted one.
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut heading_start = 0;
    // The cells of the table row being read, and where the current one's
    // text starts.
    let mut cells: Vec<String> = Vec::new();
    let mut cell_start = 0;
    let emit =
        |out: &mut Vec<Block>, text: &mut String, start: usize, end: usize, kind: ParagraphKind| {
            let trimmed = text.trim();
            // The block's range without the line break pulldown-cmark includes.
            let end = start + body[start..end].trim_end().len();
            if !trimmed.is_empty() {
                out.push(Block::Paragraph(Paragraph {
                    text: trimmed.to_string(),
                    source: offset.map_or(SourceMap::None, |offset| {
                        SourceMap::Whole(offset + start..offset + end)
                    }),
                    page: None,
                    ocr_confidence: None,
                    kind,
                    language: None,
                }));
            }
            text.clear();
        };
    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        let top_level = lists.is_empty();
        match event {
            // A heading may stand inside a list item: keep the text before it.
            Event::Start(Tag::Heading { .. }) => heading_start = text.len(),
            Event::End(TagEnd::Heading(_)) => {
                let heading = super::collapse_whitespace(&text[heading_start..]);
                if !heading.is_empty() {
                    out.push(Block::Heading(heading));
                }
                text.truncate(heading_start);
            }
            Event::Start(
                tag @ (Tag::Paragraph
                | Tag::CodeBlock(_)
                | Tag::TableRow
                | Tag::TableHead
                | Tag::HtmlBlock),
            ) if top_level => {
                block_start = range.start;
                kind = match tag {
                    Tag::CodeBlock(_) => ParagraphKind::Code,
                    Tag::TableRow | Tag::TableHead => ParagraphKind::Table,
                    _ => ParagraphKind::Prose,
                };
                text.clear();
            }
            Event::End(TagEnd::TableRow | TagEnd::TableHead) => {
                let row = super::join_cells(&std::mem::take(&mut cells));
                if top_level {
                    text.push_str(&row);
                    emit(&mut out, &mut text, block_start, range.end, kind);
                } else {
                    // In a list item, each row is a line of it.
                    text.truncate(text.trim_end().len());
                    text.push('\n');
                    text.push_str(&row);
                    text.push('\n');
                }
            }
            Event::End(TagEnd::Paragraph | TagEnd::CodeBlock | TagEnd::HtmlBlock) if top_level => {
                emit(&mut out, &mut text, block_start, range.end, kind);
            }
            Event::End(TagEnd::Paragraph) => text.push(' '),
            Event::Start(Tag::List(first_number)) => {
                if lists.is_empty() {
                    block_start = range.start;
                    text.clear();
                }
                lists.push(first_number);
            }
            Event::End(TagEnd::List(_)) => {
                lists.pop();
                if lists.is_empty() {
                    emit(
                        &mut out,
                        &mut text,
                        block_start,
                        range.end,
                        ParagraphKind::List,
                    );
                }
            }
            Event::Start(Tag::Item) => {
                let line_start = text.rfind('\n').map_or(0, |i| i + 1);
                if !text[line_start..].trim().is_empty() {
                    text.truncate(text.trim_end().len());
                    text.push('\n');
                }
                if let Some(Some(number)) = lists.last_mut() {
                    // CommonMark numbers the items from the first one's
                    // number, whatever the others say; the delimiter is
                    // the author's.
                    let marker = body[range.start..].trim_start();
                    let delimiter = marker
                        .trim_start_matches(|c: char| c.is_ascii_digit())
                        .chars()
                        .next()
                        .filter(|&c| c == ')')
                        .unwrap_or('.');
                    text.push_str(&format!("{number}{delimiter} "));
                    *number += 1;
                }
            }
            Event::Start(Tag::TableCell) => cell_start = text.len(),
            Event::End(TagEnd::TableCell) => {
                cells.push(super::collapse_whitespace(&text[cell_start..]));
                text.truncate(cell_start);
            }
            Event::Text(fragment) | Event::Code(fragment) => text.push_str(&fragment),
            // Raw HTML in Markdown: its text counts, its tags do not.
            Event::Html(html) | Event::InlineHtml(html) => text.push_str(&html_text(&html)),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    out
}

/// The text of an HTML fragment, entities decoded, without scripts and styles.
fn html_text(html: &str) -> String {
    // Flattened past a depth, and walked once: a line of 150,000 unclosed
    // `<div>`s took minutes (the parser's and an ancestors' walk per node,
    // each as deep as the nesting).
    let fragment = scraper::Html::parse_fragment(&html::limit_markup(html));
    let mut out = String::new();
    let mut inside_code = 0usize;
    for edge in fragment.root_element().traverse() {
        let (node, opens) = match edge {
            Edge::Open(node) => (node, true),
            Edge::Close(node) => (node, false),
        };
        let code = node
            .value()
            .as_element()
            .is_some_and(|e| matches!(e.name(), "script" | "style"));
        match (code, opens) {
            (true, true) => inside_code += 1,
            (true, false) => inside_code -= 1,
            (false, true) if inside_code == 0 => {
                if let Some(text) = node.value().as_text() {
                    out.push_str(text);
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(body: &str) -> Vec<String> {
        crate::ingest::block_texts(&blocks(body, Some(0)))
    }

    #[test]
    fn syntax_is_removed_and_link_text_kept() {
        let body = "# The *Plan* LAZO\n\nA **bold** claim with [a link](https://example.org/x) and `code`,\nwrapped.\n";
        assert_eq!(
            texts(body),
            [
                "# The Plan LAZO",
                "A bold claim with a link and code, wrapped."
            ]
        );
    }

    #[test]
    fn lists_are_one_paragraph_and_code_blocks_their_own() {
        let body = "Intro:\n\n- first item\n- second *item*\n  - nested\n\n```\nlet x = 1;\nlet y = 2;\n```\n\nAfter.\n";
        assert_eq!(
            texts(body),
            [
                "Intro:",
                "first item\nsecond item\nnested",
                "let x = 1;\nlet y = 2;",
                "After."
            ]
        );
    }

    #[test]
    fn ordered_items_keep_the_numbers_a_reader_sees() {
        // A ruling's considerations are cited by number: the first item
        // sets the numbering, the author's delimiter stays, bullets nested
        // in a numbered item get none.
        let body = "Considerando:\n\n7. Que revocó.\n1. Que negó.\n   - visto\n\n3) Tercero.\n3) Cuarto.\n";
        assert_eq!(
            texts(body),
            [
                "Considerando:",
                "7. Que revocó.\n8. Que negó.\nvisto",
                "3) Tercero.\n4) Cuarto."
            ]
        );
    }

    #[test]
    fn raw_html_keeps_its_text_and_headings_in_lists_keep_earlier_items() {
        let body = "<div align=\"center\">\nRaw rawhtmlword &amp; more<script>x()</script>\n</div>\n\n- item one\n- ## heading in list\n- item three\n";
        let found = texts(body);
        assert!(
            found[0].contains("rawhtmlword & more") && !found[0].contains("x()"),
            "{found:?}"
        );
        assert!(found.iter().any(|t| t.starts_with("item one")), "{found:?}");
        assert!(
            found.contains(&"# heading in list".to_string()),
            "{found:?}"
        );
    }

    #[test]
    fn paragraphs_know_whether_they_are_code_lists_or_tables() {
        let body = "Intro:\n\n    indented code\n\n```\nfenced\n```\n\n1. one\n2. two\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n> quoted\n";
        assert_eq!(
            crate::ingest::block_kinds(&blocks(body, Some(0))),
            [
                ("prose", "Intro:"),
                ("code", "indented code"),
                ("code", "fenced"),
                ("list", "1. one\n2. two"),
                ("table", "A | B"),
                ("table", "1 | 2"),
                ("prose", "quoted"),
            ]
        );
    }

    #[test]
    fn tables_give_a_paragraph_per_row() {
        let body = "| Year | Plan |\n|---|---|\n| 1964 | LAZO |\n";
        assert_eq!(texts(body), ["Year | Plan", "1964 | LAZO"]);
        // In a list item, a line per row; an empty cell between two others
        // keeps its place.
        let listed =
            "- item uno\n\n  | a | b | c |\n  |---|---|---|\n  | x |   | z |\n- item dos\n";
        assert_eq!(texts(listed), ["item uno\na | b | c\nx |  | z\nitem dos"]);
    }

    #[test]
    fn source_ranges_cover_the_whole_block_in_the_file() {
        let body = "# H\n\nSome *text*.\n";
        let found = blocks(body, Some(10));
        let Block::Paragraph(paragraph) = &found[1] else {
            panic!("a paragraph")
        };
        assert_eq!(paragraph.source, SourceMap::Whole(15..27));
        assert_eq!(&body[5..17], "Some *text*.");
    }
}
