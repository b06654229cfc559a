"""The `kg` command's entry point (and `python -m kg`'s): light, so that it is running before the builder
is imported.  Importing `kg.cli` takes about 0.2 s; Ctrl-C meanwhile would print the interpreter's traceback
of the import under way, where a command stopped later says "kg: stopped by SIGINT" (`kg.cli.main`).  For
`kg build`, the process that renders the ontology's page is started first (`kg.exports.doc_ahead`)."""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # nothing is imported before the `try` below but `sys`, which the interpreter holds already
if TYPE_CHECKING:
    from typing import NoReturn


def console() -> NoReturn:
    """Import the CLI, then run the command (`kg.cli.console`); interrupted while importing, say so and exit
    as a stopped command does (128 + the signal)."""
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
