#!/usr/bin/env python3
"""Child process of bench_core.py: full decode and 10,000 lookups of one map.

    core_decode.py smtools|pysourcemap MAP SAMPLES.json

Prints one JSON object: decode_s (read + parse + decode every mapping),
lookups_s (10,000 lookups at mapped positions, the 1,000 corpus samples
ten times over), and answers for the first 1,000 (1-based). Peak memory is
taken by the parent from this process's rusage.
"""

from __future__ import annotations

import json
import sys
import time


def smtools_tool(path):
    from smtools.sourcemap import load

    source_map = load(path)
    _ = source_map.decoded  # every mapping decoded (the lazy decode forced)

    def lookup(line0, col0):
        found = source_map.original_position_for(line0, col0)
        return None if found is None else (found.source, found.line, found.column)
    return lookup


def pysourcemap_tool(path):
    import sourcemap

    with open(path, encoding="utf-8") as handle:
        index = sourcemap.load(handle)

    def lookup(line0, col0):
        try:
            token = index.lookup(line0, col0)
        except IndexError:
            return None
        return None if token.src is None else (token.src, token.src_line, token.src_col)
    return lookup


def main() -> None:
    tool, path, samples_path = sys.argv[1:4]
    with open(samples_path, encoding="utf-8") as handle:
        positions = [(line - 1, col - 1) for line, col in json.load(handle)["positions"]]
    start = time.perf_counter()
    lookup = {"smtools": smtools_tool, "pysourcemap": pysourcemap_tool}[tool](path)
    decoded = time.perf_counter()
    answers = [lookup(line, col) for line, col in positions]
    for _ in range(9):
        for line, col in positions:
            lookup(line, col)
    done = time.perf_counter()
    print(json.dumps({"decode_s": decoded - start, "lookups_s": done - decoded,
                      "lookups": len(positions) * 10,
                      "answers": [None if a is None else [a[0], a[1] + 1, a[2] + 1] for a in answers]}))


if __name__ == "__main__":
    main()
