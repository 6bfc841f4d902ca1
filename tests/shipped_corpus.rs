//! The shipped corpus, searched with the real binary: the acceptance checks
//! of the core issue and the analysis rules on real articles.

mod common;

use common::*;

const WIKI: &str = "000_e39ce299bc3734e6.txt";

#[test]
fn plan_lazo_phrase_returns_every_passage_containing_it_with_exact_highlights() {
    let (code, result) = search_json("\"Plan LAZO\"", &["--limit", "100"]);
    assert_eq!(code, 0);
    let found = hits(&result);
    assert!(
        found.len() >= 3,
        "expected the seed 000 Plan LAZO passages, got {}",
        found.len()
    );
    assert_eq!(result["total"].as_u64().unwrap() as usize, found.len());
    assert_eq!(found[0]["source"], WIKI, "seed 000 ranks first");
    for hit in found {
        assert!(
            hit["text"]
                .as_str()
                .unwrap()
                .to_lowercase()
                .contains("plan lazo")
        );
        let marks = highlighted(hit);
        assert!(!marks.is_empty(), "every hit has a highlight");
        for mark in marks {
            assert_eq!(
                mark.to_lowercase(),
                "plan lazo",
                "highlight covers exactly the phrase"
            );
        }
    }
    // Nothing is missed: every passage with both words and the phrase is a hit.
    let (_, broad) = search_json("plan lazo", &["--limit", "1000"]);
    let with_phrase = hits(&broad)
        .iter()
        .filter(|hit| {
            hit["text"]
                .as_str()
                .unwrap()
                .to_lowercase()
                .contains("plan lazo")
        })
        .count();
    assert_eq!(with_phrase, found.len());
}

#[test]
fn the_yarborough_passage_carries_the_heading_that_names_plan_lazo() {
    let (_, result) = search_json("\"Plan LAZO\"", &["--limit", "100"]);
    let yarborough = hits(&result)
        .iter()
        .find(|hit| {
            hit["text"]
                .as_str()
                .unwrap()
                .starts_with("Ultimately Yarborough's recommendations")
        })
        .expect("the Yarborough passage is a hit");
    let section = yarborough["section"].as_str().unwrap();
    assert!(section.contains("Plan LAZO"), "section was {section:?}");
    assert_eq!(yarborough["source"], WIKI);
}

#[test]
fn the_plan_of_plan_colombia_is_not_highlighted_for_the_plan_lazo_phrase() {
    let (_, result) = search_json(
        "\"Plan LAZO\"",
        &["--limit", "100", "--snippet-chars", "2000"],
    );
    for hit in hits(&result) {
        let text = hit["text"].as_str().unwrap();
        let occurrences = text.to_lowercase().matches("plan lazo").count();
        assert_eq!(
            highlighted(hit).len(),
            occurrences,
            "one highlight per phrase occurrence in {text:?}"
        );
    }
}

#[test]
fn accents_fold_both_ways_and_highlights_show_the_original_characters() {
    let (code, result) = search_json("bogota", &["--limit", "100"]);
    assert_eq!(code, 0);
    let marks: Vec<String> = hits(&result).iter().flat_map(highlighted).collect();
    assert!(marks.iter().any(|m| m == "Bogotá"), "{marks:?}");
    let (_, accented) = search_json("BOGOTÁ", &["--limit", "100"]);
    assert_eq!(accented["total"], result["total"]);

    let (code, gaitan) = search_json("gaitan", &[]);
    assert_eq!(code, 0);
    assert!(
        hits(&gaitan)
            .iter()
            .flat_map(highlighted)
            .any(|m| m == "Gaitán")
    );
}

#[test]
fn ascii_apostrophes_in_the_query_match_typographic_ones_in_the_text() {
    let (code, result) = search_json("\"Disobey Trump's order\"", &[]);
    assert_eq!(code, 0);
    let marks: Vec<String> = hits(&result).iter().flat_map(highlighted).collect();
    assert!(
        marks.iter().any(|m| m == "Disobey Trump’s order"),
        "{marks:?}"
    );
    assert!(
        hits(&result)
            .iter()
            .any(|hit| hit["source"] == "004_95a59a94a5bf48a5.txt")
    );
    // Typographic quotes around the query are phrase quotes too.
    let (_, typographic) = search_json("“Disobey Trump’s order”", &[]);
    assert_eq!(typographic["total"], result["total"]);
}

