"""Index map -> regular map (ECMA-426 §10.1 concatenation)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from smtools.sourcemap.mappings import HAS_NAME, HAS_ORIGINAL, Mappings
from smtools.sourcemap.model import SourceMap

if TYPE_CHECKING:
    from smtools.sourcemap.index import IndexMap


def flatten(index_map: IndexMap) -> SourceMap:
    """One regular map equal to the index map's sections placed at their offsets.

    Sources (with each section's sourceRoot applied, so the result has none)
    are deduplicated by (source, content); names by value. Each section's
    ``ignoreList`` is re-based onto the merged sources.
    """
    sources: list[str | None] = []
    contents: list[str | None] = []
    source_slots: dict[tuple[str | None, str | None], int] = {}
    names: list[str] = []
    name_slots: dict[str, int] = {}
    ignored: set[int] = set()
    rows = []
    line_count = 0
    for section in index_map.sections:
        part = section.map
        source_map_to = []
        for i, source in enumerate(part.sources):
            content = part.sources_content[i] if i < len(part.sources_content) else None
            slot = source_slots.setdefault((source, content), len(sources))
            if slot == len(sources):
                sources.append(source)
                contents.append(content)
            if i in part.ignore_list:
                ignored.add(slot)
            source_map_to.append(slot)
        name_map_to = [name_slots.setdefault(name, len(name_slots)) for name in part.names]
        for line, column, source_index, orig_line, orig_column, name_index, flags in part.decoded.rows():
            column += section.column if line == 0 else 0
            rows.append((line + section.line, column,
                         source_map_to[source_index] if flags & HAS_ORIGINAL else 0,
                         orig_line, orig_column,
                         name_map_to[name_index] if flags & HAS_NAME else 0, flags))
        line_count = max(line_count, section.line + part.decoded.line_count)
    names = list(name_slots)
    return SourceMap(mappings=Mappings.from_rows(rows, line_count), sources=sources, names=names,
                     file=index_map.file, sources_content=contents if any(
                         c is not None for c in contents) else (),
                     ignore_list=sorted(ignored), debug_id=index_map.debug_id)
