"""Assemble: the state machine, missingChunks, and what ends up stored (sentry-api.md §4.4-4.5)."""

from __future__ import annotations

import pytest
from server_helpers import (
    DEBUG_ID,
    ORG,
    PROJECT,
    RENDERER_JS,
    RENDERER_MAP,
    Api,
    Entry,
    build_bundle,
    renderer_bundle,
    sha1,
    split_chunks,
)

CREATED = {"state": "created", "missingChunks": []}
OK = {"state": "ok", "detail": None, "missingChunks": []}


def error(detail: str) -> dict:
    return {"state": "error", "detail": detail, "missingChunks": []}


def test_modern_assemble_first_reports_missing_chunks(make_server) -> None:
    server = make_server()
    api = Api(server.url)
    bundle = renderer_bundle()
    chunks = split_chunks(bundle, 300)
    assert len(chunks) == 3
    ids = [sha1(c) for c in chunks]
    assert api.assemble(bundle, chunks).json() == {"state": "not_found", "missingChunks": ids}
    api.upload_chunks(chunks[:1])
    assert api.assemble(bundle, chunks).json() == {"state": "not_found", "missingChunks": ids[1:]}
    api.upload_chunks(chunks[1:])
    assert api.assemble(bundle, chunks, version="1.0.0").json() == CREATED
    assert api.assemble(bundle, chunks, version="1.0.0").json() == OK


def test_assembled_bundle_is_stored_with_names_headers_contents(api: Api, server) -> None:
    bundle = renderer_bundle(debug_id=DEBUG_ID)
    api.upload_bundle(bundle, version="1.0.0")
    stored = [(a.name, a.type, a.headers, a.content, a.debug_id, a.release, a.dist, a.projects, a.source)
              for a in server.artifacts()]
    assert stored == [
        ("~/renderer.js", "minified_source", {"debug-id": DEBUG_ID, "sourcemap": "renderer.js.map"},
         RENDERER_JS, DEBUG_ID, "1.0.0", None, (PROJECT,), "artifact-bundle"),
        ("~/renderer.js.map", "source_map", {"debug-id": DEBUG_ID}, RENDERER_MAP, DEBUG_ID, "1.0.0", None,
         (PROJECT,), "artifact-bundle"),
    ]
    [stored_bundle] = server.bundles
    assert (stored_bundle.bundle_id, stored_bundle.checksum, stored_bundle.header_version) == \
        ("3cf2cfc6-d3c2-5105-a162-8451c8643cc8", sha1(bundle), 2)
    assert stored_bundle.warnings == ()
    assert server.artifacts()[0].sha1 == sha1(RENDERER_JS)


def test_second_upload_needs_no_chunks(api: Api, server) -> None:
    bundle = renderer_bundle()
    api.upload_bundle(bundle, version="1.0.0")
    before = len(server.requests)
    assert api.assemble(bundle, version="1.0.0").json() == OK
    assert [r.chunk_bytes for r in server.requests[before:]] == [0]


def test_poll_of_unknown_checksum_without_chunks(api: Api) -> None:
    body = {"checksum": "a" * 40, "chunks": [], "projects": [PROJECT]}
    response = api.post(f"api/0/organizations/{ORG}/artifactbundle/assemble/", json=body)
    assert response.json() == {"state": "not_found", "missingChunks": []}


def test_v1_server_does_not_report_missing_chunks(make_server) -> None:
    server = make_server(mode="artifact-bundles-v1")
    api = Api(server.url)
    bundle = renderer_bundle()
    assert api.assemble(bundle, version="1.0.0").json() == CREATED
    assert api.assemble(bundle, version="1.0.0").json() == error("Not all chunks available for assembling")
    assert server.artifacts() == []


def test_checksum_mismatch(api: Api, server) -> None:
    bundle = renderer_bundle()
    api.upload_chunks([bundle])
    body = {"checksum": sha1(b"other"), "chunks": [sha1(bundle)], "projects": [PROJECT], "version": "1"}
    path = f"api/0/organizations/{ORG}/artifactbundle/assemble/"
    assert api.post(path, json=body).json() == CREATED
    assert api.post(path, json=body).json() == error("Reported checksum mismatch")
    assert server.artifacts() == []


@pytest.mark.parametrize("bundle, reason", [
    (b"this is not a zip", "not a zip archive"),
    (build_bundle([], manifest_files={"files/a.js": {"type": "source", "url": "~/a.js"}}),
     "'files/a.js' is not in the zip"),
    (build_bundle([Entry("files/a.js", "", "source", b"x")]), "'files/a.js' has no url"),
    (b"SYSB\x01\x00\x00\x00" + build_bundle([], sysb=False), "unsupported SYSB bundle version 1"),
])
def test_invalid_bundles(api: Api, server, bundle: bytes, reason: str) -> None:
    assert api.upload_bundle(bundle, version="1").json() == CREATED
    assert api.assemble(bundle, version="1").json() == error("the bundle is invalid")
    assert reason in server.assemble_jobs[sha1(bundle)].reason


