#!/usr/bin/env python3
"""The Python side of bench/python.sh.

    python_bench.py queries INDEX QUERIES_TXT SEARCH_JSON TO_DICTS_JSON REPEATS
    python_bench.py report INDEX RESULTS_DIR ROUNDS REPEATS

`queries` times each query of a peers-style query file as
bench/bench_queries.rs does (one warm-up, then REPEATS timed runs, default
options: the top 10 with snippets and the total), twice: `archive.search(q)`
(the call; hits are rendered when read) and `archive.search(q).to_dicts()`
(every hit read into Python dicts). It writes both in the peers' JSON shape,
which bench/rounds.py merges.

`report` prints the Markdown section: per query the Rust and Python medians,
their ratios, the geomeans; then `to_pandas()` on 10,000 hits.
"""

from __future__ import annotations

import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import cita

PANDAS_HITS = 10_000
PANDAS_QUERY = "the"


def read_queries(path):
    for line in Path(path).read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t", 2)
        if len(fields) == 3:
            yield fields


def timed(call, repeats):
    call()  # warm-up
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def summary(qid, klass, query, times, total):
    ordered = sorted(times)
    return {
        "id": qid,
        "class": klass,
        "query": query,
        "total": total,
        "median_ms": statistics.median(ordered),
        "p95_ms": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
        "min_ms": ordered[0],
        "max_ms": ordered[-1],
        "runs_ms": times,
    }


def queries(index, queries_txt, search_json, dicts_json, repeats):
    archive = cita.Archive(index)
    repeats = int(repeats)
    searched, read = [], []
    for qid, klass, query in read_queries(queries_txt):
        total = archive.search(query).total
        searched.append(summary(qid, klass, query, timed(lambda: archive.search(query), repeats), total))
        read.append(summary(qid, klass, query, timed(lambda: archive.search(query).to_dicts(), repeats), total))
    for path, timings in ((search_json, searched), (dicts_json, read)):
        Path(path).write_text(
            json.dumps({"peer": "cita-python", "version": cita.__version__, "repeats": repeats, "queries": timings})
        )


def geomean(values):
    return math.exp(sum(math.log(v) for v in values) / len(values))


def report(index, results, rounds, repeats):
    results = Path(results)
    load = lambda name: json.loads((results / f"{name}.json").read_text())["queries"]  # noqa: E731
    rust, searched, read = load("rust"), load("search"), load("to_dicts")
    print("## Python package (issue #21)")
    print()
    print(
        f"Produced by `bench/python.sh` on {time.strftime('%Y-%m-%d')}: the bench queries on the "
        f"bench corpus's index, timed in one process by Rust (`bench_queries`, as in the table above: "
        f"the library's `Archive::search`, default options, top 10 with snippets and the total) and "
        f"by Python ({platform.python_implementation()} {platform.python_version()}, the package "
        f"installed by `pip install ./python`, a release build): `archive.search(q)` (its hits are "
        f"rendered when first read) and `archive.search(q).to_dicts()` (the JSON rendered and every "
        f"hit parsed into dicts, what `.hits`, iteration and DataFrames start from). Median of "
        f"{repeats} runs after a warm-up; {rounds} rounds, Rust and Python in turn, each figure the "
        f"median of the round medians."
    )
    print()
    print("| id | query | hits | Rust ms | `search` ms | ratio | `search().to_dicts()` ms | ratio |")
    print("|---|---|---|---|---|---|---|---|")
    ratios_search, ratios_dicts = [], []
    for r, s, d in zip(rust, searched, read):
        assert r["id"] == s["id"] == d["id"] and r["total"] == s["total"], (r["id"], s["id"])
        ratio_s, ratio_d = s["median_ms"] / r["median_ms"], d["median_ms"] / r["median_ms"]
        ratios_search.append(ratio_s)
        ratios_dicts.append(ratio_d)
        print(
            f"| {r['id']} | `{r['query']}` | {r['total']} | {r['median_ms']:.3f} | {s['median_ms']:.3f} | "
            f"{ratio_s:.2f} | {d['median_ms']:.3f} | {ratio_d:.2f} |"
        )
    medians = lambda rows: geomean([row["median_ms"] for row in rows])  # noqa: E731
    print(
        f"| | **geomean** | | {medians(rust):.3f} | {medians(searched):.3f} | **{geomean(ratios_search):.2f}** | "
        f"{medians(read):.3f} | **{geomean(ratios_dicts):.2f}** |"
    )
    print()

    archive = cita.Archive(index)
    import pandas

    steps = {
        "`archive.search(q, limit=10000)`": lambda: archive.search(PANDAS_QUERY, limit=PANDAS_HITS),
        "… `.to_dicts()`": lambda: archive.search(PANDAS_QUERY, limit=PANDAS_HITS).to_dicts(),
        "… `.to_pandas()`": lambda: archive.search(PANDAS_QUERY, limit=PANDAS_HITS).to_pandas(),
    }
    frame = archive.search(PANDAS_QUERY, limit=PANDAS_HITS).to_pandas()
    assert len(frame) == PANDAS_HITS
    print(
        f"`to_pandas()` on {PANDAS_HITS:,} hits (`{PANDAS_QUERY}`, {len(frame.columns)} columns, "
        f"pandas {pandas.__version__}), median of 5 runs after a warm-up, each step including those above it:"
    )
    print()
    print("| step | ms |")
    print("|---|---|")
    for name, call in steps.items():
        print(f"| {name} | {statistics.median(timed(call, 5)):.0f} |")
    print()
    cpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    model = next((line.split(":", 1)[1].strip() for line in cpu.splitlines() if line.startswith("Model name")), "?")
    load = ", ".join(f"{figure:.1f}" for figure in os.getloadavg())
    print(f"Machine: {model}, {len(os.sched_getaffinity(0))} cores, load average {load} at the end. Command: `bench/python.sh ~/cita-bench/corpus RESULTS_DIR` (`bench/run.sh` calls it; `PYTHON=0` skips it).")


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    {"queries": queries, "report": report}[command](*args)
