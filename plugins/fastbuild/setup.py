"""Settings of a fast build: its cache keys, where its caches live, and its writer.

Pelican's CACHE_PATH stays where the settings put it; every other plugin keeps its caches there,
each keyed by its own inputs. fastbuild's own files are in CACHE_PATH/fastbuild/.
"""

import hashlib
import os
import shutil
from pathlib import Path
from typing import Any

from .fingerprint import reading_key, rendering_key
from .writing import DeferredWriter, PageManifest

DEFAULT_SETTINGS: dict[str, Any] = {
    # False: no fastbuild at all, a plain Pelican build (same output, slower).
    "FASTBUILD": True,
    # Processes that read and render; 1 builds serially in one process, with the same output.
    "FASTBUILD_WORKERS": os.cpu_count() or 1,
    # False renders and writes every page on every build (the output is the same).
    "FASTBUILD_SKIP_UNCHANGED": True,
    # Where the record of the pages written into the output folder is kept; "" for a file per output
    # folder in CACHE_PATH/fastbuild/. `make publish` keeps its own, moving with each published build.
    "FASTBUILD_PAGE_RECORD": "",
}
# Settings that do not change what is written, left out of the cache keys.
NOT_IN_KEYS = ("CACHE_PATH", "OUTPUT_PATH", *DEFAULT_SETTINGS)
CACHE_FOLDER = "fastbuild"
# Pelican keeps its reader cache of each generator in CACHE_PATH, in a file named like this.
PELICAN_READER_CACHES = "*-Readers"
READERS_PREFIX = "readers-"
READING_KEY_FILE = "reading-key"
# Reader caches of this many reading keys are kept, so that alternating `make html` and
# `make publish` (different settings) keeps both warm; older ones are deleted.
KEPT_READER_CACHES = 3


def fastbuild_folder(settings: dict[str, Any]) -> Path:
    return Path(settings["CACHE_PATH"]) / CACHE_FOLDER


def configure_build(settings: dict[str, Any]) -> None:
    """Work out the build's cache keys and put Pelican's reader cache of this reading key in place."""
    settings["FASTBUILD_WORKERS"] = max(1, int(settings["FASTBUILD_WORKERS"]))
    reading = reading_key(settings, NOT_IN_KEYS)
    settings["FASTBUILD_READING_KEY"] = reading
    settings["FASTBUILD_FINGERPRINT"] = rendering_key(reading, settings)
    use_reader_cache(Path(settings["CACHE_PATH"]), fastbuild_folder(settings), reading)
    # Pelican's reader-level cache holds each source's HTML and metadata, checked by content hash.
    settings["CACHE_CONTENT"] = True
    settings["LOAD_CONTENT_CACHE"] = True
    settings["CONTENT_CACHING_LAYER"] = "reader"
    settings["CHECK_MODIFIED_METHOD"] = "sha1"
    settings["GZIP_CACHE"] = False


def use_reader_cache(cache_path: Path, folder: Path, key: str) -> None:
    """Leave in `cache_path` the Pelican reader caches made under reading key `key`, if any.

    Pelican's reader cache knows only each source's content, not the settings or code it was read
    with, so the caches of another key are set aside in `folder` (and put back when that key comes
    again) instead of being trusted.
    """
    folder.mkdir(parents=True, exist_ok=True)
    key_file = folder / READING_KEY_FILE
    try:
        current = key_file.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        current = ""
    if current == key:
        return
    in_place = list(cache_path.glob(PELICAN_READER_CACHES))
    if current:
        kept = folder / f"{READERS_PREFIX}{current}"
        shutil.rmtree(kept, ignore_errors=True)
        kept.mkdir()
        for file in in_place:
            os.replace(file, kept / file.name)
    else:  # made without a known key (a plain Pelican build with its cache on): not to be trusted
        for file in in_place:
            file.unlink()
    wanted = folder / f"{READERS_PREFIX}{key}"
    if wanted.is_dir():
        for file in wanted.iterdir():
            os.replace(file, cache_path / file.name)
        wanted.rmdir()
    key_file.write_text(key, encoding="utf-8")
    others = sorted(folder.glob(f"{READERS_PREFIX}*"), key=lambda kept: kept.stat().st_mtime, reverse=True)
    for old in others[KEPT_READER_CACHES - 1 :]:
        shutil.rmtree(old, ignore_errors=True)


def _output_key(output_path: str) -> str:
    return hashlib.sha1(str(Path(output_path).resolve()).encode()).hexdigest()[:12]


def build_record_path(settings: dict[str, Any], output_path: str) -> Path:
    """Where the last finished build into `output_path` is recorded (plugins/fastbuild/uptodate.py)."""
    return fastbuild_folder(settings) / f"last-build-{_output_key(output_path)}.json"


def page_record_path(settings: dict[str, Any], output_path: str) -> Path:
    """Where the pages the last build wrote into `output_path` are recorded (`writing.PageManifest`):
    FASTBUILD_PAGE_RECORD, or a file per output folder."""
    if settings["FASTBUILD_PAGE_RECORD"]:
        return Path(settings["FASTBUILD_PAGE_RECORD"])
    return fastbuild_folder(settings) / f"pages-{_output_key(output_path)}.pickle"


class FastbuildWriter(DeferredWriter):
    """The writer of a fast build, with this build's workers and page record (from its settings)."""

    def __init__(self, output_path: str, settings: dict[str, Any] | None = None) -> None:
        super().__init__(output_path, settings)
        self.workers = self.settings["FASTBUILD_WORKERS"]
        if self.settings["FASTBUILD_SKIP_UNCHANGED"]:
            # Pages of the last build are removed when no longer written, even after a settings change.
            self.manifest = PageManifest(
                page_record_path(self.settings, output_path), self.settings["FASTBUILD_FINGERPRINT"]
            )
