"""Reading a mailbox export: one entry per mail folder, messages streamed one at a time.

A folder is a directory of .eml files, a Maildir (cur/new/tmp), or an mbox file (recognised by its first
line, whatever its name: NAME, NAME.mbox, "已采用 2020.02"); Thunderbird keeps NAME's subfolders in a
directory NAME.sbd/, a Maildir++ (Dovecot, Courier) keeps them in .NAME.SUB/ inside the Maildir. Folders
nest, and a folder's name is its path under the export root ("收件箱/待审核"). Nothing is read ahead: the
export may be larger than memory.

No message is dropped silently: every file is read as mail, known not to be mail (IGNORED_FILES, Maildir
tmp/ and control files), or yielded as an entry with a problem, which the import reports as skipped.
Symbolic links are never followed: one could pull in files from outside the export, loop forever, or
make a pending folder look like an approval folder.
"""

import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .approval import is_discarded
from .utf7 import decode_imap_utf7

MAILDIR_PARTS = ("cur", "new", "tmp")
MAILDIR_INFO = ":2,"  # a Maildir file name ends in ":2," and its flags; T = trashed
THUNDERBIRD_SUBFOLDERS = ".sbd"
# Apple Mail exports a mailbox NAME as a folder NAME.mbox/ holding the messages in a file `mbox` beside
# its own bookkeeping; a mailbox's subfolders are NAME.mbox/ folders inside it.
APPLE_MAILBOX_SUFFIX = ".mbox"
APPLE_MAILBOX_FILE = "mbox"
APPLE_MAILBOX_CONTROL_FILES = frozenset({"Info.plist", "table_of_contents"})
# Thunderbird marks a deleted-but-not-compacted message by this bit of X-Mozilla-Status.
MOZILLA_EXPUNGED = 0x0008
_MOZILLA_STATUS = re.compile(
    rb"^X-Mozilla-Status:[ \t]*([0-9A-Fa-f]{1,4})[ \t]*\r?$", re.MULTILINE | re.IGNORECASE
)
_MBOX_ESCAPED_FROM = re.compile(rb"^>(>*From )")
# An mbox envelope line: "From " sender date, the date as asctime ("Tue Feb 18 10:30:00 2020", maybe with
# a zone) or as in a Date header. A body paragraph starting "From " (unescaped by some tools) is not one.
_WEEKDAY = rb"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
_MONTH = rb"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_TIME = rb"\d{1,2}:\d{2}(?::\d{2})?"
_ZONE = rb"(?:[A-Z]{2,5}|[+-]\d{4})"
_MBOX_ENVELOPE = re.compile(
    rb"From \S+ +" + _WEEKDAY + rb",? +(?:"
    + _MONTH + rb" +\d{1,2} +" + _TIME + rb"(?: +" + _ZONE + rb")* +\d{4}(?: +" + _ZONE + rb")?"
    + rb"|\d{1,2} +" + _MONTH + rb" +\d{4} +" + _TIME + rb"(?: +" + _ZONE + rb")?"
    + rb")[ \t]*\r?\n"
)  # fmt: skip
_HEADER_LINE = re.compile(rb"[!-9;-~]+[ \t]*:")

# Files that are never mail: operating systems' folder metadata, Thunderbird's index of an mbox (rebuilt
# from the mbox), and in a Maildir the mail server's own bookkeeping.
IGNORED_FILES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
IGNORED_SUFFIXES = (".msf",)
# `make fetch` keeps its lock and notes beside the mail it fetched (fetch.py).
MAILDIR_CONTROL_PREFIXES = ("dovecot", "courierimap", "maildirfolder", "subscriptions", "imap-fetch")
COURIER_CONTROL_FOLDER = "courierimap"  # courierimapkeywords/ in a Maildir holds flags, not mail

SYMLINK = (
    "这是一个快捷方式（符号链接），导入时不跟随，以免读入导出文件夹以外的文件；请把邮件本身放进导出文件夹"
)
SPECIAL_FILE = "不是普通文件（设备、管道等），未读取"
OUTLOOK_MSG = "Outlook 的 .msg 文件无法直接读取；请在 Outlook 中把这封邮件另存为 .eml，或导出为 mbox，再导入"
NOT_MAIL = (
    "不是可识别的邮件文件（应为 .eml 邮件、Maildir 或 mbox 邮箱文件）；如果它是一封邮件，请另存为 .eml 再导入"
)
FOLDER_IN_MAILDIR_PART = "Maildir 的 cur/new 中不应有文件夹，其中内容未读取；请检查导出是否完整"


