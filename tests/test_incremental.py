"""Builds that keep each source file's records and Turtle between runs, and spread work over cores, give
exactly the bytes of a fresh build in one process: after any edit, its revert, an edit in another file
that changes what a kept chunk shows, a damaged cache, and under any hash seed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import orjson
import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kg
import kg.checks.checked
import kg.checks.meaning
import kg.checks.names
import kg.exports.chunks
import kg.exports.doc_examples
import kg.exports.page
import kg.exports.page_data
import kg.exports.page_json
import kg.exports.turtle
import kg.exports.write
import kg.problems
import kg.sources.kept
import kg.sources.records
import kg.timings
import kg.workers
from kg.exports.manifest import CACHE_DIR, builder_version, fingerprint, manifest_path, read_manifest
from kg.exports.write import _HandToPage
from kg.model import SourceRecords
from kg.shelf import PACKS, Shelf
from kg.sources.records import FileLoader

from .bad_inputs import tree_digest
from .conftest import ONTOLOGY, SOURCES
from .tools.bench_build import write_corpus


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the real corpus with its ontology, built once with the cache."""
    shutil.copytree(SOURCES, tmp_path / "sources")
    shutil.copytree(ONTOLOGY, tmp_path / "ontology")
    assert not build(tmp_path).skipped
    return tmp_path


def build(project: Path, out: str = "exports", **options: object) -> kg.exports.write.Written:
    return kg.build(project / "sources", project / "ontology", project / out, **options)  # type: ignore[arg-type]


def fresh(project: Path) -> dict[str, str]:
    """The exports of a build that keeps nothing (into a folder of its own)."""
    shutil.rmtree(project / "fresh", ignore_errors=True)
    build(project, "fresh", use_cache=False)
    return tree_digest(project / "fresh")


def kept_entries(project: Path) -> dict[str, tuple[int, int]]:
    """Each file of the cache's shelves (an entry, a pack, a file kept whole) → (inode, modification time):
    what a build rewrote shows."""
    return {
        str(path.relative_to(project)): (path.stat().st_ino, path.stat().st_mtime_ns)
        for path in sorted((project / CACHE_DIR).glob("*/*"))
    }


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_edit_reads_only_its_file_again_and_gives_the_bytes_of_a_fresh_build(project: Path) -> None:
    entries = kept_entries(project)
    # every file's records in a pack, and where each lies; the export kept whole, where each chunk lies, the kept
    # export's stamp (taken once it was in its place), the keys its chunks read and their values (`kg.reads`)
    assert sorted(Path(e).suffix for e in entries if "/records/" in e) == [".file", ".kept"]
    assert sorted(Path(e).suffix for e in entries if "/turtle/" in e) == [".file", *[".kept"] * 4]
    [first_pack] = [e for e in entries if "/records/" in e and e.endswith(".file")]
    facts = project / "sources" / "facts" / "kp-abu-qasra-russian-bases.yaml"
    original = facts.read_bytes()
    facts.write_bytes(original + b"# a comment changes the bytes, not the meaning\n")
    assert not build(project).skipped
    now = kept_entries(project)
    rewritten = {name for name, stamp in now.items() if entries.get(name) != stamp}
    # that file's records (in a pack of their own, and where every file's lie), its Turtle, its checks and its
    # rows on the page, nothing else (and the digests of the files read, and, the export being a new file, it,
    # where its chunks lie and its stamp)
    parents = ["checks", "file-digests", "page-rows", "records", "records", "turtle", "turtle", "turtle"]
    assert sorted(Path(name).parent.name for name in rewritten) == parents
    assert now[first_pack] == entries[first_pack]  # the other files' records, where they were
    assert tree_digest(project / "exports") == fresh(project)
    facts.write_bytes(original)
    build(project)
    assert tree_digest(project / "exports") == fresh(project)


