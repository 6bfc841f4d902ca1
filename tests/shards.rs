//! An archive split into shards answers as one index of it would: the
//! same hits in the same order with the same scores, snippets and ranks,
//! the same totals and facets (the differential test of a search over
//! shards, `cita::query::statistics` and `cita::views::shards`). The
//! corpus is the shipped articles plus generated English and Spanish
//! documents whose words come in several inflections, with headings, dates
//! and copies (ties), so that every part of a score is exercised.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

use cita::indexer::Shard;
use cita::kwic::ContextSort;
use cita::results::CorpusStatistics;
use cita::views::shards;
use cita::{Archive, BuildOptions, Date, Language, Period, SearchRequest, Sort};
use tempfile::TempDir;

const SHARDS: u32 = 3;

const ENGLISH: &[&str] = &[
    "dibaca",
    "govern",
    "governs",
    "governed",
    "government",
    "governments",
    "plan",
    "plans",
    "planned",
    "lazo",
    "colombia",
    "army",
    "operation",
    "operations",
    "peasant",
    "peasants",
    "embassy",
    "cable",
    "cables",
    "report",
    "reported",
    "reports",
    "the",
    "of",
    "and",
    "in",
    "a",
    "to",
    "marquetalia",
    "republic",
    "independent",
    "security",
    "aid",
    "military",
    "programme",
    "gouvernements",
];

/// Indonesian removes prefixes (`dibaca` is `baca`): its words may lie
/// anywhere in the dictionary, and are read from its passages' text where
/// they are few. `dibaca` is in the English documents too, where it counts
/// for nothing but, summed into `baca`'s document frequency, would make
/// scores depend on which shard holds the Indonesian passages.
const INDONESIAN: &[&str] = &[
    "membaca",
    "dibaca",
    "baca",
    "bacaan",
    "pemerintah",
    "pemerintahan",
    "dan",
    "di",
    "yang",
    "plan",
    "lazo",
];

/// Only in a few documents, so some shards hold no French passage: every
/// shard must still stem in French.
const FRENCH: &[&str] = &[
    "gouvernement",
    "gouverner",
    "gouvernait",
    "le",
    "la",
    "les",
    "de",
    "et",
    "plan",
    "lazo",
    "armée",
    "opération",
    "opérations",
    "paysans",
    "ambassade",
    "rapport",
    "rapports",
];
const SPANISH: &[&str] = &[
    "gobierno",
    "gobiernos",
    "gobernar",
    "gobernaron",
    "investigar",
    "investigaron",
    "investigación",
    "investigaciones",
    "plan",
    "lazo",
    "ejército",
    "operación",
    "operaciones",
    "campesinos",
    "campesino",
    "embajada",
    "informe",
    "informes",
    "el",
    "la",
    "de",
    "y",
    "en",
    "los",
    "marquetalia",
    "república",
    "independiente",
    "seguridad",
    "desplazados",
    "desplazamiento",
];

fn next(seed: &mut u32) -> u32 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 17;
    *seed ^= *seed << 5;
    *seed
}

fn sentence(seed: &mut u32, words: &[&str], length: usize) -> String {
    let mut text: Vec<&str> = (0..length)
        .map(|_| words[next(seed) as usize % words.len()])
        .collect();
    if next(seed).is_multiple_of(3) {
        let at = next(seed) as usize % length.saturating_sub(1).max(1);
        text.splice(at..at, ["Plan", "LAZO"]);
    }
    let mut sentence = text.join(" ");
    sentence[..1].make_ascii_uppercase();
    sentence + "."
}

