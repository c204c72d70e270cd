"""`make fetch`: the approval folders, straight from the mail server over IMAP, into the local Maildir
that `make import` reads (MAILBOX_EXPORT).

Read-only on the server: every folder is opened with EXAMINE and read with BODY.PEEK, so nothing is
flagged (not even \\Seen), moved or deleted there. NetEase (163) refuses EXAMINE until the client has
introduced itself with ID (RFC 2971): it is sent whenever the server offers it.

The Maildir keeps one file per server message, named by the folder's UIDVALIDITY and the message's UID
(`1796023789.0000000042.fetched:2,S`), written into tmp/ and renamed into cur/, the Maildir way. So the
files themselves are the record of what was fetched: an interrupted fetch (Ctrl-C, SIGTERM, kill -9, a
cut connection) leaves only whole messages, and the next fetch asks the server for the UIDs it lacks.
A folder whose UIDVALIDITY changed (the server renumbered it) is fetched again under the new number;
the importer recognises the copies by their fingerprints, so no story is duplicated. A local copy of a
message no longer in the folder on the server (taken out of approval) is marked deleted (T), which the
importer skips; nothing is changed on the server.
"""

import email.parser
import email.policy
import fcntl
import imaplib
import ipaddress
import os
import re
import signal
import socket
import ssl
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from controlchars.characters import clean_text

from .approval import is_approved
from .decode import UndecodableText, decode_header_text, raw_header
from .export import SAMPLE_MARKER, is_maildir
from .utf7 import decode_imap_utf7, encode_imap_utf7

DEFAULTS: dict[str, Any] = {
    "IMAP_HOST": "",
    "IMAP_PORT": 0,  # 0: the usual port of IMAP_SECURITY (993 for ssl, 143 otherwise)
    "IMAP_USER": "",
    "IMAP_SECURITY": "ssl",
    "IMAP_PASSWORD_FILE": "",
}
SECURITY_CHOICES = ("ssl", "starttls", "none")
SOCKET_TIMEOUT = 60  # seconds without a byte from the server before a fetch gives up
CLIENT_ID = '("name" "shzz-mailbox-fetch" "version" "1")'
BATCH_MESSAGES = 20
BATCH_BYTES = 20_000_000
PROGRESS_SECONDS = 2.0
INBOX_LISTED = 200  # the newest messages of the server's inbox that `make review` shows
LOCK_NAME = "imap-fetch.lock"
FETCHED_SUFFIX = ".fetched"
_FETCHED_NAME = re.compile(r"(\d+)\.(\d+)\.fetched(?::2,[A-Za-z]*)?")
# IMAP system flags as Maildir letters; \Deleted (T) makes the importer skip the message.
_MAILDIR_FLAGS = {b"\\Draft": "D", b"\\Flagged": "F", b"\\Answered": "R", b"\\Seen": "S", b"\\Deleted": "T"}
_LIST_LINE = re.compile(rb'\((?P<flags>[^)]*)\) (?P<delimiter>"(?:[^"\\]|\\.)*"|NIL) ?(?P<name>.*)', re.I)
_FETCH_UID = re.compile(rb"\bUID (\d+)")
_FETCH_SIZE = re.compile(rb"\bRFC822\.SIZE (\d+)")
_FETCH_FLAGS = re.compile(rb"\bFLAGS \(([^)]*)\)")


class FetchError(Exception):
    """Something the editor must fix or retry; the text says what, in one line."""


