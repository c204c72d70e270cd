"""sitemap.xml with every date taken from the content, so the same content gives the same file, and
robots.txt pointing to it.

Each page the writer writes is listed with a lastmod from what the page shows: a story or page its
own Modified or Date; a listing page the newest story on it (so a fixed archive page keeps its date);
any other page (home, indexes, the site map, 404) the newest story of the site. A page with no date
of its own (a page without Date or Modified) has no lastmod: the build time is never used.
"""

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit
from xml.sax.saxutils import escape

DEFAULT_SETTINGS: dict[str, Any] = {
    "SITEMAP_XML_SAVE_AS": "sitemap.xml",
    # Regular expressions on a page's URL (relative to the site root) that keep it out.
    "SITEMAP_XML_EXCLUDE": [],
    "ROBOTS_TXT_SAVE_AS": "robots.txt",
    # Folders (relative to the site root) search engines are asked to leave alone.
    "ROBOTS_TXT_DISALLOW": [],
}
# Template variables holding the stories one listing page shows (Pelican's pagination).
LISTING_PAGES = ("articles_page", "dates_page")


def content_date(item: Any) -> datetime | None:
    """A story's or page's last change as its front matter says: Modified, else Date."""
    return getattr(item, "modified", None) or getattr(item, "date", None)


def newest(items: Iterable[Any]) -> datetime | None:
    return max((date for date in map(content_date, items) if date is not None), default=None)


def page_url(output_file: str, context: Mapping[str, Any]) -> str:
    """A page's URL relative to the site root: a story's or page's own, else its file minus index.html."""
    item = context.get("article") or context.get("page")
    url = getattr(item, "url", None) or output_file
    # Plain string tests: this runs for every page written (a regular expression substitution here
    # was 4% of a one-story rebuild at 10,000 stories).
    if url == "index.html":
        return ""
    return url.removesuffix("index.html") if url.endswith("/index.html") else url


def page_lastmod(
    context: Mapping[str, Any], newest_of_all: Callable[[list[Any]], datetime | None] = newest
) -> datetime | None:
    """The newest content date among what the page shows (see the module's docstring).
    `newest_of_all` finds it in the site's whole list of stories, the same list for every page
    that shows no listing (a caller may work it out once)."""
    item = context.get("article") or context.get("page")
    if item is not None:
        return content_date(item)
    for key in LISTING_PAGES:
        page = context.get(key)
        if page is not None:
            return newest(page.object_list)
    return newest_of_all(context.get("articles") or [])


def is_listed(url: str, context: Mapping[str, Any], excluded: Iterable[re.Pattern[str]]) -> bool:
    """Whether the page goes into the sitemap: published, and its URL matching none of `excluded`
    (SITEMAP_XML_EXCLUDE, compiled once per build: this runs for every page written)."""
    item = context.get("article") or context.get("page")
    if item is not None and getattr(item, "status", "published") != "published":
        return False
    return not any(pattern.search(url) for pattern in excluded)


def format_lastmod(date: datetime) -> str:
    return date.isoformat(timespec="seconds")


def render(entries: Mapping[str, datetime | None], siteurl: str) -> str:
    """The sitemap document: one <url> per page, sorted by URL."""
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for url in sorted(entries):
        loc = escape(f"{siteurl}/{quote(url, safe='/%:@!$&()*+,;=~-._')}")
        lastmod = entries[url]
        date = f"<lastmod>{format_lastmod(lastmod)}</lastmod>" if lastmod else ""
        lines.append(f"<url><loc>{loc}</loc>{date}</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def render_robots(siteurl: str, disallowed: Iterable[str], sitemap: str) -> str:
    """robots.txt for a site at `siteurl` (absolute, or "" when unknown: then no Sitemap line, since
    robots.txt allows only an absolute one). Paths start at the host's root: a site under a path
    (https://host/shzz) prefixes them, and robots.txt must then be copied to the host's root."""
    prefix = urlsplit(siteurl).path.rstrip("/")
    lines = ["User-agent: *"]
    lines += [f"Disallow: {prefix}/{path.lstrip('/')}" for path in disallowed]
    if siteurl:
        lines += ["", f"Sitemap: {siteurl}/{sitemap}"]
    return "\n".join(lines) + "\n"


