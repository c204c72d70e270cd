"""Real Pelican builds for tests: the `pelican` command on a content folder, into a temporary folder."""

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup

from bench.checkout import copy_checkout

REPO = Path(__file__).resolve().parent.parent
PELICAN = Path(sys.executable).with_name("pelican")


@dataclass
class Build:
    output: Path
    returncode: int
    log: str

    def html_files(self) -> list[Path]:
        return sorted(self.output.rglob("*.html"))

    def page(self, relative: str) -> BeautifulSoup:
        return BeautifulSoup((self.output / relative).read_text(encoding="utf-8"), "html.parser")


# A log line per record: Rich wraps Chinese text anywhere, so a message is searched for whole only so.
ONE_LINE_EACH = {"COLUMNS": "3000"}


def build_site(
    output: Path,
    content: Path = REPO / "content",
    settings_file: str = "pelicanconf.py",
    extra_settings: dict | None = None,
    env: dict[str, str] | None = None,
    verbose: bool = False,
    options: tuple[str, ...] = (),
) -> Build:
    """Run `pelican` from the repository root, as `make html` does, and keep its log (with the
    informational lines too when `verbose`); `options` are more command-line options."""
    command = [str(PELICAN), str(content), "-s", settings_file, "-o", str(output), *options]
    if verbose:
        command.append("--verbose")
    # Each test site keeps its build cache beside its output, never in the repository's cache/.
    # and its derived photos in a store of its own, never in the repository's resources/.
    stores = {"CACHE_PATH": f"{output}-cache", "PHOTOS_STORE": f"{output}-photos"}
    extra_settings = {**stores, **(extra_settings or {})}
    if extra_settings:
        # One -e for all: Pelican keeps only the last -e it is given.
        command += ["-e", *(f"{key}={json.dumps(value)}" for key, value in extra_settings.items())]
    result = subprocess.run(
        command,
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
        timeout=300,
    )
    return Build(output, result.returncode, result.stdout + result.stderr)


def content_with(folder: Path, stories: dict[str, str]) -> Path:
    """A copy of the repository's content in `folder`, plus stories (file name -> Markdown text)."""
    content = folder / "content"
    shutil.copytree(REPO / "content", content)
    for name, text in stories.items():
        (content / "stories" / name).write_text(text, encoding="utf-8")
    return content


def repository_copy(folder: Path) -> Path:
    """The repository as a checkout has it (tracked files and new ones not ignored) in `folder`, with
    the shared .venv, for commands such as `make publish` that write beside the sources."""
    return copy_checkout(REPO, folder)
