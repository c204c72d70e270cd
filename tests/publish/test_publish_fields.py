"""`make publish` with a hand-written story whose text fields hold markup: the public build passes its
check (the fields are plain text), and every feed format and page of the published folder, parsed
back out, holds nothing a reader could run and no text field a reader could render as markup."""

from hostile_fields import STORIES, STORY_FILE, unsafe_places
from sitebuild import repository_copy
from test_publish_command import make


def test_a_story_with_markup_in_its_fields_is_published_as_text(tmp_path):
    repo = repository_copy(tmp_path / "repo")
    for name, text in STORIES.items():
        (repo / "content" / "stories" / name).write_text(text, encoding="utf-8")

    published = make(repo, "publish")
    log = published.stdout + published.stderr
    assert published.returncode == 0, log
    assert "make check: public.new/: no problems" in published.stdout
    warnings = (repo / "cache/build-warnings.txt").read_text(encoding="utf-8")  # as logged, unwrapped
    assert f"稿件 stories/{STORY_FILE} 的 Title, Tags, Org, Wechat_author 含有网页代码" in warnings

    public = repo / "public"
    assert (public / "stories/2020/hostile-fields/index.html").is_file()
    feed = (public / "feeds/all.rss.xml").read_text(encoding="utf-8")
    assert "<title>字段测试＜img src=x onerror=alert(1)＞" in feed
    assert unsafe_places(public) == []
