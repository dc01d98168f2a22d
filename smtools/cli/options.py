"""Shared option decorators and the one place where user positions become 0-based."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import click

from smtools.errors import UsageError

F = TypeVar("F", bound=Callable[..., Any])

_POSITION = re.compile(r"^(?P<target>.+?):(?P<line>[^:]*):(?P<column>[^:]*)$")


@dataclass(frozen=True)
class UserPosition:
    """A position as the user typed it, and its 0-based library form."""

    target: str
    line: int       # 0-based
    column: int     # 0-based, UTF-16 code units
    display: str    # what the user typed after the target, for messages


def json_option(function: F) -> F:
    """``--json``: machine-readable output on stdout and nothing else."""
    return click.option("--json", "as_json", is_flag=True,
                        help="Print machine-readable JSON on stdout.")(function)


def to_zero_based(line: int, column: int, *, line_base: int = 1, column_base: int = 1) -> tuple[int, int]:
    """Convert a user's line/column (in the given bases) to the library's 0-based form."""
    if line < line_base:
        raise UsageError(f"line {line} is before the first line ({line_base})")
    if column < column_base:
        raise UsageError(f"column {column} is before the first column ({column_base})")
    return line - line_base, column - column_base


def from_zero_based(line: int, column: int, *, line_base: int = 1, column_base: int = 1) -> tuple[int, int]:
    """Convert a library 0-based line/column back to the user's convention."""
    return line + line_base, column + column_base


def parse_position(text: str, *, column_base: int = 1) -> UserPosition:
    """Split ``TARGET:LINE:COL`` (1-based line; column in ``column_base``).

    The target may itself contain colons (``C:\\app\\main.js``, ``file:///...``),
    so the last two fields are the position.
    """
    match = _POSITION.match(text)
    if match is None:
        raise UsageError(f"bad position {text!r}: expected FILE:LINE:COLUMN, e.g. main.js:1:4213")
    raw_line, raw_column = match["line"], match["column"]
    if not (raw_line.isdigit() and raw_column.isdigit()):
        raise UsageError(f"bad position {text!r}: LINE and COLUMN must be whole numbers")
    line, column = to_zero_based(int(raw_line), int(raw_column), column_base=column_base)
    return UserPosition(match["target"], line, column, f"{raw_line}:{raw_column}")
