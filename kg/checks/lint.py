"""`kg lint`: stricter than validation, it checks that each fact is grounded in the quotes cited for it.

Validation (`kg.checks.meaning`) makes sure the sources mean something; these rules look for what a careful
reader of the quotes would object to.  Each rule is a function of one record (a claim or an event) or of one
entity, and each finding starts with its rule's name:

* `ungrounded`: a subject, object, role filler or qualifier named (by a name or an alias, as whole words)
  in none of the record's quotes nor the sentences holding them; a literal value with words they do not print;
* `place-not-located`: a place other than a country that no `locatedIn` claim places;
* `actor-without-affiliation`: a government body, armed force or armed group, or a person acting in the
  story, with no `memberOf`, `affiliatedWith`, `leads`, `governs` or `actsFor` claim linking it to a state or an
  organisation;
* `modality-words`: an `asserted` quote that says "reportedly", "may", "according to", "denied"…; a `hedged` quote
  whose sentence has no word of hedging, or a `reported` one with neither a word of reporting nor a `via`;
* `date-not-printed`: a year, month or day of a date that no sentence of the quotes prints and `inferred:`
  does not list.

A curator spares one record or entity a rule with a reason, `lint: {ungrounded: "'he' is Assad"}`.  A mark
that spares nothing is a finding too (`unused-mark`): marks go when the sources no longer need them.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property

from kg.checks.coverage import Sentence, occurrences, split_sentences
from kg.checks.names import QUOTE_MARKS, NameFinder
from kg.dates import PRECISIONS, Date
from kg.model import Claim, Entity, Event, Evidence, Model
from kg.ontology import Ontology
from kg.problems import Problem
from kg.sources.schema import LINT_RULES, UNUSED_LINT_MARK
from kg.vocab import K, M

RULES = LINT_RULES
"""Every rule, in the order `kg lint` counts their findings (a record may be spared those of
`kg.sources.schema.RECORD_LINT_RULES`, an entity those of `ENTITY_LINT_RULES`)."""
UNUSED_MARK = UNUSED_LINT_MARK

LOCATED_IN = K.locatedIn
AFFILIATIONS = (K.memberOf, K.affiliatedWith, K.leads, K.governs, K.actsFor)
"""The relations that say whom an agent acts for or belongs to."""
ORGANISED = (K.GovernmentBody, K.MilitaryForce, K.ArmedGroup)
"""Organisations that act for a state or a movement; news outlets, companies and international organisations
act in their own right."""
REPORTING_EVENTS = (K.Publication, K.Statement, K.Interview)
"""Events that are a report or a saying: "Reuters reported on Jan. 28" is the fact they record, not a hedge."""
DENYING_EVENTS = (K.Refusal,)
"""Events that are a refusal: "this request was denied" is the fact they record, not a denial of it."""


def lint_model(model: Model, ontology: Ontology, rules: Iterable[str] = (*RULES, UNUSED_MARK)) -> list[Problem]:
    """The findings of `rules` on a validated `model`, each at the YAML field it is about, its message
    starting with `[rule]`.  A record or entity marked `lint: {rule: reason}` is spared that rule; a mark
    that spares nothing is a finding of its own, `[unused-mark]`: given for the marks of the rules chosen,
    and for every mark when `unused-mark` is chosen (every rule then runs, to tell)."""
    chosen = set(rules)
    if unknown := chosen - {*RULES, UNUSED_MARK}:
        choices = ", ".join((*RULES, UNUSED_MARK))
        raise ValueError(f"unknown lint rule(s) {', '.join(sorted(unknown))}: the rules are {choices}")
    running = set(RULES) if UNUSED_MARK in chosen else chosen
    lint = _Lint(model, ontology)
    problems: list[Problem] = []
    for entity in model.entities.values():
        found = {rule: check(entity, lint) for rule, check in _ENTITY_RULES.items() if rule in running}
        problems += _spared(entity, found, chosen)
    for record in model.records():
        found = {rule: check(record, lint) for rule, check in _RECORD_RULES.items() if rule in running}
        problems += _spared(record, found, chosen)
    return problems


def rule_of(message: str) -> str:
    """The rule a finding's message names: `[ungrounded] …` → `ungrounded`."""
    return message[1 : message.index("]")]


