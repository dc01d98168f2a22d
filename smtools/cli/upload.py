"""``smtools upload``: send bundles and their source maps to Sentry."""

from __future__ import annotations

import os
import re
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from smtools.cli import console
from smtools.cli.config import sentry_options, settings_from, warn_settings
from smtools.cli.options import json_option
from smtools.errors import SentryAPIError, UsageError

if TYPE_CHECKING:
    from collections.abc import Iterator

    from smtools.sentry.job import UploadReport
    from smtools.sentry.upload import Progress, ProgressCallback

DEFAULT_PATHS = (Path("dist/electron"), Path("dist"))
_SIZE = re.compile(r"^(\d+)\s*([kmg]?)(i?b)?$", re.IGNORECASE)


def _chunk_size(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    if value is None:
        return None
    match = _SIZE.match(value.strip())
    if match is None or int(match[1]) == 0:
        raise click.BadParameter(f"{value!r} is not a size like 512K, 4M or 1048576")
    size = int(match[1]) * 1024 ** " kmg".index(match[2].lower() or " ")
    if size < 1024:
        raise click.BadParameter(f"{value!r} is below the 1K minimum")
    return size


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("-r", "--release", default=None, help="Release version. [env var: SENTRY_RELEASE]")
@click.option("-d", "--dist", default=None, help="Distribution (must match the SDK's dist).")
@click.option("-u", "--url-prefix", default="~", show_default=True,
              help="Prefix of artifact names, e.g. app:///dist/electron.")
@click.option("--url-suffix", default="", help="Appended to every artifact name (e.g. ?v=1).")
@click.option("--strip-prefix", multiple=True, metavar="PREFIX",
              help="Strip PREFIX from the sources entries inside uploaded maps (repeatable).")
@click.option("-i", "--ignore", multiple=True, metavar="GLOB",
              help="Skip files matching GLOB (gitignore syntax, repeatable).")
@click.option("-I", "--ignore-file", default=None, type=click.Path(path_type=Path),
              help="gitignore-style file of patterns to skip [default: .sentrycliignore].")
@click.option("--protocol", type=click.Choice(["auto", "artifact-bundle", "release-bundle",
                                               "legacy"]), default="auto", show_default=True,
              help="Force an upload protocol instead of asking the server.")
@click.option("--finalize", is_flag=True, help="Mark the release as released after the upload.")
@click.option("--no-validate", is_flag=True, help="Upload even maps that fail validation.")
@click.option("--dry-run", is_flag=True, help="Print the exact plan and send nothing.")
@click.option("--chunk-size", callback=_chunk_size, metavar="SIZE",
              help="Largest request body, e.g. 512K (for a proxy body limit).")
@click.option("--wait-for", type=float, default=300.0, show_default=True, metavar="SECS",
              help="How long to wait for the server to process the upload.")
@sentry_options
@json_option
def upload(paths: tuple[Path, ...], as_json: bool, dry_run: bool, **options: Any) -> int:
    """Upload bundles (.js/.mjs/.cjs) and their source maps to a Sentry release.

    PATH defaults to dist/electron (else dist). Maps are found from each bundle's
    sourceMappingURL (or a sibling X.js.map) and validated before anything is sent.
    Exit status: 0 uploaded and verified, 3 broken input, 4 config/auth, 5 Sentry/network.

    \b
    Example:
      smtools upload --release 1.4.2 --org acme --project desktop dist/electron
      smtools upload -r 1.4.2 --url-prefix 'app:///dist/electron' --dry-run
    """
    from smtools.sentry.job import run_upload

    settings = settings_from(options)
    warn_settings(settings)
    if not settings.verify_ssl:
        _silence_urllib3_tls_warning()
    job = _job(paths, dry_run, options)
    with _progress(enabled=not as_json and not dry_run) as on_progress:
        report = run_upload(job, settings, on_progress=on_progress)
    for message in report.warnings[len(settings.warnings):]:
        console.warning(message)
    if as_json:
        console.emit_json(report.to_json(Path.cwd()))
    else:
        _render(report)
    _raise_if_unverified(report)
    return 0


def _job(paths: tuple[Path, ...], dry_run: bool, options: dict[str, Any]) -> Any:
    from smtools.sentry.artifacts import DEFAULT_IGNORE_FILE, NamingOptions
    from smtools.sentry.job import UploadJob

    ignore_file = options["ignore_file"]
    if ignore_file is None and Path(DEFAULT_IGNORE_FILE).is_file():
        ignore_file = Path(DEFAULT_IGNORE_FILE)
    naming = NamingOptions(url_prefix=options["url_prefix"], url_suffix=options["url_suffix"],
                           strip_prefixes=tuple(options["strip_prefix"]))
    return UploadJob(paths=paths or (_default_path(),), naming=naming,
                     ignore=tuple(options["ignore"]), ignore_file=ignore_file,
                     protocol=options["protocol"], finalize=options["finalize"],
                     validate=not options["no_validate"], dry_run=dry_run,
                     chunk_size=options["chunk_size"], wait_for=options["wait_for"])


def _default_path() -> Path:
    for candidate in DEFAULT_PATHS:
        if candidate.is_dir():
            return candidate
    raise UsageError("no PATH given and neither dist/electron nor dist exists here: "
                     "pass the folder with the built bundles")


def _silence_urllib3_tls_warning() -> None:
    # We warn once per run ourselves; urllib3 would repeat it for every request.
    import urllib3

    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)


