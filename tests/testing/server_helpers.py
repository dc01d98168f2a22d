"""Hand-built Sentry client traffic for the server tests.

Bundles are assembled here directly from the format in sentry-api.md §4.4
(SYSB header, zip, manifest.json), never with smtools' own upload code, so
the server is checked against the documented format rather than against the
client it is meant to test.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import struct
import zipfile
from dataclasses import dataclass
from typing import Any

import requests

TOKEN = "test-token"
ORG = "acme"
PROJECT = "desktop"

RENDERER_JS = b'(()=>{function o(n){return"hello, "+n}console.log(o("world"));})();\n' \
              b"//# sourceMappingURL=renderer.js.map\n"
RENDERER_MAP = (b'{"version":3,"sources":["../src/renderer.js","../src/util.js"],'
                b'"sourcesContent":['
                b'"import {greet} from \\"./util\\";\\nconsole.log(greet(\\"world\\"));\\n",'
                b'"export function greet(n) { return \\"hello, \\" + n; }\\n"],'
                b'"names":["greet","n"],"mappings":"MAAO,SAASA,EAAMC,EAAG"}')
DEBUG_ID = "4a64c7da-41e8-5519-ab4a-aaedca117352"


def sha1(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


@dataclass(frozen=True)
class Entry:
    """One bundle member: zip path, manifest url/type/headers, bytes."""

    path: str
    url: str
    type: str
    content: bytes
    headers: dict[str, str] | None = None


def build_bundle(entries: list[Entry], *, sysb: bool = True, manifest_files: dict[str, Any] | None = None,
                 **manifest: Any) -> bytes:
    """An artifact bundle per sentry-api.md §4.4: ``SYSB`` + u32 LE 2, then a zip
    with deflated members dated 1980-01-01 and ``manifest.json`` last."""
    files: dict[str, Any] = {}
    for entry in entries:
        files[entry.path] = {"type": entry.type, "url": entry.url}
        if entry.headers is not None:
            files[entry.path]["headers"] = entry.headers
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for entry in entries:
            _write(archive, entry.path, entry.content)
        body = {"files": files if manifest_files is None else manifest_files, **manifest}
        _write(archive, "manifest.json", json.dumps(body, separators=(",", ":")).encode())
    data = buffer.getvalue()
    return b"SYSB" + struct.pack("<I", 2) + data if sysb else data


def _write(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def renderer_bundle(*, release: str | None = "1.0.0", dist: str | None = None,
                    debug_id: str | None = None, url_prefix: str = "~", zip_dir: str = "_/_",
                    **extra: Any) -> bytes:
    """The bundle of sentry-cli-traffic.md s1/s2/s3: renderer.js + its map."""
    js_headers = {"sourcemap": "renderer.js.map"}
    map_headers: dict[str, str] | None = None
    if debug_id:
        js_headers = {"debug-id": debug_id, "sourcemap": "renderer.js.map"}
        map_headers = {"debug-id": debug_id}
    manifest: dict[str, Any] = {"debug_id": extra.pop("bundle_id", "3cf2cfc6-d3c2-5105-a162-8451c8643cc8"),
                                "org": ORG, "project": PROJECT}
    if dist is not None:
        manifest["dist"] = dist
    if release is not None:
        manifest["release"] = release
    manifest.update(extra)
    return build_bundle([
        Entry(f"files/{zip_dir}/renderer.js", f"{url_prefix}/renderer.js", "minified_source",
              RENDERER_JS, js_headers),
        Entry(f"files/{zip_dir}/renderer.js.map", f"{url_prefix}/renderer.js.map", "source_map",
              RENDERER_MAP, map_headers),
    ], **manifest)


def split_chunks(data: bytes, size: int) -> list[bytes]:
    return [data[i:i + size] for i in range(0, len(data), size)] or [b""]


class Api:
    """A requests session aimed at a test server, with the bearer token set."""

    def __init__(self, base_url: str, token: str | None = TOKEN) -> None:
        self.base = base_url
        self.session = requests.Session()
        if token is not None:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def url(self, path: str) -> str:
        return self.base + path.lstrip("/")

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return self.session.request(method, self.url(path), timeout=30, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("DELETE", path, **kwargs)

    def upload_chunks(self, chunks: list[bytes], *, field: str = "file_gzip",
                      names: list[str] | None = None) -> requests.Response:
        """POST the chunks as sentry-cli does: one part per chunk, filename = SHA-1."""
        parts = []
        for index, chunk in enumerate(chunks):
            name = names[index] if names else sha1(chunk)
            payload = gzip.compress(chunk) if field == "file_gzip" else chunk
            parts.append((field, (name, payload, "application/octet-stream")))
        return self.post(f"api/0/organizations/{ORG}/chunk-upload/", files=parts)

    def assemble(self, bundle: bytes, chunks: list[bytes] | None = None,
                 **fields: Any) -> requests.Response:
        """POST artifact-bundle assemble for ``bundle`` (chunks default: one chunk)."""
        body = {"checksum": sha1(bundle), "chunks": [sha1(c) for c in (chunks or [bundle])],
                "projects": [PROJECT], **fields}
        return self.post(f"api/0/organizations/{ORG}/artifactbundle/assemble/", json=body)

    def upload_bundle(self, bundle: bytes, chunk_size: int = 1 << 20, **fields: Any) -> requests.Response:
        """Upload all chunks, then assemble once (the v1 order)."""
        chunks = split_chunks(bundle, chunk_size)
        assert self.upload_chunks(chunks).status_code == 200
        return self.assemble(bundle, chunks, **fields)

    def legacy_upload(self, version: str, name: str, content: bytes, *, dist: str | None = None,
                      headers: list[str] = (), project: str | None = PROJECT,
                      content_type: str | None = None) -> requests.Response:
        """POST one release file (multipart ``file``, ``name``, ``dist``, ``header``)."""
        base = f"api/0/projects/{ORG}/{project}" if project else f"api/0/organizations/{ORG}"
        data: list[tuple[str, str]] = [("name", name)]
        if dist is not None:
            data.append(("dist", dist))
        data += [("header", header) for header in headers]
        file_part = (name.rsplit("/", 1)[-1], content) if content_type is None else (
            name.rsplit("/", 1)[-1], content, content_type)
        return self.post(f"{base}/releases/{version}/files/", data=data, files={"file": file_part})
