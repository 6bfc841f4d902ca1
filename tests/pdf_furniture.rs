//! PDFs without their page furniture: the real binary on a PDF built in
//! code whose pages carry a running head, a page number and a contents
//! page, as manuals do.

mod common;

use common::*;
use serde_json::Value;

/// Four pages of a small manual. Each page's number is drawn first, at
/// its foot, as many PDF producers do (pdf-extract gives lines in drawing
/// order, so it comes out at the top), then the running head, then the
/// text. Page 1 is the contents; the others each open a numbered section.
fn manual() -> Vec<u8> {
    let sections: [&[&str]; 3] = [
        &[
            "1 Introduction",
            "R is a system for statistical computation and graphics,",
            "and a language to drive it.",
        ],
        &[
            "2.3 Saving the workspace",
            "When R exits it asks whether to save the workspace, the",
            "objects of the session, to a file in the working directory.",
        ],
        &[
            "3 Packages",
            "Packages extend R with functions and data sets made by",
            "its users and gathered on CRAN.",
        ],
    ];
    let mut pages: Vec<Vec<(i32, &str)>> = vec![vec![
        (700, "Contents"),
        (
            670,
            "1 Introduction . . . . . . . . . . . . . . . . . . . . 2",
        ),
        (
            656,
            "2.3 Saving the workspace . . . . . . . . . . . . . . 3",
        ),
        (
            642,
            "3 Packages . . . . . . . . . . . . . . . . . . . . . . 4",
        ),
    ]];
    for lines in sections {
        // A heading, a gap, then its paragraph's wrapped lines.
        let mut page = vec![(700, lines[0])];
        page.extend(
            lines[1..]
                .iter()
                .zip(0..)
                .map(|(line, i)| (670 - 14 * i, *line)),
        );
        pages.push(page);
    }
    let heads: Vec<String> = (1..=4).map(|n| format!("R FAQ — page {n}")).collect();
    let feet: Vec<String> = (1..=4).map(|n| n.to_string()).collect();
    let pages: Vec<Vec<(i32, &str)>> = pages
        .into_iter()
        .zip(heads.iter().zip(&feet))
        .map(|(body, (head, foot))| {
            let mut page = vec![(40, foot.as_str()), (760, head.as_str())];
            page.extend(body);
            page
        })
        .collect();
    let pages: Vec<&[(i32, &str)]> = pages.iter().map(Vec::as_slice).collect();
    pdf_placed(&pages, "Frequently asked questions on R", "20240301000000Z")
}

fn fixture() -> Fixture {
    let fixture = Fixture::new();
    fixture.file("manual.pdf", manual());
    fixture
}

/// The hit from `source` among every copy's hits of `query`.
fn hit_in(fixture: &Fixture, query: &str, source: &str) -> Value {
    let (code, result) = fixture.search(query, &["--no-collapse"]);
    assert_eq!(code, 0, "no hit for {query:?}: {result}");
    hits(&result)
        .iter()
        .find(|hit| hit["source"] == source)
        .cloned()
        .unwrap_or_else(|| panic!("no hit of {query:?} in {source}: {result}"))
}

/// Asserts that `query` finds one hit, the other edition its duplicate:
/// the PDF's passage and the HTML's are copies.
fn assert_one_hit_and_its_copy(fixture: &Fixture, query: &str) {
    let (code, result) = fixture.search(query, &[]);
    assert_eq!(code, 0, "no hit for {query:?}: {result}");
    let shown = hits(&result);
    assert_eq!(shown.len(), 1, "{result}");
    assert_eq!(shown[0]["duplicates_total"], 1, "{result}");
}

/// Every hit of `query`, asserting the search found some.
fn all_hits(fixture: &Fixture, query: &str) -> Vec<Value> {
    let (code, result) = fixture.search(query, &["--all"]);
    assert_eq!(code, 0, "no hit for {query:?}: {result}");
    hits(&result).clone()
}

