"""The whole check of a built folder: pages and feeds on every core while the validator runs beside.

What a feed's bytes alone show (it parses, its schema, what it refers to) is kept between checks by
the feed's digest (`FeedMemory`): parsing feeds is most of the check's work, and most feeds do not
change between two publishes. Whether the addresses it refers to lead somewhere is checked every time.
"""

import hashlib
import multiprocessing
import os
import pickle
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import sanitizer.allowlist

from .feeds import JSON_FEED_SCHEMA, check_feed, is_feed
from .links import Site
from .pages import PageReport, check_page, resolve_links, theme_scripts
from .report import Problem
from .validator import Validation, ValidPages

CHUNK = 50
VALID_PAGES_FILE = "sitecheck-valid-pages.txt"
FEED_MEMORY_FILE = "sitecheck-feeds.pickle"
FeedEntry = tuple[str, list[Problem], list[tuple[str, str]]]  # digest, own problems, site addresses


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class FeedMemory:
    """Per feed (site-relative path): its digest, the problems its bytes show and its site addresses,
    for one set of the site's addresses and one version of this package, feedparser, jsonschema and
    the schema."""

    def __init__(self, file: Path | None, addresses: tuple[str, ...]) -> None:
        self.file = file
        parts = [" ".join(addresses).encode()]
        # This package's code, and the sanitizer's URL rules it classifies addresses with.
        code = [*sorted(Path(__file__).parent.glob("*.py")), Path(sanitizer.allowlist.__file__)]
        parts += [path.read_bytes() for path in code]
        parts += [
            JSON_FEED_SCHEMA.read_bytes(),
            version("feedparser").encode(),
            version("jsonschema").encode(),
        ]
        self.key = _digest(b"\0".join(parts))
        self.entries: dict[str, FeedEntry] = {}
        if file is not None and file.is_file():
            try:
                key, entries = pickle.loads(file.read_bytes())
            except (pickle.UnpicklingError, EOFError, ValueError, TypeError):
                key, entries = None, {}
            if key == self.key:
                self.entries = entries

    def save(self, entries: dict[str, FeedEntry]) -> None:
        if self.file is not None:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            self.file.write_bytes(pickle.dumps((self.key, entries), protocol=pickle.HIGHEST_PROTOCOL))


_site: Site | None = None
_scripts: frozenset[str] = frozenset()
_feeds: dict[str, FeedEntry] = {}


@dataclass
class Result:
    counts: dict[str, int]
    problems: list[Problem]
    seconds: float


def _start_worker(site: Site, scripts: frozenset[str], feeds: dict[str, FeedEntry]) -> None:
    global _site, _scripts, _feeds
    _site, _scripts, _feeds = site, scripts, feeds


def _check_feed(site: Site, name: str) -> tuple[PageReport, FeedEntry]:
    digest = _digest((site.root / name).read_bytes())
    known = _feeds.get(name)
    if known is not None and known[0] == digest:
        return PageReport(name, problems=list(known[1]), links=list(known[2])), known
    report = check_feed(site, name)
    return report, (digest, list(report.problems), list(report.links))


def _check_files(files: list[str]) -> list[tuple[PageReport, FeedEntry | None]]:
    assert _site is not None
    checked: list[tuple[PageReport, FeedEntry | None]] = []
    for name in files:
        report, entry = (
            _check_feed(_site, name) if is_feed(name) else (check_page(_site, name, _scripts), None)
        )
        resolve_links(_site, report)
        checked.append((report, entry))
    return checked


def site_files(root: Path) -> list[str]:
    """Every file under `root`, site-relative, sorted."""
    found = []
    for folder, _, names in os.walk(root):
        base = Path(folder).relative_to(root).as_posix()
        found += [name if base == "." else f"{base}/{name}" for name in names]
    return sorted(found)


def check_site(
    root: Path,
    addresses: tuple[str, ...],
    templates: Path,
    validator_jar: Path,
    workers: int,
    cache: Path | None = None,
) -> Result:
    """Check the built site in `root`; `addresses` are the absolute addresses that mean this site;
    `cache` is where what does not need checking again is kept (pages found valid, feeds' findings)."""
    started = time.monotonic()
    if not root.is_dir():
        problem = Problem("tool", str(root), "there is no such folder: build the site first (make html)")
        return Result({}, [problem], 0.0)
    files = site_files(root)
    pages = [name for name in files if name.endswith(".html")]
    feeds = [name for name in files if is_feed(name)]
    valid_pages = ValidPages(cache / VALID_PAGES_FILE if cache else None, validator_jar)
    validation = Validation(root, pages, validator_jar, workers, valid_pages)
    memory = FeedMemory(cache / FEED_MEMORY_FILE if cache else None, addresses)
    site = Site(root, addresses)
    scripts = theme_scripts(templates)
    work = pages + feeds
    chunks = [work[start : start + CHUNK] for start in range(0, len(work), CHUNK)]
    if workers > 1 and len(chunks) > 1:
        context = multiprocessing.get_context("fork")
        initargs = (site, scripts, memory.entries)
        with context.Pool(workers, initializer=_start_worker, initargs=initargs) as pool:
            checked = [each for chunk in pool.imap_unordered(_check_files, chunks) for each in chunk]
    else:
        _start_worker(site, scripts, memory.entries)
        checked = [each for chunk in chunks for each in _check_files(chunk)]
    memory.save({report.page: entry for report, entry in checked if entry is not None})
    reports = [report for report, _ in checked]
    problems = [problem for report in reports for problem in [*report.problems, *report.link_problems]]
    ids = {report.page: report.ids for report in reports if report.page.endswith(".html")}
    for report in reports:
        for file, fragment, url in report.places:
            if fragment not in ids.get(file, frozenset()):
                detail = f'"{url[:120]}": {file} has no id="{fragment}"'
                problems.append(Problem("anchor", report.page, detail))
    problems += validation.problems()
    counts = {
        "pages": len(pages),
        "of them validated now (the others unchanged since found valid)": validation.validated,
        "feeds and lists": len(feeds),
        "files": len(files),
    }
    return Result(counts, problems, time.monotonic() - started)
