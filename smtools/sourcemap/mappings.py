"""The ``mappings`` field (ECMA-426 §9.2): decoding, storage and encoding.

Decoded mappings are kept in flat ``array`` columns, one entry per segment in
generated order, plus per-line offsets: about 21 bytes per segment instead of
a tuple object per segment (~70 bytes in CPython).

Two decoders give identical results on valid input:

* :func:`decode_fast` (pure Python, :mod:`smtools.sourcemap.fastdecode`) and
  the optional C decoder work on plainly valid input only and refuse
  (``None``) anything else.
* :func:`decode_exact` follows the spec algorithm step by step, with every
  optional error reported. It runs only when the fast path refuses.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from itertools import pairwise
from typing import TypeAlias

from smtools.errors import ERROR, WARNING, Diagnostic, VlqError
from smtools.sourcemap import fastdecode, vlq
from smtools.sourcemap.lazyjson import RawText

HAS_ORIGINAL = 1
HAS_NAME = 2



def _int_array(values: Iterable[int]) -> array[int]:
    """An ``array('i')`` when every value fits in 32 bits, else ``array('q')``."""
    items = values if isinstance(values, list) else list(values)
    try:
        return array("i", items)
    except OverflowError:
        return array("q", items)


# The pure-Python decoders store arrays; the C decoder's buffers are read
# through typed memoryviews (no copy).
IntColumn: TypeAlias = "array[int] | memoryview"


class Mappings:
    """Decoded mappings, sorted by generated position, in flat arrays.

    Segment ``k`` of generated line ``L`` is at flat index
    ``line_offsets[L] + k``. ``sources``, ``original_lines``,
    ``original_columns`` and ``names`` hold the decoder state after each
    segment; they are meaningful only where ``flags`` has ``HAS_ORIGINAL``
    (resp. ``HAS_NAME``). All values are 0-based; columns are UTF-16 code units.
    """

    __slots__ = (
        "columns",
        "flags",
        "line_offsets",
        "names",
        "native",
        "original_columns",
        "original_lines",
        "sources",
    )

    def __init__(self, line_offsets: IntColumn, columns: IntColumn, sources: IntColumn,
                 original_lines: IntColumn, original_columns: IntColumn, names: IntColumn,
                 flags: IntColumn) -> None:
        self.line_offsets = line_offsets
        self.columns = columns
        self.sources = sources
        self.original_lines = original_lines
        self.original_columns = original_columns
        self.names = names
        self.flags = flags
        # The C decoder's buffers behind these arrays, for its lookup (or None).
        self.native: tuple[bytearray, ...] | None = None

    @classmethod
    def empty(cls, line_count: int = 1) -> Mappings:
        zeros = array("i")
        return cls(array("q", [0] * (line_count + 1)), zeros, array("i"), array("i"),
                   array("i"), array("i"), array("b"))

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[int, int, int, int, int, int, int]],
                  line_count: int = 0) -> Mappings:
        """Build from ``(line, column, source, orig_line, orig_column, name, flags)`` rows.

        Rows may come in any order; they are stably sorted by generated position.
        """
        ordered = sorted(rows, key=lambda row: (row[0], row[1]))
        last_line = ordered[-1][0] if ordered else -1
        line_count = max(line_count, last_line + 1, 1)
        offsets = array("q", [0] * (line_count + 1))
        for row in ordered:
            offsets[row[0] + 1] += 1
        for line in range(line_count):
            offsets[line + 1] += offsets[line]
        columns = [row[1] for row in ordered]
        return cls(offsets, _int_array(columns), _int_array([r[2] for r in ordered]),
                   _int_array([r[3] for r in ordered]), _int_array([r[4] for r in ordered]),
                   _int_array([r[5] for r in ordered]), array("b", [r[6] for r in ordered]))

    def __len__(self) -> int:
        return len(self.columns)

    @property
    def line_count(self) -> int:
        """Number of generated lines the mappings string describes."""
        return len(self.line_offsets) - 1

    def rows(self) -> Iterator[tuple[int, int, int, int, int, int, int]]:
        """Yield ``(line, column, source, orig_line, orig_column, name, flags)`` per segment."""
        offsets = self.line_offsets
        for line in range(self.line_count):
            for index in range(offsets[line], offsets[line + 1]):
                yield (line, self.columns[index], self.sources[index], self.original_lines[index],
                       self.original_columns[index], self.names[index], self.flags[index])


# --------------------------------------------------------------------------
# Fast path


def decode_fast(text: str | RawText, source_count: int, name_count: int) -> Mappings | None:
    """Decode a valid ``mappings`` string quickly; ``None`` if it is not plainly valid.

    "Plainly valid" means: grammatical, no VLQ beyond 32 bits, every line
    sorted by column, every index in range and no negative value. Anything
    else is left to :func:`decode_exact`, which reports it precisely. See
    :mod:`smtools.sourcemap.fastdecode` for how it avoids per-segment Python.
    """
    try:
        return Mappings(*fastdecode.decode(text, source_count, name_count))
    except (fastdecode.Refused, OverflowError, VlqError):
        return None


# --------------------------------------------------------------------------
# Exact path (ECMA-426 §9.2.2 DecodeMappings, §9.2.1.1 DecodeMappingsField)


def _parse(text: str) -> list[list[list[int]]] | Diagnostic:
    """Parse against the mappings grammar into unsigned VLQ values per segment."""
    lines: list[list[list[int]]] = []
    for line_index, line in enumerate(text.split(";")):
        segments: list[list[int]] = []
        if line:
            for segment_index, segment in enumerate(line.split(",")):
                values = _parse_segment(segment, line_index, segment_index)
                if isinstance(values, Diagnostic):
                    return values
                segments.append(values)
        lines.append(segments)
    return lines


def _parse_segment(segment: str, line: int, index: int) -> list[int] | Diagnostic:
    where = f"generated line {line + 1}, segment {index + 1}"
    if not segment:
        return Diagnostic("empty-segment", f"empty segment at {where}", ERROR, "mappings", line)
    values = []
    position = 0
    while position < len(segment):
        try:
            unsigned, position = vlq.read_unsigned(segment, position)
        except VlqError as error:
            return Diagnostic(error.code, f"{error} in segment {segment!r} at {where}",
                              ERROR, "mappings", line)
        values.append(unsigned)
    if len(values) not in (1, 4, 5):
        return Diagnostic("bad-segment-size",
                          f"segment {segment!r} at {where} has {len(values)} fields "
                          "(expected 1, 4 or 5)", ERROR, "mappings", line)
    return values


def decode_exact(text: str, source_count: int, name_count: int) -> tuple[Mappings, list[Diagnostic]]:
    """Decode ``mappings`` exactly as ECMA-426 specifies, reporting every optional error.

    A grammar failure yields no mappings at all (§9.2.2).

    Raises:
        VlqError: a VLQ value does not fit in 32 bits (the spec throws).
    """
    parsed = _parse(text)
    if isinstance(parsed, Diagnostic):
        return Mappings.empty(text.count(";") + 1), [parsed]
    diagnostics: list[Diagnostic] = []
    rows: list[tuple[int, int, int, int, int, int, int]] = []
    state = [0, 0, 0, 0]  # source, original line, original column, name
    for line_index, segments in enumerate(parsed):
        line_rows = _decode_line(segments, line_index, state, source_count, name_count,
                                 diagnostics)
        if any(a[1] > b[1] for a, b in pairwise(line_rows)):
            diagnostics.append(Diagnostic(
                "unsorted-mappings",
                f"segments of generated line {line_index + 1} are not in column order",
                WARNING, "mappings", line_index))
        rows.extend(line_rows)
    return Mappings.from_rows(rows, len(parsed)), diagnostics


def _decode_line(segments: list[list[int]], line: int, state: list[int], source_count: int,
                 name_count: int, diagnostics: list[Diagnostic]
                 ) -> list[tuple[int, int, int, int, int, int, int]]:
    # The hot loop of the slow path: kept in one function on purpose.
    rows = []
    column = 0
    for values in segments:
        column += vlq.signed_value(values[0])
        if column < 0:
            diagnostics.append(Diagnostic("negative-generated-column",
                                          f"generated column {column} is negative",
                                          ERROR, "mappings", line))
            continue
        flags = 0
        if len(values) > 1:
            state[0] += vlq.signed_value(values[1])
            state[1] += vlq.signed_value(values[2])
            state[2] += vlq.signed_value(values[3])
            problem = _original_problem(state, source_count)
            if problem is None:
                flags = HAS_ORIGINAL
            else:
                diagnostics.append(Diagnostic(problem[0], problem[1], ERROR, "mappings",
                                              line, column))
            if len(values) == 5:
                state[3] += vlq.signed_value(values[4])
                if 0 <= state[3] < name_count:
                    flags |= HAS_NAME
                else:
                    diagnostics.append(Diagnostic(
                        "bad-name-reference",
                        f"name index {state[3]} is out of range (names has {name_count})",
                        ERROR, "mappings", line, column))
        rows.append((line, column, state[0], state[1], state[2], state[3], flags))
    return rows


def _original_problem(state: list[int], source_count: int) -> tuple[str, str] | None:
    source, original_line, original_column = state[0], state[1], state[2]
    if not 0 <= source < source_count:
        return ("bad-source-reference",
                f"source index {source} is out of range (sources has {source_count})")
    if original_line < 0:
        return "negative-original-line", f"original line {original_line} is negative"
    if original_column < 0:
        return "negative-original-column", f"original column {original_column} is negative"
    return None


def decode_native(text: str | RawText, source_count: int, name_count: int) -> Mappings | None:
    """The C decoder's result (same contract as :func:`decode_fast`), or None."""
    from smtools.sourcemap import speedups

    if speedups.native_decode is None:
        return None
    if isinstance(text, RawText):
        raw = speedups.native_decode(text.data, source_count, name_count, text.start, text.end)
    else:
        raw = speedups.native_decode(text, source_count, name_count)
    if raw is None:
        return None
    decoded = Mappings(*speedups.native_arrays(raw))
    if hasattr(speedups.native, "original_lookup"):  # a build older than the sources lacks it
        decoded.native = raw
    return decoded


