"""Library packages never draw UI, print or exit (docs/style: a pure library)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "smtools"
LIBRARY_FILES = sorted(p for p in PACKAGE.rglob("*.py") if "cli" not in p.relative_to(PACKAGE).parts)
FORBIDDEN_MODULES = {"click", "rich"}


def _violations(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            names = []
        for name in names:
            if name.split(".")[0] in FORBIDDEN_MODULES:
                found.append(f"line {node.lineno}: imports {name}")
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in {"print", "exit", "quit"}:
                found.append(f"line {node.lineno}: calls {func.id}()")
            if (isinstance(func, ast.Attribute) and func.attr == "exit"
                    and isinstance(func.value, ast.Name) and func.value.id in {"sys", "os"}):
                found.append(f"line {node.lineno}: calls {func.value.id}.exit()")
    return found


def test_there_are_library_files() -> None:
    assert any(p.parent.name == "sourcemap" for p in LIBRARY_FILES)


@pytest.mark.parametrize("path", LIBRARY_FILES, ids=[str(p.relative_to(PACKAGE)) for p in LIBRARY_FILES])
def test_library_module_is_pure(path: Path) -> None:
    assert _violations(path) == []


def test_sourcemap_package_uses_only_the_standard_library() -> None:
    import sys

    allowed_third_party = {"orjson"}  # optional, imported under try/except
    for path in (PACKAGE / "sourcemap").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module.split(".")[0]]
            else:
                continue
            for module in modules:
                assert (module in sys.stdlib_module_names or module in {"smtools", "__future__"}
                        or module in allowed_third_party), f"{path.name} imports {module}"


def test_the_checker_catches_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import rich\nfrom click import echo\nprint('x')\nimport sys\nsys.exit(1)\n")
    assert len(_violations(bad)) == 4
