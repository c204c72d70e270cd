"""deploy/nginx.conf run by Debian's nginx on loopback, against a built site: for the tests and
bench/serve.py (never as a service: a temporary prefix, stopped when done)."""

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SERVER_BLOCK = Path(__file__).with_name("nginx.conf")
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")

MAIN_CONFIG = """\
daemon off;
worker_processes {workers};
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
{user}
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {prefix}/site.conf;
}}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def site_config(root: Path, port: int) -> str:
    """deploy/nginx.conf with its root and listen lines, the only ones a deployer edits, rewritten
    for loopback."""
    text = SERVER_BLOCK.read_text(encoding="utf-8")
    text, roots = re.subn(r"(?m)^(\s*)root \S+;", lambda m: f"{m[1]}root {root};", text)
    text, ipv4 = re.subn(r"(?m)^(\s*)listen 80;", lambda m: f"{m[1]}listen 127.0.0.1:{port};", text)
    text, ipv6 = re.subn(r"(?m)^(\s*)listen \[::\]:80;", lambda m: f"{m[1]}listen [::1]:{port};", text)
    assert (roots, ipv4, ipv6) == (1, 1, 1), "deploy/nginx.conf: one root and two listen lines expected"
    return text


def write_config(prefix: Path, site: str, workers: int = 1) -> list[str]:
    """The main configuration around `site` (a server block) in `prefix`; returns the nginx command."""
    # Run as root (a container), nginx's workers would otherwise become nobody, who cannot read
    # a test's private temporary folders.
    user = "user root;" if os.geteuid() == 0 else ""
    (prefix / "site.conf").write_text(site, encoding="utf-8")
    main = prefix / "nginx.conf"
    main.write_text(MAIN_CONFIG.format(prefix=prefix, user=user, workers=workers), encoding="utf-8")
    return [NGINX, "-p", str(prefix), "-c", str(main), "-e", f"{prefix}/error.log"]


def check_config(site: str) -> subprocess.CompletedProcess:
    """`nginx -t` on a server block inside an http block."""
    with tempfile.TemporaryDirectory(prefix="nginx-") as prefix:
        return subprocess.run([*write_config(Path(prefix), site), "-t"], capture_output=True, text=True)


@contextmanager
def nginx_serving(root: Path, port: int | None = None, workers: int = 1) -> Iterator[str]:
    """Serve `root` with deploy/nginx.conf on 127.0.0.1 and [::1]; yields http://127.0.0.1:<port>/."""
    port = port or free_port()
    with nginx_running(site_config(root.resolve(), port), port, workers):
        yield f"http://127.0.0.1:{port}/"


@contextmanager
def nginx_running(site: str, port: int, workers: int = 1) -> Iterator[None]:
    """nginx with `site` (server blocks) until the block ends; ready once 127.0.0.1:`port` answers."""
    if not NGINX:
        raise RuntimeError("nginx is not installed: apt-get install nginx")
    check = check_config(site)
    if check.returncode != 0:
        raise RuntimeError(f"nginx refused the configuration:\n{check.stderr}")
    with tempfile.TemporaryDirectory(prefix="nginx-") as prefix:
        command = write_config(Path(prefix), site, workers)
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 10
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"nginx did not start: {server.stderr.read()}") from None
                    time.sleep(0.05)
            yield
        finally:
            server.terminate()
            server.wait(timeout=10)
