//! Languages: each passage is stemmed by its own language's rules, a query
//! word is expanded in every language of the index and each expansion
//! matches only passages of its language, phrases match exact forms, and
//! `lang:`/`--lang`, facets and stats see the passages' languages.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use cita::analysis::{Folding, stem, word_matches, word_stems};
use cita::results::ALL;
use cita::{Archive, Language, SearchRequest};
use common::*;
use serde_json::Value;
use tempfile::TempDir;

fn language(code: &str) -> Language {
    Language::from_code(code).unwrap_or_else(|| panic!("{code} is a known language"))
}

/// The folded terms of `text`, as the index analyzes it.
fn folded(text: &str) -> Vec<String> {
    Folding::default()
        .tokens(text)
        .into_iter()
        .map(|token| token.term)
        .collect()
}

/// The folded form of one word, asserting that it is one token.
fn fold_word(word: &str) -> String {
    let terms = folded(word);
    assert_eq!(terms.len(), 1, "{word:?} is one word");
    terms.into_iter().next().unwrap()
}

/// The stems a query word stands for in `language` (see
/// `analysis::word_stems`).
fn stems_of(language: Language, word: &str) -> Vec<String> {
    word_stems(language, &word.to_lowercase(), &fold_word(word))
}

/// Whether `language`'s stemmer gives two words the same stem (after folding).
fn same_stem(language: Language, a: &str, b: &str) -> bool {
    let (a, b) = (fold_word(a), fold_word(b));
    stem(language, &a) == stem(language, &b)
}

fn matched_forms(hit: &Value) -> Vec<String> {
    hit["matched"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|term| term["forms"].as_array().unwrap())
        .map(|form| form.as_str().unwrap().to_string())
        .collect()
}

fn language_of(hit: &Value) -> &str {
    hit["language"].as_str().unwrap()
}

fn text_of(hit: &Value) -> &str {
    hit["text"].as_str().unwrap()
}

/// Runs `cita ARGS` and returns the exit code and stderr.
fn failing(args: &[&str]) -> (i32, String) {
    let out = run(args);
    (out.status.code().expect("exited normally"), stderr(&out))
}

// ---------------------------------------------------------------------------
// 1. The issue's acceptance scenario: the English seeds plus Spanish articles.
// ---------------------------------------------------------------------------

/// The five English seed articles and the Spanish fixtures, indexed (each
/// test builds its own, so that its temporary folder is removed with it).
fn bilingual() -> Fixture {
    let fixture = Fixture::new();
    let spanish = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/es");
    for folder in [shipped_corpus(), spanish] {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().to_string();
            fixture.file(&name, std::fs::read(&path).unwrap());
        }
    }
    let out = fixture.index();
    assert!(out.status.success(), "indexing failed: {}", stderr(&out));
    fixture
}

/// Every hit of `query` in `fixture`, asserting that `--all` returned them all.
fn all_hits(fixture: &Fixture, query: &str, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["--all", "--no-collapse"];
    args.extend_from_slice(extra);
    let (_, result) = fixture.search(query, &args);
    assert_eq!(
        result["total"].as_u64().unwrap() as usize,
        hits(&result).len(),
        "{query}: --all returns every match"
    );
    hits(&result).clone()
}

/// Asserts that `query` finds a passage containing each of `forms`, that
/// the form is in the hit's `matched` and highlighted in its snippet.
fn finds_forms(fixture: &Fixture, query: &str, forms: &[&str]) {
    let found = all_hits(fixture, query, &[]);
    for form in forms {
        let hit = found
            .iter()
            .find(|hit| has_word(hit, &form.to_lowercase()))
            .unwrap_or_else(|| panic!("{query} finds no passage with {form}: {found:#?}"));
        assert_eq!(language_of(hit), "es", "{query} → {form}");
        assert!(
            matched_forms(hit).iter().any(|m| m == form),
            "{query}: {form} is among the matched forms of {hit:#}"
        );
        assert!(
            highlighted(hit).iter().any(|h| h == form),
            "{query}: {form} is highlighted in {hit:#}"
        );
    }
}

#[test]
fn spanish_inflections_are_found_matched_and_highlighted() {
    let fixture = bilingual();
    finds_forms(&fixture, "revocar", &["revocó", "revocación"]);
    finds_forms(&fixture, "investigar", &["investigaron", "investigación"]);
    finds_forms(&fixture, "desplazados", &["desplazamiento"]);
    finds_forms(&fixture, "negociar", &["negociaciones"]);
    finds_forms(&fixture, "narcotráfico", &["narcotraficantes"]);
    // The English stemmer would not have found these: the Spanish stemmer did.
    let spanish = language("es");
    for (query, form) in [
        ("revocar", "revocó"),
        ("revocar", "revocación"),
        ("investigar", "investigaron"),
        ("investigar", "investigación"),
        ("desplazados", "desplazamiento"),
        ("negociar", "negociaciones"),
        ("narcotráfico", "narcotraficantes"),
    ] {
        assert!(same_stem(spanish, query, form), "{query} ~ {form} in es");
        assert!(
            !same_stem(Language::ENGLISH, query, form),
            "{query} !~ {form} in en"
        );
    }
}

#[test]
fn spanish_phrases_match_exact_forms_only() {
    let fixture = bilingual();
    let found = all_hits(&fixture, "\"revocó la visa\"", &[]);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(text_of(&found[0]).contains("revocó la visa"));
    assert_eq!(highlighted(&found[0]), ["revocó la visa"]);
    let folded_phrase = all_hits(&fixture, "\"REVOCO LA VISA\"", &[]);
    assert_eq!(folded_phrase.len(), 1, "phrases fold case and accents");
    let (code, result) = fixture.search("\"revocar la visa\"", &[]);
    assert_eq!((code, result["total"].as_u64()), (1, Some(0)), "{result:#}");
}

#[test]
fn english_passages_keep_english_stemming() {
    let fixture = bilingual();
    let found = all_hits(&fixture, "revoked", &[]);
    let english_revoke: Vec<&Value> = found
        .iter()
        // The seed articles are `000_….txt` to `004_….txt`.
        .filter(|hit| hit["source"].as_str().unwrap().starts_with("00") && has_word(hit, "revoke"))
        .collect();
    assert!(
        !english_revoke.is_empty(),
        "revoked finds revoke in the seeds: {found:#?}"
    );
    for hit in &english_revoke {
        assert_eq!(language_of(hit), "en");
        assert!(
            matched_forms(hit).contains(&"revoke".to_string()),
            "{hit:#}"
        );
    }
    for hit in &found {
        assert_eq!(
            language_of(hit),
            "en",
            "revoked matches English only: {hit:#}"
        );
    }
}

#[test]
fn passages_carry_their_language_and_a_quotation_its_own() {
    let fixture = bilingual();
    let every = all_hits(&fixture, "*", &[]);
    for hit in &every {
        let source = hit["source"].as_str().unwrap();
        let expected = if ["visa-petro.md", "desplazados.txt", "negociaciones.html"]
            .contains(&source)
            && !text_of(hit).starts_with("The State Department")
        {
            "es"
        } else {
            "en"
        };
        assert_eq!(language_of(hit), expected, "{source}: {}", text_of(hit));
    }
    let quotation: Vec<&Value> = every
        .iter()
        .filter(|hit| {
            hit["source"] == "visa-petro.md" && text_of(hit).starts_with("The State Department")
        })
        .collect();
    assert_eq!(quotation.len(), 1, "the English quotation is one passage");
    // Each Spanish source has passages, so the check above was not vacuous.
    for source in ["visa-petro.md", "desplazados.txt", "negociaciones.html"] {
        assert!(
            every
                .iter()
                .any(|hit| hit["source"] == source && language_of(hit) == "es"),
            "{source} has Spanish passages"
        );
    }
}

