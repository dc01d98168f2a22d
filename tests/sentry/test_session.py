"""Retry policy and transport errors, against a scripted adapter and a fake clock."""

from __future__ import annotations

import socket
from email.utils import formatdate
from pathlib import Path

import pytest
import requests
from fixtures_upload import FakeClock, scripted_client

from smtools import __version__
from smtools.errors import NetworkError, TLSError
from smtools.sentry.session import RetryPolicy, _rate_limit_delay, make_session
from smtools.sentry.settings import Settings
from smtools.sentry.token import Secret

URL = "https://sentry.example.org/api/0/organizations/acme/chunk-upload/"
OPTIONS = {"chunkSize": 8388608, "url": URL}


def test_backoff_matches_sentry_cli_constants() -> None:
    # sentry-cli src/constants.rs: 1000 ms first, factor 1.5, capped at 5000 ms.
    policy = RetryPolicy()
    assert [policy.backoff(n) for n in range(6)] == [1.0, 1.5, 2.25, 3.375, 5.0, 5.0]


@pytest.mark.parametrize("status", [502, 503, 504, 507, 524])
def test_retryable_statuses_are_retried_then_succeed(status: int) -> None:
    clock = FakeClock()
    client, adapter = scripted_client([(status, "<html>bad gateway</html>"),
                                       (status, "<html>bad gateway</html>"),
                                       (200, OPTIONS)], clock=clock)
    assert client.chunk_upload_options() is not None
    assert len(adapter.sent) == 3
    assert clock.sleeps == [1.0, 1.5]
    assert client.transport.stats.retries == 2


@pytest.mark.parametrize("status", [500, 400, 401, 404])
def test_other_statuses_are_not_retried(status: int) -> None:
    client, adapter = scripted_client([(status, {"detail": "no"})])
    response = client.transport.request("GET", URL)
    assert response.status_code == status
    assert len(adapter.sent) == 1


def test_retries_stop_after_max_retries_and_return_the_last_response() -> None:
    clock = FakeClock()
    client, adapter = scripted_client([(503, "x")] * 4,
                                      policy=RetryPolicy(max_retries=3, jitter=0.0), clock=clock)
    assert client.transport.request("GET", URL).status_code == 503
    assert len(adapter.sent) == 4
    assert clock.sleeps == [1.0, 1.5, 2.25]


def test_total_time_budget_bounds_retries() -> None:
    clock = FakeClock()
    policy = RetryPolicy(max_retries=100, total=4.0, jitter=0.0)
    client, adapter = scripted_client([(503, "x")] * 10, policy=policy, clock=clock)
    assert client.transport.request("GET", URL).status_code == 503
    # 1.0 + 1.5 = 2.5 fits; + 2.25 would end at 4.75 > 4.0.
    assert clock.sleeps == [1.0, 1.5]
    assert len(adapter.sent) == 3


def test_429_honours_retry_after_seconds() -> None:
    clock = FakeClock()
    client, _adapter = scripted_client([(429, {"detail": "slow down"}, {"Retry-After": "7"}),
                                       (200, OPTIONS)], clock=clock)
    client.chunk_upload_options()
    assert clock.sleeps == [7.0]


def test_429_without_retry_after_backs_off() -> None:
    clock = FakeClock()
    client, _adapter = scripted_client([(429, {"detail": "x"}), (429, {"detail": "x"}),
                                       (200, OPTIONS)], clock=clock)
    client.chunk_upload_options()
    assert clock.sleeps == [1.0, 1.5]


def test_429_retry_after_beyond_budget_gives_up_with_clear_error() -> None:
    clock = FakeClock()
    client, _adapter = scripted_client([(429, {"detail": "x"}, {"Retry-After": "3600"})],
                                      clock=clock)
    with pytest.raises(Exception, match=r"sentry rate-limited the upload \(429\) at https://sentry"
                                        r"\.example\.org/api/0/organizations/acme/chunk-upload/"):
        client.chunk_upload_options()
    assert clock.sleeps == []


