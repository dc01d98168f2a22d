"""Rendering of ``smtools validate`` results."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from smtools.cli import console
from smtools.errors import Diagnostic, InputError
from smtools.sourcemap.validate import FileValidation


def _where(item: Diagnostic) -> str:
    if item.line is None:
        return item.path
    where = f"line {item.line + 1}"
    if item.column is not None:
        where += f", column {item.column + 1}"
    return f"{item.path} ({where})" if item.path else where


def validation_json(results: list[FileValidation],
                    failures: list[tuple[Path, InputError]]) -> dict[str, Any]:
    """The --json document: one entry per file (positions 1-based)."""
    files: list[dict[str, Any]] = []
    for result in results:
        files.append({
            "file": str(result.path),
            "map": str(result.map_path) if result.map_path else None,
            "found_via": result.location.kind if result.location else "map",
            "valid": result.valid,
            "diagnostics": [{**item.to_json(),
                             "line": None if item.line is None else item.line + 1,
                             "column": None if item.column is None else item.column + 1}
                            for item in result.diagnostics],
        })
    for path, error in failures:
        files.append({"file": str(path), "error": str(error)})
    return {"valid": not failures and all(r.valid for r in results), "files": files}


def render_validation(results: list[FileValidation],
                      failures: list[tuple[Path, InputError]]) -> None:
    """Print a table of diagnostics per file and a summary line."""
    from rich.table import Table

    out = console.out()
    for result in results:
        shown = str(result.path)
        if result.map_path is not None and result.map_path != result.path:
            shown += f" → {result.map_path}"
        elif result.location is not None and result.location.kind == "inline":
            shown += " → inline map"
        errors = sum(item.is_error for item in result.diagnostics)
        status = "[green]valid[/green]" if result.valid else f"[red]{errors} error(s)[/red]"
        out.print(f"[bold]{_escape(shown)}[/bold]: {status}", soft_wrap=True)
        if result.diagnostics:
            table = Table(show_header=True, header_style="bold", box=None, padding=(0, 2))
            for column in ("severity", "code", "where", "message"):
                table.add_column(column, overflow="fold")
            for item in result.diagnostics:
                style = "red" if item.is_error else "yellow"
                table.add_row(f"[{style}]{item.severity}[/{style}]", item.code,
                              _escape(_where(item)), _escape(item.message))
            out.print(table)
    for _path, error in failures:
        console.error(f"{error}")
    valid = sum(result.valid for result in results)
    out.print(f"{valid} of {len(results) + len(failures)} file(s) valid", markup=False)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
