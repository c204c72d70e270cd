"""Two built sites compared as readers see them: every file byte for byte, except the search index,
compared by what a reader finds (a cached build keeps recent stories in a small segment of their own,
so its index files differ from a cold build's while every search finds the same), and the index's
entry that the search page carries, which names those segments."""

import hashlib
from pathlib import Path

from index_reader import search_differences
from search.layout import CARRIED_ENTRY, with_carried_entry
from siterules.folders import SEARCH_FOLDER


def digests(output: Path) -> dict[str, str]:
    """Each file's sha256 (a page's carried search entry left out); dot files (a build's own records)
    are neither uploaded nor served."""
    return {
        path.relative_to(output).as_posix(): hashlib.sha256(_without_entry(path)).hexdigest()
        for path in sorted(output.rglob("*"))
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(output).parts)
    }


def _without_entry(path: Path) -> bytes:
    data = path.read_bytes()
    if path.suffix != ".html":
        return data
    page = data.decode("utf-8", "surrogateescape")
    if not CARRIED_ENTRY.search(page):
        return data
    return with_carried_entry(page, "").encode("utf-8", "surrogateescape")


def differences(left: Path, right: Path) -> list[str]:
    """Files that are only in one tree or differ in bytes, then how the search indexes differ; []
    when a reader cannot tell the two sites apart."""
    a, b = digests(left), digests(right)
    names = (name for name in a.keys() | b.keys() if not name.startswith(f"{SEARCH_FOLDER}/"))
    return sorted(name for name in names if a.get(name) != b.get(name)) + search_differences(left, right)
