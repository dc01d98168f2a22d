"""Settings precedence (sentry-api.md §1.3) with injected env and paths: no monkeypatching."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from smtools.errors import ConfigError
from smtools.sentry.settings import resolve_settings
from smtools.sentry.token import Secret, parse_org_token


def org_token(payload: dict[str, object], secret: str = "s3cr3tpart") -> str:
    encoded = base64.b64encode(json.dumps(payload).encode()).decode()
    return f"sntrys_{encoded}_{secret}"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "work" / "app" / "packages" / "desktop"
    path.mkdir(parents=True)
    return path


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_when_nothing_is_configured(project: Path, home: Path) -> None:
    settings = resolve_settings({}, {}, project, home)
    assert settings.url == "https://sentry.io/"
    assert settings.sources["url"] == "default"
    assert settings.org is None and settings.projects == () and settings.auth_token is None
    assert settings.verify_ssl is True and settings.max_retries == 5


def test_flag_beats_env_beats_project_file_beats_global_file(project: Path, home: Path) -> None:
    write(home / ".sentryclirc", "[defaults]\nurl=https://global.example/\norg=g-org\n"
          "project=g-proj\n[auth]\ntoken=global-token\n")
    write(project.parent.parent / ".sentryclirc", "[defaults]\norg=p-org\nproject=p-proj\n")
    env = {"SENTRY_PROJECT": "env-proj"}
    settings = resolve_settings({"projects": ("flag-proj",)}, env, project, home)
    assert settings.projects == ("flag-proj",)
    assert settings.sources["projects"] == "--project"
    settings = resolve_settings({}, env, project, home)
    assert settings.projects == ("env-proj",)
    assert settings.sources["projects"] == "env SENTRY_PROJECT"
    settings = resolve_settings({}, {}, project, home)
    # project file overrides the global one key by key: org/project from it, url/token global
    assert settings.org == "p-org" and settings.projects == ("p-proj",)
    assert settings.url == "https://global.example/"
    assert settings.auth_token == Secret("global-token")
    rc = project.parent.parent / ".sentryclirc"
    assert settings.sources["org"] == f"{rc} [defaults] org"
    assert settings.sources["url"] == f"{home / '.sentryclirc'} [defaults] url"


def test_nearest_project_file_wins_and_sentryclirc_before_ini(project: Path, home: Path) -> None:
    write(project.parent.parent / ".sentryclirc", "[defaults]\norg=far\n")
    write(project.parent / "sentrycli.ini", "[defaults]\norg=near-ini\n")
    assert resolve_settings({}, {}, project, home).org == "near-ini"
    write(project.parent / ".sentryclirc", "[defaults]\norg=near-rc\n")
    assert resolve_settings({}, {}, project, home).org == "near-rc"


def test_global_falls_back_to_xdg_sentrycli_ini(project: Path, home: Path, tmp_path: Path) -> None:
    xdg = tmp_path / "xdg"
    (xdg / "sentry").mkdir(parents=True)
    write(xdg / "sentry" / "sentrycli.ini", "[defaults]\norg=xdg-org\n")
    settings = resolve_settings({}, {"XDG_CONFIG_HOME": str(xdg)}, project, home)
    assert settings.org == "xdg-org"


def test_sentry_properties_only_when_named_and_overrides_files(project: Path, home: Path) -> None:
    write(project / ".sentryclirc", "[defaults]\norg=rc-org\nproject=rc-proj\n")
    props = write(project / "sentry.properties",
                  "# comment\ndefaults.org=props-org\ndefaults.url = https://props.example/\n"
                  "auth.token: props-token\n")
    assert resolve_settings({}, {}, project, home).org == "rc-org"
    settings = resolve_settings({}, {"SENTRY_PROPERTIES": str(props)}, project, home)
    assert settings.org == "props-org"
    assert settings.projects == ("rc-proj",)
    assert settings.url == "https://props.example/"
    assert settings.auth_token == Secret("props-token")
    assert settings.sources["org"] == f"{props} defaults.org"


def test_missing_sentry_properties_is_an_error(project: Path, home: Path) -> None:
    with pytest.raises(ConfigError, match=r"SENTRY_PROPERTIES file .*nope\.properties does not exist"):
        resolve_settings({}, {"SENTRY_PROPERTIES": "nope.properties"}, project, home)


def test_env_beats_ini_and_flag_beats_env_for_token(project: Path, home: Path) -> None:
    write(home / ".sentryclirc", "[auth]\ntoken=ini-token\n")
    env = {"SENTRY_AUTH_TOKEN": "env-token"}
    assert resolve_settings({}, env, project, home).auth_token == Secret("env-token")
    settings = resolve_settings({"auth_token": "flag-token"}, env, project, home)
    assert settings.auth_token == Secret("flag-token")
    assert settings.sources["auth_token"] == "--auth-token"


def test_org_token_payload_url_and_org_win_over_flags(project: Path, home: Path) -> None:
    token = org_token({"iat": 1, "url": "https://sentry.acme.example", "org": "acme"})
    flags = {"auth_token": token, "url": "https://other.example/", "org": "other"}
    settings = resolve_settings(flags, {}, project, home)
    assert settings.url == "https://sentry.acme.example/"
    assert settings.org == "acme"
    assert settings.sources["url"] == "auth token (org token payload)"
    assert settings.sources["org"] == "auth token (org token payload)"
    assert len(settings.warnings) == 2
    assert all(token not in w and "s3cr3tpart" not in w for w in settings.warnings)


def test_org_token_without_url_keeps_configured_url(project: Path, home: Path) -> None:
    token = org_token({"iat": 1, "url": None, "org": "acme"})
    settings = resolve_settings({"auth_token": token}, {"SENTRY_URL": "https://s.example"},
                                project, home)
    assert settings.url == "https://s.example/"
    assert settings.org == "acme"
    assert settings.warnings == ()


@pytest.mark.parametrize("token", ["sntrys_notbase64!!_x", "sntrys_" + base64.b64encode(b"[1]").decode()
                                   + "_x", "sntryu_abcdef", "plain-legacy-token"])
def test_tokens_without_a_usable_payload_are_opaque(token: str) -> None:
    assert parse_org_token(token) is None


def test_secret_never_shows_its_value() -> None:
    secret = Secret("sntrys_eyJvcmciOiJhIn0_topsecretvalue")
    assert "topsecret" not in str(secret) and "topsecret" not in repr(secret)
    assert str(secret) == "sntrys_********"
    assert str(Secret("abc123")) == "********"
    assert secret.redact("x sntrys_eyJvcmciOiJhIn0_topsecretvalue y") == "x sntrys_******** y"


def test_settings_repr_masks_token(project: Path, home: Path) -> None:
    settings = resolve_settings({"auth_token": "tok-XYZZY-123"}, {}, project, home)
    assert "XYZZY" not in repr(settings)
    assert "XYZZY" not in json.dumps(settings.to_json())
    assert ("auth_token", "********", "--auth-token") in settings.describe()


@pytest.mark.parametrize("env, expected, source", [
    ({"SENTRY_CA_BUNDLE": "a.pem", "REQUESTS_CA_BUNDLE": "b.pem"}, "a.pem", "env SENTRY_CA_BUNDLE"),
    ({"REQUESTS_CA_BUNDLE": "b.pem", "CURL_CA_BUNDLE": "c.pem"}, "b.pem", "env REQUESTS_CA_BUNDLE"),
    ({"CURL_CA_BUNDLE": "c.pem"}, "c.pem", "env CURL_CA_BUNDLE"),
    ({}, "ini.pem", "[http] ca_bundle"),
])
def test_ca_bundle_precedence(project: Path, home: Path, env: dict[str, str], expected: str,
                              source: str) -> None:
    for name in ("a.pem", "b.pem", "c.pem", "ini.pem", "flag.pem"):
        write(project / name, "pem")
    write(project / ".sentryclirc", "[http]\nca_bundle=ini.pem\n")
    settings = resolve_settings({}, env, project, home)
    assert settings.ca_bundle == project / expected
    assert settings.sources["ca_bundle"].endswith(source)
    flagged = resolve_settings({"ca_bundle": str(project / "flag.pem")}, env, project, home)
    assert flagged.ca_bundle == project / "flag.pem"
    assert flagged.sources["ca_bundle"] == "--ca-bundle"


def test_missing_ca_bundle_is_a_config_error(project: Path, home: Path) -> None:
    with pytest.raises(ConfigError, match=r"CA bundle .*missing\.pem \(env SENTRY_CA_BUNDLE\) "
                                          "does not exist"):
        resolve_settings({}, {"SENTRY_CA_BUNDLE": "missing.pem"}, project, home)


@pytest.mark.parametrize("value, verify", [("false", False), ("FALSE", False), ("no", True),
                                           ("true", True), ("0", True)])
def test_verify_ssl_only_false_disables(project: Path, home: Path, value: str,
                                        verify: bool) -> None:
    # sentry-cli 3.x: only the string "false" (any case) turns verification off.
    write(project / ".sentryclirc", f"[http]\nverify_ssl={value}\n")
    assert resolve_settings({}, {}, project, home).verify_ssl is verify


def test_insecure_flag_disables_verification(project: Path, home: Path) -> None:
    settings = resolve_settings({"insecure": True}, {}, project, home)
    assert settings.verify_ssl is False
    assert settings.sources["verify_ssl"] == "--insecure"


def test_proxy_from_env_by_scheme_then_ini_and_no_proxy(project: Path, home: Path) -> None:
    write(project / ".sentryclirc", "[http]\nproxy_url=http://ini-proxy:3128\n")
    env = {"HTTPS_PROXY": "http://corp-proxy:8080", "HTTP_PROXY": "http://plain:80"}
    settings = resolve_settings({"url": "https://sentry.example.org"}, env, project, home)
    assert settings.proxy_url == "http://corp-proxy:8080"
    assert settings.sources["proxy_url"] == "env HTTPS_PROXY"
    settings = resolve_settings({"url": "http://sentry.example.org"}, env, project, home)
    assert settings.proxy_url == "http://plain:80"
    settings = resolve_settings({"url": "https://sentry.example.org"}, {}, project, home)
    assert settings.proxy_url == "http://ini-proxy:3128"
    no_proxy = {**env, "NO_PROXY": "localhost,.example.org"}
    settings = resolve_settings({"url": "https://sentry.example.org"}, no_proxy, project, home)
    assert settings.proxy_url is None


def test_proxy_password_is_masked_in_describe(project: Path, home: Path) -> None:
    env = {"HTTPS_PROXY": "http://user:hunter2@proxy:8080"}
    settings = resolve_settings({}, env, project, home)
    assert ("proxy_url", "http://user:****@proxy:8080", "env HTTPS_PROXY") in settings.describe()


@pytest.mark.parametrize("url, message", [
    ("sentry.example.org", "expected http"),
    ("ftp://sentry.example.org/", "expected http"),
    ("https://example.org/sentry/", "not on the host root"),
])
def test_bad_urls_are_rejected(project: Path, home: Path, url: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        resolve_settings({"url": url}, {}, project, home)


def test_max_retries_from_env_and_ini(project: Path, home: Path) -> None:
    write(project / ".sentryclirc", "[http]\nmax_retries=2\n")
    assert resolve_settings({}, {}, project, home).max_retries == 2
    assert resolve_settings({}, {"SENTRY_HTTP_MAX_RETRIES": "7"}, project, home).max_retries == 7
    with pytest.raises(ConfigError, match="bad max_retries 'x'"):
        resolve_settings({}, {"SENTRY_HTTP_MAX_RETRIES": "x"}, project, home)


def test_unparsable_config_never_quotes_the_token_line(project: Path, home: Path) -> None:
    write(project / ".sentryclirc", "[auth]\ntoken=abc\nthis line is garbage-SECRETISH\n[")
    with pytest.raises(ConfigError) as info:
        resolve_settings({}, {}, project, home)
    assert "SECRETISH" not in str(info.value) and "abc" not in str(info.value)
    assert str(info.value).startswith(f"cannot parse config file {project / '.sentryclirc'}")


def test_release_from_env(project: Path, home: Path) -> None:
    settings = resolve_settings({}, {"SENTRY_RELEASE": "2.0.0"}, project, home)
    assert settings.release == "2.0.0"
    assert settings.sources["release"] == "env SENTRY_RELEASE"
