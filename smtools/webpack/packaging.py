"""Project-level facts outside the webpack configs: packaging (electron-builder) and upload steps."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

_UPLOAD_SCRIPT = re.compile(r"sentry-cli\b.*\b(upload-sourcemaps|sourcemaps\s+upload)|\bsmtools\s+upload\b")
_MODE_FLAG = re.compile(r"--mode[= ]+(?P<mode>production|development|none)\b")


def upload_step(package: dict[str, Any] | None) -> str | None:
    """The package.json script that uploads source maps (sentry-cli or smtools), if any."""
    scripts = (package or {}).get("scripts")
    if not isinstance(scripts, dict):
        return None
    for name, command in scripts.items():
        if isinstance(command, str) and _UPLOAD_SCRIPT.search(command):
            return str(name)
    return None


def builder_files(package: dict[str, Any] | None) -> list[str] | None:
    """electron-builder's ``build.files`` patterns; ``[]`` when electron-builder is configured
    without ``files`` (it then packs the whole app folder), None when it is not used."""
    build = (package or {}).get("build")
    if not isinstance(build, dict):
        return None
    files = build.get("files")
    if files is None:
        return []
    entries = files if isinstance(files, list) else [files]
    patterns: list[str] = []
    for entry in entries:
        if isinstance(entry, str):
            patterns.append(entry)
        elif isinstance(entry, dict):   # FileSet {from, to, filter}
            filters = entry.get("filter", [])
            patterns.extend(item for item in (filters if isinstance(filters, list) else [filters])
                            if isinstance(item, str))
    return patterns


def packs(patterns: list[str], path: str) -> bool:
    """Whether electron-builder ``files`` patterns (minimatch syntax) put ``path`` into the app.

    ``path`` is relative to the app folder, with ``/`` separators
    (``dist/electron/main.js.map``). An empty list means electron-builder's default
    (the whole folder). Negated patterns (``!**/*.map``) exclude. Patterns without a
    slash match the base name, as minimatch's ``matchBase`` does in electron-builder.
    """
    positive = [pattern for pattern in patterns if not pattern.startswith("!")]
    included = not positive or any(_matches(pattern, path) for pattern in positive)
    excluded = any(_matches(pattern[1:], path) for pattern in patterns if pattern.startswith("!"))
    return included and not excluded


def _matches(pattern: str, path: str) -> bool:
    return any(_glob(option).match(_subject(option, path)) for option in _braces(pattern))


def _subject(pattern: str, path: str) -> str:
    return path if "/" in pattern else path.rsplit("/", 1)[-1]


def _braces(pattern: str) -> list[str]:
    match = re.search(r"\{([^{}]*)\}", pattern)
    if match is None:
        return [pattern]
    head, tail = pattern[:match.start()], pattern[match.end():]
    return [expanded for option in match[1].split(",") for expanded in _braces(head + option + tail)]


def _glob(pattern: str) -> re.Pattern[str]:
    out, index = [], 0
    pattern = pattern.removeprefix("./")
    while index < len(pattern):
        if pattern.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
        elif pattern.startswith("**", index):
            out.append(".*")
            index += 2
        elif pattern[index] == "*":
            out.append("[^/]*")
            index += 1
        elif pattern[index] == "?":
            out.append("[^/]")
            index += 1
        else:
            out.append(re.escape(pattern[index]))
            index += 1
    return re.compile("".join(out) + r"\Z")


def json_key_line(path: Path, key: str) -> int | None:
    """The 0-based line of the first ``"key":`` in a JSON file (for finding locations)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    needle = f'"{key}"'
    return next((number for number, line in enumerate(lines) if needle in line), None)


def cli_mode(package: dict[str, Any] | None) -> str | None:
    """A ``--mode`` passed to webpack in package.json scripts (production wins if several)."""
    scripts = (package or {}).get("scripts")
    modes: set[str] = set()
    if isinstance(scripts, dict):
        for command in scripts.values():
            if isinstance(command, str) and "webpack" in command:
                modes.update(match["mode"] for match in _MODE_FLAG.finditer(command))
    return "production" if "production" in modes else next(iter(modes), None)


def build_script_mode(root: Path) -> str | None:
    """The ``config.mode = '...'`` that electron-vue's ``.electron-vue/build.js`` sets before building.

    The file is parsed, not run; a file that does not parse gives None.
    """
    from smtools.errors import WebpackConfigError
    from smtools.webpack.jsparse import parse_file, string_value

    script = root / ".electron-vue" / "build.js"
    if not script.is_file():
        return None
    try:
        source = parse_file(script)
    except WebpackConfigError:
        return None
    stack = [source.root]
    while stack:
        node = stack.pop()
        if node.type == "assignment_expression":
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            is_mode = left.type == "member_expression" and \
                source.text(left.child_by_field_name("property")) == "mode"
            value = string_value(source, right) if is_mode else None
            if value is not None:
                return value
        stack.extend(reversed(node.named_children))
    return None
