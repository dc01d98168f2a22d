"""Configuration and stored state of the Sentry test server (thread-safe)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from smtools.testing.bundle import normalize_debug_id
from smtools.testing.faults import Faults, FaultState
from smtools.testing.records import (
    Artifact,
    AssembleJob,
    RecordedRequest,
    Release,
    ReleaseFile,
    StoredBundle,
)

MODERN = "modern"
ARTIFACT_BUNDLES_V1 = "artifact-bundles-v1"
RELEASE_BUNDLES = "release-bundles"
SENTRY_9 = "sentry-9"
LEGACY = "legacy"
MODES = (MODERN, ARTIFACT_BUNDLES_V1, RELEASE_BUNDLES, SENTRY_9, LEGACY)

# What each kind of server advertises in chunk-upload `accept` (sentry-api.md §8):
# 23.6.2+ with/without v2, 10.0-23.6.1 (release bundles only); Sentry 8-9 had
# chunk upload for debug files only and sent no `accept` at all (None here).
_ACCEPT: dict[str, tuple[str, ...] | None] = {
    MODERN: ("debug_files", "release_files", "pdbs", "sources", "bcsymbolmaps", "il2cpp",
             "portablepdbs", "artifact_bundles", "artifact_bundles_v2"),
    ARTIFACT_BUNDLES_V1: ("debug_files", "release_files", "pdbs", "sources", "bcsymbolmaps",
                          "il2cpp", "portablepdbs", "artifact_bundles"),
    RELEASE_BUNDLES: ("debug_files", "release_files", "pdbs", "sources", "bcsymbolmaps"),
    SENTRY_9: None,
    LEGACY: None,
}

# sentry api/endpoints/chunk.py and conf/server.py defaults.
DEFAULT_CHUNK_SIZE = 8 * 1024 * 1024
DEFAULT_MAX_REQUEST_SIZE = 32 * 1024 * 1024
DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024 * 1024
# sentry tasks/assemble.py set_assemble_status: the state is cached for 10 minutes.
ASSEMBLE_STATE_TTL = 600.0
FULL_SCOPES = ("org:ci", "org:read", "project:read", "project:releases", "project:write")
READ_SCOPES = ("org:read", "project:read")


@dataclass(frozen=True, kw_only=True)
class ServerConfig:
    """What the server is: credentials, organisation, capabilities.

    ``url_prefix`` plays Sentry's ``system.url-prefix``: when set, absolute URLs
    the server hands out (the chunk-upload ``url``, pagination links) use it;
    when None they are built from the request (``Host`` and
    ``X-Forwarded-Proto``), so they work through a reverse proxy.
    """

    token: str
    org: str
    projects: tuple[str, ...]
    mode: str = MODERN
    chunk_size: int = DEFAULT_CHUNK_SIZE
    max_request_bytes: int = DEFAULT_MAX_REQUEST_SIZE
    chunks_per_request: int = 64
    concurrency: int = 8
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    compression: tuple[str, ...] = ("gzip",)
    page_size: int = 100
    url_prefix: str | None = None

    @property
    def accept(self) -> tuple[str, ...] | None:
        """The chunk-upload capabilities advertised in this mode (None: no `accept` key)."""
        return _ACCEPT[self.mode]

    @property
    def has_chunk_upload(self) -> bool:
        return self.mode != LEGACY

    def accepts(self, capability: str) -> bool:
        """Whether ``capability`` is advertised (its endpoints exist only then)."""
        return capability in (self.accept or ())

    @property
    def reports_missing_chunks(self) -> bool:
        """Assemble answers ``missingChunks`` before anything else (artifact_bundles_v2)."""
        return self.mode == MODERN


class ServerState:
    """Everything the server holds; endpoint code works on it under ``lock``."""

    def __init__(self, config: ServerConfig, faults: Faults | None = None) -> None:
        self.config = config
        self.lock = threading.RLock()
        self.faults = FaultState(faults or Faults())
        self.started = time.monotonic()
        self._clear()

    def _clear(self) -> None:
        self.requests: list[RecordedRequest] = []
        self.releases: dict[str, Release] = {}
        self.release_files: dict[str, ReleaseFile] = {}
        self.bundles: dict[str, StoredBundle] = {}
        self.chunks: dict[str, bytes] = {}
        self.jobs: dict[tuple[str, str], AssembleJob] = {}
        self.errors: list[str] = []
        self._next_id = 1

    def reset(self) -> None:
        """Forget everything received and re-arm the faults."""
        with self.lock:
            self._clear()
            self.faults = FaultState(self.faults.faults)

    def set_faults(self, faults: Faults) -> None:
        """Replace the faults (their counters start afresh)."""
        with self.lock:
            self.faults = FaultState(faults)

    def new_id(self) -> str:
        """A fresh numeric id, as a string like Sentry's ids."""
        with self.lock:
            value = self._next_id
            self._next_id += 1
            return str(value)

    def record(self, **fields: Any) -> RecordedRequest:
        """Append a request to the log (``seq`` is assigned here, from 1)."""
        with self.lock:
            recorded = RecordedRequest(seq=len(self.requests) + 1, **fields)
            self.requests.append(recorded)
            return recorded

    def scopes(self) -> tuple[str, ...]:
        """The scopes the token has (reduced while a scope fault is set)."""
        return READ_SCOPES if self.faults.faults.scope_missing else FULL_SCOPES

    def job(self, kind: str, checksum: str) -> AssembleJob | None:
        """The cached assemble state of a checksum, unless it expired."""
        with self.lock:
            job = self.jobs.get((kind, checksum))
            if job is not None and job.expires < time.monotonic():
                del self.jobs[(kind, checksum)]
                return None
            return job

    def artifacts(self, version: str | None = None, dist: str | None = None) -> list[Artifact]:
        """Stored files from every protocol, optionally of one release and dist.

        ``dist=""`` selects files without a dist (Sentry's NULL dist).
        """
        with self.lock:
            items = [artifact for bundle in self.bundles.values() for artifact in bundle.artifacts]
            items += [self._file_artifact(file) for file in self.release_files.values()]
        if version is not None:
            items = [item for item in items if item.release == version]
        if dist is not None:
            items = [item for item in items if (item.dist or "") == dist]
        return items

    def _file_artifact(self, file: ReleaseFile) -> Artifact:
        headers = {key.lower(): value for key, value in file.headers.items()}
        release = self.releases.get(file.release)
        return Artifact(name=file.name, dist=file.dist, type=file.type, headers=headers,
                        content=file.content, debug_id=normalize_debug_id(headers.get("debug-id")),
                        release=file.release, projects=tuple(release.projects if release else ()),
                        source=file.source, id=file.id)

    def dump(self, url: str) -> dict[str, Any]:
        """A JSON-serialisable picture of everything held (contents as sha1 + size)."""
        config = self.config
        with self.lock:
            return {
                "url": url, "org": config.org, "projects": list(config.projects),
                "mode": config.mode, "accept": config.accept and list(config.accept),
                "releases": {version: release.to_json() for version, release in self.releases.items()},
                "artifacts": [artifact.to_json() for artifact in self.artifacts()],
                "bundles": [bundle.to_json() for bundle in self.bundles.values()],
                "chunks": {sha1: len(data) for sha1, data in self.chunks.items()},
                "assemble": [job.to_json() for job in self.jobs.values()],
                "requests": [request.to_json() for request in self.requests],
                "errors": list(self.errors),
            }

