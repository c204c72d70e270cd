"""The one allow-list of story HTML, for the importer's pass over submitted mail and the build's pass
over every story.

nh3 (ammonia) keeps only the tags and attributes listed here. URL schemes are limited per attribute on
top of nh3's own check, which is why the scheme test sees the value after the HTML parser has decoded
entities. `removals` lists what a cleaner takes out, by the same rules, for the build's warning.
"""

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from html.parser import HTMLParser

import nh3

# What a story's text is made of, wherever it comes from.
CONTENT_TAGS = frozenset({
    "p", "br", "h2", "h3", "h4", "strong", "em", "b", "i", "u", "ul", "ol", "li", "blockquote",
    "a", "img", "figure", "figcaption", "table", "thead", "tbody", "tr", "th", "td", "caption",
    "pre", "code", "hr", "sup", "sub",
})  # fmt: skip
CONTENT_ATTRIBUTES: Mapping[str, frozenset[str]] = {
    "a": frozenset({"href", "title"}),
    "img": frozenset({"src", "alt", "title", "width", "height"}),
}
# What Python-Markdown itself writes for a hand-written story (headings, footnotes, highlighted code,
# definition lists, abbreviations, aligned table columns): kept at build time only, since in mail these
# are layout left by the mail client.
MARKDOWN_TAGS = frozenset({
    "h1", "h5", "h6", "div", "span", "dl", "dt", "dd", "abbr", "del", "ins", "s", "mark", "kbd",
    "samp", "var", "q", "cite", "small", "tfoot", "colgroup", "col",
})  # fmt: skip
MARKDOWN_ATTRIBUTES: Mapping[str, frozenset[str]] = {
    **{tag: frozenset({"id"}) for tag in ("h1", "h2", "h3", "h4", "h5", "h6", "li", "dt")},
    **{tag: frozenset({"class"}) for tag in ("div", "span", "code", "pre", "ol", "hr")},
    "a": frozenset({"class"}),
    "sup": frozenset({"id", "class"}),
    "abbr": frozenset({"title"}),
    "th": frozenset({"style"}),
    "td": frozenset({"style"}),
    "ol": frozenset({"class", "start"}),
}
# Only column alignment may be styled (Markdown tables write style="text-align: left;").
STYLE_PROPERTIES = frozenset({"text-align"})
# Dropped with everything inside them: their text is code, styling or a page of its own, never story.
DROPPED_WITH_CONTENT = frozenset({
    "script", "style", "template", "noscript", "iframe", "frame", "frameset", "object", "embed",
    "applet", "svg", "math", "title", "textarea", "select", "noembed", "noframes", "xmp",
})  # fmt: skip

_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")
# Browsers ignore these characters inside a scheme ("java\tscript:"), so the check must too.
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f]+")
_NUMBER = re.compile(r"[0-9]{1,4}")
_NAME = re.compile(r"[A-Za-z0-9_:.\- ]+")  # ids and classes as Markdown writes them
_ALIGNMENT = re.compile(r"\s*text-align\s*:\s*(?:left|right|center)\s*")


def scheme(url: str) -> str | None:
    """The URL's scheme in lower case, or None for a relative URL (no scheme before the first / ? #)."""
    compact = _IGNORED_IN_URL.sub("", url).lower()
    match = _SCHEME.match(compact)
    return match.group(1) if match else None


def network_path(url: str) -> bool:
    """Whether a URL without a scheme still names a host: `//host/…`, which browsers also read in
    `\\host/…` and `/\\host/…`. It is fetched from that host over the page's own scheme."""
    return scheme(url) is None and _IGNORED_IN_URL.sub("", url).replace("\\", "/").startswith("//")


def _fetched_with(url: str) -> str | None:
    """The scheme a browser fetches `url` with: a network-path URL counts as https (this site's)."""
    return "https" if network_path(url) else scheme(url)


