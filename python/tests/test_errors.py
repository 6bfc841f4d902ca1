"""Exceptions: a class per kind of failure, the CLI's one-line message."""

from __future__ import annotations

import fcntl
import gc
import json
import warnings
from pathlib import Path

import pytest

import cita
from conftest import flip_a_stored_byte, poll


def test_a_malformed_query_is_a_query_error_with_the_cli_message(archive, shipped_index, cli):
    expected = cli.error("search", "--index", str(shipped_index), "--", "colombia AND (")
    for call in (
        lambda: archive.search("colombia AND ("),
        lambda: archive.count("colombia AND ("),
        lambda: archive.timeline("colombia AND ("),
        lambda: archive.kwic("colombia AND ("),
    ):
        with pytest.raises(cita.QueryError) as raised:
            call()
        assert str(raised.value) == expected
        assert isinstance(raised.value, ValueError)
        assert isinstance(raised.value, cita.CitaError)


def test_a_malformed_query_in_a_batch_does_not_stop_the_others(archive):
    batch = archive.batch(["colombia AND (", '"Plan LAZO"'])
    [failed] = batch.errors
    assert failed.line == 1 and failed.total is None
    assert isinstance(failed.error, cita.QueryError)
    assert str(failed.error).startswith("invalid query: ")
    assert {row.query for row in batch} == {'"Plan LAZO"'}
    assert batch.queries[1].total == archive.search('"Plan LAZO"').total


@pytest.mark.parametrize(
    ("options", "args"),
    [
        ({"since": "2025-13"}, ["--since", "2025-13"]),
        ({"since": "2026", "until": "2025"}, ["--since", "2026", "--until", "2025"]),
        ({"mentions": "1969..1960"}, ["--mentions", "1969..1960"]),
        ({"snippet_chars": 0}, ["--snippet-chars", "0"]),
    ],
)
def test_a_bad_option_is_an_option_error_with_the_cli_message(
    archive, shipped_index, cli, options, args, tmp_path: Path
):
    expected = cli.error("search", "--index", str(shipped_index), *args, "colombia")
    with pytest.raises(cita.OptionError) as raised:
        archive.search("colombia", **options)
    assert str(raised.value) == expected
    assert isinstance(raised.value, ValueError)
    # A batch refuses it once, before any query (each query failed with it).
    with pytest.raises(cita.OptionError) as raised:
        archive.batch(["colombia", "lazo"], **options)
    assert str(raised.value) == expected
    queries = tmp_path / "queries.txt"
    queries.write_text("colombia\nlazo\n")
    assert cli.error("batch", "--index", str(shipped_index), *args, str(queries)) == expected


@pytest.mark.parametrize(
    "call",
    [
        lambda a: a.search("colombia", sort="newest"),
        lambda a: a.search("colombia", lang="xx"),
        lambda a: a.timeline("colombia", by="week"),
        lambda a: a.timeline("colombia", axis="cited"),
        lambda a: a.timeline("colombia", by="month", axis="mentioned"),
        lambda a: a.kwic("colombia", sort="middle"),
        # Every line is padded to the width: a huge one once aborted Python.
        lambda a: a.kwic("colombia", width=0),
        lambda a: a.kwic("colombia", width=10**12),
    ],
)
def test_bad_names_are_option_errors_naming_the_value(archive, call):
    with pytest.raises(cita.OptionError, match=r"^[^\n]+$"):
        call(archive)


@pytest.mark.parametrize(
    "call",
    [
        lambda a: a.search("colombia", limit=-1),
        lambda a: a.search("colombia", offset=-1),
        lambda a: a.search("colombia", snippet_chars=-1),
        lambda a: a.search("colombia", context="2"),
        lambda a: a.search("colombia", since=2025.5),
        lambda a: a.search("colombia", mentions=(1960,)),
        lambda a: a.search("colombia", mentions=(1960, "x")),
        lambda a: a.search("colombia", mentions=1960.0),
        lambda a: a.kwic("colombia", width=-1),
        lambda a: a.kwic("colombia", limit=-1),
        lambda a: a.batch(["colombia"], limit=-1),
        lambda a: a.passage("0", context=-1),
        lambda a: a.search("colombia", limit=2**64),
        lambda a: a.search("colombia", offset=2**64),
        lambda a: a.passage("0", context=2**64),
    ],
)
def test_bad_numbers_are_option_errors_not_type_errors(archive, call):
    # Not a TypeError naming the extension's internals, nor an OverflowError.
    with pytest.raises(cita.OptionError, match=r"^[^\n]+$"):
        call(archive)


