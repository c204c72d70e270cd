"""The search page in Debian's Chromium, over HTTP on loopback: finding stories (the one holding the
whole query first), what stays out, what a search fetches, WCAG 2.1 AA with results shown, a phone's
width, and the page without JavaScript."""

import shutil

import pytest
from added_stories import story, story_path
from browsing import needs_chromium, served
from search.layout import with_carried_entry
from sitebuild import REPO, build_site, content_with

pytestmark = needs_chromium
# An organization named in the body of exactly one story (checked below, against content/).
STORY_TERM = "汉风慈善基金会"
STORY_FILE = REPO / "content" / "stories" / "2020-02-22-xuzhou-charity-foundation.md"
STORY_PATH = "stories/2020/xuzhou-charity-foundation-transparency/"
# Found in dozens of stories: more than one page of results.
COMMON_TERM = "志愿"
PAGE_SIZE = 10


# A story of 2021 naming the same foundation, added after the first build: it is in the index's
# small recent segment, the others in the large one.
LATER_STORY = ("foundation-report-2021", "2021-05-10 09:00")
# A word in the 2021 story only (and nowhere else on the site).
LATER_WORD = "蓝鲸"
# Newer still, and holding every pair of characters of STORY_TERM, but never the name whole.
SCATTERED_STORY = ("scattered-pieces-2021", "2021-08-01 09:00")
SCATTERED_BODY = "春风慈爱，汉风习习，公益慈善基金会在各地成立。"


@pytest.fixture(scope="module")
def two_year_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("two-years")
    content = content_with(folder, {"scattered.md": story(*SCATTERED_STORY, SCATTERED_BODY)})
    settings = {"CACHE_PATH": str(folder / "cache")}
    assert build_site(folder / "output", content, extra_settings=settings).returncode == 0
    body = f"{STORY_TERM}发布2021年度报告，并资助{LATER_WORD}保护志愿服务项目。"
    (content / "stories" / "later.md").write_text(story(*LATER_STORY, body), encoding="utf-8")
    build = build_site(folder / "output", content, extra_settings=settings)
    assert build.returncode == 0, build.log
    segments = [path.name for path in (build.output / "search-index").iterdir() if path.is_dir()]
    assert sorted(name[0] for name in segments if name != "s") == ["b", "r"]
    with served(build.output) as url:
        yield url


@pytest.fixture
def open_page(browser):
    """Opens a URL in a fresh context; returns the page and the list of every URL it requests."""
    contexts = []

    def open_url(url, width=375, **options):
        context = browser.new_context(viewport={"width": width, "height": 900}, **options)
        contexts.append(context)
        page = context.new_page()
        requested = []
        page.on("request", lambda request: requested.append(request.url))
        page.goto(url)
        return page, requested

    yield open_url
    for context in contexts:
        context.close()


def wait_for_results(page) -> str:
    """The live region's message once the search has finished."""
    page.wait_for_function(
        "(status => !['', '正在搜索……'].includes(status.textContent))"
        "(document.getElementById('search-status'))"
    )
    return page.locator("#search-status").inner_text()


def test_the_term_is_in_exactly_one_story_body():
    content = REPO / "content"
    holders = [path for path in content.rglob("*.md") if STORY_TERM in path.read_text(encoding="utf-8")]
    assert holders == [STORY_FILE]
    assert f"Slug: {STORY_PATH.split('/')[2]}" in STORY_FILE.read_text(encoding="utf-8")


def test_searching_a_chinese_name_lists_its_story_first_and_links_to_it(open_page, site_url):
    page, requested = open_page(site_url + "search/")
    page.get_by_label("搜索稿件").fill(STORY_TERM)
    page.get_by_role("button", name="搜索").click()
    assert wait_for_results(page) == f"找到 1 篇与“{STORY_TERM}”有关的稿件。"
    assert page.evaluate("new URLSearchParams(location.search).get('q')") == STORY_TERM
    first = page.locator("#search-results li").first
    assert STORY_TERM in first.locator("p").inner_text()
    assert first.locator("mark").count() > 0
    first.get_by_role("link").click()
    page.wait_for_url(site_url + STORY_PATH)
    assert STORY_TERM in page.locator("h1").inner_text()
    assert requested and all(url.startswith(site_url) for url in requested), requested


def result_links(page) -> list[str]:
    return page.locator("#search-results h2 a").evaluate_all("all => all.map(a => a.getAttribute('href'))")


