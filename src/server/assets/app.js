// cita's search page: a workbench over the JSON API of the same server.
// Every piece of document text is built with textContent / text nodes,
// never HTML, so a passage containing "<script>" is shown as text and runs
// nothing. The page decides nothing about matching: counts, dates, groups
// and citations all come from the API.
"use strict";

const PAGE_SIZE = 10;
const CONTEXT = 3;
// The most hits one request returns (what the CSV export holds) and the
// largest offset the API takes: the server's limits, written in when it
// serves this script (page::script), so the page never asks past them.
const EXPORT_LIMIT = 100;
const MAX_OFFSET = 9900;

const $ = (id) => document.getElementById(id);
const statusLine = $("status");
const results = $("results");
const pager = $("pager");
const passageView = $("passage");

// Each view shown (a search, a passage) takes the next number; an answer
// that arrives after a later view started is dropped, so a slow answer
// never overwrites a newer view (the first page's timeline still loading
// when a facet is clicked had put back that page's export link).
let latestView = 0;
const stale = (view) => view !== latestView;

// The state lives in the URL, so a link reproduces the view:
// /?q=…&pub=…&author=…&fmt=…&lang=…&since=…&until=…&sort=…&group=1&copies=1&offset=…&passage=…&view=batch
const KEYS = ["q", "pub", "author", "fmt", "lang", "since", "until", "sort", "passage", "view"];

function stateFromUrl() {
  const params = new URLSearchParams(location.search);
  const state = {};
  for (const key of KEYS) state[key] = params.get(key) || "";
  state.group = params.get("group") === "1";
  // Every copy shown (the API's collapse=false), not each set of copies once.
  state.copies = params.get("copies") === "1";
  // Digits only: `1e3` or `5px` in a hand-edited link is no offset.
  const offset = params.get("offset") || "0";
  state.offset = /^[0-9]+$/.test(offset) ? Number(offset) : 0;
  return state;
}

function urlFor(state) {
  const params = new URLSearchParams();
  for (const key of KEYS) {
    if (state[key] && !(key === "sort" && state.sort === "relevance")) params.set(key, state[key]);
  }
  if (state.group) params.set("group", "1");
  if (state.copies) params.set("copies", "1");
  if (state.offset > 0) params.set("offset", String(state.offset));
  const query = params.toString();
  return query ? "/?" + query : "/";
}

// Where to scroll once the view being drawn is shown (Back, Forward), and
// which hits had their "+N more" or copies list open.
let scrollOnShow = null;
let openOnShow = [];

// Each entry the page pushes remembers where the page was scrolled when it
// was left, so that Back returns to the hit the reader had reached (the
// results are drawn after a fetch, too late for the browser's own
// restoring), and that it was pushed from a view of this page, so that
// "Back to results" goes back instead of adding an entry.
function go(state) {
  const opened = Array.from(
    document.querySelectorAll("#results li.hit > button.more[aria-expanded=true]"),
    (toggle) => toggle.parentElement.dataset.id,
  );
  history.replaceState({ ...history.state, scrollY: window.scrollY, opened }, "");
  history.pushState({ pushed: true }, "", urlFor(state));
  scrollOnShow = null;
  openOnShow = [];
  show(state);
}

// The lists open when the view was left open again, then the scroll
// position, which they change.
function restoreScroll() {
  for (const id of openOnShow) {
    for (const toggle of document.querySelectorAll("#results li.hit > button.more[aria-expanded=false]")) {
      if (toggle.parentElement.dataset.id === id) toggle.click();
    }
  }
  openOnShow = [];
  if (scrollOnShow !== null) {
    window.scrollTo(0, scrollOnShow);
    scrollOnShow = null;
  }
}

// A change of query or filter starts again at the first page.
// Refines the view the URL holds now, not the one a control was drawn for:
// a facet or a bar of the last page may be clicked while the next loads.
// What is typed in the search form and not searched yet stays typed: a
// facet, a chip or the sort applies to the search shown.
function refine(changes) {
  const shown = stateFromUrl();
  const typed = ["q", "since", "until"]
    .filter((field) => !(field in changes) && $(field).value !== shown[field])
    .map((field) => [field, $(field).value]);
  go({ ...shown, ...changes, offset: 0, passage: "" });
  for (const [field, value] of typed) $(field).value = value;
}

