"""A picture, or any file Pelican copies as it is (a Static object), is not a story: the plugins that
clean stories as they are made leave it as Pelican made it, warn about nothing and never open its file."""

import copy
import logging

import controlchars
import pytest
import sanitizer
from pelican.contents import Static
from pelican.settings import DEFAULT_CONFIG

CONTROL_AND_MARKUP = "合影\x01<script>alert(1)</script>"


@pytest.mark.parametrize("clean_and_warn", [controlchars._clean_and_warn, sanitizer._clean_and_warn])
def test_a_static_file_is_left_as_pelican_made_it(tmp_path, caplog, clean_and_warn):
    settings = {**copy.deepcopy(DEFAULT_CONFIG), "PATH": str(tmp_path)}
    picture = tmp_path / "images" / "photo.jpg"
    picture.parent.mkdir()
    picture.write_bytes(b"\xff\xd8\x01\x0b not text \xff\xd9")
    metadata = {"title": CONTROL_AND_MARKUP, "reader": "base"}
    static = Static(None, metadata, settings, str(picture), {})

    with caplog.at_level(logging.WARNING):
        clean_and_warn(static)

    assert static._content is None
    assert static.metadata == metadata and static.title == CONTROL_AND_MARKUP
    assert not caplog.records
