"""Adding a class, a relation, an event role or a modality means editing `ontology/` only.

A copy of the ontology gets one of each; sources that use them are then validated (with "did you mean"
and range errors for misuse), exported to RDF, labelled and drawn on the page, queryable with SPARQL and
offered by the editor schemas.  No code changes.  The editor schemas are files in `ontology/`: after
editing the ontology, run `kg schema` to regenerate them (tests/test_ontology.py fails until you do).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import kg
from kg.cli import main
from kg.ontology import load_ontology
from kg.query.sparql import run
from kg.query.store import open_store
from kg.sources.schema import write_editor_schemas

from .conftest import extended_ontology

ADDITIONS = """
kgo:Port a owl:Class ; rdfs:subClassOf kgo:Facility ;
    rdfs:label "port"@en ; rdfs:comment "A harbour for ships."@en ;
    kgo:displayColor "#123456" ; kgo:displayShape "triangle" .
kgo:blockades a owl:ObjectProperty, kgo:ClaimRelation ;
    rdfs:label "blockades"@en ; rdfs:comment "The agent cuts a place off."@en ;
    rdfs:domain kgo:Agent ; rdfs:range kgo:Place .
kgo:mediator a owl:ObjectProperty, kgo:EventRole ;
    rdfs:label "mediator"@en ; rdfs:comment "Who mediated the event."@en ;
    rdfs:domain kgo:Event ; rdfs:range kgo:Agent .
kgo:Rumoured a kgo:Modality ; rdfs:label "rumoured"@en ; kgo:modalityRank 5 ; kgo:directTriple false ;
    kgo:displayColor "#00aa00" ; kgo:displayDashes "1 3" ; kgo:displayMark "?" ;
    rdfs:comment "Passed on as a rumour."@en .
"""
USES = """  - subject: russia
    predicate: blockades
    object: test-port
    evidence:
      - quote: Russia operates the Tartus naval base
        modality: rumoured
"""
KGO = "https://w3id.org/syria-russia-kg/ontology#"


@pytest.fixture
def extended(tmp_path: Path) -> Path:
    return extended_ontology(tmp_path / "ontology", ADDITIONS)


@pytest.fixture
def sources(mini: Path) -> Path:
    facts = mini / "facts" / "mini.yaml"
    text = facts.read_text(encoding="utf-8")
    text = text.replace("entities:\n", "entities:\n  - {id: test-port, type: Port, name: Test port}\n", 1)
    text = text.replace("      about: bashar-al-assad\n", "      about: bashar-al-assad\n      mediator: reuters\n", 1)
    facts.write_text(text + USES, encoding="utf-8")
    return mini


def test_the_additions_are_validated(sources: Path, extended: Path) -> None:
    assert kg.validate(sources, extended) == []
    facts = sources / "facts" / "mini.yaml"
    text = facts.read_text(encoding="utf-8")
    facts.write_text(
        text.replace("object: test-port", "object: bashar-al-assad").replace("modality: rumoured", "modality: rumored"),
        encoding="utf-8",
    )
    messages = [p.message for p in kg.validate(sources, extended)]
    assert "'blockades' needs a Place, but 'bashar-al-assad' is a Person" in messages
    assert any(
        m.startswith("unknown modality 'rumored' (one of ") and m.endswith(" — did you mean 'rumoured'?")
        for m in messages
    ), messages


def test_the_additions_are_exported_labelled_drawn_and_queryable(sources: Path, extended: Path, tmp_path: Path) -> None:
    out = tmp_path / "exports"
    kg.build(sources, extended, out)

    store, prefixes = open_store(out, extended)
    answer = run(
        store,
        """SELECT ?type ?predicate ?modality ?direct WHERE {
               ?statement rdf:subject kg:russia ; rdf:predicate ?predicate ; rdf:object kg:test-port ;
                          kgo:modality ?modality .
               kg:test-port a ?type . FILTER (?type = kgo:Facility)
               BIND (EXISTS { kg:russia kgo:blockades kg:test-port } AS ?direct)
           }""",
        prefixes,
    )
    rows = [{name: row[name].value for name in ("type", "predicate", "modality", "direct")} for row in answer]
    assert rows == [
        {"type": KGO + "Facility", "predicate": KGO + "blockades", "modality": KGO + "Rumoured", "direct": "false"}
    ]  # a Port is a Facility; a rumour gets a statement node only, as its kgo:directTriple says
    roles = run(store, "SELECT ?who WHERE { kg:extradition-demand kgo:mediator ?who }", prefixes)
    assert [row["who"].value for row in roles] == ["https://w3id.org/syria-russia-kg/id/reuters"]

    page = (out / "graph.html").read_text(encoding="utf-8")
    blob = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.S)
    assert blob
    data = json.loads(blob.group(1))
    port = next(c for c in data["classes"] if c["name"] == "Port")
    assert (port["label"], port["color"], port["shape"]) == ("port", "#123456", "triangle")
    rumoured = next(m for m in data["modalities"] if m["name"] == "rumoured")  # drawn, and a filter of its own
    assert {k: rumoured[k] for k in ("color", "dashes", "width")} == {
        "color": "#00aa00",
        "dashes": [1, 3],
        "width": 1.5,
    }
    labels = {edge[3] for edge in data["overview"]["edges"]}  # [index, from, to, label, …]
    assert {"? blockades", "mediator"} <= labels


def test_the_editor_schemas_offer_the_additions_after_kg_schema(extended: Path) -> None:
    write_editor_schemas(load_ontology(extended), extended)  # what `kg schema --ontology DIR` does
    schema = (extended / "facts.schema.json").read_text(encoding="utf-8")
    for name in ("Port", "blockades", "mediator", "rumoured"):
        assert f'"{name}"' in schema, name


def test_kg_terms_lists_the_additions_with_what_they_take(extended: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["terms", "--ontology", str(extended)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"(?m)^  Port +under Facility +A harbour for ships\.$", out)
    assert re.search(r"(?m)^  blockades +Agent → Place +The agent cuts a place off\.$", out)
    assert re.search(r"(?m)^  mediator +→ Agent +Who mediated the event\.$", out)
    assert re.search(r"(?m)^  rumoured +Passed on as a rumour\.$", out)
