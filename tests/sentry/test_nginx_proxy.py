"""The nginx harness itself: TLS with the throwaway CA, plain HTTP, the body limit."""

from __future__ import annotations

import gzip
import hashlib

import pytest
import requests


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_https_with_the_ca_bundle(nginx, sentry_server, sentry_token: str) -> None:
    response = requests.get(f"{nginx.https_url}api/0/", headers=auth(sentry_token),
                            verify=str(nginx.ca_bundle_path), timeout=30)
    assert response.status_code == 200
    assert response.json()["auth"] is not None
    assert sentry_server.requests[-1].headers["x-forwarded-proto"] == "https"


def test_https_by_host_name(nginx, sentry_token: str) -> None:
    url = nginx.https_url.replace("127.0.0.1", "localhost")
    response = requests.get(f"{url}api/0/", headers=auth(sentry_token), verify=str(nginx.ca_bundle_path),
                            timeout=30)
    assert response.status_code == 200


def test_https_without_the_ca_bundle_fails_verification(nginx, sentry_server) -> None:
    with pytest.raises(requests.exceptions.SSLError, match="CERTIFICATE_VERIFY_FAILED"):
        requests.get(f"{nginx.https_url}api/0/", timeout=30)
    assert sentry_server.requests == []


def test_server_hands_out_urls_of_the_proxy(nginx, sentry_token: str) -> None:
    path = "api/0/organizations/acme/chunk-upload/"
    over_tls = requests.get(nginx.https_url + path, headers=auth(sentry_token),
                            verify=str(nginx.ca_bundle_path), timeout=30).json()["url"]
    over_http = requests.get(nginx.http_url + path, headers=auth(sentry_token), timeout=30).json()["url"]
    assert (over_tls, over_http) == (nginx.https_url + path, nginx.http_url + path)


def test_chunk_upload_through_tls_arrives_intact(nginx, sentry_server, sentry_token: str) -> None:
    chunk = b"chunk through the proxy \x00\xff" * 1000
    checksum = hashlib.sha1(chunk).hexdigest()
    parts = [("file_gzip", (checksum, gzip.compress(chunk), "application/octet-stream"))]
    upload = requests.post(f"{nginx.https_url}api/0/organizations/acme/chunk-upload/", files=parts,
                           headers=auth(sentry_token), verify=str(nginx.ca_bundle_path), timeout=30)
    assert (upload.status_code, upload.content) == (200, b"")
    assert sentry_server.chunks == {checksum: chunk}


def test_plain_http_listener(nginx, sentry_server, sentry_token: str) -> None:
    response = requests.get(f"{nginx.http_url}api/0/", headers=auth(sentry_token), timeout=30)
    assert response.status_code == 200
    assert sentry_server.requests[-1].headers["x-forwarded-proto"] == "http"


def test_proxy_body_limit_is_413(make_nginx, sentry_server, sentry_token: str) -> None:
    proxy = make_nginx(sentry_server, client_max_body_size="1k")
    response = requests.post(f"{proxy.http_url}api/0/organizations/acme/chunk-upload/",
                             headers=auth(sentry_token), files=[("file", ("x", b"y" * 4096))], timeout=30)
    assert response.status_code == 413
    assert "<title>413 Request Entity Too Large</title>" in response.text
    assert sentry_server.requests == []
    small = requests.post(f"{proxy.http_url}api/0/organizations/acme/chunk-upload/",
                          headers=auth(sentry_token), timeout=30)
    assert small.status_code == 200