class FetchStopped(Exception):
    """Ctrl-C or SIGTERM during a fetch."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signal = signal.Signals(signum)


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int
    user: str
    security: str
    password_file: str


def imap_settings(values: Mapping[str, Any], environ: Mapping[str, str] = os.environ) -> ImapSettings | None:
    """The IMAP settings: the environment (or the make command line) over pelicanconf.py over the
    defaults. None when IMAP_HOST is not set: fetching is not configured."""

    def value(name: str) -> Any:
        return environ.get(name) or values.get(name) or DEFAULTS[name]

    host = str(value("IMAP_HOST")).strip()
    if not host:
        return None
    security = str(value("IMAP_SECURITY")).strip().lower()
    if security not in SECURITY_CHOICES:
        raise FetchError(
            f"错误：IMAP_SECURITY 应为 ssl（默认）、starttls 或 none，而不是 {security!r}；"
            "请在 pelicanconf.py 或命令行中修改"
        )
    if security == "none" and not _is_loopback(host):
        raise FetchError(
            f"错误：IMAP_SECURITY=none 只能用于本机地址（测试用），{host} 不是；"
            "密码不能明文传过网络，请改为 ssl（163 邮箱用 ssl，端口 993）"
        )
    try:
        port = int(value("IMAP_PORT")) or (993 if security == "ssl" else 143)
    except ValueError:
        raise FetchError(f"错误：IMAP_PORT 应为端口号（如 993），而不是 {value('IMAP_PORT')!r}") from None
    user = str(value("IMAP_USER")).strip()
    if not user:
        raise FetchError(
            "错误：没有设置 IMAP_USER（邮箱地址，如 jsmzshzz@163.com）；请在 pelicanconf.py 中填写"
        )
    return ImapSettings(host, port, user, security, str(value("IMAP_PASSWORD_FILE")).strip())


def _is_loopback(host: str) -> bool:
    try:
        return all(ipaddress.ip_address(info[4][0]).is_loopback for info in socket.getaddrinfo(host, None))
    except (OSError, ValueError):
        return False


def read_password(settings: ImapSettings, project_dir: Path, environ: Mapping[str, str] = os.environ) -> str:
    """The password or 163 authorization code: $IMAP_PASSWORD, else the file IMAP_PASSWORD_FILE names,
    which must lie outside the project folder (so it never reaches git)."""
    if environ.get("IMAP_PASSWORD"):
        return environ["IMAP_PASSWORD"]
    if not settings.password_file:
        raise FetchError(
            "错误：没有邮箱密码。请把 163 邮箱的授权码存进项目文件夹以外的一个文件，"
            "并用 IMAP_PASSWORD_FILE 指向它（或设置环境变量 IMAP_PASSWORD）"
        )
    path = Path(settings.password_file).expanduser().resolve()
    if path.is_relative_to(project_dir.resolve()):
        raise FetchError(
            f"错误：IMAP_PASSWORD_FILE（{path}）在项目文件夹里，可能被提交进 git；"
            "请把它移到项目文件夹以外（如 ~/.config/shzz/imap-password），再修改 IMAP_PASSWORD_FILE"
        )
    try:
        password = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as error:
        raise FetchError(f"错误：读不出 IMAP_PASSWORD_FILE 指向的文件 {path}（{error}）") from None
    if not password:
        raise FetchError(f"错误：IMAP_PASSWORD_FILE 指向的文件 {path} 是空的；请把授权码写进去")
    return password


def connect(settings: ImapSettings, password: str) -> imaplib.IMAP4:
    """A logged-in connection that has sent ID when the server offers it."""
    where = f"{settings.host}:{settings.port}"
    try:
        if settings.security == "ssl":
            connection: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                settings.host, settings.port, ssl_context=ssl.create_default_context(), timeout=SOCKET_TIMEOUT
            )
        else:
            connection = imaplib.IMAP4(settings.host, settings.port, timeout=SOCKET_TIMEOUT)
            if settings.security == "starttls":
                connection.starttls(ssl.create_default_context())
    except (OSError, imaplib.IMAP4.error) as error:
        raise FetchError(
            f"错误：连不上邮件服务器 {where}（{error}）；请检查网络和 IMAP_HOST、IMAP_PORT、IMAP_SECURITY"
        ) from None
    capabilities = set(connection.capabilities)
    try:
        connection.login(settings.user, password)
    except UnicodeEncodeError:
        _close(connection)
        raise FetchError(
            "错误：IMAP 登录只能用英文字母、数字和符号组成的密码；请在邮箱设置里生成授权码，"
            "存进 IMAP_PASSWORD_FILE 指向的文件（或 IMAP_PASSWORD）"
        ) from None
    except imaplib.IMAP4.error:
        _close(connection)
        raise FetchError(
            f"错误：邮件服务器 {settings.host} 拒绝了用户 {settings.user} 的登录：密码或授权码不对。"
            "请检查 IMAP_PASSWORD 或 IMAP_PASSWORD_FILE 指向的文件（163 邮箱填授权码，不是登录密码），"
            "以及邮箱设置里是否已开启 IMAP"
        ) from None
    _, lines = connection.capability()
    capabilities |= {word for line in lines if line for word in line.decode(errors="replace").upper().split()}
    if "ID" in capabilities:
        connection.xatom("ID", CLIENT_ID)
    return connection


def _close(connection: imaplib.IMAP4) -> None:
    with suppress(OSError, imaplib.IMAP4.error):  # a connection already cut
        connection.logout()


def _quoted(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True)
class ServerFolder:
    wire_name: str  # as the server spells it (modified UTF-7)
    name: str  # "已采用/2020年2月": decoded, parts joined by "/" as the importer names folders


def server_folders(connection: imaplib.IMAP4) -> list[ServerFolder]:
    """Every selectable folder on the server."""
    status, lines = connection.list()
    if status != "OK":
        raise FetchError(f"错误：邮件服务器没有列出文件夹（{status} {lines}）")
    folders = []
    for line in lines:
        if line is None:
            continue
        if isinstance(line, tuple):  # the name sent as a literal
            head, wire = line
            match = _LIST_LINE.match(head)
        else:
            match = _LIST_LINE.match(line)
            wire = match.group("name") if match else b""
        if not match or b"\\noselect" in match.group("flags").lower():
            continue
        wire_text = wire.decode("utf-8", errors="replace").strip()
        if wire_text.startswith('"'):
            wire_text = re.sub(r"\\(.)", r"\1", wire_text[1:-1])
        delimiter = match.group("delimiter").decode().strip('"').replace("\\\\", "\\")
        parts = wire_text.split(delimiter) if delimiter and delimiter != "NIL" else [wire_text]
        folders.append(ServerFolder(wire_text, "/".join(decode_imap_utf7(part) for part in parts)))
    return folders


def maildir_for(root: Path, folder: str) -> Path:
    """The Maildir++ subfolder the importer reads back as `folder` (".已采用.2020年2月", names in UTF-7)."""
    return root / ("." + ".".join(encode_imap_utf7(part) for part in folder.split("/")))


def _make_maildir(path: Path) -> None:
    for part in ("cur", "new", "tmp"):
        (path / part).mkdir(parents=True, exist_ok=True)


def check_target(root: Path, bundled_sample: Path) -> None:
    """Refuse a target that is not ours to write: the bundled sample, or a folder holding another kind of
    export (fetching would turn it into a Maildir and mix the two)."""
    if root.resolve() == bundled_sample.resolve() or (root / SAMPLE_MARKER).exists():
        raise FetchError(
            "错误：MAILBOX_EXPORT 指向自带的示例导出，make fetch 不会往里面写。"
            "请指定一个存放收取邮件的文件夹，例如 make fetch import MAILBOX_EXPORT=~/shzz-mail"
        )
    if root.is_dir() and any(root.iterdir()) and not is_maildir(root):
        raise FetchError(
            f"错误：MAILBOX_EXPORT（{root}）里已有别的内容，不是 make fetch 建的 Maildir；"
            "请换一个空文件夹（或新文件夹）给 make fetch 使用"
        )


@contextmanager
def _fetch_lock(root: Path) -> Iterator[None]:
    """One fetch per Maildir at a time; the system drops the lock when its holder dies."""
    descriptor = os.open(root / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.lockf(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.pread(descriptor, 32, 0).decode(errors="replace").strip() or "?"
            raise FetchError(
                f"错误：另一个收信（make fetch，进程 {holder}）正在写 {root}；等它结束后再运行"
            ) from None
        os.ftruncate(descriptor, 0)
        os.write(descriptor, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(descriptor)


@dataclass
class FolderResult:
    name: str
    new: int = 0
    already_had: int = 0
    renumbered: bool = False  # the server changed the folder's UIDVALIDITY
    withdrawn: int = 0  # local copies of mail no longer in the folder on the server, now marked deleted


@dataclass
class FetchReport:
    folders: list[FolderResult] = field(default_factory=list)
    stopped: str = ""  # why the fetch ended early
    stopped_by: signal.Signals | None = None  # Ctrl-C or SIGTERM; None for a cut connection

    def render(self) -> str:
        new = sum(folder.new for folder in self.folders)
        had = sum(folder.already_had for folder in self.folders)
        lines = [
            "收信结果 / Fetch summary" + ("（中途停止，以下只是已完成的部分）" if self.stopped else ""),
            f"  新收 new:             {new}",
            f"  已有 already had:     {had}",
            f"  文件夹 folders:       {len(self.folders)}",
        ]
        for folder in self.folders:
            lines.append(f"  - {folder.name}：新收 {folder.new}，已有 {folder.already_had}")
            if folder.withdrawn:
                lines.append(
                    f"    撤回 {folder.withdrawn} 封：已不在服务器的这个文件夹里，本地副本标为已删除，"
                    "不再导入（已导入的稿件请在 content/submissions/ 里删去）"
                )
            if folder.renumbered:
                lines.append(
                    "    服务器重新编号了这个文件夹（UIDVALIDITY 变了），已重新收取；"
                    "导入时会认出收过的稿件，不会重复"
                )
        if not self.folders:
            lines.append("  （服务器上没有审核通过的文件夹：见 MAILBOX_APPROVED_FOLDERS）")
        if self.stopped:
            lines += ["", self.stopped]
        return "\n".join(lines)


def _local_uids(folder_dir: Path) -> dict[int, set[int]]:
    """The UIDs already fetched into a Maildir folder, by UIDVALIDITY, read from the file names."""
    fetched: dict[int, set[int]] = {}
    for part in ("cur", "new"):
        for entry in os.scandir(folder_dir / part):
            match = _FETCHED_NAME.fullmatch(entry.name)
            if match:
                fetched.setdefault(int(match.group(1)), set()).add(int(match.group(2)))
    return fetched


def _mark_withdrawn(folder_dir: Path, uidvalidity: int, on_server: set[int]) -> int:
    """Mark deleted (Maildir T, which the importer skips) every local copy whose message is no longer
    in the folder on the server: moved out of approval, deleted there, or fetched under an earlier
    numbering of the folder (fetched again under the new one by now). Returns how many were marked."""
    marked = 0
    for part in ("cur", "new"):
        for entry in os.scandir(folder_dir / part):
            match = _FETCHED_NAME.fullmatch(entry.name)
            if not match or (int(match.group(1)) == uidvalidity and int(match.group(2)) in on_server):
                continue
            name, _, flags = entry.name.partition(":2,")
            if "T" not in flags:
                os.replace(entry.path, folder_dir / "cur" / f"{name}:2,{''.join(sorted(flags + 'T'))}")
                marked += 1
    return marked


def _remove_partial_downloads(folder_dir: Path) -> None:
    for entry in os.scandir(folder_dir / "tmp"):
        if _FETCHED_NAME.fullmatch(entry.name):
            os.unlink(entry.path)


def _check(status: str, data: list, what: str) -> list:
    if status != "OK":
        detail = b" ".join(item for item in data if isinstance(item, bytes)).decode(errors="replace")
        raise FetchError(f"错误：邮件服务器拒绝了{what}（{detail}）")
    return data


def _examine(connection: imaplib.IMAP4, folder: ServerFolder) -> tuple[int, int]:
    """Open a folder read-only: its UIDVALIDITY and message count."""
    status, data = connection.select(_quoted(folder.wire_name), readonly=True)
    _check(status, data, f"打开文件夹“{folder.name}”（只读）")
    _, (uidvalidity,) = connection.response("UIDVALIDITY")
    return int(uidvalidity), int(data[0] or 0)


def _server_sizes(connection: imaplib.IMAP4, folder: ServerFolder) -> dict[int, int]:
    """UID -> size of every message in the open folder."""
    status, data = connection.uid("FETCH", "1:*", "(UID RFC822.SIZE)")
    sizes = {}
    for item in _check(status, data, f"列出“{folder.name}”中的邮件"):
        if (
            isinstance(item, bytes)
            and (uid := _FETCH_UID.search(item))
            and (size := _FETCH_SIZE.search(item))
        ):
            sizes[int(uid.group(1))] = int(size.group(1))
    return sizes


def _batches(uids: list[int], sizes: dict[int, int]) -> Iterator[list[int]]:
    batch: list[int] = []
    batch_bytes = 0
    for uid in uids:
        if batch and (len(batch) >= BATCH_MESSAGES or batch_bytes + sizes[uid] > BATCH_BYTES):
            yield batch
            batch, batch_bytes = [], 0
        batch.append(uid)
        batch_bytes += sizes[uid]
    if batch:
        yield batch


def _fetched_messages(data: list) -> Iterator[tuple[int, str, bytes]]:
    """(UID, Maildir flags, message bytes) from a UID FETCH (UID FLAGS BODY.PEEK[]) response; the flags
    may come before the message or after it."""
    items = [item for item in data if item is not None]
    for index, item in enumerate(items):
        if not isinstance(item, tuple):
            continue
        head, body = item
        after = items[index + 1] if index + 1 < len(items) and isinstance(items[index + 1], bytes) else b""
        uid = _FETCH_UID.search(head) or _FETCH_UID.search(after)
        flags = _FETCH_FLAGS.search(head) or _FETCH_FLAGS.search(after)
        if uid:
            letters = sorted(
                _MAILDIR_FLAGS.get(flag, "") for flag in (flags.group(1).split() if flags else [])
            )
            yield int(uid.group(1)), "".join(letters), body


def _store(folder_dir: Path, uidvalidity: int, uid: int, flags: str, data: bytes) -> None:
    """One message into the Maildir: written in tmp/, then renamed into cur/ whole."""
    name = f"{uidvalidity}.{uid:010d}{FETCHED_SUFFIX}"
    temporary = folder_dir / "tmp" / name
    try:
        with temporary.open("wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, folder_dir / "cur" / f"{name}:2,{flags}")
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


class _Progress:
    """A line on stderr every PROGRESS_SECONDS while a folder downloads."""

    def __init__(self, folder: str, total: int, total_bytes: int) -> None:
        self.folder, self.total, self.total_bytes = folder, total, total_bytes
        self.done = self.done_bytes = 0
        self.shown_at = time.monotonic()

    def add(self, size: int) -> None:
        self.done += 1
        self.done_bytes += size
        if time.monotonic() - self.shown_at >= PROGRESS_SECONDS or self.done == self.total:
            self.shown_at = time.monotonic()
            print(
                f"  {self.folder}：{self.done}/{self.total} 封，"
                f"{self.done_bytes / 1e6:.1f}/{self.total_bytes / 1e6:.1f} MB",
                file=sys.stderr,
                flush=True,
            )


def fetch_folder(connection: imaplib.IMAP4, folder: ServerFolder, root: Path, result: FolderResult) -> None:
    """Download the folder's messages that the local Maildir lacks."""
    uidvalidity, count = _examine(connection, folder)
    folder_dir = maildir_for(root, folder.name)
    _make_maildir(folder_dir)
    _remove_partial_downloads(folder_dir)
    local = _local_uids(folder_dir)
    have = local.get(uidvalidity, set())
    result.renumbered = bool(set(local) - {uidvalidity}) and not have
    sizes = _server_sizes(connection, folder) if count else {}  # some servers refuse "1:*" when empty
    wanted = sorted(uid for uid in sizes if uid not in have)
    result.already_had = len(sizes) - len(wanted)
    print(
        f"{folder.name}：服务器上 {len(sizes)} 封，已有 {result.already_had} 封，待收 {len(wanted)} 封",
        file=sys.stderr,
        flush=True,
    )
    progress = _Progress(folder.name, len(wanted), sum(sizes[uid] for uid in wanted))
    for batch in _batches(wanted, sizes):
        status, data = connection.uid("FETCH", ",".join(map(str, batch)), "(UID FLAGS BODY.PEEK[])")
        for uid, flags, body in _fetched_messages(_check(status, data, f"读取“{folder.name}”中的邮件")):
            _store(folder_dir, uidvalidity, uid, flags, body)
            result.new += 1
            progress.add(sizes.get(uid, len(body)))
    if len(sizes) == count:  # the server listed the whole folder: what it lacks was taken out
        result.withdrawn = _mark_withdrawn(folder_dir, uidvalidity, set(sizes))