def test_rate_limit_delay_sources() -> None:
    now = 1_700_000_000.0
    assert _rate_limit_delay({"Retry-After": "12"}, now) == 12.0
    assert _rate_limit_delay({"Retry-After": formatdate(now + 30, usegmt=True)}, now) == 30.0
    assert _rate_limit_delay({"X-Sentry-Rate-Limit-Reset": str(int(now) + 5)}, now) == 5.0
    assert _rate_limit_delay({}, now) is None


def test_connection_errors_are_retried_for_idempotent_requests() -> None:
    clock = FakeClock()
    reset = requests.exceptions.ConnectionError("('Connection aborted.', ConnectionResetError(104,"
                                                " 'Connection reset by peer'))")
    client, adapter = scripted_client([reset, reset, (200, OPTIONS)], clock=clock)
    client.chunk_upload_options()
    assert len(adapter.sent) == 3


def test_non_idempotent_requests_are_not_retried_after_a_reset() -> None:
    reset = requests.exceptions.ConnectionError("Connection reset by peer")
    client, adapter = scripted_client([reset, (200, {})])
    with pytest.raises(NetworkError, match=r"cannot reach https://sentry\.example\.org/ "
                                           r"\(connection reset by the server\)"):
        client.transport.request("POST", URL, idempotent=False, json={})
    assert len(adapter.sent) == 1


def test_connection_refused_after_retries_is_one_clear_line() -> None:
    refused = requests.exceptions.ConnectionError(
        "HTTPSConnectionPool(host='sentry.example.org', port=443): Max retries exceeded with url: "
        "/api/0/ (Caused by NewConnectionError('<urllib3.connection.HTTPSConnection object>: "
        "Failed to establish a new connection: [Errno 111] Connection refused'))")
    client, adapter = scripted_client([refused] * 3, policy=RetryPolicy(max_retries=2, jitter=0))
    with pytest.raises(NetworkError) as info:
        client.chunk_upload_options()
    assert str(info.value) == "cannot reach https://sentry.example.org/ (connection refused)"
    assert len(adapter.sent) == 3


def test_certificate_error_is_not_retried_and_says_how_to_pass_the_ca() -> None:
    error = requests.exceptions.SSLError(
        "HTTPSConnectionPool(host='sentry.example.org', port=443): Max retries exceeded with url: "
        "/api/0/ (Caused by SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] "
        "certificate verify failed: unable to get local issuer certificate (_ssl.c:1006)')))")
    client, adapter = scripted_client([error, (200, OPTIONS)])
    with pytest.raises(TLSError) as info:
        client.chunk_upload_options()
    assert str(info.value) == (
        "TLS certificate of https://sentry.example.org/ could not be verified (unable to get "
        "local issuer certificate): pass your CA with --ca-bundle PATH or SENTRY_CA_BUNDLE")
    assert len(adapter.sent) == 1


def test_make_session_sets_agent_auth_ca_proxy_and_ignores_environment(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("pem")
    settings = Settings(url="https://s.example/", auth_token=Secret("tok-1"), ca_bundle=ca,
                        proxy_url="http://proxy:3128")
    session = make_session(settings)
    assert session.headers["User-Agent"] == f"smtools/{__version__}"
    assert session.headers["Authorization"] == "Bearer tok-1"
    assert session.verify == str(ca)
    assert session.proxies == {"http": "http://proxy:3128", "https": "http://proxy:3128"}
    assert session.trust_env is False
    assert make_session(Settings(verify_ssl=False)).verify is False
    assert "Authorization" not in make_session(Settings()).headers


def test_real_refused_port_on_loopback_is_a_network_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    from smtools.sentry.client import SentryClient
    from smtools.sentry.session import Transport

    settings = Settings(url=f"http://127.0.0.1:{port}/", auth_token=Secret("tok"))
    transport = Transport(make_session(settings), policy=RetryPolicy(max_retries=1, jitter=0),
                          sleep=lambda s: None)
    client = SentryClient(transport, settings.url, "acme")
    with pytest.raises(NetworkError, match=rf"cannot reach http://127\.0\.0\.1:{port}/ "
                                           r"\(connection refused\)"):
        client.chunk_upload_options()

