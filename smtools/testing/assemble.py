"""The assemble state machine and the work Sentry's assemble task does.

Request side (sentry ``organization_artifactbundle_assemble.py``,
``organization_release_assemble.py``): with ``artifact_bundles_v2`` any chunk
the server lacks makes the answer ``not_found`` + ``missingChunks``; then a
cached state for the checksum is returned as is (``ok`` with ``detail``
None); an empty ``chunks`` list is a poll of nothing (``not_found``); else the
job is created and the answer is ``created``.

Worker side (sentry ``tasks/assemble.py``): the job runs as soon as it is
created (``Faults.assemble_pending`` holds it in ``assembling`` for a number
of polls first); files become visible when it reaches ``ok``.
"""

from __future__ import annotations

import time
from typing import Any

from smtools.testing.bundle import SOURCE_FILE_TYPES, Bundle, BundleError, normalize_debug_id, parse_bundle
from smtools.testing.records import (
    ARTIFACT_BUNDLE,
    RELEASE_BUNDLE,
    Artifact,
    AssembleJob,
    ReleaseFile,
    StoredBundle,
    sha1_hex,
)
from smtools.testing.state import ASSEMBLE_STATE_TTL, ServerState

CREATED, ASSEMBLING, OK, ERROR, NOT_FOUND = "created", "assembling", "ok", "error", "not_found"


class AssembleFailure(Exception):
    """A job ends in ``error``: ``detail`` is what Sentry says, ``reason`` the specifics."""

    def __init__(self, detail: str, reason: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.reason = reason


def assemble(state: ServerState, job: AssembleJob) -> dict[str, Any]:
    """Answer one assemble request for ``job`` (a new job, or the key of a known one).

    Returns:
        The JSON body of the 200 answer (``state``, ``missingChunks``, ``detail``).
    """
    with state.lock:
        if state.config.reports_missing_chunks:
            missing = [chunk for chunk in dict.fromkeys(job.chunks) if chunk not in state.chunks]
            if missing:
                return {"state": NOT_FOUND, "missingChunks": missing}
        known = state.job(job.kind, job.checksum)
        if known is not None:
            return _poll(state, known)
        if not job.chunks:
            return {"state": NOT_FOUND, "missingChunks": []}
        job.pending_polls = state.faults.faults.assemble_pending
        job.expires = time.monotonic() + ASSEMBLE_STATE_TTL
        state.jobs[(job.kind, job.checksum)] = job
        if job.pending_polls == 0:
            _finish(state, job)
        return {"state": CREATED, "missingChunks": []}


def _poll(state: ServerState, job: AssembleJob) -> dict[str, Any]:
    if not job.finished:
        if job.pending_polls > 0:
            job.pending_polls -= 1
            return {"state": ASSEMBLING, "detail": None, "missingChunks": []}
        _finish(state, job)
    return {"state": job.state, "detail": job.detail, "missingChunks": []}


def _finish(state: ServerState, job: AssembleJob) -> None:
    job.finished = True
    try:
        data = _join_chunks(state, job)
        if job.kind == ARTIFACT_BUNDLE:
            _store_artifact_bundle(state, job, data)
        else:
            _store_release_bundle(state, job, data)
    except AssembleFailure as failure:
        job.state, job.detail, job.reason = ERROR, failure.detail, failure.reason
    else:
        job.state, job.detail = OK, None


def _join_chunks(state: ServerState, job: AssembleJob) -> bytes:
    forced = state.faults.faults.assemble_error
    if forced is not None:
        raise AssembleFailure(forced, "Faults.assemble_error")
    missing = [chunk for chunk in job.chunks if chunk not in state.chunks]
    if missing:
        raise AssembleFailure("Not all chunks available for assembling", f"missing chunks: {missing}")
    data = b"".join(state.chunks[chunk] for chunk in job.chunks)
    limit = state.config.max_file_size
    if len(data) > limit:
        name = "artifact-bundle.zip" if job.kind == ARTIFACT_BUNDLE else "release-artifacts.zip"
        raise AssembleFailure(f"File {name} exceeds maximum size ({len(data)} > {limit})")
    if sha1_hex(data) != job.checksum:
        raise AssembleFailure("Reported checksum mismatch",
                              f"the chunks join to {sha1_hex(data)}, not {job.checksum}")
    return data


def _parse(data: bytes) -> Bundle:
    try:
        return parse_bundle(data)
    except BundleError as problem:
        raise AssembleFailure("the bundle is invalid", str(problem)) from None


def _store_artifact_bundle(state: ServerState, job: AssembleJob, data: bytes) -> None:
    bundle = _parse(data)
    if not bundle.files:
        return  # Sentry silently discards an empty bundle (state still ok).
    # Request fields win over the manifest's (ArtifactBundlePostAssembler).
    release = job.version or _text(bundle.manifest.get("release"))
    dist = job.dist or _text(bundle.manifest.get("dist"))
    has_debug_ids = any(f.debug_id and f.type in SOURCE_FILE_TYPES for f in bundle.files)
    if not has_debug_ids and not release:
        raise AssembleFailure("uploading a bundle without debug ids or release is prohibited")
    bundle_id = bundle.bundle_id or normalize_debug_id(job.checksum) or job.checksum
    artifacts = tuple(Artifact(name=f.url, dist=dist, type=f.type, headers=f.headers,
                               content=state.faults.stored_content(f.url, f.content),
                               debug_id=f.debug_id, release=release, projects=job.projects,
                               source=ARTIFACT_BUNDLE, bundle_id=bundle_id)
                      for f in bundle.files if state.faults.keeps(f.url))
    # Same bundle id again: the stored bundle is replaced, not duplicated.
    state.bundles.pop(bundle_id, None)
    state.bundles[bundle_id] = StoredBundle(
        bundle_id=bundle_id, checksum=job.checksum, release=release, dist=dist,
        projects=job.projects, artifacts=artifacts, header_version=bundle.header_version,
        manifest=bundle.manifest, warnings=bundle.warnings)


def _store_release_bundle(state: ServerState, job: AssembleJob, data: bytes) -> None:
    bundle = _parse(data)
    if not bundle.files:
        return
    manifest = bundle.manifest
    if manifest.get("org") != state.config.org:
        raise AssembleFailure("organization does not match uploaded bundle")
    if manifest.get("release") != job.version:
        raise AssembleFailure("release does not match uploaded bundle")
    if job.version not in state.releases:
        raise AssembleFailure("release does not exist")
    dist = _text(manifest.get("dist"))
    for file in bundle.files:
        if not state.faults.keeps(file.url):
            continue
        raw_headers = manifest["files"][file.path].get("headers") or {}
        existing = next((f for f in state.release_files.values() if f.release == job.version
                         and f.dist == dist and f.name == file.url), None)
        file_id = existing.id if existing else state.new_id()
        # Upsert by (release, dist, name), like ReleaseBundlePostAssembler.
        state.release_files[file_id] = ReleaseFile(
            id=file_id, release=job.version, name=file.url, dist=dist,
            headers={str(k): str(v) for k, v in dict(raw_headers).items()},
            content=state.faults.stored_content(file.url, file.content), source=RELEASE_BUNDLE,
            type=file.type)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