function setStatus(line, text, isError) {
  line.textContent = text;
  line.classList.toggle("error", Boolean(isError));
}

async function answer(response) {
  let body = null;
  try {
    body = await response.clone().json();
  } catch (_) {
    body = null;
  }
  if (!response.ok) {
    const error = new Error(body && typeof body.error === "string" ? body.error : response.statusText);
    error.status = response.status;
    throw error;
  }
  return body;
}

async function getJson(url) {
  return answer(await fetch(url, { headers: { Accept: "application/json" } }));
}

// The query sent to the API: what was typed, narrowed by the format
// filter, a field of the query language (the API has no other format
// filter; `format` names its answer's).
function effectiveQuery(state) {
  if (!state.fmt) return state.q;
  return "(" + state.q + ") format:" + state.fmt;
}

// The filters every request of this view shares. The publication and the
// author are the API's exact filters: the query language's publication:
// matches words, so "El Tiempo" would take "El Tiempo Latino" too.
function filterParams(state) {
  const params = new URLSearchParams({ q: effectiveQuery(state) });
  for (const key of ["lang", "since", "until"]) {
    if (state[key]) params.set(key, state[key]);
  }
  if (state.pub) params.set("publication", state.pub);
  if (state.author) params.set("author", state.author);
  return params;
}

function searchParams(state, limit, offset) {
  const params = filterParams(state);
  params.set("limit", String(limit));
  params.set("offset", String(offset));
  if (state.sort && state.sort !== "relevance") params.set("sort", state.sort);
  if (state.group) params.set("group", "true");
  if (state.copies) params.set("collapse", "false");
  params.set("cite", "true");
  return params;
}

// The snippet with its matches in <mark>. `highlights` are UTF-8 byte offsets
// into the snippet; JavaScript strings are UTF-16, so slice the UTF-8 bytes
// and decode each piece.
function highlightedSnippet(snippet, highlights) {
  const bytes = new TextEncoder().encode(snippet);
  const decoder = new TextDecoder();
  const fragment = document.createDocumentFragment();
  let at = 0;
  for (const range of highlights || []) {
    const [start, end] = range;
    if (!(Number.isInteger(start) && Number.isInteger(end)) || start < at || end < start || end > bytes.length) {
      continue;
    }
    fragment.append(document.createTextNode(decoder.decode(bytes.subarray(at, start))));
    const mark = document.createElement("mark");
    mark.textContent = decoder.decode(bytes.subarray(start, end));
    fragment.append(mark);
    at = end;
  }
  fragment.append(document.createTextNode(decoder.decode(bytes.subarray(at))));
  return fragment;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// A passage's document as the text output names it: its source, the
// entry in a container, the record in a feed or mailbox.
function documentName(item) {
  const name = item.entry ? item.source + " › " + item.entry : item.source;
  return item.record === null || item.record === undefined ? name : name + " #" + item.record;
}

// Where in its document a passage is, as the text output writes it: the
// PDF page, the paragraph and, for a paragraph cut in parts, its part.
function spot(item) {
  const page = item.page === null || item.page === undefined ? "" : "p." + item.page + " ";
  return page + "¶" + item.paragraph + (item.part > 1 ? "." + item.part : "");
}

// Source, page and paragraph, author, date (marked when inferred),
// publication, section, language and OCR confidence, as spans.
function metaLine(item) {
  const line = document.createDocumentFragment();
  const parts = [];
  parts.push(element("span", "place", documentName(item) + " " + spot(item)));
  if (item.author) parts.push(element("span", "author", item.author));
  if (item.date) {
    if (item.date_origin === "text") {
      const date = element("span", "date inferred", "≈ " + item.date + ", inferred from the text");
      date.title = "No date was recorded for this document; cita took the latest full date in its text.";
      parts.push(date);
    } else {
      parts.push(element("span", "date", item.date));
    }
  }
  if (item.publication) parts.push(element("span", "publication", item.publication));
  if (item.section) parts.push(element("span", "section", "§ " + item.section));
  if (item.language) {
    const language = element("span", "language", item.language);
    language.title = "language";
    parts.push(language);
  }
  if (item.partial) {
    const partial = element("span", "partial", "partial match, lacks: " + item.missing.join(", "));
    partial.title = "Too few passages hold every word: this one holds only some of them.";
    parts.push(partial);
  }
  if (item.extraction === "ocr") {
    const ocr = element("span", "ocr", "OCR" + (item.ocr_confidence === null ? "" : ", confidence " + item.ocr_confidence + "%"));
    ocr.title = "Text read by optical character recognition from a scan: check it against the original.";
    parts.push(ocr);
  }
  parts.forEach((part, index) => {
    if (index) line.append(" · ");
    line.append(part);
  });
  return line;
}

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch (_) {
    // Without the clipboard API: copy from a selected, off-screen textarea.
    const area = element("textarea", "offscreen");
    area.value = text;
    document.body.append(area);
    area.select();
    let copied = false;
    try {
      copied = document.execCommand("copy");
    } catch (_) {
      copied = false;
    }
    area.remove();
    return copied;
  }
}

