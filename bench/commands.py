"""smtools commands that have no peer: a 1,000-frame ``smtools stack`` and a full ``smtools validate``.

Used by bench_peers.py in the same run as the peer table. The trace is made
from the 1,000 sampled positions of a corpus case (V8 syntax, frames as the
Electron SDK writes them, ``app:///dist/<bundle>``); its answers are checked
against mozilla ``source-map``'s answers for the same positions.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from common import BENCH, WORK, norm_source
from harness import measure_cold


def write_trace(case: dict) -> Path:
    """A V8 stack trace with one frame per sampled position of ``case``."""
    positions = json.loads((BENCH / case["samples"]).read_text())["positions"]
    bundle = Path(case["bundle"]).name
    lines = ["Error: synthetic crash for the benchmark"]
    lines += [f"    at f{i} (app:///dist/{bundle}:{line}:{column})"
              for i, (line, column) in enumerate(positions)]
    path = WORK / "traces" / f"{case['name']}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    return path


def _agreement(stdout: str, reference: list | None) -> str:
    if reference is None:
        return "?"
    frames = json.loads(stdout)["frames"]
    same = 0
    for frame, expected in zip(frames, reference, strict=False):
        original = frame.get("original") or {}
        got = (None if not original.get("source") else
               (norm_source(original["source"]), original["line"], original["column"]))
        want = None if expected is None or expected[0] is None else (
            norm_source(expected[0]), expected[1], expected[2])
        same += got == want
    return f"{same}/{len(reference)}"


def measure(case: dict, peer, repeat: int, reference: list | None) -> list[dict]:
    """Cold ``stack`` (1,000 frames) and ``validate`` runs of one smtools flavour."""
    prefix = peer.cold("MAP", 1, 1)[:-3]  # the command without "resolve MAP:1:1 --json"
    env = {**os.environ, **peer.env}
    trace = write_trace(case)
    maps_dir = BENCH / Path(case["map"]).parent
    records = []
    stack_argv = [*prefix, "stack", str(trace), "--maps", str(maps_dir), "--json"]
    for command, argv in (("stack (1,000 frames)", stack_argv),
                          ("validate", [*prefix, "validate", str(BENCH / case["map"]), "--json"])):
        result = measure_cold(argv, repeat=repeat, env=env)
        record = {"case": case["name"], "tool": peer.name, "command": command}
        if command == "validate":
            ok = result.returncode in (0, 1)
            record["check"] = ("valid" if result.returncode == 0 else "invalid") if ok else "FAILED"
        else:
            ok = result.returncode in (0, 1)
            record["check"] = _agreement(result.stdout, reference) if ok else "FAILED"
        if ok:
            record.update(cold_s=result.median_s, peak_rss=result.peak_rss)
        else:
            record["error"] = (result.stderr or result.stdout).strip()[-300:]
        records.append(record)
    return records
