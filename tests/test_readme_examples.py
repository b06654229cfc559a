"""Docs that run: every SPARQL example and every node name in README.md, against the real corpus's build.

The README is parsed when the tests run, so an example added to it is tested without being listed here.

Examples:
- `kg query …` command lines, in ```bash blocks, in `$ ` lines of ```console and plain blocks, and inline
  (`kg query -e '…'`): run as `kg query` itself (exit status 0), the query also counted in the same store;
- `curl … --data-urlencode 'query=…'` (the `kg serve` examples): with no predeclared prefix, as over HTTP;
- ```sparql blocks, and `.query("…")` calls in ```python blocks (`kg.rdf_graph()`: prefixes come bound);
- inline code that is one triple pattern (`kg:russia kgo:operates kg:tartus-naval-base`, `?x a kgo:Agent`).
A SELECT must return a row, a CONSTRUCT or DESCRIBE a triple and an ASK true, unless the README says on
the example's line (or in the output it shows) that it gives nothing: `(0 rows)`, "returns nothing", `false`.
Placeholders are not examples: a query or an argument holding `…`, a file named in capitals (`FILE.rq`).
The tutorial's console blocks are left to tests/test_tutorial.py, which runs them in a fresh clone.

Node names, each the subject of a triple of the graph or the ontology:
- every `kg:`, `kga:`, `kgc:`, `kge:` and `kgo:` name anywhere in the README;
- the page's deep links, `#node=<id>` and `#article=<id>`;
- in ```yaml blocks: ids and references (`id:`, `subject:`, `object:`, `article:`, `via:`, roles…), and the
  classes, relations and roles they name (`type:`, `predicate:`, the keys under `roles:`).
Every failure names its README line.
"""

from __future__ import annotations

import argparse
import ast
import re
import shlex
import textwrap
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

import kg
from kg.cli import parser
from kg.query.sparql import QueryError, run
from kg.query.store import open_store
from kg.vocab import KGO

from .conftest import ONTOLOGY, ROOT
from .sparql_helpers import kg_query
from .test_tutorial import section

README = ROOT / "README.md"
PROJECT_PREFIXES = ("kg", "kga", "kgc", "kge", "kgo")
STANDARD_PREFIXES = ("rdf", "rdfs", "xsd", "owl", "skos", "prov", "oa", "schema", "sem", "dcterms")

_FENCE = re.compile(r"^\s*```\s*([\w-]*)\s*$")
_INLINE = re.compile(r"`([^`\n]+)`")
_NOTHING = re.compile(r"\(0 rows\)|\breturns? nothing\b|\bno rows\b|\bfalse\b")
_PLACEHOLDER_FILE = re.compile(r"[A-Z][A-Z_]*(\.rq)?")
_SEPARATORS = {"|", "||", "&&", ";", "&", ">", ">>", "2>", "<"}
_CURL_DATA = {"--data-urlencode", "--data", "--data-raw", "--data-binary", "-d"}
_NAME = re.compile(rf"(?<![\w:/#.-])({'|'.join(PROJECT_PREFIXES)}):([A-Za-z0-9](?:[\w.-]*\w)?)")
_DEEP_LINK = re.compile(r"[#&](node|article)=([a-z0-9][a-z0-9-]*)")
_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
_ID_LIST = re.compile(r"`\[([a-z0-9][a-z0-9-]*(?:, [a-z0-9][a-z0-9-]*)*)\]`")
_TERM = rf"\?\w+|a|(?:{'|'.join(PROJECT_PREFIXES + STANDARD_PREFIXES)}):[\w.-]*\w"
_TRIPLE_PATTERN = re.compile(rf"({_TERM}) ({_TERM}) ({_TERM})")
_YAML_KEY = re.compile(r"^(\s*)(?:-\s+)?([A-Za-z_]+):\s*(.*?)\s*(?:#.*)?$")
_YAML_REFERENCES = {"id", "subject", "object", "article", "outlet", "author", "via", "said_to", "conflicts_with"}
_YAML_TERMS = {"type", "predicate"}


@dataclass(frozen=True)
class Block:
    """A fenced block of the README: its language, the line of its first content line, its lines."""

    lang: str
    first: int
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Example:
    """One SPARQL example, where it is in the README and how it is meant to run."""

    line: int
    kind: str  # "kg query", "curl", "sparql", "python", "pattern"
    query: str | None  # None for a `kg query` command line: its query comes from its arguments
    argv: tuple[str, ...] = ()  # the arguments after `kg query`
    prefixed: bool = True  # the project's prefixes are predeclared (not over HTTP)
    nothing: bool = False  # the README says it gives nothing
    problem: str = ""  # why it could not even be read

    def __str__(self) -> str:
        return f"README.md:{self.line} {self.kind}"