def _spared(target: Entity | Event | Claim, found: dict[str, list[Problem]], chosen: set[str]) -> list[Problem]:
    """What each chosen rule found on `target`, but for what its marks spare; and the marks that spare nothing,
    of the chosen rules (of every rule, with `unused-mark` chosen).

    A mark spares the findings of its rule at one place: `lint: {rule: reason}` those at the one field the rule
    finds something at; `lint: {rule: {field: reason}}` those at the field named, at one of its fillers when it is a
    role or qualifier; `lint: {rule: {field: {filler: reason}}}` those at each filler named.  A mark of the whole
    record spared every finding of its rule, so that a new mistake at another field (a place changed, a participant
    added) was spared too by a reason written for something else; so did a mark of a role, for a filler added to it.
    Where the rule finds something at a second field (a second filler), every finding is given, with the mark's
    own."""
    problems = []
    marks: dict[str, dict[str, str]] = {}  # rule → "" (the record), "about" (a field), "about russia" (a filler)
    for rule, reason, field in target.lint:
        marks.setdefault(rule, {})[field] = reason
    for rule, findings in found.items():
        marked = marks.get(rule, {})
        places = [_place_of(finding, target) for finding in findings]
        at_field: dict[str, list[tuple[Problem, str]]] = {}  # the findings no filler's mark spares, by field
        for finding, (field, filler) in zip(findings, places, strict=True):
            if not (filler and f"{field} {filler}" in marked):
                at_field.setdefault(field, []).append((finding, filler))
        left: dict[str, list[Problem]] = {}  # the findings no field's mark spares either, by field
        for field, items in at_field.items():
            fillers = sorted({filler for _, filler in items})
            if not field or field not in marked:
                left[field] = [finding for finding, _ in items]
            elif len(fillers) > 1 and rule in chosen:
                problems += [finding for finding, _ in items]
                message = (
                    f"[{rule}] a mark of '{field}' excuses the findings at one of its fillers, and '{rule}' finds some "
                    f'at {", ".join(fillers)}: give each filler its reason (`{field}: {{{fillers[0]}: "why …"}}`), '
                    "and mend the others"
                )
                problems.append(Problem(target.where.at("lint", rule, field), message))
        whole = "" in marked  # a mark of the record: it spares the one field left
        if whole and len(left) > 1:
            if rule in chosen:
                problems += [finding for items in left.values() for finding in items]
                message = (
                    f"[{rule}] a mark excuses the findings at one field, and '{rule}' finds some at "
                    f'{", ".join(sorted(left))}: give each field its reason (`{rule}: {{field: "why …"}}`), and '
                    "mend the others"
                )
                problems.append(Problem(target.where.at("lint", rule), message))
            continue
        if rule in chosen and not whole:
            problems += [finding for items in left.values() for finding in items]
        used = {f"{field} {filler}" for field, filler in places if filler} | set(at_field)  # marks with findings
        if left:
            used.add("")
        unused = [key for key in marked if key not in used]
        if unused and (rule in chosen or UNUSED_MARK in chosen):
            for key in unused:
                steps = key.split(" ", 1) if key else []
                at = target.where.at("lint", rule, *steps)
                where = f" at '{steps[0]}'" + (f" for '{steps[1]}'" if len(steps) > 1 else "") if steps else " here"
                message = f"[{UNUSED_MARK}] '{rule}' finds nothing to excuse{where}: remove the mark"
                problems.append(Problem(at, message))
    return problems


def _place_of(finding: Problem, target: Entity | Event | Claim) -> tuple[str, str]:
    """The field of `target` a finding is at, as a mark names it, and the filler there if any: a role or
    qualifier by its name (`about`) and the filler it finds something at (`russia`), anything else by its key
    (`subject`, `evidence`) alone."""
    path = finding.where.path[len(target.where.path) :]
    if len(path) > 2 and path[0] in ("roles", "qualifiers") and isinstance(path[2], int):
        pairs = dict(target.qualifiers if isinstance(target, Claim) else getattr(target, "roles", ()))
        values = pairs.get(str(path[1]), ())
        return str(path[1]), values[path[2]] if path[2] < len(values) else ""
    if len(path) > 1 and path[0] in ("roles", "qualifiers"):
        return str(path[1]), ""
    return (str(path[0]) if path else ""), ""


# ---------------------------------------------------------------------------- the sentences around the quotes

_PLAIN = {**QUOTE_MARKS, ord("\u00a0"): " "}  # the validator's quote marks, and no-break spaces


