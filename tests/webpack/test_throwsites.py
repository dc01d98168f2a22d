"""Throw sites: V8 frame reading, trace selection, and the fixture's documented positions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from smtools.sourcemap import SourceMap, load_for_bundle
from smtools.webpack.throwsites import check, find_sites, find_traces, top_frame


@pytest.mark.parametrize(
    ("line", "frame"),
    [
        ("    at e (/tmp/HospitalDesk/resources/app.asar/dist/electron/main.js:1:6902)", (0, 6901)),
        ("    at /tmp/HospitalDesk/resources/app.asar/dist/electron/main.js:1:7739", (0, 7738)),
        ("    at a.calculate (file:///tmp/App/resources/app.asar/dist/electron/renderer.js:7:43121)", None),
        ("    at o (C:\\Program Files\\App\\resources\\app.asar\\dist\\electron\\main.js:1:1216)", (0, 1215)),
        ("    at Module.<anonymous> (/x/dist/electron/main.js:3:8)", (2, 7)),
        ("    at Module._compile (node:internal/modules/cjs/loader:1521:14)", None),
        ("/tmp/HospitalDesk/resources/app.asar/dist/electron/main.js:1", None),
    ],
)
def test_top_frame(tmp_path: Path, line: str, frame: tuple[int, int] | None) -> None:
    trace = tmp_path / "trace.txt"
    trace.write_text(f"Error: boom\n{line}\n", encoding="utf-8")
    assert top_frame(trace, "main.js") == frame


def test_first_frame_into_the_bundle_wins(tmp_path: Path) -> None:
    trace = tmp_path / "trace.txt"
    trace.write_text(
        "Error: x\n    at f (/a/other.js:9:9)\n    at g (/a/main.js:1:20)\n    at h (/a/main.js:1:5)\n",
        encoding="utf-8",
    )
    assert top_frame(trace, "main.js") == (0, 19)


def test_sites_are_found_above_a_nested_build(tmp_path: Path) -> None:
    (tmp_path / "throw-sites.json").write_text(
        json.dumps(
            [
                {
                    "id": "boom",
                    "bundle": "main.js",
                    "source": "src/a.js",
                    "line": 3,
                    "column": 5,
                    "precision": "column",
                },
                {"id": "broken entry"},
            ]
        ),
        encoding="utf-8",
    )
    nested = tmp_path / "variants" / "v1"
    nested.mkdir(parents=True)
    folder, sites = find_sites(nested)
    assert folder == tmp_path
    assert [(site.id, site.source, site.line, site.column, site.precision) for site in sites] == [
        ("boom", "src/a.js", 2, 4, "column")
    ]


def test_traces_without_index(tmp_path: Path) -> None:
    (tmp_path / "traces").mkdir()
    (tmp_path / "traces" / "node-boom.txt").write_text("Error\n    at f (/x/main.js:1:3)\n", encoding="utf-8")
    (traces := find_traces(tmp_path, tmp_path, "main.js"))
    assert [(trace.file.name, trace.line, trace.column) for trace in traces] == [("node-boom.txt", 0, 2)]


def _map(fixture_dir: Path, build: str, bundle: str) -> SourceMap:
    source_map, _ = load_for_bundle(fixture_dir / build / "dist" / "electron" / bundle)
    assert isinstance(source_map, SourceMap)
    return source_map


@pytest.mark.parametrize("bundle", ["main.js", "renderer.js"])
def test_good_build_resolves_every_documented_site(fixture_dir: Path, bundle: str) -> None:
    folder, sites = find_sites(fixture_dir)
    traces = find_traces(folder, fixture_dir, bundle)
    results = check(sites, traces, _map(fixture_dir, ".", bundle))
    documented = {site.id for site in sites if site.bundle == bundle}
    assert {result.site.id for result in results} == documented
    assert all(result.ok for result in results), [r for r in results if not r.ok]


def test_cheap_build_resolves_to_the_bundle_itself(fixture_dir: Path) -> None:
    build = fixture_dir / "variants" / "cheap-module-source-map"
    folder, sites = find_sites(build)
    assert folder == fixture_dir
    results = check(sites, find_traces(folder, build, "main.js"), _map(fixture_dir, str(build), "main.js"))
    # research notes §4.2: cheap maps over minified code send every frame to 'webpack:///main.js' line 1.
    assert sorted(result.site.id for result in results) == ["main-callback", "main-dose", "main-nested"]
    assert {(result.source, result.line, result.ok) for result in results} == {("main.js", 0, False)}
