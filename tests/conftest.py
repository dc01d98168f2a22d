"""Shared fixtures: paths, a CLI runner, and deterministic rich output."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "fixtures" / "electron-vue-sample"
CONFORMANCE = ROOT.parent / "shared" / "conformance" / "tc39-source-map-tests"


@dataclass
class Result:
    """What a CLI run produced."""

    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture(autouse=True)
def _plain_rich(monkeypatch: pytest.MonkeyPatch) -> None:
    # Wide, colourless output so assertions see whole lines.
    from smtools.cli import console

    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("SMTOOLS_DEBUG", raising=False)
    console.configure(no_color=True, width=500)
    monkeypatch.setattr(console, "configure",
                        lambda no_color=False, width=None: None)


@pytest.fixture
def smtools(capfd: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """Run ``smtools ARGS...`` in-process; returns exit code, stdout and stderr."""
    from smtools.cli import console, run

    def invoke(*args: str) -> Result:
        console._consoles.clear()
        capfd.readouterr()
        code = run([str(a) for a in args])
        captured = capfd.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


@pytest.fixture
def fixture_dir() -> Path:
    if not FIXTURE.is_dir():
        pytest.skip("fixtures/electron-vue-sample is not present")
    return FIXTURE


@pytest.fixture
def conformance_dir() -> Path:
    if not CONFORMANCE.is_dir():
        pytest.skip(f"conformance suite not found at {CONFORMANCE}")
    return CONFORMANCE

