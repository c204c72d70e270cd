"""A hand-written story with markup in every text field, and a reading of a built site that parses
every feed format and every page back out and lists whatever a reader could run or render as markup.

Text fields (titles, authors, categories, the WeChat and Weibo descriptions, OPML labels) must hold no
element at all once decoded, since RSS readers commonly render them as HTML; HTML fields (story
content, the main feeds' descriptions) and pages must hold nothing executable.
"""

import json
import re
import warnings
from pathlib import Path

import feedparser
from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning
from lxml import etree

STORY_FILE = "hostile-fields.md"
SLUG = "hostile-fields"
# Newest of all stories, so that it is in the WeChat and Weibo feeds too.
STORY = """Title: 字段测试<img src=x onerror=alert(1)><script>alert(2)</script>
Date: 2020-12-01 09:00
Category: 工作动态
Tags: 防疫<script>alert(3)</script>, <img src=x onerror=alert(4)>, <a href="javascript:alert(5)">链接</a>
Slug: hostile-fields
Summary: 摘要&lt;img src=x onerror=alert(6)&gt;里写的是标记&lt;script&gt;alert(7)&lt;/script&gt;。
Org: <b onmouseover=alert(8)>南京市字段测试协会</b>
Wechat_author: <svg onload=alert(9)>
Region: 南京市

正文第一段，写得很普通。
"""
# Its twin with the fields the editors write for the channels themselves.
CHANNEL_FILE = "hostile-channel-fields.md"
CHANNEL_STORY = """Title: 渠道字段测试&lt;iframe src=javascript:alert(10)&gt;
Date: 2020-11-30 09:00
Category: 工作动态
Slug: hostile-channel-fields
Summary: 普通摘要。
Org: 南京市字段测试协会
Wechat_digest: 摘要<img src=x onerror=alert(11)>
Weibo_text: 微博<script>alert(12)</script>

正文。
"""
STORIES = {STORY_FILE: STORY, CHANNEL_FILE: CHANNEL_STORY}
# Feeds whose RSS description is text (the paste-ready digest, the Weibo message), not HTML.
TEXT_DESCRIPTIONS = ("feeds/wechat.rss.xml", "feeds/weibo.rss.xml")
_ACTIVE_TAGS = frozenset({"script", "iframe", "frame", "object", "embed", "applet", "base"})
# Not in a story's text either (the theme's pages have icons and a search form of their own).
_NOT_IN_STORIES = frozenset({"svg", "math", "form"})
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f]+")


def _active_url(value: str) -> bool:
    return _IGNORED_IN_URL.sub("", value).lower().startswith(("javascript:", "vbscript:", "data:text/html"))


def markup_in_text(value: str) -> list[str]:
    """The elements an HTML reader would make of a text field: none is allowed."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)  # a field may be a bare address
        soup = BeautifulSoup(value, "html.parser")
    return [f"<{element.name}>" for element in soup.find_all(True)]


def executable(html: str, page: bool = False) -> list[str]:
    """What could run in `html` (a story's HTML, or a whole `page` of the theme): script-like
    elements, event handlers, javascript: addresses. In a page, the theme's own scripts, icons and
    forms pass (scripts without the story's alerts)."""
    found = []
    for element in BeautifulSoup(html, "html.parser").find_all(True):
        is_theme = element.name == "script" and "alert" not in element.get_text() + str(element.attrs)
        if (element.name in _ACTIVE_TAGS and not (page and is_theme)) or (
            element.name in _NOT_IN_STORIES and not page
        ):
            found.append(f"<{element.name}>")
        for name, value in element.attrs.items():
            text = " ".join(value) if isinstance(value, list) else str(value)
            if name.lower().startswith("on"):
                found.append(f"{name}= on <{element.name}>")
            elif _active_url(text):
                found.append(f"{name}={text[:40]} on <{element.name}>")
    return found


def _xml_feed(path: Path, where: str) -> list[str]:
    parsed = feedparser.parse(path.read_bytes(), sanitize_html=False, resolve_relative_uris=False)
    problems = [f"{where}: does not parse: {parsed.bozo_exception}"] if parsed.bozo else []
    for entry in parsed.entries:
        texts = {"title": entry.get("title", ""), "author": entry.get("author", "")}
        texts.update({f"category {tag.term}": tag.term for tag in entry.get("tags", [])})
        htmls = {f"content {n}": content.value for n, content in enumerate(entry.get("content", []))}
        if where in TEXT_DESCRIPTIONS:
            texts["description"] = entry.get("summary", "")
        else:
            htmls["description"] = entry.get("summary", "")
        problems += [f"{where}: {name}: {found}" for name, v in texts.items() if (found := markup_in_text(v))]
        problems += [f"{where}: {name}: {found}" for name, v in htmls.items() if (found := executable(v))]
    return problems


def _json_feed(path: Path, where: str) -> list[str]:
    problems = []
    for item in json.loads(path.read_text(encoding="utf-8")).get("items", []):
        texts = {
            "title": item.get("title", ""),
            "summary": item.get("summary", ""),
            **{f"author {a.get('name')}": a.get("name", "") for a in item.get("authors", [])},
            **{f"tag {tag}": tag for tag in item.get("tags", [])},
        }
        problems += [f"{where}: {name}: {found}" for name, v in texts.items() if (found := markup_in_text(v))]
        if found := executable(item.get("content_html", "")):
            problems.append(f"{where}: content_html: {found}")
    return problems


def _xml_list(path: Path, where: str) -> list[str]:
    problems = []
    for element in etree.fromstring(path.read_bytes()).iter():
        values = [element.text or "", *element.attrib.values()]
        unsafe = [value for value in values if markup_in_text(value) or _active_url(value)]
        problems += [f"{where}: <{element.tag}>: {value[:60]}" for value in unsafe]
    return problems


def unsafe_places(output: Path) -> list[str]:
    """Every place in the built site `output` where a reader could run something or render a text field
    as markup; [] when there is none."""
    problems = []
    for path in sorted(output.rglob("*")):
        where = path.relative_to(output).as_posix()
        if not path.is_file() or where.startswith("theme/"):
            continue
        if where.endswith(".html"):
            problems += [f"{where}: {found}" for found in executable(path.read_text(encoding="utf-8"), True)]
        elif where.endswith(".json") and where.startswith("feeds/"):
            problems += _json_feed(path, where)
        elif where.endswith((".rss.xml", ".atom.xml")):
            problems += _xml_feed(path, where)
        elif where.endswith((".opml", "sitemap.xml")):
            problems += _xml_list(path, where)
    return problems
