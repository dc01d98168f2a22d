"""Config rules on a copy of the electron-vue template and on edited configs.

Expected rule ids come from the research notes' devtool table (§3.1) and rules (§7);
expected lines were read off the data files by hand (0-based here).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from smtools.webpack.audit import audit_project
from smtools.webpack.findings import Finding
from smtools.webpack.project import find_project

EDITS = Path(__file__).resolve().parent / "data" / "edits"
RENDERER = ".electron-vue/webpack.renderer.config.js"
MAIN = ".electron-vue/webpack.main.config.js"
LOCK_1_4_3 = {
    "lockfileVersion": 3,
    "packages": {
        "": {},
        "node_modules/webpack-sources": {"version": "1.4.3"},
        "node_modules/babel-minify-webpack-plugin": {"version": "0.3.1"},
        "node_modules/webpack": {"version": "4.47.0"},
    },
}


def audit(root: Path) -> list[Finding]:
    return audit_project(find_project(root))[0]


def rules(findings: list[Finding], file: str | None = None) -> set[tuple[str, str]]:
    return {
        (item.rule, item.severity)
        for item in findings
        if file is None or (item.file is not None and item.file.as_posix().endswith(file))
    }


def renderer_with(devtool: str) -> str:
    text = (Path(__file__).parent / "data" / "electron-vue" / RENDERER).read_text(encoding="utf-8")
    assert "rendererConfig.devtool = ''" in text
    return text.replace("rendererConfig.devtool = ''", f"rendererConfig.devtool = {devtool}")


def test_stock_template_has_no_production_maps(electron_vue: Callable[..., Path]) -> None:
    findings = audit(electron_vue())
    got = {(item.rule, item.severity, item.file.name if item.file else None, item.line) for item in findings}
    assert got == {
        ("no-production-maps", "error", "webpack.main.config.js", None),
        ("no-production-maps", "error", "webpack.renderer.config.js", 101),
        ("no-production-maps", "warning", "webpack.web.config.js", 101),
    }
    renderer = next(item for item in findings if item.file and item.file.name == "webpack.renderer.config.js")
    assert renderer.message == "production devtool of renderer is '': no source maps are written"
    assert renderer.column == 2


@pytest.mark.parametrize(
    ("devtool", "expected"),
    [
        ("'source-map'", set()),
        ("'#source-map'", set()),
        ("false", {("no-production-maps", "error")}),
        ("'eval'", {("eval-devtool", "error")}),
        ("'eval-source-map'", {("eval-devtool", "error")}),
        (
            "'#cheap-module-eval-source-map'",
            {("eval-devtool", "error"), ("cheap-devtool-with-minifier", "error")},
        ),
        ("'cheap-module-source-map'", {("cheap-devtool-with-minifier", "error")}),
        ("'cheap-source-map'", {("cheap-devtool-with-minifier", "error")}),
        ("'nosources-source-map'", {("nosources-devtool", "warning")}),
        ("'inline-source-map'", {("inline-devtool", "warning")}),
        ("'hidden-source-map'", {("hidden-maps-not-uploaded", "warning")}),
        (
            "'hidden-nosources-source-map'",
            {("hidden-maps-not-uploaded", "warning"), ("nosources-devtool", "warning")},
        ),
    ],
)
def test_renderer_devtool_rules(
    electron_vue: Callable[..., Path], devtool: str, expected: set[tuple[str, str]]
) -> None:
    root = electron_vue({RENDERER: renderer_with(devtool), "package-lock.json": LOCK_1_4_3})
    assert rules(audit(root), RENDERER) == expected


@pytest.mark.parametrize(
    ("devtool", "fix"),
    [
        ("''", "use devtool: false instead"),
        ("'#source-map'", "use devtool: 'source-map' instead"),
        ("'cheap-module-eval-source-map'", "use devtool: 'eval-cheap-module-source-map' instead"),
    ],
)
def test_devtools_webpack5_rejects(
    electron_vue: Callable[..., Path], template_package: Callable[..., dict], devtool: str, fix: str
) -> None:
    manifest = template_package(
        devDependencies={"webpack": "^5.88.0", "babel-minify-webpack-plugin": "^0.3.1"}
    )
    root = electron_vue({RENDERER: renderer_with(devtool), "package.json": manifest})
    rejected = [
        item
        for item in audit(root)
        if item.rule == "devtool-rejected-by-webpack5"
        and item.file is not None
        and item.file.name == "webpack.renderer.config.js"
    ]
    assert len(rejected) == 1
    assert rejected[0].fix == fix
    assert "read from package.json devDependencies" in rejected[0].message


def test_webpack5_accepts_its_own_spelling(
    electron_vue: Callable[..., Path], template_package: Callable[..., dict]
) -> None:
    manifest = template_package(devDependencies={"webpack": "^5.88.0"})
    root = electron_vue({RENDERER: renderer_with("'eval-cheap-module-source-map'"), "package.json": manifest})
    assert "devtool-rejected-by-webpack5" not in {rule for rule, _ in rules(audit(root), RENDERER)}


@pytest.mark.parametrize(
    "upload",
    [
        {"scripts": {"upload": "sentry-cli sourcemaps upload --org x dist/electron"}},
        {"scripts": {"release": "npm run build && smtools upload dist/electron"}},
        {"scripts": {"maps": "sentry-cli releases files 1.0 upload-sourcemaps dist/electron"}},
    ],
)
def test_hidden_maps_with_an_upload_script(
    electron_vue: Callable[..., Path], template_package: Callable[..., dict], upload: dict
) -> None:
    root = electron_vue(
        {
            RENDERER: renderer_with("'hidden-source-map'"),
            "package.json": template_package(**upload),
            "package-lock.json": LOCK_1_4_3,
        }
    )
    assert rules(audit(root), RENDERER) == set()


def test_hidden_maps_with_the_sentry_webpack_plugin(electron_vue: Callable[..., Path]) -> None:
    text = renderer_with("'hidden-source-map'").replace(
        "rendererConfig.plugins.push(\n    new MinifyPlugin(),",
        "rendererConfig.plugins.push(\n    new MinifyPlugin(),\n"
        "    require('@sentry/webpack-plugin').sentryWebpackPlugin({ include: 'dist/electron' }),",
    )
    root = electron_vue({RENDERER: text, "package-lock.json": LOCK_1_4_3})
    assert rules(audit(root), RENDERER) == set()


def _lock_v3(top: str | None, nested: str | None) -> dict:
    packages: dict[str, dict] = {"": {}, "node_modules/babel-minify-webpack-plugin": {"version": "0.3.1"}}
    if top:
        packages["node_modules/webpack-sources"] = {"version": top}
    if nested:
        packages["node_modules/babel-minify-webpack-plugin/node_modules/webpack-sources"] = {
            "version": nested
        }
    return {"lockfileVersion": 3, "packages": packages}


def _lock_v1(top: str, nested: str | None) -> dict:
    plugin: dict = {"version": "0.3.1"}
    if nested:
        plugin["dependencies"] = {"webpack-sources": {"version": nested}}
    return {
        "lockfileVersion": 1,
        "dependencies": {"babel-minify-webpack-plugin": plugin, "webpack-sources": {"version": top}},
    }


YARN = """# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.
# yarn lockfile v1


