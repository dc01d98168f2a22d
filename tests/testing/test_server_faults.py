"""Every fault mode: what the client sees, what the server records and holds."""

from __future__ import annotations

import http.client
import socket

import pytest
import requests
from server_helpers import DEBUG_ID, ORG, PROJECT, Api, renderer_bundle, sha1, split_chunks

from smtools.testing.faults import Faults, RateLimit, Reset, ScopeMissing, Slow, StatusBurst, Target

OPTIONS = f"api/0/organizations/{ORG}/chunk-upload/"
NGINX_413 = ("<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n"
             "<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n"
             "</body>\r\n</html>\r\n")


def test_status_burst_on_one_endpoint(make_server) -> None:
    burst = StatusBurst(count=2, status=502, endpoint="chunk-options")
    server = make_server(faults=Faults(status_burst=burst))
    api = Api(server.url)
    assert api.get("api/0/").status_code == 200
    first, second, third = (api.get(OPTIONS) for _ in range(3))
    assert (first.status_code, second.status_code, third.status_code) == (502, 502, 200)
    assert "<title>502 Bad Gateway</title>" in first.text
    assert [(r.endpoint, r.status, r.fault) for r in server.requests] == [
        ("auth", 200, None), ("chunk-options", 502, "status_burst"), ("chunk-options", 502, "status_burst"),
        ("chunk-options", 200, None)]


def test_status_burst_cycles_statuses_and_comes_before_auth(make_server) -> None:
    burst = StatusBurst(count=5, status=(502, 503, 504, 507, 524))
    server = make_server(faults=Faults(status_burst=burst))
    api = Api(server.url, token="wrong")
    assert [api.get("api/0/").status_code for _ in range(6)] == [502, 503, 504, 507, 524, 401]


def test_several_bursts_target_method_and_path(make_server) -> None:
    faults = Faults(status_burst=(StatusBurst(count=1, status=503, method="POST"),
                                  StatusBurst(count=1, status=504, path=r"/releases/[^/]+/$")))
    server = make_server(faults=faults)
    server.add_release("1")
    api = Api(server.url)
    assert api.get(f"api/0/organizations/{ORG}/releases/1/").status_code == 504
    assert api.get(f"api/0/organizations/{ORG}/releases/1/").status_code == 200
    assert api.post(f"api/0/organizations/{ORG}/releases/", json={}).status_code == 503


@pytest.mark.parametrize("retry_after, header", [(3, "3"), (None, None)])
def test_rate_limit_with_and_without_retry_after(make_server, retry_after, header) -> None:
    server = make_server(faults=Faults(rate_limit=RateLimit(count=1, retry_after=retry_after)))
    api = Api(server.url)
    limited = api.get(OPTIONS)
    assert limited.status_code == 429
    assert limited.json() == {"detail": "You are attempting to use this endpoint too frequently. "
                                        "Limit is 40 requests in 1 seconds"}
    assert limited.headers.get("Retry-After") == header
    assert limited.headers["X-Sentry-Rate-Limit-Remaining"] == "0"
    assert int(limited.headers["X-Sentry-Rate-Limit-Reset"]) > 0
    assert api.get(OPTIONS).status_code == 200


def test_reset_aborts_the_connection_mid_request(make_server) -> None:
    server = make_server(faults=Faults(reset=Reset(count=1, endpoint="chunk-upload")))
    api = Api(server.url)
    chunk = b"x" * 200_000
    with pytest.raises(requests.ConnectionError):
        api.upload_chunks([chunk], field="file")
    recorded = server.requests[-1]
    assert (recorded.endpoint, recorded.status, recorded.fault) == ("chunk-upload", None, "reset")
    assert 0 < recorded.body_bytes < 200_000
    assert server.chunks == {}
    assert api.upload_chunks([chunk], field="file").status_code == 200
    assert list(server.chunks) == [sha1(chunk)]


def test_reset_is_a_tcp_reset(make_server) -> None:
    server = make_server(faults=Faults(reset=Reset(count=1)))
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request("GET", "/api/0/")
    with pytest.raises(ConnectionResetError):
        connection.getresponse()
    connection.close()


def test_slow_response_trips_a_client_timeout(make_server) -> None:
    server = make_server(faults=Faults(slow=Slow(delay=3.0, count=1, endpoint="chunk-options")))
    api = Api(server.url)
    assert api.get("api/0/").status_code == 200
    with pytest.raises(requests.Timeout):
        api.session.get(api.url(OPTIONS), timeout=0.3)
    assert server.requests[-1].fault == "slow"


