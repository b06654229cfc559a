"""`kg watch`: rebuild on every save in `sources/` or `ontology/`, and say what changed.

Each rebuild is `kg build` with its cache: unchanged source files are not parsed again (`kg.sources.kept`)
and their Turtle is reused (`kg.exports.chunks`).  What changed is counted from the last good model and the
new one (`kg.curation.diff.model_counts`, the counts `kg diff` finds), not read back from the RDF.  A save that
breaks the sources prints the located errors and leaves `exports/` as it was (the build writes nothing
until everything is valid), so the page keeps showing the last good build.

With `serve`, the exports folder is served on 127.0.0.1 by the standard library's HTTP server, and its
root is a small page that shows `graph.html` in a frame and reloads it after each good build.  The
exports themselves stay exactly what `kg build` writes: the reloading lives only in that frame page.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO

from kg.checks.checked import Project, load_project
from kg.curation.diff import DiffError, compare, digest_of_project, digest_of_turtle, model_counts, summary_line
from kg.exports.rdf import DEFAULT_BASE
from kg.exports.write import DEFAULT_FORMATS, FORMATS, build, refuse_out
from kg.limits import LISTEN_BACKLOG, MAX_FOLDER_DEPTH, MIB, folder_depth
from kg.problems import LocatedProblem, ValidationFailed

READ_BACK_AT_MOST = 16 * MIB
"""The largest Turtle of the exports read back to say what the first rebuild of `kg watch` changed (about 4,000
facts): reading a graph back costs about twice what its build does."""
POLL_SECONDS = 0.25
"""How often the folders are looked at: a save is rebuilt within about twice this (it must be quiet for one
look, so that an editor's write-then-rename is seen whole)."""
STATUS_PATH = "/__watch__.json"
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass
class Outcome:
    """One rebuild: its number, whether it succeeded, its summary line, and its errors if it failed."""

    number: int
    ok: bool
    summary: str
    problems: list[LocatedProblem] = field(default_factory=list)
    seconds: float = 0.0


def _files(folders: tuple[Path, ...]) -> Iterator[Path]:
    for folder in folders:
        for root, directories, names in os.walk(folder):
            deep = folder_depth(str(folder), root) >= MAX_FOLDER_DEPTH  # not entered: the build says so
            directories[:] = [] if deep else sorted(d for d in directories if not d.startswith("."))
            yield from (Path(root) / name for name in sorted(names) if not name.startswith("."))


def snapshot(folders: tuple[Path, ...]) -> dict[Path, tuple[int, int, int, int]]:
    """Path → (modification time, size, inode, change time) of every file under `folders`, hidden ones aside.  The
    inode and change time see what the first two miss: a file replaced by another of its size and time (an editor
    saving through a renamed temporary file, `cp -p`, `rsync -t`), a file system keeping time by the second."""
    seen = {}
    for path in _files(folders):
        try:
            status = path.stat()
        except FileNotFoundError:  # removed while we looked
            continue
        seen[path] = (status.st_mtime_ns, status.st_size, status.st_ino, status.st_ctime_ns)
    return seen


class Watcher:
    """Rebuilds `out` from `sources` and `ontology` and remembers the last good graph, to diff against.  Made
    with an `out` no build can write (a file, a folder in the sources), it raises ValidationFailed."""

    def __init__(
        self,
        sources: Path,
        ontology: Path,
        out: Path,
        base: str = DEFAULT_BASE,
        formats: tuple[str, ...] = DEFAULT_FORMATS,
    ):
        refuse_out(out, sources, ontology)  # no save can fix it: refused at once, as `kg build` refuses it
        self.sources, self.ontology, self.out, self.base = sources, ontology, out, base
        self.formats = formats
        self.last_good: Project | None = None
        self.outcome: Outcome | None = None
        self.good_builds = 0

    def rebuild(self) -> Outcome:
        """Build once; the outcome says what changed since the last good build, or what is wrong."""
        if self.last_good is not None:
            return self._rebuild(None)
        with self._last_export() as exported:
            return self._rebuild(exported)

    @contextlib.contextmanager
    def _last_export(self) -> Iterator[BinaryIO | None]:
        """The Turtle in `out` before the first good build of this process, open (the build replaces the file by
        another: what it held stays readable), to say what that build changed; None if there is none, or it is
        too large to read back (`READ_BACK_AT_MOST`)."""
        turtle = self.out / FORMATS["ttl"]
        try:
            exported = turtle.open("rb")
        except OSError:
            yield None
            return
        with exported:
            yield exported if os.fstat(exported.fileno()).st_size <= READ_BACK_AT_MOST else None

    def _rebuild(self, exported: BinaryIO | None) -> Outcome:
        number = self.outcome.number + 1 if self.outcome else 1
        started = time.perf_counter()
        try:
            written = build(self.sources, self.ontology, self.out, self.base, True, self.formats)
        except ValidationFailed as failure:
            count = len(failure.problems)
            summary = f"{count} error{'s' if count != 1 else ''}: {self._kept()}"
            self.outcome = Outcome(number, False, summary, failure.problems, time.perf_counter() - started)
            return self.outcome
        except OSError as error:  # e.g. a file renamed while it was read: the next save tries again
            reason = f"{error.filename or ''}: {error.strerror or error}"
            summary = f"could not build ({reason}): {self._kept()}"
            self.outcome = Outcome(number, False, summary, [], time.perf_counter() - started)
            return self.outcome
        project = written.project
        if project is None and self.last_good is None:
            # Skipped (the exports match the sources already): load what they were built from, so that the
            # next save can say what it changed.
            project, summary = load_project(self.sources, self.ontology), f"{self.out}/ is up to date"
        elif project is None:
            summary = "no change in the graph"
        elif self.last_good is None:  # nothing to compare with in this process but what the exports held
            summary = self._first_summary(exported, project)
        else:
            summary = summary_line(model_counts(self.last_good.model, project.model, project.ontology))
        self.last_good = project or self.last_good
        self.good_builds += 1
        self.outcome = Outcome(number, True, summary, [], time.perf_counter() - started)
        return self.outcome

    def _first_summary(self, exported: BinaryIO | None, project: Project) -> str:
        """What the first good build of this process changed, from the graph `out` held before (a build that
        failed before it, with errors fixed since, did not change it)."""
        if exported is not None:
            with contextlib.suppress(DiffError, OSError, SyntaxError, ValueError):
                old = digest_of_turtle(exported, project.ontology)
                return f"{compare(old, digest_of_project(project, self.base)).summary()} since {self.out}/ was built"
        return f"first build: {self.out}/ was not up to date"

    def _kept(self) -> str:
        """What a failed build leaves in `out`: the last good build, once there was one."""
        return f"{self.out}/ keeps the last good build" if self.good_builds else f"{self.out}/ is left as it was"

    def status(self) -> dict[str, Any]:
        """What the frame page polls: the last build's number (as the log numbers it), the number of good
        builds (the page reloads when that grows) and the last outcome."""
        outcome = self.outcome
        return {
            "build": outcome.number if outcome else 0,
            "good_builds": self.good_builds,
            "ok": outcome.ok if outcome else True,
            "summary": outcome.summary if outcome else "",
            "errors": [str(problem) for problem in outcome.problems[:20]] if outcome else [],
        }


def watch(
    watcher: Watcher,
    report: Callable[[Outcome], None],
    stop: threading.Event,
    poll: float = POLL_SECONDS,
) -> None:
    """Build now, then after every change under the sources and the ontology, until `stop` is set."""
    folders = (watcher.sources, watcher.ontology)
    seen = snapshot(folders)
    report(watcher.rebuild())
    while not stop.wait(poll):
        now = snapshot(folders)
        if now == seen:
            continue
        while not stop.wait(poll):  # quiet for one look: the save is complete
            later = snapshot(folders)
            if later == now:
                break
            now = later
        seen = now
        if not stop.is_set():
            report(watcher.rebuild())


FRAME_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>kg watch</title>
<style>
html, body { margin: 0; height: 100%; font: 14px system-ui, sans-serif; }
iframe { border: 0; width: 100%; height: 100%; display: block; }
#status { position: fixed; left: 12px; bottom: 12px; max-width: 70%; padding: 8px 12px; border-radius: 6px;
  background: #fff4e5; border: 1px solid #e8871e; white-space: pre-wrap; box-shadow: 0 2px 8px #0003; }
</style></head>
<body>
<div id="status" role="status" hidden></div>
<iframe id="page" title="knowledge graph" src="graph.html"></iframe>
<script>
"use strict";
// Shows the built page and reloads it after each good build (kg watch --serve).  Its deep link
// (#node=…, #article=…) is mirrored here, so a reload, or a reload of this page, keeps the view.
const frame = document.getElementById("page");
const status = document.getElementById("status");
if (location.hash) frame.src = "graph.html" + location.hash;
let shown = null;
async function poll() {
  try {
    const answer = await fetch("__watch__.json", {cache: "no-store"});
    const state = await answer.json();
    if (shown !== null && state.good_builds !== shown) frame.contentWindow.location.reload();
    shown = state.good_builds;
    status.hidden = state.ok;
    status.textContent = state.ok ? "" : state.summary + "\\n" + state.errors.join("\\n");
    const hash = frame.contentWindow.location.hash;
    if (hash !== location.hash) history.replaceState(null, "", hash || location.pathname);
  } catch (error) {
    status.hidden = false;
    status.textContent = "kg watch has stopped: this page no longer reloads";
    return;
  }
  setTimeout(poll, 500);
}
poll();
</script>
</body></html>
"""


def _can_name_a_file(path: str) -> bool:
    """Whether the system can be asked for a file of this name: no NUL, nothing its encoding cannot write."""
    try:
        return b"\x00" not in os.fsencode(path)
    except UnicodeEncodeError:
        return False


class _Handler(SimpleHTTPRequestHandler):
    """The exports folder as static files, the frame page at `/` and the watcher's status as JSON."""

    watcher: Watcher

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        """As GET, without the body: the frame page and the status too (HEAD answered them as the folder's listing
        and a 404)."""
        self._answer(body=False)

    def _answer(self, body: bool) -> None:
        if not self._host_allowed():
            return
        path = self.path.split("?", 1)[0]
        if path in ("/", "/index.html"):
            self._send(FRAME_PAGE.encode("utf-8"), "text/html; charset=utf-8", body)
        elif path == STATUS_PATH:
            self._send(json.dumps(self.watcher.status()).encode("utf-8"), "application/json", body)
        elif body:
            super().do_GET()
        else:
            super().do_HEAD()

    def send_head(self) -> io.BytesIO | BinaryIO | None:
        """A path no file can have, one holding a NUL byte (`/%00`) or a lone surrogate (`/%ed%b0%80`,
        which the address decodes to): 404, as `kg serve` answers (`open()` raised ValueError, a traceback on
        the curator's terminal and no answer at all)."""
        if not _can_name_a_file(self.translate_path(self.path)):
            self.send_error(404, "File not found")
            return None
        return super().send_head()

    def _host_allowed(self) -> bool:
        """On a loopback address, only requests that name it: a page elsewhere whose name a DNS server
        points at 127.0.0.1 (DNS rebinding) is refused."""
        address = self.server.server_address
        bound = str(address[0]) if isinstance(address, tuple) else ""
        if bound not in LOOPBACK:
            return True
        name = (self.headers.get("Host") or "").rsplit(":", 1)[0].strip("[]").lower()
        if name in LOOPBACK:
            return True
        self.send_error(403, "kg watch answers requests for 127.0.0.1 or localhost only")
        return False

    def _send(self, content: bytes, content_type: str, body: bool) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        if body:
            self.wfile.write(content)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")  # a reload must fetch the new build
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the terminal shows builds, not requests."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = LISTEN_BACKLOG  # a browser opens several connections at once, while a build holds the GIL


def start_server(watcher: Watcher, host: str = "127.0.0.1", port: int = 8000) -> ThreadingHTTPServer:
    """Serve `watcher.out` (see the module docstring) from a daemon thread; port 0 picks a free port."""
    handler = type("Handler", (_Handler,), {"watcher": watcher})
    server = _Server((host, port), partial(handler, directory=str(watcher.out)))
    threading.Thread(target=server.serve_forever, name="kg-watch-server", daemon=True).start()
    return server
