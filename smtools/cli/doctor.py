"""``smtools doctor``: what this installation runs on."""

from __future__ import annotations

import click

from smtools.cli import console
from smtools.cli.options import json_option


@click.command()
@json_option
def doctor(as_json: bool) -> int:
    """Show the version, the source-map decoder in use and the optional parts.

    The C decoder is built by pip where a compiler is present; without it the
    same code runs in pure Python (slower on large maps, same answers).
    SMTOOLS_PURE_PYTHON=1 forces the pure-Python path.

    \b
    Example:
      smtools doctor
    """
    from smtools.sysinfo import installation

    facts = installation()
    if as_json:
        console.emit_json(facts)
    else:
        for key, value in facts.items():
            console.out().print(f"{key:>16}: {value}", markup=False, highlight=False)
    return 0



