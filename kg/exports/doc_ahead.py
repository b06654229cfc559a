"""The ontology's page rendered before the corpus is loaded: a cold build of a small corpus renders it from the
ontology alone, with a placeholder for each example (`kg.exports.ontology_doc.awaiting_examples`), in a process
of its own, while the build loads and checks the sources; then sends it the examples it found, to fill in.

`kg build` starts that process first thing (`start`, from `kg.launch`) where no build ran before (no cache),
before the builder is imported: its imports (rdflib, pyLODE) and its render then run on the second core beside
the build's own imports, which used to come first.  The build takes it (`take`) if it needs that page rendered
afresh for the ontology folder the process guessed (the default one), and ends it at once otherwise (a large
corpus, another folder, no page asked for): it then used a core the build's imports left idle.  Without it (the
library's `build()`, `kg watch`, a build where one ran before), the build forks one itself once it knows it needs
one (`DocBeforeLoad`).

The real corpus's cold build waited for that page last: forked after the builder's imports (0.3 s), the process
imported pyLODE (0.15 s), then found the examples (0.05 to 0.1 s) and rendered (0.3 to 0.45 s), while the
build's own process was done 0.4 s before it.  Rendered ahead, the build took 0.97 s against 1.03 s (medians of
30 alternating pairs; in other runs 0.905 against 1.07 s), for 0.2 s more CPU (imports made twice)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from kg.shelf import cache_folder
from kg.timings import add_stage, stage
from kg.workers import Primed, can_fork

if TYPE_CHECKING:
    from kg.exports.ontology_doc import AwaitingExamples
    from kg.ontology import Ontology

ExamplesSent = tuple[dict[str, str], "Ontology", str]
"""What the build sends: the examples found in the checked sources, the ontology it checked them against, and the
digest of the ontology's folder its fingerprint took (`kg.exports.manifest.Fingerprint.ontology`)."""
GUESSED = Path("ontology")
"""The ontology folder the process started ahead renders: `kg build`'s default (`kg.checks.checked.DEFAULT_ONTOLOGY`),
not imported here (`kg.ontology` and what it imports are the process's to import, on the other core)."""
GUESSED_SOURCES = Path("sources")
"""`kg build`'s default sources folder (`kg.checks.checked.DEFAULT_SOURCES`), beside which the cache lies."""
DOC_SHELF = "ontology-doc"
"""The cache's shelf of the ontology's page (`kg.exports.write`)."""


class DocBeforeLoad:
    """The page of the ontology in `ontology_dir`, rendered (`prepare`) before the examples are sent (`finish`).

    It is used only if the ontology's folder is the same, byte for byte, before the page was rendered, when the
    examples come, and when the build's fingerprint read it (which the build records as what its exports were
    made from): otherwise (an ontology saved meanwhile), or where the placeholders do not match the examples, the
    page is rendered afresh with them, from the ontology the build checked (`Primed`)."""

    def __init__(self, ontology_dir: Path):
        self.ontology_dir = ontology_dir
        self.awaiting: AwaitingExamples | None = None
        self.read: str | None = None  # the digest of the ontology's folder the page was rendered from
        self.took: tuple[float, float] | None = None  # the wall and CPU seconds of `prepare`

    def prepare(self) -> None:
        from kg.exports.doc_terms import example_terms
        from kg.exports.manifest import ontology_digest
        from kg.exports.ontology_doc import awaiting_examples, warm
        from kg.ontology import load_ontology

        started, cpu = time.perf_counter(), time.process_time()
        warm()
        try:
            self.read = ontology_digest(self.ontology_dir)
            ontology = load_ontology(self.ontology_dir)
            self.awaiting = awaiting_examples(ontology, example_terms(ontology))
        except Exception:  # an ontology read as it was being saved, say: `finish` renders the page afresh
            self.awaiting = None
        self.took = (time.perf_counter() - started, time.process_time() - cpu)

    def finish(self, given: ExamplesSent) -> str:
        from kg.exports.manifest import ontology_digest
        from kg.exports.ontology_doc import ontology_html, with_examples

        found, ontology, fingerprinted = given
        if self.took is not None:
            add_stage("ontology doc, ahead", *self.took)
        with stage("ontology doc"):
            html = None
            now = ontology_digest(self.ontology_dir)
            if self.awaiting is not None and now is not None and fingerprinted == self.read == now:
                html = with_examples(self.awaiting, found)
            if html is None:
                html = ontology_html(ontology, found)
        return html


_started: tuple[str, Primed[ExamplesSent, str]] | None = None


def start() -> None:
    """Fork the process that renders the page of the default ontology folder (`GUESSED`), now, unless a build ran
    here before (its cache, beside the default sources folder): the next one most likely keeps the page, or
    makes none.  Whatever goes wrong here only leaves the build without it (a working folder gone…)."""
    global _started
    try:
        if _started is None and can_fork() and not cache_folder(GUESSED_SOURCES).is_dir():
            doc = DocBeforeLoad(GUESSED)
            _started = (os.path.abspath(GUESSED), Primed(doc.prepare, doc.finish))
    except OSError:
        _started = None


def take(ontology_dir: Path) -> Primed[ExamplesSent, str] | None:
    """The process started ahead, if it renders the page of `ontology_dir` (the caller's to give to, and to end:
    it is a context manager); None when there is none (any other is ended now)."""
    global _started
    found, _started = _started, None
    if found is None:
        return None
    if found[0] == os.path.abspath(ontology_dir):
        return found[1]
    found[1].__exit__(None, None, None)
    return None