/// Writes the corpus: the shipped articles and generated documents.
fn write_corpus(dir: &Path) {
    for entry in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
    let mut seed = 0x5eed_u32;
    for number in 0..120 {
        let (words, lang) = match number {
            _ if number % 40 == 5 => (FRENCH, "fr"),
            _ if number == 11 => (INDONESIAN, "id"),
            _ if number % 3 == 0 => (SPANISH, "es"),
            _ => (ENGLISH, "en"),
        };
        let mut text = String::from("---\n");
        text += &format!("title: \"{}\"\n", sentence(&mut seed, words, 4));
        if number % 7 != 0 {
            let day = 1 + next(&mut seed) % 28;
            let month = 1 + next(&mut seed) % 12;
            let year = 1958 + next(&mut seed) % 12;
            text += &format!("date: \"{year}-{month:02}-{day:02}\"\n");
        }
        if number % 4 != 0 {
            text += &format!(
                "source: \"{}\"\n",
                ["El Tiempo", "Semana", "AP"][number % 3]
            );
        }
        if number % 5 != 0 {
            // One author spelt two ways: the facets list her once.
            let author = ["Ana García", "John Smith", "Ana Smith", "ANA GARCIA"][number % 4];
            text += &format!("author: \"{author}\"\n");
        }
        text += &format!("lang: {lang}\n---\n");
        for section in 0..1 + next(&mut seed) % 3 {
            text += &format!(
                "\n## {}\n",
                sentence(&mut seed, words, 2 + section as usize)
            );
            for _ in 0..1 + next(&mut seed) % 4 {
                let length = 3 + next(&mut seed) as usize % 40;
                text += &format!("\n{}\n", sentence(&mut seed, words, length));
            }
        }
        let folder = ["cables", "press", "reports"][number % 3];
        std::fs::create_dir_all(dir.join(folder)).unwrap();
        std::fs::write(dir.join(folder).join(format!("{number:03}.md")), &text).unwrap();
        if number % 10 == 0 {
            // A copy elsewhere: its passages tie with the original's.
            std::fs::write(dir.join(format!("copy-{number:03}.md")), &text).unwrap();
        }
    }
}

struct Archives {
    _dir: TempDir,
    whole: Archive,
    shards: Vec<Archive>,
}

fn archives() -> Archives {
    archives_of(write_corpus)
}

/// One index of the corpus `write` writes, and [`SHARDS`] shards of it.
fn archives_of(write: impl Fn(&Path)) -> Archives {
    let dir = TempDir::new_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    write(&corpus);
    let build = |name: &str, shard: Option<Shard>| {
        let index = dir.path().join(name);
        let options = BuildOptions {
            jobs: 2,
            shard,
            ..BuildOptions::default()
        };
        cita::build(&corpus, &index, &options).unwrap();
        Archive::open(&index).unwrap()
    };
    let whole = build("whole", None);
    let shards = (0..SHARDS)
        .map(|number| {
            build(
                &format!("shard-{number}"),
                Some(Shard {
                    number,
                    count: SHARDS,
                }),
            )
        })
        .collect();
    Archives {
        _dir: dir,
        whole,
        shards,
    }
}

/// `request` scored with the archive's statistics: the shards' summed
/// over the archive's languages (the first step of a search over shards).
fn with_archive_statistics(
    shards: &[Archive],
    request: &SearchRequest,
) -> cita::Result<SearchRequest> {
    let languages: BTreeSet<_> = shards
        .iter()
        .flat_map(|shard| shard.languages().unwrap())
        .collect();
    let mut statistics = CorpusStatistics::for_languages(languages.iter().copied());
    for shard in shards {
        statistics.add(&shard.statistics(request, &languages)?);
    }
    Ok(SearchRequest {
        statistics: Some(Arc::new(statistics)),
        ..request.clone()
    })
}

