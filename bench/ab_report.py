#!/usr/bin/env python3
"""The report of bench/ab.sh: reads its OUT_DIR (builds.tsv, before/after
.query.json merged by bench/rounds.py, rounds/*.json, process/*.json) and
prints Markdown: build wall and peak RSS medians, per-query medians with the
after/before ratio, geomeans, each round's geomeans (the noise between
rounds), and whole-process search medians.

    bench/ab_report.py OUT_DIR
"""
import glob
import json
import math
import os
import statistics
import sys


def geomean(xs):
    return math.exp(sum(math.log(x) for x in xs) / len(xs))


def main(out):
    print(f"# A/B, round-robin ({open(os.path.join(out, 'info.txt')).readline().strip()})\n")

    builds = {"before": [], "after": []}
    for line in open(os.path.join(out, "builds.tsv")):
        side, _round, wall, rss = line.split()
        builds[side].append((float(wall), int(rss)))
    print("## Builds (`cita index`, whole process, fresh index each)\n")
    print("| | before | after | after/before |")
    print("|---|---|---|---|")
    med = {s: (statistics.median(w for w, _ in b), statistics.median(m for _, m in b)) for s, b in builds.items()}
    print(f"| wall, median of {len(builds['before'])} (s) | {med['before'][0]:.2f} | {med['after'][0]:.2f} | {med['after'][0] / med['before'][0]:.3f} |")
    print(f"| peak RSS, median (MB) | {med['before'][1] / 1024:.0f} | {med['after'][1] / 1024:.0f} | {med['after'][1] / med['before'][1]:.3f} |")
    print(f"| walls by round (s) | {' '.join(f'{w:.2f}' for w, _ in builds['before'])} | {' '.join(f'{w:.2f}' for w, _ in builds['after'])} | |")
    print(f"| peak RSS by round (MB) | {' '.join(f'{m / 1024:.0f}' for _, m in builds['before'])} | {' '.join(f'{m / 1024:.0f}' for _, m in builds['after'])} | |")
    print()

    q = {s: json.load(open(os.path.join(out, f"{s}.query.json"))) for s in ("before", "after")}
    rounds = q["before"]["rounds"]
    print(f"## In-process queries (bench_queries, {q['before']['repeats']} repeats, {rounds} rounds; median of round medians, ms)\n")
    print("| id | query | hits before / after | before | after | after/before | round medians before | round medians after |")
    print("|---|---|---|---|---|---|---|---|")
    ratios = []
    for b, a in zip(q["before"]["queries"], q["after"]["queries"]):
        assert b["id"] == a["id"]
        if "median_ms" not in b or "median_ms" not in a:
            print(f"| {b['id']} | `{b['query']}` | error | | | | | |")
            continue
        ratio = a["median_ms"] / b["median_ms"]
        ratios.append((ratio, b["id"], b["query"]))
        same = "same" if (b["total"], b["top"]) == (a["total"], a["top"]) else "DIFFER"
        print(f"| {b['id']} | `{b['query']}` | {b['total']} / {a['total']} ({same}) | {b['median_ms']:.3f} | {a['median_ms']:.3f} | {ratio:.3f} "
              f"| {' '.join(f'{x:.3f}' for x in b['round_medians_ms'])} | {' '.join(f'{x:.3f}' for x in a['round_medians_ms'])} |")
    gb = geomean([x["median_ms"] for x in q["before"]["queries"] if "median_ms" in x])
    ga = geomean([x["median_ms"] for x in q["after"]["queries"] if "median_ms" in x])
    print(f"\nGeomean: before {gb:.4f} ms, after {ga:.4f} ms, after/before {ga / gb:.3f}.")
    worst = {s: max((x for x in q[s]["queries"] if "median_ms" in x), key=lambda x: x["median_ms"]) for s in q}
    print(f"Worst query: before `{worst['before']['query']}` {worst['before']['median_ms']:.2f} ms, "
          f"after `{worst['after']['query']}` {worst['after']['median_ms']:.2f} ms.")
    hi = max(ratios)
    lo = min(ratios)
    print(f"Per-query ratios range {lo[0]:.3f} (`{lo[2]}`) to {hi[0]:.3f} (`{hi[2]}`).")
    per_round = {}
    for s in ("before", "after"):
        per_round[s] = []
        for r in range(1, rounds + 1):
            data = json.load(open(os.path.join(out, "rounds", f"{s}.{r}.json")))
            per_round[s].append(geomean([x["median_ms"] for x in data["queries"] if "median_ms" in x]))
    print("\n| round | geomean before (ms) | geomean after (ms) | after/before |")
    print("|---|---|---|---|")
    for r, (b, a) in enumerate(zip(per_round["before"], per_round["after"]), 1):
        print(f"| {r} | {b:.4f} | {a:.4f} | {a / b:.3f} |")
    for s in ("before", "after"):
        xs = per_round[s]
        print(f"\n{s}: round geomeans {min(xs):.4f}–{max(xs):.4f} ms (spread {max(xs) / min(xs) - 1:.1%})", end="")
    print("\n")

    times = {}
    for path in sorted(glob.glob(os.path.join(out, "process", "*.json"))):
        for result in json.load(open(path))["results"]:
            side, query = result["command"].split(" ", 1)
            times.setdefault(query, {}).setdefault(side, []).append(statistics.median(result["times"]))
    print("## Whole-process `cita search --format json` (hyperfine -N, median of round medians, ms)\n")
    print("| query | before | after | after/before | round medians before | round medians after |")
    print("|---|---|---|---|---|---|")
    for query, sides in times.items():
        b = statistics.median(sides["before"]) * 1000
        a = statistics.median(sides["after"]) * 1000
        print(f"| `{query}` | {b:.2f} | {a:.2f} | {a / b:.3f} | {' '.join(f'{x * 1000:.2f}' for x in sides['before'])} | {' '.join(f'{x * 1000:.2f}' for x in sides['after'])} |")
    print()


if __name__ == "__main__":
    main(sys.argv[1])
