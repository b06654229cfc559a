"""`kg diff`: what changed in the graph, between the working tree and a git revision or two export files."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import kg
from kg.checks.checked import Project
from kg.cli import main
from kg.curation.diff import (
    Digest,
    EntityDigest,
    EventDigest,
    EvidenceDigest,
    EvidenceKey,
    FieldChange,
    compare,
    digest_at_revision,
    digest_of_export,
    digest_of_project,
    digest_of_sources,
    model_counts,
    render_markdown,
    render_text,
    summary_line,
)
from kg.dates import Date

from .conftest import ONTOLOGY, SOURCES

FACTS = "facts/kp-abu-qasra-russian-bases.yaml"
NEW_CLAIM = """
  - id: moscow-seeks-agreements-with-turkey
    subject: russia
    predicate: characterizedAs
    value: "now seeking agreements with Turkey"
    qualifiers: {about: turkey}
    evidence:
      - quote: "some reports suggest Moscow is now seeking agreements with Turkey"
        modality: hedged
"""
HEDGED = """the fate of Assad himself."
        via: [washington-post]
        modality: hedged"""
EDITED = "+1 claim, 1 claim changed, +1 evidence, 1 evidence changed"


def edit(sources: Path) -> None:
    """Add a claim (quoting its article verbatim) and make the evidence of `assad-fate-bargaining-chip`
    reported instead of hedged."""
    facts = sources / FACTS
    text = facts.read_text(encoding="utf-8")
    assert text.count(HEDGED) == 1, "the corpus changed: pick another evidence to edit"
    facts.write_text(text.replace(HEDGED, HEDGED.replace("hedged", "reported")) + NEW_CLAIM, encoding="utf-8")


def git(repository: Path, *args: str) -> None:
    identity = ("-c", "user.name=kg test", "-c", "user.email=kg@example.org", "-c", "commit.gpgsign=false")
    subprocess.run(["git", "-C", str(repository), *identity, *args], check=True, capture_output=True)


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository holding a copy of the real corpus and ontology, committed."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    shutil.copytree(SOURCES, tmp_path / "sources")
    shutil.copytree(ONTOLOGY, tmp_path / "ontology")
    git(tmp_path, "init", "--quiet")
    git(tmp_path, "add", "sources", "ontology")
    git(tmp_path, "commit", "--quiet", "-m", "corpus")
    return tmp_path


def kg_diff(repository: Path, *args: str) -> list[str]:
    return ["diff", "--sources", str(repository / "sources"), "--ontology", str(repository / "ontology"), *args]


def test_an_added_claim_and_a_changed_modality_against_head(
    repository: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(repository / "sources")
    changes = compare(
        digest_at_revision("HEAD", repository / "sources", repository / "ontology"),
        digest_of_sources(repository / "sources", repository / "ontology"),
    )
    assert changes.summary() == EDITED
    assert list(changes.claims.added) == ["moscow-seeks-agreements-with-turkey"]
    assert changes.claims.changed == {"assad-fate-bargaining-chip": (FieldChange("modality", "hedged", "reported"),)}
    [(key, fields)] = changes.evidence.changed.items()
    assert (key.record, key.article) == ("assad-fate-bargaining-chip", "kp-abu-qasra-russian-bases")
    assert fields == (FieldChange("modality", "hedged", "reported"),)
    [added] = changes.evidence.added
    assert added.quote == "some reports suggest Moscow is now seeking agreements with Turkey"

    assert main(kg_diff(repository)) == 0
    text = capsys.readouterr().out
    assert text == render_text(changes)
    assert text.startswith(EDITED + "\n")
    assert (
        '  + moscow-seeks-agreements-with-turkey — russia characterizedAs "now seeking agreements with Turkey"' in text
    )
    assert "      modality: hedged → reported\n" in text

    assert main(kg_diff(repository, "HEAD", "--format", "markdown", "--exit-code")) == 1
    markdown = capsys.readouterr().out
    assert markdown == render_markdown(changes)
    assert markdown.startswith(f"## Changes in the graph\n\n{EDITED}\n")
    assert "### Claims added\n- **moscow-seeks-agreements-with-turkey** — russia characterizedAs" in markdown
    assert "### Evidence changed\n- **assad-fate-bargaining-chip ← kp-abu-qasra-russian-bases: " in markdown
    assert "  - modality: hedged → reported\n" in markdown


def test_no_change(repository: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(kg_diff(repository, "--exit-code")) == 0
    assert capsys.readouterr().out == "no change in the graph\n"
    assert main(kg_diff(repository, "--format", "markdown")) == 0
    assert capsys.readouterr().out == "## Changes in the graph\n\nno change in the graph\n"


@pytest.mark.parametrize("base", [None, "https://example.org/kg/", "https://example.org/kg#"])
def test_every_export_format_reads_alike_whatever_the_base(project: Project, tmp_path: Path, base: str | None) -> None:
    """`kg diff graph.jsonld graph.ttl` said "{ is not a valid predicate": every file was read as Turtle; and an
    N-Triples export, which declares no prefix, was read under the default base (a graph built with `--base`
    held no article, then)."""
    kg.build(SOURCES, ONTOLOGY, tmp_path, formats=("ttl", "nt", "jsonld"), **({"base": base} if base else {}))
    expected = digest_of_export(tmp_path / "graph.ttl", ONTOLOGY)
    assert expected.articles
    for name in ("graph.nt", "graph.jsonld"):
        assert digest_of_export(tmp_path / name, ONTOLOGY) == expected, name
    assert main(["diff", str(tmp_path / "graph.jsonld"), str(tmp_path / "graph.nt"), "--exit-code"]) == 0


def test_two_export_files(built: Path, project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An export and an in-memory build of the same sources read alike; an edit shows between two exports."""
    old = built / "graph.ttl"
    assert digest_of_export(old, ONTOLOGY) == digest_of_project(project)
    sources = tmp_path / "sources"
    shutil.copytree(SOURCES, sources)
    edit(sources)
    facts = sources / FACTS
    dated = (
        '    date: {value: 2025-01-28, inferred: [year]}\n    evidence:\n      - quote: "A Russian delegation led by'
    )
    assert facts.read_text(encoding="utf-8").count(dated) == 1, "the corpus changed: pick another date to edit"
    facts.write_text(facts.read_text(encoding="utf-8").replace(dated, dated.replace("2025-01-28", "2025-01")))
    kg.build(sources, ONTOLOGY, tmp_path / "new", formats=("ttl",))

    assert main(["diff", str(old), str(tmp_path / "new" / "graph.ttl"), "--ontology", str(ONTOLOGY)]) == 0
    text = capsys.readouterr().out
    assert text.startswith("+1 claim, 2 claims changed, +1 evidence, 1 evidence changed\n")
    assert "  ~ mikhail-bogdanov-leads-russian-delegation\n      date: 2025-01-28 (year inferred) → " in text
    assert "→ 2025-01 (month; year inferred)\n" in text


