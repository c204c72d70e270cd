"""The feed model's pure parts: IDs, channel lists, absolute URLs, image sizes."""

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from channels.model import (
    CHANNELS,
    FeedModelError,
    ItemBody,
    absolutize_html,
    build_items,
    digest_beside,
    html_to_text,
    image_ref,
    item_id,
    parse_channels,
)
from PIL import Image
from siterules.clock import site_timezone

FINGERPRINT = "ab" * 32


def test_imported_story_id_is_its_source_fingerprint() -> None:
    assert item_id("submissions/x.md", {"source": FINGERPRINT.upper()}) == f"urn:sha256:{FINGERPRINT}"


def test_bad_source_fingerprint_names_the_file() -> None:
    with pytest.raises(FeedModelError, match=r"submissions/x\.md"):
        item_id("submissions/x.md", {"source": "not-a-hash"})


def test_moved_file_keeps_its_id_with_feed_id_set_to_the_old_path() -> None:
    original = item_id("stories/masks.md", {})
    assert item_id("stories/2020/masks.md", {}) != original
    assert item_id("stories/2020/masks.md", {"feed_id": "stories/masks.md"}) == original


def test_id_ignores_slug_date_and_title() -> None:
    before = item_id("stories/a.md", {"slug": "a", "date": "2020-02-01", "title": "甲"})
    after = item_id("stories/a.md", {"slug": "b", "date": "2020-03-01", "title": "乙"})
    assert before == after


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, CHANNELS),
        ("all", CHANNELS),
        ("media, app", {"media", "app"}),
        ("Weibo，wechat", {"weibo", "wechat"}),
    ],
)
def test_channels_front_matter(value: str | None, expected: set[str]) -> None:
    assert parse_channels("stories/a.md", value) == expected


def test_unknown_channel_is_an_error_naming_the_file() -> None:
    with pytest.raises(FeedModelError, match=r"stories/a\.md.*toutiao"):
        parse_channels("stories/a.md", "media, toutiao")


def test_absolutize_html_resolves_relative_links_and_images() -> None:
    html = '<p><a href="../other/">x</a><img src="/images/a.jpg"><a href="#n1">1</a></p>'
    result = absolutize_html(html, "https://example.org/stories/2020/a/")
    assert 'href="https://example.org/stories/2020/other/"' in result
    assert 'src="https://example.org/images/a.jpg"' in result
    assert 'href="#n1"' in result


