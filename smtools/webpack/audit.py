"""The config half of `smtools check`: production devtool rules over every webpack config found."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from smtools.errors import ConfigSyntaxError, WebpackConfigError
from smtools.webpack import packaging
from smtools.webpack.configs import BABEL_MINIFIERS, MINIFIERS, ConfigFacts, Plugin, read_config
from smtools.webpack.devtool import Devtool, classify, webpack5_spelling
from smtools.webpack.findings import ERROR, INFO, WARNING, Finding, finding
from smtools.webpack.jsvalues import UNDEFINED, Const, Unknown, describe
from smtools.webpack.project import Project, webpack_major
from smtools.webpack.versions import resolve, version_tuple

# babel-minify-webpack-plugin#68: webpack-sources 1.0.2 switched to source-map 0.6 (strict
# _validateMapping); 1.4.0 stopped calling SourceMapGenerator.fromSourceMap (research notes §2).
CRASHING_WEBPACK_SOURCES = ((1, 0, 2), (1, 4, 0))


@dataclass(frozen=True)
class TargetSummary:
    """What the audit worked out for one configuration (for the report)."""

    file: Path
    target: str
    devtool: str
    minifiers: tuple[str, ...]
    mode: str
    writes_maps: bool = False


@dataclass
class ProjectContext:
    """Facts shared by every config of a project."""

    project: Project
    webpack: int | None
    webpack_source: str
    build_mode: str | None
    upload: bool
    summaries: list[TargetSummary] = field(default_factory=list)


def audit_project(project: Project) -> tuple[list[Finding], list[TargetSummary]]:
    """Audit every webpack config of the project for production source maps.

    Returns:
        The findings (0-based positions) and one summary per configuration analysed.
    """
    if project.root is None:
        return [finding("project-not-found", f"no package.json or .electron-vue/ at or above {project.path}; "
                        "config audit skipped")], []
    findings: list[Finding] = []
    root = project.root
    if project.package_error:
        findings.append(finding("config-not-analysable", project.package_error, file=root / "package.json"))
    if not project.configs:
        findings.append(finding("config-not-found", f"no webpack config in {root.name}/.electron-vue or "
                                f"{root.name}/webpack.config.*"))
    major, source = webpack_major(project)
    context = ProjectContext(project, major, source, packaging.build_script_mode(root),
                             packaging.upload_step(project.package) is not None)
    all_facts: list[ConfigFacts] = []
    for path in project.configs:
        read = _read(path, root, findings)
        all_facts.extend(read)
    context.upload = context.upload or any(facts.has("sentry") for facts in all_facts)
    for facts in all_facts:
        findings.extend(_audit(facts, context))
    return findings, context.summaries


def _read(path: Path, root: Path, findings: list[Finding]) -> list[ConfigFacts]:
    if path.suffix == ".ts":
        findings.append(finding("config-not-analysable", f"{path.name} is TypeScript, which is not analysed",
                                file=path, severity=WARNING))
        return []
    try:
        result = read_config(path, root=root)
    except ConfigSyntaxError as error:
        findings.append(finding("config-not-analysable", str(error), file=path, line=error.line,
                                column=error.column))
        return []
    except WebpackConfigError as error:
        findings.append(finding("config-not-analysable", str(error), file=path))
        return []
    if isinstance(result, Unknown):
        findings.append(finding("devtool-unknown", f"the configuration exported by {path.name} cannot be "
                                f"worked out statically: {result.reason}", file=path))
        return []
    return result


def _audit(facts: ConfigFacts, context: ProjectContext) -> list[Finding]:
    devtool = classify(facts.devtool)
    mode = _mode(facts, context)
    minifiers = _minifiers(facts, mode, context.webpack)
    names = tuple(_names([plugin]) for plugin in minifiers)
    context.summaries.append(TargetSummary(facts.path, facts.target,
                                           devtool.shown if devtool else describe(facts.devtool), names,
                                           mode or "unknown", devtool is not None and devtool.writes_file))
    if devtool is None:
        reason = facts.devtool.reason if isinstance(facts.devtool, Unknown) else describe(facts.devtool)
        return [_at(facts, "devtool-unknown", f"production devtool of {facts.target} cannot be worked out "
                    f"statically: {reason}")]
    found = _devtool_rules(facts, devtool, minifiers, context)
    found += _plugin_rules(facts, devtool, minifiers, mode, context)
    if _is_electron_vue_web(facts):
        # electron-vue's web build is rarely shipped (research notes §7, R1): one level lower.
        found = [_lower(item) for item in found]
    return found


def _devtool_rules(facts: ConfigFacts, devtool: Devtool, minifiers: list[Plugin],
                   context: ProjectContext) -> list[Finding]:
    shown, target = devtool.shown, facts.target
    found: list[Finding] = []
    if context.webpack is not None and context.webpack >= 5 and not devtool.webpack5_valid:
        spelled = webpack5_spelling(str(devtool.value))
        found.append(_at(facts, "devtool-rejected-by-webpack5", f"devtool {shown} of {target} is rejected by "
                         f"webpack {context.webpack} (read from {context.webpack_source})",
                         fix=f"use devtool: {spelled if spelled == 'false' else repr(spelled)} instead"))
    if devtool.eval:
        found.append(_at(facts, "eval-devtool", f"production devtool of {target} is {shown}: no .map file, "
                         "frames are eval'd module URLs"))
    elif not devtool.maps and not facts.has("sourcemap-devtool"):
        found.append(_at(facts, "no-production-maps", f"production devtool of {target} is {shown}: "
                         "no source maps are written"))
    if devtool.cheap and minifiers:
        found.append(_at(facts, "cheap-devtool-with-minifier", f"production devtool {shown} of {target} is "
                         f"line-only while {_names(minifiers)} minifies to one line"))
    if devtool.nosources:
        found.append(_at(facts, "nosources-devtool", f"production devtool {shown} of {target} omits "
                         "sourcesContent"))
    if devtool.inline:
        found.append(_at(facts, "inline-devtool", f"production devtool {shown} of {target} embeds the map "
                         "(and the source) in the bundle"))
    if devtool.hidden and not context.upload:
        found.append(_at(facts, "hidden-maps-not-uploaded", f"production devtool {shown} of {target} hides "
                         "the maps but no upload step was found"))
    return found


def _plugin_rules(facts: ConfigFacts, devtool: Devtool, minifiers: list[Plugin], mode: str | None,
                  context: ProjectContext) -> list[Finding]:
    found: list[Finding] = []
    if devtool.maps:
        for plugin in facts.has("sourcemap-devtool"):
            found.append(_plugin_at(plugin, facts, "devtool-and-sourcemap-plugin",
                                    f"{facts.target} sets devtool {devtool.shown} and adds {plugin.text}"))
        for plugin in minifiers:
            if plugin.maps_disabled:
                found.append(_plugin_at(plugin, facts, "minifier-maps-disabled",
                                        f"{plugin.text} is constructed with sourceMap: false"))
    default_minimizer = any(plugin.kind == "webpack-default" for plugin in minifiers)
    crashing = devtool.maps and ((not devtool.cheap and not devtool.eval) or default_minimizer)
    for plugin in facts.has(*BABEL_MINIFIERS):
        if crashing and not plugin.maps_disabled:
            found.extend(_webpack_sources(plugin, facts, devtool, context))
    return found


def _webpack_sources(plugin: Plugin, facts: ConfigFacts, devtool: Devtool,
                     context: ProjectContext) -> list[Finding]:
    assert context.project.root is not None
    package = BABEL_MINIFIERS[plugin.kind]
    resolved = resolve(context.project.root, "webpack-sources", dependent=package)
    if resolved is None:
        return [_plugin_at(plugin, facts, "babel-minify-webpack-sources",
                           f"cannot tell which webpack-sources {package} resolves (no lockfile or "
                           f"node_modules entry); 1.0.2-1.3.x crash with devtool {devtool.shown}",
                           severity=INFO)]
    parsed = version_tuple(resolved.version)
    low, high = CRASHING_WEBPACK_SOURCES
    if parsed is None or not low <= parsed < high:
        return []
    return [_plugin_at(plugin, facts, "babel-minify-webpack-sources",
                       f"{package} resolves webpack-sources {resolved.version} ({resolved.source}) "
                       f"and devtool is {devtool.shown}: the build crashes (babel-minify-webpack-plugin#68)")]


def _mode(facts: ConfigFacts, context: ProjectContext) -> str | None:
    if context.build_mode and facts.path.parent.name == ".electron-vue":
        return context.build_mode    # build.js sets config.mode after loading the config
    if isinstance(facts.mode, Const) and isinstance(facts.mode.value, str):
        return facts.mode.value
    if facts.mode is UNDEFINED:
        # webpack 4/5 fall back to 'production' when mode is unset; a --mode flag wins.
        return packaging.cli_mode(context.project.package) or "production"
    return None


def _minifiers(facts: ConfigFacts, mode: str | None, webpack: int | None) -> list[Plugin]:
    """Minifier plugins, plus webpack >= 4's default minimizer when production mode turns it on."""
    explicit = facts.has(*MINIFIERS)
    minimize = facts.minimize
    default_on = minimize is UNDEFINED or isinstance(minimize, Unknown) or minimize == Const(True)
    replaced = facts.minimizer_set
    if webpack is not None and webpack >= 4 and mode == "production" and default_on and not replaced:
        default = Plugin("webpack-default", "webpack's default minimizer", None, None, False, False,
                         "optimization")
        explicit = [*explicit, default]
    return explicit


