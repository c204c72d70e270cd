"""Reading a mailbox export: one entry per mail folder, messages streamed one at a time.

A folder is a directory of .eml files, a Maildir (cur/new/tmp), or an mbox file named NAME or NAME.mbox;
Thunderbird keeps NAME's subfolders in a directory NAME.sbd/. Folders nest, and a folder's name is its
path under the export root ("收件箱/待审核"). Nothing is read ahead: the export may be larger than memory.
"""

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

MAILDIR_PARTS = ("cur", "new", "tmp")
MAILDIR_INFO = ":2,"  # a Maildir file name ends in ":2," and its flags; T = trashed
THUNDERBIRD_SUBFOLDERS = ".sbd"
# Thunderbird marks a deleted-but-not-compacted message by this bit of X-Mozilla-Status.
MOZILLA_EXPUNGED = 0x0008
_MOZILLA_STATUS = re.compile(
    rb"^X-Mozilla-Status:[ \t]*([0-9A-Fa-f]{1,4})[ \t]*\r?$", re.MULTILINE | re.IGNORECASE
)
_MBOX_ESCAPED_FROM = re.compile(rb"^>(>*From )")


@dataclass(frozen=True)
class ExportEntry:
    """One message as stored, or a file of the export that could not be read as mail."""

    folder: str
    location: str  # the file under the export root; "#N" is the Nth message of an mbox
    data: bytes
    problem: str = ""


def _folder_name(parts: list[str]) -> str:
    return unicodedata.normalize("NFC", "/".join(parts))


# A file of this name at the root marks an export of made-up mail (like the bundled one): its stories
# are imported as samples (Sample: true), so the site and every feed say they are fictional.
SAMPLE_MARKER = "SAMPLE.txt"


def is_sample_export(root: Path) -> bool:
    return (root / SAMPLE_MARKER).is_file()


def is_maildir(directory: Path) -> bool:
    return all((directory / name).is_dir() for name in ("cur", "new"))


def deleted_reason(entry: ExportEntry) -> str:
    """Why a message the mail client had deleted is not mail to import; empty for live mail."""
    if is_expunged(entry.data):
        return "Thunderbird 已删除（expunged 标记），不导入"
    flags = entry.location.rpartition(MAILDIR_INFO)[2] if MAILDIR_INFO in entry.location else ""
    if "T" in flags:
        return "Maildir 中已标记删除（T 标记），不导入"
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


def _walk_directory(root: Path, directory: Path, parts: list[str]) -> Iterator[ExportEntry]:
    maildir = is_maildir(directory)
    if maildir:
        for name in ("cur", "new"):  # tmp holds deliveries in progress, never finished mail
            for path in sorted((directory / name).iterdir()):
                if path.is_file() and not path.name.startswith("."):
                    yield _read_file(root, path, parts)
    for entry in sorted(directory.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            if maildir and entry.name in MAILDIR_PARTS:
                continue
            name = entry.name.removesuffix(THUNDERBIRD_SUBFOLDERS)
            yield from _walk_directory(root, entry, [*parts, name])
        elif entry.suffix.lower() == ".eml":
            yield _read_file(root, entry, parts)
        elif entry.suffix.lower() == ".mbox" or not entry.suffix:
            yield from _read_mbox(root, entry, [*parts, entry.name.removesuffix(".mbox")])


def _relative(root: Path, path: Path) -> str:
    return unicodedata.normalize("NFC", path.relative_to(root).as_posix())


def _read_file(root: Path, path: Path, parts: list[str]) -> ExportEntry:
    try:
        data = path.read_bytes()
    except OSError as error:
        return ExportEntry(_folder_name(parts), _relative(root, path), b"", f"cannot read the file: {error}")
    return ExportEntry(_folder_name(parts), _relative(root, path), data)


def _read_mbox(root: Path, path: Path, parts: list[str]) -> Iterator[ExportEntry]:
    """Split an mbox on "From " lines that start the file or follow a blank line, one message at a time."""
    folder, location = _folder_name(parts), _relative(root, path)
    with path.open("rb") as mbox:
        first = mbox.readline()
        if not first:
            return
        if not first.startswith(b"From "):
            yield ExportEntry(
                folder, location, b"", "not an mbox file (no 'From ' line at the start); left out"
            )
            return
        lines: list[bytes] = []
        number = 0
        previous_blank = False
        for line in mbox:
            if line.startswith(b"From ") and previous_blank:
                number += 1
                yield ExportEntry(folder, f"{location}#{number}", _finish_mbox_message(lines))
                lines = []
            else:
                lines.append(_MBOX_ESCAPED_FROM.sub(rb"\1", line))
            previous_blank = line in (b"\n", b"\r\n")
        number += 1
        yield ExportEntry(folder, f"{location}#{number}", _finish_mbox_message(lines))


def _finish_mbox_message(lines: list[bytes]) -> bytes:
    # The blank line before the next "From " separates messages; it is not part of the message.
    if lines and lines[-1] in (b"\n", b"\r\n"):
        lines = lines[:-1]
    return b"".join(lines)
