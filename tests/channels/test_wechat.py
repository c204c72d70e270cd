"""WeChat fragments follow what the 公众号 editor keeps; the editor's limits are checked at build time."""

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import feedparser
import markdown
import pytest
from browsing import needs_chromium, served
from bs4 import BeautifulSoup, Tag
from channel_items import make_item
from channels.fragment import REFERENCES_HEADING, wechat_fragment
from channels.links import DEFAULT_SETTINGS, build_catalogue
from channels.model import ImageRef
from channels.wechat import (
    WechatLimitError,
    check_wechat_limits,
    wechat_articles,
    wechat_digest,
    write_wechat,
)
from photos.store import PhotoStore
from PIL import Image
from site_build import PUBLIC_URL, Site, make_site
from sitebuild import ONE_LINE_EACH, build_site, content_with

SITE = "https://shzz.example.gov.cn"
STORY = f"""
协会发布了[倡议书](https://example.org/appeal)，详见[省民政厅通知](https://example.org/notice "通知全文")
和[公众号原文](https://mp.weixin.qq.com/s/AbC123)。再次引用[倡议书全文](https://example.org/appeal)。
原始地址 <https://example.org/raw>，也可以写作 [https://example.org/raw2](https://example.org/raw2)。
页内[跳转](#part-two)与<a class="btn" id="x" href="{SITE}/submit/"
style="position:absolute;transform:scale(2)">投稿</a>。

## 一、主要做法

- 统一登记
- 统一调度
    1. 就近匹配 [运力清单](https://example.org/appeal)
    2. 减少空驶
        - 闭环防护
- 全程留痕

| 项目 | 数量 |
|------|-----:|
| 车辆 | 40 |
| 物资 | 2000 吨 |

```python
def dispatch(orders):
    return [o for o in orders if o.size < 10]
```

![运输车辆整装待发](/images/samples/trucks.jpg "协会会员单位车辆")

![志愿者搬运物资](/images/samples/boxes.jpg)

图片前的文字 ![司机测温](/images/samples/community.jpg) 图片后的文字。

[![点图看大图](/images/samples/hands.jpg)](/images/samples/hands.jpg)

<div class="note"><style>p {{color: red}}</style><script>alert(1)</script>提示：注意防护。</div>
"""


def _fragment_of(source: str = STORY) -> str:
    html = markdown.Markdown(extensions=["codehilite", "extra"]).convert(source)
    html = html.replace('src="/', f'src="{SITE}/').replace('href="/', f'href="{SITE}/')
    return wechat_fragment(make_item(content_html=html))


@pytest.fixture
def fragment() -> BeautifulSoup:
    return BeautifulSoup(_fragment_of(), "html.parser")


def test_nothing_the_editor_strips_is_left(fragment: BeautifulSoup) -> None:
    assert fragment.find_all(["style", "script", "div", "ul", "ol", "li", "span", "code"]) == []
    for element in fragment.find_all(True):
        assert set(element.attrs) <= {"style", "href", "src", "alt"}, element
        style = element.get("style", "")
        assert "position" not in style and "transform" not in style
    assert "alert(1)" not in str(fragment) and "color: red" not in str(fragment)
    assert "提示：注意防护。" in fragment.get_text()


def test_every_visible_block_carries_an_inline_style(fragment: BeautifulSoup) -> None:
    for element in fragment.find_all(
        ["section", "p", "h2", "figure", "figcaption", "img", "table", "th", "td", "pre", "sup", "a"]
    ):
        assert element.get("style"), element


def test_only_wechat_links_stay_links(fragment: BeautifulSoup) -> None:
    (link,) = fragment.find_all("a")
    assert link["href"] == "https://mp.weixin.qq.com/s/AbC123" and link.get_text() == "公众号原文"


def test_other_links_become_numbered_references_listed_once(fragment: BeautifulSoup) -> None:
    text = fragment.get_text()
    assert "倡议书[1]" in text and "倡议书全文[1]" in text and "运力清单 [1]" not in text
    assert "运力清单[1]" in text
    assert "省民政厅通知[2]" in text and "投稿[3]" in text
    paragraphs = [p.get_text() for p in fragment.find_all("p")]
    heading = paragraphs.index(REFERENCES_HEADING)
    assert paragraphs[heading + 1 :] == [
        "[1] 倡议书: https://example.org/appeal",
        "[2] 通知全文: https://example.org/notice",
        f"[3] 投稿: {SITE}/submit/",
    ]


