"""``smtools resolve``: de-minify one position."""

from __future__ import annotations

import click

from smtools.cli import console
from smtools.cli.options import json_option, parse_position


@click.command()
@click.argument("position", metavar="FILE:LINE:COL")
@click.option("--column-base", type=click.Choice(["0", "1"]), default="1", show_default=True,
              help="Whether COL counts from 1 (JS stack traces) or 0 (mozilla source-map style). "
                   "LINE is always 1-based.")
@click.option("-C", "--context", "context_lines", type=click.IntRange(0, 50), default=3,
              show_default=True, help="Lines of original source shown around the position.")
@json_option
def resolve(position: str, column_base: str, context_lines: int, as_json: bool) -> int:
    """Show the original source position of FILE:LINE:COL.

    FILE is a generated .js (its source map is found the way browsers and
    Sentry find it: sourceMappingURL comment, inline data: URL, or a sibling
    FILE.map) or a .map file. LINE and COL are 1-based, as JavaScript stack
    traces print them.

    \b
    Example:
      smtools resolve dist/electron/main.js:1:4213
      smtools resolve dist/electron/renderer.js.map:1:1000 --column-base 0 --json
    """
    from smtools.cli.views import render_resolution, resolution_json
    from smtools.sourcemap.resolve import resolve_position

    base = int(column_base)
    where = parse_position(position, column_base=base)
    result = resolve_position(where.target, where.line, where.column, context_lines)
    if as_json:
        console.emit_json(resolution_json(result, base))
    else:
        render_resolution(result, base)
    return 0
