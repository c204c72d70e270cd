"""The whole check of a built folder: pages and feeds on every core while the validator runs beside."""

import multiprocessing
import os
import time
from dataclasses import dataclass
from pathlib import Path

from .feeds import check_feed, is_feed
from .links import Site
from .pages import PageReport, check_page, theme_scripts
from .report import Problem
from .validator import Validation, ValidPages

CHUNK = 50

_site: Site | None = None
_scripts: frozenset[str] = frozenset()


@dataclass
class Result:
    counts: dict[str, int]
    problems: list[Problem]
    seconds: float


def _start_worker(site: Site, scripts: frozenset[str]) -> None:
    global _site, _scripts
    _site, _scripts = site, scripts


def _check_files(files: list[str]) -> list[PageReport]:
    assert _site is not None
    return [check_feed(_site, name) if is_feed(name) else check_page(_site, name, _scripts) for name in files]


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
    valid_pages: Path | None = None,
) -> Result:
    """Check the built site in `root`; `addresses` are the absolute addresses that mean this site;
    `valid_pages` keeps the digests of pages the validator found valid, so they are not validated again."""
    started = time.monotonic()
    if not root.is_dir():
        problem = Problem("tool", str(root), "there is no such folder: build the site first (make html)")
        return Result({}, [problem], 0.0)
    files = site_files(root)
    pages = [name for name in files if name.endswith(".html")]
    feeds = [name for name in files if is_feed(name)]
    validation = Validation(root, pages, validator_jar, workers, ValidPages(valid_pages, validator_jar))
    site = Site(root, addresses)
    scripts = theme_scripts(templates)
    work = pages + feeds
    chunks = [work[start : start + CHUNK] for start in range(0, len(work), CHUNK)]
    if workers > 1 and len(chunks) > 1:
        context = multiprocessing.get_context("fork")
        with context.Pool(workers, initializer=_start_worker, initargs=(site, scripts)) as pool:
            reports = [report for chunk in pool.imap_unordered(_check_files, chunks) for report in chunk]
    else:
        _start_worker(site, scripts)
        reports = [report for chunk in chunks for report in _check_files(chunk)]
    problems = [problem for report in reports for problem in report.problems]
    ids = {report.page: report.ids for report in reports if report.page.endswith(".html")}
    for report in reports:
        for file, fragment, url in report.places:
            if fragment not in ids.get(file, frozenset()):
                problems.append(
                    Problem("anchor", report.page, f'"{url[:120]}": {file} has no id="{fragment}"')
                )
    problems += validation.problems()
    counts = {
        "pages": len(pages),
        "of them validated now (the others unchanged since found valid)": validation.validated,
        "feeds and lists": len(feeds),
        "files": len(files),
    }
    return Result(counts, problems, time.monotonic() - started)
