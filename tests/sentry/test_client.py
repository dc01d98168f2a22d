"""SentryClient requests and error lines, against a scripted adapter."""

from __future__ import annotations

import gzip
import hashlib
import json

import pytest
from fixtures_upload import scripted_client

from smtools.errors import NotSentryError, PayloadTooLargeError, SentryAPIError, SentryAuthError
from smtools.sentry.client import chunk_batches
from smtools.sentry.models import ChunkOptions

BASE = "https://sentry.example.org/api/0/"
TOKEN = "sntrys_eyJvcmciOiJhY21lIn0_CLIENTSECRET"
NGINX_413 = ("<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n"
             "<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx</center>"
             "\r\n</body>\r\n</html>\r\n")
OPTIONS = {"url": BASE + "organizations/acme/chunk-upload/", "chunkSize": 8388608,
           "chunksPerRequest": 64, "maxFileSize": 2147483648, "maxRequestSize": 33554432,
           "concurrency": 8, "hashAlgorithm": "sha1", "compression": ["gzip"],
           "accept": ["debug_files", "release_files", "artifact_bundles", "artifact_bundles_v2"]}


def test_chunk_upload_options_are_parsed() -> None:
    client, adapter = scripted_client([(200, OPTIONS)])
    options = client.chunk_upload_options()
    assert options is not None
    assert (options.chunk_size, options.chunks_per_request, options.max_request_size,
            options.concurrency) == (8388608, 64, 33554432, 8)
    assert options.artifact_bundles and options.missing_chunks_first and options.release_bundles
    assert adapter.sent[0].url == BASE + "organizations/acme/chunk-upload/"
    assert adapter.sent[0].headers["Authorization"] == "Bearer tok-test"


def test_missing_accept_defaults_to_debug_files_only() -> None:
    # Sentry 9 answer (sentry-cli#370): no accept list at all.
    sentry9 = {"hashAlgorithm": "sha1", "chunkSize": 1048576, "url": OPTIONS["url"],
               "maxRequestSize": 33554432, "concurrency": 4, "chunksPerRequest": 64,
               "compression": ["gzip"]}
    client, _ = scripted_client([(200, sentry9)])
    options = client.chunk_upload_options()
    assert options is not None and options.accept == ("debug_files",)
    assert not options.artifact_bundles and not options.release_bundles


def test_chunk_upload_404_empty_means_no_chunk_upload_json_means_unknown_org() -> None:
    client, _ = scripted_client([(404, b""),
                                 (404, {"detail": "The requested resource does not exist"})])
    assert client.chunk_upload_options() is None
    with pytest.raises(SentryAPIError, match=r"^organization 'acme' not found \(404\)"):
        client.chunk_upload_options()


def test_relative_chunk_url_resolves_against_api_root() -> None:
    client, _ = scripted_client([(200, dict(OPTIONS, url="organizations/acme/chunk-upload/"))])
    assert client.chunk_upload_options().url == BASE + "organizations/acme/chunk-upload/"


def test_chunk_url_on_another_host_is_rebased_with_a_warning() -> None:
    foreign = dict(OPTIONS, url="http://localhost:9000/api/0/organizations/acme/chunk-upload/")
    client, _ = scripted_client([(200, foreign)])
    assert client.chunk_upload_options().url == BASE + "organizations/acme/chunk-upload/"
    assert client.warnings == [
        "the server announced chunk uploads at http://localhost:9000/api/0/organizations/acme/"
        "chunk-upload/; using https://sentry.example.org/api/0/organizations/acme/chunk-upload/ "
        "instead (check system.url-prefix on the server)"]


def test_region_subdomain_chunk_url_is_followed() -> None:
    region = dict(OPTIONS, url="https://us.sentry.example.org/api/0/organizations/acme/chunk-upload/")
    client, _ = scripted_client([(200, region)])
    assert client.chunk_upload_options().url == region["url"]
    assert client.warnings == []


