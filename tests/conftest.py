import re
from collections.abc import Iterator

import pytest
from browsing import CHROMIUM, CHROMIUM_ARGS, served
from debian_packages import install_command
from sitebuild import Build, build_site

NOT_INSTALLED = re.compile(r"未安装 not installed: ([^(]+)")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_sessionfinish(session) -> Iterator[None]:
    """The run's last line: how many tests were skipped, and what to install to run them."""
    result = yield
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        packages = []
        for report in skipped:
            named = NOT_INSTALLED.search(str(report.longrepr))
            packages += [name for name in (named.group(1).split() if named else []) if name not in packages]
        what = f"安装后可运行 to run them: {install_command(packages)}" if packages else "原因见上 see above"
        count = len(skipped)
        reporter.write_line(f"跳过 {count} 项测试 (skipped {count}): {what}", yellow=True, bold=True)
    return result


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
