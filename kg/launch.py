"""The `kg` command's entry point (and `python -m kg`'s): light, so that it is running before the builder
is imported.  Importing `kg.cli` takes about 0.2 s; Ctrl-C meanwhile would print the interpreter's traceback
of the import under way, where a command stopped later says "kg: stopped by SIGINT" (`kg.cli.main`).  For
`kg build`, the process that renders the ontology's page is started first (`kg.exports.doc_ahead`)."""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # nothing is imported before the `try` below but `sys`, which the interpreter holds already
if TYPE_CHECKING:
    from typing import NoReturn


def _closed_streams_to_nowhere() -> None:
    """A standard output or error the command was started without (`kg build >&-`, as a service manager may)
    writes to nowhere: the command runs, where every first print or flush raised "'NoneType' object has no
    attribute…" and a traceback.  A standard input it lacks stays None: a command reading it says so."""
    import os

    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 (the process's own, to its end)


def console() -> NoReturn:
    """Import the CLI, then run the command (`kg.cli.console`); interrupted while importing, say so and exit
    as a stopped command does (128 + the signal)."""
    _closed_streams_to_nowhere()
    try:
        if sys.argv[1:2] == ["build"]:  # the ontology's page rendered meanwhile, on the other core
            from kg.exports.doc_ahead import start

            start()
        from kg.cli import console as run_command
    except KeyboardInterrupt:
        import signal

        print(f"kg: stopped by {signal.SIGINT.name}", file=sys.stderr)
        sys.exit(128 + signal.SIGINT)
    run_command()
