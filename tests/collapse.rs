//! Copies collapsed: passages with the same words (case, accents,
//! punctuation and spacing aside) in different documents are one hit, the
//! first in the order asked for, which lists the others as its duplicates;
//! `total` still counts every matching passage and `distinct` counts each
//! set of copies once. `--no-collapse` shows every copy.

mod common;

use std::collections::HashMap;

use cita::analysis::{Folding, copy_key};
use cita::{ALL, Archive, Hit, SearchRequest, Sort, build_and_open};
use common::*;
use serde_json::Value;
use tempfile::TempDir;

/// One paragraph in an HTML and a text edition of a manual, and in notes
/// that differ only in case, punctuation and spacing; each document also
/// has a paragraph of its own with the same word.
fn twins() -> Fixture {
    let fixture = Fixture::new();
    fixture
        .file(
            "manual.html",
            "<html><head><title>Manual (HTML)</title></head><body><h1>Installing</h1>\
             <p>To install the packages, run apt-get install with the names of the packages.</p>\
             <p>The HTML edition closes with its own words about packages.</p></body></html>",
        )
        .file(
            "manual.txt",
            "Manual (text)\n\nTo install the packages, run apt-get install with the names of the packages.\n\n\
             The text edition ends differently, but it still talks about packages.\n",
        )
        .file(
            "notes.md",
            "# Notes\n\nto install the PACKAGES run apt-get   install -- with the names of the packages!\n\n\
             Packages are mentioned here once.\n",
        );
    fixture
}

fn ids(result: &Value) -> Vec<&str> {
    hits(result)
        .iter()
        .map(|hit| hit["id"].as_str().unwrap())
        .collect()
}

fn sources(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|item| item["source"].as_str().unwrap())
        .collect()
}

#[test]
fn twins_in_different_documents_are_one_hit_listing_the_others() {
    let fixture = twins();
    let (code, every) = fixture.search("packages", &["--no-collapse"]);
    assert_eq!(code, 0);
    assert_eq!(every["total"], 6);
    assert_eq!(hits(&every).len(), 6, "--no-collapse shows every copy");
    assert!(every.get("distinct").is_none(), "{every}");
    assert!(
        hits(&every)
            .iter()
            .all(|hit| hit.get("duplicates").is_none())
    );

    let (code, collapsed) = fixture.search("packages", &[]);
    assert_eq!(code, 0);
    assert_eq!(collapsed["total"], 6, "total counts every copy");
    assert_eq!(collapsed["distinct"], 4, "distinct counts them once");
    assert_eq!(hits(&collapsed).len(), 4);
    // The copy shown is the first of the three in relevance order.
    let copies: Vec<&Value> = hits(&every)
        .iter()
        .filter(|hit| hit["text"].as_str().unwrap().contains("apt-get"))
        .collect();
    assert_eq!(copies.len(), 3);
    let shown = hits(&collapsed)
        .iter()
        .find(|hit| hit["text"].as_str().unwrap().contains("apt-get"))
        .unwrap();
    assert_eq!(shown["id"], copies[0]["id"]);
    // Its duplicates are the other two, in source order, with where they are.
    let mut others: Vec<&str> = copies[1..]
        .iter()
        .map(|hit| hit["source"].as_str().unwrap())
        .collect();
    others.sort_unstable();
    assert_eq!(sources(&shown["duplicates"]), others);
    assert_eq!(shown["duplicates_total"], 2);
    let notes = shown["duplicates"]
        .as_array()
        .unwrap()
        .iter()
        .chain([shown])
        .find(|d| d["source"] == "notes.md")
        .unwrap();
    assert_eq!(notes["title"], "Notes");
    assert_eq!(notes["paragraph"], 1);
    // Ranks count the hits shown; the others have no duplicates.
    let ranks: Vec<u64> = hits(&collapsed)
        .iter()
        .map(|hit| hit["rank"].as_u64().unwrap())
        .collect();
    assert_eq!(ranks, [1, 2, 3, 4]);
    for hit in hits(&collapsed) {
        if hit["id"] != shown["id"] {
            assert_eq!(hit["duplicates"], serde_json::json!([]));
            assert_eq!(hit["duplicates_total"], 0);
        }
    }
    // Counting keeps counting every passage.
    let counted = run(&[
        "search",
        "--count",
        "--index",
        fixture.index_path().to_str().unwrap(),
        "packages",
    ]);
    assert_eq!(stdout(&counted), "6 passages in 3 documents\n");
}

