"""Control characters never reach a page or feed: stories are cleaned as they are read, with a warning
naming the file and lines (Word's manual line break U+000B becomes a line break)."""

from pelican import Pelican, signals
from pelican.contents import Content, Static

from .reading import FOUND_KEY, add_to_markdown, clean_content_object, warn


def _add_markdown_extension(pelican: Pelican) -> None:
    add_to_markdown(pelican.settings)


def _clean_and_warn(content: Content) -> None:
    if isinstance(content, Static):  # a picture or other file copied as it is: no story text
        return
    found = content.metadata.pop(FOUND_KEY, ())
    vars(content).pop(FOUND_KEY, None)
    if content.metadata.get("reader") != "markdown":
        found = clean_content_object(content)
    if found and isinstance(found, tuple):
        warn(content.relative_source_path, found)


def register() -> None:
    signals.initialized.connect(_add_markdown_extension)
    signals.content_object_init.connect(_clean_and_warn)
