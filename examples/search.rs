//! Using cita as a library: build an index of a folder, search it, and print
//! each hit with its highlights marked.
//!
//! ```text
//! cargo run --example search -- corpus '"Plan LAZO"'
//! ```

use std::error::Error;
use std::path::PathBuf;

use cita::{SearchRequest, build_and_open};

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let corpus = PathBuf::from(args.next().unwrap_or_else(|| "corpus".to_string()));
    let query = args.next().unwrap_or_else(|| "\"Plan LAZO\"".to_string());

    // A throwaway index, so the example never touches ./index.
    let index = std::env::temp_dir().join(format!("cita-example-{}", std::process::id()));
    let (archive, report) = build_and_open(&corpus, &index)?;
    println!(
        "indexed {} passages from {} documents",
        report.passages, report.documents
    );

    let mut request = SearchRequest::new(query);
    request.limit = 5;
    request.snippet_chars = 120;
    let results = archive.search(&request)?;
    println!("{} matching passages", results.total);

    for hit in &results.hits {
        // Highlights are byte ranges into the snippet: mark them with brackets.
        let mut marked = String::new();
        let mut at = 0;
        for [start, end] in &hit.highlights {
            marked.push_str(&hit.snippet[at..*start]);
            marked.push_str(&format!("[{}]", &hit.snippet[*start..*end]));
            at = *end;
        }
        marked.push_str(&hit.snippet[at..]);
        let date = hit
            .passage
            .date
            .map_or("undated".to_string(), |d| d.to_string());
        println!(
            "{:>2}. {} ¶{} ({date}) {}",
            hit.rank, hit.passage.source, hit.passage.paragraph, marked
        );
    }

    std::fs::remove_dir_all(&index)?;
    Ok(())
}