#[test]
fn partial_matches_are_collapsed_too() {
    let fixture = twins();
    // No passage holds both words; the three copies hold `names`.
    let (code, every) = fixture.search("names xylophone", &["--no-collapse"]);
    assert_eq!(code, 1);
    assert_eq!(every["total"], 0);
    assert_eq!(every["partial_total"], 3);
    let partial: Vec<&Value> = hits(&every)
        .iter()
        .filter(|h| h["partial"] == true)
        .collect();
    assert_eq!(partial.len(), 3, "{every}");
    let (code, collapsed) = fixture.search("names xylophone", &[]);
    assert_eq!(code, 1);
    assert_eq!(
        collapsed["partial_total"], 3,
        "partial_total counts every copy"
    );
    let [hit] = hits(&collapsed).as_slice() else {
        panic!("one hit for three copies: {collapsed}");
    };
    assert_eq!(hit["partial"], true);
    assert_eq!(hit["missing"], serde_json::json!(["xylophone"]));
    assert_eq!(hit["duplicates_total"], 2);
    let mut listed = sources(&hit["duplicates"]);
    listed.push(hit["source"].as_str().unwrap());
    listed.sort();
    assert_eq!(listed, ["manual.html", "manual.txt", "notes.md"]);
    // The copy shown is the first of the three in the uncollapsed order.
    assert_eq!(hit["id"], partial[0]["id"]);
}

#[test]
fn text_output_says_where_else_a_hit_is_and_csv_has_a_column() {
    let fixture = twins();
    fixture.search("apt-get", &[]);
    let index = fixture.index_path();
    let index = index.to_str().unwrap();
    let out = run(&["search", "--index", index, "--", "apt-get"]);
    let text = stdout(&out);
    let also = text
        .lines()
        .find(|line| line.contains("also in"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        also.trim_start().starts_with("also in 2 other documents: "),
        "{also}"
    );
    assert!(
        text.contains("1–1 of 1 distinct passage; 3 matching passages in all"),
        "{text}"
    );
    // Both words in the copies only: no partial match to speak of.
    let out = run(&["search", "--index", index, "--", "apt-get names"]);
    let text = stdout(&out);
    assert!(
        text.contains("1–1 of 1 distinct passage; 3 matching passages in all"),
        "{text}"
    );
    assert!(!text.contains("partial"), "{text}");
    // Partial matches (not collapsed) after the one distinct full match.
    let out = run(&["search", "--index", index, "--", "apt-get packages"]);
    let text = stdout(&out);
    assert!(
        text.contains(
            "1–4: 3 passages with every word (1 distinct), then partial matches (3 hold at least half of the words)"
        ),
        "{text}"
    );
    let out = run(&["search", "--index", index, "--", "own xylophone"]);
    let text = stdout(&out);
    assert!(
        text.contains("then partial matches (1 holds at least half of the words)"),
        "{text}"
    );
    let out = run(&["search", "--index", index, "--no-collapse", "apt-get"]);
    let text = stdout(&out);
    assert!(!text.contains("also in"), "{text}");
    assert!(text.contains("1–3 of 3 matching passages"), "{text}");

    let out = run(&["search", "--index", index, "--format", "csv", "apt-get"]);
    let mut csv = ::csv::Reader::from_reader(out.stdout.as_slice());
    let header = csv.headers().unwrap().clone();
    let column = |name: &str| header.iter().position(|c| c == name).unwrap();
    let rows: Vec<::csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1, "one row: {rows:?}");
    let row = &rows[0];
    let others: Vec<&str> = ["manual.html", "manual.txt", "notes.md"]
        .into_iter()
        .filter(|&source| source != &row[column("source")])
        .collect();
    assert_eq!(&row[column("duplicates")], "2", "{row:?}");
    assert_eq!(
        &row[column("duplicate_sources")],
        others.join("; "),
        "{row:?}"
    );
}

#[test]
fn copies_are_counted_as_documents_only_one_per_document() {
    let fixture = Fixture::new();
    fixture
        .file("a.txt", "Install the packages with apt-get now.\n")
        .file("b.txt", "Install the packages with apt-get now.\n")
        .file(
            "c.txt",
            "Install the packages with apt-get now.\n\nINSTALL THE PACKAGES WITH APT-GET NOW!\n",
        );
    fixture.search("apt-get", &[]);
    let out = run(&[
        "search",
        "--index",
        fixture.index_path().to_str().unwrap(),
        "--",
        "apt-get",
    ]);
    let text = stdout(&out);
    let line = |start: &str| {
        text.lines()
            .any(|line| line.trim_start().starts_with(start))
    };
    assert!(
        line("3 other copies: b.txt ¶1, c.txt ¶1, c.txt ¶2"),
        "{text}"
    );
    assert!(!text.contains("other documents"), "{text}");
}

