"""The feed model's pure parts: IDs, channel lists, absolute URLs, image sizes."""

from pathlib import Path

import pytest
from channels.model import (
    CHANNELS,
    FeedModelError,
    absolutize_html,
    image_ref,
    item_id,
    parse_channels,
)
from PIL import Image

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
