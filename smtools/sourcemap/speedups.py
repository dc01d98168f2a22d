"""Which decoding path is active (reported by ``smtools --version``)."""

from __future__ import annotations

from smtools.sourcemap.jsonio import fast_json_available


def describe() -> str:
    """One line naming the mappings decoder and the JSON parser in use."""
    json_parser = "orjson" if fast_json_available() else "stdlib json"
    return f"pure Python, {json_parser}"
