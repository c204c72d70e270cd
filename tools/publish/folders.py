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
# fastbuild's record of the pages a published build holds, kept inside it so that it moves with the
# build; a dot file, so never uploaded (tools/upload) nor served (deploy/nginx.conf).
PAGE_RECORD = ".fastbuild-pages.pickle"


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


def start_new(folders: PublishFolders, page_record: Path) -> bool:
    """public.new/ as a copy of public/, with fastbuild's record of the pages public/ holds put back
    at `page_record`, so the build rewrites only what changed and removes the pages it no longer
    writes. Without that record (a first publish, or public/ made otherwise) public.new/ starts empty,
    since pages of withdrawn stories could not be told from current ones. Returns whether it copied."""
    shutil.rmtree(folders.new, ignore_errors=True)
    if not (folders.live / PAGE_RECORD).is_file():
        folders.new.mkdir(parents=True)
        page_record.unlink(missing_ok=True)
        return False
    subprocess.run(["cp", "-a", "--reflink=auto", str(folders.live), str(folders.new)], check=True)
    page_record.parent.mkdir(parents=True, exist_ok=True)
    os.replace(folders.new / PAGE_RECORD, page_record)
    return True


def keep_page_record(folders: PublishFolders, page_record: Path) -> None:
    """Put the build's page record into public.new/, to move with it through swaps and rollbacks."""
    if page_record.is_file():
        shutil.copy2(page_record, folders.new / PAGE_RECORD)


def swap_in(folders: PublishFolders) -> None:
    """public.new/ becomes public/; public/ becomes public.previous/ (the one before that is deleted).
    Only renames until the last step, so an interruption never leaves a half-deleted build where
    `make rollback` would find it."""
    if not folders.live.is_dir():
        os.rename(folders.new, folders.live)
        return
    exchange(folders.new, folders.live)  # public.new/ now holds the build that was live
    if not folders.previous.is_dir():
        os.rename(folders.new, folders.previous)
        return
    exchange(folders.new, folders.previous)  # public.new/ now holds the build before that
    shutil.rmtree(folders.new)


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
