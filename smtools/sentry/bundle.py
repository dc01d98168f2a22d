"""The artifact bundle file and its chunks (sentry-api.md §4.2, §4.4).

A bundle is ``b"SYSB"`` + u32 LE version 2 + a zip of ``files/<bundle path>`` members and a
``manifest.json`` written last. Everything that could vary between runs is pinned (member
order, 1980-01-01 timestamps, permissions, creator system, compression level, JSON key
order), so the same files always give the same bytes, the same checksum and the same chunk
ids: that is what lets a second upload of unchanged files send no chunk at all.
"""

from __future__ import annotations

import hashlib
import io
import json
import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from smtools.sentry.artifacts import MINIFIED_SOURCE, Artifact

HEADER = b"SYSB" + (2).to_bytes(4, "little")
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_TYPE_NAMES = {MINIFIED_SOURCE: "MinifiedSource", "source_map": "SourceMap", "source": "Source"}


@dataclass(frozen=True)
class Chunk:
    """One piece of a bundle; ``checksum`` is the SHA-1 (hex) of ``data``, uncompressed."""

    checksum: str
    data: bytes


@dataclass(frozen=True)
class BuiltBundle:
    """A bundle's bytes, whole-file SHA-1, chunks and bundle debug id."""

    data: bytes
    checksum: str
    chunks: tuple[Chunk, ...]
    debug_id: str
    manifest: dict[str, object]

    @property
    def chunk_ids(self) -> list[str]:
        return [chunk.checksum for chunk in self.chunks]


def build_bundle(artifacts: Sequence[Artifact], *, org: str, projects: Sequence[str],
                 release: str | None, dist: str | None, chunk_size: int,
                 note: str | None = None) -> BuiltBundle:
    """Build the artifact (or release) bundle and split it into ``chunk_size``-byte chunks.

    ``project`` goes into the manifest only for exactly one project, ``release``, ``dist``
    and ``note`` only when given (sentry-cli ``source_bundle.rs``).
    """
    ordered = sorted(artifacts, key=lambda a: a.url)
    debug_id = bundle_debug_id(ordered)
    manifest: dict[str, object] = {"files": {}, "debug_id": debug_id, "org": org}
    if len(projects) == 1:
        manifest["project"] = projects[0]
    for key, value in (("release", release), ("dist", dist), ("note", note)):
        if value:
            manifest[key] = value
    buffer = io.BytesIO()
    buffer.write(HEADER)
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        files: dict[str, object] = {}
        for member, artifact in zip(_member_names(ordered), ordered, strict=True):
            _write(archive, member, artifact.content)
            files[member] = _manifest_entry(artifact)
        manifest["files"] = files
        _write(archive, "manifest.json", json.dumps(manifest, sort_keys=True,
                                                    separators=(",", ":")).encode("utf-8"))
    data = buffer.getvalue()
    return BuiltBundle(data, hashlib.sha1(data).hexdigest(), split_chunks(data, chunk_size),
                       debug_id, manifest)


def split_chunks(data: bytes, chunk_size: int) -> tuple[Chunk, ...]:
    """Consecutive ``chunk_size`` pieces (the last may be shorter), each with its SHA-1."""
    if chunk_size <= 0:
        raise ValueError(f"chunk size must be positive, got {chunk_size}")
    return tuple(Chunk(hashlib.sha1(piece).hexdigest(), piece)
                 for piece in (data[i:i + chunk_size] for i in range(0, len(data), chunk_size)))


def bundle_path(url: str) -> str:
    """sentry-cli ``url_to_bundle_path``: ``~/a.js`` → ``_/_/a.js``, ``app:///x`` → ``app/_/x``."""
    if url.startswith("~/"):
        return "_/_/" + url[2:].lstrip("/")
    parts = urlsplit(url)
    if not parts.scheme:
        return "_/_/" + url.lstrip("/")
    path = parts.path.lstrip("/") + (f"#{parts.fragment}" if parts.fragment else "")
    return f"{parts.scheme}/{parts.hostname or '_'}/{path}"


def bundle_debug_id(artifacts: Sequence[Artifact]) -> str:
    """Deterministic bundle id: SHA-1 over url, content, type, headers per file in url order.

    The first 16 bytes get UUIDv5 version/variant bits (sentry-cli ``build_debug_id``).
    """
    digest = hashlib.sha1()
    for artifact in sorted(artifacts, key=lambda a: a.url):
        digest.update(artifact.url.encode("utf-8"))
        digest.update(artifact.content)
        digest.update(_TYPE_NAMES.get(artifact.type, artifact.type).encode("utf-8"))
        for key, value in sorted(_lower(artifact.headers).items()):
            digest.update(key.encode("utf-8"))
            digest.update(value.encode("utf-8"))
    return str(uuid.UUID(bytes=digest.digest()[:16], version=5))


def _member_names(artifacts: Sequence[Artifact]) -> list[str]:
    """``files/<bundle path>``; a repeated path gets ``.1``, ``.2``… as in sentry-cli."""
    names: list[str] = []
    used: set[str] = set()
    for artifact in artifacts:
        base = "files/" + bundle_path(artifact.url)
        name, count = base, 0
        while name in used:
            count += 1
            name = f"{base}.{count}"
        used.add(name)
        names.append(name)
    return names


def _manifest_entry(artifact: Artifact) -> dict[str, object]:
    entry: dict[str, object] = {"type": artifact.type, "url": artifact.url}
    if artifact.headers:
        # symbolic add_header writes keys lowercase (sentry-api.md §4.4).
        entry["headers"] = _lower(artifact.headers)
    return entry


def _lower(headers: dict[str, str]) -> dict[str, str]:
    return {key.lower(): value for key, value in headers.items()}


def _write(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3
    info.external_attr = 0o100644 << 16
    archive.writestr(info, data, compresslevel=6)
