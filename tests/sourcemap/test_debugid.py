"""Debug-ID injection: id derivation, snippet placement, exact mapping shifts, atomic pair writes."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import sourcemap as oracle  # PyPI sourcemap 0.2.1: an independent decoder

from smtools.sourcemap import debugid, load, loads
from smtools.sourcemap.debugid import (
    add_comment,
    debug_id_from_bytes,
    inject,
    inject_bundle,
    insert_snippet,
    shift_mappings,
    snippet,
)

# sentry-api.md §5 (CODE_SNIPPET_TEMPLATE of current sentry-cli), copied verbatim
DOCUMENTED_SNIPPET = (
    '!function(){try{var e="undefined"!=typeof window?window:"undefined"!=typeof global?global:'
    '"undefined"!=typeof globalThis?globalThis:"undefined"!=typeof self?self:{},n=(new e.Error).stack;'
    'n&&(e._sentryDebugIds=e._sentryDebugIds||{},e._sentryDebugIds[n]="__SENTRY_DEBUG_ID__")}catch(e){}}();')
ID = "da39a3ee-5e6b-5b0d-b255-bfef95601890"
S = DOCUMENTED_SNIPPET.replace("__SENTRY_DEBUG_ID__", ID)


def test_id_is_sha1_with_version_5_and_rfc4122_variant() -> None:
    # sha1(b"") = da39a3ee5e6b4b0d3255bfef95601890afd80709; byte 6 0x4b -> 0x5b, byte 8 0x32 -> 0xb2
    assert debug_id_from_bytes(b"") == ID


def test_snippet_is_the_documented_one() -> None:
    assert snippet(ID) == S


@pytest.mark.parametrize("text, expected, point", [
    ("code();\n", f"\n{S}\ncode();\n", (0, 0)),
    ("   code()", f"\n{S}\n   code()", (0, 0)),
    ("#!/usr/bin/env node\ncode();", f"#!/usr/bin/env node\n\n{S}\ncode();", (1, 0)),
    ("/*! lic */\n// c\n\n'use strict';\ncode();",
     f"/*! lic */\n// c\n\n'use strict';\n{S}\n\ncode();", (3, 13)),
    ('"use strict";!function(){}();', f'"use strict";\n{S}\n!function(){{}}();', (0, 13)),
    ("/******/ (function(modules) {", f"/******/ \n{S}\n(function(modules) {{", (0, 9)),
    ("// a\r\ncode();", f"// a\r\n\r\n{S}\r\ncode();", (1, 0)),
])
def test_snippet_placement(text: str, expected: str, point: tuple[int, int]) -> None:
    assert insert_snippet(text, ID) == (expected, point)


@pytest.mark.parametrize("text, expected, line", [
    ("code();\n//# sourceMappingURL=a.js.map\n",
     f"code();\n//# debugId={ID}\n//# sourceMappingURL=a.js.map\n", 1),
    ("code();\n//# sourceMappingURL=a.js.map",
     f"code();\n//# debugId={ID}\n//# sourceMappingURL=a.js.map", 1),
    ("code();\n//@ sourceMappingURL=a.js.map\n\n",
     f"code();\n//# debugId={ID}\n//@ sourceMappingURL=a.js.map\n\n", 1),
    ("code();", f"code();\n//# debugId={ID}\n", None),
    ("code();\n", f"code();\n//# debugId={ID}\n", None),
    ("x = '//# sourceMappingURL=a.js.map';\ncode();\n",
     f"x = '//# sourceMappingURL=a.js.map';\ncode();\n//# debugId={ID}\n", None),
])
def test_debug_id_comment(text: str, expected: str, line: int | None) -> None:
    assert add_comment(text, ID) == (expected, line)


@pytest.mark.parametrize("mappings, line, column, expected", [
    ("AAAA;AACA", 1, 0, "AAAA;;;AACA"),
    ("AAAA;AACA", 0, 0, ";;AAAA;AACA"),
    ("AAAA;AACA", 5, 0, "AAAA;AACA"),                         # nothing mapped there
    # segments at columns 0, 13, 20 (hand-encoded): split exactly at 13 ...
    ("AAAA,aACA,OAAC;AACA", 0, 13, "AAAA;;AACA,OAAC;AACA"),
    # ... and at 10: the moved text starts with a copy of the mapping in force there
    ("AAAA,aACA,OAAC;AACA", 0, 10, "AAAA;;AAAA,GACA,OAAC;AACA"),
    ("AAAAC,aACA", 0, 5, "AAAAC;;AAAAA,QACA"),                 # the copy keeps the name field
    ("AAAA,aACA", 0, 30, "AAAA,aACA;;AAAA"),                   # split after the last segment
])
def test_shift_mappings(mappings: str, line: int, column: int, expected: str) -> None:
    assert shift_mappings(mappings, line, column, 2) == expected


def _moved(line: int, column: int, at: tuple[int, int], added: int) -> tuple[int, int]:
    """Where a generated position goes when ``added`` lines are inserted at ``at``."""
    if (line, column) < at:
        return line, column
    return line + added, column - at[1] if line == at[0] else column


def _oracle_load(path: Path) -> Any:
    data = json.loads(path.read_text())
    data.setdefault("names", [])   # the oracle insists on the key (the cheap variant has none)
    return oracle.loads(json.dumps(data))


def _oracle_tokens(path: Path) -> list[tuple]:
    return [(t.dst_line, t.dst_col, t.src, t.src_line, t.src_col, t.name) for t in _oracle_load(path)]


FIXTURE_PAIRS = ["dist/electron/main.js", "dist/electron/renderer.js",
                 *(f"variants/{v}/dist/electron/main.js" for v in (
                     "cheap-module-source-map", "hidden-source-map", "nosources-source-map",
                     "webpack-sources-101"))]


@pytest.mark.parametrize("pair", FIXTURE_PAIRS)
def test_every_fixture_mapping_resolves_as_before(fixture_dir: Path, tmp_path: Path, pair: str) -> None:
    bundle = Path(pair).name
    for name in (bundle, bundle + ".map"):
        shutil.copy(fixture_dir / Path(pair).parent / name, tmp_path / name)
    before = _oracle_tokens(tmp_path / (bundle + ".map"))
    text_before = (tmp_path / bundle).read_text()
    result = inject_bundle(tmp_path / bundle)
    assert result.bundle_changed and result.map_changed and result.id_from == "map-content"
    after_map = _oracle_load(tmp_path / (bundle + ".map"))
    text_after = (tmp_path / bundle).read_text()
    moved = [_moved(line, column, (0, 0), 2) for line, column, *_ in before]
    found = [after_map.lookup(*position) for position in moved]
    assert [(t.src, t.src_line, t.src_col, t.name) for t in found] == [
        (t[2], t[3], t[4], t[5]) for t in before]
    # the generated text at every mapping is the same text as before
    old_lines, new_lines = text_before.splitlines(), text_after.splitlines()
    assert all(old_lines[line][column:column + 8] == new_lines[nl][nc:nc + 8]
               for (line, column, *_), (nl, nc) in zip(before, moved, strict=True))
    assert load(tmp_path / (bundle + ".map")).debug_id == result.debug_id


MIDLINE_BUNDLE = '"use strict";var a=1;function f(){throw new Error("x")}f();'


def _midline_map() -> dict:
    # hand-written: segments at columns 0, 13, 17, 21, 34, 40 (some named), one source
    return {"version": 3, "sources": ["src/m.js"], "names": ["a", "f"], "sourcesContent": ["..."],
            "mappings": "AAAA,aACA,IAAIA,IACJ,aAAaC,MAAM"}


def test_split_line_resolves_every_column_as_before(tmp_path: Path) -> None:
    (tmp_path / "m.js").write_text(MIDLINE_BUNDLE + "\n//# sourceMappingURL=m.js.map\n")
    (tmp_path / "m.js.map").write_text(json.dumps(_midline_map()))
    before = loads(json.dumps(_midline_map()))
    inject_bundle(tmp_path / "m.js")
    after = load(tmp_path / "m.js.map")
    new_text = (tmp_path / "m.js").read_text().splitlines()
    assert new_text[0] == '"use strict";' and new_text[2] == MIDLINE_BUNDLE[13:]
    for column in range(len(MIDLINE_BUNDLE)):
        line, moved = _moved(0, column, (0, 13), 2)
        old = before.lookup(0, column, same_line=True)
        new = after.lookup(line, moved, same_line=True)
        assert (old and old.original, old and old.name) == (new and new.original, new and new.name), column


def test_node_still_runs_an_injected_bundle(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    import subprocess

    # without a map the snippet goes at the end (sentry-cli inject_at_end): count at exit
    (tmp_path / "m.js").write_text("'use strict';\nprocess.on('exit', () => "
                                   "console.log(Object.values(globalThis._sentryDebugIds).join()))\n")
    result = inject_bundle(tmp_path / "m.js")
    output = subprocess.run([node, str(tmp_path / "m.js")], capture_output=True, text=True, check=True)
    assert output.stdout.strip() == result.debug_id
    assert result.id_from == "bundle-content" and result.map_path is None


def _pair(tmp_path: Path, map_extra: dict | None = None, js_tail: str = "") -> tuple[Path, Path]:
    bundle, source_map = tmp_path / "a.js", tmp_path / "a.js.map"
    bundle.write_text(f"code();{js_tail}\n//# sourceMappingURL=a.js.map\n")
    source_map.write_text(json.dumps({"version": 3, "sources": ["a"], "names": [], "mappings": "AAAA",
                                      **(map_extra or {})}))
    return bundle, source_map


def test_pair_result_and_files(tmp_path: Path) -> None:
    bundle, source_map = _pair(tmp_path)
    expected_id = debug_id_from_bytes(source_map.read_bytes())
    result = inject_bundle(bundle)
    assert (result.debug_id, result.id_from, result.bundle_changed, result.map_changed) == (
        expected_id, "map-content", True, True)
    assert bundle.read_text() == (f"\n{snippet(expected_id)}\ncode();\n//# debugId={expected_id}\n"
                                  "//# sourceMappingURL=a.js.map\n")
    assert json.loads(source_map.read_text()) == {"version": 3, "sources": ["a"], "names": [],
                                                  "mappings": ";;AAAA", "debugId": expected_id}


def test_second_run_changes_nothing(tmp_path: Path) -> None:
    bundle, source_map = _pair(tmp_path)
    inject([tmp_path])
    snapshot = (bundle.read_bytes(), source_map.read_bytes())
    [again] = inject([tmp_path])
    assert not again.changed and again.id_from == "bundle"
    assert (bundle.read_bytes(), source_map.read_bytes()) == snapshot


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    bundle, source_map = _pair(tmp_path)
    snapshot = (bundle.read_bytes(), source_map.read_bytes())
    [result] = inject([tmp_path], dry_run=True)
    assert result.bundle_changed and result.map_changed
    assert (bundle.read_bytes(), source_map.read_bytes()) == snapshot
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.js", "a.js.map"]


@pytest.mark.parametrize("key", ["debugId", "debug_id"])
def test_id_already_in_the_map_is_kept(tmp_path: Path, key: str) -> None:
    bundle, source_map = _pair(tmp_path, {key: "9CF0B19F-5D15-5B12-9384-14C9DA844E85"})
    result = inject_bundle(bundle)
    assert (result.debug_id, result.id_from) == ("9cf0b19f-5d15-5b12-9384-14c9da844e85", "map")
    written = json.loads(source_map.read_text())
    assert written[key] == "9CF0B19F-5D15-5B12-9384-14C9DA844E85" and written["mappings"] == ";;AAAA"
    assert ("debugId" in written) == (key == "debugId")


def test_id_already_in_the_bundle_is_kept_and_copied_to_the_map(tmp_path: Path) -> None:
    existing = "11111111-2222-5333-8444-555555555555"
    bundle, source_map = _pair(tmp_path, js_tail=f"\n//# debugId={existing}")
    before = bundle.read_bytes()
    result = inject_bundle(bundle)
    assert (result.debug_id, result.id_from, result.bundle_changed, result.map_changed) == (
        existing, "bundle", False, True)
    assert bundle.read_bytes() == before
    assert json.loads(source_map.read_text())["debugId"] == existing
    assert json.loads(source_map.read_text())["mappings"] == "AAAA"


def test_different_ids_in_bundle_and_map_are_reported_not_changed(tmp_path: Path) -> None:
    bundle, _ = _pair(tmp_path, {"debugId": "11111111-2222-5333-8444-555555555555"},
                      js_tail="\n//# debugId=99999999-2222-5333-8444-555555555555")
    result = inject_bundle(bundle)
    assert not result.changed
    assert result.note == "map has another debug id 11111111-2222-5333-8444-555555555555"


def test_index_map_sections_are_shifted(tmp_path: Path) -> None:
    bundle = tmp_path / "a.js"
    bundle.write_text("code();\nmore();\n//# sourceMappingURL=a.js.map\n")
    section = {"version": 3, "sources": ["a"], "names": [], "mappings": "AAAA"}
    (tmp_path / "a.js.map").write_text(json.dumps({"version": 3, "sections": [
        {"offset": {"line": 0, "column": 0}, "map": section},
        {"offset": {"line": 1, "column": 0}, "map": section}]}))
    inject_bundle(bundle)
    written = json.loads((tmp_path / "a.js.map").read_text())
    assert [s["offset"] for s in written["sections"]] == [{"line": 2, "column": 0}, {"line": 3, "column": 0}]


def test_inline_map_is_rewritten_inside_the_bundle(tmp_path: Path) -> None:
    raw = json.dumps({"version": 3, "sources": ["a"], "names": [], "mappings": "AAAA"}).encode()
    bundle = tmp_path / "a.js"
    data = base64.b64encode(raw).decode()
    bundle.write_text(f"code();\n//# sourceMappingURL=data:application/json;base64,{data}\n")
    result = inject_bundle(bundle)
    assert (result.debug_id, result.map_path) == (debug_id_from_bytes(raw), None)
    url = bundle.read_text().splitlines()[-1].split("=", 1)[1]
    assert json.loads(base64.b64decode(url.split(",", 1)[1]))["mappings"] == ";;AAAA"


class _Crash(Exception):
    pass


def _crash_on_call(monkeypatch: pytest.MonkeyPatch, owner: object, name: str, number: int) -> None:
    real = getattr(owner, name)
    calls = []

    def flaky(*args: object) -> object:
        calls.append(args)
        if len(calls) == number:
            raise _Crash
        return real(*args)

    monkeypatch.setattr(owner, name, flaky)


def test_interrupted_between_the_two_renames_is_completed_by_the_next_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reference = tmp_path / "reference"
    reference.mkdir()
    _pair(reference)
    inject([reference])
    work = tmp_path / "work"
    work.mkdir()
    bundle, source_map = _pair(work)
    old_bundle = bundle.read_bytes()
    # os.replace calls: 1 the journal, 2 the map, 3 the bundle -> dies between map and bundle
    _crash_on_call(monkeypatch, debugid.os, "replace", 3)
    with pytest.raises(_Crash):
        inject([work])
    monkeypatch.undo()
    assert bundle.read_bytes() == old_bundle
    assert source_map.read_bytes() == (reference / "a.js.map").read_bytes()
    assert debugid.journal_path(bundle).exists()
    [result] = inject([work])
    assert result.recovered and not result.changed
    assert bundle.read_bytes() == (reference / "a.js").read_bytes()
    assert source_map.read_bytes() == (reference / "a.js.map").read_bytes()
    assert sorted(p.name for p in work.iterdir()) == ["a.js", "a.js.map"]


def test_interrupted_while_writing_leaves_both_files_old(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    bundle, source_map = _pair(tmp_path)
    snapshot = (bundle.read_bytes(), source_map.read_bytes())
    # the map's temporary file is written, the bundle's is not
    _crash_on_call(monkeypatch, debugid, "_write_temp", 2)
    with pytest.raises(_Crash):
        inject([tmp_path])
    assert (bundle.read_bytes(), source_map.read_bytes()) == snapshot
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.js", "a.js.map"]


def test_only_bundles_are_injected_even_when_named(tmp_path: Path) -> None:
    bundle, source_map = _pair(tmp_path)
    (tmp_path / "index.html").write_text("<html></html>")
    results = inject([bundle, source_map, tmp_path / "index.html"])
    assert [r.bundle for r in results] == [bundle]
    assert (tmp_path / "index.html").read_text() == "<html></html>"


def test_missing_path(tmp_path: Path) -> None:
    from smtools.errors import InputError

    with pytest.raises(InputError, match=r"no such file or directory: .*nowhere"):
        inject([tmp_path / "nowhere"])


def test_injected_fixture_bundle_still_crashes_at_the_documented_line(fixture_dir: Path,
                                                                      tmp_path: Path) -> None:
    """Run the injected main.js in node: its real trace still resolves to throw-sites.json."""
    import os
    import subprocess

    from smtools.stack.run import symbolicate_input

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    app = tmp_path / "HospitalDesk/resources/app.asar/dist/electron"
    shutil.copytree(fixture_dir / "dist/electron", app)
    [main] = [r for r in inject([app]) if r.bundle.name == "main.js"]
    env = {**os.environ, "NODE_PATH": str(fixture_dir / "stubs"), "SMTOOLS_FIXTURE_CRASH": "main-dose"}
    env.pop("NODE_OPTIONS", None)
    preload = str(fixture_dir / "scripts/lib/print-uncaught.js")
    run = subprocess.run([node, "-r", preload, str(app / "main.js")],
                         capture_output=True, env=env, cwd=tmp_path, timeout=60)
    assert run.returncode != 0 and b"main.js:3:" in run.stderr   # the code now starts on line 3
    sites = json.loads((fixture_dir / "throw-sites.json").read_text())
    site = next(s for s in sites if s["id"] == "main-dose")
    result = symbolicate_input(run.stderr, [tmp_path])
    throwing = result.resolutions[0]
    assert throwing.source is not None and throwing.source.endswith(site["source"])
    assert (throwing.line + 1, throwing.column + 1, throwing.name) == (  # type: ignore[operator]
        site["line"], site["column"], site["function"])
    assert load(app / "main.js.map").debug_id == main.debug_id


def test_every_mapping_of_the_inline_map_variant_resolves_as_before(fixture_dir: Path,
                                                                    tmp_path: Path) -> None:
    from smtools.sourcemap import find_source_mapping_url
    from smtools.sourcemap.discovery import decode_data_url

    bundle = tmp_path / "main.js"
    shutil.copy(fixture_dir / "variants/inline-source-map/dist/electron/main.js", bundle)

    def inline_map() -> Path:
        url = find_source_mapping_url(bundle.read_text())
        assert url is not None and url.startswith("data:")
        path = tmp_path / f"decoded-{len(list(tmp_path.iterdir()))}.map"
        path.write_bytes(decode_data_url(url))
        return path

    before = _oracle_tokens(inline_map())
    result = inject_bundle(bundle)
    assert (result.map_path, result.bundle_changed, result.map_changed) == (None, True, True)
    after = _oracle_load(inline_map())
    found = [after.lookup(line + 2, column) for line, column, *_ in before]
    assert [(t.src, t.src_line, t.src_col, t.name) for t in found] == [tuple(t[2:]) for t in before]
    assert len(before) > 500
