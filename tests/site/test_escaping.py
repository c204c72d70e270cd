"""Metadata is text: whatever a title, summary or organization holds, pages never turn it into markup."""

from sitebuild import build_site, content_with

HOSTILE = """Title: &#60;/title&#62;&#60;script&#62;alert(1)&#60;/script&#62;志愿服务
Date: 2020-03-01 10:00
Category: 工作动态
Slug: hostile-metadata
Summary: &quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;摘要
Org: 0;url=//evil.example/" http-equiv="refresh

正文。
"""


def test_hostile_metadata_stays_text_on_every_page(tmp_path):
    content = content_with(tmp_path, {"hostile.md": HOSTILE})
    build = build_site(tmp_path / "out", content=content)
    assert build.returncode == 0, build.log
    for page in build.html_files():
        soup = build.page(str(page.relative_to(build.output)))
        assert not [s for s in soup.find_all("script") if "alert" in s.get_text()], page
        assert not soup.find("meta", attrs={"http-equiv": True}), page
    story = build.page("stories/2020/hostile-metadata/index.html")
    assert story.find("meta", attrs={"name": "ContentSource"})["content"].startswith("0;url=//evil.example/")
