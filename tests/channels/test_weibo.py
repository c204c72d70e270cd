"""Weibo messages: Weibo's own counting rule, the 140 limit, and what gives way when it is tight."""

import logging
from pathlib import Path

import feedparser
import pytest
from channel_items import make_item
from channels.model import ImageRef
from channels.weibo import (
    WeiboLengthError,
    hashtag,
    weibo_length,
    weibo_post,
    weibo_posts,
)
from PIL import Image
from site_build import PUBLIC_URL, Site
from sitebuild import ONE_LINE_EACH, build_site, content_with

URL = "https://shzz.example.gov.cn/stories/2020/nanjing-logistics/"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("疫情防控", 4),
        ("a", 1),  # one half rounds up
        ("ab", 1),
        ("abc", 2),
        ("abcd", 2),
        ("a中b", 2),  # halves are summed over the whole text, not rounded per run (that would give 3)
        ("COVID-19防控", 2 + 4),  # 8 ASCII characters, 2 Chinese
        ("全角，标点！", 6),  # full-width punctuation counts as a Chinese character
        ("https://example.org/a/very/long/path?with=query&and=more", 10),
        ("http://a.cn", 10),  # short URLs count 10 too
        ("看 https://a.org/x 和 http://b.org", 2 + 2 + 20),  # three spaces round up to 2
        ("见https://a.org/x。", 1 + 10 + 1),  # a URL ends at the first Chinese character
    ],
)
def test_weibo_length_counts_like_weibo(text: str, expected: int) -> None:
    assert weibo_length(text) == expected


def test_hashtag_removes_what_would_end_the_topic() -> None:
    assert hashtag("复工 复产") == "#复工复产#"
    assert hashtag("#志愿服务#") == "#志愿服务#"


def test_short_story_message_has_headline_lead_topics_and_link() -> None:
    item = make_item(url=URL)
    assert weibo_post(item).text == (
        "【物流协会搭建应急运力对接平台】协会整合会员单位车辆与仓储资源，保障物资运输畅通。"
        f" #物资保障# #复工复产# {URL}"
    )


def test_message_of_exactly_140_is_kept_whole_and_141_shortens_the_lead() -> None:
    bare = weibo_length(weibo_post(make_item(url=URL, summary_text="")).text)
    exact = make_item(url=URL, summary_text="防" * (140 - bare))
    assert weibo_length(weibo_post(exact).text) == 140
    assert "防" * (140 - bare) in weibo_post(exact).text

    over = make_item(url=URL, summary_text="防" * (141 - bare))
    message = weibo_post(over).text
    assert weibo_length(message) <= 140
    assert "防…" in message and "防" * (141 - bare) not in message
    assert message.startswith("【物流协会搭建应急运力对接平台】") and message.endswith(URL)


def test_long_lead_is_shortened_never_the_headline_or_link() -> None:
    summary = "协会发挥行业组织联系广泛的优势，整合会员单位运力和仓储资源，搭建应急运力对接平台。" * 6
    item = make_item(url=URL + "with/a/much/longer/address/than/usual/", summary_text=summary)
    post = weibo_post(item)
    assert weibo_length(post.text) <= 140
    assert post.text.startswith(f"【{item.title}】协会发挥")
    assert post.text.endswith(item.url)
    assert "#物资保障# #复工复产#" in post.text
    assert "…" in post.text
    assert post.problems == ()


def test_topics_are_dropped_last_first_when_headline_topics_and_link_do_not_fit() -> None:
    title = "南京市物流与供应链协会" * 5  # 55 characters
    tags = tuple(f"话题{n}示例标签名称较长" for n in range(8))  # 8 x 12 characters
    item = make_item(url=URL, title=title, tags=tags, tag_slugs=tuple(f"t{n}" for n in range(8)))
    post = weibo_post(item)
    assert weibo_length(post.text) <= 140
    assert post.text.startswith(f"【{title}】") and post.text.endswith(URL)
    assert "#话题0示例标签名称较长#" in post.text
    assert "#话题7示例标签名称较长#" not in post.text
    (problem,) = post.problems
    assert item.source_path in problem and "#话题7示例标签名称较长#" in problem and "140" in problem


def test_headline_and_link_over_the_limit_are_kept_whole_and_reported() -> None:
    title = "长" * 135
    post = weibo_post(make_item(url=URL, title=title, tags=()))
    assert post.text == f"【{title}】 {URL}"
    assert any("140" in problem and "Title" in problem for problem in post.problems)


