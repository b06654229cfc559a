"""`kg terms`: the YAML's vocabulary from the ontology, for a curator without a browser."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from kg.cli import main
from kg.ontology import load_ontology

from .conftest import ONTOLOGY, ROOT, extended_ontology


def terms(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["terms", "--ontology", str(ONTOLOGY), *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_every_word_the_yaml_may_use_is_listed_with_what_it_takes(capsys: pytest.CaptureFixture[str]) -> None:
    ontology = load_ontology(ONTOLOGY)
    status, out, _ = terms(capsys)
    assert status == 0
    sections = dict(re.findall(r"(?m)^(\S[^\n]*):\n((?:  [^\n]*\n)+)", out))
    listed = {
        title.split(" (")[0]: [line.split()[0] for line in body.splitlines()[1:]] for title, body in sections.items()
    }
    assert listed == {
        "entity classes": list(ontology.entity_classes),
        "event classes": list(ontology.event_classes),
        "relations": list(ontology.usable("relation")),
        "roles": list(ontology.usable("role")),
        "qualifiers": list(ontology.usable("qualifier")),
        "modalities": [modality.name for modality in ontology.modalities],
    }
    assert re.search(r"(?m)^  operates +Agent → Facility +The agent runs or uses the facility", out)
    assert re.search(r"(?m)^  holdsPosition +Person → text ", out)
    assert re.search(r"(?m)^  MilitaryBase +under Facility +A naval base", out)
    assert re.search(r"(?m)^  hedged +Presented as possible", out)


def test_a_word_keeps_the_terms_that_hold_it(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = terms(capsys, "BASE")
    assert status == 0
    names = re.findall(r"(?m)^  (\w+) ", out)
    assert "MilitaryBase" in names and "operates" in names and "seeksToRetain" in names  # by name or meaning
    assert "Person" not in names and "asserted" not in names
    status, out, err = terms(capsys, " ")
    assert (status, out, err) == (2, "", "kg terms: an empty word: give a word, or none for every term\n")
    status, out, err = terms(capsys, "zebra")
    assert (status, out) == (1, "")
    assert err == "kg terms: no term's name or meaning holds 'zebra'\n"
    status, _, err = terms(capsys, "z" * 100_000)  # echoed whole, it was 100,000 characters of message
    assert status == 1 and len(err) <= 401 and err.startswith("kg terms: no term's name or meaning holds 'zzz")


@pytest.mark.parametrize(
    ("word", "titles"),
    [
        ("modality", ["modalities"]),
        ("Modalities", ["modalities"]),
        ("predicate:", ["relations"]),
        ("relation", ["relations"]),
        ("roles", ["roles"]),
        ("qualifier", ["qualifiers"]),
        ("type", ["entity classes", "event classes"]),
        ("event  types", ["event classes"]),
    ],
)
def test_a_section_s_own_word_lists_the_whole_section(
    capsys: pytest.CaptureFixture[str], word: str, titles: list[str]
) -> None:
    """`kg terms modality` is the list of modalities: no modality's meaning holds the word itself."""
    status, out, _ = terms(capsys, word)
    assert status == 0
    _, everything, _ = terms(capsys)
    sections = dict(re.findall(r"(?m)^(\S[^\n]*):\n((?:  [^\n]*\n)+)", everything))
    assert out == "\n".join(f"{t}:\n{sections[t]}" for t in sections if t.split(" (")[0] in titles)


def test_a_relation_without_a_domain_or_range_takes_anything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Not "→ anything" with nothing on its left: a subject of any class, an object of any."""
    turtle = 'kgo:touches a owl:ObjectProperty, kgo:ClaimRelation ; rdfs:label "touches" ; rdfs:comment "Touches." .\n'
    folder = extended_ontology(tmp_path / "ontology", turtle)
    assert main(["terms", "touches", "--ontology", str(folder)]) == 0
    assert re.search(r"(?m)^  touches +anything → anything +Touches\.$", capsys.readouterr().out)


def test_markdown_is_one_table_per_section(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = terms(capsys, "--format", "markdown")
    assert status == 0
    assert out.count("| term | takes | meaning |") == 6
    assert "| operates | Agent → Facility | The agent runs or uses the facility" in out


def test_the_readme_example_prints_what_it_shows(capsys: pytest.CaptureFixture[str]) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    [(word, shown)] = re.findall(r"(?m)^ *\$ kg terms (\w+)\n((?: +[^$`\n][^\n]*\n)+) *```", readme)
    status, out, _ = terms(capsys, word)
    assert status == 0
    assert out == textwrap.dedent(shown)
