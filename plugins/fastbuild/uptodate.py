"""A build with nothing to do: the same settings, theme, plugins, sources and output folder as at the
end of the last successful build, and no story's date passed since (a future-dated story enters the
feeds once its date has come, so that build must run)."""

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path


def _hash_files(folder: str, prefix: str, digest: "hashlib._Hash") -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except (FileNotFoundError, NotADirectoryError):
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            _hash_files(entry.path, f"{prefix}{entry.name}/", digest)
            continue
        try:
            stat = entry.stat()
        except FileNotFoundError:
            continue
        line = f"{prefix}{entry.name}\0{stat.st_size}\0{stat.st_mtime_ns}\n"
        digest.update(line.encode("utf-8", "surrogateescape"))


def tree_digest(folder: Path) -> str:
    """A digest of every file's path, size and modification time under `folder` (no file is read),
    taken as the folders are walked: at 10,000 stories the output holds 120,000 files."""
    digest = hashlib.blake2b(digest_size=16)
    _hash_files(str(folder), "", digest)
    return digest.hexdigest()


@dataclass(frozen=True)
class BuildState:
    """What a build starts from: the cache fingerprint and the sources' digest, taken once before the
    build (a source saved during the build then makes the next build run). The output folder's digest
    is taken when needed: after the build to record it, before only if everything else matched."""

    fingerprint: str
    sources: str
    output: Path


def build_state(fingerprint: str, sources: Path, output: Path) -> BuildState:
    return BuildState(fingerprint, tree_digest(sources), output)


def record_build(record: Path, state: BuildState, next_change: datetime | None) -> None:
    """Remember a finished build, and when the first future-dated story's date comes."""
    saved = {
        "fingerprint": state.fingerprint,
        "sources": state.sources,
        "output": tree_digest(state.output),
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
    if saved.get("output") != tree_digest(state.output):
        return False
    next_change = saved.get("next_change")
    return next_change is None or now < datetime.fromisoformat(next_change)
