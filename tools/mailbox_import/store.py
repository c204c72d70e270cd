"""Where stories are written, and the memory that keeps re-runs from losing or duplicating anything.

A manifest beside the stories (.mailbox-import.json) records, per story file, every message fingerprint
that produced it, the hash of its normalized text, and the hash of the file as the importer wrote it.
So a re-run skips known fingerprints without converting them, a resend (other encoding, new Message-ID)
maps to the story it repeats, and a file whose bytes differ from what was written was edited by hand and
is never touched again. Every write goes to a temporary file first and replaces the target atomically.

An import can be stopped at any moment (kill -9, a power cut), so the manifest may lag behind the story
files. A story file the manifest does not know is recognised as the importer's own when the same message
comes round again: it is exactly what the importer writes for that message, or an edited copy whose front
matter still names that message as its `Source:`. Anything else of that name is never overwritten.
Only one import runs at a time: a lock file beside the manifest, released by the system when its holder
dies, so a stale one never blocks.

During a run the manifest's stories are held in a temporary SQLite database rather than in Python objects,
read from and written back to the manifest a line at a time: memory stays flat however large the site.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from edit_times.edits import MANIFEST_NAME

if TYPE_CHECKING:  # the build reads the manifest only: no need for the converters' imports
    from .convert import Story

LOCK_NAME = ".mailbox-import.lock"
# How often a run writes the manifest while it goes: an interrupted run loses about this much work (its
# story files are recognised anyway; only their conversion is repeated). Never more than 2% of the run's
# time goes on it: with 10,000 stories one save takes some 0.1 s.
CHECKPOINT_SECONDS = 3.0
CHECKPOINT_SHARE = 0.02
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


def _remove_leftover_temporaries(folder: Path) -> None:
    """atomic_file's temporary files that a killed run left behind (only ever ours: `.NAME.XXXX.tmp`)."""
    if folder.is_dir():
        for entry in os.scandir(folder):
            if entry.name.startswith(".") and entry.name.endswith(".tmp") and entry.is_file():
                os.unlink(entry.path)