@dataclass(frozen=True)
class ExportEntry:
    """One message as stored, or a file of the export that could not be read as mail."""

    folder: str
    location: str  # the file under the export root; "#N" is the Nth message of an mbox
    data: bytes
    problem: str = ""
    dropped_at: float | None = None  # a file from the drop folder (its modification time), not mail


def _folder_name(parts: list[str]) -> str:
    return unicodedata.normalize("NFC", "/".join(parts))


# A file of this name at the root marks an export of made-up mail (like the bundled one): its stories
# are imported as samples (Sample: true), so the site and every feed say they are fictional.
SAMPLE_MARKER = "SAMPLE.txt"


def is_sample_export(root: Path) -> bool:
    return (root / SAMPLE_MARKER).is_file()


def is_maildir(directory: Path) -> bool:
    return all((directory / name).is_dir() and not (directory / name).is_symlink() for name in ("cur", "new"))


def deleted_reason(entry: ExportEntry) -> str:
    """Why a message the mail client had deleted is not mail to import; empty for live mail."""
    if is_expunged(entry.data):
        return "Thunderbird 已删除（expunged 标记），不导入"
    flags = entry.location.rpartition(MAILDIR_INFO)[2] if MAILDIR_INFO in entry.location else ""
    if "T" in flags:
        return "Maildir 中已标记删除（T 标记），不导入"
    if is_discarded(entry.folder):
        return "位于已删除或垃圾邮件文件夹，不导入，也不算待审核"
    return ""


def is_expunged(data: bytes) -> bool:
    """True for a message Thunderbird deleted but had not yet compacted away."""
    header_end = min((i for i in (data.find(b"\n\n"), data.find(b"\r\n\r\n")) if i >= 0), default=len(data))
    match = _MOZILLA_STATUS.search(data, 0, header_end)
    return bool(match and int(match.group(1), 16) & MOZILLA_EXPUNGED)


def iter_export(root: Path) -> Iterator[ExportEntry]:
    """Every message under the export root, folder by folder, in a stable (sorted) order."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"mailbox export not found: {root} (set MAILBOX_EXPORT to the export folder)")
    yield from _walk_directory(root, root, [])


def _unreadable(error: OSError) -> str:
    return error.strerror or str(error)


def _unreadable_folder(root: Path, directory: Path, parts: list[str], error: OSError) -> ExportEntry:
    reason = f"无法打开这个文件夹（{_unreadable(error)}），其中的邮件都未导入；请检查权限后重新导入"
    return _problem(root, directory, parts, reason)


def _sorted_entries(directory: Path) -> list[os.DirEntry]:
    with os.scandir(directory) as entries:
        return sorted(entries, key=lambda entry: entry.name)


def _walk_directory(
    root: Path, directory: Path, parts: list[str], apple_mailbox: bool = False
) -> Iterator[ExportEntry]:
    try:
        entries = _sorted_entries(directory)
    except OSError as error:
        yield _unreadable_folder(root, directory, parts, error)
        return
    maildir = is_maildir(directory)
    if maildir:
        for name in ("cur", "new"):  # tmp holds deliveries in progress, never finished mail
            yield from _walk_maildir_part(root, directory / name, parts)
    for entry in entries:
        path = Path(entry.path)
        if entry.is_symlink():
            yield _problem(root, path, parts, SYMLINK)
        elif entry.is_dir(follow_symlinks=False):
            if maildir and (entry.name in MAILDIR_PARTS or entry.name.startswith(COURIER_CONTROL_FOLDER)):
                continue
            if entry.name.lower().endswith(APPLE_MAILBOX_SUFFIX) and not maildir:
                name = entry.name[: -len(APPLE_MAILBOX_SUFFIX)]
                yield from _walk_directory(root, path, [*parts, name], apple_mailbox=True)
                continue
            yield from _walk_directory(root, path, [*parts, *_subfolder_names(entry.name, maildir, path)])
        elif not entry.is_file(follow_symlinks=False):
            yield _problem(root, path, parts, SPECIAL_FILE)
        elif _is_ignorable(entry.name, parts, maildir) or (
            apple_mailbox and entry.name in APPLE_MAILBOX_CONTROL_FILES
        ):
            continue
        elif apple_mailbox and entry.name == APPLE_MAILBOX_FILE:
            yield from _read_mbox(root, path, parts, _folder_name(parts))
        elif entry.name.lower().endswith(".eml"):
            yield _read_file(root, path, parts)
        elif entry.name.lower().endswith(".msg"):
            yield _problem(root, path, parts, OUTLOOK_MSG)
        else:
            yield from _read_mbox(root, path, parts, _folder_name([*parts, entry.name.removesuffix(".mbox")]))


def _walk_maildir_part(root: Path, directory: Path, parts: list[str]) -> Iterator[ExportEntry]:
    """The messages of a Maildir's cur/ or new/: every regular file there is one message."""
    try:
        entries = _sorted_entries(directory)
    except OSError as error:
        yield _unreadable_folder(root, directory, parts, error)
        return
    for entry in entries:
        path = Path(entry.path)
        if entry.is_symlink():
            yield _problem(root, path, parts, SYMLINK)
        elif entry.is_dir(follow_symlinks=False):
            yield _problem(root, path, parts, FOLDER_IN_MAILDIR_PART)
        elif not entry.is_file(follow_symlinks=False):
            yield _problem(root, path, parts, SPECIAL_FILE)
        elif entry.name not in IGNORED_FILES:
            yield _read_file(root, path, parts)