def _normal(text: str) -> str:
    """`text` with typographic quote marks and dashes made plain and spaces collapsed, for matching."""
    return " ".join(text.translate(_PLAIN).split())


@dataclass(frozen=True, slots=True)
class _Passage:
    """A sentence holding (part of) a quote: its article, its span in the article's text, its text (normal)."""

    article: str
    start: int
    end: int
    text: str


class _Lint:
    """The model and its ontology, with what the rules share: the sentences holding each quote, the names of
    each node as a pattern, who is located and who is affiliated."""

    def __init__(self, model: Model, ontology: Ontology):
        self.model = model
        self.ontology = ontology
        self._sentences: dict[str, tuple[list[int], list[Sentence]]] = {}
        self._passages: dict[tuple[str, str], list[_Passage]] = {}
        self._named: dict[str, set[str]] = {}

    def passages(self, evidence: Evidence) -> list[_Passage]:
        """The sentences holding each occurrence of the quote in its article (the quote alone, if it is not
        there: a model that does not validate)."""
        key = (evidence.article, evidence.quote)
        if key not in self._passages:
            article = self.model.articles.get(evidence.article)
            text = article.text if article else ""
            if evidence.article not in self._sentences:
                sentences = list(split_sentences(text))
                self._sentences[evidence.article] = ([s.end for s in sentences], sentences)
            ends, sentences = self._sentences[evidence.article]
            found: dict[int, _Passage] = {}
            for start, end in occurrences(text, evidence.quote):
                index = bisect.bisect_right(ends, start)
                while index < len(sentences) and sentences[index].start < end:
                    sentence = sentences[index]
                    found[index] = _Passage(evidence.article, sentence.start, sentence.end, _normal(sentence.text))
                    index += 1
            alone = _Passage(evidence.article, -1, -1, _normal(evidence.quote))
            self._passages[key] = list(found.values()) or [alone]
        return self._passages[key]

    def context(self, record: Event | Claim) -> list[_Passage]:
        """Every sentence holding a quote of `record`, once."""
        return list(dict.fromkeys(p for item in record.evidence for p in self.passages(item)))

    @cached_property
    def finder(self) -> NameFinder:
        """Every name of every node (entities and events)."""
        return NameFinder((node.id, name) for node in self.model.nodes() for name in node.names)

    def named(self, passage: _Passage) -> set[str]:
        """The nodes `passage` names, by any of their names (kg.checks.names: case aside, but for names in
        capitals: "US" is not "us")."""
        if passage.text not in self._named:
            self._named[passage.text] = self.finder.owners(passage.text)
        return self._named[passage.text]

    @cached_property
    def anchors(self) -> dict[str, list[tuple[str, int, int]]]:
        """Node id → (article, start, end) of the passages that stand for it without naming it: an event's own
        quotes (its name is the curator's; its quotes are how the articles put it) and a photo's caption and
        credit (a caption does not name its photo: it is the photo's)."""
        found: dict[str, list[tuple[str, int, int]]] = {}
        for event in self.model.events.values():
            for item in event.evidence:
                article = self.model.articles.get(item.article)
                text = article.text if article else ""
                found.setdefault(event.id, []).extend((item.article, s, e) for s, e in occurrences(text, item.quote))
        for article in self.model.articles.values():
            for photo in article.photos:
                for piece in (photo.caption, photo.credit or ""):
                    spans = occurrences(article.text, piece)
                    found.setdefault(photo.id, []).extend((article.id, s, e) for s, e in spans)
        return found

    def anchored(self, node_id: str, passages: list[_Passage]) -> bool:
        """Whether one of `passages` overlaps a passage that stands for the node (`anchors`)."""
        return any(
            article == passage.article and start < passage.end and passage.start < end
            for article, start, end in self.anchors.get(node_id, ())
            for passage in passages
        )

    @cached_property
    def located(self) -> frozenset[str]:
        return frozenset(claim.subject for claim in self.model.claims.values() if claim.predicate == LOCATED_IN)

    @cached_property
    def affiliated(self) -> frozenset[str]:
        """Every agent that an AFFILIATIONS claim links to a state or an organisation."""
        return frozenset(
            claim.subject
            for claim in self.model.claims.values()
            if claim.predicate in AFFILIATIONS
            and claim.object is not None
            and (kind := self.model.node_type(claim.object)) is not None
            and self.ontology.is_a(kind, (K.Country, K.Organization))
        )

    @cached_property
    def acting(self) -> frozenset[str]:
        """Every node that acts in the story: the subject of a claim, a role filler, a source cited (`via`).
        Not a photographer credited or an author in a byline."""
        found = {claim.subject for claim in self.model.claims.values()}
        for record in self.model.records():
            found.update(agent for item in record.evidence for agent in item.via)
        for event in self.model.events.values():
            found.update(value for _, values in event.roles for value in values)
        return frozenset(found)


