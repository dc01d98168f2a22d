"""What the Sentry test server records and stores.

The API shapes (``to_api``) follow the serializers the Sentry server uses for
releases and release files (sentry ``api/serializers/models/release.py``,
``releasefile.py``), with the fields a client can rely on.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

ARTIFACT_BUNDLE = "artifact-bundle"
RELEASE_BUNDLE = "release-bundle"
RELEASE_FILE = "release-file"


def now_iso() -> str:
    """The current UTC time as Sentry prints it (``2024-05-01T12:00:00.123456Z``)."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def sha1_hex(data: bytes) -> str:
    """Lowercase hex SHA-1, Sentry's checksum for chunks, bundles and files."""
    return hashlib.sha1(data).hexdigest()


@dataclass(frozen=True)
class RecordedRequest:
    """One request the server saw.

    ``status`` is None when the connection was reset instead of answered.
    ``body_bytes`` counts the request body bytes read; ``chunk_bytes`` the
    decoded (uncompressed) bytes of the chunk parts of a chunk upload, and
    ``chunk_ids`` their part filenames. ``headers`` have lowercase names and
    never include Authorization; ``auth`` is just its scheme (``"Bearer"``).
    ``fault`` names the injected fault that shaped the answer, if any.
    """

    seq: int
    method: str
    path: str
    query: str
    endpoint: str | None
    status: int | None
    body_bytes: int
    chunk_bytes: int = 0
    chunk_ids: tuple[str, ...] = ()
    headers: dict[str, str] = field(default_factory=dict)
    auth: str | None = None
    json: Any = None
    fault: str | None = None

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable copy."""
        return {"seq": self.seq, "method": self.method, "path": self.path, "query": self.query,
                "endpoint": self.endpoint, "status": self.status, "body_bytes": self.body_bytes,
                "chunk_bytes": self.chunk_bytes, "chunk_ids": list(self.chunk_ids),
                "headers": dict(self.headers), "auth": self.auth, "json": self.json,
                "fault": self.fault}


@dataclass
class Release:
    """A release of the organisation."""

    version: str
    projects: list[str]
    date_created: str = field(default_factory=now_iso)
    date_released: str | None = None
    date_started: str | None = None
    url: str | None = None
    ref: str | None = None

    def to_api(self) -> dict[str, Any]:
        """The release JSON the API answers with."""
        return {"version": self.version, "shortVersion": self.version, "ref": self.ref,
                "url": self.url, "dateCreated": self.date_created,
                "dateReleased": self.date_released, "dateStarted": self.date_started,
                "data": {}, "newGroups": 0, "owner": None, "commitCount": 0,
                "lastCommit": None, "deployCount": 0, "lastDeploy": None, "authors": [],
                "projects": [{"slug": slug, "name": slug} for slug in self.projects],
                "firstEvent": None, "lastEvent": None, "status": "open"}

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable copy for dumps."""
        return {"version": self.version, "projects": list(self.projects),
                "date_created": self.date_created, "date_released": self.date_released,
                "date_started": self.date_started, "url": self.url, "ref": self.ref}


@dataclass
class ReleaseFile:
    """A release file: uploaded one by one, or unpacked from a release bundle.

    ``headers`` keep the case they were stored with (the legacy upload stores
    ``Content-Type`` plus the ``header`` fields as given).
    """

    id: str
    release: str
    name: str
    dist: str | None
    headers: dict[str, str]
    content: bytes
    source: str = RELEASE_FILE
    type: str | None = None
    date_created: str = field(default_factory=now_iso)

    @property
    def sha1(self) -> str:
        return sha1_hex(self.content)

    def to_api(self) -> dict[str, Any]:
        """The release-file JSON of the files endpoints."""
        return {"id": self.id, "name": self.name, "dist": self.dist, "headers": dict(self.headers),
                "size": len(self.content), "sha1": self.sha1, "dateCreated": self.date_created}


@dataclass(frozen=True)
class Artifact:
    """A stored file, whatever protocol delivered it.

    ``name`` (alias ``url``) is the artifact URL (``~/app.js``); ``headers``
    have lowercase keys; ``source`` is ``"artifact-bundle"``,
    ``"release-bundle"`` or ``"release-file"``; ``type`` comes from a bundle
    manifest (None for files uploaded one by one); ``id`` is the release-file
    id (None in artifact bundles).
    """

    name: str
    dist: str | None
    type: str | None
    headers: dict[str, str]
    content: bytes
    debug_id: str | None
    release: str | None
    projects: tuple[str, ...]
    source: str
    bundle_id: str | None = None
    id: str | None = None

    @property
    def url(self) -> str:
        return self.name

    @property
    def sha1(self) -> str:
        return sha1_hex(self.content)

    @property
    def size(self) -> int:
        return len(self.content)

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable summary (content as sha1 + size)."""
        return {"name": self.name, "dist": self.dist, "type": self.type, "headers": dict(self.headers),
                "sha1": self.sha1, "size": self.size, "debug_id": self.debug_id,
                "release": self.release, "projects": list(self.projects), "source": self.source,
                "bundle_id": self.bundle_id, "id": self.id}


@dataclass
class AssembleJob:
    """The server-side state of one assemble request (keyed by bundle checksum).

    ``reason`` explains an ``error`` state more precisely than the ``detail``
    Sentry sends (e.g. which manifest entry made "the bundle is invalid").
    """

    checksum: str
    kind: str
    chunks: tuple[str, ...]
    projects: tuple[str, ...] = ()
    version: str | None = None
    dist: str | None = None
    state: str = "created"
    detail: str | None = None
    reason: str | None = None
    pending_polls: int = 0
    finished: bool = False
    expires: float = 0.0

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable copy for dumps."""
        return {"checksum": self.checksum, "kind": self.kind, "state": self.state,
                "detail": self.detail, "reason": self.reason, "chunks": list(self.chunks),
                "projects": list(self.projects), "version": self.version, "dist": self.dist}


@dataclass
class StoredBundle:
    """An assembled artifact bundle (re-uploads with the same bundle id replace it)."""

    bundle_id: str
    checksum: str
    release: str | None
    dist: str | None
    projects: tuple[str, ...]
    artifacts: tuple[Artifact, ...]
    header_version: int | None
    manifest: dict[str, Any]
    warnings: tuple[str, ...]
    date_added: str = field(default_factory=now_iso)

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable summary for dumps."""
        manifest = {key: value for key, value in self.manifest.items() if key != "files"}
        return {"bundle_id": self.bundle_id, "checksum": self.checksum, "release": self.release,
                "dist": self.dist, "projects": list(self.projects), "files": len(self.artifacts),
                "header_version": self.header_version, "manifest": manifest,
                "warnings": list(self.warnings), "date_added": self.date_added}