function citeButton(citation, line) {
  const button = element("button", "cite", "Copy citation");
  button.type = "button";
  button.addEventListener("click", async () => {
    const copied = await copyText(citation);
    setStatus(line, copied ? "Citation copied: " + citation : "Copy this citation: " + citation);
  });
  return button;
}

// A button that shows and hides `list`, placed after it in `item`.
function disclosure(item, label, list) {
  const toggle = element("button", "more", label);
  toggle.type = "button";
  toggle.setAttribute("aria-expanded", "false");
  list.hidden = true;
  toggle.addEventListener("click", () => {
    list.hidden = !list.hidden;
    toggle.setAttribute("aria-expanded", String(!list.hidden));
  });
  item.append(toggle, list);
}

// The other copies of a hit's passage, shown on demand: where each is, a
// link that opens it, as "Show in context" does (with "Back to results";
// the link itself opens it alone, in a new tab).
function duplicatesOf(state, item, hit) {
  const total = hit.duplicates_total || 0;
  if (!total) return;
  // Copies count as documents only one per document, all listed, none in
  // the hit's own (as the text output says them).
  const documents = new Set([JSON.stringify([hit.source, hit.record, hit.entry])]);
  const onePerDocument = hit.duplicates.length === total && hit.duplicates.every(
    (d) => !documents.has(JSON.stringify([d.source, d.record, d.entry]))
      && documents.add(JSON.stringify([d.source, d.record, d.entry])),
  );
  const label = onePerDocument
    ? `also in ${total} other document${total === 1 ? "" : "s"}`
    : `${total} other cop${total === 1 ? "y" : "ies"}`;
  const list = element("ul", "duplicates");
  for (const duplicate of hit.duplicates) {
    const entry = element("li");
    const link = element("a", "duplicate", documentName(duplicate));
    link.href = "/?passage=" + encodeURIComponent(duplicate.id);
    link.addEventListener("click", (event) => {
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      go({ ...state, passage: duplicate.id });
    });
    entry.append(link, " " + spot(duplicate) + " · " + duplicate.title);
    if (duplicate.date) entry.append(" · " + duplicate.date);
    list.append(entry);
  }
  const more = total - hit.duplicates.length;
  if (more > 0) list.append(element("li", "more-copies", `and ${more} more (show every copy to see them)`));
  disclosure(item, label, list);
}

// `number`: the hit's place in the list (a passage's rank, a group's), or
// null for a document's other passages under its first.
function hitItem(state, hit, number = hit.rank) {
  const item = element("li", "hit");
  item.dataset.id = hit.id;
  const title = element("div", "title", (number === null ? "" : number + ". ") + hit.title);
  // Each hit's buttons say the same: a screen reader also tells whose.
  title.id = "title-" + hit.id;
  item.append(title);
  const meta = element("div", "meta");
  meta.append(metaLine(hit));
  item.append(meta);
  const snippet = element("p", "snippet");
  snippet.append(highlightedSnippet(hit.snippet, hit.highlights));
  item.append(snippet);
  const actions = element("div", "actions");
  const open = element("button", "open", "Show in context");
  open.type = "button";
  open.addEventListener("click", () => go({ ...state, passage: hit.id }));
  actions.append(open);
  if (hit.citation) actions.append(citeButton(hit.citation, statusLine));
  const link = element("a", "permalink", "Link");
  link.href = "/?passage=" + encodeURIComponent(hit.id);
  link.title = "A link that reopens this passage";
  actions.append(link);
  for (const action of actions.children) action.setAttribute("aria-describedby", title.id);
  item.append(actions);
  duplicatesOf(state, item, hit);
  return item;
}

