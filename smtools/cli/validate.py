"""``smtools validate``: strict ECMA-426 validation of source maps."""

from __future__ import annotations

from pathlib import Path

import click

from smtools.cli import console
from smtools.cli.options import json_option
from smtools.errors import InputError


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@json_option
def validate(files: tuple[Path, ...], as_json: bool) -> int:
    """Check source maps strictly against ECMA-426.

    FILE is a .map, or a .js whose map is found through its sourceMappingURL
    comment (inline data: URLs included) or a sibling FILE.map. Every
    "optionally report an error" case of the spec is an error here.
    Exit status: 0 all valid, 1 some map has errors, 3 a file is unreadable.

    \b
    Example:
      smtools validate dist/electron/*.js
      smtools validate app.js.map --json
    """
    from smtools.cli.validate_view import render_validation, validation_json
    from smtools.sourcemap.validate import validate_path

    results, failures = [], []
    for path in files:
        try:
            results.append(validate_path(path))
        except InputError as error:
            failures.append((path, error))
    if as_json:
        console.emit_json(validation_json(results, failures))
    else:
        render_validation(results, failures)
    if failures:
        raise InputError(f"{len(failures)} of {len(files)} file(s) could not be validated")
    return 0 if all(result.valid for result in results) else 1
