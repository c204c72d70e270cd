"""What the search index holds: one Document per story or page, made from the text Pelican already
has (the title and the body's HTML), never from the written pages."""

import hashlib
import html
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

# Tags that end a block of text: the text on each side must not make a pair of characters across
# them. Every other tag (strong, a, span…) is removed without a break, so a name in bold is one name.
BLOCK_TAG = re.compile(
    r"<(?:/?(?:p|div|h[1-6]|li|ul|ol|table|thead|tbody|tr|td|th|blockquote|pre|figure|figcaption|"
    r"section|article|aside|header|footer|dl|dt|dd|caption)\b[^>]*|br\b[^>]*|hr\b[^>]*)>",
    re.IGNORECASE,
)
ANY_TAG = re.compile(r"<[^>]*>")
COMMENT_OR_SCRIPT = re.compile(r"<!--.*?-->|<(script|style)\b.*?</\1>", re.IGNORECASE | re.DOTALL)
SPACES = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")
BREAKS = re.compile(r"\s*\n\s*")


def html_text(markup: str) -> str:
    """The readable text of an HTML fragment: blocks on their own lines, spaces collapsed."""
    text = COMMENT_OR_SCRIPT.sub("", markup)
    text = ANY_TAG.sub("", BLOCK_TAG.sub("\n", text))
    text = SPACES.sub(" ", html.unescape(text))
    return BREAKS.sub("\n", text).strip()


@dataclass(frozen=True)
class Document:
    """One searchable story or page."""

    url: str  # relative to the site root, e.g. "stories/2020/slug/"
    title: str
    text: str  # the body as plain text
    date: str = ""  # ISO 8601 with the time zone; "" for a page that is not a story
    org: str = ""  # the organization a result shows under its title
    # The search page's filters: name (category, org_type, region) -> this story's value.
    filters: dict[str, str] = field(default_factory=dict)

    def digest(self) -> str:
        """The SHA-256 of everything the index keeps of this document."""
        data = json.dumps(asdict(self), ensure_ascii=False, sort_keys=True).encode("utf-8")
        return hashlib.sha256(data).hexdigest()

    def minutes(self) -> int:
        """Minutes since 1970 of the date (the newest-first order); -1 without a date."""
        return int(datetime.fromisoformat(self.date).timestamp()) // 60 if self.date else -1


def newest_first(documents: list[Document]) -> list[Document]:
    """Stories newest first, then pages without a date; ties by address (the same order every build)."""
    return sorted(documents, key=lambda document: (-document.minutes(), document.url))


def story_document(article: Any, settings: Mapping[str, Any]) -> Document:
    """A Pelican article as the search page lists it and as article.html shows it: its column, its
    organization type (not for the guidance column) and region (the taxonomy plugin's listing names,
    UNLABELLED when it has none) and the organization it shows."""
    unlabelled = settings.get("UNLABELLED", "未标注")
    filters = {"category": article.category.name}
    if article.category.name != settings.get("GUIDANCE_CATEGORY"):
        filters["org_type"] = _listing_name(article, "org_type_listing", unlabelled)
    filters["region"] = _listing_name(article, "region_listing", unlabelled)
    org = getattr(article, "issuer", "") or getattr(article, "org", "") or unlabelled
    title = html_text(article.title)
    return Document(article.url, title, _body_text(article), article.date.isoformat(), org, filters)


def page_document(page: Any) -> Document:
    """A Pelican page (about/, submit/…): title and body, no date or filter."""
    return Document(page.url, html_text(page.title), _body_text(page))


def site_documents(generators: Iterable[Any], excluded_folders: Iterable[str]) -> list[Document]:
    """Every published story and page of a build (the generators' articles and pages), except those
    whose address is in one of `excluded_folders`."""
    documents = []
    for generator in generators:
        settings = getattr(generator, "settings", {})
        documents += [story_document(article, settings) for article in getattr(generator, "articles", [])]
        documents += [page_document(page) for page in getattr(generator, "pages", [])]
    excluded = tuple(f"{folder.strip('/')}/" for folder in excluded_folders)
    return [document for document in documents if not document.url.startswith(excluded)]


def _listing_name(article: Any, attribute: str, unlabelled: str) -> str:
    listing = getattr(article, attribute, None)
    return listing.name if listing else unlabelled


def _body_text(content: Any) -> str:
    # The body as read, before Pelican rewrites its {filename} links for the page: the links'
    # addresses are not searched, and the rewrite costs more than the rest of indexing a story.
    return html_text(content._content or "")
