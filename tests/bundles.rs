//! Bundles: ZIP and tar files read in memory, entry by entry, recursively,
//! under the limits against bombs; each entry a document with its `entry`.

mod common;

use std::io::Write;

use common::*;
use serde_json::{Value, json};

/// A tar of `(name, contents)` entries, gzipped when `gzip`.
fn tar(entries: &[(&str, &[u8])], gzip: bool) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (name, contents) in entries {
        let mut header = tar::Header::new_gnu();
        header.set_size(contents.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder.append_data(&mut header, name, *contents).unwrap();
    }
    let bytes = builder.into_inner().unwrap();
    if !gzip {
        return bytes;
    }
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(&bytes).unwrap();
    encoder.finish().unwrap()
}

/// A tar of `(name, contents)` entries whose names go into their headers
/// byte for byte, as an archiver writes what the system gave it: a
/// leading `./` kept, in whatever encoding (the tar crate's own writer
/// drops `./` and takes only UTF-8 names).
fn tar_as_named(entries: &[(&[u8], &[u8])]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (name, contents) in entries {
        let mut header = tar::Header::new_gnu();
        header.as_old_mut().name[..name.len()].copy_from_slice(name);
        header.set_entry_type(tar::EntryType::Regular);
        header.set_size(contents.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder.append(&header, *contents).unwrap();
    }
    builder.into_inner().unwrap()
}

const ARTICLE: &[u8] = br#"<html><head><title>Plan LAZO revisited</title>
<meta property="article:published_time" content="2024-05-02"></head>
<body><article><h1>Plan LAZO revisited</h1>
<p>The counterinsurgency archive was opened to historians in Bogota.</p></article></body></html>"#;

fn entry(hit: &Value) -> Option<&str> {
    hit["entry"].as_str()
}

fn warnings(report: &Value) -> Vec<String> {
    report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| format!("{}: {}", w["source"].as_str().unwrap_or(""), w["message"]))
        .collect()
}

