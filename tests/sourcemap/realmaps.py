"""Real maps for differential tests: the committed fixture maps and the conformance suite's."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from smtools.errors import SmtoolsError
from smtools.sourcemap import SourceMap, loads

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT.parent / "shared" / "conformance" / "tc39-source-map-tests" / "resources"


def real_maps() -> list[Path]:
    # A local node_modules of the fixture is not part of it.
    fixtures = sorted(p for p in (ROOT / "fixtures").rglob("*.map") if "node_modules" not in p.parts)
    return fixtures + sorted(RESOURCES.glob("*.map"))


def assert_single_lookups_agree(path: Path) -> None:
    """``lookup(..., once=True)`` on a fresh load equals the lookup on a fully decoded map.

    Each one-shot lookup reads the whole map: a deterministic sample of 150
    mapped positions, 50 positions between mappings, and the first 50 line starts.
    """
    data = path.read_bytes()
    try:
        full = loads(data)
    except SmtoolsError:
        pytest.skip("not a loadable map")
    if "fixtures" in path.parts:
        assert isinstance(full, SourceMap)
    elif not isinstance(full, SourceMap):
        pytest.skip("an index map")
    rng = random.Random(path.name)
    tokens = list(full.tokens())
    probes = [(t.generated_line, t.generated_column) for t in rng.sample(tokens, min(150, len(tokens)))]
    probes += [(t.generated_line, t.generated_column + rng.randrange(1, 40))
               for t in rng.sample(tokens, min(50, len(tokens)))]
    probes += [(line, 0) for line in range(min(full.line_count + 1, 50))]
    for line, column in probes:
        assert loads(data).lookup(line, column, once=True) == full.lookup(line, column), (line, column)
