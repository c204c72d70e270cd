"""The 数据统计 page of a real build: its figures against the built site, the SVG, the CSV, the link
from every page, the column freshness warning, and axe in Chromium."""

import csv
import io
from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

from browsing import needs_chromium, served
from lxml import etree
from sitebuild import build_site, content_with

SVG = "{http://www.w3.org/2000/svg}"


def table_rows(section) -> dict[str, list[str]]:
    return {
        row.th.get_text(strip=True): [cell.get_text(strip=True) for cell in row.find_all("td")]
        for row in section.find("table").tbody.find_all("tr")
    }


def story_pages(site) -> list[dict[str, str]]:
    """Category, month, region and organization type of every story page of the built site."""
    stories = []
    for path in sorted((site.output / "stories").glob("*/*/index.html")):
        page = site.page(str(path.relative_to(site.output)))
        category = page.find("meta", attrs={"name": "ColumnName"})["content"]
        if category == "政策指导":
            continue
        published = page.find("meta", attrs={"name": "PubDate"})["content"]
        facts = {
            dt.get_text(strip=True): dt.find_next("dd").get_text(strip=True)
            for dt in page.select(".story__meta dt")
        }
        stories.append(
            {
                "category": category,
                "month": f"{int(published[:4])}年{int(published[5:7])}月",
                "region": facts["地区"],
                "org_type": facts["组织类型"],
            }
        )
    return stories


def test_figures_equal_the_counts_of_the_built_site(site):
    page = site.page("statistics/index.html")
    stories = story_pages(site)
    assert len(stories) >= 20
    assert f"本站共发布社会组织稿件 {len(stories)} 篇" in page.get_text()
    for chart_id, key in (
        ("by-month", "month"),
        ("by-region", "region"),
        ("by-org-type", "org_type"),
        ("by-kind", "category"),
    ):
        section = page.find("section", attrs={"aria-labelledby": f"stats-{chart_id}"})
        shown = {label: int(cells[0]) for label, cells in table_rows(section).items()}
        counted = Counter(story[key] for story in stories)
        assert {label: count for label, count in shown.items() if count} == dict(counted), chart_id
        svg = etree.fromstring(str(section.find("svg")).encode())  # well-formed XML
        assert svg.find(f"{SVG}title").text.startswith(section.h2.get_text())
        assert svg.find(f"{SVG}desc").text
        assert [text.text for text in svg.iter(f"{SVG}text")][::2] == list(shown)
    regions = table_rows(page.find("section", attrs={"aria-labelledby": "stats-by-region"}))
    assert len(regions) == 14, "13 cities and 省级"


def test_regions_quiet_in_the_last_30_days_and_column_dates_come_from_the_stories(site):
    page = site.page("statistics/index.html")
    quiet = page.find("section", attrs={"aria-labelledby": "stats-recent"})
    regions = table_rows(page.find("section", attrs={"aria-labelledby": "stats-by-region"}))
    quiet_names = [item.get_text(strip=True) for item in quiet.find_all("li")]
    assert quiet_names == [name for name, cells in regions.items() if cells[1] == "0"]
    assert "统计区间：2020年3月22日至2020年4月20日" in quiet.get_text()
    columns = table_rows(page.find("section", attrs={"aria-labelledby": "stats-columns"}))
    assert columns == {
        "工作动态": ["2020年4月8日"],
        "经验做法": ["2020年4月20日"],
        "先进典型": ["2020年3月26日"],
    }
    # The build report names the stale columns; the page never shows the build's date.
    log = " ".join(site.log.split())
    assert "栏目更新检查：先进典型 的最新稿件是 2020-03-26" in log
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    assert f"{today.year}年{today.month}月{today.day}日" not in page.get_text()


def test_csv_download_and_footer_link(site):
    page = site.page("statistics/index.html")
    link = page.find("a", download=True)
    assert link["href"] == "../statistics/statistics.csv"
    data = (site.output / "statistics" / "statistics.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["统计项", "项目", "稿件数"]
    home = site.page("index.html")
    assert home.find("footer").find("a", string="数据统计")["href"] == "./statistics/"


def test_csv_is_rewritten_only_when_its_bytes_change_and_a_fresh_column_is_not_warned_about(tmp_path):
    now = datetime.now(ZoneInfo("Asia/Shanghai"))
    story = f"Title: 今天的工作动态\nDate: {now:%Y-%m-%d} 00:00\nSlug: today\n\n今天的稿件。"
    content = content_with(tmp_path, {"today.md": story})
    output = tmp_path / "out"
    build = build_site(output, content=content)
    assert build.returncode == 0, build.log
    log = " ".join(build.log.split())
    assert "栏目更新检查：工作动态" not in log and "栏目更新检查：经验做法" in log
    csv_file = output / "statistics" / "statistics.csv"
    written = csv_file.stat().st_mtime_ns
    (content / "stories" / "today.md").write_text(story.replace("今天的稿件。", "今天的稿件，改了一句。"))
    assert build_site(output, content=content).returncode == 0
    assert csv_file.stat().st_mtime_ns == written, "same figures, file untouched"


@needs_chromium
def test_axe_finds_nothing_on_the_statistics_page(site, browser):
    from axe_playwright_python.sync_playwright import Axe

    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
    with served(site.output) as url:
        for width in (375, 1280):
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(url + "statistics/")
            results = Axe().run(page, options={"runOnly": {"type": "tag", "values": tags}})
            assert results.violations_count == 0, results.generate_report()
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            # The chart's Chinese labels are in the site's font, not the browser's SVG default.
            fonts = page.evaluate(
                "[getComputedStyle(document.querySelector('svg.chart text')).fontFamily,"
                " getComputedStyle(document.body).fontFamily]"
            )
            assert fonts[0] == fonts[1] and "Noto Sans CJK SC" in fonts[0]
            page.close()
