"""The `kg` command: a thin layer over the library (every command is a function you can call)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from kg.build import DEFAULT_OUT, build
from kg.coverage import STATUSES, coverage_report
from kg.network import stats
from kg.ontology import load_ontology
from kg.problems import LocatedProblem, ValidationFailed
from kg.project import DEFAULT_ONTOLOGY, DEFAULT_SOURCES, check, load_project
from kg.rdf import DEFAULT_BASE
from kg.schema import write_editor_schemas

Command = Callable[[argparse.Namespace], int]


def _report(problems: Sequence[LocatedProblem]) -> int:
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{len(problems)} error{'s' if len(problems) != 1 else ''}", file=sys.stderr)
    return 1


def cmd_validate(args: argparse.Namespace) -> int:
    project, problems = check(args.sources, args.ontology)
    if problems:
        return _report(problems)
    model = project.model if project else None
    if model is not None:
        print(
            f"ok: {len(model.articles)} articles, {len(model.entities)} entities, "
            f"{len(model.events)} events, {len(model.claims)} claims"
        )
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    written = build(args.sources, args.ontology, args.out, args.base)
    for path in written:
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    project = load_project(args.sources, args.ontology)
    counts = stats(project.model, project.ontology)
    if args.json:
        print(json.dumps(counts, indent=2))
        return 0
    for section, table in counts.items():
        print(f"{section}:")
        width = max(map(len, table), default=0)
        for name, count in table.items():
            print(f"  {name:<{width}}  {count:>6}")
    return 0


def cmd_coverage(args: argparse.Namespace) -> int:
    project, problems = check(args.sources, args.ontology)
    if project is None:
        return _report(problems)
    report = coverage_report(project.model)
    complete = True
    for article_id, accounted in report.items():
        counts = {status: sum(1 for a in accounted if a.status == status) for status in STATUSES}
        total = len(accounted)
        done = total - counts["unaccounted"]
        complete &= counts["unaccounted"] == 0
        percent = 100.0 * done / total if total else 100.0
        detail = ", ".join(f"{counts[s]} {s}" for s in STATUSES)
        print(f"{article_id}: {percent:.1f}% of {total} sentences accounted for ({detail})")
        for item in accounted:
            if args.verbose or item.status == "unaccounted":
                text = item.sentence.text if len(item.sentence.text) <= 80 else item.sentence.text[:77] + "…"
                print(
                    f"  {item.sentence.line:>3}:{item.sentence.column:<4} {item.status:<11} {text}"
                    + (f"  [{item.detail}]" if item.detail and args.verbose else "")
                )
    return 0 if complete else 1


def cmd_schema(args: argparse.Namespace) -> int:
    written = write_editor_schemas(load_ontology(args.ontology), args.ontology)
    for path in written:
        print(f"wrote {path}")
    if not written:
        print("schemas are up to date")
    return 0


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(prog="kg", description=__doc__.splitlines()[0] if __doc__ else None)
    sub = main_parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, function: Command, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--sources", type=Path, default=DEFAULT_SOURCES, help="YAML sources (default: sources/)")
        p.add_argument("--ontology", type=Path, default=DEFAULT_ONTOLOGY, help="ontology (default: ontology/)")
        p.set_defaults(function=function)
        return p

    command("validate", cmd_validate, "check the sources; report every error as path:line:col")
    build_parser = command("build", cmd_build, "validate, then write the exports atomically")
    build_parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory (default: exports/)")
    build_parser.add_argument("--base", default=DEFAULT_BASE, help=f"base IRI of the data (default: {DEFAULT_BASE})")
    stats_parser = command("stats", cmd_stats, "count nodes by class and edges by relation")
    stats_parser.add_argument("--json", action="store_true", help="print JSON")
    coverage_parser = command("coverage", cmd_coverage, "show how every sentence of every article is accounted for")
    coverage_parser.add_argument("-v", "--verbose", action="store_true", help="list every sentence")
    command("schema", cmd_schema, "regenerate the editor JSON Schemas in ontology/ from the ontology")
    return main_parser


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.function(args)
    except ValidationFailed as failure:
        return _report(failure.problems)
    except OSError as error:
        print(f"kg: {error.filename or ''}: {error.strerror or error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
