"""The `kg` command: a thin layer over the library (every command is a function you can call)."""

from __future__ import annotations

import argparse
import contextlib
import errno
import io
import json
import math
import os
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, NoReturn

from kg.checks.checked import DEFAULT_ONTOLOGY, DEFAULT_SOURCES, check, load_project
from kg.checks.coverage import STATUSES, TO_DO, coverage_report
from kg.curation.rendering import CONFLICT_FORMATS, DIFF_FORMATS, TERMS_FORMATS, TIMELINE_FORMATS
from kg.dates import Date, DateError, parse_date
from kg.exports.rdf import DEFAULT_BASE
from kg.exports.staging import export_written
from kg.exports.turtle import valid_base
from kg.exports.view import View, stats
from kg.exports.write import DEFAULT_FORMATS, DEFAULT_OUT, FORMATS, build
from kg.limits import MAX_ERRORS_SHOWN, MIB
from kg.ontology import load_ontology
from kg.problems import LocatedProblem, ValidationFailed, did_you_mean, escaped, locate, printable
from kg.query.defaults import (
    AUTH_SCHEMES,
    DEFAULT_AT_ONCE,
    DEFAULT_HOST,
    DEFAULT_PORT,
    DEFAULT_PUSH_TIMEOUT,
    DEFAULT_QUERY_MEMORY,
    DEFAULT_TIMEOUT,
    PASSWORD_ENV,
    QUADS_PER_REQUEST,
    RESULT_FORMATS,
)
from kg.sources.reading import FileRefused
from kg.sources.schema import LINT_RULES, UNUSED_LINT_MARK, write_editor_schemas
from kg.timings import cpu_of, peak_after, recording

if TYPE_CHECKING:
    from kg.query.push import Credentials

# The modules of one or a few commands (the queries, the store, pushing, serving, the lint rules, the curation
# tools) are imported by the commands that use them: every command builds the parser, whose choices come from
# light modules (kg.query.defaults, kg.sources.schema).  Importing them all was 30 ms of each start, and
# still 14 ms of `kg build`'s (`python -X importtime -m kg build`).

Command = Callable[[argparse.Namespace], int]


def _report(problems: Sequence[LocatedProblem], shown: int = MAX_ERRORS_SHOWN) -> int:
    """Print the first `shown` problems (all of them for 0), then the count; the exit status is 1."""
    listed = problems if shown <= 0 else problems[:shown]
    for problem in listed:
        print(problem, file=sys.stderr)
    if len(listed) < len(problems):
        print(f"… {len(problems) - len(listed):,} more not shown (--max-errors 0 shows all)", file=sys.stderr)
    print(f"{len(problems):,} error{'s' if len(problems) != 1 else ''}", file=sys.stderr)
    return 1


def cmd_validate(args: argparse.Namespace) -> int:
    project, problems = check(args.sources, args.ontology)
    _left_for_exit(project)
    if problems:
        return _report(problems, args.max_errors)
    model = project.model if project else None
    if model is not None:
        print(
            f"ok: {len(model.articles)} articles, {len(model.entities)} entities, "
            f"{len(model.events)} events, {len(model.claims)} claims"
        )
    return 0


def cmd_lint(args: argparse.Namespace) -> int:
    """Validate, then run the lint rules (`--rule`: only those); findings on stdout, counted by rule."""
    from kg.checks.lint import lint_model, rule_of

    project, problems = check(args.sources, args.ontology)
    if problems or project is None:
        return _report(problems, args.max_errors)
    rules = tuple(args.rule or (*LINT_RULES, UNUSED_LINT_MARK))
    findings = locate(lint_model(project.model, project.ontology, rules))
    if not findings:
        print(f"ok: no findings ({', '.join(rules)})")
        return 0
    shown = findings if args.max_errors <= 0 else findings[: args.max_errors]
    for finding in shown:
        print(finding)
    if len(shown) < len(findings):
        print(f"… {len(findings) - len(shown):,} more not shown (--max-errors 0 shows all)")
    counts = {rule: sum(1 for f in findings if rule_of(f.message) == rule) for rule in (*LINT_RULES, UNUSED_LINT_MARK)}
    detail = ", ".join(f"{count:,} {rule}" for rule, count in counts.items() if count)
    print(f"{len(findings):,} finding{'s' if len(findings) != 1 else ''}: {detail}")
    print("(to spare a record that is right as it is: `lint: {rule: reason}` on it; see the README)")
    return 1


