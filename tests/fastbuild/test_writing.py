from datetime import datetime

import jinja2
from fastbuild.inputs import Describer
from fastbuild.writing import DeferredWriter, QueuedPage, build_pages
from pelican.contents import Article
from pelican.settings import DEFAULT_CONFIG


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
