"""The scale benchmark's synthetic stories (bench/stories.py) are valid stories of our content model."""

import re
from datetime import datetime

from pelican.readers import Readers
from pelican.settings import read_settings
from taxonomy.validation import metadata_problems

from bench.stories import added_story, chinese_characters, story, write_stories


def test_generated_stories_read_as_valid_stories(tmp_path):
    content = tmp_path / "content"
    written = write_stories(content, 5)
    readers = Readers(read_settings(override={"PATH": str(content), "TIMEZONE": "Asia/Shanghai"}))
    for each in written:
        path = f"stories/bench/{each.filename}"
        context = {"static_content": {}, "generated_content": {}, "static_links": set()}
        read = readers.read_file(base_path=str(content), path=path, context=context)
        assert read.title == each.title
        assert metadata_problems(read.metadata, path) == []
        assert read.metadata["org_type"] and read.metadata["region"] and read.metadata["org"]
        assert 1 <= len(read.metadata["tags"]) <= 3
        assert read.date.replace(tzinfo=None) < datetime.now()
        assert chinese_characters(read.content) >= 1500
        assert "<ul>" in read.content and "<ol>" in read.content and '<a href="https://' in read.content
        for image in re.findall(r"\{static\}/(\S+?\.jpg)", each.body) + ([each.cover] if each.cover else []):
            assert (content / image).is_file(), image


def test_stories_are_the_same_on_every_run_and_the_added_one_is_newest():
    assert story(7) == story(7)
    assert story(7).body != story(8).body
    assert added_story(1000).date > max(story(n).date for n in range(200))
    assert added_story(1000).body == added_story(10_000).body
