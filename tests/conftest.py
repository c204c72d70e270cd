import pytest
from browsing import CHROMIUM, CHROMIUM_ARGS, served
from sitebuild import Build, build_site


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Build:
    """The site built once from the repository's own content, as `make html` builds it."""
    build = build_site(tmp_path_factory.mktemp("site") / "output")
    assert build.returncode == 0, build.log
    return build


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, driven by Playwright (never a browser Playwright downloads itself)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def site_url(site) -> str:
    """The site of `site`, served over HTTP on loopback for the browser tests."""
    with served(site.output) as url:
        yield url


@pytest.fixture
def desktop(browser):
    """A fresh browser context at a desktop window's size."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context
    context.close()
