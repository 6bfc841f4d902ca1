//! cita's query language, parsed by hand into a small syntax tree and then
//! compiled into tantivy queries plus a [`HighlightPlan`].
//!
//! tantivy's own parser ORs words by default, reads `word*` as a plain word,
//! breaks on typographic quotes and stems phrases; cita needs all four the
//! other way, and wants error messages that point at the problem. The
//! grammar, loosest binding first:
//!
//! ```text
//! query    = or
//! or       = and ("OR" and)*
//! and      = unary (["AND"] unary)*
//! unary    = ("-" | "NOT" | "+") unary | primary
//! primary  = "(" or ")" | [field ":"] (phrase ["~" N | "*"] | word ["*"]) | "*"
//! ```
//!
//! Matching rules: a bare word must occur in the passage text in any
//! inflection (same stem in the passage's language, see
//! `query::inflection`), and its exact
//! form scores extra, as do matches in the title and the section heading. A
//! quoted phrase matches exact forms only (case, accents and apostrophes
//! still folded). A word that the analyzer cuts into several (`Trump's`,
//! `U.S.`) is read as a phrase.

mod inflection;
pub mod partial;
mod phrase;
mod quantized;
mod segment_cache;
mod source;
pub mod statistics;
mod substance;
mod whole_value;

use std::ops::Bound;

use serde::Deserialize;
use serde::de::IntoDeserializer;

use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, Query, RangeQuery,
    TermQuery, TermSetQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Term};

pub use self::inflection::InflectionMemo;
use self::inflection::InflectionQuery;
use self::phrase::{EveryPhrasePrefix, ExactPhraseQuery};
use self::quantized::quantized;
use self::source::SourceQuery;
use self::statistics::Statistics;
use self::substance::Substance;
use crate::analysis::{self, Folding, Token};
use crate::date::Date;
use crate::error::{Error, Result};
use crate::highlight::{HighlightPlan, Matcher};
use crate::ingest::Format;
use crate::language::Language;
use crate::ranking::{EXACT_FORM_TIER, HEADING_BONUSES, Heading, PROXIMITY_BOOST, PROXIMITY_SLOP};
use crate::results::SearchRequest;
use crate::schema::{self, Fields};

/// Where a query word is looked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The passage text (no field prefix).
    Text,
    /// `title:`
    Title,
    /// `section:`
    Section,
    /// `source:` (the words of the file path)
    Source,
    /// `publication:`
    Publication,
    /// `author:` (the document's author: a mail's sender, an office
    /// file's, a web page's or a front matter's author)
    Author,
    /// `entry:` (the words of the path inside a container, or of an
    /// attachment's name)
    Entry,
    /// `lang:` (the passage's language: an ISO 639-1 code, or a tag, a
    /// three-letter code or a name read as one)
    Language,
    /// `format:` (the format of the document's file, as the facets name it)
    Format,
}

/// The fields of the query language, by the name a query gives them.
const FIELD_NAMES: [(&str, Target); 8] = [
    ("title", Target::Title),
    ("section", Target::Section),
    ("source", Target::Source),
    ("publication", Target::Publication),
    ("author", Target::Author),
    ("entry", Target::Entry),
    ("lang", Target::Language),
    ("format", Target::Format),
];

impl Target {
    fn from_name(name: &str) -> Option<Target> {
        FIELD_NAMES
            .iter()
            .find_map(|&(field, target)| (field == name).then_some(target))
    }

    /// The name a query gives the field (`title`); none for the text.
    fn name(self) -> Option<&'static str> {
        FIELD_NAMES
            .iter()
            .find_map(|&(field, target)| (target == self).then_some(field))
    }
}

/// A leaf of the query: what to look for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Leaf {
    /// A bare word.
    Word(String),
    /// `word*`: any word starting with the prefix; `"some words pre"*`: a
    /// phrase whose last word is a prefix.
    Prefix(String),
    /// `"a phrase"~slop`.
    Phrase {
        /// The words inside the quotes.
        text: String,
        /// How many positions the words may be moved (0: adjacent, in order).
        slop: u32,
    },
}

/// The parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A leaf in a field.
    Leaf(Target, Leaf),
    /// All children must match (negated children must not).
    And(Vec<Node>),
    /// At least one child must match.
    Or(Vec<Node>),
    /// Must not match; only valid inside an AND.
    Not(Box<Node>),
    /// `*`: every passage.
    All,
}

// ---------------------------------------------------------------- lexing

#[derive(Debug, Clone, PartialEq, Eq)]
enum TokenKind {
    Open,
    Close,
    And,
    Or,
    Not,
    Minus,
    Plus,
    Field(Target),
    Word(String),
    Phrase {
        text: String,
        slop: u32,
    },
    /// `"words pref"*`: a phrase whose last word is a prefix.
    QuotedPrefix(String),
}

#[derive(Debug, Clone)]
struct Lexeme {
    kind: TokenKind,
    /// 1-based character column, for messages.
    column: usize,
}

/// The quotation marks that open a phrase: straight and typographic
/// double quotes, guillemets single and double, East Asian corner brackets
/// and the full-width and double-prime quotes ([`closes_quote`] tells what
/// closes one).
fn is_quote(c: char) -> bool {
    matches!(
        c,
        '"' | '“'
            | '”'
            | '„'
            | '‟'
            | '«'
            | '»'
            | '‹'
            | '›'
            | '「'
            | '」'
            | '『'
            | '』'
            | '＂'
            | '〝'
            | '〞'
            | '〟'
    )
}

/// Whether `c` closes a phrase opened by `open`. The double quotes and
/// guillemets close each other, as writers pair them in many ways (`„…“`,
/// `»…«`); the marks that are quoted inside them close only their own kind
/// (`‹…›`, `「…」`, `『…』`, `＂…＂`, `〝…〟`), so that a quotation nested
/// in a phrase (`«il dit ‹ c'est fini › hier»`, `「私は『猫』を読んだ」`) is
/// punctuation inside it.
fn closes_quote(open: char, c: char) -> bool {
    const PAIRS: [&[char]; 5] = [
        &['‹', '›'],
        &['「', '」'],
        &['『', '』'],
        &['＂'],
        &['〝', '〞', '〟'],
    ];
    match PAIRS.iter().find(|pair| pair.contains(&open)) {
        Some(pair) => pair.contains(&c),
        None => matches!(c, '"' | '“' | '”' | '„' | '‟' | '«' | '»'),
    }
}

fn ends_word(c: char) -> bool {
    c.is_whitespace() || c == '(' || c == ')' || is_quote(c)
}

