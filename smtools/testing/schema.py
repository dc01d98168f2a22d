"""The JSON-schema checks of Sentry's assemble endpoints, without jsonschema.

Sentry validates the body with ``jsonschema.validate`` and answers
``{"error": str(e).splitlines()[0]}`` (400). ``validate`` reports jsonschema's
best match: top-level problems (type, required, additional properties)
before a property's own problem; messages have jsonschema's wording.
"""

from __future__ import annotations

import re
from typing import Any

SHA1_PATTERN = "^[0-9a-f]{40}$"
VERSION_PATTERN = "^[^/]+$"

# Property name -> (kind, pattern); kind "string" or "array" (of strings).
ARTIFACT_BUNDLE_SCHEMA: dict[str, tuple[str, str | None]] = {
    "version": ("string", VERSION_PATTERN),
    "dist": ("string", None),
    "projects": ("array", None),
    "checksum": ("string", SHA1_PATTERN),
    "chunks": ("array", SHA1_PATTERN),
}
ARTIFACT_BUNDLE_REQUIRED = ("checksum", "chunks", "projects")
RELEASE_BUNDLE_SCHEMA: dict[str, tuple[str, str | None]] = {
    "checksum": ("string", SHA1_PATTERN),
    "chunks": ("array", SHA1_PATTERN),
}
RELEASE_BUNDLE_REQUIRED = ("checksum", "chunks")


def validate(data: Any, properties: dict[str, tuple[str, str | None]],
             required: tuple[str, ...]) -> str | None:
    """The first line of jsonschema's message for ``data``, or None when valid."""
    if not isinstance(data, dict):
        return f"{data!r} is not of type 'object'"
    for name in required:
        if name not in data:
            return f"{name!r} is a required property"
    extra = [name for name in data if name not in properties]
    if extra:
        verb = "was" if len(extra) == 1 else "were"
        return f"Additional properties are not allowed ({', '.join(map(repr, extra))} {verb} unexpected)"
    for name, (kind, pattern) in properties.items():
        if name in data:
            problem = _check(data[name], kind, pattern)
            if problem:
                return problem
    return None


def _check(value: Any, kind: str, pattern: str | None) -> str | None:
    if kind == "array":
        if not isinstance(value, list):
            return f"{value!r} is not of type 'array'"
        return next(filter(None, (_check(item, "string", pattern) for item in value)), None)
    if not isinstance(value, str):
        return f"{value!r} is not of type 'string'"
    if pattern is not None and re.search(pattern, value) is None:
        return f"{value!r} does not match {pattern!r}"
    return None
