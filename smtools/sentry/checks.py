"""Validation of the maps about to be uploaded, with the source-map core."""

from __future__ import annotations

from collections.abc import Sequence

from smtools.errors import SmtoolsError, SourceMapError
from smtools.sentry.artifacts import SOURCE_MAP, Discovery, Problem


def check_maps(discovery: Discovery) -> list[Problem]:
    """One fatal :class:`Problem` per map that strict ECMA-426 validation rejects."""
    from smtools.sourcemap import validate

    problems: list[Problem] = []
    for artifact in discovery.artifacts:
        if artifact.type != SOURCE_MAP:
            continue
        try:
            errors = [d for d in validate(artifact.content) if d.is_error]
        except SmtoolsError as error:
            problems.append(Problem(artifact.path, f"{artifact.path.name}: {error}"))
            continue
        if errors:
            more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
            problems.append(Problem(artifact.path, f"{artifact.path.name}: "
                                    f"{errors[0].message}{more}"))
    return problems


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
