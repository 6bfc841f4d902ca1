"""Result objects: views over the JSON objects of cita's contract.

Every result is built from the JSON the ``cita`` command prints for the
same request (the extension renders it with the CLI's own renderer), so
``to_dict()`` and ``to_dicts()`` give exactly that JSON, parsed: dates are
ISO ``"YYYY-MM-DD"`` strings, highlights ``[start, end]`` UTF-8 byte
offsets into the snippet. The attributes of a record are its JSON fields;
the class annotations below list them (and type them for type checkers).
DataFrames get real types: nullable integers, and ``date`` as a date column.
"""

from __future__ import annotations

import html
import json
import typing
from typing import Any, ClassVar, Dict, Iterator, List, Optional, Tuple, Union

__all__ = [
    "BatchQuery",
    "BatchResults",
    "BatchRow",
    "BuildReport",
    "Concordance",
    "Counts",
    "Group",
    "Hit",
    "KwicLine",
    "Passage",
    "PassageInContext",
    "Results",
    "Stats",
    "Timeline",
    "TimelineRow",
]


class Record:
    """One JSON object of cita's contract, its fields read as attributes.

    Records are read-only; ``to_dict()`` gives the JSON object. Fields the
    contract adds in later versions are attributes too.
    """

    __slots__ = ("_fields",)
    #: Fields present only when asked for (``cite``, ``context``…): ``None`` when absent.
    _optional: ClassVar[frozenset] = frozenset()

    def __init__(self, fields: Dict[str, Any]) -> None:
        object.__setattr__(self, "_fields", fields)

    def __getattr__(self, name: str) -> Any:
        if name == "_fields":  # not set yet (while copying)
            raise AttributeError(name)
        fields = self._fields
        if name in fields:
            return fields[name]
        if name in type(self)._optional:
            return None
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __reduce__(self) -> Tuple[Any, ...]:
        return (type(self), (self._fields,))

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self._fields == other._fields  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]

    def __dir__(self) -> List[str]:
        return sorted(set(super().__dir__()) | set(self._fields))

    def __repr__(self) -> str:
        def short(value: Any) -> str:
            text = repr(value)
            return text if len(text) <= 60 else text[:59] + "…"

        fields = ", ".join(f"{key}={short(value)}" for key, value in self._fields.items())
        return f"{type(self).__name__}({fields})"

    def to_dict(self) -> Dict[str, Any]:
        """The JSON object, parsed (a shallow copy)."""
        return dict(self._fields)


class _Ranked(Record):
    # A hit's JSON object starts with these two fields: as the first base
    # after Passage in Hit's MRO, their annotations come first in
    # typing.get_type_hints(Hit), so an empty DataFrame's columns are in
    # JSON order too.
    __slots__ = ()
    rank: int
    score: float


class Passage(Record):
    """A passage as stored in the index (``cita show``'s ``passage``, a
    hit's passage fields, ``before`` and ``after``). Fields as documented
    in the README's JSON table."""

    __slots__ = ()
    id: str
    source: str
    title: str
    publication: Optional[str]
    url: Optional[str]
    #: Publication date, ISO ``YYYY-MM-DD``.
    date: Optional[str]
    date_origin: Optional[str]
    section: Optional[str]
    language: str
    paragraph: int
    part: int
    byte_range: Optional[List[int]]
    page: Optional[int]
    record: Optional[int]
    entry: Optional[str]
    author: Optional[str]
    extraction: Optional[str]
    ocr_confidence: Optional[int]
    text: str
    mentions: List[int]


