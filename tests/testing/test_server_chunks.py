"""Chunk-upload options and chunk POSTs (sentry-api.md §4.1-4.3, sentry chunk.py)."""

from __future__ import annotations

import gzip

import pytest
from server_helpers import ORG, Api, sha1

OPTIONS_PATH = f"api/0/organizations/{ORG}/chunk-upload/"
BASE_ACCEPT = ["debug_files", "release_files", "pdbs", "sources", "bcsymbolmaps"]


@pytest.mark.parametrize("mode, accept", [
    ("modern", [*BASE_ACCEPT, "il2cpp", "portablepdbs", "artifact_bundles", "artifact_bundles_v2"]),
    ("artifact-bundles-v1", [*BASE_ACCEPT, "il2cpp", "portablepdbs", "artifact_bundles"]),
    ("release-bundles", BASE_ACCEPT),
])
def test_options_per_mode(make_server, mode: str, accept: list[str]) -> None:
    server = make_server(mode=mode)
    body = Api(server.url).get(OPTIONS_PATH).json()
    assert body == {"url": f"{server.url}api/0/organizations/{ORG}/chunk-upload/",
                    "chunkSize": 8388608, "chunksPerRequest": 64, "maxFileSize": 2147483648,
                    "maxRequestSize": 33554432, "concurrency": 8, "hashAlgorithm": "sha1",
                    "compression": ["gzip"], "accept": accept}


def test_sentry_9_options_have_no_accept(make_server) -> None:
    server = make_server(mode="sentry-9")
    body = Api(server.url).get(OPTIONS_PATH).json()
    assert "accept" not in body
    assert body["hashAlgorithm"] == "sha1"


def test_legacy_mode_has_no_chunk_upload(make_server) -> None:
    server = make_server(mode="legacy")
    response = Api(server.url).get(OPTIONS_PATH)
    assert (response.status_code, response.content) == (404, b"")


def test_options_reflect_constructor_sizes(make_server) -> None:
    server = make_server(chunk_size=1024, max_request_bytes=4096, chunks_per_request=4, concurrency=2)
    body = Api(server.url).get(OPTIONS_PATH).json()
    assert (body["chunkSize"], body["maxRequestSize"], body["chunksPerRequest"], body["concurrency"]) == \
        (1024, 4096, 4, 2)


@pytest.mark.parametrize("agent, relative", [
    ("sentry-cli/2.0.0", True), ("sentry-cli/1.70.1", True), ("sentry-cli/2.29.9", True),
    ("sentry-cli/1.70.0", False), ("sentry-cli/2.30.0", False), ("sentry-cli/3.8.0", False),
    ("smtools/0.1.0", False),
])
def test_options_url_relative_only_for_old_sentry_cli(api: Api, server, agent: str, relative: bool) -> None:
    url = api.get(OPTIONS_PATH, headers={"User-Agent": agent}).json()["url"]
    expected = f"organizations/{ORG}/chunk-upload/"
    assert url == (expected if relative else f"{server.url}api/0/{expected}")


def test_options_url_follows_proxy_headers(api: Api) -> None:
    headers = {"Host": "sentry.example:8443", "X-Forwarded-Proto": "https"}
    url = api.get(OPTIONS_PATH, headers=headers).json()["url"]
    assert url == f"https://sentry.example:8443/api/0/organizations/{ORG}/chunk-upload/"


def test_options_url_uses_configured_url_prefix(api: Api, server) -> None:
    server.url_prefix = "http://localhost:9000"
    assert api.get(OPTIONS_PATH).json()["url"] == f"http://localhost:9000/api/0/organizations/{ORG}/chunk-upload/"


@pytest.mark.parametrize("field", ["file_gzip", "file"])
def test_chunks_are_stored_by_sha1(api: Api, server, field: str) -> None:
    chunks = [b"first chunk\r\n\x00\xff", b"second"]
    response = api.upload_chunks(chunks, field=field)
    assert (response.status_code, response.content) == (200, b"")
    assert server.chunks == {sha1(c): c for c in chunks}
    recorded = server.requests[-1]
    assert (recorded.endpoint, recorded.chunk_bytes) == ("chunk-upload", len(chunks[0]) + len(chunks[1]))
    assert recorded.chunk_ids == tuple(sha1(c) for c in chunks)


def test_sha1_mismatch_rejects_and_keeps_earlier_chunks(api: Api, server) -> None:
    good, bad = b"good", b"bad"
    response = api.upload_chunks([good, bad], names=[sha1(good), sha1(b"something else")])
    assert (response.status_code, response.json()) == (400, {"error": "Checksum mismatch"})
    assert list(server.chunks) == [sha1(good)]


def test_chunk_larger_than_chunk_size(make_server) -> None:
    server = make_server(chunk_size=16)
    response = Api(server.url).upload_chunks([b"x" * 17])
    assert (response.status_code, response.json()) == (400, {"error": "Chunk size too large"})
    assert server.chunks == {}


def test_request_larger_than_max_request_size(make_server) -> None:
    server = make_server(max_request_bytes=32)
    response = Api(server.url).upload_chunks([b"a" * 20, b"b" * 20])
    assert (response.status_code, response.json()) == (400, {"error": "Request too large"})


def test_too_many_chunks(make_server) -> None:
    server = make_server(chunks_per_request=2)
    response = Api(server.url).upload_chunks([b"1", b"2", b"3"])
    assert (response.status_code, response.json()) == (400, {"error": "Too many chunks"})


def test_no_parts_is_ok(api: Api) -> None:
    response = api.post(OPTIONS_PATH)
    assert (response.status_code, response.content) == (200, b"")


def test_broken_gzip_is_400(api: Api, server) -> None:
    files = [("file_gzip", (sha1(b"x"), b"not gzip", "application/octet-stream"))]
    response = api.post(OPTIONS_PATH, files=files)
    assert response.status_code == 400
    assert "error" in response.json()
    assert server.chunks == {}


def test_content_encoding_gzip_applies_to_file_parts(api: Api, server) -> None:
    data = b"encoded chunk"
    files = [("file", (sha1(data), gzip.compress(data), "application/octet-stream"))]
    response = api.post(OPTIONS_PATH, files=files, headers={"Content-Encoding": "gzip"})
    assert response.status_code == 200
    assert server.chunks == {sha1(data): data}


def test_content_encoding_with_file_gzip_is_400(api: Api) -> None:
    files = [("file_gzip", (sha1(b"x"), gzip.compress(b"x"), "application/octet-stream"))]
    response = api.post(OPTIONS_PATH, files=files, headers={"Content-Encoding": "gzip"})
    assert response.status_code == 400


def test_unsupported_content_encoding(api: Api) -> None:
    files = [("file", (sha1(b"x"), b"x", "application/octet-stream"))]
    response = api.post(OPTIONS_PATH, files=files, headers={"Content-Encoding": "zstd"})
    assert (response.status_code, response.json()) == (400, {"error": "Unsupported Content-Encoding"})


def test_non_multipart_body_is_415(api: Api) -> None:
    response = api.post(OPTIONS_PATH, json={"file": "x"})
    assert response.status_code == 415