def test_a_bad_revision_or_no_repository_is_a_clear_error(
    repository: Path, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(kg_diff(repository, "no-such-revision")) == 2
    assert capsys.readouterr().err == f"kg diff: unknown revision 'no-such-revision' in {repository.resolve()}\n"
    assert main(kg_diff(repository, "--", "--upload-pack=x")) == 2
    assert "not a revision" in capsys.readouterr().err
    elsewhere = tmp_path_factory.mktemp("no-repository")
    shutil.copytree(repository / "sources", elsewhere / "sources")
    assert main(["diff", "--sources", str(elsewhere / "sources"), "--ontology", str(ONTOLOGY)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("kg diff: cannot compare with HEAD: ") and "not a git repository" in error


@pytest.mark.parametrize(
    ("content", "held"),
    [("", "no triples"), (None, "triples but no article"), ("prefixes", "no triples")],
    ids=["empty", "the ontology", "cut before its first article"],
)
def test_a_file_that_is_no_export_is_refused_not_read_as_an_empty_graph(
    built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, held: str
) -> None:
    """Compared with an empty file, the ontology or an export cut before its first article (its prefixes
    alone), every record read as removed (exit 0): each is refused, saying what it holds."""
    if content is None:
        other = ONTOLOGY / "kg.ttl"
    else:
        other = tmp_path / "graph.ttl"
        text = (built / "graph.ttl").read_text(encoding="utf-8")
        other.write_text(text[: text.index(" a kgo:Article")].rsplit("\n", 1)[0] + "\n" if content else "")
    assert main(["diff", str(other), str(built / "graph.ttl"), "--ontology", str(ONTOLOGY)]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"kg diff: {other} holds ") and f"{held}: it is no graph kg build wrote" in error


def test_a_missing_export_file_is_said_missing_not_an_unknown_revision(
    repository: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(kg_diff(repository, "exports/nowhere.ttl")) == 2
    assert capsys.readouterr().err == "kg diff: exports/nowhere.ttl: no such file\n"


@pytest.mark.parametrize(("folder", "meant"), [("old", "name an export file in it, or a revision"), ("exp", "")])
def test_a_folder_is_said_a_folder_not_an_unknown_revision(
    repository: Path, capsys: pytest.CaptureFixture[str], folder: str, meant: str
) -> None:
    (repository / folder).mkdir()
    if not meant:  # an exports folder: its graph is the file meant
        (repository / folder / "graph.ttl").write_text("", encoding="utf-8")
        meant = f"compare {repository / folder / 'graph.ttl'}"
    assert main(kg_diff(repository, str(repository / folder))) == 2
    assert capsys.readouterr().err == f"kg diff: {repository / folder} is a folder: {meant}\n"


@pytest.mark.parametrize("name", ["pipe.ttl", "pipe"])
def test_a_fifo_is_said_not_a_regular_file_not_missing_nor_an_unknown_revision(
    repository: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    os.mkfifo(repository / name)
    assert main(kg_diff(repository, str(repository / name))) == 2
    assert capsys.readouterr().err == f"kg diff: {repository / name}: not a regular file\n"


@pytest.mark.parametrize("versions", [[""], ["HEAD", ""]])
def test_an_empty_argument_is_said_empty(
    repository: Path, capsys: pytest.CaptureFixture[str], versions: list[str]
) -> None:
    """`kg diff "$REV"` with REV unset said "unknown revision ''"."""
    assert main(kg_diff(repository, *versions)) == 2
    assert capsys.readouterr().err == (
        "kg diff: an empty argument: name a revision (HEAD~1) or an export file (old/graph.ttl)\n"
    )


def test_a_device_is_said_not_a_regular_file(repository: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(kg_diff(repository, os.devnull)) == 2
    assert capsys.readouterr().err == f"kg diff: {os.devnull}: not a regular file\n"


def test_a_revision_that_does_not_validate_is_located_at_that_revision(
    repository: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    facts = repository / "sources" / FACTS
    good = facts.read_text(encoding="utf-8")
    assert "predicate: locatedIn" in good
    facts.write_text(good.replace("predicate: locatedIn", "predicate: locatedInn", 1), encoding="utf-8")
    git(repository, "commit", "--quiet", "-am", "broken")
    facts.write_text(good, encoding="utf-8")
    assert main(kg_diff(repository)) == 1
    error = capsys.readouterr().err
    assert error.startswith(f"HEAD:sources/{FACTS}:"), error
    assert "locatedInn" in error
    assert error.endswith("kg diff: the sources at HEAD do not validate: nothing was compared\n"), error


def test_a_working_tree_that_does_not_validate_says_that_nothing_was_compared(
    repository: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Its errors alone read as `kg validate`'s, with no word that the diff did not run."""
    facts = repository / "sources" / FACTS
    facts.write_text(facts.read_text(encoding="utf-8").replace("predicate: locatedIn", "predicate: locatedInn", 1))
    assert main(kg_diff(repository)) == 1
    error = capsys.readouterr().err
    assert "locatedInn" in error
    said = f"kg diff: the sources in {repository / 'sources'}/ do not validate: nothing was compared\n"
    assert error.endswith(f"1 error\n{said}"), error


def test_a_revision_holding_a_link_out_of_the_sources_is_refused_as_in_the_working_tree(
    repository: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Its extraction raised tarfile.AbsoluteLinkError: a traceback."""
    articles = repository / "sources" / "articles"
    (articles / "x.yaml").write_text("id: x\ntext: x.txt\ntitle: X\n", encoding="utf-8")
    (articles / "x.txt").symlink_to("/etc/passwd")
    git(repository, "add", "sources")
    git(repository, "commit", "--quiet", "-m", "a link out")
    assert main(kg_diff(repository)) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        "HEAD:sources/articles/x.yaml:2:7: article text 'x.txt' leads outside sources/ (through '..' or a symbolic "
        "link): refused, not read"
    )


def test_a_repository_without_a_commit_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(SOURCES, tmp_path / "sources")
    shutil.copytree(ONTOLOGY, tmp_path / "ontology")
    git(tmp_path, "init", "--quiet")
    assert main(["diff", "--sources", str(tmp_path / "sources"), "--ontology", str(tmp_path / "ontology")]) == 2
    assert capsys.readouterr().err == f"kg diff: {tmp_path.resolve()} has no commit yet to compare with\n"


def test_quotes_and_names_cannot_break_the_markdown_or_the_terminal() -> None:
    hostile = (
        "`code` *bold* | cell | <script>alert(1)</script> [link](https://example.org) ~~struck~~\n# heading\x1b[2J"
    )
    new = Digest(
        entities={"a": EntityDigest("Person", hostile), "b": EntityDigest("Person", "B")},
        evidence={EvidenceKey("c", "article", hostile): EvidenceDigest("reported", ("a",))},
    )
    changes = compare(Digest(), new)
    assert changes.summary() == "+2 entities, +1 evidence"
    markdown = render_markdown(changes)
    assert "<script>" not in markdown and "&lt;script&gt;" in markdown
    assert "\x1b" not in markdown
    for special in ("`code\\`", "\\*bold\\*", "\\| cell \\|", "\\[link\\]", "\\~\\~struck\\~\\~"):
        assert special in markdown
    lines = markdown.splitlines()
    assert lines == [
        "## Changes in the graph",
        "",
        "+2 entities, +1 evidence",
        "",
        "### Entities added",
        lines[5],
        '- **b** — Person "B"',
        "",
        "### Evidence added",
        lines[9],
    ]
    assert lines[5].startswith("- **a** — Person ") and lines[9].startswith("- **c ← article: ")
    assert "\x1b" not in render_text(changes)
    markdown_module = pytest.importorskip("markdown")
    html = markdown_module.markdown(markdown)
    for tag in ("<script", "<code", "<em", "<a ", "<h1"):
        assert tag not in html
    assert html.count("<strong>") == 3  # each record's key, as rendered


def test_a_changed_role_shows_that_role_alone_and_an_added_event_its_roles() -> None:
    """`place: damascus` made `place: syria` showed every role of the event, before and after, on one line."""
    roles = (("about", ("tartus-naval-base",)), ("participant", ("russia", "syria")), ("place", ("damascus",)))
    moved = (*roles[:2], ("place", ("syria",)), ("recipient", ("russia",)))
    old = Digest(events={"talks": EventDigest("Negotiation", "Talks", roles=roles)})
    new = Digest(
        events={
            "talks": EventDigest("Negotiation", "Talks", roles=moved),
            "visit": EventDigest("Meeting", "Visit", roles=(("place", ("damascus",)),)),
        }
    )
    assert render_text(compare(old, new)).splitlines()[1:] == [
        "",
        "Events added:",
        '  + visit — Meeting "Visit" (place damascus)',
        "",
        "Events changed:",
        "  ~ talks",
        "      role place: damascus → syria",
        "      role recipient: none → russia",
    ]


def test_a_handle_or_a_number_in_a_quote_pings_no_one_on_github() -> None:
    """GitHub turns `@name` into a mention (a notification) and `#12` or `name#12` into a link to an issue,
    in text it renders; a pull-request description quoting "@KyivIndependent" would ping that account."""
    quote = "as @KyivIndependent (@kyiv_ind) wrote in #12 and org/repo#3, GH-4 aside"
    new = Digest(evidence={EvidenceKey("c", "article", quote): EvidenceDigest("reported", ())})
    markdown = render_markdown(compare(Digest(), new))
    assert not re.search(r"[@#][\w-]", markdown.replace("### ", "").replace("## ", ""))
    html = pytest.importorskip("markdown").markdown(markdown)
    shown = re.sub(r"<[^>]*>", "", html.replace("<!-- -->", ""))
    assert quote in shown


def test_a_change_deep_inside_a_long_text_is_found_though_shown_shortened() -> None:
    note = "x" * 300 + "{}" + "y" * 300
    old, new = (Digest(entities={"a": EntityDigest("Person", "A", note=note.format(n))}) for n in "12")
    changes = compare(old, new)
    assert changes.summary() == "1 entity changed"
    [(field, before, after)] = [(f.field, f.old, f.new) for f in changes.entities.changed["a"]]
    assert (field, before[301], after[301]) == ("note", "1", "2")
    assert len(render_text(changes)) < 1000


def test_a_digest_reads_back_what_the_model_says(project: Project) -> None:
    """The SPARQL over the graph finds every record with the type, name, dates and attribution curated."""
    digest = digest_of_project(project)
    model = project.model
    assert (set(digest.entities), set(digest.events), set(digest.claims)) == (
        set(model.entities),
        set(model.events),
        set(model.claims),
    )
    for entity in model.entities.values():
        found = digest.entities[entity.id]
        assert (found.type, found.name, found.aliases, found.note) == (
            entity.type,
            entity.name,
            tuple(sorted(entity.aliases)),
            entity.note,
        )

    def undocumented(date: Date | None) -> Date | None:
        return Date(date.value, date.precision, date.inferred) if date else None

    for record in model.records():
        found_record = digest.events.get(record.id) or digest.claims[record.id]
        dates = (found_record.date, found_record.start, found_record.end)
        assert dates == tuple(map(undocumented, (record.date, record.start, record.end)))
    evidence = {
        EvidenceKey(record.id, item.article, item.quote): EvidenceDigest(
            item.modality, item.via, item.said_to, item.direct_speech
        )
        for record in model.records()
        for item in record.evidence
    }
    assert digest.evidence == evidence


EDITS = {
    "an added claim, a changed modality": lambda text, facts: (
        text.replace(HEDGED, HEDGED.replace("hedged", "reported")) + NEW_CLAIM if facts == FACTS else text
    ),
    "a date made month-precise, an alias": lambda text, facts: text.replace(
        "date: {value: 2025-01-28, inferred: [year]}", "date: {value: 2025-01, inferred: [year]}", 1
    ).replace("aliases: [Bogdanov]", "aliases: [Bogdanov, Mr Bogdanov]"),
    "a conflict stated on one side": lambda text, facts: text.replace(
        "  - id: bashar-al-assad-moscow-ally\n",
        "  - id: bashar-al-assad-moscow-ally\n    conflicts_with: [fall-of-assad-regime]\n",
    ),
    "an article's outlet; an ignore reason (not in the graph)": lambda text, facts: text.replace(
        "outlet: kyiv-independent\n", "outlet: kyiv-post\n", 1
    ).replace("    reason: navigation link\n", "    reason: a navigation link\n", 1),
    "role values in another order": lambda text, facts: text.replace(
        "participant: [assad-regime, syrian-opposition, russia]",
        "participant: [russia, assad-regime, syrian-opposition]",
    ),
}


@pytest.mark.parametrize("name", EDITS)
def test_the_counts_from_the_models_are_those_compare_finds_in_the_graphs(
    name: str, project: Project, tmp_path: Path
) -> None:
    """`kg watch` counts what changed from the models (no RDF read back): the same counts as `compare`."""
    shutil.copytree(SOURCES, tmp_path / "sources")
    touched = 0
    for path in sorted((tmp_path / "sources").rglob("*.yaml")):
        relative = path.relative_to(tmp_path / "sources").as_posix()
        text = path.read_text(encoding="utf-8")
        edited = EDITS[name](text, relative)
        touched += edited != text
        path.write_text(edited, encoding="utf-8")
    assert touched, "the corpus changed: this edit no longer applies"
    after = kg.load(tmp_path / "sources", ONTOLOGY)
    counts = model_counts(project.model, after, project.ontology)
    edited_project = Project(after, project.ontology, tmp_path / "sources")
    assert counts == compare(digest_of_project(project), digest_of_project(edited_project)).counts()
    assert summary_line(counts) != "no change in the graph" or name == "role values in another order"


def test_an_articles_own_fields_are_compared(repository: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A new outlet changes who every quote of the article comes through: the diff says so."""
    article = repository / "sources" / "articles" / "ki-bloomberg-russia-deal-near.yaml"
    article.write_text(
        article.read_text(encoding="utf-8").replace("outlet: kyiv-independent\n", "outlet: kyiv-post\n"),
        encoding="utf-8",
    )
    assert main(kg_diff(repository, "--exit-code")) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "1 article changed"
    assert "  ~ ki-bloomberg-russia-deal-near" in lines
    assert "      outlet: kyiv-independent → kyiv-post" in lines


def test_an_open_interval_reads_as_the_page_and_the_timeline_say_it() -> None:
    """`from 2024-12 (month)`, `until 2025`: not `2024-12 (month) to none`."""
    start, end = Date("2024-12", "month", ("year",)), Date("2025", "year")
    assert (
        EventDigest("Conflict", "War", start=start).describe() == 'Conflict "War", from 2024-12 (month; year inferred)'
    )
    assert EventDigest("Conflict", "War", end=end).describe() == 'Conflict "War", until 2025 (year)'
    both = EventDigest("Conflict", "War", start=start, end=end).describe()
    assert both == 'Conflict "War", 2024-12 (month; year inferred) to 2025 (year)'