# ---------------------------------------------------------------------------- ungrounded

_STOP_WORDS = frozenset(
    {
        *("the", "and", "for", "with", "from", "that", "this", "its", "their", "them", "they", "his", "her"),
        *("our", "has", "have", "had", "was", "were", "are", "will", "would", "can", "not", "but", "all", "any"),
        *("some", "into", "than", "after", "before", "only", "also", "about", "over", "under", "who", "which"),
        *("what", "when", "where"),
    }
)


def _stems(text: str) -> set[str]:
    """The content words of `text`, case aside and a plural or tense ending off: "footholds" is "foothold"."""
    stems = set()
    for word in re.findall(r"\w+", _normal(text).casefold()):
        if len(word) < 3 or word in _STOP_WORDS:
            continue
        for suffix in ("ing", "ed", "es", "s"):
            if word.endswith(suffix) and not word.endswith("ss") and len(word) - len(suffix) >= 4:
                word = word[: -len(suffix)]
                break
        stems.add(word)
    return stems


def _unprinted(value: str, texts: Iterable[str]) -> list[str]:
    """The content words of a literal `value` that none of `texts` prints, as the same word or a longer form
    of it ("reduc", of "reduced", is printed in "reduction")."""
    printed = set().union(*(_stems(text) for text in texts))
    return sorted(
        stem
        for stem in _stems(value)
        if stem not in printed and not (len(stem) >= 5 and any(word.startswith(stem) for word in printed))
    )


def _ungrounded(record: Event | Claim, lint: _Lint) -> list[Problem]:
    passages = lint.context(record)
    problems = []
    for path, what, value, is_node in _said(record, lint.ontology):
        if is_node:
            node = lint.model.node(value)
            if node is None:
                continue  # an unknown id: validation reports it
            if any(value in lint.named(p) for p in passages) or lint.anchored(value, passages):
                continue
            names = ", ".join(f"'{name}'" for name in node.names[:3]) + (" …" if len(node.names) > 3 else "")
            message = f"{what} '{value}' is not named in any quote nor the sentence holding it (as {names})"
        else:
            missing = _unprinted(value, (p.text for p in passages))
            if not missing:
                continue
            words = ", ".join(f"'{word}'" for word in missing[:5])
            message = f'{what} "{value}" is not printed in any quote nor the sentence holding it (no {words})'
        problems.append(Problem(record.where.at(*path), f"[ungrounded] {message}"))
    return problems


def _said(record: Event | Claim, ontology: Ontology) -> list[tuple[tuple[str | int, ...], str, str, bool]]:
    """(YAML path, what it is, value, whether it is a node id) of everything `record` says of the world."""
    found: list[tuple[tuple[str | int, ...], str, str, bool]] = []
    if isinstance(record, Claim):
        found.append((("subject",), "subject", record.subject, True))
        if record.object is not None:
            found.append((("object",), "object", record.object, True))
        if record.value is not None:
            found.append((("value",), "value", record.value, False))
        pairs, field, kind = record.qualifiers, "qualifiers", "qualifier"
    else:
        pairs, field, kind = record.roles, "roles", "role"
    for name, values in pairs:
        prop = ontology.properties.get(name)
        is_node = prop is None or not prop.is_datatype
        found.extend(((field, name, index), f"{kind} '{name}'", value, is_node) for index, value in enumerate(values))
    return found


# ---------------------------------------------------------------------------- places and actors


def _place_not_located(entity: Entity, lint: _Lint) -> list[Problem]:
    ontology = lint.ontology
    if not ontology.is_a(entity.type, K.Place) or ontology.is_a(entity.type, K.Country) or entity.id in lint.located:
        return []
    message = f"[place-not-located] '{entity.id}' ({entity.type}) is the subject of no '{LOCATED_IN}' claim"
    return [Problem(entity.where.at("id"), message)]