class Hit(Passage, _Ranked):
    """One matching passage: a :class:`Passage` with what the search adds.

    ``highlights`` are ``[start, end]`` UTF-8 byte offsets into
    ``snippet``, as in the JSON; :meth:`snippet_parts` cuts the snippet
    at them. ``citation`` is ``None`` without ``cite=True``, ``before``
    and ``after`` (lists of passage dicts) ``None`` without ``context``.
    ``duplicates`` (dicts of where each other copy is: ``id``,
    ``source``, ``record``, ``entry``, ``title``, ``publication``,
    ``url``, ``date``, ``section``, ``paragraph``, ``part``, ``page``; at
    most 20, in source order) and ``duplicates_total`` are ``None`` with
    ``collapse=False`` or ``group=True``.
    """

    __slots__ = ()
    _optional = frozenset({"citation", "before", "after", "duplicates", "duplicates_total"})
    snippet: str
    highlights: List[List[int]]
    matched: List[Dict[str, Any]]
    #: Whether the passage lacks some of the query's terms (ranked after
    #: every full match); ``missing`` lists those it lacks, as written.
    partial: bool
    missing: List[str]
    citation: Optional[str]
    before: Optional[List[Dict[str, Any]]]
    after: Optional[List[Dict[str, Any]]]
    duplicates: Optional[List[Dict[str, Any]]]
    duplicates_total: Optional[int]

    def snippet_parts(self) -> List[Tuple[str, bool]]:
        """The snippet cut at its highlights: ``(text, is_match)`` pieces in order."""
        data = self.snippet.encode("utf-8")
        parts: List[Tuple[str, bool]] = []
        at = 0
        for start, end in self.highlights:
            if start > at:
                parts.append((data[at:start].decode("utf-8"), False))
            parts.append((data[start:end].decode("utf-8"), True))
            at = end
        if at < len(data):
            parts.append((data[at:].decode("utf-8"), False))
        return parts

    def _repr_html_(self) -> str:
        return _hit_html(self)


class _BatchKey(Record):
    # First in a batch row's JSON (see _Ranked).
    __slots__ = ()
    query: str
    line: int


class BatchRow(Hit, _BatchKey):
    """A hit of :meth:`Archive.batch`: a :class:`Hit` with the ``query``
    and its ``line`` (1-based position in the list of queries), as a line
    of ``cita batch --format jsonl``."""

    __slots__ = ()


class Group(Record):
    """One document of a grouped search (``group=True``): its best passage
    first in ``hits``, and how many of its ``passages`` match."""

    __slots__ = ()
    rank: int
    source: str
    record: Optional[int]
    entry: Optional[str]
    title: str
    passages: int

    @property
    def hits(self) -> List[Hit]:
        """Every matching passage of the document."""
        return [Hit(hit) for hit in self._fields["hits"]]


class Counts(Record):
    """How many passages and documents match (``cita search --count``)."""

    __slots__ = ()
    passages: int
    documents: int


class Stats(Record):
    """Documents, passages, size and languages of an index (``cita stats``)."""

    __slots__ = ()
    index: str
    documents: int
    passages: int
    size_bytes: int
    #: ``[{"value": "en", "count": N}, …]``, most passages first.
    languages: List[Dict[str, Any]]
    #: Whether the last run that changed the index stopped before it
    #: finished (the index holds part of the corpus).
    last_run_unfinished: bool


class IndexCheck(Record):
    """What :meth:`Archive.check` read, every checksum holding (``cita
    check``)."""

    __slots__ = ()
    index: str
    #: Segment files read whole and checked.
    files: int
    #: Their bytes.
    bytes: int
    passages: int


class BuildReport(Record):
    """What an index run did: the object ``cita index --format json`` prints
    (see the README's table of its keys)."""

    __slots__ = ()
    corpus: str
    index: str
    files: Dict[str, int]
    files_indexed: int
    documents: int
    passages: int
    added: int
    updated: int
    removed: int
    unchanged: int
    #: Indexed files that cannot be read now and keep their last passages.
    kept: int
    files_read: int
    commits: int
    skipped: Dict[str, int]
    ignored: Dict[str, int]
    warnings: List[Dict[str, Any]]
    ocr: Dict[str, int]
    elapsed_seconds: float
    cita_version: str


