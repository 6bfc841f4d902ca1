//! The query language and ranking rules, on small fixture corpora built for each rule.

mod common;

use common::*;

#[test]
fn quoted_phrases_match_exact_forms_only_but_words_match_stems() {
    let fixture = Fixture::new();
    fixture.file("a.txt", "The ministry will revoke visas for diplomats.\n");
    assert_eq!(
        fixture.search("\"revoked visas\"", &[]).0,
        1,
        "a phrase does not stem"
    );
    assert_eq!(fixture.search("\"revoke visas\"", &[]).0, 0);
    let (code, result) = fixture.search("revoked visas", &[]);
    assert_eq!(code, 0);
    assert_eq!(highlighted(&hits(&result)[0]), ["revoke", "visas"]);
}

#[test]
fn a_phrase_prefix_counts_every_word_under_its_prefix() {
    let fixture = Fixture::new();
    // Sixty words under `la` come before `lazo` in the dictionary: tantivy
    // tries the first fifty by default.
    let mut text = String::from("The Plan LAZO was adopted.\n");
    for n in 1..=60 {
        text.push_str(&format!("\nThe plan laa{n:02} here.\n"));
    }
    fixture.file("plans.txt", text);
    let total = |query: &str| fixture.search(query, &["--limit", "0"]).1["total"].clone();
    assert_eq!(total("\"Plan LA\"*"), 61);
    assert_eq!(total("\"Plan LAZ\"*"), 1);
    assert_eq!(total("plan la*"), 61);
}

#[test]
fn exact_form_outranks_stem_only_match_of_equal_length() {
    let fixture = Fixture::new();
    fixture.file("a.txt", "They said the permit was revoke today.\n");
    fixture.file("b.txt", "They said the permit was revoked today.\n");
    let (_, result) = fixture.search("revoked", &[]);
    let sources: Vec<&str> = hits(&result)
        .iter()
        .map(|h| h["source"].as_str().unwrap())
        .collect();
    assert_eq!(sources, ["b.txt", "a.txt"]);
}

#[test]
fn exact_form_outranks_a_denser_or_shorter_stem_only_match() {
    let fixture = Fixture::new();
    fixture.file("dense.txt", "Revoke revoke revoke revoking.\n");
    let filler = "word ".repeat(60);
    fixture.file("long.txt", format!("{filler}they revoked it.\n"));
    let (_, result) = fixture.search("revoked", &[]);
    let sources: Vec<&str> = hits(&result)
        .iter()
        .map(|h| h["source"].as_str().unwrap())
        .collect();
    assert_eq!(sources, ["long.txt", "dense.txt"]);
}

#[test]
fn dates_far_in_the_past_and_future_are_kept_and_filtered() {
    let fixture = Fixture::new();
    fixture.file("a.md", "---\ndate: 1500-05-01\n---\nChronicle entry.\n");
    fixture.file("b.md", "---\ndate: 2300-01-01\n---\nChronicle forecast.\n");
    let (_, all) = fixture.search("chronicle", &[]);
    let mut dates: Vec<&str> = hits(&all)
        .iter()
        .map(|h| h["date"].as_str().unwrap())
        .collect();
    dates.sort();
    assert_eq!(dates, ["1500-05-01", "2300-01-01"]);
    assert_eq!(
        fixture.search("chronicle", &["--until", "1600"]).1["total"],
        1
    );
    assert_eq!(
        fixture.search("chronicle", &["--since", "2299"]).1["total"],
        1
    );
    assert_eq!(
        fixture.search("chronicle", &["--since", "9999-12-31"]).1["total"],
        0
    );
}

#[test]
fn words_close_together_rank_above_words_far_apart() {
    let fixture = Fixture::new();
    let filler = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do";
    fixture.file("far.txt", format!("Alpha {filler} omega.\n"));
    fixture.file("near.txt", format!("Alpha omega {filler}.\n"));
    let (_, result) = fixture.search("alpha omega", &[]);
    assert_eq!(hits(&result)[0]["source"], "near.txt");
}

