"""The built site in Debian's Chromium, served over HTTP: layout on a phone and a desktop, WCAG 2.1 AA
checks with axe-core, keyboard access and pages without JavaScript."""

import pytest
from browsing import needs_chromium

pytestmark = needs_chromium
PAGES = [
    "",
    "stories/2020/notice-2020-1/",
    "stories/2020/xuzhou-charity-foundation-transparency/",  # a table
    "category/gong-zuo-dong-tai/",
    "region/nanjing/",
    "archives/",
    "submit/",
    "sitemap/",
    "subscribe/",
    "wechat/notice-2020-1/",
]
WIDTHS = [320, 375, 1280]


def open_page(browser, url, width, **options):
    context = browser.new_context(viewport={"width": width, "height": 900}, **options)
    page = context.new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    failed = []
    page.on("response", lambda response: failed.append(response.url) if not response.ok else None)
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    assert response.ok, url
    assert failed == [], "every file the page asks for exists"
    return page, requested


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", PAGES)
def test_no_horizontal_scrolling_and_nothing_from_other_hosts(browser, site_url, path, width):
    page, requested = open_page(browser, site_url + path, width)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert all(url.startswith(site_url) for url in requested), requested
    page.context.close()


@pytest.mark.parametrize("path", PAGES)
def test_wcag_21_aa_has_no_violations(browser, site_url, path):
    from axe_playwright_python.sync_playwright import Axe

    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
    for width in (375, 1280):
        page, _ = open_page(browser, site_url + path, width)
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": tags}})
        assert results.violations_count == 0, results.generate_report()
        page.context.close()


def test_skip_link_is_first_and_visible_on_focus(browser, site_url):
    page, _ = open_page(browser, site_url + PAGES[1], 375)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "跳到主要内容"
    box = page.locator(".skip-link").bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.context.close()


def test_pages_work_without_javascript(browser, site_url):
    page, _ = open_page(browser, site_url, 375, java_script_enabled=False)
    page.get_by_role("link", name="先进典型").first.click()
    assert page.locator("h1").inner_text() == "先进典型"
    assert page.locator(".story-list__item").count() >= 1
    page.context.close()


def relative_luminance(rgb: tuple[float, float, float]) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(v) for v in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(foreground, background) -> float:
    lighter, darker = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


FOCUSED_COLOURS = """() => {
  const element = document.activeElement;
  const rgb = (value) => value.match(/[\\d.]+/g).slice(0, 4).map(Number);
  let node = element, background = rgb(getComputedStyle(node).backgroundColor);
  while (background.length === 4 && background[3] === 0 && node.parentElement) {
    node = node.parentElement;
    background = rgb(getComputedStyle(node).backgroundColor);
  }
  return {text: element.textContent.trim(), color: rgb(getComputedStyle(element).color).slice(0, 3),
          background: background.slice(0, 3)};
}"""


@pytest.mark.parametrize("path", ["", "stories/2020/notice-2020-1/"])
def test_every_focused_link_keeps_its_text_readable(browser, site_url, path):
    page, _ = open_page(browser, site_url + path, 1280)
    # A visited link must stay readable too: visit the home page first.
    page.goto(site_url)
    page.goto(site_url + path)
    seen = 0
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_COLOURS)
        if not focused["text"]:
            continue
        seen += 1
        ratio = contrast(focused["color"], focused["background"])
        assert ratio >= 4.5, f"{focused['text']}: {ratio:.2f}:1"
    assert seen >= 20
    page.context.close()
