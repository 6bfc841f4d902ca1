"""cita from Python: full-text search over a researcher's archive, passage by passage.

>>> import cita
>>> cita.index("corpus", "index")                      # build or update ./index
>>> archive = cita.Archive("index")
>>> results = archive.search('"Plan LAZO"', limit=5)
>>> results.total, results.hits[0].source
>>> results.to_pandas()                                # one row per hit

The package is a thin shell over cita's Rust library, like the ``cita``
command: every search runs in the library with the GIL released, and every
result is the JSON the command prints for the same request, read into
objects (see :mod:`cita._results`). The query language, the JSON fields and
their meaning are documented in the repository's README.

Dates: results carry dates as the JSON does, ISO ``"YYYY-MM-DD"`` strings
(``None`` when unknown); DataFrames turn ``date`` into a date column;
``since`` and ``until`` take a :class:`datetime.date`, a year (``2025``),
or ``"YYYY"``, ``"YYYY-MM"``, ``"YYYY-MM-DD"`` (a whole year or month,
inclusive).

Threads: one :class:`Archive` may be searched from several threads at once;
searches and builds release the GIL, so they run in parallel.
"""

from __future__ import annotations

import collections.abc
import datetime
import json
import operator
import os
import warnings
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, List, Optional, Sequence, TextIO, Tuple, Union

from . import _cita
from ._errors import (
    CitaError,
    CorpusNotFoundError,
    DamagedIndexError,
    FileSystemError,
    IncompatibleIndexError,
    IndexLockedError,
    IndexNotFoundError,
    OptionError,
    QueryError,
    ShardError,
    UnfinishedRunWarning,
)
from ._results import (
    BatchQuery,
    BatchResults,
    BatchRow,
    BuildReport,
    Concordance,
    Counts,
    Group,
    Hit,
    IndexCheck,
    KwicLine,
    Passage,
    PassageInContext,
    Results,
    Stats,
    Timeline,
    TimelineRow,
    _require,
)

__version__: str = _cita.CITA_VERSION

__all__ = [
    "Archive",
    "BatchQuery",
    "BatchResults",
    "BatchRow",
    "BuildReport",
    "CitaError",
    "Concordance",
    "CorpusNotFoundError",
    "Counts",
    "DamagedIndexError",
    "FileSystemError",
    "Group",
    "Hit",
    "IncompatibleIndexError",
    "IndexCheck",
    "IndexLockedError",
    "IndexNotFoundError",
    "KwicLine",
    "OptionError",
    "Passage",
    "PassageInContext",
    "QueryError",
    "Results",
    "ShardError",
    "Stats",
    "Timeline",
    "TimelineRow",
    "UnfinishedRunWarning",
    "index",
]

PathLike = Union[str, "os.PathLike[str]"]
#: A day (a ``datetime.date``, ``datetime``, pandas ``Timestamp``, NumPy
#: ``datetime64``), a year (``2025``), or ``"YYYY"``, ``"YYYY-MM"``,
#: ``"YYYY-MM-DD"``. NumPy's type is named for type checkers only, so that
#: resolving the hints at run time (``typing.get_type_hints``) needs no NumPy.
if TYPE_CHECKING:
    import numpy

    DateLike = Union[datetime.date, numpy.datetime64, int, str]
else:
    DateLike = Union[datetime.date, int, str]
#: A year, ``"1960..1969"``, or ``(1960, 1969)`` / ``[1960, 1969]``, inclusive.
Years = Union[int, str, Tuple[int, int], List[int]]
#: ``progress(files_done, files_total, bytes_done, bytes_total)``.
ProgressCallback = Callable[[int, int, int, int], Any]


