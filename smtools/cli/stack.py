"""``smtools stack``: de-minify a whole stack trace, log or Sentry event offline."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from smtools.cli import console
from smtools.cli.options import json_option
from smtools.errors import InputError, UsageError

if TYPE_CHECKING:
    from smtools.stack.output import OutputLine
    from smtools.stack.run import StackResult

CONTEXT_LINES = 3


@click.command()
@click.argument("input_file", metavar="[FILE|-]", default="-", required=False)
@click.option("--maps", "maps", multiple=True, metavar="DIR",
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Build output with the bundles and maps (repeatable). Frame URLs are matched "
                   "by longest path suffix against the files under it.")
@click.option("--map-url", "map_urls", multiple=True, metavar="PREFIX=DIR",
              help="Explicit rule: frame URLs starting with PREFIX are files under DIR "
                   "(repeatable; tried before suffix matching).")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "event"]),
              default=None, help="text (default): the input re-written; json: structured frames; "
                                 "event: the Sentry event/envelope symbolicated as Sentry would.")
@json_option
@click.option("-v", "--verbose", is_flag=True, help="Show original source lines around each frame.")
@click.option("--strict", is_flag=True,
              help="Exit 1 when any frame with a location stays unresolved.")
def stack(input_file: str, maps: tuple[Path, ...], map_urls: tuple[str, ...],
          output_format: str | None, as_json: bool, verbose: bool, strict: bool) -> int:
    """De-minify a stack trace, a log with traces in it, or a Sentry event.

    Reads FILE (or stdin with - or no FILE): a V8/Chromium/Electron/Node,
    Firefox or Safari trace, any log containing one, a Sentry event JSON,
    a store payload or an envelope. Frames are rewritten with the original
    source:line:col and function name; frames that cannot be resolved stay
    as they were, with the reason. Exit status 1 when no frame is found,
    or when frames were found but none could be resolved (usually a wrong
    --maps folder); with --strict, when any frame stays unresolved. A
    webpack bootstrap frame in unmapped code is normal and does not fail.

    \b
    Example:
      smtools stack crash.txt --maps dist/electron
      smtools stack event.json --maps build/ --format event > symbolicated.json
      pbpaste | smtools stack - --map-url app:///dist/electron=release/dist/electron -v
    """
    from smtools.stack.locate import parse_rule
    from smtools.stack.run import symbolicate_input

    if as_json and output_format not in (None, "json"):
        raise UsageError("--json and --format event cannot be combined")
    output_format = "json" if as_json else output_format or "text"
    if not maps and not map_urls:
        raise UsageError("give --maps DIR (the build output) or --map-url PREFIX=DIR")
    rules = [parse_rule(rule) for rule in map_urls]
    result = symbolicate_input(_read_input(input_file), maps, rules)
    if output_format == "event":
        _write_event(result)
    elif output_format == "json":
        from smtools.stack.output import to_json

        console.emit_json(to_json(result, CONTEXT_LINES if verbose else 0))
    else:
        _render_text(result, verbose)
    return _exit_status(result, quiet=output_format != "text", strict=strict)


def _read_input(name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(name).read_bytes()
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except OSError as error:
        raise InputError(f"{name}: cannot read ({error.strerror})") from None


def _write_event(result: StackResult) -> None:
    from smtools.stack.output import write_event

    if result.event_input is None:
        raise UsageError("--format event needs a sentry event, store payload or envelope as input")
    sys.stdout.buffer.write(write_event(result))
    sys.stdout.flush()


def _render_text(result: StackResult, verbose: bool) -> None:
    from rich.text import Text

    out = console.out()
    for line in _lines(result):
        resolution = line.resolution
        if resolution is None:
            out.print(Text(line.text), soft_wrap=True)
        elif resolution.resolved:
            out.print(Text(line.text, style="bold"), soft_wrap=True)
            if verbose:
                _render_context(line)
        elif resolution.status == "skipped":
            out.print(Text(line.text, style="dim"), soft_wrap=True)
        else:
            text = Text(line.text)
            text.append(f"  [unresolved: {resolution.reason}]", style="yellow")
            out.print(text, soft_wrap=True)


def _lines(result: StackResult) -> list[OutputLine]:
    from smtools.stack.output import text_lines

    return text_lines(result)


def _render_context(line: OutputLine) -> None:
    from rich.text import Text

    from smtools.stack.output import context_lines_for

    assert line.resolution is not None
    context = context_lines_for(line.resolution, CONTEXT_LINES)
    if context is None:
        return
    width = len(str(context.start + len(context.lines)))
    for offset, source_line in enumerate(context.lines):
        marker = ">" if offset == context.focus else " "
        style = "" if offset == context.focus else "dim"
        number = str(context.start + offset + 1).rjust(width)
        console.out().print(Text(f"      {marker} {number} | {source_line}", style=style),
                            soft_wrap=True)


def _exit_status(result: StackResult, *, quiet: bool, strict: bool) -> int:
    resolutions = result.resolutions
    unresolved = sum(1 for r in resolutions if r.status == "unresolved")
    resolved = sum(1 for r in resolutions if r.resolved)
    if not resolutions:
        console.warning("no stack frames found in the input")
        return 1
    if not quiet or unresolved:
        maps = "map" if result.maps_decoded == 1 else "maps"
        console.info(f"{resolved} of {len(resolutions)} frames resolved, {unresolved} unresolved "
                     f"({result.maps_decoded} {maps} decoded)")
    if strict:
        return 1 if unresolved else 0
    return 1 if unresolved and not resolved else 0
