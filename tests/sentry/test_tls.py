"""TLS: a private CA, --ca-bundle, the certificate error line, plain http, --insecure.

The first group runs behind a small in-process TLS terminator with a throwaway CA; the
last test runs the deployment's topology for real (nginx terminating HTTPS in front of
the test server) when the nginx fixture of ``tests/sentry/conftest.py`` is available.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fixtures_upload import MAP, MINIFIED, TLSForwarder, write_dist

from smtools.errors import NetworkError, TLSError
from smtools.sentry.job import UploadJob, make_client, run_upload
from smtools.sentry.session import RetryPolicy
from smtools.sentry.settings import Settings, resolve_settings
from smtools.sentry.token import Secret

server_module = pytest.importorskip("smtools.testing.sentry_server")
SentryTestServer = server_module.SentryTestServer

TOKEN = "sntryu_TLSTESTTOKEN_91ab"
EXPECTED = ["~/app.js", "~/app.js.map"]
NO_RETRY = RetryPolicy(max_retries=0, jitter=0.0)


@pytest.fixture
def proxied(tmp_path: Path) -> Iterator[tuple[Any, TLSForwarder]]:
    with SentryTestServer(token=TOKEN, org="acme", projects=("desktop",)) as server:
        forwarder = TLSForwarder(("127.0.0.1", server.port), tmp_path)
        server.url_prefix = forwarder.url.rstrip("/")
        try:
            yield server, forwarder
        finally:
            forwarder.close()


def settings_from_env(url: str, env: dict[str, str], tmp_path: Path, **flags: Any) -> Settings:
    base = {"SENTRY_URL": url, "SENTRY_AUTH_TOKEN": TOKEN, "SENTRY_ORG": "acme",
            "SENTRY_PROJECT": "desktop", "SENTRY_RELEASE": "1.0.0"}
    return resolve_settings(flags, {**base, **env}, tmp_path, tmp_path)


def run(settings: Settings, dist: Path) -> Any:
    client = make_client(settings, "acme", policy=NO_RETRY)
    return run_upload(UploadJob(paths=(dist,), poll_interval=0.01), settings, client=client)


def test_private_ca_via_flag_env_and_ini(proxied: tuple[Any, TLSForwarder], tmp_path: Path) -> None:
    server, forwarder = proxied
    dist = write_dist(tmp_path / "dist")
    ca = str(forwarder.ca_path)
    run(settings_from_env(forwarder.url, {}, tmp_path, ca_bundle=ca), dist)
    assert sorted(a.name for a in server.artifacts("1.0.0")) == EXPECTED
    for env in ({"SENTRY_CA_BUNDLE": ca}, {"REQUESTS_CA_BUNDLE": ca}):
        report = run(settings_from_env(forwarder.url, env, tmp_path), dist)
        assert report.ok
    (tmp_path / ".sentryclirc").write_text(f"[http]\nca_bundle={ca}\n")
    assert run(settings_from_env(forwarder.url, {}, tmp_path), dist).ok


def test_without_the_ca_the_error_says_how_to_pass_it(proxied: tuple[Any, TLSForwarder],
                                                      tmp_path: Path) -> None:
    server, forwarder = proxied
    with pytest.raises(TLSError) as info:
        run(settings_from_env(forwarder.url, {}, tmp_path), write_dist(tmp_path / "dist"))
    assert re.fullmatch(
        rf"TLS certificate of {re.escape(forwarder.url)} could not be verified \([^)]+\): "
        r"pass your CA with --ca-bundle PATH or SENTRY_CA_BUNDLE", str(info.value))
    assert server.requests == []


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
def test_insecure_works_without_the_ca(proxied: tuple[Any, TLSForwarder], tmp_path: Path) -> None:
    _server, forwarder = proxied
    settings = settings_from_env(forwarder.url, {}, tmp_path, insecure=True)
    assert settings.verify_ssl is False
    assert run(settings, write_dist(tmp_path / "dist")).ok


def test_plain_http_only_when_the_url_says_so(proxied: tuple[Any, TLSForwarder],
                                              tmp_path: Path) -> None:
    server, forwarder = proxied
    dist = write_dist(tmp_path / "dist")
    plain = f"http://127.0.0.1:{server.port}/"
    server.url_prefix = None
    assert run(settings_from_env(plain, {}, tmp_path), dist).ok
    # https:// against the plain port: a clean TLS line, no silent downgrade
    with pytest.raises(TLSError, match=rf"^TLS handshake with https://127\.0\.0\.1:{server.port}/ "
                                       r"failed \(.*\): is that port serving https\?"):
        run(settings_from_env(f"https://127.0.0.1:{server.port}/", {}, tmp_path), dist)
    # http:// against the TLS port: no upgrade either, a clean network error
    with pytest.raises(NetworkError):
        run(settings_from_env(f"http://127.0.0.1:{forwarder.port}/", {}, tmp_path), dist)


def test_nginx_reverse_proxy_topology(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """nginx terminates HTTPS (throwaway CA) and proxies to the test server."""
    try:
        https_url = request.getfixturevalue("https_url")
        http_url = request.getfixturevalue("http_url")
        ca_bundle = request.getfixturevalue("ca_bundle_path")
    except pytest.FixtureLookupError:
        pytest.skip("the nginx fixture (tests/sentry/conftest.py) is not available")
    token = _fixture_token(request)
    dist = write_dist(tmp_path / "dist", files={"app.js": MINIFIED, "app.js.map": json.dumps(MAP)})

    def settings(url: str, **flags: Any) -> Settings:
        return resolve_settings(flags, {"SENTRY_URL": url, "SENTRY_AUTH_TOKEN": token,
                                        "SENTRY_ORG": "acme", "SENTRY_PROJECT": "desktop",
                                        "SENTRY_RELEASE": "1.0.0"}, tmp_path, tmp_path)

    assert run(settings(https_url, ca_bundle=str(ca_bundle)), dist).ok
    with pytest.raises(TLSError, match=r"could not be verified .*--ca-bundle PATH"):
        run(settings(https_url), dist)
    assert run(settings(http_url), dist).ok


def _fixture_token(request: pytest.FixtureRequest) -> str:
    for name in ("sentry_token", "token"):
        try:
            return str(request.getfixturevalue(name))
        except pytest.FixtureLookupError:
            continue
    return "test-token"


def test_settings_never_hold_the_token_in_clear(tmp_path: Path) -> None:
    settings = Settings(auth_token=Secret(TOKEN))
    assert TOKEN not in repr(settings)
