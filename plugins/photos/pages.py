"""Story HTML with sized photos: every <img> that shows a picture of this site gets its width and
height, a srcset of WebP widths, sizes, a middle-width JPEG as src, lazy loading after the first
photo, a link to the large picture and a 查看原图 link to the original.

The HTML is the sanitizer's output (nh3 quotes every attribute), so the tags are rewritten as text
and the rest of the story keeps its bytes.
"""

import html
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from .recipes import FALLBACK, RESPONSIVE, THUMBNAIL
from .store import Photo, Variant

# The story column in CSS pixels (theme/static/css/main.css: 42rem of an 18px root, page margins of
# 1rem); in px, since `sizes` reads rem as 16px whatever the page's root size.
SIZES = "(min-width: 792px) 756px, calc(100vw - 36px)"
ORIGINAL_LABEL = "查看原图"
_TAGS = re.compile(r"<a\b[^>]*>|</a>|<img\b[^>]*>")
_ATTRIBUTE = re.compile(r'([a-zA-Z][a-zA-Z0-9-]*)="([^"]*)"')
_PLACEHOLDER = re.compile(r"^[{|](static|attach|filename)[|}](.*)$")

Resolve = Callable[[str], Photo | None]  # an img's src as written -> its photo, or None


@dataclass(frozen=True, slots=True)
class Thumbnail:
    """A story's lead photo as listings and 图片新闻 show it: small WebP widths and the alt text."""

    widths: tuple[Variant, ...]  # 240 and 480 px (fewer for a smaller photo), narrowest first
    alt: str

    @property
    def smallest(self) -> Variant:
        return self.widths[0]

    def srcset(self, root: str) -> str:
        return ", ".join(f"{root}{variant.path} {variant.width}w" for variant in self.widths)


def thumbnail(photo: Photo | None, alt: str) -> Thumbnail | None:
    """The lead photo's thumbnail, or None when it has no derived pictures (animated, unreadable)."""
    if photo is None or not photo.variant(THUMBNAIL):
        return None
    return Thumbnail(tuple(photo.widths((THUMBNAIL, RESPONSIVE[0]))), alt)


def source_path(src: str, content_dir: str, at_address: Callable[[str], str | None]) -> str | None:
    """The file under content/ that an img's `src` shows, or None when it is not a file of the site.

    `{static}` and `{attach}` paths are read as Pelican reads them (from content/ when they start with
    "/", else from the story's own folder `content_dir`); a plain address on this site is handed to
    `at_address`, which finds the static file the browser would load from the page.
    """
    placeholder = _PLACEHOLDER.match(src)
    if placeholder:
        path = unquote(urlsplit(html.unescape(placeholder.group(2))).path)
        return path[1:] if path.startswith("/") else posixpath.normpath(posixpath.join(content_dir, path))
    parts = urlsplit(html.unescape(src))
    if parts.scheme or parts.netloc or not parts.path or src.startswith(("//", "\\")):
        return None
    return at_address(unquote(parts.path))


def _attributes(tag: str) -> dict[str, str]:
    return dict(_ATTRIBUTE.findall(tag))


def _tag(name: str, attributes: dict[str, str]) -> str:
    return f"<{name} " + " ".join(f'{key}="{value}"' for key, value in attributes.items()) + ">"


def sized_image(attributes: dict[str, str], photo: Photo, root: str, first: bool) -> dict[str, str]:
    """The attributes of an <img> showing `photo`; `root` leads to the site root from the page."""
    widths = photo.widths(RESPONSIVE)
    fallback = photo.variant(FALLBACK)
    shown = {key: value for key, value in attributes.items() if key in ("alt", "title")}
    if widths and fallback:
        largest = widths[-1]
        shown["src"] = root + fallback.path
        shown["srcset"] = ", ".join(f"{root}{v.path} {v.width}w" for v in widths)
        shown["sizes"] = SIZES
        width, height = largest.width, largest.height
    else:
        shown["src"] = attributes["src"]  # animated or unreadable: the file as it is
        width, height = photo.width, photo.height
    if "width" in attributes and "height" in attributes:
        width, height = int(attributes["width"]), int(attributes["height"])  # the author's choice
    if width and height:
        shown["width"], shown["height"] = str(width), str(height)
    if not first:
        shown["loading"] = "lazy"
        shown["decoding"] = "async"
    return shown


def size_photos(content: str, resolve: Resolve, root: str) -> tuple[str, list[tuple[Photo, str]]]:
    """`content` with every photo of the site sized (see the module), and those photos in order with
    their alt text."""
    shown: list[tuple[Photo, str]] = []
    pieces: list[str] = []
    position = 0
    link_depth = 0
    for match in _TAGS.finditer(content):
        tag = match.group(0)
        if tag.startswith("</a"):
            link_depth = max(0, link_depth - 1)
            continue
        if tag.startswith("<a"):
            link_depth += 1
            continue
        attributes = _attributes(tag)
        photo = resolve(attributes.get("src", ""))
        if photo is None:
            continue
        image = _tag("img", sized_image(attributes, photo, root, first=not shown))
        large = photo.widths(RESPONSIVE)
        if not link_depth and large:
            alt = attributes.get("alt", "")
            described = f'<span class="visually-hidden">：{alt}</span>' if alt else ""
            image = (
                f'<a class="photo" href="{root}{large[-1].path}">{image}</a>'
                f'<a class="photo-original" href="{attributes["src"]}">{ORIGINAL_LABEL}{described}</a>'
            )
        pieces += [content[position : match.start()], image]
        position = match.end()
        shown.append((photo, html.unescape(attributes.get("alt", ""))))
    pieces.append(content[position:])
    return "".join(pieces), shown
