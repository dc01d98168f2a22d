"""`smtools config show`: effective settings, their sources, the token masked."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

SECRET = "CONFIGSHOWSECRET"


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in ("SENTRY_AUTH_TOKEN", "SENTRY_URL", "SENTRY_ORG", "SENTRY_PROJECT", "SENTRY_RELEASE",
                 "SENTRY_PROPERTIES", "SENTRY_CA_BUNDLE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE",
                 "SSL_CERT_FILE", "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy",
                 "ALL_PROXY", "all_proxy", "SENTRY_HTTP_MAX_RETRIES", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    work = tmp_path / "repo" / "app"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    return work


def rows(stdout: str) -> dict[str, tuple[str, str]]:
    table: dict[str, tuple[str, str]] = {}
    for line in stdout.splitlines()[1:]:
        parts = line.split(None, 2)
        if len(parts) == 3 and not line.startswith("config files"):
            value_and_source = parts[1:]
            table[parts[0]] = (value_and_source[0], value_and_source[1].strip())
    return table


def test_show_reports_values_and_sources(smtools: Callable[..., Any], isolated: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    rc = isolated.parent / ".sentryclirc"
    rc.write_text(f"[defaults]\norg=rc-org\nproject=desktop\n[auth]\ntoken=tok-{SECRET}\n")
    monkeypatch.setenv("SENTRY_ORG", "env-org")
    result = smtools("config", "show", "--url", "https://sentry.example.org")
    assert result.exit_code == 0, result.stderr
    table = rows(result.stdout)
    assert table["url"] == ("https://sentry.example.org/", "--url")
    assert table["org"] == ("env-org", "env SENTRY_ORG")
    assert table["projects"] == ("desktop", f"{rc} [defaults] project")
    assert table["auth_token"] == ("********", f"{rc} [auth] token")
    assert table["verify_ssl"] == ("true", "default")
    assert f"config files read: {rc}" in result.stdout
    assert SECRET not in result.stdout + result.stderr


def test_show_json_masks_org_token_and_reports_its_overrides(smtools: Callable[..., Any],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    payload = base64.b64encode(json.dumps({"iat": 1, "url": "https://sentry.acme.example",
                                           "org": "acme"}).encode()).decode()
    token = f"sntrys_{payload}_{SECRET}"
    monkeypatch.setenv("SENTRY_AUTH_TOKEN", token)
    result = smtools("config", "show", "--json", "--org", "other")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    settings = data["settings"]
    assert settings["auth_token"] == {"value": "sntrys_********", "source": "env SENTRY_AUTH_TOKEN"}
    assert settings["url"] == {"value": "https://sentry.acme.example/",
                               "source": "auth token (org token payload)"}
    assert settings["org"] == {"value": "acme", "source": "auth token (org token payload)"}
    assert result.stderr.strip() == ("warning: using the org 'acme' of the org auth token instead "
                                     "of 'other' (--org)")
    assert SECRET not in result.stdout + result.stderr and payload not in result.stdout


def test_show_insecure_from_ini_warns(smtools: Callable[..., Any], isolated: Path) -> None:
    (isolated / "sentrycli.ini").write_text("[http]\nverify_ssl=False\n")
    result = smtools("config", "show")
    assert result.exit_code == 0
    assert rows(result.stdout)["verify_ssl"][0] == "false"
    assert result.stderr.strip() == (
        f"warning: TLS certificate verification is OFF ({isolated / 'sentrycli.ini'} [http] "
        "verify_ssl): the connection to https://sentry.io/ is not authenticated")


def test_show_bad_ca_bundle_is_exit_4(smtools: Callable[..., Any]) -> None:
    result = smtools("config", "show", "--ca-bundle", "nope.pem")
    assert result.exit_code == 4
    assert result.stderr.strip().startswith("error: CA bundle ")
    assert result.stderr.strip().endswith("nope.pem (--ca-bundle) does not exist or is not a file")