def _names(plugins: list[Plugin]) -> str:
    names = (plugin.package if plugin.package and plugin.kind != "other" else plugin.text
             for plugin in plugins)
    return ", ".join(dict.fromkeys(names))


def _is_electron_vue_web(facts: ConfigFacts) -> bool:
    return facts.path.parent.name == ".electron-vue" and facts.target == "web"


def _lower(item: Finding) -> Finding:
    if item.severity != ERROR:
        return item
    return Finding(item.rule, WARNING, item.file, item.line, item.column,
                   item.message + " (web build)", item.fix)


def _at(facts: ConfigFacts, rule: str, message: str, **extra: object) -> Finding:
    loc = facts.devtool_loc
    if loc is None:
        return finding(rule, message, file=facts.path, **extra)  # type: ignore[arg-type]
    return finding(rule, message, file=loc.file, line=loc.line, column=loc.column, **extra)  # type: ignore[arg-type]


def _plugin_at(plugin: Plugin, facts: ConfigFacts, rule: str, message: str, **extra: object) -> Finding:
    loc = plugin.loc
    if loc is None:
        return finding(rule, message, file=facts.path, **extra)  # type: ignore[arg-type]
    return finding(rule, message, file=loc.file, line=loc.line, column=loc.column, **extra)  # type: ignore[arg-type]
