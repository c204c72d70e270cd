"""A real IMAP server for the tests: Debian's Dovecot with its own configuration, users and mail in a
temporary folder, listening on a loopback port; and a small proxy in front of it that can behave like
NetEase (refuse EXAMINE/SELECT until the client sent ID) or cut the connection after some bytes."""

import contextlib
import grp
import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from mailbox_import.utf7 import encode_imap_utf7

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dovecot exited: {log.read_text() if log.exists() else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as probe:
                if probe.recv(100).startswith(b"* OK"):
                    return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"dovecot did not start: {log.read_text() if log.exists() else ''}")


def _self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 that the fetch trusts through SSL_CERT_FILE, as a real one is trusted."""
    key, certificate = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(certificate)],
        check=True, capture_output=True,
    )  # fmt: skip
    os.chmod(key, 0o644)
    return key, certificate


def _config(folder: Path, port: int, tls_port: int) -> str:
    """Dovecot runs its mail processes as the current user; as root (CI) it must not, so they run as
    its own `dovecot` user, and its login processes as `dovenull`, as the Debian package sets up."""
    if os.getuid() == 0:
        mail_user, internal_user, login_user = "dovecot", "dovecot", "dovenull"
    else:
        mail_user = internal_user = login_user = pwd.getpwuid(os.getuid()).pw_name
    mail_uid = pwd.getpwnam(mail_user)
    for name in ("mail", "home"):
        (folder / name).mkdir()
        os.chown(folder / name, mail_uid.pw_uid, mail_uid.pw_gid)
    key, certificate = _self_signed_certificate(folder)
    return f"""
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{certificate}
ssl_key = <{key}
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
first_valid_uid = 1
default_internal_user = {internal_user}
default_internal_group = {grp.getgrgid(pwd.getpwnam(internal_user).pw_gid).gr_name}
default_login_user = {login_user}
mail_location = maildir:{folder}/mail/%u
mail_fsync = never
namespace inbox {{
  inbox = yes
  separator = /
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {folder}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_uid.pw_uid} gid={mail_uid.pw_gid} home={folder}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
    ssl = yes
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
"""


def quoted(name: str) -> str:
    return '"' + encode_imap_utf7(name) + '"'


@dataclass
class Dovecot:
    folder: Path
    port: int  # plain IMAP (and STARTTLS)
    tls_port: int  # IMAP over TLS, as 163 serves it on 993
    process: subprocess.Popen

    @property
    def certificate(self) -> Path:
        return self.folder / "cert.pem"

    @classmethod
    def start(cls, users: list[tuple[str, str]]) -> "Dovecot":
        # Not under pytest's private temporary folder: Dovecot's own users must reach these files.
        folder = Path(tempfile.mkdtemp(prefix="dovecot-test-"))
        os.chmod(folder, 0o755)
        port, tls_port = free_port(), free_port()
        (folder / "dovecot.conf").write_text(_config(folder, port, tls_port))
        # Users made up front: Dovecot notices a changed passwd file by its time, to the second.
        (folder / "passwd").write_text("".join(f"{user}:{{PLAIN}}{password}\n" for user, password in users))
        os.chmod(folder / "passwd", 0o644)
        process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(folder / "dovecot.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_for_port(port, process, folder / "dovecot.log")
        return cls(folder, port, tls_port, process)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)

    def login(self, user: str, password: str) -> imaplib.IMAP4:
        connection = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        connection.login(user, password)
        return connection

    def deliver(self, user: str, password: str, folders: dict[str, list[tuple[bytes, str]]]) -> None:
        """Put (message, flags) pairs into folders, creating them (and their parents) as needed."""
        connection = self.login(user, password)
        try:
            for folder, messages in folders.items():
                connection.create(quoted(folder))
                for data, flags in messages:
                    status, detail = connection.append(quoted(folder), flags or None, None, data)
                    assert status == "OK", detail
        finally:
            connection.logout()

    def snapshot(self, user: str, password: str) -> dict[str, list[tuple[bytes, bytes]]]:
        """Every folder's (flags, message) pairs, read without changing anything."""
        connection = self.login(user, password)
        snapshot = {}
        try:
            _, lines = connection.list()
            for line in lines:
                if b"\\Noselect" in line:
                    continue
                wire = line.rsplit(b" ", 1)[1].decode().strip('"')
                status, detail = connection.select(f'"{wire}"', readonly=True)
                assert status == "OK", (line, detail)
                _, data = connection.uid("FETCH", "1:*", "(FLAGS BODY.PEEK[])")
                snapshot[wire] = sorted(
                    (item[0].split(b"BODY[]")[0], item[1]) for item in data if isinstance(item, tuple)
                )
        finally:
            connection.logout()
        return snapshot


class ImapProxy:
    """A loopback TCP proxy in front of the server. require_id: like NetEase, refuse SELECT and EXAMINE
    ("Unsafe Login") until the client sent ID. cut_after: close the connection once this many bytes went
    from the server to the client (a connection cut mid-download)."""

    def __init__(self, upstream_port: int, require_id: bool = False, cut_after: int | None = None) -> None:
        self.upstream_port = upstream_port
        self.require_id = require_id
        self.cut_after = cut_after
        self.ids_seen = 0
        self.refused = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.listener.close()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.upstream_port))
            threading.Thread(target=self._to_server, args=(client, server), daemon=True).start()
            threading.Thread(target=self._to_client, args=(server, client), daemon=True).start()

    def _to_server(self, client: socket.socket, server: socket.socket) -> None:
        sent_id = False
        reader = client.makefile("rb")
        try:
            for line in reader:
                words = line.split()
                command = words[1].upper() if len(words) > 1 else b""
                if command == b"ID":
                    sent_id = True
                    self.ids_seen += 1
                if self.require_id and command in (b"SELECT", b"EXAMINE") and not sent_id:
                    self.refused += 1
                    client.sendall(
                        words[0] + b" NO SELECT Unsafe Login. Please contact kefu@188.com for help\r\n"
                    )
                    continue
                server.sendall(line)
        except OSError:
            pass
        finally:
            _shut(server)

    def _to_client(self, server: socket.socket, client: socket.socket) -> None:
        passed = 0
        try:
            while data := server.recv(65536):
                if self.cut_after is not None and passed + len(data) >= self.cut_after:
                    client.sendall(data[: self.cut_after - passed])
                    break
                client.sendall(data)
                passed += len(data)
        except OSError:
            pass
        finally:
            _shut(client)
            _shut(server)


def _shut(connection: socket.socket) -> None:
    with contextlib.suppress(OSError):
        connection.shutdown(socket.SHUT_RDWR)
    connection.close()
