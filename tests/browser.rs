//! The search page in headless Chromium, driven over WebDriver (chromedriver
//! and the fantoccini client): typing a query, highlighted results, opening a
//! passage in context, and document text containing `<script>` shown as
//! text; the workbench (issue #23): clicking a facet, a timeline bar,
//! grouping, a permalink, and the CSV export compared with `cita search
//! --format csv`; a passage with copies in other documents shown once, its
//! copies on demand (issue #24); a batch downloaded as `cita batch` writes
//! it, one run at a time; partial matches shown and paged to, places with a
//! PDF page or a feed record, grouped paging, Shift+click on the timeline,
//! the format facet's errors, and no console error on loading the page.
//! Needs Debian's `chromium` and `chromium-driver`
//! (`.ci/run` installs them); without them this test fails, it never
//! passes silently.

mod common;

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::http::{Server, encode};
use common::*;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

/// Extra document indexed beside the shipped corpus: markup that must never run.
const PROBE: &str = "---\ntitle: \"Escaping <b>probe</b>\"\n---\n\
Markup quoted in an escapeprobe note: <script>window.citaInjected = true</script> \
and <img src=x onerror=\"window.citaInjected = true\"> stay text.\n\n\
A second escapeprobe paragraph, for context.\n";

const WAIT: Duration = Duration::from_secs(30);

const TEN: [&str; 10] = [
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
];

fn on_path(name: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|path| path.is_file())
    })
}

