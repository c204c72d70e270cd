"""How long the channels plugin adds to a build, for a site of N stories.

    .venv/bin/python bench/feeds.py [N]

Copies the project content, adds N synthetic stories (bench/stories.py), then builds twice with
the project settings: once with every plugin, once without channels. Prints both times and the
difference, plus the size of the feeds folder. No targets are asserted; compare runs over time.
"""

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from stories import write_stories
from timed_build import ROOT, build_seconds


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("count", nargs="?", type=int, default=300, help="stories (default 300)")
    count = parser.parse_args().count
    sys.path.insert(0, str(ROOT))
    from pelicanconf import PLUGINS

    with tempfile.TemporaryDirectory() as tmp:
        content = Path(tmp) / "content"
        shutil.copytree(ROOT / "content", content)
        write_stories(content, count)
        with_feeds = build_seconds(content, Path(tmp) / "with", {"PLUGINS": PLUGINS})
        without = build_seconds(
            content, Path(tmp) / "without", {"PLUGINS": [p for p in PLUGINS if p != "channels"]}
        )
        feeds = Path(tmp) / "with" / "feeds"
        size = sum(f.stat().st_size for f in feeds.rglob("*") if f.is_file())
        files = sum(1 for f in feeds.rglob("*") if f.is_file())
    print(f"stories: {count}")
    print(f"build with channels:    {with_feeds:6.2f} s")
    print(f"build without channels: {without:6.2f} s")
    print(f"channels adds:          {with_feeds - without:6.2f} s")
    print(f"feeds folder: {files} files, {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
