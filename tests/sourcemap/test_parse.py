from __future__ import annotations

import base64
import contextlib
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smtools.errors import InvalidSourceMap, SmtoolsError
from smtools.sourcemap import IndexMap, SourceMap, dumps, is_valid, loads, validate

BASIC = {"version": 3, "file": "min.js", "sources": ["one.js", "two.js"], "names": ["bar", "baz"],
         "sourcesContent": ["var bar = 1;", None], "mappings": "AAAA,IAAIA;ACAA,KAAKC"}


@pytest.fixture(params=["dict", "str", "bytes", "bom-bytes", "xssi"])
def basic_map(request: pytest.FixtureRequest) -> SourceMap:
    text = json.dumps(BASIC)
    form = {"dict": BASIC, "str": text, "bytes": text.encode(),
            "bom-bytes": b"\xef\xbb\xbf" + text.encode(), "xssi": ")]}'garbage\n" + text}
    return loads(form[request.param])


def test_every_input_form_gives_the_same_map(basic_map: SourceMap) -> None:
    assert basic_map.file == "min.js"
    assert basic_map.original_position_for(0, 4) == ("one.js", 0, 4, "bar")
    # Line 2 "ACAA,KAAKC": original columns stay relative across lines (4, then 4 + 5).
    assert basic_map.original_position_for(1, 5) == ("two.js", 0, 9, "baz")
    assert basic_map.source_content_for("one.js") == "var bar = 1;"
    assert basic_map.source_content_for("two.js") is None
    assert basic_map.diagnostics == []


@pytest.mark.parametrize("text", ['{"version":3,"sources":[],"mappings":"","x":NaN}',
                                  '{"version":3,"sources":[],"mappings":"","x":Infinity}',
                                  '{"version":3,', "", "not json"])
def test_not_json_is_a_hard_error(text: str) -> None:
    with pytest.raises(InvalidSourceMap) as caught:
        loads(text)
    assert caught.value.code == "not-json"
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("value", ["[1,2]", '"str"', "3", "null"])
def test_non_object_is_a_hard_error(value: str) -> None:
    with pytest.raises(InvalidSourceMap) as caught:
        loads(value)
    assert caught.value.code == "not-an-object"


def test_version_three_point_zero_is_three() -> None:
    assert validate('{"version":3.0,"sources":[],"mappings":""}') == []
    assert [d.code for d in validate('{"version":true,"sources":[],"mappings":""}')] == [
        "invalid-version"]


def test_empty_source_root_is_ignored_and_absolute_sources_are_kept() -> None:
    m = loads({"version": 3, "sourceRoot": "", "sources": ["a.js"], "mappings": "AAAA"})
    assert m.sources == ["a.js"]
    m = loads({"version": 3, "sourceRoot": "src", "sources": ["a.js", "webpack:///b.js",
                                                             "https://x/c.js", None],
               "mappings": ""})
    assert m.sources == ["src/a.js", "webpack:///b.js", "https://x/c.js", None]
    assert m.raw_sources == ["a.js", "webpack:///b.js", "https://x/c.js", None]
    assert m.source_index("src/a.js") == m.source_index("a.js") == 0


def test_x_google_ignore_list_is_a_fallback_only() -> None:
    base = {"version": 3, "sources": ["a.js", "b.js"], "mappings": ""}
    assert loads({**base, "x_google_ignoreList": [1]}).is_ignored("b.js")
    both = loads({**base, "ignoreList": [0], "x_google_ignoreList": [1]})
    assert both.is_ignored("a.js") and not both.is_ignored("b.js")
    odd = loads({**base, "x_google_ignoreList": ["1"]})
    assert [(d.code, d.severity) for d in odd.diagnostics] == [("invalid-ignore-list-entry",
                                                               "warning")]


def test_debug_id_and_its_legacy_alias() -> None:
    uuid = "1aad9d9e-2b50-454f-a5f2-0dd5e95c154c"
    base = {"version": 3, "sources": [], "mappings": ""}
    assert loads({**base, "debug_id": uuid}).debug_id == uuid
    assert loads({**base, "debugId": uuid, "debug_id": "85314830-023f-4cf1-a267-535f4e37bb17"}
                 ).debug_id == uuid
    bad = loads({**base, "debugId": "nope"})
    assert bad.debug_id is None and [d.code for d in bad.diagnostics] == ["invalid-debug-id"]


def test_non_string_names_become_empty_strings() -> None:
    m = loads({"version": 3, "sources": ["a.js"], "names": ["ok", 3], "mappings": "AAAAC"})
    assert m.names == ["ok", ""]
    assert m.original_position_for(0, 0) == ("a.js", 0, 0, "")


def test_sources_content_length_mismatch_is_a_warning() -> None:
    m = loads({"version": 3, "sources": ["a.js", "b.js"], "sourcesContent": ["x"], "mappings": ""})
    assert [(d.code, d.severity) for d in m.diagnostics] == [("sources-content-length-mismatch",
                                                             "warning")]
    assert is_valid(m.diagnostics)


def test_vlq_overflow_is_raised_by_loads_not_later() -> None:
    with pytest.raises(InvalidSourceMap) as caught:
        loads({"version": 3, "sources": ["a.js"], "mappings": "AAAA,ggggggE"})
    assert caught.value.code == "vlq-overflow"


def test_dumps_round_trip_keeps_mappings_and_unknown_fields() -> None:
    original = loads({**BASIC, "x_facebook_sources": [[None]], "debugId":
                      "1aad9d9e-2b50-454f-a5f2-0dd5e95c154c", "ignoreList": [1]})
    again = loads(dumps(original))
    assert list(again) == list(original)
    data = json.loads(original.dumps())
    assert data["x_facebook_sources"] == [[None]] and data["ignoreList"] == [1]
    assert data["debugId"] == "1aad9d9e-2b50-454f-a5f2-0dd5e95c154c"


def test_index_map_is_recognised_by_its_sections_key() -> None:
    index = loads({"version": 3, "sections": []})
    assert isinstance(index, IndexMap) and index.diagnostics == []


JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
                           | st.text(max_size=8),
                           lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=6), inner, max_size=4),
                           max_leaves=12)
KEYS = ["version", "file", "sourceRoot", "sources", "sourcesContent", "names", "mappings",
        "ignoreList", "sections", "debugId", "offset", "map", "line", "column"]


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(KEYS), JSON_VALUES | st.text(alphabet="AB;,gC+/", max_size=12),
                       max_size=8))
def test_random_maps_raise_only_our_own_errors(data: dict) -> None:
    try:
        source_map = loads(json.dumps(data))
        assert isinstance(source_map.diagnostics, list)
        for token in source_map.tokens():
            source_map.original_position_for(token.generated_line, token.generated_column)
    except SmtoolsError:
        pass


@settings(max_examples=300)
@given(st.binary(max_size=60), st.integers(0, 80))
def test_mutated_maps_raise_only_our_own_errors(noise: bytes, where: int) -> None:
    text = json.dumps(BASIC).encode()
    mutated = text[:where] + noise + text[where + len(noise):]
    for candidate in (mutated, base64.b64encode(mutated)):
        with contextlib.suppress(SmtoolsError):
            assert isinstance(loads(candidate).diagnostics, list)
        assert isinstance(validate(candidate), list)
