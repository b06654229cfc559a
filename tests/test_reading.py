"""`read_bounded` (and `read_at_most`, with which the fingerprint and the ontology's check read too) reads what
the file holds when it is read, not what its stat said: a file that grows after the stat is read whole up to
the bound, and refused past it.

A file of `/proc` is one such file, for real: its stat says 0 bytes, and reading it gives its text."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.limits import read_at_most
from kg.sources.reading import FileRefused, read_bounded

PROC_FILE = Path("/proc/self/status")


@pytest.fixture
def proc_file() -> Path:
    if not PROC_FILE.is_file() or PROC_FILE.stat().st_size != 0:
        pytest.skip("needs Linux's /proc, whose files have a size of 0 and a text")
    return PROC_FILE


def test_a_file_longer_than_its_stat_said_is_read_whole(proc_file: Path) -> None:
    data = read_bounded(proc_file, 1 << 20, "the file", "split it")
    assert data.startswith(b"Name:\t") and b"\nPid:\t" in data and data.endswith(b"\n")
    assert len(data) > 200


def test_a_file_growing_past_the_bound_after_the_stat_is_refused(proc_file: Path) -> None:
    with pytest.raises(FileRefused, match=r"the file is more than the .* allowed: split it"):
        read_bounded(proc_file, 100, "the file", "split it")


def test_a_file_of_the_bound_exactly_is_read(tmp_path: Path) -> None:
    file = tmp_path / "a.yaml"
    file.write_bytes(b"x" * 100)
    assert read_bounded(file, 100, "the file", "split it") == b"x" * 100
    with pytest.raises(FileRefused, match="more than the"):
        read_bounded(file, 99, "the file", "split it")


@pytest.mark.parametrize("most", [1, 20, 10_000])
def test_read_at_most_reads_what_is_there_up_to_its_bound(proc_file: Path, tmp_path: Path, most: int) -> None:
    command_line = proc_file.parent / "cmdline"  # the same bytes at every read, unlike the status
    whole = command_line.read_bytes()
    assert len(whole) > 10 and command_line.stat().st_size == 0  # (`python -m pytest -q`: 30 bytes)
    with command_line.open("rb") as stream:  # its stat says 0 bytes
        assert read_at_most(stream, 0, most) == whole[:most]
    file = tmp_path / "f"
    file.write_bytes(b"abc" * 100)
    for size in (0, 299, 300, 400):  # what a stat said, then the file changed (or not)
        with file.open("rb") as stream:
            assert read_at_most(stream, size, most) == (b"abc" * 100)[:most]
