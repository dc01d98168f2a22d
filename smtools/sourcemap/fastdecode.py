"""The pure-Python fast path for ``mappings``: C-level primitives, no per-segment Python code.

Lines are found in the map file's bytes and cut into windows (a few hundred
KB at most) decoded one at a time, so no copy of the whole ``mappings``
string is made. A window is split into segment strings,
and each distinct segment is decoded once, in batches: the segments not yet
known are grouped by their number of VLQs (1, 4 or 5) and each group is
decoded by :func:`smtools.sourcemap.vlqbatch.flat_values`; slicing with a
step and ``zip`` regroup the values into segment tuples. Per field,
``itertools.accumulate`` turns deltas into the decoder state and
``array.extend`` stores it. Python bytecode runs per window and per distinct
VLQ value, not per segment.

The result is identical to :func:`smtools.sourcemap.mappings.decode_exact` on
"plainly valid" input; anything else raises :class:`Refused`.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from functools import partial
from itertools import accumulate, compress, repeat
from operator import is_, itemgetter

from smtools.sourcemap import vlqbatch
from smtools.sourcemap.lazyjson import RawText

HAS_ORIGINAL = 1
HAS_NAME = 2

# Long lines are decoded in windows of about this many characters, so the
# transient lists stay small on 40 MB single-line maps.
WINDOW = 1 << 18
# Bound on the memo of decoded segments; cleared when exceeded. Repeats are
# mostly local, so a small memo keeps the hits (measured: 2^13 entries decode
# as fast as 2^17 and peak 15-25 MB lower on 11-45 MB maps).
MEMO_LIMIT = 1 << 13

_FIELDS = [itemgetter(k) for k in range(6)]
_FLAGS_BY_COUNT = ((1, 0), (4, HAS_ORIGINAL), (5, HAS_ORIGINAL | HAS_NAME))
_is_none = partial(is_, None)


class Refused(Exception):
    """The fast decoder met something only the exact decoder may judge."""


def _learn(memo: dict[str, tuple[int, ...]], signed: vlqbatch.Signed, missing: list[str]) -> None:
    """Decode every segment string of ``missing`` into ``memo``, in one batch per size."""
    raw = ",".join(missing).encode("ascii", "replace")
    if raw.translate(None, vlqbatch.ALLOWED) or vlqbatch.has_empty_or_open_segment(raw):
        raise Refused
    # Every segment is learnt before it is used, so this sees them all: a
    # negative column delta means an unsorted line or a negative column.
    if vlqbatch.has_negative_column_delta(raw):
        raise Refused
    counts = vlqbatch.value_counts(raw)
    if not set(counts) <= {1, 4, 5}:
        raise Refused  # 2, 3 or 6+ values in a segment
    for count, flags in _FLAGS_BY_COUNT:
        mask = list(map(count.__eq__, counts))
        group = list(compress(missing, mask))
        if not group:
            continue
        values = vlqbatch.flat_values(group, signed)
        fields = [values[count - 1 - field::count] for field in range(count)]
        pads = [repeat(0)] * (5 - count)
        memo.update(zip(reversed(group), zip(*fields, *pads, repeat(flags)), strict=True))


def _decode_window(window: str, memo: dict[str, tuple[int, ...]],
                   signed: vlqbatch.Signed) -> list[tuple[int, ...]]:
    if len(memo) > MEMO_LIMIT:
        memo.clear()
    segments = window.split(",")
    decoded = list(map(memo.get, segments))
    if None in decoded:
        missing = list(dict.fromkeys(compress(segments, map(_is_none, decoded))))
        _learn(memo, signed, missing)
        decoded = list(map(memo.__getitem__, segments))
    return decoded


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
        start, end, semicolon = text.start, text.end, b";"
    else:
        buffer, start, end, semicolon = text, 0, len(text), ";"
    while True:
        line_end = buffer.find(semicolon, start, end)  # type: ignore[arg-type]
        if line_end < 0:
            yield buffer, start, end
            return
        yield buffer, start, line_end
        start = line_end + 1


def _extend(target: array, deltas: Iterator[int], start: int) -> int:
    running = accumulate(deltas, initial=start)
    next(running)
    target.extend(running)
    return target[-1] if target else start


def decode(text: str | RawText) -> tuple[array, ...]:
    """Arrays (offsets, columns, sources, lines, original columns, names, flags).

    Raises:
        Refused: the input is not plainly valid (see module docstring).
        OverflowError: a decoder state does not fit in 32 bits.
    """
    memo: dict[str, tuple[int, ...]] = {}
    signed = vlqbatch.Signed()
    offsets = array("q", [0])
    fields = [array("i") for _ in range(5)]
    flags = array("b")
    state = [0, 0, 0, 0]
    for buffer, start, end in _lines(text):
        if end > start:
            column = 0
            for window in windows(buffer, start, end):
                decoded = _decode_window(window, memo, signed)
                column = _extend(fields[0], map(_FIELDS[0], decoded), column)
                for k in range(4):
                    state[k] = _extend(fields[k + 1], map(_FIELDS[k + 1], decoded), state[k])
                flags.extend(map(_FIELDS[5], decoded))
        offsets.append(len(flags))
    return (offsets, *fields, flags)