def cmd_build(args: argparse.Namespace) -> int:
    try:
        with recording() as times:
            written = build(args.sources, args.ontology, args.out, args.base, not args.no_cache, args.format)
    except OSError as error:
        shown = export_written(error.filename, args.out)
        if shown is None and error.filename is None and error.errno in _WRITING_FAILED:
            shown = f"{args.out}/"  # a write to a file the build made, on a full disk: not standard output's
        if shown is None:
            raise
        reason = error.strerror or str(error)
        print(f"kg build: cannot write {shown}: {reason}; the exports are as they were", file=sys.stderr)
        return 2
    _left_for_exit(written.project)
    if written.skipped:
        print(f"{args.out}/ is up to date: nothing changed since the last build (--no-cache rebuilds anyway)")
    folders: dict[Path, list[Path]] = {}
    for path in [] if written.skipped else written:
        if path.parent != args.out:
            folders.setdefault(path.parent, []).append(path)
            continue
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    for folder, files in folders.items():
        print(f"wrote {folder}/ ({len(files):,} files, {sum(f.stat().st_size for f in files):,} bytes)")
    if args.timings:
        for name, seconds in times.items():
            cpu, peak = cpu_of(name) or 0, peak_after(name) or 0
            print(f"  {name:<22} {seconds:8.3f} s   cpu {cpu:8.3f} s   peak {peak:8,.0f} MB", file=sys.stderr)
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
        return _report(problems, args.max_errors)
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
                    f"  {item.sentence.line:>3}:{item.sentence.column:<4} {item.status:<11} {escaped(text)}"
                    + (f"  [{escaped(item.detail)}]" if item.detail and args.verbose else "")
                )
    others = [problem for problem in problems if not problem.message.startswith(TO_DO)]
    if others:  # the accounting is worth seeing while the sources are being written; the rest is still wrong
        return _report(others, args.max_errors)
    return 0 if complete else 1


def _view(args: argparse.Namespace) -> View:
    project = load_project(args.sources, args.ontology)
    return View(project.model, project.ontology)


def cmd_timeline(args: argparse.Namespace) -> int:
    from kg.curation.timeline import Window, render_timeline, timeline

    if args.start is not None and args.end is not None and args.start.earliest > args.end.latest:
        print(f"kg timeline: --from {args.start} is after --to {args.end}: nothing lies between", file=sys.stderr)
        return 2
    window = Window(args.start.earliest if args.start else None, args.end.latest if args.end else None, args.overlap)
    view = _view(args)
    if args.article is not None and args.article not in view.model.articles:
        print(
            f"kg timeline: no article '{args.article}'{did_you_mean(args.article, view.model.articles)}",
            file=sys.stderr,
        )
        return 2
    _print_output(render_timeline(timeline(view, window, args.article), args.format), args.format)
    return 0


def _date(text: str) -> Date:
    try:
        return parse_date(text)
    except DateError as error:
        raise argparse.ArgumentTypeError(escaped(str(error))) from None


def cmd_conflicts(args: argparse.Namespace) -> int:
    from kg.curation.conflicts import conflicts, render_conflicts

    view = _view(args)
    _print_output(render_conflicts(view, conflicts(view), args.format), args.format)
    return 0


def cmd_terms(args: argparse.Namespace) -> int:
    from kg.curation.terms import render_terms, vocabulary

    ontology = load_ontology(args.ontology)  # (OntologyError: reported as kg validate reports it, by `main`)
    try:
        sections = vocabulary(ontology, args.word)
    except ValueError as error:  # an empty word
        print(f"kg terms: {error}", file=sys.stderr)
        return 2
    if not sections:
        print(printable(f"kg terms: no term's name or meaning holds '{args.word}'"), file=sys.stderr)
        return 1
    _print_output(render_terms(sections, args.format), args.format)
    return 0


def cmd_new_article(args: argparse.Namespace) -> int:
    from kg.curation.authoring import CurationError
    from kg.curation.scaffold import new_article

    try:
        made = new_article(args.text_file, args.sources, args.ontology, args.id)
    except CurationError as error:
        print(printable(f"kg new article: {error}"), file=sys.stderr)
        return 1
    print(f"wrote {made.text}" if made.copied else f"{made.text} is in place already: its article is scaffolded")
    for path in (made.article, made.facts):
        print(f"wrote {path}")
    sentences = f"{made.to_decide} sentence{'' if made.to_decide == 1 else 's'}"
    print(f"{sentences} to decide (listed as `# quote:` in {made.facts}); `kg validate` shows each")
    if made.new_names:
        print(printable(made.names_summary()))
    for step in made.next_steps:
        print(f"to do: {step}")
    return 0


