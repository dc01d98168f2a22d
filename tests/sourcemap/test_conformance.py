"""The official ECMA-426 conformance suite (tc39/source-map-tests), read in place."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from smtools.sourcemap import IndexMap, SourceMap, is_valid, load, loads, trace, validate

SUITE = Path(__file__).resolve().parents[2] / ".." / "shared" / "conformance" / "tc39-source-map-tests"
RESOURCES = SUITE / "resources"


def _cases() -> list[dict]:
    path = SUITE / "source-map-spec-tests.json"
    if not path.is_file():
        pytest.skip(f"conformance suite not found at {path}", allow_module_level=True)
    return json.loads(path.read_text())["tests"]


CASES = _cases()


@pytest.fixture(autouse=True, params=["default", "pure-python"])
def decoder(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run every case with the default decoder (C when built) and the pure-Python one."""
    if request.param == "pure-python":
        from smtools.sourcemap import speedups

        monkeypatch.setattr(speedups, "native_decode", None)
        monkeypatch.setattr(speedups, "native", None)
    return str(request.param)


def test_suite_has_all_99_cases() -> None:
    assert len(CASES) == 99


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_validity(case: dict) -> None:
    data = (RESOURCES / case["sourceMapFile"]).read_bytes()
    diagnostics = validate(data)
    assert is_valid(diagnostics) == case["sourceMapIsValid"], [d.message for d in diagnostics]
    if not case["sourceMapIsValid"]:
        assert all(d.code and d.message for d in diagnostics)


ACTION_CASES = [c for c in CASES if c.get("testActions")]


def _expected(action: dict) -> tuple:
    return (action["originalSource"], action["originalLine"], action["originalColumn"])


@pytest.mark.parametrize("case", ACTION_CASES, ids=[c["name"] for c in ACTION_CASES])
def test_actions(case: dict) -> None:
    source_map = load(RESOURCES / case["sourceMapFile"])
    for action in case["testActions"]:
        kind = action["actionType"]
        if kind == "checkMapping":
            found = source_map.original_position_for(action["generatedLine"],
                                                      action["generatedColumn"])
            got = (None, None, None) if found is None else (found.source, found.line, found.column)
            assert got == _expected(action), action
            name = None if found is None else found.name
            assert name == action["mappedName"], action
        elif kind == "checkMappingTransitive":
            chain = [source_map] + [load(RESOURCES / m) for m in action["intermediateMaps"]]
            found = trace(chain, action["generatedLine"], action["generatedColumn"])
            got = (None, None, None) if found is None else (found.source, found.line, found.column)
            assert got == _expected(action), action
        elif kind == "checkIgnoreList":
            sources = source_map.sources
            ignored = [s for s in sources if s is not None and source_map.is_ignored(s)]
            assert ignored == action["present"]
        else:  # pragma: no cover - a new action type in a future suite
            pytest.fail(f"unknown action type {kind}")


@pytest.mark.parametrize("case", ACTION_CASES, ids=[c["name"] for c in ACTION_CASES])
def test_reverse_lookup_of_each_checked_mapping(case: dict) -> None:
    # The extra check of mozilla's harness: original -> generated comes back.
    source_map = load(RESOURCES / case["sourceMapFile"])
    for action in case["testActions"]:
        if action["actionType"] != "checkMapping" or action["originalSource"] is None:
            continue
        found = source_map.generated_position_for(action["originalSource"],
                                                  action["originalLine"],
                                                  action["originalColumn"])
        assert found is not None, action
        back = source_map.original_position_for(found.line, found.column)
        assert back is not None and back[:3] == _expected(action)


def _lenient_json(text: str) -> object:
    # Three debug-id files have trailing commas (not strict JSON, see UPSTREAM.txt).
    return json.loads(re.sub(r",(\s*[}\]])", r"\1", text))


DEBUG_ID_MAPS = sorted((SUITE / "decoding" / "debug-id").glob("*.map"))


@pytest.mark.parametrize("path", DEBUG_ID_MAPS, ids=[p.name for p in DEBUG_ID_MAPS])
def test_debug_id_goldens(path: Path) -> None:
    golden = _lenient_json(Path(str(path) + ".golden").read_text())
    source_map = loads(_lenient_json(path.read_text()))
    assert source_map.file == golden["file"]
    assert source_map.debug_id == golden.get("debugId")
    assert list(source_map.sources) == [s["url"] for s in golden["sources"]]
    assert list(source_map.tokens()) == [] == golden["mappings"]
    expects_error = path.with_suffix(".error").exists()
    assert (not is_valid(source_map.diagnostics)) == expects_error
    assert isinstance(source_map, IndexMap if "sections" in path.read_text() else SourceMap)
