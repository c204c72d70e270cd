"""Index the written site with Pagefind's extended binary (it segments Chinese words), one bundle
per shard (shards.py), re-indexing only the shards whose pages changed since the last build.

The theme marks what is searchable with `data-pagefind-body` (story and page bodies only), so
listings, the home page and the site map are never in a shard; whole top-level folders such as the
editors' WeChat previews (wechat/) are not even read. The search page (theme/static/js/search.js)
reads the list of bundles from output/pagefind/bundles.json and merges them with Pagefind's
`mergeIndex`.
"""

import json
import logging
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pelican import Pelican
from siterules.files import remove_files, write_if_changed
from siterules.folders import SEARCH_FOLDER, WECHAT_FOLDER

from .shards import (
    Manifest,
    ShardRecord,
    assign_shards,
    file_sha256,
    load_scan,
    manifest_path,
    save_scan,
    scan_pages,
    searchable_pages,
    shards_to_index,
    walk_files,
)
from .stable import UnexpectedIndex, stabilize_bundle

logger = logging.getLogger(__name__)

# Pagefind's own default folder; theme/templates/search.html points the search page at it.
BUNDLE_FOLDER = SEARCH_FOLDER
# In BUNDLE_FOLDER: the list of shard bundles the search page merges.
BUNDLE_LIST = "bundles.json"
# The language Pagefind reads from <html lang="zh-CN">; another one means Chinese is not segmented.
EXPECTED_LANGUAGE = "zh-cn"
DEFAULT_SETTINGS: dict[str, Any] = {
    "SEARCH_ENABLED": True,
    # Top-level folders of output/ never indexed: wechat/ holds the editors' unpublished previews.
    "SEARCH_EXCLUDED_FOLDERS": [WECHAT_FOLDER],
    # Seconds before a stuck Pagefind run (one shard) stops the build.
    "SEARCH_INDEX_TIMEOUT": 120,
    # Pages per shard, on average; a Pagefind run needs about 0.4 MiB per page of its shard.
    "SEARCH_SHARD_PAGES": 500,
    # Pagefind runs at once (each is itself partly multi-threaded).
    "SEARCH_INDEX_JOBS": 2,
}
# Pagefind writes its ready-made search interfaces too; our own search page uses none of them, so
# they are left out of every bundle (pagefind.js, its worker and the wasm stay).
UNUSED_BUNDLE_FILES = frozenset({
    "pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
    "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js",
})
# Bumped when this plugin changes what it asks of Pagefind, so that every shard is re-indexed once.
INDEX_LAYOUT = "shards-1"
# Characters with a meaning in Pagefind's glob syntax, escaped in paths.
GLOB_SPECIAL = set("\\*?[]{}()<>:!,")


class SearchIndexError(RuntimeError):
    """The search index could not be built; the message says why and what to do."""

    for_the_editor = True  # its message names the file and what to do: shown without a traceback


@dataclass(frozen=True)
class SearchIndex:
    bundle: Path
    pages_by_language: dict[str, int]
    shards: list[str]
    reindexed: list[str]
    seconds: float


def searchable_folders(output: Path, excluded: Iterable[str]) -> list[str]:
    """The top-level folders of `output` whose pages Pagefind may read (not the bundle, not `excluded`)."""
    left_out = {*excluded, BUNDLE_FOLDER}
    return sorted(entry.name for entry in output.iterdir() if entry.is_dir() and entry.name not in left_out)


def escape_glob(text: str) -> str:
    return "".join("\\" + char if char in GLOB_SPECIAL else char for char in text)


def shared_start(sequences: list[list[str]]) -> list[str]:
    """The longest list of items every sequence starts with."""
    shared: list[str] = []
    for items in zip(*sequences, strict=False):
        if any(item != items[0] for item in items):
            break
        shared.append(items[0])
    return shared