def test_upload_chunks_sends_gzip_parts_named_by_sha1() -> None:
    client, adapter = scripted_client([(200, b"")])
    data = b"chunk-data" * 100
    checksum = hashlib.sha1(data).hexdigest()
    client.upload_chunks(OPTIONS["url"], [(checksum, data)], compress=True)
    body = adapter.sent[0].body
    assert b'name="file_gzip"; filename="' + checksum.encode() + b'"' in body
    assert gzip.compress(data, mtime=0) in body
    assert adapter.sent[0].headers["Content-Type"].startswith("multipart/form-data; boundary=")


def test_assemble_body_omits_version_and_dist_when_absent() -> None:
    reply = {"state": "not_found", "missingChunks": ["abc"]}
    client, adapter = scripted_client([(200, reply), (200, reply)])
    result = client.assemble_artifact_bundle("c1", ["abc"], ["desktop"], None, None)
    assert result.state == "not_found" and result.missing_chunks == ("abc",)
    assert json.loads(adapter.sent[0].body) == {"checksum": "c1", "chunks": ["abc"],
                                                "projects": ["desktop"]}
    client.assemble_artifact_bundle("c1", ["abc"], ["desktop"], "1.0.0", "win32")
    # key order as sentry-cli sends it (sentry-cli-traffic.md s2)
    assert adapter.sent[1].body == (b'{"checksum": "c1", "chunks": ["abc"], "projects": '
                                    b'["desktop"], "version": "1.0.0", "dist": "win32"}')
    assert adapter.sent[1].url == BASE + "organizations/acme/artifactbundle/assemble/"


def test_create_release_201_and_208() -> None:
    client, adapter = scripted_client([(201, {"version": "1.0"}), (208, {"version": "1.0"})])
    assert client.create_release("1.0", ["desktop"]) is True
    assert client.create_release("1.0", ["desktop"]) is False
    assert json.loads(adapter.sent[0].body) == {"version": "1.0", "projects": ["desktop"]}


def test_release_segment_is_percent_encoded_and_slash_replaced() -> None:
    client, adapter = scripted_client([(200, [])])
    client.list_release_files("my app@1.0+build/7", "desktop")
    assert adapter.sent[0].url == (BASE + "projects/acme/desktop/releases/"
                                   "my%20app@1.0%2Bbuild%EF%BF%BD7/files/")


def test_release_files_follow_link_pagination() -> None:
    page2 = BASE + "projects/acme/desktop/releases/1.0/files/?cursor=100:1:0"
    first = {"Link": f'<{BASE}x>; rel="previous"; results="false"; cursor="100:-1:1", '
                     f'<{page2}>; rel="next"; results="true"; cursor="100:1:0"'}
    last = {"Link": f'<{page2}>; rel="next"; results="false"; cursor="100:2:0"'}
    item = {"id": "1", "name": "~/a.js", "dist": None, "sha1": "aa", "size": 3, "headers": {}}
    client, adapter = scripted_client([(200, [item], first),
                                       (200, [dict(item, id="2", name="~/b.js")], last)])
    files = client.list_release_files("1.0", "desktop")
    assert [f.name for f in files] == ["~/a.js", "~/b.js"]
    assert adapter.sent[1].url == page2


def test_legacy_upload_form_and_409() -> None:
    client, adapter = scripted_client([(201, {"id": "5", "name": "~/a.js", "sha1": "x"}),
                                       (409, {"detail": "A file matching this name already "
                                                        "exists for the given release"})])
    stored = client.upload_release_file("1.0", "desktop", "~/js/a.js", b"code", dist="win32",
                                        headers={"Sourcemap": "a.js.map"},
                                        content_type="application/javascript")
    assert stored is not None and stored.id == "5"
    body = adapter.sent[0].body
    for part in (b'name="name"\r\n\r\n~/js/a.js', b'name="dist"\r\n\r\nwin32',
                 b'name="header"\r\n\r\nSourcemap:a.js.map',
                 b'name="file"; filename="a.js"\r\nContent-Type: application/javascript'):
        assert part in body
    assert client.upload_release_file("1.0", "desktop", "~/js/a.js", b"code", dist=None,
                                      headers={}, content_type="application/javascript") is None


