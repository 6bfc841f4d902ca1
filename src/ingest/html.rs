//! Saved web pages: the article's text without the page's chrome, and the
//! metadata publishers put in `<head>`.
//!
//! Parsed with html5ever (through scraper), never with regular expressions.
//! The content root is the first `<article>`, else `<main>`, else `<body>`.
//! Navigation, headers, footers, asides, scripts, styles, forms, comments,
//! hidden elements and elements whose class or id names page furniture
//! (cookie banners, share bars, newsletters, related links) are dropped, as
//! are boilerplate lines such as "Skip to content" or "Read more".
//! Paragraphs, list items, quotes, preformatted text and table cells become
//! paragraphs; `h1`–`h6` become headings.

use ego_tree::NodeRef;
use scraper::{ElementRef, Html, Node, Selector};

use super::dates::parse_metadata_date;
use super::{Block, Metadata, Paragraph, SourceMap};

/// Elements whose content is never article text.
const DROPPED: &[&str] = &[
    "nav", "header", "footer", "aside", "script", "style", "noscript", "form", "button", "select",
    "textarea", "template", "svg", "iframe", "head", "title", "meta", "link", "dialog",
];

/// Elements that end the paragraph before them and start a new one.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "td",
    "th",
    "figure",
    "figcaption",
    "address",
    "body",
    "html",
    "hr",
    "caption",
    "details",
    "summary",
    "center",
];

/// Words in a class or id that mark page furniture rather than content.
const FURNITURE: &[&str] = &[
    "cookie",
    "cookies",
    "consent",
    "banner",
    "newsletter",
    "share",
    "sharing",
    "social",
    "related",
    "advert",
    "advertisement",
    "ads",
    "ad",
    "promo",
    "breadcrumb",
    "breadcrumbs",
    "sidebar",
    "menu",
    "nav",
    "navbar",
    "navigation",
    "footer",
    "header",
    "masthead",
    "subscribe",
    "subscription",
    "popup",
    "modal",
    "comments",
    "skip",
    "toolbar",
];

/// Whole paragraphs that are navigation or calls to action, compared case-insensitively.
const BOILERPLATE: &[&str] = &[
    "skip to content",
    "skip to main content",
    "skip to navigation",
    "read more",
    "continue reading",
    "advertisement",
    "advertising",
    "share",
    "share this",
    "share this article",
    "share this story",
    "subscribe",
    "subscribe now",
    "sign up",
    "sign in",
    "log in",
    "login",
    "register",
    "menu",
    "close",
    "search",
    "print",
    "email",
    "comments",
    "related",
    "related articles",
    "related stories",
    "you may also like",
    "most read",
    "most popular",
    "newsletter",
    "accept",
    "accept all",
    "accept cookies",
    "cookie settings",
    "listen to the article",
    "listen to this article",
    "back to top",
    "top",
    "next",
    "previous",
    "loading",
];

/// The metadata and blocks of an HTML page.
pub fn read(source: &str) -> (Metadata, Vec<Block>) {
    let page = Html::parse_document(source);
    let meta = metadata(&page);
    let root = content_root(&page);
    let mut walker = Walker::default();
    walker.walk(*root);
    walker.flush();
    let mut meta = meta;
    if meta.date.is_none() {
        meta.date = root
            .select(&selector("time[datetime]"))
            .find_map(|time| time.value().attr("datetime").and_then(parse_metadata_date));
    }
    if meta.title.is_none() {
        meta.title = walker.blocks.iter().find_map(|block| match block {
            Block::Heading(heading) => Some(heading.clone()),
            Block::Paragraph(_) => None,
        });
    }
    (meta, walker.blocks)
}

/// The element holding the article: the `<article>` with the most text,
/// unless it is a teaser or card holding under half of `<main>`'s text; then
/// `<main>`; else `<body>`.
fn content_root(page: &Html) -> ElementRef<'_> {
    let length = |element: &ElementRef| element.text().map(str::len).sum::<usize>();
    let article = page.select(&selector("article")).max_by_key(|a| length(a));
    let main = page.select(&selector("main")).next();
    match (article, main) {
        (Some(article), Some(main)) if length(&article) * 2 < length(&main) => main,
        (Some(article), _) => article,
        (None, Some(main)) => main,
        (None, None) => page
            .select(&selector("body"))
            .next()
            .unwrap_or_else(|| page.root_element()),
    }
}

fn selector(css: &str) -> Selector {
    Selector::parse(css).expect("cita's selectors are valid CSS")
}

/// The value of the first element matching `css` that has `attribute`.
fn attribute(page: &Html, css: &str, attribute: &str) -> Option<String> {
    page.select(&selector(css))
        .find_map(|element| element.value().attr(attribute))
        .map(|value| value.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|value| !value.is_empty())
}

