"""Where paths lie in a YAML file: read from the parser's events, as a walk of the composed document places them."""

from __future__ import annotations

from pathlib import Path

from kg.yaml_positions import KEY, positions

DOCUMENT = """\
article: a
claims:
  - id: one
    evidence:
      - quote: "q"
        via: [x, y]
  - id: two
    id: again
    qualifiers: {about: russia}
notes: |
  text
"""


def test_each_path_is_placed_at_its_deepest_node_in_the_file(tmp_path: Path) -> None:
    file = tmp_path / "x.yaml"
    file.write_text(DOCUMENT, encoding="utf-8")
    asked = {
        (): (1, 1),
        ("article",): (1, 10),
        ("article", KEY): (1, 1),
        ("claims", 0, "evidence", 0, "via", 1): (6, 18),
        ("claims", 1, "id"): (7, 9),  # a repeated key: its first occurrence
        ("claims", 1, "qualifiers", "about", KEY): (9, 18),
        ("claims", 1, "qualifiers", "nothing"): (9, 17),  # a key missing: its mapping
        ("claims", 5): (3, 3),  # past the end of a sequence: the sequence
        ("claims", "0"): (3, 3),  # a sequence is walked by index only
        ("claims", 1, "qualifiers", 0): (9, 17),  # a mapping by key only
        ("notes", "deeper"): (10, 8),  # through a scalar: the scalar
        ("nothing", KEY): (1, 1),
    }
    assert positions(file, set(asked)) == asked


def test_a_file_that_does_not_parse_places_what_comes_before_the_error(tmp_path: Path) -> None:
    file = tmp_path / "x.yaml"
    file.write_text("article: a\nclaims: [unclosed\n", encoding="utf-8")  # the item is the scalar `unclosed`
    assert positions(file, {("article",), ("claims", 0, "id")}) == {("article",): (1, 10), ("claims", 0, "id"): (2, 10)}
    assert positions(tmp_path / "missing.yaml", {("article",)}) == {("article",): (1, 1)}
