"""Typed results of the Sentry API calls smtools makes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# chunk-upload ``accept`` capabilities (sentry-cli 2.58 ``upload/capability.rs``).
ARTIFACT_BUNDLES = "artifact_bundles"
ARTIFACT_BUNDLES_V2 = "artifact_bundles_v2"
RELEASE_FILES = "release_files"

# Assemble states (sentry ``tasks/assemble.py ChunkFileState``).
STATE_OK = "ok"
STATE_CREATED = "created"
STATE_ASSEMBLING = "assembling"
STATE_ERROR = "error"
STATE_NOT_FOUND = "not_found"
PENDING_STATES = frozenset({STATE_CREATED, STATE_ASSEMBLING})


@dataclass(frozen=True)
class ChunkOptions:
    """``GET /organizations/{org}/chunk-upload/`` (sentry-api.md §4.1); sizes in bytes."""

    url: str
    chunk_size: int
    chunks_per_request: int
    max_request_size: int
    concurrency: int = 1
    hash_algorithm: str = "sha1"
    compression: tuple[str, ...] = ()
    # sentry-cli 2.x defaults a missing ``accept`` to ["debug_files"].
    accept: tuple[str, ...] = ("debug_files",)
    max_file_size: int | None = None
    max_wait: float | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any], url: str) -> ChunkOptions:
        """Build from the server's JSON; ``url`` is the already-resolved chunk URL."""
        return cls(url=url, chunk_size=int(data["chunkSize"]),
                   chunks_per_request=max(1, int(data.get("chunksPerRequest") or 64)),
                   max_request_size=int(data.get("maxRequestSize") or 32 * 1024 * 1024),
                   concurrency=max(1, int(data.get("concurrency") or 1)),
                   hash_algorithm=str(data.get("hashAlgorithm") or "sha1"),
                   compression=tuple(data.get("compression") or ()),
                   accept=tuple(data["accept"]) if data.get("accept") is not None
                   else ("debug_files",),
                   max_file_size=int(data["maxFileSize"]) if data.get("maxFileSize") else None,
                   max_wait=float(data["maxWait"]) if data.get("maxWait") else None)

    @property
    def artifact_bundles(self) -> bool:
        return ARTIFACT_BUNDLES in self.accept or ARTIFACT_BUNDLES_V2 in self.accept

    @property
    def missing_chunks_first(self) -> bool:
        """Assemble reports ``missingChunks`` before upload (dedup, sentry-api.md §4.6)."""
        return ARTIFACT_BUNDLES_V2 in self.accept

    @property
    def release_bundles(self) -> bool:
        return RELEASE_FILES in self.accept


@dataclass(frozen=True)
class AssembleResult:
    """State of an assemble call: ``ok``, ``created``, ``assembling``, ``error``, ``not_found``."""

    state: str
    missing_chunks: tuple[str, ...] = ()
    detail: str | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AssembleResult:
        return cls(state=str(data.get("state")),
                   missing_chunks=tuple(data.get("missingChunks") or ()),
                   detail=data.get("detail") if isinstance(data.get("detail"), str) else None)


@dataclass(frozen=True)
class ReleaseFile:
    """One artifact the server lists for a release (sentry-api.md §2.3)."""

    id: str
    name: str
    dist: str | None
    sha1: str | None
    size: int | None
    headers: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ReleaseFile:
        headers = data.get("headers") or {}
        return cls(id=str(data.get("id", "")), name=str(data.get("name", "")),
                   dist=data.get("dist") or None, sha1=data.get("sha1") or None,
                   size=int(data["size"]) if data.get("size") is not None else None,
                   headers={str(k): str(v) for k, v in headers.items()})


@dataclass(frozen=True)
class BundleFiles:
    """An artifact bundle as the server lists it: release/dist pairs and ``url -> size``."""

    bundle_id: str
    associations: tuple[tuple[str | None, str | None], ...]
    sizes: Mapping[str, int | None]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BundleFiles:
        associations = tuple((a.get("release"), a.get("dist"))
                             for a in data.get("associations") or [] if isinstance(a, dict))
        sizes = {str(f.get("filePath")): f.get("fileSize") for f in data.get("files") or []
                 if isinstance(f, dict)}
        return cls(str(data.get("bundleId", "")), associations, sizes)

    def extend(self, page: BundleFiles) -> BundleFiles:
        return BundleFiles(self.bundle_id, self.associations, {**self.sizes, **page.sizes})