def test_a_concordance_width_outside_its_range_says_the_range(archive):
    for width in (-1, 0, 201, 2.5, True):
        with pytest.raises(cita.OptionError, match="from 1 to 200"):
            archive.kwic("colombia", width)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda a: a.search(5), "query"),
        (lambda a: a.count(5), "query"),
        (lambda a: a.timeline(5), "query"),
        (lambda a: a.timeline("colombia", None), "by"),
        (lambda a: a.kwic(5), "query"),
        (lambda a: a.kwic("colombia", sort=None), "sort"),
        (lambda a: a.passage(5), "id"),
        (lambda a: a.count("colombia", publication=5), "publication"),
        (lambda a: a.search("colombia", lang=[5]), "lang"),
        (lambda a: a.search("colombia", sort=None), "sort"),
    ],
)
def test_a_wrong_type_of_text_is_a_type_error_naming_the_argument(archive, call, name):
    # The same words over a cluster, raised before any shard is asked.
    with pytest.raises(TypeError, match=f"^{name} takes a str, not "):
        call(archive)


@pytest.mark.parametrize(
    "call, name, given",
    [
        (lambda a: a.search("colombia", cite="yes"), "cite", "str"),
        (lambda a: a.search("colombia", facets=1), "facets", "int"),
        (lambda a: a.search("colombia", collapse=None), "collapse", "NoneType"),
        (lambda a: a.search("colombia", group=0), "group", "int"),
        (lambda a: a.search("colombia", all_words="no"), "all_words", "str"),
        (lambda a: a.timeline("colombia", by_source=1), "by_source", "int"),
        (lambda a: cita.Archive(a.path, live="yes"), "live", "str"),
    ],
)
def test_a_wrong_type_of_flag_is_a_type_error_naming_the_argument(archive, call, name, given):
    # Not "failed to extract field SearchOptions.cite".
    with pytest.raises(TypeError, match=f"^{name} takes True or False, not {given}$"):
        call(archive)


@pytest.mark.parametrize(
    "call, name, given",
    [
        (lambda a, tmp: cita.index(None, tmp / "index"), "corpus", "NoneType"),
        (lambda a, tmp: cita.index(b"corpus", tmp / "index"), "corpus", "bytes"),
        (lambda a, tmp: cita.index(tmp, 5), "index", "int"),
        (lambda a, tmp: cita.Archive(a.path.encode()), "path", "bytes"),
        (lambda a, tmp: cita.Archive(None), "path", "NoneType"),
    ],
)
def test_a_wrong_type_of_path_is_a_type_error_naming_the_argument(archive, tmp_path, call, name, given):
    # Not Python's "expected str, bytes or os.PathLike object, not NoneType",
    # which names no argument and offers bytes.
    with pytest.raises(TypeError, match=f"^{name} takes a str or an os.PathLike, not {given}$"):
        call(archive, tmp_path)
    assert not (tmp_path / "index").exists()


def test_numpy_booleans_are_flags(archive):
    numpy = pytest.importorskip("numpy")
    assert archive.search("colombia", cite=numpy.True_).hits[0].citation


@pytest.mark.parametrize(
    "call, name, given",
    [
        (lambda a: a.search("colombia", lang=5), "lang", "int"),
        (lambda a: a.timeline("colombia", lang=5), "lang", "int"),
        (lambda a: a.batch(5), "queries", "int"),
        # Not refused for their first number, an int.
        (lambda a: a.search("colombia", lang=b"es"), "lang", "bytes"),
        (lambda a: a.count("colombia", lang=bytearray(b"es")), "lang", "bytearray"),
        (lambda a: a.batch(b"colombia"), "queries", "bytes"),
    ],
)
def test_a_wrong_type_for_one_text_or_several_is_a_type_error_naming_the_argument(archive, call, name, given):
    # Not Python's "'int' object is not iterable".
    with pytest.raises(TypeError, match=f"^{name} takes a str or a list of str, not {given}$"):
        call(archive)


