"""A build with nothing changed does nothing; any change, anywhere, means a full build with the same bytes.

The manifest (`.kg-cache/build-<digest>.json`, one per exports folder, beside the sources folder) is a hint,
never trusted over the files:
an edited source, an edited ontology, a touched or deleted export, a corrupt manifest all rebuild.
"""

from __future__ import annotations

import fcntl
import json
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import kg
import kg.shelf
from kg.exports.manifest import CACHE_DIR, fingerprint, manifest_path
from kg.shelf import LOCK, Packed, Shelf

from .bad_inputs import tree_digest
from .conftest import ONTOLOGY, SOURCES
from .tools.replicate import replicate


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


def test_an_empty_folder_made_since_the_last_build_is_seen(project: Path) -> None:
    """A folder named `x.yaml` fails a build, empty or not: the build after it is made is not "up to date"."""
    (project / "sources" / "facts" / "x.yaml").mkdir()
    with pytest.raises(kg.ValidationFailed):
        build(project)


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


def first_entry(cache: Path, shelf: str) -> Path | None:
    """The first file of the cache's folder `shelf` (a shelf) by name, or its manifest for "build"."""
    found = sorted(cache.glob("build-*.json") if shelf == "build" else (cache / shelf).glob("*.*"))
    return next((path for path in found if path.is_file() and not path.is_symlink()), None)


def bounded_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))


@pytest.mark.parametrize("kind", ["a link to /dev/zero", "a FIFO"])
def test_a_cache_entry_that_is_no_regular_file_reads_as_missing(project: Path, kind: str) -> None:
    """The cache's files were read through links and whole: one linked to /dev/zero took a build past 13 GB, a FIFO
    held it for ever (and the cache's lock with it, so that every later build waited too)."""
    before = tree_digest(project / "exports")
    facts = project / "sources" / "facts" / "mini.yaml"
    shelves = ["build", *sorted(path.name for path in (project / CACHE_DIR).iterdir() if path.is_dir())]
    assert len(shelves) >= 8, shelves  # the manifest, records, checks, names, page…
    for index, shelf in enumerate(shelves):
        entry = first_entry(project / CACHE_DIR, shelf)
        assert entry is not None, shelf  # (each written again by the build before)
        entry.unlink()
        if kind == "a FIFO":
            os.mkfifo(entry)
        else:
            entry.symlink_to("/dev/zero")
        with open(facts, "a", encoding="utf-8") as stream:
            stream.write(f"# edit {index}\n")  # not up to date: the build reads its cache
        done = subprocess.run(
            [sys.executable, "-m", "kg", "build"],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=120,
            preexec_fn=bounded_memory,
        )
        assert done.returncode == 0 and "Traceback" not in done.stderr, (entry, done.stderr)
        assert tree_digest(project / "exports") == before, entry


def test_a_cache_folder_that_is_a_link_is_not_written_through(project: Path, tmp_path: Path) -> None:
    """A `.kg-cache` linked to another folder was followed: the build wrote its lock and shelves there, and removed
    the files of that folder's `page/`, `records/`, `checks/` it had not written (linked to `/`, it wrote into
    `/`).  Such a cache is not used: the build keeps and records nothing, and builds the same bytes."""
    before = tree_digest(project / "exports")
    elsewhere = tmp_path / "elsewhere"
    for folder in ("page", "records", "checks"):
        (elsewhere / folder).mkdir(parents=True)
        (elsewhere / folder / "notes.txt").write_text("mine\n", encoding="utf-8")
    held = tree_digest(elsewhere)
    shutil.rmtree(project / CACHE_DIR)
    (project / CACHE_DIR).symlink_to(elsewhere, target_is_directory=True)
    for _ in range(2):  # never "up to date" either: nothing was recorded
        written = build(project)
        assert not written.skipped
        assert tree_digest(elsewhere) == held
        assert tree_digest(project / "exports") == before


