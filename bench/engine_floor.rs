//! The engine floor of the build benchmark (`bench/run.sh`): tantivy alone,
//! fed from Rust, indexing the bench corpus exactly as the tantivy-py peer
//! does (`../shared/bench/peers.py`): one document per blank-line paragraph
//! of each `.txt` file, fields `path` (raw), `title` and `body` (tantivy's
//! default tokenizer, positions, stored) and `para`, a 256 MB writer on two
//! threads, tantivy's default lz4 doc store, one commit.
//!
//! Nothing of cita is in it: no format detection, decoding, headings,
//! folding, dates, passage ids or metadata. Its throughput over tantivy-py's
//! is the most that any indexer built on tantivy could gain over that peer
//! on the machine, which is what the build target is measured against.
//!
//! ```text
//! cargo run --release --example engine_floor -- CORPUS INDEX_DIR
//! ```

use std::error::Error;
use std::path::Path;

use tantivy::schema::{IndexRecordOption, STORED, Schema, TEXT, TextFieldIndexing, TextOptions};
use tantivy::{Index, IndexWriter, TantivyDocument, doc};
use walkdir::WalkDir;

/// cita's allocator, so the floor differs from `cita index` in work done only.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [corpus, index_dir] = args.as_slice() else {
        return Err("usage: engine_floor CORPUS INDEX_DIR".into());
    };
    let mut builder = Schema::builder();
    // tantivy-py's `raw` text field: one token, with positions, stored.
    let raw = TextFieldIndexing::default()
        .set_tokenizer("raw")
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let path = builder.add_text_field(
        "path",
        TextOptions::default()
            .set_indexing_options(raw)
            .set_stored(),
    );
    let title = builder.add_text_field("title", TEXT | STORED);
    let para = builder.add_u64_field("para", STORED);
    let body = builder.add_text_field("body", TEXT | STORED);
    std::fs::create_dir_all(index_dir)?;
    let index = Index::create_in_dir(index_dir, builder.build())?;
    let mut writer: IndexWriter<TantivyDocument> = index.writer_with_num_threads(2, 256_000_000)?;
    let corpus = Path::new(corpus);
    for entry in WalkDir::new(corpus).sort_by_file_name() {
        let entry = entry?;
        if !entry.file_type().is_file() || entry.path().extension() != Some("txt".as_ref()) {
            continue;
        }
        let relative = entry.path().strip_prefix(corpus)?.to_string_lossy();
        let data = std::fs::read_to_string(entry.path())?;
        let (heading, rest) = data.split_once("\n\n").unwrap_or((&data, ""));
        for (number, paragraph) in rest.split("\n\n").enumerate() {
            let paragraph = paragraph.trim();
            if !paragraph.is_empty() {
                writer.add_document(doc!(
                    path => relative.as_ref(),
                    title => heading.trim(),
                    para => number as u64,
                    body => paragraph,
                ))?;
            }
        }
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    Ok(())
}
