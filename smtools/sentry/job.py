"""``smtools upload`` as one library call: discover, validate, plan, upload, verify, finalize."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from smtools.errors import ConfigError, InputError, MissingCredentialError
from smtools.sentry.artifacts import (
    Artifact,
    Discovery,
    NamingOptions,
    Problem,
    discover,
)
from smtools.sentry.bundle import BuiltBundle
from smtools.sentry.checks import check_maps, refuse_fatal
from smtools.sentry.client import SentryClient
from smtools.sentry.models import ChunkOptions
from smtools.sentry.session import RetryPolicy, TransferStats, Transport, make_session
from smtools.sentry.settings import Settings
from smtools.sentry.upload import (
    ARTIFACT_BUNDLE,
    AUTO,
    LEGACY,
    ProgressCallback,
    Uploader,
    UploadOutcome,
    UploadTarget,
    choose_protocol,
)
from smtools.sentry.verify import Verification, verify_artifact_bundle, verify_release


@dataclass(frozen=True, kw_only=True)
class UploadJob:
    """Everything ``smtools upload`` was asked to do, apart from the settings."""

    paths: tuple[Path, ...]
    naming: NamingOptions = field(default_factory=NamingOptions)
    ignore: tuple[str, ...] = ()
    ignore_file: Path | None = None
    protocol: str = AUTO
    finalize: bool = False
    validate: bool = True
    dry_run: bool = False
    verify: bool = True
    chunk_size: int | None = None
    wait_for: float = 300.0
    poll_interval: float = 1.0


@dataclass
class UploadReport:
    """The plan (``--dry-run``) or the outcome of an upload, ready to render or dump as JSON."""

    url: str
    target: UploadTarget
    dry_run: bool
    discovery: Discovery
    problems: list[Problem]
    protocol: str | None = None
    reason: str = ""
    bundle: BuiltBundle | None = None
    outcome: UploadOutcome | None = None
    verification: Verification | None = None
    stats: TransferStats = field(default_factory=TransferStats)
    warnings: list[str] = field(default_factory=list)

    @property
    def artifacts(self) -> list[Artifact]:
        return self.discovery.artifacts

    @property
    def ok(self) -> bool:
        return self.verification is None or self.verification.ok

    def to_json(self, cwd: Path | None = None) -> dict[str, Any]:
        """The ``--json`` summary; holds no secret (the token is not part of a report)."""
        t, o = self.target, self.outcome
        return {
            "dry_run": self.dry_run, "url": self.url, "org": t.org, "projects": list(t.projects),
            "release": t.release, "dist": t.dist, "protocol": self.protocol,
            "protocol_reason": self.reason,
            "artifacts": [_artifact_json(a, cwd) for a in self.artifacts],
            "uploaded": o.uploaded if o else [],
            "already_present": o.already_present if o else [],
            "skipped": [{"path": _shown(p, cwd), "reason": r} for p, r in self.discovery.skipped],
            "problems": [{"path": _shown(p.path, cwd), "message": p.message, "fatal": p.fatal}
                         for p in self.problems],
            "bundle": _bundle_json(self.bundle),
            "chunks": {"total": o.chunks_total, "sent": o.chunks_sent,
                       "bytes_sent": o.chunk_bytes_sent} if o else None,
            "release_created": o.release_created if o else None,
            "finalized": o.finalized if o else False,
            "verification": self.verification.to_json() if self.verification else None,
            "requests": self.stats.requests, "bytes_sent": self.stats.bytes_sent,
            "retries": self.stats.retries, "warnings": self.warnings, "ok": self.ok,
        }


def make_client(settings: Settings, org: str, *, policy: RetryPolicy | None = None,
                sleep: Callable[[float], None] = time.sleep) -> SentryClient:
    """A client on one fresh session configured from ``settings``."""
    policy = policy or RetryPolicy(max_retries=settings.max_retries)
    transport = Transport(make_session(settings), timeout=settings.timeout, policy=policy,
                          token=settings.auth_token, sleep=sleep)
    return SentryClient(transport, settings.url, org)


def run_upload(job: UploadJob, settings: Settings, *, on_progress: ProgressCallback | None = None,
               client: SentryClient | None = None, sleep: Callable[[float], None] = time.sleep,
               clock: Callable[[], float] = time.monotonic) -> UploadReport:
    """Run ``smtools upload`` (or plan it, with ``job.dry_run``).

    Raises:
        InputError: a PATH is missing, nothing to upload, or (unless ``job.validate`` is
            off) a map is broken or missing.
        ConfigError: org, project, release or token missing; protocol needs what is absent.
        SentryError: the server refused, failed or could not be reached; nothing was
            finalized and rerunning the same command finishes the upload.
    """
    target = _target(job, settings)
    found = discover(job.paths, naming=job.naming, ignore=job.ignore,
                     ignore_file=job.ignore_file)
    problems = found.problems + (check_maps(found) if job.validate else [])
    if job.validate:
        refuse_fatal(problems)
    if not found.artifacts:
        shown = ", ".join(str(p) for p in job.paths)
        raise InputError(f"nothing to upload: no .js, .mjs or .cjs files under {shown}")
    _check_release_or_debug_ids(target, found.artifacts)
    report = UploadReport(settings.url, target, job.dry_run, found, problems,
                          warnings=list(settings.warnings))
    if job.dry_run and (settings.auth_token is None or job.protocol == LEGACY):
        report.protocol, report.reason = _offline_protocol(job, target)
        return report
    if settings.auth_token is None:
        raise MissingCredentialError("no auth token: set SENTRY_AUTH_TOKEN, pass --auth-token "
                                     "or add token under [auth] in .sentryclirc")
    client = client or make_client(settings, target.org, sleep=sleep)
    report.stats = client.transport.stats
    options = client.chunk_upload_options() if job.protocol != LEGACY else None
    report.warnings.extend(client.warnings)
    report.protocol, report.reason = choose_protocol(options, target)
    uploader = Uploader(client, target, on_progress=on_progress, sleep=sleep, clock=clock)
    if report.protocol != LEGACY and options is not None:
        report.bundle = uploader.build(found.artifacts, options)
    if job.dry_run:
        return report
    report.outcome = uploader.run(found.artifacts, options, report.protocol, report.reason)
    if job.verify:
        report.verification = _verify(client, report, target)
    if job.finalize and report.ok:
        uploader.finalize(report.outcome)
    return report


def _verify(client: SentryClient, report: UploadReport, target: UploadTarget) -> Verification:
    if report.protocol == ARTIFACT_BUNDLE and report.bundle is not None:
        return verify_artifact_bundle(client, target.projects, report.bundle.debug_id,
                                      report.bundle.checksum, target.release, target.dist,
                                      report.artifacts)
    return verify_release(client, target.release, target.dist, target.projects,
                          report.artifacts)


def _target(job: UploadJob, settings: Settings) -> UploadTarget:
    if not settings.org:
        raise ConfigError("an organization is required: pass --org, set SENTRY_ORG or use an "
                          "org auth token")
    if not settings.projects:
        raise ConfigError("a project is required: pass --project or set SENTRY_PROJECT")
    if job.finalize and not settings.release:
        raise ConfigError("--finalize needs a release: pass --release")
    return UploadTarget(org=settings.org, projects=settings.projects, release=settings.release,
                        dist=settings.dist, protocol=job.protocol, finalize=job.finalize,
                        chunk_size=job.chunk_size, wait_for=job.wait_for,
                        poll_interval=job.poll_interval)


def _check_release_or_debug_ids(target: UploadTarget, artifacts: list[Artifact]) -> None:
    """Without a release every bundle needs a debug id (sentry-cli ``sourcemaps.rs upload``)."""
    if target.release or target.protocol not in (AUTO, ARTIFACT_BUNDLE):
        return
    lacking = [a for a in artifacts if a.type != "source_map" and not a.debug_id]
    if lacking:
        raise ConfigError(f"cannot upload without a release: {lacking[0].path.name} has no "
                          "debug id; pass --release or run smtools inject first")


def _offline_protocol(job: UploadJob, target: UploadTarget) -> tuple[str, str]:
    if job.protocol != AUTO:
        return choose_protocol(None if job.protocol == LEGACY else _ANY_OPTIONS, target)
    return AUTO, "not asked: no auth token, the server decides at upload time"


_ANY_OPTIONS = ChunkOptions(url="", chunk_size=8 * 1024 * 1024, chunks_per_request=64,
                            max_request_size=32 * 1024 * 1024)


def _artifact_json(artifact: Artifact, cwd: Path | None) -> dict[str, Any]:
    return {"name": artifact.url, "path": _shown(artifact.path, cwd), "type": artifact.type,
            "size": artifact.size, "sha1": artifact.sha1, "debug_id": artifact.debug_id,
            "headers": dict(artifact.headers)}


def _bundle_json(bundle: BuiltBundle | None) -> dict[str, Any] | None:
    if bundle is None:
        return None
    return {"checksum": bundle.checksum, "size": len(bundle.data), "chunks": len(bundle.chunks),
            "debug_id": bundle.debug_id}


def _shown(path: Path, cwd: Path | None) -> str:
    if cwd is not None:
        try:
            return os.path.relpath(path, cwd)
        except ValueError:
            pass
    return str(path)


__all__ = ["ARTIFACT_BUNDLE", "UploadJob", "UploadReport", "make_client", "run_upload"]
