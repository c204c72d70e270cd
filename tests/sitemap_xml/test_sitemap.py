"""sitemap.xml: dates from the content only; the whole output does not depend on the build time."""

import filecmp
import time
from datetime import datetime
from types import SimpleNamespace
from xml.etree import ElementTree

import pytest
from sitebuild import Build, build_site, content_with
from sitemap_xml.sitemap import page_lastmod, render

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
EDITED = """Title: 分页测试：修改过的稿件
Date: 2020-03-01 09:00
Modified: 2020-05-06 10:30
Category: 工作动态
Tags: 修改
Slug: edited-story
Summary: 发布后修改过的稿件。
Org: 南京市测试协会
Org_type: 行业协会商会
Region: 南京市

正文。
"""


def story(date: str, modified: str | None = None) -> SimpleNamespace:
    as_date = datetime.fromisoformat
    return SimpleNamespace(date=as_date(date), modified=as_date(modified) if modified else None)


def test_lastmod_is_the_newest_content_date_of_what_the_page_shows():
    older, edited = story("2020-02-01T09:00+08:00"), story("2020-01-01T09:00+08:00", "2020-03-01T09:00+08:00")
    assert page_lastmod({"article": edited, "articles": [older]}) == edited.modified
    assert page_lastmod({"page": SimpleNamespace(), "articles": [older]}) is None
    listing = SimpleNamespace(object_list=[older, edited])
    assert (
        page_lastmod({"articles_page": listing, "articles": [story("2021-01-01T00:00+08:00")]})
        == edited.modified
    )
    assert page_lastmod({"articles": [older, edited]}) == edited.modified


def test_render_escapes_and_sorts_addresses():
    text = render(
        {"tag/防疫&志愿/": None, "a/": datetime.fromisoformat("2020-02-01T09:00+08:00")}, "https://x.cn"
    )
    root = ElementTree.fromstring(text)
    locs = [url.findtext("s:loc", namespaces=NS) for url in root.findall("s:url", NS)]
    assert locs == ["https://x.cn/a/", "https://x.cn/tag/%E9%98%B2%E7%96%AB&%E5%BF%97%E6%84%BF/"]
    assert root.find("s:url/s:lastmod", NS).text == "2020-02-01T09:00:00+08:00"


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory) -> tuple[Build, Build]:
    """The same content built twice into fresh folders, a few seconds apart."""
    builds = []
    content = content_with(tmp_path_factory.mktemp("content"), {"edited.md": EDITED})
    for name in ("first", "second"):
        build = build_site(tmp_path_factory.mktemp(name) / "output", content=content)
        assert build.returncode == 0, build.log
        builds.append(build)
        time.sleep(2)
    return builds[0], builds[1]


def entries(build: Build) -> dict[str, str | None]:
    root = ElementTree.parse(build.output / "sitemap.xml").getroot()
    return {
        url.findtext("s:loc", namespaces=NS): url.findtext("s:lastmod", namespaces=NS)
        for url in root.findall("s:url", NS)
    }


def test_two_builds_at_different_times_write_the_same_tree(two_builds):
    first, second = two_builds

    def differences(comparison: filecmp.dircmp) -> list[str]:
        found = [
            *comparison.diff_files,
            *comparison.left_only,
            *comparison.right_only,
            *comparison.funny_files,
        ]
        for sub in comparison.subdirs.values():
            found += [f"{sub.left}/{name}" for name in differences(sub)]
        return found

    filecmp.clear_cache()
    assert differences(filecmp.dircmp(first.output, second.output, ignore=[])) == []
    assert (first.output / "sitemap.xml").read_bytes() == (second.output / "sitemap.xml").read_bytes()


def newest_story_on(build: Build, url: str, sitemap: dict[str, str | None]) -> str:
    """The newest lastmod among the stories a listing links to (featured panels included)."""
    page = build.output / url.lstrip("/") / "index.html"
    dates = []
    for link in build.page(str(page.relative_to(build.output))).select(
        "main .story-list__title a, main .archive-list a"
    ):
        target = (page.parent / link["href"]).resolve().relative_to(build.output.resolve())
        dates.append(sitemap[f"/{target}/"])
    return max(dates, key=datetime.fromisoformat)


def test_lastmod_values_are_content_dates(two_builds):
    build = two_builds[0]
    sitemap = entries(build)
    assert sitemap["/stories/2020/edited-story/"] == "2020-05-06T10:30:00+08:00", "Modified, not Date"
    assert sitemap["/stories/2020/nanjing-logistics-emergency-capacity/"] == "2020-02-18T10:30:00+08:00"
    assert sitemap["/about/"] is None, "a page without a date of its own has no lastmod"
    site_newest = sitemap["/"]
    assert site_newest == max(v for v in sitemap.values() if v)
    for url in ("/category/", "/tag/", "/sitemap/", "/archives/"):
        assert sitemap[url] == site_newest, url
    for url in (
        "/category/gong-zuo-dong-tai/",
        "/archives/page/1/",
        "/region/nanjing/",
        "/archives/2020/02/",
        "/archives/2020/03/",
    ):
        assert sitemap[url] == newest_story_on(build, url, sitemap), url
    assert sitemap["/tag/xiu-gai/"] == "2020-05-06T10:30:00+08:00", "a listing's edited story"
    assert not [url for url in sitemap if url.startswith(("/wechat/", "/404"))]
    written = {str(p.relative_to(build.output)) for p in build.output.rglob("index.html")}
    listed = {url.lstrip("/") + "index.html" for url in sitemap}
    assert {name for name in written - listed if not name.startswith("wechat/")} == set()


def test_robots_txt_names_the_sitemap_only_with_an_absolute_address_and_keeps_a_site_path():
    from sitemap_xml.sitemap import render_robots

    assert render_robots("https://x.gov.cn/shzz", ["wechat/", "/search-index/"], "sitemap.xml") == (
        "User-agent: *\nDisallow: /shzz/wechat/\nDisallow: /shzz/search-index/\n\n"
        "Sitemap: https://x.gov.cn/shzz/sitemap.xml\n"
    )
    assert "Sitemap" not in render_robots("", ["wechat/"], "sitemap.xml")
