"""Replays of the requests sentry-cli 3.8.0 was recorded sending (sentry-cli-traffic.md).

Requests are written byte by byte with http.client, in the recorded header
order and framing (Content-Length, curl's multipart boundary, gzip parts);
bundles are built from the recorded manifests. The expected answers are the
ones the document says the recording server gave (and sentry-cli accepted).
"""

from __future__ import annotations

import gzip
import http.client
import io
import json
import struct
import zipfile
from urllib.parse import urlsplit

import pytest
from server_helpers import RENDERER_JS, RENDERER_MAP, sha1

TOKEN = "some-test-token"
S3_DEBUG_ID = "4a64c7da-41e8-5519-ab4a-aaedca117352"
CURL_BOUNDARY = "------------------------" + "q1w2e3r4t5y6u7i8o9p0as"

S1_MANIFEST = ('{"files":{"files/_/_/renderer.js":{"type":"minified_source","url":"~/renderer.js",'
               '"headers":{"sourcemap":"renderer.js.map"}},"files/_/_/renderer.js.map":{"type":"source_map",'
               '"url":"~/renderer.js.map"}},"debug_id":"3cf2cfc6-d3c2-5105-a162-8451c8643cc8","org":"acme",'
               '"project":"desktop","release":"1.0.0"}')
S2_MANIFEST = ('{"files":{"files/app/_/dist/electron/renderer.js":{"type":"minified_source",'
               '"url":"app:///dist/electron/renderer.js","headers":{"sourcemap":"renderer.js.map"}},'
               '"files/app/_/dist/electron/renderer.js.map":{"type":"source_map",'
               '"url":"app:///dist/electron/renderer.js.map"}},"debug_id":"9cf0b19f-5d15-5b12-9384-14c9da844e85",'
               '"dist":"win32","org":"acme","project":"desktop","release":"1.0.0"}')
S3_MANIFEST = ('{"files":{"files/_/_/renderer.js":{"type":"minified_source","url":"~/renderer.js",'
               f'"headers":{{"debug-id":"{S3_DEBUG_ID}","sourcemap":"renderer.js.map"}}}},'
               '"files/_/_/renderer.js.map":{"type":"source_map","url":"~/renderer.js.map",'
               f'"headers":{{"debug-id":"{S3_DEBUG_ID}"}}}}}},"debug_id":"a4dcb6b6-6858-5bb8-8ad3-d40709d7cdad",'
               '"org":"acme","project":"desktop","release":"1.0.0"}')
S5_MANIFEST = S3_MANIFEST.replace(',"release":"1.0.0"', "")


def sentry_cli_bundle(manifest: str) -> bytes:
    """SYSB v2 + zip: deflated members dated 1980-01-01, JS, map, then manifest.json."""
    paths = list(json.loads(manifest)["files"])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in ((paths[0], RENDERER_JS), (paths[1], RENDERER_MAP),
                           ("manifest.json", manifest.encode())):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return b"SYSB" + struct.pack("<I", 2) + buffer.getvalue()