#[test]
fn matches_in_the_section_heading_and_title_are_boosted() {
    let fixture = Fixture::new();
    fixture.file(
        "a.md",
        "# Other matters\n\nThe treaty of Lazo was signed.\n",
    );
    fixture.file(
        "b.md",
        "# The Lazo plan\n\nThe treaty of Lazo was signed.\n",
    );
    let (_, result) = fixture.search("lazo", &[]);
    assert_eq!(hits(&result)[0]["source"], "b.md");
    assert_eq!(hits(&result)[0]["section"], "The Lazo plan");
}

#[test]
fn ties_break_by_source_then_paragraph_whatever_the_limit() {
    let fixture = Fixture::new();
    // Three indexing runs on one thread, so the tied passages lie in three
    // segments, and the first holds more of them than the smaller limits keep.
    for round in [
        &["f.txt", "c.txt", "a.txt"][..],
        &["e.txt", "b.txt"],
        &["d.txt"],
    ] {
        for name in round {
            fixture.file(name, "Identical words here.\n\nAnother paragraph.\n");
        }
        assert!(fixture.index_with(&["--jobs", "1"]).status.success());
    }
    // Copies of one text: shown each (they are not collapsed).
    let (_, all) = fixture.search("identical", &["--no-collapse"]);
    let sources: Vec<&str> = hits(&all)
        .iter()
        .map(|h| h["source"].as_str().unwrap())
        .collect();
    assert_eq!(
        sources,
        ["a.txt", "b.txt", "c.txt", "d.txt", "e.txt", "f.txt"]
    );
    for limit in ["1", "2", "3", "4", "5"] {
        let (_, some) = fixture.search("identical", &["--no-collapse", "--limit", limit]);
        let n: usize = limit.parse().unwrap();
        assert_eq!(hits(&some)[..], hits(&all)[..n]);
    }
    let (_, page) = fixture.search(
        "identical",
        &["--no-collapse", "--limit", "2", "--offset", "2"],
    );
    let paged: Vec<&str> = hits(&page)
        .iter()
        .map(|h| h["source"].as_str().unwrap())
        .collect();
    assert_eq!(paged, ["c.txt", "d.txt"]);
    assert_eq!(hits(&page)[0]["rank"], 3);
}

#[test]
fn a_phrase_highlights_only_its_own_words_when_the_first_word_repeats() {
    let fixture = Fixture::new();
    fixture.file(
        "a.txt",
        "Plan Colombia came first; later Plan LAZO and then plan Lazo again.\n",
    );
    let (_, result) = fixture.search("\"Plan LAZO\"", &[]);
    assert_eq!(highlighted(&hits(&result)[0]), ["Plan LAZO", "plan Lazo"]);
    let (_, words) = fixture.search("plan lazo", &[]);
    assert_eq!(
        highlighted(&hits(&words)[0]),
        ["Plan", "Plan", "LAZO", "plan", "Lazo"]
    );
}

#[test]
fn accents_fold_whichever_side_carries_them() {
    let fixture = Fixture::new();
    fixture.file("a.txt", "Jorge Eliécer Gaitàn spoke in Nariño.\n");
    let (_, result) = fixture.search("gaitán narino", &[]);
    assert_eq!(highlighted(&hits(&result)[0]), ["Gaitàn", "Nariño"]);
}

#[test]
fn slop_allows_words_in_between() {
    let fixture = Fixture::new();
    fixture.file("a.txt", "Colombia adopted in 1964 Plan LAZO.\n");
    assert_eq!(fixture.search("\"Colombia LAZO\"~3", &[]).0, 1);
    let (code, result) = fixture.search("\"Colombia LAZO\"~4", &[]);
    assert_eq!(code, 0);
    assert_eq!(highlighted(&hits(&result)[0]), ["Colombia", "LAZO"]);
}

