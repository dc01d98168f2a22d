#!/usr/bin/env python3
"""Baseline: read the map and parse its JSON, nothing else.

    jsonload.py json|orjson MAP                 cold: parse once
    jsonload.py json|orjson --inproc SAMPLES MAP
"""

import json
import sys
import time


def main() -> None:
    argv = sys.argv[1:]
    if len(argv) < 2 or argv[0] not in ("json", "orjson"):
        sys.exit("usage: jsonload.py json|orjson MAP | jsonload.py json|orjson --inproc SAMPLES MAP")
    impl = argv[0]
    if impl == "orjson":
        import orjson
        loads = orjson.loads
    else:
        loads = json.loads
    path = argv[-1]
    t0 = time.perf_counter()
    with open(path, "rb") as fh:
        doc = loads(fh.read())
    t1 = time.perf_counter()
    out = {"tool": f"{impl}.loads", "keys": len(doc), "mappings_chars": len(doc.get("mappings", ""))}
    if argv[1] == "--inproc":
        out.update(load_s=t1 - t0, lookups_s=None, n=0, first=None, results=None)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