#[test]
fn zip_entries_are_documents_with_their_entry_and_nothing_is_written() {
    let fixture = Fixture::new();
    let inner = zip(&[(
        "notes/interview.txt",
        b"An interview about the guerrilla radio.",
    )]);
    fixture.file(
        "press-pack.zip",
        zip(&[
            ("inner/article.html", ARTICLE),
            (
                "../escape.txt",
                b"Escaped entries are only names: traversal attempt.",
            ),
            (
                "/absolute-cita-entry.txt",
                b"Absolute entries are only names too: rooted.",
            ),
            ("nested.zip", &inner),
            ("photo.gif", b"GIF89a not read"),
        ]),
    );
    let report = fixture.index_report(&[]);
    assert_eq!(report["files"]["zip"], 1, "{report}");
    assert!(
        warnings(&report)
            .iter()
            .any(|w| w.contains("press-pack.zip") && w.contains("1 .gif")),
        "an entry of a type cita does not read is reported: {report}"
    );

    let (_, result) = fixture.search("counterinsurgency", &[]);
    let hit = &hits(&result)[0];
    assert_eq!(hit["source"], "press-pack.zip");
    assert_eq!(entry(hit), Some("inner/article.html"));
    assert_eq!(hit["title"], "Plan LAZO revisited");
    assert_eq!(hit["date"], "2024-05-02");
    assert!(hit["byte_range"].is_null(), "offsets point into the entry");

    let (_, result) = fixture.search("traversal", &[]);
    assert_eq!(entry(&hits(&result)[0]), Some("../escape.txt"));
    let (_, result) = fixture.search("rooted", &[]);
    assert_eq!(entry(&hits(&result)[0]), Some("/absolute-cita-entry.txt"));
    // Nothing was written beside the corpus or in it.
    let mut written: Vec<String> = walkdir::WalkDir::new(fixture.dir.path())
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && !e.path().starts_with(fixture.index_path()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(written, ["press-pack.zip"]);

    let (_, result) = fixture.search("guerrilla", &[]);
    assert_eq!(
        entry(&hits(&result)[0]),
        Some("nested.zip › notes/interview.txt")
    );

    // The text output names the container and the entry.
    let out = run(&[
        "search",
        "--index",
        fixture.index_path().to_str().unwrap(),
        "counterinsurgency",
    ]);
    assert!(
        stdout(&out).contains("press-pack.zip › inner/article.html"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_zip_bomb_is_refused_with_a_warning_and_the_rest_is_indexed() {
    let fixture = Fixture::new();
    let zeros = vec![b'0'; 40 << 20];
    fixture.file(
        "bomb.zip",
        zip(&[
            (
                "a-good.txt",
                b"The good entry of the bomb names Marquetalia.",
            ),
            ("zeros.txt", &zeros),
            ("zeros-2.txt", &zeros),
            ("zeros-3.txt", &zeros),
        ]),
    );
    fixture.file("other.txt", "Another file about Marquetalia.");
    let report = fixture.index_report(&[]);
    let warnings = warnings(&report);
    // One warning for the bomb's entries: the first, and how many more.
    let said: Vec<&String> = warnings
        .iter()
        .filter(|w| w.contains("--max-ratio"))
        .collect();
    assert!(
        said.len() == 1
            && said[0].contains("bomb.zip")
            && said[0].contains("zeros.txt")
            && said[0].contains("2 more in this file"),
        "{warnings:?}"
    );
    let (_, result) = fixture.search("Marquetalia", &["--sort", "source"]);
    assert_eq!(result["total"], 2, "{result}");
    assert_eq!(entry(&hits(&result)[0]), Some("a-good.txt"));

    // The total budget holds across nested containers, and each limit has its option.
    let fixture = Fixture::new();
    // Incompressible, so that the budget refuses it, not the ratio.
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let big: Vec<u8> = (0..3 << 20)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed as u8
        })
        .collect();
    fixture.file(
        "pack.zip",
        zip(&[
            ("small.txt", b"Small Marquetalia"),
            ("big.txt", &big),
            ("later.txt", b"Later Marquetalia"),
        ]),
    );
    let report = fixture.index_report(&["--max-unpacked-mb", "2"]);
    assert!(warnings_of(&report, "--max-unpacked-mb"), "{report}");
    assert_eq!(
        report["skipped"],
        serde_json::json!({}),
        "read in part: {report}"
    );
    let (_, result) = fixture.search("Marquetalia", &[]);
    assert_eq!(
        result["total"], 2,
        "what the limit did not refuse is indexed"
    );

    // Once the budget is spent, every larger entry is refused: one
    // warning says how many (thousands made one warning each).
    let flood = Fixture::new();
    let quarter = &big[..big.len() / 4];
    flood.file(
        "flood.zip",
        zip(&[
            ("a.txt", quarter),
            ("b.txt", quarter),
            ("c.txt", quarter),
            ("d.txt", quarter),
            ("e.txt", quarter),
            ("last.txt", b"Last Marquetalia"),
        ]),
    );
    let flooded = flood.index_report(&["--max-unpacked-mb", "2"]);
    let budget = self::warnings(&flooded)
        .into_iter()
        .filter(|w| w.contains("--max-unpacked-mb"))
        .collect::<Vec<_>>();
    assert_eq!(budget.len(), 1, "{flooded}");
    assert!(
        budget[0].contains("entry c.txt")
            && budget[0].contains("(--max-unpacked-mb; 2 more in this file)"),
        "{budget:?}"
    );
    let (_, result) = flood.search("Marquetalia", &[]);
    assert_eq!(result["total"], 1, "a small entry after them is read");

    // Reaching the entry limit keeps what was read before it.
    let report = fixture.index_report(&["--rebuild", "--max-entries", "1"]);
    assert!(warnings_of(&report, "--max-entries"), "{report}");
    let (_, result) = fixture.search("Marquetalia", &[]);
    assert_eq!(result["total"], 1);
    assert_eq!(entry(&hits(&result)[0]), Some("small.txt"));

    // Entries cita does not read, and excluded ones, are never unpacked:
    // they spend none of the budget.
    let fixture = Fixture::new();
    fixture.file(
        "photos.zip",
        zip(&[
            ("scan.gif", &big),
            ("drafts/big.txt", &big),
            ("caption.txt", b"Caption about Marquetalia"),
        ]),
    );
    let report = fixture.index_report(&["--max-unpacked-mb", "2", "--exclude", "drafts/"]);
    assert!(!warnings_of(&report, "--max-unpacked-mb"), "{report}");
    let (_, result) = fixture.search("Marquetalia", &[]);
    assert_eq!(result["total"], 1);
}

#[test]
fn two_entries_of_the_same_name_are_two_documents() {
    let fixture = Fixture::new();
    // A tar may hold two entries of one name (a ZIP writer refuses to).
    fixture.file(
        "twins.tar",
        tar(
            &[
                ("notes.txt", b"First notes on Pato."),
                ("notes.txt", b"Second notes on Pato."),
            ],
            false,
        ),
    );
    let (_, result) = fixture.search("Pato", &["--sort", "source"]);
    let mut entries: Vec<&str> = hits(&result).iter().filter_map(entry).collect();
    entries.sort();
    assert_eq!(entries, ["notes.txt", "notes.txt (2)"]);
    let (_, counts) = fixture.search("Pato", &["--count"]);
    assert_eq!(counts["documents"], 2, "{counts}");
}

fn warnings_of(report: &Value, option: &str) -> bool {
    warnings(report).iter().any(|w| w.contains(option))
}

#[test]
fn containers_nest_only_as_deep_as_the_limit() {
    let fixture = Fixture::new();
    let mut bundle = zip(&[("deep.txt", b"The deepest entry mentions Riochiquito.")]);
    for level in 0..3 {
        bundle = zip(&[(&format!("level{level}.zip"), &bundle)]);
    }
    fixture.file("russian-doll.zip", &bundle);
    let report = fixture.index_report(&[]);
    assert_eq!(warnings(&report), Vec::<String>::new());
    let (_, result) = fixture.search("Riochiquito", &[]);
    assert_eq!(
        entry(&hits(&result)[0]),
        Some("level2.zip › level1.zip › level0.zip › deep.txt")
    );
    // Under a lower limit, nothing of it can be read: skipped for the
    // limit, as a file every entry of which a limit refuses, its passages
    // of the last run kept (nothing indexed is lost to a limit).
    let report = fixture.index_report(&["--max-depth", "1"]);
    assert!(warnings_of(&report, "--max-depth"), "{report}");
    assert_eq!(report["skipped"]["too_large"], 1, "{report}");
    assert_eq!(report["kept"], 1, "{report}");
    let (_, result) = fixture.search("Riochiquito", &[]);
    assert_eq!(result["total"], 1);
    // Never read whole, it holds nothing: `--strict` fails.
    let fresh = Fixture::new();
    fresh.file("russian-doll.zip", &bundle);
    let strict = fresh.index_with(&["--max-depth", "1", "--strict", "--format", "json"]);
    assert_eq!(strict.status.code(), Some(2), "{}", stderr(&strict));
    let report: Value = serde_json::from_str(&stdout(&strict)).expect("a JSON report");
    assert_eq!(report["skipped"]["too_large"], 1, "{report}");
    assert_eq!(report["documents"], 0, "{report}");
    assert!(
        warnings(&report)
            .iter()
            .any(|w| w.contains("nothing in it could be read (1 entry refused: too large)")),
        "{report}"
    );
    // A mail nested too deep is read, its attachments not: nothing skipped.
    let mail = "From: Ana <ana@example.org>\nSubject: Notas\nMIME-Version: 1.0\n\
                Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\n\
                Content-Type: text/plain\n\nLas notas sobre Riochiquito.\n--b\n\
                Content-Type: text/plain; name=\"n.txt\"\nContent-Disposition: attachment; filename=\"n.txt\"\n\n\
                Adjunto.\n--b--\n";
    let mailed = Fixture::new();
    mailed.file("pack.zip", zip(&[("m.eml", mail.as_bytes())]));
    let report = mailed.index_report(&["--max-depth", "0", "--strict"]);
    assert_eq!(report["skipped"], json!({}), "{report}");
    assert_eq!(report["documents"], 1, "{report}");
    assert_eq!(
        warnings(&report),
        [
            "pack.zip: \"entry m.eml: a container nested deeper than 0: its entries not read (--max-depth)\""
        ]
    );
    // The limit raised again, without `--rebuild`: the files are read
    // again under it (its warning named the old limit on every run).
    let report = fixture.index_report(&[]);
    assert_eq!(warnings(&report), Vec::<String>::new());
    let (_, result) = fixture.search("Riochiquito", &[]);
    assert_eq!(result["total"], 1);
    // The same limits again: nothing is read.
    let report = fixture.index_report(&[]);
    assert_eq!(report["files_read"], 0, "{report}");

    // A ZIP of two ZIPs of two ZIPs…: one warning for the file.
    let mut fan = zip(&[("deep.txt", b"The deepest entry mentions Riochiquito.")]);
    for _ in 0..4 {
        fan = zip(&[("a.zip", &fan), ("b.zip", &fan)]);
    }
    fixture.file("russian-doll.zip", &fan);
    let report = fixture.index_report(&["--max-depth", "2"]);
    assert_eq!(
        warnings(&report),
        [
            "russian-doll.zip: \"entry a.zip › a.zip › a.zip: a container nested deeper than 2: its entries not read (--max-depth; 7 more in this file)\"",
            "russian-doll.zip: \"nothing in it could be read (8 entries refused: too large), skipped; the passages of its last readable version are kept\""
        ]
    );
}

#[test]
fn tar_and_tar_gz_bundles_are_read() {
    let fixture = Fixture::new();
    let entries: &[(&str, &[u8])] = &[
        ("pack/one.txt", b"Cables from the embassy mention Sumapaz."),
        (
            "pack/two.md",
            b"# Notes\n\nField notes on Sumapaz and El Pato.",
        ),
    ];
    fixture.file("cables.tar", tar(entries, false));
    fixture.file("cables.tar.gz", tar(entries, true));
    fixture.file("cables.tgz", tar(entries, true));
    let report = fixture.index_report(&[]);
    assert_eq!(report["files"]["tar"], 3, "{report}");
    let (_, result) = fixture.search("Sumapaz", &["--all", "--sort", "source", "--no-collapse"]);
    let found: Vec<(String, String)> = hits(&result)
        .iter()
        .map(|hit| {
            (
                hit["source"].as_str().unwrap().to_string(),
                entry(hit).unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(found.len(), 6, "{found:?}");
    assert!(found.contains(&("cables.tgz".into(), "pack/two.md".into())));
    let (_, result) = fixture.search("El Pato", &[]);
    assert_eq!(hits(&result)[0]["section"], "Notes");
}

/// `zip` of `entries` with those `locked` says (by their place, from 0)
/// marked encrypted (flag bit 0, in the local header and in the central
/// directory), as `zip -P` writes them.
fn encrypted_zip(entries: &[(&str, &[u8])], locked: impl Fn(usize) -> bool) -> Vec<u8> {
    let mut bytes = zip(entries);
    let at = |bytes: &[u8], signature: &[u8]| -> Vec<usize> {
        (0..bytes.len().saturating_sub(3))
            .filter(|&i| &bytes[i..i + 4] == signature)
            .collect()
    };
    for (entry, local) in at(&bytes, b"PK\x03\x04").into_iter().enumerate() {
        bytes[local + 6] |= u8::from(locked(entry));
    }
    for (entry, central) in at(&bytes, b"PK\x01\x02").into_iter().enumerate() {
        bytes[central + 8] |= u8::from(locked(entry));
    }
    bytes
}

/// A file nothing in which could be read, all for one reason, is skipped
/// for it (counted, and failing `--strict`), not read as a file of no
/// documents; one with an entry read is read in part.
#[test]
fn a_container_whose_every_entry_is_refused_alike_is_skipped_for_it() {
    let fixture = Fixture::new();
    fixture.file(
        "locked.zip",
        encrypted_zip(&[("a.txt", b"Never seen: Guayabero.")], |_| true),
    );
    fixture.file(
        "half.zip",
        encrypted_zip(
            &[
                ("open.txt", b"The open Guayabero note."),
                ("b.txt", b"locked"),
            ],
            |entry| entry == 1,
        ),
    );
    fixture.file(
        "junk.mbox",
        "From someone Thu Mar 12 10:00:00 1964\nnot a header line\n\nbody\n",
    );
    let strict = fixture.index_with(&["--strict"]);
    assert_eq!(strict.status.code(), Some(2), "{}", stderr(&strict));
    let report = fixture.index_report(&[]);
    assert_eq!(report["skipped"]["encrypted"], 1, "{report}");
    assert_eq!(report["skipped"]["malformed"], 1, "{report}");
    let warnings = warnings(&report);
    assert!(
        warnings.iter().any(|w| w.contains("locked.zip")
            && w.contains("nothing in it could be read (1 entry refused: encrypted)")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("junk.mbox") && w.contains("(1 message refused: malformed)")),
        "{warnings:?}"
    );
    assert!(
        !warnings
            .iter()
            .any(|w| w.contains("half.zip") && w.contains("nothing in it"))
    );
    // Its locked entry is refused, its open one read.
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("half.zip") && w.contains("entry b.txt: encrypted")),
        "{warnings:?}"
    );
    let (_, result) = fixture.search("Guayabero", &[]);
    assert_eq!(result["total"], 1);
}

#[test]
fn a_corrupt_container_is_a_warning_and_the_rest_is_indexed() {
    let fixture = Fixture::new();
    let mut broken = zip(&[("a.txt", b"Never seen: Guayabero.")]);
    // Cut within its one entry's data (30 bytes of header, then the name).
    broken.truncate(40);
    fixture.file("broken.zip", broken);
    fixture.file("broken.tar.gz", b"\x1f\x8b\x08\x00 not gzip at all");
    fixture.file("fine.txt", "The Guayabero river.");
    let report = fixture.index_report(&[]);
    let warnings = warnings(&report);
    assert!(
        warnings.iter().any(|w| w.contains("broken.zip")),
        "{warnings:?}"
    );
    assert!(
        warnings.iter().any(|w| w.contains("broken.tar.gz")),
        "{warnings:?}"
    );
    let (_, result) = fixture.search("Guayabero", &[]);
    assert_eq!(result["total"], 1);
    assert_eq!(hits(&result)[0]["source"], "fine.txt");
}

#[test]
fn a_zip_cut_short_keeps_the_entries_before_the_cut_with_one_warning() {
    let fixture = Fixture::new();
    let entries: Vec<(String, String)> = (1..=3)
        .map(|n| {
            let text = format!(
                "Cable {n} mentions Marquetalia. {}",
                "Padding words. ".repeat(200)
            );
            (format!("cables/{n}.txt"), text)
        })
        .collect();
    let listed: Vec<(&str, &[u8])> = entries
        .iter()
        .map(|(name, text)| (name.as_str(), text.as_bytes()))
        .collect();
    let mut pack = zip(&listed);
    // Cut within the third entry's data: its header is the last one whole.
    let third = pack
        .windows(b"cables/3.txt".len())
        .position(|window| window == b"cables/3.txt")
        .unwrap();
    pack.truncate(third + 40);
    fixture.file("pack.zip", pack);
    let report = fixture.index_report(&[]);
    let warnings = warnings(&report);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].starts_with("pack.zip: ")
            && warnings[0].contains("2 entries read from their own headers, then it breaks off")
            && warnings[0].contains("cables/3.txt is cut short"),
        "{warnings:?}"
    );
    let (_, result) = fixture.search("Marquetalia", &[]);
    let mut found: Vec<&str> = hits(&result).iter().filter_map(entry).collect();
    found.sort_unstable();
    assert_eq!(found, ["cables/1.txt", "cables/2.txt"]);
}

#[test]
fn a_tar_cut_between_two_entries_keeps_those_before_with_one_warning() {
    let fixture = Fixture::new();
    let entries: &[(&str, &[u8])] = &[
        ("cables/1.txt", b"Cable 1 mentions Marquetalia."),
        ("cables/2.txt", b"Cable 2 mentions Marquetalia."),
        ("cables/3.txt", b"Cable 3 mentions Marquetalia."),
    ];
    let mut pack = tar(entries, false);
    // Each entry is a header and a block of data: cut before the third
    // header, where nothing in the bytes read looks wrong.
    pack.truncate(4 * 512);
    fixture.file("pack.tar", pack);
    let report = fixture.index_report(&[]);
    assert_eq!(
        warnings(&report),
        [
            r#"pack.tar: "the tar breaks off after its last whole entry (no end-of-archive block follows it)""#
        ]
    );
    let (_, result) = fixture.search("Marquetalia", &[]);
    let mut found: Vec<&str> = hits(&result).iter().filter_map(entry).collect();
    found.sort_unstable();
    assert_eq!(found, ["cables/1.txt", "cables/2.txt"]);
}

#[test]
fn a_container_cut_short_after_it_was_indexed_keeps_its_last_whole_version() {
    let texts: Vec<String> = (1..=5)
        .map(|n| {
            format!(
                "Cable {n} mentions Marquetalia. {}",
                "Padding words. ".repeat(60)
            )
        })
        .collect();
    let entries: Vec<(String, &[u8])> = texts
        .iter()
        .enumerate()
        .map(|(n, text)| (format!("cables/{}.txt", n + 1), text.as_bytes()))
        .collect();
    let listed: Vec<(&str, &[u8])> = entries
        .iter()
        .map(|(name, text)| (name.as_str(), *text))
        .collect();
    for (name, whole) in [
        ("pack.zip", zip(&listed)),
        ("pack.tar", tar(&listed, false)),
        ("pack.tar.gz", tar(&listed, true)),
    ] {
        let fixture = Fixture::new();
        fixture.file(name, &whole);
        assert_eq!(fixture.index_report(&[])["added"], 1, "{name}");
        let found = || {
            let (_, result) = fixture.search("Marquetalia", &["--all"]);
            let mut found: Vec<String> = hits(&result)
                .iter()
                .filter_map(entry)
                .map(String::from)
                .collect();
            found.sort_unstable();
            found
        };
        let all = found();
        assert_eq!(all.len(), 5, "{name}: {all:?}");
        // A copy that stopped at half its bytes.
        fixture.file(name, &whole[..whole.len() / 2]);
        kept_warning(&fixture.index_report(&[]));
        assert_eq!(found(), all, "{name}: nothing indexed is lost");
        // Whole again: read again, as any changed file.
        fixture.file(name, &whole);
        assert_eq!(fixture.index_report(&[])["updated"], 1, "{name}");
        assert_eq!(found(), all, "{name}");
        // A file that broke off when it was read is no last whole version:
        // its changes are indexed as far as they read. (Half of this small
        // gzip stream inflates to no whole entry.)
        if name.ends_with(".gz") {
            continue;
        }
        let broken = Fixture::new();
        broken.file(name, &whole[..whole.len() / 8]);
        broken.index_report(&[]);
        let count = || hits(&broken.search("Marquetalia", &["--all"]).1).len();
        let first = count();
        broken.file(name, &whole[..whole.len() / 2]);
        let report = broken.index_report(&[]);
        assert_eq!(report["kept"], 0, "{name}: {report}");
        assert!(count() > first, "{name}: {first} → {}", count());
    }
}

/// GNU tar's `--sparse` archive of a file with holes (`sparse.txt`, whose
/// entry holds fewer bytes than its size, and which cita does not read),
/// `lost.txt` and `after.txt`.
const SPARSE_TAR: &[u8] = include_bytes!("fixtures/bundles/sparse.tar");

#[test]
fn a_damaged_tar_header_after_a_sparse_entry_loses_that_entry_only() {
    let fixture = Fixture::new();
    let mut damaged = SPARSE_TAR.to_vec();
    let lost = damaged
        .windows(b"lost.txt".len())
        .position(|window| window == b"lost.txt")
        .unwrap();
    damaged[lost] = b'L';
    fixture.file("sparse.tar", damaged);
    let report = fixture.index_report(&[]);
    let warnings = warnings(&report);
    assert!(
        warnings
            .iter()
            .any(|w| w.contains(&format!("a damaged tar header at byte {lost}"))),
        "{warnings:?}"
    );
    // The file with holes is not read (its holes would unpack to zeros
    // that no limit is charged for), and a warning says so.
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings[1].contains("holds 1 sparse file"), "{warnings:?}");
    assert_eq!(fixture.sources("Risaralda"), Vec::<String>::new());
    let (_, result) = fixture.search("Caldas", &[]);
    assert_eq!(entry(&hits(&result)[0]), Some("after.txt"));
}

