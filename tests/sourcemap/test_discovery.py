from __future__ import annotations

import base64
import json
from pathlib import Path
from urllib.parse import quote

import pytest

from smtools.errors import InvalidSourceMap, MapNotFoundError
from smtools.sourcemap import (
    decode_data_url,
    find_debug_id,
    find_source_mapping_url,
    load_for_bundle,
    locate_map,
)

MAP = {"version": 3, "sources": ["a.js"], "names": [], "mappings": "AAAA"}


@pytest.mark.parametrize(("text", "expected"), [
    ("code();\n//# sourceMappingURL=a.js.map", "a.js.map"),
    ("code();\n//@ sourceMappingURL=a.js.map\n", "a.js.map"),
    ("code();\n//#sourceMappingURL=a.js.map", "a.js.map"),
    ("code();\n//# sourceMappingURL=a.js.map  \t", "a.js.map"),
    ("code();\n//# sourceMappingURL=first.map\n//# sourceMappingURL=last.map", "last.map"),
    ("code();\n//# sourceMappingURL=x.map\n// an ordinary comment\n\n   \n", "x.map"),
    ("code();\r\n//# sourceMappingURL=crlf.map\r\n", "crlf.map"),
    ("code();\u2028//# sourceMappingURL=ls.map", "ls.map"),
    ("\ufeff//# sourceMappingURL=bom.map", "bom.map"),
    # Not in comment position, or made ambiguous: ECMA-426 §11.1.2.1 gives null.
    ("code(); //# sourceMappingURL=x.map", None),
    ("//# sourceMappingURL=x.map\ncode();", None),
    ("code();\n//# sourceMappingURL=x.map\n/* trailing */", None),
    ("code();\n//# sourceMappingURL=x.map\n// it's quoted", None),
    ('code();\n//# sourceMappingURL="x.map"', None),
    ("code();\n// # sourceMappingURL=x.map", None),
    ("code();\n//# sourceMappingURL=a b.map", None),
    ("code();\n//# sourceMappingURL=", None),
    ("", None),
])
def test_find_source_mapping_url(text: str, expected: str | None) -> None:
    assert find_source_mapping_url(text) == expected


def test_find_debug_id_in_the_last_five_lines() -> None:
    uuid = "85314830-023f-4cf1-a267-535f4e37bb17"
    assert find_debug_id(f"code();\n//# debugId={uuid}\n//# sourceMappingURL=x.map\n") == uuid
    assert find_debug_id(f"//# debugId={uuid}\n" + "x();\n" * 6) is None
    assert find_debug_id("//# debugId=not-a-uuid") is None


def test_data_urls() -> None:
    payload = json.dumps(MAP).encode()
    assert decode_data_url("data:application/json;charset=utf-8;base64,"
                           + base64.b64encode(payload).decode()) == payload
    assert decode_data_url("data:application/json;base64," + base64.b64encode(payload)
                           .decode().rstrip("=")) == payload
    assert decode_data_url("data:application/json," + quote(payload.decode())) == payload
    with pytest.raises(InvalidSourceMap):
        decode_data_url("data:application/json;base64,@@@")
    with pytest.raises(InvalidSourceMap):
        decode_data_url("data:application/json;base64")


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_comment_relative_to_the_bundle(tmp_path: Path) -> None:
    write(tmp_path, "maps/app.js.map", json.dumps(MAP))
    js = write(tmp_path, "app.js", "x();\n//# sourceMappingURL=maps/app.js.map\n")
    source_map, location = load_for_bundle(js)
    assert (location.kind, location.url, location.exists) == ("comment", "maps/app.js.map", True)
    assert location.path == tmp_path / "maps" / "app.js.map"
    assert source_map.original_position_for(0, 0) == ("a.js", 0, 0, None)


def test_inline_map(tmp_path: Path) -> None:
    url = "data:application/json;base64," + base64.b64encode(json.dumps(MAP).encode()).decode()
    js = write(tmp_path, "app.js", f"x();\n//# sourceMappingURL={url}")
    source_map, location = load_for_bundle(js)
    assert location.kind == "inline" and location.path is None
    assert source_map.sources == ["a.js"]


def test_sibling_only_without_comment(tmp_path: Path) -> None:
    write(tmp_path, "app.js.map", json.dumps(MAP))
    js = write(tmp_path, "app.js", "x();\n")
    location = locate_map(js)
    assert location.kind == "sibling" and "no sourceMappingURL comment" in location.note
    # A comment wins over the sibling, even when it points elsewhere.
    write(tmp_path, "other.map", json.dumps(MAP))
    js.write_text("x();\n//# sourceMappingURL=other.map")
    assert locate_map(js).path == tmp_path / "other.map"


def test_comment_to_a_missing_file(tmp_path: Path) -> None:
    js = write(tmp_path, "app.js", "x();\n//# sourceMappingURL=gone.js.map")
    location = locate_map(js)
    assert location.kind == "comment" and not location.exists
    with pytest.raises(MapNotFoundError, match=r"does not exist: .*gone\.js\.map"):
        load_for_bundle(js)


def test_no_map_at_all(tmp_path: Path) -> None:
    js = write(tmp_path, "app.js", "x();\n")
    with pytest.raises(MapNotFoundError, match=r"no sourceMappingURL comment and no app\.js\.map"):
        load_for_bundle(js)


def test_remote_url_falls_back_to_the_local_file_name(tmp_path: Path) -> None:
    write(tmp_path, "app.js.map", json.dumps(MAP))
    js = write(tmp_path, "app.js", "x();\n//# sourceMappingURL=https://cdn.example.org/v1/app.js.map")
    location = locate_map(js)
    assert location.exists and location.path == tmp_path / "app.js.map"
    assert "remote URL" in location.note


def test_percent_encoded_relative_path(tmp_path: Path) -> None:
    write(tmp_path, "my app.js.map", json.dumps(MAP))
    js = write(tmp_path, "my app.js", "x();\n//# sourceMappingURL=my%20app.js.map")
    assert locate_map(js).exists


def test_huge_single_line_bundle_is_scanned_from_the_end(tmp_path: Path) -> None:
    js = write(tmp_path, "big.js", "a=1;" * 2_000_000 + "\n//# sourceMappingURL=big.js.map")
    assert locate_map(js).url == "big.js.map"
