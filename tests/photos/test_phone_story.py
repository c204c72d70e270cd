"""The issue's story: six photos straight from a phone camera (4032x3024 JPEG, about 3 MB each), built
by Pelican and read in Debian's Chromium on a phone (375x812, 2x) and a desktop. Every byte the
build makes is deterministic, so the budgets are asserted."""

import shutil
from pathlib import Path

import pytest
from browsing import needs_chromium, served
from PIL import Image
from sitebuild import REPO, build_site

from bench.stories import phone_photo

pytestmark = needs_chromium
SLUG = "six-phone-photos"
STORY_PATH = f"stories/2020/{SLUG}/"
PHONE = {"viewport": {"width": 375, "height": 812}, "device_scale_factor": 2, "is_mobile": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
KB = 1024


STORY = """Title: 六张手机照片的稿件
Date: 2020-03-01 10:00
Category: 工作动态
Slug: six-phone-photos
Summary: 志愿者服务队开展社区服务，随稿附手机拍摄的现场照片六张。
Org: 测试志愿者协会
Region: 南京市

志愿者服务队开展社区服务，协助社区做好出入登记、物资配送和困难群众走访工作。

服务队共组织志愿者一百二十人次，分三班轮流值守，确保每个卡口全天有人。

{photos}
"""


@pytest.fixture(scope="module")
def phone_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("phone")
    content = folder / "content"
    shutil.copytree(REPO / "content", content)
    photos = content / "images" / "phone"
    photos.mkdir()
    parts = []
    for number in range(1, 7):
        (photos / f"photo-{number}.jpg").write_bytes(phone_photo(number))
        parts.append(
            f"![现场照片第{number}张]({{static}}/images/phone/photo-{number}.jpg)\n\n第{number}张照片的说明文字。"
        )
    (content / "stories" / "2020-03-01-six-phone-photos.md").write_text(
        STORY.format(photos="\n\n".join(parts)), encoding="utf-8"
    )
    build = build_site(folder / "output", content=content)
    assert build.returncode == 0, build.log
    return build.output


def _transferred(browser, url: str, options: dict, scroll: bool) -> tuple[int, list[str]]:
    """Bytes the page costs (bodies and headers of every response), after loading it and, when
    `scroll`, after scrolling to its end."""
    context = browser.new_context(**options)
    page = context.new_page()
    finished = []
    page.on("requestfinished", lambda request: finished.append(request))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    if scroll:
        height = page.evaluate("document.documentElement.scrollHeight")
        for top in range(0, height + 800, 400):
            page.evaluate(f"window.scrollTo(0, {top})")
            page.wait_for_timeout(50)
        page.wait_for_load_state("networkidle")
    sizes = [request.sizes() for request in finished]
    urls = [request.url for request in finished]
    context.close()
    return sum(s["responseBodySize"] + s["responseHeadersSize"] for s in sizes), urls


def test_the_sources_are_phone_sized(phone_site: Path) -> None:
    photo = phone_site.parent / "content" / "images" / "phone" / "photo-1.jpg"
    assert Image.open(photo).size == (4032, 3024)
    assert photo.stat().st_size > 2_500_000


def test_every_body_photo_is_sized_and_only_the_first_loads_at_once(phone_site: Path) -> None:
    from bs4 import BeautifulSoup

    page = BeautifulSoup((phone_site / STORY_PATH / "index.html").read_text(encoding="utf-8"), "html.parser")
    images = page.select(".story__body img")
    assert len(images) == 6
    for number, image in enumerate(images):
        assert image["width"] == "1440" and image["height"] == "1080"
        widths = [candidate.split()[1] for candidate in image["srcset"].split(", ")]
        assert widths == ["480w", "720w", "1080w", "1440w"]
        assert image["src"].endswith(".jpg") and all(".webp " in c for c in image["srcset"].split(", "))
        assert (image.get("loading"), image.get("decoding")) == (
            (None, None) if number == 0 else ("lazy", "async")
        )
        original = image.find_parent("a").find_next_sibling("a")
        assert original.get_text().startswith("查看原图")
        assert original["href"] == f"../../../images/phone/photo-{number + 1}.jpg"
        for candidate in image["srcset"].split(", "):
            assert (phone_site / STORY_PATH / candidate.split()[0]).is_file()


def test_a_phone_reader_pays_little_for_the_first_screen_and_the_whole_story(
    browser, phone_site: Path
) -> None:
    with served(phone_site) as root:
        first_screen, urls = _transferred(browser, root + STORY_PATH, PHONE, scroll=False)
        whole, scrolled_urls = _transferred(browser, root + STORY_PATH, PHONE, scroll=True)
        desktop, _ = _transferred(browser, root + STORY_PATH, DESKTOP, scroll=True)
    assert not any("/images/phone/" in url for url in scrolled_urls), "the originals are never loaded"
    assert sum(".webp" in url for url in scrolled_urls) == 6
    print(f"phone: first screen {first_screen / KB:.0f} KB, scrolled {whole / KB:.0f} KB")
    print(f"desktop: scrolled {desktop / KB:.0f} KB")
    assert first_screen <= 300 * KB, urls
    assert whole <= 1200 * KB
    assert desktop <= 2500 * KB


def test_the_home_page_leads_with_photo_news_and_stays_light_on_a_phone(browser, phone_site: Path) -> None:
    from bs4 import BeautifulSoup

    home = BeautifulSoup((phone_site / "index.html").read_text(encoding="utf-8"), "html.parser")
    news = home.find(id="photo-news-heading").find_parent("section")
    items = news.select(".photo-news__item")
    assert 1 <= len(items) <= 4
    for item in items:
        image = item.find("img")
        assert image.has_attr("alt") and image["width"] and image["height"] and "240w" in image["srcset"]
        assert item.find("a").get_text(strip=True), "each photo is linked with its story's title"
    # In the list of stories a story with a photo has a thumbnail, one without photos looks as before.
    listed = {item.find("a")["href"]: item for item in home.select("#latest-heading ~ .story-list > li")}
    assert listed[f"./{STORY_PATH}"].find("img", class_="story-list__thumbnail")
    without = [item for item in listed.values() if "story-list__item--photo" not in item["class"]]
    assert without and not any(item.find("img") for item in without)

    with served(phone_site) as root:
        transferred, urls = _transferred(browser, root, PHONE, scroll=False)
    print(f"home page at 375 px: {transferred / KB:.0f} KB")
    assert sum(url.endswith(".webp") for url in urls) >= len(items)
    assert transferred <= 300 * KB, urls
