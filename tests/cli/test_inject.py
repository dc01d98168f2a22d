"""``smtools inject``: output lines, dry run, idempotence, errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

TINY = Path(__file__).resolve().parents[1] / "stack" / "data" / "tiny" / "dist"


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    target = tmp_path / "dist"
    shutil.copytree(TINY, target)
    return target


def _id_of(map_path: Path) -> str:
    import hashlib

    digest = bytearray(hashlib.sha1(map_path.read_bytes()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def test_inject_then_nothing_to_do(smtools, dist: Path) -> None:
    debug_id = _id_of(dist / "a.js.map")
    result = smtools("inject", dist)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"injected     {debug_id}  {dist / 'a.js'} + a.js.map  (id from map-content)\n"
    assert result.stderr == "1 bundles, 1 changed\n"
    assert f"//# debugId={debug_id}\n//# sourceMappingURL=a.js.map\n" in (dist / "a.js").read_text()
    assert json.loads((dist / "a.js.map").read_text())["debugId"] == debug_id
    again = smtools("inject", dist)
    assert again.stdout == f"unchanged    {debug_id}  {dist / 'a.js'} + a.js.map  (id from bundle)\n"
    assert again.stderr == "1 bundles, 0 changed\n"


def test_dry_run(smtools, dist: Path) -> None:
    before = (dist / "a.js").read_bytes(), (dist / "a.js.map").read_bytes()
    result = smtools("inject", "--dry-run", dist / "a.js")
    assert result.exit_code == 0
    assert result.stdout.startswith("would inject ")
    assert result.stderr == "1 bundles, 1 would change\n"
    assert ((dist / "a.js").read_bytes(), (dist / "a.js.map").read_bytes()) == before


def test_json(smtools, dist: Path) -> None:
    result = smtools("inject", dist, "--json")
    assert result.exit_code == 0 and result.stderr == ""
    assert json.loads(result.stdout) == {"dry_run": False, "bundles": [{
        "bundle": str(dist / "a.js"), "map": str(dist / "a.js.map"), "debug_id": json.loads(
            (dist / "a.js.map").read_text())["debugId"], "id_from": "map-content",
        "bundle_changed": True, "map_changed": True, "note": None, "recovered": False}]}


def test_stack_after_inject_still_resolves(smtools, dist: Path, tmp_path: Path) -> None:
    smtools("inject", dist)
    trace = tmp_path / "t.txt"
    trace.write_text("Error: x\n    at n (app:///dist/a.js:3:37)\n")   # two lines were inserted above
    result = smtools("stack", trace, "--maps", dist.parent)
    assert result.stdout.splitlines()[1] == "    at inner (webpack:///./src/a.js:5:9)"


def test_missing_path(smtools, tmp_path: Path) -> None:
    result = smtools("inject", tmp_path / "nope")
    assert result.exit_code == 3
    assert result.stderr == f"error: no such file or directory: {tmp_path / 'nope'}\n"


def test_no_path_and_no_dist(smtools, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = smtools("inject")
    assert result.exit_code == 2
    assert result.stderr == ("error: give the bundles or directories to inject, "
                             "e.g. smtools inject dist/electron\n")


def test_no_path_uses_dist(smtools, dist: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(dist.parent)
    assert smtools("inject").stderr == "1 bundles, 1 changed\n"


def test_broken_map(smtools, dist: Path) -> None:
    (dist / "a.js.map").write_text("{oops")
    result = smtools("inject", dist)
    assert result.exit_code == 3
    assert result.stderr.startswith(f"error: {dist / 'a.js.map'}: not valid json (")
