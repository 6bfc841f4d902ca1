"""The package's own behaviour: records, DataFrames, HTML, threads,
reloading, progress."""

from __future__ import annotations

import _thread
import pickle
import shutil
import sys
import threading
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import cita
from cita import _cita
from conftest import blank_png, poll

QUERIES = ['"Plan LAZO"', "colombia", "petro visa", "revo*", "trump OR yarborough", "bogota"]


def test_hits_read_their_json_fields_as_attributes(archive):
    results = archive.search("colombia", limit=3, cite=True)
    assert len(results) == len(results.hits) == 3
    first = results[0]
    assert isinstance(first, cita.Hit) and isinstance(first, cita.Passage)
    assert (first.rank, first.source, first.snippet) == (1, first.to_dict()["source"], first.to_dict()["snippet"])
    assert first.citation.endswith(f"cita:{first.id}")
    assert first.before is None  # only with context
    with pytest.raises(AttributeError):
        first.no_such_field
    with pytest.raises(AttributeError):
        first.rank = 2
    assert [hit.rank for hit in results] == [1, 2, 3]


def test_limit_none_returns_every_match_and_zero_only_counts(archive):
    total = archive.count("colombia").passages
    assert len(archive.search("colombia", limit=None)) == total
    only_counted = archive.search("colombia", limit=0)
    assert (only_counted.total, len(only_counted)) == (total, 0)


def test_groups_and_facets_are_there_when_asked_for(archive):
    plain = archive.search("colombia")
    assert plain.groups is None and plain.facets is None
    grouped = archive.search("colombia", group=True, facets=True)
    assert sum(group.passages for group in grouped.groups) == grouped.total
    assert grouped.documents == len(grouped.groups) > 1 and plain.documents is None
    assert archive.search("colombia", group=True, limit=1).documents == grouped.documents
    assert grouped.groups[0].hits[0].to_dict() == grouped.hits[0].to_dict()
    assert sum(source["count"] for source in grouped.facets["sources"]) == grouped.total


def test_a_facet_limit_lists_the_most_frequent_values_and_counts_them_all(archive):
    whole = archive.search("colombia", facets=True, limit=0).facets
    limited = archive.search("colombia", facets=True, facet_limit=2, limit=0).facets
    assert len(whole["sources"]) > 2
    for key in ("sources", "languages", "publications", "formats", "authors"):
        assert limited[key] == whole[key][:2]
        assert limited["values"][key] == whole["values"][key] == len(whole[key])
    assert limited["years"] == whole["years"]
    with pytest.raises(cita.OptionError, match="facets=True"):
        archive.search("colombia", facet_limit=2)
    with pytest.raises(cita.OptionError, match="facet_limit"):
        archive.search("colombia", facets=True, facet_limit=-1)


def test_a_rebuild_of_the_same_content_is_another_commit(small_corpus, tmp_path):
    index = tmp_path / "index"
    (small_corpus / "second.txt").write_text("A note on the harbour strike.\n")
    cita.index(small_corpus, index)
    (small_corpus / "second.txt").write_text("A note on the harbour strike, revised.\n")
    cita.index(small_corpus, index)
    # The extension's archive, as a worker of a search over shards holds it.
    held = _cita.Archive(index, False)
    cita.index(small_corpus, index, rebuild=True)
    fresh = _cita.Archive(index, False)
    # The same content, so the same fingerprint; another commit, whose
    # passage deleted by the update is gone, so another key.
    assert held.fingerprint == fresh.fingerprint
    assert held._commit != fresh._commit
    held.reload()
    assert held._commit == fresh._commit


def test_results_pickle_with_their_whole_answer(archive):
    results = archive.search("colombia", facets=True, limit=3)
    results.partial, results.shards_answered = True, [0]
    copy = pickle.loads(pickle.dumps(results))
    assert copy.to_dict() == results.to_dict()
    assert [hit.id for hit in copy] == [hit.id for hit in results]
    assert (copy.total, copy.distinct, copy.partial, copy.shards_answered) == (
        results.total,
        results.distinct,
        True,
        [0],
    )
    assert copy.facets == results.facets
    assert copy.to_pandas().equals(results.to_pandas())


