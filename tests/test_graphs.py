"""The named-graph layout of `kg push`: one graph per article, self-contained, whose union is graph.ttl."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.cli import main
from kg.query.named_graphs import article_graphs, graphs_for_push
from kg.query.store import read_data

from .conftest import ONTOLOGY

BASE = "https://w3id.org/syria-russia-kg/id/"
GRAPHS = "urn:test:graph/"

SECOND_TEXT = "Tartus stays Russian\n\nRussia operates the Tartus naval base, Reuters says.\n"
SECOND_ARTICLE = """\
id: second-article
text: second-article.txt
outlet: second-outlet
headline: Tartus stays Russian
"""
SECOND_FACTS = """\
article: second-article
entities:
  - {id: second-outlet, type: NewsOrganization, name: Second Outlet}
  - {id: lonely-place, type: Place, name: A place no article mentions}
"""
CORROBORATION = """\
      - quote: Russia operates the Tartus naval base
      - article: second-article
        quote: Russia operates the Tartus naval base, Reuters says.
        via: [reuters]
"""


@pytest.fixture
def two_articles(mini: Path) -> list[ox.Triple]:
    """The mini corpus plus a second article corroborating its claim, and an entity nobody mentions."""
    (mini / "articles" / "second-article.txt").write_text(SECOND_TEXT, encoding="utf-8")
    (mini / "articles" / "second-article.yaml").write_text(SECOND_ARTICLE, encoding="utf-8")
    (mini / "facts" / "second.yaml").write_text(SECOND_FACTS, encoding="utf-8")
    facts = mini / "facts" / "mini.yaml"
    text = facts.read_text(encoding="utf-8")
    facts.write_text(text.replace("      - quote: Russia operates the Tartus naval base\n", CORROBORATION), "utf-8")
    return read_data(Path("unused"), ONTOLOGY, mini).triples


def iri(local: str) -> ox.NamedNode:
    return ox.NamedNode(BASE + local)


def test_the_union_of_the_graphs_is_the_graph_and_nothing_is_lost(two_articles: list[ox.Triple]) -> None:
    graphs = graphs_for_push(two_articles, [], GRAPHS)
    assert set(graphs) == {
        GRAPHS + "article/mini-article",
        GRAPHS + "article/second-article",
        GRAPHS + "ontology",
        GRAPHS + "shared",
    }
    data = [t for name, part in graphs.items() if name != GRAPHS + "ontology" for t in part]
    assert set(data) == set(two_articles)


def test_a_corroborated_claim_is_in_both_graphs_each_with_its_own_evidence(two_articles: list[ox.Triple]) -> None:
    by_article, _ = article_graphs(two_articles)
    first, second = (set(by_article[iri(f"article/{name}")]) for name in ("mini-article", "second-article"))
    direct = ox.Triple(
        iri("russia"), ox.NamedNode("https://w3id.org/syria-russia-kg/ontology#operates"), iri("tartus-naval-base")
    )
    assert direct in first and direct in second
    statement = iri("claim/russia.operates.tartus-naval-base")
    assert any(t.subject == statement for t in first) and any(t.subject == statement for t in second)
    evidence_of = {
        name: {t.subject.value.rsplit("/", 1)[-1] for t in part if t.subject.value.startswith(BASE + "evidence/")}
        for name, part in (("first", first), ("second", second))
    }
    assert "russia.operates.tartus-naval-base.1" in evidence_of["first"]
    assert "russia.operates.tartus-naval-base.2" not in evidence_of["first"]
    assert "russia.operates.tartus-naval-base.2" in evidence_of["second"]
    assert "extradition-demand.1" not in evidence_of["second"]


def test_shared_entities_are_named_in_every_graph_that_mentions_them(two_articles: list[ox.Triple]) -> None:
    by_article, unsupported = article_graphs(two_articles)
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    for part in by_article.values():
        assert ox.Triple(iri("russia"), label, ox.Literal("Russia", language="en")) in part
        assert ox.Triple(iri("reuters"), label, ox.Literal("Reuters", language="en")) in part
    second = by_article[iri("article/second-article")]
    assert not any(t.subject == iri("bashar-al-assad") for t in second)  # only the first article mentions him
    assert {t.subject for t in unsupported} == {iri("lonely-place")}
    # the second text's mention of Russia, and its position, are in the second article's graph
    mention, position = iri("mention/second-article.at22"), iri("mention/second-article.at22.position")
    assert {t.subject for t in second} >= {mention, position}
    assert not any(t.subject in (mention, position) for t in by_article[iri("article/mini-article")])


def test_every_article_graph_is_self_contained(two_articles: list[ox.Triple]) -> None:
    """Every IRI a graph mentions (other than classes and properties) is typed and labelled in that graph."""
    by_article, _ = article_graphs(two_articles)
    for part in by_article.values():
        typed = {t.subject for t in part if t.predicate.value.endswith("#type")}
        for triple in part:
            if isinstance(triple.object, ox.NamedNode) and triple.object.value.startswith(BASE):
                assert triple.object in typed, triple


def test_the_real_corpus_splits_without_loss(built: Path) -> None:
    data = read_data(built, ONTOLOGY)
    graphs = graphs_for_push(data.triples, data.ontology, GRAPHS)
    articles = [name for name in graphs if name.startswith(GRAPHS + "article/")]
    assert len(articles) == len(list((ONTOLOGY.parent / "sources" / "articles").glob("*.yaml")))
    assert {t for name, part in graphs.items() if name != GRAPHS + "ontology" for t in part} == set(data.triples)


def test_a_dry_run_lists_the_graphs(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["push", "--exports", str(built), "--ontology", str(ONTOLOGY), "--endpoint", "http://127.0.0.1:9/x"]
    assert main([*argv, "--dry-run"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1].endswith("graphs for http://127.0.0.1:9/x (dry run: nothing sent)")
    assert any(line.startswith(f"would PUT <{BASE}graph/ontology>") for line in out)
