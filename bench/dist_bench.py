#!/usr/bin/env python3
"""The Python side of bench/dist.sh: a sharded archive on a Dask cluster
of worker processes on loopback (distributed.LocalCluster) against one index.

    dist_bench.py CORPUS INDEX WORK_DIR QUERIES_TXT REPEATS SHARD_COUNTS...

Builds the shards of CORPUS into WORK_DIR/shards-N with cita.dist.index
(timed, from empty: with 1 worker and with 2 workers for the first shard
count, with 2 for the others), then times each query of QUERIES_TXT (one
warm-up, then REPEATS runs; the top 10 with snippets, read into dicts) on
the single INDEX and on each sharded archive, round-robin, checks that the
hits are the same, and prints a Markdown section: build times, then p50
and p99 latency over all the runs of all the queries.
"""

from __future__ import annotations

import os
import platform
import shutil
import sys
import time
from pathlib import Path
from typing import Dict, List

from distributed import Client, LocalCluster

import cita
import cita.dist


def read_queries(path: str) -> List[str]:
    queries = []
    for line in Path(path).read_text().splitlines():
        fields = line.split("\t", 2)
        if line.strip() and not line.startswith("#") and len(fields) == 3:
            queries.append(fields[2])
    return queries


def percentile(times: List[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def build(corpus: str, shards_dir: Path, count: int, workers: int) -> float:
    shutil.rmtree(shards_dir, ignore_errors=True)
    with LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
    ) as local, Client(local) as client:
        started = time.perf_counter()
        cita.dist.index(corpus, shards_dir, shards=count, client=client, jobs=max(1, 2 // workers))
        return time.perf_counter() - started


def main(corpus: str, index: str, work: str, queries_txt: str, repeats: str, *counts: str) -> None:
    shard_counts = [int(c) for c in counts]
    queries = read_queries(queries_txt)
    builds: List[tuple] = []
    for at, count in enumerate(shard_counts):
        for workers in ((1, 2) if at == 0 else (2,)):
            seconds = build(corpus, Path(work) / f"shards-{count}", count, workers)
            builds.append((count, workers, seconds))
            print(f"dist bench: {count} shards built by {workers} workers in {seconds:.1f} s", file=sys.stderr)
    whole = cita.Archive(index)
    times: Dict[str, List[float]] = {"one index": []}
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as local, Client(local) as client:
        clusters = {f"{c} shards": cita.dist.Cluster(client, Path(work) / f"shards-{c}") for c in shard_counts}
        for name in clusters:
            times[name] = []
        searchers = {"one index": whole, **clusters}
        for query in queries:
            expected = whole.search(query).to_dicts()
            for name, searcher in searchers.items():
                assert searcher.search(query).to_dicts() == expected, (name, query)  # and warm-up
            for _ in range(int(repeats)):
                for name, searcher in searchers.items():
                    started = time.perf_counter()
                    searcher.search(query).to_dicts()
                    times[name].append((time.perf_counter() - started) * 1000)
    print("## Past one machine: shards on a Dask cluster\n")
    print(
        f"`bench/dist.sh` on {platform.machine()} with {os.cpu_count()} cores, cita {cita.__version__}: "
        f"the bench corpus ({corpus}) in shards built by `cita.dist.index` on a Dask "
        f"`LocalCluster` of worker processes (1 thread each) on loopback, "
        f"and the {len(queries)} bench queries (top 10 with snippets, read into dicts; "
        f"{repeats} runs each after a warm-up, round-robin) on one index and on the shards, "
        f"whose hits were checked equal.\n"
    )
    print("| build | workers | seconds |\n|---|---:|---:|")
    for count, workers, seconds in builds:
        print(f"| {count} shards | {workers} | {seconds:.1f} |")
    print("\n| search | p50 ms | p99 ms |\n|---|---:|---:|")
    for name, runs in times.items():
        print(f"| {name} | {percentile(runs, 0.5):.1f} | {percentile(runs, 0.99):.1f} |")


if __name__ == "__main__":
    main(*sys.argv[1:])
