"""Stable pagination: archive pages are fixed slices counted from the oldest story."""

from typing import Any

from pelican import Pelican, signals

from .paginator import StablePaginator, pages_to_write
from .writing import StablePaginationWriter

__all__ = ["DEFAULT_SETTINGS", "StablePaginationWriter", "StablePaginator", "pages_to_write", "register"]

DEFAULT_SETTINGS: dict[str, Any] = {
    # The writer Pelican is given: this plugin's, or a subclass of it that another plugin puts here
    # (plugins/fastbuild), since Pelican uses only one writer.
    "PAGINATION_WRITER": StablePaginationWriter,
}


def check_order(settings: dict[str, Any]) -> None:
    """Pages are counted from the end of each list, so the lists must come newest first."""
    if settings.get("ARTICLE_ORDER_BY") != "reversed-date" or not settings.get("NEWEST_FIRST_ARCHIVES"):
        raise ValueError(
            "pagination: stable pages need newest-first listings: "
            'ARTICLE_ORDER_BY = "reversed-date" and NEWEST_FIRST_ARCHIVES = True'
        )


def writer_class(settings: dict[str, Any]) -> type[StablePaginationWriter]:
    """The build's writer: PAGINATION_WRITER, which must build on StablePaginationWriter."""
    writer = settings.get("PAGINATION_WRITER", DEFAULT_SETTINGS["PAGINATION_WRITER"])
    if not (isinstance(writer, type) and issubclass(writer, StablePaginationWriter)):
        raise ValueError(
            f"pagination: PAGINATION_WRITER is {writer!r}; it must be pagination.StablePaginationWriter "
            "or a subclass of it (leave it unset for stable pages with Pelican's own writing)"
        )
    return writer


def _check(pelican: Pelican) -> None:
    check_order(pelican.settings)
    writer_class(pelican.settings)


def _writer(pelican: Pelican) -> type:
    return writer_class(pelican.settings)


def register() -> None:
    signals.initialized.connect(_check)
    signals.get_writer.connect(_writer)