@pytest.mark.parametrize("edited", ["an edit", "a cold build", "many files edited"])
def test_after_an_edit_the_page_loads_the_sources_itself_beside_the_build(
    project: Path, edited: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its process is started before the load and loads the kept records itself (on the other core) when little
    is to be read afresh; otherwise it is forked once the build has loaded them.  Same bytes either way."""
    facts = project / "sources" / "facts" / "kp-abu-qasra-russian-bases.yaml"
    if edited == "a cold build":
        shutil.rmtree(project / CACHE_DIR)
    elif edited == "many files edited":  # more bytes to read afresh than are kept
        monkeypatch.setattr(kg.exports.write, "PARALLEL_BYTES", 10)
    edit(facts, "modality: reported", "modality: asserted")
    with kg.timings.recording() as times:
        assert not build(project).skipped
    assert ("page's load" in times) == (edited == "an edit")
    assert "page" in times
    assert tree_digest(project / "exports") == fresh(project)


def test_the_page_that_loads_the_sources_itself_reads_no_file_the_build_reads(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The records of the files not kept come to the page's process from the build, which read them: were each
    process to read them, a file saved again meanwhile would give the page other facts than the Turtle's."""
    read_by = project / "read-by"
    reading = kg.sources.kept.read_file

    def read_file(file: Path, *args: object) -> object:
        with open(read_by, "a", encoding="utf-8") as log:
            log.write(f"{os.getpid()} {file.name}\n")
        return reading(file, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(kg.sources.kept, "read_file", read_file)
    edit(project / "sources" / "facts" / "kp-abu-qasra-russian-bases.yaml", "modality: reported", "modality: asserted")
    with kg.timings.recording() as times:
        assert not build(project).skipped
    assert "page's load" in times
    assert read_by.read_text(encoding="utf-8").split("\n")[:-1] == [f"{os.getpid()} kp-abu-qasra-russian-bases.yaml"]
    assert tree_digest(project / "exports") == fresh(project)


EDITS_OTHER_FILES_READ = [
    # a name other files' claims show in their titles (rdfs:label of the statement)
    pytest.param("entities.yaml", "name: Russia\n", "name: Russian Federation\n", id="entity name"),
    # an alias no claim shows: only the mentions of every article read it
    pytest.param(
        "entities.yaml",
        "aliases: [Ahmed al-Sharaa, Muhammad al-Julani, al-Sharaa]",
        "aliases: [al-Sharaa]",
        id="entity alias",
    ),
    # an article's outlet: step 0 of the attribution of every quote from it, in other files
    pytest.param(
        "articles/kp-abu-qasra-russian-bases.yaml", "outlet: kyiv-post", "outlet: kyiv-independent", id="article outlet"
    ),
    # an article's text: the selectors' prefix, suffix and positions of quotes in other files
    pytest.param("articles/kp-abu-qasra-russian-bases.txt", "\n", "\n\n", id="article text"),
]


@pytest.mark.parametrize("where, old, new", EDITS_OTHER_FILES_READ)
def test_a_change_that_a_kept_chunk_shows_renders_it_again(project: Path, where: str, old: str, new: str) -> None:
    edit(project / "sources" / where, old, new)
    assert not build(project).skipped
    assert tree_digest(project / "exports") == fresh(project)


@pytest.mark.parametrize(
    "where, old, new",
    [
        *EDITS_OTHER_FILES_READ,
        pytest.param(
            "facts/ki-sharaa-extradition-refused.yaml", "modality: reported", "modality: hedged", id="modality"
        ),
    ],
)
def test_a_change_the_page_shows_reaches_every_shard_that_shows_it(
    project: Path, monkeypatch: pytest.MonkeyPatch, where: str, old: str, new: str
) -> None:
    """Shards beside the page, a few entries each: after each kind of edit, the shards the last exports hold
    that still hold are linked, the others made again, and the page is a fresh build's, byte for byte."""
    monkeypatch.setattr(kg.exports.page, "INLINE_BYTES", 0)
    for kind, size in (("nodes", 5), ("search", 40), ("records", 20), ("article", 1)):
        monkeypatch.setitem(kg.exports.page_data.SHARD_SIZES, kind, size)
    manifest_path(project / CACHE_DIR, project / "exports").unlink()  # built again, the shards beside the page
    assert not build(project).skipped
    before = {path.name: path.stat().st_ino for path in (project / "exports").glob("graph-*/*.js")}
    edit(project / "sources" / where, old, new)
    assert not build(project).skipped
    after = {path.name: path.stat().st_ino for path in (project / "exports").glob("graph-*/*.js")}
    assert 0 < len({name for name in after if before.get(name) == after[name]}) < len(after)
    assert tree_digest(project / "exports") == fresh(project)


def test_a_conflict_stated_in_another_file_is_written_once_either_way(project: Path) -> None:
    """A record lists a conflict; the other side's chunk writes the reverse link only if that side does not
    list it itself.  Adding the back-link in the other file must change what the first chunk writes."""
    model = kg.load(project / "sources", project / "ontology")
    record = next(r for r in model.records() if r.conflicts_with)
    other = record.conflicts_with[0]
    other_record = model.claims.get(other) or model.events[other]
    assert record.id not in other_record.conflicts_with
    path = other_record.where.file
    text = path.read_text(encoding="utf-8")
    anchor = f"  - id: {other}\n"
    assert anchor in text
    edit(path, anchor, f"{anchor}    conflicts_with: [{record.id}]\n")
    assert not build(project).skipped
    assert tree_digest(project / "exports") == fresh(project)


@pytest.mark.parametrize("change", ["focus", "record numbers", "node numbers"])
def test_an_article_kept_on_the_page_follows_the_records_that_cite_it(
    project: Path, change: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An article's entry on the page names each record citing it by number, with the nodes the graph
    focuses on for it, by number too.  The quotes citing it are the same, but a claim moved to another
    subject, a claim cited by another article was deleted (every later record's number shifts), or an entity
    was added before the others (every node's number shifts).  An article a shard: a shard holds the real
    corpus's five otherwise, and the deleted claim's article changes it whole."""
    monkeypatch.setitem(kg.exports.page_data.SHARD_SIZES, "article", 1)
    shutil.rmtree(project / "exports")
    assert not build(project).skipped  # the page's articles kept in those shards
    facts = project / "sources" / "facts"
    if change == "focus":
        old = "  - id: russia-operates-khmeimim-air-base\n    subject: russia\n"
        edit(facts / "ki-syria-reassess-russian-presence.yaml", old, old.replace("russia\n", "syria\n"))
    elif change == "record numbers":
        path = facts / "ki-bloomberg-russia-deal-near.yaml"
        text = path.read_text(encoding="utf-8")
        first = re.search(r"  - id: photo-tishrin-dam-2019-depicts-russian-troops\n.*?(?=  - id: )", text, re.DOTALL)
        assert first is not None
        path.write_text(text[: first.start()] + text[first.end() :], encoding="utf-8")
    else:
        first_entity = "entities:\n  - {id: aaa, type: Person, name: Aaa}\n"
        edit(project / "sources" / "entities.yaml", "entities:\n", first_entity)
    assert not build(project).skipped
    assert tree_digest(project / "exports") == fresh(project)


def test_a_quote_shortened_in_a_facts_file_moves_its_mark_in_the_kept_article(project: Path) -> None:
    """The page marks each quote in its article's text; the article's file is unchanged, but what cites it
    is not: its marks must be made again."""
    model = kg.load(project / "sources", project / "ontology")
    facts = project / "sources" / "facts" / "kp-abu-qasra-russian-bases.yaml"
    text = facts.read_text(encoding="utf-8")
    quote = next(
        item.quote
        for claim in model.claims.values()
        if claim.where.file.name == facts.name
        for item in claim.evidence
        if re.fullmatch(r"[A-Za-z ,]+", item.quote) and len(item.quote.split()) > 3 and text.count(item.quote) == 1
    )
    edit(facts, quote, quote.rsplit(" ", 1)[0])
    assert not build(project).skipped
    assert tree_digest(project / "exports") == fresh(project)


@pytest.mark.parametrize("damage", [b"", b"kg-shelf 1\n" + b"\0" * 40, None], ids=["empty", "garbage", "one byte"])
def test_a_damaged_cache_is_read_afresh(project: Path, damage: bytes | None) -> None:
    for path in (project / CACHE_DIR).glob("*/*"):
        data = path.read_bytes()
        path.write_bytes(damage if damage is not None else data[:-1] + bytes([data[-1] ^ 1]))
    (project / "sources" / "entities.yaml").write_bytes((project / "sources" / "entities.yaml").read_bytes() + b"\n")
    assert not build(project).skipped
    assert tree_digest(project / "exports") == fresh(project)


def test_entries_of_a_renamed_source_are_dropped(project: Path) -> None:
    facts = project / "sources" / "facts"
    (facts / "kp-abu-qasra-russian-bases.yaml").rename(facts / "kp-renamed.yaml")
    assert not build(project).skipped
    kept = cache_shelf(project, "records").get(kg.sources.kept.INDEX)
    assert kept is not None
    for names in (kept[1], turtle_layout(project)):  # where each file's records, each chunk lie
        assert not any(name.endswith("facts/kp-abu-qasra-russian-bases.yaml") for name in names)
        assert any(name.endswith("facts/kp-renamed.yaml") for name in names)
    for folder in ("checks", "page-rows"):  # entries packed in a few files
        names = packed_names(project, folder)
        assert not any("kp-abu-qasra-russian-bases.yaml" in name for name in names)
        assert any("kp-renamed.yaml" in name for name in names)
    assert tree_digest(project / "exports") == fresh(project)


def test_the_name_finder_is_kept_until_a_name_changes(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each build is a new process: the finder of names in the articles is read back from the cache while
    the entities' names are those it was made from, and made again (and kept) once one changes.  One made
    in the same process beforehand, for no cache (`kg watch` keeps its last one), is kept all the same."""
    made: list[int] = []
    make = kg.checks.names.NameFinder.__init__

    def counted(finder: kg.checks.names.NameFinder, names: object) -> None:
        made.append(os.getpid())
        make(finder, names)  # type: ignore[arg-type]

    def build_counting(new_process: bool = True) -> int:
        made.clear()
        if new_process:
            monkeypatch.setattr(kg.exports.turtle, "_last_finder", None)
        assert not build(project).skipped
        assert tree_digest(project / "exports") == fresh(project)
        return made.count(os.getpid())  # in this process: the build's, not its workers' nor the fresh build's

    monkeypatch.setattr(kg.checks.names.NameFinder, "__init__", counted)
    monkeypatch.setattr(kg.exports.turtle, "_last_finder", None)
    shutil.rmtree(project / CACHE_DIR / "names")
    kg.exports.turtle.entity_finder(kg.checks.checked.load_project(project / "sources", project / "ontology").model)
    article = project / "sources" / "articles" / "ki-bloomberg-russia-deal-near.yaml"
    edit(article, 'outlet_note: "The author bio', 'outlet_note: "The bio')  # its chunk, mentions and all, is new
    assert build_counting(new_process=False) == 0  # the one made above
    edit(article, 'outlet_note: "The bio', 'outlet_note: "The author bio')
    assert build_counting() == 0  # read back: the one above was kept
    aliases = "aliases: [Ahmed al-Sharaa, Muhammad al-Julani, al-Sharaa]"
    edit(project / "sources" / "entities.yaml", aliases, "aliases: [al-Sharaa]")
    (project / CACHE_DIR / "names" / ".left-by-a-killed-build.4242.tmp").write_bytes(b"half")
    assert build_counting() == 1
    assert [path.suffix for path in (project / CACHE_DIR / "names").iterdir()] == [".kept"]  # one entry, no leftover
    edit(article, 'outlet_note: "The author bio', 'outlet_note: "The bio')
    assert build_counting() == 0


def cache_shelf(project: Path, folder: str) -> Shelf:
    """A shelf of the project's cache, as a build opens it."""
    version = f"{fingerprint(project / 'sources', project / 'ontology', '').ontology}\0{builder_version()}"
    return Shelf(project / CACHE_DIR / folder, version)


def turtle_layout(project: Path) -> dict[str, kg.exports.chunks.Kept]:
    """Each source file whose Turtle chunk the cache keeps → where it lies in the kept export."""
    kept = cache_shelf(project, "turtle").get(kg.exports.chunks.LAYOUT)
    assert kept is not None
    return kept[1]  # type: ignore[no-any-return]


def packed_names(project: Path, folder: str) -> set[str]:
    """The names of the entries a packed shelf of the project's cache holds."""
    shelf = cache_shelf(project, folder)
    packs = [shelf.get(f"pack {index}") for index in range(PACKS)]
    return {name for pack in packs if pack is not None for name in pack[1]}


@pytest.mark.parametrize("reader", ["here", "other processes", "cache"])
def test_records_hold_each_id_once_and_locate_their_evidence(
    project: Path, reader: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An id that many records of a file name is one string in memory, however the records were read (here,
    sent back by other processes, or unpickled from the cache): a million facts repeat a few thousand ids.
    Each evidence item is located in its record without a location of its own."""
    sources = project / "sources"
    read: FileLoader = kg.sources.records.read_files
    if reader == "other processes":
        if not kg.workers.can_fork():
            pytest.skip("one core, or no fork on this system")
        monkeypatch.setattr(kg.sources.kept, "PARALLEL_BYTES", 0)
        read = kg.sources.kept.read_in_parallel
    elif reader == "cache":
        current = fingerprint(sources, project / "ontology", "")
        shelf = Shelf(project / CACHE_DIR / "records", f"{current.ontology}\0{builder_version()}")
        read = kg.sources.kept.KeptRecords(shelf, current.files)
    model = kg.sources.records.load_sources(sources, read=read).model
    claims = [c for c in model.claims.values() if c.where.file.name == "ki-syria-reassess-russian-presence.yaml"]
    evidence = [item for claim in claims for item in claim.evidence]
    for values in (
        [claim.subject for claim in claims],
        [claim.predicate for claim in claims],
        [item.article for item in evidence],
        [item.modality for item in evidence],
    ):
        assert len(values) > len(set(values)) > 1  # repeated values, and more than one
        assert len({id(value) for value in values}) == len(set(values))
    for claim in claims:
        for index, item in enumerate(claim.evidence):
            assert item.where == kg.problems.Where(claim.where.file, (*claim.where.path, "evidence", index))


def test_work_spread_over_processes_gives_the_bytes_of_one_process(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every parallel path forced on (even for the small corpus), against everything in this process."""
    if not kg.workers.can_fork():
        pytest.skip("one core, or no fork on this system")
    for module, name in (
        (kg.sources.kept, "PARALLEL_BYTES"),
        (kg.checks.meaning, "PARALLEL_RECORDS"),
        (kg.exports.chunks, "PARALLEL_RECORDS"),
    ):
        monkeypatch.setattr(module, name, 0)
    build(project, "parallel", use_cache=False)
    monkeypatch.setattr(kg.workers, "can_fork", lambda: False)
    assert tree_digest(project / "parallel") == fresh(project)


def test_kept_chunks_among_chunks_rendered_by_workers_give_the_bytes_of_one_process(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edit in the middle of the sources, with the Turtle rendered by several processes: the export is
    assembled from kept chunks and chunks copied out of each process's part file, in source order."""
    if not kg.workers.can_fork():
        pytest.skip("one core, or no fork on this system")
    monkeypatch.setattr(kg.exports.chunks, "PARALLEL_RECORDS", 0)
    shutil.rmtree(project / CACHE_DIR)
    assert not build(project).skipped  # every chunk rendered by the workers, and kept
    edit(project / "sources" / "facts" / "ki-sharaa-extradition-refused.yaml", "modality: reported", "modality: hedged")
    assert not build(project).skipped  # that file's chunk rendered again, every other one kept
    assert not list(project.glob("*/.graph.ttl.parts-*")) and not list(project.glob(".*staging*"))
    monkeypatch.setattr(kg.workers, "can_fork", lambda: False)
    assert tree_digest(project / "exports") == fresh(project)


def test_the_hash_seed_changes_no_byte(project: Path) -> None:
    digests = []
    for seed, options in (("1", []), ("2", []), ("3", ["--no-cache"])):
        out = project / f"seed-{seed}"
        command = [sys.executable, "-m", "kg", "build", "--sources", str(project / "sources"),
                   "--ontology", str(project / "ontology"), "--out", str(out), "--format", "all", *options]  # fmt: skip
        done = subprocess.run(command, env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True, check=False)
        assert done.returncode == 0, done.stderr
        digests.append(tree_digest(out))
    assert digests[0] == digests[1] == digests[2]


def test_a_direct_triple_asserted_in_two_files_is_written_once_and_moves_when_its_first_claim_is_hedged(
    tmp_path: Path,
) -> None:
    """Claims in two files assert the same triple (with their own statements): the first claim's chunk
    writes it; hedge that claim (no direct triple then) and the other file's kept chunk must write it."""
    write_corpus(tmp_path / "sources", 2000)  # art-1's claims assert the same triples as art-0's
    shutil.copytree(ONTOLOGY, tmp_path / "ontology")
    build(tmp_path)
    triples = [q.triple for q in ox.parse(path=str(tmp_path / "exports" / "graph.ttl"), format=ox.RdfFormat.TURTLE)]
    assert len(triples) == len(set(triples))
    facts = tmp_path / "sources" / "facts" / "art-0.yaml"
    blocks = facts.read_text(encoding="utf-8").split("  - id: ")
    for index, block in enumerate(blocks):
        if "subject: agent-0\n" in block and "object: base-0\n" in block:  # every claim of art-0 asserting it
            blocks[index] = block.replace("modality: reported", "modality: hedged")
    facts.write_text("  - id: ".join(blocks), encoding="utf-8")
    assert not build(tmp_path).skipped
    assert tree_digest(tmp_path / "exports") == fresh(tmp_path)
    direct = "kg:agent-0 kgo:operates kg:base-0 ."
    assert (tmp_path / "exports" / "graph.ttl").read_text(encoding="utf-8").count(direct) == 1


def page_builders(project: Path, last: Path) -> tuple[kg.exports.page_data._Builder, kg.exports.page_data._Builder]:
    """The page's builder for today's sources, with what the cache keeps of the build into `last`, and one
    that keeps nothing; both `link`ed."""
    current = fingerprint(project / "sources", project / "ontology", "")
    assert current.digest  # every file's digest, as a build's load gives them by the time the page is made
    shelf = Shelf(project / CACHE_DIR / "page", f"{current.ontology}\0{builder_version()}")
    loaded = kg.checks.checked.load_project(project / "sources", project / "ontology")
    manifest = read_manifest(manifest_path(project / CACHE_DIR, last))
    assert manifest is not None
    kept = kg.exports.page_data.PageKept(shelf, current.files, last, manifest.exports)
    builder, alone = (kg.exports.page_data.page_data(loaded, None, k)._builder for k in (kept, None))
    builder.link()
    alone.link()
    return builder, alone


KIPS = "facts/ki-sharaa-extradition-refused.yaml"
KPAQ = "facts/kp-abu-qasra-russian-bases.yaml"
EDITS_OF_THE_GRAPH = [
    # (where, old, new, whether the page's node tables are patched rather than made whole)
    pytest.param(KPAQ, "        modality: hedged\n", "        modality: asserted\n", True, id="modality"),
    pytest.param("entities.yaml", "name: Mikhail Bogdanov\n", "name: Mikhail L. Bogdanov\n", True, id="entity name"),
    pytest.param("entities.yaml", "aliases: [Bogdanov]", "aliases: [Bogdanov, M. Bogdanov]", True, id="alias"),
    pytest.param(KPAQ, 'value: "remains unchanged"', 'value: "is unchanged"', True, id="literal value"),
    pytest.param(KIPS, "date: {value: 2025-04-23, ", "date: {value: 2025-04-24, ", True, id="event date"),
    pytest.param(KIPS, "    date: 2025-02-25\n", "    start: 2025-02-24\n", True, id="event interval"),
    pytest.param(
        KPAQ,
        "conflicts_with: [syrian-coast-guard-controls-tartus-port-access]",
        "conflicts_with: [syrian-coast-guard-controls-tartus-port-access, russian-withdrawal-from-syria]",
        True,
        id="conflict",
    ),
    pytest.param(  # the other side, a literal in another file, now shown as conflicting: its subject's facts
        KIPS,
        "    object: ahmad-al-sharaa\n    date: 2025-02-25\n",
        "    object: ahmad-al-sharaa\n    date: 2025-02-25\n"
        "    conflicts_with: [tartus-naval-base-only-naval-facility-outside-fsu]\n",
        True,
        id="conflict with a literal",
    ),
    pytest.param(
        "articles/kp-abu-qasra-russian-bases.yaml", "outlet: kyiv-post", "outlet: kyiv-independent", True, id="outlet"
    ),
    pytest.param(KPAQ, "    object: tartus-port\n", "    object: tartus-naval-base\n", False, id="claim object"),
    pytest.param(KIPS, "      place: damascus\n", "      place: moscow\n", False, id="event role"),
    pytest.param(
        "entities.yaml",
        "    type: NewsOrganization\n    name: Radio",
        "    type: Organization\n    name: Radio",
        False,
        id="class",
    ),
    pytest.param(
        KPAQ,
        "id: tartus-naval-base-only-naval-facility-outside-fsu",
        "id: tartus-only-naval-facility",
        False,
        id="claim id",
    ),
]


@pytest.mark.parametrize("where, old, new, patched", EDITS_OF_THE_GRAPH)
def test_the_page_tables_are_patched_after_an_edit_that_keeps_the_shape_of_the_graph(
    project: Path, monkeypatch: pytest.MonkeyPatch, where: str, old: str, new: str, patched: bool
) -> None:
    """After each kind of edit, the page's tables of nodes and links are those of a page that keeps nothing,
    patched from the last build's where the numbering and every file's shape are the same (made whole
    otherwise); the build, and the one after its revert, give a fresh build's bytes (shards beside the page,
    a few nodes each: those still holding are taken from the last exports)."""
    monkeypatch.setattr(kg.exports.page, "INLINE_BYTES", 0)
    for kind, size in (("nodes", 5), ("search", 40), ("records", 20)):
        monkeypatch.setitem(kg.exports.page_data.SHARD_SIZES, kind, size)
    manifest_path(project / CACHE_DIR, project / "exports").unlink()
    assert not build(project).skipped  # the shards beside the page
    path = project / "sources" / where
    original = path.read_bytes()
    edit(path, old, new)
    builder, alone = page_builders(project, project / "exports")
    assert builder.patched is patched
    for table in ("node_ids", "edges", "incident", "since", "node_articles", "class_of", "classes"):
        assert orjson.dumps(getattr(builder, table)) == orjson.dumps(getattr(alone, table)), table
    assert builder.fields is not None
    assert orjson.dumps(builder.fields) == orjson.dumps([alone.node_fields(i) for i in range(len(alone.node_ids))])
    for step in (lambda: None, lambda: path.write_bytes(original)):
        step()
        assert not build(project).skipped
        assert tree_digest(project / "exports") == fresh(project)


def test_a_large_corpus_documentation_finds_its_graph_examples_in_the_turtle_the_build_wrote(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The documentation of a large corpus (the real one taken for one: no process started before the load),
    made by a build that keeps one: its examples from the graph are found in the Turtle the build has just
    written, never rendered again (refused here, in every process of the build).  After an edit that leaves
    the examples as they were, one that changes an example (an entity's note) and its revert, the exports are
    a fresh build's, byte for byte.  With another base IRI, whose Turtle the examples do not show, they are
    rendered again."""
    monkeypatch.setattr(kg.exports.write, "PRIMED_BYTES", 0)
    rendered = kg.exports.doc_examples.rendered_chunks

    def refused(*args: object) -> object:
        raise AssertionError("the graph rendered again for the documentation")

    entities, facts = project / "sources" / "entities.yaml", project / "sources" / KIPS
    note, changed = 'note: "Leader of Hayat Tahrir', 'note: "Former leader of Hayat Tahrir'
    documentation = project / "exports" / "ontology.html"
    before = documentation.read_bytes()
    for path, old, new in (
        (facts, "modality: reported", "modality: hedged"),
        (entities, note, changed),
        (entities, changed, note),
    ):
        edit(path, old, new)
        monkeypatch.setattr(kg.exports.doc_examples, "rendered_chunks", refused)
        assert not build(project).skipped
        monkeypatch.setattr(kg.exports.doc_examples, "rendered_chunks", rendered)
        assert tree_digest(project / "exports") == fresh(project)
        assert (documentation.read_bytes() != before) is (new == changed)  # the note is an example
    monkeypatch.setattr(kg.exports.doc_examples, "rendered_chunks", refused)
    with pytest.raises(AssertionError, match="rendered again"):
        build(project, base="http://example.org/another/")


def test_article_shards_of_a_cold_build_are_known_to_the_next_one_without_being_made(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Shards beside the page, built cold: each article shard's key (what it is made of) is kept with it, so
    the next build, after an edit that leaves the articles' marks and the numbering alone, links every one
    from the last exports without making it (a cold build that kept no key had the first edit after it make
    them all again).  The bytes are a fresh build's."""
    monkeypatch.setattr(kg.exports.page, "INLINE_BYTES", 0)
    monkeypatch.setitem(kg.exports.page_data.SHARD_SIZES, "article", 2)
    shutil.rmtree(project / CACHE_DIR)
    shutil.rmtree(project / "exports")
    assert not build(project).skipped
    edit(project / "sources" / KPAQ, "        modality: hedged\n", "        modality: asserted\n")
    builder, _ = page_builders(project, project / "exports")
    names = builder.shard_names(("article",))
    assert len(names) == 3
    assert all(builder._known(name) for name in names)
    assert all(builder.shard(name).text is None for name in names)  # linked, not made
    assert not build(project).skipped
    assert tree_digest(project / "exports") == fresh(project)


def test_node_and_search_shards_that_still_hold_are_taken_from_the_last_exports(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Shards beside the page, five nodes each.  Built with a claim hedged, then that claim back as it was:
    the page takes every node and search shard from the last exports but those of the claim's two ends and
    of their neighbours (which show their degree and first day), each the bytes it would make.  Then a name
    changed: its node's neighbours show it, and so does a search shard.  A shard altered in the last exports
    is made again.  Builds that keep nothing give the same bytes throughout."""
    monkeypatch.setattr(kg.exports.page, "INLINE_BYTES", 0)
    monkeypatch.setitem(kg.exports.page_data.SHARD_SIZES, "nodes", 5)
    facts = project / "sources" / "facts" / "ki-sharaa-extradition-refused.yaml"
    edit(facts, "modality: reported", "modality: hedged")
    assert not build(project).skipped  # the page's node tables kept for the hedged claim
    assert tree_digest(project / "exports") == fresh(project)
    edit(facts, "modality: hedged", "modality: reported")
    last = project / "exports"

    def taken() -> tuple[set[str], set[str]]:
        """The node and search shards of today's page, and those taken from the last exports (not made); each
        one's bytes checked against a page that keeps nothing."""
        builder, alone = page_builders(project, last)
        names = builder.shard_names(("nodes", "search"))
        shards = [builder.shard(name) for name in names]
        scripts = [
            shard.same_as.read_bytes() if shard.same_as else kg.exports.page_json.shard_script(name, shard.text or b"")
            for name, shard in zip(names, shards, strict=True)
        ]
        assert scripts == [kg.exports.page_json.shard_script(name, alone.make(name)) for name in names]
        return set(names), {name for name, shard in zip(names, shards, strict=True) if shard.text is None}

    shards, kept_now = taken()
    assert 0 < len(shards - kept_now) < len(shards) / 4, (len(shards), len(kept_now))
    edit(project / "sources" / "entities.yaml", "name: Russia\n", "name: Russian Federation\n")
    _, renamed = taken()
    assert renamed < kept_now and any(name.startswith("search/") for name in kept_now - renamed)
    folder = next(p for p in last.iterdir() if kg.exports.page_data.SHARD_FOLDER_NAME.fullmatch(p.name))
    name = next(name for name in sorted(renamed) if name.startswith("nodes/"))
    altered = folder / kg.exports.page_json.shard_file(name)
    altered.write_bytes(altered.read_bytes().replace(b'"key":', b'"key" :', 1))
    assert taken()[1] == renamed - {name}


def test_shards_that_still_hold_are_linked_from_the_last_exports_and_never_trusted_once_touched(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Shards beside the page, five nodes each.  After an edit, the shards whose JSON is the last build's are
    the last exports' very files (hard links: no byte read or written), the rest new files; every byte is a
    fresh build's.  A shard file altered since it was written, or made a symbolic link, is not taken; where
    links are refused the files are copied."""
    monkeypatch.setattr(kg.exports.page, "INLINE_BYTES", 0)
    monkeypatch.setitem(kg.exports.page_data.SHARD_SIZES, "nodes", 5)
    facts = project / "sources" / "facts" / "ki-sharaa-extradition-refused.yaml"

    def shard_files() -> dict[str, int]:
        [folder] = [p for p in (project / "exports").iterdir() if p.name.startswith("graph-")]
        return {path.name: path.stat().st_ino for path in sorted(folder.iterdir())}

    edit(facts, "modality: reported", "modality: hedged")
    assert not build(project).skipped  # the shards now beside the page
    before = shard_files()
    edit(facts, "modality: hedged", "modality: reported")
    assert not build(project).skipped
    after = shard_files()
    linked = {name for name in after if before.get(name) == after[name]}
    assert {"article-0.js", "search-0.js"} <= linked and "records-0.js" not in linked, linked  # the claim's shard
    assert len(before) / 2 < len(linked) < len(after), linked
    assert tree_digest(project / "exports") == fresh(project)

    [folder] = [p for p in (project / "exports").iterdir() if p.name.startswith("graph-")]
    touched, symlinked = folder / "search-0.js", folder / "article-0.js"
    touched.write_bytes(touched.read_bytes().replace(b'kgShard("search",[', b'kgShard("search",[ ', 1))
    elsewhere = project / "elsewhere.js"
    elsewhere.write_bytes(symlinked.read_bytes())
    symlinked.unlink()
    symlinked.symlink_to(elsewhere)
    not_taken = {touched.stat().st_ino, elsewhere.stat().st_ino}
    edit(facts, "modality: reported", "modality: hedged")
    assert not build(project).skipped
    again = shard_files()
    assert again["search-0.js"] not in not_taken and again["article-0.js"] not in not_taken
    assert len({name for name in again if after.get(name) == again[name]}) > len(again) / 2
    assert tree_digest(project / "exports") == fresh(project)

    def refused(source: object, target: object) -> None:
        raise PermissionError("no hard links on this file system")

    monkeypatch.setattr(kg.exports.page.os, "link", refused)
    edit(facts, "modality: hedged", "modality: reported")
    assert not build(project).skipped
    assert not set(shard_files().values()) & set(again.values())
    assert tree_digest(project / "exports") == fresh(project)


def chunks_rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of each source file whose Turtle chunk is rendered from now on, in order."""
    rendered: list[str] = []
    chunk = kg.exports.turtle.TurtleWriter.chunk

    def rendering(writer: kg.exports.turtle.TurtleWriter, group: SourceRecords) -> object:
        rendered.append(group.file.name)
        return chunk(writer, group)

    monkeypatch.setattr(kg.exports.turtle.TurtleWriter, "chunk", rendering)
    return rendered


def test_kept_turtle_chunks_are_copied_from_the_kept_export_while_it_is_as_the_build_wrote_it(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After an edit, only the edited file's chunk is rendered: the others are copied from the export the cache
    keeps (a second name for the last export), even once the exports are deleted.  Once the export is altered
    in place (the kept one with it: the same file), every chunk is rendered again.  Every build gives a fresh
    build's bytes."""
    rendered = chunks_rendered(monkeypatch)
    kept = cache_shelf(project, "turtle").kept_file(kg.exports.chunks.LAST_EXPORT)
    assert kept.stat().st_ino == (project / "exports" / "graph.ttl").stat().st_ino
    facts = project / "sources" / "facts" / "ki-sharaa-extradition-refused.yaml"
    edit(facts, "modality: reported", "modality: hedged")
    assert not build(project).skipped
    assert rendered == [facts.name]
    assert tree_digest(project / "exports") == fresh(project)

    shutil.rmtree(project / "exports")
    rendered.clear()
    edit(facts, "modality: hedged", "modality: reported")
    assert not build(project).skipped
    assert rendered == [facts.name]
    assert tree_digest(project / "exports") == fresh(project)

    turtle = project / "exports" / "graph.ttl"
    turtle.write_bytes(turtle.read_bytes().replace(b"@prefix", b"@PREFIX", 1))  # altered in place: same size
    rendered.clear()
    edit(facts, "modality: reported", "modality: hedged")
    assert not build(project).skipped
    assert len(rendered) == len(turtle_layout(project)) == 11
    assert tree_digest(project / "exports") == fresh(project)


def test_a_kept_export_written_in_place_with_its_time_set_back_is_not_trusted(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kept export was trusted by its size, time and inode: one byte of a chunk changed in place, the time
    set back, and the next build copied that chunk into its graph.  Its change time, which no program sets
    back, tells it now: each chunk is checked against its digest, and the altered one rendered again."""
    rendered = chunks_rendered(monkeypatch)
    turtle = project / "exports" / "graph.ttl"
    info = turtle.stat()
    text = turtle.read_bytes()
    poisoned = text.replace(b'"Tartus"@en', b'"Tortus"@en', 1)
    assert poisoned != text and len(poisoned) == len(text)
    with open(turtle, "r+b") as export:  # in place: the same inode, and the cache's name for it
        export.write(poisoned)
    os.utime(turtle, ns=(info.st_atime_ns, info.st_mtime_ns))
    facts = project / "sources" / "facts" / "ki-sharaa-extradition-refused.yaml"
    edit(facts, "modality: reported", "modality: hedged")
    assert not build(project).skipped
    assert facts.name in rendered and len(rendered) == 2  # the edited file's, and the one altered
    assert b"Tortus" not in turtle.read_bytes()
    assert tree_digest(project / "exports") == fresh(project)


def test_the_page_shards_folder_moves_in_whole_and_replaces_the_last_one(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Shards beside the page (the inline bound set to nothing): a new shard folder reaches the exports in one
    rename, readable by all as its files are; the last build's folder goes; a build whose folder is already
    there (same content, same name) leaves it whole."""
    monkeypatch.setattr(kg.exports.page, "INLINE_BYTES", 0)

    def shard_folders() -> list[Path]:
        return sorted(p for p in (project / "exports").iterdir() if p.is_dir() and p.name.startswith("graph-"))

    assert not build(project, use_cache=False).skipped
    [first] = shard_folders()
    assert f'"shardFolder":"{first.name}"' in (project / "exports" / "graph.html").read_text(encoding="utf-8")
    assert first.stat().st_mode & 0o777 == 0o755
    files = sorted(first.iterdir())
    assert len(files) > 3 and {f.stat().st_mode & 0o777 for f in files} == {0o644}
    edit(project / "sources" / "facts" / "ki-sharaa-extradition-refused.yaml", "modality: reported", "modality: hedged")
    assert not build(project).skipped
    [second] = shard_folders()
    assert second.name != first.name and second.stat().st_mode & 0o777 == 0o755
    assert tree_digest(project / "exports") == fresh(project)
    before = tree_digest(project / "exports")
    assert not build(project, use_cache=False).skipped  # the same folder, already there
    assert shard_folders() == [second] and tree_digest(project / "exports") == before
    assert not list(project.glob(".*staging*"))


# ---------------------------------------------------------------------------- any edit, kept or fresh

_MODALITIES = ("asserted", "reported", "hedged", "denied")
_TYPES = ("Person", "Country", "Organization", "NewsOrganization", "MilitaryBase", "Meeting", "Statement")
_CHANGES: dict[str, tuple[str, Callable[[re.Match[str]], str | None]]] = {
    "a name": (r"^ +name: (.+)$", lambda m: m[0] + " II" if not m[1].endswith('"') else m[0][:-1] + ' II"'),
    "a modality": (
        r"^ +modality: (\w+)$",
        lambda m: m[0].replace(m[1], _MODALITIES[(_MODALITIES.index(m[1]) + 1) % len(_MODALITIES)]),
    ),
    "a class": (r"^ +type: (\w+)$", lambda m: m[0].replace(m[1], _TYPES[m.start() % len(_TYPES)])),
    "a quote cut short": (r'quote: "([^"]+) [^" ]+"$', lambda m: f'quote: "{m[1]}"' if " " in m[1] else None),
    "a chain of sources cut short": (r"via: \[([\w-]+), [\w-]+\]", lambda m: f"via: [{m[1]}]"),
    "an article's outlet": (r"^outlet: [\w-]+", lambda m: "outlet: reuters"),
    "a conflict dropped": (r"^ +conflicts_with: .+\n", lambda m: ""),
    "a day moved": (r"(date: \{?(?:value: )?\d{4}-\d\d-)(\d\d)", lambda m: m[1] + ("26" if m[2] == "27" else "27")),
}
Edit = tuple[str, str, int, str, str]  # what it changes, the file, where, the text there, the new text


def _candidate_edits() -> list[Edit]:
    """Every single edit of the real corpus `_CHANGES` describes.  Some leave the sources valid, some not:
    either way a build that keeps what it can must answer as a build that keeps nothing."""
    edits = []
    for path in sorted(SOURCES.rglob("*.yaml")):
        name, text = str(path.relative_to(SOURCES)), path.read_text(encoding="utf-8")
        for kind, (pattern, change) in _CHANGES.items():
            for found in re.finditer(pattern, text, re.MULTILINE):
                new = change(found)
                if new is not None and new != found[0]:
                    edits.append((kind, name, found.start(), found[0], new))
    return edits


_EDITS = _candidate_edits()
_EDITED: dict[str, Path] = {}


def test_the_corpus_offers_every_kind_of_edit() -> None:
    assert {kind for kind, *_ in _EDITS} == set(_CHANGES)


@settings(max_examples=10, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_EDITS), min_size=1, max_size=3, unique_by=lambda e: (e[1], e[2])))
def test_any_edits_and_their_revert_give_what_a_build_keeping_nothing_gives(
    tmp_path_factory: pytest.TempPathFactory, edits: list[Edit]
) -> None:
    """Each kept piece (records, checks, Turtle chunks, page rows, shards) is reused while what it read of
    other files still holds: a read that is not listed would keep a stale piece.  Random edits, in one file
    or several, then their revert: the exports, or the located problems, are those of a build from scratch."""
    if "project" not in _EDITED:  # one copy for every example: each leaves it as it found it
        _EDITED["project"] = tmp_path_factory.mktemp("edits")
        shutil.copytree(SOURCES, _EDITED["project"] / "sources")
        shutil.copytree(ONTOLOGY, _EDITED["project"] / "ontology")
        build(_EDITED["project"])
    project = _EDITED["project"]
    originals = {name: (project / "sources" / name).read_text(encoding="utf-8") for _, name, *_ in edits}
    edited = dict(originals)
    for _, name, offset, old, new in sorted(edits, key=lambda e: -e[2]):  # from the end: offsets stay right
        assert edited[name][offset : offset + len(old)] == old
        edited[name] = edited[name][:offset] + new + edited[name][offset + len(old) :]
    for texts in (edited, originals):
        for name, text in texts.items():
            (project / "sources" / name).write_text(text, encoding="utf-8")
        assert _outcome(project, "exports", use_cache=True) == _outcome(project, "fresh", use_cache=False)


def _outcome(project: Path, out: str, use_cache: bool) -> tuple[str, object]:
    """The exports a build writes, or the problems it stops at (located)."""
    try:
        build(project, out, use_cache=use_cache)
    except kg.problems.ValidationFailed as failed:
        return "failed", [str(problem) for problem in failed.problems]
    return "built", tree_digest(project / out)


def test_the_records_handed_to_the_pages_process_are_written_whole_before_the_pipe_closes() -> None:
    """The thread writing what the build read afresh into the page's process's pipe wrote on while the build,
    done, closed that pipe under it: "Exception in thread kg-hand-to-page … TypeError" after a build that
    succeeded (about one build in ten of 12,000 facts on a busy machine: `send_bytes` writes a long message's
    header, then its body, and the handle was gone in between).  The pipe is closed once the write is done."""

    class SlowPipe:
        """A pipe's writing end whose write takes its time, and says whether it was closed meanwhile."""

        def __init__(self) -> None:
            self.closed = False
            self.written: list[bool] = []

        def send_bytes(self, data: bytes) -> None:
            time.sleep(0.3)
            self.written.append(not self.closed)

        def close(self) -> None:
            self.closed = True

    pipe = SlowPipe()
    with _HandToPage(pipe) as hand:  # type: ignore[arg-type]
        hand(["x" * 1000] * 1000)
    assert pipe.written == [True] and pipe.closed
    failed = SlowPipe()
    with pytest.raises(KeyboardInterrupt), _HandToPage(failed) as hand:  # type: ignore[arg-type]
        hand(["x"])
        raise KeyboardInterrupt  # a build ended early: not held up, nor the pipe closed under the write
    time.sleep(0.5)
    assert failed.written == [True] and not failed.closed
