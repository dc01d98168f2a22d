"""Fixtures of the test-server tests: servers that always stop, and API clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from server_helpers import ORG, PROJECT, TOKEN, Api

from smtools.testing.sentry_server import SentryTestServer


@pytest.fixture
def make_server() -> Iterator[Callable[..., SentryTestServer]]:
    """Start a server with the given options (defaults: TOKEN, ORG, PROJECT); stopped afterwards."""
    started: list[SentryTestServer] = []

    def make(**options: Any) -> SentryTestServer:
        options.setdefault("token", TOKEN)
        options.setdefault("org", ORG)
        options.setdefault("projects", (PROJECT,))
        server = SentryTestServer(**options).start()
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()
        assert server.errors == [], "the server hit a bug:\n" + "\n".join(server.errors)


@pytest.fixture
def server(make_server: Callable[..., SentryTestServer]) -> SentryTestServer:
    return make_server()


@pytest.fixture
def api(server: SentryTestServer) -> Api:
    return Api(server.url)
