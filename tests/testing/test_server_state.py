"""The Python interface around the server: life cycle, dump, reset, artifact filters."""

from __future__ import annotations

import json

import pytest
import requests
from server_helpers import DEBUG_ID, PROJECT, RENDERER_JS, Api, renderer_bundle, sha1

from smtools.testing import SentryTestServer


def test_life_cycle_and_url() -> None:
    server = SentryTestServer()
    assert server.port == 0
    with server:
        assert server.port > 0
        assert server.url == f"http://127.0.0.1:{server.port}/"
        assert server.start() is server  # idempotent
        assert requests.get(server.url + "api/0/", timeout=10).status_code == 200
        assert not server.wait(timeout=0.01)
    assert server.wait(timeout=0)
    server.stop()  # idempotent
    with pytest.raises(requests.ConnectionError):
        requests.get(server.url + "api/0/", timeout=10)


@pytest.mark.parametrize("options, message", [
    ({"mode": "sentry-7"}, "unknown server mode 'sentry-7'"),
    ({"chunk_size": 0}, "chunk_size and max_request_bytes must be positive"),
])
def test_bad_options(options: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SentryTestServer(**options)


def test_dump_is_json_with_contents_as_sha1_and_size(api: Api, server) -> None:
    server.add_release("1.0.0")
    bundle = renderer_bundle(debug_id=DEBUG_ID)
    api.upload_bundle(bundle, version="1.0.0")
    api.legacy_upload("1.0.0", "~/extra.js", b"extra", dist="d")
    dump = json.loads(json.dumps(server.dump()))
    assert dump["url"] == server.url
    assert (dump["org"], dump["projects"], dump["mode"]) == ("acme", [PROJECT], "modern")
    assert dump["chunks"] == {sha1(bundle): len(bundle)}
    assert dump["releases"]["1.0.0"]["projects"] == [PROJECT]
    first = dump["artifacts"][0]
    assert {k: first[k] for k in ("name", "sha1", "size", "debug_id", "source", "release")} == {
        "name": "~/renderer.js", "sha1": sha1(RENDERER_JS), "size": len(RENDERER_JS),
        "debug_id": DEBUG_ID, "source": "artifact-bundle", "release": "1.0.0"}
    assert "content" not in first
    assert [(a["name"], a["dist"]) for a in dump["artifacts"][2:]] == [("~/extra.js", "d")]
    assert dump["bundles"][0]["manifest"]["release"] == "1.0.0"
    assert [job["state"] for job in dump["assemble"]] == ["ok"]
    assert [r["endpoint"] for r in dump["requests"]] == ["chunk-upload", "artifact-assemble", "file-upload"]
    assert dump["errors"] == []


def test_dump_endpoint_matches_dump(api: Api, server) -> None:
    api.get("api/0/")
    over_http = requests.get(server.url + "_smtools/dump", timeout=10).json()
    assert over_http == json.loads(json.dumps(server.dump()))
    assert len(server.requests) == 1  # the dump request itself is not recorded
    assert requests.get(server.url + "_smtools/other", timeout=10).status_code == 404


def test_reset_forgets_everything(api: Api, server) -> None:
    server.add_release("1")
    api.upload_bundle(renderer_bundle(), version="1")
    server.reset()
    assert (server.requests, server.releases, server.chunks, server.artifacts(), server.bundles,
            server.assemble_jobs) == ([], {}, {}, [], [], {})


def test_artifact_filters(api: Api, server) -> None:
    server.add_release("1")
    api.legacy_upload("1", "~/a.js", b"a")
    api.legacy_upload("1", "~/b.js", b"b", dist="x")
    api.upload_bundle(renderer_bundle(release="2", debug_id=DEBUG_ID))
    assert [a.name for a in server.artifacts("1")] == ["~/a.js", "~/b.js"]
    assert [a.name for a in server.artifacts("1", dist="")] == ["~/a.js"]
    assert [a.name for a in server.artifacts(dist="x")] == ["~/b.js"]
    assert [a.name for a in server.artifacts("2")] == ["~/renderer.js", "~/renderer.js.map"]
    assert server.artifacts("3") == []
    assert [r.endpoint for r in server.requests_to("file-upload")] == ["file-upload", "file-upload"]


def test_chunked_request_bodies_are_read(api: Api, server) -> None:
    def body():
        yield b'{"version": "7", '
        yield b'"projects": ["desktop"]}'

    response = api.post("api/0/organizations/acme/releases/", data=body(),
                        headers={"Content-Type": "application/json"})
    assert response.status_code == 201
    recorded = server.requests[-1]
    assert recorded.headers["transfer-encoding"] == "chunked"
    assert (recorded.body_bytes, recorded.json) == (41, {"version": "7", "projects": ["desktop"]})


def test_malformed_content_length_is_400(server) -> None:
    import socket

    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        connection.sendall(b"POST /api/0/ HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n")
        answer = connection.recv(4096)
    assert answer.startswith(b"HTTP/1.1 400 ")
