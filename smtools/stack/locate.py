"""Match a frame's URL to a local bundle or map under the ``--maps`` directories.

Order of the rules (first hit wins):

1. debug ID: when the event's ``debug_meta.images`` names the frame's URL, the
   file carrying that debug ID (``//# debugId=`` in a bundle's last lines, else
   ``debugId``/``debug_id`` in a map) — exactly how Sentry's artifact-bundle lookup
   prefers debug IDs over names;
2. ``--map-url PREFIX=DIR`` rules, longest prefix first: the rest of the URL is a
   path under DIR (the bundle, else ``<bundle>.map``);
3. the longest path suffix: the URL is reduced to path segments (scheme, host,
   query and fragment dropped, ``%xx`` decoded, ``\\`` read as ``/``) and compared
   from the end with the path of every file under the ``--maps`` directories,
   relative to that directory. The file sharing the most trailing segments wins;
   on a tie, the file whose whole relative path matched, then the shorter relative
   path, then the earlier ``--maps`` directory, then the name. When no bundle
   matches, ``<basename>.map`` is tried the same way (maps without bundles). A
   case-insensitive pass runs last (URLs from Windows often differ in case).

So ``app:///dist/electron/renderer.js``, ``file:///C:/Program%20Files/App/
resources/app.asar/dist/electron/renderer.js``, ``~/dist/electron/renderer.js``,
``C:\\App\\resources\\app.asar\\dist\\electron\\renderer.js`` and
``https://cdn/x/dist/electron/renderer.js`` all find ``dist/electron/renderer.js``.
Runtime frames (``node:internal/...``, ``internal/...``, ``electron/js2c/...``)
are never looked up. Directories named ``node_modules`` or starting with ``.`` are
not indexed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from smtools.errors import InputError, UsageError

BY_DEBUG_ID = "debug-id"
BY_RULE = "map-url"
BY_URL = "url"

_SCHEME = re.compile(r"^(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*):(?P<rest>.*)$", re.DOTALL)
_DRIVE = re.compile(r"^[a-zA-Z]:[\\/]")
_RUNTIME_PREFIXES = ("node:", "internal/", "electron/js2c/", "native", "<anonymous>",
                     "[native code]", "chrome-extension:", "extensions::")
_DEBUG_ID_COMMENT = re.compile(rb"//# debugId=([0-9a-fA-F-]{32,36})")
_MAP_DEBUG_ID = re.compile(rb'"debug_?[iI]d"\s*:\s*"([0-9a-fA-F-]{32,36})"')
_BUNDLE_SUFFIXES = (".js", ".cjs", ".mjs", ".jsbundle", ".bundle")
_TAIL_BYTES = 4096


@dataclass(frozen=True)
class UrlRule:
    """``--map-url PREFIX=DIR``: URLs starting with ``prefix`` live under ``directory``."""

    prefix: str
    directory: Path


@dataclass(frozen=True)
class Match:
    """A local file found for a frame URL; ``matched_by`` is debug-id, map-url or url."""

    path: Path
    matched_by: str


def parse_rule(text: str) -> UrlRule:
    """Parse ``PREFIX=DIR`` (split at the last ``=``).

    Raises:
        UsageError: no ``=`` or an empty prefix.
        InputError: DIR is not a directory.
    """
    prefix, sep, directory = text.rpartition("=")
    if not sep or not prefix:
        raise UsageError(f"bad --map-url {text!r}: expected PREFIX=DIR, "
                         "e.g. app:///dist/electron=build/dist/electron")
    path = Path(directory or ".")
    if not path.is_dir():
        raise InputError(f"--map-url directory not found: {path}")
    return UrlRule(prefix, path)


def is_runtime_url(url: str) -> bool:
    """True for frames inside the JS runtime (Node/Electron internals, native code)."""
    return url.startswith(_RUNTIME_PREFIXES)


def url_segments(url: str) -> list[str]:
    """Reduce a frame URL or path to its path segments (see the module docstring)."""
    text = url.strip()
    if text.startswith("~/"):
        path = text[1:]
    elif (match := _SCHEME.match(text)) and not _DRIVE.match(text):
        rest = re.split(r"[?#]", match["rest"], maxsplit=1)[0]
        if rest.startswith("//"):
            rest = rest[2:]
            rest = rest[rest.find("/"):] if "/" in rest else ""
        path = unquote(rest)
    else:
        path = text
    segments: list[str] = []
    for segment in path.replace("\\", "/").split("/"):
        if segment == "..":
            segments = segments[:-1]
        elif segment not in ("", "."):
            segments.append(segment)
    return segments


class FileIndex:
    """Every file under the ``--maps`` directories, indexed by base name.

    Built once per run; debug IDs are read only when first asked for.
    """

    def __init__(self, roots: Sequence[Path] = (), rules: Sequence[UrlRule] = ()) -> None:
        self.roots = [Path(root) for root in roots]
        self.rules = sorted(rules, key=lambda rule: -len(rule.prefix))
        self._by_name: dict[str, list[tuple[tuple[str, ...], int, Path]]] = {}
        self._by_folded: dict[str, list[tuple[tuple[str, ...], int, Path]]] = {}
        self._debug_ids: dict[str, Path] | None = None
        for order, root in enumerate(self.roots):
            if not root.is_dir():
                raise InputError(f"--maps directory not found: {root}")
            for path in _walk(root):
                relative = tuple(path.relative_to(root).parts)
                self._by_name.setdefault(relative[-1], []).append((relative, order, path))
                self._by_folded.setdefault(relative[-1].lower(), []).append(
                    (tuple(p.lower() for p in relative), order, path))

    def __len__(self) -> int:
        return sum(len(entries) for entries in self._by_name.values())

    def find(self, url: str, debug_id: str | None = None) -> Match | None:
        """The local file for ``url`` (see the module docstring for the order)."""
        if debug_id:
            path = self.find_debug_id(debug_id)
            if path is not None:
                return Match(path, BY_DEBUG_ID)
        for rule in self.rules:
            path = _apply_rule(rule, url)
            if path is not None:
                return Match(path, BY_RULE)
        path = self._find_suffix(url_segments(url))
        return Match(path, BY_URL) if path is not None else None

    def find_source(self, source: str) -> Path | None:
        """A local copy of an original source named in a map (``webpack:///./src/a.js``).

        Only a file whose relative path ends with *every* segment of ``source`` counts,
        so that a map without ``sourcesContent`` never shows the wrong file.
        """
        wanted = url_segments(source)
        for _, _, path in self._by_name.get(wanted[-1] if wanted else "", ()):
            # the whole path counts here: --maps src/ still finds webpack:///./src/a.js
            if path.suffix != ".map" and _shared_suffix(path.resolve().parts, wanted) == len(wanted):
                return path
        return None

    def _find_suffix(self, segments: list[str]) -> Path | None:
        if not segments:
            return None
        map_segments = [*segments[:-1], segments[-1] + ".map"]
        folded = [s.lower() for s in segments]
        folded_map = [s.lower() for s in map_segments]
        for table, wanted in ((self._by_name, segments), (self._by_name, map_segments),
                              (self._by_folded, folded), (self._by_folded, folded_map)):
            best = _best_suffix(table.get(wanted[-1], ()), wanted)
            if best is not None:
                return best
        return None

    def find_debug_id(self, debug_id: str) -> Path | None:
        """The bundle (else the map) that carries ``debug_id``, or None."""
        if self._debug_ids is None:
            self._debug_ids = self._scan_debug_ids()
        return self._debug_ids.get(debug_id.lower())

    def _scan_debug_ids(self) -> dict[str, Path]:
        found: dict[str, Path] = {}
        entries = sorted((order, rel, path) for group in self._by_name.values()
                         for rel, order, path in group)
        for suffixes, reader in ((_BUNDLE_SUFFIXES, _bundle_debug_id), ((".map",), _map_debug_id)):
            for _, _, path in entries:
                if path.suffix in suffixes:
                    found_id = reader(path)
                    if found_id is not None:
                        found.setdefault(found_id.lower(), path)
        return found


def _best_suffix(candidates: Iterable[tuple[tuple[str, ...], int, Path]],
                 wanted: list[str]) -> Path | None:
    scored = []
    for relative, order, path in candidates:
        shared = _shared_suffix(relative, wanted)
        if shared:
            scored.append((-shared, shared != len(relative), len(relative), order, str(path), path))
    return min(scored)[-1] if scored else None


def _shared_suffix(left: Sequence[str], right: Sequence[str]) -> int:
    count = 0
    for a, b in zip(reversed(left), reversed(right), strict=False):
        if a != b:
            break
        count += 1
    return count


def _apply_rule(rule: UrlRule, url: str) -> Path | None:
    for candidate in (url, unquote(url)):
        if candidate.startswith(rule.prefix):
            rest = re.split(r"[?#]", candidate[len(rule.prefix):], maxsplit=1)[0]
            rest = unquote(rest).replace("\\", "/").lstrip("/")
            for name in (rest, rest + ".map"):
                path = rule.directory / name
                if rest and path.is_file():
                    return path
    return None


def _walk(root: Path) -> Iterable[Path]:
    for directory, subdirs, files in os.walk(root, followlinks=True):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith(".") and d != "node_modules")
        for name in sorted(files):
            yield Path(directory) / name


def _bundle_debug_id(path: Path) -> str | None:
    # symbolic's discover_debug_id: the last `//# debugId=` comment of the file.
    with open(path, "rb") as handle:
        handle.seek(0, os.SEEK_END)
        handle.seek(max(handle.tell() - _TAIL_BYTES, 0))
        ids = _DEBUG_ID_COMMENT.findall(handle.read())
    return ids[-1].decode() if ids else None


def _map_debug_id(path: Path) -> str | None:
    match = _MAP_DEBUG_ID.search(path.read_bytes())
    return match.group(1).decode() if match else None
