"""A hand-written story with Word's control characters builds, warns, and every output is clean."""

import re

import feedparser
from sitebuild import ONE_LINE_EACH, build_site, content_with

STORY = (
    "Title: 控制字符\x0b测试\x01稿件\n"
    "Date: 2020-03-03\x01 09:00\n"
    "Category: 工作\x01动态\n"
    "Slug: control-characters\n"
    "Summary: 摘要\x0b含有\x01控制字符\n"
    "Org: 南京市测试\x01志愿者协会\n"
    "\n"
    "第一段\x0b手动换行之后\x01的文字&#1;。\n"
    "\n"
    "第二段没有问题。\n"
)
HTML_STORY = (
    '<html><head><title>网页\x01稿件</title><meta name="date" content="2020-03-04 09:00">'
    '<meta name="category" content="工作动态"><meta name="slug" content="html-story"></head>\n'
    "<body><p>正文\x01第一行\x0b第二行&#2;</p></body></html>\n"
)
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|&#(?:0*1|x0*[bB]);")


def test_story_with_control_characters_builds_warns_and_every_output_is_clean(tmp_path):
    content = content_with(tmp_path, {"word-paste.md": STORY, "web-page.html": HTML_STORY})
    build = build_site(tmp_path / "out", content=content, env=ONE_LINE_EACH)
    assert build.returncode == 0, build.log
    log = " ".join(build.log.split())
    warning = "稿件 stories/word-paste.md 第 1, 2, 3, 5, 6, … 行有网页和订阅源容纳不了的看不见的字符"
    assert f"{warning}（U+0001 ×7, U+000B ×3）" in log and "请在文件里把这几行重新输入" in log
    html_warning = "稿件 stories/web-page.html 第 1, 2 行有网页和订阅源容纳不了的看不见的字符"
    assert f"{html_warning}（U+0001 ×2, U+0002, U+000B）" in log
    page = (build.output / "stories/2020/control-characters/index.html").read_text(encoding="utf-8")
    assert "控制字符 测试稿件" in page and "第一段<br>" in page and "手动换行之后的文字。" in page
    web_page = (build.output / "stories/2020/html-story/index.html").read_text(encoding="utf-8")
    assert "网页稿件" in web_page and "正文第一行<br>第二行" in web_page
    written = [path for path in build.output.rglob("*") if path.suffix in (".html", ".xml", ".json", ".opml")]
    assert len(written) > 50
    for path in written:
        assert not CONTROL.search(path.read_text(encoding="utf-8")), path
    feeds = list((build.output / "feeds").rglob("*.xml"))
    assert feeds
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
    site_feed = feedparser.parse((build.output / "feeds" / "all.atom.xml").read_bytes())
    entry = next(e for e in site_feed.entries if "control-characters" in e.link)
    assert entry.title == "控制字符 测试稿件"
    # Saved again unchanged: the build runs (a build with nothing changed at all is skipped) and reads
    # the story from fastbuild's reader cache, which must still warn.
    story = content / "stories" / "word-paste.md"
    story.write_bytes(story.read_bytes())
    rebuild = build_site(tmp_path / "out", content=content, env=ONE_LINE_EACH)
    assert rebuild.returncode == 0 and warning in " ".join(rebuild.log.split()), rebuild.log
