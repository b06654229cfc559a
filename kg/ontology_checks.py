"""What makes the ontology unusable, each reported at the file, line and column of the Turtle that says it.

pyoxigraph locates a syntax error, but a statement it has parsed carries no position.  So the files' text is
kept with the statements read from it, and a statement is found again in it when it is wrong: its subject
where a statement starts (a line that begins with the subject's prefixed name or IRI), its object within
that statement.  A curator writes a term's statements that way; where the text is written otherwise, the
problem is placed at the subject, or at the start of the file that states it.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.limits import MAX_ONTOLOGY_BYTES, megabytes, read_at_most
from kg.literals import DATATYPES
from kg.problems import LocatedProblem, Problem, ValidationFailed, Where, did_you_mean, locate, visible
from kg.vocab import KGO, OWL, RDF, RDFS, XSD, K

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
"""Any RDF term (pyoxigraph's stubs name no such union)."""

Values = dict[str, dict[str, list[Term]]]
"""The kgo terms' statements: local name → predicate IRI → objects."""

TERM_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
"""The form of a kgo term's local name: YAML writes it as a `type:`, a `predicate:`, a role or a qualifier,
and Turtle and SPARQL after `kgo:`; every name of the ontology has it (`Person`, `holdsPosition`)."""

PROPERTY_TYPES = (OWL + "ObjectProperty", OWL + "DatatypeProperty")
USAGES = (K.EventRole, K.ClaimRelation, K.Qualifier)  # a property typed so is used in YAML
USAGE_TYPES = (*USAGES, K.AcyclicRelation)


class OntologyError(ValidationFailed, ValueError):
    """The ontology cannot be used as it is; carries every problem, each at its file, line and column."""

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)

    def __reduce__(self) -> tuple[type[OntologyError], tuple[list[LocatedProblem]]]:
        return OntologyError, (self.problems,)


def refuse(problems: list[Problem]) -> OntologyError:
    return OntologyError(locate(problems))


# ---------------------------------------------------------------------------------------------- the text

_PREFIX = re.compile(r"(?im)^[ \t]*@?prefix[ \t]+([A-Za-z][\w.-]*)?:[ \t]*<([^>]*)>")
_NAME_CHAR = r"\w:%\\\-"  # what a prefixed name may hold (besides a dot within it)
_PARSER_AT = re.compile(
    r"^Parser error (?:at line [0-9]+ (?:column [0-9]+|between columns [0-9]+ and [0-9]+)"
    r"|between line [0-9]+ column [0-9]+ and line [0-9]+ column [0-9]+): "
)
_STATEMENT_START = re.compile(r"(?m)^(?=[^\s#\])(.;,])")