@dataclass(frozen=True)
class Name:
    """A node the README names, as a prefixed name, at a line."""

    line: int
    name: str  # kg:russia, kgo:Meeting…
    alternatives: tuple[str, ...] = ()  # other prefixed names it may be (a YAML id: kg:, kga: or kgc:)


# ---------------------------------------------------------------------------- reading the README


def blocks(lines: list[str]) -> tuple[list[Block], set[int]]:
    """The fenced blocks, and the numbers of every line inside a fence (fences included)."""
    found: list[Block] = []
    fenced: set[int] = set()
    opened: tuple[str, int] | None = None
    for number, line in enumerate(lines, 1):
        match = _FENCE.match(line)
        if opened is None and match:
            opened = (match.group(1), number)
        elif opened is not None and line.strip() == "```":
            lang, start = opened
            found.append(Block(lang, start + 1, tuple(lines[start : number - 1])))
            fenced.update(range(start, number + 1))
            opened = None
    assert opened is None, f"README.md:{opened[1]}: a fenced block that never closes"
    return found, fenced


def tutorial_lines(text: str) -> range:
    """The line numbers of the tutorial's section (its console blocks are run by test_tutorial.py)."""
    start, end = section(text)
    return range(text.count("\n", 0, start) + 1, text.count("\n", 0, end) + 2)


def commands(block: Block) -> Iterator[tuple[int, str, str]]:
    """(line, command, output shown after it) for each command of a shell block.

    A console or plain block's commands are its `$ ` lines, a bash block's every line; `\\` continues a line.
    """
    console = block.lang in ("", "console")
    pending: list[str] = []
    start = 0
    for index, raw in enumerate(block.lines):
        line = raw.strip()
        if not pending:
            if line.startswith("$ "):
                line = line[2:]
            elif console or not line:
                continue
            start = block.first + index
        pending.append(line.removesuffix("\\").strip())
        if line.endswith("\\"):
            continue
        shown = []
        for following in block.lines[index + 1 :]:
            if not console or following.startswith("$ "):
                break
            shown.append(following)
        yield start, " ".join(pending), "\n".join(shown)
        pending = []


def command_examples(line: int, command: str, shown: str = "") -> Iterator[Example]:
    """The `kg query` or `curl … query=…` in one command line, if any."""
    if "query" not in command:
        return
    nothing = bool(_NOTHING.search(command) or _NOTHING.search(shown))
    try:
        tokens = shlex.split(command, comments=True)
    except ValueError as error:
        yield Example(line, "command", None, problem=f"cannot split {command!r}: {error}")
        return
    for index, token in enumerate(tokens):
        if token == "query" and index > 0 and (tokens[index - 1] == "kg" or tokens[index - 1].endswith("/kg")):
            argv: list[str] = []
            for argument in tokens[index + 1 :]:
                if argument in _SEPARATORS:
                    break
                argv.append(argument)
            if not argv or any("…" in argument or _PLACEHOLDER_FILE.fullmatch(argument) for argument in argv):
                continue  # `kg query` named, or a form (`kg query FILE.rq`, `-e 'SELECT …'`): not an example
            yield Example(line, "kg query", None, tuple(argv), nothing=nothing)
        elif token in _CURL_DATA and index + 1 < len(tokens) and tokens[index + 1].startswith("query="):
            text = tokens[index + 1].removeprefix("query=")
            query = text if token == "--data-urlencode" else urllib.parse.unquote_plus(text)
            if "…" not in query:
                yield Example(line, "curl", query, prefixed=False, nothing=nothing)


def python_examples(block: Block) -> Iterator[Example]:
    """The string given to each `.query(…)` call of a Python block."""
    try:
        tree = ast.parse(textwrap.dedent("\n".join(block.lines)))
    except SyntaxError as error:
        yield Example(block.first + (error.lineno or 1) - 1, "python", None, problem=f"not Python: {error}")
        return
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "query"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            line = block.first + node.lineno - 1
            yield Example(
                line, "python", node.args[0].value, nothing=bool(_NOTHING.search(block.lines[node.lineno - 1]))
            )


