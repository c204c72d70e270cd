"""Approval is folder membership only.

Editors approve a submission by moving it into an approval folder in their mail client. Nothing inside a
message counts: not its subject, X-Approved, Status, X-Mozilla-Status/Keys, Keywords nor its sender,
because anyone can write those.
"""

import unicodedata
from collections.abc import Collection


def is_approved(folder: str, approved_folders: Collection[str]) -> bool:
    """True when the folder is, or lies inside, an approval folder.

    A name without "/" ("已采用") matches that folder at any depth ("收件箱/已采用", "已采用/2020年2月");
    a name with "/" ("收件箱/已采用") matches that exact path and what lies under it.
    """
    parts = unicodedata.normalize("NFC", folder).split("/")
    for approved in approved_folders:
        wanted = unicodedata.normalize("NFC", approved).strip("/").split("/")
        if len(wanted) == 1 and wanted[0] in parts:
            return True
        if len(wanted) > 1 and parts[: len(wanted)] == wanted:
            return True
    return False
