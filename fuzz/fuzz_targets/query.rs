//! The query language: `cita::query::parse` on any text, `compile` of what
//! parses against the index's fields, and a real search (limit 5) on a small
//! index built once per process from a few tiny documents, in English and
//! Spanish so that words expand in both languages. A query that
//! does not parse or compile is a normal outcome (exit 2 for a user), never
//! a failure; a panic, a hang or unbounded memory is.
//!
//! Each input also picks, from its length, one variation of the request
//! (date filter, sort, grouping with facets, context, a concordance or a
//! count), so the views behind `search` are reached too.
#![no_main]

use std::sync::OnceLock;

use cita::query::{self, DateRange};
use cita::views::kwic::ContextSort;
use cita::{Archive, Date, SearchRequest, Sort, YearRange};
use libfuzzer_sys::fuzz_target;

/// About the server's limit (`max_query_chars: 1_000`); the input bound
/// keeps the fuzzer off length, and `-max_len` in run.sh matches it.
const MAX_QUERY_BYTES: usize = 1000;

/// A few tiny documents in each format, with headings, dates, repeated and
/// accented words, so that words, phrases, prefixes and filters all match.
const DOCUMENTS: &[(&str, &str)] = &[
    // A second language, so words expand in both and count by language.
    (
        "notas/visa.md",
        "---\nlang: es\n---\n\n# Negociaciones\n\nEl Gobierno revocó la visa; la revocación y las negociações continúan en Bogotá.\n",
    ),
    (
        "notes/lazo.md",
        "---\ntitle: Plan LAZO interviews\ndate: 1964-05-27\nsource: Field notes\n---\n\n# Plan LAZO\n\nThe veteran recalled the operation of Plan LAZO in 1964 and 1965.\n\n## Marquetalia\n\nThe army revoked the permits; the permit was revoked again in Bogotá.\n",
    ),
    (
        "news/visa.txt",
        "Petro visa revoked\n\nBOGOTÁ, 27 de septiembre de 2025 — The State Department revoked the visa of Gustavo Petro.\n\nOfficials in Bogotá called the decision an affront. Nariño, Gaitán, coca, café.\n",
    ),
    (
        "web/page.html",
        "<html><head><title>Coca crops</title><meta property=\"article:published_time\" content=\"2018-03-01\"></head><body><article><h1>Coca crops</h1><p>Coca eradication in Nariño grew in 2017 and 2018.</p><p>The plan of the ministry: of the s a plan, a plan of the state.</p></article></body></html>",
    ),
    (
        "feeds/wire.jsonl",
        "{\"title\":\"Feed one\",\"text\":\"First feed record about coca eradication and trade tariffs.\",\"published\":\"2025-10-01T08:00:00Z\",\"source\":\"Feed Wire\"}\n{\"title\":\"Feed two\",\"body\":\"Second record: trade, tariffs and the happiest crier cried.\"}\n",
    ),
];

struct Fixture {
    // Kept so the index folder lives as long as the process.
    _dir: tempfile::TempDir,
    archive: Archive,
    fields: cita::schema::Fields,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let corpus = dir.path().join("corpus");
        for (name, text) in DOCUMENTS {
            let path = corpus.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let (archive, _report) = cita::build_and_open(&corpus, &dir.path().join("index"))
            .expect("the fixture index builds");
        Fixture {
            _dir: dir,
            archive,
            fields: cita::schema::build().1,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    if data.len() > MAX_QUERY_BYTES {
        return;
    }
    let text = String::from_utf8_lossy(data);
    let fixture = fixture();
    // The parser and compiler alone first: errors are answers, not failures.
    let Ok(node) = query::parse(&text) else {
        return;
    };
    let dates = DateRange {
        since: Date::parse_start("1964").ok(),
        until: None,
    };
    let _ = query::compile(
        &node,
        &fixture.fields,
        DateRange::default(),
        &Default::default(),
    );
    let _ = query::compile(&node, &fixture.fields, dates, &Default::default());

    let mut request = SearchRequest {
        limit: 5,
        ..SearchRequest::new(text.as_ref())
    };
    match data.len() % 6 {
        0 => {}
        1 => {
            request.since = dates.since;
            request.sort = Sort::Date;
            request.snippet_chars = 1 + data.len() % 40;
        }
        2 => {
            request.group = true;
            request.facets = true;
            request.sort = Sort::Source;
        }
        3 => {
            request.context = 1;
            request.offset = 1;
            request.mentions = Some(YearRange {
                first: 1960,
                last: 2020,
            });
            request.sort = Sort::DateDescending;
        }
        4 => {
            let _ = fixture.archive.kwic(&request, 30, ContextSort::Left);
            return;
        }
        _ => {
            let _ = fixture.archive.count(&request);
        }
    }
    let _ = fixture.archive.search(&request);
});
