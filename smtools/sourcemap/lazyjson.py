"""Reading a source map without building the parts a lookup does not need.

With the C extension, :func:`skim` validates the whole document as JSON in
one pass and records where each top-level value lies. Small fields are then
parsed normally; ``mappings`` stays as a slice of the input bytes (handed
straight to the C decoder) and ``sourcesContent`` as a lazily parsed array
(one entry is parsed when it is shown). On a 43 MB map this avoids building
about 28 MB of source text as Python strings. Without the extension the
whole document is parsed as usual; both ways give the same map.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, overload

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
