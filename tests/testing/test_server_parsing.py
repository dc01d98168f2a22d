"""The server's readers: artifact bundles, multipart bodies, assemble schemas."""

from __future__ import annotations

import pytest
from server_helpers import DEBUG_ID, RENDERER_JS, Entry, build_bundle, renderer_bundle

from smtools.testing import schema
from smtools.testing.bundle import BundleError, normalize_debug_id, parse_bundle
from smtools.testing.multipart import MultipartError, boundary_of, parse_multipart


def test_parse_renderer_bundle() -> None:
    bundle = parse_bundle(renderer_bundle(debug_id=DEBUG_ID, dist="win32"))
    assert bundle.header_version == 2
    assert bundle.bundle_id == "3cf2cfc6-d3c2-5105-a162-8451c8643cc8"
    assert [(f.path, f.url, f.type, f.debug_id) for f in bundle.files] == [
        ("files/_/_/renderer.js", "~/renderer.js", "minified_source", DEBUG_ID),
        ("files/_/_/renderer.js.map", "~/renderer.js.map", "source_map", DEBUG_ID)]
    assert bundle.files[0].content == RENDERER_JS
    assert {k: bundle.manifest[k] for k in ("org", "project", "release", "dist")} == {
        "org": "acme", "project": "desktop", "release": "1.0.0", "dist": "win32"}
    assert bundle.warnings == ()


@pytest.mark.parametrize("data, message", [
    (b"SYSB\x02\x00", "truncated SYSB header"),
    (b"PK\x03\x04 broken", "not a zip archive"),
    (build_bundle([], manifest_files=[]), "manifest.json: files is not an object"),
    (build_bundle([], manifest_files={"files/a": "x"}), "manifest entry 'files/a' is not an object"),
])
def test_parse_errors(data: bytes, message: str) -> None:
    with pytest.raises(BundleError, match=message):
        parse_bundle(data)


def test_zip_without_manifest() -> None:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("files/a.js", "a")
    with pytest.raises(BundleError, match=r"no manifest\.json"):
        parse_bundle(buffer.getvalue())


def test_bad_debug_ids_are_warnings() -> None:
    data = build_bundle([Entry("files/a.js", "~/a.js", "minified_source", b"a", {"debug-id": "nope"}),
                         ], debug_id="also-nope")
    bundle = parse_bundle(data)
    assert bundle.files[0].debug_id is None
    assert bundle.bundle_id is None
    assert bundle.warnings == ("files/a.js: debug-id 'nope' is not a debug id",
                               "manifest debug_id 'also-nope' is not a debug id")


def test_unlisted_zip_member_is_a_warning() -> None:
    data = build_bundle([Entry("files/a.js", "~/a.js", "source", b"a")],
                        manifest_files={})
    assert parse_bundle(data).warnings == ("files/a.js: in the zip but not in the manifest",)


@pytest.mark.parametrize("value, expected", [
    ("4A64C7DA-41E8-5519-AB4A-AAEDCA117352", "4a64c7da-41e8-5519-ab4a-aaedca117352"),
    ("4a64c7da41e85519ab4aaaedca117352", "4a64c7da-41e8-5519-ab4a-aaedca117352"),
    ("4a64c7da-41e8-5519-ab4a-aaedca117352-1a", "4a64c7da-41e8-5519-ab4a-aaedca117352"),
    ("c77e25" + "0" * 34, "c77e2500-0000-0000-0000-000000000000"),
    ("not-a-uuid", None), ("", None), (None, None), (42, None),
])
def test_normalize_debug_id(value: object, expected: str | None) -> None:
    assert normalize_debug_id(value) == expected


# -- multipart ----------------------------------------------------------------------------

BOUNDARY = "------------------------abcdefghijklmnopqrstuv"


def test_parse_curl_style_multipart_keeps_binary_bytes() -> None:
    data = b"\r\n--not-a-boundary\r\n\x00\xff\r\n"
    body = (f"--{BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="file_gzip"; filename="abc"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n").encode() + data + \
        (f"\r\n--{BOUNDARY}\r\n"
         'Content-Disposition: form-data; name="name"\r\n\r\n'
         f"~/app.js\r\n--{BOUNDARY}--\r\n").encode()
    parts = parse_multipart(body, BOUNDARY)
    assert [(p.name, p.filename, p.content_type) for p in parts] == [
        ("file_gzip", "abc", "application/octet-stream"), ("name", None, None)]
    assert parts[0].data == data
    assert parts[1].text == "~/app.js"


def test_multipart_with_preamble_and_rfc2231_filename() -> None:
    body = (f"preamble\r\n--{BOUNDARY}\r\n"
            "Content-Disposition: form-data; name=\"file\"; filename*=UTF-8''na%C3%AFve.js\r\n\r\n"
            f"x\r\n--{BOUNDARY}--").encode()
    assert parse_multipart(body, BOUNDARY)[0].filename == "naïve.js"


@pytest.mark.parametrize("body", [
    b"no boundary at all",
    f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunterminated".encode(),
    f"--{BOUNDARY}\r\nX-Other: 1\r\n\r\nx\r\n--{BOUNDARY}--".encode(),
    f"--{BOUNDARY}\r\nbad header line\r\n\r\nx\r\n--{BOUNDARY}--".encode(),
])
def test_malformed_multipart(body: bytes) -> None:
    with pytest.raises(MultipartError):
        parse_multipart(body, BOUNDARY)


@pytest.mark.parametrize("content_type, boundary", [
    (f"multipart/form-data; boundary={BOUNDARY}", BOUNDARY),
    ('multipart/form-data; boundary="a b"', "a b"),
    ("multipart/form-data", None),
    ("application/json", None),
])
def test_boundary_of(content_type: str, boundary: str | None) -> None:
    assert boundary_of(content_type) == boundary


# -- assemble schema (jsonschema's wording, sentry organization_artifactbundle_assemble.py) --

@pytest.mark.parametrize("data, message", [
    ([], "[] is not of type 'object'"),
    ({"chunks": [], "projects": []}, "'checksum' is a required property"),
    ({"checksum": "a" * 40, "chunks": [], "projects": [], "x": 1, "y": 2},
     "Additional properties are not allowed ('x', 'y' were unexpected)"),
    ({"checksum": "a" * 40, "chunks": "a", "projects": []}, "'a' is not of type 'array'"),
    ({"checksum": "a" * 40, "chunks": [], "projects": [1]}, "1 is not of type 'string'"),
    ({"checksum": "a" * 40, "chunks": [], "projects": [], "dist": None}, "None is not of type 'string'"),
    ({"checksum": "a" * 40, "chunks": [], "projects": ["p"], "version": "1", "dist": "d"}, None),
])
def test_artifact_bundle_schema(data: object, message: str | None) -> None:
    assert schema.validate(data, schema.ARTIFACT_BUNDLE_SCHEMA, schema.ARTIFACT_BUNDLE_REQUIRED) == message
