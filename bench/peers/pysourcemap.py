#!/usr/bin/env python3
"""PyPI ``sourcemap`` 0.2.1 (pure Python; 0-based line and column)."""

import sourcemap
from _pycli import main


def load(path):
    with open(path, encoding="utf-8") as fh:
        return sourcemap.load(fh)


def lookup(index, line0, col0):
    tok = index.lookup(line0, col0)
    return tok.src, tok.src_line, tok.src_col, tok.name


if __name__ == "__main__":
    main("pysourcemap", load, lookup)
