"""The published folders: public/ (what is live), public.new/ (the build being made) and
public.previous/ (the one before). Each change is a rename, so public/ is always a whole build."""

import ctypes
import ctypes.util
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

# renameat2(2): swaps two paths in one step, so there is never a moment without public/.
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class PublishError(Exception):
    """Something an editor can act on; the message says what."""


@dataclass(frozen=True)
class PublishFolders:
    live: Path

    @property
    def new(self) -> Path:
        return self.live.with_name(self.live.name + ".new")

    @property
    def previous(self) -> Path:
        return self.live.with_name(self.live.name + ".previous")


def exchange(first: Path, second: Path) -> None:
    """Swap two folders by rename: in one step where the system allows it, else in three renames."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is not None:
        done = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
        if done == 0:
            return
    parked = first.with_name(first.name + ".swap")
    os.rename(first, parked)
    os.rename(second, first)
    os.rename(parked, second)


def start_new(folders: PublishFolders) -> None:
    """public.new/ as a copy of public/ (the build then rewrites only what changed), or empty."""
    shutil.rmtree(folders.new, ignore_errors=True)
    if folders.live.is_dir():
        subprocess.run(["cp", "-a", "--reflink=auto", str(folders.live), str(folders.new)], check=True)
    else:
        folders.new.mkdir(parents=True)


def swap_in(folders: PublishFolders) -> None:
    """public.new/ becomes public/; public/ becomes public.previous/ (the one before that is deleted)."""
    if not folders.live.is_dir():
        os.rename(folders.new, folders.live)
        return
    exchange(folders.new, folders.live)
    shutil.rmtree(folders.previous, ignore_errors=True)
    os.rename(folders.new, folders.previous)


def roll_back(folders: PublishFolders) -> None:
    """public.previous/ becomes public/ again, and public/ becomes public.previous/ (so a second
    rollback undoes the first)."""
    if not folders.previous.is_dir():
        raise PublishError(f"there is no earlier published build ({folders.previous}/) to go back to")
    if not folders.live.is_dir():
        os.rename(folders.previous, folders.live)
        return
    exchange(folders.previous, folders.live)


def remove_stale_static(output: Path, sources: dict[str, Path]) -> list[str]:
    """Remove files under output/<folder> that have no source at sources[folder]/<same path>: static
    files of an earlier build whose source is gone (Pelican copies static files but never removes
    them; pages, feeds and search shards are removed by their plugins). Returns the removed paths."""
    removed = []
    for folder, source in sources.items():
        copied = output / folder
        if not copied.is_dir():
            continue
        for path in sorted(copied.rglob("*"), reverse=True):
            relative = path.relative_to(copied)
            if path.is_dir():
                if not any(path.iterdir()) and not (source / relative).is_dir():
                    path.rmdir()
            elif not (source / relative).exists():
                path.unlink()
                removed.append(f"{folder}/{relative.as_posix()}")
    return sorted(removed)
