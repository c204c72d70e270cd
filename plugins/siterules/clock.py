"""The site's time zone: TIMEZONE in pelicanconf.py, for every date a plugin or tool shows or writes."""

from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

# For settings that name none (a plugin's own tests); pelicanconf.py sets TIMEZONE.
DEFAULT_TIMEZONE = "Asia/Shanghai"


def site_timezone(settings: Mapping[str, Any]) -> ZoneInfo:
    return ZoneInfo(settings.get("TIMEZONE") or DEFAULT_TIMEZONE)
