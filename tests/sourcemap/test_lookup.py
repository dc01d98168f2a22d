"""Lookups between, before and after mappings; unmapped segments; UTF-16 columns."""

from __future__ import annotations

import json
import re

import pytest

from smtools.sourcemap import LEAST_UPPER_BOUND, SourceView, loads, vlq
from smtools.sourcemap.sourceview import index_to_utf16, utf16_to_index


def make(lines: list[list[tuple]], sources=("a.js",), names=("x", "y")):
    """Build a map from absolute segments: (col,) or (col, src, line, col[, name])."""
    state = [0, 0, 0, 0]
    out = []
    for segments in lines:
        column = 0
        parts = []
        for seg in segments:
            text = vlq.encode(seg[0] - column)
            column = seg[0]
            for i, value in enumerate(seg[1:]):
                text += vlq.encode(value - state[i])
                state[i] = value
            parts.append(text)
        out.append(",".join(parts))
    return loads(json.dumps({"version": 3, "sources": list(sources), "names": list(names),
                             "mappings": ";".join(out)}))


# line 0: col 2 -> (0, 10, 0) ; col 8 -> (0, 10, 6, "x") ; col 12 unmapped ; col 20 -> (0, 11, 0)
# line 1: nothing
# line 2: col 4 -> (0, 20, 4, "y")
MAP = make([[(2, 0, 10, 0), (8, 0, 10, 6, 0), (12,), (20, 0, 11, 0)], [], [(4, 0, 20, 4, 1)]])


@pytest.mark.parametrize(("line", "column", "expected"), [
    (0, 2, ("a.js", 10, 0, None)),       # exact
    (0, 5, ("a.js", 10, 0, None)),       # between mappings
    (0, 8, ("a.js", 10, 6, "x")),        # exact with name
    (0, 11, ("a.js", 10, 6, "x")),
    (0, 12, None),                       # 1-field segment: unmapped, no fall-back
    (0, 15, None),
    (0, 20, ("a.js", 11, 0, None)),
    (0, 9999, ("a.js", 11, 0, None)),    # past the end of the line
    (2, 4, ("a.js", 20, 4, "y")),
])
def test_greatest_lower_bound(line: int, column: int, expected: tuple | None) -> None:
    assert MAP.original_position_for(line, column) == expected


def test_before_first_mapping_of_line_continues_to_earlier_lines() -> None:
    # ECMA-426 §12.1 and sentry-cli: the last mapping of an earlier line.
    assert MAP.original_position_for(2, 0) == ("a.js", 11, 0, None)
    assert MAP.original_position_for(1, 7) == ("a.js", 11, 0, None)
    token = MAP.lookup(2, 0)
    assert (token.generated_line, token.generated_column) == (0, 20)


def test_same_line_stops_at_the_line_like_mozilla() -> None:
    assert MAP.original_position_for(2, 0, same_line=True) is None
    assert MAP.original_position_for(1, 7, same_line=True) is None
    assert MAP.original_position_for(2, 5, same_line=True) == ("a.js", 20, 4, "y")


def test_before_the_very_first_mapping_is_unmapped() -> None:
    assert MAP.original_position_for(0, 0) is None
    assert MAP.lookup(0, 1) is None


def test_past_the_last_line_uses_the_last_mapping() -> None:
    assert MAP.original_position_for(50, 0) == ("a.js", 20, 4, "y")
    assert MAP.original_position_for(50, 0, same_line=True) is None


def test_least_upper_bound() -> None:
    assert MAP.original_position_for(0, 3, LEAST_UPPER_BOUND) == ("a.js", 10, 6, "x")
    assert MAP.original_position_for(0, 0, LEAST_UPPER_BOUND) == ("a.js", 10, 0, None)
    assert MAP.original_position_for(0, 21, LEAST_UPPER_BOUND) == ("a.js", 20, 4, "y")
    assert MAP.original_position_for(0, 21, LEAST_UPPER_BOUND, same_line=True) is None
    assert MAP.original_position_for(2, 5, LEAST_UPPER_BOUND) is None


def test_negative_position_is_a_caller_bug() -> None:
    with pytest.raises(ValueError):
        MAP.original_position_for(-1, 0)


def test_several_mappings_at_one_position() -> None:
    twice = make([[(0, 0, 1, 0), (0, 0, 2, 0), (5, 0, 3, 0)]])
    assert twice.original_position_for(0, 3) == ("a.js", 1, 0, None)
    assert twice.original_positions_for(0, 3) == [("a.js", 1, 0, None), ("a.js", 2, 0, None)]
    assert twice.original_position_for(0, 0, LEAST_UPPER_BOUND) == ("a.js", 2, 0, None)


def test_unmapped_segment_shadows_an_earlier_mapping_at_the_same_column() -> None:
    shadowed = make([[(0, 0, 1, 0), (4,)]])
    assert shadowed.original_positions_for(0, 4) == [None]


def test_tokens_iterate_in_generated_order_with_unmapped_ones() -> None:
    tokens = list(MAP)
    assert [(t.generated_line, t.generated_column) for t in tokens] == [(0, 2), (0, 8), (0, 12),
                                                                         (0, 20), (2, 4)]
    assert tokens[2].original is None and tokens[2].source is None


def test_generated_position_for() -> None:
    assert MAP.generated_position_for("a.js", 10, 6) == (0, 8)
    assert MAP.generated_position_for("a.js", 10, 7) == (0, 8)       # GLB within the line
    assert MAP.generated_position_for("a.js", 10, 3, LEAST_UPPER_BOUND) == (0, 8)
    assert MAP.generated_position_for("a.js", 12, 0) is None          # no mapping on that line
    assert MAP.generated_position_for("b.js", 10, 6) is None
    assert MAP.all_generated_positions_for("a.js", 10) == [(0, 2), (0, 8)]


# Generated line with a 2-unit emoji before the mapped identifier:
#   const s = "😀"; foo();   -> "foo" starts at UTF-16 column 16, str index 15
GENERATED = 'const s = "\U0001F600"; foo();'


def test_utf16_columns_on_non_ascii_lines() -> None:
    assert GENERATED.index("foo") == 15
    assert index_to_utf16(GENERATED, 15) == 16
    assert utf16_to_index(GENERATED, 16) == 15
    assert utf16_to_index(GENERATED, 12) == 11  # inside the surrogate pair: the emoji itself
    source_map = make([[(16, 0, 0, 0, 0)]], names=("foo",))
    line, column = SourceView(GENERATED).position_of(15)
    assert (line, column) == (0, 16)
    assert source_map.original_position_for(line, column) == ("a.js", 0, 0, "foo")


def test_source_view_splits_on_javascript_line_terminators_only() -> None:
    view = SourceView("a\r\nb\rc\u2028d\u2029e\nf\x0bg\x85h")
    assert [view.line(i) for i in range(view.line_count)] == ["a", "b", "c", "d", "e",
                                                              "f\x0bg\x85h"]
    assert view.line(99) is None
    assert view.lines(4, 9) == [(4, "e"), (5, "f\x0bg\x85h")]


@pytest.mark.parametrize("text", ["", "a", "a\n", "\n\nb\n", "x\ny\r\nz", "p\u2028q\nr", "s\rt\nu"])
def test_source_view_line_index_agrees_with_a_reference_split(text: str) -> None:
    # Text with LF line ends only takes a faster search than the others.
    expected = re.split("\r\n|[\n\r\u2028\u2029]", text)
    view = SourceView(text)
    assert view.line_count == len(expected)
    assert [view.line(i) for i in range(view.line_count)] == expected
    assert [view.position_of(len(text))[0]] == [len(expected) - 1]
