"""Output verification on small hand-written bundles and maps, and on odd inputs (never a traceback)."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from smtools.errors import InputError
from smtools.webpack.check import check
from smtools.webpack.findings import Finding

# "var alpha = 1;" - mapping 0: generated col 0 -> a.js 1:1; mapping 1: col 4 -> 1:5 named "alpha".
BUNDLE = "var alpha=1;\n//# sourceMappingURL=app.js.map\n"
SOURCE = "var alpha = 1;\n"
MAP = {
    "version": 3,
    "file": "app.js",
    "sources": ["webpack:///./src/a.js"],
    "sourcesContent": [SOURCE],
    "names": ["alpha"],
    "mappings": "AAAA,IAAIA",
}


def project(
    make_project: Callable[..., Path],
    *,
    bundle: str | bytes = BUNDLE,
    source_map: object = MAP,
    extra: dict | None = None,
) -> Path:
    files: dict[str, object] = {
        "package.json": {"name": "demo"},
        "src/a.js": SOURCE,
        "dist/electron/app.js": bundle,
    }
    if source_map is not None:
        files["dist/electron/app.js.map"] = (
            source_map if not isinstance(source_map, dict) else json.dumps(source_map)
        )
    files.update(extra or {})
    return make_project(files)


def output_rules(findings: list[Finding]) -> set[tuple[str, str]]:
    config_side = {"project-not-found", "config-not-found", "throw-sites-skipped"}
    return {(item.rule, item.severity) for item in findings if item.rule not in config_side}


def test_good_pair_is_clean(make_project: Callable[..., Path]) -> None:
    report = check(project(make_project) / "dist" / "electron")
    assert output_rules(report.findings) == set()
    (bundle,) = report.bundles
    assert (bundle.map_kind, bundle.names.checked if bundle.names else None) == ("comment", 1)


def test_each_map_is_decoded_once(make_project: Callable[..., Path],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # Validation and the checks share one decode (a 43 MB map takes seconds in pure Python).
    from smtools.sourcemap import model

    calls = []
    decode = model._mappings.decode
    monkeypatch.setattr(model._mappings, "decode", lambda *args: calls.append(args) or decode(*args))
    check(project(make_project) / "dist" / "electron")
    assert len(calls) == 1


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"file": "other.js"}, {("map-file-mismatch", "warning")}),
        ({"sourcesContent": [None]}, {("map-without-sources-content", "warning")}),
        ({"sources": ["webpack:///webpack/bootstrap"]}, {("map-foreign-sources", "error")}),
        ({"sources": ["webpack:///app.js"]}, {("map-foreign-sources", "error")}),
        ({"sources": ["/home/builder/demo/src/a.js"]}, {("map-source-paths-absolute", "info")}),
        ({"mappings": "AAAA,IAAGA"}, {("map-names-mismatch", "error")}),  # name 1 column early
        ({"mappings": "AAAA;;;IAAIA"}, {("map-mappings-out-of-range", "error")}),  # line 4 of a 3-line bundle
        (
            {"mappings": "AAAA,IAAIA,2BAAA"},
            {("map-mappings-out-of-range", "error")},
        ),  # column 31 of a 12-char line
        ({"names": [], "mappings": "AAAA,IAAIA"}, {("map-invalid", "error")}),  # name index out of range
        ({"version": 2}, {("map-invalid", "error")}),
    ],
)
def test_map_problems(make_project: Callable[..., Path], change: dict, expected: set) -> None:
    report = check(project(make_project, source_map={**MAP, **change}) / "dist" / "electron")
    assert output_rules(report.findings) == expected


def test_missing_map_file(make_project: Callable[..., Path]) -> None:
    report = check(project(make_project, source_map=None) / "dist" / "electron")
    (item,) = [item for item in report.findings if item.rule == "map-reference-broken"]
    assert item.message == "app.js points to 'app.js.map', which does not exist"


def test_no_comment_no_sibling(make_project: Callable[..., Path]) -> None:
    report = check(project(make_project, bundle="var a=1;\n", source_map=None) / "dist" / "electron")
    assert output_rules(report.findings) == {("bundle-without-map", "error")}


def test_hidden_map_found_as_sibling(make_project: Callable[..., Path]) -> None:
    report = check(project(make_project, bundle="var alpha=1;\n") / "dist" / "electron")
    assert output_rules(report.findings) == set()
    assert report.bundles[0].map_kind == "sibling"


def test_inline_map(make_project: Callable[..., Path]) -> None:
    payload = base64.b64encode(json.dumps(MAP).encode()).decode()
    bundle = f"var alpha=1;\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,{payload}\n"
    report = check(project(make_project, bundle=bundle, source_map=None) / "dist" / "electron")
    assert output_rules(report.findings) == {("map-inline", "warning")}


def test_broken_inline_map(make_project: Callable[..., Path]) -> None:
    bundle = "var alpha=1;\n//# sourceMappingURL=data:application/json;base64\n"
    report = check(project(make_project, bundle=bundle, source_map=None) / "dist" / "electron")
    assert output_rules(report.findings) == {("map-inline", "warning"), ("map-reference-broken", "error")}


def test_eval_bundle_is_named_in_the_message(make_project: Callable[..., Path]) -> None:
    bundle = 'eval("var a = 1;\\n//# sourceURL=webpack:///./src/a.js?");\n'
    report = check(project(make_project, bundle=bundle, source_map=None) / "dist" / "electron")
    (item,) = [item for item in report.findings if item.rule == "bundle-without-map"]
    assert "eval devtool output" in item.message


def test_line_only_map_of_minified_bundle(make_project: Callable[..., Path]) -> None:
    line = "var alpha=1;" * 100  # 1200 characters: minified-looking
    bundle = line + "\n//# sourceMappingURL=app.js.map\n"
    cheap = {**MAP, "names": [], "mappings": "AAAA,YAAA"}  # col 0 and col 12, both original column 0
    report = check(project(make_project, bundle=bundle, source_map=cheap) / "dist" / "electron")
    assert output_rules(report.findings) == {("map-line-only", "error")}


# -- odd inputs: a finding or an InputError, never a traceback -------------------------------------


def test_missing_path_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"cannot use .*nope"):
        check(tmp_path / "nope")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a fifo")
def test_fifo_is_an_input_error(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a file or folder"):
        check(fifo)


def test_empty_folder(tmp_path: Path) -> None:
    report = check(tmp_path)
    assert {(item.rule, item.severity) for item in report.findings} == {
        ("project-not-found", "info"),
        ("no-bundles", "error"),
    }


def test_bundles_without_package_json(tmp_path: Path) -> None:
    (tmp_path / "app.js").write_text(BUNDLE, encoding="utf-8")
    (tmp_path / "app.js.map").write_text(
        json.dumps({**MAP, "sources": ["webpack:///./src/a.js"]}), encoding="utf-8"
    )
    report = check(tmp_path)
    assert {(item.rule, item.severity) for item in report.findings} == {
        ("project-not-found", "info"),
        ("throw-sites-skipped", "info"),
    }
    assert report.targets == []
    assert len(report.bundles) == 1


def test_binary_file_named_js(make_project: Callable[..., Path]) -> None:
    root = project(make_project, extra={"dist/electron/icon.js": b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"})
    report = check(root / "dist" / "electron")
    (item,) = [item for item in report.findings if item.rule == "bundle-unreadable"]
    assert (item.severity, item.message) == ("warning", "icon.js is a binary file")


def test_latin1_file_named_js(make_project: Callable[..., Path]) -> None:
    root = project(make_project, extra={"dist/electron/old.js": "var s = 'caf\xe9';".encode("latin-1")})
    report = check(root / "dist" / "electron")
    assert ("bundle-unreadable", "warning") in output_rules(report.findings)


def test_zero_byte_map(make_project: Callable[..., Path]) -> None:
    report = check(project(make_project, source_map=b"") / "dist" / "electron")
    (item,) = [item for item in report.findings if item.rule == "map-invalid"]
    assert (item.severity, item.message) == ("error", "app.js.map is empty (0 bytes)")


@pytest.mark.parametrize("payload", [b"not json at all", b"[1, 2]", b"\xff\xfe\x00garbage", b'{"version": 3'])
def test_garbage_map(make_project: Callable[..., Path], payload: bytes) -> None:
    report = check(project(make_project, source_map=payload) / "dist" / "electron")
    assert ("map-invalid", "error") in output_rules(report.findings)


def test_map_is_a_directory(make_project: Callable[..., Path]) -> None:
    root = project(make_project, source_map=None)
    (root / "dist" / "electron" / "app.js.map").mkdir()
    report = check(root / "dist" / "electron")
    assert ("map-reference-broken", "error") in output_rules(report.findings)


def test_unreadable_bundle(make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(make_project)
    original = Path.read_bytes

    def deny(self: Path) -> bytes:
        if self.name == "app.js":
            raise PermissionError(13, "Permission denied")
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", deny)
    report = check(root / "dist" / "electron")
    (item,) = [item for item in report.findings if item.rule == "bundle-unreadable"]
    assert item.message == "cannot read app.js: Permission denied"


def test_unreadable_config(make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(make_project, extra={"webpack.config.js": "module.exports = {devtool: 'source-map'}"})
    original = Path.read_bytes

    def deny(self: Path) -> bytes:
        if self.name == "webpack.config.js":
            raise PermissionError(13, "Permission denied")
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", deny)
    (item,) = [item for item in check(root).findings if item.rule == "config-not-analysable"]
    assert item.message == "cannot read webpack.config.js: Permission denied"


def test_huge_single_line_bundle(make_project: Callable[..., Path]) -> None:
    # 20 MB on one line, map found through the trailing comment (scanned from the end).
    body = "var alpha=1;" + "x" * (20 * 1024 * 1024)
    bundle = body + "\n//# sourceMappingURL=app.js.map"
    report = check(project(make_project, bundle=bundle) / "dist" / "electron")
    assert output_rules(report.findings) == set()
    assert report.bundles[0].map_kind == "comment"


def test_single_file_path(make_project: Callable[..., Path]) -> None:
    root = project(make_project)
    report = check(root / "dist" / "electron" / "app.js")
    assert [bundle.path.name for bundle in report.bundles] == ["app.js"]
    assert report.project.root == root.resolve()


def test_project_root_uses_dist_electron(make_project: Callable[..., Path]) -> None:
    root = project(make_project, extra={"dist/web/web.js": "var w;"})
    report = check(root)
    assert [bundle.path.name for bundle in report.bundles] == ["app.js"]


def test_root_without_dist(make_project: Callable[..., Path]) -> None:
    root = make_project({"package.json": {"name": "demo"}})
    (item,) = [item for item in check(root).findings if item.rule == "no-bundles"]
    assert item.message == f"no dist/electron or dist folder in {root.name}"


@pytest.mark.parametrize(
    ("files", "packed"),
    [
        (["dist/electron/**/*"], True),
        (["dist/electron/**/*", "!**/*.map"], False),
        (["dist/electron/*.js"], False),
    ],
)
def test_maps_packed_into_the_app(make_project: Callable[..., Path], files: list[str], packed: bool) -> None:
    root = project(make_project, extra={"package.json": {"name": "demo", "build": {"files": files}}})
    found = [item for item in check(root).findings if item.rule == "maps-packed-into-app"]
    assert len(found) == int(packed)
    if packed:
        assert found[0].message == (
            "dist/electron/app.js.map would be packed into the app: electron-builder "
            "files has no '!**/*.map' exclusion"
        )
        assert (found[0].file, found[0].line) == (root.resolve() / "package.json", 3)


def test_maps_packed_judged_from_the_configs_before_a_build(electron_vue: Callable[..., Path]) -> None:
    renderer = ".electron-vue/webpack.renderer.config.js"
    text = (Path(__file__).parent / "data" / "electron-vue" / renderer).read_text(encoding="utf-8")
    root = electron_vue(
        {renderer: text.replace("rendererConfig.devtool = ''", "rendererConfig.devtool = 'source-map'")}
    )
    (item,) = [item for item in check(root).findings if item.rule == "maps-packed-into-app"]
    assert item.message.startswith("dist/electron/renderer.js.map would be packed into the app")
