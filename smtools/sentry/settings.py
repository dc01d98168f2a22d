"""Sentry settings, resolved once with sentry-cli's precedence.

Precedence, highest first (sentry-api.md §1.3, sentry-cli ``src/config.rs``):

==============  ==========================================================================
value           sources, highest → lowest
==============  ==========================================================================
auth token      ``--auth-token`` → ``SENTRY_AUTH_TOKEN`` → INI ``[auth] token``
url             org-token payload ``url`` → ``--url`` → ``SENTRY_URL`` → INI ``[defaults] url``
                → ``https://sentry.io/``
org             org-token payload ``org`` → ``--org`` → ``SENTRY_ORG`` → INI ``[defaults] org``
projects        ``--project`` (repeatable) → ``SENTRY_PROJECT`` → INI ``[defaults] project``
release         ``--release`` → ``SENTRY_RELEASE``
CA bundle       ``--ca-bundle`` → ``SENTRY_CA_BUNDLE`` → ``REQUESTS_CA_BUNDLE`` →
                ``CURL_CA_BUNDLE`` → ``SSL_CERT_FILE`` → INI ``[http] ca_bundle``
TLS verify      ``--insecure`` → INI ``[http] verify_ssl`` (only ``false`` turns it off)
proxy           ``HTTPS_PROXY``/``HTTP_PROXY`` (by URL scheme; ``NO_PROXY`` honoured) →
                INI ``[http] proxy_url``
retries         ``SENTRY_HTTP_MAX_RETRIES`` → INI ``[http] max_retries`` → 5
==============  ==========================================================================

INI layering: ``~/.sentryclirc`` (else ``$XDG_CONFIG_HOME/sentry/sentrycli.ini``) is
read first; the nearest ``.sentryclirc``/``sentrycli.ini`` found walking up from the
working directory overrides it key by key; a ``sentry.properties`` named by
``SENTRY_PROPERTIES`` overrides both.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from smtools.errors import ConfigError
from smtools.sentry.inifiles import ConfigValues, load_config_values
from smtools.sentry.token import Secret, parse_org_token

__all__ = ["DEFAULT_URL", "Secret", "Settings", "resolve_settings"]

DEFAULT_URL = "https://sentry.io/"
DEFAULT_MAX_RETRIES = 5
DEFAULT_TIMEOUT = 60.0
_CA_ENV = ("SENTRY_CA_BUNDLE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE")


@dataclass(frozen=True, kw_only=True)
class Settings:
    """The effective settings of one run; ``sources[name]`` says where each came from."""

    url: str = DEFAULT_URL
    org: str | None = None
    projects: tuple[str, ...] = ()
    auth_token: Secret | None = None
    release: str | None = None
    dist: str | None = None
    ca_bundle: Path | None = None
    verify_ssl: bool = True
    proxy_url: str | None = None
    max_retries: int = DEFAULT_MAX_RETRIES
    timeout: float = DEFAULT_TIMEOUT
    config_files: tuple[Path, ...] = ()
    sources: Mapping[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    def describe(self) -> list[tuple[str, str, str]]:
        """Rows ``(name, shown value, source)`` for ``smtools config show``; the token is masked."""
        values: dict[str, Any] = {
            "url": self.url, "org": self.org, "projects": ", ".join(self.projects) or None,
            "auth_token": self.auth_token.masked if self.auth_token else None,
            "release": self.release, "dist": self.dist,
            "ca_bundle": str(self.ca_bundle) if self.ca_bundle else None,
            "verify_ssl": "true" if self.verify_ssl else "false (INSECURE)",
            "proxy_url": _mask_proxy(self.proxy_url), "max_retries": str(self.max_retries),
            "timeout": f"{self.timeout:g}s",
        }
        return [(name, "-" if value is None else str(value), self.sources.get(name, "not set"))
                for name, value in values.items()]

    def to_json(self) -> dict[str, Any]:
        """JSON-safe form of :meth:`describe` (token masked)."""
        return {
            "settings": {name: {"value": None if value == "-" else value, "source": source}
                         for name, value, source in self.describe()},
            "config_files": [str(path) for path in self.config_files],
            "warnings": list(self.warnings),
        }


def resolve_settings(flags: Mapping[str, Any], env: Mapping[str, str], cwd: Path,
                     home: Path) -> Settings:
    """Resolve every setting once, in sentry-cli's order (see the module docstring).

    Args:
        flags: command-line values by name (``url``, ``org``, ``projects``, ``auth_token``,
            ``release``, ``dist``, ``ca_bundle``, ``insecure``, ``timeout``); ``None``,
            empty or missing means "not given".
        env: the environment (injected so tests need no monkeypatching).
        cwd: where the search for a project ``.sentryclirc`` starts.
        home: the user's home directory (global ``~/.sentryclirc``).

    Returns:
        A frozen :class:`Settings`.

    Raises:
        ConfigError: a config file cannot be parsed, a value is malformed, the CA bundle
            does not exist, or the URL is not an http(s) URL at the host root.
    """
    ini = load_config_values(env, cwd, home)
    resolver = _Resolver(flags, env, ini)
    token = resolver.token()
    url, org = resolver.url_and_org(token)
    ca_bundle, verify = resolver.tls(cwd)
    return Settings(
        url=url, org=org, projects=resolver.projects(), auth_token=token,
        release=resolver.pick("release", "release", ("SENTRY_RELEASE",)),
        dist=resolver.pick("dist", "dist", ()), ca_bundle=ca_bundle, verify_ssl=verify,
        proxy_url=resolver.proxy(url), max_retries=resolver.max_retries(),
        timeout=resolver.timeout(), config_files=ini.files, sources=dict(resolver.sources),
        warnings=tuple(resolver.warnings))


class _Resolver:
    """Walks the precedence chain for one value at a time, recording the winner's source."""

    def __init__(self, flags: Mapping[str, Any], env: Mapping[str, str], ini: ConfigValues) -> None:
        self.flags, self.env, self.ini = flags, env, ini
        self.sources: dict[str, str] = {}
        self.warnings: list[str] = []

    def pick(self, name: str, flag: str, env_names: tuple[str, ...],
             ini_key: tuple[str, str] | None = None) -> str | None:
        value = self.flags.get(flag)
        if value not in (None, "", ()):
            self.sources[name] = f"--{flag.replace('_', '-')}"
            return str(value)
        for env_name in env_names:
            if self.env.get(env_name):
                self.sources[name] = f"env {env_name}"
                return self.env[env_name]
        if ini_key is not None and (entry := self.ini.get(*ini_key)) is not None:
            self.sources[name] = entry.source
            return entry.value
        return None

    def token(self) -> Secret | None:
        value = self.pick("auth_token", "auth_token", ("SENTRY_AUTH_TOKEN",), ("auth", "token"))
        return Secret(value.strip()) if value else None

    def url_and_org(self, token: Secret | None) -> tuple[str, str | None]:
        url = self.pick("url", "url", ("SENTRY_URL",), ("defaults", "url"))
        org = self.pick("org", "org", ("SENTRY_ORG",), ("defaults", "org"))
        payload = parse_org_token(token.reveal()) if token else None
        # sentry-cli Config::from_file / get_org: an org token's own url and org always win.
        if payload and payload.url:
            if url and _normalize_url(url) != _normalize_url(payload.url):
                self.warnings.append(f"using the url {payload.url} of the org auth token "
                                     f"instead of {url} ({self.sources['url']})")
            url, self.sources["url"] = payload.url, "auth token (org token payload)"
        if payload and payload.org:
            if org and org != payload.org:
                self.warnings.append(f"using the org {payload.org!r} of the org auth token "
                                     f"instead of {org!r} ({self.sources['org']})")
            org, self.sources["org"] = payload.org, "auth token (org token payload)"
        if url is None:
            url, self.sources["url"] = DEFAULT_URL, "default"
        return _normalize_url(url), org

    def projects(self) -> tuple[str, ...]:
        given = tuple(p for p in self.flags.get("projects") or () if p)
        if given:
            self.sources["projects"] = "--project"
            return given
        value = self.pick("projects", "", ("SENTRY_PROJECT",), ("defaults", "project"))
        return tuple(p.strip() for p in value.split(",") if p.strip()) if value else ()

    def tls(self, cwd: Path) -> tuple[Path | None, bool]:
        raw = self.pick("ca_bundle", "ca_bundle", _CA_ENV)
        base = cwd
        if raw is None and (entry := self.ini.get("http", "ca_bundle")) is not None:
            raw, base, self.sources["ca_bundle"] = entry.value, entry.directory, entry.source
        ca_bundle = _existing_file(raw, base, self.sources.get("ca_bundle", "")) if raw else None
        if self.flags.get("insecure"):
            self.sources["verify_ssl"] = "--insecure"
            return ca_bundle, False
        entry = self.ini.get("http", "verify_ssl")
        # sentry-cli 3.x: only the string "false" (any case) disables verification.
        if entry is not None and entry.value.strip().lower() == "false":
            self.sources["verify_ssl"] = entry.source
            return ca_bundle, False
        self.sources["verify_ssl"] = entry.source if entry is not None else "default"
        return ca_bundle, True

    def proxy(self, url: str) -> str | None:
        scheme = urlsplit(url).scheme
        names = (("HTTPS_PROXY", "https_proxy") if scheme == "https" else ()) + \
            ("HTTP_PROXY", "http_proxy") * (scheme == "http") + ("ALL_PROXY", "all_proxy")
        for name in names:
            if self.env.get(name):
                if _bypassed(url, self.env.get("NO_PROXY") or self.env.get("no_proxy") or ""):
                    self.sources["proxy_url"] = f"none (host listed in NO_PROXY; {name} ignored)"
                    return None
                self.sources["proxy_url"] = f"env {name}"
                return self.env[name]
        entry = self.ini.get("http", "proxy_url")
        if entry is not None and entry.value:
            self.sources["proxy_url"] = entry.source
            return entry.value
        return None

    def max_retries(self) -> int:
        raw = self.pick("max_retries", "max_retries", ("SENTRY_HTTP_MAX_RETRIES",),
                        ("http", "max_retries"))
        if raw is None:
            self.sources["max_retries"] = "default"
            return DEFAULT_MAX_RETRIES
        if not raw.strip().isdigit():
            raise ConfigError(f"bad max_retries {raw!r} ({self.sources['max_retries']}): "
                              "expected a whole number")
        return int(raw)

    def timeout(self) -> float:
        raw = self.flags.get("timeout")
        if raw is None:
            self.sources["timeout"] = "default"
            return DEFAULT_TIMEOUT
        self.sources["timeout"] = "--timeout"
        return float(raw)