def test_a_wrong_type_of_exclusion_is_refused_before_the_index_is_made(small_corpus, tmp_path: Path):
    for exclude, message in [
        (5, "^exclude takes a str or a list of str, not int$"),
        (b"*.txt", "^exclude takes a str or a list of str, not bytes$"),
        (["*.txt", 5], "^exclude takes a str, not int$"),
    ]:
        with pytest.raises(TypeError, match=message):
            cita.index(small_corpus, tmp_path / "index", exclude=exclude)
    assert not (tmp_path / "index").exists()


def test_lang_takes_codes_separated_by_commas_as_the_cli_does(archive):
    # `--lang "es, pt"`: each code trimmed, in one string or in a list's.
    for codes, lang in [
        (["en", "es"], "en, es"),
        (["en", "es"], " es ,en"),
        (["es", "pt", "en"], ["es, pt", "en"]),
        (["en"], ["en "]),
    ]:
        expected = archive.search("colombia", lang=codes, limit=None).to_dicts()
        assert expected and archive.search("colombia", lang=lang, limit=None).to_dicts() == expected, lang
    with pytest.raises(cita.OptionError, match='^lang "xx" is none of the 73 languages cita knows'):
        archive.search("colombia", lang="en, xx")
    # No language at all is no filter to drop.
    for none in [[], (), set()]:
        with pytest.raises(cita.OptionError, match="^lang names no language"):
            archive.count("colombia", lang=none)


def test_a_year_range_may_be_a_list_and_jobs_are_checked(archive, small_corpus, tmp_path: Path):
    assert archive.search("colombia", mentions=[1960, 1969]).total == archive.search(
        "colombia", mentions=(1960, 1969)
    ).total
    # NumPy's integers (a DataFrame's column's max) are whole numbers too.
    np = pytest.importorskip("numpy")
    assert archive.search("colombia", limit=np.int64(3), mentions=(np.int64(1960), 1969)).total == (
        archive.search("colombia", mentions=(1960, 1969)).total
    )
    for jobs in [0, 257, -1, True]:
        with pytest.raises(cita.OptionError, match="jobs"):
            cita.index(small_corpus, tmp_path / "index", jobs=jobs)
    for shard in [(-1, 2), (0, 2**40), (True, 2), (0, 1, 2), "0/2"]:
        with pytest.raises(cita.OptionError, match="shard"):
            cita.index(small_corpus, tmp_path / "index", shard=shard)
    assert not (tmp_path / "index").exists()
    # A list is a pair too, and NumPy's integers whole numbers.
    report = cita.index(small_corpus, tmp_path / "index", shard=[np.int64(0), 1])
    assert report.added == 1


def test_index_errors_carry_the_cli_line(cli, small_corpus, tmp_path: Path):
    taken = tmp_path / "a-file"
    taken.write_text("not a folder")
    expected = cli.error("index", "--corpus", str(small_corpus), "--index", str(taken))
    with pytest.raises(cita.CitaError) as raised:
        cita.index(small_corpus, taken)
    assert str(raised.value) == expected


def in_python_words(python: str, cli: str, call: str) -> None:
    """``python`` says what ``cli`` says, its advice the call ``call`` of
    the package where the CLI names a command (`cita index --rebuild`)."""
    described, advice = cli.rsplit(": ", 1)
    assert "`cita index" in advice, cli
    assert python.startswith(described + ": "), (python, cli)
    assert call in python[len(described) :] and "`" not in python[len(described) :], python


def test_a_missing_index_is_index_not_found_with_the_cli_message(cli, tmp_path: Path):
    missing = tmp_path / "nowhere"
    expected = cli.error("search", "--index", str(missing), "colombia")
    with pytest.raises(cita.IndexNotFoundError) as raised:
        cita.Archive(missing)
    in_python_words(str(raised.value), expected, f"build it first with cita.index(corpus, {str(missing)!r})".replace("'", '"'))
    assert isinstance(raised.value, FileNotFoundError)