def examples(text: str) -> list[Example]:
    """Every SPARQL example of the README, in the order it shows them."""
    lines = text.splitlines()
    found, fenced = blocks(lines)
    tutorial = tutorial_lines(text)
    result: list[Example] = []
    for block in found:
        if block.lang in ("", "console", "bash", "sh", "shell") and not (
            block.lang == "console" and block.first in tutorial
        ):
            for line, command, shown in commands(block):
                result.extend(command_examples(line, command, shown))
        elif block.lang in ("sparql", "rq"):
            body = "\n".join(block.lines)
            result.append(Example(block.first, "sparql", body, nothing=bool(_NOTHING.search(body.split("\n")[0]))))
        elif block.lang == "python":
            result.extend(python_examples(block))
    for number, line in enumerate(lines, 1):
        if number in fenced:
            continue
        for span in _INLINE.findall(line):
            if span.startswith("kg query"):
                result.extend(command_examples(number, span))
            elif pattern := _TRIPLE_PATTERN.fullmatch(span):
                terms = " ".join(pattern.groups())
                form = f"SELECT * WHERE {{ {terms} }} LIMIT 1" if "?" in terms else f"ASK {{ {terms} }}"
                result.append(Example(number, "pattern", form))
    return sorted(result, key=lambda example: example.line)


def _reference(line: int, id_: str) -> Name:
    """An id as YAML writes it: an entity or event (kg:), an article (kga:) or a claim (kgc:)."""
    return Name(line, f"kg:{id_}", (f"kga:{id_}", f"kgc:{id_}"))


def yaml_names(block: Block) -> Iterator[Name]:
    """The nodes a YAML example names: ids and references, classes, relations and roles."""
    roles_indent: int | None = None
    for index, line in enumerate(block.lines):
        number = block.first + index
        match = _YAML_KEY.match(line)
        if not match:
            continue
        indent, key, value = len(match.group(1)), match.group(2), match.group(3)
        if roles_indent is not None and indent <= roles_indent:
            roles_indent = None
        values = [item.strip() for item in value.strip("[]").split(",")] if value else []
        ids = [item for item in values if _ID.fullmatch(item)]
        if key == "roles" and not value:
            roles_indent = indent
        elif roles_indent is not None:
            yield Name(number, f"kgo:{key}")
            yield from (_reference(number, item) for item in ids)
        elif key in _YAML_TERMS:
            yield from (
                Name(number, f"kgo:{item[0].upper()}{item[1:]}" if key == "type" else f"kgo:{item}") for item in values
            )
        elif key in _YAML_REFERENCES:
            yield from (_reference(number, item) for item in ids)


def names(text: str) -> list[Name]:
    """Every node the README names: prefixed names, deep links, and the ids of its YAML examples."""
    lines = text.splitlines()
    found: list[Name] = []
    found_blocks, fenced = blocks(lines)
    for number, line in enumerate(lines, 1):
        found.extend(Name(number, f"{prefix}:{local}") for prefix, local in _NAME.findall(line))
        found.extend(
            Name(number, f"{'kg' if kind == 'node' else 'kga'}:{id_}") for kind, id_ in _DEEP_LINK.findall(line)
        )
        if number not in fenced:  # a YAML list of ids in the prose: `[reuters, reuters-syrian-source]`
            for listed in _ID_LIST.findall(line):
                found.extend(_reference(number, item.strip()) for item in listed.split(","))
    for block in found_blocks:
        if block.lang == "yaml":
            found.extend(yaml_names(block))
    return found


README_TEXT = README.read_text(encoding="utf-8")
EXAMPLES = examples(README_TEXT)
NAMES = names(README_TEXT)


# ---------------------------------------------------------------------------- running them


@pytest.fixture(scope="module")
def store(built: Path) -> tuple[ox.Store, dict[str, str]]:
    """The built graph and the ontology in one store, with the prefixes `kg query` predeclares."""
    return open_store(built, ONTOLOGY)


