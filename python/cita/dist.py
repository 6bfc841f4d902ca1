"""cita past one machine: an archive in shards, built and searched on a Dask cluster.

>>> from distributed import Client
>>> import cita.dist
>>> client = Client("tcp://scheduler:8786")
>>> cita.dist.index("corpus", "/shared/shards", shards=4, client=client)
>>> cluster = cita.dist.Cluster(client, "/shared/shards")
>>> cluster.search('"Plan LAZO"').to_dicts()      # as cita.Archive(one index).search

Shard ``k`` of ``n`` is a normal cita index (``shards_dir/shard-k``) of the
files a stable hash of their path routes to it, built by cita's incremental
indexer in one Dask task per shard. ``shards_dir`` must be a path every
worker (and the caller) can read at the same place: a shared filesystem
(NFS, Lustre, GPFS), or one machine's disk for a local cluster.

A thin shell, like the rest of the package: each step of a search over
shards runs in the Rust library (:mod:`cita._cita`), on the workers
(statistics, scoring, reading the page's passages) or in the caller
(summing statistics, merging the answers into a page, assembling the
results); this module only moves their JSON between processes. The
results equal one index's: the same hits, scores, ranks, totals, facets,
counts, timelines, concordances, batch rows, languages and stats (but for the size on
disk), exactly so while the shards hold no deleted passages (see the
README, "Past one machine").
"""

from __future__ import annotations

import asyncio
import json
import math
import numbers
import os
import re
import threading
from typing import AbstractSet, Any, Dict, Iterable, List, NamedTuple, Optional, Set, Tuple, Union

from . import _cita
from . import _build_args, _path, _Queries, _search_options
from ._errors import (
    CitaError,
    CorpusNotFoundError,
    DamagedIndexError,
    FileSystemError,
    IncompatibleIndexError,
    IndexNotFoundError,
    OptionError,
    ShardError,
)
from ._results import BuildReport, IndexCheck, Results

__all__ = ["Cluster", "MANIFEST", "index", "shard_of"]

#: The file in the shard folder that records how many shards it holds
#: (the library's ``store::SHARD_MANIFEST``: a build leaves out a folder
#: holding it).
MANIFEST = "cita-shards.json"
#: Seconds a shard has to answer each step, unless told otherwise.
DEFAULT_TIMEOUT = 60.0

PathLike = Union[str, "os.PathLike[str]"]


def _distributed() -> Any:
    try:
        import distributed
    except ImportError as missing:  # pragma: no cover - depends on the environment
        raise ImportError(
            'cita.dist needs Dask distributed: pip install "dask[distributed]"'
        ) from missing
    return distributed


def shard_of(source: str, shards: int) -> int:
    """The shard (from 0) of ``shards`` that holds the file at ``source``,
    its path relative to the corpus with ``/`` (a stable hash: the same on
    every machine and run)."""
    if not _is_shard_count(shards):
        raise OptionError(f"shards is a number of shards, at least 1, not {shards!r}")
    return _cita.shard_of(source, shards)


