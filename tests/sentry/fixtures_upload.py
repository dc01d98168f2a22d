"""Helpers for the upload tests: a scripted HTTP adapter, a tiny dist, a fake clock."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from requests.adapters import BaseAdapter

from smtools.sentry.client import SentryClient
from smtools.sentry.session import RetryPolicy, Transport
from smtools.sentry.token import Secret

Reply = Any  # (status, body, headers) | Exception | Callable[[PreparedRequest], Reply]


@dataclass
class ScriptedAdapter(BaseAdapter):
    """Answers requests from a list, one entry per request; records what was sent."""

    script: list[Reply] = field(default_factory=list)
    sent: list[requests.PreparedRequest] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__()

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        self.sent.append(request)
        if not self.script:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        reply = self.script.pop(0)
        if callable(reply) and not isinstance(reply, Exception):
            reply = reply(request)
        if isinstance(reply, BaseException):
            raise reply
        status, body, headers = (*reply, {})[:3] if len(reply) == 2 else reply
        return make_response(request, status, body, headers)

    def close(self) -> None:
        pass


def make_response(request: requests.PreparedRequest, status: int, body: Any,
                  headers: dict[str, str] | None = None) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response.request = request
    response.url = request.url or ""
    headers = dict(headers or {})
    if isinstance(body, (dict, list)):
        content = json.dumps(body).encode()
        headers.setdefault("Content-Type", "application/json")
    elif isinstance(body, str):
        content = body.encode()
        headers.setdefault("Content-Type", "text/html")
    else:
        content = body or b""
    response._content = content
    response.headers.update(headers)
    return response


class FakeClock:
    """A monotonic clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def scripted_client(script: list[Reply], *, token: str = "tok-test",
                    policy: RetryPolicy | None = None,
                    clock: FakeClock | None = None) -> tuple[SentryClient, ScriptedAdapter]:
    clock = clock or FakeClock()
    adapter = ScriptedAdapter(list(script))
    session = requests.Session()
    session.trust_env = False
    session.headers["Authorization"] = f"Bearer {token}"
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    transport = Transport(session, policy=policy or RetryPolicy(jitter=0.0),
                          token=Secret(token), sleep=clock.sleep, clock=clock)
    return SentryClient(transport, "https://sentry.example.org/", "acme"), adapter


MINIFIED = 'function a(){throw new Error("boom")}a();\n//# sourceMappingURL=app.js.map\n'
MAP = {"version": 3, "file": "app.js", "sources": ["webpack:///src/app.js"],
       "sourcesContent": ["function a() {\n  throw new Error('boom')\n}\na()\n"],
       "names": ["a", "Error"], "mappings": "AAAA,SAASA,IAAI,MAAM,IAAIC"}


def write_dist(root: Path, *, files: dict[str, str | bytes] | None = None) -> Path:
    """A small dist: ``app.js`` + ``app.js.map`` (valid), or the given files."""
    root.mkdir(parents=True, exist_ok=True)
    files = files if files is not None else {"app.js": MINIFIED, "app.js.map": json.dumps(MAP)}
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


Call = Callable[..., Any]


class TLSForwarder:
    """A TLS-terminating TCP forwarder on loopback (what a reverse proxy does for TLS).

    Certificates come from a throwaway ``trustme`` CA made at test time; ``ca_path`` is
    its PEM file. Every accepted connection is piped to ``backend`` (host, port).
    """

    def __init__(self, backend: tuple[str, int], directory: Path) -> None:
        import socket
        import ssl
        import threading

        import trustme

        self.ca = trustme.CA()
        cert = self.ca.issue_cert("127.0.0.1", "localhost")
        self.ca_path = directory / "throwaway-ca.pem"
        self.ca.cert_pem.write_to_path(str(self.ca_path))
        self._context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        cert.configure_cert(self._context)
        self._backend = backend
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.url = f"https://127.0.0.1:{self.port}/"
        self._threading = threading
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            self._threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _handle(self, client: Any) -> None:
        import socket
        import ssl

        try:
            tls = self._context.wrap_socket(client, server_side=True)
        except (ssl.SSLError, OSError):
            client.close()
            return
        upstream = socket.create_connection(self._backend)
        self._threading.Thread(target=_pipe, args=(upstream, tls), daemon=True).start()
        _pipe(tls, upstream)

    def close(self) -> None:
        self._listener.close()


def _pipe(source: Any, target: Any) -> None:
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            target.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (source, target):
            with contextlib.suppress(OSError):
                sock.close()
