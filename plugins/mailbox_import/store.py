"""Where stories are written, and the memory that keeps re-runs from losing or duplicating anything.

A manifest beside the stories (.mailbox-import.json) records, per story file, every message fingerprint
that produced it, the hash of its normalized text, and the hash of the file as the importer wrote it.
So a re-run skips known fingerprints without converting them, a resend (other encoding, new Message-ID)
maps to the story it repeats, and a file whose bytes differ from what was written was edited by hand and
is never touched again. Every write goes to a temporary file first and replaces the target atomically.

During a run the manifest's stories are held in a temporary SQLite database rather than in Python objects,
read from and written back to the manifest a line at a time: memory stays flat however large the site.
"""

import hashlib
import json
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import BinaryIO

from .convert import Story

MANIFEST_NAME = ".mailbox-import.json"
_UMASK = os.umask(0o022)
os.umask(_UMASK)


@contextmanager
def atomic_file(path: Path) -> Iterator[BinaryIO]:
    """A stream whose bytes replace path only when the block ends without error: a reader sees the
    old file or the new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(temporary, 0o666 & ~_UMASK)  # mkstemp makes 0600; stories are ordinary files
        with os.fdopen(handle, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def atomic_write(path: Path, data: bytes) -> None:
    with atomic_file(path) as stream:
        stream.write(data)


def story_slug(story: Story, source: str) -> str:
    return f"{story.date:%Y%m%d}-{source[:10]}"


def render_markdown(story: Story, source: str, sample: bool = False) -> str:
    """The story file in the site's front matter format; `sample` marks a fictional story as 示例."""
    lines = [f"Title: {story.title}", f"Date: {story.date:%Y-%m-%d %H:%M}"]
    if story.category:
        lines.append(f"Category: {story.category}")
    if story.summary:
        lines.append(f"Summary: {story.summary}")
    lines += [
        f"Slug: {story_slug(story, source)}",
        f"Org: {story.org}",
        f"Org_type: {story.org_type}",
        f"Region: {story.region}",
    ]
    if story.cover:
        lines.append(f"Cover: {story.cover}")
    lines.append(f"Source: {source}")
    if sample:
        lines.append("Sample: true")
    return "\n".join(lines) + "\n\n" + story.body + "\n"


@dataclass(slots=True)
class _Entry:
    sources: list[str]
    text_key: str
    written: str  # sha256 of the file's bytes as the importer wrote them


# The manifest as save() writes it: these lines around one line per story, the first without a comma.
_MANIFEST_HEAD = '{"version": 1, "stories": {\n'
_MANIFEST_TAIL = "}}\n"
# The stories live in SQLite, not in Python objects, so an import's memory does not grow with the site;
# SQLite's own cache is bounded (negative cache_size: KiB).
_SCHEMA = """
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -2048;
CREATE TABLE stories (
    name TEXT PRIMARY KEY, sources TEXT NOT NULL, text_key TEXT NOT NULL, written TEXT NOT NULL,
    state TEXT
) WITHOUT ROWID;
CREATE TABLE by_source (source TEXT PRIMARY KEY, name TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE by_text (text_key TEXT PRIMARY KEY, name TEXT NOT NULL) WITHOUT ROWID;
"""


class _NotSavedLayout(ValueError):
    """The manifest is not laid out as save() writes it (reformatted by hand, say, or damaged)."""


def _manifest_line(name: str, entry: _Entry) -> str:
    return f"{json.dumps(name, ensure_ascii=False)}: " + json.dumps(
        asdict(entry), ensure_ascii=False, sort_keys=True
    )


def _stream_manifest(manifest: Path) -> Iterator[tuple[str, _Entry]]:
    """The stories of a manifest in save()'s layout, a line at a time; ValueError or TypeError for any
    other text."""
    with manifest.open(encoding="utf-8") as lines:
        if next(lines, None) != _MANIFEST_HEAD:
            raise _NotSavedLayout
        for number, line in enumerate(lines):
            if line == _MANIFEST_TAIL:
                break
            if line.startswith(",") != (number > 0):
                raise _NotSavedLayout
            stories = json.loads("{" + line.removeprefix(",") + "}")
            if len(stories) != 1:
                raise _NotSavedLayout
            ((name, entry),) = stories.items()
            yield name, _Entry(**entry)
        else:
            raise _NotSavedLayout  # no closing line: cut short
        if any(line.strip() for line in lines):
            raise _NotSavedLayout


def _read_whole_manifest(manifest: Path) -> list[tuple[str, _Entry]]:
    """Any other manifest text, read whole as JSON; the error for one that is not a manifest."""
    try:
        saved = json.loads(manifest.read_text(encoding="utf-8"))
        return [(name, _Entry(**entry)) for name, entry in saved["stories"].items()]
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise SystemExit(
            f"error: {manifest} is damaged ({error}). Restore it from git "
            f"(git checkout -- {manifest}) and run the import again; no story was changed."
        ) from None


