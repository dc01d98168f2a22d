"""Shared argument handling for the Python peer adapters (stdlib only).

    ADAPTER MAP LINE COL            one lookup; LINE and COL 1-based (as in JS stack traces)
    ADAPTER --inproc SAMPLES MAP    load once, then time the lookups listed in SAMPLES

Both print one JSON object; positions in the output are 1-based line and column.
``load(path)`` returns a state, ``lookup(state, line0, col0)`` returns
``(source, line0, col0, name)`` or ``None`` -- adapters work 0-based.
"""

from __future__ import annotations

import json
import sys
import time


def _one(lookup, state, line1: int, col1: int) -> dict:
    try:
        r = lookup(state, line1 - 1, col1 - 1)
    except (IndexError, KeyError, LookupError):
        r = None
    if r is None or r[0] is None:
        return {"source": None, "line": None, "column": None, "name": None}
    source, line0, col0, name = r
    return {"source": source, "line": line0 + 1, "column": col0 + 1, "name": name}


def main(tool: str, load, lookup) -> None:
    argv = sys.argv[1:]
    if argv[:1] == ["--inproc"] and len(argv) == 3:
        with open(argv[1], encoding="utf-8") as fh:
            samples = json.load(fh)
        positions = samples["positions"]
        t0 = time.perf_counter()
        state = load(argv[2])
        first = _one(lookup, state, *samples["target"])
        t1 = time.perf_counter()
        results = [_one(lookup, state, line, col) for line, col in positions]
        t2 = time.perf_counter()
        out = {"tool": tool, "load_s": t1 - t0, "lookups_s": t2 - t1, "n": len(results),
               "first": first,
               "results": [[r["source"], r["line"], r["column"], r["name"]] for r in results]}
        print(json.dumps(out))
        return
    if len(argv) != 3:
        sys.exit(f"usage: {tool} MAP LINE COL   (1-based line and column)\n"
                 f"       {tool} --inproc SAMPLES.json MAP")
    state = load(argv[0])
    print(json.dumps({"tool": tool, **_one(lookup, state, int(argv[1]), int(argv[2]))}))
