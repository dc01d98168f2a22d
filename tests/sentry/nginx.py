"""A real nginx in front of the Sentry test server: the self-hosted topology, for tests.

nginx (the Debian package, ``/usr/sbin/nginx``) runs as a foreground child in
single-process mode with everything in a temporary directory: config, pid,
logs, temp paths. It terminates HTTPS with a certificate for ``localhost`` and
``127.0.0.1`` issued by a throwaway CA made at test time (``trustme``), and
also listens on plain HTTP; both reverse-proxy to the backend, passing
``Host`` and ``X-Forwarded-Proto`` so the backend hands out URLs of the proxy.
Ports are free loopback ports chosen at start.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

NGINX_CANDIDATES = ("/usr/sbin/nginx",)

_CONFIG = """\
daemon off;
master_process off;
pid {work}/nginx.pid;
error_log {work}/error.log info;
events {{ worker_connections 128; }}
http {{
    access_log {work}/access.log;
    client_body_temp_path {work}/client_body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    client_max_body_size {client_max_body_size};
    server {{
        listen 127.0.0.1:{https_port} ssl;
        server_name localhost;
        ssl_certificate {work}/server-chain.pem;
        ssl_certificate_key {work}/server-key.pem;
        location / {{ {proxy} }}
    }}
    server {{
        listen 127.0.0.1:{http_port};
        server_name localhost;
        location / {{ {proxy} }}
    }}
}}
"""
_PROXY = ("proxy_pass {backend}; proxy_set_header Host $http_host; "
          "proxy_set_header X-Forwarded-Proto $scheme; proxy_read_timeout 120s;")


class NginxUnavailable(RuntimeError):
    """nginx is not installed here."""


def find_nginx() -> str | None:
    """The nginx binary: on PATH, else Debian's /usr/sbin/nginx (not on a user's PATH)."""
    found = shutil.which("nginx")
    if found:
        return found
    return next((path for path in NGINX_CANDIDATES if os.access(path, os.X_OK)), None)


@dataclass
class NginxProxy:
    """A running nginx: ``https_url``/``http_url`` end in ``/``; ``ca_bundle_path``
    is the PEM of the CA that issued the HTTPS certificate."""

    https_url: str
    http_url: str
    ca_bundle_path: Path
    client_max_body_size: str
    workdir: Path
    process: subprocess.Popen[bytes] = field(repr=False)

    def error_log(self) -> str:
        path = self.workdir / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        """Fast shutdown (SIGTERM), then kill if it lingers."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_nginx(backend_url: str, workdir: Path, *, client_max_body_size: str = "100m",
                attempts: int = 3) -> NginxProxy:
    """Start nginx proxying to ``backend_url`` (``http://127.0.0.1:PORT/``).

    ``client_max_body_size`` takes nginx's syntax (``1m``, ``2000``); the
    default is the one self-hosted Sentry's nginx ships (sentry-api.md §7.3).

    Raises:
        NginxUnavailable: nginx is not installed.
        RuntimeError: nginx did not come up (its error log is in the message).
    """
    binary = find_nginx()
    if binary is None:
        raise NginxUnavailable("nginx is not installed (Debian: apt-get install nginx)")
    workdir.mkdir(parents=True, exist_ok=True)
    ca_path = _write_certificates(workdir)
    problem = ""
    for _ in range(attempts):  # a chosen free port can be taken before nginx binds it
        https_port, http_port = _free_port(), _free_port()
        config = _CONFIG.format(work=workdir, https_port=https_port, http_port=http_port,
                                client_max_body_size=client_max_body_size,
                                proxy=_PROXY.format(backend=backend_url.rstrip("/")))
        (workdir / "nginx.conf").write_text(config)
        process = subprocess.Popen([binary, "-p", str(workdir), "-c", str(workdir / "nginx.conf"),
                                    "-e", str(workdir / "error.log")],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        proxy = NginxProxy(f"https://127.0.0.1:{https_port}/", f"http://127.0.0.1:{http_port}/",
                           ca_path, client_max_body_size, workdir, process)
        if _wait_listening(process, (https_port, http_port)):
            return proxy
        proxy.stop()
        stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
        problem = f"{stderr}\n{proxy.error_log()}".strip()
    raise RuntimeError(f"nginx did not start: {problem}")


def _write_certificates(workdir: Path) -> Path:
    import trustme

    ca = trustme.CA(organization_name="smtools throwaway test CA")
    server = ca.issue_cert("localhost", "127.0.0.1")
    server.private_key_pem.write_to_path(str(workdir / "server-key.pem"))
    with open(workdir / "server-chain.pem", "wb") as chain:
        for blob in server.cert_chain_pems:
            chain.write(blob.bytes())
    ca_path = workdir / "throwaway-ca.pem"
    ca.cert_pem.write_to_path(str(ca_path))
    return ca_path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_listening(process: subprocess.Popen[bytes], ports: tuple[int, ...], timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    pending = list(ports)
    while pending and time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", pending[0]), timeout=1):
                pending.pop(0)
        except OSError:
            time.sleep(0.05)
    return not pending
