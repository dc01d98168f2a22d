"""Sentry events, store payloads and envelopes as input."""

from __future__ import annotations

import json

import pytest

from smtools.errors import StackTraceError
from smtools.stack.event import (
    debug_images,
    dump_event_input,
    frame_dicts,
    load_event_input,
    stacktraces,
    to_frame,
)

FRAME = {"abs_path": "app:///dist/electron/renderer.js", "lineno": 1, "colno": 48213, "function": "t"}


def _event(**extra: object) -> dict[str, object]:
    return {"event_id": "a" * 32, "platform": "javascript",
            "exception": {"values": [{"type": "Error", "value": "boom",
                                      "stacktrace": {"frames": [FRAME]}}]}, **extra}


def test_plain_text_is_not_an_event() -> None:
    assert load_event_input(b"Error: boom\n    at t (app:///x.js:1:2)\n") is None


def test_event_json() -> None:
    document = load_event_input(json.dumps(_event()).encode())
    assert document is not None and document.kind == "event"
    [(owner, trace)] = stacktraces(document.events[0])
    assert owner["type"] == "Error"
    assert frame_dicts(trace) == [FRAME]


def test_sentry_frame_positions_are_one_based() -> None:
    frame = to_frame(FRAME)
    assert (frame.url, frame.line, frame.column, frame.function) == (
        "app:///dist/electron/renderer.js", 0, 48212, "t")


def test_store_payload_frames_only_have_filename() -> None:
    frame = to_frame({"filename": "app:///dist/electron/main.js", "lineno": 1, "colno": 5, "in_app": True})
    assert (frame.url, frame.line, frame.column) == ("app:///dist/electron/main.js", 0, 4)


def test_frame_without_line_has_no_position() -> None:
    frame = to_frame({"filename": "<anonymous>", "function": "Array.map"})
    assert frame.line is None and frame.column is None


def test_all_stacktrace_places() -> None:
    event = {
        "exception": [{"stacktrace": {"frames": [FRAME]}}],              # legacy list form
        "threads": {"values": [{"id": 1, "stacktrace": {"frames": []}}]},
        "stacktrace": {"frames": [FRAME]},
        "entries": [{"type": "exception", "data": {"values": [{"stacktrace": {"frames": [FRAME]}}]}},
                    {"type": "breadcrumbs", "data": {"values": []}}],
    }
    assert len(stacktraces(event)) == 4


def test_debug_images() -> None:
    event = _event(debug_meta={"images": [
        {"type": "sourcemap", "code_file": "app:///dist/electron/renderer.js",
         "debug_id": "9CF0B19F-5D15-5B12-9384-14C9DA844E85"},
        {"type": "macho", "code_file": "x", "debug_id": "y"}]})
    assert debug_images(event) == {"app:///dist/electron/renderer.js": "9cf0b19f-5d15-5b12-9384-14c9da844e85"}


def test_json_without_an_event_is_rejected() -> None:
    with pytest.raises(StackTraceError, match="json input has no exception, threads or stacktrace"):
        load_event_input(b'{"hello": 1}')


def _envelope() -> bytes:
    event = json.dumps(_event()).encode()
    attachment = b"\x00binary\nwith newline"
    return b"\n".join([
        b'{"event_id":"' + b"a" * 32 + b'","dsn":"https://key@sentry.local/3"}',
        b'{"type":"event","length":%d}' % len(event), event,
        b'{"type":"attachment","length":%d,"filename":"log.bin"}' % len(attachment), attachment,
        b'{"type":"session"}', b'{"status":"crashed"}',
    ]) + b"\n"


def test_envelope_items() -> None:
    document = load_event_input(_envelope())
    assert document is not None and document.kind == "envelope"
    assert len(document.events) == 1
    assert [header["type"] for header, _ in document.items] == ["event", "attachment", "session"]
    assert document.items[1][1] == b"\x00binary\nwith newline"


def test_envelope_round_trip_updates_the_event_length() -> None:
    document = load_event_input(_envelope())
    assert document is not None
    document.events[0]["exception"]["values"][0]["value"] = "changed and longer"
    data = dump_event_input(document)
    again = load_event_input(data)
    assert again is not None
    assert again.events[0]["exception"]["values"][0]["value"] == "changed and longer"
    assert again.items[1][1] == b"\x00binary\nwith newline"
    header = json.loads(data.split(b"\n")[1])
    assert header["length"] == len(data.split(b"\n")[2])


def test_envelope_without_an_event() -> None:
    with pytest.raises(StackTraceError, match="envelope has no event item"):
        load_event_input(b'{"event_id":"x"}\n{"type":"session"}\n{"status":"ok"}\n')


def test_envelope_with_a_broken_item_header() -> None:
    with pytest.raises(StackTraceError, match="envelope item header is not valid json"):
        load_event_input(b'{"event_id":"x"}\n{"type":\n{}\n')
