"""The artifact-bundle file listing (sentry ``ProjectArtifactBundleFilesEndpoint``).

Expected bodies follow the endpoint's own tests in sentry
(``tests/sentry/api/endpoints/test_project_artifact_bundle_files.py``).
"""

from __future__ import annotations

import base64

import pytest
from server_helpers import DEBUG_ID, ORG, PROJECT, RENDERER_JS, RENDERER_MAP, Api, renderer_bundle

BUNDLE_ID = "3cf2cfc6-d3c2-5105-a162-8451c8643cc8"
FILES = f"api/0/projects/{ORG}/{PROJECT}/artifact-bundles/{BUNDLE_ID}/files/"


def file_id(path: str) -> str:
    return base64.b64encode(path.encode()).decode()


def test_lists_associations_and_files_by_path(api: Api, server) -> None:
    api.upload_bundle(renderer_bundle(debug_id=DEBUG_ID, dist="win32"), version="1.0.0", dist="win32")
    response = api.get(FILES)
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "bundleId": BUNDLE_ID,
        "associations": [{"release": "1.0.0", "dist": "win32"}],
        "date": body["date"],
        "dateModified": None,
        "fileCount": 2,
        "files": [
            {"id": file_id("files/_/_/renderer.js"), "filePath": "~/renderer.js",
             "fileSize": len(RENDERER_JS), "fileType": 2, "debugId": DEBUG_ID,
             "sourcemap": "renderer.js.map"},
            {"id": file_id("files/_/_/renderer.js.map"), "filePath": "~/renderer.js.map",
             "fileSize": len(RENDERER_MAP), "fileType": 3, "debugId": DEBUG_ID, "sourcemap": None},
        ],
    }


def test_bundle_without_release_has_no_associations(api: Api, server) -> None:
    api.upload_bundle(renderer_bundle(release=None, debug_id=DEBUG_ID))
    assert api.get(FILES).json()["associations"] == []


def test_pagination_follows_the_link_header(api: Api, server) -> None:
    api.upload_bundle(renderer_bundle(), version="1.0.0")
    first = api.get(FILES, params={"per_page": 1})
    assert [f["filePath"] for f in first.json()["files"]] == ["~/renderer.js"]
    assert first.json()["fileCount"] == 2
    assert 'rel="next"; results="true"; cursor="1:1:0"' in first.headers["Link"]
    second = api.get(FILES, params={"per_page": 1, "cursor": "1:1:0"})
    assert [f["filePath"] for f in second.json()["files"]] == ["~/renderer.js.map"]
    assert 'rel="next"; results="false"' in second.headers["Link"]


@pytest.mark.parametrize(("query", "expected"), [
    ("renderer.js.map", ["~/renderer.js.map"]),
    ("RENDERER", ["~/renderer.js", "~/renderer.js.map"]),
    (DEBUG_ID[:13], ["~/renderer.js", "~/renderer.js.map"]),
    (DEBUG_ID.replace("-", "").upper(), ["~/renderer.js", "~/renderer.js.map"]),
    ("nothing", []),
])
def test_query_filters_by_path_or_debug_id(api: Api, server, query: str, expected: list[str]) -> None:
    api.upload_bundle(renderer_bundle(debug_id=DEBUG_ID), version="1.0.0")
    body = api.get(FILES, params={"query": query}).json()
    assert [f["filePath"] for f in body["files"]] == expected
    assert body["fileCount"] == 2


def test_unknown_bundle_and_other_project_are_404(api: Api, make_server) -> None:
    assert api.get(FILES).status_code == 404
    server = make_server(projects=(PROJECT, "other"))
    other = Api(server.url)
    other.upload_bundle(renderer_bundle(), version="1.0.0")
    assert other.get(FILES).status_code == 200
    response = other.get(FILES.replace(f"/{PROJECT}/", "/other/"))
    assert (response.status_code, response.json()) == (404, {"detail": "The artifact bundle does not exist"})


@pytest.mark.parametrize("mode", ["release-bundles", "sentry-9", "legacy"])
def test_absent_on_servers_without_artifact_bundles(make_server, mode: str) -> None:
    response = Api(make_server(mode=mode).url).get(FILES)
    assert (response.status_code, response.content) == (404, b"")


def test_lost_and_altered_files(make_server) -> None:
    from smtools.testing.faults import Faults

    server = make_server(faults=Faults(lose_files=("~/renderer.js.map",), alter_files=("~/renderer.js",)))
    api = Api(server.url)
    api.upload_bundle(renderer_bundle(), version="1.0.0")
    files = api.get(FILES).json()["files"]
    assert [(f["filePath"], f["fileSize"]) for f in files] == [("~/renderer.js", len(RENDERER_JS) + 1)]
