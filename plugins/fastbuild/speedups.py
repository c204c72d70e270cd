"""Two costs of Pelican itself that grow with the site, removed once the articles are final.

- Pelican picks each tag's and category's stories out of the whole dates list with `article in
  articles` on a plain list: one scan of the listing per story, quadratic at 10,000 stories (seconds
  on every build). Lists that answer `in` from a set make that linear.
- A story's `url` is formatted again (a copy of its metadata, date formatting) on every use: about
  90,000 times a build at 10,000 stories. Pelican's own `override_url` keeps the result.
"""

from collections.abc import Iterable
from typing import Any


class MembershipList(list):
    """A list whose `in` looks the item up by identity in a set kept beside it."""

    def __init__(self, items: Iterable[Any] = ()) -> None:
        super().__init__(items)
        self._ids = {id(item) for item in self}

    def __contains__(self, item: object) -> bool:
        # Pelican's content objects compare by identity, so this answers as list.__contains__ would.
        return id(item) in self._ids


def keep_urls(articles: Iterable[Any]) -> None:
    """Fix each story's URL once its metadata is final (as a `URL:` in front matter would)."""
    for article in articles:
        if not hasattr(article, "override_url"):
            article.override_url = article.url


def make_membership_fast(generator: Any) -> None:
    """Replace the article lists of the generator's tags and categories, once they are final
    (after `article_generator_finalized` nothing adds to them; sorting keeps the same members)."""
    generator.tags = {tag: MembershipList(articles) for tag, articles in generator.tags.items()}
    generator.categories = [
        (category, MembershipList(articles)) for category, articles in generator.categories
    ]
