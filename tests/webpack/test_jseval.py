"""The static evaluator on the JavaScript idioms webpack configs use (expected values: JS semantics)."""

from __future__ import annotations

from pathlib import Path

import pytest

from smtools.errors import ConfigSyntaxError
from smtools.webpack.configs import PRODUCTION_ENV, ModuleLoader, evaluate
from smtools.webpack.jsvalues import UNDEFINED, Arr, Const, Instance, Module, Obj, Unknown, Value


def run(tmp_path: Path, source: str, name: str = "webpack.config.js") -> Value:
    path = tmp_path / name
    path.write_text(source, encoding="utf-8")
    return evaluate(path, loader=ModuleLoader(tmp_path, PRODUCTION_ENV))


def devtool(tmp_path: Path, source: str) -> Value:
    exported = run(tmp_path, source)
    assert isinstance(exported, Obj)
    return exported.get("devtool")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("module.exports = {devtool: 'source-map'}", Const("source-map")),
        ("module.exports = {}", UNDEFINED),
        ("module.exports = {devtool: false}", Const(False)),
        (
            "module.exports = {devtool: process.env.NODE_ENV === 'production' ? 'source-map' : 'eval'}",
            Const("source-map"),
        ),
        ("module.exports = {devtool: process.env.NODE_ENV !== 'production' ? 'eval' : false}", Const(False)),
        (
            "const isProd = process.env.NODE_ENV === 'production'\n"
            "module.exports = {devtool: isProd && 'hidden-source-map'}",
            Const("hidden-source-map"),
        ),
        (
            "const dev = process.env.NODE_ENV === 'development'\n"
            "module.exports = {devtool: dev ? 'eval' : 'source-map'}",
            Const("source-map"),
        ),
        (
            "const mode = process.env.NODE_ENV || 'development'\n"
            "module.exports = {devtool: mode == 'production' ? 'source-map' : 'eval'}",
            Const("source-map"),
        ),
        ("module.exports = {devtool: `source-map`}", Const("source-map")),
        ("module.exports = {devtool: 'source' + '-map'}", Const("source-map")),
        ("module.exports = {['dev' + 'tool']: 'source-map'}", Const("source-map")),
        ("module.exports = {'devtool': \"source\\u002dmap\"}", Const("source-map")),
        (
            "module.exports = {devtool: process.env.DEVTOOL || 'source-map'}",
            Unknown("an environment variable set at build time"),
        ),
    ],
)
def test_production_value_of_devtool(tmp_path: Path, source: str, expected: Value) -> None:
    assert devtool(tmp_path, source) == expected


def test_assignment_in_production_branch_overrides_base(tmp_path: Path) -> None:
    source = """
    let config = { devtool: '#cheap-module-eval-source-map' }
    if (process.env.NODE_ENV === 'production') {
      config.devtool = ''
    } else {
      config.devtool = 'eval'
    }
    module.exports = config
    """
    assert devtool(tmp_path, source) == Const("")


def test_assignment_under_unknown_condition_is_unknown(tmp_path: Path) -> None:
    source = """
    let config = { devtool: 'source-map' }
    if (process.env.CI) { config.devtool = 'eval' }
    module.exports = config
    """
    value = devtool(tmp_path, source)
    assert isinstance(value, Unknown)
    assert "process.env.CI" in value.reason


def test_same_value_under_unknown_condition_stays_known(tmp_path: Path) -> None:
    source = """
    let config = { devtool: 'source-map' }
    if (process.env.CI) { config.devtool = 'source-map' }
    module.exports = config
    """
    assert devtool(tmp_path, source) == Const("source-map")


def test_exports_then_mutation_is_seen(tmp_path: Path) -> None:
    source = "const c = {devtool: 'source-map'}\nmodule.exports = c\nc.devtool = 'eval'\n"
    assert devtool(tmp_path, source) == Const("eval")


def test_spread_order_decides(tmp_path: Path) -> None:
    before = "const b = {devtool: 'eval'}\nmodule.exports = {...b, devtool: 'source-map'}"
    after = "const b = {devtool: 'eval'}\nmodule.exports = {devtool: 'source-map', ...b}"
    assert devtool(tmp_path, before) == Const("source-map")
    assert devtool(tmp_path, after) == Const("eval")


def test_unknown_spread_after_a_key_makes_it_unknown(tmp_path: Path) -> None:
    source = "module.exports = {devtool: 'source-map', ...require('preset')()}"
    assert isinstance(devtool(tmp_path, source), Unknown)


