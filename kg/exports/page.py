"""Project → the graph page: `graph.html`, offline and self-contained, with its data shards beside it in
`graph-<digest>/` when the graph is large (`kg.exports.page_data` decides what loads when).

The nodes, edges and options are vis-network's records, as pyvis would assemble them; the page
(`kg/exports/templates/graph.*`) is ours, because pyvis's own output links a CDN, builds tooltips with
innerHTML and ships buggy filter menus (nodes vanish, non-Latin text becomes ????).  pyvis is not
imported (it would import IPython, networkx and jsonpickle: 0.26 s of every build for three lists).
vis-network's JS and CSS are inlined from the copy shipped inside pyvis; the data travels as JSON in a
`<script type="application/json">` (and, for shards, as scripts that hand their JSON to the page), from
which the page builds everything, putting every text that came from YAML into the DOM as text.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Sequence
from functools import cache
from importlib import resources
from itertools import chain
from pathlib import Path

from kg.checks.checked import Project
from kg.exports.page_data import INLINE_BYTES, PageKept, Shard, page_data, shard_folder
from kg.exports.page_json import script_json, shard_file, shard_script
from kg.exports.view import View

VIS_DIR = "lib/vis-9.1.2"
TIMELINE = "vis-timeline-8.5.4/vis-timeline-graph2d.min.js"
"""vis-timeline's standalone build, vendored from the npm registry with its licences (Apache-2.0 or MIT)."""
_INJECTED_STYLE = re.compile(r"""\bb\(("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\)""")


def _vis_asset(name: str) -> str:
    """vis-network's JS or CSS as shipped in pyvis, with `://` written `:\\/\\/`: the same text in JS and CSS
    strings and regexes, and the file then names no http(s) URL at all (licence comments included)."""
    text = (_pyvis_folder() / VIS_DIR / name).read_text(encoding="utf-8")
    return text.replace("://", ":\\/\\/")


def _pyvis_folder() -> Path:
    """Where the pyvis package lies, found without importing it."""
    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the pyvis package (which ships vis-network) is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def _template(name: str) -> str:
    return (resources.files("kg.exports") / "templates" / name).read_text(encoding="utf-8")


@cache
def _timeline_asset() -> tuple[str, tuple[str, ...]]:
    """vis-timeline's JS (`://` written as in `_vis_asset`), and the style sheets it adds to the page as it
    loads: the page's security policy allows exactly those, by hash.  It adds each `<style>` empty, then
    its text, so the empty sheet is allowed too (it styles nothing)."""
    text = _template(TIMELINE)
    styles = [""]
    for literal in _INJECTED_STYLE.findall(text):
        body = literal[1:-1]
        assert re.fullmatch(r"(?:[^\\]|\\\\)*", body), "an escape other than \\\\ in an injected style"
        if body:
            styles.append(body.replace("\\\\", "\\"))
    assert any(style.startswith(".vis-timeline{") for style in styles), "vis-timeline's styles were not found"
    return text.replace("://", ":\\/\\/"), tuple(styles)


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def content_security_policy(scripts: Sequence[str], styles: Sequence[str], shard_scripts: bool = False) -> str:
    """Only our own inline scripts and styles (by hash) and data: images; nothing may be fetched, except,
    for a large graph, the page's shard scripts beside it (local files, or the same server)."""
    local = " 'self' file:" if shard_scripts else ""
    return (
        f"default-src 'none'; script-src {' '.join(map(_sha256, scripts))}{local}; "
        f"style-src {' '.join(map(_sha256, styles))}; img-src data:; base-uri 'none'; form-action 'none'"
    )


ShardSink = Callable[[str, bytes | Path], bool]
"""Takes a shard script: its file name in the shard folder, and its bytes, or a file that holds them (the last
exports' script of the same shard, as `kg.exports.page_data.Shard.same_as` says) to link or copy; False when
that file could not be taken (the script is then given as bytes)."""


