"""What search engines and shared links read, on the public build (publishconf.py with SITEURL): one
canonical address per page, descriptions, Open Graph cards on articles, robots.txt and sitemap.xml."""

import re
import xml.etree.ElementTree as ET

import pytest
from sitebuild import build_site

SITEURL = "https://shzz.example.gov.cn"
# Pages that are not public pages of their own: no canonical address, not in sitemap.xml.
NOT_PUBLIC = re.compile(r"^(wechat/|404\.html$)")


@pytest.fixture(scope="module")
def public(tmp_path_factory):
    build = build_site(tmp_path_factory.mktemp("public") / "out", settings_file="publishconf.py",
                       env={"SITEURL": SITEURL})
    assert build.returncode == 0, build.log
    return build


def address(relative: str) -> str:
    return SITEURL + "/" + re.sub(r"(^|/)index\.html$", r"\1", relative)


def pages(build):
    for html in build.html_files():
        relative = html.relative_to(build.output).as_posix()
        yield relative, build.page(relative)


def test_every_public_page_has_exactly_one_canonical_address_its_own(public):
    checked = 0
    for relative, page in pages(public):
        canonicals = page.find_all("link", rel="canonical")
        if NOT_PUBLIC.match(relative):
            assert canonicals == [], relative
            continue
        assert [link["href"] for link in canonicals] == [address(relative)], relative
        description = page.find_all("meta", attrs={"name": "description"})
        assert len(description) == 1 and description[0]["content"].strip(), relative
        checked += 1
    assert checked > 50


def test_every_article_has_an_open_graph_card_with_absolute_addresses(public):
    articles = [(r, p) for r, p in pages(public) if r.startswith("stories/")]
    assert len(articles) > 10
    covers = 0
    for relative, page in articles:
        card = {meta["property"]: meta["content"] for meta in page.find_all("meta", property=True)}
        assert card["og:type"] == "article"
        assert card["og:title"] == page.find("meta", attrs={"name": "ArticleTitle"})["content"]
        assert card["og:description"] == page.find("meta", attrs={"name": "description"})["content"]
        assert card["og:url"] == address(relative)
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", card["article:published_time"])
        image = card["og:image"]
        assert image.startswith(SITEURL + "/")
        assert (public.output / image.removeprefix(SITEURL + "/")).is_file()
        covers += not image.endswith("/theme/images/share.png")
    assert covers >= 3, "stories with a Cover show it; the others the site's share image"


def test_listings_describe_themselves(public):
    description = public.page("region/nanjing/index.html").find("meta", attrs={"name": "description"})
    assert "南京市" in description["content"]
    assert public.page("region/nanjing/index.html").find("meta", property="og:type") is None


def test_robots_txt_points_to_the_sitemap_and_keeps_previews_and_the_index_out(public):
    lines = (public.output / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert "User-agent: *" in lines
    assert {"Disallow: /wechat/", "Disallow: /search-index/"} <= set(lines)
    assert f"Sitemap: {SITEURL}/sitemap.xml" in lines


def test_the_sitemap_lists_public_pages_only_on_the_public_address(public):
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ET.parse(public.output / "sitemap.xml").getroot()
    listed = [loc.text for loc in root.findall("s:url/s:loc", namespace)]
    assert all(url.startswith(SITEURL + "/") for url in listed)
    paths = [url.removeprefix(SITEURL + "/") for url in listed]
    assert not [path for path in paths if NOT_PUBLIC.match(path) or path.startswith("search-index/")]
    public_pages = {address(relative) for relative, _ in pages(public) if not NOT_PUBLIC.match(relative)}
    assert set(listed) == public_pages
    entries = root.findall("s:url", namespace)
    stories = [url for url in entries if "/stories/" in url.find("s:loc", namespace).text]
    assert stories and all(url.find("s:lastmod", namespace) is not None for url in stories)


def test_a_local_build_never_writes_a_relative_canonical_address(site):
    canonicals = [link["href"] for _, page in pages(site) for link in page.find_all("link", rel="canonical")]
    assert all(href.startswith(("https://", "http://")) for href in canonicals)
    robots = (site.output / "robots.txt").read_text(encoding="utf-8")
    assert "Disallow: /wechat/" in robots
    sitemaps = [line.split(": ", 1)[1] for line in robots.splitlines() if line.startswith("Sitemap")]
    assert all(url.startswith("http") for url in sitemaps)
