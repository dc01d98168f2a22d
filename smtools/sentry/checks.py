"""Validation of the maps about to be uploaded, with the source-map core."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from smtools.errors import SmtoolsError, SourceMapError
from smtools.sentry.artifacts import SOURCE_MAP, Discovery, Problem


def check_maps(discovery: Discovery) -> list[Problem]:
    """One fatal :class:`Problem` per map (file or inline) that strict ECMA-426 validation rejects."""
    from smtools.sourcemap import decode_data_url

    problems: list[Problem] = []
    for artifact in discovery.artifacts:
        if artifact.type == SOURCE_MAP:
            _check(artifact.path, artifact.path.name, lambda a=artifact: a.content, problems)
    for bundle, url in discovery.inline_maps.items():
        _check(bundle, f"{bundle.name} (inline map)", lambda u=url: decode_data_url(u), problems)
    return problems


def _check(path: Path, name: str, read: Callable[[], bytes], problems: list[Problem]) -> None:
    from smtools.sourcemap import validate

    try:
        errors = [d for d in validate(read()) if d.is_error]
    except SmtoolsError as error:
        problems.append(Problem(path, f"{name}: {error}"))
        return
    if errors:
        more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
        problems.append(Problem(path, f"{name}: {errors[0].message}{more}"))


def refuse_fatal(problems: Sequence[Problem]) -> None:
    """Raise when any problem is fatal, naming each broken file once.

    Raises:
        SourceMapError: at least one map is broken or missing (exit code 3).
    """
    fatal = [p for p in problems if p.fatal]
    if not fatal:
        return
    listed = "; ".join(p.message for p in fatal[:3])
    more = f"; and {len(fatal) - 3} more" if len(fatal) > 3 else ""
    raise SourceMapError(f"refusing to upload {len(fatal)} broken source "
                         f"map{'s' if len(fatal) != 1 else ''} (pass --no-validate to upload "
                         f"anyway): {listed}{more}")