def test_bundle_without_debug_ids_needs_a_release(api: Api, server) -> None:
    bundle = renderer_bundle(release=None)
    api.upload_bundle(bundle)
    assert api.assemble(bundle).json() == error(
        "uploading a bundle without debug ids or release is prohibited")
    assert server.artifacts() == []


def test_bundle_with_debug_ids_needs_no_release(api: Api, server) -> None:
    bundle = renderer_bundle(release=None, debug_id=DEBUG_ID)
    api.upload_bundle(bundle)
    assert api.assemble(bundle).json() == OK
    assert {a.release for a in server.artifacts()} == {None}
    assert {a.debug_id for a in server.artifacts()} == {DEBUG_ID}


def test_request_release_and_dist_win_over_manifest(api: Api, server) -> None:
    bundle = renderer_bundle(release="manifest-release", dist="manifest-dist")
    api.upload_bundle(bundle, version="2.0", dist="win32")
    assert {(a.release, a.dist) for a in server.artifacts()} == {("2.0", "win32")}
    assert [a.name for a in server.artifacts(version="2.0", dist="win32")] == ["~/renderer.js",
                                                                              "~/renderer.js.map"]
    assert server.artifacts(version="manifest-release") == []


def test_manifest_release_and_dist_used_when_request_has_none(api: Api, server) -> None:
    api.upload_bundle(renderer_bundle(release="3.0", dist="linux"))
    assert {(a.release, a.dist) for a in server.artifacts()} == {("3.0", "linux")}
    assert server.artifacts(dist="") == []


def test_same_bundle_id_replaces_the_bundle(api: Api, server) -> None:
    api.upload_bundle(renderer_bundle(release="1"))
    api.upload_bundle(renderer_bundle(release="1", note="changed bytes, same bundle id"))
    assert len(server.bundles) == 1
    assert len(server.artifacts()) == 2


def test_bundle_without_sysb_header_is_accepted(api: Api, server) -> None:
    bundle = build_bundle([Entry("files/_/_/a.js", "~/a.js", "minified_source", b"a()")], sysb=False,
                          release="1")
    api.upload_bundle(bundle)
    assert api.assemble(bundle).json() == OK
    assert server.bundles[0].header_version is None
    # Without a manifest debug_id the bundle id comes from the checksum.
    digits = sha1(bundle)[:32]
    assert server.bundles[0].bundle_id == "-".join(
        [digits[:8], digits[8:12], digits[12:16], digits[16:20], digits[20:]])


def test_soft_problems_become_warnings(api: Api, server) -> None:
    bundle = build_bundle([Entry("files/a.js", "~/a.js", "javascript", b"a()", {"Sourcemap": "a.js.map"})],
                          release="1")
    api.upload_bundle(bundle)
    [stored] = server.bundles
    assert stored.warnings == ("files/a.js: unknown type 'javascript'",
                               "files/a.js: header 'Sourcemap' is not lowercase")
    assert server.artifacts()[0].headers == {"sourcemap": "a.js.map"}


def test_empty_bundle_is_discarded_but_ok(api: Api, server) -> None:
    bundle = build_bundle([], release="1")
    api.upload_bundle(bundle)
    assert api.assemble(bundle).json() == OK
    assert server.bundles == []


def test_bundle_over_max_file_size(make_server) -> None:
    server = make_server(max_file_size=100)
    api = Api(server.url)
    bundle = renderer_bundle()
    api.upload_bundle(bundle, version="1")
    assert api.assemble(bundle, version="1").json() == error(
        f"File artifact-bundle.zip exceeds maximum size ({len(bundle)} > 100)")


@pytest.mark.parametrize("body, message", [
    ({"checksum": "a" * 40, "chunks": []}, "'projects' is a required property"),
    ({"checksum": "a" * 40, "chunks": [], "projects": [PROJECT], "wait": True},
     "Additional properties are not allowed ('wait' was unexpected)"),
    ({"checksum": "xyz", "chunks": [], "projects": [PROJECT]}, "'xyz' does not match '^[0-9a-f]{40}$'"),
    ({"checksum": "a" * 40, "chunks": ["A" * 40], "projects": [PROJECT]},
     f"'{'A' * 40}' does not match '^[0-9a-f]{{40}}$'"),
    ({"checksum": "a" * 40, "chunks": [], "projects": [PROJECT], "version": "1/2"},
     "'1/2' does not match '^[^/]+$'"),
    ({"checksum": "a" * 40, "chunks": [], "projects": PROJECT}, "'desktop' is not of type 'array'"),
    ({"checksum": "a" * 40, "chunks": [], "projects": []}, "You need to specify at least one project"),
    ({"checksum": "a" * 40, "chunks": [], "projects": ["nope"]}, "One or more projects are invalid"),
    ({"checksum": "a" * 40, "chunks": [], "projects": [PROJECT], "dist": "x"},
     "You need to specify a release together with a dist"),
])
def test_assemble_body_is_schema_checked(api: Api, body: dict, message: str) -> None:
    response = api.post(f"api/0/organizations/{ORG}/artifactbundle/assemble/", json=body)
    assert (response.status_code, response.json()) == (400, {"error": message})