// The facets of the result, each value a button that adds it as a filter.
const FACETS = [
  ["publications", "Publication", "pub"],
  ["years", "Year", "year"],
  ["languages", "Language", "lang"],
  ["formats", "Format", "fmt"],
  ["authors", "Author", "author"],
];

// How many values of a facet are shown at first, and added by "N more".
const FACET_PAGE = 20;

function showFacets(state, view, facets) {
  const aside = $("facets");
  aside.replaceChildren();
  for (const [field, label, key] of FACETS) {
    const values = facets[field] || [];
    if (!values.length) continue;
    const section = element("section", "facet");
    section.dataset.facet = key;
    const heading = element("h2", "", label);
    heading.id = "facet-" + key;
    section.append(heading);
    const list = element("ul");
    list.setAttribute("aria-labelledby", heading.id);
    const show = (shown) => {
      for (const value of shown) {
        const button = element("button", "facet-value");
        button.type = "button";
        button.dataset.value = value.value;
        button.append(element("span", "name", value.value), element("span", "count", String(value.count)));
        button.setAttribute("aria-label", `${label} ${value.value}: ${value.count} passages`);
        // The whole-name filters keep the passages of one name however it
        // is spelt (case, accents, punctuation), which the facet lists as
        // one value: under such a filter, the value listed is the one given.
        const active =
          key === "year"
            ? state.since === value.value && state.until === value.value
            : key === "pub" || key === "author"
              ? state[key] !== ""
              : state[key] === value.value;
        button.setAttribute("aria-pressed", String(active));
        button.addEventListener("click", () => {
          if (key === "year") refine({ since: value.value, until: value.value });
          else refine({ [key]: value.value });
        });
        const item = element("li");
        item.append(button);
        list.append(item);
      }
    };
    // A mail archive has thousands of senders: the most frequent first,
    // the others on demand, a page at a time, each page asked of the
    // server when it comes (a search sends the first page of each facet).
    const all = (facets.values || {})[field] ?? values.length;
    let known = values;
    let shown = 0;
    const more = element("button", "facet-more");
    more.type = "button";
    const next = async () => {
      if (shown + FACET_PAGE > known.length && known.length < all) {
        more.disabled = true;
        let asked;
        try {
          asked = await facetValues(state, field, shown + FACET_PAGE);
        } catch (err) {
          if (!stale(view)) setStatus(statusLine, err.message, true);
          return;
        } finally {
          more.disabled = false;
        }
        // Another search since, or a list that shrank (a build committed):
        // the values shown stay as they are.
        if (stale(view) || asked.length <= shown) return;
        known = asked;
      }
      show(known.slice(shown, shown + FACET_PAGE));
      shown = Math.min(known.length, shown + FACET_PAGE);
      const left = Math.max(all, known.length) - shown;
      more.textContent = left > FACET_PAGE ? `${FACET_PAGE} more of ${left}` : `${left} more`;
      more.setAttribute("aria-label", `Show ${Math.min(FACET_PAGE, left)} more ${label.toLowerCase()} values of the ${left} not shown`);
      more.hidden = left <= 0;
    };
    more.addEventListener("click", next);
    next();
    section.append(list, more);
    aside.append(section);
  }
  aside.hidden = !aside.children.length;
}

// The first `count` values of a facet of the search `state` shows, asked
// anew (a count, no hits).
async function facetValues(state, field, count) {
  const params = searchParams(state, 0, 0);
  params.set("facets", "true");
  params.set("facet_limit", String(count));
  const page = await getJson("/api/search?" + params.toString());
  return page.facets[field] || [];
}

// Active filters as chips; each removes its filter.
function showChips(state) {
  const chips = $("chips");
  chips.replaceChildren();
  const add = (text, changes) => {
    const item = element("li", "chip");
    const button = element("button", "", text + " ✕");
    button.type = "button";
    button.setAttribute("aria-label", "Remove filter " + text);
    button.addEventListener("click", () => refine(changes));
    item.append(button);
    chips.append(item);
  };
  if (state.pub) add("publication: " + state.pub, { pub: "" });
  if (state.author) add("author: " + state.author, { author: "" });
  if (state.fmt) add("format: " + state.fmt, { fmt: "" });
  if (state.lang) add("language: " + state.lang, { lang: "" });
  if (state.since && state.since === state.until) add("date: " + state.since, { since: "", until: "" });
  else {
    if (state.since) add("since " + state.since, { since: "" });
    if (state.until) add("until " + state.until, { until: "" });
  }
  chips.hidden = !chips.children.length;
}

