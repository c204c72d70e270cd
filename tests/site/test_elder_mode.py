"""长辈模式 (the mode for older readers) in Debian's Chromium over HTTP: the header switch, its
persistence, the sizes and contrast it promises, WCAG 2.1 AA and phone widths in both modes."""

import pytest
from browsing import needs_chromium

pytestmark = needs_chromium
PAGES = ["", "stories/2020/notice-2020-1/", "region/nanjing/", "search/?q=志愿"]


def elder_page(context, url):
    """A page opened with the mode switched on (the choice stays in the context's localStorage)."""
    page = context.new_page()
    page.goto(url)
    page.evaluate("localStorage.setItem('elder-mode', 'on')")
    page.reload()
    page.wait_for_load_state("networkidle")
    return page


def test_the_switch_toggles_and_the_choice_persists_across_pages(desktop, site_url):
    page = desktop.new_page()
    page.goto(site_url)
    switch = page.get_by_role("button", name="长辈模式")
    assert switch.get_attribute("aria-pressed") == "false"
    assert page.evaluate("document.documentElement.hasAttribute('data-elder-mode')") is False
    switch.focus()
    page.keyboard.press("Enter")
    assert switch.get_attribute("aria-pressed") == "true"
    assert page.evaluate("document.documentElement.hasAttribute('data-elder-mode')")
    page.get_by_role("link", name="先进典型").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="长辈模式").get_attribute("aria-pressed") == "true"
    assert page.evaluate("getComputedStyle(document.body).fontSize") == "24px"
    page.get_by_role("button", name="长辈模式").click()
    page.goto(site_url)
    assert page.get_by_role("button", name="长辈模式").get_attribute("aria-pressed") == "false"
    assert page.evaluate("getComputedStyle(document.body).fontSize") == "18px"


TEXT_SIZES = """() => {
  const sizes = [];
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!node.textContent.trim() || !element.checkVisibility()) continue;
    if (element.closest('.visually-hidden')) continue;
    const style = getComputedStyle(element);
    sizes.push([node.textContent.trim().slice(0, 20), parseFloat(style.fontSize),
                parseFloat(style.lineHeight) / parseFloat(style.fontSize)]);
  }
  return sizes;
}"""
TARGETS = (
    "#elder-mode-toggle, .site-nav a, .site-footer__links a, .breadcrumb a, .pagination a, .tag-list a,"
    " .story-list__title a, .story__meta a, .listing-search a"
)


@pytest.mark.parametrize("path", PAGES[:3])
def test_elder_mode_text_is_24px_with_line_height_1_5_and_targets_44px(desktop, site_url, path):
    page = elder_page(desktop, site_url + path)
    sizes = page.evaluate(TEXT_SIZES)
    assert sizes
    small = [(text, size) for text, size, _ in sizes if size < 24]
    assert small == []
    tight = [(text, round(ratio, 2)) for text, _, ratio in sizes if ratio < 1.5]
    assert tight == []
    boxes = page.locator(TARGETS).evaluate_all(
        "all => all.filter(e => e.checkVisibility()).map(e => [e.textContent.trim().slice(0, 12),"
        " e.getBoundingClientRect().width, e.getBoundingClientRect().height])"
    )
    assert len(boxes) >= 10
    assert [box for box in boxes if box[1] < 44 or box[2] < 44] == []


# The ordinary mode of these pages is checked by tests/site/test_browser.py (WCAG 2.1 AA at 375 and
# 1280 px, 320 px without sideways scroll) and tests/search/test_search_browser.py (the search page).
@pytest.mark.parametrize("path", PAGES)
def test_elder_mode_has_no_wcag_21_aa_violations_and_7_to_1_contrast(desktop, site_url, path):
    from axe_playwright_python.sync_playwright import Axe

    page = elder_page(desktop, site_url + path)
    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": tags}})
    assert results.violations_count == 0, results.generate_report()
    # 7:1 (WCAG AAA): axe's color-contrast-enhanced rule.
    results = Axe().run(page, options={"runOnly": {"type": "rule", "values": ["color-contrast-enhanced"]}})
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("path", PAGES)
def test_elder_mode_scrolls_nothing_sideways_at_320px(browser, site_url, path):
    context = browser.new_context(viewport={"width": 320, "height": 800})
    page = elder_page(context, site_url + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    context.close()


def test_at_200_percent_zoom_a_small_laptop_stays_one_column_wide(browser, site_url):
    # 200% zoom of a 1280 px window lays the page out in 640 CSS pixels, each drawn twice as large.
    context = browser.new_context(viewport={"width": 640, "height": 400}, device_scale_factor=2)
    for path in PAGES:
        page = elder_page(context, site_url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 640
    context.close()


def test_without_javascript_there_is_no_switch(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url)
    assert page.get_by_role("button", name="长辈模式").count() == 0
    assert page.locator("h1, h2").first.is_visible()
    context.close()
