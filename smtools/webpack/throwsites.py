"""End-to-end check: documented throw sites, captured V8 traces, and the map that must connect them.

Convention (the fixture's): ``throw-sites.json`` at the project root lists crash
sites with their original ``source`` and 1-based ``line``/``column``; ``traces/``
holds stack traces captured from the built bundles, indexed by
``traces/index.json`` (``{"traces": [{"file", "build", "crash", "bundle"}]}``,
``build`` being the project folder of the build relative to the
throw-sites folder). Without an index, ``traces/*<id>*.txt`` are used for the
root build. The throw-sites file is looked for at the root and up to two folders
above it, so a variant build inside the project (``variants/<name>``) finds it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from smtools.sourcemap import SourceMap
from smtools.webpack.mapcheck import source_path

# V8 frame: "    at fn (location:L:C)" or "    at location:L:C" (1-based line and column).
_V8_FRAME = re.compile(r"^\s*at (?:.*? \()?(?P<url>[^()\s][^()]*?):(?P<line>\d+):(?P<column>\d+)\)?\s*$")


@dataclass(frozen=True)
class ThrowSite:
    """A documented crash position: original source path, 0-based line and column.

    ``precision`` is ``"column"`` when the map must give the exact column, ``"line"``
    when only the line is reliable (vue-loader 15 maps ``.vue`` script blocks by line).
    """

    id: str
    bundle: str
    source: str
    line: int
    column: int
    precision: str = "line"


@dataclass(frozen=True)
class Trace:
    """The top frame into ``bundle`` of one captured trace (0-based line and UTF-16 column)."""

    file: Path
    crash: str
    bundle: str
    line: int
    column: int


@dataclass(frozen=True)
class ThrowResult:
    """How one captured frame resolved against the map."""

    site: ThrowSite
    trace: Trace
    source: str | None       # normalised resolved source, None when unmapped
    line: int | None         # 0-based resolved line
    column: int | None       # 0-based resolved column

    @property
    def ok(self) -> bool:
        exact = self.site.precision != "column" or self.column == self.site.column
        return self.source == self.site.source and self.line == self.site.line and exact


def find_sites(root: Path | None) -> tuple[Path | None, list[ThrowSite]]:
    """The folder holding ``throw-sites.json`` (root or up to two above) and its sites."""
    if root is None:
        return None, []
    for folder in [root, *root.parents][:3]:
        path = folder / "throw-sites.json"
        if path.is_file():
            return folder, _read_sites(path)
    return None, []


def _read_sites(path: Path) -> list[ThrowSite]:
    data = _json(path)
    sites = []
    for item in data if isinstance(data, list) else []:
        try:
            sites.append(ThrowSite(str(item["id"]), str(item["bundle"]), str(item["source"]),
                                   int(item["line"]) - 1, int(item.get("column", 1)) - 1,
                                   str(item.get("precision", "line"))))
        except (KeyError, TypeError, ValueError):
            continue
    return sites


def _json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def find_traces(sites_dir: Path, root: Path, bundle: str) -> list[Trace]:
    """The captured traces of the build in ``root`` that have a frame into ``bundle``."""
    traces_dir = sites_dir / "traces"
    index = _json(traces_dir / "index.json")
    entries: list[tuple[Path, str]] = []
    if isinstance(index, dict) and isinstance(index.get("traces"), list):
        for entry in index["traces"]:
            if not isinstance(entry, dict) or entry.get("bundle") != bundle:
                continue
            build = (sites_dir / str(entry.get("build", "."))).resolve()
            if build == root.resolve() and isinstance(entry.get("file"), str):
                entries.append((traces_dir / entry["file"], str(entry.get("crash", ""))))
    elif sites_dir.resolve() == root.resolve() and traces_dir.is_dir():
        entries = [(path, "") for path in sorted(traces_dir.glob("*.txt"))]
    found = []
    for path, crash in entries:
        frame = top_frame(path, bundle)
        if frame is not None:
            found.append(Trace(path, crash, bundle, frame[0], frame[1]))
    return found


def top_frame(path: Path, bundle: str) -> tuple[int, int] | None:
    """The first V8 frame of a trace file that points into ``bundle`` (0-based line, column)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    for line in text.splitlines():
        match = _V8_FRAME.match(line)
        if match is None:
            continue
        name = match["url"].split("?", 1)[0].replace("\\", "/").rsplit("/", 1)[-1]
        if name == bundle:
            return int(match["line"]) - 1, int(match["column"]) - 1
    return None


def check(sites: list[ThrowSite], traces: list[Trace], source_map: SourceMap) -> list[ThrowResult]:
    """Resolve each trace's frame with the map and pair it with its documented site."""
    results = []
    for trace in traces:
        site = _site_for(sites, trace)
        if site is None:
            continue
        position = source_map.original_position_for(trace.line, trace.column)
        if position is None or position.source is None:
            results.append(ThrowResult(site, trace, None, None, None))
        else:
            results.append(ThrowResult(site, trace, source_path(position.source), position.line,
                                       position.column))
    return results


def _site_for(sites: list[ThrowSite], trace: Trace) -> ThrowSite | None:
    for site in sites:
        if site.bundle == trace.bundle and (site.id == trace.crash or
                                            (not trace.crash and site.id in trace.file.name)):
            return site
    return None
