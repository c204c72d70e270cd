"""Repeated warnings: a few shown, one summary with the count, every one in the cache folder's list."""

import logging
import re

from buildlog.repeats import RepeatedWarnings
from sitebuild import build_site, content_with

FUTURE = 30


def future_story(number: int) -> str:
    return (
        f"Title: 尚未发布的稿件{number}\n"
        f"Date: 2099-01-{number:02d} 09:00\n"
        "Category: 工作动态\n"
        f"Slug: future-{number}\n"
        "Summary: 摘要。\n"
        "Org: 南京市测试协会\n"
        "Org_type: 行业协会商会\n"
        "Region: 南京市\n\n"
        "正文。\n"
    )


def test_a_build_with_many_future_stories_shows_three_and_summarizes_the_rest(tmp_path):
    content = content_with(tmp_path, {f"future-{n}.md": future_story(n) for n in range(1, FUTURE + 1)})
    cache = tmp_path / "cache"
    build = build_site(
        tmp_path / "output",
        content=content,
        extra_settings={"CACHE_PATH": str(cache)},
        env={"COLUMNS": "3000"},  # one line per record
    )
    assert build.returncode == 0, build.log
    log = " ".join(build.log.split())
    shown = re.findall(r"稿件 stories/future-(\d+)\.md 的日期是", log)
    assert len(shown) == 4, "three records and the example in the summary"
    full_list = cache / "build-warnings.txt"
    assert f"{FUTURE} warnings like “稿件 stories/future-30.md 的日期是 2099" in log
    assert f"(3 shown, {FUTURE - 3} more hidden). First: stories/future-30.md, stories/future-29.md," in log
    assert f"All of them: {full_list}" in log
    mentioned = {int(n) for n in re.findall(r"future-(\d+)\.md", log)}
    assert mentioned == {30, 29, 28}
    listed = full_list.read_text(encoding="utf-8").splitlines()
    future = [line for line in listed if "的日期是 2099" in line]
    assert len(future) == FUTURE
    numbers = {int(n) for line in future for n in re.findall(r"future-(\d+)\.md", line)}
    assert numbers == set(range(1, FUTURE + 1))
    assert all(line.startswith("WARNING channels.model: 稿件 stories/future-") for line in future)
    assert all("在将来：到那时才会进入订阅源；写错了就改正 Date 一行" in line for line in future)
    assert log.index("more hidden") < log.index("Done: Processed"), "the summary ends the build"


def logged(messages: list[tuple[str, tuple]], shown: int = 3) -> tuple[list[str], RepeatedWarnings]:
    """What a handler with the filter lets through for these (format, args) warnings."""
    records = []
    repeats = RepeatedWarnings(shown)

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    logger = logging.getLogger("buildlog-test")
    logger.propagate = False
    handlers = [Keep(), Keep()]
    for handler in handlers:
        handler.addFilter(repeats)
        logger.addHandler(handler)
    try:
        for message, args in messages:
            logger.warning(message, *args)
    finally:
        for handler in handlers:
            logger.removeHandler(handler)
    return records[::2], repeats


def test_kinds_are_logger_and_format_string_and_a_second_handler_agrees():
    messages = [("%s is late", (f"a{n}.md",)) for n in range(5)] + [("%s is odd", ("b.md",))]
    through, repeats = logged(messages)
    assert through == ["a0.md is late", "a1.md is late", "a2.md is late", "b.md is odd"]
    (summary,) = list(repeats.summaries("cache/list.txt"))
    assert summary == (
        logging.WARNING,
        "5 warnings like “a0.md is late” (3 shown, 2 more hidden). First: a0.md, a1.md, a2.md. "
        "All of them: cache/list.txt",
    )
    assert len(repeats.messages) == 6


def test_records_pelican_already_groups_are_left_to_it(tmp_path):
    repeats = RepeatedWarnings(1)
    records = [
        logging.LogRecord("pelican", logging.WARNING, "", 0, "%s missing", (name,), None) for name in "xy"
    ]
    for record in records:
        record.limit_msg = "Other resources were not found"
    assert all(repeats.filter(record) for record in records)
    assert list(repeats.summaries("f")) == []
    repeats.write_list(tmp_path / "list.txt")
    assert (tmp_path / "list.txt").read_text(encoding="utf-8").count("missing") == 2


def test_a_full_format_string_is_one_kind_whatever_its_arguments():
    # An organization's name is text without quotes around it in the argument: still one kind.
    authors = [
        ("channels: %s: WeChat author “%s” has %s characters", (f"s{n}.md", name, len(name)))
        for n, name in enumerate(["盐城市青年志愿者协会", "常州市科学技术协会", "徐州市社会工作服务中心",
                                  "无锡市餐饮行业协会", "南京市玄武区邻里互助志愿者协会"])
    ]
    through, repeats = logged(authors)
    assert len(through) == 3
    (summary,) = repeats.summaries("list")
    assert summary[1].startswith("5 warnings like “channels: s0.md: WeChat author")


def test_a_format_that_only_wraps_a_message_is_split_by_the_message_shape():
    authors = [
        ("channels: %s", (f"s{n}.md: WeChat author “{'甲' * (9 + n)}” has {9 + n} characters",))
        for n in range(4)
    ]
    weibo = [("channels: %s", ("w.md: Weibo_text counts 161 of the 140",))]
    through, repeats = logged(authors + weibo)
    assert through[-1] == "channels: w.md: Weibo_text counts 161 of the 140"
    assert len(through) == 4
    (summary,) = repeats.summaries("list")
    assert summary[1].startswith("4 warnings like “channels: s0.md: WeChat author")
