"""``python -m cita search --cluster tcp://HOST:8786 --shards DIR QUERY``:
a search over shards on a Dask cluster (:mod:`cita.dist`) from the shell.

Each ``--format`` (text, json, jsonl, csv) prints what ``cita search``
prints for one index of the whole archive: the results are assembled as
the library's, and cita's own renderers write them.
Exit codes as ``cita search``'s: 0 when a passage matched, 1 when none did,
2 on any error (one ``cita:`` line on stderr), a shard that failed or did
not answer in time included; with ``--partial``, the search answers from
the shards that answered, and a ``cita: warning:`` line names the others.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import sys
from typing import List, NoReturn, Optional, Tuple

from ._errors import CitaError


class _Parser(argparse.ArgumentParser):
    """Refuses what it cannot read as ``cita`` does: one ``cita:`` line on
    stderr and exit 2 (argparse's own prints its usage first)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"cita: {message} (see `{self.prog} --help`)\n")


#: What ``--help`` says first: the module's summary without its markup.
_DESCRIPTION = (
    "python -m cita search --cluster tcp://HOST:8786 --shards DIR QUERY: a search over "
    "shards on a Dask cluster (cita.dist) from the shell. One index is searched with the "
    "cita command (cita search), or cita.Archive in Python."
)


def _parser() -> Tuple[argparse.ArgumentParser, argparse.ArgumentParser]:
    """The command's parser and its ``search`` command's, whose ``--help``
    lists the options a refusal is about."""
    # No abbreviations: `--all` would silently be `--all-words`, and an
    # option added later could change what a short form meant.
    parser = _Parser(prog="python -m cita", description=_DESCRIPTION, allow_abbrev=False)
    commands = parser.add_subparsers(dest="command", required=True)
    search = commands.add_parser(
        "search", help="search shards on a Dask cluster", description=_DESCRIPTION, allow_abbrev=False
    )
    search.add_argument("query", nargs="*", help="the query; its words are joined by spaces, as cita search joins them")
    search.add_argument("--cluster", required=True, help="the Dask scheduler, tcp://HOST:PORT")
    search.add_argument("--shards", required=True, help="the shard folder (cita.dist.index)")
    search.add_argument("--format", choices=("text", "json", "jsonl", "csv"), default="text")
    search.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the text format (auto: on a terminal, unless NO_COLOR or TERM=dumb)",
    )
    search.add_argument(
        "--explain", action="store_true", help="show which forms matched each query term"
    )
    hits = search.add_mutually_exclusive_group()
    hits.add_argument(
        "--count", action="store_true", help="print how many passages and documents match, nothing else"
    )
    hits.add_argument("-n", "--limit", type=int, default=None, help="hits to show (default 10)")
    hits.add_argument(
        "--all", action="store_true", help="show every matching passage (no limit), still ranked"
    )
    search.add_argument("--offset", type=int, default=0)
    search.add_argument("--sort", default="relevance", help="relevance, date, -date, source or document")
    search.add_argument(
        "--all-words", action="store_true", help="only passages holding every searched term"
    )
    # The filters and what each hit carries, as cita search takes them.
    search.add_argument("--since", help="only documents published on or after this date (YYYY, YYYY-MM or YYYY-MM-DD)")
    search.add_argument("--until", help="only documents published on or before this date")
    search.add_argument(
        "--lang", action="append", default=[], help="only passages in these languages (es, or es,pt); repeatable"
    )
    search.add_argument("--mentions", help="only passages that mention a year in YEARS (1964, 1960..1969)")
    search.add_argument("--publication", help="only documents of this publication")
    search.add_argument("--author", help="only documents by this author (the whole name, as the facets list it)")
    search.add_argument("--snippet-chars", type=int, default=None, help="snippet length in characters")
    search.add_argument(
        "-C", "--context", type=int, default=0, help="show N passages before and after each hit"
    )
    search.add_argument("--cite", action="store_true", help="add a ready-to-paste citation to each hit")
    search.add_argument("--facets", action="store_true", help="count the matches per source, language, year…")
    search.add_argument(
        "--facet-limit", type=int, default=None, help="with --facets, list at most N values of each facet but years"
    )
    search.add_argument(
        "--group", action="store_true", help="one entry per document, with every matching passage"
    )
    search.add_argument("--timeout", type=_seconds, default=60.0, help="seconds per shard and step")
    search.add_argument(
        "--no-collapse", action="store_true", help="show every copy of a passage (as cita search)"
    )
    search.add_argument(
        "--partial", action="store_true", help="answer from the shards that answer in time"
    )
    return parser, search


