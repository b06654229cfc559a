"""Drop every bad-input case into a copy of the real corpus, in every place a source can live, and report.

    python -m tests.tools.bad_input_report [-k TEXT] [--markdown]

For each case and place it runs `python -m kg build` in a fresh process, as a user would, and prints the
exit status, wall time, peak memory, whether `exports/` stayed byte-identical, and the first message.
The same catalogue (tests/bad_inputs.py) is asserted by tests/test_bad_input.py.
"""

from __future__ import annotations

import argparse
import re
import tempfile
from pathlib import Path

import kg

from ..bad_inputs import CASES, ERROR_LINE, ROOT, run_case


def main() -> int:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("-k", dest="only", help="only cases whose name contains TEXT")
    arguments.add_argument("--markdown", action="store_true", help="a Markdown table")
    options = arguments.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        built = Path(temp) / "built"
        kg.build(ROOT / "sources", ROOT / "ontology", built, formats=tuple(kg.FORMATS))  # as the runs build
        rows = []
        failures = 0
        for case in CASES:
            if options.only and options.only not in case.name:
                continue
            for place in case.places:
                workdir = Path(temp) / f"run-{len(rows)}"
                workdir.mkdir()
                outcome = run_case(case, place, workdir, built)
                errors = [line for line in outcome.stderr.splitlines() if re.match(ERROR_LINE, line)]
                expected_status = 0 if case.valid else 1
                ok = (
                    outcome.status == expected_status
                    and outcome.exports_unchanged
                    and "Traceback" not in outcome.stderr
                    and all(any(re.search(p, line) for line in errors) for p in case.expect)
                )
                failures += not ok
                first = errors[0] if errors else "(valid: built)" if case.valid else outcome.stderr.strip()[:100]
                rows.append((case.kind, case.name, place, outcome, len(errors), first, ok))
    if options.markdown:
        print("| kind | case | place | exit | time | peak RSS | exports same | errors | first message |")
        print("|---|---|---|---:|---:|---:|---|---:|---|")
    for kind, name, place, outcome, count, first, ok in rows:
        cells = (
            kind,
            name,
            place,
            str(outcome.status),
            f"{outcome.seconds:.2f} s",
            f"{outcome.peak_mb:.0f} MB",
            "yes" if outcome.exports_unchanged else "NO",
            str(count),
            first if ok else f"UNEXPECTED: {first}",
        )
        print("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |" if options.markdown else "  ".join(cells))
    print(
        f"\n{len(rows)} runs, {failures} unexpected; slowest {max(r[3].seconds for r in rows):.2f} s, "
        f"highest peak {max(r[3].peak_mb for r in rows):.0f} MB"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