/// Installs Debian's chromium and chromium-driver once, so that `cargo test`
/// alone passes on a fresh machine (as root, as this project's machines are).
fn install_browser() {
    static INSTALLED: std::sync::OnceLock<()> = std::sync::OnceLock::new();
    INSTALLED.get_or_init(|| {
        if on_path("apt-get").is_some() {
            let _ = Command::new("sh")
                .args([
                    "-c",
                    "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver",
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
    });
}

/// A program on PATH (installed on first need), or a loud failure saying how to install it.
fn program(name: &str) -> String {
    let found = on_path(name).or_else(|| {
        install_browser();
        on_path(name)
    });
    match found {
        Some(path) => path.to_string_lossy().into_owned(),
        None => panic!(
            "{name} is not installed: the browser test needs Debian's chromium and chromium-driver \
             (apt-get install -y chromium chromium-driver; .ci/run does this)"
        ),
    }
}

/// chromedriver on a free loopback port; killed when dropped.
struct Driver {
    child: Child,
    addr: SocketAddr,
}

impl Driver {
    fn start() -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(program("chromedriver"))
            .args([
                format!("--port={port}"),
                "--allowed-ips=127.0.0.1".to_string(),
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let deadline = Instant::now() + WAIT;
        while TcpStream::connect(addr).is_err() {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not listen on {addr}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Driver { child, addr }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Headless Chromium with its profile in `profile`, saving downloads in `downloads`.
async fn browser(driver: &Driver, profile: &Path, downloads: &Path) -> Client {
    let chromium = program("chromium");
    let capabilities = json!({
        "browserName": "chrome",
        // The console, read through chromedriver's log endpoint (see `console`).
        "goog:loggingPrefs": { "browser": "ALL" },
        "goog:chromeOptions": {
            "binary": chromium,
            "prefs": {
                "download.default_directory": downloads,
                "download.prompt_for_download": false,
            },
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1200,900",
                format!("--user-data-dir={}", profile.display()),
            ]
        }
    });
    let Value::Object(capabilities) = capabilities else {
        unreachable!()
    };
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(&format!("http://{}", driver.addr))
        .await
        .expect("chromedriver starts a headless Chromium")
}

/// The highlighted strings of each hit, as the API reports them.
fn api_marks(server: &Server, query: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let page = server.get_json(&format!("/api/search?q={}", encode(query)));
    let ids = hits(&page)
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect();
    (ids, hits(&page).iter().map(highlighted).collect())
}

async fn texts(client: &Client, css: &str) -> Vec<String> {
    let mut out = Vec::new();
    for element in client.find_all(Locator::Css(css)).await.unwrap() {
        out.push(element.text().await.unwrap());
    }
    out
}

async fn search_in_page(client: &Client, query: &str, first_id: &str) {
    let input = client.find(Locator::Id("q")).await.unwrap();
    input.clear().await.unwrap();
    input.send_keys(query).await.unwrap();
    client
        .find(Locator::Css("#search button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(&format!("li.hit[data-id=\"{first_id}\"]")))
        .await
        .expect("the results appear");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_page_in_headless_chromium() {
    // Fail before anything else when the browser is missing.
    program("chromium");
    let fixture = Fixture::new();
    for entry in std::fs::read_dir(shipped_corpus()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, fixture.corpus().join(path.file_name().unwrap())).unwrap();
    }
    // Plain text keeps markup as text (Markdown would drop inline HTML).
    fixture.file("probe.txt", PROBE);
    // One paragraph in three documents, as twins differing in case and
    // punctuation only.
    for (name, text) in [
        (
            "twins/a.txt",
            "The twinprobe paragraph, printed in three editions.",
        ),
        (
            "twins/b.txt",
            "the TWINPROBE paragraph printed in three editions",
        ),
        (
            "twins/c.md",
            "The twinprobe paragraph: printed in three editions!",
        ),
    ] {
        fixture.file(name, text);
    }
    // Places with a PDF page and feed records, each in two documents so
    // that a hit lists a copy with its page or record.
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds");
    for (seed, name) in [
        ("pdf/furniture.pdf", "pdf/furniture.pdf"),
        ("pdf/furniture.pdf", "pdf/reprint.pdf"),
        ("jsonl/feed.jsonl", "feed.jsonl"),
        ("jsonl/feed.jsonl", "wire/feed.jsonl"),
    ] {
        fixture.file(name, std::fs::read(seeds.join(seed)).unwrap());
    }
    // A story dated by its dateline, for the mark of an inferred date.
    fixture.file(
        "wire/cable.txt",
        "BOGOTÁ, 9 de abril de 1948 — Colombia amanece en llamas tras el asesinato de Gaitán.\n",
    );
    // A letter with an author, for the author facet.
    fixture.file(
        "letters/carta.md",
        "---\nauthor: \"María Pérez <maria@example.org>\"\n---\nUna carta sobre Colombia, escrita en Bogotá.\n",
    );
    // More authors than the page lists at first.
    for at in 0..25 {
        fixture.file(
            &format!("authors/{at:02}.md"),
            format!("---\nauthor: \"Autor {at:02}\"\n---\nThe facetprobe note of author {at}.\n"),
        );
    }
    // Exactly ten documents holding a word, each once; "paragraph" is in
    // other documents too, so `tenprobe paragraph` has ten full matches,
    // then partial ones.
    for (at, word) in TEN.iter().enumerate() {
        fixture.file(
            &format!("ten/{at}.txt"),
            format!("The tenprobe paragraph of file {word}."),
        );
    }
    let out = fixture.index();
    assert!(out.status.success(), "{}", stderr(&out));
    let server = Server::start(&fixture.index_path(), &[]);
    let driver = Driver::start();
    let profile = tempfile::TempDir::new_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let downloads = tempfile::TempDir::new_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let client = browser(&driver, profile.path(), downloads.path()).await;
    let mut result = drive(&client, &server, driver.addr).await;
    if result.is_ok() {
        result = workbench(&client, &server, &fixture.index_path(), downloads.path()).await;
    }
    if result.is_ok() {
        result = pages_and_places(&client, &server, &fixture.index_path()).await;
    }
    client.close().await.ok();
    result.unwrap();
}

/// Asks `probe` until it answers something; fails naming `what` after
/// [`WAIT`]. The page and the browser change on their own time: each
/// condition is asked again every 20 ms rather than waited for blindly.
async fn until<T, F, Fut>(what: &str, mut probe: F) -> Result<T, String>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Option<T>, String>>,
{
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(value) = probe().await? {
            return Ok(value);
        }
        if Instant::now() > deadline {
            return Err(format!("gave up waiting for {what}"));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Runs `script` in the page once and returns what it returns.
async fn js(client: &Client, script: &str) -> Result<Value, String> {
    client
        .execute(script, vec![])
        .await
        .map_err(|e| e.to_string())
}

/// Runs `script` in the page until it returns something other than null or
/// false, and returns that; fails naming `what` after [`WAIT`].
async fn until_js(client: &Client, what: &str, script: &str) -> Result<Value, String> {
    until(what, || async {
        let value = js(client, script).await?;
        Ok((!matches!(value, Value::Null | Value::Bool(false))).then_some(value))
    })
    .await
}

async fn click(client: &Client, css: &str) -> Result<(), String> {
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .map_err(|e| format!("{css}: {e}"))?
        .click()
        .await
        .map_err(|e| format!("{css}: {e}"))
}

/// The passage shown in context as the current one, once it is, when it is `id`.
async fn current_passage(
    client: &Client,
    id: &str,
) -> Result<fantoccini::elements::Element, String> {
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(&format!(
            "#passage-context p.current[data-id=\"{id}\"]"
        )))
        .await
        .map_err(|e| e.to_string())
}

/// The ids of an API answer's hits.
fn ids(page: &Value) -> Value {
    Value::from(
        hits(page)
            .iter()
            .map(|h| h["id"].clone())
            .collect::<Vec<_>>(),
    )
}

/// Waits until the page shows `expected` as its hits (after a search the
/// page started), and the status line names `total`.
async fn until_shown(client: &Client, expected: &Value, total: u64) -> Result<(), String> {
    let script = format!(
        "const ids = Array.from(document.querySelectorAll('#results > li.hit')).map(li => li.dataset.id); \
         return JSON.stringify(ids) === {:?} && document.getElementById('status').textContent.includes(' {total} matching passage');",
        expected.to_string()
    );
    until_js(client, &format!("the hits {expected} of {total}"), &script)
        .await
        .map(drop)
}

async fn workbench(
    client: &Client,
    server: &Server,
    index: &Path,
    downloads: &Path,
) -> Result<(), String> {
    let base = format!("http://{}", server.addr);
    let base = base.as_str();
    let goto = |target: String| async move {
        client
            .goto(&format!("{base}{target}"))
            .await
            .map_err(|e| e.to_string())
    };

    // A facet: its count is the API's; clicking it filters the results and
    // shows a chip; removing the chip brings the whole result back.
    let all = server.get_json("/api/search?q=colombia&facets=true");
    let total = all["total"].as_u64().unwrap();
    let year = all["facets"]["years"]
        .as_array()
        .unwrap()
        .iter()
        .find(|y| y["count"].as_u64().unwrap() < total)
        .expect("a year holds only some of the matches")
        .clone();
    let value = year["value"].as_str().unwrap();
    goto("/?q=colombia".to_string()).await?;
    until_shown(client, &ids(&all), total).await?;
    let facet = format!("#facets section[data-facet=year] button[data-value=\"{value}\"]");
    let shown = client
        .find(Locator::Css(&format!("{facet} .count")))
        .await
        .map_err(|e| e.to_string())?
        .text()
        .await
        .map_err(|e| e.to_string())?;
    assert_eq!(shown, year["count"].to_string(), "the facet's count");
    click(client, &facet).await?;
    let narrowed = server.get_json(&format!(
        "/api/search?q=colombia&since={value}&until={value}"
    ));
    assert_eq!(narrowed["total"], year["count"]);
    until_shown(client, &ids(&narrowed), year["count"].as_u64().unwrap()).await?;
    let chips = texts(client, "#chips button").await;
    assert_eq!(chips, [format!("date: {value} ✕")]);
    click(client, "#chips button").await?;
    until_shown(client, &ids(&all), total).await?;

    // A publication facet filters by the whole name (the API's exact
    // `publication`), to the count it showed.
    let publication = all["facets"]["publications"][0].clone();
    let name = publication["value"].as_str().unwrap();
    assert!(publication["count"].as_u64().unwrap() < total);
    click(
        client,
        &format!("#facets section[data-facet=pub] button[data-value=\"{name}\"]"),
    )
    .await?;
    let narrowed = server.get_json(&format!(
        "/api/search?q=colombia&publication={}",
        name.replace(' ', "%20")
    ));
    assert_eq!(narrowed["total"], publication["count"]);
    until_shown(client, &ids(&narrowed), narrowed["total"].as_u64().unwrap()).await?;
    click(client, "#chips button").await?;
    until_shown(client, &ids(&all), total).await?;

    // An author facet likewise (the API's exact `author`), with its chip.
    let author = all["facets"]["authors"][0].clone();
    let name = author["value"].as_str().unwrap();
    assert_eq!(name, "María Pérez <maria@example.org>");
    click(
        client,
        &format!("#facets section[data-facet=author] button[data-value=\"{name}\"]"),
    )
    .await?;
    let narrowed = server.get_json(&format!("/api/search?q=colombia&author={}", encode(name)));
    assert_eq!(narrowed["total"], author["count"]);
    assert_eq!(narrowed["total"], 1);
    until_shown(client, &ids(&narrowed), 1).await?;
    let chips = texts(client, "#chips button").await;
    assert_eq!(chips, [format!("author: {name} ✕")]);
    click(client, "#chips button").await?;
    until_shown(client, &ids(&all), total).await?;
    // The filter compares folded words, and so does the button it presses.
    goto(format!(
        "/?q=colombia&author={}",
        encode("MARIA PEREZ maria example org")
    ))
    .await?;
    until_shown(client, &ids(&narrowed), 1).await?;
    let pressed = until_js(
        client,
        "the author's button pressed",
        "const b = document.querySelector('#facets section[data-facet=author] button.facet-value'); \
         return b && [b.dataset.value, b.getAttribute('aria-pressed')];",
    )
    .await?;
    assert_eq!(pressed, json!([name, "true"]));
    goto("/?q=colombia".to_string()).await?;
    until_shown(client, &ids(&all), total).await?;

    // Of 25 authors, the 20 most frequent are listed, the rest on demand.
    goto("/?q=facetprobe".to_string()).await?;
    let authors = "#facets section[data-facet=author]";
    let listed = |count: usize| {
        let script = format!(
            "return document.querySelectorAll('{authors} .facet-value').length === {count} \
             && document.querySelector('{authors} .facet-more').hidden === ({count} === 25)"
        );
        async move { until_js(client, &format!("{count} authors listed"), &script).await }
    };
    listed(20).await?;
    assert_eq!(
        texts(client, &format!("{authors} .facet-more")).await,
        ["5 more"]
    );
    click(client, &format!("{authors} .facet-more")).await?;
    listed(25).await?;
    goto("/?q=colombia".to_string()).await?;
    until_shown(client, &ids(&all), total).await?;

    // An inferred date is marked as such.
    let cable = server.get_json("/api/search?q=gaitan");
    goto("/?q=gaitan".to_string()).await?;
    until_shown(client, &ids(&cable), cable["total"].as_u64().unwrap()).await?;
    let inferred = hits(&cable)
        .iter()
        .find(|h| h["date_origin"] == "text")
        .expect("the cable's date is inferred from its dateline");
    let marked = texts(
        client,
        &format!(
            "#results li.hit[data-id=\"{}\"] .meta .inferred",
            inferred["id"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(
        marked,
        [format!(
            "≈ {}, inferred from the text",
            inferred["date"].as_str().unwrap()
        )]
    );
    goto("/?q=colombia".to_string()).await?;
    until_shown(client, &ids(&all), total).await?;

    // Each hit's buttons are described by its title, for a screen reader
    // that lists the page's buttons.
    let described = js(
        client,
        "return Array.from(document.querySelectorAll('#results > li.hit button.open'), (b) => \
         [b.closest('li.hit').querySelector('.title').textContent, \
          document.getElementById(b.getAttribute('aria-describedby')).textContent]);",
    )
    .await?;
    let described = described.as_array().unwrap();
    assert!(
        !described.is_empty() && described.iter().all(|pair| pair[0] == pair[1]),
        "{described:?}"
    );
    // The timeline is one Tab stop; the arrow keys move along its bars.
    let stops = until_js(
        client,
        "the timeline's bars",
        "const bars = Array.from(document.querySelectorAll('#bars .bar')); \
         return bars.length > 1 && bars.map((b) => b.tabIndex);",
    )
    .await?;
    let stops = stops.as_array().unwrap();
    assert!(
        stops[0] == 0 && stops[1..].iter().all(|stop| stop == -1),
        "{stops:?}"
    );
    let moved = js(
        client,
        "const bars = Array.from(document.querySelectorAll('#bars .bar')); bars[0].focus(); \
         bars[0].dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true })); \
         return [bars.indexOf(document.activeElement), bars[1].tabIndex, bars[0].tabIndex];",
    )
    .await?;
    assert_eq!(moved, json!([1, 0, -1]));

    // A timeline bar: clicking it applies its period as the date range.
    let timeline = server.get_json("/api/timeline?q=colombia");
    let row = timeline["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["count"].as_u64().unwrap() > 0)
        .unwrap();
    let period = row["period"].as_str().unwrap();
    click(client, &format!("#bars .bar[data-period=\"{period}\"]")).await?;
    let ranged = server.get_json(&format!(
        "/api/search?q=colombia&since={period}&until={period}"
    ));
    until_shown(client, &ids(&ranged), row["count"].as_u64().unwrap()).await?;
    let url = client.current_url().await.map_err(|e| e.to_string())?;
    assert!(
        url.as_str()
            .contains(&format!("since={period}&until={period}")),
        "{url}"
    );
    let since = client
        .find(Locator::Id("since"))
        .await
        .map_err(|e| e.to_string())?
        .prop("value")
        .await
        .map_err(|e| e.to_string())?;
    assert_eq!(since.as_deref(), Some(period));

    // Grouping: one item per document, the others behind "+N more".
    goto("/?q=colombia".to_string()).await?;
    until_shown(client, &ids(&all), total).await?;
    click(client, "#group").await?;
    let grouped = server.get_json("/api/search?q=colombia&group=true");
    let groups = grouped["groups"].as_array().unwrap();
    until_shown(client, &ids(&grouped), total).await?;
    let url = client.current_url().await.map_err(|e| e.to_string())?;
    assert!(url.as_str().contains("group=1"), "{url}");
    let group = groups
        .iter()
        .find(|g| g["hits"].as_array().unwrap().len() > 1)
        .expect("a document with several matching passages");
    let more = group["hits"].as_array().unwrap().len() - 1;
    let item = format!(
        "#results > li.group[data-id=\"{}\"]",
        group["hits"][0]["id"].as_str().unwrap()
    );
    let toggle = texts(client, &format!("{item} > button.more")).await;
    assert_eq!(toggle, [format!("+{more} more passages in this document")]);
    // Documents are numbered as documents, not by their first passage's rank.
    let numbers: Vec<String> = texts(client, "#results > li.group > div.title")
        .await
        .iter()
        .map(|title| title.split_once(". ").unwrap().0.to_string())
        .collect();
    let ranks: Vec<String> = groups.iter().map(|g| g["rank"].to_string()).collect();
    assert_eq!(numbers, ranks[..numbers.len()]);
    click(client, &format!("{item} > button.more")).await?;
    let others = until_js(
        client,
        "the group's other passages",
        &format!(
            "const others = document.querySelector('{item} > ol.others'); \
             return others && !others.hidden && Array.from(others.querySelectorAll('li.hit')).map(li => li.dataset.id);"
        ),
    )
    .await?;
    let expected: Vec<Value> = group["hits"].as_array().unwrap()[1..]
        .iter()
        .map(|h| h["id"].clone())
        .collect();
    assert_eq!(others, Value::from(expected));

    // A permalink reopens exactly that passage in context.
    let id = hits(&all)[0]["id"].as_str().unwrap();
    let link = client
        .find(Locator::Css(&format!(
            "#results li.hit[data-id=\"{id}\"] a.permalink"
        )))
        .await
        .map_err(|e| e.to_string())?
        .attr("href")
        .await
        .map_err(|e| e.to_string())?
        .unwrap();
    goto(link).await?;
    let current = current_passage(client, id).await?;
    assert_eq!(
        current.text().await.unwrap(),
        hits(&all)[0]["text"].as_str().unwrap()
    );
    let citation = server.get_json(&format!("/api/passages/{id}?cite=true"))["citation"].clone();
    assert_eq!(
        texts(client, "#passage-citation").await,
        [citation.as_str().unwrap()]
    );

    // "Back to results" from a passage opened on the results goes back in
    // the history (no new entry), to where the page was scrolled.
    goto("/?q=colombia".to_string()).await?;
    until_shown(client, &ids(&all), total).await?;
    let scrolled = js(
        client,
        "window.scrollTo(0, document.body.scrollHeight); return window.scrollY;",
    )
    .await?;
    let last = hits(&all).last().unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Clicked from the page's script: WebDriver's click would scroll first.
    js(
        client,
        &format!(
            "document.querySelector('#results li.hit[data-id=\"{last}\"] button.open').click();"
        ),
    )
    .await?;
    current_passage(client, &last).await?;
    // The tab's title tells history entries and bookmarks apart.
    assert_eq!(
        js(client, "return document.title;").await?,
        "passage — cita"
    );
    let entries = js(client, "return history.length;").await?;
    click(client, "#back").await?;
    until_shown(client, &ids(&all), total).await?;
    let back = until_js(
        client,
        "the results scrolled back",
        &format!(
            "return !location.search.includes('passage=') && window.scrollY === {scrolled} && [history.length, window.scrollY];"
        ),
    )
    .await?;
    assert_eq!(back[0], entries, "Back to results adds no history entry");
    assert_eq!(
        js(client, "return document.title;").await?,
        "colombia — cita"
    );

    // A date typed but not searched yet stays typed when the sort, which
    // applies to the search shown, changes.
    js(
        client,
        "document.getElementById('since').value = '1990'; \
         const sort = document.getElementById('sort'); sort.value = 'date'; \
         sort.dispatchEvent(new Event('change')); return true;",
    )
    .await?;
    let sorted = until_js(
        client,
        "the search sorted by date",
        "return location.search.includes('sort=date') \
         && [location.search, document.getElementById('since').value];",
    )
    .await?;
    assert!(
        !sorted[0].as_str().unwrap().contains("since") && sorted[1] == "1990",
        "{sorted}"
    );
    // And when a facet is clicked.
    click(
        client,
        "#facets section[data-facet=lang] button[data-value=en]",
    )
    .await?;
    let faceted = until_js(
        client,
        "the search narrowed to English",
        "return location.search.includes('lang=en') \
         && [location.search, document.getElementById('since').value];",
    )
    .await?;
    assert!(
        !faceted[0].as_str().unwrap().contains("since") && faceted[1] == "1990",
        "{faceted}"
    );

    // The CSV export, after sorting and a language facet, is the CLI's CSV
    // for the same query and options.
    goto("/?q=colombia&sort=-date".to_string()).await?;
    click(
        client,
        "#facets section[data-facet=lang] button[data-value=en]",
    )
    .await?;
    until_js(
        client,
        "the language chip",
        "return Array.from(document.querySelectorAll('#chips button')).some(b => b.textContent.startsWith('language: en'));",
    )
    .await?;
    // The link is shown (its paragraph un-hidden) once the faceted search is in.
    click(client, "#tools:not([hidden]) #export").await?;
    let downloaded = download(downloads, "cita-search.csv").await?;
    let cli = run(&[
        "search",
        "--format",
        "csv",
        "-n",
        "100",
        "--cite",
        "--sort",
        "-date",
        "--lang",
        "en",
        "--index",
        index.to_str().unwrap(),
        "--",
        "colombia",
    ]);
    assert!(cli.status.success(), "{}", stderr(&cli));
    assert_eq!(String::from_utf8(downloaded).unwrap(), stdout(&cli));

    // Copies: one hit, saying where else it is; the other copies on
    // demand, each a link to it; "every copy" shows each as a hit.
    let twins = server.get_json("/api/search?q=twinprobe");
    assert_eq!(
        (&twins["total"], &twins["distinct"]),
        (&json!(3), &json!(1))
    );
    goto("/?q=twinprobe".to_string()).await?;
    until_shown(client, &ids(&twins), 3).await?;
    let status = texts(client, "#status").await;
    assert_eq!(
        status,
        ["1–1 of 1 distinct passage; 3 matching passages in all"]
    );
    // Partial matches looked for and none found: the same status.
    let both = server.get_json("/api/search?q=twinprobe+editions");
    assert_eq!(
        (&both["total"], &both["partial_total"]),
        (&json!(3), &json!(0))
    );
    goto("/?q=twinprobe+editions".to_string()).await?;
    until_shown(client, &ids(&both), 3).await?;
    assert_eq!(texts(client, "#status").await, status);
    goto("/?q=twinprobe".to_string()).await?;
    until_shown(client, &ids(&twins), 3).await?;
    let hit = &hits(&twins)[0];
    let item = format!(
        "#results > li.hit[data-id=\"{}\"]",
        hit["id"].as_str().unwrap()
    );
    let toggle = texts(client, &format!("{item} > button.more")).await;
    assert_eq!(toggle, ["also in 2 other documents"]);
    click(client, &format!("{item} > button.more")).await?;
    let listed = until_js(
        client,
        "the other copies",
        &format!(
            "const list = document.querySelector('{item} > ul.duplicates'); \
             return list && !list.hidden && Array.from(list.querySelectorAll('a.duplicate')).map(a => [a.textContent, a.getAttribute('href')]);"
        ),
    )
    .await?;
    let expected: Vec<Value> = hit["duplicates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            json!([
                d["source"],
                format!("/?passage={}", d["id"].as_str().unwrap())
            ])
        })
        .collect();
    assert_eq!(listed, Value::from(expected));
    // Open in context and back: the list of copies is open again.
    click(
        client,
        &format!("{item} > .actions button.open, {item} button.open"),
    )
    .await?;
    until_js(
        client,
        "the passage",
        "return location.search.includes('passage=');",
    )
    .await?;
    click(client, "#back").await?;
    until_js(
        client,
        "the copies open again",
        &format!(
            "const toggle = document.querySelector('{item} > button.more'); \
             return !location.search.includes('passage=') && toggle \
             && toggle.getAttribute('aria-expanded') === 'true' \
             && !document.querySelector('{item} > ul.duplicates').hidden;"
        ),
    )
    .await?;
    // A copy opens in the page, as "Show in context" does: Back to results
    // returns to the search.
    let copy = hit["duplicates"][0]["id"].as_str().unwrap();
    click(
        client,
        &format!("{item} > ul.duplicates a.duplicate[href$=\"{copy}\"]"),
    )
    .await?;
    until_js(
        client,
        "the copy in context",
        &format!("return location.search.includes('passage={copy}') && !document.getElementById('back').hidden;"),
    )
    .await?;
    click(client, "#back").await?;
    until_js(
        client,
        "the results again",
        &format!(
            "return !location.search.includes('passage=') && !!document.querySelector('{item}');"
        ),
    )
    .await?;
    click(client, "#copies").await?;
    let every = server.get_json("/api/search?q=twinprobe&collapse=false");
    until_shown(client, &ids(&every), 3).await?;
    assert_eq!(hits(&every).len(), 3);
    let url = client.current_url().await.map_err(|e| e.to_string())?;
    assert!(url.as_str().contains("copies=1"), "{url}");

    // Batch: the queries typed, the CSV downloaded is `cita batch`'s. Sent
    // twice at once, it runs once (a second run could download over the
    // first); the button disabled while it ran is enabled again.
    goto("/?view=batch".to_string()).await?;
    let queries = "colombia\n# skipped\n\n\"Plan LAZO\"\n";
    client
        .execute(
            "document.getElementById('batch-queries').value = arguments[0]; \
             document.getElementById('batch-limit').value = '3'; \
             window.batchRequests = 0; \
             const fetchOnce = window.fetch; \
             window.fetch = (url, options) => { \
               if (String(url).startsWith('/api/batch')) window.batchRequests += 1; \
               return fetchOnce(url, options); \
             }; \
             const form = document.getElementById('batch-form'); \
             form.requestSubmit(); \
             form.requestSubmit();",
            vec![json!(queries)],
        )
        .await
        .map_err(|e| e.to_string())?;
    let downloaded = download(downloads, "cita-batch.csv").await?;
    let requests = until_js(
        client,
        "the batch done",
        "const button = document.querySelector('#batch-form button[type=submit]'); \
         const done = !button.disabled && document.getElementById('batch-status').textContent === 'Downloaded cita-batch.csv.'; \
         return done && window.batchRequests;",
    )
    .await?;
    assert_eq!(requests, json!(1), "one batch runs at a time");
    let file = tempfile::NamedTempFile::new_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    std::fs::write(file.path(), queries).unwrap();
    let cli = run(&[
        "batch",
        "--format",
        "csv",
        "-n",
        "3",
        "--index",
        index.to_str().unwrap(),
        file.path().to_str().unwrap(),
    ]);
    assert!(cli.status.success(), "{}", stderr(&cli));
    let csv = String::from_utf8(downloaded).unwrap();
    assert!(csv.lines().count() > 4, "rows of both queries: {csv}");
    assert_eq!(csv, stdout(&cli));
    Ok(())
}

/// The file `name` Chromium saved in `downloads`. It writes a partial file
/// under another name (`.crdownload`), then renames it: the download is
/// done when the file is there and no partial one is.
async fn download(downloads: &Path, name: &str) -> Result<Vec<u8>, String> {
    let file = downloads.join(name);
    until(&format!("a download at {}", file.display()), || async {
        let partial = std::fs::read_dir(downloads)
            .map_err(|e| e.to_string())?
            .filter_map(|entry| entry.ok())
            .any(|entry| entry.file_name().to_string_lossy().ends_with(".crdownload"));
        Ok(std::fs::read(&file).ok().filter(|_| !partial))
    })
    .await
}

/// The errors the page logged to the console since the last call, read
/// (and so cleared) through chromedriver's log endpoint at `driver`.
async fn console_errors(client: &Client, driver: SocketAddr) -> Result<Vec<Value>, String> {
    let session = client
        .session_id()
        .await
        .map_err(|e| e.to_string())?
        .ok_or("no session")?;
    let body = r#"{"type":"browser"}"#;
    let raw = format!(
        "POST /session/{session}/se/log HTTP/1.1\r\nHost: {driver}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    // chromedriver keeps the connection open: read one response, by its length.
    let log = tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(driver).map_err(|e| e.to_string())?;
        std::io::Write::write_all(&mut stream, raw.as_bytes()).map_err(|e| e.to_string())?;
        Ok::<_, String>(common::http::read_response(&mut stream).json())
    })
    .await
    .map_err(|e| e.to_string())??;
    let entries = log["value"].as_array().ok_or(format!("no log: {log}"))?;
    Ok(entries
        .iter()
        .filter(|entry| entry["level"] == "SEVERE")
        .cloned()
        .collect())
}

async fn drive(client: &Client, server: &Server, driver: SocketAddr) -> Result<(), String> {
    let base = format!("http://{}", server.addr);
    client
        .goto(&format!("{base}/"))
        .await
        .map_err(|e| e.to_string())?;

    // Typing "Plan LAZO": the page shows the API's hits with the same highlights.
    let (ids, marks) = api_marks(server, "Plan LAZO");
    assert!(!ids.is_empty());
    search_in_page(client, "Plan LAZO", &ids[0]).await;
    let shown = client
        .find_all(Locator::Css("li.hit"))
        .await
        .map_err(|e| e.to_string())?;
    assert_eq!(shown.len(), ids.len(), "one item per hit");
    for (id, expected) in ids.iter().zip(&marks) {
        let page_marks = texts(client, &format!("li.hit[data-id=\"{id}\"] mark")).await;
        assert_eq!(&page_marks, expected, "highlights of {id}");
    }
    assert!(
        marks[0].iter().any(|m| m.eq_ignore_ascii_case("lazo")),
        "{marks:?}"
    );
    let url = client.current_url().await.map_err(|e| e.to_string())?;
    assert!(
        url.as_str().contains("q=Plan+LAZO"),
        "the URL reproduces the search: {url}"
    );
    // Loading the page and searching logs no error (a browser asks for
    // /favicon.ico when the page names no icon).
    assert_eq!(console_errors(client, driver).await?, Vec::<Value>::new());

    // A URL alone reproduces the search.
    client
        .goto(&format!("{base}/?q=Plan+LAZO"))
        .await
        .map_err(|e| e.to_string())?;
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(&format!(
            "li.hit[data-id=\"{}\"] mark",
            ids[0]
        )))
        .await
        .map_err(|e| e.to_string())?;

    // Click-through to the passage in context.
    let first = &ids[0];
    client
        .find(Locator::Css(&format!(
            "li.hit[data-id=\"{first}\"] button.open"
        )))
        .await
        .map_err(|e| e.to_string())?
        .click()
        .await
        .map_err(|e| e.to_string())?;
    let current = current_passage(client, first).await?;
    let in_context = server.get_json(&format!("/api/passages/{first}?context=3"));
    assert_eq!(
        current.text().await.unwrap(),
        in_context["passage"]["text"].as_str().unwrap()
    );
    let paragraphs = texts(client, "#passage-context p[data-id]").await;
    let expected = in_context["before"].as_array().unwrap().len()
        + 1
        + in_context["after"].as_array().unwrap().len();
    assert_eq!(paragraphs.len(), expected);
    assert!(expected > 1, "neighbours are shown");

    // Document text with markup is shown as text and runs nothing.
    let (probe_ids, _) = api_marks(server, "escapeprobe");
    assert_eq!(probe_ids.len(), 2);
    search_in_page(client, "escapeprobe", &probe_ids[0]).await;
    let page_text = texts(client, "#results").await.join("\n");
    assert!(
        page_text.contains("<script>window.citaInjected = true</script>"),
        "the tag is visible as text: {page_text}"
    );
    assert!(page_text.contains("Escaping <b>probe</b>"), "{page_text}");
    let probe_page = server.get_json("/api/search?q=escapeprobe");
    let probe = hits(&probe_page)
        .iter()
        .find(|h| h["text"].as_str().unwrap().contains("<script>"))
        .and_then(|h| h["id"].as_str())
        .unwrap()
        .to_string();
    client
        .find(Locator::Css(&format!(
            "li.hit[data-id=\"{probe}\"] button.open"
        )))
        .await
        .map_err(|e| e.to_string())?
        .click()
        .await
        .map_err(|e| e.to_string())?;
    let current = current_passage(client, &probe).await?;
    assert!(
        current
            .text()
            .await
            .unwrap()
            .contains("<img src=x onerror=")
    );
    let verdict = client
        .execute(
            "return [document.querySelectorAll('main script, main img, main b').length, \
             typeof window.citaInjected];",
            vec![],
        )
        .await
        .map_err(|e| e.to_string())?;
    assert_eq!(
        verdict,
        json!([0, "undefined"]),
        "no markup from a document became DOM"
    );
    Ok(())
}

/// Waits until the status line reads `expected`.
async fn until_status(client: &Client, expected: &str) -> Result<(), String> {
    let script = format!(
        "return document.getElementById('status').textContent === {};",
        json!(expected)
    );
    until_js(client, &format!("the status {expected:?}"), &script)
        .await
        .map(drop)
}

/// The ids of the hits the page shows.
async fn shown_ids(client: &Client) -> Result<Value, String> {
    js(client, "return Array.from(document.querySelectorAll('#results > li.hit')).map(li => li.dataset.id);").await
}

/// The last line of `cita search ARGS` on `index`: what the text output
/// says of the page.
fn cli_summary(index: &Path, args: &[&str]) -> String {
    let mut all = vec!["search", "--index", index.to_str().unwrap()];
    all.extend(args);
    let out = run(&all);
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    stdout(&out).lines().last().unwrap().to_string()
}

/// Partial matches shown and paged to, places with their PDF page or
/// feed record, grouped paging, Shift+click on the timeline, and the
/// format facet's errors.
async fn pages_and_places(client: &Client, server: &Server, index: &Path) -> Result<(), String> {
    let base = format!("http://{}", server.addr);
    let base = base.as_str();
    let goto = |target: &'static str| async move {
        client
            .goto(&format!("{base}{target}"))
            .await
            .map_err(|e| e.to_string())
    };

    // No passage holds every word: the partial matches are shown, each
    // marked, under the text output's status.
    let partial = server.get_json("/api/search?q=petro+zzzyx");
    assert_eq!(partial["total"], 0);
    assert!(partial["partial_total"].as_u64().unwrap() > 10);
    goto("/?q=petro+zzzyx").await?;
    let summary = cli_summary(index, &["--", "petro", "zzzyx"]);
    assert!(summary.starts_with("1–10: 0 passages with every word, then partial matches ("));
    until_status(client, &summary).await?;
    assert_eq!(shown_ids(client).await?, ids(&partial));
    assert_eq!(
        texts(client, "#results li.hit .meta .partial").await,
        ["partial match, lacks: zzzyx"; 10]
    );

    // Ten full matches fill the first page exactly; Next reaches the
    // partial matches after them, and is then disabled.
    let first = server.get_json("/api/search?q=tenprobe+paragraph");
    assert_eq!(
        (&first["total"], &first["partial_total"]),
        (&json!(10), &Value::Null)
    );
    let second = server.get_json("/api/search?q=tenprobe+paragraph&offset=10");
    assert!(hits(&second).iter().all(|hit| hit["partial"] == true));
    let partials = &second["partial_total"];
    goto("/?q=tenprobe+paragraph").await?;
    until_status(
        client,
        &format!("1–10: 10 passages with every word, then partial matches ({partials} hold at least half of the words)"),
    )
    .await?;
    assert_eq!(shown_ids(client).await?, ids(&first));
    assert_eq!(texts(client, "#page-info").await, ["page 1 of 2"]);
    click(client, "#pager:not([hidden]) #next:not([disabled])").await?;
    let summary = cli_summary(index, &["--offset", "10", "--", "tenprobe", "paragraph"]);
    until_status(client, &summary).await?;
    assert_eq!(shown_ids(client).await?, ids(&second));
    let next = js(client, "return document.getElementById('next').disabled;").await?;
    assert_eq!(next, json!(true), "nothing after the last partial match");
    // A link to a page past the last (kept from a larger answer) says so,
    // and Previous goes to the last page.
    goto("/?q=tenprobe+paragraph&offset=50").await?;
    until_js(
        client,
        "the page past the last",
        "return document.getElementById('page-info').textContent          === 'past the last page; Previous goes back to it';",
    )
    .await?;
    click(client, "#pager:not([hidden]) #prev:not([disabled])").await?;
    until_status(client, &summary).await?;
    assert_eq!(shown_ids(client).await?, ids(&second));
    // Full matches short of a page, then partial ones: the text output's status.
    goto("/?q=%22Plan+LAZO%22+Yarborough").await?;
    until_status(
        client,
        &cli_summary(index, &["--", "\"Plan LAZO\"", "Yarborough"]),
    )
    .await?;

    // Places as the text output writes them: a PDF's page, a feed's
    // record, in the hit, its copies and the passage in context.
    goto("/?q=workspace").await?;
    let item = "#results > li.hit";
    until_js(
        client,
        "the PDF's page",
        &format!(
            "const place = document.querySelector('{item} .meta .place'); \
             return place && place.textContent === 'pdf/furniture.pdf p.3 ¶2';"
        ),
    )
    .await?;
    click(client, &format!("{item} > button.more")).await?;
    assert_eq!(
        texts(client, &format!("{item} > ul.duplicates li")).await,
        ["pdf/reprint.pdf p.3 ¶2 · Frequently asked questions on R · 2024-03-01"]
    );
    click(client, &format!("{item} button.open")).await?;
    until_js(
        client,
        "the PDF's page in context",
        "const place = document.querySelector('#passage:not([hidden]) #passage-meta .place'); \
         return place && place.textContent === 'pdf/furniture.pdf p.3 ¶2';",
    )
    .await?;
    goto("/?q=%22feed+record%22").await?;
    until_status(
        client,
        "1–2 of 2 distinct passages; 4 matching passages in all",
    )
    .await?;
    let mut places = texts(client, &format!("{item} .meta .place")).await;
    places.sort();
    assert_eq!(places, ["feed.jsonl #1 ¶1", "feed.jsonl #3 ¶1"]);
    // Folded away, the copies have no rendered text: read their text content.
    let copies: Vec<String> = serde_json::from_value(
        client
            .execute(
                &format!(
                    "return Array.from(document.querySelectorAll('{item} > ul.duplicates a.duplicate')).map(a => a.textContent);"
                ),
                vec![],
            )
            .await
            .map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    assert_eq!(copies.len(), 2);
    assert!(
        copies
            .iter()
            .all(|copy| copy.starts_with("wire/feed.jsonl #")),
        "{copies:?}"
    );

    // Grouped, exactly ten documents: one page, no Next.
    goto("/?q=tenprobe&group=1").await?;
    until_status(client, "documents 1–10 of 10; 10 matching passages in all").await?;
    let pager = js(client, "return [document.getElementById('pager').hidden, document.getElementById('next').disabled, document.getElementById('page-info').textContent];").await?;
    assert_eq!(pager, json!([true, true, "page 1 of 1"]));

    // Shift+click on a year's bar, from a month of that year: the whole year.
    goto("/?q=*&since=2024-02").await?;
    until_js(
        client,
        "the year 2024 shift-clicked",
        "const bar = document.querySelector('#bars[data-by=year] .bar[data-period=\"2024\"]'); \
         return bar && bar.dispatchEvent(new MouseEvent('click', { bubbles: true, shiftKey: true }));",
    )
    .await?;
    until_js(
        client,
        "the year 2024 as the range",
        "const state = new URLSearchParams(location.search); \
         return state.get('since') === '2024' && state.get('until') === '2024';",
    )
    .await?;

    // A format facet is a term of the query sent; the error is still
    // about the query typed, with its own positions.
    goto("/?q=%22Plan+LAZO&fmt=text").await?;
    let own = server.get("/api/search?q=%22Plan+LAZO").error();
    assert!(own.contains("character 1"), "{own}");
    until_status(client, &own).await?;
    // A query that only the facet makes too long says so.
    let words: Vec<String> = (0..32).map(|n| format!("w{n}")).collect();
    let typed = words.join(" ");
    assert_eq!(
        server.get_json(&format!("/api/search?q={}", encode(&typed)))["total"],
        0
    );
    let sent = format!("({typed}) format:text");
    let refused = server
        .get(&format!("/api/search?q={}", encode(&sent)))
        .error();
    client
        .goto(&format!("{base}/?q={}&fmt=text", encode(&typed)))
        .await
        .map_err(|e| e.to_string())?;
    until_status(
        client,
        &format!("{refused} (with the format filter, the query sent is {sent}: remove the filter or shorten the query)"),
    )
    .await?;
    // A parenthesis typed cannot take the query out of the format
    // filter's group: the query alone is refused, and so is the page's.
    let escaping = "lazo) OR (petro";
    let own = server
        .get(&format!("/api/search?q={}", encode(escaping)))
        .error();
    assert!(own.contains("unmatched"), "{own}");
    client
        .goto(&format!("{base}/?q={}&fmt=text", encode(escaping)))
        .await
        .map_err(|e| e.to_string())?;
    until_status(client, &own).await?;
    // A format no file has is refused as it is, nothing to shorten.
    let unknown = server.get("/api/search?q=paz+format%3Apdff").error();
    goto("/?q=paz&fmt=pdff").await?;
    until_status(client, &unknown).await?;
    Ok(())
}