def index(
    corpus: PathLike,
    index: PathLike,
    *,
    jobs: Optional[int] = None,
    exclude: Union[str, Iterable[str]] = (),
    rebuild: bool = False,
    progress: Union[None, bool, ProgressCallback] = None,
    shard: Optional[Tuple[int, int]] = None,
    default_lang: Optional[str] = None,
    ocr: Union[bool, str] = True,
    ocr_timeout: Optional[int] = None,
    memory_mb: Optional[int] = None,
) -> BuildReport:
    """Builds or updates the index at ``index`` from the folder ``corpus``,
    like ``cita index --corpus CORPUS --index INDEX``, and returns its report
    (the object ``cita index --format json`` prints).

    Incremental: only files changed since the last run are read.
    ``jobs``: threads reading files (default: all cores). ``exclude``:
    gitignore-style globs relative to the corpus. ``rebuild``: read every
    file again. ``progress``: ``True`` for a tqdm bar (``tqdm.auto``, so a
    widget in Jupyter), or a callable called as
    ``progress(files_done, files_total, bytes_done, bytes_total)`` once the
    corpus is listed and after each file. Ctrl-C (``KeyboardInterrupt``),
    or an exception the callable raises, stops the build once the files
    being read are done: the files read so far are committed, the next
    build goes on from there, and the exception is raised. ``shard``: ``(k, n)`` builds shard
    ``k`` (from 0) of ``n``, an index of only the files a stable hash of
    their path routes to it (see :mod:`cita.dist`, which builds them all).
    ``default_lang``: the language (ISO 639-1) of documents that declare
    none and whose language cannot be detected, as ``--default-lang``
    (default: the one the index was last given, English for a new index;
    another one reads every file again). ``ocr``: ``True`` reads scanned
    PDF pages and images with Tesseract in its default languages
    (``eng+spa``), a string in those (``"eng+fra"``, as ``--ocr-lang``),
    ``False`` reads no scan (``--no-ocr``). ``ocr_timeout``: whole seconds
    OCR may take on one page or image (1 to 86400, default 60).
    ``memory_mb``: the index writer's budget in MB (at least 15, default
    256), as ``--memory``.

    Raises :class:`CorpusNotFoundError`, :class:`IndexLockedError` when
    another build holds the index, :class:`IncompatibleIndexError` for a
    folder that holds something else, :class:`CitaError` otherwise.
    """
    bar = None
    callback: Optional[ProgressCallback]
    if progress is True:
        tqdm = _require("tqdm.auto", "tqdm")
        bar = tqdm.tqdm(unit="file", desc="indexing")
        callback = _bar_callback(bar)
    elif progress is False or progress is None:
        callback = None
    elif callable(progress):
        callback = progress
    else:
        # Said before the build starts, not from its first progress call.
        raise TypeError(
            f"progress takes True, False, None or a callable, not {type(progress).__name__}"
        )
    args = _build_args(jobs, exclude, rebuild, default_lang, ocr, ocr_timeout, memory_mb)
    args["shard"] = _shard(shard)
    try:
        report = _cita.index(_path("corpus", corpus), _path("index", index), args, callback)
    finally:
        if bar is not None:
            bar.close()
    return BuildReport(json.loads(report))


def _bar_callback(bar: Any) -> ProgressCallback:
    def update(files_done: int, files_total: int, bytes_done: int, bytes_total: int) -> None:
        bar.total = files_total
        bar.update(files_done - bar.n)

    return update


