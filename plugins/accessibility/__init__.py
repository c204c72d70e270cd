"""Build warnings for accessibility problems in content (WCAG 2.1 AA / GB/T 37668)."""

import logging
from itertools import chain

from pelican import signals
from pelican.generators import Generator

from .checks import MISSING_ALT, images_without_alt

logger = logging.getLogger(__name__)


def _warn_missing_alt(generators: list[Generator]) -> None:
    # The HTML as read (cached between builds): links show as the editor wrote them ({static}/…),
    # and no story's links are resolved just for this check.
    contents = chain.from_iterable(
        getattr(generator, kind, [])
        for generator in generators
        for kind in ("articles", "hidden_articles", "pages", "hidden_pages")
    )
    for content in contents:
        for src in images_without_alt(content._content or ""):
            logger.warning(MISSING_ALT, content.relative_source_path, src)


def register() -> None:
    signals.all_generators_finalized.connect(_warn_missing_alt)
