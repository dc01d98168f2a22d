"""The enclosing-function heuristic over original sources (hand-written sources and answers)."""

from __future__ import annotations

import pytest

from smtools.stack.naming import enclosing_function, utf16_to_index

SOURCE = """\
import { units } from './units'

export function computeDose (weightKg, mgPerKg) {
  if (weightKg <= 0) {
    throw new RangeError('weight must be positive')
  }
  return weightKg * mgPerKg
}

export const checkInteractions = (medications, current) => {
  medications.forEach((med) => {
    if (med.bad) {
      throw new TypeError('interaction')
    }
  })
}

const helpers = {
  async loadWard (id) {
    return fetchWard(id)
  },
  format: function (value) {
    return String(value)
  },
  parse: value => {
    return JSON.parse(value)
  }
}

class Ward {
  static open (name) { throw new Error(name) }
}

runAtTopLevel()
"""


@pytest.mark.parametrize("line, column, name", [
    (4, 4, "computeDose"),          # nested in an if block
    (6, 2, "computeDose"),
    (12, 6, "checkInteractions"),   # inside an anonymous callback: nearest named function
    (19, 4, "loadWard"),            # async method shorthand
    (22, 4, "format"),              # NAME: function
    (25, 4, "parse"),               # NAME: x =>
    (30, 23, "open"),               # one-line method, header left of the column
    (33, 0, None),                  # top-level code
    (0, 0, None),
    (99, 0, None),                  # past the end
])
def test_enclosing_function(line: int, column: int, name: str | None) -> None:
    assert enclosing_function(SOURCE, line, column) == name


def test_keywords_are_not_function_names() -> None:
    source = "function outer () {\n  for (const x of y) {\n    while (x) {\n      boom()\n    }\n  }\n}\n"
    assert enclosing_function(source, 3, 6) == "outer"


def test_vue_single_file_component() -> None:
    source = ("<template>\n  <div />\n</template>\n\n<script>\nexport default {\n  name: 'landing-page',\n"
              "  methods: {\n    open (link) {\n      this.$electron.shell.openExternal(link)\n"
              "    }\n  }\n}\n</script>\n")
    assert enclosing_function(source, 9, 6) == "open"


def test_utf16_columns() -> None:
    assert utf16_to_index("a😀b", 3) == 2
    assert utf16_to_index("abc", 10) == 3
