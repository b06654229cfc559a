"""Project → `graph.html`: one self-contained, offline, interactive page of the graph.

The nodes, edges and options are vis-network's records, as pyvis would assemble them; the page
(`kg/exports/templates/graph.*`) is ours, because pyvis's own output links a CDN, builds tooltips with
innerHTML and ships buggy filter menus (nodes vanish, non-Latin text becomes ????).  pyvis is not
imported (it would import IPython, networkx and jsonpickle: 0.26 s of every build for three lists).
vis-network's JS and CSS are inlined from the copy shipped inside pyvis; the data travels as one JSON blob
in a `<script type="application/json">` from which the page builds everything, putting every text that came
from YAML into the DOM as text.  The layout is computed here, so the browser draws at once with physics off.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import importlib.util
import json
import math
import re
import struct
import textwrap
import zlib
from collections import deque
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from kg.checks.checked import Project
from kg.dates import Date
from kg.exports.page_layout import node_positions
from kg.exports.view import GraphEdge, Record, View
from kg.model import Claim, Evidence, Model
from kg.ontology import Modality, Ontology

VIS_DIR = "lib/vis-9.1.2"
DEFAULT_STYLE = ("#97c2fc", "dot")
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
LABEL_INSIDE = frozenset({"box", "ellipse", "circle", "database", "text"})  # vis sizes these by their label
BIG_GRAPH = 1000  # nodes beyond which the page saves redraws and updates (5,000 nodes pan at 3–4 frames/s)
EDGE_COLOR = "#8a9099"  # for a modality without kgo:displayColor
CONFLICT_COLOR = "#e8871e"
LABEL_FONT = 14
LABEL_WIDTH = 24  # characters per line of a node label
STORY_GAP = dt.timedelta(days=183)

Json = dict[str, Any]


# ---------------------------------------------------------------------------- appearance


def class_style(ontology: Ontology, cls: str) -> tuple[str, str]:
    """Colour and vis shape of a class: its own kgo:displayColor/Shape, else the nearest superclass's."""
    color = shape = None
    queue, seen = deque([cls]), set()
    while queue and (color is None or shape is None):
        name = queue.popleft()
        if name in seen or name not in ontology.classes:
            continue
        seen.add(name)
        declared = ontology.classes[name]
        color, shape = color or declared.color, shape or declared.shape
        queue.extend(declared.parents)
    color = _hex_color(color) if color else None
    shape = shape if shape in VIS_SHAPES else None
    return color or DEFAULT_STYLE[0], shape or DEFAULT_STYLE[1]


def _hex_color(value: str) -> str | None:
    """`#rrggbb` (from `#rgb` too); None for anything else, which the ontology should not hold."""
    digits = value.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return f"#{digits.lower()}" if re.fullmatch(r"[0-9a-fA-F]{6}", digits) else None


def _rgb(color: str) -> tuple[int, int, int]:
    red, green, blue = bytes.fromhex(color[1:])
    return red, green, blue


def picture_icon(color: str) -> str:
    """A framed-picture PNG (data: URI) in the class colour, for the `image` shape: no file to fetch."""
    size, fill = 24, _rgb(color)
    frame, mountain = (70, 70, 70), tuple(max(0, c - 90) for c in fill)

    def pixel(x: int, y: int) -> tuple[int, ...]:
        if min(x, y) < 2 or max(x, y) >= size - 2:
            return frame
        if y > 13 and abs(x - 9) < y - 12:
            return mountain
        if (x - 16) ** 2 + (y - 7) ** 2 <= 6:
            return (255, 255, 255)
        return fill

    rows = b"".join(b"\0" + bytes(c for x in range(size) for c in pixel(x, y)) for y in range(size))
    return "data:image/png;base64," + base64.b64encode(_png(size, size, rows)).decode()


def _png(width: int, height: int, rows: bytes) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def class_group(color: str, shape: str) -> Json:
    """vis group drawing the nodes of one class: written once in the options, not on every node."""
    group: Json = {
        "shape": shape,
        "color": {
            "background": color,
            "border": _darker(color),
            "highlight": {"background": color, "border": "#222222"},
            "hover": {"background": color, "border": "#222222"},
        },
    }
    if shape == "image":
        group["image"] = picture_icon(color)
    return group


def node_size(shape: str, degree: int) -> Json:
    """Size grows with the square root of the degree; shapes that hold their label grow their font."""
    growth = math.sqrt(degree)
    if shape in LABEL_INSIDE:
        return {"font": {"size": round(13 + 1.6 * growth, 1)}}
    return {"size": round(9 + 3.2 * growth, 1)}