fn lex(query: &str) -> Result<Vec<Lexeme>> {
    let chars: Vec<char> = query.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let column = i + 1;
        let push = |out: &mut Vec<Lexeme>, kind| out.push(Lexeme { kind, column });
        if c.is_whitespace() {
            i += 1;
        } else if c == '(' {
            push(&mut out, TokenKind::Open);
            i += 1;
        } else if c == ')' {
            push(&mut out, TokenKind::Close);
            i += 1;
        } else if (c == '-' || c == '+')
            && chars
                .get(i + 1)
                .is_some_and(|&next| !next.is_whitespace() && next != ')')
            && at_token_start(&out, &chars, i)
        {
            push(
                &mut out,
                if c == '-' {
                    TokenKind::Minus
                } else {
                    TokenKind::Plus
                },
            );
            i += 1;
        } else if is_quote(c) {
            let Some(end) = (i + 1..chars.len()).find(|&j| closes_quote(c, chars[j])) else {
                // A lone `‹`, `「`, … is punctuation, as it was before they
                // quoted phrases; a double quote left open is a mistake.
                if !closes_quote('"', c) {
                    i += 1;
                    continue;
                }
                return Err(Error::Query(format!(
                    "the quote at character {column} is never closed; add a closing \""
                )));
            };
            let text: String = chars[i + 1..end].iter().collect();
            // `"plan laz*"` is `"plan laz"*`: a `*` may end the last word;
            // any other is punctuation, as in the words of every phrase.
            let inner_prefix = inner_prefix(&text);
            i = end + 1;
            if chars.get(i) == Some(&'*') || inner_prefix.is_some() {
                i += usize::from(chars.get(i) == Some(&'*'));
                if chars.get(i) == Some(&'~') {
                    return Err(Error::Query(format!(
                        "a phrase ending in a prefix takes no ~N (character {}); write \"plan la\"* or \"plan lazo\"~N",
                        i + 1
                    )));
                }
                let text = inner_prefix.map_or(text.clone(), str::to_string);
                push(&mut out, TokenKind::QuotedPrefix(text));
                continue;
            }
            let mut slop = 0;
            if chars.get(i) == Some(&'~') {
                let digits: String = chars[i + 1..]
                    .iter()
                    .take_while(|c| c.is_ascii_digit())
                    .collect();
                if digits.is_empty() {
                    return Err(Error::Query(format!(
                        "~ at character {} must be followed by a number of words, as in \"plan lazo\"~3",
                        i + 1
                    )));
                }
                // Slop is not limited: past what a u32 holds, it is as wide.
                slop = digits.parse().unwrap_or(u32::MAX);
                i += 1 + digits.len();
            }
            if let Some(&next) = chars.get(i)
                && !next.is_whitespace()
                && next != ')'
            {
                let mut message = unsupported_after(next, i + 1);
                // `"el “bogotazo” siguió"`: a quotation pasted inside a
                // phrase closed it with its opening mark.
                if matches!(chars[end], '“' | '„' | '«' | '‟') && chars[end] != c {
                    message.push_str(&format!(
                        " (the {:?} at character {} closes the phrase opened at character {column}: leave out the quotation marks inside a phrase)",
                        chars[end],
                        end + 1
                    ));
                }
                return Err(Error::Query(message));
            }
            push(&mut out, TokenKind::Phrase { text, slop });
        } else {
            let start = i;
            while i < chars.len() && !ends_word(chars[i]) {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            if let Some(at) = word.find(['~', '^']) {
                let column = start + word[..at].chars().count() + 1;
                return Err(Error::Query(unsupported_after(
                    word[at..].chars().next().unwrap_or('~'),
                    column,
                )));
            }
            refuse_leading_wildcard(&word, column)?;
            let sign = match out.last().map(|l| &l.kind) {
                Some(TokenKind::Minus) => "-",
                Some(TokenKind::Plus) => "+",
                _ => "",
            };
            refuse_inner_wildcards(word.trim_end_matches('*'), column, sign)?;
            let after_sign = !sign.is_empty();
            let operator = matches!(word.as_str(), "AND" | "&&" | "OR" | "||" | "NOT");
            // Punctuation between a sign and a phrase or a group
            // (`--"colombia"`, `-!(a b)`) is no term: dropped as a term of
            // punctuation is, it would take the sign along and the query
            // would mean the opposite. The sign applies to what follows.
            if after_sign
                && !operator
                && !word.chars().any(char::is_alphanumeric)
                && chars
                    .get(i)
                    .is_some_and(|&next| next == '(' || is_quote(next))
            {
                continue;
            }
            let kind = match word.as_str() {
                "AND" | "&&" => TokenKind::And,
                "OR" | "||" => TokenKind::Or,
                "NOT" => TokenKind::Not,
                // After a sign, a field's name may follow punctuation
                // (`--title:x` is `-title:x`, as `--word` is `-word`).
                _ => match word.split_once(':') {
                    Some((written, rest)) => {
                        let name = if after_sign {
                            written.trim_start_matches(|c: char| !c.is_alphanumeric())
                        } else {
                            written
                        };
                        let column = column + written.chars().count() - name.chars().count();
                        match Target::from_name(name) {
                            Some(target) => {
                                push(&mut out, TokenKind::Field(target));
                                if rest.is_empty() {
                                    if i >= chars.len()
                                        || chars[i].is_whitespace()
                                        || chars[i] == ')'
                                    {
                                        return Err(Error::Query(format!(
                                            "{name}: at character {column} needs a word or a \"phrase\" right after the colon"
                                        )));
                                    }
                                    continue;
                                }
                                let value_column = column + name.chars().count() + 1;
                                refuse_leading_wildcard(rest, value_column)?;
                                refuse_sign_after_colon(name, rest, value_column)?;
                                TokenKind::Word(rest.to_string())
                            }
                            // Not a field we know: `http://…` or `10:30` is just text.
                            None => TokenKind::Word(word),
                        }
                    }
                    None => TokenKind::Word(word),
                },
            };
            push(&mut out, kind);
        }
    }
    Ok(out)
}

/// The message for syntax other engines accept and cita does not.
fn unsupported_after(symbol: char, column: usize) -> String {
    match symbol {
        '~' => format!(
            "fuzzy matching (word~N) is not supported (character {column}); use a prefix (word*) or a \"phrase\"~N"
        ),
        '^' => format!("boosts (^N) are not supported (character {column})"),
        '.' => format!("~ takes a whole number of words (character {column})"),
        other => {
            format!("unexpected {other:?} right after a phrase at character {column}; add a space")
        }
    }
}

/// `title:-relations` reads as excluding titles with the word, but the sign
/// would be dropped with the word's other punctuation and the query mean
/// the opposite: refused, saying the sign goes before the field, or that a
/// value starting with it is quoted (`source:"-draft"`).
fn refuse_sign_after_colon(field: &str, value: &str, column: usize) -> Result<()> {
    let Some(sign @ ('-' | '+')) = value.chars().next() else {
        return Ok(());
    };
    let rest = &value[1..];
    let quoted = format!("quote a value that starts with it, as in {field}:\"{value}\"");
    let advice = if rest.starts_with(char::is_alphanumeric) {
        format!("put it before the field, as in {sign}{field}:{rest}, or {quoted}")
    } else {
        quoted
    };
    Err(Error::Query(format!(
        "{sign} at character {column} is inside the field's value; {advice}"
    )))
}

/// A `*` before a word (`*lazo`) would have to read the whole dictionary;
/// it is refused rather than read as the word without it.
fn refuse_leading_wildcard(word: &str, column: usize) -> Result<()> {
    if word.starts_with('*') && word.chars().any(char::is_alphanumeric) {
        let rest = word.trim_matches(|c: char| !c.is_alphanumeric());
        return Err(Error::Query(wildcard_before_word(column, rest)));
    }
    Ok(())
}

/// Why a `*` at character `at`, before the word `rest`, is refused.
fn wildcard_before_word(at: usize, rest: &str) -> String {
    format!(
        "a * before a word (character {at}) is not supported; put it after the beginning of the word, as in {rest}*"
    )
}

/// The text of a phrase written `"plan laz*"`, a `*` ending its last word
/// (after a letter or digit, whatever follows in spaces), without the `*`:
/// the phrase prefix `"plan laz"*`.
fn inner_prefix(text: &str) -> Option<&str> {
    let stripped = text.trim_end().strip_suffix('*')?;
    stripped
        .ends_with(char::is_alphanumeric)
        .then_some(stripped)
}

/// A `*` inside a word (`wom*n`, `s**t`) or before a word after a field
/// name (`title:*lazo`) would be dropped as punctuation, the word read as
/// a phrase of its parts (`"wom n"`): it is refused, saying where a `*` may
/// go and that a quoted phrase takes it as punctuation (`"M*A*S*H"`, as a
/// phrase's words are read). `word` starts at character `column` of the
/// query, after `sign` (`-`, `+` or none), which the advice keeps; a `*` at
/// its end (a prefix) has been taken off, and one before punctuation
/// (`lazo*.`) is no wildcard.
fn refuse_inner_wildcards(word: &str, column: usize, sign: &str) -> Result<()> {
    let chars: Vec<char> = word.chars().collect();
    for (j, &c) in chars.iter().enumerate() {
        if c != '*' || !chars.get(j + 1).is_some_and(|c| c.is_alphanumeric()) {
            continue;
        }
        let before = chars[..j].iter().rev().find(|&&c| c != '*');
        let at = column + j;
        // The field's name, if the word starts with one, and the value.
        let field_end = chars
            .iter()
            .position(|&c| c == ':')
            .filter(|&colon| {
                Target::from_name(&chars[..colon].iter().collect::<String>()).is_some()
            })
            .map_or(0, |colon| colon + 1)
            .min(j);
        let field: String = chars[..field_end].iter().collect();
        let value: String = chars[field_end..].iter().collect();
        let quoted = format!("{sign}{field}\"{value}\"");
        if !before.is_some_and(|c| c.is_alphanumeric()) {
            let rest: String = chars[j + 1..]
                .iter()
                .take_while(|c| c.is_alphanumeric())
                .collect();
            let refused = wildcard_before_word(at, &rest);
            return Err(Error::Query(format!(
                "{refused}, or quote it to search the * as punctuation: {quoted}"
            )));
        }
        let head: String = chars[field_end..j].iter().collect();
        let head = head.trim_end_matches('*');
        return Err(Error::Query(format!(
            "a * inside a word (character {at}) is not supported: a * ends a word, as in {field}{head}*; quote it to search the * as punctuation: {quoted}"
        )));
    }
    Ok(())
}

