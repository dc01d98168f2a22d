"""Parse JavaScript with tree-sitter and read positions, strings and errors off the tree.

tree-sitter is error-tolerant: on broken input it still returns a tree, with
ERROR/MISSING nodes where it recovered. The research notes (§6.1) show that
recovery on a raw Handlebars template swallowed the whole production block,
so a tree with errors is never analysed: :func:`parse_file` raises instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from smtools.errors import ConfigSyntaxError, WebpackConfigError
from smtools.webpack.jsvalues import Loc

# Configs are small; a multi-megabyte "config" is not one and is refused early.
MAX_CONFIG_BYTES = 2_000_000

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


@lru_cache(maxsize=1)
def _parser() -> Any:
    import tree_sitter
    import tree_sitter_javascript

    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_javascript.language()))


@dataclass(frozen=True)
class SourceFile:
    """A parsed JavaScript file: its path, bytes and tree-sitter root node."""

    path: Path
    data: bytes
    root: Any

    def text(self, node: Any) -> str:
        """The source text of a node."""
        return self.data[node.start_byte:node.end_byte].decode("utf-8", "replace")

    def loc(self, node: Any) -> Loc:
        """The 0-based line and UTF-16 column where a node starts."""
        row, byte_column = node.start_point
        line_start = node.start_byte - byte_column
        prefix = self.data[line_start:node.start_byte].decode("utf-8", "replace")
        return Loc(self.path, row, len(prefix.encode("utf-16-le")) // 2)


def parse_source(path: Path, data: bytes) -> SourceFile:
    """Parse JavaScript bytes.

    Raises:
        ConfigSyntaxError: the text does not parse cleanly (the message names the
            first error's 1-based line, as editors show it).
    """
    tree = _parser().parse(data)
    root = tree.root_node
    if root.has_error:
        node = first_error(root)
        if node is None:
            raise ConfigSyntaxError(f"syntax error in {path.name}")
        source = SourceFile(path, data, root)
        at_end = not node.children or data[node.end_byte:].strip() == b""
        if node.type == "ERROR" and at_end and not any(c.has_error for c in node.children):
            # Recovery gave up at the end of the file: the text is unfinished there.
            row, _ = node.end_point
            raise ConfigSyntaxError(f"syntax error at line {row + 1} of {path.name} (unexpected end of file)",
                                    line=row, column=None)
        loc = source.loc(node)
        raise ConfigSyntaxError(f"syntax error at line {loc.line + 1} of {path.name}",
                                line=loc.line, column=loc.column)
    return SourceFile(path, data, root)


def parse_file(path: Path) -> SourceFile:
    """Read and parse a JavaScript file.

    Raises:
        WebpackConfigError: unreadable, too large, not UTF-8 or not valid JavaScript.
    """
    try:
        size = path.stat().st_size
        if size > MAX_CONFIG_BYTES:
            raise WebpackConfigError(f"{path.name} is {size} bytes, too large for a webpack config")
        data = path.read_bytes()
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise WebpackConfigError(f"{path.name} is not utf-8 text") from error
    except OSError as error:
        raise WebpackConfigError(f"cannot read {path.name}: {error.strerror or error}") from error
    return parse_source(path, data)


def first_error(node: Any) -> Any | None:
    """The innermost first ERROR or MISSING node in document order, or None.

    Error recovery often wraps most of a file in one ERROR node; the innermost
    first one is where the text stops being JavaScript.
    """
    for child in node.children:
        if child.type == "ERROR" or child.is_missing or child.has_error:
            return first_error(child) or child
    return node if node.type == "ERROR" or node.is_missing else None


def children(node: Any) -> list[Any]:
    """Named children without comments."""
    return [child for child in node.named_children if child.type != "comment"]


def string_value(source: SourceFile, node: Any) -> str | None:
    """The value of a string literal or a template literal without substitutions, else None."""
    if node.type == "string":
        parts = []
        for child in node.named_children:
            raw = source.text(child)
            parts.append(_unescape(raw) if child.type == "escape_sequence" else raw)
        return "".join(parts)
    if node.type == "template_string":
        if any(child.type == "template_substitution" for child in node.named_children):
            return None
        return _unescape_all(source.text(node)[1:-1])
    return None


def _unescape(escape: str) -> str:
    body = escape[1:]
    if body[:1] in _ESCAPES and len(body) == 1:
        return _ESCAPES[body]
    if body[:1] == "u":
        digits = body[2:-1] if body.startswith("u{") else body[1:]
        return _chr(digits, escape)
    if body[:1] == "x":
        return _chr(body[1:], escape)
    if body[:1] in "\r\n":
        return ""             # line continuation
    return body


def _chr(digits: str, fallback: str) -> str:
    try:
        return chr(int(digits, 16))
    except ValueError:
        return fallback


def _unescape_all(text: str) -> str:
    out, index = [], 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            out.append(_unescape(text[index:index + 2]))
            index += 2
        else:
            out.append(char)
            index += 1
    return "".join(out)
