"""The pure-Python fast path for ``mappings``: C-level primitives, no per-segment Python code.

A window of a line (a few hundred KB at most) is split into segment strings,
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

HAS_ORIGINAL = 1
HAS_NAME = 2

# Long lines are decoded in windows of about this many characters, so the
# transient lists stay small on 40 MB single-line maps.
WINDOW = 1 << 18
# Bound on the memo of decoded segments; cleared when exceeded.
MEMO_LIMIT = 1 << 17

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


def windows(line: str) -> Iterator[str]:
    """Split a long line at commas into pieces of roughly :data:`WINDOW` characters."""
    start = 0
    length = len(line)
    while length - start > WINDOW:
        cut = line.rfind(",", start, start + WINDOW)
        if cut <= start:
            cut = line.find(",", start + WINDOW)
            if cut < 0:
                break
        yield line[start:cut]
        start = cut + 1
    yield line[start:]


def _extend(target: array, deltas: Iterator[int], start: int) -> int:
    running = accumulate(deltas, initial=start)
    next(running)
    target.extend(running)
    return target[-1] if target else start


def decode(text: str) -> tuple[array, ...]:
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
    for line in text.split(";"):
        if line:
            column = 0
            for window in windows(line):
                decoded = _decode_window(window, memo, signed)
                deltas = list(map(_FIELDS[0], decoded))
                # A negative delta means an unsorted line or a negative column.
                if min(deltas) < 0:
                    raise Refused
                column = _extend(fields[0], iter(deltas), column)
                for k in range(4):
                    state[k] = _extend(fields[k + 1], map(_FIELDS[k + 1], decoded), state[k])
                flags.extend(map(_FIELDS[5], decoded))
        offsets.append(len(flags))
    return (offsets, *fields, flags)
