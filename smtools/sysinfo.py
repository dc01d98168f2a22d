"""Facts about this installation (for ``smtools doctor`` and bug reports)."""

from __future__ import annotations

import platform
import sys
from importlib import metadata
from pathlib import Path

import smtools
from smtools import __version__


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def installation() -> dict[str, str]:
    """Version, platform, the active source-map decoder and dependency versions."""
    from smtools.sourcemap import speedups

    return {
        "smtools": __version__,
        "python": f"{platform.python_implementation()} {platform.python_version()} ({sys.executable})",
        "location": str(Path(smtools.__file__).resolve().parent),
        "platform": platform.platform(),
        "decoder": speedups.describe(),
        "orjson": _version("orjson"),
        "tree-sitter": _version("tree-sitter"),
        "click": _version("click"),
        "rich": _version("rich"),
        "requests": _version("requests"),
    }
