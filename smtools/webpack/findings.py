"""Findings of `smtools check` and the table of rules that produce them.

Every finding names a rule by a stable kebab-case id. The ids, their default
severity, what they check, why it matters and the one-line fix are listed in
:data:`RULES` (what ``smtools check --list-rules`` prints). ``ref`` ties a rule
to the numbered rule of the project's webpack/devtool research notes (R1..R16,
pitfalls P1..P15) so that the evidence behind it can be found again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITIES = (ERROR, WARNING, INFO)


@dataclass(frozen=True)
class Rule:
    """One audit rule: stable id, default severity and its documentation."""

    id: str
    severity: str
    half: str        # "config" or "output"
    ref: str         # research note rule/pitfall number(s)
    what: str
    why: str
    fix: str


@dataclass(frozen=True)
class Finding:
    """One problem found by `smtools check`.

    ``line``/``column`` are 0-based (columns in UTF-16 code units) or None when
    the finding is about a whole file. ``message`` and ``fix`` are one line each;
    the message names the offending value.
    """

    rule: str
    severity: str
    file: Path | None
    line: int | None
    column: int | None
    message: str
    fix: str

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict (0-based positions, file as given)."""
        return {"rule": self.rule, "severity": self.severity,
                "file": None if self.file is None else str(self.file),
                "line": self.line, "column": self.column,
                "message": self.message, "fix": self.fix}


def finding(rule_id: str, message: str, *, file: Path | None = None, line: int | None = None,
            column: int | None = None, severity: str | None = None, fix: str | None = None) -> Finding:
    """Build a finding for a registered rule, defaulting severity and fix from the table.

    Raises:
        KeyError: ``rule_id`` is not in :data:`RULES` (a programming error).
    """
    rule = RULES[rule_id]
    return Finding(rule_id, severity or rule.severity, file, line, column, message, fix or rule.fix)


def _rules(*rules: Rule) -> dict[str, Rule]:
    return {rule.id: rule for rule in rules}


