"""The figures, the charts and the CSV, without Pelican."""

import csv
import io
from datetime import date

from lxml import etree
from statistics_page.charts import bar_chart
from statistics_page.figures import Story, programme_figures, stale_columns
from statistics_page.page import CSV_HEADER, csv_bytes

SVG = "{http://www.w3.org/2000/svg}"
STORIES = [
    Story(date(2020, 2, 14), "工作动态", "南京市", "慈善组织"),
    Story(date(2020, 2, 28), "先进典型", "南京市", ""),
    Story(date(2020, 4, 20), "经验做法", "宿迁市", "慈善组织"),
    Story(date(2020, 3, 22), "工作动态", "", "志愿服务组织"),
    Story(date(2020, 3, 21), "工作动态", "无锡市", "志愿服务组织"),
]


def test_figures_count_every_story_once_per_view():
    figures = programme_figures(STORIES)
    assert figures["total"] == 5
    assert figures["by_month"] == [("2020年2月", 2), ("2020年3月", 2), ("2020年4月", 1)]
    by_region = dict(figures["by_region"])
    assert len(by_region) == 15 and by_region["南京市"] == 2 and by_region["未标注"] == 1
    assert sum(by_region.values()) == 5
    assert list(by_region)[:2] == ["省级", "南京市"], "vocabulary order: 省级 and the 13 cities"
    assert dict(figures["by_org_type"])["未标注"] == 1
    assert figures["by_kind"] == [("工作动态", 3), ("经验做法", 1), ("先进典型", 1)]
    # The last 30 days end at the newest story (2020-04-20): 2020-03-22 is in, 2020-03-21 is not.
    assert figures["recent_since"] == "2020-03-22"
    assert "宿迁市" not in figures["quiet_regions"] and "无锡市" in figures["quiet_regions"]
    assert len(figures["quiet_regions"]) == 13
    assert figures["column_newest"] == [
        ("工作动态", "2020-03-22"),
        ("经验做法", "2020-04-20"),
        ("先进典型", "2020-02-28"),
    ]


def test_months_without_stories_are_shown_as_zero():
    figures = programme_figures([STORIES[0], Story(date(2021, 1, 3), "工作动态", "", "")])
    assert len(figures["by_month"]) == 12
    assert ("2020年12月", 0) in figures["by_month"] and figures["by_month"][-1] == ("2021年1月", 1)


def test_stale_columns_are_older_than_the_limit():
    column_newest = [("工作动态", "2020-04-20"), ("经验做法", "2020-04-05"), ("先进典型", None)]
    assert stale_columns(column_newest, date(2020, 4, 20), 14) == [
        ("经验做法", "2020-04-05", 15),
        ("先进典型", None, None),
    ]
    assert stale_columns(column_newest[:1], date(2020, 5, 4), 14) == []


def test_chart_is_svg_with_title_description_and_labels():
    rows = [("南京市", 3), ("无锡市", 0), ("<&>", 1)]
    svg = etree.fromstring(bar_chart("by-region", "按地区统计", "南京市 3 篇", rows).encode())
    assert svg.tag == f"{SVG}svg" and svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text == "按地区统计" and svg.find(f"{SVG}desc").text == "南京市 3 篇"
    assert svg.get("aria-labelledby") == svg.find(f"{SVG}title").get("id")
    texts = [text.text for text in svg.iter(f"{SVG}text")]
    assert texts == ["南京市", "3", "无锡市", "0", "<&>", "1"]
    widths = [float(rect.get("width")) for rect in svg.iter(f"{SVG}rect")]
    assert len(widths) == 2 and abs(widths[0] - 3 * widths[1]) < 0.5, "bars in proportion; none for zero"


def test_csv_has_a_bom_the_header_and_every_figure():
    data = csv_bytes(programme_figures(STORIES))
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(rows[0]) == CSV_HEADER == ("统计项", "项目", "稿件数")
    assert ["按月份", "2020年2月", "2"] in rows and ["按稿件类型", "工作动态", "3"] in rows
    assert rows[-1] == ["合计", "全部稿件", "5"]