def test_a_passage_is_found_by_its_id_with_or_without_prefix(archive):
    hit = archive.search('"Plan LAZO"').hits[0]
    found = archive.passage(f"cita:{hit.id}", context=2)
    assert found.passage.id == hit.id
    assert len(found.before) == 2 and len(found.after) == 2
    assert [p.paragraph for p in found.before] == [hit.paragraph - 2, hit.paragraph - 1]
    assert archive.passage("0000000000000000") is None
    assert archive.passage("not an id") is None


def test_timeline_kwic_and_stats_objects(archive):
    timeline = archive.timeline("colombia", by="month")
    assert sum(row.count for row in timeline.rows) + timeline.undated == timeline.total
    assert all(len(row.period) == 7 for row in timeline.rows)
    concordance = archive.kwic('"Plan LAZO"', width=10)
    assert [line.matched for line in concordance.lines] == ["Plan LAZO"] * len(concordance.lines)
    assert all(len(line.left) <= 10 for line in concordance.lines)
    # Each iterates over its rows, as a search's results over their hits.
    for table, rows in [(timeline, timeline.rows), (concordance, concordance.lines)]:
        assert rows and list(table) == rows and len(table) == len(rows)
        assert table[0] == rows[0] and table[-1] == rows[-1] and table[:2] == rows[:2]
    stats = archive.stats()
    assert stats.passages == archive.count("*").passages
    assert stats.documents == len(list(Path(__file__).resolve().parents[2].joinpath("corpus").iterdir()))


def test_a_batch_indexes_its_rows_and_shows_each_query_with_its_hits(archive):
    batch = archive.batch(["petro", "colombia AND (", "zzzznotaword"], limit=2)
    assert len(batch) == 2 and batch[0] == batch.rows[0] and batch[-1] == batch.rows[1]
    assert [row.query for row in batch] == ["petro", "petro"]
    page = batch._repr_html_()
    items = page.split("<li>")[1:]
    assert len(items) == 3
    assert items[0].startswith("<code>petro</code>: ") and items[0].count("<mark>") >= 2
    assert "error: " in items[1] and "<mark>" not in items[1]
    assert items[2].startswith("<code>zzzznotaword</code>: 0 matching passages<ol></ol>")
    assert repr(batch) == "<cita.BatchResults queries=3 rows=2 errors=1>"


def test_threads_searching_one_archive_get_the_single_thread_results(archive):
    expected = {query: archive.search(query, limit=5).to_dict() for query in QUERIES}
    workers = 4
    start = threading.Barrier(workers)

    def search_all(offset: int) -> dict:
        start.wait()  # every thread searches at the same moment
        found = {}
        for round in range(5):
            for query in QUERIES[offset:] + QUERIES[:offset]:
                found[(round, query)] = archive.search(query, limit=5).to_dict()
        return found

    with ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(search_all, range(workers)))
    for found in results:
        for (_, query), result in found.items():
            assert result == expected[query], query


def test_an_archive_sees_a_new_build_after_reload(small_corpus, tmp_path: Path):
    index = tmp_path / "index"
    cita.index(small_corpus, index)
    archive = cita.Archive(index)
    fingerprint = archive.fingerprint
    stats = archive.stats()
    assert archive.search("quetzal").total == 0
    (small_corpus / "new.txt").write_text("The quetzal is a bird.\n")
    report = cita.index(small_corpus, index)
    assert (report.added, report.unchanged) == (1, 1)
    assert archive.search("quetzal").total == 0, "a snapshot until reload()"
    # Its statistics too, documents as passages.
    now = archive.stats()
    assert (now.documents, now.passages) == (stats.documents, stats.passages)
    archive.reload()
    assert archive.search("quetzal").total == 1
    assert archive.fingerprint != fingerprint
    assert archive.stats().documents == stats.documents + 1
    # The folder removed: searches read the files they hold open, and what
    # reads the folder says there is no index.
    shutil.rmtree(index)
    assert archive.search("quetzal").total == 1
    for reading in [archive.stats, archive.check, archive.reload]:
        with pytest.raises(cita.IndexNotFoundError, match="^no index at"):
            reading()


