"""Strict validation: every ECMA-426 optional error, and the tc39 suite's extra rules."""

from __future__ import annotations

from typing import Any

from smtools.errors import ERROR, Diagnostic, InvalidSourceMap
from smtools.sourcemap.parse import loads


def validate(data: str | bytes | dict[str, Any]) -> list[Diagnostic]:
    """All diagnostics of a source map, hard errors included, without raising.

    A map is valid when no diagnostic has severity ``"error"``. Hard errors
    (where :func:`~smtools.sourcemap.loads` raises) come back as a single
    error diagnostic carrying the exception's code.
    """
    try:
        return loads(data).diagnostics
    except InvalidSourceMap as error:
        return [Diagnostic(error.code, str(error), ERROR, error.path)]


def is_valid(diagnostics: list[Diagnostic]) -> bool:
    """True when no diagnostic is an error."""
    return not any(item.is_error for item in diagnostics)