def _interactive() -> bool:
    return not os.environ.get("CI") and sys.stderr.isatty()


@contextmanager
def _progress(*, enabled: bool) -> Iterator[ProgressCallback | None]:
    """Rich bars (bytes and files) on a terminal; a few plain lines in CI or a pipe."""
    if not enabled:
        yield None
    elif not _interactive():
        yield _plain_progress()
    else:
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TransferSpeedColumn,
        )

        bars = Progress(TextColumn("{task.description:>8}"), BarColumn(), DownloadColumn(),
                        TransferSpeedColumn(), console=console.err(), transient=True)
        files = Progress(TextColumn("{task.description:>8}"), BarColumn(), MofNCompleteColumn(),
                         console=console.err(), transient=True)
        with bars, files:
            byte_task = bars.add_task("bytes", total=None)
            file_task = files.add_task("files", total=None)

            def update(p: Progress) -> None:
                bars.update(byte_task, completed=p.bytes_done, total=p.bytes_total or None)
                files.update(file_task, completed=p.files_done, total=p.files_total or None)

            yield update


def _plain_progress() -> ProgressCallback:
    last: dict[str, Any] = {"phase": None}

    def update(p: Progress) -> None:
        if p.phase != last["phase"]:
            last["phase"] = p.phase
            if p.phase == "upload":
                console.info(f"uploading {_size(p.bytes_total)} ({p.files_total} files)")
            elif p.phase == "assemble":
                console.info("waiting for sentry to process the upload")
    return update


def _render(report: UploadReport) -> None:
    out = console.out()
    t = report.target
    where = f"{t.org}/{','.join(t.projects)} release {t.release or '(none)'}" + \
        (f" dist {t.dist}" if t.dist else "")
    if report.dry_run:
        out.print(f"dry run, nothing sent: {len(report.artifacts)} files to {report.url} "
                  f"{where}, protocol {report.protocol} ({report.reason})", soft_wrap=True, markup=False)
        _render_artifacts(report)
        if report.bundle is not None:
            b = report.bundle
            out.print(f"bundle {b.checksum} ({_size(len(b.data))}, {len(b.chunks)} chunks, "
                      f"debug id {b.debug_id})", soft_wrap=True, markup=False)
    else:
        o = report.outcome
        assert o is not None
        out.print(f"{len(o.uploaded)} uploaded, {len(o.already_present)} already on the server"
                  f" ({report.protocol}) to {report.url} {where}", soft_wrap=True, markup=False)
        out.print(f"sent {o.chunks_sent} of {o.chunks_total} chunks ({_size(o.chunk_bytes_sent)}"
                  f"), {report.stats.requests} requests", soft_wrap=True, markup=False)
        if report.verification is not None and report.verification.skipped_reason is None:
            v = report.verification
            out.print(f"verified {v.checked - len(v.missing) - len(v.mismatched)}/{v.checked} "
                      "artifacts on the server" + (", release finalized" if o.finalized else ""),
                      markup=False)
    if report.verification is not None and report.verification.skipped_reason:
        console.info(f"verification: {report.verification.skipped_reason}")
    for path, reason in report.discovery.skipped:
        console.info(f"skipped {_shown(path)}: {reason}")
    for problem in report.problems:
        (console.error if problem.fatal else console.warning)(problem.message)


def _render_artifacts(report: UploadReport) -> None:
    for a in report.artifacts:
        headers = " ".join(f"{k}={v}" for k, v in a.headers.items())
        console.out().print(f"  {a.url}  {_size(a.size)}  {a.type}  {headers}".rstrip(),
                            soft_wrap=True, markup=False)


def _raise_if_unverified(report: UploadReport) -> None:
    v = report.verification
    if v is None or v.ok:
        return
    names = [*v.missing, *(name for name, _, _ in v.mismatched)]
    listed = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    raise SentryAPIError(f"verification failed: {len(v.missing)} missing and "
                         f"{len(v.mismatched)} different (size or checksum) on the server of "
                         f"{v.checked}: {listed}; run the same upload again")


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def _size(count: int) -> str:
    for unit in ("B", "KiB", "MiB"):
        if count < 1024 or unit == "MiB":
            return f"{count} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1024  # type: ignore[assignment]
    return f"{count} B"
