"""Binary searches over decoded mappings (ECMA-426 §12.1 GetOriginalPositions).

All positions are 0-based; columns are UTF-16 code units. Functions return a
flat segment index (see :class:`~smtools.sourcemap.mappings.Mappings`) or -1.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from smtools.sourcemap.mappings import Mappings

GREATEST_LOWER_BOUND = 1
LEAST_UPPER_BOUND = 2


def line_of(mappings: Mappings, index: int) -> int:
    """The generated line of the segment at flat ``index``."""
    return bisect_right(mappings.line_offsets, index) - 1


def _first_at_same_position(mappings: Mappings, index: int) -> int:
    """The first segment at the same generated position as ``index``.

    §12.1 returns every mapping at the found position; stably sorted, the
    first is the one the generator wrote first.
    """
    start = mappings.line_offsets[line_of(mappings, index)]
    return bisect_left(mappings.columns, mappings.columns[index], start, index)


def _last_at_same_position(mappings: Mappings, index: int) -> int:
    end = mappings.line_offsets[line_of(mappings, index) + 1]
    return bisect_right(mappings.columns, mappings.columns[index], index, end) - 1


def find(mappings: Mappings, line: int, column: int, bias: int = GREATEST_LOWER_BOUND,
         same_line: bool = False) -> int:
    """Flat index of the mapping a lookup at (``line``, ``column``) lands on, or -1.

    ``GREATEST_LOWER_BOUND`` (the spec): the last mapping at or before the
    position. Like ECMA-426 and sentry-cli it continues onto earlier lines when
    the line has no mapping at or before the column; ``same_line=True`` stops
    at the line as mozilla ``source-map`` does. ``LEAST_UPPER_BOUND``: the
    first mapping at or after the position (the last of an exact hit).

    Raises:
        ValueError: for a negative line or column (a caller bug).
    """
    if line < 0 or column < 0:
        raise ValueError(f"position must be non-negative, got line {line}, column {column}")
    if bias == LEAST_UPPER_BOUND:
        return _find_upper(mappings, line, column, same_line)
    return _find_lower(mappings, line, column, same_line)


def _find_lower(mappings: Mappings, line: int, column: int, same_line: bool) -> int:
    offsets = mappings.line_offsets
    if line < len(offsets) - 1:
        columns = mappings.columns
        start = offsets[line]
        index = bisect_right(columns, column, start, offsets[line + 1]) - 1
        if index >= start:
            # Walk back to the first of several mappings at this column (rare).
            if index > start and columns[index - 1] == columns[index]:
                index = bisect_left(columns, columns[index], start, index)
            return index
        previous = start - 1
    else:
        previous = len(mappings) - 1
    if same_line or previous < 0:
        return -1
    return _first_at_same_position(mappings, previous)


def _find_upper(mappings: Mappings, line: int, column: int, same_line: bool) -> int:
    offsets = mappings.line_offsets
    if line >= mappings.line_count:
        return -1
    start, end = offsets[line], offsets[line + 1]
    index = bisect_left(mappings.columns, column, start, end)
    if index < end:
        return _last_at_same_position(mappings, index)
    if same_line or end >= len(mappings):
        return -1
    return _last_at_same_position(mappings, end)


def all_at_position(mappings: Mappings, index: int) -> range:
    """Flat indices of every mapping at the same generated position as ``index``."""
    return range(_first_at_same_position(mappings, index), _last_at_same_position(mappings, index) + 1)
