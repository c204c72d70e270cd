"""A hand-written story with markup in its title, summary, tags, organization, WeChat author, WeChat
digest and Weibo text, through a real build as `make html` makes it: every feed format and every page
parsed back out holds nothing a reader could run, and no text field a reader could render as markup;
the fields show their text, and a warning names the file."""

import json

import feedparser
from hostile_fields import CHANNEL_FILE, STORIES, STORY_FILE, executable, markup_in_text, unsafe_places
from pelican.contents import Article
from pelican.settings import DEFAULT_CONFIG
from pelican.urlwrappers import Author, Tag
from sanitizer.fields import has_markup, make_fields_plain, plain_text
from sitebuild import ONE_LINE_EACH, build_site, content_with

import pelicanconf

TITLE = "字段测试＜img src=x onerror=alert(1)＞＜script＞alert(2)＜/script＞"
CHANNEL_TITLE = "渠道字段测试＆lt;iframe src=javascript:alert(10)＆gt;"


def test_markup_in_text_fields_reaches_no_feed_or_page_as_markup(tmp_path):
    build = build_site(tmp_path / "out", content=content_with(tmp_path, STORIES), env=ONE_LINE_EACH)
    assert build.returncode == 0, build.log
    assert unsafe_places(build.output) == []

    log = " ".join(build.log.split())
    assert f"稿件 stories/{STORY_FILE} 的 Title, Tags, Org, Wechat_author 含有网页代码" in log
    assert f"稿件 stories/{CHANNEL_FILE} 的 Title, Wechat_digest, Weibo_text 含有网页代码" in log
    assert "请在文件里把这几项改成纯文字" in log
    # The text is all there, neutralized, in every output.
    output = build.output
    entry = next(e for e in feedparser.parse(output / "feeds/all.rss.xml").entries if e.title == TITLE)
    assert entry.author == "＜b onmouseover=alert(8)＞南京市字段测试协会＜/b＞"
    tags = {tag.term for tag in entry.tags}
    assert tags >= {"防疫＜script＞alert(3)＜/script＞", "＜img src=x onerror=alert(4)＞"}
    wechat = {e.title: e for e in feedparser.parse(output / "feeds/wechat.rss.xml").entries}
    assert wechat[TITLE].author == "＜svg onload=alert(9)＞"
    assert "摘要＜img src=x onerror=alert(6)＞里写的是标记＜script＞" in wechat[TITLE].summary
    assert wechat[CHANNEL_TITLE].summary == "摘要＜img src=x onerror=alert(11)＞"
    weibo = {e.title: e for e in feedparser.parse(output / "feeds/weibo.rss.xml").entries}
    assert weibo[CHANNEL_TITLE].summary.startswith("微博＜script＞")
    app = json.loads((output / "feeds/app.json").read_text(encoding="utf-8"))
    assert any(item["title"] == TITLE for item in app["items"])
    page = build.page("stories/2020/hostile-fields/index.html")
    assert page.find("h1").get_text(strip=True) == TITLE
    assert page.find("meta", property="og:title")["content"].startswith(TITLE)


def test_the_same_story_without_the_rule_is_found_unsafe(tmp_path):
    """The reading above can fail: with the sanitizer left out, the fields reach the feeds as markup.
    (Still importable: the channels plugin makes a summary's text plain with the same rule.)"""
    plugins = [name for name in pelicanconf.PLUGINS if name != "sanitizer"]
    build = build_site(
        tmp_path / "out",
        content=content_with(tmp_path, STORIES),
        extra_settings={"PLUGINS": plugins},
        env={"PYTHONPATH": "plugins"},
    )
    assert build.returncode == 0 and "Cannot load plugin" not in build.log, build.log
    found = " ".join(unsafe_places(build.output))
    for place in (
        "feeds/all.rss.xml: title: ['<img>', '<script>']",
        "feeds/wechat.rss.xml: description: ['<img>']",
        "feeds/weibo.rss.xml: description: ['<script>']",
        "feeds/all.rss.xml: author: ['<b>']",
        "feeds/all.rss.xml: category",
    ):
        assert place in found, place


def test_the_rule():
    assert plain_text("  标题<img src=x>\n第二行 ") == "标题＜img src=x＞ 第二行"
    assert (
        plain_text("A&B &lt;b&gt; &#60; https://x.cn/?a=1&b=2")
        == "A&B ＆lt;b＆gt; ＆#60; https://x.cn/?a=1&b=2"
    )
    assert plain_text("温度>5度") == "温度＞5度" and not has_markup("温度>5度")
    assert has_markup("<b>") and has_markup("&lt;") and not has_markup("A & B")
    assert markup_in_text(plain_text("<svg onload=alert(1)>")) == []
    assert executable('<p><img src=x onerror="alert(1)"><a href=" java\tscript:x">a</a></p>') == [
        "onerror= on <img>",
        "href= java\tscript:x on <a>",
    ]


def test_every_text_field_of_a_content_object_and_nothing_else():
    settings = dict(DEFAULT_CONFIG)
    metadata = {
        "title": "<b>标题</b>",
        "author": Author("<i>作者</i>", settings),
        "tags": [Tag("<s>标签</s>", settings), Tag("防疫", settings)],
        "org": "南京市协会",
        "cover": "images/a&amp;b.jpg",
        "summary": "<p>摘要</p>",
    }
    article = Article("<p>正文</p>", metadata, settings=settings, source_path="/content/stories/a.md")
    assert make_fields_plain(article) == ["Title", "Author", "Tags"]
    assert article.title == article.metadata["title"] == "＜b＞标题＜/b＞"
    assert article.author.name == "＜i＞作者＜/i＞" and article.authors == [article.author]
    assert [tag.name for tag in article.tags] == ["＜s＞标签＜/s＞", "防疫"]
    assert article.metadata["cover"] == "images/a&amp;b.jpg" and article.metadata["summary"] == "<p>摘要</p>"
    assert make_fields_plain(article) == [], "plain text stays as it is"