def _use_color(choice: str) -> bool:
    """``cita search --color``'s rule."""
    if choice != "auto":
        return choice == "always"
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def _sort_values_joined(argv: List[str]) -> List[str]:
    """``--sort -date`` as ``--sort=-date``: argparse takes a word opening
    with one ``-`` after an option for another option, where ``cita
    search`` takes it for the value."""
    joined: List[str] = []
    for arg in argv:
        if joined and joined[-1] == "--sort" and arg.startswith("-") and not arg.startswith("--"):
            joined[-1] = f"--sort={arg}"
        else:
            joined.append(arg)
    return joined


def _parse(argv: List[str]) -> argparse.Namespace:
    """The arguments, the query's words wherever they stand among the
    options (``plan --limit 5 lazo``) or after ``--``, as ``cita search``
    reads them."""
    options, words = (argv[: argv.index("--")], argv[argv.index("--") + 1 :]) if "--" in argv else (argv, [])
    parser, search = _parser()
    args, rest = parser.parse_known_args(_sort_values_joined(options))
    unknown = [word for word in rest if word.startswith("-")]
    if unknown:
        search.error(f"unrecognized arguments: {' '.join(unknown)}")
    args.query += rest + words
    if not args.query:
        search.error("the following arguments are required: query")
    if args.facet_limit is not None and not args.facets:
        # As cita search says it, before any scheduler is asked.
        search.error("the following required arguments were not provided: --facets")
    return args


def _seconds(text: str) -> float:
    """``--timeout``'s value: seconds above 0 (``Cluster``'s ``timeout``
    says it in Python's words, ``None`` for no limit)."""
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not 0 < seconds < math.inf:
        raise argparse.ArgumentTypeError(f"takes a number of seconds above 0, not {text!r}")
    return seconds


def main(argv: Optional[List[str]] = None) -> int:
    args = _parse(sys.argv[1:] if argv is None else argv)
    # Dask logs what goes wrong on the cluster as it happens (a scheduler
    # gone: tracebacks of every retry); the command says it in one line.
    logging.disable(logging.CRITICAL)
    try:
        from . import _cita
        from .dist import Cluster

        if args.all:
            limit = None
        else:
            limit = _cita.DEFAULT_LIMIT if args.limit is None else args.limit
        with Cluster(
            args.cluster, args.shards, timeout=args.timeout, partial=args.partial
        ) as cluster:
            if args.count:
                counts = cluster.count(
                    " ".join(args.query),
                    since=args.since,
                    until=args.until,
                    lang=",".join(args.lang) if args.lang else None,
                    mentions=args.mentions,
                    publication=args.publication,
                    author=args.author,
                )
                sys.stdout.write(_cita.render_counts(counts.passages, counts.documents, args.format))
                return 0 if counts.passages > 0 else 1
            for note in _cita.left_out(args.format, args.facets, args.context > 0):
                print(f"cita: {note}", file=sys.stderr)
            snippet_chars = _cita.DEFAULT_SNIPPET_CHARS if args.snippet_chars is None else args.snippet_chars
            results = cluster.search(
                " ".join(args.query),
                limit=limit,
                offset=args.offset,
                sort=args.sort,
                since=args.since,
                until=args.until,
                lang=",".join(args.lang) if args.lang else None,
                mentions=args.mentions,
                publication=args.publication,
                author=args.author,
                snippet_chars=snippet_chars,
                context=args.context,
                cite=args.cite,
                facets=args.facets,
                facet_limit=args.facet_limit,
                group=args.group,
                all_words=args.all_words,
                collapse=not args.no_collapse,
            )
            out = results._found.render(args.format, _use_color(args.color), args.explain)
    except Exception as err:  # noqa: BLE001 - any error is one line and exit 2, as documented
        # cita's own errors say what went wrong; others (Dask's, for a bad
        # scheduler address) are named by their type.
        said = str(err) if isinstance(err, (CitaError, OSError, ImportError)) else f"{type(err).__name__}: {err}"
        print(f"cita: {said}", file=sys.stderr)
        return 2
    sys.stdout.write(out)
    if results.partial:
        # Not in the JSON, whose fields are one index's: said on stderr.
        failed = "; ".join(f"shard {n} {why}" for n, why in sorted(results.shards_failed.items()))
        answered = results.shards_answered
        print(f"cita: warning: partial results, from shards {answered} only: {failed}", file=sys.stderr)
    return 0 if results.total > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
