"""The whole site, built by Pelican from the repository's content, checked page by page."""

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
import pytest
from sitebuild import REPO
from taxonomy.vocabulary import CATEGORIES

CONTENT = REPO / "content"
STORY_FOLDERS = ("guidance", "stories", "submissions")


def front_matter(path: Path) -> dict[str, str]:
    fields = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            break
        key, _, value = line.partition(":")
        fields[key.strip().lower()] = value.strip()
    return fields


def content_files() -> list[Path]:
    files = [p for folder in (*STORY_FOLDERS, "pages") for p in sorted((CONTENT / folder).rglob("*.md"))]
    return [p for p in files if front_matter(p).get("status", "published") == "published"]


def h1_texts(site) -> set[str]:
    texts = set()
    for html in site.html_files():
        soup = site.page(str(html.relative_to(site.output)))
        texts |= {" ".join(h1.get_text(" ", strip=True).split()) for h1 in soup.find_all("h1")}
    return texts


def test_every_content_file_has_its_page(site):
    headings = h1_texts(site)
    missing = [
        str(path.relative_to(REPO))
        for path in content_files()
        if not any(h.startswith(front_matter(path)["title"]) for h in headings)
    ]
    assert content_files(), "no content found"
    assert missing == []


def test_sample_stories_are_marked_on_their_page(site):
    samples = [p for p in content_files() if front_matter(p).get("sample") == "true"]
    assert len(samples) >= 12
    for path in samples:
        slug = front_matter(path)["slug"]
        (page,) = site.output.glob(f"stories/*/{slug}/index.html")
        assert "示例" in site.page(str(page.relative_to(site.output))).h1.get_text()


def test_every_listing_kind_exists(site):
    out = site.output
    for listing in (
        "category/index.html",
        "tag/index.html",
        "org-type/index.html",
        "region/index.html",
        "archives/index.html",
        "sitemap/index.html",
        "404.html",
    ):
        assert (out / listing).is_file(), listing
    category_pages = {p.parent.name for p in out.glob("category/*/index.html")}
    assert len(category_pages) == len(CATEGORIES)
    assert list(out.glob("tag/*/index.html"))
    assert list(out.glob("org-type/*/index.html"))
    assert list(out.glob("region/*/index.html"))
    assert list(out.glob("archives/2020/0[2-4]/index.html")), "monthly archives"


def test_listings_paginate(site):
    assert (site.output / "page/1/index.html").is_file(), "home page with more than one page of stories"
    oldest = site.page("page/1/index.html")
    assert oldest.find("a", rel="prev")


def local_references(site):
    """(page, attribute value) for every reference that stays on the site."""
    for html in site.html_files():
        soup = site.page(str(html.relative_to(site.output)))
        for tag in soup.find_all(["a", "link", "img", "script", "source", "iframe"]):
            for attribute in ("href", "src"):
                value = tag.get(attribute)
                if value and not re.match(r"^(mailto:|tel:|#|[a-z][a-z0-9+.-]*://|//)", value):
                    yield html, tag, value


def test_every_internal_link_and_asset_resolves(site):
    broken = []
    for html, _tag, value in local_references(site):
        path = unquote(urlsplit(value).path)
        target = (site.output / path.lstrip("/")) if path.startswith("/") else (html.parent / path)
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            broken.append(f"{html.relative_to(site.output)} -> {value}")
    assert broken == []


def test_no_page_loads_anything_from_another_host(site):
    external = []
    for html in site.html_files():
        soup = site.page(str(html.relative_to(site.output)))
        for tag in soup.find_all(
            ["link", "img", "script", "source", "iframe", "video", "audio", "embed", "object"]
        ):
            # Feeds and the page's public address are links to follow, not things the page loads.
            if tag.name == "link" and {"alternate", "canonical"} & set(tag.get("rel") or []):
                continue
            for attribute in ("href", "src", "data", "srcset"):
                value = tag.get(attribute) or ""
                if re.match(r"^(https?:)?//", value):
                    external.append(f"{html.relative_to(site.output)}: <{tag.name} {attribute}={value}>")
        css = " ".join(style.get_text() for style in soup.find_all("style"))
        assert "@import" not in css and "url(http" not in css
    assert external == []
    for stylesheet in site.output.rglob("*.css"):
        assert not re.search(r"url\((['\"]?)(https?:)?//", stylesheet.read_text()), stylesheet


