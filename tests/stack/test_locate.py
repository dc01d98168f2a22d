"""Frame URL → local file: normalisation, longest suffix, rules, debug IDs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from smtools.errors import InputError, UsageError
from smtools.stack.locate import FileIndex, UrlRule, is_runtime_url, parse_rule, url_segments

ELECTRON = ["dist", "electron", "renderer.js"]


@pytest.mark.parametrize("url, segments", [
    ("app:///dist/electron/renderer.js", ELECTRON),
    ("file:///C:/Program%20Files/App/resources/app.asar/dist/electron/renderer.js",
     ["C:", "Program Files", "App", "resources", "app.asar", *ELECTRON]),
    ("file:///Applications/App.app/Contents/Resources/app.asar/dist/electron/renderer.js",
     ["Applications", "App.app", "Contents", "Resources", "app.asar", *ELECTRON]),
    ("C:\\Program Files (x86)\\App\\resources\\app.asar\\dist\\electron\\renderer.js",
     ["C:", "Program Files (x86)", "App", "resources", "app.asar", *ELECTRON]),
    ("/tmp/HospitalDesk/resources/app.asar/dist/electron/renderer.js",
     ["tmp", "HospitalDesk", "resources", "app.asar", *ELECTRON]),
    ("~/dist/electron/renderer.js", ELECTRON),
    ("https://cdn.example.org/app/dist/electron/renderer.js?v=3#top", ["app", *ELECTRON]),
    ("webpack:///./src/main/dose.js", ["src", "main", "dose.js"]),
    ("webpack://hospital-desk/./src/main/dose.js", ["src", "main", "dose.js"]),
    ("dist/./electron/../electron/renderer.js", ELECTRON),
])
def test_url_segments(url: str, segments: list[str]) -> None:
    assert url_segments(url) == segments


@pytest.mark.parametrize("url, runtime", [
    ("node:internal/modules/cjs/loader", True),
    ("internal/modules/cjs/loader.js", True),
    ("node:electron/js2c/renderer_init", True),
    ("electron/js2c/browser_init.js", True),
    ("app:///dist/electron/main.js", False),
])
def test_runtime_urls(url: str, runtime: bool) -> None:
    assert is_runtime_url(url) is runtime


def _tree(root: Path, *names: str) -> Path:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("// " + name + "\n")
    return root


def test_longest_suffix_wins(tmp_path: Path) -> None:
    root = _tree(tmp_path, "dist/electron/renderer.js", "variants/eval/dist/electron/renderer.js",
                 "other/renderer.js")
    index = FileIndex([root])
    match = index.find("file:///C:/Program%20Files/App/resources/app.asar/dist/electron/renderer.js")
    assert match is not None
    assert (match.path, match.matched_by) == (root / "dist/electron/renderer.js", "url")


def test_tie_prefers_the_shorter_relative_path_then_the_earlier_root(tmp_path: Path) -> None:
    first = _tree(tmp_path / "a", "x/main.js")
    second = _tree(tmp_path / "b", "main.js")
    index = FileIndex([first, second])
    match = index.find("app:///main.js")
    assert match is not None and match.path == second / "main.js"
    index = FileIndex([second, first])
    match = index.find("app:///y/main.js")
    assert match is not None and match.path == second / "main.js"


def test_a_matching_base_name_is_required(tmp_path: Path) -> None:
    index = FileIndex([_tree(tmp_path, "dist/electron/main.js")])
    assert index.find("app:///dist/electron/renderer.js") is None


def test_map_without_its_bundle_is_found(tmp_path: Path) -> None:
    root = _tree(tmp_path, "maps/dist/electron/renderer.js.map")
    match = FileIndex([root]).find("app:///dist/electron/renderer.js")
    assert match is not None and match.path == root / "maps/dist/electron/renderer.js.map"


def test_case_insensitive_pass_for_windows_urls(tmp_path: Path) -> None:
    root = _tree(tmp_path, "dist/electron/renderer.js")
    match = FileIndex([root]).find("C:\\APP\\resources\\app.asar\\Dist\\Electron\\Renderer.js")
    assert match is not None and match.path == root / "dist/electron/renderer.js"


def test_node_modules_and_hidden_directories_are_not_indexed(tmp_path: Path) -> None:
    root = _tree(tmp_path, "node_modules/lib/main.js", ".cache/main.js")
    assert len(FileIndex([root])) == 0


def test_url_rule_comes_before_suffix_matching(tmp_path: Path) -> None:
    root = _tree(tmp_path, "dist/electron/main.js", "release/main.js")
    rule = UrlRule("app:///dist/electron", root / "release")
    match = FileIndex([root], [rule]).find("app:///dist/electron/main.js")
    assert match is not None and (match.path, match.matched_by) == (root / "release/main.js", "map-url")


def test_url_rule_decodes_percent_escapes(tmp_path: Path) -> None:
    root = _tree(tmp_path, "build/dist/main.js")
    rule = UrlRule("file:///C:/Program Files/App/resources/app.asar", root / "build")
    match = FileIndex([], [rule]).find("file:///C:/Program%20Files/App/resources/app.asar/dist/main.js")
    assert match is not None and match.path == root / "build/dist/main.js"


def test_longest_rule_prefix_first(tmp_path: Path) -> None:
    root = _tree(tmp_path, "a/x.js", "b/x.js")
    rules = [UrlRule("app:///", root / "a"), UrlRule("app:///dist/", root / "b")]
    match = FileIndex([], rules).find("app:///dist/x.js")
    assert match is not None and match.path == root / "b/x.js"


def test_parse_rule(tmp_path: Path) -> None:
    assert parse_rule(f"app:///dist/electron={tmp_path}") == UrlRule("app:///dist/electron", tmp_path)
    with pytest.raises(UsageError, match="bad --map-url 'nothing': expected PREFIX=DIR"):
        parse_rule("nothing")
    with pytest.raises(InputError, match="--map-url directory not found: "):
        parse_rule(f"app:///={tmp_path / 'missing'}")


def test_missing_maps_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"--maps directory not found: .*missing"):
        FileIndex([tmp_path / "missing"])


DEBUG_ID = "9cf0b19f-5d15-5b12-9384-14c9da844e85"


def test_debug_id_beats_the_url(tmp_path: Path) -> None:
    root = _tree(tmp_path, "dist/main.js")
    (root / "build-42").mkdir()
    (root / "build-42/bundle.js").write_text(
        f"code();\n//# debugId={DEBUG_ID}\n//# sourceMappingURL=bundle.js.map\n")
    match = FileIndex([root]).find("app:///dist/main.js", DEBUG_ID.upper())
    assert match is not None and (match.path, match.matched_by) == (root / "build-42/bundle.js", "debug-id")


def test_debug_id_found_in_a_map(tmp_path: Path) -> None:
    (tmp_path / "a.js.map").write_text(
        json.dumps({"version": 3, "sources": [], "mappings": "", "debug_id": DEBUG_ID}))
    match = FileIndex([tmp_path]).find("app:///elsewhere.js", DEBUG_ID)
    assert match is not None and match.path == tmp_path / "a.js.map"


def test_unknown_debug_id_falls_back_to_the_url(tmp_path: Path) -> None:
    root = _tree(tmp_path, "dist/main.js")
    match = FileIndex([root]).find("app:///dist/main.js", "00000000-0000-0000-0000-000000000000")
    assert match is not None and match.matched_by == "url"
