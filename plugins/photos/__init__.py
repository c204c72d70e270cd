"""Photos sized for phones: one store of derived pictures that pages, listings, feeds, WeChat and
Weibo all take their pictures from, made before the pages are rendered (README.md)."""

import functools
import posixpath
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pelican import Pelican, signals
from pelican.generators import ArticlesGenerator, Generator, PagesGenerator, StaticGenerator

from .pages import size_photos, source_path, thumbnail
from .recipes import LEAD_RECIPES, PAGE_RECIPES
from .store import PhotoStore

DEFAULT_SETTINGS = {
    # The store of derived pictures, relative to the folder the build runs in; kept by `make clean`.
    "PHOTOS_STORE": "resources/photos",
    "PHOTOS_WORKERS": 0,  # processes that encode; 0: every core
}
_stores: dict[int, PhotoStore] = {}  # this build's store, by id of its settings


def store_for(settings: dict[str, Any]) -> PhotoStore:
    """The build's store: consumers ask it for pictures at all_generators_finalized (this plugin makes
    them last, so a plugin before it in PLUGINS may ask too) and read the answers afterwards."""
    return _stores[id(settings)]


def _add_defaults(pelican: Pelican) -> None:
    for key, default in DEFAULT_SETTINGS.items():
        pelican.settings.setdefault(key, default)


def _open_store(pelican: Pelican) -> None:
    """A store for this build, started at once (get_generators is sent as every run begins: an
    `--autoreload` process runs many builds, and each prunes and lets go of its store)."""
    settings = pelican.settings
    store = PhotoStore(Path(settings["PHOTOS_STORE"]), Path(settings["PATH"]), Path(settings["CACHE_PATH"]))
    _stores[id(settings)] = store
    # Every new picture gets what every story picture shows; a lead photo's thumbnail, a cover and
    # the like are made when asked for (pictures that no story shows are made once, then pruned).
    store.start((*PAGE_RECIPES, *LEAD_RECIPES), settings["PHOTOS_WORKERS"])


def _shown_content(generators: list[Generator]) -> list[Any]:
    found = []
    for generator in generators:
        if isinstance(generator, ArticlesGenerator):
            found += generator.articles + generator.translations
        elif isinstance(generator, PagesGenerator):
            found += generator.pages + generator.hidden_pages + generator.translations
    return found


class _StaticFiles:
    """The files Pelican listed as static, by path under content/ and by address on the site."""

    def __init__(self, statics: StaticGenerator) -> None:
        self._content_dir = Path(statics.settings["PATH"])
        self._statics = statics.staticfiles
        self._paths = {static.relative_source_path for static in self._statics}

    def is_file(self, path: str) -> bool:  # a stat only for a file Pelican did not list
        return path in self._paths or (self._content_dir / path).is_file()

    @functools.cached_property
    def _by_address(self) -> dict[str, str]:
        # On first need only: Pelican makes each static file's url from settings (0.5 s at 10,000 stories).
        return {static.url: static.relative_source_path for static in self._statics}

    def at_address(self, address: str, page: Any) -> str | None:
        """The static file that `address`, read by the browser on `page`, loads."""
        if not address.startswith("/"):
            address = "/" + posixpath.normpath(posixpath.join(posixpath.dirname(page.save_as), address))
        return self._by_address.get(address[1:])


def _size_photos(generators: list[Generator]) -> None:
    statics = next(g for g in generators if isinstance(g, StaticGenerator))
    settings = statics.settings
    store = store_for(settings)
    files = _StaticFiles(statics)
    is_file = files.is_file

    stories = _shown_content(generators)
    sources: dict[int, dict[str, str]] = {}  # per story: src as written -> file under content/
    for story in stories:
        at_address = functools.partial(_at_address, files, story)
        found = sources[id(story)] = _sources(story, at_address, is_file)
        for path, recipes in _asked(story, found, is_file):
            store.ask(path, recipes, story.relative_source_path)
    store.make(settings["PHOTOS_WORKERS"])
    store.start_copy_to(Path(statics.output_path))
    for story in stories:
        found = sources[id(story)]
        root = _site_root(story, settings)
        content, shown = size_photos(
            story._content, lambda src, found=found: store.photo(found[src]) if src in found else None, root
        )
        story._content = content
        story.photos = tuple(photo for photo, _ in shown)
        cover = _cover(story, is_file)
        # Every picture has its alt text (WCAG 1.1.1): the photo's own, else the story's title.
        lead, alt = (cover, "") if cover else (shown[0][0].source, shown[0][1]) if shown else (None, "")
        alt = alt or next((text for photo, text in shown if photo.source == lead and text), str(story.title))
        story.thumbnail = thumbnail(store.photo(lead), alt) if lead else None


def _sources(
    story: Any, at_address: Callable[[str], str | None], is_file: Callable[[str], bool]
) -> dict[str, str]:
    """The pictures of the story's text: src as written -> file under content/."""
    found = {}

    def resolve(src: str) -> None:
        path = source_path(src, story.relative_dir, at_address)
        if path and is_file(path):
            found[src] = path

    size_photos(story._content, resolve, "")
    return found


def _asked(story: Any, found: dict[str, str], is_file: Callable[[str], bool]) -> list[tuple[str, tuple]]:
    """What the story's pages ask of the store: each picture in PAGE_RECIPES, and its lead photo (a
    Cover outside the text too: feeds, Weibo and the app feed show it) in LEAD_RECIPES as well."""
    asked = [(path, PAGE_RECIPES) for path in found.values()]
    lead = _cover(story, is_file) or next(iter(found.values()), None)
    if lead:
        asked.append((lead, (*PAGE_RECIPES, *LEAD_RECIPES)))
    return asked


def _at_address(files: _StaticFiles, story: Any, address: str) -> str | None:
    return files.at_address(address, story)


def _cover(story: Any, is_file: Callable[[str], bool]) -> str | None:
    """The story's `Cover:` when it names a file under content/ (as the feeds read it)."""
    text = str(story.metadata.get("cover") or "").strip()
    for prefix in ("{static}", "{attach}", "{filename}"):
        text = text.removeprefix(prefix)
    text = text.lstrip("/")
    return text if text and is_file(text) else None


def _site_root(page: Any, settings: dict[str, Any]) -> str:
    """The site root as seen from `page`, ending in "/"."""
    if settings.get("RELATIVE_URLS"):
        return "../" * page.save_as.count("/")
    return settings["SITEURL"].rstrip("/") + "/" if settings.get("SITEURL") else "/"


def _prune(pelican: Pelican) -> None:
    store = _stores.pop(id(pelican.settings))
    store.remember()
    store.prune()


def register() -> None:
    signals.initialized.connect(_add_defaults)
    signals.get_generators.connect(_open_store)
    signals.all_generators_finalized.connect(_size_photos)
    signals.finalized.connect(_prune)
