"""The C decoder gives exactly the answers of the pure-Python decoders."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smtools.sourcemap import SourceMap, loads, speedups, vlq
from smtools.sourcemap import mappings as m

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


def _real_maps() -> list[Path]:
    resources = ROOT.parent / "shared" / "conformance" / "tc39-source-map-tests" / "resources"
    fixtures = sorted(p for p in (ROOT / "fixtures").rglob("*.map") if "node_modules" not in p.parts)
    return fixtures + sorted(resources.glob("*.map"))


@pytest.mark.parametrize("path", _real_maps(), ids=lambda p: p.name)
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
    for _ in range(5000):
        line, column = rng.randrange(62), rng.randrange(30000)
        assert native.lookup(line, column) == python.lookup(line, column)


# --- the JSON skim: the same map, diagnostics and errors as a full parse ---

def _summary(data: bytes) -> tuple:
    from smtools.errors import InvalidSourceMap

    try:
        source_map = loads(data)
    except InvalidSourceMap as error:
        return ("error", error.code)
    if not isinstance(source_map, SourceMap):
        return ("index", [d.code for d in source_map.diagnostics])
    return (source_map.file, source_map.sources, source_map.names, list(source_map.sources_content),
            source_map.debug_id, source_map.ignore_list, source_map.extra,
            [(d.code, d.path) for d in source_map.diagnostics],
            arrays(source_map.decoded))


def both_ways(data: bytes, monkeypatch: pytest.MonkeyPatch) -> tuple:
    skimmed = _summary(data)
    with monkeypatch.context() as patched:
        patched.setattr(speedups, "native", None)
        patched.setattr(speedups, "native_decode", None)
        parsed = _summary(data)
    assert skimmed == parsed
    return skimmed


@pytest.mark.parametrize("path", _real_maps(), ids=lambda p: p.name)
def test_skim_gives_the_same_map(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    both_ways(path.read_bytes(), monkeypatch)


@pytest.mark.parametrize("text", [
    b'{"version":3,"sources":["a"],"mappings":"AAAA","sourcesContent":["x\\ny \\u00e9 \\ud83d\\ude00"]}',
    b'{"version":3,"sources":["a"],"mappings":"AAAA","sourcesContent":[3, null, "ok"]}',
    b'{"version":3,"sources":["a"],"mappings":"A\\u0041AA"}',
    b'{"version":3,"sources":["a"],"mappings":"AAAA","mappings":"AAAC"}',
    b'{"version":3,"sources":["a"],"mappings":"AAAA","sourcesContent":"nope"}',
    b'{"version":3,"sources":["a"],"mappings":"AAAA","x":NaN}',
    b'{"version":3,"sources":["a"],"mappings":"AAAA","x":[1,]}',
    b'{"version":3,"sources":["a"],"mappings":"AAAA","x":"\x01"}',
    b'{"version":3,"sources":["a"],"mappings":"AAAA","x":01}',
    b'{"version":3,"sources":["a"],"mappings":"AAAA"} trailing',
    b'\xef\xbb\xbf{"version":3,"sources":["a"],"mappings":"AAAA"}',
    b")]}'\n{\"version\":3,\"sources\":[\"a\"],\"mappings\":\"AAAA\"}",
    b'{"version":3,"sources":["a"],"mappings":"AAAA","sourcesContent":["\xff\xfe bad utf-8"]}',
    b'{"v\\u0065rsion":3,"sources":["a"],"mappings":"AAAA"}',
    b'{"version":3,"sources":["a"],"mappings":"AAAA,ggggggE"}',
    b'[]', b'', b'{', b'{"a":1}{',
])
def test_skim_edge_cases(text: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    both_ways(text, monkeypatch)


@settings(max_examples=400)
@given(st.binary(max_size=40), st.integers(0, 120))
def test_skim_on_mutated_documents(noise: bytes, where: int) -> None:
    base = (b'{"version":3,"file":"x.js","sources":["a.js",null],"names":["n"],'
            b'"sourcesContent":["line\\n\\"q\\"",null],"mappings":"AAAAA,CAAC;AACA"}')
    mutated = base[:where] + noise + base[where + len(noise):]
    with pytest.MonkeyPatch.context() as patch:
        both_ways(mutated, patch)
