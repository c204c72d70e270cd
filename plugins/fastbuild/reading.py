"""Read the sources that are not in the reader cache on every core, before Pelican asks for them.

Pelican reads articles one by one in `generate_context`, each through `Readers.read_file`, which first
looks in its reader-level cache (CONTENT_CACHING_LAYER = "reader"). Filling that cache beforehand in a
process pool leaves Pelican's own loop (metadata, signals, content objects) exactly as it is.
"""

import logging
import multiprocessing
import os
import pickle
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from pelican.readers import Readers, _filter_discardable_metadata
from pelican.utils import file_suffix
from siterules.processes import Forked

logger = logging.getLogger(__name__)

# Below this many files a pool costs more than it saves.
MIN_FILES_FOR_POOL = 64

_worker_readers: Readers | None = None


def _read_one(path: str) -> tuple[str, Any]:
    """In a worker: the reader's (content, metadata) for one file, or the error to report."""
    assert _worker_readers is not None
    reader = _worker_readers.readers[file_suffix(path)]
    try:
        content, metadata = reader.read(path)
    except Exception as error:  # reported by Pelican itself when it reads the file again
        return path, error
    return path, (content, _filter_discardable_metadata(metadata))


def _start_worker(readers: Readers) -> None:
    global _worker_readers
    _worker_readers = readers


def uncached_sources(readers: Readers, base_path: str, files: Iterable[str]) -> list[str]:
    """Absolute paths of the readable `files` whose reader-cache entry is missing or stale."""
    missing = []
    for name in files:
        path = os.path.abspath(os.path.join(base_path, name))
        if file_suffix(path) not in readers.readers:
            continue
        content, _ = readers.get_cached_data(path, (None, None))
        if content is None:
            missing.append(path)
    return missing


class ForkedCacheSave:
    """Pelican's `readers.save_cache`, in a forked process beside the build, which then lets go of
    its own copy of the cache.

    Pelican pickles the reader cache in the build's process, and pickling leaves every object it
    reaches with a dictionary of its own for the rest of the build; and it keeps the cache in memory
    after saving it, every story's HTML as read, which is a second copy of them all once
    plugins/photos has rewritten the stories' contents. At 10,000 stories the two were about 60 MB of
    the build's memory, and the pickling a second of its only busy core. `wait` before the build ends.
    """

    def __init__(self, readers: Readers) -> None:
        self._readers = readers
        self._save = readers.save_cache
        self._saving: Forked | None = None
        readers.save_cache = self._start

    def _start(self) -> None:
        self._saving = Forked(self._save)
        # This build neither reads nor saves the cache again; the file stays as the child saves it.
        self._readers._cache = {}
        self._readers._cache_data_policy = False

    def wait(self) -> None:
        if self._saving is not None:
            saving, self._saving = self._saving, None
            saving.result()


def read_in_parallel(readers: Readers, paths: list[str], workers: int) -> int:
    """Read `paths` in `workers` forked processes into `readers`' cache; returns how many were cached.

    A file that fails is left out of the cache, so Pelican reads it again and reports the error
    with its usual message naming the file.
    """
    if workers < 2 or len(paths) < MIN_FILES_FOR_POOL:
        return 0
    context = multiprocessing.get_context("fork")
    cached = 0
    chunk = max(1, min(64, len(paths) // (workers * 8)))
    with context.Pool(workers, initializer=_start_worker, initargs=(readers,)) as pool:
        for path, result in pool.imap_unordered(_read_one, paths, chunksize=chunk):
            if isinstance(result, Exception):
                continue
            readers.cache_data(path, result)
            cached += 1
    return cached


class SourceStamps:
    """The content stamps (hashes) by which Pelican's reader cache knows a source is unchanged,
    remembered by file size and modification time: an unchanged file is not read again to be
    hashed, neither twice in one build (the check for what to read in parallel, then Pelican's own)
    nor on the next build. The no-change check (uptodate.py) trusts size and time the same way.
    A file is looked at once per build: one saved during the build is read again by the next one
    (its size or time no longer match), as one saved just after it would be. A file that cannot be
    read (Pelican then warns and reads it as new) is tried again each time it is asked for."""

    def __init__(self, cache_file: Path, stamp: Callable[[str], Any]) -> None:
        self.cache_file = cache_file
        self._stamp = stamp
        try:
            with cache_file.open("rb") as file:
                self._known: dict[str, tuple[tuple[int, int], Any]] = pickle.load(file)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError):
            self._known = {}
        self._used: set[str] = set()
        self._changed = False

    def __call__(self, filename: str) -> Any:
        if filename in self._used:
            # Pelican asks up to four times per story in one build (its reader cache and the articles
            # generator's, each to look up and to store): the first answer stands for the build.
            return self._known[filename][1]
        stat = os.stat(filename)
        key = (stat.st_size, stat.st_mtime_ns)
        known = self._known.get(filename)
        if known is None or known[0] != key:
            known = self._known[filename] = (key, self._stamp(filename))
            self._changed = True
        self._used.add(filename)  # only once answered: a file that could not be read is tried again
        return known[1]

    def save(self) -> None:
        """Keep the stamps of the files used in this build, if any changed or went."""
        if not self._changed and self._used == self._known.keys():
            return
        kept = {name: self._known[name] for name in self._used}
        self.cache_file.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.cache_file.with_suffix(".tmp")
        with temporary.open("wb") as file:
            pickle.dump(kept, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, self.cache_file)
