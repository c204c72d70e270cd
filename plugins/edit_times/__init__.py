"""Edit times: an imported story an editor changed gets the time of that edit as its `modified` time
(edits.py), which the feeds carry as the item's updated time. The importer itself is the command-line
tool tools/mailbox_import, which records those times in its manifest beside the stories.
"""

from datetime import datetime
from pathlib import Path, PurePath

from pelican import signals
from pelican.contents import Content
from pelican.generators import ArticlesGenerator

from .edits import DEFAULT_CONTENT_DIR, edit_times

# This build's edit times, by the story's path under content/ (the importer's folder is directly under it).
_edit_times: dict[str, datetime] = {}


def _load_edit_times(generator: ArticlesGenerator) -> None:
    _edit_times.clear()
    folder = PurePath(generator.settings.get("MAILBOX_CONTENT_DIR", DEFAULT_CONTENT_DIR)).name
    times = edit_times(Path(generator.settings["PATH"]) / folder)
    _edit_times.update({f"{folder}/{name}": edited for name, edited in times.items()})


def _set_edit_time(content: Content) -> None:
    edited = _edit_times.get(content.relative_source_path)  # Pelican's, with "/" on every system
    if edited is not None and "modified" not in content.metadata:
        content.modified = edited


def register() -> None:
    signals.article_generator_init.connect(_load_edit_times)
    signals.content_object_init.connect(_set_edit_time)
