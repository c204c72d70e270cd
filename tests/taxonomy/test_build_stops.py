"""A real build refuses a story whose metadata is outside the vocabularies, and says why."""

from sitebuild import build_site, content_with

BAD_STORY = """Title: 测试稿件
Date: 2020-03-01 10:00
Category: 工作动态
Slug: bad-vocabulary
Org: 测试协会
Org_type: 行业协会
Region: 南京市

正文。
"""

UNLABELLED_STORY = (
    BAD_STORY.replace("Org_type: 行业协会", "Org_type:")
    .replace("Region: 南京市", "Region:")
    .replace("bad-vocabulary", "waiting-for-editor")
)


def test_unknown_org_type_stops_the_build_naming_file_field_and_values(tmp_path):
    build = build_site(tmp_path / "out", content=content_with(tmp_path, {"bad.md": BAD_STORY}))
    assert build.returncode != 0
    log = "".join(build.log.split())
    assert "stories/bad.md" in log
    assert "org_type" in log and "行业协会" in log
    assert "行业协会商会" in log and "社区社会组织" in log
    assert not (tmp_path / "out" / "stories" / "2020" / "bad-vocabulary").exists()


def test_empty_org_type_and_region_build_and_show_unlabelled(tmp_path):
    build = build_site(tmp_path / "out", content=content_with(tmp_path, {"bad.md": UNLABELLED_STORY}))
    assert build.returncode == 0, build.log
    page = build.page("stories/2020/waiting-for-editor/index.html")
    assert page.find("dl", class_="story__meta").get_text().count("未标注") == 2
    unlabelled = build.page("org-type/unlabelled/index.html")
    assert unlabelled.find("a", string="测试稿件")