class PassageInContext(Record):
    """A passage with its neighbours in its document (``cita show``), and
    its ``citation`` when asked for (``cite=True``; else ``None``)."""

    __slots__ = ()
    _optional = frozenset({"citation"})
    citation: Optional[str]

    @property
    def passage(self) -> Passage:
        """The passage asked for."""
        return Passage(self._fields["passage"])

    @property
    def before(self) -> List[Passage]:
        """Up to ``context`` passages just before it, the earliest first."""
        return [Passage(p) for p in self._fields["before"]]

    @property
    def after(self) -> List[Passage]:
        """Up to ``context`` passages just after it, the nearest first."""
        return [Passage(p) for p in self._fields["after"]]


class TimelineRow(Record):
    """A period (and a source, with ``by_source=True``) and its count."""

    __slots__ = ()
    _optional = frozenset({"source"})
    #: ``YYYY`` or ``YYYY-MM``.
    period: str
    source: Optional[str]
    count: int


class KwicLine(Record):
    """One occurrence of the query: ``left``, ``matched`` and ``right`` text."""

    __slots__ = ()
    rank: int
    id: str
    source: str
    entry: Optional[str]
    record: Optional[int]
    page: Optional[int]
    title: str
    date: Optional[str]
    paragraph: int
    part: int
    left: str
    matched: str
    right: str


class BatchQuery(Record):
    """One query of a batch: its ``line`` (1-based position), the ``query``,
    and its ``total`` of matching passages, or the ``error`` (a
    :class:`~cita.CitaError`, e.g. a :class:`~cita.QueryError`) that
    stopped it."""

    __slots__ = ()
    line: int
    query: str
    total: Optional[int]
    error: Optional[Exception]


RecordType = typing.Type[Record]


class _Table:
    """Rows as dicts, pandas or polars DataFrames, one row per record."""

    __slots__ = ()
    _row_type: ClassVar[RecordType]

    def to_dicts(self) -> List[Dict[str, Any]]:
        """The rows, as the JSON objects the CLI prints."""
        raise NotImplementedError

    def to_pandas(self) -> Any:
        """The rows as a pandas DataFrame, one row per record, its columns the
        JSON fields: integers as ``int64`` (nullable ``Int64`` where JSON
        has ``null``), ``score`` as ``float64``, ``date`` as
        ``datetime64[s]`` (``NaT`` when unknown), text as strings, lists and
        objects as Python objects. Needs pandas 2 or later."""
        return _pandas_frame(self.to_dicts(), self._row_type, self._present())

    def to_polars(self) -> Any:
        """The rows as a polars DataFrame (types as in :meth:`to_pandas`;
        ``date`` a ``pl.Date`` column)."""
        return _polars_frame(self.to_dicts(), self._row_type, self._present())

    def _present(self) -> frozenset:
        """The row type's optional fields these rows have, even when there
        are none: an empty frame's columns are those of a full one."""
        return frozenset()


