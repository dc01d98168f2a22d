#!/usr/bin/env python3
"""The source-map core against PyPI ``sourcemap`` 0.2.1, on maps of 10 MB and more.

    python bench/bench_core.py [--repeat 3] [--case esbuild-small]

For each corpus case (built by ``bench/corpus.py``, which this script runs
first if needed) and for smtools (as installed: C extension when built),
smtools in pure Python (``SMTOOLS_PURE_PYTHON=1``) and ``sourcemap`` 0.2.1:

* full decode: read, parse and decode every mapping, in a fresh process;
* cold resolve: ``smtools resolve MAP:LINE:COL`` (one lookup near the end of
  the map) as a whole fresh process, and the same for ``sourcemap``;
* 10,000 lookups in one process, after the decode, per lookup;
* peak memory (RSS) of the decode process.

Medians of ``--repeat`` runs. Prints one table, with ratios to ``sourcemap``,
and checks that smtools answers like ``sourcemap`` at the 1,000 sampled
positions. The figures are not asserted anywhere: they are for the README.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus as corpus_mod
import peers as peers_mod
from common import BENCH, REPO, VENV, machine_info, norm_source
from harness import OtherLoad, fmt_mb, fmt_s, format_table, measure_cold, spawn_measured

CHILD = BENCH / "peers" / "core_decode.py"
TOOLS = {
    "smtools": {"python": sys.executable, "env": {}},
    "smtools-pure": {"python": sys.executable, "env": {"SMTOOLS_PURE_PYTHON": "1"}},
    "pysourcemap": {"python": str(VENV / "bin" / "python"), "env": {}},
}


def _env(tool: str) -> dict[str, str]:
    env = {**os.environ, **TOOLS[tool]["env"], "PYTHONPATH": str(REPO)}
    return env


def decode_runs(tool: str, case: dict, repeat: int) -> dict:
    child = "pysourcemap" if tool == "pysourcemap" else "smtools"
    argv = [TOOLS[tool]["python"], str(CHILD), child, str(BENCH / case["map"]),
            str(BENCH / case["samples"])]
    decodes, lookups, rss, out = [], [], [], None
    for _ in range(repeat):
        _wall, peak, code, stdout, stderr = spawn_measured(argv, env=_env(tool))
        if code != 0:
            return {"error": (stderr or stdout).strip()[-400:]}
        out = json.loads(stdout.strip().splitlines()[-1])
        decodes.append(out["decode_s"])
        lookups.append(out["lookups_s"] / out["lookups"])
        rss.append(peak)
    return {"decode_s": statistics.median(decodes), "lookup_s": statistics.median(lookups),
            "rss": max(rss), "answers": out["answers"]}


def cold_run(tool: str, case: dict, repeat: int) -> tuple[float | None, int | None]:
    target = case["target"]
    smap = str(BENCH / case["map"])
    if tool == "pysourcemap":
        argv = [TOOLS[tool]["python"], str(BENCH / "peers" / "pysourcemap.py"), smap,
                str(target["line1"]), str(target["column1"])]
    else:
        prefix, _env_extra, _note = peers_mod.smtools_command()
        argv = (prefix or ["smtools"]) + ["resolve", f"{smap}:{target['line1']}:{target['column1']}",
                                          "--json"]
    result = measure_cold(argv, repeat=repeat, env=_env(tool))
    return (result.median_s, result.peak_rss) if result.ok else (None, None)


def agreement(ours: list, theirs: list) -> str:
    def key(answer):
        return None if answer is None else (norm_source(answer[0]), answer[1], answer[2])
    same = sum(key(a) == key(b) for a, b in zip(ours, theirs, strict=False))
    return f"{same}/{len(theirs)}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--case", action="append")
    args = parser.parse_args()
    doc = corpus_mod.ensure(only=args.case)
    peers_mod.ensure_venv()
    for key, value in machine_info().items():
        print(f"{key}: {value}")
    rows = []
    with OtherLoad() as load:
        for case in doc["cases"]:
            if args.case and case["name"] not in args.case:
                continue
            results = {tool: decode_runs(tool, case, args.repeat) for tool in TOOLS}
            colds = {tool: cold_run(tool, case, args.repeat) for tool in TOOLS}
            base = results["pysourcemap"]
            for tool in TOOLS:
                r, (cold_s, cold_rss) = results[tool], colds[tool]
                if "error" in r:
                    rows.append([case["name"], tool, "error: " + r["error"][:60]] + [""] * 8)
                    continue
                rows.append([
                    case["name"], tool, fmt_s(r["decode_s"]),
                    _speedup(base.get("decode_s"), r["decode_s"]), fmt_mb(r["rss"]),
                    _share(r["rss"], base.get("rss")),
                    fmt_s(cold_s), fmt_mb(cold_rss), f"{r['lookup_s'] * 1e6:.1f} us",
                    agreement(r["answers"], base.get("answers", [])) if tool != "pysourcemap" else "-",
                ])
    print(format_table(["map", "tool", "full decode", "vs sourcemap", "peak RSS", "RSS / sourcemap",
                        "cold resolve", "cold RSS", "per lookup (10k)", "agrees with sourcemap"],
                       rows))
    if load.cores is not None:
        print(f"other processes used {load.cores:.2f} of the cores during the run "
              "(figures above that 0.2 are disturbed)")
    return 0


def _speedup(reference: float | None, value: float | None) -> str:
    return f"{reference / value:.1f}x faster" if reference and value else "-"


def _share(value: float | None, reference: float | None) -> str:
    return f"{value / reference:.2f}" if reference and value else "-"


if __name__ == "__main__":
    raise SystemExit(main())