def _is_shard_count(value: Any) -> bool:
    """Whether ``value`` is a number of shards: a whole number (not a
    bool) from 1."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _client(name: str, value: Any) -> Any:
    """``value`` when it is a ``distributed.Client`` or a scheduler's
    address (a ``str``); else a ``TypeError`` naming the argument, raised
    before anything is written or asked of the cluster."""
    if isinstance(value, str) or isinstance(value, _distributed().Client):
        return value
    raise TypeError(
        f"{name} takes a distributed.Client or a scheduler's address (str), not {type(value).__name__}"
    )


def _connect(value: Any, timeout: Optional[float], shards: int) -> Tuple[Any, bool]:
    """The client for ``value`` (see :func:`_client`), and whether it was
    opened here, for an address (then the caller closes it). ``timeout``
    bounds the connection, else Dask's own limit does. A scheduler that
    cannot be reached fails every one of the ``shards``: a
    :class:`ShardError`; an address Dask cannot read, an
    :class:`OptionError`."""
    if not isinstance(value, str):
        return value, False
    _check_address(value)
    limit = {} if timeout is None else {"timeout": timeout}
    try:
        # Not the process's default client: the caller's own Dask work
        # (dask.compute, distributed.wait) stays on the client it chose,
        # and does not wait in this one's event loop after it is closed.
        return _distributed().Client(value, set_as_default=False, **limit), True
    except OSError as err:  # TimeoutError too
        raise ShardError(
            f"cannot reach the Dask scheduler at {value}: {err or type(err).__name__}", list(range(shards))
        ) from None
    except ValueError as err:
        raise OptionError(f"{value!r} is not a Dask scheduler's address: {err}") from None


# The schemes of an address given as text: Dask's own, whose addresses it
# reads here before connecting.
_CHECKED_SCHEMES = ("tcp", "tls", "ws", "wss", "inproc")


def _check_address(address: str) -> None:
    """An :class:`OptionError` when Dask cannot read ``address`` as a
    scheduler's: an unknown scheme (a dashboard's ``http://``), or a host
    without its port (``foo``, ``tcp://127.0.0.1``). Checked before a
    ``Client`` is made: one made of such an address fails, but is left
    half open, and Python's exit then waits for it (twice the time limit,
    two minutes by default) and prints its traceback. Another scheme
    (``ucx://``) is given through a ``Client``."""
    from distributed.comm.addressing import get_address_host_port, parse_address
    from distributed.comm.registry import backends

    try:
        scheme, _ = parse_address(address)
        if scheme not in backends:
            raise ValueError(f"unknown address scheme {scheme!r} (known schemes: {sorted(backends)})")
        if scheme not in _CHECKED_SCHEMES:
            # UCX is listed whether or not it can be used here, and a
            # client that fails to use it is left half open too.
            raise ValueError(f"pass a distributed.Client for a {scheme}:// scheduler")
        if scheme != "inproc":
            get_address_host_port(address)
    except ValueError as err:
        raise OptionError(f"{address!r} is not a Dask scheduler's address: {err}") from None


def _scheduler_lost(client: Any) -> bool:
    """Whether ``client`` lost its scheduler for good (closed): its calls
    would raise Dask's own ``ClosedClientError``."""
    return client.status in ("closing", "closed")


# What a shard's failure says when the client lost its scheduler.
_LOST = "was lost: the connection to the scheduler closed"


# --- On the workers --------------------------------------------------------

# The shards this worker process has opened, by path. A restarted worker
# starts empty and opens them again.
_opened: Dict[str, Any] = {}
_opened_lock = threading.Lock()


def _shard_path(shards_dir: str, number: int) -> str:
    """Shard ``number``'s folder in ``shards_dir``, refusing anything that
    would lead outside it (a link included) or a folder without a manifest."""
    if isinstance(number, bool) or not isinstance(number, int) or number < 0:
        raise OptionError(f"a shard is a number from 0, not {number!r}")
    root = os.path.realpath(shards_dir)
    path = os.path.realpath(os.path.join(root, f"shard-{number}"))
    if os.path.dirname(path) != root:
        # The folder's content, not the caller's option: the search names
        # this shard as failing (ShardError), as for any other it holds.
        raise IncompatibleIndexError(f"shard {number}: {path} is outside the shard folder {root}")
    if not os.path.isfile(os.path.join(root, MANIFEST)):
        # The caller found the manifest (a Cluster reads it, cita.dist.index
        # writes it): this worker does not see the folder the caller does.
        raise _raised_here(
            IndexNotFoundError(
                f"{root} holds no shards (no {MANIFEST}) as this worker sees it: "
                "every worker must reach the shard folder at the path the caller gives (shared storage)"
            )
        )
    return path


def _worker_address() -> Optional[str]:
    """The address of the Dask worker running the current task, if any."""
    try:
        return _distributed().get_worker().address
    except ValueError:
        return None


def _raised_here(err: BaseException) -> BaseException:
    """``err``, a failure of the worker rather than of the shard (it cannot
    see the shard folder or read a file of it, it ran out of memory),
    marked with the worker it is raised on (``cita_worker``, kept when Dask
    sends it to the caller): the caller runs the step once more on another
    worker, names this one and sends the call's later steps elsewhere."""
    worker = _worker_address()
    if worker is not None:
        err.cita_worker = worker  # type: ignore[attr-defined]
    return err


def _archive(shards_dir: str, number: int) -> Any:
    path = _shard_path(shards_dir, number)
    with _opened_lock:
        archive = _opened.get(path)
        if archive is None:
            archive = _opened[path] = _cita.Archive(path, False)
    return archive


def _opening(archive: Any, *args: Any) -> Tuple[str, str]:
    """A search's first step on a shard: its languages, and its statistics
    over the languages the caller expects the archive to have (``args``
    end with them), which it asks again when the shards say otherwise."""
    return archive.languages(), archive._shard_step("statistics", *args)


# What a worker runs for the caller, by name.
_STEPS = {
    "opening": _opening,
    "_shard_step": lambda archive, *args: archive._shard_step(*args),
    "count": lambda archive, *args: archive.count(*args),
    "timeline": lambda archive, *args: archive.timeline(*args),
    "passage": lambda archive, *args: archive.passage(*args),
    "languages": lambda archive: archive.languages(),
    "stats": lambda archive: archive.stats(),
    "check": lambda archive: archive.check(),
}


def _on_shard(shards_dir: str, number: int, step: str, seen: Optional[str], *args: Any) -> Any:
    """Runs ``step`` on shard ``number`` (a Dask task). The first step of a
    call (``seen`` None) sees the shard's latest commit and returns
    ``(its commit, its answer)``; each later step, on whichever worker
    Dask runs it, sees the commit the first saw (``seen``), or fails."""
    if step not in _STEPS:
        raise OptionError(f"a shard does not run {step!r}")
    try:
        return _run_step(shards_dir, number, step, seen, *args)
    except (IndexNotFoundError, IncompatibleIndexError, DamagedIndexError) as err:
        # The shard's own (the folder this worker cannot see aside, marked
        # where it is found).
        raise _with_shard_advice(err, shards_dir) from None
    except FileSystemError as err:
        raise _raised_here(err)
    except CitaError:
        # The shard's or the call's: a build committed meanwhile, a bad option.
        raise
    except Exception as err:
        raise _raised_here(err)


# A one-index error's advice names cita.index, which over a shard would
# put a whole index in its folder: each is replaced, by its kind (the
# exception's ``_advice``), by the call that builds the shards.
_SHARD_ADVICE = {
    "build": "build the shards with {call})",
    "rebuild": "rebuild the shards with {call}, rebuild=True)",
    "give_index": "empty it and rebuild the shards with {call}, rebuild=True)",
    "rebuild_from": "call {call}, rebuild=True)",
    "keep_or_rebuild": "give the corpus the shards were built from to {call}), or call {call}, rebuild=True)",
}


def _with_shard_advice(err: CitaError, shards_dir: str) -> CitaError:
    """``err`` of a shard's index, its advice replaced by the call that
    builds the shards."""
    kind, words = getattr(err, "_advice", (None, None))
    instead = _SHARD_ADVICE.get(kind)
    if instead is None or words not in str(err):
        return err
    try:
        count = _read_manifest(shards_dir)
    except CitaError:
        count = None
    # The call as it runs, with the keywords it needs (the folder's count).
    call = f"cita.dist.index(corpus, {shards_dir!r}, shards={count or 'N'}, client=client"
    advised = type(err)(str(err).replace(words, instead.format(call=call)))
    advised.__dict__.update(err.__dict__)
    del advised._advice
    return advised


def _run_step(shards_dir: str, number: int, step: str, seen: Optional[str], *args: Any) -> Any:
    archive = _archive(shards_dir, number)
    # The commit, not only the content: a rebuild of the same content
    # (another commit, without the deleted passages) scores otherwise.
    if seen is None:
        archive.reload()
        _check_holds(archive, shards_dir, number)
        return archive._commit, _STEPS[step](archive, *args)
    if archive._commit != seen:
        archive.reload()
        if archive._commit != seen:
            raise CitaError(f"shard {number} changed during the search (a build committed): search again")
    return _STEPS[step](archive, *args)


def _check_holds(archive: Any, shards_dir: str, number: int) -> None:
    """Refuses a shard folder that holds another shard, or a whole index
    (copied there by hand, built without ``shard=``): its passages would
    count twice or not at all."""
    expected = (number, _read_manifest(shards_dir))
    held = archive.shard
    if held != expected:
        what = "a whole index" if held is None else f"shard {held[0]} of {held[1]}"
        raise IncompatibleIndexError(
            f"{archive.path} holds {what}, not shard {number} of {expected[1]}: "
            "build the shards with cita.dist.index"
        )


def _build_shard(corpus: str, shards_dir: str, number: int, count: int, args: "_cita.BuildArgs") -> str:
    """Builds or updates shard ``number`` of ``count`` (a Dask task) with
    the keywords of :func:`index` (``args``); an error advises the call
    that builds the shards."""
    path = _shard_path(shards_dir, number)
    try:
        return _cita.index(corpus, path, {**args, "shard": (number, count)}, None)
    except CitaError as err:
        raise _with_shard_advice(err, shards_dir) from None


# --- In the caller ---------------------------------------------------------


def _read_manifest(shards_dir: str) -> Optional[int]:
    """The number of shards ``shards_dir`` holds, as its manifest records
    it; ``None`` without a manifest. A path that is a file, or a manifest
    that cannot be read, is a :class:`FileSystemError` naming it; a
    manifest recording no number of shards is damaged (:class:`CitaError`)."""
    if os.path.exists(shards_dir) and not os.path.isdir(shards_dir):
        # The library's words for an index path that is a file (what
        # cita.Archive says), not "no shards": a build there fails.
        raise FileSystemError(f"{shards_dir}: a file, not an index folder")
    manifest = os.path.join(shards_dir, MANIFEST)
    try:
        with open(manifest, encoding="utf-8") as file:
            count = json.load(file)["shards"]
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError) as err:
        raise CitaError(f"{manifest} is damaged ({err})") from None
    except OSError as err:
        raise _file_system_error(err, manifest) from None
    if not _is_shard_count(count):
        raise CitaError(f"{manifest} is damaged (its shard count is {count!r}, not a whole number from 1)")
    return count