def test_default_lang_is_the_index_s_until_another_is_given(tmp_path: Path, cli):
    # Tables of figures: no prose to detect, so the default decides.
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(3):
        (corpus / f"{n}.txt").write_text(f"1964 | 12.5 | 2,031\n\nTabla {n}.\n")
    index = tmp_path / "index"
    cli.run("index", "--corpus", str(corpus), "--index", str(index), "--default-lang", "es")
    archive = cita.Archive(index)
    everything = archive.count("*").passages
    assert archive.count("*", lang="es").passages == everything > 0
    # An update from the notebook keeps Spanish: nothing is read again.
    report = cita.index(corpus, index)
    assert report.updated == 0 and report.unchanged == 3
    archive.reload()
    assert archive.count("*", lang="es").passages == everything
    report = cita.index(corpus, index, default_lang="fr")
    assert report.updated == 3
    archive.reload()
    assert archive.count("*", lang="fr").passages == everything
    with pytest.raises(cita.OptionError, match="default_lang"):
        cita.index(corpus, index, default_lang="xx")
    with pytest.raises(TypeError, match="default_lang"):
        cita.index(corpus, index, default_lang=1)


def test_the_ocr_and_memory_keywords_build_as_the_cli_s_options(tmp_path: Path, cli):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notes.txt").write_text("Typed notes on the embassy.\n")
    (corpus / "scan.png").write_bytes(blank_png())
    runs = [
        ({"ocr": False}, ["--no-ocr"]),
        ({"ocr": "eng", "ocr_timeout": 30, "memory_mb": 64}, ["--ocr-lang", "eng", "--ocr-timeout", "30", "--memory", "64"]),
        ({}, []),
    ]
    said = set()
    for n, (keywords, flags) in enumerate(runs):
        report = cita.index(corpus, tmp_path / f"python-{n}", **keywords)
        expected = cli.json("index", "--corpus", str(corpus), "--index", str(tmp_path / f"cli-{n}"), "--format", "json", *flags)
        assert (report.warnings, report.ocr) == (expected["warnings"], expected["ocr"]), keywords
        said.add(report.warnings[0]["message"])
    assert len(said) == 2, said  # OCR off, and OCR finding nothing
    # Languages Tesseract lacks, or that are no codes, refused as the CLI refuses them.
    for bad in ["eng+xyz", "ENG"]:
        index = tmp_path / f"bad-{bad}"
        expected = cli.run("index", "--corpus", str(corpus), "--index", str(index), "--ocr-lang", bad)
        if expected.returncode == 0:  # a Tesseract that cannot say what it has
            assert cita.index(corpus, tmp_path / f"python-{bad}", ocr=bad).added == 2
            continue
        with pytest.raises(cita.OptionError) as raised:
            cita.index(corpus, tmp_path / f"python-{bad}", ocr=bad)
        assert "cita: " + str(raised.value) == expected.stderr.strip().replace(str(index), str(tmp_path / f"python-{bad}"))
    for keywords, error in [
        ({"ocr": 1}, TypeError),
        ({"ocr": None}, TypeError),
        ({"ocr_timeout": 0}, cita.OptionError),
        ({"ocr_timeout": 86_401}, cita.OptionError),
        ({"ocr_timeout": 1.5}, cita.OptionError),
        ({"memory_mb": 14}, cita.OptionError),
    ]:
        name = next(iter(keywords))
        with pytest.raises(error, match=f"^{name} takes"):
            cita.index(corpus, tmp_path / "refused", **keywords)
    assert not (tmp_path / "refused").exists()


