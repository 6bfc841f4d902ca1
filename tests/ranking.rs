//! The ranking rules, one test each, stated in words. The weights live in
//! `src/ranking.rs`; a test here fails when a rule changes, so a change of
//! rule is a change of this file too.

use cita::{Archive, FilterText, Hit, SearchRequest, Sort, build_and_open};
use tempfile::TempDir;

/// An archive of `files` (name, contents), built in a temporary folder.
fn archive_of(files: &[(&str, &str)]) -> (TempDir, Archive) {
    let dir = TempDir::new().unwrap();
    let corpus = dir.path().join("corpus");
    for (name, contents) in files {
        let path = corpus.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }
    let (archive, _) = build_and_open(&corpus, &dir.path().join("index")).unwrap();
    (dir, archive)
}

/// An archive of `files` and `count` other files, `filler(n)` giving the
/// name and contents of the `n`th: enough documents that the query's
/// words are rare, as in a real archive.
fn archive_with_fillers(
    files: &[(&str, &str)],
    count: usize,
    filler: impl Fn(usize) -> (String, String),
) -> (TempDir, Archive) {
    let fillers: Vec<(String, String)> = (0..count).map(filler).collect();
    let mut all = files.to_vec();
    all.extend(
        fillers
            .iter()
            .map(|(name, text)| (name.as_str(), text.as_str())),
    );
    archive_of(&all)
}

/// Every hit of `query`, copies of one text each shown: the rules below
/// rank copies that differ only in their headings.
fn hits(archive: &Archive, query: &str) -> Vec<Hit> {
    let request = SearchRequest {
        limit: cita::ALL,
        collapse: false,
        ..SearchRequest::new(query)
    };
    archive.search(&request).unwrap().hits
}

/// Where each hit comes from: `source` and paragraph.
fn places(hits: &[Hit]) -> Vec<(String, u32)> {
    hits.iter()
        .map(|hit| (hit.passage.source.clone(), hit.passage.paragraph))
        .collect()
}

fn first_source(hits: &[Hit]) -> &str {
    &hits[0].passage.source
}

/// The same paragraph under different headings: only the headings differ.
const PARAGRAPH: &str = "The report on the operation was filed with the embassy in Bogotá.";

#[test]
fn a_word_in_the_form_typed_ranks_above_any_passage_matching_only_its_inflections() {
    let (_dir, archive) = archive_of(&[
        (
            "exact.txt",
            "In a long passage about many other things, the decree was revoked at last by the court of appeal after years of hearings.",
        ),
        ("inflected.txt", "Revoke, revoke, revoke."),
    ]);
    let found = hits(&archive, "revoked");
    assert_eq!(found.len(), 2);
    assert_eq!(first_source(&found), "exact.txt");
    // The exact form adds a fixed tier that dwarfs BM25: 1000 per query word.
    assert!(found[0].score >= 1000.0, "{}", found[0].score);
    assert!(found[1].score < 1000.0, "{}", found[1].score);
}

#[test]
fn a_heading_about_the_query_lifts_the_passage_beneath_it_for_words_and_phrases() {
    let (_dir, archive) = archive_of(&[
        ("a.md", &format!("# Notes\n\n{PARAGRAPH}\n")),
        (
            "b.md",
            &format!("# Notes\n\n## The embassy in Bogotá\n\n{PARAGRAPH}\n"),
        ),
    ]);
    // A phrase lifts a passage when the heading holds the whole phrase.
    for query in ["embassy", "\"embassy in Bogotá\""] {
        let found = hits(&archive, query);
        assert_eq!(found.len(), 2, "{query}");
        assert_eq!(first_source(&found), "b.md", "{query}");
        assert!(found[0].score > found[1].score, "{query}");
    }
}

