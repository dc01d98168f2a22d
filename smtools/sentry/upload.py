"""The upload workflow: pick a protocol, send what the server lacks, wait, finalize.

Protocol choice follows the server's ``chunk-upload`` options, newest first (sentry-api.md
§8): ``artifact_bundles(_v2)`` → artifact bundle via ``artifactbundle/assemble``;
``release_files`` → release bundle via ``releases/{v}/assemble``; otherwise (404, or
neither capability) → legacy per-file ``releases/{v}/files/``. This takes sentry-cli
2.58's order but, unlike 2.58, uses artifact bundles on servers that advertise them
without ``release_files`` (GlitchTip, Bugsink).

Nothing is reported as uploaded before the server says so (assemble ``ok``, file 201/409),
and a failure or interruption never finalizes the release: rerunning sends only the chunks
the server still lacks (``missingChunks``) and finishes the job.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from smtools.errors import ConfigError, SentryAPIError
from smtools.sentry.artifacts import Artifact
from smtools.sentry.bundle import BuiltBundle, Chunk, build_bundle
from smtools.sentry.client import SentryClient, chunk_batches
from smtools.sentry.models import (
    PENDING_STATES,
    STATE_ERROR,
    STATE_NOT_FOUND,
    STATE_OK,
    AssembleResult,
    ChunkOptions,
)

ARTIFACT_BUNDLE = "artifact-bundle"
RELEASE_BUNDLE = "release-bundle"
LEGACY = "legacy"
AUTO = "auto"
PROTOCOLS = (AUTO, ARTIFACT_BUNDLE, RELEASE_BUNDLE, LEGACY)
MAX_WORKERS = 8
LEGACY_WORKERS = 4
LOST_CHUNK_ROUNDS = 2


@dataclass(frozen=True, kw_only=True)
class UploadTarget:
    """Where the files go and how (everything but the files themselves)."""

    org: str
    projects: tuple[str, ...]
    release: str | None = None
    dist: str | None = None
    protocol: str = AUTO
    finalize: bool = False
    chunk_size: int | None = None     # bytes; also caps one chunk request's body
    wait_for: float = 300.0           # seconds to wait for the server to assemble
    poll_interval: float = 1.0        # seconds between assemble polls (sentry-cli: 1 s)


@dataclass(frozen=True)
class Progress:
    """One progress report: ``phase`` is ``upload``, ``assemble`` or ``verify``."""

    phase: str
    bytes_done: int
    bytes_total: int
    files_done: int
    files_total: int


ProgressCallback = Callable[[Progress], None]


@dataclass
class UploadOutcome:
    """What the server now holds because of this run (names are artifact URLs)."""

    protocol: str
    reason: str
    uploaded: list[str] = field(default_factory=list)
    already_present: list[str] = field(default_factory=list)
    chunks_total: int = 0
    chunks_sent: int = 0
    chunk_bytes_sent: int = 0
    bundle_checksum: str | None = None
    release_created: bool | None = None
    finalized: bool = False


def choose_protocol(options: ChunkOptions | None, target: UploadTarget) -> tuple[str, str]:
    """The protocol to use and why (one short phrase).

    Raises:
        ConfigError: the forced or chosen protocol needs a release or one project.
    """
    if target.protocol != AUTO:
        protocol, reason = target.protocol, "forced with --protocol"
        if protocol != LEGACY and options is None:
            raise ConfigError(f"the server offers no chunk upload, so --protocol {protocol} "
                              "cannot work; use --protocol legacy or auto")
    elif options is not None and options.artifact_bundles:
        protocol, reason = ARTIFACT_BUNDLE, "server accepts artifact_bundles"
    elif options is not None and options.release_bundles:
        protocol, reason = RELEASE_BUNDLE, "server accepts release_files but no artifact bundles"
    else:
        protocol = LEGACY
        reason = ("server has no chunk upload" if options is None
                  else "server's chunk upload accepts no source files")
    _check_target(protocol, target)
    return protocol, reason


def _check_target(protocol: str, target: UploadTarget) -> None:
    if protocol != ARTIFACT_BUNDLE and not target.release:
        raise ConfigError(f"the {protocol} upload needs a release: pass --release or set "
                          "SENTRY_RELEASE")
    if protocol == LEGACY and len(target.projects) != 1:
        raise ConfigError(f"the legacy upload needs exactly one project, got "
                          f"{len(target.projects)}: pass one --project")
    if target.dist and not target.release:
        raise ConfigError("--dist needs a release too: pass --release")


def effective_options(options: ChunkOptions, target: UploadTarget) -> ChunkOptions:
    """The server's options, with chunks and request bodies capped by ``--chunk-size``."""
    if not target.chunk_size:
        return options
    size = min(options.chunk_size, target.chunk_size)
    return ChunkOptions(url=options.url, chunk_size=size, chunks_per_request=1,
                        max_request_size=size, concurrency=options.concurrency,
                        hash_algorithm=options.hash_algorithm, compression=options.compression,
                        accept=options.accept, max_file_size=options.max_file_size,
                        max_wait=options.max_wait)


