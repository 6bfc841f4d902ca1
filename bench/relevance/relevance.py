#!/usr/bin/env python3
"""The relevance benchmark: cita, SQLite FTS5 and tantivy-py ranking the same
passages for the same information needs, scored against blind judgments.

    relevance.py export CITA INDEX DIR         every passage of cita's index -> DIR/passages.jsonl
    relevance.py peers DIR                     FTS5 and tantivy-py indexes of those passages
    relevance.py run CITA INDEX DIR CORPUS     top 30 of the three systems per need of the collection
                                               CORPUS -> DIR/runs/
    relevance.py report DATA [--verbose]       nDCG@10, P@5 and unjudged counts per system
    relevance.py pool DATA [DEPTH]             the unjudged (need, passage) pairs of the top 10
                                               (or DEPTH, at most 30) -> pool.jsonl
    relevance.py add GRADES_TSV                merge a grader's grades (need, hash, grade) into judgments.tsv
    relevance.py corpora                       the collections' names

DIR is one collection's folder, DATA/CORPUS (DATA/manuals, DATA/press);
report and pool read every collection's folder under DATA.
Needs are bench/relevance/needs.tsv, judgments bench/relevance/judgments.tsv,
the blind pool bench/relevance/pool.jsonl (all beside this script).
Everything is keyed by need id and the hash of a passage's normalized text
(text_hash below), never by a system's passage id, so the same text in two
documents shares its grade and a passage whose text changes is unjudged.
Standard library only, plus the `tantivy` package for the tantivy-py peer.
"""
import hashlib
import json
import math
import os
import re
import sqlite3
import subprocess
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
NEEDS = os.path.join(HERE, "needs.tsv")
JUDGMENTS = os.path.join(HERE, "judgments.tsv")
POOL = os.path.join(HERE, "pool.jsonl")
SYSTEMS = ("cita", "fts5", "tantivy")
CORPORA = ("manuals", "press")  # the collections, each searched on its own (README "The corpus")
DEPTH = 10      # scored depth, and the pool's unless asked deeper
RUN_DEPTH = 30  # how deep each system's run is kept: the deepest pool
P_AT = 5        # precision cut-off
WORD = re.compile(r"^\w+$")


# ------------------------------------------------------------------ keys
def normalize(text):
    """NFC, lower case, runs of white space as one space, trimmed."""
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


def text_hash(text):
    """16 hex digits of SHA-1 over the normalized text: a judgment's key."""
    return hashlib.sha1(normalize(text).encode("utf-8")).hexdigest()[:16]


def pool_order(need, h):
    """Blind order of the pool: a hash of the pair, nothing a system said."""
    return hashlib.sha1(("%s\t%s" % (need, h)).encode("utf-8")).hexdigest()


# ------------------------------------------------------------------ files
def read_tsv(path):
    """Rows of a TSV with a header line; blank lines and # comments skipped."""
    rows, header = [], None
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            cells = line.split("\t")
            if header is None:
                header = cells
                continue
            if len(cells) < len(header):
                cells += [""] * (len(header) - len(cells))
            row = dict(zip(header, cells))
            row["_line"] = n
            rows.append(row)
    return rows


def load_needs(corpus=None):
    """The needs, or those asked of the collection `corpus`."""
    if corpus not in (None,) + CORPORA:
        sys.exit("no collection %r: the collections are %s" % (corpus, " ".join(CORPORA)))
    needs, seen = [], set()
    for r in read_tsv(NEEDS):
        nid, lang, query, desc = r["id"], r["language"], r["query"], r["description"]
        words = query.split()
        if nid in seen:
            sys.exit("needs.tsv line %d: id %s repeated" % (r["_line"], nid))
        if not 1 <= len(words) <= 3 or not all(WORD.match(w) for w in words):
            sys.exit("needs.tsv line %d: the query must be 1-3 plain words: %r" % (r["_line"], query))
        if lang not in ("es", "en") or not desc.strip():
            sys.exit("needs.tsv line %d: language es|en and a description are required" % r["_line"])
        if r["corpus"] not in CORPORA:
            sys.exit("needs.tsv line %d: corpus must be one of %s" % (r["_line"], "|".join(CORPORA)))
        seen.add(nid)
        if corpus in (None, r["corpus"]):
            needs.append({"id": nid, "language": lang, "corpus": r["corpus"], "query": query,
                          "description": desc, "kind": r.get("kind", "")})
    return needs