def meta(soup, name):
    tag = soup.find("meta", attrs={"name": name})
    return tag and tag.get("content")


@pytest.mark.parametrize("name", ["SiteName", "SiteDomain", "SiteIDCode"])
def test_site_meta_tags_on_every_page(site, name):
    missing = [
        str(h.relative_to(site.output))
        for h in site.html_files()
        if not meta(site.page(str(h.relative_to(site.output))), name)
    ]
    assert missing == []


def test_footer_on_every_page(site):
    for html in site.html_files():
        footer = site.page(str(html.relative_to(site.output))).find("footer", class_="site-footer")
        assert footer, html
        text = footer.get_text()
        for required in ("主办单位", "jsmzshzz@163.com", "网站标识码", "ICP备", "公网安备", "网站地图"):
            assert required in text, f"{html}: footer lacks {required}"


def article_pages(site):
    return sorted(site.output.glob("stories/*/*/index.html"))


def test_article_meta_tags_on_every_article(site):
    pages = article_pages(site)
    assert len(pages) >= 13
    for path in pages:
        page = site.page(str(path.relative_to(site.output)))
        assert meta(page, "ArticleTitle") == page.h1.find(string=True, recursive=False).strip(), path
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", meta(page, "PubDate")), path
        assert meta(page, "ContentSource"), path
        assert meta(page, "ColumnName") in CATEGORIES and meta(page, "ColumnType"), path
    notice = site.page("stories/2020/notice-2020-1/index.html")
    assert meta(notice, "ArticleTitle") == "关于进一步压实疫情防控责任 更好发挥社会组织作用的通知"
    assert meta(notice, "PubDate").startswith("2020-02-12 ")


def test_listing_meta_tags_on_every_listing(site):
    articles = set(article_pages(site))
    listings = [p for p in site.html_files() if p not in articles and "wechat" not in p.parts]
    assert len(listings) >= 40
    for path in listings:
        page = site.page(str(path.relative_to(site.output)))
        assert meta(page, "ColumnName") and meta(page, "ColumnType"), path


def test_accessibility_landmarks_on_every_page(site):
    for html in site.html_files():
        soup = site.page(str(html.relative_to(site.output)))
        assert soup.html["lang"] == "zh-CN"
        skip = soup.find("a", class_="skip-link")
        assert skip and skip["href"] == "#main" and soup.find("main", id="main"), html
        assert soup.find("header") and soup.find("nav") and soup.find("footer")
        assert len(soup.find_all("h1")) == 1, html
        for img in soup.find_all("img"):
            # Empty only inside a link its own text names (图片新闻: the photo above the title).
            link = img.find_parent("a")
            named_by_link = link is not None and link.get_text(strip=True)
            assert img.has_attr("alt") and (img["alt"].strip() or named_by_link), f"{html}: {img}"


def test_article_shows_its_facets_and_neighbours(site):
    page = site.page("stories/2020/notice-2020-1/index.html")
    meta_text = page.find("dl", class_="story__meta").get_text()
    assert "省级" in meta_text
    assert "组织类型" not in meta_text, "guidance documents are not filed under an organization type"
    story = site.page("stories/2020/nanjing-logistics-emergency-capacity/index.html")
    story_meta = story.find("dl", class_="story__meta")
    assert story_meta.find("a", string="行业协会商会") and story_meta.find("a", string="南京市")
    assert page.find("nav", class_="story-nav").find("a", rel="next")
    assert page.find("nav", class_="breadcrumb").find("a", string="政策指导")


def test_guidance_is_not_filed_under_an_organization_type(site):
    notice = "stories/2020/notice-2020-1/"
    listed = [
        page
        for page in site.output.glob("org-type/**/index.html")
        for item in site.page(str(page.relative_to(site.output))).select(".story-list__title a")
        if item["href"].endswith(notice)
    ]
    fed = [
        feed
        for feed in site.output.glob("feeds/org-type/*.atom.xml")
        for entry in feedparser.parse(feed.read_bytes()).entries
        if entry.link.endswith(notice)
    ]
    assert listed == [] and fed == []
    assert list(site.output.glob("feeds/org-type/*.atom.xml"))
    region = site.page("region/province/index.html").select(".story-list__title a")
    assert any(a["href"].endswith(notice) for a in region)
