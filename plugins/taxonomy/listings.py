"""Listing pages per organization type and per region, written like Pelican's category pages."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .vocabulary import (
    CATEGORIES,
    FEATURED_CATEGORY,
    GUIDANCE_CATEGORY,
    ORG_TYPES,
    REGIONS,
    UNLABELLED,
    UNLABELLED_SLUG,
    Term,
    names,
    slug_for,
)

DEFAULT_SETTINGS = {
    "FEATURED_CATEGORY": FEATURED_CATEGORY,
    "GUIDANCE_CATEGORY": GUIDANCE_CATEGORY,
    "UNLABELLED": UNLABELLED,
    # The vocabularies for templates (the search page's filters), from settings rather than from the
    # listings so that a page showing them does not depend on every story.
    "CATEGORY_NAMES": CATEGORIES,
    "ORG_TYPE_NAMES": tuple(names(ORG_TYPES)),
    "REGION_NAMES": tuple(names(REGIONS)),
    "ORG_TYPE_URL": "org-type/{slug}/",
    "ORG_TYPE_SAVE_AS": "org-type/{slug}/index.html",
    "ORG_TYPES_URL": "org-type/",
    "ORG_TYPES_SAVE_AS": "org-type/index.html",
    "REGION_URL": "region/{slug}/",
    "REGION_SAVE_AS": "region/{slug}/index.html",
    "REGIONS_URL": "region/",
    "REGIONS_SAVE_AS": "region/index.html",
}


@dataclass(frozen=True)
class Facet:
    """One way of grouping stories: its metadata field, label and vocabulary."""

    field: str
    setting_prefix: str
    label: str
    terms: tuple[Term, ...]
    excluded_categories: tuple[str, ...] = ()

    def covers(self, category: str) -> bool:
        """Whether stories of this category are grouped by this facet at all."""
        return category not in self.excluded_categories


FACETS = (
    # Guidance documents come from the office, not from an organization of any type.
    Facet("org_type", "ORG_TYPE", "组织类型", ORG_TYPES, excluded_categories=(GUIDANCE_CATEGORY,)),
    Facet("region", "REGION", "地区", REGIONS),
)


@dataclass
class Listing:
    """The stories that share one term of a facet, with the listing page's address."""

    facet: Facet
    name: str
    slug: str
    url: str
    save_as: str
    articles: list[Any] = field(default_factory=list)

    @property
    def page_name(self) -> str:
        return self.url.rstrip("/")

    def cache_key(self) -> tuple[str, ...]:
        """What a page shows of the listing (plugins/fastbuild): its term and address. Its stories
        reach pages on their own (`articles`, the paginator's pages, the index's `story_counts`), so
        a story added to a term renders again only the listing pages it appears on."""
        return (self.facet.field, self.name, self.slug, self.url, self.save_as)

    def __str__(self) -> str:
        return self.name


def term_name(article: Any, facet: Facet) -> str:
    return str(getattr(article, facet.field, "") or "").strip() or UNLABELLED


def group_articles(articles: Iterable[Any], facet: Facet, settings: dict[str, Any]) -> list[Listing]:
    """Group published articles by the facet's term, in vocabulary order, unlabelled last."""
    by_name: dict[str, Listing] = {}
    for article in articles:
        if not facet.covers(str(article.category)):
            continue
        name = term_name(article, facet)
        if name not in by_name:
            slug = UNLABELLED_SLUG if name == UNLABELLED else slug_for(facet.terms, name)
            prefix = facet.setting_prefix
            by_name[name] = Listing(
                facet,
                name,
                slug,
                settings[f"{prefix}_URL"].format(slug=slug),
                settings[f"{prefix}_SAVE_AS"].format(slug=slug),
            )
        by_name[name].articles.append(article)
    order = [term.name for term in facet.terms] + [UNLABELLED]
    return sorted(by_name.values(), key=lambda listing: order.index(listing.name))


def attach_listings(articles: Iterable[Any], listings: Iterable[Listing]) -> None:
    """Give each article a link target per facet, e.g. `article.org_type_listing`."""
    for listing in listings:
        for article in listing.articles:
            setattr(article, f"{listing.facet.field}_listing", listing)


def write_listings(
    write: Callable[..., None],
    get_template: Callable[[str], Any],
    context: dict[str, Any],
    facet: Facet,
    listings: list[Listing],
    dates: list[Any],
    settings: dict[str, Any],
) -> None:
    """Write the facet's index page and one paginated page per term."""
    index_url = settings[f"{facet.setting_prefix}S_URL"]
    write(
        settings[f"{facet.setting_prefix}S_SAVE_AS"],
        get_template("facet_index"),
        context,
        url=index_url,
        index_url=index_url,
        facet=facet,
        listings=listings,
        story_counts={listing.slug: len(listing.articles) for listing in listings},
        template_name="facet_index",
    )
    for listing in listings:
        members = set(map(id, listing.articles))  # a set: a list scan per story grows as N squared
        write(
            listing.save_as,
            get_template("facet_listing"),
            context,
            url=listing.url,
            index_url=index_url,
            facet=facet,
            listing=listing,
            articles=listing.articles,
            dates=[a for a in dates if id(a) in members],
            template_name=facet.field,
            page_name=listing.page_name,
            blog=True,
        )