def test_object_assign_and_webpack_merge(tmp_path: Path) -> None:
    assign = "const c = {devtool: 'eval'}\nObject.assign(c, {devtool: 'source-map'})\nmodule.exports = c"
    merged = (
        "const merge = require('webpack-merge')\n"
        "module.exports = merge({devtool: 'eval', plugins: [1]}, {devtool: 'source-map', plugins: [2]})"
    )
    assert devtool(tmp_path, assign) == Const("source-map")
    exported = run(tmp_path, merged)
    assert isinstance(exported, Obj)
    assert exported.get("devtool") == Const("source-map")
    plugins = exported.get("plugins")
    assert isinstance(plugins, Arr)
    assert [slot.value for slot in plugins.items] == [Const(1), Const(2)]  # webpack-merge concatenates


def test_local_function_and_helper_file(tmp_path: Path) -> None:
    (tmp_path / "tools.js").write_text(
        "module.exports = function pick (env) {\n"
        "  if (env === 'production') return 'source-map'\n"
        "  return 'eval'\n}\n",
        encoding="utf-8",
    )
    source = "const pick = require('./tools')\nmodule.exports = {devtool: pick(process.env.NODE_ENV)}"
    assert devtool(tmp_path, source) == Const("source-map")


def test_return_under_unknown_condition_is_unknown(tmp_path: Path) -> None:
    source = (
        "function pick () { if (process.env.X) { return 'eval' } return 'source-map' }\n"
        "module.exports = {devtool: pick()}"
    )
    assert isinstance(devtool(tmp_path, source), Unknown)


def test_missing_helper_is_unknown_not_an_error(tmp_path: Path) -> None:
    source = "const base = require('./nope')\nmodule.exports = {...base}"
    exported = run(tmp_path, source)
    assert isinstance(exported, Obj)
    assert isinstance(exported.get("devtool"), Unknown)


def test_circular_helper_requires_terminate(tmp_path: Path) -> None:
    (tmp_path / "a.js").write_text(
        "const b = require('./b')\nmodule.exports = {devtool: 'source-map', b}", encoding="utf-8"
    )
    (tmp_path / "b.js").write_text("module.exports = require('./a')", encoding="utf-8")
    assert devtool(tmp_path, "module.exports = require('./a')") == Const("source-map")


def test_require_bindings_and_new(tmp_path: Path) -> None:
    source = """
    const { VueLoaderPlugin } = require('vue-loader')
    const webpack = require('webpack')
    module.exports = {
      plugins: [new VueLoaderPlugin(), new webpack.optimize.UglifyJsPlugin({sourceMap: true})]
    }
    """
    exported = run(tmp_path, source)
    assert isinstance(exported, Obj)
    plugins = exported.get("plugins")
    assert isinstance(plugins, Arr)
    ctors = [slot.value.ctor for slot in plugins.items if isinstance(slot.value, Instance)]
    assert ctors == [
        Module("vue-loader", ("VueLoaderPlugin",)),
        Module("webpack", ("optimize", "UglifyJsPlugin")),
    ]


def test_filter_boolean_drops_false_entries(tmp_path: Path) -> None:
    source = (
        "const P = require('p')\nconst dev = false\nmodule.exports = {plugins: [dev && new P(), new P()]"
        ".filter(Boolean)}"
    )
    exported = run(tmp_path, source)
    assert isinstance(exported, Obj)
    plugins = exported.get("plugins")
    assert isinstance(plugins, Arr)
    assert len(plugins.items) == 1


def test_esm_default_export(tmp_path: Path) -> None:
    source = (
        "import merge from 'webpack-merge'\nexport default merge({devtool: 'eval'}, {devtool: 'source-map'})"
    )
    exported = run(tmp_path, source, "webpack.config.mjs")
    assert isinstance(exported, Obj)
    assert exported.get("devtool") == Const("source-map")


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "module.exports = {\n  devtool: 'source-map',\n  plugins: [\n",
            "syntax error at line 3 of webpack.config.js (unexpected end of file)",
        ),
        ("let c = {\n{{#if eslint}}\n}\nmodule.exports = c\n", "syntax error at line 2 of webpack.config.js"),
        (
            "module.exports = {devtool: 'source-map' plugins: []}\n",
            "syntax error at line 1 of webpack.config.js",
        ),
    ],
)
def test_syntax_error_is_refused_with_its_line(tmp_path: Path, source: str, message: str) -> None:
    with pytest.raises(ConfigSyntaxError) as raised:
        run(tmp_path, source)
    assert str(raised.value) == message


def test_deep_nesting_is_refused_not_crashed(tmp_path: Path) -> None:
    source = "module.exports = " + "[" * 3000 + "]" * 3000
    with pytest.raises(Exception) as raised:
        run(tmp_path, source)
    assert type(raised.value).__name__ in ("WebpackConfigError", "ConfigSyntaxError")
