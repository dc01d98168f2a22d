"""What a webpack ``devtool`` value does, per webpack major version (research notes §3).

webpack 3 and 4 (``WebpackOptionsApply``) look for substrings: a value that
contains ``sourcemap``/``source-map`` enables SourceMapDevToolPlugin (or the
eval variant) and ``hidden``/``inline``/``eval``/``cheap``/``module``/
``nosources`` switch its options, in any order; otherwise ``eval`` alone gives
``//# sourceURL`` modules; anything else (``''``, ``false``) gives no maps.
webpack 5 validates the value against a schema pattern and rejects the rest.
Production default when unset: ``false`` on webpack 3, 4 and 5.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from smtools.webpack.jsvalues import UNDEFINED, Const, Value

# webpack 5 schemas/WebpackOptions.json "RawDevTool" (5.113; -debugids/-scopes are recent additions).
_WEBPACK5 = re.compile(r"^(inline-|hidden-|eval-)?(nosources-)?(cheap-(module-)?)?source-map"
                       r"(-debugids)?(-scopes)?$")


@dataclass(frozen=True)
class Devtool:
    """The effect of one production devtool value."""

    value: str | bool | None   # the literal (None when unset)
    maps: bool                 # a source map is produced (file, inline or in eval)
    eval: bool
    cheap: bool
    inline: bool
    hidden: bool
    nosources: bool
    webpack5_valid: bool

    @property
    def writes_file(self) -> bool:
        """A separate ``.map`` file is written next to the bundle."""
        return self.maps and not self.eval and not self.inline

    @property
    def shown(self) -> str:
        """The value as a user wrote it, for messages ("unset" when absent)."""
        if self.value is None:
            return "unset (webpack's production default: false)"
        return repr(self.value) if isinstance(self.value, str) else str(self.value).lower()


def classify(value: Value) -> Devtool | None:
    """Classify a statically known devtool value; None when it is not a string/false/unset."""
    if value is UNDEFINED:
        return Devtool(None, False, False, False, False, False, False, True)
    if not isinstance(value, Const) or not isinstance(value.value, (str, bool)):
        return None
    literal = value.value
    if literal is False or literal is True or literal == "":
        # `true` is rejected by webpack's schema; it never produced maps.
        return Devtool(literal, False, False, False, False, False, False, literal is False)
    assert isinstance(literal, str)
    maps = "sourcemap" in literal or "source-map" in literal
    valid5 = literal == "eval" or bool(_WEBPACK5.match(literal))
    return Devtool(literal, maps, "eval" in literal, maps and "cheap" in literal,
                   maps and "inline" in literal, maps and "hidden" in literal,
                   maps and "nosources" in literal, valid5)


def webpack5_spelling(value: str) -> str:
    """The webpack 5 spelling of a webpack 3/4 devtool value (best effort, for fix hints)."""
    flags = value.lstrip("#@")
    parts = [word for word in ("inline", "hidden", "eval") if word in flags][:1]
    parts += [word for word in ("nosources",) if word in flags]
    if "cheap" in flags:
        parts.append("cheap-module" if "module" in flags else "cheap")
    return "-".join([*parts, "source-map"]) if ("source-map" in flags or "sourcemap" in flags) else "false"
