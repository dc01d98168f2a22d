"""``smtools check``: exit codes, report formats, GitHub annotations, --list-rules."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from smtools.webpack.findings import RULES

BUNDLE = "var alpha=1;\n//# sourceMappingURL=app.js.map\n"
MAP = {
    "version": 3,
    "file": "app.js",
    "sources": ["webpack:///./src/a.js"],
    "sourcesContent": ["var alpha = 1;\n"],
    "names": ["alpha"],
    "mappings": "AAAA,IAAIA",
}


def make_project(
    root: Path, *, config: str = "module.exports = {devtool: 'source-map'}", source_map: dict | None = None
) -> Path:
    files = {
        "package.json": json.dumps({"name": "demo", "devDependencies": {"webpack": "^4.47.0"}}),
        "webpack.config.js": config,
        "src/a.js": "var alpha = 1;\n",
        "dist/electron/app.js": BUNDLE,
        "dist/electron/app.js.map": json.dumps(source_map or MAP),
    }
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    return root


def test_clean_project_exits_0(smtools: Callable, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(make_project(tmp_path))
    result = smtools("check", "dist/electron")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "smtools check dist/electron (project: .)"
    assert (
        "check passed: 0 error(s), 0 warning(s), 1 note(s) in 1 config target(s), 1 bundle(s)"
        in result.stdout
    )


def test_errors_exit_1_with_grouped_report(
    smtools: Callable, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(make_project(tmp_path, config="module.exports = {\n  devtool: 'eval'\n}\n"))
    result = smtools("check")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    start = lines.index("webpack.config.js")
    assert lines[start + 1].split() == [
        "2:3",
        "error",
        "eval-devtool",
        "production",
        "devtool",
        "of",
        "webpack.config.js",
        "is",
        "'eval':",
        "no",
        ".map",
        "file,",
        "frames",
        "are",
        "eval'd",
        "module",
        "URLs",
    ]
    assert lines[start + 2].strip() == "fix: use devtool: 'source-map' or 'hidden-source-map' in production"
    assert lines[-1] == "check FAILED: 1 error(s), 0 warning(s), 1 note(s) in 1 config target(s), 1 bundle(s)"


def test_warnings_fail_only_with_strict(smtools: Callable, tmp_path: Path) -> None:
    root = make_project(tmp_path, config="module.exports = {devtool: 'nosources-source-map'}")
    assert smtools("check", root).exit_code == 0
    assert smtools("check", root, "--strict").exit_code == 1


@pytest.mark.parametrize("path", ["does-not-exist", "/dev/null"])
def test_unusable_path_exits_3(
    smtools: Callable, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    monkeypatch.chdir(tmp_path)
    if path == "/dev/null" and not Path(path).exists():
        pytest.skip("no /dev/null")
    result = smtools("check", path)
    assert result.exit_code == 3
    reason = "No such file or directory" if path == "does-not-exist" else "not a file or folder"
    assert result.stderr == f"error: cannot use {path}: {reason}\n"


@pytest.mark.parametrize(("name", "hint"), [
    ("app.js.map", " (to check a map alone: smtools validate)"),
    ("notes.txt", ""),
])
def test_a_single_file_must_be_a_bundle(smtools: Callable, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        name: str, hint: str) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / name).write_text("{}")
    result = smtools("check", name)
    assert result.exit_code == 3
    assert result.stderr == f"error: cannot use {name}: not a folder or a .js/.mjs/.cjs bundle{hint}\n"


def test_a_single_bundle_is_checked(smtools: Callable, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.js").write_text("console.log(1)\n")
    result = smtools("check", "app.js", "--format", "json")
    assert result.exit_code == 1
    rules = {item["rule"] for item in json.loads(result.stdout)["findings"]}
    assert "bundle-without-map" in rules


def test_empty_folder_exits_1_without_traceback(smtools: Callable, tmp_path: Path) -> None:
    result = smtools("check", tmp_path, "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert {(item["rule"], item["severity"]) for item in data["findings"]} == {
        ("project-not-found", "info"),
        ("no-bundles", "error"),
    }
    assert result.stderr == ""


def test_json_document(smtools: Callable, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(
        make_project(tmp_path, config="module.exports = {\n  devtool: 'hidden-source-map'\n}\n")
    )
    result = smtools("check", ".", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert (data["passed"], data["strict"], data["root"]) == (True, False, ".")
    assert data["summary"] == {"errors": 0, "warnings": 1, "infos": 1}
    (finding,) = [item for item in data["findings"] if item["severity"] == "warning"]
    assert finding == {
        "rule": "hidden-maps-not-uploaded",
        "severity": "warning",
        "file": "webpack.config.js",
        "line": 2,
        "column": 3,
        "message": "production devtool 'hidden-source-map' of webpack.config.js hides the maps "
        "but no upload step was found",
        "fix": RULES["hidden-maps-not-uploaded"].fix,
    }
    assert data["targets"] == [
        {
            "file": "webpack.config.js",
            "target": "webpack.config.js",
            "devtool": "'hidden-source-map'",
            "mode": "production",
            "minifiers": ["webpack's default minimizer"],
        }
    ]
    assert data["bundles"] == [
        {
            "file": "dist/electron/app.js",
            "map": "comment",
            "map_file": "dist/electron/app.js.map",
            "names_checked": 1,
            "names_mismatched": 0,
            "throw_sites": [],
        }
    ]


def test_github_annotations(smtools: Callable, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = "module.exports = {\n  devtool: 'cheap-module-source-map'\n}\n"
    monkeypatch.chdir(make_project(tmp_path, config=config, source_map={**MAP, "file": "a,b:c%.js"}))
    result = smtools("check", "--format", "github")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "::notice title=throw-sites-skipped::no throw-sites.json in the project; end-to-end throw-site check "
        "skipped (fix: add throw-sites.json and traces/ to check known crash positions)",
        "::warning file=dist/electron/app.js.map,title=map-file-mismatch::app.js.map says file "
        "'a,b:c%25.js', not 'app.js' (fix: clean the dist folder before building)",
        "::error file=webpack.config.js,line=2,col=3,title=cheap-devtool-with-minifier::production devtool "
        "'cheap-module-source-map' of webpack.config.js is line-only while webpack's default minimizer "
        "minifies to one line (fix: use devtool: 'source-map' (columns) when minifying)",
    ]
    assert (
        result.stderr.strip() == "check FAILED: 1 error(s), 1 warning(s), 1 note(s) in 1 config target(s), "
        "1 bundle(s)"
    )


def test_github_property_escaping(smtools: Callable, tmp_path: Path) -> None:
    root = tmp_path / "a,b:c"
    root.mkdir()
    make_project(root, config="module.exports = {devtool: 'eval'}")
    result = smtools("check", root, "--format", "github")
    lines = [line for line in result.stdout.splitlines() if "eval-devtool" in line]
    assert len(lines) == 1
    assert "a%2Cb%3Ac/webpack.config.js" in lines[0]


def test_list_rules(smtools: Callable) -> None:
    result = smtools("check", "--list-rules")
    assert result.exit_code == 0
    for rule in RULES.values():
        assert f"{rule.id}  {rule.severity}  ({rule.half}, {rule.ref})" in result.stdout
        assert f"    fix: {rule.fix}" in result.stdout


def test_list_rules_json(smtools: Callable) -> None:
    result = smtools("check", "--list-rules", "--format", "json")
    data = json.loads(result.stdout)
    assert [item["id"] for item in data] == list(RULES)
    assert all(item["severity"] in ("error", "warning", "info") and item["fix"] for item in data)


def test_bad_option_is_usage_error(smtools: Callable) -> None:
    result = smtools("check", "--max-name-mismatch", "2")
    assert result.exit_code == 2


def test_help_has_example(smtools: Callable) -> None:
    result = smtools("check", "--help")
    assert result.exit_code == 0
    assert "smtools check fixtures/electron-vue-sample/dist/electron" in result.stdout


def test_fixture_good_build(smtools: Callable, fixture_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(fixture_dir.parents[1])
    result = smtools("check", "fixtures/electron-vue-sample/dist/electron")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1].startswith("check passed: 0 error(s), 1 warning(s)")


def test_fixture_cheap_build_fails(smtools: Callable, fixture_dir: Path) -> None:
    build = fixture_dir / "variants" / "cheap-module-source-map" / "dist" / "electron"
    if not build.is_dir():
        pytest.skip("variant not built")
    result = smtools("check", build, "--format", "json")
    assert result.exit_code == 1
    rules = {item["rule"] for item in json.loads(result.stdout)["findings"] if item["severity"] == "error"}
    assert {"cheap-devtool-with-minifier", "map-line-only", "map-foreign-sources"} <= rules
