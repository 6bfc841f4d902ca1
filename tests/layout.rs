//! The library's layout: its modules stand in pipeline order, and each
//! imports only modules before it, so data flows one way and no two modules
//! import each other.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

/// The library's top-level modules in pipeline order (ARCHITECTURE.md walks
/// them in this order). A new module takes its place here.
const PIPELINE: [&str; 18] = [
    "error",
    "date",
    "language",
    "ingest",
    "passage",
    "analysis",
    "results",
    "schema",
    "store",
    "copy_map",
    "indexer",
    "ranking",
    "highlight",
    "query",
    "views",
    "archive",
    "output",
    "server",
];

/// The top-level modules `src/lib.rs` declares.
fn declared_modules() -> Vec<String> {
    let lib = fs::read_to_string("src/lib.rs").unwrap();
    let mut names: Vec<String> = lib
        .lines()
        .map(str::trim)
        .filter_map(|line| {
            let declaration = line.strip_prefix("pub ").unwrap_or(line);
            let declaration = declaration
                .strip_prefix("pub(crate) ")
                .unwrap_or(declaration);
            declaration.strip_prefix("mod ")?.strip_suffix(';')
        })
        .map(str::to_string)
        .filter(|name| name != "test_support")
        .collect();
    names.sort();
    names
}

/// Every `.rs` file under `dir`.
fn sources(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// The top-level modules a source file names through `crate::`, outside comments.
fn imports(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        for (at, _) in code.match_indices("crate::") {
            let rest = &code[at + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            // `crate::{…}` names items through the crate root.
            names.push(if name.is_empty() {
                rest.chars().take(1).collect()
            } else {
                name
            });
        }
    }
    names
}

#[test]
fn every_module_imports_only_modules_before_it() {
    let mut listed: Vec<String> = PIPELINE.iter().map(|m| m.to_string()).collect();
    listed.sort();
    assert_eq!(
        declared_modules(),
        listed,
        "PIPELINE lists lib.rs's modules"
    );
    let rank: HashMap<&str, usize> = PIPELINE
        .iter()
        .enumerate()
        .map(|(at, name)| (*name, at))
        .collect();
    let mut files = Vec::new();
    sources(Path::new("src"), &mut files);
    let mut wrong = Vec::new();
    for file in &files {
        let relative = file.strip_prefix("src").unwrap();
        let first = relative.components().next().unwrap().as_os_str();
        let module = first.to_string_lossy().trim_end_matches(".rs").to_string();
        // The binary's own files are a shell over the library, not part of it.
        let Some(&own) = rank.get(module.as_str()) else {
            continue;
        };
        for name in imports(&fs::read_to_string(file).unwrap()) {
            if name == "test_support" {
                continue;
            }
            match rank.get(name.as_str()) {
                Some(&other) if other <= own => {}
                Some(_) => wrong.push(format!(
                    "{} imports {name}, which stands after it in the pipeline",
                    file.display()
                )),
                None => wrong.push(format!(
                    "{} names crate::{name}: import through the module that defines it",
                    file.display()
                )),
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_import_scan_sees_paths_but_not_comments() {
    let text = "use crate::ranking::Match;\n// crate::archive in a comment\nlet x = crate::{a};";
    assert_eq!(imports(text), ["ranking", "{"]);
}
