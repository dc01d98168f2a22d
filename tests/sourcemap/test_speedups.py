"""The C decoder gives exactly the answers of the pure-Python decoders."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from realmaps import assert_single_lookups_agree, real_maps
from test_oneshot import maps as oneshot_maps

from smtools.sourcemap import SourceMap, loads, speedups, vlq
from smtools.sourcemap import mappings as m
from smtools.sourcemap.lookup import find, line_of

pytestmark = pytest.mark.skipif(speedups.native_decode is None,
                                reason="the C decoder is not built here")
ROOT = Path(__file__).resolve().parents[2]


def arrays(decoded: m.Mappings | None) -> tuple | None:
    if decoded is None:
        return None
    return tuple(list(a) for a in (decoded.line_offsets, decoded.columns, decoded.sources,
                                   decoded.original_lines, decoded.original_columns,
                                   decoded.names, decoded.flags))


def agree(text: str, sources: int, names: int) -> m.Mappings | None:
    native = m.decode_native(text, sources, names)
    python = m.decode_fast(text, sources, names)
    assert arrays(native) == arrays(python), text[:200]
    return native


@settings(max_examples=1000)
@given(st.text(alphabet="ABCDEFGgh+/B,;C", max_size=40), st.integers(0, 3), st.integers(0, 3))
def test_same_result_or_same_refusal_on_any_string(text: str, sources: int, names: int) -> None:
    agree(text, sources, names)


@settings(max_examples=300)
@given(st.lists(st.integers(-40, 2**31), max_size=30), st.integers(1, 4), st.integers(0, 4))
def test_same_on_segments_built_from_values(values: list[int], sources: int, names: int) -> None:
    rng = random.Random(len(values))
    parts, chunk = [], []
    for value in values:
        chunk.append(vlq.encode(value))
        if len(chunk) in (1, 4, 5) and rng.random() < 0.5:
            parts.append("".join(chunk) + rng.choice([",", ";", ",", ";;"]))
            chunk = []
    agree("".join(parts).rstrip(",;"), sources, names)


@pytest.mark.parametrize("text", ["", ";;;", "A" * 4, "i" + "g" * 2000 + "AAAA", "+/////DAAA",
                                  "ggggggE", "AAAB", "B", "AAAA,", ",AAAA", "AAAA,,AAAA",
                                  "AAAAAA", "é", "AAAA;CAAC,CAAC;;DACD"])
def test_edge_cases(text: str) -> None:
    agree(text, 2, 2)


@pytest.mark.parametrize("path", real_maps(), ids=lambda p: p.name)
def test_every_mapping_of_real_maps(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = json.loads(path.read_bytes())
    if not isinstance(data, dict) or not isinstance(data.get("mappings"), str):
        pytest.skip("not a regular map")
    sources = data.get("sources") if isinstance(data.get("sources"), list) else []
    names = data.get("names") if isinstance(data.get("names"), list) else []
    agree(data["mappings"], len(sources), len(names))


def test_lookups_agree_on_a_large_generated_map(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(11)
    state = [0, 0, 0, 0]
    lines = []
    for _ in range(60):
        parts = []
        for _ in range(rng.randrange(0, 2000)):
            target = [rng.randrange(5), rng.randrange(5000), rng.randrange(200), rng.randrange(300)]
            width = rng.choice([1, 4, 4, 5])
            text = vlq.encode(rng.randint(0, 25))
            for i in range(width - 1):
                text += vlq.encode(target[i] - state[i])
                state[i] = target[i]
            parts.append(text)
        lines.append(",".join(parts))
    data = json.dumps({"version": 3, "sources": list("abcde"), "names": [f"n{i}" for i in range(300)],
                       "mappings": ";".join(lines)})
    native = loads(data)
    assert m.decode_native(native.encoded_mappings, 5, 300) is not None
    _ = native.decoded  # decoded now, by the C decoder
    monkeypatch.setattr(speedups, "native_decode", None)
    monkeypatch.setattr(speedups, "native", None)
    python = loads(data)
    assert isinstance(native, SourceMap) and isinstance(python, SourceMap)
    assert arrays(native.decoded) == arrays(python.decoded)
    assert native.decoded.native is not None and python.decoded.native is None
    probes = [(rng.randrange(62), rng.randrange(30000)) for _ in range(5000)]
    probes += [(0, 2**40), (3, 2**70), (2**70, 0), (61, 0), (62, 5), (10**6, 10**6)]
    for line, column in probes:
        assert native.lookup(line, column) == python.lookup(line, column)
        assert native.original_position_for(line, column) == python.original_position_for(line, column)


def test_original_lookup_rejects_negative_positions() -> None:
    decoded = m.decode_native("AAAA", 1, 0)
    assert decoded is not None and decoded.native is not None
    for line, column in ((-1, 0), (0, -1), (-(2**70), 0)):
        with pytest.raises(ValueError):
            speedups.native.original_lookup(decoded.native, line, column)


@settings(max_examples=300)
@given(oneshot_maps(), st.lists(st.tuples(st.integers(0, 8), st.integers(0, 20000)),
                                min_size=1, max_size=8))
def test_original_lookup_agrees_with_the_python_search(case, queries) -> None:
    text, sources, names = case
    source_map = loads(json.dumps({"version": 3, "sources": [f"s{i}.js" for i in range(sources)],
                                   "names": [f"n{i}" for i in range(names)], "mappings": text}))
    assert isinstance(source_map, SourceMap)
    decoded = source_map.decoded
    for line, column in queries:
        index = find(decoded, line, column)
        expected = None
        if index >= 0 and decoded.flags[index] & 1:
            expected = (decoded.sources[index], decoded.original_lines[index],
                        decoded.original_columns[index],
                        decoded.names[index] if decoded.flags[index] & 2 else -1)
        if decoded.native is not None:
            assert speedups.native.original_lookup(decoded.native, line, column) == expected


# --------------------------------------------------------------------------
# lookup_once: one lookup while decoding, nothing stored


def found_by_full_decode(text: str, sources: int, names: int, line: int, column: int, same: bool):
    decoded = m.decode_native(text, sources, names)
    if decoded is None:
        return False
    index = find(decoded, line, column, same_line=same)
    if index < 0:
        return None
    return (line_of(decoded, index), decoded.columns[index], decoded.sources[index],
            decoded.original_lines[index], decoded.original_columns[index], decoded.names[index],
            decoded.flags[index])


@settings(max_examples=1000)
@given(st.text(alphabet="ABCDEFGgh+/B,;C", max_size=40), st.integers(0, 3), st.integers(0, 3),
       st.integers(0, 5), st.integers(0, 40), st.booleans())
def test_lookup_once_refuses_and_answers_as_the_full_decoder(text: str, sources: int, names: int,
                                                             line: int, column: int, same: bool) -> None:
    assert m.lookup_native(text, sources, names, line, column, same) == \
        found_by_full_decode(text, sources, names, line, column, same)


@settings(max_examples=300)
@given(oneshot_maps(), st.lists(st.tuples(st.integers(0, 8), st.integers(0, 20000), st.booleans()),
                                min_size=1, max_size=8))
def test_lookup_once_on_valid_maps(case, queries) -> None:
    text, sources, names = case
    for line, column, same in queries:
        assert m.lookup_native(text, sources, names, line, column, same) == \
            found_by_full_decode(text, sources, names, line, column, same)


@pytest.mark.parametrize("path", real_maps(), ids=lambda p: p.name)
def test_lookup_once_on_real_maps(path: Path) -> None:
    assert_single_lookups_agree(path)


@pytest.mark.parametrize(("line", "column"), [(0, 2**70), (2**70, 0), (1, 2**63), (2**63, 2**63)])
def test_lookup_once_takes_positions_of_any_size(line: int, column: int) -> None:
    text = "AAAA,CAAC;EAAE"
    for same in (False, True):
        assert m.lookup_native(text, 1, 0, line, column, same) == \
            found_by_full_decode(text, 1, 0, line, column, same)