@pytest.mark.parametrize(
    ("body", "fits"),
    [("中" * 129, True), ("中" * 130, False), ("中" * 128 + "abc", True), ("中" * 128 + "abcd", False)],
)
def test_explicit_weibo_text_wins_gets_the_link_and_is_checked(body: str, fits: bool) -> None:
    post = weibo_post(make_item(url=URL, weibo_text=body))
    assert post.text == f"{body} {URL}"  # the space before the link is half a character
    assert weibo_length(post.text) == (140 if fits else 141)
    assert (post.problems == ()) is fits
    if not fits:
        assert "stories/2020-02-18-nanjing-logistics.md" in post.problems[0]
        assert "Weibo_text" in post.problems[0] and "140" in post.problems[0]


def test_explicit_weibo_text_that_already_has_the_link_is_left_alone() -> None:
    text = f"【自定义】看这里 {URL} #物资保障#"
    assert weibo_post(make_item(url=URL, weibo_text=text)).text == text


def test_at_most_nine_image_urls_ride_along_outside_the_text() -> None:
    images = tuple(
        ImageRef(f"images/{n}.jpg", f"https://shzz.example.gov.cn/images/{n}.jpg", 800, 600, "image/jpeg", 1)
        for n in range(12)
    )
    post = weibo_post(make_item(url=URL, images=images))
    assert post.images == images[:9]
    assert "images/0.jpg" not in post.text


def test_problems_are_warnings_or_a_strict_error(caplog: pytest.LogCaptureFixture) -> None:
    items = [make_item(url=URL, weibo_text="中" * 130)]
    with caplog.at_level(logging.WARNING):
        posts = weibo_posts(items, strict=False)
    assert posts[items[0].id].text.endswith(URL)
    assert "stories/2020-02-18-nanjing-logistics.md" in caplog.text and "140" in caplog.text
    with pytest.raises(WeiboLengthError, match=r"nanjing-logistics\.md.*140"):
        weibo_posts(items, strict=True)


def test_built_weibo_feed_carries_ready_messages_and_images(built_site: Site) -> None:
    output = built_site("public")
    feed = feedparser.parse((output / "feeds" / "weibo.rss.xml").read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    entries = {entry.title: entry for entry in feed.entries}
    assert "测试：只发微信和微博的稿件" in entries and "测试：未来日期的稿件" not in entries
    for entry in feed.entries:
        assert weibo_length(entry.summary) <= 140, entry.summary
        assert entry.summary.startswith(f"【{entry.title}】") and entry.summary.endswith(entry.link)
        assert len(entry.get("media_content", [])) <= 9
    covered = entries["测试：带封面和窄图的稿件"]
    assert "#测试话题甲# #物资保障#" in covered.summary
    # The lead image (wide.jpg, the Cover) first, then narrow.png: each the photo store's large JPEG.
    urls = [media["url"] for media in covered.media_content]
    assert len(urls) == 2 and all(
        url.startswith(f"{PUBLIC_URL}/photos/") and url.endswith(".jpg") for url in urls
    )
    sizes = [Image.open(output / url.removeprefix(f"{PUBLIC_URL}/")).size for url in urls]
    assert sizes[0] == (1280, 720) and sizes == [
        (int(m["width"]), int(m["height"])) for m in covered.media_content
    ]
    assert sizes[1] == Image.open(output / "images/test/narrow.png").size


def test_too_long_weibo_text_warns_or_stops_a_real_build(tmp_path: Path) -> None:
    content = content_with(
        tmp_path,
        {
            "long-weibo.md": (
                "Title: 微博文案过长的稿件\nDate: 2020-03-01 10:00\nCategory: 工作动态\nSlug: long-weibo\n"
                f"Org: 测试协会\nWeibo_text: {'长' * 150}\n\n正文。\n"
            ),
        },
    )
    relaxed = build_site(tmp_path / "relaxed", content=content, env=ONE_LINE_EACH)
    assert relaxed.returncode == 0, relaxed.log
    said = "稿件stories/long-weibo.md的Weibo_text按微博的算法有161字，超过140字的上限"
    assert said in "".join(relaxed.log.split())
    strict = build_site(tmp_path / "strict", content=content, extra_settings={"CHANNELS_WEIBO_STRICT": True},
                        env=ONE_LINE_EACH)
    assert strict.returncode != 0
    assert said in "".join(strict.log.split())