def test_image_ref_reads_size_and_length_from_content(tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    Image.new("RGB", (800, 450), "red").save(tmp_path / "images" / "a.png")
    ref = image_ref("https://example.org/images/a.png", "https://example.org", tmp_path)
    assert (ref.path, ref.width, ref.height, ref.mime) == ("images/a.png", 800, 450, "image/png")
    assert ref.length == (tmp_path / "images" / "a.png").stat().st_size


def test_external_image_has_no_size(tmp_path: Path) -> None:
    ref = image_ref("https://elsewhere.org/a.jpg", "https://example.org", tmp_path)
    assert (ref.path, ref.width, ref.length, ref.mime) == ("", None, None, "image/jpeg")


class FakeCategory(str):
    slug = "gong-zuo-dong-tai"


class FakeArticle:
    """The parts of a Pelican article the model reads."""

    def __init__(self, name: str, date: datetime, **metadata: str) -> None:
        self.relative_source_path = f"stories/{name}.md"
        self.url = f"stories/{date:%Y}/{name}/"
        self.title = name
        self.date = date
        self.metadata = {"org": "测试协会", **metadata}
        self.category = FakeCategory("工作动态")
        self.tags: list = []

    def get_content(self, siteurl: str) -> str:
        return f'<p><a href="{siteurl}/about/">关于</a></p>'

    def get_summary(self, siteurl: str) -> str:
        return "<p>摘要</p>"


NOW = datetime(2020, 3, 1, 12, 0, tzinfo=site_timezone({}))
SETTINGS = {"PATH": "content", "SITEURL": "", "SITENAME": "站点"}


def test_build_items_newest_first_without_future_stories(caplog: pytest.LogCaptureFixture) -> None:
    articles = [
        FakeArticle("old", NOW - timedelta(days=9)),
        FakeArticle("future", NOW + timedelta(hours=1)),
        FakeArticle("new", NOW - timedelta(days=1)),
    ]
    items = build_items(articles, SETTINGS, now=NOW)
    assert [item.title for item in items] == ["new", "old"]
    assert "stories/future.md" in caplog.text
    assert items[0].content_html == '<p><a href="http://localhost:8000/about/">关于</a></p>'
    assert items[0].published.utcoffset() == timedelta(hours=8)
    assert (items[0].category, items[0].category_slug) == ("工作动态", "gong-zuo-dong-tai")


def test_future_modified_falls_back_to_date() -> None:
    article = FakeArticle("edited", NOW - timedelta(days=1))
    article.modified = NOW + timedelta(days=1)
    (item,) = build_items([article], SETTINGS, now=NOW)
    assert item.updated == item.published


def test_samples_can_be_left_out() -> None:
    articles = [FakeArticle("sample", NOW, sample="true"), FakeArticle("real", NOW)]
    assert len(build_items(articles, SETTINGS, now=NOW)) == 2
    kept = build_items(articles, {**SETTINGS, "CHANNELS_INCLUDE_SAMPLES": False}, now=NOW)
    assert [item.title for item in kept] == ["real"]


def test_two_stories_with_one_id_stop_the_build() -> None:
    articles = [FakeArticle("a", NOW), FakeArticle("b", NOW, feed_id="stories/a.md")]
    with pytest.raises(FeedModelError, match=r"stories/b\.md and stories/a\.md"):
        build_items(articles, SETTINGS, now=NOW)


def test_absolutize_html_handles_any_attribute_quoting_and_keeps_text_escaped() -> None:
    html = (
        "前言 &amp; <a href='../x/'>单引号</a><img src=/images/b.jpg alt=无引号>"
        '<img srcset="a.jpg 1x, /b.jpg 2x"><!-- <a href="c/">注释</a> --><p>1 &lt; 2</p>'
    )
    result = absolutize_html(html, "https://example.org/stories/2020/a/")
    assert result.startswith("前言 &amp; ")
    assert 'href="https://example.org/stories/2020/x/"' in result
    assert 'src="https://example.org/images/b.jpg"' in result and 'alt="无引号"' in result
    assert 'srcset="https://example.org/stories/2020/a/a.jpg 1x, https://example.org/b.jpg 2x"' in result
    assert '<!-- <a href="c/">注释</a> -->' in result and "<p>1 &lt; 2</p>" in result


def test_html_to_text_leaves_out_scripts_styles_and_comments() -> None:
    html = "<p>摘要<!-- 注释 --> 后文<script>var a = 1;</script><style>p {}</style></p>\n<p>第二段</p>"
    assert html_to_text(html) == "摘要 后文 第二段"


def test_an_items_body_is_made_only_when_read_and_once() -> None:
    made = []

    class CountingArticle(FakeArticle):
        def get_content(self, siteurl: str) -> str:  # memoized per article, as Pelican's
            if not hasattr(self, "_content_made"):
                made.append(self.title)
                self._content_made = super().get_content(siteurl)
            return self._content_made

    articles = [CountingArticle("a", NOW - timedelta(days=1)), CountingArticle("b", NOW - timedelta(days=2))]
    items = build_items(articles, SETTINGS, now=NOW)
    assert made == []  # choosing what each feed carries needs no body
    assert items[0].content_html == items[0].content_html
    assert items[0].summary_text == "摘要"
    assert made == ["a"]


def test_a_forgotten_body_is_let_go_and_made_again_the_same_when_read() -> None:
    made = []

    class CountingArticle(FakeArticle):
        def get_content(self, siteurl: str) -> str:
            made.append(self.title)
            return super().get_content(siteurl)

    (item,) = build_items([CountingArticle("a", NOW - timedelta(days=1))], SETTINGS, now=NOW)
    digest, first = item.inputs_digest(), item.made_body()
    made.clear()
    item.forget_body()
    assert not isinstance(item.body, ItemBody) and made == []
    assert item.made_body() == first and made == ["a"]
    assert item.inputs_digest() == digest
    item.forget_body()
    item.forget_body()  # twice, or before any body was made: nothing to let go
    assert item.content_html == first.content_html


def test_a_value_outside_the_vocabulary_is_reported_in_taxonomys_words() -> None:
    """The feeds stop on it with the same Chinese message the build's vocabulary check gives."""
    from taxonomy.validation import metadata_problems

    article = FakeArticle("far", NOW - timedelta(days=1), region="火星")
    with pytest.raises(FeedModelError) as raised:
        build_items([article], SETTINGS, now=NOW)
    assert str(raised.value) == metadata_problems({"region": "火星"}, "stories/far.md")[0]
    assert "不在规定范围内" in str(raised.value)


def test_items_digested_beside_the_build_get_the_digests_their_own_would_give(monkeypatch) -> None:
    made: list[str] = []

    class CountingArticle(FakeArticle):
        def get_content(self, siteurl: str) -> str:
            made.append(self.title)
            return f"<p>{self.title}</p>" + super().get_content(siteurl)

    articles = [CountingArticle(f"s{day}", NOW - timedelta(days=day)) for day in range(1, 6)]
    expected = [item.inputs_digest() for item in build_items(articles, SETTINGS, now=NOW)]
    items = build_items(articles, SETTINGS, now=NOW)
    monkeypatch.setattr("channels.model.MIN_ITEMS_DIGESTED_BESIDE", 1)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    made.clear()

    give = digest_beside(items)
    give()

    assert made == []  # the stories were read in the forked process, not in this one
    assert [item.inputs_digest() for item in items] == expected
    assert made == [] and len(set(expected)) == len(items)


def test_a_small_site_digests_its_items_in_the_build_itself(monkeypatch) -> None:
    items = build_items([FakeArticle("a", NOW - timedelta(days=1))], SETTINGS, now=NOW)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    digest_beside(items)()
    assert items[0]._inputs_digest is None  # left for the feeds to work out when they ask
