"""Meaning checks over the loaded model: ids, vocabulary, domain/range, dates, quotes, coverage.

Every check appends to one list so that a curator sees all mistakes at once.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Container, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from kg.checks.coverage import all_occurrences, coverage_problems, printed_metadata, quotes_by_article
from kg.checks.kept import KeptChecks, Reads, no_reads
from kg.checks.names import name_key, too_long
from kg.checks.quotes import first_place, next_place
from kg.dates import Date
from kg.limits import HINTS, MAX_NAME_CHARACTERS, MAX_NAME_WORDS
from kg.model import Article, Claim, Event, Evidence, Model, SourceRecords
from kg.ontology import Modality, Ontology, OntologyProperty
from kg.problems import Hint, Problem, Where, closest, did_you_mean, visible
from kg.sources.reading import position
from kg.sources.records import names_article_at_top
from kg.sources.schema import id_form, is_id, is_line
from kg.sources.yaml_reader import CONTROL
from kg.vocab import ARTICLE_REFERENCES, EVIDENCE_REFERENCES, K
from kg.workers import in_processes

PARALLEL_RECORDS = 20_000
"""From this many claims and events on, they are checked across the machine's cores (forked processes
inherit the model; only the problems found come back)."""


USED_AS = {
    "relation": "a claim's relation (predicate:)",
    "role": "an event's role (roles:)",
    "qualifier": "a claim's qualifier (qualifiers:)",
}
"""Each use of a property in the YAML, as an error names it."""


def validate_model(
    model: Model,
    ontology: Ontology,
    uncovered: frozenset[Path] = frozenset(),
    kept: KeptChecks | None = None,
    unread: Container[str] = frozenset(),
    groups: list[SourceRecords] | None = None,
) -> list[Problem]:
    """Every meaning problem of `model`.  Article files in `uncovered` (their `ignore:` list is unreadable,
    which is reported already) are not checked for coverage: it would only repeat that error.  Ids in
    `unread` (named in a file YAML could not read: `kg.sources.records.Loaded.passed_over`) are not reported
    unknown, and the articles among them not checked for coverage; nothing is then kept as checked clean.

    The claims and events of each source file are checked together, as is each article's coverage; with
    `kept`, those that checked clean in an earlier build from the same inputs are not checked again
    (`kg.checks.kept`).  The checks of the whole model (cycles, articles) run every time; the names check
    too, unless every node's id and names are those of a build whose names checked clean.  `groups`: the
    model's `by_file`, if made already."""
    global _job
    uncovered |= {  # the byline of an author passed over (unread) matches no name: it would read as uncited
        article.where.file
        for article in model.articles.values()
        if article.id in unread or (article.author is not None and article.author in unread)
    }
    quotes = quotes_by_article(model)
    uncovered |= {model.articles[meant].where.file for meant in _meant_articles(quotes, model, unread)}
    checker = _Checker(model, ontology, uncovered, unread)
    if unread:  # a check that passed over an id of an unread file is not one to keep
        kept = None
    names = kept is None or not kept.names_hold(model)
    if kept is not None and names:
        checker.name_keys = kept.name_keys()
    checker.run(names)
    if kept is not None and names:
        kept.keep_name_keys(model, checker.name_keys)
        if checker.names_clean:
            kept.keep_names_clean()
    groups = [group for group in (model.by_file() if groups is None else groups) if group.claims or group.events]
    articles = [article for article in model.articles.values() if article.text]
    if kept is not None:
        kept.start(model)
        groups = [group for group in groups if not kept.records_hold(group)]
        articles = [a for a in articles if not kept.coverage_holds(a, quotes.get(a.id, []), a.where.file in uncovered)]
    _job = _Job(checker, groups, articles, quotes, kept is not None)
    try:
        weights = [_weight(group) for group in groups]
        problems: list[Problem] = []
        for index, found, reads in in_processes(_check_groups, list(range(len(groups))), weights, PARALLEL_RECORDS):
            problems += found
            if kept is not None and reads is not None and not found:
                kept.keep_records(groups[index], reads)
        weights = [len(quotes.get(article.id, ())) + 1 for article in articles]
        for index, found in in_processes(_check_coverage, list(range(len(articles))), weights, PARALLEL_RECORDS):
            problems += found
            article = articles[index]
            if kept is not None and not found:
                kept.keep_coverage(article, quotes.get(article.id, []), article.where.file in uncovered)
    finally:
        _job = None
    if kept is not None:
        kept.finish()
    return checker.problems + problems


