"""PyPI ``sourcemap`` 0.2.1 as an independent oracle on real maps.

Every mapped position of every plain (non-index) map of the fixtures and of
the conformance suite must resolve the same in both. Known, explained
differences, handled below:

* ``sourcemap`` keeps the *last* token when several mappings share a
  generated position (its index is a dict); ECMA-426 §12.1 and smtools take
  the first. Such positions are compared with the last of ours.
* ``sourcemap`` joins ``sourceRoot`` with ``os.path.join``; smtools applies
  the §9.3 prefix rule. Sources are compared after ``sourceRoot`` is removed.
* ``sourcemap`` turns a 1-field segment into a token with ``src=None``;
  smtools returns no original position. Both mean "unmapped".
* Maps that ``sourcemap`` cannot read (index maps, invalid maps, maps without
  ``names``) are skipped.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sourcemap as pypi_sourcemap

from smtools.sourcemap import SourceMap, loads, validate, vlq

ROOT = Path(__file__).resolve().parents[2]


def _plain_maps() -> list[Path]:
    found = sorted(p for p in (ROOT / "fixtures").rglob("*.map") if "node_modules" not in p.parts)
    resources = ROOT.parent / "shared" / "conformance" / "tc39-source-map-tests" / "resources"
    for path in sorted(resources.glob("*.map")):
        data = path.read_bytes()
        if b'"sections"' in data or any(d.is_error for d in validate(data)):
            continue
        found.append(path)
    return found


MAPS = _plain_maps()


def _strip_root(source: str | None, root: str | None) -> str | None:
    if source is None or not root:
        return source
    for prefix in (root.rstrip("/") + "/", root):
        if source.startswith(prefix):
            return source[len(prefix):]
    return source


def compare(data: bytes) -> int:
    ours = loads(data)
    assert isinstance(ours, SourceMap)
    try:
        theirs = pypi_sourcemap.loads(data.decode("utf-8"))
    except (KeyError, pypi_sourcemap.SourceMapDecodeError) as error:
        pytest.skip(f"sourcemap 0.2.1 cannot read this map ({type(error).__name__}: {error})")
    root = ours.source_root
    decoded = ours.decoded
    checked = 0
    for token in ours.tokens():
        position = (token.generated_line, token.generated_column)
        other = theirs.lookup(*position)
        index = _last_index_at(decoded, token)
        mine = ours.token_at(index)
        assert (other.dst_line, other.dst_col) == position
        if mine.original is None:
            assert other.src is None, position
            continue
        assert (other.src_line, other.src_col, other.name) == (
            mine.original_line, mine.original_column, mine.name), position
        assert _strip_root(other.src, root) == _strip_root(mine.source, root), position
        checked += 1
    return checked


def _last_index_at(decoded, token) -> int:
    from smtools.sourcemap.lookup import LEAST_UPPER_BOUND, find

    return find(decoded, token.generated_line, token.generated_column, LEAST_UPPER_BOUND)


def test_there_are_maps_to_compare() -> None:
    assert len(MAPS) >= 10


@pytest.mark.parametrize("path", MAPS, ids=[str(p.relative_to(p.parents[2])) for p in MAPS])
def test_every_mapped_position_agrees(path: Path) -> None:
    compare(path.read_bytes())


def test_a_large_generated_map_agrees() -> None:
    # 20,000 segments over 40 lines with names, relative fields crossing lines.
    import random

    rng = random.Random(7)
    state = [0, 0, 0, 0]
    lines = []
    for _ in range(40):
        column, parts = 0, []
        for _ in range(500):
            step = rng.randint(1, 30)
            target = [rng.randrange(3), rng.randrange(2000), rng.randrange(120), rng.randrange(50)]
            text = vlq.encode(step)
            column += step
            width = 5 if rng.random() < 0.4 else 4
            for i in range(width - 1):
                text += vlq.encode(target[i] - state[i])
                state[i] = target[i]
            parts.append(text)
        lines.append(",".join(parts))
    data = json.dumps({"version": 3, "sources": ["a.js", "b.js", "c.js"],
                       "names": [f"n{i}" for i in range(50)], "mappings": ";".join(lines)})
    assert compare(data.encode()) == 20_000
