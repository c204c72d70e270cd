"""The feeds of a real Pelican build, read back with feedparser, jsonschema and lxml."""

import json
import re
from pathlib import Path

import feedparser
import jsonschema
import pytest
from bs4 import BeautifulSoup
from lxml import etree
from site_build import IMPORTED_SOURCE, PUBLIC_URL, ROOT, Site, build, channel_files, make_site
from sitebuild import build_site

LINKED_SLUG = "nanjing-logistics-emergency-capacity"  # the story the test story links to with {filename}
FEED_SUFFIXES = (".rss.xml", ".atom.xml", ".json")
SCHEMA = json.loads((ROOT / "tools/sitecheck/jsonfeed-1.1.schema.json").read_text("utf-8"))


def feed_files(output: Path) -> list[Path]:
    return sorted(p for p in (output / "feeds").rglob("*") if p.name.endswith(FEED_SUFFIXES))


def xml_feeds(output: Path) -> list[Path]:
    return [p for p in feed_files(output) if p.name.endswith(".xml")]


def parsed(output: Path, path: str) -> feedparser.FeedParserDict:
    return feedparser.parse((output / path).read_bytes())


def entries_by_title(output: Path, path: str) -> dict[str, feedparser.FeedParserDict]:
    return {entry.title: entry for entry in parsed(output, path).entries}


