//! Research workflows as library calls: every passage of a phrase grouped by
//! document, a timeline of mentioned years, a concordance, and a citation.
//!
//! ```text
//! cargo run --example research -- corpus '"Plan LAZO"'
//! ```

use std::error::Error;
use std::path::PathBuf;

use cita::kwic::ContextSort;
use cita::{ALL, Period, SearchRequest, YearRange, build_and_open};

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let corpus = PathBuf::from(args.next().unwrap_or_else(|| "corpus".to_string()));
    let query = args.next().unwrap_or_else(|| "\"Plan LAZO\"".to_string());

    // A throwaway index, so the example never touches ./index.
    let index = std::env::temp_dir().join(format!("cita-research-{}", std::process::id()));
    let (archive, _) = build_and_open(&corpus, &index)?;

    // Every matching passage, one group per document, with a citation each.
    let request = SearchRequest {
        limit: ALL,
        group: true,
        cite: true,
        ..SearchRequest::new(query.clone())
    };
    let results = archive.search(&request)?;
    println!(
        "{} passages; index {} (cita {})",
        results.total, results.index_fingerprint, results.cita_version
    );
    for group in results.groups.iter().flatten() {
        println!(
            "{}. {} — {} passages",
            group.rank, group.title, group.passages
        );
        for hit in &group.hits {
            println!("   {}", hit.citation.as_deref().unwrap_or_default());
        }
    }

    // Which years of the 1960s those passages talk about.
    let sixties = SearchRequest {
        mentions: Some(YearRange::parse("1960..1969")?),
        ..SearchRequest::new(query.clone())
    };
    let timeline = archive.timeline(&sixties, Period::Year, false, true)?;
    for row in &timeline.rows {
        println!("{} {}", row.period, "#".repeat(row.count as usize));
    }

    // A concordance, sorted by the word after the match.
    let concordance = archive.kwic(&SearchRequest::new(query), 25, ContextSort::Right)?;
    for line in &concordance.lines {
        println!(
            "{} [{}] {}",
            cita::kwic::pad_left(&line.left, concordance.width),
            line.matched,
            line.right
        );
    }

    std::fs::remove_dir_all(&index)?;
    Ok(())
}