def count(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> int:
    """How many rows or triples a result holds; an ASK counts 1 for true."""
    if isinstance(result, ox.QueryBoolean):
        return int(bool(result))
    return len(list(result))


def query_of(example: Example) -> str:
    """The query a `kg query` command line runs: its `-e` text, or its file (relative to the repository)."""
    if example.query is not None:
        return example.query
    try:
        args = parser().parse_args(["query", *example.argv])
    except SystemExit:
        pytest.fail(f"README.md:{example.line}: `kg query {shlex.join(example.argv)}` is not a valid command line")
    if args.expression is not None:
        return str(args.expression)
    path = ROOT / args.file
    assert path.is_file(), f"README.md:{example.line}: `kg query` runs {args.file}, which does not exist"
    return path.read_text(encoding="utf-8")


def test_the_readme_has_examples_of_every_kind() -> None:
    """The parser still finds what the README shows: a change of format must not leave these tests empty."""
    kinds = [example.kind for example in EXAMPLES]
    assert kinds.count("kg query") >= 3 and kinds.count("curl") >= 1 and kinds.count("python") >= 1, kinds
    assert kinds.count("pattern") >= 3, kinds
    assert len({name.name for name in NAMES}) >= 50


@pytest.mark.parametrize("example", EXAMPLES, ids=str)
def test_the_readme_example_runs(example: Example, built: Path, store: tuple[ox.Store, dict[str, str]]) -> None:
    where = f"README.md:{example.line}"
    assert not example.problem, f"{where}: {example.problem}"
    if example.kind == "kg query":
        argv = [str(ROOT / arg) if (ROOT / arg).is_file() else arg for arg in example.argv]
        status, out, err = kg_query(*argv, "--exports", str(built), "--ontology", str(ONTOLOGY))
        assert status == 0, f"{where}: `kg query {shlex.join(example.argv)}` failed:\n{err}"
        assert out, f"{where}: `kg query {shlex.join(example.argv)}` printed nothing"
    graph, prefixes = store
    text = query_of(example)
    try:
        result = run(graph, text, prefixes if example.prefixed else {})
    except QueryError as error:
        pytest.fail(f"{where}: the {example.kind} example does not run:\n{error.report(f'{where} query', text)}")
    found = count(result)
    if example.nothing:
        assert found == 0, f"{where}: the README says this gives nothing, and it gives {found}: {text}"
    else:
        assert found > 0, f"{where}: this {example.kind} example gives nothing on the real corpus: {text}"


def test_every_node_the_readme_names_is_in_the_graph_or_the_ontology(store: tuple[ox.Store, dict[str, str]]) -> None:
    graph, prefixes = store
    subjects = {
        solution["s"].value for solution in graph.query("SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER isIRI(?s) }")
    }

    def known(name: str) -> bool:
        prefix, local = name.split(":", 1)
        return prefixes[prefix] + local in subjects

    missing = [
        f"README.md:{name.line}: {name.name} is not in the graph or the ontology"
        for name in NAMES
        if not any(known(candidate) for candidate in (name.name, *name.alternatives))
    ]
    assert not missing, "\n".join(missing)


def test_the_counts_the_readme_gives_of_the_real_corpus_are_the_builds(built: Path) -> None:
    """Triples, facts, mentions and the largest YAML file, as the README's prose gives them (they went stale
    once: 14,435 triples for 196 facts, where the graph had 14,494 for 197), counted by rdflib."""

    def number(pattern: str) -> list[int]:
        found = re.findall(pattern, README_TEXT)
        assert found, f"README.md no longer says {pattern!r}"
        return [int(value.replace(",", "")) for value in found]

    graph = rdflib.Graph().parse(built / "graph.ttl", format="turtle")
    model = kg.load(ROOT / "sources", ONTOLOGY)
    mentions = set(graph.subjects(rdflib.RDF.type, rdflib.URIRef(KGO + "Mention")))
    assert number(r"of the graph's ([\d,]+) triples") == [len(graph)]
    assert number(r"\(([\d,]+) for \d+ facts") == [len(graph)]
    assert number(r"\([\d,]+ for (\d+) facts") == [len(model.claims) + len(model.events)]
    assert number(r"On the real corpus: ([\d,]+) mentions") == [len(mentions)]
    largest = max(path.stat().st_size for path in (ROOT / "sources").rglob("*.yaml"))
    assert number(r"The largest real YAML file is (\d+) KB") == [round(largest / 1000)]


def test_every_command_is_in_the_readme_s_table_of_commands() -> None:
    """A command added to the CLI is listed where a user looks for it (and one removed is not listed)."""

    def commands(found: argparse.ArgumentParser, prefix: str = "") -> set[str]:
        names: set[str] = set()
        for action in found._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    names |= commands(sub, f"{prefix}{name} ") or {f"{prefix}{name}"}
        return names

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## Commands") :].split("\n\n")[1]
    listed = {
        " ".join(words.split()[:2]) if words.startswith("new ") else words.split()[0]
        for words in re.findall(r"(?m)^\| `kg ([a-z][a-z ]*)", table)
    }
    assert commands(parser()) == listed
