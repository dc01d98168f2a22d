from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smtools.errors import VlqError
from smtools.sourcemap import vlq

# Vectors from ECMA-426 §6 examples and mozilla source-map's VLQ tests.
VECTORS = [("A", 0), ("C", 1), ("D", -1), ("V", -10), ("iB", 17), ("+P", 255), ("/P", -255),
           ("gP", 240), ("+/////D", 2**31 - 1)]


@pytest.mark.parametrize(("encoded", "value"), VECTORS)
def test_decode_vector(encoded: str, value: int) -> None:
    assert vlq.decode(encoded) == [value]


@pytest.mark.parametrize(("encoded", "value"), VECTORS)
def test_encode_vector(encoded: str, value: int) -> None:
    assert vlq.encode(value) == encoded


def test_negative_zero_is_minus_two_to_the_31() -> None:
    # ECMA-426 §6.1 VLQSignedValue step 5.
    assert vlq.decode("B") == [-(2**31)]
    assert vlq.encode(-(2**31)) == "B"


def test_zero_continuation_digits_are_legal() -> None:
    # validMappingLargeVLQ: any number of digits, only the value is bounded.
    assert vlq.decode("i" + "g" * 1000 + "A") == [1]


def test_value_of_two_to_the_32_is_rejected() -> None:
    with pytest.raises(VlqError) as caught:
        vlq.decode("ggggggE")
    assert caught.value.code == "vlq-overflow"


@pytest.mark.parametrize(("text", "code"), [("g", "unterminated-vlq"), ("A=", "invalid-base64-character"),
                                            ("A$", "invalid-base64-character")])
def test_malformed(text: str, code: str) -> None:
    with pytest.raises(VlqError) as caught:
        vlq.decode(text)
    assert caught.value.code == code


@given(st.lists(st.integers(min_value=-(2**31) + 1, max_value=2**31 - 1), max_size=20))
def test_round_trip(values: list[int]) -> None:
    assert vlq.decode("".join(vlq.encode(v) for v in values)) == values


@given(st.text(alphabet=vlq.BASE64 + "=,;.$ ", max_size=30))
def test_arbitrary_text_decodes_or_raises_vlq_error(text: str) -> None:
    try:
        values = vlq.decode(text)
    except VlqError:
        return
    assert all(-(2**31) <= v < 2**31 for v in values)
