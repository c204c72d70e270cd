"""Mailbox import: approved submissions from the mailbox export become Markdown stories.

At build time the rendered HTML of every imported story (one with `source` metadata) is sanitized a
second time, because Markdown can turn escaped text back into live markup.
"""

from pelican import signals
from pelican.contents import Article

from .sanitize import clean_rendered_html


def _sanitize_imported(content: object) -> None:
    if isinstance(content, Article) and content.metadata.get("source"):
        content._content = clean_rendered_html(content._content)
        if "summary" in content.metadata:
            content._summary = clean_rendered_html(content.metadata["summary"])
            content.metadata["summary"] = content._summary


def register() -> None:
    signals.content_object_init.connect(_sanitize_imported)
