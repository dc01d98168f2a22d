"""Lenient reading of top-level fields (ECMA-426 §9.1.2 and its Get* helpers).

Each reader returns the value the spec prescribes after an "optionally report
an error" and appends a :class:`Diagnostic` for it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, TypeGuard

from smtools.errors import ERROR, WARNING, Diagnostic
from smtools.sourcemap.lazyjson import LazyJsonArray

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def describe(value: Any) -> str:
    """A short rendering of a JSON value for messages."""
    text = "null" if value is None else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def is_integral(value: Any) -> TypeGuard[int | float]:
    """JSON integral Number: 3, 3.0 and 1e0 count; booleans do not."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, float) and value.is_integer()


def check_version(json: dict[str, Any], out: list[Diagnostic]) -> None:
    version = json.get("version")
    if not (is_integral(version) and version == 3):
        shown = "missing" if "version" not in json else describe(version)
        out.append(Diagnostic("invalid-version", f"version must be the number 3, got {shown}",
                              ERROR, "version"))


def optional_string(json: dict[str, Any], key: str, code: str, out: list[Diagnostic]) -> str | None:
    value = json.get(key)
    if isinstance(value, str):
        return value
    if key in json:
        out.append(Diagnostic(code, f"{key} must be a string, got {describe(value)}", ERROR, key))
    return None


def _array(json: dict[str, Any], key: str, code: str, out: list[Diagnostic],
           severity: str = ERROR) -> list[Any]:
    values = json.get(key)
    if key not in json:
        return []
    if not isinstance(values, list):
        out.append(Diagnostic(code, f"{key} must be an array, got {describe(values)}", severity, key))
        return []
    return values


def optional_strings(json: dict[str, Any], key: str, code: str, item_code: str,
                     out: list[Diagnostic]) -> list[str | None]:
    """GetOptionalListOfOptionalStrings: bad items become null."""
    values = json.get(key)
    if isinstance(values, LazyJsonArray):
        return _lazy_optional_strings(values, key, item_code, out)  # type: ignore[return-value]
    result: list[str | None] = []
    for index, item in enumerate(_array(json, key, code, out)):
        if isinstance(item, str):
            result.append(item)
            continue
        if item is not None:
            out.append(Diagnostic(item_code, f"{key}[{index}] must be a string or null, "
                                  f"got {describe(item)}", ERROR, f"{key}[{index}]"))
        result.append(None)
    return result


def _lazy_optional_strings(values: LazyJsonArray, key: str, item_code: str,
                           out: list[Diagnostic]) -> LazyJsonArray:
    # Same checks as above, from each element's first byte: no text is built.
    for index in range(len(values)):
        if values.kind(index) == "other":
            out.append(Diagnostic(item_code, f"{key}[{index}] must be a string or null, "
                                  f"got {describe(values[index])}", ERROR, f"{key}[{index}]"))
            values.nullify(index)
    return values


def names(json: dict[str, Any], out: list[Diagnostic]) -> list[str]:
    """GetOptionalListOfStrings: bad items become ``""`` (rust-sourcemap does the same)."""
    values = _array(json, "names", "invalid-names", out)
    if set(map(type, values)) <= {str}:
        return values  # the common case, checked without a Python-level loop
    result: list[str] = []
    for index, item in enumerate(values):
        if isinstance(item, str):
            result.append(item)
        else:
            out.append(Diagnostic("invalid-name", f"names[{index}] must be a string, "
                                  f"got {describe(item)}", ERROR, f"names[{index}]"))
            result.append("")
    return result


def ignore_list(json: dict[str, Any], source_count: int, out: list[Diagnostic]) -> list[int]:
    """``ignoreList``, or the deprecated ``x_google_ignoreList`` when it is absent.

    Bad entries are skipped. An index past the end of ``sources`` is an error
    of the tc39 suite (``ignoreListOutOfBounds1``), not of the spec text.
    """
    key, severity = "ignoreList", ERROR
    if key not in json and "x_google_ignoreList" in json:
        # Not read by the spec algorithm: its problems are only warnings.
        key, severity = "x_google_ignoreList", WARNING
    result: list[int] = []
    for index, item in enumerate(_array(json, key, "invalid-ignore-list", out, severity)):
        where = f"{key}[{index}]"
        if not is_integral(item) or item < 0:
            out.append(Diagnostic("invalid-ignore-list-entry", f"{where} must be a non-negative "
                                  f"integer, got {describe(item)}", severity, where))
        elif item >= source_count:
            out.append(Diagnostic("ignore-list-out-of-bounds", f"{where} is {int(item)} but "
                                  f"sources has {source_count} entries", severity, where))
        else:
            result.append(int(item))
    return result


def debug_id(json: dict[str, Any], out: list[Diagnostic]) -> str | None:
    """``debugId`` (Debug ID proposal), falling back to the legacy ``debug_id``."""
    key = "debugId" if "debugId" in json else "debug_id"
    if key not in json:
        return None
    value = json[key]
    if isinstance(value, str) and _UUID.match(value):
        return value
    out.append(Diagnostic("invalid-debug-id", f"{key} must be a UUID, got {describe(value)}",
                          ERROR, key))
    return None


def sources_content_length(sources: Sequence[Any], contents: Sequence[Any],
                           out: list[Diagnostic]) -> None:
    # §9.3.1 tolerates any length; a mismatch usually means a broken generator.
    if contents and len(contents) != len(sources):
        out.append(Diagnostic("sources-content-length-mismatch",
                              f"sourcesContent has {len(contents)} entries but sources has "
                              f"{len(sources)}", WARNING, "sourcesContent"))