/// GNU tar's `--sparse --format=pax` archive of a file with holes
/// (`sparse.txt`: a POSIX sparse file, a plain file to tar readers that do
/// not know the format, named `GNUSparseFile.PID/sparse.txt`, its data
/// starting with the map of its holes) and `after.txt`.
const SPARSE_POSIX_TAR: &[u8] = include_bytes!("fixtures/bundles/sparse-posix.tar");

#[test]
fn a_posix_sparse_file_in_a_tar_is_said_and_not_read_like_a_gnu_one() {
    let fixture = Fixture::new();
    fixture.file("posix.tar", SPARSE_POSIX_TAR);
    let report = fixture.index_report(&[]);
    let warnings = warnings(&report);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("holds 1 sparse file"), "{warnings:?}");
    assert_eq!(fixture.sources("Risaralda"), Vec::<String>::new());
    let (_, result) = fixture.search("Caldas", &[]);
    assert_eq!(entry(&hits(&result)[0]), Some("after.txt"));
}

#[test]
fn a_container_is_one_file_for_updates_and_exclude_reaches_its_entries() {
    let fixture = Fixture::new();
    fixture.file(
        "pack.zip",
        zip(&[
            ("a.txt", b"First entry about Caguan."),
            ("drafts/b.txt", b"Draft about Caguan."),
        ]),
    );
    let (_, result) = fixture.search("Caguan", &[]);
    assert_eq!(result["total"], 2);

    // --exclude globs match entries as paths under their container; other
    // globs read the container again.
    let report = fixture.index_report(&["--exclude", "drafts/"]);
    assert_eq!(report["updated"], 1, "read again: {report}");
    assert_eq!(report["passages"], 1, "{report}");
    let report = fixture.index_report(&["--exclude", "*.zip/drafts/"]);
    assert_eq!(report["passages"], 1, "{report}");
    let (_, result) = fixture.search("Caguan", &[]);
    assert_eq!(entry(&hits(&result)[0]), Some("a.txt"));

    // A changed container replaces all its documents.
    fixture.file(
        "pack.zip",
        zip(&[("c.txt", b"Only the new entry about Caguan.")]),
    );
    let report = fixture.index_report(&[]);
    assert_eq!(report["updated"], 1, "{report}");
    let (_, result) = fixture.search("Caguan", &[]);
    assert_eq!(result["total"], 1);
    assert_eq!(entry(&hits(&result)[0]), Some("c.txt"));
    // An unchanged one is not read.
    let report = fixture.index_report(&[]);
    assert_eq!(report["files_read"], 0, "{report}");
}