class Results(_Table):
    """The answer to :meth:`Archive.search`: ``total`` matching passages,
    the returned ``hits``, and, when asked for, ``groups`` and ``facets``.

    Iterating (and ``len``, indexing) goes over the hits. ``to_dict()`` is
    the whole object ``cita search --format json`` prints; ``to_dicts()``
    its ``hits``. In Jupyter the results show as a list with the matches
    highlighted.
    """

    _row_type = Hit

    def __init__(self, found: Any) -> None:
        self._found = found
        #: How many passages match in all (not only those returned).
        self.total: int = found.total
        #: How many, each set of copies counted once: the hits there are to
        #: page through (``None`` with ``collapse=False`` or ``group=True``).
        self.distinct: Optional[int] = found.distinct
        #: With ``group=True``: how many documents hold a match, the groups
        #: there are to page through (``None`` otherwise).
        self.documents: Optional[int] = found.documents
        self._json: Optional[str] = None
        self._parsed: Optional[Dict[str, Any]] = None
        self._hits: Optional[List[Hit]] = None
        #: Over shards (:class:`cita.dist.Cluster`) with ``partial=True``:
        #: whether some shards did not answer, so that ``total``, the hits
        #: and the facets cover only ``shards_answered``. Always ``False``
        #: for one index. (Not about partial matches: each hit's
        #: ``partial`` says whether it lacks some words, ``partial_total``
        #: counts them.)
        self.partial: bool = False
        #: Over shards: the numbers of the shards that answered (``None``
        #: for one index).
        self.shards_answered: Optional[List[int]] = None
        #: Over shards: each shard that did not answer, with why.
        self.shards_failed: Dict[int, str] = {}
        # The optional fields asked for (``cite``, ``context``): columns of
        # an empty frame as of a full one.
        self._asked: frozenset = frozenset()

    def __getstate__(self) -> Dict[str, Any]:
        # The search's own object cannot leave the process; its JSON, the
        # whole answer, stands in for it (multiprocessing, Dask, caches).
        state = dict(self.__dict__)
        state.update(_json=self._text, _found=None, _parsed=None, _hits=None)
        return state

    @property
    def _text(self) -> str:
        # Rendered on first use: a caller who reads only `total` pays for no JSON.
        if self._json is None:
            self._json = self._found.json()
        return self._json

    @property
    def _payload(self) -> Dict[str, Any]:
        if self._parsed is None:
            self._parsed = json.loads(self._text)
        return self._parsed

    @property
    def hits(self) -> List[Hit]:
        """The returned hits, best first (or in the order asked for)."""
        if self._hits is None:
            self._hits = [Hit(hit) for hit in self._payload["hits"]]
        return self._hits

    @property
    def query(self) -> str:
        """The query as given."""
        return self._payload["query"]

    @property
    def cita_version(self) -> str:
        """The cita version that ran the search."""
        return self._payload["cita_version"]

    @property
    def index_fingerprint(self) -> str:
        """What was searched (see :attr:`Archive.fingerprint`)."""
        return self._payload["index_fingerprint"]

    @property
    def partial_total(self) -> Optional[int]:
        """How many passages hold at least half of the query's terms but not
        all, when the full matches left room on the page and partial
        matches filled it; else ``None``."""
        return self._payload["partial_total"]

    @property
    def groups(self) -> Optional[List[Group]]:
        """One entry per document (with ``group=True``), else ``None``."""
        groups = self._payload.get("groups")
        return None if groups is None else [Group(g) for g in groups]

    @property
    def facets(self) -> Optional[Dict[str, Any]]:
        """Counts per source, language, year, publication, format and
        author, and the undated passages (with ``facets=True``), else
        ``None``."""
        return self._payload.get("facets")

    def _present(self) -> frozenset:
        # Copies collapsed, every hit lists its duplicates.
        collapsed = self.distinct is not None
        copies = frozenset({"duplicates", "duplicates_total"}) if collapsed else frozenset()
        return copies | self._asked

    def to_dict(self) -> Dict[str, Any]:
        """The whole JSON object ``cita search --format json`` prints, parsed anew."""
        return json.loads(self._text)

    def to_dicts(self) -> List[Dict[str, Any]]:
        """The hits exactly as ``cita search --format json`` gives them, parsed anew."""
        return self.to_dict()["hits"]

    def __iter__(self) -> Iterator[Hit]:
        return iter(self.hits)

    def __len__(self) -> int:
        return len(self.hits)

    def __getitem__(self, index: int) -> Hit:
        return self.hits[index]

    def __repr__(self) -> str:
        return f"<cita.Results query={self.query!r} total={self.total} hits={len(self)}>"

    def _repr_html_(self) -> str:
        noun = "passage" if self.total == 1 else "passages"
        items = "".join(_hit_html(hit, item=True) for hit in self.hits)
        partial = self.partial_total
        then = f", then partial matches ({partial} with at least half of the words)" if partial else ""
        # Copies shown once: what there is to page through is the distinct
        # passages (or, grouped, the documents).
        if self.documents is not None:
            shown = f"{len(self)} of {self.documents} documents shown"
        elif self.distinct is not None and self.distinct < self.total:
            shown = f"{self.distinct} distinct, {len(self)} shown"
        else:
            shown = f"{len(self)} shown"
        return (
            f"<div class='cita-results'><p>{self.total} matching {noun} for "
            f"<code>{html.escape(self.query)}</code>{then}; {shown}</p>"
            f"<ol>{items}</ol></div>"
        )


