"""Find the original function that encloses a position, by reading the original source.

Minifiers rename functions, and the name a map records at a frame's position is the
identifier written *there* (often ``Error`` or the callee of a call), not the
function the frame runs in. Sentry answers this with scope information parsed from
the minified file; offline, with ``sourcesContent`` at hand, a simpler heuristic over
the original source does well on hand-written code:

1. the original line itself, left of the column: the last function header on it
   (one-line functions: ``boom () { throw new Error() }``);
2. otherwise walk upwards. A line can only open a block that encloses the position
   if it is indented *less* than every line seen so far (starting with the line of
   the position); among those lines the first that is a function header gives the
   name. Headers recognised: ``function NAME(``, ``NAME(...) {`` methods (with
   ``async``/``static``/``get``/``set``/``*``), ``NAME = function``, ``NAME: function``,
   ``NAME = (...) =>``/``NAME = x =>`` (also with ``:``), ``const/let/var NAME = ...``.
   Anonymous functions (``function (``, a bare ``=>``) are stepped over: the name is
   that of the nearest *named* enclosing function.

It does not parse JavaScript: headers split over several lines, code that is not
indented, and minified original sources defeat it, and the caller falls back to
other methods (see ``smtools.stack.symbolicate``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import compress
from operator import methodcaller, not_, or_, sub

_IDENT = r"[A-Za-z_$][\w$]*"
_KEYWORDS = frozenset({"if", "for", "while", "switch", "catch", "with", "return", "function",
                       "else", "typeof", "new", "await", "yield", "super", "do", "try", "in",
                       "of", "delete", "void", "throw", "case"})
_HEADERS = (
    re.compile(rf"\bfunction\b\s*\*?\s*(?P<name>{_IDENT})\s*\("),
    re.compile(rf"(?P<name>{_IDENT})\s*[:=]\s*(?:async\s+)?function\b"),
    re.compile(rf"(?P<name>{_IDENT})\s*[:=]\s*(?:async\s+)?(?:\([^()]*\)|{_IDENT})\s*=>"),
    re.compile(rf"(?:^|[\s,{{;])(?:async\s+|static\s+|get\s+|set\s+|\*\s*)*(?P<name>{_IDENT})"
               r"\s*\([^()]*\)\s*\{"),
)
_LSTRIP_INDENT = methodcaller("lstrip", " \t")
_BLANK = 255
_LINE_BREAK = re.compile(r"\r\n|[\n\r\u2028\u2029]")


@lru_cache(maxsize=1024)
def split_lines(text: str) -> tuple[str, ...]:
    """Split source text at JavaScript line terminators (what map generators count).

    Cached: the frames of one trace often point into the same few sources.
    """
    if "\r" in text or "\u2028" in text or "\u2029" in text:
        return tuple(_LINE_BREAK.split(text))
    return tuple(text.split("\n"))  # the common case, several times faster than the pattern


def enclosing_function(source: str, line: int, column: int) -> str | None:
    """The name of the nearest named function around a 0-based original position.

    Args:
        source: the original file's text (from ``sourcesContent``).
        line: 0-based original line.
        column: 0-based original column (UTF-16 code units).

    Returns:
        The function name, or None when the heuristic finds none.
    """
    lines = split_lines(source)
    if not 0 <= line < len(lines):
        return None
    text = lines[line]
    head = text[:utf16_to_index(text, column)]
    name = _last_header(head)
    if name is not None:
        return name
    limit = _indent(text) if text.strip() else len(text)
    outline = _outline(source)
    if outline is None:
        return _walk_every_line(lines, line, limit)
    return _walk_outline(lines, outline, line, limit)


def _walk_every_line(lines: tuple[str, ...], line: int, limit: int) -> str | None:
    """Step 2 of the heuristic, one line at a time."""
    for previous in range(line - 1, -1, -1):
        candidate = lines[previous]
        if not candidate.strip() or _indent(candidate) >= limit:
            continue
        limit = _indent(candidate)
        name = _last_header(candidate)
        if name is not None or limit == 0:
            return name
    return None


def _walk_outline(lines: tuple[str, ...], outline: tuple[bytes, tuple[int, ...]], line: int,
                  limit: int) -> str | None:
    """Step 2 with C-level searches: the nearest line above indented less than
    ``limit`` is the nearest of the last lines above with each smaller indent
    (``bytes.rfind`` per indent value present in the file)."""
    indents, values = outline
    end = line
    while True:
        found = max([indents.rfind(value, 0, end) for value in values if value < limit], default=-1)
        if found < 0:
            return None
        limit = indents[found]
        name = _last_header(lines[found])
        if name is not None or limit == 0:
            return name
        end = found


@lru_cache(maxsize=128)
def _outline(source: str) -> tuple[bytes, tuple[int, ...]] | None:
    """Each line's indent as one byte (blank lines: 255) and the indents present;
    None when some indent does not fit in a byte (then every line is walked).

    Computed once per source: frames deep in 60,000-line files then cost a few
    searches instead of a Python step per line above them.
    """
    lines = split_lines(source)
    indents = list(map(sub, map(len, lines), map(len, map(_LSTRIP_INDENT, lines))))
    if indents and max(indents) > _BLANK - 1:
        return None
    # Blank as str.strip() sees it (empty, or whitespace only), without copying each line.
    for index in compress(range(len(lines)), map(or_, map(not_, lines), map(str.isspace, lines))):
        indents[index] = _BLANK
    return bytes(indents), tuple(sorted(set(indents) - {_BLANK}))


def _last_header(text: str) -> str | None:
    best: tuple[int, str] | None = None
    for pattern in _HEADERS:
        for match in pattern.finditer(text):
            name = match["name"]
            if name in _KEYWORDS:
                continue
            if best is None or match.start("name") > best[0]:
                best = (match.start("name"), name)
    return best[1] if best else None


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" \t"))


def utf16_to_index(text: str, column: int) -> int:
    """The ``str`` index of a UTF-16 column in ``text`` (clamped to the line's end)."""
    units = 0
    for index, char in enumerate(text):
        if units >= column:
            return index
        units += 2 if ord(char) > 0xFFFF else 1
    return len(text)
