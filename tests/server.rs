//! `cita serve`, run as the real binary on a free loopback port: every
//! endpoint, every error status, the limits, CORS, reloading after
//! `cita index`, clean shutdown, and that the API answers exactly what
//! `cita search --format json` prints.

mod common;

use std::io::Write;
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use common::http::{
    Server, encode, get, parse_response, read_response, read_until_closed, request,
};
use common::*;
use regex::Regex;
use serde_json::Value;

/// A server on the shipped corpus (one per test: a static one would outlive
/// the test process).
fn shipped() -> Server {
    Server::start(shipped_index(), &[])
}

fn search_target(query: &str, extra: &str) -> String {
    format!("/api/search?q={}{extra}", encode(query))
}

fn first_id(server: &Server, query: &str) -> String {
    let page = server.get_json(&search_target(query, "&limit=1"));
    hits(&page)[0]["id"].as_str().unwrap().to_string()
}

#[test]
fn search_answers_exactly_what_the_cli_prints() {
    let server = &shipped();
    let cases: [(&str, &str, &[&str]); 7] = [
        ("\"Plan LAZO\"", "", &[]),
        ("petro visa", "&limit=3", &["--limit", "3"]),
        ("bogota", "&snippet_chars=80", &["--snippet-chars", "80"]),
        (
            "lazo OR yarborough",
            "&limit=2&offset=1",
            &["--limit", "2", "--offset", "1"],
        ),
        (
            "petro",
            "&since=2026-01&until=2026",
            &["--since", "2026-01", "--until", "2026"],
        ),
        ("zzzznotaword", "", &[]),
        (
            "\"Plan LAZO\"",
            "&sort=-date&cite=true&context=1&mentions=1960..1969",
            &[
                "--sort",
                "-date",
                "--cite",
                "-C",
                "1",
                "--mentions",
                "1960..1969",
            ],
        ),
    ];
    for (query, params, flags) in cases {
        let api = server.get_json(&search_target(query, params));
        let (_, cli) = search_json(query, flags);
        for field in [
            "query",
            "total",
            "distinct",
            "hits",
            "cita_version",
            "index_fingerprint",
            "partial_total",
        ] {
            assert_eq!(api[field], cli[field], "{field} of {query:?} {params}");
        }
        let object = api.as_object().unwrap();
        let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "cita_version",
                "distinct",
                "hits",
                "index_fingerprint",
                "limit",
                "offset",
                "partial_total",
                "query",
                "total"
            ]
        );
    }
}

#[test]
fn search_collapses_copies_as_the_cli_does_unless_told_not_to() {
    let fixture = Fixture::new();
    let paragraph = "The harbour strike ended on Monday, the union said.";
    for name in ["wire/a.txt", "wire/b.txt", "wire/c.md"] {
        fixture.file(name, format!("{paragraph}\n\nA strike note of {name}.\n"));
    }
    fixture.search("strike", &[]);
    let server = Server::start(&fixture.index_path(), &[]);
    let index = fixture.index_path();
    let cases: [(&str, &[&str]); 5] = [
        ("", &[]),
        (
            "&facets=true&facet_limit=1",
            &["--facets", "--facet-limit", "1"],
        ),
        (
            "&collapse=true&limit=2&offset=1",
            &["-n", "2", "--offset", "1"],
        ),
        ("&collapse=false", &["--no-collapse"]),
        ("&sort=-date&facets=true", &["--sort=-date", "--facets"]),
    ];
    for (params, flags) in cases {
        let mut api = server.get_json(&search_target("strike", params));
        let (_, cli) = search_json_in(&index, "strike", flags);
        let object = api.as_object_mut().unwrap();
        object.remove("limit");
        object.remove("offset");
        assert_eq!(api, cli, "{params}");
    }
    let collapsed = server.get_json(&search_target("strike", ""));
    assert_eq!(
        (&collapsed["total"], &collapsed["distinct"]),
        (&6.into(), &4.into())
    );
    let shown = hits(&collapsed)
        .iter()
        .find(|hit| hit["text"] == paragraph)
        .unwrap();
    assert_eq!(shown["duplicates_total"], 2, "{shown}");
    assert_eq!(shown["duplicates"].as_array().unwrap().len(), 2);
    let every = server.get_json(&search_target("strike", "&collapse=false"));
    assert_eq!(hits(&every).len(), 6);
    assert!(every.get("distinct").is_none());
    let csv = server.get(&search_target("strike", "&format=csv"));
    assert!(
        csv.text()
            .lines()
            .next()
            .unwrap()
            .contains(",duplicates,duplicate_sources,")
    );
    let wrong = server.get(&search_target("strike", "&collapse=no"));
    assert_eq!(wrong.status, 400);
}

#[test]
fn search_reports_the_paging_it_applied() {
    let server = &shipped();
    let page = server.get_json(&search_target("petro", "&limit=2&offset=3"));
    assert_eq!(page["limit"], 2);
    assert_eq!(page["offset"], 3);
    let ranks: Vec<u64> = hits(&page)
        .iter()
        .map(|h| h["rank"].as_u64().unwrap())
        .collect();
    assert_eq!(ranks, [4, 5]);
    let defaults = server.get_json(&search_target("petro", ""));
    assert_eq!(defaults["limit"], 10);
    assert_eq!(defaults["offset"], 0);
    assert_eq!(hits(&defaults).len(), 10);
    let count_only = server.get_json(&search_target("petro", "&limit=0"));
    assert!(hits(&count_only).is_empty());
    assert_eq!(count_only["total"], defaults["total"]);
}

#[test]
fn search_highlights_are_byte_offsets_into_the_snippet() {
    let server = &shipped();
    let page = server.get_json(&search_target("\"Plan LAZO\"", ""));
    assert!(!hits(&page).is_empty());
    for hit in hits(&page) {
        for text in highlighted(hit) {
            assert_eq!(text.to_lowercase(), "plan lazo");
        }
    }
}

