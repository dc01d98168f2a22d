"""Read what the audit needs from one webpack config file, statically, for the production build.

The file is evaluated with ``process.env.NODE_ENV === 'production'`` (electron-vue's
``build.js`` and ``pack:*`` scripts set it before loading the configs), relative
``require``s of helper files are read and evaluated the same way (never run),
and the exported config object (or each object of an exported array, or the
object returned by an exported function) becomes a :class:`ConfigFacts`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from smtools.errors import WebpackConfigError
from smtools.webpack.jseval import Evaluator
from smtools.webpack.jsparse import parse_file
from smtools.webpack.jsvalues import (
    UNDEFINED,
    Arr,
    Const,
    Function,
    Instance,
    Loc,
    Module,
    Obj,
    Unknown,
    Value,
    from_json,
)

PRODUCTION_ENV = {"NODE_ENV": "production"}
MINIFIERS = frozenset({"babel-minify", "babili", "uglifyjs", "terser", "esbuild"})
BABEL_MINIFIERS = {"babel-minify": "babel-minify-webpack-plugin", "babili": "babili-webpack-plugin"}
SENTRY_PACKAGES = ("@sentry/webpack-plugin", "webpack-sentry-plugin", "@sentry/cli")

_PLUGINS: dict[tuple[str, tuple[str, ...]], str] = {
    ("babel-minify-webpack-plugin", ()): "babel-minify",
    ("babili-webpack-plugin", ()): "babili",
    ("uglifyjs-webpack-plugin", ()): "uglifyjs",
    ("terser-webpack-plugin", ()): "terser",
    ("webpack", ("optimize", "UglifyJsPlugin")): "uglifyjs",
    ("esbuild-loader", ("ESBuildMinifyPlugin",)): "esbuild",
    ("esbuild-loader", ("EsbuildPlugin",)): "esbuild",
    ("webpack", ("SourceMapDevToolPlugin",)): "sourcemap-devtool",
    ("webpack", ("EvalSourceMapDevToolPlugin",)): "sourcemap-devtool",
}
_ELECTRON_VUE_TARGETS = {"webpack.main.config": "main", "webpack.renderer.config": "renderer",
                         "webpack.web.config": "web"}
_TARGETS = {"electron-main": "main", "electron-renderer": "renderer", "electron-preload": "preload",
            "web": "web"}


@dataclass(frozen=True)
class Plugin:
    """A plugin instance found in ``plugins`` or ``optimization.minimizer``."""

    kind: str                   # babel-minify, babili, uglifyjs, terser, sourcemap-devtool, sentry, other
    text: str                   # the constructor as written, e.g. "MinifyPlugin"
    package: str | None         # the npm package the constructor comes from
    loc: Loc | None
    conditional: bool
    maps_disabled: bool         # constructed with sourceMap: false
    where: str = "plugins"      # "plugins" or "optimization.minimizer"


@dataclass
class ConfigFacts:
    """The production view of one webpack configuration object."""

    path: Path
    target: str
    devtool: Value = UNDEFINED
    devtool_loc: Loc | None = None
    mode: Value = UNDEFINED
    minimize: Value = UNDEFINED
    plugins: list[Plugin] = field(default_factory=list)
    plugins_unknown: str | None = None
    minimizer_set: bool = False       # optimization.minimizer replaces webpack's default minimizer

    def has(self, *kinds: str) -> list[Plugin]:
        """The plugins of the given kinds."""
        return [plugin for plugin in self.plugins if plugin.kind in kinds]


class ModuleLoader:
    """Resolve relative ``require``s to helper files and evaluate them statically (cached)."""

    def __init__(self, root: Path | None, env: dict[str, str]) -> None:
        self.root = root
        self.env = env
        self.cache: dict[Path, Value] = {}

    def __call__(self, spec: str, from_file: Path) -> Value | None:
        if not spec.startswith((".", "/")):
            return None
        path = _resolve(from_file.parent / spec)
        if path is None:
            return Unknown(f"{spec} was not found")
        if self.root is not None and not path.is_relative_to(self.root):
            return Unknown(f"{spec} is outside the project")
        if path not in self.cache:
            self.cache[path] = Unknown(f"{spec} requires itself")   # cycle guard while loading
            self.cache[path] = self._load(path, spec)
        return self.cache[path]

    def _load(self, path: Path, spec: str) -> Value:
        try:
            if path.suffix == ".json":
                return from_json(json.loads(path.read_text(encoding="utf-8")))
            return evaluate(path, loader=self)
        except (OSError, ValueError, WebpackConfigError):
            return Unknown(f"{spec} cannot be analysed")


def _resolve(base: Path) -> Path | None:
    for candidate in (base, base.with_name(base.name + ".js"), base.with_name(base.name + ".json"),
                      base / "index.js"):
        if candidate.is_file():
            return candidate.resolve()
    return None


def evaluate(path: Path, *, loader: ModuleLoader) -> Value:
    """Parse and evaluate one file; return its ``module.exports`` (or ``export default``).

    Raises:
        WebpackConfigError: the file cannot be read or parsed cleanly.
    """
    return Evaluator(parse_file(path), env=dict(loader.env), loader=loader).run()


def read_config(path: Path, *, root: Path | None) -> list[ConfigFacts] | Unknown:
    """The production facts of every configuration a config file exports.

    Returns:
        One :class:`ConfigFacts` per exported configuration object, or
        :class:`Unknown` when the export itself cannot be known.

    Raises:
        WebpackConfigError: the file cannot be read or does not parse cleanly.
    """
    loader = ModuleLoader(root, PRODUCTION_ENV)
    exported = evaluate(path, loader=loader)
    if isinstance(exported, Function):
        evaluator = Evaluator(parse_file(path), env=dict(PRODUCTION_ENV), loader=loader)
        exported = evaluator.call(exported, [Unknown("the --env argument"),
                                             Obj(opaque="webpack command-line arguments")])
    if isinstance(exported, Arr) and not exported.opaque:
        objects = [slot.value for slot in exported.items]
    else:
        objects = [exported]
    if not all(isinstance(item, Obj) for item in objects):
        bad = next(item for item in objects if not isinstance(item, Obj))
        return bad if isinstance(bad, Unknown) else Unknown("the export is not a configuration object")
    return [facts(path, item, index if len(objects) > 1 else None)
            for index, item in enumerate(objects) if isinstance(item, Obj)]


def facts(path: Path, config: Obj, index: int | None = None) -> ConfigFacts:
    """Extract devtool, mode, minimizer settings and plugins from an evaluated config object."""
    result = ConfigFacts(path, _target(path, config, index))
    slot = config.props.get("devtool")
    result.devtool = config.get("devtool")
    result.devtool_loc = slot.loc if slot is not None else None
    result.mode = config.get("mode")
    optimization = config.get("optimization")
    result.minimize = optimization.get("minimize") if isinstance(optimization, Obj) else \
        optimization if isinstance(optimization, Unknown) else UNDEFINED
    _collect(result, config.get("plugins"), "plugins")
    if isinstance(optimization, Obj):
        result.minimizer_set = optimization.get("minimizer") is not UNDEFINED
        _collect(result, optimization.get("minimizer"), "optimization.minimizer")
    return result


def _collect(result: ConfigFacts, value: Value, where: str) -> None:
    if value is UNDEFINED:
        return
    if not isinstance(value, Arr):
        result.plugins_unknown = f"{where} is not known"
        return
    if value.opaque:
        result.plugins_unknown = value.opaque
    for slot in value.items:
        if isinstance(slot.value, Instance):
            result.plugins.append(_plugin(slot.value, slot.loc, slot.conditional, where))
        elif isinstance(slot.value, Unknown):
            result.plugins_unknown = f"an entry of {where}: {slot.value.reason}"


def _plugin(instance: Instance, loc: Loc | None, conditional: bool, where: str) -> Plugin:
    ctor = instance.ctor
    package = ctor.name if isinstance(ctor, Module) else None
    kind = "other"
    if isinstance(ctor, Module):
        path = ctor.path[:-1] if ctor.path[-1:] == ("default",) else ctor.path
        kind = _PLUGINS.get((ctor.name, path), "sentry" if ctor.name.startswith(SENTRY_PACKAGES) else "other")
    disabled = any(isinstance(arg, Obj) and arg.get("sourceMap") == Const(False) for arg in instance.args)
    return Plugin(kind, instance.text, package, loc, conditional, disabled, where)


def _target(path: Path, config: Obj, index: int | None) -> str:
    stem = path.name.removesuffix(".js")
    if stem in _ELECTRON_VUE_TARGETS:
        return _ELECTRON_VUE_TARGETS[stem]
    target = config.get("target")
    if isinstance(target, Const) and isinstance(target.value, str):
        return _TARGETS.get(target.value, target.value)
    return path.name if index is None else f"{path.name}[{index}]"