Row = tuple[int, int, int, int, int, int, int]
_POSITION_LIMIT = 2**62


def lookup_native(text: str | RawText, source_count: int, name_count: int, line: int,
                  column: int, same_line: bool) -> Row | bool | None:
    """One greatest-lower-bound lookup by the C decoder, storing nothing.

    Returns ``(line, column, source, original line, original column, name,
    flags)`` of the mapping found (the answer :func:`decode_native` then
    :func:`smtools.sourcemap.lookup.find` would give), None when no mapping
    is at or before the position, or False when the C decoder is missing or
    would refuse the input.
    """
    from smtools.sourcemap import speedups

    if speedups.native is None:
        return False
    # Columns are 32-bit and lines are counted by the text: larger positions
    # all answer alike, and must fit the C side's integers.
    line, column = min(line, _POSITION_LIMIT), min(column, _POSITION_LIMIT)
    found: Row | bool | None
    if isinstance(text, RawText):
        found = speedups.native.lookup_once(text.data, source_count, name_count, line, column,
                                            same_line, text.start, text.end)
    else:
        found = speedups.native.lookup_once(text, source_count, name_count, line, column, same_line)
    return found


def decode(text: str | RawText, source_count: int,
           name_count: int) -> tuple[Mappings, list[Diagnostic]]:
    """Decode ``mappings``: a fast path when it applies, else the exact one.

    The C decoder is used when it is built, else :func:`decode_fast`; both
    refuse exactly the same inputs, which then go to :func:`decode_exact`.
    """
    from smtools.sourcemap import speedups

    if speedups.native_decode is not None:
        fast = decode_native(text, source_count, name_count)
    else:
        fast = decode_fast(text, source_count, name_count)
    if fast is not None:
        return fast, []
    return decode_exact(str(text), source_count, name_count)