def test_stories_holding_the_whole_name_come_before_one_holding_its_pieces(open_page, two_year_server):
    page, _ = open_page(two_year_server + f"search/?q={STORY_TERM}")
    assert wait_for_results(page) == f"找到 3 篇与“{STORY_TERM}”有关的稿件。"
    # The name in a title (the 2020 story's) first, then in a body (2021, in the other segment of the
    # index); the newest story holds only the pieces: it comes last.
    expected = [STORY_PATH, story_path(*LATER_STORY), story_path(*SCATTERED_STORY)]
    assert result_links(page) == ["/" + path for path in expected]
    marks = page.locator("#search-results li").nth(1).locator("mark").all_inner_texts()
    assert marks == [STORY_TERM]
    pieces = page.locator("#search-results li").nth(2).locator("mark").all_inner_texts()
    assert "".join(pieces) != STORY_TERM and set("".join(pieces)) <= set(STORY_TERM)


def test_words_separated_by_spaces_must_all_be_held(open_page, two_year_server):
    page, _ = open_page(two_year_server + f"search/?q={STORY_TERM} {LATER_WORD}")
    assert wait_for_results(page) == f"找到 1 篇与“{STORY_TERM} {LATER_WORD}”有关的稿件。"
    assert result_links(page) == ["/" + story_path(*LATER_STORY)]
    marks = page.locator("#search-results li").first.locator("mark").all_inner_texts()
    assert set(marks) == {STORY_TERM, LATER_WORD}


@pytest.mark.parametrize("query", ["年度报告", "度报", "资助蓝鲸保护", "2021年度", "鲸"])
def test_any_piece_of_the_text_finds_the_one_story_holding_it(open_page, two_year_server, query):
    page, _ = open_page(two_year_server + f"search/?q={query}")
    assert wait_for_results(page) == f"找到 1 篇与“{query}”有关的稿件。"
    assert result_links(page) == ["/" + story_path(*LATER_STORY)]
    assert page.locator("#search-results mark").first.inner_text() == query


def test_a_query_in_the_address_is_searched_on_arrival(open_page, site_url):
    page, _ = open_page(site_url + f"search/?q={STORY_TERM}")
    wait_for_results(page)
    assert page.get_by_label("搜索稿件").input_value() == STORY_TERM
    assert page.locator("#search-results a").first.get_attribute("href") == "/" + STORY_PATH


def test_the_back_button_returns_to_the_previous_search(open_page, site_url):
    page, _ = open_page(site_url + f"search/?q={COMMON_TERM}")
    wait_for_results(page)
    page.get_by_label("搜索稿件").fill(STORY_TERM)
    page.get_by_label("搜索稿件").press("Enter")
    page.wait_for_function(f"document.getElementById('search-status').textContent.includes('{STORY_TERM}')")
    page.go_back()
    page.wait_for_function(
        f"document.getElementById('search-status').textContent.includes('“{COMMON_TERM}”')"
    )
    assert page.get_by_label("搜索稿件").input_value() == COMMON_TERM
    assert page.locator("#search-results li").count() == PAGE_SIZE


@pytest.mark.parametrize(
    ("term", "only_in"),
    [("公众号稿件预览", "wechat"), ("按月浏览", "archives")],
    ids=["wechat-preview", "listing"],
)
def test_words_only_on_previews_or_listings_are_not_found(open_page, site_url, site, term, only_in):
    pages = [html.relative_to(site.output) for html in site.html_files() if term in html.read_text("utf-8")]
    holders = {page.parts[0] for page in pages}
    assert holders == {only_in}
    page, _ = open_page(site_url + f"search/?q={term}")
    assert wait_for_results(page).startswith("没有找到")
    assert page.locator("#search-results li").count() == 0


def test_more_results_come_a_page_at_a_time_and_focus_moves_to_them(open_page, site_url):
    page, _ = open_page(site_url + f"search/?q={COMMON_TERM}")
    wait_for_results(page)
    results = page.locator("#search-results li")
    assert results.count() == PAGE_SIZE
    page.get_by_role("button", name="显示更多结果").click()
    page.wait_for_function(f"document.querySelectorAll('#search-results li').length > {PAGE_SIZE}")
    focused = page.evaluate("document.activeElement.href")
    assert focused == results.nth(PAGE_SIZE).get_by_role("link").evaluate("link => link.href")


@pytest.mark.parametrize("width", [375, 1280])
def test_search_page_with_results_has_no_wcag_21_aa_violations(open_page, site_url, width):
    from axe_playwright_python.sync_playwright import Axe

    page, _ = open_page(site_url + f"search/?q={COMMON_TERM}", width)
    wait_for_results(page)
    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": tags}})
    assert results.violations_count == 0, results.generate_report()


