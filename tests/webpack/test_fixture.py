"""`check` on the real fixture build and every variant (expected verdicts: research notes §4.2/§7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from smtools.webpack.check import check

# (rule, severity) of errors and warnings per variant; infos left out. maps-packed-into-app is
# expected wherever a .map file is written: the template's build.files has no exclusion.
VARIANTS = {
    "no-devtool": {("no-production-maps", "error"), ("bundle-without-map", "error")},
    "eval": {("eval-devtool", "error"), ("bundle-without-map", "error")},
    "cheap-module-source-map": {
        ("cheap-devtool-with-minifier", "error"),
        ("map-foreign-sources", "error"),
        ("map-line-only", "error"),
        ("throw-site-mismatch", "error"),
        ("maps-packed-into-app", "warning"),
    },
    "hidden-source-map": {("hidden-maps-not-uploaded", "warning"), ("maps-packed-into-app", "warning")},
    "nosources-source-map": {
        ("nosources-devtool", "warning"),
        ("map-without-sources-content", "warning"),
        ("maps-packed-into-app", "warning"),
    },
    "inline-source-map": {("inline-devtool", "warning"), ("map-inline", "warning")},
    "webpack-sources-68": {
        ("babel-minify-webpack-sources", "error"),
        ("no-bundles", "error"),
        ("maps-packed-into-app", "warning"),
    },
    "webpack-sources-101": {("maps-packed-into-app", "warning")},
}


def significant(path: Path) -> set[tuple[str, str]]:
    return {(item.rule, item.severity) for item in check(path).findings if item.severity != "info"}


def test_good_build_passes(fixture_dir: Path) -> None:
    report = check(fixture_dir / "dist" / "electron")
    assert significant(fixture_dir / "dist" / "electron") == {("maps-packed-into-app", "warning")}
    assert not report.failed()
    assert report.failed(strict=True)
    assert [target.devtool for target in report.targets] == ["'source-map'"] * 3
    assert all(
        len(bundle.throw_results) >= 2 and all(r.ok for r in bundle.throw_results)
        for bundle in report.bundles
    )


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_variant(fixture_dir: Path, variant: str) -> None:
    build = fixture_dir / "variants" / variant
    if not (build / "dist" / "electron").is_dir():
        pytest.skip(f"variant {variant} has not been built")
    assert significant(build / "dist" / "electron") == VARIANTS[variant]


def test_webpack_sources_68_names_the_resolved_version(fixture_dir: Path) -> None:
    build = fixture_dir / "variants" / "webpack-sources-68"
    (item,) = [item for item in check(build).findings if item.rule == "babel-minify-webpack-sources"]
    assert item.message.startswith(
        "babel-minify-webpack-plugin resolves webpack-sources 1.1.0 (package-lock.json)"
    )


def test_project_root_and_dist_give_the_same_findings(fixture_dir: Path) -> None:
    by_root = {(f.rule, f.file, f.line) for f in check(fixture_dir).findings}
    by_dist = {(f.rule, f.file, f.line) for f in check(fixture_dir / "dist" / "electron").findings}
    assert by_root == by_dist
