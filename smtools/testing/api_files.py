"""Release-file endpoints (sentry-api.md §2.3, §3): list, upload, inspect, delete.

Behaviour follows sentry ``api/endpoints/project_release_files.py``
(``post_releasefile``, ``get_releasefiles``) and its details endpoint.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

from smtools.testing.api_releases import find_release
from smtools.testing.messages import ApiRequest, ApiResponse, detail, json_response, not_found
from smtools.testing.multipart import MultipartError, Part, boundary_of, parse_multipart
from smtools.testing.records import Release, ReleaseFile
from smtools.testing.state import ServerState

ERR_FILE_EXISTS = "A file matching this name already exists for the given release"
_SPECIAL_WHITESPACE = re.compile(r"[\n\t\r\f\v\\]")
MAX_PER_PAGE = 100


def file_list(state: ServerState, request: ApiRequest) -> ApiResponse:
    """``GET .../releases/{version}/files/``: ordered by name, cursor-paginated."""
    release = find_release(state, request)
    if release is None:
        return not_found()
    page = page_request(state, request)
    if isinstance(page, ApiResponse):
        return page
    per_page, number = page
    files = sorted(_files_of(state, release), key=lambda file: file.name)
    queries = [q.lower() for q in request.query.get("query", [])]
    if queries:
        files = [f for f in files if any(q in f.name.lower() for q in queries)]
    checksums = set(request.query.get("checksum", []))
    if checksums:
        files = [f for f in files if f.sha1 in checksums]
    chunk = files[number * per_page:(number + 1) * per_page]
    has_more = len(files) > (number + 1) * per_page
    link = link_header(state, request, per_page, number, has_more)
    return json_response(200, [file.to_api() for file in chunk], {"Link": link})


def file_upload(state: ServerState, request: ApiRequest) -> ApiResponse:
    """``POST .../releases/{version}/files/`` (multipart ``file``, ``name``, ``dist``, ``header``)."""
    release = find_release(state, request)
    if release is None:
        return not_found()
    parts = _form(request)
    if isinstance(parts, ApiResponse):
        return parts
    upload = next((p for p in parts if p.name == "file" and p.filename is not None), None)
    if upload is None:
        return detail(400, "Missing uploaded file")
    full_name = _field(parts, "name") if _field(parts, "name") is not None else upload.filename
    if not full_name or full_name == "file":
        return detail(400, "File name must be specified")
    if _SPECIAL_WHITESPACE.search(full_name.rsplit("/", 1)[-1]):
        return detail(400, "File name must not contain special whitespace characters")
    dist = _field(parts, "dist") or None
    headers = _headers(upload, [p.text for p in parts if p.name == "header"])
    if isinstance(headers, ApiResponse):
        return headers
    with state.lock:
        if _find(state, release, full_name, dist) is not None:
            return detail(409, ERR_FILE_EXISTS)
        file = ReleaseFile(id=state.new_id(), release=release.version, name=full_name, dist=dist,
                           headers=headers,
                           content=state.faults.stored_content(full_name, upload.data))
        if state.faults.keeps(full_name):
            state.release_files[file.id] = file
    return json_response(201, file.to_api())


def file_get(state: ServerState, request: ApiRequest) -> ApiResponse:
    """``GET .../files/{id}/``: metadata, or the content with ``?download=1``."""
    file = _file_of_path(state, request)
    if file is None:
        return not_found()
    if request.first("download") in ("1", "true"):
        disposition = f'attachment; filename="{file.name.rsplit("/", 1)[-1]}"'
        return ApiResponse(200, file.content, "application/octet-stream",
                           {"Content-Disposition": disposition})
    return json_response(200, file.to_api())


def file_delete(state: ServerState, request: ApiRequest) -> ApiResponse:
    """``DELETE .../files/{id}/``: 204."""
    file = _file_of_path(state, request)
    if file is None:
        return not_found()
    with state.lock:
        state.release_files.pop(file.id, None)
    return ApiResponse(204)


def _files_of(state: ServerState, release: Release) -> list[ReleaseFile]:
    with state.lock:
        return [file for file in state.release_files.values() if file.release == release.version]


def _find(state: ServerState, release: Release, name: str, dist: str | None) -> ReleaseFile | None:
    return next((f for f in _files_of(state, release) if f.name == name and f.dist == dist), None)


def _file_of_path(state: ServerState, request: ApiRequest) -> ReleaseFile | None:
    release = find_release(state, request)
    if release is None:
        return None
    with state.lock:
        file = state.release_files.get(request.params["file_id"])
    return file if file is not None and file.release == release.version else None


def _form(request: ApiRequest) -> list[Part] | ApiResponse:
    boundary = boundary_of(request.headers.get("content-type", ""))
    if boundary is None:
        return detail(400, "Missing uploaded file")
    try:
        return parse_multipart(request.body, boundary)
    except MultipartError as problem:
        return detail(400, f"Multipart form parse error - {problem}")


def _field(parts: list[Part], name: str) -> str | None:
    return next((p.text for p in parts if p.name == name and p.filename is None), None)


def _headers(upload: Part, values: list[str]) -> dict[str, str] | ApiResponse:
    # The part's content type is stored first, then each "key:value" as given
    # (key kept as is, value stripped), later ones winning.
    headers = {"Content-Type": (upload.content_type or "").strip()}
    for value in values:
        key, colon, rest = value.partition(":")
        if not colon:
            return detail(400, "header value was not formatted correctly")
        if _SPECIAL_WHITESPACE.search(rest):
            return detail(400, "header value must not contain special whitespace characters")
        headers[key] = rest.strip()
    return headers


def page_request(state: ServerState, request: ApiRequest) -> tuple[int, int] | ApiResponse:
    try:
        per_page = int(request.first("per_page") or state.config.page_size)
        _, page, _ = (int(x) for x in (request.first("cursor") or "0:0:0").split(":"))
    except ValueError:
        return detail(400, "Invalid cursor parameter.")
    if per_page > MAX_PER_PAGE:
        return detail(400, f"Invalid per_page value. Cannot exceed {MAX_PER_PAGE}.")
    if per_page < 1 or page < 0:
        return detail(400, "Invalid cursor parameter.")
    return per_page, page


def link_header(state: ServerState, request: ApiRequest, per_page: int, page: int,
                 has_more: bool) -> str:
    # sentry api/base.py build_cursor_link; cursors are "limit:page:is_prev" (ChainPaginator).
    query = [(k, v) for k, values in request.query.items() if k != "cursor" for v in values]
    base = (state.config.url_prefix or request.base_url).rstrip("/") + quote(request.path)
    uri = f"{base}?{urlencode(query)}" if query else f"{base}?"
    links = []
    for name, cursor, results in (("previous", f"{per_page}:{page - 1}:1", page > 0),
                                  ("next", f"{per_page}:{page + 1}:0", has_more)):
        links.append(f'<{uri}&cursor={cursor}>; rel="{name}"; '
                     f'results="{"true" if results else "false"}"; cursor="{cursor}"')
    return ", ".join(links)