#[test]
fn the_section_heading_and_the_title_weigh_alike_for_words_and_phrases() {
    // The same paragraph three times: under a section about the query, in a
    // document titled with it, and with neither. Every title and section
    // has two words and the query is in one of each, so the query's BM25 is
    // the same in both headings and the bonuses differ by their weights
    // alone: 1.5 for each.
    let page = |title: &str, section: &str| {
        format!("---\ntitle: {title}\n---\n\n## {section}\n\n{PARAGRAPH}\n")
    };
    let (_dir, archive) = archive_of(&[
        ("plain.md", &page("The Misc", "The Notes")),
        ("section.md", &page("The Misc", "The Embassy")),
        ("titled.md", &page("The Embassy", "The Notes")),
    ]);
    for query in ["embassy", "\"the embassy\""] {
        let found = hits(&archive, query);
        let score = |source: &str| {
            found
                .iter()
                .find(|hit| hit.passage.source == source)
                .unwrap_or_else(|| panic!("{query}: {source} not found"))
                .score
        };
        let section_bonus = score("section.md") - score("plain.md");
        let title_bonus = score("titled.md") - score("plain.md");
        assert!(title_bonus > 0.0, "{query}: {title_bonus}");
        let ratio = section_bonus / title_bonus;
        assert!((ratio - 1.0).abs() < 1e-3, "{query}: ratio {ratio}");
    }
}

#[test]
fn words_standing_close_together_rank_above_the_same_words_far_apart() {
    let (_dir, archive) = archive_of(&[
        (
            "apart.txt",
            "The plan was announced in May, and months later a lazo was found.",
        ),
        (
            "close.txt",
            "The lazo plan was announced in May, and months later a report was found.",
        ),
    ]);
    let found = hits(&archive, "plan lazo");
    assert_eq!(found.len(), 2);
    assert_eq!(first_source(&found), "close.txt");
    assert!(found[0].score > found[1].score);
}

#[test]
fn equal_scores_rank_by_source_then_paragraph() {
    let twice = format!("{PARAGRAPH}\n\nSomething else.\n\n{PARAGRAPH} Again.\n");
    let (_dir, archive) = archive_of(&[
        ("b.txt", PARAGRAPH),
        ("a.txt", PARAGRAPH),
        ("c/z.txt", &twice),
    ]);
    let found = hits(&archive, "embassy");
    assert!(
        found.windows(2).any(|pair| pair[0].score == pair[1].score),
        "a tie to order"
    );
    let mut ordered = places(&found);
    ordered.sort_by(|a, b| {
        let score = |place: &(String, u32)| {
            found
                .iter()
                .find(|hit| (hit.passage.source.clone(), hit.passage.paragraph) == *place)
                .unwrap()
                .score
        };
        score(b).total_cmp(&score(a)).then(a.cmp(b))
    });
    assert_eq!(places(&found), ordered);
}

/// Past a usual page, ties are ordered from the index's columns, one run
/// of equal scores at a time, before any hit is loaded: an export of every
/// match, or a page deep into one, orders them alike.
#[test]
fn equal_scores_rank_by_source_then_paragraph_in_exports_and_deep_pages() {
    // The same paragraph in many files: every match ties with the others.
    let (_dir, archive) = archive_with_fillers(&[], 1_300, |n| {
        // Not in the order of their names: the index's own order is not the rank order.
        let folder = ["m", "a", "z"][n % 3];
        (
            format!("{folder}/{:04}.txt", (n * 7919) % 1_300),
            format!("{PARAGRAPH}\n\nAnother line about the embassy, {n}.\n"),
        )
    });
    let all = hits(&archive, "report operation");
    assert_eq!(all.len(), 1_300);
    assert!(all.windows(2).all(|pair| pair[0].score == pair[1].score));
    let mut ordered = places(&all);
    ordered.sort();
    assert_eq!(places(&all), ordered, "an export of every match");
    let deep = archive
        .search(&SearchRequest {
            limit: 700,
            offset: 450,
            collapse: false,
            ..SearchRequest::new("report operation")
        })
        .unwrap();
    assert_eq!(
        places(&deep.hits),
        ordered[450..1_150],
        "a page from 451 on"
    );
}