#[test]
fn a_word_matches_its_stems_but_the_exact_form_ranks_first() {
    let (code, result) = search_json("revoked", &["--limit", "100"]);
    assert_eq!(code, 0);
    let found = hits(&result);
    let marks: Vec<String> = found.iter().flat_map(highlighted).collect();
    assert!(
        marks.iter().any(|m| m == "revoke"),
        "stem matches are highlighted: {marks:?}"
    );
    let has_exact = |hit: &serde_json::Value| highlighted(hit).iter().any(|m| m == "revoked");
    let first_stem_only = found
        .iter()
        .position(|hit| !has_exact(hit))
        .expect("some stem-only hit");
    assert!(found[..first_stem_only].iter().all(has_exact));
    assert!(
        found[first_stem_only..].iter().all(|hit| !has_exact(hit)),
        "exact-form hits all rank above stem-only ones"
    );
}

#[test]
fn exclusion_removes_passages_and_not_is_the_same_as_minus() {
    let (_, all) = search_json("lazo", &["--limit", "100"]);
    let (code, minus) = search_json("lazo -colombia", &["--limit", "100"]);
    let (_, not) = search_json("lazo NOT colombia", &["--limit", "100"]);
    assert_eq!(code, 0);
    assert_eq!(minus["hits"], not["hits"]);
    assert_eq!(minus["total"], not["total"]);
    assert!(minus["total"].as_u64() < all["total"].as_u64());
    for hit in hits(&minus) {
        assert!(!has_word(hit, "colombia"));
    }
    // A word under two exclusions only removes passages: it is never
    // highlighted or listed as matched.
    let (_, twice) = search_json("lazo -(plan -colombia)", &["--limit", "100"]);
    assert!(
        hits(&twice).iter().any(|hit| has_word(hit, "colombia")),
        "{twice:#}"
    );
    for hit in hits(&twice) {
        let marked: Vec<String> = highlighted(hit).iter().map(|h| h.to_lowercase()).collect();
        assert!(marked.iter().all(|h| h == "lazo"), "{marked:?}");
        assert_eq!(hit["matched"].as_array().unwrap().len(), 1, "{hit:#}");
    }
}

#[test]
fn one_paragraph_per_line_files_give_one_passage_per_line() {
    let corpus = shipped_corpus();
    let source = "001_c16e34c06b06c5b5.txt";
    let bytes = std::fs::read(corpus.join(source)).unwrap();
    let (_, result) = search_json("source:001 petro", &["--limit", "100"]);
    assert!(hits(&result).len() > 3);
    for hit in hits(&result) {
        assert_eq!(hit["source"], source);
        let start = hit["byte_range"][0].as_u64().unwrap() as usize;
        let end = hit["byte_range"][1].as_u64().unwrap() as usize;
        let slice = std::str::from_utf8(&bytes[start..end]).unwrap();
        assert_eq!(
            slice,
            hit["text"].as_str().unwrap(),
            "byte range points at the passage"
        );
        assert!(!slice.contains('\n'), "one line, one passage");
    }
}

#[test]
fn headings_are_sections_not_passages() {
    let (code, result) = search_json("section:\"drug trade\"", &["--limit", "100"]);
    assert_eq!(code, 0);
    for hit in hits(&result) {
        assert_eq!(hit["section"], "Drug trade");
        assert_ne!(hit["text"], "Drug trade");
    }
    let (_, heading_words) = search_json("\"Historical overview\"", &["--limit", "100"]);
    assert!(
        hits(&heading_words)
            .iter()
            .all(|hit| !hit["text"].as_str().unwrap().contains("="))
    );
}

#[test]
fn field_filters_restrict_to_title_and_source() {
    let (code, result) = search_json("title:relations petro", &["--limit", "100"]);
    assert_eq!(code, 0);
    for hit in hits(&result) {
        assert!(
            hit["title"]
                .as_str()
                .unwrap()
                .to_lowercase()
                .contains("relation")
        );
    }
    let (_, by_source) = search_json("source:004 visa", &["--limit", "100"]);
    assert!(!hits(&by_source).is_empty());
    assert!(
        hits(&by_source)
            .iter()
            .all(|hit| hit["source"] == "004_95a59a94a5bf48a5.txt")
    );
}