class _Queries:
    """The query methods :class:`Archive` and :class:`cita.dist.Cluster`
    share, with the same arguments: each reads its arguments into what the
    extension takes, and a subclass runs it (on one index, or on shards)."""

    __slots__ = ()

    def search(
        self,
        query: str,
        *,
        limit: Optional[int] = _cita.DEFAULT_LIMIT,
        offset: int = 0,
        since: Optional[DateLike] = None,
        until: Optional[DateLike] = None,
        sort: str = "relevance",
        lang: Union[None, str, Sequence[str]] = None,
        mentions: Optional[Years] = None,
        publication: Optional[str] = None,
        author: Optional[str] = None,
        snippet_chars: int = _cita.DEFAULT_SNIPPET_CHARS,
        context: int = 0,
        cite: bool = False,
        group: bool = False,
        facets: bool = False,
        all_words: bool = False,
        collapse: bool = True,
        facet_limit: Optional[int] = None,
    ) -> Results:
        """Searches, like ``cita search --format json``.

        ``limit``: hits to return (``None``: every match; ``0``: only
        ``total``); with ``group``, documents. ``offset``: skip the best
        ``offset`` hits (ranks stay absolute). ``sort``: ``"relevance"``,
        ``"date"``, ``"-date"``, ``"source"`` or ``"document"`` (by source,
        then in the document's order). ``snippet_chars``: snippet
        length. ``context``: add that many passages before and after each
        hit (``before``, ``after``). ``cite``: add a ``citation``.
        ``group``: one hit per document, and ``groups``. ``facets``: counts
        per source, language, year, publication, format and author (and
        the undated passages) in ``facets``; ``facet_limit``, with
        ``facets``: at most that many values of each but years, its most
        frequent (``facets["values"]`` counts them all). ``all_words``: only
        passages holding every searched term; otherwise, when an AND of two
        or more terms fills less than the page, passages holding at least
        half of them fill it, after every full match, each with
        ``partial=True`` and the terms it lacks in ``missing``
        (``partial_total`` counts them). ``collapse``: passages
        with the same words (case, accents and punctuation aside) are one
        hit, the first in the order asked for, whose ``duplicates`` list
        the others (``duplicates_total`` counts them), and ``distinct``
        counts each set of copies once; ``False`` shows every copy
        (``--no-collapse``). Not with ``group``. ``publication``: only
        documents of that publication, its whole name as ``facets`` list it
        (``--publication``; case and accents fold); ``author`` likewise,
        an author's (``--author``; a mail's sender with the address).
        """
        options = _search_options(
            limit, offset, sort, snippet_chars, context, cite, group, facets, all_words, collapse, facet_limit
        )
        filters = _filters(since, until, lang, mentions, publication, author)
        results = self._search(_text("query", query), filters, options)
        results._asked = frozenset(
            ({"citation"} if cite else set()) | ({"before", "after"} if context else set())
        )
        return results

    def count(
        self,
        query: str,
        *,
        since: Optional[DateLike] = None,
        until: Optional[DateLike] = None,
        lang: Union[None, str, Sequence[str]] = None,
        mentions: Optional[Years] = None,
        publication: Optional[str] = None,
        author: Optional[str] = None,
    ) -> Counts:
        """How many passages and documents match (``cita search --count``),
        without ranking anything."""
        filters = _filters(since, until, lang, mentions, publication, author)
        return Counts(json.loads(self._count(_text("query", query), filters)))

    def passage(self, id: str, context: int = 2, *, cite: bool = False) -> Optional[PassageInContext]:
        """The passage whose id is ``id`` (``cita:`` prefix allowed), with up
        to ``context`` passages of its document on each side (``cita show``);
        ``None`` when no passage has that id. ``cite``: add ``citation``, the
        passage's citation as a search's ``cite=True`` gives it (``cita
        show --cite``)."""
        found = self._passage(_text("id", id), _count("context", context), _flag("cite", cite))
        return None if found is None else PassageInContext(json.loads(found))

    def timeline(
        self,
        query: str,
        by: str = "year",
        *,
        axis: str = "published",
        by_source: bool = False,
        since: Optional[DateLike] = None,
        until: Optional[DateLike] = None,
        lang: Union[None, str, Sequence[str]] = None,
        mentions: Optional[Years] = None,
        publication: Optional[str] = None,
        author: Optional[str] = None,
    ) -> Timeline:
        """Matching passages counted per ``by`` (``"year"`` or ``"month"``)
        of publication (``axis="published"``), or per year they mention
        (``axis="mentioned"``; with ``mentions``, only those years: ``cita
        timeline --mentions YEARS``); per source too with ``by_source``.
        Without ``by_source``, periods with no match between the first and
        the last have a row with count 0."""
        filters = _filters(since, until, lang, mentions, publication, author)
        timeline = self._timeline(_text("query", query), filters, _text("by", by), _text("axis", axis), _flag("by_source", by_source))
        return Timeline(json.loads(timeline), by_source)

    def batch(
        self,
        queries: Union[Iterable[str], TextIO],
        *,
        limit: Optional[int] = _cita.DEFAULT_LIMIT,
        snippet_chars: int = _cita.DEFAULT_SNIPPET_CHARS,
        since: Optional[DateLike] = None,
        until: Optional[DateLike] = None,
        lang: Union[None, str, Sequence[str]] = None,
        mentions: Optional[Years] = None,
        publication: Optional[str] = None,
        author: Optional[str] = None,
    ) -> BatchResults:
        """Runs each query with the same options (``cita batch``): rows of
        query × hit, every matching passage up to ``limit`` per query
        (copies not collapsed). ``queries``: a list, each item a query (its
        ``line`` its position from 1), or a text file
        (``open("names.txt")``), read as ``cita batch`` reads one: a query a
        line, blank lines and ``#`` comments skipped, each query's ``line``
        its line in the file. A malformed query does not stop the others:
        its error is in ``queries`` (and ``errors``); a bad option raises
        :class:`OptionError` before any query runs; a damaged index (over
        shards, a failing shard: :class:`ShardError`) raises."""
        filters = _filters(since, until, lang, mentions, publication, author)
        limit = _count("limit", limit, optional=True)
        snippet_chars = _count("snippet_chars", snippet_chars)
        rows, outcomes = self._batch(_numbered_queries(queries), filters, limit, snippet_chars)
        return BatchResults(
            rows,
            [
                BatchQuery({"line": line, "query": query, "total": total, "error": error})
                for line, query, total, error in outcomes
            ],
        )

    def languages(self) -> List[str]:
        """The languages of the archive's passages (ISO 639-1 codes,
        sorted): the languages query words are stemmed in."""
        return json.loads(self._languages())

    def stats(self) -> Stats:
        """Documents, passages, size on disk and languages (``cita stats``)."""
        return Stats(json.loads(self._stats()))

    def kwic(
        self,
        query: str,
        width: int = _cita.DEFAULT_KWIC_WIDTH,
        *,
        sort: str = "relevance",
        limit: Optional[int] = None,
        since: Optional[DateLike] = None,
        until: Optional[DateLike] = None,
        lang: Union[None, str, Sequence[str]] = None,
        mentions: Optional[Years] = None,
        publication: Optional[str] = None,
        author: Optional[str] = None,
    ) -> Concordance:
        """The concordance of ``query`` (``cita kwic``): every occurrence in
        every matching passage, ``width`` display columns of context on each
        side (1 to 200: another raises ``OptionError``); ``sort``: ``"relevance"``, ``"left"`` or ``"right"`` (by the
        words next to the match); ``limit``: at most that many lines, the
        first occurrences in relevance order (``truncated`` says whether
        matching passages were left unread), ``None`` for every one."""
        filters = _filters(since, until, lang, mentions, publication, author)
        columns = _whole(width)
        if columns is None or not 1 <= columns <= _cita.MAX_KWIC_WIDTH:
            raise OptionError(f"width takes a whole number from 1 to {_cita.MAX_KWIC_WIDTH}, not {width!r}")
        width, limit = columns, _count("limit", limit, optional=True)
        concordance = self._kwic(_text("query", query), filters, width, _text("sort", sort), limit)
        return Concordance(json.loads(concordance))

    # What a subclass runs: the JSON of the CLI (a search's results object).
    def _search(self, query: str, filters: dict, options: dict) -> Results:
        raise NotImplementedError

    def _count(self, query: str, filters: dict) -> str:
        raise NotImplementedError

    def _passage(self, id: str, context: int, cite: bool) -> Optional[str]:
        raise NotImplementedError

    def _timeline(self, query: str, filters: dict, by: str, axis: str, by_source: bool) -> str:
        raise NotImplementedError

    def _kwic(self, query: str, filters: dict, width: int, sort: str, limit: Optional[int]) -> str:
        raise NotImplementedError

    def _batch(
        self, queries: List[Tuple[int, str]], filters: dict, limit: Optional[int], snippet_chars: int
    ) -> Tuple[str, List[Tuple[int, str, Optional[int], Optional[Exception]]]]:
        """The rows as ``cita batch --format jsonl`` writes them, and each
        query's ``(line, query, total, error)``, of ``(line, query)``
        pairs."""
        raise NotImplementedError

    def _languages(self) -> str:
        raise NotImplementedError

    def _stats(self) -> str:
        raise NotImplementedError


