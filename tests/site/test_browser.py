"""The built site in Debian's Chromium, served over HTTP: layout on a phone and a desktop, WCAG 2.1 AA
checks with axe-core, keyboard access and pages without JavaScript."""

import pytest
from browsing import needs_chromium, served

pytestmark = needs_chromium
PAGES = [
    "",
    "stories/2020/notice-2020-1/",
    "category/gong-zuo-dong-tai/",
    "region/nanjing/",
    "archives/",
    "submit/",
    "sitemap/",
    "subscribe/",
    "wechat/notice-2020-1/",
]
WIDTHS = [320, 375, 1280]


@pytest.fixture(scope="module")
def server(site):
    with served(site.output) as url:
        yield url


def open_page(browser, url, width, **options):
    context = browser.new_context(viewport={"width": width, "height": 900}, **options)
    page = context.new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    response = page.goto(url)
    assert response.ok, url
    return page, requested


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", PAGES)
def test_no_horizontal_scrolling_and_nothing_from_other_hosts(browser, server, path, width):
    page, requested = open_page(browser, server + path, width)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert all(url.startswith(server) for url in requested), requested
    page.context.close()


@pytest.mark.parametrize("path", PAGES)
def test_wcag_21_aa_has_no_violations(browser, server, path):
    from axe_playwright_python.sync_playwright import Axe

    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
    for width in (375, 1280):
        page, _ = open_page(browser, server + path, width)
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": tags}})
        assert results.violations_count == 0, results.generate_report()
        page.context.close()


def test_skip_link_is_first_and_visible_on_focus(browser, server):
    page, _ = open_page(browser, server + PAGES[1], 375)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "跳到主要内容"
    box = page.locator(".skip-link").bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.context.close()


def test_pages_work_without_javascript(browser, server):
    page, _ = open_page(browser, server, 375, java_script_enabled=False)
    page.get_by_role("link", name="先进典型").first.click()
    assert page.locator("h1").inner_text() == "先进典型"
    assert page.locator(".story-list__item").count() >= 1
    page.context.close()