#[test]
fn date_filters_are_inclusive_and_skip_undated_documents() {
    let fixture = Fixture::new();
    fixture.file("a.md", "---\ndate: 2025-09-27\n---\nVisa news.\n");
    fixture.file("b.md", "---\ndate: 2025-09-28\n---\nVisa news again.\n");
    fixture.file("c.md", "Undated visa news.\n");
    let sources = |extra: &[&str]| -> Vec<String> {
        let (_, result) = fixture.search("visa", extra);
        let mut found: Vec<String> = hits(&result)
            .iter()
            .map(|h| h["source"].as_str().unwrap().to_string())
            .collect();
        found.sort();
        found
    };
    assert_eq!(sources(&[]), ["a.md", "b.md", "c.md"]);
    assert_eq!(sources(&["--since", "2025-09-28"]), ["b.md"]);
    assert_eq!(sources(&["--until", "2025-09-27"]), ["a.md"]);
    assert_eq!(
        sources(&["--since", "2025-09-27", "--until", "2025-09-27"]),
        ["a.md"]
    );
    assert_eq!(
        sources(&["--since", "2025", "--until", "2025-09"]),
        ["a.md", "b.md"]
    );
    assert!(sources(&["--since", "2026"]).is_empty());
    let (_, result) = fixture.search("visa", &["--since", "2025-09-28"]);
    assert_eq!(hits(&result)[0]["date"], "2025-09-28");
}

#[test]
fn publication_filter_and_star_list_passages() {
    let fixture = Fixture::new();
    fixture.file("a.md", "---\nsource: El Tiempo\n---\nFirst.\n\nSecond.\n");
    fixture.file("b.md", "---\nsource: The Times\n---\nThird.\n");
    let (code, result) = fixture.search("publication:tiempo", &[]);
    assert_eq!(code, 0);
    assert_eq!(result["total"], 2);
    assert!(
        hits(&result)
            .iter()
            .all(|h| h["publication"] == "El Tiempo")
    );
    assert_eq!(fixture.search("*", &[]).1["total"], 3);
    assert_eq!(fixture.search("* -third", &[]).1["total"], 2);
}