/// A word too long to be indexed would find nothing alone and stand for
/// any word in a phrase; it is refused, saying why.
fn refuse_overlong_word(text: &str) -> Result<()> {
    let Some((word, chars)) = analysis::first_overlong_word(text) else {
        return Ok(());
    };
    let shown: String = word.chars().take(20).collect();
    Err(Error::Query(format!(
        "`{shown}…` is a word of {chars} characters; words of {} or more (combining accents not counted) are not indexed, so it cannot be searched",
        analysis::MAX_WORD_CHARS
    )))
}

/// `-` and `+` are operators only where a term could start.
fn at_token_start(out: &[Lexeme], chars: &[char], i: usize) -> bool {
    i == 0
        || chars[i - 1].is_whitespace()
        || chars[i - 1] == '('
        // `+-word` excludes, as `-+word` does (also before a phrase, a
        // group or a field: `-+title:x`); after a `-`, a second one
        // belongs to the word (`--word` excluded the word before `+` was
        // read this way, and still does).
        || match out.last().map(|l| &l.kind) {
            Some(TokenKind::Field(_) | TokenKind::Plus) => true,
            // Not before another sign: `-+-word` excludes once, as it did
            // when the `+-` was the word's.
            Some(TokenKind::Minus) => {
                chars[i] == '+' && !chars.get(i + 1).is_some_and(|&c| c == '-' || c == '+')
            }
            _ => false,
        }
}

// ---------------------------------------------------------------- parsing

/// Parses a query string into its syntax tree.
pub fn parse(query: &str) -> Result<Node> {
    // Before anything is made of it: a batch file's line of a million
    // words took 465 MB to parse before its words were counted.
    let chars = query.chars().count();
    if chars > MAX_QUERY_CHARS {
        return Err(Error::Query(format!(
            "the query is {chars} characters long; at most {MAX_QUERY_CHARS} are read (and {MAX_WORDS} words searched at once)"
        )));
    }
    let lexemes = lex(query)?;
    if lexemes.is_empty() {
        return Err(Error::Query("the query is empty".to_string()));
    }
    let mut parser = Parser {
        lexemes,
        at: 0,
        depth: 0,
    };
    let node = parser.or()?;
    if let Some(extra) = parser.peek() {
        return Err(Error::Query(format!(
            "unmatched ')' at character {}",
            extra.column
        )));
    }
    Ok(node)
}

/// The longest query read, in characters: room for [`MAX_WORDS`] words of
/// the longest an index holds, their operators and filters, many times
/// over. (The HTTP API's bound is lower: `q`'s 1,000 characters.)
pub const MAX_QUERY_CHARS: usize = 65_536;

/// Deeper nesting of parentheses and negations than this is refused, so
/// that no query can exhaust the stack.
const MAX_DEPTH: usize = 64;

/// A query searching more words than this is refused: each word reads its
/// own postings (a common word a good share of the index), so a query's
/// cost grows with its words. At this bound the costliest queries (all
/// words common, in an AND or a sloppy phrase) take under a second on the
/// 78 MB bench corpus; see the README's query syntax.
pub const MAX_WORDS: usize = 32;

/// A query with more prefixes (`word*`) than this is refused: each prefix
/// reads every word of the index that begins with it.
pub const MAX_PREFIXES: usize = 8;

/// A query with more `*` than this is refused: each matches every passage,
/// and 500 of them (a 1,000-character query) took 2.4 s of a server's
/// search slot on the bench corpus, past the point a search can be stopped.
pub const MAX_EVERYTHING: usize = 8;

/// A query with more path filters (`source:`, `entry:`, `format:`) than
/// this is refused: each reads and folds every path of the index, and
/// `source:/` keeps them all; 111 of them (a 1,000-character query) took
/// 2.7 s over 12,000 files, past the point a search can be stopped.
pub const MAX_PATH_FILTERS: usize = 8;

struct Parser {
    lexemes: Vec<Lexeme>,
    at: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Lexeme> {
        self.lexemes.get(self.at)
    }

    fn next(&mut self) -> Option<Lexeme> {
        let lexeme = self.lexemes.get(self.at).cloned();
        self.at += 1;
        lexeme
    }

    fn ends_term(&self) -> bool {
        matches!(
            self.peek().map(|l| &l.kind),
            None | Some(TokenKind::Close | TokenKind::Or | TokenKind::And)
        )
    }

    fn or(&mut self) -> Result<Node> {
        let mut alternatives = vec![self.and()?];
        while let Some(TokenKind::Or) = self.peek().map(|l| &l.kind) {
            let column = self.next().map_or(0, |l| l.column);
            if self.ends_term() {
                return Err(Error::Query(format!(
                    "OR at character {column} needs a term after it"
                )));
            }
            alternatives.push(self.and()?);
        }
        Ok(if alternatives.len() == 1 {
            alternatives.pop().expect("one alternative")
        } else {
            Node::Or(alternatives)
        })
    }

    fn and(&mut self) -> Result<Node> {
        let mut items = Vec::new();
        loop {
            match self.peek().map(|l| (l.kind.clone(), l.column)) {
                None | Some((TokenKind::Close, _)) => break,
                Some((TokenKind::Or, column)) => {
                    if items.is_empty() {
                        return Err(Error::Query(format!(
                            "OR at character {column} needs a term before it"
                        )));
                    }
                    break;
                }
                Some((TokenKind::And, column)) => {
                    self.next();
                    if items.is_empty() {
                        return Err(Error::Query(format!(
                            "AND at character {column} needs a term before it"
                        )));
                    }
                    if self.ends_term() {
                        return Err(Error::Query(format!(
                            "AND at character {column} needs a term after it"
                        )));
                    }
                }
                Some(_) => items.push(self.unary()?),
            }
        }
        Ok(match items.len() {
            1 => items.pop().expect("one item"),
            _ => Node::And(items),
        })
    }

    fn unary(&mut self) -> Result<Node> {
        self.depth += 1;
        // The innermost item (a word, a phrase) nests nothing.
        if self.depth > MAX_DEPTH + 1 {
            return Err(Error::Query(format!(
                "the query nests parentheses or negations more than {MAX_DEPTH} deep"
            )));
        }
        let node = self.unary_inner();
        self.depth -= 1;
        node
    }

    fn unary_inner(&mut self) -> Result<Node> {
        let lexeme = self.next().expect("unary is called before a lexeme");
        match lexeme.kind {
            TokenKind::Minus | TokenKind::Not => {
                if self.ends_term() {
                    let what = if lexeme.kind == TokenKind::Not {
                        "NOT"
                    } else {
                        "-"
                    };
                    return Err(Error::Query(format!(
                        "{what} at character {} needs a term after it",
                        lexeme.column
                    )));
                }
                Ok(Node::Not(Box::new(self.unary()?)))
            }
            TokenKind::Plus => {
                if self.ends_term() {
                    return Err(Error::Query(format!(
                        "+ at character {} needs a term after it",
                        lexeme.column
                    )));
                }
                self.unary()
            }
            TokenKind::Open => {
                let inner = self.or()?;
                match self.next() {
                    Some(Lexeme {
                        kind: TokenKind::Close,
                        ..
                    }) => {}
                    _ => {
                        return Err(Error::Query(format!(
                            "the '(' at character {} is never closed",
                            lexeme.column
                        )));
                    }
                }
                if inner == Node::And(Vec::new()) {
                    return Err(Error::Query(format!(
                        "empty parentheses at character {}",
                        lexeme.column
                    )));
                }
                Ok(inner)
            }
            TokenKind::Field(target) => match self.next().map(|l| l.kind) {
                Some(TokenKind::Word(word)) => Ok(Node::Leaf(target, word_leaf(&word))),
                Some(TokenKind::Phrase { text, slop }) => {
                    Ok(Node::Leaf(target, Leaf::Phrase { text, slop }))
                }
                Some(TokenKind::QuotedPrefix(text)) => Ok(Node::Leaf(target, Leaf::Prefix(text))),
                _ => Err(Error::Query(format!(
                    "the field at character {} needs a word or a \"phrase\" right after the colon",
                    lexeme.column
                ))),
            },
            TokenKind::Word(word) if word == "*" => Ok(Node::All),
            TokenKind::Word(word) => Ok(Node::Leaf(Target::Text, word_leaf(&word))),
            TokenKind::Phrase { text, slop } => {
                Ok(Node::Leaf(Target::Text, Leaf::Phrase { text, slop }))
            }
            TokenKind::QuotedPrefix(text) => Ok(Node::Leaf(Target::Text, Leaf::Prefix(text))),
            TokenKind::Close | TokenKind::And | TokenKind::Or => {
                unreachable!("and() stops before these")
            }
        }
    }
}

