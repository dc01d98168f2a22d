"""Helpers for the webpack audit tests: small throw-away projects written from text."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"
ELECTRON_VUE = DATA / "electron-vue"
EDITS = DATA / "edits"

MakeProject = Callable[..., Path]


@pytest.fixture
def make_project(tmp_path: Path) -> MakeProject:
    """Write a project: ``make_project({"rel/path": "text" or dict-for-json}, base=None) -> root``.

    ``base`` is a folder copied first (e.g. the electron-vue template copy).
    """
    counter = iter(range(1000))

    def make(files: dict[str, object] | None = None, *, base: Path | None = None) -> Path:
        root = tmp_path / f"project{next(counter)}"
        if base is not None:
            shutil.copytree(base, root)
        root.mkdir(exist_ok=True)
        for relative, content in (files or {}).items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            elif isinstance(content, str):
                path.write_text(content, encoding="utf-8")
            else:
                path.write_text(json.dumps(content, indent=2), encoding="utf-8")
        return root

    return make


@pytest.fixture
def electron_vue(make_project: MakeProject) -> Callable[..., Path]:
    """A copy of the electron-vue template project with some files replaced or added."""

    def make(files: dict[str, object] | None = None) -> Path:
        return make_project(files, base=ELECTRON_VUE)

    return make


@pytest.fixture
def template_package() -> Callable[..., dict[str, object]]:
    """The template's package.json as a dict, top-level keys replaced: ``template_package(build=...)``."""

    def make(**extra: object) -> dict[str, object]:
        data: dict[str, object] = json.loads((ELECTRON_VUE / "package.json").read_text(encoding="utf-8"))
        data.update(extra)
        return data

    return make
