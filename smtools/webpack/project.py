"""Find the project around a PATH: its root, package.json, webpack configs and dist folder."""

from __future__ import annotations

import json
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from smtools.errors import InputError

# dist/electron/main.js is three levels below the root; one more for safety.
MAX_WALK_UP = 4
ELECTRON_VUE_CONFIGS = ("webpack.main.config.js", "webpack.renderer.config.js", "webpack.web.config.js")
ROOT_CONFIG_SUFFIXES = (".js", ".cjs", ".mjs", ".babel.js", ".ts")
BUNDLE_SUFFIXES = (".js", ".mjs", ".cjs")


@dataclass
class Project:
    """What was found around PATH. ``root`` is None when no project was found."""

    path: Path
    root: Path | None
    package: dict[str, Any] | None = None
    package_error: str | None = None
    configs: list[Path] = field(default_factory=list)
    dist: Path | None = None
    bundles: list[Path] = field(default_factory=list)

    @property
    def electron_vue(self) -> bool:
        return self.root is not None and (self.root / ".electron-vue").is_dir()


def find_project(path: Path) -> Project:
    """Locate the project and the bundles to verify for a ``smtools check PATH``.

    PATH may be the project root, its ``dist/electron`` folder (or any folder of
    bundles), or a single bundle. The root is the nearest folder at or above
    PATH, at most :data:`MAX_WALK_UP` levels, holding ``package.json`` or
    ``.electron-vue/``.

    Raises:
        InputError: PATH does not exist, or is neither a folder nor a JavaScript file.
    """
    try:
        mode = path.stat().st_mode
    except OSError as error:
        raise InputError(f"cannot use {path}: {error.strerror or 'not found'}") from error
    if not (stat.S_ISDIR(mode) or stat.S_ISREG(mode)):
        raise InputError(f"cannot use {path}: not a file or folder")
    if stat.S_ISREG(mode) and path.suffix not in BUNDLE_SUFFIXES:
        hint = " (to check a map alone: smtools validate)" if path.suffix == ".map" else ""
        raise InputError(f"cannot use {path}: not a folder or a {'/'.join(BUNDLE_SUFFIXES)} bundle{hint}")
    path = path.resolve()
    start = path if stat.S_ISDIR(mode) else path.parent
    project = Project(path, _find_root(start))
    if project.root is not None:
        project.package, project.package_error = _read_package(project.root)
        project.configs = _configs(project.root)
    project.dist = _dist(path, project.root) if stat.S_ISDIR(mode) else path.parent
    project.bundles = [path] if stat.S_ISREG(mode) else _bundles(project.dist, project.electron_vue)
    return project


def _find_root(start: Path) -> Path | None:
    for folder in [start, *start.parents][:MAX_WALK_UP + 1]:
        try:
            if (folder / "package.json").is_file() or (folder / ".electron-vue").is_dir():
                return folder
        except OSError:
            continue
    return None


def _read_package(root: Path) -> tuple[dict[str, Any] | None, str | None]:
    manifest = root / "package.json"
    if not manifest.exists():
        return None, None
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return None, f"package.json cannot be read: {str(error).splitlines()[0]}"
    if not isinstance(data, dict):
        return None, "package.json is not a json object"
    return data, None


def _configs(root: Path) -> list[Path]:
    found = [root / ".electron-vue" / name for name in ELECTRON_VUE_CONFIGS]
    found = [config for config in found if config.is_file()]
    for suffix in ROOT_CONFIG_SUFFIXES:
        candidate = root / f"webpack.config{suffix}"
        if candidate.is_file():
            found.append(candidate)
    return found


def _dist(path: Path, root: Path | None) -> Path | None:
    if path != root:
        return path
    for candidate in (path / "dist" / "electron", path / "dist"):
        if candidate.is_dir():
            return candidate
    return None


def _bundles(dist: Path | None, electron_vue: bool) -> list[Path]:
    """Every JavaScript file under ``dist``, sorted; electron-vue's copied ``static/`` is not output."""
    if dist is None:
        return []
    found = []
    for candidate in sorted(dist.rglob("*")):
        relative = candidate.relative_to(dist).parts
        if "node_modules" in relative or (electron_vue and relative[:1] == ("static",)):
            continue
        if candidate.suffix in BUNDLE_SUFFIXES and candidate.is_file():
            found.append(candidate)
    return found


def webpack_major(project: Project) -> tuple[int | None, str]:
    """The webpack major version the project uses and where that was read ("unknown" if nowhere)."""
    from smtools.webpack.versions import major_from_range, resolve, version_tuple

    if project.root is None:
        return None, "unknown"
    resolved = resolve(project.root, "webpack")
    if resolved is not None:
        parsed = version_tuple(resolved.version)
        if parsed is not None:
            return parsed[0], resolved.source
    for group in ("devDependencies", "dependencies"):
        requested = (project.package or {}).get(group, {})
        if isinstance(requested, dict) and isinstance(requested.get("webpack"), str):
            major = major_from_range(requested["webpack"])
            if major is not None:
                return major, f"package.json {group}"
    return None, "unknown"
