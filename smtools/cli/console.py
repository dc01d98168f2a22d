"""All terminal output goes through here.

Results go to stdout, diagnostics to stderr. rich is imported on first use so
that commands that print a few lines do not pay for it at start-up.
"""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

_settings: dict[str, Any] = {"no_color": False, "width": None}
_consoles: dict[str, Console] = {}


def configure(*, no_color: bool = False, width: int | None = None) -> None:
    """Set colour and width for the consoles made after this call."""
    _settings["no_color"] = no_color or "NO_COLOR" in os.environ
    _settings["width"] = width
    _consoles.clear()


def _console(stream: str) -> Console:
    console = _consoles.get(stream)
    if console is None:
        from rich.console import Console

        console = Console(file=sys.stderr if stream == "err" else sys.stdout,
                          highlight=False, emoji=False, no_color=_settings["no_color"],
                          width=_settings["width"])
        _consoles[stream] = console
    return console


def out() -> Console:
    """The stdout console (results)."""
    return _console("out")


def err() -> Console:
    """The stderr console (progress, warnings, errors)."""
    return _console("err")


def _line(prefix: str, style: str, message: str) -> None:
    from rich.text import Text

    text = Text(prefix, style=style)
    text.append(message)
    err().print(text, soft_wrap=True)


def error(message: str) -> None:
    """One error line on stderr: ``error: <message>``."""
    _line("error: ", "bold red", message)


def warning(message: str) -> None:
    """One warning line on stderr."""
    _line("warning: ", "yellow", message)


def info(message: str) -> None:
    """One informational line on stderr."""
    _line("", "", message)


def emit_json(data: Any) -> None:
    """Machine-readable output: JSON on stdout and nothing else."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    sys.stdout.flush()