def _take_lock(folder: Path) -> int:
    """The descriptor holding folder's import lock, waiting (and saying so) while another import holds it.
    A POSIX record lock: the system drops it when its process dies, and forked workers do not inherit it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_NAME
    told = False
    while True:
        lock = os.open(path, os.O_RDWR | os.O_CREAT, 0o666 & ~_UMASK)
        try:
            fcntl.lockf(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            if not told:
                holder = os.pread(lock, 32, 0).decode(errors="replace").strip() or "?"
                print(
                    f"另一个导入正在进行（进程 {holder}），等它结束后接着运行……（按 Ctrl-C 放弃）",
                    file=sys.stderr,
                    flush=True,
                )
                told = True
            fcntl.lockf(lock, fcntl.LOCK_EX)
        # The holder removes the file as it lets go: a lock on a file no longer at path locks nothing.
        try:
            if os.path.samestat(os.fstat(lock), os.stat(path)):
                break
        except FileNotFoundError:
            pass
        os.close(lock)
    os.ftruncate(lock, 0)
    os.write(lock, f"{os.getpid()}\n".encode())
    return lock


def _is_story_of(data: bytes, source: str) -> bool:
    """Whether a story file's front matter names this message as its Source (the importer wrote it)."""
    head = data.split(b"\n\n", 1)[0]
    return f"\nSource: {source}\n".encode() in b"\n" + head + b"\n"


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
    # [sha256, time] of the file as an editor last changed it, when the importer first saw that version;
    # the feeds' updated time (edits.py). Absent until a story is edited.
    edited: list[str] | None = None


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
    edited TEXT, state TEXT
) WITHOUT ROWID;
CREATE TABLE by_source (source TEXT PRIMARY KEY, name TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE by_text (text_key TEXT PRIMARY KEY, name TEXT NOT NULL) WITHOUT ROWID;
"""


class _NotSavedLayout(ValueError):
    """The manifest is not laid out as save() writes it (reformatted by hand, say, or damaged)."""


def _manifest_line(name: str, entry: _Entry) -> str:
    fields = {key: value for key, value in asdict(entry).items() if value is not None}
    return f"{json.dumps(name, ensure_ascii=False)}: " + json.dumps(
        fields, ensure_ascii=False, sort_keys=True
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
            f"错误：导入记录 {manifest} 已损坏（{error}），导入没有开始，稿件一篇未动。"
            f"请从 git 恢复它（git checkout -- {manifest}）后再运行 make import；"
            "恢复的记录缺少的稿件，导入程序会认出是自己写的，不会报为跳过。"
        ) from None


def recorded_keys(stories_dir: Path) -> tuple[set[str], set[str]]:
    """The message fingerprints and text keys the manifest records, read without the import lock (for
    `make review`, which writes nothing and may run beside an import)."""
    manifest = Path(stories_dir) / MANIFEST_NAME
    if not manifest.exists():
        return set(), set()
    try:
        stories = list(_stream_manifest(manifest))
    except (ValueError, TypeError):
        stories = _read_whole_manifest(manifest)
    return {source for _, entry in stories for source in entry.sources}, {
        entry.text_key for _, entry in stories
    }


class Store:
    """The stories written so far, as the manifest records them. Opened (holding the import lock) from the
    manifest into a private SQLite database in a temporary file (outside content/, deleted on close),
    queried by fingerprint and text key, and streamed back into the manifest by save() and checkpoint()."""

    def __init__(self, stories_dir: Path, images_dir: Path) -> None:
        self.stories_dir = Path(stories_dir)
        self.images_dir = Path(images_dir)
        self.changed = False
        self._saved_at = time.monotonic()
        self._save_seconds = 0.0  # how long the last save took
        self._lock: int | None = None
        # "": SQLite's private temporary database, in the temporary folder and removed when closed.
        self._db = sqlite3.connect("", isolation_level=None)
        self._db.executescript(_SCHEMA)

    @classmethod
    def open(cls, stories_dir: Path, images_dir: Path) -> Store:
        store = cls(stories_dir, images_dir)
        try:
            store._lock = _take_lock(store.stories_dir)
            _remove_leftover_temporaries(store.stories_dir)
            _remove_leftover_temporaries(store.images_dir)
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
        if self._lock is not None:
            (self.stories_dir / LOCK_NAME).unlink(missing_ok=True)  # before letting go: see _take_lock
            os.close(self._lock)
            self._lock = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc_info: object) -> None:
        self.close()

    def _index(self, name: str, entry: _Entry, state: str | None = None) -> None:
        db = self._db
        db.execute(
            "INSERT OR REPLACE INTO stories VALUES (?, ?, ?, ?, ?, ?)",
            (
                name,
                json.dumps(entry.sources),
                entry.text_key,
                entry.written,
                json.dumps(entry.edited) if entry.edited else None,
                state,
            ),
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
        """Write a new story and its images, and return its file name. A file of that name already there
        (an interrupted run wrote it, and the manifest lost it) is kept and recorded as this story's:
        "unchanged" when it holds exactly these bytes, "edited" when it differs but still names this
        message as its Source. None when it is someone else's file: it is never overwritten."""
        name = f"{story_slug(story, source)}.md"
        path = self.stories_dir / name
        data = render_markdown(story, source, sample).encode("utf-8")
        on_disk = path.read_bytes() if path.exists() else None
        if on_disk is not None and on_disk != data and not _is_story_of(on_disk, source):
            return None
        for image in story.images:
            image_path = self.images_dir / image.name
            if not image_path.exists():  # named by content hash: an existing file is the same image
                atomic_write(image_path, image.data)
        if on_disk is None:
            atomic_write(path, data)
        state = "unchanged" if on_disk in (None, data) else "edited"
        self._index(name, _Entry([source], story.text_key, hashlib.sha256(data).hexdigest()), state)
        self.changed = True
        return name

    def record_edits(self, now: datetime) -> int:
        """Note the time of every story file whose bytes changed since the importer wrote it or last
        noted it: the build gives its feed items that updated time (edits.py). Returns how many."""
        records = []  # only the edited stories: memory stays flat however large the site
        for name, written, edited in self._db.execute("SELECT name, written, edited FROM stories"):
            try:
                current = hashlib.sha256((self.stories_dir / name).read_bytes()).hexdigest()
            except FileNotFoundError:
                continue
            if current != (json.loads(edited)[0] if edited else written):
                records.append((json.dumps([current, now.isoformat(timespec="seconds")]), name))
        self._db.executemany("UPDATE stories SET edited = ? WHERE name = ?", records)
        noted = len(records)
        self.changed = self.changed or bool(noted)
        return noted

    def checkpoint(self) -> None:
        """save(), every CHECKPOINT_SECONDS or so: what an interruption can lose stays small."""
        since = time.monotonic() - self._saved_at
        if since >= max(CHECKPOINT_SECONDS, self._save_seconds / CHECKPOINT_SHARE):
            self.save()

    def save(self) -> None:
        """Write the manifest, one story per line in name order (small diffs), streamed from the database.
        Its bytes reach the disk before it replaces the old one (atomic_file), so a power cut leaves the
        old manifest or the new one; should the replacement itself be lost, the stories it would have
        recorded are recognised by the next run (write())."""
        started = self._saved_at = time.monotonic()
        if not self.changed:
            return
        rows = self._db.execute("SELECT name, sources, text_key, written, edited FROM stories ORDER BY name")
        with atomic_file(self.stories_dir / MANIFEST_NAME) as stream:
            stream.write(_MANIFEST_HEAD.encode())
            for number, (name, sources, text_key, written, edited) in enumerate(rows):
                entry = _Entry(json.loads(sources), text_key, written, json.loads(edited) if edited else None)
                line = _manifest_line(name, entry)
                stream.write(("," if number else "").encode() + line.encode("utf-8") + b"\n")
            stream.write(_MANIFEST_TAIL.encode())
        self.changed = False
        self._save_seconds = time.monotonic() - started