def _meant_articles(quotes: dict[str, list[tuple[str, str]]], model: Model, unread: Container[str]) -> set[str]:
    """The articles that evidence naming unknown ones probably meant (a mistyped `article:`): the sentences
    its quotes cite would read as uncited.  Looked for among the articles whose ids start alike only, for the
    first `HINTS` unknown ids (each search compares ids: 1,000 unknown among 1,000 articles took 54 s)."""
    unknown = sorted(name for name in quotes.keys() - model.articles.keys() if name not in unread)[:HINTS]
    if not unknown:
        return set()
    alike: dict[str, list[str]] = {}
    for article_id in model.articles:
        alike.setdefault(article_id[:3], []).append(article_id)
    meant = (closest(written := id_form(name), alike.get(written[:3], ())) for name in unknown)
    return {article_id for article_id in meant if article_id is not None}


@dataclass
class _Job:
    """What forked checkers check: set before the fork, inherited by the workers."""

    checker: _Checker
    groups: list[SourceRecords]
    articles: list[Article]
    quotes: dict[str, list[tuple[str, str]]]
    reads: bool  # whether to list what each file's check reads from others (to keep it)


_job: _Job | None = None
_WORD = re.compile(r"\w+")


def _modality_meant(word: str, modalities: Iterable[Modality]) -> str:
    """' — did you mean 'reported'?' for a word whose stem one modality's comment quotes as a cue of it ("alleged":
    the comment of `reported` quotes "allegedly"; "speculative": `hedged`'s, "there is speculation"), else ''."""
    stem = word.strip().casefold()[:5]
    if len(stem) < 5:
        return ""
    cued = [
        m.name
        for m in modalities
        if any(cue.startswith(stem) for phrase in _CUE.findall(m.comment) for cue in phrase.casefold().split())
    ]
    return f" — did you mean '{cued[0]}'?" if len(cued) == 1 else ""


_CUE = re.compile(r'"([^"]+)"')  # a phrase a modality's comment quotes; each of its words is a cue of it


def _outlet_in_chain(outlet: str, index: int) -> str:
    if index == 0:
        return f"'{outlet}' is the article's outlet: 'via' is the attribution chain after it (leave the outlet out)"
    return f"'{outlet}' is the article's outlet, which the attribution chain starts from: it cannot come back to it"


def _one_word(quote: str) -> bool:
    """One word of 12 characters at most: a sentence of a script written without spaces is one long \\w run."""
    words = _WORD.findall(quote)
    return len(words) < 2 and sum(map(len, words)) <= 12


def _evidence_items(count: int, more: str = "") -> str:
    return f"{count} {more}evidence item names it" if count == 1 else f"{count} {more}evidence items name it"


def _weight(group: SourceRecords) -> int:
    """What checking a file's records costs, about: its records and their evidence."""
    records: list[Event | Claim] = [*group.events, *group.claims]
    return sum(len(record.evidence) + 1 for record in records)


def _check_groups(indexes: list[int]) -> list[tuple[int, list[Problem], Reads | None]]:
    """The problems of the claims and events of each source file, with what its check read of other files."""
    assert _job is not None
    found = []
    for index in indexes:
        group = _job.groups[index]
        checker = _job.checker.fresh(reads=no_reads() if _job.reads else None)
        for event in group.events:
            checker.check_event(event)
        for claim in group.claims:
            checker.check_claim(claim)
        checker.file_checked()
        found.append((index, checker.problems, checker.reads))
    return found


def _check_coverage(indexes: list[int]) -> list[tuple[int, list[Problem]]]:
    """The unaccounted sentences of each article."""
    assert _job is not None
    job = _job
    return [
        (index, coverage_problems(job.checker.model, job.checker.uncovered, [job.articles[index].id], job.quotes))
        for index in indexes
    ]


