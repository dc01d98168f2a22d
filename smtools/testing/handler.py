"""The HTTP side of the Sentry test server: reading, faults, answering, recording.

Transport-level faults are applied here in the order a real deployment
shows them: a connection reset, then the proxy's body limit (413) and 5xx
burst, then the rate limiter (429), and only then the API itself.
"""

from __future__ import annotations

import json
import socket
import struct
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from smtools.testing import routes
from smtools.testing.faults import RateLimit, Reset, Slow
from smtools.testing.messages import ApiRequest, ApiResponse, json_response
from smtools.testing.state import ServerState

DUMP_PATH = "/_smtools/dump"
NGINX_VERSION = "nginx/1.22.1"
# What a rate-limited Sentry answers (sentry middleware/ratelimit.py).
RATE_LIMIT_DETAIL = ("You are attempting to use this endpoint too frequently. "
                     "Limit is 40 requests in 1 seconds")


class SentryHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server that holds the state and never prints."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], state: ServerState, url: str = "") -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.state = state
        self.public_url = url
        super().__init__(address, SentryRequestHandler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hanging up (on purpose, in fault tests) are not server bugs.
        import sys

        error = sys.exc_info()[1]
        if not isinstance(error, (ConnectionError, TimeoutError)):
            with self.state.lock:
                self.state.errors.append(traceback.format_exc())


def _html_page(status: int, reason: str) -> bytes:
    """The error page nginx sends for ``status`` (ngx_http_special_response.c)."""
    return (f"<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
            f"<center><h1>{status} {reason}</h1></center>\r\n<hr><center>{NGINX_VERSION}</center>\r\n"
            "</body>\r\n</html>\r\n").encode("ascii")


class SentryRequestHandler(BaseHTTPRequestHandler):
    """Serves one connection (HTTP/1.1 keep-alive, Content-Length or chunked bodies)."""

    protocol_version = "HTTP/1.1"
    server_version = "smtools-sentry-test-server"
    sys_version = ""
    timeout = 60
    # Headers and body go out in separate writes; with Nagle's algorithm the
    # body then waits for the client's delayed ACK (40 ms per request).
    disable_nagle_algorithm = True
    server: SentryHTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the library never prints; requests are recorded instead."""

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_GET

    def _handle(self) -> None:
        state = self.server.state
        split = urlsplit(self.path)
        path = unquote(split.path)
        if path.startswith("/_smtools/"):
            self._internal(path)
            return
        route = routes.resolve(self.command, path)
        taken = state.faults.take("reset", route.name, self.command, path)
        if taken is not None:
            assert isinstance(taken[0], Reset)
            self._reset(taken[0], path, split.query, route.name)
            return
        try:
            body = self._read_body()
        except ValueError:  # a Content-Length or chunk size that is not a number
            self.send_error(400, "Bad request framing")
            return
        request = ApiRequest(method=self.command, path=path, query=parse_qs(split.query),
                             headers={k.lower(): v for k, v in self.headers.items()},
                             body=body, base_url=self._base_url())
        request.params = route.params
        response = self._answer(state, request, route)
        delay = self._delay(state, route.name, path)
        if delay and response.fault is None:
            response.fault = "slow"
        # Recorded before answering: a client that got its answer finds it in the log.
        self._record(request, route.name, split.query, response)
        self._send(response, delay)

    def _answer(self, state: ServerState, request: ApiRequest, route: routes.Route) -> ApiResponse:
        faults = state.faults
        limit = faults.faults.max_body_bytes
        if limit is not None and len(request.body) > limit:
            return ApiResponse(413, _html_page(413, "Request Entity Too Large"), "text/html",
                               fault="max_body_bytes", close=True)
        status = faults.burst_status(route.name, request.method, request.path)
        if status is not None:
            reason = self.responses.get(status, ("Error",))[0] if status != 524 else "A Timeout Occurred"
            return ApiResponse(status, _html_page(status, reason), "text/html", fault="status_burst")
        limited = faults.take("rate_limit", route.name, request.method, request.path)
        if limited is not None:
            assert isinstance(limited[0], RateLimit)
            return _rate_limited(limited[0])
        try:
            return routes.serve(state, request, route)
        except Exception:  # a server bug becomes a 500 and is kept for the test to see
            with state.lock:
                state.errors.append(traceback.format_exc())
            return json_response(500, {"detail": "Internal Error", "errorId": "smtools-test-server"})

    def _delay(self, state: ServerState, endpoint: str, path: str) -> float:
        taken = state.faults.take("slow", endpoint, self.command, path)
        if taken is None:
            return 0.0
        assert isinstance(taken[0], Slow)
        return taken[0].delay

    def _base_url(self) -> str:
        host = self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])
        scheme = self.headers.get("X-Forwarded-Proto", "http").split(",")[0].strip() or "http"
        return f"{scheme}://{host}/"

    def _read_body(self, limit: int | None = None) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked(limit)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length if limit is None else min(length, limit))

    def _read_chunked(self, limit: int | None) -> bytes:
        data = bytearray()
        while limit is None or len(data) < limit:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                break
            data += self.rfile.read(size)
            self.rfile.readline()
        return bytes(data if limit is None else data[:limit])

    def _reset(self, rule: Reset, path: str, query: str, endpoint: str) -> None:
        chunked = "chunked" in self.headers.get("Transfer-Encoding", "").lower()
        declared = 0 if chunked else int(self.headers.get("Content-Length") or 0)
        wanted = rule.after_bytes if rule.after_bytes is not None else declared // 2
        body = self._read_body(limit=wanted if chunked else min(wanted, declared)) if wanted else b""
        self.server.state.record(method=self.command, path=path, query=query, endpoint=endpoint or None,
                                 status=None, body_bytes=len(body), headers=self._recorded_headers(),
                                 auth=self._auth_scheme(), fault="reset")
        # SO_LINGER with a zero timeout makes close() send RST instead of FIN;
        # the socket really closes once its last file object (rfile) is closed.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()
        self.rfile.close()

    def _send(self, response: ApiResponse, delay: float) -> None:
        if delay:
            time.sleep(delay)
        self.send_response(response.status)
        if response.content_type:
            self.send_header("Content-Type", response.content_type)
        for key, value in response.headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(response.body)))
        if response.close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(response.body)

    def _record(self, request: ApiRequest, endpoint: str, query: str, response: ApiResponse) -> None:
        try:
            body_json = json.loads(request.body) if request.body and "json" in request.headers.get(
                "content-type", "") else None
        except ValueError:
            body_json = None
        self.server.state.record(
            method=request.method, path=request.path, query=query, endpoint=endpoint or None,
            status=response.status, body_bytes=len(request.body), chunk_bytes=response.chunk_bytes,
            chunk_ids=response.chunk_ids, headers=self._recorded_headers(), auth=self._auth_scheme(),
            json=body_json, fault=response.fault)

    def _recorded_headers(self) -> dict[str, str]:
        return {k.lower(): v for k, v in self.headers.items() if k.lower() != "authorization"}

    def _auth_scheme(self) -> str | None:
        value = self.headers.get("Authorization")
        return value.split()[0] if value and value.split() else None

    def _internal(self, path: str) -> None:
        self._read_body()
        if path != DUMP_PATH or self.command != "GET":
            self._send(json_response(404, {"detail": "unknown test-server path"}), 0.0)
            return
        dump = self.server.state.dump(self.server.public_url)
        self._send(json_response(200, dump), 0.0)


def _rate_limited(rule: RateLimit) -> ApiResponse:
    headers = {"X-Sentry-Rate-Limit-Remaining": "0", "X-Sentry-Rate-Limit-Limit": "40",
               "X-Sentry-Rate-Limit-Reset": str(int(time.time()) + 1),
               "X-Sentry-Rate-Limit-ConcurrentRemaining": "24",
               "X-Sentry-Rate-Limit-ConcurrentLimit": "25"}
    if rule.retry_after is not None:
        headers["Retry-After"] = str(rule.retry_after)
    response = json_response(429, {"detail": RATE_LIMIT_DETAIL}, headers)
    response.fault = "rate_limit"
    return response
