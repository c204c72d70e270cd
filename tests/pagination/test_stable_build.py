"""Real builds: one story added, rebuilt into a fresh folder; only first pages change."""

import filecmp
import re
from datetime import datetime, timedelta
from urllib.parse import unquote, urlsplit

import pytest
from sitebuild import Build, build_site, content_with

PER_PAGE = 10
# Listings that Pelican and the taxonomy plugin paginate: their first pages.
FIRST_PAGE = re.compile(
    r"^(index\.html|archives/index\.html|archives/\d{4}/(\d{2}/)?index\.html"
    r"|(category|tag|org-type|region)/[^/]+/index\.html)$"
)
ARCHIVE_PAGE = re.compile(r"^(?P<listing>(.*/)?)page/(?P<number>\d+)/index\.html$")
# The sample site has 22 stories: 22 + 36 = 58 on the home page, whose first page then holds 18.
GENERATED = 36


def story(number: int, date: datetime) -> str:
    return (
        f"Title: 分页测试稿件第{number}号\n"
        f"Date: {date:%Y-%m-%d %H:%M}\n"
        "Category: 工作动态\n"
        "Tags: 稳定分页\n"
        f"Slug: paging-{number}\n"
        f"Summary: 第{number}号稿件的摘要。\n"
        "Org: 南京市测试协会\n"
        "Org_type: 行业协会商会\n"
        "Region: 南京市\n\n"
        f"第{number}号稿件的正文。\n"
    )


def generated(count: int) -> dict[str, str]:
    start = datetime(2021, 1, 1, 9, 0)
    return {f"paging-{n}.md": story(n, start + timedelta(days=9 * n)) for n in range(1, count + 1)}


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict[str, Build]:
    """Three builds, each into a fresh folder: the base, one story more, and one more again."""
    stories = generated(GENERATED)
    later = {
        "added-1.md": story(1001, datetime(2021, 12, 30, 9, 0)),
        "added-2.md": story(1002, datetime(2021, 12, 31, 9, 0)),
    }
    result = {}
    for name, extra in (("base", {}), ("one", dict(list(later.items())[:1])), ("two", later)):
        folder = tmp_path_factory.mktemp(name)
        build = build_site(folder / "output", content=content_with(folder, {**stories, **extra}))
        assert build.returncode == 0, build.log
        result[name] = build
    return result


def html_files(build: Build) -> set[str]:
    return {str(p.relative_to(build.output)) for p in build.output.rglob("*.html")}


def stories_on(build: Build, page: str) -> list[str]:
    """The stories a listing page lists (not the home page's featured panels)."""
    links = build.page(page).select(".story-list__title a, .archive-list a")
    return [resolve(build, page, a) for a in links if a.find_parent(class_="panel") is None]


def listing_pages(build: Build) -> dict[str, list[str]]:
    """First page of each paginated listing -> its archive pages, newest first."""
    files = html_files(build)
    listings: dict[str, list[str]] = {name: [] for name in files if FIRST_PAGE.match(name)}
    for name in files:
        match = ARCHIVE_PAGE.match(name)
        if match:
            listings[match["listing"] + "index.html"].append(name)
    for pages in listings.values():
        pages.sort(key=lambda name: -int(ARCHIVE_PAGE.match(name)["number"]))
    return listings


def changed(old: Build, new: Build, name: str) -> bool:
    return not filecmp.cmp(old.output / name, new.output / name, shallow=False)


@pytest.mark.parametrize(
    ("before", "after", "slug"), [("base", "one", "paging-1001"), ("one", "two", "paging-1002")]
)
def test_one_added_story_changes_first_pages_of_its_listings_and_adds_full_pages(builds, before, after, slug):
    old, new = builds[before], builds[after]
    old_listings, new_listings = listing_pages(old), listing_pages(new)
    containing = {
        first
        for first, archives in new_listings.items()
        if any(slug in href for page in [first, *archives] for href in stories_on(new, page))
    }
    assert {"index.html", "archives/index.html", "tag/wen-ding-fen-ye/index.html"} <= containing
    changed_first_pages = {first for first in old_listings if changed(old, new, first)}
    assert changed_first_pages == containing & old_listings.keys()
    assert new_listings.keys() - old_listings.keys() <= containing, (
        "a new listing (a new month) holds the story"
    )
    filled = set()
    for first, archives in new_listings.items():
        old_archives = old_listings.get(first, [])
        added = [page for page in archives if page not in old_archives]
        rewritten = [page for page in old_archives if changed(old, new, page)]
        if added:
            # The listing's first page filled up: its older half became the next archive page,
            # and the archive page before it now links to that page instead of the first page.
            filled.add(first)
            assert first in containing
            assert added == [archives[0]] and archives[1:] == old_archives
            assert rewritten == old_archives[:1]
            old_nav = old.page(old_archives[0]).select_one("nav.pagination")
            new_nav = new.page(old_archives[0]).select_one("nav.pagination")
            assert (
                old.page(old_archives[0]).select("main ul")[0]
                == new.page(old_archives[0]).select("main ul")[0]
            )
            assert old_nav != new_nav
        else:
            assert archives == old_archives and rewritten == []
    # 58 -> 59 stories on the home page leaves its first page with 19; 59 -> 60 fills it.
    assert ("index.html" in filled) == (after == "two"), "the home page fills at 60 stories"
    assert ("page/5/index.html" in html_files(new) - html_files(old)) == (after == "two")


@pytest.mark.parametrize("name", ["base", "one", "two"])
def test_every_story_on_exactly_one_page_of_each_listing(builds, name):
    build = builds[name]
    for first, archives in listing_pages(build).items():
        pages = [first, *archives]
        listed = [href for page in pages for href in stories_on(build, page)]
        assert len(listed) == len(set(listed)), first
        count = len(listed)
        if archives:
            text = build.page(first).select_one(".pagination__current").get_text()
            assert f"共 {count} 篇" in text
            assert PER_PAGE <= len(stories_on(build, first)) < 2 * PER_PAGE
            assert all(len(stories_on(build, page)) == PER_PAGE for page in archives)


def test_navigation_links_resolve_and_walk_every_page_in_order(builds):
    build = builds["two"]
    for first, archives in listing_pages(build).items():
        pages = [first, *archives]
        for position, page in enumerate(pages):
            nav = build.page(page).select_one("nav.pagination")
            if not archives:
                assert nav is None
                continue
            assert nav.select_one('[aria-current="page"]')
            newer, older = nav.select_one('a[rel="prev"]'), nav.select_one('a[rel="next"]')
            assert resolve(build, page, newer) == (pages[position - 1] if position else None)
            assert resolve(build, page, older) == (pages[position + 1] if position + 1 < len(pages) else None)
            assert (newer.get_text() if newer else None) in (None, "最新稿件", "较新的稿件")
            assert (older.get_text() if older else None) in (None, "较早的稿件")
            if position:
                assert "共" not in nav.get_text(), "archive pages must not show what grows"


def resolve(build: Build, page: str, link) -> str | None:
    if link is None:
        return None
    target = (build.output / page).parent / unquote(urlsplit(link["href"]).path)
    target = target / "index.html" if target.is_dir() else target
    assert target.is_file(), f"{page}: {link['href']}"
    return str(target.resolve().relative_to(build.output.resolve()))
