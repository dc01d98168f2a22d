"""The enclosing-function heuristic over original sources (hand-written sources and answers)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smtools.stack import naming
from smtools.stack.naming import enclosing_function, split_lines, utf16_to_index

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


def _walk_every_line(source: str, line: int, column: int) -> str | None:
    """The heuristic as the module docstring states it, one line at a time (the oracle)."""
    lines = split_lines(source)
    if not 0 <= line < len(lines):
        return None
    text = lines[line]
    name = naming._last_header(text[:utf16_to_index(text, column)])
    if name is not None:
        return name
    limit = naming._indent(text) if text.strip() else len(text)
    for previous in range(line - 1, -1, -1):
        candidate = lines[previous]
        if not candidate.strip() or naming._indent(candidate) >= limit:
            continue
        limit = naming._indent(candidate)
        name = naming._last_header(candidate)
        if name is not None or limit == 0:
            return name
    return None


_LINE_BODIES = ["function f{n}() {", "g{n}(a) {", "x = 1;", "}", "", "   ", "h{n} = () => {",
                "if (a) {", "const k{n} = function () {", "\\t"]


@settings(max_examples=400)
@given(st.lists(st.tuples(st.integers(0, 6), st.sampled_from(_LINE_BODIES)), min_size=1, max_size=40),
       st.data())
def test_the_byte_searches_agree_with_walking_every_line(rows, data) -> None:
    source = "\n".join(" " * (2 * depth) + body.replace("{n}", str(i))
                       for i, (depth, body) in enumerate(rows))
    line = data.draw(st.integers(0, len(rows)))
    column = data.draw(st.integers(0, 30))
    assert enclosing_function(source, line, column) == _walk_every_line(source, line, column)


def test_indents_beyond_a_byte_fall_back_to_walking_every_line() -> None:
    source = "function outer () {\n" + " " * 300 + "x()\n" + " " * 260 + "y()\n" + " " * 280 + "z()"
    assert naming._outline(source) is None
    assert enclosing_function(source, 3, 290) == "outer" == _walk_every_line(source, 3, 290)


@settings(max_examples=300)
@given(st.text(alphabet="ab \t\n\r\u2028\u2029\u00a0\f", max_size=30))
def test_split_lines_splits_at_javascript_line_terminators_only(text: str) -> None:
    assert split_lines(text) == tuple(re.split(r"\r\n|[\n\r\u2028\u2029]", text))
