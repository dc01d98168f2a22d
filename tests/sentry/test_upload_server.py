"""The upload workflow against the local Sentry test server, in every mode and fault.

Every test checks what the server holds (``server.artifacts``) against what the report
says was uploaded: nothing may be reported as uploaded that the server does not hold.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fixtures_upload import MAP, MINIFIED, write_dist

from smtools.errors import ConfigError, NetworkError, SentryAPIError, SentryAuthError
from smtools.sentry.job import UploadJob, UploadReport, make_client, run_upload
from smtools.sentry.session import RetryPolicy
from smtools.sentry.settings import Settings
from smtools.sentry.token import Secret

server_module = pytest.importorskip("smtools.testing.sentry_server")
SentryTestServer = server_module.SentryTestServer
from smtools.testing.faults import Faults, RateLimit, Reset, ScopeMissing, Slow, StatusBurst  # noqa: E402

TOKEN = "sntryu_UPLOADTESTTOKEN_5f1d2c"
MODES = ("modern", "artifact-bundles-v1", "release-bundles", "legacy")
EXPECTED = ["~/app.js", "~/app.js.map"]
FAST = RetryPolicy(initial_delay=0.01, max_delay=0.05, jitter=0.0, total=30.0)


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    return write_dist(tmp_path / "dist")


@pytest.fixture
def server() -> Iterator[Any]:
    with SentryTestServer(token=TOKEN, org="acme", projects=("desktop",)) as running:
        yield running


def settings_for(url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"url": url, "org": "acme", "projects": ("desktop",),
                              "auth_token": Secret(TOKEN), "release": "1.0.0"}
    values.update(overrides)
    return Settings(**values)


def upload(dist: Path, settings: Settings, *, sleeps: list[float] | None = None,
           **job: Any) -> UploadReport:
    recorded = sleeps if sleeps is not None else []
    client = make_client(settings, settings.org or "", policy=FAST, sleep=recorded.append)
    job.setdefault("poll_interval", 0.01)
    return run_upload(UploadJob(paths=(dist,), **job), settings, client=client,
                      sleep=recorded.append)


def stored(server: Any, release: str = "1.0.0") -> dict[str, Any]:
    return {a.name: a for a in server.artifacts(release)}


def chunk_bytes(server: Any, since: int = 0) -> int:
    return sum(r.chunk_bytes for r in server.requests[since:] if r.endpoint == "chunk-upload")


def assert_server_holds_what_was_reported(server: Any, report: UploadReport, dist: Path) -> None:
    held = stored(server)
    assert report.outcome is not None
    for name in report.outcome.uploaded + report.outcome.already_present:
        assert name in held, f"{name} reported but not on the server"
        local = dist / name.removeprefix("~/")
        assert hashlib.sha1(held[name].content).hexdigest() == \
            hashlib.sha1(local.read_bytes()).hexdigest()


@pytest.mark.parametrize("mode", MODES)
def test_upload_succeeds_in_every_mode(mode: str, dist: Path) -> None:
    with SentryTestServer(token=TOKEN, org="acme", projects=("desktop",), mode=mode) as server:
        report = upload(dist, settings_for(server.url))
        assert report.protocol == {"modern": "artifact-bundle",
                                   "artifact-bundles-v1": "artifact-bundle",
                                   "release-bundles": "release-bundle", "legacy": "legacy"}[mode]
        assert sorted(report.outcome.uploaded) == EXPECTED
        held = stored(server)
        assert sorted(held) == EXPECTED
        assert held["~/app.js"].content == MINIFIED.encode()
        assert held["~/app.js.map"].content == json.dumps(MAP).encode()
        assert held["~/app.js"].headers["sourcemap"] == "app.js.map"
        assert "1.0.0" in server.releases
        assert report.ok
        assert_server_holds_what_was_reported(server, report, dist)
        assert not server.errors


@pytest.mark.parametrize("mode", MODES)
def test_second_upload_finds_everything_present(mode: str, dist: Path) -> None:
    with SentryTestServer(token=TOKEN, org="acme", projects=("desktop",), mode=mode) as server:
        upload(dist, settings_for(server.url))
        before = len(server.requests)
        again = upload(dist, settings_for(server.url))
        assert sorted(stored(server)) == EXPECTED
        if mode == "modern":
            # v2: assemble first, nothing missing, so not one chunk byte goes out.
            assert chunk_bytes(server, before) == 0
            assert sorted(again.outcome.already_present) == EXPECTED
            assert again.outcome.chunks_sent == 0
        if mode == "legacy":
            assert sorted(again.outcome.already_present) == EXPECTED
            assert not [r for r in server.requests[before:] if r.endpoint == "file-upload"]
        assert again.ok


def test_artifact_bundle_with_dist_url_prefix_and_debug_ids(tmp_path: Path, server: Any) -> None:
    debug_id = "4a64c7da-41e8-5519-ab4a-aaedca117352"
    dist = write_dist(tmp_path / "dist", files={
        "app.js": MINIFIED + f"//# debugId={debug_id}\n",
        "app.js.map": json.dumps(dict(MAP, debugId=debug_id))})
    from smtools.sentry.artifacts import NamingOptions

    report = upload(dist, settings_for(server.url, dist="win32"),
                    naming=NamingOptions(url_prefix="app:///dist/electron"))
    held = {a.name: a for a in server.artifacts("1.0.0", "win32")}
    assert sorted(held) == ["app:///dist/electron/app.js", "app:///dist/electron/app.js.map"]
    assert held["app:///dist/electron/app.js"].debug_id == debug_id
    assert held["app:///dist/electron/app.js.map"].debug_id == debug_id
    assert report.ok


def test_upload_without_release_needs_debug_ids(tmp_path: Path, server: Any, dist: Path) -> None:
    with pytest.raises(ConfigError, match=r"cannot upload without a release: app\.js has no debug id"):
        upload(dist, settings_for(server.url, release=None))
    debug_id = "4a64c7da-41e8-5519-ab4a-aaedca117352"
    injected = write_dist(tmp_path / "injected", files={
        "app.js": MINIFIED + f"//# debugId={debug_id}\n",
        "app.js.map": json.dumps(dict(MAP, debugId=debug_id))})
    report = upload(injected, settings_for(server.url, release=None))
    assert sorted(a.name for a in server.artifacts()) == EXPECTED
    # No release: the bundle is verified through its own file listing.
    assert report.verification is not None and report.verification.skipped_reason is None
    assert (report.verification.checked, report.ok) == (2, True)


def test_finalize_only_after_success(server: Any, dist: Path) -> None:
    report = upload(dist, settings_for(server.url), finalize=True)
    assert report.outcome.finalized
    assert server.releases["1.0.0"].date_released is not None


def test_interrupted_upload_finalizes_nothing_and_rerun_finishes(tmp_path: Path) -> None:
    big = {"app.js": MINIFIED, "app.js.map": json.dumps(dict(MAP, sourcesContent=[
        "".join(f"// line {i} {hashlib.sha1(str(i).encode()).hexdigest()}\n" for i in range(8000))]))}
    dist = write_dist(tmp_path / "dist", files=big)
    with SentryTestServer(token=TOKEN, org="acme", projects=("desktop",), chunk_size=64 * 1024,
                          chunks_per_request=1, concurrency=1) as server:
        settings = settings_for(server.url)
        calls = []

        def interrupt(progress: Any) -> None:
            calls.append(progress)
            if progress.phase == "upload" and progress.bytes_done > 0:
                raise KeyboardInterrupt

        client = make_client(settings, "acme", policy=FAST)
        with pytest.raises(KeyboardInterrupt):
            run_upload(UploadJob(paths=(dist,), finalize=True, poll_interval=0.01), settings,
                       client=client, on_progress=interrupt)
        assert server.artifacts("1.0.0") == []
        assert server.releases["1.0.0"].date_released is None
        sent_first = chunk_bytes(server)
        assert sent_first > 0
        before = len(server.requests)
        report = upload(dist, settings, finalize=True)
        total = report.bundle is not None and len(report.bundle.data)
        # Only the chunks the first run did not deliver go out again.
        assert chunk_bytes(server, before) == total - sent_first
        assert sorted(stored(server)) == EXPECTED
        assert report.outcome.finalized


def test_chunk_requests_respect_server_limits(tmp_path: Path) -> None:
    dist = write_dist(tmp_path / "dist", files={
        "app.js": MINIFIED, "app.js.map": json.dumps(dict(MAP, sourcesContent=["x" * 300_000]))})
    with SentryTestServer(token=TOKEN, org="acme", projects=("desktop",), chunk_size=32 * 1024,
                          max_request_bytes=64 * 1024, chunks_per_request=4) as server:
        report = upload(dist, settings_for(server.url))
        chunk_posts = [r for r in server.requests if r.endpoint == "chunk-upload"]
        assert all(len(r.chunk_ids) <= 2 for r in chunk_posts)
        assert sum(len(r.chunk_ids) for r in chunk_posts) == report.outcome.chunks_total
        assert sorted(stored(server)) == EXPECTED


# -- faults ------------------------------------------------------------------------------

RECOVERABLE = {
    "status-burst": Faults(status_burst=StatusBurst(count=3, status=(502, 503, 504))),
    "rate-limit-retry-after": Faults(rate_limit=RateLimit(count=2, retry_after=2)),
    "rate-limit-no-retry-after": Faults(rate_limit=RateLimit(count=2, retry_after=None)),
    "reset": Faults(reset=Reset(count=2, endpoint="chunk-upload")),
    "slow": Faults(slow=Slow(delay=0.2, count=2)),
    "lost-chunks": Faults(lose_chunks=1),
    "assemble-pending": Faults(assemble_pending=3),
}


@pytest.mark.parametrize("name", list(RECOVERABLE))
@pytest.mark.parametrize("mode", MODES)
def test_recoverable_faults_complete(mode: str, name: str, dist: Path) -> None:
    faults = RECOVERABLE[name]
    chunked_only = name in ("lost-chunks", "assemble-pending", "reset")
    if chunked_only and mode == "legacy":
        faults = Faults(reset=Reset(count=1, endpoint="file-upload")) if name == "reset" else None
        if faults is None:
            pytest.skip("no chunks or assemble in legacy mode")
    with SentryTestServer(token=TOKEN, org="acme", projects=("desktop",), mode=mode,
                          faults=faults) as server:
        sleeps: list[float] = []
        if name == "lost-chunks" and mode in ("artifact-bundles-v1", "release-bundles"):
            # Without v2 the server assembles with the chunk missing and fails (and caches
            # that state for 10 minutes): a clean error, nothing reported as uploaded.
            with pytest.raises(SentryAPIError, match=r"sentry could not process the uploaded "
                                                     r"bundle .*: Not all chunks available"):
                upload(dist, settings_for(server.url), sleeps=sleeps)
            assert stored(server) == {}
            return
        report = upload(dist, settings_for(server.url), sleeps=sleeps)
        assert sorted(stored(server)) == EXPECTED
        assert_server_holds_what_was_reported(server, report, dist)
        if name == "rate-limit-retry-after":
            assert sleeps[:2] == [2.0, 2.0]
        if name in ("status-burst", "rate-limit-retry-after", "rate-limit-no-retry-after"):
            assert report.stats.retries >= 2


def test_reset_exhausting_retries_is_a_clean_network_error(dist: Path) -> None:
    faults = Faults(reset=Reset(count=50, endpoint="chunk-upload"))
    with SentryTestServer(token=TOKEN, org="acme", projects=("desktop",), faults=faults) as server:
        with pytest.raises(NetworkError, match=r"^cannot reach http://127\.0\.0\.1:\d+/ \(.*\)$"):
            upload(dist, settings_for(server.url))
        assert stored(server) == {}


def test_timeout_is_a_clean_network_error(dist: Path) -> None:
    faults = Faults(slow=Slow(delay=1.5, endpoint="chunk-options"))
    with SentryTestServer(token=TOKEN, org="acme", projects=("desktop",), faults=faults) as server:
        settings = settings_for(server.url, timeout=0.3, max_retries=1)
        with pytest.raises(NetworkError, match=r"did not answer in time \(/api/0/organizations/acme/"
                                               r"chunk-upload/\)$"):
            upload(dist, settings)


def test_assemble_still_pending_after_the_wait_fails_cleanly(dist: Path) -> None:
    with SentryTestServer(token=TOKEN, org="acme", projects=("desktop",),
                          faults=Faults(assemble_pending=1000)) as server:
        with pytest.raises(SentryAPIError, match=r"still processing bundle \w+ after 0\.05s: run "
                                                 r"the same upload again later"):
            upload(dist, settings_for(server.url), wait_for=0.05, finalize=True)
        assert stored(server) == {}
        assert server.releases["1.0.0"].date_released is None


@pytest.mark.parametrize("mode", ["modern", "artifact-bundles-v1", "release-bundles"])
def test_assemble_error_is_reported_with_detail(mode: str, dist: Path) -> None:
    with SentryTestServer(token=TOKEN, org="acme", projects=("desktop",), mode=mode,
                          faults=Faults(assemble_error="disk full")) as server:
        with pytest.raises(SentryAPIError, match=r"could not process the uploaded bundle \w+: "
                                                 r"disk full$"):
            upload(dist, settings_for(server.url))
        assert stored(server) == {}


@pytest.mark.parametrize("mode", MODES)
def test_body_limit_413_names_the_limit_then_smaller_chunks_work(mode: str, tmp_path: Path) -> None:
    dist = write_dist(tmp_path / "dist", files={
        "app.js": MINIFIED,
        "app.js.map": json.dumps(dict(MAP, sourcesContent=[hashlib.sha256(str(i).encode()).hexdigest()
                                                           for i in range(4000)]))})
    with SentryTestServer(token=TOKEN, org="acme", projects=("desktop",), mode=mode,
                          faults=Faults(max_body_bytes=100 * 1024)) as server:
        with pytest.raises(SentryAPIError, match=r"\(413\) at .*: a proxy limits the body size "
                                                 r"\(nginx client_max_body_size"):
            upload(dist, settings_for(server.url))
        if mode == "legacy":
            return  # one file per request: only raising the proxy limit helps
        report = upload(dist, settings_for(server.url), chunk_size=64 * 1024)
        assert sorted(stored(server)) == EXPECTED
        assert report.ok


@pytest.mark.parametrize("mode", MODES)
def test_scope_missing_is_an_auth_error(mode: str, dist: Path) -> None:
    with SentryTestServer(token=TOKEN, org="acme", projects=("desktop",), mode=mode,
                          faults=Faults(scope_missing=True)) as server:
        with pytest.raises(SentryAuthError, match=r"not allowed to do this \(403\)"):
            upload(dist, settings_for(server.url))
        assert stored(server) == {}


def test_scope_missing_only_for_finalize_leaves_release_unfinalized(dist: Path) -> None:
    faults = Faults(scope_missing=ScopeMissing(endpoint="release-update"))
    with SentryTestServer(token=TOKEN, org="acme", projects=("desktop",), faults=faults) as server:
        with pytest.raises(SentryAuthError):
            upload(dist, settings_for(server.url), finalize=True)
        assert server.releases["1.0.0"].date_released is None


def test_wrong_token_wrong_org_wrong_project(server: Any, dist: Path) -> None:
    with pytest.raises(SentryAuthError, match=r"^sentry rejected the auth token \(401\)"):
        upload(dist, settings_for(server.url, auth_token=Secret("nope")))
    with pytest.raises(SentryAPIError, match=r"^organization 'other' not found \(404\) at http://127\.0\.0\.1:\d+/api/0/"
                                              r"organizations/other/chunk-upload/: The requested "
                                              r"resource does not exist$"):
        upload(dist, settings_for(server.url, org="other"))
    with pytest.raises(SentryAPIError, match=r"^sentry reported an error for organization 'acme'"
                                             r" or project 'ghost': projects: Invalid projects "
                                             r"\(http status 400\) at "):
        upload(dist, settings_for(server.url, projects=("ghost",)))
    assert stored(server) == {}


def test_protocol_constraints(server: Any, dist: Path) -> None:
    with pytest.raises(ConfigError, match="legacy upload needs exactly one project, got 2"):
        upload(dist, settings_for(server.url, projects=("desktop", "web")), protocol="legacy")
    with pytest.raises(ConfigError, match="release-bundle upload needs a release"):
        upload(dist, settings_for(server.url, release=None), protocol="release-bundle")


@pytest.mark.parametrize("forced", ["artifact-bundle", "release-bundle", "legacy"])
def test_protocol_can_be_forced(forced: str, server: Any, dist: Path) -> None:
    report = upload(dist, settings_for(server.url), protocol=forced)
    assert report.protocol == forced
    assert sorted(stored(server)) == EXPECTED


def test_dry_run_sends_nothing_but_reads_options(server: Any, dist: Path) -> None:
    report = upload(dist, settings_for(server.url), dry_run=True)
    assert report.protocol == "artifact-bundle"
    assert [r.method for r in server.requests] == ["GET"]
    assert report.bundle is not None and report.outcome is None
    assert stored(server) == {} and server.releases == {}


def test_not_a_sentry_server(dist: Path) -> None:
    import http.server
    import threading

    class Html(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"<!doctype html><title>Welcome to nginx!</title>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Html)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/"
        with pytest.raises(SentryAPIError, match=rf"^{url} does not look like a sentry server: "):
            upload(dist, settings_for(url))
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_verification_reports_a_file_the_server_lost(dist: Path) -> None:
    with SentryTestServer(token=TOKEN, org="acme", projects=("desktop",), mode="legacy") as server:
        upload(dist, settings_for(server.url))
        # Someone deletes one file and corrupts nothing else: a rerun re-sends only it.
        victim = next(a for a in server.artifacts("1.0.0") if a.name == "~/app.js.map")
        import requests

        requests.delete(f"{server.url}api/0/projects/acme/desktop/releases/1.0.0/files/{victim.id}/",
                        headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5)
        report = upload(dist, settings_for(server.url))
        assert report.outcome.uploaded == ["~/app.js.map"]
        assert report.outcome.already_present == ["~/app.js"]
        assert report.ok


@pytest.mark.parametrize("mode", MODES)
def test_verification_lists_what_the_server_holds(mode: str, dist: Path) -> None:
    with SentryTestServer(token=TOKEN, org="acme", projects=("desktop",), mode=mode) as server:
        report = upload(dist, settings_for(server.url))
        listing = "bundle-files" if report.protocol == "artifact-bundle" else "file-list"
        assert server.requests_to(listing)
        assert report.verification is not None and report.verification.skipped_reason is None
        assert (report.verification.checked, report.verification.missing,
                report.verification.mismatched) == (2, [], [])


@pytest.mark.parametrize("mode", MODES)
def test_verification_reports_a_file_the_server_did_not_keep(mode: str, dist: Path) -> None:
    faults = Faults(lose_files=("~/app.js.map",))
    with SentryTestServer(token=TOKEN, org="acme", projects=("desktop",), mode=mode,
                          faults=faults) as server:
        report = upload(dist, settings_for(server.url))
        assert sorted(stored(server)) == ["~/app.js"]
        assert report.verification is not None
        assert (report.verification.missing, report.verification.mismatched) == (["~/app.js.map"], [])
        assert not report.ok


@pytest.mark.parametrize("mode", MODES)
def test_verification_reports_a_file_the_server_altered(mode: str, dist: Path) -> None:
    with SentryTestServer(token=TOKEN, org="acme", projects=("desktop",), mode=mode,
                          faults=Faults(alter_files=("~/app.js",))) as server:
        report = upload(dist, settings_for(server.url))
        assert report.verification is not None and report.verification.missing == []
        [(name, local, remote)] = report.verification.mismatched
        assert name == "~/app.js" and local != remote
        assert not report.ok