def json_feed(output: Path) -> dict:
    return json.loads((output / "feeds" / "app.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("which", ["local", "public"])
def test_every_feed_parses_without_errors(built_site: Site, which: str) -> None:
    output = built_site(which)
    feeds = xml_feeds(output)
    kinds = {p.parent.name for p in feeds}
    assert {"feeds", "category", "tag", "org-type", "region"} <= kinds
    for path in feeds:
        result = feedparser.parse(path.read_bytes())
        assert result.bozo == 0, f"{path}: {result.get('bozo_exception')}"
        assert result.entries, f"{path} has no items"


def test_feeds_for_every_category_org_type_and_region_in_use(built_site: Site) -> None:
    feeds = {p.relative_to(built_site("local")).as_posix() for p in feed_files(built_site("local"))}
    for path in [
        "feeds/all.atom.xml",
        "feeds/all.rss.xml",
        "feeds/category/gong-zuo-dong-tai.atom.xml",
        "feeds/category/zheng-ce-zhi-dao.rss.xml",
        "feeds/org-type/trade-association.atom.xml",
        "feeds/region/nanjing.rss.xml",
        "feeds/tag/ce-shi-hua-ti-jia.atom.xml",
        "feeds/app.json",
        "feeds/app.rss.xml",
    ]:
        assert path in feeds


def test_json_feed_is_valid_json_feed_1_1(built_site: Site) -> None:
    feed = json_feed(built_site("public"))
    jsonschema.validate(feed, SCHEMA)
    assert feed["language"] == "zh-CN"
    assert feed["feed_url"] == f"{PUBLIC_URL}/feeds/app.json"
    for item in feed["items"]:
        required = {"id", "content_html", "url", "date_published", "date_modified", "authors", "tags"}
        assert required <= set(item)


def test_schema_rejects_a_broken_feed() -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(
            {
                "version": "https://jsonfeed.org/version/1.1",
                "title": "x",
                "items": [{"id": "1", "date_published": "2020-02-18 10:30"}],
            },
            SCHEMA,
        )


def test_ids_survive_a_new_siteurl_slug_and_date(built_site: Site) -> None:
    local = entries_by_title(built_site("local"), "feeds/all.atom.xml")
    public = entries_by_title(built_site("public"), "feeds/all.atom.xml")
    assert local.keys() == public.keys()
    for title, entry in local.items():
        assert public[title].id == entry.id, title
    moved = "测试：带封面和窄图的稿件"
    # A local build links feeds to the public address too (PUBLIC_SITEURL), never to localhost.
    assert local[moved].link == f"{PUBLIC_URL}/stories/2020/test-wide-cover/"
    assert public[moved].link == f"{PUBLIC_URL}/stories/2020/test-wide-cover-renamed/"
    assert public["测试：导入的稿件"].id == f"urn:sha256:{IMPORTED_SOURCE}"
    assert public["测试：导入的稿件"].published.startswith("2020-04-21")
    assert len({entry.id for entry in local.values()}) == len(local)


def test_an_edit_changes_only_the_updated_time(built_site: Site) -> None:
    title = "测试：带封面和窄图的稿件"
    before = entries_by_title(built_site("local"), "feeds/all.atom.xml")[title]
    after = entries_by_title(built_site("public"), "feeds/all.atom.xml")[title]
    assert (after.id, after.published) == (before.id, before.published)
    assert before.updated == before.published == "2020-04-22T09:15:00+08:00"
    assert after.updated == "2020-05-01T10:00:00+08:00"
    assert parsed(built_site("public"), "feeds/all.atom.xml").feed.updated == "2020-05-01T10:00:00+08:00"


def test_rebuild_without_changes_is_byte_identical(built_site: Site) -> None:
    first, second = built_site("local"), built_site("local-again")
    files = [p.relative_to(first) for p in feed_files(first)] + [Path("feeds/feeds.opml")]
    assert [p.relative_to(second) for p in feed_files(second)] == files[:-1]
    for relative in files:
        assert (first / relative).read_bytes() == (second / relative).read_bytes(), relative


def test_dates_carry_china_time(built_site: Site) -> None:
    output = built_site("local")
    atom = (output / "feeds/all.atom.xml").read_text(encoding="utf-8")
    stamps = re.findall(r"<(?:updated|published)>([^<]+)<", atom)
    assert stamps and all(stamp.endswith("+08:00") for stamp in stamps)
    rss = (output / "feeds/all.rss.xml").read_text(encoding="utf-8")
    dates = re.findall(r"<(?:pubDate|lastBuildDate)>([^<]+)<", rss)
    assert dates and all(date.endswith("+0800") for date in dates)
    for item in json_feed(output)["items"]:
        assert item["date_published"].endswith("+08:00") and item["date_modified"].endswith("+08:00")


def test_future_story_is_in_no_feed(built_site: Site) -> None:
    for path in feed_files(built_site("local")):
        assert "未来日期" not in path.read_text(encoding="utf-8"), path


def test_content_links_and_images_are_absolute(built_site: Site) -> None:
    for which in ("local", "public"):
        for item in json_feed(built_site(which))["items"]:
            soup = BeautifulSoup(item["content_html"], "html.parser")
            for tag in soup.find_all(["a", "img"]):
                address = tag.get("href") or tag.get("src")
                assert address.startswith(("http://", "https://", "#", "mailto:")), (item["title"], address)
    entry = entries_by_title(built_site("public"), "feeds/all.rss.xml")["测试：带封面和窄图的稿件"]
    html = entry.content[0].value
    assert f'href="{PUBLIC_URL}/stories/2020/{LINKED_SLUG}/"' in html  # {filename} link
    assert f'href="{PUBLIC_URL}/stories/"' in html  # "../../" from the article's own address
    assert f'src="{PUBLIC_URL}/images/test/wide.jpg"' in html


def test_cover_is_the_enclosure_and_media_content(built_site: Site) -> None:
    output = built_site("public")
    atom = entries_by_title(output, "feeds/all.atom.xml")["测试：带封面和窄图的稿件"]
    assert atom.link == f"{PUBLIC_URL}/stories/2020/test-wide-cover-renamed/"
    assert [link.href for link in atom.links if link.rel == "enclosure"] == [
        f"{PUBLIC_URL}/images/test/wide.jpg"
    ]
    rss = etree.parse(str(output / "feeds/all.rss.xml"))
    item = rss.xpath("//item[title='测试：带封面和窄图的稿件']")[0]
    enclosure = item.find("enclosure")
    size = (output / "images/test/wide.jpg").stat().st_size
    assert enclosure.attrib == {
        "url": f"{PUBLIC_URL}/images/test/wide.jpg",
        "length": str(size),
        "type": "image/jpeg",
    }
    media = "{http://search.yahoo.com/mrss/}"
    content = item.find(f"{media}content")
    dimensions = (content.get("width"), content.get("height"), content.get("fileSize"))
    assert dimensions == ("1280", "720", str(size))
    assert item.find(f"{media}thumbnail").get("url") == enclosure.get("url")
    assert item.findtext("{http://purl.org/dc/elements/1.1/}creator") == "南京市测试协会"


def test_app_image_is_the_first_at_least_720_px_wide(built_site: Site) -> None:
    items = {item["title"]: item for item in json_feed(built_site("public"))["items"]}
    imported = items["测试：导入的稿件"]  # narrow image first, then the wide one; no cover
    assert imported["image"] == f"{PUBLIC_URL}/images/test/wide.jpg"
    media_entry = entries_by_title(built_site("public"), "feeds/all.rss.xml")["测试：导入的稿件"]
    assert media_entry.enclosures[0].href == f"{PUBLIC_URL}/images/test/narrow.png"
    app_rss = entries_by_title(built_site("public"), "feeds/app.rss.xml")["测试：导入的稿件"]
    assert app_rss.enclosures[0].href == f"{PUBLIC_URL}/images/test/wide.jpg"


def test_channels_front_matter_keeps_a_story_out_of_media_and_app_feeds(built_site: Site) -> None:
    output = built_site("local")
    for path in feed_files(output):
        if path.name.startswith(("wechat", "weibo")):
            continue
        assert "只发微信和微博" not in path.read_text(encoding="utf-8"), path


def test_opml_lists_every_xml_feed_file(built_site: Site) -> None:
    output = built_site("public")
    opml = etree.parse(str(output / "feeds/feeds.opml"))
    listed = {url.removeprefix(f"{PUBLIC_URL}/") for url in opml.xpath("//outline/@xmlUrl")}
    produced = {p.relative_to(output).as_posix() for p in feed_files(output)}
    assert {"feeds/wechat.rss.xml", "feeds/weibo.rss.xml", "feeds/app.json"} <= produced
    assert listed == {path for path in produced if path.endswith(".xml")}


def test_subscribe_page_lists_every_feed(built_site: Site) -> None:
    output = built_site("public")
    page = BeautifulSoup((output / "subscribe/index.html").read_text(encoding="utf-8"), "html.parser")
    catalogue = page.select_one(".feed-catalogue")
    assert catalogue is not None
    linked = {a["href"].removeprefix(f"{PUBLIC_URL}/") for a in catalogue.find_all("a")}
    produced = {p.relative_to(output).as_posix() for p in feed_files(output)}
    assert produced | {"feeds/feeds.opml"} <= linked
    assert "按地区" in catalogue.get_text() and "地区：南京市（Atom）" in catalogue.get_text()


@pytest.mark.parametrize(
    ("page", "feed"),
    [
        ("index.html", "feeds/all.atom.xml"),
        ("index.html", "feeds/app.json"),
        ("category/gong-zuo-dong-tai/index.html", "feeds/category/gong-zuo-dong-tai.rss.xml"),
        ("tag/ce-shi-hua-ti-jia/index.html", "feeds/tag/ce-shi-hua-ti-jia.atom.xml"),
        ("org-type/trade-association/index.html", "feeds/org-type/trade-association.atom.xml"),
        ("region/nanjing/index.html", "feeds/region/nanjing.rss.xml"),
        ("stories/2020/test-wide-cover-renamed/index.html", "feeds/all.atom.xml"),
        ("subscribe/index.html", "feeds/all.rss.xml"),
    ],
)
def test_pages_advertise_their_feeds(built_site: Site, page: str, feed: str) -> None:
    output = built_site("public")
    head = BeautifulSoup((output / page).read_text(encoding="utf-8"), "html.parser").head
    links = {link["href"]: link["type"] for link in head.find_all("link", rel="alternate")}
    assert links.get(f"{PUBLIC_URL}/{feed}") in {
        "application/atom+xml",
        "application/rss+xml",
        "application/feed+json",
    }, links
    for href in links:
        if href.startswith(f"{PUBLIC_URL}/feeds/"):
            assert (output / href.removeprefix(f"{PUBLIC_URL}/")).is_file(), href


def test_unknown_channel_stops_the_build_naming_the_file(tmp_path: Path) -> None:
    content = make_site(tmp_path)
    story = content / "stories/test-wechat-only.md"
    story.write_text(
        story.read_text(encoding="utf-8").replace("Channels: wechat, weibo", "Channels: wechat, toutiao"),
        encoding="utf-8",
    )
    result = build(content, tmp_path / "output", expect_success=False)
    log = " ".join(result.log.split())
    assert "stories/test-wechat-only.md: unknown channel(s) toutiao" in log


LONELY_STORY = """Title: 测试：话题只有这一篇
Date: 2020-04-25 09:00
Category: 工作动态
Tags: 孤立话题
Slug: test-lonely-tag
Summary: 它的话题只有它一篇，删掉它，这个话题的订阅源也要消失。
Org: 测试协会
Cover: images/test/wide.jpg

正文。
"""


def test_a_rebuild_after_deleting_a_story_equals_a_cold_build(tmp_path: Path) -> None:
    content = make_site(tmp_path / "site")
    story = content / "stories" / "test-lonely-tag.md"
    story.write_text(LONELY_STORY, encoding="utf-8")
    settings = {"CACHE_PATH": str(tmp_path / "cache")}
    first = build_site(tmp_path / "output", content=content, extra_settings=settings)
    assert first.returncode == 0, first.log
    before = channel_files(tmp_path / "output")
    assert {"feeds/tag/gu-li-hua-ti.atom.xml", "wechat/test-lonely-tag/cover-900x383.jpg"} <= before.keys()

    story.unlink()
    again = build_site(tmp_path / "output", content=content, extra_settings=settings)
    assert again.returncode == 0, again.log
    cold = build_site(tmp_path / "cold", content=content, extra_settings={"CACHE_PATH": str(tmp_path / "c2")})
    assert cold.returncode == 0, cold.log
    rebuilt = channel_files(tmp_path / "output")
    assert not any("gu-li-hua-ti" in path or "test-lonely-tag" in path for path in rebuilt)
    assert rebuilt == channel_files(tmp_path / "cold")