fn word_leaf(word: &str) -> Leaf {
    match word.strip_suffix('*') {
        Some(prefix) if !prefix.is_empty() => Leaf::Prefix(prefix.to_string()),
        _ => Leaf::Word(word.to_string()),
    }
}

// ---------------------------------------------------------------- compiling

/// A query ready to run: the tantivy query and what to highlight.
pub struct Compiled {
    /// The query to hand to the searcher.
    pub query: Box<dyn Query>,
    /// What to mark in the passage text of each hit.
    pub highlight: HighlightPlan,
    /// Whether the query counts its matches without scoring them and skips
    /// those that cannot reach a score threshold (a plain word's scorer), so
    /// a top-k search may prune (`ranking::TopWithTies::pruned`).
    pub prunable: bool,
    /// Where its BM25 figures come from.
    pub statistics: Statistics,
    /// The inflections its words' weights find, for the partial matches of
    /// the same search ([`partial::compile`]) to share.
    pub memo: InflectionMemo,
}

impl Compiled {
    /// Keeps only the matches that `filter` also matches, their scores
    /// untouched (a filter around a word scorer keeps it from pruning).
    pub fn restrict(&mut self, filter: Box<dyn Query>) {
        let query = std::mem::replace(&mut self.query, Box::new(AllQuery));
        self.query = Box::new(BooleanQuery::new(vec![
            (Occur::Must, query),
            (Occur::Must, Box::new(ConstScoreQuery::new(filter, 0.0))),
        ]));
        self.prunable = false;
    }
}

/// Publication-date bounds, both inclusive.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DateRange {
    /// First day included.
    pub since: Option<Date>,
    /// Last day included.
    pub until: Option<Date>,
}

impl DateRange {
    /// A request's publication-date bounds.
    pub fn of(request: &SearchRequest) -> DateRange {
        DateRange {
            since: request.since,
            until: request.until,
        }
    }
}

/// `request`'s query compiled against `fields` with its date bounds,
/// scoring with `statistics`, once its options pass: the one place, and
/// the one order, in which a search refuses a bad request (a snippet
/// length of 0, then dates that exclude each other, then the query as read
/// and as compiled), so that one index and an archive's shards refuse it
/// with the same error ([`check`]).
pub fn compile_request(
    request: &SearchRequest,
    fields: &Fields,
    statistics: &Statistics,
) -> Result<Compiled> {
    check_options(request)?;
    let node = parse(&request.query)?;
    compile(&node, fields, DateRange::of(request), statistics)
}

/// Refuses `request`'s options that no query could make good (a snippet
/// length of 0, dates that exclude each other), as [`compile_request`]
/// does first: a batch checks its template with it before any query, so
/// that a bad option is one error (exit 2), not one per query.
pub fn check_options(request: &SearchRequest) -> Result<()> {
    if request.snippet_chars == 0 {
        return Err(Error::InvalidOption(
            "the snippet length must be at least 1 character".to_string(),
        ));
    }
    if let (Some(since), Some(until)) = (request.since, request.until)
        && since > until
    {
        return Err(Error::InvalidOption(format!(
            "the start date {since} is after the end date {until}: no date can match"
        )));
    }
    Ok(())
}

/// Refuses `request` as a search of any index would ([`compile_request`]),
/// without one: compiling reads no index, only the schema's fields, so a
/// search over shards refuses before asking any what every shard would
/// (each worker would log the failure, and a typo is the caller's, not a
/// shard's).
pub fn check(request: &SearchRequest) -> Result<()> {
    let (_, fields) = schema::build();
    compile_request(request, &fields, &Statistics::Local).map(drop)
}

/// Compiles a parsed query against the index fields, adding date bounds;
/// it scores with `statistics`' figures.
pub fn compile(
    node: &Node,
    fields: &Fields,
    dates: DateRange,
    statistics: &Statistics,
) -> Result<Compiled> {
    let memo = InflectionMemo::default();
    let mut compiler = Compiler::new(fields, statistics, &memo);
    let root = compiler
        .node(node, false)?
        .ok_or_else(|| Error::Query("the query has no words to search for".to_string()))?;
    let root: Box<dyn Query> = Box::new(Substance::new(root, fields.text));
    if compiler.prefixes > MAX_PREFIXES {
        return Err(Error::Query(format!(
            "the query has {} prefixes (word*); at most {MAX_PREFIXES} are allowed",
            compiler.prefixes
        )));
    }
    if compiler.everything > MAX_EVERYTHING {
        return Err(Error::Query(format!(
            "the query has {} `*`; at most {MAX_EVERYTHING} are allowed (one matches every passage)",
            compiler.everything
        )));
    }
    if compiler.path_filters > MAX_PATH_FILTERS {
        return Err(Error::Query(format!(
            "the query has {} path filters (source:, entry:, format:); at most {MAX_PATH_FILTERS} are allowed (each reads every path of the index)",
            compiler.path_filters
        )));
    }
    if compiler.words > MAX_WORDS {
        return Err(Error::Query(format!(
            "the query searches {} words; at most {MAX_WORDS} are searched at once (split it into several queries, e.g. with `cita batch`)",
            compiler.words
        )));
    }
    // A lone text word compiles to a word scorer, which prunes; a filter
    // around it would not.
    let filter = date_filter(fields.date, dates);
    let prunable = filter.is_none()
        && matches!(node, Node::Leaf(Target::Text, Leaf::Word(_)))
        && compiler.word_scorers == 1;
    let query = match filter {
        Some(filter) => Box::new(BooleanQuery::new(vec![
            (Occur::Must, root),
            (Occur::Must, filter),
        ])),
        None => root,
    };
    Ok(Compiled {
        query,
        highlight: HighlightPlan::with_labels(compiler.matchers, compiler.labels),
        prunable,
        statistics: statistics.clone(),
        memo,
    })
}

/// The passages published within `dates`, scoring nothing: tantivy's range
/// query scores a passage 1 or 0 depending on how it reads the dates of the
/// passage's segment, so a filter that kept every passage reordered them,
/// and shards scored otherwise than one index.
fn date_filter(field: Field, dates: DateRange) -> Option<Box<dyn Query>> {
    if dates.since.is_none() && dates.until.is_none() {
        return None;
    }
    let term = |date: Date| Bound::Included(Term::from_field_i64(field, date.days()));
    let lower = dates.since.map_or(Bound::Unbounded, term);
    let upper = dates.until.map_or(Bound::Unbounded, term);
    let range = Box::new(RangeQuery::new(lower, upper));
    Some(Box::new(ConstScoreQuery::new(range, 0.0)))
}

struct Compiler<'a> {
    fields: &'a Fields,
    statistics: &'a Statistics,
    memo: &'a InflectionMemo,
    folding: Folding,
    matchers: Vec<Matcher>,
    /// The query term of each matcher, as written, for `matched`.
    labels: Vec<String>,
    /// How many plain text words compiled to a word scorer.
    word_scorers: usize,
    /// Words searched, each word of a phrase or prefix counted (see [`MAX_WORDS`]).
    words: usize,
    /// Prefixes searched (see [`MAX_PREFIXES`]).
    prefixes: usize,
    /// `*` (see [`MAX_EVERYTHING`]).
    everything: usize,
    /// `source:`, `entry:` and `format:` (see [`MAX_PATH_FILTERS`]).
    path_filters: usize,
}

type Clause = (Occur, Box<dyn Query>);

