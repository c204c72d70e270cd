"""Feeds and lists of the site: RSS/Atom parse with feedparser without errors, the JSON Feed matches its
schema, OPML and sitemap.xml are well-formed; every address in them leads to a file of the site, and
their items' HTML is checked like a story's text."""

import json
from pathlib import Path

import feedparser
import jsonschema
from lxml import etree

from .links import Site
from .pages import PageReport, check_story_html
from .report import Problem

JSON_FEED_SCHEMA = Path(__file__).with_name("jsonfeed-1.1.schema.json")
_SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def is_feed(path: str) -> bool:
    """The files this module checks (site-relative paths)."""
    name = path.rsplit("/", 1)[-1]
    in_feeds = path.startswith("feeds/")
    return (in_feeds and name.endswith((".xml", ".json", ".opml"))) or path == "sitemap.xml"


def _address(site: Site, where: str, url: str, what: str, report: PageReport) -> None:
    """An address a feed gives for its site (item link, image, enclosure): must be a file of the site."""
    target = site.target(where, url)
    if target.kind == "other-host":
        report.problems.append(Problem("host", where, f"{what} uses {target.host}: {url[:120]}"))
    elif target.kind == "active":
        report.problems.append(Problem("active", where, f"{what} is a javascript: address"))
    elif target.kind == "site":
        report.links.append((url, f"{what} {url[:120]}"))


def check_xml_feed(site: Site, where: str) -> PageReport:
    report = PageReport(where)
    parsed = feedparser.parse(
        (site.root / where).read_bytes(), sanitize_html=False, resolve_relative_uris=False
    )
    if parsed.bozo:
        report.problems.append(Problem("feed", where, f"feedparser: {parsed.bozo_exception}"))
    for entry in parsed.entries:
        title = entry.get("title", entry.get("id", "?"))[:40]
        if entry.get("link"):
            _address(site, where, entry.link, f"the link of item “{title}”", report)
        for enclosure in [*entry.get("enclosures", []), *entry.get("media_content", [])]:
            if enclosure.get("href") or enclosure.get("url"):
                _address(
                    site, where, enclosure.get("href") or enclosure["url"], f"an image of “{title}”", report
                )
        for content in entry.get("content", []):
            check_story_html(site, where, content.get("value", ""), report)
        check_story_html(site, where, entry.get("summary", ""), report)
    return report


def check_json_feed(site: Site, where: str) -> PageReport:
    report = PageReport(where)
    try:
        feed = json.loads((site.root / where).read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        report.problems.append(Problem("feed", where, f"not JSON: {error}"))
        return report
    schema = json.loads(JSON_FEED_SCHEMA.read_text(encoding="utf-8"))
    for error in jsonschema.validators.validator_for(schema)(schema).iter_errors(feed):
        place = "/".join(str(part) for part in error.absolute_path) or "the feed"
        report.problems.append(
            Problem("feed", where, f"JSON Feed 1.1 schema, at {place}: {error.message[:160]}")
        )
    for item in feed.get("items", []) if isinstance(feed, dict) else []:
        title = str(item.get("title", item.get("id", "?")))[:40]
        for key in ("url", "image", "banner_image"):
            if isinstance(item.get(key), str):
                _address(site, where, item[key], f"the {key} of item “{title}”", report)
        if isinstance(item.get("content_html"), str):
            check_story_html(site, where, item["content_html"], report)
    return report


def check_xml_list(site: Site, where: str) -> PageReport:
    """OPML (every feed it lists) and sitemap.xml (every page it lists)."""
    report = PageReport(where)
    try:
        root = etree.fromstring((site.root / where).read_bytes())
    except etree.XMLSyntaxError as error:
        report.problems.append(Problem("feed", where, f"not well-formed XML: {error}"))
        return report
    if where.endswith(".opml"):
        for outline in root.iter("outline"):
            for key in ("xmlUrl", "htmlUrl"):
                if outline.get(key):
                    _address(
                        site, where, outline.get(key), f"the {key} of “{outline.get('text', '')}”", report
                    )
    else:
        for location in root.iter(f"{_SITEMAP}loc"):
            _address(site, where, (location.text or "").strip(), "a page it lists,", report)
    return report


def check_feed(site: Site, where: str) -> PageReport:
    if where.endswith(".json"):
        return check_json_feed(site, where)
    if where.endswith(".opml") or where == "sitemap.xml":
        return check_xml_list(site, where)
    return check_xml_feed(site, where)
