"""What the 数据统计 page and its CSV show, from the figures: plain data only."""

import csv
import io
from datetime import date

from .charts import bar_chart, describe
from .figures import RECENT_DAYS, date_label

CSV_HEADER = ("统计项", "项目", "稿件数")


def _chart(chart_id: str, heading: str, column: str, rows: list[tuple[str, int]], total: int) -> dict:
    title = f"{heading}（共 {total} 篇）"
    return {
        "id": chart_id,
        "heading": heading,
        "column": column,
        "rows": rows,
        "svg": bar_chart(chart_id, title, describe(rows), rows),
    }


def statistics_page(figures: dict, column_urls: dict[str, str]) -> dict:
    """The template's `statistics` value: headline figures, charts with their tables, the regions
    quiet in the last 30 days, and each news column's newest date with its address."""
    total = figures["total"]
    if not total:
        return {"total": 0, "charts": [], "columns": []}
    recent = dict(figures["recent_by_region"])
    charts = [
        _chart("by-month", "按月份统计", "月份", figures["by_month"], total),
        _chart("by-region", "按地区统计", "地区", figures["by_region"], total),
        _chart("by-org-type", "按组织类型统计", "组织类型", figures["by_org_type"], total),
        _chart("by-kind", "按稿件类型统计", "稿件类型", figures["by_kind"], total),
    ]
    charts[1]["recent"] = [recent.get(region, 0) for region, _ in figures["by_region"]]
    return {
        "total": total,
        "first": date_label(date.fromisoformat(figures["first"])),
        "newest": date_label(date.fromisoformat(figures["newest"])),
        "recent_days": RECENT_DAYS,
        "recent_since": date_label(date.fromisoformat(figures["recent_since"])),
        "quiet_regions": figures["quiet_regions"],
        "charts": charts,
        "columns": [
            {
                "name": column,
                "url": column_urls.get(column, ""),
                "newest": newest,
                "newest_label": date_label(date.fromisoformat(newest)) if newest else "",
            }
            for column, newest in figures["column_newest"]
        ],
    }


def csv_bytes(figures: dict) -> bytes:
    """Every figure of the page as CSV: UTF-8 with a byte order mark, so Excel reads the Chinese."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    if figures["total"]:
        recent = f"近{RECENT_DAYS}天（{figures['recent_since']} 至 {figures['newest']}）按地区"
        for kind, key in (
            ("按月份", "by_month"),
            ("按地区", "by_region"),
            (recent, "recent_by_region"),
            ("按组织类型", "by_org_type"),
            ("按稿件类型", "by_kind"),
        ):
            writer.writerows((kind, label, count) for label, count in figures[key])
    writer.writerow(("合计", "全部稿件", figures["total"]))
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")
