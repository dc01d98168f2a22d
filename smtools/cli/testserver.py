"""``smtools test-server``: run the local Sentry-compatible server until Ctrl-C."""

from __future__ import annotations

import contextlib
import ipaddress
import json
import signal
from pathlib import Path
from typing import Any

import click

from smtools.errors import InputError, UsageError
from smtools.testing.state import MODES

_FAULT_HELP = ("Misbehave (repeatable): burst:N[:STATUS[/STATUS]], rate-limit:N[:SECONDS|none], "
               "reset:N[:BYTES], slow:SECONDS[:N], lose-chunks:N, max-body:SIZE, assemble-pending:N, "
               "assemble-error:DETAIL, scope-missing, lose-file:NAME, alter-file:NAME; "
               "append @ENDPOINT[,ENDPOINT] to aim "
               "burst/rate-limit/reset/slow/scope-missing, e.g. burst:3:502@chunk-upload.")


@click.command("test-server")
@click.option("--host", default=None, help="Address to bind (default 127.0.0.1, loopback only).")
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="Port to bind; 0 picks a free one.")
@click.option("--token", default="test-token", show_default=True, help="The one valid auth token.")
@click.option("--org", default="acme", show_default=True, help="Organization slug.")
@click.option("--project", "projects", multiple=True, help="Project slug (repeatable; default desktop).")
@click.option("--mode", type=click.Choice(MODES), default="modern", show_default=True,
              help="Kind of Sentry server to imitate.")
@click.option("--fault", "faults", multiple=True, metavar="SPEC", help=_FAULT_HELP)
@click.option("--dump-on-exit", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a JSON dump of everything received to this file on exit.")
def test_server(host: str | None, port: int, token: str, org: str, projects: tuple[str, ...],
                mode: str, faults: tuple[str, ...], dump_on_exit: Path | None) -> int:
    """Run a local Sentry-compatible server to try uploads against.

    It speaks the source-map upload API (releases, chunk upload, artifact and
    release bundles, release files), keeps what it receives, and prints its
    URL. GET /_smtools/dump returns everything it holds as JSON.

    \b
    Example:
      smtools test-server --port 8000 --token secret --org acme --project desktop
      SENTRY_URL=http://127.0.0.1:8000/ SENTRY_AUTH_TOKEN=secret smtools upload ...
    """
    from smtools.cli import console
    from smtools.testing.faultspec import parse_faults
    from smtools.testing.sentry_server import SentryTestServer

    if host is not None and not _is_loopback(host):
        console.warning(f"serving on {host}: anyone who can reach it can use it (token {token!r})")
    server = SentryTestServer(token=token, org=org, projects=projects or ("desktop",), mode=mode,
                              faults=parse_faults(faults), host=host or "127.0.0.1", port=port)
    try:
        server.start()
    except OSError as problem:
        raise UsageError(f"cannot listen on {host or '127.0.0.1'}:{port}: {problem.strerror}") from None
    console.out().print(f"listening on {server.url}", markup=False, soft_wrap=True)
    console.info(f"org {org}, projects {', '.join(server.config.projects)}, mode {mode}; "
                 f"dump at {server.url}_smtools/dump; Ctrl-C stops")
    _serve_until_stopped(server)
    if dump_on_exit is not None:
        try:
            dump_on_exit.write_text(json.dumps(server.dump(), indent=2) + "\n", encoding="utf-8")
        except OSError as problem:
            raise InputError(f"cannot write dump {dump_on_exit}: {problem.strerror}") from None
    return 0


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _serve_until_stopped(server: Any) -> None:
    # SIGTERM stops as cleanly as Ctrl-C, so --dump-on-exit also works under `kill`
    # (signal handlers can only be set from the main thread).
    previous = None
    with contextlib.suppress(ValueError):
        previous = signal.signal(signal.SIGTERM, lambda signum, frame: server.stop())
    try:
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