def test_assemble_invalid_json(api: Api) -> None:
    response = api.post(f"api/0/organizations/{ORG}/artifactbundle/assemble/", data=b"{not json")
    assert (response.status_code, response.json()) == (400, {"error": "Invalid json body"})


@pytest.mark.parametrize("mode", ["release-bundles", "sentry-9", "legacy"])
def test_artifact_bundle_endpoint_absent_on_old_servers(make_server, mode: str) -> None:
    server = make_server(mode=mode)
    response = Api(server.url).assemble(renderer_bundle())
    assert (response.status_code, response.content) == (404, b"")


@pytest.mark.parametrize("mode", ["sentry-9", "legacy"])
def test_release_assemble_absent_without_release_files(make_server, mode: str) -> None:
    server = make_server(mode=mode)
    server.add_release("1")
    response = release_assemble(Api(server.url), "1", renderer_bundle())
    assert (response.status_code, response.content) == (404, b"")


# -- release bundles (Sentry 10.0 - 23.6.1) ------------------------------------------------

def release_assemble(api: Api, version: str, bundle: bytes, **extra: object):
    body = {"checksum": sha1(bundle), "chunks": [sha1(bundle)], **extra}
    return api.post(f"api/0/organizations/{ORG}/releases/{version}/assemble/", json=body)


def test_release_bundle_becomes_release_files(make_server) -> None:
    server = make_server(mode="release-bundles")
    api = Api(server.url)
    server.add_release("1.0.0")
    bundle = renderer_bundle(release="1.0.0", dist="win32")
    api.upload_chunks([bundle])
    assert release_assemble(api, "1.0.0", bundle).json() == CREATED
    assert release_assemble(api, "1.0.0", bundle).json() == OK
    listing = api.get(f"api/0/projects/{ORG}/{PROJECT}/releases/1.0.0/files/").json()
    assert [(f["name"], f["dist"], f["headers"], f["size"], f["sha1"]) for f in listing] == [
        ("~/renderer.js", "win32", {"sourcemap": "renderer.js.map"}, len(RENDERER_JS), sha1(RENDERER_JS)),
        ("~/renderer.js.map", "win32", {}, len(RENDERER_MAP), sha1(RENDERER_MAP)),
    ]
    assert {(a.source, a.type) for a in server.artifacts("1.0.0", "win32")} == {
        ("release-bundle", "minified_source"), ("release-bundle", "source_map")}


def test_release_bundle_needs_existing_release(make_server) -> None:
    server = make_server(mode="release-bundles")
    response = release_assemble(Api(server.url), "1.0.0", renderer_bundle())
    assert (response.status_code, response.json()) == (
        404, {"detail": "The requested resource does not exist"})


@pytest.mark.parametrize("manifest, detail", [
    ({"release": "other"}, "release does not match uploaded bundle"),
    ({"org": "other-org"}, "organization does not match uploaded bundle"),
])
def test_release_bundle_manifest_must_match(make_server, manifest: dict, detail: str) -> None:
    server = make_server(mode="release-bundles")
    api = Api(server.url)
    server.add_release("1.0.0")
    bundle = renderer_bundle(**{"release": "1.0.0", **manifest})
    api.upload_chunks([bundle])
    release_assemble(api, "1.0.0", bundle)
    assert release_assemble(api, "1.0.0", bundle).json() == error(detail)


def test_release_bundle_schema_has_no_projects(make_server) -> None:
    server = make_server(mode="release-bundles")
    server.add_release("1")
    response = release_assemble(Api(server.url), "1", renderer_bundle(), projects=[PROJECT])
    assert response.json() == {"error": "Additional properties are not allowed ('projects' was unexpected)"}


def test_modern_release_assemble_reports_missing_chunks(api: Api, server) -> None:
    server.add_release("1.0.0")
    bundle = renderer_bundle()
    assert release_assemble(api, "1.0.0", bundle).json() == {"state": "not_found",
                                                             "missingChunks": [sha1(bundle)]}
