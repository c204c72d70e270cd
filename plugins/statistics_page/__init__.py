"""数据统计: a statistics page built with the site (charts, tables, a CSV download), and a build
warning when a news column goes too long without a story."""

import logging
from datetime import datetime
from pathlib import Path
from typing import Any

from pelican import Pelican, signals
from pelican.generators import ArticlesGenerator
from pelican.writers import Writer
from siterules.clock import site_timezone
from siterules.files import write_if_changed
from taxonomy.vocabulary import GUIDANCE_CATEGORY

from .figures import Story, programme_figures, stale_columns
from .page import csv_bytes, statistics_page

DEFAULT_SETTINGS: dict[str, Any] = {
    "STATISTICS_URL": "statistics/",
    "STATISTICS_SAVE_AS": "statistics/index.html",
    "STATISTICS_CSV_SAVE_AS": "statistics/statistics.csv",
    # A news column (工作动态, 经验做法, 先进典型) whose newest story is older than this many days is
    # a build warning (the national check's two weeks); 0 turns the warning off.
    "COLUMN_FRESHNESS_DAYS": 14,
}
logger = logging.getLogger(__name__)
STALE_COLUMN = (
    "栏目更新检查：%s 的最新稿件是 %s，已 %s 天没有新稿件（超过 COLUMN_FRESHNESS_DAYS = %s 天）；请尽快更新"
)
EMPTY_COLUMN = "栏目更新检查：%s 还没有稿件；请尽快更新"


def _add_defaults(pelican: Pelican) -> None:
    for key, value in DEFAULT_SETTINGS.items():
        pelican.settings.setdefault(key, value)


def story_of(article: Any) -> Story:
    return Story(
        day=article.date.date(),
        category=str(article.category),
        region=str(getattr(article, "region", "") or "").strip(),
        org_type=str(getattr(article, "org_type", "") or "").strip(),
    )


def _count(generator: ArticlesGenerator) -> None:
    stories = (
        story_of(article) for article in generator.articles if str(article.category) != GUIDANCE_CATEGORY
    )
    generator.statistics_figures = programme_figures(stories)


def _warn_stale_columns(figures: dict, settings: dict[str, Any]) -> None:
    days = settings["COLUMN_FRESHNESS_DAYS"]
    if not days or not figures["total"]:
        return
    today = datetime.now(site_timezone(settings)).date()
    for column, newest, age in stale_columns(figures["column_newest"], today, days):
        if newest is None:
            logger.warning(EMPTY_COLUMN, column)
        else:
            logger.warning(STALE_COLUMN, column, newest, age, days)


def _write(generator: ArticlesGenerator, writer: Writer) -> None:
    settings = generator.settings
    figures = generator.statistics_figures
    column_urls = {str(category): category.url for category, _ in generator.categories}
    writer.write_file(
        settings["STATISTICS_SAVE_AS"],
        generator.get_template("statistics"),
        generator.context,
        relative_urls=settings["RELATIVE_URLS"],
        url=settings["STATISTICS_URL"],
        statistics=statistics_page(figures, column_urls),
        template_name="statistics",
    )
    write_if_changed(Path(generator.output_path) / settings["STATISTICS_CSV_SAVE_AS"], csv_bytes(figures))
    _warn_stale_columns(figures, settings)


def register() -> None:
    signals.initialized.connect(_add_defaults)
    signals.article_generator_finalized.connect(_count)
    signals.article_writer_finalized.connect(_write)
