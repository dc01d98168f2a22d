"""Reading a source map without building the parts a lookup does not need.

:func:`skim` finds where each top-level value of the document lies. Small
fields are then parsed normally; ``mappings`` stays as a slice of the input
bytes (handed straight to the decoder) and ``sourcesContent`` as a lazily
parsed array (one entry is parsed when it is shown). On a 43 MB map this
avoids building about 28 MB of source text as Python strings. With the C
extension the skim validates the whole document in one pass; in pure Python
it walks the top level with regular expressions (strings are matched by an
exact JSON string pattern, everything else is parsed by the ``json``
module). Either way the result equals a full parse, and a document the skim
does not accept is parsed in full, which reports the error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from typing import Any, overload

from smtools.errors import InvalidSourceMap
from smtools.sourcemap.jsonio import parse_json, strip_prefixes_offset


class RawText:
    """The body of a JSON string inside ``data`` that has no escapes."""

    __slots__ = ("data", "end", "start")

    def __init__(self, data: bytes, start: int, end: int) -> None:
        self.data, self.start, self.end = data, start, end

    def __len__(self) -> int:
        return self.end - self.start

    def __str__(self) -> str:
        return self.data[self.start:self.end].decode("utf-8", "replace")


class LazyJsonArray(Sequence[Any]):
    """A JSON array in ``data`` whose elements are parsed on first access."""

    def __init__(self, data: bytes, spans: list[tuple[int, int]]) -> None:
        self._data = data
        self._spans = spans
        self._parsed: dict[int, Any] = {}

    def __len__(self) -> int:
        return len(self._spans)

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...
    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self._spans)
        if index not in self._parsed:
            start, end = self._spans[index]
            self._parsed[index] = parse_json(self._data[start:end])
        return self._parsed[index]

    def __iter__(self) -> Iterator[Any]:
        return (self[i] for i in range(len(self)))

    def nullify(self, index: int) -> None:
        """Make an element read as null (the spec's value after a type error)."""
        self._parsed[index] = None

    def kind(self, index: int) -> str:
        """``"string"``, ``"null"`` or ``"other"``, without parsing the element."""
        first = self._data[self._spans[index][0]]
        return "string" if first == 0x22 else "null" if first == 0x6E else "other"


def skim(data: bytes, native: Any) -> dict[str, Any] | None:
    """The top-level object with lazy ``mappings``/``sourcesContent``, or None."""
    if native is None:
        return _skim_python(data)
    return _skim_native(data, native)


def _skim_native(data: bytes, native: Any) -> dict[str, Any] | None:
    """The top-level object of a source map, with ``mappings`` and ``sourcesContent`` left lazy.

    Returns None when the document is not one valid JSON object (the full
    parser then reports the error).
    """
    spans = native.skim_object(data, strip_prefixes_offset(data), "sourcesContent")
    if spans is None:
        return None
    return {key: _value(data, key, where) for key, where in spans.items()}


def _value(data: bytes, key: str, where: tuple[Any, ...]) -> Any:
    start, end = where[0], where[1]
    if key == "mappings" and data[start] == 0x22 and data.find(b"\\", start, end) < 0:
        return RawText(data, start + 1, end - 1)
    if len(where) == 3:  # sourcesContent, an array: its element spans came with it
        return LazyJsonArray(data, where[2])
    return parse_json(data[start:end])


# An exact JSON string (raw control characters excluded, escapes checked).
_STRING = re.compile(rb'"[^"\\\x00-\x1f]*(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\x00-\x1f]*)*"')
_LOOSE = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)
_SCALAR = re.compile(rb"[^,}\]\s]*")
# Large strings are checked with searches rather than matched by _STRING
# (28 MB of sourcesContent with 1.3 M escapes: 0.073 s against 0.13 s).
_BAD_ESCAPE = re.compile(rb'\\(?:[^"\\/bfnrtu]|u(?![0-9a-fA-F]{4}))')
_NOT_CONTROL = bytes(range(0x20, 0x100))
# Escaped quotes are skipped one by one (about 0.25 us each), _STRING walks
# every byte (about 7 ns each): a string with an escaped quote in fewer than
# every _DENSE_QUOTES bytes, checked every _QUOTES_PER_CHECK of them, goes to _STRING.
_QUOTES_PER_CHECK = 1024
_DENSE_QUOTES = 32
_SPACE = re.compile(rb"[ \t\n\r]*")


class _Reject(Exception):
    """The pure-Python skim leaves this document to the full parser."""


def _skim_python(data: bytes) -> dict[str, Any] | None:
    try:
        return _walk_object(data, strip_prefixes_offset(data))
    except (_Reject, ValueError, IndexError, InvalidSourceMap):
        return None


