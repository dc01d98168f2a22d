"""The decoded source map (ECMA-426 §9) and its query API.

All lines and columns are 0-based; generated columns are UTF-16 code units.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Sequence
from typing import Any

from smtools.errors import Diagnostic, VlqError
from smtools.sourcemap import lookup as _lookup
from smtools.sourcemap import mappings as _mappings
from smtools.sourcemap import speedups as _speedups
from smtools.sourcemap.lazyjson import LazyJsonArray, RawText
from smtools.sourcemap.lookup import GREATEST_LOWER_BOUND, LEAST_UPPER_BOUND
from smtools.sourcemap.mappings import HAS_NAME, HAS_ORIGINAL, Mappings
from smtools.sourcemap.reverse import ReverseIndex
from smtools.sourcemap.sources import build_sources
from smtools.sourcemap.types import GeneratedPosition, OriginalPosition, Token

__all__ = ["GREATEST_LOWER_BOUND", "LEAST_UPPER_BOUND", "SourceMap"]

_new_tuple = tuple.__new__
# Only called for mappings the C decoder produced (Mappings.native is set then).
_native_original_lookup = getattr(_speedups.native, "original_lookup", None)


class SourceMap:
    """A regular (non-index) source map.

    ``mappings`` may be the encoded string (decoded on first lookup) or
    already decoded :class:`~smtools.sourcemap.mappings.Mappings`.
    ``sources`` are the raw JSON entries; :attr:`sources` gives them with the
    ``sourceRoot`` applied.
    """

    def __init__(self, *, mappings: str | RawText | Mappings, sources: Sequence[str | None],
                 names: Sequence[str] = (), file: str | None = None,
                 source_root: str | None = None,
                 sources_content: Sequence[str | None] = (),
                 ignore_list: Sequence[int] = (), debug_id: str | None = None,
                 extra: dict[str, Any] | None = None,
                 diagnostics: Sequence[Diagnostic] = ()) -> None:
        self.raw_sources: list[str | None] = list(sources)
        self.names: list[str] = list(names)
        self.file = file
        self.source_root = source_root
        self.sources_content: Sequence[str | None] = (
            sources_content if isinstance(sources_content, LazyJsonArray) else list(sources_content))
        self.ignore_list: list[int] = list(ignore_list)
        self.debug_id = debug_id
        self.extra: dict[str, Any] = dict(extra or {})
        self.sources: list[str | None] = build_sources(self.raw_sources, source_root)
        self._header_diagnostics = list(diagnostics)
        self._mapping_diagnostics: list[Diagnostic] = []
        self._encoded = None if isinstance(mappings, Mappings) else mappings
        self._decoded = mappings if isinstance(mappings, Mappings) else None
        self._reverse: ReverseIndex | None = None
        self._source_index: dict[str, int] | None = None

    def __repr__(self) -> str:
        return f"<SourceMap file={self.file!r} sources={len(self.sources)}>"

    # -- decoding -----------------------------------------------------------

    @property
    def decoded(self) -> Mappings:
        """The decoded mappings (decoded on first access)."""
        if self._decoded is None:
            assert self._encoded is not None
            self._decoded, self._mapping_diagnostics = _mappings.decode(
                self._encoded, len(self.sources), len(self.names))
        return self._decoded

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """Every finding of the lenient decode (decodes the mappings if needed)."""
        _ = self.decoded
        return self._header_diagnostics + self._mapping_diagnostics

    @property
    def encoded_mappings(self) -> str:
        """The ``mappings`` string (re-encoded if the map was built decoded)."""
        if self._encoded is None:
            self._encoded = _mappings.encode(self.decoded)
        return str(self._encoded)

    @property
    def line_count(self) -> int:
        """Number of generated lines described by the mappings."""
        return self.decoded.line_count

    def __len__(self) -> int:
        return len(self.decoded)

    # -- lookups ------------------------------------------------------------

    def token_at(self, index: int) -> Token:
        """The mapping at a flat index of :attr:`decoded`."""
        m = self.decoded
        return self._token_from_row((_lookup.line_of(m, index), m.columns[index], m.sources[index],
                                     m.original_lines[index], m.original_columns[index],
                                     m.names[index], m.flags[index]))

    def lookup(self, line: int, column: int, bias: int = GREATEST_LOWER_BOUND,
               same_line: bool = False, *, once: bool = False) -> Token | None:
        """The mapping a lookup at a 0-based generated position lands on.

        See :func:`smtools.sourcemap.lookup.find` for ``bias`` and
        ``same_line``. The token may be an unmapped (1-field) segment.
        ``once=True`` says no other lookup will follow: a greatest-lower-bound
        lookup then stores no decoded mappings (the C decoder answers while
        decoding; in pure Python :mod:`smtools.sourcemap.oneshot` decodes only
        what it needs); the answer is the same.
        """
        if line < 0 or column < 0:
            raise ValueError(f"position must be non-negative, got line {line}, column {column}")
        if once and self._decoded is None and bias == GREATEST_LOWER_BOUND:
            found = self._lookup_once(line, column, same_line)
            if found is not False:
                return found  # type: ignore[return-value]
        index = _lookup.find(self.decoded, line, column, bias, same_line)
        return None if index < 0 else self.token_at(index)

    def _lookup_once(self, line: int, column: int, same_line: bool) -> Token | bool | None:
        """The token found without storing decoded mappings; False when that cannot be done."""
        from smtools.sourcemap import oneshot, speedups

        if self._encoded is None:
            return False
        if speedups.native is not None:
            row = _mappings.lookup_native(self._encoded, len(self.sources), len(self.names),
                                             line, column, same_line)
        else:
            try:
                row = oneshot.lookup(str(self._encoded), len(self.sources), len(self.names), line,
                                     column, same_line)
            except (oneshot.Refused, VlqError):
                return False
        if isinstance(row, bool):  # False: refused (True never comes back)
            return False
        return None if row is None else self._token_from_row(row)

    def _token_from_row(self, row: tuple[int, int, int, int, int, int, int]) -> Token:
        line, column, source, original_line, original_column, name_index, flags = row
        if not flags & HAS_NAME:
            name_index = -1
        name = self.names[name_index] if name_index >= 0 else None
        if not flags & HAS_ORIGINAL:
            return Token(line, column, None, None, None, name, -1, name_index)
        return Token(line, column, self.sources[source], original_line, original_column, name,
                     source, name_index)

    def original_position_for(self, line: int, column: int, bias: int = GREATEST_LOWER_BOUND,
                              same_line: bool = False) -> OriginalPosition | None:
        """Original position of a 0-based generated position (UTF-16 column).

        Follows ECMA-426 §12.1: the last mapping at or before the position
        wins, also across lines (mozilla ``source-map`` stops at the line
        start: pass ``same_line=True`` for that). A 1-field segment there means
        unmapped: the result is None, with no fall-back to an earlier mapping.
        """
        m = self._decoded
        if m is None:
            token = self.lookup(line, column, bias, same_line)
            return None if token is None else token.original
        if (m.native is not None and _native_original_lookup is not None
                and bias == GREATEST_LOWER_BOUND and not same_line and line >= 0 and column >= 0):
            found = _native_original_lookup(m.native, line, column)
            if found is None:
                return None
            source, original_line, original_column, name = found
            return _new_tuple(OriginalPosition, (self.sources[source], original_line, original_column,
                                                 self.names[name] if name >= 0 else None))
        # The hot path of repeated lookups: no Token, and the common case
        # (a mapping on the line itself, at a unique column) without find().
        offsets = m.line_offsets
        if bias == GREATEST_LOWER_BOUND and 0 <= line < len(offsets) - 1 and column >= 0:
            columns, start = m.columns, offsets[line]
            index = bisect_right(columns, column, start, offsets[line + 1]) - 1
            if index < start or (index > start and columns[index - 1] == columns[index]):
                index = _lookup.find(m, line, column, bias, same_line)
        else:
            index = _lookup.find(m, line, column, bias, same_line)
        if index < 0:
            return None
        flags = m.flags[index]
        if not flags & HAS_ORIGINAL:
            return None
        # tuple.__new__ skips the namedtuple's Python-level __new__ (a third of a lookup).
        return _new_tuple(OriginalPosition, (
            self.sources[m.sources[index]], m.original_lines[index], m.original_columns[index],
            self.names[m.names[index]] if flags & HAS_NAME else None))

    def original_positions_for(self, line: int, column: int) -> list[OriginalPosition | None]:
        """§12.1 GetOriginalPositions: every original position at the found mapping."""
        m = self.decoded
        index = _lookup.find(m, line, column)
        if index < 0:
            return []
        return [self.token_at(i).original for i in _lookup.all_at_position(m, index)]

    def generated_position_for(self, source: str, line: int, column: int,
                               bias: int = GREATEST_LOWER_BOUND) -> GeneratedPosition | None:
        """First generated position mapped from a 0-based original position.

        Searches only the given original line of ``source`` (prefixed or raw
        source string): the last mapping at or before ``column``, or with
        ``LEAST_UPPER_BOUND`` the first at or after it.
        """
        index = self.source_index(source)
        if index is None:
            return None
        return self._reverse_index().find(index, line, column, bias)

    def all_generated_positions_for(self, source: str, line: int,
                                    column: int | None = None) -> list[GeneratedPosition]:
        """Every generated position mapped from an original line (and column)."""
        index = self.source_index(source)
        if index is None:
            return []
        return self._reverse_index().all(index, line, column)

    def _reverse_index(self) -> ReverseIndex:
        if self._reverse is None:
            self._reverse = ReverseIndex(self.decoded)
        return self._reverse

    # -- sources ------------------------------------------------------------

    def source_index(self, source: str) -> int | None:
        """Index of a source given as its prefixed or its raw string."""
        if self._source_index is None:
            table: dict[str, int] = {}
            for i, raw in reversed(list(enumerate(self.raw_sources))):
                if raw is not None:
                    table[raw] = i
            for i, full in reversed(list(enumerate(self.sources))):
                if full is not None:
                    table[full] = i
            self._source_index = table
        return self._source_index.get(source)

    def source_content_for(self, source: str) -> str | None:
        """The embedded ``sourcesContent`` of a source, or None."""
        index = self.source_index(source)
        if index is None or index >= len(self.sources_content):
            return None
        return self.sources_content[index]

    def is_ignored(self, source: str) -> bool:
        """Whether ``ignoreList`` (or ``x_google_ignoreList``) marks the source."""
        index = self.source_index(source)
        return index is not None and index in self.ignore_list

    # -- iteration and encoding ---------------------------------------------

    def __iter__(self) -> Iterator[Token]:
        return self.tokens()

    def tokens(self) -> Iterator[Token]:
        """Every decoded mapping in generated order (tokens are made on the fly)."""
        for index in range(len(self.decoded)):
            yield self.token_at(index)

    def to_json(self) -> dict[str, Any]:
        """The map as a JSON-ready dict (mappings re-encoded from the decoded form)."""
        data: dict[str, Any] = {"version": 3}
        if self.file is not None:
            data["file"] = self.file
        if self.source_root is not None:
            data["sourceRoot"] = self.source_root
        data["sources"] = self.raw_sources
        if self.sources_content:
            data["sourcesContent"] = list(self.sources_content)
        data["names"] = self.names
        data["mappings"] = _mappings.encode(self.decoded)
        if self.ignore_list:
            data["ignoreList"] = self.ignore_list
        if self.debug_id is not None:
            data["debugId"] = self.debug_id
        for key, value in self.extra.items():
            data.setdefault(key, value)
        return data

    def dumps(self) -> str:
        """Serialise to compact JSON; ``loads(m.dumps())`` gives the same mappings."""
        from smtools.sourcemap.jsonio import dumps_json

        return dumps_json(self.to_json())