// Months are charted when the date range asked for is two years or less.
function shortRange(state) {
  const year = (text) => parseInt(text.slice(0, 4), 10);
  return Boolean(state.since && state.until && year(state.until) - year(state.since) < 2);
}

async function showTimeline(state, view) {
  const figure = $("timeline");
  let by = shortRange(state) ? "month" : "year";
  let timeline;
  try {
    const params = filterParams(state);
    params.set("by", by);
    timeline = await getJson("/api/timeline?" + params.toString());
    if (by === "year" && timeline.rows.length > 0 && timeline.rows.length <= 2) {
      by = "month";
      params.set("by", by);
      timeline = await getJson("/api/timeline?" + params.toString());
    }
  } catch (_) {
    if (!stale(view)) figure.hidden = true;
    return;
  }
  if (stale(view)) return;
  const bars = $("bars");
  bars.replaceChildren();
  bars.dataset.by = by;
  const dated = timeline.total - timeline.undated;
  $("timeline-caption").textContent =
    `Matching passages per ${by} of publication: ${dated} dated` + (timeline.undated ? `, ${timeline.undated} undated` : "");
  const most = Math.max(1, ...timeline.rows.map((row) => row.count));
  let dragFrom = null;
  // The range spans both periods, which may be a year and a month of it
  // ("2002" and "2002-02"), or a day typed in the form: it starts with the
  // earlier start and ends with the later end, each compared as a day.
  const day = (period, last) => period + (last ? "-12-31" : "-01-01").slice(period.length - 4);
  const select = (first, last) => {
    refine({
      since: day(first, false) <= day(last, false) ? first : last,
      until: day(first, true) >= day(last, true) ? first : last,
    });
  };
  for (const row of timeline.rows) {
    const bar = element("button", "bar");
    bar.type = "button";
    bar.dataset.period = row.period;
    bar.setAttribute("aria-label", `${row.period}: ${row.count} passages`);
    bar.title = `${row.period}: ${row.count}`;
    const fill = element("span", "fill");
    fill.style.height = Math.round((100 * row.count) / most) + "%";
    bar.append(fill, element("span", "label", row.period));
    // A drag from one bar to another selects the range between them (its
    // click lands on the chart, not on a bar); a click selects one period.
    bar.addEventListener("mousedown", (event) => {
      dragFrom = row.period;
      event.preventDefault();
    });
    bar.addEventListener("mouseup", () => {
      const from = dragFrom;
      dragFrom = null;
      if (from && from !== row.period) select(from, row.period);
    });
    // Shift+click extends the range from its start, so it works from the keyboard too.
    bar.addEventListener("click", (event) => {
      if (event.shiftKey && state.since) select(state.since, row.period);
      else select(row.period, row.period);
    });
    bars.append(bar);
  }
  // One stop for the keyboard: Tab reaches the chart's first bar (or the
  // one focused last), the arrow keys, Home and End move along the bars.
  const all = Array.from(bars.children);
  all.forEach((bar, at) => (bar.tabIndex = at === 0 ? 0 : -1));
  bars.onkeydown = (event) => {
    const at = all.indexOf(document.activeElement);
    if (at < 0) return;
    const to = { ArrowLeft: at - 1, ArrowRight: at + 1, Home: 0, End: all.length - 1 }[event.key];
    if (to === undefined || to < 0 || to >= all.length) return;
    event.preventDefault();
    all[at].tabIndex = -1;
    all[to].tabIndex = 0;
    all[to].focus();
  };
  figure.hidden = timeline.rows.length === 0;
}