/// Entries each under the 16 MB the ratio of an entry is checked from,
/// in ZIPs in a ZIP: a file of a few KB that unpacked to the whole
/// gigabyte (70 s and 1.2 GB of memory). A file may unpack to no more than
/// the ratio times its own size, past 16 MB.
#[test]
fn a_small_file_of_nested_small_entries_unpacks_no_more_than_the_ratio_allows() {
    let fixture = Fixture::new();
    let words = "word ".repeat(3 << 20);
    let inner = zip(&[("a.txt", words.as_bytes()), ("b.txt", words.as_bytes())]);
    let outer = zip(&[
        ("one.zip", &inner),
        ("two.zip", &inner),
        ("three.zip", &inner),
        ("note.txt", b"A note about Marquetalia."),
    ]);
    assert!(outer.len() < 200 << 10 && words.len() < 16 << 20);
    fixture.file("nested.zip", &outer);
    let report = fixture.index_report(&[]);
    let refused: Vec<String> = warnings(&report)
        .into_iter()
        .filter(|w| w.contains("--max-ratio"))
        .collect();
    assert_eq!(refused.len(), 1, "{report}");
    assert!(
        refused[0].contains("entry one.zip › b.txt: unpacks to more than 100× the file's size in all (--max-ratio; 4 more in this file)"),
        "{refused:?}"
    );
    let (_, result) = fixture.search("Marquetalia", &[]);
    assert_eq!(result["total"], 1, "a small entry after them is read");
}

