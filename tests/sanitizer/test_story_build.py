"""Every story passes the allow-list as the site is built: the issue's example story reaches neither its
page, nor the feeds, nor app.json, nor the WeChat fragments as live markup, with a warning naming the
file; ordinary Markdown (tables, footnotes, code, headings, images, links) comes through whole."""

import json
from collections import Counter

import feedparser
from bs4 import BeautifulSoup
from sanitizer.allowlist import removals
from sanitizer.reading import clean_story_html
from sitebuild import ONE_LINE_EACH, build_site, content_with

# The story of the issue, as a new user wrote it.
HOSTILE = """Title: 脚本测试稿件
Date: 2020-04-25 09:00
Category: 工作动态
Slug: script-test
Summary: 摘要里也有<script>alert('summary')</script>脚本。
Org: 南京市测试协会

正文第一段。

<script>alert('body')</script>

[链接](javascript:alert(1))

<p onclick="alert(2)" style="color:red">点我</p><iframe src="https://evil.example/"></iframe>

![外站图片](https://evil.example/t.gif)
"""
ORDINARY = """Title: 普通排版稿件
Date: 2020-04-24 09:00
Category: 工作动态
Slug: ordinary-markup
Summary: 表格、脚注、代码和图片。
Org: 南京市测试协会

## 一、基本情况

| 物资 | 数量 |
|:-----|-----:|
| 口罩 | 50000 |

捐赠情况见通知[^1]，详见[上一篇]({filename}2020-02-18-nanjing-logistics.md)和[通知](https://www.example.gov.cn/)。

![志愿者在卡口登记]({static}/images/samples/trucks.jpg)

```python
x = 1
```

- 第一
- 第二

[^1]: 苏社管联办〔2020〕1号。
"""


def _story_markup(page: str) -> BeautifulSoup:
    return BeautifulSoup(page, "html.parser").find("article", class_="story")


def test_the_issues_example_never_reaches_a_page_or_feed_as_markup(tmp_path):
    content = content_with(tmp_path, {"script-test.md": HOSTILE, "ordinary.md": ORDINARY})
    build = build_site(tmp_path / "out", content=content, env=ONE_LINE_EACH)
    assert build.returncode == 0, build.log
    log = " ".join(build.log.split())
    assert "稿件 stories/script-test.md 含有网页上不允许的代码（" in log and "请在文件里删掉它" in log
    for label in ("<script> ×2", "<iframe>", "javascript: link", "onclick=", "style=", "image https://evil"):
        assert label in log, label
    assert "stories/ordinary.md" not in log

    output = build.output
    page = (output / "stories/2020/script-test/index.html").read_text(encoding="utf-8")
    story = _story_markup(page)
    assert "正文第一段" in story.get_text() and "点我" in story.get_text()
    assert not story.find_all(["script", "iframe"])
    assert all(not a.get("href", "").startswith("javascript") for a in story.find_all("a"))
    assert not story.find(attrs={"onclick": True}) and not story.find(attrs={"style": True})
    assert not story.find("img", alt="外站图片"), "an image that loses its address goes whole"

    # No file of the site carries the story's script or its link, as markup or as text.
    for path in output.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json"):
            text = path.read_text(encoding="utf-8")
            for marker in ("alert('body')", "alert('summary')", "javascript:alert", "evil.example"):
                assert marker not in text, (marker, path)

    for feed in ("feeds/all.atom.xml", "feeds/all.rss.xml", "feeds/wechat.rss.xml"):
        entry = next(e for e in feedparser.parse(output / feed).entries if e.title == "脚本测试稿件")
        html = entry.content[0].value if "content" in entry else entry.description
        body = BeautifulSoup(html, "html.parser")
        assert "正文第一段" in body.get_text() and not body.find_all(["script", "iframe"]), feed
    app = json.loads((output / "feeds/app.json").read_text(encoding="utf-8"))
    item = next(item for item in app["items"] if item["title"] == "脚本测试稿件")
    assert "正文第一段" in item["content_html"] and "<script" not in item["content_html"]
    preview = (output / "wechat/script-test/index.html").read_text(encoding="utf-8")
    fragment = BeautifulSoup(preview, "html.parser")
    assert "正文第一段" in fragment.find("textarea").get_text()
    assert "<script" not in fragment.find("textarea").get_text()

    # Ordinary Markdown comes through: aligned table, footnote, highlighted code, site links and images.
    ordinary = _story_markup((output / "stories/2020/ordinary-markup/index.html").read_text(encoding="utf-8"))
    assert ordinary.find("h2").get_text() == "一、基本情况"
    assert ordinary.find("th")["style"] == "text-align:left"
    assert ordinary.find("td", string="50000")["style"] == "text-align:right"
    assert ordinary.find("sup", id="fnref:1").find("a")["href"] == "#fn:1"
    assert ordinary.find("li", id="fn:1") and ordinary.find("div", class_="footnote")
    assert ordinary.find("div", class_="highlight").find("span", class_="n").get_text() == "x"
    linked = "stories/2020/nanjing-logistics-emergency-capacity/"
    assert ordinary.find("a", string="上一篇")["href"].endswith(linked)
    assert ordinary.find("a", string="通知")["href"] == "https://www.example.gov.cn/"
    image = ordinary.find("img", alt="志愿者在卡口登记")
    assert image["src"].startswith("../../../photos/")  # sized by plugins/photos
    assert image.find_parent("a").find_next_sibling("a")["href"].endswith("images/samples/trucks.jpg")
    assert len(ordinary.find_all("li")) == 3


def test_what_is_removed_is_named():
    html = (
        '<p onclick="x" style="color:red">a</p><script>s()</script><svg><circle onload="x"/></svg>'
        '<a href="javascript:alert(1)">b</a><img src="https://t.example/p.gif" alt="p">'
        '<table><tr><td style="text-align: center">c</td></tr></table><center>d</center>'
    )
    assert removals(html) == Counter(
        {"onclick=": 1, "style=": 1, "<script>": 1, "<svg>": 1, "javascript: link": 1,
         "image https://t.example/p.gif": 1, "<center>": 1}
    )  # fmt: skip
    found: Counter[str] = Counter()
    cleaned = clean_story_html(html, found)
    assert found == removals(html)
    assert cleaned == (
        "<p>a</p><a>b</a>"
        '<table><tbody><tr><td style="text-align:center">c</td></tr></tbody></table>d'
    )
    assert removals(cleaned) == Counter(), "what the cleaner keeps, the description keeps too"
