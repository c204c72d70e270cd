"""The feed model: one FeedItem per published article, built once per build for every channel.

Everything a channel writes comes from here, so IDs, dates, absolute URLs and images agree across
the media, app, WeChat and Weibo outputs. An item's cheap fields (ID, dates, labels) are made for
every article, because choosing what each feed carries needs them; its body (full HTML with absolute
addresses, text, image sizes) is made on first use, so only the stories some written output carries
pay for it, and once each.
"""

import hashlib
import logging
import mimetypes
import os
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import lxml.etree
import lxml.html
from photos.recipes import FALLBACK, LARGE
from photos.store import Photo, PhotoStore, Variant
from PIL import Image, UnidentifiedImageError
from sanitizer.allowlist import scheme
from sanitizer.fields import plain_text
from siterules.address import NO_HOST_SCHEMES, absolute_siteurl
from siterules.clock import site_timezone
from siterules.processes import start_shares
from taxonomy.validation import term_problem
from taxonomy.vocabulary import CHECKED_FIELDS, slug_for

log = logging.getLogger(__name__)

CHANNELS: frozenset[str] = frozenset({"media", "wechat", "weibo", "app"})
# Fixed forever: changing it would change every derived item ID.
FEED_ID_NAMESPACE = uuid.UUID("5b0e2c1a-6f4d-5e0b-9a57-8d3c0b1f2e47")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_URL_ATTRIBUTES = ("href", "src", "poster", "cite")
_NOT_TEXT = ("script", "style", "template")  # their content is not part of an element's text


class FeedModelError(ValueError):
    """Front matter the feeds cannot use; the message names the file and what to change."""

    for_the_editor = True  # its message names the file and what to do: shown without a traceback


@dataclass(frozen=True, slots=True)
class ImageRef:
    """An image of an article. Width, height and length are None when the file is not in content/."""

    path: str  # site-relative, no leading slash, e.g. "images/2020/mask.jpg"; "" for external images
    url: str  # absolute
    width: int | None
    height: int | None
    mime: str
    length: int | None  # bytes, for RSS enclosures
    # The store's pictures of it (plugins/photos) by recipe name, e.g. "jpeg-1440", and the site
    # address they are linked under: the original is this ImageRef itself, and channels take a size
    # with `sized`. The store's own records, not copies: at 10,000 stories a copy of each as an
    # ImageRef was 185,000 objects held through the build.
    derived: Mapping[str, Variant] = field(default_factory=dict, compare=False, repr=False)
    base_url: str = field(default="", compare=False, repr=False)

    def sized(self, recipe: str) -> "ImageRef":
        """The store's picture made by `recipe`, or this image when there is none (animated, not ours)."""
        variant = self.derived.get(recipe)
        if variant is None:
            return self
        return ImageRef(
            variant.path, f"{self.base_url}/{variant.path}", variant.width, variant.height, variant.mime,
            variant.length,
        )


@dataclass(frozen=True, slots=True)
class ItemBody:
    """The costly part of a FeedItem, made only for the items a written output carries."""

    content_html: str  # full article HTML with absolute link and image URLs
    summary_html: str
    summary_text: str
    image: ImageRef | None  # lead image: the cover, else the first image in the text
    images: tuple[ImageRef, ...]  # every image in order; the cover first when the text lacks it


BODY_FIELDS = frozenset(f.name for f in fields(ItemBody))
_NOT_DIGESTED = ("body", "_inputs_digest", "_pending")


class PendingBody:
    """How to make an item's body; FeedItem swaps it for the ItemBody on first use.

    `sources` returns everything the body is made from but the image files (the article's HTML and
    summary as Pelican made them, its cover), cheaply, so a cache can tell a changed body unmade.
    """

    def __init__(self, make: Callable[[], ItemBody], sources: Callable[[], tuple[str, ...]]) -> None:
        self.make = make
        self.sources = sources


