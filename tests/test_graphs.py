"""The named-graph layout of `kg push`: one graph per article, self-contained, whose union is graph.ttl."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.cli import main
from kg.query.named_graphs import graphs_for_push
from kg.query.store import data_stream, read_data

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


def by_article(triples: list[ox.Triple]) -> dict[str, list[ox.Triple]]:
    """Each article's graph (by the article's id), and "shared", as pyoxigraph triples."""
    graphs = graphs_for_push(triples, [], GRAPHS)
    return {name.rsplit("/", 1)[-1]: graphs.triples(name) for name in graphs.names if name != GRAPHS + "ontology"}


def test_the_union_of_the_graphs_is_the_graph_and_nothing_is_lost(two_articles: list[ox.Triple]) -> None:
    graphs = graphs_for_push(two_articles, [], GRAPHS)
    assert graphs.names == [
        GRAPHS + "article/mini-article",
        GRAPHS + "article/second-article",
        GRAPHS + "ontology",
        GRAPHS + "shared",
    ]
    data = [t for name in graphs.names if name != GRAPHS + "ontology" for t in graphs.triples(name)]
    assert set(data) == set(two_articles)
    assert sum(graphs.size(name) for name in graphs.names) == len(data)


def test_a_corroborated_claim_is_in_both_graphs_each_with_its_own_evidence(two_articles: list[ox.Triple]) -> None:
    graphs = by_article(two_articles)
    first, second = (set(graphs[name]) for name in ("mini-article", "second-article"))
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
    graphs = by_article(two_articles)
    unsupported = graphs.pop("shared")
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    for part in graphs.values():
        assert ox.Triple(iri("russia"), label, ox.Literal("Russia", language="en")) in part
        assert ox.Triple(iri("reuters"), label, ox.Literal("Reuters", language="en")) in part
    second = graphs["second-article"]
    assert not any(t.subject == iri("bashar-al-assad") for t in second)  # only the first article mentions him
    assert {t.subject for t in unsupported} == {iri("lonely-place")}
    # the second text's mention of Russia, and its position, are in the second article's graph
    mention, position = iri("mention/second-article.at22"), iri("mention/second-article.at22.position")
    assert {t.subject for t in second} >= {mention, position}
    assert not any(t.subject in (mention, position) for t in graphs["mini-article"])


def test_every_article_graph_is_self_contained(two_articles: list[ox.Triple]) -> None:
    """Every IRI a graph mentions (other than classes and properties) is typed and labelled in that graph."""
    graphs = by_article(two_articles)
    del graphs["shared"]
    for part in graphs.values():
        typed = {t.subject for t in part if t.predicate.value.endswith("#type")}
        for triple in part:
            if isinstance(triple.object, ox.NamedNode) and triple.object.value.startswith(BASE):
                assert triple.object in typed, triple


def test_the_real_corpus_splits_without_loss(built: Path) -> None:
    data = read_data(built, ONTOLOGY)
    graphs = graphs_for_push(data.triples, data.ontology, GRAPHS)
    articles = [name for name in graphs.names if name.startswith(GRAPHS + "article/")]
    assert len(articles) == len(list((ONTOLOGY.parent / "sources" / "articles").glob("*.yaml")))
    data_graphs = [name for name in graphs.names if name != GRAPHS + "ontology"]
    assert {t for name in data_graphs for t in graphs.triples(name)} == set(data.triples)
    assert graphs.triples(GRAPHS + "ontology") == data.ontology


def test_a_dry_run_lists_the_graphs(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["push", "--exports", str(built), "--ontology", str(ONTOLOGY), "--endpoint", "http://127.0.0.1:9/x"]
    assert main([*argv, "--dry-run"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1].endswith("graphs for http://127.0.0.1:9/x (dry run: nothing sent)")
    assert any(line.startswith(f"would PUT <{BASE}graph/ontology>") for line in out)


def test_a_shared_node_goes_wherever_what_names_it_goes_however_far() -> None:
    """A fact no article supports (`x partOf y`) follows its subject into the graphs that mention it, and
    takes its object's class and names along, then the object's own facts, and so on (here two steps)."""
    kgo, oa, rdf = (
        "https://w3id.org/syria-russia-kg/ontology#",
        "http://www.w3.org/ns/oa#",
        ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
    )
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    first, second, mention = iri("article/first"), iri("article/second"), iri("mention/first.at4")
    x, y, z, lonely = iri("x"), iri("y"), iri("z"), iri("lonely")
    part_of = ox.NamedNode(kgo + "partOf")
    triples = [
        ox.Triple(first, rdf, ox.NamedNode(kgo + "Article")),
        ox.Triple(second, rdf, ox.NamedNode(kgo + "Article")),
        ox.Triple(mention, ox.NamedNode(oa + "hasSource"), first),
        ox.Triple(mention, ox.NamedNode(kgo + "mentions"), x),
        ox.Triple(x, label, ox.Literal("X", language="en")),
        ox.Triple(x, part_of, y),
        ox.Triple(y, label, ox.Literal("Y", language="en")),
        ox.Triple(y, part_of, z),
        ox.Triple(z, label, ox.Literal('Z with a space, "quotes"\nand a line', language="en")),
        ox.Triple(lonely, label, ox.Literal("nobody names it")),
    ]
    graphs = by_article(triples)
    assert graphs["first"] == [t for t in triples if t.subject != second and t.subject != lonely]  # in order
    assert graphs["second"] == [triples[1]]
    assert graphs["shared"] == [triples[-1]]


def test_the_split_reads_the_export_as_it_is_parsed(built: Path) -> None:
    """`kg push` hands the parser's stream to the split, never a list of every triple: the same graphs."""
    stream, declared = data_stream(built, ONTOLOGY)
    assert not isinstance(stream, list)
    data = read_data(built, ONTOLOGY)
    streamed, listed = (
        graphs_for_push(stream, data.ontology, GRAPHS),
        graphs_for_push(data.triples, data.ontology, GRAPHS),
    )
    assert streamed.names == listed.names
    assert all(streamed.body(name) == listed.body(name) for name in listed.names)
    assert declared == data.prefixes
