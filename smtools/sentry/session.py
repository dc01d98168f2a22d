"""The one HTTP session, and the retry loop every request goes through.

Retry policy (a superset of sentry-cli's ``ApiRequest::send``, sentry-api.md §7.1/§7.2):

* statuses 502, 503, 504, 507, 524 and connection errors/timeouts: exponential backoff
  (1 s, ×1.5, at most 5 s, a little jitter), ``max_retries`` times;
* 429: wait ``Retry-After`` when present (seconds or an HTTP date), else
  ``X-Sentry-Rate-Limit-Reset``, else the backoff above (sentry-cli does not retry 429 at
  all; the server's CLI rate-limit group makes that fail uploads on SaaS);
* every request has a total time budget: a retry whose wait would end past it is not made,
  and the last response (or error) is returned to the caller.

Only idempotent requests are retried after the request may have reached the server. All
requests smtools sends are idempotent by design: chunks are content addressed (sending a
blob twice stores it once), assemble is keyed by the bundle checksum (a repeated call
returns the cached state), release creation answers 208 the second time, finalize is a
PUT, and a repeated legacy file POST answers 409, which the client treats as "already
there" and then checks by checksum. A request marked ``idempotent=False`` is retried only
when it certainly never left (connect errors) or the server refused it unprocessed (429).

A ``urllib3.Retry`` cannot do this: it does not know the total budget, cannot fall back to
``X-Sentry-Rate-Limit-Reset``, and counts read errors on POSTs differently.
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from smtools import __version__
from smtools.errors import NetworkError, TLSError
from smtools.sentry.settings import Settings
from smtools.sentry.token import Secret

if TYPE_CHECKING:
    import requests

RETRY_STATUSES = frozenset({502, 503, 504, 507, 524})
RATE_LIMITED = 429
CONNECT_TIMEOUT = 10.0


@dataclass(frozen=True)
class RetryPolicy:
    """When and how long to wait before sending a request again (seconds)."""

    max_retries: int = 5
    initial_delay: float = 1.0
    factor: float = 1.5
    max_delay: float = 5.0
    total: float = 120.0
    jitter: float = 0.1
    statuses: frozenset[int] = RETRY_STATUSES

    def backoff(self, attempt: int) -> float:
        """Delay before retry number ``attempt`` (0-based), before jitter."""
        return min(self.max_delay, self.initial_delay * self.factor ** attempt)


@dataclass
class TransferStats:
    """What went over the wire: every attempt counts."""

    requests: int = 0
    bytes_sent: int = 0
    retries: int = 0
    by_path: dict[str, int] = field(default_factory=dict)


def make_session(settings: Settings) -> requests.Session:
    """A ``requests.Session`` carrying User-Agent, auth, CA bundle, proxy and TLS mode.

    ``trust_env`` is off on purpose: the environment was already read once by
    :func:`~smtools.sentry.settings.resolve_settings`, and with it on requests would let
    ``REQUESTS_CA_BUNDLE`` override an explicit ``--ca-bundle`` and let ``~/.netrc``
    replace the bearer token.
    """
    import requests

    session = requests.Session()
    session.trust_env = False
    session.headers["User-Agent"] = f"smtools/{__version__}"
    session.headers["Accept"] = "application/json"
    if settings.auth_token is not None:
        session.headers["Authorization"] = f"Bearer {settings.auth_token.reveal()}"
    session.verify = str(settings.ca_bundle) if settings.ca_bundle else settings.verify_ssl
    if settings.proxy_url:
        session.proxies = {"http": settings.proxy_url, "https": settings.proxy_url}
    return session


class Transport:
    """Sends requests on one session with the retry policy; counts what was sent.

    Args:
        session: from :func:`make_session` (or a test double with a mounted adapter).
        timeout: read timeout in seconds (connect timeout: at most 10 s).
        policy: the retry policy.
        token: redacted from every error message.
        sleep/clock: injectable for tests.
    """

    def __init__(self, session: requests.Session, *, timeout: float = 60.0,
                 policy: RetryPolicy | None = None, token: Secret | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.session = session
        self.timeout = (min(CONNECT_TIMEOUT, timeout), timeout)
        self.policy = policy or RetryPolicy()
        self.token = token
        self.stats = TransferStats()
        self._sleep, self._clock = sleep, clock
        self._lock = threading.Lock()

    def request(self, method: str, url: str, *, idempotent: bool = True,
                **kwargs: Any) -> requests.Response:
        """Send with retries; returns the final response whatever its status.

        Raises:
            TLSError: the certificate could not be verified, or the TLS handshake failed.
            NetworkError: the server could not be reached after the retries.
        """
        import requests

        deadline = self._clock() + self.policy.total
        attempt = 0
        while True:
            try:
                response = self._send_once(method, url, **kwargs)
            except requests.exceptions.RequestException as error:
                if not self._retryable_error(error, idempotent) or \
                        not self._wait(self.policy.backoff(attempt), attempt, deadline):
                    raise self._translate(error, url) from None
            else:
                delay = self._retry_delay(response, attempt)
                if delay is None or not self._wait(delay, attempt, deadline):
                    return response
                response.close()
            attempt += 1

    def _send_once(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        import requests

        prepared = self.session.prepare_request(requests.Request(method, url, **kwargs))
        with self._lock:
            self.stats.requests += 1
            self.stats.bytes_sent += _body_size(prepared.body)
            path = urlsplit(url).path
            self.stats.by_path[path] = self.stats.by_path.get(path, 0) + 1
        settings = self.session.merge_environment_settings(prepared.url, {}, None, None, None)
        return self.session.send(prepared, timeout=self.timeout, allow_redirects=False,
                                 **settings)

    def _retry_delay(self, response: requests.Response, attempt: int) -> float | None:
        if response.status_code == RATE_LIMITED:
            return _rate_limit_delay(response.headers, time.time()) or self.policy.backoff(attempt)
        if response.status_code in self.policy.statuses:
            return self.policy.backoff(attempt)
        return None

    def _retryable_error(self, error: Exception, idempotent: bool) -> bool:
        import requests

        if isinstance(error, (requests.exceptions.SSLError, requests.exceptions.InvalidURL,
                              requests.exceptions.ProxyError, requests.exceptions.MissingSchema)):
            return False
        if isinstance(error, requests.exceptions.ConnectTimeout):
            return True
        if isinstance(error, (requests.exceptions.ConnectionError, requests.exceptions.Timeout,
                              requests.exceptions.ChunkedEncodingError)):
            return idempotent or _never_sent(error)
        return False

    def _wait(self, delay: float, attempt: int, deadline: float) -> bool:
        """Sleep before the next attempt; False when retries or the time budget are spent."""
        if attempt >= self.policy.max_retries:
            return False
        delay *= 1 + random.uniform(-self.policy.jitter, self.policy.jitter)
        if self._clock() + delay > deadline:
            return False
        with self._lock:
            self.stats.retries += 1
        self._sleep(delay)
        return True

    def _translate(self, error: Exception, url: str) -> NetworkError:
        import requests

        message = describe_request_error(error, url)
        if self.token is not None:
            message = self.token.redact(message)
        if isinstance(error, requests.exceptions.SSLError):
            return TLSError(message)
        return NetworkError(message)


def describe_request_error(error: Exception, url: str) -> str:
    """One line for a transport failure, naming the URL and the cause."""
    import requests

    origin = _origin(url)
    text = str(error)
    if isinstance(error, requests.exceptions.SSLError):
        if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text:
            reason = _match(r"certificate verify failed: ([^(')\"]+)", text) or "untrusted"
            return (f"TLS certificate of {origin} could not be verified ({reason.strip()}): "
                    "pass your CA with --ca-bundle PATH or SENTRY_CA_BUNDLE")
        reason = _match(r"\] ([^(')\"]+) \(_ssl", text) or "handshake failed"
        return (f"TLS handshake with {origin} failed ({reason.strip().lower()}): "
                "is that port serving https? use an http:// url for plain http")
    if isinstance(error, requests.exceptions.ProxyError):
        return f"cannot reach {origin} through the proxy ({_reason(text)})"
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return f"cannot reach {origin} (connection timed out)"
    if isinstance(error, requests.exceptions.Timeout):
        return f"{origin} did not answer in time ({urlsplit(url).path})"
    return f"cannot reach {origin} ({_reason(text)})"


_REASONS = (
    ("Connection refused", "connection refused"),
    ("Connection reset", "connection reset by the server"),
    ("RemoteDisconnected", "the server closed the connection without answering"),
    ("Name or service not known", "host not found"),
    ("nodename nor servname", "host not found"),
    ("getaddrinfo failed", "host not found"),
    ("Temporary failure in name resolution", "host not found"),
    ("Network is unreachable", "network is unreachable"),
    ("No route to host", "no route to host"),
    ("BrokenPipe", "connection closed while sending"),
    ("Broken pipe", "connection closed while sending"),
    ("IncompleteRead", "the answer was cut off"),
    ("InvalidChunkLength", "the answer was cut off"),
)


def _reason(text: str) -> str:
    for needle, reason in _REASONS:
        if needle in text:
            return reason
    return "connection failed"


def _never_sent(error: Exception) -> bool:
    text = str(error)
    return "Connection refused" in text or "NewConnectionError" in text


def _rate_limit_delay(headers: Any, now: float) -> float | None:
    """Seconds to wait from ``Retry-After`` or ``X-Sentry-Rate-Limit-Reset`` (epoch)."""
    retry_after = headers.get("Retry-After")
    if retry_after:
        value = retry_after.strip()
        if re.fullmatch(r"\d+(\.\d+)?", value):
            return float(value)
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - now)
        except (TypeError, ValueError):
            pass
    reset = headers.get("X-Sentry-Rate-Limit-Reset")
    if reset and re.fullmatch(r"\d+(\.\d+)?", reset.strip()):
        return max(0.0, float(reset) - now)
    return None


def _body_size(body: Any) -> int:
    if body is None:
        return 0
    if isinstance(body, (bytes, bytearray, str)):
        return len(body)
    return 0


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}/"


def _match(pattern: str, text: str) -> str | None:
    found = re.search(pattern, text)
    return found.group(1) if found else None
