"""Finding bundles and their maps, and naming them the way sentry-cli does.

Naming (sentry-cli 2.58 ``sourcemaps/upload.rs``, sentry-api.md §3.4): an artifact is
called ``{url_prefix}/{path relative to PATH}``; the prefix defaults to ``~`` and loses one
trailing ``/`` (``~/`` → ``~``, ``app:///`` → ``app://``). A file given directly is named
relative to its parent. ``~/`` matches frames on any scheme and host (§3.5).

Linking: a bundle carries a ``Sourcemap`` header with its ``sourceMappingURL`` as written
(or the sibling map's file name for ``hidden-source-map`` builds), and both files carry a
``debug-id`` header when the bundle or the map has a debug ID (§5).
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from smtools.errors import InputError, UsageError

BUNDLE_EXTENSIONS = (".js", ".mjs", ".cjs")
ALWAYS_SKIPPED_DIRS = ("node_modules",)
MINIFIED_SOURCE = "minified_source"
SOURCE_MAP = "source_map"
DEFAULT_IGNORE_FILE = ".sentrycliignore"


@dataclass(frozen=True)
class Artifact:
    """One file to upload: its bytes as sent, its artifact URL and headers."""

    path: Path
    url: str
    type: str
    content: bytes = field(repr=False)
    headers: dict[str, str]
    debug_id: str | None = None

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def sha1(self) -> str:
        return hashlib.sha1(self.content).hexdigest()

    @property
    def content_type(self) -> str:
        return "application/json" if self.type == SOURCE_MAP else "application/javascript"


@dataclass(frozen=True)
class Problem:
    """Something wrong with a file; ``fatal`` problems block the upload unless --no-validate."""

    path: Path
    message: str
    fatal: bool = True


@dataclass
class Discovery:
    """What :func:`discover` found: the artifacts, and the files it left out and why."""

    artifacts: list[Artifact] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    maps: dict[Path, Path] = field(default_factory=dict)  # bundle path -> map path
    inline_maps: dict[Path, str] = field(default_factory=dict)  # bundle path -> data: URL

    @property
    def total_bytes(self) -> int:
        return sum(a.size for a in self.artifacts)


@dataclass(frozen=True)
class NamingOptions:
    """How artifacts are named and rewritten (``--url-prefix``, ``--url-suffix``, ``--strip-prefix``)."""

    url_prefix: str = "~"
    url_suffix: str = ""
    strip_prefixes: tuple[str, ...] = ()


def discover(paths: Sequence[Path], *, naming: NamingOptions = NamingOptions(),
             ignore: Sequence[str] = (), ignore_file: Path | None = None) -> Discovery:
    """Find ``.js``/``.mjs``/``.cjs`` bundles under ``paths`` and the maps they point to.

    ``node_modules`` is always skipped; ``ignore`` globs and the lines of ``ignore_file``
    use gitignore syntax, matched against paths relative to each PATH.

    Raises:
        InputError: a PATH or the ignore file does not exist.
        UsageError: two files would get the same artifact name.
    """
    spec = _ignore_spec(ignore, ignore_file)
    paths = [Path(os.path.abspath(root)) for root in paths]
    found = Discovery()
    seen_maps: set[Path] = set()
    for root in paths:
        for path, base in _bundle_files(root, spec, found):
            _add_bundle(path, base, naming, found, seen_maps)
    _skip_orphan_maps(paths, spec, seen_maps, found)
    _check_unique(found.artifacts)
    return found


def artifact_url(relative: str, prefix: str, suffix: str = "") -> str:
    """``{prefix}/{relative}{suffix}`` with one trailing ``/`` of the prefix dropped."""
    prefix = prefix.removesuffix("/")
    return f"{prefix}/{relative.lstrip('/')}{suffix}"


def _ignore_spec(ignore: Sequence[str], ignore_file: Path | None) -> Any:
    import pathspec

    lines = list(ignore)
    if ignore_file is not None:
        try:
            lines.extend(ignore_file.read_text(encoding="utf-8").splitlines())
        except OSError as error:
            raise InputError(f"cannot read ignore file {ignore_file}: {error.strerror}") from None
    return pathspec.GitIgnoreSpec.from_lines(lines)


def _bundle_files(root: Path, spec: Any, found: Discovery) -> list[tuple[Path, Path]]:
    if root.is_file():
        return [(root, root.parent)]
    if not root.is_dir():
        raise InputError(f"no such file or directory: {root}")
    files: list[tuple[Path, Path]] = []
    for path in _walk(root, spec):
        if path.suffix in BUNDLE_EXTENSIONS:
            files.append((path, root))
    return sorted(files)


def _walk(root: Path, spec: Any) -> list[Path]:
    """Every file under ``root``, symlinks followed once, ignored and ``node_modules`` pruned."""
    result: list[Path] = []
    visited: set[str] = set()
    for current, dirs, names in os.walk(root, followlinks=True):
        real = os.path.realpath(current)
        if real in visited:
            dirs[:] = []
            continue
        visited.add(real)
        relative_dir = Path(current).relative_to(root).as_posix()
        relative_dir = "" if relative_dir == "." else relative_dir + "/"
        dirs[:] = sorted(d for d in dirs if d not in ALWAYS_SKIPPED_DIRS
                         and not spec.match_file(relative_dir + d + "/"))
        result.extend(Path(current) / n for n in sorted(names)
                      if not spec.match_file(relative_dir + n))
    return result


def _add_bundle(path: Path, base: Path, naming: NamingOptions, found: Discovery,
                seen_maps: set[Path]) -> None:
    from smtools.sourcemap import find_debug_id, locate_map

    content = _read(path)
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        found.skipped.append((path, "not utf-8 text (sentry needs utf-8 sources)"))
        return
    url = artifact_url(_relative(path, base), naming.url_prefix, naming.url_suffix)
    location = locate_map(path, text)
    bundle_id = find_debug_id(text)
    map_artifact = None
    headers: dict[str, str] = {}
    if location.kind in ("comment", "sibling") and location.path is not None and location.exists:
        map_path = Path(os.path.normpath(location.path))
        reference = location.url if location.kind == "comment" else map_path.name
        assert reference is not None
        headers["Sourcemap"] = reference
        map_artifact = _map_artifact(map_path, url, reference, base, naming, bundle_id)
        found.maps[path] = map_path
    elif location.kind == "inline" and location.url is not None:
        found.inline_maps[path] = location.url  # shipped inside the bundle; validated too
    elif location.kind == "comment":
        found.problems.append(Problem(path, f"{path.name} points to a source map that does not "
                                      f"exist: {location.url}" + _note(location.note)))
    elif location.kind == "none":
        found.problems.append(Problem(path, f"{path.name} has no source map"
                                      + _note(location.note), fatal=False))
    debug_id = bundle_id or (map_artifact.debug_id if map_artifact else None)
    if debug_id:
        headers["debug-id"] = debug_id
    found.artifacts.append(Artifact(path, url, MINIFIED_SOURCE, content, headers, debug_id))
    if map_artifact is not None:
        _check_debug_ids(path, bundle_id, map_artifact, found)
        if map_artifact.path not in seen_maps:
            seen_maps.add(map_artifact.path)
            found.artifacts.append(map_artifact)


def _map_artifact(map_path: Path, bundle_url: str, reference: str, base: Path,
                  naming: NamingOptions, bundle_id: str | None) -> Artifact:
    content = _read(map_path)
    own_id = _map_debug_id(content)
    if naming.strip_prefixes:
        content = strip_source_prefixes(content, naming.strip_prefixes)
    if _is_under(map_path, base):
        url = artifact_url(_relative(map_path, base), naming.url_prefix, naming.url_suffix)
    else:
        url = _resolve_reference(bundle_url, reference)
    debug_id = own_id or bundle_id
    headers = {"debug-id": debug_id} if debug_id else {}
    return Artifact(map_path, url, SOURCE_MAP, content, headers, debug_id)


def _check_debug_ids(path: Path, bundle_id: str | None, map_artifact: Artifact,
                     found: Discovery) -> None:
    own = _map_debug_id(map_artifact.content)
    if bundle_id and own and bundle_id.lower() != own.lower():
        found.problems.append(Problem(path, f"{path.name} has debug id {bundle_id} but its map "
                                      f"{map_artifact.path.name} has {own}", fatal=False))


def _map_debug_id(content: bytes) -> str | None:
    """``debug_id`` (sentry-cli 2.x) wins over ``debugId`` (symbolic ``js.rs``)."""
    try:
        data = json.loads(content)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    value = data.get("debug_id") or data.get("debugId")
    return value if isinstance(value, str) and value else None


def strip_source_prefixes(content: bytes, prefixes: Sequence[str]) -> bytes:
    """sentry-cli ``--strip-prefix``: remove a leading prefix from every ``sources`` entry.

    Artifact names are not affected. The map is re-serialised as compact JSON (sentry-cli
    rewrites maps too); an unparsable map is returned unchanged for validation to report.
    """
    try:
        data = json.loads(content)
    except ValueError:
        return content
    for section in [data, *[s.get("map") for s in data.get("sections") or []
                            if isinstance(s, dict)]]:
        if isinstance(section, dict) and isinstance(section.get("sources"), list):
            section["sources"] = [_strip(s, prefixes) for s in section["sources"]]
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _strip(source: Any, prefixes: Sequence[str]) -> Any:
    if isinstance(source, str):
        for prefix in prefixes:
            if source.startswith(prefix):
                return source[len(prefix):]
    return source


def _resolve_reference(bundle_url: str, reference: str) -> str:
    """The map's URL: the reference resolved against the bundle's URL (clamped at the root)."""
    if "://" in reference:
        return reference
    head, _, path = bundle_url.partition("/")
    joined = posixpath.normpath(posixpath.join("/" + posixpath.dirname(path), reference))
    return f"{head}/{joined.lstrip('/')}"


def _skip_orphan_maps(paths: Sequence[Path], spec: Any, seen_maps: set[Path],
                      found: Discovery) -> None:
    for root in paths:
        if not root.is_dir():
            continue
        for path in _walk(root, spec):
            if path.suffix == ".map" and path not in seen_maps:
                found.skipped.append((path, "no bundle refers to this map"))


def _check_unique(artifacts: list[Artifact]) -> None:
    by_url: dict[str, Path] = {}
    for artifact in artifacts:
        other = by_url.setdefault(artifact.url, artifact.path)
        if other != artifact.path:
            raise UsageError(f"{other} and {artifact.path} would both be uploaded as "
                             f"{artifact.url}: upload them separately with different --url-prefix")


def _relative(path: Path, base: Path) -> str:
    return path.relative_to(base).as_posix()


def _is_under(path: Path, base: Path) -> bool:
    try:
        path.relative_to(base)
    except ValueError:
        return False
    return True


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror}") from None


def _note(note: str | None) -> str:
    return f" ({note})" if note else ""
