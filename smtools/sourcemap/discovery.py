"""Finding the source map of a generated file (ECMA-426 §11.1) and its debug ID.

A browser or Sentry finds a map through the ``sourceMappingURL`` comment (a
file path, a URL or an inline ``data:`` URL). Without a comment, tools fall
back to a sibling ``X.js.map`` (how ``hidden-source-map`` builds are used);
:class:`MapLocation` says which way the map was found.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from smtools.errors import InvalidSourceMap, MapNotFoundError
from smtools.sourcemap.index import IndexMap
from smtools.sourcemap.model import SourceMap
from smtools.sourcemap.parse import loads, read_bytes

AnyMap = SourceMap | IndexMap

# ECMAScript WhiteSpace (TAB, VT, FF, SP, NBSP, ZWNBSP and category Zs) and,
# for the JS regexp \s, LineTerminators. Python's \s differs from JS's.
_JS_WHITESPACE = ("\t\v\f \u00a0\ufeff\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
                  "\u2007\u2008\u2009\u200a\u202f\u205f\u3000")
_JS_S = _JS_WHITESPACE + "\n\r\u2028\u2029"
_MATCH_URL = re.compile(f"^[@#][{_JS_S}]*sourceMappingURL=([^{_JS_S}]*?)[{_JS_S}]*$")
_DEBUG_ID = re.compile(r"^//# debugId=([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                       r"[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\s*$")
_TERMINATORS = ("\r", "\n", "\u2028", "\u2029")


def _reverse_lines(text: str) -> Iterator[str]:
    """Yield the lines of ``text`` from the last to the first, without splitting it all."""
    end = len(text)
    last = {mark: text.rfind(mark) for mark in _TERMINATORS}
    while True:
        for mark, where in last.items():
            if where >= end:
                last[mark] = text.rfind(mark, 0, end)
        cut = max(last.values())
        yield text[cut + 1:end]
        if cut < 0:
            return
        # CRLF is one terminator.
        end = cut - 1 if text[cut] == "\n" and cut > 0 and text[cut - 1] == "\r" else cut


def find_source_mapping_url(text: str) -> str | None:
    """The ``sourceMappingURL`` of JavaScript text, or None (ECMA-426 §11.1.2.1).

    Only the trailing block of ``//`` comments and blank lines is searched;
    within it the last ``//# sourceMappingURL=`` (or legacy ``//@``) wins. A
    comment containing a quote or ``*/``, or any code or block comment after
    the annotation, means there is no annotation. An empty URL counts as none.
    """
    for line in _reverse_lines(text):
        stripped = line.lstrip(_JS_WHITESPACE)
        if not stripped:
            continue
        if not stripped.startswith("//"):
            return None
        comment = stripped[2:]
        if any(mark in comment for mark in ('"', "'", "`", "*/")):
            return None
        match = _MATCH_URL.match(comment)
        if match is not None:
            return match.group(1) or None
    return None


def find_debug_id(text: str) -> str | None:
    """The ``//# debugId=<uuid>`` of JavaScript text (last 5 lines), or None."""
    for count, line in enumerate(_reverse_lines(text)):
        if count >= 5:
            break
        match = _DEBUG_ID.match(line.strip())
        if match is not None:
            return match.group(1)
    return None


def decode_data_url(url: str) -> bytes:
    """The body of a ``data:`` URL (WHATWG data: URL processor, base64 or percent-encoded).

    Raises:
        InvalidSourceMap: the URL is malformed.
    """
    header, comma, body = url[5:].partition(",")
    if not comma:
        raise InvalidSourceMap("inline source map data: URL has no comma", code="bad-data-url")
    raw = unquote_to_bytes(body)
    if header.strip().lower().replace(" ", "").endswith(";base64"):
        compact = re.sub(rb"[\t\n\f\r ]", b"", raw)
        compact += b"=" * (-len(compact) % 4)
        try:
            return base64.b64decode(compact, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidSourceMap("inline source map data: URL is not valid base64",
                                   code="bad-data-url") from None
    return raw


@dataclass(frozen=True)
class MapLocation:
    """How the map of a generated file was (or was not) found.

    ``kind`` is ``"comment"`` (a ``sourceMappingURL`` naming a file or URL),
    ``"inline"`` (a ``data:`` URL), ``"sibling"`` (no comment; ``X.js.map``
    next to the file) or ``"none"``. ``url`` is the comment's value, ``path``
    the local map file it leads to (None for inline maps and unresolvable
    URLs), ``exists`` whether that file exists, ``note`` an explanation for
    the user when the lookup was not plain.
    """

    kind: str
    url: str | None = None
    path: Path | None = None
    exists: bool = False
    note: str | None = None


def read_text(path: str | os.PathLike[str]) -> str:
    """Read a generated file as text (undecodable bytes replaced, never fatal)."""
    return read_bytes(path).decode("utf-8", "replace")


def locate_map(js_path: str | os.PathLike[str], text: str | None = None) -> MapLocation:
    """Find where the source map of a generated file is, the way tools do.

    Raises:
        InputError: the generated file cannot be read.
    """
    js_path = Path(js_path)
    if text is None:
        text = read_text(js_path)
    url = find_source_mapping_url(text)
    if url is None:
        sibling = js_path.with_name(js_path.name + ".map")
        if sibling.is_file():
            return MapLocation("sibling", None, sibling, True,
                               f"no sourceMappingURL comment; using {sibling.name} next to it")
        return MapLocation("none", None, None, False, "no sourceMappingURL comment and no "
                           f"{js_path.name}.map next to it")
    if url.lower().startswith("data:"):
        return MapLocation("inline", url, None, True)
    return _comment_location(js_path, url)


def _comment_location(js_path: Path, url: str) -> MapLocation:
    parts = urlsplit(url)
    if parts.scheme in ("http", "https"):
        # A remote map cannot be fetched offline; look for its file name here.
        local = js_path.with_name(Path(unquote(parts.path)).name or js_path.name + ".map")
        return MapLocation("comment", url, local, local.is_file(),
                           f"sourceMappingURL is a remote URL; looked for {local.name} locally")
    if parts.scheme == "file":
        local = Path(unquote(parts.path))
    elif len(parts.scheme) > 1:
        return MapLocation("comment", url, None, False,
                           f"sourceMappingURL has an unsupported scheme {parts.scheme!r}")
    else:
        local = js_path.parent / unquote(url.split("?", 1)[0].split("#", 1)[0])
    return MapLocation("comment", url, local, local.is_file())


def load_for_bundle(js_path: str | os.PathLike[str],
                    text: str | None = None) -> tuple[AnyMap, MapLocation]:
    """Locate and decode the source map of a generated file.

    Raises:
        InputError: the generated file cannot be read.
        MapNotFoundError: there is no map, or the comment names a missing file.
        InvalidSourceMap: the map cannot be decoded.
    """
    js_path = Path(js_path)
    location = locate_map(js_path, text)
    if location.kind == "none":
        raise MapNotFoundError(f"no source map for {js_path}: {location.note}")
    if location.kind == "inline":
        assert location.url is not None
        return loads(decode_data_url(location.url)), location
    if location.path is None or not location.exists:
        target = location.path if location.path is not None else location.url
        detail = f" ({location.note})" if location.note else ""
        raise MapNotFoundError(f"{js_path} points to a source map that does not exist: "
                               f"{target}{detail}")
    try:
        return loads(read_bytes(location.path)), location
    except InvalidSourceMap as error:
        raise InvalidSourceMap(f"{location.path}: {error}", code=error.code,
                               path=error.path) from None
