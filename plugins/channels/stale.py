"""Files of an earlier build that this one did not produce, removed so that a rebuild after deleting
a story or tag leaves the same output as a cold build.

The plugin owns its feed files (in the folders CHANNELS_FEED_PATHS and CHANNELS_OPML_PATH name) and
the WeChat covers; the preview pages go through Pelican's writer, which owns them.
"""

from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import Any

from siterules.files import remove_files

FEED_SUFFIXES = (".rss.xml", ".atom.xml", ".json", ".opml")


def feed_folders(settings: dict[str, Any]) -> set[str]:
    """Site-relative folders feeds are written to; never the site root, which holds other files."""
    paths = [*settings["CHANNELS_FEED_PATHS"].values(), settings["CHANNELS_OPML_PATH"]]
    folders = {str(PurePosixPath(path.format(slug="x", ext="x")).parent) for path in paths}
    return folders - {"."}


def remove_stale(output_dir: Path, produced: Iterable[str], candidates: Iterable[Path]) -> list[str]:
    """Delete every file in `candidates` not named (site-relative) in `produced`, then the folders
    that left empty; returns the deleted paths."""
    names = {file.relative_to(output_dir).as_posix() for file in candidates}
    return remove_files(output_dir, names - set(produced))


def owned_files(output_dir: Path, settings: dict[str, Any], cover_pattern: str) -> list[Path]:
    """The files this plugin may have written: feeds in the feed folders and WeChat covers."""
    files = [
        file
        for folder in feed_folders(settings)
        if (output_dir / folder).is_dir()
        for file in (output_dir / folder).iterdir()
        if file.is_file() and file.name.endswith(FEED_SUFFIXES)
    ]
    return files + sorted(output_dir.glob(cover_pattern))