// The status line of a page of hits, worded as the text output's last
// line (`cita search`).
function summary(page, hits) {
  const plural = page.total === 1 ? "" : "s";
  // Copies shown once: ranks count distinct passages.
  const distinct = page.distinct !== undefined && page.distinct < page.total ? page.distinct : null;
  const range = hits.length ? `${hits[0].rank}–${hits[hits.length - 1].rank}` : "";
  if (page.partial_total) {
    const partial = page.partial_total;
    const line =
      `${page.total} passage${plural} with every word` +
      (distinct === null ? "" : ` (${distinct} distinct)`) +
      `, then partial matches (${partial} ${partial === 1 ? "holds" : "hold"} at least half of the words)`;
    return range ? `${range}: ${line}` : `${line}; none on this page.`;
  }
  // No partial match to fill the page with: the page reads as any other.
  const line =
    distinct === null
      ? `${page.total} matching passage${plural}`
      : `${distinct} distinct passage${distinct === 1 ? "" : "s"}; ${page.total} matching passage${plural} in all`;
  return range ? `${range} of ${line}` : `${line}; none on this page.`;
}

// The error the API gives for `state`'s search, or null when it answers.
async function refusal(state) {
  const params = filterParams(state);
  params.set("limit", "0");
  try {
    await getJson("/api/search?" + params.toString());
    return null;
  } catch (err) {
    return err;
  }
}

// The error of a search, worded for what was typed. The format filter is
// a term of the query sent, so the API's error about that query may count
// its characters, words and positions: the typed query, checked alone
// with the other filters, gives its own error; when it has none, the
// filter made the query sent too long, and the error says so.
async function ownError(state, err) {
  if (!state.fmt || (err.status !== 400 && err.status !== 414)) return err.message;
  const own = await refusal({ ...state, fmt: "" });
  if (own) return own.message;
  // A filter refused on its own (a format no file has) says so itself.
  if (await refusal({ ...state, q: "*" })) return err.message;
  return `${err.message} (with the format filter, the query sent is ${effectiveQuery(state)}: remove the filter or shorten the query)`;
}