def _actor_without_affiliation(entity: Entity, lint: _Lint) -> list[Problem]:
    ontology = lint.ontology
    organised = ontology.is_a(entity.type, ORGANISED)
    if not (organised or (ontology.is_a(entity.type, K.Person) and entity.id in lint.acting)):
        return []
    if entity.id in lint.affiliated:
        return []
    message = (
        f"[actor-without-affiliation] '{entity.id}' ({entity.type}) has no {', '.join(AFFILIATIONS[:-1])} or "
        f"{AFFILIATIONS[-1]} claim linking it to a state or an organisation: whom does it act for?"
    )
    return [Problem(entity.where.at("id"), message)]


# ---------------------------------------------------------------------------- modality words


def _cues(*words: str) -> re.Pattern[str]:
    """Any of `words` as whole words, case aside; but "may" in lower case only ("May" is a month)."""
    alternatives = (word if word == "may" else "(?i:" + word.replace(" ", r"\s+") + ")" for word in words)
    return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)")


_SAYS_REPORTED = _cues("reportedly", "according to", "reported", "allegedly", "said to", "cited by", "citing")
_SAYS_DENIED = _cues(
    *("denied", "denies", "deny", "denying", "not true", "untrue", "rejected", "rejects", "refuted", "dismissed"),
)
_SAYS_HEDGED = _cues("may", "might", "could", "possibly", "perhaps", "plans to", "suggests", "speculation")
_ANY_REPORTING = _cues(
    *("reportedly", "according to", "reported", "report", "reports", "allegedly", "said", "says", "say", "told"),
    *("writes", "wrote", "cited", "citing", "stated", "announced", "indicated", "source", "sources", "information"),
)
_ANY_HEDGING = _cues(
    *("may", "might", "could", "would", "possibly", "possible", "possibility", "perhaps", "plans to", "suggest"),
    *("suggests", "suggested", "speculation", "theories", "seems", "seem", "if", "whether", "depend", "depends"),
    *("potential", "likely", "unlikely", "not confirm"),
)


def _modality_words(record: Event | Claim, lint: _Lint) -> list[Problem]:
    """A quote's words against its modality: `asserted` and "reportedly", "may", "denied"…, unless the words are
    part of the fact (a claim's value that says "could", a report's "reported", a refusal's "denied"); `hedged`
    (`denied`; `reported` without a `via`) with no word of hedging (of denial; of reporting) in the quote's
    sentence."""
    reporting_event = isinstance(record, Event) and lint.ontology.is_a(record.type, REPORTING_EVENTS)
    denying_event = isinstance(record, Event) and lint.ontology.is_a(record.type, DENYING_EVENTS)
    value = _normal(record.value) if isinstance(record, Claim) and record.value else ""
    says = ((_SAYS_HEDGED, M.hedged),) if reporting_event else ((_SAYS_REPORTED, M.reported), (_SAYS_HEDGED, M.hedged))
    if not (reporting_event or denying_event):  # a denial said or refused is their fact, not a denial of it
        says = ((_SAYS_DENIED, M.denied), *says)
    problems = []
    for item in record.evidence:
        message = None
        if item.modality == M.asserted:
            quote = _normal(item.quote)
            for pattern, modality in says:
                own = {found.casefold() for found in pattern.findall(value)}
                cue = next((found for found in pattern.findall(quote) if found.casefold() not in own), None)
                if cue is not None:
                    message = f'the quote says "{cue}" but its modality is asserted: {modality}?'
                    break
        elif item.modality in (M.hedged, M.denied) or (item.modality == M.reported and not item.via):
            pattern, kind = _ANY_WORD_OF[item.modality]
            if not any(pattern.search(passage.text) for passage in lint.passages(item)):
                message = f"modality {item.modality}, but the quote's sentence has no word of {kind}"
        if message is not None:
            problems.append(Problem(item.where.at("modality"), f"[modality-words] {message}"))
    return problems


_ANY_DENIAL = _cues(
    *("not", "no", "never", "nothing", "none", "neither", "nor", "yet to", "denied", "denies", "deny", "denying"),
    *("rejected", "rejects", "refuted", "dismissed", "untrue", "false", "baseless", "unfounded", "fake"),
    r"\w+n['’]t",  # didn't, isn't, won't
)
_ANY_WORD_OF = {
    M.hedged: (_ANY_HEDGING, "hedging"),
    M.reported: (_ANY_REPORTING, "reporting"),
    M.denied: (_ANY_DENIAL, "denial"),
}
"""The words a quote's sentence of each modality is expected to hold one of, and what they are words of."""


