#!/usr/bin/env python3
"""Compare ``smtools resolve`` with its peers on large real source maps.

    python bench/bench_peers.py                  build/install what is missing, then measure
    python bench/bench_peers.py --repeat 5 --case esbuild-small --tool sentry-cli --tool mozilla
    python bench/bench_peers.py --no-smtools     peers only

For every corpus case (``bench/corpus.py``) and every peer (``bench/peers.py``):

* cold: a whole fresh process doing ONE lookup at the case's target position;
  median wall time of ``--repeat`` runs (after one unmeasured warm-up run, so
  the map is in the page cache) and the peak RSS of that process;
* in-process (``--inproc-runs`` fresh processes, medians): the time to load the
  map and answer the first lookup, then the time of 1,000 further lookups at
  sampled mapped positions;
* the answer at the target is checked against the expected one recorded in
  corpus.json (mozilla ``source-map`` and ``@jridgewell/trace-mapping``), and
  the 1,000 in-process answers against mozilla's.  Sources are compared after
  normalisation (tools differ on ``webpack:///../x`` vs ``webpack:///x``);
  every disagreement is listed, none is hidden.

Positions are 1-based line and column everywhere on the command lines
(``sentry-cli sourcemaps resolve MAP -l L -c C`` and ``smtools resolve
MAP:L:C`` take them so); the adapters convert for APIs that are 0-based.
Results are also written as JSON to ``bench/.work/results/``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import commands as commands_mod
import corpus as corpus_mod
import peers as peers_mod
from common import BENCH, WORK, ToolMissing, machine_info, norm_source
from harness import (
    OtherLoad,
    fmt_mb,
    fmt_s,
    format_table,
    measure_cold,
    ratio,
    spawn_measured,
)


def smtools_cases() -> list[peers_mod.Peer]:
    """Hook for the project's own tool: smtools as installed (C extension when built)
    and its pure-Python path, if usable; else []."""
    peer = peers_mod.smtools_peer()
    problem = peer.check()
    if problem:
        print(f"note: smtools skipped: {problem}")
        return []
    return [peer, peers_mod.smtools_peer(pure=True)]


def key(answer: dict | list | None):
    if answer is None:
        return None
    if isinstance(answer, list):
        source, line, column, _name = answer
    else:
        source, line, column = answer.get("source"), answer.get("line"), answer.get("column")
    if source is None:
        return None
    return norm_source(source), line, column


def compare_target(answer: dict | None, expected: dict) -> str:
    orig = expected.get("original")
    if answer is None:
        return "no answer"
    if orig is None:
        return "expected answer unknown (reference consumers disagree)"
    want = (norm_source(orig["source"]), orig["line1"], orig["column1"])
    got = key(answer)
    if got != want:
        return (f"DIFFERS: got {answer.get('source')}:{answer.get('line')}:{answer.get('column')} "
                f"want {orig['source']}:{orig['line1']}:{orig['column1']}")
    if (answer.get("name") or None) != (orig.get("name") or None):
        return f"same position, name {answer.get('name')!r} vs {orig.get('name')!r}"
    return "ok"


def run_inproc(peer, samples: str, smap: str, runs: int) -> dict:
    loads, lookups, out = [], [], None
    env = {**os.environ, **peer.env}
    for _ in range(runs):
        _wall, _rss, code, stdout, stderr = spawn_measured(peer.inproc(samples, smap), env=env)
        if code != 0:
            return {"error": (stderr or stdout).strip()[-600:]}
        out = json.loads(stdout.strip().splitlines()[-1])
        loads.append(out["load_s"])
        if out.get("lookups_s") is not None:
            lookups.append(out["lookups_s"])
    return {"load_s": statistics.median(loads), "lookups_s": statistics.median(lookups) if lookups else None,
            "n": out.get("n"), "first": out.get("first"), "results": out.get("results")}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=5, help="cold runs per measurement (median); default 5")
    ap.add_argument("--inproc-runs", type=int, default=3,
                    help="processes per in-process measurement (median); 0 skips; default 3")
    ap.add_argument("--case", action="append", help="only this corpus case (repeatable)")
    ap.add_argument("--tool", action="append", help="only this peer (repeatable)")
    ap.add_argument("--no-smtools", action="store_true", help="leave the project's own tool out")
    ap.add_argument("--no-setup", action="store_true", help="do not build the corpus or install peers")
    args = ap.parse_args()

    print("machine:")
    for k, v in machine_info().items():
        print(f"  {k:<7} {v}")
    load = os.getloadavg()
    print(f"  load    {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (1/5/15 min, before setup)")

    try:
        if not args.no_setup:
            notes = peers_mod.ensure()
            doc = corpus_mod.ensure()
        else:
            notes = []
            doc = json.loads((WORK / "corpus.json").read_text())
    except ToolMissing as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except FileNotFoundError:
        print("error: no corpus; run `python bench/corpus.py` first (or drop --no-setup)", file=sys.stderr)
        return 2
    for n in notes:
        print(f"note: {n}")

    peers = [] if args.no_smtools else smtools_cases()
    install_note = None if args.no_smtools else peers_mod.smtools_install_note()
    if install_note:
        print(f"note: {install_note}")
    peers += peers_mod.all_peers(include_smtools=False)
    if args.tool:
        peers = [p for p in peers if p.name in args.tool]
    usable = []
    print("tools:")
    for p in peers:
        problem = p.check()
        if problem:
            print(f"  {p.name:<14} SKIPPED: {problem}")
        else:
            usable.append(p)
            print(f"  {p.name:<14} {p.version() or '?'}")
    cases = [c for c in doc["cases"] if not args.case or c["name"] in args.case]
    print("corpus:")
    for c in cases:
        s = c["stats"]
        print(f"  {c['name']:<22} map {s['map_bytes'] / 1e6:.1f} MB, {s['segments']:,} segments on "
              f"{s['lines_with_mappings']} mapped lines ({s['bundle_lines']} lines in the bundle), "
              f"{s['sources']} sources; target {c['target']['line1']}:{c['target']['column1']} (1-based)")
    print(f"\nmeasuring: cold = median of {args.repeat} fresh processes (1 warm-up not counted), "
          f"peak RSS = max ru_maxrss; in-process = median of {args.inproc_runs} processes\n", flush=True)

    records = []
    command_records: list[dict] = []
    problems: list[str] = []
    t_start = time.monotonic()
    other = OtherLoad().__enter__()
    for c in cases:
        smap = str(BENCH / c["map"])
        samples = str(BENCH / c["samples"])
        line1, col1 = c["target"]["line1"], c["target"]["column1"]
        reference_results = None
        case_records = []
        for p in usable:
            print(f"  {c['name']}: {p.name} ...", end="", flush=True)
            rec = {"case": c["name"], "tool": p.name, "label": p.label}
            cold = measure_cold(p.cold(smap, line1, col1), repeat=args.repeat,
                                env={**os.environ, **p.env})
            if not cold.ok:
                rec["error"] = f"exit {cold.returncode}: {(cold.stderr or cold.stdout).strip()[-400:]}"
                problems.append(f"{c['name']} / {p.name}: cold run failed: {rec['error']}")
            else:
                rec.update(cold_s=cold.median_s, cold_runs=cold.walls, peak_rss=cold.peak_rss)
                if p.lookups and p.parse:
                    try:
                        rec["answer"] = p.parse(cold.stdout)
                    except (ValueError, KeyError, TypeError) as exc:
                        rec["answer"] = None
                        rec["parse_error"] = f"{exc}: {cold.stdout[-300:]!r}"
                    rec["target_check"] = compare_target(rec.get("answer"), c["expected"])
                    if rec["target_check"] != "ok":
                        problems.append(f"{c['name']} / {p.name}: target {line1}:{col1}: "
                                        f"{rec['target_check']}")
            if p.inproc and args.inproc_runs > 0:
                ip = run_inproc(p, samples, smap, args.inproc_runs)
                if "error" in ip:
                    rec["inproc_error"] = ip["error"]
                    problems.append(f"{c['name']} / {p.name}: in-process run failed: {ip['error']}")
                else:
                    rec.update(load_s=ip["load_s"], lookups_s=ip["lookups_s"], lookups_n=ip["n"])
                    if ip.get("results") is not None:
                        rec["_results"] = ip["results"]
                        if p.name == "mozilla":
                            reference_results = ip["results"]
            print(f" {fmt_s(rec.get('cold_s'))}", flush=True)
            case_records.append(rec)
        # 1,000 sampled answers vs mozilla's
        for rec in case_records:
            res = rec.pop("_results", None)
            if res is None or reference_results is None:
                continue
            diff = [i for i, (a, b) in enumerate(zip(res, reference_results, strict=False))
                    if key(a) != key(b)]
            names = sum(1 for a, b in zip(res, reference_results, strict=False)
                        if key(a) == key(b) and (a[3] or None) != (b[3] or None))
            rec["sample_mismatches"] = len(diff)
            rec["sample_name_mismatches"] = names
            if diff and rec["tool"] != "mozilla":
                i = diff[0]
                problems.append(f"{rec['case']} / {rec['tool']}: {len(diff)} of {len(res)} sampled lookups "
                                f"differ from mozilla, e.g. #{i}: {res[i]} vs {reference_results[i]}")
            if names and rec["tool"] != "mozilla":
                problems.append(f"{rec['case']} / {rec['tool']}: {names} sampled lookups agree on position "
                                f"but not on the name")
        records.extend(case_records)
        for p in usable:
            if p.name.startswith("smtools"):
                print(f"  {c['name']}: {p.name} stack + validate ...", flush=True)
                command_records += commands_mod.measure(c, p, args.repeat, reference_results)
    elapsed = time.monotonic() - t_start
    other.__exit__(None, None, None)

    # ---------------------------------------------------------------- the table
    sentry = {r["case"]: r.get("cold_s") for r in records if r["tool"] == "sentry-cli"}
    rows = []
    for r in records:
        if "error" in r:
            agree = "FAILED"
        elif "target_check" in r:
            agree = "yes" if r["target_check"] == "ok" else ("name" if r["target_check"].startswith("same")
                                                             else "NO")
        else:
            agree = "n/a"
        if "sample_mismatches" in r:
            agree += f" ({1000 - r['sample_mismatches'] if r.get('lookups_n') == 1000 else '?'}/1000)"
        spread = (f"{min(r['cold_runs']):.2f}-{max(r['cold_runs']):.2f}" if r.get("cold_runs") else "-")
        rows.append([r["case"], r["tool"], fmt_s(r.get("cold_s")), spread,
                     ratio(r.get("cold_s"), sentry.get(r["case"])),
                     fmt_mb(r.get("peak_rss")), fmt_s(r.get("load_s")),
                     fmt_s(r.get("lookups_s")) if r.get("lookups_s") is not None else "-", agree])
    print()
    print(format_table(["map", "tool", "cold 1 lookup", "min-max s", "vs sentry-cli", "peak RSS",
                        "in-proc load+1st", "1,000 lookups", "agrees (samples)"], rows,
                       align="llrrrrrrl"))

    # Reference-style matrix: maps x tools, "cold s, peak MB".
    tools = [p.name for p in usable]
    matrix = []
    for c in cases:
        stats = c["stats"]
        row = [f"{c['name']} ({stats['map_bytes'] / 1e6:.1f} MB, {stats['segments'] / 1e6:.2f} M seg)"]
        for t in tools:
            r = next((r for r in records if r["case"] == c["name"] and r["tool"] == t), None)
            row.append("-" if not r or "cold_s" not in r
                       else f"{r['cold_s']:.2f} s, {fmt_mb(r.get('peak_rss'))}")
        matrix.append(row)
    print()
    print(format_table(["cold, one lookup (median, peak RSS)"] + [p.label for p in usable], matrix))

    if command_records:
        sentry_cold = {r["case"]: r.get("cold_s") for r in records if r["tool"] == "sentry-cli"}
        print()
        print("smtools commands with no peer (cold, median; stack answers vs mozilla's; "
              "'vs sentry-cli' = against one sentry-cli lookup of the same map):")
        print(format_table(
            ["map", "tool", "command", "cold", "vs sentry-cli", "peak RSS", "check"],
            [[r["case"], r["tool"], r["command"], fmt_s(r.get("cold_s")),
              ratio(r.get("cold_s"), sentry_cold.get(r["case"])), fmt_mb(r.get("peak_rss")),
              r.get("check", r.get("error", ""))] for r in command_records]))
        problems += [f"{r['case']} / {r['tool']}: {r['command']} failed: {r.get('error')}"
                     for r in command_records if "error" in r]

    print()
    if problems:
        print("disagreements / failures:")
        for line in problems:
            print(f"  - {line}")
    else:
        print("all peers agree with the expected answer at every target and on every sampled lookup")
    print(f"\nbenchmark took {elapsed:.0f} s", end="")
    if other.cores is not None:
        print(f"; other processes used {other.cpu_s:.1f} CPU-s meanwhile "
              f"(on average {other.cores:.2f} of {os.cpu_count()} cores)")
        if other.cores > 0.15:
            print("warning: the machine was busy with other work, timings are disturbed "
                  "(see the min-max spread; rerun on an idle machine for clean figures)")
    else:
        print()

    out_dir = WORK / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / time.strftime("peers-%Y%m%d-%H%M%S.json")
    out.write_text(json.dumps({"machine": machine_info(),
                               "tools": {p.name: p.version() for p in usable},
                               "repeat": args.repeat, "inproc_runs": args.inproc_runs,
                               "other_cpu_s": other.cpu_s, "elapsed_s": elapsed,
                               "records": records, "commands": command_records,
                               "problems": problems}, indent=2))
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
