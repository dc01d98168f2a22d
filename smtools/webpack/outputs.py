"""The output half of `smtools check`: every bundle of the dist folder, its map, and whether it is right."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from smtools.errors import ERROR, InvalidSourceMap
from smtools.sourcemap import (
    IndexMap,
    MapLocation,
    SourceMap,
    SourceView,
    decode_data_url,
    load_validated,
    locate_map,
)
from smtools.webpack import mapcheck, throwsites
from smtools.webpack.findings import WARNING, Finding, finding
from smtools.webpack.project import Project

MAX_DIAGNOSTICS = 3     # validation diagnostics reported one by one per map; the rest are counted


@dataclass
class BundleReport:
    """What was verified for one bundle (for the report)."""

    path: Path
    map_kind: str = "none"             # comment, inline, sibling, none, unreadable
    map_path: Path | None = None
    names: mapcheck.NameCheck | None = None
    throw_results: list[throwsites.ThrowResult] = field(default_factory=list)


@dataclass(frozen=True)
class OutputOptions:
    """Tuning of the mapping checks."""

    sample: int = mapcheck.DEFAULT_SAMPLE
    threshold: float = mapcheck.DEFAULT_THRESHOLD


def verify_outputs(project: Project,
                   options: OutputOptions | None = None) -> tuple[list[Finding], list[BundleReport]]:
    """Verify every bundle found for the project (see :class:`~smtools.webpack.project.Project`).

    Returns:
        Findings (0-based positions) and one report per bundle.
    """
    if not project.bundles:
        return [finding("no-bundles", _no_bundles(project))], []
    options = options or OutputOptions()
    sites_dir, sites = throwsites.find_sites(project.root)
    findings: list[Finding] = []
    reports = []
    traced = 0
    for bundle in project.bundles:
        report = BundleReport(bundle)
        reports.append(report)
        source_map = _bundle(bundle, project, options, report, findings)
        if sites_dir is not None and project.root is not None:
            traces = throwsites.find_traces(sites_dir, project.root, bundle.name)
            traced += len(traces)
            if source_map is not None:
                report.throw_results = throwsites.check(sites, traces, source_map)
                findings.extend(_throw_findings(report, bundle))
    if not any(report.throw_results for report in reports):
        fix = "emit a source map for the traced bundles" if traced else None
        findings.append(finding("throw-sites-skipped", _skipped(sites_dir, traced), fix=fix))
    return findings, reports


def _skipped(sites_dir: Path | None, traced: int) -> str:
    if sites_dir is None:
        return "no throw-sites.json in the project; end-to-end throw-site check skipped"
    if traced:
        return f"{traced} captured trace(s) point into bundles without a usable map; throw sites not checked"
    return f"{sites_dir.name}/throw-sites.json has no captured trace for this build; throw sites not checked"


def _no_bundles(project: Project) -> str:
    if project.dist is None:
        return f"no dist/electron or dist folder in {project.path.name}"
    shown = project.dist.name
    if project.root is not None and project.dist.is_relative_to(project.root):
        shown = project.dist.relative_to(project.root).as_posix() or "."
    return f"no .js bundle in {shown}"


def _bundle(bundle: Path, project: Project, options: OutputOptions, report: BundleReport,
            findings: list[Finding]) -> SourceMap | None:
    text = _read_bundle(bundle, findings)
    if text is None:
        report.map_kind = "unreadable"
        return None
    location = locate_map(bundle, text)
    report.map_kind, report.map_path = location.kind, location.path
    data = _map_bytes(bundle, text, location, findings)
    if data is None:
        return None
    source_map = _decode(bundle, location, data, findings)
    if source_map is None:
        return None
    view = SourceView(text)
    findings.extend(_map_findings(bundle, source_map, view, project.root, location))
    report.names = mapcheck.name_check(source_map, sample=options.sample, bundle=bundle.name)
    findings.extend(_name_findings(bundle, report.names, options.threshold, location))
    return source_map


def _read_bundle(bundle: Path, findings: list[Finding]) -> str | None:
    try:
        data = bundle.read_bytes()
    except OSError as error:
        findings.append(finding("bundle-unreadable", f"cannot read {bundle.name}: {error.strerror}",
                                file=bundle))
        return None
    if b"\0" in data[:65536]:
        findings.append(finding("bundle-unreadable", f"{bundle.name} is a binary file", file=bundle))
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        findings.append(finding("bundle-unreadable", f"{bundle.name} is not utf-8 text "
                                f"(byte {error.start})", file=bundle))
        return None


def _map_bytes(bundle: Path, text: str, location: MapLocation, findings: list[Finding]) -> bytes | None:
    if location.kind == "none":
        eval_note = " (eval devtool output: the maps are inside eval() strings)" \
            if "//# sourceURL=webpack" in text else ""
        findings.append(finding("bundle-without-map", f"{bundle.name} has no source map: no "
                                f"sourceMappingURL comment and no {bundle.name}.map{eval_note}", file=bundle))
        return None
    if location.kind == "inline":
        findings.append(finding("map-inline", f"{bundle.name} carries its map inline as a data: URL "
                                f"({len(location.url or '')} characters)", file=bundle))
        try:
            return decode_data_url(location.url or "")
        except InvalidSourceMap as error:
            findings.append(finding("map-reference-broken", f"inline map of {bundle.name}: {error}",
                                    file=bundle))
            return None
    if location.path is None or not location.exists:
        note = f" ({location.note})" if location.note else ""
        findings.append(finding("map-reference-broken", f"{bundle.name} points to {location.url!r}, which "
                                f"does not exist{note}", file=bundle))
        return None
    try:
        return location.path.read_bytes()
    except OSError as error:
        findings.append(finding("map-reference-broken", f"cannot read {location.path.name}: {error.strerror}",
                                file=location.path))
        return None


def _decode(bundle: Path, location: MapLocation, data: bytes, findings: list[Finding]) -> SourceMap | None:
    where = location.path or bundle
    if not data.strip():
        findings.append(finding("map-invalid", f"{where.name} is empty ({len(data)} bytes)", file=where))
        return None
    decoded, diagnostics = load_validated(data)  # one decode for both
    errors = [item for item in diagnostics if item.severity == ERROR]
    for group, severity in ((errors, ERROR), ([d for d in diagnostics if d.severity != ERROR], WARNING)):
        for item in group[:MAX_DIAGNOSTICS]:
            findings.append(finding("map-invalid", f"{where.name}: {item.message} [{item.code}]",
                                    file=where, severity=severity))
        if len(group) > MAX_DIAGNOSTICS:
            findings.append(finding("map-invalid", f"{where.name}: {len(group) - MAX_DIAGNOSTICS} more "
                                    f"{severity}s of strict validation", file=where, severity=severity))
    if decoded is None:
        return None
    return decoded.flatten() if isinstance(decoded, IndexMap) else decoded


def _map_findings(bundle: Path, source_map: SourceMap, view: SourceView, root: Path | None,
                  location: MapLocation) -> list[Finding]:
    where = location.path or bundle
    found = []
    if source_map.file and Path(source_map.file.replace("\\", "/")).name != bundle.name:
        found.append(finding("map-file-mismatch", f"{where.name} says file {source_map.file!r}, "
                             f"not {bundle.name!r}", file=where))
    found.extend(_source_findings(bundle, source_map, root, where))
    past = mapcheck.out_of_range(source_map, view)
    if past is not None:
        found.append(finding("map-mappings-out-of-range", f"{where.name} maps {bundle.name}:{past[0] + 1}:"
                             f"{past[1] + 1}, past the end of the bundle", file=where))
    if mapcheck.line_only(source_map) and _minified(view):
        found.append(finding("map-line-only", f"{where.name}: every mapping points to original column 0 "
                             f"while {bundle.name} is minified (a cheap-* map)", file=where))
    return found


def _source_findings(bundle: Path, source_map: SourceMap, root: Path | None, where: Path) -> list[Finding]:
    paths = [(index, mapcheck.source_path(source)) for index, source in enumerate(source_map.sources)
             if source is not None]
    own = [(index, path) for index, path in paths if mapcheck.is_own_source(path, root)]
    found = []
    if not own:
        shown = ", ".join(repr(path) for _, path in paths[:3]) or "none"
        found.append(finding("map-foreign-sources", f"{where.name}: no source is a project file "
                             f"(sources: {shown})", file=where))
    contents = source_map.sources_content
    missing = [path for index, path in own if index >= len(contents) or not isinstance(contents[index], str)]
    if missing:
        found.append(finding("map-without-sources-content", f"{where.name}: no sourcesContent for "
                             f"{len(missing)} of {len(own)} project sources (e.g. {missing[0]})", file=where))
    absolute = [path for _, path in paths if mapcheck.is_absolute(path)]
    if absolute:
        found.append(finding("map-source-paths-absolute", f"{where.name}: {len(absolute)} sources are "
                             f"absolute paths (e.g. {absolute[0]})", file=where))
    return found


def _minified(view: SourceView) -> bool:
    # webpack bundles with a minifier are a handful of very long lines.
    return any(len(view.line(number) or "") > 1000 for number in range(min(view.line_count, 50)))


def _name_findings(bundle: Path, names: mapcheck.NameCheck, threshold: float,
                   location: MapLocation) -> list[Finding]:
    if names.checked == 0 or names.ratio <= threshold:
        return []
    where = location.path or bundle
    return [finding("map-names-mismatch", f"{where.name}: {names.mismatched} of {names.checked} sampled "
                    f"names are not at their original position ({names.ratio:.0%} > {threshold:.0%}), "
                    f"e.g. {names.example}", file=where)]


def _throw_findings(report: BundleReport, bundle: Path) -> list[Finding]:
    found = []
    for result in report.throw_results:
        if result.ok:
            continue
        site = result.site
        column = site.precision == "column"
        got = "nothing (unmapped)" if result.source is None else \
            f"{result.source}:{(result.line or 0) + 1}" + (f":{(result.column or 0) + 1}" if column else "")
        documented = f"{site.source}:{site.line + 1}" + (f":{site.column + 1}" if column else "")
        found.append(finding("throw-site-mismatch", f"throw site {site.id} ({result.trace.file.name}, "
                             f"{bundle.name}:{result.trace.line + 1}:{result.trace.column + 1}) resolves to "
                             f"{got}, documented {documented}", file=bundle))
    return found