class Archive(_Queries):
    """An index opened for searching (``cita search --index PATH``).

    An archive sees the index as it was when opened (or last reloaded):
    call :meth:`reload` to see a later build, or open it with
    ``live=True`` to follow new commits automatically (within about a
    second of each). Searches already running keep the snapshot they
    started with. One archive may be used from several threads at once.

    Raises :class:`IndexNotFoundError` when there is no index at ``path``,
    :class:`IncompatibleIndexError` when it was built by an incompatible
    cita, :class:`DamagedIndexError` when its files are damaged.

    Every query method takes the filters ``since``, ``until`` (publication
    dates, inclusive; documents without a date are left out when either is
    given), ``lang`` (ISO 639-1 codes, a list or ``"es, pt"``: a passage
    in any of them), ``mentions`` (only passages that mention a year in
    that range), ``publication`` (only documents of that publication,
    its whole name, case and accents folded) and ``author`` (only
    documents by that author, likewise), and raises :class:`QueryError` for a malformed query and
    :class:`OptionError` for a bad option value.
    """

    def __init__(self, path: PathLike, *, live: bool = False) -> None:
        self._archive = _cita.Archive(_path("path", path), _flag("live", live))
        self._path = str(self._archive.path)
        if self._archive.last_run_unfinished:
            warnings.warn(
                f"the last build of {self.path} did not finish (interrupted?): the index holds "
                "part of the corpus until a build (cita.index) finishes",
                UnfinishedRunWarning,
                stacklevel=2,
            )

    @property
    def path(self) -> str:
        """The index folder."""
        return self._path

    def close(self) -> None:
        """Lets go of the index: its files (mapped into memory until the
        archive is collected) and, with ``live=True``, the watch on its
        commits. A closed archive raises ``ValueError`` on every query, as
        a closed file does; searches already running and :meth:`hits`
        iterators finish with the index they hold. Closing twice is
        nothing."""
        self._archive = _CLOSED

    def __enter__(self) -> "Archive":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @property
    def fingerprint(self) -> str:
        """The fingerprint of the indexed content this archive sees (16 hex
        digits): the same passages give the same fingerprint."""
        return self._archive.fingerprint

    def reload(self) -> None:
        """Makes later searches see the index's latest commit."""
        self._archive.reload()

    def _search(self, query: str, filters: dict, options: dict) -> Results:
        return Results(self._archive.search(query, filters, options))

    def hits(
        self,
        query: str,
        *,
        limit: Optional[int] = None,
        offset: int = 0,
        since: Optional[DateLike] = None,
        until: Optional[DateLike] = None,
        sort: str = "relevance",
        lang: Union[None, str, Sequence[str]] = None,
        mentions: Optional[Years] = None,
        publication: Optional[str] = None,
        author: Optional[str] = None,
        snippet_chars: int = _cita.DEFAULT_SNIPPET_CHARS,
        context: int = 0,
        cite: bool = False,
        all_words: bool = False,
        collapse: bool = True,
    ) -> Iterator[Hit]:
        """Every hit of a search (or ``limit`` of them), one at a time as the
        search makes them, like ``cita search --all --format jsonl``: an
        export of a million matches holds a few hits at a time, not the
        whole answer. The hits are those of :meth:`search` with the same
        options, in the same order. The search runs a few hits ahead on a
        thread of its own and stops when the iterator is dropped. A
        malformed query raises here; damage met partway raises from the
        iterator. No ``group`` nor ``facets``; for ``total``, :meth:`count`.
        """
        options = _search_options(
            limit, offset, sort, snippet_chars, context, cite, False, False, all_words, collapse
        )
        filters = _filters(since, until, lang, mentions, publication, author)
        stream = self._archive.hits(_text("query", query), filters, options)
        return (Hit(json.loads(hit)) for hit in stream)

    def _count(self, query: str, filters: dict) -> str:
        return self._archive.count(query, filters)

    def _passage(self, id: str, context: int, cite: bool) -> Optional[str]:
        return self._archive.passage(id, context, cite)

    def _timeline(self, query: str, filters: dict, by: str, axis: str, by_source: bool) -> str:
        return self._archive.timeline(query, filters, by, axis, by_source)

    def _kwic(self, query: str, filters: dict, width: int, sort: str, limit: Optional[int]) -> str:
        return self._archive.kwic(query, filters, width, sort, limit)

    def _batch(
        self, queries: List[Tuple[int, str]], filters: dict, limit: Optional[int], snippet_chars: int
    ) -> Tuple[str, List[Tuple[int, str, Optional[int], Optional[Exception]]]]:
        return self._archive.batch(queries, filters, limit, snippet_chars)

    def _languages(self) -> str:
        return self._archive.languages()

    def _stats(self) -> str:
        return self._archive.stats()

    def check(self) -> IndexCheck:
        """Reads every file of the index whole and checks it against its
        checksum (``cita check``); raises :class:`DamagedIndexError` naming
        the files that fail. Searches check only what they read: a byte of
        stored text flipped inside a compressed block can still decompress,
        into other text. Reads the whole index."""
        return IndexCheck(json.loads(self._archive.check()))


    def __repr__(self) -> str:
        closed = " (closed)" if self._archive is _CLOSED else ""
        return f"<cita.Archive {self.path!r}{closed}>"


