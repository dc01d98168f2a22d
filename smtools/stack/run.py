"""Symbolicate a whole input: a stack trace or log, a Sentry event, a store payload or an envelope.

:func:`symbolicate_input` is what ``smtools stack`` calls. It detects the input
kind, resolves every frame (each map decoded once for the whole run) and returns a
:class:`StackResult` from which :mod:`smtools.stack.output` renders text, JSON or a
rewritten event.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from smtools.stack import event as events
from smtools.stack.event import EventInput
from smtools.stack.locate import FileIndex, UrlRule
from smtools.stack.model import Resolution
from smtools.stack.parse import TraceLine, parse_text
from smtools.stack.symbolicate import Symbolicator

TEXT = "text"


@dataclass
class TraceResult:
    """One stack trace of an event: its owner dict, frame dicts and their resolutions.

    ``frames`` and ``resolutions`` are in Sentry order (oldest call first).
    """

    owner: dict[str, Any]
    stacktrace: dict[str, Any]
    frames: list[dict[str, Any]]
    resolutions: list[Resolution]
    event_index: int


@dataclass
class StackResult:
    """Everything ``smtools stack`` needs to render its output.

    Attributes:
        kind: ``text``, ``event`` or ``envelope``.
        lines: text input, line by line (empty for events).
        line_resolutions: text input: ``{line index: resolution}`` for every frame line.
        traces: event input: one :class:`TraceResult` per stack trace.
        event_input: the parsed event document (None for text).
        maps_decoded: how many source maps were decoded in this run.
    """

    kind: str
    lines: list[TraceLine] = field(default_factory=list)
    line_resolutions: dict[int, Resolution] = field(default_factory=dict)
    traces: list[TraceResult] = field(default_factory=list)
    event_input: EventInput | None = None
    maps_decoded: int = 0

    @property
    def resolutions(self) -> list[Resolution]:
        """Every frame's resolution, in input order."""
        if self.kind == TEXT:
            return [self.line_resolutions[i] for i in sorted(self.line_resolutions)]
        return [r for trace in self.traces for r in trace.resolutions]


def decode_text(data: bytes) -> str:
    """Decode input bytes: UTF-8 (BOM optional) or UTF-16 with a BOM (PowerShell logs)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    return data.decode("utf-8-sig", "replace")


def symbolicate_input(data: bytes, maps: Sequence[Path] = (), rules: Sequence[UrlRule] = (),
                      on_map: Callable[[str], None] | None = None) -> StackResult:
    """Detect the kind of ``data`` and resolve all its frames.

    Args:
        data: the input bytes (a trace, a log, an event JSON, or an envelope).
        maps: the ``--maps`` directories.
        rules: the ``--map-url`` rules.
        on_map: called with a map's path each time one is decoded.

    Raises:
        StackTraceError: the input looks like JSON but holds no usable event.
        InputError: a ``--maps`` directory does not exist.
    """
    symbolicator = Symbolicator(FileIndex(maps, rules), on_map)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        data = decode_text(data).encode()
    document = events.load_event_input(data)
    if document is None:
        result = _symbolicate_text(decode_text(data), symbolicator)
    else:
        result = _symbolicate_events(document, symbolicator)
    result.maps_decoded = symbolicator.maps_decoded
    return result


def _symbolicate_text(text: str, symbolicator: Symbolicator) -> StackResult:
    lines = parse_text(text)
    result = StackResult(TEXT, lines)
    for block in _frame_blocks(lines):
        frames = [lines[i].frame for i in block]
        resolutions = symbolicator.resolve_trace(frames)  # type: ignore[arg-type]
        for index, resolution in zip(block, resolutions, strict=True):
            result.line_resolutions[index] = resolution
    return result


def _frame_blocks(lines: list[TraceLine]) -> list[list[int]]:
    """Runs of consecutive frame lines: each run is one trace, innermost frame first."""
    blocks: list[list[int]] = []
    current: list[int] = []
    for index, line in enumerate(lines):
        if line.frame is not None:
            current.append(index)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _symbolicate_events(document: EventInput, symbolicator: Symbolicator) -> StackResult:
    result = StackResult(document.kind, event_input=document)
    for event_index, event in enumerate(document.events):
        debug_ids = events.debug_images(event)
        for owner, stacktrace in events.stacktraces(event):
            frames = events.frame_dicts(stacktrace)
            parsed = [events.to_frame(f) for f in frames]
            # Sentry lists the oldest call first; the caller of a frame is the one before it.
            resolutions = symbolicator.resolve_trace(parsed[::-1], debug_ids)[::-1]
            result.traces.append(TraceResult(owner, stacktrace, frames, resolutions, event_index))
    return result


def raw_copy(stacktrace: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of a stack trace, kept as Sentry's ``raw_stacktrace``."""
    return copy.deepcopy(stacktrace)