#[test]
fn a_gzipped_tar_of_thousands_of_small_files_is_no_bomb() {
    let fixture = Fixture::new();
    let names: Vec<String> = (0..4000).map(|n| format!("votes/{n:04}.txt")).collect();
    let vote = "Aye on the Caguan motion. ".repeat(60);
    let entries: Vec<(&str, &[u8])> = names
        .iter()
        .map(|name| (name.as_str(), vote.as_bytes()))
        .collect();
    let unpacked = tar(&entries, false);
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(&unpacked).unwrap();
    let packed = encoder.finish().unwrap();
    // Headers and padding included, over a megabyte that packs over 100
    // times smaller (and under the 16 MB the ratio is checked from).
    let ratio = unpacked.len() / packed.len();
    assert!(ratio > 100 && unpacked.len() > 1 << 20, "{ratio}");
    fixture.file("votes.tar.gz", packed);
    let report = fixture.index_report(&[]);
    assert!(warnings(&report).is_empty(), "{report}");
    assert_eq!(report["documents"], 4000, "{report}");
}

/// A review: a tar.gz whose gzip stream passes a limit within its first
/// entry was read as a file of no documents (exit 0 with `--strict`), and
/// an earlier version's passages were removed. It is skipped, as a ZIP
/// whose every entry is refused is, and the passages it had stay.
#[test]
fn a_tar_gz_stopped_by_a_limit_before_its_first_entry_is_skipped_keeping_its_passages() {
    let fixture = Fixture::new();
    fixture.file(
        "press.tar.gz",
        tar(&[("note.txt", b"The Marquetalia note.".as_slice())], true),
    );
    assert_eq!(fixture.index_report(&[])["documents"], 1);
    let body = "gzip bomb text about words over and over again.\n".repeat(300_000);
    fixture.file("press.tar.gz", tar(&[("big.txt", body.as_bytes())], true));
    let limit = ["--max-unpacked-mb", "10"];
    let strict = fixture.index_with(&[limit.as_slice(), &["--strict"]].concat());
    assert_eq!(strict.status.code(), Some(2), "{}", stderr(&strict));
    let report = fixture.index_report(&limit);
    assert_eq!(report["skipped"]["too_large"], 1, "{report}");
    assert!(
        warnings(&report)
            .iter()
            .any(|w| w.contains("nothing in it could be read (1 entry refused: too large)")),
        "{report}"
    );
    let (_, result) = fixture.search("Marquetalia", &[]);
    assert_eq!(result["total"], 1, "{result}");
}