#[test]
fn passage_comes_with_its_neighbours_in_document_order() {
    let server = &shipped();
    let page = server.get_json(&search_target("\"Plan LAZO\"", "&limit=1"));
    let hit = &hits(&page)[0];
    let id = hit["id"].as_str().unwrap();
    let found = server.get_json(&format!("/api/passages/{id}?context=2"));
    let passage = &found["passage"];
    for field in [
        "id",
        "source",
        "title",
        "publication",
        "url",
        "date",
        "section",
        "paragraph",
        "part",
        "byte_range",
        "page",
        "record",
        "date_origin",
        "text",
    ] {
        assert_eq!(passage[field], hit[field], "{field}");
    }
    let before = found["before"].as_array().unwrap();
    let after = found["after"].as_array().unwrap();
    assert_eq!((before.len(), after.len()), (2, 2));
    let order: Vec<(u64, u64)> = before
        .iter()
        .chain([passage])
        .chain(after)
        .map(|p| {
            assert_eq!(p["source"], hit["source"]);
            (
                p["paragraph"].as_u64().unwrap(),
                p["part"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "document order: {order:?}"
    );
    // A neighbour is itself reachable, and the default context is 2.
    let neighbour = before[1]["id"].as_str().unwrap();
    let again = server.get_json(&format!("/api/passages/{neighbour}"));
    assert_eq!(again["after"][0]["id"], passage["id"]);
    assert_eq!(again["before"].as_array().unwrap().len(), 2);

    let alone = server.get_json(&format!("/api/passages/{id}?context=0"));
    assert_eq!(alone["passage"], *passage);
    assert!(alone["before"].as_array().unwrap().is_empty());
    assert!(alone["after"].as_array().unwrap().is_empty());

    // The id as a citation ends with it, pasted as it is.
    let cited = server.get_json(&format!("/api/passages/cita:{id}?context=0"));
    assert_eq!(cited, alone);
}

#[test]
fn passage_at_the_start_of_a_document_has_nothing_before_it() {
    let server = &shipped();
    let page = server.get_json(&search_target("source:001", "&limit=100"));
    let first = hits(&page)
        .iter()
        .min_by_key(|h| (h["paragraph"].as_u64(), h["part"].as_u64()))
        .unwrap();
    let id = first["id"].as_str().unwrap();
    let found = server.get_json(&format!("/api/passages/{id}?context=3"));
    assert!(found["before"].as_array().unwrap().is_empty());
    assert_eq!(found["after"].as_array().unwrap().len(), 3);
}

#[test]
fn unknown_passage_id_is_404() {
    let server = &shipped();
    let response = server.get("/api/passages/0000000000000000");
    assert_eq!(response.status, 404);
    assert!(response.error().contains("0000000000000000"));
    let odd = server.get("/api/passages/%3Cscript%3E%20%22x%22");
    assert_eq!(odd.status, 404);
    odd.error();
}

#[test]
fn stats_and_healthz_answer() {
    let server = &shipped();
    let stats = server.get_json("/api/stats");
    let out = run(&[
        "stats",
        "--format",
        "json",
        "--index",
        shipped_index().to_str().unwrap(),
    ]);
    let cli: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(stats, cli);
    assert_eq!(stats["documents"], 5);
    assert_eq!(
        server.get_json("/healthz"),
        serde_json::json!({"status": "ok"})
    );
}

#[test]
fn openapi_lists_every_endpoint_and_each_answers() {
    let server = &shipped();
    let doc = server.get_json("/api/openapi.json");
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    // A client resolves the paths against the server's URL; a fixed address
    // would send it to port 7700 whatever `--addr` says.
    assert_eq!(doc["servers"][0]["url"], "/", "{}", doc["servers"]);
    let id = first_id(server, "lazo");
    let paths = doc["paths"].as_object().unwrap();
    let mut listed: Vec<&str> = paths.keys().map(String::as_str).collect();
    listed.sort_unstable();
    assert_eq!(
        listed,
        [
            "/api/batch",
            "/api/kwic",
            "/api/openapi.json",
            "/api/passages/{id}",
            "/api/search",
            "/api/stats",
            "/api/timeline",
            "/healthz"
        ]
    );
    for (path, item) in paths {
        let (method, operation) = item.as_object().unwrap().iter().next().unwrap();
        // Every documented parameter, with its example or default, but the
        // format, so that the answer is the JSON the document describes.
        let mut query = Vec::new();
        for parameter in operation["parameters"].as_array().into_iter().flatten() {
            if parameter["in"] == "query" && parameter["name"] != "format" {
                query.push(format!(
                    "{}={}",
                    parameter["name"].as_str().unwrap(),
                    encode(&example(parameter))
                ));
            }
        }
        let mut target = path.replace("{id}", &id);
        if !query.is_empty() {
            target = format!("{target}?{}", query.join("&"));
        }
        let response = match method.as_str() {
            "post" => post(server, &target, "lazo\nyarborough\n"),
            _ => server.get(&target),
        };
        assert_eq!(
            response.status,
            200,
            "{method} {target}: {}",
            response.text()
        );
        let content = operation["responses"]["200"]["content"]
            .as_object()
            .unwrap();
        let content_type = response.header("content-type").unwrap();
        let documented = content
            .keys()
            .find(|documented| content_type.starts_with(documented.as_str()))
            .unwrap_or_else(|| panic!("{target}: {content_type} is not documented"));
        if documented != "application/json" {
            continue;
        }
        let body = response.json();
        let schema = &content[documented]["schema"];
        if let Some(reference) = schema["$ref"].as_str() {
            let name = reference.rsplit('/').next().unwrap();
            let required = &doc["components"]["schemas"][name]["required"];
            for field in required.as_array().unwrap() {
                let field = field.as_str().unwrap();
                assert!(body.get(field).is_some(), "{target}: {field} missing");
            }
        }
    }
}

#[test]
fn malformed_queries_and_parameters_are_400() {
    let server = &shipped();
    let long_offset = format!("&offset={}", 10_000);
    let cases = [
        search_target("lazo AND", ""),
        search_target("\"Plan LAZO", ""),
        "/api/search".to_string(),
        "/api/search?q=".to_string(),
        "/api/search?q=%20%20".to_string(),
        search_target("lazo", "&limit=abc"),
        search_target("lazo", "&limit=-1"),
        search_target("lazo", "&limit=101"),
        search_target("lazo", &long_offset),
        search_target("lazo", "&snippet_chars=0"),
        search_target("lazo", "&snippet_chars=2001"),
        search_target("lazo", "&since=2026-02-30"),
        search_target("lazo", "&since=2026&until=2025"),
        search_target("lazo", "&order=date"),
        search_target("lazo", "&sort=newest"),
        search_target("lazo", "&mentions=sixties"),
        search_target("lazo", "&cite=maybe"),
        search_target("lazo", "&context=21"),
        search_target("lazo", "&format=csv&facets=true"),
        search_target("lazo", "&facet_limit=2"),
        search_target("lazo", "&facets=true&facet_limit=4294967296"),
        search_target("lazo", "&format=csv&context=1"),
        search_target("lazo", "&limit=1&limit=2"),
        format!("/api/passages/{}?context=21", first_id(server, "lazo")),
        "/api/passages/x?context=many".to_string(),
        "/api/stats?verbose=1".to_string(),
    ];
    for target in cases {
        let response = server.get(&target);
        assert_eq!(response.status, 400, "GET {target}: {}", response.text());
        assert!(!response.error().is_empty());
        // A q given but blank is not said to be missing.
        let blank = target.ends_with("q=%20%20");
        assert_eq!(response.error().contains("blank"), blank, "{target}");
        assert_eq!(
            response.error().contains("missing query"),
            target == "/api/search" || target == "/api/search?q=",
            "{target}"
        );
    }
    let message = server.get(&search_target("lazo AND", "")).error();
    assert_eq!(
        message,
        "invalid query: AND at character 6 needs a term after it"
    );
}

#[test]
fn oversized_requests_are_414_and_413() {
    let server = &shipped();
    let long_query = format!("{}x", "lazo ".repeat(200));
    let response = server.get(&search_target(&long_query, ""));
    assert_eq!(response.status, 414);
    assert!(response.error().contains("1001 characters"));
    // 1,000 characters is still fine.
    let at_cap = format!("lazo {}", vec!["x".repeat(248); 4].join(" "));
    assert_eq!(at_cap.chars().count(), 1000);
    let at_cap = server.get(&search_target(&at_cap, ""));
    assert_eq!(at_cap.status, 200, "{}", at_cap.text());

    // A query of 1,000 characters of any script fits the target: four
    // words of Gothic letters, each letter 4 bytes of UTF-8 and 12
    // percent-encoded.
    let gothic = |letters| "\u{10330}".repeat(letters);
    let gothic = [gothic(249), gothic(249), gothic(249), gothic(250)].join(" ");
    assert_eq!(gothic.chars().count(), 1000);
    let target = search_target(&gothic, "");
    assert!(target.len() > 11_900, "{}", target.len());
    let gothic = server.get(&target);
    assert_eq!(gothic.status, 200, "{}", gothic.text());

    let long_target = format!("/api/stats?{}", "x".repeat(17_000));
    let response = server.get(&long_target);
    assert_eq!(response.status, 414);
    response.error();

    let addr = server.addr;
    let body = "x".repeat(5000);
    let with_body = format!(
        "GET /api/stats HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let response = request(addr, with_body.as_bytes());
    assert_eq!(response.status, 413);
    response.error();
    let chunked = format!(
        "GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
    );
    let response = request(addr, chunked.as_bytes());
    assert_eq!(response.status, 413);
    response.error();
}

#[test]
fn unknown_paths_are_404_and_writes_are_refused() {
    let server = &shipped();
    let response = server.get("/api/nothing");
    assert_eq!(response.status, 404);
    assert!(response.error().contains("/api/nothing"));
    let addr = server.addr;
    for method in ["POST", "PUT", "DELETE", "PATCH"] {
        for path in ["/api/search?q=lazo", "/api/stats", "/api/passages/x", "/"] {
            let raw = format!(
                "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
            );
            let response = request(addr, raw.as_bytes());
            assert_eq!(response.status, 405, "{method} {path}");
            assert_eq!(response.header("allow"), Some("GET, HEAD"));
            response.error();
        }
    }
}

#[test]
fn page_and_its_assets_are_served_with_a_strict_policy() {
    let server = &shipped();
    let page = server.get("/");
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let html = page.text();
    assert!(html.contains("<script src=\"/assets/app.js\""));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no external resource"
    );
    let policy = page.header("content-security-policy").unwrap();
    assert!(policy.contains("script-src 'self'"));
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    let script = server.get("/assets/app.js");
    assert_eq!(script.status, 200);
    assert!(
        script
            .header("content-type")
            .unwrap()
            .starts_with("text/javascript")
    );
    assert!(
        !script.text().contains("innerHTML"),
        "document text is never parsed as HTML"
    );
    let style = server.get("/assets/app.css");
    assert_eq!(style.status, 200);
    assert!(
        style
            .header("content-type")
            .unwrap()
            .starts_with("text/css")
    );
    let icon = server.get("/assets/icon.svg");
    assert_eq!(icon.status, 200);
    assert_eq!(icon.header("content-type"), Some("image/svg+xml"));
}

#[test]
fn on_loopback_only_loopback_host_names_are_answered() {
    // DNS rebinding: a page of attacker.example whose name now points at
    // 127.0.0.1 is the same origin as the server to the browser.
    let server = &shipped();
    let port = server.addr.port();
    let with_host = |host: &str, target: &str| {
        request(
            server.addr,
            format!("GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
    };
    for target in ["/api/search?q=colombia", "/", "/healthz"] {
        let refused = with_host(&format!("attacker.example:{port}"), target);
        assert_eq!(refused.status, 403, "{target}");
        assert!(
            refused.error().contains("\"attacker.example:"),
            "{}",
            refused.text()
        );
    }
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        "localhost".to_string(),
    ] {
        assert_eq!(
            with_host(&host, "/api/search?q=colombia").status,
            200,
            "{host}"
        );
    }
    // A target in absolute form names the host over the header.
    let absolute = with_host("localhost", "http://attacker.example/healthz");
    assert_eq!(absolute.status, 403, "{}", absolute.text());
    let absolute = with_host("localhost", &format!("http://localhost:{port}/healthz"));
    assert_eq!(absolute.status, 200, "{}", absolute.text());
}

#[test]
fn cors_is_off_by_default_and_allows_one_origin_when_asked() {
    let server = &shipped();
    let addr = server.addr;
    let with_origin = |addr, origin: &str| {
        request(
            addr,
            format!(
                "GET /api/stats HTTP/1.1\r\nHost: {addr}\r\nOrigin: {origin}\r\nConnection: close\r\n\r\n"
            )
            .as_bytes(),
        )
    };
    let response = with_origin(addr, "http://example.test");
    assert_eq!(response.status, 200);
    assert_eq!(response.header("access-control-allow-origin"), None);

    let server = Server::start(shipped_index(), &["--cors", "http://example.test:8080"]);
    let allowed = with_origin(server.addr, "http://example.test:8080");
    assert_eq!(
        allowed.header("access-control-allow-origin"),
        Some("http://example.test:8080")
    );
    let other = with_origin(server.addr, "http://elsewhere.test");
    assert_eq!(other.header("access-control-allow-origin"), None);
    let preflight = request(
        server.addr,
        format!(
            "OPTIONS /api/search HTTP/1.1\r\nHost: {}\r\nOrigin: http://example.test:8080\r\nAccess-Control-Request-Method: GET\r\nConnection: close\r\n\r\n",
            server.addr
        )
        .as_bytes(),
    );
    assert_eq!(preflight.status, 200);
    assert!(
        preflight
            .header("access-control-allow-methods")
            .unwrap()
            .contains("GET")
    );
    // A batch posted as JSON names its type; a page reads the timing.
    let preflight = request(
        server.addr,
        format!(
            "OPTIONS /api/batch HTTP/1.1\r\nHost: {}\r\nOrigin: http://example.test:8080\r\nAccess-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type\r\nConnection: close\r\n\r\n",
            server.addr
        )
        .as_bytes(),
    );
    assert_eq!(
        preflight.header("access-control-allow-headers"),
        Some("content-type")
    );
    let exposed = allowed.header("access-control-expose-headers").unwrap();
    for name in ["server-timing", "retry-after", "content-disposition"] {
        assert!(exposed.contains(name), "{exposed}");
    }

    // The origin is read as a browser writes it: case and default port.
    let server = Server::start(shipped_index(), &["--cors", "HTTP://Example.TEST:80"]);
    let allowed = with_origin(server.addr, "http://example.test");
    assert_eq!(
        allowed.header("access-control-allow-origin"),
        Some("http://example.test")
    );

    for not_an_origin in [
        "not an origin",
        "http://user@example.test",
        "http://example.test:port",
    ] {
        let out = run(&[
            "serve",
            "--index",
            shipped_index().to_str().unwrap(),
            "--addr",
            "127.0.0.1:0",
            "--cors",
            not_an_origin,
        ]);
        assert_eq!(out.status.code(), Some(2));
        assert!(
            stderr(&out).contains("is not an origin"),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn port_sets_the_port_of_the_loopback_address() {
    // A port free a moment ago: the server takes it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let server = Server::start(shipped_index(), &["--port", &port.to_string()]);
    assert_eq!(server.addr, format!("127.0.0.1:{port}").parse().unwrap());
    assert_eq!(server.get_json("/api/stats")["documents"], 5);
}

#[test]
fn serve_without_an_index_is_an_error() {
    let dir = tempfile::TempDir::new().unwrap();
    let missing = dir.path().join("none");
    let out = run(&[
        "serve",
        "--index",
        missing.to_str().unwrap(),
        "--addr",
        "127.0.0.1:0",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cita index"), "{}", stderr(&out));
}

#[test]
fn a_new_index_commit_is_served_without_a_restart() {
    let fixture = Fixture::new();
    fixture.file("a.md", "# Alpha\n\nThe first note mentions a quokka.\n");
    assert!(fixture.index().status.success());
    let server = Server::start(&fixture.index_path(), &[]);
    let before = server.get_json("/api/search?q=wombat");
    assert_eq!(before["total"], 0);
    assert_eq!(server.get_json("/api/stats")["documents"], 1);

    fixture.file("b.md", "# Beta\n\nA later note about a wombat.\n");
    let out = fixture.index();
    assert!(out.status.success(), "{}", stderr(&out));
    // tantivy notices the new commit shortly after it lands.
    let page = poll("the server to answer from the new commit", || {
        let page = server.get_json("/api/search?q=wombat");
        (page["total"] == 1).then_some(page)
    });
    assert_eq!(hits(&page)[0]["source"], "b.md");
    assert_eq!(server.get_json("/api/stats")["documents"], 2);
    // The passage endpoint sees it too.
    let id = hits(&page)[0]["id"].as_str().unwrap();
    assert_eq!(
        server.get_json(&format!("/api/passages/{id}"))["passage"]["source"],
        "b.md"
    );
}

#[test]
fn ctrl_c_and_sigterm_stop_the_server_cleanly() {
    for signal in ["INT", "TERM"] {
        let server = Server::start(shipped_index(), &[]);
        assert_eq!(server.get_json("/healthz")["status"], "ok");
        let addr = server.addr;
        let (status, log) = server.stop_with(signal);
        assert!(status.success(), "SIG{signal}: {status:?}\n{log}");
        assert!(log.contains("cita: stopped"), "{log}");
        assert!(
            std::net::TcpStream::connect(addr).is_err(),
            "still listening after SIG{signal}"
        );
    }
}

#[test]
fn concurrent_requests_all_get_a_json_answer() {
    // More concurrent clients than search slots (2) plus room to wait:
    // every request is answered, with 200 or a JSON 503, never dropped.
    let server = Server::start(shipped_index(), &["--max-searches", "2"]);
    let addr = server.addr;
    let target = search_target("\"Plan LAZO\"", "");
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..8)
            .map(|_| {
                scope.spawn(|| {
                    (0..10)
                        .map(|_| {
                            let response = get(addr, &target);
                            if response.status != 200 {
                                response.error();
                            }
                            response.status
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    assert_eq!(statuses.len(), 80);
    // The waiting line (64) is longer than the 8 clients, so none was refused.
    assert!(statuses.iter().all(|&s| s == 200), "{statuses:?}");
}

// --- The OpenAPI document says exactly what the server accepts (F9) ---

/// The schema of a query parameter of `GET path` in the OpenAPI document.
fn parameter_schema<'a>(doc: &'a Value, path: &str, name: &str) -> &'a Value {
    doc["paths"][path]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|parameter| parameter["name"] == name)
        .map(|parameter| &parameter["schema"])
        .unwrap_or_else(|| panic!("{path} has no parameter {name}"))
}

#[test]
fn openapi_patterns_match_what_the_server_accepts() {
    let server = &shipped();
    let doc = server.get_json("/api/openapi.json");
    let pattern = |name: &str| {
        let text = parameter_schema(&doc, "/api/search", name)["pattern"]
            .as_str()
            .unwrap_or_else(|| panic!("{name} has a pattern"));
        Regex::new(text).unwrap()
    };
    let status = |params: &str| {
        let response = server.get(&search_target("lazo", params));
        assert!(
            [200, 400].contains(&response.status),
            "{params}: {}",
            response.text()
        );
        if response.status == 400 {
            response.error();
        }
        response.status
    };

    // since and until: YYYY, YYYY-MM or YYYY-MM-DD naming a real period.
    let dates = [
        "2026",
        "2026-01",
        "2026-01-31",
        "0001",
        "9999-12-31",
        "2024-02-29",
        "2000-02-29",
        "1600-02-29",
        "2023-02-28",
        "2026-04-30",
        "2026-12",
        // Not dates, or not days that exist.
        "1900-02-29",
        "2023-02-29",
        "2100-02-29",
        "2026-02-30",
        "2026-04-31",
        "2026-13",
        "2026-00",
        "2026-01-00",
        "2026-01-32",
        "0000",
        "10000",
        "26",
        "2026-1",
        "2026-01-1",
        " 2026",
        "2026 ",
        "2026\n",
        "",
        "+2026",
        "2026/01",
        "2026-01-01T00:00",
        "\u{ff12}\u{ff10}\u{ff12}\u{ff16}",
        // What Schemathesis found the server refusing.
        "\u{f4}H\u{8d}B\u{36d26}\u{d52ef}\u{a2}\u{ac01}\u{db}T",
    ];
    for name in ["since", "until"] {
        let regex = pattern(name);
        for value in dates {
            assert_eq!(
                regex.is_match(value),
                status(&format!("&{name}={}", encode(value))) == 200,
                "{name}={value:?}: the pattern and the server disagree"
            );
        }
    }

    // mentions: YEAR, FIRST..LAST or FIRST-LAST, years 1000-2099.
    let regex = pattern("mentions");
    for value in [
        "1964",
        "1960..1969",
        "1960-1969",
        "1000..2099",
        "1964..1964",
        "0999",
        "2100",
        "1960...1969",
        "1960..",
        "..1969",
        "1960--1969",
        " 1964",
        "1964 ",
        "+1964",
        "196",
        "19645",
        "",
        "sixties",
    ] {
        assert_eq!(
            regex.is_match(value),
            status(&format!("&mentions={}", encode(value))) == 200,
            "mentions={value:?}: the pattern and the server disagree"
        );
    }
    // lang: lower-case ISO 639-1 codes cita knows, comma-separated.
    let lang = pattern("lang");
    let known: Vec<String> = cita::Language::all()
        .map(|language| language.code().to_string())
        .collect();
    let mut values: Vec<String> = known.clone();
    values.extend(
        [
            "es,en", "nb", "nn", "es,pt,fr", "xx", "ES", "es,", ",es", "es pt", "spa", "e", "",
            "es,xx",
        ]
        .map(String::from),
    );
    for value in &values {
        assert_eq!(
            lang.is_match(value),
            status(&format!("&lang={}", encode(value))) == 200,
            "lang={value:?}: the pattern and the server disagree"
        );
    }
    assert!(known.len() > 30 && known.iter().all(|code| lang.is_match(code)));
    // A known code in capitals is not unknown: the error says how to write it.
    let capitals = server.get(&search_target("lazo", "&lang=es,PT"));
    assert_eq!(capitals.status, 400);
    assert!(
        capitals.text().contains("lower case: pt for"),
        "{}",
        capitals.text()
    );

    // What no pattern can say, and the document says in words: a range that
    // ends before it starts, and since after until.
    assert!(regex.is_match("1969..1960"));
    assert_eq!(status("&mentions=1969..1960"), 400);
    assert_eq!(status("&since=2026&until=2025"), 400);
    // A day that does not exist says which, as the CLI does.
    let leap = server.get(&search_target("lazo", "&since=2023-02-29"));
    assert_eq!(leap.status, 400);
    assert!(
        leap.text().contains("since: invalid date")
            && leap.text().contains("no such day: 2023-02 has 28 days"),
        "{}",
        leap.text()
    );

    // q: at least one character that is not a space.
    let regex = pattern("q");
    for value in ["  ", "\t", "\u{3000}"] {
        assert!(!regex.is_match(value));
        let response = server.get(&format!("/api/search?q={}", encode(value)));
        assert_eq!(response.status, 400, "q={value:?}");
    }

    // The enums, and booleans: exactly the values listed.
    let sorts = parameter_schema(&doc, "/api/search", "sort")["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect::<Vec<_>>();
    for value in &sorts {
        assert_eq!(status(&format!("&sort={value}")), 200, "sort={value}");
    }
    for value in ["", "Date", "%20date", "newest"] {
        assert_eq!(status(&format!("&sort={value}")), 400, "sort={value}");
    }
    for value in ["true", "false"] {
        assert_eq!(status(&format!("&cite={value}")), 200, "cite={value}");
    }
    for value in ["", "1", "0", "TRUE", "yes"] {
        assert_eq!(status(&format!("&cite={value}")), 400, "cite={value}");
    }
}

#[test]
fn openapi_integer_bounds_are_the_servers() {
    let server = &shipped();
    let doc = server.get_json("/api/openapi.json");
    let id = first_id(server, "lazo");
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        // The batch's integers are read as the search's (and a POST needs a body).
        for parameter in item["get"]["parameters"].as_array().into_iter().flatten() {
            let schema = &parameter["schema"];
            if parameter["in"] != "query" || schema["type"] != "integer" {
                continue;
            }
            let name = parameter["name"].as_str().unwrap();
            let min = schema["minimum"].as_u64().unwrap();
            let max = schema["maximum"].as_u64().unwrap();
            let target = |value: &str| {
                let path = path.replace("{id}", &id);
                let searches = ["/api/search", "/api/timeline", "/api/kwic"];
                let q = if searches.contains(&path.as_str()) {
                    "q=lazo&"
                } else {
                    ""
                };
                let needed = needed_with(name).map_or(String::new(), |pair| format!("{pair}&"));
                format!("{path}?{q}{needed}{name}={value}")
            };
            let mut cases = vec![(min.to_string(), 200), (max.to_string(), 200)];
            cases.push(((max + 1).to_string(), 400));
            if min > 0 {
                cases.push(((min - 1).to_string(), 400));
            }
            // Integers only, in ASCII digits.
            for text in ["", "-1", "+5", "%205", "5%20", "5.0", "1e2", "0x10", "five"] {
                cases.push((text.to_string(), 400));
            }
            for (value, expected) in cases {
                let target = target(&value);
                let response = server.get(&target);
                assert_eq!(response.status, expected, "{target}: {}", response.text());
            }
            checked += 1;
        }
    }
    assert_eq!(
        checked, 8,
        "limit, offset, snippet_chars, context, facet_limit, the passage's context, kwic's width and limit"
    );
    // The largest offset with the largest limit is still within the 10,000 window.
    let response = server.get(&search_target("lazo", "&offset=9900&limit=100"));
    assert_eq!(response.status, 200, "{}", response.text());
}

// --- Every error is JSON, whatever hyper thinks of the request (F10) ---

#[test]
fn oversized_headers_are_431_json() {
    let server = &shipped();
    let addr = server.addr;
    let many: String = (0..10_000)
        .map(|i| format!("X-Filler-{i}: {i}\r\n"))
        .collect();
    let response = request(
        addr,
        format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\n{many}Connection: close\r\n\r\n")
            .as_bytes(),
    );
    assert_eq!(response.status, 431);
    assert!(response.error().contains("headers"));
    assert_eq!(response.header("connection"), Some("close"));
    assert_eq!(response.header("x-content-type-options"), Some("nosniff"));

    let huge = "x".repeat(1 << 20);
    let response = request(
        addr,
        format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\nX-Huge: {huge}\r\n\r\n").as_bytes(),
    );
    assert_eq!(response.status, 431);
    response.error();
    assert_eq!(server.get_json("/healthz")["status"], "ok");
}

#[test]
fn invalid_bytes_in_the_request_target_are_400_json() {
    let server = &shipped();
    let addr = server.addr;
    // Raw bytes HTTP does not allow in a request target, and that are not
    // UTF-8 either: hyper refuses them before any handler runs.
    let raw: [&[u8]; 5] = [
        b"/api/search?q=\xff\xfe",
        b"/api/search?q=caf\xc3\x28",
        b"/api/sea\x01rch?q=lazo",
        b"/api/search?q=a\x7fb",
        b"/api/passages/\xc3\x28",
    ];
    for target in raw {
        let mut bytes = b"GET ".to_vec();
        bytes.extend_from_slice(target);
        bytes.extend_from_slice(b" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        let response = request(addr, &bytes);
        assert_eq!(
            response.status,
            400,
            "{:?}",
            String::from_utf8_lossy(target)
        );
        assert!(response.error().contains("malformed HTTP request"));
    }
    // Raw UTF-8, which browsers percent-encode, is read as it: `Bogotá`.
    let response = request(
        addr,
        b"GET /api/search?q=Bogot\xc3\xa1 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(response.status, 200);
    // Requests that are not HTTP/1.1 at all.
    let garbage: [&[u8]; 5] = [
        b"HELLO\r\n\r\n",
        b"GET /healthz HTTP/9.9\r\nHost: localhost\r\n\r\n",
        b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nNot a header\r\n\r\n",
        // Two Host headers (RFC 9112 3.2: a 400).
        b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nHost: attacker.example\r\n\r\n",
        b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03\r\n\r\n",
    ];
    for bytes in garbage {
        let response = request(addr, bytes);
        assert_eq!(response.status, 400, "{:?}", String::from_utf8_lossy(bytes));
        response.error();
    }
    // Percent-encoded bytes that are not UTF-8 once decoded.
    for target in [
        "/api/search?q=%FF",
        "/api/search?q=lazo%C3%28",
        "/api/search?q=lazo&%FF=1",
        "/api/stats?x=%FE",
        "/api/passages/%FF",
        "/api/passages/x?context=%C3",
    ] {
        let response = server.get(target);
        assert_eq!(response.status, 400, "{target}: {}", response.text());
        response.error();
    }
    // Percent-encoded UTF-8 is fine.
    let page = server.get_json("/api/search?q=bogot%C3%A1");
    assert_eq!(page["query"], "bogotá");
}

#[test]
fn path_traversal_is_404_json_and_serves_no_file() {
    let server = &shipped();
    for target in [
        "/../Cargo.toml",
        "/assets/../Cargo.toml",
        "/assets/../../Cargo.toml",
        "/assets/%2e%2e/%2e%2e/Cargo.toml",
        "/assets/%2E%2E%2F%2E%2E%2FCargo.toml",
        "/assets/..%2f..%2fCargo.toml",
        "/assets/..%5c..%5cCargo.toml",
        "/assets/app.js/../../Cargo.toml",
        "/assets/app.js%00.css",
        "/assets/",
        "/assets/index.html",
        "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "//etc/passwd",
        "/api/../api/stats",
        "/api/passages/..%2F..%2FCargo.toml",
        "/api/passages/../../Cargo.toml",
    ] {
        let response = server.get(target);
        assert_eq!(response.status, 404, "{target}: {}", response.text());
        let message = response.error();
        assert!(
            !message.contains("[package]") && !message.contains("root:"),
            "{target}: {message}"
        );
    }
}

#[test]
fn every_method_but_get_and_head_is_405_json_with_allow() {
    let server = &shipped();
    let addr = server.addr;
    let passage = format!("/api/passages/{}", first_id(server, "lazo"));
    let paths = [
        "/api/search?q=lazo",
        &passage,
        "/api/stats",
        "/api/openapi.json",
        "/healthz",
        "/",
        "/assets/app.js",
        "/assets/app.css",
        "/assets/icon.svg",
    ];
    for path in paths {
        for method in [
            "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "PURGE", "PROPFIND",
        ] {
            let raw = format!(
                "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
            );
            let response = request(addr, raw.as_bytes());
            assert_eq!(response.status, 405, "{method} {path}: {}", response.text());
            assert_eq!(
                response.header("allow"),
                Some("GET, HEAD"),
                "{method} {path}"
            );
            response.error();
        }
        let head = request(
            addr,
            format!("HEAD {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
        );
        assert_eq!(head.status, 200, "HEAD {path}");
        assert!(head.body.is_empty(), "HEAD {path} has no body");
    }
    // Targets that name no path: a CONNECT's host, `OPTIONS *` (the
    // server). They were 404 "no endpoint at localhost:80".
    for target in ["CONNECT localhost:80", "CONNECT 127.0.0.1:443", "OPTIONS *"] {
        let raw = format!("{target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
        let response = request(addr, raw.as_bytes());
        assert_eq!(response.status, 405, "{target}: {}", response.text());
        assert_eq!(response.header("allow"), Some("GET, HEAD"), "{target}");
        response.error();
    }
    // Another method for the server as a whole is no endpoint.
    let raw = format!("GET * HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    let response = request(addr, raw.as_bytes());
    assert_ne!(response.status, 405, "{}", response.text());
    response.error();
}

// --- Connections: the cap and the idle timeout (F10) ---

#[test]
fn five_hundred_idle_connections_do_not_keep_a_search_waiting() {
    let server = &shipped();
    let addr = server.addr;
    let target = search_target("\"Plan LAZO\"", "");
    let alone = server.get_json(&target);
    // Half say nothing, half send part of a request head and stop.
    let idle: Vec<TcpStream> = (0..500)
        .map(|i| {
            let mut stream = TcpStream::connect(addr).expect("connects");
            if i % 2 == 1 {
                stream
                    .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
                    .unwrap();
            }
            stream
        })
        .collect();
    let started = Instant::now();
    let crowded = server.get_json(&target);
    let took = started.elapsed();
    assert_eq!(crowded["hits"], alone["hits"]);
    // Far below the 30 s idle timeout, which is what a search stuck behind
    // the connection cap would wait for.
    assert!(took < Duration::from_secs(10), "the search took {took:?}");
    drop(idle);
}

#[test]
fn idle_and_slow_connections_are_closed_after_the_idle_timeout() {
    let server = Server::start_with_env(shipped_index(), &[], &[("CITA_IDLE_TIMEOUT", "0.5")]);
    let addr = server.addr;
    let opened = Instant::now();
    let mut silent = TcpStream::connect(addr).unwrap();
    let mut slow = TcpStream::connect(addr).unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
        .unwrap();
    let mut kept = TcpStream::connect(addr).unwrap();
    kept.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .unwrap();
    assert_eq!(read_response(&mut kept).status, 200);

    // Nothing sent: closed without a word.
    assert!(read_until_closed(&mut silent).is_empty());
    assert!(opened.elapsed() >= Duration::from_millis(500));
    // Half a request head: a 408 JSON error, then closed.
    let response = parse_response(&read_until_closed(&mut slow));
    assert_eq!(response.status, 408);
    assert!(response.error().contains("within 0.5 s"));
    // Idle after a response (keep-alive): closed.
    assert!(read_until_closed(&mut kept).is_empty());
    // New connections are served as ever.
    assert_eq!(server.get_json("/healthz")["status"], "ok");
}

#[test]
fn a_batch_body_that_stops_midway_gets_a_408_within_the_idle_timeout() {
    let server = Server::start_with_env(shipped_index(), &[], &[("CITA_IDLE_TIMEOUT", "0.5")]);
    let mut unfinished = TcpStream::connect(server.addr).unwrap();
    unfinished
        .write_all(b"POST /api/batch HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\npet")
        .unwrap();
    let response = parse_response(&read_until_closed(&mut unfinished));
    assert_eq!(response.status, 408);
    assert!(response.error().contains("body"), "{}", response.error());
    assert_eq!(server.get_json("/healthz")["status"], "ok");
}

#[test]
fn every_error_carries_cors_and_server_timing_and_http_1_1_needs_a_host() {
    let server = Server::start(shipped_index(), &["--cors", "http://example.test:8080"]);
    let addr = server.addr;
    // The guard's 414, outside the router.
    let long = "a".repeat(17_000);
    let response = request(
        addr,
        format!(
            "GET /api/search?q={long} HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://example.test:8080\r\nConnection: close\r\n\r\n"
        )
        .as_bytes(),
    );
    assert_eq!(response.status, 414);
    assert_eq!(
        response.header("access-control-allow-origin"),
        Some("http://example.test:8080")
    );
    // The connection layer's own errors.
    let garbage = request(addr, b"GARBAGE\r\n\r\n");
    assert_eq!(garbage.status, 400);
    assert!(garbage.header("server-timing").is_some());
    let hostless = request(addr, b"GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n");
    assert_eq!(hostless.status, 400);
    assert!(hostless.error().contains("Host"), "{}", hostless.error());
    let old = request(addr, b"GET /healthz HTTP/1.0\r\n\r\n");
    assert_eq!(old.status, 200, "HTTP/1.0 has no Host to require");
}

#[test]
fn a_connection_over_the_cap_waits_until_an_idle_one_is_closed() {
    let server = Server::start_with_env(
        shipped_index(),
        &[],
        &[("CITA_MAX_CONNECTIONS", "2"), ("CITA_IDLE_TIMEOUT", "1")],
    );
    let addr = server.addr;
    let before = Instant::now();
    let mut first = TcpStream::connect(addr).unwrap();
    let _second = TcpStream::connect(addr).unwrap();
    // The third is accepted only once one of the two is closed, 1 s after
    // it was accepted (after `before`); then it is answered.
    assert_eq!(server.get_json("/healthz")["status"], "ok");
    assert!(
        before.elapsed() >= Duration::from_secs(1),
        "answered after {:?}, before an idle connection was closed",
        before.elapsed()
    );
    assert!(read_until_closed(&mut first).is_empty());
}

#[test]
fn stopping_closes_idle_connections_at_once() {
    // With a 120 s idle timeout, waiting for it would outlast the test's patience.
    let server = Server::start_with_env(shipped_index(), &[], &[("CITA_IDLE_TIMEOUT", "120")]);
    let addr = server.addr;
    let _silent = TcpStream::connect(addr).unwrap();
    let mut slow = TcpStream::connect(addr).unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
        .unwrap();
    let mut kept = TcpStream::connect(addr).unwrap();
    kept.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .unwrap();
    assert_eq!(read_response(&mut kept).status, 200);
    let (status, log) = server.stop_with("TERM");
    assert!(status.success(), "{status:?}\n{log}");
    assert!(log.contains("cita: stopped"), "{log}");
}

#[test]
fn invalid_connection_settings_are_refused_at_start() {
    for (name, value) in [
        ("CITA_IDLE_TIMEOUT", "soon"),
        ("CITA_IDLE_TIMEOUT", "0"),
        ("CITA_MAX_CONNECTIONS", "0"),
        ("CITA_MAX_CONNECTIONS", "many"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_cita"))
            .args(["serve", "--index", shipped_index().to_str().unwrap()])
            .args(["--addr", "127.0.0.1:0"])
            .env(name, value)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{name}={value}");
        assert!(stderr(&out).contains(name), "{}", stderr(&out));
    }
    // Set empty, they are unset (`export CITA_IDLE_TIMEOUT=`).
    let server = Server::start_with_env(
        shipped_index(),
        &[],
        &[("CITA_IDLE_TIMEOUT", ""), ("CITA_MAX_CONNECTIONS", " ")],
    );
    assert_eq!(server.get("/healthz").status, 200);
}

// --- The research workbench's API (issue #23): each answer against its CLI twin ---

/// `POST target` with `body` (text/plain) on `server`.
fn post(server: &Server, target: &str, body: &str) -> common::http::Response {
    let addr = server.addr;
    let raw = format!(
        "POST {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    request(addr, raw.as_bytes())
}

/// `cita ARGS… --index SHIPPED`: exit code and stdout.
fn cli_on_shipped(args: &[&str]) -> (i32, String) {
    let mut all = args.to_vec();
    all.extend(["--index", shipped_index().to_str().unwrap()]);
    let out = run(&all);
    (out.status.code().unwrap(), stdout(&out))
}

#[test]
fn search_groups_and_facets_as_the_cli_does() {
    let server = &shipped();
    let api = server.get_json(&search_target(
        "colombia",
        "&group=true&facets=true&limit=3&sort=-date",
    ));
    let (_, cli) = search_json(
        "colombia",
        &["--group", "--facets", "--limit", "3", "--sort", "-date"],
    );
    for field in ["total", "hits", "groups", "facets"] {
        assert_eq!(api[field], cli[field], "{field}");
    }
    assert_eq!(api["groups"].as_array().unwrap().len(), 3);
    // Facets now count publications and formats too.
    for field in ["publications", "formats"] {
        assert!(api["facets"][field].is_array(), "{}", api["facets"]);
    }
}

#[test]
fn search_as_csv_is_the_cli_csv_byte_for_byte() {
    let server = &shipped();
    let cases: [(&str, &str, &[&str]); 3] = [
        ("colombia", "", &[]),
        (
            "petro",
            "&limit=20&sort=date&cite=true&lang=en",
            &["-n", "20", "--sort", "date", "--cite", "--lang", "en"],
        ),
        ("colombia", "&group=true&limit=4", &["--group", "-n", "4"]),
    ];
    for (query, params, flags) in cases {
        let response = server.get(&search_target(query, &format!("{params}&format=csv")));
        assert_eq!(response.status, 200, "{}", response.text());
        assert_eq!(
            response.header("content-type"),
            Some("text/csv; charset=utf-8")
        );
        assert!(
            response
                .header("content-disposition")
                .unwrap()
                .starts_with("attachment;")
        );
        let mut args = vec!["search", "--format", "csv"];
        args.extend_from_slice(flags);
        args.extend(["--", query]);
        let (_, cli) = cli_on_shipped_before_query(&args);
        assert_eq!(response.text(), cli, "{query} {params}");
        assert!(
            cli.lines().count() > 1,
            "the case has hits: {query} {params}"
        );
    }
}

/// Like [`cli_on_shipped`] for commands whose query comes after `--`.
fn cli_on_shipped_before_query(args: &[&str]) -> (i32, String) {
    let split = args.iter().position(|a| *a == "--").unwrap_or(args.len());
    let mut all = args[..split].to_vec();
    all.extend(["--index", shipped_index().to_str().unwrap()]);
    all.extend_from_slice(&args[split..]);
    let out = run(&all);
    (out.status.code().unwrap(), stdout(&out))
}

/// Each case (query, query-string parameters, CLI flags) answers on
/// `endpoint` exactly the JSON `cita COMMAND --format json` prints; `some`
/// says the answer is not empty.
fn same_json_as_cli(
    endpoint: &str,
    command: &str,
    cases: &[(&str, &str, &[&str])],
    some: impl Fn(&Value) -> bool,
) {
    let server = &shipped();
    for (query, params, flags) in cases {
        let api = server.get_json(&format!("{endpoint}?q={}{params}", encode(query)));
        let mut args = vec![command, "--format", "json"];
        args.extend_from_slice(flags);
        args.extend(["--", query]);
        let (_, cli) = cli_on_shipped_before_query(&args);
        let cli: Value = serde_json::from_str(&cli).unwrap();
        assert_eq!(api, cli, "{query} {params}");
        assert!(some(&api), "the case finds something: {query} {params}");
    }
}

#[test]
fn timeline_answers_as_cita_timeline() {
    same_json_as_cli(
        "/api/timeline",
        "timeline",
        &[
            ("colombia", "", &[]),
            (
                "colombia",
                "&by=month&lang=en",
                &["--by", "month", "--lang", "en"],
            ),
            (
                "petro",
                "&by_source=true&since=2026",
                &["--by-source", "--since", "2026"],
            ),
            (
                "\"Plan LAZO\"",
                "&axis=mentioned&mentions=1960..1969",
                &["--mentions", "1960..1969"],
            ),
            (
                "colombia",
                "&publication=wikipedia",
                &["--publication", "wikipedia"],
            ),
        ],
        |timeline| timeline["total"].as_u64().unwrap() > 0,
    );
    let server = &shipped();
    // The publication filter takes the whole name: the facet's count.
    let all = server.get_json("/api/search?q=colombia&facets=true");
    let facet = &all["facets"]["publications"][0];
    let name = facet["value"].as_str().unwrap().replace(' ', "%20");
    let narrowed = server.get_json(&format!("/api/search?q=colombia&publication={name}"));
    assert_eq!(narrowed["total"], facet["count"]);
    assert!(narrowed["total"].as_u64().unwrap() < all["total"].as_u64().unwrap());
    for empty in ["", "%20", "%E2%80%94"] {
        let response = server.get(&format!("/api/search?q=colombia&publication={empty}"));
        assert_eq!(response.status, 400, "publication={empty:?}");
    }
    let csv = server.get("/api/timeline?q=colombia&format=csv");
    let (_, cli) = cli_on_shipped_before_query(&["timeline", "--format", "csv", "--", "colombia"]);
    assert_eq!(csv.text(), cli);
    // Months of mentioned years do not exist: the library's refusal, as a 400.
    let response = server.get("/api/timeline?q=lazo&axis=mentioned&by=month");
    assert_eq!(response.status, 400);
    assert!(response.error().contains("mentioned dates are years"));
}

#[test]
fn kwic_answers_as_cita_kwic() {
    same_json_as_cli(
        "/api/kwic",
        "kwic",
        &[
            ("\"Plan LAZO\"", "", &[]),
            (
                "yarborough",
                "&width=25&sort_context=left",
                &["--width", "25", "--sort-context", "left"],
            ),
            (
                "petro",
                "&sort_context=right&since=2026",
                &["--sort-context", "right", "--since", "2026"],
            ),
            (
                "yarborough",
                "&limit=2&sort_context=right",
                &["--limit", "2", "--sort-context", "right"],
            ),
        ],
        |kwic| !kwic["lines"].as_array().unwrap().is_empty(),
    );
    let server = &shipped();
    let limited = server.get("/api/kwic?q=yarborough&limit=2").json();
    assert_eq!(limited["lines"].as_array().unwrap().len(), 2);
    assert_eq!(limited["truncated"], true);
    let every = server.get("/api/kwic?q=yarborough").json();
    assert!(every["lines"].as_array().unwrap().len() > 2);
    assert_eq!(every["truncated"], false);
    assert_eq!(limited["passages"], every["passages"]);
    for limit in ["10001", "x"] {
        let response = server.get(&format!("/api/kwic?q=yarborough&limit={limit}"));
        assert_eq!(response.status, 400, "limit={limit}");
    }
    let counted = server.get("/api/kwic?q=yarborough&limit=0").json();
    assert!(counted["lines"].as_array().unwrap().is_empty());
    assert_eq!(counted["passages"], every["passages"]);
}

#[test]
fn batch_posts_queries_and_answers_as_cita_batch() {
    let server = &shipped();
    let queries = "# names\n\"Plan LAZO\"\n\nYarborough\npetro visa\n";
    let dir = tempfile::TempDir::new_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let file = dir.path().join("names.txt");
    std::fs::write(&file, queries).unwrap();
    let file = file.to_str().unwrap();
    for (params, flags) in [
        ("", vec![]),
        (
            "?limit=2&snippet_chars=60&lang=en",
            vec!["-n", "2", "--snippet-chars", "60", "--lang", "en"],
        ),
        (
            "?format=jsonl&since=2026",
            vec!["--format", "jsonl", "--since", "2026"],
        ),
    ] {
        let response = post(server, &format!("/api/batch{params}"), queries);
        assert_eq!(response.status, 200, "{}", response.text());
        let mut args = vec!["batch"];
        args.extend(flags);
        args.push(file);
        let (_, cli) = cli_on_shipped(&args);
        assert_eq!(response.text(), cli, "{params}");
        assert!(cli.lines().count() > 2, "{params}: hits");
    }
    // A query that does not parse refuses the batch, naming its line.
    let response = post(server, "/api/batch", "lazo\n\"unclosed\n");
    assert_eq!(response.status, 400);
    let message = response.error();
    assert!(message.starts_with("line 2: invalid query"), "{message}");
    assert!(!message.contains('\n'));
    // Options that fail every query refuse the batch once, as a search.
    let response = post(server, "/api/batch?since=2026&until=2025", "lazo\npetro\n");
    assert_eq!(response.status, 400);
    let refused = server.get(&search_target("lazo", "&since=2026&until=2025"));
    assert_eq!(refused.status, 400);
    assert_eq!(response.error(), refused.error());
    // The documented caps: queries, body size; and only POST.
    let many = "lazo\n".repeat(101);
    let response = post(server, "/api/batch", &many);
    assert_eq!(response.status, 413);
    assert!(response.error().contains("at most 100"));
    let large = format!("lazo\n{}", "#".repeat(16 * 1024));
    let response = post(server, "/api/batch", &large);
    assert_eq!(response.status, 413);
    response.error();
    let response = post(server, "/api/batch", "\n# nothing\n");
    assert_eq!(response.status, 400);
    response.error();
    let response = server.get("/api/batch");
    assert_eq!(response.status, 405);
    assert_eq!(response.header("allow"), Some("POST"));
    response.error();
}

#[test]
fn passage_cites_itself_as_search_does() {
    let server = &shipped();
    let page = server.get_json(&search_target("\"Plan LAZO\"", "&cite=true&limit=1"));
    let hit = &hits(&page)[0];
    let id = hit["id"].as_str().unwrap();
    let found = server.get_json(&format!("/api/passages/{id}?context=1&cite=true"));
    assert_eq!(found["citation"], hit["citation"]);
    let plain = server.get_json(&format!("/api/passages/{id}?context=1"));
    assert!(plain.get("citation").is_none());
    let (_, show) = cli_on_shipped_before_query(&["show", "--format", "json", "-C", "1", id]);
    let show: Value = serde_json::from_str(&show).unwrap();
    assert_eq!(plain, show);
}

#[test]
fn each_facet_value_is_a_filter_with_the_same_count() {
    let fixture = Fixture::new();
    fixture
        .file(
            "silla.md",
            "---\ntitle: Quokka notes\npublication: La Silla Vacía\ndate: 2024-05-02\n---\n\nA quokka in Bogotá.\n\nAnother quokka, later.\n",
        )
        .file(
            "page.html",
            "<html><head><title>Quokka page</title><meta property=\"og:site_name\" content=\"El Tiempo\"></head><body><p>The quokka smiles.</p></body></html>",
        )
        .file("plain.txt", "Quokka plain notes.\n\nUn quokka en español, en Bogotá, sin duda alguna.\n");
    assert!(fixture.index().status.success());
    let server = Server::start(&fixture.index_path(), &[]);
    let facets = server.get_json("/api/search?q=quokka&facets=true&limit=0")["facets"].clone();
    let total = |extra: &str| {
        server.get_json(&format!("/api/search?limit=0{extra}"))["total"]
            .as_u64()
            .unwrap()
    };
    let formats = facets["formats"].as_array().unwrap();
    let names: Vec<&str> = formats
        .iter()
        .map(|f| f["value"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 3, "{facets}");
    for name in ["markdown", "html", "text"] {
        assert!(names.contains(&name), "{facets}");
    }
    for facet in formats {
        let q = format!("quokka format:{}", facet["value"].as_str().unwrap());
        assert_eq!(
            total(&format!("&q={}", encode(&q))),
            facet["count"].as_u64().unwrap(),
            "{q}"
        );
    }
    let publications = facets["publications"].as_array().unwrap();
    assert!(!publications.is_empty(), "{facets}");
    for facet in publications {
        let q = format!(
            "(quokka) publication:\"{}\"",
            facet["value"].as_str().unwrap()
        );
        assert_eq!(
            total(&format!("&q={}", encode(&q))),
            facet["count"].as_u64().unwrap(),
            "{q}"
        );
    }
    for facet in facets["languages"].as_array().unwrap() {
        let lang = facet["value"].as_str().unwrap();
        assert_eq!(
            total(&format!("&q=quokka&lang={lang}")),
            facet["count"].as_u64().unwrap()
        );
    }
    for facet in facets["years"].as_array().unwrap() {
        let year = facet["value"].as_str().unwrap();
        assert_eq!(
            total(&format!("&q=quokka&since={year}&until={year}")),
            facet["count"].as_u64().unwrap()
        );
    }
    // An unknown format is a one-line 400 that lists the known ones.
    let response = server.get("/api/search?q=quokka+format:txt");
    assert_eq!(response.status, 400);
    let message = response.error();
    assert!(
        message.contains("unknown format `txt`") && message.contains("`markdown`"),
        "{message}"
    );
}

#[test]
fn every_documented_parameter_is_accepted_and_no_other() {
    let server = &shipped();
    let doc = server.get_json("/api/openapi.json");
    let id = first_id(server, "lazo");
    let known = Regex::new(r"this endpoint takes (.*)$").unwrap();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let target = path.replace("{id}", &id);
            let send = |query: &str| {
                let target = if query.is_empty() {
                    target.clone()
                } else {
                    format!("{target}?{query}")
                };
                match method.as_str() {
                    "get" => server.get(&target),
                    "post" => post(server, &target, "lazo\n"),
                    other => panic!("{path}: undocumented method {other}"),
                }
            };
            let parameters: Vec<&Value> = operation["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "query")
                .collect();
            let required: Vec<String> = parameters
                .iter()
                .filter(|p| p["required"] == true)
                .map(|p| format!("{}={}", p["name"].as_str().unwrap(), encode(&example(p))))
                .collect();
            let mut documented = Vec::new();
            // Each documented parameter alone (with the required ones, and
            // the one it needs) is accepted.
            for parameter in &parameters {
                let name = parameter["name"].as_str().unwrap();
                documented.push(name.to_string());
                let mut query = required.clone();
                query.extend(needed_with(name).map(str::to_string));
                let pair = format!("{name}={}", encode(&example(parameter)));
                if !query.contains(&pair) {
                    query.push(pair);
                }
                let response = send(&query.join("&"));
                assert_eq!(
                    response.status,
                    200,
                    "{method} {path}?{}: {}",
                    query.join("&"),
                    response.text()
                );
            }
            // An undocumented one is refused, in one line that lists the documented ones.
            let mut query = required.clone();
            query.push("bogus=1".to_string());
            let response = send(&query.join("&"));
            assert_eq!(response.status, 400, "{method} {path} with bogus");
            let message = response.error();
            assert!(!message.contains('\n'));
            let listed = known
                .captures(&message)
                .map(|c| c[1].split(", ").map(str::to_string).collect::<Vec<_>>())
                .unwrap_or_default();
            let mut listed = if listed == ["none"] {
                Vec::new()
            } else {
                listed
            };
            listed.sort();
            documented.sort();
            assert_eq!(listed, documented, "{method} {path}: {message}");
        }
    }
}

/// The parameter that `name` needs beside it: `facet_limit` limits the
/// facets asked with `facets=true` (a 400 without).
fn needed_with(name: &str) -> Option<&'static str> {
    (name == "facet_limit").then_some("facets=true")
}

/// A parameter's example, else its default, as text.
fn example(parameter: &Value) -> String {
    match (&parameter["example"], &parameter["schema"]["default"]) {
        (Value::String(s), _) => s.clone(),
        (_, Value::Number(n)) => n.to_string(),
        (_, Value::Bool(b)) => b.to_string(),
        (_, Value::String(s)) => s.clone(),
        other => panic!("parameter without example or default: {other:?}"),
    }
}

#[test]
fn every_answer_says_how_long_the_server_took() {
    let server = &shipped();
    for target in ["/api/search?q=lazo", "/api/stats", "/api/nothing", "/"] {
        let response = server.get(target);
        let timing = response.header("server-timing").unwrap_or_default();
        let millis: f64 = timing
            .strip_prefix("app;dur=")
            .and_then(|ms| ms.parse().ok())
            .unwrap_or_else(|| panic!("{target}: server-timing {timing:?}"));
        assert!(millis >= 0.0);
    }
}