class _ClosedArchive:
    """What a closed :class:`Archive` queries: every call is refused."""

    def __getattr__(self, name: str) -> Any:
        raise ValueError("the archive is closed")


_CLOSED = _ClosedArchive()


def _strings(name: str, values: Union[str, Iterable[str]]) -> List[str]:
    """One string or several, as a list, each a ``str``; else a
    ``TypeError`` naming the argument, as :func:`_text` (not Python's
    ``'int' object is not iterable``)."""
    if isinstance(values, str):
        return [values]
    # Bytes iterate as numbers: `lang=b"es"` would be refused as an int.
    if isinstance(values, collections.abc.Iterable) and not isinstance(values, (bytes, bytearray, memoryview)):
        return [_text(name, value) for value in values]
    raise TypeError(f"{name} takes a str or a list of str, not {type(values).__name__}")


def _numbered_queries(queries: Any) -> List[Tuple[int, str]]:
    """``(line, query)`` of a batch's queries: a text file's as ``cita
    batch`` reads it (a notebook's ``open("names.txt")`` ran its ``#``
    comments as queries and its blank lines as empty ones), a list's by
    position."""
    read = getattr(queries, "read", None)
    if callable(read):
        text = read()
        if not isinstance(text, str):
            raise TypeError(
                f"queries takes a text file (open it without 'b'), a str or a list of str, not a file of {type(text).__name__}"
            )
        return _cita.batch_lines(text)
    return list(enumerate(_strings("queries", queries), 1))


