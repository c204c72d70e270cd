"""A cache key from chosen settings, code files and library versions, for every cache that needs one.

Each cache passes only its own inputs (fastbuild: all settings, the plugins' code and the libraries that
change pages; the feeds: their settings, channels' code, feedgen/lxml/pillow), so an edit elsewhere, a
command-line tool in tools/ say, leaves it warm. Caches of pure data (the photo store: source bytes,
recipe, encoder version; the search index's content-named files) are keyed by that data alone.
"""

import hashlib
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any


def stable_repr(value: Any) -> str:
    """A repr that is the same in every process and every run: no memory addresses."""
    if isinstance(value, Mapping):
        items = sorted((str(key), stable_repr(item)) for key, item in value.items())
        return "{" + ", ".join(f"{key}: {item}" for key, item in items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(stable_repr(item) for item in value) + "]"
    if isinstance(value, set | frozenset):
        return "{" + ", ".join(sorted(stable_repr(item) for item in value)) + "}"
    if value is None or isinstance(value, str | int | float | bool | bytes):
        return repr(value)
    # An object such as a Jinja global or a reader class: its type is what the settings chose.
    kind = type(value)
    if isinstance(value, type):
        return f"<class {value.__module__}.{value.__qualname__}>"
    return f"<{kind.__module__}.{kind.__qualname__}>"


def files_digest(files: Iterable[Path]) -> str:
    """One digest of the files' bytes and names (with their folder's: not where the checkout is)."""
    digest = hashlib.sha256()
    for file in sorted(set(files)):
        digest.update("/".join(file.parts[-2:]).encode() + b"\0")
        digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()


def library_versions(names: Iterable[str]) -> str:
    """The installed version of each named distribution ("absent" when it is not installed)."""
    versions = []
    for name in names:
        try:
            versions.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} absent")
    return ";".join(versions)


def cache_key(
    settings: Mapping[str, Any], code: Iterable[Path] = (), libraries: Iterable[str] = (), length: int = 16
) -> str:
    """A short hex key that changes when a chosen setting, a byte of the code files or a library's
    version does."""
    digest = hashlib.sha256()
    digest.update(stable_repr(settings).encode())
    digest.update(files_digest(code).encode())
    digest.update(library_versions(libraries).encode())
    return digest.hexdigest()[:length]