def node_label(name: str) -> str:
    """The name wrapped into lines of about 24 characters: long event names make wide nodes otherwise."""
    return "\n".join(textwrap.wrap(name, LABEL_WIDTH, break_long_words=False)) or name


def node_box(label: str, shape: str, size: Json) -> tuple[float, float]:
    """Half width and half height a node takes on screen, label included, as vis-network sizes it
    (text about 0.5 em per character and 1 em per line; boxes add 5 px margins; an ellipse is twice as high)."""
    font = size["font"]["size"] if "font" in size else LABEL_FONT
    lines = label.split("\n")
    text_width, text_height = 0.5 * font * max(map(len, lines)), font * len(lines)
    if shape == "ellipse":
        return (text_width + text_height) / 2, text_height
    if shape in LABEL_INSIDE:
        return text_width / 2 + 5, text_height / 2 + 5
    return max(size["size"], text_width / 2), size["size"] + text_height / 2


def _darker(color: str) -> str:
    return "#" + bytes(int(c * 0.7) for c in _rgb(color)).hex()


def edge_style(modality: Modality, conflict: bool) -> Json:
    """Colour and dashes of the modality, as the ontology gives them (asserted solid, reported dashed, hedged
    dotted, denied dash-dot); conflicts orange and wider."""
    return {
        "color": CONFLICT_COLOR if conflict else _hex_color(modality.color or "") or EDGE_COLOR,
        "dashes": list(modality.dashes) or False,
        "width": 3 if conflict else 1.5,
    }


def edge_look(modality: Modality, conflict: bool) -> Json:
    """The vis attributes of `edge_style` that differ from the defaults in `vis_options`."""
    style = edge_style(modality, conflict)
    look: Json = {"color": style["color"]}  # a string colours highlight and hover too: selection keeps the style
    if style["dashes"]:
        look["dashes"] = style["dashes"]
    if conflict:
        look["width"] = style["width"]
    return look


# ---------------------------------------------------------------------------- data for the page


def _since(record: Record) -> str | None:
    """The first day a record can denote: the time slider shows it from then on (undated: always)."""
    date = record.date or record.start
    return date.earliest.isoformat() if date else None


def _date_text(record: Record) -> str | None:
    def text(date: Date) -> str:
        return f"{date} ({', '.join(date.inferred)} inferred)" if date.inferred else str(date)

    if record.date:
        return text(record.date)
    if record.start and record.end:
        return f"{text(record.start)} – {text(record.end)}"
    if record.start:
        return f"from {text(record.start)}"
    return f"until {text(record.end)}" if record.end else None


