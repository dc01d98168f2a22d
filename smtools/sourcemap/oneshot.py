"""One lookup without decoding the whole map (the pure-Python path of ``smtools resolve``).

A greatest-lower-bound lookup needs only (a) the column positions of the
target line, to bisect, and (b) the decoder state at the mapping found, which
is the sum of all deltas before it. The sums are taken over *distinct*
segment tails (a segment without its column delta) times their counts, with
one ``collections.Counter`` for the text before the mapping, and the
distinct tails are decoded in batches with C-level string operations: the
text is reversed so each VLQ reads most-significant digit first, translated
into base-32 digits with a space before each token, and parsed by
``int(token, 32)``. No per-segment Python code runs.

This applies only to "plainly valid" mappings: grammatical, and no segment
starting with a negative column delta, so no segment is dropped and every
line is sorted. Anything else raises :class:`Refused` and the caller decodes
fully. The text up to the mapping found is checked by the summing itself
(a segment that does not split into a non-negative leading token and a
valid tail leaves a comma or a bad tail among the distinct tails, which are
checked once each); the rest, with byte translations and substring searches.
The answers equal those of the full decoders (tested on every mapping of the
fixture maps, on generated maps and on generated maps with errors).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from itertools import compress
from operator import mul

from smtools.sourcemap import vlqbatch
from smtools.sourcemap.fastdecode import (
    LEADING_TOKEN,
    TAIL_SIZES,
    Refused,
    Tokens,
    checked_value_counts,
    running_states,
    windows,
)

HAS_ORIGINAL = 1
HAS_NAME = 2

# Written as an alternation because most tokens are one character: faster in re.
_FIRST_TOKEN = re.compile(r",([A-Za-f]|[g-z0-9+/]+[A-Za-f])")
_LEADING_TOKEN = re.compile(f",(?:{LEADING_TOKEN})")
# Characters per batch of segments handled at once: large enough for many
# repeats per batch, small enough to bound the transient lists.
_SUM_WINDOW = 1 << 20
_NO_LIMIT = 1 << 62  # beyond any column
_DECODE_BATCH = 1 << 15  # distinct segment tails decoded at once


def check(text: str) -> None:
    """Raise :class:`Refused` unless ``text`` is plainly valid (see module docstring).

    Each test builds one translated copy of the text and drops it before the
    next, so at most two copies exist at a time.
    """
    try:
        raw = text.encode("ascii")
    except UnicodeEncodeError:
        raise Refused from None
    if (raw.translate(None, vlqbatch.ALLOWED) or vlqbatch.has_empty_or_open_segment(raw)
            or vlqbatch.has_bad_segment_size(raw) or vlqbatch.has_negative_column_delta(raw)):
        raise Refused


def _tally_sums(tally: Counter[str], signed: vlqbatch.Signed) -> list[int]:
    """Sums of the deltas of counted segment tails, each distinct tail checked and decoded once.

    Raises:
        Refused: a tail is not 3 or 4 complete VLQs (which includes a tail
            holding a separator: the text around it did not split into segments).
    """
    tally.pop("", None)  # 1-field segments: nothing to add
    distinct, times = list(tally), list(tally.values())
    if not distinct:
        return [0, 0, 0, 0]
    counts = checked_value_counts(distinct)
    sums = [0, 0, 0, 0]
    for count in TAIL_SIZES:
        mask = list(map(count.__eq__, counts))
        group = list(compress(distinct, mask))
        weights = list(compress(times, mask))
        # In batches: the token lists of a whole map's tails would take tens of MB.
        for start in range(0, len(group), _DECODE_BATCH):
            values = vlqbatch.flat_values(group[start:start + _DECODE_BATCH], signed)
            batch_weights = weights[start:start + _DECODE_BATCH][::-1]
            for field in range(count):
                sums[field] += sum(map(mul, batch_weights, values[count - 1 - field::count]))
    return sums


def _search_line(text: str, start: int, end: int, column: int,
                 tokens: Tokens) -> tuple[int, int] | None:
    """``(index, column)`` of the first segment of the line ``text[start:end]``
    whose column is the greatest at or before ``column``; None if every
    segment is after it.

    The columns are computed one window at a time and never stored whole
    (a 10 MB minified line has over a million segments); the line is sorted.
    """
    found: tuple[int, int] | None = None
    offset = 0  # segments in the windows before this one
    running = 0  # column of the last segment so far
    for window in windows(text, start, end):
        columns = running_states(map(tokens.__getitem__, _FIRST_TOKEN.findall("," + window)),
                                 running)
        if not columns or columns[0] > column:
            break
        index = bisect_right(columns, column) - 1
        first = bisect_left(columns, columns[index], 0, index)
        if first > 0 or found is None or found[1] != columns[index]:
            found = (offset + first, columns[index])  # else: the run began in an earlier window
        if columns[-1] > column:
            break
        offset += len(columns)
        running = columns[-1]
    return found


def _segment_count(segment: str) -> int:
    return len(segment.encode("ascii").translate(None, vlqbatch.CONTINUATIONS))


def lookup(text: str, source_count: int, name_count: int, line: int, column: int,
           same_line: bool) -> tuple[int, int, int, int, int, int, int] | None:
    """``(line, column, source, orig_line, orig_column, name, flags)`` of the mapping found.

    Greatest-lower-bound semantics of :func:`smtools.sourcemap.lookup.find`;
    None when no mapping is at or before the position.

    Raises:
        Refused: the mappings are not plainly valid.
    """
    tokens = Tokens()
    # The search runs before the checks: on text that is not plainly valid
    # its answer is wrong but harmless, as the checks below then refuse.
    found = _find_on_line(text, line, column, tokens)
    if found is None and not same_line:
        found = _last_before(text, line, tokens)
    if found is None:
        check(text)
        return None
    start, index, at_line, at_column = found
    segment_start = _segment_start(text, start, index)
    end = min(_line_end(text, segment_start), _find_or_end(text, ",", segment_start))
    check(text[segment_start:])  # the text before it is checked while summing
    source, original_line, original_column, name = _sums(text, end, vlqbatch.Signed())
    count = _segment_count(text[segment_start:end])
    # As the exact decoder: a mapping with an out-of-range index keeps no original/name.
    flags = 0
    if count > 1 and 0 <= source < source_count and original_line >= 0 and original_column >= 0:
        flags = HAS_ORIGINAL
    if count == 5 and 0 <= name < name_count:
        flags |= HAS_NAME
    return at_line, at_column, source, original_line, original_column, name, flags


def _line_start(text: str, line: int) -> int:
    """Offset where generated ``line`` starts, or -1 past the last line."""
    start = 0
    for _ in range(line):
        start = text.find(";", start) + 1
        if start == 0:
            return -1
    return start


def _line_end(text: str, start: int) -> int:
    return _find_or_end(text, ";", start)


def _find_or_end(text: str, mark: str, start: int) -> int:
    found = text.find(mark, start)
    return len(text) if found < 0 else found


def _segment_start(text: str, start: int, index: int) -> int:
    """Offset of segment ``index`` of the line starting at ``start``.

    Commas are counted per window (``str.count``); only the window holding
    the segment is split.
    """
    position = start
    while index:
        window_end = min(position + _SUM_WINDOW, len(text))
        commas = text.count(",", position, window_end)
        if commas >= index:
            parts = text[position:window_end].split(",", index)
            return position + sum(map(len, parts[:index])) + index
        index -= commas
        position = window_end
    return position


def _find_on_line(text: str, line: int, column: int,
                  tokens: Tokens) -> tuple[int, int, int, int] | None:
    """(line start offset, segment index, line, column) of the mapping found on ``line``."""
    start = _line_start(text, line)
    if start < 0 or _line_end(text, start) == start:
        return None
    found = _search_line(text, start, _line_end(text, start), column, tokens)
    if found is None:
        return None
    index, at_column = found
    return start, index, line, at_column


def _last_before(text: str, line: int, tokens: Tokens) -> tuple[int, int, int, int] | None:
    """The last mapping of the nearest non-empty line before ``line``."""
    end = len(text) if _line_start(text, line) < 0 else _line_start(text, line) - 1
    line = min(line, text.count(";") + 1)
    while end > 0:
        start = text.rfind(";", 0, end) + 1
        line -= 1
        if end > start:
            found = _search_line(text, start, end, _NO_LIMIT, tokens)
            if found is None:  # a line of plainly valid text has a first segment
                raise Refused
            index, at_column = found
            return start, index, line, at_column
        end = start - 1
    return None


def _sums(text: str, end: int, signed: vlqbatch.Signed) -> list[int]:
    """Decoder state after the last segment of ``text[:end]`` (lines ignored: sums do not care).

    Raises:
        Refused: ``text[:end]`` is not plainly valid.
    """
    # Each segment is split into its leading token (the column delta, which
    # the sums do not need) and its tail; the tails repeat far more often than
    # whole segments. One tally for all windows: a tail repeated across
    # windows is decoded once (on the 43 MB webpack map: 261 k distinct tails
    # instead of 450 k).
    tally: Counter[str] = Counter()
    start = 0
    while start < end:
        # Windows are cut before a comma, which starts the next window.
        cut = text.find(",", start + _SUM_WINDOW, end)
        cut = end if cut < 0 else cut
        window = text[start:cut]
        if cut < end and window.endswith(";"):
            raise Refused  # ";,": an empty segment
        # Line breaks become commas and empty lines are dropped; an empty
        # segment next to a line break still leaves two commas in a row.
        lines = ",".join(filter(None, window.split(";")))
        tally.update(_LEADING_TOKEN.split(lines if start else "," + lines))
        start = cut
    return _tally_sums(tally, signed)


__all__ = ["Refused", "check", "lookup"]
