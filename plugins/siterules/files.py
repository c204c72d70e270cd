"""Writing output files: only when their bytes change, whole or not at all; and removing the files a
build no longer makes. An unchanged file keeps its time, so a rebuild, nginx's 304s and `make upload`
all see it as unchanged."""

import os
from collections.abc import Iterable
from pathlib import Path


def write_if_changed(path: Path, data: bytes | str) -> bool:
    """Write `data` (str as UTF-8) to `path` unless the file already holds exactly those bytes; returns
    whether it wrote. Atomically: a temporary dot file beside it is renamed over it, so a reader (a
    server, an upload, an interrupted build's next run) never sees half a file."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
    return True


def link_or_copy(source: Path, target: Path) -> None:
    """Give `target` the bytes of `source`, a file that never changes its bytes (a store named by
    digest): a hard link, so a cold build spends neither time nor disk on a copy; a copy where the
    two folders lie on different file systems. A `target` already there is left alone."""
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        os.link(source, temporary)
    except OSError:
        write_if_changed(target, source.read_bytes())
        return
    os.replace(temporary, target)


def folder_prefix(folder: str) -> str:
    """`folder` absolute and normalised, ending in a separator: what `under_folder` cuts off."""
    return os.path.join(os.path.abspath(folder), "")


def under_folder(path: str, prefix: str) -> str | None:
    """What `os.path.relpath` gives for an absolute, normalised `path` inside the folder whose
    `folder_prefix` is `prefix`, by cutting it off (relpath makes both paths absolute and compares
    them part by part: tens of microseconds, asked 20,000 times a build); None when it is not inside."""
    if path.startswith(prefix) and len(path) > len(prefix):
        return path[len(prefix) :]
    return None


def files_under(root: Path) -> set[str]:
    """Every file under `root` as a relative POSIX path (none when `root` does not exist), from the
    folders' listings alone: no file is stat'ed, which matters for 100,000 derived photos."""
    found: set[str] = set()
    for folder, _, names in os.walk(root):
        relative = os.path.relpath(folder, root)
        prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
        found.update(prefix + name for name in names)
    return found


def remove_files(root: Path, names: Iterable[str]) -> list[str]:
    """Delete the files `names` (relative to `root`; those already gone are skipped), then each folder
    they leave empty up to `root`; returns the names deleted, sorted."""
    removed = []
    for name in sorted(set(names)):
        path = root / name
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        removed.append(name)
        folder = path.parent
        while folder != root and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
    return removed