def _subfolder_names(name: str, in_maildir: bool, path: Path) -> list[str]:
    """The folder names a directory adds to its parent's: "收件箱.sbd" adds 收件箱 (Thunderbird); a
    Maildir++ ".已采用.2020年2月" inside a Maildir adds 已采用/2020年2月, its IMAP UTF-7 decoded."""
    if in_maildir and name.startswith(".") and len(name) > 1 and is_maildir(path):
        return [decode_imap_utf7(part) for part in name[1:].split(".")]
    return [name.removesuffix(THUNDERBIRD_SUBFOLDERS)]


def _is_ignorable(name: str, parts: list[str], in_maildir: bool) -> bool:
    return (
        name in IGNORED_FILES
        or name.lower().endswith(IGNORED_SUFFIXES)
        or (not parts and name == SAMPLE_MARKER)
        or (in_maildir and name.startswith(MAILDIR_CONTROL_PREFIXES))
    )


def _relative(root: Path, path: Path) -> str:
    return unicodedata.normalize("NFC", path.relative_to(root).as_posix())


def _problem(root: Path, path: Path, parts: list[str], reason: str) -> ExportEntry:
    return ExportEntry(_folder_name(parts), _relative(root, path), b"", reason)


def _open_no_follow(path: Path) -> BinaryIO:
    # The walk already refused links; O_NOFOLLOW also refuses one put in a file's place since.
    return os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)), "rb")


def _read_file(root: Path, path: Path, parts: list[str]) -> ExportEntry:
    try:
        with _open_no_follow(path) as file:
            data = file.read()
    except OSError as error:
        return _problem(root, path, parts, f"无法读取这个文件（{_unreadable(error)}）；请检查权限后重新导入")
    return ExportEntry(_folder_name(parts), _relative(root, path), data)


def _read_mbox(root: Path, path: Path, parts: list[str], folder: str) -> Iterator[ExportEntry]:
    """A file that is neither .eml nor known: an mbox if it starts with a "From " line, else reported.

    Messages are split on envelope lines that follow a blank line and are followed by a header line;
    ">From " lines are unescaped (mboxrd)."""
    location = _relative(root, path)
    number = 0
    try:
        with _open_no_follow(path) as mbox:
            first = mbox.readline()
            if not first:
                return  # an empty mail folder
            if not first.startswith(b"From "):
                yield _problem(root, path, parts, NOT_MAIL)
                return
            lines: list[bytes] = []
            previous_blank = False
            envelope: bytes | None = None  # an envelope-like line, until the next line tells
            for line in mbox:
                if envelope is not None:
                    if _HEADER_LINE.match(line):
                        number += 1
                        yield ExportEntry(folder, f"{location}#{number}", _finish_mbox_message(lines))
                        lines = []
                    else:
                        lines.append(envelope)  # body text that only looked like an envelope
                    envelope = None
                elif previous_blank and _MBOX_ENVELOPE.fullmatch(line):
                    envelope, previous_blank = line, False
                    continue
                lines.append(_MBOX_ESCAPED_FROM.sub(rb"\1", line))
                previous_blank = line in (b"\n", b"\r\n")
            if envelope is not None:
                lines.append(envelope)
    except OSError as error:
        first_lost = f"{location}#{number + 1}"
        yield ExportEntry(
            folder,
            location,
            b"",
            f"从第 {number + 1} 封邮件（{first_lost}）起无法读取这个邮箱文件（{_unreadable(error)}），"
            "其后的邮件都未导入；请检查文件后重新导入",
        )
        return
    number += 1
    yield ExportEntry(folder, f"{location}#{number}", _finish_mbox_message(lines))


def _finish_mbox_message(lines: list[bytes]) -> bytes:
    # The blank line before the next "From " separates messages; it is not part of the message.
    if lines and lines[-1] in (b"\n", b"\r\n"):
        lines = lines[:-1]
    return b"".join(lines)
