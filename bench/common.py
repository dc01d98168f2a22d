"""Paths, installers and small helpers shared by the bench scripts.

Everything generated lives in git-ignored places: ``bench/node_modules`` (npm)
and ``bench/.work`` (corpus, venv, scratch).  Stdlib only.
"""

from __future__ import annotations

import json
import os
import platform
import posixpath
import re
import shutil
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
WORK = BENCH / ".work"
NODE_MODULES = BENCH / "node_modules"
VENV = WORK / "venv"
CORPUS_DIR = WORK / "corpus"
CORPUS_JSON = WORK / "corpus.json"
PEERS_DIR = BENCH / "peers"
TOOLS_DIR = BENCH / "tools"
PEER_REQUIREMENTS = BENCH / "requirements-peers.txt"

SENTRY_CLI = NODE_MODULES / "@sentry" / "cli-linux-x64" / "bin" / "sentry-cli"

# sentry-cli must not try to reach the network (update check, telemetry).
QUIET_ENV = {
    "SENTRY_DISABLE_UPDATE_CHECK": "1",
    "SENTRY_LOG_LEVEL": "error",
    "DO_NOT_TRACK": "1",
}


class ToolMissing(RuntimeError):
    """A tool the bench needs is not installed (the message says how to get it)."""


def log(*parts: object) -> None:
    print(*parts, file=sys.stderr, flush=True)


def node_exe() -> str:
    node = shutil.which("node")
    if not node:
        raise ToolMissing("node is not on PATH: install Node.js 18+ (e.g. apt-get install nodejs npm)")
    return node


def npm_exe() -> str:
    npm = shutil.which("npm")
    if not npm:
        raise ToolMissing("npm is not on PATH: install it (e.g. apt-get install npm)")
    return npm


def venv_python() -> Path:
    return VENV / "bin" / "python"


def ensure_npm(force: bool = False) -> None:
    """``npm ci`` in bench/ when node_modules is missing or older than the lock file."""
    lock = BENCH / "package-lock.json"
    stamp = NODE_MODULES / ".package-lock.json"
    if not force and stamp.exists() and stamp.stat().st_mtime >= lock.stat().st_mtime:
        return
    log(f"[npm] npm ci in {BENCH} ...")
    cmd = [npm_exe(), "ci", "--no-audit", "--no-fund"]
    res = subprocess.run(cmd, cwd=BENCH)
    if res.returncode != 0:
        raise ToolMissing(f"`{' '.join(cmd)}` failed in {BENCH} (exit {res.returncode})")


def node_package_version(name: str) -> str | None:
    pj = NODE_MODULES / name / "package.json"
    try:
        return json.loads(pj.read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None


def run_text(argv: list[str], **kw) -> str:
    try:
        res = subprocess.run(argv, capture_output=True, text=True, timeout=60, **kw)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"error: {exc}"
    return (res.stdout or res.stderr).strip()


def machine_info() -> dict[str, str]:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0
    node = shutil.which("node")
    return {
        "cpu": cpu,
        "cores": f"{os.cpu_count()} logical ({usable} usable)",
        "memory": mem,
        "os": f"{platform.system()} {platform.release()} {platform.machine()}",
        "python": f"{platform.python_implementation()} {platform.python_version()} ({sys.executable})",
        "node": run_text([node, "--version"]) if node else "missing",
    }


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/]*")


def norm_source(source: str | None) -> str | None:
    """A comparable form of a source URL: tools differ in how they normalise
    ``webpack:///../node_modules/x`` (raw, resolved, joined with sourceRoot)."""
    if source is None:
        return None
    s = _SCHEME.sub("", source)
    s = posixpath.normpath(s) if s else s
    while True:
        for prefix in ("/", "./", "../"):
            if s.startswith(prefix):
                s = s[len(prefix):]
                break
        else:
            return s