def test_a_file_of_the_users_in_a_shelf_folder_stays(project: Path) -> None:
    """Only what a shelf writes is removed from its folder when no longer used."""
    mine = project / CACHE_DIR / "records" / "notes.txt"
    mine.write_text("mine\n", encoding="utf-8")
    facts = project / "sources" / "facts" / "mini.yaml"
    facts.write_text(facts.read_text(encoding="utf-8") + "# an edit\n", encoding="utf-8")
    assert not build(project).skipped
    assert mine.read_text(encoding="utf-8") == "mine\n"


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


def test_a_shelf_entry_with_a_damaged_label_or_value_reads_as_missing(tmp_path: Path) -> None:
    """An entry reads back as put; a damaged value or label reads as missing, as do an entry of another
    builder or under another name, and a truncated one."""
    shelf = Shelf(tmp_path / "shelf", "v1")
    value = b"<a> <b> <c> .\n" * 1000
    shelf.put_bytes("file", ("stamp", 1), value)
    [path] = (tmp_path / "shelf").glob("*.kept")
    found = shelf.get_bytes("file")
    assert found is not None and found[0] == ("stamp", 1) and bytes(found[1]) == value
    assert Shelf(tmp_path / "shelf", "v2").get_bytes("file") is None
    entry = path.read_bytes()
    path.write_bytes(entry[:-1] + b"!")  # the value's last byte
    assert shelf.get_bytes("file") is None
    label_at = entry.index(b"stamp")
    path.write_bytes(entry[:label_at] + b"STAMP" + entry[label_at + 5 :])
    assert shelf.get_bytes("file") is None
    for cut in (0, 20, label_at):
        path.write_bytes(entry[:cut])
        assert shelf.get_bytes("file") is None
    path.write_bytes(entry)
    assert shelf.get_bytes("file") is not None
    (tmp_path / "shelf" / (Shelf(tmp_path / "x", "v1")._path("other").name)).write_bytes(entry)
    assert shelf.get_bytes("other") is None  # an entry under another name


def test_values_in_packs_are_found_where_they_lie_and_damaged_ones_read_as_missing(tmp_path: Path) -> None:
    """Values appended to packs read back from their places, in the order asked (each pack read once); a value
    altered, cut short or in a pack that is gone reads as None; a pack no name uses is removed with the rest."""
    shelf = Shelf(tmp_path / "shelf", "v1")
    first, second = shelf.pack("records a"), shelf.pack("records b")
    values = [f"value {n} ".encode() * n for n in range(1, 7)]
    places = []
    for n, value in enumerate(values):
        place = (first if n % 2 else second).put(value)
        assert place is not None
        places.append(place)
    first.close()
    second.close()
    found = list(shelf.read_places(reversed(places)))
    assert [bytes(v) if v is not None else None for v in found] == values[::-1]
    [pack_a] = [p for p in (tmp_path / "shelf").iterdir() if p.stat().st_size == sum(map(len, values[1::2]))]
    data = pack_a.read_bytes()
    pack_a.write_bytes(data[:2] + b"!" + data[3:])  # the first value put in it
    assert [v is not None for v in shelf.read_places(places)] == [True, False, True, True, True, True]
    pack_a.write_bytes(data[:-1])  # its last value cut short
    assert [v is not None for v in shelf.read_places(places)] == [True, True, True, True, True, False]
    pack_a.unlink()
    assert [v is not None for v in shelf.read_places(places)] == [True, False, True, False, True, False]
    shelf.used.add("records b")
    shelf.keep_only_used()
    assert len(list((tmp_path / "shelf").iterdir())) == 1
    assert [v is not None for v in shelf.read_places(places)] == [True, False, True, False, True, False]
    Shelf(tmp_path / "shelf", "v1").keep_only_used()
    assert not list((tmp_path / "shelf").iterdir())


