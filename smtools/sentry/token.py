"""The auth token: a masked wrapper and the org-token payload parser."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass

ORG_TOKEN_PREFIX = "sntrys_"
USER_TOKEN_PREFIX = "sntryu_"
MASK = "********"


class Secret:
    """A token whose ``str``/``repr`` never show it; :meth:`reveal` is the only way out."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The real value, for the ``Authorization`` header and for redaction only."""
        return self._value

    @property
    def masked(self) -> str:
        """The token kind and a mask, e.g. ``sntrys_********`` (no character of the secret)."""
        for prefix in (ORG_TOKEN_PREFIX, USER_TOKEN_PREFIX):
            if self._value.startswith(prefix):
                return prefix + MASK
        return MASK

    def redact(self, text: str) -> str:
        """``text`` with every occurrence of the token replaced by the mask."""
        return text.replace(self._value, self.masked) if self._value else text

    def __str__(self) -> str:
        return self.masked

    def __repr__(self) -> str:
        return f"Secret({self.masked!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class OrgTokenPayload:
    """What an org auth token says about where it belongs."""

    url: str | None
    org: str | None
    region_url: str | None = None


def parse_org_token(token: str) -> OrgTokenPayload | None:
    """Decode ``sntrys_<base64 JSON>_<secret>`` (sentry-cli ``src/utils/auth_token``).

    Returns:
        The payload, or None when ``token`` is not an org token or its payload cannot be
        decoded (sentry-cli then treats it as an opaque token too).
    """
    if not token.startswith(ORG_TOKEN_PREFIX):
        return None
    encoded, sep, _secret = token[len(ORG_TOKEN_PREFIX):].partition("_")
    if not sep:
        return None
    try:
        raw = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
        payload = json.loads(raw)
    except (binascii.Error, ValueError):
        return None
    if not isinstance(payload, dict):
        return None
    return OrgTokenPayload(url=_text(payload.get("url")), org=_text(payload.get("org")),
                           region_url=_text(payload.get("region_url")))


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None