# ---------------------------------------------------------------------------- dates

_MONTHS = (
    ("January", "Jan"),
    ("February", "Feb"),
    ("March", "Mar"),
    ("April", "Apr"),
    ("May",),
    ("June", "Jun"),
    ("July", "Jul"),
    ("August", "Aug"),
    ("September", "Sept", "Sep"),
    ("October", "Oct"),
    ("November", "Nov"),
    ("December", "Dec"),
)


def _month(number: int) -> str:
    """The month as printed: its name or abbreviation, capitalised ("march" and "may" are verbs)."""
    names = (rf"{name}\.?" if len(name) < 5 and name != "May" else name for name in _MONTHS[number - 1])
    return rf"(?<!\w)(?:{'|'.join(names)})(?!\w)"


def printed_parts(date: Date, text: str) -> set[str]:
    """The parts of `date` (year, month, day) that `text` prints: the year in four digits, the month by its
    name or abbreviation, the day as a number next to its month ("Jan. 28", "28th of January"); or ISO."""
    year, *rest = (int(part) for part in date.value.split("-"))
    found = set()
    if re.search(rf"(?<![\w-]){year}(?!\d)", text):
        found.add("year")
    if rest:
        month = _month(rest[0])
        iso = rf"(?<!\d){year}-{rest[0]:02d}"
        if re.search(month, text) or re.search(iso, text):
            found.add("month")
        if len(rest) > 1:
            day = rf"0?{rest[1]}(?:st|nd|rd|th)?"
            if (
                re.search(rf"{month}\s+{day}(?!\d)", text)
                or re.search(rf"(?<![\d.,]){day}\s+(?:of\s+)?{month}", text)
                or re.search(rf"{iso}-{rest[1]:02d}(?!\d)", text)
            ):
                found.add("day")
    return found


def _date_not_printed(record: Event | Claim, lint: _Lint) -> list[Problem]:
    texts = [passage.text for passage in lint.context(record)]
    problems = []
    for field, date in (("date", record.date), ("start", record.start), ("end", record.end)):
        if date is None:
            continue
        printed = set().union(*(printed_parts(date, text) for text in texts))
        parts = PRECISIONS[: PRECISIONS.index(date.precision) + 1]
        missing = [part for part in parts if part not in printed and part not in date.inferred]
        if missing:
            what = " and ".join(missing)
            inferred = [part for part in PRECISIONS if part in missing or part in date.inferred]
            written = f"{{value: {date.value}, inferred: [{', '.join(inferred)}]}}"  # the whole date, as it is to be
            mark = f"mark {'them' if len(missing) > 1 else 'it'} inferred"
            if missing == ["day"] and (days := days_printed(date, texts)):  # another day of its month: a typo?
                shown = " or ".join(f"{date.value[:7]}-{day:02d}" for day in days)
                mark = f"they print {shown}: is that the {field}? If not, {mark}"
            problems.append(
                Problem(
                    record.where.at(field),
                    f"[date-not-printed] the {what} of {date.value} {'are' if len(missing) > 1 else 'is'} printed "
                    f"in no sentence of its quotes: {mark}, {field}: {written}",
                )
            )
    return problems


def days_printed(date: Date, texts: Iterable[str]) -> list[int]:
    """The days `texts` print next to the month of `date` ("March 14", "14th of March"), in order."""
    month = _month(int(date.value.split("-")[1]))
    day = r"(\d{1,2})(?:st|nd|rd|th)?"
    found: set[int] = set()
    for text in texts:
        for pattern in (rf"{month}\s+{day}(?!\d)", rf"(?<![\d.,]){day}\s+(?:of\s+)?{month}"):
            found.update(int(match) for match in re.findall(pattern, text) if 1 <= int(match) <= 31)
    return sorted(found)


# ---------------------------------------------------------------------------- the rules by what they check

_RECORD_RULES: dict[str, Callable[[Event | Claim, _Lint], list[Problem]]] = {
    "ungrounded": _ungrounded,
    "modality-words": _modality_words,
    "date-not-printed": _date_not_printed,
}
_ENTITY_RULES: dict[str, Callable[[Entity, _Lint], list[Problem]]] = {
    "place-not-located": _place_not_located,
    "actor-without-affiliation": _actor_without_affiliation,
}