/// The clauses as one query scoring the sum of those that match, the
/// same sum in whatever order tantivy adds them ([`quantized`]).
fn summed(clauses: Vec<Clause>) -> Box<dyn Query> {
    let scoring = clauses
        .iter()
        .filter(|(occur, _)| *occur != Occur::MustNot)
        .count();
    let clauses = clauses.into_iter().map(|(occur, query)| match occur {
        Occur::Must | Occur::Should if scoring > 1 => (occur, quantized(query)),
        _ => (occur, query),
    });
    Box::new(BooleanQuery::new(clauses.collect()))
}

impl<'a> Compiler<'a> {
    fn new(
        fields: &'a Fields,
        statistics: &'a Statistics,
        memo: &'a InflectionMemo,
    ) -> Compiler<'a> {
        Compiler {
            fields,
            statistics,
            memo,
            folding: Folding::default(),
            matchers: Vec::new(),
            labels: Vec::new(),
            word_scorers: 0,
            words: 0,
            prefixes: 0,
            everything: 0,
            path_filters: 0,
        }
    }

    /// The query for `node`, or `None` when it has no searchable words.
    fn node(&mut self, node: &Node, negated: bool) -> Result<Option<Box<dyn Query>>> {
        match node {
            Node::All => {
                self.everything += 1;
                Ok(Some(Box::new(AllQuery)))
            }
            Node::Leaf(target, leaf) => self.leaf(*target, leaf, negated),
            Node::Not(inner) => Err(only_excluded(negated || matches!(**inner, Node::Not(_)))),
            Node::Or(alternatives) => {
                let mut clauses: Vec<Clause> = Vec::new();
                for alternative in alternatives {
                    if matches!(alternative, Node::Not(_)) {
                        return Err(Error::Query(
                            "an excluded term cannot be an OR alternative; group it, as in `(plan -colombia) OR lazo`"
                                .to_string(),
                        ));
                    }
                    if let Some(query) = self.node(alternative, negated)? {
                        clauses.push((Occur::Should, query));
                    }
                }
                Ok((!clauses.is_empty()).then(|| summed(clauses)))
            }
            Node::And(items) => self.and(items, negated),
        }
    }

    fn and(&mut self, items: &[Node], negated: bool) -> Result<Option<Box<dyn Query>>> {
        let mut clauses: Vec<Clause> = Vec::new();
        let mut required = 0;
        let mut excluded = 0;
        for item in items {
            match item {
                Node::Not(inner) => {
                    excluded += 1;
                    // Once excluded, always: `-(petro -bogota)` only removes
                    // passages, it never makes `bogota` why one matched.
                    if let Some(query) = self.node(inner, true)? {
                        clauses.push((Occur::MustNot, query));
                    }
                }
                _ => {
                    if let Some(query) = self.node(item, negated)? {
                        required += 1;
                        clauses.push((Occur::Must, query));
                    }
                }
            }
        }
        if required == 0 {
            return if excluded > 0 {
                Err(only_excluded(negated))
            } else {
                Ok(None)
            };
        }
        if let Some(proximity) = self.proximity(items) {
            clauses.push((Occur::Should, proximity));
        }
        Ok(Some(summed(clauses)))
    }

    /// A bonus for passages where the plain words of an AND stand close
    /// together, in the forms typed (a phrase cannot hold inflections).
    fn proximity(&mut self, items: &[Node]) -> Option<Box<dyn Query>> {
        let words: Vec<Term> = items
            .iter()
            .filter_map(|item| match item {
                Node::Leaf(Target::Text, Leaf::Word(word)) => {
                    let tokens = self.folding.tokens(word);
                    (tokens.len() == 1)
                        .then(|| Term::from_field_text(self.fields.text, &tokens[0].term))
                }
                _ => None,
            })
            .collect();
        if words.len() < 2 {
            return None;
        }
        let terms = words.into_iter().enumerate().collect();
        let phrase = ExactPhraseQuery::new(terms).with_slop(PROXIMITY_SLOP);
        Some(Box::new(BoostQuery::new(Box::new(phrase), PROXIMITY_BOOST)))
    }

    fn leaf(
        &mut self,
        target: Target,
        leaf: &Leaf,
        negated: bool,
    ) -> Result<Option<Box<dyn Query>>> {
        let text = match leaf {
            Leaf::Word(text) | Leaf::Prefix(text) | Leaf::Phrase { text, .. } => text,
        };
        refuse_overlong_word(text)?;
        let tokens = self.folding.tokens(text);
        let folder = matches!(target, Target::Source | Target::Entry)
            && text.trim_end().ends_with('/')
            && !matches!(leaf, Leaf::Prefix(_));
        // A term of punctuation alone is dropped; a field's value of none
        // would take its condition along (a script's `title:"$X"` with X
        // empty searching everything), except the root folder, `source:/`.
        if tokens.is_empty() {
            match target.name() {
                None => return Ok(None),
                Some(_) if folder && text.trim_start().starts_with('/') => {}
                Some(name) => {
                    return Err(Error::Query(format!(
                        "{name}:{text:?} has no word to look for"
                    )));
                }
            }
        }
        self.words += tokens.len();
        self.prefixes += usize::from(matches!(leaf, Leaf::Prefix(_)));
        self.path_filters += usize::from(matches!(
            target,
            Target::Source | Target::Entry | Target::Format
        ));
        let fields = self.fields;
        if target == Target::Language {
            return language_filter(fields.language, leaf, text).map(Some);
        }
        if target == Target::Format {
            return format_filter(fields.source, leaf, text).map(Some);
        }
        let (field, inflected) = match target {
            Target::Text => (fields.text, true),
            Target::Title => (fields.title, true),
            Target::Section => (fields.section, true),
            Target::Publication => (fields.publication, false),
            Target::Author => (fields.author, false),
            Target::Language | Target::Format => unreachable!("read above"),
            Target::Source | Target::Entry => {
                let paths = match target {
                    Target::Source => fields.source,
                    _ => fields.entry,
                };
                return Ok(Some(Box::new(match folder {
                    true => SourceQuery::under(paths, text, target == Target::Entry),
                    false => SourceQuery::new(paths, path_matcher(leaf, &tokens)),
                })));
            }
        };
        let highlight = target == Target::Text && !negated;
        let query: Box<dyn Query> = match leaf {
            Leaf::Word(word) if tokens.len() == 1 && target == Target::Text => {
                self.text_word(word, &written(text, &tokens[0]), &tokens[0].term, highlight)
            }
            Leaf::Word(_) if tokens.len() == 1 && inflected => {
                let typed = written(text, &tokens[0]);
                let mut query = InflectionQuery::new(field, typed, tokens[0].term.clone(), None)
                    .in_languages_of(fields.language)
                    .with_statistics(self.statistics.clone())
                    .sharing(self.memo);
                if let Some(accented) = fields.accented_stems_of(field) {
                    query = query.with_accented_stems(accented);
                }
                Box::new(query)
            }
            Leaf::Word(_) if tokens.len() == 1 => term_query(field, &tokens[0].term),
            Leaf::Prefix(_) if tokens.len() == 1 => {
                if highlight {
                    self.matchers.push(Matcher::Prefix(tokens[0].term.clone()));
                    self.labels.push(format!("{text}*"));
                }
                let term = Term::from_field_text(field, &tokens[0].term);
                Box::new(FuzzyTermQuery::new_prefix(term, 0, true))
            }
            Leaf::Prefix(_) => {
                if highlight {
                    self.matchers.push(Matcher::PhrasePrefix(terms_of(&tokens)));
                    self.labels.push(format!("\"{text}\"*"));
                }
                Box::new(EveryPhrasePrefix::new(positioned_terms(field, &tokens)))
            }
            Leaf::Word(_) | Leaf::Phrase { .. } => {
                let slop = match leaf {
                    Leaf::Phrase { slop, .. } => *slop,
                    _ => 0,
                };
                if highlight {
                    self.matchers.push(Matcher::Phrase {
                        terms: terms_of(&tokens),
                        slop,
                    });
                    self.labels.push(match leaf {
                        Leaf::Phrase { slop: 0, .. } => format!("\"{text}\""),
                        Leaf::Phrase { slop, .. } => format!("\"{text}\"~{slop}"),
                        _ => text.clone(),
                    });
                }
                // A quoted word of the text goes through the phrase's
                // scorer, which reads lengths as ranking does.
                let core: Box<dyn Query> = if tokens.len() == 1 && target != Target::Text {
                    term_query(field, &tokens[0].term)
                } else {
                    Box::new(
                        ExactPhraseQuery::new(positioned_terms(field, &tokens)).with_slop(slop),
                    )
                };
                if target == Target::Text {
                    self.with_heading_boosts(core, &tokens)
                } else {
                    core
                }
            }
        };
        Ok(Some(query))
    }

    /// A plain word in the text: any inflection matches, the exact form and
    /// heading matches add to the score.
    fn text_word(
        &mut self,
        word: &str,
        typed: &str,
        folded: &str,
        highlight: bool,
    ) -> Box<dyn Query> {
        let mut query = InflectionQuery::new(
            self.fields.text,
            typed.to_string(),
            folded.to_string(),
            Some(EXACT_FORM_TIER),
        )
        .in_languages_of(self.fields.language)
        .with_accented_stems(self.fields.accented_stems)
        .with_statistics(self.statistics.clone())
        .sharing(self.memo);
        for (field, weight) in self.heading_bonuses() {
            query = query.with_bonus(field, self.fields.accented_stems_of(field), weight);
        }
        self.word_scorers += 1;
        if highlight {
            self.matchers.push(Matcher::Word(typed.to_string()));
            self.labels.push(word.to_string());
        }
        Box::new(query)
    }

    /// Adds the heading bonuses to a phrase matched in the text (a plain
    /// word's scorer adds them itself, in the same windows as its text).
    fn with_heading_boosts(&self, core: Box<dyn Query>, words: &[Token]) -> Box<dyn Query> {
        let in_field = |field: Field| -> Box<dyn Query> {
            if words.len() == 1 {
                term_query(field, &words[0].term)
            } else {
                Box::new(ExactPhraseQuery::new(positioned_terms(field, words)))
            }
        };
        let mut clauses: Vec<Clause> = vec![(Occur::Must, core)];
        for (field, weight) in self.heading_bonuses() {
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(in_field(field), weight)),
            ));
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// The heading fields that add to a text match's score, with their
    /// weights (see [`HEADING_BONUSES`]).
    fn heading_bonuses(&self) -> impl Iterator<Item = (Field, f32)> + use<> {
        let fields = *self.fields;
        HEADING_BONUSES.into_iter().map(move |(heading, weight)| {
            let field = match heading {
                Heading::Section => fields.section,
                Heading::Title => fields.title,
            };
            (field, weight)
        })
    }
}

