"""One lookup without decoding the whole map (the pure-Python path of ``smtools resolve``).

A greatest-lower-bound lookup needs only (a) the column positions of the
target line, to bisect, and (b) the decoder state at the mapping found, which
is the sum of all deltas before it. The sums are taken over *distinct*
segments times their counts (``collections.Counter``), and the distinct
segments are decoded in batches with C-level string operations: the text is
reversed so each VLQ reads most-significant digit first, translated into
base-32 digits with a space before each token, and parsed by ``int(token,
32)``. No per-segment Python code runs.

This applies only to "plainly valid" mappings (checked first, with byte
translations and substring searches): grammatical, and no segment starting
with a negative column delta, so no segment is dropped and every line is
sorted. Anything else raises :class:`Refused` and the caller decodes fully.
The answers equal those of the full decoders (tested on every mapping of the
fixture maps and on generated maps).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from itertools import accumulate, compress, repeat
from operator import mul

from smtools.sourcemap import vlq
from smtools.sourcemap.fastdecode import Refused

HAS_ORIGINAL = 1
HAS_NAME = 2

_B64 = vlq.BASE64
_DIGITS32 = "0123456789abcdefghijklmnopqrstuv"
# Reversed text: a terminal digit now starts its token, so it gets a space in front.
_TO_BASE32 = {ord(c): (" " if i < 32 else "") + _DIGITS32[i & 31] for i, c in enumerate(_B64)}
_TO_BASE32[ord(",")] = " "
_TERMINALS = _B64[:32].encode()
_CONTINUATIONS = _B64[32:].encode()
# For the validity scan: T terminal, C continuation, O/E odd/even first digit.
_KIND = bytes(ord("T") if b in _TERMINALS else ord("C") if b in _CONTINUATIONS else b for b in range(256))
_PARITY = bytes((ord("O") if _B64.index(chr(b)) & 1 else ord("E")) if chr(b) in _B64 else b
                for b in range(256))
_ALLOWED = _TERMINALS + _CONTINUATIONS + b",;"
_FIRST_TOKEN = re.compile(r",([g-z0-9+/]*[A-Za-f])")
_LEADING_TOKEN = re.compile(r",[g-z0-9+/]*[A-Za-f]")
# Characters per batch of segments summed at once.
_SUM_WINDOW = 1 << 21


class _Signed(dict):  # type: ignore[type-arg]
    """Unsigned VLQ value -> signed value (ECMA-426 §6.1)."""

    def __missing__(self, unsigned: int) -> int:
        value = vlq.signed_value(unsigned)
        self[unsigned] = value
        return value


class _Tokens(dict):  # type: ignore[type-arg]
    """VLQ token text -> signed value."""

    def __missing__(self, token: str) -> int:
        value = vlq.signed_value(vlq.read_unsigned(token, 0)[0])
        self[token] = value
        return value


def check(text: str) -> None:
    """Raise :class:`Refused` unless ``text`` is plainly valid (see module docstring)."""
    try:
        raw = text.encode("ascii")
    except UnicodeEncodeError:
        raise Refused from None
    if raw.translate(None, _ALLOWED):
        raise Refused
    kinds = raw.translate(_KIND, b"")
    flat = b"," + kinds.replace(b";", b",") + b","
    if (b",," in kinds or b",;" in kinds or b";," in kinds or kinds.startswith(b",")
            or kinds.endswith(b",") or b"C," in flat):
        raise Refused  # an empty segment, or a VLQ without its terminal digit
    counted = b"," + raw.translate(_KIND, _CONTINUATIONS).replace(b";", b",") + b","
    if b",TT," in counted or b",TTT," in counted or b"TTTTTT" in counted:
        raise Refused  # 2, 3 or 6+ values in a segment
    starts = b"," + raw.translate(_PARITY).replace(b";", b",")
    if b",O" in starts:
        raise Refused  # a negative column delta: an unsorted line or a dropped segment


def _counts(segments: list[str]) -> list[int]:
    raw = ",".join(segments).encode("ascii")
    return list(map(len, raw.translate(_KIND, _CONTINUATIONS).split(b",")))


def _flat_values(segments: list[str], signed: _Signed) -> list[int]:
    """Every VLQ value of ``segments``, last segment first, each segment's values reversed."""
    text = ",".join(segments)[::-1].translate(_TO_BASE32)
    return list(map(signed.__getitem__, map(int, text.split(), repeat(32))))