class _Checker:
    def __init__(
        self,
        model: Model,
        ontology: Ontology,
        uncovered: frozenset[Path] = frozenset(),
        unread: Container[str] = frozenset(),
    ):
        self.model = model
        self.ontology = ontology
        self.uncovered = uncovered
        self.unread = unread  # ids not to report unknown (`validate_model`)
        # The ranges of the YAML fields that point at nodes, as the ontology declares them.
        self.article_range = {f: ontology.range_of(K.Article, iri) for f, iri in ARTICLE_REFERENCES.items()}
        self.evidence_range = {f: ontology.range_of(K.Evidence, iri) for f, iri in EVIDENCE_REFERENCES.items()}
        self.problems: list[Problem] = []
        # A range → the class of each node checked against it → whether it fits (`check_range`).
        self.fitting: dict[tuple[str, ...], dict[str | None, bool]] = {}
        self.events_only: dict[tuple[str, ...], bool] = {}  # whether a range takes events only (`check_range`)
        self.reads: Reads | None = None  # set by fresh(): what a file's check reads of others (kg.checks.kept)
        self.name_keys: dict[str, str] = {}  # name → `name_key(name)`, as worked out (or kept: kg.checks.kept)
        self.names_clean = False  # whether the names check ran and found no clash
        # An unknown article → its problem's place and how many more evidence items of the file name it: a
        # mistyped `article:` at the top of a file was one error at each of its 42 quotes.
        self.unknown_articles: dict[str, list[int]] = {}

    def fresh(self, reads: Reads | None = None) -> _Checker:
        """A checker of the same model with no problems yet (for checking part of it: one is made for each
        source file, so it shares what this one worked out instead of working it out again)."""
        checker = copy.copy(self)
        checker.problems, checker.reads, checker.unknown_articles = [], reads, {}
        return checker

    def file_checked(self) -> None:
        """Says, where the file first names each unknown article, how many of its evidence items do: at its
        top-level `article:` when that names it (the evidence items without an `article:` of their own took
        it from there, and there is the mistake), else at the first evidence item."""
        for article_id, (index, more) in self.unknown_articles.items():
            problem = self.problems[index]
            file = problem.where.file
            if names_article_at_top(file, article_id):
                message = f"{problem.message} ({_evidence_items(more + 1)} in this file)"
                self.problems[index] = replace(problem, where=Where(file, ("article",)), message=message)
            elif more:
                message = f"{problem.message} ({_evidence_items(more, 'more ')} in this file)"
                self.problems[index] = replace(problem, message=message)

    def error(self, where: Where, message: str, hint: Hint | None = None) -> None:
        self.problems.append(Problem(where, message, hint=hint))

    def run(self, names: bool = True) -> None:
        """The checks that look at the whole model (`names`: with the names check); each claim and event, and
        coverage, are checked apart."""
        self.check_entities()
        if names:
            before = len(self.problems)
            self.check_names()
            self.names_clean = len(self.problems) == before
        for article in self.model.articles.values():
            self.check_article(article)
        self.check_default_articles()
        self.check_cycles()
        self.check_time_order()

    # ------------------------------------------------------------------ entities and names

    def check_entities(self) -> None:
        for entity in self.model.entities.values():
            if entity.type in self.ontology.entity_classes:
                continue
            if entity.type in self.ontology.event_classes:
                self.error(
                    entity.where.at("type"),
                    f"'{entity.type}' is an event class: declare '{entity.id}' under 'events:' with evidence",
                )
            else:
                self.error(
                    entity.where.at("type"),
                    f"unknown class '{entity.type}'{did_you_mean(entity.type, self.ontology.entity_classes)}",
                )

    def check_names(self) -> None:
        """Every name variant must resolve to one node, or search, linking and mentions become ambiguous: two
        names are one when a reader would take them for one (kg.checks.names).  A node's name that is another's
        alias is reported at the alias: the name says what the node is, the alias is the likelier slip."""
        owner: dict[str, tuple[str, Where, str, bool]] = {}  # name key → node id, where, name as written, alias?
        keys = self.name_keys
        for node in self.model.nodes():
            for index, name in enumerate(node.names):
                if len(name) > MAX_NAME_CHARACTERS:  # the schema says so; its words are not looked for
                    continue
                where = node.where.at("name") if index == 0 else node.where.at("aliases", index - 1)
                if (long := too_long(name)) is not None:
                    self.error(
                        where,
                        f"name '{long[0]}' of '{node.id}' has {long[1]:,} words: a name has {MAX_NAME_WORDS} at most"
                        " (a description belongs in note:)",
                    )
                key = keys.get(name)
                if key is None:
                    key = keys[name] = name_key(name)
                mine = (node.id, where, name, index > 0)
                if index > 0 and name == node.name:  # the same string twice: one label written as an alias
                    self.error(where, f"alias '{name}' of '{node.id}' is its name already: delete it")
                elif key not in owner:
                    owner[key] = mine
                elif owner[key][0] != node.id:
                    first, later = (mine, owner[key]) if owner[key][3] and index == 0 else (owner[key], mine)
                    self.problems.append(_name_taken(later, first))

    # ------------------------------------------------------------------ events and claims

    def check_event(self, event: Event) -> None:
        known = event.type in self.ontology.event_classes
        if not known:
            hint = did_you_mean(event.type, self.ontology.event_classes)
            if event.type in self.ontology.entity_classes:
                hint = f": '{event.type}' is not an event class; declare it under 'entities:'"
            self.error(event.where.at("type"), f"unknown event class '{event.type}'{hint}")
        self.check_dates(event.date, event.start, event.end, event.where)
        owner = event.type if known else None  # an entity's class: each role "applies to Event, not to a Person"
        for role, values in event.roles:
            self.check_property_values(role, "role", owner, values, event.where.at("roles", role), subject_id=event.id)
        self.check_disjoint_roles(event)
        self.check_conflicts(event.id, "an event", event.conflicts_with, event.where)
        self.check_evidence(event.evidence)

    def check_disjoint_roles(self, event: Event) -> None:
        """No value in two roles the ontology declares disjoint (Russia demanding of Russia): reported at the later."""
        disjoint = self.ontology.disjoint_properties
        if not disjoint:
            return
        for later, (role, values) in enumerate(event.roles):
            for earlier, earlier_values in event.roles[:later]:
                if frozenset((role, earlier)) not in disjoint:
                    continue
                for index, value in enumerate(values):
                    if value in earlier_values:
                        self.error(
                            event.where.at("roles", role).at(index),
                            f"'{value}' is the '{earlier}' of this event already: no one is both its '{earlier}' and"
                            f" its '{role}' (the ontology declares them disjoint)",
                        )

    def check_claim(self, claim: Claim) -> None:
        where = claim.where
        prop = self.ontology.properties.get(claim.predicate)
        if prop is None or "relation" not in prop.usages:
            self.error(
                where.at("predicate"), f"unknown relation '{claim.predicate}'{self._hint(claim.predicate, 'relation')}"
            )
        subject_type = self.check_reference(claim.subject, where, "subject")
        if prop is not None and "relation" in prop.usages:
            if (
                subject_type in self.ontology.classes
                and prop.domain
                and not self.ontology.is_a(subject_type, prop.domain)
            ):
                self.error(
                    where.at("subject"),
                    f"'{claim.predicate}' needs a subject of class {' or '.join(prop.domain)}, "
                    f"but '{claim.subject}' is {_a(subject_type)}",
                )
            both = claim.object is not None and claim.value is not None  # reported as such by the loader
            if prop.is_datatype and claim.object is not None and not both:
                self.error(where.at("object"), f"'{claim.predicate}' takes a literal: use 'value:', not 'object:'")
            elif not prop.is_datatype and claim.value is not None and not both:
                self.error(where.at("value"), f"'{claim.predicate}' links two nodes: use 'object:' with an id")
            elif claim.value is not None:
                self.check_literal(prop, claim.value, claim.value_kind, where, "value")
            elif claim.object == claim.subject:  # as an event cannot be its own 'partOf'
                self.error(where.at("object"), f"'{claim.subject}' cannot be its own '{claim.predicate}'")
            elif claim.object is not None:
                self.check_range(prop.name, prop.range, claim.object, where, "object")
        for qualifier, values in claim.qualifiers:
            self.check_property_values(
                qualifier, "qualifier", K.Claim, values, where.at("qualifiers", qualifier), subject_id=claim.id
            )
        self.check_dates(claim.date, claim.start, claim.end, where)
        self.check_conflicts(claim.id, "a claim", claim.conflicts_with, where)
        self.check_evidence(claim.evidence)

    def _hint(self, name: str, usage: str) -> str:
        """What an unknown `usage` (relation, role, qualifier) named `name` may be meant as: the property of that
        name used elsewhere ("unknown role 'operates'" said no more), else the nearest name of its usage."""
        prop = self.ontology.properties.get(name)
        if prop is not None and (elsewhere := [USED_AS[other] for other in sorted(prop.usages) if other in USED_AS]):
            return f": '{name}' is {' and '.join(elsewhere)}, not {USED_AS[usage]}"
        return did_you_mean(name, self.ontology.usable(usage))

    def check_property_values(
        self, name: str, usage: str, owner_type: str | None, values: tuple[str, ...], where: Where, subject_id: str
    ) -> None:
        prop = self.ontology.properties.get(name)
        if prop is None or usage not in prop.usages:
            self.error(where, f"unknown {usage} '{name}'{self._hint(name, usage)}")
            return
        if (
            owner_type
            and prop.domain
            and owner_type in self.ontology.classes
            and not self.ontology.is_a(owner_type, prop.domain)
        ):
            self.error(where, f"'{name}' applies to {' or '.join(prop.domain)}, not to {_a(owner_type)}")
        for index, value in enumerate(values):  # at its place in a list (a single value: at the value)
            if value in values[:index]:  # one triple, written twice (as `via` names no source twice)
                self.error(where.at(index), f"'{value}' is in '{name}' already")
            elif prop.is_datatype:
                self.check_literal(prop, value, "text", where, index)
            elif value == subject_id:
                self.error(where.at(index), f"'{subject_id}' cannot be its own '{name}'")
            else:
                self.check_range(name, prop.range, value, where, index)

    def check_literal(self, prop: OntologyProperty, value: str, kind: str, where: Where, *path: str | int) -> None:
        """A value fits the datatype of its property's range (kg.literals); a YAML number fits a number only.  At
        `path` below `where`, made only for a problem (every claim to a value is checked)."""
        datatype = prop.datatype
        if kind in datatype.takes and datatype.fits(value):
            return
        takes = f"'{prop.name}' takes {datatype.what} ({datatype.name})"
        if kind not in datatype.takes:
            quoted = ": write it in quotes, as printed" if datatype.is_text else ""
            self.error(where.at(*path), f"{takes}: got the {kind} {value}{quoted}")
        else:
            self.error(where.at(*path), f"{takes}: got '{value}'")

    def check_reference(self, node_id: str, where: Where, *path: str | int, events_only: bool = False) -> str | None:
        """The class of `node_id`, or None after reporting it unknown at `path` below `where` (a Where is
        made only for a problem: these checks run a few times for every record): an unknown event, with the
        closest event's id, where only an event may be named (`partOf`)."""
        node_type = self.model.node_type(node_id)
        if self.reads is not None:
            self.reads["node"].add(node_id)
        if node_type is None and node_id not in self.unread:
            if node_id in self.model.claims:  # "unknown entity … did you mean" an event: the claim is known
                self.error(where.at(*path), f"'{node_id}' is a claim: name an entity or an event")
            elif node_id in self.model.articles:  # "… did you mean" the nearest entity's id, not this
                self.error(where.at(*path), f"'{node_id}' is an article: name an entity or an event (its outlet?)")
            elif events_only:
                self.error(where.at(*path), f"unknown event '{visible(node_id)}'", Hint("event", node_id))
            else:
                self.error(where.at(*path), f"unknown entity '{visible(node_id)}'", Hint("node", node_id))
        return node_type

    def check_range(self, name: str, range_: tuple[str, ...], node_id: str, where: Where, *path: str | int) -> None:
        """`node_id` must exist, and be of a class of `range_` (any, when it names no kgo class)."""
        events_only = self.events_only.get(range_)
        if events_only is None:
            classes = self._classes(range_)
            events_only = self.events_only[range_] = bool(classes) and all(
                self.ontology.is_a(c, K.Event) for c in classes
            )
        node_type = self.check_reference(node_id, where, *path, events_only=events_only)
        fits = self.fitting.get(range_)
        if fits is None:
            fits = self.fitting[range_] = {}
        fit = fits.get(node_type)
        if fit is None:  # worked out once per range and class: 240,000 checks at 100,000 real-shaped facts
            classes = self._classes(range_)  # none: any node fits
            fit = fits[node_type] = (
                node_type is None  # unknown: reported as such
                or node_type not in self.ontology.classes
                or not classes
                or self.ontology.is_a(node_type, classes)
            )
        if not fit and node_type is not None:
            needed = " or ".join(_a(c) for c in self._classes(range_))
            self.error(where.at(*path), f"'{name}' needs {needed}, but '{node_id}' is {_a(node_type)}")

    def _classes(self, range_: tuple[str, ...]) -> tuple[str, ...]:
        """The kgo classes of a range."""
        return tuple(c for c in range_ if c in self.ontology.classes)

    def check_conflicts(self, own_id: str, kind: str, others: tuple[str, ...], where: Where) -> None:
        """The records `others` that the record `own_id` (`kind`: "a claim", "an event") conflicts with."""
        seen: set[str] = set()
        for index, other in enumerate(others):
            if self.reads is not None:
                self.reads["record"].add(other)
            if other in seen:  # one triple, written twice (as a role names no filler twice)
                self.error(where.at("conflicts_with", index), f"'{other}' is in 'conflicts_with' already")
                continue
            seen.add(other)
            if other == own_id:
                self.error(where.at("conflicts_with", index), f"{kind} cannot conflict with itself")
            elif other in self.model.entities:  # a reading of a record names its subject, not the record
                self.error(where.at("conflicts_with", index), f"'{other}' is an entity: name a claim or an event")
            elif (
                other not in self.model.claims
                and other not in self.model.events
                and other not in self.unread
                and is_id(other)
            ):
                hint = Hint("record", other)
                self.error(where.at("conflicts_with", index), f"unknown claim or event '{other}'", hint)

    def check_dates(self, date: Date | None, start: Date | None, end: Date | None, where: Where) -> None:
        if date is not None and (start is not None or end is not None):
            self.error(where.at("date"), "give either 'date' (a point) or 'start'/'end' (an interval), not both")
        if start is not None and end is not None and start.earliest > end.latest:
            self.error(where.at("end"), f"the interval ends ({end}) before it starts ({start})")

    def check_cycles(self) -> None:
        """Every cycle of an acyclic relation (partOf, follows…), reported once, at the link that closes it.
        The links of every such relation are gathered in one pass over the events and claims."""
        acyclic = [prop.name for prop in self.ontology.properties.values() if prop.acyclic]
        links: dict[str, dict[str, list[str]]] = {name: {} for name in acyclic}
        # Where each node's first link is said, located only for a cycle (most relations have none)
        said: dict[str, dict[str, Event | Claim]] = {name: {} for name in acyclic}
        for event in self.model.events.values():
            for role, values in event.roles:
                if role in links:  # a link to itself is reported as such by check_property_values
                    links[role].setdefault(event.id, []).extend(v for v in values if v != event.id)
                    said[role][event.id] = event
        for claim in self.model.claims.values():
            if claim.predicate in links and claim.object not in (None, claim.subject):  # a self-link: said so
                links[claim.predicate].setdefault(claim.subject, []).append(claim.object)
                said[claim.predicate].setdefault(claim.subject, claim)
        for name in acyclic:
            for cycle in find_cycles(links[name]):
                record = said[name][cycle[0]]
                where = record.where.at("roles", name) if isinstance(record, Event) else record.where.at("object")
                self.error(where, f"'{name}' goes round in a cycle: {' → '.join(cycle)}")

    def check_time_order(self) -> None:
        """Dates that the roles between events contradict: an event that follows or responds to another and is
        over before that one begins, a part of a whole whose dates and its own do not meet.  A model-wide pass
        over the events' links (a few per event), like `check_cycles`: an edit of one event's date reaches the
        checks of the events of other files that name it."""
        events = self.model.events
        for event in events.values():
            days = _days(event)
            if days is None:
                continue
            for role, values in event.roles:
                if role not in (K.follows, K.respondsTo, K.partOf):
                    continue
                for index, other_id in enumerate(values):
                    other = events.get(other_id)
                    other_days = _days(other) if other is not None else None
                    if other_days is None:
                        continue
                    if role == K.partOf and (days[1] < other_days[0] or other_days[1] < days[0]):
                        message = (
                            f"'{event.id}' ({_span_text(days)}) is part of '{other_id}', whose dates "
                            f"({_span_text(other_days)}) it does not meet: one of the dates, or the link, is wrong"
                        )
                    elif role != K.partOf and days[1] < other_days[0]:
                        message = (
                            f"'{event.id}' is over ({_span_text(days)}) before '{other_id}', which it {role}, begins "
                            f"({_span_text(other_days)}): one of the dates, or the link, is wrong"
                        )
                    else:
                        continue
                    self.error(event.where.at("roles", role).at(index), message)

    # ------------------------------------------------------------------ evidence and articles

    def check_evidence(self, evidence: tuple[Evidence, ...]) -> None:
        first: dict[tuple[str, str], int] = {}  # (article, quote) → the place of the evidence item citing it first
        several = len(evidence) > 1  # most records have one piece of evidence: nothing to compare
        for item in evidence:
            if several and (earlier := first.setdefault((item.article, item.quote), item.index)) != item.index:
                # one passage is one annotation: twice, it was two, and could be asserted and hedged at once
                message = f"quoted twice for the same record (evidence item {earlier + 1} quotes it too): merge them"
                self.error(item.where.at("quote"), message)
            if self.ontology.modality(item.modality) is None:
                names = [m.name for m in self.ontology.modalities]
                meant = _modality_meant(item.modality, self.ontology.modalities) or did_you_mean(item.modality, names)
                self.error(
                    item.where.at("modality"), f"unknown modality '{item.modality}' (one of {', '.join(names)}){meant}"
                )
            article = self.model.articles.get(item.article)
            if self.reads is not None:
                self.reads["article"].add(item.article)
            if article is None:
                if (repeated := self.unknown_articles.get(item.article)) is not None:
                    repeated[1] += 1
                elif item.article not in self.unread and is_id(item.article):  # else the schema said so
                    self.unknown_articles[item.article] = [len(self.problems), 0]
                    hint = Hint("article", item.article)
                    self.error(item.where.at("article"), f"unknown article '{item.article}'", hint)
            elif article.text and (place := first_place(self.model, article, item.quote)) < 0:
                if not CONTROL.search(item.quote):
                    # (a control character an escape wrote, which no text holds, is the reader's to report: once)
                    hint = Hint("passage", item.quote, article.id)
                    self.error(item.where.at("quote"), f"quote not found verbatim in article '{item.article}'", hint)
            elif article.text and (
                again := _read_again(article.text, place, next_place(self.model, article, item.quote))
            ):
                self.error(item.where.at("quote"), again)
            if item.quote.strip() and " " not in item.quote.strip() and _one_word(item.quote):  # "a" cited anywhere
                self.error(item.where.at("quote"), "a quote of one word is found almost anywhere: quote what says it")
            if item.via or item.said_to is not None:
                where = item.where  # made on each call (`Evidence.where`)
                for index, agent in enumerate(item.via):
                    if agent in item.via[:index]:  # a chain that comes back to a source, or names it twice
                        self.error(where.at("via", index), f"'{agent}' is in the attribution chain already")
                    elif article is not None and agent == article.outlet:  # "TASS → TASS → Bogdanov"
                        self.error(where.at("via", index), _outlet_in_chain(agent, index))
                    elif is_id(agent):  # else the schema said so: not also "unknown entity"
                        self.check_range("via", self.evidence_range["via"], agent, where, "via", index)
                if item.said_to is not None and item.via and item.said_to == item.via[-1]:
                    message = (
                        f"'{item.said_to}' cannot have said it to itself: 'said_to' is whom the last of 'via' said it"
                        " to (leave it out when the text does not say)"
                    )
                    self.error(where.at("said_to"), message)
                elif item.said_to is not None and is_id(item.said_to):
                    self.check_range("said_to", self.evidence_range["said_to"], item.said_to, where, "said_to")

    def check_default_articles(self) -> None:
        """A facts file's top-level `article:` that no evidence item of the file takes (each names its own, or the file
        has none yet) names an article all the same: it passed unchecked, to be taken by the next quote added.  One
        that evidence items take is reported there (`check_evidence`), at the top of the file."""
        unknown = {
            file: article_id
            for file, article_id in self.model.default_articles.items()
            if article_id not in self.model.articles and article_id not in self.unread and is_id(article_id)
        }  # (else the schema said so)
        if not unknown:
            return
        taken = {(record.where.file, item.article) for record in self.model.records() for item in record.evidence}
        for file, article_id in unknown.items():
            if (file, article_id) not in taken:
                message = f"unknown article '{article_id}' (no evidence item of this file takes it)"
                self.error(Where(file, ("article",)), message, Hint("article", article_id))

    def check_article(self, article: Article) -> None:
        where = article.where
        for field_name, value in (("outlet", article.outlet), ("author", article.author)):
            if value is not None and is_id(value):
                self.check_range(field_name, self.article_range[field_name], value, where, field_name)
        if article.text:
            for index, photo in enumerate(article.photos):
                self.check_range("photo", self.article_range["photo"], photo.id, where, "photos", index, "id")
            for path, value in printed_metadata(article):  # each accounts for the sentences it prints
                # A blank one is "blank text", a headline of two lines "one line" (the schema): not also not found.
                if value.strip() and value not in article.text and (path != ("headline",) or is_line(value)):
                    hint = Hint("passage", value, article.id)
                    self.error(where.at(*path), f"{path[-1]} not found verbatim in the text", hint)
            quotes = [item.quote for item in article.ignore]
            for item, found in zip(article.ignore, all_occurrences(article.text, quotes), strict=True):
                if not found and item.quote.strip():
                    hint = Hint("passage", item.quote, article.id)
                    self.error(item.where.at("quote"), "ignored passage not found verbatim in the text", hint)
        after, before = article.published_after, article.published_before
        if after is not None and before is not None and after.earliest > before.latest:
            self.error(
                where.at("published", "before"), f"published before {before} but after {after}: impossible bounds"
            )


