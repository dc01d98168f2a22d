"""Fault injection for the Sentry test server.

A :class:`Faults` value says which misbehaviours the server shows; the
server keeps its own counters (:class:`FaultState`), so one ``Faults`` value
can be reused for several servers. Request-level faults can be aimed at one
endpoint, one method or a path pattern with the :class:`Target` fields; the
endpoint names are listed in ``smtools.testing.routes.ENDPOINTS``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

# The statuses sentry-cli retries (sentry-cli src/constants.rs): what a
# proxy or an overloaded server sends during a burst.
RETRYABLE_STATUSES = (502, 503, 504, 507, 524)


@dataclass(frozen=True, kw_only=True)
class Target:
    """Which requests a fault applies to; every given field must match.

    ``endpoint`` is an endpoint name (``"chunk-upload"``) or a tuple of
    names, ``method`` an HTTP method, ``path`` a regular expression searched
    in the decoded request path. All None: every API request.
    """

    endpoint: str | tuple[str, ...] | None = None
    method: str | None = None
    path: str | None = None

    def matches(self, endpoint: str, method: str, path: str) -> bool:
        """Whether a request (endpoint name, method, decoded path) is aimed at."""
        if self.endpoint is not None:
            names = (self.endpoint,) if isinstance(self.endpoint, str) else self.endpoint
            if endpoint not in names:
                return False
        if self.method is not None and self.method.upper() != method:
            return False
        return self.path is None or re.search(self.path, path) is not None


@dataclass(frozen=True, kw_only=True)
class StatusBurst(Target):
    """The first ``count`` matching requests get ``status`` (cycled if a sequence).

    Answered like a proxy in front of Sentry would (an HTML error page),
    before authentication.
    """

    count: int = 3
    status: int | tuple[int, ...] = 503


@dataclass(frozen=True, kw_only=True)
class RateLimit(Target):
    """The first ``count`` matching requests get 429.

    Sentry's rate-limit middleware sends no ``Retry-After``, only the
    ``X-Sentry-Rate-Limit-*`` headers (sentry src/sentry/middleware/ratelimit.py);
    ``retry_after`` (whole seconds) adds the header, None leaves it out.
    """

    count: int = 2
    retry_after: int | None = 1


@dataclass(frozen=True, kw_only=True)
class Reset(Target):
    """The first ``count`` matching connections are reset (TCP RST) mid-request.

    The server reads the headers and ``after_bytes`` of the body (default:
    half of it) and then aborts the connection without answering.
    """

    count: int = 1
    after_bytes: int | None = None


@dataclass(frozen=True, kw_only=True)
class Slow(Target):
    """Delay matching responses by ``delay`` seconds (``count`` None: all of them)."""

    delay: float = 0.5
    count: int | None = None


@dataclass(frozen=True, kw_only=True)
class ScopeMissing(Target):
    """The token lacks the release scopes: matching write requests get 403."""


@dataclass(frozen=True, kw_only=True)
class Faults:
    """Everything that can go wrong on the test server (default: nothing).

    Attributes:
        status_burst: 5xx bursts (:class:`StatusBurst`, one or a sequence).
        rate_limit: 429 responses (:class:`RateLimit`, one or a sequence).
        reset: connections reset mid-request (:class:`Reset`, one or a sequence).
        slow: delayed responses (:class:`Slow`, one or a sequence).
        lose_chunks: the first N chunks received are answered 200 but not
            stored, so assemble lists them in ``missingChunks`` (servers
            without artifact_bundles_v2 end the job in ``error`` instead).
        max_body_bytes: a proxy body limit (nginx ``client_max_body_size``):
            bodies larger than this get 413 with nginx's HTML page.
        assemble_pending: after its first ``created`` answer, an assemble job
            answers ``assembling`` N more times before it finishes.
        assemble_error: every assemble job ends in state ``error`` with this detail.
        scope_missing: True (every write endpoint) or a :class:`ScopeMissing`
            target: those requests get 403.
        lose_files: artifact names (``~/app.js``) the server acknowledges,
            by any protocol, but does not keep: only verification can tell.
        alter_files: artifact names the server keeps with one byte added, as
            storage corruption would: only verification can tell.
    """

    status_burst: StatusBurst | Sequence[StatusBurst] | None = None
    rate_limit: RateLimit | Sequence[RateLimit] | None = None
    reset: Reset | Sequence[Reset] | None = None
    slow: Slow | Sequence[Slow] | None = None
    lose_chunks: int = 0
    max_body_bytes: int | None = None
    assemble_pending: int = 0
    assemble_error: str | None = None
    scope_missing: bool | ScopeMissing = False
    lose_files: tuple[str, ...] = ()
    alter_files: tuple[str, ...] = ()


def _as_list(value: Target | Sequence[Target] | None) -> list[Target]:
    if value is None:
        return []
    if isinstance(value, Target):
        return [value]
    return list(value)


@dataclass
class _Armed:
    rule: Target
    remaining: int | None  # None: unlimited
    fired: int = 0


@dataclass
class FaultState:
    """The counters of one server's faults (thread-safe)."""

    faults: Faults = field(default_factory=Faults)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._armed: dict[str, list[_Armed]] = {
            name: [_Armed(rule, getattr(rule, "count", None))
                   for rule in _as_list(getattr(self.faults, name))]
            for name in ("status_burst", "rate_limit", "reset", "slow")
        }
        self._chunks_to_lose = self.faults.lose_chunks

    def take(self, kind: str, endpoint: str, method: str, path: str) -> tuple[Target, int] | None:
        """Consume one use of the first armed fault of ``kind`` matching the request.

        Returns:
            The rule and how many times it has fired including this one (1-based), or None.
        """
        with self._lock:
            for armed in self._armed[kind]:
                if armed.remaining == 0 or not armed.rule.matches(endpoint, method, path):
                    continue
                if armed.remaining is not None:
                    armed.remaining -= 1
                armed.fired += 1
                return armed.rule, armed.fired
        return None

    def burst_status(self, endpoint: str, method: str, path: str) -> int | None:
        """The status a burst imposes on this request (cycling through a sequence), or None."""
        taken = self.take("status_burst", endpoint, method, path)
        if taken is None:
            return None
        burst, fired = taken
        assert isinstance(burst, StatusBurst)
        statuses = (burst.status,) if isinstance(burst.status, int) else burst.status
        return statuses[(fired - 1) % len(statuses)]

    def lose_chunk(self) -> bool:
        """Whether the next received chunk is to be dropped."""
        with self._lock:
            if self._chunks_to_lose <= 0:
                return False
            self._chunks_to_lose -= 1
            return True

    def keeps(self, name: str) -> bool:
        """Whether an acknowledged artifact is really stored."""
        return name not in self.faults.lose_files

    def stored_content(self, name: str, content: bytes) -> bytes:
        """What the server keeps of an artifact's bytes."""
        return content + b"\n" if name in self.faults.alter_files else content

    def scope_missing(self, endpoint: str, method: str, path: str) -> bool:
        """Whether the token lacks the scope for this (write) request."""
        rule = self.faults.scope_missing
        if rule is False or method not in ("POST", "PUT", "DELETE"):
            return False
        return rule is True or (isinstance(rule, ScopeMissing) and rule.matches(endpoint, method, path))
