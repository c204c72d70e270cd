"""Approval is folder membership only.

Editors approve a submission by moving it into an approval folder in their mail client. Nothing inside a
message counts: not its subject, X-Approved, Status, X-Mozilla-Status/Keys, Keywords nor its sender,
because anyone can write those.
"""

import unicodedata
from collections.abc import Collection

# Deleted and junk mail as mail clients (Thunderbird, Outlook, Foxmail, QQ/163 Mail, Apple Mail) and
# operating systems (recycle bins on a copied disk) name it, compared case-insensitively. Deleting an
# approval folder moves it, approved mail and all, under one of these: it must stop approving.
DISCARDED_FOLDERS = frozenset(
    name.casefold()
    for name in (
        "Trash", "Deleted", "Deleted Items", "Deleted Messages", "Bin", "Junk", "Junk E-mail",
        "Junk Email", "Spam", "Bulk Mail", "已删除", "已删除邮件", "已删除的邮件", "垃圾邮件",
        "垃圾电子邮件", "垃圾箱", "废纸篓", "回收站", "$RECYCLE.BIN", "RECYCLER", ".Trashes",
    )
)  # fmt: skip
_OS_TRASH_PREFIX = ".trash-"  # freedesktop trash on a removable disk: .Trash-1000


def is_discarded(folder: str) -> bool:
    """True when the folder is, or lies inside, deleted or junk mail."""
    return any(
        part in DISCARDED_FOLDERS or part.startswith(_OS_TRASH_PREFIX)
        for part in unicodedata.normalize("NFC", folder).casefold().split("/")
    )


def is_approved(folder: str, approved_folders: Collection[str]) -> bool:
    """True when the folder is, or lies inside, an approval folder, and not inside deleted or junk mail.

    A name without "/" ("已采用") matches that folder at any depth ("收件箱/已采用", "已采用/2020年2月");
    a name with "/" ("收件箱/已采用") matches that exact path and what lies under it.
    """
    if is_discarded(folder):
        return False
    parts = unicodedata.normalize("NFC", folder).split("/")
    for approved in approved_folders:
        wanted = unicodedata.normalize("NFC", approved).strip("/").split("/")
        if len(wanted) == 1 and wanted[0] in parts:
            return True
        if len(wanted) > 1 and parts[: len(wanted)] == wanted:
            return True
    return False
