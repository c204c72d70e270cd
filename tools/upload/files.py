"""What is uploaded, in which order, and with which headers: one policy for every target.

deploy/nginx.conf serves the same types and cache lifetimes (tests/deploy checks that they agree).
"""

import hashlib
import json
import mimetypes
import os
from dataclasses import dataclass
from enum import IntEnum
from functools import cached_property
from pathlib import Path, PurePosixPath

from search.layout import is_content_named, is_entry
from siterules.folders import FEEDS_FOLDER, PHOTOS_FOLDER, SUBMITTED_IMAGES_FOLDER


class Kind(IntEnum):
    """Upload order: what a page needs is in place before the page, pages before the feeds that
    link to them. Deletions come after all three."""

    ASSET = 0
    PAGE = 1
    FEED = 2

    @property
    def label(self) -> str:
        return {Kind.ASSET: "assets", Kind.PAGE: "pages", Kind.FEED: "feeds"}[self]


# Named by their content: a new version is a new name, so browsers and CDNs may keep them for a year.
# The search index's files (search-index/…/*.gz, which plugins/search/layout.py says are named by
# content), imported photos (images/submissions/<content hash>.jpg, named by tools/mailbox_import) and
# their sizes (photos/<xx>/<digest>.webp, named by plugins/photos).
IMMUTABLE = "public, max-age=31536000, immutable"
# Not fingerprinted (theme CSS/JS, hand-placed images): an hour.
ASSET = "public, max-age=3600"
# Pages, feeds and the search index's entry file that names the fingerprinted files: readers and the
# CDN see a new story within five minutes, and ask again with If-None-Match / If-Modified-Since (a
# 304 costs a few bytes).
REVALIDATE = "public, max-age=300, must-revalidate"

FINGERPRINTED_FOLDERS = (f"{SUBMITTED_IMAGES_FOLDER}/", f"{PHOTOS_FOLDER}/")

UTF8 = "; charset=utf-8"
CONTENT_TYPES = {
    ".html": "text/html" + UTF8,
    ".css": "text/css" + UTF8,
    ".js": "text/javascript" + UTF8,
    ".json": "application/json" + UTF8,
    ".xml": "application/xml" + UTF8,
    ".opml": "text/x-opml" + UTF8,
    ".txt": "text/plain" + UTF8,
    ".svg": "image/svg+xml",
    ".wasm": "application/wasm",
    ".woff2": "font/woff2",
    ".webp": "image/webp",
    # The search index's files: gzip data that search.js unpacks itself (never Content-Encoding).
    ".gz": "application/octet-stream",
}
FEED_TYPES = {
    ".rss.xml": "application/rss+xml" + UTF8,
    ".atom.xml": "application/atom+xml" + UTF8,
    ".json": "application/feed+json" + UTF8,  # under feeds/: the JSON Feed (feeds/app.json)
}


def header_rules_digest() -> str:
    """A digest of the rules above: object storage keeps the headers an object was uploaded with, so
    when they change, every file is sent again once (tools/upload/s3.py)."""
    rules = [
        CONTENT_TYPES,
        FEED_TYPES,
        IMMUTABLE,
        ASSET,
        REVALIDATE,
        FINGERPRINTED_FOLDERS,
        "search index: content-named .gz files, entry index.json",
    ]
    return hashlib.sha256(json.dumps(rules, sort_keys=True).encode()).hexdigest()


def kind_of(relative: str) -> Kind:
    if relative.startswith(f"{FEEDS_FOLDER}/") or relative == "sitemap.xml":
        return Kind.FEED
    if relative.endswith(".html") or is_entry(relative):
        # The search index's entry file names its fingerprinted files: like a page, it goes up after
        # those files and is revalidated.
        return Kind.PAGE
    return Kind.ASSET


def content_type(relative: str) -> str:
    name = PurePosixPath(relative).name
    if relative.startswith(f"{FEEDS_FOLDER}/"):
        for ending, feed_type in FEED_TYPES.items():
            if name.endswith(ending):
                return feed_type
    suffix = PurePosixPath(name).suffix.lower()
    if suffix in CONTENT_TYPES:
        return CONTENT_TYPES[suffix]
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def cache_control(relative: str) -> str:
    if is_content_named(relative) or relative.startswith(FINGERPRINTED_FOLDERS):
        return IMMUTABLE
    if kind_of(relative) is Kind.ASSET:
        return ASSET
    return REVALIDATE


@dataclass(frozen=True)
class SiteFile:
    relative: str  # the address path, with "/" (the object key after the prefix)
    path: Path
    size: int

    @property
    def kind(self) -> Kind:
        return kind_of(self.relative)

    @cached_property
    def md5(self) -> str:
        digest = hashlib.md5(usedforsecurity=False)
        with self.path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()


def is_hidden(relative: str) -> bool:
    """Dot files are never uploaded nor deleted: a server's .well-known/ (the HTTPS certificate's
    challenge) lives beside the site."""
    return any(part.startswith(".") for part in relative.split("/"))


def site_files(publish_dir: Path) -> list[SiteFile]:
    """Every file of the published site, in upload order (assets, pages, feeds), then by path."""
    files = []
    for folder, subfolders, names in os.walk(publish_dir):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        for name in names:
            path = Path(folder, name)
            relative = path.relative_to(publish_dir).as_posix()
            if not is_hidden(relative) and path.is_file():
                files.append(SiteFile(relative, path, path.stat().st_size))
    return sorted(files, key=lambda file: (file.kind, file.relative))


@dataclass
class Summary:
    uploaded: int = 0
    unchanged: int = 0
    deleted: int = 0
    bytes: int = 0

    def line(self, target: str, dry_run: bool) -> str:
        verb = "would upload" if dry_run else "uploaded"
        deleted = "would delete" if dry_run else "deleted"
        return (
            f"{target}: {self.uploaded} {verb}, {self.unchanged} unchanged, {self.deleted} {deleted}, "
            f"{human_bytes(self.bytes)}"
        )


def human_bytes(count: int) -> str:
    if count < 1024:
        return f"{count} bytes"
    size = count / 1024
    for unit in ("KB", "MB"):
        if size < 1024:
            return f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


class UploadError(Exception):
    """A problem the person uploading can fix; its message is one line saying what to do."""


def no_site_there(target: str, foreign: int) -> str:
    files = "1 file" if foreign == 1 else f"{foreign} files"
    return (
        f"UPLOAD_TO={target} 那里不是本网站（没有 index.html，却有 {foreign} 个网站没有的文件），"
        "什么都没有上传或删除：请核对 UPLOAD_TO。"
        f"UPLOAD_TO={target} holds no site (no index.html) but {files} the site does not have: "
        "nothing was sent or deleted; check UPLOAD_TO, or empty that place first"
    )
