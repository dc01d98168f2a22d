"""Rendering: rewritten text per syntax, JSON, and Sentry-shaped events (tiny build of tinybuild.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from smtools.stack.output import fixup_webpack_filename, join_source, text_lines, to_json, write_event
from smtools.stack.run import symbolicate_input

from .tinybuild import BUNDLE_CODE

THROW = BUNDLE_CODE.index("new") + 1
CALL = BUNDLE_CODE.index("n()") + 1


def _text(root: Path, trace: str) -> list[str]:
    return [line.text for line in text_lines(symbolicate_input(trace.encode(), [root]))]


def test_v8_trace_is_rewritten_in_place(tiny_build: Path) -> None:
    trace = (f"[main] Uncaught Error: x\n    at n (app:///dist/a.js:1:{THROW})\n"
             f"    at new o (app:///dist/a.js:1:{CALL})\n"
             f"    at async app:///dist/a.js:1:{CALL}\n"
             "    at x (app:///dist/missing.js:1:1)\ntrailer")
    assert _text(tiny_build, trace) == [
        "[main] Uncaught Error: x",
        "    at inner (webpack:///./src/a.js:5:9)",
        "    at new outer (webpack:///./src/a.js:2:3)",
        "    at async outer (webpack:///./src/a.js:2:3)",
        "    at x (app:///dist/missing.js:1:1)",
        "trailer",
    ]


def test_firefox_and_safari_keep_their_syntax(tiny_build: Path) -> None:
    assert _text(tiny_build, f"n@app:///dist/a.js:1:{THROW}\nasync*o@app:///dist/a.js:1:{CALL}") == [
        "inner@webpack:///./src/a.js:5:9", "async*outer@webpack:///./src/a.js:2:3"]
    assert _text(tiny_build, f"n@app:///dist/a.js:1:{THROW}\nglobal code@app:///dist/a.js:1:{CALL}") == [
        "inner@webpack:///./src/a.js:5:9", "outer@webpack:///./src/a.js:2:3"]


def test_v8_eval_frame(tiny_build: Path) -> None:
    trace = f"    at eval (eval at o (app:///dist/a.js:1:{CALL}), <anonymous>:1:1)"
    assert _text(tiny_build, trace) == ["    at eval (eval at outer (webpack:///./src/a.js:2:3))"]


def test_json(tiny_build: Path) -> None:
    trace = f"Error: x\n    at n (app:///dist/a.js:1:{THROW})\n    at x (app:///dist/missing.js:1:1)\n"
    data = to_json(symbolicate_input(trace.encode(), [tiny_build]), context_lines=1)
    assert data["input"] == "text" and data["maps_decoded"] == 1
    assert data["summary"] == {"frames": 2, "resolved": 1, "unresolved": 1, "skipped": 0}
    first, second = data["frames"]
    assert first["generated"] == {"url": "app:///dist/a.js", "line": 1, "column": THROW,
                                  "function": "n", "eval": False}
    assert first["original"] == {
        "source": "webpack:///./src/a.js", "line": 5, "column": 9, "function": "inner",
        "function_from": "scope", "token_name": None, "source_text_from": "sourcesContent",
        "context": {"start_line": 4, "pre_context": ["function inner () {"],
                    "context_line": "  throw new Error('x')", "post_context": ["}"]}}
    assert (second["status"], second["reason"], second["original"]) == ("unresolved", "file not found", None)


def _event(frames: list[dict]) -> bytes:
    return json.dumps({"platform": "javascript", "exception": {"values": [
        {"type": "Error", "value": "x", "stacktrace": {"frames": frames}}]}}).encode()


def test_event_is_written_back_like_sentry(tiny_build: Path) -> None:
    raw_frames = [
        {"filename": "app:///dist/a.js", "lineno": 1, "colno": CALL, "function": "o", "in_app": True},
        {"abs_path": "app:///dist/a.js", "filename": "app:///dist/a.js", "lineno": 1, "colno": THROW,
         "function": "n", "context_line": "minified..."},
        {"abs_path": "app:///dist/gone.js", "lineno": 1, "colno": 3},
    ]
    result = symbolicate_input(_event(raw_frames), [tiny_build])
    event = json.loads(write_event(result))
    value = event["exception"]["values"][0]
    outer, inner, gone = value["stacktrace"]["frames"]
    assert {k: inner[k] for k in ("filename", "abs_path", "lineno", "colno", "function", "context_line")} == {
        "filename": "./src/a.js", "abs_path": "webpack:///./src/a.js", "lineno": 5, "colno": 9,
        "function": "inner", "context_line": "  throw new Error('x')"}
    assert inner["pre_context"] == ["function outer () {", "  inner()", "}", "function inner () {"]
    assert inner["post_context"] == ["}", "outer()", ""]
    assert inner["data"] == {
        "sourcemap": str(tiny_build / "dist/a.js.map"), "resolved_with": "url", "symbolicated": True,
        "orig_lineno": 1, "orig_colno": THROW, "orig_function": "n", "orig_abs_path": "app:///dist/a.js",
        "orig_filename": "app:///dist/a.js"}
    assert (outer["function"], outer["lineno"], outer["in_app"]) == ("outer", 2, True)
    assert gone == {"abs_path": "app:///dist/gone.js", "lineno": 1, "colno": 3,
                    "data": {"symbolicated": False}}
    assert event["errors"] == [{"type": "js_no_source", "url": "app:///dist/gone.js",
                                "reason": "file not found"}]
    assert value["raw_stacktrace"]["frames"] == raw_frames


@pytest.mark.parametrize("source, filename", [
    ("webpack:///./src/main/dose.js", "./src/main/dose.js"),
    ("webpack://hospital-desk/./src/main/dose.js", "./src/main/dose.js"),
    ("webpack:///src/main/dose.js", "src/main/dose.js"),
    ("webpack:///./~/vue/dist/vue.runtime.esm.js", "~/vue/dist/vue.runtime.esm.js"),
    ("../src/a.js", "../src/a.js"),
])
def test_fixup_webpack_filename(source: str, filename: str) -> None:
    assert fixup_webpack_filename(source) == filename


@pytest.mark.parametrize("base, source, joined", [
    ("app:///dist/electron/renderer.js", "../../src/a.js", "app:///src/a.js"),
    ("app:///dist/electron/renderer.js", "webpack:///./src/a.js", "webpack:///./src/a.js"),
    ("http://example.com/static/app.js", "/src/a.js", "http://example.com/src/a.js"),
    ("http://example.com/static/app.js", "src/a.js", "http://example.com/static/src/a.js"),
])
def test_join_source(base: str, source: str, joined: str) -> None:
    assert join_source(base, source) == joined
