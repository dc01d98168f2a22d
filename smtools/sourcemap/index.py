"""Index source maps (ECMA-426 §10): sections kept apart and searched by offset.

All positions are 0-based; columns are UTF-16 code units.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from smtools.errors import ERROR, Diagnostic, InvalidSourceMap
from smtools.sourcemap import fields
from smtools.sourcemap.lookup import GREATEST_LOWER_BOUND, LEAST_UPPER_BOUND
from smtools.sourcemap.mappings import Mappings
from smtools.sourcemap.model import SourceMap
from smtools.sourcemap.types import GeneratedPosition, OriginalPosition, Token


@dataclass(frozen=True)
class Section:
    """One section: a regular map placed at a generated offset."""

    line: int
    column: int
    map: SourceMap

    def to_local(self, line: int, column: int) -> tuple[int, int]:
        """Generated position relative to this section (§10.1 offsetting, inverted)."""
        return line - self.line, (column - self.column if line == self.line else column)

    def to_global(self, token: Token) -> Token:
        """A section token with its generated position in the whole file."""
        column = token.generated_column + (self.column if token.generated_line == 0 else 0)
        return token._replace(generated_line=token.generated_line + self.line,
                              generated_column=column)


class IndexMap:
    """An index map: the lookup API of :class:`SourceMap` over its sections."""

    def __init__(self, sections: list[Section], *, file: str | None = None,
                 debug_id: str | None = None, diagnostics: list[Diagnostic] | None = None) -> None:
        self.sections = sections
        self.file = file
        self.debug_id = debug_id
        self._offsets = [(s.line, s.column) for s in sections]
        self._diagnostics = list(diagnostics or [])

    def __repr__(self) -> str:
        return f"<IndexMap file={self.file!r} sections={len(self.sections)}>"

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """Findings about the index itself and every section's map."""
        found = list(self._diagnostics)
        for number, section in enumerate(self.sections):
            for item in section.map.diagnostics:
                path = f"sections[{number}].map" + (f".{item.path}" if item.path else "")
                found.append(Diagnostic(item.code, item.message, item.severity, path,
                                        item.line, item.column))
        return found

    @property
    def sources(self) -> list[str | None]:
        """Sources of all sections, deduplicated, in order (§10.1)."""
        seen: dict[str | None, None] = {}
        for section in self.sections:
            for source in section.map.sources:
                seen.setdefault(source, None)
        return list(seen)

    @property
    def names(self) -> list[str]:
        """Names of all sections, deduplicated, in order."""
        seen: dict[str, None] = {}
        for section in self.sections:
            for name in section.map.names:
                seen.setdefault(name, None)
        return list(seen)

    def lookup(self, line: int, column: int, bias: int = GREATEST_LOWER_BOUND,
               same_line: bool = False, *, once: bool = False) -> Token | None:
        """As :meth:`SourceMap.lookup`, across sections as if they were flattened.

        ``once`` is accepted for symmetry; sections are decoded as needed anyway.
        """
        if line < 0 or column < 0:
            raise ValueError(f"position must be non-negative, got line {line}, column {column}")
        current = bisect_right(self._offsets, (line, column)) - 1
        # The section holding the position first, then its neighbours in the
        # direction of the bias: their last (or first) mapping is the next candidate.
        if bias == LEAST_UPPER_BOUND:
            order, edge = range(max(current, 0), len(self.sections)), _first_token
        else:
            order, edge = range(current, -1, -1), _last_token
        for number in order:
            section = self.sections[number]
            token = (section.map.lookup(*section.to_local(line, column), bias)
                     if number == current else edge(section.map))
            if token is not None:
                token = section.to_global(token)
                return None if same_line and token.generated_line != line else token
        return None

    def original_position_for(self, line: int, column: int, bias: int = GREATEST_LOWER_BOUND,
                              same_line: bool = False) -> OriginalPosition | None:
        """As :meth:`SourceMap.original_position_for`."""
        token = self.lookup(line, column, bias, same_line)
        return None if token is None else token.original

    def generated_position_for(self, source: str, line: int, column: int,
                               bias: int = GREATEST_LOWER_BOUND) -> GeneratedPosition | None:
        """As :meth:`SourceMap.generated_position_for` (first section that knows the source)."""
        for section in self.sections:
            found = section.map.generated_position_for(source, line, column, bias)
            if found is not None:
                local = Token(found.line, found.column, None, None, None, None)
                token = section.to_global(local)
                return GeneratedPosition(token.generated_line, token.generated_column)
        return None

    def source_content_for(self, source: str) -> str | None:
        """As :meth:`SourceMap.source_content_for`."""
        for section in self.sections:
            content = section.map.source_content_for(source)
            if content is not None:
                return content
        return None

    def is_ignored(self, source: str) -> bool:
        """As :meth:`SourceMap.is_ignored`."""
        return any(section.map.is_ignored(source) for section in self.sections)

    def __iter__(self) -> Iterator[Token]:
        return self.tokens()

    def tokens(self) -> Iterator[Token]:
        """Every mapping of every section, in generated order."""
        for section in self.sections:
            for token in section.map.tokens():
                yield section.to_global(token)

    def flatten(self) -> SourceMap:
        """One regular map with the same mappings (sources and names deduplicated)."""
        from smtools.sourcemap.flatten import flatten

        return flatten(self)

    def to_json(self) -> dict[str, Any]:
        """The index map as a JSON-ready dict."""
        data: dict[str, Any] = {"version": 3}
        if self.file is not None:
            data["file"] = self.file
        if self.debug_id is not None:
            data["debugId"] = self.debug_id
        data["sections"] = [{"offset": {"line": s.line, "column": s.column}, "map": s.map.to_json()}
                            for s in self.sections]
        return data

    def dumps(self) -> str:
        """Serialise to compact JSON."""
        from smtools.sourcemap.jsonio import dumps_json

        return dumps_json(self.to_json())


