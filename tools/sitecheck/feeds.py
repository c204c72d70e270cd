"""Feeds and lists of the site: RSS/Atom parse with feedparser without errors, the JSON Feed matches its
schema, OPML and sitemap.xml are well-formed; every address in them leads to a file of the site, their
items' HTML is checked like a story's text, and their text fields (title, author, category, and the
OPML's labels) hold no markup, since RSS readers commonly render those as HTML. What is found in an
item carries the item's ID, which names its story in the report (`report.name_stories`)."""

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import feedparser
import jsonschema
import lxml.html
from lxml import etree
from lxml.etree import ParserError
from siterules.folders import FEEDS_FOLDER

from .links import Site
from .pages import PageReport, check_story_html
from .report import Problem

JSON_FEED_SCHEMA = Path(__file__).with_name("jsonfeed-1.1.schema.json")
_SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def is_feed(path: str) -> bool:
    """The files this module checks (site-relative paths)."""
    name = path.rsplit("/", 1)[-1]
    in_feeds = path.startswith(f"{FEEDS_FOLDER}/")
    return (in_feeds and name.endswith((".xml", ".json", ".opml"))) or path == "sitemap.xml"


def markup_in(text: str) -> str:
    """The first element or comment an HTML reader would make of a text field, shortened; "" if none."""
    if "<" not in text:
        return ""
    try:
        root = lxml.html.fragment_fromstring(text, create_parent="div")
    except (ParserError, ValueError):
        return text[:80]
    for node in root.iterdescendants():
        return " ".join(lxml.html.tostring(node, encoding="unicode", with_tail=False).split())[:80]
    return ""


def _text_fields(where: str, what: str, fields: dict[str, str], report: PageReport) -> None:
    for name, text in fields.items():
        if found := markup_in(text):
            report.problems.append(Problem("markup", where, f"the {name} of {what} holds markup: {found}"))


def _by_item(report: PageReport, item: PageReport, item_id: str) -> None:
    """Add what was found in one feed item to the feed's report, each finding carrying the item's ID."""
    report.problems += [replace(problem, item=item_id) for problem in item.problems]
    report.links += [(url, named, item_id) for url, named, _ in item.links]


def _address(site: Site, where: str, url: str, what: str, report: PageReport) -> None:
    """An address a feed gives for its site (item link, image, enclosure): must be a file of the site."""
    target = site.target(where, url)
    if target.kind == "other-host":
        report.problems.append(Problem("host", where, f"{what} uses {target.host}: {url[:120]}"))
    elif target.kind == "active":
        report.problems.append(Problem("active", where, f"{what} is a javascript: address"))
    elif target.kind == "site":
        report.links.append((url, f"{what} {url[:120]}", ""))


def check_xml_feed(site: Site, where: str) -> PageReport:
    report = PageReport(where)
    parsed = feedparser.parse(
        (site.root / where).read_bytes(), sanitize_html=False, resolve_relative_uris=False
    )
    if parsed.bozo:
        report.problems.append(Problem("feed", where, f"feedparser: {parsed.bozo_exception}"))
    for entry in parsed.entries:
        _by_item(report, _check_xml_item(site, where, entry), entry.get("id", ""))
    return report


def _check_xml_item(site: Site, where: str, entry: Any) -> PageReport:
    item = PageReport(where)
    title = entry.get("title", entry.get("id", "?"))[:40]
    if entry.get("link"):
        _address(site, where, entry.link, f"the link of item “{title}”", item)
    for enclosure in [*entry.get("enclosures", []), *entry.get("media_content", [])]:
        if enclosure.get("href") or enclosure.get("url"):
            _address(site, where, enclosure.get("href") or enclosure["url"], f"an image of “{title}”", item)
    # feedparser gives dc:creator and Atom's author as `author`, RSS and Atom categories as `tags`.
    fields = {"title": entry.get("title", ""), "author": entry.get("author", "")}
    fields.update(
        {f"category “{tag.get('term', '')[:20]}”": tag.get("term") or "" for tag in entry.get("tags", [])}
    )
    _text_fields(where, f"item “{title}”", fields, item)
    for content in entry.get("content", []):
        check_story_html(site, where, content.get("value", ""), item)
    # The description is story HTML in most feeds, text in the WeChat and Weibo ones: read as HTML
    # by readers either way, it may hold nothing active.
    check_story_html(site, where, entry.get("summary", ""), item)
    return item


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
        detail = f"JSON Feed 1.1 schema, at {place}: {error.message[:160]}"
        report.problems.append(Problem("feed", where, detail, _json_item_id(feed, list(error.absolute_path))))
    for entry in feed.get("items", []) if isinstance(feed, dict) else []:
        if isinstance(entry, dict):
            _by_item(report, _check_json_item(site, where, entry), str(entry.get("id", "")))
    return report


def _json_item_id(feed: Any, path: list[Any]) -> str:
    """The ID of the item a place in the JSON Feed (["items", 3, "title"]) is in; "" outside items."""
    if len(path) < 2 or path[0] != "items" or not isinstance(path[1], int):
        return ""
    entry = feed["items"][path[1]]
    return str(entry.get("id", "")) if isinstance(entry, dict) else ""


def _check_json_item(site: Site, where: str, entry: dict[str, Any]) -> PageReport:
    item = PageReport(where)
    title = str(entry.get("title", entry.get("id", "?")))[:40]
    for key in ("url", "image", "banner_image"):
        if isinstance(entry.get(key), str):
            _address(site, where, entry[key], f"the {key} of item “{title}”", item)
    authors = [author.get("name") for author in entry.get("authors", []) if isinstance(author, dict)]
    fields = {"title": entry.get("title"), "summary": entry.get("summary")}
    fields.update({f"author “{str(name)[:20]}”": name for name in authors})
    fields.update({f"tag “{str(tag)[:20]}”": tag for tag in entry.get("tags", [])})
    texts = {name: value for name, value in fields.items() if isinstance(value, str)}
    _text_fields(where, f"item “{title}”", texts, item)
    if isinstance(entry.get("content_html"), str):
        check_story_html(site, where, entry["content_html"], item)
    return item


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
            labels = {key: outline.get(key) or "" for key in ("text", "title", "description")}
            _text_fields(where, f"the outline “{outline.get('text', '')[:40]}”", labels, report)
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