fn metadata(page: &Html) -> Metadata {
    let publication = attribute(page, "meta[property='og:site_name']", "content");
    let title = attribute(page, "meta[property='og:title']", "content").or_else(|| {
        page.select(&selector("title"))
            .next()
            .map(|title| title.text().collect::<String>())
            .map(|title| strip_site_name(&title, publication.as_deref()))
            .filter(|title| !title.is_empty())
    });
    let date = attribute(page, "meta[property='article:published_time']", "content")
        .and_then(|value| parse_metadata_date(&value))
        .or_else(|| json_ld_date(page))
        .or_else(|| {
            [
                "date",
                "pubdate",
                "publishdate",
                "publish-date",
                "dc.date",
                "dc.date.issued",
            ]
            .iter()
            .find_map(|name| {
                page.select(&selector("meta[name]"))
                    .find(|meta| {
                        meta.value()
                            .attr("name")
                            .is_some_and(|n| n.eq_ignore_ascii_case(name))
                    })
                    .and_then(|meta| meta.value().attr("content"))
                    .and_then(parse_metadata_date)
            })
        });
    let url = attribute(page, "link[rel='canonical']", "href")
        .or_else(|| attribute(page, "meta[property='og:url']", "content"));
    Metadata {
        title,
        publication,
        url,
        date,
    }
}

/// A `<title>` without the site's name: "Story – The Paper" → "Story".
fn strip_site_name(title: &str, site: Option<&str>) -> String {
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    for separator in [" | ", " – ", " — ", " - ", " :: ", " · "] {
        if let Some((head, tail)) = title.rsplit_once(separator) {
            let tail_is_site = site.is_some_and(|site| tail.eq_ignore_ascii_case(site))
                || (tail.split_whitespace().count() <= 4 && head.len() > tail.len());
            if tail_is_site {
                return head.trim().to_string();
            }
        }
    }
    title
}

/// `datePublished` from the page's JSON-LD, wherever it is nested.
fn json_ld_date(page: &Html) -> Option<crate::date::Date> {
    fn find(value: &serde_json::Value) -> Option<&str> {
        match value {
            serde_json::Value::Object(map) => map
                .get("datePublished")
                .and_then(|v| v.as_str())
                .or_else(|| map.values().find_map(find)),
            serde_json::Value::Array(items) => items.iter().find_map(find),
            _ => None,
        }
    }
    page.select(&selector("script[type='application/ld+json']"))
        .filter_map(|script| {
            serde_json::from_str::<serde_json::Value>(&script.text().collect::<String>()).ok()
        })
        .find_map(|json| find(&json).and_then(parse_metadata_date))
}

/// Elements nested deeper than this are read as plain text, so that no page
/// can exhaust the stack.
const MAX_DEPTH: usize = 256;

#[derive(Default)]
struct Walker {
    buffer: String,
    blocks: Vec<Block>,
    depth: usize,
}

impl Walker {
    fn walk(&mut self, node: NodeRef<Node>) {
        if self.depth >= MAX_DEPTH {
            if let Some(element) = ElementRef::wrap(node) {
                element.text().for_each(|text| self.buffer.push_str(text));
            } else if let Node::Text(text) = node.value() {
                self.buffer.push_str(text);
            }
            return;
        }
        self.depth += 1;
        self.walk_node(node);
        self.depth -= 1;
    }

    fn walk_node(&mut self, node: NodeRef<Node>) {
        match node.value() {
            Node::Text(text) => self.buffer.push_str(text),
            Node::Element(element) => {
                let name = element.name();
                let Some(element_ref) = ElementRef::wrap(node) else {
                    return;
                };
                if DROPPED.contains(&name) || is_furniture(element_ref) {
                    return;
                }
                if let Some(level) = name.strip_prefix('h').and_then(|l| l.parse::<u8>().ok())
                    && (1..=6).contains(&level)
                {
                    self.flush();
                    let heading = collapse(&element_ref.text().collect::<String>());
                    if !heading.is_empty() {
                        self.blocks.push(Block::Heading(heading));
                    }
                } else if name == "pre" {
                    self.flush();
                    let text = element_ref.text().collect::<String>();
                    self.push(text.trim_matches('\n').trim_end().to_string());
                } else if name == "br" {
                    self.buffer.push(' ');
                } else if BLOCKS.contains(&name) {
                    self.flush();
                    node.children().for_each(|child| self.walk(child));
                    self.flush();
                } else {
                    node.children().for_each(|child| self.walk(child));
                }
            }
            Node::Document | Node::Fragment => node.children().for_each(|child| self.walk(child)),
            _ => {}
        }
    }

    fn flush(&mut self) {
        let text = collapse(&self.buffer);
        self.buffer.clear();
        if !is_boilerplate(&text) {
            self.push(text);
        }
    }