def _stop(signum: int, _frame: FrameType | None) -> None:
    raise FetchStopped(signum)


@contextmanager
def _stopping_on_signals() -> Iterator[None]:
    previous = {number: signal.signal(number, _stop) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def run_fetch(
    settings: ImapSettings, password: str, root: Path, approved_folders: tuple[str, ...]
) -> FetchReport:
    """Fetch every approval folder on the server into the Maildir at root. Ctrl-C, SIGTERM and a cut
    connection end it early with every whole message kept (report.stopped says so)."""
    report = FetchReport()
    _make_maildir(root)
    with _fetch_lock(root), _stopping_on_signals():
        try:
            connection = connect(settings, password)
            print(
                f"==> 已连接 {settings.host}（{settings.user}），收取审核通过的邮件到 {root}",
                file=sys.stderr,
                flush=True,
            )
            try:
                for folder in server_folders(connection):
                    if is_approved(folder.name, approved_folders):
                        report.folders.append(FolderResult(folder.name))
                        fetch_folder(connection, folder, root, report.folders[-1])
            except BaseException:
                with suppress(OSError):
                    connection.shutdown()  # stopped mid-command: no polite LOGOUT to wait for
                raise
            _close(connection)
        except FetchStopped as stopped:
            why = "按了 Ctrl-C" if stopped.signal == signal.SIGINT else f"收到 {stopped.signal.name}"
            report.stopped_by = stopped.signal
            report.stopped = (
                f"收信已中断（{why}）：已收到的邮件都已完整保存。再次运行 make fetch 会接着收取其余邮件。"
            )
        except (OSError, imaplib.IMAP4.abort) as error:
            report.stopped = (
                f"与邮件服务器的连接中断（{error}）：已收到的邮件都已完整保存。"
                "再次运行 make fetch 会接着收取其余邮件。"
            )
    return report


@dataclass(frozen=True)
class ServerMessage:
    uid: int
    sender: str
    date: str
    subject: str
    size: int


@dataclass
class ServerView:
    """What `make review` shows of the server: the inbox, and approved mail not fetched yet."""

    inbox_count: int = 0
    inbox: list[ServerMessage] = field(default_factory=list)  # the newest INBOX_LISTED
    not_fetched: dict[str, int] = field(default_factory=dict)  # approval folder -> messages not fetched


def server_view(
    settings: ImapSettings, password: str, root: Path, approved_folders: tuple[str, ...]
) -> ServerView:
    """Read-only: the inbox's headers, and per approval folder how many messages the Maildir at root
    lacks (all of them when root is not a fetched Maildir)."""
    connection = connect(settings, password)
    view = ServerView()
    try:
        view.inbox_count, view.inbox = _inbox_headers(connection)
        for folder in server_folders(connection):
            if is_approved(folder.name, approved_folders):
                uidvalidity, count = _examine(connection, folder)
                folder_dir = maildir_for(root, folder.name)
                have = _local_uids(folder_dir).get(uidvalidity, set()) if is_maildir(folder_dir) else set()
                missing = len(set(_server_sizes(connection, folder) if count else {}) - have)
                if missing:
                    view.not_fetched[folder.name] = missing
    finally:
        _close(connection)
    return view


def _inbox_headers(connection: imaplib.IMAP4) -> tuple[int, list[ServerMessage]]:
    """The server inbox's message count and its newest INBOX_LISTED messages' headers (read-only)."""
    status, data = connection.select("INBOX", readonly=True)
    count = int(_check(status, data, "打开收件箱（只读）")[0] or 0)
    if not count:
        return 0, []
    first = max(1, count - INBOX_LISTED + 1)
    status, data = connection.fetch(
        f"{first}:*", "(UID RFC822.SIZE BODY.PEEK[HEADER.FIELDS (FROM DATE SUBJECT)])"
    )
    messages = []
    for item in _check(status, data, "读取收件箱的邮件头"):
        if isinstance(item, tuple):
            head, headers = item
            uid, size = _FETCH_UID.search(head), _FETCH_SIZE.search(head)
            fields = _header_fields(headers)
            messages.append(
                ServerMessage(
                    int(uid.group(1)) if uid else 0,
                    fields.get("from", ""),
                    fields.get("date", ""),
                    fields.get("subject", ""),
                    int(size.group(1)) if size else 0,
                )
            )
    return count, messages


def _header_fields(data: bytes) -> dict[str, str]:
    headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(data)
    fields = {}
    for name in ("from", "date", "subject"):
        try:
            # Control characters (an escape sequence, say) must not reach the editor's terminal.
            fields[name] = clean_text(decode_header_text(raw_header(headers, name)), " ")[0]
        except (UndecodableText, ValueError):
            fields[name] = "（邮件头已损坏）"
    return fields


def render_server_view(host: str, view: ServerView) -> str:
    lines = [f"服务器收件箱 / Server inbox（{host}，只读）：{view.inbox_count} 封"]
    if view.inbox_count > len(view.inbox):
        lines.append(f"  （只列出最新的 {len(view.inbox)} 封）")
    for message in view.inbox:
        lines += [
            f"INBOX / UID {message.uid}",
            f"  发件人 From:    {message.sender or '（无）'}",
            f"  日期 Date:      {message.date or '（无）'}",
            f"  主题 Subject:   {message.subject or '（无）'}",
            f"  大小 Size:      {message.size} 字节",
        ]
    lines.append("采用的邮件请在邮箱里移到“已采用”文件夹，再运行 make fetch import")
    waiting = sum(view.not_fetched.values())
    lines.append(f"服务器上已采用、尚未收取 / Approved on the server, not fetched yet: {waiting}")
    lines += [f"  {folder}：{count} 封（运行 make fetch）" for folder, count in view.not_fetched.items()]
    return "\n".join(lines)
