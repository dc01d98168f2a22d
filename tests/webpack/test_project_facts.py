"""Project facts: devtool classification, lockfile resolution, packaging patterns, build scripts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from smtools.webpack.devtool import classify, webpack5_spelling
from smtools.webpack.jsvalues import UNDEFINED, Const
from smtools.webpack.packaging import build_script_mode, builder_files, cli_mode, packs, upload_step
from smtools.webpack.project import find_project, webpack_major
from smtools.webpack.versions import parse_yarn_lock, resolve, version_tuple


# research notes §3.1: map file / eval / cheap / inline / hidden / nosources / valid on webpack 5
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (UNDEFINED, (False, False, False, False, False, False, True)),
        (Const(False), (False, False, False, False, False, False, True)),
        (Const(""), (False, False, False, False, False, False, False)),
        (Const("eval"), (False, True, False, False, False, False, True)),
        (Const("eval-source-map"), (False, True, False, False, False, False, True)),
        (Const("cheap-module-eval-source-map"), (False, True, True, False, False, False, False)),
        (Const("eval-cheap-module-source-map"), (False, True, True, False, False, False, True)),
        (Const("source-map"), (True, False, False, False, False, False, True)),
        (Const("#source-map"), (True, False, False, False, False, False, False)),
        (Const("hidden-source-map"), (True, False, False, False, True, False, True)),
        (Const("nosources-source-map"), (True, False, False, False, False, True, True)),
        (Const("hidden-nosources-source-map"), (True, False, False, False, True, True, True)),
        (Const("inline-source-map"), (False, False, False, True, False, False, True)),
        (Const("cheap-source-map"), (True, False, True, False, False, False, True)),
        (Const("cheap-module-source-map"), (True, False, True, False, False, False, True)),
        (Const("source-map-debugids"), (True, False, False, False, False, False, True)),
        (
            Const("my-sourcemaps"),
            (True, False, False, False, False, False, False),
        ),  # substring match on wp3/4
    ],
)
def test_classify(value: object, expected: tuple[bool, ...]) -> None:
    devtool = classify(value)  # type: ignore[arg-type]
    assert devtool is not None
    got = (
        devtool.writes_file,
        devtool.eval,
        devtool.cheap,
        devtool.inline,
        devtool.hidden,
        devtool.nosources,
        devtool.webpack5_valid,
    )
    assert got == expected


@pytest.mark.parametrize(
    ("value", "spelled"),
    [
        ("#source-map", "source-map"),
        ("cheap-module-eval-source-map", "eval-cheap-module-source-map"),
        ("cheap-eval-source-map", "eval-cheap-source-map"),
        ("", "false"),
        ("@hidden-source-map", "hidden-source-map"),
    ],
)
def test_webpack5_spelling(value: str, spelled: str) -> None:
    assert webpack5_spelling(value) == spelled


def _write(root: Path, files: dict[str, object]) -> Path:
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return root


def test_lock_v2_walks_up_from_a_nested_dependent(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "package-lock.json": {
                "lockfileVersion": 2,
                "packages": {
                    "node_modules/a/node_modules/plugin": {"version": "1.0.0"},
                    "node_modules/a/node_modules/webpack-sources": {"version": "1.1.0"},
                    "node_modules/webpack-sources": {"version": "1.4.3"},
                },
            }
        },
    )
    resolved = resolve(tmp_path, "webpack-sources", dependent="plugin")
    assert resolved is not None and resolved.version == "1.1.0"


def test_nothing_says_is_none(tmp_path: Path) -> None:
    assert resolve(tmp_path, "webpack-sources", dependent="plugin") is None


def test_yarn_lock_with_scoped_names() -> None:
    entries = parse_yarn_lock(
        '"@babel/core@^7.0.0", "@babel/core@^7.1.0":\n  version "7.2.0"\n'
        '  dependencies:\n    debug "^4.1.0"\n'
    )
    assert entries["@babel/core@^7.1.0"]["version"] == "7.2.0"
    assert entries["@babel/core@^7.0.0"]["dependencies"] == {"debug": "^4.1.0"}


@pytest.mark.parametrize(
    ("text", "parsed"), [("1.3.0", (1, 3, 0)), ("v4", (4, 0, 0)), ("^4.15.1", (4, 15, 1)), ("latest", None)]
)
def test_version_tuple(text: str, parsed: tuple[int, int, int] | None) -> None:
    assert version_tuple(text) == parsed


def test_webpack_major_from_lockfile_then_range(tmp_path: Path) -> None:
    _write(tmp_path, {"package.json": {"devDependencies": {"webpack": "^3.5.2"}}})
    assert webpack_major(find_project(tmp_path)) == (3, "package.json devDependencies")
    _write(
        tmp_path,
        {
            "package-lock.json": {
                "lockfileVersion": 3,
                "packages": {"node_modules/webpack": {"version": "4.47.0"}},
            }
        },
    )
    assert webpack_major(find_project(tmp_path)) == (4, "package-lock.json")


@pytest.mark.parametrize(
    ("patterns", "path", "packed"),
    [
        (["dist/electron/**/*"], "dist/electron/main.js.map", True),
        (["dist/electron/**/*", "!**/*.map"], "dist/electron/main.js.map", False),
        (["dist/electron/**/*", "!**/*.{map,ts}"], "dist/electron/main.js.map", False),
        (["dist/electron/**/*", "!*.map"], "dist/electron/main.js.map", False),  # matchBase
        (["dist/electron/**/*", "!dist/electron/*.js.map"], "dist/electron/main.js.map", False),
        (["dist/electron/**/*", "!dist/web/**"], "dist/electron/main.js.map", True),
        (["dist/electron/*.js"], "dist/electron/main.js.map", False),
        ([], "dist/electron/main.js.map", True),  # default: everything
    ],
)
def test_electron_builder_patterns(patterns: list[str], path: str, packed: bool) -> None:
    assert packs(patterns, path) is packed


def test_builder_files_shapes() -> None:
    assert builder_files({"name": "x"}) is None
    assert builder_files({"build": {"appId": "x"}}) == []
    assert builder_files({"build": {"files": ["a", {"from": "b", "filter": ["!**/*.map"]}]}}) == [
        "a",
        "!**/*.map",
    ]


def test_scripts() -> None:
    manifest = {
        "scripts": {
            "pack": "webpack --mode=production --config a.js",
            "dev": "webpack --mode development",
            "up": "sentry-cli sourcemaps upload dist",
        }
    }
    assert cli_mode(manifest) == "production"
    assert upload_step(manifest) == "up"
    assert upload_step({"scripts": {"build": "webpack"}}) is None


def test_build_script_mode(tmp_path: Path) -> None:
    _write(
        tmp_path, {".electron-vue/build.js": "function pack (config) {\n  config.mode = 'production'\n}\n"}
    )
    assert build_script_mode(tmp_path) == "production"
    _write(tmp_path, {".electron-vue/build.js": "{{#if x}}"})
    assert build_script_mode(tmp_path) is None
