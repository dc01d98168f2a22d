"""Which decoding path is active, and the optional C decoder.

``SMTOOLS_PURE_PYTHON=1`` disables the C decoder and orjson (for comparisons
and benchmarks); ``SMTOOLS_NO_ORJSON=1`` disables only orjson.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from smtools.sourcemap.jsonio import fast_json_available


def _load_native() -> Any:
    if os.environ.get("SMTOOLS_PURE_PYTHON"):
        return None
    try:
        from smtools.sourcemap import _speedups  # type: ignore[attr-defined]
    except ImportError:
        return None
    return _speedups


native = _load_native()
native_decode: Callable[..., Any] | None = None if native is None else native.decode_mappings


def native_arrays(raw: tuple[bytes, ...]) -> tuple[memoryview, ...]:
    """Typed views of the C decoder's buffers (no copy; same item types as the arrays)."""
    return tuple(memoryview(buffer).cast(typecode)  # type: ignore[call-overload]
                 for typecode, buffer in zip("qiiiiib", raw, strict=True))


def describe() -> str:
    """One line naming the mappings decoder and the JSON parser in use."""
    decoder = "C extension" if native_decode is not None else "pure Python"
    json_parser = "orjson" if fast_json_available() else "stdlib json"
    return f"{decoder}, {json_parser}"
