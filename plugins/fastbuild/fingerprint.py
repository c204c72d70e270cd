"""What every cached result depends on besides its own source: settings, theme, plugin code, libraries.

Anything that changes here invalidates every cache of the build at once, which is always correct;
the per-file caches below it only have to track their own inputs.
"""

import hashlib
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

# Libraries whose version changes what a build writes.
LIBRARIES = (
    "pelican", "Markdown", "Jinja2", "feedgen", "beautifulsoup4", "lxml", "nh3", "pillow", "numpy",
    "pyahocorasick",
)


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


def files_digest(folders: Iterable[Path], suffixes: tuple[str, ...] | None = None) -> str:
    """One digest of every file's path and bytes under `folders` (optionally only some suffixes)."""
    digest = hashlib.sha256()
    for folder in folders:
        if not folder.is_dir():
            continue
        for file in sorted(folder.rglob("*")):
            if not file.is_file() or "__pycache__" in file.parts:
                continue
            if suffixes and file.suffix not in suffixes:
                continue
            digest.update(str(file.relative_to(folder)).encode() + b"\0")
            digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()


def library_versions() -> str:
    versions = []
    for name in LIBRARIES:
        try:
            versions.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} absent")
    return ";".join(versions)


def build_fingerprint(settings: Mapping[str, Any], ignored_settings: Iterable[str] = ()) -> str:
    """A short hex digest of the settings, the theme, the plugin code and the library versions."""
    left_out = set(ignored_settings)
    digest = hashlib.sha256()
    digest.update(stable_repr({k: v for k, v in settings.items() if k not in left_out}).encode())
    digest.update(files_digest([Path(settings["THEME"])]).encode())
    plugin_folders = [Path(folder) for folder in settings.get("PLUGIN_PATHS", [])]
    digest.update(files_digest(plugin_folders, suffixes=(".py",)).encode())
    digest.update(library_versions().encode())
    return digest.hexdigest()[:16]
