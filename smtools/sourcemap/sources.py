"""Source strings as ECMA-426 §9.3 builds them (without URL resolution)."""

from __future__ import annotations

import re

# An absolute URL per WHATWG: a scheme, then ":". Windows drive letters ("C:")
# are one letter, which no registered scheme is, so they are not matched.
_ABSOLUTE_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]+:")


def prefix_for(source_root: str | None) -> str:
    """The string prepended to each source (§9.3).

    An empty ``sourceRoot`` is treated as absent: Chrome, mozilla and
    rust-sourcemap do so, and the tc39 suite requires it
    (``transitive-mapping-original.js.map``).
    """
    if not source_root:
        return ""
    return source_root if source_root.endswith("/") else source_root + "/"


def with_root(source: str | None, prefix: str) -> str | None:
    """``prefix + source``, except that absolute URLs are left alone.

    The spec text would turn ``"http://a/" + "http://b/x.js"`` into a broken
    URL; mozilla and rust-sourcemap keep the absolute source, and so do we.
    A leading-slash source is concatenated as the spec says
    (``"http://h/dir/" + "/x.js"`` gives ``"http://h/dir//x.js"``).
    """
    if source is None:
        return None
    if not prefix or _ABSOLUTE_URL.match(source):
        return source
    return prefix + source


def build_sources(raw_sources: list[str | None], source_root: str | None) -> list[str | None]:
    """Every source with the sourceRoot applied."""
    prefix = prefix_for(source_root)
    return [with_root(source, prefix) for source in raw_sources]
