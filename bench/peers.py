#!/usr/bin/env python3
"""Install and describe the peer tools the benchmark compares against.

    python bench/peers.py            install what is missing, print versions/status
    python bench/peers.py --check    only print status, install nothing

npm side (``bench/package.json``, ``npm ci`` into ``bench/node_modules``):
``@sentry/cli-linux-x64`` (the sentry-cli binary ships inside the package; no
download step), ``source-map`` 0.7, ``@jridgewell/trace-mapping``.

Python side (a venv at ``bench/.work/venv`` made with the interpreter running
this script): PyPI ``sourcemap==0.2.1``, ``orjson``, and ``symbolic`` (skipped
with a note if it does not install).

Every peer is driven through an adapter that takes ``MAP LINE COL`` with
1-based line and column (as JavaScript stack traces and ``sentry-cli
sourcemaps resolve`` use) and yields the original position, also 1-based.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    BENCH,
    NODE_MODULES,
    PEERS_DIR,
    QUIET_ENV,
    REPO,
    SENTRY_CLI,
    VENV,
    ToolMissing,
    ensure_npm,
    log,
    node_package_version,
    run_text,
    venv_python,
)

PIP_REQUIRED = ["sourcemap==0.2.1", "orjson==3.13.0"]
PIP_OPTIONAL = ["symbolic==13.9.0"]
_STAMP = VENV / ".bench-requirements"


# --------------------------------------------------------------------------- installation

def ensure_venv(force: bool = False) -> list[str]:
    """Create the bench venv and install the Python peers; return notes."""
    notes: list[str] = []
    wanted = "\n".join(PIP_REQUIRED + PIP_OPTIONAL)
    if not force and _STAMP.exists() and _STAMP.read_text() == wanted and venv_python().exists():
        return notes
    if not venv_python().exists():
        log(f"[peers] creating venv {VENV} with {sys.executable}")
        res = subprocess.run([sys.executable, "-m", "venv", str(VENV)])
        if res.returncode != 0:
            raise ToolMissing(f"could not create a venv at {VENV} (is the venv module installed? "
                              f"Debian: apt-get install python3-venv)")
    pip = [str(venv_python()), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    log(f"[peers] pip install {' '.join(PIP_REQUIRED)}")
    res = subprocess.run(pip + PIP_REQUIRED)
    if res.returncode != 0:
        raise ToolMissing(f"pip install {' '.join(PIP_REQUIRED)} failed in {VENV}")
    for spec in PIP_OPTIONAL:
        log(f"[peers] pip install {spec} (optional)")
        res = subprocess.run([*pip, spec])
        if res.returncode != 0:
            notes.append(f"{spec} did not install; that peer is skipped")
            log(f"[peers] note: {notes[-1]}")
    _STAMP.write_text(wanted)
    return notes


def ensure(force: bool = False) -> list[str]:
    ensure_npm(force=force)
    return ensure_venv(force=force)


# --------------------------------------------------------------------------- peers

def _venv_has(module: str) -> bool:
    if not venv_python().exists():
        return False
    res = subprocess.run([str(venv_python()), "-c", f"import {module}"], capture_output=True)
    return res.returncode == 0


def _venv_version(dist: str) -> str | None:
    if not venv_python().exists():
        return None
    out = run_text([str(venv_python()), "-c",
                    f"import importlib.metadata as m; print(m.version({dist!r}))"])
    return out if re.fullmatch(r"[\w.+-]+", out or "") else None


def parse_adapter_json(stdout: str) -> dict:
    """Output of the bench/peers adapters: one JSON object, 1-based positions."""
    return json.loads(stdout.strip().splitlines()[-1])


_SENTRY_FOUND = re.compile(r'Found the nearest token (?:"(?P<name>.*?)"|\(unnamed\)) at line\s+(?P<gl>\d+), '
                           r'column\s+(?P<gc>\d+)')
_SENTRY_SAME = re.compile(r'The same token is located at line\s+(?P<line>\d+), column\s+(?P<col>\d+) '
                          r'in source file (?P<src>.*?)\.?\s*$', re.M)


def parse_sentry_cli(stdout: str) -> dict:
    """``sentry-cli sourcemaps resolve`` prints text; original line and column are 1-based."""
    found = _SENTRY_FOUND.search(stdout)
    same = _SENTRY_SAME.search(stdout)
    if not same:
        return {"tool": "sentry-cli", "source": None, "line": None, "column": None, "name": None}
    return {"tool": "sentry-cli", "source": same["src"], "line": int(same["line"]),
            "column": int(same["col"]), "name": (found["name"] if found else None) or None}


def parse_smtools(stdout: str) -> dict:
    """``smtools resolve FILE:LINE:COL --json``: lines 1-based, columns in ``column_base``."""
    doc = json.loads(stdout)
    orig = doc.get("original")
    if not orig:
        return {"tool": "smtools", "source": None, "line": None, "column": None, "name": None,
                "reason": doc.get("reason")}
    base = int(doc.get("column_base", 1))
    return {"tool": "smtools", "source": orig.get("source"), "line": orig.get("line"),
            "column": orig.get("column") + (1 - base), "name": orig.get("name")}


@dataclass
class Peer:
    name: str
    label: str                     # column title in the summary table
    cold: Callable[[str, int, int], list[str]]          # (map, line1, col1) -> argv
    inproc: Callable[[str, str], list[str]] | None      # (samples, map) -> argv
    parse: Callable[[str], dict] | None                 # stdout of a cold run -> answer
    check: Callable[[], str | None]                     # None if usable, else why not
    version: Callable[[], str | None]
    env: dict[str, str] = field(default_factory=dict)
    lookups: bool = True           # False for parse-only baselines


def _node(script: str) -> list[str]:
    node = shutil.which("node") or "node"
    return [node, str(PEERS_DIR / script)]


def _venv(script: str) -> list[str]:
    return [str(venv_python()), str(PEERS_DIR / script)]


def _need_node_pkg(pkg: str) -> Callable[[], str | None]:
    def check() -> str | None:
        if not shutil.which("node"):
            return "node is not on PATH"
        if node_package_version(pkg) is None:
            return f"npm package {pkg} missing: run `python bench/peers.py` (npm ci in bench/)"
        return None
    return check


def _need_venv_module(module: str, spec: str) -> Callable[[], str | None]:
    def check() -> str | None:
        if not venv_python().exists():
            return f"bench venv missing: run `python bench/peers.py` (creates {VENV})"
        if not _venv_has(module):
            return f"{spec} is not installed in {VENV} (pip install failed or was skipped)"
        return None
    return check


def _sentry_check() -> str | None:
    if not SENTRY_CLI.exists():
        return (f"{SENTRY_CLI.relative_to(BENCH)} missing: run `python bench/peers.py` "
                f"(npm package @sentry/cli-linux-x64; Linux x64 only)")
    if not os.access(SENTRY_CLI, os.X_OK):
        return f"{SENTRY_CLI} is not executable"
    return None


def _sentry_version() -> str | None:
    if _sentry_check():
        return None
    out = run_text([str(SENTRY_CLI), "--version"], env={**os.environ, **QUIET_ENV})
    return out.replace("sentry-cli", "").strip() or None


# ---- the project's own tool (hook) -------------------------------------------------------

def smtools_command() -> tuple[list[str] | None, dict[str, str], str]:
    """How to run the ``smtools`` CLI: (argv prefix, extra env, note).

    ``SMTOOLS_CMD`` (a shell-quoted command) wins; then an ``smtools`` on PATH;
    then ``python -m smtools`` from this repository if it imports.
    """
    if os.environ.get("SMTOOLS_CMD"):
        return shlex.split(os.environ["SMTOOLS_CMD"]), {}, "from $SMTOOLS_CMD"
    exe = shutil.which("smtools")
    if exe:
        return [exe], {}, f"{exe}"
    env = {"PYTHONPATH": str(REPO) + (os.pathsep + os.environ["PYTHONPATH"]
                                      if os.environ.get("PYTHONPATH") else "")}
    res = subprocess.run([sys.executable, "-c", "import smtools.cli"], capture_output=True,
                         text=True, env={**os.environ, **env}, cwd=REPO)
    if res.returncode == 0:
        return [sys.executable, "-m", "smtools"], env, f"{sys.executable} -m smtools (repo checkout)"
    return None, {}, ("smtools is not installed (no `smtools` on PATH and `import smtools.cli` "
                      f"fails: {res.stderr.strip().splitlines()[-1] if res.stderr.strip() else '?'})")


def _smtools_check() -> str | None:
    prefix, env, note = smtools_command()
    if prefix is None:
        return note
    try:
        res = subprocess.run([*prefix, "resolve", "--help"], capture_output=True, text=True,
                             env={**os.environ, **env}, cwd=REPO, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"`{' '.join(prefix)} resolve --help` could not run: {exc}"
    if res.returncode != 0:
        return f"`{' '.join(prefix)} resolve --help` failed: {(res.stderr or res.stdout).strip()[-300:]}"
    return None


def smtools_install_note() -> str | None:
    """A warning when the smtools measured runs from this checkout (editable or PYTHONPATH).

    Such a start-up includes the editable install's import hook and fresh
    bytecode checks (about 40 ms here): `pip install .` gives the figures
    users see.
    """
    prefix, env, _ = smtools_command()
    if prefix is None:
        return None
    out = run_text([*prefix, "doctor", "--json"], env={**os.environ, **env}, cwd=REPO)
    try:
        location = Path(json.loads(out or "{}").get("location", ""))
    except ValueError:
        return None
    if location.is_relative_to(REPO):
        return (f"the smtools measured runs from this checkout ({location}); "
                "cold start-up includes the editable/PYTHONPATH import overhead. "
                "For the figures users see: pip install . into a venv and put it first on PATH "
                "(or set SMTOOLS_CMD)")
    return None


def _smtools_version() -> str | None:
    prefix, env, _ = smtools_command()
    if prefix is None:
        return None
    out = run_text([*prefix, "--version"], env={**os.environ, **env}, cwd=REPO)
    m = re.search(r"\d+\.\d+[\w.+-]*", out or "")
    return m.group(0) if m else None


def _smtools_inproc(samples: str, smap: str) -> list[str]:
    # The library API is used in the interpreter that runs the bench (with this
    # repository on PYTHONPATH): smtools.sourcemap.load + original_position_for.
    return [sys.executable, str(PEERS_DIR / "smtools_peer.py"), "--inproc", samples, smap]


def smtools_peer(pure: bool = False) -> Peer:
    """Adapter entry for the project's own tool: ``smtools resolve MAP:LINE:COL --json``.

    ``pure=True`` measures the pure-Python path (``SMTOOLS_PURE_PYTHON=1``: no
    C extension, no orjson), the default on a machine without a compiler.
    """
    prefix, env, _ = smtools_command()
    inproc_env = {"PYTHONPATH": str(REPO) + (os.pathsep + os.environ["PYTHONPATH"]
                                             if os.environ.get("PYTHONPATH") else "")}
    if pure:
        inproc_env["SMTOOLS_PURE_PYTHON"] = "1"
    name = "smtools-pure" if pure else "smtools"
    return Peer(
        name=name, label=name,
        cold=lambda m, line, c: (prefix or ["smtools"]) + ["resolve", f"{m}:{line}:{c}", "--json"],
        inproc=_smtools_inproc, parse=parse_smtools, check=_smtools_check,
        version=_smtools_version, env={**env, **inproc_env},
    )


def all_peers(include_smtools: bool = True) -> list[Peer]:
    peers = [smtools_peer(), smtools_peer(pure=True)] if include_smtools else []
    peers += [
        Peer("sentry-cli", "sentry-cli",
             cold=lambda m, line, c: [str(SENTRY_CLI), "sourcemaps", "resolve", m,
                                      "-l", str(line), "-c", str(c)],
             inproc=None, parse=parse_sentry_cli, check=_sentry_check, version=_sentry_version,
             env=dict(QUIET_ENV)),
        Peer("symbolic", "symbolic",
             cold=lambda m, line, c: [*_venv("symbolic_peer.py"), m, str(line), str(c)],
             inproc=lambda s, m: [*_venv("symbolic_peer.py"), "--inproc", s, m],
             parse=parse_adapter_json, check=_need_venv_module("symbolic", "symbolic"),
             version=lambda: _venv_version("symbolic")),
        Peer("mozilla", "mozilla source-map",
             cold=lambda m, line, c: [*_node("mozilla.js"), m, str(line), str(c)],
             inproc=lambda s, m: [*_node("mozilla.js"), "--inproc", s, m],
             parse=parse_adapter_json, check=_need_node_pkg("source-map"),
             version=lambda: node_package_version("source-map")),
        Peer("trace-mapping", "trace-mapping",
             cold=lambda m, line, c: [*_node("trace_mapping.js"), m, str(line), str(c)],
             inproc=lambda s, m: [*_node("trace_mapping.js"), "--inproc", s, m],
             parse=parse_adapter_json, check=_need_node_pkg("@jridgewell/trace-mapping"),
             version=lambda: node_package_version("@jridgewell/trace-mapping")),
        Peer("pysourcemap", "PyPI sourcemap",
             cold=lambda m, line, c: [*_venv("pysourcemap.py"), m, str(line), str(c)],
             inproc=lambda s, m: [*_venv("pysourcemap.py"), "--inproc", s, m],
             parse=parse_adapter_json, check=_need_venv_module("sourcemap", "sourcemap==0.2.1"),
             version=lambda: _venv_version("sourcemap")),
        Peer("json", "json.loads alone",
             cold=lambda m, line, c: [*_venv("jsonload.py"), "json", m],
             inproc=lambda s, m: [*_venv("jsonload.py"), "json", "--inproc", s, m],
             parse=None, check=lambda: None if venv_python().exists() else "bench venv missing",
             version=lambda: run_text([str(venv_python()), "-c",
                                       "import platform; print(platform.python_version())"]),
             lookups=False),
        Peer("orjson", "orjson.loads alone",
             cold=lambda m, line, c: [*_venv("jsonload.py"), "orjson", m],
             inproc=lambda s, m: [*_venv("jsonload.py"), "orjson", "--inproc", s, m],
             parse=None, check=_need_venv_module("orjson", "orjson"),
             version=lambda: _venv_version("orjson"), lookups=False),
    ]
    return peers


def status(peers: list[Peer]) -> list[tuple[str, str | None, str | None]]:
    """(name, version, problem) for each peer."""
    return [(p.name, p.version(), p.check()) for p in peers]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="install nothing, only report")
    ap.add_argument("--force", action="store_true", help="reinstall npm packages and the venv")
    args = ap.parse_args()
    notes: list[str] = []
    if not args.check:
        try:
            notes = ensure(force=args.force)
        except ToolMissing as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    bad = 0
    for name, version, problem in status(all_peers()):
        if problem:
            bad += name != "smtools"
            print(f"  {name:<14} MISSING  {problem}")
        else:
            print(f"  {name:<14} ok       {version or '?'}")
    for n in notes:
        print(f"note: {n}")
    print(f"node_modules: {NODE_MODULES}\nvenv: {VENV}")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
