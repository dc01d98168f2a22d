#!/usr/bin/env python3
"""In-process adapter for the project's own library (``smtools.sourcemap``).

Uses the public API ``smtools.sourcemap.load(path)`` and
``original_position_for(line0, col0)`` (0-based, like source maps).  The cold
measurement of smtools runs the real CLI instead (see bench_peers.py).
"""

from _pycli import main

from smtools.sourcemap import load


def lookup(smap, line0, col0):
    o = smap.original_position_for(line0, col0)
    if o is None or o.source is None:
        return None
    return o.source, o.line, o.column, o.name


if __name__ == "__main__":
    main("smtools-lib", load, lookup)
