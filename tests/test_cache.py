"""A build with nothing changed does nothing; any change, anywhere, means a full build with the same bytes.

The manifest (`.kg-cache/build-<digest>.json`, one per exports folder, beside the sources folder) is a hint,
never trusted over the files:
an edited source, an edited ontology, a touched or deleted export, a corrupt manifest all rebuild.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

import kg
from kg.exports.manifest import CACHE_DIR, fingerprint, manifest_path
from kg.shelf import Packed, Shelf

from .bad_inputs import tree_digest
from .conftest import ONTOLOGY


@pytest.fixture
def project(tmp_path: Path, mini: Path) -> Path:
    """A project folder: sources/ (the mini corpus), ontology/, exports/ built once."""
    shutil.copytree(ONTOLOGY, tmp_path / "ontology")
    first = kg.build(mini, tmp_path / "ontology", tmp_path / "exports")
    assert not first.skipped
    return tmp_path


def build(project: Path, **options: bool) -> kg.exports.write.Written:
    return kg.build(project / "sources", project / "ontology", project / "exports", **options)


def test_nothing_changed_means_nothing_done(project: Path) -> None:
    before = tree_digest(project / "exports")
    again = build(project)
    assert again.skipped
    assert sorted(p.name for p in again) == sorted(before)
    assert tree_digest(project / "exports") == before
    assert manifest_path(project / CACHE_DIR, project / "exports").is_file()  # beside the sources, not in exports/
    assert not list((project / "exports").glob(".*"))


@pytest.mark.parametrize("where", ["sources/facts/mini.yaml", "sources/articles/mini-article.txt", "ontology/kg.ttl"])
def test_an_edit_rebuilds_and_its_revert_gives_the_same_bytes(project: Path, where: str) -> None:
    before = tree_digest(project / "exports")
    path = project / where
    original = path.read_bytes()
    path.write_bytes(original + b"\n")  # one byte more (the text itself is exported: it may show)
    assert not build(project).skipped
    path.write_bytes(original)
    assert not build(project).skipped  # the manifest holds the edited fingerprint now
    assert tree_digest(project / "exports") == before
    assert build(project).skipped


def test_a_touched_or_deleted_export_is_rebuilt(project: Path) -> None:
    before = tree_digest(project / "exports")
    (project / "exports" / "graph.ttl").write_text("tampered", encoding="utf-8")
    assert not build(project).skipped
    assert tree_digest(project / "exports") == before
    (project / "exports" / "graph.html").unlink()
    assert not build(project).skipped
    assert tree_digest(project / "exports") == before


@pytest.mark.parametrize("garbage", [b"", b"{", b"[]", b'{"fingerprint": 1}', b"\xff\xfe"])
def test_a_corrupt_manifest_is_never_trusted(project: Path, garbage: bytes) -> None:
    before = tree_digest(project / "exports")
    manifest_path(project / CACHE_DIR, project / "exports").write_bytes(garbage)
    assert not build(project).skipped
    assert tree_digest(project / "exports") == before
    assert build(project).skipped


def test_no_cache_always_builds_the_same_bytes(project: Path) -> None:
    before = tree_digest(project / "exports")
    assert not build(project, use_cache=False).skipped
    assert tree_digest(project / "exports") == before


def test_a_failed_build_leaves_exports_and_manifest_alone(project: Path) -> None:
    before = tree_digest(project / "exports")
    manifest = manifest_path(project / CACHE_DIR, project / "exports").read_bytes()
    facts = project / "sources" / "facts" / "mini.yaml"
    facts.write_text(facts.read_text(encoding="utf-8").replace("subject: russia", "subject: rusia"), encoding="utf-8")
    with pytest.raises(kg.ValidationFailed):
        build(project)
    assert tree_digest(project / "exports") == before
    assert manifest_path(project / CACHE_DIR, project / "exports").read_bytes() == manifest


def test_a_cache_folder_that_cannot_be_written_costs_only_the_skip(project: Path) -> None:
    shutil.rmtree(project / CACHE_DIR)
    (project / CACHE_DIR).write_text("a file where the cache folder would be", encoding="utf-8")
    before = tree_digest(project / "exports")
    assert not build(project).skipped  # built, and said nothing about the cache
    assert not build(project).skipped  # no manifest could be kept: built again, the same bytes
    assert tree_digest(project / "exports") == before


def test_a_build_without_the_cache_is_still_recorded(project: Path) -> None:
    assert not build(project, use_cache=False).skipped
    assert build(project).skipped  # --no-cache means "do not skip", not "forget"


def test_a_build_elsewhere_keeps_the_manifest_of_exports(project: Path) -> None:
    """Each exports folder has its manifest: building into another folder neither rebuilds `exports/` next
    time nor makes `kg query` call it stale (file times would: the sources are newer than the exports)."""
    import os
    import time

    from kg.exports.manifest import exports_current

    later = time.time() + 60
    for path in (project / "sources").rglob("*"):
        os.utime(path, (later, later))
    assert build(project).skipped
    assert not kg.build(project / "sources", project / "ontology", project / "elsewhere").skipped
    assert kg.build(project / "sources", project / "ontology", project / "elsewhere").skipped
    assert exports_current(project / "sources", project / "ontology", project / "exports")
    assert build(project).skipped


def test_the_manifest_of_a_folder_that_is_gone_is_dropped(project: Path) -> None:
    assert not kg.build(project / "sources", project / "ontology", project / "elsewhere").skipped
    elsewhere = manifest_path(project / CACHE_DIR, project / "elsewhere")
    assert elsewhere.is_file()
    shutil.rmtree(project / "elsewhere")
    (project / CACHE_DIR / "build.json").write_text("{}", encoding="utf-8")  # an older builder's manifest
    assert not build(project, use_cache=False).skipped
    assert not elsewhere.exists() and not (project / CACHE_DIR / "build.json").exists()
    assert manifest_path(project / CACHE_DIR, project / "exports").is_file()


def test_a_packed_shelf_keeps_what_was_asked_for_and_drops_the_rest(tmp_path: Path) -> None:
    """Entries live in a few files; a build keeps those it asked for (used or put), drops the others, and a
    damaged pack reads as missing entries."""
    shelf = Shelf(tmp_path / "packed", "v1")
    packed = Packed(shelf, packs=4)
    for n in range(20):
        packed.put(f"file {n}", f"stamp {n}", [n])
    packed.flush()
    assert 0 < len(list((tmp_path / "packed").glob("*.kept"))) <= 4
    again = Packed(Shelf(tmp_path / "packed", "v1"), packs=4)
    assert again.get("file 3") == ("stamp 3", [3]) and again.get("file 4") == ("stamp 4", [4])
    again.flush()  # only files 3 and 4 were asked for
    third = Packed(Shelf(tmp_path / "packed", "v1"), packs=4)
    assert [n for n in range(20) if third.get(f"file {n}") is not None] == [3, 4]
    assert Packed(Shelf(tmp_path / "packed", "v2"), packs=4).get("file 3") is None  # another builder
    for path in (tmp_path / "packed").glob("*.kept"):
        path.write_bytes(path.read_bytes()[:-1])
    assert Packed(Shelf(tmp_path / "packed", "v1"), packs=4).get("file 3") is None


def test_a_shelf_entry_label_is_read_and_checked_apart_from_its_value(tmp_path: Path) -> None:
    """`get_stamp` reads an entry's label alone (its stamp, and the digest of its value); a damaged label
    reads as missing there and in `get_bytes`, a damaged value only in `get_bytes`, as do an entry of
    another builder or under another name, and a truncated one."""
    shelf = Shelf(tmp_path / "shelf", "v1")
    value = b"<a> <b> <c> .\n" * 1000
    shelf.put_bytes("file", ("stamp", 1), value)
    [path] = (tmp_path / "shelf").glob("*.kept")
    assert shelf.get_stamp("file") == (("stamp", 1), hashlib.sha256(value).digest())
    found = shelf.get_bytes("file")
    assert found is not None and found[0] == ("stamp", 1) and bytes(found[1]) == value
    assert Shelf(tmp_path / "shelf", "v2").get_stamp("file") is None
    entry = path.read_bytes()
    path.write_bytes(entry[:-1] + b"!")  # the value's last byte
    assert shelf.get_stamp("file") == (("stamp", 1), hashlib.sha256(value).digest()) and shelf.get_bytes("file") is None
    label_at = entry.index(b"stamp")
    path.write_bytes(entry[:label_at] + b"STAMP" + entry[label_at + 5 :])
    assert shelf.get_stamp("file") is None and shelf.get_bytes("file") is None
    for cut in (0, 20, label_at):
        path.write_bytes(entry[:cut])
        assert shelf.get_stamp("file") is None and shelf.get_bytes("file") is None
    path.write_bytes(entry)
    (tmp_path / "shelf" / (Shelf(tmp_path / "x", "v1")._path("other").name)).write_bytes(entry)
    assert shelf.get_stamp("other") is None and shelf.get_bytes("other") is None  # an entry under another name


def test_a_file_as_it_was_last_read_is_not_read_again_and_any_write_to_it_is_seen(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fingerprint takes the digest of a file whose size, inode and times are those it was last read
    with, once those times are older than that reading (by the clock's tick: set to nothing here).  A file
    rewritten with the same size and its modification time set back still changes its change time: it is
    read again, and the build is not skipped.  Times too recent to tell mean a reading every time."""
    sources, ontology, cache = project / "sources", project / "ontology", project / CACHE_DIR
    read: list[Path] = []
    read_bytes = Path.read_bytes

    def reading(path: Path) -> bytes:
        if sources in path.parents:
            read.append(path)
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", reading)
    fingerprint(sources, ontology, "", cache)
    assert read  # just written: too recent to tell
    read.clear()
    first = fingerprint(sources, ontology, "", cache)
    assert len(read) == len([f for f in first.files if sources in f.parents])  # still too recent: read again

    monkeypatch.setattr(kg.exports.manifest, "_TRUSTED_AGE_NS", 0)
    fingerprint(sources, ontology, "", cache)  # read at a time after every file's
    read.clear()
    assert fingerprint(sources, ontology, "", cache) == first and read == []
    facts = sources / "facts" / "mini.yaml"
    info = facts.stat()
    text = facts.read_bytes()
    facts.write_bytes(text.replace(b"modality: reported", b"modality: asserted", 1))
    assert facts.stat().st_size == info.st_size
    os.utime(facts, ns=(info.st_atime_ns, info.st_mtime_ns))  # its modification time set back
    read.clear()
    changed = fingerprint(sources, ontology, "", cache)
    assert read == [facts] and changed.digest != first.digest and changed.files[facts] != first.files[facts]
    assert not build(project).skipped
