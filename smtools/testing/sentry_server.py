"""A local Sentry-compatible server for tests and dry runs.

It speaks the source-map upload API of a real Sentry (releases, chunk upload,
artifact- and release-bundle assemble, legacy release files) over real HTTP
on loopback, stores what it receives so tests can assert exact artifact names,
headers, contents and debug ids, and can misbehave on request (see
:mod:`smtools.testing.faults`). ``mode`` picks the kind of server:

* ``"modern"``: chunk upload advertising ``artifact_bundles``,
  ``artifact_bundles_v2`` and ``release_files``; assemble reports ``missingChunks``.
* ``"artifact-bundles-v1"``: ``artifact_bundles`` without v2 (Sentry 23.6.2+
  before v2): assemble does not report missing chunks, a bundle assembled
  with chunks missing ends in ``error``.
* ``"release-bundles"``: ``release_files`` only (Sentry 10 - 23.6.1): release
  bundles via ``/releases/{version}/assemble/``; no artifact-bundle endpoint.
* ``"sentry-9"``: chunk upload without an ``accept`` list (debug files only,
  Sentry 8 - 9) and no assemble endpoint for source maps: files one by one.
* ``"legacy"``: no chunk upload (404): files are uploaded one by one.

Example::

    with SentryTestServer(token="t", org="acme", projects=("desktop",)) as server:
        upload(server.url, ...)
        assert [a.name for a in server.artifacts("1.0")] == ["~/app.js", "~/app.js.map"]
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Sequence
from typing import Any

from smtools.testing.faults import Faults
from smtools.testing.handler import SentryHTTPServer
from smtools.testing.records import Artifact, AssembleJob, RecordedRequest, Release, StoredBundle
from smtools.testing.state import (
    DEFAULT_CHUNK_SIZE,
    DEFAULT_MAX_REQUEST_SIZE,
    MODES,
    ServerConfig,
    ServerState,
)

__all__ = ["MODES", "Faults", "SentryTestServer"]


class SentryTestServer:
    """A Sentry stand-in on ``host:port`` (port 0: a free port), started by ``with`` or ``start()``.

    Args:
        token: the one valid bearer token.
        org: the organisation slug; other slugs get 404.
        projects: the project slugs of the organisation.
        mode: ``"modern"``, ``"artifact-bundles-v1"``, ``"release-bundles"``, ``"sentry-9"``
            or ``"legacy"`` (see the module docstring).
        faults: misbehaviours to show (none by default).
        host: address to bind; loopback by default.
        port: port to bind, 0 for any free port.
        chunk_size: advertised ``chunkSize`` and the largest chunk accepted (bytes).
        max_request_bytes: advertised ``maxRequestSize`` and the largest sum of chunk
            bytes accepted per chunk request (None: Sentry's 32 MiB).
        chunks_per_request, concurrency, max_file_size, compression: the other
            advertised chunk-upload options (Sentry's defaults).
        page_size: default page size of file listings (Sentry: 100).
        url_prefix: Sentry's ``system.url-prefix``: base of the absolute URLs handed
            out; None builds them from the request's Host (works behind a proxy).

    Raises:
        ValueError: unknown mode or a non-positive size.
    """

    def __init__(self, token: str = "test-token", org: str = "acme",
                 projects: Sequence[str] = ("desktop",), mode: str = "modern",
                 faults: Faults | None = None, host: str = "127.0.0.1", port: int = 0,
                 chunk_size: int = DEFAULT_CHUNK_SIZE, max_request_bytes: int | None = None, *,
                 chunks_per_request: int = 64, concurrency: int = 8,
                 max_file_size: int = 2 * 1024 * 1024 * 1024,
                 compression: Sequence[str] = ("gzip",), page_size: int = 100,
                 url_prefix: str | None = None) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown server mode {mode!r} (expected one of {', '.join(MODES)})")
        if chunk_size <= 0 or (max_request_bytes is not None and max_request_bytes <= 0):
            raise ValueError("chunk_size and max_request_bytes must be positive")
        if isinstance(projects, str):
            projects = (projects,)
        config = ServerConfig(token=token, org=org, projects=tuple(projects), mode=mode,
                              chunk_size=chunk_size,
                              max_request_bytes=max_request_bytes or DEFAULT_MAX_REQUEST_SIZE,
                              chunks_per_request=chunks_per_request, concurrency=concurrency,
                              max_file_size=max_file_size, compression=tuple(compression),
                              page_size=page_size, url_prefix=url_prefix)
        self._state = ServerState(config, faults)
        self._address = (host, port)
        self._httpd: SentryHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopped = threading.Event()

    # -- life cycle ---------------------------------------------------------

    def start(self) -> SentryTestServer:
        """Bind and serve in a background thread; returns self.

        Raises:
            OSError: the address cannot be bound.
        """
        if self._httpd is not None:
            return self
        self._httpd = SentryHTTPServer(self._address, self._state)
        self._httpd.public_url = self.url
        self._stopped.clear()
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="sentry-test-server",
                                        kwargs={"poll_interval": 0.01}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the listening socket (idempotent)."""
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self._stopped.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until :meth:`stop` is called (or ``timeout`` seconds); True if stopped."""
        return self._stopped.wait(timeout)

    def __enter__(self) -> SentryTestServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- where it is --------------------------------------------------------

    @property
    def host(self) -> str:
        return self._address[0]

    @property
    def port(self) -> int:
        """The bound port (the requested one before :meth:`start`)."""
        if self._httpd is not None:
            return int(self._httpd.server_address[1])
        return self._address[1]

    @property
    def url(self) -> str:
        """The base URL to give a client, e.g. ``http://127.0.0.1:43521/``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    # -- configuration at run time --------------------------------------------

    @property
    def config(self) -> ServerConfig:
        return self._state.config

    @property
    def mode(self) -> str:
        return self._state.config.mode

    @property
    def faults(self) -> Faults:
        return self._state.faults.faults

    @faults.setter
    def faults(self, faults: Faults) -> None:
        """Replace the faults; their counters start afresh."""
        self._state.set_faults(faults)

    @property
    def url_prefix(self) -> str | None:
        return self._state.config.url_prefix

    @url_prefix.setter
    def url_prefix(self, value: str | None) -> None:
        """Set Sentry's ``system.url-prefix`` (e.g. a proxy URL, or a wrong host on purpose)."""
        with self._state.lock:
            self._state.config = dataclasses.replace(self._state.config, url_prefix=value)

    # -- what it holds --------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received (oldest first), ``/_smtools/`` ones excepted."""
        with self._state.lock:
            return list(self._state.requests)

    @property
    def releases(self) -> dict[str, Release]:
        """Releases by version."""
        with self._state.lock:
            return dict(self._state.releases)

    @property
    def chunks(self) -> dict[str, bytes]:
        """Stored chunks by SHA-1 (lost chunks are not here)."""
        with self._state.lock:
            return dict(self._state.chunks)

    @property
    def bundles(self) -> list[StoredBundle]:
        """Assembled artifact bundles (manifest, warnings, header version)."""
        with self._state.lock:
            return list(self._state.bundles.values())

    @property
    def assemble_jobs(self) -> dict[str, AssembleJob]:
        """Assemble states by bundle checksum."""
        with self._state.lock:
            return {checksum: job for (_, checksum), job in self._state.jobs.items()}

    @property
    def errors(self) -> list[str]:
        """Tracebacks of server-side bugs (each also answered 500); empty when all is well."""
        with self._state.lock:
            return list(self._state.errors)

    def artifacts(self, version: str | None = None, dist: str | None = None) -> list[Artifact]:
        """Stored files, whatever protocol delivered them; ``dist=""`` selects files without dist."""
        return self._state.artifacts(version, dist)

    def requests_to(self, endpoint: str) -> list[RecordedRequest]:
        """The recorded requests of one endpoint (names in ``smtools.testing.routes``)."""
        return [request for request in self.requests if request.endpoint == endpoint]

    def add_release(self, version: str, projects: Sequence[str] | None = None) -> Release:
        """Create a release directly (as if made earlier), for tests that need one."""
        release = Release(version=version, projects=list(projects or self._state.config.projects))
        with self._state.lock:
            self._state.releases[version] = release
        return release

    def dump(self) -> dict[str, Any]:
        """A JSON-serialisable picture of everything held (contents as sha1 + size)."""
        return self._state.dump(self.url)

    def reset(self) -> None:
        """Forget everything received (requests, releases, files, chunks, assemble states)
        and re-arm the faults; the server keeps running."""
        self._state.reset()
