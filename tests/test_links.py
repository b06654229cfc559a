"""Actors and places that should connect do, in SPARQL over the built graph: what the newcomer's questions
("everything between Syria and Russia", "Tartus, the port and the base", "every place in Syria") need."""

from __future__ import annotations

import pyoxigraph as ox

from .conftest import select

ACTS_FOR = "(kgo:actsFor|kgo:memberOf|kgo:governs|kgo:leads)"
"""The links from an actor to the state it acts for: a body or force acts for it, a person is a member of it
(or of a body that acts for it), a government governs it, a delegate leads the delegation."""


def side(state: str, name: str) -> str:
    """A graph pattern binding ?name to the state or to any actor that acts for it."""
    return f"{{ BIND({state} AS ?{name}) }} UNION {{ ?{name} {ACTS_FOR}+ {state} }}"


def actors(graph_store: tuple[ox.Store, dict[str, str]], state: str) -> set[str]:
    rows = select(graph_store, f"SELECT ?actor WHERE {{ {side(state, 'actor')} }}")
    return {row[0].rsplit("/", 1)[-1] for row in rows}


def test_the_actors_of_each_state_are_linked_to_it(graph_store: tuple[ox.Store, dict[str, str]]) -> None:
    assert {"russia", "russian-delegation", "mikhail-bogdanov", "russian-troops"} <= actors(graph_store, "kg:russia")
    assert {"syria", "syrian-transitional-government", "syrian-coast-guard", "murhaf-abu-qasra"} <= actors(
        graph_store, "kg:syria"
    )


def test_everything_between_syria_and_russia_is_reached_through_their_actors(
    graph_store: tuple[ox.Store, dict[str, str]],
) -> None:
    """Events with a role filled on each side, and claims from one side to the other: anchored on the two
    country nodes alone, the question misses most of them."""

    def between(russia: str, syria: str) -> set[str]:
        query = f"""SELECT DISTINCT ?record WHERE {{
          {side(russia, "r")}
          {side(syria, "s")}
          {{ ?record a kgo:Event ; ?role1 ?r ; ?role2 ?s . ?role1 a kgo:EventRole . ?role2 a kgo:EventRole }}
          UNION {{ ?record a kgo:Claim ; rdf:subject ?r ; rdf:object ?s }}
          UNION {{ ?record a kgo:Claim ; rdf:subject ?s ; rdf:object ?r }}
        }}"""
        return {row[0].rsplit("/", 1)[-1] for row in select(graph_store, query)}

    through_actors = between("kg:russia", "kg:syria")
    assert {
        "russia-syria-talks-2025-01-28",  # the Russian delegation and the transitional government
        "syria-demands-assad-extradition",
        "russia-refuses-to-acknowledge-mistakes",
    } <= through_actors
    direct = {
        row[0].rsplit("/", 1)[-1]
        for row in select(
            graph_store,
            """SELECT DISTINCT ?record WHERE {
              { ?record a kgo:Event ; ?a kg:russia ; ?b kg:syria } UNION
              { ?record a kgo:Claim ; rdf:subject kg:russia ; rdf:object kg:syria } UNION
              { ?record a kgo:Claim ; rdf:subject kg:syria ; rdf:object kg:russia } }""",
        )
    }
    assert direct < through_actors
    assert len(through_actors) >= 2 * len(direct)


def test_tartus_port_base_and_city_are_connected(graph_store: tuple[ox.Store, dict[str, str]]) -> None:
    """The port's control (2017, the coast guard's takeover) meets the base Russia operates at Tartus."""
    rows = select(
        graph_store,
        """SELECT DISTINCT ?controller ?base WHERE {
          ?controller kgo:controls ?port .
          ?port a kgo:Facility ; kgo:locatedIn ?city .
          ?base a kgo:MilitaryBase ; kgo:locatedIn ?city .
          ?city a kgo:City ; kgo:locatedIn kg:syria .
          kg:russia kgo:operates ?base }""",
    )
    names = {tuple(value.rsplit("/", 1)[-1] for value in row) for row in rows}
    assert {("russia", "tartus-naval-base"), ("syrian-coast-guard", "tartus-naval-base")} <= names


def test_every_place_in_syria_is_found_through_located_in(graph_store: tuple[ox.Store, dict[str, str]]) -> None:
    rows = select(graph_store, "SELECT ?place WHERE { ?place a kgo:Place ; kgo:locatedIn+ kg:syria }")
    places = {row[0].rsplit("/", 1)[-1] for row in rows}
    assert {
        "damascus",
        "aleppo",
        "hama",
        "idlib",
        "tartus",
        "tartus-port",
        "tartus-naval-base",
        "khmeimim-air-base",
        "tishrin-dam-base",
    } <= places
    unlocated = select(
        graph_store,
        """SELECT ?place WHERE { ?place a kgo:Place .
             FILTER NOT EXISTS { ?place a kgo:Country }
             FILTER NOT EXISTS { ?place kgo:locatedIn+/a kgo:Country } }""",
    )
    # Moscow and the regions beyond one country: `kg lint` asks each to carry a mark saying why.
    assert {row[0].rsplit("/", 1)[-1] for row in unlocated} <= {
        "moscow",
        "africa",
        "mediterranean",
        "middle-east",
        "the-west",
        "former-soviet-union",
    }


def test_printed_order_places_a_month_precise_event_before_a_day_precise_one(
    graph_store: tuple[ox.Store, dict[str, str]],
) -> None:
    """ "Earlier in January, Syria's coast guard took over port access", after images "cited by Radio Liberty
    on Jan. 27": the takeover is dated only to its month, yet the graph says it came first (kgo:follows,
    read backwards for "before")."""
    rows = select(
        graph_store,
        """SELECT ?earlier ?earlierPrecision ?later ?laterPrecision WHERE {
             ?later kgo:follows ?earlier .
             ?earlier kgo:datePrecision ?earlierPrecision . ?later kgo:datePrecision ?laterPrecision .
             FILTER (?earlier = kg:coast-guard-takes-over-tartus-port-access) }""",
    )
    assert [tuple(value.rsplit("/", 1)[-1].rsplit("#", 1)[-1] for value in row) for row in rows] == [
        (
            "coast-guard-takes-over-tartus-port-access",
            "MonthPrecision",
            "radio-liberty-report-2025-01-27",
            "DayPrecision",
        )
    ]
    after_the_fall = {
        row[0].rsplit("/", 1)[-1]
        for row in select(graph_store, "SELECT ?later WHERE { ?later kgo:follows kg:fall-of-assad-regime }")
    }
    assert {"assad-given-refuge-in-russia", "russia-syria-military-presence-deal"} <= after_the_fall
    assert "assad-flight-to-moscow" not in after_the_fall  # told beside the overthrow: no text orders the two
