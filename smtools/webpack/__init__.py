"""`smtools check`: audit webpack configs statically and verify the emitted bundles and source maps.

    >>> from pathlib import Path
    >>> from smtools.webpack import check
    >>> report = check(Path("fixtures/electron-vue-sample/dist/electron"))   # doctest: +SKIP
    >>> report.failed(), [item.rule for item in report.findings]               # doctest: +SKIP

Findings carry 0-based lines and UTF-16 columns; :data:`RULES` documents every rule id.
"""

from __future__ import annotations

from smtools.webpack.check import CheckReport, check
from smtools.webpack.findings import RULES, Finding, Rule
from smtools.webpack.outputs import OutputOptions

__all__ = ["RULES", "CheckReport", "Finding", "OutputOptions", "Rule", "check"]
