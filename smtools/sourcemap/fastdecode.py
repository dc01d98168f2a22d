"""The pure-Python fast path for ``mappings``: C-level primitives, no per-segment Python code.

Lines are found in the map file's bytes and cut into windows (about 64 KB)
decoded one at a time, so no copy of the whole ``mappings`` string is made.
One ``re.split`` cuts a window into each segment's leading token (its column
delta, memoised by token) and its *tail* (the other deltas). The tails
repeat far more often than whole segments; each distinct tail is decoded
once, in batches (grouped by their number of VLQs, 3 or 4, and decoded by
:func:`smtools.sourcemap.vlqbatch.flat_values`) and memoised as one packed
record of its four deltas (absent name 0). Joining the records of a window
gives one flat run of ints; a strided ``memoryview`` yields each field's
deltas, ``itertools.accumulate`` turns them into decoder states, and
``struct.pack`` stores a window's states into the ``array`` at once. The
flags come from the segments' value counts by byte translation. Python
bytecode runs per window and per distinct VLQ value, not per segment.

The split is also the grammar check: a segment that is not one non-negative
column delta plus 0, 3 or 4 complete values leaves text before the first
leading token or a bad tail (:func:`checked_value_counts`).

The result is identical to :func:`smtools.sourcemap.mappings.decode_exact` on
"plainly valid" input; anything else raises :class:`Refused`.
"""

from __future__ import annotations

import re
import struct
import sys
from array import array
from collections.abc import Iterable, Iterator
from itertools import accumulate, compress, filterfalse

from smtools.sourcemap import vlq, vlqbatch
from smtools.sourcemap.lazyjson import RawText

HAS_ORIGINAL = 1
HAS_NAME = 2

# Long lines are decoded in windows of about this many characters, so the
# transient lists stay small on 40 MB single-line maps (measured: 2^16 peaks
# 7-10 MB lower than 2^18 on 11-45 MB maps, at the same speed).
WINDOW = 1 << 16
# Bound on the memo of decoded tails; cleared when exceeded. Repeats are
# mostly local, so a small memo keeps the hits (measured with whole segments:
# 2^13 entries decode as fast as 2^17 and peak 15-25 MB lower on 11-45 MB maps).
MEMO_LIMIT = 1 << 13

# A leading token that is a non-negative column delta: its first digit is even.
LEADING_TOKEN = r"[ACEGIKMOQSUWYace]|[gikmoqsuwy02468+][g-z0-9+/]*[A-Za-f]"
_LEADS = re.compile(f",({LEADING_TOKEN})")
TAIL_SIZES = frozenset({3, 4})  # values after the column delta in a 4- or 5-field segment
_TAIL_FIELDS = 4  # source, original line, original column, name
_RECORD = 4 * _TAIL_FIELDS  # bytes of one tail's packed deltas
_EMPTY_TAIL = bytes(_RECORD)  # a 1-field segment
_ORIGINAL = bytes([HAS_ORIGINAL])
_NAMED = bytes([HAS_ORIGINAL | HAS_NAME])
_UNMAPPED = bytes(range(256)).replace(b"T", b"\0")  # a lone value: flags 0
_NON_NEGATIVE_SIGN_BYTES = bytes(range(128))


class Refused(Exception):
    """The fast decoder met something only the exact decoder may judge."""


class Tokens(dict):  # type: ignore[type-arg]
    """VLQ token text -> signed value."""

    def __missing__(self, token: str) -> int:
        value = vlq.signed_value(vlq.read_unsigned(token, 0)[0])  # VlqError beyond 32 bits
        self[token] = value
        return value


def checked_value_counts(tails: list[str]) -> list[int]:
    """How many VLQs each non-empty tail holds; :class:`Refused` unless each
    holds 3 or 4 complete ones (so no comma either). Tails never hold a ``;``:
    the callers split lines first."""
    try:
        raw = ",".join(tails).encode("ascii")
    except UnicodeEncodeError:
        raise Refused from None
    if (raw.translate(None, vlqbatch.ALLOWED) or raw.count(b",") != len(tails) - 1
            or vlqbatch.has_open_value(raw)):
        raise Refused
    counts = vlqbatch.value_counts(raw)
    if not TAIL_SIZES.issuperset(counts):
        raise Refused
    return counts


def _learn(memo: dict[str, bytes], signed: vlqbatch.Signed, missing: list[str]) -> None:
    """Decode every tail of ``missing`` (none empty) into ``memo``, in one batch per size."""
    counts = checked_value_counts(missing)
    for count in TAIL_SIZES:
        group = list(compress(missing, map(count.__eq__, counts)))
        if group:
            memo.update(zip(group, _packed(vlqbatch.flat_values(group, signed), count), strict=True))