def test_a_link_whose_text_is_its_address_becomes_plain_text(fragment: BeautifulSoup) -> None:
    text = fragment.get_text()
    assert "原始地址 https://example.org/raw，" in text
    assert "写作 https://example.org/raw2。" in text
    assert "example.org/raw: " not in text and "raw2: " not in text


def test_in_page_and_image_links_leave_no_reference(fragment: BeautifulSoup) -> None:
    text = fragment.get_text()
    assert "页内跳转与" in text
    assert "hands.jpg" not in text  # the image link is unwrapped, not footnoted


def test_lists_get_literal_markers_and_indentation(fragment: BeautifulSoup) -> None:
    items = [p for p in fragment.find_all("p") if re.match(r"(•|\d+\.) ", p.get_text())]
    texts = [p.get_text() for p in items]
    assert texts[:6] == [
        "• 统一登记", "• 统一调度", "1. 就近匹配 运力清单[1]", "2. 减少空驶", "• 闭环防护", "• 全程留痕",
    ]  # fmt: skip
    indents = [float(re.search(r"margin:0 0 0.5em ([\d.]+)em", p["style"]).group(1)) for p in items[:6]]
    assert indents[0] == indents[1] == indents[5] < indents[2] == indents[3] < indents[4]


def test_ordered_list_keeps_its_start_number() -> None:
    html = '<p>前言</p><ol start="3"><li>第三步</li><li>第四步</li></ol>'
    soup = BeautifulSoup(wechat_fragment(make_item(content_html=html)), "html.parser")
    assert [p.get_text() for p in soup.find_all("p")][1:] == ["3. 第三步", "4. 第四步"]


def test_tables_get_inline_borders(fragment: BeautifulSoup) -> None:
    table = fragment.find("table")
    assert "border-collapse:collapse" in table["style"]
    cells = table.find_all(["th", "td"])
    assert len(cells) == 6 and all("border:1px solid" in cell["style"] for cell in cells)
    assert [cell["style"].endswith("text-align:right;") for cell in cells] == [False, True] * 3


def test_code_blocks_become_one_styled_pre_of_plain_text(fragment: BeautifulSoup) -> None:
    (pre,) = fragment.find_all("pre")
    assert pre.find(True) is None
    assert pre.get_text() == "def dispatch(orders):\n    return [o for o in orders if o.size < 10]\n"
    assert "white-space:pre-wrap" in pre["style"] and "monospace" in pre["style"]


def test_images_are_figures_captioned_from_title_or_alt(fragment: BeautifulSoup) -> None:
    figures = fragment.find_all("figure")
    assert [figure.img["src"] for figure in figures] == [
        f"{SITE}/images/samples/trucks.jpg",
        f"{SITE}/images/samples/boxes.jpg",
        f"{SITE}/images/samples/community.jpg",
        f"{SITE}/images/samples/hands.jpg",
    ]
    captions = [figure.figcaption.get_text() for figure in figures]
    assert captions == ["协会会员单位车辆", "志愿者搬运物资", "司机测温", "点图看大图"]
    assert "图片前的文字  图片后的文字。" in [p.get_text() for p in fragment.find_all("p")]
    for figure in figures:
        assert isinstance(figure.parent, Tag) and figure.parent.name == "section"  # never inside a <p>


def test_within_limits_no_problems() -> None:
    assert check_wechat_limits(make_item()) == []


@pytest.mark.parametrize(
    ("changes", "limit_text"),
    [
        ({"title": "字" * 33}, "32"),
        ({"author": "南京市物流与供应链协会"}, "8"),
        ({"wechat_digest": "摘" * 121}, "120"),
        ({"content_html": "<p>" + "文" * 20_000 + "</p>"}, "20000"),
    ],
)
def test_each_limit_is_named_with_the_file(changes: dict, limit_text: str) -> None:
    (problem,) = check_wechat_limits(make_item(**changes))
    assert problem.startswith("稿件 stories/2020-02-18-nanjing-logistics.md ")
    assert f"超过公众号标题 {limit_text} 字" in problem or f"超过 {limit_text} 字" in problem or (
        f"上限是不到 {limit_text}" in problem
    )


