"""The artifact-bundle file listing: what ``smtools upload`` reads back to verify a bundle.

``GET /api/0/projects/{org}/{project}/artifact-bundles/{bundle_id}/files/``
answers as sentry ``ProjectArtifactBundleFilesEndpoint`` does: the bundle's
release/dist associations and its files ordered by path, cursor-paginated,
optionally filtered by ``query`` (a substring of the path, or of the debug id
with or without hyphens). A bundle not linked to the project is a 404.
"""

from __future__ import annotations

import base64
from typing import Any

from smtools.testing.api_files import link_header, page_request
from smtools.testing.messages import ApiRequest, ApiResponse, detail, json_response
from smtools.testing.records import Artifact, StoredBundle
from smtools.testing.state import ServerState

# sentry SourceFileType: files of any other type are listed as 0.
_FILE_TYPES = {"source": 1, "minified_source": 2, "source_map": 3, "indexed_ram_bundle": 4}


def bundle_files(state: ServerState, request: ApiRequest) -> ApiResponse:
    with state.lock:
        bundle = state.bundles.get(request.params["bundle_id"].lower())
    if bundle is None or request.params["project"] not in bundle.projects:
        return detail(404, "The artifact bundle does not exist")
    page = page_request(state, request)
    if isinstance(page, ApiResponse):
        return page
    per_page, number = page
    files = sorted(bundle.artifacts, key=lambda artifact: artifact.name)
    queries = [q.lower() for q in request.query.get("query", []) if q]
    if queries:
        files = [f for f in files if any(_matches(f, q) for q in queries)]
    chunk = files[number * per_page:(number + 1) * per_page]
    has_more = len(files) > (number + 1) * per_page
    paths = _zip_paths(bundle)
    body = {
        "bundleId": bundle.bundle_id,
        "associations": [{"release": bundle.release, "dist": bundle.dist}] if bundle.release else [],
        "date": bundle.date_added,
        "dateModified": None,
        "fileCount": len(bundle.artifacts),
        "files": [_file_json(artifact, paths) for artifact in chunk],
    }
    return json_response(200, body, {"Link": link_header(state, request, per_page, number, has_more)})


def _matches(artifact: Artifact, query: str) -> bool:
    # A debug id matches with or without its hyphens (the hyphenless test covers both).
    debug_id = (artifact.debug_id or "").lower().replace("-", "")
    return query in artifact.name.lower() or (bool(debug_id) and query.replace("-", "") in debug_id)


def _zip_paths(bundle: StoredBundle) -> dict[str, str]:
    """Artifact URL -> its path in the bundle's zip (what sentry's file id encodes)."""
    return {entry.get("url"): path for path, entry in (bundle.manifest.get("files") or {}).items()
            if isinstance(entry, dict)}


def _file_json(artifact: Artifact, paths: dict[str, str]) -> dict[str, Any]:
    path = paths.get(artifact.name, artifact.name)
    return {
        "id": base64.b64encode(path.encode()).decode("ascii"),
        "filePath": artifact.name,
        "fileSize": len(artifact.content),
        "fileType": _FILE_TYPES.get(artifact.type or "", 0),
        "debugId": artifact.debug_id,
        "sourcemap": artifact.headers.get("sourcemap"),
    }
