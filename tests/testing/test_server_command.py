"""`smtools test-server`: the standalone server as a user runs it, and its fault syntax."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests

from smtools.cli.testserver import _is_loopback
from smtools.errors import UsageError
from smtools.testing.faults import Faults, RateLimit, Reset, ScopeMissing, Slow, StatusBurst
from smtools.testing.faultspec import parse_faults


def start(*args: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen([sys.executable, "-m", "smtools", "test-server", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watchdog = threading.Timer(60, process.kill)
    watchdog.daemon = True
    watchdog.start()
    line = process.stdout.readline() if process.stdout else ""
    match = re.fullmatch(r"listening on (http://127\.0\.0\.1:\d+/)\n", line)
    assert match, f"unexpected first line {line!r}; stderr: {process.stderr.read() if process.stderr else ''}"
    return process, match.group(1)


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_standalone_server_prints_url_serves_dumps_and_stops(tmp_path: Path, stop_signal: int) -> None:
    dump_file = tmp_path / "dump.json"
    process, url = start("--port", "0", "--token", "T", "--org", "o", "--project", "p", "--project", "q",
                         "--mode", "legacy", "--fault", "burst:1@auth", "--dump-on-exit", str(dump_file))
    try:
        auth = {"Authorization": "Bearer T"}
        assert requests.get(f"{url}api/0/", headers=auth, timeout=10).status_code == 503
        assert requests.get(f"{url}api/0/", headers=auth, timeout=10).json()["auth"] is not None
        options = requests.get(f"{url}api/0/organizations/o/chunk-upload/", headers=auth, timeout=10)
        assert options.status_code == 404
        dump = requests.get(f"{url}_smtools/dump", timeout=10).json()
        assert (dump["url"], dump["org"], dump["projects"], dump["mode"]) == (url, "o", ["p", "q"], "legacy")
        assert [(r["endpoint"], r["status"]) for r in dump["requests"]] == [
            ("auth", 503), ("auth", 200), ("chunk-options", 404)]
    finally:
        process.send_signal(stop_signal)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert "org o, projects p, q, mode legacy" in stderr
    assert json.loads(dump_file.read_text())["requests"] == dump["requests"]


def test_bad_fault_is_a_usage_error(smtools) -> None:
    result = smtools("test-server", "--fault", "explode:1")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: bad fault 'explode:1': unknown kind 'explode'")


def test_port_in_use_is_a_usage_error(smtools) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = smtools("test-server", "--port", str(port))
    assert result.exit_code == 2
    assert result.stderr == f"error: cannot listen on 127.0.0.1:{port}: Address already in use\n"


def test_non_loopback_host_is_warned_about(smtools) -> None:
    # 192.0.2.1 (TEST-NET-1) is not an address of this machine: the warning is
    # printed, then binding fails, so nothing listens beyond loopback.
    result = smtools("test-server", "--host", "192.0.2.1", "--token", "t")
    assert result.stderr.splitlines()[0] == (
        "warning: serving on 192.0.2.1: anyone who can reach it can use it (token 't')")
    assert result.exit_code == 2


@pytest.mark.parametrize("host, loopback", [
    ("127.0.0.1", True), ("127.0.0.2", True), ("::1", True), ("localhost", True),
    ("0.0.0.0", False), ("192.168.1.5", False), ("example.org", False),
])
def test_is_loopback(host: str, loopback: bool) -> None:
    assert _is_loopback(host) is loopback


@pytest.mark.parametrize("specs, expected", [
    ([], Faults()),
    (["burst:3"], Faults(status_burst=(StatusBurst(count=3, status=503),))),
    (["burst:2:502/524@chunk-upload,artifact-assemble"],
     Faults(status_burst=(StatusBurst(count=2, status=(502, 524),
                                      endpoint=("chunk-upload", "artifact-assemble")),))),
    (["rate-limit:2", "rate-limit:1:none@auth"],
     Faults(rate_limit=(RateLimit(count=2, retry_after=1),
                        RateLimit(count=1, retry_after=None, endpoint=("auth",))))),
    (["reset:1:4k"], Faults(reset=(Reset(count=1, after_bytes=4096),))),
    (["slow:0.5", "slow:2:1@chunk-options"],
     Faults(slow=(Slow(delay=0.5), Slow(delay=2.0, count=1, endpoint=("chunk-options",))))),
    (["lose-chunks:2", "max-body:1m", "assemble-pending:3"],
     Faults(lose_chunks=2, max_body_bytes=1048576, assemble_pending=3)),
    (["assemble-error:Not all chunks: x@y"], Faults(assemble_error="Not all chunks: x@y")),
    (["scope-missing"], Faults(scope_missing=True)),
    (["scope-missing@file-upload"], Faults(scope_missing=ScopeMissing(endpoint=("file-upload",)))),
    (["lose-file:~/app.js", "lose-file:app:///dist/a@b.js", "alter-file:~/app.js.map"],
     Faults(lose_files=("~/app.js", "app:///dist/a@b.js"), alter_files=("~/app.js.map",))),
])
def test_parse_faults(specs: list[str], expected: Faults) -> None:
    assert parse_faults(specs) == expected


@pytest.mark.parametrize("spec, message", [
    ("burst:x", "bad fault 'burst:x': see `smtools test-server --help` for the syntax"),
    ("burst:1:99", "bad fault 'burst:1:99': see `smtools test-server --help` for the syntax"),
    ("burst:1@nowhere", "bad fault 'burst:1@nowhere': unknown endpoint nowhere"),
    ("lose-chunks:1@chunk-upload", "bad fault 'lose-chunks:1@chunk-upload': see"),
    ("max-body:-1", "bad fault 'max-body:-1': see"),
    ("assemble-error", "bad fault 'assemble-error': assemble-error needs a detail message"),
    ("scope-missing:1", "bad fault 'scope-missing:1': see"),
    ("lose-file", "bad fault 'lose-file': lose-file needs an artifact name, e.g. lose-file:~/app.js"),
    ("alter-file:", "bad fault 'alter-file:': alter-file needs an artifact name"),
])
def test_parse_faults_errors(spec: str, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_faults([spec])
    assert str(caught.value).startswith(message)