def pagefind_glob(paths: list[str]) -> str:
    """A Pagefind (wax) glob matching exactly the given page paths. The folders they share and the
    file name they end with are written once, to keep the command line short."""
    if len(paths) == 1:
        return escape_glob(paths[0])
    split = [path.split("/") for path in paths]
    prefix = shared_start([parts[:-1] for parts in split])
    suffix = shared_start([parts[len(prefix):][::-1] for parts in split])[::-1]
    middles = ["/".join(parts[len(prefix):len(parts) - len(suffix)]) for parts in split]
    if not all(middles):  # one path is the shared part itself: no room for an alternation
        prefix, suffix, middles = [], [], paths
    head = "".join(escape_glob(part) + "/" for part in prefix)
    tail = "".join("/" + escape_glob(part) for part in suffix)
    return head + "{" + ",".join(escape_glob(middle) for middle in middles) + "}" + tail


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


def pagefind_fingerprint(binary: Path) -> str:
    """Pagefind's version and build (extended or not), and this plugin's way of running it."""
    version = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=30)
    return f"{version.stdout.strip()} ({binary.stat().st_size} bytes) {INDEX_LAYOUT}"


def sync_folder(source: Path, target: Path) -> None:
    """Make `target` hold exactly the files of `source` (then removed), leaving files whose bytes
    are already there untouched, so that a re-indexed shard changes only the files that differ."""
    wanted = set(walk_files(source))
    remove_files(target, set(walk_files(target)) - wanted)
    for relative in sorted(wanted):
        new, old = source / relative, target / relative
        if old.is_file() and old.read_bytes() == new.read_bytes():
            continue
        old.parent.mkdir(parents=True, exist_ok=True)
        new.replace(old)
    shutil.rmtree(source)


