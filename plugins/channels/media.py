"""RSS 2.0 and Atom feeds (feedgen) for mainstream media: the site, categories, tags, org types, regions.

Output is deterministic: items keep the model's newest-first order, and every date in the file comes
from the items (feedgen's defaults of "now" are always overwritten), so an unchanged site rebuilds
byte for byte.
"""

import uuid
from collections.abc import Callable
from typing import Any

from feedgen.entry import FeedEntry
from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem
from siterules.address import absolute_siteurl

from .feedcache import FeedCache
from .links import FeedCatalogue, FeedGroup, FeedLink
from .model import FEED_ID_NAMESPACE, FeedItem, ImageRef

EntryFiller = Callable[[FeedEntry, FeedItem], None]


class EnclosureExtension(BaseEntryExtension):
    """The lead image as RSS <enclosure> and Atom <link rel="enclosure">.

    feedgen 1.0.0's own enclosure() loses rel, type and length on Atom entry links (the loop in
    FeedEntry.atom_entry rebinds its variable), which turns the image into a second "alternate" link.
    """

    def __init__(self) -> None:
        self.image: ImageRef | None = None

    def _attributes(self) -> dict[str, str] | None:
        if self.image is None or self.image.length is None:
            return None
        return {"type": self.image.mime, "length": str(self.image.length)}

    def extend_rss(self, item: Any) -> Any:
        if attributes := self._attributes():
            xml_elem("enclosure", item, url=self.image.url, **attributes)
        return item

    def extend_atom(self, entry: Any) -> Any:
        if attributes := self._attributes():
            xml_elem("link", entry, rel="enclosure", href=self.image.url, **attributes)
        return entry


def feed_id(group: FeedGroup) -> str:
    """A feed's own ID, like item IDs independent of SITEURL."""
    return f"urn:uuid:{uuid.uuid5(FEED_ID_NAMESPACE, f'feed:{group.kind}:{group.slug}')}"


def new_feed(group: FeedGroup, link: FeedLink, settings: dict[str, Any]) -> FeedGenerator:
    """A feedgen feed for `group` written at `link`, with the channel-level fields filled in."""
    base = absolute_siteurl(settings)
    sitename = settings.get("SITENAME", "")
    feed = FeedGenerator()
    feed.load_extension("dc", atom=False, rss=True)
    feed.load_extension("media")
    feed.register_extension("lead_image", BaseExtension, EnclosureExtension)
    feed.id(feed_id(group))
    feed.title(f"{sitename} · {group.title}")
    feed.description(f"{settings.get('SITESUBTITLE') or sitename}。{group.carries}")
    feed.language("zh-CN")
    feed.author(name=settings.get("SITE_OWNER") or sitename)
    feed.link(href=f"{base}/{link.path}", rel="self", type=link.mime)
    feed.link(href=f"{base}/{group.page_path}", rel="alternate", type="text/html")  # RSS <link> is the last
    newest = max(item.updated for item in group.items)
    feed.updated(newest)
    feed.lastBuildDate(newest)
    return feed


def add_image(entry: FeedEntry, image: ImageRef) -> None:
    """The lead image as an enclosure (when its size in bytes is known) and media:content/thumbnail."""
    size = {"width": str(image.width), "height": str(image.height)} if image.width else {}
    attributes = {"url": image.url, "type": image.mime, "medium": "image", **size}
    entry.lead_image.image = image
    if image.length is not None:
        attributes["fileSize"] = str(image.length)
    entry.media.content(**attributes, group=None)  # top level, not in a media:group
    entry.media.thumbnail(url=image.url, **size, group=None)


def fill_entry(entry: FeedEntry, item: FeedItem, image: ImageRef | None) -> None:
    """The fields every full-text feed carries for an item."""
    entry.id(item.id)
    entry.title(item.title)
    entry.link(href=item.url, rel="alternate", type="text/html")
    entry.content(item.content_html, type="html")
    entry.summary(item.summary_html, type="html")
    entry.published(item.published)
    entry.updated(item.updated)
    entry.author(name=item.author)
    entry.dc.dc_creator(item.author)
    entry.category([{"term": item.category}, *({"term": tag} for tag in item.tags)])
    if image is not None:
        add_image(entry, image)


def render_feed(
    group: FeedGroup, link: FeedLink, settings: dict[str, Any], fill: EntryFiller | None = None
) -> bytes:
    """The feed file for one link of a group, as bytes (RSS or Atom by the link's format)."""
    feed = new_feed(group, link, settings)
    for item in group.items:
        entry = feed.add_entry(order="append")
        if fill is None:
            fill_entry(entry, item, item.image)
        else:
            fill(entry, item)
    if link.format == "atom":
        return feed.atom_str(pretty=True)
    return feed.rss_str(pretty=True)


def write_media_feeds(catalogue: FeedCatalogue, settings: dict[str, Any], feeds: FeedCache) -> None:
    for group in catalogue.groups:
        if group.channel != "media":
            continue
        for link in group.links:
            feeds.write(group, link, lambda group=group, link=link: render_feed(group, link, settings))
