"""``smtools check``: the pre-release gate (webpack config audit + verification of the built maps)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from smtools.cli import console
from smtools.cli.options import from_zero_based

if TYPE_CHECKING:
    from smtools.webpack.check import CheckReport
    from smtools.webpack.findings import Finding

_GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}
_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


@click.command()
@click.argument("path", required=False, default=".", type=click.Path(path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "json", "github"]), default="text",
              show_default=True, help="Report style: rich text, JSON, or GitHub workflow annotations.")
@click.option("--strict", is_flag=True, help="Warnings fail the check too (exit 1).")
@click.option("--sample", type=click.IntRange(min=1), default=500, show_default=True,
              help="Name-bearing mappings checked per map.")
@click.option("--max-name-mismatch", type=click.FloatRange(0, 1), default=0.25, show_default=True,
              help="Share of sampled names allowed off their original position.")
@click.option("--list-rules", is_flag=True, help="Describe every rule and exit.")
def check(path: Path, output_format: str, strict: bool, sample: int, max_name_mismatch: float,
          list_rules: bool) -> int:
    """Audit webpack configs and verify the built source maps before a release.

    PATH is the project root, its dist/electron folder or one .js bundle
    (default: the current folder); the project is found by walking up to
    package.json or .electron-vue/.
    Configs are parsed, never run. Exit status: 0 clean (warnings allowed),
    1 errors (or warnings with --strict), 3 PATH unusable.

    \b
    Example:
      smtools check fixtures/electron-vue-sample/dist/electron
      smtools check . --format github --strict
      smtools check --list-rules
    """
    if list_rules:
        _list_rules(output_format)
        return 0
    from smtools.webpack.check import check as run_check
    from smtools.webpack.outputs import OutputOptions

    report = run_check(path, OutputOptions(sample=sample, threshold=max_name_mismatch))
    if output_format == "json":
        console.emit_json(_json(report, strict))
    elif output_format == "github":
        for line in _github(report):
            console.out().print(line, markup=False, highlight=False, soft_wrap=True)
        console.info(_summary(report, strict))
    else:
        _render(report, strict)
    return 1 if report.failed(strict=strict) else 0


def _shown(path: Path | None) -> str:
    if path is None:
        return "(project)"
    try:
        relative = os.path.relpath(path)
    except ValueError:      # another drive on Windows
        return str(path)
    return str(path) if relative.startswith("..") else relative


def _position(item: Finding) -> tuple[int | None, int | None]:
    if item.line is None:
        return None, None
    line, column = from_zero_based(item.line, item.column or 0)
    return line, column if item.column is not None else None


def _summary(report: CheckReport, strict: bool) -> str:
    verdict = "FAILED" if report.failed(strict=strict) else "passed"
    counts = f"{report.count('error')} error(s), {report.count('warning')} warning(s), " \
             f"{report.count('info')} note(s)"
    scope = f"{len(report.targets)} config target(s), {len(report.bundles)} bundle(s)"
    return f"check {verdict}: {counts} in {scope}" + (" (--strict)" if strict else "")


def _render(report: CheckReport, strict: bool) -> None:
    from rich.markup import escape

    out = console.out()
    project = report.project
    root = _shown(project.root) if project.root else "no project found"
    out.print(f"[bold]smtools check[/bold] {escape(_shown(project.path))} (project: {escape(root)})",
              soft_wrap=True)
    for target in report.targets:
        minifiers = ", ".join(target.minifiers) or "none"
        out.print(f"  config {escape(target.target)}: devtool {escape(target.devtool)}, mode {target.mode}, "
                  f"minifiers: {escape(minifiers)}", soft_wrap=True)
    for bundle in report.bundles:
        out.print("  " + escape(_bundle_line(bundle)), soft_wrap=True)
    for file, items in report.by_file().items():
        out.print(f"\n[bold]{escape(_shown(file))}[/bold]", soft_wrap=True)
        for item in items:
            line, column = _position(item)
            where = "" if line is None else f"{line}:{column}" if column is not None else f"{line}"
            out.print(f"  {where:>8}  [{_STYLE[item.severity]}]{item.severity:<7}[/] "
                      f"[bold]{item.rule}[/bold]  {escape(item.message)}", soft_wrap=True)
            out.print(f"  {'':>8}  {'':<7} fix: {escape(item.fix)}", soft_wrap=True, style="dim")
    style = "bold red" if report.failed(strict=strict) else "bold green"
    out.print(f"\n[{style}]{escape(_summary(report, strict))}[/]", soft_wrap=True)


def _bundle_line(bundle: Any) -> str:
    text = f"bundle {_shown(bundle.path)}: map {bundle.map_kind}"
    if bundle.map_path is not None:
        text += f" ({bundle.map_path.name})"
    if bundle.names is not None and bundle.names.checked:
        text += f", names {bundle.names.mismatched}/{bundle.names.checked} off ({bundle.names.ratio:.1%})"
    elif bundle.names is not None:
        text += ", names not checked (no name-bearing mappings with sourcesContent)"
    if bundle.throw_results:
        good = sum(result.ok for result in bundle.throw_results)
        text += f", throw sites {good}/{len(bundle.throw_results)} resolved"
    return text


def _finding_json(item: Finding) -> dict[str, Any]:
    line, column = _position(item)
    return {**item.to_json(), "file": None if item.file is None else _shown(item.file),
            "line": line, "column": column}


def _json(report: CheckReport, strict: bool) -> dict[str, Any]:
    """The --format json document (positions 1-based, paths relative to the current folder)."""
    project = report.project
    return {
        "path": _shown(project.path), "root": _shown(project.root) if project.root else None,
        "passed": not report.failed(strict=strict), "strict": strict,
        "summary": {"errors": report.count("error"), "warnings": report.count("warning"),
                    "infos": report.count("info")},
        "findings": [_finding_json(item) for items in report.by_file().values() for item in items],
        "targets": [{"file": _shown(t.file), "target": t.target, "devtool": t.devtool, "mode": t.mode,
                     "minifiers": list(t.minifiers)} for t in report.targets],
        "bundles": [_bundle_json(bundle) for bundle in report.bundles],
    }


def _bundle_json(bundle: Any) -> dict[str, Any]:
    names = bundle.names
    return {"file": _shown(bundle.path), "map": bundle.map_kind,
            "map_file": _shown(bundle.map_path) if bundle.map_path else None,
            "names_checked": names.checked if names else 0,
            "names_mismatched": names.mismatched if names else 0,
            "throw_sites": [{"id": r.site.id, "ok": r.ok, "trace": _shown(r.trace.file)}
                            for r in bundle.throw_results]}


def _escape_data(text: str) -> str:
    # GitHub workflow commands: message data escapes %, CR, LF; properties also : and ,.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _github(report: CheckReport) -> list[str]:
    """One ``::error file=...,line=...,title=...::message`` workflow command per finding."""
    lines = []
    for items in report.by_file().values():
        for item in items:
            properties = []
            if item.file is not None:
                properties.append(f"file={_escape_property(_shown(item.file))}")
            line, column = _position(item)
            if line is not None:
                properties.append(f"line={line}")
            if column is not None:
                properties.append(f"col={column}")
            properties.append(f"title={_escape_property(item.rule)}")
            message = _escape_data(f"{item.message} (fix: {item.fix})")
            lines.append(f"::{_GITHUB_LEVEL[item.severity]} {','.join(properties)}::{message}")
    return lines


def _list_rules(output_format: str) -> None:
    from smtools.webpack.findings import RULES

    if output_format == "json":
        console.emit_json([{"id": r.id, "severity": r.severity, "half": r.half, "ref": r.ref, "what": r.what,
                            "why": r.why, "fix": r.fix} for r in RULES.values()])
        return
    from rich.markup import escape

    out = console.out()
    for rule in RULES.values():
        out.print(f"[bold]{rule.id}[/bold]  [{_STYLE[rule.severity]}]{rule.severity}[/]  "
                  f"({rule.half}, {rule.ref})", soft_wrap=True)
        for label, text in (("what", rule.what), ("why", rule.why), ("fix", rule.fix)):
            out.print(f"    {label}: {escape(text)}", soft_wrap=True)