/// `request` over the shards, in the three steps of a search over shards:
/// their statistics summed, each shard's best `offset + limit` as keys,
/// merged into a page whose passages each shard then reads (and, copies
/// collapsed, whose copies every shard lists).
fn sharded(shards: &[Archive], request: &SearchRequest) -> cita::Result<cita::SearchResults> {
    let request = with_archive_statistics(shards, request)?;
    let answers = shards
        .iter()
        .map(|shard| shard.shard_answer(&request))
        .collect::<cita::Result<Vec<_>>>()?;
    let mut page = shards::page(&request, &answers);
    let mut hits = Vec::new();
    let mut copies = Vec::new();
    let mut preceding = Vec::new();
    for (shard, picks) in shards.iter().zip(&page.picks) {
        hits.extend(shard.fetch(&request, picks)?);
        copies.push(shard.copies(&request, &page.shown)?);
        preceding.push(shard.preceding(&request, &page.members)?);
    }
    shards::add_copies(&mut page, copies)?;
    if request.group {
        shards::add_ranks(&mut page, preceding)?;
    }
    shards::assemble(&request, page, hits)
}

/// The answers of one index and of its shards to `request`; `None` when
/// both refuse it, with the same error.
fn both_answers(
    archives: &Archives,
    request: &SearchRequest,
) -> Option<(cita::SearchResults, cita::SearchResults)> {
    match (
        archives.whole.search(request),
        sharded(&archives.shards, request),
    ) {
        (Ok(whole), Ok(merged)) => Some((whole, merged)),
        (Err(a), Err(b)) => {
            assert_eq!(a.to_string(), b.to_string(), "{request:?}");
            None
        }
        (whole, merged) => panic!("{request:?}: {whole:?} vs {merged:?}"),
    }
}

const QUERIES: &[&str] = &[
    "govern",
    // A stem asked for twice: its document frequency noted once per shard.
    "govern OR govern",
    "plan title:plan",
    "government",
    "gobierno",
    "investigar",
    "desplazados",
    "plan",
    "\"Plan LAZO\"",
    "\"plan lazo\" colombia",
    "plan lazo",
    "army OR ejército",
    "operation -cable",
    "(peasant OR campesinos) marquetalia",
    "govern*",
    "invest*",
    "\"plan la\"*",
    // Two words and a prefix: scored with the archive's statistics.
    "\"of the g\"*",
    "\"de la r\"*",
    "title:embassy",
    // The author's words score as the title's do, with the archive's
    // statistics.
    "plan author:ana",
    "author:smith OR gobierno",
    "plan -author:\"john smith\"",
    "section:report",
    "lang:es plan",
    "the",
    "\"independent republic\"~3",
    "seguridad AND república",
    "colombia",
    "gouvernement",
    "gouvernements",
    "rapport",
    // Accented stems: a shard without French holds Spanish ones, and
    // counts them in the stems' document frequency as one index would.
    "opérations",
    "opération",
    "armée",
    "ejército",
    "baca",
    "membaca",
    "dibaca OR pemerintah",
    "*",
    // Too few passages hold every word: partial matches fill the page.
    "plan nosuchword",
    "campesinos embassy marquetalia",
    // More terms: tantivy sums a partial match's terms in an order that
    // differs between shards and one index (now rounded alike).
    "plan lazo marquetalia campesinos embassy",
    "army operation peasant república gobierno cable",
];

fn request(query: &str, tweak: usize) -> SearchRequest {
    let mut request = SearchRequest::new(query);
    request.limit = [10, 3, 25, 1][tweak % 4];
    request.offset = [0, 2, 0, 7][tweak % 4];
    request.sort = [
        Sort::Relevance,
        Sort::Relevance,
        Sort::Date,
        Sort::Source,
        Sort::Document,
    ][tweak % 5];
    request.facets = tweak % 2 == 1;
    // The values listed are the archive's most frequent, not each shard's.
    if tweak % 4 == 3 {
        request.facet_limit = Some(1);
    }
    if tweak % 5 == 4 {
        request.since = Date::parse_start("1960").ok();
        request.until = Date::parse_end("1966-06").ok();
    }
    // Copies collapsed (the default) but every third time.
    request.collapse = tweak % 3 != 2;
    request
}