def cmd_new_entity(args: argparse.Namespace) -> int:
    from kg.curation.authoring import CurationError
    from kg.curation.entity import new_entity

    try:
        path = new_entity(args.sources, args.ontology, args.id, args.type, args.name, args.alias, args.note)
    except CurationError as error:
        print(printable(f"kg new entity: {error}"), file=sys.stderr)
        return 1
    print(printable(f"added {args.type} {args.id} ({args.name!r}) to {path}"))
    return 0


def cmd_watch(args: argparse.Namespace) -> int:
    from kg.curation.watch import Outcome, Watcher, start_server, watch

    def report(outcome: Outcome) -> None:
        if not outcome.ok:
            _report(outcome.problems, args.max_errors)
        print(f"build {outcome.number}: {outcome.summary} ({outcome.seconds:.2f} s)", flush=True)

    watcher = Watcher(args.sources, args.ontology, args.out, args.base, args.format)
    stop = threading.Event()
    if args.serve:
        args.out.mkdir(parents=True, exist_ok=True)
        try:
            server = start_server(watcher, args.host, args.port)
        except OSError as error:  # the port taken or kept for root; else the host (no such name, not this machine's)
            blamed = "--port" if error.errno in (errno.EADDRINUSE, errno.EACCES) else "--host"
            print(
                f"kg watch: cannot serve on {args.host}:{args.port}: {error.strerror}; choose another {blamed}",
                file=sys.stderr,
            )
            return 2
        port = server.server_address[1]
        print(f"serving {args.out}/ at http://{args.host}:{port}/ (the page reloads after each good build)", flush=True)
    print(f"watching {args.sources}/ and {args.ontology}/ (Ctrl-C to stop)", flush=True)
    try:
        watch(watcher, report, stop)
    except KeyboardInterrupt:  # Ctrl-C (or SIGTERM) is how a watch ends
        stop.set()
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from kg.curation.diff import DiffError, compare, digest_of, render

    if len(args.versions) > 2:
        print("kg diff: give at most two revisions or export files (OLD [NEW])", file=sys.stderr)
        return 2
    old, new = (*args.versions, None)[:2] if args.versions else ("HEAD", None)
    digests = []
    for version in (old, new):
        try:
            digests.append(digest_of(version, args.sources, args.ontology))
        except DiffError as error:
            print(f"kg diff: {error}", file=sys.stderr)
            return 2
        except ValidationFailed as failure:  # its errors, then what they stopped (the errors alone read as a lint)
            _report(failure.problems)
            side = f"the sources in {args.sources}/" if version is None else f"the sources at {escaped(version)}"
            print(f"kg diff: {side} do not validate: nothing was compared", file=sys.stderr)
            return 1
    changes = compare(*digests)
    _print_output(render(changes, args.format), args.format)
    return 1 if args.exit_code and changes else 0


def cmd_schema(args: argparse.Namespace) -> int:
    written = write_editor_schemas(load_ontology(args.ontology), args.ontology)
    for path in written:
        print(f"wrote {path}")
    if not written:
        print("schemas are up to date")
    return 0


def _within(text: str, read: Callable[[str], float], low: float, high: float, what: str, above: bool = False) -> float:
    """`text` read as a number from `low` (or `above` it) to `high`; argparse says it is not `what` otherwise:
    a port out of range was a traceback from bind(), `nan` or `-5` went to Oxigraph's own `--timeout-s`, and
    `--max-errors -1` printed no error at all."""
    try:
        number = read(text)
    except ValueError:
        number = math.nan
    if not (low < number if above else low <= number) or not number <= high:  # nan fails both
        raise argparse.ArgumentTypeError(f"'{escaped(text)}' is not {what}")
    return number


_LONGEST_WAIT = 366 * 24 * 3600.0  # a year: beyond it a socket timeout overflows
_seconds = partial(_within, read=float, low=0, high=threading.TIMEOUT_MAX, what="a number of seconds (0: no bound)")
_some_seconds = partial(_within, read=float, low=0, high=_LONGEST_WAIT, what="a number of seconds above 0", above=True)
_count = partial(_within, read=int, low=0, high=math.inf, what="a number of errors (0: all)")
_megabytes = partial(_within, read=int, low=0, high=2**40, what="a number of megabytes (0: no bound)")
_port = partial(_within, read=int, low=0, high=65535, what="a port (0 to 65535; 0: any free one)")
_at_once = partial(_within, read=int, low=1, high=64, what="a number of graphs from 1 to 64")
_quads_per_request = partial(_within, read=int, low=1, high=math.inf, what="a number of triples above 0")


