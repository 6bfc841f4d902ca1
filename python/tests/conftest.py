"""Fixtures: the shipped corpus indexed once per run under pytest's
temporary folder (inside the repository's target/, never /tmp), and the
`cita` binary the Python results are compared with."""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import time
import zlib
from pathlib import Path
from typing import Any, List

import pytest

import cita

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "corpus"


def blank_png() -> bytes:
    """A white 64×64 PNG: a scan with no text on it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    pixels = b"".join(b"\x00" + b"\xff" * 3 * 64 for _ in range(64))
    header = struct.pack(">IIBBBBB", 64, 64, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(pixels)) + chunk(b"IEND", b"")


def poll(condition: Any, seconds: float, what: str) -> None:
    """Asks `condition` every 50 ms until it holds; fails naming `what`
    after `seconds`. For what changes on its own time (another process, a
    file watcher), never a fixed sleep in its place."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} within {seconds} s")
        time.sleep(0.05)


def flip_a_stored_byte(index: Path) -> Path:
    """Flips one bit in the middle of `index`'s stored passages (its
    largest `.store` file), where searches may read on: what `check()`
    finds. Returns that file."""
    store = max(index.glob("*.store"), key=lambda path: path.stat().st_size)
    data = bytearray(store.read_bytes())
    data[len(data) // 2] ^= 0x01
    store.write_bytes(bytes(data))
    return store


def pytest_configure(config: pytest.Config) -> None:
    # Temporary folders under the repository's target/ (ignored by git),
    # emptied at the start of each run, instead of /tmp.
    if not config.option.basetemp:
        config.option.basetemp = str(REPO / "target" / "python-tests")


class Cli:
    """The `cita` binary built from the same checkout."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(self.path), *args], capture_output=True, text=True, cwd=REPO, timeout=300
        )

    def json(self, *args: str) -> Any:
        """The JSON the command prints (exit 0 or 1: hits or none)."""
        done = self.run(*args)
        assert done.returncode in (0, 1), done.stderr
        return json.loads(done.stdout)

    def jsonl(self, *args: str) -> List[Any]:
        done = self.run(*args)
        assert done.returncode in (0, 1), done.stderr
        return [json.loads(line) for line in done.stdout.split("\n") if line]

    def error(self, *args: str) -> str:
        """The one-line message of a command that fails, without `cita: `."""
        done = self.run(*args)
        assert done.returncode == 2, (done.stdout, done.stderr)
        lines = done.stderr.splitlines()
        assert len(lines) == 1, done.stderr
        assert lines[0].startswith("cita: ")
        return lines[0][len("cita: ") :]


@pytest.fixture(scope="session")
def cli() -> Cli:
    named = os.environ.get("CITA_BIN")
    candidates = [Path(named)] if named else [REPO / "target/debug/cita", REPO / "target/release/cita"]
    for path in candidates:
        if path.is_file():
            return Cli(path)
    pytest.fail(f"no cita binary at {candidates}: run `cargo build` (python/run-tests.sh does)")


@pytest.fixture(scope="session")
def shipped_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped corpus, indexed by the Python package."""
    index = tmp_path_factory.mktemp("shipped") / "index"
    cita.index(CORPUS, index)
    return index


@pytest.fixture(scope="session")
def archive(shipped_index: Path) -> cita.Archive:
    return cita.Archive(shipped_index)


@pytest.fixture
def small_corpus(tmp_path: Path) -> Path:
    """A corpus of its own, for tests that change or lock an index."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / sorted(os.listdir(CORPUS))[0], corpus / "first.txt")
    return corpus
