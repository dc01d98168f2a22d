"""Real stack traces captured from the fixture's built bundles (node and headless Chromium).

Ground truth, all independent of smtools:
* ``throw-sites.json``: the documented original throw positions (1-based) and functions;
* ``traces/resolved.json``: every frame resolved by mozilla ``source-map`` 0.6.1 when the
  traces were captured (``scripts/verify-traces.js``), recorded once.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from smtools.stack.model import Resolution
from smtools.stack.run import symbolicate_input


def _load(fixture: Path, name: str) -> Any:
    path = fixture / name
    if not path.is_file():
        pytest.skip(f"{name} is not in the fixture yet")
    return json.loads(path.read_text())


def _maps(fixture: Path, build: str) -> list[Path]:
    return [fixture / "dist"] if build == "." else [fixture / build / "dist"]


def _by_text(fixture: Path, trace: dict[str, Any]) -> dict[str, Resolution]:
    data = (fixture / "traces" / trace["trace"]).read_bytes()
    result = symbolicate_input(data, _maps(fixture, trace["build"]))
    return {r.frame.raw.strip(): r for r in result.resolutions}


def _stripped(source: str) -> str:
    # resolved.json strips webpack:///, ./ and ?query from sources
    for prefix in ("webpack:///", "./"):
        source = source[len(prefix):] if source.startswith(prefix) else source
    return source.split("?", 1)[0]


def _as_recorded(resolution: Resolution) -> dict[str, Any] | None:
    if not resolution.resolved:
        return None
    assert resolution.source is not None and resolution.line is not None and resolution.column is not None
    return {"source": _stripped(resolution.source), "line": resolution.line + 1,
            "column": resolution.column + 1, "name": resolution.token_name}


def test_every_frame_of_every_trace_agrees_with_mozilla_source_map(fixture_dir: Path) -> None:
    recorded = _load(fixture_dir, "traces/resolved.json")["traces"]
    assert len(recorded) >= 5
    checked = 0
    for trace in recorded:
        resolutions = _by_text(fixture_dir, trace)
        for frame in trace["frames"]:
            ours = _as_recorded(resolutions[frame["frame"]])
            if ours is not None and "map_source" in (frame["original"] or {}):
                # source-map 0.6.1 normalises "/./" out of source URLs; smtools keeps the string
                ours["map_source"] = (resolutions[frame["frame"]].source or "").replace("/./", "/")
            assert ours == frame["original"], (trace["trace"], frame)
            checked += 1
    assert checked > 100


# Why frames stay unresolved, per build (hand-written from the variants' documented setups).
REASONS = {
    ".": {"unmapped position"},                       # the bootstrap's 1-field segment at 1:933
    "variants/no-devtool": {"no map"},
    "variants/eval": {"no map", "file not found"},     # webpack-internal:///43 is no file
}


def test_unresolved_frames_say_why(fixture_dir: Path) -> None:
    for trace in _load(fixture_dir, "traces/resolved.json")["traces"]:
        resolutions = _by_text(fixture_dir, trace)
        reasons = {r.reason for r in resolutions.values() if r.status == "unresolved"}
        expected = REASONS.get(trace["build"], {"unmapped position", None} - {None})
        if trace["build"] == "variants/cheap-module-source-map":
            expected = set()   # lines-only map: every frame "resolves", to main.js:1:1
        assert reasons == expected, trace["trace"]
        for resolution in resolutions.values():
            if resolution.frame.url is not None and resolution.frame.url.startswith("webpack-internal:"):
                assert resolution.reason == "file not found"


MAIN_BUILD_TRACES = {"main-dose": "node-main-dose.txt", "main-nested": "node-main-nested.txt",
                     "main-callback": "node-main-callback.txt",
                     "renderer-dose": "chromium-renderer-dose.txt",
                     "renderer-units": "chromium-renderer-units.txt"}


@pytest.mark.parametrize("crash", sorted(MAIN_BUILD_TRACES))
def test_throwing_frame_is_the_documented_throw_site(fixture_dir: Path, crash: str) -> None:
    site = next(s for s in _load(fixture_dir, "throw-sites.json") if s["id"] == crash)
    text = (fixture_dir / "traces" / MAIN_BUILD_TRACES[crash]).read_bytes()
    result = symbolicate_input(text, [fixture_dir / "dist"])
    throwing = result.resolutions[0]
    assert throwing.resolved
    assert _stripped(throwing.source or "") == site["source"]
    assert throwing.line is not None and throwing.line + 1 == site["line"]
    if site["precision"] == "column":
        assert throwing.column is not None and throwing.column + 1 == site["column"]
    assert throwing.name == (site["function"] or site["enclosing_function"])
    assert result.maps_decoded == 1


@pytest.mark.parametrize("crash", sorted(MAIN_BUILD_TRACES))
def test_documented_callers_are_named(fixture_dir: Path, crash: str) -> None:
    site = next(s for s in _load(fixture_dir, "throw-sites.json") if s["id"] == crash)
    text = (fixture_dir / "traces" / MAIN_BUILD_TRACES[crash]).read_bytes()
    named = {(_stripped(r.source or ""), (r.line or 0) + 1): r.name
             for r in symbolicate_input(text, [fixture_dir / "dist"]).resolutions if r.resolved}
    callers = [c for c in site["callers"] if c["function"] and (c["source"], c["line"]) in named]
    assert callers, "no documented caller line is reproduced by the map"
    for caller in callers:
        assert named[(caller["source"], caller["line"])] == caller["function"], caller


def test_a_whole_log_keeps_its_other_lines(fixture_dir: Path) -> None:
    from smtools.stack.output import text_lines

    path = fixture_dir / "traces" / "node-main-dose.stderr.txt"
    if not path.is_file():
        pytest.skip("node-main-dose.stderr.txt is not in the fixture yet")
    original = path.read_text().splitlines()
    lines = text_lines(symbolicate_input(path.read_bytes(), [fixture_dir / "dist"]))
    assert len(lines) == len(original)
    frame_lines = {i for i, line in enumerate(lines) if line.resolution is not None}
    assert [line.text for i, line in enumerate(lines) if i not in frame_lines] == [
        text for i, text in enumerate(original) if i not in frame_lines]
    assert "    at computeDose (webpack:///./src/main/dose.js:13:11)" in [line.text for line in lines]
