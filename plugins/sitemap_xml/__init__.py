"""sitemap.xml with content dates only (replaces pelican-sitemap, which dates indexes by build time), and
robots.txt pointing to it."""

import os
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from pelican import Pelican, signals
from siterules.address import public_siteurl
from siterules.files import write_if_changed

from .sitemap import (
    DEFAULT_SETTINGS,
    is_listed,
    newest,
    page_lastmod,
    page_url,
    render,
    render_robots,
)

# URL -> lastmod of every page written in this build, from content_written (main process).
_pages: dict[str, Any] = {}
_settings: dict[str, Any] = {}
_excluded: list[re.Pattern[str]] = []
# id of a list of stories -> (the list, kept so that its id is not reused; its newest date)
_newest: dict[int, tuple[list[Any], datetime | None]] = {}


def _start(pelican: Pelican) -> None:
    for key, value in DEFAULT_SETTINGS.items():
        pelican.settings.setdefault(key, value)
    _settings.clear()
    _settings.update(pelican.settings)
    _excluded[:] = [re.compile(pattern) for pattern in pelican.settings["SITEMAP_XML_EXCLUDE"]]
    _pages.clear()
    _newest.clear()


def _newest_of_all(stories: list[Any]) -> datetime | None:
    """`newest(stories)`, once per list a build: the home page, the indexes and every other page
    without a listing of its own show the same list of all stories (10,000 dates each at 10,000)."""
    known = _newest.get(id(stories))
    if known is None or known[0] is not stories:
        known = _newest[id(stories)] = (stories, newest(stories))
    return known[1]


def _record(path: str, context: dict[str, Any]) -> None:
    output_file = context.get("output_file") or os.path.relpath(path, _settings["OUTPUT_PATH"])
    url = page_url(output_file, context)
    if is_listed(url, context, _excluded):
        _pages[url] = page_lastmod(context, _newest_of_all)


def _write(pelican: Pelican) -> None:
    settings = pelican.settings
    output = Path(pelican.output_path)
    write_if_changed(output / settings["SITEMAP_XML_SAVE_AS"], render(_pages, settings["SITEURL"]))
    robots = render_robots(
        public_siteurl(settings), settings["ROBOTS_TXT_DISALLOW"], settings["SITEMAP_XML_SAVE_AS"]
    )
    write_if_changed(output / settings["ROBOTS_TXT_SAVE_AS"], robots)
    _pages.clear()
    _newest.clear()


def register() -> None:
    signals.initialized.connect(_start)
    signals.content_written.connect(_record)
    signals.finalized.connect(_write)
