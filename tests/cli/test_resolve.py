from __future__ import annotations

import json
from pathlib import Path

import pytest

BASIC = "resources/basic-mapping.js"


@pytest.fixture
def basic(conformance_dir: Path) -> Path:
    return conformance_dir / BASIC


def test_resolve_js_with_context_from_disk(smtools, basic: Path) -> None:
    # basic-mapping.js maps column 10 (1-based) of line 1 to foo in the original.
    result = smtools("resolve", f"{basic}:1:10")
    assert result.exit_code == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert first == f"{basic}:1:10  →  basic-mapping-original.js:1:10  (foo)"
    assert "found via sourceMappingURL comment" in result.stdout
    assert "> 1 │ function foo() {" in result.stdout
    assert "│          ^" in result.stdout


def test_resolve_json_and_column_base(smtools, basic: Path) -> None:
    one = json.loads(smtools("resolve", f"{basic}:1:10", "--json").stdout)
    zero = json.loads(smtools("resolve", f"{basic}:1:9", "--json", "--column-base", "0").stdout)
    assert one["original"] == {"source": "basic-mapping-original.js", "line": 1, "column": 10,
                               "name": "foo"}
    assert zero["original"]["column"] == 9 and zero["original"]["name"] == "foo"
    assert one["found_via"] == "comment" and one["map"].endswith("basic-mapping.js.map")


def test_resolve_map_directly(smtools, basic: Path) -> None:
    result = smtools("resolve", f"{basic}.map:1:10", "--json")
    assert json.loads(result.stdout)["original"]["name"] == "foo"


def write_pair(tmp_path: Path, code: str, mappings: str, content: str | None = None) -> Path:
    js = tmp_path / "app.js"
    js.write_text(code + "\n//# sourceMappingURL=app.js.map\n")
    data = {"version": 3, "sources": ["src/app.js"], "names": [], "mappings": mappings}
    if content is not None:
        data["sourcesContent"] = [content]
    (tmp_path / "app.js.map").write_text(json.dumps(data))
    return js


def test_unmapped_position_shows_beautified_minified_code(smtools, tmp_path: Path) -> None:
    # One mapping at column 0, then an unmapped 1-field segment at column 20.
    js = write_pair(tmp_path, "function a(b){return b+1}function c(){throw new Error('x')}",
                    "AAAA,oB")
    # Column 35 (1-based) is the "c" of "function c()".
    result = smtools("resolve", f"{js}:1:35")
    assert result.exit_code == 0
    assert "unmapped: the position is in unmapped generated code" in result.stdout
    assert "minified code around the position" in result.stdout
    lines = result.stdout.splitlines()
    marker = next(i for i, line in enumerate(lines) if "^ column 35" in line)
    code_line = lines[marker - 1]
    caret = lines[marker].index("^")
    assert code_line.strip() == "│ function c() {"
    assert code_line[caret:].startswith("c()")


def test_position_inside_a_token_marks_the_token_start(smtools, tmp_path: Path) -> None:
    js = write_pair(tmp_path, "function a(b){return b+1}function c(){throw new Error('x')}",
                    "AAAA,oB")
    result = smtools("resolve", f"{js}:1:30")  # the "t" inside "function"
    lines = result.stdout.splitlines()
    label = "^ column 30 (inside the token that starts at column 26)"
    marker = next(i for i, line in enumerate(lines) if label in line)
    assert lines[marker - 1][lines[marker].index("^"):].startswith("function c()")


def test_no_content_shows_minified_code(smtools, tmp_path: Path) -> None:
    js = write_pair(tmp_path, "var x=1;", "AAAA")
    result = smtools("resolve", f"{js}:1:1")
    assert result.exit_code == 0
    assert "no source context available" in result.stdout


@pytest.mark.parametrize(("argument", "message"), [
    ("app.js", "error: bad position 'app.js': expected FILE:LINE:COLUMN, e.g. main.js:1:4213"),
    ("app.js:x:1", "error: bad position 'app.js:x:1': LINE and COLUMN must be whole numbers"),
    ("app.js:0:1", "error: line 0 is before the first line (1)"),
])
def test_bad_position_syntax_is_a_usage_error(smtools, argument: str, message: str) -> None:
    result = smtools("resolve", argument)
    assert (result.exit_code, result.stderr.strip()) == (2, message)


def test_missing_file(smtools, tmp_path: Path) -> None:
    result = smtools("resolve", f"{tmp_path}/nope.js:1:1")
    assert (result.exit_code, result.stderr.strip()) == (3, f"error: {tmp_path}/nope.js: no such file")


def test_no_map_found(smtools, tmp_path: Path) -> None:
    js = tmp_path / "lonely.js"
    js.write_text("x();\n")
    result = smtools("resolve", f"{js}:1:1")
    assert result.exit_code == 3
    assert result.stderr.strip() == (f"error: no source map for {js}: no sourceMappingURL comment "
                                     "and no lonely.js.map next to it")


def test_line_past_the_end(smtools, tmp_path: Path) -> None:
    js = write_pair(tmp_path, "var x=1;", "AAAA")
    result = smtools("resolve", f"{js}:9:1")
    assert (result.exit_code, result.stderr.strip()) == (
        3, f"error: line 9 is past the end of {js} (3 lines)")


def test_broken_map_is_one_line(smtools, tmp_path: Path) -> None:
    (tmp_path / "x.js.map").write_text('{"version": 3, "sources": "nope", "mappings": ""}')
    result = smtools("resolve", f"{tmp_path}/x.js.map:1:1")
    assert (result.exit_code, result.stderr.strip()) == (
        3, "error: sources must be an array, got 'nope'")


def test_earlier_line_warning(smtools, tmp_path: Path) -> None:
    js = write_pair(tmp_path, "var x=1;\nvar y=2;", "AAAA", "let x = 1;\n")
    result = smtools("resolve", f"{js}:2:1")
    assert result.exit_code == 0
    assert "warning: no mapping on line 2; the nearest is on generated line 1" in result.stderr


@pytest.mark.parametrize("pure", [False, True])
def test_a_column_beyond_any_integer_type_resolves_to_the_line_end(
        smtools, basic: Path, pure: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    from smtools.sourcemap import speedups

    if pure:
        monkeypatch.setattr(speedups, "native", None)
        monkeypatch.setattr(speedups, "native_decode", None)
    result = smtools("resolve", f"{basic}:1:{2**80}", "--json")
    assert result.exit_code == 0, result.stderr
    # The line's last segment, "MACAC" at generated column 56 (the call bar();),
    # decodes to original line 7, column 0, name index 1: 1-based 8:1, "bar".
    assert json.loads(result.stdout)["original"] == {
        "source": "basic-mapping-original.js", "line": 8, "column": 1, "name": "bar"}