class PageData:
    """The JSON the page reads: vis-network records plus what the panels, filters and slider need.

    Nodes, edges, records (claims and events, which carry the evidence), articles and classes are lists
    referring to each other by index, so each quote and headline is written once however many edges cite it.
    Everything shown is taken from the derived view (`kg.exports.view`).
    """

    def __init__(self, project: Project, view: View | None = None):
        self.model: Model = project.model
        self.ontology: Ontology = project.ontology
        self.view = view or View(self.model, self.ontology)
        self.node_ids = list(self.view.nodes)
        self.node_index = {node_id: index for index, node_id in enumerate(self.node_ids)}
        self.article_index = {article_id: index for index, article_id in enumerate(self.model.articles)}
        self.records: list[Record] = list(self.view.records.values())
        self.record_index = {record.id: index for index, record in enumerate(self.records)}
        used = {node.cls for node in self.view.nodes.values()}
        self.classes = sorted(used, key=lambda cls: (self.ontology.label(cls), cls))
        self.class_index = {cls: index for index, cls in enumerate(self.classes)}

    # ------------------------------------------------------------------ the JSON

    def to_json(self) -> Json:
        edges = self.view.edges
        edge_since = [_since(self.view.records[edge.record]) for edge in edges]
        degrees = dict.fromkeys(self.node_ids, 0)
        incident: dict[str, list[GraphEdge]] = {node_id: [] for node_id in self.node_ids}
        for edge in edges:
            degrees[edge.source] += 1
            degrees[edge.target] += 1
            incident[edge.source].append(edge)
            incident[edge.target].append(edge)
        node_since = self._node_since(edges, edge_since)
        looks = [node_size(self.shape(n), degrees[n]) for n in self.node_ids]
        boxes = [
            node_box(node_label(self.view.nodes[n].name), self.shape(n), look)
            for n, look in zip(self.node_ids, looks, strict=True)
        ]
        positions = node_positions(boxes, ((self.node_index[e.source], self.node_index[e.target]) for e in edges))
        vis_nodes = [
            self._vis_node(node_id, degrees[node_id], positions[i], looks[i]) for i, node_id in enumerate(self.node_ids)
        ]
        vis_edges = [self._vis_edge(j, edge) for j, edge in enumerate(edges)]
        groups = {cls: class_group(*class_style(self.ontology, cls)) for cls in self.classes}
        options = vis_options(groups, big=len(vis_nodes) > BIG_GRAPH)
        dates = sorted({s for s in (*edge_since, *node_since) if s})
        return {
            "vis": {"nodes": vis_nodes, "edges": vis_edges, "options": options},
            "nodes": [
                self._node_meta(node_id, since, incident[node_id])
                for node_id, since in zip(self.node_ids, node_since, strict=True)
            ],
            "edges": [self._edge_meta(edge, edge_since[j]) for j, edge in enumerate(edges)],
            "records": [self._record_json(record) for record in self.records],
            "articles": [
                {"id": a.id, "headline": a.label, "outlet": self.view.name(a.outlet) if a.outlet else None}
                for a in self.model.articles.values()
            ],
            "classes": [self._class_json(cls) for cls in self.classes],
            "edgeStyles": edge_legend(self.ontology),
            "stops": story_dates(dates),
            "background": dates[0] if dates else None,
            "big": len(vis_nodes) > BIG_GRAPH,
        }

    def shape(self, node_id: str) -> str:
        return class_style(self.ontology, self.view.nodes[node_id].cls)[1]

    def _node_since(self, edges: list[GraphEdge], edge_since: list[str | None]) -> list[str | None]:
        """Events appear on their date; entities with their first dated edge, always when any edge is undated."""
        incident: dict[str, list[str | None]] = {node_id: [] for node_id in self.node_ids}
        for edge, since in zip(edges, edge_since, strict=True):
            incident[edge.source].append(since)
            incident[edge.target].append(since)
        result: list[str | None] = []
        for node_id in self.node_ids:
            if node_id in self.model.events:
                result.append(_since(self.model.events[node_id]))
            else:
                dates = [d for d in incident[node_id] if d is not None]
                result.append(min(dates) if dates and len(dates) == len(incident[node_id]) else None)
        return result

    def _vis_node(self, node_id: str, degree: int, position: tuple[float, float], size: Json) -> Json:
        node = self.view.nodes[node_id]
        summary = [node.name, self.ontology.label(node.cls)]
        if node.date:
            summary.append(node.date)
        summary.append(f"{degree} link{'s' if degree != 1 else ''}")
        return {
            "id": self.node_index[node_id],
            "group": node.cls,
            "label": node_label(node.name),
            "title": " · ".join(summary),
            "x": position[0],
            "y": position[1],
            **size,
        }

    def _vis_edge(self, index: int, edge: GraphEdge) -> Json:
        record = self.view.records[edge.record]
        conflict = bool(self.view.conflicts.get(edge.record))
        modality = self.view.modality(record.evidence)
        sources = self.view.sources(edge.record)
        label = self.ontology.label(edge.relation)
        summary = [f"{self.view.name(edge.source)} → {label} → {self.view.name(edge.target)}", modality.name]
        if conflict:
            summary.append("conflicting")
        if date := self.view.date(edge.record):
            summary.append(date)
        summary.append(f"{len(sources)} article{'s' if len(sources) != 1 else ''}")
        return {
            "id": index,
            "from": self.node_index[edge.source],
            "to": self.node_index[edge.target],
            "label": (f"{modality.mark} " if modality.mark else "") + label,
            "title": " · ".join(summary),
            **edge_look(modality, conflict),
        }

    def _node_meta(self, node_id: str, since: str | None, incident: list[GraphEdge]) -> Json:
        node = self.view.nodes[node_id]
        event = self.model.events.get(node_id)
        entity = self.model.entities.get(node_id)
        articles = set(node.sources)
        for edge in incident:
            articles.update(self.view.sources(edge.record))
        facts = [
            (
                self.ontology.label(fact.relation),
                ", ".join(fact.values),
                self.record_index[fact.record] if fact.record else None,
            )
            for fact in node.facts
        ]
        for fact in node.facts:
            if fact.record is not None:
                articles.update(self.view.sources(fact.record))
        return {
            "key": node_id,
            "class": self.class_index[node.cls],
            "kind": node.kind,
            "names": [node.name, *node.aliases],
            "since": since,
            "date": _date_text(event) if event else None,
            "record": self.record_index[node_id] if event else None,
            "articles": sorted(self.article_index[a] for a in articles),
            "facts": facts,
            "note": entity.note if entity else None,
        }

    def _edge_meta(self, edge: GraphEdge, since: str | None) -> Json:
        record = self.view.records[edge.record]
        return {
            "record": self.record_index[record.id],
            "relation": self.ontology.label(edge.relation),
            "since": since,
            "articles": [self.article_index[a] for a in self.view.sources(edge.record)],
            "modality": self.view.modality(record.evidence).name,
            "conflict": bool(self.view.conflicts.get(record.id)),
        }

    def _record_json(self, record: Record) -> Json:
        qualifiers = record.qualifiers if isinstance(record, Claim) else ()
        return {
            "id": record.id,
            "kind": "claim" if isinstance(record, Claim) else "event",
            "title": self.view.title(record.id),
            "date": _date_text(record),
            "modality": self.view.modality(record.evidence).name,
            "conflicts": [self.view.title(other) for other in self.view.conflicts.get(record.id, [])],
            "qualifiers": [(self.ontology.label(q), [self.view.name(v) for v in values]) for q, values in qualifiers],
            "note": record.note,
            "evidence": [self._evidence_json(item) for item in record.evidence],
        }

    def _evidence_json(self, item: Evidence) -> Json:
        return {
            "article": self.article_index[item.article],
            "quote": item.quote,
            "chain": [self.view.name(agent) for agent in self.view.chain(item)],
            "said_to": self.view.name(item.said_to) if item.said_to else None,
            "modality": item.modality,
            "direct": item.direct_speech,
        }

    def _class_json(self, cls: str) -> Json:
        color, shape = class_style(self.ontology, cls)
        count = sum(1 for node in self.view.nodes.values() if node.cls == cls)
        return {"name": cls, "label": self.ontology.label(cls), "color": color, "shape": shape, "count": count}