/// A review: an entry of a gigabyte was refused past the budget only
/// after it was read, holding nearly three (grown by doubling). An entry
/// whose header says it unpacks past a limit (here the ratio) is now
/// refused unread, and the file's other entries read.
#[test]
fn an_entry_whose_header_says_it_unpacks_past_a_limit_is_refused_unread() {
    let fixture = Fixture::new();
    let mut packed = zip(&[
        ("small.txt", b"Small Marquetalia.".as_slice()),
        ("big.txt", b"Never read: Guayabero.".as_slice()),
    ]);
    // big.txt's record in the central directory: its size unpacked (at 24)
    // made 2 GB.
    let records: Vec<usize> = (0..packed.len() - 4)
        .filter(|&at| packed[at..].starts_with(b"PK\x01\x02"))
        .collect();
    assert_eq!(records.len(), 2);
    packed[records[1] + 24..records[1] + 28].copy_from_slice(&0x7fff_ffffu32.to_le_bytes());
    fixture.file("pack.zip", packed);
    let report = fixture.index_report(&[]);
    assert!(
        warnings(&report)
            .iter()
            .any(|w| w.contains("entry big.txt: unpacks to more than")),
        "{report}"
    );
    let (_, result) = fixture.search("Marquetalia", &[]);
    assert_eq!(result["total"], 1, "{result}");
    let (_, result) = fixture.search("Guayabero", &[]);
    assert_eq!(result["total"], 0, "{result}");
}

