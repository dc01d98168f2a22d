"""Original -> generated lookups, built on first use (trace-mapping's by-source index)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from smtools.sourcemap import lookup as _lookup
from smtools.sourcemap.lookup import LEAST_UPPER_BOUND
from smtools.sourcemap.mappings import HAS_ORIGINAL, Mappings
from smtools.sourcemap.types import GeneratedPosition


class ReverseIndex:
    """Mappings sorted by (source, original line, original column)."""

    def __init__(self, mappings: Mappings) -> None:
        self._mappings = mappings
        flags = mappings.flags
        order = [i for i in range(len(mappings)) if flags[i] & HAS_ORIGINAL]
        sources, lines, columns = (mappings.sources, mappings.original_lines,
                                   mappings.original_columns)
        order.sort(key=lambda i: (sources[i], lines[i], columns[i]))
        self._order = order
        self._keys = [(sources[i], lines[i], columns[i]) for i in order]

    def _position(self, slot: int) -> GeneratedPosition:
        index = self._order[slot]
        return GeneratedPosition(_lookup.line_of(self._mappings, index),
                                 self._mappings.columns[index])

    def find(self, source: int, line: int, column: int, bias: int) -> GeneratedPosition | None:
        """One generated position for an original position (same original line only)."""
        key = (source, line, column)
        if bias == LEAST_UPPER_BOUND:
            slot = bisect_left(self._keys, key)
        else:
            slot = bisect_right(self._keys, key) - 1
            if slot >= 0:
                slot = bisect_left(self._keys, self._keys[slot])
        if 0 <= slot < len(self._keys) and self._keys[slot][:2] == (source, line):
            return self._position(slot)
        return None

    def all(self, source: int, line: int, column: int | None) -> list[GeneratedPosition]:
        """All generated positions of an original line (or of one column of it)."""
        if column is None:
            low = bisect_left(self._keys, (source, line, -1))
            high = bisect_left(self._keys, (source, line + 1, -1))
        else:
            low = bisect_left(self._keys, (source, line, column))
            high = bisect_right(self._keys, (source, line, column))
        return [self._position(slot) for slot in range(low, high)]
