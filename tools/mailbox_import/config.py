"""The import's settings: read from pelicanconf.py, defaults here."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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


def _approved_folders(value: Any) -> tuple[str, ...]:
    """The approval setting checked: a string here would be read as one folder per character."""

    def is_folder_path(name: object) -> bool:  # "已采用", "收件箱/已采用"; no empty part ("/", "a//b")
        return isinstance(name, str) and all(part.strip() for part in name.strip("/").split("/"))

    if isinstance(value, list | tuple) and all(is_folder_path(name) for name in value):
        for name in value:
            if is_discarded(name):
                raise SystemExit(
                    f"error: MAILBOX_APPROVED_FOLDERS names {name!r}, which lies in deleted or junk mail, "
                    "where nothing is ever approved; change it in pelicanconf.py.\n"
                    f"错误：MAILBOX_APPROVED_FOLDERS 中的 {name!r} 是已删除/垃圾邮件文件夹，"
                    "放在那里的邮件不会被采用；请在 pelicanconf.py 中修改。"
                )
        return tuple(value)
    raise SystemExit(
        f'error: MAILBOX_APPROVED_FOLDERS must be a list of folder names, such as ["已采用"] or '
        f'["收件箱/已采用"], not {value!r}; change it in pelicanconf.py.\n'
        "错误：MAILBOX_APPROVED_FOLDERS 应写成文件夹名的列表（方括号、引号），"
        '例如 ["已采用"]；请在 pelicanconf.py 中修改。'
    )


def settings_from(values: dict[str, Any], project_dir: Path, content_dir: Path) -> ImportSettings:
    """Build the settings from a mapping of Pelican-style settings; folders relative to project_dir."""
    merged = {**DEFAULTS, **{key: value for key, value in values.items() if key in DEFAULTS}}
    images_dir = (project_dir / merged["MAILBOX_IMAGES_DIR"]).resolve()
    try:
        images_path = images_dir.relative_to(content_dir.resolve()).as_posix()
    except ValueError:
        raise SystemExit(
            f"error: MAILBOX_IMAGES_DIR ({images_dir}) must lie inside the content folder ({content_dir}) "
            "so that Pelican publishes the images; change it in pelicanconf.py."
        ) from None
    return ImportSettings(
        approved_folders=_approved_folders(merged["MAILBOX_APPROVED_FOLDERS"]),
        stories_dir=(project_dir / merged["MAILBOX_CONTENT_DIR"]).resolve(),
        images_dir=images_dir,
        images_path=images_path,
        public_emails=(merged["SITE_CONTACT_EMAIL"],) if merged["SITE_CONTACT_EMAIL"] else (),
        timezone=_timezone(values),
        inbox_dir=(project_dir / merged["MAILBOX_INBOX_DIR"]).resolve(),
        inbox_label=str(merged["MAILBOX_INBOX_DIR"]).strip("/"),
        convert_timeout=_seconds(merged["MAILBOX_CONVERT_TIMEOUT"]),
    )


def _timezone(values: dict[str, Any]) -> ZoneInfo:
    try:
        return site_timezone(values)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise SystemExit(
            f'error: TIMEZONE must name a time zone such as "Asia/Shanghai", not {values.get("TIMEZONE")!r}; '
            "change it in pelicanconf.py.\n"
            '错误：TIMEZONE 应为时区名称（如 "Asia/Shanghai"）；请在 pelicanconf.py 中修改。'
        ) from None


def _seconds(value: Any) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return float(value)
    raise SystemExit(
        f"error: MAILBOX_CONVERT_TIMEOUT must be a number of seconds such as 120, not {value!r}; "
        "change it in pelicanconf.py.\n"
        "错误：MAILBOX_CONVERT_TIMEOUT 应为秒数（如 120）；请在 pelicanconf.py 中修改。"
    )


def read_settings_file(settings_file: Path) -> dict[str, Any]:
    """pelicanconf.py's values, read as Pelican does, without checking or rendering anything else."""
    from pelican.settings import get_settings_from_file

    return get_settings_from_file(str(Path(settings_file).resolve()))


def load_settings(settings_file: Path) -> ImportSettings:
    settings_file = Path(settings_file).resolve()
    values = read_settings_file(settings_file)
    project_dir = settings_file.parent
    return settings_from(values, project_dir, project_dir / values.get("PATH", "content"))
