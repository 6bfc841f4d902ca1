//! Research workflows with the real binary: every occurrence, counts,
//! groups, context and `show`, sorting, facets and timelines, concordances,
//! batch runs, CSV, citations, `matched`, fingerprints and mentioned years.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::*;
use serde_json::Value;

fn index_arg() -> &'static str {
    shipped_index().to_str().unwrap()
}

/// Runs a command on the shipped index: `cita CMD --index … ARGS`.
fn cita(command: &str, args: &[&str]) -> std::process::Output {
    let mut all = vec![command, "--index", index_arg()];
    all.extend_from_slice(args);
    run(&all)
}

fn json_of(output: &std::process::Output) -> Value {
    serde_json::from_slice(&output.stdout).expect("one JSON object")
}

fn csv_rows(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

/// The shipped passages that contain the phrase "Plan LAZO", by reading the corpus.
fn plan_lazo_paragraph_count() -> usize {
    let text = std::fs::read_to_string(shipped_corpus().join("000_e39ce299bc3734e6.txt")).unwrap();
    text.split('\n')
        .filter(|line| line.contains("Plan LAZO") && !line.starts_with('='))
        .count()
}

#[test]
fn all_returns_every_passage_with_the_phrase_still_ranked() {
    let (code, result) = search_json("\"Plan LAZO\"", &["--all"]);
    assert_eq!(code, 0);
    let found = hits(&result);
    assert_eq!(found.len(), plan_lazo_paragraph_count());
    assert_eq!(result["total"].as_u64().unwrap() as usize, found.len());
    for (i, hit) in found.iter().enumerate() {
        assert!(hit["text"].as_str().unwrap().contains("Plan LAZO"));
        assert_eq!(hit["rank"], i + 1);
    }
    // More than the default limit of 10 for a common word.
    let (_, many) = search_json("colombia", &["--all"]);
    assert_eq!(hits(&many).len() as u64, many["total"].as_u64().unwrap());
    assert!(hits(&many).len() > 10);
}

#[test]
fn count_prints_passages_and_documents_and_exits_like_search() {
    let out = cita("search", &["--count", "--", "\"Plan LAZO\""]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "3 passages in 1 document\n");
    let out = cita("search", &["--count", "--format", "json", "colombia"]);
    let counts = json_of(&out);
    let (_, all) = search_json("colombia", &["--all"]);
    let documents: BTreeSet<&str> = hits(&all)
        .iter()
        .map(|h| h["source"].as_str().unwrap())
        .collect();
    assert_eq!(counts["passages"], all["total"]);
    assert_eq!(counts["documents"], documents.len());
    let none = cita("search", &["--count", "zzzznotaword"]);
    assert_eq!(none.status.code(), Some(1));
    assert_eq!(stdout(&none), "0 passages in 0 documents\n");
}

#[test]
fn group_shows_each_document_once_with_all_its_hits() {
    let (_, result) = search_json("colombia", &["--group", "--limit", "100"]);
    let groups = result["groups"].as_array().unwrap();
    let sources: BTreeSet<&str> = groups
        .iter()
        .map(|g| g["source"].as_str().unwrap())
        .collect();
    assert_eq!(sources.len(), groups.len(), "each document once");
    let mut passages = 0;
    let mut best_ranks = Vec::new();
    for (i, group) in groups.iter().enumerate() {
        assert_eq!(group["rank"], i + 1);
        let hits = group["hits"].as_array().unwrap();
        assert_eq!(group["passages"].as_u64().unwrap() as usize, hits.len());
        assert!(hits.iter().all(|h| h["source"] == group["source"]));
        passages += hits.len();
        best_ranks.push(hits[0]["rank"].as_u64().unwrap());
        assert_eq!(
            result["hits"][i], hits[0],
            "top-level hits are the best of each group"
        );
    }
    assert_eq!(passages as u64, result["total"].as_u64().unwrap());
    assert_eq!(
        result["documents"],
        groups.len(),
        "every document is on the page"
    );
    assert!(
        best_ranks.windows(2).all(|w| w[0] < w[1]),
        "ranked by best passage"
    );
    assert_eq!(best_ranks[0], 1);
    // A page of fewer groups says how many there are to page through.
    let (_, page) = search_json("colombia", &["--group", "--limit", "2", "--offset", "1"]);
    assert_eq!(page["documents"], groups.len());
    assert_eq!(page["groups"][0]["source"], groups[1]["source"]);
    let (_, plain) = search_json("colombia", &[]);
    assert!(plain.get("documents").is_none(), "only with --group");

    let limited = cita(
        "search",
        &["--group", "--limit", "2", "--color", "never", "colombia"],
    );
    let text = stdout(&limited);
    assert!(text.contains("more passages in this document"), "{text}");
    assert!(
        text.contains(&format!("2 of {} documents shown", groups.len())),
        "{text}"
    );
    // A later page says which documents it shows.
    let later = cita(
        "search",
        &[
            "--group", "--limit", "2", "--offset", "1", "--color", "never", "colombia",
        ],
    );
    let text = stdout(&later);
    assert!(
        text.contains(&format!("2–3 of {} documents shown", groups.len())),
        "{text}"
    );
}

#[test]
fn context_adds_neighbouring_passages_of_the_same_document() {
    let (_, result) = search_json("\"Plan LAZO\"", &["-C", "1", "--all"]);
    for hit in hits(&result) {
        let paragraph = hit["paragraph"].as_u64().unwrap();
        let before = hit["before"].as_array().unwrap();
        let after = hit["after"].as_array().unwrap();
        assert_eq!(before.len(), 1);
        assert_eq!(after.len(), 1);
        assert!(before[0]["paragraph"].as_u64().unwrap() < paragraph);
        assert!(after[0]["paragraph"].as_u64().unwrap() > paragraph);
        assert_eq!(before[0]["source"], hit["source"]);
    }
    let (_, plain) = search_json("\"Plan LAZO\"", &[]);
    assert!(
        hits(&plain)[0].get("before").is_none(),
        "only with --context"
    );
    let text = stdout(&cita(
        "search",
        &[
            "-C",
            "1",
            "-n",
            "1",
            "--color",
            "never",
            "--",
            "\"Plan LAZO\"",
        ],
    ));
    assert_eq!(text.matches("   ┆ ¶").count(), 2, "{text}");
}

/// The context of a part of a long paragraph names its neighbours' parts,
/// as the hit's header and citation name the hit's (`¶2.3`, not `¶2`;
/// found by a review).
#[test]
fn context_lines_name_the_parts_of_a_long_paragraph() {
    let fixture = Fixture::new();
    let sentences: String = (1..=30)
        .map(|n| format!("La frase número {n} del informe describe la situación de la vereda {n} con detalle suficiente. "))
        .collect();
    fixture.file("informe.txt", format!("Informe\n\n{sentences}\n"));
    let (code, result) = fixture.search("\"vereda 15\"", &["-C", "1"]);
    assert_eq!(code, 0, "{result}");
    let hit = &hits(&result)[0];
    let part = hit["part"].as_u64().unwrap();
    let index = fixture.index_path();
    let text = stdout(&run(&[
        "search",
        "--index",
        index.to_str().unwrap(),
        "-C",
        "1",
        "--color",
        "never",
        "\"vereda 15\"",
    ]));
    // A first part is written as its paragraph, as a hit's header does.
    assert_eq!(part, 2, "{hit}");
    assert!(text.contains("   ┆ ¶2 La frase número 1 "), "{text}");
    assert!(text.contains("   ┆ ¶2.3 La frase número 21 "), "{text}");
}

#[test]
fn context_stays_within_one_record_of_a_json_lines_feed() {
    let fixture = Fixture::new();
    fixture.file(
        "feed.jsonl",
        concat!(
            r#"{"title": "One", "text": ["alpha first", "alpha needle", "alpha last"]}"#,
            "\n",
            r#"{"title": "Two", "text": ["beta first", "beta other", "beta last"]}"#,
            "\n",
        ),
    );
    let (_, result) = fixture.search("needle", &["-C", "5"]);
    let hit = &hits(&result)[0];
    let texts = |key: &str| -> Vec<String> {
        hit[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["text"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(texts("before"), ["alpha first"]);
    assert_eq!(texts("after"), ["alpha last"]);
}

#[test]
fn context_of_many_hits_in_many_records_is_each_hit_s_own() {
    // Eight records, each with two needles: more documents than the
    // listings an archive keeps, visited in rank order, back and forth.
    let fixture = Fixture::new();
    let records: Vec<String> = (0..8)
        .map(|r| {
            let needles = " needle".repeat(r % 3 + 1);
            format!(
                r#"{{"title": "R{r}", "text": ["r{r} first", "r{r}{needles}", "r{r} middle", "r{r} needle again", "r{r} last"]}}"#
            )
        })
        .collect();
    fixture.file("feed.jsonl", records.join("\n"));
    let (_, result) = fixture.search("needle", &["-C", "1", "--all", "--no-collapse"]);
    let found = hits(&result);
    assert_eq!(found.len(), 16, "{result}");
    for hit in found {
        let text = hit["text"].as_str().unwrap();
        let record = text.split(' ').next().unwrap();
        let expected = match hit["paragraph"].as_u64() {
            Some(2) => (format!("{record} first"), format!("{record} middle")),
            _ => (format!("{record} middle"), format!("{record} last")),
        };
        let neighbour = |key: &str| hit[key][0]["text"].as_str().unwrap().to_string();
        assert_eq!((neighbour("before"), neighbour("after")), expected, "{hit}");
    }
}

/// A concordance line names the part of a long paragraph it comes from,
/// as a hit does: every part's lines said `¶1`.
#[test]
fn kwic_lines_name_the_part_of_a_long_paragraph() {
    let fixture = Fixture::new();
    let text: String = (1..=40)
        .map(|n| {
            format!("The okapi number {n} of the Ituri forest was described in the first years. ")
        })
        .collect();
    fixture.file("long.txt", &text);
    fixture.index();
    let index = fixture.index_path();
    let index = index.to_str().unwrap();
    let kwic = |format: &str| {
        stdout(&run(&[
            "kwic", "--index", index, "--format", format, "okapi",
        ]))
    };
    let search: Value = serde_json::from_str(&stdout(&run(&[
        "search", "--index", index, "--format", "json", "--all", "okapi",
    ])))
    .unwrap();
    let part_of: std::collections::HashMap<&str, &Value> = search["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| (hit["id"].as_str().unwrap(), &hit["part"]))
        .collect();
    assert!(part_of.len() > 2, "{search}");
    let json: Value = serde_json::from_str(&kwic("json")).unwrap();
    let lines = json["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 40);
    for line in lines {
        assert_eq!(
            &line["part"],
            part_of[line["id"].as_str().unwrap()],
            "{line}"
        );
    }
    let parts: BTreeSet<u64> = lines
        .iter()
        .map(|line| line["part"].as_u64().unwrap())
        .collect();
    assert_eq!(parts.len(), part_of.len());
    let text = kwic("text");
    for part in parts.iter().filter(|&&part| part > 1) {
        assert!(text.contains(&format!("long.txt ¶1.{part}")), "{text}");
    }
    let (header, rows) = csv_rows(&kwic("csv"));
    assert_eq!(header.last().unwrap(), "part");
    let csv_parts: BTreeSet<u64> = rows
        .iter()
        .map(|row| row.last().unwrap().parse().unwrap())
        .collect();
    assert_eq!(csv_parts, parts);
}

/// A concordance line names the record of a feed it comes from, as a hit
/// does: two records' first paragraphs were both `feed.jsonl ¶1`.
#[test]
fn kwic_lines_name_the_record_of_a_feed() {
    let fixture = Fixture::new();
    fixture.file(
        "feed.jsonl",
        concat!(
            r#"{"title": "One", "text": "The first okapi."}"#,
            "\n\n",
            r#"{"title": "Three", "text": "The third okapi."}"#,
            "\n",
        ),
    );
    fixture.index();
    let kwic = |format: &str| {
        let index = fixture.index_path();
        let args = [
            "kwic",
            "--index",
            index.to_str().unwrap(),
            "--format",
            format,
        ];
        stdout(&run(
            &[&args[..], &["--sort-context", "left", "okapi"]].concat()
        ))
    };
    let json: Value = serde_json::from_str(&kwic("json")).unwrap();
    let records: Vec<&Value> = json["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|line| &line["record"])
        .collect();
    assert_eq!(records, [1, 3]);
    assert!(json["lines"][0]["page"].is_null());
    let text = kwic("text");
    assert!(
        text.contains("feed.jsonl #1 ¶1") && text.contains("feed.jsonl #3 ¶1"),
        "{text}"
    );
    let (header, rows) = csv_rows(&kwic("csv"));
    assert_eq!(header[header.len() - 3..], ["record", "page", "part"]);
    assert_eq!(rows[1][header.len() - 3..], ["3", "", "1"]);
}

#[test]
fn a_citation_names_the_passage_and_its_id_resolves_with_show() {
    let (_, result) = search_json("\"Plan LAZO\"", &["--cite", "-n", "1"]);
    let hit = &hits(&result)[0];
    let citation = hit["citation"].as_str().unwrap();
    assert!(
        citation.contains("Colombia–United States relations"),
        "{citation}"
    );
    // An encyclopedia article names no date of its own: none is cited.
    assert!(
        citation.contains("relations.” Wikipedia. https://"),
        "{citation}"
    );
    assert!(citation.contains("https://en.wikipedia.org/"), "{citation}");
    assert!(
        citation.contains(&format!("¶ {}", hit["paragraph"])),
        "{citation}"
    );
    assert!(
        !citation.contains(".txt"),
        "the publication, not the file: {citation}"
    );
    let id = citation.rsplit(' ').next().unwrap();
    assert_eq!(id, format!("cita:{}", hit["id"].as_str().unwrap()));

    let shown = cita("show", &[id, "--format", "json", "-C", "1"]);
    assert_eq!(shown.status.code(), Some(0), "{}", stderr(&shown));
    let shown = json_of(&shown);
    // Copied with the sentence's punctuation or a space around it.
    for pasted in [format!("({id})."), format!(" {id}\t"), format!("{id},")] {
        let again = cita("show", &[&pasted, "--format", "json", "-C", "1"]);
        assert_eq!(
            again.status.code(),
            Some(0),
            "{pasted:?}: {}",
            stderr(&again)
        );
        assert_eq!(json_of(&again), shown, "{pasted:?}");
    }
    assert_eq!(shown["passage"]["text"], hit["text"]);
    assert_eq!(shown["before"].as_array().unwrap().len(), 1);
    assert_eq!(shown["after"].as_array().unwrap().len(), 1);

    let text = stdout(&cita("show", &[id, "--color", "never"]));
    assert!(text.contains(hit["text"].as_str().unwrap()));
    assert!(text.contains("publication Wikipedia"), "{text}");

    let text = stdout(&cita(
        "search",
        &[
            "--cite",
            "-n",
            "1",
            "--color",
            "never",
            "--",
            "\"Plan LAZO\"",
        ],
    ));
    assert!(text.contains(&format!("   cite: {citation}")), "{text}");
}

#[test]
fn show_of_an_unknown_id_exits_1_with_one_line() {
    let out = cita("show", &["0000000000000000"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out).lines().count(), 1);
    // A pasted paragraph for an id is quoted in part (a review: 100,000
    // characters came back in the one line).
    let long = "a".repeat(100_000);
    let out = cita("show", &["--", &long]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).len() < 200, "{}", stderr(&out).len());
}

fn dates_of(result: &Value) -> Vec<String> {
    hits(result)
        .iter()
        .map(|h| h["date"].as_str().unwrap_or("none").to_string())
        .collect()
}

#[test]
fn sort_orders_by_date_either_way_or_by_source() {
    // Undated passages (the Wikipedia article's) come last either way.
    let dated_then_undated = |dates: &[String]| -> Vec<String> {
        let undated = dates
            .iter()
            .position(|d| d == "none")
            .unwrap_or(dates.len());
        assert!(dates[undated..].iter().all(|d| d == "none"), "{dates:?}");
        assert!(undated > 0, "{dates:?}");
        dates[..undated].to_vec()
    };
    let (_, oldest) = search_json("petro", &["--all", "--sort", "date"]);
    let dates = dated_then_undated(&dates_of(&oldest));
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{dates:?}");
    let (_, newest) = search_json("petro", &["--all", "--sort", "-date"]);
    let dates = dated_then_undated(&dates_of(&newest));
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
    assert_ne!(dates_of(&oldest), dates_of(&newest));
    let (_, by_source) = search_json("petro", &["--all", "--sort", "source"]);
    let sources: Vec<&str> = hits(&by_source)
        .iter()
        .map(|h| h["source"].as_str().unwrap())
        .collect();
    assert!(sources.windows(2).all(|w| w[0] <= w[1]));
    // Ties keep relevance order: within a source, scores do not increase.
    for pair in hits(&by_source).windows(2) {
        if pair[0]["source"] == pair[1]["source"] {
            assert!(pair[0]["score"].as_f64() >= pair[1]["score"].as_f64());
        }
    }
    let (_, limited) = search_json("petro", &["-n", "3", "--sort", "-date"]);
    assert_eq!(dates_of(&limited), dates_of(&newest)[..3].to_vec());
    // `document`: each source's matches as the document reads, the same set.
    let (_, in_order) = search_json("petro", &["--all", "--sort", "document"]);
    let place = |hit: &Value| {
        let number = |key: &str| hit[key].as_u64().unwrap_or(0);
        (
            hit["source"].as_str().unwrap().to_string(),
            number("record"),
            hit["entry"].as_str().unwrap_or_default().to_string(),
            number("paragraph"),
            number("part"),
        )
    };
    let places: Vec<_> = hits(&in_order).iter().map(place).collect();
    let mut sorted = places.clone();
    sorted.sort();
    assert_eq!(places, sorted);
    let mut by_source_places: Vec<_> = hits(&by_source).iter().map(place).collect();
    assert_ne!(
        by_source_places, places,
        "petro's best passage of a document is not its first"
    );
    by_source_places.sort();
    assert_eq!(by_source_places, sorted);
}

#[test]
fn facets_count_every_match_per_source_and_year() {
    let (_, result) = search_json("colombia", &["--facets", "-n", "1"]);
    let facets = &result["facets"];
    let sum = |key: &str| -> u64 {
        facets[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["count"].as_u64().unwrap())
            .sum()
    };
    let total = result["total"].as_u64().unwrap();
    assert_eq!(sum("sources"), total);
    assert_eq!(sum("years") + facets["undated"].as_u64().unwrap(), total);
    assert_eq!(hits(&result).len(), 1);
    let years: Vec<&str> = facets["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["value"].as_str().unwrap())
        .collect();
    assert_eq!(years, ["2025", "2026"]);
    assert!(
        facets["undated"].as_u64().unwrap() > 0,
        "the Wikipedia article"
    );
}

#[test]
fn a_facet_limit_lists_the_most_frequent_values_and_counts_them_all() {
    let (_, whole) = search_json("colombia", &["--facets", "-n", "0"]);
    let (_, limited) = search_json("colombia", &["--facets", "--facet-limit", "2", "-n", "0"]);
    let values = |result: &Value, key: &str| result["facets"][key].as_array().unwrap().clone();
    for key in ["sources", "languages", "publications", "formats", "authors"] {
        let all = values(&whole, key);
        let first = &all[..all.len().min(2)];
        assert_eq!(values(&limited, key), first, "{key}");
        assert_eq!(limited["facets"]["values"][key], all.len(), "{key}");
        assert_eq!(whole["facets"]["values"][key], all.len(), "{key}");
    }
    // Years stay whole, as a timeline wants them.
    assert_eq!(values(&limited, "years"), values(&whole, "years"));
    let sources = values(&whole, "sources").len();
    assert!(
        sources > 2,
        "the fixture's matches lie in more than two files"
    );

    // The text output says how many are not listed.
    let text = cita("search", &["--facets", "--facet-limit", "2", "colombia"]);
    let listed = String::from_utf8(text.stdout).unwrap();
    let by_source = listed.split("By source\n").nth(1).unwrap();
    let lines: Vec<&str> = by_source.lines().take(3).collect();
    assert_eq!(
        lines[2],
        format!("     …  {} more", sources - 2),
        "{listed}"
    );

    // A limit of nothing to limit is refused.
    let refused = cita("search", &["--facet-limit", "2", "colombia"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--facets"));
}

#[test]
fn timeline_counts_per_year_month_and_source_in_every_format() {
    let out = cita("timeline", &["--format", "json", "colombia"]);
    let timeline = json_of(&out);
    let rows = timeline["rows"].as_array().unwrap();
    let (_, search) = search_json("colombia", &["-n", "0"]);
    let counted: u64 = rows.iter().map(|r| r["count"].as_u64().unwrap()).sum();
    assert_eq!(
        counted + timeline["undated"].as_u64().unwrap(),
        search["total"].as_u64().unwrap()
    );
    let periods: Vec<&str> = rows.iter().map(|r| r["period"].as_str().unwrap()).collect();
    assert_eq!(periods, ["2025", "2026"]);
    assert!(
        timeline["undated"].as_u64().unwrap() > 0,
        "the Wikipedia article"
    );
    assert_eq!(timeline["axis"], "published");

    let months = json_of(&cita(
        "timeline",
        &["--format", "json", "--by", "month", "petro"],
    ));
    assert!(
        months["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["period"].as_str().unwrap().len() == 7)
    );

    let by_source = json_of(&cita(
        "timeline",
        &["--format", "json", "--by-source", "colombia"],
    ));
    assert!(
        by_source["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["source"].is_string())
    );

    let (header, rows) = csv_rows(&stdout(&cita("timeline", &["--format", "csv", "colombia"])));
    assert_eq!(header, ["period", "source", "count"]);
    assert_eq!(rows.len(), 2);

    let chart = stdout(&cita(
        "timeline",
        &["--color", "never", "--since", "2019", "colombia"],
    ));
    let lines: Vec<&str> = chart.lines().collect();
    // The six empty years from the bound to the 2025 articles are one line.
    assert_eq!(lines[0], "2019–2024  none", "{chart}");
    assert!(lines[1].starts_with("2025       █"), "{chart}");
    assert!(lines[2].starts_with("2026       █"), "{chart}");

    // Bounds given: the rows span them, whatever the matches' dates (a
    // script charting a set range gets the same rows every time).
    let periods = |args: &[&str]| -> Vec<String> {
        let (_, rows) = csv_rows(&stdout(&cita("timeline", args)));
        rows.into_iter().map(|row| row[0].clone()).collect()
    };
    let bounded = periods(&[
        "--format", "csv", "--since", "2016", "--until", "2026", "colombia",
    ]);
    assert_eq!(
        bounded.first().map(String::as_str),
        Some("2016"),
        "{bounded:?}"
    );
    assert_eq!(
        bounded.last().map(String::as_str),
        Some("2026"),
        "{bounded:?}"
    );
    assert_eq!(bounded.len(), 11, "{bounded:?}");
    let months = periods(&[
        "--format",
        "csv",
        "--by",
        "month",
        "--since",
        "2025-01",
        "--until",
        "2025-12",
        "nosuchwordanywhere",
    ]);
    assert_eq!(months.len(), 12, "{months:?}");
    assert_eq!(months.first().map(String::as_str), Some("2025-01"));
    // A thousand years by month is charted whole; a month more is no
    // chart, its rows the matches' first period to their last.
    let by_month = |since: &str| {
        let args = ["--format", "csv", "--by", "month", "--since", since];
        periods(&[&args[..], &["--until", "2999-12", "colombia"]].concat())
    };
    let thousand_years = by_month("2000-01");
    assert_eq!(thousand_years.len(), 12_000);
    assert_eq!(thousand_years.first().map(String::as_str), Some("2000-01"));
    let wider = by_month("1999-12");
    assert!(wider.len() < 200, "{}", wider.len());
    assert_eq!(wider.first().map(String::as_str), Some("2025-09"));
    let mentioned = periods(&[
        "--format",
        "csv",
        "--mentions",
        "1958..1966",
        "\"Plan LAZO\"",
    ]);
    assert_eq!(
        (mentioned.first(), mentioned.len()),
        (Some(&"1958".to_string()), 9),
        "{mentioned:?}"
    );
}

#[test]
fn mentions_filters_by_the_years_a_passage_talks_about() {
    let (code, result) = search_json("\"Plan LAZO\"", &["--mentions", "1960..1969", "--all"]);
    assert_eq!(code, 0);
    let (_, all) = search_json("\"Plan LAZO\"", &["--all"]);
    let ids = |r: &Value| -> BTreeSet<String> {
        hits(r)
            .iter()
            .map(|h| h["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        ids(&result),
        ids(&all),
        "every Plan LAZO passage mentions the 1960s"
    );
    // The Wikipedia article (undated) is found for the 1960s; nothing
    // from the 2020s articles.
    let (_, sixties) = search_json("colombia", &["--mentions", "1960..1969", "--all"]);
    assert!(!hits(&sixties).is_empty());
    assert!(hits(&sixties).iter().all(|h| h["date"].is_null()));
    let (code, _) = search_json("\"Plan LAZO\"", &["--mentions", "2020..2021"]);
    assert_eq!(code, 1);
    let bad = cita("search", &["--mentions", "sixties", "lazo"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("year range"));

    let timeline = json_of(&cita(
        "timeline",
        &["--format", "json", "--mentions", "--", "\"Plan LAZO\""],
    ));
    assert_eq!(timeline["axis"], "mentioned");
    let row = |year: &str| {
        timeline["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["period"] == year)
            .map(|r| r["count"].as_u64().unwrap())
    };
    assert_eq!(row("1964"), Some(2));
    let narrowed = json_of(&cita(
        "timeline",
        &[
            "--format",
            "json",
            "--mentions",
            "1960..1969",
            "--",
            "\"Plan LAZO\"",
        ],
    ));
    let periods: Vec<&str> = narrowed["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["period"].as_str().unwrap())
        .collect();
    assert!(periods.iter().all(|p| p.starts_with("196")), "{periods:?}");
}

#[test]
fn kwic_aligns_the_centre_column_for_multibyte_text() {
    let fixture = Fixture::new();
    fixture
        .file(
            "a.txt",
            "Llegamos a Bogotá ayer por la tarde.\n\nEn 東京都 y Bogotá hubo lluvias.\n",
        )
        .file(
            "b.txt",
            "x Bogota.\n\nÀ côté de Bogotá, les ñandúes dorment.\n",
        );
    let out = fixture.index();
    assert!(out.status.success());
    let index = fixture.index_path();
    let out = run(&[
        "kwic",
        "--index",
        index.to_str().unwrap(),
        "--width",
        "12",
        "--color",
        "never",
        "bogota",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    for line in &lines {
        let at = line.find("Bogot").unwrap();
        assert_eq!(cita::kwic::display_width(&line[..at]), 13, "{text}");
    }
    // The right context starts in one column too.
    let right: BTreeSet<usize> = lines
        .iter()
        .map(|l| cita::kwic::display_width(&l[..l.find("Bogot").unwrap() + "Bogotá".len()]))
        .collect();
    assert!(right.len() <= 2, "{text}");

    let json: Value = serde_json::from_slice(
        &run(&[
            "kwic",
            "--index",
            index.to_str().unwrap(),
            "--format",
            "json",
            "--width",
            "6",
            "bogota",
        ])
        .stdout,
    )
    .unwrap();
    for line in json["lines"].as_array().unwrap() {
        assert!(cita::kwic::display_width(line["left"].as_str().unwrap()) <= 6);
        assert!(cita::kwic::display_width(line["right"].as_str().unwrap()) <= 6);
        assert!(line["matched"].as_str().unwrap().starts_with("Bogot"));
    }
}

#[test]
fn kwic_sorts_by_left_or_right_context_and_writes_csv() {
    let right = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["--format", "json"];
        all.extend_from_slice(args);
        all.push("bogota");
        json_of(&cita("kwic", &all))["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["right"].as_str().unwrap().to_lowercase())
            .collect()
    };
    let words = |text: &String| -> Vec<String> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    };
    let sorted = right(&["--sort-context", "right"]);
    assert!(sorted.len() > 2);
    assert!(
        sorted.windows(2).all(|w| words(&w[0]) <= words(&w[1])),
        "{sorted:?}"
    );
    assert_ne!(
        sorted,
        right(&[]),
        "relevance order differs from right-context order"
    );
    let lefts: Vec<String> = json_of(&cita(
        "kwic",
        &["--format", "json", "--sort-context", "left", "bogota"],
    ))["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            l["left"]
                .as_str()
                .unwrap()
                .split(|c: char| !c.is_alphanumeric())
                .rfind(|w| !w.is_empty())
                .unwrap_or("")
                .to_lowercase()
        })
        .collect();
    assert!(lefts.windows(2).all(|w| w[0] <= w[1]), "{lefts:?}");
    let (header, rows) = csv_rows(&stdout(&cita("kwic", &["--format", "csv", "bogota"])));
    assert_eq!(
        header,
        [
            "rank",
            "source",
            "date",
            "paragraph",
            "id",
            "left",
            "match",
            "right",
            "entry",
            "record",
            "page",
            "part"
        ]
    );
    assert_eq!(rows.len(), sorted.len());
}

#[test]
fn kwic_limit_keeps_the_first_occurrences_in_relevance_order_and_says_so() {
    let every = json_of(&cita("kwic", &["--format", "json", "bogota"]));
    let lines = every["lines"].as_array().unwrap();
    assert!(lines.len() > 3, "{every}");
    assert_eq!(every["truncated"], false);
    let limited = |limit: usize, sort: &[&str]| {
        let limit = limit.to_string();
        let args = ["--format", "json", "--limit", &limit];
        let out = cita("kwic", &[&args[..], sort, &["bogota"]].concat());
        (json_of(&out), stderr(&out))
    };
    for limit in [1, 3, lines.len() - 1] {
        let (concordance, note) = limited(limit, &[]);
        assert_eq!(concordance["lines"].as_array().unwrap()[..], lines[..limit]);
        assert_eq!(concordance["truncated"], true);
        assert_eq!(concordance["passages"], every["passages"]);
        assert!(
            note.contains(&format!("the first {limit} occurrences")),
            "{note}"
        );
    }
    // No line at all still counts the passages, and exits as a match.
    let out = cita("kwic", &["--format", "json", "--limit", "0", "bogota"]);
    assert_eq!(out.status.code(), Some(0));
    let none = json_of(&out);
    assert_eq!(
        (none["lines"].as_array().unwrap().len(), &none["truncated"]),
        (0, &Value::Bool(true))
    );
    assert_eq!(none["passages"], every["passages"]);
    let (whole, note) = limited(lines.len(), &[]);
    assert_eq!(whole["lines"], every["lines"]);
    assert_eq!(whole["truncated"], false);
    assert_eq!(note, "");
    // Sorted by context: the first occurrences by relevance, then sorted.
    let key = |line: &Value| line["id"].to_string() + line["left"].as_str().unwrap();
    let (sorted, _) = limited(3, &["--sort-context", "right"]);
    let mut kept: Vec<String> = sorted["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(key)
        .collect();
    let mut first: Vec<String> = lines[..3].iter().map(key).collect();
    kept.sort();
    first.sort();
    assert_eq!(kept, first);
    // A query marking no word has no line: its passages are counted, none
    // read (reading every match took gigabytes on a large archive); one
    // that marks a word among many passages that hold none has the word's
    // lines, however few, and every passage read.
    let total = |query: &str| {
        json_of(&cita("search", &["--format", "json", "-n", "0", query]))["total"].clone()
    };
    for query in ["*", "lang:en", "format:text"] {
        let out = cita("kwic", &["--format", "json", "--limit", "1", query]);
        let concordance = json_of(&out);
        assert_eq!(concordance["lines"], Value::Array(Vec::new()), "{query}");
        assert_eq!(concordance["truncated"], false, "{query}");
        assert_eq!(concordance["passages"], total(query), "{query}");
    }
    let either = json_of(&cita("kwic", &["--format", "json", "bogota OR lang:en"]));
    assert_eq!(either["lines"], every["lines"]);
    assert_eq!(either["truncated"], false);
    assert_eq!(either["passages"], total("bogota OR lang:en"));
}

#[test]
fn batch_runs_each_line_and_reports_bad_ones_by_number() {
    let fixture = Fixture::new();
    fixture.file(
        "quotes.txt",
        "He said \"no, never\", then left, quietly.\n\nAnother line about apples, pears.\n",
    );
    assert!(fixture.index().status.success());
    let queries = fixture.dir.path().join("queries.txt");
    // Line 5 is not UTF-8: reported, and the others run.
    // Line 9 is a query of 10,000 words: quoted on stderr by its beginning.
    let long = "apples ".repeat(10_000);
    std::fs::write(
        &queries,
        [
            &b"# fruit and talk\n\nnever\n\"unclosed\n\xff\xfe pears\napples\nzzzznotaword\napples zzzznotaword\n"[..],
            long.as_bytes(),
            b"\n",
        ]
        .concat(),
    )
    .unwrap();
    let out = run(&[
        "batch",
        queries.to_str().unwrap(),
        "--index",
        fixture.index_path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let (header, rows) = csv_rows(&stdout(&out));
    assert_eq!(
        header,
        [
            "query",
            "rank",
            "score",
            "source",
            "title",
            "date",
            "section",
            "paragraph",
            "id",
            "snippet",
            "language",
            "entry",
            "author",
            "extraction",
            "ocr_confidence",
            "publication",
            "url",
            "part",
            "page",
            "record",
            "text",
            "date_origin"
        ]
    );
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0][0], "never");
    assert_eq!(rows[0][9], "He said \"no, never\", then left, quietly.");
    assert_eq!(rows[1][0], "apples");
    let err = stderr(&out);
    assert!(err.contains("line 3: never: 1 matching passage"), "{err}");
    assert!(err.contains("line 4: \"unclosed: invalid query"), "{err}");
    assert!(err.contains("line 5: not UTF-8 text, skipped"), "{err}");
    assert!(
        err.contains("line 7: zzzznotaword: 0 matching passages"),
        "{err}"
    );
    // A search would fill its page with the passage holding half the
    // words; a batch lists matching passages only.
    assert!(
        err.contains("line 8: apples zzzznotaword: 0 matching passages"),
        "{err}"
    );
    let line9 = err.lines().find(|line| line.contains("line 9: ")).unwrap();
    assert!(
        line9.starts_with("cita: line 9: apples apples") && line9.chars().count() < 400,
        "{line9}"
    );

    let jsonl = run(&[
        "batch",
        queries.to_str().unwrap(),
        "--format",
        "jsonl",
        "--index",
        fixture.index_path().to_str().unwrap(),
    ]);
    let rows: Vec<Value> = stdout(&jsonl)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1]["query"], "apples");
    assert_eq!(rows[1]["line"], 6);
    assert!(rows[1]["snippet"].as_str().unwrap().contains("apples"));

    std::fs::write(&queries, "zzzznotaword\n").unwrap();
    let none = run(&[
        "batch",
        queries.to_str().unwrap(),
        "--index",
        fixture.index_path().to_str().unwrap(),
    ]);
    assert_eq!(none.status.code(), Some(1));
    let missing = run(&[
        "batch",
        "/nonexistent/queries.txt",
        "--index",
        fixture.index_path().to_str().unwrap(),
    ]);
    assert_eq!(missing.status.code(), Some(2));
    assert_eq!(stderr(&missing).lines().count(), 1);
}

#[test]
fn search_csv_has_a_header_and_round_trips_through_a_csv_parser() {
    let out = cita(
        "search",
        &["--format", "csv", "--cite", "--all", "yarborough"],
    );
    assert_eq!(out.status.code(), Some(0));
    let (header, rows) = csv_rows(&stdout(&out));
    assert_eq!(header[..4], ["rank", "score", "id", "source"]);
    let (_, json) = search_json("yarborough", &["--all", "--cite"]);
    assert_eq!(rows.len(), hits(&json).len());
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    for (row, hit) in rows.iter().zip(hits(&json)) {
        assert_eq!(row[column("id")], hit["id"].as_str().unwrap());
        assert_eq!(row[column("snippet")], hit["snippet"].as_str().unwrap());
        assert_eq!(row[column("citation")], hit["citation"].as_str().unwrap());
    }
}

#[test]
fn matched_explains_folding_and_stemming() {
    let (_, result) = search_json("bogota", &["--all"]);
    let forms: BTreeSet<String> = hits(&result)
        .iter()
        .flat_map(|h| h["matched"][0]["forms"].as_array().unwrap().clone())
        .map(|f| f.as_str().unwrap().to_string())
        .collect();
    assert!(forms.contains("Bogotá"), "{forms:?}");
    assert!(
        hits(&result)
            .iter()
            .all(|h| h["matched"][0]["query"] == "bogota")
    );

    let fixture = Fixture::new();
    fixture.file("v.txt", "They revoke visas.\n\nThe visa was revoked.\n");
    let (_, result) = fixture.search("revoked", &["--all"]);
    let forms: BTreeSet<String> = hits(&result)
        .iter()
        .map(|h| h["matched"][0]["forms"][0].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        forms,
        BTreeSet::from(["revoke".to_string(), "revoked".to_string()])
    );

    let (_, phrase) = search_json("\"Plan LAZO\" yarborough", &[]);
    let matched = &hits(&phrase)[0]["matched"];
    assert_eq!(matched[0]["query"], "\"Plan LAZO\"");
    assert_eq!(matched[0]["forms"][0], "Plan LAZO");

    let text = stdout(&cita(
        "search",
        &["--explain", "-n", "1", "--color", "never", "bogota"],
    ));
    assert!(text.contains("   matched: bogota → Bogot"), "{text}");
}

fn fingerprint(index: &Path) -> String {
    let (_, result) = search_json_in(index, "*", &["-n", "1"]);
    assert_eq!(result["cita_version"], env!("CARGO_PKG_VERSION"));
    result["index_fingerprint"].as_str().unwrap().to_string()
}

#[test]
fn the_fingerprint_changes_with_the_content_and_only_then() {
    let fixture = Fixture::new();
    fixture.file("a.txt", "First paragraph.\n\nSecond paragraph.\n");
    fixture.file("b.txt", "Other file.\n");
    assert!(fixture.index().status.success());
    let first = fingerprint(&fixture.index_path());
    assert_eq!(first.len(), 16);
    assert!(fixture.index().status.success());
    assert_eq!(
        fingerprint(&fixture.index_path()),
        first,
        "unchanged rebuild"
    );
    fixture.file("a.txt", "First paragraph.\n\nSecond paragraph, changed.\n");
    assert!(fixture.index().status.success());
    let changed = fingerprint(&fixture.index_path());
    assert_ne!(changed, first);
    fixture.file("a.txt", "First paragraph.\n\nSecond paragraph.\n");
    assert!(fixture.index().status.success());
    assert_eq!(
        fingerprint(&fixture.index_path()),
        first,
        "same content, same fingerprint"
    );
}

#[test]
fn show_and_stats_write_csv_too() {
    let (_, result) = search_json("\"Plan LAZO\"", &["-n", "1"]);
    let id = hits(&result)[0]["id"].as_str().unwrap();
    let (header, rows) = csv_rows(&stdout(&cita("show", &[id, "-C", "2", "--format", "csv"])));
    assert_eq!(header[0], "id");
    assert_eq!(rows.len(), 5);
    assert_eq!(rows[2][0], id, "the passage sits between its context");
    let (header, rows) = csv_rows(&stdout(&cita("stats", &["--format", "csv"])));
    assert_eq!(
        header,
        [
            "index",
            "documents",
            "passages",
            "size_bytes",
            "last_run_unfinished"
        ]
    );
    assert_eq!(rows[0][1], "5");
    assert_eq!(rows[0][4], "false");
}

#[test]
fn context_is_dimmed_on_a_terminal_style_output() {
    let text = stdout(&cita(
        "search",
        &[
            "-C",
            "1",
            "-n",
            "1",
            "--color",
            "always",
            "--",
            "\"Plan LAZO\"",
        ],
    ));
    assert!(text.contains("\x1b[2m   ┆ ¶17 "), "{text}");
}

/// A concordance of a query that marks no word (`*`, a filter alone) has
/// no line to show: stderr says why, rather than nothing at all.
#[test]
fn kwic_of_a_query_marking_no_word_says_why_it_shows_nothing() {
    for query in ["*", "lang:en"] {
        let out = cita("kwic", &[query]);
        assert_eq!(out.status.code(), Some(0), "{query}");
        assert!(stdout(&out).is_empty(), "{query}");
        assert!(
            stderr(&out).contains("passages match, but the query marks no word in them"),
            "{query}: {}",
            stderr(&out)
        );
    }
    let out = cita("kwic", &["lazo"]);
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}