class _Rows(Record, _Table):
    """A JSON object whose list under ``_rows_key`` holds the rows; iterating
    (and ``len``, indexing) goes over them, as over a :class:`Results`' hits."""

    __slots__ = ()
    _rows_key: ClassVar[str]

    def _rows(self) -> List[Any]:
        return [self._row_type(row) for row in self._fields[self._rows_key]]

    def to_dicts(self) -> List[Dict[str, Any]]:
        return [dict(row) for row in self._fields[self._rows_key]]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._rows())

    def __len__(self) -> int:
        return len(self._fields[self._rows_key])

    def __getitem__(self, index: Union[int, slice]) -> Any:
        rows = self._fields[self._rows_key][index]
        if isinstance(index, slice):
            return [self._row_type(row) for row in rows]
        return self._row_type(rows)


class Timeline(_Rows):
    """Matching passages per period (``cita timeline``): ``rows`` of
    ``period`` and ``count``, ``total``, ``undated`` (left out for lack of
    a date), ``axis`` (``"published"`` or ``"mentioned"``). Iterating goes
    over the rows."""

    __slots__ = ("_by_source",)
    _row_type = TimelineRow

    def __init__(self, fields: Dict[str, Any], by_source: bool = False) -> None:
        super().__init__(fields)
        # Rows per source: an empty frame has the `source` column too.
        object.__setattr__(self, "_by_source", by_source)

    def __reduce__(self) -> Tuple[Any, ...]:
        return (type(self), (self._fields, self._by_source))

    def _present(self) -> frozenset:
        return frozenset({"source"}) if self._by_source else frozenset()
    _rows_key = "rows"
    query: str
    axis: str
    total: int
    undated: int
    cita_version: str
    index_fingerprint: str

    @property
    def rows(self) -> List[TimelineRow]:
        """One row per period (and source), in period order."""
        return self._rows()


class Concordance(_Rows):
    """A concordance (``cita kwic``): one line per occurrence of the query
    in the ``passages`` that match, ``width`` display columns each side.
    Iterating goes over the lines."""

    __slots__ = ()
    _row_type = KwicLine
    _rows_key = "lines"
    query: str
    width: int
    passages: int
    #: Whether a ``limit`` left matching passages unread.
    truncated: bool
    cita_version: str
    index_fingerprint: str

    @property
    def lines(self) -> List[KwicLine]:
        """One line per occurrence."""
        return self._rows()