def find_cycles(links: dict[str, list[str]]) -> list[list[str]]:
    """One cycle per strongly connected knot of `links` (node → successors), each as a closed path.

    Iterative depth-first search (no recursion limit), nodes and successors in sorted order, so that
    the same links always give the same cycles; linear in the number of links.
    """
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    cycles = []
    for start in sorted(links):
        if start in state:
            continue
        path = [start]
        stack = [iter(sorted(links.get(start, ())))]
        state[start] = 1
        while stack:
            following = next(stack[-1], None)
            if following is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(following) == 1:
                cycles.append([*path[path.index(following) :], following])
            elif following not in state:
                state[following] = 1
                path.append(following)
                stack.append(iter(sorted(links.get(following, ()))))
    return cycles


def _a(class_name: str) -> str:
    """'a Person', 'an Agent': class names in messages read as English."""
    return f"{'an' if class_name[:1].upper() in 'AEIOU' else 'a'} {class_name}"


def _days(event: Event) -> tuple[dt.date, dt.date] | None:
    """The first and last day an event's dates can mean (an open side: any day that way); None when undated."""
    if event.date is not None:
        return event.date.earliest, event.date.latest
    if event.start is None and event.end is None:
        return None
    first = event.start.earliest if event.start is not None else dt.date.min
    return first, event.end.latest if event.end is not None else dt.date.max


