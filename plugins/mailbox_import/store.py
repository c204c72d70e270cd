"""Where stories are written, and the memory that keeps re-runs from losing or duplicating anything.

A manifest beside the stories (.mailbox-import.json) records, per story file, every message fingerprint
that produced it, the hash of its normalized text, and the hash of the file as the importer wrote it.
So a re-run skips known fingerprints without converting them, a resend (other encoding, new Message-ID)
maps to the story it repeats, and a file whose bytes differ from what was written was edited by hand and
is never touched again. Every write goes to a temporary file first and replaces the target atomically.
"""

import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
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


@dataclass
class Store:
    stories_dir: Path
    images_dir: Path
    entries: dict[str, _Entry] = field(default_factory=dict)  # story file name -> entry
    changed: bool = False

    def __post_init__(self) -> None:
        self.by_source: dict[str, str] = {}
        self.by_text: dict[str, str] = {}
        self._state_cache: dict[str, str] = {}

    @classmethod
    def open(cls, stories_dir: Path, images_dir: Path) -> "Store":
        store = cls(Path(stories_dir), Path(images_dir))
        manifest = store.stories_dir / MANIFEST_NAME
        if manifest.exists():
            try:
                saved = json.loads(manifest.read_text(encoding="utf-8"))
            except (ValueError, UnicodeDecodeError) as error:
                raise SystemExit(
                    f"error: {manifest} is damaged ({error}). Restore it from git "
                    f"(git checkout -- {manifest}) and run the import again; no story was changed."
                ) from None
            for name, entry in saved["stories"].items():
                store._index(name, _Entry(**entry))
        return store

    def _index(self, name: str, entry: _Entry) -> None:
        self.entries[name] = entry
        for source in entry.sources:
            self.by_source[source] = name
        self.by_text.setdefault(entry.text_key, name)

    def story_for_source(self, source: str) -> str | None:
        return self.by_source.get(source)

    def story_for_text(self, text_key: str) -> str | None:
        return self.by_text.get(text_key)

    def state(self, name: str) -> str:
        """ "unchanged", "edited" (bytes differ from what was written) or "deleted" by an editor."""
        if name not in self._state_cache:
            path = self.stories_dir / name
            if not path.exists():
                self._state_cache[name] = "deleted"
            else:
                same = hashlib.sha256(path.read_bytes()).hexdigest() == self.entries[name].written
                self._state_cache[name] = "unchanged" if same else "edited"
        return self._state_cache[name]

    def add_source(self, name: str, source: str) -> None:
        """Record another message (a resend) as producing an existing story."""
        self.entries[name].sources.append(source)
        self.by_source[source] = name
        self.changed = True

    def write(self, story: Story, source: str, sample: bool = False) -> str | None:
        """Write a new story and its images; None when a file of that name exists that we did not write."""
        name = f"{story_slug(story, source)}.md"
        path = self.stories_dir / name
        if path.exists() and name not in self.entries:
            return None
        for image in story.images:
            image_path = self.images_dir / image.name
            if not image_path.exists():  # named by content hash: an existing file is the same image
                atomic_write(image_path, image.data)
        data = render_markdown(story, source, sample).encode("utf-8")
        atomic_write(path, data)
        self._index(name, _Entry([source], story.text_key, hashlib.sha256(data).hexdigest()))
        self._state_cache[name] = "unchanged"
        self.changed = True
        return name

    def save(self) -> None:
        """Write the manifest, one story per line (small diffs; streamed, as it grows with the site)."""
        if not self.changed:
            return
        with atomic_file(self.stories_dir / MANIFEST_NAME) as stream:
            stream.write(b'{"version": 1, "stories": {\n')
            for number, name in enumerate(sorted(self.entries)):
                line = f"{json.dumps(name, ensure_ascii=False)}: "
                line += json.dumps(asdict(self.entries[name]), ensure_ascii=False, sort_keys=True)
                stream.write(("," if number else "").encode() + line.encode("utf-8") + b"\n")
            stream.write(b"}}\n")
        self.changed = False