#[test]
fn a_word_of_the_contents_and_of_the_text_finds_only_the_text() {
    let fixture = fixture();
    let hits = all_hits(&fixture, "workspace");
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0]["page"], 3);
    assert_eq!(
        hits[0]["text"],
        "When R exits it asks whether to save the workspace, the objects of the session, \
         to a file in the working directory."
    );
}

#[test]
fn the_running_head_and_the_page_numbers_are_not_passages() {
    let fixture = fixture();
    let (code, result) = fixture.search("faq", &[]);
    assert_eq!(code, 1, "the running head was indexed: {result}");
    let (code, result) = fixture.search("4", &[]);
    assert_eq!(code, 1, "a page number was indexed: {result}");
    let packages = all_hits(&fixture, "packages");
    assert_eq!(packages.len(), 1, "{packages:?}");
    assert_eq!(
        packages[0]["text"],
        "Packages extend R with functions and data sets made by its users and gathered on CRAN."
    );
}

#[test]
fn a_numbered_heading_is_the_section_of_the_paragraph_below_it() {
    let fixture = fixture();
    let hit = &all_hits(&fixture, "exits")[0];
    assert_eq!(hit["section"], "2.3 Saving the workspace");
    assert_eq!(hit["page"], 3);
    let hit = &all_hits(&fixture, "graphics")[0];
    assert_eq!(hit["section"], "1 Introduction");
    assert_eq!(hit["title"], "Frequently asked questions on R");
}

#[test]
fn a_word_hyphenated_at_a_line_end_is_found_whole_and_the_html_edition_is_its_copy() {
    let fixture = Fixture::new();
    let paragraph = [
        "Since all data being manip-",
        "ulated by R are resident in memory, the DBMS-",
        "specific drivers matter.",
    ];
    fixture.file(
        "manual.pdf",
        pdf(
            &[&paragraph.join("\n")],
            "R Data Import/Export",
            "20230120000000Z",
        ),
    );
    fixture.file(
        "manual.html",
        "<html><head><title>R Data Import/Export</title></head><body><p>Since all data \
         being manipulated by R are resident in memory, the DBMS-specific drivers \
         matter.</p></body></html>",
    );
    let pdf_hit = hit_in(&fixture, "manipulated", "manual.pdf");
    assert_eq!(
        pdf_hit["text"],
        "Since all data being manipulated by R are resident in memory, \
         the DBMS-specific drivers matter."
    );
    assert!(
        pdf_hit["snippet"]
            .as_str()
            .is_some_and(|snippet| snippet.contains("manipulated")),
        "{pdf_hit}"
    );
    // The two editions are now copies: one hit, the other its duplicate.
    assert_one_hit_and_its_copy(&fixture, "manipulated");
}

#[test]
fn a_sentence_cut_by_a_page_break_is_one_passage_found_by_a_phrase_across_it() {
    let fixture = Fixture::new();
    let first_page = "MC takes care of all file operations through its menu, requiring\n\
                      minimal user effort. Just press F1 to get the help screen. You can";
    let second_page = "play with MC just by pressing cursor-keys and function-keys.\n\n\
                       The next paragraph starts on the second page.";
    fixture.file(
        "reference.pdf",
        pdf(
            &[first_page, second_page],
            "Debian Reference",
            "20240301000000Z",
        ),
    );
    fixture.file(
        "reference.html",
        "<html><head><title>Debian Reference</title></head><body><p>MC takes care of all \
         file operations through its menu, requiring minimal user effort. Just press F1 to \
         get the help screen. You can play with MC just by pressing cursor-keys and \
         function-keys.</p></body></html>",
    );
    let pdf_hit = hit_in(&fixture, "\"you can play with mc\"", "reference.pdf");
    assert_eq!(pdf_hit["page"], 1, "{pdf_hit}");
    let next = &all_hits(&fixture, "\"next paragraph\"")[0];
    assert_eq!(next["page"], 2, "{next}");
    // The two editions are copies: one hit, the other its duplicate.
    assert_one_hit_and_its_copy(&fixture, "\"you can play with mc\"");
}

