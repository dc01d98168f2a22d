"""Base64 VLQ values (ECMA-426 §6).

The hot decoding loops live in :mod:`smtools.sourcemap.mappings`; this module
holds the alphabet and the exact, one-value-at-a-time operations.
"""

from __future__ import annotations

from smtools.errors import VlqError

BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
DIGIT_VALUE: dict[str, int] = {char: index for index, char in enumerate(BASE64)}
CONTINUATION = 32
# ECMA-426 §6.1: a sign bit with a zero magnitude ("B") decodes to -2^31.
NEGATIVE_ZERO = -(2**31)
UNSIGNED_LIMIT = 2**32


def read_unsigned(text: str, start: int) -> tuple[int, int]:
    """Read one VLQ digit list starting at ``start``.

    Returns ``(unsigned_value, end_index)``. The value is not range-checked
    (ECMA-426 allows any number of zero continuation digits), see
    :func:`signed_value`.

    Raises:
        VlqError: on a character outside the base64 alphabet or a missing
            terminal digit.
    """
    value = 0
    shift = 0
    index = start
    length = len(text)
    while True:
        if index >= length:
            raise VlqError(f"vlq at offset {start} ends without a terminal digit",
                           code="unterminated-vlq")
        digit = DIGIT_VALUE.get(text[index])
        if digit is None:
            raise VlqError(f"invalid base64 character {text[index]!r} at offset {index}",
                           code="invalid-base64-character")
        index += 1
        value += (digit & 31) << shift
        if not digit & CONTINUATION:
            return value, index
        shift += 5


def signed_value(unsigned: int) -> int:
    """ECMA-426 VLQSignedValue of an assembled unsigned value.

    Raises:
        VlqError: when the value does not fit in 32 bits (a hard error).
    """
    if unsigned >= UNSIGNED_LIMIT:
        raise VlqError(f"vlq value {unsigned} exceeds 32 bits", code="vlq-overflow")
    magnitude = unsigned >> 1
    if unsigned & 1:
        return -magnitude if magnitude else NEGATIVE_ZERO
    return magnitude


def decode(text: str) -> list[int]:
    """Decode a string made only of concatenated VLQs into signed values."""
    values = []
    index = 0
    while index < len(text):
        unsigned, index = read_unsigned(text, index)
        values.append(signed_value(unsigned))
    return values


def encode(value: int) -> str:
    """Encode one signed value (``-2**31`` encodes as ``"B"``, see ECMA-426 §6.1)."""
    if value == NEGATIVE_ZERO:
        return "B"
    unsigned = (-value << 1) | 1 if value < 0 else value << 1
    out = []
    while True:
        digit = unsigned & 31
        unsigned >>= 5
        if unsigned:
            out.append(BASE64[digit | CONTINUATION])
        else:
            out.append(BASE64[digit])
            return "".join(out)
