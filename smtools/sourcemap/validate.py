"""Strict validation: every ECMA-426 optional error, and the tc39 suite's extra rules."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from smtools.errors import ERROR, Diagnostic, InvalidSourceMap, MapNotFoundError
from smtools.sourcemap.discovery import MapLocation, decode_data_url, locate_map
from smtools.sourcemap.parse import AnyMap, loads, read_bytes


def validate(data: str | bytes | dict[str, Any]) -> list[Diagnostic]:
    """All diagnostics of a source map, hard errors included, without raising.

    A map is valid when no diagnostic has severity ``"error"``. Hard errors
    (where :func:`~smtools.sourcemap.loads` raises) come back as a single
    error diagnostic carrying the exception's code.
    """
    return load_validated(data)[1]


def load_validated(data: str | bytes | dict[str, Any]) -> tuple[AnyMap | None, list[Diagnostic]]:
    """The decoded map (None after a hard error) and :func:`validate`'s diagnostics.

    For a caller that needs both: the mappings are decoded once.
    """
    try:
        source_map = loads(data)
    except InvalidSourceMap as error:
        return None, [Diagnostic(error.code, str(error), ERROR, error.path)]
    return source_map, source_map.diagnostics


def is_valid(diagnostics: list[Diagnostic]) -> bool:
    """True when no diagnostic is an error."""
    return not any(item.is_error for item in diagnostics)


@dataclass(frozen=True)
class FileValidation:
    """Validation of one file given by the user (a map, or generated code whose map is found)."""

    path: Path
    map_path: Path | None
    location: MapLocation | None
    diagnostics: list[Diagnostic]

    @property
    def valid(self) -> bool:
        return is_valid(self.diagnostics)


def _looks_like_map(path: Path, head: bytes) -> bool:
    if path.suffix.lower() in (".map", ".json"):
        return True
    if path.suffix.lower() in (".js", ".mjs", ".cjs"):
        return False
    return head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b")")


def validate_path(path: str | os.PathLike[str]) -> FileValidation:
    """Strictly validate a ``.map`` file, or the map a ``.js`` file points to.

    Raises:
        InputError: the file cannot be read.
        MapNotFoundError: a generated file has no discoverable map.
    """
    path = Path(path)
    data = read_bytes(path)
    if _looks_like_map(path, data[:64]):
        return FileValidation(path, path, None, validate(data))
    location = locate_map(path, data.decode("utf-8", "replace"))
    if location.kind == "none":
        raise MapNotFoundError(f"no source map for {path}: {location.note}")
    if location.kind == "inline":
        assert location.url is not None
        try:
            payload = decode_data_url(location.url)
        except InvalidSourceMap as error:
            return FileValidation(path, None, location,
                                  [Diagnostic(error.code, str(error), ERROR, "sourceMappingURL")])
        return FileValidation(path, None, location, validate(payload))
    if location.path is None or not location.exists:
        raise MapNotFoundError(f"{path} points to a source map that does not exist: "
                               f"{location.path or location.url}")
    return FileValidation(path, location.path, location, validate(read_bytes(location.path)))