@dataclass
class TurtleFiles:
    """The ontology's statements, and the text of the files they were read from, to find them again in."""

    quads: list[ox.Quad] = field(default_factory=list)
    texts: dict[Path, str] = field(default_factory=dict)
    origin: dict[ox.Triple, Path] = field(default_factory=dict)  # the first file stating each triple
    subject_files: dict[str, list[Path]] = field(default_factory=dict)

    @classmethod
    def read(cls, files: Iterable[Path]) -> TurtleFiles:
        """Every file's statements; OntologyError (every file's problem, located) when one cannot be read."""
        read, problems = cls(), []
        for file in files:
            problem = read._add(file)
            if problem is not None:
                problems.append(problem)
        if problems:
            raise refuse(problems)
        return read

    def _add(self, file: Path) -> Problem | None:
        data = _file_bytes(file)
        if isinstance(data, Problem):
            return data
        if data.startswith(_BOM):
            message = "the file starts with a byte order mark (U+FEFF), which Turtle does not allow"
            return Problem(Where(file), f"{message}: save it as UTF-8 without one", 1, 1)
        try:
            text = data.decode("utf-8")
            quads = list(ox.parse(data, ox.RdfFormat.TURTLE, rename_blank_nodes=True))
        except UnicodeDecodeError as error:
            before = data[: error.start].decode("utf-8", "replace")
            line, column = _position(before, len(before))
            message = f"the file is not UTF-8 text: byte 0x{data[error.start]:02x} is not part of a UTF-8 character"
            return Problem(Where(file), f"{message}: save it as UTF-8", line, column)
        except SyntaxError as error:  # pyoxigraph's Turtle errors carry the line and column
            reason = _PARSER_AT.sub("", error.msg)  # the place is said once, before the message
            return Problem(Where(file), f"ontology syntax error: {reason}", error.lineno or 1, error.offset or 1)
        self.texts[file] = text
        self.quads += quads
        for quad in quads:
            self.origin.setdefault(quad.triple, file)
            files = self.subject_files.setdefault(quad.subject.value, [])
            if file not in files:
                files.append(file)
        return None

    def problem(self, message: str, subject: str, predicate: str | None = None, obj: Term | None = None) -> Problem:
        """`message` at the statement `subject predicate obj`: at `obj` within a statement about `subject` (any
        predicate when None), else at `subject`, else at the start of the file that states it."""
        triple = None
        if predicate is not None and isinstance(obj, ox.NamedNode | ox.BlankNode | ox.Literal):
            triple = ox.Triple(ox.NamedNode(subject), ox.NamedNode(predicate), obj)
        files = self.subject_files.get(subject, [])
        file = self.origin.get(triple) if triple is not None else None
        file = file or (files[0] if files else self.main_file())
        line, column = _position(self.texts.get(file, ""), self._offset(file, subject, obj))
        return Problem(Where(file), message, line, column)

    def main_file(self) -> Path:
        """The file stating the most kgo terms (`kg.ttl`): where a term the code needs is missing from."""
        counts = {file: 0 for file in self.texts}
        for subject, files in self.subject_files.items():
            if subject.startswith(KGO):
                counts[files[0]] += 1
        return max(counts, key=lambda file: counts[file]) if counts else Path(".")

    def _offset(self, file: Path, subject: str, obj: Term | None) -> int:
        text = self.texts.get(file, "")
        subject_at = _spelled(self._spellings(file, subject))
        starts = [m.start() for m in re.finditer(r"(?m)^" + subject_at, text)]
        if obj is not None and (obj_at := self._object_pattern(file, obj)) is not None:
            for start in starts:
                end = _STATEMENT_START.search(text, start + 1)
                found = re.compile(obj_at).search(text, start, end.start() if end else len(text))
                if found:
                    return found.start()
        if starts:
            return starts[0]
        anywhere = re.search(subject_at, text)
        return anywhere.start() if anywhere else 0

    def _object_pattern(self, file: Path, obj: Term) -> str | None:
        if isinstance(obj, ox.NamedNode):
            return _spelled(self._spellings(file, obj.value))
        if isinstance(obj, ox.Literal):
            return re.escape(obj.value)
        return None

    def _spellings(self, file: Path, iri: str) -> list[str]:
        """How `iri` may be written in `file`: in full, or after one of the file's prefixes."""
        spellings = [f"<{iri}>"]
        for prefix, namespace in _prefixes(self.texts.get(file, "")).items():
            if iri.startswith(namespace) and namespace:
                spellings.append(f"{prefix}:{iri[len(namespace) :]}")
        return spellings


def _prefixes(text: str) -> dict[str, str]:
    return {found[1] or "": found[2] for found in _PREFIX.finditer(text)}


def _spelled(spellings: list[str]) -> str:
    """A pattern matching any of `spellings` as a whole term (not the start or the end of a longer name)."""
    alternatives = "|".join(re.escape(spelling) for spelling in spellings)
    return rf"(?<![{_NAME_CHAR}.])(?:{alternatives})(?![{_NAME_CHAR}]|\.[{_NAME_CHAR}])"


_BOM = "\ufeff".encode()