def test_a_live_archive_sees_a_new_build_by_itself(small_corpus, tmp_path: Path):
    index = tmp_path / "index"
    cita.index(small_corpus, index)
    archive = cita.Archive(index, live=True)
    (small_corpus / "new.txt").write_text("The quetzal is a bird.\n")
    cita.index(small_corpus, index)
    # tantivy notices the commit by watching meta.json: within about a second.
    poll(lambda: archive.search("quetzal").total > 0, 30, "new passage seen")
    assert archive.search("quetzal").total == 1


def test_progress_reaches_a_callback_file_by_file(small_corpus, tmp_path: Path):
    (small_corpus / "second.txt").write_text("A second file.\n")
    calls = []
    report = cita.index(small_corpus, tmp_path / "index", jobs=1, progress=lambda *counts: calls.append(counts))
    total_bytes = sum(path.stat().st_size for path in small_corpus.iterdir())
    assert calls[0] == (0, 2, 0, total_bytes)
    assert calls[-1] == (2, 2, total_bytes, total_bytes)
    assert len(calls) == 3 and report.files_indexed == 2


def test_an_exception_in_the_progress_callback_is_raised(small_corpus, tmp_path: Path):
    def fail(*counts):
        raise RuntimeError("stop")

    with pytest.raises(RuntimeError, match="stop"):
        cita.index(small_corpus, tmp_path / "index", progress=fail)


def many_files(corpus: Path, count: int) -> None:
    for n in range(count):
        (corpus / f"{n:04}.txt").write_text(f"Newword in file {n} of a growing archive.\n")


def test_ctrl_c_stops_a_build_which_keeps_what_it_read(small_corpus, tmp_path: Path):
    many_files(small_corpus, 300)
    index = tmp_path / "index"

    def interrupt_at_the_tenth_file(files_done, files_total, bytes_done, bytes_total):
        if files_done == 10:
            _thread.interrupt_main()  # what Ctrl-C does

    with pytest.raises(KeyboardInterrupt):
        cita.index(small_corpus, index, jobs=1, progress=interrupt_at_the_tenth_file)
    with pytest.warns(cita.UnfinishedRunWarning):
        indexed = cita.Archive(index).search("newword", limit=0).total
    assert 9 <= indexed < 100, f"{indexed} of 300 files indexed before the build stopped"
    report = cita.index(small_corpus, index)
    assert report.added == 301 - report.unchanged
    assert cita.Archive(index).search("newword", limit=0).total == 300


def test_ctrl_c_stops_a_build_without_a_progress_callback(small_corpus, tmp_path: Path):
    many_files(small_corpus, 5000)
    index = tmp_path / "index"

    def interrupt_once_the_build_holds_its_lock():
        poll(lambda: (index / ".cita-index.lock").exists(), 30, "the build started")
        _thread.interrupt_main()

    interrupter = threading.Thread(target=interrupt_once_the_build_holds_its_lock)
    interrupter.start()
    with pytest.raises(KeyboardInterrupt):
        cita.index(small_corpus, index, jobs=1)
        # Had the build ended first, the interrupt lands here, in the block.
        interrupter.join()
    interrupter.join()
    # Signals are looked for every 100 ms: it stopped long before the end.
    with pytest.warns(cita.UnfinishedRunWarning):
        assert cita.Archive(index).search("newword", limit=0).total < 5000
    cita.index(small_corpus, index)
    assert cita.Archive(index).search("newword", limit=0).total == 5000


def test_progress_true_draws_a_tqdm_bar(small_corpus, tmp_path: Path, capsys):
    pytest.importorskip("tqdm")
    cita.index(small_corpus, tmp_path / "index", progress=True)
    assert "indexing" in capsys.readouterr().err


def test_exclude_takes_a_glob_or_several(small_corpus, tmp_path: Path):
    (small_corpus / "draft.md").write_text("# Draft\n\nquetzal\n")
    report = cita.index(small_corpus, tmp_path / "a", exclude="*.md")
    assert report.files_indexed == 1
    report = cita.index(small_corpus, tmp_path / "b", exclude=["*.md", "first.txt"])
    assert report.files_indexed == 0


