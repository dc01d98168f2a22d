"""Lazy line access to JavaScript text, with UTF-16 column conversion.

Source-map columns count UTF-16 code units (ECMA-426 §5) while Python ``str``
indexes count code points: an astral character (an emoji) is one ``str``
index but two columns. Lines split at JavaScript line terminators (CRLF, LF,
CR, U+2028, U+2029), not at everything ``str.splitlines`` accepts.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right

_TERMINATOR = re.compile("\r\n|[\n\r\u2028\u2029]")
# For text with LF line ends only (the usual case): a literal pattern, which
# re finds about 20x faster than the alternation on an 11 MB bundle.
_LINE_FEED = re.compile("\n")
_OTHER_TERMINATORS = "\r\u2028\u2029"


class SourceView:
    """Read-only view of a text by 0-based line, built on first use."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts: array[int] | None = None
        self._ends: array[int] | None = None

    def _index(self) -> tuple[array[int], array[int]]:
        if self._starts is None or self._ends is None:
            if any(mark in self.text for mark in _OTHER_TERMINATORS):
                starts, ends = array("q", [0]), array("q")
                for match in _TERMINATOR.finditer(self.text):
                    ends.append(match.start())
                    starts.append(match.end())
            else:  # LF only: every terminator is one character
                ends = array("q", map(re.Match.start, _LINE_FEED.finditer(self.text)))
                starts = array("q", [0]) + array("q", map((1).__add__, ends))
            ends.append(len(self.text))
            self._starts, self._ends = starts, ends
        return self._starts, self._ends

    @property
    def line_count(self) -> int:
        """Number of lines (a trailing terminator starts one more, empty, line)."""
        return len(self._index()[0])

    def line(self, number: int) -> str | None:
        """The 0-based line ``number`` without its terminator, or None past the end."""
        starts, ends = self._index()
        if not 0 <= number < len(starts):
            return None
        return self.text[starts[number]:ends[number]]

    def lines(self, first: int, last: int) -> list[tuple[int, str]]:
        """``(number, text)`` for the 0-based lines ``first..last`` that exist."""
        first = max(first, 0)
        if self._starts is None and not any(mark in self.text for mark in _OTHER_TERMINATORS):
            # Only LF terminators: one split up to `last` beats indexing a large file.
            head = self.text.split("\n", last + 1)[first:last + 1]
            return list(enumerate(head, first))
        found = []
        for number in range(max(first, 0), last + 1):
            text = self.line(number)
            if text is None:
                break
            found.append((number, text))
        return found

    def position_of(self, offset: int) -> tuple[int, int]:
        """0-based (line, UTF-16 column) of a ``str`` offset into the text."""
        starts, _ = self._index()
        line = bisect_right(starts, offset) - 1
        return line, utf16_length(self.text[starts[line]:offset])


def utf16_length(text: str) -> int:
    """Length of ``text`` in UTF-16 code units."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def utf16_to_index(line: str, column: int) -> int:
    """``str`` index of a UTF-16 column within ``line`` (clamped to its length).

    A column in the middle of a surrogate pair gives the index of that character.
    """
    if line.isascii():
        return min(column, len(line))
    encoded = line.encode("utf-16-le", "surrogatepass")[: column * 2]
    return len(encoded.decode("utf-16-le", "ignore"))


def index_to_utf16(line: str, index: int) -> int:
    """UTF-16 column of a ``str`` index within ``line``."""
    return utf16_length(line[:index])
