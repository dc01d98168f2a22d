"""Measurement helpers for the bench scripts (stdlib only, Linux/POSIX).

* :func:`run_cold` -- wall time and peak RSS of a whole fresh process, the
  median over ``repeat`` runs (after one unmeasured warm-up run that pulls the
  files into the page cache).  Peak RSS comes from the child's own rusage
  (``os.wait4`` -> ``ru_maxrss``, taken by the small ``_launcher.py``
  process), not from ``/usr/bin/time``.
* :func:`time_inproc` / :class:`Timer` -- timing inside one process.
* :func:`format_table` -- one plain-text table; :func:`ratio` for "x sentry-cli".
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class ColdResult:
    argv: list[str]
    walls: list[float] = field(default_factory=list)        # seconds, measured runs only
    rss: list[int] = field(default_factory=list)            # bytes, measured runs only
    returncode: int = 0
    stdout: str = ""
    stderr: str = ""

    @property
    def median_s(self) -> float:
        return statistics.median(self.walls)

    @property
    def peak_rss(self) -> int:
        return max(self.rss) if self.rss else 0

    @property
    def ok(self) -> bool:
        return self.returncode == 0


class _Launcher:
    """Client of ``_launcher.py``, the small process that spawns measured children."""

    _proc: subprocess.Popen | None = None
    child_cpu = 0.0          # CPU seconds of every child run so far

    @classmethod
    def run(cls, argv: Sequence[str], env: dict[str, str], cwd: str | None,
            out: str, err: str) -> dict:
        if cls._proc is None or cls._proc.poll() is not None:
            cls._proc = subprocess.Popen(
                [sys.executable, "-S", "-E", str(Path(__file__).with_name("_launcher.py"))],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        req = {"argv": list(argv), "env": env, "cwd": cwd, "out": out, "err": err}
        cls._proc.stdin.write(json.dumps(req) + "\n")
        cls._proc.stdin.flush()
        line = cls._proc.stdout.readline()
        if not line:
            raise RuntimeError("the launcher process died")
        reply = json.loads(line)
        if "error" in reply:
            raise OSError(f"cannot run {argv[0]}: {reply['error']}")
        cls.child_cpu += reply.get("cpu", 0.0)
        return reply


def spawn_measured(argv: Sequence[str], env: dict[str, str] | None = None,
                   cwd: str | None = None) -> tuple[float, int, int, str, str]:
    """Run ``argv`` once; return (wall_s, peak_rss_bytes, returncode, stdout, stderr).

    The child is started (``posix_spawn``) and reaped (``os.wait4``) by a small
    launcher process, so its rusage is its own: children spawned straight from
    a large process inherit that process's RSS high-water mark in
    ``ru_maxrss``.  The launcher is ~10 MB, a floor below which peaks are not
    resolved.  Output goes to temporary files, so no pipe can stall the child.
    """
    env = dict(os.environ if env is None else env)
    with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp:
        out, err = os.path.join(tmp, "stdout"), os.path.join(tmp, "stderr")
        reply = _Launcher.run(argv, env, cwd, out, err)
        with open(out, "rb") as fo, open(err, "rb") as fe:
            return (reply["wall"], reply["maxrss"], reply["code"],
                    fo.read().decode("utf-8", "replace"), fe.read().decode("utf-8", "replace"))


def measure_cold(argv: Sequence[str], repeat: int = 5, warmup: int = 1,
                 env: dict[str, str] | None = None, cwd: str | None = None) -> ColdResult:
    """Full record of :func:`run_cold`: every wall time and RSS, last output."""
    res = ColdResult(list(argv))
    for i in range(warmup + repeat):
        wall, rss, code, out, err = spawn_measured(argv, env=env, cwd=cwd)
        res.returncode, res.stdout, res.stderr = code, out, err
        if code != 0:
            return res
        if i >= warmup:
            res.walls.append(wall)
            res.rss.append(rss)
    return res


def run_cold(argv: Sequence[str], repeat: int = 5, **kw) -> tuple[float, int]:
    """Median wall seconds and peak RSS bytes of ``repeat`` fresh runs of ``argv``.

    Raises ``RuntimeError`` if the command fails.
    """
    res = measure_cold(argv, repeat=repeat, **kw)
    if not res.ok:
        raise RuntimeError(f"{' '.join(argv)} exited {res.returncode}: {res.stderr.strip()[-500:]}")
    return res.median_s, res.peak_rss


class OtherLoad:
    """CPU time used by *other* processes while this one (and its children) ran.

    Linux only: busy jiffies from ``/proc/stat`` minus our own rusage.  A
    benchmark on a shared machine can report how disturbed it was.
    """

    @staticmethod
    def _busy() -> float | None:
        try:
            with open("/proc/stat") as fh:
                f = [int(x) for x in fh.readline().split()[1:]]
        except (OSError, ValueError):
            return None
        busy = f[0] + f[1] + f[2] + sum(f[5:8])      # user nice system irq softirq steal
        return busy / os.sysconf("SC_CLK_TCK")

    @staticmethod
    def _ours() -> float:
        import resource
        a = resource.getrusage(resource.RUSAGE_SELF)
        b = resource.getrusage(resource.RUSAGE_CHILDREN)
        return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime + _Launcher.child_cpu

    def __enter__(self) -> OtherLoad:
        self._b0, self._o0, self._t0 = self._busy(), self._ours(), time.monotonic()
        return self

    def __exit__(self, *exc) -> None:
        b1 = self._busy()
        self.wall = time.monotonic() - self._t0
        if b1 is None or self._b0 is None:
            self.cpu_s = None
            self.cores = None
        else:
            self.cpu_s = max(0.0, (b1 - self._b0) - (self._ours() - self._o0))
            self.cores = self.cpu_s / self.wall if self.wall else 0.0


# --------------------------------------------------------------------------- in-process

class Timer:
    """``with Timer() as t: ...`` then ``t.seconds``."""

    def __enter__(self) -> Timer:
        self._t0 = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self._t0


def time_inproc(fn: Callable[[], object], repeat: int = 5, number: int = 1) -> float:
    """Median seconds of ``number`` calls of ``fn``, over ``repeat`` rounds."""
    rounds = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        rounds.append(time.perf_counter() - t0)
    return statistics.median(rounds)


def time_lookups(lookup: Callable[[int, int], object],
                 positions: Sequence[tuple[int, int]]) -> tuple[float, list[object]]:
    """Seconds for looking up every (line, column) in ``positions``, and the results."""
    t0 = time.perf_counter()
    results = [lookup(line, col) for line, col in positions]
    return time.perf_counter() - t0, results


# --------------------------------------------------------------------------- formatting

def fmt_s(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 0.01:
        return f"{seconds * 1000:.2f} ms"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms" if seconds < 0.1 else f"{seconds:.2f} s"
    return f"{seconds:.2f} s"


def fmt_mb(nbytes: int | None) -> str:
    return "-" if not nbytes else f"{nbytes / 1e6:.0f} MB"


def ratio(value: float | None, reference: float | None) -> str:
    if value is None or not reference:
        return "-"
    return f"{value / reference:.2f}x"


def format_table(headers: Sequence[str], rows: Sequence[Sequence[object]],
                 align: str | None = None) -> str:
    """A plain-text table; ``align`` is one char per column, 'l' or 'r'."""
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    align = align or "l" + "r" * (len(headers) - 1)

    def line(r: list[str]) -> str:
        return "  ".join(c.ljust(w) if a == "l" else c.rjust(w)
                         for c, w, a in zip(r, widths, align, strict=False)).rstrip()

    sep = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), sep] + [line(r) for r in cells[1:]])
