#!/usr/bin/env python3
"""Puts a generated section into BENCHMARKS.md in its place, keeping the
rest: what bench/run.sh's generators print replaces what lies between the
section's two markers, and the hand-written sections around them (A/B
results, relevance, the copy map…) stay as they are. A section not marked
yet is added at the end.

    generator | bench/splice.py FILE NAME
"""
import sys


def markers(name):
    return (f"<!-- bench/run.sh writes from here: {name} -->",
            f"<!-- bench/run.sh wrote up to here: {name} -->")


def splice(text, name, generated):
    start, end = markers(name)
    block = f"{start}\n{generated.rstrip()}\n{end}"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        return head + block + tail
    return text.rstrip("\n") + ("\n\n" if text.strip() else "") + block + "\n"


def main():
    path, name = sys.argv[1:3]
    try:
        text = open(path, encoding="utf-8").read()
    except FileNotFoundError:
        text = ""
    generated = sys.stdin.read()
    if not generated.strip():
        sys.exit(f"splice.py: nothing generated for {name}")
    open(path, "w", encoding="utf-8").write(splice(text, name, generated))


if __name__ == "__main__":
    main()
