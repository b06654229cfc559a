"""How the page draws the graph: class colours and shapes, node sizes and labels, edge styles, vis options.

Colours, shapes and dashes come from the ontology (kgo:displayColor, kgo:displayShape, kgo:displayDashes…);
the page's JavaScript sizes and labels the nodes it adds with the same rules (`nodeLook` in graph.js).
"""

from __future__ import annotations

import base64
import math
import struct
import textwrap
import zlib
from collections import deque
from typing import Any

from kg.ontology import Modality, Ontology
from kg.ontology_checks import VIS_SHAPES, hex_color

DEFAULT_STYLE = ("#97c2fc", "dot")
LABEL_INSIDE = frozenset({"box", "ellipse", "circle", "database", "text"})  # vis sizes these by their label
BIG_GRAPH = 1000  # nodes beyond which the page saves redraws and updates (5,000 nodes pan at 3–4 frames/s)
EDGE_COLOR = "#8a9099"  # for a modality without kgo:displayColor
CONFLICT_COLOR = "#e8871e"
LABEL_FONT = 14
LABEL_WIDTH = 24  # characters per line of a node label

Json = dict[str, Any]


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
    color = hex_color(color) if color else None
    shape = shape if shape in VIS_SHAPES else None
    return color or DEFAULT_STYLE[0], shape or DEFAULT_STYLE[1]


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
    (text about 0.5 em per character and 1 em per line; boxes add 5 px margins; an ellipse is twice as high).  A
    label drawn below its shape reaches a whole label's height below it: the box is as high above, so that the
    layout, which centres boxes on nodes, keeps the label clear (half a label's height let one reach 2 px into
    the node below it)."""
    font = size["font"]["size"] if "font" in size else LABEL_FONT
    lines = label.split("\n")
    text_width, text_height = 0.5 * font * max(map(len, lines)), font * len(lines)
    if shape == "ellipse":
        return (text_width + text_height) / 2, text_height
    if shape in LABEL_INSIDE:
        return text_width / 2 + 5, text_height / 2 + 5
    return max(size["size"], text_width / 2), size["size"] + text_height


def _darker(color: str) -> str:
    return "#" + bytes(int(c * 0.7) for c in _rgb(color)).hex()


def edge_style(modality: Modality, conflict: bool) -> Json:
    """Colour and dashes of the modality, as the ontology gives them (asserted solid, reported dashed, hedged
    dotted, denied dash-dot); conflicts orange and wider."""
    return {
        "color": CONFLICT_COLOR if conflict else hex_color(modality.color or "") or EDGE_COLOR,
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


def vis_options(groups: Json, big: bool) -> Json:
    """Physics off (positions come from `layout`), straight edges; big graphs hide edges while moving
    and skip hover highlighting (each costs a redraw of every node).  The keyboard pans and zooms the graph
    while it has the focus (not the whole window, and a pointer passing over it takes no focus)."""
    return {
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False},
        "interaction": {
            "hover": not big,
            "tooltipDelay": 120,
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
            "multiselect": False,
            "keyboard": {"enabled": True, "bindToWindow": False, "autoFocus": False},
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