#[test]
fn the_publication_option_takes_the_whole_name_where_the_query_field_takes_words() {
    let fixture = Fixture::new();
    fixture.file(
        "a.md",
        "---\nsource: El Tiempo\n---\nLa visa.\n\nOtra visa.\n",
    );
    fixture.file(
        "b.md",
        "---\nsource: El Tiempo Latino\n---\nLa visa latina.\n",
    );
    fixture.file("c.md", "---\nsource: Semana\n---\nSin visa.\n");
    let (_, all) = fixture.search("visa", &["--facets"]);
    let facet = |name: &str| {
        all["facets"]["publications"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["value"] == name)
            .map(|f| f["count"].clone())
            .unwrap()
    };
    for (name, expected) in [
        ("El Tiempo", "El Tiempo"),
        ("el tiempo", "El Tiempo"),
        ("EL TIÉMPO", "El Tiempo"),
        ("El Tiempo Latino", "El Tiempo Latino"),
    ] {
        let (code, found) = fixture.search("visa", &["--publication", name]);
        assert_eq!(code, 0, "{name}");
        assert_eq!(found["total"], facet(expected), "{name}");
        assert!(
            hits(&found).iter().all(|h| h["publication"] == expected),
            "{name}: {found}"
        );
    }
    // The query language's field matches the name's words.
    assert_eq!(
        fixture.search("visa publication:\"El Tiempo\"", &[]).1["total"],
        3
    );
    let (code, none) = fixture.search("visa", &["--publication", "Tiempo"]);
    assert_eq!((code, none["total"].as_u64()), (1, Some(0)));
    let index = fixture.index_path();
    let cita = |command: &str, args: &[&str]| {
        run(&[&[command, "--index", index.to_str().unwrap()][..], args].concat())
    };
    let out = cita("search", &["visa", "--publication", " "]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    // Every command that filters takes it.
    let timeline = cita(
        "timeline",
        &["visa", "--publication", "el tiempo", "--format", "json"],
    );
    let timeline: serde_json::Value = serde_json::from_slice(&timeline.stdout).unwrap();
    assert_eq!(timeline["total"], 2);
    let kwic = cita("kwic", &["visa", "--publication", "El Tiempo Latino"]);
    assert_eq!(stdout(&kwic).lines().count(), 1, "{}", stdout(&kwic));
}

#[test]
fn a_word_the_analyzer_splits_is_read_as_a_phrase() {
    let fixture = Fixture::new();
    fixture.file(
        "a.txt",
        "Trump’s order was read.\n\nThe order of Trump was another.\n",
    );
    let (_, result) = fixture.search("Trump's", &[]);
    assert_eq!(result["total"], 1);
    assert_eq!(highlighted(&hits(&result)[0]), ["Trump’s"]);
}

#[test]
fn a_quoted_prefix_matches_a_phrase_whose_last_word_is_a_prefix() {
    let fixture = Fixture::new();
    fixture.file(
        "a.txt",
        "Then Plan LAZO began.\n\nPlan Colombia followed.\n\nA lazy plan.\n",
    );
    let (code, result) = fixture.search("\"Plan LA\"*", &[]);
    assert_eq!(code, 0);
    assert_eq!(result["total"], 1);
    assert_eq!(highlighted(&hits(&result)[0]), ["Plan LAZO"]);
}

#[test]
fn words_match_inflections_whose_spelling_the_stemmer_changes() {
    let fixture = Fixture::new();
    fixture.file("happy.txt", "Their happiness was plain.\n");
    fixture.file("cry.txt", "The baby cried all night.\n");
    fixture.file("die.txt", "The dying embers glowed.\n");
    fixture.file("other.txt", "The die was cast by the crier.\n");
    assert_eq!(fixture.sources("happy"), ["happy.txt"]);
    assert_eq!(fixture.sources("cries"), ["cry.txt"]);
    assert_eq!(fixture.sources("died"), ["die.txt", "other.txt"]);
    let (_, result) = fixture.search("happy", &[]);
    assert_eq!(highlighted(&hits(&result)[0]), ["happiness"]);
}

#[test]
fn source_filters_match_the_words_of_the_path() {
    let fixture = Fixture::new();
    fixture.file("news/2017/tariffs.txt", "Trade words.\n");
    fixture.file("news/2018/tariffs.txt", "Trade words.\n");
    fixture.file("encyclopedia/trade.txt", "Trade words.\n");
    assert_eq!(
        fixture.sources("trade source:news"),
        ["news/2017/tariffs.txt", "news/2018/tariffs.txt"]
    );
    assert_eq!(
        fixture.sources("trade source:\"news 2018\""),
        ["news/2018/tariffs.txt"]
    );
    assert_eq!(
        fixture.sources("trade source:ency*"),
        ["encyclopedia/trade.txt"]
    );
    assert_eq!(
        fixture.sources("trade -source:tariffs"),
        ["encyclopedia/trade.txt"]
    );
    assert!(fixture.sources("trade source:\"2018 news\"").is_empty());
}

#[test]
fn a_source_ending_in_a_slash_keeps_the_files_under_that_folder_only() {
    let fixture = Fixture::new();
    for path in [
        "prensa/a.txt",
        "prensa/2019/b.txt",
        "archivo/Prensa/c.txt",
        "exports/prensa_export.jsonl.txt",
        "mi-prensa/d.txt",
        "prensa.txt",
        "notas/prensa/2019.txt",
    ] {
        fixture.file(path, "Plan LAZO.\n");
    }
    // A folder of that name anywhere (case and accents folded), its own
    // name whole: not a file, nor a name holding the word among others.
    let under_prensa = [
        "archivo/Prensa/c.txt",
        "notas/prensa/2019.txt",
        "prensa/2019/b.txt",
        "prensa/a.txt",
    ];
    assert_eq!(fixture.sources("lazo source:prensa/"), under_prensa);
    assert_eq!(fixture.sources("lazo source:\"prensa/\""), under_prensa);
    assert_eq!(fixture.sources("lazo source:PRÉNSA/"), under_prensa);
    // Folders in a row; a file's own name is no folder.
    assert_eq!(
        fixture.sources("lazo source:prensa/2019/"),
        ["prensa/2019/b.txt"]
    );
    assert_eq!(fixture.sources("lazo source:2019/"), ["prensa/2019/b.txt"]);
    // From the corpus root.
    assert_eq!(
        fixture.sources("lazo source:/prensa/"),
        ["prensa/2019/b.txt", "prensa/a.txt"]
    );
    assert!(fixture.sources("lazo source:/2019/").is_empty());
    assert_eq!(
        fixture.sources("lazo -source:prensa/"),
        [
            "exports/prensa_export.jsonl.txt",
            "mi-prensa/d.txt",
            "prensa.txt"
        ]
    );
    // Without the slash, the path's words as a phrase, as before.
    assert_eq!(fixture.sources("lazo source:prensa").len(), 7);
    // A path on disk is parted by slashes only: a backslash or a ` › `
    // in a file's or a folder's name parts nothing (they do in entries).
    fixture.file("x/a\\b.txt", "Plan LAZO.\n");
    fixture.file("p › q/r/f.txt", "Plan LAZO.\n");
    std::fs::remove_dir_all(fixture.index_path()).unwrap();
    assert!(fixture.sources("lazo source:a/").is_empty());
    assert!(fixture.sources("lazo source:/q/").is_empty());
    assert_eq!(fixture.sources("lazo source:r/"), ["p › q/r/f.txt"]);
}

#[test]
fn author_filters_match_the_words_of_the_author_and_entry_filters_those_of_the_path_inside() {
    let fixture = Fixture::new();
    fixture.file(
        "mail/a.eml",
        "From: \"María Pérez\" <maria@example.org>\r\nSubject: Reunión\r\n\r\nPlan LAZO el lunes.\r\n",
    );
    fixture.file(
        "mail/b.eml",
        "From: John Smith <john@example.com>\r\nSubject: Meeting\r\n\r\nPlan LAZO on Monday.\r\n",
    );
    fixture.file(
        "memo.md",
        "---\nauthor: Ana Pérez-Smith\n---\nPlan LAZO memo.\n",
    );
    let inner = zip(&[("informes/cuatro.txt", b"Plan LAZO, cuatro.\n")]);
    fixture.file(
        "pack.zip",
        zip(&[
            ("informes/2019/uno.txt", b"Plan LAZO, informe uno.\n"),
            ("notas/informes.txt", b"Plan LAZO, notas.\n"),
            ("otros/dos.txt", b"Plan LAZO, dos.\n"),
            ("sub/inner.zip", &inner),
            ("win\\informes\\tres.txt", b"Plan LAZO, tres.\n"),
        ]),
    );
    let entries = |query: &str| -> Vec<String> {
        let (code, result) = fixture.search(query, &["--all", "--sort", "source", "--no-collapse"]);
        // 1: nothing found.
        assert!(code <= 1, "{query}: {result}");
        hits(&result)
            .iter()
            .map(|hit| format!("{} {}", hit["source"].as_str().unwrap(), hit["entry"]))
            .collect()
    };
    // Words of the author, case and accents folded; the address is words too.
    assert_eq!(
        fixture.sources("lazo author:perez"),
        ["mail/a.eml", "memo.md"]
    );
    assert_eq!(
        fixture.sources("lazo author:\"María Pérez\""),
        ["mail/a.eml"]
    );
    assert_eq!(
        fixture.sources("lazo author:smith"),
        ["mail/b.eml", "memo.md"]
    );
    assert_eq!(
        fixture.sources("lazo author:john@example.com"),
        ["mail/b.eml"]
    );
    assert_eq!(
        fixture.sources("lazo author:pér*"),
        ["mail/a.eml", "memo.md"]
    );
    // Words, not stems: a name is not inflected.
    assert!(fixture.sources("lazo author:smiths").is_empty());
    // Excluding an author keeps the documents without one.
    assert_eq!(
        fixture.sources("lazo -author:smith").len(),
        6,
        "{:?}",
        fixture.sources("lazo -author:smith")
    );
    // The path inside a container: its words as a phrase, or under a
    // folder: of the container, of a container inside it (which is a folder
    // of what it holds), parted by slashes or backslashes.
    let uno = "pack.zip \"informes/2019/uno.txt\"";
    let tres = "pack.zip \"win\\\\informes\\\\tres.txt\"";
    let cuatro = "pack.zip \"sub/inner.zip › informes/cuatro.txt\"";
    let notas = "pack.zip \"notas/informes.txt\"";
    assert_eq!(entries("lazo entry:informes"), [uno, notas, cuatro, tres]);
    assert_eq!(entries("lazo entry:informes/"), [uno, cuatro, tres]);
    assert_eq!(entries("lazo entry:/informes/"), [uno, cuatro]);
    assert_eq!(entries("lazo entry:inner.zip/informes/"), [cuatro]);
    assert_eq!(entries("lazo entry:/sub/"), [cuatro]);
    assert_eq!(entries("lazo entry:/win/informes/"), [tres]);
    assert_eq!(
        entries("lazo entry:/otros/"),
        ["pack.zip \"otros/dos.txt\""]
    );
    assert!(entries("lazo entry:/2019/").is_empty());
    assert!(entries("lazo entry:/inner.zip/").is_empty());
    assert_eq!(entries("lazo entry:do*"), ["pack.zip \"otros/dos.txt\""]);
    // A document outside any container has no entry: excluded by none.
    assert_eq!(entries("lazo -entry:informes").len(), 4);
    assert!(entries("lazo entry:memo").is_empty());

    // --author takes the whole name as the facets list it.
    let (_, faceted) = fixture.search("lazo", &["--facets", "-n", "0"]);
    let authors: Vec<(String, u64)> = faceted["facets"]["authors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|facet| {
            let value = facet["value"].as_str().unwrap().to_string();
            (value, facet["count"].as_u64().unwrap())
        })
        .collect();
    assert_eq!(
        authors,
        [
            ("Ana Pérez-Smith".to_string(), 1),
            ("John Smith <john@example.com>".to_string(), 1),
            ("María Pérez <maria@example.org>".to_string(), 1)
        ]
    );
    let by_author = |name: &str| -> (i32, Vec<String>) {
        let (code, result) = fixture.search("lazo", &["--all", "--author", name]);
        let sources = hits(&result)
            .iter()
            .map(|hit| hit["source"].as_str().unwrap().to_string())
            .collect();
        (code, sources)
    };
    assert_eq!(
        by_author("MARIA PEREZ <maria@example.org>"),
        (0, vec!["mail/a.eml".to_string()])
    );
    // Not a word of the name: the query's author: is for words.
    assert_eq!(by_author("Pérez"), (1, vec![]));
    let index = fixture.index_path();
    let search = |args: &[&str]| {
        let mut all = vec!["search", "--index", index.to_str().unwrap()];
        all.extend_from_slice(args);
        run(&all)
    };
    let text = stdout(&search(&["--facets", "-n", "0", "lazo"]));
    let listed = text.split("By author\n").nth(1).unwrap_or_default();
    assert!(
        listed.contains("1  John Smith <john@example.com>"),
        "{text}"
    );
    // A name of no words names no one, not the authors written without
    // words, which no facet lists.
    let nameless = Fixture::new();
    nameless.file("dash.md", "---\nauthor: \"---\"\n---\nPlan LAZO.\n");
    let (code, result) = nameless.search("lazo", &["--author", "ʼ"]);
    assert_eq!((code, &result["total"]), (1, &serde_json::json!(0)));
    let (_, faceted) = nameless.search("lazo", &["--facets"]);
    assert_eq!(faceted["facets"]["authors"], serde_json::json!([]));
    let out = search(&["--author", "-", "lazo"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "cita: the author filter needs an author's name, as the facets list it\n"
    );
}

/// A 32-word phrase of common words with a slop of 1000: tantivy's sloppy
/// phrase scorer, which cita used before, grew its position lists without
/// bound on it (it aborted under a 400 MB address-space limit on the
/// shipped corpus; 40 such words took `cita serve` down). Now it runs
/// within that limit.
#[test]
fn a_long_sloppy_phrase_of_common_words_runs_in_bounded_memory() {
    let words = "of the s the s s of of of s of of a s of of a the the the s the a of plan s the a plan plan a plan";
    let query = format!("\"{words}\"~1000");
    let index = shipped_index();
    let limited = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 400000 && exec \"$0\" search --count --index \"$1\" \"$2\"")
        .arg(env!("CARGO_BIN_EXE_cita"))
        .arg(index)
        .arg(&query)
        .output()
        .unwrap();
    assert!(
        matches!(limited.status.code(), Some(0 | 1)),
        "{:?} {}",
        limited.status,
        stderr(&limited)
    );
    assert_eq!(stderr(&limited), "");
}

