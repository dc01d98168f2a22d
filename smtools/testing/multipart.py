"""A strict ``multipart/form-data`` reader (RFC 7578) for the test server.

Written out rather than taken from ``cgi`` (removed in Python 3.13) or
``email`` (which may rewrite line endings inside binary parts): chunk bytes
must arrive exactly as sent for their SHA-1 to be checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import Message
from email.utils import collapse_rfc2231_value


class MultipartError(ValueError):
    """The body is not well-formed multipart/form-data."""


@dataclass(frozen=True)
class Part:
    """One form field: ``filename`` is None for a plain (non-file) field."""

    name: str
    filename: str | None
    content_type: str | None
    data: bytes

    @property
    def text(self) -> str:
        """The data as UTF-8 text (form values)."""
        return self.data.decode("utf-8", errors="replace")


def boundary_of(content_type: str) -> str | None:
    """The boundary parameter of a ``multipart/form-data`` Content-Type, else None."""
    message = Message()
    message["content-type"] = content_type
    if message.get_content_type() != "multipart/form-data":
        return None
    boundary = message.get_param("boundary")
    return boundary if isinstance(boundary, str) and boundary else None


def parse_multipart(body: bytes, boundary: str) -> list[Part]:
    """Split a multipart body into its parts, in order.

    Raises:
        MultipartError: a delimiter, header block or Content-Disposition is missing.
    """
    delimiter = b"--" + boundary.encode("latin-1")
    start = body.find(delimiter)
    if start != 0 and (start < 0 or body[start - 2:start] != b"\r\n"):
        raise MultipartError("missing first boundary")
    position = start + len(delimiter)
    parts: list[Part] = []
    while True:
        if body[position:position + 2] == b"--":
            return parts
        if body[position:position + 2] != b"\r\n":
            raise MultipartError("malformed boundary line")
        end = body.find(b"\r\n" + delimiter, position)
        if end < 0:
            raise MultipartError("missing closing boundary")
        parts.append(_parse_part(body[position + 2:end]))
        position = end + 2 + len(delimiter)


def _parse_part(raw: bytes) -> Part:
    head, separator, data = raw.partition(b"\r\n\r\n")
    if not separator:
        if not raw.startswith(b"\r\n"):
            raise MultipartError("part without a header block")
        head, data = b"", raw[2:]
    headers = Message()
    for line in head.decode("utf-8", errors="replace").split("\r\n"):
        key, colon, value = line.partition(":")
        if not colon:
            raise MultipartError(f"bad part header line {line!r}")
        headers[key.strip()] = value.strip()
    if headers.get("content-disposition") is None:
        raise MultipartError("part without content-disposition")
    name = _param(headers, "name")
    if name is None:
        raise MultipartError("part without a name")
    return Part(name=name, filename=_param(headers, "filename"),
                content_type=headers.get("content-type"), data=data)


def _param(headers: Message, key: str) -> str | None:
    value = headers.get_param(key, header="content-disposition")
    if value is None or isinstance(value, str):
        return value
    return collapse_rfc2231_value(value)  # RFC 2231 form: filename*=UTF-8''...
