"""Fixtures of the stack tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from .tinybuild import write_bundle


@pytest.fixture
def tiny_build(tmp_path: Path) -> Path:
    """A directory with dist/a.js and dist/a.js.map (see tinybuild.py)."""
    write_bundle(tmp_path)
    return tmp_path
