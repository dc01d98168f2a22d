"""Rendering of library results: rich for people, plain dicts for --json.

Library positions are 0-based; everything shown here is converted to the
user's convention with :func:`smtools.cli.options.from_zero_based`.
"""

from __future__ import annotations

from typing import Any

from smtools.cli import console
from smtools.cli.options import from_zero_based
from smtools.sourcemap.resolve import Resolution
from smtools.sourcemap.sourceview import index_to_utf16, utf16_to_index

_MARK = "__smtools_position__"


def _found_via(result: Resolution) -> str:
    location = result.location
    if location is None:
        return "given directly"
    how = {"comment": "sourceMappingURL comment", "inline": "inline data: URL",
           "sibling": "sibling file (no sourceMappingURL comment)"}.get(location.kind, location.kind)
    return how + (f"; {location.note}" if location.note and location.kind != "sibling" else "")


def resolution_json(result: Resolution, column_base: int) -> dict[str, Any]:
    """The --json form of a resolution (lines 1-based, columns in ``column_base``)."""
    line, column = from_zero_based(result.line, result.column, column_base=column_base)
    data: dict[str, Any] = {
        "generated": {"file": str(result.target), "line": line, "column": column},
        "map": str(result.map_path) if result.map_path else None,
        "found_via": result.location.kind if result.location else "map",
        "note": result.location.note if result.location else None,
        "original": None, "mapping": None, "reason": result.reason,
        "column_base": column_base,
    }
    if result.token is not None:
        token_line, token_column = from_zero_based(result.token.generated_line,
                                                   result.token.generated_column,
                                                   column_base=column_base)
        data["mapping"] = {"line": token_line, "column": token_column,
                           "on_earlier_line": result.on_earlier_line}
    if result.original is not None:
        o_line, o_column = from_zero_based(result.original.line, result.original.column,
                                           column_base=column_base)
        data["original"] = {"source": result.original.source, "line": o_line, "column": o_column,
                            "name": result.original.name}
        data["context"] = [{"line": n + 1, "text": text} for n, text in result.context]
        data["context_origin"] = result.context_origin
    return data


def render_resolution(result: Resolution, column_base: int) -> None:
    """Print a resolution for people."""
    from rich.text import Text

    out = console.out()
    line, column = from_zero_based(result.line, result.column, column_base=column_base)
    head = Text(f"{result.target}:{line}:{column}", style="bold")
    if result.original is not None:
        o_line, o_column = from_zero_based(result.original.line, result.original.column,
                                           column_base=column_base)
        head.append("  →  ")
        head.append(f"{result.original.source}:{o_line}:{o_column}", style="bold green")
        if result.original.name:
            head.append(f"  ({result.original.name})", style="cyan")
    else:
        head.append(f"  →  unmapped: {result.reason}", style="yellow")
    out.print(head, soft_wrap=True)
    out.print(f"  map: {result.map_path or 'inline'} (found via {_found_via(result)})",
              soft_wrap=True, markup=False)
    if result.on_earlier_line and result.token is not None:
        console.warning(f"no mapping on line {line}; the nearest is on generated line "
                        f"{result.token.generated_line + 1} (ECMA-426 lookup continues backwards)")
    if result.original is not None and result.context:
        out.print(f"  source context from {result.context_origin}:", markup=False)
        _print_context(result.context, result.original.line, result.original.column)
    elif result.generated_line_text is not None:
        reason = "no source context available" if result.original else "unmapped position"
        out.print(f"  {reason}; minified code around the position:", markup=False)
        _print_minified(result.generated_line_text, result.column)


def _print_context(lines: list[tuple[int, str]], target_line: int, column16: int) -> None:
    from rich.text import Text

    width = len(str(lines[-1][0] + 1))
    for number, text in lines:
        marker = ">" if number == target_line else " "
        row = Text(f"  {marker} {number + 1:>{width}} │ ", style="dim" if marker == " " else "bold")
        row.append(text, style="" if marker == " " else "bold")
        console.out().print(row, soft_wrap=True, highlight=False)
        if number == target_line:
            caret = " " * utf16_to_index(text, column16)
            console.out().print(Text(f"    {' ' * width} │ {caret}^", style="bold red"),
                                soft_wrap=True)


def _print_minified(line_text: str, column16: int, radius: int = 240) -> None:
    """Beautify the code around a position and mark the position in it."""
    import jsbeautifier

    exact = utf16_to_index(line_text, column16)
    index = _token_start(line_text, exact)
    label = f"column {column16 + 1}"
    if index != exact:
        label += f" (inside the token that starts at column {index_to_utf16(line_text, index) + 1})"
    start = max(0, index - radius)
    marker = f"/*{_MARK}*/"
    snippet = line_text[start:index] + marker + line_text[index:index + radius]
    options = jsbeautifier.default_options()
    options.indent_size = 2
    pending = False
    for text in jsbeautifier.beautify(snippet, options).splitlines() or [""]:
        where = text.find(marker)
        if where >= 0:
            left, right = text[:where].rstrip(" "), text[where + len(marker):].lstrip(" ")
            # The beautifier may leave the marker at a line end: mark the next line then.
            pending = not right.strip()
            text = f"{left} {right}" if left and right else left + right
            caret = len(left) + (1 if left and right else 0)
        elif pending and text.strip():
            caret, pending = len(text) - len(text.lstrip(" ")), False
        else:
            caret = -1
        console.out().print(f"    │ {text}", soft_wrap=True, highlight=False, markup=False)
        if caret >= 0 and not pending:
            console.out().print(f"    │ {' ' * caret}^ {label}", soft_wrap=True, style="bold red",
                                markup=False)


def _token_start(text: str, index: int) -> int:
    """Move back to the start of the identifier or number under ``index``.

    The marker comment must not split a token, or the beautifier would
    print it as two.
    """
    while 0 < index <= len(text) and (text[index - 1].isalnum() or text[index - 1] in "_$"):
        if index < len(text) and not (text[index].isalnum() or text[index] in "_$"):
            break
        index -= 1
    return index
