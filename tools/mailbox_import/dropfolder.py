"""The drop folder (MAILBOX_INBOX_DIR, `inbox/`): .docx, .md and .txt files that organizations sent through
WeChat or QQ work groups. Dropping a file there is the editor's approval.

Each file goes through the mail pipeline unchanged: it is wrapped in a message (the .docx as an attachment
behind an empty note, the text as the body), so conversion with images, sanitizing, masking, metadata
guesses, fingerprints and the manifest are the very ones mail gets. Its fingerprint is the SHA-256 of the
file's bytes: the same file dropped again, under any name, is the same story.
"""

import email.utils
import mimetypes
import os
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import markdown
from bs4 import BeautifulSoup

from .convert import DOCX_TYPE
from .decode import UndecodableText, decode_bytes
from .export import IGNORED_FILES, SYMLINK, ExportEntry
from .mailparts import BadMessage

TEXT_SUFFIXES = (".txt", ".text")
# Pictures a Markdown story shows (`![说明](photo.jpg)`, beside it): read with it, not stories themselves.
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp")
MARKDOWN_SUFFIXES = (".md", ".markdown")
DOCX_SUFFIX = ".docx"
OLD_WORD = (
    "旧版 Word 或 WPS 文档（.doc/.wps）无法直接读取；请用 Word 或 WPS 打开，"
    "“另存为” .docx 后放进投放文件夹，再导入"
)
NOT_A_STORY_FILE = "不是 .docx、.md 或 .txt 文件，未导入；稿件请存为这几种格式之一"
EMPTY_FILE = "文件是空的；请向来稿单位重新索取"
UNDECODABLE = "文件的文字编码无法识别（既不是 UTF-8 也不是 GBK）；请用记事本“另存为” UTF-8 后再放入"


def is_story_file(name: str) -> bool:
    return name.lower().endswith((DOCX_SUFFIX, *TEXT_SUFFIXES, *MARKDOWN_SUFFIXES))


def iter_dropped(folder: Path, label: str) -> Iterator[ExportEntry]:
    """Every file in the drop folder and its subfolders, sorted; `label` names the folder in reports.
    Hidden files, Word's lock files (~$…) and system files are passed over; anything else that is not a
    story file is reported. Symbolic links are never followed."""
    if not folder.is_dir():
        return
    for directory, subfolders, files in os.walk(folder):
        subfolders.sort()
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        for name in sorted(files):
            if name.startswith((".", "~$")) or name in IGNORED_FILES or name.lower().endswith(IMAGE_SUFFIXES):
                continue
            path = Path(directory) / name
            location = unicodedata.normalize("NFC", path.relative_to(folder).as_posix())
            if path.is_symlink():
                yield ExportEntry(label, location, b"", SYMLINK)
            elif name.lower().endswith((".doc", ".wps")):
                yield ExportEntry(label, location, b"", OLD_WORD)
            elif not is_story_file(name):
                yield ExportEntry(label, location, b"", NOT_A_STORY_FILE)
            else:
                try:
                    data = path.read_bytes()
                    modified = path.stat().st_mtime
                except OSError as error:
                    problem = f"无法读取这个文件（{error.strerror or error}）；请检查权限后重新导入"
                    yield ExportEntry(label, location, b"", problem)
                    continue
                if not data.strip():
                    yield ExportEntry(label, location, b"", EMPTY_FILE)
                else:
                    yield ExportEntry(label, location, data, dropped_at=modified)


def message_for_file(folder: Path, location: str, data: bytes, modified: float) -> bytes:
    """The file at `location` in the drop folder wrapped as a message with no subject, sender or approval
    of its own; dated by the file's modification time (when it was saved from the work group), an instant
    that convert() puts in the site's time zone like any Date header. A Markdown file's pictures in the
    drop folder travel with it as the message's inline images."""
    message = EmailMessage()
    when = datetime.fromtimestamp(modified, UTC)
    message["Date"] = email.utils.format_datetime(when)
    message["MIME-Version"] = "1.0"
    lower = location.lower()
    if lower.endswith(DOCX_SUFFIX):
        message.set_content("")
        maintype, subtype = DOCX_TYPE.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=Path(location).name)
        return message.as_bytes()
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Notepad's "Unicode"
            text = data.decode("utf-16")
        else:
            text = decode_bytes(data.removeprefix(b"\xef\xbb\xbf"))
    except (UndecodableText, UnicodeDecodeError):
        raise BadMessage(UNDECODABLE) from None
    if lower.endswith(MARKDOWN_SUFFIXES):
        pictures: dict[str, tuple[str, bytes]] = {}
        page = BeautifulSoup(markdown.markdown(text), "html.parser")
        for image in page.find_all("img"):
            picture = _local_picture(folder, location, str(image.get("src", "")))
            if picture is not None:
                cid = f"inbox-image-{len(pictures)}@mailbox-import"
                pictures[cid] = (PurePosixPath(str(image["src"])).name, picture)
                image["src"] = f"cid:{cid}"
        message.set_content(str(page), subtype="html", cte="base64")
        for cid, (name, picture) in pictures.items():
            kind = mimetypes.guess_type(name)[0] or "image/octet-stream"
            maintype, subtype = kind.split("/")
            message.add_related(picture, maintype=maintype, subtype=subtype, cid=f"<{cid}>", filename=name)
    else:
        message.set_content(text, cte="base64")
    return message.as_bytes()


def _local_picture(folder: Path, location: str, source: str) -> bytes | None:
    """The bytes of a picture a Markdown file links by a relative path inside the drop folder; None for
    anything else (a web address, a path leading out of the folder, a link, a missing file)."""
    if not source or urlsplit(source).scheme or source.startswith(("/", "\\")):
        return None
    root = folder.resolve()
    path = (root / location).parent / unquote(source)
    try:
        if path.is_symlink() or not path.resolve().is_relative_to(root) or not path.is_file():
            return None
        return path.read_bytes()
    except OSError:
        return None
