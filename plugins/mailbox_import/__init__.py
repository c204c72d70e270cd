"""Mailbox import: approved submissions from the mailbox export become Markdown stories.

At build time the rendered HTML of every imported story is sanitized a second time, because
Markdown can turn escaped text back into live markup.
"""

from pelican import signals
from pelican.contents import Content

from .config import DEFAULTS
from .sanitize import clean_rendered_html, is_imported


def _sanitize_imported(content: Content) -> None:
    folder = content.settings.get("MAILBOX_CONTENT_DIR", DEFAULTS["MAILBOX_CONTENT_DIR"])
    if not is_imported(content.relative_source_path, content.metadata, folder):
        return
    content._content = clean_rendered_html(content._content)
    if "summary" in content.metadata:
        content._summary = clean_rendered_html(content.metadata["summary"])
        content.metadata["summary"] = content._summary


def register() -> None:
    signals.content_object_init.connect(_sanitize_imported)