def story_dates(dates: list[str]) -> list[str]:
    """The dates after the last gap longer than STORY_GAP: the story the slider walks through.  Earlier
    dates (a base founded in 1971) are its background, shown from the slider's first step on."""
    start = 0
    for index in range(1, len(dates)):
        gap = dt.date.fromisoformat(dates[index]) - dt.date.fromisoformat(dates[index - 1])
        if gap > STORY_GAP:
            start = index
    return dates[start:]


def edge_legend(ontology: Ontology) -> list[Json]:
    rows = [{"label": m.name, **edge_style(m, conflict=False)} for m in ontology.modalities]
    return [*rows, {"label": "conflicting", **edge_style(ontology.modalities[0], conflict=True)}]


def vis_options(groups: Json, big: bool) -> Json:
    """Physics off (positions come from `layout`), straight edges; big graphs hide edges while moving
    and skip hover highlighting (each costs a redraw of every node)."""
    return {
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False},
        "interaction": {
            "hover": not big,
            "tooltipDelay": 120,
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
            "multiselect": False,
        },
        "groups": groups,
        "nodes": {
            "borderWidth": 1.5,
            "font": {"size": LABEL_FONT, "color": "#1f2328", "strokeWidth": 3, "strokeColor": "#ffffff"},
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.55}},
            "smooth": False,
            "width": 1.5,
            "selectionWidth": 2,
            "color": {"inherit": False},
            "font": {"size": 10, "color": "#4a4f57", "strokeWidth": 3, "strokeColor": "#ffffff", "align": "middle"},
        },
    }


# ---------------------------------------------------------------------------- the page

_JSON_IN_HTML = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
    ("/", "\\/"),
)


def script_json(data: object) -> str:
    """JSON safe inside `<script type="application/json">`: no `</script>`, `<!--` or line separators can
    appear, and `\\/` keeps any URL in the data from being a literal URL in the file."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for character, escaped in _JSON_IN_HTML:  # str.replace: ten times faster than str.translate here
        text = text.replace(character, escaped)
    return text


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


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def content_security_policy(scripts: Sequence[str], styles: Sequence[str]) -> str:
    """Only our own inline scripts and styles (by hash) and data: images; nothing may be fetched."""
    return (
        f"default-src 'none'; script-src {' '.join(map(_sha256, scripts))}; "
        f"style-src {' '.join(map(_sha256, styles))}; img-src data:; base-uri 'none'; form-action 'none'"
    )


def render_html(project: Project, view: View | None = None) -> str:
    scripts = {"vis_js": _vis_asset("vis-network.min.js"), "page_js": _template("graph.js")}
    styles = {"vis_css": _vis_asset("vis-network.css"), "page_css": _template("graph.css")}
    parts = {
        **scripts,
        **styles,
        "csp": content_security_policy(list(scripts.values()), list(styles.values())),
        "data": script_json(PageData(project, view).to_json()),
    }
    return re.sub(r"\{\{ (\w+) \}\}", lambda match: parts[match.group(1)], _template("graph.html"))


def write_html(project: Project, path: Path, view: View | None = None) -> None:
    path.write_bytes(render_html(project, view).encode("utf-8"))
