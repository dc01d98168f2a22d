"""Debug IDs for bundle + map pairs, in the format of ``sentry-cli sourcemaps inject``.

For a bundle without ``//# debugId=`` (``sentry-api.md`` §5): the ID is the map's
``debug_id``/``debugId`` if any, else a UUID from the map file's bytes (SHA-1, first
16 bytes, version 5, RFC 4122 variant: sentry-cli 2.x ``debug_id_from_bytes_hashed``;
3.x derives IDs differently, so IDs are deterministic and in the same format, not the
ones sentry-cli would pick); without a map, the bundle's bytes are hashed.
``"\n" + snippet + "\n"`` goes after a ``#!`` line, leading comments and a
``"use ...";`` prologue; ``//# debugId=<id>`` goes just before the trailing
``//# sourceMappingURL=`` (which stays the last line). The map gets ``debugId`` and
mappings shifted so every position resolves as before (:func:`shift_mappings`);
index maps get their section offsets shifted; inline ``data:`` maps are rewritten
in the bundle. A bundle that has a ``//# debugId=`` is left alone and its map only
gains a missing ``debugId``: a second run changes nothing.

Each file is replaced atomically (temporary file in its directory, ``os.replace``).
For a pair, a journal ``.<bundle>.smtools-inject`` listing both renames is written
first; the map is replaced, then the bundle, then the journal is removed. A run that
died between the renames is completed by the next run before anything else, so a
retry is always safe, and a bundle with a debug ID always has its map updated.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import tempfile
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from smtools.errors import InputError, InvalidSourceMap
from smtools.sourcemap import vlq
from smtools.sourcemap.discovery import decode_data_url, find_debug_id, locate_map
from smtools.sourcemap.jsonio import strip_prefixes
from smtools.sourcemap.parse import read_bytes

SNIPPET_TEMPLATE = (
    '!function(){try{var e="undefined"!=typeof window?window:"undefined"!=typeof global?global:'
    '"undefined"!=typeof globalThis?globalThis:"undefined"!=typeof self?self:{},'
    'n=(new e.Error).stack;n&&(e._sentryDebugIds=e._sentryDebugIds||{},'
    'e._sentryDebugIds[n]="__SENTRY_DEBUG_ID__")}catch(e){}}();')
PLACEHOLDER = "__SENTRY_DEBUG_ID__"
BUNDLE_EXTENSIONS = (".js", ".cjs", ".mjs")  # sentry-cli inject's default --ext
JOURNAL_SUFFIX = ".smtools-inject"
_TEMP_SUFFIX = ".smtools-tmp"
_LINE_BREAK = re.compile(r"\r\n|[\n\r\u2028\u2029]")
_SPACE_OR_COMMENT = re.compile(r"(?:\s+|//[^\n\r\u2028\u2029]*|/\*.*?\*/)*", re.DOTALL)
_DIRECTIVE = re.compile(r"""(?:"use [^"\\\n\r]*"|'use [^'\\\n\r]*')[ \t]*;""")
_MAP_COMMENT = ("//# sourceMappingURL=", "//@ sourceMappingURL=")


def debug_id_from_bytes(data: bytes) -> str:
    """A deterministic UUID from content: SHA-1, first 16 bytes, version 5 (lowercase)."""
    return str(uuid.UUID(bytes=hashlib.sha1(data).digest()[:16], version=5))


def snippet(debug_id: str) -> str:
    """The one-line runtime snippet that registers ``debug_id``."""
    return SNIPPET_TEMPLATE.replace(PLACEHOLDER, debug_id)


def map_debug_id(map_json: dict[str, Any]) -> str | None:
    """The debug ID a map carries: ``debug_id`` wins over ``debugId`` (symbolic ``js.rs``)."""
    for key in ("debug_id", "debugId"):
        value = map_json.get(key)
        if isinstance(value, str) and value:
            return value.lower()
    return None


@dataclass(frozen=True)
class InjectResult:
    """What happened (or, with ``dry_run``, would happen) to one bundle. ``id_from``: ``bundle``
    or ``map`` (kept from there), ``map-content`` or ``bundle-content`` (derived from the bytes)."""

    bundle: Path
    map_path: Path | None
    debug_id: str
    id_from: str
    bundle_changed: bool
    map_changed: bool
    note: str | None = None
    recovered: bool = False

    @property
    def changed(self) -> bool:
        return self.bundle_changed or self.map_changed