#[test]
fn a_wide_pages_lines_past_100_characters_are_one_passage_found_by_a_phrase_across_them() {
    // The Debian Reference's layout: small type, lines of 120 characters
    // or more, each of which a text file would take for a paragraph.
    let lines = [
        "The normal Debian system is the 4th stage of the boot process which is started by the mini-Debian system. The system kernel",
        "for the mini-Debian system continues to run in this environment. The root filesystem is switched from the one on the memory to",
        "the one on the real hard disk filesystem.",
    ];
    assert!(lines[..2].iter().all(|line| line.len() > 100));
    let placed: Vec<(i32, &str)> = lines
        .iter()
        .zip(0..)
        .map(|(line, i)| (720 - 12 * i, *line))
        .collect();
    let fixture = Fixture::new();
    fixture.file(
        "reference.pdf",
        pdf_pages(
            &[PdfPage::Text(&placed, 8)],
            "Debian Reference",
            "20240301000000Z",
        ),
    );
    let (code, result) = fixture.search("\"kernel for the mini-debian system\"", &[]);
    assert_eq!(
        code, 0,
        "the phrase across the lines was not found: {result}"
    );
    let found = hits(&result);
    assert_eq!(found.len(), 1, "{result}");
    assert!(
        found[0]["text"]
            .as_str()
            .is_some_and(|text| text.starts_with("The normal Debian system")
                && text.ends_with("real hard disk filesystem.")),
        "{result}"
    );
    assert_eq!(
        all_hits(&fixture, "filesystem").len(),
        1,
        "one passage, not one a line"
    );
}

#[test]
fn a_lead_in_takes_the_list_a_pdf_drew_and_the_html_edition_is_its_copy() {
    let fixture = Fixture::new();
    let page = "To keep people from the root account, take these actions:\n\n\
                Lock the firmware setup\n\nSet a boot loader password\n\n\
                The next paragraph is prose of its own, ending a sentence.";
    fixture.file(
        "reference.pdf",
        pdf(&[page], "Debian Reference", "20240301000000Z"),
    );
    fixture.file(
        "reference.html",
        "<html><head><title>Debian Reference</title></head><body><p>To keep people from the \
         root account, take these actions:</p><ul><li>Lock the firmware setup</li>\
         <li>Set a boot loader password</li></ul><p>Unrelated.</p></body></html>",
    );
    let (code, result) = fixture.search("\"boot loader password\"", &["--all", "--no-collapse"]);
    assert_eq!(code, 0, "{result}");
    let pdf_hits: Vec<&Value> = hits(&result)
        .iter()
        .filter(|hit| hit["source"] == "reference.pdf")
        .collect();
    assert_eq!(pdf_hits.len(), 1, "{pdf_hits:?}");
    let text = pdf_hits[0]["text"].as_str().unwrap_or_default();
    assert!(
        text.starts_with("To keep people") && text.contains("Lock the firmware setup"),
        "the lead-in and its items are one passage: {text}"
    );
    assert!(!text.contains("next paragraph"), "{text}");
    assert_one_hit_and_its_copy(&fixture, "\"boot loader password\"");
}

#[test]
fn a_notes_title_on_its_first_line_is_not_its_first_word_and_the_html_edition_is_its_copy() {
    let fixture = Fixture::new();
    let page = "The boot process starts many programs at once, as the chapter says.\n\n\
                Tip\nThe actual init command on your system can be verified by this command.";
    fixture.file(
        "reference.pdf",
        pdf(&[page], "Debian Reference", "20240301000000Z"),
    );
    fixture.file(
        "reference.html",
        "<html><head><title>Debian Reference</title></head><body><p>The boot process.</p>\
         <div class=\"tip\"><h3 class=\"title\">Tip</h3><p>The actual init command on your \
         system can be verified by this command.</p></div></body></html>",
    );
    let pdf_hit = hit_in(&fixture, "\"init command\"", "reference.pdf");
    assert_eq!(
        pdf_hit["text"], "The actual init command on your system can be verified by this command.",
        "{pdf_hit}"
    );
    assert_one_hit_and_its_copy(&fixture, "\"init command\"");
}