def test_a_folder_of_other_files_is_no_index_in_python_s_words(cli, small_corpus):
    expected = cli.error("search", "--index", str(small_corpus), "colombia")
    with pytest.raises(cita.IncompatibleIndexError) as raised:
        cita.Archive(small_corpus)
    said = str(raised.value)
    assert said.split("; ")[0] == expected.split("; ")[0]
    assert said.endswith("; give a cita index, or a new or empty folder for cita.index to build one in"), said


def test_advice_names_a_folder_with_spaces_as_one_word(cli, tmp_path: Path):
    missing = tmp_path / "my index"
    expected = cli.error("search", "--index", str(missing), "colombia")
    assert f"`cita index --index '{missing}'`" in expected
    with pytest.raises(cita.IndexNotFoundError) as raised:
        cita.Archive(missing)
    assert str(raised.value).endswith(f'build it first with cita.index(corpus, "{missing}")')


def test_a_missing_corpus_is_corpus_not_found(tmp_path: Path):
    with pytest.raises(cita.CorpusNotFoundError, match="does not exist"):
        cita.index(tmp_path / "no-corpus", tmp_path / "index")


def test_an_index_of_another_schema_is_incompatible_with_the_cli_message(cli, small_corpus, tmp_path: Path):
    index = tmp_path / "index"
    cita.index(small_corpus, index)
    meta = json.loads((index / "meta.json").read_text())
    payload = json.loads(meta["payload"])
    payload["cita_schema"] = 1
    meta["payload"] = json.dumps(payload)
    (index / "meta.json").write_text(json.dumps(meta))
    expected = cli.error("search", "--index", str(index), "colombia")
    with pytest.raises(cita.IncompatibleIndexError) as raised:
        cita.Archive(index)
    in_python_words(str(raised.value), expected, f'cita.index(corpus, "{index}", rebuild=True)')


