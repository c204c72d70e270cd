"""Fast builds: sources read on every core, pages rendered on every core, unchanged pages skipped."""

from typing import Any

from pelican import Pelican, signals
from pelican.generators import ArticlesGenerator

from .listing_sets import make_membership_fast
from .reading import read_in_parallel, uncached_sources
from .setup import DEFAULT_SETTINGS, configure_build, writer_class


def _configure(pelican: Pelican) -> None:
    configure_build(pelican.settings, pelican.output_path)


def _read_sources(generator: ArticlesGenerator) -> None:
    settings = generator.settings
    files = generator.get_files(settings["ARTICLE_PATHS"], exclude=settings["ARTICLE_EXCLUDES"])
    paths = uncached_sources(generator.readers, generator.path, files)
    read_in_parallel(generator.readers, paths, settings["FASTBUILD_WORKERS"])


def _fast_membership(generator: ArticlesGenerator) -> None:
    make_membership_fast(generator)


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
    signals.article_generator_finalized.connect(_fast_membership)
    signals.get_writer.connect(_writer)
    signals.get_generators.connect(_flusher)


__all__ = ["DEFAULT_SETTINGS", "register"]
