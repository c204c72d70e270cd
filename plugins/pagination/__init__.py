"""Stable pagination: archive pages are fixed slices counted from the oldest story."""

from typing import Any

from pelican import Pelican, signals

from .paginator import StablePaginator, pages_to_write

__all__ = ["StablePaginator", "pages_to_write", "register"]


def check_order(settings: dict[str, Any]) -> None:
    """Pages are counted from the end of each list, so the lists must come newest first."""
    if settings.get("ARTICLE_ORDER_BY") != "reversed-date" or not settings.get("NEWEST_FIRST_ARCHIVES"):
        raise ValueError(
            "pagination: stable pages need newest-first listings: "
            'ARTICLE_ORDER_BY = "reversed-date" and NEWEST_FIRST_ARCHIVES = True'
        )


def _check(pelican: Pelican) -> None:
    check_order(pelican.settings)


def register() -> None:
    signals.initialized.connect(_check)