def _language_codes(lang: Union[str, Iterable[str]]) -> List[str]:
    """The codes ``lang`` names: one, a list, or codes separated by commas
    as ``--lang`` takes them (``"es, pt"``), each trimmed. An empty list is
    an :class:`OptionError`, as ``lang=""`` is: it would keep every
    language (a notebook's selection of none searching them all)."""
    codes = [code.strip() for codes in _strings("lang", lang) for code in codes.split(",")]
    if not codes:
        raise OptionError(f"lang names no language ({lang!r}); None searches every language")
    return codes


def _search_options(
    limit: Optional[int],
    offset: int,
    sort: str,
    snippet_chars: int,
    context: int,
    cite: bool,
    group: bool,
    facets: bool,
    all_words: bool,
    collapse: bool,
    facet_limit: Optional[int] = None,
) -> dict:
    """A search's options as the extension reads them; a ``facet_limit``
    without ``facets`` is an :class:`OptionError`, as ``--facet-limit``
    without ``--facets`` is."""
    options = {
        "limit": _count("limit", limit, optional=True),
        "offset": _count("offset", offset),
        "sort": _text("sort", sort),
        "snippet_chars": _count("snippet_chars", snippet_chars),
        "context": _count("context", context),
        "cite": _flag("cite", cite),
        "group": _flag("group", group),
        "facets": _flag("facets", facets),
        "facet_limit": _count("facet_limit", facet_limit, optional=True),
        "all_words": _flag("all_words", all_words),
        "collapse": _flag("collapse", collapse),
    }
    if options["facet_limit"] is not None and not options["facets"]:
        raise OptionError("facet_limit limits the facets: ask facets=True with it")
    return options


