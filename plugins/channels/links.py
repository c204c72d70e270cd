"""Feed addresses, titles and the catalogue of every feed a build publishes.

The catalogue is the one list the feed writers, the OPML file, the 订阅 page and the theme's
`feeds_for()` all read, so an address is spelt in one place.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from siterules.folders import FEEDS_FOLDER
from taxonomy.listings import DEFAULT_SETTINGS as TAXONOMY_DEFAULTS
from taxonomy.listings import FACETS, Facet
from taxonomy.vocabulary import CATEGORIES, UNLABELLED, UNLABELLED_SLUG, Term

from .model import FeedItem

CONTEXT_KEY = "channel_feeds"  # the catalogue's name in the template context

MIME = {
    "rss": "application/rss+xml",
    "atom": "application/atom+xml",
    "json": "application/feed+json",
    "opml": "text/x-opml",
}
FORMAT_LABELS = {"rss": "RSS", "atom": "Atom", "json": "JSON Feed"}
EXTENSIONS = {"rss": "rss.xml", "atom": "atom.xml", "json": "json"}

DEFAULT_SETTINGS: dict[str, Any] = {
    # False leaves out the editors' WeChat preview pages (publishconf.py: not part of the public site).
    "CHANNELS_WECHAT_PREVIEW_PAGES": True,
    # Sample stories (front matter `Sample: true`) in the feeds too; they are fictional, so a public
    # build that media syndicate automatically may want False.
    "CHANNELS_INCLUDE_SAMPLES": True,
    # Newest items per feed; 0 means no limit.
    "CHANNELS_FEED_LIMIT": 50,
    "CHANNELS_APP_FEED_LIMIT": 50,
    # WeChat previews and covers, Weibo messages and their two feeds serve stories about to be posted:
    # they are made for this many newest stories of each of the two channels; 0 means every story.
    "CHANNELS_RECENT_STORIES": 100,
    # The client-app lead image must be at least this wide (px).
    "CHANNELS_APP_MIN_IMAGE_WIDTH": 720,
    # Feed titles per kind; {name} is the category, tag, organization type or region.
    "CHANNELS_FEED_TITLES": {
        "site": "全部稿件",
        "category": "{name}",
        "tag": "话题：{name}",
        "org_type": "组织类型：{name}",
        "region": "地区：{name}",
        "app": "新闻客户端",
        "wechat": "微信公众号稿",
        "weibo": "微博稿",
    },
    # Where feeds are written, under the output folder; {ext} is rss.xml, atom.xml or json.
    "CHANNELS_FEED_PATHS": {
        "site": f"{FEEDS_FOLDER}/all.{{ext}}",
        "category": f"{FEEDS_FOLDER}/category/{{slug}}.{{ext}}",
        "tag": f"{FEEDS_FOLDER}/tag/{{slug}}.{{ext}}",
        "org_type": f"{FEEDS_FOLDER}/org-type/{{slug}}.{{ext}}",
        "region": f"{FEEDS_FOLDER}/region/{{slug}}.{{ext}}",
        "app": f"{FEEDS_FOLDER}/app.{{ext}}",
        "wechat": f"{FEEDS_FOLDER}/wechat.rss.xml",
        "weibo": f"{FEEDS_FOLDER}/weibo.rss.xml",
    },
    "CHANNELS_OPML_PATH": f"{FEEDS_FOLDER}/feeds.opml",
    # A story over a WeChat limit or Weibo's 140: False warns naming the file, True stops the build.
    "CHANNELS_WECHAT_STRICT": False,
    "CHANNELS_WEIBO_STRICT": False,
}

# Which channel a kind of feed serves, and what the 订阅 page says it carries.
MEDIA_KINDS = ("site", "category", "tag", "org_type", "region")
CHANNEL_OF_KIND = {**dict.fromkeys(MEDIA_KINDS, "media"), "app": "app", "wechat": "wechat", "weibo": "weibo"}
SECTION_LABELS = {
    "site": "全站",
    "category": "按栏目",
    "tag": "按话题",
    "org_type": "按组织类型",
    "region": "按地区",
    "app": "新闻客户端",
    "wechat": "微信公众号",
    "weibo": "微博",
}
CARRIES = {
    "media": "全文（含图片）、摘要、发布组织、分类与话题，封面图作为附件；供主流媒体与阅读器订阅",
    "app": "全文、摘要与宽度不小于 720 像素的头图；供新闻客户端接入",
    "wechat": "可直接粘贴到公众号编辑器的稿件片段；供公众号编辑使用",
    "weibo": "可直接发布的微博文案（含话题与链接）和配图；供微博编辑使用",
}
KIND_FORMATS = {
    **dict.fromkeys(MEDIA_KINDS, ("atom", "rss")),
    "app": ("json", "rss"),
    "wechat": ("rss",),
    "weibo": ("rss",),
}


@dataclass(frozen=True)
class FeedLink:
    """One feed file. The theme reads .title, .path and .mime (theme contract)."""

    title: str  # e.g. "全部稿件（RSS）"
    path: str  # site-relative, no leading slash
    mime: str
    format: str  # "rss" | "atom" | "json"


@dataclass(frozen=True)
class FeedGroup:
    """The items one listing publishes, with its feed files (e.g. category 工作动态 as Atom and RSS)."""

    kind: str
    slug: str
    name: str
    title: str  # feed title without the site name, e.g. "地区：南京市"
    page_path: str  # site-relative address of the matching web page
    items: tuple[FeedItem, ...]
    links: tuple[FeedLink, ...]

    @property
    def channel(self) -> str:
        return CHANNEL_OF_KIND[self.kind]

    @property
    def carries(self) -> str:
        return CARRIES[self.channel]


@dataclass(frozen=True)
class Section:
    label: str
    groups: tuple[FeedGroup, ...]


@dataclass(frozen=True)
class FeedCatalogue:
    groups: tuple[FeedGroup, ...]
    opml: FeedLink
    # (kind, slug) and (kind, None) -> the group: every page asks for its feeds by kind and slug.
    _index: dict[tuple[str, str | None], FeedGroup] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[tuple[str, str | None], FeedGroup] = {}
        for group in self.groups:
            index.setdefault((group.kind, group.slug), group)
            index.setdefault((group.kind, None), group)
        object.__setattr__(self, "_index", index)

    def group(self, kind: str, slug: str | None = None) -> FeedGroup | None:
        return self._index.get((kind, slug))

    def links_for(self, kind: str, slug: str | None = None) -> list[FeedLink]:
        group = self.group(kind, slug)
        links = list(group.links) if group else []
        if kind == "site" and (app := self.group("app")):
            links += [link for link in app.links if link.format == "json"]
        return links

    def sections(self) -> list[Section]:
        """Groups by kind, in the order the 订阅 page shows them."""
        order = list(SECTION_LABELS)
        kinds = sorted({g.kind for g in self.groups}, key=order.index)
        return [
            Section(SECTION_LABELS[kind], tuple(g for g in self.groups if g.kind == kind)) for kind in kinds
        ]


def feed_link(kind: str, slug: str, title: str, format: str, settings: dict[str, Any]) -> FeedLink:
    path = settings["CHANNELS_FEED_PATHS"][kind].format(slug=slug, ext=EXTENSIONS[format])
    return FeedLink(f"{title}（{FORMAT_LABELS[format]}）", path, MIME[format], format)


def _limited(items: Iterable[FeedItem], settings_key: str, settings: dict[str, Any]) -> tuple[FeedItem, ...]:
    limit = settings[settings_key]
    items = tuple(items)
    return items[:limit] if limit else items


# How many newest items each kind of feed carries; the WeChat and Weibo feeds carry the same window
# of recent stories as the previews, covers and messages made for them.
LIMIT_SETTINGS = {
    **dict.fromkeys(MEDIA_KINDS, "CHANNELS_FEED_LIMIT"),
    "app": "CHANNELS_APP_FEED_LIMIT",
    "wechat": "CHANNELS_RECENT_STORIES",
    "weibo": "CHANNELS_RECENT_STORIES",
}


def make_group(
    kind: str, slug: str, name: str, page_path: str, items: Iterable[FeedItem], settings: dict[str, Any]
) -> FeedGroup:
    title = settings["CHANNELS_FEED_TITLES"][kind].format(name=name)
    limit_key = LIMIT_SETTINGS[kind]
    links = tuple(feed_link(kind, slug, title, fmt, settings) for fmt in KIND_FORMATS[kind])
    return FeedGroup(kind, slug, name, title, page_path, _limited(items, limit_key, settings), links)


def _facet_groups(facet: Facet, items: list[FeedItem], settings: dict[str, Any]) -> list[FeedGroup]:
    """One feed per term of a taxonomy facet, for the same stories as its listing page."""
    by_slug: dict[str, list[FeedItem]] = {}
    for item in items:
        if facet.covers(item.category):
            by_slug.setdefault(getattr(item, f"{facet.field}_slug"), []).append(item)
    groups = []
    for term in (*facet.terms, Term(UNLABELLED, UNLABELLED_SLUG)):
        if members := by_slug.get(term.slug):
            url_setting = f"{facet.setting_prefix}_URL"
            page = settings.get(url_setting, TAXONOMY_DEFAULTS[url_setting]).format(slug=term.slug)
            groups.append(make_group(facet.field, term.slug, term.name, page, members, settings))
    return groups


def build_catalogue(items: list[FeedItem], settings: dict[str, Any]) -> FeedCatalogue:
    """Every feed of this build: one group per listing that has media items, plus the channel feeds.

    `items` are newest first. A feed without items is left out: it would have no date to show, and
    its listing page does not exist either.
    """
    media = [item for item in items if "media" in item.channels]
    groups = [make_group("site", "all", settings.get("SITENAME", ""), "", media, settings)]

    # One pass over the stories, each filed under its category and tags, newest first as given.
    by_category: dict[str, tuple[str, list[FeedItem]]] = {}
    by_tag: dict[str, tuple[set[str], list[FeedItem]]] = {}
    for item in media:
        by_category.setdefault(item.category_slug, (item.category, []))[1].append(item)
        for name, slug in zip(item.tags, item.tag_slugs, strict=True):
            names, members = by_tag.setdefault(slug, (set(), []))
            names.add(name)
            if not members or members[-1] is not item:
                members.append(item)

    category_order = {name: index for index, name in enumerate(CATEGORIES)}
    categories = sorted(
        by_category.items(), key=lambda c: (category_order.get(c[1][0], len(CATEGORIES)), c[0])
    )
    for slug, (name, members) in categories:
        page = settings.get("CATEGORY_URL", "category/{slug}.html").format(slug=slug)
        groups.append(make_group("category", slug, name, page, members, settings))

    for slug, (names, members) in sorted(by_tag.items(), key=lambda tag: tag[0]):
        page = settings.get("TAG_URL", "tag/{slug}.html").format(slug=slug)
        groups.append(make_group("tag", slug, min(names), page, members, settings))

    for facet in FACETS:
        groups += _facet_groups(facet, media, settings)

    for channel in ("app", "wechat", "weibo"):
        members = [item for item in items if channel in item.channels]
        groups.append(make_group(channel, channel, "", "", members, settings))

    opml = FeedLink("全部订阅源（OPML）", settings["CHANNELS_OPML_PATH"], MIME["opml"], "opml")
    return FeedCatalogue(tuple(group for group in groups if group.items), opml)


class FeedsFor:
    """The Jinja global `feeds_for(kind, slug=None)` (theme contract): the feeds of one listing.

    A callable object rather than a context function because the theme calls it from macros imported
    without context; the plugin hands it this build's catalogue once the model is built.
    """

    def __init__(self) -> None:
        self.catalogue: FeedCatalogue | None = None

    def __call__(self, kind: str, slug: str | None = None) -> list[FeedLink]:
        if self.catalogue is None or kind not in MEDIA_KINDS:
            return []
        return self.catalogue.links_for(kind, "all" if kind == "site" else slug)
