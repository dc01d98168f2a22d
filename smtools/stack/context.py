"""Lines of original source around a position (for ``-v`` and for Sentry-style events)."""

from __future__ import annotations

from smtools.stack.model import Context
from smtools.stack.naming import split_lines

SENTRY_CONTEXT_LINES = 5  # symbolicator-service source_context.rs DEFAULT_CONTEXT_LINES
_TRIM_LIMIT = 150
_TRIM_GOAL = 140
_TRIM_BEFORE = 60


def context_around(source: str, line: int, lines: int = 2) -> Context | None:
    """``lines`` lines before and after the 0-based ``line`` of ``source``; None past its end."""
    all_lines = split_lines(source)
    if not 0 <= line < len(all_lines):
        return None
    start = max(line - lines, 0)
    return Context(start, tuple(all_lines[start:line + lines + 1]), line - start)


def sentry_context(source: str, line: int, column: int | None) -> Context | None:
    """Context as Sentry attaches it to a symbolicated frame.

    Five lines before and after, each line longer than 150 characters cut to about 140
    around the column with ``{snip}`` markers (symbolicator ``get_context_lines`` and
    ``trim_context_line``, which count bytes; this counts characters).

    Args:
        source: the original file's text.
        line: 0-based line.
        column: 0-based column, or None.
    """
    context = context_around(source, line, SENTRY_CONTEXT_LINES)
    if context is None:
        return None
    # Sentry trims around its 1-based colno; +1 keeps the cut at the same place.
    trim_at = (column or 0) + 1 if column is not None else 0
    return Context(context.start, tuple(trim_context_line(text, trim_at) for text in context.lines),
                   context.focus)


def trim_context_line(text: str, column: int) -> str:
    """Cut a long line to ~140 characters around ``column`` (Sentry's ``trim_context_line``)."""
    length = len(text)
    if length <= _TRIM_LIMIT:
        return text
    column = min(column, length)
    start = column - _TRIM_BEFORE if column > _TRIM_BEFORE else 0
    if start < 5:
        start = 0
    end = min(start + _TRIM_GOAL, length)
    if end > length - 5:
        end = length
    if end == length:
        start = max(end - _TRIM_GOAL, 0)
    trimmed = text[start:end]
    if start > 0:
        trimmed = "{snip} " + trimmed
    if end < length:
        trimmed += " {snip}"
    return trimmed
