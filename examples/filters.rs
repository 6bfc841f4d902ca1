//! Narrowing a search: publication dates (`since`/`until`), years the text
//! mentions (`mentions`), another order (`sort`), pages of hits (`offset`),
//! and field queries (`title:`, `section:`) in the query itself.
//!
//! ```text
//! cargo run --example filters -- corpus
//! ```

use std::error::Error;
use std::path::PathBuf;

use cita::{Date, Hit, SearchRequest, SearchResults, Sort, YearRange, build_and_open};

fn main() -> Result<(), Box<dyn Error>> {
    let corpus = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "corpus".to_string()),
    );

    // A throwaway index, so the example never touches ./index.
    let index = std::env::temp_dir().join(format!("cita-filters-{}", std::process::id()));
    let (archive, _) = build_and_open(&corpus, &index)?;

    // (The queries suit the shipped corpus: news of 2025–2026 and an
    // encyclopedia article on the history of Colombia–US relations.)

    // Dates as a researcher types them: a bare year or month is a period,
    // so `parse_start` takes its first day and `parse_end` its last. Both
    // bounds are inclusive and apply to the publication date; undated
    // documents are left out as soon as either bound is set.
    let since = Date::parse_start("2026-01")?;
    let until = Date::parse_end("2026")?;
    let unfiltered = archive.count(&SearchRequest::new("visa"))?;
    println!(
        "== visa, published {since} to {until} ({} passages without the dates), newest first",
        unfiltered.passages
    );
    let mut request = SearchRequest {
        since: Some(since),
        until: Some(until),
        sort: Sort::DateDescending,
        limit: 3,
        snippet_chars: 100,
        ..SearchRequest::new("visa")
    };
    // Paging: the same request with a growing offset. Ranks count from the
    // first match overall, so page 2 starts at rank 4, and `total` is the
    // same on every page: it tells when to stop.
    loop {
        let page = archive.search(&request)?;
        println!(
            "-- offset {}: {} matches in all",
            request.offset, page.total
        );
        print_hits(&page);
        request.offset += request.limit;
        if request.offset as u64 >= page.total {
            break;
        }
    }

    // `mentions` filters on years written in the passage text, whatever
    // the document's own date: here, passages that talk about the 1960s.
    println!("\n== Colombia, in passages mentioning a year of the 1960s");
    let sixties = SearchRequest {
        mentions: Some(YearRange::parse("1960..1969")?),
        limit: 3,
        snippet_chars: 100,
        ..SearchRequest::new("Colombia")
    };
    print_hits(&archive.search(&sixties)?);

    // Fields go in the query: `title:` keeps passages of documents whose
    // title has the word, `section:` those under a heading that has it.
    // Without a field, words in titles and headings only boost the score.
    for query in ["Petro title:relations", "Colombia section:\"drug trade\""] {
        println!("\n== {query}");
        let request = SearchRequest {
            limit: 3,
            snippet_chars: 100,
            ..SearchRequest::new(query)
        };
        print_hits(&archive.search(&request)?);
    }

    std::fs::remove_dir_all(&index)?;
    Ok(())
}

/// One line per hit: rank, source, date, section, and the snippet.
fn print_hits(results: &SearchResults) {
    if results.hits.is_empty() {
        println!("   (no hits)");
    }
    for hit in &results.hits {
        let passage = &hit.passage;
        let date = passage
            .date
            .map_or("undated".to_string(), |d| d.to_string());
        let section = passage.section.as_deref().unwrap_or("-");
        println!(
            "{:>3}. {} ({date}) § {section}\n     {}",
            hit.rank,
            passage.source,
            marked(hit)
        );
    }
}

/// The snippet with each highlight in brackets. Highlights are `[start,
/// end)` byte ranges into `snippet`, in order and never overlapping.
fn marked(hit: &Hit) -> String {
    let mut out = String::new();
    let mut at = 0;
    for [start, end] in &hit.highlights {
        out.push_str(&hit.snippet[at..*start]);
        out.push('[');
        out.push_str(&hit.snippet[*start..*end]);
        out.push(']');
        at = *end;
    }
    out.push_str(&hit.snippet[at..]);
    // Snippets keep the passage's line breaks (a list, a poem): fold them
    // to keep one hit per line.
    out.replace('\n', " ")
}
