"""A build's caches are keyed by what can change its output: editing code Pelican never loads (a
command-line tool beside the plugins) keeps every cache warm; editing a plugin in PLUGINS does not."""

import os
import re
import subprocess
from pathlib import Path

from sitebuild import PELICAN, Build, repository_copy

RENDERED = re.compile(r"fastbuild: (\d+) pages, (\d+) rendered")


def build(checkout: Path) -> Build:
    """`pelican` as `make html` runs it, in the copy of the repository (its plugins and its cache/)."""
    result = subprocess.run(
        [str(PELICAN), "content", "-s", "pelicanconf.py", "-o", "output", "--verbose"],
        cwd=checkout, capture_output=True, text=True, timeout=300, env={**os.environ, "COLUMNS": "200"},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return Build(checkout / "output", result.returncode, result.stdout + result.stderr)


def rendered(log: str) -> tuple[int, int]:
    """(pages, pages rendered) of fastbuild's report."""
    match = RENDERED.search(log)
    assert match, log
    return int(match[1]), int(match[2])


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_a_tool_edit_keeps_the_caches_and_a_plugin_edit_starts_them_afresh(tmp_path):
    checkout = repository_copy(tmp_path)
    # A command-line tool in the plugins folder, not in PLUGINS and imported by no plugin.
    tool = checkout / "plugins" / "office_tool"
    tool.mkdir()
    (tool / "__init__.py").write_text('"""A tool editors run."""\n', encoding="utf-8")
    (tool / "__main__.py").write_text('print("done")\n', encoding="utf-8")
    pages, first = rendered(build(checkout).log)
    assert first == pages > 0
    reading_key = checkout / "cache" / "fastbuild" / "reading-key"
    key = reading_key.read_text(encoding="utf-8")

    append(tool / "__main__.py", 'print("done again")\n')
    again = build(checkout).log
    assert "nothing changed since the last build" in again  # every cache key is the same
    # A story saved again unchanged makes the build run: nothing is read or rendered again.
    story = next((checkout / "content" / "stories").glob("*.md"))
    story.write_bytes(story.read_bytes())
    assert rendered(build(checkout).log) == (pages, 0)
    assert reading_key.read_text(encoding="utf-8") == key

    append(checkout / "plugins" / "taxonomy" / "__init__.py", "# an edit to a plugin in PLUGINS\n")
    assert rendered(build(checkout).log) == (pages, pages)
    assert reading_key.read_text(encoding="utf-8") != key
