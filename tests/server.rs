//! `cita serve`, run as the real binary on a free loopback port: every
//! endpoint, every error status, the limits, CORS, reloading after
//! `cita index`, clean shutdown, and that the API answers exactly what
//! `cita search --format json` prints.

mod common;

use common::http::{Server, encode, get, request};
use common::*;
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
            "hits",
            "cita_version",
            "index_fingerprint",
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
                "hits",
                "index_fingerprint",
                "limit",
                "offset",
                "query",
                "total"
            ]
        );
    }
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
    let id = first_id(server, "lazo");
    let paths = doc["paths"].as_object().unwrap();
    let mut listed: Vec<&str> = paths.keys().map(String::as_str).collect();
    listed.sort_unstable();
    assert_eq!(
        listed,
        [
            "/api/openapi.json",
            "/api/passages/{id}",
            "/api/search",
            "/api/stats",
            "/healthz"
        ]
    );
    for (path, item) in paths {
        let operation = &item["get"];
        // Every documented parameter, with its example or default.
        let mut query = Vec::new();
        for parameter in operation["parameters"].as_array().into_iter().flatten() {
            if parameter["in"] == "query" {
                let value = match (&parameter["example"], &parameter["schema"]["default"]) {
                    (Value::String(s), _) => s.clone(),
                    (_, Value::Number(n)) => n.to_string(),
                    other => panic!("{path}: parameter without example or default: {other:?}"),
                };
                query.push(format!(
                    "{}={}",
                    parameter["name"].as_str().unwrap(),
                    encode(&value)
                ));
            }
        }
        let mut target = path.replace("{id}", &id);
        if !query.is_empty() {
            target = format!("{target}?{}", query.join("&"));
        }
        let response = server.get(&target);
        assert_eq!(response.status, 200, "GET {target}: {}", response.text());
        let body = response.json();
        let schema = &operation["responses"]["200"]["content"]["application/json"]["schema"];
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
        search_target("lazo", "&limit=1&limit=2"),
        format!("/api/passages/{}?context=21", first_id(server, "lazo")),
        "/api/passages/x?context=many".to_string(),
        "/api/stats?verbose=1".to_string(),
    ];
    for target in cases {
        let response = server.get(&target);
        assert_eq!(response.status, 400, "GET {target}: {}", response.text());
        assert!(!response.error().is_empty());
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
    let at_cap = server.get(&search_target(&"lazo ".repeat(200), ""));
    assert_eq!(at_cap.status, 200, "{}", at_cap.text());

    let long_target = format!("/api/stats?{}", "x".repeat(9000));
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

    let out = run(&[
        "serve",
        "--index",
        shipped_index().to_str().unwrap(),
        "--addr",
        "127.0.0.1:0",
        "--cors",
        "not an origin",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is not an origin"),
        "{}",
        stderr(&out)
    );
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