RULES: dict[str, Rule] = _rules(
    # -- config audit -------------------------------------------------------------------------
    Rule("config-not-analysable", ERROR, "config", "R15",
         "A webpack config (or package.json) cannot be parsed: syntax error, template placeholders, "
         "unsupported language.",
         "An error-tolerant parse of broken input gives a wrong answer; the audit refuses to guess.",
         "make the file valid JavaScript (node --check FILE) or check its settings by hand"),
    Rule("devtool-unknown", WARNING, "config", "R1",
         "The production `devtool` cannot be worked out statically (computed value, unknown spread, "
         "helper function).",
         "Rules that depend on the devtool are skipped for this config.",
         "write the production devtool as a literal string in the config"),
    Rule("no-production-maps", ERROR, "config", "R1/P1",
         "The production `devtool` writes no source map: unset (webpack default false), false, '' or a "
         "value without 'source-map'. Warning only for electron-vue's web config.",
         "Crash reports from the shipped app cannot be de-minified (the stock electron-vue state).",
         "set devtool: 'source-map' (or 'hidden-source-map' plus an upload step) for production"),
    Rule("eval-devtool", ERROR, "config", "R2/P2",
         "The production `devtool` contains 'eval'.",
         "eval devtools write no .map file; frames become webpack-internal:/// URLs Sentry cannot resolve.",
         "use devtool: 'source-map' or 'hidden-source-map' in production"),
    Rule("cheap-devtool-with-minifier", ERROR, "config", "R3/P3",
         "The production `devtool` contains 'cheap' while a minifier runs.",
         "Cheap maps have no columns; a minified bundle is one line, so every frame maps to the wrong place.",
         "use devtool: 'source-map' (columns) when minifying"),
    Rule("nosources-devtool", WARNING, "config", "R4/P9",
         "The production `devtool` contains 'nosources'.",
         "Maps without sourcesContent give file:line but no source context unless sources are uploaded.",
         "use 'source-map'/'hidden-source-map' unless hiding source code is intended"),
    Rule("inline-devtool", WARNING, "config", "R5/P11",
         "The production `devtool` contains 'inline'.",
         "The whole map (with source) is embedded in the shipped bundle; there is no .map file to upload.",
         "use 'hidden-source-map' and upload the maps instead of inlining them"),
    Rule("babel-minify-webpack-sources", ERROR, "config", "R6/P4",
         "babel-minify-webpack-plugin / babili-webpack-plugin with a column source-map devtool, and the "
         "webpack-sources copy that plugin resolves is 1.0.2-1.3.x (info when no lockfile or node_modules "
         "says which version).",
         "babel-minify-webpack-plugin#68: the build dies with 'original.line and original.column are not "
         "numbers'.",
         "pin webpack-sources 1.0.1 (npm overrides / yarn resolutions) or upgrade it to >=1.4, "
         "or replace babel-minify by terser"),
    Rule("minifier-maps-disabled", ERROR, "config", "R6",
         "A minifier plugin is constructed with sourceMap: false while the devtool wants maps.",
         "The minified output carries no map of its own, so the emitted map describes the minified code, "
         "not the sources.",
         "remove sourceMap: false from the minifier options"),
    Rule("devtool-rejected-by-webpack5", ERROR, "config", "R12",
         "On webpack 5 the devtool is '' or not of the form "
         "[inline-|hidden-|eval-][nosources-][cheap-[module-]]source-map (e.g. '#source-map', "
         "'cheap-module-eval-source-map').",
         "webpack 5 refuses the configuration ('configuration.devtool should match pattern').",
         "use false instead of '', drop the '#'/'@' prefix, write eval devtools as "
         "'eval-cheap-module-source-map'"),
    Rule("hidden-maps-not-uploaded", WARNING, "config", "R8/P5",
         "The production devtool is hidden-*source-map but no upload step (Sentry webpack plugin, "
         "sentry-cli or smtools upload in package.json scripts) is found.",
         "Hidden maps are only useful when uploaded; otherwise they are thrown away or shipped.",
         "add an upload step (smtools upload / sentry-cli sourcemaps upload) after the build"),
    Rule("maps-packed-into-app", WARNING, "config", "R7/P10",
         "Source maps are emitted into the packaged folder and electron-builder `files` has no "
         "exclusion such as '!**/*.map'.",
         "The maps, with your source code, ship inside app.asar.",
         "add \"!**/*.map\" to build.files in package.json (upload the maps instead)"),
    Rule("devtool-and-sourcemap-plugin", WARNING, "config", "R11",
         "The config sets `devtool` and also adds a SourceMapDevToolPlugin.",
         "webpack's docs: never use both; the maps are generated twice with different settings.",
         "use either devtool or SourceMapDevToolPlugin (with devtool: false)"),
    Rule("project-not-found", INFO, "config", "-",
         "No package.json or .electron-vue/ folder was found at PATH or up to 4 folders above it.",
         "Without the project the config audit cannot run; only the output is verified.",
         "run smtools check from the project root or its dist/electron folder"),
    Rule("config-not-found", INFO, "config", "-",
         "The project has no webpack config smtools knows where to find.",
         "Only .electron-vue/webpack.{main,renderer,web}.config.js and webpack.config.* at the root "
         "are read.",
         "nothing to do, or name the config webpack.config.js"),
    # -- output verification ------------------------------------------------------------------
    Rule("no-bundles", ERROR, "output", "-",
         "No JavaScript bundle was found in the dist folder.",
         "A release gate that checks nothing must not pass.",
         "run the production build first (npm run build)"),
    Rule("bundle-unreadable", WARNING, "output", "-",
         "A .js file in the dist folder cannot be read as text (binary, unreadable, not UTF-8).",
         "It cannot be a webpack bundle; it is skipped.",
         "remove it from the dist folder or give it its real extension"),
    Rule("bundle-without-map", ERROR, "output", "R9/P1/P2",
         "A bundle has no source map: no sourceMappingURL comment, no inline map and no sibling "
         "<bundle>.map (the way a browser or Sentry looks for one).",
         "Crash reports from this bundle cannot be de-minified.",
         "emit maps for production (devtool: 'source-map' or 'hidden-source-map')"),
    Rule("map-reference-broken", ERROR, "output", "R9/P6",
         "The bundle's sourceMappingURL points to a file that does not exist (or a data URL that "
         "cannot be decoded).",
         "Consumers follow the comment relative to the bundle and find nothing.",
         "emit the map next to the bundle (output.sourceMapFilename '[file].map') or fix append/publicPath"),
    Rule("map-invalid", ERROR, "output", "R10",
         "The map fails strict ECMA-426 validation (or is empty / not JSON). Validation warnings are "
         "reported with warning severity.",
         "Strict consumers reject the whole map; lenient ones may resolve frames wrongly.",
         "rebuild; if it persists, report it to the tool that wrote the map"),
    Rule("map-file-mismatch", WARNING, "output", "R10/P14",
         "The map's `file` field names another bundle.",
         "Usually a stale map from a previous build, or maps paired with the wrong bundle.",
         "clean the dist folder before building"),
    Rule("map-without-sources-content", WARNING, "output", "R10/P9",
         "The map has no sourcesContent for the project's sources.",
         "Sentry shows file:line without source context.",
         "use a devtool without 'nosources'"),
    Rule("map-foreign-sources", ERROR, "output", "R10",
         "None of the map's sources is one of the project's own files (only webpack runtime or "
         "node_modules).",
         "The map cannot describe your code; typical of cheap-module maps over minified output.",
         "use devtool: 'source-map'"),
    Rule("map-source-paths-absolute", INFO, "output", "R14",
         "The map's sources contain absolute build-machine paths.",
         "They leak the build machine's folder layout and do not match on other machines.",
         "keep the default moduleFilenameTemplate (webpack:///[resource-path])"),
    Rule("map-line-only", ERROR, "output", "R3/P3",
         "Every mapping of a minified bundle points to original column 0 (a line-only, 'cheap' map).",
         "Minified code is one long line; without columns frames resolve to the wrong place.",
         "use a devtool without 'cheap'"),
    Rule("map-mappings-out-of-range", ERROR, "output", "R10/P14",
         "Mappings point past the end of the bundle.",
         "The map belongs to another build of the bundle (stale map).",
         "clean the dist folder and rebuild bundle and map together"),
    Rule("map-names-mismatch", ERROR, "output", "R16",
         "Sampled name-bearing mappings do not find their name at the original position in "
         "sourcesContent (as sourcemap-validator checks) more often than the threshold allows.",
         "The map resolves frames to wrong places even though it is well-formed.",
         "use devtool: 'source-map'; check the minifier receives the input map"),
    Rule("throw-site-mismatch", ERROR, "output", "R16",
         "A documented throw site (throw-sites.json + captured trace) does not resolve to its "
         "documented original line.",
         "The end-to-end promise - a crash in the shipped bundle maps to the right line - is broken.",
         "use devtool: 'source-map'; rebuild and recapture the traces"),
    Rule("throw-sites-skipped", INFO, "output", "R16",
         "The project has no throw-sites.json (or no captured trace for a bundle), so the end-to-end "
         "throw-site check was skipped.",
         "Only projects that document their throw sites get this check.",
         "add throw-sites.json and traces/ to check known crash positions"),
    Rule("map-inline", WARNING, "output", "P11",
         "The bundle carries its map inline as a data: URL.",
         "The source ships inside the app and the bundle is several times larger.",
         "use 'hidden-source-map' and upload the maps"),
)
