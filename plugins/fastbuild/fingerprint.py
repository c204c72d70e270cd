"""What fastbuild's caches depend on besides their own sources: settings, plugin code, libraries, and
for rendered pages the theme.

Only code that can change the output counts: the packages named in PLUGINS and the modules they load
from PLUGIN_PATHS; a command-line tool beside them (not in PLUGINS, not imported by a plugin) can be
edited without throwing any cache away. A change to what does count starts those caches afresh,
which is always correct; the per-file records below them only track their own inputs.
"""

import hashlib
import sys
from collections.abc import Iterable, Mapping
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import Any

from siterules.cachekeys import cache_key

# Libraries whose version changes what a build writes (Unidecode and MarkupSafe: Pelican's slugs,
# and MarkupSafe the escaping of every page).
LIBRARIES = (
    "pelican", "Markdown", "Jinja2", "MarkupSafe", "Unidecode", "feedgen", "beautifulsoup4", "lxml",
    "nh3", "pillow", "numpy", "pyahocorasick",
)


def folder_files(folder: Path, suffixes: tuple[str, ...] | None = None) -> list[Path]:
    """Every file under `folder` (optionally only some suffixes), compiled bytecode left out."""
    if not folder.is_dir():
        return []
    return [
        file for file in sorted(folder.rglob("*"))
        if file.is_file() and "__pycache__" not in file.parts and (not suffixes or file.suffix in suffixes)
    ]


def _module_files(module: ModuleType) -> list[Path]:
    """A package's Python files, or a module's own file."""
    folders = getattr(module, "__path__", None)
    if folders is not None:
        return [file for folder in folders for file in folder_files(Path(folder), (".py",))]
    file = getattr(module, "__file__", None)
    return [Path(file)] if file else []


def plugin_code(settings: Mapping[str, Any]) -> list[Path]:
    """The code that can change what a build writes: the packages named in PLUGINS, and every other
    module they loaded from PLUGIN_PATHS (a shared helper), as absolute paths."""
    files: list[Path] = []
    for plugin in settings.get("PLUGINS") or ():
        if not isinstance(plugin, ModuleType):
            plugin = sys.modules.get(plugin) or import_module(plugin)
        files += _module_files(plugin)
    folders = [Path(folder).resolve() for folder in settings.get("PLUGIN_PATHS", [])]
    for module in list(sys.modules.values()):
        file = getattr(module, "__file__", None)
        if file and any(Path(file).resolve().is_relative_to(folder) for folder in folders):
            files.append(Path(file))
    return sorted({file.resolve() for file in files})


def reading_key(settings: Mapping[str, Any], ignored_settings: Iterable[str] = ()) -> str:
    """What a story read from its source depends on: the settings, the plugins' code (readers and
    their hooks) and the library versions. A short hex digest."""
    left_out = set(ignored_settings)
    chosen = {key: value for key, value in settings.items() if key not in left_out}
    return cache_key(chosen, plugin_code(settings), LIBRARIES)


def rendering_key(reading: str, settings: Mapping[str, Any]) -> str:
    """What a rendered page depends on besides its template variables: what reading depends on, and
    the theme's files. A short hex digest."""
    theme = Path(settings["THEME"])
    digest = hashlib.sha256(reading.encode())
    for file in folder_files(theme):
        digest.update(str(file.relative_to(theme)).encode() + b"\0")
        digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()[:16]