class BatchResults(_Table):
    """The rows of :meth:`Archive.batch` (each query's hits, as the lines
    of ``cita batch --format jsonl``) and, in ``queries``, each query's
    total or error. Iterating (and ``len``, indexing) goes over the rows; in
    Jupyter each query shows with its total or error and its hits."""

    _row_type = BatchRow

    def __init__(self, rows_jsonl: str, queries: List[BatchQuery]) -> None:
        self._jsonl = rows_jsonl
        #: Each query with its total, or the error that stopped it.
        self.queries = queries

    @property
    def rows(self) -> List[BatchRow]:
        """Every hit of every query, query by query."""
        return [BatchRow(row) for row in self.to_dicts()]

    @property
    def errors(self) -> List[BatchQuery]:
        """The queries that failed (a malformed query does not stop the others)."""
        return [query for query in self.queries if query.error is not None]

    def to_dicts(self) -> List[Dict[str, Any]]:
        # Lines end at "\n" only: `splitlines` also splits at U+2028, U+2029
        # and U+0085, which JSON leaves unescaped inside a passage's text.
        return [json.loads(line) for line in self._jsonl.split("\n") if line]

    def __iter__(self) -> Iterator[BatchRow]:
        return iter(self.rows)

    def __len__(self) -> int:
        return self._jsonl.count("\n")

    def __getitem__(self, index: int) -> BatchRow:
        return self.rows[index]

    def __repr__(self) -> str:
        return f"<cita.BatchResults queries={len(self.queries)} rows={len(self)} errors={len(self.errors)}>"

    def _repr_html_(self) -> str:
        rows = self.rows
        parts = []
        for query in self.queries:
            heading = f"<code>{html.escape(query.query)}</code>"
            if query.error is not None:
                parts.append(f"<li>{heading}: error: {html.escape(str(query.error))}</li>")
                continue
            noun = "passage" if query.total == 1 else "passages"
            items = "".join(_hit_html(row, item=True) for row in rows if row.line == query.line)
            parts.append(f"<li>{heading}: {query.total} matching {noun}<ol>{items}</ol></li>")
        return f"<div class='cita-batch'><ol>{''.join(parts)}</ol></div>"


def _document_html(source: str, entry: Optional[str], record: Optional[int]) -> str:
    """A document as the text output names it, escaped: ``source › entry #record``."""
    name = html.escape(source) + (f" › {html.escape(entry)}" if entry else "")
    return name + (f" #{record}" if record is not None else "")


def _hit_html(hit: Hit, item: bool = False) -> str:
    """A hit for Jupyter: where, title, and the snippet with the matches
    marked; every piece of document text escaped."""
    esc = html.escape
    snippet = "".join(
        f"<mark>{esc(text)}</mark>" if matched else esc(text) for text, matched in hit.snippet_parts()
    )
    # Where, as the text output says it: source › entry #record p.page ¶paragraph.
    where = _document_html(hit.source, hit.entry, hit.record)
    if hit.page is not None:
        where += f" p.{hit.page}"
    where += f" ¶{hit.paragraph}" + (f".{hit.part}" if hit.part > 1 else "")
    details = [esc(hit.date)] if hit.date else []
    if hit.section:
        details.append(f"§ {esc(hit.section)}")
    if hit.ocr_confidence is not None:
        details.append(f"[OCR {hit.ocr_confidence}%]")
    title = esc(hit.title) + (f" — {esc(hit.publication)}" if hit.publication else "")
    # Marked as the text output marks it: a partial match ranks after
    # every full one and would otherwise read as one.
    lacks = ""
    if hit.partial:
        lacks = f"<div><small>partial match, lacks: {esc(', '.join(hit.missing))}</small></div>"
    copies = ""
    if hit.duplicates_total:
        places = [_document_html(d["source"], d.get("entry"), d.get("record")) for d in hit.duplicates]
        more = hit.duplicates_total - len(places)
        if more > 0:
            places.append(f"and {more} more")
        noun = "copy" if hit.duplicates_total == 1 else "copies"
        copies = f"<div><small>{hit.duplicates_total} other {noun}: {', '.join(places)}</small></div>"
    body = (
        f"<div><b>{where}</b> {' '.join(details)}</div>"
        f"<div><i>{title}</i></div><div>{snippet}</div>{lacks}{copies}"
    )
    return f"<li value='{hit.rank}'>{body}</li>" if item else f"<div class='cita-hit'>{body}</div>"


