"""Resolve frames through local source maps (each map decoded once per run).

For one frame: match its URL to a local file (:mod:`smtools.stack.locate`), find that
file's map (``sourceMappingURL``, inline ``data:`` map, or ``<bundle>.map`` next to
it; a matched ``.map`` file is used directly), look the 0-based position up, and
name the original function.

Lookups stop at the start of the frame's line (mozilla ``source-map`` behaviour):
a frame left of the first mapping on its line is reported as ``unmapped position``
instead of borrowing a mapping from an earlier line.

Function names, first that applies (``Resolution.name_from``):

``scope``
    the nearest named function enclosing the original position, read from the map's
    ``sourcesContent`` (:func:`smtools.stack.naming.enclosing_function`);
``caller``
    the name the map records at the *calling* frame's position: the call site names
    the function it calls (Sentry's "caller naming" fallback, symbolicator
    ``get_function_for_token``);
``minified``
    the name as printed.

The name the map records at the frame's *own* position is not used: a frame's
position is a call or a ``throw new Error``, and the name there is the callee's or
``Error`` (measured on the fixture traces: top-level module code would have been
named after the function it calls). It is reported as ``token_name`` in JSON.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from smtools.errors import InputError, MapNotFoundError, SourceMapError
from smtools.sourcemap import IndexMap, SourceMap, load, loads, locate_map, read_text
from smtools.sourcemap.discovery import decode_data_url
from smtools.stack.locate import FileIndex, Match, is_runtime_url
from smtools.stack.model import (
    FILE_NOT_FOUND,
    MAP_INVALID,
    NO_COLUMN,
    NO_LOCATION,
    NO_MAP,
    RESOLVED,
    RUNTIME_FRAME,
    SKIPPED,
    UNMAPPED,
    UNRESOLVED,
    Frame,
    Resolution,
)
from smtools.stack.naming import enclosing_function

AnyMap = SourceMap | IndexMap


class _MapUnusable(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Symbolicator:
    """Resolves frames against the files of a :class:`FileIndex`, caching decoded maps.

    Args:
        index: the files under the ``--maps`` directories (and ``--map-url`` rules).
        on_map: optional callback ``(map_path)`` called each time a map is decoded.
    """

    def __init__(self, index: FileIndex, on_map: Callable[[str], None] | None = None) -> None:
        self.index = index
        self.on_map = on_map
        self.maps_decoded = 0
        self._by_file: dict[Path, tuple[AnyMap, str] | _MapUnusable] = {}
        self._by_map: dict[Path, AnyMap | _MapUnusable] = {}
        self._sources: dict[Path, str] = {}

    def resolve_trace(self, frames: Sequence[Frame],
                      debug_ids: dict[str, str] | None = None) -> list[Resolution]:
        """Resolve the frames of one trace, given innermost first (the order V8 prints).

        Args:
            frames: the frames, innermost call first.
            debug_ids: ``{code_file: debug_id}`` from the event's ``debug_meta``.
        """
        debug_ids = debug_ids or {}
        first = [self.resolve(frame, debug_ids.get(frame.url or "")) for frame in frames]
        named = []
        for position, resolution in enumerate(first):
            caller = first[position + 1] if position + 1 < len(first) else None
            named.append(_name(resolution, caller))
        return named

    def resolve(self, frame: Frame, debug_id: str | None = None) -> Resolution:
        """Resolve one frame to its original position (function naming is left to
        :meth:`resolve_trace`, which knows the caller)."""
        if frame.url is None or is_runtime_url(frame.url):
            reason = NO_LOCATION if frame.url is None else RUNTIME_FRAME
            return Resolution(frame, SKIPPED, reason)
        if frame.line is None:
            return Resolution(frame, UNRESOLVED, NO_LOCATION)
        match = self.index.find(frame.url, debug_id)
        if match is None:
            return Resolution(frame, UNRESOLVED, FILE_NOT_FOUND)
        found = Resolution(frame, UNRESOLVED, file=str(match.path), matched_by=match.matched_by)
        try:
            source_map, map_path = self._map_for(match)
        except _MapUnusable as unusable:
            return replace(found, reason=unusable.reason)
        if frame.column is None:
            return replace(found, reason=NO_COLUMN, map_path=map_path)
        token = source_map.lookup(frame.line, frame.column, same_line=True)
        if token is None or token.original_line is None or token.source is None:
            return replace(found, reason=UNMAPPED, map_path=map_path)
        text, text_from = self._source_text(source_map, token.source)
        return replace(found, status=RESOLVED, map_path=map_path, source=token.source,
                       line=token.original_line, column=token.original_column, token_name=token.name,
                       source_text=text, source_text_from=text_from)

    def _source_text(self, source_map: AnyMap, source: str) -> tuple[str | None, str | None]:
        """The original text: ``sourcesContent``, else a file under ``--maps`` whose path
        ends with the whole source path (Sentry likewise falls back to uploaded sources)."""
        text = source_map.source_content_for(source)
        if text is not None:
            return text, "sourcesContent"
        path = self.index.find_source(source)
        if path is None:
            return None, None
        if path not in self._sources:
            self._sources[path] = path.read_bytes().decode("utf-8", "replace")
        return self._sources[path], str(path)

    def _map_for(self, match: Match) -> tuple[AnyMap, str]:
        key = _key(match.path)
        cached = self._by_file.get(key)
        if cached is None:
            try:
                cached = self._load_for(match.path)
            except _MapUnusable as unusable:
                cached = unusable
            self._by_file[key] = cached
        if isinstance(cached, _MapUnusable):
            raise cached
        return cached

    def _load_for(self, path: Path) -> tuple[AnyMap, str]:
        if path.suffix == ".map":
            return self._decode(path), str(path)
        try:
            text = read_text(path)
            location = locate_map(path, text)
        except InputError as error:
            raise _MapUnusable(f"{FILE_NOT_FOUND}: {error}") from None
        if location.kind == "inline" and location.url is not None:
            return self._decode_inline(path, location.url), f"{path} (inline)"
        if location.path is None or not location.exists:
            raise _MapUnusable(NO_MAP)
        return self._decode(location.path), str(location.path)

    def _decode(self, map_path: Path) -> AnyMap:
        key = _key(map_path)
        cached = self._by_map.get(key)
        if cached is None:
            try:
                cached = load(map_path)
                self._count(str(map_path))
            except MapNotFoundError:
                cached = _MapUnusable(NO_MAP)
            except SourceMapError as error:
                cached = _MapUnusable(f"{MAP_INVALID}: {error}")
            except InputError as error:
                cached = _MapUnusable(f"{MAP_INVALID}: {error}")
            self._by_map[key] = cached
        if isinstance(cached, _MapUnusable):
            raise cached
        return cached

    def _decode_inline(self, path: Path, url: str) -> AnyMap:
        try:
            source_map = loads(decode_data_url(url))
        except SourceMapError as error:
            raise _MapUnusable(f"{MAP_INVALID}: {error}") from None
        self._count(f"{path} (inline)")
        return source_map

    def _count(self, label: str) -> None:
        self.maps_decoded += 1
        if self.on_map is not None:
            self.on_map(label)


def _key(path: Path) -> Path:
    return Path(os.path.realpath(path))


def _name(resolution: Resolution, caller: Resolution | None) -> Resolution:
    if not resolution.resolved:
        return resolution
    assert resolution.line is not None and resolution.column is not None
    frame = resolution.frame
    if resolution.source_text is not None:
        name = enclosing_function(resolution.source_text, resolution.line, resolution.column)
        if name:
            return replace(resolution, name=name, name_from="scope")
    if caller is not None and caller.resolved and caller.token_name:
        return replace(resolution, name=caller.token_name, name_from="caller")
    if frame.function:
        return replace(resolution, name=frame.function, name_from="minified")
    return resolution