def test_to_pandas_has_one_row_per_hit_and_typed_columns(archive):
    pd = pytest.importorskip("pandas")
    results = archive.search("colombia", limit=20)
    frame = results.to_pandas()
    hits = results.to_dicts()
    assert list(frame.columns) == list(hits[0])
    assert len(frame) == len(hits)
    assert frame["rank"].dtype == "int64" and frame["paragraph"].dtype == "int64"
    assert frame["score"].dtype == "float64"
    assert frame["page"].dtype == "Int64" and frame["page"].isna().all()
    assert pd.api.types.is_datetime64_dtype(frame["date"])
    dated = [hit["date"] for hit in hits]
    assert [d.strftime("%Y-%m-%d") if not pd.isna(d) else None for d in frame["date"]] == dated
    assert pd.api.types.is_string_dtype(frame["source"])
    assert frame["source"].tolist() == [hit["source"] for hit in hits]
    assert frame["highlights"].tolist() == [hit["highlights"] for hit in hits]


def test_to_pandas_keeps_dates_outside_pandas_nanosecond_range(tmp_path: Path):
    # pandas 2 parses dates into nanoseconds, whose range is 1677 to 2262.
    pd = pytest.importorskip("pandas")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "cedula.md").write_text(
        "---\ntitle: Real Cédula\ndate: 1599-03-12\n---\n\nQue se funden resguardos.\n"
    )
    (corpus / "plan.md").write_text("---\ntitle: Plan\ndate: 2300-01-02\n---\n\nLos resguardos.\n")
    (corpus / "nota.txt").write_text("Sin fecha: los resguardos.\n")
    cita.index(corpus, tmp_path / "index")
    results = cita.Archive(tmp_path / "index").search("resguardos", sort="date")
    frame = results.to_pandas()
    assert frame["date"].dtype == "datetime64[s]"
    days = [None if pd.isna(day) else day.strftime("%Y-%m-%d") for day in frame["date"]]
    assert days == [hit.date for hit in results] == ["1599-03-12", "2300-01-02", None]


def test_empty_results_give_a_frame_with_the_same_columns_and_types(archive):
    pytest.importorskip("pandas")
    for options in [{}, {"cite": True, "context": 1}]:
        full = archive.search("colombia", limit=1, **options).to_pandas()
        empty = archive.search("zzzznotaword", **options).to_pandas()
        assert len(empty) == 0
        assert list(empty.columns) == list(full.columns), options
        assert empty.dtypes.to_dict() == full.dtypes.to_dict(), options
    # Booleans are booleans, so that `~frame.partial` selects.
    frame = archive.search("petro visa drug cartel").to_pandas()
    assert frame["partial"].dtype == "bool"
    assert len(frame[~frame.partial]) + len(frame[frame.partial]) == len(frame)
    full = archive.timeline("colombia", by_source=True).to_pandas()
    empty = archive.timeline("zzzznotaword", by_source=True).to_pandas()
    assert list(empty.columns) == list(full.columns) == ["period", "source", "count"]


def test_the_other_tables_give_frames_too(archive):
    pytest.importorskip("pandas")
    timeline = archive.timeline("colombia").to_pandas()
    assert list(timeline.columns) == ["period", "count"]
    assert timeline["count"].dtype == "int64"
    kwic = archive.kwic("petro").to_pandas()
    assert len(kwic) == len(archive.kwic("petro").lines)
    batch = archive.batch(["petro", "lazo"], limit=2).to_pandas()
    assert list(batch.columns[:3]) == ["query", "line", "rank"]


def test_to_polars_has_one_row_per_hit_and_a_date_column(archive):
    pl = pytest.importorskip("polars")
    results = archive.search("colombia", limit=20)
    frame = results.to_polars()
    assert frame.columns == list(results.to_dicts()[0])
    assert frame.height == 20
    assert frame.schema["date"] == pl.Date and frame.schema["rank"] == pl.Int64
    assert archive.search("zzzznotaword").to_polars().columns == frame.columns


