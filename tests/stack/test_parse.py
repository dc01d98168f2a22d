"""Stack-trace text → frames: V8, SpiderMonkey, JavaScriptCore, logs. Expected values are hand-written."""

from __future__ import annotations

import pytest

from smtools.stack.model import JAVASCRIPTCORE, SPIDERMONKEY, V8, from_printed, to_printed
from smtools.stack.parse import frames, parse_frame, parse_text

RENDERER = "file:///C:/Program%20Files/App/resources/app.asar/dist/electron/renderer.js"


def test_printed_positions_are_one_based_lines_and_columns() -> None:
    assert from_printed(1, 48213) == (0, 48212)
    assert from_printed(13, 1) == (12, 0)
    assert from_printed(3, None) == (2, None)
    assert to_printed(0, 48212) == (1, 48213)


@pytest.mark.parametrize("line, url, position, function", [
    (f"    at Vue.boom ({RENDERER}:13:7807)", RENDERER, (12, 7806), "Vue.boom"),
    (f"    at {RENDERER}:1:2", RENDERER, (0, 1), None),
    ("    at o (/Applications/App.app/Contents/Resources/app.asar/dist/electron/main.js:1:1216)",
     "/Applications/App.app/Contents/Resources/app.asar/dist/electron/main.js", (0, 1215), "o"),
    ("    at o (C:\\Program Files (x86)\\App\\resources\\app.asar\\dist\\electron\\main.js:1:1216)",
     "C:\\Program Files (x86)\\App\\resources\\app.asar\\dist\\electron\\main.js", (0, 1215), "o"),
    ("    at Object.<anonymous> (app:///dist/electron/main.js:1:10)", "app:///dist/electron/main.js",
     (0, 9), "Object.<anonymous>"),
    ("    at Foo.bar [as baz] (http://localhost:9080/renderer.js:2:30)",
     "http://localhost:9080/renderer.js", (1, 29), "Foo.bar [as baz]"),
    ("    at eval (webpack:///./src/main/index.js?:22:9)", "webpack:///./src/main/index.js?", (21, 8),
     "eval"),
])
def test_v8_frames(line: str, url: str, position: tuple[int, int], function: str | None) -> None:
    frame = parse_frame(line)
    assert frame is not None
    assert (frame.url, (frame.line, frame.column), frame.function) == (url, position, function)
    assert frame.syntax == V8
    assert frame.raw == line
    assert frame.prefix == "    "


def test_v8_new_and_async_markers() -> None:
    constructed = parse_frame("    at new Ward (app:///dist/electron/main.js:1:500)")
    awaited = parse_frame("    at async loadPatient (app:///dist/electron/main.js:1:600)")
    assert constructed is not None and constructed.is_constructor and constructed.function == "Ward"
    assert awaited is not None and awaited.is_async and awaited.function == "loadPatient"
    assert (awaited.line, awaited.column) == (0, 599)


def test_v8_eval_frame_uses_the_eval_call_site() -> None:
    frame = parse_frame(f"    at eval (eval at boom ({RENDERER}:1:2150), <anonymous>:1:7)")
    assert frame is not None and frame.is_eval
    assert (frame.url, frame.line, frame.column, frame.function) == (RENDERER, 0, 2149, "eval")


def test_v8_nested_eval_frame_uses_the_innermost_origin() -> None:
    frame = parse_frame("    at eval (eval at <anonymous> (eval at boom (app:///x.js:4:9)), "
                        "<anonymous>:3:4), <anonymous>:1:1)")
    assert frame is not None
    assert (frame.url, frame.line, frame.column) == ("app:///x.js", 3, 8)


@pytest.mark.parametrize("line", [
    "    at Array.map (<anonymous>)",
    "    at new Promise (<anonymous>)",
    "    at Array.forEach (native)",
    "    at async Promise.all (index 0)",
])
def test_v8_native_frames_have_no_location(line: str) -> None:
    frame = parse_frame(line)
    assert frame is not None
    assert frame.url is None and frame.line is None


def test_node_internal_frames_are_frames() -> None:
    frame = parse_frame("    at Module._compile (node:internal/modules/cjs/loader:1554:14)")
    assert frame is not None and frame.url == "node:internal/modules/cjs/loader"


@pytest.mark.parametrize("line", [
    "Error: boom",
    "TypeError: Cannot read properties of undefined (reading 'dose')",
    "Error: failed at startup (config.js:1:2)",
    "look at this",
    "at",
    "",
])
def test_lines_that_are_not_frames(line: str) -> None:
    assert parse_frame(line) is None


def test_v8_frame_after_a_log_prefix() -> None:
    line = "[2024-05-01 10:00:00.123] [error]   at t (app:///dist/electron/main.js:1:8000)"
    frame = parse_frame(line)
    assert frame is not None
    assert frame.prefix == "[2024-05-01 10:00:00.123] [error]   "
    assert (frame.function, frame.line, frame.column) == ("t", 0, 7999)


@pytest.mark.parametrize("line, function, url, position", [
    ("boom@app:///dist/electron/renderer.js:1:48213", "boom", "app:///dist/electron/renderer.js", (0, 48212)),
    ("@app:///dist/electron/renderer.js:1:3", None, "app:///dist/electron/renderer.js", (0, 2)),
    ("computeDose/<@http://localhost:9080/renderer.js:13:7807", "computeDose/<",
     "http://localhost:9080/renderer.js", (12, 7806)),
    ("  handler@file:///C:/App/x.js:7", "handler", "file:///C:/App/x.js", (6, None)),
])
def test_spidermonkey_frames(line: str, function: str | None, url: str,
                             position: tuple[int, int | None]) -> None:
    frame = parse_frame(line)
    assert frame is not None
    assert (frame.function, frame.url, (frame.line, frame.column), frame.syntax) == (
        function, url, position, SPIDERMONKEY)


def test_spidermonkey_async_and_eval_frames() -> None:
    awaited = parse_frame("async*load@app:///x.js:1:50")
    evaluated = parse_frame("run@app:///x.js line 10 > eval:1:5")
    assert awaited is not None and awaited.is_async and awaited.function == "load"
    assert evaluated is not None and evaluated.is_eval
    assert (evaluated.url, evaluated.line, evaluated.column) == ("app:///x.js", 9, None)


def test_javascriptcore_markers_relabel_the_whole_trace() -> None:
    lines = parse_text("boom@app:///x.js:1:20\nforEach@[native code]\nglobal code@app:///x.js:1:99\n")
    found = frames(lines)
    assert [f.syntax for f in found] == [JAVASCRIPTCORE] * 3
    assert found[1].url is None and found[1].function == "forEach"
    assert found[2].function == "global code"


def test_parse_text_keeps_every_line_and_ending() -> None:
    text = "log line\r\nError: x\n    at t (app:///a.js:1:2)\nlast"
    lines = parse_text(text)
    assert "".join(line.text + line.ending for line in lines) == text
    assert [line.frame is not None for line in lines] == [False, False, True, False]