babel-minify-webpack-plugin@^0.3.1:
  version "0.3.1"
  resolved "https://registry.yarnpkg.com/babel-minify-webpack-plugin/-/babel-minify-webpack-plugin-0.3.1.tgz"
  dependencies:
    babel-core "^6.26.0"
    babel-preset-minify "^0.3.0"
    webpack-sources "^1.0.1"

webpack-sources@^1.0.1, webpack-sources@^1.1.0:
  version "{version}"
  resolved "https://registry.yarnpkg.com/webpack-sources/-/webpack-sources-{version}.tgz"
  dependencies:
    source-list-map "^2.0.0"
    source-map "~0.6.1"
"""


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"package-lock.json": _lock_v3("1.1.0", None)}, "1.1.0 (package-lock.json)"),
        ({"package-lock.json": _lock_v3("1.4.3", "1.3.0")}, "1.3.0 (package-lock.json)"),
        ({"package-lock.json": _lock_v3("1.1.0", "1.4.3")}, None),  # the plugin's own copy wins
        ({"package-lock.json": _lock_v3("1.0.1", None)}, None),  # the 2018 workaround pin
        ({"package-lock.json": _lock_v3("1.0.2", None)}, "1.0.2 (package-lock.json)"),
        ({"npm-shrinkwrap.json": _lock_v3("1.2.0", None)}, "1.2.0 (npm-shrinkwrap.json)"),
        ({"package-lock.json": _lock_v1("1.4.3", "1.1.0")}, "1.1.0 (package-lock.json)"),
        ({"package-lock.json": _lock_v1("1.1.0", None)}, "1.1.0 (package-lock.json)"),
        ({"package-lock.json": _lock_v1("1.0.1", None)}, None),
        ({"yarn.lock": YARN.replace("{version}", "1.1.0")}, "1.1.0 (yarn.lock)"),
        ({"yarn.lock": YARN.replace("{version}", "1.4.3")}, None),
        (
            {"node_modules/webpack-sources/package.json": {"name": "webpack-sources", "version": "1.3.0"}},
            "1.3.0 (node_modules/webpack-sources/package.json)",
        ),
        (
            {
                "node_modules/webpack-sources/package.json": {"version": "1.3.0"},
                "node_modules/babel-minify-webpack-plugin/node_modules/webpack-sources/package.json": {
                    "version": "1.0.1"
                },
            },
            None,
        ),
    ],
)
def test_babel_minify_webpack_sources(
    electron_vue: Callable[..., Path], files: dict, expected: str | None
) -> None:
    root = electron_vue({RENDERER: renderer_with("'source-map'"), **files})
    found = [
        item
        for item in audit(root)
        if item.rule == "babel-minify-webpack-sources"
        and item.file is not None
        and item.file.name == "webpack.renderer.config.js"
    ]
    if expected is None:
        assert found == []
        return
    assert [(item.severity, item.line) for item in found] == [("error", 104)]
    assert found[0].message == (
        f"babel-minify-webpack-plugin resolves webpack-sources {expected} and devtool is "
        "'source-map': the build crashes (babel-minify-webpack-plugin#68)"
    )
    assert found[0].fix.startswith("pin webpack-sources 1.0.1")


def test_webpack_sources_unknown_is_said_not_guessed(electron_vue: Callable[..., Path]) -> None:
    root = electron_vue({RENDERER: renderer_with("'source-map'")})
    found = [item for item in audit(root) if item.rule == "babel-minify-webpack-sources"]
    assert {(item.severity, item.file.name if item.file else "") for item in found} == {
        ("info", "webpack.renderer.config.js")
    }
    assert found[0].message.startswith(
        "cannot tell which webpack-sources babel-minify-webpack-plugin resolves"
    )


def test_no_crash_condition_without_column_maps(
    electron_vue: Callable[..., Path], template_package: Callable[..., dict]
) -> None:
    # webpack 3 has no default minimizer: with babili and a cheap devtool the build does not crash (§4.2).
    manifest = template_package(
        devDependencies={"webpack": "^3.12.0", "babel-minify-webpack-plugin": "^0.3.1"}
    )
    root = electron_vue(
        {
            RENDERER: renderer_with("'cheap-module-source-map'"),
            "package.json": manifest,
            "package-lock.json": _lock_v3("1.1.0", None),
        }
    )
    assert "babel-minify-webpack-sources" not in {rule for rule, _ in rules(audit(root))}


def test_helper_requires_merge_and_disabled_minifier_maps(make_project: Callable[..., Path]) -> None:
    root = make_project({"package.json": {"name": "x", "devDependencies": {"webpack": "^4.47.0"}}})
    shutil.copy(EDITS / "helpers.config.js", root / "webpack.config.js")
    shutil.copytree(EDITS / "helpers", root / "helpers")
    findings = audit(root)
    assert rules(findings) == {("minifier-maps-disabled", "error")}
    (item,) = findings
    assert item.file == (root / "helpers" / "base.js").resolve()
    assert item.line == 5
    assert item.message == "MinifyPlugin is constructed with sourceMap: false"


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("spread.config.js", {("cheap-devtool-with-minifier", "error")}),
        ("exports-then-mutate.config.js", {("eval-devtool", "error")}),
        (
            "esm.config.mjs",
            {("devtool-and-sourcemap-plugin", "warning"), ("hidden-maps-not-uploaded", "warning")},
        ),
        ("spread-unknown.config.js", {("devtool-unknown", "warning")}),
        ("function.config.js", {("devtool-unknown", "warning")}),
    ],
)
def test_edited_configs(
    make_project: Callable[..., Path], config: str, expected: set[tuple[str, str]]
) -> None:
    suffix = ".mjs" if config.endswith(".mjs") else ".js"
    root = make_project({"package.json": {"name": "x", "devDependencies": {"webpack": "^4.47.0"}}})
    shutil.copy(EDITS / config, root / f"webpack.config{suffix}")
    assert rules(audit(root)) == expected


def test_exports_then_mutate_points_at_the_later_assignment(make_project: Callable[..., Path]) -> None:
    root = make_project({"package.json": {"name": "x"}})
    shutil.copy(EDITS / "exports-then-mutate.config.js", root / "webpack.config.js")
    (item,) = audit(root)
    assert (item.line, item.column) == (14, 2)
    assert (
        item.message == "production devtool of webpack.config.js is 'eval-source-map': no .map file, frames "
        "are eval'd module URLs"
    )


@pytest.mark.parametrize(
    ("config", "message", "line"),
    [
        ("syntax-error.config.js", "syntax error at line 6 of webpack.config.js", 5),
        ("handlebars.config.js", "syntax error at line 5 of webpack.config.js", 4),
    ],
)
def test_config_not_analysable(
    make_project: Callable[..., Path], config: str, message: str, line: int
) -> None:
    root = make_project({"package.json": {"name": "x"}})
    shutil.copy(EDITS / config, root / "webpack.config.js")
    (item,) = audit(root)
    assert (item.rule, item.severity, item.message, item.line) == (
        "config-not-analysable",
        "error",
        message,
        line,
    )


def test_typescript_config_is_not_analysed(make_project: Callable[..., Path]) -> None:
    root = make_project(
        {"package.json": {"name": "x"}, "webpack.config.ts": "export default {devtool: 'eval'}"}
    )
    (item,) = audit(root)
    assert (item.rule, item.severity) == ("config-not-analysable", "warning")


def test_broken_package_json(make_project: Callable[..., Path]) -> None:
    root = make_project(
        {"package.json": "{ not json", "webpack.config.js": "module.exports = {devtool: 'source-map'}"}
    )
    assert rules(audit(root)) == {("config-not-analysable", "error")}


def test_project_without_configs(make_project: Callable[..., Path]) -> None:
    root = make_project({"package.json": {"name": "x"}})
    assert rules(audit(root)) == {("config-not-found", "info")}


def test_no_project(tmp_path: Path) -> None:
    (item,) = audit(tmp_path)
    assert (item.rule, item.severity, item.file) == ("project-not-found", "info", None)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("mode: 'development',", set()),  # no default minimizer
        ("optimization: { minimize: false },", set()),
        ("", {("cheap-devtool-with-minifier", "error")}),  # webpack 4 falls back to production
        ("optimization: { minimizer: [] },", set()),  # minimizer list replaced, empty
    ],
)
def test_default_minimizer(make_project: Callable[..., Path], extra: str, expected: set) -> None:
    config = f"module.exports = {{ {extra} devtool: 'cheap-module-source-map' }}"
    root = make_project(
        {
            "package.json": {"name": "x", "devDependencies": {"webpack": "^4.47.0"}},
            "webpack.config.js": config,
        }
    )
    assert rules(audit(root)) == expected
