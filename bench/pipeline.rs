//! Throughput of the fiddly stages, in MB/s of input text, so regressions
//! show: `cargo bench --bench pipeline`. The input is the shipped corpus,
//! repeated to a few hundred kilobytes.

use std::hint::black_box;

use cita::Language;
use cita::analysis;
use cita::highlight::{self, HighlightPlan, Matcher};
use cita::ingest::text;
use cita::passage;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tantivy::tokenizer::TokenStream;

/// The shipped corpus's text, repeated to at least `min_bytes`.
fn corpus_text(min_bytes: usize) -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus");
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .expect("the shipped corpus is present")
        .map(|entry| entry.expect("readable entry").path())
        .collect();
    names.sort();
    let once: String = names
        .iter()
        .map(|path| std::fs::read_to_string(path).expect("UTF-8 text"))
        .collect::<Vec<_>>()
        .join("\n\n");
    once.repeat(min_bytes.div_ceil(once.len()))
}

fn splitting(c: &mut Criterion) {
    let text = corpus_text(512 << 10);
    let mut group = c.benchmark_group("passages");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("text blocks + passages", |b| {
        b.iter(|| {
            let blocks = text::blocks(black_box(&text), Some(0));
            passage::passages(&blocks).count()
        })
    });
    group.finish();
}

fn analyzing(c: &mut Criterion) {
    let text = corpus_text(512 << 10);
    let mut group = c.benchmark_group("analysis");
    group.throughput(Throughput::Bytes(text.len() as u64));
    let mut analyzer = analysis::folding_analyzer();
    group.bench_function("fold (what indexing runs)", |b| {
        b.iter(|| {
            let mut stream = analyzer.token_stream(black_box(&text));
            let mut count = 0;
            while stream.advance() {
                count += 1;
            }
            count
        })
    });
    let mut folding = analysis::Folding::default();
    group.bench_function("fold, words cut by hand (what highlighting runs)", |b| {
        b.iter(|| folding.tokens(black_box(&text)).len())
    });
    group.bench_function("fold + English stems (what highlighting may run)", |b| {
        b.iter(|| {
            folding
                .tokens(black_box(&text))
                .iter()
                .filter(|token| {
                    analysis::stem(Language::ENGLISH, &token.term).len() < token.term.len()
                })
                .count()
        })
    });
    group.finish();
}

fn highlighting(c: &mut Criterion) {
    let text = corpus_text(64 << 10);
    let passages: Vec<String> = passage::passages(&text::blocks(&text, None))
        .map(|p| p.text)
        .collect();
    let bytes: usize = passages.iter().map(String::len).sum();
    let phrase: Vec<(usize, String)> = analysis::Folding::default()
        .tokens("Plan LAZO")
        .into_iter()
        .enumerate()
        .map(|(i, t)| (i, t.term))
        .collect();
    let matchers = vec![
        Matcher::Word("colombia".to_string()),
        Matcher::Word("revoked".to_string()),
        Matcher::Phrase {
            terms: phrase,
            slop: 0,
        },
    ];
    let mut group = c.benchmark_group("highlight");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("find + 200-char snippet", |b| {
        let mut plan = HighlightPlan::new(matchers.clone());
        b.iter(|| {
            passages
                .iter()
                .map(|text| {
                    highlight::snippet(text, &plan.find(text, Language::ENGLISH), 200)
                        .highlights
                        .len()
                })
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, splitting, analyzing, highlighting);
criterion_main!(benches);