def test_slow_without_count_applies_to_every_match(make_server) -> None:
    server = make_server(faults=Faults(slow=Slow(delay=0.01, endpoint="auth")))
    api = Api(server.url)
    for _ in range(3):
        api.get("api/0/")
    assert [r.fault for r in server.requests] == ["slow", "slow", "slow"]


def test_lost_chunks_come_back_in_missing_chunks(make_server) -> None:
    server = make_server(faults=Faults(lose_chunks=2))
    api = Api(server.url)
    bundle = renderer_bundle()
    chunks = split_chunks(bundle, 300)
    ids = [sha1(c) for c in chunks]
    response = api.upload_chunks(chunks)
    assert response.status_code == 200
    assert server.requests[-1].fault == "lose_chunks"
    assert list(server.chunks) == ids[2:]
    assert api.assemble(bundle, chunks, version="1").json() == {"state": "not_found",
                                                               "missingChunks": ids[:2]}
    api.upload_chunks(chunks[:2])
    assert api.assemble(bundle, chunks, version="1").json()["state"] == "created"
    assert len(server.artifacts()) == 2


def test_max_body_bytes_answers_like_nginx(make_server) -> None:
    server = make_server(faults=Faults(max_body_bytes=1000))
    api = Api(server.url)
    response = api.upload_chunks([b"y" * 2000], field="file")
    assert (response.status_code, response.text) == (413, NGINX_413)
    assert response.headers["Content-Type"] == "text/html"
    assert response.headers["Connection"] == "close"
    assert server.chunks == {}
    assert api.upload_chunks([b"small"], field="file").status_code == 200
    assert api.get(OPTIONS).status_code == 200


def test_assemble_pending_polls(make_server) -> None:
    server = make_server(faults=Faults(assemble_pending=2))
    api = Api(server.url)
    bundle = renderer_bundle(debug_id=DEBUG_ID)
    api.upload_chunks([bundle])
    states = []
    for _ in range(4):
        states.append(api.assemble(bundle).json()["state"])
        if states[-1] != "ok":
            assert server.artifacts() == []
    assert states == ["created", "assembling", "assembling", "ok"]
    assert len(server.artifacts()) == 2


def test_assemble_error(make_server) -> None:
    server = make_server(faults=Faults(assemble_error="boom"))
    api = Api(server.url)
    bundle = renderer_bundle()
    assert api.upload_bundle(bundle, version="1").json()["state"] == "created"
    assert api.assemble(bundle, version="1").json() == {"state": "error", "detail": "boom",
                                                        "missingChunks": []}
    assert server.artifacts() == []


def test_scope_missing_everywhere(make_server) -> None:
    server = make_server(faults=Faults(scope_missing=True))
    api = Api(server.url)
    assert "project:releases" not in api.get("api/0/").json()["auth"]["scopes"]
    assert api.get(OPTIONS).status_code == 200
    response = api.post(f"api/0/organizations/{ORG}/releases/", json={"version": "1", "projects": [PROJECT]})
    assert (response.status_code, response.json()) == (
        403, {"detail": "You do not have permission to perform this action."})
    assert server.releases == {}


def test_scope_missing_on_one_endpoint(make_server) -> None:
    server = make_server(faults=Faults(scope_missing=ScopeMissing(endpoint="file-upload")))
    api = Api(server.url)
    assert api.post(f"api/0/organizations/{ORG}/releases/", json={"version": "1", "projects": [PROJECT]}
                    ).status_code == 201
    assert api.legacy_upload("1", "~/a.js", b"x").status_code == 403


def test_faults_can_be_replaced_and_reset_rearms(make_server) -> None:
    server = make_server()
    api = Api(server.url)
    server.faults = Faults(status_burst=StatusBurst(count=1))
    assert [api.get("api/0/").status_code for _ in range(2)] == [503, 200]
    server.reset()
    assert server.requests == []
    assert [api.get("api/0/").status_code for _ in range(2)] == [503, 200]


def test_target_matching() -> None:
    target = Target(endpoint=("chunk-upload", "artifact-assemble"), method="post")
    assert target.matches("chunk-upload", "POST", "/x")
    assert not target.matches("chunk-options", "POST", "/x")
    assert not target.matches("chunk-upload", "GET", "/x")
    assert Target(path="files/$").matches("file-list", "GET", "/api/0/x/files/")


def test_reset_of_a_bodyless_request_reads_nothing(make_server) -> None:
    server = make_server(faults=Faults(reset=Reset(count=1, endpoint="auth")))
    with pytest.raises(requests.ConnectionError):
        Api(server.url).get("api/0/")
    assert server.requests[-1].body_bytes == 0
    # The next connection works.
    with socket.create_connection(("127.0.0.1", server.port), timeout=5):
        pass
    assert Api(server.url).get("api/0/").status_code == 200
