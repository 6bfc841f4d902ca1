#!/usr/bin/env python3
"""Merges the query timings of several rounds (peers.py's JSON shape) into one
file of the same shape: each query's median is the median of its round
medians (p95 likewise), its runs all the rounds' runs.

This VM's speed drifts by up to a half within minutes, so tools timed one
after the other are compared in different weather; bench/run.sh and
bench/scale.sh time them round-robin, a round of each in turn, and merge.

    bench/rounds.py OUT_JSON ROUND1_JSON [ROUND2_JSON ...]
"""
import json
import statistics
import sys


def merge(rounds):
    merged = dict(rounds[0])
    merged["rounds"] = len(rounds)
    queries = []
    for at, first in enumerate(rounds[0]["queries"]):
        same = [r["queries"][at] for r in rounds]
        assert all(q["id"] == first["id"] for q in same), "rounds ran different query files"
        if any("median_ms" not in q for q in same):
            queries.append(first)
            continue
        query = dict(first)
        query["median_ms"] = statistics.median(q["median_ms"] for q in same)
        query["p95_ms"] = statistics.median(q["p95_ms"] for q in same)
        query["min_ms"] = min(q["min_ms"] for q in same)
        query["max_ms"] = max(q["max_ms"] for q in same)
        query["runs_ms"] = [run for q in same for run in q["runs_ms"]]
        query["round_medians_ms"] = [q["median_ms"] for q in same]
        queries.append(query)
    merged["queries"] = queries
    return merged


if __name__ == "__main__":
    out, *inputs = sys.argv[1:]
    if not inputs:
        sys.exit("usage: rounds.py OUT_JSON ROUND_JSON...")
    rounds = [json.load(open(path)) for path in inputs]
    json.dump(merge(rounds), open(out, "w"), indent=1)
