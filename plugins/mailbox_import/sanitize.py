"""Allow-list HTML cleaning for submitted stories, run twice: on the mail's HTML and on the built page.

Submitted HTML is untrusted, and converting it to Markdown can turn escaped text back into live
markup, so the rendered HTML of every imported story is cleaned again at build time. nh3 (ammonia)
keeps only the tags and attributes listed here; URL schemes are limited per attribute on top of nh3's
own check, which is why the scheme test sees the value after the HTML parser has decoded entities.
"""

import re
from collections.abc import Callable, Mapping
from pathlib import PurePath
from typing import Any

import nh3

_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "em", "b", "i", "u", "ul", "ol", "li", "blockquote",
    "a", "img", "figure", "figcaption", "table", "thead", "tbody", "tr", "th", "td", "caption",
    "pre", "code", "hr", "sup", "sub",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title", "width", "height"}}
# Dropped with everything inside them: their text is code, styling or a page of its own, never story.
_DROPPED_WITH_CONTENT = {
    "script", "style", "template", "noscript", "iframe", "frame", "frameset", "object", "embed",
    "applet", "svg", "math", "title", "textarea", "select", "noembed", "noframes", "xmp",
}  # fmt: skip
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")
# Browsers ignore these characters inside a scheme ("java\tscript:"), so the check must too.
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f]+")
_SIZE = re.compile(r"[0-9]{1,4}")

_SUBMITTED_LINKS = frozenset({"http", "https", "mailto"})
_SUBMITTED_IMAGES = frozenset({"http", "https", "cid", None})  # None: a relative path
_RENDERED_LINKS = frozenset({"http", "https", "mailto", None})  # Pelican writes relative links
# Every image of an imported story is a file of this site: a remote one could only be a tracker.
_RENDERED_IMAGES = frozenset({None})


def _scheme(url: str) -> str | None:
    """The URL's scheme in lower case, or None for a relative URL (no scheme before the first / ? #)."""
    compact = _IGNORED_IN_URL.sub("", url).lower()
    match = _SCHEME.match(compact)
    return match.group(1) if match else None


def _attribute_filter(
    links: frozenset[str | None], images: frozenset[str | None]
) -> Callable[[str, str, str], str | None]:
    def keep(tag: str, attribute: str, value: str) -> str | None:
        if attribute in ("width", "height"):
            return value if _SIZE.fullmatch(value.strip()) else None
        if (tag, attribute) == ("a", "href"):
            return value if _scheme(value) in links else None
        if (tag, attribute) == ("img", "src"):
            return value if _scheme(value) in images else None
        return value

    return keep


def _cleaner(links: frozenset[str | None], images: frozenset[str | None]) -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=_TAGS,
        clean_content_tags=_DROPPED_WITH_CONTENT,
        attributes=_ATTRIBUTES,
        attribute_filter=_attribute_filter(links, images),
        url_schemes={scheme for scheme in links | images if scheme},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


_SUBMITTED = _cleaner(_SUBMITTED_LINKS, _SUBMITTED_IMAGES)
_RENDERED = _cleaner(_RENDERED_LINKS, _RENDERED_IMAGES)


def clean_html(html: str) -> str:
    """Clean a submitted mail's HTML body; img src may still be cid: for the importer to resolve."""
    return _SUBMITTED.clean(html)


def clean_rendered_html(html: str) -> str:
    """Clean the HTML Pelican rendered for an imported story; images must be paths on this site."""
    return _RENDERED.clean(html)


def is_imported(relative_source_path: str, metadata: Mapping[str, Any], stories_folder: str) -> bool:
    """An imported story: in the importer's folder, or carrying its fingerprint. Either is enough, so
    an editor who deletes the Source line or moves the file does not switch the second pass off."""
    in_folder = PurePath(relative_source_path).parts[:1] == (PurePath(stories_folder).name,)
    return in_folder or bool(metadata.get("source"))
