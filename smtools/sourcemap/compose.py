"""Maps of maps: a minifier's map over a bundler's map (ECMA-426 Annex B.2)."""

from __future__ import annotations

from smtools.sourcemap.index import IndexMap
from smtools.sourcemap.lookup import GREATEST_LOWER_BOUND
from smtools.sourcemap.mappings import HAS_NAME, HAS_ORIGINAL, Mappings
from smtools.sourcemap.model import SourceMap
from smtools.sourcemap.types import OriginalPosition

AnyMap = SourceMap | IndexMap


def trace(maps: list[AnyMap], line: int, column: int) -> OriginalPosition | None:
    """Follow a 0-based generated position through a chain of maps, outermost first.

    Each hop looks up the previous hop's original line/column in the next map
    (as the tc39 ``checkMappingTransitive`` harness does). The name is the
    innermost one known.
    """
    position = maps[0].original_position_for(line, column)
    for inner in maps[1:]:
        if position is None:
            return None
        deeper = inner.original_position_for(position.line, position.column, GREATEST_LOWER_BOUND,
                                             same_line=True)
        if deeper is None:
            return None
        position = deeper if deeper.name is not None else deeper._replace(name=position.name)
    return position


def compose(outer: AnyMap, inner: AnyMap, *more: AnyMap) -> SourceMap:
    """One map equivalent to looking up ``outer``, then ``inner`` (then ``more``...).

    ``outer`` maps the final file to an intermediate one (e.g. the minifier's
    map), ``inner`` maps that intermediate file to the sources. The inner hop
    uses a same-line greatest-lower-bound lookup, as mozilla's
    ``applySourceMap`` does. Mappings whose chain breaks become unmapped.
    """
    chain = [outer, inner, *more]
    flat_outer = outer.flatten() if isinstance(outer, IndexMap) else outer
    sources: list[str | None] = []
    contents: list[str | None] = []
    source_slots: dict[str | None, int] = {}
    names: list[str] = []
    name_slots: dict[str, int] = {}
    rows = []
    for token in flat_outer.tokens():
        original = trace(chain, token.generated_line, token.generated_column)
        if original is None:
            rows.append((token.generated_line, token.generated_column, 0, 0, 0, 0, 0))
            continue
        slot = source_slots.get(original.source)
        if slot is None:
            slot = source_slots[original.source] = len(sources)
            sources.append(original.source)
            contents.append(_content(chain[-1], original.source))
        flags = HAS_ORIGINAL
        name_slot = 0
        if original.name is not None:
            name_slot = name_slots.setdefault(original.name, len(names))
            if name_slot == len(names):
                names.append(original.name)
            flags |= HAS_NAME
        rows.append((token.generated_line, token.generated_column, slot, original.line,
                     original.column, name_slot, flags))
    decoded = Mappings.from_rows(rows, flat_outer.decoded.line_count)
    return SourceMap(mappings=decoded, sources=sources, names=names, file=flat_outer.file,
                     sources_content=contents if any(c is not None for c in contents) else ())


def _content(source_map: AnyMap, source: str | None) -> str | None:
    return None if source is None else source_map.source_content_for(source)
