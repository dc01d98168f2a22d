"""The one place where errors become exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from smtools.cli import exit_code_for
from smtools.errors import (
    ConfigError,
    InputError,
    InvalidSourceMap,
    MapNotFoundError,
    MissingCredentialError,
    NetworkError,
    SentryAPIError,
    SentryAuthError,
    SmtoolsError,
    TLSError,
    UsageError,
)


@pytest.mark.parametrize(("error", "code"), [
    (UsageError("x"), 2), (InputError("x"), 3), (InvalidSourceMap("x"), 3),
    (MapNotFoundError("x"), 3), (ConfigError("x"), 4), (MissingCredentialError("x"), 4),
    (SentryAuthError("x", status=401), 4), (SentryAPIError("x", status=500), 5),
    (NetworkError("x"), 5), (TLSError("x"), 5), (SmtoolsError("x"), 3), (RuntimeError("x"), 70),
])
def test_exit_codes(error: BaseException, code: int) -> None:
    assert exit_code_for(error) == code


def test_help_lists_commands_and_exit_codes(smtools) -> None:
    result = smtools("--help")
    assert result.exit_code == 0
    for command in ("resolve", "validate"):
        assert command in result.stdout
    assert "Exit codes: 0 ok, 1 findings, 2 usage, 3 bad input" in " ".join(result.stdout.split())


def test_version_names_the_decoder(smtools) -> None:
    result = smtools("--version")
    assert result.exit_code == 0 and result.stdout.startswith("smtools ")
    assert "decoder" in result.stdout


def test_unknown_command_is_a_usage_error(smtools) -> None:
    result = smtools("frobnicate")
    assert result.exit_code == 2 and "No such command" in result.stderr


def test_internal_error_is_one_line_without_traceback(smtools, monkeypatch) -> None:
    import smtools.sourcemap.resolve as resolve_module

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(resolve_module, "resolve_position", boom)
    result = smtools("resolve", "x.js:1:1")
    assert result.exit_code == 70
    assert result.stderr.strip().splitlines() == [
        "error: internal error: RuntimeError: kaboom (run with SMTOOLS_DEBUG=1 for the traceback, "
        "and please report it)"]
    assert "Traceback" not in result.stderr


def test_debug_shows_the_traceback(smtools, monkeypatch) -> None:
    import smtools.sourcemap.resolve as resolve_module

    monkeypatch.setattr(resolve_module, "resolve_position",
                        lambda *a, **k: (_ for _ in ()).throw(RuntimeError("kaboom")))
    monkeypatch.setenv("SMTOOLS_DEBUG", "1")
    with pytest.raises(RuntimeError):
        smtools("resolve", "x.js:1:1")


def test_python_dash_m_works() -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "smtools", "--version"], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0 and done.stdout.startswith("smtools ")


def test_doctor_names_the_decoder(smtools) -> None:
    import json

    from smtools.sourcemap import speedups

    result = smtools("doctor", "--json")
    assert result.exit_code == 0
    facts = json.loads(result.stdout)
    assert facts["decoder"] == speedups.describe()
    assert facts["decoder"].startswith("C extension" if speedups.native else "pure Python")
    # Which copy of the package runs (an editable install points into the checkout).
    assert Path(facts["location"], "sourcemap", "speedups.py").is_file()