/// Queries that would search too much are refused with one line that names
/// the limit (1,000 `a OR` took 5 s and 300 `s*` 4.7 s before).
#[test]
fn queries_over_the_word_and_prefix_limits_are_refused_with_the_limit_named() {
    let index = shipped_index().to_str().unwrap();
    let or_chain = vec!["a"; 1000].join(" OR ");
    let prefixes = vec!["s*"; 300].join(" OR ");
    for (query, limit) in [
        (or_chain.as_str(), "at most 32"),
        (prefixes.as_str(), "at most 8"),
    ] {
        let out = run(&["search", "--index", index, query]);
        assert_eq!(out.status.code(), Some(2));
        let message = stderr(&out);
        assert!(message.contains(limit), "{message}");
        assert_eq!(message.trim_end().lines().count(), 1, "{message}");
    }
}

/// A field's value of no word would drop the field's condition: a script's
/// `title:"$X"` with X empty would search everything. A term of
/// punctuation alone is dropped, and the root folder holds every file.
#[test]
fn a_field_whose_value_holds_no_word_is_refused() {
    let index = shipped_index().to_str().unwrap();
    let count = |query: &str| run(&["search", "--index", index, "--count", "--", query]);
    for (query, named) in [
        ("lang:\"\" colombia", "lang:\"\""),
        ("colombia title:\"\"", "title:\"\""),
        ("colombia -section:\"…\"", "section:\"…\""),
        ("author:\"-\" colombia", "author:\"-\""),
        ("colombia publication:\"--\"", "publication:\"--\""),
        ("colombia format:…", "format:\"…\""),
        ("source:\"-/\" colombia", "source:\"-/\""),
    ] {
        let out = count(query);
        assert_eq!(out.status.code(), Some(2), "{query}");
        let message = stderr(&out);
        assert!(
            message.contains(&format!("{named} has no word")),
            "{message}"
        );
        assert_eq!(message.trim_end().lines().count(), 1, "{message}");
    }
    let all = stdout(&count("colombia"));
    assert!(!all.starts_with("0 "), "{all}");
    assert_eq!(stdout(&count("colombia \"--\"")), all);
    assert_eq!(stdout(&count("colombia source:/")), all);
    let none = count("colombia -source:/");
    assert_eq!(none.status.code(), Some(1));
    assert!(stdout(&none).starts_with("0 passages"), "{}", stdout(&none));
}

