"""Synthetic models of any size for the graph page's tests and benchmark, built with the kg.model dataclasses.

Deterministic for a given size and seed: hubs emerge by preferential attachment (as Russia and Syria are
hubs of the real corpus), events are spread over Dec 2024 – Apr 2025, and evidence mixes every modality,
attribution chains and conflicts, so every part of the page has something to show.
"""

from __future__ import annotations

import datetime as dt
import random

from kg.dates import Date
from kg.model import Article, Claim, Entity, Event, Evidence, Model

ENTITY_CLASSES = (
    "Person",
    "Person",
    "Country",
    "City",
    "MilitaryBase",
    "GovernmentBody",
    "ArmedGroup",
    "Topic",
    "Goods",
    "NewsOrganization",
)
EVENT_CLASSES = ("Meeting", "PhoneCall", "Demand", "Refusal", "Visit", "Statement", "Withdrawal")
RELATIONS = (
    "supports",
    "opposes",
    "allyOf",
    "cooperatesWith",
    "controls",
    "operates",
    "hasInfluenceIn",
    "reliesOn",
    "memberOf",
    "sanctions",
)
MODALITIES = ("asserted", "asserted", "reported", "reported", "hedged", "denied")
NON_LATIN = ("Сирия", "سوريا", "Хмеймим", "طرطوس")
STORY_START = dt.date(2024, 12, 1)
STORY_DAYS = 150


class _Builder:
    def __init__(self, nodes: int, seed: int):
        self.random = random.Random(seed)
        self.model = Model()
        self.entity_count = max(2, int(nodes * 0.7))
        self.event_count = nodes - self.entity_count
        self.attachment: list[str] = []  # every id once per link: choosing from it favours hubs

    def pick(self) -> str:
        return self.random.choice(self.attachment)

    def add_entities(self) -> None:
        for k in range(self.entity_count):
            cls = ENTITY_CLASSES[k % len(ENTITY_CLASSES)]
            aliases = (f"{NON_LATIN[k % len(NON_LATIN)]} {k}",) if k % 7 == 0 else ()
            entity = Entity(f"{cls.lower()}-{k}", cls, f"{cls} {k}", aliases)
            self.model.entities[entity.id] = entity
            self.attachment.append(entity.id)
        outlets = [e.id for e in self.model.entities.values() if e.type == "NewsOrganization"]
        for k in range(max(2, self.entity_count // 40)):
            outlet = outlets[k % len(outlets)]
            article = Article(f"article-{k}", f"article-{k}.txt", "", f"Synthetic headline {k}", outlet)
            self.model.articles[article.id] = article

    def date(self) -> Date:
        day = STORY_START + dt.timedelta(days=self.random.randrange(STORY_DAYS))
        return Date(day.isoformat(), "day", ("year",) if self.random.random() < 0.3 else ())

    def evidence(self, owner: str) -> tuple[Evidence, ...]:
        items = []
        for n in range(1 + (self.random.random() < 0.3)):
            via = tuple(self.random.sample(self.attachment[: self.entity_count], self.random.randrange(3)))
            items.append(
                Evidence(
                    self.random.choice(list(self.model.articles)),
                    f"Synthetic quote {n} about {owner}.",
                    via,
                    None,
                    self.random.choice(MODALITIES),
                    self.random.random() < 0.2,
                )
            )
        return tuple(items)

    def add_events(self) -> None:
        places = [e.id for e in self.model.entities.values() if e.type in ("City", "Country", "MilitaryBase")]
        for k in range(self.event_count):
            cls = EVENT_CLASSES[k % len(EVENT_CLASSES)]
            event_id = f"{cls.lower()}-{k}"
            agent, other = self.pick(), self.pick()
            roles = [("agent", (agent,)), ("participant", (other,)) if other != agent else ("about", (other,))]
            if places and self.random.random() < 0.5:
                roles.append(("place", (self.random.choice(places),)))
            event = Event(
                event_id,
                cls,
                f"{cls} {k}",
                date=self.date() if self.random.random() < 0.9 else None,
                roles=tuple(roles),
                evidence=self.evidence(event_id),
            )
            self.model.events[event_id] = event
            self.attachment += [event_id, agent, other]

    def add_claims(self) -> None:
        claims = list(self.model.claims)
        entities = list(self.model.entities)
        for k in range(int(self.entity_count * 1.1)):
            subject, obj = entities[k] if k < len(entities) else self.pick(), self.pick()
            if subject == obj:
                continue
            claim_id = f"claim-{k}"
            conflicts = (self.random.choice(claims),) if claims and self.random.random() < 0.05 else ()
            claim = Claim(
                claim_id,
                subject,
                self.random.choice(RELATIONS),
                obj,
                date=self.date() if self.random.random() < 0.5 else None,
                evidence=self.evidence(claim_id),
                conflicts_with=conflicts,
            )
            self.model.claims[claim_id] = claim
            claims.append(claim_id)
            self.attachment += [subject, obj]


def synthetic_model(nodes: int, seed: int = 0) -> Model:
    """A model with exactly `nodes` entities and events and about 1.4 edges per node."""
    builder = _Builder(nodes, seed)
    builder.add_entities()
    builder.add_events()
    builder.add_claims()
    return builder.model
