"""Resolve one generated position to its original source, with context.

This is the library half of ``smtools resolve``: everything 0-based, no output.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from smtools.errors import PositionError
from smtools.sourcemap.discovery import MapLocation, load_for_bundle, read_text
from smtools.sourcemap.index import IndexMap
from smtools.sourcemap.model import SourceMap
from smtools.sourcemap.parse import load
from smtools.sourcemap.sourceview import SourceView
from smtools.sourcemap.types import OriginalPosition, Token

AnyMap = SourceMap | IndexMap

_MAP_SUFFIXES = (".map", ".json")
# webpack:///./src/x.js, webpack://app/./src/x.js, file:///..., plain paths.
_SCHEME_PREFIX = re.compile(r"^(?:webpack://[^/]*/|webpack-internal:///|file://|[a-z]+:///)")


@dataclass(frozen=True)
class Resolution:
    """The outcome of a lookup, ready to render. Lines and columns are 0-based.

    ``token`` is the mapping the lookup landed on (None when there is none at
    or before the position); ``original`` its original position (None when
    unmapped). ``context`` holds ``(line, text)`` pairs of original source
    around ``original`` and ``context_origin`` says where they came from
    (``"sourcesContent"``, ``"disk"`` or None). ``generated_line_text`` is the
    generated line when the generated file is known.
    """

    target: Path
    line: int
    column: int
    map_path: Path | None
    location: MapLocation | None
    token: Token | None
    original: OriginalPosition | None
    context: list[tuple[int, str]] = field(default_factory=list)
    context_origin: str | None = None
    generated_line_text: str | None = None
    reason: str | None = None

    @property
    def on_earlier_line(self) -> bool:
        """The mapping found lies on an earlier generated line than the query."""
        return self.token is not None and self.token.generated_line < self.line


def is_map_file(path: Path) -> bool:
    """Whether a path names a source map rather than generated code."""
    return path.suffix.lower() in _MAP_SUFFIXES


def resolve_position(target: str | os.PathLike[str], line: int, column: int,
                     context_lines: int = 3) -> Resolution:
    """Look up a 0-based generated position of a ``.js`` (map discovered) or a ``.map``.

    Raises:
        InputError: the file cannot be read.
        MapNotFoundError: a ``.js`` has no discoverable map.
        InvalidSourceMap: the map cannot be decoded.
        PositionError: the line is past the end of the generated file.
    """
    target = Path(target)
    generated: SourceView | None = None
    location: MapLocation | None = None
    if is_map_file(target):
        source_map: AnyMap = load(target)
        map_path: Path | None = target
    else:
        text = read_text(target)
        generated = SourceView(text)
        if line >= generated.line_count:
            raise PositionError(f"line {line + 1} is past the end of {target} "
                                f"({generated.line_count} lines)")
        source_map, location = load_for_bundle(target, text)
        map_path = location.path
    token = source_map.lookup(line, column, once=True)
    original = None if token is None else token.original
    context: list[tuple[int, str]] = []
    origin: str | None = None
    if original is not None:
        context, origin = _source_context(source_map, original, map_path or target, context_lines)
    return Resolution(target, line, column, map_path, location, token, original, context, origin,
                      generated.line(line) if generated is not None else None,
                      _reason(token, original))


def _reason(token: Token | None, original: OriginalPosition | None) -> str | None:
    if token is None:
        return "no mapping at or before this position"
    if original is None:
        return "the position is in unmapped generated code (a 1-field segment)"
    return None


def _source_context(source_map: AnyMap, original: OriginalPosition, near: Path,
                    count: int) -> tuple[list[tuple[int, str]], str | None]:
    if original.source is None:
        return [], None
    content = source_map.source_content_for(original.source)
    origin = "sourcesContent"
    if content is None:
        content = _read_from_disk(original.source, near.parent)
        origin = "disk"
    if content is None:
        return [], None
    view = SourceView(content)
    return view.lines(original.line - count, original.line + count), origin


def _read_from_disk(source: str, start: Path) -> str | None:
    """Find a source next to the map or in a parent folder (webpack paths are project-relative)."""
    relative = _SCHEME_PREFIX.sub("", source).lstrip("/")
    while relative.startswith("./"):
        relative = relative[2:]
    if not relative or ".." in Path(relative).parts:
        return None
    candidates = [Path(source)] if Path(source).is_absolute() else []
    folder = start.resolve()
    for _ in range(6):
        candidates.append(folder / relative)
        folder = folder.parent
    for candidate in candidates:
        if candidate.is_file():
            try:
                return candidate.read_text("utf-8", "replace")
            except OSError:
                return None
    return None
