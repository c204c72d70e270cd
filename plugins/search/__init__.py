"""Full-text site search: our own static index of the stories' and pages' text, for the search
page at search/ (plugins/search/README.md)."""

from typing import Any

from pelican import Pelican, signals
from siterules.processes import Forked

from .site_index import finish_index, index_generated_site

_indexing: dict[int, Forked] = {}  # the index being made for each build, by id of its settings


def _start(generators: list[Any]) -> None:
    indexing = index_generated_site(generators)
    if indexing is not None:
        _indexing[id(generators[0].settings)] = indexing


def _finish(pelican: Pelican) -> None:
    indexing = _indexing.pop(id(pelican.settings), None)
    if indexing is not None:
        finish_index(indexing)


def register() -> None:
    signals.all_generators_finalized.connect(_start)
    signals.finalized.connect(_finish)