/// The error of a query, or of an excluded part of one (`negated`), that
/// only excludes: excluding an exclusion would have to find every passage
/// holding the word, which the query says more plainly.
fn only_excluded(negated: bool) -> Error {
    Error::Query(if negated {
        "a term excluded twice (`NOT NOT word`, `-(-word)`) asks for nothing: drop both exclusions to require the term".to_string()
    } else {
        "a query cannot only exclude: add a word to search for, as in `lazo -colombia`".to_string()
    })
}

/// What a `source:` leaf asks of a path's words: a word is a one-word phrase.
fn path_matcher(leaf: &Leaf, tokens: &[Token]) -> Matcher {
    match leaf {
        Leaf::Prefix(_) if tokens.len() == 1 => Matcher::Prefix(tokens[0].term.clone()),
        Leaf::Prefix(_) => Matcher::PhrasePrefix(terms_of(tokens)),
        Leaf::Word(_) => Matcher::Phrase {
            terms: terms_of(tokens),
            slop: 0,
        },
        Leaf::Phrase { slop, .. } => Matcher::Phrase {
            terms: terms_of(tokens),
            slop: *slop,
        },
    }
}

/// Whether `docs` holds `doc`, which may lie behind where it stands: a
/// fresh scorer already stands on its first match (or on `TERMINATED`:
/// tantivy's empty scorer), and a `DocSet` must never be asked to seek
/// backwards.
fn matches<D: DocSet + ?Sized>(docs: &mut D, doc: DocId) -> bool {
    docs.doc() <= doc && docs.seek(doc) == doc
}

fn term_query(field: Field, term: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, term),
        IndexRecordOption::WithFreqs,
    ))
}

/// The word `token` stands for in `text`, lower case, accents kept.
fn written(text: &str, token: &Token) -> String {
    let mut lower = String::new();
    analysis::lower_spelling(&text[token.from..token.to], &mut lower);
    lower
}

/// `lang:es`: the passages in the language with that ISO 639-1 code (or
/// the tag, three-letter code or name of one: `es-CO`, `spa`, `español`).
fn language_filter(field: Field, leaf: &Leaf, value: &str) -> Result<Box<dyn Query>> {
    let Some(code) = one_name(leaf) else {
        return Err(Error::Query(format!(
            "lang: takes a language code, as in `lang:es`, not {value:?}"
        )));
    };
    let language = Language::parse_declared(code).ok_or_else(|| unknown_language(code))?;
    Ok(language_terms(field, &[language]))
}

/// `format:pdf`: the passages of files in that format, named as
/// [`Format::name`] names it (`text`, `markdown`, `pdf`, `zip`…).
fn format_filter(field: Field, leaf: &Leaf, value: &str) -> Result<Box<dyn Query>> {
    let Some(name) = one_name(leaf) else {
        return Err(Error::Query(format!(
            "format: takes a format name, as in `format:pdf`, not {value:?}"
        )));
    };
    // The names are Format's serde names (the same as Format::name), so
    // serde's own message lists them all.
    let format = Format::deserialize(name.to_lowercase().into_deserializer()).map_err(
        |err: serde::de::value::Error| {
            let err = err.to_string().replace("unknown variant", "unknown format");
            Error::Query(format!("format:{name}: {err}"))
        },
    )?;
    Ok(Box::new(SourceQuery::of_format(field, format)))
}

/// The name a `lang:` or `format:` leaf gives: a word, or one quoted
/// (`lang:"es"` is `lang:es`); `None` for a prefix or a phrase of words.
fn one_name(leaf: &Leaf) -> Option<&str> {
    match leaf {
        Leaf::Word(name) => Some(name),
        Leaf::Phrase { text, .. } => {
            let name = text.trim();
            (!name.is_empty() && !name.contains(char::is_whitespace)).then_some(name)
        }
        Leaf::Prefix(_) => None,
    }
}

/// The error for a language code cita does not know.
fn unknown_language(code: &str) -> Error {
    Error::Query(format!(
        "unknown language code {code:?}: {}",
        crate::language::KNOWN_LANGUAGES
    ))
}

/// The passages of documents published by `publication`, the whole name
/// as written (as the facets list it).
pub fn publication_is(publication: &str) -> Box<dyn Query> {
    Box::new(whole_value::WholeValueQuery::new(
        crate::schema::names::PUBLICATION,
        publication.to_string(),
    ))
}

/// The passages of documents by `author`, the whole name as written (as
/// the facets list it).
pub fn author_is(author: &str) -> Box<dyn Query> {
    Box::new(whole_value::WholeValueQuery::new(
        crate::schema::names::AUTHOR,
        author.to_string(),
    ))
}

/// The passages in any of `languages`.
pub fn language_terms(field: Field, languages: &[Language]) -> Box<dyn Query> {
    let terms = languages
        .iter()
        .map(|language| Term::from_field_u64(field, language.id()));
    Box::new(TermSetQuery::new(terms))
}

fn positioned_terms(field: Field, tokens: &[Token]) -> Vec<(usize, Term)> {
    terms_of(tokens)
        .into_iter()
        .map(|(position, term)| (position, Term::from_field_text(field, &term)))
        .collect()
}