#[test]
fn a_short_quotation_marked_in_another_language_is_read_in_it() {
    // Under 200 characters a passage keeps its document's language unless
    // its element says otherwise: the quotation is English, stemmed so.
    let fixture = Fixture::new();
    fixture.file(
        "entrevista.html",
        r#"<html lang="es"><body><article><h1>Entrevista</h1>
        <p>La enviada de la ONU habló sobre los asesinatos de líderes sociales en el Cauca.</p>
        <blockquote lang="en"><p>We are deeply concerned about the killings of social leaders.</p></blockquote>
        <p><span lang="en">Killings</span> es la palabra que usó.</p>
        </article></body></html>"#,
    );
    assert!(fixture.index().status.success());
    let found = all_hits(&fixture, "kill", &[]);
    let languages: Vec<(&str, &str)> = found
        .iter()
        .map(|hit| (language_of(hit), text_of(hit)))
        .collect();
    assert_eq!(
        languages,
        [(
            "en",
            "We are deeply concerned about the killings of social leaders."
        )]
    );
    assert_eq!(matched_forms(&found[0]), ["killings"]);
    // The paragraph that only holds an English word stays Spanish.
    let spanish = all_hits(&fixture, "palabra", &[]);
    assert_eq!(language_of(&spanish[0]), "es");
}

#[test]
fn lang_filters_restrict_hits_to_a_language() {
    let fixture = bilingual();
    // `la` is a Spanish article but also occurs in English passages.
    let unfiltered = all_hits(&fixture, "la", &[]);
    let languages: BTreeSet<&str> = unfiltered.iter().map(language_of).collect();
    assert_eq!(languages, BTreeSet::from(["en", "es"]), "{unfiltered:#?}");
    let spanish_count = unfiltered
        .iter()
        .filter(|hit| language_of(hit) == "es")
        .count();
    for (query, extra) in [
        ("la", &["--lang", "es"][..]),
        ("la lang:es", &[][..]),
        // Quoted, the code is the same code.
        ("la lang:\"es\"", &[][..]),
        // As `--lang` and a document's declaration read a language: a
        // tag with a region, its English, Spanish or own name.
        ("la lang:es-CO", &[][..]),
        ("la lang:spanish", &[][..]),
        ("la lang:Español", &[][..]),
        ("la", &["--lang", "spanish"][..]),
        ("la", &["--lang", "es,pt"][..]),
        ("la", &["--lang", "pt", "--lang", "es"][..]),
        ("la", &["--lang", "pt, es"][..]),
    ] {
        let found = all_hits(&fixture, query, extra);
        assert_eq!(found.len(), spanish_count, "{query} {extra:?}");
        assert!(
            found.iter().all(|hit| language_of(hit) == "es"),
            "{found:#?}"
        );
    }
    let english = all_hits(&fixture, "la", &["--lang", "en"]);
    assert_eq!(english.len(), unfiltered.len() - spanish_count);
    assert_eq!(
        all_hits(&fixture, "la lang:es lang:en", &[]).len(),
        0,
        "lang: ANDs"
    );
    assert_eq!(
        all_hits(&fixture, "la (lang:es OR lang:en)", &[]).len(),
        unfiltered.len()
    );
    assert_eq!(all_hits(&fixture, "revocar", &["--lang", "en"]).len(), 0);
}

/// Stemmers that read accents (Spanish, Portuguese, French…) stem a word's
/// folded form otherwise than its accented one ("revocacion" is not
/// "revocación" to the Spanish stemmer): titles and headings keep their
/// accented words' stems too, as the text does.
#[test]
fn titles_and_headings_match_accented_inflections_as_the_text_does() {
    let fixture = Fixture::new();
    fixture.file(
        "folha.md",
        "---\ntitle: Colômbia suspende negociações com guerrilha\nlang: pt\n---\n\n\
         O governo anunciou a suspensão do diálogo depois do ataque.\n\n\
         ## Revogação das licenças\n\nO ministro disse que o processo continua parado.\n",
    );
    fixture.file(
        "tiempo.md",
        "---\ntitle: Otros temas de la semana\nlang: es\n---\n\n\
         ## Revocación de la visa\n\nEl Gobierno quiere revocar el permiso.\n\n\
         ## Otros temas\n\nEl Gobierno quiere revocar el permiso otra vez.\n",
    );
    let out = fixture.index();
    assert!(out.status.success(), "{}", stderr(&out));
    let sources = |query: &str| -> Vec<(String, String)> {
        let mut found: Vec<_> = all_hits(&fixture, query, &[])
            .iter()
            .map(|hit| {
                let source = hit["source"].as_str().unwrap().to_string();
                (source, text_of(hit).to_string())
            })
            .collect();
        found.sort();
        found
    };
    // Every passage of the Portuguese article, through its title.
    let titled = sources("title:negociar");
    assert_eq!(titled.len(), 2, "{titled:?}");
    assert!(titled.iter().all(|(source, _)| source == "folha.md"));
    // The passage under each accented heading, through the heading.
    let headed = sources("section:revogar");
    assert_eq!(headed.len(), 1, "{headed:?}");
    assert!(headed[0].1.starts_with("O ministro"), "{headed:?}");
    let headed = sources("section:revocar");
    assert_eq!(headed.len(), 1, "{headed:?}");
    assert!(headed[0].1.ends_with("el permiso."), "{headed:?}");
    // And the heading's bonus: of two passages saying `revocar` alike, the
    // one under "Revocación de la visa" ranks first.
    let ranked = all_hits(&fixture, "revocar", &[]);
    assert_eq!(ranked.len(), 2);
    assert!(text_of(&ranked[0]).ends_with("el permiso."), "{ranked:#?}");
    assert!(
        ranked[0]["score"].as_f64() > ranked[1]["score"].as_f64(),
        "{ranked:#?}"
    );
}

#[test]
fn unknown_language_codes_exit_2_with_one_line() {
    let fixture = bilingual();
    let index = fixture.index_path().to_str().unwrap().to_string();
    for args in [
        vec!["search", "--index", &index, "--", "visa lang:xx"],
        vec!["search", "--index", &index, "--lang", "xx", "--", "visa"],
        vec!["search", "--index", &index, "--lang", "es,xx", "--", "visa"],
        vec![
            "search", "--index", &index, "--count", "--lang", "xx", "--", "visa",
        ],
    ] {
        let (code, message) = failing(&args);
        assert_eq!(code, 2, "{args:?}: {message}");
        assert_eq!(
            message.lines().count(),
            1,
            "{args:?}: one line: {message:?}"
        );
        assert!(message.contains("xx"), "{args:?} names the code: {message}");
    }
}

