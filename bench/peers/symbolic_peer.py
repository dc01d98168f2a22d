#!/usr/bin/env python3
"""Sentry's ``symbolic`` (Rust ``sourcemap`` crate behind a Python FFI; 0-based)."""

from _pycli import main
from symbolic.sourcemap import SourceMapView


def load(path):
    with open(path, "rb") as fh:
        return SourceMapView.from_json_bytes(fh.read())


def lookup(view, line0, col0):
    tok = view.lookup(line0, col0)
    if tok is None:
        return None
    return tok.src, tok.src_line, tok.src_col, tok.name


if __name__ == "__main__":
    main("symbolic", load, lookup)