def index(
    corpus: PathLike,
    shards_dir: PathLike,
    shards: int,
    *,
    client: Any,
    jobs: Optional[int] = None,
    exclude: Union[str, Iterable[str]] = (),
    rebuild: bool = False,
    timeout: Optional[float] = None,
    default_lang: Optional[str] = None,
    ocr: Union[bool, str] = True,
    ocr_timeout: Optional[int] = None,
    memory_mb: Optional[int] = None,
) -> List[BuildReport]:
    """Builds or updates the ``shards`` shards of ``corpus`` in
    ``shards_dir`` (``shard-0`` … ``shard-N-1``), one Dask task per shard
    on ``client``'s workers, in parallel; returns their reports in shard
    order (each the object ``cita index --format json`` prints).

    Incremental, like :func:`cita.index`: a re-run reads only the files
    changed since, and a file moved to a path routed to another shard
    leaves its old shard. ``corpus`` and ``shards_dir`` must be readable
    by every worker at the same path. The shard count is recorded in
    ``shards_dir/cita-shards.json``; another count for the same folder
    raises :class:`OptionError` (build into a new folder instead).
    ``client``: a ``distributed.Client``, or a scheduler's address
    (``"tcp://host:8786"``), for which a client is opened for the build
    and closed after it, as :class:`Cluster` does.
    ``jobs``: threads per shard build (default: all the worker's cores).
    ``default_lang``, ``ocr``, ``ocr_timeout``, ``memory_mb``: as
    :func:`cita.index`'s, for every shard (``memory_mb`` for each).
    ``timeout``: seconds to wait for all the builds (default: no limit).
    A shard that fails raises :class:`ShardError` naming it, after the
    others have finished; so does one still building at the limit, whose
    build is not stopped (Dask cannot stop a running task): it runs on in
    its worker, holding its shard's lock until it finishes, and a build of
    that shard meanwhile fails (:class:`IndexLockedError`).

    As :func:`cita.index` with its index folder, a shard folder inside the
    corpus is left out of it (every shard, the manifest, anything else
    there); the corpus folder itself raises :class:`OptionError`, and a
    folder holding other files than shards (an index, documents)
    :class:`IncompatibleIndexError`, before anything is written. So are a
    wrong argument (a ``TypeError`` naming it) and a glob the builds would
    refuse.
    """
    if not _is_shard_count(shards):
        raise OptionError(f"shards is a number of shards, at least 1, not {shards!r}")
    args = _build_args(jobs, exclude, rebuild, default_lang, ocr, ocr_timeout, memory_mb)
    timeout = _seconds(timeout)
    client = _client("client", client)
    corpus = os.path.abspath(_path("corpus", corpus))
    if not os.path.isdir(corpus):
        # Before the shard folder and its manifest are made.
        raise CorpusNotFoundError(f"corpus folder {corpus} does not exist or is not a folder")
    # Refused here, as cita.index refuses them, not by every shard's build
    # once the manifest is written.
    _cita.check_build_options(corpus, args)
    shards_dir = os.path.abspath(_path("shards_dir", shards_dir))
    if os.path.exists(shards_dir) and os.path.samefile(corpus, shards_dir):
        raise OptionError(
            f"the shard folder {shards_dir} is the corpus folder; give cita.dist.index a folder of its own"
        )
    recorded = _read_manifest(shards_dir)
    if recorded is not None and recorded != shards:
        raise OptionError(
            f"{shards_dir} holds {recorded} shards, not {shards}: build into a new folder "
            f"(the shard of a file depends on the number of shards)"
        )
    if recorded is None and os.path.isdir(shards_dir) and _held_files(shards_dir):
        # Shards written among them would mix with them (and a whole index
        # there would be searched as no shard).
        raise IncompatibleIndexError(
            f"{shards_dir} holds files that are not cita shards (no {MANIFEST}); give "
            "cita.dist.index a shard folder, or a new or empty folder to build one in"
        )
    args["exclude"] = args["exclude"] + _exclusion_of(shards_dir, corpus)
    # The archive's default language, which a shard whose folder was made
    # anew takes too: shards read under different defaults would not
    # answer as one index.
    kept_lang = None if recorded is None else _manifest_default_lang(shards_dir)
    if args["default_lang"] is None:
        args["default_lang"] = kept_lang
    # Connected before the folder is written: a wrong address leaves none.
    client, own_client = _connect(client, None, shards)
    try:
        if recorded is None or args["default_lang"] != kept_lang:
            _write_manifest(shards_dir, shards, args["default_lang"])
        futures = [
            client.submit(
                _build_shard,
                corpus,
                shards_dir,
                number,
                shards,
                args,
                pure=False,
            )
            for number in range(shards)
        ]
        reports, failed, _, _ = _collect(client, dict(enumerate(futures)), timeout, "finish")
    finally:
        if own_client:
            client.close()
    if failed:
        raise _shard_error("building", failed)
    return [BuildReport(json.loads(reports[number])) for number in range(shards)]


