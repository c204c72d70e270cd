"""Real Pelican builds of a copy of the project content plus a few test stories, in a tmp dir."""

import shutil
from collections.abc import Callable
from pathlib import Path

from PIL import Image
from sitebuild import Build, build_site

ROOT = Path(__file__).resolve().parents[2]
PUBLIC_URL = "https://shzz.example.gov.cn"
IMPORTED_SOURCE = "5f" * 32

# Test stories added to the real content. The wide-cover story tests enclosures and the app image.
TEST_STORIES = {
    "stories/test-wide-cover.md": """Title: 测试：带封面和窄图的稿件
Date: 2020-04-22 09:15
Category: 工作动态
Tags: 测试话题甲, 物资保障
Slug: test-wide-cover
Summary: 用于测试封面附件、绝对地址和客户端头图。
Org: 南京市测试协会
Org_type: 行业协会商会
Region: 南京市
Cover: images/test/wide.jpg

正文第一段，[站内链接]({filename}2020-02-18-nanjing-logistics.md)，[相对链接](../../)。

![窄图]({static}/images/test/narrow.png)

![宽图]({static}/images/test/wide.jpg)
""",
    "stories/test-imported.md": f"""Title: 测试：导入的稿件
Date: 2020-04-23 11:00
Category: 经验做法
Tags: 测试话题甲
Slug: test-imported
Summary: 从邮箱导入的稿件，带来源指纹。
Org: 无锡市测试服务中心
Org_type: 社会服务机构
Region: 无锡市
Source: {IMPORTED_SOURCE}

先窄图、后宽图、没有封面的稿件。

![窄图]({{static}}/images/test/narrow.png)

![宽图]({{static}}/images/test/wide.jpg)
""",
    "stories/test-wechat-only.md": """Title: 测试：只发微信和微博的稿件
Date: 2020-04-24 08:00
Category: 工作动态
Slug: test-wechat-only
Summary: 这篇稿件不进媒体订阅源和客户端。
Org: 苏州市测试协会
Region: 苏州市
Channels: wechat, weibo

只发微信和微博。
""",
    "stories/test-future.md": """Title: 测试：未来日期的稿件
Date: 2099-01-01 08:00
Category: 工作动态
Slug: test-future
Summary: 日期在未来，不应出现在任何订阅源里。
Org: 测试协会

未来的稿件。
""",
}


# What an editor changes between the "local" and the "public" build: a new slug and an edit on one
# story, a corrected date on the imported one. None of it may change an item's ID.
EDITS = {
    "stories/test-wide-cover.md": [
        ("Slug: test-wide-cover", "Slug: test-wide-cover-renamed\nModified: 2020-05-01 10:00"),
        ("正文第一段", "修改后的正文第一段"),
    ],
    "stories/test-imported.md": [("Date: 2020-04-23 11:00", "Date: 2020-04-21 11:00")],
}


def make_site(root: Path, edited: bool = False) -> Path:
    """A copy of the project's content plus the test stories and images; returns the content dir."""
    content = root / "content"
    shutil.copytree(ROOT / "content", content)
    for relative, text in TEST_STORIES.items():
        for old, new in EDITS.get(relative, []) if edited else []:
            assert old in text
            text = text.replace(old, new)
        (content / relative).write_text(text, encoding="utf-8")
    images = content / "images" / "test"
    images.mkdir(parents=True)
    Image.new("RGB", (1280, 720), (200, 40, 40)).save(images / "wide.jpg", quality=80)
    Image.new("RGB", (400, 300), (40, 40, 200)).save(images / "narrow.png")
    return content


def build(content: Path, output: Path, siteurl: str = "", expect_success: bool = True) -> Build:
    """Run `pelican` as an editor would, with the project's settings and the given SITEURL."""
    settings = {"SITEURL": siteurl, "RELATIVE_URLS": not siteurl}
    result = build_site(output, content=content, extra_settings=settings)
    assert (result.returncode == 0) == expect_success, result.log
    return result


# A built site by name (see the built_site fixture in conftest.py) -> its output folder.
Site = Callable[[str], Path]


def channel_files(output: Path) -> dict[str, bytes]:
    """Every file the plugin writes itself (feeds, OPML, WeChat covers), site-relative -> bytes."""
    files = [*(output / "feeds").rglob("*"), *output.glob("wechat/*/cover-*.jpg")]
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in files if p.is_file()}
