"""The rule table: stable ids, documented, and each rule exercised somewhere in the tests."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from smtools.webpack.findings import RULES, SEVERITIES, finding

TESTS = Path(__file__).resolve().parents[1]


def test_rules_are_documented() -> None:
    for rule_id, rule in RULES.items():
        assert rule.id == rule_id
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule_id)
        assert rule.severity in SEVERITIES
        assert rule.half in ("config", "output")
        assert rule.what and rule.why and rule.fix
        assert "\n" not in rule.fix


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_every_rule_is_exercised_by_a_test(rule_id: str) -> None:
    sources = [
        path.read_text(encoding="utf-8")
        for path in [*TESTS.glob("webpack/test_*.py"), TESTS / "cli" / "test_check.py"]
        if path.name != "test_findings.py"
    ]
    assert any(f'"{rule_id}"' in text for text in sources)


def test_finding_defaults_come_from_the_table() -> None:
    item = finding("eval-devtool", "production devtool of main is 'eval'")
    assert (item.severity, item.fix, item.line) == ("error", RULES["eval-devtool"].fix, None)
    assert finding("eval-devtool", "x", severity="warning", fix="y").severity == "warning"
    with pytest.raises(KeyError):
        finding("no-such-rule", "x")