def _held_files(shards_dir: str) -> List[str]:
    """What ``shards_dir`` holds but a manifest left half-written by a
    build stopped before renaming it into place."""
    half_written = re.compile(re.escape(MANIFEST) + r"\.\d+\.\d+\.tmp")
    return [name for name in os.listdir(shards_dir) if not half_written.fullmatch(name)]


def _write_manifest(shards_dir: str, shards: int, default_lang: Optional[str]) -> None:
    """Makes the shard folder and records its number of shards, and the
    default language its builds were given, if any; a folder or file that
    cannot be written is a :class:`FileSystemError` naming it."""
    manifest = os.path.join(shards_dir, MANIFEST)
    recorded: Dict[str, Any] = {"shards": shards, "cita_version": _cita.CITA_VERSION}
    if default_lang is not None:
        recorded["default_lang"] = default_lang
    # Written beside it and renamed over it: a search reading it meanwhile,
    # or a build stopped halfway, never sees half a manifest.
    written = f"{manifest}.{os.getpid()}.{threading.get_ident()}.tmp"
    try:
        os.makedirs(shards_dir, exist_ok=True)
        with open(written, "w", encoding="utf-8") as file:
            json.dump(recorded, file)
            file.write("\n")
        os.replace(written, manifest)
    except OSError as err:
        if os.path.exists(written):
            os.remove(written)
        raise _file_system_error(err, manifest) from None


def _manifest_default_lang(shards_dir: str) -> Optional[str]:
    """The default language the manifest records (the last one a build of
    the shards was given), or ``None`` (a manifest of an earlier cita, or
    no build given one); read after :func:`_read_manifest` found it sound."""
    with open(os.path.join(shards_dir, MANIFEST), encoding="utf-8") as file:
        code = json.load(file).get("default_lang")
    return code if isinstance(code, str) else None


def _file_system_error(err: OSError, path: str) -> FileSystemError:
    """``err`` as cita's :class:`FileSystemError`, naming the path it was
    about (else ``path``) and the system's reason, as the library names a
    path it cannot read or write."""
    return FileSystemError(f"{err.filename or path}: {err.strerror or err}")


