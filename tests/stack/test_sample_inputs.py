"""Hand-written inputs in other syntaxes and shapes, at the positions of the real V8 traces.

tests/stack/data/traces/ and data/events/ restate the frames of the fixture's captured
traces (same bundle line:col) as Electron-on-Windows logs, Firefox and Safari traces, a
Sentry event, a store payload and an envelope. Every frame must resolve to what mozilla
``source-map`` recorded for that generated position (fixture ``traces/resolved.json``),
and the throwing frame to ``throw-sites.json``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from smtools.sourcemap.debugid import inject
from smtools.stack.model import JAVASCRIPTCORE, SPIDERMONKEY, V8, Resolution
from smtools.stack.output import write_event
from smtools.stack.run import symbolicate_input

DATA = Path(__file__).parent / "data"


@pytest.fixture
def recorded(fixture_dir: Path) -> dict[tuple[str, int, int], dict[str, Any] | None]:
    """(bundle, line, column) → the recorded original position, from the main build's traces."""
    path = fixture_dir / "traces" / "resolved.json"
    if not path.is_file():
        pytest.skip("traces/resolved.json is not in the fixture yet")
    table = {}
    for trace in json.loads(path.read_text())["traces"]:
        if trace["build"] == ".":
            for frame in trace["frames"]:
                table[(trace["bundle"], frame["line"], frame["column"])] = frame["original"]
    return table


def _site(fixture_dir: Path, crash: str) -> dict[str, Any]:
    return next(s for s in json.loads((fixture_dir / "throw-sites.json").read_text()) if s["id"] == crash)


def _check(resolutions: list[Resolution], recorded: dict, bundle: str) -> int:
    checked = 0
    for resolution in resolutions:
        frame = resolution.frame
        if frame.line is None:
            continue
        key = (bundle, frame.line + 1, (frame.column or 0) + 1)
        expected = recorded[key]
        got = None
        if resolution.resolved:
            assert resolution.source is not None and resolution.line is not None
            source = resolution.source.replace("webpack:///", "").removeprefix("./").split("?")[0]
            got = {"source": source, "line": resolution.line + 1,
                   "column": (resolution.column or 0) + 1, "name": resolution.token_name}
        assert got == ({k: v for k, v in expected.items() if k != "map_source"} if expected else None), key
        checked += 1
    return checked


@pytest.mark.parametrize("name, bundle, syntax, crash, count", [
    ("electron-windows-renderer-units.log", "renderer.js", V8, "renderer-units", 8),
    ("electron-windows-main-nested.txt", "main.js", V8, "main-nested", 9),
    ("firefox-renderer-units.txt", "renderer.js", SPIDERMONKEY, "renderer-units", 8),
    ("safari-renderer-dose.txt", "renderer.js", JAVASCRIPTCORE, "renderer-dose", 7),
])
def test_other_syntaxes_resolve_like_the_real_trace(fixture_dir: Path, recorded: dict, name: str, bundle: str,
                                                    syntax: str, crash: str, count: int) -> None:
    result = symbolicate_input((DATA / "traces" / name).read_bytes(), [fixture_dir / "dist"])
    assert {r.frame.syntax for r in result.resolutions} == {syntax}
    assert _check(result.resolutions, recorded, bundle) == count
    site = _site(fixture_dir, crash)
    throwing = result.resolutions[0]
    assert throwing.line is not None and throwing.line + 1 == site["line"]
    assert throwing.name == site["function"]
    assert result.maps_decoded == 1


def test_log_lines_around_the_trace_are_kept(fixture_dir: Path) -> None:
    from smtools.stack.output import text_lines

    path = DATA / "traces" / "electron-windows-renderer-units.log"
    lines = [line.text for line in text_lines(symbolicate_input(path.read_bytes(), [fixture_dir / "dist"]))]
    original = path.read_text().splitlines()
    assert lines[:3] == original[:3] and lines[-1] == original[-1]
    assert lines[3] == "    at toMilligrams (webpack:///./src/renderer/utils/units.js:14:11)"


def _source_line(fixture_dir: Path, source: str, line: int) -> str:
    return (fixture_dir / source).read_text().splitlines()[line - 1]


@pytest.mark.parametrize("name, bundle, crash", [
    ("electron-event-renderer-dose.json", "renderer.js", "renderer-dose"),
    ("store-payload-main-nested.json", "main.js", "main-nested"),
    ("electron-renderer-units.envelope", "renderer.js", "renderer-units"),
])
def test_sentry_inputs(fixture_dir: Path, recorded: dict, name: str, bundle: str, crash: str) -> None:
    data = (DATA / "events" / name).read_bytes()
    result = symbolicate_input(data, [fixture_dir / "dist"])
    assert result.kind == ("envelope" if name.endswith(".envelope") else "event")
    _check(result.resolutions, recorded, bundle)
    site = _site(fixture_dir, crash)
    rewritten = write_event(result)
    if result.kind == "envelope":
        assert rewritten.endswith(b'"content_type":"text/plain"}\n'
                                  b"08:15:41 prescription check failed\r\n08:15:41 unit: grain\r\n\n")
        rewritten = rewritten.split(b"\n")[2]
    event = json.loads(rewritten)
    throwing = event["exception"]["values"][0]["stacktrace"]["frames"][-1]
    assert throwing["filename"].replace("./", "").split("?")[0] == site["source"]
    assert throwing["lineno"] == site["line"]
    assert throwing["function"] == site["function"]
    assert throwing["context_line"] == _source_line(fixture_dir, site["source"], site["line"])
    assert len(throwing["pre_context"]) == 5 and len(throwing["post_context"]) == 5
    assert throwing["data"]["symbolicated"] is True and throwing["data"]["resolved_with"] == "url"
    assert "raw_stacktrace" in event["exception"]["values"][0]


def test_debug_id_match_beats_a_url_that_matches_nothing(fixture_dir: Path, tmp_path: Path) -> None:
    build = tmp_path / "build"
    shutil.copytree(fixture_dir / "dist" / "electron", build)
    [main] = [r for r in inject([build]) if r.bundle.name == "main.js"]
    frame = {"abs_path": "app:///bundle-7f3a.js", "lineno": 3, "colno": 6902, "function": "e"}  # +2 lines
    event = {"exception": {"values": [{"type": "RangeError", "stacktrace": {"frames": [frame]}}]},
             "debug_meta": {"images": [{"type": "sourcemap", "code_file": "app:///bundle-7f3a.js",
                                        "debug_id": main.debug_id}]}}
    result = symbolicate_input(json.dumps(event).encode(), [build])
    [resolution] = result.resolutions
    assert (resolution.matched_by, resolution.line, resolution.column, resolution.name) == (
        "debug-id", 12, 10, "computeDose")
    written = json.loads(write_event(result))["exception"]["values"][0]["stacktrace"]["frames"][0]
    assert written["data"]["resolved_with"] == "debug-id"