def _last_token(source_map: SourceMap) -> Token | None:
    count = len(source_map.decoded)
    return source_map.token_at(count - 1) if count else None


def _first_token(source_map: SourceMap) -> Token | None:
    return source_map.token_at(0) if len(source_map.decoded) else None


def _last_position(section: Section) -> tuple[int, int] | None:
    token = _last_token(section.map)
    if token is None:
        return None
    token = section.to_global(token)
    return token.generated_line, token.generated_column


def decode_index(json: dict[str, Any]) -> IndexMap:
    """DecodeIndexSourceMap (§10.1) of a parsed JSON object."""
    found: list[Diagnostic] = []
    fields.check_version(json, found)
    if "mappings" in json:
        # The tc39 suite rejects this (indexMapInvalidBaseMappings); the spec ignores it.
        found.append(Diagnostic("index-map-with-mappings",
                                "an index map must not have a top-level mappings field",
                                ERROR, "mappings"))
    file = fields.optional_string(json, "file", "invalid-file", found)
    debug_id = fields.debug_id(json, found)
    raw_sections = json["sections"]
    if not isinstance(raw_sections, list):
        raise InvalidSourceMap(f"sections must be an array, got {fields.describe(raw_sections)}",
                               code="invalid-sections-field", path="sections")
    sections: list[Section] = []
    previous_offset: tuple[int, int] | None = None
    previous_last: tuple[int, int] | None = None
    for number, raw in enumerate(raw_sections):
        section = _decode_section(raw, f"sections[{number}]", found)
        if section is None:
            continue
        offset = (section.line, section.column)
        _check_order(offset, previous_offset, previous_last, f"sections[{number}]", found)
        previous_offset = offset
        previous_last = _last_position(section) or previous_last
        sections.append(section)
    return IndexMap(sections, file=file, debug_id=debug_id, diagnostics=found)


def _decode_section(raw: Any, path: str, found: list[Diagnostic]) -> Section | None:
    if not isinstance(raw, dict):
        found.append(Diagnostic("invalid-section", f"{path} must be an object, got "
                                f"{fields.describe(raw)}", ERROR, path))
        return None
    offset = raw.get("offset")
    if not isinstance(offset, dict):
        raise InvalidSourceMap(f"{path}.offset must be an object, got {fields.describe(offset)}",
                               code="invalid-section-offset", path=f"{path}.offset")
    line = _offset_field(offset, "line", path, found)
    column = _offset_field(offset, "column", path, found)
    section_map = raw.get("map")
    if not isinstance(section_map, dict):
        raise InvalidSourceMap(f"{path}.map must be an object, got {fields.describe(section_map)}",
                               code="invalid-section-map", path=f"{path}.map")
    from smtools.sourcemap.parse import decode_regular

    try:
        decoded = decode_regular(section_map)
        _ = decoded.decoded  # a VLQ overflow inside the section must surface here
    except InvalidSourceMap as error:
        # §10.1: a section whose map fails to decode is dropped with an optional error.
        found.append(Diagnostic("invalid-section-map", f"{path}.map cannot be decoded: {error}",
                                ERROR, f"{path}.map"))
        return None
    return Section(line, column, decoded)


def _offset_field(offset: dict[str, Any], key: str, path: str, found: list[Diagnostic]) -> int:
    value = offset.get(key)
    if fields.is_integral(value) and value >= 0:
        return int(value)
    shown = "missing" if key not in offset else fields.describe(value)
    found.append(Diagnostic(f"invalid-offset-{key}", f"{path}.offset.{key} must be a "
                            f"non-negative integer, got {shown}", ERROR, f"{path}.offset.{key}"))
    return 0


def _check_order(offset: tuple[int, int], previous_offset: tuple[int, int] | None,
                 previous_last: tuple[int, int] | None, path: str, found: list[Diagnostic]) -> None:
    if previous_offset is not None and offset < previous_offset:
        found.append(Diagnostic("sections-out-of-order", f"{path} starts at {_show(offset)}, "
                                f"before the previous section ({_show(previous_offset)})",
                                ERROR, f"{path}.offset"))
    # The spec compares with "<"; the tc39 suite (indexMapInvalidOverlap) needs
    # "<=": a section may not start on the previous section's last mapping.
    elif previous_last is not None and offset <= previous_last:
        found.append(Diagnostic("sections-overlap", f"{path} starts at {_show(offset)}, at or "
                                f"before the previous section's last mapping "
                                f"({_show(previous_last)})", ERROR, f"{path}.offset"))


def _show(position: tuple[int, int]) -> str:
    return f"line {position[0] + 1}, column {position[1]}"


__all__ = ["IndexMap", "Mappings", "Section", "decode_index"]