#[test]
fn long_words_up_to_255_characters_are_found_and_longer_ones_refused() {
    let fixture = Fixture::new();
    let compound = "Donaudampfschifffahrtsgesellschaftskapitän"; // 42 letters
    let sha1 = "3f786850e387550fdab836ed7e6dc881de23001b";
    let longest = format!("{}ñ", "k".repeat(254));
    let over = "z".repeat(256);
    fixture.file(
        "long.txt",
        format!(
            "Der {compound} kam an.\n\nCommit {sha1} fixed it.\n\nLongest {longest} word.\n\nOver {over} bound.\n\nOver other bound.\n"
        ),
    );
    for (query, expected) in [
        (compound.to_string(), compound.to_string()),
        (compound.to_uppercase(), compound.to_string()),
        (sha1.to_string(), sha1.to_string()),
        (
            format!("\"commit {sha1} fixed\""),
            format!("Commit {sha1} fixed"),
        ),
        (longest.to_uppercase(), longest.clone()),
    ] {
        let (code, result) = fixture.search(&query, &[]);
        assert_eq!(code, 0, "{query}");
        assert_eq!(result["total"], 1, "{query}");
        assert_eq!(highlighted(&hits(&result)[0])[0], expected, "{query}");
    }
    // A word past the bound is not indexed: rather than find nothing alone
    // or stand for any word in a phrase ("Over other bound"), it is refused.
    for query in [
        over.clone(),
        format!("\"over {over} bound\""),
        format!("bound -{over}"),
    ] {
        let out = run(&[
            "search",
            "--index",
            fixture.index_path().to_str().unwrap(),
            &query,
        ]);
        assert_eq!(out.status.code(), Some(2), "{query}");
        let message = stderr(&out);
        assert!(message.contains("256 characters"), "{message}");
        assert_eq!(message.trim_end().lines().count(), 1, "{message}");
    }
}