def _span_text(days: tuple[dt.date, dt.date]) -> str:
    first = "…" if days[0] == dt.date.min else days[0].isoformat()
    last = "…" if days[1] == dt.date.max else days[1].isoformat()
    return first if first == last else f"{first} – {last}"


def _read_again(text: str, place: int, again: int) -> str | None:
    """What is wrong with a quote found at `place` and `again` (-1: nowhere else) in another line: it is read at its
    first place, which may not be the one meant ("Russia operates the base" in "Moscow denies that Russia operates
    the base" first); the same line printed twice (a headline repeated) is one place.  Only the next occurrence is
    compared: found with the first (`kg.checks.quotes`), it costs a build one more search of each text per quote."""
    if again < 0:
        return None
    first_line, next_line = _line_at(text, place), _line_at(text, again)
    if text[first_line[0] : first_line[1]] == text[next_line[0] : next_line[1]]:
        return None
    here, there = position(text, place)[0], position(text, again)[0]
    return (
        f"quote found in two lines of the text that differ ({here} and {there}): it is read at line {here}, the "
        "first; lengthen it until it names one place"
    )


def _line_at(text: str, index: int) -> tuple[int, int]:
    """Where the line holding character `index` starts and ends."""
    end = text.find("\n", index)
    return text.rfind("\n", 0, index) + 1, len(text) if end < 0 else end


def _name_taken(later: tuple[str, Where, str, bool], first: tuple[str, Where, str, bool]) -> Problem:
    """The problem of a name variant (`later`) that another node's (`first`) already is, located at `later`."""
    node, where, name, alias = later
    spelled = "" if first[2] == name else f" (as '{first[2]}')"
    return Problem(
        where,
        f"{'alias' if alias else 'name'} '{name}' of '{node}' is already {'an alias' if first[3] else 'the name'} of "
        f"'{first[0]}'{spelled}: a name variant must resolve to one entity",
        related=first[1],
    )
