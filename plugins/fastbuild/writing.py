"""Pelican's writer, deferred: pages are queued while the generators run, then rendered on every core,
and a page whose inputs did not change since the last build is neither rendered nor rewritten.

Pelican's own `write_file` still decides every page (relative URLs, overwrite rules, the
`content_written` signal; listings are cut into stable pages by plugins/pagination's writer, which
this one builds on); only the render and the file write are taken over, through a template that
records instead of rendering and a file opener that queues instead of writing.
"""

import functools
import io
import logging
import os
import pickle
import time
from collections import ChainMap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pelican.writers
from pagination import StablePaginationWriter
from pelican.writers import FileOverwriteFailedError
from siterules.files import folder_prefix, under_folder, write_if_changed
from siterules.processes import run_in_parts, start_shares

from .contentmemo import forget_contents
from .inputs import READ_NAMES_KEY, Describer, RecordingContext, inputs_digest

logger = logging.getLogger(__name__)

MANIFEST_VERSION = 3
# Pages a render process takes from the queue at a time: small enough that the processes finish
# together, large enough that taking one costs nothing (19,000 pages at 10,000 stories).
PAGES_PER_PART = 100


# What Pelican's write_file puts in a page's context besides the context and the page's own values.
PAGE_CONTEXT_KEYS = ("localsiteurl", "SITEURL", "output_file")
# The lists of content objects in Pelican's context that pages show.
CONTENT_LISTS = ("articles", "hidden_articles", "pages", "hidden_pages")


@dataclass
class QueuedPage:
    name: str  # relative to the output folder
    template: Any
    own_values: dict[str, Any]  # this page's template values; the rest comes from shared_context
    shared_context: dict[str, Any]

    @property
    def localcontext(self) -> ChainMap[str, Any]:
        # Not a copy of the whole context per page: at 10,000 stories those copies were 200 MB.
        return ChainMap(self.own_values, self.shared_context)


@dataclass(frozen=True)
class PageRecord:
    """What the last build knew of a page: the variables its render read and their digest."""

    read_names: tuple[str, ...]
    digest: str
    file_stat: tuple[int, int]  # size and mtime_ns of the file written, so an edited file is redone