    fn push(&mut self, text: String) {
        if !text.is_empty() {
            self.blocks.push(Block::Paragraph(Paragraph {
                text,
                source: SourceMap::None,
                page: None,
            }));
        }
    }
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn is_boilerplate(text: &str) -> bool {
    let bare = text
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    BOILERPLATE.contains(&bare.as_str())
}

/// Hidden elements and those whose class or id names page furniture.
fn is_furniture(element: ElementRef) -> bool {
    let value = element.value();
    if value.attr("hidden").is_some()
        || value.attr("aria-hidden") == Some("true")
        || value
            .attr("style")
            .is_some_and(|style| style.replace(' ', "").contains("display:none"))
        || matches!(
            value.attr("role"),
            Some("navigation" | "banner" | "contentinfo" | "complementary" | "search")
        )
    {
        return true;
    }
    let names = value.attr("class").into_iter().chain(value.attr("id"));
    names
        .flat_map(|names| names.split(|c: char| c.is_whitespace() || c == '-' || c == '_'))
        .any(|word| FURNITURE.contains(&word.to_ascii_lowercase().as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r##"<!doctype html><html><head>
      <title>Trump backs away from threats | The Daily Paper</title>
      <meta property="og:site_name" content="The Daily Paper">
      <meta property="article:published_time" content="2026-01-08T09:30:00Z">
      <link rel="canonical" href="https://paper.example/trump-petro">
      <script>var tracking = "secretscript";</script>
    </head><body>
      <a class="skip-link" href="#main">Skip to content</a>
      <header><nav><a href="/">Home</a> <a href="/world">World navword</a></nav></header>
      <div class="cookie-banner">We use cookies cookieword</div>
      <main><article>
        <h1>Trump backs away</h1>
        <p>BOGOTÁ — Two days after &ldquo;weighing&rdquo; an invasion, <em>Trump</em> called&nbsp;Petro.</p>
        <p>Read more</p>
        <h2>The call</h2>
        <ul><li>First point</li><li>Second <b>point</b></li></ul>
        <blockquote>I appreciated his call.</blockquote>
        <table><tr><td>Cell one</td><td>Cell two</td></tr></table>
        <pre>line one
line two</pre>
        <!-- commentword -->
        <div hidden>hiddenword</div>
      </article>
      <aside>Most read: asideword</aside></main>
      <footer>© footerword</footer>
    </body></html>"##;

    use crate::ingest::block_texts as texts;

    #[test]
    fn article_text_is_kept_and_chrome_dropped() {
        let (_, blocks) = read(PAGE);
        assert_eq!(
            texts(&blocks),
            [
                "# Trump backs away",
                "BOGOTÁ — Two days after “weighing” an invasion, Trump called Petro.",
                "# The call",
                "First point",
                "Second point",
                "I appreciated his call.",
                "Cell one",
                "Cell two",
                "line one\nline two",
            ]
        );
    }

    #[test]
    fn metadata_comes_from_the_head() {
        let (meta, _) = read(PAGE);
        assert_eq!(meta.title.as_deref(), Some("Trump backs away from threats"));
        assert_eq!(meta.publication.as_deref(), Some("The Daily Paper"));
        assert_eq!(
            meta.url.as_deref(),
            Some("https://paper.example/trump-petro")
        );
        assert_eq!(meta.date.unwrap().to_string(), "2026-01-08");
    }

    #[test]
    fn dates_fall_back_to_json_ld_then_time_then_meta_name() {
        let json_ld = r#"<head><script type="application/ld+json">{"@graph":[{"@type":"NewsArticle","datePublished":"2025-09-27T10:00:00-05:00"}]}</script></head><body><p>x</p></body>"#;
        assert_eq!(read(json_ld).0.date.unwrap().to_string(), "2025-09-27");
        let time =
            r#"<body><article><time datetime="2024-05-05">May 5</time><p>x</p></article></body>"#;
        assert_eq!(read(time).0.date.unwrap().to_string(), "2024-05-05");
        let named =
            r#"<head><meta name="DC.date" content="2023-01-02"></head><body><p>x</p></body>"#;
        assert_eq!(read(named).0.date.unwrap().to_string(), "2023-01-02");
    }

    #[test]
    fn titles_lose_a_trailing_site_name() {
        assert_eq!(
            strip_site_name("A long story about Plan LAZO - El Tiempo", None),
            "A long story about Plan LAZO"
        );
        assert_eq!(strip_site_name("Plain title", None), "Plain title");
        assert_eq!(
            strip_site_name("Story | Paper Name", Some("Paper Name")),
            "Story"
        );
    }

    #[test]
    fn a_teaser_article_does_not_hide_the_main_story() {
        let page = "<body><div><article class=card><p>Teaser text</p></article></div>\
                    <main><h1>Q</h1><p>The main body of the story, long enough to outweigh the teaser card.</p></main></body>";
        let (_, blocks) = read(page);
        assert!(
            texts(&blocks)
                .iter()
                .any(|t| t.starts_with("The main body"))
        );
    }

    #[test]
    fn deep_nesting_is_read_without_exhausting_the_stack() {
        let page = format!(
            "<html><body>{}<p>deepword</p>{}</body></html>",
            "<div>".repeat(5_000),
            "</div>".repeat(5_000)
        );
        let (_, blocks) = read(&page);
        assert!(texts(&blocks).iter().any(|t| t.contains("deepword")));
    }

    #[test]
    fn a_page_without_article_or_main_uses_the_body() {
        let (meta, blocks) = read("<html><body><div>Loose text<p>Para</p>tail</div></body></html>");
        assert_eq!(texts(&blocks), ["Loose text", "Para", "tail"]);
        assert_eq!(meta.title, None);
    }
}
