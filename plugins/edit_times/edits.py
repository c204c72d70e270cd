"""When an imported story was last edited, for its feed items' updated time.

Each `make import` (which `make html` and the public build run first) notes in the manifest, committed
beside the stories, the hash of every story file an editor changed and the time it first saw that
version (store.Store.record_edits). The build reads those times from the manifest, so the output
depends only on content/: a cold build, a cached build and a build on another computer agree. A file's
modification time would not (a fresh clone or checkout makes every story look edited), nor would a
record under CACHE_PATH (a cold build would forget it). An explicit `Modified:` in the story wins.
"""

import json
from datetime import datetime
from pathlib import Path

# The importer's manifest, beside the stories it writes (tools/mailbox_import/store.py).
MANIFEST_NAME = ".mailbox-import.json"
# Where the importer writes stories unless MAILBOX_CONTENT_DIR says otherwise.
DEFAULT_CONTENT_DIR = "content/submissions"

_EDITED_KEY = '"edited"'


def edit_times(stories_dir: Path) -> dict[str, datetime]:
    """Story file name -> when its current version was first seen, for the edited stories only. Only the
    manifest lines that record an edit are parsed: a build reads this for every story."""
    manifest = Path(stories_dir) / MANIFEST_NAME
    try:
        text = manifest.read_text(encoding="utf-8")
    except (FileNotFoundError, UnicodeDecodeError):
        return {}
    if _EDITED_KEY not in text:
        return {}
    times = {}
    for line in text.splitlines():
        if _EDITED_KEY not in line:
            continue
        try:
            ((name, entry),) = json.loads("{" + line.strip().removeprefix(",").rstrip(",") + "}").items()
            times[name] = datetime.fromisoformat(entry["edited"][1])
        except (ValueError, TypeError, KeyError, IndexError):
            continue  # a manifest reformatted by hand: only the feeds' updated times fall back to Date
    return times
