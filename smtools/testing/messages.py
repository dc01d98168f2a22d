"""Requests and responses as the endpoint functions of the test server see them."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Bodies of the stock Sentry/DRF errors (sentry api/exceptions.py, DRF exceptions).
NOT_FOUND_DETAIL = "The requested resource does not exist"
PERMISSION_DENIED_DETAIL = "You do not have permission to perform this action."
INVALID_TOKEN_DETAIL = "Invalid token"
NOT_AUTHENTICATED_DETAIL = "Authentication credentials were not provided."


@dataclass
class ApiRequest:
    """One API request: ``path`` is percent-decoded (as Django matches URLs),
    ``headers`` have lowercase names, ``params`` are the URL pattern's fields
    (org, project, version, file_id), ``base_url`` is the server's URL as the
    client reached it (``https://proxy:8443/``), ending in ``/``.
    """

    method: str
    path: str
    query: dict[str, list[str]]
    headers: Mapping[str, str]
    body: bytes
    base_url: str
    params: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        """The body parsed as JSON.

        Raises:
            ValueError: the body is not UTF-8 JSON.
        """
        return json.loads(self.body.decode("utf-8"))

    def first(self, name: str) -> str | None:
        """The first value of a query parameter, else None."""
        values = self.query.get(name)
        return values[0] if values else None


@dataclass
class ApiResponse:
    """An answer, plus what the server wants recorded about the request."""

    status: int
    body: bytes = b""
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    chunk_bytes: int = 0
    chunk_ids: tuple[str, ...] = ()
    fault: str | None = None
    close: bool = False


def json_response(status: int, data: Any, headers: dict[str, str] | None = None) -> ApiResponse:
    """A JSON answer (compact, like Django REST framework's renderer)."""
    body = json.dumps(data, separators=(",", ":")).encode("utf-8")
    return ApiResponse(status, body, "application/json", dict(headers or {}))


def detail(status: int, message: str) -> ApiResponse:
    """Sentry's usual error body ``{"detail": message}``."""
    return json_response(status, {"detail": message})


def error(status: int, message: str) -> ApiResponse:
    """The ``{"error": message}`` body of the chunk and assemble endpoints."""
    return json_response(status, {"error": message})


def not_found() -> ApiResponse:
    """Sentry's ResourceDoesNotExist (unknown org, project, release, file)."""
    return detail(404, NOT_FOUND_DETAIL)