#[test]
fn shards_answer_exactly_as_one_index_of_the_archive() {
    let archives = archives();
    assert!(
        archives
            .shards
            .iter()
            .all(|shard| shard.stats().unwrap().passages > 0),
        "every shard holds passages"
    );
    let french = Language::from_code("fr").unwrap();
    assert!(
        archives
            .shards
            .iter()
            .any(|shard| !shard.languages().unwrap().contains(&french)),
        "a shard without French"
    );
    let mut compared = 0;
    let mut partial = 0;
    let mut with_duplicates = 0;
    let mut partial_with_duplicates = 0;
    for (number, query) in QUERIES.iter().enumerate() {
        let tweaks = [number, number + 1, number + 2, number + 3, number + 4];
        // Each with its page, and counted only (no page: no partial matches).
        let requests = tweaks.into_iter().flat_map(|tweak| {
            let paged = request(query, tweak);
            let counted = SearchRequest {
                limit: 0,
                ..paged.clone()
            };
            [(tweak, paged), (tweak, counted)]
        });
        for (tweak, request) in requests {
            let Some((whole, merged)) = both_answers(&archives, &request) else {
                continue;
            };
            assert_eq!(merged.total, whole.total, "{request:?}");
            assert_eq!(merged.distinct, whole.distinct, "{request:?}");
            assert_eq!(whole.distinct.is_some(), request.collapse, "{request:?}");
            let json = |results: &cita::SearchResults| serde_json::to_value(&results.hits).unwrap();
            assert_eq!(json(&merged), json(&whole), "{request:?}");
            assert_eq!(merged.facets, whole.facets, "{request:?}");
            assert_eq!(merged.partial_total, whole.partial_total, "{request:?}");
            compared += whole.hits.len();
            partial += whole.hits.iter().filter(|hit| hit.partial).count();
            with_duplicates += whole
                .hits
                .iter()
                .filter(|hit| hit.duplicates_total.unwrap_or(0) > 0)
                .count();
            partial_with_duplicates += whole
                .hits
                .iter()
                .filter(|hit| hit.partial && hit.duplicates_total.unwrap_or(0) > 0)
                .count();
            let count = |archive: &Archive| archive.count(&request).unwrap();
            let counts: Vec<_> = archives.shards.iter().map(count).collect();
            let whole_count = count(&archives.whole);
            assert_eq!(
                counts.iter().map(|c| c.passages).sum::<u64>(),
                whole_count.passages
            );
            // A document lives in one shard: documents add up too.
            assert_eq!(
                counts.iter().map(|c| c.documents).sum::<u64>(),
                whole_count.documents
            );
            // Mentioned years are years.
            let mentioned = tweak % 5 == 2;
            let by = [Period::Year, Period::Month][tweak % 2 * usize::from(!mentioned)];
            let by_source = tweak % 3 == 1;
            let timeline = |archive: &Archive| {
                archive
                    .timeline(&request, by, by_source, mentioned)
                    .unwrap()
            };
            let parts: Vec<_> = archives.shards.iter().map(timeline).collect();
            let merged = shards::timeline(query, by, by_source, mentioned, &parts);
            let whole = timeline(&archives.whole);
            assert_eq!(
                (merged.total, merged.undated, &merged.rows),
                (whole.total, whole.undated, &whole.rows),
                "{request:?} by {by:?}"
            );
        }
    }
    assert!(compared > 200, "only {compared} hits compared");
    assert!(partial > 10, "only {partial} partial matches compared");
    assert!(
        with_duplicates > 20,
        "only {with_duplicates} hits with duplicates compared"
    );
    assert!(
        partial_with_duplicates > 3,
        "only {partial_with_duplicates} partial matches with duplicates compared"
    );
}

