from __future__ import annotations

import json
from pathlib import Path


def test_valid_and_invalid_files(smtools, conformance_dir: Path) -> None:
    good = conformance_dir / "resources" / "basic-mapping.js"
    bad = conformance_dir / "resources" / "index-map-invalid-overlap.js.map"
    result = smtools("validate", good, bad)
    assert result.exit_code == 1
    assert f"{good} → {good}.map: valid" in result.stdout
    assert f"{bad}: 1 error(s)" in result.stdout
    assert "sections-overlap" in result.stdout
    assert result.stdout.strip().endswith("1 of 2 file(s) valid")


def test_all_valid_exits_zero(smtools, conformance_dir: Path) -> None:
    result = smtools("validate", conformance_dir / "resources" / "basic-mapping.js.map")
    assert result.exit_code == 0


def test_json_output(smtools, conformance_dir: Path) -> None:
    bad = conformance_dir / "resources" / "invalid-mapping-segment-negative-column.js.map"
    if not bad.exists():
        bad = next((conformance_dir / "resources").glob("*negative-column*.map"))
    data = json.loads(smtools("validate", bad, "--json").stdout)
    assert data["valid"] is False
    item = data["files"][0]["diagnostics"][0]
    assert item["code"] == "negative-generated-column" and item["severity"] == "error"
    assert item["line"] == 1  # 1-based in output


def test_unreadable_file_exits_three(smtools, tmp_path: Path, conformance_dir: Path) -> None:
    good = conformance_dir / "resources" / "basic-mapping.js.map"
    result = smtools("validate", good, tmp_path / "missing.map")
    assert result.exit_code == 3
    assert f"error: {tmp_path}/missing.map: no such file" in result.stderr
    assert "error: 1 of 2 file(s) could not be validated" in result.stderr


def test_hard_error_is_a_finding_not_a_crash(smtools, tmp_path: Path) -> None:
    (tmp_path / "zero.map").write_bytes(b"")
    (tmp_path / "bin.map").write_bytes(bytes(range(256)))
    result = smtools("validate", tmp_path / "zero.map", tmp_path / "bin.map", "--json")
    assert result.exit_code == 1
    codes = [f["diagnostics"][0]["code"] for f in json.loads(result.stdout)["files"]]
    assert codes == ["not-json", "not-json"]


def test_inline_map_in_js(smtools, tmp_path: Path) -> None:
    import base64

    payload = base64.b64encode(b'{"version":3,"sources":["a.js"],"mappings":"AAAA,,"}').decode()
    js = tmp_path / "inline.js"
    js.write_text(f"x();\n//# sourceMappingURL=data:application/json;base64,{payload}\n")
    result = smtools("validate", js)
    assert result.exit_code == 1
    assert f"{js} → inline map: 1 error(s)" in result.stdout
    assert "empty-segment" in result.stdout