def test_a_kept_file_is_a_second_name_for_the_file_or_a_copy_where_links_fail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`keep_file` links the file under the shelf (same inode, no byte copied) and replaces what was kept
    under that name; where the file system refuses links it copies; both survive the original's removal, and
    are removed with the shelf's unused entries."""
    shelf = Shelf(tmp_path / "shelf", "v1")
    export = tmp_path / "graph.ttl"
    export.write_bytes(b"first")
    kept = shelf.keep_file("export", export)
    assert kept is not None and kept == shelf.kept_file("export") and kept.stat().st_ino == export.stat().st_ino
    export.unlink()
    export.write_bytes(b"second")
    assert kept.read_bytes() == b"first"
    assert shelf.keep_file("export", export) == kept and kept.stat().st_ino == export.stat().st_ino

    def refused(source: object, target: object) -> None:
        raise PermissionError("no hard links on this file system")

    monkeypatch.setattr(kg.shelf.os, "link", refused)
    export.unlink()
    export.write_bytes(b"third")
    assert shelf.keep_file("export", export) == kept
    assert kept.read_bytes() == b"third" and kept.stat().st_ino != export.stat().st_ino
    assert sorted(p.name for p in (tmp_path / "shelf").iterdir()) == [kept.name]  # no temporary file left
    Shelf(tmp_path / "shelf", "v1").keep_only_used()
    assert not kept.exists()


def sources_read_by_the_fingerprint(sources: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Each file under `sources` the fingerprint reads (`_KnownDigests.read`) from now on, in order."""
    read: list[Path] = []
    reading = kg.exports.manifest._KnownDigests.read

    def counted(known: kg.exports.manifest._KnownDigests, name: str, late: bool = False) -> str:
        if sources in Path(name).parents:
            read.append(Path(name))
        return reading(known, name, late)

    monkeypatch.setattr(kg.exports.manifest._KnownDigests, "read", counted)
    return read


def test_a_file_as_it_was_last_read_is_not_read_again_and_any_write_to_it_is_seen(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fingerprint takes the digest of a file whose size, inode and times are those it was last read
    with, once those times are older than that reading (by the clock's tick: set to nothing here).  A file
    rewritten with the same size and its modification time set back still changes its change time: it is
    read again, and the build is not skipped.  Times too recent to tell mean a reading every time."""
    sources, ontology, cache = project / "sources", project / "ontology", project / CACHE_DIR
    read = sources_read_by_the_fingerprint(sources, monkeypatch)
    # just written: too recent to tell (within the hour, not the 2 s of a build, which a busy machine took to get here)
    monkeypatch.setattr(kg.exports.manifest, "_TRUSTED_AGE_NS", 3600 * 10**9)
    assert fingerprint(sources, ontology, "", cache).digest
    assert read
    read.clear()
    first = fingerprint(sources, ontology, "", cache)
    assert read == []  # a source is read when its digest is asked for (a build's load gives most)
    assert first.digest and len(read) == len([f for f in first.paths if sources in f.parents])  # still too recent

    monkeypatch.setattr(kg.exports.manifest, "_TRUSTED_AGE_NS", 0)
    assert fingerprint(sources, ontology, "", cache).digest  # read at a time after every file's
    read.clear()
    again = fingerprint(sources, ontology, "", cache)
    assert again.digest == first.digest and again.files == first.files and read == []
    facts = sources / "facts" / "mini.yaml"
    info = facts.stat()
    text = facts.read_bytes()
    facts.write_bytes(text.replace(b"modality: reported", b"modality: asserted", 1))
    assert facts.stat().st_size == info.st_size
    os.utime(facts, ns=(info.st_atime_ns, info.st_mtime_ns))  # its modification time set back
    read.clear()
    changed = fingerprint(sources, ontology, "", cache)
    assert changed.digest != first.digest and read == [facts] and changed.files[facts] != first.files[facts]
    assert not build(project).skipped


@pytest.mark.parametrize("copies", [1, 15])  # one process reads the real corpus; 15 copies are read by workers
def test_a_cold_build_reads_each_source_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, copies: int) -> None:
    """The fingerprint read every source file, then the load read each again: at 100,000 real-shaped facts,
    8,160 files and 0.6 s of CPU before the load could start.  The load's own bytes give the digests now, and
    the build records the fingerprint a reading of every file gives."""
    sources = tmp_path / "sources"
    replicate(SOURCES, copies, sources)
    read = sources_read_by_the_fingerprint(sources, monkeypatch)
    kg.build(sources, ONTOLOGY, tmp_path / "exports")
    assert read == []
    monkeypatch.undo()
    manifest = json.loads(manifest_path(tmp_path / CACHE_DIR, tmp_path / "exports").read_text(encoding="utf-8"))
    assert manifest["fingerprint"] == fingerprint(sources, ONTOLOGY, manifest["settings"]).digest
    assert kg.build(sources, ONTOLOGY, tmp_path / "exports").skipped


