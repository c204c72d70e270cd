"""Pelican's memo of every story's content and summary: the one place that knows how it is kept.

Pelican's `Content.get_content` and `get_summary` are `pelican.utils.memoized`: each remembers every
result (links resolved against a site URL) in one dict for the rest of the build. At 10,000 stories
the remembered contents were about 50 MB in every process fastbuild forks to render, so it lets them
go before it forks, and after each page. tests/fastbuild/test_pelican_internals.py checks that
Pelican still keeps them this way.
"""

from typing import Any

from pelican.contents import Content

_CONTENT = Content.__dict__["get_content"]
_SUMMARY = Content.__dict__["get_summary"]


def content_unremembered(content: Content, siteurl: str) -> Any:
    """The content with links against `siteurl`, worked out without reading or filling the memo."""
    return _CONTENT.func(content, siteurl)


def forget_contents(summaries: bool = False) -> None:
    """Let go of every content Pelican remembers, and of every summary if `summaries`."""
    _CONTENT.cache.clear()
    if summaries:
        _SUMMARY.cache.clear()