def field_sums(text: str, signed: _Signed) -> list[int]:
    """Sums of the source, line, column and name deltas of the comma-separated segments in ``text``.

    The column delta (each segment's first value) is cut off first: the rest of
    a segment repeats far more often than the whole, so fewer distinct strings
    remain to decode.
    """
    tally = Counter(_LEADING_TOKEN.sub(",", "," + text).split(","))
    distinct, times = list(tally), list(tally.values())
    counts = _counts(distinct)
    sums = [0, 0, 0, 0]
    for count in (3, 4):
        mask = list(map(count.__eq__, counts))
        group = list(compress(distinct, mask))
        if not group:
            continue
        values = _flat_values(group, signed)
        weights = list(compress(times, mask))[::-1]
        for field in range(count):
            sums[field] += sum(map(mul, weights, values[count - 1 - field::count]))
    return sums


def _columns(line: str, tokens: _Tokens) -> list[int]:
    return list(accumulate(map(tokens.__getitem__, _FIRST_TOKEN.findall("," + line))))


def _segment_count(segment: str) -> int:
    return len(segment.encode("ascii").translate(None, _CONTINUATIONS))


def lookup(text: str, source_count: int, name_count: int, line: int, column: int,
           same_line: bool) -> tuple[int, int, int, int, int, int, int] | None:
    """``(line, column, source, orig_line, orig_column, name, flags)`` of the mapping found.

    Greatest-lower-bound semantics of :func:`smtools.sourcemap.lookup.find`;
    None when no mapping is at or before the position.

    Raises:
        Refused: the mappings are not plainly valid.
    """
    check(text)
    lines = text.split(";")
    signed, tokens = _Signed(), _Tokens()
    found = _find_on_line(lines, line, column, tokens) if line < len(lines) else None
    if found is None:
        if same_line:
            return None
        found = _last_before(lines, min(line, len(lines)), tokens)
        if found is None:
            return None
    at_line, index, at_column = found
    text = lines[at_line]
    end = re.match(f"(?:[^,]*,){{{index}}}[^,]*", text).end()  # type: ignore[union-attr]
    sums = field_sums(text[:end], signed)
    source, original_line, original_column, name = (
        a + b for a, b in zip(_prefix_state(lines, at_line, signed), sums, strict=True))
    count = _segment_count(text[text.rfind(",", 0, end) + 1:end])
    # As the exact decoder: a mapping with an out-of-range index keeps no original/name.
    flags = 0
    if count > 1 and 0 <= source < source_count and original_line >= 0 and original_column >= 0:
        flags = HAS_ORIGINAL
    if count == 5 and 0 <= name < name_count:
        flags |= HAS_NAME
    return at_line, at_column, source, original_line, original_column, name, flags


def _find_on_line(lines: list[str], line: int, column: int,
                  tokens: _Tokens) -> tuple[int, int, int] | None:
    if not lines[line]:
        return None
    columns = _columns(lines[line], tokens)
    index = bisect_right(columns, column) - 1
    if index < 0:
        return None
    index = bisect_left(columns, columns[index], 0, index)
    return line, index, columns[index]


def _last_before(lines: list[str], line: int, tokens: _Tokens) -> tuple[int, int, int] | None:
    for previous in range(line - 1, -1, -1):
        if lines[previous]:
            columns = _columns(lines[previous], tokens)
            index = bisect_left(columns, columns[-1])
            return previous, index, columns[index]
    return None


def _prefix_state(lines: list[str], line: int, signed: _Signed) -> list[int]:
    """Decoder state at the start of ``line``: the sums over all earlier lines.

    Sums ignore line breaks, so earlier lines are read as one comma-separated
    text, in large windows (more repeats per window, bounded memory).
    """
    end = sum(map(len, lines[:line])) + line
    text = ";".join(lines)[:end].replace(";", ",")
    state = [0, 0, 0, 0]
    start = 0
    while start < len(text):
        cut = text.find(",", start + _SUM_WINDOW)
        cut = len(text) if cut < 0 else cut
        for field, value in enumerate(field_sums(text[start:cut], signed)):
            state[field] += value
        start = cut + 1
    return state


__all__ = ["Refused", "check", "field_sums", "lookup"]
