"""``smtools stack``: exit codes, exact lines, stdin, JSON and event output.

Uses tests/stack/data/tiny: dist/a.js (one minified line) and its map, whose mappings are
listed in tests/stack/tinybuild.py (``new`` of the throw is column 37, the call ``n()``
column 14, the top-level ``o()`` column 52, all 1-based).
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

TINY = Path(__file__).resolve().parents[1] / "stack" / "data" / "tiny"
TRACE = """Uncaught Error: x
    at n (file:///C:/Program%20Files/App/resources/app.asar/dist/a.js:1:37)
    at o (file:///C:/Program%20Files/App/resources/app.asar/dist/a.js:1:14)
    at file:///C:/Program%20Files/App/resources/app.asar/dist/a.js:1:52
"""


@pytest.fixture
def trace_file(tmp_path: Path) -> Path:
    path = tmp_path / "crash.txt"
    path.write_text(TRACE)
    return path


def test_text_output(smtools, trace_file: Path) -> None:
    result = smtools("stack", trace_file, "--maps", TINY)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Uncaught Error: x",
        "    at inner (webpack:///./src/a.js:5:9)",
        "    at outer (webpack:///./src/a.js:2:3)",
        "    at webpack:///./src/a.js:7:1",
    ]
    assert result.stderr == "3 of 3 frames resolved, 0 unresolved (1 map decoded)\n"


def test_verbose_shows_original_source(smtools, trace_file: Path) -> None:
    lines = smtools("stack", trace_file, "--maps", TINY, "-v").stdout.splitlines()
    assert lines[1:6] == [
        "    at inner (webpack:///./src/a.js:5:9)",
        "        2 |   inner()",
        "        3 | }",
        "        4 | function inner () {",
        "      > 5 |   throw new Error('x')",
    ]


def test_reads_stdin(smtools, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(TRACE.encode())))
    result = smtools("stack", "-", "--maps", TINY)
    assert result.exit_code == 0 and "at inner (webpack:///./src/a.js:5:9)" in result.stdout


def test_unresolved_frames_keep_their_text(smtools, tmp_path: Path) -> None:
    path = tmp_path / "log.txt"
    path.write_text("10:00 start\n    at x (app:///dist/zzz.js:1:5)\n    at n (app:///dist/a.js:1:37)\n")
    result = smtools("stack", path, "--maps", TINY)
    # Partly resolved is a normal outcome; --strict turns it into a failure.
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "10:00 start",
        "    at x (app:///dist/zzz.js:1:5)  [unresolved: file not found]",
        "    at inner (webpack:///./src/a.js:5:9)",
    ]
    assert result.stderr == "1 of 2 frames resolved, 1 unresolved (1 map decoded)\n"
    assert smtools("stack", path, "--maps", TINY, "--strict").exit_code == 1


def test_nothing_resolved_exits_1(smtools, tmp_path: Path) -> None:
    path = tmp_path / "log.txt"
    path.write_text("Error: x\n    at x (app:///dist/zzz.js:1:5)\n")
    result = smtools("stack", path, "--maps", TINY)
    assert result.exit_code == 1
    assert result.stderr == "0 of 1 frames resolved, 1 unresolved (0 maps decoded)\n"


def test_json_output(smtools, trace_file: Path) -> None:
    result = smtools("stack", trace_file, "--maps", TINY, "--json")
    assert result.exit_code == 0 and result.stderr == ""
    data = json.loads(result.stdout)
    assert data["summary"] == {"frames": 3, "resolved": 3, "unresolved": 0, "skipped": 0}
    assert [f["original"]["function"] for f in data["frames"]] == ["inner", "outer", None]
    assert smtools("stack", trace_file, "--maps", TINY, "--format", "json").stdout == result.stdout


def test_event_output(smtools, tmp_path: Path) -> None:
    event = {"exception": {"values": [{"type": "Error", "value": "x", "stacktrace": {"frames": [
        {"filename": "app:///dist/a.js", "lineno": 1, "colno": 37, "function": "n"}]}}]}}
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event))
    result = smtools("stack", path, "--maps", TINY, "--format", "event")
    assert result.exit_code == 0 and result.stderr == ""
    frame = json.loads(result.stdout)["exception"]["values"][0]["stacktrace"]["frames"][0]
    assert (frame["abs_path"], frame["lineno"], frame["colno"], frame["function"]) == (
        "webpack:///./src/a.js", 5, 9, "inner")


def test_event_format_needs_an_event(smtools, trace_file: Path) -> None:
    result = smtools("stack", trace_file, "--maps", TINY, "--format", "event")
    assert result.exit_code == 2
    assert result.stderr == "error: --format event needs a sentry event, store payload or envelope as input\n"


def test_json_and_event_format_conflict(smtools, trace_file: Path) -> None:
    result = smtools("stack", trace_file, "--maps", TINY, "--json", "--format", "event")
    assert (result.exit_code, result.stderr) == (2, "error: --json and --format event cannot be combined\n")


def test_maps_or_rules_are_required(smtools, trace_file: Path) -> None:
    result = smtools("stack", trace_file)
    assert result.exit_code == 2
    assert result.stderr == "error: give --maps DIR (the build output) or --map-url PREFIX=DIR\n"


def test_map_url_rule(smtools, trace_file: Path) -> None:
    rule = f"file:///C:/Program Files/App/resources/app.asar={TINY}"
    result = smtools("stack", trace_file, "--map-url", rule, "--json")
    assert result.exit_code == 0
    assert {f["matched_by"] for f in json.loads(result.stdout)["frames"]} == {"map-url"}


def test_bad_map_url(smtools, trace_file: Path) -> None:
    result = smtools("stack", trace_file, "--map-url", "app:///")
    assert result.exit_code == 2
    assert result.stderr == ("error: bad --map-url 'app:///': expected PREFIX=DIR, "
                             "e.g. app:///dist/electron=build/dist/electron\n")


def test_missing_input_file(smtools, tmp_path: Path) -> None:
    result = smtools("stack", tmp_path / "nope.txt", "--maps", TINY)
    assert (result.exit_code, result.stderr) == (3, f"error: {tmp_path / 'nope.txt'}: no such file\n")


def test_json_that_is_not_an_event(smtools, tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"message": "hi"}')
    result = smtools("stack", path, "--maps", TINY)
    assert result.exit_code == 3
    assert result.stderr == "error: json input has no exception, threads or stacktrace: not a sentry event\n"


def test_input_without_frames(smtools, tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("nothing to see\n")
    result = smtools("stack", path, "--maps", TINY)
    assert (result.exit_code, result.stdout) == (1, "nothing to see\n")
    assert result.stderr == "warning: no stack frames found in the input\n"
