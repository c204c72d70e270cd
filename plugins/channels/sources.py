"""Which story file each feed item comes from, recorded for `make check` (tools/sitecheck), so that
a problem it finds in a feed names the story to fix.

A feed carries an item's ID, never its file. The IDs are the same in every build of the site (local
or public, whatever SITEURL), so one record under the cache folder serves every built folder: each
build adds its items to it. A story renamed with `Feed_id:` keeps its ID and the record follows it.
"""

import json
from collections.abc import Iterable
from pathlib import Path

from .feedcache import write_if_changed
from .model import FeedItem

ITEM_SOURCES_FILE = "feed-item-sources.json"  # under the project's cache folder (CACHE_PATH)


def read_item_sources(path: Path) -> dict[str, str]:
    """Item ID -> source file (relative to content/); empty when there is no readable record."""
    try:
        sources = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return sources if isinstance(sources, dict) else {}


def record_item_sources(path: Path, items: Iterable[FeedItem]) -> None:
    """Add this build's items to the record at `path` (written only when it changes)."""
    sources = read_item_sources(path)
    sources.update({item.id: item.source_path for item in items})
    data = json.dumps(sources, ensure_ascii=False, indent=0, sort_keys=True).encode() + b"\n"
    write_if_changed(path.parent, path.name, data)
