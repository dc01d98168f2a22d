"""``smtools inject``: give bundles and their maps sentry-cli compatible debug IDs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from smtools.cli import console
from smtools.cli.options import json_option
from smtools.errors import UsageError

if TYPE_CHECKING:
    from smtools.sourcemap.debugid import InjectResult


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@json_option
def inject(paths: tuple[Path, ...], dry_run: bool, as_json: bool) -> int:
    """Give every bundle and its source map a debug ID (sentry-cli compatible).

    PATHS are bundles or directories searched recursively for .js/.cjs/.mjs
    files (default: ./dist). Each bundle gets the runtime snippet that
    registers its ID and a //# debugId= comment; its map gets a debugId
    field and mappings shifted so that every position resolves exactly as
    before. IDs already present are kept; a second run changes nothing.
    Files are replaced atomically; an interrupted run is completed by the
    next one.

    \b
    Example:
      smtools inject dist/electron
      smtools inject --dry-run dist/electron/main.js
    """
    from smtools.sourcemap.debugid import inject as inject_ids

    if not paths:
        if not Path("dist").is_dir():
            raise UsageError("give the bundles or directories to inject, e.g. smtools inject dist/electron")
        paths = (Path("dist"),)
    results = inject_ids(paths, dry_run=dry_run, on_result=None if as_json else _show(dry_run))
    if as_json:
        console.emit_json({"dry_run": dry_run, "bundles": [_result_json(r) for r in results]})
        return 0
    changed = sum(1 for r in results if r.changed)
    verb = "would change" if dry_run else "changed"
    console.info(f"{len(results)} bundles, {changed} {verb}")
    return 0


def _show(dry_run: bool) -> Any:
    def show(result: InjectResult) -> None:
        from rich.text import Text

        action = ("would inject" if dry_run else "injected") if result.changed else "unchanged"
        files = [str(result.bundle)] if result.bundle_changed else []
        if result.map_changed:
            files.append(str(result.map_path) if result.map_path else "inline map")
        line = Text(f"{action:<13}{result.debug_id}  ", style="" if result.changed else "dim")
        line.append(str(result.bundle))
        if result.map_path is not None:
            line.append(f" + {result.map_path.name}")
        line.append(f"  (id from {result.id_from})", style="dim")
        if result.note:
            line.append(f"  note: {result.note}", style="yellow")
        if result.recovered:
            line.append("  (completed an interrupted run)", style="yellow")
        console.out().print(line, soft_wrap=True)

    return show


def _result_json(result: InjectResult) -> dict[str, Any]:
    return {"bundle": str(result.bundle), "map": str(result.map_path) if result.map_path else None,
            "debug_id": result.debug_id, "id_from": result.id_from,
            "bundle_changed": result.bundle_changed, "map_changed": result.map_changed,
            "note": result.note, "recovered": result.recovered}
