//! `source:`, `entry:` and `format:` filters, matched against the document
//! paths (and the paths inside containers) themselves.
//!
//! A path's words are not indexed with every passage (that cost 4% of the
//! index on the bench corpus); the distinct paths are read from the `source`
//! field's dictionary instead, those whose folded words match are kept, and
//! the filter becomes a set of exact paths. That reads every path once per
//! query, a few milliseconds for tens of thousands of documents.

use std::collections::BTreeSet;
use std::path::Path;

use tantivy::query::{EnableScoring, Query, TermSetQuery, Weight};
use tantivy::schema::Field;
use tantivy::{TantivyError, Term};

use crate::analysis::Folding;
use crate::highlight::{HighlightPlan, Matcher};
use crate::ingest::{Format, NESTED_ENTRY};
use crate::language::Language;

/// Passages whose source path or entry (a `STRING` field) matches
/// `matcher`, word for word as passage text would, or names a file of a
/// format.
#[derive(Debug, Clone)]
pub struct SourceQuery {
    field: Field,
    keep: Keep,
}

/// Which paths a [`SourceQuery`] keeps.
#[derive(Debug, Clone)]
enum Keep {
    /// Those whose words match.
    Words(Matcher),
    /// Those under a folder: these folders' words, one list per folder,
    /// are those of consecutive folders of the path (its first ones, when
    /// rooted).
    Folder {
        words: Vec<Vec<String>>,
        rooted: bool,
        entries: bool,
    },
    /// Those whose extension names this format (as [`Format::of`] reads it).
    Format(Format),
}

impl SourceQuery {
    /// Passages whose path in `field` matches `matcher`.
    pub fn new(field: Field, matcher: Matcher) -> SourceQuery {
        SourceQuery {
            field,
            keep: Keep::Words(matcher),
        }
    }

    /// Passages whose path in `field` lies under the folders `folders`
    /// names (`news/2025/`): a run of the path's folders, each holding the
    /// same folded words as its counterpart (`prensa/` keeps
    /// `prensa/a.html` and `archivo/Prensa/b.html`, not
    /// `exports/prensa_export.jsonl`); its first folders when `folders`
    /// starts with `/` (`/prensa/` keeps only the first).
    ///
    /// With `entries`, the paths are entries inside containers (see
    /// [`folders_of`]).
    pub fn under(field: Field, folders: &str, entries: bool) -> SourceQuery {
        let words = folder_words(&mut Folding::default(), folders.split(separators(entries)));
        SourceQuery {
            field,
            keep: Keep::Folder {
                words,
                rooted: folders.trim_start().starts_with('/'),
                entries,
            },
        }
    }

    /// Passages whose path in `field` is a file of `format`.
    pub fn of_format(field: Field, format: Format) -> SourceQuery {
        SourceQuery {
            field,
            keep: Keep::Format(format),
        }
    }
}

impl Query for SourceQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let searcher = scoring.searcher().ok_or_else(|| {
            TantivyError::InvalidArgument("paths are read from an open index".to_string())
        })?;
        let mut keep: Box<dyn FnMut(&str) -> bool> = match &self.keep {
            Keep::Words(matcher) => {
                let mut plan = HighlightPlan::new(vec![matcher.clone()]);
                // Paths match by folded words and phrases, never by stem:
                // no language applies, and the plan's is never read.
                Box::new(move |path| !plan.find(path, Language::ENGLISH).is_empty())
            }
            Keep::Folder {
                words,
                rooted,
                entries,
            } => {
                let (wanted, rooted, entries) = (words.clone(), *rooted, *entries);
                let mut folding = Folding::default();
                Box::new(move |path: &str| {
                    let (folders, roots) = folders_of(&mut folding, path, entries);
                    match rooted {
                        true => roots
                            .iter()
                            .any(|&root| folders[root..].starts_with(&wanted)),
                        false => {
                            !wanted.is_empty()
                                && folders.windows(wanted.len()).any(|run| run == wanted)
                        }
                    }
                })
            }
            Keep::Format(format) => {
                let format = *format;
                Box::new(move |path| Format::of(Path::new(path)) == Some(format))
            }
        };
        let mut seen = BTreeSet::new();
        let mut matching = Vec::new();
        for segment in searcher.segment_readers() {
            let index = segment.inverted_index(self.field)?;
            let mut paths = index.terms().stream()?;
            while paths.advance() {
                let Ok(path) = std::str::from_utf8(paths.key()) else {
                    continue;
                };
                if seen.insert(path.to_string()) && keep(path) {
                    matching.push(Term::from_field_text(self.field, path));
                }
            }
        }
        TermSetQuery::new(matching).weight(scoring)
    }
}

/// The folded words of the folders `path` lies in, and where each root
/// stands among them; a file's own name is no folder. A source path has one
/// root. An entry (`entries`) of nested containers (`sub/inner.zip ›
/// informes/a.txt`) lies in the folders of each level and in the
/// containers themselves (`sub`, `inner.zip`, `informes`), the root of each
/// container a root (`sub` and `informes`), and a backslash parts its
/// folders too, as a ZIP made on Windows may write them.
fn folders_of(folding: &mut Folding, path: &str, entries: bool) -> (Vec<Vec<String>>, Vec<usize>) {
    let mut folders = Vec::new();
    let mut roots = Vec::new();
    let levels: Vec<&str> = match entries {
        true => path.split(NESTED_ENTRY).collect(),
        false => vec![path],
    };
    let separators = separators(entries);
    for (number, level) in levels.iter().enumerate() {
        let level = match number + 1 < levels.len() {
            // A container is a folder of what it holds.
            true => level,
            false => level
                .rsplit_once(separators)
                .map_or("", |(folders, _)| folders),
        };
        roots.push(folders.len());
        folders.extend(folder_words(folding, level.split(separators)));
    }
    (folders, roots)
}

/// What parts the folders of a path: a slash, and in an entry a backslash too.
fn separators(entries: bool) -> &'static [char] {
    match entries {
        true => &['/', '\\'],
        false => &['/'],
    }
}

/// The folded words of each of `folders` that has any.
fn folder_words<'a>(
    folding: &mut Folding,
    folders: impl Iterator<Item = &'a str>,
) -> Vec<Vec<String>> {
    folders
        .map(|folder| folding.tokens(folder).into_iter().map(|t| t.term).collect())
        .filter(|words: &Vec<String>| !words.is_empty())
        .collect()
}