def _packed(values: list[int], count: int) -> Iterator[bytes]:
    """Each tail's four deltas as one packed record (an absent name is 0)."""
    unpacked = array("i")
    _append(unpacked, values)
    unpacked.reverse()  # flat_values gives them last first, reversed
    if count == _TAIL_FIELDS:
        padded = unpacked
    else:
        padded = array("i", bytes(len(unpacked) // count * _RECORD))
        for field in range(count):
            padded[field::_TAIL_FIELDS] = unpacked[field::count]
    packed = padded.tobytes()
    starts = range(0, len(packed), _RECORD)
    return map(packed.__getitem__, map(slice, starts, range(_RECORD, len(packed) + _RECORD, _RECORD)))


def _decode_window(window: str, memo: dict[str, bytes], leads: Tokens,
                   signed: vlqbatch.Signed) -> tuple[Iterator[int], memoryview]:
    """The column deltas of ``window``'s segments, and their other four
    deltas as one flat run of ints."""
    if len(memo) > MEMO_LIMIT:
        memo.clear()
        memo[""] = _EMPTY_TAIL
    parts = _LEADS.split("," + window)
    if parts[0]:
        raise Refused  # text that is not a segment with a non-negative column delta
    tails = parts[2::2]
    missing = list(filterfalse(memo.__contains__, dict.fromkeys(tails)))
    if missing:
        _learn(memo, signed, missing)
    return map(leads.__getitem__, parts[1::2]), memoryview(b"".join(map(memo.__getitem__, tails))).cast("i")


def _flags(window: str) -> bytes:
    """One flags byte per segment, from how many values each has (1, 4 or 5)."""
    kinds = window.encode("ascii").translate(vlqbatch.KIND, vlqbatch.CONTINUATIONS)
    return kinds.replace(b"TTTTT", _NAMED).replace(b"TTTT", _ORIGINAL).translate(_UNMAPPED, b",")


def windows(text: str | bytes, start: int, end: int) -> Iterator[str]:
    """The text of ``text[start:end]`` (one line, no ``;``) in pieces cut at commas.

    Pieces are roughly :data:`WINDOW` characters long and decoded from bytes
    one at a time, so no copy of a 40 MB single line is ever made.
    """
    comma = "," if isinstance(text, str) else b","
    while end - start > WINDOW:
        cut = text.rfind(comma, start, start + WINDOW)  # type: ignore[arg-type]
        if cut <= start:
            cut = text.find(comma, start + WINDOW, end)  # type: ignore[arg-type]
            if cut < 0:
                break
        yield _text(text, start, cut)
        start = cut + 1
    yield _text(text, start, end)


def _text(text: str | bytes, start: int, end: int) -> str:
    piece = text[start:end]
    # Bytes as str() of a RawText decodes them; non-ASCII is refused later anyway.
    return piece if isinstance(piece, str) else piece.decode("utf-8", "replace")


def _lines(text: str | RawText) -> Iterator[tuple[str | bytes, int, int]]:
    """``(buffer, start, end)`` of every generated line, without copying them."""
    if isinstance(text, RawText):
        buffer: str | bytes = text.data
        semicolon: str | bytes = b";"
        start, end = text.start, text.end
    else:
        buffer, start, end, semicolon = text, 0, len(text), ";"
    while True:
        line_end = buffer.find(semicolon, start, end)  # type: ignore[arg-type]
        if line_end < 0:
            yield buffer, start, end
            return
        yield buffer, start, line_end
        start = line_end + 1


def running_states(deltas: Iterable[int], start: int) -> list[int]:
    """The states after each delta, starting from ``start``."""
    running = accumulate(deltas, initial=start)
    next(running)
    return list(running)


def _append(target: array[int], values: list[int]) -> None:
    # Packing the whole run at once avoids array.extend's per-item argument
    # parsing (measured 3x faster per value).
    try:
        target.frombytes(struct.pack(f"{len(values)}i", *values))
    except struct.error:
        raise Refused from None  # a state beyond 32 bits


class _Field:
    """One field of the decoder state: its stored values, current value and,
    for an index field (``bounded``), its maximum."""

    __slots__ = ("bounded", "current", "high", "values")

    def __init__(self, bounded: bool) -> None:
        self.values = array("i")
        self.bounded = bounded
        self.current = self.high = 0

    def add(self, deltas: Iterable[int]) -> None:
        states = running_states(deltas, self.current)
        if states:
            _append(self.values, states)
            self.current = states[-1]
            if self.bounded:  # only indices have an upper bound to check
                self.high = max(self.high, max(states))


def _check_ranges(fields: list[_Field], flags: bytes, source_count: int, name_count: int) -> None:
    """Refuse an index out of range or a negative original position.

    The maxima include the initial 0, which changes no verdict: a map
    whose mapped segments all have indices >= 1 passes or fails alike.
    """
    if _ORIGINAL not in flags and _NAMED not in flags:
        return  # only unmapped segments: the states are never used
    sources, lines, columns, names = fields
    if (sources.high >= source_count or _has_negative(sources.values)
            or _has_negative(lines.values) or _has_negative(columns.values)):
        raise Refused
    if _NAMED in flags and (names.high >= name_count or _has_negative(names.values)):
        raise Refused


def _has_negative(values: array[int]) -> bool:
    """Whether an int array holds a negative number, read from its sign bytes alone."""
    size = values.itemsize
    sign = size - 1 if sys.byteorder == "little" else 0
    return bool(memoryview(values).cast("B")[sign::size].tobytes().translate(None, _NON_NEGATIVE_SIGN_BYTES))


def decode(text: str | RawText, source_count: int, name_count: int) -> tuple[array[int], ...]:
    """Arrays (offsets, columns, sources, lines, original columns, names, flags).

    Raises:
        Refused: the input is not plainly valid (see module docstring),
            including a decoder state beyond 32 bits or an index out of range.
    """
    memo = {"": _EMPTY_TAIL}
    leads = Tokens()
    signed = vlqbatch.Signed()
    offsets = array("q", [0])
    columns = array("i")
    flags = array("b")
    # sources, original lines, original columns, names
    fields = [_Field(bounded) for bounded in (True, False, False, True)]
    for buffer, start, end in _lines(text):
        column = 0
        for window in windows(buffer, start, end) if end > start else ():
            column_deltas, deltas = _decode_window(window, memo, leads, signed)
            states = running_states(column_deltas, column)
            _append(columns, states)
            column = states[-1]
            for k, field in enumerate(fields):
                field.add(deltas[k::_TAIL_FIELDS])
            flags.frombytes(_flags(window))
        offsets.append(len(flags))
    _check_ranges(fields, flags.tobytes(), source_count, name_count)
    return (offsets, columns, *(field.values for field in fields), flags)
