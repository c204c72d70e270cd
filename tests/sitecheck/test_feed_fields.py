"""`make check` reads every feed item's text fields (title, author, category; summary and tags in the
JSON Feed) as a reader would, and every problem it finds in a feed item names the story file it came
from: a build with hostile front matter passes once its fields are plain text, and the same build
without the rule fails, naming the story."""

import json
import shutil
from pathlib import Path

from channels.sources import ITEM_SOURCES_FILE
from hostile_fields import CHANNEL_FILE, STORIES, STORY_FILE
from sitebuild import build_site, content_with
from sitecheck.__main__ import main as check
from sitecheck.check import VALID_PAGES_FILE
from sitecheck.feeds import markup_in
from test_check import VALIDATOR

import pelicanconf

STORY_NAMED = f"(story stories/{STORY_FILE})"


def checked(output, capsys) -> tuple[int, str, list[tuple[str, str, str]]]:
    """make check on a test build, with the build's own cache folder (where it records item sources)."""
    report = output.parent / "problems.txt"
    code = check([str(output), "--validator", str(VALIDATOR), "--report", str(report),
                  "--cache", f"{output}-cache"])  # fmt: skip
    lines = [tuple(line.split("\t")) for line in report.read_text(encoding="utf-8").splitlines()]
    return code, capsys.readouterr().out, lines


def test_hostile_fields_pass_as_text_and_fail_as_markup_naming_the_story(tmp_path, capsys):
    build = build_site(tmp_path / "plain" / "out", content=content_with(tmp_path / "plain", STORIES))
    assert build.returncode == 0, build.log
    code, out, _ = checked(build.output, capsys)
    assert code == 0, out

    plugins = [name for name in pelicanconf.PLUGINS if name != "sanitizer"]
    raw = build_site(
        tmp_path / "raw" / "out",
        content=content_with(tmp_path / "raw", STORIES),
        extra_settings={"PLUGINS": plugins},
        env={"PYTHONPATH": "plugins"},
    )
    assert raw.returncode == 0, raw.log
    # The pages the first check found valid need no second validation (the validator is the slow part).
    shutil.copy(f"{build.output}-cache/{VALID_PAGES_FILE}", f"{raw.output}-cache/")
    # And one item of the JSON Feed broken against its schema.
    app = json.loads((raw.output / "feeds/app.json").read_text(encoding="utf-8"))
    broken = next(n for n, item in enumerate(app["items"]) if item["title"].startswith("渠道字段测试"))
    app["items"][broken]["title"] = 5
    (raw.output / "feeds/app.json").write_text(json.dumps(app, ensure_ascii=False), encoding="utf-8")
    code, out, lines = checked(raw.output, capsys)
    assert code == 1
    found = {(page, kind, detail.split(": ", 1)[0]) for page, kind, detail in lines}
    for page in ("feeds/all.rss.xml", "feeds/category/gong-zuo-dong-tai.rss.xml", "feeds/app.rss.xml",
                 "feeds/region/nanjing.rss.xml", "feeds/wechat.rss.xml", "feeds/weibo.rss.xml"):  # fmt: skip
        title = "字段测试<img src=x onerror=alert(1)><script>alert(2)</script>"[:40]
        assert (page, "markup", f"the title of item “{title}” holds markup") in found, page
    details = [detail for page, kind, detail in lines if kind == "markup"]
    assert any(d.startswith("the author of item") and "<b onmouseover" in d for d in details)
    assert any(d.startswith("the category “防疫<script>") for d in details)
    assert any("the author “<b onmouseover" in d for d in details), "the JSON Feed's authors too"
    # The WeChat digest and Weibo message are read as HTML: their handlers and scripts are active.
    wechat = [detail for page, kind, detail in lines if page == "feeds/wechat.rss.xml" and kind == "active"]
    assert any("onerror=" in detail and f"(story stories/{CHANNEL_FILE})" in detail for detail in wechat)
    # Every problem found in a feed names the story it came from; the summary shows it too.
    in_feeds = [detail for page, _, detail in lines if page.startswith("feeds/") and "item" in detail]
    in_feeds += [detail for page, _, detail in lines if page == "feeds/app.json"]
    assert in_feeds and all(STORY_NAMED in d or f"(story stories/{CHANNEL_FILE})" in d for d in in_feeds)
    assert STORY_NAMED in out and "text fields of feed items" in out
    schema = f"JSON Feed 1.1 schema, at items/{broken}/title: 5 is not of type 'string'"
    assert ("feeds/app.json", "feed", f"{schema} (story stories/{CHANNEL_FILE})") in lines

    # Without the build's record the items are still named, by their IDs.
    Path(f"{raw.output}-cache/{ITEM_SOURCES_FILE}").unlink()
    _, _, lines = checked(raw.output, capsys)
    assert all("a story the last build did not record" in d for p, _, d in lines if p == "feeds/all.rss.xml")


def test_what_counts_as_markup_in_a_text_field():
    assert markup_in("南京市<b onmouseover=alert(8)>协会</b>") == '<b onmouseover="alert(8)">协会</b>'
    assert markup_in("<!-- x -->标题") == "<!-- x -->"
    for text in ("温度<5度", "a < b > c", "＜img src=x＞", "&lt;script&gt;", "A & B"):
        assert markup_in(text) == "", text
