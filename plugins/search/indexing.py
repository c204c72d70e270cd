"""Index the written site with Pagefind's extended binary (it segments Chinese words).

The theme marks what is searchable with `data-pagefind-body` (story and page bodies only), so
listings, the home page and the site map are left out by Pagefind itself; whole top-level folders
such as the editors' WeChat previews (wechat/) are never handed to it at all.
"""

import json
import logging
import shutil
import subprocess
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pelican import Pelican

logger = logging.getLogger(__name__)

# Pagefind's own default folder; theme/templates/search.html loads pagefind/pagefind.js from it.
BUNDLE_FOLDER = "pagefind"
# The language Pagefind reads from <html lang="zh-CN">; another one means Chinese is not segmented.
EXPECTED_LANGUAGE = "zh-cn"
DEFAULT_SETTINGS: dict[str, Any] = {
    "SEARCH_ENABLED": True,
    # Top-level folders of output/ never indexed: wechat/ holds the editors' unpublished previews.
    "SEARCH_EXCLUDED_FOLDERS": ["wechat"],
    # Seconds before a stuck indexer stops the build (the whole site takes well under one).
    "SEARCH_INDEX_TIMEOUT": 120,
}
# Characters with a meaning in Pagefind's glob syntax, escaped in folder names.
GLOB_SPECIAL = set("\\*?[]{}()<>:!,")


class SearchIndexError(RuntimeError):
    """The search index could not be built; the message says why and what to do."""


@dataclass(frozen=True)
class SearchIndex:
    bundle: Path
    pages_by_language: dict[str, int]
    seconds: float


def searchable_folders(output: Path, excluded: Iterable[str]) -> list[str]:
    """The top-level folders of `output` whose pages Pagefind may read (not the bundle, not `excluded`)."""
    left_out = {*excluded, BUNDLE_FOLDER}
    return sorted(entry.name for entry in output.iterdir() if entry.is_dir() and entry.name not in left_out)


def pagefind_glob(folders: Iterable[str]) -> str:
    """A Pagefind (wax) glob for every HTML file under the given top-level folders."""
    escaped = ["".join("\\" + char if char in GLOB_SPECIAL else char for char in name) for name in folders]
    return "{" + ",".join(escaped) + "}/**/*.html"


def pagefind_binary() -> Path:
    """The extended Pagefind binary installed from PyPI (pagefind-bin-extended), or PAGEFIND_BINARY_PATH."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        get_executable = None
    binary = get_executable() if get_executable else None
    if binary is None or not binary.exists():
        raise SearchIndexError(
            "search: the Pagefind binary is missing; run `make venv` (requirements.txt pins "
            "pagefind-bin-extended), or set SEARCH_ENABLED = False in pelicanconf.py"
        )
    return binary


def index_site(output: Path, excluded_folders: Iterable[str], timeout: float) -> SearchIndex:
    """Write a fresh Pagefind bundle into output/pagefind/ for the site already written to `output`."""
    bundle = output / BUNDLE_FOLDER
    folders = searchable_folders(output, excluded_folders)
    if not folders:
        raise SearchIndexError(f"search: {output} has no folder of pages to index; is the site built?")
    binary = pagefind_binary()
    # Pagefind's file names are content hashes: without this, every rebuild would leave the old ones.
    shutil.rmtree(bundle, ignore_errors=True)
    command = [str(binary), "--site", str(output), "--output-subdir", BUNDLE_FOLDER,
               "--glob", pagefind_glob(folders), "--quiet"]
    started = time.perf_counter()
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as error:
        raise SearchIndexError(
            f"search: Pagefind did not finish indexing {output} in {timeout:g} s; "
            "raise SEARCH_INDEX_TIMEOUT or run the build again"
        ) from error
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SearchIndexError(
            f"search: Pagefind could not index {output} (exit {result.returncode}):\n"
            f"{(result.stdout + result.stderr).strip()}"
        )
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    pages = {language: details["page_count"] for language, details in entry["languages"].items()}
    return SearchIndex(bundle, pages, seconds)


def index_written_site(pelican: Pelican) -> None:
    """Pelican's `finalized` handler: index the output folder once every page is written."""
    settings: Mapping[str, Any] = {**DEFAULT_SETTINGS, **pelican.settings}
    if not settings["SEARCH_ENABLED"]:
        logger.info("search: SEARCH_ENABLED is False, no search index written")
        return
    output = Path(pelican.output_path)
    index = index_site(output, settings["SEARCH_EXCLUDED_FOLDERS"], settings["SEARCH_INDEX_TIMEOUT"])
    languages = sorted(index.pages_by_language.items())
    counts = ", ".join(f"{count} in {language}" for language, count in languages)
    logger.info("search: indexed %s pages into %s in %.2f s", counts, index.bundle, index.seconds)
    if set(index.pages_by_language) != {EXPECTED_LANGUAGE}:
        logger.warning(
            "search: pages were indexed as %s, not only %s; give every template <html lang=\"zh-CN\"> "
            "so that Chinese words are segmented and found",
            counts,
            EXPECTED_LANGUAGE,
        )
