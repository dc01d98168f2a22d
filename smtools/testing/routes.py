"""URL routing, authentication and permissions of the Sentry test server.

Endpoint names (used by ``RecordedRequest.endpoint`` and fault targets):

=================  ==========================================================
auth               ``GET /api/0/``
release-new        ``POST /api/0/organizations/{org}/releases/`` (and projects/{org}/{project}/)
release-list       ``GET`` the same
release-get        ``GET .../releases/{version}/``
release-update     ``PUT .../releases/{version}/``
chunk-options      ``GET /api/0/organizations/{org}/chunk-upload/``
chunk-upload       ``POST`` the same
artifact-assemble  ``POST /api/0/organizations/{org}/artifactbundle/assemble/``
release-assemble   ``POST /api/0/organizations/{org}/releases/{version}/assemble/``
file-list          ``GET .../releases/{version}/files/`` (organization or project route)
file-upload        ``POST`` the same
file-get           ``GET .../releases/{version}/files/{id}/``
file-delete        ``DELETE`` the same
bundle-files       ``GET /api/0/projects/{org}/{project}/artifact-bundles/{bundle_id}/files/``
=================  ==========================================================

Order of checks, as Django REST framework applies them: authentication
(401), then the endpoint's existence in the server's mode (404, empty body,
as Sentry's catch-all answers), the organisation and project (404), the
token's scopes (403), then the endpoint itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from smtools.testing import api_bundles, api_chunks, api_files, api_releases
from smtools.testing.messages import (
    INVALID_TOKEN_DETAIL,
    NOT_AUTHENTICATED_DETAIL,
    PERMISSION_DENIED_DETAIL,
    ApiRequest,
    ApiResponse,
    detail,
    json_response,
    not_found,
)
from smtools.testing.state import ServerState

Handler = Callable[[ServerState, ApiRequest], ApiResponse]

_ORG = r"/api/0/organizations/(?P<org>[^/]+)"
_PROJECT = r"/api/0/projects/(?P<org>[^/]+)/(?P<project>[^/]+)"
_VERSION = r"/releases/(?P<version>[^/]+)"


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    handler: Handler | None  # None: answered here (auth)
    patterns: tuple[re.Pattern[str], ...]
    available: Callable[[ServerState], bool] = lambda state: True


def _patterns(*suffixes: str, project: bool = True) -> tuple[re.Pattern[str], ...]:
    prefixes = (_ORG, _PROJECT) if project else (_ORG,)
    return tuple(re.compile(f"^{prefix}{suffix}$") for suffix in suffixes for prefix in prefixes)


def _chunked(state: ServerState) -> bool:
    return state.config.has_chunk_upload


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("auth", "GET", None, (re.compile(r"^/api/0/$"),)),
    Endpoint("release-new", "POST", api_releases.release_new, _patterns("/releases/")),
    Endpoint("release-list", "GET", api_releases.release_list, _patterns("/releases/")),
    Endpoint("release-get", "GET", api_releases.release_get, _patterns(f"{_VERSION}/")),
    Endpoint("release-update", "PUT", api_releases.release_update, _patterns(f"{_VERSION}/")),
    Endpoint("chunk-options", "GET", api_chunks.chunk_options,
             _patterns("/chunk-upload/", project=False), _chunked),
    Endpoint("chunk-upload", "POST", api_chunks.chunk_upload,
             _patterns("/chunk-upload/", project=False), _chunked),
    Endpoint("artifact-assemble", "POST", api_chunks.artifact_assemble,
             _patterns("/artifactbundle/assemble/", project=False),
             lambda state: state.config.accepts("artifact_bundles")),
    Endpoint("release-assemble", "POST", api_chunks.release_assemble,
             _patterns(f"{_VERSION}/assemble/", project=False),
             lambda state: state.config.accepts("release_files")),
    Endpoint("file-list", "GET", api_files.file_list, _patterns(f"{_VERSION}/files/")),
    Endpoint("file-upload", "POST", api_files.file_upload, _patterns(f"{_VERSION}/files/")),
    Endpoint("file-get", "GET", api_files.file_get,
             _patterns(f"{_VERSION}/files/(?P<file_id>[^/]+)/")),
    Endpoint("file-delete", "DELETE", api_files.file_delete,
             _patterns(f"{_VERSION}/files/(?P<file_id>[^/]+)/")),
    Endpoint("bundle-files", "GET", api_bundles.bundle_files,
             (re.compile(f"^{_PROJECT}/artifact-bundles/(?P<bundle_id>[^/]+)/files/$"),),
             lambda state: state.config.accepts("artifact_bundles")),
)
ENDPOINT_NAMES = tuple(dict.fromkeys(endpoint.name for endpoint in ENDPOINTS))


@dataclass(frozen=True)
class Route:
    """A resolved request: the endpoint (None if no pattern matched) and URL fields."""

    endpoint: Endpoint | None
    params: dict[str, str]
    allowed: tuple[str, ...] = ()  # methods of a path matched with the wrong method

    @property
    def name(self) -> str:
        return self.endpoint.name if self.endpoint else ""


def resolve(method: str, path: str) -> Route:
    """Find the endpoint for a decoded path."""
    allowed: list[str] = []
    for endpoint in ENDPOINTS:
        for pattern in endpoint.patterns:
            match = pattern.match(path)
            if match is None:
                continue
            if endpoint.method == method:
                return Route(endpoint, {k: v for k, v in match.groupdict().items() if v is not None})
            allowed.append(endpoint.method)
    return Route(None, {}, tuple(allowed))


def serve(state: ServerState, request: ApiRequest, route: Route) -> ApiResponse:
    """Authenticate, authorise and run the endpoint of a resolved request."""
    authenticated = _authenticate(state, request)
    if isinstance(authenticated, ApiResponse):
        return authenticated
    endpoint = route.endpoint
    if endpoint is not None and endpoint.name == "auth":
        return _auth_info(state, authenticated)
    if not authenticated:
        return detail(401, NOT_AUTHENTICATED_DETAIL)
    if endpoint is None or not endpoint.available(state):
        if route.allowed and endpoint is None:
            return detail(405, f'Method "{request.method}" not allowed.')
        return ApiResponse(404)
    if route.params.get("org") != state.config.org:
        return not_found()
    if "project" in route.params and route.params["project"] not in state.config.projects:
        return not_found()
    if state.faults.scope_missing(endpoint.name, request.method, request.path):
        response = detail(403, PERMISSION_DENIED_DETAIL)
        response.fault = "scope_missing"
        return response
    assert endpoint.handler is not None
    return endpoint.handler(state, request)


def _authenticate(state: ServerState, request: ApiRequest) -> bool | ApiResponse:
    """True for the right bearer token, False for none, a 401 answer otherwise."""
    header = request.headers.get("authorization")
    if header is None:
        return False
    words = header.split()
    scheme = words[0].lower() if words else ""
    if scheme == "basic":
        # Legacy API keys (removed in sentry-cli 3.0); this server has none.
        return detail(401, "API key is not valid")
    if scheme != "bearer":
        return False  # no authenticator claims it: the request is anonymous
    if len(words) == 1:
        return detail(401, "Invalid token header. No credentials provided.")
    if len(words) > 2:
        return detail(401, "Invalid token header. Token string should not contain spaces.")
    return True if words[1] == state.config.token else detail(401, INVALID_TOKEN_DETAIL)


def _auth_info(state: ServerState, authenticated: bool) -> ApiResponse:
    # sentry api/endpoints/index.py: anonymous callers get auth and user null.
    if not authenticated:
        return json_response(200, {"version": "0", "auth": None, "user": None})
    user = {"id": "1", "name": "smtools test user", "username": "smtools",
            "email": "test@smtools.invalid", "isActive": True}
    return json_response(200, {"version": "0", "auth": {"scopes": list(state.scopes())}, "user": user})
