"""``loads``/``load``: lenient ECMA-426 decoding (§9.1, §10).

Only the spec's hard errors raise :class:`~smtools.errors.InvalidSourceMap`;
every "optionally report an error" becomes a diagnostic on the result.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Union

from smtools.errors import Diagnostic, InputError, InvalidSourceMap
from smtools.sourcemap import fields, lazyjson
from smtools.sourcemap.jsonio import parse_json
from smtools.sourcemap.model import SourceMap

if TYPE_CHECKING:
    from smtools.sourcemap.index import IndexMap

AnyMap = Union[SourceMap, "IndexMap"]

_KNOWN_KEYS = frozenset({"version", "file", "sourceRoot", "sources", "sourcesContent", "names",
                         "mappings", "ignoreList", "debugId", "debug_id"})
# Seven or more VLQ digits are needed to exceed 32 bits; only those are
# checked eagerly, so that the one hard error inside `mappings` (§6.1) is
# raised by loads() while the rest is decoded on first lookup.
_CONTINUATION = bytes(0x43 if chr(i) in "ghijklmnopqrstuvwxyz0123456789+/" else 0x2E for i in range(256))


def _has_long_vlq(mappings: str | lazyjson.RawText) -> bool:
    from smtools.sourcemap import speedups

    if speedups.native is not None:
        if isinstance(mappings, lazyjson.RawText):
            return bool(speedups.native.has_long_vlq(mappings.data, mappings.start, mappings.end))
        return bool(speedups.native.has_long_vlq(mappings))
    if isinstance(mappings, lazyjson.RawText):
        raw = mappings.data[mappings.start:mappings.end]
    else:
        raw = mappings.encode("utf-8", "replace")
    return b"CCCCCC" in raw.translate(_CONTINUATION)


def loads(data: str | bytes | dict[str, Any]) -> AnyMap:
    """Decode a source map (regular or index) leniently.

    ``data`` is the JSON text (str or bytes; a UTF-8 BOM and a ``)]}'`` first
    line are dropped) or an already parsed dict.

    Raises:
        InvalidSourceMap: where ECMA-426 says decoding throws (not JSON, not an
            object, ``mappings``/``sources``/``sections`` of the wrong type, a
            VLQ beyond 32 bits, ...). ``error.code`` names the problem.
    """
    json = _skim(data) if isinstance(data, bytes) else None
    if json is None:
        json = data if isinstance(data, dict) else parse_json(data)
    if not isinstance(json, dict):
        raise InvalidSourceMap(f"source map must be a JSON object, got {_kind(json)}",
                               code="not-an-object")
    if "sections" in json:
        from smtools.sourcemap.index import decode_index

        return decode_index(json)
    return decode_regular(json)


def load(path: str | os.PathLike[str]) -> AnyMap:
    """Read and decode a source map file (see :func:`loads`).

    Raises:
        InputError: the file cannot be read.
        InvalidSourceMap: as for :func:`loads`.
    """
    return loads(read_bytes(path))


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """Read a whole file, turning OS errors into a one-line :class:`InputError`."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise InputError(f"{os.fspath(path)}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{os.fspath(path)}: is a directory, not a file") from None
    except OSError as error:
        raise InputError(f"{os.fspath(path)}: cannot read ({error.strerror})") from None


def _skim(data: bytes) -> dict[str, Any] | None:
    from smtools.sourcemap import speedups

    return lazyjson.skim(data, speedups.native)


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if value is None:
        return "null"
    return type(value).__name__ if not isinstance(value, str) else "a string"


def decode_regular(json: dict[str, Any]) -> SourceMap:
    """DecodeSourceMap (§9.1.2) of a parsed JSON object."""
    found: list[Diagnostic] = []
    fields.check_version(json, found)
    mappings = json.get("mappings")
    if not isinstance(mappings, (str, lazyjson.RawText)):
        shown = "missing" if "mappings" not in json else fields.describe(mappings)
        raise InvalidSourceMap(f"mappings must be a string, got {shown}",
                               code="invalid-mappings-field", path="mappings")
    if not isinstance(json.get("sources"), list):
        shown = "missing" if "sources" not in json else fields.describe(json.get("sources"))
        raise InvalidSourceMap(f"sources must be an array, got {shown}",
                               code="invalid-sources-field", path="sources")
    file = fields.optional_string(json, "file", "invalid-file", found)
    source_root = fields.optional_string(json, "sourceRoot", "invalid-source-root", found)
    sources = fields.optional_strings(json, "sources", "invalid-sources-field", "invalid-source",
                                      found)
    contents = fields.optional_strings(json, "sourcesContent", "invalid-sources-content",
                                       "invalid-source-content", found)
    fields.sources_content_length(sources, contents, found)
    names = fields.names(json, found)
    ignored = fields.ignore_list(json, len(sources), found)
    debug_id = fields.debug_id(json, found)
    extra = {key: value for key, value in json.items() if key not in _KNOWN_KEYS}
    source_map = SourceMap(mappings=mappings, sources=sources, names=names, file=file,
                           source_root=source_root, sources_content=contents,
                           ignore_list=ignored, debug_id=debug_id, extra=extra,
                           diagnostics=found)
    if _has_long_vlq(mappings):
        _ = source_map.decoded  # raises VlqError now if a value exceeds 32 bits
    return source_map
