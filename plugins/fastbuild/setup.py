"""Settings of a fast build: where its caches live and which writer it uses."""

import hashlib
import os
import shutil
from pathlib import Path
from typing import Any

from .fingerprint import build_fingerprint
from .writing import DeferredWriter, PageManifest

DEFAULT_SETTINGS: dict[str, Any] = {
    # Processes that read and render; 1 builds serially in one process, with the same output.
    "FASTBUILD_WORKERS": os.cpu_count() or 1,
    # False renders and writes every page on every build (the output is the same).
    "FASTBUILD_SKIP_UNCHANGED": True,
}
# Settings that do not change what is written, left out of the build fingerprint.
NOT_IN_FINGERPRINT = ("CACHE_PATH", "OUTPUT_PATH", "FASTBUILD_WORKERS", "FASTBUILD_SKIP_UNCHANGED")
FINGERPRINT_PREFIX = "fingerprint-"
# Caches of this many fingerprints are kept, so that alternating `make html` and `make publish`
# (different settings) keeps both warm; older ones are deleted.
KEPT_FINGERPRINTS = 3


def configure_build(settings: dict[str, Any], output_path: str) -> None:
    """Point every cache of this build at CACHE_PATH/fingerprint-<fingerprint>, dropping older ones.

    The fingerprint covers settings, theme, plugin code and library versions, so a change to any of
    them starts every cache afresh; within one fingerprint each cache tracks its own files.
    """
    for key, value in DEFAULT_SETTINGS.items():
        settings.setdefault(key, value)
    settings["FASTBUILD_WORKERS"] = max(1, int(settings["FASTBUILD_WORKERS"]))
    root = Path(settings["CACHE_PATH"])
    fingerprint = build_fingerprint(settings, NOT_IN_FINGERPRINT)
    cache = root / f"{FINGERPRINT_PREFIX}{fingerprint}"
    cache.mkdir(parents=True, exist_ok=True)
    os.utime(cache)  # most recently used
    others = sorted(
        (folder for folder in root.glob(f"{FINGERPRINT_PREFIX}*") if folder.is_dir() and folder != cache),
        key=lambda folder: folder.stat().st_mtime,
        reverse=True,
    )
    for old in others[KEPT_FINGERPRINTS - 1 :]:
        shutil.rmtree(old, ignore_errors=True)
    settings["FASTBUILD_ROOT_CACHE"] = str(root)
    settings["FASTBUILD_FINGERPRINT"] = fingerprint
    settings["CACHE_PATH"] = str(cache)
    # Pelican's reader-level cache holds each source's HTML and metadata, checked by content hash.
    settings["CACHE_CONTENT"] = True
    settings["LOAD_CONTENT_CACHE"] = True
    settings["CONTENT_CACHING_LAYER"] = "reader"
    settings["CHECK_MODIFIED_METHOD"] = "sha1"
    settings["GZIP_CACHE"] = False


def _output_key(output_path: str) -> str:
    return hashlib.sha1(str(Path(output_path).resolve()).encode()).hexdigest()[:12]


def build_record_path(settings: dict[str, Any], output_path: str) -> Path:
    """Where the last finished build into `output_path` is recorded (plugins/fastbuild/uptodate.py)."""
    return Path(settings["FASTBUILD_ROOT_CACHE"]) / f"last-build-{_output_key(output_path)}.json"


def page_manifest_path(cache_root: Path, output_path: str) -> Path:
    """Where the pages the last build wrote into `output_path` are recorded (`writing.PageManifest`),
    under the project's cache folder (CACHE_PATH as pelicanconf.py sets it)."""
    return cache_root / f"pages-{_output_key(output_path)}.pickle"


def writer_class(settings: dict[str, Any], output_path: str) -> type:
    """A DeferredWriter subclass bound to this build's workers and page manifest."""
    manifest = None
    if settings["FASTBUILD_SKIP_UNCHANGED"]:
        # Per output folder, outside the fingerprint folder: pages of the last build are removed
        # when no longer written, even after a settings change.
        manifest = PageManifest(
            page_manifest_path(Path(settings["FASTBUILD_ROOT_CACHE"]), output_path),
            settings["FASTBUILD_FINGERPRINT"],
        )
    return type(
        "FastbuildWriter",
        (DeferredWriter,),
        {"manifest": manifest, "workers": settings["FASTBUILD_WORKERS"]},
    )