def _file_stat(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_size, stat.st_mtime_ns


@dataclass(frozen=True)
class FlushReport:
    pages: int
    rendered: int  # inputs changed (or first build)
    written: int  # rendered to different bytes
    deleted: int
    seconds: float


class _QueueingTemplate:
    """Stands in for a Jinja template inside Pelican's write_file: remembers what to render."""

    def __init__(self, writer: "DeferredWriter", template: Any) -> None:
        self._writer = writer
        self._template = template

    def render(self, localcontext: dict[str, Any]) -> str:
        self._writer._pending_render = (self._template, localcontext)
        return ""


def _render(page: QueuedPage) -> tuple[str, set[str]]:
    """The page's HTML and the template variables its render read."""
    if page.own_values.get("localsiteurl"):
        # Content objects resolve their links against the shared context's localsiteurl.
        page.shared_context["localsiteurl"] = page.own_values["localsiteurl"]
    read_names: set[str] = set()
    page.template.environment.context_class = RecordingContext
    html = page.template.render({**page.shared_context, **page.own_values, READ_NAMES_KEY: read_names})
    return html, read_names


@dataclass
class ShareResult:
    """What one process did with its share of the pages."""

    records: dict[str, PageRecord]
    rendered: int = 0
    written: int = 0


def build_pages(
    pages: list[QueuedPage], known: dict[str, PageRecord], output: Path, describer: Describer
) -> ShareResult:
    """Render and write each page whose recorded inputs changed; keep the others' records."""
    result = ShareResult({})
    for page in pages:
        result.records[page.name] = _build_page(page, known.get(page.name), output, describer, result)
        # A story's content is on its own page only (listings show summaries): let go after each page.
        forget_contents()
    return result


def _build_page(
    page: QueuedPage, record: PageRecord | None, output: Path, describer: Describer, result: ShareResult
) -> PageRecord:
    if (
        record is not None
        and _file_stat(output / page.name) == record.file_stat
        and inputs_digest(describer, page.localcontext, record.read_names) == record.digest
    ):
        return record
    html, read_names = _render(page)
    result.rendered += 1
    result.written += write_if_changed(output / page.name, html)
    return PageRecord(
        tuple(sorted(read_names)),
        inputs_digest(describer, page.localcontext, read_names),
        _file_stat(output / page.name) or (0, 0),
    )


class EarlyDescription:
    """The stories' digests, worked out in forked processes while the build's process queues the
    pages: every page's check needs the stories it shows, and the queueing leaves the other cores
    idle. Started once every generator has its context (the first page queued): nothing changes a
    story after that."""

    def __init__(self, stories: list[Any], workers: int) -> None:
        self._shares = [stories[index::workers] for index in range(workers)]
        self._digests = start_shares(_describe_share, self._shares)

    def give_to(self, describer: Describer) -> None:
        """Wait for the digests, and teach them to `describer`."""
        for share, digests in zip(self._shares, self._digests(), strict=True):
            for value, digest in zip(share, digests, strict=True):
                describer.learn(value, digest)


def _describe_share(share: list[Any]) -> list[str]:
    describer = Describer()
    return [describer.describe(value) for value in share]


def describing_processes(workers: int, stories: int) -> int:
    """How many processes describe the stories beside the build's: none for a small site (forking
    would cost more) or a single-core build."""
    return workers - 1 if workers >= 2 and stories >= 2 * workers else 0


def build_in_parallel(
    pages: list[QueuedPage], known: dict[str, PageRecord], output: Path, workers: int,
    describer: Describer,
) -> ShareResult:
    """`build_pages` in `workers` processes, each taking the next part of the queue when done."""
    if workers < 2 or len(pages) < 2 * workers:
        return build_pages(pages, known, output, describer)
    part_size = max(1, min(PAGES_PER_PART, len(pages) // (2 * workers)))
    build_part = functools.partial(build_pages, known=known, output=output, describer=describer)
    results = run_in_parts(build_part, pages, workers, part_size)
    total = results[0]
    for result in results[1:]:
        total.records.update(result.records)
        total.rendered += result.rendered
        total.written += result.written
    return total


class PageManifest:
    """The pages a build wrote into one output folder, kept in the build cache for the next build."""

    def __init__(self, cache_file: Path, fingerprint: str) -> None:
        self.cache_file = cache_file
        self.fingerprint = fingerprint

    def load(self) -> tuple[dict[str, PageRecord], set[str]]:
        """The records still valid for this build's fingerprint, and every page the last build wrote."""
        try:
            with self.cache_file.open("rb") as file:
                saved = pickle.load(file)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError):
            return {}, set()
        if not isinstance(saved, dict) or saved.get("version") != MANIFEST_VERSION:
            return {}, set()
        pages = saved["pages"]
        if saved["fingerprint"] != self.fingerprint:
            return {}, set(pages)
        return {name: PageRecord(*fields) for name, fields in pages.items()}, set(pages)

    def save(self, records: dict[str, PageRecord]) -> None:
        self.cache_file.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.cache_file.with_suffix(".tmp")
        # Plain tuples, and one copy of each list of names (most pages of a kind read the same
        # names): at 10,000 stories this makes the file several times smaller and quicker to load.
        names: dict[tuple[str, ...], tuple[str, ...]] = {}
        pages = {
            name: (names.setdefault(record.read_names, record.read_names), record.digest, record.file_stat)
            for name, record in records.items()
        }
        with temporary.open("wb") as file:
            pickle.dump(
                {"version": MANIFEST_VERSION, "fingerprint": self.fingerprint, "pages": pages},
                file,
                protocol=pickle.HIGHEST_PROTOCOL,
            )
        os.replace(temporary, self.cache_file)


def remove_stale_pages(output: Path, names: set[str]) -> int:
    """Delete pages an earlier build wrote that this build did not, and folders left empty."""
    removed = 0
    for name in sorted(names):
        path = output / name
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        removed += 1
        folder = path.parent
        while folder != output and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
    return removed


class _OsMakingFoldersWhenWritten:
    """The `os` module as Pelican's writer sees it while it queues a page: its folder is made when the
    page is written (`write_if_changed`), not as it is queued (three system calls a page, for each of
    19,000 pages at 10,000 stories, most of which are not written at all)."""

    def __getattr__(self, name: str) -> Any:
        return getattr(os, name)

    @staticmethod
    def makedirs(name: str, mode: int = 0o777, exist_ok: bool = False) -> None:
        return None


_FOLDERS_MADE_WHEN_WRITTEN = _OsMakingFoldersWhenWritten()


class DeferredWriter(StablePaginationWriter):
    """The stable-pagination writer (plugins/pagination), with every page queued and rendered when
    `flush` is called."""

    manifest: PageManifest | None = None  # set by setup.FastbuildWriter; None renders all, keeps no records
    workers: int = 1

    def __init__(self, output_path: str, settings: dict[str, Any] | None = None) -> None:
        super().__init__(output_path, settings)
        self._queue: dict[str, QueuedPage] = {}
        self._pending_render: tuple[Any, dict[str, Any]] | None = None
        self._page_keys: tuple[str, ...] = ()
        self._shared_context: dict[str, Any] = {}
        self._early: EarlyDescription | None = None
        self._output_prefix = folder_prefix(output_path)

    def write_page(
        self, name: str, template: Any, context: dict[str, Any], page_values: dict[str, Any], **options: Any
    ) -> None:
        self._shared_context = context
        # Only in a rebuild: a first build renders every page anyway, and its cores are busy.
        if self._early is None and self.manifest is not None and self.manifest.cache_file.exists():
            stories = [item for kind in CONTENT_LISTS for item in context.get(kind, ())]
            if processes := describing_processes(self.workers, len(stories)):
                self._early = EarlyDescription(stories, processes)
        self._page_keys = (*page_values, *PAGE_CONTEXT_KEYS)
        pelican.writers.os = _FOLDERS_MADE_WHEN_WRITTEN
        try:
            super().write_page(name, _QueueingTemplate(self, template), context, page_values, **options)
        finally:
            pelican.writers.os = os

    def _open_w(self, filename: str, encoding: str, override: bool = False) -> Any:
        if self._pending_render is None:  # a feed or another direct write: Pelican's own way
            return super()._open_w(filename, encoding, override)
        template, localcontext = self._pending_render
        self._pending_render = None
        if filename in self._overridden_files:
            if override:
                raise FileOverwriteFailedError(
                    f'Failed to overwrite "{filename}" a second time (was previously overwritten)'
                )
            return io.StringIO()
        if filename in self._written_files and not override:
            raise FileOverwriteFailedError(
                f'Failed to overwrite "{filename}" as Pelican has already written to it previously '
                "(set `override=True` if intended)"
            )
        if override:
            self._overridden_files.add(filename)
        self._written_files.add(filename)
        # Pelican made `filename` with sanitised_join: absolute and normalised.
        name = under_folder(filename, self._output_prefix) or os.path.relpath(filename, self.output_path)
        own_values = {key: localcontext[key] for key in self._page_keys if key in localcontext}
        self._queue[name] = QueuedPage(name, template, own_values, self._shared_context)
        return io.StringIO()

    def flush(self) -> FlushReport:
        """Render every queued page whose inputs changed, and delete pages no longer written."""
        started = time.perf_counter()
        output = Path(self.output_path)
        pages = list(self._queue.values())
        self._queue = {}
        known, last_written = self.manifest.load() if self.manifest else ({}, set())
        # What the build read so far (the feeds read most stories) is not copied into every process.
        forget_contents(summaries=True)
        describer = Describer()
        if self._early is not None:
            self._early.give_to(describer)
            self._early = None
        result = build_in_parallel(pages, known, output, self.workers, describer)
        deleted = remove_stale_pages(output, last_written - set(result.records))
        if self.manifest:
            self.manifest.save(result.records)
        report = FlushReport(
            len(pages), result.rendered, result.written, deleted, time.perf_counter() - started
        )
        logger.info(
            "fastbuild: %d pages, %d rendered, %d written, %d removed in %.2f s",
            report.pages, report.rendered, report.written, report.deleted, report.seconds,
        )
        return report