@dataclass(frozen=True)
class Policy:
    """What one pass keeps: tags, attributes per tag, URL schemes of links and images (None: relative)."""

    tags: frozenset[str]
    attributes: Mapping[str, frozenset[str]]
    links: frozenset[str | None]
    images: frozenset[str | None]
    link_rel: str | None = None  # rel written on every link, replacing the author's

    def keeps(self, tag: str, attribute: str, value: str) -> bool:
        if attribute not in self.attributes.get(tag, ()):
            return False
        if attribute in ("width", "height", "start"):
            return bool(_NUMBER.fullmatch(value.strip()))
        if attribute in ("id", "class"):
            return bool(_NAME.fullmatch(value))
        if attribute == "style":
            declarations = [part for part in value.split(";") if part.strip()]
            return all(_ALIGNMENT.fullmatch(part) for part in declarations)
        if (tag, attribute) == ("a", "href"):
            return _fetched_with(value) in self.links
        if (tag, attribute) == ("img", "src"):
            return _fetched_with(value) in self.images
        return True

    def cleaner(self) -> nh3.Cleaner:
        def keep(tag: str, attribute: str, value: str) -> str | None:
            if attribute not in self.attributes.get(tag, ()):
                return value  # nh3's own (rel on links): nh3 has dropped every other attribute already
            return value if self.keeps(tag, attribute, value) else None

        return nh3.Cleaner(
            tags=set(self.tags),
            clean_content_tags=set(DROPPED_WITH_CONTENT),
            attributes={tag: set(names) for tag, names in self.attributes.items()},
            attribute_filter=keep,
            url_schemes={name for name in self.links | self.images if name},
            link_rel=self.link_rel,
            strip_comments=True,
            filter_style_properties=set(STYLE_PROPERTIES),
        )


def _merged(*parts: Mapping[str, frozenset[str]]) -> dict[str, frozenset[str]]:
    merged: dict[str, frozenset[str]] = {}
    for part in parts:
        for tag, names in part.items():
            merged[tag] = merged.get(tag, frozenset()) | names
    return merged


# Submitted mail: absolute links; images may still be cid: parts for the importer to resolve.
SUBMITTED = Policy(
    CONTENT_TAGS,
    CONTENT_ATTRIBUTES,
    frozenset({"http", "https", "mailto"}),
    frozenset({"http", "https", "cid", None}),
    link_rel="noopener noreferrer",
)
# Every story as the site is built: relative links too (Pelican writes them); every image is a file of
# this site, since a remote one could only be a tracker and the site loads nothing from another host.
STORY = Policy(
    CONTENT_TAGS | MARKDOWN_TAGS,
    _merged(CONTENT_ATTRIBUTES, MARKDOWN_ATTRIBUTES),
    frozenset({"http", "https", "mailto", None}),
    frozenset({None}),
)


class _Removals(HTMLParser):
    """What `policy` takes out of a fragment, as labels: "<script>", "onclick=", "javascript: link"."""

    def __init__(self, policy: Policy) -> None:
        super().__init__(convert_charrefs=True)
        self.policy = policy
        self.found: Counter[str] = Counter()
        self.dropped_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.dropped_depth:
            self.dropped_depth += tag in DROPPED_WITH_CONTENT
            return
        if tag in DROPPED_WITH_CONTENT or tag not in self.policy.tags:
            self.found[f"<{tag}>"] += 1
            self.dropped_depth += tag in DROPPED_WITH_CONTENT and tag not in _VOID
            return
        for name, value in attrs:
            if (tag, name) == ("a", "rel"):
                continue  # no part of what a reader sees; the submission pass writes its own
            if not self.policy.keeps(tag, name, value or ""):
                self.found[_attribute_label(tag, name, value or "")] += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        depth = self.dropped_depth
        self.handle_starttag(tag, attrs)
        self.dropped_depth = depth

    def handle_endtag(self, tag: str) -> None:
        if self.dropped_depth and tag in DROPPED_WITH_CONTENT:
            self.dropped_depth -= 1


_VOID = frozenset({"embed", "frame"})


def _attribute_label(tag: str, name: str, value: str) -> str:
    if (tag, name) == ("img", "src"):
        return f"image {value[:60]}"
    if (tag, name) == ("a", "href"):
        return f"{_fetched_with(value)}: link"
    return f"{name}="


def removals(html: str, policy: Policy = STORY) -> Counter[str]:
    """What cleaning `html` with `policy` removes, counted by label; empty when nothing is."""
    parser = _Removals(policy)
    parser.feed(html)
    parser.close()
    return parser.found
