"""A single lookup without a full decode gives the full decoder's answer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from damage import damaged
from hypothesis import given, settings
from hypothesis import strategies as st
from realmaps import assert_single_lookups_agree, real_maps

from smtools.sourcemap import fastdecode, loads, oneshot, speedups, vlq
from smtools.sourcemap.lookup import find, line_of
from smtools.sourcemap.mappings import decode_exact

ROOT = Path(__file__).resolve().parents[2]


def expected(text: str, sources: int, names: int, line: int, column: int, same: bool):
    decoded, _ = decode_exact(text, sources, names)
    index = find(decoded, line, column, same_line=same)
    if index < 0:
        return None
    row = (line_of(decoded, index), decoded.columns[index], decoded.sources[index],
           decoded.original_lines[index], decoded.original_columns[index], decoded.names[index],
           decoded.flags[index])
    return normal(row)


def normal(row):
    """Fields that carry no meaning (no original, no name) are compared as None."""
    if row is None:
        return None
    line, column, source, original_line, original_column, name, flags = row
    has_original, has_name = flags & 1, flags & 2
    return (line, column, source if has_original else None,
            original_line if has_original else None,
            original_column if has_original else None, name if has_name else None, flags)


@st.composite
def maps(draw: st.DrawFn) -> tuple[str, int, int]:
    sources, names = draw(st.integers(1, 4)), draw(st.integers(0, 3))
    state = [0, 0, 0, 0]
    lines = []
    for _ in range(draw(st.integers(0, 6))):
        column, parts = 0, []
        for _ in range(draw(st.integers(0, 6))):
            step = draw(st.one_of(st.just(0), st.integers(0, 3000)))  # 0: equal columns
            text = vlq.encode(step)
            column += step
            kind = draw(st.sampled_from([1, 4, 5] if names else [1, 4]))
            if kind > 1:
                # Out-of-range and negative originals are allowed: they stay mappings.
                target = [draw(st.integers(-1, sources)), draw(st.integers(-2, 5000)),
                          draw(st.integers(-2, 400))]
                for i in range(3):
                    text += vlq.encode(target[i] - state[i])
                    state[i] = target[i]
                if kind == 5:
                    name = draw(st.integers(-1, names))
                    text += vlq.encode(name - state[3])
                    state[3] = name
            parts.append(text)
        lines.append(",".join(parts))
    return ";".join(lines), sources, names


@settings(max_examples=300)
@given(maps(), st.lists(st.tuples(st.integers(0, 8), st.integers(0, 20000), st.booleans()),
                        min_size=1, max_size=8))
def test_same_answer_as_the_full_decoder(case, queries) -> None:
    text, sources, names = case
    for line, column, same in queries:
        assert normal(oneshot.lookup(text, sources, names, line, column, same)) == \
            expected(text, sources, names, line, column, same)


@settings(max_examples=300)
@given(maps(), st.lists(st.tuples(st.integers(0, 8), st.integers(0, 20000), st.booleans()),
                        min_size=1, max_size=8), st.integers(1, 16), st.integers(1, 3))
def test_same_answer_with_tiny_windows(case, queries, window: int, batch: int) -> None:
    # Lines cut into many windows: runs of equal columns cross window edges;
    # distinct tails decoded a few at a time.
    text, sources, names = case
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(oneshot, "_SUM_WINDOW", window)
        patch.setattr(fastdecode, "WINDOW", window)  # the target line's search
        patch.setattr(oneshot, "_DECODE_BATCH", batch)
        for line, column, same in queries:
            assert normal(oneshot.lookup(text, sources, names, line, column, same)) == \
                expected(text, sources, names, line, column, same)


def test_equal_columns_across_windows_answer_the_first_of_the_run() -> None:
    # Columns 0, 5, 5, 5, 5, 9 on the second line (original lines 1..6 in
    # order); the run of 5s spans several windows.
    text = "AAAA;AACA,KACA,AACA,AACA,AACA,IACA"
    for window in (1, 4, 6, 11, 1 << 20):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(oneshot, "_SUM_WINDOW", window)
            patch.setattr(fastdecode, "WINDOW", window)
            found = oneshot.lookup(text, 1, 0, 1, 7, False)
            assert found == (1, 5, 0, 2, 0, 0, 1)  # the first segment at column 5
            assert oneshot.lookup(text, 1, 0, 1, 100, False) == (1, 9, 0, 6, 0, 0, 1)
            for column in range(12):
                assert normal(oneshot.lookup(text, 1, 0, 1, column, False)) == \
                    expected(text, 1, 0, 1, column, False)


@st.composite
def damaged_maps(draw: st.DrawFn) -> tuple[str, int, int]:
    """Valid maps with one to three characters inserted, replaced or deleted."""
    text, sources, names = draw(maps())
    return damaged(draw, text), sources, names


def plainly_valid(text: str) -> bool:
    try:
        oneshot.check(text)
    except oneshot.Refused:
        return False
    return True


@settings(max_examples=500)
@given(damaged_maps(), st.lists(st.tuples(st.integers(0, 8), st.integers(0, 20000), st.booleans()),
                                min_size=1, max_size=6), st.sampled_from([1, 3, 8, 1 << 20]))
def test_refuses_exactly_what_is_not_plainly_valid(case, queries, window: int) -> None:
    # The text before the mapping found is checked while summing, the rest by
    # check(): wherever the damage is, the verdict is check()'s on the whole text.
    text, sources, names = case
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(oneshot, "_SUM_WINDOW", window)
        patch.setattr(fastdecode, "WINDOW", window)
        for line, column, same in queries:
            if plainly_valid(text):
                assert normal(oneshot.lookup(text, sources, names, line, column, same)) == \
                    expected(text, sources, names, line, column, same)
            else:
                with pytest.raises(oneshot.Refused):
                    oneshot.lookup(text, sources, names, line, column, same)


@pytest.mark.parametrize("text", ["AAAA,,AAAA", "AAAA,", "AA", "AAg", "DAAA", "CAAA,DAAA", "AAAAé",
                                  "AAAAAAA", "AAAA;;B", ",AAAA", "AAAA;,AAAA",
                                  "AAAA,;AAAA", "AAAA;AAAA,", "AAAA,AAAA;AAgA", "!", ";;!", "AAAA,DAAA",
                                  "AAAA,DAAAA,AAAA", "AAAA;DAAA;AAAA", "AAAAg,CAAA"])
@pytest.mark.parametrize("line, column, same", [(0, 0, False), (0, 9999, False), (5, 0, False),
                                                (2, 0, True), (2, 9999, True)])
def test_refuses_what_it_cannot_answer_exactly(text: str, line: int, column: int, same: bool) -> None:
    with pytest.raises(oneshot.Refused):
        oneshot.lookup(text, 1, 1, line, column, same)


@pytest.mark.parametrize("path", real_maps(), ids=lambda p: p.name)
def test_sampled_mappings_of_real_maps(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(speedups, "native", None)
    monkeypatch.setattr(speedups, "native_decode", None)
    assert_single_lookups_agree(path)


def test_once_uses_this_module_only_without_the_c_extension(monkeypatch: pytest.MonkeyPatch) -> None:
    data = json.dumps({"version": 3, "sources": ["a.js"], "names": [], "mappings": "AAAA"})
    calls = []
    monkeypatch.setattr(oneshot, "lookup", lambda *a: calls.append(a) or None)
    if speedups.native is not None:
        assert loads(data).lookup(0, 0, once=True) is not None and not calls
    monkeypatch.setattr(speedups, "native", None)
    assert loads(data).lookup(0, 0, once=True) is None and len(calls) == 1