#[test]
fn date_sorts_put_undated_passages_last_and_keep_relevance_among_equals() {
    let dated = |date: &str| format!("---\ntitle: T\ndate: {date}\n---\n\n{PARAGRAPH}\n");
    let (_dir, archive) = archive_of(&[
        ("undated.md", &format!("# T\n\n{PARAGRAPH}\n")),
        ("new.md", &dated("2020-01-01")),
        ("old.md", &dated("1990-01-01")),
    ]);
    let sorted = |sort: Sort| {
        let request = SearchRequest {
            sort,
            collapse: false,
            ..SearchRequest::new("embassy")
        };
        let results = archive.search(&request).unwrap();
        results
            .hits
            .iter()
            .map(|hit| hit.passage.source.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(sorted(Sort::Date), ["old.md", "new.md", "undated.md"]);
    assert_eq!(
        sorted(Sort::DateDescending),
        ["new.md", "old.md", "undated.md"]
    );
}

fn page(archive: &Archive, query: &str, offset: usize, limit: usize) -> cita::SearchResults {
    let request = SearchRequest {
        offset,
        limit,
        // Generated passages repeat: every copy is its own hit here.
        collapse: false,
        ..SearchRequest::new(query)
    };
    archive.search(&request).unwrap()
}

/// When every word finds fewer passages than the page holds, passages
/// holding at least half of the words fill it, after every full match,
/// each marked with the words it lacks; `total` still counts full matches.
#[test]
fn partial_matches_fill_the_page_after_every_full_match() {
    let (_dir, archive) = archive_of(&[
        (
            "both.txt",
            "To read a csv file, call read.csv with its path.",
        ),
        (
            "read.txt",
            "read.table reads a file in table format and creates a data frame from it.",
        ),
        (
            "csv.txt",
            "Comma separated values (csv) are a plain text format.",
        ),
        ("neither.txt", "Nothing here about files at all."),
    ]);
    let results = page(&archive, "read csv", 0, 10);
    assert_eq!((results.total, results.partial_total), (1, Some(2)));
    let shown: Vec<(usize, &str, bool, Vec<String>)> = results
        .hits
        .iter()
        .map(|h| {
            (
                h.rank,
                h.passage.source.as_str(),
                h.partial,
                h.missing.clone(),
            )
        })
        .collect();
    assert_eq!(shown[0], (1, "both.txt", false, vec![]));
    let mut rest = shown[1..].to_vec();
    rest.sort_by_key(|(_, source, _, _)| *source);
    assert_eq!(
        rest.iter()
            .map(|(_, source, partial, missing)| (*source, *partial, missing.join(" ")))
            .collect::<Vec<_>>(),
        [
            ("csv.txt", true, "read".into()),
            ("read.txt", true, "csv".into())
        ]
    );
    assert_eq!(
        shown.iter().map(|s| s.0).collect::<Vec<_>>(),
        [1, 2, 3],
        "ranks continue after the full matches"
    );

    // Pages cut the same list.
    let pages: Vec<String> = (0..3)
        .flat_map(|offset| page(&archive, "read csv", offset, 1).hits)
        .map(|hit| hit.passage.source)
        .collect();
    let whole: Vec<String> = results
        .hits
        .iter()
        .map(|h| h.passage.source.clone())
        .collect();
    assert_eq!(pages, whole);

    // A page the full matches fill, or `all_words`, looks for none.
    assert_eq!(page(&archive, "read csv", 0, 1).partial_total, None);
    let strict = archive
        .search(&SearchRequest {
            all_words: true,
            ..SearchRequest::new("read csv")
        })
        .unwrap();
    assert_eq!((strict.hits.len(), strict.partial_total), (1, None));

    // A group ANDed with a filter, as the search page writes a facet, is
    // its words.
    let grouped = page(&archive, "(read csv) format:text", 0, 10);
    assert_eq!((grouped.total, grouped.partial_total), (1, Some(2)));
    assert_eq!(
        grouped
            .hits
            .iter()
            .map(|h| &h.passage.id)
            .collect::<Vec<_>>(),
        results
            .hits
            .iter()
            .map(|h| &h.passage.id)
            .collect::<Vec<_>>()
    );

    // Exclusions and filters still hold in full: only the words may be missing.
    let excluded = page(&archive, "read csv -table", 0, 10);
    assert!(excluded.hits.iter().all(|h| h.passage.source != "read.txt"));
    assert_eq!(excluded.partial_total, Some(1));
    // So does a group of filters alone; a group holding a word is a term.
    let filtered = page(&archive, "read csv (source:both OR source:csv)", 0, 10);
    assert_eq!((filtered.total, filtered.partial_total), (1, Some(1)));
    assert!(
        filtered
            .hits
            .iter()
            .all(|h| h.passage.source != "read.txt"
                && !h.missing.iter().any(|m| m.contains("source:"))),
        "{:?}",
        filtered.hits
    );
    // A group every passage satisfies, an exclusion inside a group, a
    // word of punctuation alone: conditions, no term to lack (found by a
    // review: a passage holding none of the words came back as partial).
    // `read csv frame` alone: both.txt and read.txt hold two words each.
    assert_eq!(
        page(&archive, "read csv frame", 0, 10).partial_total,
        Some(2)
    );
    for (query, partial_total) in [
        // As a term every passage holds, csv.txt would be partial too.
        ("read csv frame (* OR table)", 2),
        // As a term, read.txt would be partial, lacking csv.
        ("read csv frame (source:both OR .)", 1),
        ("read csv frame (source:both OR (source:read -table))", 1),
    ] {
        let results = page(&archive, query, 0, 10);
        assert_eq!(results.partial_total, Some(partial_total), "{query}");
        assert_eq!(results.hits.len(), partial_total as usize, "{query}");
        assert!(
            results.hits.iter().all(|h| h.missing.len() == 1
                && !h.missing[0].contains('(')
                && (partial_total == 2 || h.passage.source == "both.txt")),
            "{query}: {:?}",
            results.hits
        );
    }
    let mixed = page(&archive, "read csv (source:csv OR frame)", 0, 10);
    assert_eq!((mixed.total, mixed.partial_total), (0, Some(3)));
    assert!(
        mixed
            .hits
            .iter()
            .any(|h| h.passage.source == "both.txt" && h.missing == ["(source:csv OR frame)"]),
        "{:?}",
        mixed.hits
    );
    // Three words: a passage must hold two.
    let three = page(&archive, "read csv frame", 0, 10);
    assert_eq!((three.total, three.partial_total), (0, Some(2)));
    let mut lacking: Vec<(String, Vec<String>)> = three
        .hits
        .iter()
        .map(|h| (h.passage.source.clone(), h.missing.clone()))
        .collect();
    lacking.sort();
    assert_eq!(
        lacking,
        [
            ("both.txt".to_string(), vec!["frame".to_string()]),
            ("read.txt".to_string(), vec!["csv".to_string()])
        ]
    );
    // A term that no passage holds (a phrase whose words are never side
    // by side) is named as lacking by every partial match.
    let absent = page(&archive, "csv \"plain frame\"", 0, 10);
    assert_eq!((absent.total, absent.partial_total), (0, Some(2)));
    assert!(
        absent
            .hits
            .iter()
            .all(|h| h.partial && h.missing == ["\"plain frame\""]),
        "{:?}",
        absent.hits
    );
    // One word, or a phrase, has no partial matches; nor has a word beside
    // `*`, which every passage holds, or a group of them: no term to lack.
    assert_eq!(page(&archive, "\"read csv\"", 0, 10).partial_total, None);
    assert_eq!(page(&archive, "csv *", 0, 10).partial_total, None);
    assert_eq!(page(&archive, "csv (* OR *)", 0, 10).partial_total, None);
    // 32 words, the most a query searches, are as many terms as a partial
    // match tells apart.
    let many = format!("{}read", "csv ".repeat(31));
    let most = page(&archive, &many, 0, 10);
    assert_eq!((most.total, most.partial_total), (1, Some(1)));
}

/// Partial matches against a brute-force reference built from each word's
/// own matches: every passage holding at least half of the words but not
/// all is counted, the page shows the best of them, those holding more
/// words first, each with exactly the words it lacks.
#[test]
fn partial_matches_agree_with_each_words_own_matches() {
    const WORDS: [&str; 6] = ["amber", "basalt", "cobalt", "dune", "ember", "fjord"];
    let mut seed = 7u32;
    let mut next = |bound: u32| {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        (seed >> 16) % bound
    };
    let files: Vec<(String, String)> = (0..60)
        .map(|n| {
            let words: Vec<&str> = (0..1 + next(4))
                .map(|_| WORDS[next(WORDS.len() as u32) as usize])
                .collect();
            (
                format!("doc{n:02}.txt"),
                format!("Notes on {}.", words.join(" and ")),
            )
        })
        .collect();
    let named: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let (_dir, archive) = archive_of(&named);
    let ids = |word: &str| -> std::collections::HashSet<String> {
        hits(&archive, word)
            .into_iter()
            .map(|h| h.passage.id)
            .collect()
    };
    for round in 0..24 {
        let count = 2 + next(3) as usize;
        let mut query: Vec<&str> = Vec::new();
        while query.len() < count {
            let word = WORDS[next(WORDS.len() as u32) as usize];
            if !query.contains(&word) {
                query.push(word);
            }
        }
        let sets: Vec<_> = query.iter().map(|w| ids(w)).collect();
        let held = |id: &String| sets.iter().filter(|set| set.contains(id)).count();
        let all: std::collections::HashSet<String> = sets.iter().flatten().cloned().collect();
        let partial: Vec<&String> = all
            .iter()
            .filter(|id| held(id) >= count.div_ceil(2) && held(id) < count)
            .collect();
        let full = all.iter().filter(|id| held(id) == count).count();
        let limit = full + 1 + round % 5;
        let results = page(&archive, &query.join(" "), 0, limit);
        assert_eq!(results.total as usize, full, "{query:?}");
        assert_eq!(
            results.partial_total,
            Some(partial.len() as u64),
            "{query:?}"
        );
        let shown: Vec<&Hit> = results.hits.iter().filter(|h| h.partial).collect();
        assert_eq!(shown.len(), partial.len().min(limit - full), "{query:?}");
        assert!(results.hits[..full].iter().all(|h| !h.partial));
        let mut previous = usize::MAX;
        for hit in shown {
            let holds = held(&hit.passage.id);
            assert!(holds <= previous, "{query:?}: more words first");
            previous = holds;
            let lacking: Vec<String> = query
                .iter()
                .zip(&sets)
                .filter(|(_, set)| !set.contains(&hit.passage.id))
                .map(|(word, _)| word.to_string())
                .collect();
            assert_eq!(hit.missing, lacking, "{query:?}");
        }
    }
}

/// The substance bonus the rule of src/ranking.rs gives a passage of
/// prose as long as `hit`: up to 12 for 25 words, in proportion.
fn length_bonus(hit: &Hit) -> f32 {
    let words = hit.passage.text.split_whitespace().count() as u32;
    12.0 * words.min(25) as f32 / 25.0
}

/// A table's row or cell earns no substance bonus, whatever its length:
/// its words are cells side by side, and the paragraph explaining the
/// same words is the answer. With the bonus its length would earn, the
/// row (shorter, so ahead on BM25) would rank first.
#[test]
fn a_paragraph_outranks_a_table_row_with_the_same_words() {
    // Titled alike, so that no title holds the query's words: a file's
    // title is otherwise its first line, the guide's whole text.
    let table = "---\ntitle: Notes\n---\n\n| package | description |\n|---|---|\n\
                 | bacula-client | network backup client: sends the files of a machine to \
                 the network backup server of the site and restores them |\n";
    let guide = "---\ntitle: Notes\n---\n\nA network backup copies the files of every machine in the office to one \
                 server during the night, so that a failed disk, a stolen laptop or a \
                 deleted folder costs at most a day of work; the server keeps several \
                 weeks of copies, and one of them is taken away from the building every \
                 month. Bacula and Amanda are the usual suites.\n";
    let (_dir, archive) =
        archive_with_fillers(&[("packages.md", table), ("guide.md", guide)], 20, |n| {
            (
                format!("other{n}.md"),
                format!("Unrelated note number {n}.\n"),
            )
        });
    let found = hits(&archive, "network backup");
    assert_eq!(first_source(&found), "guide.md");
    let row = found
        .iter()
        .find(|hit| hit.passage.source == "packages.md")
        .expect("the table row matches");
    assert!(
        row.score + length_bonus(row) > found[0].score,
        "with a paragraph's bonus for its length, the row would rank first"
    );
}

/// BM25's length normalization favours the shortest passages; scored as
/// one of `SHORTEST_SCORED_WORDS`, a contents line and the paragraph that
/// explains, each holding the words once, tie on BM25, and the substance
/// bonus puts the paragraph first.
#[test]
fn the_paragraph_that_explains_outranks_a_contents_line_with_the_same_words() {
    // Titled alike, so that no title holds the query's words: a file's
    // title is otherwise its first line, the guide's whole text.
    let contents = "---\ntitle: Notes\n---\n\nContents\n\nSecuring the root password.\n\nInstalling the system.\n";
    let guide = "---\ntitle: Notes\n---\n\nAnyone with physical access can reset the root password by booting \
                 from a rescue medium, so it protects little unless the boot loader and \
                 firmware are locked too; lock them, and keep the machine in a locked room.\n";
    let (_dir, archive) = archive_of(&[("contents.txt", contents), ("guide.txt", guide)]);
    let found = hits(&archive, "root password");
    assert_eq!(first_source(&found), "guide.txt");
    let line = found
        .iter()
        .find(|hit| hit.passage.text == "Securing the root password.")
        .expect("the contents line matches");
    let without_bonus = |hit: &Hit| hit.score - length_bonus(hit);
    assert!(
        (without_bonus(line) - without_bonus(&found[0])).abs() < 1e-3,
        "on BM25 the line and the paragraph tie: {} against {}",
        without_bonus(line),
        without_bonus(&found[0])
    );
}

/// Every scorer of the text reads a passage shorter than
/// `SHORTEST_SCORED_WORDS` as that long: two paragraphs of 27 and 42
/// words (both earning the whole substance bonus), each holding the
/// query's words once and as close, score alike for a word, a phrase, a
/// quoted word and an AND with its proximity bonus.
#[test]
fn passages_under_the_shortest_scored_length_score_alike_whatever_the_query() {
    let short = "---\ntitle: Notes\n---\n\nThe password of the machine was changed on Monday \
                 by the staff of the office, who wrote it on a card that nobody could find \
                 again later.\n";
    let long = "---\ntitle: Notes\n---\n\nOn Monday the staff of the office, after a long \
                meeting about the budget for the coming year and the new printers, changed the \
                password of the machine and wrote it on a card that nobody could find again \
                later that week.\n";
    let (_dir, archive) =
        archive_with_fillers(&[("short.md", short), ("long.md", long)], 30, |n| {
            (
                format!("other{n}.md"),
                format!("Unrelated note number {n} about the roads.\n"),
            )
        });
    for query in [
        "password",
        "\"the password\"",
        "\"password\"",
        "password machine",
    ] {
        let found = hits(&archive, query);
        assert_eq!(found.len(), 2, "{query}");
        assert!(
            (found[0].score - found[1].score).abs() < 1e-3,
            "{query}: {} against {}",
            found[0].score,
            found[1].score
        );
    }
}

/// A passage shorter than `SHORTEST_SCORED_WORDS` (50) words scores as one
/// of 50: a news file's headline (its first line, and so its title too)
/// holding the query's words side by side does not outrank the article's
/// paragraph that reports the news, which BM25 over the lengths as they
/// are puts below it (three words against sixty, and the headline's words
/// stand together), the substance bonus notwithstanding.
#[test]
fn a_headline_does_not_outrank_the_paragraph_that_reports_the_news() {
    let article = "Dutch election results\n\n\
                   The Dutch went to the polls on Wednesday and gave Prime Minister Mark \
                   Rutte's party 33 of the 150 seats in parliament, well ahead of the \
                   Freedom party of Geert Wilders, which came second with 20 seats after \
                   leading the polls for most of the campaign; turnout was the highest in \
                   thirty years, and the result of the election was read across Europe as \
                   a defeat for the populists.\n";
    let (_dir, archive) = archive_with_fillers(&[("rutte.txt", article)], 30, |n| {
        (
            format!("other{n}.txt"),
            format!("Other news {n}\n\nThe council met on day {n} to discuss the roads.\n"),
        )
    });
    let found = hits(&archive, "dutch election");
    let texts: Vec<&str> = found.iter().map(|hit| hit.passage.text.as_str()).collect();
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert!(texts[0].starts_with("The Dutch went"), "{texts:?}");
    assert_eq!(texts[1], "Dutch election results");
}

#[test]
fn a_filter_keeps_passages_out_and_changes_no_score() {
    let story = |year: u32| {
        format!(
            "---\nsource: El Tiempo\ndate: {year}-05-27\n---\n\nIn {year} the army moved on Marquetalia, and the report on Marquetalia followed.\n\nThe embassy cabled home about Marquetalia in {year}.\n"
        )
    };
    let (_dir, archive) = archive_of(&[("a.md", &story(1964)), ("b.md", &story(1965))]);
    let scores = |filters: FilterText<'_>| {
        let request = SearchRequest {
            limit: cita::ALL,
            collapse: false,
            ..filters.request("marquetalia").unwrap()
        };
        let hits = archive.search(&request).unwrap().hits;
        hits.iter()
            .map(|hit| (hit.passage.source.clone(), hit.passage.paragraph, hit.score))
            .collect::<Vec<_>>()
    };
    let unfiltered = scores(FilterText::default());
    assert_eq!(unfiltered.len(), 4, "{unfiltered:?}");
    let english = [String::from("en")];
    for filters in [
        FilterText {
            languages: &english,
            ..FilterText::default()
        },
        FilterText {
            publication: Some("El Tiempo"),
            ..FilterText::default()
        },
        FilterText {
            since: Some("1900"),
            ..FilterText::default()
        },
    ] {
        assert_eq!(scores(filters), unfiltered, "{filters:?}");
    }
    // The passages a filter keeps score as they did without it.
    let in_1964 = scores(FilterText {
        mentions: Some("1964"),
        ..FilterText::default()
    });
    let kept: Vec<_> = unfiltered
        .iter()
        .filter(|(source, ..)| source == "a.md")
        .cloned()
        .collect();
    assert_eq!(in_1964, kept);
}

#[test]
fn a_date_filter_changes_no_score() {
    // The seed articles and the Spanish ones: dated passages in several
    // segments, as `cita index` lays them out.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = TempDir::new().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    for folder in [root.join("corpus"), root.join("tests/fixtures/es")] {
        for file in std::fs::read_dir(folder).unwrap() {
            let path = file.unwrap().path();
            std::fs::copy(&path, corpus.join(path.file_name().unwrap())).unwrap();
        }
    }
    let (archive, _) = build_and_open(&corpus, &dir.path().join("index")).unwrap();
    let scores = |query: &str, filters: FilterText<'_>| {
        let request = SearchRequest {
            limit: cita::ALL,
            collapse: false,
            ..filters.request(query).unwrap()
        };
        let hits = archive.search(&request).unwrap().hits;
        hits.iter()
            .filter(|hit| hit.passage.date.is_some())
            .map(|hit| (hit.passage.id.clone(), hit.score))
            .collect::<Vec<_>>()
    };
    for query in ["colombia", "visa OR colombia", "petro visa", "coca*"] {
        // The passages of the dated articles (the Wikipedia article is
        // undated), every one within the range.
        let unfiltered = scores(query, FilterText::default());
        assert!(!unfiltered.is_empty(), "{query}");
        for (since, until) in [
            (Some("1900"), None),
            (None, Some("2100")),
            (Some("1900"), Some("2100")),
        ] {
            let filters = FilterText {
                since,
                until,
                ..FilterText::default()
            };
            assert_eq!(scores(query, filters), unfiltered, "{query} {filters:?}");
        }
    }
}
