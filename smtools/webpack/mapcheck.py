"""Is a well-formed map also *right*? Checks that need the map, the bundle and the sources together.

* :func:`name_check` samples name-bearing mappings and looks, in ``sourcesContent``,
  for the mapped name at the original position - the check of ben-ng's
  sourcemap-validator (the name, or the name in quotes for quoted keys).
* :func:`line_only` recognises maps without column information (``cheap-*``).
* :func:`out_of_range` finds mappings past the end of the bundle (a stale map).
* :func:`source_path` normalises ``sources`` entries to project-relative paths.

All positions are 0-based; columns are UTF-16 code units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import compress
from pathlib import Path

from smtools.sourcemap import SourceMap, SourceView, utf16_to_index
from smtools.sourcemap.mappings import HAS_NAME, HAS_ORIGINAL
from smtools.sourcemap.sourceview import utf16_length

DEFAULT_SAMPLE = 500
# Measured on the fixture (tests/webpack/test_mapcheck.py): the good webpack 4 + babel-minify
# build mismatches 5/83 name-bearing mappings in main.js (6.0%: babel-minify hoists globals
# such as Math/process and maps the alias to the later use) and 1/159 in renderer.js (0.6%).
# See that test for the cheap-module-source-map figures. 25% sits well above the noise.
DEFAULT_THRESHOLD = 0.25
_WEBPACK_PREFIX = re.compile(r"^webpack://[^/]*/")
_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


@dataclass(frozen=True)
class NameCheck:
    """Outcome of the name sampling: how many checked, how many wrong, and the first wrong one."""

    candidates: int          # name-bearing mappings with source content
    checked: int
    mismatched: int
    example: str | None      # "main.js:1:6990 -> src/main/dose.js:15:21 'Math'" (1-based, for messages)

    @property
    def ratio(self) -> float:
        return self.mismatched / self.checked if self.checked else 0.0


def name_check(source_map: SourceMap, *, sample: int = DEFAULT_SAMPLE, bundle: str = "") -> NameCheck:
    """Check a deterministic sample of at most ``sample`` name-bearing mappings.

    Every k-th name-bearing mapping (k = count // sample, at least 1) whose
    source has ``sourcesContent`` is checked: the original line must contain the
    name (or ``'name'``/``"name"``) starting at the original column.
    """
    decoded = source_map.decoded
    flags, sources = decoded.flags, decoded.sources
    wanted = HAS_NAME | HAS_ORIGINAL
    # map/compress rather than comprehensions: a 43 MB map has 1.7 M mappings.
    indices = list(compress(range(len(flags)), map(wanted.__eq__, map(wanted.__and__, flags))))
    views: dict[int, SourceView | None] = {}
    with_content = {source for source in set(map(sources.__getitem__, indices))
                    if _view(source_map, source, views) is not None}
    usable = list(compress(indices, map(with_content.__contains__, map(sources.__getitem__, indices))))
    step = max(1, len(usable) // max(sample, 1))
    chosen = usable[::step][:sample]
    mismatched, example = 0, None
    for index in chosen:
        token = source_map.token_at(index)
        view = views[decoded.sources[index]]
        assert view is not None and token.name is not None and token.original_line is not None
        line = view.line(token.original_line)
        if line is not None and _name_at(line, token.original_column or 0, token.name):
            continue
        mismatched += 1
        if example is None:
            example = (f"{bundle}:{token.generated_line + 1}:{token.generated_column + 1} -> "
                       f"{source_path(token.source or '')}:{token.original_line + 1}:"
                       f"{(token.original_column or 0) + 1} {token.name!r}")
    return NameCheck(len(usable), len(chosen), mismatched, example)


def _view(source_map: SourceMap, source_index: int, views: dict[int, SourceView | None]) -> SourceView | None:
    if source_index not in views:
        content = source_map.sources_content[source_index] \
            if source_index < len(source_map.sources_content) else None
        views[source_index] = SourceView(content) if isinstance(content, str) else None
    return views[source_index]


def _name_at(line: str, column: int, name: str) -> bool:
    start = utf16_to_index(line, column)
    return any(line.startswith(candidate, start) for candidate in (name, f"'{name}'", f'"{name}"'))


def line_only(source_map: SourceMap) -> bool:
    """True when the map has mappings but none with an original column other than 0."""
    decoded = source_map.decoded
    seen = False
    for flag, column in zip(decoded.flags, decoded.original_columns, strict=True):
        if flag & HAS_ORIGINAL:
            if column:
                return False
            seen = True
    return seen


def out_of_range(source_map: SourceMap, bundle: SourceView) -> tuple[int, int] | None:
    """The first mapping (0-based line, UTF-16 column) past the end of the bundle, or None."""
    decoded = source_map.decoded
    offsets = decoded.line_offsets
    for line in range(len(offsets) - 1):
        first, end = offsets[line], offsets[line + 1]
        if first == end:
            continue
        text = bundle.line(line)
        if text is None:
            return line, decoded.columns[first]
        last = decoded.columns[end - 1]
        # A mapping may sit at the very end of a line (column == length): some tools map EOL.
        if last > utf16_length(text):
            return line, last
    return None


def source_path(source: str) -> str:
    """A ``sources`` entry as a project-relative path: webpack prefixes, ``./`` and ``?query`` removed."""
    path = _WEBPACK_PREFIX.sub("", source)
    if path.startswith("file://"):
        path = path[len("file://"):]
    path = path.split("?", 1)[0]
    while path.startswith("./"):
        path = path[2:]
    return path


def is_absolute(path: str) -> bool:
    """Whether a normalised source path is an absolute build-machine path."""
    return path.startswith("/") or bool(_DRIVE.match(path))


def is_own_source(path: str, root: Path | None) -> bool:
    """Whether a normalised source path looks like one of the project's own files.

    Never: webpack's runtime (``webpack/bootstrap``, ``(webpack)/...``), externals,
    ``node_modules``. Yes: a file that exists under the project root (or up to two
    folders above it, for builds nested in a project). Otherwise a path with a folder
    (``src/main/index.js``); a bare file name such as ``main.js`` is what a cheap map
    over minified code names - the bundle itself.
    """
    if not path or "node_modules/" in path or path.startswith(("webpack/", "(webpack)", "external ")):
        return False
    if root is not None and not is_absolute(path):
        for base in [root, *root.parents][:3]:
            try:
                if (base / path).is_file():
                    return True
            except (OSError, ValueError):
                continue
    return "/" in path.strip("/")
