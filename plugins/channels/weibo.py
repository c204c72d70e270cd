"""Ready-to-post Weibo (微博) messages, counted the way Weibo counts them, and their feed.

Counting rule (what Weibo's own composer does): every non-ASCII character counts 1; every ASCII
character counts half, summed over the whole message and rounded up once at the end (so "ab中c"
counts 1 + ceil(3/2) = 3, not 1 + 1 + 1); every http(s) URL counts a fixed 10 however long it is,
because Weibo replaces it with a short link. Characters are Unicode code points.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from feedgen.entry import FeedEntry
from photos.recipes import LARGE

from .feedcache import write_if_changed
from .links import FeedCatalogue
from .media import render_feed
from .model import FeedItem, ImageRef
from .problems import Problem, report

STRICT_SETTING = "CHANNELS_WEIBO_STRICT"  # True: a message that cannot fit stops the build

WEIBO_LIMIT = 140
URL_WEIGHT = 10
MAX_IMAGES = 9
ELLIPSIS = "…"
# A URL ends at whitespace or the first non-ASCII character (Chinese text often follows a link
# with no space in between).
URL_PATTERN = re.compile(r"https?://[!-~]+")


class WeiboLengthError(ValueError):
    """Raised in strict mode when a message cannot be made to fit."""

    for_the_editor = True  # its message names the file and what to do: shown without a traceback


@dataclass(frozen=True)
class WeiboPost:
    text: str
    images: tuple[ImageRef, ...]  # posted with the text; not counted
    problems: tuple[Problem, ...]  # what had to give way, or why the message is still too long


def weibo_length(text: str) -> int:
    """Length of `text` as Weibo counts it (see the module docstring)."""
    urls = URL_PATTERN.findall(text)
    rest = URL_PATTERN.sub("", text)
    ascii_count = sum(1 for char in rest if char.isascii())
    return len(urls) * URL_WEIGHT + (len(rest) - ascii_count) + math.ceil(ascii_count / 2)


def hashtag(tag: str) -> str:
    """`#话题#` for a tag; Weibo ends a topic at whitespace or '#', so both are removed."""
    return "#" + re.sub(r"[\s#]+", "", tag) + "#"


def shorten_to_fit(text: str, room: int) -> str:
    """The longest prefix of `text` that, with "…" appended, counts at most `room`; whole text if it fits.

    Returns "" when not even one character and the ellipsis fit.
    """
    if weibo_length(text) <= room:
        return text
    low, high = 0, len(text)
    while low < high:  # largest prefix length whose shortened form still fits
        middle = (low + high + 1) // 2
        if weibo_length(text[:middle].rstrip() + ELLIPSIS) <= room:
            low = middle
        else:
            high = middle - 1
    prefix = text[:low].rstrip()
    return prefix + ELLIPSIS if prefix else ""


def _compose(headline: str, lead: str, tags: list[str], url: str) -> str:
    body = f"{headline}{lead}"
    topic_line = " ".join(tags)
    return " ".join(part for part in (body, topic_line, url) if part)


def weibo_post(item: FeedItem, limit: int = WEIBO_LIMIT) -> WeiboPost:
    """The message for `item`: 【标题】, a lead from the summary, #话题# from the tags, then the link.

    Only the lead is ever shortened. If headline, tags and link alone are too long, tags are dropped
    from the last one back, with a problem noted. An explicit `weibo_text` wins; the article link is
    appended to it unless already there, and it is checked against the same limit, never cut.
    """
    # The lead image first: Weibo shows the first picture largest. Each as the photo store's large JPEG.
    originals = dict.fromkeys([*([item.image] if item.image else []), *item.images])
    images = tuple(image.sized(LARGE.name) for image in originals)[:MAX_IMAGES]
    name = item.source_path
    if item.weibo_text:
        text = item.weibo_text.strip()
        if item.url not in text:
            text = f"{text} {item.url}"
        length = weibo_length(text)
        problems = []
        if length > limit:
            problems.append(
                Problem(
                    "稿件 %s 的 Weibo_text 按微博的算法有 %s 字，超过 %s 字的上限"
                    "（汉字算 1，英文字母和数字算半个，每个链接算 %s）：请在文件开头缩短它。"
                    "(Weibo_text over Weibo's limit; shorten it)",
                    name,
                    length,
                    limit,
                    URL_WEIGHT,
                )
            )
        return WeiboPost(text, images, tuple(problems))

    headline = f"【{item.title.strip()}】"
    tags = [topic for topic in map(hashtag, item.tags) if topic != "##"]
    problems = []
    dropped = []
    while tags and weibo_length(_compose(headline, "", tags, item.url)) > limit:
        dropped.insert(0, tags.pop())
    if dropped:
        problems.append(
            Problem(
                "稿件 %s 的微博加上话题太长，已去掉话题 %s，以保持在 %s 字以内。"
                "(Weibo message too long for its topics; topics dropped)",
                name,
                " ".join(dropped),
                limit,
            )
        )
    bare_length = weibo_length(_compose(headline, "", tags, item.url))
    if bare_length > limit:
        problems.append(
            Problem(
                "稿件 %s 的微博只有标题和链接就有 %s 字，超过 %s 字的上限：请缩短 Title，"
                "或在文件开头写一行 Weibo_text。(Weibo headline and link alone over the limit)",
                name,
                bare_length,
                limit,
            )
        )
        return WeiboPost(_compose(headline, "", tags, item.url), images, tuple(problems))
    # The lead joins the headline with no separator, and rounding ASCII halves over the whole message
    # never counts more than rounding the parts separately, so the lead may use all that is left.
    lead = shorten_to_fit(" ".join(item.summary_text.split()), limit - bare_length)
    return WeiboPost(_compose(headline, lead, tags, item.url), images, tuple(problems))


def weibo_posts(items: Iterable[FeedItem], strict: bool) -> dict[str, WeiboPost]:
    """Posts by item ID; problems are logged as warnings, or raise WeiboLengthError when `strict`."""
    posts = {item.id: weibo_post(item) for item in items}
    report((problem for post in posts.values() for problem in post.problems), strict, WeiboLengthError)
    return posts


def write_weibo_feed(catalogue: FeedCatalogue, settings: dict[str, Any], output_dir: Path) -> None:
    """The Weibo feed of the newest stories (CHANNELS_RECENT_STORIES): each item's description is the
    ready-to-post message, its images media:content."""
    group = catalogue.group("weibo")
    if group is None:
        return
    posts = weibo_posts(group.items, strict=settings[STRICT_SETTING])

    def fill(entry: FeedEntry, item: FeedItem) -> None:
        post = posts[item.id]
        entry.id(item.id)
        entry.title(item.title)
        entry.link(href=item.url, rel="alternate", type="text/html")
        entry.description(post.text)
        entry.published(item.published)
        entry.updated(item.updated)
        entry.dc.dc_creator(item.author)
        for image in post.images:
            size = {"width": str(image.width), "height": str(image.height)} if image.width else {}
            entry.media.content(url=image.url, type=image.mime, medium="image", **size, group=None)

    for link in group.links:
        write_if_changed(output_dir, link.path, render_feed(group, link, settings, fill))
