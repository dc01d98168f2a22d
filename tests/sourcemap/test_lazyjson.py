"""Skimming: the C skim, the pure-Python skim and a full parse give the same map."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smtools.sourcemap import SourceMap, lazyjson, loads, speedups

ROOT = Path(__file__).resolve().parents[2]


def arrays(decoded) -> tuple:
    return tuple(list(a) for a in (decoded.line_offsets, decoded.columns, decoded.sources,
                                   decoded.original_lines, decoded.original_columns,
                                   decoded.names, decoded.flags))


def _real_maps() -> list[Path]:
    resources = ROOT.parent / "shared" / "conformance" / "tc39-source-map-tests" / "resources"
    fixtures = sorted(p for p in (ROOT / "fixtures").rglob("*.map") if "node_modules" not in p.parts)
    return fixtures + sorted(resources.glob("*.map"))


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
    """The C skim (when built), the pure-Python skim and a full parse give the same map."""
    from smtools.sourcemap import lazyjson

    skimmed = _summary(data) if speedups.native is not None else None
    with monkeypatch.context() as patched:
        patched.setattr(speedups, "native", None)
        patched.setattr(speedups, "native_decode", None)
        python_skim = _summary(data)
        patched.setattr(lazyjson, "skim", lambda data, native: None)
        parsed = _summary(data)
    assert skimmed in (None, parsed)
    assert python_skim == parsed
    return parsed


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


_STRING_BYTES = st.sampled_from([b"\\", b'"', b"u", b"0", b"a", b"F", b"g", b"n", b"/", b"x", b",",
                                 b"]", b" ", b"\n", b"\x01", b"\x1f", b"\xc3\xa9", b"\xff"])


@settings(max_examples=600)
@given(st.lists(st.lists(_STRING_BYTES, max_size=14).map(b"".join), min_size=1, max_size=3),
       st.lists(_STRING_BYTES, max_size=8).map(b"".join), st.sampled_from([0, 1 << 30]))
def test_skim_of_string_bodies(contents: list[bytes], mappings: bytes, dense: int) -> None:
    # Escapes, quotes, control characters and look-alikes of an element's end
    # inside sourcesContent strings and mappings, valid or not; checked after
    # every escaped quote, and handed to the exact pattern at once or never.
    body = b",".join(b'"' + content + b'"' for content in contents)
    data = (b'{"version":3,"sources":["a.js"],"names":[],"mappings":"AAAA' + mappings + b'",'
            b'"sourcesContent":[' + body + b', null]}')
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lazyjson, "_QUOTES_PER_CHECK", 1)
        patch.setattr(lazyjson, "_DENSE_QUOTES", dense)
        both_ways(data, patch)
        # A valid document is skimmed, not left to the full parser.
        try:
            json.loads(data)
        except ValueError:
            return
        assert lazyjson.skim(data, None) is not None


@pytest.mark.parametrize("content", [rb"a\\d", rb"\\", rb"\\\\", rb"x\\\"", rb"\\\u00e9\\n",
                                     rb"\"\\", rb"regex /\\d+/ \\u0041", rb"\/\b\f\n\r\t"])
@pytest.mark.parametrize("dense", [0, 1 << 30])
def test_valid_strings_with_escaped_backslashes_are_skimmed(content: bytes, dense: int,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lazyjson, "_QUOTES_PER_CHECK", 1)
    monkeypatch.setattr(lazyjson, "_DENSE_QUOTES", dense)
    data = (b'{"version":3,"sources":["a.js"],"names":[],"mappings":"AAAA",'
            b'"sourcesContent":["' + content + b'", "' + content + b'"]}')
    found = lazyjson.skim(data, None)
    assert found is not None
    assert list(found["sourcesContent"]) == [json.loads(b'"' + content + b'"')] * 2


def test_the_python_skim_leaves_big_values_lazy() -> None:
    from smtools.sourcemap import lazyjson

    data = (b'{"version":3,"sources":["a.js"],"names":[],"mappings":"AAAA",'
            b'"sourcesContent":["let a = 1;\\n", null]}')
    found = lazyjson.skim(data, None)
    assert isinstance(found["mappings"], lazyjson.RawText)
    assert isinstance(found["sourcesContent"], lazyjson.LazyJsonArray)
    assert list(found["sourcesContent"]) == ["let a = 1;\n", None]
