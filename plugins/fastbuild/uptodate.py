"""A build with nothing to do: the same settings, theme, plugins, sources and output folder as at the
end of the last successful build, and no story's date passed since (a future-dated story enters the
feeds once its date has come, so that build must run)."""

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from siterules.processes import run_shares

# Folders this deep are digested whole, each by one process: at 10,000 stories the output's 120,000
# files sit under a few hundred of them (photos/<xx>/, stories/<year>/, …).
SHARED_DEPTH = 2


def _entries(folder: str) -> list[os.DirEntry]:
    try:
        return sorted(os.scandir(folder), key=lambda entry: entry.name)
    except (FileNotFoundError, NotADirectoryError):
        return []


def _file_line(entry: os.DirEntry, prefix: str) -> str | None:
    """A file's path, size and modification time; None if it is gone."""
    try:
        stat = entry.stat()
    except FileNotFoundError:
        return None
    return f"{prefix}{entry.name}\0{stat.st_size}\0{stat.st_mtime_ns}\n"


def _hash_files(folder: str, prefix: str, digest: "hashlib._Hash") -> None:
    for entry in _entries(folder):
        if entry.is_dir(follow_symlinks=False):
            _hash_files(entry.path, f"{prefix}{entry.name}/", digest)
        elif (line := _file_line(entry, prefix)) is not None:
            digest.update(line.encode("utf-8", "surrogateescape"))


def _subtree_digests(folders: list[tuple[str, str]]) -> list[str]:
    """The digest of everything under each (folder, prefix)."""
    digests = []
    for folder, prefix in folders:
        digest = hashlib.blake2b(digest_size=16)
        _hash_files(folder, prefix, digest)
        digests.append(digest.hexdigest())
    return digests


def _outline(
    folder: str, prefix: str, depth: int, lines: list[str | int], deep: list[tuple[str, str]]
) -> None:
    """The lines of the files of the first levels, in order, and in their places the numbers of the
    folders SHARED_DEPTH deep (path and prefix in `deep`)."""
    for entry in _entries(folder):
        if not entry.is_dir(follow_symlinks=False):
            if (line := _file_line(entry, prefix)) is not None:
                lines.append(line)
        elif depth + 1 < SHARED_DEPTH:
            _outline(entry.path, f"{prefix}{entry.name}/", depth + 1, lines, deep)
        else:
            lines.append(len(deep))
            deep.append((entry.path, f"{prefix}{entry.name}/"))


def tree_digest(folder: Path, workers: int = 1) -> str:
    """A digest of every file's path, size and modification time under `folder` (no file is read):
    at 10,000 stories the output holds 120,000 files, a stat each, walked by `workers` processes."""
    lines: list[str | int] = []
    deep: list[tuple[str, str]] = []
    _outline(str(folder), "", 0, lines, deep)
    if workers < 2 or len(deep) < 2 * workers:
        digests = _subtree_digests(deep)
    else:
        digests = [""] * len(deep)
        shares = [deep[index::workers] for index in range(workers)]
        for index, result in enumerate(run_shares(_subtree_digests, shares)):
            digests[index::workers] = result
    digest = hashlib.blake2b(digest_size=16)
    for line in lines:
        if isinstance(line, int):
            line = f"{deep[line][1]}\0{digests[line]}\n"
        digest.update(line.encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


@dataclass(frozen=True)
class BuildState:
    """What a build starts from: the cache fingerprint and the sources' digest, taken once before the
    build (a source saved during the build then makes the next build run). The output folder's digest
    is taken when needed: after the build to record it, before only if everything else matched."""

    fingerprint: str
    sources: str
    output: Path
    workers: int = 1  # processes walking the output folder


def build_state(fingerprint: str, sources: Path, output: Path, workers: int = 1) -> BuildState:
    return BuildState(fingerprint, tree_digest(sources, workers), output, workers)


def record_build(record: Path, state: BuildState, next_change: datetime | None) -> None:
    """Remember a finished build, and when the first future-dated story's date comes."""
    saved = {
        "fingerprint": state.fingerprint,
        "sources": state.sources,
        "output": tree_digest(state.output, state.workers),
        "next_change": next_change.isoformat() if next_change else None,
    }
    record.parent.mkdir(parents=True, exist_ok=True)
    temporary = record.with_suffix(".tmp")
    temporary.write_text(json.dumps(saved), encoding="utf-8")
    os.replace(temporary, record)


def is_current(record: Path, state: BuildState, now: datetime) -> bool:
    """Whether the last recorded build left exactly what a build now would write."""
    try:
        saved = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(saved, dict):
        return False
    if saved.get("fingerprint") != state.fingerprint or saved.get("sources") != state.sources:
        return False
    if saved.get("output") != tree_digest(state.output, state.workers):
        return False
    next_change = saved.get("next_change")
    return next_change is None or now < datetime.fromisoformat(next_change)
