"""`make new`: a story file with every field filled or marked, which builds, never overwriting."""

import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from newstory import NewStoryError, new_story, story_slug
from sitebuild import REPO, build_site, content_with

TITLE = "南京市物流与供应链协会搭建应急运力对接平台的做法"


def run_cli(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newstory", *arguments],
        cwd=REPO,
        env={"PYTHONPATH": os.pathsep.join([str(REPO / "tools"), str(REPO / "plugins")])},
        capture_output=True,
        text=True,
    )


def test_slug_is_ascii_pinyin_cut_between_syllables():
    assert story_slug("南京市志愿者协会") == "nan-jing-shi-zhi-yuan-zhe-xie-hui"
    long_slug = story_slug(TITLE * 2)
    assert len(long_slug) <= 60 and not long_slug.endswith("-")
    assert story_slug("《》") == "story"


def test_the_new_story_builds_and_its_marks_are_reported(tmp_path):
    content = content_with(tmp_path, {})
    result = run_cli(TITLE, "--content", str(content))
    assert result.returncode == 0, result.stderr
    path = content / "stories" / result.stdout.strip().rsplit("/", 1)[-1]
    text = path.read_text(encoding="utf-8")
    assert text.startswith(f"Title: {TITLE}\nDate: ")
    assert "Org_type:\n" in text and "Region:\n" in text and "Category: 工作动态\n" in text
    assert "行业协会商会" in text and "连云港市" in text and "先进典型" in text  # the choices
    slug = story_slug(TITLE)

    build = build_site(tmp_path / "out", content=content)
    assert build.returncode == 0, build.log
    year = path.name[:4]
    page = build.page(f"stories/{year}/{slug}/index.html")
    assert page.find("h1").get_text(strip=True) == TITLE
    assert "可选" not in page.get_text(), "the comments are not on the page"
    # What is left to write is a 严重 proofreading hit: a preview builds, a publish would not.
    assert "中有“【待填写】”（严重）" in " ".join(build.log.split())
    report = (tmp_path / "out-cache" / "proofreading.txt").read_text(encoding="utf-8")
    assert f"stories/{path.name}\t6\t【待填写】\t严重\t" in report  # the summary
    assert f"stories/{path.name}\t21\t【待填写】\t严重\t" in report  # the text

    again = run_cli(TITLE, "--content", str(content))
    assert again.returncode == 1 and "已经存在，没有覆盖它" in again.stderr
    assert path.read_text(encoding="utf-8") == text


def test_date_is_china_time_and_taken_slugs_are_refused(tmp_path):
    (tmp_path / "stories").mkdir()
    (tmp_path / "stories" / "old.md").write_text("Title: 旧稿\nSlug: taken\n\n正文\n", encoding="utf-8")
    path = new_story("新稿", tmp_path, now=datetime(2026, 1, 1, 18, 30, tzinfo=UTC), slug="fresh")
    assert path.name == "2026-01-02-fresh.md"
    assert "Date: 2026-01-02 02:30\n" in path.read_text(encoding="utf-8")
    with pytest.raises(NewStoryError, match=r"old\.md"):
        new_story("另一篇", tmp_path, slug="taken")
    with pytest.raises(NewStoryError, match="小写字母"):
        new_story("另一篇", tmp_path, slug="Bad Slug")
