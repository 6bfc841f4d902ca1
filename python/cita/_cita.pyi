"""Type stubs of the extension module ``cita._cita`` (Rust, PyO3).

Private: use the ``cita`` package. Every method returns what the CLI's JSON
renderer writes for the same request, as text; ``cita`` parses it.
"""

import os
from typing import Any, Callable, List, Optional, Tuple, TypedDict, Union

DEFAULT_LIMIT: int
DEFAULT_SNIPPET_CHARS: int
DEFAULT_KWIC_WIDTH: int
MAX_KWIC_WIDTH: int
CITA_VERSION: str

_Path = Union[str, os.PathLike[str]]

class Filters(TypedDict):
    since: Optional[str]
    until: Optional[str]
    lang: List[str]
    mentions: Optional[str]
    publication: Optional[str]
    author: Optional[str]

class SearchOptions(TypedDict):
    limit: Optional[int]
    offset: int
    sort: str
    snippet_chars: int
    context: int
    cite: bool
    all_words: bool
    group: bool
    facets: bool
    facet_limit: Optional[int]
    collapse: bool

class BuildArgs(TypedDict):
    jobs: Optional[int]
    exclude: List[str]
    rebuild: bool
    shard: Optional[Tuple[int, int]]
    default_lang: Optional[str]
    ocr: bool
    ocr_lang: Optional[str]
    ocr_timeout: Optional[int]
    memory_mb: Optional[int]

def index(
    corpus: _Path,
    index: _Path,
    args: BuildArgs,
    progress: Optional[Callable[[int, int, int, int], Any]],
) -> str:
    """Builds or updates an index; the JSON of ``cita index --format json``."""
def left_out(format: str, facets: bool, context: bool) -> List[str]:
    """The notes ``cita search`` prints on stderr of what ``format`` leaves out."""
def render_counts(passages: int, documents: int, format: str) -> str:
    """Counts as ``cita search --count`` prints them in ``format``."""
def check_build_options(corpus: _Path, args: BuildArgs) -> None:
    """Raises :class:`OptionError` for the keywords a build of ``corpus`` would refuse."""

class HitStream:
    """The JSON of each hit of a search, as the search makes it."""
    def __iter__(self) -> HitStream: ...
    def __next__(self) -> str: ...

class SearchResults:
    @property
    def total(self) -> int: ...
    @property
    def distinct(self) -> Optional[int]: ...
    @property
    def documents(self) -> Optional[int]: ...
    def json(self) -> str:
        """The JSON of ``cita search --format json``."""
    def render(self, format: str, color: bool, explain: bool) -> str:
        """What ``cita search --format FORMAT`` prints."""
    def batch_rows(self, line: int, query: str) -> str:
        """The JSON lines of ``cita batch --format jsonl`` for these results
        as the answer to ``query`` at ``line`` of a batch."""

class Archive:
    def __init__(self, path: _Path, live: bool) -> None: ...
    @property
    def path(self) -> str: ...
    @property
    def fingerprint(self) -> str: ...
    @property
    def _commit(self) -> str: ...
    @property
    def shard(self) -> Optional[Tuple[int, int]]: ...
    def reload(self) -> None: ...
    def search(self, query: str, filters: Filters, options: SearchOptions) -> SearchResults: ...
    def hits(self, query: str, filters: Filters, options: SearchOptions) -> HitStream: ...
    def count(self, query: str, filters: Filters) -> str: ...
    def passage(self, id: str, context: int, cite: bool = False) -> Optional[str]: ...
    @property
    def last_run_unfinished(self) -> bool: ...
    def timeline(self, query: str, filters: Filters, by: str, axis: str, by_source: bool) -> str: ...
    def kwic(
        self, query: str, filters: Filters, width: int, sort: str, limit: Optional[int] = None
    ) -> str: ...
    def batch(
        self, queries: List[Tuple[int, str]], filters: Filters, limit: Optional[int], snippet_chars: int
    ) -> Tuple[str, List[Tuple[int, str, Optional[int], Optional[Exception]]]]:
        """``(JSON lines of cita batch --format jsonl, [(line, query, total, error)])``."""
    def stats(self) -> str: ...
    def check(self) -> str:
        """The JSON of ``cita check --format json``."""
    def languages(self) -> str:
        """The JSON list of the index's languages (codes)."""
    def _shard_step(
        self,
        step: str,
        query: str,
        filters: Filters,
        options: SearchOptions,
        statistics: Optional[str],
        data: str,
    ) -> str:
        """A shard's step of a search over shards (cita.dist): "statistics"
        (data: the languages), "answer" or "fetch" (data: the picks and the
        shown passages whose copies it lists)."""

# The coordinator's steps of a search over shards (cita.dist).
def union_languages(parts: List[str]) -> str: ...
def sum_statistics(languages: str, parts: List[str]) -> str: ...
def sum_counts(parts: List[str]) -> str: ...
def merge_timelines(query: str, by: str, axis: str, by_source: bool, parts: List[str]) -> str: ...
def sum_stats(index: _Path, parts: List[str]) -> str:
    """The shards' stats summed, as the stats of the archive in ``index``."""
def merge_kwic(
    query: str, filters: Filters, width: int, sort: str, limit: Optional[int], parts: List[str]
) -> str: ...
# Each raises, before any shard is asked, what one index would raise for
# the same arguments (and, for a search, grouping, which shards cannot do).
def check_search(query: str, filters: Filters, options: SearchOptions) -> None: ...
def check_count(query: str, filters: Filters) -> None: ...
def check_timeline(query: str, filters: Filters, by: str, axis: str, by_source: bool) -> None: ...
def check_kwic(query: str, filters: Filters, width: int, sort: str) -> None: ...
def batch_lines(text: str) -> List[Tuple[int, str]]:
    """A batch file's ``(line, query)`` pairs, as ``cita batch`` reads it."""
def check_filters(filters: Filters, snippet_chars: int) -> None:
    """Raises for bad filters and options, as ``Archive.batch`` does before any query."""
def shard_of(source: str, count: int) -> int: ...

class ShardPage:
    @property
    def total(self) -> int: ...
    @property
    def reading(self) -> List[Optional[str]]:
        """Per answering shard, in order, the JSON of what its fetch step
        reads (picks, shown passages), or None when it reads nothing."""
    def assemble(self, parts: List[str]) -> SearchResults: ...

def merge_page(
    query: str, filters: Filters, options: SearchOptions, statistics: str, answers: List[str]
) -> ShardPage: ...
