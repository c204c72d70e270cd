"""sitemap.xml with content dates only (replaces pelican-sitemap, which dates indexes by build time), and
robots.txt pointing to it."""

import os
import re
from pathlib import Path
from typing import Any

from pelican import Pelican, signals
from siterules.address import public_siteurl
from siterules.files import write_if_changed

from .sitemap import (
    DEFAULT_SETTINGS,
    is_listed,
    page_lastmod,
    page_url,
    render,
    render_robots,
)

# URL -> lastmod of every page written in this build, from content_written (main process).
_pages: dict[str, Any] = {}
_settings: dict[str, Any] = {}
_excluded: list[re.Pattern[str]] = []


def _start(pelican: Pelican) -> None:
    for key, value in DEFAULT_SETTINGS.items():
        pelican.settings.setdefault(key, value)
    _settings.clear()
    _settings.update(pelican.settings)
    _excluded[:] = [re.compile(pattern) for pattern in pelican.settings["SITEMAP_XML_EXCLUDE"]]
    _pages.clear()


def _record(path: str, context: dict[str, Any]) -> None:
    output_file = context.get("output_file") or os.path.relpath(path, _settings["OUTPUT_PATH"])
    url = page_url(output_file, context)
    if is_listed(url, context, _excluded):
        _pages[url] = page_lastmod(context)


def _write(pelican: Pelican) -> None:
    settings = pelican.settings
    output = Path(pelican.output_path)
    write_if_changed(output / settings["SITEMAP_XML_SAVE_AS"], render(_pages, settings["SITEURL"]))
    robots = render_robots(
        public_siteurl(settings), settings["ROBOTS_TXT_DISALLOW"], settings["SITEMAP_XML_SAVE_AS"]
    )
    write_if_changed(output / settings["ROBOTS_TXT_SAVE_AS"], robots)
    _pages.clear()


def register() -> None:
    signals.initialized.connect(_start)
    signals.content_written.connect(_record)
    signals.finalized.connect(_write)
