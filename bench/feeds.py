"""How long the channels plugin adds to a build, for a site of N stories.

    .venv/bin/python bench/feeds.py [N]

Copies the project content, adds N synthetic stories (each with an image), then builds twice with
the project settings: once with every plugin, once without channels. Prints both times and the
difference, plus the size of the feeds folder. No targets are asserted; compare runs over time.
"""

import shutil
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from timed_build import ROOT, build_seconds

STORY = """Title: 基准稿件 {n}
Date: {date:%Y-%m-%d %H:%M}
Category: 工作动态
Tags: 基准话题{tag}, 物资保障
Slug: bench-{n}
Summary: 第 {n} 篇基准稿件。
Org: 基准协会{n}
Region: 南京市
Cover: images/samples/trucks.jpg

{body}

![图]({{static}}/images/samples/boxes.jpg)
"""


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    sys.path.insert(0, str(ROOT))
    from pelicanconf import PLUGINS

    with tempfile.TemporaryDirectory() as tmp:
        content = Path(tmp) / "content"
        shutil.copytree(ROOT / "content", content)
        start = datetime(2020, 2, 1, 8, 0)
        body = "社会组织积极参与疫情防控工作。" * 40
        for n in range(count):
            text = STORY.format(n=n, date=start + timedelta(hours=n), tag=n % 20, body=body)
            (content / "stories" / f"bench-{n}.md").write_text(text, encoding="utf-8")
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