def _whole(value: Any) -> Optional[int]:
    """``value`` as a whole number (a Python or NumPy integer, not a bool),
    else ``None``."""
    if isinstance(value, bool):
        return None
    try:
        return operator.index(value)
    except TypeError:
        return None


def _shard(shard: Any) -> Optional[Tuple[int, int]]:
    """``shard`` as ``(k, n)``, from a tuple or list of two whole numbers
    (NumPy's too, not bools), the library checking their range; else an
    :class:`OptionError`, as for every other number."""
    if shard is None:
        return None
    if isinstance(shard, (tuple, list)) and len(shard) == 2:
        number, count = (_whole(value) for value in shard)
        if number is not None and count is not None and 0 <= number <= _LARGEST_SHARD and 0 <= count <= _LARGEST_SHARD:
            return number, count
    raise OptionError(f"shard takes (k, n), two whole numbers from 0 to {_LARGEST_SHARD}, not {shard!r}")


def _flag(name: str, value: Any) -> bool:
    """``value`` when it is ``True`` or ``False`` (NumPy's too); else a
    ``TypeError`` naming the argument (the extension's own would name a
    field of its options, or nothing)."""
    kind = type(value)
    if isinstance(value, bool) or (kind.__module__ == "numpy" and kind.__name__ in ("bool", "bool_")):
        return bool(value)
    raise TypeError(f"{name} takes True or False, not {kind.__name__}")


def _build_args(
    jobs: Any, exclude: Any, rebuild: Any, default_lang: Any, ocr: Any, ocr_timeout: Any, memory_mb: Any
) -> "_cita.BuildArgs":
    """The keywords of :func:`index` (and :func:`cita.dist.index`) as the
    extension reads them, each of the wrong type or range refused naming
    it; ``shard`` is ``None`` (one index)."""
    if isinstance(ocr, str):
        ocr_lang: Optional[str] = ocr
        ocr = True
    else:
        ocr_lang = None
        if not isinstance(ocr, bool):
            raise TypeError(f"ocr takes True, False or Tesseract's languages (\"eng+spa\"), not {type(ocr).__name__}")
    return {
        "jobs": _jobs(jobs),
        "exclude": _strings("exclude", exclude),
        "rebuild": _flag("rebuild", rebuild),
        "shard": None,
        "default_lang": None if default_lang is None else _text("default_lang", default_lang),
        "ocr": ocr,
        "ocr_lang": ocr_lang,
        "ocr_timeout": _bounded("ocr_timeout", ocr_timeout, 1, 86_400, "whole seconds"),
        "memory_mb": _bounded("memory_mb", memory_mb, 15, 2**32 - 1, "MB"),
    }


def _bounded(name: str, value: Any, least: int, most: int, unit: str) -> Optional[int]:
    """``value`` when it is ``None`` (the default) or a whole number from
    ``least`` to ``most``, as the CLI's option takes it; else an
    :class:`OptionError` naming it."""
    if value is None:
        return None
    number = _whole(value)
    if number is not None and least <= number <= most:
        return number
    raise OptionError(f"{name} takes {unit} from {least} to {most}, not {value!r}")


