"""``smtools config show``: the effective Sentry settings and where each came from."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from smtools.cli import console
from smtools.cli.options import json_option

if TYPE_CHECKING:
    from smtools.sentry.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])

_SENTRY_OPTIONS = (
    click.option("--url", default=None, metavar="URL",
                 help="Sentry server root, e.g. https://sentry.example.org/ [env var: SENTRY_URL]"),
    click.option("-o", "--org", default=None, help="Organization slug. [env var: SENTRY_ORG]"),
    click.option("-p", "--project", "projects", multiple=True,
                 help="Project slug (repeatable). [env var: SENTRY_PROJECT]"),
    click.option("--auth-token", default=None, metavar="TOKEN",
                 help="Auth token (prefer the env var). [env var: SENTRY_AUTH_TOKEN]"),
    click.option("--ca-bundle", default=None, metavar="PATH",
                 help="PEM file of CA certificates to trust (private CA). [env var: "
                      "SENTRY_CA_BUNDLE, REQUESTS_CA_BUNDLE; ini: [http] ca_bundle]"),
    click.option("--insecure", is_flag=True,
                 help="Do not verify the server's TLS certificate (warned on every run)."),
    click.option("--timeout", type=float, default=None, metavar="SECS",
                 help="Read timeout of one request in seconds (default 60)."),
)


def sentry_options(function: F) -> F:
    """The options every command that talks to Sentry shares (resolved by ``settings_from``)."""
    for option in reversed(_SENTRY_OPTIONS):
        function = option(function)
    return function


def settings_from(options: dict[str, Any]) -> Settings:
    """Resolve settings once from the command's options, the environment and config files."""
    from smtools.sentry.settings import resolve_settings

    return resolve_settings(options, os.environ, Path.cwd(), Path.home())


def warn_settings(settings: Settings) -> None:
    """Warnings every run must show (insecure TLS, token overriding url/org)."""
    for message in settings.warnings:
        console.warning(message)
    if not settings.verify_ssl:
        console.warning(f"TLS certificate verification is OFF ({settings.sources['verify_ssl']}):"
                        f" the connection to {settings.url} is not authenticated")


@click.group()
def config() -> None:
    """Inspect smtools' Sentry settings."""


@config.command()
@sentry_options
@click.option("-r", "--release", default=None, help="Release version. [env var: SENTRY_RELEASE]")
@json_option
def show(as_json: bool, **options: Any) -> int:
    """Print the effective settings and where each one came from (token masked).

    Precedence: flags > SENTRY_* environment > nearest .sentryclirc/sentrycli.ini (walking
    up from here) > ~/.sentryclirc; a sentry.properties named by SENTRY_PROPERTIES
    overrides both files, and an org auth token's own url and org win over everything.

    \b
    Example:
      smtools config show
      SENTRY_ORG=acme smtools config show --json
    """
    settings = settings_from(options)
    warn_settings(settings)
    if as_json:
        console.emit_json(settings.to_json())
        return 0
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
    for column in ("setting", "value", "source"):
        table.add_column(column, overflow="fold")
    for name, value, source in settings.describe():
        # Text, not markup: "[defaults] org" must not be read as a style tag.
        table.add_row(Text(name), Text(value), Text(source))
    console.out().print(table)
    files = ", ".join(str(path) for path in settings.config_files) or "none found"
    console.out().print(f"config files read: {files}", soft_wrap=True, markup=False)
    return 0