# --------------------------------------------------------------------------
# Encoding


def encode(mappings: Mappings) -> str:
    """Encode decoded mappings back into a ``mappings`` string.

    A segment without a valid original position is written as a 1-field
    segment (an ECMA-426 "unmapped" mapping); its name, if any, is dropped.
    """
    memo: dict[int, str] = {}

    def v(value: int) -> str:
        text = memo.get(value)
        if text is None:
            text = memo[value] = vlq.encode(value)
        return text

    out_lines = []
    state = [0, 0, 0, 0]
    columns, sources, lines = mappings.columns, mappings.sources, mappings.original_lines
    original_columns, names, flags = mappings.original_columns, mappings.names, mappings.flags
    offsets = mappings.line_offsets
    for line in range(mappings.line_count):
        previous_column = 0
        parts = []
        for i in range(offsets[line], offsets[line + 1]):
            text = v(columns[i] - previous_column)
            previous_column = columns[i]
            if flags[i] & HAS_ORIGINAL:
                text += (v(sources[i] - state[0]) + v(lines[i] - state[1])
                         + v(original_columns[i] - state[2]))
                state[0], state[1], state[2] = sources[i], lines[i], original_columns[i]
                if flags[i] & HAS_NAME:
                    text += v(names[i] - state[3])
                    state[3] = names[i]
            parts.append(text)
        out_lines.append(",".join(parts))
    return ";".join(out_lines)