async function search(state, view) {
  passageView.hidden = true;
  results.hidden = false;
  results.replaceChildren();
  pager.hidden = true;
  $("tools").hidden = true;
  showChips(state);
  if (!state.q.trim()) {
    $("facets").hidden = true;
    $("timeline").hidden = true;
    setStatus(statusLine, "");
    return;
  }
  setStatus(statusLine, "Searching…");
  // A parenthesis typed could close the group the format filter wraps the
  // query in (`lazo) OR (petro` would be sent as `(lazo) OR (petro)
  // format:text`, the filter on one side of the OR): such a query is
  // checked alone first, and its own error shown.
  if (state.fmt && /[()]/.test(state.q)) {
    const own = await refusal({ ...state, fmt: "" });
    if (stale(view)) return;
    // Only the query's own refusal: a busy server (503) is the search's
    // to meet.
    if (own && own.status === 400) {
      setStatus(statusLine, own.message, true);
      $("facets").hidden = true;
      return;
    }
  }
  // One more than the page shows: whether it comes says whether a next
  // page has anything (the count of full matches alone cannot: partial
  // matches may follow them, and a grouped answer counts no documents),
  // and the API looks for partial matches when the full ones end on this
  // page, even at its last place.
  const params = searchParams(state, PAGE_SIZE + 1, state.offset);
  params.set("facets", "true");
  params.set("facet_limit", String(FACET_PAGE));
  const timeline = showTimeline(state, view);
  let page;
  try {
    page = await getJson("/api/search?" + params.toString());
  } catch (err) {
    const message = await ownError(state, err);
    if (stale(view)) return;
    setStatus(statusLine, message, true);
    $("facets").hidden = true;
    return;
  }
  if (stale(view)) return;
  showFacets(state, view, page.facets);
  await timeline;
  if (stale(view)) return;
  if (page.total === 0 && !page.partial_total) {
    setStatus(statusLine, "No passage matches.");
    return;
  }
  const exported = searchParams(state, EXPORT_LIMIT, 0);
  exported.set("format", "csv");
  $("export").href = "/api/search?" + exported.toString();
  $("export").textContent = `Export CSV (up to ${EXPORT_LIMIT} ${state.group ? "documents" : "passages"})`;
  $("tools").hidden = false;
  const plural = page.total === 1 ? "" : "s";
  const current = Math.floor(state.offset / PAGE_SIZE) + 1;
  if (page.groups) {
    const groups = page.groups.slice(0, PAGE_SIZE);
    const more = page.groups.length > PAGE_SIZE && state.offset + PAGE_SIZE <= MAX_OFFSET;
    const first = state.offset + 1;
    const last = state.offset + groups.length;
    setStatus(
      statusLine,
      groups.length
        ? `documents ${first}–${last} of ${page.documents}; ${page.total} matching passage${plural} in all`
        : `${page.total} matching passage${plural}; no document on this page.`
    );
    for (const group of groups) {
      const item = hitItem(state, group.hits[0], group.rank);
      item.classList.add("group");
      const others = group.hits.length - 1;
      if (others > 0) {
        const list = element("ol", "others");
        for (const hit of group.hits.slice(1)) list.append(hitItem(state, hit, null));
        disclosure(item, `+${others} more passage${others === 1 ? "" : "s"} in this document`, list);
      }
      results.append(item);
    }
    // The documents are counted: so are their pages, as far as served.
    const counted = Math.ceil(page.documents / PAGE_SIZE);
    const served = Math.floor(MAX_OFFSET / PAGE_SIZE) + 1;
    $("prev").disabled = state.offset === 0;
    $("next").disabled = !more;
    $("page-info").textContent = groups.length
      ? `page ${current} of ${Math.max(current, Math.min(counted, served))}` +
        (counted > served ? "; narrow the search to reach the rest" : "")
      : PAST_THE_END;
    pager.hidden = state.offset === 0 && !more;
  } else {
    const hits = page.hits.slice(0, PAGE_SIZE);
    const more = page.hits.length > PAGE_SIZE && state.offset + PAGE_SIZE <= MAX_OFFSET;
    for (const hit of hits) results.append(hitItem(state, hit));
    setStatus(statusLine, summary(page, hits));
    // The pages known: ranks count distinct passages, the full matches'
    // then, once counted, the partial ones'. partial_total counts every
    // copy, and is counted only when the full matches end within this
    // page: the count of pages is exact on the last page.
    const shown = page.distinct === undefined ? page.total : page.distinct;
    // Pages past the API's largest offset are not served.
    const counted = Math.ceil((shown + (page.partial_total || 0)) / PAGE_SIZE);
    const served = Math.floor(MAX_OFFSET / PAGE_SIZE) + 1;
    const pages = more ? Math.min(Math.max(current + 1, counted), served) : current;
    $("prev").disabled = state.offset === 0;
    $("next").disabled = !more;
    $("page-info").textContent = hits.length
      ? `page ${current} of ${pages}` + (counted > served ? "; narrow the search to reach the rest" : "")
      : PAST_THE_END;
    pager.hidden = state.offset === 0 && !more;
  }
  // A link kept from a larger answer (the index has changed since) may
  // ask for a page past the last: the previous page is then the last.
  const shownNothing = !results.children.length;
  // Always back, however the count of partial matches' copies misleads.
  const lastPage =
    state.offset > 0 && shownNothing
      ? Math.max(0, Math.min(lastPageOffset(page), state.offset - PAGE_SIZE))
      : null;
  $("prev").onclick = () =>
    go({ ...state, offset: lastPage ?? Math.max(0, state.offset - PAGE_SIZE) });
  $("next").onclick = () => go({ ...state, offset: state.offset + PAGE_SIZE });
  restoreScroll();
}

// The pager's words on a page past the last.
const PAST_THE_END = "past the last page; Previous goes back to it";

// The offset of the last page of `page`'s answer: its documents' when
// grouped, else its distinct hits' and partial matches' (`partial_total`
// counts every copy of them: past the last when they have copies).
function lastPageOffset(page) {
  const shown = page.groups
    ? page.documents
    : (page.distinct === undefined ? page.total : page.distinct) + (page.partial_total || 0);
  const pages = Math.max(1, Math.ceil(shown / PAGE_SIZE));
  return Math.min(pages - 1, Math.floor(MAX_OFFSET / PAGE_SIZE)) * PAGE_SIZE;
}

