"""Render a :class:`~smtools.stack.run.StackResult`: rewritten text, JSON, or a Sentry event.

Printed positions are 1-based (as stack traces and Sentry print them); the
conversion goes through :func:`smtools.stack.model.to_printed`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from smtools.stack.context import context_around, sentry_context
from smtools.stack.event import dump_event_input
from smtools.stack.model import (
    FILE_NOT_FOUND,
    JAVASCRIPTCORE,
    MAP_INVALID,
    NO_COLUMN,
    NO_MAP,
    SKIPPED,
    SPIDERMONKEY,
    UNMAPPED,
    Context,
    Resolution,
    to_printed,
)
from smtools.stack.run import TEXT, StackResult, TraceResult, raw_copy


@dataclass(frozen=True)
class OutputLine:
    """One line of text output: the text, and the resolution when it is a frame."""

    text: str
    resolution: Resolution | None = None


def text_lines(result: StackResult) -> list[OutputLine]:
    """The input re-written line by line: resolved frames in their own syntax with the
    original ``source:line:col`` and function; every other line unchanged.

    Unresolved and skipped frames keep their text (the caller shows the reason).
    Event input is shown as one V8-style trace per stack trace, innermost frame first.
    """
    if result.kind == TEXT:
        return [OutputLine(frame_text(result.line_resolutions[i]) if i in result.line_resolutions
                           else line.text, result.line_resolutions.get(i))
                for i, line in enumerate(result.lines)]
    output: list[OutputLine] = []
    for trace in result.traces:
        output.append(OutputLine(_trace_title(trace)))
        for resolution in reversed(trace.resolutions):
            output.append(OutputLine(frame_text(resolution), resolution))
    return output


def _trace_title(trace: TraceResult) -> str:
    owner = trace.owner
    kind, value = owner.get("type"), owner.get("value")
    if kind or value:
        return ": ".join(str(part) for part in (kind, value) if part)
    if "name" in owner or "id" in owner:
        return f"Thread {owner.get('name') or owner.get('id')}"
    return "Stack trace"


def frame_text(resolution: Resolution) -> str:
    """A frame in its input syntax: resolved ones with original position and name."""
    frame = resolution.frame
    if not resolution.resolved:
        if frame.syntax == "sentry":
            return "    at " + _location(frame.function, _sentry_location(resolution))
        return frame.raw
    assert resolution.line is not None
    line, column = to_printed(resolution.line, resolution.column)
    location = f"{resolution.source}:{line}:{column}"
    name = resolution.name
    if frame.syntax in (SPIDERMONKEY, JAVASCRIPTCORE):
        return f"{frame.prefix}{'async*' if frame.is_async else ''}{name or ''}@{location}"
    prefix = frame.prefix if frame.syntax != "sentry" else "    "
    if frame.is_eval:
        location = f"eval at {name or '<anonymous>'} ({location})"
        name = "eval"
    markers = ("async " if frame.is_async else "") + ("new " if frame.is_constructor else "")
    return f"{prefix}at {markers}{_location(name, location)}"


def _location(name: str | None, location: str) -> str:
    return f"{name} ({location})" if name else location


def _sentry_location(resolution: Resolution) -> str:
    frame = resolution.frame
    if frame.line is None:
        return frame.url or "<unknown>"
    line, column = to_printed(frame.line, frame.column)
    return f"{frame.url}:{line}" + (f":{column}" if column is not None else "")


def to_json(result: StackResult, context_lines: int = 0) -> dict[str, Any]:
    """The structured result (``--json``): every frame with its outcome, 1-based positions."""
    resolutions = result.resolutions
    counts = {status: sum(1 for r in resolutions if r.status == status)
              for status in ("resolved", "unresolved", "skipped")}
    frames = []
    for trace_index, trace_resolutions in _grouped(result):
        frames += [dict(trace=trace_index, **resolution_json(r, context_lines))
                   for r in trace_resolutions]
    return {"input": result.kind, "maps_decoded": result.maps_decoded,
            "summary": {"frames": len(resolutions), **counts}, "frames": frames}


def _grouped(result: StackResult) -> list[tuple[int, list[Resolution]]]:
    if result.kind != TEXT:
        return [(i, trace.resolutions) for i, trace in enumerate(result.traces)]
    groups: list[tuple[int, list[Resolution]]] = []
    previous = -2
    for index in sorted(result.line_resolutions):
        if index != previous + 1:
            groups.append((len(groups), []))
        groups[-1][1].append(result.line_resolutions[index])
        previous = index
    return groups


def resolution_json(resolution: Resolution, context_lines: int = 0) -> dict[str, Any]:
    """One frame as JSON; ``context_lines`` > 0 adds that much original source around it."""
    frame = resolution.frame
    line, column = (to_printed(frame.line, frame.column) if frame.line is not None
                    else (None, None))
    data: dict[str, Any] = {
        "status": resolution.status, "reason": resolution.reason, "syntax": frame.syntax,
        "raw": frame.raw,
        "generated": {"url": frame.url, "line": line, "column": column, "function": frame.function,
                      "eval": frame.is_eval},
        "file": resolution.file, "map": resolution.map_path, "matched_by": resolution.matched_by,
        "original": None,
    }
    if resolution.resolved:
        assert resolution.line is not None
        orig_line, orig_column = to_printed(resolution.line, resolution.column)
        context = _context(resolution, max(context_lines, 0))
        data["original"] = {
            "source": resolution.source, "line": orig_line, "column": orig_column,
            "function": resolution.name, "function_from": resolution.name_from,
            "token_name": resolution.token_name, "source_text_from": resolution.source_text_from,
            "context": None if context is None else context_json(context)}
    return data


def _context(resolution: Resolution, lines: int) -> Context | None:
    if resolution.source_text is None or resolution.line is None:
        return None
    return context_around(resolution.source_text, resolution.line, lines)


def context_lines_for(resolution: Resolution, lines: int) -> Context | None:
    """Original source lines around a resolved frame (None without ``sourcesContent``)."""
    return _context(resolution, lines) if resolution.resolved else None


def context_json(context: Context) -> dict[str, Any]:
    """A context as JSON: 1-based ``start_line`` and the lines around ``context_line``."""
    return {"start_line": context.start + 1, "pre_context": list(context.pre),
            "context_line": context.line, "post_context": list(context.post)}


def write_event(result: StackResult) -> bytes:
    """The event (or envelope) with frames symbolicated the way Sentry stores them.

    Per resolved frame: original ``filename`` (webpack prefixes stripped as Sentry's
    ``fixup_webpack_filename`` does), ``abs_path`` (the source as the map gives it),
    1-based ``lineno``/``colno``, ``function``, 5 lines of ``pre_context``/``post_context``
    and ``context_line`` from ``sourcesContent``; ``data`` gets ``sourcemap``,
    ``resolved_with``, ``symbolicated: true`` (symbolicator's ``JsFrameData``) and the
    minified ``orig_lineno``/``orig_colno``/``orig_function``/``orig_abs_path``/
    ``orig_filename`` (Sentry's former JavaScript processor). The minified stack
    trace is kept as ``raw_stacktrace`` beside ``stacktrace``; frames left alone get
    ``data.symbolicated: false`` and an entry in the event's ``errors``.
    """
    assert result.event_input is not None
    for trace in result.traces:
        event = result.event_input.events[trace.event_index]
        if (any(r.resolved for r in trace.resolutions) and trace.owner is not event
                and "raw_stacktrace" not in trace.owner):
            trace.owner["raw_stacktrace"] = raw_copy(trace.stacktrace)
        for frame, resolution in zip(trace.frames, trace.resolutions, strict=True):
            _rewrite_frame(frame, resolution, event)
    return dump_event_input(result.event_input)


def _rewrite_frame(frame: dict[str, Any], resolution: Resolution, event: dict[str, Any]) -> None:
    data: dict[str, Any] = frame["data"] if isinstance(frame.get("data"), dict) else {}
    if resolution.status == SKIPPED:
        return
    if not resolution.resolved:
        frame["data"] = {**data, "symbolicated": False}
        event.setdefault("errors", []).append(_error(frame, resolution))
        return
    assert resolution.source is not None and resolution.line is not None
    original = {"orig_lineno": frame.get("lineno"), "orig_colno": frame.get("colno"),
                "orig_function": frame.get("function"), "orig_abs_path": frame.get("abs_path"),
                "orig_filename": frame.get("filename")}
    lineno, colno = to_printed(resolution.line, resolution.column)
    frame.update(filename=fixup_webpack_filename(resolution.source), lineno=lineno, colno=colno,
                 abs_path=join_source(frame.get("abs_path") or frame.get("filename") or "",
                                      resolution.source))
    if resolution.name:
        frame["function"] = resolution.name
    for key in ("pre_context", "context_line", "post_context"):
        frame.pop(key, None)  # the minified context no longer applies
    context = (sentry_context(resolution.source_text, resolution.line, resolution.column)
               if resolution.source_text is not None else None)
    if context is not None:
        frame.update(pre_context=list(context.pre), context_line=context.line,
                     post_context=list(context.post))
    frame["data"] = {**data, "sourcemap": resolution.map_path,
                     "resolved_with": resolution.matched_by if resolution.matched_by == "debug-id"
                     else "url", "symbolicated": True, **original}


# Sentry's EventError types for JavaScript processing (sentry/models/eventerror.py).
_ERROR_TYPES = {FILE_NOT_FOUND: "js_no_source", NO_MAP: "js_no_source",
                UNMAPPED: "js_invalid_sourcemap_location", NO_COLUMN: "js_no_column"}


def _error(frame: dict[str, Any], resolution: Resolution) -> dict[str, Any]:
    reason = resolution.reason or ""
    kind = ("js_invalid_source" if reason.startswith(MAP_INVALID)
            else _ERROR_TYPES.get(reason, "js_no_source"))
    return {"type": kind, "url": frame.get("abs_path") or frame.get("filename"), "reason": reason}


def fixup_webpack_filename(source: str) -> str:
    """Sentry's display filename for a webpack source (symbolicator ``fixup_webpack_filename``).

    ``webpack:///./src/a.js`` → ``./src/a.js``, ``webpack://app/./src/a.js`` →
    ``./src/a.js``, ``webpack:///src/a.js`` → ``src/a.js``, ``.../~/x`` → ``~/x``.
    """
    if "/~/" in source:
        return "~/" + source.split("/~/", 1)[1]
    if source.startswith("webpack://"):
        rest = source[len("webpack://"):]
        host, _, path = rest.partition("/")
        if path.startswith("./") and host and all(c.isalnum() or c in "_-@." for c in host):
            return path
        if rest.startswith("/"):
            return rest[1:]
    return source


def join_source(base: str, source: str) -> str:
    """Resolve a map's source against the frame URL, like symbolicator ``join_paths``.

    Absolute URLs and ``webpack:`` sources are kept; relative ones are resolved
    against the directory of ``base`` (the minified file's URL).
    """
    if "://" in source or source.startswith("webpack:") or not base:
        return source
    if source.startswith("/"):
        scheme, sep, rest = base.partition("://")
        return f"{scheme}://{rest.split('/', 1)[0]}{source}" if sep else source
    head, _, _ = base.rpartition("/")
    parts = head.split("/")
    for segment in source.split("/"):
        if segment == "..":
            if len(parts) > 1 and parts[-1] not in ("", ".."):
                parts.pop()
        elif segment not in (".", ""):
            parts.append(segment)
    return "/".join(parts)
