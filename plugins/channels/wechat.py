"""WeChat official account (微信公众号): the limits the editor enforces, and the files editors take
from a build: a preview page and two covers per recent story, and the feed of fragments
(the fragment itself is made in fragment.py)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from feedgen.entry import FeedEntry
from photos.recipes import COVER_RECIPES, Recipe
from photos.store import Photo, PhotoStore
from siterules.address import absolute_siteurl
from siterules.folders import WECHAT_FOLDER

from .feedcache import StoredResults, write_if_changed
from .fragment import wechat_fragment
from .links import FeedCatalogue
from .media import add_image, render_feed
from .model import FeedItem, ImageRef
from .problems import Problem, report

log = logging.getLogger(__name__)

STRICT_SETTING = "CHANNELS_WECHAT_STRICT"  # True: a broken WeChat limit stops the build (default in links.py)
PREVIEW_TEMPLATE = "wechat_preview"
FRAGMENT_CACHE_FILE = "channels-wechat-fragments.pickle"  # under Pelican's CACHE_PATH
PREVIEW_ROOT = WECHAT_FOLDER  # previews and covers go to wechat/<slug>/
COVER_FILES = f"{PREVIEW_ROOT}/*/cover-*.jpg"  # every cover file of the output folder
PageWriter = Callable[[str, dict[str, Any]], None]  # (save_as, template variables) -> writes the page

TITLE_LIMIT = 32
AUTHOR_LIMIT = 8
DIGEST_LIMIT = 120
CONTENT_LIMIT = 20_000  # characters of the fragment, markup included; the fragment must stay below it
ELLIPSIS = "…"


class WechatLimitError(ValueError):
    """Raised in strict mode (CHANNELS_WECHAT_STRICT) when an article breaks a WeChat limit."""

    for_the_editor = True  # its message names the file and what to do: shown without a traceback


@dataclass(frozen=True)
class WechatArticle:
    """What an editor fills in on the 公众号 editor for one article, and what breaks its limits."""

    title: str
    author: str
    digest: str
    fragment: str
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class CoverFile:
    """A cover written into the output folder, as a preview page and the WeChat feed describe it."""

    name: str  # e.g. "cover-900x383.jpg"
    width: int
    height: int
    length: int  # bytes
    upscaled: bool  # the picture has fewer pixels than the cover: it will look blurred


def wechat_digest(item: FeedItem) -> str:
    """The 摘要: `Wechat_digest` front matter as written, else the summary cut to the limit."""
    if item.wechat_digest:
        return item.wechat_digest
    summary = " ".join(item.summary_text.split())
    if len(summary) <= DIGEST_LIMIT:
        return summary
    return summary[: DIGEST_LIMIT - 1].rstrip() + ELLIPSIS


def wechat_author(item: FeedItem) -> str:
    """The 公众号 author: the editor's short name when given, else the organization."""
    return item.wechat_author or item.author


def check_wechat_limits(item: FeedItem, fragment: str | None = None) -> list[Problem]:
    """One message per WeChat limit the article breaks, naming its source file and the limit."""
    fragment = wechat_fragment(item) if fragment is None else fragment
    name = item.source_path
    problems = []
    if len(item.title) > TITLE_LIMIT:
        problems.append(
            Problem(
                "稿件 %s 的标题有 %s 个字，超过公众号标题 %s 字的上限：请缩短 Title。"
                "(WeChat title over the limit; shorten the Title)",
                name,
                len(item.title),
                TITLE_LIMIT,
            )
        )
    author = wechat_author(item)
    if len(author) > AUTHOR_LIMIT:
        problems.append(
            Problem(
                "稿件 %s 的公众号作者“%s”有 %s 个字，超过 %s 字的上限：请在文件开头加一行 "
                "Wechat_author: 单位简称。(WeChat author over the limit; add Wechat_author)",
                name,
                author,
                len(author),
                AUTHOR_LIMIT,
            )
        )
    digest = wechat_digest(item)
    if len(digest) > DIGEST_LIMIT:
        problems.append(
            Problem(
                "稿件 %s 的公众号摘要 Wechat_digest 有 %s 个字，超过 %s 字的上限：请缩短它。"
                "(WeChat digest over the limit; shorten it)",
                name,
                len(digest),
                DIGEST_LIMIT,
            )
        )
    if len(fragment) >= CONTENT_LIMIT:
        problems.append(
            Problem(
                "稿件 %s 转成公众号正文（含排版代码）有 %s 个字符，公众号的上限是不到 %s：请分成两篇发，"
                "或缩短它。(WeChat content over the limit; split it into two posts or shorten it)",
                name,
                len(fragment),
                CONTENT_LIMIT,
            )
        )
    return problems


def wechat_article(item: FeedItem, fragment: str | None = None) -> WechatArticle:
    fragment = wechat_fragment(item) if fragment is None else fragment
    problems = tuple(check_wechat_limits(item, fragment))
    return WechatArticle(item.title, wechat_author(item), wechat_digest(item), fragment, problems)


def wechat_articles(
    items: Iterable[FeedItem], strict: bool, fragment: Callable[[FeedItem], str] = wechat_fragment
) -> dict[str, WechatArticle]:
    """Articles by item ID, their fragments made by `fragment`; broken limits are logged as warnings,
    or raise WechatLimitError if `strict`."""
    articles = {item.id: wechat_article(item, fragment(item)) for item in items}
    problems = (problem for article in articles.values() for problem in article.problems)
    report(problems, strict, WechatLimitError)
    return articles


def preview_dir(item: FeedItem) -> str:
    """Site-relative folder of an article's editor preview and covers, e.g. "wechat/some-slug"."""
    return f"{PREVIEW_ROOT}/{PurePosixPath(item.path).name}"


