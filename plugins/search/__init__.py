"""Full-text site search: our own static index of the stories' and pages' text, for the search
page at search/ (plugins/search/README.md)."""

from pelican import Pelican, signals
from pelican.generators import ArticlesGenerator, PagesGenerator
from pelican.writers import Writer

from .layout import ENTRY_CONTEXT_KEY, entry_for_page
from .site_index import Indexing, finish_index, index_generated_site

_indexing: dict[int, Indexing] = {}  # the index being made for each build, by id of its settings
_read_articles: dict[int, ArticlesGenerator] = {}  # each build's stories, until its pages are read


def _keep_articles(generator: ArticlesGenerator) -> None:
    _read_articles[id(generator.settings)] = generator


def _start(generator: PagesGenerator) -> None:
    # As soon as the stories and pages are read: the index is made beside the rest of the build
    # (the static files, the other plugins, the pages), from the text as read (no photo markup).
    stories = _read_articles.pop(id(generator.settings), None)
    indexing = index_generated_site([*([stories] if stories else []), generator])
    if indexing is not None:
        _indexing[id(generator.settings)] = indexing


def _give_entry_to_pages(generator: PagesGenerator, writer: Writer) -> None:
    # After every generator has queued its pages and before plugins/fastbuild renders them: the
    # search page carries the entry (its context is the generators' shared one).
    indexing = _indexing.get(id(generator.settings))
    entry = indexing.entry() if indexing is not None else None
    if entry is not None:
        generator.context[ENTRY_CONTEXT_KEY] = entry_for_page(entry)


def _finish(pelican: Pelican) -> None:
    indexing = _indexing.pop(id(pelican.settings), None)
    if indexing is not None:
        finish_index(indexing)


def register() -> None:
    signals.article_generator_finalized.connect(_keep_articles)
    signals.page_generator_finalized.connect(_start)
    signals.page_writer_finalized.connect(_give_entry_to_pages)
    signals.finalized.connect(_finish)
