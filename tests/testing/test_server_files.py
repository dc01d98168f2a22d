"""Legacy release files: upload, 409, errors, listing with pagination, get/download/delete.

Expected bodies: sentry api/endpoints/project_release_files.py (sentry-api.md §2.3, §3).
"""

from __future__ import annotations

import re

import pytest
from server_helpers import ORG, PROJECT, RENDERER_JS, Api, sha1

DEBUG_ID = "feff3330-3acf-5df7-9a95-97b3da52cb8a"
FILES = f"api/0/projects/{ORG}/{PROJECT}/releases/1.0.0/files/"


@pytest.fixture
def release(server) -> str:
    server.add_release("1.0.0")
    return "1.0.0"


def test_upload_stores_name_dist_headers_content(api: Api, server, release: str) -> None:
    response = api.legacy_upload(release, "~/renderer.js", RENDERER_JS, dist="win32",
                                 headers=["Sourcemap:renderer.js.map", f"debug-id: {DEBUG_ID} "],
                                 content_type="application/javascript")
    assert response.status_code == 201
    body = response.json()
    assert {k: body[k] for k in ("name", "dist", "headers", "size", "sha1")} == {
        "name": "~/renderer.js", "dist": "win32",
        "headers": {"Content-Type": "application/javascript", "Sourcemap": "renderer.js.map",
                    "debug-id": DEBUG_ID},
        "size": len(RENDERER_JS), "sha1": sha1(RENDERER_JS)}
    assert re.fullmatch(r"\d+", body["id"])
    [artifact] = server.artifacts(version=release, dist="win32")
    assert (artifact.name, artifact.type, artifact.source, artifact.debug_id, artifact.content) == \
        ("~/renderer.js", None, "release-file", DEBUG_ID, RENDERER_JS)
    assert artifact.headers == {"content-type": "application/javascript", "sourcemap": "renderer.js.map",
                                "debug-id": DEBUG_ID}


def test_part_without_content_type_stores_empty_content_type(api: Api, release: str) -> None:
    response = api.legacy_upload(release, "~/a.js", b"a()")
    assert response.json()["headers"] == {"Content-Type": ""}


def test_duplicate_name_and_dist_is_409(api: Api, server, release: str) -> None:
    assert api.legacy_upload(release, "~/a.js", b"1").status_code == 201
    again = api.legacy_upload(release, "~/a.js", b"2")
    assert (again.status_code, again.json()) == (
        409, {"detail": "A file matching this name already exists for the given release"})
    assert api.legacy_upload(release, "~/a.js", b"3", dist="other").status_code == 201
    assert [a.content for a in server.artifacts(release)] == [b"1", b"3"]


def test_org_route_upload(api: Api, server, release: str) -> None:
    assert api.legacy_upload(release, "~/a.js", b"x", project=None).status_code == 201
    assert [a.name for a in server.artifacts(release)] == ["~/a.js"]


def test_upload_needs_release_of_the_project(make_server) -> None:
    server = make_server(projects=("desktop", "web"))
    api = Api(server.url)
    assert api.legacy_upload("1", "~/a.js", b"x").status_code == 404
    server.add_release("1", projects=["web"])
    assert api.legacy_upload("1", "~/a.js", b"x", project="desktop").status_code == 404
    assert api.legacy_upload("1", "~/a.js", b"x", project="web").status_code == 201


def test_name_defaults_to_part_filename(api: Api, release: str) -> None:
    response = api.post(FILES, files={"file": ("bundle.js", b"x")})
    assert response.json()["name"] == "bundle.js"


@pytest.mark.parametrize("kwargs, detail", [
    ({"name": "file"}, "File name must be specified"),
    ({"name": "~/a\tb.js"}, "File name must not contain special whitespace characters"),
    ({"name": "~/a.js", "headers": ["no colon"]}, "header value was not formatted correctly"),
    ({"name": "~/a.js", "headers": ["Sourcemap:a\tb"]},
     "header value must not contain special whitespace characters"),
])
def test_upload_errors(api: Api, release: str, kwargs: dict, detail: str) -> None:
    response = api.legacy_upload(release, content=b"x", **kwargs)
    assert (response.status_code, response.json()) == (400, {"detail": detail})


def test_upload_without_file_part(api: Api, release: str) -> None:
    response = api.post(FILES, files={"name": (None, "~/a.js")})
    assert (response.status_code, response.json()) == (400, {"detail": "Missing uploaded file"})


def test_listing_sorted_and_paginated(make_server) -> None:
    server = make_server(page_size=2)
    server.add_release("1.0.0")
    api = Api(server.url)
    for name in ["~/e.js", "~/a.js", "~/d.js", "~/c.js", "~/b.js"]:
        api.legacy_upload("1.0.0", name, name.encode())
    pages, url = [], api.url(FILES)
    while url:
        response = api.session.get(url, timeout=30)
        pages.append([f["name"] for f in response.json()])
        url = response.links["next"]["url"] if 'results="true"' in response.headers["Link"].split(", ")[1] \
            else None
    assert pages == [["~/a.js", "~/b.js"], ["~/c.js", "~/d.js"], ["~/e.js"]]


def test_link_header_format(api: Api, server, release: str) -> None:
    api.legacy_upload(release, "~/a.js", b"a")
    link = api.get(FILES).headers["Link"]
    base = f"{server.url}{FILES}?"
    assert link == (f'<{base}&cursor=100:-1:1>; rel="previous"; results="false"; cursor="100:-1:1", '
                    f'<{base}&cursor=100:1:0>; rel="next"; results="false"; cursor="100:1:0"')


def test_listing_filters(api: Api, release: str) -> None:
    api.legacy_upload(release, "~/app.js", b"app")
    api.legacy_upload(release, "~/app.js.map", b"map")
    api.legacy_upload(release, "~/vendor.js", b"vendor")
    names = [f["name"] for f in api.get(FILES, params={"query": ["APP", "vend"]}).json()]
    assert names == ["~/app.js", "~/app.js.map", "~/vendor.js"]
    assert [f["name"] for f in api.get(FILES, params={"query": "map"}).json()] == ["~/app.js.map"]
    by_sum = api.get(FILES, params={"checksum": [sha1(b"vendor"), sha1(b"app")]}).json()
    assert [f["name"] for f in by_sum] == ["~/app.js", "~/vendor.js"]


def test_listing_per_page_limit(api: Api, release: str) -> None:
    response = api.get(FILES, params={"per_page": 101})
    assert (response.status_code, response.json()) == (
        400, {"detail": "Invalid per_page value. Cannot exceed 100."})


def test_listing_of_missing_release(api: Api) -> None:
    assert api.get(FILES).status_code == 404


def test_file_get_download_delete(api: Api, server, release: str) -> None:
    file_id = api.legacy_upload(release, "~/dir/a.js", b"content").json()["id"]
    path = f"{FILES}{file_id}/"
    assert api.get(path).json()["name"] == "~/dir/a.js"
    download = api.get(path, params={"download": "1"})
    assert (download.content, download.headers["Content-Disposition"]) == (b"content",
                                                                          'attachment; filename="a.js"')
    assert api.delete(path).status_code == 204
    assert api.get(path).status_code == 404
    assert server.artifacts() == []
