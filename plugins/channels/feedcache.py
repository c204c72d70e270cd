"""Feeds whose inputs did not change since the last build are not rendered again.

A feed file is made from its group's metadata, the settings that shape feeds, this plugin's code,
and its items: their cheap fields, the article HTML and summary Pelican made (`FeedItem.inputs_digest`)
and the image files their bodies read (sizes and byte lengths come from the files). The cache, one
file under CACHE_PATH, records per feed path a digest of those inputs, the image files' size and
modification time, and the size and sha256 of the bytes written. When all of them still match, and
the output file still holds exactly those bytes, the feed is neither rendered nor are its items'
bodies made. A missing or damaged cache only means every feed is rendered.
"""

import hashlib
import logging
import os
import pickle
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from siterules import files
from siterules.cachekeys import cache_key

from .links import FeedGroup, FeedLink
from .model import FeedItem

log = logging.getLogger(__name__)

CACHE_FILE = "channels-feeds.pickle"
CACHE_VERSION = 2
# Settings feeds are made from besides CHANNELS_*: addresses, names, where content/ is.
FEED_SETTINGS = ("SITEURL", "PUBLIC_SITEURL", "SITENAME", "SITESUBTITLE", "SITE_OWNER", "PATH")
LIBRARIES = ("feedgen", "lxml", "pillow")

T = TypeVar("T")
FileStat = tuple[int, int] | None  # (size, mtime_ns) of a regular file, None when there is none


def load_entries(file: Path, settings: str) -> dict[str, Any]:
    """The entries a cache file holds for these settings; none when it is missing, damaged or stale."""
    try:
        with file.open("rb") as opened:
            saved = pickle.load(opened)
    except Exception:  # a damaged file can fail unpickling in many ways; it only costs a full render
        return {}
    if not isinstance(saved, dict) or saved.get("version") != CACHE_VERSION:
        return {}
    entries = saved.get("entries")
    return entries if saved.get("settings") == settings and isinstance(entries, dict) else {}


def save_entries(file: Path, settings: str, entries: dict[str, Any]) -> None:
    """Replace the cache file at once; one that cannot be written is only a warning."""
    saved = {"version": CACHE_VERSION, "settings": settings, "entries": entries}
    temporary = file.with_name(f".{file.name}.{os.getpid()}.tmp")
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        with temporary.open("wb") as opened:
            pickle.dump(saved, opened, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, file)
    except OSError as error:
        log.warning(
            "订阅源的缓存 %s 写不进去（%s）：这次生成不受影响，下次会慢一些；请检查磁盘空间和文件夹权限。"
            "(the cache could not be written)",
            file,
            error,
        )


class StoredResults:
    """Results of a costly function of an item (e.g. its WeChat fragment), kept between builds by
    the item's inputs digest; only the results this build asked for are kept."""

    def __init__(self, file: Path, settings: dict[str, Any]) -> None:
        self.file = file
        self.settings = settings_digest(settings)
        self.known: dict[str, Any] = load_entries(file, self.settings)
        self.used: dict[str, Any] = {}

    def get(self, item: FeedItem, make: Callable[[FeedItem], T]) -> T:
        key = item.inputs_digest()
        if key not in self.used:
            self.used[key] = self.known[key] if key in self.known else make(item)
        return self.used[key]

    def save(self) -> None:
        save_entries(self.file, self.settings, self.used)


@dataclass(frozen=True)
class FeedRecord:
    """What one feed file was made from and the bytes it got."""

    inputs: str
    images: tuple[tuple[str, FileStat], ...]  # content-relative image paths the items' bodies read
    size: int
    sha256: str


def settings_digest(settings: dict[str, Any]) -> str:
    """The settings, plugin code and library versions every feed depends on."""
    chosen = {
        key: value for key, value in settings.items() if key.startswith("CHANNELS_") or key in FEED_SETTINGS
    }
    return cache_key(chosen, Path(__file__).parent.glob("*.py"), LIBRARIES, length=64)


def file_stat(path: Path) -> FileStat:
    try:
        status = path.stat()
    except OSError:
        return None
    return (status.st_size, status.st_mtime_ns) if stat.S_ISREG(status.st_mode) else None


def holds(path: Path, size: int, sha256: str) -> bool:
    """Whether the file at `path` has exactly the bytes of that size and digest."""
    status = file_stat(path)
    if status is None or status[0] != size:
        return False
    return hashlib.sha256(path.read_bytes()).hexdigest() == sha256


def write_if_changed(output_dir: Path, path: str, data: bytes) -> None:
    """The channel file at the site-relative `path`, written only when its bytes differ, so an unchanged
    feed keeps its Last-Modified time (siterules.files)."""
    files.write_if_changed(output_dir / path, data)


class FeedCache:
    """The feed files of one build, each rendered only when its inputs changed since the last build.

    `write` for every feed, then `save`; the cache keeps only the feeds this build wrote.
    """

    def __init__(self, settings: dict[str, Any], output_dir: Path) -> None:
        self.file = Path(settings["CACHE_PATH"]) / CACHE_FILE
        self.output_dir = output_dir
        self.content_dir = Path(settings["PATH"])
        self.settings = settings_digest(settings)
        self.known: dict[str, FeedRecord] = load_entries(self.file, self.settings)
        self.records: dict[str, FeedRecord] = {}
        self.rendered = 0
        self.unchanged = 0
        self._stats: dict[str, FileStat] = {}

    def _image_stat(self, path: str) -> FileStat:
        if path not in self._stats:
            self._stats[path] = file_stat(self.content_dir / path)
        return self._stats[path]

    def inputs(self, group: FeedGroup, link: FeedLink, items: Iterable[FeedItem]) -> str:
        """A digest of what the feed file at `link` is made from, but the image files."""
        parts = [self.settings, group.kind, group.slug, group.name, group.title, group.page_path, repr(link)]
        parts += (item.inputs_digest() for item in items)
        return hashlib.blake2b("\0".join(parts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()

    def _is_current(self, record: FeedRecord | None, inputs: str, path: str) -> bool:
        return (
            record is not None
            and record.inputs == inputs
            and all(self._image_stat(image) == known for image, known in record.images)
            and holds(self.output_dir / path, record.size, record.sha256)
        )

    def write(self, group: FeedGroup, link: FeedLink, render: Callable[[], bytes]) -> None:
        """Write the feed file `render` makes for `link` of `group`, unless the last build wrote it
        from the same inputs and it still holds those bytes."""
        inputs = self.inputs(group, link, group.items)
        record = self.known.get(link.path)
        if self._is_current(record, inputs, link.path):
            self.records[link.path] = record
            self.unchanged += 1
            return
        data = render()
        write_if_changed(self.output_dir, link.path, data)
        images = sorted({image.path for item in group.items for image in item.images if image.path})
        self.records[link.path] = FeedRecord(
            inputs,
            tuple((image, self._image_stat(image)) for image in images),
            len(data),
            hashlib.sha256(data).hexdigest(),
        )
        self.rendered += 1

    def save(self) -> None:
        """Keep this build's records for the next; a cache that cannot be written is only a warning."""
        log.info("channels: %d feeds rendered, %d unchanged", self.rendered, self.unchanged)
        save_entries(self.file, self.settings, self.records)
