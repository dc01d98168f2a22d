"""Fixtures shared by the Sentry tests: the local test server and a real nginx TLS proxy.

* ``sentry_token`` / ``sentry_server``: a running ``SentryTestServer`` (org ``acme``,
  project ``desktop``, mode ``modern``); ``make_sentry_server(**options)`` for others.
* ``nginx``: nginx terminating HTTPS (throwaway CA) and plain HTTP in front of
  ``sentry_server``; ``https_url``, ``http_url``, ``ca_bundle_path`` are its parts.
  ``make_nginx(backend, client_max_body_size="1m")`` proxies any server with any
  body limit. Skipped with the reason when nginx is not installed; with
  ``SMTOOLS_REQUIRE_NGINX=1`` (CI) a missing nginx fails instead.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from nginx import NginxProxy, NginxUnavailable, start_nginx

from smtools.testing.sentry_server import SentryTestServer

SENTRY_TOKEN = "sntrys_test-server-token"


@pytest.fixture
def sentry_token() -> str:
    return SENTRY_TOKEN


@pytest.fixture
def make_sentry_server(sentry_token: str) -> Iterator[Callable[..., SentryTestServer]]:
    """Start ``SentryTestServer(**options)`` (token, org acme, project desktop by default)."""
    started: list[SentryTestServer] = []

    def make(**options: Any) -> SentryTestServer:
        options.setdefault("token", sentry_token)
        options.setdefault("org", "acme")
        options.setdefault("projects", ("desktop",))
        server = SentryTestServer(**options).start()
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


@pytest.fixture
def sentry_server(make_sentry_server: Callable[..., SentryTestServer]) -> SentryTestServer:
    return make_sentry_server()


@pytest.fixture
def make_nginx(tmp_path: Path) -> Iterator[Callable[..., NginxProxy]]:
    """Start nginx in front of a server: ``make_nginx(server, client_max_body_size="1m")``."""
    running: list[NginxProxy] = []

    def make(backend: SentryTestServer, *, client_max_body_size: str = "100m") -> NginxProxy:
        try:
            proxy = start_nginx(backend.url, tmp_path / f"nginx-{len(running)}",
                                client_max_body_size=client_max_body_size)
        except NginxUnavailable as missing:
            if os.environ.get("SMTOOLS_REQUIRE_NGINX") == "1":
                pytest.fail(f"{missing}, but SMTOOLS_REQUIRE_NGINX=1")
            pytest.skip(f"{missing}: the nginx TLS proxy tests need it")
        running.append(proxy)
        return proxy

    yield make
    for proxy in running:
        proxy.stop()


@pytest.fixture
def nginx(make_nginx: Callable[..., NginxProxy], sentry_server: SentryTestServer) -> NginxProxy:
    return make_nginx(sentry_server)


@pytest.fixture
def https_url(nginx: NginxProxy) -> str:
    return nginx.https_url


@pytest.fixture
def http_url(nginx: NginxProxy) -> str:
    return nginx.http_url


@pytest.fixture
def ca_bundle_path(nginx: NginxProxy) -> Path:
    return nginx.ca_bundle_path