def test_polars_frames_of_any_page_have_the_same_types_and_concatenate(archive):
    pl = pytest.importorskip("polars")
    full = archive.search("lazo zzzyx", limit=5).to_polars()
    empty = archive.search("zzzznotaword").to_polars()
    assert full.height > 0 and empty.height == 0
    assert empty.schema == full.schema
    assert full.schema["missing"] == pl.List(pl.String)
    assert full.schema["highlights"] == pl.List(pl.List(pl.Int64))
    assert full.schema["matched"] == pl.Object
    assert pl.concat([empty, full]).height == full.height
    assert full["missing"].to_list()[0] == ["zzzyx"]


def test_a_progress_that_cannot_be_called_is_refused_before_any_build(small_corpus, tmp_path):
    index = tmp_path / "index"
    with pytest.raises(TypeError, match="progress takes"):
        cita.index(small_corpus, index, progress="yes")
    assert not index.exists() or not any(index.iterdir())


def test_a_page_of_undated_passages_has_a_date_column_of_nulls(tmp_path):
    pl = pytest.importorskip("polars")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "note.txt").write_text("Field notes on Sumapaz, no date given.\n", encoding="utf-8")
    cita.index(corpus, tmp_path / "index")
    results = cita.Archive(tmp_path / "index").search("sumapaz")
    frame = results.to_polars()
    assert frame.height == 1 and frame.schema["date"] == pl.Date
    assert frame["date"].to_list() == [None]


