"""Bad input, dropped into a copy of the real corpus in every place a source can live, as a user would.

Each case runs `python -m kg build` in a fresh process and must: exit 1 (0 for valid input), print one
located message per problem and no traceback, leave `exports/` byte-identical, and stay within its time
and memory bounds.  The catalogue is in `tests/bad_inputs.py`; the README's table lists its kinds.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import kg.checks.meaning
from kg.checks.checked import check
from kg.limits import HINTS
from kg.sources.records import load_sources

from .bad_inputs import (
    ARTICLE,
    CASES,
    ERROR_LINE,
    QUOTE,
    SHOWN,
    Case,
    prepare,
    run_build,
    run_case,
    tree_digest,
    write,
)

MAX_PEAK_MB = 1024

PARAMS = [pytest.param(case, place, id=f"{case.kind}:{case.name}@{place}") for case in CASES for place in case.places]


def test_the_catalogue_has_every_kind_of_case() -> None:
    assert len(PARAMS) >= 45
    kinds = {case.kind for case in CASES}
    assert kinds == {"YAML", "valid", "shape", "typo", "date", "evidence", "id", "article", "volume"}


@pytest.mark.parametrize(("case", "place"), PARAMS)
def test_bad_input_is_refused_clearly_and_changes_nothing(case: Case, place: str, tmp_path: Path, built: Path) -> None:
    outcome = run_case(case, place, tmp_path, built)
    report = f"exit {outcome.status} in {outcome.seconds:.1f} s\n{outcome.stderr[-3000:]}"
    assert "Traceback" not in outcome.stderr, report
    assert outcome.seconds < case.seconds, report  # a hang guard (the runner kills the build at this bound)
    assert outcome.peak_mb < MAX_PEAK_MB, report
    assert outcome.exports_unchanged, report
    assert not outcome.marker_created, "a YAML tag was executed"
    lines = outcome.stderr.splitlines()
    errors = [line for line in lines if re.match(ERROR_LINE, line)]
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", outcome.stderr), "a control character reached the terminal"
    if case.valid:
        assert outcome.status == 0, report
        assert errors == [], report
        return
    assert outcome.status == 1, report
    summary = [line for line in lines if line not in errors]
    assert all(line.startswith("… ") or re.fullmatch(r"[\d,]+ errors?", line) for line in summary), report
    if case.kind == "volume":
        assert len(errors) == SHOWN, report
        assert lines[-2] == f"… {case.errors - SHOWN:,} more not shown (--max-errors 0 shows all)", report
        assert lines[-1] == f"{case.errors:,} errors", report
    else:
        assert len(errors) == len(case.expect), report
        assert lines[-1] == f"{len(errors)} error{'s' if len(errors) != 1 else ''}", report
    for pattern in case.expect:
        assert any(re.search(pattern, line) for line in errors), f"no message matches {pattern!r}\n{report}"
    for line in errors:
        assert line.startswith("sources/"), report  # located in the file the user wrote (a link: the link)


def test_a_sources_link_pointed_elsewhere_between_two_loads_is_followed_afresh(tmp_path: Path, mini: Path) -> None:
    """A load resolves each folder once (`kg.sources.reading.inside`), and the next one afresh: a process that
    loads again and again (`kg watch`) follows `sources` where it leads now, and reads every file there as
    inside it (a folder resolved by the load before would make them all look outside)."""
    other = tmp_path / "other"
    shutil.copytree(mini, other)
    (other / "more").mkdir()  # a folder the first load never saw: resolved by the second one
    for file in sorted((other / "facts").glob("*.yaml"))[:1]:
        file.rename(other / "more" / file.name)
    link = tmp_path / "linked-sources"
    link.symlink_to(mini, target_is_directory=True)
    first = load_sources(link)
    assert not first.problems and first.model.claims
    link.unlink()
    link.symlink_to(other, target_is_directory=True)
    second = load_sources(link)
    assert not second.problems, second.problems
    assert second.model.claims.keys() == first.model.claims.keys()
    assert all(other in record.where.file.resolve().parents for record in second.model.claims.values())


def refused_build(workdir: Path, seconds: float) -> list[str]:
    """The lines `kg build` prints in `workdir`, having checked that it failed and changed no export."""
    before = tree_digest(workdir / "exports")
    run = run_build(workdir, seconds)
    assert run.status == 1, run.stderr[-2000:]
    assert tree_digest(workdir / "exports") == before
    return run.stderr.splitlines()


def test_two_thousand_near_miss_ids_among_two_thousand_entities_are_reported_without_searching_for_each(
    tmp_path: Path, built: Path
) -> None:
    """Each "did you mean" looks through every id (20 ms among 1,000 ids alike): a file of 1,000 typos took
    27 s, of 2,000 more than 2 minutes.  Hints are given to the first problems only (`HINTS`), those printed
    first; the rest are reported without one, and the run ends within the hang guard (11 s here)."""
    prepare(tmp_path, built)
    entities = "".join(f"  - {{id: gen-port-{i}, type: Facility, name: Gen Port {i}}}\n" for i in range(2000))
    claims = "".join(
        f"  - {{id: gen-claim-{i}, subject: russia, predicate: operates, object: gen-prot-{i}, "
        f'evidence: [{{quote: "{QUOTE}"}}]}}\n'
        for i in range(2000)
    )
    write(tmp_path / "sources" / "facts" / "gen.yaml", f"article: {ARTICLE}\nentities:\n{entities}claims:\n{claims}")
    lines = refused_build(tmp_path, 60.0)
    assert lines[-1] == "2,000 errors"
    shown = [line for line in lines if re.match(ERROR_LINE, line)]
    assert len(shown) == SHOWN
    for number, line in enumerate(shown):
        assert line.endswith(f"unknown entity 'gen-prot-{number}' — did you mean 'gen-port-{number}'?"), line


def test_sixty_thousand_records_left_out_of_one_file_are_reported_in_bounded_time(tmp_path: Path, built: Path) -> None:
    """Each record left out (here an entity with no `type`) has its id passed over elsewhere: the ids were
    added to a frozenset made again for each, so 49,000 of them took 31 s, and 60,000 more than 45 s.  The
    run ends well within the hang guard (7 s here)."""
    prepare(tmp_path, built)
    entities = "".join(f"  - {{id: left-{i}, name: Left {i}}}\n" for i in range(60_000))
    write(tmp_path / "sources" / "facts" / "left.yaml", f"article: {ARTICLE}\nentities:\n{entities}")
    lines = refused_build(tmp_path, 30.0)
    assert lines[-1] == "60,000 errors"
    assert re.search(r"left.yaml:3:5: missing required field 'type'$", lines[0]), lines[0]


def test_which_problems_get_a_hint_depends_on_the_problems_not_on_the_processes_that_found_them(
    tmp_path: Path, built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hints go to the first `HINTS` problems in printed order, whichever process found them: here two files
    of 150 typos each are checked by two processes (each used to give its own 200 hints, so all 300 had one,
    and which ones had one depended on which process took which file)."""
    prepare(tmp_path, built)
    monkeypatch.setattr(kg.checks.meaning, "PARALLEL_RECORDS", 1)
    for part in ("a", "b"):
        claims = "".join(
            f"  - {{id: typo-{part}-{i}, subject: russia, predicate: operates, object: tartus-naval-bas{part}{i}, "
            f'evidence: [{{quote: "{QUOTE}"}}]}}\n'
            for i in range(150)
        )
        write(tmp_path / "sources" / "facts" / f"typos-{part}.yaml", f"article: {ARTICLE}\nclaims:\n{claims}")
    _, problems = check(tmp_path / "sources", tmp_path / "ontology")
    hinted = ["did you mean 'tartus-naval-base'?" in str(problem) for problem in problems]
    assert len(problems) == 300, problems[:5]
    assert hinted == [True] * HINTS + [False] * (300 - HINTS)