def test_results_fit_a_small_phone(open_page, site_url):
    page, _ = open_page(site_url + f"search/?q={STORY_TERM}", 320)
    wait_for_results(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_without_javascript_the_page_points_to_other_ways_of_finding_stories(open_page, site_url):
    page, _ = open_page(site_url + "search/", java_script_enabled=False)
    assert not page.get_by_label("搜索稿件").is_visible()
    for label in ("栏目", "网站地图"):
        assert page.locator("main").get_by_role("link", name=label, exact=True).is_visible()
    page.locator("main").get_by_role("link", name="按月份归档").click()
    assert page.locator("h1").inner_text() == "归档"


def test_opened_from_disk_the_page_says_search_is_unavailable(open_page, site):
    page, _ = open_page((site.output / "search" / "index.html").as_uri())
    unavailable = page.locator("#search-unavailable")
    unavailable.wait_for(state="visible")
    assert "暂时无法使用" in unavailable.inner_text()
    assert not page.get_by_label("搜索稿件").is_visible()


def test_the_query_s_chunks_are_asked_for_before_the_page_s_styles_arrive(browser, site_url):
    """The page carries the index's entry and its script: the script asks for the query's chunks as
    it is parsed, while the styles are still on their way (one round trip each, here 300 ms), and
    the entry file is never fetched. Before, the chunks waited for the script, the styles and
    the entry file to arrive: two round trips more on a phone."""
    context = browser.new_context()
    page = context.new_page()
    session = context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 300, "downloadThroughput": -1, "uploadThroughput": -1,
    })
    sent: dict[str, tuple[str, str, float]] = {}  # request id -> address, initiator, time
    finished: dict[str, float] = {}
    session.on("Network.requestWillBeSent", lambda event: sent.setdefault(
        event["requestId"], (event["request"]["url"], event["initiator"]["type"], event["timestamp"])))
    session.on("Network.loadingFinished",
               lambda event: finished.setdefault(event["requestId"], event["timestamp"]))
    page.goto(site_url + f"search/?q={STORY_TERM}")
    assert "找到" in wait_for_results(page)
    context.close()
    by_address = {url.removeprefix(site_url): (initiator, at, finished.get(key))
                  for key, (url, initiator, at) in sent.items()}
    assert "search-index/index.json" not in by_address
    chunks = {address: value for address, value in by_address.items() if "/p/" in address}
    styles_arrived = by_address["theme/css/main.css"][2]
    assert chunks
    for address, (initiator, asked, _) in chunks.items():
        assert initiator == "script", address
        assert asked < styles_arrived, (address, asked, styles_arrived)


def test_a_page_that_carries_no_entry_fetches_the_entry_file(browser, site, tmp_path):
    """A build without plugins/fastbuild renders the search page before the index is planned: the
    page carries an empty entry, and the script fetches index.json instead."""
    copy = tmp_path / "site"
    shutil.copytree(site.output, copy)
    page_file = copy / "search" / "index.html"
    page_file.write_text(with_carried_entry(page_file.read_text(encoding="utf-8"), ""), encoding="utf-8")
    context = browser.new_context()
    page = context.new_page()
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    with served(copy) as url:
        page.goto(url + f"search/?q={STORY_TERM}")
        assert "找到 1 篇" in wait_for_results(page)
        assert page.locator("#search-results h2 a").get_attribute("href") == "/" + STORY_PATH
    context.close()
    assert url + "search-index/index.json" in asked


def test_a_search_fetches_only_the_index_files_its_query_needs(browser, site_url, site):
    """Counted in the browser: every file of a search (the page, its styles and scripts too)."""
    context = browser.new_context()
    page = context.new_page()
    sizes: dict[str, int] = {}
    page.on("response", lambda response: sizes.__setitem__(response.url, len(response.body())))
    page.goto(site_url + f"search/?q={STORY_TERM}")
    wait_for_results(page)
    page.wait_for_load_state("networkidle")
    context.close()
    index = [url.removeprefix(site_url + "search-index/") for url in sizes if "/search-index/" in url]
    chunks = [path for path in index if "/p/" in path]
    stored = [path for path in index if "/s/" in path or path.startswith("s/")]
    # One chunk per pair of characters of the query at most, and the one story found; no table of
    # filter values (no filter was chosen), no entry file (the page carries it).
    assert 1 <= len(chunks) <= len(STORY_TERM) - 1
    assert len(stored) == 1
    assert len(index) == len(chunks) + len(stored)
    total = sum(sizes.values())
    index_bytes = sum(sizes[site_url + "search-index/" + path] for path in index)
    print(f"\nsearch for {STORY_TERM} on the sample site: {len(sizes)} requests, {total / 1000:.1f} KB "
          f"(index files {len(index)}, {index_bytes / 1000:.1f} KB)")
    assert total < 200_000