def test_a_missing_dataframe_library_is_an_import_error_naming_the_install(archive, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    monkeypatch.setitem(sys.modules, "polars", None)
    results = archive.search("colombia")
    with pytest.raises(ImportError, match="pip install pandas"):
        results.to_pandas()
    with pytest.raises(ImportError, match="pip install polars"):
        results.to_polars()


def test_snippet_parts_cut_at_byte_offsets_in_multibyte_text(archive):
    hit = archive.search("bogota").hits[0]
    marked = [text for text, matched in hit.snippet_parts() if matched]
    assert marked and all(text.lower() == "bogotá" for text in marked)
    assert "".join(text for text, _ in hit.snippet_parts()) == hit.snippet


def test_html_marks_matches_and_escapes_all_document_text(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "page.txt").write_text(
        "Notes <script>alert('title')</script> & more\n\n"
        "In Bogotá the zebra <script>alert('text')</script> crossed <b>here</b>.\n"
    )
    cita.index(corpus, tmp_path / "index")
    results = cita.Archive(tmp_path / "index").search("zebra")
    page = results._repr_html_()
    assert results.total == 1
    assert "<script>" not in page and "<b>here" not in page
    assert "&lt;script&gt;alert(&#x27;text&#x27;)&lt;/script&gt;" in page
    assert "Notes &lt;script&gt;" in page  # the title
    assert "<mark>zebra</mark>" in page
    assert "<script>" not in results[0]._repr_html_()


def test_html_marks_partial_matches_with_the_words_they_lack(archive):
    results = archive.search("colombia zzyzx", limit=3)
    assert results.total == 0 and results.partial_total > 3
    page = results._repr_html_()
    assert f"then partial matches ({results.partial_total} with at least half of the words)" in page
    assert page.count("partial match, lacks: zzyzx") == len(results) == 3
    assert "partial match, lacks: zzyzx" in results[0]._repr_html_()
    full = archive.search("colombia", limit=3)._repr_html_()
    assert "partial match" not in full


def test_html_says_where_a_hit_is_its_copies_and_what_there_is_to_page_through(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    story = "The harbour strike ended on Monday, the union said."
    (corpus / "feed.jsonl").write_text(
        '{"title": "One", "text": "A strike in the first record."}\n'
        '{"title": "Two", "text": "A strike in the second record."}\n'
        f'{{"title": "Three", "text": "{story}"}}\n'
    )
    (corpus / "a.txt").write_text(f"A\n\n{story}\n")
    (corpus / "b.txt").write_text(f"B\n\n{story}\n")
    with zipfile.ZipFile(corpus / "pack.zip", "w") as pack:
        pack.writestr("inner/c.txt", f"C\n\n{story}\n")
    cita.index(corpus, tmp_path / "index")
    archive = cita.Archive(tmp_path / "index")
    results = archive.search("strike")
    assert (results.total, results.distinct) == (6, 3)
    page = results._repr_html_()
    assert "6 matching passages" in page and "3 distinct, 3 shown" in page
    assert "feed.jsonl #2 ¶1" in page and "feed.jsonl #1 ¶1" in page
    [copied] = [hit for hit in results if hit.duplicates_total]
    assert copied.duplicates_total == 3
    # Each copy named as the text output names it: its record, its entry.
    listed = copied._repr_html_().split("3 other copies: ")[1]
    names = ["a.txt", "b.txt", "pack.zip › inner/c.txt", "feed.jsonl #3"]
    assert sum(name in listed for name in names) == 3, listed
    assert "pack.zip › inner/c.txt" in page
    grouped = archive.search("strike", group=True, limit=1)._repr_html_()
    assert "1 of 6 documents shown" in grouped  # each record a document


def test_numpy_dates_filter_as_the_days_they_write(archive):
    np = pytest.importorskip("numpy")
    for day, written in [
        (np.datetime64("2025-09-01"), "2025-09-01"),
        (np.datetime64("2025-09-01T13:30"), "2025-09-01"),
        (np.datetime64("2025-09"), "2025-09"),
        (np.datetime64("2025"), "2025"),
    ]:
        expected = archive.search("colombia", since=written, limit=None).to_dicts()
        assert archive.search("colombia", since=day, limit=None).to_dicts() == expected
    assert archive.count("colombia", since=np.datetime64("2099")).passages == 0
    pd = pytest.importorskip("pandas")
    for missing in (np.datetime64("NaT"), pd.NaT):
        with pytest.raises(cita.OptionError) as raised:
            archive.search("colombia", until=missing)
        assert str(raised.value) == "until takes a date (YYYY-MM-DD, YYYY-MM or YYYY), not NaT"
    # A pandas Timestamp is a datetime: its day.
    assert archive.count("colombia", since=pd.Timestamp("2099-01-01")).passages == 0


def test_a_closed_archive_refuses_queries_and_lets_go_of_the_index(small_corpus, tmp_path: Path):
    index = tmp_path / "index"
    cita.index(small_corpus, index)
    with cita.Archive(index) as archive:
        total = archive.count("colombia").passages
        stream = archive.hits("colombia")
    assert "(closed)" in repr(archive) and archive.path == str(index)
    with pytest.raises(ValueError, match="closed"):
        archive.search("colombia")
    with pytest.raises(ValueError, match="closed"):
        archive.hits("colombia")
    archive.close()
    # An iterator made before closing reads to its end.
    assert len(list(stream)) == total > 0


def test_the_extension_s_stubs_name_what_it_has():
    # py.typed promises the stubs: a name missing there is an error to a
    # type checker, one missing at run time a stub that lies.
    import ast

    from cita import _cita

    stubs = ast.parse((Path(cita.__file__).parent / "_cita.pyi").read_text())
    declared = {}
    for node in stubs.body:
        if isinstance(node, ast.FunctionDef):
            declared[node.name] = None
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            declared[node.target.id] = None
        elif isinstance(node, ast.ClassDef) and not any(getattr(base, "id", "") == "TypedDict" for base in node.bases):
            declared[node.name] = {item.name for item in node.body if isinstance(item, ast.FunctionDef)} - {"__init__"}
    public = {name for name in dir(_cita) if not name.startswith("_")}
    assert public == set(declared)
    for name, members in declared.items():
        if members is not None:
            runtime = {member for member in dir(getattr(_cita, name)) if not member.startswith("_")}
            assert runtime == {member for member in members if not member.startswith("_")}, name