#[test]
fn a_wildcard_inside_a_word_is_refused_and_one_ending_a_phrase_is_its_prefix() {
    let fixture = Fixture::new();
    fixture.file(
        "a.txt",
        "Then Plan LAZO began.\n\nThe plan lazily drifted.\n\nA lazy plan.\n\nThe woman and the women.\n\nM*A*S*H reruns.\n",
    );
    fixture.index();
    let index = fixture.index_path();
    for (query, column, quoted) in [
        ("wom*n", 4, "\"wom*n\""),
        ("la wom*n", 7, "\"wom*n\""),
        ("title:wom*n", 10, "title:\"wom*n\""),
    ] {
        let out = run(&["search", "--index", index.to_str().unwrap(), "--", query]);
        assert_eq!(out.status.code(), Some(2), "{query}");
        let message = stderr(&out);
        assert!(
            message.contains(&format!(
                "(character {column}) is not supported: a * ends a word, as in "
            )),
            "{query}: {message}"
        );
        assert!(message.trim_end().ends_with(quoted), "{query}: {message}");
        assert_eq!(message.trim_end().lines().count(), 1, "{message}");
    }
    // Quoted, a `*` is punctuation, as it always was in a phrase.
    assert_eq!(fixture.search("\"M*A*S*H\"", &[]).1["total"], 1);
    assert_eq!(fixture.search("\"plan* lazo\"", &[]).1["total"], 1);
    // `"plan laz*"` is the phrase prefix `"plan laz"*`.
    let (code, inside) = fixture.search("\"plan laz*\"", &["--all"]);
    let (_, after) = fixture.search("\"plan laz\"*", &["--all"]);
    assert_eq!(code, 0);
    assert_eq!(inside["total"], 2, "{inside:#}");
    assert_eq!(inside["hits"], after["hits"]);
    let mut marked: Vec<String> = hits(&inside).iter().flat_map(highlighted).collect();
    marked.sort();
    assert_eq!(marked, ["Plan LAZO", "plan lazily"]);
}

#[test]
fn single_guillemets_and_corner_brackets_quote_a_phrase() {
    let fixture = Fixture::new();
    fixture.file("a.txt", "Se firmó la lazo.\n\nEl lazo de la casa.\n");
    for query in [
        "\"la lazo\"",
        "‹la lazo›",
        "「la lazo」",
        "『la lazo』",
        "＂la lazo＂",
        "〝la lazo〟",
    ] {
        let (_, result) = fixture.search(query, &[]);
        assert_eq!(result["total"], 1, "{query}: {result:#}");
        assert_eq!(highlighted(&hits(&result)[0]), ["la lazo"], "{query}");
    }
    // Unquoted, both passages hold both words.
    assert_eq!(fixture.search("la lazo", &[]).1["total"], 2);
}
