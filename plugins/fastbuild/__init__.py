"""Fast builds: sources read on every core, pages rendered on every core, unchanged pages skipped,
and a build with nothing to do skipped whole. `FASTBUILD = False` turns all of it off."""

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pelican import Pelican, signals
from pelican import __version__ as pelican_version
from pelican.generators import ArticlesGenerator, Generator
from siterules.clock import site_timezone

from .reading import ForkedCacheSave, SourceStamps, read_in_parallel, uncached_sources
from .setup import DEFAULT_SETTINGS, FastbuildWriter, build_record_path, configure_build, fastbuild_folder
from .speedups import (
    collect_garbage_rarely,
    dates_formatted_fast,
    keep_urls,
    make_grouping_fast,
    make_membership_fast,
    relative_paths_remembered,
    slugs_remembered,
    translations_by_group,
)
from .uptodate import BuildState, build_state, is_current, record_build

logger = logging.getLogger(__name__)

# fastbuild takes over parts of Pelican through names Pelican does not promise to keep
# (tests/fastbuild/test_pelican_internals.py lists them): it was written against this series.
PELICAN_SERIES = "4.12"

# The first date of a future-dated story, per build (keyed by its settings dict).
_next_change: dict[int, datetime | None] = {}
# The articles' reader cache being saved, per build (keyed by its settings dict).
_cache_saves: dict[int, ForkedCacheSave] = {}
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


def is_on(settings: dict[str, Any]) -> bool:
    return bool(settings.get("FASTBUILD", DEFAULT_SETTINGS["FASTBUILD"]))


def supports(version: str) -> bool:
    """Whether fastbuild was written against this Pelican version's series."""
    return version == PELICAN_SERIES or version.startswith(f"{PELICAN_SERIES}.")


def _state(pelican: Pelican) -> BuildState:
    settings = pelican.settings
    return build_state(
        settings["FASTBUILD_FINGERPRINT"], Path(pelican.path), Path(pelican.output_path),
        settings["FASTBUILD_WORKERS"],
    )


def _configure(pelican: Pelican) -> None:
    settings = pelican.settings
    for key, value in DEFAULT_SETTINGS.items():
        settings.setdefault(key, value)
    if not is_on(settings):
        return
    configure_build(settings)
    # Pelican uses one writer, the stable-pagination one (plugins/pagination): fastbuild's builds on it.
    settings["PAGINATION_WRITER"] = FastbuildWriter
    if _errors not in logging.getLogger().handlers:
        logging.getLogger().addHandler(_errors)
    run = pelican.run

    def run_unless_current() -> None:
        # Pelican gives no signal to skip a whole build, so the instance's run is wrapped; it checks
        # again on every run, as `--autoreload` calls it once per change.
        record = build_record_path(settings, pelican.output_path)
        state = _started_from[id(settings)] = _state(pelican)
        if is_current(record, state, datetime.now(UTC)):
            print(f"fastbuild: nothing changed since the last build; {pelican.output_path} is up to date")
            return
        record.unlink(missing_ok=True)  # an interrupted build must not look finished
        _errors.errors = 0
        with (
            collect_garbage_rarely(),
            translations_by_group(),
            relative_paths_remembered(),
            slugs_remembered(fastbuild_folder(settings) / SLUGS_FILE, settings["FASTBUILD_READING_KEY"]),
            dates_formatted_fast(),
        ):
            run()

    pelican.run = run_unless_current


def _refuse(pelican: Pelican) -> None:
    """Under another Pelican series: say what to do, and build with plain Pelican meanwhile."""
    settings = pelican.settings
    settings.setdefault("FASTBUILD", DEFAULT_SETTINGS["FASTBUILD"])
    if is_on(settings):
        logger.error(
            "快速生成 fastbuild 是为 Pelican %s.x 写的，现在是 Pelican %s，"
            "这次生成不用它（慢一些，页面一样）："
            "请技术维护人员安装 requirements.txt 里的 Pelican（make venv）；要升级 Pelican，运行 "
            ".venv/bin/pytest tests/fastbuild，改正失败的地方，再改 plugins/fastbuild/__init__.py 的 "
            "PELICAN_SERIES。在 pelicanconf.py 里设 FASTBUILD = False 就不再提示。"
            "(fastbuild: written for another Pelican series; this build runs without it)",
            PELICAN_SERIES, pelican_version,
        )  # fmt: skip


