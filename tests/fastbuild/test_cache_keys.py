"""A build's caches are keyed by what can change its output: editing code Pelican never loads (a
command-line tool beside the plugins) keeps every cache warm; editing a plugin in PLUGINS does not."""

import os
import re
import subprocess
import sys
from pathlib import Path

from fastbuild.setup import use_reader_cache
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
    # A package in the plugins folder that PLUGINS does not name and no plugin imports.
    unlisted = checkout / "plugins" / "office_tool"
    unlisted.mkdir()
    (unlisted / "__init__.py").write_text('"""A tool editors run."""\n', encoding="utf-8")
    pages, first = rendered(build(checkout).log)
    assert first == pages > 0
    reading_key = checkout / "cache" / "fastbuild" / "reading-key"
    key = reading_key.read_text(encoding="utf-8")

    for tool in (
        "tools/mailbox_import/fetch.py",
        "tools/sitecheck/__main__.py",
        "plugins/office_tool/__init__.py",
    ):
        append(checkout / tool, "# an edit to a command-line tool\n")
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


def test_pelicans_reader_cache_is_used_only_under_the_key_it_was_made_with(tmp_path):
    cache, folder = tmp_path / "cache", tmp_path / "cache" / "fastbuild"
    cache.mkdir()
    use_reader_cache(cache, folder, "html")
    (cache / "ArticlesGenerator-Readers").write_bytes(b"read for make html")
    use_reader_cache(cache, folder, "publish")  # other settings: the other build's reading is set aside
    assert not (cache / "ArticlesGenerator-Readers").exists()
    (cache / "ArticlesGenerator-Readers").write_bytes(b"read for make publish")
    use_reader_cache(cache, folder, "html")  # and put back when its key comes again
    assert (cache / "ArticlesGenerator-Readers").read_bytes() == b"read for make html"
    use_reader_cache(cache, folder, "publish")
    assert (cache / "ArticlesGenerator-Readers").read_bytes() == b"read for make publish"


def test_a_reader_cache_of_unknown_key_is_not_trusted(tmp_path):
    (tmp_path / "PagesGenerator-Readers").write_bytes(b"made by a build without fastbuild's key")
    use_reader_cache(tmp_path, tmp_path / "fastbuild", "html")
    assert not (tmp_path / "PagesGenerator-Readers").exists()


def test_the_feed_cache_is_keyed_by_its_own_inputs_only(tmp_path):
    """The feeds' cache: feed settings, channels' code, feedgen/lxml/pillow; not other plugins or tools."""
    checkout = repository_copy(tmp_path)
    script = (
        "from pelican.settings import read_settings; from channels.feedcache import settings_digest; "
        "print(settings_digest(read_settings('pelicanconf.py')))"
    )

    def feed_key() -> str:
        result = subprocess.run(
            [sys.executable, "-c", script], cwd=checkout, capture_output=True, text=True, check=True,
            env={**os.environ, "PYTHONPATH": "plugins:tools"},
        )  # fmt: skip
        return result.stdout.strip()

    key = feed_key()
    append(checkout / "tools" / "mailbox_import" / "fetch.py", "# an edit to a command-line tool\n")
    append(checkout / "plugins" / "taxonomy" / "__init__.py", "# an edit to another plugin\n")
    assert feed_key() == key
    append(checkout / "pelicanconf.py", "DEFAULT_PAGINATION = 3\n")  # pages only, not the feeds
    assert feed_key() == key
    append(checkout / "pelicanconf.py", "SITESUBTITLE = '另一个副标题'\n")
    assert feed_key() != key
    key = feed_key()
    append(checkout / "plugins" / "channels" / "wechat.py", "# an edit to channels\n")
    assert feed_key() != key
