"""Small value types returned by lookups. All positions are 0-based."""

from __future__ import annotations

from typing import NamedTuple


class OriginalPosition(NamedTuple):
    """Where a generated position comes from.

    ``source`` is the sourceRoot-prefixed source string (not resolved against
    any URL), ``line``/``column`` are 0-based (column in UTF-16 code units),
    ``name`` is the original identifier or None.
    """

    source: str | None
    line: int
    column: int
    name: str | None = None


class GeneratedPosition(NamedTuple):
    """A 0-based position in the generated file (column in UTF-16 code units)."""

    line: int
    column: int


class Token(NamedTuple):
    """One decoded mapping, as returned by lookups and iteration.

    ``source``/``original_line``/``original_column`` are None for an unmapped
    segment; ``source_index``/``name_index`` are -1 when absent.
    """

    generated_line: int
    generated_column: int
    source: str | None
    original_line: int | None
    original_column: int | None
    name: str | None
    source_index: int = -1
    name_index: int = -1

    @property
    def original(self) -> OriginalPosition | None:
        """The original position, or None when this mapping is unmapped."""
        if self.original_line is None or self.original_column is None:
            return None
        return OriginalPosition(self.source, self.original_line, self.original_column, self.name)