class Store:
    """The stories written so far, as the manifest records them. Opened from the manifest into a private
    SQLite database in a temporary file (outside content/, deleted on close), queried by fingerprint and
    text key, and streamed back into the manifest by save()."""

    def __init__(self, stories_dir: Path, images_dir: Path) -> None:
        self.stories_dir = Path(stories_dir)
        self.images_dir = Path(images_dir)
        self.changed = False
        # "": SQLite's private temporary database, in the temporary folder and removed when closed.
        self._db = sqlite3.connect("", isolation_level=None)
        self._db.executescript(_SCHEMA)

    @classmethod
    def open(cls, stories_dir: Path, images_dir: Path) -> "Store":
        store = cls(stories_dir, images_dir)
        try:
            store._load(store.stories_dir / MANIFEST_NAME)
        except BaseException:
            store.close()
            raise
        return store

    def _load(self, manifest: Path) -> None:
        if not manifest.exists():
            return
        try:
            self._index_all(_stream_manifest(manifest))
        except (ValueError, TypeError):
            self._db.executescript("DELETE FROM stories; DELETE FROM by_source; DELETE FROM by_text;")
            self._index_all(_read_whole_manifest(manifest))

    def _index_all(self, stories: Iterable[tuple[str, _Entry]]) -> None:
        self._db.execute("BEGIN")
        try:
            for name, entry in stories:
                self._index(name, entry)
        finally:
            self._db.execute("COMMIT")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *_exc_info: object) -> None:
        self.close()

    def _index(self, name: str, entry: _Entry, state: str | None = None) -> None:
        db = self._db
        db.execute(
            "INSERT OR REPLACE INTO stories VALUES (?, ?, ?, ?, ?)",
            (name, json.dumps(entry.sources), entry.text_key, entry.written, state),
        )
        db.executemany(
            "INSERT OR REPLACE INTO by_source VALUES (?, ?)", ((source, name) for source in entry.sources)
        )
        db.execute("INSERT OR IGNORE INTO by_text VALUES (?, ?)", (entry.text_key, name))

    def _one(self, query: str, key: str) -> tuple | None:
        return self._db.execute(query, (key,)).fetchone()

    def story_for_source(self, source: str) -> str | None:
        row = self._one("SELECT name FROM by_source WHERE source = ?", source)
        return row[0] if row else None

    def story_for_text(self, text_key: str) -> str | None:
        row = self._one("SELECT name FROM by_text WHERE text_key = ?", text_key)
        return row[0] if row else None

    def state(self, name: str) -> str:
        """ "unchanged", "edited" (bytes differ from what was written) or "deleted" by an editor."""
        state, written = self._one("SELECT state, written FROM stories WHERE name = ?", name)
        if state is None:
            path = self.stories_dir / name
            if not path.exists():
                state = "deleted"
            else:
                state = "unchanged" if hashlib.sha256(path.read_bytes()).hexdigest() == written else "edited"
            self._db.execute("UPDATE stories SET state = ? WHERE name = ?", (state, name))
        return state

    def add_source(self, name: str, source: str) -> None:
        """Record another message (a resend) as producing an existing story."""
        (sources,) = self._one("SELECT sources FROM stories WHERE name = ?", name)
        sources = json.dumps([*json.loads(sources), source])
        self._db.execute("UPDATE stories SET sources = ? WHERE name = ?", (sources, name))
        self._db.execute("INSERT OR REPLACE INTO by_source VALUES (?, ?)", (source, name))
        self.changed = True

    def write(self, story: Story, source: str, sample: bool = False) -> str | None:
        """Write a new story and its images; None when a file of that name exists that we did not write."""
        name = f"{story_slug(story, source)}.md"
        path = self.stories_dir / name
        if path.exists() and self._one("SELECT 1 FROM stories WHERE name = ?", name) is None:
            return None
        for image in story.images:
            image_path = self.images_dir / image.name
            if not image_path.exists():  # named by content hash: an existing file is the same image
                atomic_write(image_path, image.data)
        data = render_markdown(story, source, sample).encode("utf-8")
        atomic_write(path, data)
        self._index(name, _Entry([source], story.text_key, hashlib.sha256(data).hexdigest()), "unchanged")
        self.changed = True
        return name

    def save(self) -> None:
        """Write the manifest, one story per line in name order (small diffs), streamed from the database."""
        if not self.changed:
            return
        rows = self._db.execute("SELECT name, sources, text_key, written FROM stories ORDER BY name")
        with atomic_file(self.stories_dir / MANIFEST_NAME) as stream:
            stream.write(_MANIFEST_HEAD.encode())
            for number, (name, sources, text_key, written) in enumerate(rows):
                line = _manifest_line(name, _Entry(json.loads(sources), text_key, written))
                stream.write(("," if number else "").encode() + line.encode("utf-8") + b"\n")
            stream.write(_MANIFEST_TAIL.encode())
        self.changed = False
