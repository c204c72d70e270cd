"""Every story, hand-written or imported, passes one allow-list sanitizer as it is read: scripts,
event handlers, javascript: URLs, iframes, styles and images from other hosts never reach a page or
feed, every text field (title, tags, organization, …) is plain text, and what was removed or
neutralized is a warning naming the file."""

from pelican import Pelican, signals
from pelican.contents import Content, Static

from . import fields
from .reading import REMOVED_KEY, add_to_markdown, clean_content_object, warn


def _add_markdown_extension(pelican: Pelican) -> None:
    add_to_markdown(pelican.settings)


def _clean_and_warn(content: Content) -> None:
    if isinstance(content, Static):  # a picture or other file copied as it is: no story text
        return
    found = content.metadata.pop(REMOVED_KEY, None)
    vars(content).pop(REMOVED_KEY, None)
    if content.metadata.get("reader") != "markdown":
        found = clean_content_object(content)
    if found:
        warn(content.relative_source_path, found)
    if marked := fields.make_fields_plain(content):
        fields.warn(content.relative_source_path, marked)


def register() -> None:
    signals.initialized.connect(_add_markdown_extension)
    signals.content_object_init.connect(_clean_and_warn)