def _exclusion_of(shards_dir: str, corpus: str) -> List[str]:
    """The ``exclude`` glob of the shard folder when it lies inside the
    corpus, by its path as given or its real one; else none. Each shard's
    build leaves out its own folder, as :func:`cita.index` does, but not
    the other shards' nor the manifest: without this, each would read
    them as documents."""
    globs = set()
    for folder, root in ((shards_dir, corpus), (os.path.realpath(shards_dir), os.path.realpath(corpus))):
        if folder != root and os.path.commonpath([folder, root]) == root:
            relative = os.path.relpath(folder, root).replace(os.sep, "/")
            # Anchored at the corpus; any character a glob could read as
            # a pattern (or trim, a final space) escaped.
            globs.add("/" + re.sub(r"([^\w/.-])", r"\\\1", relative))
    return sorted(globs)


def _seconds(timeout: Any) -> Optional[float]:
    """``timeout`` when it is ``None`` (no limit) or a number of seconds
    above 0; else an :class:`OptionError`."""
    if timeout is None:
        return None
    # NumPy numbers too, as everywhere else in the API; infinity is None's job.
    if isinstance(timeout, numbers.Real) and not isinstance(timeout, bool) and 0 < timeout < math.inf:
        return float(timeout)
    raise OptionError(
        f"timeout takes a finite number of seconds above 0, or None for no limit, not {timeout!r}"
    )


class _Collected(NamedTuple):
    """What :func:`_collect` gathers of a step's tasks."""

    results: Dict[int, Any]
    failed: Dict[int, str]
    avoid: Set[str]
    # The shards whose task raised on a worker, and that worker.
    raised_on: Dict[int, str]


def _collect(client: Any, futures: Dict[int, Any], timeout: Optional[float], verb: str) -> _Collected:
    """Each shard's result, or why it has none: an exception it raised, no
    answer within ``timeout`` seconds, or an answer its worker did not hand
    over within them; and the workers to avoid: those that left a shard
    without its result (still running it, or holding it) or failed it
    (each named in the shard's failure). Whatever a shard raises is its own
    failure: what would fail every shard alike (a malformed query, a bad
    option or glob) is refused before any task is submitted."""
    results: Dict[int, Any] = {}
    failed: Dict[int, str] = {}
    avoid: Set[str] = set()
    raised_on: Dict[int, str] = {}
    try:
        fetched, unfetchable = client.sync(_fetch_as_they_finish, client, list(futures.values()), timeout)
        waiting: Dict[int, Any] = {}
        for number, future in futures.items():
            if future.key in fetched:
                results[number] = fetched[future.key]
            elif future.key in unfetchable:
                error = unfetchable[future.key]
                failed[number] = f"{type(error).__name__}: {error}"
            elif future.status == "error":
                try:
                    future.result()  # raises the shard's exception, which the client holds
                except Exception as err:  # noqa: BLE001 - any failure of a shard is named
                    failed[number] = f"{type(err).__name__}: {err}"
                    worker = getattr(err, "cita_worker", None)
                    if worker is not None:
                        failed[number] += f" (on worker {worker})"
                        avoid.add(worker)
                        raised_on[number] = worker
            elif future.cancelled():
                # A client that lost its scheduler cancels what it waited for.
                failed[number] = "was cancelled on the cluster" if client.status == "running" else _LOST
            else:
                waiting[number] = future
        if waiting and client.status != "running":
            # The scheduler went away while the shards were waited for:
            # nothing can be asked of it any more.
            failed.update((number, _LOST) for number in waiting)
            waiting = {}
        finished = {n for n, future in waiting.items() if future.done()}
        running = _running_on(client, [f for n, f in waiting.items() if n not in finished])
        holding = _held_by(client, [f for n, f in waiting.items() if n in finished])
        for number, future in waiting.items():
            if number in finished:
                workers = holding.get(future.key, [])
                failed[number] = f"finished, but its result could not be fetched within {timeout:g} s"
            else:
                workers = [running[future.key]] if future.key in running else []
                failed[number] = f"did not {verb} within {timeout:g} s"
            if workers:
                failed[number] += f" (on worker {', '.join(workers)})"
            avoid.update(workers)
    finally:
        client.cancel([future for future in futures.values() if not future.done()])
    return _Collected(results, failed, avoid, raised_on)


async def _fetch_as_they_finish(
    client: Any, futures: List[Any], timeout: Optional[float]
) -> Tuple[Dict[str, Any], Dict[str, Exception]]:
    """The results of ``futures`` that finish and reach the caller within
    ``timeout`` seconds (run in the client's event loop), and the errors met
    fetching others, by key. Each result is fetched as soon as its task
    finishes, all within the one time limit: neither a shard that hangs
    nor a worker that froze holding finished results takes the others'
    time (fetched one after another after the wait, each such result cost
    a limit more)."""
    distributed = _distributed()
    fetched: Dict[str, Any] = {}
    unfetchable: Dict[str, Exception] = {}
    fetching: List["asyncio.Future[None]"] = []

    async def fetch(future: Any) -> None:
        try:
            # Asked for alone: Dask's own gather asks for the results
            # wanted at the same moment in one request, which a frozen
            # worker holding one of them stalls for all.
            response = await client.scheduler.gather(keys=[future.key])
            if response["status"] == "OK":
                fetched[future.key] = response["data"][future.key]
            else:
                # Lost with its worker: Dask's own gather has it computed again.
                fetched[future.key] = (await client.gather([future], asynchronous=True))[0]
        except Exception as err:  # noqa: BLE001 - named as the shard's failure
            unfetchable[future.key] = err

    async def finish_and_fetch() -> None:
        async for future in distributed.as_completed(futures, loop=client.loop):
            if future.status == "finished":
                fetching.append(asyncio.ensure_future(fetch(future)))
        await asyncio.gather(*fetching)

    try:
        await asyncio.wait_for(finish_and_fetch(), timeout)
    except asyncio.TimeoutError:
        pass  # the caller names what is missing
    finally:
        for task in fetching:
            task.cancel()
        await asyncio.gather(*fetching, return_exceptions=True)
    return fetched, unfetchable


