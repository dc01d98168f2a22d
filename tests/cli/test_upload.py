"""`smtools upload`: exact lines, exit codes, --json, --dry-run, and no token in any output."""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

server_module = pytest.importorskip("smtools.testing.sentry_server")
SentryTestServer = server_module.SentryTestServer
from smtools.testing.faults import Faults  # noqa: E402

TOKEN = "sntryu_LEAKCANARY_7d41f0c2a9"
MINIFIED = 'function a(){throw new Error("boom")}a();\n//# sourceMappingURL=app.js.map\n'
MAP = {"version": 3, "file": "app.js", "sources": ["webpack:///src/app.js"],
       "sourcesContent": ["function a() {\n  throw new Error('boom')\n}\na()\n"],
       "names": ["a", "Error"], "mappings": "AAAA,SAASA,IAAI,MAAM,IAAIC"}


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in ("SENTRY_AUTH_TOKEN", "SENTRY_URL", "SENTRY_ORG", "SENTRY_PROJECT",
                 "SENTRY_RELEASE", "SENTRY_PROPERTIES", "SENTRY_CA_BUNDLE", "REQUESTS_CA_BUNDLE",
                 "CURL_CA_BUNDLE", "SSL_CERT_FILE", "HTTPS_PROXY", "https_proxy", "HTTP_PROXY",
                 "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("SENTRY_HTTP_MAX_RETRIES", "0")
    work = tmp_path / "work"
    (work / "dist" / "electron").mkdir(parents=True)
    (work / "dist" / "electron" / "app.js").write_text(MINIFIED)
    (work / "dist" / "electron" / "app.js.map").write_text(json.dumps(MAP))
    monkeypatch.chdir(work)
    return work


@pytest.fixture
def server() -> Iterator[Any]:
    with SentryTestServer(token=TOKEN, org="acme", projects=("desktop",)) as running:
        yield running


def env_for(monkeypatch: pytest.MonkeyPatch, url: str, token: str = TOKEN) -> None:
    monkeypatch.setenv("SENTRY_URL", url)
    monkeypatch.setenv("SENTRY_AUTH_TOKEN", token)
    monkeypatch.setenv("SENTRY_ORG", "acme")
    monkeypatch.setenv("SENTRY_PROJECT", "desktop")


def test_upload_default_path_and_summary(smtools: Callable[..., Any], server: Any,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    env_for(monkeypatch, server.url)
    result = smtools("upload", "--release", "1.0.0")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (f"2 uploaded, 0 already on the server (artifact-bundle) to {server.url} "
                        "acme/desktop release 1.0.0")
    assert lines[1].startswith("sent 1 of 1 chunks (")
    assert lines[2] == "verified 2/2 artifacts on the server"
    assert sorted(a.name for a in server.artifacts("1.0.0")) == ["~/app.js", "~/app.js.map"]
    assert "uploading " in result.stderr  # plain progress lines in CI


def test_second_upload_json_says_already_present(smtools: Callable[..., Any], server: Any,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    env_for(monkeypatch, server.url)
    assert smtools("upload", "-r", "1.0.0").exit_code == 0
    result = smtools("upload", "-r", "1.0.0", "--json")
    assert result.exit_code == 0
    summary = json.loads(result.stdout)
    assert summary["uploaded"] == []
    assert sorted(summary["already_present"]) == ["~/app.js", "~/app.js.map"]
    assert summary["chunks"]["bytes_sent"] == 0
    assert summary["protocol"] == "artifact-bundle" and summary["ok"] is True
    assert summary["release"] == "1.0.0" and summary["projects"] == ["desktop"]


def test_dry_run_prints_plan_and_sends_nothing(smtools: Callable[..., Any], server: Any,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    env_for(monkeypatch, server.url)
    result = smtools("upload", "-r", "1.0.0", "--dry-run", "--url-prefix", "app:///dist")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == (f"dry run, nothing sent: 2 files to {server.url} acme/desktop release "
                        "1.0.0, protocol artifact-bundle (server accepts artifact_bundles)")
    assert lines[1] == f"  app:///dist/app.js  {len(MINIFIED)} B  minified_source  Sourcemap=app.js.map"
    assert lines[2] == f"  app:///dist/app.js.map  {len(json.dumps(MAP))} B  source_map"
    assert lines[3].startswith("bundle ")
    assert [r.method for r in server.requests] == ["GET"]
    assert server.artifacts() == [] and server.releases == {}


def test_broken_map_is_refused_unless_no_validate(smtools: Callable[..., Any], server: Any,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  clean_env: Path) -> None:
    env_for(monkeypatch, server.url)
    (clean_env / "dist" / "electron" / "app.js.map").write_text(
        json.dumps(dict(MAP, mappings="AAAA,ZZZZZZZZ")))
    result = smtools("upload", "-r", "1.0.0")
    assert result.exit_code == 3
    assert result.stderr.strip() == (
        "error: refusing to upload 1 broken source map (pass --no-validate to upload anyway): "
        "app.js.map: segment 'ZZZZZZZZ' at generated line 1, segment 2 has 8 fields "
        "(expected 1, 4 or 5)")
    assert server.requests == []
    assert smtools("upload", "-r", "1.0.0", "--no-validate").exit_code == 0
    assert len(server.artifacts("1.0.0")) == 2


def test_missing_token_org_project(smtools: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> None:
    result = smtools("upload", "-r", "1", "-o", "acme", "-p", "desktop")
    assert (result.exit_code, result.stderr.strip()) == (4, (
        "error: no auth token: set SENTRY_AUTH_TOKEN, pass --auth-token or add token under "
        "[auth] in .sentryclirc"))
    result = smtools("upload", "-r", "1", "-p", "desktop")
    assert (result.exit_code, result.stderr.strip()) == (4, (
        "error: an organization is required: pass --org, set SENTRY_ORG or use an org auth token"))


def test_no_path_and_no_dist(smtools: Callable[..., Any], tmp_path: Path,
                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = smtools("upload", "-r", "1", "-o", "acme", "-p", "desktop")
    assert (result.exit_code, result.stderr.strip()) == (2, (
        "error: no PATH given and neither dist/electron nor dist exists here: pass the folder "
        "with the built bundles"))


def test_insecure_warns_on_every_run(smtools: Callable[..., Any], server: Any,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    env_for(monkeypatch, server.url)
    for _ in range(2):
        result = smtools("upload", "-r", "1.0.0", "--insecure")
        assert result.exit_code == 0
        assert (f"warning: TLS certificate verification is OFF (--insecure): the connection to "
                f"{server.url} is not authenticated") in result.stderr.splitlines()


def test_bad_chunk_size(smtools: Callable[..., Any]) -> None:
    result = smtools("upload", "--chunk-size", "lots")
    assert result.exit_code == 2
    assert "'lots' is not a size like 512K, 4M or 1048576" in result.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _html_server() -> Any:
    import http.server
    import threading

    class Html(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "6")
            self.end_headers()
            self.wfile.write(b"<html>")

        def log_message(self, *args: Any) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Html)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


# (name, server kwargs, extra args, expected exit code, expected stderr line or None)
SCENARIOS = [
    ("success", {}, [], 0, None),
    ("success-json", {}, ["--json"], 0, None),
    ("dry-run", {}, ["--dry-run", "--json"], 0, None),
    ("wrong-token", {"token": "another-token"}, [], 4,
     "error: sentry rejected the auth token (401) for {url}api/0/organizations/acme/chunk-upload/: "
     "check SENTRY_AUTH_TOKEN or --auth-token"),
    ("scope", {"faults": Faults(scope_missing=True)}, [], 4,
     "error: the auth token is not allowed to do this (403) at {url}api/0/organizations/acme/"
     "releases/: it needs the project:releases (or org:ci) scope and access to the project"),
    ("unknown-org", {"org": "other"}, [], 5,
     "error: organization 'acme' not found (404) at {url}api/0/organizations/acme/chunk-upload/: "
     "The requested resource does not exist"),
    ("body-limit", {"faults": Faults(max_body_bytes=200)}, [], 5, None),
    ("assemble-error", {"faults": Faults(assemble_error="boom")}, [], 5, None),
    ("legacy", {"mode": "legacy"}, ["--json"], 0, None),
    ("auth-token-flag", {}, ["--auth-token", TOKEN, "--json"], 0, None),
    ("lost-file", {"faults": Faults(lose_files=("~/app.js.map",))}, [], 5,
     "error: verification failed: 1 missing and 0 different (size or checksum) on the server of 2: "
     "~/app.js.map; run the same upload again"),
    ("altered-file", {"mode": "legacy", "faults": Faults(alter_files=("~/app.js",))}, [], 5,
     "error: verification failed: 0 missing and 1 different (size or checksum) on the server of 2: "
     "~/app.js; run the same upload again"),
]


@pytest.mark.parametrize("name, kwargs, args, code, line", SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_every_scenario_exit_code_and_no_token_anywhere(
        name: str, kwargs: dict[str, Any], args: list[str], code: int, line: str | None,
        smtools: Callable[..., Any], monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    options = {"token": TOKEN, "org": "acme", "projects": ("desktop",), **kwargs}
    with SentryTestServer(**options) as server:
        env_for(monkeypatch, server.url)
        result = smtools("upload", "-r", "1.0.0", *args)
        assert result.exit_code == code, result.stderr
        if line is not None:
            assert result.stderr.strip().splitlines()[-1] == line.format(url=server.url)
        if code:
            # one clean line, never a traceback
            assert "Traceback" not in result.stderr
            assert result.stderr.strip().splitlines()[-1].startswith("error: ")
        if "--json" in args and code == 0:
            json.loads(result.stdout)
    for text in (result.stdout, result.stderr, caplog.text):
        assert TOKEN not in text
        assert "LEAKCANARY" not in text


@pytest.mark.parametrize("name", ["network-down", "not-sentry"])
def test_network_failures_are_one_line_exit_5_without_token(
        name: str, smtools: Callable[..., Any], monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    httpd = _html_server() if name == "not-sentry" else None
    url = (f"http://127.0.0.1:{httpd.server_address[1]}/" if httpd
           else f"http://127.0.0.1:{free_port()}/")
    try:
        env_for(monkeypatch, url)
        result = smtools("upload", "-r", "1.0.0")
    finally:
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()
    expected = {
        "network-down": f"error: cannot reach {url} (connection refused)",
        "not-sentry": f"error: {url} does not look like a sentry server: GET "
                      f"{url}api/0/organizations/acme/chunk-upload/ answered 200 with text/html",
    }[name]
    assert (result.exit_code, result.stderr.strip()) == (5, expected)
    for text in (result.stdout, result.stderr, caplog.text):
        assert "LEAKCANARY" not in text
