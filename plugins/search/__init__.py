"""Full-text site search: our own static index of the stories' and pages' text, for the search
page at search/ (plugins/search/README.md)."""

from pelican import Pelican, signals
from pelican.generators import ArticlesGenerator, PagesGenerator
from siterules.processes import Forked

from .site_index import finish_index, index_generated_site

_indexing: dict[int, Forked] = {}  # the index being made for each build, by id of its settings
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


def _finish(pelican: Pelican) -> None:
    indexing = _indexing.pop(id(pelican.settings), None)
    if indexing is not None:
        finish_index(indexing)


def register() -> None:
    signals.article_generator_finalized.connect(_keep_articles)
    signals.page_generator_finalized.connect(_start)
    signals.finalized.connect(_finish)
