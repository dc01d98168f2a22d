from __future__ import annotations

import json

from smtools.sourcemap import LEAST_UPPER_BOUND, IndexMap, loads, vlq


def section(line: int, column: int, sources: list[str], mappings: str, **extra: object) -> dict:
    return {"offset": {"line": line, "column": column},
            "map": {"version": 3, "sources": sources, "names": ["n"], "mappings": mappings, **extra}}


# Section 1 at (0,0): line 0 cols 0 and 4 -> one.js (0,0) and (0,4)
# Section 2 at (1,1): its line 0 col 0 -> (1,1) -> two.js (5,0); its line 1 col 2 -> (2,2) -> (6,3,"n")
INDEX = loads(json.dumps({"version": 3, "file": "app.js", "sections": [
    section(0, 0, ["one.js"], "AAAA,IAAI", ignoreList=[0]),
    section(1, 1, ["two.js"], "AAKA;EACGA"),
]}))


def test_is_an_index_map() -> None:
    assert isinstance(INDEX, IndexMap) and INDEX.diagnostics == []
    assert INDEX.sources == ["one.js", "two.js"]


def test_lookups_inside_sections() -> None:
    assert INDEX.original_position_for(0, 5) == ("one.js", 0, 4, None)
    assert INDEX.original_position_for(1, 1) == ("two.js", 5, 0, None)
    assert INDEX.original_position_for(2, 9) == ("two.js", 6, 3, "n")


def test_column_offset_applies_to_the_first_line_only() -> None:
    assert INDEX.original_position_for(2, 2) == ("two.js", 6, 3, "n")
    assert INDEX.original_position_for(2, 1) == ("two.js", 5, 0, None)   # GLB onto line 1


def test_greatest_lower_bound_crosses_sections() -> None:
    # rust-sourcemap's case: before section 2's first mapping, section 1's last one.
    assert INDEX.original_position_for(1, 0) == ("one.js", 0, 4, None)
    assert INDEX.original_position_for(1, 0, same_line=True) is None
    assert INDEX.original_position_for(0, 7, LEAST_UPPER_BOUND) == ("two.js", 5, 0, None)


def test_flatten_gives_the_same_answers_and_rebases_ignore_list() -> None:
    flat = INDEX.flatten()
    for line in range(4):
        for column in range(12):
            assert flat.original_position_for(line, column) == INDEX.original_position_for(line,
                                                                                          column)
    assert [(t.generated_line, t.generated_column) for t in flat] == [
        (t.generated_line, t.generated_column) for t in INDEX]
    assert flat.is_ignored("one.js") and not flat.is_ignored("two.js")
    assert loads(flat.dumps()).original_position_for(2, 2) == ("two.js", 6, 3, "n")


def test_index_map_round_trips() -> None:
    again = loads(INDEX.dumps())
    assert list(again) == list(INDEX)


def test_sub_map_that_fails_is_dropped_with_an_error() -> None:
    bad = loads(json.dumps({"version": 3, "sections": [
        section(0, 0, ["a.js"], "AAAA"),
        {"offset": {"line": 1, "column": 0}, "map": {"version": 3, "mappings": "AAAA"}},
        section(2, 0, ["b.js"], "A" + vlq.encode(0) * 3),
    ]}))
    assert [d.code for d in bad.diagnostics] == ["invalid-section-map"]
    assert len(bad.sections) == 2