#[test]
fn a_zip_entry_named_in_code_page_437_or_850_keeps_its_accents() {
    // Windows writes `é` as byte 0x82 and no UTF-8 flag; in Spain and Latin
    // America its code page is 850, where `Ú` is 0xE9 (`Θ` in 437) and `Ó`
    // 0xE0 (`α`).
    for (bytes, name) in [
        (&b"\x82-informe"[..], "é-informe.txt"),
        (b"\xe9LTIMO INFORME", "ÚLTIMO INFORME.txt"),
        (b"ACTA REUNI\xe0N COMIT\x90", "ACTA REUNIÓN COMITÉ.txt"),
        // Code page 437's own signs, beside no letter, stay.
        (b"\xe4 results \xe3", "Σ results π.txt"),
        (b"Precio 100\x9d", "Precio 100¥.txt"),
    ] {
        let fixture = Fixture::new();
        let placeholder = "X".repeat(bytes.len()) + ".txt";
        let mut packed = zip(&[(&placeholder, b"Informe sobre Caguan.")]);
        let mut patched = 0;
        for at in 0..packed.len() - bytes.len() {
            if packed[at..].starts_with(placeholder.as_bytes()) {
                packed[at..at + bytes.len()].copy_from_slice(bytes);
                patched += 1;
            }
        }
        assert_eq!(patched, 2, "the local and the central header");
        fixture.file("pack.zip", packed);
        let (_, result) = fixture.search("Caguan", &[]);
        assert_eq!(entry(&hits(&result)[0]), Some(name));
    }
}

#[test]
fn a_tar_entry_named_in_latin_1_keeps_its_accents() {
    let fixture = Fixture::new();
    // A GNU or ustar header holds the name's bytes as the system gave them:
    // here Latin-1's `ñ`, byte 0xF1 (Python's tarfile, encoding='latin-1').
    fixture.file(
        "pack.tar",
        tar_as_named(&[(b"informe a\xf1o.txt", b"Informe sobre Caguan.")]),
    );
    let (_, result) = fixture.search("Caguan", &[]);
    assert_eq!(entry(&hits(&result)[0]), Some("informe año.txt"));
}

