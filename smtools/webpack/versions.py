"""Which version of an npm package a given dependent actually loads.

babel-minify-webpack-plugin#68 depends on the ``webpack-sources`` copy that the
*plugin* resolves (research notes §2), which need not be the top-level one:
Node's resolution starts at ``node_modules/<plugin>/node_modules`` and walks up.
Sources, in order: package-lock.json / npm-shrinkwrap.json (v2/v3 ``packages``,
v1 nested ``dependencies``), yarn.lock v1, then the installed
``node_modules/**/package.json``. When none of them says, the answer is None -
never a guess.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_YARN_ENTRY = re.compile(r'^(?P<keys>[^\s#].*):\s*$')
_YARN_FIELD = re.compile(r'^\s+(?P<key>"[^"]+"|\S+)\s+"?(?P<value>[^"]*)"?\s*$')


@dataclass(frozen=True)
class Resolved:
    """A resolved package version and where that was read."""

    version: str
    source: str      # e.g. "package-lock.json", "yarn.lock", "node_modules/x/package.json"


def resolve(root: Path, package: str, *, dependent: str | None = None) -> Resolved | None:
    """The version of ``package`` that ``dependent`` (or the project itself) loads.

    Args:
        root: the project folder (holds package.json and the lockfile).
        package: the package whose version is wanted, e.g. ``"webpack-sources"``.
        dependent: the package that requires it, e.g. ``"babel-minify-webpack-plugin"``;
            None for the project's own (top-level) resolution.

    Returns:
        The resolved version, or None when nothing in the project says.
    """
    for finder in (_from_npm_lock, _from_yarn_lock, _from_node_modules):
        found = finder(root, package, dependent)
        if found is not None:
            return found
    return None


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _from_npm_lock(root: Path, package: str, dependent: str | None) -> Resolved | None:
    for name in ("npm-shrinkwrap.json", "package-lock.json"):
        lock = _read_json(root / name)
        if not isinstance(lock, dict):
            continue
        packages = lock.get("packages")
        if isinstance(packages, dict):
            version = _lock_v2(packages, package, dependent)
        else:
            version = _lock_v1(lock.get("dependencies"), package, dependent)
        if version is not None:
            return Resolved(version, name)
    return None


def _lock_v2(packages: dict[str, Any], package: str, dependent: str | None) -> str | None:
    start = ""
    if dependent is not None:
        start = f"node_modules/{dependent}"
        if start not in packages:
            nested = sorted((key for key in packages if key.endswith(f"/node_modules/{dependent}")), key=len)
            if not nested:
                return None
            start = nested[0]
    # Node's resolution: <dir>/node_modules/<package>, then each ancestor node_modules.
    folder = start
    while True:
        key = f"{folder}/node_modules/{package}" if folder else f"node_modules/{package}"
        entry = packages.get(key)
        if isinstance(entry, dict) and isinstance(entry.get("version"), str):
            return str(entry["version"])
        if not folder:
            return None
        folder = folder.rsplit("/node_modules/", 1)[0] if "/node_modules/" in folder else ""


def _lock_v1(dependencies: Any, package: str, dependent: str | None) -> str | None:
    if not isinstance(dependencies, dict):
        return None
    if dependent is not None:
        owner = dependencies.get(dependent)
        if not isinstance(owner, dict):
            return None
        nested = owner.get("dependencies")
        if isinstance(nested, dict) and isinstance(nested.get(package), dict):
            version = nested[package].get("version")
            return str(version) if isinstance(version, str) else None
    entry = dependencies.get(package)
    if isinstance(entry, dict) and isinstance(entry.get("version"), str):
        return str(entry["version"])
    return None


def parse_yarn_lock(text: str) -> dict[str, dict[str, Any]]:
    """Parse a yarn v1 lockfile: ``{"name@range": {"version": ..., "dependencies": {...}}}``."""
    entries: dict[str, dict[str, Any]] = {}
    current: dict[str, Any] | None = None
    section: dict[str, str] | None = None
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        header = _YARN_ENTRY.match(line)
        if header and not line.startswith(" "):
            current, section = {"dependencies": {}}, None
            for key in header["keys"].split(","):
                entries[key.strip().strip('"')] = current
            continue
        if current is None:
            continue
        if line.startswith("  ") and not line.startswith("    ") and line.rstrip().endswith(":"):
            section = current.setdefault(line.strip()[:-1], {})
            continue
        field = _YARN_FIELD.match(line)
        if field is None:
            continue
        key = field["key"].strip('"')
        if line.startswith("    ") and section is not None:
            section[key] = field["value"]
        else:
            section = None
            current[key] = field["value"]
    return entries


def _from_yarn_lock(root: Path, package: str, dependent: str | None) -> Resolved | None:
    try:
        entries = parse_yarn_lock((root / "yarn.lock").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None
    wanted: list[str] = []
    if dependent is not None:
        owner = next((entry for key, entry in entries.items() if _yarn_name(key) == dependent), None)
        if owner is None:
            return None
        request = owner.get("dependencies", {}).get(package)
        if request is not None:
            wanted.append(f"{package}@{request}")
    manifest = _read_json(root / "package.json") or {}
    for group in ("dependencies", "devDependencies", "optionalDependencies"):
        request = manifest.get(group, {}).get(package) if isinstance(manifest.get(group), dict) else None
        if request is not None:
            wanted.append(f"{package}@{request}")
    for key in wanted:
        entry = entries.get(key)
        if entry is not None and isinstance(entry.get("version"), str):
            return Resolved(entry["version"], "yarn.lock")
    return None


def _yarn_name(key: str) -> str:
    return key[:key.index("@", 1)] if "@" in key[1:] else key


def _from_node_modules(root: Path, package: str, dependent: str | None) -> Resolved | None:
    candidates = []
    if dependent is not None:
        candidates.append(root / "node_modules" / dependent / "node_modules" / package / "package.json")
    candidates.append(root / "node_modules" / package / "package.json")
    for candidate in candidates:
        manifest = _read_json(candidate)
        if isinstance(manifest, dict) and isinstance(manifest.get("version"), str):
            return Resolved(manifest["version"], str(candidate.relative_to(root)))
    return None


def version_tuple(version: str) -> tuple[int, int, int] | None:
    """``"1.3.0"`` -> ``(1, 3, 0)``; None for non-semver text."""
    match = re.match(r"^\D*(\d+)(?:\.(\d+))?(?:\.(\d+))?", version)
    if match is None:
        return None
    return int(match[1]), int(match[2] or 0), int(match[3] or 0)


def major_from_range(requested: str) -> int | None:
    """The major version a package.json range such as ``"^4.15.1"`` asks for, if it names one."""
    parsed = version_tuple(requested.strip())
    return parsed[0] if parsed is not None else None