def _digest(parts: Iterable[str]) -> str:
    return hashlib.blake2b("\0".join(parts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _field_text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, frozenset):
        return repr(sorted(value))  # a set's order changes with the process's string hashing
    return repr(value)


@dataclass(frozen=True, slots=True)  # 10,000 at 10,000 stories
class FeedItem:
    """One story as every channel sees it. The body's fields (content_html, summary_html,
    summary_text, image, images) read like attributes; the body is made on first read."""

    id: str
    title: str
    url: str  # absolute
    path: str  # site-relative, e.g. "stories/2020/some-slug/"
    published: datetime  # +08:00
    updated: datetime  # +08:00, never before published
    author: str  # the submitting organization
    category: str
    category_slug: str
    tags: tuple[str, ...]
    tag_slugs: tuple[str, ...]  # same order as tags
    org_type: str  # "" when not labelled
    org_type_slug: str  # taxonomy slug, "unlabelled" when not labelled
    region: str
    region_slug: str
    channels: frozenset[str]  # subset of CHANNELS
    source_path: str  # relative to content/, e.g. "stories/2020-02-18-masks.md"
    is_sample: bool
    wechat_author: str | None  # a short name for the 公众号 author field (8 characters at most)
    wechat_digest: str | None
    weibo_text: str | None
    body: ItemBody | PendingBody = field(repr=False, compare=False)
    _inputs_digest: str | None = field(default=None, init=False, repr=False, compare=False)
    _pending: PendingBody | None = field(default=None, init=False, repr=False, compare=False)

    def made_body(self) -> ItemBody:
        body = self.body
        if isinstance(body, PendingBody):
            self.inputs_digest()  # while the sources can still be read
            object.__setattr__(self, "_pending", body)
            body = body.make()
            object.__setattr__(self, "body", body)  # made once, for every feed that carries the item
        return body

    def forget_body(self) -> None:
        """Let go of the made body once every feed is written: at 10,000 stories the bodies are
        about 45 MB that the pages, rendered afterwards, never read. It is made again if asked."""
        if self._pending is not None:
            object.__setattr__(self, "body", self._pending)

    def inputs_digest(self) -> str:
        """A digest of everything this item shows in a feed but the image files its body reads
        (`ItemBody.images` names them), without making the body."""
        if self._inputs_digest is None:
            body = self.body
            sources = body.sources() if isinstance(body, PendingBody) else (repr(body),)
            cheap = [_field_text(getattr(self, f.name)) for f in fields(self) if f.name not in _NOT_DIGESTED]
            object.__setattr__(self, "_inputs_digest", _digest([*cheap, *sources]))
        return self._inputs_digest

    @property
    def content_html(self) -> str:
        return self.made_body().content_html

    @property
    def summary_html(self) -> str:
        return self.made_body().summary_html

    @property
    def summary_text(self) -> str:
        return self.made_body().summary_text

    @property
    def image(self) -> ImageRef | None:
        return self.made_body().image

    @property
    def images(self) -> tuple[ImageRef, ...]:
        return self.made_body().images


def item_id(source_path: str, metadata: dict[str, Any]) -> str:
    """The item's permanent ID, from things that never change with SITEURL, slug or date.

    Imported stories carry their mailbox fingerprint (`Source:`). Hand-written ones use an explicit
    `Feed_id:` when present, else their path under content/; an editor who moves a file adds
    `Feed_id: <old path>` to keep the ID.
    """
    source = str(metadata.get("source") or "").strip().lower()
    if source:
        if not _SHA256.fullmatch(source):
            raise FeedModelError(
                f"{source_path}: 'Source: {source}' is not a sha256 fingerprint (64 hex digits); "
                "restore the value the importer wrote."
            )
        return f"urn:sha256:{source}"
    key = str(metadata.get("feed_id") or "").strip() or Path(source_path).as_posix()
    return f"urn:uuid:{uuid.uuid5(FEED_ID_NAMESPACE, key)}"


def parse_channels(source_path: str, value: Any) -> frozenset[str]:
    """`Channels:` front matter: missing or "all" means every channel, else a comma list."""
    text = ", ".join(value) if isinstance(value, list | tuple) else str(value or "")
    names = {part.strip().lower() for part in text.replace("，", ",").split(",") if part.strip()}
    if not names or names == {"all"}:
        return CHANNELS
    unknown = names - CHANNELS
    if unknown:
        raise FeedModelError(
            f"{source_path}: unknown channel(s) {', '.join(sorted(unknown))} in 'Channels:'; "
            f"use 'all' or a comma list of {', '.join(sorted(CHANNELS))}."
        )
    return frozenset(names)


def in_zone(moment: datetime, zone: tzinfo) -> datetime:
    """`moment` in the site's time zone; one without a zone is read as the site's time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(zone)


def _parse_fragment(html: str) -> lxml.html.HtmlElement:
    """`html` (any number of elements and text) inside one <div> parsed with lxml."""
    return lxml.html.fragment_fromstring(html, create_parent="div")


def _serialize_fragment(root: lxml.html.HtmlElement) -> str:
    children = "".join(lxml.html.tostring(child, encoding="unicode") for child in root)
    return _escape_text(root.text or "") + children


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _names_no_page(url: str) -> bool:
    """A link within the page or to no host at all (mailto: …): absolutize_html leaves it as written."""
    return url.startswith("#") or scheme(url) in NO_HOST_SCHEMES


def _absolutize_tree(root: lxml.html.HtmlElement, page_url: str) -> None:
    for element in root.iter(lxml.etree.Element):  # not comments
        for attribute in _URL_ATTRIBUTES:
            value = element.get(attribute)
            if value is not None and not _names_no_page(value):
                element.set(attribute, urljoin(page_url, value.strip()))
        srcset = element.get("srcset")
        if srcset is not None:
            candidates = [part.strip().split(None, 1) for part in srcset.split(",") if part.strip()]
            element.set("srcset", ", ".join(" ".join([urljoin(page_url, c[0]), *c[1:]]) for c in candidates))


def absolutize_html(html: str, page_url: str) -> str:
    """Make every link and image address in `html` absolute, relative to the page's own URL."""
    root = _parse_fragment(html)
    _absolutize_tree(root, page_url)
    return _serialize_fragment(root)


def _tree_text(root: lxml.html.HtmlElement) -> str:
    for element in list(root.iter(*_NOT_TEXT)):
        element.drop_tree()  # keeps the text that follows it
    return " ".join(" ".join(root.itertext()).split())


def html_to_text(html: str) -> str:
    """The visible text of `html`, whitespace collapsed to single spaces."""
    return _tree_text(_parse_fragment(html))


def site_path(url: str, base_url: str) -> str:
    """The site-relative path of absolute `url` when it is on this site, else ""."""
    return unquote(urlsplit(url[len(base_url) + 1 :]).path) if url.startswith(base_url + "/") else ""


def image_ref(url: str, base_url: str, content_dir: Path) -> ImageRef:
    """Describe the image at absolute `url`, reading its size from content/ when it is the site's own."""
    path = site_path(url, base_url)
    mime = mimetypes.guess_type(urlsplit(url).path)[0] or "image/jpeg"
    file = content_dir / path if path else None
    if file is None or not file.is_file():
        return ImageRef(path, url, None, None, mime, None)
    try:
        with Image.open(file) as picture:
            width, height = picture.size
            mime = Image.MIME.get(picture.format or "", mime)
    except (UnidentifiedImageError, OSError):
        log.warning(
            "图片 %s 无法读取，订阅源里列出它但不写大小：请换成 JPEG 或 PNG 图片。"
            "(not a readable image; feeds list it without a size)",
            file,
        )
        return ImageRef(path, url, None, None, mime, file.stat().st_size)
    return ImageRef(path, url, width, height, mime, file.stat().st_size)


def _cover_url(cover: Any, base_url: str) -> str | None:
    text = str(cover or "").strip()
    if not text:
        return None
    for prefix in ("{static}", "{attach}", "{filename}"):
        text = text.removeprefix(prefix)
    if urlsplit(text).scheme:
        return text
    return f"{base_url}/{text.lstrip('/')}"


def wide_image(item: FeedItem, min_width: int) -> ImageRef | None:
    """The lead image if it is at least `min_width` px wide, else the first such image in the text;
    at a phone's width (the photo store's 720-px JPEG) when the store has one."""
    candidates = ([item.image] if item.image else []) + list(item.images)
    wide = next((image for image in candidates if image.width and image.width >= min_width), None)
    return wide.sized(FALLBACK.name) if wide else None


def _text(metadata: dict[str, Any], key: str) -> str:
    return str(metadata.get(key) or "").strip()


def _term_slug(source_path: str, field: str, name: str) -> str:
    """The slug of `name` in the vocabulary of `field`; the message is taxonomy's, as the build's."""
    try:
        return slug_for(CHECKED_FIELDS[field], name)
    except KeyError:
        raise FeedModelError(term_problem(source_path, field, name)) from None


SAMPLE_NOTICE_HTML = "<p><strong>【示例稿件】</strong>本文为展示网站功能而编写，所述单位与事迹均为虚构。</p>"


def _is_true(value: Any) -> bool:
    return str(value).strip().lower() in {"true", "yes", "1", "是"}


def _with_derived(image: ImageRef, photo: Photo, base_url: str) -> ImageRef:
    return replace(image, derived=photo.variants, base_url=base_url)


def _feed_photos(root: lxml.html.HtmlElement, photos: PhotoStore | None, base_url: str) -> dict[str, Photo]:
    """A page's sized photos as feeds show them: the large JPEG as a plain <img> (no srcset, no lazy
    loading, no link around it, no 查看原图), since feed readers and the 公众号 editor take one picture
    each. Returns the photo of each image's new address."""
    if photos is None:
        return {}
    found = {}
    for link in list(root.iter("a")):
        classes = link.get("class", "").split()
        if "photo-original" in classes:
            link.drop_tree()  # its tail text stays
        elif "photo" in classes and len(link) == 1:
            link.drop_tag()
    for image in root.iter("img"):
        src = image.get("src", "")
        photo = photos.photo_of_variant(src[len(base_url) + 1 :]) if src.startswith(base_url + "/") else None
        large = photo.variant(LARGE) if photo else None
        if large is None:
            continue
        for attribute in ("srcset", "sizes", "loading", "decoding"):
            image.attrib.pop(attribute, None)
        image.set("src", f"{base_url}/{large.path}")
        image.set("width", str(large.width))
        image.set("height", str(large.height))
        found[image.get("src")] = photo
    return found


class BodyMaker:
    """Makes ItemBodies for one build; an image used by many stories is read once."""

    def __init__(self, settings: dict[str, Any], photos: PhotoStore | None = None) -> None:
        self.base_url = absolute_siteurl(settings)
        self.content_dir = Path(settings["PATH"])
        self.photos = photos
        self._images: dict[str, ImageRef] = {}

    def image(self, url: str) -> ImageRef:
        """The image at `url`: its original under content/ with the store's pictures of it."""
        if url not in self._images:
            path = site_path(url, self.base_url)
            photo = self.photos.photo(path) if self.photos and path else None
            if photo and photo.width:  # the store has read it (upright size): no need to open it again
                image = ImageRef(path, url, photo.width, photo.height, photo.mime, photo.length)
            else:
                image = image_ref(url, self.base_url, self.content_dir)
            self._images[url] = _with_derived(image, photo, self.base_url) if photo else image
        return self._images[url]

    def body(self, article: Any, source_path: str, page_url: str, is_sample: bool) -> ItemBody:
        content = _parse_fragment(article.get_content(self.base_url))
        _absolutize_tree(content, page_url)
        sized = _feed_photos(content, self.photos, self.base_url)
        summary = _parse_fragment(article.get_summary(self.base_url))
        _absolutize_tree(summary, page_url)
        content_html, summary_html = _serialize_fragment(content), _serialize_fragment(summary)
        if is_sample:
            # Feeds leave the site: a fictional sample must say so wherever it is read.
            content_html = SAMPLE_NOTICE_HTML + content_html
            summary_html = SAMPLE_NOTICE_HTML + summary_html
        # The notice too, as before it was part of the HTML. A text field like the others (the WeChat
        # and Weibo feeds' descriptions are made from it), so under the same rule.
        summary_text = plain_text(html_to_text(summary_html))

        # A sized photo counts as its original (the enclosure and media:content carry the original).
        image_urls = [
            f"{self.base_url}/{sized[src].source}" if src in sized else src
            for img in content.iter("img")
            if (src := img.get("src"))
        ]
        cover_url = _cover_url(article.metadata.get("cover"), self.base_url)
        if cover_url and cover_url not in image_urls:
            image_urls.insert(0, cover_url)
        images = tuple(self.image(url) for url in dict.fromkeys(image_urls))
        lead = next((image for image in images if image.url == cover_url), images[0] if images else None)
        if cover_url and lead is not None and lead.path and lead.length is None:
            log.warning(
                "稿件 %s 的封面 Cover %s 不是 content/ 里的文件，订阅源里不写它的大小："
                "请把图片放进 content/images/ 并改正 Cover 一行。"
                "(Cover is not a file under content/; feeds carry it without a size)",
                source_path,
                lead.path,
            )
        return ItemBody(content_html, summary_html, summary_text, lead, images)


def feed_item(article: Any, settings: dict[str, Any], bodies: BodyMaker) -> FeedItem:
    """One FeedItem from a Pelican article, once every generator has built its context; its body is
    made by `bodies` when first read."""
    metadata = article.metadata
    source_path = article.relative_source_path  # Pelican's, with "/" on every system
    page_url = f"{bodies.base_url}/{article.url}"
    is_sample = _is_true(metadata.get("sample", ""))
    zone = site_timezone(settings)
    published = in_zone(article.date, zone)
    updated = in_zone(getattr(article, "modified", None) or article.date, zone)
    if updated < published:
        log.warning(
            "稿件 %s 的修改时间 Modified 早于日期 Date，已按 Date 作为更新时间：请改正或删掉 Modified 一行。"
            "(Modified is before Date; using Date)",
            source_path,
        )
        updated = published

    tags = tuple(getattr(article, "tags", None) or ())
    org_type = _text(metadata, "org_type")
    region = _text(metadata, "region")
    return FeedItem(
        id=item_id(source_path, metadata),
        title=str(article.title),
        url=page_url,
        path=article.url,
        published=published,
        updated=updated,
        author=_text(metadata, "org") or settings.get("SITENAME", ""),
        category=str(article.category),
        category_slug=article.category.slug,
        tags=tuple(str(tag) for tag in tags),
        tag_slugs=tuple(tag.slug for tag in tags),
        org_type=org_type,
        org_type_slug=_term_slug(source_path, "org_type", org_type),
        region=region,
        region_slug=_term_slug(source_path, "region", region),
        channels=parse_channels(source_path, metadata.get("channels")),
        source_path=source_path,
        is_sample=is_sample,
        wechat_author=_text(metadata, "wechat_author") or None,
        wechat_digest=_text(metadata, "wechat_digest") or None,
        weibo_text=_text(metadata, "weibo_text") or None,
        body=PendingBody(
            lambda: bodies.body(article, source_path, page_url, is_sample),
            lambda: (
                article.get_content(bodies.base_url),
                article.get_summary(bodies.base_url),
                str(metadata.get("cover") or ""),
            ),
        ),
    )


# Below this many items the digests take less time than a forked process costs to start.
MIN_ITEMS_DIGESTED_BESIDE = 1000


def _inputs_digests(items: list[FeedItem]) -> list[str]:
    return [item.inputs_digest() for item in items]


def digest_beside(items: list[FeedItem]) -> Callable[[], None]:
    """Start working out the items' inputs digests (their stories' HTML, most of a feed's check) in
    a forked process, while the build's process goes on queueing its pages; the function returned
    waits for them and gives each item its own. The stories must not change in between."""
    if len(items) < MIN_ITEMS_DIGESTED_BESIDE or (os.cpu_count() or 1) < 2:
        return lambda: None
    digests = start_shares(_inputs_digests, [items])

    def give() -> None:
        (found,) = digests()
        for item, digest in zip(items, found, strict=True):
            object.__setattr__(item, "_inputs_digest", digest)

    return give


def build_items(
    articles: Iterable[Any],
    settings: dict[str, Any],
    now: datetime | None = None,
    photos: PhotoStore | None = None,
) -> list[FeedItem]:
    """FeedItems for the published articles, newest first. Future-dated articles are left out, and
    sample stories (`Sample: true`) too when CHANNELS_INCLUDE_SAMPLES is false.

    Raises FeedModelError naming the files when two articles would share an ID.
    """
    zone = site_timezone(settings)
    now = in_zone(now or datetime.now(zone), zone)
    bodies = BodyMaker(settings, photos)
    items: list[FeedItem] = []
    seen: dict[str, str] = {}
    include_samples = settings.get("CHANNELS_INCLUDE_SAMPLES", True)
    for article in articles:
        item = feed_item(article, settings, bodies)
        if item.is_sample and not include_samples:
            continue
        if item.published > now:
            log.warning(
                "稿件 %s 的日期是 %s，在将来：到那时才会进入订阅源；写错了就改正 Date 一行。"
                "(dated in the future; it stays out of every feed until then)",
                item.source_path,
                item.published.isoformat(),
            )
            continue
        if item.updated > now:
            log.warning(
                "稿件 %s 的修改时间 Modified 在将来，已按 Date 作为更新时间：请改正 Modified 一行。"
                "(Modified is in the future; using Date)",
                item.source_path,
            )
            item = replace(item, updated=item.published)
        if item.id in seen:
            raise FeedModelError(
                f"{item.source_path} and {seen[item.id]} have the same feed ID {item.id}; "
                "give one of them its own 'Feed_id:' (or fix a copied 'Source:' line)."
            )
        seen[item.id] = item.source_path
        items.append(item)
    return sorted(items, key=lambda item: (item.published, item.id), reverse=True)