#[test]
fn hidden_entries_and_the_finder_s_metadata_are_left_out_without_a_word_or_a_count() {
    // What the macOS Finder's "Compress" (and its tar) writes beside each
    // file: an AppleDouble file of the file's Finder metadata.
    let apple_double = [&b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X"[..], &[0; 160]].concat();
    let fixture = Fixture::new();
    fixture.file(
        "prensa.zip",
        zip(&[
            ("Prensa/nota1.txt", b"Nota sobre Caguan."),
            ("__MACOSX/Prensa/._nota1.txt", &apple_double),
            ("__MACOSX/Prensa/._nota1.docx", &apple_double),
            ("__MACOSX/Prensa/notas.txt", b"hiddenword under __MACOSX."),
            (".hidden.txt", b"hiddenword in a hidden entry."),
            (
                "Prensa/.borrador/nota.txt",
                b"hiddenword in a hidden folder.",
            ),
            (".DS_Store", b"\x00\x00\x00\x01Bud1"),
        ]),
    );
    fixture.file(
        "prensa.tar",
        tar_as_named(&[
            (b"./Prensa/nota2.txt", b"Otra nota sobre Caguan."),
            (b"./Prensa/._nota2.txt", &apple_double),
            (b"./.hidden.txt", b"hiddenword in a hidden tar entry."),
        ]),
    );
    // Nor do they count towards the limit on entries: each container has
    // one entry to read.
    let report = fixture.index_report(&["--max-entries", "1"]);
    assert_eq!(warnings(&report), Vec::<String>::new(), "{report}");
    assert_eq!(report["documents"], 2, "{report}");
    assert_eq!(fixture.search("hiddenword", &[]).0, 1);
    let (_, result) = fixture.search("Caguan", &[]);
    let mut found: Vec<&str> = hits(&result).iter().filter_map(entry).collect();
    found.sort_unstable();
    // `./` is a step of the path, not a hidden name, and no part of the
    // entry's name.
    assert_eq!(found, ["Prensa/nota1.txt", "Prensa/nota2.txt"]);
}

#[test]
fn exclude_leaves_out_every_entry_of_a_name_however_many() {
    let fixture = Fixture::new();
    fixture.file(
        "pack.tar",
        tar(
            &[
                ("dup.txt", b"First copy about Caguan."),
                ("dup.txt", b"Second entry about Caguan."),
                ("kept.txt", b"Kept entry about Caguan."),
            ],
            false,
        ),
    );
    assert_eq!(fixture.search("Caguan", &[]).1["total"], 3);
    let report = fixture.index_report(&["--rebuild", "--exclude", "dup.txt"]);
    assert_eq!(report["passages"], 1, "{report}");
    let (_, result) = fixture.search("Caguan", &[]);
    assert_eq!(entry(&hits(&result)[0]), Some("kept.txt"));

    // Nested: the second `docs.zip` is `docs.zip (2)`, and a folder in it
    // is still excluded by the path of its own names.
    let docs = |word: &str| {
        zip(&[
            ("drafts/a.txt", format!("Draft about {word}.").as_bytes()),
            ("final.txt", format!("Final text about {word}.").as_bytes()),
        ])
    };
    let (first, second) = (docs("Caguan"), docs("Caguan again"));
    fixture.file(
        "pack.tar",
        tar(&[("docs.zip", &first), ("docs.zip", &second)], false),
    );
    let report = fixture.index_report(&["--rebuild", "--exclude", "pack.tar/docs.zip/drafts/"]);
    assert_eq!(report["passages"], 2, "{report}");
    let (_, result) = fixture.search("Caguan", &[]);
    let mut found: Vec<&str> = hits(&result).iter().filter_map(entry).collect();
    found.sort_unstable();
    assert_eq!(found, ["docs.zip (2) › final.txt", "docs.zip › final.txt"]);
}

/// `--exclude` globs reach inside containers as they are read: a run
/// given other globs reads every container again (found by a review: an
/// entry newly excluded stayed searchable, and one no longer excluded never
/// came back, until `--rebuild`), and leaves other files unread.
#[test]
fn changed_excludes_reach_inside_unchanged_containers() {
    let fixture = Fixture::new();
    fixture
        .file(
            "pack.zip",
            zip(&[
                ("inner/paro.md", b"El paro de transportadores."),
                ("kept.txt", b"Otro paro, en Cali."),
            ]),
        )
        .file("note.txt", "A paro in a plain file.\n");
    let entries = |fixture: &Fixture| {
        let (_, result) = fixture.search("paro", &["-n", "10"]);
        let mut found: Vec<String> = hits(&result)
            .iter()
            .map(|hit| entry(hit).unwrap_or("-").to_string())
            .collect();
        found.sort_unstable();
        found
    };
    let report = fixture.index_report(&["--exclude", "pack.zip/inner/paro.md"]);
    assert_eq!(report["passages"], 2, "{report}");
    assert_eq!(entries(&fixture), ["-", "kept.txt"]);
    let report = fixture.index_report(&[]);
    assert_eq!(entries(&fixture), ["-", "inner/paro.md", "kept.txt"]);
    assert_eq!(
        (&report["updated"], &report["unchanged"]),
        (&Value::from(1), &Value::from(1)),
        "the container is read again, the plain file is not: {report}"
    );
    fixture.index_report(&["--exclude", "pack.zip/inner/"]);
    assert_eq!(entries(&fixture), ["-", "kept.txt"]);
    // The same glob again, given twice: nothing is read.
    let report = fixture.index_report(&[
        "--exclude",
        "pack.zip/inner/",
        "--exclude",
        "pack.zip/inner/",
    ]);
    assert_eq!(report["files_read"], 0, "{report}");
}

#[test]
fn entries_are_documents_for_grouping_context_and_show() {
    let fixture = Fixture::new();
    fixture.file(
        "pack.zip",
        zip(&[
            (
                "one.txt",
                b"Alpha paragraph on Planadas.\n\nBeta paragraph follows.",
            ),
            (
                "two.txt",
                b"Gamma paragraph on Planadas.\n\nDelta paragraph follows.",
            ),
        ]),
    );
    let (_, result) = fixture.search("Planadas", &["--group"]);
    let groups = result["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 2, "{result}");
    let entries: Vec<&str> = groups
        .iter()
        .map(|g| g["entry"].as_str().unwrap())
        .collect();
    assert_eq!(entries.len(), 2);
    assert_ne!(entries[0], entries[1]);

    let (_, result) = fixture.search("Gamma", &["--context", "1"]);
    let hit = &hits(&result)[0];
    let after: Vec<&str> = hit["after"]
        .as_array()
        .map(|a| a.iter().map(|p| p["text"].as_str().unwrap()).collect())
        .unwrap_or_default();
    assert_eq!(after, ["Delta paragraph follows."], "{hit}");
    let (_, counts) = fixture.search("Planadas", &["--count"]);
    assert_eq!(counts["documents"], 2, "{counts}");

    let id = hit["id"].as_str().unwrap();
    let out = run(&[
        "show",
        "--index",
        fixture.index_path().to_str().unwrap(),
        id,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let shown = stdout(&out);
    assert!(
        shown
            .lines()
            .any(|l| l.starts_with("entry") && l.ends_with("two.txt")),
        "{shown}"
    );
}
