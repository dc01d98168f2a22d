"""Reading artifact bundles on the server side.

Format (symbolic ``sourcebundle/mod.rs``, sentry ``models/artifactbundle.py``):
an optional 8-byte header ``b"SYSB"`` + u32 little-endian version 2, then a
ZIP archive holding ``manifest.json`` and one member per file. The manifest's
``files`` maps member paths to ``{"type", "url", "headers"}``; header keys are
compared lowercase, and ``headers["debug-id"]`` indexes the file by debug id.

Sentry itself only opens the zip and reads the manifest; this reader also
rejects bundles whose manifest points at missing members or lacks a ``url``
(the files would be unreachable), and collects softer findings as warnings so
tests can assert a client builds clean bundles.
"""

from __future__ import annotations

import io
import json
import struct
import uuid
import zipfile
from dataclasses import dataclass
from typing import Any

SYSB_MAGIC = b"SYSB"
SYSB_VERSION = 2
# sentry models/artifactbundle.py SourceFileType
SOURCE_FILE_TYPES = ("source", "minified_source", "source_map", "indexed_ram_bundle")


class BundleError(ValueError):
    """The bundle cannot be used (Sentry answers "the bundle is invalid")."""


@dataclass(frozen=True)
class BundleFile:
    """One file of a bundle: ``headers`` have lowercase keys."""

    path: str
    url: str
    type: str | None
    headers: dict[str, str]
    content: bytes
    debug_id: str | None


@dataclass(frozen=True)
class Bundle:
    """A parsed bundle: the manifest as sent, its files in manifest order."""

    manifest: dict[str, Any]
    files: tuple[BundleFile, ...]
    header_version: int | None
    bundle_id: str | None
    warnings: tuple[str, ...]


def normalize_debug_id(value: object) -> str | None:
    """A debug id in Sentry's canonical form (lowercase, hyphenated UUID), else None.

    Like symbolic's ``normalize_debug_id``, a longer hex string (a SHA-1
    checksum, a breakpad id with an age appendix) keeps its first 32 digits.
    """
    if not isinstance(value, str):
        return None
    digits = value.strip().replace("-", "").lower()
    if len(digits) < 32:
        return None
    try:
        return str(uuid.UUID(hex=digits[:32]))
    except ValueError:
        return None


def parse_bundle(data: bytes) -> Bundle:
    """Parse and check an artifact bundle.

    Raises:
        BundleError: bad header version, not a zip, no usable manifest, or a
            manifest entry without a ``url`` or without its zip member.
    """
    header_version, archive_bytes = _split_header(data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(archive_bytes))
    except zipfile.BadZipFile as error:
        raise BundleError(f"not a zip archive: {error}") from None
    with archive:
        manifest = _read_manifest(archive)
        warnings: list[str] = []
        files = tuple(_read_entry(archive, path, entry, warnings)
                      for path, entry in manifest["files"].items())
        _check_members(archive, manifest["files"], warnings)
    bundle_id = normalize_debug_id(manifest.get("debug_id"))
    if manifest.get("debug_id") is not None and bundle_id is None:
        warnings.append(f"manifest debug_id {manifest.get('debug_id')!r} is not a debug id")
    return Bundle(manifest=manifest, files=files, header_version=header_version,
                  bundle_id=bundle_id, warnings=tuple(warnings))


def _split_header(data: bytes) -> tuple[int | None, bytes]:
    if not data.startswith(SYSB_MAGIC):
        return None, data
    if len(data) < 8:
        raise BundleError("truncated SYSB header")
    (version,) = struct.unpack("<I", data[4:8])
    if version != SYSB_VERSION:
        raise BundleError(f"unsupported SYSB bundle version {version}")
    return version, data[8:]


def _read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read("manifest.json").decode("utf-8"))
    except KeyError:
        raise BundleError("no manifest.json in the bundle") from None
    except (ValueError, zipfile.BadZipFile) as error:
        raise BundleError(f"unreadable manifest.json: {error}") from None
    if not isinstance(manifest, dict):
        raise BundleError("manifest.json is not a JSON object")
    if not isinstance(manifest.get("files", {}), dict):
        raise BundleError("manifest.json: files is not an object")
    manifest.setdefault("files", {})
    return manifest


def _read_entry(archive: zipfile.ZipFile, path: str, entry: object, warnings: list[str]) -> BundleFile:
    if not isinstance(entry, dict):
        raise BundleError(f"manifest entry {path!r} is not an object")
    url = entry.get("url")
    if not isinstance(url, str) or not url:
        raise BundleError(f"manifest entry {path!r} has no url")
    try:
        content = archive.read(path)
    except KeyError:
        raise BundleError(f"manifest entry {path!r} is not in the zip") from None
    file_type = entry.get("type")
    if file_type not in SOURCE_FILE_TYPES:
        warnings.append(f"{path}: unknown type {file_type!r}")
    headers = _headers(path, entry.get("headers", {}), warnings)
    debug_id = normalize_debug_id(headers.get("debug-id"))
    if "debug-id" in headers and debug_id is None:
        warnings.append(f"{path}: debug-id {headers['debug-id']!r} is not a debug id")
    return BundleFile(path=path, url=url, type=file_type if isinstance(file_type, str) else None,
                      headers=headers, content=content, debug_id=debug_id)


def _headers(path: str, raw: object, warnings: list[str]) -> dict[str, str]:
    if not isinstance(raw, dict):
        warnings.append(f"{path}: headers is not an object")
        return {}
    headers: dict[str, str] = {}
    for key, value in raw.items():
        if key != key.lower():
            # symbolic writes lowercase keys (add_header); readers lowercase them.
            warnings.append(f"{path}: header {key!r} is not lowercase")
        if not isinstance(value, str):
            warnings.append(f"{path}: header {key!r} is not a string")
            value = json.dumps(value)
        headers[key.lower()] = value
    return headers


def _check_members(archive: zipfile.ZipFile, files: dict[str, Any], warnings: list[str]) -> None:
    for name in archive.namelist():
        if name != "manifest.json" and not name.endswith("/") and name not in files:
            warnings.append(f"{name}: in the zip but not in the manifest")
