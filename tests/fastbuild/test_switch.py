"""FASTBUILD = False is plain Pelican with this site's plugins (stable pages included), and makes the
same site as a fast build."""

import pelican.generators
import pytest
from fastbuild.speedups import process_translations_by_group, translations_by_group
from output_compare import differences
from pelican.utils import process_translations
from sitebuild import build_site, content_with

from bench.stories import write_stories

GENERATED_STORIES = 60


def test_fastbuild_off_and_on_make_the_same_tree(tmp_path):
    content = content_with(tmp_path, {})
    write_stories(content, GENERATED_STORIES)
    off = build_site(tmp_path / "off", content=content, extra_settings={"FASTBUILD": False}, verbose=True)
    assert off.returncode == 0, off.log
    assert "fastbuild:" not in off.log  # no writer, reading or record of fastbuild
    # Nor its caches: Pelican's reader cache stays off, as Pelican's settings have it.
    assert not (tmp_path / "off-cache" / "fastbuild").exists()
    assert not list((tmp_path / "off-cache").glob("*-Readers"))
    on = build_site(tmp_path / "on", content=content, extra_settings={"FASTBUILD_WORKERS": 2}, verbose=True)
    assert on.returncode == 0, on.log
    assert "fastbuild:" in on.log
    # Archive pages exist either way: stable pagination does not need fastbuild.
    assert (tmp_path / "off" / "page" / "1" / "index.html").is_file()
    assert differences(tmp_path / "off", tmp_path / "on") == []


def test_translations_are_sorted_by_group_only_inside_a_build():
    assert pelican.generators.process_translations is process_translations
    with translations_by_group():
        assert pelican.generators.process_translations is process_translations_by_group
    assert pelican.generators.process_translations is process_translations
    with pytest.raises(RuntimeError), translations_by_group():
        raise RuntimeError("a build that fails")
    assert pelican.generators.process_translations is process_translations
