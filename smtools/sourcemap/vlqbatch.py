"""Decoding many segment strings at once, with C-level string operations only.

The segments are joined and the text reversed, so that every VLQ reads most
significant digit first; ``str.translate`` turns each base64 digit into a
base-32 digit, with a space before each (now leading) terminal digit; then
``int(token, 32)`` gives the unsigned values and a memo gives the signed
ones (ECMA-426 §6.1). The values come back last segment first, each
segment's values reversed; callers slice them with a step.

Also here: the byte-level checks that tell "plainly valid" text from text
the exact decoder must judge.
"""

from __future__ import annotations

from itertools import repeat

from smtools.sourcemap import vlq

_B64 = vlq.BASE64
_DIGITS32 = "0123456789abcdefghijklmnopqrstuv"
_TO_BASE32 = {ord(c): (" " if i < 32 else "") + _DIGITS32[i & 31] for i, c in enumerate(_B64)}
_TO_BASE32[ord(",")] = " "
TERMINALS = _B64[:32].encode()
CONTINUATIONS = _B64[32:].encode()
ALLOWED = TERMINALS + CONTINUATIONS + b",;"
# T: terminal digit, C: continuation digit; separators unchanged.
KIND = bytes(ord("T") if b in TERMINALS else ord("C") if b in CONTINUATIONS else b for b in range(256))
# O/E: a digit whose value is odd/even (the sign bit of a VLQ's first digit).
PARITY = bytes((ord("O") if _B64.index(chr(b)) & 1 else ord("E")) if chr(b) in _B64 else b
               for b in range(256))


class Signed(dict):  # type: ignore[type-arg]
    """Unsigned VLQ value -> signed value."""

    def __missing__(self, unsigned: int) -> int:
        value = vlq.signed_value(unsigned)  # raises VlqError beyond 32 bits
        self[unsigned] = value
        return value


def flat_values(segments: list[str], signed: Signed) -> list[int]:
    """Every VLQ value of ``segments``: last segment first, each segment's values reversed.

    The segments must be grammatical (see :func:`has_empty_or_open_segment`).
    """
    text = ",".join(segments)[::-1].translate(_TO_BASE32)
    return list(map(signed.__getitem__, map(int, text.split(), repeat(32))))


def value_counts(raw: bytes) -> list[int]:
    """Number of VLQs in each ``,``-separated segment of ``raw`` (no ``;`` in it)."""
    return list(map(len, raw.translate(KIND, CONTINUATIONS).split(b",")))


def has_empty_or_open_segment(raw: bytes) -> bool:
    """An empty segment, or a VLQ without its terminal digit."""
    kinds = b";" + raw.translate(KIND) + b";"
    return b",," in kinds or b";," in kinds or b",;" in kinds or b"C," in kinds or b"C;" in kinds


def has_open_value(raw: bytes) -> bool:
    """A VLQ without its terminal digit, in ``raw`` without ``;``."""
    kinds = raw.translate(KIND)
    return b"C," in kinds or kinds.endswith(b"C")


def has_bad_segment_size(raw: bytes) -> bool:
    """2, 3 or 6+ values in a segment."""
    counted = b"," + raw.translate(KIND, CONTINUATIONS).replace(b";", b",") + b","
    return b",TT," in counted or b",TTT," in counted or b"TTTTTT" in counted


def has_negative_column_delta(raw: bytes) -> bool:
    """A segment whose first value is negative: an unsorted line, or a dropped segment."""
    return b",O" in b"," + raw.translate(PARITY).replace(b";", b",")