fn counts_of(list: &Value) -> BTreeMap<String, u64> {
    list.as_array()
        .unwrap_or_else(|| panic!("a list of counts: {list}"))
        .iter()
        .map(|entry| {
            (
                entry["value"].as_str().unwrap().to_string(),
                entry["count"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn counted(found: &[Value]) -> BTreeMap<String, u64> {
    let mut counts = BTreeMap::new();
    for hit in found {
        *counts.entry(language_of(hit).to_string()).or_insert(0) += 1;
    }
    counts
}

#[test]
fn facets_and_stats_count_passages_per_language() {
    let fixture = bilingual();
    for query in ["*", "la", "visa", "revocar OR revoked"] {
        let (_, result) = fixture.search(query, &["--all", "--facets"]);
        let from_hits = counted(hits(&result));
        assert_eq!(
            counts_of(&result["facets"]["languages"]),
            from_hits,
            "{query}"
        );
        // Most passages first.
        let listed: Vec<u64> = result["facets"]["languages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|entry| entry["count"].as_u64().unwrap())
            .collect();
        assert!(
            listed.windows(2).all(|w| w[0] >= w[1]),
            "{query}: {listed:?}"
        );
    }
    let every = all_hits(&fixture, "*", &[]);
    let per_language = counted(&every);
    assert_eq!(per_language.len(), 2, "{per_language:?}");
    let help = stdout(&run(&["stats", "--help"]));
    assert!(help.contains("--format"), "stats takes --format: {help}");
    let out = run(&[
        "stats",
        "--index",
        fixture.index_path().to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let stats: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(counts_of(&stats["languages"]), per_language);
    assert_eq!(stats["passages"].as_u64().unwrap() as usize, every.len());
    for (code, count) in &per_language {
        let filtered = all_hits(&fixture, "*", &["--lang", code]);
        assert_eq!(filtered.len() as u64, *count, "--lang {code}");
    }
}

#[test]
fn every_format_declares_its_language_else_detection_else_the_default() {
    let fixture = Fixture::new();
    let note = "Short note on the river crossing at dawn.";
    let page = |head: &str, html: &str| {
        format!(
            "<!DOCTYPE html>\n<html{html}>\n<head><meta charset=\"utf-8\"><title>Note</title>{head}</head>\n<body><article><p>{note}</p></article></body></html>\n"
        )
    };
    fixture.file("html-lang.html", page("", " lang=\"pt-BR\""));
    fixture.file(
        "og-locale.html",
        page("<meta property=\"og:locale\" content=\"fr_FR\">", ""),
    );
    fixture.file(
        "content-language.html",
        page("<meta http-equiv=\"Content-Language\" content=\"de\">", ""),
    );
    fixture.file(
        "records.jsonl",
        format!(
            "{{\"text\": \"{note}\", \"lang\": \"it\"}}\n{{\"text\": \"{note}\", \"language\": \"nl\"}}\n{{\"text\": \"42 17.\"}}\n"
        ),
    );
    fixture.file(
        "named.md",
        format!("---\nlanguage: Swedish\n---\n\n{note}\n"),
    );
    fixture.file(
        "crlf.md",
        format!("---\r\nlang: ru\r\n---\r\n\r\n{note}\r\n"),
    );
    fixture.file("digits.txt", "42 17.\n");
    fixture.file(
        "spanish.txt",
        "El Gobierno anunció que las negociaciones con la guerrilla continuarán la próxima semana en Bogotá.\n",
    );
    let out = fixture.index_with(&["--default-lang", "fr"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let every = all_hits(&fixture, "*", &[]);
    let found: BTreeMap<(String, Option<u64>), String> = every
        .iter()
        .map(|hit| {
            (
                (
                    hit["source"].as_str().unwrap().to_string(),
                    hit["record"].as_u64(),
                ),
                language_of(hit).to_string(),
            )
        })
        .collect();
    let expected: BTreeMap<(String, Option<u64>), String> = [
        ("html-lang.html", None, "pt"),
        ("og-locale.html", None, "fr"),
        ("content-language.html", None, "de"),
        ("records.jsonl", Some(1), "it"),
        ("records.jsonl", Some(2), "nl"),
        ("records.jsonl", Some(3), "fr"),
        ("named.md", None, "sv"),
        ("crlf.md", None, "ru"),
        ("digits.txt", None, "fr"),
        ("spanish.txt", None, "es"),
    ]
    .into_iter()
    .map(|(source, record, code)| ((source.to_string(), record), code.to_string()))
    .collect();
    assert_eq!(found, expected, "{every:#?}");
}

// ---------------------------------------------------------------------------
// 2. One row per language: a declared document whose inflected form only
//    that language's stemmer relates to the query word.
// ---------------------------------------------------------------------------

struct Row {
    /// The language of the document (`tests/fixtures/languages/CODE.md`).
    code: &'static str,
    /// The word searched.
    query: &'static str,
    /// The inflected form the document contains instead.
    form: &'static str,
    /// A language whose stemmer does not relate the two words: a copy of
    /// the document declared in it must not be found.
    control: &'static str,
}

const ROWS: &[Row] = &[
    Row {
        code: "en",
        query: "revoked",
        form: "revoking",
        control: "es",
    },
    Row {
        code: "es",
        query: "negociar",
        form: "negociaciones",
        control: "en",
    },
    Row {
        code: "pt",
        query: "investigar",
        form: "investigaram",
        control: "en",
    },
    Row {
        code: "fr",
        query: "négocier",
        form: "négociaient",
        control: "en",
    },
    Row {
        code: "de",
        query: "Verhandlung",
        form: "Verhandlungen",
        control: "en",
    },
    Row {
        code: "it",
        query: "negoziare",
        form: "negoziati",
        control: "en",
    },
    Row {
        code: "nl",
        query: "onderhandelen",
        form: "onderhandelingen",
        control: "en",
    },
    Row {
        code: "sv",
        query: "förhandling",
        form: "förhandlingar",
        control: "en",
    },
    Row {
        code: "ru",
        query: "переговоры",
        form: "переговорах",
        control: "en",
    },
    Row {
        code: "ar",
        query: "حكومة",
        form: "الحكومة",
        control: "en",
    },
];

fn language_fixture(code: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/languages")
        .join(format!("{code}.md"))
}

#[test]
fn each_language_finds_its_own_inflections_and_only_in_its_passages() {
    let fixture = Fixture::new();
    for row in ROWS {
        let own = language(row.code);
        let control = language(row.control);
        assert!(
            same_stem(own, row.query, row.form),
            "{}: {} and {} share a stem",
            row.code,
            row.query,
            row.form
        );
        assert!(
            !same_stem(control, row.query, row.form),
            "{}: {} and {} do not share a stem in {}",
            row.code,
            row.query,
            row.form,
            row.control
        );
        assert_ne!(fold_word(row.query), fold_word(row.form));
        let source = std::fs::read_to_string(language_fixture(row.code)).unwrap();
        let declaration = format!("lang: {}\n", row.code);
        assert!(
            source.contains(&declaration),
            "{} declares its language",
            row.code
        );
        let terms = folded(&source);
        assert!(
            terms.contains(&fold_word(row.form)),
            "{}: has {}",
            row.code,
            row.form
        );
        assert!(
            !terms.contains(&fold_word(row.query)),
            "{}: lacks {}",
            row.code,
            row.query
        );
        fixture.file(&format!("{}.md", row.code), &source);
        fixture.file(
            &format!("control-{}.md", row.code),
            source.replace(&declaration, &format!("lang: {}\n", row.control)),
        );
    }
    let out = fixture.index();
    assert!(out.status.success(), "{}", stderr(&out));

    // Every document's passage has the language it declares.
    let (_, every) = fixture.search("*", &["--all", "--no-collapse"]);
    assert_eq!(hits(&every).len(), 2 * ROWS.len(), "{every:#}");
    for hit in hits(&every) {
        let source = hit["source"].as_str().unwrap();
        let row = ROWS
            .iter()
            .find(|row| source.ends_with(&format!("{}.md", row.code)))
            .unwrap();
        let declared = if source.starts_with("control-") {
            row.control
        } else {
            row.code
        };
        assert_eq!(language_of(hit), declared, "{source}");
    }

    for row in ROWS {
        let (code, result) = fixture.search(row.query, &["--all"]);
        let found = hits(&result);
        let own_source = format!("{}.md", row.code);
        let hit = found
            .iter()
            .find(|hit| hit["source"] == own_source.as_str())
            .unwrap_or_else(|| {
                panic!("{}: {} finds {own_source}: {result:#}", row.code, row.query)
            });
        assert_eq!(code, 0);
        assert_eq!(language_of(hit), row.code);
        assert_eq!(matched_forms(hit), [row.form], "{}: {hit:#}", row.code);
        assert_eq!(highlighted(hit), [row.form], "{}: {hit:#}", row.code);
        let control_source = format!("control-{}.md", row.code);
        assert!(
            found
                .iter()
                .all(|hit| hit["source"] != control_source.as_str()),
            "{}: {} must not match {} in the {} copy: {result:#}",
            row.code,
            row.query,
            row.form,
            row.control
        );
        // The filters agree.
        let (_, filtered) = fixture.search(row.query, &["--all", "--lang", row.code]);
        assert!(
            hits(&filtered)
                .iter()
                .any(|hit| hit["source"] == own_source.as_str()),
            "{}: --lang {} keeps it",
            row.code,
            row.code
        );
        let (_, elsewhere) =
            fixture.search(&format!("{} lang:{}", row.query, row.control), &["--all"]);
        assert!(
            hits(&elsewhere)
                .iter()
                .all(|hit| hit["source"] != own_source.as_str()),
            "{}: lang:{} drops it",
            row.code,
            row.control
        );
        // A phrase of the query word does not stem.
        let (_, phrase) = fixture.search(&format!("\"{}\"", row.query), &["--all"]);
        assert_eq!(
            phrase["total"], 0,
            "{}: \"{}\": {phrase:#}",
            row.code, row.query
        );
    }
}

// ---------------------------------------------------------------------------
// 3. Differential: counts on a random mixed-language corpus against a
//    brute-force reference computed from the passages' own text.
// ---------------------------------------------------------------------------

/// The next number of a xorshift sequence (as `cita::test_support`).
fn next_random(seed: &mut u32) -> u32 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 17;
    *seed ^= *seed << 5;
    *seed
}

fn pick<'a, T>(seed: &mut u32, items: &'a [T]) -> &'a T {
    &items[next_random(seed) as usize % items.len()]
}

/// Words of each language, in families of inflections.
const VOCABULARY: &[(&str, &str)] = &[
    (
        "en",
        "happy happiness happier cries crying dying die lying lie studies agreed gently hying government governments governed governing negotiate negotiated negotiations negotiator \
         revoke revoked revoking revocation investigate investigated investigation investigations \
         displaced displacement president presidential presidents election elections elected \
         city cities happy happiness happily studies studied studying agreed agreement the of and \
         with after before rivers river communities community",
    ),
    (
        "es",
        "presencia presente presentes paciencia pacientes construyendo construir biología biólogo solución soluciones gobierno gobiernos gobernar gobernó negociar negociaciones negociación negociadores \
         revocar revocó revocación revoque investigar investigaron investigación investigará \
         desplazados desplazamiento desplazadas presidente presidenta presidencial elecciones \
         elección elegido ciudad ciudades narcotráfico narcotraficantes comunidad comunidades \
         decisión decisiones según también acción acciones el la los las de del y con después",
    ),
    (
        "fr",
        "heureuse heureux heureuses présence présent chevaux cheval travaux travail gouvernement gouvernements gouvernemental négocier négociations négociaient négociateur \
         enquête enquêtes enquêter enquêtaient président présidente présidentielle élection \
         élections élu ville villes national nationaux nationale journal journaux décision décidé \
         décider déplacés déplacement le la les des du et avec après être était",
    ),
    (
        "de",
        "Mueller Müller aktuell Bücher Buecher Buch schön schoen Schönheit Häuschen Haeuser Regierung Regierungen regieren regierte Verhandlung Verhandlungen verhandeln verhandelte \
         Untersuchung Untersuchungen untersuchen Präsident Präsidenten Wahl Wahlen gewählt Stadt \
         Städte Häuser Hauses Haus Flüchtlinge Flüchtling Entscheidung Entscheidungen größte groß \
         Straße Straßen der die das und mit nach für über",
    ),
    (
        "pt",
        "averigue averiguar alemães alemão pães pão governo governos governar negociar negociaram negociações negociação investigar \
         investigaram investigação investigações presidente presidentes eleição eleições eleito \
         cidade cidades nacional nacionais decisão decisões deslocados deslocamento também \
         comunidade comunidades o a os as do da e com não são",
    ),
    (
        "it",
        "presenza presente pazienza pazienti governo governi governare negoziare negoziati negoziato indagine indagini indagare \
         presidente presidenti elezione elezioni eletto città nazionale nazionali decisione \
         decisioni sfollati comunità perché già il lo gli della delle con è sono",
    ),
    (
        "ru",
        "ёлка елка актёров актеры всё все правительство правительства правительству переговоры переговорах переговоров \
         расследование расследования расследовать президент президента президенту выборы \
         выборов город города городе решение решения беженцы беженцев актёр актёры ещё и в на \
         с по что это",
    ),
    (
        "sv",
        "fullt full löst lös regering regeringen regeringar förhandling förhandlingar förhandlingarna utredning \
         utredningen utredningar president presidenten val valet städer staden stad beslut \
         besluten flyktingar flyktingarna större största och att det som på är med för",
    ),
    (
        "nl",
        "maken maakt gemaakt straat straten lopen loopt aakstraat regering regeringen onderhandelen onderhandelingen onderhandeld onderzoek onderzoeken \
         onderzocht president presidenten verkiezing verkiezingen gekozen stad steden beslissing \
         beslissingen vluchtelingen vluchteling de het een en van met voor niet",
    ),
    (
        "ar",
        "المعلمون معلم والمعلمين بالكتاب كتاب كتب حكومة الحكومة الحكومات مفاوضات المفاوضات تحقيق التحقيق تحقيقات رئيس الرئيس انتخابات \
         الانتخابات مدينة المدينة المدن قرار القرار قرارات لاجئين اللاجئين في من على إلى",
    ),
];

fn words_of(code: &str) -> Vec<&'static str> {
    VOCABULARY
        .iter()
        .find(|(c, _)| *c == code)
        .unwrap()
        .1
        .split_whitespace()
        .collect()
}

/// A paragraph of `count` words of `code`, with commas, typographic quotes
/// and apostrophes, a capital and a full stop.
fn paragraph(seed: &mut u32, code: &str, count: usize) -> String {
    let words = words_of(code);
    let mut out = String::new();
    for i in 0..count {
        let mut word = pick(seed, &words).to_string();
        if i == 0 {
            let mut chars = word.chars();
            let first = chars.next().unwrap();
            word = first.to_uppercase().chain(chars).collect();
        }
        match next_random(seed) % 12 {
            0 => word = format!("“{word}”"),
            1 => word.push(','),
            2 => word.push_str("’s"),
            3 => word = format!("«{word}»"),
            _ => {}
        }
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&word);
    }
    out.push('.');
    out
}

/// Writes the random corpus into `corpus`; returns the language each
/// declared document declares.
fn write_mixed_corpus(corpus: &Path, seed: &mut u32) -> BTreeMap<String, &'static str> {
    let mut declared_languages = BTreeMap::new();
    let codes: Vec<&str> = VOCABULARY.iter().map(|(code, _)| *code).collect();
    for n in 0..48 {
        let code = *pick(seed, &codes);
        let kind = next_random(seed) % 10;
        let mut paragraphs = Vec::new();
        for _ in 0..2 + next_random(seed) % 4 {
            let count = 4 + next_random(seed) as usize % 22;
            paragraphs.push(paragraph(seed, code, count));
        }
        if kind == 9 {
            // A long quotation in another language.
            let other = *pick(seed, &codes);
            paragraphs.push(paragraph(seed, other, 40));
        }
        let body = paragraphs.join("\n\n");
        let (name, text) = match kind {
            // Undeclared: the detector decides, else the default.
            0..=2 => (format!("{n:02}-{code}.txt"), format!("{body}\n")),
            // Declared in another language than the text's.
            3 => {
                let declared = *pick(seed, &codes);
                declared_languages.insert(format!("{n:02}-{code}-as-{declared}.md"), declared);
                (
                    format!("{n:02}-{code}-as-{declared}.md"),
                    format!("---\nlang: {declared}\n---\n\n{body}\n"),
                )
            }
            _ => {
                let key = if kind.is_multiple_of(2) {
                    "lang"
                } else {
                    "language"
                };
                let value = if kind == 8 {
                    format!("{code}-{}", code.to_uppercase())
                } else {
                    code.to_string()
                };
                declared_languages.insert(format!("{n:02}-{code}.md"), code);
                (
                    format!("{n:02}-{code}.md"),
                    format!("---\ntitle: Document {n}\n{key}: {value}\n---\n\n{body}\n"),
                )
            }
        };
        let text = if next_random(seed).is_multiple_of(3) {
            text.replace('\n', "\r\n")
        } else {
            text
        };
        std::fs::write(corpus.join(name), text).unwrap();
    }
    declared_languages
}

/// A passage of the index, analyzed for the reference.
struct Reference {
    id: String,
    source: String,
    language: Language,
    text: String,
    terms: Vec<String>,
    /// Each term's word as written in `text`.
    written: Vec<String>,
}

enum Query {
    /// Words ANDed, each by stem.
    Words(Vec<String>),
    /// Consecutive exact folded forms.
    Phrase(Vec<String>),
}

impl Query {
    fn text(&self) -> String {
        match self {
            Query::Words(words) => words.join(" "),
            Query::Phrase(words) => format!("\"{}\"", words.join(" ")),
        }
    }

    fn matches(&self, passage: &Reference) -> bool {
        match self {
            Query::Words(words) => words.iter().all(|word| {
                let wanted = stems_of(passage.language, word);
                passage
                    .terms
                    .iter()
                    .zip(&passage.written)
                    .any(|(term, written)| word_matches(passage.language, &wanted, term, written))
            }),
            Query::Phrase(words) => {
                let wanted: Vec<String> = words.iter().map(|word| fold_word(word)).collect();
                passage.terms.windows(wanted.len()).any(|run| run == wanted)
            }
        }
    }
}

/// A surface word of a passage (as written there: case and accents kept).
fn surface_words(text: &str) -> Vec<&str> {
    Folding::default()
        .tokens(text)
        .into_iter()
        .map(|token| &text[token.from..token.to])
        .collect()
}

fn random_queries(seed: &mut u32, passages: &[Reference], count: usize) -> Vec<Query> {
    let vocabulary: Vec<&str> = VOCABULARY
        .iter()
        .flat_map(|(_, words)| words.split_whitespace())
        .collect();
    let mut queries = Vec::new();
    while queries.len() < count {
        let passage = pick(seed, passages);
        let words = surface_words(&passage.text);
        let from_text = |seed: &mut u32| pick(seed, &words).to_string();
        let query = match next_random(seed) % 10 {
            0..=3 => Query::Words(vec![from_text(seed)]),
            // Another inflection, perhaps in no passage.
            4..=5 => Query::Words(vec![pick(seed, &vocabulary).to_string()]),
            6..=7 => Query::Words(vec![from_text(seed), from_text(seed)]),
            8 => Query::Words(vec![from_text(seed), pick(seed, &vocabulary).to_string()]),
            _ => {
                let length = 2 + next_random(seed) as usize % 2;
                if words.len() < length {
                    continue;
                }
                let start = next_random(seed) as usize % (words.len() - length + 1);
                Query::Phrase(
                    words[start..start + length]
                        .iter()
                        .map(|w| w.to_string())
                        .collect(),
                )
            }
        };
        // Skip the operators of the query language.
        let operator = |word: &String| ["AND", "OR", "NOT"].contains(&word.as_str());
        if let Query::Words(words) | Query::Phrase(words) = &query
            && words.iter().any(operator)
        {
            continue;
        }
        queries.push(query);
    }
    queries
}

#[test]
fn counts_agree_with_a_brute_force_reference_on_a_mixed_corpus() {
    let dir = TempDir::new().unwrap();
    let corpus = dir.path().join("corpus");
    let index = dir.path().join("index");
    std::fs::create_dir_all(&corpus).unwrap();
    let mut seed = 0x9e37_79b9_u32;
    let declared = write_mixed_corpus(&corpus, &mut seed);
    let out = index_into(&corpus, &index);
    assert!(out.status.success(), "{}", stderr(&out));

    let archive = Archive::open(&index).unwrap();
    let every = archive
        .search(&SearchRequest {
            limit: ALL,
            ..SearchRequest::new("*")
        })
        .unwrap();
    assert_eq!(every.hits.len() as u64, every.total);
    let passages: Vec<Reference> = every
        .hits
        .iter()
        .map(|hit| {
            let tokens = Folding::default().tokens(&hit.passage.text);
            Reference {
                id: hit.passage.id.clone(),
                source: hit.passage.source.clone(),
                language: hit.passage.language,
                terms: tokens.iter().map(|t| t.term.clone()).collect(),
                written: tokens
                    .iter()
                    .map(|t| hit.passage.text[t.from..t.to].to_string())
                    .collect(),
                text: hit.passage.text.clone(),
            }
        })
        .collect();
    let languages: BTreeSet<Language> = passages.iter().map(|p| p.language).collect();
    assert!(
        languages.len() >= 8,
        "a mixed corpus: {languages:?} over {} passages",
        passages.len()
    );

    // Short passages of a declared document (CRLF or not, `lang:` or
    // `language:`, `xx` or `xx-XX`) have the declared language.
    let mut short_declared = 0;
    for passage in &passages {
        if let Some(code) = declared.get(&passage.source)
            && passage.text.chars().count() < 200
        {
            assert_eq!(
                passage.language.code(),
                *code,
                "{}: {}",
                passage.source,
                passage.text
            );
            short_declared += 1;
        }
    }
    assert!(short_declared >= 40, "{short_declared} declared passages");

    let queries = random_queries(&mut seed, &passages, 320);
    let mut mismatches = Vec::new();
    let (mut nonzero, mut stemmed, mut phrases) = (0, 0, 0);
    for query in &queries {
        let text = query.text();
        let expected: Vec<&Reference> = passages.iter().filter(|p| query.matches(p)).collect();
        let got = archive
            .search(&SearchRequest {
                limit: 0,
                ..SearchRequest::new(text.clone())
            })
            .unwrap_or_else(|err| panic!("{text}: {err}"))
            .total as usize;
        nonzero += usize::from(!expected.is_empty());
        if let Query::Words(words) = query {
            // Matched through a stem, not the form typed.
            let exact = passages
                .iter()
                .filter(|p| words.iter().all(|word| p.terms.contains(&fold_word(word))))
                .count();
            stemmed += usize::from(exact != expected.len());
        } else {
            phrases += usize::from(!expected.is_empty());
        }
        if got != expected.len() {
            let found = archive
                .search(&SearchRequest {
                    limit: ALL,
                    ..SearchRequest::new(text.clone())
                })
                .unwrap();
            let found: BTreeSet<&str> = found.hits.iter().map(|h| h.passage.id.as_str()).collect();
            let wanted: BTreeSet<&str> = expected.iter().map(|p| p.id.as_str()).collect();
            let describe = |ids: Vec<&&str>| -> Vec<String> {
                ids.iter()
                    .map(|id| {
                        let p = passages.iter().find(|p| p.id == **id).unwrap();
                        format!("[{}] {}", p.language, p.text)
                    })
                    .collect()
            };
            mismatches.push(format!(
                "{text}: cita {got}, reference {}\n  extra: {:?}\n  missing: {:?}",
                expected.len(),
                describe(found.difference(&wanted).collect()),
                describe(wanted.difference(&found).collect()),
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} queries disagree:\n{}",
        mismatches.len(),
        queries.len(),
        mismatches[..mismatches.len().min(8)].join("\n")
    );
    // The comparison was not vacuous.
    assert!(
        nonzero * 2 > queries.len(),
        "{nonzero} of {} queries match",
        queries.len()
    );
    assert!(
        stemmed >= 30,
        "only {stemmed} queries matched through a stem"
    );
    assert!(phrases >= 10, "only {phrases} phrases matched");

    // `matched` lists exactly the passage's forms with the query word's stem
    // in the passage's language (a sample of the single words).
    let mut forms_checked = 0;
    for query in queries.iter().take(150) {
        let Query::Words(words) = query else { continue };
        let [word] = &words[..] else { continue };
        let found = archive
            .search(&SearchRequest {
                limit: ALL,
                ..SearchRequest::new(word.clone())
            })
            .unwrap();
        for hit in &found.hits {
            let language = hit.passage.language;
            let wanted = stems_of(language, word);
            let mut expected: Vec<String> = Vec::new();
            for token in Folding::default().tokens(&hit.passage.text) {
                let form = &hit.passage.text[token.from..token.to];
                if word_matches(language, &wanted, &token.term, form)
                    && !expected.iter().any(|f| f == form)
                {
                    expected.push(form.to_string());
                }
            }
            let matched: Vec<String> = hit.matched.iter().flat_map(|m| m.forms.clone()).collect();
            assert_eq!(
                matched, expected,
                "{word} in [{language}] {}",
                hit.passage.text
            );
            forms_checked += 1;
        }
    }
    assert!(forms_checked >= 100, "{forms_checked} hits' forms checked");

    // The binary counts like the library (a sample).
    for query in queries.iter().take(12) {
        let text = query.text();
        let (_, result) = search_json_in(&index, &text, &["--limit", "0"]);
        let expected = passages.iter().filter(|p| query.matches(p)).count();
        assert_eq!(result["total"].as_u64(), Some(expected as u64), "{text}");
    }
}

#[test]
fn an_unknown_declared_language_is_a_warning_and_the_text_is_detected() {
    let fixture = Fixture::new();
    fixture.file(
        "klingon.md",
        "---\nlang: klingon\n---\n\nEl Gobierno anunció que las negociaciones con la guerrilla continuarán la próxima semana en La Habana, con la participación de las comunidades y de las víctimas del conflicto.\n",
    );
    fixture.file(
        "record.jsonl",
        "{\"text\": \"The delegates said that the negotiations would resume next week in Havana, with the communities and the victims of the conflict at the table.\", \"lang\": \"zz-ZZ\"}\n",
    );
    let report = fixture.index_report(&["--default-lang", "fr"]);
    let warnings = report["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 2, "{report:#}");
    for (source, value) in [("klingon.md", "klingon"), ("record.jsonl", "zz-ZZ")] {
        let warning = warnings
            .iter()
            .find(|w| w["source"] == source)
            .unwrap_or_else(|| panic!("a warning names {source}: {report:#}"));
        assert!(warning["reason"].is_null(), "the file is still indexed");
        let message = warning["message"].as_str().unwrap();
        assert!(
            message.contains(value) && !message.contains('\n'),
            "{message}"
        );
    }
    assert_eq!(report["passages"], 2);
    let (_, result) = fixture.search("*", &["--all"]);
    let languages: BTreeMap<&str, &str> = hits(&result)
        .iter()
        .map(|hit| (hit["source"].as_str().unwrap(), language_of(hit)))
        .collect();
    assert_eq!(
        languages,
        BTreeMap::from([("klingon.md", "es"), ("record.jsonl", "en")]),
        "detected, not the default"
    );
}

#[test]
fn words_whose_accents_the_stemmer_needs_are_found_by_their_stem() {
    // Folded, `negociações` would stem to `negociaco` and `décidèrent` to
    // `deciderent`; their own stems (`negoci`, `decid`) are indexed beside
    // the text.
    let fixture = Fixture::new();
    fixture.file(
        "pt.md",
        "---\nlang: pt\n---\n\nAs investigações foram adiadas e as negociações continuam. A negociação recomeça amanhã, disse o ministro da revogação.\n",
    );
    fixture.file(
        "fr.md",
        "---\nlang: fr\n---\n\nLes délégués décidèrent de partir avant la fin des négociations.\n",
    );
    fixture.index();
    for (query, forms) in [
        ("negociar", vec!["negociações", "negociação"]),
        ("negociação", vec!["negociações", "negociação"]),
        ("investigação", vec!["investigações"]),
        ("revogar", vec!["revogação"]),
        ("décider", vec!["décidèrent"]),
    ] {
        let (_, result) = fixture.search(query, &["--all"]);
        let found: Vec<String> = hits(&result).iter().flat_map(matched_forms).collect();
        for form in forms {
            assert!(
                found.iter().any(|f| f == form),
                "{query} finds {form}: {found:?}"
            );
        }
        for hit in hits(&result) {
            assert_eq!(highlighted(hit), matched_forms(hit), "{query}: {hit:#}");
        }
    }
    // Counted once, by the same rule as the highlights.
    let (_, result) = fixture.search("negociar", &["--count"]);
    assert_eq!(result["passages"], 1, "{result:#}");
}

#[test]
fn changing_the_default_language_reads_every_file_again() {
    let fixture = Fixture::new();
    fixture.file("numbers.txt", "42 17 1964.\n");
    fixture.file("note.md", "---\nlang: es\n---\n\nUna nota.\n");
    let language_of_numbers = |fixture: &Fixture| {
        let (_, result) = fixture.search("1964", &[]);
        language_of(&hits(&result)[0]).to_string()
    };
    let first = fixture.index_report(&[]);
    assert_eq!(first["files_read"], 2);
    assert_eq!(language_of_numbers(&fixture), "en");
    let same = fixture.index_report(&[]);
    assert_eq!(same["files_read"], 0, "nothing changed: {same:#}");
    let changed = fixture.index_report(&["--default-lang", "fr"]);
    assert_eq!(changed["files_read"], 2, "{changed:#}");
    assert_eq!(language_of_numbers(&fixture), "fr");
    let (_, result) = fixture.search("nota", &[]);
    assert_eq!(
        language_of(&hits(&result)[0]),
        "es",
        "declared stays declared"
    );
}

/// Indonesian removes prefixes (`membaca` and `dibaca` are `baca`): its
/// words may lie anywhere in the dictionary. A segment with few Indonesian
/// passages has their words read from the stored text; past 4,096 of
/// them, the dictionary is read whole. Both count as a scan of the
/// passages does.
#[test]
fn a_language_that_removes_prefixes_counts_alike_with_few_or_many_passages() {
    let indonesian = Language::from_code("id").unwrap();
    let words = [
        "membaca",
        "dibaca",
        "baca",
        "bacaan",
        "mengajar",
        "belajar",
        "pelajaran",
        "ajar",
        "bermain",
        "permainan",
        "main",
        "pemain",
    ];
    for records in [30, 9_000] {
        let fixture = Fixture::new();
        let texts: Vec<String> = (0..records)
            .map(|i| {
                let first = words[i % words.len()];
                let second = words[(i * 7 + 3) % words.len()];
                format!("Anak itu {first} dan {second} di sekolah.")
            })
            .collect();
        let jsonl: String = texts
            .iter()
            .map(|text| format!("{{\"lang\": \"id\", \"text\": \"{text}\"}}\n"))
            .collect();
        fixture
            .file("id.jsonl", jsonl)
            .file("en.txt", "The children read and played at school.\n");
        for query in ["baca", "membaca", "ajar", "bermain", "pemain"] {
            let wanted = stem(indonesian, query).into_owned();
            let expected = texts
                .iter()
                .filter(|text| {
                    Folding::default()
                        .tokens(text)
                        .iter()
                        .any(|token| stem(indonesian, &token.term) == wanted)
                })
                .count();
            let (_, found) = fixture.search(query, &["--limit", "0", "--no-collapse"]);
            assert_eq!(
                found["total"], expected as u64,
                "{query} over {records} records"
            );
            assert!(expected > records / 12, "{query}: {expected}");
        }
    }
}

#[test]
fn a_file_name_in_the_content_negotiation_style_declares_its_language() {
    let fixture = Fixture::new();
    fixture
        .file("nota.es.txt", "Revocó la visa.\n")
        .file("nota.txt", "Revocó la visa.\n")
        .file("nota.es.md", "---\nlang: fr\n---\n\nRevocó la visa.\n")
        .file(
            "ch07.en.html",
            "<html><body><p>7.5. Fonts</p><p>7.6. Sandbox</p></body></html>\n",
        );
    let (_, all) = fixture.search("*", &["--all", "--no-collapse"]);
    let languages: BTreeMap<String, String> = hits(&all)
        .iter()
        .map(|hit| {
            let source = hit["source"].as_str().unwrap().to_string();
            (source, hit["language"].as_str().unwrap().to_string())
        })
        .collect();
    let expected: BTreeMap<String, String> = [
        ("nota.es.txt", "es"),
        ("nota.txt", "en"),
        ("nota.es.md", "fr"),
        ("ch07.en.html", "en"),
    ]
    .into_iter()
    .map(|(source, code)| (source.to_string(), code.to_string()))
    .collect();
    assert_eq!(languages, expected);
}

#[test]
fn a_word_is_found_however_unicode_spells_it() {
    // What editors, PDFs and web pages put inside words: decomposed accents
    // (macOS file names, some PDFs), soft hyphens (`&shy;` in German
    // press), zero-width spaces, a capital dotted I, and modifier
    // apostrophes; and long words of scripts of two bytes a letter.
    let long_russian = "высокопревосходительство"; // 24 letters, 48 bytes
    let fixture = Fixture::new();
    fixture.file(
        "nfd.md",
        "---\nlang: es\n---\n\nLa gobernacio\u{301}n de Narin\u{303}o negocio\u{301} con los campesinos.\n",
    );
    fixture.file(
        "shy.html",
        "<html lang=\"de\"><head><meta name=\"author\" content=\"Ma&shy;ria Gr&shy;uber\"></head><body><p>Die Verwal&shy;tung der Stadt&#8288;bibliothek wurde erneuert, sagte man in İzmir.</p></body></html>",
    );
    fixture.file(
        "ru.md",
        format!(
            "---\nlang: ru\n---\n\nЕго {long_russian} прибыл вчера, сказал Петроʼs помощник.\n"
        ),
    );
    // Khmer separates words with zero-width spaces; Greek capitals end in
    // a sigma that lower-cases as `σ`, not `ς`; a keycap digit carries a
    // variation selector; small capitals fold to capitals.
    fixture.file(
        "mixed.txt",
        "ភាសា\u{200B}ខ្មែរ\u{200B}គឺ\u{200B}ជា\u{200B}ភាសា\u{200B}ផ្លូវការ.\n\nΟ ΔΡΟΜΟΣ ΕΙΝΑΙ ΜΑΚΡΥΣ.\n\nStep 1\u{FE0F}\u{20E3} of the ʀᴇᴀʟ plan.\n",
    );
    fixture.index();
    for (query, form) in [
        ("Nariño", "Narin\u{303}o"),
        ("narino", "Narin\u{303}o"),
        ("gobernación", "gobernacio\u{301}n"),
        ("negociar", "negocio\u{301}"),
        // A soft hyphen only says where a line may break: the text keeps none.
        ("Verwaltung", "Verwaltung"),
        ("Stadtbibliothek", "Stadt\u{2060}bibliothek"),
        ("ខ្មែរ", "ខ្មែរ"),
        ("\"δρόμος είναι\"", "ΔΡΟΜΟΣ ΕΙΝΑΙ"),
        ("\"step 1\"", "Step 1\u{FE0F}\u{20E3}"),
        ("real", "ʀᴇᴀʟ"),
        ("izmir", "İzmir"),
        ("İzmir", "İzmir"),
        (long_russian, long_russian),
        ("Петро", "Петро"),
    ] {
        let (_, result) = fixture.search(query, &["--all"]);
        assert_eq!(result["total"], 1, "{query}: {result:#}");
        let hit = &hits(&result)[0];
        assert!(
            highlighted(hit).iter().any(|h| h == form),
            "{query}: the whole word {form:?} is highlighted in {hit:#}"
        );
        assert!(
            hit["matched"][0]["forms"]
                .as_array()
                .is_some_and(|forms| forms.iter().all(|found| found
                    .as_str()
                    .is_some_and(|found| !found.is_empty() && !found.contains('\u{AD}')))),
            "{query}: the forms matched are words as read, without soft hyphens, in {hit:#}"
        );
        assert!(
            hit["title"]
                .as_str()
                .is_some_and(|title| !title.contains('\u{AD}')),
            "{query}: a title taken from the text keeps no soft hyphen: {hit:#}"
        );
        if query == "Verwaltung" {
            assert_eq!(hit["author"], "Maria Gruber", "{hit:#}");
        }
    }
    // A phrase reads through them too, and the composed and decomposed
    // spellings are copies of one text.
    let (_, result) = fixture.search("\"gobernación de Nariño\"", &[]);
    assert_eq!(result["total"], 1, "{result:#}");
    fixture.file(
        "nfc.md",
        "---\nlang: es\n---\n\nLa gobernación de Nariño negoció con los campesinos.\n",
    );
    fixture.index();
    let (_, result) = fixture.search("Nariño", &[]);
    assert_eq!(
        (result["total"].as_u64(), result["distinct"].as_u64()),
        (Some(2), Some(1)),
        "{result:#}"
    );
}

#[test]
fn letters_written_as_apostrophes_separate_words_as_apostrophes_do() {
    // Arabic transliteration writes hamza and ʿayn with half rings, Hawaiian
    // its ʻokina and Uzbek its tutuq belgisi with a turned comma: letters
    // to Unicode, apostrophes to writers and to whoever types the query.
    let fixture = Fixture::new();
    fixture.file(
        "a.txt",
        "The Qurʾan was recited.\n\nThe Shiʿa community met.\n\nA Shiʻa cleric spoke.\n\nHawaiʻi voted.\n\nOʻzbekiston signed.\n\nThe Quran alone.\n",
    );
    fixture.index();
    for (query, forms) in [
        ("Qur'an", vec!["Qurʾan"]),
        ("qur’an", vec!["Qurʾan"]),
        ("shi'a", vec!["Shiʿa", "Shiʻa"]),
        ("Shiʿa", vec!["Shiʿa", "Shiʻa"]),
        ("Hawai'i", vec!["Hawaiʻi"]),
        ("\"o'zbekiston signed\"", vec!["Oʻzbekiston signed"]),
    ] {
        marks_exactly(&fixture, query, &forms);
    }
}

/// Searches `query` and asserts that it finds one passage per form and
/// highlights exactly `forms` (in any order); the result, for more checks.
fn marks_exactly(fixture: &Fixture, query: &str, forms: &[&str]) -> Value {
    let (_, result) = fixture.search(query, &["--all"]);
    assert_eq!(result["total"], forms.len(), "{query}: {result:#}");
    let mut found: Vec<String> = hits(&result).iter().flat_map(highlighted).collect();
    found.sort();
    let mut forms: Vec<&str> = forms.to_vec();
    forms.sort();
    assert_eq!(found, forms, "{query}");
    result
}

#[test]
fn arabic_and_hebrew_points_and_russian_yo_fold_and_highlight_as_written() {
    let fixture = Fixture::new();
    fixture.file(
        "ar.md",
        "---\nlang: ar\n---\n\nكَتَبَ الطالبُ الدرسَ في المدرسة.\n\nكتب المعلم رسالة طويلة.\n\nكـــتب الولد.\n",
    );
    fixture.file(
        "he.md",
        "---\nlang: he\n---\n\nשָׁלוֹם עֲלֵיכֶם אמר הרב.\n\nשלום לכולם בבוקר.\n",
    );
    fixture.file(
        "ru.md",
        "---\nlang: ru\n---\n\nЁлка стояла в зале.\n\nНовая елка стояла у окна.\n\nЙод и иод.\n",
    );
    fixture.index();
    for (query, forms) in [
        // Either spelling finds both, each highlighted as written.
        ("كتب", vec!["كَتَبَ", "كتب", "كـــتب"]),
        ("كَتَبَ", vec!["كَتَبَ", "كتب", "كـــتب"]),
        ("שלום", vec!["שָׁלוֹם", "שלום"]),
        ("שָׁלוֹם", vec!["שָׁלוֹם", "שלום"]),
        ("елка", vec!["Ёлка", "елка"]),
        ("ЁЛКА", vec!["Ёлка", "елка"]),
        ("\"ёлка стояла\"", vec!["Ёлка стояла", "елка стояла"]),
        ("\"שלום עליכם\"", vec!["שָׁלוֹם עֲלֵיכֶם"]),
        ("ёл*", vec!["Ёлка", "елка"]),
        // `й` is a letter of its own.
        ("йод", vec!["Йод"]),
    ] {
        let result = marks_exactly(&fixture, query, &forms);
        if !query.contains(['"', '*']) {
            let matched: Vec<String> = hits(&result).iter().flat_map(matched_forms).collect();
            assert_eq!(matched.len(), forms.len(), "{query}: {matched:?}");
        }
    }
}

/// The passages of a Chinese and Japanese corpus whose folded words hold
/// `query`'s consecutively: the brute-force count of a query of
/// ideographs, which is a phrase of them.
fn passages_holding(passages: &[String], query: &str) -> usize {
    let wanted = folded(query);
    passages
        .iter()
        .filter(|text| folded(text).windows(wanted.len()).any(|run| run == wanted))
        .count()
}

#[test]
fn chinese_and_japanese_words_are_found_where_their_characters_stand_together() {
    let fixture = Fixture::new();
    fixture.file(
        "zh.md",
        "---\nlang: zh\n---\n\n我在北京大学学习中文。北京是中国的首都。\n\n京剧在都市里很受欢迎。\n\n他去医院做B超检查，用iPhone手机付款。\n",
    );
    fixture.file(
        "ja.md",
        "---\nlang: ja\n---\n\n東京は日本の首都です。\n\nカタカナとひらがなを学ぶ。\n",
    );
    // A larger corpus of sentences of a few characters, for exact counts.
    let alphabet: Vec<char> = "北京首都中国大学东南西人民的是在".chars().collect();
    let mut seed = 0x1234_5678_u32;
    let mut records = Vec::new();
    for _ in 0..300 {
        let length = 3 + next_random(&mut seed) as usize % 12;
        let text: String = (0..length)
            .map(|i| {
                if i > 0 && next_random(&mut seed).is_multiple_of(9) {
                    '，'
                } else {
                    *pick(&mut seed, &alphabet)
                }
            })
            .collect();
        records.push(format!("{text}。"));
    }
    let jsonl: String = records
        .iter()
        .map(|text| format!("{{\"lang\": \"zh\", \"text\": \"{text}\"}}\n"))
        .collect();
    fixture.file("many.jsonl", jsonl);
    fixture.index();
    for (query, expected) in [
        ("首都", vec!["首都", "首都"]),
        ("\"中国的首都\"", vec!["中国的首都"]),
        ("「中国的首都」", vec!["中国的首都"]),
        ("北京大学", vec!["北京大学"]),
        ("北京*", vec!["北京", "北京"]),
        ("\"北京 大学\"", vec!["北京大学"]),
        ("首都 東京", vec!["東京", "首都"]),
        ("カタカナ", vec!["カタカナ"]),
        ("ひらがな", vec!["ひらがな"]),
        // Letters and digits beside ideographs are words of their own.
        ("B超", vec!["B超"]),
        ("iphone", vec!["iPhone"]),
        ("iPhone手机", vec!["iPhone手机"]),
        ("手机", vec!["手机"]),
    ] {
        let (_, result) = fixture.search(query, &["--all"]);
        let found: Vec<&Value> = hits(&result)
            .iter()
            .filter(|hit| hit["source"] != "many.jsonl")
            .collect();
        let mut marked: Vec<String> = found.iter().flat_map(|hit| highlighted(hit)).collect();
        marked.sort();
        let mut expected: Vec<String> = expected.iter().map(|f| f.to_string()).collect();
        expected.sort();
        assert_eq!(marked, expected, "{query}: {result:#}");
    }
    // Characters that each occur apart are no match: `京都` is not in
    // `北京…首都`, though both passages hold `京` and `都`.
    assert_eq!(fixture.search("京 都 source:zh", &[]).1["total"], 2);
    assert_eq!(fixture.search("京都 source:zh", &[]).1["total"], 0);

    // Exact totals, against a count of every passage's words.
    let (_, every) = fixture.search("*", &["--all", "--no-collapse"]);
    let passages: Vec<String> = hits(&every)
        .iter()
        .map(|hit| hit["text"].as_str().unwrap().to_string())
        .collect();
    assert!(passages.len() > 250, "{}", passages.len());
    let mut nonzero = 0;
    for first in &alphabet {
        for second in &alphabet {
            let query = format!("{first}{second}");
            let expected = passages_holding(&passages, &query);
            let (_, found) = fixture.search(&query, &["--limit", "0", "--no-collapse"]);
            assert_eq!(found["total"], expected, "{query}");
            // Wherever the characters stand together, so do the words (and
            // across a comma, as across any punctuation).
            let adjacent = passages.iter().filter(|text| text.contains(&query)).count();
            assert!(
                adjacent <= expected && adjacent > 0 || expected == 0,
                "{query}"
            );
            nonzero += usize::from(expected > 0);
        }
    }
    assert!(nonzero > 100, "{nonzero} queries found something");
    for query in ["北京大学", "中国的", "\"人民 大学\"", "首都*"] {
        let expected = passages_holding(&passages, query.trim_matches(['"', '*']));
        let (_, found) = fixture.search(query, &["--limit", "0", "--no-collapse"]);
        assert_eq!(found["total"], expected, "{query}");
    }
}