@pytest.mark.parametrize("status, body, cls, message", [
    (401, {"detail": "Invalid token"}, SentryAuthError,
     "sentry rejected the auth token (401) for {url}: check SENTRY_AUTH_TOKEN or --auth-token"),
    (403, {"detail": "You do not have permission to perform this action."}, SentryAuthError,
     "the auth token is not allowed to do this (403) at {url}: it needs the project:releases "
     "(or org:ci) scope and access to the project"),
    (404, {"detail": "The requested resource does not exist"}, SentryAPIError,
     "release '1.0' not found (404) at {url}: The requested resource does not exist"),
    (413, NGINX_413, PayloadTooLargeError,
     "the server refused a request body of 34 bytes (413) at {url}: a proxy limits the body size"
     " (nginx client_max_body_size, 1m by default); raise it or pass a smaller --chunk-size, "
     "e.g. --chunk-size 512K"),
    (500, {"detail": "internal"}, SentryAPIError,
     "sentry reported an error for release '1.0': internal (http status 500) at {url}"),
    (400, {"chunks": ["This field is required."]}, SentryAPIError,
     "sentry reported an error for release '1.0': chunks: This field is required. "
     "(http status 400) at {url}"),
    (404, "<html><body>Not Found</body></html>", NotSentryError,
     "https://sentry.example.org/ does not look like a sentry server: POST {url} answered 404 "
     "with text/html"),
    (302, "", NotSentryError,
     "{url} redirected (302) to https://sentry.example.org/auth/login/: is the sentry url right? "
     "(https:// vs http://, no path)"),
])
def test_error_statuses_become_one_line_errors(status: int, body: object, cls: type,
                                               message: str) -> None:
    headers = {"Location": "https://sentry.example.org/auth/login/"} if status == 302 else {}
    client, _ = scripted_client([(status, body, headers)], token=TOKEN)
    url = BASE + "organizations/acme/releases/1.0/assemble/"
    with pytest.raises(cls) as info:
        client.assemble_release_bundle("1.0", "c", ["c"])
    assert str(info.value) == message.format(url=url)
    assert "\n" not in str(info.value) and "CLIENTSECRET" not in str(info.value)


def test_html_200_is_not_sentry() -> None:
    client, _ = scripted_client([(200, "<!doctype html><title>Welcome to nginx!</title>")])
    with pytest.raises(NotSentryError, match=r"^https://sentry\.example\.org/ does not look like a "
                                             r"sentry server: GET .*chunk-upload/ answered 200 "
                                             r"with text/html$"):
        client.chunk_upload_options()


def test_json_without_chunk_options_is_not_sentry() -> None:
    client, _ = scripted_client([(200, {"hello": "world"})])
    with pytest.raises(NotSentryError, match="answered without chunk-upload options"):
        client.chunk_upload_options()


def test_batches_respect_count_and_size_limits() -> None:
    options = ChunkOptions(url="u", chunk_size=10, chunks_per_request=3, max_request_size=25)
    chunks = [(str(i), b"x" * 10) for i in range(7)]
    assert [[c for c, _ in b] for b in chunk_batches(chunks, options)] == [
        ["0", "1"], ["2", "3"], ["4", "5"], ["6"]]
    big = ChunkOptions(url="u", chunk_size=100, chunks_per_request=2, max_request_size=1000)
    assert [[c for c, _ in b] for b in chunk_batches(chunks, big)] == [
        ["0", "1"], ["2", "3"], ["4", "5"], ["6"]]
    tiny = ChunkOptions(url="u", chunk_size=10, chunks_per_request=64, max_request_size=5)
    assert len(chunk_batches(chunks, tiny)) == 7  # one oversized chunk still makes a batch
