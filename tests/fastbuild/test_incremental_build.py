"""Cached, parallel builds write exactly what plain Pelican (fastbuild off) writes from the same content."""

import pickle
from pathlib import Path

import pytest
from output_compare import differences
from sitebuild import build_site, content_with

STORY = """Title: 增量构建测试稿件 {n}
Date: 2021-{month:02d}-{day:02d} 10:00
Category: {category}
Tags: 测试话题{tag}, 物资保障
Slug: incremental-{n}
Summary: 第 {n} 篇测试稿件的摘要。
Org: 测试协会{n}
Org_type: 慈善组织
Region: {region}

社会组织积极参与疫情防控工作，第 {n} 篇。

- 组织志愿者
- 募集物资
"""
CATEGORIES = ("工作动态", "经验做法", "先进典型")
REGIONS = ("南京市", "苏州市", "省级")


def story(n: int, body_extra: str = "") -> str:
    text = STORY.format(
        n=n,
        month=1 + n % 12,
        day=1 + n % 27,
        category=CATEGORIES[n % 3],
        tag=n % 4,
        region=REGIONS[n % 3],
    )
    return text + body_extra


def cold_serial_build(content: Path, output: Path) -> None:
    """The reference: plain Pelican, with no writer, reading, speed-up or cache of fastbuild."""
    build = build_site(output, content=content, extra_settings={"FASTBUILD": False})
    assert build.returncode == 0, build.log
    assert "fastbuild:" not in build.log


def cached_build(content: Path, output: Path) -> str:
    build = build_site(output, content=content, extra_settings={"FASTBUILD_WORKERS": 2})
    assert build.returncode == 0, build.log
    return build.log


@pytest.fixture
def content(tmp_path) -> Path:
    return content_with(tmp_path, {f"incremental-{n}.md": story(n) for n in range(80)})


def test_parallel_cached_build_equals_cold_serial_build(content, tmp_path):
    cold_serial_build(content, tmp_path / "serial")
    cached_build(content, tmp_path / "parallel")
    assert differences(tmp_path / "serial", tmp_path / "parallel") == []


def test_rebuild_without_change_rewrites_no_page(content, tmp_path):
    output = tmp_path / "site"
    cached_build(content, output)
    before = {path: path.stat().st_mtime_ns for path in output.rglob("*")}
    assert "nothing changed since the last build" in cached_build(content, output)
    assert {path: path.stat().st_mtime_ns for path in output.rglob("*")} == before
    # A source saved again without a change runs the build, which still rewrites no page.
    story = content / "stories" / "incremental-3.md"
    story.write_text(story.read_text(encoding="utf-8"), encoding="utf-8")
    assert "nothing changed" not in cached_build(content, output)
    after = {path: path.stat().st_mtime_ns for path in output.rglob("*.html")}
    assert after == {path: mtime for path, mtime in before.items() if path.suffix == ".html"}


def test_a_page_changed_or_deleted_in_the_output_is_made_again(content, tmp_path):
    output = tmp_path / "site"
    cached_build(content, output)
    edited, deleted = output / "index.html", output / "stories" / "2021" / "incremental-5" / "index.html"
    edited.write_text("changed by hand", encoding="utf-8")
    deleted.unlink()
    cached_build(content, output)
    cold_serial_build(content, tmp_path / "cold")
    assert differences(tmp_path / "cold", output) == []


def page_records(output: Path) -> dict[str, tuple]:
    """The last build's record of each page: what it read, their digest and the file it wrote."""
    (manifest,) = (Path(f"{output}-cache") / "fastbuild").glob("pages-*.pickle")
    return pickle.loads(manifest.read_bytes())["pages"]


def assert_only_the_newest_listing_pages_rendered(before: dict[str, tuple], after: dict[str, tuple]) -> None:
    # Every story is of one organization type: its listing has 8 archive pages, page 1 the oldest.
    listing = sorted(name for name in before if name.startswith("org-type/") and "/page/" in name)
    assert len(listing) >= 5
    kept = [name for name in listing if after[name] == before[name]]
    # The story added (dated September) joins the newest pages; the pages of older stories are not
    # rendered again, as for tags and categories. The index of types shows the new count.
    assert kept and kept == listing[: len(kept)], kept
    assert after["org-type/index.html"] != before["org-type/index.html"]


def test_add_edit_delete_between_cached_builds_equal_cold_builds(content, tmp_path):
    output = tmp_path / "site"
    cached_build(content, output)
    first_records = page_records(output)
    stories = content / "stories"
    changes = {
        "add": lambda: (stories / "incremental-new.md").write_text(story(500), encoding="utf-8"),
        "edit": lambda: (stories / "incremental-7.md").write_text(
            story(7, "\n新增的一段正文，链接到[另一篇]({filename}incremental-8.md)。\n"), encoding="utf-8"
        ),
        "delete": lambda: (stories / "incremental-12.md").unlink(),
    }
    for name, change in changes.items():
        change()
        cached_build(content, output)
        cold_serial_build(content, tmp_path / f"cold-{name}")
        assert differences(tmp_path / f"cold-{name}", output) == [], f"after {name}"
        if name == "add":
            assert_only_the_newest_listing_pages_rendered(first_records, page_records(output))
    assert not (output / "stories" / "2021" / "incremental-12").exists()


def test_a_build_with_errors_runs_again_and_shows_them_again(tmp_path):
    # A Markdown file Pelican cannot read (not UTF-8): an error, but the rest of the site is built.
    content = content_with(tmp_path, {"broken.md": ""})
    (content / "stories" / "broken.md").write_bytes("Title: 坏文件\n\n正文".encode("gb18030"))
    output = tmp_path / "site"
    first = build_site(output, content=content)
    assert "broken.md" in first.log
    again = build_site(output, content=content)
    assert "nothing changed" not in again.log and "broken.md" in again.log


def test_a_rebuild_neither_hashes_nor_copies_the_unchanged_pictures_again(content, tmp_path):
    output = tmp_path / "site"
    cached_build(content, output)
    pictures = sorted((output / "images").rglob("*.jpg"))
    assert pictures
    stamps = pickle.loads((Path(f"{output}-cache") / "fastbuild" / "static-stamps.pickle").read_bytes())
    assert {str(content / picture.relative_to(output)) for picture in pictures} <= stamps.keys()
    copied = {picture: picture.stat().st_mtime_ns for picture in pictures}

    story = content / "stories" / "incremental-3.md"
    story.write_text(story.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    replaced = content / pictures[0].relative_to(output)
    replaced.write_bytes((content / pictures[1].relative_to(output)).read_bytes())
    cached_build(content, output)
    again = {picture: picture.stat().st_mtime_ns for picture in pictures}
    assert {p for p in pictures if again[p] != copied[p]} == {pictures[0]}  # the replaced one only
    assert pictures[0].read_bytes() == replaced.read_bytes()
    cold_serial_build(content, tmp_path / "cold")
    assert differences(output, tmp_path / "cold") == []
