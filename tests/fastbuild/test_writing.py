from datetime import datetime

import jinja2
from fastbuild.inputs import Describer
from fastbuild.writing import QueuedPage, build_pages
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
