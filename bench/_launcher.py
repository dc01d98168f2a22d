"""Tiny process launcher used by harness.py (run as ``python -S -E _launcher.py``).

Why a separate process: on Linux a child's ``ru_maxrss`` starts from the
high-water RSS of the address space it was forked/vforked from (the value
survives ``execve``), so children spawned straight from a big benchmark
process would all report at least the parent's peak.  This launcher stays
~10 MB, so the figures it returns are exact for anything bigger than that.

Protocol: one JSON request per stdin line
``{"argv": [...], "env": {...}, "cwd": str|null, "out": path, "err": path}``,
one JSON reply per stdout line
``{"wall": s, "maxrss": bytes, "cpu": s, "code": int}``
or ``{"error": "..."}``.
"""

import json
import os
import sys
import time

_UNIT = 1 if sys.platform == "darwin" else 1024


def _serve():
    home = os.getcwd()
    for line in sys.stdin:
        req = json.loads(line)
        try:
            out = os.open(req["out"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            err = os.open(req["err"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            actions = [(os.POSIX_SPAWN_DUP2, out, 1), (os.POSIX_SPAWN_DUP2, err, 2),
                       (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0)]
            os.chdir(req.get("cwd") or home)
            try:
                t0 = time.perf_counter()
                pid = os.posix_spawnp(req["argv"][0], req["argv"], req["env"], file_actions=actions)
                _, status, usage = os.wait4(pid, 0)
                wall = time.perf_counter() - t0
            finally:
                os.close(out)
                os.close(err)
            reply = {"wall": wall, "maxrss": usage.ru_maxrss * _UNIT,
                     "cpu": usage.ru_utime + usage.ru_stime,
                     "code": os.waitstatus_to_exitcode(status)}
        except OSError as exc:
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    _serve()