def _endpoint(text: str) -> str:
    """--endpoint: an http(s) URL with a host (a mistyped one was a traceback from urllib)."""
    from kg.query.push import valid_endpoint

    try:
        return valid_endpoint(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(escaped(str(error))) from None


def _path(text: str) -> Path:
    """A path option: not empty, which `Path` reads as the current folder (`kg build --out "$OUT"`, OUT unset,
    wrote the exports where it ran)."""
    if not text:
        raise argparse.ArgumentTypeError("an empty path: name a folder or a file (. for the current folder)")
    return Path(text)


def _host(text: str) -> str:
    """--host: not empty, which the socket reads as every address of the machine (`--host "$HOST"`, HOST unset,
    served the graph to the whole network where 127.0.0.1 was meant)."""
    if not text.strip():
        raise argparse.ArgumentTypeError(
            "an empty address would listen on every address of this machine: name one (127.0.0.1: this machine "
            "only; 0.0.0.0: every address, if that is what you want)"
        )
    return text


def _base(text: str) -> str:
    """--base: an IRI the graph's IRIs can start with (argparse reports the reason, exit status 2)."""
    try:
        return valid_base(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(escaped(str(error))) from None


def _query_text(args: argparse.Namespace) -> tuple[str, str]:
    """(name for error messages, query text) from `-e TEXT`, a file, or `-` for standard input."""
    from kg.query.ask import read_query

    if args.expression is not None:
        return "-e", args.expression
    name = "<stdin>" if str(args.file) == "-" else str(args.file)
    return name, read_query(args.file, sys.stdin.buffer if sys.stdin is not None else None)


def _warn_if_stale(args: argparse.Namespace) -> None:
    from kg.query.store import EXPORT, stale_input

    if args.sources is None and (newer := stale_input(args.exports, DEFAULT_SOURCES, args.ontology)):
        print(f"kg: warning: {newer} changed after {args.exports / EXPORT} was built; run `kg build`", file=sys.stderr)


def cmd_query(args: argparse.Namespace) -> int:
    if (args.file is None) == (args.expression is None):
        both = ", not both" if args.file is not None else ""
        print(f"kg query: give a query file (or -) or -e 'QUERY'{both}", file=sys.stderr)
        return 2
    from kg.query.ask import EmptyQuery, ask, is_empty
    from kg.query.bounded import QueryDied, QueryOutOfMemory, QueryTimedOut
    from kg.query.sparql import QueryError
    from kg.query.store import unreadable_export

    try:
        name, text = _query_text(args)
    except FileRefused as refused:
        where = f"{'<stdin>' if str(args.file) == '-' else args.file}:{refused.line}:{refused.column}"
        print(printable(f"kg query: {where}: {refused.message}"), file=sys.stderr)
        return 2
    except FileNotFoundError:
        if not any(c.isspace() or c == "{" for c in str(args.file)):
            raise
        advice = "a query given as text follows -e: kg query -e 'SELECT …'"
        print(printable(f"kg query: no file named '{args.file}': {advice}"), file=sys.stderr)
        return 2
    if is_empty(text):  # said before the graph is looked at: a stale graph's warning would come first
        print(f"kg query: {name}: {EmptyQuery.MESSAGE}", file=sys.stderr)
        return 2
    _warn_if_stale(args)
    try:
        answer = ask(text, args.exports, args.ontology, args.sources, args.base, args.format, args.timeout, args.memory)
    except QueryError as error:
        print(error.report(name, text), file=sys.stderr)
        return 1
    except QueryTimedOut as error:
        print(f"kg query: {error} (--timeout {args.timeout:g}; 0: no bound)", file=sys.stderr)
        return 1
    except QueryOutOfMemory as error:
        print(f"kg query: {error} (--memory {args.memory:,} MB; 0: no bound)", file=sys.stderr)
        return 1
    except QueryDied as error:
        print(f"kg query: {error}", file=sys.stderr)
        return 1
    except SyntaxError as error:
        print(f"kg query: {unreadable_export(error)}", file=sys.stderr)
        return 1
    for warning in answer.warnings:  # a query naming `kgo:Persn` answered "(0 rows)", which read as "no such facts"
        print(printable(f"kg query: warning: {warning}"), file=sys.stderr)
    _print_output(answer.text, answer.format)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from kg.query.serve import ServeError, serve
    from kg.query.store import graph_files, unreadable_export

    def announce(url: str) -> None:
        print(f"SPARQL endpoint (read-only): {url}query\nquery page: {url}\nCtrl-C to stop", flush=True)

    with tempfile.TemporaryDirectory(prefix="kg-serve-") as scratch:
        files = graph_files(args.exports, args.ontology, Path(scratch), args.sources, args.base)
        _warn_if_stale(args)
        try:
            return serve(files, args.host, args.port, announce, args.timeout, int(args.memory) * MIB or None)
        except ServeError as error:
            print(f"kg serve: {error}", file=sys.stderr)
            return 1
        except SyntaxError as error:
            print(f"kg serve: {unreadable_export(error)}", file=sys.stderr)
            return 1


def _credentials(args: argparse.Namespace) -> Credentials | None:
    """User and password for the store: --password, else $KG_PUSH_PASSWORD, else a prompt on a terminal."""
    from kg.query.push import Credentials, PushError, public_url

    if args.user is None:
        return None
    password = args.password or os.environ.get(PASSWORD_ENV)
    if password is None:
        if not sys.stdin.isatty():
            raise PushError(f"--user {args.user} needs a password: set {PASSWORD_ENV} or pass --password")
        import getpass

        password = getpass.getpass(f"password for {args.user} at {public_url(args.endpoint)}: ")
    return Credentials(args.user, password, args.auth)


def _told_now(message: str) -> None:
    print(f"kg push: {message}", file=sys.stderr, flush=True)


def cmd_push(args: argparse.Namespace) -> int:
    from kg.query.named_graphs import graphs_for_push
    from kg.query.push import PushError, public_url, push, quads_requests
    from kg.query.store import data_stream, read_ontology, unreadable_export

    ontology = read_ontology(args.ontology)
    triples, declared = data_stream(args.exports, args.ontology, args.sources, args.base)
    try:
        graphs = graphs_for_push(triples, ontology, args.graph_base or declared["kg"] + "graph/")
    except SyntaxError as error:
        print(f"kg push: {unreadable_export(error)}", file=sys.stderr)
        return 1
    endpoint, method = public_url(args.endpoint), "POST" if args.quads else "PUT"
    if args.dry_run:
        for graph in graphs.names:
            print(f"would {method} <{graph}>  {graphs.size(graph):,} triples")
        posts = len(quads_requests(graphs, args.quads)) if args.quads else 0
        in_posts = f" in {posts} POST{'s' if posts > 1 else ''} of N-Quads" if posts else ""
        print(f"{len(graphs.names)} graphs{in_posts} for {endpoint} (dry run: nothing sent)")
        return 0
    try:
        pushed = 0
        quads = {"quads": True, "per_request": args.quads, "told": _told_now} if args.quads else {}
        for item in push(args.endpoint, graphs, _credentials(args), args.timeout, args.at_once, **quads):
            print(f"{method} <{item.graph}>  {item.triples:,} triples  HTTP {item.status}", flush=True)
            pushed += item.triples
    except PushError as error:
        print(f"kg push: {error}", file=sys.stderr)
        return 1
    print(f"pushed {len(graphs.names)} graphs ({pushed:,} triples) to {endpoint}")
    return 0


def _export_formats(text: str) -> tuple[str, ...]:
    """`--format`'s comma-separated names, each once; 'all' (alone or among others) means every format."""
    asked = [name.strip() for name in text.split(",") if name.strip()]
    choices = f"choose from {', '.join(FORMATS)}, all"
    if not asked:
        raise argparse.ArgumentTypeError(f"no format given: {choices}")
    unknown = [name for name in asked if name != "all" and name not in FORMATS]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown format {', '.join(map(repr, unknown))}: {choices}")
    return tuple(FORMATS) if "all" in asked else tuple(dict.fromkeys(asked))


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(
        prog="kg",
        description="Validate curated YAML facts about Syria–Russia relations, build the knowledge graph "
        "(RDF, interactive HTML) and query it with SPARQL.",
    )
    sub = main_parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def folders(p: argparse.ArgumentParser) -> None:
        p.add_argument("--sources", type=_path, default=DEFAULT_SOURCES, help="YAML sources (default: sources/)")
        p.add_argument("--ontology", type=_path, default=DEFAULT_ONTOLOGY, help="ontology (default: ontology/)")

    def command(name: str, function: Command, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        folders(p)
        p.add_argument(
            "--max-errors",
            type=_count,
            default=MAX_ERRORS_SHOWN,
            metavar="N",
            help=f"print at most N errors, then count the rest (default: {MAX_ERRORS_SHOWN}; 0: all)",
        )
        p.set_defaults(function=function)
        return p

    command("validate", cmd_validate, "check the sources; report every error as path:line:col")
    lint_parser = command(
        "lint", cmd_lint, "validate, then check that each fact is grounded in its quotes; list what does not hold"
    )
    lint_parser.add_argument(
        "--rule",
        action="append",
        choices=(*LINT_RULES, UNUSED_LINT_MARK),
        metavar="RULE",
        help=f"run only this rule (repeat): {', '.join((*LINT_RULES, UNUSED_LINT_MARK))}",
    )

    def export_arguments(p: argparse.ArgumentParser) -> None:
        """--out, --base and --format, for the commands that write the exports."""
        p.add_argument("--out", type=_path, default=DEFAULT_OUT, help="output directory (default: exports/)")
        p.add_argument(
            "--base", type=_base, default=DEFAULT_BASE, help=f"base IRI of the data (default: {DEFAULT_BASE})"
        )
        p.add_argument(
            "--format",
            type=_export_formats,
            default=DEFAULT_FORMATS,
            metavar="F[,F…]",
            help=f"exports to write: {', '.join(FORMATS)} or all (default: {','.join(DEFAULT_FORMATS)})",
        )

    build_parser = command("build", cmd_build, "validate, then write the exports atomically")
    export_arguments(build_parser)
    build_parser.add_argument(
        "--timings", action="store_true", help="print the wall and CPU time and peak memory of each stage"
    )
    build_parser.add_argument(
        "--no-cache",
        action="store_true",
        help="build from scratch: use nothing kept from earlier builds, even when nothing changed (still recorded)",
    )
    watch_parser = command("watch", cmd_watch, "rebuild after every save in sources/ or ontology/; say what changed")
    export_arguments(watch_parser)
    watch_parser.add_argument(
        "--serve", action="store_true", help="serve the exports on 127.0.0.1; the page reloads after each good build"
    )
    watch_parser.add_argument(
        "--host", type=_host, default="127.0.0.1", help="address to serve on (default: 127.0.0.1)"
    )
    watch_parser.add_argument("--port", type=_port, default=8000, help="port to serve on; 0 picks one (default: 8000)")
    stats_parser = command("stats", cmd_stats, "count nodes by class and edges by relation")
    stats_parser.add_argument("--json", action="store_true", help="print JSON")
    coverage_parser = command("coverage", cmd_coverage, "show how every sentence of every article is accounted for")
    coverage_parser.add_argument("-v", "--verbose", action="store_true", help="list every sentence")
    command("schema", cmd_schema, "regenerate the editor JSON Schemas in ontology/ from the ontology")
    timeline_parser = command("timeline", cmd_timeline, "list events and dated claims in date order, with sources")
    timeline_parser.add_argument(
        "--format", choices=TIMELINE_FORMATS, default="table", help="output format (default: table)"
    )
    timeline_parser.add_argument(
        "--from", dest="start", type=_date, metavar="DATE", help="from this YYYY, YYYY-MM or YYYY-MM-DD on"
    )
    timeline_parser.add_argument("--to", dest="end", type=_date, metavar="DATE", help="up to the end of this date")
    timeline_parser.add_argument(
        "--overlap",
        action="store_true",
        help="also what only partly falls between --from and --to (a month, a year, an open interval)",
    )
    timeline_parser.add_argument("--article", metavar="ID", help="only what this article supports")
    conflicts_parser = command("conflicts", cmd_conflicts, "list every pair of conflicting claims or events")
    conflicts_parser.add_argument(
        "--format", choices=CONFLICT_FORMATS, default="text", help="output format (default: text)"
    )
    terms_parser = command(
        "terms", cmd_terms, "list the classes, relations, roles, qualifiers and modalities the YAML may name"
    )
    terms_parser.add_argument(
        "word",
        nargs="?",
        help="only the terms whose name or meaning holds this word; a list's own word"
        " (modality, predicate, roles, qualifiers, type) lists it whole",
    )
    terms_parser.add_argument("--format", choices=TERMS_FORMATS, default="text", help="output format (default: text)")
    diff_parser = command(
        "diff", cmd_diff, "list the claims, events, entities and evidence added, removed or changed in the graph"
    )
    diff_parser.add_argument(
        "versions",
        nargs="*",
        metavar="REV|FILE",
        help="each a git revision or an export file (graph.ttl); NEW defaults to the working tree, OLD to HEAD",
    )
    diff_parser.add_argument("--format", choices=DIFF_FORMATS, default="text", help="output format (default: text)")
    diff_parser.add_argument("--exit-code", action="store_true", help="exit with 1 when the graph changed")

    new_parser = sub.add_parser(
        "new",
        help="scaffold an article, or add an entity",
        description="scaffold an article from its text, or add an entity to sources/entities.yaml "
        "(no prompts; refuses clashes)",
    )
    new_sub = new_parser.add_subparsers(dest="what", required=True, metavar="WHAT")

    def new_command(name: str, function: Command, help_text: str) -> argparse.ArgumentParser:
        p = new_sub.add_parser(name, help=help_text, description=help_text)
        folders(p)
        p.set_defaults(function=function)
        return p

    article_parser = new_command(
        "article", cmd_new_article, "copy an article's text into sources/articles/ and scaffold its YAML files"
    )
    article_parser.add_argument("text_file", type=_path, metavar="TEXT_FILE", help="the article as plain UTF-8 text")
    article_parser.add_argument("--id", help="the article's id (default: from its headline, else the file name)")
    entity_parser = new_command("entity", cmd_new_entity, "add an entity to sources/entities.yaml")
    entity_parser.add_argument("id", metavar="ID", help="lowercase letters, digits and dashes")
    entity_parser.add_argument("--type", required=True, metavar="CLASS", help="an entity class of the ontology")
    entity_parser.add_argument("--name", required=True, help="the name as the texts print it")
    entity_parser.add_argument(
        "--alias", action="append", default=[], help="another name the texts use (repeat for more)"
    )
    entity_parser.add_argument("--note", help="what the curator should know about it")

    def data_command(name: str, function: Command, help_text: str) -> argparse.ArgumentParser:
        """A command over the built graph (exports/graph.ttl + ontology), or over a fresh in-memory build."""
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--exports", type=_path, default=DEFAULT_OUT, help="built graph directory (default: exports/)")
        p.add_argument("--sources", type=_path, help="validate and build these YAML sources in memory instead")
        p.add_argument("--ontology", type=_path, default=DEFAULT_ONTOLOGY, help="ontology (default: ontology/)")
        p.add_argument(
            "--base", type=_base, default=DEFAULT_BASE, help="base IRI for --sources builds (default: the default)"
        )
        p.set_defaults(function=function)
        return p

    query_parser = data_command("query", cmd_query, "run a SPARQL query (Oxigraph) over the graph and the ontology")
    query_parser.add_argument("file", nargs="?", type=_path, help="a .rq file, or - for standard input")
    query_parser.add_argument("-e", "--expression", metavar="QUERY", help="the query text itself")
    query_parser.add_argument(
        "--format", choices=RESULT_FORMATS, default="table", help="output format (default: table)"
    )
    query_parser.add_argument(
        "--timeout",
        type=_seconds,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"stop the query after this long (default: {DEFAULT_TIMEOUT:g}; 0: no bound)",
    )
    query_parser.add_argument(
        "--memory",
        type=_megabytes,
        default=DEFAULT_QUERY_MEMORY,
        metavar="MB",
        help=f"stop the query if it needs more memory than this beyond the graph's (default: {DEFAULT_QUERY_MEMORY:,};"
        " 0: no bound)",
    )
    serve_parser = data_command("serve", cmd_serve, "serve the graph as a local read-only SPARQL endpoint (Oxigraph)")
    serve_parser.add_argument(
        "--host", type=_host, default=DEFAULT_HOST, help=f"address to listen on (default: {DEFAULT_HOST})"
    )
    serve_parser.add_argument("--port", type=_port, default=DEFAULT_PORT, help=f"port (default: {DEFAULT_PORT})")
    serve_parser.add_argument(
        "--timeout",
        type=_some_seconds,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"stop any query running longer, with an error (default: {DEFAULT_TIMEOUT:g})",
    )
    serve_parser.add_argument(
        "--memory",
        type=_megabytes,
        default=DEFAULT_QUERY_MEMORY,
        metavar="MB",
        help="stop a query, with an error, if the engine needs more memory than this beyond the graph's (default:"
        f" {DEFAULT_QUERY_MEMORY:,}; 0: no bound)",
    )
    push_parser = data_command("push", cmd_push, "upload the graph to a triple store (SPARQL 1.1 Graph Store Protocol)")
    push_parser.add_argument(
        "--endpoint", required=True, type=_endpoint, help="Graph Store endpoint URL (graphs go to ?graph=IRI)"
    )
    push_parser.add_argument(
        "--graph-base", type=_base, help="prefix of the graph IRIs, ending in / or # (default: the data base + graph/)"
    )
    push_parser.add_argument("--user", help="user name for the store")
    push_parser.add_argument("--password", help=f"password (better: set {PASSWORD_ENV}, or type it when asked)")
    push_parser.add_argument("--auth", choices=AUTH_SCHEMES, default="digest", help="auth scheme (default: digest)")
    push_parser.add_argument("--dry-run", action="store_true", help="list the graphs and their sizes; send nothing")
    push_parser.add_argument(
        "--quads",
        type=_quads_per_request,
        nargs="?",
        const=QUADS_PER_REQUEST,
        metavar="TRIPLES",
        help="send many graphs per request: each emptied with DELETE ?graph=, then POSTed together to the endpoint "
        f"as N-Quads, up to TRIPLES a request (default: {QUADS_PER_REQUEST:,}; a larger graph alone), for a store "
        "that loads a dataset sent there, such as Oxigraph: far fewer requests",
    )
    push_parser.add_argument(
        "--at-once",
        type=_at_once,
        default=DEFAULT_AT_ONCE,
        metavar="N",
        help=f"graphs (with --quads, requests) sent at the same time (default: {DEFAULT_AT_ONCE}; 1: one at a time)",
    )
    push_parser.add_argument(
        "--timeout",
        type=_some_seconds,
        default=DEFAULT_PUSH_TIMEOUT,
        metavar="SECONDS",
        help=f"give up on a request the store has not answered in this long (default: {DEFAULT_PUSH_TIMEOUT:g})",
    )
    return main_parser


class Stopped(KeyboardInterrupt):
    """SIGTERM, delivered as an exception so that every `finally` runs (temporary files are removed)."""


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise Stopped


_WRITING_FAILED = frozenset({errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EIO})
"""What an error with no file name means when it is one of these: the command's output could not be written (to a
full disk: `kg timeline > /dev/full`); raised while `kg build` builds, its exports could not."""


def console() -> NoReturn:
    """The `kg` command (and `python -m kg`): `main`, then out at once.  The interpreter's own exit would free
    every object the command made, one at a time, which the system takes back whole anyway: after a one-file
    edit of 100,000 synthetic facts, 0.47 to 0.57 s from the build's return to the process's end, against
    0.05 s exiting at once (3 runs each), a sixth of that build.  Nothing is left to do by then: files are
    closed, workers reaped, temporary folders removed; what the command printed is flushed here."""
    global _exiting_at_once
    _exiting_at_once = True
    status = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a reader gone (`kg stats | head`), a stream closed
            stream.flush()
    os._exit(status)


_exiting_at_once = False
_left: list[object] = []


def _left_for_exit(made: object) -> None:
    """Keep what a command made (a model) until the process ends, when `console` ends it at once: the
    command's return would free it object by object first (0.1 s for 100,000 real-shaped facts, after their
    one-file edit's 3.4 s build).  Called from `main` in a longer-lived process (tests), it keeps nothing."""
    if _exiting_at_once:
        _left.append(made)


_FORMATS_TO_READ = frozenset({"table", "text", "markdown"})
"""Output formats for people, written in the terminal's encoding; the others are data, in UTF-8."""


def _print_output(text: str, output_format: str) -> None:
    """A command's output on stdout.  Data (CSV, TSV, JSON, Turtle, N-Triples) is UTF-8 whatever the
    terminal's encoding, as those formats are defined: a file written from a Latin-1 terminal holds the same
    bytes.  Text to read is in the terminal's encoding (`main` has a character it lacks escaped)."""
    binary = getattr(sys.stdout, "buffer", None)
    if output_format in _FORMATS_TO_READ or binary is None:
        sys.stdout.write(text)
        return
    sys.stdout.flush()
    binary.write(text.encode("utf-8"))


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; exit status 0 (done), 1 (bad input), 2 (usage, unreadable files), 128+signal."""
    if isinstance(sys.stdout, io.TextIOWrapper):
        # A character the terminal cannot show (`…` on an ASCII or Latin-1 one) is written as `\u2026`, as
        # Python writes errors, instead of ending the command with a UnicodeEncodeError (`--help` included).
        sys.stdout.reconfigure(errors="backslashreplace")
    args = parser().parse_args(argv)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        return args.function(args)
    except ValidationFailed as failure:  # bad sources, or an ontology that cannot be used (OntologyError)
        return _report(failure.problems, getattr(args, "max_errors", MAX_ERRORS_SHOWN))
    except BrokenPipeError:  # e.g. `kg stats | head`: the reader has all it wanted
        sys.stderr.close()
        return 0
    except OSError as error:
        where = error.filename or ("standard output" if error.errno in _WRITING_FAILED else None)
        reason = error.strerror or error
        print(f"kg: {where}: {reason}" if where else f"kg: {reason}", file=sys.stderr)  # (was "kg: : …")
        return 2
    except KeyboardInterrupt as stop:
        signum = signal.SIGTERM if isinstance(stop, Stopped) else signal.SIGINT
        print(f"kg: stopped by {signum.name}", file=sys.stderr)
        return 128 + signum