#[test]
fn prefix_queries_match_and_highlight_word_beginnings() {
    let (code, result) = search_json("revo*", &["--limit", "100"]);
    assert_eq!(code, 0);
    let marks: Vec<String> = hits(&result)
        .iter()
        .flat_map(highlighted)
        .map(|m| m.to_lowercase())
        .collect();
    assert!(marks.iter().all(|m| m.starts_with("revo")), "{marks:?}");
    assert!(marks.iter().any(|m| m == "revoke") && marks.iter().any(|m| m == "revoked"));
}

#[test]
fn or_widens_and_proximity_phrase_narrows() {
    let total = |query: &str| {
        search_json(query, &["--limit", "0"]).1["total"]
            .as_u64()
            .unwrap()
    };
    let either = total("\"plan lazo\" OR \"plan colombia\"");
    assert!(either >= total("\"plan lazo\"") && either >= total("\"plan colombia\""));
    assert!(either < total("\"plan lazo\"") + total("\"plan colombia\"") + 1);
    assert_eq!(total("\"Colombia LAZO\"~0"), 0);
    assert!(total("\"Plan LAZO\"~2") >= total("\"Plan LAZO\""));
}

#[test]
fn every_hit_has_the_documented_json_fields() {
    let (_, result) = search_json("petro", &["--limit", "20"]);
    assert_eq!(result["query"], "petro");
    assert!(result["total"].as_u64().unwrap() >= 20);
    for (i, hit) in hits(&result).iter().enumerate() {
        assert_eq!(hit["rank"].as_u64().unwrap() as usize, i + 1);
        assert!(hit["score"].as_f64().unwrap() > 0.0);
        assert_eq!(hit["id"].as_str().unwrap().len(), 16);
        let source = hit["source"].as_str().unwrap();
        assert!(
            shipped_corpus().join(source).is_file(),
            "source {source:?} is a corpus path"
        );
        assert!(!hit["title"].as_str().unwrap().is_empty());
        assert!(hit["date"].is_null() || hit["date"].as_str().unwrap().len() == 10);
        assert!(hit["section"].is_null() || hit["section"].is_string());
        assert!(hit["paragraph"].as_u64().unwrap() >= 1);
        assert!(
            hit["text"].as_str().unwrap().len()
                >= hit["snippet"].as_str().unwrap().trim_matches('…').len()
        );
        let mut previous_end = 0;
        for pair in hit["highlights"].as_array().unwrap() {
            let (start, end) = (
                pair[0].as_u64().unwrap() as usize,
                pair[1].as_u64().unwrap() as usize,
            );
            assert!(
                previous_end <= start && start < end,
                "highlights are in order and disjoint"
            );
            previous_end = end;
        }
        assert!(!highlighted(hit).is_empty());
    }
    let scores: Vec<f64> = hits(&result)
        .iter()
        .map(|h| h["score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "best first");
}

#[test]
fn passage_ids_are_stable_across_rebuilds() {
    let other = tempfile::TempDir::new().unwrap();
    let out = index_into(&shipped_corpus(), other.path());
    assert!(out.status.success());
    let (_, first) = search_json("colombia", &["--limit", "50"]);
    let (_, second) = search_json_in(other.path(), "colombia", &["--limit", "50"]);
    let ids = |r: &serde_json::Value| hits(r).iter().map(|h| h["id"].clone()).collect::<Vec<_>>();
    assert_eq!(ids(&first), ids(&second));
}

#[test]
fn front_matter_gives_titles_publications_and_dates() {
    let (_, result) = search_json("source:004 visa", &["--limit", "1"]);
    let hit = &hits(&result)[0];
    assert!(hit["date"].is_string(), "seed 004 has a publication date");
    assert!(!hit["text"].as_str().unwrap().starts_with("---"));
    let (_, meta) = search_json("title", &["--limit", "100"]);
    assert!(
        hits(&meta)
            .iter()
            .all(|hit| !hit["text"].as_str().unwrap().starts_with("title:")),
        "front matter is not passage text"
    );
}

#[test]
fn stats_counts_documents_and_passages() {
    let out = run(&[
        "stats",
        "--format",
        "json",
        "--index",
        shipped_index().to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(stats["documents"], 5);
    assert!(stats["passages"].as_u64().unwrap() > 100);
    assert!(stats["size_bytes"].as_u64().unwrap() > 10_000);
}
