"""Artifact bundle format (sentry-api.md §4.4; sentry-cli-traffic.md s1/s2/s3)."""

from __future__ import annotations

import hashlib
import io
import json
import uuid
import zipfile
from pathlib import Path

import pytest

from smtools.sentry.artifacts import MINIFIED_SOURCE, SOURCE_MAP, Artifact
from smtools.sentry.bundle import build_bundle, bundle_path, split_chunks

JS = b"console.log(1)\n//# sourceMappingURL=renderer.js.map\n"
MAP = b'{"version":3,"sources":["a.js"],"names":[],"mappings":"AAAA"}'


def artifacts(prefix: str = "~", debug_id: str | None = None) -> list[Artifact]:
    js_headers = {"Sourcemap": "renderer.js.map"}
    map_headers = {}
    if debug_id:
        js_headers["debug-id"] = map_headers["debug-id"] = debug_id
    return [
        Artifact(Path("dist/renderer.js"), f"{prefix}/renderer.js", MINIFIED_SOURCE, JS,
                 js_headers, debug_id),
        Artifact(Path("dist/renderer.js.map"), f"{prefix}/renderer.js.map", SOURCE_MAP, MAP,
                 map_headers, debug_id),
    ]


def open_bundle(data: bytes) -> zipfile.ZipFile:
    assert data[:8] == bytes.fromhex("5359534202000000")  # "SYSB" + u32 LE 2
    return zipfile.ZipFile(io.BytesIO(data[8:]))


@pytest.mark.parametrize("url, expected", [
    ("~/renderer.js", "_/_/renderer.js"),
    ("~/a/b.js", "_/_/a/b.js"),
    ("https://host/a.js", "https/host/a.js"),
    ("app:///dist/electron/renderer.js", "app/_/dist/electron/renderer.js"),
])
def test_bundle_paths_match_sentry_cli(url: str, expected: str) -> None:
    assert bundle_path(url) == expected


def test_members_and_manifest_match_the_recorded_sentry_cli_bundle() -> None:
    built = build_bundle(artifacts(), org="acme", projects=["desktop"], release="1.0.0",
                         dist=None, chunk_size=8 * 1024 * 1024)
    archive = open_bundle(built.data)
    assert archive.namelist() == ["files/_/_/renderer.js", "files/_/_/renderer.js.map",
                                  "manifest.json"]
    assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in archive.infolist())
    assert all(info.compress_type == zipfile.ZIP_DEFLATED for info in archive.infolist())
    manifest = json.loads(archive.read("manifest.json"))
    # sentry-cli-traffic.md s1 manifest, with our own bundle debug_id.
    assert manifest == {
        "files": {"files/_/_/renderer.js": {"type": "minified_source", "url": "~/renderer.js",
                                            "headers": {"sourcemap": "renderer.js.map"}},
                  "files/_/_/renderer.js.map": {"type": "source_map", "url": "~/renderer.js.map"}},
        "debug_id": manifest["debug_id"], "org": "acme", "project": "desktop", "release": "1.0.0"}
    assert archive.read("files/_/_/renderer.js") == JS
    assert archive.read("files/_/_/renderer.js.map") == MAP


def test_dist_prefix_and_debug_ids_as_in_s2_and_s3() -> None:
    debug_id = "4a64c7da-41e8-5519-ab4a-aaedca117352"
    built = build_bundle(artifacts("app:///dist/electron", debug_id), org="acme",
                         projects=["desktop"], release="1.0.0", dist="win32", chunk_size=1 << 20)
    manifest = json.loads(open_bundle(built.data).read("manifest.json"))
    assert manifest["dist"] == "win32"
    files = manifest["files"]
    assert set(files) == {"files/app/_/dist/electron/renderer.js",
                          "files/app/_/dist/electron/renderer.js.map"}
    assert files["files/app/_/dist/electron/renderer.js"]["headers"] == {
        "debug-id": debug_id, "sourcemap": "renderer.js.map"}
    assert files["files/app/_/dist/electron/renderer.js.map"]["headers"] == {"debug-id": debug_id}


def test_manifest_omits_project_for_several_projects_and_release_when_absent() -> None:
    built = build_bundle(artifacts(), org="acme", projects=["a", "b"], release=None, dist=None,
                         chunk_size=1 << 20)
    manifest = json.loads(open_bundle(built.data).read("manifest.json"))
    assert "project" not in manifest and "release" not in manifest and "dist" not in manifest


def test_bundle_is_deterministic_and_independent_of_input_order() -> None:
    kwargs = {"org": "acme", "projects": ["desktop"], "release": "1", "dist": None,
              "chunk_size": 64}
    one = build_bundle(artifacts(), **kwargs)
    two = build_bundle(list(reversed(artifacts())), **kwargs)
    assert one.data == two.data
    assert one.checksum == hashlib.sha1(one.data).hexdigest()
    assert one.debug_id == two.debug_id


def test_bundle_debug_id_is_a_uuid5_that_changes_with_content() -> None:
    kwargs = {"org": "acme", "projects": ["desktop"], "release": "1", "dist": None,
              "chunk_size": 1 << 20}
    first = build_bundle(artifacts(), **kwargs).debug_id
    changed = artifacts()
    changed[0] = Artifact(changed[0].path, changed[0].url, MINIFIED_SOURCE, JS + b";",
                          changed[0].headers)
    assert uuid.UUID(first).version == 5
    assert uuid.UUID(first).variant == uuid.RFC_4122
    assert build_bundle(changed, **kwargs).debug_id != first


def test_chunks_are_consecutive_pieces_named_by_their_sha1() -> None:
    data = bytes(range(256)) * 10  # 2560 bytes
    chunks = split_chunks(data, 1000)
    assert [len(c.data) for c in chunks] == [1000, 1000, 560]
    assert b"".join(c.data for c in chunks) == data
    assert chunks[0].checksum == hashlib.sha1(data[:1000]).hexdigest()
    with pytest.raises(ValueError):
        split_chunks(data, 0)


def test_duplicate_member_paths_get_numeric_suffixes() -> None:
    # "~/a.js" and "http://~/a.js"-style collisions: same bundle path, distinct urls.
    same = [Artifact(Path("a.js"), "~/a.js", MINIFIED_SOURCE, b"1", {}),
            Artifact(Path("b.js"), "~//a.js", MINIFIED_SOURCE, b"2", {})]
    built = build_bundle(same, org="o", projects=["p"], release="1", dist=None, chunk_size=1 << 20)
    names = open_bundle(built.data).namelist()
    assert names == ["files/_/_/a.js", "files/_/_/a.js.1", "manifest.json"]