fn terms_of(tokens: &[Token]) -> Vec<(usize, String)> {
    let first = tokens[0].position;
    tokens
        .iter()
        .map(|t| (t.position - first, t.term.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(w: &str) -> Node {
        Node::Leaf(Target::Text, Leaf::Word(w.to_string()))
    }

    fn error(query: &str) -> String {
        match parse(query) {
            Err(Error::Query(message)) => message,
            other => panic!("{query:?} should fail, got {other:?}"),
        }
    }

    #[test]
    fn words_are_all_required_by_default() {
        assert_eq!(
            parse("plan lazo").unwrap(),
            Node::And(vec![word("plan"), word("lazo")])
        );
        assert_eq!(parse("plan AND lazo").unwrap(), parse("plan lazo").unwrap());
    }

    #[test]
    fn format_is_a_field_prefix() {
        assert_eq!(
            parse("visa format:pdf").unwrap(),
            Node::And(vec![
                word("visa"),
                Node::Leaf(Target::Format, Leaf::Word("pdf".to_string()))
            ])
        );
    }

    #[test]
    fn and_binds_tighter_than_or() {
        assert_eq!(
            parse("a b OR c").unwrap(),
            Node::Or(vec![Node::And(vec![word("a"), word("b")]), word("c")])
        );
        assert_eq!(
            parse("a (b OR c)").unwrap(),
            Node::And(vec![word("a"), Node::Or(vec![word("b"), word("c")])])
        );
    }

    #[test]
    fn minus_and_not_exclude() {
        let expected = Node::And(vec![word("lazo"), Node::Not(Box::new(word("colombia")))]);
        assert_eq!(parse("lazo -colombia").unwrap(), expected);
        assert_eq!(parse("lazo NOT colombia").unwrap(), expected);
        // A hyphen inside a word is not an operator.
        assert_eq!(
            parse("counter-insurgency").unwrap(),
            word("counter-insurgency")
        );
        // `+` (required, as every word is) and `-` read alike in either
        // order, and a doubled `-` excludes once.
        assert_eq!(parse("lazo +-colombia").unwrap(), expected);
        assert!(matches!(
            &parse("lazo -+colombia").unwrap(),
            Node::And(items) if matches!(items[1], Node::Not(_))
        ));
        assert!(matches!(
            &parse("lazo --colombia").unwrap(),
            Node::And(items) if matches!(items[1], Node::Not(_))
        ));
        // So before a phrase, a group or a field: punctuation between the
        // sign and the term does not take the sign away.
        let phrase = Node::Leaf(
            Target::Text,
            Leaf::Phrase {
                text: "colombia".to_string(),
                slop: 0,
            },
        );
        let excluded = |term: Node| Node::And(vec![word("lazo"), Node::Not(Box::new(term))]);
        for query in [
            r#"lazo -+"colombia""#,
            r#"lazo --"colombia""#,
            r#"lazo -!"colombia""#,
            r#"lazo -"colombia""#,
        ] {
            assert_eq!(parse(query).unwrap(), excluded(phrase.clone()), "{query}");
        }
        for query in ["lazo -+(colombia)", "lazo -¡(colombia)"] {
            assert_eq!(parse(query).unwrap(), expected, "{query}");
        }
        let title = Node::Leaf(Target::Title, Leaf::Word("colombia".to_string()));
        for query in [
            "lazo -+title:colombia",
            "lazo --title:colombia",
            "lazo -title:colombia",
        ] {
            assert_eq!(parse(query).unwrap(), excluded(title.clone()), "{query}");
        }
        // Two signs and another: excluded once, as before phrases.
        assert!(matches!(
            &parse("lazo -+-colombia").unwrap(),
            Node::And(items) if matches!(items[1], Node::Not(_))
        ));
        assert_eq!(
            parse(r#"lazo -+-"colombia""#).unwrap(),
            excluded(phrase.clone())
        );
        // An operator glued to a phrase or a group is still one.
        let either = |term: Node| Node::Or(vec![word("lazo"), term]);
        assert_eq!(parse(r#"lazo ||"colombia""#).unwrap(), either(phrase));
        assert_eq!(
            parse("(lazo)||(colombia)").unwrap(),
            either(word("colombia"))
        );
        // Without a sign, punctuation before a field's name is text.
        assert_eq!(
            parse("lazo ||title:colombia").unwrap(),
            Node::And(vec![word("lazo"), word("||title:colombia")])
        );
        assert_eq!(
            parse("lazo +colombia").unwrap(),
            Node::And(vec![word("lazo"), word("colombia")])
        );
    }

    #[test]
    fn typographic_quotes_delimit_phrases_and_take_a_slop() {
        let phrase = |text: &str, slop| {
            Node::Leaf(
                Target::Text,
                Leaf::Phrase {
                    text: text.into(),
                    slop,
                },
            )
        };
        assert_eq!(parse("“Plan LAZO”").unwrap(), phrase("Plan LAZO", 0));
        assert_eq!(
            parse("\"Colombia LAZO\"~4").unwrap(),
            phrase("Colombia LAZO", 4)
        );
        assert_eq!(parse("„Plan LAZO“").unwrap(), phrase("Plan LAZO", 0));
        // A quotation pasted inside a phrase closes it: the error says so.
        let said = parse("\"el “bogotazo” siguió\"").unwrap_err().to_string();
        assert!(
            said.contains("the '“' at character 5 closes the phrase opened at character 1"),
            "{said}"
        );
        let said = parse("\"plan lazo\"x").unwrap_err().to_string();
        assert!(!said.contains("closes the phrase"), "{said}");
        for quoted in [
            "‹la lazo›",
            "›la lazo‹",
            "「la lazo」",
            "『la lazo』",
            "＂la lazo＂",
            "〝la lazo〞",
            "〝la lazo〟",
        ] {
            assert_eq!(parse(quoted).unwrap(), phrase("la lazo", 0), "{quoted}");
        }
        assert_eq!(parse("「首都」~2").unwrap(), phrase("首都", 2));
        // A quotation nested in a phrase is punctuation inside it.
        for nested in [
            "«il dit ‹ c'est fini › hier»",
            "\"the word ‹plan› is\"",
            "「私は『吾輩は猫である』を読んだ」",
        ] {
            let inner: String = nested
                .chars()
                .skip(1)
                .take(nested.chars().count() - 2)
                .collect();
            assert_eq!(parse(nested).unwrap(), phrase(&inner, 0), "{nested}");
        }
        // One of them left open is punctuation, as before they quoted.
        assert_eq!(parse("plan ‹").unwrap(), parse("plan").unwrap());
        assert!(parse("「吾輩は猫である』").is_ok());
        assert!(error("\"plan lazo").contains("never closed"));
    }

    #[test]
    fn a_wildcard_goes_at_the_end_of_a_word_or_of_a_phrase() {
        let prefix = |text: &str| Node::Leaf(Target::Text, Leaf::Prefix(text.into()));
        // A `*` ending a phrase's last word inside the quotes is the
        // phrase prefix written after them.
        assert_eq!(parse("\"plan laz*\"").unwrap(), prefix("plan laz"));
        assert_eq!(parse("\"plan laz* \"").unwrap(), prefix("plan laz"));
        assert_eq!(parse("\"plan laz\"*").unwrap(), prefix("plan laz"));
        assert_eq!(parse("«laz*»").unwrap(), prefix("laz"));
        assert_eq!(
            parse("title:\"plan laz*\"").unwrap(),
            Node::Leaf(Target::Title, Leaf::Prefix("plan laz".into()))
        );
        assert!(error("\"plan laz*\"~2").contains("takes no ~N (character 12)"));
        // Anywhere else inside a word, it is refused, saying where it may
        // go and how to search it as punctuation.
        let inside = "is not supported: a * ends a word, as in wom*;";
        assert!(error("wom*n").contains(&format!("(character 4) {inside}")));
        assert!(error("wom*n").ends_with("as punctuation: \"wom*n\""));
        assert!(error("la wom*n*").contains("(character 7)"));
        assert!(
            error("s**t").contains("(character 3) is not supported: a * ends a word, as in s*;")
        );
        let field = error("title:wom*n");
        assert!(
            field.contains("(character 10)") && field.contains("as in title:wom*;"),
            "{field}"
        );
        assert!(field.ends_with("title:\"wom*n\""), "{field}");
        assert!(error("title:*lazo").contains("(character 7) is not supported; put it after"));
        // The advice keeps a sign, and a colon that names no field is text.
        assert!(error("-wom*n").ends_with(": -\"wom*n\""));
        assert!(error("plan:wom*n").ends_with(": \"plan:wom*n\""));
        assert!(error("https://x.org/a*b").ends_with(": \"https://x.org/a*b\""));
        assert!(error("10*3").contains("(character 3)"));
        // In a phrase, any other `*` is punctuation, as it was.
        for fine in [
            "lazo**",
            "\"plan * lazo\"",
            "\"*\"",
            "a * b",
            "lazo*.",
            "\"M*A*S*H\"",
            "\"char **argv\"",
            "\"plan* lazo\"",
            "\"plan *lazo\"",
        ] {
            assert!(parse(fine).is_ok(), "{fine}");
        }
        assert_eq!(
            parse("\"10*3\"").unwrap(),
            Node::Leaf(
                Target::Text,
                Leaf::Phrase {
                    text: "10*3".into(),
                    slop: 0
                }
            )
        );
    }

    #[test]
    fn fields_prefixes_and_lenient_colons() {
        assert_eq!(
            parse("title:relations").unwrap(),
            Node::Leaf(Target::Title, Leaf::Word("relations".into()))
        );
        assert_eq!(
            parse("section:\"Plan LAZO\"").unwrap(),
            Node::Leaf(
                Target::Section,
                Leaf::Phrase {
                    text: "Plan LAZO".into(),
                    slop: 0
                }
            )
        );
        assert_eq!(
            parse("revok*").unwrap(),
            Node::Leaf(Target::Text, Leaf::Prefix("revok".into()))
        );
        assert_eq!(parse("*").unwrap(), Node::All);
        assert_eq!(
            parse("\"Plan LA\"*").unwrap(),
            Node::Leaf(Target::Text, Leaf::Prefix("Plan LA".into()))
        );
        assert_eq!(parse("http://x.org").unwrap(), word("http://x.org"));
    }

    #[test]
    fn malformed_queries_say_what_is_wrong_and_where() {
        assert!(error("").contains("empty"));
        assert!(error("\"Plan LAZO").contains("character 1"));
        assert!(error("lazo AND").contains("AND at character 6 needs a term after it"));
        assert!(error("OR lazo").contains("needs a term before"));
        assert!(error("(plan lazo").contains("never closed"));
        assert!(error("plan)").contains("unmatched ')'"));
        assert!(error("plan NOT").contains("NOT at character 6"));
        assert!(error("title: plan").contains("after the colon"));
        assert!(error("\"a b\"~x").contains("number"));
        assert!(error("()").contains("empty parentheses"));
        assert!(error("lazo~2").contains("fuzzy matching"));
        assert!(error("lazo^2").contains("boosts"));
        assert!(error("\"plan lazo\"~1.5").contains("whole number"));
        assert!(error("\"plan lazo\"~x").contains("number of words"));
        assert!(parse("\"plan lazo\"~99999999999999999999").is_ok());
        assert!(error("\"plan lazo\"^2").contains("boosts"));
        assert!(error("plan *lazo").contains("(character 6) is not supported; put it after"));
        assert!(error("title:*lazo*").contains("(character 7)"));
        assert!(error("*é").contains("as in é*"));
        for hidden in ["**lazo", "*-lazo", "*&lazo", "title:**lazo"] {
            assert!(error(hidden).contains("as in lazo*"), "{hidden}");
        }
        assert!(error("colombia title:-relations").contains(
            "- at character 16 is inside the field's value; put it before the field, as in -title:relations, or quote a value that starts with it, as in title:\"-relations\""
        ));
        assert!(
            error("title:--x")
                .ends_with("; quote a value that starts with it, as in title:\"--x\"")
        );
        assert!(parse("source:\"-draft\"").is_ok());
        assert!(error("source:+000").contains("as in +source:000"));
        assert!(error("lang:-en").contains("as in -lang:en"));
        for fine in [
            "*",
            "* --",
            "lazo*",
            "**",
            "*.",
            "title:lazo*",
            "-title:relations",
        ] {
            assert!(parse(fine).is_ok(), "{fine}");
        }
        let nested = |levels: usize| format!("{}lazo{}", "(".repeat(levels), ")".repeat(levels));
        assert!(compiles(&nested(MAX_DEPTH)).is_ok());
        assert!(error(&nested(MAX_DEPTH + 1)).contains("deep"));
        assert!(error(&nested(10_000)).contains("deep"));
        assert!(error(&format!("lazo {}plan", "NOT ".repeat(10_000))).contains("deep"));
    }

    fn compiles(query: &str) -> Result<Compiled> {
        let (_, fields) = crate::schema::build();
        compile(
            &parse(query)?,
            &fields,
            DateRange::default(),
            &Statistics::Local,
        )
    }

    #[test]
    fn a_query_searches_at_most_max_words_counting_each_word_of_a_phrase() {
        let words = |count: usize| vec!["plan"; count].join(" ");
        assert!(compiles(&words(MAX_WORDS)).is_ok());
        let refused = compiles(&words(MAX_WORDS + 1)).err().unwrap().to_string();
        assert!(refused.contains("at most 32"), "{refused}");
        assert!(!refused.contains('\n'));
        let phrase = format!("\"{}\"~1000", words(MAX_WORDS + 1));
        assert!(compiles(&phrase).is_err());
        let stars = |n: usize| vec!["*"; n].join(" ");
        assert!(compiles(&stars(MAX_EVERYTHING)).is_ok());
        assert!(compiles(&format!("({})", ["*"; MAX_EVERYTHING].join(" OR "))).is_ok());
        for many in [stars(MAX_EVERYTHING + 1), vec!["*"; 500].join(" OR ")] {
            let refused = compiles(&many).err().unwrap().to_string();
            assert!(refused.contains("at most 8 are allowed"), "{refused}");
        }
        let or_chain = vec!["a"; MAX_WORDS + 1].join(" OR ");
        assert!(compiles(&or_chain).is_err());
        assert!(compiles(&format!("{} -lazo", words(MAX_WORDS))).is_err());
    }

    #[test]
    fn a_query_longer_than_max_query_chars_is_refused_before_it_is_read() {
        // Of 32 words: the characters count, not the words.
        let padded = format!("plan{}lazo", " ".repeat(MAX_QUERY_CHARS - 8));
        assert!(parse(&padded).is_ok());
        let refused = parse(&format!("{padded}  ")).err().unwrap().to_string();
        assert!(
            refused.contains("is 65538 characters long; at most 65536"),
            "{refused}"
        );
        let phrase = format!("\"{}\"", "é".repeat(MAX_QUERY_CHARS));
        assert!(parse(&phrase).is_err());
    }

    #[test]
    fn a_query_has_at_most_max_prefixes() {
        let prefixes = |count: usize| vec!["s*"; count].join(" OR ");
        assert!(compiles(&prefixes(MAX_PREFIXES)).is_ok());
        let refused = compiles(&prefixes(MAX_PREFIXES + 1))
            .err()
            .unwrap()
            .to_string();
        assert!(refused.contains("at most 8"), "{refused}");
    }

    #[test]
    fn a_query_has_at_most_max_path_filters_of_any_kind() {
        let filters = [
            "source:/",
            "entry:/",
            "format:pdf",
            "source:news",
            "-source:/",
        ];
        let query = |count: usize| {
            let filters = filters.iter().cycle().take(count).copied();
            format!("lazo {}", filters.collect::<Vec<_>>().join(" "))
        };
        assert!(compiles(&query(MAX_PATH_FILTERS)).is_ok());
        let refused = compiles(&query(MAX_PATH_FILTERS + 1))
            .err()
            .unwrap()
            .to_string();
        assert!(refused.contains("9 path filters"), "{refused}");
        assert!(refused.contains("at most 8"), "{refused}");
    }

    #[test]
    fn arbitrary_input_never_panics_and_errors_are_one_line() {
        let pieces = [
            "a",
            "b ",
            " ",
            "\"",
            "“",
            "”",
            "(",
            ")",
            "-",
            "+",
            "*",
            "~",
            "3",
            ":",
            "OR ",
            "AND ",
            "NOT ",
            "title:",
            "source:",
            "é",
            "’",
            "'",
            "\\",
            "\n",
            "x*",
            "~9999999999",
        ];
        let (_, fields) = crate::schema::build();
        // A fixed linear congruential generator: the same 20,000 queries on every run.
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            let mut query = String::new();
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            for _ in 0..(state >> 60) {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                query.push_str(pieces[(state >> 33) as usize % pieces.len()]);
            }
            let outcome = parse(&query)
                .and_then(|node| compile(&node, &fields, DateRange::default(), &Statistics::Local));
            if let Err(err) = outcome {
                let message = err.to_string();
                assert!(
                    !message.is_empty() && !message.contains('\n'),
                    "{query:?}: {message}"
                );
            }
        }
    }

    #[test]
    fn lowercase_operators_are_ordinary_words() {
        assert_eq!(
            parse("war or peace").unwrap(),
            Node::And(vec![word("war"), word("or"), word("peace")])
        );
    }
}