@dataclass
class _Pair:
    text: str
    map_path: Path | None
    map_json: dict[str, Any] | None
    map_bytes: bytes | None
    inline_url: str | None = None
    note: str | None = None


def find_bundles(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """``.js``/``.cjs``/``.mjs`` files named or found (recursively) under ``paths``, sorted
    (other files, e.g. a shell glob's ``.map`` and ``.html``, are passed over); InputError if missing."""
    found: set[Path] = set()
    for item in map(Path, paths):
        if item.is_file():
            found.update([item] if item.name.endswith(BUNDLE_EXTENSIONS) else [])
        elif item.is_dir():
            for directory, subdirs, files in os.walk(item):
                subdirs[:] = [d for d in subdirs if not d.startswith(".") and d != "node_modules"]
                found.update(Path(directory) / f for f in files if f.endswith(BUNDLE_EXTENSIONS))
        else:
            raise InputError(f"no such file or directory: {item}")
    return sorted(found)


def inject(paths: Iterable[str | os.PathLike[str]], *, dry_run: bool = False,
           on_result: Callable[[InjectResult], None] | None = None) -> list[InjectResult]:
    """Give every bundle under ``paths`` (files, or directories searched for
    ``.js``/``.cjs``/``.mjs``) and its map a debug ID; ``dry_run`` writes nothing;
    ``on_result`` gets each bundle's result as it is done.

    Raises:
        InputError: a path does not exist or a bundle cannot be read.
        InvalidSourceMap: a map is not JSON or has no ``mappings``/``sections``.
    """
    results = []
    for bundle in find_bundles(paths):
        result = inject_bundle(bundle, dry_run=dry_run)
        results.append(result)
        if on_result is not None:
            on_result(result)
    return results


def inject_bundle(bundle: Path, *, dry_run: bool = False) -> InjectResult:
    """Inject one bundle and its map (see the module docstring)."""
    recovered = False if dry_run else recover(bundle)
    original = read_bytes(bundle)
    pair = _read_pair(bundle, original)
    if pair.map_path is not None and not dry_run:
        _remove_stale_temps(pair.map_path)
    existing = find_debug_id(pair.text)
    if existing is not None:
        result, writes = _keep_bundle_id(bundle, pair, existing.lower())
    else:
        result, writes = _inject_new(bundle, pair, original)
    if writes and not dry_run:
        commit(writes, bundle)
    return replace(result, recovered=recovered)


def _read_pair(bundle: Path, data: bytes) -> _Pair:
    text = data.decode("utf-8", "surrogateescape")
    location = locate_map(bundle, text)
    if location.kind == "inline" and location.url is not None:
        raw = decode_data_url(location.url)
        return _Pair(text, None, _parse_map(raw, f"{bundle} (inline map)"), raw, location.url)
    if location.path is None or not location.exists:
        return _Pair(text, None, None, None, note=location.note or "no source map")
    raw = read_bytes(location.path)
    return _Pair(text, location.path, _parse_map(raw, str(location.path)), raw)


def _parse_map(raw: bytes, label: str) -> dict[str, Any]:
    try:
        value = json.loads(strip_prefixes(raw))
    except ValueError as error:
        raise InvalidSourceMap(f"{label}: not valid json ({error})") from None
    if not isinstance(value, dict) or not (isinstance(value.get("mappings"), str)
                                           or isinstance(value.get("sections"), list)):
        raise InvalidSourceMap(f"{label}: no mappings or sections to shift")
    return value


def _keep_bundle_id(bundle: Path, pair: _Pair, debug_id: str
                    ) -> tuple[InjectResult, list[tuple[Path, bytes]]]:
    map_id = map_debug_id(pair.map_json) if pair.map_json is not None else None
    if pair.map_json is None or pair.inline_url is not None or map_id is not None:
        note = (f"map has another debug id {map_id}" if map_id not in (None, debug_id)
                else pair.note)
        return InjectResult(bundle, pair.map_path, debug_id, "bundle", False, False, note), []
    assert pair.map_path is not None
    pair.map_json["debugId"] = debug_id
    result = InjectResult(bundle, pair.map_path, debug_id, "bundle", False, True)
    return result, [(pair.map_path, _dump_map(pair.map_json))]


def _inject_new(bundle: Path, pair: _Pair, original: bytes
                ) -> tuple[InjectResult, list[tuple[Path, bytes]]]:
    if pair.map_json is None:
        debug_id = debug_id_from_bytes(original)
        text, _ = add_comment(pair.text, debug_id, snippet(debug_id))
        result = InjectResult(bundle, None, debug_id, "bundle-content", True, False, pair.note)
        return result, [(bundle, _encode(text))]
    assert pair.map_bytes is not None
    map_id = map_debug_id(pair.map_json)
    debug_id = map_id or debug_id_from_bytes(pair.map_bytes)
    text, (line, column) = insert_snippet(pair.text, debug_id)
    shift_map(pair.map_json, line, column, 2)
    text, comment_line = add_comment(text, debug_id)
    if comment_line is not None:
        shift_map(pair.map_json, comment_line, 0, 1)
    if map_id is None:
        pair.map_json["debugId"] = debug_id
    id_from = "map" if map_id else "map-content"
    if pair.inline_url is not None:
        encoded = base64.b64encode(_dump_map(pair.map_json)).decode()
        head, _, tail = text.rpartition(pair.inline_url)
        text = f"{head}data:application/json;charset=utf-8;base64,{encoded}{tail}"
        return InjectResult(bundle, None, debug_id, id_from, True, True), [(bundle, _encode(text))]
    assert pair.map_path is not None
    writes = [(pair.map_path, _dump_map(pair.map_json)), (bundle, _encode(text))]
    return InjectResult(bundle, pair.map_path, debug_id, id_from, True, True), writes


def _encode(text: str) -> bytes:  # surrogateescape: bytes that are not UTF-8 survive
    return text.encode("utf-8", "surrogateescape")


def _dump_map(map_json: dict[str, Any]) -> bytes:
    # Compact JSON with the new key last, as sentry-cli writes injected maps.
    return json.dumps(map_json, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _newline(text: str) -> str:
    match = _LINE_BREAK.search(text)
    return "\r\n" if match is not None and match.group() == "\r\n" else "\n"


def _line_and_column(text: str, index: int) -> tuple[int, int, int]:
    """0-based line, its start index, and the UTF-16 column of ``index`` in ``text``."""
    starts = [m.end() for m in _LINE_BREAK.finditer(text, 0, index)]
    start = starts[-1] if starts else 0
    column = len(text[start:index].encode("utf-16-le", "surrogatepass")) // 2
    return len(starts), start, column


def insertion_point(text: str) -> int:
    """Where the snippet goes: after ``#!``, leading comments and a directive prologue;
    without directives, at the start of the first code line if only blanks precede the code."""
    position = 0
    if text.startswith("#!"):
        match = _LINE_BREAK.search(text)
        position = match.end() if match else len(text)
    position = _SPACE_OR_COMMENT.match(text, position).end()  # type: ignore[union-attr]
    after_directives = None
    while (directive := _DIRECTIVE.match(text, position)) is not None:
        after_directives = directive.end()
        position = _SPACE_OR_COMMENT.match(text, after_directives).end()  # type: ignore[union-attr]
    if after_directives is not None:
        return after_directives
    _, start, _ = _line_and_column(text, position)
    return start if not text[start:position].strip() else position


def insert_snippet(text: str, debug_id: str) -> tuple[str, tuple[int, int]]:
    """Insert ``"\\n" + snippet + "\\n"``; return the new text and the 0-based (line,
    UTF-16 column) of the insertion point in the *old* text."""
    index = insertion_point(text)
    line, _, column = _line_and_column(text, index)
    newline = _newline(text)
    return text[:index] + newline + snippet(debug_id) + newline + text[index:], (line, column)


def add_comment(text: str, debug_id: str, *extra_lines: str) -> tuple[str, int | None]:
    """Add ``//# debugId=`` before the trailing ``sourceMappingURL`` comment, else at the end;
    return the new text and the 0-based line of the insertion (None when appended)."""
    newline = _newline(text)
    block = "".join(f"{line}{newline}" for line in (*extra_lines, f"//# debugId={debug_id}"))
    starts = [0, *(m.end() for m in _LINE_BREAK.finditer(text))]
    for number in range(len(starts) - 1, -1, -1):
        line = text[starts[number]:starts[number + 1] if number + 1 < len(starts) else len(text)]
        stripped = line.strip()
        if stripped.startswith(_MAP_COMMENT):
            return text[:starts[number]] + block + text[starts[number]:], number
        if stripped and not stripped.startswith("//"):
            break
    separator = "" if not text or _LINE_BREAK.match(text[-1]) else newline
    return text + separator + block, None


def shift_map(map_json: dict[str, Any], line: int, column: int, added: int) -> None:
    """Shift a map for ``added`` lines inserted at (line, column); raises InvalidSourceMap
    when an index-map section starts left of a mid-line insertion point (it cannot be split)."""
    if isinstance(map_json.get("mappings"), str):
        map_json["mappings"] = shift_mappings(map_json["mappings"], line, column, added)
        return
    for number, section in enumerate(map_json.get("sections") or []):
        offset = section.get("offset") if isinstance(section, dict) else None
        if not isinstance(offset, dict):
            continue
        at = (offset.get("line", 0), offset.get("column", 0))
        if column > 0 and at[0] == line and at[1] < column:
            raise InvalidSourceMap(f"index map section {number} starts before the insertion "
                                   f"point {line + 1}:{column + 1} on the same line")
        if at >= (line, column):
            offset["line"] = at[0] + added
            offset["column"] = at[1] - column if at[0] == line else at[1]


def shift_mappings(mappings: str, line: int, column: int, added: int) -> str:
    """Re-encode ``mappings`` for ``added`` lines inserted at generated (line, column).

    Positions after the insertion point move ``added`` lines down, those on its line
    also ``column`` units left. Source/line/column/name fields are deltas over the whole
    string, which the split does not reorder: only the first moved segment's column is
    re-encoded. If the moved text does not start with a segment, a copy of the last
    segment before the split (all deltas zero) is put at its column 0.
    """
    lines = mappings.split(";")
    if line >= len(lines):
        return mappings
    if column == 0:
        return ";".join(lines[:line] + [""] * added + lines[line:])
    head, tail = _split_line(lines[line], column)
    return ";".join(lines[:line] + [head] + [""] * (added - 1) + [tail] + lines[line + 1:])


def _split_line(segments_text: str, column: int) -> tuple[str, str]:
    head: list[str] = []
    tail: list[str] = []
    current = 0
    for segment in segments_text.split(",") if segments_text else []:
        values = vlq.decode(segment)
        current += values[0] if values else 0
        if tail or (values and current >= column):
            tail.append(segment if tail else "".join(map(vlq.encode, [current - column, *values[1:]])))
        else:
            head.append(segment)
    if head and (not tail or vlq.decode(tail[0])[0] != 0):
        tail.insert(0, "A" * len(vlq.decode(head[-1])))
    return ",".join(head), ",".join(tail)


def journal_path(bundle: Path) -> Path:
    """The journal that marks an unfinished pair of renames for ``bundle``."""
    return bundle.with_name(f".{bundle.name}{JOURNAL_SUFFIX}")


def recover(bundle: Path) -> bool:
    """Finish the renames of an interrupted run for ``bundle``; True if there was one.

    Without a journal, temporary files left by a run that died earlier are removed
    (that run had not touched the originals yet).
    """
    journal = journal_path(bundle)
    if not journal.exists():
        _remove_stale_temps(bundle)
        return False
    for temp, final in json.loads(journal.read_text(encoding="utf-8"))["replace"]:
        if os.path.exists(temp):
            os.replace(temp, final)
    journal.unlink()
    return True


def _remove_stale_temps(path: Path) -> None:
    for stale in path.parent.glob(f".{path.name}.*{_TEMP_SUFFIX}"):
        stale.unlink(missing_ok=True)


def commit(writes: Sequence[tuple[Path, bytes]], bundle: Path) -> None:
    """Write files atomically as one unit, in order (the bundle last; see the module docstring)."""
    temps: list[tuple[str, str]] = []
    try:
        for path, data in writes:
            temps.append((_write_temp(path, data), os.fspath(path)))
    except BaseException:
        for temp, _ in temps:
            os.unlink(temp)
        raise
    journal = journal_path(bundle)
    if len(temps) > 1:
        os.replace(_write_temp(journal, json.dumps({"replace": temps}).encode()), journal)
    for temp, final in temps:
        os.replace(temp, final)
    journal.unlink(missing_ok=True)


def _write_temp(path: Path, data: bytes) -> str:
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=_TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if path.exists():
            os.chmod(temp, path.stat().st_mode & 0o7777)
    except BaseException:
        os.unlink(temp)
        raise
    return temp
