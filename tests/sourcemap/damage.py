"""Small damage to valid ``mappings`` text, for tests of what the fast paths refuse."""

from __future__ import annotations

from hypothesis import strategies as st

# Separators, digits of either sign and kind, characters outside the alphabet,
# and a whole extra segment.
_MARKS = [",", ";", "g", "/", "D", "B", "A", "!", "é", " ", "AAAA,"]


def damaged(draw: st.DrawFn, text: str) -> str:
    """``text`` with one to three characters inserted, replaced or deleted."""
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.integers(0, len(text)))
        mark = draw(st.sampled_from(_MARKS))
        change = draw(st.sampled_from(["insert", "replace", "delete"]))
        after = where + (0 if change == "insert" else 1)
        text = text[:where] + ("" if change == "delete" else mark) + text[after:]
    return text
