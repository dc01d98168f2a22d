"""ECMA-426 source maps: decoding, lookups, validation and discovery.

A pure-stdlib library. Every line and column is 0-based; generated columns
count UTF-16 code units, as source maps do.

    >>> from smtools.sourcemap import loads
    >>> m = loads('{"version":3,"sources":["a.js"],"names":["x"],"mappings":"AAAAA"}')
    >>> m.original_position_for(0, 0)
    OriginalPosition(source='a.js', line=0, column=0, name='x')
"""

from __future__ import annotations

from smtools.errors import Diagnostic, InvalidSourceMap, MapNotFoundError, VlqError
from smtools.sourcemap.compose import compose, trace
from smtools.sourcemap.discovery import (
    MapLocation,
    decode_data_url,
    find_debug_id,
    find_source_mapping_url,
    load_for_bundle,
    locate_map,
    read_text,
)
from smtools.sourcemap.index import IndexMap, Section
from smtools.sourcemap.lookup import GREATEST_LOWER_BOUND, LEAST_UPPER_BOUND
from smtools.sourcemap.model import SourceMap
from smtools.sourcemap.parse import load, loads
from smtools.sourcemap.sourceview import SourceView, index_to_utf16, utf16_to_index
from smtools.sourcemap.types import GeneratedPosition, OriginalPosition, Token
from smtools.sourcemap.validate import is_valid, load_validated, validate


def dumps(source_map: SourceMap | IndexMap) -> str:
    """Serialise a map to JSON text (see :meth:`SourceMap.dumps`)."""
    return source_map.dumps()


__all__ = [
    "GREATEST_LOWER_BOUND",
    "LEAST_UPPER_BOUND",
    "Diagnostic",
    "GeneratedPosition",
    "IndexMap",
    "InvalidSourceMap",
    "MapLocation",
    "MapNotFoundError",
    "OriginalPosition",
    "Section",
    "SourceMap",
    "SourceView",
    "Token",
    "VlqError",
    "compose",
    "decode_data_url",
    "dumps",
    "find_debug_id",
    "find_source_mapping_url",
    "index_to_utf16",
    "is_valid",
    "load",
    "load_for_bundle",
    "load_validated",
    "loads",
    "locate_map",
    "read_text",
    "trace",
    "utf16_to_index",
    "validate",
]