#[test]
fn sorted_by_date_the_earliest_copy_is_shown_and_paging_counts_hits() {
    let fixture = Fixture::new();
    let story = "The wire story about the harbour strike, as every outlet ran it.";
    for (name, date) in [
        ("b-herald.md", "2024-03-02"),
        ("a-times.md", "2024-03-05"),
        ("c-post.md", "2024-03-01"),
    ] {
        fixture.file(
            name,
            format!("---\ndate: {date}\n---\n\n{story}\n\nA strike note of {name} alone.\n"),
        );
    }
    let wire = |result: &Value| -> Value {
        let found = hits(result)
            .iter()
            .filter(|hit| hit["text"].as_str().unwrap().starts_with("The wire story"));
        let found: Vec<&Value> = found.collect();
        assert_eq!(found.len(), 1, "{result}");
        found[0].clone()
    };
    let (_, oldest) = fixture.search("strike", &["--sort", "date"]);
    assert_eq!(oldest["total"], 6);
    assert_eq!(oldest["distinct"], 4);
    let first = wire(&oldest);
    assert_eq!(first["source"], "c-post.md");
    assert_eq!(sources(&first["duplicates"]), ["a-times.md", "b-herald.md"]);
    let (_, newest) = fixture.search("strike", &["--sort", "-date"]);
    let first = wire(&newest);
    assert_eq!(first["source"], "a-times.md");
    assert_eq!(sources(&first["duplicates"]), ["b-herald.md", "c-post.md"]);
    // Page 2 of two hits starts after the second distinct hit.
    let (_, all) = fixture.search("strike", &["--sort", "date"]);
    let (_, page) = fixture.search("strike", &["--sort", "date", "-n", "2", "--offset", "2"]);
    assert_eq!(ids(&page), ids(&all)[2..4]);
    assert_eq!(hits(&page)[0]["rank"], 3);
    // Grouping lists every document: nothing is collapsed.
    let (_, groups) = fixture.search("strike", &["--group"]);
    assert_eq!(groups["groups"].as_array().unwrap().len(), 3);
    assert!(groups.get("distinct").is_none());
    // Facets count every passage.
    let (_, faceted) = fixture.search("strike", &["--facets"]);
    let counted: u64 = faceted["facets"]["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["count"].as_u64().unwrap())
        .sum();
    assert_eq!(counted, 6);
}

// --- The differential test: collapsed pages against a brute-force
// collapse of every match, over randomised corpora and queries. ---

const WORDS: &[&str] = &[
    "harbour", "strike", "wire", "story", "council", "vote", "budget", "river", "bridge", "mayor",
    "Bogotá", "report", "court", "ruling", "the", "of", "a", "and",
];

/// A paragraph of the pool, maybe changed only in case, punctuation and
/// spacing (still a copy), or by one word (another passage).
fn variant(seed: &mut u64, paragraph: &str) -> String {
    match next(seed) % 6 {
        0 => paragraph.to_uppercase(),
        1 => paragraph.replace(' ', "  ").replace('.', "!"),
        2 => format!("— {}", paragraph.replace(',', " ;")),
        3 => format!("{paragraph} strike"),
        _ => paragraph.to_string(),
    }
}

/// The index's copy map (which passages have copies), as a search finds it.
#[derive(Debug, Clone, Copy)]
enum CopyMap {
    /// As `cita index` wrote it: `distinct` is counted with it.
    Written,
    /// The first run's, describing segments the index no longer has.
    Stale,
    /// With a byte changed.
    Damaged,
}

/// The copy map's file in the index folder.
const COPY_MAP: &str = "cita-copies.bin";

/// `documents` documents drawn from a pool of `pool` paragraphs: most
/// passages have copies elsewhere, with a small pool a hundred of them.
/// Built in two runs, so that copies and ties lie in two segments.
fn corpus(seed: &mut u64, pool: usize, documents: usize, map: CopyMap) -> (TempDir, Archive) {
    let dir = TempDir::new_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    let pool: Vec<String> = (0..pool)
        .map(|_| {
            let length = 3 + next(seed) as usize % 9;
            let words: Vec<&str> = (0..length)
                .map(|_| WORDS[next(seed) as usize % WORDS.len()])
                .collect();
            format!(
                "{}, {}.",
                words[..length / 2].join(" "),
                words[length / 2..].join(" ")
            )
        })
        .collect();
    let index = dir.path().join("index");
    for number in 0..documents {
        if number == documents / 2 {
            cita::build(&corpus, &index, &cita::BuildOptions::default()).unwrap();
            std::fs::copy(index.join(COPY_MAP), dir.path().join(COPY_MAP)).unwrap();
        }
        let mut text = String::new();
        if number % 5 != 0 {
            let month = 1 + next(seed) % 12;
            text += &format!("---\ndate: 2020-{month:02}-01\n---\n\n");
        }
        let mut used = Vec::new();
        for _ in 0..1 + next(seed) % 5 {
            let chosen = next(seed) as usize % pool.len();
            let paragraph = variant(seed, &pool[chosen]);
            // A document holds each text once (passages dedupe within one).
            if !used.contains(&paragraph) {
                text += &format!("{paragraph}\n\n");
                used.push(paragraph);
            }
        }
        let folder = ["a", "b", "c"][number % 3];
        std::fs::create_dir_all(corpus.join(folder)).unwrap();
        std::fs::write(corpus.join(folder).join(format!("{number:02}.md")), text).unwrap();
    }
    // A document of the first run removed: its passages are deleted
    // from a segment the map then describes with its deletions.
    std::fs::remove_file(corpus.join("a").join("00.md")).unwrap();
    build_and_open(&corpus, &index).unwrap();
    let written = std::fs::read(index.join(COPY_MAP)).unwrap();
    match map {
        CopyMap::Written => {}
        CopyMap::Stale => {
            std::fs::copy(dir.path().join(COPY_MAP), index.join(COPY_MAP)).unwrap();
        }
        CopyMap::Damaged => {
            let mut damaged = written;
            let at = next(seed) as usize % damaged.len();
            damaged[at] ^= 1 << (next(seed) % 8);
            std::fs::write(index.join(COPY_MAP), damaged).unwrap();
        }
    }
    // The map is read when it describes the index, and only then.
    let searcher = tantivy::Index::open_in_dir(&index)
        .unwrap()
        .reader()
        .unwrap()
        .searcher();
    let read = cita::copy_map::CopyMap::load(&index, &searcher);
    assert_eq!(read.is_some(), matches!(map, CopyMap::Written), "{map:?}");
    let archive = Archive::open(&index).unwrap();
    (dir, archive)
}

/// Where a passage is, in the order duplicates are listed in.
fn place(hit: &Hit) -> (String, Option<u64>, String, u32, u32) {
    let p = &hit.passage;
    let entry = p.entry.clone().unwrap_or_default();
    (p.source.clone(), p.record, entry, p.paragraph, p.part)
}

/// How `sort` orders two hits, as the README states it: by date (undated
/// last) or by document first, then by score (highest first), then by
/// place; every hit has a place of its own.
fn in_order(sort: Sort, a: &Hit, b: &Hit) -> std::cmp::Ordering {
    let date = |hit: &Hit| hit.passage.date;
    let dated = |hit: &Hit| (date(hit).is_none(), date(hit));
    let document = |hit: &Hit| {
        let (source, record, entry, ..) = place(hit);
        (source, record, entry)
    };
    let first = match sort {
        Sort::Relevance => std::cmp::Ordering::Equal,
        Sort::Date => dated(a).cmp(&dated(b)),
        Sort::DateDescending => (date(a).is_none(), std::cmp::Reverse(date(a)))
            .cmp(&(date(b).is_none(), std::cmp::Reverse(date(b)))),
        Sort::Source => document(a).cmp(&document(b)),
        Sort::Document => place(a).cmp(&place(b)),
    };
    first
        .then(b.score.total_cmp(&a.score))
        .then_with(|| place(a).cmp(&place(b)))
}

#[test]
fn collapsed_pages_are_a_brute_force_collapse_of_every_match() {
    let mut seed = 0x0c0f_fee5_u64;
    let mut folding = Folding::default();
    let mut compared = 0;
    let mut collapsed_away = 0;
    let mut longest = 0;
    let corpora = [
        (14, 40, CopyMap::Written),
        (3, 120, CopyMap::Written),
        (8, 40, CopyMap::Stale),
        (5, 60, CopyMap::Damaged),
    ];
    for (pool, documents, map) in corpora {
        let (_dir, archive) = corpus(&mut seed, pool, documents, map);
        for _ in 0..60 {
            let query = match next(&mut seed) % 4 {
                0 => WORDS[next(&mut seed) as usize % WORDS.len()].to_string(),
                1 => format!(
                    "{} OR {}",
                    WORDS[next(&mut seed) as usize % WORDS.len()],
                    WORDS[next(&mut seed) as usize % WORDS.len()]
                ),
                2 => "*".to_string(),
                _ => format!(
                    "{} {}",
                    WORDS[next(&mut seed) as usize % 10],
                    WORDS[next(&mut seed) as usize % WORDS.len()]
                ),
            };
            let sort = [
                Sort::Relevance,
                Sort::Relevance,
                Sort::Date,
                Sort::DateDescending,
                Sort::Source,
                Sort::Document,
            ][next(&mut seed) as usize % 6];
            let limit = [1, 3, 10, 0, ALL][next(&mut seed) as usize % 5];
            let offset = [0, 0, 1, 4, 11][next(&mut seed) as usize % 5];
            let request = SearchRequest {
                limit,
                offset,
                sort,
                facets: next(&mut seed).is_multiple_of(4),
                // Partial matches have their own differential test.
                all_words: true,
                ..SearchRequest::new(query.as_str())
            };
            let every = archive
                .search(&SearchRequest {
                    limit: ALL,
                    offset: 0,
                    collapse: false,
                    ..request.clone()
                })
                .unwrap();
            let what = format!("{query:?} {sort:?} limit {limit} offset {offset}, map {map:?}");
            // Every match in the order asked for, by the brute force's rule.
            assert!(
                every
                    .hits
                    .windows(2)
                    .all(|pair| in_order(sort, &pair[0], &pair[1]).is_lt()),
                "{what}"
            );
            // A page without collapsing is that order's slice (a date order
            // reads only the first matches whole).
            let page = archive
                .search(&SearchRequest {
                    collapse: false,
                    ..request.clone()
                })
                .unwrap();
            let sliced = every.hits.iter().skip(offset).take(limit);
            assert_eq!(
                page.hits
                    .iter()
                    .map(|hit| &hit.passage.id)
                    .collect::<Vec<_>>(),
                sliced.map(|hit| &hit.passage.id).collect::<Vec<_>>(),
                "{what}"
            );
            // The brute force: every match in order, collapsed by its words.
            let mut sets: Vec<(Hit, Vec<Hit>)> = Vec::new();
            let mut at: HashMap<u64, usize> = HashMap::new();
            for hit in every.hits {
                let key = copy_key(&hit.passage.text, &mut folding);
                match at.get(&key) {
                    Some(&set) => sets[set].1.push(hit),
                    None => {
                        at.insert(key, sets.len());
                        sets.push((hit, Vec::new()));
                    }
                }
            }
            let found = archive.search(&request).unwrap();
            assert_eq!(found.total, every.total, "{what}");
            assert_eq!(found.distinct, Some(sets.len() as u64), "{what}");
            let expected: Vec<&(Hit, Vec<Hit>)> = sets.iter().skip(offset).take(limit).collect();
            assert_eq!(found.hits.len(), expected.len(), "{what}");
            for (rank, (hit, (shown, others))) in found.hits.iter().zip(expected).enumerate() {
                assert_eq!(hit.rank, offset + rank + 1, "{what}");
                assert_eq!(hit.passage.id, shown.passage.id, "{what} rank {}", hit.rank);
                assert_eq!(hit.score, shown.score, "{what}");
                let mut others: Vec<&Hit> = others.iter().collect();
                others.sort_by_key(|other| place(other));
                let listed: Vec<&str> = hit
                    .duplicates
                    .as_ref()
                    .unwrap()
                    .iter()
                    .map(|d| d.id.as_str())
                    .collect();
                let expected: Vec<&str> = others
                    .iter()
                    .take(cita::views::collapse::LISTED)
                    .map(|other| other.passage.id.as_str())
                    .collect();
                assert_eq!(listed, expected, "{what} rank {}", hit.rank);
                assert_eq!(hit.duplicates_total, Some(others.len() as u64), "{what}");
                compared += 1;
                collapsed_away += others.len();
                longest = longest.max(others.len());
            }
        }
    }
    assert!(compared > 300, "only {compared} hits compared");
    assert!(
        collapsed_away > 300,
        "only {collapsed_away} copies collapsed"
    );
    // More than are listed, and more than are placed one by one.
    assert!(
        longest > 4 * cita::views::collapse::LISTED,
        "a hit with more duplicates than are listed ({longest})"
    );
}

/// What a collapsed first page says of its copies: the counts and the
/// duplicates of its hit.
fn copies_seen(archive: &Archive, query: &str) -> (u64, Option<u64>, Vec<String>) {
    let found = archive
        .search(&SearchRequest {
            limit: 1,
            all_words: true,
            ..SearchRequest::new(query)
        })
        .unwrap();
    let duplicates = found.hits[0].duplicates.as_ref().unwrap();
    let ids = duplicates.iter().map(|d| d.id.clone()).collect();
    (found.total, found.distinct, ids)
}

#[test]
fn a_copy_map_damaged_anywhere_is_not_used_and_the_counts_stay_exact() {
    let mut seed = 0x5eed_c0de_u64;
    let (dir, archive) = corpus(&mut seed, 4, 30, CopyMap::Written);
    let queries = ["*", "the", "strike OR vote"];
    let expected: Vec<_> = queries.iter().map(|q| copies_seen(&archive, q)).collect();
    assert!(
        expected
            .iter()
            .all(|(total, distinct, _)| distinct < &Some(*total)),
        "every query finds copies: {expected:?}"
    );
    drop(archive);
    let index = dir.path().join("index");
    let written = std::fs::read(index.join(COPY_MAP)).unwrap();
    assert!(written.len() < 4096, "a small map: {} bytes", written.len());
    let mut damaged_copies = vec![
        written[..written.len() - 1].to_vec(),
        [written.as_slice(), &[0]].concat(),
        Vec::new(),
    ];
    for at in 0..written.len() {
        let mut damaged = written.clone();
        damaged[at] ^= 1 << (at % 8);
        damaged_copies.push(damaged);
    }
    // Whole, with its checksum, but counting more sets than its passages
    // can hold: a search would mark a bit per set.
    let mut crafted = written[..written.len() - 8].to_vec();
    crafted[8..12].copy_from_slice(&u32::MAX.to_le_bytes());
    let checksum = xxhash_rust::xxh3::xxh3_64(&crafted);
    crafted.extend(checksum.to_le_bytes());
    damaged_copies.push(crafted);
    for damaged in damaged_copies {
        std::fs::write(index.join(COPY_MAP), &damaged).unwrap();
        let archive = Archive::open(&index).unwrap();
        for (query, expected) in queries.iter().zip(&expected) {
            assert_eq!(&copies_seen(&archive, query), expected, "{query}");
        }
    }
    // The next run writes the map again.
    cita::build(
        &dir.path().join("corpus"),
        &index,
        &cita::BuildOptions::default(),
    )
    .unwrap();
    assert_eq!(std::fs::read(index.join(COPY_MAP)).unwrap(), written);
}

#[test]
fn a_copy_map_that_cannot_be_written_is_a_warning_and_searches_count_alike() {
    let fixture = Fixture::new();
    let paragraph = "The embassy cable on Plan LAZO, copied by two outlets.";
    fixture.file("a.md", format!("{paragraph}\n"));
    fixture.file("b.md", format!("{paragraph}\n"));
    fixture.index();
    let (_, before) = fixture.search("embassy", &[]);
    let index = fixture.index_path();
    let first_map = std::fs::read(index.join(COPY_MAP)).unwrap();
    // A folder where the map's temporary file goes: the write fails, as on
    // a full disk.
    std::fs::create_dir(index.join(format!("{COPY_MAP}.partial"))).unwrap();
    fixture.file("c.md", format!("{paragraph}\n"));
    let out = fixture.index_with(&[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let warning = stderr(&out);
    assert!(
        warning.contains("the copy map was not written ("),
        "{warning}"
    );
    let (code, after) = fixture.search("embassy", &[]);
    assert_eq!(code, 0, "{after}");
    assert_eq!(after["total"], 3, "{after}");
    assert_eq!(after["distinct"], before["distinct"], "{after}");
    assert_eq!(hits(&after)[0]["duplicates_total"], 2, "{after}");
    // The next run writes it.
    std::fs::remove_dir(index.join(format!("{COPY_MAP}.partial"))).unwrap();
    let out = fixture.index_with(&[]);
    assert!(!stderr(&out).contains("copy map"), "{}", stderr(&out));
    assert_ne!(std::fs::read(index.join(COPY_MAP)).unwrap(), first_map);
}
