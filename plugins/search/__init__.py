"""Full-text site search: a Pagefind index of the written site, for the search page at search/."""

from pelican import signals

from .indexing import index_written_site


def register() -> None:
    signals.finalized.connect(index_written_site)
