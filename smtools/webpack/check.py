"""`smtools check`: the pre-release gate. Config audit + output verification, one report."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from smtools.webpack import packaging
from smtools.webpack.audit import TargetSummary, audit_project
from smtools.webpack.findings import ERROR, INFO, WARNING, Finding, finding
from smtools.webpack.outputs import BundleReport, OutputOptions, verify_outputs
from smtools.webpack.project import Project, find_project

_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}


@dataclass
class CheckReport:
    """Everything `smtools check` found. Positions in findings are 0-based."""

    project: Project
    findings: list[Finding] = field(default_factory=list)
    targets: list[TargetSummary] = field(default_factory=list)
    bundles: list[BundleReport] = field(default_factory=list)

    def count(self, severity: str) -> int:
        """Number of findings of one severity."""
        return sum(1 for item in self.findings if item.severity == severity)

    def failed(self, *, strict: bool = False) -> bool:
        """Errors fail the gate; with ``strict`` warnings do too."""
        return self.count(ERROR) > 0 or (strict and self.count(WARNING) > 0)

    def by_file(self) -> dict[Path | None, list[Finding]]:
        """Findings grouped by file (project-level findings under None), most severe first."""
        groups: dict[Path | None, list[Finding]] = {}
        for item in sorted(self.findings, key=_sort_key):
            groups.setdefault(item.file, []).append(item)
        return groups


def _sort_key(item: Finding) -> tuple[str, int, int, int]:
    return (str(item.file or ""), item.line if item.line is not None else -1, _ORDER[item.severity],
            item.column or 0)


def check(path: Path, options: OutputOptions | None = None) -> CheckReport:
    """Run the whole gate on a project root, its dist folder, or one bundle.

    Raises:
        InputError: PATH does not exist or is neither a file nor a folder.
    """
    project = find_project(path)
    report = CheckReport(project)
    config_findings, report.targets = audit_project(project)
    output_findings, report.bundles = verify_outputs(project, options or OutputOptions())
    report.findings = config_findings + output_findings + _packaging(project, report)
    return report


def _packaging(project: Project, report: CheckReport) -> list[Finding]:
    """R7: maps emitted into the packed folder, and electron-builder ``files`` does not keep them out."""
    if project.root is None:
        return []
    patterns = packaging.builder_files(project.package)
    if patterns is None:
        return []
    root = project.root
    maps = [bundle.map_path.resolve() for bundle in report.bundles if bundle.map_path is not None and
            bundle.map_kind in ("comment", "sibling") and bundle.map_path.is_file()]
    candidates = [path.relative_to(root).as_posix() for path in maps if path.is_relative_to(root)]
    if not maps and any(target.writes_maps for target in report.targets):
        # Not built yet: judge the configs by electron-vue's output folder.
        candidates = [f"dist/electron/{target.target}.js.map" for target in report.targets
                      if target.writes_maps and target.target in ("main", "renderer")]
    shipped = [path for path in candidates if packaging.packs(patterns, path)]
    if not shipped:
        return []
    manifest = root / "package.json"
    line = packaging.json_key_line(manifest, "files" if patterns else "build")
    rule = "files" if patterns else "build (no files list: the whole app folder is packed)"
    return [finding("maps-packed-into-app", f"{', '.join(shipped[:3])} would be packed into the app: "
                    f"electron-builder {rule} has no '!**/*.map' exclusion", file=manifest, line=line)]