def _normalize_url(url: str) -> str:
    """Check and normalise a base URL; sentry-cli ``get_base_url`` rejects sub-paths."""
    text = url.strip()
    parts = urlsplit(text)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ConfigError(f"bad sentry url {text!r}: expected http(s)://host[:port]/")
    if parts.path.strip("/") or parts.query or parts.fragment:
        raise ConfigError(f"bad sentry url {text!r}: not on the host root "
                          "(sentry under a sub-path is not supported)")
    return f"{parts.scheme}://{parts.netloc}/"


def _existing_file(raw: str, base: Path, source: str) -> Path:
    path = Path(os.path.expanduser(raw))
    path = path if path.is_absolute() else base / path
    if not path.is_file():
        raise ConfigError(f"CA bundle {path} ({source}) does not exist or is not a file")
    return path


def _mask_proxy(proxy: str | None) -> str | None:
    """Hide a password embedded in a proxy URL (``http://user:pw@host``)."""
    if not proxy:
        return None
    parts = urlsplit(proxy)
    if parts.password:
        return proxy.replace(f":{parts.password}@", ":****@", 1)
    return proxy


def _bypassed(url: str, no_proxy: str) -> bool:
    """curl/requests ``NO_PROXY`` semantics: ``*``, exact host, or domain suffix."""
    host = (urlsplit(url).hostname or "").lower()
    for entry in (item.strip().lower().lstrip(".") for item in no_proxy.split(",")):
        if entry == "*" or (entry and (host == entry or host.endswith("." + entry))):
            return True
    return False
