// cita's search page. It talks to the JSON API of the same server and builds
// every piece of document text with textContent / text nodes, never HTML, so
// a passage containing "<script>" is shown as text and runs nothing.
"use strict";

const PAGE_SIZE = 10;
const CONTEXT = 3;

const $ = (id) => document.getElementById(id);
const form = $("search");
const statusLine = $("status");
const results = $("results");
const pager = $("pager");
const passageView = $("passage");

// The state lives in the URL (/?q=…&since=…&until=…&offset=…&passage=…),
// so a URL reproduces a search or a passage.
function stateFromUrl() {
  const params = new URLSearchParams(location.search);
  return {
    q: params.get("q") || "",
    since: params.get("since") || "",
    until: params.get("until") || "",
    offset: Math.max(0, parseInt(params.get("offset") || "0", 10) || 0),
    passage: params.get("passage") || "",
  };
}

function urlFor(state) {
  const params = new URLSearchParams();
  for (const key of ["q", "since", "until"]) {
    if (state[key]) params.set(key, state[key]);
  }
  if (state.offset > 0) params.set("offset", String(state.offset));
  if (state.passage) params.set("passage", state.passage);
  const query = params.toString();
  return query ? "/?" + query : "/";
}

function go(state) {
  history.pushState(null, "", urlFor(state));
  show(state);
}

function setStatus(text, isError) {
  statusLine.textContent = text;
  statusLine.classList.toggle("error", Boolean(isError));
}

async function getJson(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  let body = null;
  try {
    body = await response.json();
  } catch (_) {
    body = null;
  }
  if (!response.ok) {
    const message = body && typeof body.error === "string" ? body.error : response.statusText;
    throw new Error(message);
  }
  return body;
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

function metaLine(item) {
  const place = item.entry ? item.source + " › " + item.entry : item.source;
  const parts = [place + " ¶" + item.paragraph + (item.part > 1 ? "." + item.part : "")];
  if (item.author) parts.push(item.author);
  if (item.date) parts.push(item.date);
  if (item.publication) parts.push(item.publication);
  if (item.section) parts.push("§ " + item.section);
  if (item.extraction === "ocr") parts.push("OCR " + item.ocr_confidence + "%");
  return parts.join(" · ");
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

async function search(state) {
  passageView.hidden = true;
  results.hidden = false;
  results.replaceChildren();
  pager.hidden = true;
  if (!state.q.trim()) {
    setStatus("");
    return;
  }
  setStatus("Searching…");
  const params = new URLSearchParams({ q: state.q, limit: String(PAGE_SIZE), offset: String(state.offset) });
  if (state.since) params.set("since", state.since);
  if (state.until) params.set("until", state.until);
  let page;
  try {
    page = await getJson("/api/search?" + params.toString());
  } catch (err) {
    setStatus(err.message, true);
    return;
  }
  if (page.total === 0) {
    setStatus("No passage matches.");
    return;
  }
  const first = page.hits.length ? page.hits[0].rank : 0;
  const last = page.hits.length ? page.hits[page.hits.length - 1].rank : 0;
  setStatus(
    page.hits.length
      ? `${first}–${last} of ${page.total} matching passage${page.total === 1 ? "" : "s"}`
      : `${page.total} matching passages; none on this page.`
  );
  for (const hit of page.hits) {
    const item = element("li", "hit");
    item.dataset.id = hit.id;
    item.append(element("div", "title", hit.rank + ". " + hit.title));
    item.append(element("div", "meta", metaLine(hit)));
    const snippet = element("p", "snippet");
    snippet.append(highlightedSnippet(hit.snippet, hit.highlights));
    item.append(snippet);
    const open = element("button", "open", "Show in context");
    open.type = "button";
    open.addEventListener("click", () => go({ ...state, passage: hit.id }));
    item.append(open);
    results.append(item);
  }
  $("prev").disabled = state.offset === 0;
  $("next").disabled = state.offset + PAGE_SIZE >= page.total;
  $("page-info").textContent = `page ${Math.floor(state.offset / PAGE_SIZE) + 1} of ${Math.ceil(page.total / PAGE_SIZE)}`;
  pager.hidden = page.total <= PAGE_SIZE;
  $("prev").onclick = () => go({ ...state, offset: Math.max(0, state.offset - PAGE_SIZE) });
  $("next").onclick = () => go({ ...state, offset: state.offset + PAGE_SIZE });
}

async function showPassage(state) {
  results.hidden = true;
  pager.hidden = true;
  passageView.hidden = true;
  setStatus("Loading passage…");
  let found;
  try {
    found = await getJson("/api/passages/" + encodeURIComponent(state.passage) + "?context=" + CONTEXT);
  } catch (err) {
    setStatus(err.message, true);
    return;
  }
  setStatus("");
  const passage = found.passage;
  $("passage-title").textContent = passage.title;
  $("passage-meta").textContent = metaLine(passage);
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
}

function show(state) {
  $("q").value = state.q;
  $("since").value = state.since;
  $("until").value = state.until;
  if (state.passage) {
    showPassage(state);
  } else {
    search(state);
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  go({ q: $("q").value, since: $("since").value.trim(), until: $("until").value.trim(), offset: 0, passage: "" });
});

$("back").addEventListener("click", () => {
  const state = stateFromUrl();
  go({ ...state, passage: "" });
});

window.addEventListener("popstate", () => show(stateFromUrl()));
show(stateFromUrl());
