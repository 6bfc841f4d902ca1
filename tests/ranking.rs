//! The ranking rules, one test each, stated in words. The weights live in
//! `src/ranking.rs`; a test here fails when a rule changes, so a change of
//! rule is a change of this file too.

use cita::{Archive, Hit, SearchRequest, Sort, build_and_open};
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
fn the_section_heading_weighs_twice_the_title_for_words_and_phrases() {
    // The same paragraph three times: under a section about the query, in a
    // document titled with it, and with neither. Every title and section
    // has two words and the query is in one of each, so the query's BM25 is
    // the same in both headings and the bonuses differ by their weights
    // alone: 1.5 for the section, 0.75 for the title.
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
        assert!((ratio - 2.0).abs() < 1e-3, "{query}: ratio {ratio}");
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
    let tied: Vec<_> = found
        .iter()
        .filter(|hit| hit.score == found[0].score)
        .collect();
    assert!(tied.len() >= 2, "a tie to order");
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