def _file_bytes(file: Path) -> bytes | Problem:
    """The bytes of one ontology file, or why they are not read: every command reads the ontology first, so a
    FIFO held each one forever, and a link to `/dev/zero` read on until the memory ran out."""
    try:
        descriptor = os.open(file, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO: opened without waiting for a writer
    except OSError as error:  # a file that cannot be read, a link that leads to no file
        return Problem(Where(file), f"cannot read the ontology: {error.strerror or error}", 1, 1)
    try:
        info = os.fstat(descriptor)
        if stat.S_ISDIR(info.st_mode):
            return Problem(Where(file), f"cannot read the ontology: {os.strerror(errno.EISDIR)}", 1, 1)
        if not stat.S_ISREG(info.st_mode):
            return Problem(Where(file), "the file is not a regular file (a FIFO, a device): refused, not read", 1, 1)
        most = megabytes(MAX_ONTOLOGY_BYTES)
        if info.st_size > MAX_ONTOLOGY_BYTES:
            message = f"the file is {megabytes(info.st_size)}, more than the {most} allowed for an ontology file"
            return Problem(Where(file), f"{message}: split it", 1, 1)
        with os.fdopen(os.dup(descriptor), "rb") as stream:
            data = read_at_most(stream, info.st_size, MAX_ONTOLOGY_BYTES + 1)
    finally:
        os.close(descriptor)
    if len(data) > MAX_ONTOLOGY_BYTES:  # it grew after the stat
        return Problem(Where(file), f"the file is more than the {most} allowed for an ontology file: split it", 1, 1)
    return data


def _position(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of `offset` in `text`."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


# ---------------------------------------------------------------------------------------------- the checks


VIS_SHAPES = frozenset(
    {
        "dot",
        "diamond",
        "triangle",
        "triangleDown",
        "box",
        "square",
        "star",
        "hexagon",
        "ellipse",
        "circle",
        "database",
        "text",
        "image",
    }
)
"""The vis-network node shapes a class's kgo:displayShape may name."""


_DASHES = re.compile(r"[0-9]+( [0-9]+)*")
"""A kgo:displayDashes: lengths in pixels, separated by spaces."""


def hex_color(value: str) -> str | None:
    """`#rrggbb` (from `#rgb` too) of a kgo:displayColor; None for anything else."""
    digits = value.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return f"#{digits.lower()}" if re.fullmatch(r"[0-9a-fA-F]{6}", digits) else None


@dataclass
class TermChecks:
    """The checks of the kgo terms' statements that come before they are read into classes and properties:
    each finds what would otherwise be silently dropped, misread, or reported in the sources as something
    else (a property typed kgo:ClaimRelation only was "unknown relation 'supplies' — did you mean …")."""

    values: Values
    class_terms: Callable[[Term], list[ox.NamedNode]]  # the named classes a domain or range stands for
    files: TurtleFiles
    problems: list[Problem] = field(default_factory=list)

    def run(self) -> list[Problem]:
        for name, props in self.values.items():
            self.name(name)
            self.kinds(name, self.types(props))
            for predicate in (RDFS + "domain", RDFS + "range"):
                self.single(name, props, predicate)
                self.no_class(name, props, predicate)
            if KGO + K.Modality in self.types(props):
                self.modality(name, props)
            self.value_range(name, props)
            self.display(name, props)
            self.one_line_labels(name, props)
        self.undeclared_classes()
        self.modality_labels()
        self.relation_labels()
        return self.problems

    def types(self, props: dict[str, list[Term]]) -> set[str]:
        return {t.value for t in props.get(RDF + "type", []) if isinstance(t, ox.NamedNode)}

    def at(self, message: str, name: str, predicate: str | None = None, obj: Term | None = None) -> None:
        self.problems.append(self.files.problem(message, KGO + name, predicate, obj))

    def name(self, name: str) -> None:
        if not TERM_NAME.fullmatch(name):
            rule = "a letter, then letters, digits or '_'"
            use = "YAML writes it as a type or a predicate, Turtle and SPARQL after kgo:"
            self.at(f"'{name}' cannot name a kgo term: a term's name is {rule} ({use})", name)

    def kinds(self, name: str, types: set[str]) -> None:
        """A term is a class or a property, and a property is of one kind: YAML names all of them by name."""
        is_class, properties = OWL + "Class" in types, [t for t in PROPERTY_TYPES if t in types]
        if is_class and properties:
            why = "YAML names both by name, so each needs its own"
            message = f"kgo:{name} is declared both a class and a property: {why}"
            self.at(message, name, RDF + "type", ox.NamedNode(properties[0]))
        elif len(properties) == 2:
            why = "a relation points at nodes or holds a value, not both"
            message = f"kgo:{name} is both an owl:ObjectProperty and an owl:DatatypeProperty: {why}"
            self.at(message, name, RDF + "type", ox.NamedNode(properties[1]))
        if RDFS + "Class" in types and not is_class:
            read = f"the builder reads the classes typed owl:Class (kgo:{name} a owl:Class)"
            self.at(f"kgo:{name} is an rdfs:Class: {read}", name, RDF + "type", ox.NamedNode(RDFS + "Class"))
        for usage in USAGE_TYPES:
            if KGO + usage in types and not properties:
                message = f"kgo:{name} is a kgo:{usage} but not an owl:ObjectProperty or owl:DatatypeProperty"
                self.at(message, name, RDF + "type", ox.NamedNode(KGO + usage))

    def single(self, name: str, props: dict[str, list[Term]], predicate: str) -> None:
        values = props.get(predicate, [])
        if len(values) > 1:
            said = "rdfs:domain" if predicate.endswith("domain") else "rdfs:range"
            give = "give one: a class, or an owl:unionOf of classes"
            message = f"kgo:{name} has {len(values)} {said} values: {give}"
            placed = sorted((self.files.problem(message, KGO + name, predicate, v) for v in values), key=_place)
            self.problems.append(placed[1])  # at the second as written (the store keeps them in no such order)

    def no_class(self, name: str, props: dict[str, list[Term]], predicate: str) -> None:
        """A domain or range that is no class and names none (an `owl:unionOf` list that is empty, or loops back
        into itself), which would read as "anything"."""
        for value in props.get(predicate, []):
            if isinstance(value, ox.BlankNode) and not self.class_terms(value):
                said = "rdfs:domain" if predicate.endswith("domain") else "rdfs:range"
                why = "write an owl:unionOf ( … ) of named classes, or one class"
                self.at(f"kgo:{name}'s {said} names no class: {why}", name, predicate)

    def value_range(self, name: str, props: dict[str, list[Term]]) -> None:
        """A relation, role or qualifier to a value has a range whose values the builder can check (kg.literals):
        a range it does not know (xsd:float) would be a type no value is checked against."""
        types = self.types(props)
        if OWL + "ObjectProperty" in types or OWL + "DatatypeProperty" not in types:
            return  # a property of both kinds is reported as such (`kinds`)
        if not any(KGO + usage in types for usage in USAGES):
            return
        for value in props.get(RDFS + "range", [])[:1]:
            if lexical(value) not in DATATYPES:
                shown = _shown(value.value) if isinstance(value, ox.NamedNode) else "a union"
                known = ", ".join(datatype.name for datatype in DATATYPES.values())
                message = f"kgo:{name} has the range {shown}, which no value is checked against: use one of {known}"
                self.at(message, name, RDFS + "range", value)

    def display(self, name: str, props: dict[str, list[Term]]) -> None:
        """How the page draws a class or a modality: a value it cannot use was dropped without a word (a colour
        that is no colour drew the class in the default one)."""
        rules: list[tuple[str, Callable[[str], bool], str]] = [
            (K.displayColor, lambda value: hex_color(value) is not None, "give a colour as #rrggbb (or #rgb)"),
            (K.displayShape, VIS_SHAPES.__contains__, f"give one of {', '.join(sorted(VIS_SHAPES))}"),
            (K.displayDashes, lambda value: bool(_DASHES.fullmatch(value)), "give lengths in pixels, as '5 8'"),
        ]
        for predicate, fits, advice in rules:
            for value in props.get(KGO + predicate, []):
                if not fits(lexical(value)):
                    message = f"kgo:{predicate} of kgo:{name} is '{visible(lexical(value))}': {advice}"
                    self.at(message, name, KGO + predicate, value)

    def one_line_labels(self, name: str, props: dict[str, list[Term]]) -> None:
        """A label (and a modality's mark) is one line of visible text, as a name in the sources is: it titles every
        claim of a relation in the graph and on the page, where a line break, a line separator or a direction
        override reached them raw."""
        for predicate in (RDFS + "label", KGO + K.displayMark):
            for value in props.get(predicate, []):
                text = lexical(value)
                if not text.isprintable() or not text.strip():
                    said = "rdfs:label" if predicate == RDFS + "label" else f"kgo:{K.displayMark}"
                    why = "it is blank" if not text.strip() else "it holds a character that is no visible text"
                    message = f"the {said} '{visible(text)}' of kgo:{name}: {why} (a label is one line of visible text)"
                    self.at(message, name, predicate, value)

    def modality(self, name: str, props: dict[str, list[Term]]) -> None:
        rank, direct = props.get(KGO + K.modalityRank, []), props.get(KGO + K.directTriple, [])
        if not rank or not direct:
            self.at(f"modality kgo:{name} needs a kgo:modalityRank and a kgo:directTriple", name)
            return
        if not re.fullmatch(r"[+-]?[0-9]+", lexical(rank[0])):
            message = f"kgo:modalityRank of kgo:{name} is '{lexical(rank[0])}': give a whole number (1 is the firmest)"
            self.at(message, name, KGO + K.modalityRank, rank[0])
        if lexical(direct[0]) not in ("true", "false"):
            message = f"kgo:directTriple of kgo:{name} is '{lexical(direct[0])}': give true or false"
            self.at(message, name, KGO + K.directTriple, direct[0])

    def modality_labels(self) -> None:
        """Evidence names a modality by its label (`modality: reported`): two with one label cannot be told apart."""
        modalities = {n: modality_label(n, p) for n, p in self.values.items() if KGO + K.Modality in self.types(p)}
        self.one_label_each("modality", modalities)

    def relation_labels(self) -> None:
        """The page's links, its relation filter and a claim's title name a relation, role or qualifier by its
        label: two with one label cannot be told apart there."""
        properties = {OWL + "ObjectProperty", OWL + "DatatypeProperty"}
        labels = {
            name: english_text(props.get(RDFS + "label", [])) or name
            for name, props in self.values.items()
            if self.types(props) & properties
        }
        self.one_label_each("relation", labels)

    def one_label_each(self, kind: str, labels: dict[str, str]) -> None:
        """Each term after the first (in the files' order) that has the label of another."""
        by_label: dict[str, list[str]] = {}
        for name, label in labels.items():
            by_label.setdefault(label, []).append(name)
        for label, names in by_label.items():
            if len(names) < 2:
                continue
            first, *others = sorted(names, key=self.place)
            for name in others:
                message = f"{kind} kgo:{name} has the label '{label}' of kgo:{first}: give each its own"
                self.at(message, name, RDFS + "label", ox.Literal(label))

    def place(self, name: str) -> tuple[str, int, int]:
        """Where a term is first stated: which of two clashing terms comes second."""
        return _place(self.files.problem("", KGO + name))

    def undeclared_classes(self) -> None:
        """A kgo class a statement refers to (a parent, a domain or range, a type) that is declared nowhere: at
        its first reference (a renamed kgo:Facility gave 36 errors in the sources, none in the ontology)."""
        declared = {n for n, props in self.values.items() if self.types(props) & {OWL + "Class", RDFS + "Class"}}
        references: dict[str, list[Problem]] = {}
        for name, props in self.values.items():
            for predicate in (RDFS + "subClassOf", RDFS + "domain", RDFS + "range", RDF + "type"):
                for value in props.get(predicate, []):
                    for cls in self.class_terms(value):
                        local = kgo_local(cls)
                        if local is not None and local not in declared:
                            at = predicate if cls == value else None  # a union's member: within the statement
                            references.setdefault(local, []).append(self.files.problem("", KGO + name, at, cls))
        for local, found in sorted(references.items()):
            first = min(found, key=_place)
            more = f" (and {len(found) - 1} more statement{'s' if len(found) > 2 else ''})" if len(found) > 1 else ""
            hint = did_you_mean(local, declared)
            message = f"kgo:{local} is used as a class here but declared nowhere{more}{hint}"
            self.problems.append(Problem(first.where, message, first.line, first.column))


def _shown(iri: str) -> str:
    return "xsd:" + iri[len(XSD) :] if iri.startswith(XSD) else f"<{iri}>"


def _place(problem: Problem) -> tuple[str, int, int]:
    return str(problem.where.file), problem.line or 1, problem.column or 1


def modality_label(name: str, props: dict[str, list[Term]]) -> str:
    """A modality's name in YAML: its English rdfs:label, or its local name in lower case."""
    return english_text(props.get(RDFS + "label", [])) or name.lower()


def english_text(terms: list[Term]) -> str | None:
    """The English (or untagged) text among `terms` (the least, if several: whatever order they came in), or None."""
    english = [t.value for t in terms if isinstance(t, ox.Literal) and t.language in ("en", None)]
    return min(english) if english else None


def kgo_local(term: ox.NamedNode) -> str | None:
    """The local name of a kgo term; None for another IRI."""
    return term.value[len(KGO) :] if term.value.startswith(KGO) else None


def lexical(term: Term) -> str:
    """The lexical value of an IRI, blank node or literal ('' for a quoted triple)."""
    return "" if isinstance(term, ox.Triple) else term.value
