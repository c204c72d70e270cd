"""Channel feeds: every feed the site publishes (media, client apps, WeChat, Weibo), from one model."""

from collections.abc import Callable
from pathlib import Path

from pelican import Pelican, signals
from pelican.generators import ArticlesGenerator, Generator
from pelican.writers import Writer
from photos import store_for

from .app import write_app_feeds
from .feedcache import CACHE_FILE as FEED_CACHE_FILE
from .feedcache import FeedCache
from .links import CONTEXT_KEY, DEFAULT_SETTINGS, FeedsFor, build_catalogue
from .media import write_media_feeds
from .model import build_items, digest_beside
from .opml import write_opml
from .sources import ITEM_SOURCES_FILE, record_item_sources
from .stale import owned_files, remove_stale
from .wechat import COVER_FILES, ask_for_covers, page_writer, write_wechat
from .weibo import write_weibo_feed

ITEMS_KEY = "channel_items"  # the FeedItems in the template context, newest first
# Where the record of each feed item's story file goes: resolved as the build starts, in the project's
# cache folder, which make check reads.
SOURCES_SETTING = "CHANNELS_ITEM_SOURCES_PATH"

# The feed items' digests being worked out beside the build, per build (keyed by its settings dict).
_digesting: dict[int, Callable[[], None]] = {}


def _add_defaults(pelican: Pelican) -> None:
    settings = pelican.settings
    for key, default in DEFAULT_SETTINGS.items():
        if isinstance(default, dict):
            settings[key] = {**default, **settings.get(key, {})}
        else:
            settings.setdefault(key, default)
    settings[SOURCES_SETTING] = str(Path(settings["CACHE_PATH"]) / ITEM_SOURCES_FILE)
    # A fresh one per build: the generators copy JINJA_GLOBALS into their Jinja environments.
    settings["JINJA_GLOBALS"] = {**settings.get("JINJA_GLOBALS", {}), "feeds_for": FeedsFor()}


def _build_model(generators: list[Generator]) -> None:
    # After every generator's context exists, so {static} image links resolve in the article HTML,
    # and after plugins/photos has sized the stories' photos.
    articles_generator = next(g for g in generators if isinstance(g, ArticlesGenerator))
    settings = articles_generator.settings
    photos = store_for(settings)
    items = build_items(articles_generator.articles, settings, photos=photos)
    catalogue = build_catalogue(items, settings)
    # The covers are two of the store's recipes, made with the rest before any page is rendered.
    wechat = catalogue.group("wechat")
    ask_for_covers(wechat.items if wechat else (), photos)
    photos.make(settings["PHOTOS_WORKERS"])
    articles_generator.context[ITEMS_KEY] = items
    articles_generator.context[CONTEXT_KEY] = catalogue
    articles_generator.settings["JINJA_GLOBALS"]["feeds_for"].catalogue = catalogue
    record_item_sources(Path(articles_generator.settings[SOURCES_SETTING]), items)
    # Nothing changes a story between here and the writing of the feeds. Only in a rebuild: a first
    # build renders every feed anyway, and its cores are busy.
    if (Path(settings["CACHE_PATH"]) / FEED_CACHE_FILE).exists():
        _digesting[id(settings)] = digest_beside(items)


def _write(generator: ArticlesGenerator, writer: Writer) -> None:
    catalogue = generator.context[CONTEXT_KEY]
    settings = generator.settings
    output_dir = Path(writer.output_path)
    _digesting.pop(id(settings), lambda: None)()
    feeds = FeedCache(settings, output_dir)
    write_media_feeds(catalogue, settings, feeds)
    write_app_feeds(catalogue, settings, feeds)
    feeds.save()
    write_opml(catalogue, settings, output_dir)
    covers = write_wechat(
        catalogue, settings, output_dir, page_writer(generator, writer), store_for(settings)
    )
    write_weibo_feed(catalogue, settings, output_dir)
    produced = [link.path for group in catalogue.groups for link in group.links] + [catalogue.opml.path]
    remove_stale(output_dir, [*produced, *covers], owned_files(output_dir, settings, COVER_FILES))
    for item in generator.context[ITEMS_KEY]:
        item.forget_body()


def register() -> None:
    signals.initialized.connect(_add_defaults)
    signals.all_generators_finalized.connect(_build_model)
    signals.article_writer_finalized.connect(_write)
