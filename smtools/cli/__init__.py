"""Command-line entry point: the only place where errors become exit codes.

Exit codes (documented in the README and in ``smtools --help``):

    0   success
    1   findings: validation or audit errors (warnings too, under --strict)
    2   usage error (bad option, bad position syntax)
    3   unreadable or invalid input (missing file, broken map, no map found)
    4   configuration or authentication problem (token, org, CA bundle)
    5   Sentry API or network failure
    70  internal error (a bug: set SMTOOLS_DEBUG=1 for the traceback)
    130 interrupted
"""

from __future__ import annotations

import os
import sys
from importlib import import_module
from typing import Any

import click

from smtools import __version__
from smtools.errors import ConfigError, InputError, SentryError, SmtoolsError, UsageError

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INPUT = 3
EXIT_CONFIG = 4
EXIT_SENTRY = 5
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130

# Ordered: the first matching class wins (SentryAuthError is both a
# ConfigError and a SentryError and must map to 4).
_EXIT_CODES: tuple[tuple[type[SmtoolsError], int], ...] = (
    (UsageError, EXIT_USAGE),
    (ConfigError, EXIT_CONFIG),
    (SentryError, EXIT_SENTRY),
    (InputError, EXIT_INPUT),
    (SmtoolsError, EXIT_INPUT),
)

# Commands are imported on first use so that `smtools resolve` does not pay
# for the import of every other command (start-up time is most of a lookup).
_COMMANDS: dict[str, str] = {
    "check": "smtools.cli.check:check",
    "config": "smtools.cli.config:config",
    "doctor": "smtools.cli.doctor:doctor",
    "inject": "smtools.cli.inject:inject",
    "resolve": "smtools.cli.resolve:resolve",
    "stack": "smtools.cli.stack:stack",
    "test-server": "smtools.cli.testserver:test_server",
    "upload": "smtools.cli.upload:upload",
    "validate": "smtools.cli.validate:validate",
}


def exit_code_for(error: BaseException) -> int:
    """The exit status for an error raised by a command."""
    for cls, code in _EXIT_CODES:
        if isinstance(error, cls):
            return code
    return EXIT_INTERNAL


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = _COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        command: click.Command = getattr(import_module(module_name), attr)
        return command


def _show_version(ctx: click.Context, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(_version_message())
        ctx.exit(0)


def _version_message() -> str:
    from smtools.sourcemap import speedups

    return f"smtools {__version__} (source-map decoder: {speedups.describe()})"


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]},
             epilog="Exit codes: 0 ok, 1 findings, 2 usage, 3 bad input, 4 config/auth, "
                    "5 Sentry/network, 70 internal error. SMTOOLS_DEBUG=1 shows tracebacks.")
@click.option("-V", "--version", is_flag=True, expose_value=False, is_eager=True,
              callback=lambda ctx, param, value: _show_version(ctx, value),
              help="Show the version and the active source-map decoder, then exit.")
@click.option("--no-color", is_flag=True, help="Plain output without colours (also: NO_COLOR).")
@click.pass_context
def cli(ctx: click.Context, no_color: bool) -> None:
    """Audit, resolve and upload JavaScript source maps."""
    from smtools.cli import console

    console.configure(no_color=no_color)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI and exit with the documented status."""
    sys.exit(run(argv))


def run(argv: list[str] | None = None) -> int:
    """Run the CLI and return the exit status instead of exiting."""
    try:
        result: Any = cli.main(args=argv, prog_name="smtools", standalone_mode=False)
    except click.exceptions.Abort:
        _report("interrupted")
        return EXIT_INTERRUPTED
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except SmtoolsError as error:
        _debug_traceback()
        _report(str(error))
        return exit_code_for(error)
    except KeyboardInterrupt:
        _report("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`smtools ... | head`): not an error of ours.
        _silence_stdout()
        return EXIT_OK
    except Exception as error:
        if _debug_enabled():
            raise
        _report(f"internal error: {type(error).__name__}: {error} "
                "(run with SMTOOLS_DEBUG=1 for the traceback, and please report it)")
        return EXIT_INTERNAL
    return int(result or 0)


def _report(message: str) -> None:
    from smtools.cli import console

    console.error(message)


def _debug_enabled() -> bool:
    return os.environ.get("SMTOOLS_DEBUG", "").lower() in {"1", "true", "yes"}


def _debug_traceback() -> None:
    if _debug_enabled():
        import traceback

        traceback.print_exc()


def _silence_stdout() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