def render(
    project: Project, view: View | None, keep: ShardSink, kept: PageKept | None = None, own_view: bool = False
) -> tuple[str, str | None]:
    """`graph.html`, and the name of the shard folder beside it (None when the shards are inline).

    The shards are made one at a time: while they fit in INLINE_BYTES they are held, to go inside the page;
    once they no longer fit, each is handed to `keep` as a script as soon as it is made (with those held
    before it), and dropped; one the last exports hold already is handed as that file.  The folder is named
    by a digest of all of them (`shard_folder`), known after the last.  `kept`, `own_view`: as for `page_data`."""
    data = page_data(project, view, kept, own_view)
    held: list[tuple[str, Shard]] = []
    size = 0
    for name, shard in data.shards:
        text = data.text(name, shard)  # it may go inside the page
        held.append((name, shard._replace(text=text)))
        size += len(text)
        if size > INLINE_BYTES:
            break
    folder = None
    inline_shards = ""
    if size <= INLINE_BYTES:
        texts = (f'"{name}":{data.text(name, shard).decode()}' for name, shard in held)
        inline_shards = ',"shards":{' + ",".join(texts) + "}"
    else:
        for name, shard in chain(held, data.shards):
            script_name = shard_file(name)
            if shard.same_as is None or not keep(script_name, shard.same_as):
                keep(script_name, shard_script(name, data.text(name, shard)))
        held.clear()
        folder = shard_folder(data.digests.items())
    inline = dict(data.inline)  # made between the records' shards and the others: see `PageData`
    if folder is not None:
        inline["shardFolder"] = folder
    timeline_js, timeline_styles = _timeline_asset()
    scripts = {"timeline_js": timeline_js, "vis_js": _vis_asset("vis-network.min.js"), "page_js": _template("graph.js")}
    styles = {"vis_css": _vis_asset("vis-network.css"), "page_css": _template("graph.css")}
    parts = {
        **scripts,
        **styles,
        "csp": content_security_policy(
            list(scripts.values()), [*styles.values(), *timeline_styles], shard_scripts=folder is not None
        ),
        "data": script_json(inline)[:-1] + inline_shards + "}",
    }
    html = re.sub(r"\{\{ (\w+) \}\}", lambda match: parts[match.group(1)], _template("graph.html"))
    return html, folder


def render_page(project: Project, view: View | None = None) -> dict[str, str]:
    """Path (relative to the exports folder) → text of every file of the page: for a large graph the shard
    scripts in `graph-<digest>/`, then `graph.html`.  `write_page` writes them without holding them all."""
    scripts: dict[str, bytes] = {}

    def keep(name: str, script: bytes | Path) -> bool:
        scripts[name] = script if isinstance(script, bytes) else script.read_bytes()
        return True

    html, folder = render(project, view, keep)
    files = {f"{folder}/{name}": script.decode("utf-8") for name, script in scripts.items()}
    files["graph.html"] = html
    return files


def write_page(
    project: Project, view: View | None, folder: Path, kept: PageKept | None = None, own_view: bool = False
) -> list[str]:
    """Write the page's files under `folder` as they are made, and return their paths relative to it (the
    shard scripts, then `graph.html`).  The scripts go to a hidden folder first, renamed once its digest
    is known.  `kept`, `own_view`: as for `page_data`."""
    pending = Path(tempfile.mkdtemp(prefix=".page-", dir=folder))
    written: list[str] = []

    def keep(name: str, script: bytes | Path) -> bool:
        if isinstance(script, Path):
            try:
                _link_or_copy(script, pending / name)
            except OSError:
                return False
        else:
            (pending / name).write_bytes(script)
        written.append(name)
        return True

    try:
        html, shards = render(project, view, keep, kept, own_view)
        if shards is not None:
            os.replace(pending, folder / shards)
        (folder / "graph.html").write_bytes(html.encode("utf-8"))
    finally:
        shutil.rmtree(pending, ignore_errors=True)
    return [f"{shards}/{name}" for name in written] + ["graph.html"]


def _link_or_copy(source: Path, target: Path) -> None:
    """`target` made a hard link to `source` (no byte read or written: 130 MB of shards after a one-file edit
    of 100,000 real-shaped facts), or a copy of it where links are refused (the kernel copies)."""
    try:
        os.link(source, target)
    except OSError:
        target.unlink(missing_ok=True)
        shutil.copyfile(source, target, follow_symlinks=False)


def render_html(project: Project, view: View | None = None) -> str:
    """`graph.html` alone: for a graph small enough to keep its shards inline (ValueError otherwise)."""
    files = render_page(project, view)
    if len(files) > 1:
        raise ValueError("this graph's page has shard files beside it: use render_page")
    return files["graph.html"]