def test_a_locked_index_is_index_locked_and_changes_nothing(cli, small_corpus, tmp_path: Path):
    index = tmp_path / "index"
    cita.index(small_corpus, index)
    (small_corpus / "new.txt").write_text("Words not to be indexed while the lock is held: quetzal.\n")
    # As the CLI tests do: another holder of the kernel lock on the lock file.
    with open(index / ".cita-index.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(cita.IndexLockedError) as raised:
            cita.index(small_corpus, index)
        from_cli = cli.error("index", "--corpus", str(small_corpus), "--index", str(index))
    message = str(raised.value)
    assert ".cita-index.lock" in message and "another `cita index`" in message
    assert from_cli.endswith(message)
    assert cita.Archive(index).search("quetzal").total == 0
    cita.index(small_corpus, index)
    assert cita.Archive(index).search("quetzal").total == 1


def test_an_index_whose_first_build_runs_is_index_locked(cli, tmp_path: Path):
    index = tmp_path / "index"
    index.mkdir()
    with open(index / ".cita-index.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(cita.IndexLockedError) as raised:
            cita.Archive(index)
        assert str(raised.value) == cli.error("search", "--index", str(index), "colombia")
    assert "still being built by its first" in str(raised.value)


def test_an_empty_or_another_corpus_folder_leaves_the_index_as_it_was(cli, small_corpus, tmp_path: Path):
    index = tmp_path / "index"
    cita.index(small_corpus, index)
    documents = cita.Archive(index).stats().documents
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(cita.CorpusNotFoundError, match="a disk not mounted") as raised:
        cita.index(empty, index)
    assert f'to empty the index, call cita.index("{empty}", "{index}", rebuild=True)' in str(raised.value)
    other = tmp_path / "other"
    other.mkdir()
    (other / "note.txt").write_text("A note of another archive.\n", encoding="utf-8")
    with pytest.raises(cita.OptionError) as raised:
        cita.index(other, index)
    assert "was built from" in str(raised.value)
    # The CLI's line, its advice the calls that do it.
    said = cli.error("index", "--corpus", str(other), "--index", str(index))
    assert str(raised.value).split("; give ")[0] == said.split("; give ")[0]
    built_from = small_corpus.resolve()
    assert str(raised.value).endswith(
        f'; give cita.index("{built_from}", "{index}"), or cita.index("{other}", "{index}", rebuild=True) '
        f"to build it from {other} alone"
    )
    assert cita.Archive(index).stats().documents == documents
    assert cita.index(other, index, rebuild=True).documents == 1


def test_an_index_path_that_is_a_file_is_a_file_system_error(cli, small_corpus, tmp_path: Path):
    taken = tmp_path / "taken"
    taken.write_text("not a folder", encoding="utf-8")
    with pytest.raises(cita.FileSystemError, match="taken") as raised:
        cita.index(small_corpus, taken)
    assert isinstance(raised.value, OSError)
    # Searched, it is named as a file, not as an index to build there.
    with pytest.raises(cita.FileSystemError) as raised:
        cita.Archive(taken)
    assert str(raised.value) == cli.error("search", "--index", str(taken), "colombia")
    assert str(raised.value).endswith("taken: a file, not an index folder")


def test_check_reads_every_file_and_names_a_damaged_one_as_the_cli_does(cli, small_corpus, tmp_path: Path):
    index = tmp_path / "index"
    cita.index(small_corpus, index)
    checked = cita.Archive(index).check()
    assert isinstance(checked, cita.IndexCheck)
    assert checked.files > 0 and checked.bytes > 0
    assert checked.passages == cita.Archive(index).count("*").passages
    store = flip_a_stored_byte(index)
    expected = cli.error("check", "--index", str(index))
    assert store.name in expected
    with pytest.raises(cita.DamagedIndexError) as raised:
        cita.Archive(index).check()
    in_python_words(str(raised.value), expected, f'cita.index(corpus, "{index}", rebuild=True)')


def test_hits_raise_a_malformed_query_at_the_call_and_refuse_what_a_stream_cannot_give(archive, shipped_index, cli):
    expected = cli.error("search", "--index", str(shipped_index), "--", "colombia AND (")
    with pytest.raises(cita.QueryError) as raised:
        archive.hits("colombia AND (")
    assert str(raised.value) == expected
    with pytest.raises(TypeError):
        archive.hits("colombia", group=True)
    with pytest.raises(cita.OptionError):
        archive.hits("colombia", sort="sideways")


def _hit_threads() -> int:
    """Threads of this process named as a search handing out hits names its own."""
    tasks = Path("/proc/self/task")
    return sum((task / "comm").read_text().strip() == "cita-hits" for task in tasks.iterdir())


def test_hits_left_unread_stop_their_search(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    # More hits than the search renders ahead of Python.
    for number in range(300):
        (corpus / f"note-{number}.txt").write_text(f"Note {number}\n\nThe harbour strike, day {number}.\n")
    cita.index(corpus, tmp_path / "index")
    archive = cita.Archive(tmp_path / "index")
    hits = archive.hits("strike")
    first = [next(hits) for _ in range(3)]
    assert [hit.rank for hit in first] == [1, 2, 3]
    assert _hit_threads() == 1, "the search waits for Python to take its hits"
    del hits
    gc.collect()
    poll(lambda: _hit_threads() == 0, 10, "search stopped once its hits were dropped")
    assert len(list(archive.hits("strike"))) == archive.count("strike").passages == 300


def test_an_index_whose_last_build_did_not_finish_is_warned_on_opening(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("A note on the harbour strike.\n")
    cita.index(corpus, tmp_path / "index")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cita.Archive(tmp_path / "index").stats().last_run_unfinished is False
    # What a build killed after its first commit leaves (the CLI's tests kill one).
    (tmp_path / "index" / "cita-run.unfinished").touch()
    with pytest.warns(cita.UnfinishedRunWarning, match="did not finish") as warned:
        archive = cita.Archive(tmp_path / "index")
    assert warned[0].filename == __file__, "the warning names the caller's line"
    assert archive.stats().last_run_unfinished is True
    assert archive.search("strike").total == 1
    cita.index(corpus, tmp_path / "index")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cita.Archive(tmp_path / "index").stats().last_run_unfinished is False
