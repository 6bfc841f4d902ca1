"""The Python results are the CLI's JSON: the same request through
`cita ... --format json` and through the package gives equal objects."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

import cita

# (query, Python options, the same options on the command line)
SEARCHES = [
    ('"Plan LAZO"', {}, []),
    ("colombia", {"limit": 3, "offset": 2}, ["--limit", "3", "--offset", "2"]),
    ("petro visa", {"sort": "date"}, ["--sort", "date"]),
    ("petro", {"sort": "-date", "limit": 4}, ["--sort", "-date", "-n", "4"]),
    ("trump OR yarborough", {"sort": "source"}, ["--sort", "source"]),
    ("revo*", {"limit": None}, ["--all"]),
    ("colombia -petro", {"limit": 0}, ["-n", "0"]),
    (
        "colombia",
        {"since": datetime.date(2025, 9, 1), "until": "2026-01"},
        ["--since", "2025-09-01", "--until", "2026-01"],
    ),
    ("colombia", {"mentions": (1960, 1969)}, ["--mentions", "1960..1969"]),
    ("visa", {"mentions": 2025, "lang": "en"}, ["--mentions", "2025", "--lang", "en"]),
    ("visa", {"lang": ["es"]}, ["--lang", "es"]),
    ("visa", {"lang": "es, en"}, ["--lang", "es,en"]),
    ("bogota", {"snippet_chars": 40}, ["--snippet-chars", "40"]),
    ('"Plan LAZO"', {"context": 1, "cite": True}, ["-C", "1", "--cite"]),
    ("colombia", {"group": True, "limit": 2}, ["--group", "-n", "2"]),
    ("petro", {"facets": True, "limit": 2}, ["--facets", "-n", "2"]),
    ("colombia", {"collapse": False, "limit": 3}, ["--no-collapse", "-n", "3"]),
    ("colombia", {"publication": "wikipedia", "facets": True}, ["--publication", "wikipedia", "--facets"]),
    ('"Colombia LAZO"~4 OR title:relations', {}, []),
    ("zzzznotaword", {}, []),
    # Too few passages hold both words: partial matches fill the page.
    ("lazo zzzznotaword", {}, []),
    ("lazo zzzznotaword", {"all_words": True}, ["--all-words"]),
]


@pytest.mark.parametrize(("query", "options", "args"), SEARCHES)
def test_search_gives_the_cli_json(archive, shipped_index, cli, query, options, args):
    expected = cli.json("search", "--index", str(shipped_index), "--format", "json", *args, "--", query)
    results = archive.search(query, **options)
    assert results.to_dicts() == expected["hits"]
    assert results.to_dict() == expected
    assert results.total == expected["total"]
    assert [hit.to_dict() for hit in results] == expected["hits"]
    assert results.partial_total == expected["partial_total"]
    assert [(hit.partial, hit.missing) for hit in results] == [
        (hit["partial"], hit["missing"]) for hit in expected["hits"]
    ]


@pytest.mark.parametrize(
    ("query", "options", "args"),
    [case for case in SEARCHES if not {"group", "facets"} & case[1].keys()],
)
def test_hits_one_at_a_time_are_the_searchs_hits(archive, shipped_index, cli, query, options, args):
    # Every hit unless the case says how many (its arguments say it too).
    every = [] if "limit" in options else ["--all"]
    options = {"limit": None, **options}
    expected = cli.jsonl("search", "--index", str(shipped_index), "--format", "jsonl", *every, *args, "--", query)
    streamed = list(archive.hits(query, **options))
    assert all(isinstance(hit, cita.Hit) for hit in streamed)
    assert [hit.to_dict() for hit in streamed] == expected
    assert [hit.to_dict() for hit in streamed] == archive.search(query, **options).to_dicts()


def test_copies_collapse_as_the_cli_does(cli, tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    paragraph = "The harbour strike ended on Monday, the union said."
    for name, text in [
        ("a.txt", paragraph),
        ("b.md", paragraph.upper().replace(",", "")),
        ("c.txt", paragraph.replace(" ", "  ") + "\n\nA strike note of its own."),
    ]:
        (corpus / name).write_text(text)
    cita.index(corpus, tmp_path / "index")
    archive = cita.Archive(tmp_path / "index")
    for options, args in [
        ({}, []),
        ({"limit": 1, "offset": 1}, ["-n", "1", "--offset", "1"]),
        ({"sort": "source"}, ["--sort", "source"]),
        ({"collapse": False}, ["--no-collapse"]),
    ]:
        expected = cli.json("search", "--index", str(tmp_path / "index"), "--format", "json", *args, "strike")
        results = archive.search("strike", **options)
        assert results.to_dict() == expected
        assert (results.total, results.distinct) == (expected["total"], expected.get("distinct"))
    results = archive.search("strike")
    assert (results.total, results.distinct, len(results)) == (4, 2, 2)
    shown = next(hit for hit in results if hit.duplicates_total)
    assert shown.duplicates_total == 2
    assert sorted(d["source"] for d in shown.duplicates) == sorted({"a.txt", "b.md", "c.txt"} - {shown.source})
    every = archive.search("strike", collapse=False)
    assert (every.total, every.distinct, len(every)) == (4, None, 4)
    assert every.hits[0].duplicates is None and every.hits[0].duplicates_total is None


def test_count_gives_the_cli_json(archive, shipped_index, cli):
    expected = cli.json("search", "--index", str(shipped_index), "--count", "--format", "json", "colombia")
    assert archive.count("colombia").to_dict() == expected
    assert archive.count("colombia").passages == archive.search("colombia").total
    args = ["--count", "--format", "json", "--publication", "Wikipedia", "colombia"]
    narrowed = archive.count("colombia", publication="Wikipedia")
    assert narrowed.to_dict() == cli.json("search", "--index", str(shipped_index), *args)
    assert 0 < narrowed.passages < archive.count("colombia").passages


def test_the_author_filter_and_facet_give_the_cli_json(tmp_path: Path, cli):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.eml").write_bytes(
        "From: \"María Pérez\" <maria@example.org>\r\nSubject: Visa\r\n\r\nLa visa de Petro.\r\n".encode()
    )
    (corpus / "b.md").write_text("---\nauthor: John Smith\n---\nThe visa was revoked.\n", encoding="utf-8")
    (corpus / "c.md").write_text("---\nauthor: John Smith\n---\nAnother visa.\n", encoding="utf-8")
    (corpus / "d.txt").write_text("A visa without an author.\n", encoding="utf-8")
    index = tmp_path / "index"
    cita.index(corpus, index)
    archive = cita.Archive(index)
    every = archive.search("visa", facets=True)
    assert every.to_dict() == cli.json("search", "--index", str(index), "--format", "json", "--facets", "visa")
    assert every.facets["authors"] == [
        {"value": "John Smith", "count": 2},
        {"value": "María Pérez <maria@example.org>", "count": 1},
    ]
    # The whole name as the facets list it, case and accents folded.
    for name, sources in [
        ("María Pérez <maria@example.org>", ["a.eml"]),
        ("maria perez <MARIA@example.org>", ["a.eml"]),
        ("john smith", ["b.md", "c.md"]),
        ("John", []),
    ]:
        narrowed = archive.search("visa", author=name, sort="source")
        args = ["--format", "json", "--sort", "source", "--author", name, "visa"]
        assert narrowed.to_dict() == cli.json("search", "--index", str(index), *args)
        assert [hit.source for hit in narrowed] == sources, name
        assert archive.count("visa", author=name).passages == len(sources)
    with pytest.raises(cita.OptionError, match="author's name"):
        archive.search("visa", author="-")


@pytest.mark.parametrize(
    ("options", "args"),
    [
        ({}, []),
        ({"by": "month", "by_source": True}, ["--by", "month", "--by-source"]),
        ({"axis": "mentioned", "mentions": "1960..1969"}, ["--mentions", "1960..1969"]),
        ({"axis": "mentioned"}, ["--mentions"]),
    ],
)
def test_timeline_gives_the_cli_json(archive, shipped_index, cli, options, args):
    expected = cli.json(
        "timeline", "--index", str(shipped_index), "--format", "json", *args, "--", "colombia"
    )
    timeline = archive.timeline("colombia", **options)
    assert timeline.to_dict() == expected
    assert timeline.to_dicts() == expected["rows"]
    assert [row.count for row in timeline.rows] == [row["count"] for row in expected["rows"]]


def test_kwic_gives_the_cli_json(archive, shipped_index, cli):
    args = ["--width", "20", "--sort-context", "left"]
    expected = cli.json("kwic", "--index", str(shipped_index), "--format", "json", *args, "petro")
    concordance = archive.kwic("petro", 20, sort="left")
    assert concordance.to_dict() == expected
    assert [line.matched for line in concordance.lines] == [line["matched"] for line in expected["lines"]]
    assert concordance.truncated is False
    limited = archive.kwic("petro", 20, sort="left", limit=2)
    assert limited.to_dict() == cli.json(
        "kwic", "--index", str(shipped_index), "--format", "json", *args, "--limit", "2", "petro"
    )
    assert len(limited.lines) == 2 and limited.truncated is True
    assert limited.passages == concordance.passages


def test_batch_gives_the_cli_rows(archive, shipped_index, cli, tmp_path: Path):
    queries = ['"Plan LAZO"', "yarborough", "petro visa"]
    file = tmp_path / "queries.txt"
    file.write_text("\n".join(queries) + "\n")
    args = ["--index", str(shipped_index), "--format", "jsonl", "--limit", "2"]
    expected = cli.jsonl("batch", str(file), *args)
    batch = archive.batch(queries, limit=2)
    assert batch.to_dicts() == expected
    assert len(batch) == len(expected)
    assert [row.query for row in batch] == [row["query"] for row in expected]
    totals = [archive.search(query).total for query in queries]
    assert [query.total for query in batch.queries] == totals
    assert batch.errors == []


def test_a_batch_of_a_text_file_reads_it_as_the_cli_does(archive, shipped_index, cli, tmp_path: Path):
    # The README's names.txt: a comment, a blank line, a query that does
    # not parse; each query numbered by its line in the file.
    file = tmp_path / "names.txt"
    file.write_text('# names\n"Plan LAZO"\n\n  Yarborough  \r\n"unclosed\n', encoding="utf-8")
    expected = cli.jsonl("batch", str(file), "--index", str(shipped_index), "--format", "jsonl", "-n", "2")
    with open(file, encoding="utf-8") as opened:
        batch = archive.batch(opened, limit=2)
    assert batch.to_dicts() == expected
    assert [(q.line, q.query) for q in batch.queries] == [(2, '"Plan LAZO"'), (4, "Yarborough"), (5, '"unclosed')]
    assert [(q.line, type(q.error)) for q in batch.errors] == [(5, cita.QueryError)]
    assert {row["line"] for row in expected} == {2, 4}
    with open(file, "rb") as binary, pytest.raises(TypeError, match="^queries takes a text file"):
        archive.batch(binary)


def test_a_batch_reads_text_holding_line_separators_as_the_cli_prints_it(cli, tmp_path: Path):
    # U+2028, U+2029 and U+0085 end lines to str.splitlines, not to JSON Lines.
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = "The first line\u2028and the second of one paragraph\u2029about the\u0085harbour."
    (corpus / "a.txt").write_text(text + "\n", encoding="utf-8")
    cita.index(corpus, tmp_path / "index")
    archive = cita.Archive(tmp_path / "index")
    queries = ["harbour", "second\u2028line"]
    file = tmp_path / "queries.txt"
    file.write_text("\n".join(queries) + "\n", encoding="utf-8")
    expected = cli.jsonl("batch", str(file), "--index", str(tmp_path / "index"), "--format", "jsonl")
    batch = archive.batch(queries)
    assert batch.to_dicts() == expected
    assert [row.query for row in batch] == queries
    assert batch.rows[0].text == text


def test_years_before_1000_filter_as_four_digit_years(cli, tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, date in [("charter.md", "0850-05-01"), ("later.md", "1200-01-01")]:
        (corpus / name).write_text(f"---\ndate: {date}\n---\n\nA charter of the abbey.\n")
    cita.index(corpus, tmp_path / "index")
    archive = cita.Archive(tmp_path / "index")
    expected = cli.json("search", "--index", str(tmp_path / "index"), "--format", "json", "--since", "0800", "--until", "0999", "abbey")
    results = archive.search("abbey", since=800, until=999)
    assert results.to_dict() == expected
    assert [hit.source for hit in results] == ["charter.md"]
    assert archive.timeline("abbey", until=999).to_dict() == cli.json(
        "timeline", "--index", str(tmp_path / "index"), "--format", "json", "--until", "0999", "abbey"
    )


def test_passage_gives_the_cli_json(archive, shipped_index, cli):
    hit = archive.search('"Plan LAZO"').hits[0]
    expected = cli.json("show", "--index", str(shipped_index), "--format", "json", "-C", "1", hit.id)
    found = archive.passage(hit.id, 1)
    assert found.to_dict() == expected
    assert found.passage.text == hit.text
    assert [p.to_dict() for p in found.before] == expected["before"]
    assert found.citation is None
    cited = archive.passage(hit.id, 1, cite=True)
    assert cited.to_dict() == cli.json(
        "show", "--index", str(shipped_index), "--format", "json", "-C", "1", "--cite", hit.id
    )
    assert cited.citation == archive.search('"Plan LAZO"', cite=True).hits[0].citation


def test_stats_and_fingerprint_give_the_cli_json(archive, shipped_index, cli):
    expected = cli.json("stats", "--index", str(shipped_index), "--format", "json")
    assert archive.stats().to_dict() == expected
    searched = cli.json("search", "--index", str(shipped_index), "--format", "json", "colombia")
    assert archive.fingerprint == searched["index_fingerprint"]


def test_index_report_is_the_cli_report(cli, tmp_path: Path):
    from conftest import CORPUS

    by_cli = cli.json("index", "--corpus", str(CORPUS), "--index", str(tmp_path / "a"), "--format", "json")
    by_python = cita.index(CORPUS, tmp_path / "b").to_dict()
    for report in (by_cli, by_python):
        del report["elapsed_seconds"], report["index"]
    assert by_python == by_cli
    assert by_python["files_indexed"] == len(list(CORPUS.iterdir()))


def test_the_readme_example_prints_the_cli_total(archive, shipped_index, cli):
    expected = cli.json("search", "--index", str(shipped_index), "--format", "json", '"Plan LAZO"')
    assert cita.Archive(str(shipped_index)).search('"Plan LAZO"').total == expected["total"] > 0