def _running_on(client: Any, futures: List[Any]) -> Dict[str, str]:
    """The worker the scheduler sent each of ``futures`` to run, by key
    (one still queued on the scheduler has none)."""
    if not futures:
        return {}
    keys = {future.key for future in futures}
    try:
        processing = client.processing()
    except OSError:  # the scheduler went away meanwhile
        return {}
    return {key: worker for worker, running in processing.items() for key in running if key in keys}


def _held_by(client: Any, futures: List[Any]) -> Dict[str, List[str]]:
    """The workers holding the result of each of ``futures``, by key."""
    if not futures:
        return {}
    try:
        held = client.who_has(futures)
    except OSError:  # the scheduler went away meanwhile
        return {}
    return {key: sorted(workers) for key, workers in held.items()}


def _plain_search(limit: Optional[int], snippet_chars: int) -> dict:
    """The options of a search in relevance order, nothing added, copies
    not collapsed, full matches only: how `cita batch` and `cita kwic`
    search (`views::batch::run`)."""
    return _search_options(
        limit=limit,
        offset=0,
        sort="relevance",
        snippet_chars=snippet_chars,
        context=0,
        cite=False,
        group=False,
        facets=False,
        all_words=True,
        collapse=False,
    )


class _Steps:
    """The steps of one call over a cluster's shards: each shard's first
    step opens it (and notes the commit it reads), the later
    ones check it still holds that; with ``partial``, shards that fail are
    left out while some answer, and the later steps avoid the workers
    that left a shard without its answer or failed it."""

    def __init__(self, cluster: "Cluster", partial: bool) -> None:
        self.cluster = cluster
        self.partial = partial
        self.failed: Dict[int, str] = {}
        self.seen: Dict[int, str] = {}
        self.avoided_workers: Set[str] = set()

    def __call__(self, calls: Dict[int, Tuple[Any, ...]]) -> Dict[int, Any]:
        step = "_shard_step" if self.seen else "opening"
        results, lost, avoid = self.cluster._step(calls, step, self.seen or None, self.avoided_workers)
        self.failed.update(lost)
        self.avoided_workers.update(avoid)
        if lost and (not self.partial or not results):
            raise _shard_error("searching", self.failed)
        return results

    def summed_statistics(self, query: str, filters: dict, options: dict) -> Tuple[str, List[int]]:
        """The archive's statistics for ``query`` (the shards' summed, over
        the archive's languages) and the shards answering."""
        # The statistics are over the archive's languages: those of the
        # last search, asked again when the shards now have others (the
        # first search, or after a build), which costs a round more.
        cluster = self.cluster
        expected = cluster._searched_languages
        first = self({n: (query, filters, options, None, expected) for n in range(cluster.shards)})
        self.seen.update((n, commit) for n, (commit, _) in first.items())
        answering = sorted(first)
        merged_languages = _cita.union_languages([first[n][1][0] for n in answering])
        if merged_languages == expected:
            statistics = {n: first[n][1][1] for n in answering}
        else:
            statistics = self(
                {n: ("statistics", query, filters, options, None, merged_languages) for n in answering}
            )
            answering = sorted(statistics)
            cluster._searched_languages = merged_languages
        summed = _cita.sum_statistics(merged_languages, [statistics[n] for n in answering])
        return summed, answering


def _shard_error(doing: str, failed: Dict[int, str]) -> ShardError:
    named = "; ".join(f"shard {number} {why}" for number, why in sorted(failed.items()))
    return ShardError(f"{doing} over shards failed: {named}", sorted(failed))


