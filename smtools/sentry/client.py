"""SentryClient: one method per endpoint, typed results, one-line errors.

Endpoints and their answers are described in ``shared/docs/sentry-api.md``; each method
cites its section. Errors never contain the auth token (every message is passed through
:meth:`Secret.redact` as a last line of defence; the token is only ever in a header).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urljoin, urlsplit

from smtools.errors import NotSentryError, PayloadTooLargeError, SentryAPIError, SentryAuthError
from smtools.sentry.models import AssembleResult, BundleFiles, ChunkOptions, ReleaseFile
from smtools.sentry.session import Transport

if TYPE_CHECKING:
    import requests

_SEGMENT_SAFE = "-._~!$&'()*,;=:@"
_PROXY_STATUSES = {413: "request body too large", 502: "bad gateway", 503: "service unavailable",
                   504: "gateway timeout"}


class SentryClient:
    """The Sentry HTTP API as smtools uses it.

    Args:
        transport: the retrying transport around the one session.
        base_url: ``https://host/`` (host root, as resolved by the settings).
        org: organization slug.
    """

    def __init__(self, transport: Transport, base_url: str, org: str) -> None:
        self.transport = transport
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.org = org
        self.warnings: list[str] = []

    def api_url(self, *segments: str) -> str:
        """``<base>/api/0/<seg>/<seg>/`` with each segment encoded (sentry-cli ``PathArg``)."""
        return self.base_url + "api/0/" + "".join(_segment(s) + "/" for s in segments)

    def chunk_upload_options(self) -> ChunkOptions | None:
        """§4.1 capability discovery; None when the server has no chunk upload (404)."""
        url = self.api_url("organizations", self.org, "chunk-upload")
        response = self._send("GET", url)
        # Servers without chunk upload answer 404 from Sentry's API catch-all (empty body);
        # a JSON 404 ("The requested resource does not exist") means the org is unknown.
        if response.status_code == 404 and not response.content:
            return None
        data = self._json(response, f"organization {self.org!r}")
        if not isinstance(data, dict) or "chunkSize" not in data:
            raise NotSentryError(f"{self.base_url} does not look like a sentry server: "
                                 f"GET {url} answered without chunk-upload options")
        return ChunkOptions.from_json(data, self._chunk_url(str(data.get("url") or ""), url))

    def upload_chunks(self, url: str, chunks: Sequence[tuple[str, bytes]], *,
                      compress: bool) -> None:
        """§4.3: one multipart POST, one part per chunk named by its SHA-1 (hex)."""
        field = "file_gzip" if compress else "file"
        files = [(field, (checksum, gzip.compress(data, mtime=0) if compress else data,
                          "application/octet-stream")) for checksum, data in chunks]
        self._check(self._send("POST", url, files=files), "chunk upload")

    def assemble_artifact_bundle(self, checksum: str, chunks: Sequence[str],
                                 projects: Sequence[str], version: str | None,
                                 dist: str | None) -> AssembleResult:
        """§4.5: ``POST /organizations/{org}/artifactbundle/assemble/``."""
        body: dict[str, Any] = {"checksum": checksum, "chunks": list(chunks),
                                "projects": list(projects)}
        if version:
            body["version"] = version
            if dist:
                body["dist"] = dist
        url = self.api_url("organizations", self.org, "artifactbundle", "assemble")
        return AssembleResult.from_json(self._json(self._send("POST", url, json=body),
                                                   f"organization {self.org!r}"))

    def assemble_release_bundle(self, version: str, checksum: str,
                                chunks: Sequence[str]) -> AssembleResult:
        """§4.5 release bundle: ``POST /organizations/{org}/releases/{v}/assemble/``."""
        url = self.api_url("organizations", self.org, "releases", version, "assemble")
        body = {"checksum": checksum, "chunks": list(chunks)}
        return AssembleResult.from_json(self._json(self._send("POST", url, json=body),
                                                   f"release {version!r}"))

    def create_release(self, version: str, projects: Sequence[str]) -> bool:
        """§2.1: create the release; True if created (201), False if it existed (208)."""
        url = self.api_url("organizations", self.org, "releases")
        response = self._send("POST", url, json={"version": version, "projects": list(projects)})
        self._json(response, f"organization {self.org!r} or project {', '.join(projects)!r}")
        return response.status_code == 201

    def finalize_release(self, version: str, projects: Sequence[str], date: str) -> None:
        """§2.2: set ``dateReleased`` (RFC 3339)."""
        url = self.api_url("organizations", self.org, "releases", version)
        response = self._send("PUT", url, json={"projects": list(projects), "dateReleased": date})
        self._json(response, f"release {version!r}")

    def list_release_files(self, version: str, project: str | None = None) -> list[ReleaseFile]:
        """§2.3: every artifact of a release, following ``Link: rel="next"`` pages."""
        prefix = ("projects", self.org, project) if project else ("organizations", self.org)
        url: str | None = self.api_url(*prefix, "releases", version, "files")
        files: list[ReleaseFile] = []
        while url:
            response = self._send("GET", url)
            data = self._json(response, f"release {version!r}")
            if not isinstance(data, list):
                raise NotSentryError(f"GET {url} did not answer with a list of files")
            files.extend(ReleaseFile.from_json(item) for item in data)
            url = _next_page(response)
        return files

    def list_artifact_bundle_files(self, project: str, bundle_id: str) -> BundleFiles | None:
        """Files of one artifact bundle (sentry ``ProjectArtifactBundleFilesEndpoint``).

        Returns None when the server has no such endpoint (404 with an empty body).
        """
        url: str | None = self.api_url("projects", self.org, project, "artifact-bundles",
                                       bundle_id, "files")
        listing: BundleFiles | None = None
        while url:
            response = self._send("GET", url)
            if response.status_code == 404 and not response.content:
                return None
            data = self._json(response, f"artifact bundle {bundle_id}")
            if not isinstance(data, dict) or not isinstance(data.get("files"), list):
                raise NotSentryError(f"GET {url} did not answer with artifact bundle files")
            page = BundleFiles.from_json(data)
            listing = page if listing is None else listing.extend(page)
            url = _next_page(response)
        return listing

    def upload_release_file(self, version: str, project: str, name: str, content: bytes, *,
                            dist: str | None, headers: Mapping[str, str],
                            content_type: str) -> ReleaseFile | None:
        """§3.1 legacy upload; None when the server already holds ``(dist, name)`` (409)."""
        url = self.api_url("projects", self.org, project, "releases", version, "files")
        data: list[tuple[str, str]] = [("name", name)]
        if dist:
            data.append(("dist", dist))
        data.extend(("header", f"{key}:{value}") for key, value in headers.items())
        basename = name.rstrip("/").rsplit("/", 1)[-1] or "file"
        response = self._send("POST", url, data=data,
                              files={"file": (basename, content, content_type)})
        if response.status_code == 409:
            return None
        result = self._json(response, f"release {version!r} of project {project!r}")
        return ReleaseFile.from_json(result) if isinstance(result, dict) else None

    def delete_release_file(self, version: str, project: str, file_id: str) -> None:
        """Remove one legacy artifact (sentry-cli 2.x deletes before overwriting)."""
        url = self.api_url("projects", self.org, project, "releases", version, "files", file_id)
        response = self._send("DELETE", url)
        if response.status_code != 404:
            self._check(response, f"file {file_id} of release {version!r}")

    # -- plumbing -------------------------------------------------------------------------

    def _send(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        return self.transport.request(method, url, **kwargs)

    def _chunk_url(self, announced: str, options_url: str) -> str:
        """Where chunks go. Relative URLs resolve against ``<base>/api/0/`` (sentry-api.md §4.1).

        An absolute URL on an unrelated host (self-hosted ``system.url-prefix`` left at
        ``http://localhost:9000``, §7.3) is rebased onto the configured base URL, so the
        token is never sent to a host the user did not name.
        """
        if not announced:
            return options_url
        if "://" not in announced:
            return urljoin(self.base_url + "api/0/", announced.lstrip("/"))
        base, given = urlsplit(self.base_url), urlsplit(announced)
        base_host, host = (base.hostname or "").lower(), (given.hostname or "").lower()
        if (host == base_host or host.endswith("." + base_host)) and given.scheme == base.scheme:
            return announced
        rebased = self.base_url.rstrip("/") + given.path
        self.warnings.append(f"the server announced chunk uploads at {given.scheme}://"
                             f"{given.netloc}{given.path}; using {rebased} instead "
                             "(check system.url-prefix on the server)")
        return rebased

    def _json(self, response: requests.Response, what: str) -> Any:
        self._check(response, what)
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise NotSentryError(self._redact(
                f"{_origin(response.url)} does not look like a sentry server: "
                f"{response.request.method} {response.url} answered {response.status_code} "
                f"with {_content_type(response)}")) from None

    def _check(self, response: requests.Response, what: str) -> None:
        if 200 <= response.status_code < 300:
            return
        raise self._error(response, what)

    def _error(self, response: requests.Response, what: str) -> SentryAPIError:
        status, url = response.status_code, response.url
        detail = _detail(response)
        if status == 401:
            message = (f"sentry rejected the auth token (401) for {url}: "
                       "check SENTRY_AUTH_TOKEN or --auth-token")
            return SentryAuthError(self._redact(message), status=status, url=url, detail=detail)
        if status == 403:
            message = (f"the auth token is not allowed to do this (403) at {url}: it needs the "
                       "project:releases (or org:ci) scope and access to the project")
            return SentryAuthError(self._redact(message), status=status, url=url, detail=detail)
        if status == 413:
            size = len(response.request.body or b"")
            message = (f"the server refused a request body of {size} bytes (413) at {url}: a proxy "
                       "limits the body size (nginx client_max_body_size, 1m by default); raise "
                       "it or pass a smaller --chunk-size, e.g. --chunk-size 512K")
            return PayloadTooLargeError(self._redact(message), status=status, url=url)
        if 300 <= status < 400:
            location = response.headers.get("Location", "?")
            message = (f"{url} redirected ({status}) to {location}: is the sentry url right? "
                       "(https:// vs http://, no path)")
            return NotSentryError(self._redact(message), status=status, url=url)
        if status == 404:
            if not _sentry_like(response):
                message = (f"{_origin(url)} does not look like a sentry server: "
                           f"{response.request.method} {url} answered 404 with "
                           f"{_content_type(response)}")
                return NotSentryError(self._redact(message), status=status, url=url)
            message = f"{what} not found (404) at {url}" + (f": {detail}" if detail else "")
            return SentryAPIError(self._redact(message), status=status, url=url, detail=detail)
        if status == 429:
            message = f"sentry rate-limited the upload (429) at {url}: wait and run again"
            return SentryAPIError(self._redact(message), status=status, url=url, detail=detail)
        reason = detail or _PROXY_STATUSES.get(status) or "unknown error"
        message = f"sentry reported an error for {what}: {reason} (http status {status}) at {url}"
        return SentryAPIError(self._redact(message), status=status, url=url, detail=detail)

    def _redact(self, text: str) -> str:
        token = self.transport.token
        return token.redact(text) if token is not None else text


def _segment(value: str) -> str:
    """sentry-cli ``PathArg``: ``/`` and the segments ``.``/``..`` become U+FFFD."""
    if value in {".", ".."}:
        value = "\ufffd"
    return quote(value.replace("/", "\ufffd"), safe=_SEGMENT_SAFE)


def _next_page(response: requests.Response) -> str | None:
    link = response.links.get("next")
    if link and link.get("results", "true") == "true" and link.get("url"):
        return str(link["url"])
    return None


def _detail(response: requests.Response) -> str | None:
    """``{"detail": ...}`` or ``{"error": ...}`` as one short line (sentry-api.md §7.1)."""
    if not _is_json(response):
        return None
    try:
        data = response.json()
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    value = data.get("detail", data.get("error"))
    if value is None and data:
        # Django REST framework field errors: {"projects": ["Invalid projects"]}.
        value = "; ".join(f"{key}: {' '.join(map(str, v)) if isinstance(v, list) else v}"
                          for key, v in data.items())
    if value is None:
        return None
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return " ".join(text.split())[:200]


def _sentry_like(response: requests.Response) -> bool:
    """A JSON or empty body: what Sentry's API (and its catch-all) sends, unlike an HTML page."""
    return _is_json(response) or not response.content


def _is_json(response: requests.Response) -> bool:
    return "json" in response.headers.get("Content-Type", "").lower()


def _content_type(response: requests.Response) -> str:
    return response.headers.get("Content-Type", "").split(";")[0].strip() or "no content type"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def chunk_batches(chunks: Iterable[tuple[str, bytes]], options: ChunkOptions
                  ) -> list[list[tuple[str, bytes]]]:
    """Consecutive batches of ≤ ``chunksPerRequest`` chunks and ≤ ``maxRequestSize`` bytes.

    A batch always holds at least one chunk (sentry-cli ``src/utils/chunks/mod.rs``).
    """
    batches: list[list[tuple[str, bytes]]] = []
    current: list[tuple[str, bytes]] = []
    size = 0
    for checksum, data in chunks:
        if current and (len(current) >= options.chunks_per_request
                        or size + len(data) > options.max_request_size):
            batches.append(current)
            current, size = [], 0
        current.append((checksum, data))
        size += len(data)
    if current:
        batches.append(current)
    return batches