def _require(module: str, package: str) -> Any:
    """Imports an optional dependency, or says how to install it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as err:
        raise ImportError(f"this needs {package}, which is not installed: pip install {package}") from err


def _column_kinds(row_type: RecordType, present: frozenset) -> Dict[str, str]:
    """The DataFrame kind of each field the row type declares, in JSON order
    (``int``, ``nullable int``, ``float``, ``str``, ``date`` or ``object``);
    fields present only when asked for are left out, but those ``present``."""
    kinds: Dict[str, str] = {}
    for name, hint in typing.get_type_hints(row_type).items():
        if name.startswith("_") or (name in row_type._optional and name not in present):
            continue
        if name == "date":
            kinds[name] = "date"
        elif hint is int:
            kinds[name] = "int"
        elif hint == Optional[int]:
            kinds[name] = "nullable int"
        elif hint is float:
            kinds[name] = "float"
        elif hint is bool:
            kinds[name] = "bool"
        elif hint in (str, Optional[str]):
            kinds[name] = "str"
        else:
            kinds[name] = "object"
    return kinds


def _pandas_frame(rows: List[Dict[str, Any]], row_type: RecordType, present: frozenset) -> Any:
    pd = _require("pandas", "pandas")
    import numpy  # pandas' own dependency

    kinds = _column_kinds(row_type, present)
    columns = list(rows[0]) if rows else list(kinds)
    frame = pd.DataFrame.from_records(rows, columns=columns)
    # The dtype this pandas gives text: `str` from pandas 3 on (missing
    # values NaN), `object` before (then text columns are left as they are).
    text = pd.Series(["text"]).dtype
    dtypes = {"int": "int64", "nullable int": "Int64", "float": "float64", "bool": "bool", "str": text}
    for name in columns:
        kind = kinds.get(name)
        if kind in dtypes:
            frame[name] = frame[name].astype(dtypes[kind])
        elif kind == "date":
            # Days, in the unit that spans any year, parsed by NumPy into it:
            # pandas 2 parses into nanoseconds first, whose range ends at
            # 1677 and 2262 (a colonial decree's date failed the frame).
            days = [day if isinstance(day, str) else "NaT" for day in frame[name]]
            frame[name] = pd.Series(numpy.array(days, dtype="datetime64[s]"), index=frame.index)
        elif kind == "object":
            frame[name] = frame[name].astype(object)
    return frame


def _polars_list_type(pl: Any, hint: Any) -> Any:
    """A list of numbers or text as polars' own list type, whatever the
    page holds (an empty page or one whose lists are all empty would
    otherwise infer another type, and frames of two pages would not
    concatenate); a list of records, whose keys vary, as Python objects."""
    args = typing.get_args(hint)
    if type(None) in args:
        (hint,) = [arg for arg in args if arg is not type(None)]
    if typing.get_origin(hint) is not list:
        return pl.Object
    (item,) = typing.get_args(hint)
    if item is int:
        return pl.List(pl.Int64)
    if item is str:
        return pl.List(pl.String)
    inner = _polars_list_type(pl, item)
    return pl.Object if inner == pl.Object else pl.List(inner)


def _polars_frame(rows: List[Dict[str, Any]], row_type: RecordType, present: frozenset) -> Any:
    pl = _require("polars", "polars")
    kinds = _column_kinds(row_type, present)
    types = {
        "int": pl.Int64,
        "nullable int": pl.Int64,
        "float": pl.Float64,
        "bool": pl.Boolean,
        "str": pl.String,
        "date": pl.Date,
    }
    hints = typing.get_type_hints(row_type)
    schema = {
        name: types[kind] if kind in types else _polars_list_type(pl, hints[name])
        for name, kind in kinds.items()
    }
    if not rows:
        return pl.DataFrame(schema=schema)
    # Dates arrive as text and are parsed below: a page of undated passages
    # would otherwise make a column of nulls that no text parser takes.
    overrides = {
        name: pl.String if kinds[name] == "date" else dtype for name, dtype in schema.items() if name in rows[0]
    }
    frame = pl.DataFrame(rows, schema_overrides=overrides, infer_schema_length=None)
    if "date" in frame.columns and kinds.get("date") == "date":
        frame = frame.with_columns(pl.col("date").str.to_date("%Y-%m-%d"))
    return frame

