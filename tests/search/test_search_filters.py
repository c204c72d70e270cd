"""Search that narrows, in Debian's Chromium over HTTP: filters by column, organization type and region,
results with their date and organization, newest first across the index's segments, and the search
offered by a listing page. The site is built, then built again with a story of a later year, which
the second build puts in the index's small recent segment."""

import re

import pytest
from added_stories import story, story_path
from browsing import needs_chromium, served
from sitebuild import build_site, content_with

pytestmark = needs_chromium
QUERY = "志愿"
REGION = "常州市"
LATER_STORY = ("volunteers-2021", "2021-06-01 09:00")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("filters")
    content = content_with(folder, {})
    settings = {"CACHE_PATH": str(folder / "cache")}
    assert build_site(folder / "output", content, extra_settings=settings).returncode == 0
    later = story(*LATER_STORY, f"徐州市慈善总会组织{QUERY}服务队。")
    (content / "stories" / "later.md").write_text(later, encoding="utf-8")
    build = build_site(folder / "output", content, extra_settings=settings)
    assert build.returncode == 0, build.log
    assert [path.name for path in (build.output / "search-index").glob("r-*")], "a recent segment"
    return build


@pytest.fixture(scope="module")
def server(built):
    with served(built.output) as url:
        yield url


@pytest.fixture
def page(desktop):
    return desktop.new_page()


def wait_for_results(page, containing: str = "") -> str:
    page.wait_for_function(
        "([status, part]) => !['', '正在搜索……'].includes(status.textContent)"
        " && status.textContent.includes(part)",
        arg=[page.locator("#search-status").element_handle(), containing],
    )
    return page.locator("#search-status").inner_text()


def all_results(page) -> list[dict]:
    """Every result (showing more until there is no more): its address, date and organization."""
    while page.locator("#search-more").is_visible():
        shown = page.locator("#search-results li").count()
        page.get_by_role("button", name="显示更多结果").click()
        page.wait_for_function(f"document.querySelectorAll('#search-results li').length > {shown}")
    return page.locator("#search-results li").evaluate_all(
        """items => items.map(item => ({
             href: item.querySelector('h2 a').getAttribute('href'),
             date: item.querySelector('time')?.getAttribute('datetime') ?? null,
             org: item.querySelector('.search-results__meta span')?.textContent ?? null}))"""
    )


def shown_field(built, href: str, field: str) -> str:
    """What the story page at `href` shows in its metadata field (地区, 来源单位 …)."""
    story_page = built.page(href.strip("/") + "/index.html")
    term = story_page.find("dt", string=field)
    return term.find_next_sibling("dd").get_text(strip=True)


def test_a_chinese_query_with_a_region_filter_returns_only_that_regions_stories(page, server, built):
    page.goto(server + f"search/?q={QUERY}")
    everywhere = int(re.search(r"找到 (\d+) 篇", wait_for_results(page)).group(1))
    page.get_by_label("地区").select_option(REGION)
    status = wait_for_results(page, f"地区：{REGION}")
    found = all_results(page)
    assert status == f"找到 {len(found)} 篇与“{QUERY}”有关的稿件（地区：{REGION}）。"
    assert 1 <= len(found) < everywhere
    assert {shown_field(built, result["href"], "地区") for result in found} == {REGION}
    assert all(QUERY in built.page(r["href"].strip("/") + "/index.html").get_text() for r in found)
    assert page.evaluate("new URLSearchParams(location.search).get('region')") == REGION


def test_filters_combine_and_each_result_shows_its_date_and_organization(page, server, built):
    page.goto(server + f"search/?q={QUERY}&category=先进典型&org_type=志愿服务组织")
    status = wait_for_results(page)
    assert "（栏目：先进典型，组织类型：志愿服务组织）" in status
    found = all_results(page)
    assert found
    for result in found:
        assert result["date"] and result["org"] == shown_field(built, result["href"], "来源单位")
        assert shown_field(built, result["href"], "组织类型") == "志愿服务组织"
        assert built.page(result["href"].strip("/") + "/index.html").find(
            "meta", attrs={"name": "ColumnName"}
        )["content"] == "先进典型"


def test_newest_first_orders_results_across_shards_by_date(page, server):
    page.goto(server + f"search/?q={QUERY}")
    wait_for_results(page)
    by_relevance = all_results(page)
    page.get_by_label("排序").select_option("newest")
    assert wait_for_results(page, "最新发布的在前").endswith("，最新发布的在前。")
    newest_first = all_results(page)
    assert sorted(map(str, newest_first)) == sorted(map(str, by_relevance)), "the same stories"
    dates = [result["date"] for result in newest_first if result["date"]]
    assert dates == sorted(dates, reverse=True)
    assert newest_first[0]["href"] == "/" + story_path(*LATER_STORY)
    assert page.evaluate("location.search").endswith("sort=newest")


def test_a_listing_page_offers_a_search_within_its_stories(page, server):
    page.goto(server + "region/changzhou/")
    page.get_by_role("link", name=f"在{REGION}的稿件中搜索").click()
    page.wait_for_url(re.compile(r"/search/\?region="))
    status = wait_for_results(page)
    assert status == f"找到 2 篇稿件（地区：{REGION}），最新发布的在前。"
    assert page.get_by_label("地区").input_value() == REGION
    assert page.evaluate("document.activeElement.id") == "search-query", "ready to type a query"
    page.keyboard.type(QUERY)
    page.keyboard.press("Enter")
    assert wait_for_results(page, QUERY).endswith(f"（地区：{REGION}）。")


def test_the_back_button_restores_the_filters(page, server):
    page.goto(server + f"search/?q={QUERY}")
    wait_for_results(page)
    page.get_by_label("地区").select_option(REGION)
    wait_for_results(page, REGION)
    page.go_back()
    wait_for_results(page)
    page.wait_for_function("!document.getElementById('search-status').textContent.includes('地区')")
    assert page.get_by_label("地区").input_value() == ""


def test_filters_are_a_labelled_group_and_reachable_by_keyboard(page, server):
    from axe_playwright_python.sync_playwright import Axe

    page.goto(server + f"search/?q={QUERY}&region={REGION}")
    wait_for_results(page)
    group = page.get_by_role("group", name="缩小范围和排序")
    assert group.is_visible()
    page.get_by_label("搜索稿件").focus()
    reached = []
    for _ in range(5):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.name"))
    assert reached == ["", "category", "org_type", "region", "sort"]  # the button, then the filters
    assert page.locator("#search-status").get_attribute("role") == "status"
    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": tags}})
    assert results.violations_count == 0, results.generate_report()