def load_judgments():
    """{(need, hash): grade}. A pair judged twice must agree."""
    grades = {}
    if not os.path.exists(JUDGMENTS):
        return grades
    for r in read_tsv(JUDGMENTS):
        key = (r["need"], r["hash"])
        try:
            g = int(r["grade"])
        except ValueError:
            g = -1
        if g not in (0, 1, 2):
            sys.exit("judgments.tsv line %d: grade must be 0, 1 or 2" % r["_line"])
        if key in grades and grades[key] != g:
            sys.exit("judgments.tsv line %d: %s %s judged %d and %d" % (r["_line"], key[0], key[1], grades[key], g))
        grades[key] = g
    return grades


def load_passages(folder):
    """The passages of one collection's folder."""
    with open(os.path.join(folder, "passages.jsonl"), encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def collections(data):
    """{collection: its folder} for every collection that has been run under DATA."""
    found = {c: os.path.join(data, c) for c in CORPORA}
    return {c: folder for c, folder in found.items() if os.path.exists(os.path.join(folder, "runs"))}


# ------------------------------------------------------------------ export
def export(cita, index, data):
    """Every passage of cita's index, in cita's order, with its text hash."""
    out = subprocess.run([cita, "search", "--index", index, "--all", "--no-collapse", "--format", "jsonl",
                          "--snippet-chars", "1", "--", "*"],
                         check=True, capture_output=True, text=True).stdout
    keep = ("id", "source", "entry", "title", "section", "language", "paragraph", "part", "page", "text")
    n = 0
    with open(os.path.join(data, "passages.jsonl"), "w", encoding="utf-8") as fh:
        for line in out.splitlines():
            hit = json.loads(line)
            p = {k: hit.get(k) for k in keep}
            p["hash"] = text_hash(p["text"])
            fh.write(json.dumps(p, ensure_ascii=False) + "\n")
            n += 1
    print("exported %d passages" % n, file=sys.stderr)


# ------------------------------------------------------------------ peers
# The peers follow /work/shared/bench/peers.py: one document per passage,
# the passage text as the one indexed field (title, section and source
# stored, not indexed), every query word required.
def fts5_path(data):
    return os.path.join(data, "fts5.db")


def tantivy_path(data):
    return os.path.join(data, "tantivy")


def build_peers(data):
    import shutil
    import tantivy
    passages = load_passages(data)
    db = fts5_path(data)
    if os.path.exists(db):
        os.remove(db)
    con = sqlite3.connect(db)
    con.execute("CREATE VIRTUAL TABLE p USING fts5(body, pid UNINDEXED, tokenize='unicode61')")
    with con:
        con.executemany("INSERT INTO p(rowid, body, pid) VALUES (?,?,?)",
                        ((i + 1, p["text"], p["id"]) for i, p in enumerate(passages)))
    con.execute("INSERT INTO p(p) VALUES('optimize')")
    con.commit()
    con.close()

    idx = tantivy_path(data)
    shutil.rmtree(idx, ignore_errors=True)
    os.makedirs(idx)
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("pid", stored=True, tokenizer_name="raw")
    sb.add_text_field("body", stored=False, tokenizer_name="default", index_option="position")
    index = tantivy.Index(sb.build(), path=idx)
    # One thread and a budget that holds the whole corpus: one segment, so
    # documents keep the order they were added in and ties rank the same on
    # every run.
    w = index.writer(heap_size=1_000_000_000, num_threads=1)
    for p in passages:
        w.add_document(tantivy.Document(pid=p["id"], body=p["text"]))
    w.commit()
    w.wait_merging_threads()
    print("peers built over %d passages" % len(passages), file=sys.stderr)


def run_fts5(data, needs):
    con = sqlite3.connect(fts5_path(data))
    runs = {}
    for need in needs:
        match = " AND ".join('"%s"' % w for w in need["query"].split())
        rows = con.execute("SELECT pid, bm25(p) FROM p WHERE p MATCH ? ORDER BY rank, rowid LIMIT ?",
                           (match, RUN_DEPTH)).fetchall()
        total = con.execute("SELECT count(*) FROM p WHERE p MATCH ?", (match,)).fetchone()[0]
        runs[need["id"]] = ([(pid, -score) for pid, score in rows], total)
    return runs


def run_tantivy(data, needs):
    import tantivy
    index = tantivy.Index.open(tantivy_path(data))
    index.reload()
    searcher = index.searcher()
    runs = {}
    for need in needs:
        query = index.parse_query(" AND ".join(need["query"].split()), ["body"])
        res = searcher.search(query, RUN_DEPTH, count=True)
        hits = [(searcher.doc(addr)["pid"][0], score) for score, addr in res.hits]
        runs[need["id"]] = (hits, res.count)
    return runs


def run_cita(cita, index, needs):
    runs = {}
    for need in needs:
        r = subprocess.run([cita, "search", "--index", index, "--format", "json", "--limit", str(RUN_DEPTH),
                            "--snippet-chars", "1", "--", need["query"]], capture_output=True, text=True)
        if r.returncode not in (0, 1):
            sys.exit("cita search %r failed: %s" % (need["query"], r.stderr.strip()))
        res = json.loads(r.stdout)
        runs[need["id"]] = ([(h["id"], h["score"]) for h in res["hits"]], res["total"])
    return runs


def run(cita, index, data, corpus):
    needs = load_needs(corpus)
    passages = {p["id"]: p for p in load_passages(data)}
    os.makedirs(os.path.join(data, "runs"), exist_ok=True)
    results = {"cita": run_cita(cita, index, needs), "fts5": run_fts5(data, needs),
               "tantivy": run_tantivy(data, needs)}
    for system in SYSTEMS:
        with open(os.path.join(data, "runs", system + ".tsv"), "w", encoding="utf-8") as fh:
            fh.write("need\trank\thash\tpassage\tscore\ttotal\tsource\tsection\n")
            for need in needs:
                hits, total = results[system][need["id"]]
                for rank, (pid, score) in enumerate(hits, 1):
                    p = passages.get(pid)
                    if p is None:
                        sys.exit("%s returned passage %s, which the export does not hold" % (system, pid))
                    fh.write("%s\t%d\t%s\t%s\t%.4f\t%d\t%s\t%s\n" % (
                        need["id"], rank, p["hash"], pid, score, total, p["source"],
                        (p["section"] or "").replace("\t", " ")))
                if not hits:
                    fh.write("%s\t0\t\t\t0\t%d\t\t\n" % (need["id"], total))


def load_runs(data):
    """{system: {need: {"hits": [(hash, passage id)], "total": n}}}, over
    every collection run under DATA."""
    runs = {system: {} for system in SYSTEMS}
    for corpus, folder in collections(data).items():
        asked = {n["id"] for n in load_needs(corpus)}
        for system in SYSTEMS:
            per = runs[system]
            path = os.path.join(folder, "runs", system + ".tsv")
            for r in read_tsv(path):
                if r["need"] not in asked:
                    sys.exit("%s: need %s is not one of the %s collection's: rerun bench/relevance.sh" % (
                        path, r["need"], corpus))
                e = per.setdefault(r["need"], {"hits": [], "total": int(r["total"])})
                if r["rank"] != "0":
                    e["hits"].append((r["hash"], r["passage"]))
    return runs


# ------------------------------------------------------------------ metrics
def gains(hits, grades, need):
    """The gain of each rank: the grade of its text, 0 if unjudged, and 0 for
    a text already shown higher in the same ranking (a twin tells the reader
    nothing new). Also how many ranks hold an unjudged text."""
    out, seen, unjudged = [], set(), 0
    for h, _ in hits[:DEPTH]:
        g = grades.get((need, h))
        if g is None:
            unjudged += 1
            g = 0
        out.append(0 if h in seen else g)
        seen.add(h)
    return out, unjudged


def dcg(gs):
    return sum(g / math.log2(rank + 1) for rank, g in enumerate(gs[:DEPTH], 1))


def mean(xs):
    return "%.3f" % (sum(xs) / len(xs)) if xs else "n/a"


def report(data, verbose):
    ran = collections(data)
    needs = [n for n in load_needs() if n["corpus"] in ran]
    grades = load_judgments()
    runs = load_runs(data)
    # Judgments of texts the corpus no longer holds (a passage cut otherwise
    # since) are kept for the history, but no system can return them.
    held = {c: {p["hash"] for p in load_passages(folder)} for c, folder in ran.items()}
    ideal = {}
    for need in needs:
        judged = sorted((g for (n, h), g in grades.items()
                         if n == need["id"] and h in held[need["corpus"]]), reverse=True)
        ideal[need["id"]] = dcg(judged)
    scored = [n for n in needs if ideal[n["id"]] > 0]
    table = {}
    if verbose:
        print("%-6s %-2s %-26s %s" % ("need", "", "query", "   ".join(
            "%-24s" % ("%s nDCG P@5 unj total" % s) for s in SYSTEMS)))
    for system in SYSTEMS:
        table[system] = {"ndcg": [], "p5": [], "s5": [], "unjudged": 0, "hits": 0, "empty": 0, "per_need": {}}
    for need in needs:
        cells = []
        for system in SYSTEMS:
            e = runs[system].get(need["id"], {"hits": [], "total": 0})
            gs, unj = gains(e["hits"], grades, need["id"])
            t = table[system]
            t["unjudged"] += unj
            t["hits"] += len(e["hits"][:DEPTH])
            t["empty"] += not e["hits"]
            p5 = sum(1 for g in gs[:P_AT] if g == 2) / P_AT
            nd = dcg(gs) / ideal[need["id"]] if ideal[need["id"]] > 0 else None
            if nd is not None:
                t["ndcg"].append(nd)
                t["p5"].append(p5)
                # Success@5: whether an answer (grade 2) is among the first five.
                t["s5"].append(float(2 in gs[:P_AT]))
                t["per_need"][need["id"]] = (nd, p5)
            cells.append("%-24s" % ("%s %.2f %2d %6d" % ("  -  " if nd is None else "%.3f" % nd, p5, unj, e["total"])))
        if verbose:
            print("%-6s %-2s %-26s %s" % (need["id"], need["language"], need["query"][:26], "   ".join(cells)))
    if verbose:
        print()
    print("relevance: %d needs (%d with a judged relevant passage), %d judgments" % (
        len(needs), len(scored), len(grades)))
    print("%-10s %8s %6s %6s %10s %8s %12s" % (
        "system", "nDCG@10", "P@5", "S@5", "unjudged", "top-10", "no results"))
    for system in SYSTEMS:
        t = table[system]
        print("%-10s %8s %6s %6s %10d %8d %12d" % (system, mean(t["ndcg"]), mean(t["p5"]), mean(t["s5"]),
                                                   t["unjudged"], t["hits"], t["empty"]))
    if verbose:
        # The same means over subsets of the needs: by collection, by language, by kind.
        groups = [("corpus " + c, lambda n, c=c: n["corpus"] == c) for c in ran]
        groups += [("language " + lang, lambda n, lang=lang: n["language"] == lang) for lang in ("es", "en")]
        kinds = sorted({k for n in needs for k in n["kind"].split(",") if k})
        groups += [("kind " + k, lambda n, k=k: k in n["kind"].split(",")) for k in kinds]
        print()
        print("%-18s %6s  %s" % ("needs", "scored", "   ".join("%-16s" % ("%s nDCG P@5" % s) for s in SYSTEMS)))
        for label, keep in groups:
            ids = [n["id"] for n in scored if keep(n)]
            cells = []
            for system in SYSTEMS:
                per = table[system]["per_need"]
                cells.append("%-16s" % ("%s %s" % (mean([per[i][0] for i in ids]), mean([per[i][1] for i in ids]))))
            print("%-18s %6d  %s" % (label, len(ids), "   ".join(cells)))
    if len(scored) < len(needs):
        print("(nDCG@10 and P@5 average the %d needs with a passage judged 1 or 2; the others: %s)" % (
            len(scored), " ".join(n["id"] for n in needs if n not in scored)))


# ------------------------------------------------------------------ pool
def pool(data, depth=DEPTH):
    """Every (need, text) in any system's top `depth` without a judgment,
    once, in a blind order; no system, rank or score."""
    if not DEPTH <= depth <= RUN_DEPTH:
        sys.exit("the pool's depth is %d to %d, not %d" % (DEPTH, RUN_DEPTH, depth))
    needs = {n["id"]: n for n in load_needs()}
    grades = load_judgments()
    runs = load_runs(data)
    passages = {}
    for c, folder in collections(data).items():
        for p in load_passages(folder):
            passages.setdefault((c, p["hash"]), []).append(p)
    todo = set()
    per_need = {}
    for system in SYSTEMS:
        for nid, e in runs[system].items():
            for h, _ in e["hits"][:depth]:
                per_need.setdefault(nid, set()).add(h)
                if (nid, h) not in grades:
                    todo.add((nid, h))
    records = []
    for nid, h in sorted(todo, key=lambda k: pool_order(*k)):
        # One representative of the text: a copy with a section first, then
        # by source and position, so the choice is the same on every run.
        twins = sorted(passages[(needs[nid]["corpus"], h)], key=lambda p: (p["section"] is None, p["source"],
                                                   p["paragraph"], p["part"]))
        p, need = twins[0], needs[nid]
        records.append({"need": nid, "hash": h, "query": need["query"], "description": need["description"],
                        "title": p["title"], "section": p["section"], "source": p["source"],
                        "copies": len(twins), "text": p["text"]})
    with open(POOL, "w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    pooled = sum(len(v) for v in per_need.values())
    print("pool: %d passages to judge written to %s (%d pooled (need, text) pairs, %d judged)" % (
        len(records), os.path.relpath(POOL, os.path.dirname(os.path.dirname(HERE))), pooled, pooled - len(records)))
    sizes = sorted(len(v) for v in per_need.values())
    if sizes:
        print("pooled texts per need: min %d, median %d, max %d" % (sizes[0], sizes[len(sizes) // 2], sizes[-1]))


# ------------------------------------------------------------------ grades in
def add(path):
    """Merge a grader's grades (TSV: need, hash, grade; more columns ignored)
    into judgments.tsv, each with an excerpt from the pool, sorted by need and
    hash. A pair already judged must get the same grade."""
    pool_texts = {}
    if os.path.exists(POOL):
        with open(POOL, encoding="utf-8") as fh:
            for line in fh:
                r = json.loads(line)
                pool_texts[(r["need"], r["hash"])] = r["text"]
    needs = {n["id"] for n in load_needs()}
    grades = load_judgments()
    excerpts = {}
    if os.path.exists(JUDGMENTS):
        for r in read_tsv(JUDGMENTS):
            excerpts[(r["need"], r["hash"])] = r.get("excerpt", "")
    added = 0
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            cells = line.rstrip("\n").split("\t")
            if not line.strip() or line.startswith("#") or cells[0] == "need":
                continue
            if len(cells) < 3 or cells[0] not in needs or not re.match(r"^[0-9a-f]{16}$", cells[1]) \
                    or cells[2].strip() not in ("0", "1", "2"):
                sys.exit("%s line %d: expected need id, text hash, grade 0/1/2" % (path, n))
            key, g = (cells[0], cells[1]), int(cells[2])
            if key in grades and grades[key] != g:
                sys.exit("%s line %d: %s %s already judged %d" % (path, n, key[0], key[1], grades[key]))
            if key not in grades:
                added += 1
            grades[key] = g
            if not excerpts.get(key) and key in pool_texts:
                excerpts[key] = " ".join(pool_texts[key].split())[:80]
    with open(JUDGMENTS, encoding="utf-8") as fh:
        head = [line for line in fh if line.startswith("#")]
    with open(JUDGMENTS, "w", encoding="utf-8") as fh:
        fh.writelines(head)
        fh.write("need\thash\tgrade\texcerpt\n")
        for key in sorted(grades):
            fh.write("%s\t%s\t%d\t%s\n" % (key[0], key[1], grades[key], excerpts.get(key, "").replace("\t", " ")))
    print("%d new judgments, %d in all" % (added, len(grades)), file=sys.stderr)


def main():
    a = sys.argv[1:]
    verbose = "--verbose" in a
    a = [x for x in a if x != "--verbose"]
    if not a:
        sys.exit(__doc__)
    cmd = a[0]
    if cmd == "export":
        export(*a[1:4])
    elif cmd == "peers":
        build_peers(a[1])
    elif cmd == "run" and len(a) == 5:
        run(*a[1:5])
    elif cmd == "corpora":
        print(" ".join(CORPORA))
    elif cmd == "report":
        report(a[1], verbose)
    elif cmd == "pool":
        pool(a[1], *(int(d) for d in a[2:3]))
    elif cmd == "add":
        add(a[1])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