/// Grouped by document: the same documents in the same order, each with
/// the same passages ranked among every match as one index ranks them,
/// under every sort and page.
#[test]
fn grouped_searches_over_shards_answer_as_one_index() {
    let archives = archives();
    let mut groups = 0;
    let mut many_passages = 0;
    for (number, query) in QUERIES.iter().enumerate() {
        for tweak in [number, number + 2] {
            let mut request = request(query, tweak);
            request.group = true;
            request.limit = [10, 2, 4][tweak % 3];
            request.offset = [0, 1, 3][number % 3];
            let Some((whole, merged)) = both_answers(&archives, &request) else {
                continue;
            };
            assert_eq!(
                (merged.total, merged.documents),
                (whole.total, whole.documents),
                "{request:?}"
            );
            assert!(whole.documents.is_some(), "{request:?}");
            let json = |value: &cita::SearchResults| {
                serde_json::to_value((&value.groups, &value.hits)).unwrap()
            };
            assert_eq!(json(&merged), json(&whole), "{request:?}");
            assert_eq!(merged.facets, whole.facets, "{request:?}");
            let shown = whole.groups.unwrap_or_default();
            groups += shown.len();
            many_passages += shown.iter().filter(|group| group.passages > 1).count();
        }
    }
    assert!(groups > 100, "only {groups} groups compared");
    assert!(
        many_passages > 30,
        "only {many_passages} groups of several passages"
    );
}

/// Words ANDed, ORed or both: tantivy sums the scores of an intersection's
/// terms in the order of their local document frequencies and a union's
/// in the order its heap yields them, which differ between shards and one
/// index; a float sum of three terms or more differs with its order.
#[test]
fn random_combinations_of_words_score_alike_over_shards() {
    let archives = archives();
    let mut seed = 0xc17a_u32;
    let mut differing = Vec::new();
    let mut hits = 0;
    for round in 0..120 {
        let words: Vec<&str> = (0..3 + round % 3)
            .map(|_| ENGLISH[next(&mut seed) as usize % ENGLISH.len()])
            .collect();
        let query = match round % 3 {
            0 => words.join(" "),
            1 => words.join(" OR "),
            _ => format!("({}) {}", words[..2].join(" OR "), words[2..].join(" ")),
        };
        let mut request = SearchRequest::new(&query);
        request.limit = 50;
        request.collapse = false;
        let whole = archives.whole.search(&request).unwrap();
        let merged = sharded(&archives.shards, &request).unwrap();
        hits += whole.hits.len();
        let scored = |results: &cita::SearchResults| -> Vec<(String, f32)> {
            let hits = results.hits.iter();
            hits.map(|hit| (hit.passage.id.clone(), hit.score))
                .collect()
        };
        if scored(&whole) != scored(&merged) {
            differing.push(query);
        }
    }
    assert!(hits > 2_000, "only {hits} hits compared");
    assert!(
        differing.is_empty(),
        "scored otherwise over shards: {differing:?}"
    );
}

