"""The pure-Python fast path for ``mappings``: C-level primitives, no per-segment Python code.

A window of a line (a few hundred KB at most) is split into segment strings,
and each distinct segment is decoded once, in batches: the segments not yet
known are grouped by their number of VLQs (1, 4 or 5), each group is cut into
VLQ tokens with one regex pass, the tokens are looked up in a token table,
and ``zip`` over one iterator regroups the values into segment tuples. Per
field, ``itertools.accumulate`` turns deltas into the decoder state and
``array.extend`` stores it. Python bytecode runs per window and per distinct
VLQ token, not per segment.

The result is identical to :func:`smtools.sourcemap.mappings.decode_exact` on
"plainly valid" input; anything else raises :class:`Refused`.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterator
from functools import partial
from itertools import accumulate, compress, repeat
from operator import is_, itemgetter

from smtools.errors import VlqError
from smtools.sourcemap import vlq

HAS_ORIGINAL = 1
HAS_NAME = 2

# Long lines are decoded in windows of about this many characters, so the
# transient lists stay small on 40 MB single-line maps.
WINDOW = 1 << 18
# Bound on the memo of decoded segments; cleared when exceeded.
MEMO_LIMIT = 1 << 17

_TOKEN = re.compile(r"[g-z0-9+/]*[A-Za-f]")
_TERMINALS = bytes(range(ord("A"), ord("Z") + 1)) + b"abcdef"
_CONTINUATIONS = b"ghijklmnopqrstuvwxyz0123456789+/"
_ALLOWED = _TERMINALS + _CONTINUATIONS + b","
# bytes.translate table: terminal digit -> "T", everything else unchanged;
# with delete=_CONTINUATIONS, a segment becomes one "T" per VLQ.
_COUNT_TABLE = bytes(ord("T") if i in _TERMINALS else i for i in range(256))
_is_none = partial(is_, None)
_FIELDS = [itemgetter(k) for k in range(6)]


class Refused(Exception):
    """The fast decoder met something only the exact decoder may judge."""


class _Tokens(dict):  # type: ignore[type-arg]
    """VLQ token text -> signed value."""

    def __missing__(self, token: str) -> int:
        try:
            unsigned, _ = vlq.read_unsigned(token, 0)
            value = vlq.signed_value(unsigned)
        except VlqError:
            raise Refused from None
        self[token] = value
        return value


_FLAGS_BY_COUNT = {1: 0, 4: HAS_ORIGINAL, 5: HAS_ORIGINAL | HAS_NAME}


def _learn(memo: dict[str, tuple[int, ...]], tokens: _Tokens, missing: list[str]) -> None:
    """Decode every segment string of ``missing`` into ``memo``."""
    joined = ",".join(missing)
    raw = joined.encode("ascii", "replace")
    if raw.translate(None, _ALLOWED):
        raise Refused  # a character outside base64 and ","
    counts = list(map(len, raw.translate(_COUNT_TABLE, _CONTINUATIONS).split(b",")))
    for count, flags in _FLAGS_BY_COUNT.items():
        group = list(compress(missing, map(count.__eq__, counts)))
        if not group:
            continue
        texts = _TOKEN.findall(",".join(group))
        # A segment ending in a continuation digit leaves characters unmatched.
        if sum(map(len, texts)) != sum(map(len, group)):
            raise Refused
        values = iter(list(map(tokens.__getitem__, texts)))
        pad = [repeat(0)] * (5 - count)
        memo.update(zip(group, zip(*[values] * count, *pad, repeat(flags)), strict=False))
    if not set(counts) <= _FLAGS_BY_COUNT.keys():
        raise Refused  # empty segments, or 2, 3 or 6+ VLQs


def _decode_window(window: str, memo: dict[str, tuple[int, ...]],
                   tokens: _Tokens) -> list[tuple[int, ...]]:
    if len(memo) > MEMO_LIMIT:
        memo.clear()
    segments = window.split(",")
    decoded = list(map(memo.get, segments))
    if None in decoded:
        missing = list(dict.fromkeys(compress(segments, map(_is_none, decoded))))
        _learn(memo, tokens, missing)
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
    tokens = _Tokens()
    offsets = array("q", [0])
    fields = [array("i") for _ in range(5)]
    flags = array("b")
    state = [0, 0, 0, 0]
    for line in text.split(";"):
        if line:
            column = 0
            for window in windows(line):
                decoded = _decode_window(window, memo, tokens)
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
