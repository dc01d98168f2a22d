from __future__ import annotations

import pytest
from damage import damaged
from hypothesis import given, settings
from hypothesis import strategies as st

from smtools.errors import VlqError
from smtools.sourcemap import fastdecode, vlq
from smtools.sourcemap import mappings as m
from smtools.sourcemap.lazyjson import RawText


def rows(decoded: m.Mappings) -> list[tuple]:
    return list(decoded.rows())


def test_empty_string_is_one_empty_line() -> None:
    decoded, found = m.decode("", 0, 0)
    assert (decoded.line_count, len(decoded), found) == (1, 0, [])


def test_semicolons_only() -> None:
    decoded, _ = m.decode(";;;;", 0, 0)
    assert decoded.line_count == 5 and len(decoded) == 0


def test_fields_are_relative_across_lines_but_column_resets() -> None:
    # AAAA: (0, src 0, line 0, col 0); ;CCAC: col 1 of the next line, src 1, line 0, col 1
    decoded, found = m.decode("AAAA;CCAC", 2, 0)
    assert found == []
    assert rows(decoded) == [(0, 0, 0, 0, 0, 0, m.HAS_ORIGINAL), (1, 1, 1, 0, 1, 0, m.HAS_ORIGINAL)]


def test_one_field_segment_is_unmapped() -> None:
    decoded, _ = m.decode("AAAA,C", 1, 0)
    assert [r[-1] for r in rows(decoded)] == [m.HAS_ORIGINAL, 0]


def test_grammar_failure_yields_no_mappings_at_all() -> None:
    # §9.2.2: one bad segment drops the whole field, not just itself.
    for text, code in [("AAAA,AA", "bad-segment-size"), ("AAAA,,AAAA", "empty-segment"),
                       ("AAAA.AAAA", "invalid-base64-character"), ("AAAA,", "empty-segment"),
                       ("AAAAAA", "bad-segment-size"), ("AAAg", "unterminated-vlq")]:
        decoded, found = m.decode(text, 1, 1)
        assert len(decoded) == 0, text
        assert [d.code for d in found] == [code], text


def test_overflow_throws_only_when_the_grammar_holds() -> None:
    with pytest.raises(VlqError):
        m.decode("ggggggE", 0, 0)
    decoded, found = m.decode("ggggggE,AA", 0, 0)  # grammar fails first: no throw
    assert len(decoded) == 0 and found[0].code == "bad-segment-size"


def test_negative_column_drops_segment_but_keeps_column_state() -> None:
    # §9.2.1.1: state.GeneratedColumn is updated, the segment is skipped, and
    # its other deltas are not applied. "C,F,G": 1, then -1 (dropped), then -1+3=2.
    decoded, found = m.decode("CAAA,FCAA,GAAA", 2, 0)
    assert [d.code for d in found] == ["negative-generated-column"]
    assert [(r[1], r[2]) for r in rows(decoded)] == [(1, 0), (2, 0)]


def test_bad_source_index_keeps_mapping_without_original() -> None:
    decoded, found = m.decode("AAAA,CCAA", 1, 0)
    assert [d.code for d in found] == ["bad-source-reference"]
    assert [r[-1] for r in rows(decoded)] == [m.HAS_ORIGINAL, 0]


def test_bad_name_index_keeps_original_without_name() -> None:
    decoded, found = m.decode("AAAAC", 1, 1)
    assert [d.code for d in found] == ["bad-name-reference"]
    assert rows(decoded)[0][-1] == m.HAS_ORIGINAL


def test_negative_zero_makes_any_field_negative() -> None:
    _, found = m.decode("AAAB", 1, 0)
    assert [d.code for d in found] == ["negative-original-column"]


def test_unsorted_line_is_sorted_stably_with_a_warning() -> None:
    # vlqValidNegativeDigit-like: columns 15 then 2 on one line.
    decoded, found = m.decode("eAAA,bAAC", 1, 0)
    assert [(d.code, d.severity) for d in found] == [("unsorted-mappings", "warning")]
    assert [r[1] for r in rows(decoded)] == [2, 15]


def test_fast_path_refuses_what_only_the_exact_path_can_judge() -> None:
    assert m.decode_fast("AAAA,AA", 1, 0) is None
    assert m.decode_fast("eAAA,bAAC", 1, 0) is None
    assert m.decode_fast("ACAA", 1, 0) is None  # source 1 of 1
    assert m.decode_fast("AAAA;AAAA", 1, 0) is not None


@pytest.mark.parametrize(("text", "names"), [
    ("ADAA", 0),          # source -1
    ("AADA", 0),          # original line -1
    ("AAAD", 0),          # original column -1
    ("AAAAC", 1),         # name 1 of 1
    ("AAAAD", 1),         # name -1
    ("AAAA,CACA,CADA,CADA", 0),  # the line returns to 0, then goes below
])
def test_fast_path_refuses_states_out_of_range(text: str, names: int) -> None:
    assert m.decode_fast(text, 1, names) is None
    _, found = m.decode_exact(text, 1, names)
    assert any(d.is_error or d.severity == "warning" for d in found)


def test_fast_path_checks_ranges_across_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fastdecode, "WINDOW", 16)
    valid = ",".join(["CACA"] * 40)
    assert m.decode_fast(valid, 1, 0) is not None
    # 40 lines up, then 41 down: only the last window goes below line 0.
    assert m.decode_fast(valid + ",CAzCA", 1, 0) is None
    assert m.decode_fast(valid + ",CAAAC", 1, 1) is None  # name 1 of 1
    assert m.decode_fast(valid + ",CAAAA", 1, 1) is not None