#[test]
fn copies_shown_as_a_full_and_a_partial_hit_keep_their_own_duplicates_over_shards() {
    // One paragraph in English and in Spanish documents: `governments`
    // shares the stem of `government` in English only, so the English
    // copies match every word and the Spanish ones lack one; and in
    // documents whose titles hold a word of an OR group or not.
    let paragraph = "The governments planned the reform of the army.";
    let archives = archives_of(|corpus| {
        for (name, title, lang) in [
            ("en/a.md", "Notes", "en"),
            ("en/b.md", "Manual", "en"),
            ("es/c.md", "Guía", "es"),
            ("es/d.md", "Notas", "es"),
            ("es/e.md", "Otra", "es"),
            ("other.md", "Lone", "en"),
        ] {
            let path = corpus.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            let text = match name {
                "other.md" => "Nothing of the kind: armies and plans.".to_string(),
                _ => paragraph.to_string(),
            };
            let front = format!("---\ntitle: \"{title}\"\nlang: {lang}\n---\n\n{text}\n");
            std::fs::write(path, front).unwrap();
        }
    });
    for query in [
        "government planned army",
        "government planned army xylophone",
        "army (title:notes OR xylophone)",
    ] {
        for offset in [0, 1] {
            let mut request = SearchRequest::new(query);
            request.offset = offset;
            let whole = archives.whole.search(&request).unwrap();
            let merged = sharded(&archives.shards, &request).unwrap();
            let json = |results: &cita::SearchResults| serde_json::to_value(&results.hits).unwrap();
            assert_eq!(json(&merged), json(&whole), "{query} from {offset}");
            assert_eq!(merged.partial_total, whole.partial_total, "{query}");
            // The set of copies is on the page twice, each hit with its
            // own copies.
            if query == "government planned army" && offset == 0 {
                let shown: Vec<(bool, u64)> = whole
                    .hits
                    .iter()
                    .map(|hit| (hit.partial, hit.duplicates_total.unwrap()))
                    .collect();
                assert_eq!(shown[..2], [(false, 1), (true, 2)], "{whole:?}");
            }
        }
    }
}

#[test]
fn an_index_records_the_shard_it_holds_even_when_no_file_changed() {
    let dir = TempDir::new_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    std::fs::write(corpus.join("a.txt"), "The Guayabero cable.").unwrap();
    let index = dir.path().join("index");
    let held_after = |shard: Option<Shard>| {
        let options = BuildOptions {
            shard,
            ..BuildOptions::default()
        };
        cita::build(&corpus, &index, &options).unwrap();
        Archive::open(&index).unwrap().shard().unwrap()
    };
    assert_eq!(held_after(None), None);
    // The same files, one shard of one: nothing to read, but the mark.
    let whole = Shard {
        number: 0,
        count: 1,
    };
    assert_eq!(held_after(Some(whole)), Some([0, 1]));
    assert_eq!(held_after(Some(whole)), Some([0, 1]));
    assert_eq!(held_after(None), None);
}

#[test]
fn a_file_belongs_to_one_shard_and_moves_with_its_path() {
    let dir = TempDir::new_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    // Two paths that route to different shards.
    let first = "moved/a.txt";
    let second = (0..)
        .map(|n| format!("moved/b{n}.txt"))
        .find(|path| Shard::of(path, 2) != Shard::of(first, 2))
        .unwrap();
    std::fs::create_dir(corpus.join("moved")).unwrap();
    std::fs::write(corpus.join(first), "The Guayabero cable.").unwrap();
    let build_all = || -> Vec<Archive> {
        (0..2)
            .map(|number| {
                let index = dir.path().join(format!("shard-{number}"));
                let options = BuildOptions {
                    shard: Some(Shard { number, count: 2 }),
                    ..BuildOptions::default()
                };
                cita::build(&corpus, &index, &options).unwrap();
                Archive::open(&index).unwrap()
            })
            .collect()
    };
    let holding = |shards: &[Archive]| -> Vec<u64> {
        shards
            .iter()
            .map(|shard| {
                shard
                    .count(&SearchRequest::new("Guayabero"))
                    .unwrap()
                    .passages
            })
            .collect()
    };
    let mut expected = vec![0, 0];
    expected[Shard::of(first, 2) as usize] = 1;
    assert_eq!(holding(&build_all()), expected);
    std::fs::rename(corpus.join(first), corpus.join(&second)).unwrap();
    let mut expected = vec![0, 0];
    expected[Shard::of(&second, 2) as usize] = 1;
    assert_eq!(holding(&build_all()), expected);
    let refused = |number, count| {
        let options = BuildOptions {
            shard: Some(Shard { number, count }),
            ..BuildOptions::default()
        };
        let err = cita::build(&corpus, &dir.path().join("bad"), &options).unwrap_err();
        err.to_string()
    };
    let err = refused(2, 2);
    assert!(err.contains("numbered from 0 to 1"), "{err}");
    let err = refused(0, 0);
    assert!(err.contains("at least one shard"), "{err}");
    assert!(!dir.path().join("bad").exists());
}