def test_limits_at_the_boundary() -> None:
    item = make_item(title="字" * 32, author="字" * 8, wechat_digest="摘" * 120)
    assert check_wechat_limits(item) == []
    assert check_wechat_limits(item, "<p>" + "文" * 19_992 + "</p>") == []  # 19,999 characters
    (problem,) = check_wechat_limits(item, "<p>" + "文" * 19_993 + "</p>")  # 20,000
    assert "20000" in problem


def test_a_short_wechat_author_replaces_a_long_organization_name() -> None:
    long_name = make_item(author="南京市物流与供应链协会")
    (problem,) = check_wechat_limits(long_name)
    assert "Wechat_author" in problem
    assert check_wechat_limits(make_item(author="南京市物流与供应链协会", wechat_author="南京物流协会")) == []


def test_digest_from_the_summary_is_cut_to_fit() -> None:
    digest = wechat_digest(make_item(summary_text="摘要" * 100))
    assert len(digest) == 120 and digest.endswith("…")
    assert wechat_digest(make_item(wechat_digest="编辑写的摘要")) == "编辑写的摘要"


def test_problems_are_warnings_unless_strict(caplog: pytest.LogCaptureFixture) -> None:
    items = [make_item(title="字" * 33)]
    with caplog.at_level(logging.WARNING):
        articles = wechat_articles(items, strict=False)
    assert articles[items[0].id].problems
    assert "nanjing-logistics.md 的标题有 33 个字，超过公众号标题 32 字" in caplog.text
    with pytest.raises(WechatLimitError, match=r"nanjing-logistics\.md 的标题有 33 个字.*32"):
        wechat_articles(items, strict=True)


# --- The outputs: preview pages, covers and the feed ---------------------------------------------


def _catalogue_settings(content_dir: Path) -> dict:
    return {
        **DEFAULT_SETTINGS,
        "PATH": str(content_dir),
        "CACHE_PATH": str(content_dir.parent / "cache"),
        "SITENAME": "测试站",
        "SITEURL": SITE,
    }


def test_write_wechat_skips_excluded_stories_and_writes_covers_only_to_output(tmp_path: Path) -> None:
    content, output = tmp_path / "content", tmp_path / "output"
    (content / "images").mkdir(parents=True)
    Image.new("RGB", (1200, 800), "red").save(content / "images" / "lead.jpg")
    lead = ImageRef("images/lead.jpg", f"{SITE}/images/lead.jpg", 1200, 800, "image/jpeg", 1)
    with_image = make_item(image=lead, images=(lead,))
    without_image = make_item(id="urn:b", title="无图稿件", path="stories/2020/no-image/", image=None)
    excluded = make_item(id="urn:c", path="stories/2020/media-only/", channels=frozenset({"media"}))
    items = [with_image, without_image, excluded]
    settings = _catalogue_settings(content)
    pages: dict[str, dict] = {}

    photos = PhotoStore(tmp_path / "photos", content)
    covers = write_wechat(build_catalogue(items, settings), settings, output, pages.__setitem__, photos)

    assert sorted(pages) == ["wechat/nanjing-logistics/index.html", "wechat/no-image/index.html"]
    assert [cover.name for cover in pages["wechat/nanjing-logistics/index.html"]["covers"]] == [
        "cover-900x383.jpg", "cover-500x500.jpg",
    ]  # fmt: skip
    assert pages["wechat/no-image/index.html"]["covers"] == ()
    assert sorted(p.name for p in (output / "wechat" / "nanjing-logistics").iterdir()) == [
        "cover-500x500.jpg", "cover-900x383.jpg",
    ]  # fmt: skip
    assert covers == [
        "wechat/nanjing-logistics/cover-900x383.jpg",
        "wechat/nanjing-logistics/cover-500x500.jpg",
    ]
    assert sorted(p.relative_to(content).as_posix() for p in content.rglob("*") if p.is_file()) == [
        "images/lead.jpg"
    ]
    feed = feedparser.parse((output / "feeds" / "wechat.rss.xml").read_bytes())
    assert not feed.bozo and [entry.title for entry in feed.entries] == [with_image.title, "无图稿件"]
    assert feed.entries[0].enclosures[0].href == f"{SITE}/wechat/nanjing-logistics/cover-900x383.jpg"


