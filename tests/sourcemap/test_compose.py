"""Composition: a map of a map equals the direct map (rust-sourcemap's property)."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from smtools.sourcemap import compose, loads, trace, vlq


def encode(lines: list[list[tuple[int, int, int, int]]], names: bool = False) -> str:
    state = [0, 0, 0, 0]
    out = []
    for segments in lines:
        column, parts = 0, []
        for seg in segments:
            text = vlq.encode(seg[0] - column)
            column = seg[0]
            for i, value in enumerate(seg[1:]):
                text += vlq.encode(value - state[i])
                state[i] = value
            parts.append(text)
        out.append(",".join(parts))
    return ";".join(out)


# Original "orig.js" line i -> intermediate "bundle.js" line i+2 (a 2-line header),
# same columns; then a minifier joins every bundle line onto line 0 at column 100*line.
@st.composite
def positions(draw: st.DrawFn) -> list[tuple[int, int]]:
    return sorted(set(draw(st.lists(st.tuples(st.integers(0, 8), st.integers(0, 90)),
                                    min_size=1, max_size=30))))


@settings(max_examples=150)
@given(positions())
def test_compose_equals_the_direct_map(points: list[tuple[int, int]]) -> None:
    by_line: dict[int, list] = {}
    for line, column in points:
        by_line.setdefault(line + 2, []).append((column, 0, line, column))
    bundle = loads(json.dumps({"version": 3, "sources": ["orig.js"], "sourcesContent": ["src"],
                               "mappings": encode([by_line.get(i, []) for i in range(11)])}))
    minified_segments = sorted((100 * (line + 2) + column, 0, line + 2, column)
                               for line, column in points)
    minified = loads(json.dumps({"version": 3, "sources": ["bundle.js"],
                                 "mappings": encode([minified_segments])}))
    direct = loads(json.dumps({"version": 3, "sources": ["orig.js"], "mappings": encode(
        [sorted((100 * (line + 2) + column, 0, line, column) for line, column in points)])}))
    composed = compose(minified, bundle)
    assert [t[:5] for t in composed] == [t[:5] for t in direct]
    assert composed.source_content_for("orig.js") == "src"
    for token in direct:
        assert trace([minified, bundle], token.generated_line, token.generated_column) == \
            token.original


def test_names_prefer_the_innermost_map() -> None:
    bundle = loads({"version": 3, "sources": ["o.js"], "names": ["computeDose"],
                    "mappings": "AAAAA"})
    minified = loads({"version": 3, "sources": ["b.js"], "names": ["a"], "mappings": "AAAAA"})
    assert compose(minified, bundle).original_position_for(0, 0).name == "computeDose"
    plain_bundle = loads({"version": 3, "sources": ["o.js"], "mappings": "AAAA"})
    assert compose(minified, plain_bundle).original_position_for(0, 0).name == "a"


def test_broken_chain_becomes_unmapped() -> None:
    bundle = loads({"version": 3, "sources": ["o.js"], "mappings": ";AAAA"})
    minified = loads({"version": 3, "sources": ["b.js"], "mappings": "AAAA"})
    composed = compose(minified, bundle)
    assert len(composed) == 1 and composed.original_position_for(0, 0) is None