/// A concordance over shards cuts its lines where one index cuts them,
/// whatever the limit: inside a passage's lines, at their end, with more
/// passages left or none.
#[test]
fn concordances_over_shards_cut_their_lines_as_one_index() {
    let archives = archives();
    let mut compared = 0;
    for (number, query) in QUERIES.iter().enumerate() {
        let request = SearchRequest::new(*query);
        let sort = [
            ContextSort::Relevance,
            ContextSort::Left,
            ContextSort::Right,
        ][number % 3];
        let every = archives.whole.kwic(&request, 30, sort).unwrap().lines.len();
        for limit in (0..=every + 1).take(80).chain([usize::MAX]) {
            let whole = archives
                .whole
                .kwic_lines(&request, 30, sort, limit)
                .unwrap();
            let sharded = with_archive_statistics(&archives.shards, &request).unwrap();
            let parts = archives
                .shards
                .iter()
                .map(|shard| shard.shard_kwic(&sharded, limit).unwrap())
                .collect();
            let merged = shards::kwic(&request, 30, sort, limit, parts).unwrap();
            let json = |lines: &[cita::kwic::KwicLine]| serde_json::to_value(lines).unwrap();
            assert_eq!(json(&merged.lines), json(&whole.lines), "{query} {limit}");
            assert_eq!(
                (merged.passages, merged.truncated),
                (whole.passages, whole.truncated),
                "{query} {limit}"
            );
            compared += whole.lines.len();
        }
    }
    assert!(compared > 1000, "only {compared} lines compared");
}

/// What one index refuses, a search over shards refuses before asking any
/// shard, with the same error and in the same order (a bad option before
/// a malformed query, the query as compiled as well as read), so that no
/// worker fails a task for the caller's mistake; grouping, which shards
/// cannot do, after it.
#[test]
fn a_request_one_index_refuses_is_refused_before_any_shard_with_its_error() {
    let dir = TempDir::new_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    std::fs::write(corpus.join("a.txt"), "The Guayabero plan.").unwrap();
    let index = dir.path().join("index");
    cita::build(&corpus, &index, &BuildOptions::default()).unwrap();
    let whole = Archive::open(&index).unwrap();
    let year = |text: &str| Date::parse_start(text).ok();
    let too_many_words = vec!["plan"; 40].join(" ");
    let refused = [
        SearchRequest {
            snippet_chars: 0,
            ..SearchRequest::new("plan AND (")
        },
        SearchRequest {
            since: year("2020"),
            until: year("2019"),
            ..SearchRequest::new("plan AND (")
        },
        SearchRequest {
            snippet_chars: 0,
            group: true,
            ..SearchRequest::new("plan")
        },
        SearchRequest::new("plan AND ("),
        SearchRequest::new("-plan"),
        SearchRequest::new("NOT NOT plan"),
        SearchRequest::new("lang:xx plan"),
        SearchRequest::new("format:nosuchformat plan"),
        SearchRequest::new(&too_many_words),
    ];
    for request in &refused {
        let expected = whole.search(request).unwrap_err().to_string();
        let got = shards::check_request(request).unwrap_err().to_string();
        assert_eq!(got, expected, "{request:?}");
    }
    assert!(shards::check_request(&SearchRequest::new("plan -lazo")).is_ok());
    // A timeline's axis first, as one index checks it.
    let malformed = SearchRequest::new("plan AND (");
    let expected = whole
        .timeline(&malformed, Period::Month, false, true)
        .unwrap_err()
        .to_string();
    let got = shards::check_timeline(&malformed, Period::Month, false, true)
        .unwrap_err()
        .to_string();
    assert_eq!(got, expected);
    assert!(expected.contains("mentioned dates are years"), "{expected}");
}