def _note_next_change(generator: ArticlesGenerator) -> None:
    if not is_on(generator.settings):
        return
    now = datetime.now(UTC)
    zone = site_timezone(generator.settings)
    dates = (article.date if article.date.tzinfo else article.date.replace(tzinfo=zone)
             for article in generator.articles)
    future = [date for date in dates if date > now]
    _next_change[id(generator.settings)] = min(future, default=None)


def _record(pelican: Pelican) -> None:
    saving = _cache_saves.pop(id(pelican.settings), None)
    if saving is not None:
        saving.wait()
    next_change = _next_change.pop(id(pelican.settings), None)
    state = _started_from.pop(id(pelican.settings), None)
    if _errors.errors == 0 and state is not None:
        record = build_record_path(pelican.settings, pelican.output_path)
        record_build(record, state, next_change)


# The slugs worked out by the last builds (speedups.slugs_remembered), in fastbuild's cache folder.
SLUGS_FILE = "slugs.pickle"

# Where each generator's source stamps are kept, in fastbuild's cache folder. The static files
# matter as much as the stories: Pelican hashes every picture under content/ on every build.
SOURCE_STAMPS_FILES = {
    "articles": "source-stamps.pickle",
    "pages": "page-stamps.pickle",
    "static": "static-stamps.pickle",
}


def _remember_stamps(generator: Generator, kind: str) -> None:
    """Let `generator`'s reader cache know unchanged sources by size and modification time."""
    readers = generator.readers
    if readers._filestamp_func is None:  # Pelican's reader cache is off
        return
    stamps = SourceStamps(
        fastbuild_folder(generator.settings) / SOURCE_STAMPS_FILES[kind], readers._filestamp_func
    )
    readers._filestamp_func = stamps
    if hasattr(generator, "_filestamp_func"):  # its own cache (off) asks for every stamp too
        generator._filestamp_func = stamps


def _save_stamps(generator: Generator) -> None:
    stamps = generator.readers._filestamp_func
    if isinstance(stamps, SourceStamps):
        stamps.save()


def _stamps_for(kind: str) -> Callable[[Generator], None]:
    def remember(generator: Generator) -> None:
        if is_on(generator.settings):
            _remember_stamps(generator, kind)

    return remember


def _read_sources(generator: ArticlesGenerator) -> None:
    settings = generator.settings
    if not is_on(settings):
        return
    make_grouping_fast(generator)
    _remember_stamps(generator, "articles")
    _cache_saves[id(settings)] = ForkedCacheSave(generator.readers)
    files = generator.get_files(settings["ARTICLE_PATHS"], exclude=settings["ARTICLE_EXCLUDES"])
    paths = uncached_sources(generator.readers, generator.path, files)
    read_in_parallel(generator.readers, paths, settings["FASTBUILD_WORKERS"])


def _finish_reading(generator: ArticlesGenerator) -> None:
    if not is_on(generator.settings):
        return
    _save_stamps(generator)
    make_membership_fast(generator)
    keep_urls([*generator.articles, *generator.translations, *generator.hidden_articles,
               *generator.hidden_translations, *generator.drafts, *generator.drafts_translations])


class PageFlusher:
    """A generator that runs after the others (only Pelican's static files come later): it renders
    the queued pages, so that `finalized` handlers such as the search index see them written."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def generate_output(self, writer: Any) -> None:
        if hasattr(writer, "flush"):
            writer.flush()


def _flusher(pelican: Pelican) -> type | None:
    return PageFlusher if is_on(pelican.settings) else None


def register() -> None:
    if not supports(pelican_version):
        signals.initialized.connect(_refuse)
        return
    signals.initialized.connect(_configure)
    signals.article_generator_init.connect(_read_sources)
    signals.article_generator_finalized.connect(_finish_reading)
    signals.page_generator_init.connect(_stamps_for("pages"), weak=False)
    signals.page_generator_finalized.connect(_save_stamps)
    signals.static_generator_init.connect(_stamps_for("static"), weak=False)
    signals.static_generator_finalized.connect(_save_stamps)
    signals.article_generator_finalized.connect(_note_next_change)
    signals.get_generators.connect(_flusher)
    signals.finalized.connect(_record)


__all__ = ["DEFAULT_SETTINGS", "PELICAN_SERIES", "is_on", "register", "supports"]
