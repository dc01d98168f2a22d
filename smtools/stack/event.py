"""Sentry events as input: a saved event, a store payload, or an envelope.

Shapes read (all JSON):

* an event or the body an SDK posts to ``/api/<project>/store/``: frames under
  ``exception.values[].stacktrace.frames``, ``threads.values[].stacktrace.frames``
  or a top-level ``stacktrace.frames`` (``exception`` may also be a bare list, the
  legacy form, or come as ``sentry.interfaces.Exception``);
* the event JSON of Sentry's web API: ``entries[]`` with ``type`` ``exception`` or
  ``threads`` and the values under ``data``;
* an envelope (what current SDKs post to ``/api/<project>/envelope/``): a header
  line, then per item a header line (``type``, optional ``length`` in bytes) and the
  payload; ``event`` items are read, every other item is kept byte for byte.

A frame's location is ``abs_path``, falling back to ``filename`` (the browser SDK
only sends ``filename``, the server copies it to ``abs_path``). Sentry frames are
ordered oldest call first; :func:`stacktraces` returns them in that order.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from smtools.errors import StackTraceError
from smtools.stack.model import SENTRY, Frame, from_printed

_EVENT_KEYS = ("exception", "sentry.interfaces.Exception", "threads", "stacktrace", "entries")


@dataclass
class EventInput:
    """A parsed event document.

    Attributes:
        kind: ``event`` (a JSON event or store payload) or ``envelope``.
        events: the event payloads (mutable dicts; rewritten in place by ``event``
            output).
        items: for envelopes, every item as ``(header, payload)``; the payload of an
            event item is replaced by the index of its entry in ``events``.
    """

    kind: str
    events: list[dict[str, Any]]
    envelope_header: bytes = b""
    items: list[tuple[dict[str, Any], bytes | int]] = field(default_factory=list)


def load_event_input(data: bytes) -> EventInput | None:
    """Recognise a Sentry event or envelope; None when ``data`` is neither.

    Raises:
        StackTraceError: the input is JSON-like but no event can be read from it.
    """
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped.startswith(b"{"):
        return None
    try:
        document = json.loads(stripped)
    except ValueError:
        return _load_envelope(stripped)
    except RecursionError as error:  # pragma: no cover - absurdly nested input
        raise StackTraceError("event json is nested too deeply") from error
    if not isinstance(document, dict):
        return None
    if not any(key in document for key in _EVENT_KEYS):
        raise StackTraceError("json input has no exception, threads or stacktrace: "
                              "not a sentry event")
    return EventInput("event", [document])


def _load_envelope(data: bytes) -> EventInput:
    header_line, _, rest = data.partition(b"\n")
    _json_object(header_line, "envelope header")
    result = EventInput("envelope", [], header_line)
    while rest.strip():
        item_line, _, rest = rest.partition(b"\n")
        if not item_line.strip():
            continue
        header = _json_object(item_line, "envelope item header")
        length = header.get("length")
        if isinstance(length, int):
            payload, rest = rest[:length], rest[length:]
            rest = rest[1:] if rest.startswith(b"\n") else rest
        else:
            payload, _, rest = rest.partition(b"\n")
        if header.get("type") == "event":
            result.events.append(_json_object(payload, "envelope event item"))
            result.items.append((header, len(result.events) - 1))
        else:
            result.items.append((header, payload))
    if not result.events:
        raise StackTraceError("envelope has no event item")
    return result


def _json_object(data: bytes, what: str) -> dict[str, Any]:
    try:
        value = json.loads(data)
    except ValueError as error:
        raise StackTraceError(f"{what} is not valid json: {error}") from error
    if not isinstance(value, dict):
        raise StackTraceError(f"{what} is not a json object")
    return value


def stacktraces(event: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Every stack trace of an event, as ``(owner, stacktrace)`` dict pairs.

    ``owner`` is the dict that holds the ``stacktrace`` key (an exception value, a
    thread, or the event itself), so that a ``raw_stacktrace`` can be put beside it.
    """
    found: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for container in _value_lists(event):
        for value in container:
            if isinstance(value, dict) and isinstance(value.get("stacktrace"), dict):
                found.append((value, value["stacktrace"]))
    if isinstance(event.get("stacktrace"), dict):
        found.append((event, event["stacktrace"]))
    return found


def _value_lists(event: dict[str, Any]) -> list[list[Any]]:
    sources: list[Any] = [event.get("exception"), event.get("sentry.interfaces.Exception"),
                          event.get("threads")]
    for entry in event.get("entries") or []:
        if isinstance(entry, dict) and entry.get("type") in {"exception", "threads"}:
            sources.append(entry.get("data"))
    lists = []
    for source in sources:
        values = source.get("values") if isinstance(source, dict) else source
        if isinstance(values, list):
            lists.append(values)
    return lists


def frame_dicts(stacktrace: dict[str, Any]) -> list[dict[str, Any]]:
    """The frame objects of one stack trace (oldest call first, as Sentry orders them)."""
    frames = stacktrace.get("frames")
    return [f for f in frames if isinstance(f, dict)] if isinstance(frames, list) else []


def to_frame(data: dict[str, Any]) -> Frame:
    """Read one Sentry frame object; ``lineno``/``colno`` are 1-based there."""
    url = data.get("abs_path") or data.get("filename")
    lineno, colno = data.get("lineno"), data.get("colno")
    line = column = None
    if isinstance(lineno, int) and not isinstance(lineno, bool) and lineno > 0:
        line, column = from_printed(lineno, colno if isinstance(colno, int) else None)
    function = data.get("function")
    return Frame(url if isinstance(url, str) else None, line, column,
                 function if isinstance(function, str) else None, SENTRY,
                 json.dumps(data, ensure_ascii=False, sort_keys=True),
                 location_text=url if isinstance(url, str) else "")


def debug_images(event: dict[str, Any]) -> dict[str, str]:
    """``debug_meta.images`` of type ``sourcemap`` as ``{code_file: debug_id}``."""
    meta = event.get("debug_meta")
    images = meta.get("images") if isinstance(meta, dict) else None
    result: dict[str, str] = {}
    for image in images if isinstance(images, list) else []:
        if (isinstance(image, dict) and image.get("type") == "sourcemap"
                and isinstance(image.get("code_file"), str) and isinstance(image.get("debug_id"), str)):
            result[image["code_file"]] = image["debug_id"].lower()
    return result


def dump_event_input(document: EventInput) -> bytes:
    """Serialise ``document`` back (events as rewritten, other envelope items as read)."""
    if document.kind == "event":
        return (json.dumps(document.events[0], indent=2, ensure_ascii=False) + "\n").encode()
    parts = [document.envelope_header]
    for header, payload in document.items:
        body = (json.dumps(document.events[payload], ensure_ascii=False,
                           separators=(",", ":")).encode()
                if isinstance(payload, int) else payload)
        if "length" in header:
            header = {**header, "length": len(body)}
        parts += [json.dumps(header, separators=(",", ":")).encode(), body]
    return b"\n".join(parts) + b"\n"
