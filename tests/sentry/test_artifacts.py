"""Discovery, naming and linking of artifacts (sentry-api.md §3.4, §5)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fixtures_upload import MAP, MINIFIED, write_dist

from smtools.errors import InputError, SourceMapError, UsageError
from smtools.sentry.artifacts import NamingOptions, artifact_url, discover, strip_source_prefixes
from smtools.sentry.checks import check_maps, refuse_fatal

DEBUG_ID = "4a64c7da-41e8-5519-ab4a-aaedca117352"
OTHER_ID = "feff3330-3acf-5df7-9a95-97b3da52cb8a"


def names(found) -> list[str]:  # type: ignore[no-untyped-def]
    return [a.url for a in found.artifacts]


@pytest.mark.parametrize("prefix, expected", [
    ("~", "~/js/app.js"), ("~/", "~/js/app.js"), ("app:///", "app:///js/app.js"),
    ("app:///dist/electron", "app:///dist/electron/js/app.js"),
    ("https://cdn.example/static/", "https://cdn.example/static/js/app.js"),
])
def test_url_prefix_loses_one_trailing_slash(prefix: str, expected: str) -> None:
    # sentry-cli 2.58 sourcemaps/upload.rs: "~/" -> "~", "app:///" -> "app://", then "/" + path.
    assert artifact_url("js/app.js", prefix) == expected


def test_bundles_and_maps_named_relative_to_path(tmp_path: Path) -> None:
    dist = write_dist(tmp_path / "dist", files={
        "main.js": MINIFIED.replace("app.js.map", "main.js.map"), "main.js.map": json.dumps(MAP),
        "renderer/r.mjs": "x\n//# sourceMappingURL=r.mjs.map\n", "renderer/r.mjs.map":
            json.dumps(MAP), "lib.cjs": "module.exports=1\n", "index.html": "<html>",
        "style.css": "a{}"})
    found = discover([dist])
    assert names(found) == ["~/lib.cjs", "~/main.js", "~/main.js.map", "~/renderer/r.mjs",
                            "~/renderer/r.mjs.map"]
    by_name = {a.url: a for a in found.artifacts}
    assert by_name["~/main.js"].headers == {"Sourcemap": "main.js.map"}
    assert by_name["~/renderer/r.mjs"].headers == {"Sourcemap": "r.mjs.map"}
    assert by_name["~/main.js.map"].type == "source_map"
    assert by_name["~/lib.cjs"].type == "minified_source"
    assert [p.message for p in found.problems] == [
        "lib.cjs has no source map (no sourceMappingURL comment and no lib.cjs.map next to it)"]
    assert not any(p.fatal for p in found.problems)


def test_a_file_path_is_named_relative_to_its_parent(tmp_path: Path) -> None:
    dist = write_dist(tmp_path / "dist")
    found = discover([dist / "app.js"], naming=NamingOptions(url_prefix="app:///dist"))
    assert names(found) == ["app:///dist/app.js", "app:///dist/app.js.map"]


def test_hidden_source_map_sibling_gets_a_sourcemap_header(tmp_path: Path) -> None:
    dist = write_dist(tmp_path / "dist", files={"app.js": "a()\n", "app.js.map": json.dumps(MAP)})
    found = discover([dist])
    assert names(found) == ["~/app.js", "~/app.js.map"]
    assert found.artifacts[0].headers == {"Sourcemap": "app.js.map"}


def test_map_in_another_folder_is_named_by_resolving_the_reference(tmp_path: Path) -> None:
    root = tmp_path / "out"
    write_dist(root, files={"js/app.js": "a()\n//# sourceMappingURL=../maps/app.js.map\n",
                            "maps/app.js.map": json.dumps(MAP)})
    found = discover([root / "js"])
    assert names(found) == ["~/app.js", "~/maps/app.js.map"]
    assert found.artifacts[0].headers == {"Sourcemap": "../maps/app.js.map"}


def test_missing_map_is_a_fatal_problem(tmp_path: Path) -> None:
    dist = write_dist(tmp_path / "dist", files={"app.js": MINIFIED})
    found = discover([dist])
    assert names(found) == ["~/app.js"]
    assert [(p.message, p.fatal) for p in found.problems] == [
        ("app.js points to a source map that does not exist: app.js.map", True)]
    with pytest.raises(SourceMapError, match=r"refusing to upload 1 broken source map \(pass "
                                             r"--no-validate to upload anyway\): app\.js points"):
        refuse_fatal(found.problems)


def test_broken_map_fails_validation(tmp_path: Path) -> None:
    broken = dict(MAP, mappings="AAAA,ZZZZZZZZ")
    dist = write_dist(tmp_path / "dist", files={"app.js": MINIFIED,
                                                "app.js.map": json.dumps(broken)})
    problems = check_maps(discover([dist]))
    assert len(problems) == 1
    assert problems[0].fatal
    assert problems[0].message.startswith("app.js.map: segment 'ZZZZZZZZ'")


def test_valid_map_passes_validation(tmp_path: Path) -> None:
    assert check_maps(discover([write_dist(tmp_path / "dist")])) == []


def test_node_modules_always_skipped_and_ignore_globs(tmp_path: Path) -> None:
    dist = write_dist(tmp_path / "dist", files={
        "a.js": "a\n", "node_modules/dep/index.js": "d\n", "vendor/v.js": "v\n",
        "x/b.js": "b\n", "x/c.test.js": "c\n"})
    found = discover([dist], ignore=["vendor/", "*.test.js"])
    assert names(found) == ["~/a.js", "~/x/b.js"]


def test_ignore_file_uses_gitignore_syntax(tmp_path: Path) -> None:
    dist = write_dist(tmp_path / "dist", files={"a.js": "a\n", "legacy/l.js": "l\n",
                                                "keep/k.js": "k\n", "keep/skip.js": "s\n"})
    ignore = tmp_path / ".sentrycliignore"
    ignore.write_text("# comment\nlegacy/\nkeep/*\n!keep/k.js\n")
    found = discover([dist], ignore_file=ignore)
    assert names(found) == ["~/a.js", "~/keep/k.js"]
    with pytest.raises(InputError, match="cannot read ignore file"):
        discover([dist], ignore_file=tmp_path / "missing")


def test_debug_ids_from_bundle_and_map_become_headers(tmp_path: Path) -> None:
    js = f"a()\n//# sourceMappingURL=app.js.map\n//# debugId={DEBUG_ID}\n"
    dist = write_dist(tmp_path / "dist", files={"app.js": js,
                                                "app.js.map": json.dumps(dict(MAP, debugId=DEBUG_ID))})
    bundle, source_map = discover([dist]).artifacts
    assert bundle.headers == {"Sourcemap": "app.js.map", "debug-id": DEBUG_ID}
    assert source_map.headers == {"debug-id": DEBUG_ID}
    assert bundle.debug_id == source_map.debug_id == DEBUG_ID


def test_map_debug_id_is_shared_with_a_bundle_without_one(tmp_path: Path) -> None:
    dist = write_dist(tmp_path / "dist", files={
        "app.js": MINIFIED, "app.js.map": json.dumps(dict(MAP, debug_id=DEBUG_ID, debugId=OTHER_ID))})
    bundle, source_map = discover([dist]).artifacts
    # symbolic js.rs: "debug_id" wins over "debugId".
    assert source_map.debug_id == DEBUG_ID
    assert bundle.headers["debug-id"] == DEBUG_ID


def test_differing_debug_ids_are_warned(tmp_path: Path) -> None:
    js = f"a()\n//# sourceMappingURL=app.js.map\n//# debugId={DEBUG_ID}\n"
    dist = write_dist(tmp_path / "dist", files={"app.js": js,
                                                "app.js.map": json.dumps(dict(MAP, debugId=OTHER_ID))})
    found = discover([dist])
    assert [(p.message, p.fatal) for p in found.problems] == [
        (f"app.js has debug id {DEBUG_ID} but its map app.js.map has {OTHER_ID}", False)]


def test_shared_map_is_uploaded_once_and_orphan_maps_are_reported(tmp_path: Path) -> None:
    dist = write_dist(tmp_path / "dist", files={
        "a.js": "a\n//# sourceMappingURL=shared.map\n", "b.js": "b\n//# sourceMappingURL=shared.map\n",
        "shared.map": json.dumps(MAP), "orphan.js.map": json.dumps(MAP)})
    found = discover([dist])
    assert names(found) == ["~/a.js", "~/shared.map", "~/b.js"]
    assert [(p.name, reason) for p, reason in found.skipped] == [
        ("orphan.js.map", "no bundle refers to this map")]


def test_non_utf8_bundle_is_skipped(tmp_path: Path) -> None:
    dist = write_dist(tmp_path / "dist", files={"bin.js": b"\xff\xfe\x00junk", "a.js": "a\n"})
    found = discover([dist])
    assert names(found) == ["~/a.js"]
    assert [reason for _, reason in found.skipped] == ["not utf-8 text (sentry needs utf-8 sources)"]


def test_same_name_from_two_paths_is_a_usage_error(tmp_path: Path) -> None:
    one = write_dist(tmp_path / "one", files={"a.js": "1\n"})
    two = write_dist(tmp_path / "two", files={"a.js": "2\n"})
    with pytest.raises(UsageError, match=r"would both be uploaded as ~/a\.js"):
        discover([one, two])


def test_missing_path_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"no such file or directory: .*nowhere"):
        discover([tmp_path / "nowhere"])


def test_strip_prefix_rewrites_sources_inside_maps_only(tmp_path: Path) -> None:
    source_map = dict(MAP, sources=["webpack:///src/app.js", "other/x.js"])
    assert json.loads(strip_source_prefixes(json.dumps(source_map).encode(),
                                            ["webpack:///"]))["sources"] == ["src/app.js", "other/x.js"]
    dist = write_dist(tmp_path / "dist", files={"app.js": MINIFIED,
                                                "app.js.map": json.dumps(source_map)})
    found = discover([dist], naming=NamingOptions(strip_prefixes=("webpack:///",)))
    assert names(found) == ["~/app.js", "~/app.js.map"]
    assert json.loads(found.artifacts[1].content)["sources"] == ["src/app.js", "other/x.js"]


def test_inline_maps_are_validated_too(tmp_path: Path) -> None:
    import base64

    dist = tmp_path / "dist"
    dist.mkdir()
    broken = base64.b64encode(b'{"version":3,"sources":["a.js"],"mappings":"AAAA,,"}').decode()
    good = base64.b64encode(b'{"version":3,"sources":["a.js"],"mappings":"AAAA"}').decode()
    (dist / "bad.js").write_text(f"x();\n//# sourceMappingURL=data:application/json;base64,{broken}\n")
    (dist / "good.js").write_text(f"x();\n//# sourceMappingURL=data:application/json;base64,{good}\n")
    problems = check_maps(discover([dist]))
    assert [p.message for p in problems] == ["bad.js (inline map): empty segment at generated line 1, "
                                             "segment 2"]