def test_names_are_not_checked_when_no_segment_has_one() -> None:
    # Four-field segments only: the name state stays 0, whatever the name count.
    assert m.decode_fast("AAAA,CAAC", 1, 0) is not None


def test_large_values_fall_back_to_64_bit_storage() -> None:
    big = vlq.encode(2**31 - 1)
    decoded, found = m.decode(f"AA{big}A,AA{big}A", 1, 0)
    assert found == [] and rows(decoded)[1][3] == 2 * (2**31 - 1)


def test_long_lines_are_decoded_in_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fastdecode, "WINDOW", 16)
    text = ",".join(["CAAC"] * 100) + ";" + ",".join(["CACA"] * 50)
    windowed = m.decode_fast(text, 1, 0)
    monkeypatch.setattr(fastdecode, "WINDOW", 1 << 20)
    whole = m.decode_fast(text, 1, 0)
    assert windowed is not None and whole is not None
    assert rows(windowed) == rows(whole)
    assert rows(whole)[99][1] == 100 and rows(whole)[-1][1] == 50


# A valid mappings string: per line, sorted columns, indexes in range.
@st.composite
def valid_mappings(draw: st.DrawFn) -> tuple[str, int, int]:
    sources = draw(st.integers(1, 4))
    names = draw(st.integers(0, 4))
    lines = []
    state = [0, 0, 0, 0]
    for _ in range(draw(st.integers(0, 6))):
        column = 0
        segments = []
        for _ in range(draw(st.integers(0, 6))):
            step = draw(st.integers(0, 40))
            text = vlq.encode(step if segments else column + step)
            column += step
            kind = draw(st.sampled_from([1, 4, 5] if names else [1, 4]))
            if kind > 1:
                target = [draw(st.integers(0, sources - 1)), draw(st.integers(0, 300)),
                          draw(st.integers(0, 120))]
                text += "".join(vlq.encode(t - s) for t, s in zip(target, state, strict=False))
                state[:3] = target
                if kind == 5:
                    name = draw(st.integers(0, names - 1))
                    text += vlq.encode(name - state[3])
                    state[3] = name
            segments.append(text)
        lines.append(",".join(segments))
    return ";".join(lines), sources, names


@settings(max_examples=300)
@given(valid_mappings())
def test_fast_and_exact_decoders_agree(case: tuple[str, int, int]) -> None:
    text, sources, names = case
    fast = m.decode_fast(text, sources, names)
    exact, found = m.decode_exact(text, sources, names)
    assert fast is not None and found == []
    assert rows(fast) == rows(exact)


@settings(max_examples=300)
@given(valid_mappings())
def test_encode_decode_round_trip(case: tuple[str, int, int]) -> None:
    text, sources, names = case
    decoded, _ = m.decode(text, sources, names)
    assert m.encode(decoded) == text


@settings(max_examples=500)
@given(st.text(alphabet=vlq.BASE64[:40] + ",;", max_size=60), st.integers(0, 3), st.integers(0, 3))
def test_any_string_decodes_the_same_both_ways_or_raises_vlq_error(text: str, sources: int,
                                                                    names: int) -> None:
    try:
        exact, found = m.decode_exact(text, sources, names)
    except VlqError:
        return
    fast = m.decode_fast(text, sources, names)
    if fast is not None:
        assert rows(fast) == rows(exact) and not [d for d in found if d.is_error]


@st.composite
def damaged_mappings(draw: st.DrawFn) -> tuple[str, int, int]:
    """Valid mappings with one to three characters inserted, replaced or deleted."""
    text, sources, names = draw(valid_mappings())
    return damaged(draw, text), sources, names


@settings(max_examples=500)
@given(st.one_of(damaged_mappings(), valid_mappings()), st.sampled_from([4, 16, 1 << 16]))
def test_the_fast_decoder_refuses_only_what_is_not_plainly_valid(case: tuple[str, int, int],
                                                                  window: int) -> None:
    # Plainly valid: the grammar holds, no column delta is negative (check()),
    # and the exact decoder finds nothing to report (indices in range).
    from smtools.sourcemap import oneshot

    text, sources, names = case
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fastdecode, "WINDOW", window)
        fast = m.decode_fast(text, sources, names)
    exact, found = m.decode_exact(text, sources, names)
    try:
        oneshot.check(text)
        plain = not found
    except oneshot.Refused:
        plain = False
    assert (fast is not None) == plain
    if fast is not None:
        assert rows(fast) == rows(exact)


@pytest.mark.parametrize("text", [",".join(["CAAC"] * 100) + ";;" + ",".join(["CACA"] * 50) + ";",
                                  ";AAAA,CAAC;", "", ";;", "AAAA,CAAé", "AAAA,,CAAC"])
def test_decoding_straight_from_the_file_bytes_equals_decoding_the_string(
        text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fastdecode, "WINDOW", 16)
    data = b'{"mappings":"' + text.encode() + b'"}'
    raw = RawText(data, 13, 13 + len(text.encode()))
    from_bytes, from_str = m.decode_fast(raw, 1, 0), m.decode_fast(text, 1, 0)
    assert (from_bytes is None) == (from_str is None)
    if from_str is not None:
        assert rows(from_bytes) == rows(from_str)
