"""Release endpoints (sentry-api.md §2): create, list, inspect, finalize.

Both the organisation routes and the project routes sentry-cli 2.x used for a
single project are served; on a project route a release only exists if it
is associated with that project (404 otherwise).
"""

from __future__ import annotations

import re
from typing import Any

from smtools.testing.messages import ApiRequest, ApiResponse, json_response, not_found
from smtools.testing.records import Release
from smtools.testing.state import ServerState

# sentry models/release.py Release.is_valid_version / BAD_RELEASE_CHARS
_BAD_VERSION_CHARS = "\r\n\f\x0c\t/\\"
_DATE_FIELDS = {"dateReleased": "date_released", "dateStarted": "date_started"}
# django.utils.dateparse.datetime_re, which DRF's DateTimeField uses (ISO 8601).
_ISO_DATETIME = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}[T ]\d{1,2}:\d{1,2}(:\d{1,2}(\.\d+)?)?"
                           r"\s*(Z|[+-]\d{2}(:?\d{2})?)?$")
_DATE_ERROR = ("Datetime has wrong format. Use one of these formats instead: "
               "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].")


def release_new(state: ServerState, request: ApiRequest) -> ApiResponse:
    """``POST .../releases/``: 201 created, 208 when it existed with those projects."""
    data = _json_object(request)
    if isinstance(data, ApiResponse):
        return data
    problems = _validate(data, project_route="project" in request.params)
    if problems:
        return json_response(400, problems)
    projects = [request.params["project"]] if "project" in request.params else list(data["projects"])
    if any(project not in state.config.projects for project in projects):
        return json_response(400, {"projects": ["Invalid projects"]})
    with state.lock:
        release = state.releases.get(data["version"])
        if release is None:
            release = Release(version=data["version"], projects=list(dict.fromkeys(projects)),
                              url=data.get("url"), ref=data.get("ref"))
            _apply_dates(release, data)
            state.releases[release.version] = release
            return json_response(201, release.to_api())
        added = [project for project in projects if project not in release.projects]
        release.projects.extend(dict.fromkeys(added))
        return json_response(201 if added else 208, release.to_api())


def release_list(state: ServerState, request: ApiRequest) -> ApiResponse:
    """``GET .../releases/``: newest first."""
    with state.lock:
        releases = [release for release in state.releases.values() if _visible(release, request)]
    return json_response(200, [release.to_api() for release in reversed(releases)])


def release_get(state: ServerState, request: ApiRequest) -> ApiResponse:
    """``GET .../releases/{version}/``."""
    release = find_release(state, request)
    return json_response(200, release.to_api()) if release else not_found()


def release_update(state: ServerState, request: ApiRequest) -> ApiResponse:
    """``PUT .../releases/{version}/``: finalize (``dateReleased``), url, ref, projects."""
    release = find_release(state, request)
    if release is None:
        return not_found()
    data = _json_object(request)
    if isinstance(data, ApiResponse):
        return data
    problems = _date_problems(data)
    projects = data.get("projects", [])
    if not isinstance(projects, list) or any(p not in state.config.projects for p in projects):
        problems["projects"] = ["Invalid projects"]
    if problems:
        return json_response(400, problems)
    with state.lock:
        _apply_dates(release, data)
        release.url = data.get("url", release.url)
        release.ref = data.get("ref", release.ref)
        release.projects.extend(p for p in dict.fromkeys(projects) if p not in release.projects)
    return json_response(200, release.to_api())


def find_release(state: ServerState, request: ApiRequest) -> Release | None:
    """The release named in the path, if it exists (and belongs to the route's project)."""
    with state.lock:
        release = state.releases.get(request.params["version"])
    return release if release is not None and _visible(release, request) else None


def _visible(release: Release, request: ApiRequest) -> bool:
    project = request.params.get("project")
    return project is None or project in release.projects


def _json_object(request: ApiRequest) -> dict[str, Any] | ApiResponse:
    try:
        data = request.json() if request.body else {}
    except ValueError as problem:
        return json_response(400, {"detail": f"JSON parse error - {problem}"})
    if not isinstance(data, dict):
        return json_response(400, {"non_field_errors": ["Invalid data. Expected a dictionary."]})
    return data


def _validate(data: dict[str, Any], *, project_route: bool) -> dict[str, list[str]]:
    problems = _date_problems(data)
    version = data.get("version")
    if version is None:
        problems["version"] = ["This field is required."]
    elif not isinstance(version, str) or not _valid_version(version):
        problems["version"] = [f"Release with name {version} is not allowed"]
    if not project_route:
        projects = data.get("projects")
        if projects is None:
            problems["projects"] = ["This field is required."]
        elif not isinstance(projects, list) or not projects:
            problems["projects"] = ["Invalid projects"]
    return problems


def _valid_version(version: str) -> bool:
    return (bool(version.strip()) and version == version.strip() and len(version) <= 200
            and version not in (".", "..") and version.lower() != "latest"
            and not any(char in version for char in _BAD_VERSION_CHARS))


def _date_problems(data: dict[str, Any]) -> dict[str, list[str]]:
    return {key: [_DATE_ERROR] for key in _DATE_FIELDS
            if data.get(key) is not None and not _valid_date(data[key])}


def _valid_date(value: object) -> bool:
    return isinstance(value, str) and _ISO_DATETIME.match(value) is not None


def _apply_dates(release: Release, data: dict[str, Any]) -> None:
    for key, attribute in _DATE_FIELDS.items():
        if data.get(key) is not None:
            setattr(release, attribute, data[key])