class Cluster(_Queries):
    """The shards in ``shards_dir``, searched on a Dask cluster: a
    ``distributed.Client`` or a scheduler's address (``"tcp://host:8786"``,
    then the cluster opens its own client; :meth:`close` it, or use the
    cluster in a ``with`` block); another value raises ``TypeError``.

    :meth:`search`, :meth:`count`, :meth:`timeline`, :meth:`passage`,
    :meth:`kwic`, :meth:`batch`, :meth:`languages`, :meth:`stats` and
    :meth:`check` are :class:`cita.Archive`'s, with the same arguments and
    result types, and the same content as one index of the whole archive
    would give (but the shards' files, bytes and folder in ``stats`` and
    ``check``). A batch
    runs its queries one after another, each a search over the shards; a
    malformed query's error is in its outcome, as in one index, and a
    failing shard raises :class:`ShardError`. :meth:`stats` sums the
    shards' documents, passages and passages per language; its
    ``size_bytes`` is the sum of the shards' folders (not one index's
    size, which differs) and its ``index`` the shard folder.

    ``timeout``: seconds each shard has to answer each step of a call
    (``None``: no limit; 0 or less raises :class:`OptionError`). A
    shard that fails or does not answer in time raises
    :class:`ShardError` naming it. With ``partial=True`` a search answers
    from the shards that did answer: the results' ``partial`` is ``True``
    and ``shards_answered`` lists those shards, so ``total``, the hits and
    the facets are those of part of the archive (and scores use only those
    shards' statistics): not the exact answer. A worker that left a shard
    without its answer (still running it at the limit, or frozen holding
    it: Dask still sends a frozen worker tasks) runs none of the search's
    later steps while another worker can. Only the shards that fail
    before the page is chosen can be left out: a shard failing while it
    reads the page's passages fails the search. Counts, timelines,
    passages, concordances, batches, languages and stats are never
    partial. Both are
    attributes, which may be changed between calls (checked as when the
    cluster is made: ``partial`` takes ``True`` or ``False``, anything
    else raises ``TypeError``). Every call refuses what one index would
    refuse (a malformed query, a bad option: the same error) before any
    shard is asked.
    """

    def __init__(
        self,
        client_or_address: Any,
        shards_dir: PathLike,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        partial: bool = False,
    ) -> None:
        # Every argument checked, and the manifest read, before a client is
        # opened: a refused cluster leaves no connection behind.
        _client("client_or_address", client_or_address)
        self.timeout = timeout
        self.partial = partial
        self.shards_dir = os.path.abspath(_path("shards_dir", shards_dir))
        count = _read_manifest(self.shards_dir)
        if count is None:
            raise IndexNotFoundError(
                f"{self.shards_dir} holds no shards (no {MANIFEST}): run cita.dist.index first"
            )
        #: How many shards the archive has.
        self.shards: int = count
        # The archive's languages (JSON) as the last search found them.
        self._searched_languages = "[]"
        self._client, self._own_client = _connect(client_or_address, self.timeout, count)
        self._closed = False

    @property
    def timeout(self) -> Optional[float]:
        """Seconds each shard has to answer each step of a call (``None``:
        no limit); another value than a number above 0 raises
        :class:`OptionError`."""
        return self._timeout

    @timeout.setter
    def timeout(self, seconds: Optional[float]) -> None:
        self._timeout = _seconds(seconds)

    @property
    def partial(self) -> bool:
        """Whether a search may answer from the shards that answer (see
        the class); another value than ``True`` or ``False`` raises
        ``TypeError``."""
        return self._partial

    @partial.setter
    def partial(self, partial: bool) -> None:
        if not isinstance(partial, bool):
            raise TypeError(f"partial takes True or False, not {type(partial).__name__}")
        self._partial = partial

    def close(self) -> None:
        """Closes the client the cluster opened (not one it was given); a
        closed cluster's calls raise ``ValueError``, as a closed archive's."""
        self._closed = True
        if self._own_client:
            self._client.close()

    def __enter__(self) -> "Cluster":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<cita.dist.Cluster {self.shards_dir!r} shards={self.shards}>"

    def _step(
        self,
        calls: Dict[int, Tuple[Any, ...]],
        step: str,
        seen: Optional[Dict[int, str]],
        avoid: AbstractSet[str] = frozenset(),
    ) -> Tuple[Dict[int, Any], Dict[int, str], Set[str]]:
        """``step`` on each shard of ``calls`` with its arguments; ``seen``:
        None for a call's first step, else what each shard's first step
        saw. The workers in ``avoid`` (those that left a shard without its
        answer, or failed it, in an earlier step) run none of its tasks
        while others can. A shard whose task failed for a reason of its
        worker's (:func:`_raised_here`) runs once more on the others, when
        there are others: a worker that cannot see the shard folder fails
        every shard Dask sends it, where another answers. Returns each shard's result, why the others have none, and
        the workers to avoid in the call's later steps."""
        results, failed, avoid_later, raised_on = self._submit(calls, step, seen, avoid)
        if raised_on:
            avoided = set(avoid) | avoid_later
            try:
                others = [worker for worker in self._client.nthreads() if worker not in avoided]
            except OSError:  # the scheduler went away meanwhile
                others = []
            if others:
                again = self._submit({n: calls[n] for n in raised_on}, step, seen, avoided)
                for number in raised_on:
                    failed.pop(number)
                results.update(again.results)
                failed.update(again.failed)
                avoid_later |= again.avoid
        return results, failed, avoid_later

    def _submit(
        self,
        calls: Dict[int, Tuple[Any, ...]],
        step: str,
        seen: Optional[Dict[int, str]],
        avoid: AbstractSet[str],
    ) -> _Collected:
        """``step`` on each shard of ``calls``, sent to the workers not in
        ``avoid`` while there are any, and what :func:`_collect` gathers."""
        if self._closed:
            raise ValueError(f"the cluster of {self.shards_dir} is closed")
        if _scheduler_lost(self._client):
            return _Collected({}, {number: _LOST for number in calls}, set(), {})
        placed: Dict[str, Any] = {}
        if avoid:
            # Dask places a task by the workers' load, and a frozen worker
            # looks idle: unrestricted, a partial search would send each
            # step there again, and lose more shards at each.
            others = [worker for worker in self._client.nthreads() if worker not in avoid]
            if others:
                placed = {"workers": others, "allow_other_workers": False}
        futures = {
            number: self._client.submit(
                _on_shard,
                self.shards_dir,
                number,
                step,
                None if seen is None else seen[number],
                *args,
                pure=False,
                **placed,
            )
            for number, args in calls.items()
        }
        return _collect(self._client, futures, self.timeout, "answer")

    def _everywhere(self, step: str, args: Tuple[Any, ...], doing: str) -> List[Any]:
        """``step``, a call's only step, on every shard; any failure raises."""
        results, failed, _ = self._step({n: args for n in range(self.shards)}, step, None)
        if failed:
            raise _shard_error(doing, failed)
        return [results[n][1] for n in range(self.shards)]

    def _search(self, query: str, filters: dict, options: dict) -> Results:
        return self._sharded_search(query, filters, options, self.partial)

    def _sharded_search(self, query: str, filters: dict, options: dict, partial: bool) -> Results:
        # Statistics summed over the shards, each shard's best
        # `offset + limit` merged into the page, whose passages the shards
        # holding them then read.
        _cita.check_search(query, filters, options)
        steps = _Steps(self, partial)
        summed, answering = steps.summed_statistics(query, filters, options)
        answers = steps({n: ("answer", query, filters, options, summed, "") for n in answering})
        answering = sorted(answers)
        page = _cita.merge_page(query, filters, options, summed, [answers[n] for n in answering])
        # The shards holding the page's passages read them; collapsing
        # copies, every shard also lists its copies of them.
        reading = {
            number: ("fetch", query, filters, options, summed, data)
            for number, data in zip(answering, page.reading)
            if data is not None
        }
        hits, lost, _ = self._step(reading, "_shard_step", steps.seen, steps.avoided_workers)
        if lost:
            steps.failed.update(lost)
            raise _shard_error("reading the page's passages", lost)
        results = Results(page.assemble(list(hits.values())))
        results.partial = bool(steps.failed)
        results.shards_answered = answering
        results.shards_failed = steps.failed
        return results

    def _kwic(self, query: str, filters: dict, width: int, sort: str, limit: Optional[int]) -> str:
        # Scored with the archive's statistics, each shard's first passages
        # as far as its lines reach one past the limit, merged and cut
        # where one index would; never partial.
        _cita.check_kwic(query, filters, width, sort)
        options = _plain_search(limit=0, snippet_chars=_cita.DEFAULT_SNIPPET_CHARS)
        steps = _Steps(self, False)
        summed, answering = steps.summed_statistics(query, filters, options)
        parts = steps({n: ("kwic", query, filters, options, summed, json.dumps(limit)) for n in answering})
        return _cita.merge_kwic(query, filters, width, sort, limit, [parts[n] for n in sorted(parts)])

    def _count(self, query: str, filters: dict) -> str:
        # A document lives in one shard: counts add up.
        _cita.check_count(query, filters)
        return _cita.sum_counts(self._everywhere("count", (query, filters), "counting"))

    def _passage(self, id: str, context: int, cite: bool) -> Optional[str]:
        found = self._everywhere("passage", (id, context, cite), "reading a passage")
        return next((passage for passage in found if passage is not None), None)

    def _timeline(self, query: str, filters: dict, by: str, axis: str, by_source: bool) -> str:
        _cita.check_timeline(query, filters, by, axis, by_source)
        parts = self._everywhere("timeline", (query, filters, by, axis, by_source), "counting")
        return _cita.merge_timelines(query, by, axis, by_source, parts)

    def _batch(
        self, queries: List[Tuple[int, str]], filters: dict, limit: Optional[int], snippet_chars: int
    ) -> Tuple[str, List[Tuple[int, str, Optional[int], Optional[Exception]]]]:
        # Each query a search over the shards, one after another, with the
        # options `cita batch` runs it with (copies not collapsed), never
        # partial; its rows shaped by the library, as one index's.
        _cita.check_filters(filters, snippet_chars)
        options = _plain_search(limit=limit, snippet_chars=snippet_chars)
        rows: List[str] = []
        outcomes: List[Tuple[int, str, Optional[int], Optional[Exception]]] = []
        for line, query in queries:
            try:
                results = self._sharded_search(query, filters, options, False)
            except ShardError:
                raise
            except CitaError as err:
                outcomes.append((line, query, None, err))
                continue
            rows.append(results._found.batch_rows(line, query))
            outcomes.append((line, query, results.total, None))
        return "".join(rows), outcomes

    def _languages(self) -> str:
        return _cita.union_languages(self._everywhere("languages", (), "listing languages"))

    def _stats(self) -> str:
        # A document lives in one shard: documents and passages add up; the
        # size is the shards' folders'.
        return _cita.sum_stats(self.shards_dir, self._everywhere("stats", (), "reading stats"))

    def check(self) -> IndexCheck:
        """Every shard's :meth:`cita.Archive.check`, each on a worker (the
        shards as the workers read them, after a copy to shared storage):
        the files, bytes and passages summed, ``index`` the shard folder. A
        damaged shard raises :class:`ShardError` naming it and what failed
        its checksum; never partial."""
        checks = [json.loads(check) for check in self._everywhere("check", (), "checking the index")]
        summed = {key: sum(check[key] for check in checks) for key in ("files", "bytes", "passages")}
        return IndexCheck({"index": self.shards_dir, **summed})
