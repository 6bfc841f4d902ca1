"""cita.dist on a real Dask cluster: a scheduler and two workers (each
under its nanny) started as separate processes on loopback. The oracle:
searches, counts, timelines, passages, batches, languages and stats over
shards equal those of one index of the same corpus (the shipped articles
plus generated English and Spanish documents, as tests/shards.rs
generates them in Rust)."""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import distributed
import pytest
from distributed import Client, Event

import cita
from cita import _cita
from conftest import blank_png, flip_a_stored_byte, poll
import cita.dist
from cita.dist import Cluster

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "corpus"

SHARDS = 3
DASK = Path(sys.executable).parent / "dask"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DaskProcesses:
    """The scheduler and the workers, each in a process group of its own."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.address = f"tcp://127.0.0.1:{free_port()}"
        self.env = dict(os.environ, TMPDIR=str(folder))
        self.scheduler = self._start(
            "scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            self.address.rsplit(":", 1)[1],
            "--no-dashboard",
        )
        self.workers: List[subprocess.Popen] = []

    def _start(self, *args: str) -> subprocess.Popen:
        """``dask`` with ``args`` (after what runs it: ``unshare … sh -c …``)."""
        at = args.index("scheduler") if "scheduler" in args else args.index("worker")
        log = open(self.folder / f"{args[at]}-{time.monotonic_ns()}.log", "wb")
        return subprocess.Popen(
            [*args[:at], str(DASK), *args[at:]],
            cwd=self.folder,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def add_worker(self, hiding: Optional[Path] = None) -> subprocess.Popen:
        """A worker; with ``hiding``, in a mount namespace of its own where
        an empty folder is mounted over that folder, which it then cannot see."""
        scratch = self.folder / f"worker-{len(self.workers)}"
        scratch.mkdir()
        hidden: List[str] = []
        if hiding is not None:
            empty = scratch / "empty"
            empty.mkdir()
            script = 'mount --bind "$1" "$2" && shift 2 && exec "$@"'
            hidden = ["unshare", "-m", "sh", "-c", script, "sh", str(empty), str(hiding)]
        worker = self._start(
            *hidden,
            "worker",
            self.address,
            "--host",
            "127.0.0.1",
            "--nthreads",
            "2",
            "--no-dashboard",
            "--local-directory",
            str(scratch),
        )
        self.workers.append(worker)
        return worker

    @staticmethod
    def kill(process: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
        if process.poll() is None:
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                pass
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def stop(self) -> None:
        for process in [*self.workers, self.scheduler]:
            if process.poll() is None:
                self.kill(process, signal.SIGTERM)
            # The group may outlive its leader (a nanny's worker).
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def workers(client: Client) -> Dict[str, Any]:
    return client.scheduler_info()["workers"]


@pytest.fixture(scope="module")
def dask(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DaskProcesses]:
    processes = DaskProcesses(tmp_path_factory.mktemp("dask"))
    try:
        processes.add_worker()
        processes.add_worker()
        yield processes
    finally:
        processes.stop()


@pytest.fixture(scope="module")
def client(dask: DaskProcesses) -> Iterator[Client]:
    client = Client(dask.address, timeout=60)
    try:
        poll(lambda: len(workers(client)) == 2, 60, "two workers")
        yield client
    finally:
        client.close()


ENGLISH = (
    "govern governs governed government governments plan plans planned lazo colombia army "
    "operation operations peasant peasants embassy cable cables report reported reports the "
    "of and in a to marquetalia republic independent security aid military programme"
).split()
SPANISH = (
    "gobierno gobiernos gobernar gobernaron investigar investigaron investigación "
    "investigaciones plan lazo ejército operación operaciones campesinos campesino embajada "
    "informe informes el la de y en los marquetalia república independiente seguridad "
    "desplazados desplazamiento"
).split()


def sentence(rng: random.Random, words: List[str], length: int) -> str:
    text = [rng.choice(words) for _ in range(length)]
    if rng.random() < 0.3:
        at = rng.randrange(max(1, length - 1))
        text[at:at] = ["Plan", "LAZO"]
    joined = " ".join(text)
    return joined[0].upper() + joined[1:] + "."


def write_corpus(folder: Path, documents: int = 240) -> None:
    """The shipped articles and generated documents with dates, sources,
    headings and copies (ties)."""
    shutil.copytree(CORPUS, folder)
    rng = random.Random(0x5EED)
    for number in range(documents):
        words, lang = (SPANISH, "es") if number % 3 == 0 else (ENGLISH, "en")
        text = f'---\ntitle: "{sentence(rng, words, 4)}"\n'
        if number % 7:
            text += f'date: "{rng.randint(1958, 1969)}-{rng.randint(1, 12):02}-{rng.randint(1, 28):02}"\n'
        if number % 4:
            text += f'source: "{["El Tiempo", "Semana", "AP"][number % 3]}"\n'
        if number % 5:
            text += f'author: "{["Ana García", "John Smith", "Ana Smith", "ANA GARCIA"][number % 4]}"\n'
        text += f"lang: {lang}\n---\n"
        for section in range(rng.randint(1, 3)):
            text += f"\n## {sentence(rng, words, 2 + section)}\n"
            for _ in range(rng.randint(1, 4)):
                text += f"\n{sentence(rng, words, rng.randint(3, 40))}\n"
        sub = folder / ["cables", "press", "reports"][number % 3]
        sub.mkdir(exist_ok=True)
        (sub / f"{number:03}.md").write_text(text, encoding="utf-8")
        if number % 10 == 0:
            (folder / f"copy-{number:03}.md").write_text(text, encoding="utf-8")


class Built:
    def __init__(self, corpus: Path, whole: Path, shards: Path) -> None:
        self.corpus = corpus
        self.whole_path = whole
        self.whole = cita.Archive(whole)
        self.shards = shards


@pytest.fixture(scope="module")
def built(client: Client, tmp_path_factory: pytest.TempPathFactory) -> Dict[str, Built]:
    folder = tmp_path_factory.mktemp("dist")
    out = {}
    for name in ("shipped", "generated"):
        corpus = folder / name / "corpus"
        if name == "shipped":
            shutil.copytree(CORPUS, corpus)
        else:
            write_corpus(corpus)
        whole = folder / name / "whole"
        cita.index(corpus, whole)
        reports = cita.dist.index(corpus, folder / name / "shards", shards=SHARDS, client=client)
        assert len(reports) == SHARDS
        assert sum(r.documents for r in reports) == cita.Archive(whole).stats().documents
        out[name] = Built(corpus, whole, folder / name / "shards")
    return out


# Words (inflected, in two languages), phrases, Boolean operators,
# prefixes, fields, everything, and no match.
QUERIES = [
    "governments",
    "gobernaron",
    "campesino",
    '"Plan LAZO"',
    '"plan lazo" marquetalia',
    "security OR seguridad",
    "plan AND NOT cable",
    "embassy -report",
    "(army OR ejército) (operation OR operación)",
    "gob*",
    "report*",
    '"plan la"*',
    "title:plan",
    "section:informe",
    "lang:en lazo",
    "*",
    "Marquetalia",
    "Guayabero",
    '"republic independent"~2',
    "nothingmatchesthis",
]


def options(tweak: int) -> Dict[str, Any]:
    chosen: Dict[str, Any] = {
        "limit": [10, 3, 25, 1][tweak % 4],
        "offset": [0, 2, 0, 7][tweak % 4],
        "sort": ["relevance", "relevance", "date", "source", "-date"][tweak % 5],
        "facets": tweak % 2 == 1,
    }
    # The values listed are the archive's most frequent, not each shard's.
    if tweak % 4 == 3:
        chosen.update(facet_limit=1)
    if tweak % 5 == 4:
        chosen.update(since="1960", until="1966-06")
    if tweak % 6 == 5:
        chosen.update(lang="es")
    if tweak % 3 == 2:
        chosen.update(collapse=False)
    return chosen


def same_search(whole: cita.Archive, cluster: Cluster, query: str, **chosen: Any) -> int:
    """Asserts the cluster answers like the whole index; the hits compared."""
    try:
        expected = whole.search(query, **chosen)
    except cita.CitaError as err:
        with pytest.raises(type(err)) as raised:
            cluster.search(query, **chosen)
        assert str(raised.value) == str(err)
        return 0
    got = cluster.search(query, **chosen)
    assert got.total == expected.total, (query, chosen)
    assert got.distinct == expected.distinct, (query, chosen)
    assert got._text.replace(got.index_fingerprint, "") == expected._text.replace(
        expected.index_fingerprint, ""
    ), (query, chosen)
    assert got.to_dicts() == expected.to_dicts(), (query, chosen)
    assert got.facets == expected.facets, (query, chosen)
    assert got.query == query and not got.partial
    assert got.shards_answered == list(range(SHARDS))
    return len(expected.hits)


@pytest.mark.parametrize("name", ["shipped", "generated"])
def test_shards_answer_as_one_index(client: Client, built: Dict[str, Built], name: str) -> None:
    b = built[name]
    cluster = Cluster(client, b.shards)
    assert cluster.shards == SHARDS
    compared = 0
    queries = QUERIES if name == "generated" else QUERIES[3:4] + QUERIES[16:19] + ["coca", "FARC"]
    for number, query in enumerate(queries):
        for tweak in (number, number + 1):
            compared += same_search(b.whole, cluster, query, **options(tweak))
        if number % 2 == 0:
            assert cluster.count(query) == b.whole.count(query), query
    # Every match, and every hit's passage in context.
    everything = same_search(b.whole, cluster, '"Plan LAZO"', limit=None, context=1, cite=True)
    assert everything > 0
    compared += everything
    assert compared > (150 if name == "generated" else 10), compared
    # Grouped by document: the same documents, each with its passages
    # ranked among every match as one index ranks them.
    grouped = 0
    for number, query in enumerate(queries[::2]):
        chosen = options(number)
        chosen.update(group=True, limit=[4, 2, 10][number % 3], offset=[0, 1][number % 2])
        grouped += same_search(b.whole, cluster, query, **chosen)
    assert grouped > (20 if name == "generated" else 2), grouped
    if name == "generated":
        # Copies in different shards are one hit, its duplicates from every shard.
        same_search(b.whole, cluster, "plan", limit=25)
        collapsed = cluster.search("plan", limit=25)
        assert collapsed.distinct < collapsed.total
        assert any(hit.duplicates_total for hit in collapsed)


def test_timelines_and_passages(client: Client, built: Dict[str, Built]) -> None:
    b = built["generated"]
    cluster = Cluster(client, b.shards)
    for query, by, axis, by_source in [
        ("plan", "year", "published", False),
        ("gobierno", "month", "published", True),
        ("lazo", "year", "mentioned", False),
        ("*", "year", "published", True),
    ]:
        got = cluster.timeline(query, by, axis=axis, by_source=by_source)
        expected = b.whole.timeline(query, by, axis=axis, by_source=by_source)
        assert (got.total, got.undated, got.to_dicts()) == (
            expected.total,
            expected.undated,
            expected.to_dicts(),
        )
        assert got.axis == expected.axis
    by_shard = [cita.Archive(b.shards / f"shard-{k}").languages() for k in range(SHARDS)]
    assert b.whole.languages() == sorted(set().union(*by_shard)) == ["en", "es"]
    hit = b.whole.search('"Plan LAZO"', limit=1).hits[0]
    found, expected_passage = cluster.passage(hit.id, 1), b.whole.passage(hit.id, 1)
    assert found is not None and expected_passage is not None

    def fields(passage: Any) -> Dict[str, Any]:
        return {k: v for k, v in passage.to_dict().items() if k != "index_fingerprint"}

    assert fields(found) == fields(expected_passage)
    assert found.passage.id == hit.id
    assert cluster.passage(hit.id, 0, cite=True).citation == b.whole.passage(hit.id, 0, cite=True).citation
    assert cluster.passage("0" * 16) is None


# A malformed query among them: its error is its outcome, the others run.
BATCH = [
    "plan",
    '"Plan LAZO"',
    '"unclosed',
    "gob*",
    "security OR seguridad",
    "nothingmatchesthis",
    # Half of its words match: a search's page would take partial matches,
    # a batch's rows are matching passages only.
    "plan nothingmatchesthis",
]


def test_batches_languages_and_stats_answer_as_one_index(client: Client, built: Dict[str, Built]) -> None:
    b = built["generated"]
    cluster = Cluster(client, b.shards)
    for chosen in (
        {},
        {"limit": None},
        {"limit": 3, "snippet_chars": 60, "since": "1960", "until": "1966-06"},
        {"lang": "es"},
        {"mentions": (1958, 1969)},
        {"publication": "Semana", "limit": 5},
        {"author": "ana garcía", "limit": 5},
    ):
        got, expected = cluster.batch(BATCH, **chosen), b.whole.batch(BATCH, **chosen)
        assert got.to_dicts() == expected.to_dicts(), chosen
        assert len(got) == len(expected) > 0, chosen
        outcomes = [(q.line, q.query, q.total) for q in got.queries]
        assert outcomes == [(q.line, q.query, q.total) for q in expected.queries], chosen
        assert [(type(q.error), str(q.error)) for q in got.errors] == [
            (type(q.error), str(q.error)) for q in expected.errors
        ]
        assert [(q.line, type(q.error)) for q in got.errors] == [(3, cita.QueryError)], chosen
        assert not any(row.query == "plan nothingmatchesthis" for row in got), chosen
        if "limit" in chosen and chosen["limit"] is None:
            # Every matching passage, copies included.
            assert len(got) == sum(q.total or 0 for q in got.queries)
            assert got.queries[0].total == b.whole.count("plan").passages
    # Refused as one index refuses them, before any query runs.
    for bad in ({"limit": -1}, {"snippet_chars": "60"}, {"since": "someday"}, {"mentions": "1960.."}):
        with pytest.raises(cita.OptionError) as refused:
            b.whole.batch(BATCH, **bad)
        with pytest.raises(cita.OptionError) as raised:
            cluster.batch(BATCH, **bad)
        assert str(raised.value) == str(refused.value), bad
    for name in ("shipped", "generated"):
        whole, cluster = built[name].whole, Cluster(client, built[name].shards)
        assert cluster.languages() == whole.languages()
        got, expected = cluster.stats(), whole.stats()
        assert (got.documents, got.passages, got.languages, got.last_run_unfinished) == (
            expected.documents,
            expected.passages,
            expected.languages,
            False,
        )
        shards = [cita.Archive(built[name].shards / f"shard-{k}").stats() for k in range(SHARDS)]
        assert got.size_bytes == sum(shard.size_bytes for shard in shards) > 0
        assert got.index == cluster.shards_dir
    assert Cluster(client, b.shards).languages() == ["en", "es"]


def test_concordances_answer_as_one_index(client: Client, built: Dict[str, Built]) -> None:
    b = built["generated"]
    cluster = Cluster(client, b.shards)
    for query in [q for q in BATCH if not q.startswith('"unclosed')] + ["plan lazo", "govern*"]:
        whole = b.whole.kwic(query)
        # Limits that cut inside a passage's lines (the last one's too), and
        # that end exactly where a passage's lines end (more passages left
        # unread or not).
        per_passage = Counter(line.rank for line in whole.lines)
        ends = list(itertools.accumulate(per_passage[rank] for rank in sorted(per_passage)))
        limits = {None, 0, 1, 2, 7, *ends[:2], *ends[-1:], *[end - 1 for end in ends[-1:]]}
        for limit in sorted(limits, key=lambda n: -1 if n is None else n):
            for sort in ("relevance", "left", "right"):
                got = cluster.kwic(query, 30, sort=sort, limit=limit, since="1950")
                expected = b.whole.kwic(query, 30, sort=sort, limit=limit, since="1950")
                assert got.to_dicts() == expected.to_dicts(), (query, limit, sort)
                assert (got.passages, got.truncated, got.width, got.query) == (
                    expected.passages,
                    expected.truncated,
                    expected.width,
                    expected.query,
                ), (query, limit, sort)
        assert (len(whole.lines) > 0) == ("nothingmatchesthis" not in query), query
    with pytest.raises(cita.OptionError):
        cluster.kwic("plan", 0)
    with pytest.raises(cita.QueryError):
        cluster.kwic('"unclosed')


def test_bad_queries_are_refused(client: Client, built: Dict[str, Built]) -> None:
    cluster = Cluster(client, built["shipped"].shards)
    def failures_logged() -> int:
        logs = client.get_worker_logs().values()
        return sum("Compute Failed" in line for log in logs for _, line in log)

    logged = failures_logged()
    # A malformed or empty query is the caller's: refused before any shard
    # is asked, so no worker logs a failure.
    for call in (
        lambda: cluster.search('"unclosed'),
        lambda: cluster.search(""),
        lambda: cluster.count("title:"),
        lambda: cluster.timeline("(plan"),
        lambda: cluster.kwic('"unclosed'),
    ):
        with pytest.raises(cita.QueryError):
            call()
    assert isinstance(cluster.batch(['"unclosed', "plan"]).errors[0].error, cita.QueryError)
    assert failures_logged() == logged
    # A wrong type is the caller's, as on one index, not each shard's failure.
    for call in (lambda: cluster.count(5), lambda: cluster.timeline(5), lambda: cluster.passage(5)):
        with pytest.raises(TypeError, match="takes a str"):
            call()
    with pytest.raises(cita.IndexNotFoundError):
        Cluster(client, built["shipped"].corpus)


def test_what_one_index_refuses_no_shard_is_asked(
    client: Client, small_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each call refuses, with one index's error and in its order (a bad
    # option before a malformed query), what every shard would refuse:
    # no task is submitted (each worker would log "Compute Failed" with a
    # traceback), and the shards need not even exist.
    cita.index(small_corpus, tmp_path / "whole")
    whole = cita.Archive(tmp_path / "whole")
    shards = tmp_path / "shards"
    shards.mkdir()
    (shards / cita.dist.MANIFEST).write_text('{"shards": 2}')
    cluster = Cluster(client, shards)

    def submitted(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"a task was submitted: {args[:4]}")

    monkeypatch.setattr(client, "submit", submitted)
    calls = {
        "since after until": lambda a: a.search("plan", since="2020", until="2019"),
        "snippet_chars=0": lambda a: a.search("plan", snippet_chars=0),
        "an option before a malformed query": lambda a: a.search("plan AND (", snippet_chars=0),
        "dates before a malformed query": lambda a: a.search("plan AND (", since="2020", until="2019"),
        "lang:xx": lambda a: a.search("lang:xx plan"),
        "only excludes": lambda a: a.search("-plan"),
        "lang=xx": lambda a: a.search("plan", lang="xx"),
        "a sort": lambda a: a.search("plan AND (", sort="sideways"),
        "count, only excludes": lambda a: a.count("-plan"),
        "count, lang:xx": lambda a: a.count("lang:xx plan"),
        "count, since after until": lambda a: a.count("plan (", since="2020", until="2019"),
        "timeline, by": lambda a: a.timeline("plan AND (", "week"),
        "timeline, axis": lambda a: a.timeline("plan AND (", axis="sideways"),
        "timeline, mentioned months": lambda a: a.timeline("plan AND (", "month", axis="mentioned"),
        "timeline, only excludes": lambda a: a.timeline("-plan"),
        "timeline, since after until": lambda a: a.timeline("plan (", since="2020", until="2019"),
        "kwic, sort": lambda a: a.kwic("plan AND (", sort="sideways"),
        "kwic, only excludes": lambda a: a.kwic("-plan"),
        "kwic, lang:xx": lambda a: a.kwic("lang:xx plan"),
        "kwic, since after until": lambda a: a.kwic("plan (", since="2020", until="2019"),
        "batch, filters": lambda a: a.batch(["plan"], since="2020-13"),
        # Refused once, before any query (each query had failed with it).
        "batch, snippet_chars=0": lambda a: a.batch(["plan AND (", "plan"], snippet_chars=0),
        "batch, since after until": lambda a: a.batch(["plan"], since="2020", until="2019"),
    }
    for what, call in calls.items():
        with pytest.raises(cita.CitaError) as expected:
            call(whole)
        with pytest.raises(cita.CitaError) as got:
            call(cluster)
        assert (type(got.value), str(got.value)) == (type(expected.value), str(expected.value)), what
    # In a batch, each query's own error, as one index gives it.
    queries = ["plan AND (", "-plan", "lang:xx plan"]
    expected_errors = whole.batch(queries).errors
    got_errors = cluster.batch(queries).errors
    assert [(q.line, type(q.error), str(q.error)) for q in got_errors] == [
        (q.line, type(q.error), str(q.error)) for q in expected_errors
    ]
    assert [q.line for q in got_errors] == [1, 2, 3]


def test_a_client_or_partial_of_the_wrong_type_is_refused_before_anything_is_written(
    client: Client, small_corpus: Path, tmp_path: Path
) -> None:
    shards = tmp_path / "shards"
    for wrong in (None, 5):
        said = f"takes a distributed.Client or a scheduler's address \\(str\\), not {type(wrong).__name__}$"
        with pytest.raises(TypeError, match=f"^client {said}"):
            cita.dist.index(small_corpus, shards, shards=2, client=wrong)
        assert not shards.exists()
        with pytest.raises(TypeError, match=f"^client_or_address {said}"):
            Cluster(wrong, tmp_path)
    cita.dist.index(small_corpus, shards, shards=2, client=client)
    for wrong in ("yes", 1, None):
        with pytest.raises(TypeError, match=f"^partial takes True or False, not {type(wrong).__name__}$"):
            Cluster(client, shards, partial=wrong)
    cluster = Cluster(client, shards, partial=True)
    with pytest.raises(TypeError, match="^partial takes True or False, not str$"):
        cluster.partial = "no"
    assert cluster.partial is True


def test_cita_dist_index_takes_a_scheduler_address_as_a_cluster_does(
    dask: DaskProcesses, client: Client, small_corpus: Path, tmp_path: Path
) -> None:
    def clients() -> int:
        return client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.clients))

    before = clients()
    shards = tmp_path / "shards"
    reports = cita.dist.index(small_corpus, shards, shards=2, client=dask.address)
    assert sum(report.documents for report in reports) == 1
    # The client it opened for the build is closed with it.
    poll(lambda: clients() == before, 60, "the build's own client closed")
    with Cluster(dask.address, shards) as cluster:
        assert cluster.stats().documents == 1
        # The caller's default client stays theirs.
        assert distributed.default_client() is client
    poll(lambda: clients() == before, 60, "the cluster's own client closed")


def test_a_shard_folder_that_is_a_file_is_a_file_system_error(
    dask: DaskProcesses, client: Client, small_corpus: Path, tmp_path: Path
) -> None:
    taken = tmp_path / "taken"
    taken.write_text("not a folder")
    # As the library says it of an index path that is a file.
    with pytest.raises(cita.FileSystemError) as as_index:
        cita.Archive(taken)
    assert str(as_index.value) == f"{taken}: a file, not an index folder"
    for call in (
        lambda: Cluster(client, taken),
        lambda: cita.dist.index(small_corpus, taken, shards=2, client=client),
    ):
        with pytest.raises(cita.FileSystemError) as raised:
            call()
        assert str(raised.value) == str(as_index.value)
        assert isinstance(raised.value, OSError)
    assert taken.read_text() == "not a folder"
    done = python_m_cita_search(dask, taken, "plan")
    assert (done.returncode, done.stderr, done.stdout) == (2, f"cita: {as_index.value}\n", "")
    # A manifest that cannot be read is named with the system's reason.
    unreadable = tmp_path / "unreadable"
    (unreadable / cita.dist.MANIFEST).mkdir(parents=True)
    for call in (
        lambda: Cluster(client, unreadable),
        lambda: cita.dist.index(small_corpus, unreadable, shards=2, client=client),
    ):
        with pytest.raises(cita.FileSystemError) as raised:
            call()
        assert str(raised.value) == f"{unreadable / cita.dist.MANIFEST}: Is a directory"


def test_a_manifest_without_a_number_of_shards_is_damaged(
    client: Client, small_corpus: Path, tmp_path: Path
) -> None:
    # Not an archive of no shards, whose searches would find nothing.
    for number, recorded in enumerate(("0", "-1", '"2"', "2.5", "true", "null")):
        folder = tmp_path / f"shards-{number}"
        folder.mkdir()
        manifest = folder / cita.dist.MANIFEST
        manifest.write_text(f'{{"shards": {recorded}}}')
        for call in (
            lambda: Cluster(client, folder),
            lambda: cita.dist.index(small_corpus, folder, shards=2, client=client),
        ):
            with pytest.raises(cita.CitaError, match=f"^{re.escape(str(manifest))} is damaged") as raised:
                call()
            assert type(raised.value) is cita.CitaError, recorded
        assert os.listdir(folder) == [cita.dist.MANIFEST]


def corpus_of(folder: Path, texts: List[str]) -> Path:
    """``folder`` made, holding ``0.txt``, ``1.txt``… with ``texts``."""
    folder.mkdir()
    for n, text in enumerate(texts):
        (folder / f"{n}.txt").write_text(text)
    return folder


def test_a_shard_made_anew_reads_under_the_archive_s_default_language(client: Client, tmp_path: Path) -> None:
    # Tables of figures: no prose to detect, so the default decides.
    corpus = corpus_of(tmp_path / "corpus", [f"1964 | 12.5 | 2,031\n\nTabla {n}.\n" for n in range(8)])
    shards = tmp_path / "shards"
    reports = cita.dist.index(corpus, shards, shards=2, client=client, default_lang="es")
    assert all(report.added > 0 for report in reports)
    cluster = Cluster(client, shards)
    everything = cluster.count("*").passages
    assert cluster.count("*", lang="es").passages == everything
    # A shard's folder lost and built again, without the keyword.
    shutil.rmtree(shards / "shard-1")
    reports = cita.dist.index(corpus, shards, shards=2, client=client)
    assert reports[0].updated == 0 and reports[0].unchanged > 0 and reports[1].added > 0
    assert cluster.count("*", lang="es").passages == everything
    assert json.loads((shards / cita.dist.MANIFEST).read_text())["default_lang"] == "es"
    assert sorted(path.name for path in shards.iterdir()) == [cita.dist.MANIFEST, "shard-0", "shard-1"]
    # A manifest a stopped build left half-written keeps no folder from its shards.
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    (fresh / f"{cita.dist.MANIFEST}.4242.1.tmp").write_text('{"sha')
    assert sum(report.added for report in cita.dist.index(corpus, fresh, shards=2, client=client)) == 8


def test_a_shard_build_s_error_advises_the_shards_call(client: Client, tmp_path: Path) -> None:
    corpus = corpus_of(tmp_path / "corpus", [f"Informe {n} sobre el tratado.\n" for n in range(4)])
    shards = tmp_path / "shards"
    cita.dist.index(corpus, shards, shards=2, client=client)
    # The archive disk not mounted: its mount point is empty.
    for file in corpus.iterdir():
        file.unlink()
    with pytest.raises(cita.ShardError) as raised:
        cita.dist.index(corpus, shards, shards=2, client=client)
    said = str(raised.value)
    assert f"call cita.dist.index(corpus, {str(shards)!r}, shards=2, client=client, rebuild=True)" in said, said
    assert "cita.index(" not in said, said


def test_each_shard_s_build_takes_the_reading_keywords(client: Client, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notes.txt").write_text("Typed notes on the embassy.\n")
    (corpus / "scan.png").write_bytes(blank_png())
    reports = cita.dist.index(corpus, tmp_path / "shards", shards=2, client=client, ocr=False)
    said = [(warning["source"], warning["message"]) for report in reports for warning in report.warnings]
    assert said == [("scan.png", "an image, and OCR is off (--no-ocr), skipped")]
    assert sum(report.added for report in reports) == 1


def test_a_shard_count_is_kept(client: Client, built: Dict[str, Built], tmp_path: Path) -> None:
    b = built["shipped"]
    assert json.loads((b.shards / cita.dist.MANIFEST).read_text())["shards"] == SHARDS
    with pytest.raises(cita.OptionError, match="holds 3 shards, not 2"):
        cita.dist.index(b.corpus, b.shards, shards=2, client=client)
    with pytest.raises(cita.OptionError, match="numbered from 0 to 2"):
        cita.index(b.corpus, b.shards / "shard-3", shard=(3, 3))
    assert not (b.shards / "shard-3").exists()
    with pytest.raises(cita.OptionError, match="at least one shard"):
        cita.index(b.corpus, b.shards / "shard-3", shard=(0, 0))
    with pytest.raises(cita.OptionError, match="at least 1"):
        cita.dist.index(b.corpus, b.shards, shards=0, client=client)
    # Refused before any worker is asked (not a ShardError blaming each).
    with pytest.raises(cita.OptionError, match="jobs"):
        cita.dist.index(b.corpus, b.shards, shards=SHARDS, client=client, jobs=0)
    with pytest.raises(cita.CorpusNotFoundError, match="does not exist"):
        cita.dist.index(tmp_path / "nowhere", tmp_path / "shards", shards=2, client=client)
    for exclude, message in [
        ([5], "^exclude takes a str, not int$"),
        (b"*.txt", "^exclude takes a str or a list of str, not bytes$"),
    ]:
        with pytest.raises(TypeError, match=message):
            cita.dist.index(b.corpus, tmp_path / "shards", shards=2, client=client, exclude=exclude)
    # A glob every shard's build would refuse, refused as cita.index refuses it.
    with pytest.raises(cita.OptionError, match="negated globs are not supported"):
        cita.dist.index(b.corpus, tmp_path / "shards", shards=2, client=client, exclude=["!*.txt"])
    with pytest.raises(cita.OptionError, match="default_lang"):
        cita.dist.index(b.corpus, tmp_path / "shards", shards=2, client=client, default_lang="xx")
    with pytest.raises(cita.OptionError, match='^OCR languages "ENG": not Tesseract language codes'):
        cita.dist.index(b.corpus, tmp_path / "shards", shards=2, client=client, ocr="ENG")
    with pytest.raises(cita.OptionError, match="^memory_mb takes"):
        cita.dist.index(b.corpus, tmp_path / "shards", shards=2, client=client, memory_mb=1)
    assert not (tmp_path / "shards").exists()
    for seconds in (0, -1, "60", float("inf"), float("nan")):
        with pytest.raises(cita.OptionError, match="timeout"):
            Cluster(client, b.shards, timeout=seconds)
    numpy = pytest.importorskip("numpy")
    assert Cluster(client, b.shards, timeout=numpy.int64(30)).timeout == 30.0
    cluster = Cluster(client, b.shards, timeout=None)
    with pytest.raises(cita.OptionError, match="timeout"):
        cluster.timeout = 0
    assert cluster.timeout is None and cluster.count("plan").passages == b.whole.count("plan").passages
    # A re-run reads nothing that did not change.
    reports = cita.dist.index(b.corpus, b.shards, shards=SHARDS, client=client)
    assert sum(r.added + r.updated + r.removed for r in reports) == 0


def test_workers_refuse_paths_outside_the_shard_folder(client: Client, built: Dict[str, Built]) -> None:
    shards = str(built["shipped"].shards)
    outside = built["shipped"].shards / "shard-9"
    outside.symlink_to(built["shipped"].whole_path)

    def on_shard(number: Any, step: str = "count", *args: Any) -> Any:
        return client.submit(cita.dist._on_shard, shards, number, step, None, *args, pure=False).result(60)

    try:
        for number in (-1, "../whole"):
            with pytest.raises(cita.OptionError, match="a shard is a number"):
                on_shard(number, "count", "x", {})
        # What the folder holds, not the caller's option: that shard fails.
        with pytest.raises(cita.IncompatibleIndexError, match="shard 9: .* is outside the shard folder"):
            on_shard(9, "count", "x", {})
        with pytest.raises(cita.OptionError, match="does not run"):
            on_shard(0, "reload")
    finally:
        outside.unlink()


def test_a_shard_linked_outside_the_folder_fails_as_that_shard(
    client: Client, built: Dict[str, Built], tmp_path: Path
) -> None:
    # As any shard that fails: named in a ShardError, and left out of a
    # partial search (it once failed every search with a bare OptionError).
    b = built["generated"]
    linked = tmp_path / "shards"
    shutil.copytree(b.shards, linked)
    shutil.rmtree(linked / "shard-1")
    (linked / "shard-1").symlink_to(b.shards / "shard-1")
    cluster = Cluster(client, linked)
    with pytest.raises(cita.ShardError, match="shard 1 IncompatibleIndexError: .* outside the shard folder") as raised:
        cluster.search("plan")
    assert raised.value.shards == [1]
    cluster.partial = True
    got = cluster.search("plan")
    assert got.partial and got.shards_answered == [0, 2] and list(got.shards_failed) == [1]
    assert "outside the shard folder" in got.shards_failed[1]
    with pytest.raises(cita.ShardError, match="shard 1 ") as raised:
        cluster.count("plan")
    assert raised.value.shards == [1]


def test_check_reads_every_shard_and_names_a_damaged_one(
    client: Client, built: Dict[str, Built], tmp_path: Path
) -> None:
    b = built["generated"]
    copied = tmp_path / "shards"
    shutil.copytree(b.shards, copied)
    cluster = Cluster(client, copied)
    checked = cluster.check()
    assert isinstance(checked, cita.IndexCheck) and checked.index == str(copied)
    shards = [cita.Archive(copied / f"shard-{n}").check() for n in range(cluster.shards)]
    assert checked.passages == sum(s.passages for s in shards) == b.whole.count("*").passages
    assert (checked.files, checked.bytes) == (sum(s.files for s in shards), sum(s.bytes for s in shards))
    store = flip_a_stored_byte(copied / "shard-1")
    with pytest.raises(cita.ShardError, match=f"shard 1 .*{store.name}") as raised:
        cluster.check()
    assert f"rebuild the shards with cita.dist.index(corpus, {str(copied)!r}, shards={SHARDS}, client=client, rebuild=True)" in str(raised.value)
    assert raised.value.shards == [1]


def test_a_shard_folder_is_neither_the_corpus_nor_a_folder_of_other_files(
    client: Client, tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("The Guayabero cable.")
    with pytest.raises(cita.OptionError, match="is the corpus folder"):
        cita.dist.index(corpus, corpus, shards=2, client=client)
    assert os.listdir(corpus) == ["a.txt"]
    one_index, notes = tmp_path / "index", tmp_path / "notes"
    cita.index(corpus, one_index)
    notes.mkdir()
    (notes / "todo.txt").write_text("Not shards.")
    for folder in (one_index, notes):
        before = sorted(os.listdir(folder))
        with pytest.raises(cita.IncompatibleIndexError, match="holds files that are not cita shards"):
            cita.dist.index(corpus, folder, shards=2, client=client)
        assert sorted(os.listdir(folder)) == before
    assert cita.Archive(one_index).count("Guayabero").passages == 1
    # An empty folder is a new one.
    (tmp_path / "empty").mkdir()
    cita.dist.index(corpus, tmp_path / "empty", shards=2, client=client)
    assert Cluster(client, tmp_path / "empty").count("Guayabero").passages == 1


def test_a_shard_folder_inside_the_corpus_is_left_out_of_it(client: Client, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("The Guayabero cable.")
    (corpus / "b.md").write_text("Another river.")
    # A name that, written as a glob, would be a pattern.
    shards = corpus / "shards [0-9] *"
    linked = tmp_path / "linked"
    linked.symlink_to(corpus)
    # Again, with the other shards' files there to read; then the corpus
    # by a link, the shard folder by its real path.
    for reading in (corpus, corpus, linked):
        reports = cita.dist.index(reading, shards, shards=2, client=client)
        assert sum((Counter(r.files) for r in reports), Counter()) == {"text": 1, "markdown": 1}
        assert all(r.ignored == {} for r in reports), [r.ignored for r in reports]
    assert sum(r.added + r.updated + r.removed for r in reports) == 0
    sources = sorted(h.source for h in Cluster(client, shards).search("*", limit=None))
    assert sources == ["a.txt", "b.md"]


def test_a_moved_document_moves_shards(client: Client, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    first = "moved/a.txt"
    second = next(
        f"moved/b{n}.txt"
        for n in range(1000)
        if cita.dist.shard_of(f"moved/b{n}.txt", 2) != cita.dist.shard_of(first, 2)
    )
    (corpus / "moved").mkdir()
    (corpus / first).write_text("The Guayabero cable.")
    (corpus / "other.txt").write_text("Something else entirely.")
    shards = tmp_path / "shards"

    def holding() -> List[int]:
        return [cita.Archive(shards / f"shard-{k}").count("Guayabero").passages for k in range(2)]

    cita.dist.index(corpus, shards, shards=2, client=client)
    expected = [0, 0]
    expected[cita.dist.shard_of(first, 2)] = 1
    assert holding() == expected
    cluster = Cluster(client, shards)
    assert [h.source for h in cluster.search("Guayabero")] == [first]
    (corpus / first).rename(corpus / second)
    cita.dist.index(corpus, shards, shards=2, client=client)
    assert holding() == expected[::-1]
    # The workers' opened shards see the new commits.
    assert [h.source for h in cluster.search("Guayabero")] == [second]
    assert cluster.count("Guayabero").passages == 1


def python_m_cita_search(dask: DaskProcesses, shards: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cita", "search", "--cluster", dask.address, "--shards", str(shards), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_python_m_cita_search(dask: DaskProcesses, client: Client, built: Dict[str, Built], cli: Any) -> None:
    b = built["shipped"]

    def run(*args: str) -> subprocess.CompletedProcess:
        return python_m_cita_search(dask, b.shards, *args)

    done = run('"Plan LAZO"', "--format", "json", "--limit", "5", "--sort", "date")
    assert done.returncode == 0, done.stderr
    expected = cli.json("search", "--index", str(b.whole_path), '"Plan LAZO"', "--format", "json", "--limit", "5", "--sort", "date")
    got = json.loads(done.stdout)
    assert got["hits"] == expected["hits"] and got["total"] == expected["total"]
    assert set(got) == set(expected)
    # Every format is cita's own renderer over the assembled results.
    for format in ("text", "jsonl", "csv"):
        for extra in ([], ["--explain", "--color", "always"]) if format == "text" else ([],):
            args = ('"Plan LAZO"', "--format", format, "--limit", "5", *extra)
            done = run(*args)
            whole = cli.run("search", "--index", str(b.whole_path), *args)
            assert done.returncode == whole.returncode == 0, done.stderr
            assert done.stdout == whole.stdout, (format, extra)
            if format == "text":
                assert f"{expected['total']} matching passages" in done.stdout
                assert ("\x1b[" in done.stdout) == bool(extra)
    # --author is passed on: a name of no letter or digit is refused as
    # cita search refuses it.
    done = run("colombia", "--author", "-")
    whole = cli.run("search", "--index", str(b.whole_path), "colombia", "--author", "-")
    assert (done.returncode, done.stderr) == (whole.returncode, whole.stderr), done.stderr
    assert done.returncode == 2
    # --lang "" names no language: refused, not every language.
    done = run("colombia", "--lang", "")
    assert done.returncode == 2 and 'is none of the 73 languages' in done.stderr, done.stderr
    # --group: documents, as `cita search --group` gives them.
    args = ("colombia", "--group", "--limit", "2", "--offset", "1")
    done = run(*args)
    whole = cli.run("search", "--index", str(b.whole_path), *args)
    assert done.returncode == whole.returncode == 0, done.stderr
    assert done.stdout == whole.stdout
    done = run(*args, "--format", "json")
    expected = cli.json("search", "--index", str(b.whole_path), *args, "--format", "json")
    got = json.loads(done.stdout)
    assert len(got["groups"]) == 2 and got["documents"] > 3
    assert (got["groups"], got["hits"], got["documents"]) == (expected["groups"], expected["hits"], expected["documents"])
    # --count, and the notes on what a format leaves out, as cita search.
    for args in (("colombia", "--count"), ("colombia", "--count", "--format", "json"), ("nothingmatchesthis", "--count")):
        done = run(*args)
        whole = cli.run("search", "--index", str(b.whole_path), *args)
        assert (done.returncode, done.stdout) == (whole.returncode, whole.stdout), args
    args = ("colombia", "--facets", "-C", "1", "--format", "csv", "-n", "1")
    done = run(*args)
    whole = cli.run("search", "--index", str(b.whole_path), *args)
    assert done.stderr == whole.stderr and len(done.stderr.splitlines()) == 2, done.stderr
    # --all: every matching passage, as `cita search --all`.
    done = run("colombia", "--format", "json", "--all")
    assert done.returncode == 0, done.stderr
    every = cli.json("search", "--index", str(b.whole_path), "colombia", "--format", "json", "--all")
    assert json.loads(done.stdout)["hits"] == every["hits"]
    assert len(every["hits"]) == every["distinct"] > 10
    # Words not quoted are one query wherever they stand among the
    # options, a sort opening with "-" is a value and -n is --limit, as
    # cita search takes them.
    args = ("colombia", "--format", "json", "petro", "--sort", "-date", "-n", "3")
    done = run(*args)
    assert done.returncode == 0, done.stderr
    expected = cli.json("search", "--index", str(b.whole_path), *args)
    got = json.loads(done.stdout)
    assert got["hits"] == expected["hits"] and got["total"] == expected["total"]
    assert [hit["date"] for hit in got["hits"]] == sorted((hit["date"] for hit in got["hits"]), reverse=True)
    # The filters and what a hit carries, as cita search takes them.
    for args in [
        ("colombia", "--lang", "en", "--since", "2000", "--until", "2030-12", "--cite", "-C", "1", "--facets"),
        ("lazo", "--mentions", "1960..1969", "--snippet-chars", "80", "--format", "text", "--color", "never"),
        ("colombia", "--lang", "es,en", "--lang", "pt", "--publication", "nothing of that name"),
    ]:
        args = (*args, "--format", "json") if "--format" not in args else args
        done = run(*args)
        whole = cli.run("search", "--index", str(b.whole_path), *args)
        assert done.returncode == whole.returncode, (args, done.stderr)
        if "json" in args:
            got, expected = json.loads(done.stdout), json.loads(whole.stdout)
            assert got["hits"] == expected["hits"] and got["total"] == expected["total"], args
            assert got.get("facets") == expected.get("facets"), args
        else:
            assert done.stdout == whole.stdout, args
    assert "citation" in json.loads(run("colombia", "--cite", "--format", "json").stdout)["hits"][0]
    done = run("nothingmatchesthis")
    whole = cli.run("search", "--index", str(b.whole_path), "nothingmatchesthis")
    assert done.returncode == whole.returncode == 1 and done.stdout == whole.stdout
    done = run('"unclosed')
    assert done.returncode == 2 and done.stderr.startswith("cita: ")


def test_python_m_cita_search_says_a_bad_scheduler_address_in_one_line(
    built: Dict[str, Built], tmp_path: Path
) -> None:
    # No shards: said before any scheduler is asked.
    for shards in (tmp_path, built["generated"].shards):
        # No port, or a dashboard's address: said at once, in one line, and
        # no half-open client keeps the process from ending.
        for address in ("foo", "tcp://127.0.0.1", "http://127.0.0.1:8787", "ucx://127.0.0.1:1"):
            started = time.monotonic()
            done = subprocess.run(
                [sys.executable, "-m", "cita", "search", "--cluster", address, "--shards", str(shards), "lazo"],
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert done.returncode == 2, done.stderr
            lines = done.stderr.splitlines()
            assert len(lines) == 1 and lines[0].startswith("cita: "), done.stderr
            if shards != tmp_path:
                assert "not a Dask scheduler's address" in lines[0], done.stderr
                assert time.monotonic() - started < 30, f"{address}: the process waited at its end"


def test_python_m_cita_search_takes_no_abbreviated_options(tmp_path: Path) -> None:
    # Refused before any scheduler is asked: `--all` once meant `--all-words`.
    def refused(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "cita", "search", "--cluster", "tcp://127.0.0.1:9", "--shards", str(tmp_path), *args],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 2 and not done.stdout, done.stderr
        # One line, as cita says it.
        assert len(done.stderr.splitlines()) == 1 and done.stderr.startswith("cita: "), done.stderr
        return done.stderr

    assert "invalid int value: 'abc'" in refused("--limit", "abc", "lazo")
    assert "not provided: --facets" in refused("--facet-limit", "3", "lazo")
    assert "invalid choice: 'xml'" in refused("--format", "xml", "lazo")
    for abbreviated in ("--all-w", "--lim=3", "--form=json", "--no-coll"):
        assert f"unrecognized arguments: {abbreviated}" in refused(abbreviated, "lazo")
    assert "argument --all: not allowed with argument -n/--limit" in refused("--limit", "3", "--all", "lazo")
    # In the shell's words, pointing at the help that lists the options.
    for seconds in ("0", "-1", "inf", "soon"):
        said = refused("--timeout", seconds, "lazo")
        assert f"argument --timeout: takes a number of seconds above 0, not '{seconds}'" in said, said
        assert "None" not in said
    assert refused("--bogus", "lazo").endswith("(see `python -m cita search --help`)\n")
    helped = subprocess.run(
        [sys.executable, "-m", "cita", "--help"], capture_output=True, text=True, timeout=120, check=True
    ).stdout
    assert "python -m cita search --cluster tcp://HOST:8786" in helped
    assert "``" not in helped and ":mod:" not in helped, helped


def test_a_killed_worker_is_replaced_and_its_shards_reopened(
    dask: DaskProcesses, client: Client, built: Dict[str, Built]
) -> None:
    b = built["generated"]
    cluster = Cluster(client, b.shards, timeout=30)
    expected = b.whole.search("plan", facets=True).to_dicts()
    same_search(b.whole, cluster, "plan", facets=True)
    # Searches run while the worker dies: each answers exactly, or fails
    # naming shards (Dask reruns a dead worker's tasks elsewhere).
    outcomes: List[Any] = []
    stop = threading.Event()

    def searching() -> None:
        while not stop.is_set():
            try:
                outcomes.append(cluster.search("plan", facets=True).to_dicts() == expected)
            except cita.ShardError as err:
                outcomes.append(err)

    searcher = threading.Thread(target=searching)
    searcher.start()
    try:
        poll(lambda: len(outcomes) >= 2, 60, "searches before the kill")
        victim = sorted(client.run(os.getpid).values())[0]
        os.kill(victim, signal.SIGKILL)  # the worker, not its nanny: the nanny restarts it

        def replaced() -> bool:
            try:
                return len(workers(client)) == 2 and victim not in client.run(os.getpid).values()
            except Exception:  # a worker leaving or joining meanwhile
                return False

        poll(replaced, 60, "restarted worker")
        searched = len(outcomes)
        poll(lambda: len(outcomes) > searched + 1, 60, "searches after the restart")
    finally:
        stop.set()
        searcher.join(60)
    assert all(o is True or "shard " in str(o) for o in outcomes), outcomes
    assert outcomes[-1] is True
    for query in ("plan", "gobierno", '"Plan LAZO"'):
        same_search(b.whole, cluster, query, facets=True, limit=20)


def test_a_failing_shard_fails_the_search_or_makes_it_partial(
    dask: DaskProcesses, client: Client, built: Dict[str, Built], tmp_path: Path
) -> None:
    b = built["generated"]
    broken = tmp_path / "shards"
    shutil.copytree(b.shards, broken)
    shutil.rmtree(broken / "shard-1")
    (broken / "shard-1").mkdir()
    (broken / "shard-1" / "notes.txt").write_text("not an index")
    cluster = Cluster(client, broken)
    with pytest.raises(cita.ShardError, match="shard 1 ") as raised:
        cluster.search("plan")
    assert raised.value.shards == [1]
    assert "shard 0" not in str(raised.value)
    # The advice builds the shards: `cita index` would put a whole index
    # in the shard's folder.
    assert f"rebuild the shards with cita.dist.index(corpus, {str(broken)!r}, shards={SHARDS}, client=client, rebuild=True)" in str(raised.value)
    assert "`cita index" not in str(raised.value) and "`--index`" not in str(raised.value)
    cluster.partial = True
    got = cluster.search("plan", facets=True)
    assert got.partial and got.shards_answered == [0, 2] and list(got.shards_failed) == [1]
    answering = [cita.Archive(broken / f"shard-{k}").count("plan").passages for k in (0, 2)]
    assert got.total == sum(answering) < b.whole.count("plan").passages
    # Never partial.
    for call in (lambda: cluster.count("plan"), lambda: cluster.batch(["plan"]), cluster.stats, cluster.languages):
        with pytest.raises(cita.ShardError, match="shard 1 "):
            call()
    # What no shard could answer is refused before any shard is asked (so
    # before the broken one fails the search).
    cluster.partial = False
    with pytest.raises(cita.OptionError, match="width"):
        cluster.kwic("plan", 0)
    with pytest.raises(cita.OptionError):
        cluster.kwic("plan", sort="sideways")
    cluster.partial = True
    done = python_m_cita_search(dask, broken, "plan", "--format", "json")
    assert done.returncode == 2 and "shard 1 " in done.stderr and not done.stdout
    done = python_m_cita_search(dask, broken, "plan", "--format", "json", "--partial")
    assert done.returncode == 0 and json.loads(done.stdout)["total"] == got.total
    assert done.stderr.startswith("cita: warning: partial results, from shards [0, 2] only: shard 1 ")


def test_a_shard_folder_holding_another_index_is_refused(
    client: Client, built: Dict[str, Built], tmp_path: Path
) -> None:
    # A whole index copied into a shard's folder, or another shard: its
    # passages would count twice (875 passages of `plan` instead of 533).
    b = built["generated"]
    for wrong, says in [(b.whole_path, "a whole index"), (b.shards / "shard-0", "shard 0 of 3")]:
        copied = tmp_path / f"shards-{says[:5].strip()}"
        shutil.copytree(b.shards, copied)
        shutil.rmtree(copied / "shard-1")
        shutil.copytree(wrong, copied / "shard-1")
        with pytest.raises(cita.ShardError, match=f"holds {says}, not shard 1 of 3") as raised:
            Cluster(client, copied).search("plan")
        assert raised.value.shards == [1]
    assert cita.Archive(b.shards / "shard-2")._archive.shard == (2, SHARDS)
    assert b.whole._archive.shard is None


def test_a_frozen_worker_fails_only_the_shards_it_was_sent(
    client: Client, built: Dict[str, Built], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A frozen worker (SIGSTOP) looks idle and alive to Dask, which sends
    # it tasks; the shards it was sent do not answer, the others do.
    b = built["generated"]
    cluster = Cluster(client, b.shards, timeout=5)
    same_search(b.whole, cluster, "plan")
    frozen, pid = sorted(client.run(os.getpid).items())[0]
    # Each task cita.dist submits, with its shard, to see where Dask sent it.
    submitted: List[Any] = []
    submit = client.submit

    def recording_submit(function: Any, *args: Any, **kwargs: Any) -> Any:
        future = submit(function, *args, **kwargs)
        submitted.append((args[1], future))
        return future

    monkeypatch.setattr(client, "submit", recording_submit)

    def search_watching_the_frozen_worker() -> Any:
        """The search's results or ShardError, and the shards whose first
        step was sent to the frozen worker."""
        submitted.clear()
        outcome: List[Any] = []

        def searching() -> None:
            try:
                outcome.append(cluster.search("plan"))
            except cita.ShardError as err:
                outcome.append(err)

        searcher = threading.Thread(target=searching)
        searcher.start()
        running: Dict[str, List[str]] = {}

        def first_step_placed() -> bool:
            # Each shard's first step done, or running on a worker (not
            # queued on the scheduler).
            running.clear()
            running.update(client.processing())
            anywhere = set().union(*running.values())
            first_step = submitted[:SHARDS]
            return len(first_step) == SHARDS and all(f.done() or f.key in anywhere for _, f in first_step)

        try:
            poll(first_step_placed, cluster.timeout, "first step placed")
        finally:
            searcher.join(60)
        on_frozen = sorted(n for n, f in submitted[:SHARDS] if f.key in running[frozen])
        return outcome[0], on_frozen

    os.kill(pid, signal.SIGSTOP)
    try:
        raised, on_frozen = search_watching_the_frozen_worker()
        assert isinstance(raised, cita.ShardError), raised
        assert 0 < len(on_frozen) < SHARDS
        assert raised.shards == on_frozen
        assert f"did not answer within 5 s (on worker {frozen})" in str(raised)
        cluster.partial = True
        got, on_frozen = search_watching_the_frozen_worker()
        assert isinstance(got, cita.Results), got
        answering = [n for n in range(SHARDS) if n not in on_frozen]
        assert got.partial and got.shards_answered == answering and sorted(got.shards_failed) == on_frozen
        counted = [cita.Archive(b.shards / f"shard-{k}").count("plan").passages for k in answering]
        assert got.total == sum(counted) < b.whole.count("plan").passages
    finally:
        os.kill(pid, signal.SIGCONT)
    # Resumed, the cluster answers exactly again.
    cluster.partial = False
    same_search(b.whole, cluster, "plan")


def test_a_worker_that_cannot_see_the_shard_folder_loses_no_shard(
    built: Dict[str, Built], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A cluster of its own (the shared one's workers stay as they are): a
    # worker, and one where an empty folder is mounted over the shard
    # folder (a worker without the shared storage). Every shard Dask sends
    # that one fails there, names it, and runs again on the other, so
    # searches and counts answer exactly, partial or not.
    if subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode != 0:
        pytest.skip("hiding a folder from one worker takes unshare -m (root)")
    b = built["generated"]
    own = DaskProcesses(tmp_path)
    client = None
    try:
        own.add_worker()
        own.add_worker(hiding=b.shards)
        client = Client(own.address, timeout=60)
        poll(lambda: len(workers(client)) == 2, 60, "two workers")
        shard_0 = str(b.shards / "shard-0")
        seen = client.run(lambda: os.path.isdir(shard_0))
        (blind_address,) = [worker for worker, sees in seen.items() if not sees]
        # Every task cita.dist submits: those that failed ran on the blind
        # worker (Dask sends it some, being idle).
        submitted: List[Any] = []
        submit = client.submit

        def recording_submit(function: Any, *args: Any, **kwargs: Any) -> Any:
            future = submit(function, *args, **kwargs)
            submitted.append(future)
            return future

        monkeypatch.setattr(client, "submit", recording_submit)
        for query, partial in itertools.product(("plan", "gobierno", "army OR ejército"), (True, False)):
            cluster = Cluster(client, b.shards, partial=partial)
            same_search(b.whole, cluster, query)
            assert cluster.count(query) == b.whole.count(query)
        erred = [future for future in submitted if future.status == "error"]
        assert erred, "the blind worker was sent no task"
        with pytest.raises(cita.IndexNotFoundError) as raised:
            erred[0].result()
        assert "as this worker sees it: every worker must reach the shard folder" in str(raised.value)
        assert getattr(raised.value, "cita_worker") == blind_address
    finally:
        if client is not None:
            client.close()
        own.stop()


def test_an_unreachable_or_lost_scheduler_and_a_closed_cluster_are_cita_s_errors(
    built: Dict[str, Built], tmp_path: Path
) -> None:
    b = built["generated"]
    with pytest.raises(cita.ShardError, match="cannot reach the Dask scheduler at tcp://") as raised:
        Cluster(f"tcp://127.0.0.1:{free_port()}", b.shards, timeout=2)
    assert raised.value.shards == list(range(SHARDS))
    with pytest.raises(cita.OptionError, match="not a Dask scheduler's address"):
        Cluster("foo", b.shards, timeout=2)
    own = DaskProcesses(tmp_path)
    try:
        own.add_worker()
        cluster = Cluster(own.address, b.shards, timeout=5)
        poll(lambda: len(workers(cluster._client)) == 1, 60, "one worker")
        same_search(b.whole, cluster, "plan")
        DaskProcesses.kill(own.scheduler)
        # Every call after, not only the first, fails as cita's error.
        for call in (lambda: cluster.search("plan"), lambda: cluster.count("plan"), cluster.stats):
            with pytest.raises(cita.ShardError, match="scheduler"):
                call()
        cluster.close()
        with pytest.raises(ValueError, match="closed"):
            cluster.count("plan")
    finally:
        own.stop()


def test_python_m_cita_search_says_in_one_line_that_the_scheduler_went_away(
    built: Dict[str, Built], tmp_path: Path
) -> None:
    # A cluster of its own: its scheduler is killed while the command waits
    # on its one worker, frozen.
    own = DaskProcesses(tmp_path)
    watching = None
    try:
        worker = own.add_worker()
        watching = Client(own.address, timeout=60)
        poll(lambda: len(workers(watching)) == 1, 60, "one worker")
        # A task run there proves the worker takes tasks: one frozen while
        # it still registers is never given any (a run of CI saw no task
        # sent within 60 s).
        assert watching.submit(abs, -1, pure=False).result(timeout=60) == 1
        os.killpg(worker.pid, signal.SIGSTOP)
        command = subprocess.Popen(
            [sys.executable, "-m", "cita", "search", "--cluster", own.address,
             "--shards", str(built["generated"].shards), "--timeout", "60", "plan"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        def tasks_sent() -> bool:
            # A command that ended early says why.
            if command.poll() is not None:
                raise AssertionError(f"the command ended first: {command.communicate()}")
            return len(watching.processing().get(next(iter(workers(watching))), ())) > 0

        poll(tasks_sent, 60, "tasks sent")
        watching.close()
        DaskProcesses.kill(own.scheduler)
        out, err = command.communicate(timeout=120)
        assert command.returncode == 2 and not out
        assert err.count("\n") == 1 and err.startswith("cita: "), err
        assert "scheduler" in err, err
    finally:
        if watching is not None:
            watching.close()
        for process in own.workers:
            try:
                os.killpg(process.pid, signal.SIGCONT)
            except ProcessLookupError:
                pass
        own.stop()


def test_a_worker_frozen_holding_finished_answers_costs_one_time_limit(client: Client) -> None:
    # Shards finished on a worker that froze before their answers were
    # fetched, and a shard still running on the other worker: the step
    # ends at its one time limit (not one more per frozen answer), says
    # which shard did what, and both workers are to be avoided later.
    limit = 3.0
    (frozen, pid), (busy, _) = sorted(client.run(os.getpid).items())
    release = Event(client=client)

    def held_until_released(name: str) -> str:
        Event(name).wait(60)
        return "late"

    futures = {n: client.submit(str, n, workers=[frozen], pure=False) for n in range(3)}
    futures[3] = client.submit(str, 3, workers=[busy], pure=False)
    # Each future's own client waits (distributed.wait would wait in the
    # process's default client's event loop, and miss its wakeups).
    assert [futures[n].result(timeout=60) for n in range(4)] == ["0", "1", "2", "3"]
    futures[4] = client.submit(held_until_released, release.name, workers=[busy], pure=False)
    poll(lambda: futures[4].key in client.processing()[busy], 60, "task running on the busy worker")
    os.kill(pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        results, failed, silent, raised_on = cita.dist._collect(client, futures, limit, "answer")
        elapsed = time.monotonic() - started
    finally:
        os.kill(pid, signal.SIGCONT)
        release.set()
    assert elapsed < 2 * limit, elapsed
    assert results == {3: "3"}
    assert failed == {
        **{n: f"finished, but its result could not be fetched within 3 s (on worker {frozen})" for n in range(3)},
        4: f"did not answer within 3 s (on worker {busy})",
    }
    assert silent == {frozen, busy} and raised_on == {}


def test_no_worker_answers_within_the_time_limit(dask: DaskProcesses, client: Client, built: Dict[str, Built]) -> None:
    # Last: it stops the workers.
    cluster = Cluster(client, built["shipped"].shards, timeout=1)
    for worker in dask.workers:
        dask.kill(worker)
    poll(lambda: not workers(client), 60, "worker leaving")
    started = time.monotonic()
    with pytest.raises(cita.ShardError, match="shard 0 did not answer within 1 s") as raised:
        cluster.search("plan")
    assert raised.value.shards == [0, 1, 2]
    cluster.partial = True
    with pytest.raises(cita.ShardError):
        cluster.search("plan")
    assert time.monotonic() - started < 30


def test_a_later_step_sees_what_the_first_saw_or_fails(tmp_path: Path) -> None:
    # In this process, as a worker runs them: its opened shard is one
    # worker's copy, and a step's `seen` what another's first step saw.
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "first.txt").write_text("The Guayabero cable.")
    shards = tmp_path / "shards"
    (shards / "shard-0").mkdir(parents=True)
    (shards / cita.dist.MANIFEST).write_text('{"shards": 1}')
    cita.index(corpus, shards / "shard-0", shard=(0, 1))
    filters = {"since": None, "until": None, "lang": [], "mentions": None}

    def count(seen: Any) -> Any:
        return cita.dist._on_shard(str(shards), 0, "count", seen, "Guayabero OR river", filters)

    first, _ = cita.dist._on_shard(str(shards), 0, "count", None, "Guayabero", filters)
    (corpus / "new.txt").write_text("The Guayabero river.")
    cita.index(corpus, shards / "shard-0", shard=(0, 1))
    # Not reloaded since the first step: the same content.
    assert json.loads(count(first))["passages"] == 1
    # A first step elsewhere saw the new build: this copy reloads to it.
    second = _cita.Archive(shards / "shard-0", False)._commit
    assert second != first
    assert json.loads(count(second))["passages"] == 2
    # The content the first step saw is gone.
    with pytest.raises(cita.CitaError, match="shard 0 changed during the search"):
        count(first)
    # Rebuilt, the same content is another commit (new segments, without
    # the deleted passages an update leaves, which BM25 counts): a step of
    # a search that saw the rebuild reloads to it.
    cita.index(corpus, shards / "shard-0", shard=(0, 1), rebuild=True)
    third = _cita.Archive(shards / "shard-0", False)._commit
    assert third != second and third.split("@")[0] == second.split("@")[0]
    assert json.loads(count(third))["passages"] == 2
