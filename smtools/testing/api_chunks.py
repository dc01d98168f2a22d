"""Chunk upload and assemble endpoints (sentry-api.md §4)."""

from __future__ import annotations

import gzip
import re
import zlib
from dataclasses import dataclass
from typing import Any

from smtools.testing import schema
from smtools.testing.assemble import assemble
from smtools.testing.messages import ApiRequest, ApiResponse, error, json_response, not_found
from smtools.testing.multipart import MultipartError, boundary_of, parse_multipart
from smtools.testing.records import ARTIFACT_BUNDLE, RELEASE_BUNDLE, AssembleJob, sha1_hex
from smtools.testing.state import ServerState

_SENTRY_CLI_UA = re.compile(r"^sentry-cli/(\d+)\.(\d+)\.(\d+)")


def chunk_options(state: ServerState, request: ApiRequest) -> ApiResponse:
    """``GET /api/0/organizations/{org}/chunk-upload/``: the upload parameters."""
    config = state.config
    options = {
        "url": _upload_url(state, request),
        "chunkSize": config.chunk_size,
        "chunksPerRequest": config.chunks_per_request,
        "maxFileSize": config.max_file_size,
        "maxRequestSize": config.max_request_bytes,
        "concurrency": config.concurrency,
        "hashAlgorithm": "sha1",
        "compression": list(config.compression),
    }
    if config.accept is not None:
        options["accept"] = list(config.accept)
    return json_response(200, options)


def _upload_url(state: ServerState, request: ApiRequest) -> str:
    path = f"organizations/{state.config.org}/chunk-upload/"
    match = _SENTRY_CLI_UA.match(request.headers.get("user-agent", ""))
    if match and (1, 70, 1) <= tuple(map(int, match.groups())) < (2, 30, 0):
        return path  # relative, for sentry-cli releases that cannot follow absolute URLs
    return f"{state.config.url_prefix or request.base_url}".rstrip("/") + "/api/0/" + path


@dataclass
class _Chunk:
    name: str
    data: bytes


def chunk_upload(state: ServerState, request: ApiRequest) -> ApiResponse:
    """``POST`` chunk upload: multipart, one ``file``/``file_gzip`` part per chunk.

    Checks as sentry ``chunk.py`` does, in its order: each chunk's size,
    the request's total, the number of chunks, then each SHA-1 (``Checksum
    mismatch``; chunks before the bad one stay stored).
    """
    chunks_or_error = _read_chunks(request)
    if isinstance(chunks_or_error, ApiResponse):
        return chunks_or_error
    chunks = chunks_or_error
    response = _check_limits(state, chunks) or _store(state, chunks)
    response.chunk_bytes = sum(len(chunk.data) for chunk in chunks)
    response.chunk_ids = tuple(chunk.name for chunk in chunks)
    return response


def _read_chunks(request: ApiRequest) -> list[_Chunk] | ApiResponse:
    if not request.body:
        return []
    boundary = boundary_of(request.headers.get("content-type", ""))
    if boundary is None:
        media = request.headers.get("content-type", "")
        return json_response(415, {"detail": f'Unsupported media type "{media}" in request.'})
    try:
        parts = parse_multipart(request.body, boundary)
    except MultipartError as problem:
        return json_response(400, {"detail": f"Multipart form parse error - {problem}"})
    encoding = request.headers.get("content-encoding", "").strip().lower()
    raw = [part for part in parts if part.name == "file"]
    gzipped = [part for part in parts if part.name == "file_gzip"]
    if encoding and encoding != "identity":
        if encoding != "gzip":
            return error(400, "Unsupported Content-Encoding")
        if gzipped:
            return error(400, "Content-Encoding cannot be combined with file_gzip")
        gzipped, raw = raw, []
    if any(part.filename is None for part in raw + gzipped):
        return error(400, "chunk part without a filename")
    try:
        return ([_Chunk(part.filename or "", part.data) for part in raw]
                + [_Chunk(part.filename or "", gzip.decompress(part.data)) for part in gzipped])
    except (OSError, EOFError, zlib.error) as problem:
        return error(400, str(problem))


def _check_limits(state: ServerState, chunks: list[_Chunk]) -> ApiResponse | None:
    config = state.config
    if any(len(chunk.data) > config.chunk_size for chunk in chunks):
        return error(400, "Chunk size too large")
    if sum(len(chunk.data) for chunk in chunks) > config.max_request_bytes:
        return error(400, "Request too large")
    if len(chunks) > config.chunks_per_request:
        return error(400, "Too many chunks")
    return None


def _store(state: ServerState, chunks: list[_Chunk]) -> ApiResponse:
    lost = 0
    with state.lock:
        for chunk in chunks:
            if sha1_hex(chunk.data) != chunk.name:
                return error(400, "Checksum mismatch")
            if chunk.name in state.chunks:
                continue
            if state.faults.lose_chunk():
                lost += 1
                continue
            state.chunks[chunk.name] = chunk.data
    return ApiResponse(200, fault="lose_chunks" if lost else None)


def artifact_assemble(state: ServerState, request: ApiRequest) -> ApiResponse:
    """``POST /api/0/organizations/{org}/artifactbundle/assemble/``."""
    data = _validated_body(request, schema.ARTIFACT_BUNDLE_SCHEMA, schema.ARTIFACT_BUNDLE_REQUIRED)
    if isinstance(data, ApiResponse):
        return data
    projects = tuple(dict.fromkeys(data["projects"]))
    if not projects:
        return error(400, "You need to specify at least one project")
    if any(project not in state.config.projects for project in projects):
        return error(400, "One or more projects are invalid")
    if data.get("dist") and not data.get("version"):
        return error(400, "You need to specify a release together with a dist")
    job = AssembleJob(checksum=data["checksum"], kind=ARTIFACT_BUNDLE, chunks=tuple(data["chunks"]),
                      projects=projects, version=data.get("version") or None,
                      dist=data.get("dist") or None)
    return json_response(200, assemble(state, job))


def release_assemble(state: ServerState, request: ApiRequest) -> ApiResponse:
    """``POST /api/0/organizations/{org}/releases/{version}/assemble/`` (release bundles)."""
    version = request.params["version"]
    if version not in state.releases:
        return not_found()
    data = _validated_body(request, schema.RELEASE_BUNDLE_SCHEMA, schema.RELEASE_BUNDLE_REQUIRED)
    if isinstance(data, ApiResponse):
        return data
    release = state.releases[version]
    job = AssembleJob(checksum=data["checksum"], kind=RELEASE_BUNDLE, chunks=tuple(data["chunks"]),
                      projects=tuple(release.projects), version=version)
    return json_response(200, assemble(state, job))


def _validated_body(request: ApiRequest, properties: dict[str, tuple[str, str | None]],
                    required: tuple[str, ...]) -> dict[str, Any] | ApiResponse:
    try:
        data = request.json()
    except ValueError:
        return error(400, "Invalid json body")
    problem = schema.validate(data, properties, required)
    if problem:
        return error(400, problem)
    assert isinstance(data, dict)
    return data