async function showPassage(state, view) {
  results.hidden = true;
  pager.hidden = true;
  passageView.hidden = true;
  $("tools").hidden = true;
  $("timeline").hidden = true;
  $("facets").hidden = true;
  $("chips").hidden = true;
  setStatus(statusLine, "Loading passage…");
  let found;
  try {
    found = await getJson("/api/passages/" + encodeURIComponent(state.passage) + "?context=" + CONTEXT + "&cite=true");
  } catch (err) {
    if (!stale(view)) setStatus(statusLine, err.message, true);
    return;
  }
  if (stale(view)) return;
  setStatus(statusLine, "");
  const passage = found.passage;
  $("passage-title").textContent = passage.title;
  $("passage-meta").replaceChildren(metaLine(passage));
  $("passage-citation").textContent = found.citation;
  $("passage-link").href = "/?passage=" + encodeURIComponent(passage.id);
  $("passage-cite").onclick = async () => {
    const copied = await copyText(found.citation);
    if (stale(view)) return;
    setStatus(statusLine, copied ? "Citation copied." : "Copy the citation shown below the title.");
  };
  const context = $("passage-context");
  context.replaceChildren();
  let section = null;
  for (const item of [...found.before, passage, ...found.after]) {
    if (item.section !== section && item.section) {
      context.append(element("p", "section", "§ " + item.section));
    }
    section = item.section;
    const paragraph = element("p", item.id === passage.id ? "current" : "", item.text);
    paragraph.dataset.id = item.id;
    context.append(paragraph);
  }
  passageView.hidden = false;
  $("back").hidden = !state.q;
  // Keyboard and screen-reader users go on from the passage opened.
  passageView.focus({ preventScroll: true });
  restoreScroll();
}

// One batch runs at a time: its button is disabled until the CSV is in, so
// a slower earlier run never downloads over a later one. Leaving the batch
// view does not cancel it: the download was asked for.
async function runBatch(event) {
  event.preventDefault();
  const line = $("batch-status");
  const submit = $("batch-form").querySelector("button[type=submit]");
  if (submit.disabled) return;
  const params = new URLSearchParams({ limit: $("batch-limit").value || "10", format: "csv" });
  setStatus(line, "Searching…");
  submit.disabled = true;
  try {
    const response = await fetch("/api/batch?" + params.toString(), {
      method: "POST",
      headers: { "Content-Type": "text/plain; charset=utf-8" },
      body: $("batch-queries").value,
    });
    await answer(response);
    const blob = await response.blob();
    const link = element("a");
    link.href = URL.createObjectURL(blob);
    link.download = "cita-batch.csv";
    document.body.append(link);
    link.click();
    link.remove();
    setStatus(line, "Downloaded cita-batch.csv.");
  } catch (err) {
    setStatus(line, err.message, true);
  } finally {
    submit.disabled = false;
  }
}

function show(state) {
  const view = ++latestView;
  const batch = state.view === "batch";
  // History entries and bookmarks tell searches apart by it.
  document.title = batch ? "batch — cita" : state.passage ? "passage — cita" : state.q ? `${state.q} — cita` : "cita";
  $("batch").hidden = !batch;
  $("workbench").hidden = batch;
  $("search").hidden = batch;
  if (batch) return;
  $("q").value = state.q;
  $("since").value = state.since;
  $("until").value = state.until;
  $("sort").value = state.sort || "relevance";
  $("group").checked = state.group;
  $("copies").checked = state.copies;
  if (state.passage) {
    showPassage(state, view);
  } else {
    search(state, view);
  }
}

$("search").addEventListener("submit", (event) => {
  event.preventDefault();
  refine({
    q: $("q").value,
    since: $("since").value.trim(),
    until: $("until").value.trim(),
    sort: $("sort").value,
    group: $("group").checked,
    copies: $("copies").checked,
  });
});

// Sort, grouping and copies apply at once to the search shown; what is
// typed and not searched yet stays typed.
for (const id of ["sort", "group", "copies"]) {
  $(id).addEventListener("change", () => {
    const state = stateFromUrl();
    if (state.q) refine({ sort: $("sort").value, group: $("group").checked, copies: $("copies").checked });
  });
}

$("back").addEventListener("click", () => {
  if (history.state && history.state.pushed) {
    history.back();
  } else {
    go({ ...stateFromUrl(), passage: "" });
  }
});
$("batch-form").addEventListener("submit", runBatch);
for (const id of ["to-search", "to-batch"]) {
  $(id).addEventListener("click", (event) => {
    event.preventDefault();
    go({ ...stateFromUrl(), passage: "", view: id === "to-batch" ? "batch" : "" });
  });
}

window.addEventListener("popstate", (event) => {
  scrollOnShow = event.state && typeof event.state.scrollY === "number" ? event.state.scrollY : null;
  openOnShow = (event.state && Array.isArray(event.state.opened) && event.state.opened) || [];
  show(stateFromUrl());
});
show(stateFromUrl());