def test_a_build_whose_sources_are_a_file_leaves_no_cache_beside_it(tmp_path: Path) -> None:
    """`kg build --sources sources/entities.yaml` is refused, and left a `.kg-cache/` inside the real sources."""
    named = tmp_path / "entities.yaml"
    named.write_text("entities: []\n", encoding="utf-8")
    with pytest.raises(kg.ValidationFailed) as refused:
        kg.build(named, ONTOLOGY, tmp_path / "exports")
    assert [problem.message for problem in refused.value.problems] == ["sources directory is a file, not a folder"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["entities.yaml"]


def test_a_file_the_load_did_not_read_written_during_the_build_means_another_build(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file the load reads no bytes of (a note beside the facts) is fingerprinted at the end of the build: written
    meanwhile, its new bytes were recorded for exports made without them, and the next build was skipped with
    exports that did not match the sources (here: a note that now reads as a source, which fails the build)."""
    notes = project / "sources" / "facts" / "notes"
    notes.write_text("Things to check next week.\n", encoding="utf-8")
    shutil.rmtree(project / "exports")  # no build to skip: the sources' digests are left to the end
    load = kg.exports.write.load_project

    def written_meanwhile(*args: object, **options: object) -> object:
        loaded = load(*args, **options)  # type: ignore[arg-type]
        notes.write_text("claims:\n", encoding="utf-8")
        return loaded

    monkeypatch.setattr(kg.exports.write, "load_project", written_meanwhile)
    assert not build(project).skipped
    monkeypatch.undo()
    with pytest.raises(kg.ValidationFailed):
        build(project)  # not skipped: the note is read again, and now reads as a source


def test_a_fifo_put_in_a_files_place_during_the_build_is_not_waited_on(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The digests the load did not take are read at the end of the build: a FIFO swapped in meanwhile for a
    note held the build for ever (opened without O_NONBLOCK, read without a bound)."""
    notes = project / "sources" / "notes.md"
    notes.write_text("Things to check next week.\n", encoding="utf-8")
    shutil.rmtree(project / "exports")
    load = kg.exports.write.load_project

    def swapped_meanwhile(*args: object, **options: object) -> object:
        loaded = load(*args, **options)  # type: ignore[arg-type]
        notes.unlink()
        os.mkfifo(notes)
        return loaded

    monkeypatch.setattr(kg.exports.write, "load_project", swapped_meanwhile)
    finished: list[bool] = []
    builder = threading.Thread(target=lambda: finished.append(not build(project).skipped), daemon=True)
    builder.start()
    builder.join(timeout=60)
    if builder.is_alive():  # let the stuck reader go, then fail
        with open(notes, "wb"):
            pass
        pytest.fail("the build waited on a FIFO")
    assert finished == [True]


def test_a_build_waits_for_another_build_of_the_same_sources(project: Path) -> None:
    """Two builds writing one cache at once would mix their entries: the second waits for the first's lock."""
    facts = project / "sources" / "facts" / "mini.yaml"
    facts.write_text(facts.read_text(encoding="utf-8").replace("modality: reported", "modality: asserted", 1))
    command = [sys.executable, "-m", "kg", "build", "--sources", "sources", "--ontology", "ontology"]
    with open(project / CACHE_DIR / LOCK, "ab") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)  # as a build running meanwhile holds it
        waiting = subprocess.Popen(command, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(3)
        assert waiting.poll() is None  # not done: waiting
        before = (project / "exports" / "graph.ttl").stat().st_mtime_ns
    assert waiting.wait(timeout=120) == 0
    assert (project / "exports" / "graph.ttl").stat().st_mtime_ns != before
