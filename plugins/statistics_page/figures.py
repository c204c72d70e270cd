"""The programme's figures from its stories: plain data (tuples, dicts, strings), computed once per
build in one pass, so the page's renderer can digest them and skip an unchanged page.

Everything is relative to the stories' own dates (the newest story ends "the last 30 days"), never to
the time of the build: the same stories always give the same page.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from taxonomy.vocabulary import ORG_TYPES, REGIONS, STORY_CATEGORIES, UNLABELLED, names

RECENT_DAYS = 30


@dataclass(frozen=True)
class Story:
    """What the figures need of a story."""

    day: date  # in the site's time zone
    category: str
    region: str  # "" when unlabelled
    org_type: str


def month_label(year: int, month: int) -> str:
    return f"{year}年{month}月"


def date_label(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _months(first: date, last: date) -> list[tuple[int, int]]:
    """Every month from first to last, those without stories too (a gap must show)."""
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _by_term(counts: Counter[str], terms: list[str]) -> list[tuple[str, int]]:
    """Counts in vocabulary order, every term listed; unlabelled stories last, if any."""
    rows = [(term, counts[term]) for term in terms]
    if counts[""]:
        rows.append((UNLABELLED, counts[""]))
    return rows


def programme_figures(stories: Iterable[Story]) -> dict:
    """Stories by month, region, organization type and kind, the regions with nothing in the
    programme's last RECENT_DAYS days, and each news column's newest date."""
    stories = list(stories)
    if not stories:
        return {"total": 0}
    days = [story.day for story in stories]
    first, newest = min(days), max(days)
    recent_since = newest - timedelta(days=RECENT_DAYS - 1)
    by_month = Counter((story.day.year, story.day.month) for story in stories)
    by_region = Counter(story.region for story in stories)
    recent_by_region = Counter(story.region for story in stories if story.day >= recent_since)
    by_org_type = Counter(story.org_type for story in stories)
    by_kind = Counter(story.category for story in stories)
    newest_in_column: dict[str, date] = {}
    for story in stories:
        if story.day > newest_in_column.get(story.category, date.min):
            newest_in_column[story.category] = story.day
    regions = names(REGIONS)
    return {
        "total": len(stories),
        "first": first.isoformat(),
        "newest": newest.isoformat(),
        "recent_since": recent_since.isoformat(),
        "by_month": [(month_label(*month), by_month[month]) for month in _months(first, newest)],
        "by_region": _by_term(by_region, regions),
        "recent_by_region": _by_term(recent_by_region, regions),
        "quiet_regions": [region for region in regions if not recent_by_region[region]],
        "by_org_type": _by_term(by_org_type, names(ORG_TYPES)),
        "by_kind": [(kind, by_kind[kind]) for kind in STORY_CATEGORIES],
        "column_newest": [
            (kind, newest_in_column[kind].isoformat() if kind in newest_in_column else None)
            for kind in STORY_CATEGORIES
        ],
    }


def stale_columns(
    column_newest: list[tuple[str, str | None]], today: date, days: int
) -> list[tuple[str, str | None, int | None]]:
    """(column, newest date, days since) of each news column without a story in the last `days`."""
    stale = []
    for column, newest in column_newest:
        age = (today - date.fromisoformat(newest)).days if newest else None
        if age is None or age > days:
            stale.append((column, newest, age))
    return stale