def test_two_stories_with_one_preview_folder_stop_the_build(tmp_path: Path) -> None:
    items = [make_item(), make_item(id="urn:b", path="stories/2021/nanjing-logistics/", source_path="b.md")]
    settings = _catalogue_settings(tmp_path)
    with pytest.raises(WechatLimitError, match=r"b\.md and stories/2020-02-18-nanjing-logistics\.md"):
        photos = PhotoStore(tmp_path / "photos", tmp_path)
        write_wechat(build_catalogue(items, settings), settings, tmp_path, lambda *_: None, photos)


def test_built_wechat_feed_parses_and_carries_clean_fragments(built_site: Site) -> None:
    output = built_site("public")
    feed = feedparser.parse((output / "feeds" / "wechat.rss.xml").read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    titles = [entry.title for entry in feed.entries]
    assert "测试：只发微信和微博的稿件" in titles and "测试：未来日期的稿件" not in titles
    for entry in feed.entries:
        fragment = BeautifulSoup(entry.content[0].value, "html.parser")
        assert fragment.find_all(["script", "style", "div", "ul", "ol"]) == []
        allowed = {"style", "href", "src", "alt"}
        assert all(set(element.attrs) <= allowed for element in fragment.find_all(True))
        assert entry.summary and len(entry.summary) <= 120
    covered = next(entry for entry in feed.entries if entry.title == "测试：带封面和窄图的稿件")
    assert covered.enclosures[0].href == f"{PUBLIC_URL}/wechat/test-wide-cover-renamed/cover-900x383.jpg"


def test_built_preview_page_for_editors(built_site: Site) -> None:
    output = built_site("local")
    folder = output / "wechat" / "test-wide-cover"
    page = BeautifulSoup((folder / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert page.find("meta", attrs={"name": "robots"})["content"].startswith("noindex")
    textarea = page.find("textarea")
    assert textarea.has_attr("readonly")
    fragment = BeautifulSoup(textarea.get_text(), "html.parser")  # the escaped source, read back
    assert fragment.section["style"] and "正文第一段" in fragment.get_text()
    assert page.find(id="wechat-rendered").section["style"] == fragment.section["style"]
    button = page.find("button", id="copy-button")
    assert button.has_attr("hidden")  # shown by the script only when the Clipboard API is there
    scripts = page.find_all("script")
    assert scripts and all(not script.get("src") for script in scripts)
    assert "navigator.clipboard" in scripts[0].get_text()
    for size in ("900x383", "500x500"):
        assert page.find("img", src=f"cover-{size}.jpg")
        width, height = map(int, size.split("x"))
        assert Image.open(folder / f"cover-{size}.jpg").size == (width, height)
    content = output.parent / "local" / "content"
    assert content.is_dir() and not list(content.rglob("cover-*.jpg"))


def test_preview_without_an_image_says_there_is_no_cover(built_site: Site) -> None:
    folder = built_site("local") / "wechat" / "test-wechat-only"
    assert "没有生成封面" in (folder / "index.html").read_text(encoding="utf-8")
    assert not list(folder.glob("*.jpg"))


def test_preview_pages_are_not_linked_from_the_public_site(built_site: Site) -> None:
    output = built_site("local")
    assert (output / "wechat" / "test-wide-cover" / "index.html").is_file()
    assert "wechat/" not in (output / "sitemap.xml").read_text(encoding="utf-8")
    for page in output.rglob("*.html"):
        if "wechat" in page.relative_to(output).parts:
            continue
        assert "wechat/" not in page.read_text(encoding="utf-8"), page


@pytest.fixture(scope="module")
def preview_url(built_site: Site) -> Iterator[str]:
    with served(built_site("local")) as url:
        yield url + "wechat/test-wide-cover/"


@needs_chromium
def test_copy_button_puts_the_fragment_on_the_clipboard_as_html(browser, preview_url: str) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 800})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(preview_url)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.get_by_role("button", name="复制排版好的正文").click()
    page.get_by_role("status").filter(has_text="已复制").wait_for()
    copied = page.evaluate(
        """async () => {
            const [item] = await navigator.clipboard.read();
            return await (await item.getType("text/html")).text();
        }"""
    )

    # The browser re-serializes clipboard HTML (e.g. <img/> becomes <img>): compare the elements.
    def elements(html: str) -> list[tuple[str, str]]:
        root = BeautifulSoup(html, "html.parser").find("section")
        return [(element.name, element.get("style", "")) for element in root.find_all(True)]

    assert "正文第一段" in copied
    assert elements(copied) == elements(page.locator("textarea").input_value())
    context.close()

    without_js = browser.new_context(java_script_enabled=False)
    page = without_js.new_page()
    page.goto(preview_url)
    assert not page.get_by_role("button", name="复制排版好的正文").is_visible()
    assert "正文第一段" in page.locator("textarea").input_value()
    without_js.close()


def test_strict_setting_stops_a_real_build_naming_the_file_and_limit(tmp_path: Path) -> None:
    content = content_with(
        tmp_path,
        {
            "too-long.md": (
                "Title: " + "长" * 33 + "\nDate: 2020-03-01 10:00\nCategory: 工作动态\nSlug: too-long\n"
                "Org: 江苏省某某行业协会商会联合会\n\n正文。\n"
            ),
        },
    )
    relaxed = build_site(tmp_path / "relaxed", content=content, env=ONE_LINE_EACH)
    assert relaxed.returncode == 0, relaxed.log
    log = "".join(relaxed.log.split())
    assert "稿件stories/too-long.md的公众号作者" in log and "超过8字的上限" in log

    strict = build_site(tmp_path / "strict", content=content, extra_settings={"CHANNELS_WECHAT_STRICT": True},
                        env=ONE_LINE_EACH)
    assert strict.returncode != 0
    log = "".join(strict.log.split())
    assert "稿件stories/too-long.md的公众号作者" in log and "超过8字的上限" in log
    assert "稿件stories/too-long.md的标题有" in log and "超过公众号标题32字的上限" in log


def test_only_the_newest_stories_get_wechat_and_weibo_outputs(tmp_path: Path) -> None:
    # The two newest WeChat stories are test-wechat-only (Apr 24) and test-imported (Apr 23);
    # test-wide-cover (Apr 22, with a cover image) falls outside a window of two.
    content = make_site(tmp_path)
    result = build_site(
        tmp_path / "output",
        content=content,
        extra_settings={"CHANNELS_RECENT_STORIES": 2, "CACHE_PATH": str(tmp_path / "cache")},
    )
    assert result.returncode == 0, result.log
    output = tmp_path / "output"
    assert sorted(p.name for p in (output / "wechat").iterdir()) == ["test-imported", "test-wechat-only"]
    assert sorted(p.name for p in (output / "wechat" / "test-imported").iterdir()) == [
        "cover-500x500.jpg", "cover-900x383.jpg", "index.html",
    ]  # fmt: skip
    for feed in ("wechat", "weibo"):
        entries = feedparser.parse((output / "feeds" / f"{feed}.rss.xml").read_bytes()).entries
        assert [entry.title for entry in entries] == ["测试：只发微信和微博的稿件", "测试：导入的稿件"]
    # The media and app feeds still carry it, up to their own limits.
    for feed in ("all.atom.xml", "all.rss.xml", "app.rss.xml", "tag/ce-shi-hua-ti-jia.atom.xml"):
        titles = [entry.title for entry in feedparser.parse((output / "feeds" / feed).read_bytes()).entries]
        assert "测试：带封面和窄图的稿件" in titles, feed
    # Covers only for the stories in the window: the store holds none of wide.jpg's.
    stored = {p.name for p in (tmp_path / "output-photos").rglob("*.jpg")}
    covers = [p.read_bytes() for p in (output / "wechat").rglob("cover-*.jpg")]
    assert (
        len(covers) == 2
        and all(
            any(p.read_bytes() == cover for p in (tmp_path / "output-photos").rglob("*.jpg"))
            for cover in covers
        )
        and stored
    )


def test_one_kind_of_problem_logs_one_template(caplog: pytest.LogCaptureFixture) -> None:
    # A build log summarizes repeated warnings by their template: the details must be arguments.
    # (Messages no other test logs: Pelican's log filter drops a message it has already shown.)
    items = [
        make_item(id="urn:a", title="字" * 34, source_path="a.md"),
        make_item(id="urn:b", title="字" * 40, source_path="b.md"),
    ]
    with caplog.at_level(logging.WARNING):
        wechat_articles(items, strict=False)
    first, second = caplog.records
    assert first.msg == second.msg and first.args != second.args
    assert second.getMessage() == "稿件 b.md 的标题有 40 个字，超过公众号标题 32 字的上限：请缩短 Title。" + (
        "(WeChat title over the limit; shorten the Title)"
    )