@pytest.mark.parametrize("name", ["more", "articles", "facts"])
def test_a_folder_that_cannot_be_listed_fails_the_build_where_it_is(tmp_path: Path, built: Path, name: str) -> None:
    """A folder under sources/ that cannot be read holds facts the build would silently leave out: it is an
    error, at the folder, and the only one: what the folder's files define and cite is unknown, so no id is
    reported unknown nor any sentence uncited (an unreadable articles/ gave 317 messages).  As root (which
    reads any folder), the build runs without the capabilities that let it (`setpriv`)."""
    prepare(tmp_path, built)
    folder = tmp_path / "sources" / name
    if name == "more":
        folder.mkdir()
        write(folder / "extra.yaml", f"article: {ARTICLE}\n")
    before = tree_digest(tmp_path / "exports")
    run = build_unable_to_read(tmp_path, folder, 0o755)
    assert run.returncode == 1, run.stderr
    assert run.stderr.splitlines() == [f"sources/{name}:1:1: cannot read the folder: Permission denied", "1 error"]
    assert tree_digest(tmp_path / "exports") == before


def build_unable_to_read(workdir: Path, path: Path, mode: int) -> subprocess.CompletedProcess[str]:
    """`kg build` in `workdir` while `path` may not be read (its mode 0, then `mode` again).  As root (which reads
    anything), the build runs without the capabilities that let it (`setpriv`)."""
    command = [sys.executable, "-m", "kg", "build", "--sources", "sources", "--out", "exports"]
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root, and no setpriv to drop the capability to read anything")
        caps = "-dac_override,-dac_read_search"
        command = ["setpriv", f"--bounding-set={caps}", f"--inh-caps={caps}", *command]
    path.chmod(0)
    try:
        return subprocess.run(command, cwd=workdir, capture_output=True, text=True, timeout=120, check=False)
    finally:
        path.chmod(mode)


@pytest.mark.parametrize(
    "name", ["entities.yaml", "facts/ki-bloomberg-russia-deal-near.yaml", f"articles/{ARTICLE}.yaml"]
)
def test_a_source_file_that_cannot_be_read_is_the_one_error(tmp_path: Path, built: Path, name: str) -> None:
    """What a file no one may read defines and cites is unknown, as a folder's that cannot be listed: no id is
    reported unknown, no sentence uncited (an unreadable entities.yaml gave 569 messages, a facts file 4, among
    them "did you mean" another claim's id)."""
    prepare(tmp_path, built)
    before = tree_digest(tmp_path / "exports")
    run = build_unable_to_read(tmp_path, tmp_path / "sources" / name, 0o644)
    assert run.returncode == 1, run.stderr
    assert run.stderr.splitlines() == [f"sources/{name}:1:1: cannot read the file: Permission denied", "1 error"]
    assert tree_digest(tmp_path / "exports") == before