def cover_name(recipe: Recipe) -> str:
    width, height = recipe.crop
    return f"cover-{width}x{height}.jpg"


def cover_upscaled(photo: Photo, recipe: Recipe) -> bool:
    """Whether the centre crop of `photo` for `recipe` has fewer pixels than the cover."""
    width, height = recipe.crop
    return min(photo.width, photo.height * width / height) < width


def ask_for_covers(items: Iterable[FeedItem], photos: PhotoStore) -> None:
    """Ask the photo store for the covers of `items` (their lead image when it is a file of this
    site), so that it makes them with every other picture, before the pages are rendered."""
    for item in items:
        if item.image and item.image.length is not None and item.image.path:
            photos.ask(item.image.path, COVER_RECIPES, item.source_path)


def _write_item_covers(item: FeedItem, photos: PhotoStore, folder: Path) -> tuple[CoverFile, ...]:
    """The store's covers of the lead image written into `folder` (under output/, never content/)
    unless a file there has the same bytes; none when the story has no picture of this site that the
    store could read (the store has warned, and the preview says so)."""
    ask_for_covers([item], photos)
    photos.make()  # nothing to do when the build asked before the pages were rendered
    photo = photos.photo(item.image.path) if item.image and item.image.path else None
    covers = []
    for recipe in COVER_RECIPES if photo else ():
        variant = photo.variant(recipe)
        if variant is None:
            return ()
        name = cover_name(recipe)
        write_if_changed(folder, name, photos.data(variant))
        covers.append(
            CoverFile(name, variant.width, variant.height, variant.length, cover_upscaled(photo, recipe))
        )
    if blurred := [f"{cover.width}x{cover.height}" for cover in covers if cover.upscaled]:
        log.warning(
            "稿件 %s 的图片 %s 太小，做公众号封面（%s）会模糊：请用一张大一些的图片作 Cover。"
            "(too small for the WeChat cover)",
            item.source_path,
            item.image.path,
            ", ".join(blurred),
        )
    return tuple(covers)


def _fill_entry(
    entry: FeedEntry, item: FeedItem, article: WechatArticle, covers: tuple[CoverFile, ...], base_url: str
) -> None:
    entry.id(item.id)
    entry.title(article.title)
    entry.link(href=item.url, rel="alternate", type="text/html")
    entry.description(article.digest)
    entry.content(article.fragment, type="CDATA")
    entry.published(item.published)
    entry.updated(item.updated)
    entry.dc.dc_creator(article.author)
    if covers:
        banner = covers[0]
        path = f"{preview_dir(item)}/{banner.name}"
        url = f"{base_url}/{path}"
        add_image(entry, ImageRef(path, url, banner.width, banner.height, "image/jpeg", banner.length))


def write_wechat(
    catalogue: FeedCatalogue,
    settings: dict[str, Any],
    output_dir: Path,
    write_page: PageWriter,
    photos: PhotoStore,
) -> list[str]:
    """Covers and an editor's preview page per story of the WeChat feed (the newest stories, see
    CHANNELS_RECENT_STORIES; no pages when CHANNELS_WECHAT_PREVIEW_PAGES is false), and the feed of
    fragments. Returns the site-relative paths of the
    covers; the pages go to `write_page`.

    Everything goes under `output_dir`; content/ is only read; the covers come from the photo store.
    """
    group = catalogue.group("wechat")
    wechat_items = list(group.items) if group else []
    folders: dict[str, str] = {}
    for item in wechat_items:
        if (other := folders.setdefault(preview_dir(item), item.source_path)) != item.source_path:
            raise WechatLimitError(
                f"{item.source_path} and {other} would share the WeChat preview {preview_dir(item)}/; "
                "give one of them another Slug"
            )
    # A fragment is made from the item alone: kept between builds by the item's inputs digest.
    fragments = StoredResults(Path(settings["CACHE_PATH"]) / FRAGMENT_CACHE_FILE, settings)
    articles = wechat_articles(
        wechat_items, settings[STRICT_SETTING], lambda item: fragments.get(item, wechat_fragment)
    )
    fragments.save()
    base_url = absolute_siteurl(settings)
    covers = {}
    cover_paths = []
    write_previews = settings.get("CHANNELS_WECHAT_PREVIEW_PAGES", True)
    for item in wechat_items:
        folder = preview_dir(item)
        covers[item.id] = _write_item_covers(item, photos, output_dir / folder)
        cover_paths += [f"{folder}/{cover.name}" for cover in covers[item.id]]
        if not write_previews:
            continue
        write_page(
            f"{folder}/index.html",
            {
                "item": item,
                "wechat": articles[item.id],
                "covers": covers[item.id],
                "site_base": base_url,
                "limits": {"title": TITLE_LIMIT, "author": AUTHOR_LIMIT, "digest": DIGEST_LIMIT,
                           "content": CONTENT_LIMIT},
            },
        )  # fmt: skip
    if not wechat_items:
        return cover_paths

    def fill(entry: FeedEntry, item: FeedItem) -> None:
        _fill_entry(entry, item, articles[item.id], covers[item.id], base_url)

    for link in group.links:
        write_if_changed(output_dir, link.path, render_feed(group, link, settings, fill))
    return cover_paths


def page_writer(generator: Any, writer: Any) -> PageWriter:
    """Write preview pages with the theme's wechat_preview.html through Pelican's writer."""
    template = generator.get_template(PREVIEW_TEMPLATE)

    def write(save_as: str, values: dict[str, Any]) -> None:
        writer.write_file(
            save_as, template, generator.context, relative_urls=generator.settings["RELATIVE_URLS"], **values
        )

    return write
