"""`kg terms`: the words a curator may write in the YAML, read from the ontology, with what each takes and
means: the classes an entity's or an event's `type:` names, the relations of a claim's `predicate:`, the
roles under an event's `roles:`, the qualifiers under a claim's `qualifiers:`, and the modalities of an
evidence.  It is what `exports/ontology.html` documents, for a terminal (and `--format markdown`)."""

from __future__ import annotations

from dataclasses import dataclass

from kg.curation.rendering import markdown_cell, text_table
from kg.literals import DATATYPES
from kg.ontology import Ontology
from kg.problems import escaped
from kg.vocab import K


@dataclass(frozen=True)
class Term:
    name: str
    takes: str  # a class's parent ("under Agent"), a property's domain and range ("Agent → Place")
    meaning: str  # the ontology's comment


@dataclass(frozen=True)
class Section:
    title: str  # what the terms are, and where the YAML names them
    terms: tuple[Term, ...]
    names: frozenset[str] = frozenset()  # words that ask for the whole section: its YAML key, what it lists


def vocabulary(ontology: Ontology, word: str | None = None) -> list[Section]:
    """The YAML's vocabulary, section by section; with `word`, the whole sections it names (`modality`,
    `predicate`, `roles`, `type`…), else only the terms whose name or meaning holds it (case aside), and only
    the sections left with some.  ValueError for a word that is empty or blank (an unset variable): it would
    be every term, as asked for none."""
    if word is not None and not word.strip():
        raise ValueError("an empty word: give a word, or none for every term")
    classes = frozenset({"type", "types", "class", "classes"})
    sections = [
        Section(
            "entity classes (`type:` of an entity)",
            _classes(ontology, ontology.entity_classes),
            classes | {"entity class", "entity classes", "entity type", "entity types"},
        ),
        Section(
            "event classes (`type:` of an event)",
            _classes(ontology, ontology.event_classes),
            classes | {"event class", "event classes", "event type", "event types"},
        ),
        Section(
            "relations (`predicate:` of a claim: subject → object or value)",
            _properties(ontology, "relation"),
            frozenset({"predicate", "predicates", "relation", "relations"}),
        ),
        Section(
            "roles (under `roles:` of an event: → what fills it)",
            _properties(ontology, "role"),
            frozenset({"role", "roles"}),
        ),
        Section(
            "qualifiers (under `qualifiers:` of a claim: → what fills it)",
            _properties(ontology, "qualifier"),
            frozenset({"qualifier", "qualifiers"}),
        ),
        Section(
            "modalities (`modality:` of an evidence, firmest first)",
            tuple(Term(m.name, "", m.comment) for m in ontology.modalities),
            frozenset({"modality", "modalities"}),
        ),
    ]
    if word is None:
        return sections
    wanted = word.casefold()
    named = [section for section in sections if " ".join(wanted.replace(":", " ").split()) in section.names]
    if named:
        return named
    kept = [
        Section(s.title, tuple(t for t in s.terms if wanted in t.name.casefold() or wanted in t.meaning.casefold()))
        for s in sections
    ]
    return [section for section in kept if section.terms]


def render_terms(sections: list[Section], output_format: str = "text") -> str:
    """The sections as aligned text tables, or as Markdown tables."""
    parts = []
    for section in sections:
        rows = [(term.name, term.takes, term.meaning) for term in section.terms]
        if output_format == "markdown":
            title = section.title[0].upper() + section.title[1:]
            lines = [f"## {title}", "", "| term | takes | meaning |", "|---|---|---|"]
            lines += ["| " + " | ".join(markdown_cell(cell) for cell in row) + " |" for row in rows]
        else:
            table = text_table(("term", "takes", "meaning"), [tuple(map(escaped, row)) for row in rows])
            lines = [f"{section.title}:", *(f"  {line}" for line in table.splitlines())]
        parts.append("\n".join(lines) + "\n")
    return "\n".join(parts)


def _classes(ontology: Ontology, names: tuple[str, ...]) -> tuple[Term, ...]:
    terms = []
    for name in names:
        cls = ontology.classes[name]
        parents = [p for p in cls.parents if p in ontology.classes and p not in (K.Thing, K.Event, name)]
        terms.append(Term(name, f"under {' and '.join(parents)}" if parents else "", cls.comment))
    return tuple(terms)


def _properties(ontology: Ontology, usage: str) -> tuple[Term, ...]:
    terms = []
    for name in ontology.usable(usage):
        prop = ontology.properties[name]
        target = " or ".join(DATATYPES[r].what if r in DATATYPES else r.rsplit("#", 1)[-1] for r in prop.range)
        target = target or "anything"
        subject = " or ".join(prop.domain) or "anything"  # a claim's subject: any node without a domain
        takes = f"{subject} → {target}" if usage == "relation" else f"→ {target}"  # a role's: its value alone
        terms.append(Term(name, takes, prop.comment))
    return tuple(terms)
