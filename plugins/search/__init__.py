"""Full-text site search: our own static index of the stories' and pages' text, for the search
page at search/ (plugins/search/README.md)."""

from pelican import signals

from .site_index import index_generated_site


def register() -> None:
    signals.all_generators_finalized.connect(index_generated_site)