class SentryCli:
    """Sends requests the way sentry-cli 3.8.0 does on the wire."""

    def __init__(self, base_url: str) -> None:
        split = urlsplit(base_url)
        self.host = split.netloc
        self.connection = http.client.HTTPConnection(split.hostname, split.port, timeout=30)

    def send(self, method: str, path: str, headers: list[tuple[str, str]],
             body: bytes = b"") -> tuple[int, bytes]:
        self.connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for key, value in [("Host", self.host), ("Accept", "*/*"), ("User-Agent", "sentry-cli/3.8.0"),
                           ("Authorization", f"Bearer {TOKEN}"), *headers]:
            self.connection.putheader(key, value)
        self.connection.endheaders(body or None)
        response = self.connection.getresponse()
        return response.status, response.read()

    def chunk_options(self) -> dict:
        status, body = self.send("GET", "/api/0/organizations/acme/chunk-upload/", [])
        assert status == 200
        return json.loads(body)

    def assemble(self, body: str) -> dict:
        data = body.encode()
        status, answer = self.send("POST", "/api/0/organizations/acme/artifactbundle/assemble/",
                                   [("Content-Type", "application/json"), ("Content-Length", str(len(data)))],
                                   data)
        assert status == 200
        return json.loads(answer)

    def upload_chunk(self, url: str, chunk: bytes) -> tuple[int, bytes]:
        body = (f"--{CURL_BOUNDARY}\r\n"
                f'Content-Disposition: form-data; name="file_gzip"; filename="{sha1(chunk)}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n").encode() + gzip.compress(chunk) + \
            f"\r\n--{CURL_BOUNDARY}--\r\n".encode()
        return self.send("POST", urlsplit(url).path,
                         [("Content-Length", str(len(body))),
                          ("Content-Type", f"multipart/form-data; boundary={CURL_BOUNDARY}")], body)


@pytest.fixture
def cli_server(make_server):
    return make_server(token=TOKEN, org="acme", projects=("desktop",), concurrency=1)


def assemble_json(bundle: bytes, **extra: str) -> str:
    # Key order as recorded: checksum, chunks, projects, version[, dist].
    return json.dumps({"checksum": sha1(bundle), "chunks": [sha1(bundle)], "projects": ["desktop"], **extra},
                      separators=(",", ":"))


def upload(cli: SentryCli, bundle: bytes, **extra: str) -> list[dict]:
    """One `sentry-cli sourcemaps upload` without --wait: the answers to each request."""
    options = cli.chunk_options()
    answers = [cli.assemble(assemble_json(bundle, **extra))]
    for chunk_id in answers[0]["missingChunks"]:
        assert chunk_id == sha1(bundle)
        assert cli.upload_chunk(options["url"], bundle) == (200, b"")
    answers.append(cli.assemble(assemble_json(bundle, **extra)))
    return answers


def test_s1_upload_with_release(cli_server) -> None:
    cli = SentryCli(cli_server.url)
    options = cli.chunk_options()
    assert options["url"] == f"{cli_server.url}api/0/organizations/acme/chunk-upload/"
    assert (options["chunkSize"], options["hashAlgorithm"], options["compression"]) == (
        8388608, "sha1", ["gzip"])
    assert "artifact_bundles_v2" in options["accept"]
    bundle = sentry_cli_bundle(S1_MANIFEST)
    checksum = sha1(bundle)
    assert cli.assemble(assemble_json(bundle, version="1.0.0")) == {"state": "not_found",
                                                                    "missingChunks": [checksum]}
    assert cli.upload_chunk(options["url"], bundle) == (200, b"")
    assert cli.assemble(assemble_json(bundle, version="1.0.0"))["state"] == "created"
    recorded = cli_server.requests
    assert [(r.method, r.endpoint, r.status) for r in recorded] == [
        ("GET", "chunk-options", 200), ("POST", "artifact-assemble", 200), ("POST", "chunk-upload", 200),
        ("POST", "artifact-assemble", 200)]
    assert recorded[2].chunk_ids == (checksum,)
    assert recorded[1].json == {"checksum": checksum, "chunks": [checksum], "projects": ["desktop"],
                                "version": "1.0.0"}
    assert cli_server.releases == {}  # sentry-cli 3.8 creates no release
    assert [(a.name, a.release, a.dist, a.headers) for a in cli_server.artifacts()] == [
        ("~/renderer.js", "1.0.0", None, {"sourcemap": "renderer.js.map"}),
        ("~/renderer.js.map", "1.0.0", None, {})]
    assert cli_server.bundles[0].bundle_id == "3cf2cfc6-d3c2-5105-a162-8451c8643cc8"


def test_s2_url_prefix_and_dist(cli_server) -> None:
    bundle = sentry_cli_bundle(S2_MANIFEST)
    answers = upload(SentryCli(cli_server.url), bundle, version="1.0.0", dist="win32")
    assert [a["state"] for a in answers] == ["not_found", "created"]
    assert [(a.name, a.dist) for a in cli_server.artifacts("1.0.0", "win32")] == [
        ("app:///dist/electron/renderer.js", "win32"), ("app:///dist/electron/renderer.js.map", "win32")]


def test_s3_s4_injected_upload_then_identical_upload_sends_no_chunk(cli_server) -> None:
    cli = SentryCli(cli_server.url)
    bundle = sentry_cli_bundle(S3_MANIFEST)
    assert [a["state"] for a in upload(cli, bundle, version="1.0.0")] == ["not_found", "created"]
    first_run = len(cli_server.requests)
    answers = upload(cli, bundle, version="1.0.0")
    assert answers == [{"state": "ok", "detail": None, "missingChunks": []}] * 2
    second = cli_server.requests[first_run:]
    assert [r.endpoint for r in second] == ["chunk-options", "artifact-assemble", "artifact-assemble"]
    assert sum(r.chunk_bytes for r in second) == 0
    assert {(a.name, a.debug_id) for a in cli_server.artifacts()} == {
        ("~/renderer.js", S3_DEBUG_ID), ("~/renderer.js.map", S3_DEBUG_ID)}


def test_s5_no_release_accepted_because_of_debug_ids(cli_server) -> None:
    bundle = sentry_cli_bundle(S5_MANIFEST)
    cli = SentryCli(cli_server.url)
    assert [a["state"] for a in upload(cli, bundle)] == ["not_found", "created"]
    assert cli.assemble(assemble_json(bundle))["state"] == "ok"
    assert {a.release for a in cli_server.artifacts()} == {None}


def test_s6_wait_polls_until_ok(cli_server) -> None:
    bundle = sentry_cli_bundle(S1_MANIFEST)
    cli = SentryCli(cli_server.url)
    assert [a["state"] for a in upload(cli, bundle, version="1.0.0")] == ["not_found", "created"]
    assert cli.assemble(assemble_json(bundle, version="1.0.0")) == {"state": "ok", "detail": None,
                                                                    "missingChunks": []}


def test_recorded_headers_are_the_wire_headers(cli_server) -> None:
    SentryCli(cli_server.url).chunk_options()
    recorded = cli_server.requests[0]
    assert list(recorded.headers) == ["host", "accept", "user-agent"]
    assert recorded.headers["user-agent"] == "sentry-cli/3.8.0"
    assert recorded.auth == "Bearer"
