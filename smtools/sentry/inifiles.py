"""Reading ``.sentryclirc`` / ``sentrycli.ini`` / ``sentry.properties`` files.

Layering as sentry-cli ``load_cli_config`` does it: the global file first, then the
nearest project file (walking up from the working directory) key by key over it, then
a ``sentry.properties`` named by ``SENTRY_PROPERTIES`` over both (sentry-api.md §1.3).
"""

from __future__ import annotations

import configparser
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from smtools.errors import ConfigError

PROJECT_FILE_NAMES = (".sentryclirc", "sentrycli.ini")


@dataclass(frozen=True)
class ConfigEntry:
    """One value read from a config file, with a human-readable source."""

    value: str
    source: str
    directory: Path


@dataclass
class ConfigValues:
    """Merged ``(section, key) → entry`` of every config file read."""

    entries: dict[tuple[str, str], ConfigEntry] = field(default_factory=dict)
    files: tuple[Path, ...] = ()

    def get(self, section: str, key: str) -> ConfigEntry | None:
        return self.entries.get((section, key))


def load_config_values(env: Mapping[str, str], cwd: Path, home: Path) -> ConfigValues:
    """Read and layer every config file that applies.

    Raises:
        ConfigError: a file exists but cannot be read or parsed (the message names the
            file and line, never the line's content: it may hold the token).
    """
    values = ConfigValues()
    files: list[Path] = []
    for path in (global_config_file(env, home), project_config_file(cwd)):
        if path is not None and path not in files:
            files.append(path)
            values.entries.update(_read_ini(path))
    properties = env.get("SENTRY_PROPERTIES")
    if properties:
        path = Path(properties) if Path(properties).is_absolute() else cwd / properties
        if not path.is_file():
            raise ConfigError(f"SENTRY_PROPERTIES file {path} does not exist")
        files.append(path)
        values.entries.update(_read_properties(path))
    values.files = tuple(files)
    return values


def global_config_file(env: Mapping[str, str], home: Path) -> Path | None:
    """``~/.sentryclirc``, else ``<config dir>/sentry/sentrycli.ini`` (sentry-cli constants.rs)."""
    candidate = home / ".sentryclirc"
    if candidate.is_file():
        return candidate
    config_dir = Path(env["XDG_CONFIG_HOME"]) if env.get("XDG_CONFIG_HOME") else home / ".config"
    candidate = config_dir / "sentry" / "sentrycli.ini"
    return candidate if candidate.is_file() else None


def project_config_file(cwd: Path) -> Path | None:
    """The nearest ``.sentryclirc`` or ``sentrycli.ini`` from ``cwd`` up to ``/``."""
    for directory in (cwd, *cwd.parents):
        for name in PROJECT_FILE_NAMES:
            candidate = directory / name
            if candidate.is_file():
                return candidate
    return None


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not utf-8 text"
        raise ConfigError(f"cannot read config file {path}: {reason}") from None


def _read_ini(path: Path) -> dict[tuple[str, str], ConfigEntry]:
    parser = configparser.ConfigParser(interpolation=None, strict=False,
                                       default_section="__no_default__")
    try:
        parser.read_string(_read_text(path), source=str(path))
    except configparser.Error as error:
        # configparser quotes the offending line, which may be the token line: never show it.
        line = getattr(error, "lineno", None) or _first_error_line(error)
        where = f" (line {line})" if line else ""
        raise ConfigError(f"cannot parse config file {path}{where}") from None
    return {(section.lower(), key.lower()): ConfigEntry(value.strip(), f"{path} [{section}] {key}",
                                                        path.parent)
            for section in parser.sections() for key, value in parser.items(section)}


def _first_error_line(error: configparser.Error) -> int | None:
    errors = getattr(error, "errors", None)
    return errors[0][0] if errors else None


def _read_properties(path: Path) -> dict[tuple[str, str], ConfigEntry]:
    """Java properties; each key splits at its last dot into ``section.key`` (sentry-cli)."""
    entries: dict[tuple[str, str], ConfigEntry] = {}
    for raw_key, value in _property_pairs(_read_text(path)):
        section, dot, key = raw_key.rpartition(".")
        if dot:
            entries[(section.lower(), key.lower())] = ConfigEntry(value, f"{path} {raw_key}",
                                                                 path.parent)
    return entries


def _property_pairs(text: str) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    logical = ""
    for line in text.splitlines():
        stripped = line.lstrip()
        if not logical and (not stripped or stripped[0] in "#!"):
            continue
        if stripped.endswith("\\") and not stripped.endswith("\\\\"):
            logical += stripped[:-1]
            continue
        logical += stripped
        pairs.append(_split_property(logical))
        logical = ""
    if logical:
        pairs.append(_split_property(logical))
    return pairs


def _split_property(line: str) -> tuple[str, str]:
    for index, char in enumerate(line):
        if char in "=: \t" and (index == 0 or line[index - 1] != "\\"):
            key, rest = line[:index], line[index:].lstrip(" \t")
            if (rest[:1] in ("=", ":") and char in " \t") or char in "=:":
                rest = rest[1:]
            return _unescape(key), _unescape(rest.strip())
    return _unescape(line), ""


def _unescape(text: str) -> str:
    return text.replace("\\:", ":").replace("\\=", "=").replace("\\ ", " ").replace("\\\\", "\\")