def _path(name: str, value: Any) -> str:
    """``value`` as a path: a ``str``, or an ``os.PathLike`` of one
    (``pathlib.Path``); else a ``TypeError`` naming the argument (Python's
    own, ``expected str, bytes or os.PathLike object``, named none, and
    offered bytes, which cita cannot take)."""
    if isinstance(value, (str, os.PathLike)):
        path = os.fspath(value)
        if isinstance(path, str):
            return path
    raise TypeError(f"{name} takes a str or an os.PathLike, not {type(value).__name__}")


def _text(name: str, value: Any) -> str:
    """``value`` when it is a ``str``; else a ``TypeError`` naming the
    argument, raised here, before a cluster's shards are asked (each would
    fail alike and be blamed for it)."""
    if isinstance(value, str):
        return value
    raise TypeError(f"{name} takes a str, not {type(value).__name__}")


def _count(name: str, value: Any, *, optional: bool = False) -> Any:
    """``value`` when it is a whole number from 0 (or, ``optional``,
    ``None``); else an :class:`OptionError` naming the option, as the CLI
    refuses a bad number (not a ``TypeError`` from inside the extension)."""
    if value is None and optional:
        return value
    number = _whole(value)
    if number is not None and 0 <= number <= _LARGEST:
        return number
    raise OptionError(f"{name} takes a whole number from 0 to {_LARGEST}, not {value!r}")


def _jobs(jobs: Any) -> Optional[int]:
    """``jobs`` when it is ``None`` or 1 to 256 threads, as ``cita index
    --jobs`` takes it; else an :class:`OptionError`."""
    if jobs is None:
        return None
    number = _whole(jobs)
    if number is not None and 1 <= number <= 256:
        return number
    raise OptionError(f"jobs takes a number of threads from 1 to 256, not {jobs!r}")


#: The largest number an option takes (what the extension reads it into).
_LARGEST = 2**63 - 1
# A shard's number and count are 32 bits wide in the library.
_LARGEST_SHARD = 2**32 - 1


def _filters(
    since: Optional[DateLike],
    until: Optional[DateLike],
    lang: Union[None, str, Sequence[str]],
    mentions: Optional[Years],
    publication: Optional[str],
    author: Optional[str],
) -> dict:
    """The filters as the extension reads them: text the library parses."""

    def day(name: str, value: Optional[DateLike]) -> Optional[str]:
        # pandas' NaT and NumPy's: no date, said alike.
        if value is not None and not isinstance(value, str) and str(value) == "NaT":
            raise OptionError(f"{name} takes a date (YYYY-MM-DD, YYYY-MM or YYYY), not NaT")
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, datetime.date):
            return value.isoformat()
        if type(value).__name__ == "datetime64" and type(value).__module__ == "numpy":
            # NumPy writes its unit's precision: 2024, 2024-03, 2024-03-05,
            # 2024-03-05T10:00 (a day, then its time).
            return str(value).split("T")[0]
        if value is None or isinstance(value, str):
            return value
        if _whole(value) is not None:
            # A year is four digits to the library: 800 is "0800".
            year = _whole(value)
            return str(year).zfill(4) if year >= 0 else str(year)
        raise OptionError(f"{name} takes a date (YYYY-MM-DD, YYYY-MM or YYYY), not {value!r}")

    def year(value: Any) -> int:
        number = _whole(value)
        if number is not None:
            return number
        raise OptionError(f"mentions takes a year or a (first, last) pair of years, not {mentions!r}")

    if isinstance(mentions, (tuple, list)):
        if len(mentions) != 2:
            raise OptionError(f"mentions takes a year or a (first, last) pair of years, not {mentions!r}")
        mentions = f"{year(mentions[0])}..{year(mentions[1])}"
    elif mentions is not None and not isinstance(mentions, str):
        mentions = str(year(mentions))
    return {
        "since": day("since", since),
        "until": day("until", until),
        "lang": [] if lang is None else _language_codes(lang),
        "mentions": mentions,
        "publication": None if publication is None else _text("publication", publication),
        "author": None if author is None else _text("author", author),
    }
