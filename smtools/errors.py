"""The one exception tree of smtools, and the diagnostic record.

Library code raises these; only ``smtools.cli`` turns them into exit codes
(see ``smtools/cli/__init__.py``). Messages are short, lowercase, one line,
and name the offending value.
"""

from __future__ import annotations

from dataclasses import dataclass


class SmtoolsError(Exception):
    """Base of every error smtools raises on purpose."""


class UsageError(SmtoolsError):
    """A command-line value is malformed (bad position syntax, bad option)."""


class InputError(SmtoolsError):
    """An input file is missing, unreadable or not what it claims to be."""


class SourceMapError(InputError):
    """A source map cannot be used.

    ``code`` is a stable kebab-case identifier of the problem (the same
    vocabulary as :class:`Diagnostic` codes), ``path`` the JSON path involved.
    """

    def __init__(self, message: str, *, code: str = "invalid-source-map", path: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.path = path


class InvalidSourceMap(SourceMapError):
    """ECMA-426 says decoding throws: the whole map is rejected."""


class VlqError(InvalidSourceMap):
    """A base64 VLQ value is malformed or out of the 32-bit range."""


class MapNotFoundError(SourceMapError):
    """No source map could be found for a generated file."""


class PositionError(InputError):
    """A requested position lies outside the generated file."""


class StackTraceError(InputError):
    """A stack trace or crash report cannot be read."""


class WebpackConfigError(InputError):
    """A project or webpack configuration cannot be analysed."""


class ConfigSyntaxError(WebpackConfigError):
    """A JavaScript file does not parse cleanly; ``line``/``column`` (0-based) locate the first error."""

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


class ConfigError(SmtoolsError):
    """Settings are missing or contradictory (org, project, token, CA bundle)."""


class MissingCredentialError(ConfigError):
    """A required setting such as the auth token is not set anywhere."""


class SentryError(SmtoolsError):
    """Talking to a Sentry server failed."""


class NetworkError(SentryError):
    """The server could not be reached (DNS, refused, reset, timeout)."""


class TLSError(NetworkError):
    """The server's certificate could not be verified."""


class SentryAPIError(SentryError):
    """The server answered with an error status."""

    def __init__(self, message: str, *, status: int | None = None, url: str | None = None,
                 detail: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.url = url
        self.detail = detail


class SentryAuthError(SentryAPIError, ConfigError):
    """401/403: the token is wrong or lacks a scope (a configuration problem)."""


class NotSentryError(SentryAPIError):
    """The server answered, but not like a Sentry API (HTML page, redirect, wrong JSON)."""


class PayloadTooLargeError(SentryAPIError):
    """413: a proxy in front of Sentry limits the request body size."""


ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    """One finding about a source map.

    ``code`` is a stable kebab-case identifier, ``message`` one line naming the
    bad value, ``severity`` is ``"error"`` or ``"warning"``. ``path`` is the
    JSON path of the offending value (``"sources[2]"``, ``"mappings"``);
    ``line``/``column`` are the 0-based generated position (UTF-16 columns) for
    findings about one mapping, else None.
    """

    code: str
    message: str
    severity: str = ERROR
    path: str = ""
    line: int | None = None
    column: int | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def to_json(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message, "severity": self.severity,
                "path": self.path, "line": self.line, "column": self.column}
