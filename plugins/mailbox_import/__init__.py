"""Mailbox import: approved submissions from the mailbox export become Markdown stories.

At build time the rendered HTML of every imported story is sanitized a second time, because
Markdown can turn escaped text back into live markup; and a story an editor changed gets the time of
that edit as its `modified` time (edits.py), which the feeds carry as the item's updated time.
"""

from datetime import datetime
from pathlib import Path, PurePath

from pelican import signals
from pelican.contents import Content
from pelican.generators import ArticlesGenerator

from .config import DEFAULTS
from .edits import edit_times
from .sanitize import clean_rendered_html, is_imported

_edit_times: dict[str, datetime] = {}  # this build's, by story file name


def _stories_folder(settings: dict) -> str:
    return settings.get("MAILBOX_CONTENT_DIR", DEFAULTS["MAILBOX_CONTENT_DIR"])


def _load_edit_times(generator: ArticlesGenerator) -> None:
    _edit_times.clear()
    folder = PurePath(_stories_folder(generator.settings)).name  # directly under content/, as is_imported
    _edit_times.update(edit_times(Path(generator.settings["PATH"]) / folder))


def _prepare_imported(content: Content) -> None:
    if not is_imported(content.relative_source_path, content.metadata, _stories_folder(content.settings)):
        return
    edited = _edit_times.get(PurePath(content.source_path).name)
    if edited is not None and "modified" not in content.metadata:
        content.modified = edited
    content._content = clean_rendered_html(content._content)
    if "summary" in content.metadata:
        content._summary = clean_rendered_html(content.metadata["summary"])
        content.metadata["summary"] = content._summary


def register() -> None:
    signals.article_generator_init.connect(_load_edit_times)
    signals.content_object_init.connect(_prepare_imported)
