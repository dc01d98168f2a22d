"""``--fault`` specifications of ``smtools test-server``, turned into :class:`Faults`.

Grammar: ``KIND[:ARG[:ARG]][@ENDPOINT[,ENDPOINT...]]``

=====================================  ============================================
``burst:N[:STATUS[/STATUS...]]``       N responses with 5xx (default 503)
``rate-limit:N[:SECONDS|none]``        N responses 429, with Retry-After (default 1) or without
``reset:N[:BYTES]``                    N connections reset after BYTES of the body (default half)
``slow:SECONDS[:N]``                   delay responses (all, or the first N)
``lose-chunks:N``                      drop the first N chunks received
``max-body:SIZE``                      413 over SIZE bytes (``k``/``m`` suffixes, as nginx)
``assemble-pending:N``                 N extra ``assembling`` answers per assemble job
``assemble-error:DETAIL``              every assemble job fails with DETAIL
``scope-missing``                      403 on write endpoints
``lose-file:NAME``                     acknowledge artifact NAME but do not keep it (repeatable)
``alter-file:NAME``                    keep artifact NAME with one byte added (repeatable)
=====================================  ============================================

``@ENDPOINT`` aims burst, rate-limit, reset, slow and scope-missing at endpoints
(names in :mod:`smtools.testing.routes`), e.g. ``burst:3:502@chunk-upload``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

from smtools.errors import UsageError
from smtools.testing.faults import Faults, RateLimit, Reset, ScopeMissing, Slow, StatusBurst
from smtools.testing.routes import ENDPOINT_NAMES

_LIST_KINDS = {"burst": "status_burst", "rate-limit": "rate_limit", "reset": "reset", "slow": "slow"}
# Kinds whose argument is one artifact name (it may hold ':' and '@'), collected in a tuple.
_NAME_KINDS = {"lose-file": "lose_files", "alter-file": "alter_files"}


def parse_faults(specs: Iterable[str]) -> Faults:
    """Build one :class:`Faults` from several ``--fault`` values.

    Raises:
        UsageError: a value does not follow the grammar above.
    """
    fields: dict[str, Any] = {}
    for spec in specs:
        name, value = _parse_one(spec)
        if name in _LIST_KINDS.values() or name in _NAME_KINDS.values():
            fields[name] = (*fields.get(name, ()), value)
        else:
            fields[name] = value
    return dataclasses.replace(Faults(), **fields)


def _parse_one(spec: str) -> tuple[str, Any]:
    spec = spec.strip()
    kind = spec.split(":", 1)[0].split("@", 1)[0]
    if kind == "assemble-error":
        # The detail is free text (it may hold ':' and '@').
        detail = spec[len(kind) + 1:] if spec.startswith(kind + ":") else ""
        if not detail:
            raise UsageError(f"bad fault {spec!r}: assemble-error needs a detail message")
        return "assemble_error", detail
    if kind in _NAME_KINDS:
        name = spec[len(kind) + 1:] if spec.startswith(kind + ":") else ""
        if not name:
            raise UsageError(f"bad fault {spec!r}: {kind} needs an artifact name, e.g. {kind}:~/app.js")
        return _NAME_KINDS[kind], name
    builder = _BUILDERS.get(kind)
    if builder is None:
        raise UsageError(f"bad fault {spec!r}: unknown kind {kind!r} "
                         f"(expected one of {', '.join([*_BUILDERS, 'assemble-error', *_NAME_KINDS])})")
    body, at, names = spec.partition("@")
    endpoints = _endpoints(spec, names) if at else None
    rest = body.partition(":")[2]
    try:
        return builder(rest.split(":") if rest else [], endpoints)
    except (ValueError, IndexError):
        raise UsageError(f"bad fault {spec!r}: see `smtools test-server --help` for the syntax") from None


def _endpoints(spec: str, names: str) -> tuple[str, ...]:
    endpoints = tuple(name.strip() for name in names.split(",") if name.strip())
    unknown = [name for name in endpoints if name not in ENDPOINT_NAMES]
    if unknown or not endpoints:
        raise UsageError(f"bad fault {spec!r}: unknown endpoint {', '.join(unknown) or '(none)'} "
                         f"(expected one of {', '.join(ENDPOINT_NAMES)})")
    return endpoints


def _size(text: str) -> int:
    # nginx size syntax: plain bytes, or k/m/g suffixes (client_max_body_size 1m).
    units = {"k": 1024, "m": 1024 ** 2, "g": 1024 ** 3}
    text = text.strip().lower()
    multiplier = units.get(text[-1:], 1)
    return _count(text[:-1] if multiplier > 1 else text) * multiplier


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise ValueError(text)
    return value


def _burst(args: list[str], endpoints: tuple[str, ...] | None) -> tuple[str, Any]:
    statuses = tuple(int(s) for s in args[1].split("/")) if len(args) > 1 else (503,)
    if any(not 100 <= status <= 599 for status in statuses):
        raise ValueError(args[1])
    status: int | tuple[int, ...] = statuses[0] if len(statuses) == 1 else statuses
    return "status_burst", StatusBurst(count=_count(args[0]), status=status, endpoint=endpoints)


def _rate_limit(args: list[str], endpoints: tuple[str, ...] | None) -> tuple[str, Any]:
    retry_after = 1 if len(args) < 2 else None if args[1] == "none" else _count(args[1])
    return "rate_limit", RateLimit(count=_count(args[0]), retry_after=retry_after, endpoint=endpoints)


def _reset(args: list[str], endpoints: tuple[str, ...] | None) -> tuple[str, Any]:
    after = _size(args[1]) if len(args) > 1 else None
    return "reset", Reset(count=_count(args[0]) if args else 1, after_bytes=after, endpoint=endpoints)


def _slow(args: list[str], endpoints: tuple[str, ...] | None) -> tuple[str, Any]:
    delay = float(args[0])
    if delay < 0:
        raise ValueError(args[0])
    count = _count(args[1]) if len(args) > 1 else None
    return "slow", Slow(delay=delay, count=count, endpoint=endpoints)


def _plain(field: str, convert: Callable[[str], int]) -> Callable[..., tuple[str, Any]]:
    def build(args: list[str], endpoints: tuple[str, ...] | None) -> tuple[str, Any]:
        if endpoints is not None or len(args) != 1:
            raise ValueError(field)
        return field, convert(args[0])
    return build


def _scope(args: list[str], endpoints: tuple[str, ...] | None) -> tuple[str, Any]:
    if args:
        raise ValueError(args[0])
    return "scope_missing", ScopeMissing(endpoint=endpoints) if endpoints else True


_BUILDERS: dict[str, Callable[[list[str], tuple[str, ...] | None], tuple[str, Any]]] = {
    "burst": _burst, "rate-limit": _rate_limit, "reset": _reset, "slow": _slow,
    "lose-chunks": _plain("lose_chunks", _count), "max-body": _plain("max_body_bytes", _size),
    "assemble-pending": _plain("assemble_pending", _count), "scope-missing": _scope,
}
