"""Parse stack-trace text (a bare trace or a whole log) into frames.

Formats (see the README section of ``smtools stack``):

* V8 (Chromium, Electron, Node): ``    at fn (url:line:col)``, ``    at url:line:col``,
  ``at new X (...)``, ``at async fn (...)``, ``at X.y [as z] (...)``, native frames
  (``at Array.map (<anonymous>)``, ``(native)``, ``(index 0)``) and eval frames
  ``at eval (eval at outer (url:line:col), <anonymous>:1:1)``, whose position is
  the eval *call site* in the bundle (as Sentry's JS SDK does: the code inside the
  eval has no map).
* SpiderMonkey (Firefox): ``fn@url:line:col``, ``@url:line:col``, ``outer/<@...``,
  ``async*fn@...``, eval frames ``fn@url line 10 > eval:1:5`` (the call site has a
  line but no column, so they cannot be resolved in a minified bundle).
* JavaScriptCore (Safari): the same ``fn@url:line:col`` syntax plus ``global code``,
  ``eval code``, ``module code`` and ``fn@[native code]``.

Every input line is kept; frames are recognised line by line, so a log with a trace
inside it keeps all its other lines untouched. V8 frames may follow a log prefix
(``[2024-05-01 10:00:00.123] [error]   at fn (...)``) when their location looks like
a path or URL; ``@`` frames must start their line (after indentation).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from smtools.stack.model import JAVASCRIPTCORE, SPIDERMONKEY, V8, Frame, from_printed

_V8_LINE = re.compile(r"^(?P<prefix>.*?)(?<!\S)at (?P<body>\S.*?)\s*$")
_POSITION = re.compile(r"^(?P<url>.*?):(?P<line>\d+)(?::(?P<col>\d+))?$")
_EVAL_ORIGIN = re.compile(r"eval at (?P<fn>.*?) \((?P<url>.*?):(?P<line>\d+):(?P<col>\d+)\)")
_AT_LINE = re.compile(r"^(?P<prefix>\s*)(?P<func>[^\s@]*(?: code)?)@(?P<loc>\S.*?)\s*$")
_GECKO_EVAL = re.compile(r"^(?P<url>.*?) line (?P<line>\d+) > (?:eval|Function)\b")
_JSC_FUNCTIONS = frozenset({"global code", "eval code", "module code"})
_JSC_NATIVE = "[native code]"


@dataclass(frozen=True)
class TraceLine:
    """One line of the input: its text, its line ending, and its frame if it is one."""

    text: str
    ending: str = ""
    frame: Frame | None = None


def parse_text(text: str) -> list[TraceLine]:
    """Split ``text`` into lines and recognise the stack frames among them.

    Args:
        text: a stack trace, or any log that contains one or more.

    Returns:
        One :class:`TraceLine` per input line, in order; joining ``text + ending``
        of every line gives ``text`` back exactly.
    """
    lines = []
    for chunk in text.splitlines(keepends=True):
        body = chunk.rstrip("\r\n")
        lines.append(TraceLine(body, chunk[len(body):], parse_frame(body)))
    return _label_javascriptcore(lines)


def frames(lines: list[TraceLine]) -> list[Frame]:
    """The frames of parsed lines, in input order (innermost first for text traces)."""
    return [line.frame for line in lines if line.frame is not None]


def parse_frame(line: str) -> Frame | None:
    """Parse one line as a V8 or ``@``-style frame; None if it is not a frame."""
    return _parse_v8(line) or _parse_at(line)


def _parse_v8(line: str) -> Frame | None:
    match = _V8_LINE.match(line)
    if match is None:
        return None
    prefix, body = match["prefix"], match["body"]
    is_async = body.startswith("async ")
    body = body[6:] if is_async else body
    is_constructor = body.startswith("new ")
    body = body[4:] if is_constructor else body
    function, location = _split_v8_body(body)
    if function is None and location is None:
        return None
    if prefix.strip() and not _looks_like_path(location or ""):
        return None  # "failed at startup (x:1:2)" in a message is not a frame
    url, line_no, column, is_eval = _v8_location(location or "")
    return Frame(url, line_no, column, function, V8, line, is_constructor, is_async,
                 is_eval, prefix, location or "")


def _split_v8_body(body: str) -> tuple[str | None, str | None]:
    """``fn (location)`` or a bare ``location``; the first `` (`` separates them.

    The location may itself contain parentheses (``C:\\Program Files (x86)\\...``,
    eval origins), the function name practically never contains `` (``.
    """
    if body.endswith(")") and " (" in body:
        function, _, rest = body.partition(" (")
        return function, rest[:-1]
    if _POSITION.match(body) or body.startswith("eval at "):
        return None, body
    return None, None


def _v8_location(location: str) -> tuple[str | None, int | None, int | None, bool]:
    if location.startswith("eval at "):
        # The innermost origin is the last "eval at" (nested evals print outer first).
        origin = _EVAL_ORIGIN.search(location, location.rfind("eval at "))
        if origin is None:
            return None, None, None, True
        line, column = from_printed(int(origin["line"]), int(origin["col"]))
        return origin["url"], line, column, True
    position = _POSITION.match(location)
    if position is None:
        return None, None, None, False  # <anonymous>, native, index 0
    line, column = from_printed(int(position["line"]),
                                int(position["col"]) if position["col"] else None)
    return position["url"], line, column, False


def _parse_at(line: str) -> Frame | None:
    match = _AT_LINE.match(line)
    if match is None:
        return None
    function, location = match["func"], match["loc"]
    is_async = function.startswith("async*")
    function = function[6:] if is_async else function
    if location == _JSC_NATIVE:
        return Frame(None, None, None, function or None, JAVASCRIPTCORE, line,
                     is_async=is_async, prefix=match["prefix"], location_text=location)
    position = _POSITION.match(location)
    if position is None:
        return None
    url = position["url"]
    column_text = position["col"]
    eval_origin = _GECKO_EVAL.match(url)
    if eval_origin is not None:
        # "url line N > eval:l:c": only the call site's line is known, no column.
        line_no, column = from_printed(int(eval_origin["line"]), None)
        return Frame(eval_origin["url"], line_no, column, function or None, SPIDERMONKEY, line,
                     is_async=is_async, is_eval=True, prefix=match["prefix"],
                     location_text=location)
    line_no, column = from_printed(int(position["line"]),
                                   int(column_text) if column_text else None)
    syntax = JAVASCRIPTCORE if function in _JSC_FUNCTIONS else SPIDERMONKEY
    return Frame(url, line_no, column, function or None, syntax, line, is_async=is_async,
                 prefix=match["prefix"], location_text=location)


def _looks_like_path(location: str) -> bool:
    return "/" in location or "\\" in location


def _label_javascriptcore(lines: list[TraceLine]) -> list[TraceLine]:
    """Safari and Firefox share the ``@`` syntax: one JSC marker relabels all ``@`` frames."""
    at_frames = [ln.frame for ln in lines if ln.frame is not None and ln.frame.syntax != V8]
    if not any(f.syntax == JAVASCRIPTCORE for f in at_frames):
        return lines
    from dataclasses import replace

    return [TraceLine(ln.text, ln.ending, replace(ln.frame, syntax=JAVASCRIPTCORE))
            if ln.frame is not None and ln.frame.syntax == SPIDERMONKEY else ln
            for ln in lines]