class Uploader:
    """Runs one upload against a :class:`SentryClient`.

    Args:
        client: the API client (the seam tests replace).
        target: org, projects, release, protocol, waits.
        on_progress: optional progress callback, called from the calling thread.
        sleep/clock: injectable for tests.
    """

    def __init__(self, client: SentryClient, target: UploadTarget, *,
                 on_progress: ProgressCallback | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.client, self.target = client, target
        self._progress = on_progress or (lambda update: None)
        self._sleep, self._clock = sleep, clock

    def run(self, artifacts: Sequence[Artifact], options: ChunkOptions | None,
            protocol: str, reason: str) -> UploadOutcome:
        """Upload ``artifacts`` with ``protocol``; raises on any failure (nothing finalized)."""
        outcome = UploadOutcome(protocol, reason)
        if self.target.release:
            outcome.release_created = self.client.create_release(self.target.release,
                                                                 self.target.projects)
        if protocol == LEGACY:
            self._legacy(artifacts, outcome)
        else:
            assert options is not None
            self._chunked(artifacts, effective_options(options, self.target), protocol, outcome)
        return outcome

    def finalize(self, outcome: UploadOutcome) -> None:
        """Mark the release released (only call once everything is verified)."""
        assert self.target.release
        now = datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
        self.client.finalize_release(self.target.release, self.target.projects, now)
        outcome.finalized = True

    def build(self, artifacts: Sequence[Artifact], options: ChunkOptions) -> BuiltBundle:
        """The bundle this target would send (also used by ``--dry-run``)."""
        t = self.target
        return build_bundle(artifacts, org=self.client.org, projects=t.projects,
                            release=t.release, dist=t.dist,
                            chunk_size=effective_options(options, t).chunk_size)

    # -- chunked protocols ---------------------------------------------------------------

    def _chunked(self, artifacts: Sequence[Artifact], options: ChunkOptions, protocol: str,
                 outcome: UploadOutcome) -> None:
        bundle = self.build(artifacts, options)
        outcome.chunks_total, outcome.bundle_checksum = len(bundle.chunks), bundle.checksum
        names = [a.url for a in artifacts]
        missing: Sequence[str] = bundle.chunk_ids
        if protocol == ARTIFACT_BUNDLE and options.missing_chunks_first:
            # v2: ask first, send only what the server lacks (sentry-api.md §4.6).
            first = self._assemble(bundle, protocol)
            if first.state == STATE_OK:
                outcome.already_present = names
                self._report("upload", 0, 0, len(names), len(names))
                return
            missing = first.missing_chunks if first.state == STATE_NOT_FOUND else ()
        self._send_chunks(bundle, set(missing), options, outcome, len(names))
        self._wait_assembled(bundle, protocol, options, outcome, len(names))
        outcome.uploaded = names

    def _send_chunks(self, bundle: BuiltBundle, missing: set[str], options: ChunkOptions,
                     outcome: UploadOutcome, files_total: int) -> None:
        chunks = [c for c in bundle.chunks if c.checksum in missing]
        total = sum(len(c.data) for c in chunks)
        self._report("upload", 0, total, 0, files_total)
        if not chunks:
            return
        compress = "gzip" in options.compression
        batches = chunk_batches(((c.checksum, c.data) for c in _unique(chunks)), options)
        done = 0
        for batch in self._parallel(lambda b: self.client.upload_chunks(options.url, b,
                                                                        compress=compress),
                                    batches, min(options.concurrency, MAX_WORKERS)):
            done += sum(len(data) for _, data in batch)
            outcome.chunks_sent += len(batch)
            outcome.chunk_bytes_sent += sum(len(data) for _, data in batch)
            self._report("upload", done, total, 0, files_total)

    def _wait_assembled(self, bundle: BuiltBundle, protocol: str, options: ChunkOptions,
                        outcome: UploadOutcome, files_total: int) -> None:
        wait_for = min(self.target.wait_for, options.max_wait or self.target.wait_for)
        deadline = self._clock() + wait_for
        lost_rounds = 0
        while True:
            result = self._assemble(bundle, protocol)
            self._report("assemble", outcome.chunk_bytes_sent, outcome.chunk_bytes_sent, 0,
                         files_total)
            if result.state == STATE_OK:
                self._report("assemble", outcome.chunk_bytes_sent, outcome.chunk_bytes_sent,
                             files_total, files_total)
                return
            if result.state == STATE_ERROR:
                raise SentryAPIError(f"sentry could not process the uploaded bundle "
                                     f"{bundle.checksum[:12]}: {result.detail or 'no detail'}")
            if result.state == STATE_NOT_FOUND:
                lost_rounds = self._resend_lost(bundle, result, options, outcome, lost_rounds)
                continue
            if result.state not in PENDING_STATES:
                raise SentryAPIError(f"sentry answered assemble with unknown state "
                                     f"{result.state!r}")
            if self._clock() + self.target.poll_interval > deadline:
                raise SentryAPIError(f"sentry is still processing bundle {bundle.checksum[:12]} "
                                     f"after {wait_for:g}s: run the same upload again later "
                                     "to finish (nothing was finalized)")
            self._sleep(self.target.poll_interval)

    def _resend_lost(self, bundle: BuiltBundle, result: AssembleResult, options: ChunkOptions,
                     outcome: UploadOutcome, rounds: int) -> int:
        """The server does not hold chunks it accepted: send them again, a bounded number of times."""
        lost = set(result.missing_chunks) or set(bundle.chunk_ids)
        if rounds >= LOST_CHUNK_ROUNDS:
            raise SentryAPIError(f"sentry still lacks {len(lost)} of {len(bundle.chunks)} "
                                 f"chunks of bundle {bundle.checksum[:12]} after sending them "
                                 f"{rounds + 1} times: check the server's file storage")
        self._send_chunks(bundle, lost, options, outcome, 0)
        return rounds + 1

    def _assemble(self, bundle: BuiltBundle, protocol: str) -> AssembleResult:
        t = self.target
        if protocol == ARTIFACT_BUNDLE:
            return self.client.assemble_artifact_bundle(bundle.checksum, bundle.chunk_ids,
                                                        t.projects, t.release, t.dist)
        assert t.release
        return self.client.assemble_release_bundle(t.release, bundle.checksum, bundle.chunk_ids)

    # -- legacy per-file -----------------------------------------------------------------

    def _legacy(self, artifacts: Sequence[Artifact], outcome: UploadOutcome) -> None:
        t = self.target
        assert t.release
        project = t.projects[0]
        existing = {(f.dist, f.name): f for f in self.client.list_release_files(t.release,
                                                                                project)}
        todo = []
        for artifact in artifacts:
            present = existing.get((t.dist, artifact.url))
            if present is not None and present.sha1 == artifact.sha1:
                outcome.already_present.append(artifact.url)
            else:
                todo.append((artifact, present.id if present is not None else None))
        total = sum(a.size for a, _ in todo)
        self._report("upload", 0, total, 0, len(todo))
        done_bytes = 0
        for index, (artifact, stored) in enumerate(
                self._parallel(lambda item: self._legacy_one(item[0], item[1], project),
                               todo, LEGACY_WORKERS), start=1):
            (outcome.uploaded if stored else outcome.already_present).append(artifact.url)
            done_bytes += artifact.size
            self._report("upload", done_bytes, total, index, len(todo))

    def _legacy_one(self, artifact: Artifact, replace_id: str | None,
                    project: str) -> tuple[Artifact, bool]:
        t = self.target
        assert t.release
        if replace_id is not None:
            # sentry-cli 2.x overwrite semantics: delete the stale file, then upload.
            self.client.delete_release_file(t.release, project, replace_id)
        stored = self.client.upload_release_file(
            t.release, project, artifact.url, artifact.content, dist=t.dist,
            headers=artifact.headers, content_type=artifact.content_type)
        return artifact, stored is not None

    # -- helpers -------------------------------------------------------------------------

    def _parallel(self, work: Callable[[Any], Any], items: Sequence[Any],
                  workers: int) -> list[Any]:
        """Run ``work`` over ``items`` on up to ``workers`` threads; first error wins."""
        if workers <= 1 or len(items) <= 1:
            return [self._after(work(item), item) for item in items]
        results: list[Any] = []
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = {pool.submit(work, item): item for item in items}
            try:
                pending = set(futures)
                while pending:
                    done, pending = wait(pending, return_when=FIRST_EXCEPTION)
                    for future in done:
                        results.append(self._after(future.result(), futures[future]))
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
        return results

    @staticmethod
    def _after(result: Any, item: Any) -> Any:
        return item if result is None else result

    def _report(self, phase: str, bytes_done: int, bytes_total: int, files_done: int,
                files_total: int) -> None:
        self._progress(Progress(phase, bytes_done, bytes_total, files_done, files_total))


def _unique(chunks: Sequence[Chunk]) -> list[Chunk]:
    """A bundle can repeat a chunk (identical pieces): send each checksum once."""
    seen: set[str] = set()
    result = []
    for chunk in chunks:
        if chunk.checksum not in seen:
            seen.add(chunk.checksum)
            result.append(chunk)
    return result
