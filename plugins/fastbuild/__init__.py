"""Fast builds: sources read on every core, pages rendered on every core, unchanged pages skipped,
and a build with nothing to do skipped whole."""

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pelican import Pelican, signals
from pelican.generators import ArticlesGenerator

from .reading import SourceStamps, read_in_parallel, uncached_sources
from .setup import DEFAULT_SETTINGS, build_record_path, configure_build, writer_class
from .speedups import collect_garbage_rarely, keep_urls, make_grouping_fast, make_membership_fast
from .uptodate import BuildState, build_state, is_current, record_build

# The first date of a future-dated story, per build (keyed by its settings dict).
_next_change: dict[int, datetime | None] = {}
# What each build started from (keyed by its settings dict), recorded once it has finished.
_started_from: dict[int, BuildState] = {}


class _ErrorCounter(logging.Handler):
    """Counts errors logged during a build: a build with errors is never recorded as finished, so
    the next one runs again and shows them again."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.errors = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.errors += 1


_errors = _ErrorCounter()


def _state(pelican: Pelican) -> BuildState:
    settings = pelican.settings
    return build_state(settings["FASTBUILD_FINGERPRINT"], Path(pelican.path), Path(pelican.output_path))


def _configure(pelican: Pelican) -> None:
    configure_build(pelican.settings, pelican.output_path)
    if _errors not in logging.getLogger().handlers:
        logging.getLogger().addHandler(_errors)
    run = pelican.run

    def run_unless_current() -> None:
        # Pelican gives no signal to skip a whole build, so the instance's run is wrapped; it checks
        # again on every run, as `--autoreload` calls it once per change.
        record = build_record_path(pelican.settings, pelican.output_path)
        state = _started_from[id(pelican.settings)] = _state(pelican)
        if is_current(record, state, datetime.now(UTC)):
            print(f"fastbuild: nothing changed since the last build; {pelican.output_path} is up to date")
            return
        record.unlink(missing_ok=True)  # an interrupted build must not look finished
        _errors.errors = 0
        with collect_garbage_rarely():
            run()

    pelican.run = run_unless_current


def _note_next_change(generator: ArticlesGenerator) -> None:
    now = datetime.now(UTC)
    zone = ZoneInfo(generator.settings["TIMEZONE"])
    dates = (article.date if article.date.tzinfo else article.date.replace(tzinfo=zone)
             for article in generator.articles)
    future = [date for date in dates if date > now]
    _next_change[id(generator.settings)] = min(future, default=None)


def _record(pelican: Pelican) -> None:
    next_change = _next_change.pop(id(pelican.settings), None)
    state = _started_from.pop(id(pelican.settings), None)
    if _errors.errors == 0 and state is not None:
        record = build_record_path(pelican.settings, pelican.output_path)
        record_build(record, state, next_change)


# Where the stamps of the story sources are kept, in the fingerprint's cache folder.
SOURCE_STAMPS_FILE = "source-stamps.pickle"


def _read_sources(generator: ArticlesGenerator) -> None:
    settings = generator.settings
    readers = generator.readers
    if readers._filestamp_func is not None:  # None when Pelican's reader cache is off
        # The generator asks for every source's stamp too (for its own cache, which is off): the
        # same remembered stamps answer it.
        readers._filestamp_func = generator._filestamp_func = SourceStamps(
            Path(settings["CACHE_PATH"]) / SOURCE_STAMPS_FILE, readers._filestamp_func
        )
    files = generator.get_files(settings["ARTICLE_PATHS"], exclude=settings["ARTICLE_EXCLUDES"])
    paths = uncached_sources(generator.readers, generator.path, files)
    read_in_parallel(generator.readers, paths, settings["FASTBUILD_WORKERS"])


def _keep_source_stamps(generator: ArticlesGenerator) -> None:
    stamps = generator.readers._filestamp_func
    if isinstance(stamps, SourceStamps):
        stamps.save()


def _speed_up_pelican(generator: ArticlesGenerator) -> None:
    make_membership_fast(generator)
    keep_urls([*generator.articles, *generator.translations, *generator.hidden_articles,
               *generator.hidden_translations, *generator.drafts, *generator.drafts_translations])


def _writer(pelican: Pelican) -> type:
    return writer_class(pelican.settings, pelican.output_path)


class PageFlusher:
    """A generator that runs after the others (only Pelican's static files come later): it renders
    the queued pages, so that `finalized` handlers such as the search index see them written."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def generate_output(self, writer: Any) -> None:
        if hasattr(writer, "flush"):
            writer.flush()


def _flusher(pelican: Pelican) -> type:
    return PageFlusher


def register() -> None:
    signals.initialized.connect(_configure)
    signals.article_generator_init.connect(_read_sources)
    signals.article_generator_init.connect(make_grouping_fast)
    signals.article_generator_finalized.connect(_keep_source_stamps)
    signals.article_generator_finalized.connect(_speed_up_pelican)
    signals.article_generator_finalized.connect(_note_next_change)
    signals.get_writer.connect(_writer)
    signals.get_generators.connect(_flusher)
    signals.finalized.connect(_record)


__all__ = ["DEFAULT_SETTINGS", "register"]
