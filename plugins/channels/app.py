"""Client-app feeds: JSON Feed 1.1 and its RSS twin, full text, lead image at least 720 px wide."""

import json
from typing import Any

from feedgen.entry import FeedEntry
from siterules.address import absolute_siteurl

from .feedcache import FeedCache
from .links import FeedCatalogue, FeedGroup, FeedLink
from .media import fill_entry, render_feed
from .model import FeedItem, wide_image

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
LANGUAGE = "zh-CN"


def json_feed_item(item: FeedItem, min_width: int) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": item.id,
        "url": item.url,
        "title": item.title,
        "content_html": item.content_html,
        "summary": item.summary_text,
        "date_published": item.published.isoformat(),
        "date_modified": item.updated.isoformat(),
        "authors": [{"name": item.author}],
        "tags": [item.category, *item.tags],
        "language": LANGUAGE,
    }
    image = wide_image(item, min_width)
    if image is not None:
        entry["image"] = image.url
    return entry


def json_feed(group: FeedGroup, link: FeedLink, settings: dict[str, Any]) -> dict[str, Any]:
    base = absolute_siteurl(settings)
    sitename = settings.get("SITENAME", "")
    min_width = settings["CHANNELS_APP_MIN_IMAGE_WIDTH"]
    return {
        "version": JSON_FEED_VERSION,
        "title": f"{sitename} · {group.title}",
        "home_page_url": f"{base}/",
        "feed_url": f"{base}/{link.path}",
        "description": f"{settings.get('SITESUBTITLE') or sitename}。{group.carries}",
        "language": LANGUAGE,
        "authors": [{"name": settings.get("SITE_OWNER") or sitename}],
        "items": [json_feed_item(item, min_width) for item in group.items],
    }


def render_json_feed(group: FeedGroup, link: FeedLink, settings: dict[str, Any]) -> bytes:
    text = json.dumps(json_feed(group, link, settings), ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")


def write_app_feeds(catalogue: FeedCatalogue, settings: dict[str, Any], feeds: FeedCache) -> None:
    group = catalogue.group("app")
    if group is None:
        return
    min_width = settings["CHANNELS_APP_MIN_IMAGE_WIDTH"]

    def fill(entry: FeedEntry, item: FeedItem) -> None:
        fill_entry(entry, item, wide_image(item, min_width))

    def render(link: FeedLink) -> bytes:
        if link.format == "json":
            return render_json_feed(group, link, settings)
        return render_feed(group, link, settings, fill)

    for link in group.links:
        feeds.write(group, link, lambda link=link: render(link))
