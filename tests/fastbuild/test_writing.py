from datetime import datetime

import jinja2
from fastbuild.inputs import Describer
from fastbuild.writing import DeferredWriter, EarlyDescription, QueuedPage, build_pages, describing_processes
from pelican.contents import Article
from pelican.settings import DEFAULT_CONFIG
from pelican.urlwrappers import Tag


def test_a_rendered_story_page_leaves_no_remembered_content_behind(tmp_path):
    article = Article(
        '<p><a href="/about/">关于</a>江苏省社会组织</p>',
        metadata={"title": "甲", "date": datetime(2020, 2, 20)},
        settings={**DEFAULT_CONFIG, "SITEURL": ""},
    )
    template = jinja2.Environment().from_string("<main>{{ article.content }}</main>")
    page = QueuedPage("stories/a.html", template, {"article": article, "localsiteurl": ""}, {})

    result = build_pages([page], {}, tmp_path, Describer())

    assert result.rendered == 1
    assert "江苏省社会组织" in (tmp_path / "stories/a.html").read_text(encoding="utf-8")
    assert not any(key[0] is article for key in article.get_content.cache)


def test_the_render_processes_start_without_the_contents_the_build_read_before(tmp_path):
    metadata = {"title": "甲", "date": datetime(2020, 2, 20), "summary": "摘要"}
    article = Article("<p>正文</p>", metadata=metadata, settings={**DEFAULT_CONFIG, "SITEURL": ""})
    # Read as the feeds read it, before the pages are rendered.
    article.get_content("https://example.gov.cn"), article.get_summary("https://example.gov.cn")
    assert any(key[0] is article for key in article.get_content.cache)

    DeferredWriter(str(tmp_path), settings={**DEFAULT_CONFIG}).flush()

    for method in (article.get_content, article.get_summary):
        assert not any(key[0] is article for key in method.cache)


def _stories(count: int) -> list[Article]:
    settings = {**DEFAULT_CONFIG, "SITEURL": ""}
    return [
        Article(
            f'<p>第{number}篇<a href="/stories/{number + 1}/">下一篇</a></p>',
            metadata={"title": f"稿件{number}", "date": datetime(2020, 2, 1 + number % 28),
                      "tags": [Tag(f"标签{number % 3}", settings)], "summary": f"摘要{number}"},
            settings=settings,
            source_path=f"stories/{number}.md",
        )
        for number in range(count)
    ]


def test_stories_described_beside_the_build_get_the_digests_the_build_would_give(monkeypatch):
    stories = _stories(12)
    expected = [Describer().describe(story) for story in stories]

    early = EarlyDescription(stories, 2)
    # The build's process takes the digests it is given: it describes no story itself.
    monkeypatch.setattr(Describer, "_content", lambda self, content: "worked out in the build's process")
    describer = Describer()
    early.give_to(describer)

    assert [describer.describe(story) for story in stories] == expected
    assert len(set(expected)) == len(stories)


def test_stories_are_described_beside_the_build_only_when_a_core_is_left_for_it():
    assert describing_processes(workers=1, stories=10_000) == 0
    assert describing_processes(workers=2, stories=3) == 0
    assert describing_processes(workers=2, stories=10_000) == 1
    assert describing_processes(workers=4, stories=10_000) == 3


def test_a_queued_page_is_written_under_its_name_however_the_output_folder_is_given(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    template = jinja2.Environment().from_string("<main>{{ article.title }}</main>")
    (article,) = _stories(1)
    for given in (str(tmp_path / "absolute"), f"{tmp_path}/slash/", "relative", f"{tmp_path}/dots/../dotted"):
        writer = DeferredWriter(given, settings={**DEFAULT_CONFIG, "SITEURL": ""})
        writer.write_file("stories/2020/甲/index.html", template, {}, article=article)
        writer.flush()
        folder = tmp_path / given.replace(f"{tmp_path}/", "").replace("dots/../", "")
        page = folder / "stories/2020/甲/index.html"
        assert page.read_text(encoding="utf-8") == "<main>稿件0</main>", given


def test_a_queued_pages_folder_is_made_when_it_is_written_and_feeds_still_make_theirs(tmp_path):
    template = jinja2.Environment().from_string("<main>{{ article.title }}</main>")
    (article,) = _stories(1)
    writer = DeferredWriter(str(tmp_path), settings={**DEFAULT_CONFIG, "SITEURL": ""})
    writer.write_file("stories/2020/甲/index.html", template, {}, article=article)
    assert not (tmp_path / "stories").exists()  # queued: no folder made for it yet
    feed_context = {**DEFAULT_CONFIG, "SITENAME": "站", "FEED_DOMAIN": ""}
    writer.write_feed([article], feed_context, "feeds/all.atom.xml")
    assert (tmp_path / "feeds/all.atom.xml").is_file()  # a direct write makes its folder as Pelican does
    writer.flush()
    assert (tmp_path / "stories/2020/甲/index.html").read_text(encoding="utf-8") == "<main>稿件0</main>"