def _walk_object(data: bytes, pos: int) -> dict[str, Any]:
    pos = _expect(data, _skip_space(data, pos), b"{")
    result: dict[str, Any] = {}
    if data[_skip_space(data, pos)] == 0x7D:
        return _finish(data, _skip_space(data, pos) + 1, result)
    while True:
        key_match = _STRING.match(data, _skip_space(data, pos))
        if key_match is None:
            raise _Reject
        key = json.loads(key_match.group().decode("utf-8", "replace"))
        pos = _skip_space(data, _expect(data, _skip_space(data, key_match.end()), b":"))
        result[key], pos = _member_value(data, key, pos)
        pos = _skip_space(data, pos)
        if data[pos] == 0x2C:
            pos += 1
            continue
        return _finish(data, _expect(data, pos, b"}"), result)


def _member_value(data: bytes, key: str, pos: int) -> tuple[Any, int]:
    if key == "sourcesContent" and data[pos] == 0x5B:
        spans, end = _string_array(data, pos)
        return LazyJsonArray(data, spans), end
    if key == "mappings" and data[pos] == 0x22:
        end = _string_end(data, pos)
        if data.find(b"\\", pos, end) < 0:
            return RawText(data, pos + 1, end - 1), end
        return json.loads(data[pos:end].decode("utf-8", "replace")), end
    end = _value_end(data, pos)
    return parse_json(data[pos:end]), end


def _string_array(data: bytes, pos: int) -> tuple[list[tuple[int, int]], int]:
    """Spans of an array of strings and nulls; anything else goes to the full parser."""
    spans: list[tuple[int, int]] = []
    pos = _skip_space(data, pos + 1)
    if data[pos] == 0x5D:
        return spans, pos + 1
    while True:
        if data.startswith(b"null", pos):
            spans.append((pos, pos + 4))
            pos += 4
        else:
            end = _string_end(data, pos)
            spans.append((pos, end))
            pos = end
        pos = _skip_space(data, pos)
        if data[pos] == 0x5D:
            return spans, pos + 1
        pos = _skip_space(data, _expect(data, pos, b","))


def _string_end(data: bytes, pos: int) -> int:
    """End of the exact JSON string at ``pos`` (a large one: searched, not matched)."""
    if data[pos] != 0x22:
        raise _Reject
    quote, skipped = pos, 0
    while True:
        for _ in range(_QUOTES_PER_CHECK):
            quote = data.find(b'"', quote + 1)
            if quote < 0:
                raise _Reject
            if data[quote - 1] != 0x5C or _backslashes_before(data, quote) % 2 == 0:
                if data[pos + 1:quote].translate(None, _NOT_CONTROL) or _has_bad_escape(data, pos, quote):
                    raise _Reject
                return quote + 1
        skipped += _QUOTES_PER_CHECK
        if quote - pos < skipped * _DENSE_QUOTES:
            return _matched_end(_STRING, data, pos)  # escaped quotes everywhere: one C-level match


def _backslashes_before(data: bytes, end: int) -> int:
    start = end
    while data[start - 1] == 0x5C:
        start -= 1
    return end - start


def _has_bad_escape(data: bytes, start: int, end: int) -> bool:
    """Whether a backslash in ``data[start:end]`` starts an invalid escape.

    The pattern also flags the second backslash of an escaped backslash
    (``\\\\d``); such a hit is told apart by the backslashes before it.
    """
    found = _BAD_ESCAPE.search(data, start, end)
    while found is not None:
        if _backslashes_before(data, found.start()) % 2 == 0:
            return True
        found = _BAD_ESCAPE.search(data, found.start() + 1, end)
    return False


def _value_end(data: bytes, pos: int) -> int:
    """End of the (unvalidated) value at ``pos``; the json module validates it."""
    first = data[pos]
    if first == 0x22:
        match = _LOOSE.match(data, pos)
        if match is None:
            raise _Reject
        return match.end()
    if first not in (0x5B, 0x7B):
        return _matched_end(_SCALAR, data, pos)
    depth = 0
    for token in _LOOSE.finditer(data, pos):
        mark = token.group()
        if mark in (b"[", b"{"):
            depth += 1
        elif mark in (b"]", b"}"):
            depth -= 1
            if depth == 0:
                return token.end()
    raise _Reject


def _skip_space(data: bytes, pos: int) -> int:
    return _matched_end(_SPACE, data, pos)


def _matched_end(pattern: re.Pattern[bytes], data: bytes, pos: int) -> int:
    match = pattern.match(data, pos)
    if match is None:  # only _STRING can fail: _SPACE and _SCALAR match the empty string
        raise _Reject
    return match.end()


def _expect(data: bytes, pos: int, mark: bytes) -> int:
    if not data.startswith(mark, pos):
        raise _Reject
    return pos + 1


def _finish(data: bytes, pos: int, result: dict[str, Any]) -> dict[str, Any]:
    if _skip_space(data, pos) != len(data):
        raise _Reject
    return result
