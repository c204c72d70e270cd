"""The import's settings: read from pelicanconf.py, defaults here."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from buildlog.settings import read_settings_file, wrong_setting
from edit_times.edits import DEFAULT_CONTENT_DIR
from siterules.clock import site_timezone
from siterules.folders import SUBMITTED_IMAGES_FOLDER

from .approval import is_discarded

DEFAULTS: dict[str, Any] = {
    "MAILBOX_APPROVED_FOLDERS": ["已采用"],
    "MAILBOX_CONTENT_DIR": DEFAULT_CONTENT_DIR,
    "MAILBOX_IMAGES_DIR": f"content/{SUBMITTED_IMAGES_FOLDER}",
    "SITE_CONTACT_EMAIL": "jsmzshzz@163.com",
    "MAILBOX_INBOX_DIR": "inbox",
    "MAILBOX_CONVERT_TIMEOUT": 120,
}


@dataclass(frozen=True)
class ImportSettings:
    approved_folders: tuple[str, ...]
    stories_dir: Path
    images_dir: Path
    images_path: str  # the images folder relative to the content folder, as stories link to it
    public_emails: tuple[str, ...]
    timezone: ZoneInfo  # the site's (TIMEZONE): stories are dated in it, as Pelican reads their dates
    inbox_dir: Path = Path("inbox")  # the drop folder for files from the work groups
    inbox_label: str = "inbox"  # how reports name it: the setting as written
    convert_timeout: float = 120.0  # seconds one conversion may take before it is stopped


def _approved_folders(value: Any, settings_file: Path) -> tuple[str, ...]:
    """The approval setting checked: a string here would be read as one folder per character."""

    def is_folder_path(name: object) -> bool:  # "已采用", "收件箱/已采用"; no empty part ("/", "a//b")
        return isinstance(name, str) and all(part.strip() for part in name.strip("/").split("/"))

    if isinstance(value, list | tuple) and all(is_folder_path(name) for name in value):
        for name in value:
            if is_discarded(name):
                raise wrong_setting(
                    settings_file, "MAILBOX_APPROVED_FOLDERS",
                    f"中的 {name!r} 是已删除/垃圾邮件文件夹，放在那里的邮件不会被采用",
                    f"MAILBOX_APPROVED_FOLDERS names {name!r}, which lies in deleted or junk mail, "
                    "where nothing is ever approved",
                )  # fmt: skip
        return tuple(value)
    raise wrong_setting(
        settings_file, "MAILBOX_APPROVED_FOLDERS",
        '应写成文件夹名的列表（方括号、引号），例如 ["已采用"] 或 ["收件箱/已采用"]',
        f'MAILBOX_APPROVED_FOLDERS must be a list of folder names, such as ["已采用"], not {value!r}',
    )  # fmt: skip


def settings_from(
    values: dict[str, Any], project_dir: Path, content_dir: Path, settings_file: Path | None = None
) -> ImportSettings:
    """Build the settings from a mapping of Pelican-style settings; folders relative to project_dir.
    A wrong value is refused naming its line in settings_file (project_dir/pelicanconf.py)."""
    settings_file = settings_file or project_dir / "pelicanconf.py"
    merged = {**DEFAULTS, **{key: value for key, value in values.items() if key in DEFAULTS}}
    images_dir = (project_dir / merged["MAILBOX_IMAGES_DIR"]).resolve()
    try:
        images_path = images_dir.relative_to(content_dir.resolve()).as_posix()
    except ValueError:
        raise wrong_setting(
            settings_file, "MAILBOX_IMAGES_DIR",
            f"（{images_dir}）应在内容文件夹 {content_dir} 之内，网站才会发布这些图片",
            f"MAILBOX_IMAGES_DIR ({images_dir}) must lie inside the content folder ({content_dir}) "
            "so that Pelican publishes the images",
        ) from None  # fmt: skip
    return ImportSettings(
        approved_folders=_approved_folders(merged["MAILBOX_APPROVED_FOLDERS"], settings_file),
        stories_dir=(project_dir / merged["MAILBOX_CONTENT_DIR"]).resolve(),
        images_dir=images_dir,
        images_path=images_path,
        public_emails=(merged["SITE_CONTACT_EMAIL"],) if merged["SITE_CONTACT_EMAIL"] else (),
        timezone=_timezone(values, settings_file),
        inbox_dir=(project_dir / merged["MAILBOX_INBOX_DIR"]).resolve(),
        inbox_label=str(merged["MAILBOX_INBOX_DIR"]).strip("/"),
        convert_timeout=_seconds(merged["MAILBOX_CONVERT_TIMEOUT"], settings_file),
    )


def _timezone(values: dict[str, Any], settings_file: Path) -> ZoneInfo:
    try:
        return site_timezone(values)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise wrong_setting(
            settings_file, "TIMEZONE", '应为时区名称，例如 "Asia/Shanghai"',
            f'TIMEZONE must name a time zone such as "Asia/Shanghai", not {values.get("TIMEZONE")!r}',
        ) from None  # fmt: skip


def _seconds(value: Any, settings_file: Path) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return float(value)
    raise wrong_setting(
        settings_file, "MAILBOX_CONVERT_TIMEOUT", "应为秒数，例如 120",
        f"MAILBOX_CONVERT_TIMEOUT must be a number of seconds such as 120, not {value!r}",
    )  # fmt: skip


def load_settings(settings_file: Path) -> ImportSettings:
    settings_file = Path(settings_file).resolve()
    values = read_settings_file(settings_file)
    project_dir = settings_file.parent
    return settings_from(values, project_dir, project_dir / values.get("PATH", "content"), settings_file)