def index_shard(
    output: Path, name: str, paths: list[str], binary: Path, timeout: float
) -> tuple[list[str], str]:
    """Index the pages `paths` (relative to `output`) into the bundle output/pagefind/<name>/;
    returns the bundle's files and the hash of its pagefind-entry.json."""
    bundles = output / BUNDLE_FOLDER
    fresh = bundles / f".new-{name}"
    shutil.rmtree(fresh, ignore_errors=True)
    # In Pagefind's configuration file, not on the command line: the glob of a large shard can be
    # longer than one command-line argument may be.
    config = {"site": str(output), "output_path": str(fresh), "glob": pagefind_glob(paths), "quiet": True}
    try:
        with tempfile.TemporaryDirectory(prefix="search-") as folder:
            Path(folder, "pagefind.json").write_text(json.dumps(config), encoding="utf-8")
            result = subprocess.run([binary], cwd=folder, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as error:
        shutil.rmtree(fresh, ignore_errors=True)
        raise SearchIndexError(
            f"search: Pagefind did not finish indexing the shard {name} of {output} in {timeout:g} s; "
            "raise SEARCH_INDEX_TIMEOUT or run the build again"
        ) from error
    if result.returncode != 0 or not (fresh / "pagefind-entry.json").is_file():
        shutil.rmtree(fresh, ignore_errors=True)
        raise SearchIndexError(
            f"search: Pagefind could not index the shard {name} of {output} (exit {result.returncode}):\n"
            f"{(result.stdout + result.stderr).strip()}"
        )
    for unused in UNUSED_BUNDLE_FILES:
        (fresh / unused).unlink(missing_ok=True)
    try:
        stabilize_bundle(fresh)
    except (UnexpectedIndex, OSError, EOFError) as error:
        shutil.rmtree(fresh, ignore_errors=True)
        raise SearchIndexError(
            f"search: the filter index Pagefind wrote for the shard {name} of {output} could not be put in "
            f"a fixed order ({error}); is the pinned Pagefind version installed (requirements.txt)?"
        ) from error
    bundle = bundles / name
    sync_folder(fresh, bundle)
    return walk_files(bundle), file_sha256(bundle / "pagefind-entry.json")


def remove_stale_bundles(bundles: Path, shards: Iterable[str]) -> None:
    """Remove from the bundle folder everything that is neither a current shard nor the list."""
    keep = {*shards, BUNDLE_LIST}
    for entry in sorted(bundles.iterdir()):
        if entry.name in keep:
            continue
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def index_site(
    output: Path,
    excluded_folders: Iterable[str],
    timeout: float,
    cache: Path,
    shard_pages: int = DEFAULT_SETTINGS["SEARCH_SHARD_PAGES"],
    jobs: int = DEFAULT_SETTINGS["SEARCH_INDEX_JOBS"],
) -> SearchIndex:
    """Bring output/pagefind/ up to date with the site already written to `output`: one Pagefind
    bundle per shard, re-indexing only the shards that changed since the build recorded in `cache`."""
    started = time.perf_counter()
    bundles = output / BUNDLE_FOLDER
    folders = searchable_folders(output, excluded_folders)
    if not folders:
        raise SearchIndexError(f"search: {output} has no folder of pages to index; is the site built?")
    record_file = manifest_path(cache, output)
    scan_file = record_file.with_suffix(".pages.pickle")
    last_scan = load_scan(scan_file)
    scan = scan_pages(output, folders, last_scan)
    pages = searchable_pages(scan)
    if not pages:
        raise SearchIndexError(
            f"search: no page of {output} has a data-pagefind-body element; the theme marks story and "
            "page bodies with it (article.html, page.html)"
        )
    shards = assign_shards(pages, shard_pages)
    binary = pagefind_binary()
    fingerprint = pagefind_fingerprint(binary)
    previous = Manifest.load(record_file)
    reindex = shards_to_index(shards, pages, previous, fingerprint, bundles)
    manifest = Manifest(fingerprint, {
        name: record for name, record in (previous.shards if previous else {}).items()
        if name in shards and name not in reindex
    })
    bundles.mkdir(parents=True, exist_ok=True)
    # Largest first, so that two runs at once finish close together.
    order = sorted(reindex, key=lambda name: -len(shards[name]))
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        runs = pool.map(lambda name: index_shard(output, name, shards[name], binary, timeout), order)
        written = dict(zip(order, runs, strict=True))
    for name, (files, entry) in written.items():
        manifest.shards[name] = ShardRecord({path: pages[path] for path in shards[name]}, files, entry)
    remove_stale_bundles(bundles, shards)
    write_if_changed(bundles / BUNDLE_LIST, json.dumps({"bundles": [f"{name}/" for name in shards]}) + "\n")
    manifest.save(record_file)
    save_scan(scan_file, scan, last_scan)
    languages: Counter[str] = Counter()
    for name in shards:
        entry = json.loads((bundles / name / "pagefind-entry.json").read_text(encoding="utf-8"))["languages"]
        languages.update({language: details["page_count"] for language, details in entry.items()})
    return SearchIndex(bundles, dict(languages), list(shards), order, time.perf_counter() - started)


def index_written_site(pelican: Pelican) -> None:
    """Pelican's `finalized` handler: index the output folder once every page is written."""
    settings: Mapping[str, Any] = {**DEFAULT_SETTINGS, **pelican.settings}
    if not settings["SEARCH_ENABLED"]:
        logger.info("search: SEARCH_ENABLED is False, no search index written")
        return
    output = Path(pelican.output_path)
    index = index_site(
        output,
        settings["SEARCH_EXCLUDED_FOLDERS"],
        settings["SEARCH_INDEX_TIMEOUT"],
        Path(settings["CACHE_PATH"]),
        settings["SEARCH_SHARD_PAGES"],
        settings["SEARCH_INDEX_JOBS"],
    )
    languages = sorted(index.pages_by_language.items())
    counts = ", ".join(f"{count} in {language}" for language, count in languages)
    logger.info(
        "search: pages %s; %d shards under %s, %d re-indexed (%s) in %.2f s",
        counts, len(index.shards), index.bundle, len(index.reindexed),
        ", ".join(index.reindexed) or "no change", index.seconds,
    )
    if set(index.pages_by_language) != {EXPECTED_LANGUAGE}:
        logger.warning(
            "search: pages were indexed as %s, not only %s; give every template <html lang=\"zh-CN\"> "
            "so that Chinese words are segmented and found",
            counts,
            EXPECTED_LANGUAGE,
        )
