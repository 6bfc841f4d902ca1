"""``python -m cita search --cluster tcp://HOST:8786 --shards DIR QUERY``:
a search over shards on a Dask cluster (:mod:`cita.dist`) from the shell.

``--format json`` prints what ``cita search --format json`` prints for one
index of the whole archive; ``text`` (default) a short list for people.
Exit codes as ``cita search``'s: 0 when a passage matched, 1 when none did,
2 on any error (one ``cita:`` line on stderr), a shard that failed or did
not answer in time included; with ``--partial``, the search answers from
the shards that answered, and a ``cita: warning:`` line names the others.
"""

from __future__ import annotations

import argparse
import sys
from typing import List, Optional

from ._errors import CitaError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m cita", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    search = commands.add_parser("search", help="search shards on a Dask cluster")
    search.add_argument("query")
    search.add_argument("--cluster", required=True, help="the Dask scheduler, tcp://HOST:PORT")
    search.add_argument("--shards", required=True, help="the shard folder (cita.dist.index)")
    search.add_argument("--format", choices=("text", "json"), default="text")
    search.add_argument("--limit", type=int, default=None, help="hits to show (default 10)")
    search.add_argument("--offset", type=int, default=0)
    search.add_argument("--sort", default="relevance", help="relevance, date, -date or source")
    search.add_argument("--timeout", type=float, default=60.0, help="seconds per shard and step")
    search.add_argument(
        "--no-collapse", action="store_true", help="show every copy of a passage (as cita search)"
    )
    search.add_argument(
        "--partial", action="store_true", help="answer from the shards that answer in time"
    )
    return parser


def _text(results) -> str:  # type: ignore[no-untyped-def]
    lines = []
    for hit in results.hits:
        date = f" {hit.date}" if hit.date else ""
        lines.append(f"{hit.rank}. {hit.source} ¶{hit.paragraph}{date}  {hit.title}")
        lines.append(f"   {hit.snippet}")
        if hit.duplicates_total:
            places = ", ".join(d["source"] for d in hit.duplicates)
            more = hit.duplicates_total - len(hit.duplicates)
            lines.append(f"   {hit.duplicates_total} other copies: {places}" + (f", and {more} more" if more else ""))
    noun = "passage" if results.total == 1 else "passages"
    lines.append(f"{results.total} matching {noun}")
    return "\n".join(lines) + "\n"


def main(argv: Optional[List[str]] = None) -> int:
    args = _parser().parse_args(argv)
    try:
        from . import _cita
        from .dist import Cluster

        limit = _cita.DEFAULT_LIMIT if args.limit is None else args.limit
        with Cluster(
            args.cluster, args.shards, timeout=args.timeout, partial=args.partial
        ) as cluster:
            results = cluster.search(
                args.query,
                limit=limit,
                offset=args.offset,
                sort=args.sort,
                collapse=not args.no_collapse,
            )
            out = results._text if args.format == "json" else _text(results)
    except (CitaError, OSError, ImportError) as err:
        print(f"cita: {err}", file=sys.stderr)
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
